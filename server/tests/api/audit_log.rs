//! The audit log: a row per change in the same transaction, reads of reviews logged, no case
//! content, filters, and a hash chain that shows tampering.

use crate::db_tests;
use crate::helpers::{error_code, run, Backend};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, Statement};
use serde_json::json;
use server::entities::audit_log;
use shared::auth::Role;

const CREATE_AGENCY: &str = "mutation($i: AgencyInput!) { createAgency(input: $i) { id } }";
const CREATE_REVIEW: &str = "mutation($i: ReviewInput!) { createReview(input: $i) { id } }";
const PAGE: &str = "query($f: AuditLogFilter, $after: String, $first: Int!) {
  auditLog(filter: $f, after: $after, first: $first) {
    entries { id action objectType objectId actorId actorName role correlationId at }
    nextCursor
  }
}";

fn agency(prefix: &str) -> serde_json::Value {
    json!({ "name": format!("Agency {prefix}"), "kind": "POLICE", "prefix": prefix, "colour": "#1d70b8", "active": true })
}

fn review(reference: &str, subject: &str) -> serde_json::Value {
    json!({
        "reference": reference, "kind": "SERIOUS_CASE_REVIEW", "subject": subject,
        "themes": ["Neglect"], "methodology": "SILP", "incidentMonth": 3, "incidentYear": 2024,
        "regimeId": "wt2015", "notifiedOn": "2024-03-10", "agencyIds": [], "members": []
    })
}

async fn rows(app: &crate::helpers::TestApp) -> Vec<audit_log::Model> {
    audit_log::Entity::find().all(app.db()).await.expect("rows")
}

async fn every_change_and_review_read_is_recorded_without_case_content(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let before = audit_log::Entity::find()
            .count(app.db())
            .await
            .expect("count");
        office
            .ok(CREATE_AGENCY, json!({ "i": agency("POL") }))
            .await;
        let id = office
            .ok(
                CREATE_REVIEW,
                json!({ "i": review("SCR-2024-01", "Child Zed") }),
            )
            .await["createReview"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        office
            .ok(
                "query($id: ID!) { review(id: $id) { reference } }",
                json!({ "id": id }),
            )
            .await;
        let all = rows(&app).await;
        assert_eq!(all.len() as u64, before + 3);
        let actions: Vec<&str> = all
            .iter()
            .rev()
            .take(3)
            .map(|r| r.action.as_str())
            .collect();
        assert_eq!(actions, ["review.read", "review.create", "agency.create"]);
        let read = &all[all.len() - 1];
        assert_eq!(read.object_id.as_deref(), Some(id.as_str()));
        assert_eq!(read.role.as_deref(), Some("BUSINESS_OFFICE"));
        assert!(read.actor_id.is_some() && !read.correlation_id.is_empty());
        for row in &all {
            let text = format!("{row:?}");
            assert!(
                !text.contains("Child Zed") && !text.contains("Neglect"),
                "case content in the audit log: {text}"
            );
        }
    })
    .await;
}

async fn a_failed_change_writes_no_audit_row(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        office
            .ok(CREATE_AGENCY, json!({ "i": agency("POL") }))
            .await;
        let before = rows(&app).await.len();
        let dup = office
            .gql(CREATE_AGENCY, json!({ "i": agency("POL") }))
            .await;
        assert_eq!(error_code(&dup).as_deref(), Some("VALIDATION"));
        assert_eq!(rows(&app).await.len(), before, "nothing half-written");
    })
    .await;
}

