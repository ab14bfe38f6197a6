//! One action: everything it says, its progress updates (newest first) and every saved
//! version; a progress update (owner agency, business office), the RAG set by hand
//! (business office), editing with conflict handling and referral to a committee
//! (business office, the review's lead reviewers).

use super::form::{action_input, describe_action, ActionValues, OwnedActionFields, Owner};
use super::{
    keeps_plan, leaf, open_button, overdue_tag, rag_tag, rag_words, reports_progress, status_label,
    status_tag, summary_list, takes_updates, update_author, ProgressForm, ReferForm,
};
use crate::api::data::{
    ActionDetailData, ActionMore, ActionRow, AgencyRef, PlanReview, ReviewPlanPeopleData,
};
use crate::api::{self, enum_from, ActionDetail, ApiError, ErrorCode, ReviewPlanPeople};
use crate::components::{
    focus_by_id, format_date, format_date_time, set_title, AgencyPrefix, ErrorSummary, FormSubmit,
    RadioGroup, TextArea,
};
use crate::pages::chronology::Notice;
use crate::pages::{route_id, states};
use crate::session::use_session;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use shared::actions::{ActionStatus, Rag};
use std::sync::Arc;

/// The fields of a saved version (history rows and CONFLICT answers) with their labels.
const FIELDS: [(&str, &str); 11] = [
    ("title", "Action"),
    ("ownerAgencyId", "Owner agency"),
    ("ownerPersonId", "Owner person"),
    ("targetDate", "Target date"),
    ("targetDateReason", "Why the target date had passed"),
    ("status", "Status"),
    ("ragOverride", "RAG set by hand"),
    ("ragOverrideReason", "Why the RAG was set by hand"),
    ("evidenceOfImpact", "Evidence of impact"),
    ("impactAudit", "How impact will be audited"),
    ("committeeId", "Committee"),
];

/// The fields of [`FIELDS`] that the edit form changes.
const EDITED: [usize; 6] = [0, 1, 2, 3, 4, 9];

/// Words for the ids a version names: agencies, people, committees.
type Names = Arc<Vec<(String, String)>>;

fn words(key: &str, v: &Value, names: &Names) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Null => return String::new(),
        other => other.to_string(),
    };
    match key {
        "ownerAgencyId" | "ownerPersonId" | "committeeId" => names
            .iter()
            .find(|(id, _)| *id == text)
            .map_or_else(|| "Someone not listed here".to_string(), |(_, n)| n.clone()),
        "targetDate" => format_date(&text),
        "status" => status_label(&text),
        "ragOverride" => rag_words(&text).1.to_string(),
        _ => text,
    }
}

