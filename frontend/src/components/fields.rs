//! Form fields with labels above, hints, inline errors and the error summary.

use crate::api::{ApiError, ErrorCode};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// One problem shown on a form: the DOM id of its field and the full sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub id: String,
    pub text: String,
}

/// Everything wrong with one form submission.
#[derive(Clone, Copy)]
pub struct FormErrors {
    fields: RwSignal<Vec<FieldError>>,
    general: RwSignal<Option<(String, Option<String>)>>,
    conflict: RwSignal<bool>,
    /// Bumped on every failed submit, so the summary takes focus each time.
    attempts: RwSignal<u32>,
}

impl Default for FormErrors {
    fn default() -> Self {
        Self::new()
    }
}

impl FormErrors {
    pub fn new() -> Self {
        Self {
            fields: RwSignal::new(Vec::new()),
            general: RwSignal::new(None),
            conflict: RwSignal::new(false),
            attempts: RwSignal::new(0),
        }
    }

    pub fn clear(&self) {
        self.fields.set(Vec::new());
        self.general.set(None);
        self.conflict.set(false);
    }

    /// Adds a problem found before sending (a missing choice the API cannot represent).
    pub fn push(&self, id: &str, text: impl Into<String>) {
        let error = FieldError {
            id: id.to_string(),
            text: text.into(),
        };
        self.fields.update(|f| f.push(error));
    }

    pub fn has_field_errors(&self) -> bool {
        self.fields.with_untracked(|f| !f.is_empty())
    }

    /// Shows the summary (and moves focus to it).
    pub fn fail(&self) {
        self.attempts.update(|n| *n += 1);
    }

    /// Shows what the server refused. `describe` turns a GraphQL input field name
    /// (`mechanisms[0].text`) into the DOM id of its field and the words for it.
    pub fn show(&self, error: ApiError, describe: impl Fn(&str) -> (String, String)) {
        self.clear();
        if error.code == ErrorCode::Validation && !error.problems.is_empty() {
            let list = error
                .problems
                .iter()
                .map(|p| {
                    let (id, label) = describe(&p.field);
                    FieldError {
                        id,
                        text: format!("{label} {}", p.message),
                    }
                })
                .collect();
            self.fields.set(list);
        } else {
            self.conflict.set(error.code == ErrorCode::Conflict);
            self.general
                .set(Some((error.explain(), error.correlation_id.clone())));
        }
        self.fail();
    }

    /// Shows one message not tied to a field.
    pub fn show_message(&self, text: impl Into<String>, correlation_id: Option<String>) {
        self.clear();
        self.general.set(Some((text.into(), correlation_id)));
        self.fail();
    }

    /// The inline message for one field, if any.
    pub fn message(&self, id: impl Into<String>) -> Signal<Option<String>> {
        let id = id.into();
        let fields = self.fields;
        Signal::derive(move || {
            fields.with(|f| f.iter().find(|e| e.id == id).map(|e| e.text.clone()))
        })
    }
}

/// Turns a GraphQL input field name into a DOM id: `mechanisms[0].text` → `mechanisms-0-text`.
pub fn field_id(field: &str) -> String {
    let mut id: String = field
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    while id.contains("--") {
        id = id.replace("--", "-");
    }
    id.trim_matches('-').to_string()
}

fn focus_by_id(id: &str) {
    if let Some(el) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
        el.scroll_into_view();
    }
}

