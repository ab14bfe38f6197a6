//! Retention and legal hold (issue 21, item 2).
//!
//! The business office sets how long each kind of record is kept (`retention_rule` rows;
//! pure rules in `shared::retention`). A purge deletes what has expired:
//!
//! - each expired review with everything under it, in one transaction per review (with its
//!   own audit entry), so a review is never half-deleted; a review under a legal hold, or
//!   no longer expired when its transaction looks again, is skipped;
//! - the chronology entries of closed reviews past the chronology rule (same way);
//! - then, in one final transaction: reminder notifications, sessions and sign-in attempts
//!   past their rules, the oldest audit log entries (the kept chain stays verifiable: the
//!   run's entry records the hash of the last one deleted), and the run's own audit entry
//!   with counts and review references, never content.
//!
//! A scheduled run happens once a day across every instance sharing the database: the first
//! instance to claim the day (`retention_run.day`, unique) runs it. The business office can
//! preview a run (nothing written) or run it at once.

pub mod graphql;

use crate::audit_log::{self, Event, Pruned};
use crate::context::RequestContext;
use crate::db::{begin_write, now};
use crate::entities::{
    app_user, legal_hold, notification, retention_rule, retention_run, review, session,
    sign_in_failure,
};
use crate::error::{AppError, AppResult};
use crate::events::ChangeKind;
use crate::state::AppState;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Asterisk, Expr, ExprTrait, OnConflict, Query, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, Statement,
};
use serde::{Deserialize, Serialize};
use shared::actions::ActionStatus;
use shared::retention::{
    disposition, review_closed_on, validate_rules, Disposition, Period, RecordKind, RuleDraft,
    RuleKey,
};
use shared::reviews::{ReviewKind, ThresholdDecision};
use std::collections::{HashMap, HashSet};
use tracing::Instrument;

const REVIEW: &str = "Review";
pub const SCHEDULED: &str = "SCHEDULED";
pub const MANUAL: &str = "MANUAL";

// ---------------------------------------------------------------------------------------
// Rules.

/// A rule in force, with its default and who last changed it.
#[derive(Debug, Clone)]
pub struct Rule {
    pub key: RuleKey,
    pub period: Period,
    pub default: Period,
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<String>,
}

/// The periods in force: the stored rules over the defaults (a rule without a row, such as
/// one for a kind of review added later, has its default).
#[derive(Debug, Clone)]
pub struct Periods(HashMap<RuleKey, Period>);

impl Periods {
    pub fn of(&self, key: RuleKey) -> Period {
        self.0.get(&key).copied().unwrap_or(Period::Forever)
    }

    pub fn review(&self, kind: ReviewKind) -> Period {
        self.of(RuleKey::review(kind))
    }
}

/// The periods in force.
pub async fn periods<C: ConnectionTrait>(db: &C) -> AppResult<Periods> {
    let mut map: HashMap<RuleKey, Period> = shared::retention::defaults().into_iter().collect();
    for row in retention_rule::Entity::find().all(db).await? {
        let key = RuleKey::from_code(&row.key);
        let period = Period::from_parts(&row.unit, row.amount.map(i64::from));
        match (key, period) {
            (Some(key), Some(period)) => {
                map.insert(key, period);
            }
            _ => {
                return Err(AppError::Internal(format!(
                    "retention rule {} is not a rule this release knows",
                    row.key
                )))
            }
        }
    }
    Ok(Periods(map))
}

/// The period of one rule (for the session clean-up).
pub async fn period<C: ConnectionTrait>(db: &C, key: RuleKey) -> AppResult<Period> {
    Ok(periods(db).await?.of(key))
}

/// Every rule, in the order of `RuleKey::all`.
pub async fn rules<C: ConnectionTrait>(db: &C) -> AppResult<Vec<Rule>> {
    let rows: HashMap<String, retention_rule::Model> = retention_rule::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.key.clone(), r))
        .collect();
    let people: HashMap<String, String> = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(rows.values().filter_map(|r| r.updated_by.clone())))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let periods = periods(db).await?;
    Ok(shared::retention::defaults()
        .into_iter()
        .map(|(key, default)| {
            let row = rows.get(&key.code());
            Rule {
                key,
                period: periods.of(key),
                default,
                updated_at: row.and_then(|r| r.updated_at),
                updated_by: row
                    .and_then(|r| r.updated_by.as_ref())
                    .and_then(|id| people.get(id).cloned()),
            }
        })
        .collect())
}

