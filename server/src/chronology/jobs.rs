//! Chronology imports as jobs: a file is read and checked whole first (refused whole, with
//! every problem by row and column, before any job exists), then a task stores its entries
//! and swaps them in, all or nothing for the person, without holding the write lock long.
//!
//! - The task writes the entries to `chronology_import_row` (which nothing else reads) in
//!   short transactions of one batch each, moving the job's `rows_stored` on. Each entry's
//!   "import" history row is written beside it, straight into `chronology_entry_history`:
//!   history is only ever read through its entry (`ChronologyEntry.history`), and these
//!   entries do not exist until the swap, so no one can reach those rows before.
//! - A last short transaction swaps them in: the return is locked and checked (still not
//!   submitted), entries the file holds unchanged keep their ids (their staged copies and
//!   history rows are dropped), the staged rows are copied into `chronology_entry` with one
//!   `INSERT … SELECT` in id order, entries the file no longer holds get their "delete"
//!   history and go, the return moves on a version with its audit row (as
//!   `confirmChronologyImport` always did), and the job is marked done, all in that
//!   transaction. Copying the history too doubled the swap (0.9 s for 50,000 entries on
//!   SQLite in an unoptimised build); without it the swap copies the entries only.
//! - On any failure the staged rows and their history rows are removed and the job is
//!   failed with a code and a message; the return is unchanged. A job whose server stopped is failed (and its rows
//!   removed) when a server starts, and by every server's sweep once it has not moved on
//!   for [`STALE_AFTER`].
//!
//! `confirmChronologyImport` (files up to `--background-import-rows`) runs the same job and
//! waits for it.

use super::service::{
    self, ensure_editable, entries_of_return, kept_return, prepare_rows, CheckedUpload, RowLock,
};
use crate::context::RequestContext;
use crate::db::begin_write;
use crate::entities::{
    agency, chronology_entry, chronology_entry_history, chronology_import_job as job,
    chronology_import_row as staged, chronology_return,
};
use crate::error::{AppError, AppResult};
use crate::events::{Change, ChangeKind};
use crate::state::AppState;
use chrono::Utc;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, Iterable, QueryFilter,
    QuerySelect, Set,
};
use shared::chronology::ImportJobStatus;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tracing::Instrument;

/// Progress is told at most this often (and once more when the job ends).
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// A queued or running job not moved on for this long has lost its server: a batch takes
/// well under a second, and the swap waits at most the database's busy timeout (10 s).
pub const STALE_AFTER: Duration = Duration::from_secs(60);

/// Staged rows removed per transaction after a job ends.
const CLEANUP_BATCH: u64 = 2_000;

/// How long a job leaves SQLite's write lock free between two of its transactions.
///
/// SQLite hands the lock to no one in particular: a writer that finds it taken sleeps and
/// polls again (its busy handler sleeps 1, 2, 5, 10 … and then 100 ms at a time), while the
/// job, ready with its next batch, takes the lock again the moment it is free. Back to back,
/// the batches starved everyone else: with 65 ms batches one person's read of the review
/// (which writes its audit row) waited 2.3 s. Free for longer than the longest poll
/// interval, every writer waiting when a batch ends gets its turn before the next batch.
/// PostgreSQL's writers of other rows never wait on the job: no pause there.
fn breather(conn: &impl ConnectionTrait) -> Duration {
    match conn.get_database_backend() {
        sea_orm::DbBackend::Sqlite => Duration::from_millis(110),
        _ => Duration::ZERO,
    }
}

/// Rows per staging transaction: as many as one multi-row statement carries (the backend's
/// parameter limit over the staging table's 25 columns: 1,200 rows on SQLite, 2,400 on
/// PostgreSQL). In an unoptimised build one batch (its entries and their history rows) held
/// SQLite's write lock for 55 to 200 ms.
fn staging_batch(conn: &impl ConnectionTrait) -> usize {
    let parameters = match conn.get_database_backend() {
        sea_orm::DbBackend::Postgres => 60_000,
        _ => 30_000,
    };
    parameters / staged::Column::iter().count().max(1)
}

fn code(status: ImportJobStatus) -> String {
    status.code().to_owned()
}

/// Starts a job for a checked file and answers at once with the job (QUEUED).
pub async fn start(
    state: &AppState,
    rc: &RequestContext,
    checked: CheckedUpload,
) -> AppResult<job::Model> {
    let (job, _running) = launch(state, rc, checked).await?;
    Ok(job)
}

