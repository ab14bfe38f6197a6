//! Sign-in providers (business office): the organisations whose staff sign in with their
//! own account (OpenID Connect), each serving some email domains. Add, change, remove.

use crate::api::{self, data::SignInProviderItem, ApiError};
use crate::components::{
    ask, field_id, set_title, Checkbox, ConfirmPanel, DataTable, ErrorSummary, FormSubmit,
    TextArea, TextField,
};
use crate::pages::states;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

type Providers = LocalResource<Result<api::data::SignInProvidersData, ApiError>>;

/// The redirect address providers must know: the same for every provider.
fn redirect_uri(providers: &[SignInProviderItem]) -> String {
    providers.first().map_or_else(
        || {
            format!(
                "{}/auth/oidc/callback",
                window().location().origin().unwrap_or_default()
            )
        },
        |p| p.redirect_uri.clone(),
    )
}

/// Domains as typed: one a line, or separated by commas or spaces.
fn domains_of(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string)
        .collect()
}

/// The input of a create or an update (whose generated input types are alike) from the
/// form's values: name, issuer URL, client ID, client secret, email verified, domains.
macro_rules! provider_input {
    ($operation:ident, $draft:expr) => {{
        let (name, issuer_url, client_id, client_secret, email_verified_required, domains) = $draft;
        api::$operation::SignInProviderInput {
            name,
            issuer_url,
            client_id,
            client_secret,
            email_verified_required,
            domains,
        }
    }};
}

fn describe(field: &str) -> (String, String) {
    let group = field.split('[').next().unwrap_or(field);
    let label = match group {
        "name" => "Name",
        "issuerUrl" => "Issuer URL",
        "clientId" => "Client ID",
        "clientSecret" => "Client secret",
        "domains" => "Email domains",
        other => other,
    };
    (field_id(&format!("provider-{group}")), label.to_string())
}

#[component]
pub fn SignInProvidersPage() -> impl IntoView {
    set_title("Sign-in providers");
    let data: Providers = LocalResource::new(|| {
        api::fetch::<api::SignInProviders, api::data::SignInProvidersData>(
            api::sign_in_providers::Variables,
        )
    });
    // The provider being changed (None: adding one).
    let editing = RwSignal::new(None::<SignInProviderItem>);
    let notice = RwSignal::new(None::<String>);
    view! {
        <h1 tabindex="-1">"Sign-in providers"</h1>
        <p>"Staff of an organisation with its own identity provider (Microsoft Entra ID, ADFS, Keycloak and the like) can sign in with their organisation's account instead of a password here. Their two-step verification still applies. Nobody is given an account by signing in: add people on the Users page first, with the address their organisation knows them by."</p>
        {move || notice.get().map(|text| view! {
            <div class="notice notice-success" role="status"><p>{text}</p></div>
        })}
        {move || states(data.get(), move |d| {
            let redirect = redirect_uri(&d.providers);
            view! {
                <h2>"Registering the platform with a provider"</h2>
                <p>"Ask the organisation's IT team to register this platform as a web application using the authorization code flow with PKCE, scopes openid and email, and this redirect address:"</p>
                <p><code id="redirect-uri">{redirect}</code></p>
                <p>"They give you the issuer URL, a client ID and usually a client secret. The provider must send each person's email address and say it is verified."</p>
                <ProviderList providers=d.providers editing=editing data=data notice=notice />
            }
        })}
        {move || {
            let current = editing.get();
            view! { <ProviderForm current=current editing=editing data=data notice=notice /> }
        }}
    }
}

#[component]
fn ProviderList(
    providers: Vec<SignInProviderItem>,
    editing: RwSignal<Option<SignInProviderItem>>,
    data: Providers,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    if providers.is_empty() {
        return view! {
            <h2>"No providers yet"</h2>
            <p>"Everyone signs in with their email address and password. Add a provider below for an organisation whose staff should use their own account."</p>
        }
        .into_any();
    }
    view! {
        <DataTable caption="Identity providers" columns=&["Name", "Email domains", "Issuer URL", "Client", "Change or remove"]>
            {providers.into_iter().map(|p| view! { <ProviderRow provider=p editing=editing data=data notice=notice /> }).collect_view()}
        </DataTable>
    }
    .into_any()
}

#[component]
fn ProviderRow(
    provider: SignInProviderItem,
    editing: RwSignal<Option<SignInProviderItem>>,
    data: Providers,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let id = provider.id.clone();
    let name = provider.name.clone();
    let remove = move |()| {
        let id = id.clone();
        let name = name.clone();
        pending.set(true);
        error.set(None);
        spawn_local(async move {
            let result =
                api::send::<api::DeleteSignInProvider>(api::delete_sign_in_provider::Variables {
                    id,
                })
                .await;
            pending.set(false);
            match result {
                Ok(_) => {
                    confirming.set(false);
                    notice.set(Some(format!(
                        "{name} removed: its domains sign in with passwords again."
                    )));
                    editing.set(None);
                    data.refetch();
                }
                Err(e) => error.set(Some(e.explain())),
            }
        });
    };
    let edit = provider.clone();
    let client = format!(
        "{}{}",
        provider.client_id,
        if provider.has_client_secret {
            " (secret kept)"
        } else {
            " (no secret: PKCE only)"
        }
    );
    let question = format!("Remove {}?", provider.name);
    let edit_label = format!("Change {}", provider.name);
    let remove_label = format!("Remove {}", provider.name);
    view! {
        <tr>
            <th scope="row">{provider.name.clone()}</th>
            <td>{provider.domains.join(", ")}</td>
            <td class="wrap-anywhere">{provider.issuer_url.clone()}</td>
            <td class="wrap-anywhere">{client}</td>
            <td>
                <button type="button" class="link-button" aria-label=edit_label on:click=move |_| {
                    notice.set(None);
                    editing.set(Some(edit.clone()));
                    request_animation_frame(|| crate::components::focus_by_id("provider-form-heading"));
                }>"Change"</button>
                " "
                <button type="button" class="link-button" aria-label=remove_label on:click=move |_| ask(confirming, "confirm-remove-provider")>"Remove"</button>
                <ConfirmPanel
                    id="confirm-remove-provider"
                    open=confirming
                    level=3
                    question=question
                    confirm="Yes, remove it"
                    pending=pending
                    error=error
                    destructive=true
                    on_confirm=Callback::new(remove)
                >
                    <p>"People with addresses in its domains sign in with their password again (if they have one)."</p>
                </ConfirmPanel>
            </td>
        </tr>
    }
}