async fn the_chain_verifies_and_shows_tampering(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        for prefix in ["AA", "BB", "CC"] {
            office.ok(CREATE_AGENCY, json!({ "i": agency(prefix) })).await;
        }
        let report = office.ok("{ verifyAuditLog { intact checked firstBrokenId } }", json!({})).await;
        assert_eq!(report["verifyAuditLog"]["intact"], true);
        assert!(report["verifyAuditLog"]["checked"].as_u64().unwrap_or(0) >= 4);
        let target = rows(&app).await[2].id;
        match app.backend {
            Backend::Postgres => {
                let refused = app
                    .db()
                    .execute_raw(Statement::from_string(DbBackend::Postgres, "UPDATE audit_log SET action = 'x'".to_owned()))
                    .await;
                assert!(refused.is_err(), "the database refuses updates");
                let refused = app
                    .db()
                    .execute_raw(Statement::from_string(DbBackend::Postgres, "DELETE FROM audit_log".to_owned()))
                    .await;
                assert!(refused.is_err(), "the database refuses deletes");
                // Someone with the power to drop the trigger still leaves a broken chain.
                app.db()
                    .execute_unprepared(&format!(
                        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_or_delete;
                         UPDATE audit_log SET action = 'tampered' WHERE id = {target};"
                    ))
                    .await
                    .expect("tamper");
            }
            Backend::Sqlite => {
                let refused = app
                    .db()
                    .execute_raw(Statement::from_string(DbBackend::Sqlite, "DELETE FROM audit_log".to_owned()))
                    .await;
                assert!(refused.is_err(), "the database refuses deletes");
                app.db()
                    .execute_unprepared(&format!(
                        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET action = 'tampered' WHERE id = {target};"
                    ))
                    .await
                    .expect("tamper");
            }
        }
        let report = office.ok("{ verifyAuditLog { intact firstBrokenId } }", json!({})).await;
        assert_eq!(report["verifyAuditLog"]["intact"], false);
        assert_eq!(report["verifyAuditLog"]["firstBrokenId"], target.to_string());
    })
    .await;
}

async fn the_log_filters_by_person_object_and_date_and_pages(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let (other, other_id) = app
            .signed_in("office2@test.example", &[Role::BusinessOffice], None)
            .await;
        let a = office.ok(CREATE_AGENCY, json!({ "i": agency("AA") })).await["createAgency"]["id"]
            .clone();
        other.ok(CREATE_AGENCY, json!({ "i": agency("BB") })).await;

        let by_person = office
            .ok(PAGE, json!({ "f": { "actorId": other_id }, "first": 50 }))
            .await;
        let entries = by_person["auditLog"]["entries"]
            .as_array()
            .expect("entries")
            .clone();
        assert!(!entries.is_empty());
        assert!(entries.iter().all(|e| e["actorId"] == other_id.as_str()));

        let by_object = office
            .ok(PAGE, json!({ "f": { "objectId": a }, "first": 50 }))
            .await;
        let entries = by_object["auditLog"]["entries"]
            .as_array()
            .expect("entries")
            .clone();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0]["action"], "agency.create");

        let today = chrono::Utc::now().date_naive();
        let tomorrow = today.succ_opt().expect("date");
        let future = office
            .ok(
                PAGE,
                json!({ "f": { "from": tomorrow.to_string() }, "first": 50 }),
            )
            .await;
        assert_eq!(
            future["auditLog"]["entries"].as_array().map(Vec::len),
            Some(0)
        );
        let today_rows = office
            .ok(
                PAGE,
                json!({ "f": { "from": today.to_string(), "to": today.to_string() }, "first": 50 }),
            )
            .await;
        assert!(
            today_rows["auditLog"]["entries"]
                .as_array()
                .map(Vec::len)
                .unwrap_or(0)
                >= 4
        );

        let first = office.ok(PAGE, json!({ "first": 2 })).await;
        let cursor = first["auditLog"]["nextCursor"]
            .as_str()
            .expect("more pages")
            .to_owned();
        let second = office
            .ok(PAGE, json!({ "first": 2, "after": cursor }))
            .await;
        let first_ids: Vec<_> = first["auditLog"]["entries"]
            .as_array()
            .expect("e")
            .iter()
            .map(|e| e["id"].clone())
            .collect();
        let second_ids: Vec<_> = second["auditLog"]["entries"]
            .as_array()
            .expect("e")
            .iter()
            .map(|e| e["id"].clone())
            .collect();
        assert_eq!(first_ids.len(), 2);
        assert!(
            second_ids.iter().all(|id| !first_ids.contains(id)),
            "pages do not overlap"
        );

        let bad = office
            .gql(
                PAGE,
                json!({ "f": { "from": "2024-02-01", "to": "2024-01-01" }, "first": 10 }),
            )
            .await;
        assert_eq!(error_code(&bad).as_deref(), Some("VALIDATION"));
        let bad = office.gql(PAGE, json!({ "first": 0 })).await;
        assert_eq!(error_code(&bad).as_deref(), Some("VALIDATION"));
    })
    .await;
}

