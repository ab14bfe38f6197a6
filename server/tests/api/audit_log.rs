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

const WORDS: &str = "query($f: AuditLogFilter, $first: Int!) {
  auditLog(filter: $f, first: $first) {
    entries { id action description kind objectType objectId objectLabel reviewId reviewReference }
    nextCursor
  }
}";

fn entries(page: &serde_json::Value) -> Vec<serde_json::Value> {
    page["auditLog"]["entries"]
        .as_array()
        .expect("entries")
        .clone()
}

/// Entries read in words, name their review by its reference and their objects by name,
/// and filter by review (id or reference) and by kind; bad filters are VALIDATION errors.
async fn the_log_reads_in_words_and_filters_by_review_and_kind(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let agency_id = office.ok(CREATE_AGENCY, json!({ "i": agency("POL") })).await
            ["createAgency"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let mut ids = Vec::new();
        for (reference, subject) in [("SCR-2024-03", "Child Yan"), ("SCR-2024-04", "Child Xi")] {
            let id = office
                .ok(CREATE_REVIEW, json!({ "i": review(reference, subject) }))
                .await["createReview"]["id"]
                .as_str()
                .expect("id")
                .to_owned();
            ids.push(id);
        }
        // A record of the review: a learning point, and a recommendation under it.
        let point = office
            .ok(
                "mutation($r: ID!, $i: LearningPointInput!) { createLearningPoint(reviewId: $r, input: $i) { id } }",
                json!({ "r": ids[0], "i": {
                    "title": "Health were not invited", "detail": "To the strategy discussion.",
                    "scope": "MULTI_AGENCY", "kind": "NEEDS_IMPROVEMENT", "themes": ["Neglect"]
                } }),
            )
            .await["createLearningPoint"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        office
            .ok(
                "mutation($p: ID!, $t: String!) { addRecommendation(learningPointId: $p, text: $t) { id } }",
                json!({ "p": point, "t": "Invite health every time." }),
            )
            .await;
        office
            .ok(
                "query($id: ID!) { review(id: $id) { reference } }",
                json!({ "id": ids[0] }),
            )
            .await;
        app.state
            .record_read(
                &server::context::RequestContext::system("test"),
                server::audit_log::Event::new("test.read", "review", &ids[1]),
            )
            .await
            .expect("recorded");

        // In words, with the review's reference and the objects' names.
        let all = entries(&office.ok(WORDS, json!({ "first": 200 })).await);
        let find = |action: &str| {
            all.iter()
                .find(|e| e["action"] == action)
                .cloned()
                .unwrap_or_else(|| panic!("no {action} entry"))
        };
        let created = find("review.create");
        assert_eq!(created["description"], "Created a review");
        assert_eq!(created["kind"], "REVIEWS");
        let read = find("review.read");
        assert_eq!(read["description"], "Opened a review");
        assert_eq!(read["kind"], "VIEWED");
        assert_eq!(read["objectLabel"], "SCR-2024-03 · Child Yan");
        assert_eq!(read["reviewReference"], "SCR-2024-03");
        assert_eq!(read["reviewId"], ids[0].as_str());
        let added = find("agency.create");
        assert_eq!(added["description"], "Added an agency");
        assert_eq!(added["objectLabel"], "Agency POL (POL)");
        assert_eq!(added["objectId"], agency_id.as_str());
        assert_eq!(added["reviewReference"], serde_json::Value::Null);
        let noted = find("learning_point.create");
        assert_eq!(noted["description"], "Added a learning point");
        assert_eq!(noted["kind"], "ACTION_PLANS");
        assert_eq!(noted["objectLabel"], "Health were not invited");
        assert_eq!(noted["reviewReference"], "SCR-2024-03");
        let recommended = find("recommendation.create");
        assert_eq!(
            recommended["objectLabel"],
            "On the learning point “Health were not invited”"
        );
        assert_eq!(recommended["reviewId"], ids[0].as_str());
        let unknown = find("test.read");
        assert_eq!(unknown["description"], "Test read (review)");
        assert_eq!(unknown["kind"], "OTHER");
        assert_eq!(unknown["reviewReference"], "SCR-2024-04");

        // By review: its id, or its reference in any case, give the same entries.
        let by_id = entries(
            &office
                .ok(WORDS, json!({ "f": { "reviewId": ids[0] }, "first": 200 }))
                .await,
        );
        let actions: Vec<&str> = by_id.iter().filter_map(|e| e["action"].as_str()).collect();
        assert_eq!(
            actions,
            [
                "review.read",
                "recommendation.create",
                "learning_point.create",
                "review.create"
            ]
        );
        assert!(by_id.iter().all(|e| e["reviewId"] == ids[0].as_str()));
        let by_reference = entries(
            &office
                .ok(
                    WORDS,
                    json!({ "f": { "reviewReference": " scr-2024-03 " }, "first": 200 }),
                )
                .await,
        );
        assert_eq!(by_reference, by_id);

        // By kind: one kind, several, and the unknown codes under OTHER.
        let viewed = entries(
            &office
                .ok(WORDS, json!({ "f": { "kinds": ["VIEWED"] }, "first": 200 }))
                .await,
        );
        assert!(!viewed.is_empty());
        assert!(viewed.iter().all(|e| e["kind"] == "VIEWED"), "{viewed:?}");
        let two = entries(
            &office
                .ok(
                    WORDS,
                    json!({ "f": { "kinds": ["AGENCIES", "OTHER"], "reviewId": ids[1] }, "first": 200 }),
                )
                .await,
        );
        let actions: Vec<&str> = two.iter().filter_map(|e| e["action"].as_str()).collect();
        assert_eq!(actions, ["test.read"]);
        let agencies = entries(
            &office
                .ok(WORDS, json!({ "f": { "kinds": ["AGENCIES"] }, "first": 200 }))
                .await,
        );
        assert!(agencies.iter().any(|e| e["action"] == "agency.create"));
        assert!(agencies.iter().all(|e| e["kind"] == "AGENCIES"));
        // A kind asked for over and over is asked for once (the codes stay a short list).
        let many = vec!["AGENCIES"; 20_000];
        let repeated = entries(
            &office
                .ok(WORDS, json!({ "f": { "kinds": many }, "first": 200 }))
                .await,
        );
        assert_eq!(repeated, agencies);

        // Filters the server cannot use say which field and why.
        for (filter, field) in [
            (json!({ "reviewReference": "NO-SUCH-REVIEW" }), "reviewReference"),
            (
                json!({ "reviewReference": "SCR-2024-03", "reviewId": ids[0] }),
                "reviewReference",
            ),
            (json!({ "reviewId": " " }), "reviewId"),
            (json!({ "reviewId": "x".repeat(65) }), "reviewId"),
        ] {
            let body = office
                .gql(WORDS, json!({ "f": filter, "first": 10 }))
                .await;
            assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body}");
            assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
        }
        let body = office
            .gql(WORDS, json!({ "f": { "kinds": ["NOT_A_KIND"] }, "first": 10 }))
            .await;
        assert!(body.get("errors").is_some(), "{body}");

        // Only the business office reads the log, words and all.
        let (chair, _) = app
            .signed_in("chair@test.example", &[Role::IndependentChair], None)
            .await;
        let body = chair.gql(WORDS, json!({ "first": 10 })).await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body}");
    })
    .await;
}

