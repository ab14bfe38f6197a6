//! The command line: --version, migrate, create-user, seed-demo, verify-audit-log.

use std::process::Command;

fn platform(db_url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_learning-platform"))
        .args(["--database-url", db_url])
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run learning-platform")
}

#[test]
fn commands_work_on_a_fresh_database() {
    let dir = std::env::temp_dir().join(format!("lp_cli_{}", uuid::Uuid::new_v4().simple()));
    let url = format!("sqlite://{}/nested/cli.db?mode=rwc", dir.display());
    let out = platform(&url, &["migrate"]);
    assert!(
        out.status.success(),
        "migrate: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = Command::new(env!("CARGO_BIN_EXE_learning-platform"))
        .args([
            "--database-url",
            &url,
            "create-user",
            "--email",
            "first@office.example",
            "--name",
            "First Office",
            "--roles",
            "BUSINESS_OFFICE",
        ])
        .env("LP_NEW_PASSWORD", "a-long-enough-password")
        .output()
        .expect("create-user");
    assert!(
        out.status.success(),
        "create-user: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = Command::new(env!("CARGO_BIN_EXE_learning-platform"))
        .args([
            "--database-url",
            &url,
            "create-user",
            "--email",
            "bad",
            "--name",
            "",
            "--roles",
            "BUSINESS_OFFICE",
        ])
        .env("LP_NEW_PASSWORD", "short")
        .output()
        .expect("create-user");
    assert!(!out.status.success(), "bad input refused");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("email") && err.contains("password"),
        "says what is wrong: {err}"
    );

    let out = platform(&url, &["seed-demo"]);
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("office@demo.example"),
        "prints the demo accounts"
    );

    let out = platform(&url, &["verify-audit-log"]);
    assert!(
        out.status.success(),
        "intact chain: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn version_names_the_release_and_the_commit() {
    let out = Command::new(env!("CARGO_BIN_EXE_learning-platform"))
        .arg("--version")
        .output()
        .expect("run learning-platform --version");
    assert!(out.status.success());
    let printed = String::from_utf8_lossy(&out.stdout);
    let commit = server::build_info::COMMIT;
    assert_eq!(
        printed.trim(),
        format!(
            "learning-platform {} (commit {commit})",
            env!("CARGO_PKG_VERSION")
        )
    );
    // Built in a git checkout (as the tests are), the commit is git's short hash.
    let git = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    if let Some(git) = git.ok().filter(|g| g.status.success()) {
        let head = String::from_utf8_lossy(&git.stdout).trim().to_owned();
        assert!(
            commit == head || std::env::var("LP_BUILD_COMMIT").is_ok(),
            "built from {commit}, checkout at {head}: build.rs did not run again"
        );
    }
}

// ---- backup and restore ----

use crate::helpers::{postgres_admin_url, run, Backend, Client};
use sea_orm::{ConnectionTrait, Database};
use serde_json::json;
use std::path::{Path, PathBuf};

fn temp_dir(what: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lp_{what}_{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Runs the binary off the async runtime (the test's server keeps answering meanwhile).
async fn platform_async(db_url: &str, args: &[&str]) -> std::process::Output {
    let (url, args): (String, Vec<String>) = (
        db_url.to_owned(),
        args.iter().map(|s| s.to_string()).collect(),
    );
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        platform(&url, &args)
    })
    .await
    .expect("join")
}

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// An empty database to restore into, and how to remove it.
struct Target {
    url: String,
    pg_name: Option<String>,
    dir: PathBuf,
}

impl Target {
    async fn new(backend: Backend) -> Target {
        let dir = temp_dir("restore");
        match backend {
            Backend::Sqlite => Target {
                url: format!("sqlite://{}/restored.db?mode=rwc", dir.display()),
                pg_name: None,
                dir,
            },
            Backend::Postgres => {
                let name = format!("lp_test_{}", uuid::Uuid::new_v4().simple());
                let admin = Database::connect(format!("{}/postgres", postgres_admin_url()))
                    .await
                    .expect("admin");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .expect("create");
                Target {
                    url: format!("{}/{name}", postgres_admin_url()),
                    pg_name: Some(name),
                    dir,
                }
            }
        }
    }

    async fn remove(self) {
        if let Some(name) = self.pg_name {
            if let Ok(admin) = Database::connect(format!("{}/postgres", postgres_admin_url())).await
            {
                let _ = admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await;
            }
        }
        let _ = std::fs::remove_dir_all(self.dir);
    }
}

fn prefix(n: usize) -> String {
    let mut s = String::new();
    let mut n = n;
    for _ in 0..4 {
        s.push(char::from(b'A' + (n % 26) as u8));
        n /= 26;
    }
    s
}

async fn create_agency(office: &Client, n: usize) -> String {
    office
        .ok(
            "mutation($input: AgencyInput!) { createAgency(input: $input) { id } }",
            json!({ "input": {
                "name": format!("Agency {n}"), "kind": "POLICE", "prefix": prefix(n),
                "colour": "#1d70b8", "active": true,
            }}),
        )
        .await["createAgency"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

async fn agency_ids(url: &str) -> std::collections::HashSet<String> {
    let db = Database::connect(url).await.expect("connect restored");
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT id FROM agency",
        ))
        .await
        .expect("agencies");
    let ids = rows
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).expect("id"))
        .collect();
    db.close().await.expect("close");
    ids
}

