//! Retention and legal hold (issue 21, item 2): rules as data set by the business office,
//! the purge (one transaction per review, everything under it, holds respected), the audit
//! log pruned with its chain still verifiable, sessions / sign-in attempts / notifications
//! expired, the daily run once across instances, and a failure mid-purge leaving the review
//! whole.

use crate::db_tests;
use crate::helpers::{error_code, problem_fields, run, Backend, TestApp};
use chrono::{Duration, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Statement,
};
use serde_json::{json, Value};
use server::context::RequestContext;
use server::entities::{audit_log, retention_rule, retention_run, review};
use shared::retention::{Period, RuleKey};

const RULES: &str = "{ retentionRules { key recordKind reviewKind unit amount period isDefault defaultPeriod updatedBy allowed } }";
const SET_RULES: &str = "mutation($r: [RetentionRuleInput!]!) { setRetentionRules(rules: $r) { key unit amount period isDefault updatedBy } }";
const PREVIEW: &str = "{ retentionPreview { dryRun reviews { reference kindLabel closedOn expiredOn entries rows } chronologies { reference entries rows } held { reference reviewId reviewExpiredOn chronologyExpiredOn } failed { reference } auditEntries notifications sessions signInAttempts } }";
const RUN: &str = "mutation { runRetention { dryRun reviews { reference rows entries } chronologies { reference entries } held { reference } failed { reference what } auditEntries } }";
const SET_HOLD: &str = "mutation($id: ID!, $reason: String!) { setLegalHold(reviewId: $id, reason: $reason) { id reason setBy setAt liftedAt } }";
const LIFT_HOLD: &str = "mutation($id: ID!, $reason: String!) { liftLegalHold(reviewId: $id, reason: $reason) { id liftedBy liftReason liftedAt } }";
const REVIEW: &str = "query($id: ID!) { review(id: $id) { reference legalHold { reason setBy } legalHolds { reason liftReason } retention { closedOn period keptUntil held due summary chronologySummary } } }";

async fn seeded(app: &TestApp) {
    assert!(
        server::demo::seed_if_empty(&app.state).await.expect("demo"),
        "the demo loads into the fresh database"
    );
}

async fn review_id(app: &TestApp, reference: &str) -> Option<String> {
    review::Entity::find()
        .filter(review::Column::Reference.eq(reference))
        .one(app.db())
        .await
        .expect("review")
        .map(|r| r.id)
}

async fn number(app: &TestApp, sql: &str) -> i64 {
    let backend = app.db().get_database_backend();
    app.db()
        .query_one_raw(Statement::from_string(backend, sql.to_owned()))
        .await
        .expect(sql)
        .expect("a row")
        .try_get_by_index::<i64>(0)
        .expect("a number")
}

/// Every table with a `review_id` column, on either database.
async fn tables_with_review_id(app: &TestApp) -> Vec<String> {
    let sql = match app.backend {
        Backend::Sqlite => "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c WHERE m.type = 'table' AND c.name = 'review_id'",
        Backend::Postgres => "SELECT table_name::text FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'review_id'",
    };
    let backend = app.db().get_database_backend();
    app.db()
        .query_all_raw(Statement::from_string(backend, sql.to_owned()))
        .await
        .expect("tables")
        .into_iter()
        .map(|r| r.try_get_by_index::<String>(0).expect("name"))
        .collect()
}

