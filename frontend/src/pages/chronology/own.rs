//! The caller's agency's return: its entries, adding (by keyboard, row after row), editing
//! with conflict handling, deleting, uploading and submitting.

use super::entry::{
    check, describe, draft_from_json, draft_of, entry_input, shared_text, Draft, DraftFields,
    EntryGrid, EventTypes, Field,
};
use super::import::Import;
use super::{use_ctx, Notice, ReturnTag};
use crate::api::{self, chronology::EntryFields, ErrorCode};
use crate::components::{
    ask, focus_by_id, format_date, today_iso, AgencyPrefix, ConfirmPanel, DataTable, ErrorSummary,
    FormSubmit,
};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// When the business office asked for the return by, while it is not submitted: due soon
/// in its last week, then overdue (the rule of the home page's "What needs you").
#[component]
fn ReturnDue() -> impl IntoView {
    let ctx = use_ctx();
    move || {
        let submitted = ctx
            .own
            .with(|o| o.as_ref().is_some_and(|r| r.status == "SUBMITTED"));
        let due = ctx.returns_due.get()?;
        if submitted {
            return None;
        }
        let kind = shared::work::return_stage_of(&due, &today_iso())?;
        let class = crate::pages::notifications::urgency_class(Some(kind.urgency()));
        Some(view! {
            <p id="return-due">
                {format!("The business office asked for this return by {}. ", format_date(&due))}
                <strong class=class>{kind.label()}</strong>
            </p>
        })
    }
}

#[component]
pub fn OwnReturn() -> impl IntoView {
    let ctx = use_ctx();
    let status = Memo::new(move |_| ctx.own.with(|o| o.as_ref().map(|r| r.status.clone())));
    let editable =
        Memo::new(move |_| matches!(status.get().as_deref(), Some("DRAFT" | "REOPENED")));
    let notice = RwSignal::new(None::<String>);
    let editing = RwSignal::new(None::<EntryFields>);
    let deleting = RwSignal::new(None::<EntryFields>);
    view! {
        <Show when=move || status.with(Option::is_some)>
            <h2>"Your agency's return"</h2>
            {move || {
                ctx.own
                    .with(|o| {
                        o.as_ref()
                            .map(|r| {
                                view! {
                                    <p>
                                        <AgencyPrefix prefix=r.agency.prefix.clone() colour=r.agency.colour.clone() />
                                        " "
                                        {r.agency.name.clone()}
                                        " "
                                        <ReturnTag code=r.status.clone() />
                                    </p>
                                }
                            })
                    })
            }}
            <ReturnDue />
            <Notice text=notice />
            <ConfirmDelete deleting=deleting notice=notice />
            <Entries editable=editable editing=editing deleting=deleting />
            <Show when=move || editable.get()>
                <EventTypes />
                {move || editing.get().map(|e| view! { <EditEntry entry=e editing=editing notice=notice /> })}
                <AddEntry />
                <Import />
                <SubmitReturn notice=notice />
            </Show>
        </Show>
    }
}

