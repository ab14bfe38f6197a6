//! The independent chair's threshold decision, with its justification.

use super::detail::review_resource;
use crate::api::{self, code_of, enum_from};
use crate::components::{
    ask, field_id, focus_by_id, format_date, set_title, ConfirmPanel, DateInput, ErrorSummary,
    FormSubmit, RadioGroup, TextArea,
};
use crate::pages::{route_id, states};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::reviews::ThresholdDecision;

#[component]
pub fn DecisionPage() -> impl IntoView {
    set_title("Record threshold decision");
    let id = route_id();
    let data = review_resource(id);
    view! {
        <h1 tabindex="-1">"Record threshold decision"</h1>
        {move || {
            states(
                data.get(),
                |d| {
                    let r = d.review;
                    view! {
                        <p class="caption">{r.reference.clone()} " · " {r.subject.clone()} " · notified " {format_date(&r.notified_on)}</p>
                        <DecisionForm
                            review_id=r.id
                            decision=r.decision.as_ref().map(code_of).unwrap_or_default()
                            justification=r.decision_justification.unwrap_or_default()
                            decided_on=r.decided_on.unwrap_or_default()
                        />
                    }
                },
            )
        }}
    }
}

fn describe(field: &str) -> (String, String) {
    let label = match field {
        "decision" => "Decision",
        "justification" => "Justification",
        "decidedOn" => "Date of the decision",
        other => other,
    };
    (field_id(field), label.to_string())
}

/// What recording the decision means, in plain words, once it is recorded.
fn recorded_message(decision: &str) -> &'static str {
    if decision == ThresholdDecision::Initiate.code() {
        "A review is initiated. Next, tell the national panel of the decision from the review's page."
    } else {
        "No review is initiated. Next, tell the national panel of the decision from the review's page."
    }
}

/// The decision in three steps, as GOV.UK does a high-stakes answer: the form; check your
/// answers, then confirm; a confirmation panel saying what was recorded.
#[component]
fn DecisionForm(
    review_id: String,
    decision: String,
    justification: String,
    decided_on: String,
) -> impl IntoView {
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let decision = RwSignal::new(decision);
    let justification = RwSignal::new(justification);
    let decided_on = RwSignal::new(decided_on);
    let review_id = StoredValue::new(review_id);
    // Checking the answers (with the question open), then recorded.
    let checking = RwSignal::new(false);
    let recorded = RwSignal::new(false);
    let options = ThresholdDecision::ALL
        .iter()
        .map(|d| (d.code().to_string(), d.label().to_string()))
        .collect::<Vec<_>>();
    let check = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        if decision.with_untracked(String::is_empty) {
            errors.push("decision", "Select whether to initiate a review");
        }
        if justification.with_untracked(|j| j.trim().is_empty()) {
            errors.push("justification", "Enter the justification for the decision");
        }
        if decided_on.with_untracked(String::is_empty) {
            errors.push("decidedOn", "Enter the date of the decision");
        }
        if errors.report_found() {
            return;
        }
        ask(checking, "confirm-decision");
    };
    let record = move |()| {
        let variables = api::record_threshold_decision::Variables {
            review_id: review_id.get_value(),
            input: api::record_threshold_decision::ThresholdDecisionInput {
                decision: enum_from(&decision.get_untracked()),
                justification: justification.get_untracked(),
                decided_on: decided_on.get_untracked(),
            },
        };
        pending.set(true);
        spawn_local(async move {
            let result = api::send::<api::RecordThresholdDecision>(variables).await;
            pending.set(false);
            checking.set(false);
            match result {
                Ok(_) => {
                    recorded.set(true);
                    request_animation_frame(|| focus_by_id("decision-recorded"));
                }
                // Refused: back to the form, its problems in the summary.
                Err(e) => errors.show(e, describe),
            }
        });
    };
    let change = move |id: &'static str| {
        checking.set(false);
        request_animation_frame(move || focus_by_id(id));
    };
    let back = format!("/reviews/{}", review_id.get_value());
    let back_too = back.clone();
    let decision_label = move || {
        ThresholdDecision::from_code(&decision.get())
            .map(|d| d.label().to_string())
            .unwrap_or_default()
    };
    view! {
        <ErrorSummary errors=errors />
        {move || {
            if recorded.get() {
                let message = recorded_message(&decision.get_untracked());
                let back = back_too.clone();
                view! {
                    <div class="panel-confirmation" role="status">
                        <h2 id="decision-recorded" tabindex="-1">"Threshold decision recorded"</h2>
                        <p>{decision_label()}</p>
                    </div>
                    <p>{message}</p>
                    <p><a href=back>"Back to the review"</a></p>
                }
                .into_any()
            } else if checking.get() {
                view! {
                    <h2>"Check your answers"</h2>
                    <dl class="summary-list summary-list-actions">
                        <dt>"Does the case meet the threshold for a review?"</dt>
                        <dd>{decision_label()}</dd>
                        <dd><button type="button" class="link-button" on:click=move |_| change("decision")>"Change"<span class="visually-hidden">" the decision"</span></button></dd>
                        <dt>"Justification"</dt>
                        <dd class="pre">{move || justification.get()}</dd>
                        <dd><button type="button" class="link-button" on:click=move |_| change("justification")>"Change"<span class="visually-hidden">" the justification"</span></button></dd>
                        <dt>"Date of the decision"</dt>
                        <dd>{move || format_date(&decided_on.get())}</dd>
                        <dd><button type="button" class="link-button" on:click=move |_| change("decidedOn")>"Change"<span class="visually-hidden">" the date"</span></button></dd>
                    </dl>
                }
                .into_any()
            } else {
                let options = options.clone();
                let back = back.clone();
                view! {
                    <form on:submit=check novalidate=true>
                        <RadioGroup id="decision" legend="Does the case meet the threshold for a review?" options=options value=decision errors=errors />
                        <TextArea
                            id="justification"
                            label="Justification"
                            hint="Required whether or not a review is initiated. It is sent to the national panel."
                            value=justification
                            errors=errors
                            rows=8
                        />
                        <DateInput id="decidedOn" label="Date of the decision" value=decided_on errors=errors />
                        <button type="submit" class="button">"Continue"</button>
                        <a href=back>"Cancel"</a>
                    </form>
                }
                .into_any()
            }
        }}
        <ConfirmPanel
            id="confirm-decision"
            open=checking
            question="Record this threshold decision?"
            confirm="Yes, record the decision"
            pending=pending
            on_confirm=Callback::new(record)
        >
            <p>"The decision, its justification and its date go on the review and start its next deadlines. The justification is sent to the national panel."</p>
        </ConfirmPanel>
    }
}
