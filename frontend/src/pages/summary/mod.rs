//! A review's learning summary, in the framework's template: each field written in Markdown
//! with a live preview, saved with a version check (both texts shown on a clash), commented
//! on, and its history compared; the summary sent for review, approved by the chair,
//! checked for names and identifiers, published by the business office, and downloaded as a
//! document or a workshop slide deck.

mod field;

use crate::api::data::{SummaryData, SummaryPageData};
use crate::api::{self, enum_from, ApiError, ErrorCode};
use crate::components::{
    ask, format_date, format_date_time, save_export, set_title, ConfirmPanel, DateInput,
    ErrorSummary, FormErrors, FormSubmit, TextArea,
};
use crate::pages::chronology::Notice;
use crate::pages::{route_id, states};
use crate::session::use_session;
use field::FieldEditor;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashMap;

/// The page's data and how to re-read it.
#[derive(Clone, Copy)]
pub(crate) struct SummaryContext {
    pub data: RwSignal<Option<Result<SummaryPageData, ApiError>>>,
    pub notice: RwSignal<Option<String>>,
    pub review_id: Memo<String>,
    /// Unsaved text per field (and the version it was written on), kept when the page
    /// re-reads the summary so that no typing is lost.
    pub drafts: StoredValue<HashMap<String, (String, i64)>>,
    /// Someone else changed the summary while this person had unsaved text.
    pub stale: RwSignal<bool>,
    /// The field whose editor is open (one at a time), by its key.
    pub editing: RwSignal<Option<String>>,
}

impl SummaryContext {
    /// Re-reads the summary, then puts the focus back on `focus` (an element id), if given.
    pub fn reload_then_focus(self, focus: String) {
        let variables = api::learning_summary::Variables {
            review_id: self.review_id.get_untracked(),
        };
        let (data, stale) = (self.data, self.stale);
        spawn_local(async move {
            let answer = api::fetch::<api::LearningSummary, SummaryPageData>(variables).await;
            data.set(Some(answer));
            stale.set(false);
            request_animation_frame(move || crate::components::focus_by_id(&focus));
        });
    }

    pub fn has_drafts(self) -> bool {
        self.drafts.with_value(|d| !d.is_empty())
    }

    pub fn reload(self) {
        let variables = api::learning_summary::Variables {
            review_id: self.review_id.get_untracked(),
        };
        let data = self.data;
        spawn_local(async move {
            let answer = api::fetch::<api::LearningSummary, SummaryPageData>(variables).await;
            data.set(Some(answer));
        });
    }
}

#[component]
pub fn SummaryPage() -> impl IntoView {
    set_title("Learning summary");
    let review_id = route_id();
    let ctx = SummaryContext {
        data: RwSignal::new(None),
        notice: RwSignal::new(None),
        review_id,
        drafts: StoredValue::new(HashMap::new()),
        stale: RwSignal::new(false),
        editing: RwSignal::new(None),
    };
    Effect::new(move |_| {
        review_id.track();
        ctx.reload();
    });
    // Live: another author's save, comment or change of state. Re-read at once unless this
    // person has unsaved text; then offer to show the latest (their text is kept).
    let body = {
        use graphql_client::GraphQLQuery;
        serde_json::to_value(api::ReviewChanged::build_query(
            api::review_changed::Variables {
                review_id: review_id.get_untracked(),
            },
        ))
        .unwrap_or_default()
    };
    StoredValue::new_local(crate::live::watch(body, "reviewChanged", move |kind| {
        if kind == "LEARNING_SUMMARY" {
            if ctx.has_drafts() {
                ctx.stale.set(true);
            } else {
                ctx.reload();
            }
        }
    }));
    let heading = move || match ctx.data.get() {
        Some(Ok(d)) => format!("Learning summary: {}", d.review.reference),
        _ => "Learning summary".to_string(),
    };
    view! {
        <h1 tabindex="-1" id="page-title">{heading}</h1>
        <Notice text=ctx.notice />
        <div role="status" aria-live="polite">
            {move || ctx.stale.get().then(|| view! {
                <p class="notice">
                    "Someone else has changed the summary. "
                    <button type="button" class="link-button" on:click=move |_| ctx.reload_then_focus("page-title".into())>
                        "Show the latest (your unsaved text is kept)"
                    </button>
                </p>
            })}
        </div>
        {move || states(ctx.data.get(), move |d| {
            let back = format!("/reviews/{}", d.review.id);
            view! {
                <p class="caption">
                    {d.review.subject.clone()} " · " <a href=back>"Back to the review"</a>
                </p>
                {match d.summary {
                    None => view! { <NotStarted ctx=ctx /> }.into_any(),
                    Some(s) => view! { <Summary ctx=ctx summary=s /> }.into_any(),
                }}
            }
        })}
    }
}

