//! The business office's form asking agencies for a yearly return by a date (a Section 11
//! self-assessment, a QA impact report): one form, each page saying what it asks for and
//! how it is sent.

use super::{format_date, CheckboxGroup, DateInput, ErrorSummary, FormSubmit};
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
