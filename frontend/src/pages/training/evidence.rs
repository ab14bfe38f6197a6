//! On an action's page: the learning events its evidence of impact points at, and, for the
//! owner agency's lead or representative and the business office, pointing it at another
//! event held or stopping.

use super::Event;
use crate::api::{self, LearningEvents, SetLearningEventEvidence};
use crate::components::{format_date, ErrorSummary, FormSubmit, SelectField};
use crate::pages::states;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// The events an action's evidence points at, and the events held to choose from.
#[derive(Clone)]
struct Loaded {
    linked: Vec<Event>,
    held: Vec<Event>,
}

async fn load(action_id: String, manages: bool) -> Result<Loaded, api::ApiError> {
    let linked = api::call::<LearningEvents>(api::learning_events::Variables {
        review_id: None,
        action_id: Some(action_id),
    })
    .await?
    .learning_events;
    let held = if manages {
        api::call::<LearningEvents>(api::learning_events::Variables {
            review_id: None,
            action_id: None,
        })
        .await?
        .learning_events
        .into_iter()
        .filter(|e| e.takes_feedback && !linked.iter().any(|l| l.id == e.id))
        .collect()
    } else {
        Vec::new()
    };
    Ok(Loaded { linked, held })
}

#[component]
pub fn ImpactEvents(
    #[prop(into)] action_id: String,
    /// Whether the person reports on this action (and so sets its evidence).
    manages: bool,
    /// Called with what changed, once it is saved (the page reloads the action).
    on_done: Callback<String>,
) -> impl IntoView {
    let id = StoredValue::new(action_id);
    let data = LocalResource::new(move || load(id.get_value(), manages));
    let set = move |event_id: String, title: String, evidences: bool, form: FormSubmit| {
        let request =
            api::call::<SetLearningEventEvidence>(api::set_learning_event_evidence::Variables {
                action_id: id.get_value(),
                event_id,
                evidences,
            });
        form.send(
            request,
            |_| ("evidence-event".to_string(), "Learning event".to_string()),
            move |_| {
                on_done.run(if evidences {
                    format!("The evidence of impact now points at {title}.")
                } else {
                    format!("The evidence of impact no longer points at {title}.")
                })
            },
        );
    };
    view! {
        <h2 id="evidence-title" tabindex="-1">"Evidence from learning events"</h2>
        {move || {
            states(
                data.get(),
                move |d: Loaded| {
                    let form = FormSubmit::new();
                    let FormSubmit { errors, pending } = form;
                    let list = if d.linked.is_empty() {
                        view! { <p>"The evidence of impact points at no learning event."</p> }.into_any()
                    } else {
                        view! {
                            <ul>
                                {d
                                    .linked
                                    .into_iter()
                                    .map(|e| {
                                        let (event_id, title) = (e.id.clone(), e.title.clone());
                                        view! {
                                            <li>
                                                <a href=format!("/learning-events/{}", e.id)>{e.title.clone()}</a>
                                                {format!(", {}, {} attended", format_date(&e.held_on), e.attended)}
                                                {manages.then(|| {
                                                    let (event_id, title) = (event_id.clone(), title.clone());
                                                    view! {
                                                        " "
                                                        <button type="button" class="link-button" disabled=move || pending.get() on:click=move |_| {
                                                            set(event_id.clone(), title.clone(), false, form);
                                                        }>
                                                            "Remove" <span class="visually-hidden">{format!(" {title}")}</span>
                                                        </button>
                                                    }
                                                })}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    };
                    let add = (manages && !d.held.is_empty()).then(|| {
                        let chosen = RwSignal::new(String::new());
                        let titles: Vec<(String, String)> = d
                            .held
                            .iter()
                            .map(|e| (e.id.clone(), format!("{} ({})", e.title, format_date(&e.held_on))))
                            .collect();
                        let names = StoredValue::new(titles.clone());
                        let submit = move |ev: SubmitEvent| {
                            if !form.begin(&ev) {
                                return;
                            }
                            let event_id = chosen.get_untracked();
                            if event_id.is_empty() {
                                errors.push("evidence-event", "Choose the learning event");
                                errors.report_found();
                                return;
                            }
                            let title = names
                                .with_value(|n| n.iter().find(|(id, _)| *id == event_id).map(|(_, t)| t.clone()))
                                .unwrap_or_default();
                            set(event_id, title, true, form);
                        };
                        view! {
                            <form on:submit=submit novalidate=true>
                                <SelectField id="evidence-event" label="Learning event" hint="An event held that shows the action's impact, such as the workshop that trained the staff." value=chosen options=titles blank="Choose an event" errors=errors />
                                <button type="submit" class="button button-secondary" disabled=move || pending.get()>"Add as evidence"</button>
                            </form>
                        }
                    });
                    view! { <ErrorSummary errors=errors /> {list} {add} }
                },
            )
        }}
    }
}