/// Runs a job for a checked file and answers when it ends: the return as it now stands, or
/// what stopped it (as the job records it too). The job runs in its own task, so a client
/// that goes away does not leave it half-done.
pub async fn start_and_wait(
    state: &AppState,
    rc: &RequestContext,
    checked: CheckedUpload,
) -> AppResult<chronology_return::Model> {
    let (_, running) = launch(state, rc, checked).await?;
    running
        .await
        .map_err(|e| AppError::Internal(format!("import job task: {e}")))?
}

type Running = tokio::task::JoinHandle<AppResult<chronology_return::Model>>;

async fn launch(
    state: &AppState,
    rc: &RequestContext,
    checked: CheckedUpload,
) -> AppResult<(job::Model, Running)> {
    let now = crate::db::now();
    let total = i32::try_from(checked.rows.len()).unwrap_or(i32::MAX);
    let job = job::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        return_id: Set(checked.ret.id.clone()),
        review_id: Set(checked.ret.review_id.clone()),
        started_by: Set(rc.signed_in.as_ref().map(|s| s.actor.user_id.clone())),
        file_name: Set(checked.file_name.chars().take(255).collect()),
        status: Set(code(ImportJobStatus::Queued)),
        rows_total: Set(total),
        rows_stored: Set(0),
        error_code: Set(None),
        error_message: Set(None),
        started_at: Set(now),
        updated_at: Set(now),
        finished_at: Set(None),
    }
    .insert(&state.db)
    .await?;
    let span = tracing::info_span!("chronology_import", job = %job.id, rows = total);
    let running =
        tokio::spawn(run(state.clone(), rc.clone(), job.clone(), checked).instrument(span));
    Ok((job, running))
}

async fn run(
    state: AppState,
    rc: RequestContext,
    job: job::Model,
    checked: CheckedUpload,
) -> AppResult<chronology_return::Model> {
    let started = Instant::now();
    let result = store_and_swap(&state, &rc, &job, checked).await;
    let took = started.elapsed();
    state
        .metrics
        .job_finished("chronology_import", result.is_ok(), took);
    state
        .metrics
        .observe_import("background", result.is_ok(), took);
    match &result {
        Ok(ret) => {
            tracing::info!(
                took_ms = started.elapsed().as_millis() as u64,
                "import done"
            );
            tell(&state, &job).await;
            state
                .changed(&rc, &ret.review_id, ChangeKind::Return, Some(&ret.id))
                .await;
            // The staged rows were copied in the swap; they go after it, without keeping
            // anyone waiting for the answer (nothing reads them meanwhile).
            let (db, id) = (state.db.clone(), job.id.clone());
            tokio::spawn(
                async move {
                    if let Err(e) = remove_staged(&db, &id, false).await {
                        tracing::error!(error = %e, "removing an import's staged rows; the next sweep removes them");
                    }
                }
                .in_current_span(),
            );
        }
        Err(error) => {
            tracing::warn!(code = error.code(), error = %error, "import failed; nothing was changed");
            // Staged rows (and the history rows beside them) go first, so a job seen FAILED
            // has none left.
            if let Err(e) = remove_staged(&state.db, &job.id, true).await {
                tracing::error!(error = %e, "removing an import's staged rows; the next sweep removes them");
            }
            if let Err(e) = fail(&state.db, &job.id, error.code(), failure_message(error)).await {
                tracing::error!(error = %e, "recording the failed import");
            }
            tell(&state, &job).await;
        }
    }
    result
}

/// Tells whoever watches the job that it moved on.
async fn tell(state: &AppState, job: &job::Model) {
    state
        .events
        .publish(Change {
            review_id: job.review_id.clone(),
            kind: ChangeKind::ImportJob,
            object_id: Some(job.id.clone()),
            actor_id: job.started_by.clone(),
        })
        .await;
}

