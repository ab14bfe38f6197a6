//! The database: connecting (SQLite tuned for durability, or PostgreSQL), migrating, and
//! starting write transactions.

use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, QueryResult, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
    TryGetable,
};
use std::time::Duration;

/// A pooled connection idle this long is pinged before it is handed out.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(30);
/// How much of a SQLite database file is read memory-mapped.
const MMAP_BYTES: u64 = 1 << 30;
/// Rows a SQLite connection's thread sends ahead of the reader (sqlx's default is 50).
const ROW_BUFFER: usize = 256;
/// Each SQLite connection's page cache (for what is not memory-mapped, and for writes).
const CACHE_KIB: u32 = 16 * 1024;

/// Connections of the shared pool on SQLite (one writes at a time; the rest read).
const SQLITE_POOL: u32 = 8;
/// Connections of the shared pool on PostgreSQL.
const POSTGRES_POOL: u32 = 20;

/// The shared pool every request draws from.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let pool = if url.starts_with("sqlite:") {
        SQLITE_POOL
    } else {
        POSTGRES_POOL
    };
    open(url, pool, 1).await
}

/// How often opening a SQLite database is tried while it answers "database is locked".
const OPEN_ATTEMPTS: u32 = 8;

/// Opens a pool. Two processes opening one SQLite file at the same moment (instances
/// starting together) can get SQLITE_BUSY from setting WAL mode, which the busy timeout
/// does not cover; opening is then tried again after a short wait, a few times.
async fn open(url: &str, max: u32, min: u32) -> Result<DatabaseConnection, DbErr> {
    let mut attempt = 1;
    loop {
        match Database::connect(options(url, max, min)?).await {
            Err(e) if attempt < OPEN_ATTEMPTS && url.starts_with("sqlite:") && is_busy(&e) => {
                tracing::debug!(attempt, "the SQLite database is busy opening; trying again");
                tokio::time::sleep(Duration::from_millis(50 * u64::from(attempt))).await;
                attempt += 1;
            }
            result => return result,
        }
    }
}

/// SQLITE_BUSY ("database is locked"), in any of its extended forms.
fn is_busy(e: &DbErr) -> bool {
    let (DbErr::Conn(sea_orm::RuntimeErr::SqlxError(inner))
    | DbErr::Exec(sea_orm::RuntimeErr::SqlxError(inner))) = e
    else {
        return false;
    };
    let sqlx::Error::Database(db) = inner.as_ref() else {
        return false;
    };
    db.code()
        .and_then(|c| c.parse::<i32>().ok())
        .is_some_and(|code| code & 0xff == 5)
}

/// One connection of its own, configured as the shared pool's are, for a background writer
/// that must not queue behind requests for a pooled connection (see
/// [`crate::audit_log::Reads`]). Opened when first used and reopened if it is lost. `None`
/// for an in-memory SQLite database, where another connection would be another database.
pub async fn connect_own(url: &str) -> Result<Option<DatabaseConnection>, DbErr> {
    if url.starts_with("sqlite:") && (url.contains(":memory:") || url.contains("mode=memory")) {
        return Ok(None);
    }
    open(url, 1, 0).await.map(Some)
}

fn options(url: &str, max: u32, min: u32) -> Result<ConnectOptions, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .acquire_timeout(Duration::from_secs(10))
        // sqlx already pings every connection as it goes back to the pool (and drops it if
        // the ping fails); pinging it again as it comes out doubled the round trips of every
        // statement. Only a connection idle long enough for the server, a proxy or a
        // firewall to have dropped it is checked before use.
        .test_before_acquire_if_idle_for(IDLE_BEFORE_PING);
    if url.starts_with("sqlite:") {
        if let Some(dir) = sqlite_parent_dir(url) {
            std::fs::create_dir_all(&dir)
                .map_err(|e| DbErr::Custom(format!("cannot create {dir}: {e}")))?;
        }
        options
            .max_connections(max)
            .min_connections(min)
            .map_sqlx_sqlite_pool_opts(|o| {
                o.after_release(|conn, _| Box::pin(sqlite_connection_reusable(conn)))
            })
            .map_sqlx_sqlite_opts(|o| {
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                    .create_if_missing(true)
                    // Reads through memory-mapped pages instead of a `pread` copy into each
                    // connection's 2 MiB page cache: the library's full-text index and texts
                    // are tens of megabytes, and a search spent a fifth of its time in
                    // `pread`. Address space only; the OS page cache holds the pages once
                    // for every connection.
                    .pragma("mmap_size", MMAP_BYTES.to_string())
                    .pragma("cache_size", format!("-{CACHE_KIB}"))
                    // A page of rows (the master plan's 50 and one) crosses from the
                    // connection's thread without it stopping for the reader half-way.
                    .row_buffer_size(ROW_BUFFER)
            });
    } else {
        // Prepared statements keep one generic plan. Left to choose, PostgreSQL plans afresh
        // on every execution of any statement with a bound LIMIT (sea-orm binds every
        // LIMIT, `one()` included), because a plan for the actual limit always looks
        // cheaper: planning the master action plan's page took 5 ms, running it 0.5 ms.
        options
            .max_connections(max)
            .min_connections(min)
            .map_sqlx_postgres_opts(|o| o.options([("plan_cache_mode", "force_generic_plan")]));
    }
    Ok(options)
}