/// "There is a problem": at the top of a form, focused on a failed submit, each problem a
/// link to its field.
#[component]
pub fn ErrorSummary(errors: FormErrors) -> impl IntoView {
    let node = NodeRef::<leptos::html::Div>::new();
    let shown =
        move || errors.fields.with(|f| !f.is_empty()) || errors.general.with(Option::is_some);
    Effect::new(move |_| {
        if errors.attempts.get() > 0 {
            request_animation_frame(move || {
                if let Some(el) = node.get_untracked() {
                    let _ = el.focus();
                }
            });
        }
    });
    view! {
        <Show when=shown>
            <div
                class="error-summary"
                role="alert"
                tabindex="-1"
                aria-labelledby="error-summary-title"
                node_ref=node
            >
                <h2 id="error-summary-title">"There is a problem"</h2>
                {move || {
                    errors
                        .general
                        .get()
                        .map(|(text, correlation)| {
                            view! {
                                <p>{text}</p>
                                {correlation
                                    .map(|c| {
                                        view! {
                                            <p class="correlation">
                                                "If you contact support, quote reference " <code>{c}</code>
                                            </p>
                                        }
                                    })}
                            }
                        })
                }}
                <ul>
                    {move || {
                        errors
                            .fields
                            .get()
                            .into_iter()
                            .map(|e| {
                                let target = e.id.clone();
                                view! {
                                    <li>
                                        <a
                                            href=format!("#{}", e.id)
                                            on:click=move |ev| {
                                                ev.prevent_default();
                                                focus_by_id(&target);
                                            }
                                        >
                                            {e.text}
                                        </a>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
                <Show when=move || errors.conflict.get()>
                    <button
                        type="button"
                        class="button button-secondary"
                        on:click=move |_| {
                            let _ = window().location().reload();
                        }
                    >
                        "Reload the latest version"
                    </button>
                </Show>
            </div>
        </Show>
    }
}

fn described_by(id: &str, hint: bool, error: Option<String>) -> Option<String> {
    let mut ids = Vec::new();
    if hint {
        ids.push(format!("{id}-hint"));
    }
    if error.is_some() {
        ids.push(format!("{id}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

#[component]
fn Hint(id: String, hint: Option<String>) -> impl IntoView {
    hint.map(|h| view! { <div class="hint" id=format!("{id}-hint")>{h}</div> })
}

#[component]
fn InlineError(id: String, error: Signal<Option<String>>) -> impl IntoView {
    move || {
        error.get().map(|text| {
            view! {
                <p class="error-message" id=format!("{id}-error")>
                    <span class="visually-hidden">"Error: "</span>
                    {text}
                </p>
            }
        })
    }
}

/// A labelled single-line input (`text`, `email`, `password`, `date`, `number`).
#[component]
pub fn TextField(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    errors: FormErrors,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional, into)] autocomplete: Option<String>,
    #[prop(optional)] short: bool,
) -> impl IntoView {
    let error = errors.message(id.clone());
    let has_hint = hint.is_some();
    let describe_id = id.clone();
    let class = if short || input_type == "date" {
        "input input-short"
    } else {
        "input"
    };
    view! {
        <div class="form-group" class:form-group-error=move || error.with(Option::is_some)>
            <label class="label" for=id.clone()>
                {label}
            </label>
            <Hint id=id.clone() hint=hint />
            <InlineError id=id.clone() error=error />
            <input
                class=class
                id=id.clone()
                name=id
                type=input_type
                autocomplete=autocomplete
                spellcheck="false"
                aria-describedby=move || described_by(&describe_id, has_hint, error.get())
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                bind:value=value
            />
        </div>
    }
}

/// A labelled multi-line input.
#[component]
pub fn TextArea(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    errors: FormErrors,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(default = 5)] rows: u32,
) -> impl IntoView {
    let error = errors.message(id.clone());
    let has_hint = hint.is_some();
    let describe_id = id.clone();
    view! {
        <div class="form-group" class:form-group-error=move || error.with(Option::is_some)>
            <label class="label" for=id.clone()>
                {label}
            </label>
            <Hint id=id.clone() hint=hint />
            <InlineError id=id.clone() error=error />
            <textarea
                class="textarea"
                id=id.clone()
                name=id
                rows=rows
                aria-describedby=move || described_by(&describe_id, has_hint, error.get())
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                bind:value=value
            ></textarea>
        </div>
    }
}

/// A labelled drop-down; `options` are (value, text).
#[component]
pub fn SelectField(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    options: Vec<(String, String)>,
    errors: FormErrors,
    #[prop(optional, into)] hint: Option<String>,
    /// Text of an empty first option ("Choose…", "No agency").
    #[prop(optional, into)]
    blank: Option<String>,
) -> impl IntoView {
    let error = errors.message(id.clone());
    let has_hint = hint.is_some();
    let describe_id = id.clone();
    view! {
        <div class="form-group" class:form-group-error=move || error.with(Option::is_some)>
            <label class="label" for=id.clone()>
                {label}
            </label>
            <Hint id=id.clone() hint=hint />
            <InlineError id=id.clone() error=error />
            <select
                class="select"
                id=id.clone()
                name=id
                aria-describedby=move || described_by(&describe_id, has_hint, error.get())
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                {blank
                    .map(|text| {
                        view! {
                            <option value="" selected=move || value.with(String::is_empty)>
                                {text}
                            </option>
                        }
                    })}
                {options
                    .into_iter()
                    .map(|(code, text)| {
                        let selected_code = code.clone();
                        view! {
                            <option value=code selected=move || value.with(|v| *v == selected_code)>
                                {text}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

/// A fieldset of checkboxes that edits a list of chosen values. The first box carries the
/// group's id so the error summary can move focus to it.
#[component]
pub fn CheckboxGroup(
    #[prop(into)] id: String,
    #[prop(into)] legend: String,
    options: Vec<(String, String)>,
    selected: RwSignal<Vec<String>>,
    errors: FormErrors,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional)] columns: bool,
) -> impl IntoView {
    let error = errors.message(id.clone());
    let has_hint = hint.is_some();
    let describe_id = id.clone();
    let group_id = id.clone();
    view! {
        <div class="form-group" class:form-group-error=move || error.with(Option::is_some)>
            <fieldset aria-describedby=move || described_by(&describe_id, has_hint, error.get())>
                <legend>{legend}</legend>
                <Hint id=id.clone() hint=hint />
                <InlineError id=id.clone() error=error />
                <div class:choices-columns=columns>
                    {options
                        .into_iter()
                        .enumerate()
                        .map(|(i, (code, text))| {
                            let box_id = if i == 0 { group_id.clone() } else { format!("{group_id}-{i}") };
                            let checked_code = code.clone();
                            let change_code = code.clone();
                            view! {
                                <div class="choice">
                                    <input
                                        type="checkbox"
                                        id=box_id.clone()
                                        value=code
                                        prop:checked=move || selected.with(|s| s.contains(&checked_code))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            selected
                                                .update(|s| {
                                                    s.retain(|c| *c != change_code);
                                                    if on {
                                                        s.push(change_code.clone());
                                                    }
                                                });
                                        }
                                    />
                                    <label for=box_id>{text}</label>
                                </div>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>
        </div>
    }
}

/// A fieldset of radio buttons choosing one value.
#[component]
pub fn RadioGroup(
    #[prop(into)] id: String,
    #[prop(into)] legend: String,
    options: Vec<(String, String)>,
    value: RwSignal<String>,
    errors: FormErrors,
    #[prop(optional, into)] hint: Option<String>,
) -> impl IntoView {
    let error = errors.message(id.clone());
    let has_hint = hint.is_some();
    let describe_id = id.clone();
    let group_id = id.clone();
    view! {
        <div class="form-group" class:form-group-error=move || error.with(Option::is_some)>
            <fieldset aria-describedby=move || described_by(&describe_id, has_hint, error.get())>
                <legend>{legend}</legend>
                <Hint id=id.clone() hint=hint />
                <InlineError id=id.clone() error=error />
                {options
                    .into_iter()
                    .enumerate()
                    .map(|(i, (code, text))| {
                        let radio_id = if i == 0 { group_id.clone() } else { format!("{group_id}-{i}") };
                        let checked_code = code.clone();
                        let change_code = code.clone();
                        view! {
                            <div class="choice">
                                <input
                                    type="radio"
                                    id=radio_id.clone()
                                    name=group_id.clone()
                                    value=code
                                    prop:checked=move || value.with(|v| *v == checked_code)
                                    on:change=move |_| value.set(change_code.clone())
                                />
                                <label for=radio_id>{text}</label>
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
        </div>
    }
}

/// One labelled checkbox.
#[component]
pub fn Checkbox(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    checked: RwSignal<bool>,
) -> impl IntoView {
    view! {
        <div class="form-group">
            <div class="choice">
                <input type="checkbox" id=id.clone() bind:checked=checked />
                <label for=id>{label}</label>
            </div>
        </div>
    }
}