/// Adding a provider, or changing `current`.
#[component]
fn ProviderForm(
    current: Option<SignInProviderItem>,
    editing: RwSignal<Option<SignInProviderItem>>,
    data: Providers,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let id = current.as_ref().map(|p| p.id.clone());
    let had_secret = current.as_ref().is_some_and(|p| p.has_client_secret);
    let name = RwSignal::new(current.as_ref().map(|p| p.name.clone()).unwrap_or_default());
    let issuer = RwSignal::new(
        current
            .as_ref()
            .map(|p| p.issuer_url.clone())
            .unwrap_or_default(),
    );
    let client_id = RwSignal::new(
        current
            .as_ref()
            .map(|p| p.client_id.clone())
            .unwrap_or_default(),
    );
    let secret = RwSignal::new(String::new());
    let remove_secret = RwSignal::new(false);
    let domains = RwSignal::new(
        current
            .as_ref()
            .map(|p| p.domains.join("\n"))
            .unwrap_or_default(),
    );
    let verified = RwSignal::new(current.as_ref().is_none_or(|p| p.email_verified_required));
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let heading = match &current {
        Some(p) => format!("Change {}", p.name),
        None => "Add a provider".to_string(),
    };
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        // Left empty on a change, the stored secret stays; "remove" sends an empty one.
        let client_secret = if remove_secret.get_untracked() {
            Some(String::new())
        } else {
            Some(secret.get_untracked()).filter(|s| !s.is_empty() || id.is_none())
        };
        let draft = (
            name.get_untracked(),
            issuer.get_untracked(),
            client_id.get_untracked(),
            client_secret,
            verified.get_untracked(),
            domains_of(&domains.get_untracked()),
        );
        let was_change = id.is_some();
        let done = move |_| {
            let saved = name.get_untracked();
            notice.set(Some(if was_change {
                format!("{} saved.", saved.trim())
            } else {
                format!("{} added. People with addresses in its domains now see “Sign in with your organisation's account”.", saved.trim())
            }));
            secret.set(String::new());
            editing.set(None);
            data.refetch();
        };
        match id.clone() {
            Some(id) => form.send(
                api::send::<api::UpdateSignInProvider>(api::update_sign_in_provider::Variables {
                    id,
                    input: provider_input!(update_sign_in_provider, draft),
                }),
                describe,
                done,
            ),
            None => form.send(
                api::send::<api::CreateSignInProvider>(api::create_sign_in_provider::Variables {
                    input: provider_input!(create_sign_in_provider, draft),
                }),
                describe,
                done,
            ),
        }
    };
    let secret_hint = if had_secret {
        "A secret is kept. Leave this empty to keep it, or enter the new one."
    } else {
        "As the provider gave it. Leave it empty for a public client (PKCE only)."
    };
    view! {
        <h2 id="provider-form-heading" tabindex="-1">{heading}</h2>
        <ErrorSummary errors=errors />
        <form on:submit=submit novalidate=true>
            <TextField id="provider-name" label="Name" hint="What people see, such as Northshire County Council" value=name errors=errors />
            <TextField id="provider-issuerUrl" label="Issuer URL" hint="https://…, as the provider gave it (its discovery document is under it)" value=issuer errors=errors input_type="url" />
            <TextField id="provider-clientId" label="Client ID" value=client_id errors=errors />
            <TextField id="provider-clientSecret" label="Client secret" hint=secret_hint value=secret errors=errors input_type="password" autocomplete="off" />
            {had_secret.then(|| view! { <Checkbox id="provider-remove-secret" label="Remove the kept secret (a public client)" checked=remove_secret /> })}
            <TextArea id="provider-domains" label="Email domains" hint="The domains of the organisation's staff addresses, one a line, such as northshire.gov.uk" value=domains errors=errors rows=3 />
            <Checkbox id="provider-verified" label="Only accept email addresses the provider says are verified (turn off only for providers that never say, such as Microsoft Entra ID, and only if the organisation controls every address in its domains)" checked=verified />
            <div class="button-group">
                <button type="submit" class="button" disabled=move || pending.get()>
                    {if current.is_some() { "Save changes" } else { "Add the provider" }}
                </button>
                {current.is_some().then(|| view! {
                    <button type="button" class="button button-secondary" on:click=move |_| editing.set(None)>"Cancel"</button>
                })}
            </div>
        </form>
    }
}
