//! `learning-platform backup` and `restore`: a consistent copy of the database taken while
//! the server runs, and putting one back.
//!
//! # The backup file
//!
//! One file, so a copy can never be separated from what vouches for it:
//!
//! ```text
//! payload      the SQLite database (`VACUUM INTO`) or a pg_dump custom-format archive (-Fc)
//! manifest     UTF-8 JSON: database kind, payload length, SHA-256 of the payload, schema
//!              version (the newest applied migration), app version and commit, time taken
//! 8 bytes      the manifest's length, big-endian
//! 16 bytes     "LPBACKUP-TRAILER"
//! ```
//!
//! The manifest goes at the end, not in a header, because the checksum is only known once
//! the payload is written: a trailer is one small append to the file `VACUUM INTO` or
//! `pg_dump` wrote, where a header would mean writing the whole database a second time
//! (a sidecar file would avoid both, but can be lost or mixed up with another backup's). The
//! payload is not usable by `sqlite3` or `pg_restore` as it stands; `restore` strips the
//! trailer while it checks the checksum (`head -c <payloadBytes>` does the same by hand).
//!
//! A backup is written to a hidden temporary name in the target directory, synced, and
//! renamed when complete: a backup file that exists is whole.

use crate::config::Config;
use chrono::{SecondsFormat, Utc};
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const MAGIC: &[u8; 16] = b"LPBACKUP-TRAILER";
const FORMAT: u32 = 1;
/// Longest manifest accepted when reading (it is a few hundred bytes).
const MAX_MANIFEST: u64 = 64 * 1024;
/// Scheduled backups are named `learning-platform-<UTC time>.lpbackup`; `--keep` only ever
/// deletes files of this form.
const SCHEDULED_PREFIX: &str = "learning-platform-";
const SCHEDULED_SUFFIX: &str = ".lpbackup";

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} already exists; pass --force to replace it")]
    AlreadyExists(PathBuf),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("{0} is not a learning-platform backup (no backup trailer at its end)")]
    NotABackup(PathBuf),
    #[error("{path} is damaged: its checksum is {actual}, the backup recorded {expected}; nothing was restored")]
    ChecksumMismatch {
        path: PathBuf,
        expected: String,
        actual: String,
    },
    #[error("{path} is damaged: it holds {actual} bytes of database, the backup recorded {expected}; nothing was restored")]
    WrongLength {
        path: PathBuf,
        expected: u64,
        actual: u64,
    },
    #[error("the backup's schema version {found} is newer than this learning-platform knows (its newest is {newest}); restore it with the release that made it, or a later one. Nothing was restored")]
    NewerSchema { found: String, newest: String },
    #[error("the backup is of a {found} database, but the configured database is {configured}")]
    WrongDatabase {
        found: &'static str,
        configured: &'static str,
    },
    #[error("the database is in use ({0}); stop the server before restoring")]
    InUse(String),
    #[error("{tool} was not found on PATH; install the PostgreSQL client tools of the server's version or newer")]
    ToolMissing { tool: &'static str },
    #[error("{tool} failed ({status}): {stderr}")]
    ToolFailed {
        tool: &'static str,
        status: String,
        stderr: String,
    },
    #[error("{0}")]
    Invalid(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_owned(),
        source,
    }
}

/// What a backup records beside its payload.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub format: u32,
    /// `sqlite` or `postgresql`.
    pub database: String,
    pub payload_bytes: u64,
    /// SHA-256 of the payload, lowercase hex.
    pub sha256: String,
    /// The newest applied migration (`seaql_migrations.version`).
    pub schema_version: String,
    pub app_version: String,
    pub commit: String,
    /// When the copy was taken (UTC, RFC 3339).
    pub created_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Sqlite,
    Postgres,
}

impl Kind {
    fn of(url: &str) -> Kind {
        if url.starts_with("sqlite:") {
            Kind::Sqlite
        } else {
            Kind::Postgres
        }
    }
    fn name(self) -> &'static str {
        match self {
            Kind::Sqlite => "sqlite",
            Kind::Postgres => "postgresql",
        }
    }
}

