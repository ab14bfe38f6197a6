//! Actions planned from learning that does not come from a case review: a Section 11
//! standard, a hot spot of the performance dataset, a child death review record. Each such
//! page lists the actions planned from it in one shape ([`PlannedList`]); the hot spot and
//! the record plan another with the action plan's own fields ([`PlanActionForm`]).

use super::form::{action_input, describe_action, ActionValues, FormButtons, OwnedActionFields};
use super::status_label;
use crate::api;
use crate::components::{format_date, ErrorSummary, FormSubmit};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// An action as these lists show it.
#[derive(Debug, Clone)]
pub struct Planned {
    pub id: String,
    pub reference: String,
    pub title: String,
    pub target_date: String,
    /// The stored status code.
    pub status: String,
    pub overdue: bool,
}

/// Turns a generated query's action (whichever query it came from) into [`Planned`].
macro_rules! planned {
    ($a:expr) => {{
        let a = $a;
        $crate::pages::actions::Planned {
            id: a.id,
            reference: a.reference,
            title: a.title,
            target_date: a.target_date,
            status: $crate::api::code_of(&a.status),
            overdue: a.overdue,
        }
    }};
}
pub(crate) use planned;

/// The actions, each linked to its page, with its target date and status.
#[component]
pub fn PlannedList(list: Vec<Planned>) -> impl IntoView {
    view! {
        <ul class="plain-list">
            {list
                .into_iter()
                .map(|a| {
                    view! {
                        <li>
                            <a href=format!("/actions/{}", a.id)>{format!("{}: {}", a.reference, a.title)}</a>
                            {format!(" · due {} · {}", format_date(&a.target_date), status_label(&a.status))}
                            {a.overdue.then(|| view! { " " <strong class="tag tag-red">"Overdue"</strong> })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// What an action is planned from: the mutation that plans it, with the id of its source.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanFrom {
    /// A performance indicator that is a hot spot.
    HotSpot(String),
    /// A child death review record.
    Death(String),
}

/// The form that plans an action from `from` (the business office): the action plan's own
/// fields, the owner agency first set to `agency` when the source has one. `on_done` gets
/// the new action's reference.
#[component]
pub fn PlanActionForm(
    from: PlanFrom,
    /// Its heading, which names the source.
    heading: String,
    agency: Option<String>,
    #[prop(into)] on_done: Callback<String>,
    #[prop(optional, into)] on_cancel: Option<Callback<()>>,
) -> impl IntoView {
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let values = ActionValues::new();
    if let Some(a) = agency {
        values.agency.set(a);
    }
    crate::unsaved::track_typed(values.title);
    crate::unsaved::track_typed(values.audit);
    let from = StoredValue::new(from);
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) || !values.check(errors) {
            return;
        }
        // The two mutations answer alike; the one of the source is sent.
        type Sent = std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<serde_json::Value, api::ApiError>>>,
        >;
        let request: Sent = match from.get_value() {
            PlanFrom::HotSpot(indicator_id) => Box::pin(api::send::<api::PlanHotSpotAction>(
                api::plan_hot_spot_action::Variables {
                    indicator_id,
                    input: action_input!(plan_hot_spot_action, values),
                },
            )),
            PlanFrom::Death(record_id) => Box::pin(api::send::<api::PlanChildDeathAction>(
                api::plan_child_death_action::Variables {
                    record_id,
                    input: action_input!(plan_child_death_action, values),
                },
            )),
        };
        form.send(request, describe_action, move |d| {
            let reference = ["planHotSpotAction", "planChildDeathAction"]
                .iter()
                .find_map(|k| d[k]["reference"].as_str())
                .unwrap_or("The action")
                .to_string();
            values.title.set(String::new());
            values.audit.set(String::new());
            on_done.run(reference);
        });
    };
    view! {
        <form class="row-card" on:submit=submit novalidate=true aria-labelledby="plan-action-title">
            <h3 id="plan-action-title" tabindex="-1">{heading}</h3>
            <p>"The action joins the partnership's action plan, under a learning point that says where it comes from, and is followed up there like every other action."</p>
            <ErrorSummary errors=errors />
            <OwnedActionFields values=values agencies=Vec::new() people=Vec::new() errors=errors />
            <FormButtons label="Plan the action" pending=pending on_cancel=on_cancel />
        </form>
    }
}
