//! tower-sessions' store over the application's own database (SQLite or PostgreSQL), so
//! sessions survive restarts and are shared by every instance. Expired sessions are never
//! loaded, and a background task deletes them.

use crate::context::SESSION_USER_ID;
use crate::entities::{agency, app_user, session};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult, IdenStatic, Iterable,
    JoinType, QueryFilter, QueryResult, QuerySelect, RelationTrait, Select, Set,
};
use std::collections::HashMap;
use std::time::Duration;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

#[derive(Debug, Clone)]
pub struct DatabaseSessionStore {
    db: DatabaseConnection,
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn to_chrono(t: time::OffsetDateTime) -> DateTime<Utc> {
    DateTime::from_timestamp(t.unix_timestamp(), t.nanosecond()).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn to_time(t: DateTime<Utc>) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(t.timestamp())
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

/// The person a session's data says it is signed in as, kept in its own column too.
fn user_of(record: &Record) -> Option<String> {
    record
        .data
        .get(SESSION_USER_ID)
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

/// A live session's data, with the person its row names and their agency's prefix, as
/// [`signed_in`] reads them.
#[derive(Debug, Clone)]
pub struct SignedInRow {
    pub data: HashMap<String, serde_json::Value>,
    /// The person, if the session names one who exists.
    pub person: Option<app_user::Model>,
    pub agency_prefix: Option<String>,
}

/// The person's columns are read as `person_<column>` beside the session's.
const PERSON: &str = "person_";

impl FromQueryResult for SignedInRow {
    fn from_query_result(row: &QueryResult, pre: &str) -> Result<Self, DbErr> {
        let data: String = row.try_get(pre, session::Column::Data.as_str())?;
        Ok(Self {
            data: serde_json::from_str(&data)
                .map_err(|e| DbErr::Custom(format!("a session's data is not JSON: {e}")))?,
            person: Option::<app_user::Model>::from_query_result(row, PERSON)?,
            agency_prefix: row.try_get(pre, "agency_prefix")?,
        })
    }
}

/// The session `id`, unless it has expired: an expired session is never loaded.
fn live(id: &Id) -> Select<session::Entity> {
    session::Entity::find_by_id(id.to_string()).filter(session::Column::ExpiresAt.gt(Utc::now()))
}

/// The live (unexpired) session `id` with the person it is signed in as, in one statement;
/// `None` when there is no such session. Reads only: the session itself (tower-sessions'
/// record) is loaded only when it is to be changed.
pub async fn signed_in(db: &DatabaseConnection, id: &Id) -> Result<Option<SignedInRow>, DbErr> {
    let mut query = live(id)
        .select_only()
        .column(session::Column::Data)
        .join(JoinType::LeftJoin, session::Relation::Person.def())
        .join(JoinType::LeftJoin, app_user::Relation::Agency.def())
        .column_as(agency::Column::Prefix, "agency_prefix");
    for column in app_user::Column::iter() {
        query = query.column_as(column, format!("{PERSON}{}", column.as_str()));
    }
    query.into_model::<SignedInRow>().one(db).await
}

impl DatabaseSessionStore {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Deletes every session expired longer ago than the sessions retention rule keeps them
    /// (by default: every expired session).
    pub async fn delete_expired(&self) -> crate::error::AppResult<u64> {
        let keep = crate::retention::period(
            &self.db,
            shared::retention::RuleKey::of(shared::retention::RecordKind::Sessions),
        )
        .await?;
        let Some(cutoff) = crate::retention::session_cutoff(keep, Utc::now()) else {
            return Ok(0);
        };
        let result = session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lt(cutoff))
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected)
    }

    /// Runs `delete_expired`, and deletes sign-in failures that no longer count, every
    /// `period` for as long as the server runs.
    pub fn spawn_cleanup(self, period: Duration, metrics: std::sync::Arc<crate::metrics::Metrics>) {
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(period);
            loop {
                interval.tick().await;
                let started = std::time::Instant::now();
                let sessions = self.delete_expired().await;
                let failures = super::service::purge_expired_failures(&self.db).await;
                metrics.job_finished(
                    "session_cleanup",
                    sessions.is_ok() && failures.is_ok(),
                    started.elapsed(),
                );
                match sessions {
                    Ok(n) if n > 0 => tracing::info!(deleted = n, "expired sessions deleted"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "deleting expired sessions failed"),
                }
                match failures {
                    Ok(n) if n > 0 => {
                        tracing::info!(deleted = n, "expired sign-in failures deleted")
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "deleting expired sign-in failures failed")
                    }
                }
            }
        });
    }
}

#[async_trait]
impl SessionStore for DatabaseSessionStore {
    /// Inserts a new session; on the (astronomically unlikely) collision with an existing id,
    /// draws another id rather than overwriting someone else's session.
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        loop {
            let row = session::ActiveModel {
                id: Set(record.id.to_string()),
                data: Set(data.clone()),
                expires_at: Set(to_chrono(record.expiry_date)),
                user_id: Set(user_of(record)),
            };
            let inserted = session::Entity::insert(row)
                .on_conflict(
                    OnConflict::column(session::Column::Id)
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(&self.db)
                .await
                .map_err(backend)?;
            if inserted == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    /// Saves a session that still exists, and only then: a session ended (signed out, or
    /// expired and deleted) while a request that had loaded it was still running stays
    /// ended, rather than being written back by that request when it finishes. New
    /// sessions (and a renewed id at sign-in) go through [`Self::create`].
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        session::Entity::update_many()
            .col_expr(session::Column::Data, Expr::value(data))
            .col_expr(
                session::Column::ExpiresAt,
                Expr::value(to_chrono(record.expiry_date)),
            )
            .col_expr(session::Column::UserId, Expr::value(user_of(record)))
            .filter(session::Column::Id.eq(record.id.to_string()))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row = live(id).one(&self.db).await.map_err(backend)?;
        row.map(|row| {
            Ok(Record {
                id: *id,
                data: serde_json::from_str(&row.data)
                    .map_err(|e| session_store::Error::Decode(e.to_string()))?,
                expiry_date: to_time(row.expires_at),
            })
        })
        .transpose()
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        session::Entity::delete_by_id(id.to_string())
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