/// Rows anywhere that belong to the review: in each table with a `review_id`, and in the
/// tables hanging off its entries, actions, learning points and summaries.
async fn rows_of(app: &TestApp, id: &str) -> i64 {
    let mut total = number(
        app,
        &format!("SELECT COUNT(*) FROM review WHERE id = '{id}'"),
    )
    .await;
    for table in tables_with_review_id(app).await {
        total += number(
            app,
            &format!("SELECT COUNT(*) FROM {table} WHERE review_id = '{id}'"),
        )
        .await;
    }
    for (table, column, parent) in [
        ("chronology_entry_history", "entry_id", "chronology_entry"),
        ("notification", "action_id", "action"),
        ("action_update", "action_id", "action"),
        ("action_history", "action_id", "action"),
        ("learning_event_action", "action_id", "action"),
        ("recommendation", "learning_point_id", "learning_point"),
        ("summary_field", "summary_id", "learning_summary"),
        ("summary_field_version", "summary_id", "learning_summary"),
        ("summary_comment", "summary_id", "learning_summary"),
        ("summary_state_change", "summary_id", "learning_summary"),
        ("summary_report", "summary_id", "learning_summary"),
    ] {
        total += number(
            app,
            &format!("SELECT COUNT(*) FROM {table} WHERE {column} IN (SELECT id FROM {parent} WHERE review_id = '{id}')"),
        )
        .await;
    }
    total
}

async fn entries_of(app: &TestApp, id: &str) -> i64 {
    number(
        app,
        &format!("SELECT COUNT(*) FROM chronology_entry WHERE review_id = '{id}'"),
    )
    .await
}

async fn verify(app: &TestApp) -> server::audit_log::ChainReport {
    server::audit_log::verify(app.db()).await.expect("verify")
}

fn rule(record: &str, review_kind: Option<&str>, unit: &str, amount: Option<i64>) -> Value {
    json!({ "recordKind": record, "reviewKind": review_kind, "unit": unit, "amount": amount })
}

async fn rules_are_data_set_by_the_office_with_bounded_inputs(backend: Backend) {
    run(backend, |app| async move {
        // The migration seeds the defaults the rules say.
        let rows = retention_rule::Entity::find().all(app.db()).await.expect("rows");
        let defaults = shared::retention::defaults();
        assert_eq!(rows.len(), defaults.len());
        for (key, period) in &defaults {
            let row = rows.iter().find(|r| r.key == key.code()).expect("seeded");
            assert_eq!(
                Period::from_parts(&row.unit, row.amount.map(i64::from)),
                Some(*period),
                "{}",
                row.key
            );
        }
        let office = app.office().await;
        let list = office.ok(RULES, json!({})).await["retentionRules"].clone();
        let list = list.as_array().expect("rules").clone();
        assert_eq!(list.len(), defaults.len());
        let scr = list.iter().find(|r| r["key"] == "REVIEW:SERIOUS_CASE_REVIEW").expect("scr");
        assert_eq!(scr["period"], "kept forever");
        assert_eq!(scr["isDefault"], true);
        let audit = list.iter().find(|r| r["key"] == "AUDIT_LOG").expect("audit");
        assert_eq!(audit["period"], "7 years");

        let changed = office
            .ok(
                SET_RULES,
                json!({ "r": [rule("AUDIT_LOG", None, "MONTHS", Some(120)), rule("REVIEW", Some("THEMATIC_AUDIT"), "FOREVER", None)] }),
            )
            .await["setRetentionRules"]
            .clone();
        let audit = changed
            .as_array()
            .expect("rules")
            .iter()
            .find(|r| r["key"] == "AUDIT_LOG")
            .expect("audit")
            .clone();
        assert_eq!(audit["period"], "10 years");
        assert_eq!(audit["isDefault"], false);
        assert_eq!(audit["updatedBy"], "office");
        let entry = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("retention.rules_update"))
            .one(app.db())
            .await
            .expect("query")
            .expect("the change is audited");
        let detail = entry.detail.expect("what changed");
        assert!(detail.contains("\"from\":\"7 years\"") && detail.contains("\"to\":\"10 years\""), "{detail}");

        // Out of bounds, a unit the kind does not offer, a review rule without its kind.
        let refused = office
            .gql(
                SET_RULES,
                json!({ "r": [
                    rule("AUDIT_LOG", None, "MONTHS", Some(6)),
                    rule("SESSIONS", None, "FOREVER", None),
                    rule("REVIEW", None, "MONTHS", Some(24)),
                ] }),
            )
            .await;
        assert_eq!(error_code(&refused).as_deref(), Some("VALIDATION"));
        assert_eq!(
            problem_fields(&refused),
            ["rules[0].amount", "rules[1].unit", "rules[2].reviewKind"]
        );
        // One more than there are rules.
        let too_many: Vec<Value> = (0..=RuleKey::all().len()).map(|_| rule("SESSIONS", None, "DAYS", Some(1))).collect();
        let refused = office.gql(SET_RULES, json!({ "r": too_many })).await;
        assert_eq!(problem_fields(&refused), ["rules"]);
        // Nothing was changed by a refused call.
        let audit = server::retention::period(app.db(), RuleKey::of(shared::retention::RecordKind::AuditLog))
            .await
            .expect("period");
        assert_eq!(audit, Period::Months(120));
    })
    .await;
}

