//! Subject access (issue 21, item 3): the business office exports everything a review holds
//! about one person of its glossary as a ZIP (read back here with the zip crate), with third
//! parties redacted on request; refused to everyone else; recorded in the audit log; bounded.

use crate::db_tests;
use crate::helpers::{error_code, problem_fields, run, run_with, Backend, Client, TestApp};
use base64::Engine;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{json, Value};
use server::entities::{annotation, audit_log, chronology_entry, review};
use shared::auth::Role;
use std::collections::HashMap;
use std::io::Read;

const EXPORT: &str = "mutation($id: ID!, $p: String!, $r: Boolean!) { exportSubjectAccess(reviewId: $id, pseudonym: $p, redactThirdParties: $r) { fileName mediaType contentBase64 } }";
const ADD_TERM: &str = "mutation($r: ID!, $t: String!, $p: String!) { addGlossaryTerm(reviewId: $r, input: { realText: $t, replacement: $p }) { id } }";

/// The demo partnership, its Child A review with "Karen Harper" -> "Mother" added to the
/// glossary (beside the demo's "Lily" -> "Child A"), and an annotation on a police entry that
/// names no one the glossary holds as Mother but names her, Lily and a neighbour. Returns the
/// review id and the business office's client.
async fn child_a(app: &TestApp) -> (String, Client) {
    assert!(server::demo::seed_if_empty(&app.state).await.expect("demo"));
    let office = app.office().await;
    let id = review::Entity::find()
        .filter(review::Column::Reference.eq("SCR-2016-03"))
        .one(app.db())
        .await
        .expect("query")
        .expect("the demo review")
        .id;
    office
        .ok(
            ADD_TERM,
            json!({ "r": id, "t": "Karen Harper", "p": "Mother" }),
        )
        .await;
    let police = chronology_entry::Entity::find()
        .filter(chronology_entry::Column::ReviewId.eq(id.clone()))
        .filter(chronology_entry::Column::Source.eq("POL-DA-201"))
        .one(app.db())
        .await
        .expect("query")
        .expect("the police entry");
    let author = server::entities::app_user::Entity::find()
        .filter(server::entities::app_user::Column::Email.eq("reviewer@demo.example"))
        .one(app.db())
        .await
        .expect("query")
        .expect("the demo reviewer");
    annotation::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        review_id: Set(id.clone()),
        entry_id: Set(police.id),
        kind: Set("NOTE".into()),
        text: Set("Karen Harper told Mrs Begum that Lily was scared.".into()),
        author_id: Set(author.id),
        answers_id: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(app.db())
    .await
    .expect("annotation");
    (id, office)
}

/// The ZIP's files by name, as text.
fn unzip(data: &Value) -> (String, HashMap<String, String>) {
    let file = &data["exportSubjectAccess"];
    assert_eq!(file["mediaType"], "application/zip");
    let name = file["fileName"].as_str().expect("file name").to_owned();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(file["contentBase64"].as_str().expect("content"))
        .expect("base64");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP");
    let mut files = HashMap::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).expect("file");
        let name = f.name().expect("file name").into_owned();
        let mut text = String::new();
        f.read_to_string(&mut text).expect("UTF-8 text");
        files.insert(name, text);
    }
    (name, files)
}

