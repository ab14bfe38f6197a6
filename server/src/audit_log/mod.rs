//! The append-only audit log: every change and every read of review-level data. Each row
//! holds the hash of the one before, so any edit or deletion breaks the chain; `verify`
//! finds the first broken link. No case content is ever written here.

pub mod graphql;
pub mod labels;

use crate::context::RequestContext;
use crate::entities::audit_log;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sea_orm::sea_query::{Expr, Func, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use sha2::{Digest, Sha256};
use shared::audit::AuditEventKind;
use tracing::Instrument;

/// The hash the first row links back to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Identifies the advisory lock that orders appends across PostgreSQL instances.
const APPEND_LOCK: i64 = 0x6175_6469_745f_6c6f;

/// What happened, to which object.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<&'a str>,
}

impl<'a> Event<'a> {
    pub fn new(action: &'a str, object_type: &'a str, object_id: &'a str) -> Self {
        Self {
            action,
            object_type,
            object_id: Some(object_id),
        }
    }
}

struct Fields<'a> {
    at: &'a str,
    actor_id: Option<&'a str>,
    actor_name: Option<&'a str>,
    agency_id: Option<&'a str>,
    agency_prefix: Option<&'a str>,
    role: Option<&'a str>,
    action: &'a str,
    object_type: &'a str,
    object_id: Option<&'a str>,
    correlation_id: &'a str,
    detail: Option<&'a str>,
}

fn chain_hash(prev: &str, f: &Fields<'_>) -> String {
    let mut h = Sha256::new();
    for part in [
        Some(prev),
        Some(f.at),
        f.actor_id,
        f.actor_name,
        f.agency_id,
        f.agency_prefix,
        f.role,
        Some(f.action),
        Some(f.object_type),
        f.object_id,
        Some(f.correlation_id),
    ] {
        // Length-prefixed so that no two different rows hash the same bytes.
        match part {
            Some(s) => {
                h.update((s.len() as u64).to_be_bytes());
                h.update(s.as_bytes());
            }
            None => h.update(u64::MAX.to_be_bytes()),
        }
    }
    // Only rows that have one hash a detail, so rows written before it existed keep theirs.
    if let Some(detail) = f.detail {
        h.update((detail.len() as u64).to_be_bytes());
        h.update(detail.as_bytes());
    }
    hex::encode(h.finalize())
}

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Who did what, owned, so that it can wait for a shared commit (see [`Reads`]).
#[derive(Debug, Clone)]
struct Record {
    actor_id: Option<String>,
    actor_name: Option<String>,
    agency_id: Option<String>,
    agency_prefix: Option<String>,
    role: Option<String>,
    action: String,
    object_type: String,
    object_id: Option<String>,
    correlation_id: String,
    detail: Option<String>,
}

impl Record {
    fn of(rc: &RequestContext, event: Event<'_>) -> Self {
        let signed_in = rc.signed_in.as_ref();
        Self {
            actor_id: signed_in.map(|s| s.actor.user_id.clone()),
            actor_name: signed_in.map(|s| s.display_name.clone()),
            agency_id: signed_in.and_then(|s| s.actor.agency_id.clone()),
            agency_prefix: signed_in.and_then(|s| s.agency_prefix.clone()),
            role: signed_in
                .and_then(|s| s.actor.primary_role())
                .map(|r| r.code().to_owned()),
            action: event.action.to_owned(),
            object_type: event.object_type.to_owned(),
            object_id: event.object_id.map(str::to_owned),
            correlation_id: rc.correlation_id.clone(),
            detail: None,
        }
    }
}

/// Appends one row inside the caller's transaction, so the change and its record commit
/// together or not at all.
pub async fn append<C: ConnectionTrait>(
    conn: &C,
    rc: &RequestContext,
    event: Event<'_>,
) -> AppResult<()> {
    append_records(conn, std::slice::from_ref(&Record::of(rc, event))).await
}

/// Appends one row with a detail (JSON: counts and references, never case content), hashed
/// into the chain with the rest of the row.
pub async fn append_with_detail<C: ConnectionTrait>(
    conn: &C,
    rc: &RequestContext,
    event: Event<'_>,
    detail: &str,
) -> AppResult<()> {
    let mut record = Record::of(rc, event);
    record.detail = Some(detail.to_owned());
    append_records(conn, std::slice::from_ref(&record)).await
}