/// Where `backup` writes.
#[derive(Debug, Clone)]
pub enum Target {
    /// One named file (`--to`), replaced only with `force`.
    File { path: PathBuf, force: bool },
    /// A timestamped file in a directory (`--to-dir`), keeping the newest `keep` of them.
    Dir { dir: PathBuf, keep: Option<usize> },
}

#[derive(Debug)]
pub struct BackupReport {
    pub path: PathBuf,
    pub bytes: u64,
    pub manifest: Manifest,
    pub elapsed: Duration,
    /// How the copy was taken (`VACUUM INTO`, or `pg_dump -Fc`).
    pub method: &'static str,
    /// Older scheduled backups deleted by `--keep`.
    pub pruned: Vec<PathBuf>,
}

#[derive(Debug)]
pub struct RestoreReport {
    pub manifest: Manifest,
    pub elapsed: Duration,
    /// Migrations the restored database was brought up to, if it was older.
    pub migrated_to: String,
    pub audit: crate::audit_log::ChainReport,
}

/// The names of the migrations this binary knows, oldest first.
pub fn known_migrations() -> Vec<String> {
    Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect()
}

/// The newest applied migration, or an error when there is none.
async fn schema_version(db: &DatabaseConnection) -> Result<String, BackupError> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT version FROM seaql_migrations ORDER BY version DESC LIMIT 1",
        ))
        .await?;
    let row = row.ok_or_else(|| {
        BackupError::Invalid("the database has no migrations applied; run `migrate` first".into())
    })?;
    Ok(row.try_get_by_index::<String>(0)?)
}

/// The newest applied migration of a SQLite file, opened read-only and left untouched.
async fn sqlite_file_schema_version(path: &Path) -> Result<String, BackupError> {
    use sea_orm::sqlx::sqlite::SqliteConnectOptions;
    use sea_orm::sqlx::{self, Connection};
    let opts = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .immutable(true);
    let fail = |e: sqlx::Error| BackupError::Invalid(format!("{}: {e}", path.display()));
    let mut conn = sqlx::SqliteConnection::connect_with(&opts)
        .await
        .map_err(fail)?;
    let version: Option<String> =
        sqlx::query_scalar("SELECT version FROM seaql_migrations ORDER BY version DESC LIMIT 1")
            .fetch_optional(&mut conn)
            .await
            .map_err(fail)?;
    let _ = conn.close().await;
    version.ok_or_else(|| {
        BackupError::Invalid("the database has no migrations applied; run `migrate` first".into())
    })
}

/// The file path of a `sqlite:` URL.
fn sqlite_path(url: &str) -> Result<PathBuf, BackupError> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path.contains(":memory:") {
        return Err(BackupError::Invalid(
            "an in-memory SQLite database cannot be backed up or restored".into(),
        ));
    }
    Ok(PathBuf::from(path))
}

/// A temporary file that is removed unless `keep` is called.
struct TempFile(Option<PathBuf>);

