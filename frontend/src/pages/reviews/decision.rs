//! The independent chair's threshold decision, with its justification.

use super::detail::review_resource;
use crate::api::{self, code_of, enum_from};
use crate::components::{
    field_id, format_date, set_title, ErrorSummary, FormSubmit, RadioGroup, TextArea, TextField,
};
use crate::pages::{route_id, states};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
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

#[component]
fn DecisionForm(
    review_id: String,
    decision: String,
    justification: String,
    decided_on: String,
) -> impl IntoView {
    let navigate = use_navigate();
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let decision = RwSignal::new(decision);
    let justification = RwSignal::new(justification);
    let decided_on = RwSignal::new(decided_on);
    let review_id = StoredValue::new(review_id);
    let options = ThresholdDecision::ALL
        .iter()
        .map(|d| (d.code().to_string(), d.label().to_string()))
        .collect::<Vec<_>>();
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        if decision.with_untracked(String::is_empty) {
            errors.push("decision", "Select whether to initiate a review");
        }
        if decided_on.with_untracked(String::is_empty) {
            errors.push("decidedOn", "Enter the date of the decision");
        }
        if errors.report_found() {
            return;
        }
        let id = review_id.get_value();
        let variables = api::record_threshold_decision::Variables {
            review_id: id.clone(),
            input: api::record_threshold_decision::ThresholdDecisionInput {
                decision: enum_from(&decision.get_untracked()),
                justification: justification.get_untracked(),
                decided_on: decided_on.get_untracked(),
            },
        };
        let navigate = navigate.clone();
        form.send(
            api::send::<api::RecordThresholdDecision>(variables),
            describe,
            move |_| navigate(&format!("/reviews/{id}"), NavigateOptions::default()),
        );
    };
    let back = format!("/reviews/{}", review_id.get_value());
    view! {
        <ErrorSummary errors=errors />
        <form on:submit=submit novalidate=true>
            <RadioGroup id="decision" legend="Does the case meet the threshold for a review?" options=options value=decision errors=errors />
            <TextArea
                id="justification"
                label="Justification"
                hint="Required whether or not a review is initiated. It is sent to the national panel."
                value=justification
                errors=errors
                rows=8
            />
            <TextField id="decidedOn" label="Date of the decision" input_type="date" value=decided_on errors=errors />
            <button type="submit" class="button" disabled=move || pending.get()>"Record decision"</button>
            <a href=back>"Cancel"</a>
        </form>
    }
}
