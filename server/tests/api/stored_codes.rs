//! A stored code the server does not know (written by hand, or by a newer version) is an
//! INTERNAL error where it is read, never silently a default: an action read as "not
//! started", an agency as "other", an assessment as a draft that can be written again.

use crate::db_tests;
use crate::helpers::{error_code, run, Backend};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};

async fn corrupt(app: &crate::helpers::TestApp, sql: &str) {
    let backend = app.db().get_database_backend();
    let changed = app
        .db()
        .execute_raw(Statement::from_string(backend, sql.to_owned()))
        .await
        .expect("update");
    assert!(changed.rows_affected() > 0, "{sql}");
}

/// The error says nothing of the stored value; its reference is in the log.
fn internal(body: &Value) {
    assert_eq!(error_code(body).as_deref(), Some("INTERNAL"), "{body}");
    assert!(!body.to_string().contains("BOGUS"), "{body}");
}

async fn unknown_stored_codes_are_errors_not_defaults(backend: Backend) {
    run(backend, |app| async move {
        let office = app.demo_office().await;
        // Before: every read works.
        let plan = "{ actions(first: 200) { nodes { id status } } }";
        assert!(office.gql(plan, json!({})).await["errors"].is_null());
        let kinds = "{ agencies { id kind kindLabel } }";
        assert!(office.gql(kinds, json!({})).await["errors"].is_null());

        // An action's status: the plan, and what needs you (read for the home page).
        let id: String = office.ok(plan, json!({})).await["actions"]["nodes"][0]["id"]
            .as_str()
            .expect("an action")
            .to_owned();
        corrupt(&app, &format!("UPDATE action SET status = 'BOGUS' WHERE id = '{id}'")).await;
        internal(&office.gql(plan, json!({})).await);
        internal(&office.gql("{ whatNeedsMe { key } }", json!({})).await);
        // A change to it is refused as well, and writes nothing.
        let refused = office
            .gql(
                "mutation($id: ID!) { setActionRag(id: $id, rag: RED, reason: \"Stalled\") { id } }",
                json!({ "id": id }),
            )
            .await;
        internal(&refused);

        // An agency's kind: the field that reads it.
        corrupt(&app, "UPDATE agency SET kind = 'BOGUS' WHERE prefix = 'POL'").await;
        let body = office.gql(kinds, json!({})).await;
        internal(&body);
        assert_eq!(body["errors"][0]["path"][2], "kind", "{body}");

        // A Section 11 assessment's status: the year's view.
        corrupt(&app, "UPDATE s11_assessment SET status = 'BOGUS'").await;
        let years = office.ok("{ section11Years }", json!({})).await;
        let year = years["section11Years"][0].as_i64().expect("a year");
        internal(
            &office
                .gql(
                    "query($y: Int!) { section11(year: $y) { assessments { status } } }",
                    json!({ "y": year }),
                )
                .await,
        );
    })
    .await;
}

db_tests!(unknown_stored_codes_are_errors_not_defaults);