impl TempFile {
    fn beside(target: &Path, what: &str) -> Result<TempFile, BackupError> {
        let dir = parent_dir(target);
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "backup".into());
        Ok(TempFile(Some(dir.join(format!(
            ".{name}.{what}-{}.tmp",
            uuid::Uuid::new_v4().simple()
        )))))
    }
    fn path(&self) -> &Path {
        self.0.as_deref().unwrap_or(Path::new(""))
    }
    fn keep(mut self) -> PathBuf {
        self.0.take().unwrap_or_default()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

fn sync_dir(dir: &Path) {
    // Makes the rename durable; not every platform lets a directory be opened for this.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Reads `len` bytes of `from` (all of it when `None`), hashing them and, when given,
/// copying them to `to`. Returns the hex SHA-256 and the byte count.
fn hash_copy(
    from: &Path,
    len: Option<u64>,
    to: Option<&Path>,
) -> Result<(String, u64), BackupError> {
    let file = File::open(from).map_err(io(from))?;
    let mut reader: Box<dyn Read> = match len {
        Some(n) => Box::new(file.take(n)),
        None => Box::new(file),
    };
    let mut out = match to {
        Some(p) => Some(
            OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(p)
                .map_err(io(p))?,
        ),
        None => None,
    };
    let mut hasher = Sha256::new();
    let mut buf = vec![0_u8; 1 << 20];
    let mut total = 0_u64;
    loop {
        let n = reader.read(&mut buf).map_err(io(from))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        if let (Some(f), Some(p)) = (out.as_mut(), to) {
            f.write_all(&buf[..n]).map_err(io(p))?;
        }
        total += n as u64;
    }
    if let (Some(f), Some(p)) = (out, to) {
        f.sync_all().map_err(io(p))?;
    }
    Ok((hex::encode(hasher.finalize()), total))
}

fn append_trailer(path: &Path, manifest: &Manifest) -> Result<u64, BackupError> {
    let json = serde_json::to_vec(manifest).map_err(|e| BackupError::Invalid(e.to_string()))?;
    let mut f = OpenOptions::new()
        .append(true)
        .open(path)
        .map_err(io(path))?;
    f.write_all(&json).map_err(io(path))?;
    f.write_all(&(json.len() as u64).to_be_bytes())
        .map_err(io(path))?;
    f.write_all(MAGIC).map_err(io(path))?;
    f.sync_all().map_err(io(path))?;
    Ok(f.metadata().map_err(io(path))?.len())
}

/// The manifest of a backup file (not yet checked against its payload).
pub fn read_manifest(path: &Path) -> Result<Manifest, BackupError> {
    let mut f = File::open(path).map_err(io(path))?;
    let len = f.metadata().map_err(io(path))?.len();
    let not_backup = || BackupError::NotABackup(path.to_owned());
    if len < 24 {
        return Err(not_backup());
    }
    f.seek(SeekFrom::Start(len - 24)).map_err(io(path))?;
    let mut tail = [0_u8; 24];
    f.read_exact(&mut tail).map_err(io(path))?;
    if &tail[8..] != MAGIC {
        return Err(not_backup());
    }
    let mut n = [0_u8; 8];
    n.copy_from_slice(&tail[..8]);
    let manifest_len = u64::from_be_bytes(n);
    if manifest_len > MAX_MANIFEST || manifest_len + 24 > len {
        return Err(not_backup());
    }
    f.seek(SeekFrom::Start(len - 24 - manifest_len))
        .map_err(io(path))?;
    let mut json = vec![0_u8; manifest_len as usize];
    f.read_exact(&mut json).map_err(io(path))?;
    let manifest: Manifest = serde_json::from_slice(&json).map_err(|e| {
        BackupError::Invalid(format!(
            "{}: unreadable backup manifest: {e}",
            path.display()
        ))
    })?;
    if manifest.format != FORMAT {
        return Err(BackupError::Invalid(format!(
            "{}: backup format {} is not one this learning-platform reads",
            path.display(),
            manifest.format
        )));
    }
    if manifest.payload_bytes.checked_add(manifest_len + 24) != Some(len) {
        return Err(BackupError::WrongLength {
            path: path.to_owned(),
            expected: manifest.payload_bytes,
            actual: len.saturating_sub(manifest_len + 24),
        });
    }
    Ok(manifest)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, BackupError> + Send + 'static,
) -> Result<T, BackupError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| BackupError::Invalid(format!("background task failed: {e}")))?
}

