//! An agency's API tokens, kept by the business office: what the agency's own systems use to
//! read its actions and add progress updates. A new token's secret is shown once, here, and
//! never again (the server keeps only its hash); a token can be revoked at once.

use crate::api::data::{ApiTokenItem, ApiTokensData};
use crate::api::{self, ApiError, ApiTokens, CreateApiToken, RevokeApiToken};
use crate::components::{
    ask, format_date_time, ConfirmPanel, DataTable, DateInput, ErrorSummary, FormSubmit, TextField,
};
use crate::pages::chronology::Notice;
use crate::pages::states;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

fn describe(field: &str) -> (String, String) {
    match field.rsplit('.').next().unwrap_or(field) {
        "expiresOn" => ("token-expires".into(), "Expires on".into()),
        _ => ("token-name".into(), "Name".into()),
    }
}

/// A date `days` from today in the browser's calendar, as `YYYY-MM-DD`.
fn days_from_today(days: u32) -> String {
    let d = js_sys::Date::new_0();
    d.set_date(d.get_date() + days);
    format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date()
    )
}

fn state_of(t: &ApiTokenItem, now: &str) -> &'static str {
    if t.revoked_at.is_some() {
        "Revoked"
    } else if t.expires_at.as_str() <= now {
        "Expired"
    } else {
        "Active"
    }
}

#[component]
pub fn ApiTokensSection(agency_id: String) -> impl IntoView {
    let id = StoredValue::new(agency_id);
    let list = RwSignal::new(None::<Result<Vec<ApiTokenItem>, ApiError>>);
    let notice = RwSignal::new(None::<String>);
    let secret = RwSignal::new(None::<(String, String)>);
    let load = move || {
        let variables = api::api_tokens::Variables {
            agency_id: id.get_value(),
        };
        spawn_local(async move {
            list.set(Some(
                api::fetch::<ApiTokens, ApiTokensData>(variables)
                    .await
                    .map(|d| d.tokens),
            ));
        });
    };
    load();
    let name = RwSignal::new(String::new());
    let expires = RwSignal::new(days_from_today(180));
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let create = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        let variables = api::create_api_token::Variables {
            agency_id: id.get_value(),
            name: name.get_untracked(),
            expires_on: expires.get_untracked(),
        };
        form.send(api::send::<CreateApiToken>(variables), describe, move |d| {
            let created = &d["createApiToken"];
            let token_name = created["token"]["name"].as_str().unwrap_or_default();
            secret.set(Some((
                token_name.to_string(),
                created["secret"].as_str().unwrap_or_default().to_string(),
            )));
            name.set(String::new());
            notice.set(None);
            load();
        });
    };
    // Revoking asks first: the chosen token (id, name) while the question is open.
    let revoking = RwSignal::new(None::<(String, String)>);
    let asking = RwSignal::new(false);
    let revoke_pending = RwSignal::new(false);
    let revoke = move |token: String, label: String| {
        revoking.set(Some((token, label)));
        ask(asking, "confirm-revoke");
    };
    let revoke_now = move |()| {
        let Some((token, label)) = revoking.get_untracked() else {
            return;
        };
        revoke_pending.set(true);
        spawn_local(async move {
            let result =
                api::send::<RevokeApiToken>(api::revoke_api_token::Variables { id: token }).await;
            revoke_pending.set(false);
            asking.set(false);
            match result {
                Ok(_) => {
                    secret.set(None);
                    notice.set(Some(format!(
                        "Token “{label}” revoked. Systems using it can no longer read or update this agency's actions."
                    )));
                    load();
                }
                Err(e) => notice.set(Some(e.explain())),
            }
        });
    };
    let question = Signal::derive(move || {
        revoking.with(|r| {
            r.as_ref()
                .map(|(_, label)| format!("Revoke the token “{label}”?"))
                .unwrap_or_default()
        })
    });
    view! {
        <section aria-labelledby="tokens-title">
            <h2 id="tokens-title">"API tokens"</h2>
            <p>
                "A token lets this agency's own systems read the agency's actions and add progress updates through the GraphQL API, and nothing else. Send it as "
                <code>"Authorization: Bearer <token>"</code> "."
            </p>
            <Notice text=notice />
            <ConfirmPanel
                id="confirm-revoke"
                open=asking
                level=3
                question=question
                confirm="Yes, revoke the token"
                destructive=true
                pending=revoke_pending
                on_confirm=Callback::new(revoke_now)
            >
                <p>"Systems using it stop working at once. This cannot be undone: a new token would have to be made and given to them."</p>
            </ConfirmPanel>
            {move || secret.get().map(|(label, value)| view! {
                <div class="notice notice-success" role="status">
                    <h3>{format!("The token “{label}”")}</h3>
                    <p>"Copy it now and keep it somewhere safe: it will not be shown again."</p>
                    <p><code class="secret" id="token-secret">{value}</code></p>
                </div>
            })}
            {move || states(list.get(), move |tokens| {
                if tokens.is_empty() {
                    return view! { <p>"This agency has no API tokens."</p> }.into_any();
                }
                let now = js_sys::Date::new_0().to_iso_string().as_string().unwrap_or_default();
                let rows = tokens
                    .into_iter()
                    .map(|t| {
                        let state = state_of(&t, &now);
                        let (token, label) = (t.id.clone(), t.name.clone());
                        view! {
                            <tr>
                                <td>{t.name.clone()}</td>
                                <td>{format_date_time(&t.created_at)}</td>
                                <td>{format_date_time(&t.expires_at)}</td>
                                <td>{t.last_used_at.as_deref().map_or("Never".to_string(), format_date_time)}</td>
                                <td>{state}</td>
                                <td>
                                    {(state == "Active").then(|| view! {
                                        <button
                                            type="button"
                                            class="button button-warning button-small"
                                            on:click=move |_| revoke(token.clone(), label.clone())
                                        >
                                            {format!("Revoke “{}”", t.name)}
                                        </button>
                                    })}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <DataTable caption="Tokens" columns=&["Name", "Created", "Expires", "Last used", "State", "Revoke"]>
                        {rows}
                    </DataTable>
                }
                .into_any()
            })}
            <form class="row-card" on:submit=create novalidate=true aria-labelledby="new-token-title">
                <h3 id="new-token-title">"Create a token"</h3>
                <ErrorSummary errors=errors />
                <TextField
                    id="token-name"
                    label="Name"
                    hint="What will use it, for example “Case management system”."
                    value=name
                    errors=errors
                />
                <DateInput
                    id="token-expires"
                    label="Expires on"
                    hint="At most a year from today."
                    value=expires
                    errors=errors
                    missing="Enter the date the token expires"
                />
                <button type="submit" class="button" disabled=move || pending.get()>
                    "Create token"
                </button>
            </form>
        </section>
    }
}
