//! What needs you: every piece of work waiting for a person, for their home page and for
//! the notifications the job makes from the same list (see [`notifications`]).
//!
//! The facts are read once ([`Facts::gather`]); [`Facts::items`] turns them into items, each
//! with the people it is for ([`Audience`]), decided by the access rules each feature
//! already uses; [`Facts::items_for`] keeps one person's. The rules of time (due soon,
//! overdue) and order are `shared::work`'s.

pub mod board;
pub mod graphql;
pub mod notifications;

use crate::context::RequestContext;
use crate::entities::{
    action, agency, annotation, app_user, chronology_entry, chronology_return, learning_summary,
    review, summary_comment, summary_field,
};
use crate::error::AppResult;
use crate::reviews::service::views;
use crate::state::AppState;
use crate::summary::service::count_open_comments;
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use shared::actions::{reminder_due, ActionStatus};
use shared::auth::{parse_roles, Actor, Role};
use shared::chronology::access::{answers_for, keeps_return};
use shared::chronology::{AnnotationKind, ReturnStatus};
use shared::reviews::ReviewRole;
use shared::section11::AssessmentStatus;
use shared::summary::SummaryState;
use shared::work::{
    action_stage, deadline_stage, order, publication_ending, qa_report_stage, return_stage,
    section11_stage, WorkKind,
};
use std::collections::{HashMap, HashSet};

/// One piece of work for a person: what it is (by reference and date, never case detail),
/// when it is due, and where in the app it is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkItem {
    /// The item and its stage, stable across runs: a notification is made once per key.
    pub key: String,
    pub kind: WorkKind,
    pub title: String,
    pub due_on: Option<NaiveDate>,
    /// A path in the app, e.g. `/reviews/{id}/chronology`.
    pub link: String,
    pub review_id: Option<String>,
    pub review_reference: Option<String>,
    pub action_id: Option<String>,
}

/// Whom an item is for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Audience {
    /// Those who keep the agency's return for the review; with `office`, the business
    /// office too (once the return is due soon or overdue).
    ReturnKeepers { agency_id: String, office: bool },
    /// Members of the review from the agency whose entry was questioned.
    Answerers { agency_id: String },
    /// The people reminded of an action (see [`action_recipients`]).
    People(Vec<String>),
    /// The business office, the independent chair and the review's lead reviewers.
    Clock,
    /// The independent chair.
    Chair,
    /// The summary's authors: the business office and the review's lead reviewers.
    Authors,
    /// The business office.
    Office,
    /// The agency's leads; with `office`, the business office too.
    AgencyLeads { agency_id: String, office: bool },
    /// The business office and the independent chair.
    Board,
}

impl Audience {
    fn includes(&self, actor: &Actor, membership: Option<ReviewRole>) -> bool {
        let office = actor.has(Role::BusinessOffice);
        let lead_reviewer = membership == Some(ReviewRole::LeadReviewer);
        match self {
            Audience::ReturnKeepers {
                agency_id,
                office: with_office,
            } => keeps_return(actor, membership, agency_id) || (*with_office && office),
            Audience::Answerers { agency_id } => answers_for(actor, membership, agency_id),
            Audience::People(ids) => ids.contains(&actor.user_id),
            Audience::Clock => office || actor.has(Role::IndependentChair) || lead_reviewer,
            Audience::Chair => actor.has(Role::IndependentChair),
            Audience::Authors => shared::summary::authors(actor, membership),
            Audience::Office => office,
            Audience::Board => office || actor.has(Role::IndependentChair),
            Audience::AgencyLeads {
                agency_id,
                office: with_office,
            } => {
                (actor.has(Role::AgencyLead) && actor.agency_id.as_deref() == Some(agency_id))
                    || (*with_office && office)
            }
        }
    }
}