#[component]
fn NotStarted(ctx: SummaryContext) -> impl IntoView {
    let errors = FormErrors::new();
    let start = move |_| {
        let variables = api::start_learning_summary::Variables {
            review_id: ctx.review_id.get_untracked(),
        };
        spawn_local(async move {
            match api::send::<api::StartLearningSummary>(variables).await {
                Ok(_) => {
                    ctx.notice.set(Some(
                        "The learning summary is started, filled in from the review, its learning points and actions.".into(),
                    ));
                    ctx.reload();
                }
                Err(e) => errors.show(e, |_| ("start-summary".into(), String::new())),
            }
        });
    };
    view! {
        <ErrorSummary errors=errors />
        <p>
            "No learning summary yet. The business office or a lead reviewer starts it; it is filled in from the review, its learning points and its actions, and everything stays editable."
        </p>
        <button type="button" class="button" id="start-summary" on:click=start>
            "Start the learning summary"
        </button>
    }
}

fn move_label(code: &str) -> &'static str {
    match code {
        "IN_REVIEW" => "Send for review",
        "APPROVED" => "Approve (independent chair)",
        "DRAFT" => "Return to draft",
        _ => "Move",
    }
}

/// The question before a move, in plain words; approving says how many comments are open.
fn move_question(to: &str, open_comments: i64) -> String {
    match (to, open_comments) {
        ("APPROVED", 0) => "Approve the learning summary?".into(),
        ("APPROVED", 1) => "There is 1 open comment. Approve anyway?".into(),
        ("APPROVED", n) => format!("There are {n} open comments. Approve anyway?"),
        ("IN_REVIEW", _) => "Send the learning summary for review?".into(),
        ("DRAFT", _) => "Return the learning summary to draft?".into(),
        _ => "Move the learning summary?".into(),
    }
}

/// The "Yes" of a move's question.
fn move_yes(to: &str, open_comments: i64) -> &'static str {
    match to {
        "APPROVED" if open_comments > 0 => "Yes, approve it anyway",
        "APPROVED" => "Yes, approve it",
        "IN_REVIEW" => "Yes, send it for review",
        "DRAFT" => "Yes, return it to draft",
        _ => "Yes",
    }
}

/// What a move does, said before it is made.
fn move_details(to: &str, open_comments: i64) -> String {
    match to {
        "APPROVED" if open_comments > 0 => "A comment is open when it was made after its field was last saved. Once approved the text cannot be changed unless the summary is returned to draft; the business office can then publish it.".into(),
        "APPROVED" => "Once approved the text cannot be changed unless the summary is returned to draft; the business office can then publish it.".into(),
        "IN_REVIEW" => "While it is in review the text cannot be changed; comments can still be added. The independent chair approves it or returns it to draft.".into(),
        "DRAFT" => "The text can be changed again; it then needs sending for review and approving again. The reason is recorded with the change.".into(),
        _ => String::new(),
    }
}

/// What was done, in plain words, once a move is made.
fn moved_message(to: &str) -> &'static str {
    match to {
        "APPROVED" => "Learning summary approved. The business office can now publish it.",
        "IN_REVIEW" => "Learning summary sent for review. The independent chair can now approve it or return it to draft.",
        "DRAFT" => "Learning summary returned to draft. It can be changed again, then sent for review.",
        _ => "The learning summary has moved.",
    }
}