/// `backup`: a consistent copy of the configured database, taken while the server runs.
pub async fn backup(config: &Config, target: Target) -> Result<BackupReport, BackupError> {
    let started = Instant::now();
    let kind = Kind::of(&config.database_url);
    let (path, force) = match &target {
        Target::File { path, force } => (path.clone(), *force),
        Target::Dir { dir, .. } => {
            let stamp = Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
            (
                dir.join(format!("{SCHEDULED_PREFIX}{stamp}{SCHEDULED_SUFFIX}")),
                false,
            )
        }
    };
    if !force && path.exists() {
        return Err(BackupError::AlreadyExists(path));
    }
    let dir = parent_dir(&path);
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let tmp = TempFile::beside(&path, "partial")?;
    let created_at = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);

    let (schema_version, method) = match kind {
        Kind::Sqlite => {
            let db = crate::db::connect(&config.database_url).await?;
            // VACUUM INTO reads in one read transaction: a snapshot of every committed
            // write, while writers carry on (WAL). Its schema version is read from the copy,
            // so both describe the same moment.
            let target = tmp.path().to_string_lossy().into_owned();
            db.execute_raw(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "VACUUM INTO ?",
                [target.clone().into()],
            ))
            .await?;
            db.close().await?;
            (
                sqlite_file_schema_version(tmp.path()).await?,
                "SQLite VACUUM INTO",
            )
        }
        Kind::Postgres => {
            let db = crate::db::connect(&config.database_url).await?;
            let version = schema_version(&db).await;
            db.close().await?;
            let version = version?;
            let out = tmp.path().to_owned();
            let url = config.database_url.clone();
            blocking(move || {
                run_tool(
                    "pg_dump",
                    &url,
                    &["--format=custom", "--no-owner", "--file"],
                    Some(&out),
                )
            })
            .await?;
            (version, "pg_dump --format=custom (-Fc)")
        }
    };

    let tmp_path = tmp.path().to_owned();
    let (sha256, payload_bytes) = blocking(move || hash_copy(&tmp_path, None, None)).await?;
    let manifest = Manifest {
        format: FORMAT,
        database: kind.name().into(),
        payload_bytes,
        sha256,
        schema_version,
        app_version: crate::build_info::VERSION.into(),
        commit: crate::build_info::COMMIT.into(),
        created_at,
    };
    let bytes = append_trailer(tmp.path(), &manifest)?;
    if !force && path.exists() {
        return Err(BackupError::AlreadyExists(path));
    }
    let tmp_path = tmp.keep();
    if let Err(e) = std::fs::rename(&tmp_path, &path) {
        let _ = std::fs::remove_file(&tmp_path);
        return Err(io(&path)(e));
    }
    sync_dir(&dir);

    let pruned = match &target {
        Target::Dir {
            dir,
            keep: Some(keep),
        } => prune(dir, *keep)?,
        _ => Vec::new(),
    };
    Ok(BackupReport {
        path,
        bytes,
        manifest,
        elapsed: started.elapsed(),
        method,
        pruned,
    })
}

/// Whether a file name is one `backup --to-dir` writes.
fn is_scheduled_name(name: &str) -> bool {
    let Some(stamp) = name
        .strip_prefix(SCHEDULED_PREFIX)
        .and_then(|s| s.strip_suffix(SCHEDULED_SUFFIX))
    else {
        return false;
    };
    // 20261204T174512.123Z
    chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%S%.3fZ").is_ok()
}

/// Deletes the oldest scheduled backups in `dir` beyond the newest `keep` (their names sort
/// by time). Other files are never touched.
fn prune(dir: &Path, keep: usize) -> Result<Vec<PathBuf>, BackupError> {
    let mut ours: Vec<String> = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| is_scheduled_name(n))
        .collect();
    ours.sort();
    let excess = ours.len().saturating_sub(keep);
    let mut deleted = Vec::new();
    for name in ours.into_iter().take(excess) {
        let p = dir.join(name);
        std::fs::remove_file(&p).map_err(io(&p))?;
        deleted.push(p);
    }
    Ok(deleted)
}

/// The libpq URL without its password, and the password (for PGPASSWORD, so it does not
/// show in the process list).
fn split_password(url: &str) -> (String, Option<String>) {
    let Some(scheme_end) = url.find("://") else {
        return (url.to_owned(), None);
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return (url.to_owned(), None);
    };
    let userinfo = &authority[..at];
    let Some(colon) = userinfo.find(':') else {
        return (url.to_owned(), None);
    };
    let password = percent_decode(&userinfo[colon + 1..]);
    let stripped = format!(
        "{}{}{}",
        &url[..scheme_end + 3],
        &userinfo[..colon],
        &rest[at..]
    );
    (stripped, Some(password))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Runs pg_dump or pg_restore against `url` with `args`, then `file`.
fn run_tool(
    tool: &'static str,
    url: &str,
    args: &[&str],
    file: Option<&Path>,
) -> Result<(), BackupError> {
    let (url, password) = split_password(url);
    let mut cmd = Command::new(tool);
    cmd.arg(format!("--dbname={url}")).args(args);
    if let Some(f) = file {
        cmd.arg(f);
    }
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    let out = cmd.output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => BackupError::ToolMissing { tool },
        _ => BackupError::ToolFailed {
            tool,
            status: "not started".into(),
            stderr: e.to_string(),
        },
    })?;
    if !out.status.success() {
        return Err(BackupError::ToolFailed {
            tool,
            status: out.status.to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        });
    }
    Ok(())
}

