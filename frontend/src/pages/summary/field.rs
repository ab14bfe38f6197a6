//! One field of the learning summary: its text shown as it will read, and for its authors
//! (while a draft) a Markdown editor with a live preview, opened one field at a time and
//! saved with a version check; its comments; and its saved versions with the changes
//! between two of them. Text not yet saved is kept in the tab (see [`crate::unsaved`]) and
//! marked "Not saved" while its editor is closed.

use super::{is_conflict, SummaryContext};
use crate::api::data::{DiffData, SummaryFieldData};
use crate::api::{self, enum_from};
use crate::components::{format_date_time, ErrorSummary, FormErrors, FormSubmit, TextArea};
use crate::unsaved::{self, Drafts};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

/// How long typing pauses before the preview is redrawn.
const PREVIEW_AFTER: Duration = Duration::from_millis(350);

#[component]
pub fn FieldEditor(
    ctx: SummaryContext,
    summary_id: String,
    field: SummaryFieldData,
    editable: bool,
) -> impl IntoView {
    let summary = StoredValue::new(summary_id);
    let code = StoredValue::new(field.field.clone());
    let key = field.key.clone();
    let section_id = format!("field-{key}");
    let title_id = format!("field-{key}-title");
    let text_id = format!("summary-{key}");
    let text_key = StoredValue::new(text_id.clone());
    let conflict_key = StoredValue::new(format!("field-{key}-conflict"));
    // Unsaved text survives the page re-reading the summary, and a reload of the tab, with
    // the version it was written on (so a save after someone else's still meets the version
    // check).
    let place = StoredValue::new(format!("{}:{key}", summary.get_value()));
    let draft = ctx
        .drafts
        .with_value(|d| d.get(&key).cloned())
        .or_else(|| Drafts::read(&place.get_value()).filter(|(t, _)| *t != field.text));
    let (start_text, start_version) = draft.unwrap_or_else(|| (field.text.clone(), field.version));
    let text = RwSignal::new(start_text);
    let version = RwSignal::new(start_version);
    let saved_text = StoredValue::new(field.text.clone());
    let draft_key = StoredValue::new(key.clone());
    Effect::new(move |_| {
        let (now, base) = (text.get(), version.get());
        let key = draft_key.get_value();
        let place = place.get_value();
        ctx.drafts.update_value(|d| {
            if saved_text.with_value(|s| *s == now) {
                d.remove(&key);
                Drafts::forget(&place);
            } else {
                Drafts::write(&place, &now, base);
                d.insert(key, (now, base));
            }
        });
    });
    let not_saved = Memo::new(move |_| {
        let now = text.get();
        saved_text.try_with_value(|s| *s != now).unwrap_or(false)
    });
    unsaved::track(move || not_saved.try_get_untracked() == Some(true));
    let open = Memo::new({
        let key = key.clone();
        move |_| ctx.editing.with(|e| e.as_deref() == Some(key.as_str()))
    });
    let preview = RwSignal::new(field.html.clone());
    let conflict = RwSignal::new(None::<(String, String, String)>);
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;

    // Live preview: redrawn by the server's sanitiser once typing pauses.
    let typed = RwSignal::new(0_u32);
    let schedule_preview = move || {
        typed.update(|n| *n += 1);
        let ticket = typed.get_untracked();
        set_timeout(
            move || {
                // The page may have been left meanwhile: then there is nothing to redraw.
                if typed.try_get_untracked() != Some(ticket) {
                    return;
                }
                let Some(text) = text.try_get_untracked() else {
                    return;
                };
                let variables = api::preview_markdown::Variables { text };
                spawn_local(async move {
                    if let Ok(d) = api::send_quietly::<api::PreviewMarkdown>(variables).await {
                        preview.set(
                            d["previewMarkdown"]
                                .as_str()
                                .unwrap_or_default()
                                .to_string(),
                        );
                    }
                });
            },
            PREVIEW_AFTER,
        );
    };
    Effect::new(move |previous: Option<String>| {
        let now = text.get();
        if previous.is_some_and(|p| p != now) {
            schedule_preview();
        }
        now
    });

    let label = field.label.clone();
    let save = move || {
        let variables = api::save_summary_field::Variables {
            summary_id: summary.get_value(),
            field: enum_from(&code.get_value()),
            text: text.get_untracked(),
            expected_version: version.get_untracked(),
        };
        let label = label.clone();
        // Read now: the answer may arrive after this field has left the page.
        let (key, place) = (draft_key.get_value(), place.get_value());
        let (text_id, conflict_id) = (text_key.get_value(), conflict_key.get_value());
        pending.set(true);
        spawn_local(async move {
            let result = api::send::<api::SaveSummaryField>(variables).await;
            pending.set(false);
            match result {
                Ok(d) => {
                    let saved = &d["saveSummaryField"];
                    saved_text.set_value(saved["text"].as_str().unwrap_or_default().to_string());
                    version.set(saved["version"].as_i64().unwrap_or_default());
                    conflict.set(None);
                    ctx.drafts.update_value(|d| {
                        d.remove(&key);
                    });
                    Drafts::forget(&place);
                    ctx.editing.update(|e| {
                        if e.as_deref() == Some(key.as_str()) {
                            *e = None;
                        }
                    });
                    ctx.notice.set(Some(format!("Saved: {label}.")));
                    ctx.reload_then_focus(format!("field-{key}"));
                }
                Err(e) if is_conflict(&e) => match e.current.clone() {
                    Some(theirs) => {
                        version.set(theirs["version"].as_i64().unwrap_or_default());
                        conflict.set(Some((
                            theirs["text"].as_str().unwrap_or_default().to_string(),
                            theirs["updatedByName"]
                                .as_str()
                                .unwrap_or("someone")
                                .to_string(),
                            theirs["submittedText"]
                                .as_str()
                                .unwrap_or_default()
                                .to_string(),
                        )));
                        request_animation_frame(move || {
                            crate::components::focus_by_id(&conflict_id)
                        });
                    }
                    None => errors.show(e, |_| (String::new(), String::new())),
                },
                Err(e) => {
                    errors.show(e, move |_| (text_id.clone(), "The text".into()));
                }
            }
        });
    };
    let save_again = save.clone();
    let submit = move |ev: SubmitEvent| {
        if form.begin(&ev) {
            save();
        }
    };
    let conflict_id = conflict_key.get_value();
    let clash = move || {
        conflict.get().map(|(theirs, who, mine)| {
            let save_again = save_again.clone();
            let theirs_kept = theirs.clone();
            let merged = format!("{mine}\n\n{theirs}");
            view! {
                <div class="notice conflict">
                    <h4 id=conflict_id.clone() tabindex="-1">
                        {format!("{who} saved this field while you were writing")}
                    </h4>
                    <div class="compare">
                        <div>
                            <h5>"Your text"</h5>
                            <pre class="pre">{mine.clone()}</pre>
                        </div>
                        <div>
                            <h5>"Saved text"</h5>
                            <pre class="pre">{theirs.clone()}</pre>
                        </div>
                    </div>
                    <div class="button-group">
                        <button type="button" class="button" on:click=move |_| save_again()>
                            "Keep my text"
                        </button>
                        <button type="button" class="button button-secondary" on:click=move |_| {
                            text.set(theirs_kept.clone());
                            conflict.set(None);
                        }>
                            "Use the saved text"
                        </button>
                        <button type="button" class="button button-secondary" on:click=move |_| {
                            text.set(merged.clone());
                            conflict.set(None);
                        }>
                            "Merge both, then edit"
                        </button>
                    </div>
                </div>
            }
        })
    };

    let saved_by = match (&field.updated_by_name, &field.updated_at) {
        (Some(who), Some(at)) => format!(
            "Version {}, saved by {who} on {}.",
            field.version,
            format_date_time(at)
        ),
        _ => "Not saved yet.".to_string(),
    };
    let shown = field.html.clone();
    let written = !field.text.trim().is_empty();
    let as_read = move || {
        if written {
            view! { <div class="markdown" inner_html=shown.clone()></div> }.into_any()
        } else {
            view! { <p class="hint">"Not written."</p> }.into_any()
        }
    };
    let body = if editable {
        let preview_id = format!("field-{key}-preview");
        let editor_key = key.clone();
        let name = short(&field.label);
        let label = field.label.clone();
        let text_id = text_id.clone();
        let title_id = title_id.clone();
        let clash = StoredValue::new_local(clash);
        let submit = StoredValue::new_local(submit);
        let as_read = StoredValue::new_local(as_read);
        let edit = move |_| {
            ctx.editing.set(Some(editor_key.clone()));
            let id = text_key.get_value();
            request_animation_frame(move || crate::components::focus_by_id(&id));
        };
        let close = {
            let key = key.clone();
            move |_| {
                ctx.editing.set(None);
                let id = format!("field-{key}");
                request_animation_frame(move || crate::components::focus_by_id(&id));
            }
        };
        view! {
            {move || if open.get() {
                view! {
                    <form on:submit=move |ev| submit.with_value(|s| s(ev)) novalidate=true aria-labelledby=title_id.clone()>
                        <ErrorSummary errors=errors />
                        {clash.with_value(|c| c.clone())}
                        <div class="editor">
                            <TextArea id=text_id.clone() label=format!("{label} (Markdown)") value=text errors=errors rows=8 />
                            <div class="preview" role="region" aria-label=format!("Preview: {label}") id=preview_id.clone()>
                                <p class="preview-label" aria-hidden="true">"Preview"</p>
                                <div class="markdown" inner_html=move || preview.get()></div>
                            </div>
                        </div>
                        <div class="button-group">
                            <button type="submit" class="button" disabled=move || pending.get()>
                                {format!("Save “{name}”")}
                            </button>
                            <button type="button" class="button button-secondary" on:click=close.clone()>
                                "Close the editor"
                            </button>
                        </div>
                    </form>
                }
                .into_any()
            } else {
                let edit = edit.clone();
                let name = name.clone();
                view! {
                    {move || not_saved.get().then(|| view! {
                        <p class="notice notice-unsaved">
                            <strong class="tag tag-due-soon">"Not saved"</strong>
                            " Your changes to this part are kept in this browser tab until you save them."
                        </p>
                    })}
                    {as_read.with_value(|r| r())}
                    <button type="button" class="button button-secondary" on:click=edit>
                        {move || if not_saved.get() {
                            format!("Go on editing “{name}”")
                        } else {
                            format!("Edit “{name}”")
                        }}
                    </button>
                }
                .into_any()
            }}
        }
        .into_any()
    } else {
        as_read().into_any()
    };
    view! {
        <section class="row-card summary-field" id=section_id tabindex="-1" aria-labelledby=title_id.clone()>
            <h3 id=title_id.clone()>{field.label.clone()}</h3>
            <p class="caption">{saved_by}</p>
            {body}
            <Comments ctx=ctx summary_id=summary.get_value() field=field.clone() />
            <History summary_id=summary.get_value() field=field />
        </section>
    }
}