/// Appends rows in order inside the caller's transaction, each linked to the one before.
async fn append_records<C: ConnectionTrait>(conn: &C, records: &[Record]) -> AppResult<()> {
    if records.is_empty() {
        return Ok(());
    }
    crate::db::take_turns(conn, APPEND_LOCK).await?;
    let mut prev = audit_log::Entity::find()
        .order_by_desc(audit_log::Column::Id)
        .one(conn)
        .await?
        .map(|row| row.hash)
        .unwrap_or_else(|| GENESIS.to_string());
    // Stored to the microsecond: PostgreSQL keeps no more, and the hash must match.
    let at = crate::db::now();
    let at_text = timestamp(at);
    let mut rows = Vec::with_capacity(records.len());
    for r in records {
        let fields = Fields {
            at: &at_text,
            actor_id: r.actor_id.as_deref(),
            actor_name: r.actor_name.as_deref(),
            agency_id: r.agency_id.as_deref(),
            agency_prefix: r.agency_prefix.as_deref(),
            role: r.role.as_deref(),
            action: &r.action,
            object_type: &r.object_type,
            object_id: r.object_id.as_deref(),
            correlation_id: &r.correlation_id,
            detail: r.detail.as_deref(),
        };
        let hash = chain_hash(&prev, &fields);
        rows.push(audit_log::ActiveModel {
            id: Default::default(),
            at: Set(at),
            actor_id: Set(r.actor_id.clone()),
            actor_name: Set(r.actor_name.clone()),
            agency_id: Set(r.agency_id.clone()),
            agency_prefix: Set(r.agency_prefix.clone()),
            role: Set(r.role.clone()),
            action: Set(r.action.clone()),
            object_type: Set(r.object_type.clone()),
            object_id: Set(r.object_id.clone()),
            correlation_id: Set(r.correlation_id.clone()),
            prev_hash: Set(std::mem::replace(&mut prev, hash.clone())),
            hash: Set(hash),
            detail: Set(r.detail.clone()),
        });
    }
    // Ids are given in insertion order, which is the chain's order.
    for chunk in rows.chunks(200) {
        audit_log::Entity::insert_many(chunk.to_vec())
            .exec(conn)
            .await?;
    }
    Ok(())
}

type ReadReply = tokio::sync::oneshot::Sender<Result<(), String>>;

/// Records reads of review-level data with group commit: every read waits until its row is
/// committed (so nothing is answered unrecorded), but reads arriving together share one
/// transaction, so a burst of readers costs one write, not one each (SQLite serialises
/// writes, and each commit waits for the disk).
///
/// The writer commits over a connection of its own, opened from the same URL and settings
/// as the shared pool. Over the shared pool, each batch first queued for a connection behind
/// the very readers waiting for it: with 32 readers on PostgreSQL's 20 connections, a read
/// that just missed one batch waited for that batch, then for the next one's turn in the
/// pool queue (as long as the pool's whole queue), then for its commit.
#[derive(Clone)]
pub struct Reads {
    queue: tokio::sync::mpsc::UnboundedSender<(Record, ReadReply)>,
}

/// At most this many reads share one commit.
const READS_PER_COMMIT: usize = 500;