/// Whether a SQLite connection coming back to the pool may be handed out again: only when
/// it is outside any transaction, both as sqlx counts (no open `BEGIN` or savepoint) and as
/// SQLite itself says (autocommit). Otherwise it is closed, and the pool opens a fresh one.
///
/// After SQLITE_FULL (a full disk) SQLite rolls the transaction back by itself; the ROLLBACK
/// sqlx then sends fails, and sqlx still counts the connection as in a transaction. Reused,
/// the next write transaction on it became a SAVEPOINT instead of `BEGIN IMMEDIATE`, a rolled
/// back one left SQLite inside a transaction, and every later "commit" on that connection only
/// released a savepoint while it held the write lock: acknowledged writes never committed, and
/// everyone else got "database is locked".
async fn sqlite_connection_reusable(
    conn: &mut sqlx::SqliteConnection,
) -> Result<bool, sqlx::Error> {
    use sqlx::Connection;
    // Locking the handle waits for the connection's worker to finish what was queued before
    // it (a rollback started as a transaction was dropped), so both answers are current.
    let autocommit = {
        let mut handle = conn.lock_handle().await?;
        let raw = handle.as_raw_handle();
        // SAFETY: the handle is open and locked for this call alone; `sqlite3_get_autocommit`
        // only reads a flag of it.
        unsafe { libsqlite3_sys::sqlite3_get_autocommit(raw.as_ptr()) }
    };
    Ok(autocommit != 0 && !conn.is_in_transaction())
}

/// The directory a SQLite URL's file lives in, so it can be created on first run.
fn sqlite_parent_dir(url: &str) -> Option<String> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next()?;
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    let parent = std::path::Path::new(path).parent()?.to_str()?.to_string();
    (!parent.is_empty()).then_some(parent)
}

/// Identifies the advisory lock instances take turns on to migrate (PostgreSQL).
const MIGRATE_LOCK: i64 = 0x6d69_6772_6174_6521;

/// Brings the schema up to date. Instances starting together take turns: the pending
/// migrations are found and applied inside one write transaction that first takes the
/// migration lock, so the next instance finds them applied instead of creating the same
/// tables again. A failed migration leaves nothing half done.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    let txn = begin_write(db).await?;
    take_turns(&txn, MIGRATE_LOCK).await?;
    Migrator::up(&txn, None).await?;
    txn.commit().await
}

/// Makes the caller's transaction wait until no other transaction, in any instance, holds
/// the turn `key`, and holds it until it commits or rolls back. On PostgreSQL a
/// transaction-scoped advisory lock; on SQLite nothing, since a write transaction already
/// has the database to itself.
pub async fn take_turns(txn: &impl ConnectionTrait, key: i64) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [key.into()],
        ))
        .await?;
    }
    Ok(())
}

/// Begins a write transaction. On SQLite it takes the write lock at once (BEGIN IMMEDIATE),
/// so two writers queue on the busy timeout instead of failing half-way.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    match db.get_database_backend() {
        DbBackend::Sqlite => {
            db.begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await
        }
        _ => db.begin().await,
    }
}

