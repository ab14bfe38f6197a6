//! Form fields with labels above, hints, inline errors and the error summary.

use crate::api::{ApiError, ErrorCode};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::date_input::{iso, parse_date_input, split_iso, DateInputError, DatePart};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
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
    /// The form's date inputs, checked whenever the form reports its problems.
    dates: StoredValue<Vec<DateCheck>>,
}

/// A date input as its form checks it: the three fields as typed, and which of them to
/// highlight after the last check (`None`: all of them, for a problem with the whole date).
#[derive(Clone)]
struct DateCheck {
    key: u64,
    id: String,
    label: String,
    /// The message when all three are blank; a date without one is optional.
    missing: Option<String>,
    fields: [RwSignal<String>; 3],
    wrong: RwSignal<Option<Vec<DatePart>>>,
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
            dates: StoredValue::new(Vec::new()),
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

    /// Sets the one problem of a field: replaces the one already found for it (in its
    /// place in the list) or adds it.
    fn set(&self, id: &str, text: String) {
        self.fields
            .update(|f| match f.iter_mut().find(|e| e.id == id) {
                Some(e) => e.text = text,
                None => f.push(FieldError {
                    id: id.to_string(),
                    text,
                }),
            });
    }

    /// Checks the form's date inputs: a date typed wrongly (or left blank when required)
    /// takes the GOV.UK message, in place of any the page found for the same field. Whether
    /// one was found.
    fn check_dates(&self) -> bool {
        let mut found = false;
        for date in self.dates.try_get_value().unwrap_or_default() {
            let [day, month, year] = date
                .fields
                .map(|f| f.try_get_untracked().unwrap_or_default());
            match parse_date_input(&day, &month, &year, date.missing.is_some()) {
                Ok(_) => {
                    date.wrong.try_set(None);
                }
                Err(problem) => {
                    let text = match (&problem, &date.missing) {
                        (DateInputError::Blank, Some(missing)) => missing.clone(),
                        _ => problem.message(&date.label),
                    };
                    date.wrong.try_set(Some(problem.parts()));
                    self.set(&date.id, text);
                    found = true;
                }
            }
        }
        found
    }

    /// Where the error summary's link for a field leads: a date input's day field.
    fn target(&self, id: &str) -> String {
        let is_date = self
            .dates
            .try_with_value(|d| d.iter().any(|c| c.id == id))
            .unwrap_or(false);
        if is_date {
            format!("{id}-day")
        } else {
            id.to_string()
        }
    }