/// What the person reads when a job failed: the message as the API would give it.
fn failure_message(error: &AppError) -> String {
    match error {
        AppError::Internal(_) => {
            "Something went wrong on our side; nothing was changed. Start the import again.".into()
        }
        AppError::Validation(problems) => problems
            .0
            .iter()
            .map(|p| format!("{}: {}", p.field, p.message))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// Marks a job that has not ended FAILED, with the code and message of what stopped it.
async fn fail(
    db: &sea_orm::DatabaseConnection,
    job_id: &str,
    error_code: &str,
    message: String,
) -> AppResult<bool> {
    let now = crate::db::now();
    let moved = job::Entity::update_many()
        .col_expr(
            job::Column::Status,
            Expr::value(code(ImportJobStatus::Failed)),
        )
        .col_expr(job::Column::ErrorCode, Expr::value(error_code))
        .col_expr(job::Column::ErrorMessage, Expr::value(message))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .col_expr(job::Column::FinishedAt, Expr::value(now))
        .filter(job::Column::Id.eq(job_id))
        .filter(job::Column::Status.is_in([
            code(ImportJobStatus::Queued),
            code(ImportJobStatus::Running),
        ]))
        .exec(db)
        .await?;
    Ok(moved.rows_affected == 1)
}

/// Removes a job's staged rows, a batch at a time (each its own short transaction); with
/// `history`, the history rows written beside them too (a job that did not swap in: its
/// entries never existed).
async fn remove_staged(
    db: &sea_orm::DatabaseConnection,
    job_id: &str,
    history: bool,
) -> AppResult<()> {
    loop {
        let ids: Vec<String> = staged::Entity::find()
            .select_only()
            .column(staged::Column::Id)
            .filter(staged::Column::JobId.eq(job_id))
            .limit(CLEANUP_BATCH)
            .into_tuple()
            .all(db)
            .await?;
        if ids.is_empty() {
            return Ok(());
        }
        let txn = begin_write(db).await?;
        remove_rows(&txn, ids, history).await?;
        txn.commit().await?;
        tokio::time::sleep(breather(db)).await;
    }
}

/// Removes staged rows by id, and with `history` the history rows written beside them.
async fn remove_rows<C: ConnectionTrait>(
    txn: &C,
    ids: Vec<String>,
    history: bool,
) -> AppResult<()> {
    if history {
        chronology_entry_history::Entity::delete_many()
            .filter(chronology_entry_history::Column::EntryId.is_in(ids.iter().cloned()))
            .exec(txn)
            .await?;
    }
    staged::Entity::delete_many()
        .filter(staged::Column::Id.is_in(ids))
        .exec(txn)
        .await?;
    Ok(())
}

async fn store_and_swap(
    state: &AppState,
    rc: &RequestContext,
    job: &job::Model,
    checked: CheckedUpload,
) -> AppResult<chronology_return::Model> {
    let CheckedUpload {
        ret,
        agencies,
        rows,
        ..
    } = checked;
    let changed_by = job.started_by.clone();
    let (held, shared_with) = (ret.clone(), agencies.clone());
    let job_id = job.id.clone();
    let rows_to_stage = tokio::task::spawn_blocking(move || {
        prepare_rows(changed_by, &held, &rows, &shared_with)?
            .into_iter()
            .map(|p| {
                let history = p.history.clone();
                to_staged(&job_id, p).map(|row| (row, history))
            })
            .collect::<AppResult<Vec<_>>>()
    })
    .await
    .map_err(|e| AppError::Internal(format!("preparing imported entries: {e}")))??;
    let hashes: Vec<(String, String)> = rows_to_stage
        .iter()
        .map(|(r, _)| (r.id.clone(), r.content_hash.clone()))
        .collect();
    let moved = job::Entity::update_many()
        .col_expr(
            job::Column::Status,
            Expr::value(code(ImportJobStatus::Running)),
        )
        .col_expr(job::Column::UpdatedAt, Expr::value(crate::db::now()))
        .filter(job::Column::Id.eq(job.id.clone()))
        .filter(job::Column::Status.eq(code(ImportJobStatus::Queued)))
        .exec(&state.db)
        .await?;
    if moved.rows_affected != 1 {
        return Err(stopped());
    }
    tell(state, job).await;

    let batch = staging_batch(&state.db);
    let mut stored: i32 = 0;
    let mut told = Instant::now();
    let mut rest = rows_to_stage.into_iter().peekable();
    while rest.peek().is_some() {
        let (chunk, histories): (Vec<staged::ActiveModel>, Vec<_>) = rest
            .by_ref()
            .take(batch)
            .map(|(row, history)| (staged::ActiveModel::from(row), history))
            .unzip();
        stored = stored.saturating_add(i32::try_from(chunk.len()).unwrap_or(i32::MAX));
        let batch_began = Instant::now();
        let txn = begin_write(&state.db).await?;
        staged::Entity::insert_many(chunk)
            .exec_without_returning(&txn)
            .await?;
        chronology_entry_history::Entity::insert_many(histories)
            .exec_without_returning(&txn)
            .await?;
        let moved = job::Entity::update_many()
            .col_expr(job::Column::RowsStored, Expr::value(stored))
            .col_expr(job::Column::UpdatedAt, Expr::value(crate::db::now()))
            .filter(job::Column::Id.eq(job.id.clone()))
            .filter(job::Column::Status.eq(code(ImportJobStatus::Running)))
            .exec(&txn)
            .await?;
        if moved.rows_affected != 1 {
            return Err(stopped());
        }
        txn.commit().await?;
        tracing::debug!(
            batch_ms = batch_began.elapsed().as_millis() as u64,
            stored,
            "batch staged"
        );
        if told.elapsed() >= PROGRESS_EVERY {
            tell(state, job).await;
            told = Instant::now();
        }
        tokio::time::sleep(breather(&state.db)).await;
    }
    swap(state, rc, job, &hashes, &agencies).await
}

/// The job was failed meanwhile (its server was taken for gone): it stops.
fn stopped() -> AppError {
    AppError::Conflict(
        "This import was stopped before it finished; nothing was changed. Start it again.".into(),
    )
}

fn to_staged(job_id: &str, p: service::PreparedEntry) -> AppResult<staged::Model> {
    use sea_orm::TryIntoModel;
    let e = p
        .entry
        .try_into_model()
        .map_err(|e| AppError::Internal(format!("entry model: {e}")))?;
    Ok(staged::Model {
        id: e.id,
        job_id: job_id.to_owned(),
        return_id: e.return_id,
        review_id: e.review_id,
        agency_id: e.agency_id,
        seq: e.seq,
        start_on: e.start_on,
        precision: e.precision,
        uncertain: e.uncertain,
        start_time: e.start_time,
        end_on: e.end_on,
        end_precision: e.end_precision,
        end_uncertain: e.end_uncertain,
        end_time: e.end_time,
        source: e.source,
        event_type: e.event_type,
        event: e.event,
        action_taken: e.action_taken,
        shared_with: e.shared_with,
        practitioner_comment: e.practitioner_comment,
        note: e.note,
        case_id: e.case_id,
        content_hash: e.content_hash,
        version: e.version,
        created_at: e.created_at,
        updated_at: e.updated_at,
    })
}

/// The short last transaction: the staged entries replace the return's, or nothing changes.
async fn swap(
    state: &AppState,
    rc: &RequestContext,
    job: &job::Model,
    hashes: &[(String, String)],
    agencies: &[agency::Model],
) -> AppResult<chronology_return::Model> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let began = Instant::now();
    let (ret, _) = kept_return(&txn, actor, &job.return_id, RowLock::ForUpdate).await?;
    ensure_editable(&ret)?;
    // Entries the file holds unchanged stay as they are (their ids, annotations and
    // duplicate decisions with them); their staged copies are dropped.
    let mut unchanged: HashMap<String, Vec<chronology_entry::Model>> = HashMap::new();
    for e in entries_of_return(&txn, &ret.id).await? {
        unchanged.entry(e.content_hash.clone()).or_default().push(e);
    }
    let kept: Vec<String> = hashes
        .iter()
        .filter(|(_, hash)| unchanged.get_mut(hash).and_then(Vec::pop).is_some())
        .map(|(id, _)| id.clone())
        .collect();
    for chunk in kept.chunks(1_000) {
        remove_rows(&txn, chunk.to_vec(), true).await?;
    }
    let now = crate::db::now();
    let done = job::Entity::update_many()
        .col_expr(
            job::Column::Status,
            Expr::value(code(ImportJobStatus::Done)),
        )
        .col_expr(job::Column::RowsStored, Expr::value(job.rows_total))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .col_expr(job::Column::FinishedAt, Expr::value(now))
        .filter(job::Column::Id.eq(job.id.clone()))
        .filter(job::Column::Status.eq(code(ImportJobStatus::Running)))
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(stopped());
    }
    let copying = Instant::now();
    copy_staged(&txn, &job.id).await?;
    let copy_ms = copying.elapsed().as_millis() as u64;
    let gone: Vec<chronology_entry::Model> = unchanged.into_values().flatten().collect();
    service::remove_gone(&txn, job.started_by.clone(), gone, agencies).await?;
    let ret = service::record_import(&txn, rc, ret).await?;
    let committing = Instant::now();
    txn.commit().await?;
    tracing::info!(
        swap_ms = began.elapsed().as_millis() as u64,
        copy_ms,
        commit_ms = committing.elapsed().as_millis() as u64,
        kept = kept.len(),
        "import swapped in"
    );
    Ok(ret)
}