/// Refuses when another connection holds the SQLite database open: a connection in WAL mode
/// holds a shared lock on the file for as long as it is open, so an exclusive lock is only
/// granted when nobody else (a running server) has it open.
async fn sqlite_not_in_use(path: &Path) -> Result<(), BackupError> {
    use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteLockingMode};
    use sea_orm::sqlx::{self, Connection};
    if !path.exists() {
        return Ok(());
    }
    let opts = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .locking_mode(SqliteLockingMode::Exclusive)
        .busy_timeout(Duration::ZERO);
    let in_use = |e: sqlx::Error| BackupError::InUse(format!("{}: {e}", path.display()));
    let mut conn = sqlx::SqliteConnection::connect_with(&opts)
        .await
        .map_err(in_use)?;
    let locked = sqlx::raw_sql("BEGIN EXCLUSIVE; COMMIT;")
        .execute(&mut conn)
        .await;
    // Closing the last connection checkpoints the write-ahead log into the file.
    let closed = conn.close().await;
    locked.map_err(in_use)?;
    closed.map_err(in_use)?;
    Ok(())
}

/// Refuses when any other session is connected to the PostgreSQL database, or when the
/// database is at a newer schema than the backup. `pg_restore --clean` drops and recreates
/// only what the backup holds: tables a later migration added would stay, with their rows,
/// and the migrations run after the restore would then fail on them. Such a backup is
/// restored into an empty database instead.
async fn postgres_ready(url: &str, backup_schema: &str) -> Result<(), BackupError> {
    use sea_orm::sqlx::{self, Connection};
    let fail = |e: sqlx::Error| BackupError::Invalid(format!("the configured database: {e}"));
    let mut conn = sqlx::PgConnection::connect(url).await.map_err(fail)?;
    let others: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .fetch_one(&mut conn)
    .await
    .map_err(fail)?;
    let migrated: bool = sqlx::query_scalar("SELECT to_regclass('seaql_migrations') IS NOT NULL")
        .fetch_one(&mut conn)
        .await
        .map_err(fail)?;
    let current: Option<String> = if migrated {
        sqlx::query_scalar("SELECT max(version) FROM seaql_migrations")
            .fetch_one(&mut conn)
            .await
            .map_err(fail)?
    } else {
        None
    };
    let _ = conn.close().await;
    if others > 0 {
        return Err(BackupError::InUse(format!(
            "{others} other connection(s) to it are open"
        )));
    }
    if let Some(current) = current.filter(|c| c.as_str() > backup_schema) {
        return Err(BackupError::Invalid(format!(
            "the configured database is at schema {current}, newer than the backup's \
             {backup_schema}; restore it into an empty database (createdb) and point \
             --database-url there. Nothing was restored"
        )));
    }
    Ok(())
}

/// `restore`: checks the backup, puts it in place of the configured database, migrates it to
/// this release and verifies the audit log's hash chain. The server must be stopped; a
/// database still in use is refused.
/// Copies the backup's payload to `dst`, checking it against the manifest's length and
/// checksum on the way: a damaged backup never reaches the database.
async fn checked_copy(from: &Path, manifest: &Manifest, dst: &Path) -> Result<(), BackupError> {
    let (src, dst, len) = (from.to_owned(), dst.to_owned(), manifest.payload_bytes);
    let (actual, _) = blocking(move || hash_copy(&src, Some(len), Some(&dst))).await?;
    if actual != manifest.sha256 {
        return Err(BackupError::ChecksumMismatch {
            path: from.to_owned(),
            expected: manifest.sha256.clone(),
            actual,
        });
    }
    Ok(())
}

