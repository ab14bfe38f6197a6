//! The review's glossary, for the business office and lead reviewers: real names and
//! identifiers with what replaces them in the anonymised chronology and in exports.

use super::{use_ctx, Notice};
use crate::api;
use crate::components::{focus_by_id, DataTable, ErrorSummary, FormSubmit, TextField};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone)]
struct Term {
    id: String,
    real: String,
    replacement: String,
}

#[component]
pub fn GlossarySection() -> impl IntoView {
    let ctx = use_ctx();
    let terms = RwSignal::new(Vec::<Term>::new());
    let notice = RwSignal::new(None::<String>);
    let load = move || async move {
        let variables = api::glossary::Variables {
            id: ctx.review_id.get_value(),
        };
        if let Ok(d) = api::send::<api::Glossary>(variables).await {
            let list = d["review"]["glossary"]
                .as_array()
                .map(|l| {
                    l.iter()
                        .map(|t| Term {
                            id: t["id"].as_str().unwrap_or_default().into(),
                            real: t["realText"].as_str().unwrap_or_default().into(),
                            replacement: t["replacement"].as_str().unwrap_or_default().into(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            terms.set(list);
        }
    };
    spawn_local(load());
    let after_change = move |text: String| {
        spawn_local(async move {
            load().await;
            // Also re-reads the anonymisation suspects, which the glossary changes.
            ctx.reload().await;
            notice.set(Some(text));
        });
    };
    let remove = move |id: String, real: String| {
        spawn_local(async move {
            let variables = api::remove_glossary_term::Variables { id };
            match api::send::<api::RemoveGlossaryTerm>(variables).await {
                Ok(_) => {
                    after_change(format!("“{real}” removed from the glossary."));
                    focus_by_id("glossary-title");
                }
                Err(e) => notice.set(Some(e.explain())),
            }
        });
    };
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let real = RwSignal::new(String::new());
    let replacement = RwSignal::new(String::new());
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        if real.with_untracked(|t| t.trim().is_empty()) {
            errors.push("realText", "Enter the real name or identifier");
        }
        if replacement.with_untracked(|t| t.trim().is_empty()) {
            errors.push("replacement", "Enter what replaces it, for example Child A");
        }
        if errors.report_found() {
            return;
        }
        let variables = api::add_glossary_term::Variables {
            review_id: ctx.review_id.get_value(),
            input: api::add_glossary_term::GlossaryTermInput {
                real_text: real.get_untracked(),
                replacement: replacement.get_untracked(),
            },
        };
        form.send(
            api::send::<api::AddGlossaryTerm>(variables),
            |f| {
                let f = f.rsplit('.').next().unwrap_or(f);
                let label = if f == "replacement" {
                    "Replacement"
                } else {
                    "Real name or identifier"
                };
                (f.to_string(), label.to_string())
            },
            move |_| {
                let added = format!("“{}” added to the glossary.", real.get_untracked().trim());
                real.set(String::new());
                replacement.set(String::new());
                after_change(added);
                focus_by_id("realText");
            },
        );
    };
    view! {
        <section class="row-card" aria-labelledby="glossary-title">
            <h3 id="glossary-title" tabindex="-1">"Glossary"</h3>
            <p class="hint">
                "Real names and identifiers, and what replaces them in the anonymised chronology and in exports. Only the business office and lead reviewers see this list."
            </p>
            <Notice text=notice />
            {move || {
                let list = terms.get();
                if list.is_empty() {
                    return view! { <p>"No terms yet."</p> }.into_any();
                }
                view! {
                    <DataTable caption="Glossary terms" columns=&["Real name or identifier", "Replaced by", "Action"] focusable=true>
                        {list
                            .into_iter()
                            .map(|t| {
                                let (id, name) = (t.id.clone(), t.real.clone());
                                view! {
                                    <tr>
                                        <td>{t.real.clone()}</td>
                                        <td>{t.replacement}</td>
                                        <td>
                                            <button type="button" class="link-button" on:click=move |_| remove(id.clone(), name.clone())>
                                                "Remove"<span class="visually-hidden">{format!(" {}", t.real)}</span>
                                            </button>
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </DataTable>
                }
                    .into_any()
            }}
            <form on:submit=submit novalidate=true aria-label="Add a glossary term">
                <ErrorSummary errors=errors />
                <TextField id="realText" label="Real name or identifier" hint="For example a child's or parent's name, an address or an NHS number." value=real errors=errors />
                <TextField id="replacement" label="Replaced by" hint="For example Child A, Mother, [address]." value=replacement errors=errors short=true />
                <button type="submit" class="button" disabled=move || pending.get()>"Add to the glossary"</button>
            </form>
        </section>
    }
}
