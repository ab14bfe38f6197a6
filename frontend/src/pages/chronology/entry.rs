//! One chronology entry as form values: the fields in a grid built for fast keyboard entry,
//! and what the server's answers say about them.

use crate::api::chronology::EntryFields;
use crate::components::{FormErrors, SelectField, TextArea, TextField};
use leptos::prelude::*;
use serde_json::Value;

/// One field of an entry's form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    StartDate,
    StartTime,
    Source,
    EventType,
    Event,
    ActionTaken,
    SharedWith,
    PractitionerComment,
    EndDate,
    EndTime,
    Seq,
    /// Shown first, and only in a multi-agency case audit.
    Case,
}

impl Field {
    /// In the order they are typed (the case, in an audit, is shown first).
    pub const ALL: [Field; 12] = [
        Field::StartDate,
        Field::StartTime,
        Field::Source,
        Field::EventType,
        Field::Event,
        Field::ActionTaken,
        Field::SharedWith,
        Field::PractitionerComment,
        Field::EndDate,
        Field::EndTime,
        Field::Seq,
        Field::Case,
    ];

    /// Its GraphQL input field (`EntryInput`), which the server's problems name.
    pub fn key(self) -> &'static str {
        self.describe().0
    }

    pub fn label(self) -> &'static str {
        self.describe().1
    }

    pub fn hint(self) -> &'static str {
        self.describe().2
    }

    fn describe(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Field::StartDate => ("startDate", "Date", "22/05/2016, May 2016, ?2016"),
            Field::StartTime => ("startTime", "Time", "HH:MM"),
            Field::Source => ("source", "Source", "Your record reference"),
            Field::EventType => ("eventType", "Event type", ""),
            Field::Event => ("event", "What happened", ""),
            Field::ActionTaken => ("actionTaken", "Action taken", ""),
            Field::SharedWith => ("sharedWith", "Shared with", "Prefixes, with commas"),
            Field::PractitionerComment => ("practitionerComment", "Comment", ""),
            Field::EndDate => ("endDate", "End date", ""),
            Field::EndTime => ("endTime", "End time", ""),
            Field::Seq => ("seq", "Seq", "Orders one day's events"),
            Field::Case => (
                "caseId",
                "Case",
                "The case of the audit's sample the entry is about",
            ),
        }
    }
}

/// An entry's fields as typed (`Draft`), or the form's signals holding them
/// (`Draft<RwSignal<String>>`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Draft<T = String> {
    pub start_date: T,
    pub start_time: T,
    pub source: T,
    pub event_type: T,
    pub event: T,
    pub action_taken: T,
    /// Agency prefixes, with commas.
    pub shared_with: T,
    pub practitioner_comment: T,
    pub end_date: T,
    pub end_time: T,
    pub seq: T,
    /// The audit case's id (empty in a case review).
    pub case_id: T,
}

impl<T> Draft<T> {
    /// Each field made by `make`.
    pub fn from_fn(mut make: impl FnMut(Field) -> T) -> Self {
        Self {
            start_date: make(Field::StartDate),
            start_time: make(Field::StartTime),
            source: make(Field::Source),
            event_type: make(Field::EventType),
            event: make(Field::Event),
            action_taken: make(Field::ActionTaken),
            shared_with: make(Field::SharedWith),
            practitioner_comment: make(Field::PractitionerComment),
            end_date: make(Field::EndDate),
            end_time: make(Field::EndTime),
            seq: make(Field::Seq),
            case_id: make(Field::Case),
        }
    }

    pub fn get(&self, field: Field) -> &T {
        match field {
            Field::StartDate => &self.start_date,
            Field::StartTime => &self.start_time,
            Field::Source => &self.source,
            Field::EventType => &self.event_type,
            Field::Event => &self.event,
            Field::ActionTaken => &self.action_taken,
            Field::SharedWith => &self.shared_with,
            Field::PractitionerComment => &self.practitioner_comment,
            Field::EndDate => &self.end_date,
            Field::EndTime => &self.end_time,
            Field::Seq => &self.seq,
            Field::Case => &self.case_id,
        }
    }
}

/// The form's fields, one signal each.
#[derive(Clone, Copy)]
pub struct DraftFields(pub Draft<RwSignal<String>>);

impl DraftFields {
    pub fn new() -> Self {
        Self(Draft::from_fn(|_| RwSignal::new(String::new())))
    }

    pub fn set(&self, draft: &Draft) {
        for field in Field::ALL {
            self.0.get(field).set(draft.get(field).clone());
        }
    }

    pub fn get(&self) -> Draft {
        Draft::from_fn(|field| self.0.get(field).get_untracked())
    }

    /// Whether what is typed differs from `base` (false once the form has left the page).
    pub fn differs_from(&self, base: &Draft) -> bool {
        Field::ALL.into_iter().any(|field| {
            let was = base.get(field);
            self.0.get(field).try_with_untracked(|now| now != was) == Some(true)
        })
    }
}