async fn an_expired_review_goes_with_everything_under_it_and_a_held_one_stays(backend: Backend) {
    run(backend, |app| async move {
        seeded(&app).await;
        let office = app.office().await;
        let with_plan = review_id(&app, "SCR-2016-03").await.expect("demo review");
        let published = review_id(&app, "SCR-2015-07").await.expect("demo review");
        let open = review_id(&app, "RR-2026-01").await.expect("demo review");
        // One of the review's actions points its evidence of impact at a demo event (the
        // demo's events already carry the review's learning).
        app.db()
            .execute_unprepared(&format!(
                "INSERT INTO learning_event_action (event_id, action_id) \
                 SELECT (SELECT id FROM learning_event ORDER BY held_on LIMIT 1), id \
                 FROM action WHERE review_id = '{with_plan}' ORDER BY action.id LIMIT 1"
            ))
            .await
            .expect("evidence link");
        let events = number(&app, "SELECT COUNT(*) FROM learning_event").await;
        let rich = rows_of(&app, &with_plan).await;
        assert!(entries_of(&app, &with_plan).await > 10, "the demo review has a chronology");
        let open_rows = rows_of(&app, &open).await;

        // A hold needs a reason, and shows on the review.
        let refused = office.gql(SET_HOLD, json!({ "id": published, "reason": "  " })).await;
        assert_eq!(problem_fields(&refused), ["reason"]);
        let hold = office
            .ok(SET_HOLD, json!({ "id": published, "reason": "Civil claim notified by the family's solicitors" }))
            .await["setLegalHold"]
            .clone();
        assert_eq!(hold["setBy"], "office");
        let held_rows = rows_of(&app, &published).await;
        let again = office.gql(SET_HOLD, json!({ "id": published, "reason": "Twice" })).await;
        assert_eq!(error_code(&again).as_deref(), Some("CONFLICT"));
        let shown = office.ok(REVIEW, json!({ "id": published })).await["review"].clone();
        assert_eq!(shown["legalHold"]["reason"], "Civil claim notified by the family's solicitors");
        assert_eq!(shown["retention"]["held"], true);
        assert_eq!(shown["retention"]["closedOn"], "2016-06-30");
        assert_eq!(shown["retention"]["period"], "kept forever");

        // Serious case reviews kept a year: both closed demo reviews have expired.
        office
            .ok(SET_RULES, json!({ "r": [rule("REVIEW", Some("SERIOUS_CASE_REVIEW"), "MONTHS", Some(12))] }))
            .await;
        let shown = office.ok(REVIEW, json!({ "id": with_plan })).await["review"].clone();
        assert_eq!(shown["retention"]["due"], true);
        assert_eq!(shown["retention"]["keptUntil"], "2017-12-01");

        let preview = office.ok(PREVIEW, json!({})).await["retentionPreview"].clone();
        assert_eq!(preview["dryRun"], true);
        let listed: Vec<&str> = preview["reviews"]
            .as_array()
            .expect("reviews")
            .iter()
            .filter_map(|r| r["reference"].as_str())
            .collect();
        assert_eq!(listed, ["SCR-2016-03"], "open and held reviews are not listed: {preview:#}");
        assert_eq!(preview["reviews"][0]["rows"], rich, "the preview counts what would go");
        assert_eq!(preview["held"][0]["reference"], "SCR-2015-07");
        assert_eq!(preview["held"][0]["reviewExpiredOn"], "2017-06-30");
        assert_eq!(rows_of(&app, &with_plan).await, rich, "a preview deletes nothing");

        let report = office.ok(RUN, json!({})).await["runRetention"].clone();
        assert_eq!(report["dryRun"], false);
        assert_eq!(report["reviews"][0]["reference"], "SCR-2016-03");
        assert_eq!(report["reviews"][0]["rows"], rich);
        assert_eq!(report["held"][0]["reference"], "SCR-2015-07");
        assert_eq!(rows_of(&app, &with_plan).await, 0, "nothing of the review is left");
        assert_eq!(
            number(&app, "SELECT COUNT(*) FROM learning_event").await,
            events,
            "the learning events that carried its learning stay"
        );
        assert_eq!(rows_of(&app, &published).await, held_rows, "the held review is whole");
        assert_eq!(rows_of(&app, &open).await, open_rows, "an open review is kept");
        let gone = office.gql(REVIEW, json!({ "id": with_plan })).await;
        assert_eq!(error_code(&gone).as_deref(), Some("NOT_FOUND"));

        // Audited: one entry for the review and one for the run, references and counts only.
        let deleted = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("retention.review_deleted"))
            .filter(audit_log::Column::ObjectId.eq(with_plan.clone()))
            .one(app.db())
            .await
            .expect("query")
            .expect("the deletion is audited");
        let detail = deleted.detail.expect("detail");
        assert!(detail.contains("\"reference\":\"SCR-2016-03\""), "{detail}");
        let run_entry = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq(server::audit_log::PURGE_ACTION))
            .one(app.db())
            .await
            .expect("query")
            .expect("the run is audited");
        assert!(run_entry.actor_name.as_deref() == Some("office"));
        let detail = run_entry.detail.expect("detail");
        assert!(detail.contains("SCR-2016-03") && detail.contains("SCR-2015-07"), "{detail}");
        for row in audit_log::Entity::find().all(app.db()).await.expect("rows") {
            let text = format!("{row:?}");
            assert!(!text.contains("Child A") && !text.contains("Civil claim"), "content in the audit log: {text}");
        }
        assert!(verify(&app).await.intact);

        // Nothing under a held review may be deleted by hand either.
        let term = number(&app, &format!("SELECT COUNT(*) FROM legal_hold WHERE review_id = '{published}' AND lifted_at IS NULL")).await;
        assert_eq!(term, 1);

        // Lifting needs a reason too; then the next run deletes it, library entries and all.
        let refused = office.gql(LIFT_HOLD, json!({ "id": published, "reason": "" })).await;
        assert_eq!(problem_fields(&refused), ["reason"]);
        let lifted = office
            .ok(LIFT_HOLD, json!({ "id": published, "reason": "Claim settled" }))
            .await["liftLegalHold"]
            .clone();
        assert_eq!(lifted["liftedBy"], "office");
        let shown = office.ok(REVIEW, json!({ "id": published })).await["review"].clone();
        assert!(shown["legalHold"].is_null());
        assert_eq!(shown["legalHolds"][0]["liftReason"], "Claim settled");
        let again = office.gql(LIFT_HOLD, json!({ "id": published, "reason": "Twice" })).await;
        assert_eq!(error_code(&again).as_deref(), Some("CONFLICT"));
        let report = office.ok(RUN, json!({})).await["runRetention"].clone();
        assert_eq!(report["reviews"][0]["reference"], "SCR-2015-07");
        assert_eq!(rows_of(&app, &published).await, 0);
        assert_eq!(number(&app, "SELECT COUNT(*) FROM library_entry").await, 0);
        let runs = office
            .ok("{ retentionRuns { trigger outcome report { reviews { reference } } } }", json!({}))
            .await["retentionRuns"]
            .clone();
        assert_eq!(runs.as_array().map(Vec::len), Some(2));
        assert_eq!(runs[0]["trigger"], "MANUAL");
        assert_eq!(runs[0]["outcome"], "DONE");
        assert_eq!(runs[0]["report"]["reviews"][0]["reference"], "SCR-2015-07");
        assert!(verify(&app).await.intact);
    })
    .await;
}

