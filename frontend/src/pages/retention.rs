//! Retention (business office): how long each kind of record is kept, what a run would
//! delete now (a preview), running it now, and the latest runs.

use crate::api::{
    self, data::RetentionReport, enum_from, ApiError, RetentionPreview, RetentionSettings,
    RunRetention, SetRetentionRules,
};
use crate::components::{
    format_date, format_date_time, format_opt_date, set_title, DataTable, ErrorPanel, ErrorSummary,
    FormSubmit, SelectField, TextField,
};
use crate::pages::states;
use leptos::prelude::*;
use leptos::task::spawn_local;

type Settings = LocalResource<Result<api::data::RetentionSettingsData, ApiError>>;

#[component]
pub fn RetentionPage() -> impl IntoView {
    set_title("Retention");
    let data: Settings = LocalResource::new(|| {
        api::fetch::<RetentionSettings, api::data::RetentionSettingsData>(
            api::retention_settings::Variables,
        )
    });
    // Outside the form, which is drawn afresh with the saved rules.
    let saved = RwSignal::new(false);
    view! {
        <h1 tabindex="-1">"Retention"</h1>
        <p>
            "How long each kind of record is kept. Once a day the platform deletes what has expired, "
            "each review with everything under it, and records what it deleted (counts and references, "
            "never content) in the audit log. A review under a legal hold is never deleted: set or lift "
            "a hold on the review's page."
        </p>
        {move || states(data.get(), move |d| view! { <RulesForm rules=d.rules resource=data saved=saved /> <Runs runs=d.runs /> })}
        <RunPanel resource=data />
    }
}

#[derive(Clone)]
struct Row {
    rule: api::data::RetentionRule,
    unit: RwSignal<String>,
    amount: RwSignal<String>,
}

/// `rules[3].amount` → (`rules-3-amount`, "…").
fn describe(field: &str) -> (String, String) {
    let index = field
        .strip_prefix("rules[")
        .and_then(|rest| rest.split(']').next())
        .and_then(|n| n.parse::<usize>().ok());
    match index {
        Some(i) if field.ends_with("unit") => (format!("rules-{i}-unit"), "Counted in".into()),
        Some(i) => (format!("rules-{i}-amount"), "How long".into()),
        None => ("rules-0-amount".into(), "The rules".into()),
    }
}

