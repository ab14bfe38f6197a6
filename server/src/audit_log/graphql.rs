//! GraphQL surface of the audit log (business office).

use crate::entities::audit_log;
use crate::error::AppError;
use crate::graphql::{parts, IntoGql};
use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use shared::audit::AuditEventKind;

#[derive(SimpleObject)]
pub struct AuditEntry {
    pub id: ID,
    pub at: DateTime<Utc>,
    pub actor_id: Option<ID>,
    pub actor_name: Option<String>,
    pub agency_prefix: Option<String>,
    pub role: Option<String>,
    /// The code of what happened (`review.read`); `description` says it in words.
    pub action: String,
    /// What happened, in words ("Opened a review").
    pub description: String,
    /// The kind of event, as the `kinds` filter takes it.
    pub kind: AuditEventKind,
    pub object_type: String,
    pub object_id: Option<String>,
    /// What the object is called now: a review's reference and subject, a person's name,
    /// an action's reference and title. Null when it has no name or is no longer held.
    pub object_label: Option<String>,
    /// The review the object is, or belongs to.
    pub review_id: Option<ID>,
    /// That review's reference, while the review is held.
    pub review_reference: Option<String>,
    pub correlation_id: String,
    /// What a retention purge deleted (JSON: counts and review references, never content).
    pub detail: Option<String>,
}

impl AuditEntry {
    fn new(m: audit_log::Model, about: super::labels::About) -> Self {
        Self {
            id: ID(m.id.to_string()),
            description: shared::audit::describe_action(&m.action, &m.object_type).into_owned(),
            kind: shared::audit::kind_of(&m.action),
            object_label: about.label,
            review_id: about.review_id.map(ID),
            review_reference: about.review_reference,
            at: m.at,
            actor_id: m.actor_id.map(ID),
            actor_name: m.actor_name,
            agency_prefix: m.agency_prefix,
            role: m.role,
            action: m.action,
            object_type: m.object_type,
            object_id: m.object_id,
            correlation_id: m.correlation_id,
            detail: m.detail,
        }
    }
}

#[derive(SimpleObject)]
pub struct AuditLogPage {
    pub entries: Vec<AuditEntry>,
    /// Pass as `after` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(SimpleObject)]
pub struct AuditChainReport {
    /// Every row links to the one before it.
    pub intact: bool,
    pub checked: u64,
    /// The first row whose link does not match, when the chain is broken.
    pub first_broken_id: Option<ID>,
}

#[derive(InputObject, Default)]
pub struct AuditLogFilter {
    pub actor_id: Option<ID>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Entries about this review or any of its records (chronology, learning points,
    /// actions, learning summary).
    pub review_id: Option<ID>,
    /// The same by the review's reference (any case), instead of its id.
    pub review_reference: Option<String>,
    /// Entries of any of these kinds.
    #[graphql(default)]
    pub kinds: Vec<AuditEventKind>,
}

#[derive(Default)]
pub struct AuditLogQuery;

#[Object]
impl AuditLogQuery {
    /// The audit log, newest first.
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditLogFilter>,
        after: Option<String>,
        #[graphql(default = 50)] first: i32,
    ) -> async_graphql::Result<AuditLogPage> {
        let (state, rc) = parts(ctx)?;
        let f = filter.unwrap_or_default();
        let reference = f.review_reference.filter(|s| !s.trim().is_empty());
        let review_id = match (f.review_id.map(|id| id.0), reference) {
            (Some(_), Some(_)) => {
                return Err(AppError::validation(
                    "reviewReference",
                    "give the review's reference or its id, not both",
                )
                .into_graphql(&rc.correlation_id))
            }
            (Some(id), None) => Some(id),
            (None, Some(reference)) => Some(
                super::review_by_reference(&state.db, "reviewReference", &reference)
                    .await
                    .gql(rc)?,
            ),
            (None, None) => None,
        };
        let filter = super::Filter {
            actor_id: f.actor_id.map(|id| id.0),
            object_type: f.object_type.filter(|s| !s.trim().is_empty()),
            object_id: f.object_id.filter(|s| !s.trim().is_empty()),
            from: f.from,
            to: f.to,
            review_id,
            kinds: f.kinds,
        };
        let first = u64::try_from(first).unwrap_or(0);
        let (rows, next) = super::page(&state.db, &filter, after.as_deref(), first)
            .await
            .gql(rc)?;
        // Names are read only when asked for, for the whole page at once.
        let wanted = ctx.look_ahead().field("entries");
        let labels = if ["objectLabel", "reviewId", "reviewReference"]
            .iter()
            .any(|f| wanted.field(f).exists())
        {
            super::labels::resolve(&state.db, &rows).await.gql(rc)?
        } else {
            super::labels::Labels::default()
        };
        Ok(AuditLogPage {
            entries: rows
                .into_iter()
                .map(|row| {
                    let about = labels.about(&row);
                    AuditEntry::new(row, about)
                })
                .collect(),
            next_cursor: next,
        })
    }

    /// Recomputes the hash chain and reports the first broken link.
    async fn verify_audit_log(&self, ctx: &Context<'_>) -> async_graphql::Result<AuditChainReport> {
        let (state, rc) = parts(ctx)?;
        let report = super::verify(&state.db).await.gql(rc)?;
        Ok(AuditChainReport {
            intact: report.intact,
            checked: report.checked,
            first_broken_id: report.first_broken_id.map(|id| ID(id.to_string())),
        })
    }
}