impl Reads {
    /// Starts the writer (it ends when every handle is dropped). It writes over its own
    /// connection to `database_url`, opened with its first batch; over `db` (the shared
    /// pool) when there is no URL, the database is in memory, or that connection cannot be
    /// opened (it is tried again with the next batch).
    pub fn start(db: DatabaseConnection, database_url: Option<String>) -> Self {
        let (queue, mut incoming) = tokio::sync::mpsc::unbounded_channel::<(Record, ReadReply)>();
        tokio::spawn(async move {
            let mut url = database_url;
            let mut own: Option<DatabaseConnection> = None;
            let mut batch = Vec::new();
            while incoming.recv_many(&mut batch, READS_PER_COMMIT).await > 0 {
                if own.is_none() {
                    if let Some(u) = &url {
                        match crate::db::connect_own(u).await {
                            Ok(Some(conn)) => own = Some(conn),
                            Ok(None) => url = None,
                            Err(e) => tracing::warn!(
                                error = %e,
                                "the audit log writer could not open its own connection; \
                                 writing over the shared pool"
                            ),
                        }
                    }
                }
                let conn = own.as_ref().unwrap_or(&db);
                let (records, replies): (Vec<Record>, Vec<ReadReply>) =
                    std::mem::take(&mut batch).into_iter().unzip();
                let span = tracing::debug_span!("audit.reads", count = records.len());
                let outcome = async {
                    let txn = crate::db::begin_write(conn).await?;
                    append_records(&txn, &records).await?;
                    txn.commit().await?;
                    AppResult::Ok(())
                }
                .instrument(span)
                .await
                .map_err(|e| e.to_string());
                if let Err(e) = &outcome {
                    tracing::error!(error = %e, count = records.len(), "recording reads failed");
                }
                for reply in replies {
                    // The reader may have gone (request cancelled): nothing to tell.
                    let _ = reply.send(outcome.clone());
                }
            }
        });
        Self { queue }
    }

    /// Records one read and waits until it is committed.
    pub async fn record(&self, rc: &RequestContext, event: Event<'_>) -> AppResult<()> {
        let (reply, committed) = tokio::sync::oneshot::channel();
        self.queue
            .send((Record::of(rc, event), reply))
            .map_err(|_| AppError::Internal("the audit log writer has stopped".into()))?;
        committed
            .await
            .map_err(|_| AppError::Internal("the audit log writer has stopped".into()))?
            .map_err(AppError::Internal)
    }
}

/// The result of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub intact: bool,
    pub checked: u64,
    pub first_broken_id: Option<i64>,
}

/// The action of the retention purge's entry. When the purge deleted the oldest entries,
/// its detail records them under `auditLog` ([`Pruned`]): the anchor the kept chain is
/// verified from.
pub const PURGE_ACTION: &str = "retention.purge";

/// The oldest entries deleted by one purge: how many, and the id and hash of the last.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pruned {
    pub deleted: u64,
    pub through_id: i64,
    pub through_hash: String,
}

/// Deletes the entries written before `cutoff`, oldest first and in chain order, inside the
/// caller's transaction (which must then append the purge's entry recording the result,
/// in the same transaction). The newest entry is always kept, so the chain goes on from it.
/// The database refuses these deletes unless the transaction holds a permit naming the
/// last id that may go (`audit_log_prune`), which it removes again before it returns.
pub async fn prune_before<C: ConnectionTrait>(
    conn: &C,
    cutoff: DateTime<Utc>,
) -> AppResult<Option<Pruned>> {
    crate::db::take_turns(conn, APPEND_LOCK).await?;
    let Some(newest) = audit_log::Entity::find()
        .order_by_desc(audit_log::Column::Id)
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let first_kept = audit_log::Entity::find()
        .filter(audit_log::Column::At.gte(cutoff))
        .order_by_asc(audit_log::Column::Id)
        .one(conn)
        .await?
        .map_or(newest.id, |row| row.id.min(newest.id));
    let Some(last) = audit_log::Entity::find()
        .filter(audit_log::Column::Id.lt(first_kept))
        .order_by_desc(audit_log::Column::Id)
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    // An integer of our own, not input: formatted into the statement on either database.
    conn.execute_unprepared(&format!(
        "INSERT INTO audit_log_prune (through_id) VALUES ({})",
        last.id
    ))
    .await?;
    let deleted = audit_log::Entity::delete_many()
        .filter(audit_log::Column::Id.lte(last.id))
        .exec(conn)
        .await?
        .rows_affected;
    conn.execute_unprepared("DELETE FROM audit_log_prune")
        .await?;
    Ok(Some(Pruned {
        deleted,
        through_id: last.id,
        through_hash: last.hash,
    }))
}

/// What the latest purge that deleted entries recorded about them, if any.
async fn prune_anchor(db: &DatabaseConnection) -> AppResult<Option<Pruned>> {
    let row = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(PURGE_ACTION))
        .filter(audit_log::Column::Detail.contains("throughHash"))
        .order_by_desc(audit_log::Column::Id)
        .one(db)
        .await?;
    Ok(row
        .and_then(|r| r.detail)
        .and_then(|d| serde_json::from_str::<serde_json::Value>(&d).ok())
        .and_then(|v| serde_json::from_value::<Pruned>(v.get("auditLog")?.clone()).ok()))
}