/// Copies a job's staged rows into the entries, in id order (each row then goes next to
/// the one before it in the primary key's index, instead of anywhere).
async fn copy_staged<C: ConnectionTrait>(txn: &C, job_id: &str) -> AppResult<()> {
    let entry_columns: Vec<chronology_entry::Column> = chronology_entry::Column::iter().collect();
    let mut select = Query::select();
    for c in &entry_columns {
        select.column((
            staged::Entity,
            sea_orm::sea_query::Alias::new(sea_orm::IdenStatic::as_str(c)),
        ));
    }
    select
        .from(staged::Entity)
        .and_where(staged::Column::JobId.eq(job_id))
        .order_by(staged::Column::Id, sea_orm::sea_query::Order::Asc);
    let entries = Query::insert()
        .into_table(chronology_entry::Entity)
        .columns(entry_columns.iter().copied())
        .select_from(select)
        .map_err(|e| AppError::Internal(format!("import copy: {e}")))?
        .to_owned();
    txn.execute(&entries).await?;
    Ok(())
}

/// Fails the jobs whose server stopped (queued or running, not moved on for `stale`) and
/// removes their staged rows, and any staged rows of ended jobs a stop left behind. Run as
/// a server starts and every minute after.
pub async fn sweep(state: &AppState, stale: Duration) -> AppResult<usize> {
    let before = Utc::now() - chrono::Duration::from_std(stale).unwrap_or_default();
    let lost = job::Entity::find()
        .filter(job::Column::Status.is_in([
            code(ImportJobStatus::Queued),
            code(ImportJobStatus::Running),
        ]))
        .filter(job::Column::UpdatedAt.lt(before))
        .all(&state.db)
        .await?;
    for j in &lost {
        // Failed first: should its server be alive after all, its swap then finds the job
        // failed and changes nothing.
        let failed = fail(
            &state.db,
            &j.id,
            "INTERRUPTED",
            "The server stopped during this import; nothing was changed. Start it again.".into(),
        )
        .await?;
        if failed {
            remove_staged(&state.db, &j.id, true).await?;
        }
        tell(state, j).await;
        tracing::warn!(job = %j.id, "an import whose server stopped was failed");
    }
    let ended: Vec<String> = staged::Entity::find()
        .select_only()
        .column(staged::Column::JobId)
        .distinct()
        .into_tuple()
        .all(&state.db)
        .await?;
    for job_id in ended {
        let status = job::Entity::find_by_id(job_id.clone())
            .one(&state.db)
            .await?
            .map(|j| j.status);
        match status.as_deref() {
            Some(s)
                if s == ImportJobStatus::Queued.code() || s == ImportJobStatus::Running.code() => {}
            // Swapped in: the history rows are the entries' own now.
            Some(s) if s == ImportJobStatus::Done.code() => {
                remove_staged(&state.db, &job_id, false).await?;
            }
            _ => remove_staged(&state.db, &job_id, true).await?,
        }
    }
    Ok(lost.len())
}