pub async fn restore(config: &Config, from: &Path) -> Result<RestoreReport, BackupError> {
    let started = Instant::now();
    let kind = Kind::of(&config.database_url);
    let manifest = read_manifest(from)?;
    if manifest.database != kind.name() {
        return Err(BackupError::WrongDatabase {
            found: if manifest.database == "sqlite" {
                "sqlite"
            } else {
                "postgresql"
            },
            configured: kind.name(),
        });
    }
    let known = known_migrations();
    if !known.contains(&manifest.schema_version) {
        return Err(BackupError::NewerSchema {
            found: manifest.schema_version.clone(),
            newest: known.last().cloned().unwrap_or_default(),
        });
    }

    match kind {
        Kind::Sqlite => {
            let db_path = sqlite_path(&config.database_url)?;
            let dir = parent_dir(&db_path);
            std::fs::create_dir_all(&dir).map_err(io(&dir))?;
            // The copy is checked on its way to a temporary file beside the database: a
            // damaged backup never reaches the database.
            let tmp = TempFile::beside(&db_path, "restore")?;
            checked_copy(from, &manifest, tmp.path()).await?;
            sqlite_not_in_use(&db_path).await?;
            // The old database's write-ahead log and index would otherwise be replayed onto
            // the restored file.
            for suffix in ["-wal", "-shm", "-journal"] {
                let mut side = db_path.clone().into_os_string();
                side.push(suffix);
                match std::fs::remove_file(&side) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(io(Path::new(&side))(e)),
                }
            }
            let tmp_path = tmp.keep();
            if let Err(e) = std::fs::rename(&tmp_path, &db_path) {
                let _ = std::fs::remove_file(&tmp_path);
                return Err(io(&db_path)(e));
            }
            sync_dir(&dir);
        }
        Kind::Postgres => {
            // The checked archive goes to the temporary directory (TMPDIR): the backup's own
            // directory may be read-only.
            let tmp = TempFile(Some(std::env::temp_dir().join(format!(
                "learning-platform-restore-{}.dump",
                uuid::Uuid::new_v4().simple()
            ))));
            checked_copy(from, &manifest, tmp.path()).await?;
            postgres_ready(&config.database_url, &manifest.schema_version).await?;
            let (url, archive) = (config.database_url.clone(), tmp.path().to_owned());
            // One transaction: a restore that fails part-way leaves the database as it was.
            blocking(move || {
                run_tool(
                    "pg_restore",
                    &url,
                    &[
                        "--clean",
                        "--if-exists",
                        "--no-owner",
                        "--single-transaction",
                    ],
                    Some(&archive),
                )
            })
            .await?;
        }
    }

    let db = crate::db::connect(&config.database_url).await?;
    crate::db::migrate(&db).await?;
    let migrated_to = schema_version(&db).await?;
    let audit = crate::audit_log::verify(&db)
        .await
        .map_err(|e| BackupError::Invalid(format!("verifying the audit log: {e}")))?;
    db.close().await?;
    Ok(RestoreReport {
        manifest,
        elapsed: started.elapsed(),
        migrated_to,
        audit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheduled_names() {
        assert!(is_scheduled_name(
            "learning-platform-20261204T174512.123Z.lpbackup"
        ));
        assert!(!is_scheduled_name("learning-platform-latest.lpbackup"));
        assert!(!is_scheduled_name("notes.txt"));
    }

    #[test]
    fn passwords_leave_the_url() {
        assert_eq!(
            split_password("postgres://app:s%40cret@db:5432/lp?sslmode=require"),
            (
                "postgres://app@db:5432/lp?sslmode=require".to_owned(),
                Some("s@cret".to_owned())
            )
        );
        assert_eq!(
            split_password("postgres://postgres@127.0.0.1/x"),
            ("postgres://postgres@127.0.0.1/x".to_owned(), None)
        );
    }
}
