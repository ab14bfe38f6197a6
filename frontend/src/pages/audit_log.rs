//! The append-only audit log: filter, page through, verify the hash chain. Events are in
//! words (`shared::audit`), their objects by name and their review by reference; the codes
//! stay beside them for investigators.

use crate::api::{self, ApiError, AuditLog, ErrorCode, PeopleOptions, VerifyAuditLog};
use crate::components::{
    format_date_time, set_title, DateInput, ErrorPanel, ErrorSummary, FormErrors, Loading,
    SelectField, TextField,
};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::audit::{describe_object_type, AuditEventKind};

type Entry = api::data::AuditEntry;
const PAGE: i64 = 50;

#[component]
pub fn AuditLogPage() -> impl IntoView {
    set_title("Audit log");
    let errors = FormErrors::new();
    let person = RwSignal::new(String::new());
    let review = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    let object_type = RwSignal::new(String::new());
    let object_id = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let entries = RwSignal::new(Vec::<Entry>::new());
    let cursor = RwSignal::new(None::<String>);
    let loading = RwSignal::new(true);
    let failure = RwSignal::new(None::<ApiError>);
    let applied = RwSignal::new(None::<api::audit_log::AuditLogFilter>);
    let people = LocalResource::new(|| {
        api::fetch::<PeopleOptions, api::data::PeopleOptionsData>(api::people_options::Variables)
    });
    let verify = RwSignal::new(None::<Result<api::data::AuditChainReport, ApiError>>);
    let verifying = RwSignal::new(false);

    let load = move |after: Option<String>| {
        loading.set(true);
        failure.set(None);
        if after.is_none() {
            errors.clear();
        }
        let variables = api::audit_log::Variables {
            filter: applied.get_untracked(),
            after: after.clone(),
            first: PAGE,
        };
        spawn_local(async move {
            match api::fetch::<AuditLog, api::data::AuditLogData>(variables).await {
                Ok(d) => {
                    let page = d.audit_log;
                    if after.is_some() {
                        entries.update(|e| e.extend(page.entries));
                    } else {
                        entries.set(page.entries);
                    }
                    cursor.set(page.next_cursor);
                }
                Err(e) if e.code == ErrorCode::Validation && !e.problems.is_empty() => {
                    errors.show(e, describe_field);
                }
                Err(e) => failure.set(Some(e)),
            }
            loading.set(false);
        });
    };
    load(None);

    let text =
        |s: RwSignal<String>| Some(s.get_untracked().trim().to_string()).filter(|v| !v.is_empty());
    let apply = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        if errors.report_found() {
            return;
        }
        let filter = api::audit_log::AuditLogFilter {
            actor_id: text(person),
            object_type: text(object_type),
            object_id: text(object_id),
            from: text(from),
            to: text(to),
            review_id: None,
            review_reference: text(review),
            kinds: text(kind)
                .map(|k| vec![api::enum_from(&k)])
                .unwrap_or_default(),
        };
        applied.set(Some(filter));
        load(None);
    };
    let clear = move |_| {
        for s in [person, review, kind, object_type, object_id, from, to] {
            s.set(String::new());
        }
        applied.set(None);
        load(None);
    };
    let run_verify = move |_| {
        verifying.set(true);
        spawn_local(async move {
            let result = api::fetch::<VerifyAuditLog, api::data::VerifyData>(
                api::verify_audit_log::Variables,
            )
            .await
            .map(|d| d.verify_audit_log);
            verify.set(Some(result));
            verifying.set(false);
        });
    };

    view! {
        <h1 tabindex="-1">"Audit log"</h1>
        <p>"Every read of case-level data and every change, newest first."</p>
        <div class="button-group">
            <button type="button" class="button button-secondary" on:click=run_verify disabled=move || verifying.get()>
                "Verify chain"
            </button>
        </div>
        <div role="status" aria-live="polite">
            {move || verifying.get().then(|| view! { <p>"Checking the chain…"</p> })}
            {move || {
                verify.get().map(|r| match r {
                    Ok(report) if report.intact => view! {
                        <div class="notice notice-success">
                            <p>{format!("The chain is intact: {} entries checked.", report.checked)}</p>
                        </div>
                    }
                        .into_any(),
                    Ok(report) => view! {
                        <div class="notice">
                            <p>
                                <strong class="tag tag-overdue">"Broken"</strong>
                                {format!(
                                    " The chain is broken at entry {} ({} entries checked).",
                                    report.first_broken_id.unwrap_or_else(|| "unknown".into()),
                                    report.checked,
                                )}
                            </p>
                        </div>
                    }
                        .into_any(),
                    Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                })
            }}
        </div>
        <ErrorSummary errors=errors />
        <form on:submit=apply novalidate=true class="row-card">
            <h2>"Filter"</h2>
            <div class="filters">
                {move || {
                    let options = match people.get() {
                        Some(Ok(d)) => d.users.into_iter().map(|u| (u.id, u.display_name)).collect(),
                        _ => Vec::new(),
                    };
                    view! { <SelectField id="filter-person" label="Person" value=person options=options blank="Anyone" errors=errors /> }
                }}
                <TextField id="filter-review" label="Review reference" hint="For example SCR-2016-03" value=review errors=errors short=true />
                <SelectField id="filter-kind" label="Kind of event" value=kind options=kind_options() blank="Any kind" errors=errors />
                <DateInput id="filter-from" label="From" value=from errors=errors />
                <DateInput id="filter-to" label="To" value=to errors=errors />
            </div>
            <details class="audit-filter-codes">
                <summary>"Filter by codes (for investigators)"</summary>
                <TextField id="filter-object-type" label="Object type" hint="A code, for example review, agency, user" value=object_type errors=errors short=true />
                <TextField id="filter-object-id" label="Object id" value=object_id errors=errors />
            </details>
            <div class="button-group">
                <button type="submit" class="button">"Apply filters"</button>
                <button type="button" class="button button-secondary" on:click=clear>"Clear filters"</button>
            </div>
        </form>
        {move || failure.get().map(|e| view! { <ErrorPanel error=e /> })}
        {move || {
            let list = entries.get();
            if list.is_empty() {
                return if loading.get() || failure.with(Option::is_some) {
                    ().into_any()
                } else {
                    view! {
                        <h2>"No entries"</h2>
                        <p>"No audit entries match these filters. Clear the filters or widen the dates."</p>
                    }
                        .into_any()
                };
            }
            view! {
                <div class="table-wrap">
                    <table class="audit-table">
                        <caption>{format!("Audit log entries ({} shown)", list.len())}</caption>
                        <thead>
                            <tr>
                                {COLUMNS.iter().map(|c| view! { <th scope="col">{*c}</th> }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>{list.into_iter().map(row).collect_view()}</tbody>
                    </table>
                </div>
            }
                .into_any()
        }}
        {move || loading.get().then(|| view! { <Loading /> })}
        {move || {
            cursor.get().map(|c| {
                view! {
                    <button type="button" class="button button-secondary" on:click=move |_| load(Some(c.clone())) disabled=move || loading.get()>
                        "Load more"
                    </button>
                }
            })
        }}
    }
}

/// A detail (JSON: what a retention run deleted, counts and references) laid out to read.
fn pretty(detail: &str) -> String {
    serde_json::from_str::<serde_json::Value>(detail)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| detail.to_string())
}