/// Reads arriving together share a commit, but each is answered only once its row is in, and
/// the chain still links every row.
async fn reads_at_once_are_each_recorded_and_the_chain_holds(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let id = office
            .ok(
                CREATE_REVIEW,
                json!({ "i": review("SCR-2024-02", "Child Yan") }),
            )
            .await["createReview"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let answers = futures_util::future::join_all((0..25).map(|_| {
            office.ok(
                "query($id: ID!) { review(id: $id) { reference } }",
                json!({ "id": id }),
            )
        }))
        .await;
        assert_eq!(answers.len(), 25);
        let recorded = rows(&app)
            .await
            .iter()
            .filter(|r| r.action == "review.read" && r.object_id.as_deref() == Some(&id))
            .count();
        assert_eq!(recorded, 25);
        let report = office
            .ok("{ verifyAuditLog { intact checked } }", json!({}))
            .await;
        assert_eq!(report["verifyAuditLog"]["intact"], true, "{report}");
    })
    .await;
}

/// Reads are recorded over the audit writer's own connection, not the shared pool: with
/// every pooled connection taken (as 32 readers on PostgreSQL's 20 take them), a read is
/// still recorded at once. Over the pool, its batch queued behind the readers waiting for
/// it (here: until the pool's 10 s acquire timeout).
async fn reads_are_recorded_while_every_pooled_connection_is_taken(backend: Backend) {
    use sea_orm::{ColumnTrait, QueryFilter, TransactionTrait};
    use std::time::{Duration, Instant};
    run(backend, |app| async move {
        let mut held = Vec::new();
        loop {
            match tokio::time::timeout(Duration::from_millis(300), app.db().begin()).await {
                Ok(txn) => held.push(txn.expect("begin")),
                Err(_) => break,
            }
            assert!(held.len() <= 64, "the pool never ran out");
        }
        assert!(!held.is_empty());
        let started = Instant::now();
        let recorded = tokio::time::timeout(
            Duration::from_secs(5),
            app.state.record_read(
                &server::context::RequestContext::system("test"),
                server::audit_log::Event::new("test.read", "review", "r1"),
            ),
        )
        .await;
        let took = started.elapsed();
        assert!(
            matches!(recorded, Ok(Ok(()))),
            "with the {} pooled connections taken: {recorded:?} after {took:?}",
            held.len()
        );
        assert!(took < Duration::from_secs(2), "recorded after {took:?}");
        drop(held);
        let rows = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("test.read"))
            .count(app.db())
            .await
            .expect("count");
        assert_eq!(rows, 1);
        let report = server::audit_log::verify(app.db()).await.expect("verify");
        assert!(report.intact, "{report:?}");
    })
    .await
}

db_tests!(
    reads_are_recorded_while_every_pooled_connection_is_taken,
    reads_at_once_are_each_recorded_and_the_chain_holds,
    every_change_and_review_read_is_recorded_without_case_content,
    a_failed_change_writes_no_audit_row,
    the_chain_verifies_and_shows_tampering,
    the_log_filters_by_person_object_and_date_and_pages,
);
