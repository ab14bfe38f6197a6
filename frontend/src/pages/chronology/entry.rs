//! One chronology entry as form values: the fields in a grid built for fast keyboard entry,
//! and what the server's answers say about them.

use crate::api::chronology::EntryFields;
use crate::components::{FormErrors, SelectField, TextArea, TextField};
use leptos::prelude::*;
use serde_json::Value;

/// The fields in the order they are typed: (GraphQL input field, label, hint).
pub const FIELDS: [(&str, &str, &str); 12] = [
    ("startDate", "Date", "22/05/2016, May 2016, ?2016"),
    ("startTime", "Time", "HH:MM"),
    ("source", "Source", "Your record reference"),
    ("eventType", "Event type", ""),
    ("event", "What happened", ""),
    ("actionTaken", "Action taken", ""),
    ("sharedWith", "Shared with", "Prefixes, with commas"),
    ("practitionerComment", "Comment", ""),
    ("endDate", "End date", ""),
    ("endTime", "End time", ""),
    ("seq", "Seq", "Orders one day's events"),
    // Shown first, and only in a multi-agency case audit.
    (
        "caseId",
        "Case",
        "The case of the audit's sample the entry is about",
    ),
];

/// An entry's fields as typed, in [`FIELDS`] order.
pub type Draft = [String; 12];

#[derive(Clone, Copy)]
pub struct DraftFields(pub [RwSignal<String>; 12]);

impl DraftFields {
    pub fn new() -> Self {
        Self(std::array::from_fn(|_| RwSignal::new(String::new())))
    }

    pub fn set(&self, draft: &Draft) {
        for (field, value) in self.0.iter().zip(draft) {
            field.set(value.clone());
        }
    }

    pub fn get(&self) -> Draft {
        std::array::from_fn(|i| self.0[i].get_untracked())
    }

    /// Whether what is typed differs from `base` (false once the form has left the page).
    pub fn differs_from(&self, base: &Draft) -> bool {
        self.0
            .iter()
            .zip(base)
            .any(|(field, was)| field.try_with_untracked(|now| now != was) == Some(true))
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
    [
        e.start_date.clone(),
        text(&e.start_time),
        e.source.clone(),
        text(&e.event_type),
        e.event.clone(),
        text(&e.action_taken),
        shared_text(e),
        text(&e.practitioner_comment),
        text(&e.end_date),
        text(&e.end_time),
        e.seq.map(|s| s.to_string()).unwrap_or_default(),
        text(&e.case_id),
    ]
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
    Some((std::array::from_fn(|i| field(FIELDS[i].0)), version))
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
            start_date: d[0].trim().to_string(),
            start_time: opt(&d[1]),
            source: d[2].trim().to_string(),
            event_type: opt(&d[3]),
            event: d[4].trim().to_string(),
            action_taken: opt(&d[5]),
            shared_with: d[6]
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            practitioner_comment: opt(&d[7]),
            end_date: opt(&d[8]),
            end_time: opt(&d[9]),
            seq: d[10].trim().parse().ok(),
            case_id: opt(&d[11]),
        }
    }};
}
pub(crate) use entry_input;

/// Checks made before sending; false when something was reported.
pub fn check(prefix: &str, draft: &Draft, errors: FormErrors) -> bool {
    let seq = draft[10].trim();
    if !seq.is_empty() && seq.parse::<i64>().is_err() {
        errors.push(&format!("{prefix}-seq"), "Seq must be a whole number");
    }
    !errors.report_found()
}

/// Where the server's `startDate` / `input.startDate` / `sharedWith[1]` problem belongs.
pub fn describe(prefix: &str, field: &str) -> (String, String) {
    let name = field.rsplit('.').next().unwrap_or(field);
    let name = name.split('[').next().unwrap_or(name);
    match FIELDS.iter().find(|(key, ..)| *key == name) {
        Some((key, label, _)) => (format!("{prefix}-{key}"), (*label).to_string()),
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
        let (key, label, hint) = FIELDS[11];
        view! {
            <div class="entry-wide">
                <SelectField
                    id=format!("{prefix}-{key}")
                    label=label
                    hint=hint
                    value=fields.0[11]
                    options=cases
                    errors=errors
                    blank="Choose the case"
                />
            </div>
        }
    });
    let cells = FIELDS
        .iter()
        .enumerate()
        .filter(|(_, (key, ..))| *key != "caseId")
        .map(|(i, (key, label, hint))| {
            let id = format!("{prefix}-{key}");
            let value = fields.0[i];
            if *key == "event" {
                // Several lines: Enter starts a new one; Ctrl+Enter saves like Enter elsewhere.
                view! {
                    <div class="entry-wide" on:keydown=save_on_ctrl_enter>
                        <TextArea id=id label=*label hint=EVENT_HINT value=value errors=errors rows=3 />
                    </div>
                }
                .into_any()
            } else if *key == "eventType" {
                view! { <TextField id=id label=*label value=value errors=errors list="event-types" /> }
                    .into_any()
            } else if hint.is_empty() {
                view! { <TextField id=id label=*label value=value errors=errors /> }.into_any()
            } else {
                view! { <TextField id=id label=*label hint=*hint value=value errors=errors /> }
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