async fn exports_what_names_the_person(backend: Backend) {
    run(backend, |app| async move {
        let (id, office) = child_a(&app).await;
        let data = office
            .ok(EXPORT, json!({ "id": id, "p": "mother", "r": false }))
            .await;
        let (name, files) = unzip(&data);
        assert!(
            name.starts_with("SCR-2016-03-subject-access-Mother-"),
            "{name}"
        );
        assert!(name.ends_with(".zip"), "{name}");
        for part in [
            "chronology-entries",
            "annotations",
            "learning-summary-fields",
            "learning-summary-comments",
            "learning-points",
            "recommendations",
            "actions",
            "action-updates",
            "audit-log",
        ] {
            assert!(files.contains_key(&format!("{part}.csv")), "{part}.csv");
            assert!(files.contains_key(&format!("{part}.json")), "{part}.json");
        }
        let entries = &files["chronology-entries.csv"];
        // By real name, and by pseudonym (whole word, any case).
        assert!(
            entries.contains("Karen Harper (mother) reported domestic abuse"),
            "{entries}"
        );
        assert!(entries.contains("mother anxious; Lily seen"), "{entries}");
        assert!(entries.contains("Letter sent to mother"), "{entries}");
        // Entries that do not name her are left out.
        assert!(
            !entries.contains("Police attended domestic incident"),
            "{entries}"
        );
        assert!(!entries.contains("A&E attendance"), "{entries}");
        let json_entries: Value =
            serde_json::from_str(&files["chronology-entries.json"]).expect("JSON");
        let rows = json_entries.as_array().expect("a list");
        assert_eq!(
            rows.len(),
            entries.lines().count() - 1,
            "the JSON twin has the same rows"
        );
        assert!(rows
            .iter()
            .all(|r| r["agency"].is_string() && r["event"].is_string()));
        // An annotation naming her, on an entry that does not.
        let notes = &files["annotations.csv"];
        assert!(
            notes.contains("Karen Harper told Mrs Begum that Lily was scared."),
            "{notes}"
        );
        assert!(notes.contains("names the person"), "{notes}");
        // Who saw or changed the review: the glossary change is in the audit part.
        assert!(files["audit-log.csv"].contains("glossary.term.add"));
        // The README and manifest say what was searched, by whom, and the counts.
        let readme = &files["README.txt"];
        assert!(readme.contains("\"Karen Harper\""), "{readme}");
        assert!(readme.contains("Third parties redacted: no"), "{readme}");
        assert!(readme.contains("office"), "{readme}");
        let manifest: Value = serde_json::from_str(&files["manifest.json"]).expect("JSON");
        assert_eq!(manifest["person"]["pseudonym"], "Mother");
        assert_eq!(manifest["redactThirdParties"], false);
        let counted = manifest["parts"]
            .as_array()
            .expect("parts")
            .iter()
            .find(|p| p["csv"] == "chronology-entries.csv")
            .expect("entries part")["rows"]
            .as_u64();
        assert_eq!(counted, Some(rows.len() as u64));

        // Child A: every entry naming Lily, none of the mother's phone call.
        let data = office
            .ok(EXPORT, json!({ "id": id, "p": "Child A", "r": false }))
            .await;
        let (_, files) = unzip(&data);
        let entries = &files["chronology-entries.csv"];
        assert!(entries.contains("bruising to Lily"), "{entries}");
        assert!(!entries.contains("Karen Harper (mother)"), "{entries}");

        // Someone the glossary does not hold.
        let body = office
            .gql(EXPORT, json!({ "id": id, "p": "Father", "r": false }))
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body:#}");
        assert_eq!(problem_fields(&body), vec!["pseudonym"]);
    })
    .await;
}

async fn redacts_third_parties(backend: Backend) {
    run(backend, |app| async move {
        let (id, office) = child_a(&app).await;
        let data = office
            .ok(EXPORT, json!({ "id": id, "p": "Mother", "r": true }))
            .await;
        let (_, files) = unzip(&data);
        let notes = &files["annotations.csv"];
        assert!(
            notes.contains("Karen Harper told [redacted] that Child A was scared."),
            "her own name stays, Lily becomes her pseudonym, the neighbour is redacted: {notes}"
        );
        let entries = &files["chronology-entries.csv"];
        assert!(
            entries.contains("mother anxious; Child A seen"),
            "{entries}"
        );
        for (name, text) in &files {
            assert!(!text.contains("Lily"), "{name} still names Lily");
            assert!(!text.contains("Begum"), "{name} still names Mrs Begum");
        }
        assert!(files["README.txt"].contains("Third parties redacted: yes"));
        let manifest: Value = serde_json::from_str(&files["manifest.json"]).expect("JSON");
        assert_eq!(manifest["redactThirdParties"], true);
    })
    .await;
}