/// The return's entries in chronological order.
#[component]
fn Entries(
    editable: Memo<bool>,
    editing: RwSignal<Option<EntryFields>>,
    deleting: RwSignal<Option<EntryFields>>,
) -> impl IntoView {
    let ctx = use_ctx();
    move || {
        let entries = ctx
            .own
            .with(|o| o.as_ref().map(|r| r.entries.clone()))
            .unwrap_or_default();
        let can_edit = editable.get();
        let audit = ctx.cases.with_value(|c| !c.is_empty());
        // In an audit each entry's case comes first; "Change" while the return can be
        // changed.
        const COLUMNS: [&str; 10] = [
            "Case",
            "Date",
            "Time",
            "Source",
            "Type",
            "Event",
            "Action taken",
            "Shared with",
            "Comment",
            "Change",
        ];
        let from = usize::from(!audit);
        let to = if can_edit { 10 } else { 9 };
        let columns: &'static [&'static str] = &COLUMNS[from..to];
        let case_label = move |id: &Option<String>| {
            id.as_deref()
                .and_then(|id| ctx.case_label(id))
                .unwrap_or_else(|| "None".to_string())
        };
        let caption = match entries.len() {
            1 => "1 entry".to_string(),
            n => format!("{n} entries"),
        };
        let rows = if entries.is_empty() {
            view! {
                <tr>
                    <td colspan=columns.len()>"No entries yet."</td>
                </tr>
            }
            .into_any()
        } else {
            entries
                .into_iter()
                .map(|e| {
                    let which = format!(" the entry of {} ({})", e.start_date, e.source);
                    let (edit, delete) = (e.clone(), e.clone());
                    view! {
                        <tr>
                            {audit.then(|| view! { <td>{case_label(&e.case_id)}</td> })}
                            <th scope="row">{e.start_date.clone()}</th>
                            <td>{e.start_time.clone().unwrap_or_default()}</td>
                            <td>{e.source.clone()}</td>
                            <td>{e.event_type.clone().unwrap_or_default()}</td>
                            <td class="pre">{e.event.clone()}</td>
                            <td class="pre">{e.action_taken.clone().unwrap_or_default()}</td>
                            <td>{shared_text(&e)}</td>
                            <td class="pre">{e.practitioner_comment.clone().unwrap_or_default()}</td>
                            {can_edit
                                .then(|| {
                                    view! {
                                        <td class="nowrap">
                                            <button
                                                type="button"
                                                class="link-button"
                                                on:click=move |_| {
                                                    editing.set(Some(edit.clone()));
                                                    request_animation_frame(|| focus_by_id("edit-startDate"));
                                                }
                                            >
                                                "Edit"
                                                <span class="visually-hidden">{which.clone()}</span>
                                            </button>
                                            " "
                                            <button
                                                type="button"
                                                class="link-button"
                                                on:click=move |_| {
                                                    deleting.set(Some(delete.clone()));
                                                    request_animation_frame(|| focus_by_id("confirm-delete"));
                                                }
                                            >
                                                "Delete"
                                                <span class="visually-hidden">{which}</span>
                                            </button>
                                        </td>
                                    }
                                })}
                        </tr>
                    }
                })
                .collect_view()
                .into_any()
        };
        view! {
            <DataTable caption=caption columns=columns focusable=true>
                {rows}
            </DataTable>
        }
    }
}

#[component]
fn ConfirmDelete(
    deleting: RwSignal<Option<EntryFields>>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let ctx = use_ctx();
    // The panel is open while an entry is chosen; Cancel (closing it) forgets the entry.
    let open = RwSignal::new(false);
    // (Each is set only when it differs, so the two never wake each other in a loop.)
    Effect::new(move |_| {
        let chosen = deleting.with(Option::is_some);
        if open.get_untracked() != chosen {
            open.set(chosen);
        }
    });
    Effect::new(move |_| {
        if !open.get() && deleting.with_untracked(Option::is_some) {
            deleting.set(None);
        }
    });
    let question = Signal::derive(move || {
        deleting.with(|d| {
            d.as_ref()
                .map(|e| format!("Delete the entry of {} ({})?", e.start_date, e.source))
                .unwrap_or_default()
        })
    });
    let pending = RwSignal::new(false);
    let delete = move |()| {
        let Some(e) = deleting.get_untracked() else {
            return;
        };
        pending.set(true);
        spawn_local(async move {
            let variables = api::delete_chronology_entry::Variables {
                id: e.id.clone(),
                version: e.version,
            };
            let result = api::send::<api::DeleteChronologyEntry>(variables).await;
            pending.set(false);
            deleting.set(None);
            ctx.reload().await;
            notice.set(Some(match result {
                Ok(_) => format!(
                    "The entry of {} ({}) has been deleted.",
                    e.start_date, e.source
                ),
                Err(e) => e.explain(),
            }));
        });
    };
    view! {
        <ConfirmPanel
            id="confirm-delete"
            open=open
            level=3
            question=question
            confirm="Yes, delete the entry"
            destructive=true
            pending=pending
            on_confirm=Callback::new(delete)
        >
            <p>"The entry leaves the return. Its history is kept."</p>
        </ConfirmPanel>
    }
}