/// Changes the rules given (the others stay as they are); one audit entry names what
/// changed, from what to what.
pub async fn set_rules(
    state: &AppState,
    rc: &RequestContext,
    drafts: Vec<RuleDraft>,
) -> AppResult<Vec<Rule>> {
    let actor = rc.actor()?;
    let wanted = validate_rules(&drafts)?;
    let txn = begin_write(&state.db).await?;
    let before = periods(&txn).await?;
    let at = now();
    let mut changes = Vec::new();
    for (key, period) in wanted {
        let old = before.of(key);
        if old == period {
            continue;
        }
        let row = retention_rule::ActiveModel {
            key: Set(key.code()),
            record_kind: Set(key.record.code().to_owned()),
            review_kind: Set(key.review_kind.map(|k| k.code().to_owned())),
            unit: Set(period.unit().code().to_owned()),
            amount: Set(period.amount().and_then(|a| i32::try_from(a).ok())),
            updated_at: Set(Some(at)),
            updated_by: Set(Some(actor.user_id.clone())),
        };
        retention_rule::Entity::insert(row)
            .on_conflict(
                OnConflict::column(retention_rule::Column::Key)
                    .update_columns([
                        retention_rule::Column::Unit,
                        retention_rule::Column::Amount,
                        retention_rule::Column::UpdatedAt,
                        retention_rule::Column::UpdatedBy,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        changes.push(serde_json::json!({
            "rule": key.code(),
            "from": old.describe(),
            "to": period.describe(),
        }));
    }
    if !changes.is_empty() {
        let detail = serde_json::json!({ "changes": changes }).to_string();
        audit_log::append_with_detail(
            &txn,
            rc,
            Event {
                action: "retention.rules_update",
                object_type: "retention_rule",
                object_id: None,
            },
            &detail,
        )
        .await?;
    }
    let out = rules(&txn).await?;
    txn.commit().await?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Legal holds.

/// A hold with the names of who set and lifted it.
#[derive(Debug, Clone)]
pub struct HoldView {
    pub hold: legal_hold::Model,
    pub set_by: String,
    pub lifted_by: Option<String>,
}

/// The hold in force on a review, if any.
pub async fn hold_in_force<C: ConnectionTrait>(
    db: &C,
    review_id: &str,
) -> AppResult<Option<legal_hold::Model>> {
    Ok(legal_hold::Entity::find()
        .filter(legal_hold::Column::ReviewId.eq(review_id))
        .filter(legal_hold::Column::LiftedAt.is_null())
        .one(db)
        .await?)
}

/// Refuses (CONFLICT) when the review is under a legal hold: nothing under it may be deleted.
pub async fn ensure_not_held<C: ConnectionTrait>(db: &C, review_id: &str) -> AppResult<()> {
    match hold_in_force(db, review_id).await? {
        Some(_) => Err(AppError::Conflict(
            "This review is under a legal hold: nothing under it can be deleted until the business office lifts the hold."
                .into(),
        )),
        None => Ok(()),
    }
}

async fn views<C: ConnectionTrait>(
    db: &C,
    holds: Vec<legal_hold::Model>,
) -> AppResult<Vec<HoldView>> {
    let ids: HashSet<String> = holds
        .iter()
        .flat_map(|h| std::iter::once(h.set_by.clone()).chain(h.lifted_by.clone()))
        .collect();
    let people: HashMap<String, String> = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    Ok(holds
        .into_iter()
        .map(|hold| HoldView {
            set_by: people.get(&hold.set_by).cloned().unwrap_or_default(),
            lifted_by: hold
                .lifted_by
                .as_ref()
                .and_then(|id| people.get(id).cloned()),
            hold,
        })
        .collect())
}

/// Every hold of a review, newest first (the caller has already been allowed the review).
pub async fn holds<C: ConnectionTrait>(db: &C, review_id: &str) -> AppResult<Vec<HoldView>> {
    let list = legal_hold::Entity::find()
        .filter(legal_hold::Column::ReviewId.eq(review_id))
        .order_by_desc(legal_hold::Column::SetAt)
        .order_by_desc(legal_hold::Column::Id)
        .all(db)
        .await?;
    views(db, list).await
}

/// Locks a review's row for the rest of the transaction on PostgreSQL, so a hold and a
/// purge of the same review happen one after the other (SQLite's write transactions
/// already do).
async fn lock_review<C: ConnectionTrait>(conn: &C, review_id: &str) -> AppResult<()> {
    if conn.get_database_backend() == DbBackend::Postgres {
        conn.query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id FROM review WHERE id = $1 FOR UPDATE",
            [review_id.into()],
        ))
        .await?;
    }
    Ok(())
}

/// Sets a legal hold on a review, with the reason (required). CONFLICT if one is in force.
pub async fn set_hold(
    state: &AppState,
    rc: &RequestContext,
    review_id: &str,
    reason: &str,
) -> AppResult<HoldView> {
    let actor = rc.actor()?;
    let reason = shared::retention::hold_reason("reason", reason)?;
    let txn = begin_write(&state.db).await?;
    lock_review(&txn, review_id).await?;
    crate::reviews::service::find_visible_with_membership(&txn, actor, review_id).await?;
    if hold_in_force(&txn, review_id).await?.is_some() {
        return Err(AppError::Conflict(
            "This review is already under a legal hold.".into(),
        ));
    }
    let hold = legal_hold::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        review_id: Set(review_id.to_owned()),
        reason: Set(reason),
        set_by: Set(actor.user_id.clone()),
        set_at: Set(now()),
        lifted_at: Set(None),
        lifted_by: Set(None),
        lift_reason: Set(None),
    }
    .insert(&txn)
    .await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("review.legal_hold_set", "review", review_id),
    )
    .await?;
    let view = views(&txn, vec![hold]).await?.pop();
    txn.commit().await?;
    state.changed(rc, review_id, ChangeKind::Review, None).await;
    view.ok_or_else(|| AppError::Internal("legal hold view missing".into()))
}

