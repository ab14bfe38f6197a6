//! Action plans: a review's learning points with their recommendations and actions, what an
//! agency owes, the partnership's master action plan, one action, and the committees
//! learning and actions are referred to.
//!
//! Every list of actions is one table shape ([`ActionTable`]); status and RAG are tags that
//! always carry their words.

mod charts;
mod committees;
mod detail;
mod form;
mod learning;
mod plan;
mod planned;

pub use committees::{CommitteeList, CommitteePage};
pub use detail::ActionPage;
pub use learning::LearningPage;
pub use plan::{ActionsPage, PlanPrintPage};
pub(crate) use planned::planned;
pub use planned::{PlanActionForm, PlanFrom, Planned, PlannedList};

use crate::api::data::{ActionRow, IdName, PlanReview, UpdateItem};
use crate::api::{self, enum_from};
use crate::components::{
    focus_by_id, format_date, AgencyPrefix, DataTable, FormErrors, SelectField,
};
use crate::session::Session;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::actions::{ActionStatus, LearningKind, LearningScope};
use shared::auth::Role;
use shared::reviews::ReviewRole;

/// A query's answer, read by hand, once it comes (`None` until then).
pub type Answer<R> = RwSignal<Option<Result<R, api::ApiError>>>;

/// Runs a query into `answer` (lighter than a resource for a page that loads once).
pub fn load_into<
    Q: graphql_client::GraphQLQuery + 'static,
    R: api::data::FromJson + Send + Sync + 'static,
>(
    answer: Answer<R>,
    variables: Q::Variables,
) {
    spawn_local(async move { answer.set(Some(api::fetch::<Q, R>(variables).await)) });
}

/// A tag that always carries its words (the colour only repeats them).
pub fn tag(class: &'static str, text: String) -> AnyView {
    view! { <strong class=class>{text}</strong> }.into_any()
}

/// A status as a tag with its words.
pub fn status_tag(code: &str) -> AnyView {
    let class = match ActionStatus::from_code(code) {
        Some(ActionStatus::NotStarted) | None => "tag tag-awaiting",
        Some(ActionStatus::InProgress) => "tag tag-due",
        Some(_) => "tag tag-met",
    };
    tag(class, status_label(code))
}

/// A RAG as a tag that says its colour in words.
pub fn rag_tag(code: &str) -> AnyView {
    let (class, text) = rag_words(code);
    tag(class, text.to_string())
}

fn rag_words(code: &str) -> (&'static str, &'static str) {
    match code {
        "RED" => ("tag tag-overdue", "Red"),
        "AMBER" => ("tag tag-due-soon", "Amber"),
        _ => ("tag tag-met", "Green"),
    }
}

/// Facts as a summary list: one view shape for every list of facts on these pages.
pub fn summary_list(rows: Vec<(&'static str, AnyView)>) -> AnyView {
    view! {
        <dl class="summary-list">
            {rows
                .into_iter()
                .map(|(label, value)| view! {
                    <dt>{label}</dt>
                    <dd class="pre">{value}</dd>
                })
                .collect_view()}
        </dl>
    }
    .into_any()
}

/// A stored action status in words.
pub fn status_label(code: &str) -> String {
    ActionStatus::from_code(code).map_or(code.to_string(), |s| s.label().to_string())
}

fn scope_label(code: &str) -> &'static str {
    LearningScope::from_code(code).map_or("", LearningScope::label)
}

fn kind_label(code: &str) -> &'static str {
    LearningKind::from_code(code).map_or("", LearningKind::label)
}

/// The last part of an input field name (`input.targetDate` → `targetDate`).
fn leaf(field: &str) -> &str {
    let name = field.rsplit('.').next().unwrap_or(field);
    name.split('[').next().unwrap_or(name)
}

/// A button that opens a form: its words, with `more` for screen readers, and where focus
/// then goes.
pub fn open_button(
    text: &'static str,
    more: String,
    focus: &'static str,
    open: impl Fn() + 'static,
) -> AnyView {
    view! {
        <button
            type="button"
            class="button button-secondary"
            on:click=move |_| {
                open();
                request_animation_frame(move || focus_by_id(focus));
            }
        >
            {text}
            <span class="visually-hidden">{more}</span>
        </button>
    }
    .into_any()
}

/// "Overdue", after a target date, when it is.
fn overdue_tag(overdue: bool) -> Option<AnyView> {
    overdue.then(|| tag("tag tag-overdue", "Overdue".into()))
}

/// Business office, or a lead reviewer of this review: writes its plan.
fn keeps_plan(session: Session, review: &PlanReview) -> bool {
    let me = session
        .me
        .with_untracked(|m| m.as_ref().map(|m| m.id.clone()));
    session.is_office()
        || review
            .members
            .iter()
            .any(|m| Some(&m.user.id) == me.as_ref() && m.role == ReviewRole::LeadReviewer.code())
}

/// Sees actions at all (practitioners read the learning library instead).
pub fn sees_actions(session: Session) -> bool {
    [
        Role::BusinessOffice,
        Role::IndependentChair,
        Role::AgencyLead,
        Role::AgencyRepresentative,
    ]
    .into_iter()
    .any(|r| session.has(r))
}

/// The owner agency's lead or representative, or the business office: reports progress.
fn reports_progress(session: Session, owner_agency_id: &str) -> bool {
    session.is_office()
        || ((session.has(Role::AgencyLead) || session.has(Role::AgencyRepresentative))
            && session.me.with_untracked(|m| {
                m.as_ref()
                    .and_then(|m| m.agency_id.as_deref())
                    .is_some_and(|a| a == owner_agency_id)
            }))
}

