//! One learning event: what it carried, who attended, what attendees thought (comments for
//! the business office and the chair), the signed-in person's own feedback, and the
//! office's change and delete.

use super::score_text;
use crate::api::{self, DeleteLearningEvent, GiveLearningEventFeedback, LearningEventDetail};
use crate::components::{
    ask, counted, format_date, set_title, ButtonLink, ConfirmPanel, DataTable, ErrorSummary,
    FormSubmit, RadioGroup, TextArea,
};
use crate::pages::chronology::Notice;
use crate::pages::{loaded_heading, route_id, states};
use crate::session::use_session;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use shared::training::{score_label, COMMENT_READERS, SCORES};

type Event = api::learning_event_detail::LearningEventDetailLearningEvent;

#[component]
pub fn LearningEventPage() -> impl IntoView {
    set_title("Learning event");
    let id = route_id();
    let data = LocalResource::new(move || {
        api::call::<LearningEventDetail>(api::learning_event_detail::Variables { id: id.get() })
    });
    let heading = loaded_heading(data, "Learning event", |d| d.learning_event.title);
    let notice = RwSignal::new(None::<String>);
    view! {
        <p><a href="/learning-events">"All learning events"</a></p>
        <h1 tabindex="-1">{heading}</h1>
        <Notice text=notice />
        {move || {
            states(
                data.get(),
                move |d| {
                    view! { <EventView e=d.learning_event notice=notice on_feedback=move || data.refetch() /> }
                },
            )
        }}
    }
}