/// The active people reminded of an action: its owner person, else its owner agency's
/// agency leads.
pub fn action_recipients<'a>(
    a: &action::Model,
    people: &'a [app_user::Model],
) -> Vec<&'a app_user::Model> {
    if let Some(owner) = &a.owner_person_id {
        if let Some(p) = people.iter().find(|p| &p.id == owner && p.active) {
            return vec![p];
        }
    }
    people
        .iter()
        .filter(|p| {
            p.active
                && p.agency_id.as_deref() == Some(a.owner_agency_id.as_str())
                && parse_roles(&p.roles).contains(&Role::AgencyLead)
        })
        .collect()
}

/// The person behind a stored account, as the access rules see them.
pub fn actor_of(p: &app_user::Model) -> Actor {
    Actor {
        user_id: p.id.clone(),
        agency_id: p.agency_id.clone(),
        roles: parse_roles(&p.roles),
    }
}

/// A date as people write it: "7 December 2026".
pub fn long_date(on: NaiveDate) -> String {
    on.format("%-d %B %Y").to_string()
}

/// Everything open in the partnership that can need someone, read once.
pub struct Facts {
    /// Each person's part in each review: (review id, person id).
    memberships: HashMap<(String, String), ReviewRole>,
    items: Vec<(WorkItem, Audience)>,
    /// Reviews with a statutory milestone still to meet.
    pub reviews_in_progress: usize,
    /// Actions not yet closed.
    pub actions_open: usize,
}

impl Facts {
    /// Reads what can need someone on `today`; `reminder_days` is how long before its
    /// target date an action is due soon.
    pub async fn gather<C: ConnectionTrait>(
        db: &C,
        today: NaiveDate,
        reminder_days: i64,
    ) -> AppResult<Facts> {
        let reviews = views(
            db,
            crate::reviews::service::case_reviews().all(db).await?,
            today,
        )
        .await?;
        let agencies: HashMap<String, agency::Model> = agency::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|a| (a.id.clone(), a))
            .collect();
        let prefix = |id: &str| {
            agencies
                .get(id)
                .map_or_else(|| "An agency's".to_owned(), |a| a.prefix.clone())
        };
        let by_id: HashMap<&str, &review::Model> = reviews
            .iter()
            .map(|v| (v.review.id.as_str(), &v.review))
            .collect();
        let mut items = Vec::new();
        let mut push = |review: Option<&review::Model>, item: PartialItem, audience| {
            items.push((
                WorkItem {
                    key: item.key,
                    kind: item.kind,
                    title: item.title,
                    due_on: item.due_on,
                    link: item.link,
                    review_id: review.map(|r| r.id.clone()),
                    review_reference: review.map(|r| r.reference.clone()),
                    action_id: item.action_id,
                },
                audience,
            ))
        };