#[component]
fn Summary(ctx: SummaryContext, summary: SummaryData) -> impl IntoView {
    let session = use_session();
    let id = StoredValue::new(summary.id.clone());
    let can_edit =
        summary.state == "DRAFT" && summary.available_moves.iter().any(|m| m == "IN_REVIEW");
    let state_class = match summary.state.as_str() {
        "PUBLISHED" => "tag tag-met",
        "APPROVED" => "tag tag-due",
        "IN_REVIEW" => "tag tag-due-soon",
        _ => "tag tag-awaiting",
    };
    let published = summary.published_at.as_deref().map(|at| {
        let until = summary
            .available_until
            .as_deref()
            .map(format_date)
            .unwrap_or_default();
        format!(
            "Published {}; available until {until}.",
            format_date_time(at)
        )
    });
    let changes = summary
        .state_changes
        .iter()
        .map(|c| {
            let reason = c.reason.clone().map(|r| format!(": {r}")).unwrap_or_default();
            view! { <li>{format!("{} by {} on {}{reason}", c.step_label, c.by_name, format_date_time(&c.at))}</li> }
        })
        .collect_view();
    let hits = summary.publication_check.clone();
    let fields = summary
        .fields
        .clone()
        .into_iter()
        .map(|f| view! { <FieldEditor ctx=ctx summary_id=summary.id.clone() field=f editable=can_edit /> })
        .collect_view();
    let approved = summary.state == "APPROVED";
    view! {
        <section aria-labelledby="state-title" class="row-card">
            <h2 id="state-title">"Where it stands"</h2>
            <p><strong class=state_class>{summary.state_label.clone()}</strong></p>
            {published.map(|p| view! { <p>{p}</p> })}
            {summary.report_file_name.clone().map(|n| view! { <p>{format!("Final report: {n}")}</p> })}
            <details>
                <summary>"Every change of state"</summary>
                <ul>{changes}</ul>
            </details>
            <Moves
                ctx=ctx
                summary_id=id.get_value()
                moves=summary.available_moves.clone()
                open_comments=summary.open_comment_count
            />
        </section>
        <Downloads summary_id=id.get_value() />
        {(summary.state == "PUBLISHED" && session.is_office())
            .then(|| view! { <crate::pages::distribution::SendSummary summary_id=id.get_value() /> })}
        {(summary.state != "PUBLISHED" && summary.available_moves.iter().any(|m| m == "IN_REVIEW" || m == "DRAFT"))
            .then(|| view! { <ReportUpload ctx=ctx summary_id=id.get_value() /> })}
        <PublicationCheck hits=hits />
        {(approved && session.is_office()).then(|| view! { <Publish ctx=ctx summary_id=id.get_value() /> })}
        <h2>"The summary"</h2>
        <p class="hint">"Write in Markdown: a blank line starts a paragraph, “- ” starts a bullet, **bold**, *italic*. The preview shows how it will read."</p>
        {fields}
    }
}

/// The moves the person may make (send for review, approve, return to draft), each asking
/// first.
#[component]
fn Moves(
    ctx: SummaryContext,
    summary_id: String,
    moves: Vec<String>,
    open_comments: i64,
) -> impl IntoView {
    let id = StoredValue::new(summary_id);
    let reason = RwSignal::new(String::new());
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let back_to_draft = moves.iter().any(|m| m == "DRAFT");
    // The move being asked about, and whether the question is open.
    let chosen = RwSignal::new(String::new());
    let asking = RwSignal::new(false);
    let go = move |()| {
        let to = chosen.get_untracked();
        let needs_reason = to == "DRAFT";
        let variables = api::move_learning_summary::Variables {
            summary_id: id.get_value(),
            to: enum_from(&to),
            reason: needs_reason.then(|| reason.get_untracked()),
        };
        // The question closes; a refusal shows in the error summary, which takes the focus.
        asking.set(false);
        errors.clear();
        form.send(
            api::send::<api::MoveLearningSummary>(variables),
            |_| ("move-reason".into(), "Reason:".into()),
            move |_| {
                reason.set(String::new());
                ctx.notice.set(Some(moved_message(&to).into()));
                ctx.reload_then_focus("page-title".into());
            },
        );
    };
    let buttons = moves
        .into_iter()
        .filter(|m| m != "PUBLISHED")
        .map(|to| {
            let label = move_label(&to);
            let class = if to == "DRAFT" {
                "button button-secondary"
            } else {
                "button"
            };
            let choose = move |_| {
                if pending.get_untracked() {
                    return;
                }
                errors.clear();
                if to == "DRAFT" && reason.with_untracked(|r| r.trim().is_empty()) {
                    errors.push("move-reason", "Say why it goes back to draft");
                    errors.fail();
                    return;
                }
                chosen.set(to.clone());
                ask(asking, "confirm-move");
            };
            view! {
                <button type="button" class=class on:click=choose disabled=move || pending.get()>
                    {label}
                </button>
            }
        })
        .collect_view();
    view! {
        <ErrorSummary errors=errors />
        {back_to_draft.then(|| view! {
            <TextArea
                id="move-reason"
                label="Reason for returning it to draft"
                hint="Recorded with the change, for example what the chair asked to be changed."
                value=reason
                errors=errors
                rows=2
            />
        })}
        <div class="button-group">{buttons}</div>
        <ConfirmPanel
            id="confirm-move"
            open=asking
            level=3
            question=Signal::derive(move || move_question(&chosen.get(), open_comments))
            confirm=Signal::derive(move || move_yes(&chosen.get(), open_comments).to_string())
            pending=pending
            on_confirm=Callback::new(go)
        >
            <p>{move || move_details(&chosen.get(), open_comments)}</p>
        </ConfirmPanel>
    }
}