/// Whether an action still takes progress updates (a completed one only its evidence).
fn takes_updates(status: &str) -> bool {
    status != ActionStatus::ImpactEvidenced.code()
}

/// Actions in a table: each links to its page, with its owner, target date (flagged when
/// overdue), status and RAG in words. With `since` (`YYYY-MM-DD`), actions changed on or
/// after that day carry a "Changed since …" tag; with `on_update`, each action still open
/// has a button that opens the progress update form.
#[component]
pub fn ActionTable(
    #[prop(into)] caption: String,
    rows: Vec<ActionRow>,
    #[prop(optional, into)] since: Option<String>,
    #[prop(optional, into)] on_update: Option<Callback<ActionRow>>,
) -> impl IntoView {
    let columns: &'static [&'static str] = if on_update.is_some() {
        &[
            "Action",
            "Owner",
            "Target date",
            "Status",
            "RAG",
            "Progress",
        ]
    } else {
        &["Action", "Owner", "Target date", "Status", "RAG"]
    };
    let since = since.filter(|s| !s.is_empty());
    let body = if rows.is_empty() {
        view! {
            <tr>
                <td colspan=columns.len()>"No actions yet."</td>
            </tr>
        }
        .into_any()
    } else {
        rows.into_iter()
            .map(|a| {
                let changed = since
                    .as_deref()
                    .filter(|s| a.updated_at.get(..10).unwrap_or_default() >= *s)
                    .map(|s| format!("Changed since {}", format_date(s)));
                let marked = changed.is_some();
                let update = on_update.map(|callback| {
                    let open = takes_updates(&a.status);
                    let which = format!(" to {}", a.reference);
                    let row = a.clone();
                    view! {
                        <td>
                            {open
                                .then(|| {
                                    view! {
                                        <button
                                            type="button"
                                            class="button button-secondary button-small"
                                            on:click=move |_| callback.run(row.clone())
                                        >
                                            "Add an update"
                                            <span class="visually-hidden">{which}</span>
                                        </button>
                                    }
                                })}
                        </td>
                    }
                });
                view! {
                    <tr class:changed-row=marked>
                        <th scope="row">
                            <a href=format!("/actions/{}", a.id)>{a.reference}</a>
                            <span class="action-title">{a.title}</span>
                            {changed.map(|c| view! { <strong class="tag tag-changed">{c}</strong> })}
                            {a.latest_update.map(|u| view! {
                                <span class="latest-update">
                                    <span class="latest-update-when">
                                        {format!("Latest update, {}, {}: ", format_date(&u.at), update_author(&u))}
                                    </span>
                                    {u.text}
                                </span>
                            })}
                        </th>
                        <td>
                            <AgencyPrefix prefix=a.owner_agency.prefix colour=a.owner_agency.colour />
                            {a
                                .owner_person
                                .map(|p| view! { <span class="action-title">{p.display_name}</span> })}
                        </td>
                        <td class="nowrap">
                            {format_date(&a.target_date)}
                            " "
                            {overdue_tag(a.overdue)}
                        </td>
                        <td>{status_tag(&a.status)}</td>
                        <td>{rag_tag(&a.rag)}</td>
                        {update}
                    </tr>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <DataTable caption=caption columns=columns>
            {body}
        </DataTable>
    }
}

/// Who wrote a progress update: "Paul Police (POL)".
pub fn update_author(u: &UpdateItem) -> String {
    match &u.author_agency_prefix {
        Some(p) => format!("{} ({p})", u.author_name),
        None => u.author_name.clone(),
    }
}

/// Refers a learning point or an action to a committee (business office, lead reviewer).
#[component]
pub fn ReferForm(
    /// `LEARNING_POINT` or `ACTION`.
    kind: &'static str,
    #[prop(into)] id: String,
    /// What is referred, for the button ("the learning point …").
    #[prop(into)]
    what: String,
    committees: Vec<IdName>,
    #[prop(into)] on_done: Callback<String>,
) -> impl IntoView {
    let field = format!("refer-{id}");
    let committee = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let failure = RwSignal::new(None::<String>);
    let names: Vec<(String, String)> = committees.into_iter().map(|c| (c.id, c.name)).collect();
    let lookup = names.clone();
    let id = StoredValue::new(id);
    let target = field.clone();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        failure.set(None);
        let chosen = committee.get_untracked();
        if chosen.is_empty() {
            errors.push(&target, "Choose a committee");
            focus_by_id(&target);
            return;
        }
        let name = lookup
            .iter()
            .find(|(c, _)| *c == chosen)
            .map(|(_, n)| n.clone())
            .unwrap_or_default();
        let variables = api::refer_to_committee::Variables {
            kind: enum_from(kind),
            id: id.get_value(),
            committee_id: chosen,
        };
        let target = target.clone();
        spawn_local(async move {
            match api::send::<api::ReferToCommittee>(variables).await {
                Ok(_) => on_done.run(format!("Referred to {name}.")),
                Err(e) if e.code == api::ErrorCode::Validation => {
                    for p in &e.problems {
                        errors.push(&target, format!("Committee: {}", p.message));
                    }
                    focus_by_id(&target);
                }
                Err(e) => failure.set(Some(e.explain())),
            }
        });
    };
    view! {
        <form on:submit=submit novalidate=true class="refer-form">
            <SelectField id=field label="Refer to a committee" value=committee options=names errors=errors blank="Choose a committee" />
            {move || failure.get().map(|f| view! { <p class="error-message" role="alert">{f}</p> })}
            <button type="submit" class="button button-secondary">
                "Refer"
                <span class="visually-hidden">{format!(" {what}")}</span>
            </button>
        </form>
    }
}

pub use form::ProgressForm;