/// Lifts the hold in force on a review, with the reason (required). CONFLICT if none is.
pub async fn lift_hold(
    state: &AppState,
    rc: &RequestContext,
    review_id: &str,
    reason: &str,
) -> AppResult<HoldView> {
    let actor = rc.actor()?;
    let reason = shared::retention::hold_reason("reason", reason)?;
    let txn = begin_write(&state.db).await?;
    lock_review(&txn, review_id).await?;
    crate::reviews::service::find_visible_with_membership(&txn, actor, review_id).await?;
    let Some(hold) = hold_in_force(&txn, review_id).await? else {
        return Err(AppError::Conflict(
            "This review is not under a legal hold.".into(),
        ));
    };
    let mut lifted: legal_hold::ActiveModel = hold.into();
    lifted.lifted_at = Set(Some(now()));
    lifted.lifted_by = Set(Some(actor.user_id.clone()));
    lifted.lift_reason = Set(Some(reason));
    let hold = lifted.update(&txn).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("review.legal_hold_lifted", "review", review_id),
    )
    .await?;
    let view = views(&txn, vec![hold]).await?.pop();
    txn.commit().await?;
    state.changed(rc, review_id, ChangeKind::Review, None).await;
    view.ok_or_else(|| AppError::Internal("legal hold view missing".into()))
}

// ---------------------------------------------------------------------------------------
// What retention does with one review.

/// The day a review closed (see `shared::retention::review_closed_on`).
pub fn closed_on(r: &review::Model) -> Option<NaiveDate> {
    review_closed_on(
        r.decision.as_deref().and_then(ThresholdDecision::from_code),
        r.decided_on,
        r.completed_on,
        r.published_on,
    )
}

/// A review's retention as it stands today: for the review and for its chronology.
#[derive(Debug, Clone)]
pub struct ReviewRetention {
    pub closed_on: Option<NaiveDate>,
    pub period: Period,
    pub review: Disposition,
    pub chronology_period: Period,
    pub chronology: Disposition,
}

pub async fn review_retention<C: ConnectionTrait>(
    db: &C,
    r: &review::Model,
    today: NaiveDate,
) -> AppResult<ReviewRetention> {
    let periods = periods(db).await?;
    let held = hold_in_force(db, &r.id).await?.is_some();
    let closed = closed_on(r);
    let kind = ReviewKind::from_code(&r.kind);
    let period = kind.map_or(Period::Forever, |k| periods.review(k));
    let chronology_period = periods.of(RuleKey::of(RecordKind::ChronologyEntries));
    Ok(ReviewRetention {
        closed_on: closed,
        period,
        review: disposition(closed, period, held, today),
        chronology_period,
        chronology: disposition(closed, chronology_period, held, today),
    })
}

// ---------------------------------------------------------------------------------------
// The purge.