/// A new entry: every field in one grid; Enter saves and starts the next row.
#[component]
fn AddEntry() -> impl IntoView {
    let ctx = use_ctx();
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let fields = DraftFields::new();
    // An empty form; in an audit it keeps the case of the entry saved last, as the next
    // entry is often about the same case.
    let blank = StoredValue::new(Draft::default());
    crate::unsaved::track(move || fields.differs_from(&blank.get_value()));
    let saved = RwSignal::new(None::<String>);
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        // The last entry's "saved" would otherwise stand beside this one's problems.
        saved.set(None);
        let draft = fields.get();
        if !check("new", &draft, errors) {
            return;
        }
        let Some(return_id) = ctx.own.with_untracked(|o| o.as_ref().map(|r| r.id.clone())) else {
            return;
        };
        let variables = api::add_chronology_entry::Variables {
            return_id,
            input: entry_input!(add_chronology_entry, &draft),
        };
        pending.set(true);
        spawn_local(async move {
            let result = api::send::<api::AddChronologyEntry>(variables).await;
            pending.set(false);
            match result {
                Ok(_) => {
                    let next = Draft {
                        case_id: draft.case_id.clone(),
                        ..Draft::default()
                    };
                    blank.set_value(next.clone());
                    fields.set(&next);
                    saved.set(Some(format!(
                        "Entry of {} saved. Type the next one.",
                        draft.start_date.trim()
                    )));
                    focus_by_id("new-startDate");
                    ctx.reload().await;
                }
                Err(e) => errors.show(e, |f| describe("new", f)),
            }
        });
    };
    view! {
        <form class="row-card" on:submit=submit novalidate=true aria-labelledby="add-entry-title">
            <h3 id="add-entry-title">"Add an entry"</h3>
            <p class="hint">"Press Enter in any field to save the entry and start the next one."</p>
            <ErrorSummary errors=errors />
            <Notice text=saved />
            <EntryGrid prefix="new" fields=fields errors=errors />
            <button type="submit" class="button" disabled=move || pending.get()>
                "Save entry"
            </button>
        </form>
    }
}