/// "POL, CSC"
pub fn shared_text(e: &EntryFields) -> String {
    e.shared_with
        .iter()
        .map(|a| a.prefix.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn draft_of(e: &EntryFields) -> Draft {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    Draft {
        start_date: e.start_date.clone(),
        start_time: text(&e.start_time),
        source: e.source.clone(),
        event_type: text(&e.event_type),
        event: e.event.clone(),
        action_taken: text(&e.action_taken),
        shared_with: shared_text(e),
        practitioner_comment: text(&e.practitioner_comment),
        end_date: text(&e.end_date),
        end_time: text(&e.end_time),
        seq: e.seq.map(|s| s.to_string()).unwrap_or_default(),
        case_id: text(&e.case_id),
    }
}

/// The stored entry a CONFLICT sent back (`extensions.current`) and its version.
pub fn draft_from_json(v: &Value) -> Option<(Draft, i64)> {
    let version = v.get("version")?.as_i64()?;
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Array(list) => list
            .iter()
            .filter_map(|x| {
                x.as_str()
                    .or_else(|| x.get("prefix").and_then(Value::as_str))
                    .or_else(|| x.get("name").and_then(Value::as_str))
            })
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    };
    let field = |key: &str| {
        let snake: String = key
            .chars()
            .flat_map(|c| {
                let lower = c.to_ascii_lowercase();
                (c.is_ascii_uppercase().then_some('_').into_iter()).chain([lower])
            })
            .collect();
        v.get(key)
            .or_else(|| v.get(&snake))
            .map(text)
            .unwrap_or_default()
    };
    Some((Draft::from_fn(|f| field(f.key())), version))
}

/// The GraphQL `EntryInput` of one operation's module from a [`Draft`].
macro_rules! entry_input {
    ($module:ident, $draft:expr) => {{
        let d: &$crate::pages::chronology::entry::Draft = $draft;
        let opt = |s: &str| {
            let t = s.trim();
            (!t.is_empty()).then(|| t.to_string())
        };
        $crate::api::$module::EntryInput {
            start_date: d.start_date.trim().to_string(),
            start_time: opt(&d.start_time),
            source: d.source.trim().to_string(),
            event_type: opt(&d.event_type),
            event: d.event.trim().to_string(),
            action_taken: opt(&d.action_taken),
            shared_with: d
                .shared_with
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            practitioner_comment: opt(&d.practitioner_comment),
            end_date: opt(&d.end_date),
            end_time: opt(&d.end_time),
            seq: d.seq.trim().parse().ok(),
            case_id: opt(&d.case_id),
        }
    }};
}
pub(crate) use entry_input;

/// Checks made before sending; false when something was reported.
pub fn check(prefix: &str, draft: &Draft, errors: FormErrors) -> bool {
    let seq = draft.seq.trim();
    if !seq.is_empty() && seq.parse::<i64>().is_err() {
        errors.push(&format!("{prefix}-seq"), "Seq must be a whole number");
    }
    !errors.report_found()
}

/// Where the server's `startDate` / `input.startDate` / `sharedWith[1]` problem belongs.
pub fn describe(prefix: &str, field: &str) -> (String, String) {
    let name = field.rsplit('.').next().unwrap_or(field);
    let name = name.split('[').next().unwrap_or(name);
    match Field::ALL.into_iter().find(|f| f.key() == name) {
        Some(f) => (format!("{prefix}-{}", f.key()), f.label().to_string()),
        None => (format!("{prefix}-startDate"), field.to_string()),
    }
}

const EVENT_HINT: &str = "Enter starts a new line; Ctrl+Enter (Cmd+Enter on a Mac) saves";

/// Ctrl+Enter (or Cmd+Enter) in a text box saves its form, as Enter does in a one-line field.
fn save_on_ctrl_enter(ev: leptos::ev::KeyboardEvent) {
    use wasm_bindgen::JsCast;
    if ev.key() != "Enter" || !(ev.ctrl_key() || ev.meta_key()) {
        return;
    }
    ev.prevent_default();
    let submit = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("form").ok().flatten())
        .and_then(|form| form.query_selector("button[type=submit]").ok().flatten())
        .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(button) = submit {
        button.click();
    }
}

/// The entry's fields in one grid; Enter in any one-line field submits the form around it
/// (Ctrl+Enter in "What happened", where Enter starts a new line). In an audit, the case
/// comes first: those naming the person's agency as involved.
#[component]
pub fn EntryGrid(prefix: &'static str, fields: DraftFields, errors: FormErrors) -> impl IntoView {
    // The cases its agency was involved in (the server refuses any other).
    let ctx = super::use_ctx();
    let cases = ctx.own_cases.get_value();
    let audit = ctx.cases.with_value(|c| !c.is_empty());
    let case = audit.then(|| {
        let field = Field::Case;
        view! {
            <div class="entry-wide">
                <SelectField
                    id=format!("{prefix}-{}", field.key())
                    label=field.label()
                    hint=field.hint()
                    value=*fields.0.get(field)
                    options=cases
                    errors=errors
                    blank="Choose the case"
                />
            </div>
        }
    });
    let cells = Field::ALL
        .into_iter()
        .filter(|f| *f != Field::Case)
        .map(|f| {
            let (label, hint) = (f.label(), f.hint());
            let id = format!("{prefix}-{}", f.key());
            let value = *fields.0.get(f);
            if f == Field::Event {
                // Several lines: Enter starts a new one; Ctrl+Enter saves like Enter elsewhere.
                view! {
                    <div class="entry-wide" on:keydown=save_on_ctrl_enter>
                        <TextArea id=id label=label hint=EVENT_HINT value=value errors=errors rows=3 />
                    </div>
                }
                .into_any()
            } else if f == Field::EventType {
                view! { <TextField id=id label=label value=value errors=errors list="event-types" /> }
                    .into_any()
            } else if hint.is_empty() {
                view! { <TextField id=id label=label value=value errors=errors /> }.into_any()
            } else {
                view! { <TextField id=id label=label hint=hint value=value errors=errors /> }
                    .into_any()
            }
        })
        .collect_view();
    view! { <div class="entry-grid">{case}{cells}</div> }
}

/// The suggestions for the event type fields (once on the page).
#[component]
pub fn EventTypes() -> impl IntoView {
    view! {
        <datalist id="event-types">
            {shared::chronology::template::EVENT_TYPES.iter().map(|t| view! { <option value=*t></option> }).collect_view()}
        </datalist>
    }
}