async fn chronology_entries_may_go_before_their_review(backend: Backend) {
    run(backend, |app| async move {
        seeded(&app).await;
        let office = app.office().await;
        let id = review_id(&app, "SCR-2016-03").await.expect("demo review");
        let entries = entries_of(&app, &id).await;
        office
            .ok(
                SET_RULES,
                json!({ "r": [rule("CHRONOLOGY_ENTRIES", None, "MONTHS", Some(12))] }),
            )
            .await;
        let shown = office.ok(REVIEW, json!({ "id": id })).await["review"].clone();
        assert!(shown["retention"]["chronologySummary"]
            .as_str()
            .unwrap_or("")
            .contains("next retention run deletes"));
        let report = office.ok(RUN, json!({})).await["runRetention"].clone();
        assert_eq!(report["reviews"].as_array().map(Vec::len), Some(0));
        assert_eq!(report["chronologies"][0]["reference"], "SCR-2016-03");
        assert_eq!(report["chronologies"][0]["entries"], entries);
        assert_eq!(entries_of(&app, &id).await, 0);
        assert!(
            review_id(&app, "SCR-2016-03").await.is_some(),
            "the review stays"
        );
        assert!(
            number(
                &app,
                &format!("SELECT COUNT(*) FROM chronology_return WHERE review_id = '{id}'")
            )
            .await
                > 0
        );
        // A second run finds nothing more to do.
        let report = office.ok(RUN, json!({})).await["runRetention"].clone();
        assert_eq!(report["chronologies"].as_array().map(Vec::len), Some(0));
    })
    .await;
}

