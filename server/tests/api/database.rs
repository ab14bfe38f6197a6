//! How the server's database connections are set up: the settings that keep prepared
//! statements planned once (see `server::db::connect`).

use crate::db_tests;
use crate::helpers::{run, Backend};
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

db_tests!(prepared_statements_are_planned_once);