/// Column `index` of `row`, which may be NULL. sea-orm reads a NULL by failing with an error
/// whose message it formats first (the column's number as text), then turning that error
/// into `None`: for the master plan's mostly-empty optional columns, one formatted string a
/// column a row. This asks the driver for an `Option` directly.
pub fn nullable<T>(row: &QueryResult, index: usize) -> Result<Option<T>, DbErr>
where
    T: for<'r> sqlx::Decode<'r, sqlx::Postgres>
        + sqlx::Type<sqlx::Postgres>
        + for<'r> sqlx::Decode<'r, sqlx::Sqlite>
        + sqlx::Type<sqlx::Sqlite>,
    Option<T>: TryGetable,
{
    use sqlx::Row;
    let decoded = if let Some(row) = row.try_as_pg_row() {
        row.try_get::<Option<T>, _>(index)
    } else if let Some(row) = row.try_as_sqlite_row() {
        row.try_get::<Option<T>, _>(index)
    } else {
        return row.try_get_by_index(index);
    };
    decoded.map_err(|e| DbErr::Type(format!("column {index}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_directories() {
        assert_eq!(
            sqlite_parent_dir("sqlite://data/platform.db?mode=rwc").as_deref(),
            Some("data")
        );
        assert_eq!(sqlite_parent_dir("sqlite::memory:"), None);
        assert_eq!(sqlite_parent_dir("sqlite://x.db"), None);
    }
}

/// The time now, as both databases keep it (to the microsecond): what is written is what
/// is read back, on SQLite and PostgreSQL alike. Every stored time is taken from here.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}

/// A stored code read back as its vocabulary: a value the server does not know (written
/// by hand, or by a newer version) is an internal error naming the list, never a default.
pub fn stored<T: shared::Vocabulary>(code: &str) -> crate::error::AppResult<T> {
    T::from_code(code).ok_or_else(|| {
        crate::error::AppError::Internal(format!("a stored {} is not known: {code:?}", T::NAME))
    })
}

#[cfg(test)]
mod stored_tests {
    use shared::actions::ActionStatus;

    #[test]
    fn a_known_code_reads_back_and_an_unknown_one_is_an_internal_error() {
        assert_eq!(
            super::stored::<ActionStatus>("IN_PROGRESS").ok(),
            Some(ActionStatus::InProgress)
        );
        let error = super::stored::<ActionStatus>("in progress").expect_err("unknown");
        assert_eq!(error.code(), "INTERNAL");
        assert!(error.to_string().contains("ActionStatus"), "{error}");
    }
}

/// Deletes the row `id` of `E` if it is still at `version`, in the caller's transaction:
/// `stale` when it is there at another version, NOT_FOUND (`what`) when it is gone.
pub async fn delete_at_version<E, C>(
    txn: &C,
    id_column: E::Column,
    version_column: E::Column,
    id: &str,
    version: i32,
    what: &'static str,
    stale: impl FnOnce() -> crate::error::AppError,
) -> crate::error::AppResult<()>
where
    E: sea_orm::EntityTrait,
    C: sea_orm::ConnectionTrait,
{
    use sea_orm::{ColumnTrait, QueryFilter};
    let result = E::delete_many()
        .filter(id_column.eq(id))
        .filter(version_column.eq(version))
        .exec(txn)
        .await?;
    if result.rows_affected == 1 {
        return Ok(());
    }
    let there = E::find().filter(id_column.eq(id)).one(txn).await?.is_some();
    Err(if there {
        stale()
    } else {
        crate::error::AppError::NotFound(what)
    })
}

/// Saves `changes` to the row `id` of `E` if it is still at `version`, moving it to
/// `version + 1`, in the caller's transaction: `stale` when no row was at `version` (the
/// caller has read the row, so it is there). The caller sets its own `updated_at`.
pub async fn update_at_version<E, C>(
    txn: &C,
    mut changes: E::ActiveModel,
    id_column: E::Column,
    version_column: E::Column,
    id: &str,
    version: i32,
    stale: impl FnOnce() -> crate::error::AppError,
) -> crate::error::AppResult<()>
where
    E: sea_orm::EntityTrait,
    E::ActiveModel: sea_orm::ActiveModelTrait<Entity = E> + Send,
    C: sea_orm::ConnectionTrait,
{
    use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter};
    let Some(next) = version.checked_add(1) else {
        return Err(stale());
    };
    changes.set(version_column, next.into());
    let result = E::update_many()
        .set(changes)
        .filter(id_column.eq(id))
        .filter(version_column.eq(version))
        .exec(txn)
        .await?;
    if result.rows_affected == 1 {
        Ok(())
    } else {
        Err(stale())
    }
}

/// The distinct years in `year_column` of `E`, newest first (the years a yearly tool has).
pub async fn years_of<E, C>(db: &C, year_column: E::Column) -> crate::error::AppResult<Vec<i32>>
where
    E: sea_orm::EntityTrait,
    C: sea_orm::ConnectionTrait,
{
    use sea_orm::QuerySelect;
    let mut years: Vec<i32> = E::find()
        .select_only()
        .column(year_column)
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    years.sort_unstable_by(|a, b| b.cmp(a));
    Ok(years)
}

/// [`update_at_version`] (with its id and version columns), then the row as saved
/// (NOT_FOUND `what` if it has gone).
pub async fn save_at_version<E, C>(
    txn: &C,
    changes: E::ActiveModel,
    (id_column, version_column): (E::Column, E::Column),
    id: &str,
    version: i32,
    what: &'static str,
    stale: impl FnOnce() -> crate::error::AppError,
) -> crate::error::AppResult<E::Model>
where
    E: sea_orm::EntityTrait,
    E::ActiveModel: sea_orm::ActiveModelTrait<Entity = E> + Send,
    C: sea_orm::ConnectionTrait,
{
    use sea_orm::{ColumnTrait, QueryFilter};
    update_at_version::<E, C>(txn, changes, id_column, version_column, id, version, stale).await?;
    E::find()
        .filter(id_column.eq(id))
        .one(txn)
        .await?
        .ok_or(crate::error::AppError::NotFound(what))
}