async fn the_audit_log_is_pruned_and_its_chain_still_verifies(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        for prefix in ["AA", "BB", "CC"] {
            office
                .ok(
                    "mutation($i: AgencyInput!) { createAgency(input: $i) { id } }",
                    json!({ "i": { "name": format!("Agency {prefix}"), "kind": "POLICE", "prefix": prefix, "colour": "#1d70b8", "active": true } }),
                )
                .await;
        }
        let before = audit_log::Entity::find().count(app.db()).await.expect("count");
        assert!(before >= 4);
        let preview = server::retention::preview(&app.state, &RequestContext::system("test"), Utc::now() + Duration::days(365 * 8))
            .await
            .expect("preview");
        assert_eq!(preview.audit_entries, before - 1, "all but the newest");
        assert_eq!(audit_log::Entity::find().count(app.db()).await.expect("count"), before);

        // Eight years on, the seven-year rule deletes all but the newest entry.
        let report = server::retention::run_now(&app.state, &RequestContext::system("test"), Utc::now() + Duration::days(365 * 8))
            .await
            .expect("run");
        let pruned = report.audit_log.clone().expect("pruned");
        assert_eq!(pruned.deleted, before - 1);
        let kept = audit_log::Entity::find()
            .order_by_asc(audit_log::Column::Id)
            .all(app.db())
            .await
            .expect("rows");
        assert_eq!(kept.len(), 2, "the newest entry and the run's own");
        assert_eq!(kept[0].prev_hash, pruned.through_hash, "the kept chain links to the last deleted entry");
        assert_ne!(kept[0].prev_hash, server::audit_log::GENESIS);
        let report = verify(&app).await;
        assert!(report.intact, "{report:?}");
        assert_eq!(report.checked, 2);
        // Eight years on, the office's session has gone too: sign in again.
        let office = app.client();
        office.sign_in("office@test.example", crate::helpers::PASSWORD).await;

        // More entries, then a second prune: still verifiable from the newer anchor.
        office
            .ok(
                "mutation($i: AgencyInput!) { createAgency(input: $i) { id } }",
                json!({ "i": { "name": "Agency DD", "kind": "POLICE", "prefix": "DD", "colour": "#1d70b8", "active": true } }),
            )
            .await;
        server::retention::run_now(&app.state, &RequestContext::system("test"), Utc::now() + Duration::days(365 * 8))
            .await
            .expect("run");
        assert!(verify(&app).await.intact);

        // Deleting older entries without a purge recording it is a break.
        let first = audit_log::Entity::find()
            .order_by_asc(audit_log::Column::Id)
            .one(app.db())
            .await
            .expect("query")
            .expect("row");
        app.db()
            .execute_unprepared(&format!(
                "INSERT INTO audit_log_prune (through_id) VALUES ({id}); DELETE FROM audit_log WHERE id = {id}; DELETE FROM audit_log_prune;",
                id = first.id
            ))
            .await
            .expect("delete behind the purge's back");
        let report = verify(&app).await;
        assert!(!report.intact, "an unrecorded deletion is caught");

        // And a kept entry tampered with is a break at that entry.
        let log = audit_log::Entity::find()
            .order_by_asc(audit_log::Column::Id)
            .all(app.db())
            .await
            .expect("rows");
        let target = log[log.len() - 1].id;
        let disable = match app.backend {
            Backend::Postgres => "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_or_delete;",
            Backend::Sqlite => "DROP TRIGGER audit_log_no_update;",
        };
        app.db()
            .execute_unprepared(&format!("{disable} UPDATE audit_log SET action = 'tampered' WHERE id = {target};"))
            .await
            .expect("tamper");
        let report = verify(&app).await;
        assert!(!report.intact);
    })
    .await;
}