    /// After the checks made before sending (its date inputs are checked here): whether
    /// they found problems, and if so shows the summary.
    pub fn report_found(&self) -> bool {
        self.check_dates();
        let found = self.fields.with_untracked(|f| !f.is_empty());
        if found {
            self.fail();
        }
        found
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

/// A form's problems and whether its request is on the way. A submit handler calls
/// [`begin`](Self::begin), makes its own checks, then [`send`](Self::send)s.
#[derive(Clone, Copy)]
pub struct FormSubmit {
    pub errors: FormErrors,
    pub pending: RwSignal<bool>,
}

impl Default for FormSubmit {
    fn default() -> Self {
        Self::new()
    }
}

impl FormSubmit {
    pub fn new() -> Self {
        Self {
            errors: FormErrors::new(),
            pending: RwSignal::new(false),
        }
    }

    /// Stops the browser's own submit and clears the last attempt's problems; false (do
    /// nothing) while an earlier submit is still being sent.
    pub fn begin(&self, ev: &SubmitEvent) -> bool {
        ev.prevent_default();
        if self.pending.get_untracked() {
            return false;
        }
        self.errors.clear();
        true
    }

    /// Runs `request` with the form pending, then hands its data to `done` or shows what the
    /// server refused (`describe` as in [`FormErrors::show`]).
    pub fn send<T: 'static>(
        &self,
        request: impl Future<Output = Result<T, ApiError>> + 'static,
        describe: impl Fn(&str) -> (String, String) + 'static,
        done: impl FnOnce(T) + 'static,
    ) {
        let Self { errors, pending } = *self;
        // A date typed wrongly stops it here (the page's own checks came before).
        if errors.check_dates() {
            errors.fail();
            return;
        }
        pending.set(true);
        spawn_local(async move {
            let result = request.await;
            pending.set(false);
            match result {
                Ok(data) => done(data),
                Err(e) => errors.show(e, describe),
            }
        });
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

/// "Change" on an item of a list whose one form makes or changes items: puts `item` into
/// `editing` (the form rebuilds from it) and moves focus to the form's heading. `what`
/// finishes the button's name for screen readers ("Change the list Schools").
#[component]
pub fn ChangeButton<T>(
    editing: RwSignal<Option<T>>,
    item: T,
    form_heading: &'static str,
    #[prop(into)] what: String,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
{
    view! {
        <button type="button" class="button button-secondary" on:click=move |_| {
            editing.set(Some(item.clone()));
            request_animation_frame(move || focus_by_id(form_heading));
        }>
            "Change" <span class="visually-hidden">{format!(" {what}")}</span>
        </button>
    }
}

/// Moves focus to the element with this id (and scrolls it into view); for a date input,
/// to its day field.
pub fn focus_by_id(id: &str) {
    let doc = document();
    if let Some(el) = doc
        .get_element_by_id(&format!("{id}-day"))
        .or_else(|| doc.get_element_by_id(id))
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
                if let Some(el) = node.try_get_untracked().flatten() {
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
                                let target = errors.target(&e.id);
                                let href = format!("#{target}");
                                view! {
                                    <li>
                                        <a
                                            href=href
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

/// What a field's wrapper and its control share: the id, the inline error and whether a
/// hint is shown (both are named by `aria-describedby`).
#[derive(Clone)]
pub(crate) struct FieldState {
    id: String,
    error: Signal<Option<String>>,
    has_hint: bool,
}

impl FieldState {
    pub(crate) fn new(id: &str, errors: FormErrors, hint: &Option<String>) -> Self {
        Self {
            id: id.to_string(),
            error: errors.message(id),
            has_hint: hint.is_some(),
        }
    }

    /// `aria-describedby`: the hint and the inline error, when shown.
    pub(crate) fn described_by(&self) -> impl Fn() -> Option<String> + Send + Sync + 'static {
        let Self {
            id,
            error,
            has_hint,
        } = self.clone();
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(format!("{id}-hint"));
            }
            if error.with(Option::is_some) {
                ids.push(format!("{id}-error"));
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    }

    /// `aria-invalid`, set while the field has an error.
    pub(crate) fn invalid(
        &self,
    ) -> impl Fn() -> Option<&'static str> + Copy + Send + Sync + 'static {
        let error = self.error;
        move || error.with(Option::is_some).then_some("true")
    }
}

/// The wrapper every field shares: the form group (marked while in error), its label (or,
/// for a group of choices, a fieldset and legend), the hint and the inline error, then the
/// control itself.
#[component]
pub(crate) fn FormGroup(
    field: FieldState,
    label: String,
    hint: Option<String>,
    /// A fieldset with a legend instead of a label (for groups of choices).
    #[prop(optional)]
    fieldset: bool,
    children: Children,
) -> impl IntoView {
    let FieldState { id, error, .. } = field.clone();
    let notes = view! {
        <Hint id=id.clone() hint=hint />
        <InlineError id=id.clone() error=error />
    };
    let body = if fieldset {
        view! {
            <fieldset aria-describedby=field.described_by()>
                <legend>{label}</legend>
                {notes}
                {children()}
            </fieldset>
        }
        .into_any()
    } else {
        view! {
            <label class="label" for=id>
                {label}
            </label>
            {notes}
            {children()}
        }
        .into_any()
    };
    view! {
        <div class="form-group" class:form-group-error=move || error.with(Option::is_some)>
            {body}
        </div>
    }
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

/// A labelled single-line input (`text`, `email`, `password`, `number`); a date is a
/// [`DateInput`].
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
    /// The id of a `<datalist>` of suggestions.
    #[prop(optional, into)]
    list: Option<String>,
) -> impl IntoView {
    let field = FieldState::new(&id, errors, &hint);
    let class = if short { "input input-short" } else { "input" };
    view! {
        <FormGroup field=field.clone() label=label hint=hint>
            <input
                class=class
                id=id.clone()
                name=id
                type=input_type
                autocomplete=autocomplete
                list=list
                spellcheck="false"
                aria-describedby=field.described_by()
                aria-invalid=field.invalid()
                bind:value=value
            />
        </FormGroup>
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
    let field = FieldState::new(&id, errors, &hint);
    view! {
        <FormGroup field=field.clone() label=label hint=hint>
            <textarea
                class="textarea"
                id=id.clone()
                name=id
                rows=rows
                aria-describedby=field.described_by()
                aria-invalid=field.invalid()
                bind:value=value
            ></textarea>
        </FormGroup>
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
    let field = FieldState::new(&id, errors, &hint);
    view! {
        <FormGroup field=field.clone() label=label hint=hint>
            <select
                class="select"
                id=id.clone()
                name=id
                aria-describedby=field.described_by()
                aria-invalid=field.invalid()
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
        </FormGroup>
    }
}

/// One checkbox or radio button with its label after it.
#[component]
fn Choice(
    input_type: &'static str,
    id: String,
    /// The radio group's name.
    #[prop(optional_no_strip)]
    name: Option<String>,
    #[prop(optional_no_strip)] value: Option<String>,
    label: String,
    #[prop(into)] checked: Signal<bool>,
    /// Called with whether the box is now checked.
    #[prop(into)]
    on_change: Callback<bool>,
) -> impl IntoView {
    view! {
        <div class="choice">
            <input
                type=input_type
                id=id.clone()
                name=name
                value=value
                prop:checked=checked
                on:change=move |ev| on_change.run(event_target_checked(&ev))
            />
            <label for=id>{label}</label>
        </div>
    }
}

/// The boxes of a group of choices, one an option. The first carries the group's id so the
/// error summary can move focus to it; radio buttons also share it as their name.
fn choices(
    id: &str,
    input_type: &'static str,
    options: Vec<(String, String)>,
    is_checked: impl Fn(&str) -> bool + Clone + Send + Sync + 'static,
    on_change: impl Fn(&str, bool) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let name = (input_type == "radio").then(|| id.to_string());
    options
        .into_iter()
        .enumerate()
        .map(|(i, (code, text))| {
            let box_id = if i == 0 {
                id.to_string()
            } else {
                format!("{id}-{i}")
            };
            let is_checked = is_checked.clone();
            let on_change = on_change.clone();
            let checked_code = code.clone();
            let change_code = code.clone();
            view! {
                <Choice
                    input_type=input_type
                    id=box_id
                    name=name.clone()
                    value=Some(code)
                    label=text
                    checked=Signal::derive(move || is_checked(&checked_code))
                    on_change=move |on| on_change(&change_code, on)
                />
            }
        })
        .collect_view()
}

/// A fieldset of checkboxes that edits a list of chosen values.
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
    let field = FieldState::new(&id, errors, &hint);
    let boxes = choices(
        &id,
        "checkbox",
        options,
        move |code| selected.with(|s| s.iter().any(|c| c == code)),
        move |code, on| {
            selected.update(|s| {
                s.retain(|c| c != code);
                if on {
                    s.push(code.to_string());
                }
            })
        },
    );
    view! {
        <FormGroup field=field label=legend hint=hint fieldset=true>
            <div class:choices-columns=columns>{boxes}</div>
        </FormGroup>
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
    let field = FieldState::new(&id, errors, &hint);
    let buttons = choices(
        &id,
        "radio",
        options,
        move |code| value.with(|v| v == code),
        move |code, _| value.set(code.to_string()),
    );
    view! {
        <FormGroup field=field label=legend hint=hint fieldset=true>
            {buttons}
        </FormGroup>
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
            <Choice input_type="checkbox" id=id label=label checked=checked on_change=move |on| checked.set(on) />
        </div>
    }
}

/// The example every date input's hint ends with.
const DATE_EXAMPLE: &str = "For example, 27 3 2025";

static NEXT_DATE_KEY: AtomicU64 = AtomicU64::new(0);

/// A date typed as day, month and year (the GOV.UK date input): a fieldset whose legend is
/// the label, a hint with an example, then three labelled number fields `{id}-day`,
/// `{id}-month` and `{id}-year`. `value` is the date as `YYYY-MM-DD` while the fields hold a
/// real date, and empty once all three are cleared; a date typed wrongly leaves it as it was
/// and is reported when the form reports its problems (only the wrong fields highlighted).
#[component]
pub fn DateInput(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    errors: FormErrors,
    /// Said before the example ("At most a year from today.").
    #[prop(optional, into)]
    hint: Option<String>,
    /// The message when all three fields are blank; without one the date is optional.
    #[prop(optional, into)]
    missing: Option<String>,
) -> impl IntoView {
    let hint = Some(match hint {
        Some(h) => format!("{h} {DATE_EXAMPLE}"),
        None => DATE_EXAMPLE.to_string(),
    });
    let field = FieldState::new(&id, errors, &hint);
    let fields = split_iso(&value.get_untracked()).map(RwSignal::new);
    let wrong = RwSignal::new(None::<Vec<DatePart>>);
    let key = NEXT_DATE_KEY.fetch_add(1, Ordering::Relaxed);
    errors.dates.update_value(|d| {
        d.push(DateCheck {
            key,
            id: id.clone(),
            label: label.clone(),
            missing,
            fields,
            wrong,
        })
    });
    on_cleanup(move || {
        errors
            .dates
            .try_update_value(|d| d.retain(|c| c.key != key));
    });
    // What the fields say: a date, none (all blank) or a problem.
    let typed = move || {
        let [day, month, year] = fields.map(|f| f.get_untracked());
        parse_date_input(&day, &month, &year, false).map(|d| d.map(iso).unwrap_or_default())
    };
    // A value set from outside (cleared after saving, filters cleared) shows in the fields.
    Effect::new(move |_| {
        let current = value.get();
        if typed().ok().as_ref() != Some(&current) {
            for (f, text) in fields.iter().zip(split_iso(&current)) {
                f.set(text);
            }
        }
    });
    let changed = move || {
        if let Ok(date) = typed() {
            if value.with_untracked(|v| *v != date) {
                value.set(date);
            }
        }
    };
    let error = field.error;
    let items = DatePart::ALL
        .into_iter()
        .zip(fields)
        .map(|(part, text)| {
            let input_id = format!("{id}-{}", part.word());
            let (name, width) = match part {
                DatePart::Day => ("Day", "input-width-2"),
                DatePart::Month => ("Month", "input-width-2"),
                DatePart::Year => ("Year", "input-width-4"),
            };
            let in_error = move || {
                error.with(Option::is_some)
                    && wrong.with(|w| w.as_ref().is_none_or(|parts| parts.contains(&part)))
            };
            view! {
                <div class="date-input-item">
                    <label class="label date-input-label" for=input_id.clone()>
                        {name}
                    </label>
                    <input
                        class=format!("input date-input-input {width}")
                        class:input-error=in_error
                        id=input_id.clone()
                        name=input_id
                        type="text"
                        inputmode="numeric"
                        spellcheck="false"
                        autocomplete="off"
                        aria-invalid=move || in_error().then_some("true")
                        prop:value=text
                        on:input=move |ev| {
                            text.set(event_target_value(&ev));
                            changed();
                        }
                    />
                </div>
            }
        })
        .collect_view();
    view! {
        <FormGroup field=field label=label hint=hint fieldset=true>
            <div class="date-input" id=id>
                {items}
            </div>
        </FormGroup>
    }
}