/// The start of a long label, for a button.
fn short(label: &str) -> String {
    label.split(" (").next().unwrap_or(label).to_string()
}

#[component]
fn Comments(ctx: SummaryContext, summary_id: String, field: SummaryFieldData) -> impl IntoView {
    let summary = StoredValue::new(summary_id);
    let code = StoredValue::new(field.field.clone());
    let text = RwSignal::new(String::new());
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let input_id = format!("comment-{}", field.key);
    let comment_key = StoredValue::new(field.key.clone());
    unsaved::track_typed(text);
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        let focus = format!("field-{}", comment_key.get_value());
        let variables = api::comment_on_summary_field::Variables {
            summary_id: summary.get_value(),
            field: enum_from(&code.get_value()),
            text: text.get_untracked(),
        };
        form.send(
            api::send::<api::CommentOnSummaryField>(variables),
            // The only input is the comment itself (its problem shows in the summary).
            |_| (String::new(), "Comment:".into()),
            move |_| {
                text.set(String::new());
                ctx.notice.set(Some("Comment added.".into()));
                ctx.reload_then_focus(focus.clone());
            },
        );
    };
    let n = field.comments.len();
    let list = field
        .comments
        .into_iter()
        .map(|c| {
            view! {
                <li>
                    <p class="caption">{format!("{} on {}", c.author_name, format_date_time(&c.at))}</p>
                    <p class="pre">{c.text}</p>
                </li>
            }
        })
        .collect_view();
    let label = format!("Comment on “{}”", short(&field.label));
    view! {
        <details class="comments">
            <summary>{format!("Comments ({n})")}</summary>
            <ul class="comment-list">{list}</ul>
            <form on:submit=submit novalidate=true>
                <ErrorSummary errors=errors />
                <TextArea id=input_id label=label value=text errors=errors rows=2 />
                <button type="submit" class="button button-secondary" disabled=move || pending.get()>
                    "Add comment"
                </button>
            </form>
        </details>
    }
}