#[component]
fn EventView(
    e: Event,
    notice: RwSignal<Option<String>>,
    on_feedback: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let session = use_session();
    let office = session.is_office();
    let reads_comments = COMMENT_READERS.iter().any(|&r| session.has(r));
    let f = e.feedback.clone();
    let facts = view! {
        <dl class="summary-list">
            <dt>"Kind"</dt><dd>{e.kind_label.clone()}</dd>
            <dt>"Date"</dt><dd>{format_date(&e.held_on)}{(!e.takes_feedback).then_some(" (planned)")}</dd>
            <dt>"Audience"</dt><dd>{e.audience.clone()}</dd>
            <dt>"Attended"</dt><dd>{e.attended}</dd>
            <dt>"Recorded by"</dt><dd>{e.recorded_by.clone().unwrap_or_else(|| "A former user".into())}</dd>
        </dl>
    };
    let reviews = if e.reviews.is_empty() {
        view! { <p>"No review's learning that you can see is linked to this event."</p> }.into_any()
    } else {
        view! {
            <ul>
                {e
                    .reviews
                    .iter()
                    .map(|r| {
                        view! {
                            <li>
                                <a href=format!("/reviews/{}", r.id)>{format!("{} ({}), {}", r.reference, r.subject, r.kind_label)}</a>
                                " · "
                                <a href=format!("/reviews/{}/summary", r.id)>
                                    "Learning summary and workshop slides"
                                    <span class="visually-hidden">{format!(" of {}", r.reference)}</span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
            .into_any()
    };
    let attended = e.attended;
    let rows = e.attendance.clone();
    let attendance = if rows.is_empty() {
        view! { <p>"No attendance is recorded."</p> }.into_any()
    } else {
        view! {
            <DataTable caption="Attendance by agency" columns=&["Agency", "Attended"]>
                {rows
                    .iter()
                    .map(|a| view! { <tr><th scope="row">{a.agency_name.clone()}</th><td>{a.attended}</td></tr> })
                    .collect_view()}
                <tr><th scope="row">"Everyone"</th><td>{attended}</td></tr>
            </DataTable>
        }
            .into_any()
    };
    let feedback = if f.responses == 0 {
        view! { <p>"No feedback yet."</p> }.into_any()
    } else {
        view! {
            <p>
                {score_text(f.mean_score, f.responses)}
                {f.useful_percent.map(|p| format!(". {p}% found it very useful or will change their practice."))}
            </p>
            <DataTable caption="Scores given" columns=&["Score", "Responses"]>
                {f
                    .by_score
                    .iter()
                    .map(|s| view! { <tr><th scope="row">{format!("{}: {}", s.score, s.label)}</th><td>{s.responses}</td></tr> })
                    .collect_view()}
            </DataTable>
        }
            .into_any()
    };
    let comments = reads_comments.then(|| {
        view! {
            <h3>"Comments"</h3>
            {if f.comments.is_empty() {
                view! { <p>"No comments."</p> }.into_any()
            } else {
                view! {
                    <p>{format!("{}, newest first, without names.", counted(f.comments.len() as i64, "comment", "comments"))}</p>
                    <ul>{f.comments.iter().map(|c| view! { <li class="pre">{c.clone()}</li> }).collect_view()}</ul>
                }
                    .into_any()
            }}
        }
    });
    let national = (!e.national_learning.is_empty()).then(|| {
        view! {
            <h2>"National learning carried"</h2>
            <p class="pre">{e.national_learning.clone()}</p>
        }
    });
    let mine = e.takes_feedback.then(|| {
        let start = e.my_feedback.clone();
        view! { <FeedbackForm event_id=e.id.clone() start=start notice=notice on_saved=on_feedback /> }
    });
    let manage = office.then(|| view! { <Manage e=e.clone() /> });
    view! {
        {facts}
        <h2>"Learning carried"</h2>
        {reviews}
        {national}
        <h2>"Attendance"</h2>
        {attendance}
        <h2>"Feedback"</h2>
        {feedback}
        {comments}
        {mine}
        {manage}
    }
}

#[component]
fn FeedbackForm(
    event_id: String,
    start: Option<api::learning_event_detail::LearningEventDetailLearningEventMyFeedback>,
    notice: RwSignal<Option<String>>,
    on_saved: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let had = start.is_some();
    let score = RwSignal::new(
        start
            .as_ref()
            .map(|s| s.score.to_string())
            .unwrap_or_default(),
    );
    let comment = RwSignal::new(start.map(|s| s.comment).unwrap_or_default());
    let options: Vec<(String, String)> = SCORES
        .map(|s| (s.to_string(), format!("{s}: {}", score_label(s))))
        .collect();
    let event_id = StoredValue::new(event_id);
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        let Ok(chosen) = score.get_untracked().parse::<i64>() else {
            errors.push("feedback-score", "Choose how useful the event was");
            errors.report_found();
            return;
        };
        let request =
            api::call::<GiveLearningEventFeedback>(api::give_learning_event_feedback::Variables {
                event_id: event_id.get_value(),
                score: chosen,
                comment: Some(comment.get_untracked()),
            });
        form.send(
            request,
            |field| {
                let label = match field {
                    "score" => "How useful it was",
                    "comment" => "Comment",
                    other => other,
                };
                (format!("feedback-{field}"), label.to_string())
            },
            move |_| {
                notice.set(Some("Thank you: your feedback is saved.".into()));
                on_saved();
            },
        );
    };
    view! {
        <h2>{if had { "Your feedback" } else { "Give your feedback" }}</h2>
        <p>"If you attended, say how useful it was. The business office and the independent chair read comments without your name; you can change your feedback later."</p>
        <ErrorSummary errors=errors />
        <form on:submit=submit novalidate=true>
            <RadioGroup id="feedback-score" legend="How useful was it?" options=options value=score errors=errors />
            <TextArea id="feedback-comment" label="Comment (optional)" hint="What will you do differently? What would have made it better?" value=comment errors=errors rows=3 />
            <button type="submit" class="button" disabled=move || pending.get()>
                {if had { "Change my feedback" } else { "Send feedback" }}
            </button>
        </form>
    }
}

/// The office's change and delete.
#[component]
fn Manage(e: Event) -> impl IntoView {
    let navigate = use_navigate();
    let open = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let (id, version, title) = (e.id.clone(), e.version, e.title.clone());
    let delete = Callback::new(move |()| {
        let (id, navigate) = (id.clone(), navigate.clone());
        pending.set(true);
        spawn_local(async move {
            let result = api::call::<DeleteLearningEvent>(api::delete_learning_event::Variables {
                id,
                version,
            })
            .await;
            pending.set(false);
            match result {
                Ok(_) => navigate("/learning-events", NavigateOptions::default()),
                Err(e) => error.set(Some(e.explain())),
            }
        });
    });
    view! {
        <h2>"Manage this event"</h2>
        <div class="button-group">
            <ButtonLink href=format!("/learning-events/{}/edit", e.id) secondary=true>"Change the event"</ButtonLink>
            <button type="button" class="button button-warning" on:click=move |_| {
                error.set(None);
                ask(open, "event-delete");
            }>
                "Delete the event"
            </button>
        </div>
        <ConfirmPanel
            id="event-delete"
            open=open
            question=format!("Delete {title}?")
            confirm="Yes, delete it"
            on_confirm=delete
            pending=pending
            error=error
            destructive=true
        >
            <p>"Only for an event recorded in error: its attendance and feedback go with it."</p>
        </ConfirmPanel>
    }
}
