//! How the server's database connections are set up: the settings that keep prepared
//! statements planned once (see `server::db::connect`).

use crate::db_tests;
use crate::helpers::{run, Backend};
use sea_orm::{ConnectionTrait, Statement};

async fn prepared_statements_are_planned_once(backend: Backend) {
    run(backend, |app| async move {
        let db = app.db();
        match backend {
            Backend::Sqlite => {
                // Built with QPSG (.cargo/config.toml): a statement with a bound LIMIT is not
                // re-prepared on every execution.
                let rows = db
                    .query_all_raw(Statement::from_string(
                        db.get_database_backend(),
                        "PRAGMA compile_options",
                    ))
                    .await
                    .expect("compile options");
                let options: Vec<String> = rows
                    .iter()
                    .map(|r| r.try_get_by_index::<String>(0).expect("option"))
                    .collect();
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
                let row = db
                    .query_one_raw(Statement::from_string(
                        db.get_database_backend(),
                        "SHOW plan_cache_mode",
                    ))
                    .await
                    .expect("setting")
                    .expect("a row");
                let mode: String = row.try_get_by_index(0).expect("text");
                assert_eq!(mode, "force_generic_plan");
            }
        }
    })
    .await;
}

db_tests!(prepared_statements_are_planned_once);