/// A review deleted (or, in a preview, that would be), or whose chronology was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewItem {
    pub reference: String,
    pub kind: String,
    pub closed_on: Option<NaiveDate>,
    pub expired_on: NaiveDate,
    /// Chronology entries among the rows.
    pub entries: u64,
    /// Every row deleted under it (the review's own row included when it goes).
    pub rows: u64,
}

/// A review kept by its legal hold although a rule says it (or its chronology) has expired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeldItem {
    pub review_id: String,
    pub reference: String,
    pub review_expired_on: Option<NaiveDate>,
    pub chronology_expired_on: Option<NaiveDate>,
}

/// A review whose deletion failed: nothing of it was deleted (its transaction rolled back).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FailedItem {
    pub reference: String,
    /// `review` or `chronology`.
    pub what: String,
}

/// What a run deleted (or, in a preview, would delete): counts and references, never
/// content. Its JSON is the detail of the run's audit entry and the run's summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub dry_run: bool,
    pub as_of: Option<DateTime<Utc>>,
    pub reviews: Vec<ReviewItem>,
    pub chronologies: Vec<ReviewItem>,
    pub held: Vec<HeldItem>,
    pub failed: Vec<FailedItem>,
    pub audit_entries: u64,
    /// The oldest audit entries deleted: the anchor the kept chain is verified from (see
    /// `audit_log::verify`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit_log: Option<Pruned>,
    pub notifications: u64,
    pub sessions: u64,
    pub sign_in_attempts: u64,
}

/// Which rows lie under a review, by how they are reached from it.
#[derive(Debug, Clone, Copy)]
enum Scope {
    /// `column = review id`.
    Review,
    /// `column` is the id of one of the review's chronology entries.
    Entries,
    /// `column` is the id of one of the review's actions.
    Actions,
    /// `column` is the id of one of the review's learning points.
    Points,
    /// `column` is the id of the review's learning summary.
    Summaries,
}

/// Everything under a review, children before parents. The review's library entries are
/// taken out by `library::remove_review` first (their full-text index depends on the
/// database). A table added under a review must be listed here: the retention tests check
/// that nothing of a deleted review is left in any table with a `review_id`.
const REVIEW_ROWS: &[(&str, &str, Scope)] = &[
    ("chronology_entry_history", "entry_id", Scope::Entries),
    ("chronology_import_row", "review_id", Scope::Review),
    ("chronology_import_job", "review_id", Scope::Review),
    ("annotation", "review_id", Scope::Review),
    ("duplicate_decision", "review_id", Scope::Review),
    ("chronology_entry", "review_id", Scope::Review),
    ("case_audit_grade", "review_id", Scope::Review),
    ("chronology_return", "review_id", Scope::Review),
    ("glossary_term", "review_id", Scope::Review),
    ("anonymisation_dismissal", "review_id", Scope::Review),
    ("review_presence", "review_id", Scope::Review),
    ("notification", "review_id", Scope::Review),
    ("notification", "action_id", Scope::Actions),
    ("action_update", "action_id", Scope::Actions),
    ("action_history", "action_id", Scope::Actions),
    // An action's evidence pointing at a learning event: the event stays.
    ("learning_event_action", "action_id", Scope::Actions),
    ("action", "review_id", Scope::Review),
    ("recommendation", "learning_point_id", Scope::Points),
    ("learning_point", "review_id", Scope::Review),
    ("summary_field", "summary_id", Scope::Summaries),
    ("summary_field_version", "summary_id", Scope::Summaries),
    ("summary_comment", "summary_id", Scope::Summaries),
    ("summary_state_change", "summary_id", Scope::Summaries),
    ("summary_report", "summary_id", Scope::Summaries),
    ("learning_summary", "review_id", Scope::Review),
    ("case_audit_meeting", "review_id", Scope::Review),
    ("case_audit_case", "review_id", Scope::Review),
    ("case_audit_auditor", "review_id", Scope::Review),
    ("case_audit", "review_id", Scope::Review),
    ("review_agency", "review_id", Scope::Review),
    ("review_member", "review_id", Scope::Review),
    // That a learning event carried the review's learning: the event stays.
    ("learning_event_review", "review_id", Scope::Review),
    ("legal_hold", "review_id", Scope::Review),
    ("review", "id", Scope::Review),
];