#[component]
fn History(summary_id: String, field: SummaryFieldData) -> impl IntoView {
    let summary = StoredValue::new(summary_id);
    let code = StoredValue::new(field.field.clone());
    let versions = field.history.clone();
    let latest = versions.iter().map(|v| v.version).max().unwrap_or(0);
    let from = RwSignal::new(latest.saturating_sub(1).to_string());
    let to = RwSignal::new(latest.to_string());
    let lines = RwSignal::new(None::<Vec<crate::api::data::DiffLineData>>);
    let errors = FormErrors::new();
    let compare = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (Ok(a), Ok(b)) = (from.get_untracked().parse(), to.get_untracked().parse()) else {
            return;
        };
        let variables = api::summary_field_diff::Variables {
            summary_id: summary.get_value(),
            field: enum_from(&code.get_value()),
            from_version: a,
            to_version: b,
        };
        spawn_local(async move {
            match api::fetch::<api::SummaryFieldDiff, DiffData>(variables).await {
                Ok(d) => lines.set(Some(d.lines)),
                Err(e) => errors.show(e, |_| (String::new(), String::new())),
            }
        });
    };
    let key = field.key.clone();
    let from_id = format!("diff-from-{key}");
    let to_id = format!("diff-to-{key}");
    let options = move || {
        let mut list: Vec<(String, String)> = vec![("0".into(), "Blank (before version 1)".into())];
        list.extend(versions.iter().map(|v| {
            (
                v.version.to_string(),
                format!(
                    "Version {} – {}, {}",
                    v.version,
                    v.author_name,
                    format_date_time(&v.at)
                ),
            )
        }));
        list
    };
    let opts = options();
    let opts2 = opts.clone();
    view! {
        <details class="history">
            <summary>{format!("Saved versions ({})", field.history.len())}</summary>
            {(latest > 0).then(|| view! {
                <form on:submit=compare class="diff-form">
                    <ErrorSummary errors=errors />
                    <label class="label" for=from_id.clone()>"Compare"</label>
                    <select class="select" id=from_id.clone() on:change=move |ev| from.set(event_target_value(&ev)) prop:value=move || from.get()>
                        {opts.into_iter().map(|(v, t)| view! { <option value=v>{t}</option> }).collect_view()}
                    </select>
                    <label class="label" for=to_id.clone()>"with"</label>
                    <select class="select" id=to_id.clone() on:change=move |ev| to.set(event_target_value(&ev)) prop:value=move || to.get()>
                        {opts2.into_iter().map(|(v, t)| view! { <option value=v>{t}</option> }).collect_view()}
                    </select>
                    <button type="submit" class="button button-secondary button-small">"Show the changes"</button>
                </form>
            })}
            {move || lines.get().map(|lines| view! {
                <ol class="diff" aria-label="Changes, line by line">
                    {lines.into_iter().map(|l| match l.tag.as_str() {
                        "ADDED" => view! { <li class="diff-added"><ins>{format!("+ {}", l.text)}</ins></li> }.into_any(),
                        "REMOVED" => view! { <li class="diff-removed"><del>{format!("− {}", l.text)}</del></li> }.into_any(),
                        _ => view! { <li class="diff-same">{format!("  {}", l.text)}</li> }.into_any(),
                    }).collect_view()}
                </ol>
            })}
        </details>
    }
}
