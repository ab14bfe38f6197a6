//! What needs you, and the notifications made from it, through GraphQL.

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
