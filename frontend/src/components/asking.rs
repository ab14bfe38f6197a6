//! The business office's forms for the yearly returns agencies make (a Section 11
//! self-assessment, a QA impact report): asking agencies for them by a date, and deciding
//! on one submitted. One form each; each page says what it asks for and how it is sent.

use super::{
    field_id, format_date, CheckboxGroup, DateInput, Drafts, ErrorSummary, FormSubmit, RadioGroup,
    TextArea,
};
use crate::api::ApiError;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use std::future::Future;

/// Asks the agencies chosen for `what` for `year` by the date given; `send` takes the
/// agencies' ids and the date and sends the page's own mutation. `prefix` keeps the ids of
/// the form's fields apart (`{prefix}-agencies`, `{prefix}-due`).
#[component]
pub fn AskAgenciesForm<F, Fut>(
    prefix: &'static str,
    year: i64,
    /// "Section 11 self-assessment", "QA impact report".
    what: &'static str,
    agencies: Vec<(String, String)>,
    send: F,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView
where
    F: Fn(Vec<String>, String) -> Fut + Copy + 'static,
    Fut: Future<Output = Result<(), ApiError>> + 'static,
{
    let form = FormSubmit::new();
    let chosen = RwSignal::new(Vec::<String>::new());
    let due = RwSignal::new(String::new());
    let agencies_id = format!("{prefix}-agencies");
    let due_id = format!("{prefix}-due");
    let title_id = format!("{prefix}-ask-title");
    let (ids_for_submit, due_for_submit) = (agencies_id.clone(), due_id.clone());
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        if chosen.with_untracked(Vec::is_empty) {
            form.errors
                .push(&ids_for_submit, "Choose at least one agency");
        }
        if due.with_untracked(String::is_empty) {
            form.errors.push(
                &due_for_submit,
                format!("Enter the date the {what}s are due by"),
            );
        }
        if form.errors.report_found() {
            return;
        }
        let n = chosen.with_untracked(Vec::len);
        let on = due.get_untracked();
        let (ids_field, due_field) = (ids_for_submit.clone(), due_for_submit.clone());
        form.send(
            send(chosen.get_untracked(), on.clone()),
            move |f| match f {
                "dueOn" => (due_field.clone(), "Due by".into()),
                _ => (ids_field.clone(), "Agencies".into()),
            },
            move |()| {
                notice.set(Some(format!(
                    "{n} {} asked for their {what} for {year} by {}. Their agency leads will see it on their home page.",
                    if n == 1 { "agency is" } else { "agencies are" },
                    format_date(&on)
                )));
                chosen.set(Vec::new());
                reload.update(|k| *k += 1);
            },
        );
    };
    let labelled = title_id.clone();
    view! {
        <form on:submit=submit novalidate=true class="row-card" aria-labelledby=labelled>
            <h3 id=title_id>{format!("Ask agencies for their {year} {what}")}</h3>
            <ErrorSummary errors=form.errors />
            <CheckboxGroup id=agencies_id legend="Agencies" options=agencies selected=chosen errors=form.errors columns=true />
            <DateInput id=due_id label="Due by" value=due errors=form.errors />
            <button type="submit" class="button" disabled=move || form.pending.get()>"Ask these agencies"</button>
        </form>
    }
}

/// The business office's decision on a submitted yearly return (`what`: "assessment",
/// "report"): accept it, or return it to the agency with a comment. `send` takes whether it
/// is accepted and the comment, and sends the page's own mutation. What is typed is kept
/// in `drafts` under the return's `id` while the page is rebuilt.
#[component]
pub fn DecideReturnForm<F, Fut>(
    prefix: &'static str,
    id: String,
    what: &'static str,
    /// The choice that returns it: "Return it to the agency with a challenge".
    return_label: &'static str,
    /// When a comment is needed.
    comment_hint: &'static str,
    send: F,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
    drafts: Drafts,
) -> impl IntoView
where
    F: Fn(bool, String) -> Fut + 'static,
    Fut: Future<Output = Result<(), ApiError>> + 'static,
{
    let form = FormSubmit::new();
    let keys = [format!("{id}/decision"), format!("{id}/comment")];
    let choice = drafts.field(keys[0].clone(), String::new());
    let comment = drafts.field(keys[1].clone(), String::new());
    let decision_id = format!("{prefix}-decision");
    let comment_id = format!("{prefix}-comment");
    let title_id = format!("{prefix}-decide-title");
    let (decision_field, comment_field) = (decision_id.clone(), comment_id.clone());
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        if choice.with_untracked(String::is_empty) {
            form.errors.push(
                &decision_field,
                format!("Choose whether to accept or return the {what}"),
            );
            form.errors.report_found();
            return;
        }
        let accept = choice.get_untracked() == "ACCEPT";
        let keys = keys.clone();
        let (decision_field, comment_field) = (decision_field.clone(), comment_field.clone());
        form.send(
            send(accept, comment.get_untracked()),
            move |f| match f {
                "comment" => (comment_field.clone(), "Comment".into()),
                "challenges" => (decision_field.clone(), "Your decision".into()),
                _ => (field_id(f), f.to_string()),
            },
            move |()| {
                notice.set(Some(if accept {
                    format!("The {what} is accepted.")
                } else {
                    format!("The {what} is returned to the agency with your comment.")
                }));
                drafts.forget(&keys);
                reload.update(|n| *n += 1);
            },
        );
    };
    let options = vec![
        ("ACCEPT".to_string(), "Accept it".to_string()),
        ("RETURN".to_string(), return_label.to_string()),
    ];
    let labelled = title_id.clone();
    view! {
        <form on:submit=submit novalidate=true class="row-card" aria-labelledby=labelled>
            <h2 id=title_id>"Scrutiny"</h2>
            <ErrorSummary errors=form.errors />
            <RadioGroup id=decision_id legend="Your decision" options=options value=choice errors=form.errors />
            <TextArea id=comment_id label="Comment" hint=comment_hint value=comment errors=form.errors rows=3 />
            <button type="submit" class="button" disabled=move || form.pending.get()>"Record the decision"</button>
        </form>
    }
}