const COLUMNS: &[&str] = &["When", "Who", "What happened", "Review", "About", "Codes"];

/// The kinds of event, as the filter offers them.
fn kind_options() -> Vec<(String, String)> {
    AuditEventKind::ALL
        .iter()
        .map(|k| (k.code().to_string(), k.label().to_string()))
        .collect()
}

/// The filter field a refusal names, and its words.
fn describe_field(field: &str) -> (String, String) {
    let (id, label) = match field.trim_start_matches("filter.") {
        "reviewReference" | "reviewId" => ("filter-review", "Review reference"),
        "kinds" => ("filter-kind", "Kind of event"),
        "from" => ("filter-from", "From"),
        "to" => ("filter-to", "To"),
        "actorId" => ("filter-person", "Person"),
        "objectType" => ("filter-object-type", "Object type"),
        "objectId" => ("filter-object-id", "Object id"),
        _ => ("filter-review", "Filter"),
    };
    (id.to_string(), label.to_string())
}

/// One entry: in words first, its codes beside.
fn row(e: Entry) -> impl IntoView {
    let who = e
        .actor_name
        .clone()
        .unwrap_or_else(|| "Not signed in".into());
    let whose = [
        e.agency_prefix.clone(),
        e.role.as_deref().map(crate::pages::users::role_label),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let review = match (e.review_id.clone(), e.review_reference.clone()) {
        (Some(id), Some(reference)) => {
            view! { <a class="nowrap" href=format!("/reviews/{id}")>{reference}</a> }.into_any()
        }
        (Some(_), None) => view! { <span class="secondary">"No longer held"</span> }.into_any(),
        _ => view! { <span class="secondary">"—"</span> }.into_any(),
    };
    let object_words = describe_object_type(&e.object_type).into_owned();
    let about = match (&e.object_id, e.object_label.clone()) {
        (_, Some(label)) => format!("{object_words}: {label}"),
        (Some(_), None) if e.review_id.is_some() || e.object_type == "review" => object_words,
        (Some(_), None) => format!("{object_words} (no longer held)"),
        (None, None) => object_words,
    };
    let object_code = match &e.object_id {
        Some(id) => format!("{} {id}", e.object_type),
        None => e.object_type.clone(),
    };
    view! {
        <tr>
            <td data-label="When">{format_date_time(&e.at)}</td>
            <td data-label="Who">
                {who}
                {(!whose.is_empty()).then(|| view! { <span class="cell-note">{whose}</span> })}
            </td>
            <td data-label="What happened">
                <span class="audit-words">{e.description.clone()}</span>
                <code class="cell-note">{e.action.clone()}</code>
                {e.detail.map(|d| view! {
                    <details>
                        <summary>"Details"</summary>
                        <pre class="audit-detail">{pretty(&d)}</pre>
                    </details>
                })}
            </td>
            <td data-label="Review">{review}</td>
            <td data-label="About">{about}</td>
            <td data-label="Codes">
                <details>
                    <summary>"Codes"</summary>
                    <dl class="audit-codes">
                        <dt>"Object"</dt>
                        <dd><code>{object_code}</code></dd>
                        <dt>"Correlation id"</dt>
                        <dd><code>{e.correlation_id}</code></dd>
                    </dl>
                </details>
            </td>
        </tr>
    }
}
