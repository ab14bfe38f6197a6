//! The business office's form for a learning event: what it was, when, for whom, the
//! reviews whose learning it carried, national learning, and attendance per agency.

use crate::api::{
    self, code_of, enum_from, LearningEventDetail, LearningEventFormOptions, RecordLearningEvent,
    UpdateLearningEvent,
};
use crate::components::{
    field_id, set_title, CheckboxGroup, DateInput, ErrorSummary, FormSubmit, SelectField, TextArea,
    TextField,
};
use crate::pages::{route_id, states};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use shared::training::{LearningEventKind, MAX_ATTENDED};
use std::collections::HashMap;

/// What the form starts from: empty, or an event to change.
#[derive(Clone, Default)]
struct Start {
    id: Option<String>,
    version: i64,
    title: String,
    kind: String,
    held_on: String,
    audience: String,
    reviews: Vec<String>,
    national_learning: String,
    /// Agency id → number attending.
    attendance: HashMap<String, i64>,
}

#[component]
pub fn NewLearningEvent() -> impl IntoView {
    set_title("Record a learning event");
    view! {
        <h1 tabindex="-1">"Record a learning event"</h1>
        <EventForm start=Start { kind: LearningEventKind::Workshop.code().into(), ..Start::default() } />
    }
}

#[component]
pub fn EditLearningEvent() -> impl IntoView {
    set_title("Change a learning event");
    let id = route_id();
    let data = LocalResource::new(move || {
        api::call::<LearningEventDetail>(api::learning_event_detail::Variables { id: id.get() })
    });
    view! {
        <h1 tabindex="-1">"Change a learning event"</h1>
        {move || {
            states(
                data.get(),
                |d| {
                    let e = d.learning_event;
                    let start = Start {
                        id: Some(e.id),
                        version: e.version,
                        title: e.title,
                        kind: code_of(&e.kind),
                        held_on: e.held_on,
                        audience: e.audience,
                        reviews: e.reviews.into_iter().map(|r| r.id).collect(),
                        national_learning: e.national_learning,
                        attendance: e.attendance.into_iter().map(|a| (a.agency_id, a.attended)).collect(),
                    };
                    view! { <EventForm start=start /> }
                },
            )
        }}
    }
}

fn attended_id(agency: &str) -> String {
    format!("event-attended-{agency}")
}

/// The form's field for a field the server named; `sent` are the agencies whose attendance
/// was sent, in order (the server names them by position).
fn describe(field: &str, sent: &[(String, String)]) -> (String, String) {
    if let Some(rest) = field.strip_prefix("attendance[") {
        let at: Option<usize> = rest.split(']').next().and_then(|i| i.parse().ok());
        if let Some((agency, name)) = at.and_then(|i| sent.get(i)) {
            return (attended_id(agency), format!("Attended from {name}"));
        }
    }
    let label = match field {
        "title" => "Title",
        "kind" => "Kind of event",
        "heldOn" => "Date",
        "audience" => "Audience",
        "nationalLearning" => "National learning carried",
        "reviewIds" => "Reviews and audits whose learning it carried",
        other if other.starts_with("reviewIds") => "Reviews and audits whose learning it carried",
        other => other,
    };
    let id = if field.starts_with("reviewIds") {
        "event-reviewIds".to_string()
    } else {
        format!("event-{}", field_id(field))
    };
    (id, label.to_string())
}

/// One operation's `LearningEventInput` from the form's values (record and update each have
/// their own generated type, with the same fields).
macro_rules! event_input {
    ($op:ident, $values:expr) => {{
        let v = $values;
        api::$op::LearningEventInput {
            title: v.title,
            kind: enum_from(&v.kind),
            held_on: v.held_on,
            audience: v.audience,
            review_ids: v.reviews,
            national_learning: v.national_learning,
            attendance: v
                .attendance
                .into_iter()
                .map(
                    |(agency_id, attended)| api::$op::LearningEventAttendanceInput {
                        agency_id,
                        attended,
                    },
                )
                .collect(),
        }
    }};
}

/// The values sent.
struct Values {
    title: String,
    kind: String,
    held_on: String,
    audience: String,
    reviews: Vec<String>,
    national_learning: String,
    attendance: Vec<(String, i64)>,
}

