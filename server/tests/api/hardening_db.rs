//! Database faults (issue 15): on SQLite, a write that fails because the disk is full must
//! not leave its connection in the pool half inside a transaction, where every later
//! "commit" only released a savepoint: acknowledged, never committed, and the write lock
//! held against everyone else ("database is locked").

use crate::helpers::{run, Backend};
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use server::context::RequestContext;
use server::error::AppError;
use server::state::AppState;
use shared::agencies::{AgencyDraft, AgencyKind};

/// A distinct valid prefix (capital letters) for each number.
fn prefix(mut n: usize) -> String {
    let mut letters = String::from("Q");
    for _ in 0..4 {
        letters.push(char::from(b'A' + (n % 26) as u8));
        n /= 26;
    }
    letters
}

async fn add_agency(state: &AppState, n: usize) -> Result<String, AppError> {
    let draft = AgencyDraft {
        // A long name, so the file fills in a few writes.
        name: format!("Agency {n} {}", "x".repeat(100)),
        kind: AgencyKind::Other,
        prefix: prefix(n),
        colour: "#1d70b8".into(),
        active: true,
    };
    server::agencies::service::create(state, &RequestContext::system("test"), draft)
        .await
        .map(|a| a.id)
}

async fn number(db: &impl ConnectionTrait, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(DbBackend::Sqlite, sql.to_owned()))
        .await
        .expect(sql)
        .expect("a row");
    row.try_get_by_index::<i64>(0).expect("a number")
}

/// The disk fills (SQLITE_FULL, injected by lowering `max_page_count` on the pool's one
/// connection), space comes back, a write is refused (and rolled back), then every write
/// acknowledged afterwards is in the file when it is opened again, and other connections
/// were never locked out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_a_full_disk_on_sqlite() {
    run(Backend::Sqlite, |app| async move {
        // A pool made as the server makes it. Used one request at a time it holds one
        // connection, which is the one the limit is set on.
        let db = server::db::connect(&app.database_url)
            .await
            .expect("connect");
        let state = AppState::new(db.clone(), (*app.state.config).clone());
        let first = add_agency(&state, 1).await.expect("an agency");
        db.execute_unprepared("CREATE TABLE ballast (b BLOB)")
            .await
            .expect("ballast table");
        // A write transaction that does not fit: SQLite answers SQLITE_FULL and rolls the
        // whole transaction back by itself (as it does when a COMMIT meets a full disk), and
        // the transaction is then dropped, as a failed request drops it. The limit is set on
        // the transaction's own connection.
        let txn = server::db::begin_write(&db).await.expect("begin");
        let pages = number(&txn, "PRAGMA page_count").await;
        txn.execute_unprepared(&format!("PRAGMA max_page_count = {}", pages + 8))
            .await
            .expect("limit");
        let full = txn
            .execute_raw(Statement::from_string(
                DbBackend::Sqlite,
                "INSERT INTO ballast VALUES (zeroblob(1000000))".to_owned(),
            ))
            .await
            .expect_err("the disk is full");
        drop(txn);
        assert!(
            full.to_string().contains("full"),
            "failed for the full disk: {full}"
        );

        // Space comes back (on the connection the limit was set on, if it is still there).
        db.execute_unprepared("PRAGMA max_page_count = 1073741823")
            .await
            .expect("raise the limit");
        // A write refused inside its transaction (the prefix is taken) is rolled back.
        let refused = add_agency(&state, 1).await;
        assert!(
            matches!(refused, Err(AppError::Validation(_))),
            "{refused:?}"
        );

        let mut acknowledged = vec![first];
        for i in 0..20 {
            let id = add_agency(&state, 1000 + i).await.expect("acknowledged");
            acknowledged.push(id);
        }
        // Another pool (another instance) writes: nothing holds the write lock.
        let other = add_agency(&app.state, 5000).await;
        assert!(
            other.is_ok(),
            "another connection could not write: {other:?}"
        );
        assert!(
            state.db.ping().await.is_ok(),
            "the pool still answers after the fault"
        );
        db.close().await.expect("close");

        // Opened afresh: every acknowledged write is there.
        let fresh = Database::connect(&app.database_url).await.expect("reopen");
        let list = acknowledged
            .iter()
            .map(|id| format!("'{id}'"))
            .collect::<Vec<_>>()
            .join(",");
        let found = number(
            &fresh,
            &format!("SELECT COUNT(*) FROM agency WHERE id IN ({list})"),
        )
        .await;
        assert_eq!(found, 21, "acknowledged writes lost");
        fresh.close().await.expect("close");
    })
    .await
}