async fn a_kept_entry_tampered_with_after_a_prune_is_found(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        for prefix in ["AA", "BB"] {
            office
                .ok(
                    "mutation($i: AgencyInput!) { createAgency(input: $i) { id } }",
                    json!({ "i": { "name": format!("Agency {prefix}"), "kind": "POLICE", "prefix": prefix, "colour": "#1d70b8", "active": true } }),
                )
                .await;
        }
        // A year's worth of the log kept: a prune dated 7 years and a day after now keeps
        // nothing older; entries made after it are kept.
        server::retention::run_now(&app.state, &RequestContext::system("test"), Utc::now() + Duration::days(365 * 8))
            .await
            .expect("run");
        let office = app.client();
        office.sign_in("office@test.example", crate::helpers::PASSWORD).await;
        for prefix in ["CC", "DD"] {
            office
                .ok(
                    "mutation($i: AgencyInput!) { createAgency(input: $i) { id } }",
                    json!({ "i": { "name": format!("Agency {prefix}"), "kind": "POLICE", "prefix": prefix, "colour": "#1d70b8", "active": true } }),
                )
                .await;
        }
        assert!(verify(&app).await.intact);
        let log = audit_log::Entity::find()
            .order_by_asc(audit_log::Column::Id)
            .all(app.db())
            .await
            .expect("rows");
        let target = log[1].id;
        let disable = match app.backend {
            Backend::Postgres => "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_or_delete;",
            Backend::Sqlite => "DROP TRIGGER audit_log_no_update;",
        };
        app.db()
            .execute_unprepared(&format!("{disable} UPDATE audit_log SET object_type = 'x' WHERE id = {target};"))
            .await
            .expect("tamper");
        let report = verify(&app).await;
        assert!(!report.intact);
        assert_eq!(report.first_broken_id, Some(target));
    })
    .await;
}