#[component]
fn EventForm(start: Start) -> impl IntoView {
    let navigate = use_navigate();
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let title = RwSignal::new(start.title);
    let kind = RwSignal::new(start.kind);
    let held_on = RwSignal::new(start.held_on);
    let audience = RwSignal::new(start.audience);
    let reviews = RwSignal::new(start.reviews);
    let national = RwSignal::new(start.national_learning);
    let started_attendance = start.attendance;
    let editing = start.id.is_some();
    let id = StoredValue::new(start.id);
    let version = start.version;
    let options = LocalResource::new(|| {
        api::call::<LearningEventFormOptions>(api::learning_event_form_options::Variables)
    });
    // Agency id, name and the typed number, once the agencies are read.
    let agencies = StoredValue::new(Vec::<(String, String, RwSignal<String>)>::new());
    let kinds: Vec<(String, String)> = LearningEventKind::ALL
        .iter()
        .map(|k| (k.code().to_string(), k.label().to_string()))
        .collect();
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        let mut attendance = Vec::new();
        let mut sent = Vec::new();
        for (agency, name, typed) in agencies.get_value() {
            let text = typed.get_untracked().trim().to_string();
            if text.is_empty() {
                continue;
            }
            match text.parse::<i64>() {
                Ok(n) if (0..=i64::from(MAX_ATTENDED)).contains(&n) => {
                    attendance.push((agency.clone(), n));
                    sent.push((agency, name));
                }
                _ => errors.push(
                    &attended_id(&agency),
                    format!("Enter how many attended from {name}, as a whole number from 0 to {MAX_ATTENDED}"),
                ),
            }
        }
        if errors.report_found() {
            return;
        }
        let values = Values {
            title: title.get_untracked(),
            kind: kind.get_untracked(),
            held_on: held_on.get_untracked(),
            audience: audience.get_untracked(),
            reviews: reviews.get_untracked(),
            national_learning: national.get_untracked(),
            attendance,
        };
        let navigate = navigate.clone();
        let request = async move {
            match id.get_value() {
                None => {
                    let input = event_input!(record_learning_event, values);
                    api::call::<RecordLearningEvent>(api::record_learning_event::Variables {
                        input,
                    })
                    .await
                    .map(|d| d.record_learning_event.id)
                }
                Some(id) => {
                    let input = event_input!(update_learning_event, values);
                    api::call::<UpdateLearningEvent>(api::update_learning_event::Variables {
                        id,
                        version,
                        input,
                    })
                    .await
                    .map(|d| d.update_learning_event.id)
                }
            }
        };
        form.send(
            request,
            move |field| describe(field, &sent),
            move |id| {
                navigate(
                    &format!("/learning-events/{id}"),
                    NavigateOptions::default(),
                )
            },
        );
    };
    let choices = move || {
        let started = started_attendance.clone();
        states(options.get(), move |d| {
            let review_options: Vec<(String, String)> = d
                .reviews
                .into_iter()
                .map(|r| {
                    (
                        r.id,
                        format!("{} ({}), {}", r.reference, r.subject, r.kind_label),
                    )
                })
                .collect();
            let fields: Vec<(String, String, RwSignal<String>)> = d
                .agencies
                .into_iter()
                .map(|a| {
                    let typed = started
                        .get(&a.id)
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    (
                        a.id,
                        format!("{} ({})", a.name, a.prefix),
                        RwSignal::new(typed),
                    )
                })
                .collect();
            agencies.set_value(fields.clone());
            view! {
                <CheckboxGroup
                    id="event-reviewIds"
                    legend="Reviews and audits whose learning it carried"
                    hint="Link the workshop slides and learning summary of each."
                    options=review_options
                    selected=reviews
                    errors=errors
                    columns=true
                />
                <fieldset>
                    <legend>"Attendance by agency"</legend>
                    <p class="hint">"How many attended from each agency. Leave empty for none."</p>
                    <div class="choices-columns">
                        {fields
                            .into_iter()
                            .map(|(agency, name, typed)| {
                                view! { <TextField id=attended_id(&agency) label=name value=typed errors=errors short=true input_type="number" /> }
                            })
                            .collect_view()}
                    </div>
                </fieldset>
            }
        })
    };
    view! {
        <ErrorSummary errors=errors />
        <form on:submit=submit novalidate=true>
            <TextField id="event-title" label="Title" value=title errors=errors />
            <SelectField id="event-kind" label="Kind of event" value=kind options=kinds errors=errors />
            <DateInput id="event-heldOn" label="Date" hint="The day it was held, or is planned for." value=held_on errors=errors missing="Enter the date of the event" />
            <TextField id="event-audience" label="Audience" hint="Who it was for, such as designated safeguarding leads in schools." value=audience errors=errors />
            <TextArea id="event-nationalLearning" label="National learning carried (optional)" hint="National reviews' learning it carried, such as the national panel's reviews." value=national errors=errors rows=3 />
            {choices}
            <button type="submit" class="button" disabled=move || pending.get()>
                {if editing { "Save changes" } else { "Record the event" }}
            </button>
            <a href="/learning-events">"Cancel"</a>
        </form>
    }
}