/// Literals in the files that write audit rows which look like action codes but are not.
const NOT_CODES: &[&str] = &[
    "demo.csv",
    "example.org",
    "nhs.net",
    "northshire.gov.uk",
    "manifest.json",
    "summary.report.upload",
    "audit.reads",
];

/// The action codes the server makes with `format!`, and every code each can make.
fn templates() -> Vec<(&'static str, Vec<String>)> {
    use shared::chronology::DuplicateDecision;
    use shared::reviews::ReviewEvent;
    use shared::summary::SummaryStep;
    let lower = |codes: Vec<&str>, prefix: &str| -> Vec<String> {
        codes
            .into_iter()
            .map(|c| format!("{prefix}{}", c.to_lowercase()))
            .collect()
    };
    vec![
        (
            "action.{change}",
            lower(
                vec!["create", "update", "progress", "rag", "refer"],
                "action.",
            ),
        ),
        (
            "actions.export.{ext}",
            lower(vec!["csv", "xlsx"], "actions.export."),
        ),
        (
            "chronology.export.{ext}.{version}",
            ["csv", "xlsx"]
                .iter()
                .flat_map(|ext| {
                    ["anonymised", "named"]
                        .iter()
                        .map(move |v| format!("chronology.export.{ext}.{v}"))
                })
                .collect(),
        ),
        (
            "chronology.duplicates.{}",
            lower(
                DuplicateDecision::ALL.iter().map(|d| d.code()).collect(),
                "chronology.duplicates.",
            ),
        ),
        (
            "learning_summary.{}",
            lower(
                SummaryStep::ALL.iter().map(|s| s.code()).collect(),
                "learning_summary.",
            ),
        ),
        (
            "review.{}",
            lower(
                vec![ReviewEvent::Completed.code(), ReviewEvent::Published.code()],
                "review.",
            ),
        ),
    ]
}

fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The string literals of some Rust source (plain ones: what action codes are written as).
fn literals(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut prev = ' ';
    while let Some(c) = chars.next() {
        if c == '\'' && prev != '\\' {
            // A char literal ('"', '\'') or a lifetime: skip a quoted char.
            let rest: String = chars.clone().take(3).collect();
            if rest.starts_with("\"'") {
                chars.next();
                chars.next();
            } else if rest.starts_with("\\") {
                chars.next();
                chars.next();
                chars.next();
            }
        } else if c == '"' {
            let mut literal = String::new();
            let mut escaped = false;
            for d in chars.by_ref() {
                if escaped {
                    escaped = false;
                } else if d == '\\' {
                    escaped = true;
                } else if d == '"' {
                    break;
                }
                literal.push(d);
            }
            out.push(literal);
        }
        prev = c;
    }
    out
}

fn looks_like_a_code(s: &str) -> bool {
    let mut parts = s.split('.');
    let first_ok = parts.next().is_some_and(|p| {
        p.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && p.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    });
    let rest: Vec<&str> = parts.collect();
    first_ok
        && !rest.is_empty()
        && rest
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
}

/// Every action code the server writes has words on the audit log page: each code-like
/// literal in a file that writes audit rows, and everything each `format!`ed code can be.
#[test]
fn every_action_code_the_server_writes_is_described() {
    let mut files = Vec::new();
    rust_files(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let known: std::collections::HashSet<&str> = shared::audit::ACTIONS
        .iter()
        .map(|(code, _, _)| *code)
        .collect();
    let templates = templates();
    let mut found = std::collections::BTreeSet::new();
    let mut problems = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read");
        let writes = [
            "audit_log::append",
            "record_read(",
            "Event::new(",
            "Event {",
            "_ACTION: &str",
        ]
        .iter()
        .any(|m| text.contains(m));
        if !writes {
            continue;
        }
        for literal in literals(&text) {
            let name = file.display();
            if let Some(prefix) = literal.split('{').next().filter(|_| literal.contains('{')) {
                let code_like = prefix.ends_with('.') && looks_like_a_code(&format!("{prefix}x"));
                if code_like && !templates.iter().any(|(t, _)| *t == literal) {
                    problems.push(format!("{name}: the code `{literal}` is made with format!: list what it can be in templates()"));
                }
                continue;
            }
            let code = literal == "sign_in" || literal == "sign_out" || looks_like_a_code(&literal);
            if code && !NOT_CODES.contains(&literal.as_str()) {
                found.insert(literal.clone());
                if !known.contains(literal.as_str()) {
                    problems.push(format!("{name}: `{literal}` has no words in shared::audit::ACTIONS (or list it in NOT_CODES)"));
                }
            }
        }
    }
    for (_, codes) in &templates {
        for code in codes {
            found.insert(code.clone());
            if !known.contains(code.as_str()) {
                problems.push(format!("`{code}` has no words in shared::audit::ACTIONS"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The scan saw the codes it should (so a broken scan cannot pass by finding nothing).
    for code in [
        "sign_in",
        "review.read",
        "agency.create",
        "retention.rules_update",
        "learning_summary.approve",
    ] {
        assert!(found.contains(code), "{code} not found by the scan");
    }
    // And the vocabulary lists nothing the server no longer writes.
    let stale: Vec<&str> = known
        .iter()
        .filter(|c| !found.contains(**c))
        .copied()
        .collect();
    assert!(stale.is_empty(), "described but never written: {stale:?}");
}

db_tests!(
    reads_are_recorded_while_every_pooled_connection_is_taken,
    reads_at_once_are_each_recorded_and_the_chain_holds,
    every_change_and_review_read_is_recorded_without_case_content,
    a_failed_change_writes_no_audit_row,
    the_chain_verifies_and_shows_tampering,
    the_log_filters_by_person_object_and_date_and_pages,
    the_log_reads_in_words_and_filters_by_review_and_kind,
);