async fn sessions_attempts_and_notifications_expire(backend: Backend) {
    run(backend, |app| async move {
        seeded(&app).await;
        let office = app.office().await;
        // A failed sign-in, and the demo's reminders made now.
        let stranger = app.client();
        let failed = stranger
            .gql(
                "mutation { signIn(email: \"office@test.example\", password: \"wrong-password-here\") { id } }",
                json!({}),
            )
            .await;
        assert!(failed.get("errors").is_some());
        server::work::notifications::run_once(&app.state, app.state.today())
            .await
            .expect("reminders");
        let notifications = number(&app, "SELECT COUNT(*) FROM notification").await;
        assert!(notifications > 0, "the demo has reminders due");
        // One read, one left unread.
        app.db()
            .execute_unprepared("UPDATE notification SET read_at = created_at WHERE id = (SELECT MIN(id) FROM notification)")
            .await
            .expect("read one");
        let sessions = number(&app, "SELECT COUNT(*) FROM session").await;
        let attempts = number(&app, "SELECT COUNT(*) FROM sign_in_failure").await;
        assert!(sessions >= 1 && attempts >= 1);

        // A year on: every session has expired, every attempt stopped counting, the read
        // reminder is past six months; the unread one of an open action stays.
        let at = Utc::now() + Duration::days(365);
        let preview = server::retention::preview(&app.state, &RequestContext::system("test"), at)
            .await
            .expect("preview");
        assert_eq!(preview.sessions, sessions as u64);
        assert_eq!(preview.sign_in_attempts, attempts as u64);
        assert_eq!(preview.notifications, 1);
        let report = server::retention::run_now(&app.state, &RequestContext::system("test"), at)
            .await
            .expect("run");
        assert_eq!(report.sessions, sessions as u64);
        assert_eq!(report.sign_in_attempts, attempts as u64);
        assert_eq!(report.notifications, 1);
        assert_eq!(number(&app, "SELECT COUNT(*) FROM session").await, 0);
        assert_eq!(number(&app, "SELECT COUNT(*) FROM notification").await, notifications - 1);
        // The office's session is gone: signed out.
        let me = office.ok("{ me { id } }", json!({})).await;
        assert!(me["me"].is_null());

        // Sessions kept 30 days after they expire: the run keeps those expired since.
        let office = app.client();
        office.sign_in("office@test.example", crate::helpers::PASSWORD).await;
        office
            .ok(SET_RULES, json!({ "r": [rule("SESSIONS", None, "DAYS", Some(30))] }))
            .await;
        let report = server::retention::preview(&app.state, &RequestContext::system("test"), Utc::now() + Duration::days(20))
            .await
            .expect("preview");
        assert_eq!(report.sessions, 0);
    })
    .await;
}

async fn the_daily_run_happens_once_across_instances(backend: Backend) {
    run(backend, |app| async move {
        let other = app.another_instance().await;
        // Noon today, so an hour later is the same day whatever the time the test runs
        // (from 23:00 UTC, `now + 1 hour` was tomorrow, and tomorrow's run is due).
        let at = Utc::now()
            .date_naive()
            .and_hms_opt(12, 0, 0)
            .expect("noon")
            .and_utc();
        let (a, b) = tokio::join!(
            server::retention::run_scheduled(&app.state, at),
            server::retention::run_scheduled(&other.state, at),
        );
        let ran = [a.expect("first"), b.expect("second")];
        assert_eq!(
            ran.iter().filter(|r| r.is_some()).count(),
            1,
            "one instance runs the day"
        );
        let again = server::retention::run_scheduled(&app.state, at + Duration::hours(1))
            .await
            .expect("later that day");
        assert!(again.is_none(), "the day is done");
        let runs = retention_run::Entity::find()
            .all(app.db())
            .await
            .expect("runs");
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].trigger, "SCHEDULED");
        assert_eq!(runs[0].outcome.as_deref(), Some("DONE"));
        let audited = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq(server::audit_log::PURGE_ACTION))
            .count(app.db())
            .await
            .expect("count");
        assert_eq!(audited, 1);
        let next_day = server::retention::run_scheduled(&other.state, at + Duration::days(1))
            .await
            .expect("next day");
        assert!(next_day.is_some());
    })
    .await;
}