#[component]
fn Downloads(summary_id: String) -> impl IntoView {
    let id = StoredValue::new(summary_id);
    let notice = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let download = move |format: &'static str| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        let variables = api::learning_summary_export::Variables {
            summary_id: id.get_value(),
            format: enum_from(format),
        };
        spawn_local(async move {
            let result = api::send::<api::LearningSummaryExport>(variables).await;
            pending.set(false);
            match result {
                Ok(d) => {
                    let file = &d["learningSummaryExport"];
                    let name = save_export(file, "learning-summary");
                    notice.set(Some(format!("Downloaded {name}.")));
                }
                Err(e) => notice.set(Some(e.explain())),
            }
        });
    };
    view! {
        <section class="row-card" aria-labelledby="summary-download-title">
            <h2 id="summary-download-title">"Download"</h2>
            <p>"The summary laid out like the framework's template, and the slides for practitioner learning workshops."</p>
            <Notice text=notice />
            <div class="button-group">
                <button type="button" class="button button-secondary" on:click=move |_| download("DOCX") disabled=move || pending.get()>
                    "Download the summary (DOCX)"
                </button>
                <button type="button" class="button button-secondary" on:click=move |_| download("PPTX") disabled=move || pending.get()>
                    "Download the workshop slides (PPTX)"
                </button>
            </div>
        </section>
    }
}