#[component]
fn RulesForm(
    rules: Vec<api::data::RetentionRule>,
    resource: Settings,
    saved: RwSignal<bool>,
) -> impl IntoView {
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let rows: Vec<Row> = rules
        .into_iter()
        .map(|rule| Row {
            unit: RwSignal::new(api::code_of(&rule.unit)),
            amount: RwSignal::new(rule.amount.map(|a| a.to_string()).unwrap_or_default()),
            rule,
        })
        .collect();
    let stored = StoredValue::new(rows.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        saved.set(false);
        let list = stored.get_value();
        for (i, row) in list.iter().enumerate() {
            let unit = row.unit.get_untracked();
            let amount = row.amount.get_untracked();
            if unit != "FOREVER" && amount.trim().parse::<i64>().is_err() {
                errors.push(
                    &format!("rules-{i}-amount"),
                    format!(
                        "Enter how long {} are kept, as a whole number",
                        row.rule.label.to_lowercase()
                    ),
                );
            }
        }
        if errors.report_found() {
            return;
        }
        let rules = list
            .iter()
            .map(|row| {
                let unit = row.unit.get_untracked();
                api::set_retention_rules::RetentionRuleInput {
                    record_kind: enum_from(&row.rule.record_kind),
                    review_kind: row.rule.review_kind.as_deref().map(enum_from),
                    amount: if unit == "FOREVER" {
                        None
                    } else {
                        row.amount.get_untracked().trim().parse::<i64>().ok()
                    },
                    unit: enum_from(&unit),
                }
            })
            .collect();
        form.send(
            api::send::<SetRetentionRules>(api::set_retention_rules::Variables { rules }),
            describe,
            move |_| {
                saved.set(true);
                resource.refetch();
            },
        );
    };
    view! {
        <ErrorSummary errors=errors />
        {move || saved.get().then(|| view! { <p class="notice notice-success" role="status">"Retention rules saved."</p> })}
        <form on:submit=submit novalidate=true>
            <h2>"Retention rules"</h2>
            {rows
                .into_iter()
                .enumerate()
                .map(|(i, row)| {
                    let r = row.rule.clone();
                    let mut options = Vec::new();
                    if r.min_days.is_some() {
                        options.push(("DAYS".to_string(), "Days".to_string()));
                    }
                    if r.min_months.is_some() {
                        options.push(("MONTHS".to_string(), "Months".to_string()));
                    }
                    if r.forever_allowed {
                        options.push(("FOREVER".to_string(), "Keep forever".to_string()));
                    }
                    let unit = row.unit;
                    let changed = match (&r.updated_by, &r.updated_at) {
                        (Some(by), Some(at)) => format!(" Last changed by {by} on {}.", format_date_time(at)),
                        _ => String::new(),
                    };
                    let status = if r.is_default {
                        format!("Now: {} (the default).", r.period)
                    } else {
                        format!("Now: {}; the default is {}.", r.period, r.default_period)
                    };
                    view! {
                        <fieldset class="row-card">
                            <legend>{r.label.clone()}</legend>
                            <p class="hint">{format!("Counted {}. {status}{changed}", r.anchor)}</p>
                            <SelectField id=format!("rules-{i}-unit") label=format!("{}: counted in", r.label) value=unit options=options errors=errors />
                            <Show when=move || unit.get() != "FOREVER">
                                <TextField
                                    id=format!("rules-{i}-amount")
                                    label=format!("{}: how long", r.label)
                                    hint=format!("Allowed: {}.", r.allowed)
                                    input_type="number"
                                    value=row.amount
                                    errors=errors
                                    short=true
                                />
                            </Show>
                        </fieldset>
                    }
                })
                .collect_view()}
            <div class="button-group">
                <button type="submit" class="button" disabled=move || pending.get()>"Save retention rules"</button>
            </div>
        </form>
    }
}

#[component]
fn Runs(runs: Vec<api::data::RetentionRun>) -> impl IntoView {
    if runs.is_empty() {
        return view! {
            <h2>"Latest runs"</h2>
            <p>"No retention run yet. The first runs within a day of the server starting."</p>
        }
        .into_any();
    }
    view! {
        <DataTable caption="Latest retention runs" focusable=true columns=&["Started", "How", "Outcome", "Deleted"]>
            {runs
                .into_iter()
                .map(|run| {
                    let how = if run.trigger == "SCHEDULED" { "Daily run" } else { "Run by hand" };
                    let outcome = match run.outcome.as_deref() {
                        Some("DONE") => "Done",
                        Some("FAILED") => "Failed",
                        _ => "Not finished",
                    };
                    let deleted = run.report.map(|r| summary(&r)).unwrap_or_else(|| "—".into());
                    view! {
                        <tr>
                            <td>{format_date_time(&run.started_at)}</td>
                            <td>{how}</td>
                            <td>{outcome}</td>
                            <td>{deleted}</td>
                        </tr>
                    }
                })
                .collect_view()}
        </DataTable>
    }
    .into_any()
}

/// A report's counts in a sentence.
fn summary(r: &RetentionReport) -> String {
    let mut parts = vec![
        format!("{} reviews", r.reviews.len()),
        format!("chronologies of {} reviews", r.chronologies.len()),
        format!("{} audit entries", r.audit_entries),
        format!("{} notifications", r.notifications),
        format!("{} sessions", r.sessions),
        format!("{} sign-in attempts", r.sign_in_attempts),
    ];
    if !r.held.is_empty() {
        parts.push(format!("{} kept by a legal hold", r.held.len()));
    }
    if !r.failed.is_empty() {
        parts.push(format!(
            "{} failed (nothing of them deleted)",
            r.failed.len()
        ));
    }
    parts.join(", ")
}