/// A review's chronology entries and what hangs on them (its returns stay, empty).
const CHRONOLOGY_ROWS: &[(&str, &str, Scope)] = &[
    ("chronology_entry_history", "entry_id", Scope::Entries),
    ("chronology_import_row", "review_id", Scope::Review),
    ("chronology_import_job", "review_id", Scope::Review),
    ("annotation", "review_id", Scope::Review),
    ("duplicate_decision", "review_id", Scope::Review),
    ("chronology_entry", "review_id", Scope::Review),
];

fn under(column: &'static str, scope: Scope, review_id: &str) -> SimpleExpr {
    let ids_of = |table: &'static str| {
        Query::select()
            .column("id")
            .from(table)
            .and_where(Expr::col("review_id").eq(review_id))
            .to_owned()
    };
    let col = Expr::col(column);
    match scope {
        Scope::Review => col.eq(review_id),
        Scope::Entries => col.in_subquery(ids_of("chronology_entry")),
        Scope::Actions => col.in_subquery(ids_of("action")),
        Scope::Points => col.in_subquery(ids_of("learning_point")),
        Scope::Summaries => col.in_subquery(ids_of("learning_summary")),
    }
}

/// Counts (`delete` false) or deletes the rows of `steps` under a review, in order;
/// returns (chronology entries, all rows).
async fn rows_under<C: ConnectionTrait>(
    conn: &C,
    steps: &[(&'static str, &'static str, Scope)],
    review_id: &str,
    delete: bool,
) -> AppResult<(u64, u64)> {
    let backend = conn.get_database_backend();
    let (mut entries, mut total) = (0, 0);
    for (table, column, scope) in steps {
        let condition = under(column, *scope, review_id);
        let n = if delete {
            let statement = Query::delete()
                .from_table(*table)
                .and_where(condition)
                .to_owned();
            conn.execute_raw(backend.build(&statement))
                .await?
                .rows_affected()
        } else {
            let statement = Query::select()
                .expr(Expr::col(Asterisk).count())
                .from(*table)
                .and_where(condition)
                .to_owned();
            let row = conn
                .query_one_raw(backend.build(&statement))
                .await?
                .ok_or_else(|| AppError::Internal("a count returned no row".into()))?;
            u64::try_from(row.try_get_by_index::<i64>(0)?).unwrap_or(0)
        };
        if *table == "chronology_entry" {
            entries = n;
        }
        total += n;
    }
    Ok((entries, total))
}

fn item(r: &review::Model, expired_on: NaiveDate, (entries, rows): (u64, u64)) -> ReviewItem {
    ReviewItem {
        reference: r.reference.clone(),
        kind: r.kind.clone(),
        closed_on: closed_on(r),
        expired_on,
        entries,
        rows,
    }
}

/// What is to go: the whole review, or only its chronology entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Review,
    Chronology,
}

/// Deletes an expired review with everything under it (or only its chronology entries) in
/// one transaction with its audit entry. Looks again inside the transaction, the review's
/// row locked: `None` when it is gone, under a hold or no longer expired.
async fn delete_under(
    state: &AppState,
    rc: &RequestContext,
    review_id: &str,
    target: Target,
    today: NaiveDate,
) -> AppResult<Option<ReviewItem>> {
    let txn = begin_write(&state.db).await?;
    lock_review(&txn, review_id).await?;
    let Some(r) = review::Entity::find_by_id(review_id.to_owned())
        .one(&txn)
        .await?
    else {
        return Ok(None);
    };
    let now = review_retention(&txn, &r, today).await?;
    let expired = match (target, now.review, now.chronology) {
        (Target::Review, Disposition::Expired(on), _) => on,
        (Target::Chronology, Disposition::Expired(_), _) => return Ok(None),
        (Target::Chronology, _, Disposition::Expired(on)) => on,
        _ => return Ok(None),
    };
    let (steps, action) = match target {
        Target::Review => {
            crate::library::remove_review(&txn, review_id).await?;
            (REVIEW_ROWS, "retention.review_deleted")
        }
        Target::Chronology => (CHRONOLOGY_ROWS, "retention.chronology_deleted"),
    };
    let counts = rows_under(&txn, steps, review_id, true).await?;
    let deleted = item(&r, expired, counts);
    if target == Target::Chronology && deleted.rows == 0 {
        return Ok(None);
    }
    let detail = serde_json::to_string(&deleted)
        .map_err(|e| AppError::Internal(format!("retention detail: {e}")))?;
    audit_log::append_with_detail(&txn, rc, Event::new(action, "review", review_id), &detail)
        .await?;
    txn.commit().await?;
    Ok(Some(deleted))
}

