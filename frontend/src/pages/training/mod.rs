//! Training and dissemination: the learning events that carried reviews' and audits'
//! learning to practitioners, each with its attendance and attendees' feedback; the
//! business office's form; and, on a review's page, where its learning has been taken.

mod event;
mod evidence;
mod form;

pub use event::LearningEventPage;
pub use evidence::ImpactEvents;
pub use form::{EditLearningEvent, NewLearningEvent};

use crate::api::{self, LearningEvents};
use crate::components::{counted, format_date, set_title, DataTable, OfficeButtonLink};
use crate::pages::states;
use leptos::prelude::*;

pub(super) type Event = api::learning_events::LearningEventsLearningEvents;

/// A mean score as people read it: "4.3 out of 5 (12 responses)".
pub fn score_text(mean: Option<f64>, responses: i64) -> String {
    match mean {
        Some(m) => format!(
            "{m:.1} out of 5 ({})",
            counted(responses, "response", "responses")
        ),
        None => "No feedback yet".to_string(),
    }
}

#[component]
pub(super) fn EventsTable(#[prop(into)] caption: String, events: Vec<Event>) -> impl IntoView {
    view! {
        <DataTable caption=caption columns=&["Date", "Event", "Kind", "Audience", "Attended", "Feedback"]>
            {events
                .into_iter()
                .map(|e| {
                    view! {
                        <tr>
                            <td>{format_date(&e.held_on)}</td>
                            <th scope="row"><a href=format!("/learning-events/{}", e.id)>{e.title}</a></th>
                            <td>{e.kind_label}</td>
                            <td>{e.audience}</td>
                            <td>{e.attended}</td>
                            <td>
                                {if e.takes_feedback {
                                    score_text(e.feedback.mean_score, e.feedback.responses)
                                } else {
                                    "Planned".to_string()
                                }}
                            </td>
                        </tr>
                    }
                })
                .collect_view()}
        </DataTable>
    }
}

#[component]
pub fn LearningEventsPage() -> impl IntoView {
    set_title("Training and learning events");
    let data = LocalResource::new(|| {
        api::call::<LearningEvents>(api::learning_events::Variables {
            review_id: None,
            action_id: None,
        })
    });
    view! {
        <h1 tabindex="-1">"Training and learning events"</h1>
        <p>
            "The workshops, briefings, conferences, e-learning and newsletter items that take reviews' and audits' learning to practitioners, who attended from each agency, and what attendees thought. Give feedback on an event you attended from its page."
        </p>
        <OfficeButtonLink href="/learning-events/new" label="Record a learning event" />
        {move || {
            states(
                data.get(),
                |d| {
                    let (planned, held): (Vec<Event>, Vec<Event>) =
                        d.learning_events.into_iter().partition(|e| !e.takes_feedback);
                    let attended: i64 = held.iter().map(|e| e.attended).sum();
                    view! {
                        <p>{format!("{} held, reaching {} attendances.", counted(held.len() as i64, "event", "events"), attended)}</p>
                        {(!planned.is_empty())
                            .then(|| view! { <EventsTable caption="Planned events, latest first" events=planned /> })}
                        {if held.is_empty() {
                            view! { <p>"No learning events are recorded yet."</p> }.into_any()
                        } else {
                            view! { <EventsTable caption="Events held, latest first" events=held /> }.into_any()
                        }}
                    }
                },
            )
        }}
    }
}

/// On a review's page: the learning events that carried its learning.
#[component]
pub fn WhereLearningTaken(#[prop(into)] review_id: String) -> impl IntoView {
    let data = LocalResource::new(move || {
        api::call::<LearningEvents>(api::learning_events::Variables {
            review_id: Some(review_id.clone()),
            action_id: None,
        })
    });
    view! {
        <h2>"Where this learning has been taken"</h2>
        {move || {
            states(
                data.get(),
                |d| {
                    if d.learning_events.is_empty() {
                        view! { <p>"No learning event has carried this review's learning yet."</p> }.into_any()
                    } else {
                        let reach: i64 = d.learning_events.iter().map(|e| e.attended).sum();
                        view! {
                            <p>{format!("{}, reaching {reach} attendances.", counted(d.learning_events.len() as i64, "learning event", "learning events"))}</p>
                            <EventsTable caption="Learning events that carried this review's learning" events=d.learning_events />
                        }
                            .into_any()
                    }
                },
            )
        }}
    }
}