/// Preview (nothing deleted) and run now.
#[component]
fn RunPanel(resource: Settings) -> impl IntoView {
    let report = RwSignal::new(None::<Result<RetentionReport, ApiError>>);
    let busy = RwSignal::new(false);
    let preview = move |_| {
        busy.set(true);
        spawn_local(async move {
            let r = api::fetch::<RetentionPreview, api::data::RetentionPreviewData>(
                api::retention_preview::Variables,
            )
            .await
            .map(|d| d.report);
            report.set(Some(r));
            busy.set(false);
        });
    };
    let run = move |_| {
        busy.set(true);
        spawn_local(async move {
            let r = api::fetch::<RunRetention, api::data::RunRetentionData>(
                api::run_retention::Variables,
            )
            .await
            .map(|d| d.report);
            report.set(Some(r));
            busy.set(false);
            resource.refetch();
        });
    };
    view! {
        <h2>"Run retention"</h2>
        <p>"Preview what a run would delete now (nothing is deleted), or run it now."</p>
        <div class="button-group">
            <button type="button" class="button button-secondary" on:click=preview disabled=move || busy.get()>"Preview what would be deleted"</button>
            <button type="button" class="button button-warning" on:click=run disabled=move || busy.get()>"Run retention now"</button>
        </div>
        <div role="status" aria-live="polite">
            {move || busy.get().then(|| view! { <p>"Working…"</p> })}
            {move || report.get().map(|r| match r {
                Ok(r) => view! { <ReportView report=r /> }.into_any(),
                Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
            })}
        </div>
    }
}

#[component]
fn ReportView(report: RetentionReport) -> impl IntoView {
    let heading = if report.dry_run {
        "Preview: a run now would delete"
    } else {
        "Retention run: deleted"
    };
    let reviews = report.reviews.clone();
    let chronologies = report.chronologies.clone();
    let held = report.held.clone();
    let failed = report.failed.clone();
    view! {
        <div class="notice">
            <h3>{heading}</h3>
            <p>{summary(&report)}</p>
            {(!reviews.is_empty()).then(|| view! {
                <DataTable caption="Reviews, with everything under them" focusable=true columns=&["Reference", "Kind", "Closed", "Expired", "Rows"]>
                    {reviews.into_iter().map(|r| view! {
                        <tr>
                            <th scope="row">{r.reference}</th>
                            <td>{r.kind_label}</td>
                            <td>{format_opt_date(r.closed_on.as_deref())}</td>
                            <td>{format_date(&r.expired_on)}</td>
                            <td>{r.rows}</td>
                        </tr>
                    }).collect_view()}
                </DataTable>
            })}
            {(!chronologies.is_empty()).then(|| view! {
                <DataTable caption="Chronology entries of reviews kept" focusable=true columns=&["Reference", "Expired", "Entries"]>
                    {chronologies.into_iter().map(|r| view! {
                        <tr>
                            <th scope="row">{r.reference}</th>
                            <td>{format_date(&r.expired_on)}</td>
                            <td>{r.entries}</td>
                        </tr>
                    }).collect_view()}
                </DataTable>
            })}
            {(!held.is_empty()).then(|| view! {
                <DataTable caption="Kept by a legal hold" focusable=true columns=&["Reference", "Would have expired"]>
                    {held.into_iter().map(|h| {
                        let on = h.review_expired_on.or(h.chronology_expired_on);
                        view! {
                            <tr>
                                <th scope="row"><a href=format!("/reviews/{}", h.review_id)>{h.reference}</a></th>
                                <td>{format_opt_date(on.as_deref())}</td>
                            </tr>
                        }
                    }).collect_view()}
                </DataTable>
            })}
            {(!failed.is_empty()).then(|| view! {
                <p>{format!(
                    "Could not be deleted (nothing of them was; the next run tries again): {}",
                    failed
                        .into_iter()
                        .map(|f| format!("{} ({})", f.reference, f.what))
                        .collect::<Vec<_>>()
                        .join(", ")
                )}</p>
            })}
        </div>
    }
}