/// Closed actions' codes, for notifications that are done with.
fn closed_statuses() -> Vec<&'static str> {
    ActionStatus::ALL
        .iter()
        .filter(|s| s.is_closed())
        .map(|s| s.code())
        .collect()
}

/// Notifications made before `cutoff` that are read, or whose action is closed (an unread
/// reminder of an action still open is kept).
fn expired_notifications(cutoff: DateTime<Utc>) -> sea_orm::Condition {
    use crate::entities::action;
    sea_orm::Condition::all()
        .add(notification::Column::CreatedAt.lt(cutoff))
        .add(
            sea_orm::Condition::any()
                .add(notification::Column::ReadAt.is_not_null())
                .add(
                    notification::Column::ActionId.in_subquery(
                        Query::select()
                            .column(action::Column::Id)
                            .from(action::Entity)
                            .and_where(action::Column::Status.is_in(closed_statuses()))
                            .to_owned(),
                    ),
                ),
        )
}

/// Sessions that expired longer ago than the sessions rule keeps them.
pub fn session_cutoff(period: Period, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    period.cutoff(now)
}

/// Sign-in failures that stopped counting longer ago than the rule keeps them.
pub fn sign_in_cutoff(period: Period, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    period.cutoff(now - crate::auth::service::THROTTLE_WINDOW)
}

/// How a purge was started.
#[derive(Debug, Clone)]
enum Mode {
    /// Count only; nothing is written.
    Preview,
    /// Delete, recording the run in `retention_run` under this id.
    Run(String),
}

/// What a run would delete now, counted; nothing is written.
pub async fn preview(
    state: &AppState,
    rc: &RequestContext,
    at: DateTime<Utc>,
) -> AppResult<Report> {
    purge(state, rc, at, Mode::Preview).await
}