/// Sweeps as the server starts (jobs not moved on for 15 seconds were the stopped
/// server's: a running job moves on with every batch), then every minute.
pub fn spawn_sweeper(state: AppState) {
    tokio::spawn(
        async move {
            let mut stale = Duration::from_secs(15);
            loop {
                let started = Instant::now();
                let result = sweep(&state, stale).await;
                state
                    .metrics
                    .job_finished("import_sweeper", result.is_ok(), started.elapsed());
                match result {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(jobs = n, "interrupted imports failed"),
                    Err(e) => tracing::warn!(error = %e, "sweeping interrupted imports failed"),
                }
                stale = STALE_AFTER;
                tokio::time::sleep(STALE_AFTER).await;
            }
        }
        .instrument(tracing::info_span!("import_sweeper")),
    );
}

/// A job, for whoever may see its return: those who see every return of the review, and
/// members of the return's agency. Anyone else is answered as if it did not exist.
pub async fn visible_job(state: &AppState, rc: &RequestContext, id: &str) -> AppResult<job::Model> {
    let actor = rc.actor()?;
    let missing = || AppError::NotFound("Import job");
    let found = job::Entity::find_by_id(id.to_owned())
        .one(&state.db)
        .await?
        .ok_or_else(missing)?;
    let ret = chronology_return::Entity::find_by_id(found.return_id.clone())
        .one(&state.db)
        .await?
        .ok_or_else(missing)?;
    let (_, membership) = service::review_for(&state.db, actor, &ret.review_id)
        .await
        .map_err(|_| missing())?;
    let sees = shared::chronology::access::sees_all_returns(actor, membership)
        || (membership.is_some() && actor.agency_id.as_deref() == Some(ret.agency_id.as_str()));
    if sees {
        Ok(found)
    } else {
        Err(missing())
    }
}