/// Editing one entry; a stale save shows both versions to choose from or merge.
#[component]
fn EditEntry(
    entry: EntryFields,
    editing: RwSignal<Option<EntryFields>>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let fields = DraftFields::new();
    let stored = draft_of(&entry);
    fields.set(&stored);
    crate::unsaved::track(move || fields.differs_from(&stored));
    let version = RwSignal::new(entry.version);
    let conflict = RwSignal::new(None::<Draft>);
    let id = StoredValue::new(entry.id.clone());
    let save = move || {
        let draft = fields.get();
        errors.clear();
        if !check("edit", &draft, errors) {
            return;
        }
        let variables = api::update_chronology_entry::Variables {
            id: id.get_value(),
            version: version.get_untracked(),
            input: entry_input!(update_chronology_entry, &draft),
        };
        pending.set(true);
        spawn_local(async move {
            let result = api::send::<api::UpdateChronologyEntry>(variables).await;
            pending.set(false);
            match result {
                Ok(_) => {
                    editing.set(None);
                    ctx.reload().await;
                    notice.set(Some("Entry saved.".into()));
                }
                Err(e) if e.code == ErrorCode::Conflict => {
                    match e.current.as_ref().and_then(draft_from_json) {
                        Some((theirs, v)) => {
                            version.set(v);
                            conflict.set(Some(theirs));
                            request_animation_frame(|| focus_by_id("conflict-title"));
                        }
                        None => errors.show(e, |f| describe("edit", f)),
                    }
                }
                Err(e) => errors.show(e, |f| describe("edit", f)),
            }
        });
    };
    let submit = move |ev: SubmitEvent| {
        if form.begin(&ev) {
            save();
        }
    };
    let take_saved = move |_| {
        editing.set(None);
        spawn_local(async move {
            ctx.reload().await;
            notice.set(Some("The saved version was kept.".into()));
        });
    };
    view! {
        <form class="row-card" on:submit=submit novalidate=true aria-labelledby="edit-entry-title">
            <h3 id="edit-entry-title">"Edit the entry"</h3>
            <ErrorSummary errors=errors />
            {move || {
                conflict
                    .get()
                    .map(|theirs| {
                        let mine = fields.get();
                        view! {
                            <div class="notice conflict">
                                <h4 id="conflict-title" tabindex="-1">
                                    "Someone else saved this entry while you were editing it"
                                </h4>
                                <div class="compare">
                                    <Version title="Your version" draft=mine />
                                    <Version title="Saved version" draft=theirs />
                                </div>
                                <div class="button-group">
                                    <button type="button" class="button" on:click=move |_| save()>
                                        "Keep my version"
                                    </button>
                                    <button type="button" class="button button-secondary" on:click=take_saved>
                                        "Use the saved version"
                                    </button>
                                    <button
                                        type="button"
                                        class="button button-secondary"
                                        on:click=move |_| {
                                            conflict.set(None);
                                            focus_by_id("edit-startDate");
                                        }
                                    >
                                        "Edit a merge"
                                    </button>
                                </div>
                            </div>
                        }
                    })
            }}
            <EntryGrid prefix="edit" fields=fields errors=errors />
            <div class="button-group">
                <button type="submit" class="button" disabled=move || pending.get()>
                    "Save changes"
                </button>
                <button type="button" class="button button-secondary" on:click=move |_| editing.set(None)>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}

/// One version of an entry, field by field.
#[component]
fn Version(title: &'static str, draft: Draft) -> impl IntoView {
    // The case by its label, in an audit; nothing of it in a case review.
    let ctx = use_ctx();
    let audit = ctx.cases.with_value(|c| !c.is_empty());
    view! {
        <div>
            <h5>{title}</h5>
            <dl class="summary-list">
                {Field::ALL
                    .into_iter()
                    .filter(|f| *f != Field::Case || audit)
                    .map(|f| {
                        let value = draft.get(f).clone();
                        let value = if f == Field::Case {
                            ctx.case_label(&value).unwrap_or(value)
                        } else {
                            value
                        };
                        view! {
                            <dt>{f.label()}</dt>
                            <dd class="pre">{if value.is_empty() { "—".to_string() } else { value }}</dd>
                        }
                    })
                    .collect_view()}
            </dl>
        </div>
    }
}

/// Submitting the return, after a confirmation.
#[component]
fn SubmitReturn(notice: RwSignal<Option<String>>) -> impl IntoView {
    let ctx = use_ctx();
    let confirming = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let entries = move || ctx.own.with(|o| o.as_ref().map_or(0, |r| r.entries.len()));
    let submit = move |()| {
        let Some(return_id) = ctx.own.with_untracked(|o| o.as_ref().map(|r| r.id.clone())) else {
            return;
        };
        pending.set(true);
        error.set(None);
        spawn_local(async move {
            let variables = api::submit_chronology_return::Variables { return_id };
            let result = api::send::<api::SubmitChronologyReturn>(variables).await;
            pending.set(false);
            match result {
                Ok(_) => {
                    confirming.set(false);
                    notice.set(Some(
                        "Return submitted. Its entries can no longer be changed unless the business office reopens it.".into(),
                    ));
                    ctx.reload().await;
                }
                Err(e) => error.set(Some(e.explain())),
            }
        });
    };
    view! {
        <h3>"Submit the return"</h3>
        <Show when=move || !confirming.get()>
            <button type="button" class="button" on:click=move |_| ask(confirming, "confirm-submit")>
                "Submit return"
            </button>
        </Show>
        <ConfirmPanel
            id="confirm-submit"
            open=confirming
            level=4
            question=Signal::derive(move || match entries() {
                1 => "Submit the return with its 1 entry?".to_string(),
                n => format!("Submit the return with its {n} entries?"),
            })
            confirm="Yes, submit the return"
            pending=pending
            error=error
            on_confirm=Callback::new(submit)
        >
            <p>
                "Once submitted, your entries can no longer be changed unless the business office reopens the return."
            </p>
        </ConfirmPanel>
    }
}