/// Recomputes every row's hash in order and reports the first row that does not match.
/// The oldest row links back to the start of the chain or, once the oldest entries were
/// deleted by a purge, to the last of them, as the purge's own (kept, chained) entry
/// records: any other link, or a deletion no purge recorded, is a break.
pub async fn verify(db: &DatabaseConnection) -> AppResult<ChainReport> {
    let mut prev = GENESIS.to_string();
    let mut after = 0_i64;
    let mut checked = 0_u64;
    let oldest = audit_log::Entity::find()
        .order_by_asc(audit_log::Column::Id)
        .one(db)
        .await?;
    if let Some(first) = oldest.filter(|row| row.prev_hash != GENESIS) {
        match prune_anchor(db).await? {
            Some(anchor)
                if anchor.through_hash == first.prev_hash && anchor.through_id < first.id =>
            {
                prev = anchor.through_hash;
            }
            _ => {
                return Ok(ChainReport {
                    intact: false,
                    checked,
                    first_broken_id: Some(first.id),
                })
            }
        }
    }
    loop {
        let rows = audit_log::Entity::find()
            .filter(audit_log::Column::Id.gt(after))
            .order_by_asc(audit_log::Column::Id)
            .limit(1000)
            .all(db)
            .await?;
        if rows.is_empty() {
            return Ok(ChainReport {
                intact: true,
                checked,
                first_broken_id: None,
            });
        }
        for row in rows {
            let at_text = timestamp(row.at);
            let fields = Fields {
                at: &at_text,
                actor_id: row.actor_id.as_deref(),
                actor_name: row.actor_name.as_deref(),
                agency_id: row.agency_id.as_deref(),
                agency_prefix: row.agency_prefix.as_deref(),
                role: row.role.as_deref(),
                action: &row.action,
                object_type: &row.object_type,
                object_id: row.object_id.as_deref(),
                correlation_id: &row.correlation_id,
                detail: row.detail.as_deref(),
            };
            if row.prev_hash != prev || chain_hash(&prev, &fields) != row.hash {
                return Ok(ChainReport {
                    intact: false,
                    checked,
                    first_broken_id: Some(row.id),
                });
            }
            checked += 1;
            prev = row.hash;
            after = row.id;
        }
    }
}

/// Filters of the audit log page.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub actor_id: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Entries about this review or any of its records (held or not).
    pub review_id: Option<String>,
    /// Entries of any of these kinds (every kind when empty).
    pub kinds: Vec<AuditEventKind>,
}

/// The longest id the filters take (ids are UUIDs).
const MAX_ID: usize = 64;

/// Entries whose object is the review or one of its records: its chronology returns,
/// entries and their annotations, dismissed name checks, learning points and their
/// recommendations, actions and learning summary.
pub fn about_review(review_id: &str) -> Condition {
    use sea_orm::sea_query::ExprTrait;
    let ids_of = |table: &'static str| {
        Query::select()
            .column("id")
            .from(table)
            .and_where(Expr::col("review_id").eq(review_id.to_owned()))
            .to_owned()
    };
    let object = || Expr::col((audit_log::Entity, audit_log::Column::ObjectId));
    let mut any = Condition::any().add(audit_log::Column::ObjectId.eq(review_id.to_owned()));
    for table in [
        "chronology_return",
        "chronology_entry",
        "annotation",
        "anonymisation_dismissal",
        "learning_point",
        "action",
        "learning_summary",
    ] {
        any = any.add(object().in_subquery(ids_of(table)));
    }
    any.add(
        object().in_subquery(
            Query::select()
                .column("id")
                .from("recommendation")
                .and_where(Expr::col("learning_point_id").in_subquery(ids_of("learning_point")))
                .to_owned(),
        ),
    )
}

