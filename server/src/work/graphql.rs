//! What needs you, and the notifications made from it, through GraphQL.

use super::board::{ChildDeathTally, Glance, YearlyTally};
use super::WorkItem;
use crate::entities::notification;
use crate::graphql::{parts, IntoGql};
use async_graphql::{Context, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use shared::work::{Urgency, WorkKind};

/// One piece of work waiting for the signed-in person.
#[derive(SimpleObject, Clone)]
pub struct Work {
    /// The item and its stage; stable while the item stays at that stage.
    pub key: String,
    pub kind: WorkKind,
    /// What the kind is called, e.g. "Chronology return overdue".
    pub kind_label: String,
    pub urgency: Urgency,
    /// What the work is, by reference and date.
    pub title: String,
    pub due_on: Option<NaiveDate>,
    /// Where in the app the work is done (a path).
    pub link: String,
    pub review_id: Option<ID>,
    pub review_reference: Option<String>,
}

impl From<WorkItem> for Work {
    fn from(i: WorkItem) -> Self {
        Self {
            key: i.key,
            kind: i.kind,
            kind_label: i.kind.label().to_owned(),
            urgency: i.kind.urgency(),
            title: i.title,
            due_on: i.due_on,
            link: i.link,
            review_id: i.review_id.map(ID),
            review_reference: i.review_reference,
        }
    }
}

/// An in-app notification of work that needed (or needs) the person: made once per item
/// and stage by the reminder job, emailed once when the partnership has set email up.
#[derive(SimpleObject, Clone)]
pub struct Notification {
    pub id: ID,
    /// `None` only for a kind this server no longer knows.
    pub kind: Option<WorkKind>,
    pub kind_label: String,
    pub title: String,
    pub link: String,
    pub due_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

impl From<notification::Model> for Notification {
    fn from(n: notification::Model) -> Self {
        let kind = WorkKind::from_code(&n.kind);
        Self {
            id: ID(n.id),
            kind,
            kind_label: kind.map_or("Notification", WorkKind::label).to_owned(),
            title: n.title,
            link: n.link,
            due_on: n.due_on,
            created_at: n.created_at,
            read_at: n.read_at,
        }
    }
}

fn int(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// How much open work of one kind there is across the partnership.
#[derive(SimpleObject, Clone)]
pub struct WorkCount {
    pub kind: WorkKind,
    pub kind_label: String,
    pub urgency: Urgency,
    pub count: i32,
}

/// The latest year's Section 11 self-assessments, or QA impact reports, by where they
/// stand (the two go through the same stages).
#[derive(SimpleObject, Clone)]
pub struct YearlyReportsGlance {
    pub year: i32,
    /// Agencies asked.
    pub asked: i32,
    /// Being written before the due date, or returned to the agency.
    pub with_agencies: i32,
    /// Still with the agency after their due date.
    pub overdue: i32,
    /// Submitted, waiting for the business office.
    pub awaiting_office: i32,
    pub accepted: i32,
}

impl From<YearlyTally> for YearlyReportsGlance {
    fn from(t: YearlyTally) -> Self {
        Self {
            year: t.year,
            asked: int(t.asked),
            with_agencies: int(t.with_agencies),
            overdue: int(t.overdue),
            awaiting_office: int(t.awaiting_office),
            accepted: int(t.accepted),
        }
    }
}

/// This reporting year's child death reviews (the office's and the chair's own figures,
/// not suppressed).
#[derive(SimpleObject, Clone)]
pub struct ChildDeathGlance {
    /// The reporting year by its first April.
    pub year: i32,
    /// "April 2026 to March 2027".
    pub year_label: String,
    pub reviewed: i32,
    /// Of those, with modifiable factors identified.
    pub modifiable: i32,
}

impl From<ChildDeathTally> for ChildDeathGlance {
    fn from(t: ChildDeathTally) -> Self {
        Self {
            year: t.year,
            year_label: shared::child_deaths::year_label(t.year),
            reviewed: int(t.reviewed),
            modifiable: int(t.modifiable),
        }
    }
}

/// The learning events held this quarter, so far.
#[derive(SimpleObject, Clone)]
pub struct TrainingGlance {
    /// The first day of the quarter (January, April, July or October).
    pub from: NaiveDate,
    pub events_held: i32,
    /// Attendances at them, across agencies.
    pub attended: i32,
}

/// The partnership at a glance, for the business office and the independent chair.
#[derive(SimpleObject, Clone)]
pub struct PartnershipGlance {
    pub today: NaiveDate,
    /// Reviews with a statutory milestone still to meet.
    pub reviews_in_progress: i32,
    /// Actions not yet closed.
    pub actions_open: i32,
    /// Open work across the partnership by kind (kinds with none left out).
    pub counts: Vec<WorkCount>,
    /// Overdue work across the partnership, most pressing first (at most 20; `counts` has
    /// them all).
    pub overdue: Vec<Work>,
    /// The performance dataset's hot spots.
    pub hot_spots: Vec<Work>,
    /// `null` until the business office opens a Section 11 year.
    pub section11: Option<YearlyReportsGlance>,
    /// `null` until the business office asks agencies for their QA impact reports.
    pub qa_reports: Option<YearlyReportsGlance>,
    pub child_deaths: ChildDeathGlance,
    /// Learning events held this quarter.
    pub training: TrainingGlance,
}

impl From<Glance> for PartnershipGlance {
    fn from(g: Glance) -> Self {
        Self {
            today: g.today,
            reviews_in_progress: int(g.reviews_in_progress),
            actions_open: int(g.actions_open),
            counts: g
                .counts
                .into_iter()
                .map(|(kind, n)| WorkCount {
                    kind,
                    kind_label: kind.label().to_owned(),
                    urgency: kind.urgency(),
                    count: int(n),
                })
                .collect(),
            overdue: g.overdue.into_iter().map(Work::from).collect(),
            hot_spots: g.hot_spots.into_iter().map(Work::from).collect(),
            section11: g.section11.map(YearlyReportsGlance::from),
            qa_reports: g.qa_reports.map(YearlyReportsGlance::from),
            child_deaths: g.child_deaths.into(),
            training: TrainingGlance {
                from: g.training.from,
                events_held: i32::try_from(g.training.held).unwrap_or(i32::MAX),
                attended: i32::try_from(g.training.attended).unwrap_or(i32::MAX),
            },
        }
    }
}

#[derive(Default)]
pub struct WorkQuery;

#[Object]
impl WorkQuery {
    /// What needs the signed-in person now: returns asked of their agency, questions on its
    /// entries, actions they owe, statutory deadlines, summaries to approve or with open
    /// comments, publications ending. Overdue first, then due soon, then waiting.
    async fn what_needs_me(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Work>> {
        let (state, rc) = parts(ctx)?;
        let list = super::what_needs_me(state, rc).await.gql(rc)?;
        Ok(list.into_iter().map(Work::from).collect())
    }

    /// The partnership at a glance (the business office and the independent chair): reviews
    /// in progress, open work across the partnership by kind, what is overdue, the latest
    /// Section 11 year, the performance hot spots and this year's child death reviews.
    async fn partnership_at_a_glance(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<PartnershipGlance> {
        let (state, rc) = parts(ctx)?;
        super::board::glance(state, rc)
            .await
            .map(PartnershipGlance::from)
            .gql(rc)
    }

    /// The caller's own notifications, newest first (at most 200).
    async fn my_notifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false)] unread_only: bool,
    ) -> async_graphql::Result<Vec<Notification>> {
        let (state, rc) = parts(ctx)?;
        let list = super::notifications::my_notifications(state, rc, unread_only)
            .await
            .gql(rc)?;
        Ok(list.into_iter().map(Notification::from).collect())
    }
}

#[derive(Default)]
pub struct WorkMutation;

#[Object]
impl WorkMutation {
    /// Marks one of the caller's notifications read; another's is NOT_FOUND.
    async fn mark_notification_read(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Notification> {
        let (state, rc) = parts(ctx)?;
        super::notifications::mark_read(state, rc, &id)
            .await
            .map(Notification::from)
            .gql(rc)
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::resolver_utils::EnumType;

    /// A stored code is the GraphQL name of its value, so the browser can read either.
    fn codes_are_graphql_names<T: EnumType + Copy + PartialEq + std::fmt::Debug>(
        all: &[T],
        code: fn(T) -> &'static str,
    ) {
        for value in all {
            let item = T::items()
                .iter()
                .find(|i| i.value == *value)
                .unwrap_or_else(|| panic!("{value:?} not in the schema"));
            assert_eq!(item.name, code(*value));
        }
    }

    #[test]
    fn work_and_section_11_codes_are_their_graphql_names() {
        use shared::section11::{AssessmentStatus, Rating};
        use shared::work::{Urgency, WorkKind};
        codes_are_graphql_names(WorkKind::ALL, WorkKind::code);
        codes_are_graphql_names(Urgency::ALL, Urgency::code);
        codes_are_graphql_names(Rating::ALL, Rating::code);
        codes_are_graphql_names(AssessmentStatus::ALL, AssessmentStatus::code);
    }
}