/// A failure while deleting one review (injected: the database refuses to delete its row,
/// the last step) rolls back everything of that review; the others go ahead, the run is
/// recorded with the failure, and the next run, once the fault is gone, deletes it.
async fn a_failure_mid_purge_leaves_the_review_whole(backend: Backend) {
    run(backend, |app| async move {
        seeded(&app).await;
        let office = app.office().await;
        let faulty = review_id(&app, "SCR-2016-03").await.expect("demo review");
        let other = review_id(&app, "SCR-2015-07").await.expect("demo review");
        let whole = rows_of(&app, &faulty).await;
        let inject = match app.backend {
            Backend::Sqlite => "CREATE TRIGGER injected_fault BEFORE DELETE ON review WHEN OLD.reference = 'SCR-2016-03' BEGIN SELECT RAISE(ABORT, 'injected fault'); END;".to_owned(),
            Backend::Postgres => "CREATE FUNCTION injected_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF OLD.reference = 'SCR-2016-03' THEN RAISE EXCEPTION 'injected fault'; END IF; RETURN OLD; END $$;
                CREATE TRIGGER injected_fault BEFORE DELETE ON review FOR EACH ROW EXECUTE FUNCTION injected_fault();".to_owned(),
        };
        app.db().execute_unprepared(&inject).await.expect("inject");
        office
            .ok(SET_RULES, json!({ "r": [rule("REVIEW", Some("SERIOUS_CASE_REVIEW"), "MONTHS", Some(12))] }))
            .await;
        let report = office.ok(RUN, json!({})).await["runRetention"].clone();
        assert_eq!(report["failed"][0]["reference"], "SCR-2016-03");
        assert_eq!(report["failed"][0]["what"], "review");
        assert_eq!(report["reviews"][0]["reference"], "SCR-2015-07");
        assert_eq!(rows_of(&app, &faulty).await, whole, "nothing of the failed review was deleted");
        assert_eq!(rows_of(&app, &other).await, 0);
        assert!(verify(&app).await.intact);
        let none = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("retention.review_deleted"))
            .filter(audit_log::Column::ObjectId.eq(faulty.clone()))
            .count(app.db())
            .await
            .expect("count");
        assert_eq!(none, 0, "no deletion recorded for the failed review");

        let remove = match app.backend {
            Backend::Sqlite => "DROP TRIGGER injected_fault;",
            Backend::Postgres => "DROP TRIGGER injected_fault ON review; DROP FUNCTION injected_fault();",
        };
        app.db().execute_unprepared(remove).await.expect("remove fault");
        let report = office.ok(RUN, json!({})).await["runRetention"].clone();
        assert_eq!(report["reviews"][0]["reference"], "SCR-2016-03");
        assert_eq!(rows_of(&app, &faulty).await, 0);
        assert!(verify(&app).await.intact);
    })
    .await;
}

async fn nothing_under_a_held_review_is_deleted_by_hand(backend: Backend) {
    run(backend, |app| async move {
        seeded(&app).await;
        let office = app.office().await;
        let id = review_id(&app, "SCR-2016-03").await.expect("demo review");
        let term = number(
            &app,
            &format!("SELECT COUNT(*) FROM glossary_term WHERE review_id = '{id}'"),
        )
        .await;
        assert!(term > 0);
        let backend_kind = app.db().get_database_backend();
        let term_id = app
            .db()
            .query_one_raw(Statement::from_string(
                backend_kind,
                format!("SELECT id FROM glossary_term WHERE review_id = '{id}' LIMIT 1"),
            ))
            .await
            .expect("term")
            .expect("row")
            .try_get_by_index::<String>(0)
            .expect("id");
        office
            .ok(
                SET_HOLD,
                json!({ "id": id, "reason": "Police investigation" }),
            )
            .await;
        let refused = office
            .gql(
                "mutation($id: ID!) { removeGlossaryTerm(id: $id) }",
                json!({ "id": term_id }),
            )
            .await;
        assert_eq!(
            error_code(&refused).as_deref(),
            Some("CONFLICT"),
            "{refused:#}"
        );
    })
    .await;
}

db_tests!(
    rules_are_data_set_by_the_office_with_bounded_inputs,
    an_expired_review_goes_with_everything_under_it_and_a_held_one_stays,
    chronology_entries_may_go_before_their_review,
    the_audit_log_is_pruned_and_its_chain_still_verifies,
    a_kept_entry_tampered_with_after_a_prune_is_found,
    sessions_attempts_and_notifications_expire,
    the_daily_run_happens_once_across_instances,
    a_failure_mid_purge_leaves_the_review_whole,
    nothing_under_a_held_review_is_deleted_by_hand,
);