async fn office_only_and_audited(backend: Backend) {
    run(backend, |app| async move {
        let (id, office) = child_a(&app).await;
        // Those who may keep the glossary or see the review, but not export.
        let reviewer = app.client();
        reviewer
            .sign_in("reviewer@demo.example", server::demo::DEMO_PASSWORD)
            .await;
        let (chair, _) = app
            .signed_in("chair@test.example", &[Role::IndependentChair], None)
            .await;
        for (who, client) in [("lead reviewer", &reviewer), ("chair", &chair)] {
            let body = client
                .gql(EXPORT, json!({ "id": id, "p": "Mother", "r": true }))
                .await;
            assert_eq!(
                error_code(&body).as_deref(),
                Some("FORBIDDEN"),
                "{who}: {body:#}"
            );
        }
        let body = app
            .client()
            .gql(EXPORT, json!({ "id": id, "p": "Mother", "r": true }))
            .await;
        assert_eq!(
            error_code(&body).as_deref(),
            Some("UNAUTHENTICATED"),
            "{body:#}"
        );

        // Under a legal hold the export still works (it changes nothing).
        office
            .ok(
                "mutation($id: ID!) { setLegalHold(reviewId: $id, reason: \"Inquest\") { id } }",
                json!({ "id": id }),
            )
            .await;
        office
            .ok(EXPORT, json!({ "id": id, "p": "Mother", "r": true }))
            .await;
        let rows = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("review.subject_access.export"))
            .all(app.db())
            .await
            .expect("audit");
        assert_eq!(
            rows.len(),
            1,
            "one export, recorded once; refusals are not exports"
        );
        let row = &rows[0];
        assert_eq!(row.object_id.as_deref(), Some(id.as_str()));
        assert_eq!(row.role.as_deref(), Some("BUSINESS_OFFICE"));
        let detail: Value =
            serde_json::from_str(row.detail.as_deref().expect("detail")).expect("JSON");
        assert_eq!(detail["redactThirdParties"], true);
        assert!(
            detail["counts"]["chronology-entries"].as_u64() >= Some(3),
            "{detail}"
        );
        assert_eq!(detail["termIds"].as_array().map(Vec::len), Some(1));
        let text = row.detail.clone().unwrap_or_default();
        assert!(
            !text.contains("Karen") && !text.contains("Mother"),
            "no names: {text}"
        );
        // The audit page lists it, and the chain still verifies.
        let page = office
            .ok(
                "{ auditLog(first: 5) { entries { action detail } } verifyAuditLog { intact } }",
                json!({}),
            )
            .await;
        let listed = page["auditLog"]["entries"].as_array().expect("entries");
        assert!(
            listed
                .iter()
                .any(|e| e["action"] == "review.subject_access.export"
                    && e["detail"]
                        .as_str()
                        .is_some_and(|d| d.contains("redactThirdParties"))),
            "{page:#}"
        );
        assert_eq!(page["verifyAuditLog"]["intact"], true, "{page:#}");
    })
    .await;
}

async fn bounded(backend: Backend) {
    run_with(
        backend,
        &["--subject-access-max-rows", "10"],
        |app| async move {
            let (id, office) = child_a(&app).await;
            let body = office
                .gql(EXPORT, json!({ "id": id, "p": "Mother", "r": false }))
                .await;
            assert_eq!(
                error_code(&body).as_deref(),
                Some("EXPORT_TOO_LARGE"),
                "{body:#}"
            );
            let message = body["errors"][0]["message"].as_str().unwrap_or_default();
            assert!(message.contains("--subject-access-max-rows"), "{message}");
        },
    )
    .await;
    run_with(
        backend,
        &["--subject-access-max-zip-bytes", "1000"],
        |app| async move {
            let (id, office) = child_a(&app).await;
            let body = office
                .gql(EXPORT, json!({ "id": id, "p": "Mother", "r": false }))
                .await;
            assert_eq!(
                error_code(&body).as_deref(),
                Some("EXPORT_TOO_LARGE"),
                "{body:#}"
            );
            let exports = audit_log::Entity::find()
                .filter(audit_log::Column::Action.eq("review.subject_access.export"))
                .all(app.db())
                .await
                .expect("audit");
            assert!(
                exports.is_empty(),
                "a refused export is not recorded as one"
            );
        },
    )
    .await;
}

db_tests!(
    exports_what_names_the_person,
    redacts_third_parties,
    office_only_and_audited,
    bounded
);