/// Entries of any of `kinds`; [`AuditEventKind::Other`] takes in every action the
/// vocabulary does not know.
fn of_kinds(kinds: &[AuditEventKind]) -> Condition {
    // Each kind once, however often it was asked for: the list of codes stays bounded by
    // the vocabulary, not by the request.
    let mut distinct: Vec<AuditEventKind> = Vec::new();
    for k in kinds {
        if !distinct.contains(k) {
            distinct.push(*k);
        }
    }
    let kinds = distinct.as_slice();
    let codes: Vec<&str> = kinds
        .iter()
        .flat_map(|k| shared::audit::actions_of(*k))
        .collect();
    let mut any = Condition::any();
    if !codes.is_empty() {
        any = any.add(audit_log::Column::Action.is_in(codes));
    }
    if kinds.contains(&AuditEventKind::Other) {
        let known = shared::audit::ACTIONS.iter().map(|(code, _, _)| *code);
        any = any.add(audit_log::Column::Action.is_not_in(known));
    }
    any
}

/// The id of the review with this reference (any case), for the review filter.
pub async fn review_by_reference<C: ConnectionTrait>(
    db: &C,
    field: &str,
    reference: &str,
) -> AppResult<String> {
    use sea_orm::sea_query::ExprTrait;
    let reference = reference.trim();
    if reference.chars().count() > MAX_ID || reference.chars().any(char::is_control) {
        return Err(AppError::validation(
            field,
            "is not a review reference (for example SCR-2016-03)",
        ));
    }
    let found: Option<String> = crate::entities::review::Entity::find()
        .select_only()
        .column(crate::entities::review::Column::Id)
        .filter(
            Expr::expr(Func::upper(Expr::col(
                crate::entities::review::Column::Reference,
            )))
            .eq(reference.to_uppercase()),
        )
        .into_tuple()
        .one(db)
        .await?;
    found.ok_or_else(|| AppError::validation(field, "does not match any review's reference"))
}

/// Newest first, `first` rows after the cursor (a row id).
pub async fn page(
    db: &DatabaseConnection,
    filter: &Filter,
    after: Option<&str>,
    first: u64,
) -> AppResult<(Vec<audit_log::Model>, Option<String>)> {
    if !(1..=200).contains(&first) {
        return Err(AppError::validation("first", "must be between 1 and 200"));
    }
    if let (Some(from), Some(to)) = (filter.from, filter.to) {
        if from > to {
            return Err(AppError::validation(
                "to",
                "must not be before the from date",
            ));
        }
    }
    if let Some(id) = &filter.review_id {
        if id.trim().is_empty() || id.len() > MAX_ID || id.chars().any(char::is_control) {
            return Err(AppError::validation("reviewId", "is not a review's id"));
        }
    }
    let mut query = audit_log::Entity::find().order_by_desc(audit_log::Column::Id);
    if let Some(id) = &filter.review_id {
        query = query.filter(about_review(id));
    }
    if !filter.kinds.is_empty() {
        query = query.filter(of_kinds(&filter.kinds));
    }
    if let Some(cursor) = after {
        let id: i64 = cursor
            .parse()
            .map_err(|_| AppError::validation("after", "is not a cursor this list gave out"))?;
        query = query.filter(audit_log::Column::Id.lt(id));
    }
    if let Some(actor) = &filter.actor_id {
        query = query.filter(audit_log::Column::ActorId.eq(actor.clone()));
    }
    if let Some(t) = &filter.object_type {
        query = query.filter(audit_log::Column::ObjectType.eq(t.clone()));
    }
    if let Some(id) = &filter.object_id {
        query = query.filter(audit_log::Column::ObjectId.eq(id.clone()));
    }
    if let Some(from) = filter.from {
        query =
            query.filter(audit_log::Column::At.gte(from.and_hms_opt(0, 0, 0).map(|t| t.and_utc())));
    }
    if let Some(to) = filter.to.and_then(|d| d.succ_opt()) {
        query =
            query.filter(audit_log::Column::At.lt(to.and_hms_opt(0, 0, 0).map(|t| t.and_utc())));
    }
    let mut rows = query.limit(first + 1).all(db).await?;
    let next = if rows.len() as u64 > first {
        rows.truncate(first as usize);
        rows.last().map(|r| r.id.to_string())
    } else {
        None
    };
    Ok((rows, next))
}