async fn start_run<C: ConnectionTrait>(
    db: &C,
    day: Option<NaiveDate>,
    trigger: &str,
    at: DateTime<Utc>,
) -> AppResult<Option<String>> {
    let id = uuid::Uuid::new_v4().to_string();
    let row = retention_run::ActiveModel {
        id: Set(id.clone()),
        day: Set(day),
        trigger: Set(trigger.to_owned()),
        started_at: Set(at),
        finished_at: Set(None),
        outcome: Set(None),
        summary: Set(None),
    };
    let inserted = retention_run::Entity::insert(row)
        .on_conflict(
            OnConflict::column(retention_run::Column::Day)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await;
    match inserted {
        Ok(n) if n > 0 => Ok(Some(id)),
        Ok(_) | Err(DbErr::RecordNotInserted) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Runs the purge now (the business office's "run now"), as of `at`.
pub async fn run_now(
    state: &AppState,
    rc: &RequestContext,
    at: DateTime<Utc>,
) -> AppResult<Report> {
    let id = start_run(&state.db, None, MANUAL, now())
        .await?
        .ok_or_else(|| AppError::Internal("a run by hand could not be recorded".into()))?;
    purge(state, rc, at, Mode::Run(id)).await
}

/// The day's scheduled run, as of `at`, unless an instance has already claimed the day:
/// `None` then.
pub async fn run_scheduled(state: &AppState, at: DateTime<Utc>) -> AppResult<Option<Report>> {
    let Some(id) = start_run(&state.db, Some(at.date_naive()), SCHEDULED, now()).await? else {
        return Ok(None);
    };
    let rc = RequestContext::system("retention");
    purge(state, &rc, at, Mode::Run(id)).await.map(Some)
}

/// Checks every `--retention-check-secs` (the first check one interval after start)
/// whether today's run has happened, and runs it if no instance has.
pub fn spawn(state: AppState) {
    let secs = state.config.retention_check_secs;
    if secs == 0 {
        return;
    }
    tokio::spawn(async move {
        let period = std::time::Duration::from_secs(secs);
        let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let started = std::time::Instant::now();
            let result = run_scheduled(&state, Utc::now()).await;
            // A day another instance claimed is not a run of this one.
            if !matches!(result, Ok(None)) {
                state
                    .metrics
                    .job_finished("retention", result.is_ok(), started.elapsed());
            }
            match result {
                Ok(Some(report)) => tracing::info!(
                    reviews = report.reviews.len(),
                    chronologies = report.chronologies.len(),
                    held = report.held.len(),
                    failed = report.failed.len(),
                    audit_entries = report.audit_entries,
                    notifications = report.notifications,
                    sessions = report.sessions,
                    sign_in_attempts = report.sign_in_attempts,
                    "retention run"
                ),
                Ok(None) => tracing::debug!("today's retention run has already been claimed"),
                Err(e) => tracing::error!(error = %e, "retention run failed"),
            }
        }
    });
}

async fn purge(
    state: &AppState,
    rc: &RequestContext,
    at: DateTime<Utc>,
    mode: Mode,
) -> AppResult<Report> {
    let span = tracing::info_span!("retention", preview = matches!(mode, Mode::Preview), %at);
    let run_id = match &mode {
        Mode::Run(id) => Some(id.clone()),
        Mode::Preview => None,
    };
    let result = purge_all(state, rc, at, mode).instrument(span).await;
    if let (Err(e), Some(id)) = (&result, run_id) {
        let failed = retention_run::Entity::update_many()
            .col_expr(retention_run::Column::FinishedAt, Expr::value(now()))
            .col_expr(retention_run::Column::Outcome, Expr::value("FAILED"))
            .filter(retention_run::Column::Id.eq(id))
            .exec(&state.db)
            .await;
        if let Err(mark) = failed {
            tracing::error!(error = %mark, run_error = %e, "recording a failed retention run failed");
        }
    }
    result
}

async fn purge_all(
    state: &AppState,
    rc: &RequestContext,
    at: DateTime<Utc>,
    mode: Mode,
) -> AppResult<Report> {
    let write = matches!(mode, Mode::Run(_));
    let db = &state.db;
    let today = at.date_naive();
    let periods = periods(db).await?;
    let mut report = Report {
        dry_run: !write,
        as_of: Some(at),
        ..Default::default()
    };

    // Reviews, one transaction each.
    let held: HashSet<String> = legal_hold::Entity::find()
        .filter(legal_hold::Column::LiftedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|h| h.review_id)
        .collect();
    let reviews = review::Entity::find()
        .order_by_asc(review::Column::Reference)
        .all(db)
        .await?;
    let chronology_period = periods.of(RuleKey::of(RecordKind::ChronologyEntries));
    for r in &reviews {
        let Some(kind) = ReviewKind::from_code(&r.kind) else {
            continue;
        };
        let closed = closed_on(r);
        let is_held = held.contains(&r.id);
        let whole = disposition(closed, periods.review(kind), is_held, today);
        let chronology = disposition(closed, chronology_period, is_held, today);
        if is_held {
            let review_expired = match whole {
                Disposition::Held { expired } => expired,
                _ => None,
            };
            let chronology_expired = match chronology {
                Disposition::Held { expired } => expired,
                _ => None,
            };
            if review_expired.is_some() || chronology_expired.is_some() {
                report.held.push(HeldItem {
                    review_id: r.id.clone(),
                    reference: r.reference.clone(),
                    review_expired_on: review_expired,
                    chronology_expired_on: chronology_expired,
                });
            }
            continue;
        }
        let (target, expired_on) = match (whole, chronology) {
            (Disposition::Expired(on), _) => (Target::Review, on),
            (_, Disposition::Expired(on)) => (Target::Chronology, on),
            _ => continue,
        };
        let steps = match target {
            Target::Review => REVIEW_ROWS,
            Target::Chronology => CHRONOLOGY_ROWS,
        };
        if !write {
            let counts = rows_under(db, steps, &r.id, false).await?;
            if target == Target::Review || counts.1 > 0 {
                let list = match target {
                    Target::Review => &mut report.reviews,
                    Target::Chronology => &mut report.chronologies,
                };
                list.push(item(r, expired_on, counts));
            }
            continue;
        }
        match delete_under(state, rc, &r.id, target, today).await {
            Ok(Some(deleted)) => match target {
                Target::Review => report.reviews.push(deleted),
                Target::Chronology => report.chronologies.push(deleted),
            },
            Ok(None) => {}
            Err(e) => {
                // Its transaction rolled back: nothing of it was deleted. The next run tries
                // again; the others go ahead.
                tracing::error!(review = %r.reference, error = %e, "deleting an expired review failed");
                report.failed.push(FailedItem {
                    reference: r.reference.clone(),
                    what: match target {
                        Target::Review => "review",
                        Target::Chronology => "chronology",
                    }
                    .to_owned(),
                });
            }
        }
    }

    // Everything else, with the run's audit entry, in one transaction.
    let notifications_cut = periods
        .of(RuleKey::of(RecordKind::Notifications))
        .cutoff(at);
    let sessions_cut = session_cutoff(periods.of(RuleKey::of(RecordKind::Sessions)), at);
    let sign_in_cut = sign_in_cutoff(periods.of(RuleKey::of(RecordKind::SignInAttempts)), at);
    let audit_cut = periods.of(RuleKey::of(RecordKind::AuditLog)).cutoff(at);
    let Mode::Run(run_id) = mode else {
        if let Some(cut) = notifications_cut {
            report.notifications = count(
                notification::Entity::find().filter(expired_notifications(cut)),
                db,
            )
            .await?;
        }
        if let Some(cut) = sessions_cut {
            report.sessions = count(
                session::Entity::find().filter(session::Column::ExpiresAt.lt(cut)),
                db,
            )
            .await?;
        }
        if let Some(cut) = sign_in_cut {
            report.sign_in_attempts = count(
                sign_in_failure::Entity::find().filter(sign_in_failure::Column::At.lte(cut)),
                db,
            )
            .await?;
        }
        if let Some(cut) = audit_cut {
            report.audit_entries = audit_entries_before(db, cut).await?;
        }
        return Ok(report);
    };
    let txn = begin_write(db).await?;
    if let Some(cut) = notifications_cut {
        report.notifications = notification::Entity::delete_many()
            .filter(expired_notifications(cut))
            .exec(&txn)
            .await?
            .rows_affected;
    }
    if let Some(cut) = sessions_cut {
        report.sessions = session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lt(cut))
            .exec(&txn)
            .await?
            .rows_affected;
    }
    if let Some(cut) = sign_in_cut {
        report.sign_in_attempts = sign_in_failure::Entity::delete_many()
            .filter(sign_in_failure::Column::At.lte(cut))
            .exec(&txn)
            .await?
            .rows_affected;
    }
    if let Some(cut) = audit_cut {
        report.audit_log = audit_log::prune_before(&txn, cut).await?;
        report.audit_entries = report.audit_log.as_ref().map_or(0, |p| p.deleted);
    }
    let detail = serde_json::to_string(&report)
        .map_err(|e| AppError::Internal(format!("retention detail: {e}")))?;
    audit_log::append_with_detail(
        &txn,
        rc,
        Event::new(audit_log::PURGE_ACTION, "retention_run", &run_id),
        &detail,
    )
    .await?;
    retention_run::Entity::update_many()
        .col_expr(retention_run::Column::FinishedAt, Expr::value(now()))
        .col_expr(retention_run::Column::Outcome, Expr::value("DONE"))
        .col_expr(retention_run::Column::Summary, Expr::value(detail))
        .filter(retention_run::Column::Id.eq(run_id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(report)
}

async fn count<E: EntityTrait, C: ConnectionTrait>(
    query: sea_orm::Select<E>,
    db: &C,
) -> AppResult<u64>
where
    E::Model: Sync,
{
    use sea_orm::PaginatorTrait;
    Ok(query.count(db).await?)
}

/// How many of the oldest audit entries a purge as of `cutoff` would delete (the newest is
/// always kept).
async fn audit_entries_before<C: ConnectionTrait>(db: &C, cutoff: DateTime<Utc>) -> AppResult<u64> {
    use crate::entities::audit_log as log;
    let Some(newest) = log::Entity::find()
        .order_by_desc(log::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(0);
    };
    let first_kept = log::Entity::find()
        .filter(log::Column::At.gte(cutoff))
        .order_by_asc(log::Column::Id)
        .one(db)
        .await?
        .map_or(newest.id, |row| std::cmp::min(row.id, newest.id));
    count(
        log::Entity::find().filter(log::Column::Id.lt(first_kept)),
        db,
    )
    .await
}

/// The latest runs, newest first.
pub async fn runs<C: ConnectionTrait>(db: &C, first: u64) -> AppResult<Vec<retention_run::Model>> {
    if !(1..=50).contains(&first) {
        return Err(AppError::validation("first", "must be between 1 and 50"));
    }
    Ok(retention_run::Entity::find()
        .order_by_desc(retention_run::Column::StartedAt)
        .limit(first)
        .all(db)
        .await?)
}

/// A review the caller may see (for its retention fields).
pub async fn review_row<C: ConnectionTrait>(db: &C, id: &str) -> AppResult<review::Model> {
    review::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or(AppError::NotFound(REVIEW))
}