/// Every write acknowledged before the backup started is in the restored database, the
/// audit chain verifies there, and a server still using its database refuses a restore.
async fn backup_under_write_load_restores_every_acknowledged_write(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let dir = temp_dir("backup");
        let file = dir.join("under-load.lpbackup");
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        // (id, acknowledged at)
        let writer = {
            let (office, stop) = (office.clone(), stop.clone());
            tokio::spawn(async move {
                let mut acked = Vec::new();
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let id = create_agency(&office, n).await;
                    acked.push((id, std::time::Instant::now()));
                    n += 1;
                }
                acked
            })
        };
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        let started = std::time::Instant::now();
        let out = platform_async(
            &app.database_url,
            &["backup", "--to", file.to_str().expect("path")],
        )
        .await;
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let acked = writer.await.expect("writer");
        let printed = text(&out);
        assert!(out.status.success(), "backup: {printed}");
        let expected_method = match backend {
            Backend::Sqlite => "VACUUM INTO",
            Backend::Postgres => "pg_dump",
        };
        assert!(printed.contains(expected_method), "says how: {printed}");
        assert!(
            printed.contains("sha256") && printed.contains("took"),
            "{printed}"
        );
        let before: Vec<&String> = acked
            .iter()
            .filter(|(_, at)| *at < started)
            .map(|(id, _)| id)
            .collect();
        assert!(
            before.len() >= 3,
            "writes went on before the backup: {}",
            before.len()
        );
        assert!(acked.len() > before.len(), "and during it");

        // The server still has its database open: a restore over it is refused.
        let out = platform_async(
            &app.database_url,
            &["restore", "--from", file.to_str().expect("path")],
        )
        .await;
        assert!(!out.status.success(), "restore over a database in use");
        assert!(text(&out).contains("in use"), "{}", text(&out));

        let target = Target::new(backend).await;
        let out = platform_async(
            &target.url,
            &["restore", "--from", file.to_str().expect("path")],
        )
        .await;
        let printed = text(&out);
        assert!(out.status.success(), "restore: {printed}");
        assert!(printed.contains("checksum verified"), "{printed}");
        assert!(printed.contains("audit log    intact"), "{printed}");
        let restored = agency_ids(&target.url).await;
        for id in &before {
            assert!(
                restored.contains(*id),
                "acknowledged before the backup, missing: {id}"
            );
        }
        let out = platform(&target.url, &["verify-audit-log"]);
        assert!(out.status.success(), "chain verifies: {}", text(&out));
        target.remove().await;
        let _ = std::fs::remove_dir_all(dir);
    })
    .await;
}

/// A damaged backup and one from a newer schema are refused before anything is replaced.
async fn damaged_or_newer_backups_are_refused(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        create_agency(&office, 1).await;
        let dir = temp_dir("backup");
        let good = dir.join("good.lpbackup");
        let out = platform_async(&app.database_url, &["backup", "--to", good.to_str().expect("path")]).await;
        assert!(out.status.success(), "backup: {}", text(&out));

        // Again without --force: refused, the file unchanged.
        let before = std::fs::read(&good).expect("read");
        let out = platform_async(&app.database_url, &["backup", "--to", good.to_str().expect("path")]).await;
        assert!(!out.status.success());
        assert!(text(&out).contains("--force"), "{}", text(&out));
        assert_eq!(std::fs::read(&good).expect("read"), before);

        // One byte flipped in the middle of the database.
        let mut bytes = before.clone();
        let middle = bytes.len() / 3;
        bytes[middle] ^= 0x55;
        let damaged = dir.join("damaged.lpbackup");
        std::fs::write(&damaged, &bytes).expect("write");
        let target = Target::new(backend).await;
        let out = platform_async(&target.url, &["restore", "--from", damaged.to_str().expect("path")]).await;
        assert!(!out.status.success(), "damaged backup refused");
        assert!(text(&out).contains("damaged: its checksum"), "{}", text(&out));
        if backend == Backend::Sqlite {
            assert!(!target.dir.join("restored.db").exists(), "nothing put in place");
        }
        assert_eq!(
            std::fs::read_dir(&target.dir).expect("dir").count(),
            0,
            "no temporary file left behind"
        );

        // Not a backup at all.
        let plain = dir.join("plain.txt");
        std::fs::write(&plain, "hello").expect("write");
        let out = platform_async(&target.url, &["restore", "--from", plain.to_str().expect("path")]).await;
        assert!(text(&out).contains("not a learning-platform backup"), "{}", text(&out));

        // A database a newer release migrated: its backup records that schema version.
        app.db()
            .execute_unprepared(
                "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m9999_from_the_future', 0)",
            )
            .await
            .expect("future migration");
        let newer = dir.join("newer.lpbackup");
        let out = platform_async(&app.database_url, &["backup", "--to", newer.to_str().expect("path")]).await;
        assert!(out.status.success(), "backup: {}", text(&out));
        assert!(text(&out).contains("m9999_from_the_future"), "{}", text(&out));
        let out = platform_async(&target.url, &["restore", "--from", newer.to_str().expect("path")]).await;
        assert!(!out.status.success(), "newer schema refused");
        assert!(
            text(&out).contains("m9999_from_the_future is newer than this learning-platform knows"),
            "{}",
            text(&out)
        );
        target.remove().await;
        let _ = std::fs::remove_dir_all(dir);
    })
    .await;
}

