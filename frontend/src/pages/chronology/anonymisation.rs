//! Anonymisation that tells the truth: before the anonymised chronology is shown or
//! downloaded, what still looks like a personal name (or an identifier) that the glossary
//! does not replace, each with one action: add it to the glossary with its replacement, or
//! dismiss it as not a name. The anonymised download is refused while any are open.

use super::{use_ctx, Notice};
use crate::api;
use crate::components::{focus_by_id, ErrorSummary, FormSubmit, TextField};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
pub struct Suspect {
    pub text: String,
    pub kind: String,
    pub count: i64,
    pub excerpt: String,
    pub entry_reference: String,
}

/// The open suspects: `None` until loaded (or for someone who may not see them).
#[derive(Clone, Copy)]
pub struct Suspects {
    pub list: RwSignal<Option<Vec<Suspect>>>,
    pub total: RwSignal<i64>,
}

impl Suspects {
    pub fn new() -> Self {
        Self {
            list: RwSignal::new(None),
            total: RwSignal::new(0),
        }
    }

    fn apply(&self, data: &Value) {
        if data.is_null() {
            self.list.set(None);
            self.total.set(0);
            return;
        }
        let list = data["suspects"]
            .as_array()
            .map(|l| {
                l.iter()
                    .map(|s| Suspect {
                        text: s["text"].as_str().unwrap_or_default().into(),
                        kind: s["kind"].as_str().unwrap_or_default().into(),
                        count: s["count"].as_i64().unwrap_or(1),
                        excerpt: s["excerpt"].as_str().unwrap_or_default().into(),
                        entry_reference: s["entryReference"].as_str().unwrap_or_default().into(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        self.total.set(data["total"].as_i64().unwrap_or(0));
        self.list.set(Some(list));
    }

    pub async fn load(self, review_id: String) {
        let variables = api::anonymisation_suspects::Variables { id: review_id };
        if let Ok(d) = api::send::<api::AnonymisationSuspects>(variables).await {
            self.apply(&d["review"]["anonymisationSuspects"]);
        }
    }

    /// Open suspects remain.
    pub fn open(&self) -> bool {
        self.total.get() > 0
    }
}

fn kind_words(kind: &str) -> &'static str {
    match kind {
        "DATE_OF_BIRTH" => "Possible date of birth",
        "NHS_NUMBER" => "Possible NHS number",
        "POSTCODE" => "Possible postcode",
        "PHONE_NUMBER" => "Possible phone number",
        _ => "Possible name",
    }
}

fn times(n: i64) -> String {
    if n == 1 {
        "once".into()
    } else {
        format!("{n} times")
    }
}

/// The warning with each suspect and its actions (the actions for those who keep the
/// glossary: the business office and lead reviewers).
#[component]
pub fn AnonymisationWarning(suspects: Suspects) -> impl IntoView {
    let ctx = use_ctx();
    let notice = RwSignal::new(None::<String>);
    // Re-read whenever the chronology is (a change anywhere may add or clear a suspect).
    Effect::new(move |_| {
        ctx.integrated.track();
        spawn_local(suspects.load(ctx.review_id.get_value()));
    });
    let done = Callback::new(move |text: String| {
        spawn_local(async move {
            if ctx.anonymised.get_untracked() {
                ctx.reload().await;
            }
            suspects.load(ctx.review_id.get_value()).await;
            notice.set(Some(text));
            focus_by_id("anonymisation-title");
        });
    });
    view! {
        <Show when=move || suspects.list.with(Option::is_some)>
            <section class="row-card" id="anonymisation-warning" aria-labelledby="anonymisation-title">
                <h3 id="anonymisation-title" tabindex="-1">"Check the anonymisation"</h3>
                <Notice text=notice />
                {move || {
                    let total = suspects.total.get();
                    if total == 0 {
                        return view! {
                            <p>"Nothing in the chronology looks like a name or identifier that the glossary does not replace."</p>
                        }
                            .into_any();
                    }
                    let what = if total == 1 {
                        "1 possible name or identifier is".to_string()
                    } else {
                        format!("{total} possible names or identifiers are")
                    };
                    view! {
                        <div class="warning-text">
                            <span class="warning-text-icon" aria-hidden="true">"!"</span>
                            <strong class="warning-text-text">
                                <span class="visually-hidden">"Warning: "</span>
                                {format!(
                                    "The anonymised chronology may still name people: {what} not in the glossary. The anonymised download is refused until each is added to the glossary or dismissed as not a name."
                                )}
                            </strong>
                        </div>
                    }
                        .into_any()
                }}
                <ul class="suspects">
                    <For
                        each=move || {
                            suspects
                                .list
                                .get()
                                .unwrap_or_default()
                                .into_iter()
                                .enumerate()
                                .collect::<Vec<_>>()
                        }
                        key=|(i, s)| (*i, s.text.clone())
                        children=move |(i, s)| view! { <SuspectItem index=i suspect=s done=done /> }
                    />
                </ul>
            </section>
        </Show>
    }
}

#[component]
fn SuspectItem(index: usize, suspect: Suspect, done: Callback<String>) -> impl IntoView {
    let ctx = use_ctx();
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let replacement = RwSignal::new(String::new());
    let field = format!("suspect-{index}-replacement");
    let text_id = format!("suspect-{index}-text");
    let text = suspect.text.clone();
    let add = {
        let (field, text) = (field.clone(), text.clone());
        move |ev: SubmitEvent| {
            if !form.begin(&ev) {
                return;
            }
            if replacement.with_untracked(|t| t.trim().is_empty()) {
                errors.push(
                    &field,
                    format!("Enter what replaces “{text}”, for example Mother or [address]"),
                );
            }
            if errors.report_found() {
                return;
            }
            let variables = api::add_glossary_term::Variables {
                review_id: ctx.review_id.get_value(),
                input: api::add_glossary_term::GlossaryTermInput {
                    real_text: text.clone(),
                    replacement: replacement.get_untracked(),
                },
            };
            let (field, text) = (field.clone(), text.clone());
            pending.set(true);
            spawn_local(async move {
                let result = api::send::<api::AddGlossaryTerm>(variables).await;
                pending.set(false);
                match result {
                    Ok(_) => done.run(format!("“{text}” added to the glossary.")),
                    Err(e) if e.code == api::ErrorCode::Validation => {
                        for p in &e.problems {
                            let label = if p.field.ends_with("replacement") {
                                "Replaced by"
                            } else {
                                "The name"
                            };
                            errors.push(&field, format!("{label} {}", p.message));
                        }
                        if e.problems.is_empty() {
                            errors.push(&field, e.message.clone());
                        }
                        errors.fail();
                    }
                    Err(e) => errors.show_message(e.explain(), e.correlation_id.clone()),
                }
            });
        }
    };
    let dismiss = {
        let text = text.clone();
        move |_| {
            let text = text.clone();
            if pending.get_untracked() {
                return;
            }
            pending.set(true);
            spawn_local(async move {
                let variables = api::dismiss_anonymisation_suspect::Variables {
                    review_id: ctx.review_id.get_value(),
                    text: text.clone(),
                };
                let result = api::send::<api::DismissAnonymisationSuspect>(variables).await;
                pending.set(false);
                match result {
                    Ok(_) => done.run(format!("“{text}” dismissed as not a name.")),
                    Err(e) => errors.show_message(e.explain(), e.correlation_id.clone()),
                }
            });
        }
    };
    let found = format!(
        "{}, {}. In {}: “{}”",
        kind_words(&suspect.kind),
        times(suspect.count),
        if suspect.entry_reference.is_empty() {
            "an entry".to_string()
        } else {
            format!("entry {}", suspect.entry_reference)
        },
        suspect.excerpt
    );
    view! {
        <li class="suspect">
            // Not a heading: a form's error summary comes between one suspect and the next.
            <p class="suspect-text" id=text_id>
                <strong>{format!("“{}”", suspect.text)}</strong>
            </p>
            <p class="hint">{found}</p>
            <Show when=move || ctx.reviewer>
                <form on:submit=add.clone() novalidate=true aria-label=format!("Add “{}” to the glossary", text)>
                    <ErrorSummary errors=errors />
                    <TextField
                        id=field.clone()
                        label=format!("Replace “{}” with", text)
                        hint="For example Mother, Child B, [phone number]."
                        value=replacement
                        errors=errors
                        short=true
                    />
                    <div class="button-group">
                        <button
                            type="submit"
                            class="button"
                            aria-label=format!("Add to glossary: {text}")
                            disabled=move || pending.get()
                        >
                            "Add to glossary"
                        </button>
                        <button
                            type="button"
                            class="button button-secondary"
                            aria-label=format!("Not a name: {text}")
                            disabled=move || pending.get()
                            on:click=dismiss.clone()
                        >
                            "Not a name"
                        </button>
                    </div>
                </form>
            </Show>
        </li>
    }
}