#[component]
fn PublicationCheck(hits: Vec<crate::api::data::IdentifierHitData>) -> impl IntoView {
    if hits.is_empty() {
        return view! {
            <section class="row-card" aria-labelledby="check-title">
                <h2 id="check-title">"Names and identifiers"</h2>
                <p>"None found: no name from the review's glossary, date of birth, NHS number, postcode or phone number."</p>
            </section>
        }
        .into_any();
    }
    let n = hits.len();
    let rows = hits
        .into_iter()
        .map(|h| {
            let instead = h
                .replacement
                .map(|r| format!("write “{r}” instead"))
                .unwrap_or_else(|| "remove it".into());
            view! {
                <tr>
                    <td>{h.field.clone()}</td>
                    <td>{h.kind_label.clone()}</td>
                    <td><mark>{h.matched.clone()}</mark></td>
                    <td>{h.excerpt.clone()}</td>
                    <td>{instead}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="row-card" aria-labelledby="check-title">
            <h2 id="check-title">{format!("Names and identifiers: {n} to remove before publishing")}</h2>
            <div class="table-wrap">
                <table
                    class="data-table"
                    style=crate::components::column_headings_style(&["Where", "What", "Found", "In", "Fix"])
                >
                    <caption>"Found in the summary"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Where"</th>
                            <th scope="col">"What"</th>
                            <th scope="col">"Found"</th>
                            <th scope="col">"In"</th>
                            <th scope="col">"Fix"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

/// A year from today in the browser's calendar, as `YYYY-MM-DD`.
fn a_year_from_today() -> String {
    let d = js_sys::Date::new_0();
    d.set_full_year(d.get_full_year() + 1);
    format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date()
    )
}

#[component]
fn Publish(ctx: SummaryContext, summary_id: String) -> impl IntoView {
    let id = StoredValue::new(summary_id);
    let until = RwSignal::new(a_year_from_today());
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let asking = RwSignal::new(false);
    let check = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        if until.with_untracked(String::is_empty) {
            errors.push(
                "publish-until",
                "Enter the date until which it is available",
            );
        }
        if errors.report_found() {
            return;
        }
        ask(asking, "confirm-publish");
    };
    let publish = move |()| {
        let date = until.get_untracked();
        let variables = api::publish_learning_summary::Variables {
            summary_id: id.get_value(),
            available_until: date.clone(),
        };
        // The question closes; a refusal shows in the error summary, which takes the focus.
        asking.set(false);
        errors.clear();
        form.send(
            api::send::<api::PublishLearningSummary>(variables),
            |field| match field {
                "availableUntil" => ("publish-until".into(), "Available until:".into()),
                key => (format!("field-{key}"), "The summary".into()),
            },
            move |_| {
                ctx.notice.set(Some(format!(
                    "Learning summary published. Anyone can read it on the public pages, without signing in, until {}.",
                    format_date(&date)
                )));
                ctx.reload_then_focus("page-title".into());
            },
        );
    };
    view! {
        <form class="row-card" on:submit=check novalidate=true aria-labelledby="publish-title">
            <h2 id="publish-title">"Publish"</h2>
            <ErrorSummary errors=errors />
            <p>"Publishing puts the summary on the public pages, without sign-in, until the date below (at least 12 months); afterwards it is listed as available on request. It is refused while any name or identifier remains."</p>
            <DateInput id="publish-until" label="Available until" value=until errors=errors />
            <Show when=move || !asking.get()>
                <button type="submit" class="button" disabled=move || pending.get()>"Publish the summary"</button>
            </Show>
            <ConfirmPanel
                id="confirm-publish"
                open=asking
                level=3
                question="Publish the learning summary?"
                confirm="Yes, publish it"
                pending=pending
                on_confirm=Callback::new(publish)
            >
                <p>{move || format!(
                    "Anyone will be able to read it on the public pages, without signing in, until {}.",
                    format_date(&until.get())
                )}</p>
            </ConfirmPanel>
        </form>
    }
}

/// Whether an error is a clash with someone else's save.
pub(crate) fn is_conflict(e: &ApiError) -> bool {
    e.code == ErrorCode::Conflict
}

const REPORT_FILE: &str = "report-file";

/// The final report (PDF) published beside the summary, and its text for the check.
#[component]
fn ReportUpload(ctx: SummaryContext, summary_id: String) -> impl IntoView {
    let id = StoredValue::new(summary_id);
    let report_text = RwSignal::new(String::new());
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let describe = |field: &str| match field {
        "reportText" => ("report-text".to_string(), "Report text:".to_string()),
        _ => (REPORT_FILE.to_string(), "Final report:".to_string()),
    };
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        let started =
            crate::components::read_chosen_file(REPORT_FILE, move |file_name, content_base64| {
                let text = report_text.get_untracked();
                let variables = api::upload_final_report::Variables {
                    summary_id: id.get_value(),
                    file_name: file_name.clone(),
                    content_base64,
                    report_text: Some(text).filter(|t| !t.trim().is_empty()),
                };
                form.send(
                    api::send::<api::UploadFinalReport>(variables),
                    describe,
                    move |_| {
                        ctx.notice
                            .set(Some(format!("Final report {file_name} uploaded.")));
                        ctx.reload_then_focus("report-title".into());
                    },
                );
            });
        if !started {
            errors.push(REPORT_FILE, "Choose the final report (a PDF file)");
            errors.fail();
        }
    };
    view! {
        <form class="row-card" on:submit=submit novalidate=true aria-labelledby="report-title">
            <h2 id="report-title" tabindex="-1">"Final report"</h2>
            <ErrorSummary errors=errors />
            <div class="form-group" class:form-group-error=move || errors.message(REPORT_FILE).with(Option::is_some)>
                <label class="label" for=REPORT_FILE>"Final report (PDF)"</label>
                <div class="hint" id="report-file-hint">"Published with the summary. Its file name is checked for names and identifiers."</div>
                {move || errors.message(REPORT_FILE).get().map(|m| view! { <p class="error-message" id="report-file-error">{m}</p> })}
                <input type="file" class="file" id=REPORT_FILE name=REPORT_FILE accept=".pdf,application/pdf" aria-describedby="report-file-hint" />
            </div>
            <TextArea
                id="report-text"
                label="The report's text (optional)"
                hint="Paste the report's text so that it is checked for names and identifiers before publishing."
                value=report_text
                errors=errors
                rows=3
            />
            <button type="submit" class="button button-secondary" disabled=move || pending.get()>"Upload the final report"</button>
        </form>
    }
}