/// Some fields of one version as a summary list; with `older`, only those that changed
/// from it, each marked.
fn version_list(
    v: &Value,
    fields: impl Iterator<Item = (&'static str, &'static str)>,
    older: Option<&Value>,
    names: &Names,
) -> AnyView {
    let rows: Vec<(&'static str, AnyView)> = fields
        .filter_map(|(key, label)| {
            let now = words(key, &v[key], names);
            let changed = older.is_some_and(|o| words(key, &o[key], names) != now);
            (changed || (older.is_none() && !now.is_empty())).then(|| {
                let now = if now.is_empty() {
                    "—".to_string()
                } else {
                    now
                };
                let value = if changed {
                    view! { {now} " " <strong class="tag tag-due">"changed"</strong> }.into_any()
                } else {
                    now.into_any()
                };
                (label, value)
            })
        })
        .collect();
    if rows.is_empty() {
        view! { <p>"No change to what the action says."</p> }.into_any()
    } else {
        summary_list(rows)
    }
}

fn change_words(change: &str) -> &str {
    match change {
        "create" => "Added",
        "update" => "Edited",
        "progress" => "Progress update",
        "rag" => "RAG set by hand",
        "refer" => "Referred to a committee",
        other => other,
    }
}

type Reload = Callback<(String, String)>;

#[component]
pub fn ActionPage() -> impl IntoView {
    set_title("Action");
    let id = route_id();
    let data = RwSignal::new(None::<Result<ActionDetailData, ApiError>>);
    let plan = RwSignal::new(None::<PlanReview>);
    let notice = RwSignal::new(None::<String>);
    let load = move |said: Option<(String, String)>| {
        spawn_local(async move {
            let variables = api::action_detail::Variables {
                id: id.get_untracked(),
            };
            let loaded = api::fetch::<ActionDetail, ActionDetailData>(variables).await;
            if let Ok(d) = &loaded {
                set_title(&format!("Action {}", d.action.reference));
                // The review's agencies and people (who keeps its plan; the edit form),
                // when the person may see the review.
                let review_id = d.action.review_id.clone();
                if plan.with_untracked(|p| p.as_ref().map(|p| &p.id) != Some(&review_id)) {
                    let variables = api::review_plan_people::Variables { id: review_id };
                    if let Ok(r) =
                        api::fetch::<ReviewPlanPeople, ReviewPlanPeopleData>(variables).await
                    {
                        plan.set(Some(r.review));
                    }
                }
            }
            data.set(Some(loaded));
            if let Some((said, focus)) = said {
                notice.set(Some(said));
                request_animation_frame(move || focus_by_id(&focus));
            }
        });
    };
    Effect::new(move |_| {
        id.track();
        data.set(None);
        load(None);
    });
    let reload = Callback::new(move |(said, focus): (String, String)| load(Some((said, focus))));
    let heading = move || {
        data.with(|d| match d {
            Some(Ok(d)) => format!("Action {}", d.action.reference),
            _ => "Action".to_string(),
        })
    };
    view! {
        <h1 tabindex="-1" id="page-title">{heading}</h1>
        <Notice text=notice />
        {move || states(data.get(), move |d| view! { <Body data=d plan=plan.get() reload=reload /> })}
    }
}

#[component]
fn Body(data: ActionDetailData, plan: Option<PlanReview>, reload: Reload) -> impl IntoView {
    let session = use_session();
    let ActionDetailData {
        action: a,
        more: m,
        agencies,
        committees,
    } = data;
    let keeper = plan.as_ref().is_some_and(|p| keeps_plan(session, p));
    let office = session.is_office();
    let status = ActionStatus::from_code(&a.status);
    let open = !status.is_some_and(ActionStatus::is_closed);
    let reporter = reports_progress(session, &a.owner_agency.id) && takes_updates(&a.status);
    let mut names: Vec<(String, String)> = agencies
        .iter()
        .map(|g| (g.id.clone(), format!("{} – {}", g.prefix, g.name)))
        .collect();
    names.extend(committees.iter().map(|c| (c.id.clone(), c.name.clone())));
    names.extend(
        a.owner_person
            .iter()
            .map(|p| (p.id.clone(), p.display_name.clone())),
    );
    if let Some(p) = &plan {
        names.extend(
            p.members
                .iter()
                .map(|m| (m.user.id.clone(), m.user.display_name.clone())),
        );
    }
    let names: Names = Arc::new(names);
    let worked_out = rag_words(&m.rag_derived).1;
    let rag_how = match (&m.rag_override, &m.rag_override_reason) {
        (Some(_), reason) if open => format!(
            "Set by hand{} (worked out from the dates: {worked_out})",
            reason
                .as_ref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        ),
        _ => "Worked out from the status and dates".to_string(),
    };
    let text = |v: &Option<String>| {
        v.clone()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| "—".into())
    };
    let committee = match &a.committee {
        Some(c) => {
            view! { <a href=format!("/committees/{}", c.id)>{c.name.clone()}</a> }.into_any()
        }
        None => "Not referred".into_any(),
    };
    let owner = view! {
        <AgencyPrefix prefix=a.owner_agency.prefix.clone() colour=a.owner_agency.colour.clone() />
        " "
        {a.owner_agency.name.clone()}
    }
    .into_any();
    let target = view! {
        {format_date(&a.target_date)}
        " "
        {overdue_tag(a.overdue)}
        {m.target_date_reason.clone().map(|r| view! { <span class="action-title">{format!("Set after it had passed: {r}")}</span> })}
    }
    .into_any();
    let rag_shown = view! {
        {rag_tag(&a.rag)}
        <span class="action-title">{rag_how}</span>
    }
    .into_any();
    let facts: Vec<(&'static str, AnyView)> = vec![
        ("Action", a.title.clone().into_any()),
        ("Review", a.review_reference.clone().into_any()),
        ("Learning point", m.learning_point_title.clone().into_any()),
        ("Recommendation", m.recommendation_text.clone().into_any()),
        (
            "Themes",
            if a.themes.is_empty() {
                "None recorded".to_string()
            } else {
                a.themes.join(", ")
            }
            .into_any(),
        ),
        ("Owner agency", owner),
        (
            "Owner person",
            a.owner_person
                .as_ref()
                .map_or("No one named".to_string(), |p| p.display_name.clone())
                .into_any(),
        ),
        ("Target date", target),
        ("Status", status_tag(&a.status)),
        ("RAG", rag_shown),
        ("Evidence of impact", text(&m.evidence_of_impact).into_any()),
        (
            "How impact will be audited",
            text(&m.impact_audit).into_any(),
        ),
        ("Committee", committee),
        ("Last changed", format_date_time(&a.updated_at).into_any()),
    ];
    let editing = RwSignal::new(false);
    let edit = (keeper && open).then(|| {
        let (a, m, plan, names) = (a.clone(), m.clone(), plan.clone(), names.clone());
        move || {
            if editing.get() {
                view! {
                    <EditAction
                        action=a.clone()
                        more=m.clone()
                        plan=plan.clone()
                        names=names.clone()
                        editing=editing
                        reload=reload
                    />
                }
                .into_any()
            } else {
                open_button(
                    "Edit the action",
                    String::new(),
                    "action-title",
                    move || editing.set(true),
                )
            }
        }
    });
    let progress = reporter.then(|| {
        view! {
            <ProgressForm
                action=a.clone()
                on_done=move |said: String| reload.run((said, "updates-title".into()))
            />
        }
    });
    let rag = (office && open).then(|| {
        view! { <RagForm id=a.id.clone() current=m.rag_override.clone() reload=reload /> }
    });
    let refer = keeper.then(|| {
        view! {
            <h2>"Committee"</h2>
            <ReferForm
                kind="ACTION"
                id=a.id.clone()
                what=format!("action {}", a.reference)
                committees=committees
                on_done=move |said: String| reload.run((said, "page-title".into()))
            />
        }
    });
    let updates = if m.updates.is_empty() {
        view! { <p>"No progress updates yet."</p> }.into_any()
    } else {
        view! {
            <ol class="plain-list history">
                {m
                    .updates
                    .iter()
                    .map(|u| {
                        let who = update_author(u);
                        view! {
                            <li>
                                <p>
                                    <strong>{format_date_time(&u.at)}</strong>
                                    {format!(", {who}. Status after: ")}
                                    {status_tag(&u.status_after)}
                                </p>
                                <p class="pre">{u.text.clone()}</p>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        }
        .into_any()
    };
    let history = m
        .history
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let who = v["changedBy"].as_str().unwrap_or("The system").to_string();
            let when = format_date_time(v["changedAt"].as_str().unwrap_or_default());
            let change = change_words(v["change"].as_str().unwrap_or_default()).to_string();
            view! {
                <li>
                    <p>
                        <strong>{format!("Version {}", v["version"].as_i64().unwrap_or_default())}</strong>
                        {format!(": {change} by {who}, {when}")}
                    </p>
                    {version_list(v, FIELDS.into_iter(), m.history.get(i + 1), &names)}
                </li>
            }
        })
        .collect_view();
    view! {
        <p class="caption">{a.title.clone()}</p>
        <p>
            <a href=format!(
                "/reviews/{}/learning",
                a.review_id,
            )>{format!("Learning and actions of {}", a.review_reference)}</a>
        </p>
        {summary_list(facts)}
        {edit}
        <h2 id="updates-title" tabindex="-1">"Progress updates"</h2>
        {progress}
        {updates}
        <crate::pages::training::ImpactEvents action_id=a.id.clone() manages=reports_progress(session, &a.owner_agency.id) on_done=Callback::new(move |said: String| reload.run((said, "evidence-title".into()))) />
        {rag}
        {refer}
        <h2>"History"</h2>
        <ol class="plain-list history">{history}</ol>
    }
}

/// Editing what the action says; a stale save shows both versions to choose from or merge.
#[component]
fn EditAction(
    action: ActionRow,
    more: ActionMore,
    plan: Option<PlanReview>,
    names: Names,
    editing: RwSignal<bool>,
    reload: Reload,
) -> impl IntoView {
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let values = ActionValues::of(&action, &more);
    let version = RwSignal::new(more.version);
    let conflict = RwSignal::new(None::<Value>);
    let mut agencies: Vec<AgencyRef> = plan
        .as_ref()
        .map(|p| p.agencies.clone())
        .unwrap_or_default();
    // A plan that names no agencies (Section 11, the dataset, child deaths) offers every
    // agency; a review offers its own and the action's.
    if !agencies.is_empty() && !agencies.iter().any(|g| g.id == action.owner_agency.id) {
        agencies.push(action.owner_agency.clone());
    }
    let mut people: Vec<Owner> = plan
        .iter()
        .flat_map(|p| p.members.iter())
        .filter_map(|m| {
            let agency = m.user.agency.as_ref()?;
            Some((
                m.user.id.clone(),
                m.user.display_name.clone(),
                agency.id.clone(),
            ))
        })
        .collect();
    if let Some(p) = &action.owner_person {
        if !people.iter().any(|o| o.0 == p.id) {
            people.push((
                p.id.clone(),
                p.display_name.clone(),
                action.owner_agency.id.clone(),
            ));
        }
    }
    let id = StoredValue::new(action.id.clone());
    let save = move || {
        errors.clear();
        if !values.check(errors) {
            return;
        }
        let variables = api::update_action::Variables {
            id: id.get_value(),
            version: version.get_untracked(),
            input: action_input!(update_action, values),
        };
        pending.set(true);
        spawn_local(async move {
            let result = api::send::<api::UpdateAction>(variables).await;
            pending.set(false);
            match result {
                Ok(_) => {
                    editing.set(false);
                    reload.run(("Action saved.".into(), "page-title".into()));
                }
                Err(e) if e.code == ErrorCode::Conflict => {
                    match e.current.clone().filter(|c| c["version"].is_i64()) {
                        Some(theirs) => {
                            version.set(theirs["version"].as_i64().unwrap_or_default());
                            conflict.set(Some(theirs));
                            request_animation_frame(|| focus_by_id("conflict-title"));
                        }
                        None => errors.show(e, describe_action),
                    }
                }
                Err(e) => errors.show(e, describe_action),
            }
        });
    };
    let submit = move |ev: SubmitEvent| {
        if form.begin(&ev) {
            save();
        }
    };
    let take_saved = move |_| {
        editing.set(false);
        reload.run(("The saved version was kept.".into(), "page-title".into()));
    };
    let compare = move || {
        conflict.get().map(|theirs| {
            let mine = values.to_json();
            let fields = || EDITED.iter().map(|i| FIELDS[*i]);
            view! {
                <div class="notice conflict">
                    <h3 id="conflict-title" tabindex="-1">
                        "Someone else saved this action while you were editing it"
                    </h3>
                    <div class="compare">
                        <div>
                            <h4>"Your version"</h4>
                            {version_list(&mine, fields(), None, &names)}
                        </div>
                        <div>
                            <h4>"Saved version"</h4>
                            {version_list(&theirs, fields(), None, &names)}
                        </div>
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
                                focus_by_id("action-title");
                            }
                        >
                            "Edit a merge"
                        </button>
                    </div>
                </div>
            }
        })
    };
    view! {
        <form class="row-card" on:submit=submit novalidate=true aria-labelledby="edit-action-title">
            <h2 id="edit-action-title">"Edit the action"</h2>
            <ErrorSummary errors=errors />
            {compare}
            <OwnedActionFields values=values agencies=agencies people=people errors=errors />
            <div class="button-group">
                <button type="submit" class="button" disabled=move || pending.get()>
                    "Save changes"
                </button>
                <button type="button" class="button button-secondary" on:click=move |_| {
                    editing.set(false);
                    focus_by_id("page-title");
                }>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}

fn describe_rag(field: &str) -> (String, String) {
    match leaf(field) {
        "reason" => ("rag-reason".into(), "Reason:".into()),
        _ => ("rag-value".into(), "RAG:".into()),
    }
}

/// The business office sets the RAG by hand, with the reason, or goes back to the one
/// worked out from the dates.
#[component]
fn RagForm(id: String, current: Option<String>, reload: Reload) -> impl IntoView {
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let rag = RwSignal::new(current.unwrap_or_default());
    let reason = RwSignal::new(String::new());
    let mut options = vec![(
        String::new(),
        "Worked out from the status and dates".to_string(),
    )];
    options.extend(
        Rag::ALL
            .iter()
            .map(|r| (r.code().to_string(), rag_words(r.code()).1.to_string())),
    );
    let id = StoredValue::new(id);
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        let chosen = rag.get_untracked();
        let variables = api::set_action_rag::Variables {
            id: id.get_value(),
            rag: (!chosen.is_empty()).then(|| enum_from(&chosen)),
            reason: Some(reason.get_untracked()).filter(|r| !r.trim().is_empty()),
        };
        form.send(
            api::send::<api::SetActionRag>(variables),
            describe_rag,
            move |_| reload.run(("RAG saved.".into(), "page-title".into())),
        );
    };
    view! {
        <form class="row-card" on:submit=submit novalidate=true aria-labelledby="rag-title">
            <h2 id="rag-title">"Set the RAG by hand"</h2>
            <ErrorSummary errors=errors />
            <RadioGroup id="rag-value" legend="RAG" options=options value=rag errors=errors />
            <TextArea
                id="rag-reason"
                label="Reason"
                hint="Why the RAG is set by hand, or why it goes back to the one worked out."
                value=reason
                errors=errors
                rows=2
            />
            <button type="submit" class="button" disabled=move || pending.get()>
                "Save the RAG"
            </button>
        </form>
    }
}
