//! GraphQL surface of the audit log (business office).

use crate::entities::audit_log;
use crate::graphql::{parts, IntoGql};
use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};

#[derive(SimpleObject)]
pub struct AuditEntry {
    pub id: ID,
    pub at: DateTime<Utc>,
    pub actor_id: Option<ID>,
    pub actor_name: Option<String>,
    pub agency_prefix: Option<String>,
    pub role: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub correlation_id: String,
    /// What a retention purge deleted (JSON: counts and review references, never content).
    pub detail: Option<String>,
}

impl From<audit_log::Model> for AuditEntry {
    fn from(m: audit_log::Model) -> Self {
        Self {
            id: ID(m.id.to_string()),
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
        let filter = super::Filter {
            actor_id: f.actor_id.map(|id| id.0),
            object_type: f.object_type.filter(|s| !s.trim().is_empty()),
            object_id: f.object_id.filter(|s| !s.trim().is_empty()),
            from: f.from,
            to: f.to,
        };
        let first = u64::try_from(first).unwrap_or(0);
        let (rows, next) = super::page(&state.db, &filter, after.as_deref(), first)
            .await
            .gql(rc)?;
        Ok(AuditLogPage {
            entries: rows.into_iter().map(Into::into).collect(),
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