        // Chronology returns asked for and not yet submitted.
        let submitted: HashSet<(String, String)> = chronology_return::Entity::find()
            .filter(chronology_return::Column::Status.eq(ReturnStatus::Submitted.code()))
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.review_id, r.agency_id))
            .collect();
        for v in &reviews {
            let Some(due_on) = v.review.returns_due_on else {
                continue;
            };
            for a in &v.agencies {
                if submitted.contains(&(v.review.id.clone(), a.id.clone())) {
                    continue;
                }
                let kind = return_stage(due_on, today);
                push(
                    Some(&v.review),
                    PartialItem {
                        key: format!("return:{}:{}:{}:{due_on}", v.review.id, a.id, kind.code()),
                        kind,
                        title: format!(
                            "{} chronology return for {}, due {}",
                            a.prefix,
                            v.review.reference,
                            long_date(due_on)
                        ),
                        due_on: Some(due_on),
                        link: format!("/reviews/{}/chronology", v.review.id),
                        action_id: None,
                    },
                    Audience::ReturnKeepers {
                        agency_id: a.id.clone(),
                        office: kind != WorkKind::ReturnRequested,
                    },
                );
            }
        }

        // Questions on entries not yet answered.
        let notes = annotation::Entity::find()
            .filter(annotation::Column::Kind.is_in([
                AnnotationKind::Question.code(),
                AnnotationKind::Answer.code(),
            ]))
            .all(db)
            .await?;
        let answered: HashSet<&str> = notes
            .iter()
            .filter_map(|n| n.answers_id.as_deref())
            .collect();
        let open: Vec<&annotation::Model> = notes
            .iter()
            .filter(|n| {
                n.kind == AnnotationKind::Question.code() && !answered.contains(n.id.as_str())
            })
            .collect();
        let entries: HashMap<String, chronology_entry::Model> = if open.is_empty() {
            HashMap::new()
        } else {
            chronology_entry::Entity::find()
                .filter(chronology_entry::Column::Id.is_in(open.iter().map(|q| q.entry_id.clone())))
                .all(db)
                .await?
                .into_iter()
                .map(|e| (e.id.clone(), e))
                .collect()
        };
        for q in open {
            let (Some(entry), Some(r)) =
                (entries.get(&q.entry_id), by_id.get(q.review_id.as_str()))
            else {
                continue;
            };
            push(
                Some(r),
                PartialItem {
                    key: format!("question:{}", q.id),
                    kind: WorkKind::Question,
                    title: format!(
                        "Question on the {} entry of {} in {}",
                        prefix(&entry.agency_id),
                        crate::chronology::service::start_of(entry),
                        r.reference
                    ),
                    due_on: None,
                    // An audit's entry opens on its case's chronology.
                    link: match &entry.case_id {
                        Some(case) => format!("/reviews/{}/chronology?case={case}", r.id),
                        None => format!("/reviews/{}/chronology", r.id),
                    },
                    action_id: None,
                },
                Audience::Answerers {
                    agency_id: entry.agency_id.clone(),
                },
            );
        }

        // Actions due soon or overdue.
        let closed: Vec<&str> = ActionStatus::ALL
            .iter()
            .filter(|s| s.is_closed())
            .map(|s| s.code())
            .collect();
        let open_actions = action::Entity::find()
            .filter(action::Column::Status.is_not_in(closed))
            .all(db)
            .await?;
        let people = app_user::Entity::find()
            .filter(app_user::Column::Active.eq(true))
            .all(db)
            .await?;
        for a in &open_actions {
            let status: ActionStatus = crate::db::stored(&a.status)?;
            let Some(reminder) = reminder_due(status, a.target_on, today, reminder_days) else {
                continue;
            };
            let recipients = action_recipients(a, &people)
                .into_iter()
                .map(|p| p.id.clone())
                .collect();
            push(
                by_id.get(a.review_id.as_str()).copied(),
                PartialItem {
                    key: format!("action:{}:{}", a.id, reminder.code()),
                    kind: action_stage(reminder),
                    title: format!("Action {}: {}", a.reference, a.title),
                    due_on: Some(a.target_on),
                    link: format!("/actions/{}", a.id),
                    action_id: Some(a.id.clone()),
                },
                Audience::People(recipients),
            );
        }

        // Statutory deadlines due soon or overdue.
        for v in &reviews {
            for m in &v.milestones {
                let Some(kind) = deadline_stage(m.state) else {
                    continue;
                };
                let due = m.due_on.map(|d| format!(", due {}", long_date(d)));
                push(
                    Some(&v.review),
                    PartialItem {
                        key: format!("deadline:{}:{}:{}", v.review.id, m.code, kind.code()),
                        kind,
                        title: format!(
                            "{} for {}{}",
                            m.label,
                            v.review.reference,
                            due.unwrap_or_default()
                        ),
                        due_on: m.due_on,
                        link: format!("/reviews/{}", v.review.id),
                        action_id: None,
                    },
                    Audience::Clock,
                );
            }
        }

        // Learning summaries awaiting approval, with open comments, or leaving the public
        // pages soon.
        let summaries = learning_summary::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|s| Ok((crate::summary::service::state_of(&s)?, s)))
            .collect::<AppResult<Vec<(SummaryState, learning_summary::Model)>>>()?;
        let drafting: Vec<String> = summaries
            .iter()
            .filter(|(state, _)| matches!(state, SummaryState::Draft | SummaryState::InReview))
            .map(|(_, s)| s.id.clone())
            .collect();
        let (comments, fields) = if drafting.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            (
                summary_comment::Entity::find()
                    .filter(summary_comment::Column::SummaryId.is_in(drafting.clone()))
                    .all(db)
                    .await?,
                summary_field::Entity::find()
                    .filter(summary_field::Column::SummaryId.is_in(drafting))
                    .all(db)
                    .await?,
            )
        };
        for (state, s) in &summaries {
            let Some(r) = by_id.get(s.review_id.as_str()).copied() else {
                continue;
            };
            let link = format!("/reviews/{}/summary", r.id);
            let state = Some(*state);
            if state == Some(SummaryState::InReview) {
                push(
                    Some(r),
                    PartialItem {
                        key: format!("summary-approval:{}:{}", s.id, s.version),
                        kind: WorkKind::SummaryToApprove,
                        title: format!("Learning summary for {} awaits approval", r.reference),
                        due_on: None,
                        link: link.clone(),
                        action_id: None,
                    },
                    Audience::Chair,
                );
            }
            if matches!(state, Some(SummaryState::Draft | SummaryState::InReview)) {
                let mine: Vec<&summary_comment::Model> =
                    comments.iter().filter(|c| c.summary_id == s.id).collect();
                let saved = fields
                    .iter()
                    .filter(|f| f.summary_id == s.id)
                    .map(|f| (f.field.as_str(), f.updated_at))
                    .collect();
                let open = count_open_comments(mine.iter().copied(), &saved);
                let latest = mine.iter().map(|c| c.id).max().unwrap_or_default();
                if open > 0 {
                    push(
                        Some(r),
                        PartialItem {
                            key: format!("summary-comments:{}:{latest}", s.id),
                            kind: WorkKind::SummaryComments,
                            title: format!(
                                "{open} open {} on the learning summary for {}",
                                if open == 1 { "comment" } else { "comments" },
                                r.reference
                            ),
                            due_on: None,
                            link: link.clone(),
                            action_id: None,
                        },
                        Audience::Authors,
                    );
                }
            }
            if let (Some(SummaryState::Published), Some(until)) = (state, s.available_until) {
                if publication_ending(until, today) {
                    push(
                        Some(r),
                        PartialItem {
                            key: format!("publication:{}:{until}", s.id),
                            kind: WorkKind::PublicationEnding,
                            title: format!(
                                "The learning summary for {} leaves the public pages after {}",
                                r.reference,
                                long_date(until)
                            ),
                            due_on: Some(until),
                            link,
                            action_id: None,
                        },
                        Audience::Office,
                    );
                }
            }
        }
        // Section 11 self-assessments and QA impact reports with their agencies, or
        // waiting for the office (the two go through the same stages).
        let mut yearly = Vec::new();
        for (a, agency) in crate::section11::outstanding(db).await? {
            let status: AssessmentStatus = crate::db::stored(&a.status)?;
            yearly.push((
                section11_stage(status, a.due_on, today),
                "section11",
                "Section 11 self-assessment",
                format!("/section-11/assessments/{}", a.id),
                (a.id, a.year, a.due_on, a.version, a.agency_id),
                agency,
            ));
        }
        for (r, agency) in crate::qa_reports::outstanding(db).await? {
            let status: AssessmentStatus = crate::db::stored(&r.status)?;
            yearly.push((
                qa_report_stage(status, r.due_on, today),
                "qa_report",
                "QA impact report",
                format!("/qa-reports/{}", r.id),
                (r.id, r.year, r.due_on, r.version, r.agency_id),
                agency,
            ));
        }
        for (kind, key, what, link, (id, year, due_on, version, agency_id), agency) in yearly {
            let Some(kind) = kind else {
                continue;
            };
            let audience = match kind {
                WorkKind::Section11Submitted | WorkKind::QaReportSubmitted => Audience::Office,
                WorkKind::Section11Requested
                | WorkKind::Section11Returned
                | WorkKind::QaReportRequested
                | WorkKind::QaReportReturned => Audience::AgencyLeads {
                    agency_id,
                    office: false,
                },
                _ => Audience::AgencyLeads {
                    agency_id,
                    office: true,
                },
            };
            push(
                None,
                PartialItem {
                    // A new notification when the date moves, and for each return and
                    // submission (each moves the version), not for each answer saved.
                    key: match kind {
                        WorkKind::Section11Returned
                        | WorkKind::Section11Submitted
                        | WorkKind::QaReportReturned
                        | WorkKind::QaReportSubmitted => {
                            format!("{key}:{id}:{}:{version}", kind.code())
                        }
                        _ => format!("{key}:{id}:{}:{due_on}", kind.code()),
                    },
                    kind,
                    title: format!(
                        "{} {what} for {year}, due {}",
                        agency.prefix,
                        long_date(due_on)
                    ),
                    due_on: Some(due_on),
                    link,
                    action_id: None,
                },
                audience,
            );
        }
        // The performance dataset's hot spots, for the office and the chair to look into.
        for v in crate::performance::service::list(db).await? {
            if !v.is_hot_spot() {
                continue;
            }
            let Some((latest, _)) = v.values.last() else {
                continue;
            };
            let why = if v.chart.variation.is_concern() {
                v.chart.variation.label()
            } else {
                v.chart.assurance.label()
            };
            push(
                None,
                PartialItem {
                    key: format!("hotspot:{}:{}", v.indicator.id, latest.period),
                    kind: WorkKind::HotSpot,
                    title: format!(
                        "{}: {} (latest {})",
                        v.indicator.name,
                        why.to_lowercase(),
                        latest.period
                    ),
                    due_on: None,
                    link: format!("/performance/{}", v.indicator.id),
                    action_id: None,
                },
                Audience::Board,
            );
        }
        let memberships = reviews
            .iter()
            .flat_map(|v| {
                v.members
                    .iter()
                    .map(|(p, role)| ((v.review.id.clone(), p.id.clone()), *role))
            })
            .collect();
        let reviews_in_progress = reviews
            .iter()
            .filter(|v| v.next_milestone().is_some())
            .count();
        Ok(Facts {
            memberships,
            items,
            reviews_in_progress,
            actions_open: open_actions.len(),
        })
    }

    /// The person's part in a review, if any.
    fn membership(&self, review_id: Option<&str>, user_id: &str) -> Option<ReviewRole> {
        self.memberships
            .get(&(review_id?.to_owned(), user_id.to_owned()))
            .copied()
    }

    /// The items for one person, most pressing first.
    pub fn items_for(&self, actor: &Actor) -> Vec<WorkItem> {
        self.sorted(|item, audience| {
            let membership = self.membership(item.review_id.as_deref(), &actor.user_id);
            audience.includes(actor, membership)
        })
    }

    /// Every item in the partnership, whoever it is for, most pressing first (for the
    /// board's counts, see [`board`]).
    pub fn all(&self) -> Vec<WorkItem> {
        self.sorted(|_, _| true)
    }

    fn sorted(&self, keep: impl Fn(&WorkItem, &Audience) -> bool) -> Vec<WorkItem> {
        let mut kept: Vec<WorkItem> = self
            .items
            .iter()
            .filter(|(item, audience)| keep(item, audience))
            .map(|(item, _)| item.clone())
            .collect();
        kept.sort_by(|a, b| {
            order(
                (a.kind, a.due_on, a.title.as_str()),
                (b.kind, b.due_on, b.title.as_str()),
            )
        });
        kept
    }
}

/// An item before the review it belongs to is filled in.
struct PartialItem {
    key: String,
    kind: WorkKind,
    title: String,
    due_on: Option<NaiveDate>,
    link: String,
    action_id: Option<String>,
}

/// What needs the signed-in person now, most pressing first.
pub async fn what_needs_me(state: &AppState, rc: &RequestContext) -> AppResult<Vec<WorkItem>> {
    let actor = rc.actor()?;
    let facts = Facts::gather(&state.db, state.today(), state.config.reminder_days).await?;
    Ok(facts.items_for(actor))
}
