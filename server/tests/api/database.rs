//! How the server's database connections are set up: the settings that keep prepared
//! statements planned once (see `server::db::connect`).

use crate::db_tests;
use crate::helpers::{fresh_database, run, Backend, TestApp};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

/// The first column of every row `sql` answers, as text.
async fn texts(db: &DatabaseConnection, sql: &str) -> Vec<String> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).expect("text"))
        .collect()
}

async fn prepared_statements_are_planned_once(backend: Backend) {
    run(backend, |app| async move {
        let db = app.db();
        match backend {
            Backend::Sqlite => {
                // Built with QPSG (.cargo/config.toml): a statement with a bound LIMIT is not
                // re-prepared on every execution.
                let options = texts(db, "PRAGMA compile_options").await;
                assert!(
                    options.iter().any(|o| o == "ENABLE_QPSG"),
                    "SQLite was built without QPSG: {options:?}"
                );
                assert!(
                    options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
                    "SQLite keeps allocation statistics: {options:?}"
                );
            }
            Backend::Postgres => {
                assert_eq!(
                    texts(db, "SHOW plan_cache_mode").await,
                    ["force_generic_plan"]
                );
            }
        }
    })
    .await;
}

/// Instances opening one fresh SQLite file at the same moment all open it: setting WAL mode
/// together can answer "database is locked", which the busy timeout does not cover, so
/// opening tries again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_opening_one_fresh_sqlite_file_at_once_all_open_it() {
    for _ in 0..20 {
        let (url, cleanup) = fresh_database(Backend::Sqlite).await;
        let opening: Vec<_> = (0..6)
            .map(|_| {
                let url = url.clone();
                tokio::spawn(async move { server::db::connect(&url).await.map(|_| ()) })
            })
            .collect();
        let mut failed = Vec::new();
        for task in opening {
            if let Err(e) = task.await.expect("task") {
                failed.push(e.to_string());
            }
        }
        cleanup.run().await;
        assert!(failed.is_empty(), "{failed:?}");
    }
}

/// Two instances started at the same moment on one fresh database (as a deployment starts
/// them): both migrate, in turn, and both come up. Without the turns, the second created
/// the tables the first was creating ("table agency already exists"; on PostgreSQL a
/// unique violation in pg_type) and did not start.
async fn instances_starting_together_migrate_in_turn(backend: Backend) {
    use migrations::MigratorTrait;
    let (url, cleanup) = fresh_database(backend).await;
    let start = |url: String| tokio::spawn(async move { TestApp::spawn(backend, &url, &[]).await });
    let (first, second) = (start(url.clone()), start(url.clone()));
    let outcome = |joined: Result<TestApp, tokio::task::JoinError>| {
        joined.map_err(|e| {
            e.try_into_panic()
                .ok()
                .and_then(|p| {
                    p.downcast_ref::<String>()
                        .cloned()
                        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                })
                .unwrap_or_default()
        })
    };
    let (first, second) = (outcome(first.await), outcome(second.await));
    let mut problems = Vec::new();
    for (name, app) in [("first", &first), ("second", &second)] {
        match app {
            Ok(app) => {
                let ready = reqwest::get(format!("{}/readyz", app.base)).await;
                if !ready.is_ok_and(|r| r.status().is_success()) {
                    problems.push(format!("the {name} instance is not ready"));
                }
            }
            Err(why) => problems.push(format!("the {name} instance did not start: {why}")),
        }
    }
    // Both see one schema, each migration recorded once.
    if let (Ok(first), Ok(_)) = (&first, &second) {
        let applied = texts(first.db(), "SELECT version FROM seaql_migrations").await;
        let mut distinct = applied.clone();
        distinct.sort();
        distinct.dedup();
        if applied.len() != distinct.len()
            || applied.len() != migrations::Migrator::migrations().len()
        {
            problems.push(format!("migrations recorded: {applied:?}"));
        }
        let office = first.office().await;
        let agencies = office
            .ok("{ agencies { id } }", serde_json::json!({}))
            .await;
        if agencies["agencies"] != serde_json::json!([]) {
            problems.push(format!("agencies: {agencies}"));
        }
    }
    cleanup.run().await;
    assert!(problems.is_empty(), "{problems:#?}");
}

db_tests!(
    prepared_statements_are_planned_once,
    instances_starting_together_migrate_in_turn
);