crate::db_tests!(
    backup_under_write_load_restores_every_acknowledged_write,
    damaged_or_newer_backups_are_refused
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_backups_keep_the_newest() {
    run(Backend::Sqlite, |app| async move {
        let dir = temp_dir("scheduled");
        let unrelated = dir.join("learning-platform-notes.lpbackup");
        std::fs::write(&unrelated, "kept").expect("write");
        let mut written = Vec::new();
        for _ in 0..4 {
            let out = platform_async(
                &app.database_url,
                &[
                    "backup",
                    "--to-dir",
                    dir.to_str().expect("path"),
                    "--keep",
                    "2",
                ],
            )
            .await;
            assert!(out.status.success(), "{}", text(&out));
            written.push(newest_backup(&dir));
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        let mut left: Vec<String> = std::fs::read_dir(&dir)
            .expect("dir")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .collect();
        left.sort();
        let mut expected = vec![
            written[2].clone(),
            written[3].clone(),
            "learning-platform-notes.lpbackup".to_owned(),
        ];
        expected.sort();
        assert_eq!(
            left, expected,
            "the two newest and the file it did not write"
        );
        let _ = std::fs::remove_dir_all(dir);
    })
    .await;
}

fn newest_backup(dir: &Path) -> String {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with("Z.lpbackup"))
        .collect();
    names.sort();
    names.pop().expect("a backup")
}

/// An older backup is migrated to this release after restore. On SQLite it replaces a newer
/// database file whole; on PostgreSQL it is refused over a newer database (pg_restore
/// --clean would leave the newer tables behind) and goes into an empty one.
async fn older_backup_is_migrated(backend: Backend) {
    let dir = temp_dir("backup");
    let file = dir.join("older.lpbackup");
    let source = Target::new(backend).await;
    assert!(platform(&source.url, &["migrate"]).status.success());
    // As a database one release older: its newest migration not yet applied.
    let db = Database::connect(&source.url).await.expect("connect");
    let newest = server::backup::known_migrations()
        .pop()
        .expect("migrations");
    <migrations::Migrator as migrations::MigratorTrait>::down(&db, Some(1))
        .await
        .expect("down one");
    db.close().await.expect("close");
    let out = platform(
        &source.url,
        &["backup", "--to", file.to_str().expect("path")],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains(&newest), "{}", text(&out));

    let current = Target::new(backend).await;
    assert!(platform(&current.url, &["migrate"]).status.success());
    let out = platform(
        &current.url,
        &["restore", "--from", file.to_str().expect("path")],
    );
    match backend {
        Backend::Sqlite => {
            assert!(out.status.success(), "{}", text(&out));
            assert!(
                text(&out).contains(&format!("migrated to  {newest}")),
                "{}",
                text(&out)
            );
        }
        Backend::Postgres => {
            assert!(!out.status.success(), "older backup over a newer database");
            assert!(
                text(&out).contains("restore it into an empty database"),
                "{}",
                text(&out)
            );
            let empty = Target::new(backend).await;
            let out = platform(
                &empty.url,
                &["restore", "--from", file.to_str().expect("path")],
            );
            assert!(out.status.success(), "{}", text(&out));
            assert!(
                text(&out).contains(&format!("migrated to  {newest}")),
                "{}",
                text(&out)
            );
            empty.remove().await;
        }
    }
    for t in [source, current] {
        t.remove().await;
    }
    let _ = std::fs::remove_dir_all(dir);
}

crate::db_tests!(older_backup_is_migrated);

#[test]
fn a_cut_off_backup_is_refused() {
    let dir = temp_dir("backup");
    let url = format!("sqlite://{}/source.db?mode=rwc", dir.display());
    assert!(platform(&url, &["migrate"]).status.success());
    let file = dir.join("whole.lpbackup");
    let out = platform(&url, &["backup", "--to", file.to_str().expect("path")]);
    assert!(out.status.success(), "{}", text(&out));
    // The first 4 KiB lost (the trailer intact): the recorded length no longer matches.
    let bytes = std::fs::read(&file).expect("read");
    let cut = dir.join("cut.lpbackup");
    std::fs::write(&cut, &bytes[4096..]).expect("write");
    let target = format!("sqlite://{}/restored.db?mode=rwc", dir.display());
    let out = platform(&target, &["restore", "--from", cut.to_str().expect("path")]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("is damaged: it holds"),
        "{}",
        text(&out)
    );
    assert!(!dir.join("restored.db").exists());
    let _ = std::fs::remove_dir_all(dir);
}
