//! Learning summaries over GraphQL: started prefilled from the review, its learning points
//! and actions; fields saved against a version (a stale save is a CONFLICT carrying both
//! texts), with every version kept and compared line by line; comments on each field; the
//! moves from draft to published and who may make each; the publication gate refusing every
//! kind of identifier, by field, until the text is clean, and the 12-month publication
//! window; the DOCX and PPTX exports read back; and what the audit log records.

use crate::db_tests;
use crate::helpers::{
    error_code, problem_fields, read_with_python, review_with, run, Backend, Client, TestApp,
};
use base64::Engine;
use chrono::{Days, Months, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::{json, Value};
use server::entities::{audit_log, learning_summary};
use server::summary::document::{SLIDE_TITLES, TEMPLATE_LABELS};
use shared::auth::Role;
use std::io::Read;

const SUMMARY: &str = "id reviewId reviewReference state stateLabel version availableMoves \
    publishedAt availableUntil \
    fields { field key label text version updatedByName } \
    stateChanges { fromState toState step stepLabel byName reason }";

const REFERENCE: &str = "SCR-2016-50";

/// A review, its agencies and the people who work on it.
struct World {
    office: Client,
    chair: Client,
    /// LEAD_REVIEWER of the review (an agency representative of CSC): an author.
    reviewer: Client,
    /// Agency representative of POL, member: reads and comments.
    rep: Client,
    /// Practitioner of POL, member: reads no summary.
    prac: Client,
    /// Agency representative of POL who is not a member of the review.
    outsider: Client,
    pol: String,
    review: String,
}

async fn world(app: &TestApp) -> World {
    let office = app.office().await;
    let chair = app
        .signed_in("chair@test.example", &[Role::IndependentChair], None)
        .await
        .0;
    let pol = app.agency("Northshire Police", "POL").await;
    let csc = app.agency("Children's Social Care", "CSC").await;
    let rep_role = Role::AgencyRepresentative;
    let (rep, rep_id) = app
        .signed_in("rep@test.example", &[rep_role], Some(&pol))
        .await;
    let (prac, prac_id) = app
        .signed_in("prac@test.example", &[Role::Practitioner], Some(&pol))
        .await;
    let (outsider, _) = app
        .signed_in("outsider@test.example", &[rep_role], Some(&pol))
        .await;
    let (reviewer, reviewer_id) = app
        .signed_in("reviewer@test.example", &[rep_role], Some(&csc))
        .await;
    let review = review_with(
        &office,
        REFERENCE,
        &[&pol, &csc],
        &[
            (&rep_id, "MEMBER"),
            (&prac_id, "MEMBER"),
            (&reviewer_id, "LEAD_REVIEWER"),
        ],
    )
    .await;
    World {
        office,
        chair,
        reviewer,
        rep,
        prac,
        outsider,
        pol,
        review,
    }
}

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("no {key} in {value:#}"))
}

/// One field of a summary, by key.
fn field<'a>(summary: &'a Value, key: &str) -> &'a Value {
    summary["fields"]
        .as_array()
        .and_then(|list| list.iter().find(|f| f["key"] == key))
        .unwrap_or_else(|| panic!("no field {key} in {summary:#}"))
}

async fn start(client: &Client, review: &str) -> Value {
    client
        .ok(
            &format!("mutation($r: ID!) {{ startLearningSummary(reviewId: $r) {{ {SUMMARY} }} }}"),
            json!({ "r": review }),
        )
        .await["startLearningSummary"]
        .clone()
}

async fn read(client: &Client, review: &str) -> Value {
    client
        .gql(
            &format!("query($r: ID!) {{ learningSummary(reviewId: $r) {{ {SUMMARY} }} }}"),
            json!({ "r": review }),
        )
        .await
}

async fn save(client: &Client, summary: &str, field: &str, text: &str, version: i64) -> Value {
    client
        .gql(
            "mutation($s: ID!, $f: SummaryField!, $t: String!, $v: Int!) { saveSummaryField(summaryId: $s, field: $f, text: $t, expectedVersion: $v) { field key text html version updatedByName } }",
            json!({ "s": summary, "f": field, "t": text, "v": version }),
        )
        .await
}

async fn saved(client: &Client, summary: &str, field: &str, text: &str, version: i64) -> Value {
    let body = save(client, summary, field, text, version).await;
    assert!(body.get("errors").is_none(), "save refused: {body:#}");
    body["data"]["saveSummaryField"].clone()
}

async fn move_to(client: &Client, summary: &str, to: &str, reason: Option<&str>) -> Value {
    client
        .gql(
            &format!("mutation($s: ID!, $to: SummaryState!, $r: String) {{ moveLearningSummary(summaryId: $s, to: $to, reason: $r) {{ {SUMMARY} }} }}"),
            json!({ "s": summary, "to": to, "r": reason }),
        )
        .await
}

async fn moved(client: &Client, summary: &str, to: &str, reason: Option<&str>) -> Value {
    let body = move_to(client, summary, to, reason).await;
    assert!(
        body.get("errors").is_none(),
        "move to {to} refused: {body:#}"
    );
    body["data"]["moveLearningSummary"].clone()
}

async fn publish(client: &Client, summary: &str, until: NaiveDate) -> Value {
    client
        .gql(
            &format!("mutation($s: ID!, $d: NaiveDate!) {{ publishLearningSummary(summaryId: $s, availableUntil: $d) {{ {SUMMARY} }} }}"),
            json!({ "s": summary, "d": until.to_string() }),
        )
        .await
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn twelve_months_on() -> NaiveDate {
    today()
        .checked_add_months(Months::new(12))
        .unwrap_or(NaiveDate::MAX)
}

async fn audit_actions(app: &TestApp) -> Vec<audit_log::Model> {
    audit_log::Entity::find()
        .all(app.db())
        .await
        .expect("audit rows")
}

fn count(rows: &[audit_log::Model], action: &str) -> usize {
    rows.iter().filter(|r| r.action == action).count()
}

async fn learning_point(
    client: &Client,
    review: &str,
    title: &str,
    detail: &str,
    scope: &str,
) -> String {
    let data = client
        .ok(
            "mutation($r: ID!, $i: LearningPointInput!) { createLearningPoint(reviewId: $r, input: $i) { id } }",
            json!({ "r": review, "i": { "title": title, "detail": detail, "scope": scope, "kind": "NEEDS_IMPROVEMENT" } }),
        )
        .await;
    str_of(&data["createLearningPoint"], "id").to_owned()
}

async fn starts_prefilled_from_the_review_its_learning_points_and_actions(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let multi = learning_point(
            &w.reviewer,
            &w.review,
            "Strategy discussions",
            "Health were not invited.",
            "MULTI_AGENCY",
        )
        .await;
        learning_point(
            &w.reviewer,
            &w.review,
            "Recording",
            "Police did not record\nthe children present.",
            "SINGLE_AGENCY",
        )
        .await;
        let rec = w
            .reviewer
            .ok(
                "mutation($p: ID!) { addRecommendation(learningPointId: $p, text: \"Invite health\") { id } }",
                json!({ "p": multi }),
            )
            .await;
        let target = today() + Days::new(90);
        w.reviewer
            .ok(
                "mutation($r: ID!, $i: ActionInput!) { createAction(recommendationId: $r, input: $i) { id } }",
                json!({ "r": str_of(&rec["addRecommendation"], "id"), "i": {
                    "title": "Invite health to every strategy discussion",
                    "ownerAgencyId": w.pol,
                    "targetDate": target.to_string(),
                    "impactAudit": "Re-audit of strategy discussions in six months",
                } }),
            )
            .await;

        // Not started yet: null for those who read it.
        let none = read(&w.rep, &w.review).await;
        assert!(none.get("errors").is_none(), "{none:#}");
        assert!(none["data"]["learningSummary"].is_null());

        let summary = start(&w.reviewer, &w.review).await;
        assert_eq!(summary["state"], "DRAFT");
        assert_eq!(summary["stateLabel"], "Draft");
        assert_eq!(summary["reviewReference"], REFERENCE);
        assert_eq!(summary["availableMoves"], json!(["IN_REVIEW"]));
        let keys: Vec<&str> = summary["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .map(|f| f["key"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(
            keys,
            [
                "dateCompleted",
                "reviewTypeAndPurpose",
                "incidentMonth",
                "caseLearning",
                "methodologyLearning",
                "singleAgencyLearning",
                "multiAgencyLearning",
                "howChangesWillBeMade",
                "howImpactWillBeAudited",
                "otherComments",
            ]
        );
        assert_eq!(
            field(&summary, "incidentMonth")["label"],
            "Month/year of incident"
        );
        let text = |key: &str| field(&summary, key)["text"].as_str().unwrap_or_default().to_owned();
        assert_eq!(
            text("reviewTypeAndPurpose"),
            "Serious case review / local child safeguarding practice review.\n\nMethodology: SCIE Learning Together."
        );
        assert_eq!(text("incidentMonth"), "May 2016");
        assert_eq!(
            text("multiAgencyLearning"),
            "- Strategy discussions \u{2014} Health were not invited."
        );
        assert_eq!(
            text("singleAgencyLearning"),
            "- Recording \u{2014} Police did not record the children present."
        );
        assert_eq!(
            text("howChangesWillBeMade"),
            format!(
                "- POL: Invite health to every strategy discussion (by {})",
                target.format("%-d %B %Y")
            )
        );
        assert_eq!(
            text("howImpactWillBeAudited"),
            "- POL: Re-audit of strategy discussions in six months"
        );
        for blank in ["dateCompleted", "caseLearning", "methodologyLearning", "otherComments"] {
            assert_eq!(text(blank), "", "{blank}");
            assert_eq!(field(&summary, blank)["version"], 0, "{blank}");
        }
        assert_eq!(field(&summary, "incidentMonth")["version"], 1);
        assert_eq!(field(&summary, "incidentMonth")["updatedByName"], "reviewer");

        // Starting again answers the same summary and writes nothing.
        let again = start(&w.office, &w.review).await;
        assert_eq!(again["id"], summary["id"]);
        assert_eq!(again["version"], summary["version"]);
        assert_eq!(again["availableMoves"], json!(["IN_REVIEW"]));
        // Only the authors start it.
        let doc = "mutation($r: ID!) { startLearningSummary(reviewId: $r) { id } }";
        for (who, client, code) in [
            ("chair", &w.chair, "FORBIDDEN"),
            ("member", &w.rep, "FORBIDDEN"),
            ("practitioner", &w.prac, "FORBIDDEN"),
            ("outsider", &w.outsider, "NOT_FOUND"),
        ] {
            let body = client.gql(doc, json!({ "r": w.review })).await;
            assert_eq!(error_code(&body).as_deref(), Some(code), "{who}: {body:#}");
        }

        // Plan readers read it; a practitioner member may not; an outsider is told the review
        // does not exist, exactly as for a missing one.
        for client in [&w.rep, &w.chair, &w.office] {
            let body = read(client, &w.review).await;
            assert_eq!(body["data"]["learningSummary"]["id"], summary["id"], "{body:#}");
        }
        let chair_view = read(&w.chair, &w.review).await;
        assert_eq!(chair_view["data"]["learningSummary"]["availableMoves"], json!([]));
        let body = read(&w.prac, &w.review).await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body:#}");
        let hidden = read(&w.outsider, &w.review).await;
        let missing = read(&w.outsider, &uuid::Uuid::new_v4().to_string()).await;
        assert_eq!(error_code(&hidden).as_deref(), Some("NOT_FOUND"));
        assert_eq!(hidden["errors"][0]["message"], missing["errors"][0]["message"]);
        let through_review = w
            .prac
            .ok(
                "query($r: ID!) { review(id: $r) { learningSummary { id } } }",
                json!({ "r": w.review }),
            )
            .await;
        assert!(through_review["review"]["learningSummary"].is_null());
        let through_review = w
            .rep
            .ok(
                "query($r: ID!) { review(id: $r) { learningSummary { id } } }",
                json!({ "r": w.review }),
            )
            .await;
        assert_eq!(through_review["review"]["learningSummary"]["id"], summary["id"]);

        let rows = audit_actions(&app).await;
        assert_eq!(count(&rows, "learning_summary.start"), 1);
        assert!(count(&rows, "learning_summary.read") >= 4);
        let start_row = rows
            .iter()
            .find(|r| r.action == "learning_summary.start")
            .expect("start row");
        assert_eq!(start_row.object_id.as_deref(), summary["id"].as_str());
    })
    .await
}

async fn moves_follow_the_lifecycle_and_who_may_make_them(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let summary = start(&w.reviewer, &w.review).await;
        let id = str_of(&summary, "id");

        for (who, client) in [("member", &w.rep), ("chair", &w.chair)] {
            let body = move_to(client, id, "IN_REVIEW", None).await;
            assert_eq!(
                error_code(&body).as_deref(),
                Some("FORBIDDEN"),
                "{who}: {body:#}"
            );
        }
        let body = move_to(&w.prac, id, "IN_REVIEW", None).await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body:#}");
        let body = move_to(&w.outsider, id, "IN_REVIEW", None).await;
        assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"), "{body:#}");
        let body = move_to(&w.reviewer, id, "APPROVED", None).await;
        assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"));
        assert_eq!(problem_fields(&body), ["to"]);

        let in_review = moved(&w.reviewer, id, "IN_REVIEW", None).await;
        assert_eq!(in_review["state"], "IN_REVIEW");
        assert_eq!(
            in_review["availableMoves"],
            json!(["DRAFT"]),
            "the reviewer's buttons"
        );
        let chair_view = read(&w.chair, &w.review).await;
        assert_eq!(
            chair_view["data"]["learningSummary"]["availableMoves"],
            json!(["DRAFT", "APPROVED"])
        );

        // Only a draft is edited.
        let body = save(&w.reviewer, id, "CASE_LEARNING", "Late edit", 0).await;
        assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body:#}");
        assert_eq!(problem_fields(&body), ["caseLearning"]);
        let message = body["errors"][0]["extensions"]["problems"][0]["message"]
            .as_str()
            .unwrap_or_default();
        assert!(message.contains("only a draft is edited"), "{message}");

        // Only the chair approves; going back to draft needs a reason, which is kept.
        let body = move_to(&w.office, id, "APPROVED", None).await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body:#}");
        for blank in [None, Some("   ")] {
            let body = move_to(&w.chair, id, "DRAFT", blank).await;
            assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body:#}");
            assert_eq!(problem_fields(&body), ["reason"]);
        }
        let back = moved(&w.chair, id, "DRAFT", Some("  Add the school's view.  ")).await;
        assert_eq!(back["state"], "DRAFT");
        moved(&w.reviewer, id, "IN_REVIEW", None).await;
        let approved = moved(&w.chair, id, "APPROVED", None).await;
        assert_eq!(approved["state"], "APPROVED");
        assert_eq!(approved["stateLabel"], "Approved by the chair");
        let body = move_to(&w.chair, id, "IN_REVIEW", None).await;
        assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body:#}");

        // Publishing is the business office's, through publishLearningSummary.
        let body = move_to(&w.office, id, "PUBLISHED", None).await;
        assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body:#}");
        assert_eq!(problem_fields(&body), ["to"]);
        for client in [&w.chair, &w.reviewer] {
            let body = publish(client, id, twelve_months_on()).await;
            assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body:#}");
        }
        let body = publish(&w.office, id, twelve_months_on()).await;
        assert!(body.get("errors").is_none(), "{body:#}");
        let published = &body["data"]["publishLearningSummary"];
        assert_eq!(published["state"], "PUBLISHED");
        assert!(published["publishedAt"].is_string());
        assert_eq!(published["availableUntil"], twelve_months_on().to_string());
        assert_eq!(published["availableMoves"], json!(["DRAFT"]));

        // Withdrawing: the business office, with a reason.
        let body = move_to(&w.chair, id, "DRAFT", Some("Withdraw")).await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body:#}");
        let body = move_to(&w.office, id, "DRAFT", None).await;
        assert_eq!(problem_fields(&body), ["reason"]);
        let withdrawn = moved(&w.office, id, "DRAFT", Some("The family asked for time.")).await;
        assert!(withdrawn["publishedAt"].is_null());
        assert!(withdrawn["availableUntil"].is_null());

        let changes: Vec<(String, String, String)> = withdrawn["stateChanges"]
            .as_array()
            .expect("state changes")
            .iter()
            .map(|c| {
                (
                    str_of(c, "step").to_owned(),
                    str_of(c, "byName").to_owned(),
                    c["reason"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect();
        let expected = [
            ("SUBMIT", "reviewer", ""),
            ("RETURN_TO_DRAFT", "chair", "Add the school's view."),
            ("SUBMIT", "reviewer", ""),
            ("APPROVE", "chair", ""),
            ("PUBLISH", "office", ""),
            ("WITHDRAW", "office", "The family asked for time."),
        ];
        let expected: Vec<(String, String, String)> = expected
            .iter()
            .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
            .collect();
        assert_eq!(changes, expected);
        assert_eq!(withdrawn["stateChanges"][1]["fromState"], "IN_REVIEW");
        assert_eq!(withdrawn["stateChanges"][1]["toState"], "DRAFT");
        assert_eq!(
            withdrawn["stateChanges"][1]["stepLabel"],
            "Returned to draft"
        );

        let rows = audit_actions(&app).await;
        for (action, n) in [
            ("learning_summary.submit", 2),
            ("learning_summary.return_to_draft", 1),
            ("learning_summary.approve", 1),
            ("learning_summary.publish", 1),
            ("learning_summary.withdraw", 1),
        ] {
            assert_eq!(count(&rows, action), n, "{action}");
        }
        let text = format!("{rows:?}");
        assert!(!text.contains("school's view"), "a reason in the audit log");
    })
    .await
}

async fn saves_are_versioned_with_conflicts_history_and_diffs(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let summary = start(&w.office, &w.review).await;
        let id = str_of(&summary, "id");
        let first = "Neglect was seen late.\nSchools noticed first.";
        let v1 = saved(&w.reviewer, id, "CASE_LEARNING", first, 0).await;
        assert_eq!(v1["version"], 1);
        assert_eq!(v1["text"], first);
        assert_eq!(v1["updatedByName"], "reviewer");

        // The office started from version 0 too: its save is stale, and the answer carries
        // the stored text (and the one sent) to merge.
        let mine = "Neglect was seen late.\nSchools and GPs noticed first.\nHealth visitors escalated.";
        let stale = save(&w.office, id, "CASE_LEARNING", mine, 0).await;
        assert_eq!(error_code(&stale).as_deref(), Some("CONFLICT"), "{stale:#}");
        let current = &stale["errors"][0]["extensions"]["current"];
        assert_eq!(current["text"], first);
        assert_eq!(current["version"], 1);
        assert_eq!(current["field"], "CASE_LEARNING");
        assert_eq!(current["updatedByName"], "reviewer");
        assert_eq!(current["submittedText"], mine);
        assert!(stale["data"].is_null());

        let v2 = saved(&w.office, id, "CASE_LEARNING", &format!("\n{mine}\n"), 1).await;
        assert_eq!(v2["version"], 2);
        assert_eq!(v2["text"], mine, "trimmed");
        // The same text again is no new version.
        let same = saved(&w.office, id, "CASE_LEARNING", mine, 2).await;
        assert_eq!(same["version"], 2);

        // Each field's limits.
        let body = save(&w.office, id, "CASE_LEARNING", &"x".repeat(20_001), 2).await;
        assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"));
        assert_eq!(problem_fields(&body), ["caseLearning"]);
        let body = save(&w.office, id, "INCIDENT_MONTH", "May\n2016", 1).await;
        assert_eq!(problem_fields(&body), ["incidentMonth"]);
        // Only the authors write.
        for (client, code) in [(&w.rep, "FORBIDDEN"), (&w.chair, "FORBIDDEN"), (&w.prac, "FORBIDDEN"), (&w.outsider, "NOT_FOUND")] {
            let body = save(client, id, "CASE_LEARNING", "Mine", 2).await;
            assert_eq!(error_code(&body).as_deref(), Some(code), "{body:#}");
        }

        let history = w
            .rep
            .ok(
                "query($r: ID!) { learningSummary(reviewId: $r) { version fields { key version history { version text authorName at } } } }",
                json!({ "r": w.review }),
            )
            .await["learningSummary"]
            .clone();
        let case = field(&history, "caseLearning");
        let versions: Vec<(i64, &str)> = case["history"]
            .as_array()
            .expect("history")
            .iter()
            .map(|v| (v["version"].as_i64().unwrap_or(0), v["authorName"].as_str().unwrap_or("")))
            .collect();
        assert_eq!(versions, [(2, "office"), (1, "reviewer")], "newest first");
        assert_eq!(case["history"][1]["text"], first);
        assert!(
            history["version"].as_i64().unwrap_or(0) > summary["version"].as_i64().unwrap_or(0),
            "the summary's version moved on"
        );

        let diff = "query($s: ID!, $f: Int!, $t: Int!) { summaryFieldDiff(summaryId: $s, field: CASE_LEARNING, fromVersion: $f, toVersion: $t) { tag text oldLine newLine } }";
        let lines = w.rep.ok(diff, json!({ "s": id, "f": 1, "t": 2 })).await["summaryFieldDiff"].clone();
        let tagged: Vec<(&str, &str)> = lines
            .as_array()
            .expect("lines")
            .iter()
            .map(|l| (str_of(l, "tag"), str_of(l, "text")))
            .collect();
        assert_eq!(
            tagged,
            [
                ("SAME", "Neglect was seen late."),
                ("REMOVED", "Schools noticed first."),
                ("ADDED", "Schools and GPs noticed first."),
                ("ADDED", "Health visitors escalated."),
            ]
        );
        assert_eq!(lines[1]["oldLine"], 2);
        assert!(lines[1]["newLine"].is_null());
        assert_eq!(lines[3]["newLine"], 3);
        let from_blank = w.chair.ok(diff, json!({ "s": id, "f": 0, "t": 1 })).await["summaryFieldDiff"].clone();
        assert!(from_blank.as_array().expect("lines").iter().all(|l| l["tag"] == "ADDED"));
        let body = w.rep.gql(diff, json!({ "s": id, "f": 1, "t": 7 })).await;
        assert_eq!(problem_fields(&body), ["toVersion"]);
        let body = w.prac.gql(diff, json!({ "s": id, "f": 1, "t": 2 })).await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"));

        // Blank clears the field, as a new version.
        let cleared = saved(&w.reviewer, id, "CASE_LEARNING", "  \n ", 2).await;
        assert_eq!(cleared["version"], 3);
        assert_eq!(cleared["text"], "");

        let rows = audit_actions(&app).await;
        assert_eq!(count(&rows, "learning_summary.field.save"), 3);
        assert!(count(&rows, "learning_summary.diff") >= 2);
        let text = format!("{rows:?}");
        assert!(!text.contains("Neglect") && !text.contains("Schools"), "case content in the audit log");
    })
    .await
}

async fn comments_on_each_field_and_safe_html(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let summary = start(&w.office, &w.review).await;
        let id = str_of(&summary, "id");
        let comment = "mutation($s: ID!, $f: SummaryField!, $t: String!) { commentOnSummaryField(summaryId: $s, field: $f, text: $t) { id field authorName text at } }";
        let made = w
            .rep
            .ok(comment, json!({ "s": id, "f": "CASE_LEARNING", "t": "Police saw this too." }))
            .await["commentOnSummaryField"]
            .clone();
        assert_eq!(made["authorName"], "rep");
        assert_eq!(made["field"], "CASE_LEARNING");
        moved(&w.office, id, "IN_REVIEW", None).await;
        // In review the text stands still, but comments go on.
        w.chair
            .ok(comment, json!({ "s": id, "f": "CASE_LEARNING", "t": "  Please add the school's view.  " }))
            .await;
        w.reviewer
            .ok(comment, json!({ "s": id, "f": "OTHER_COMMENTS", "t": "Noted." }))
            .await;
        for (client, code) in [(&w.prac, "FORBIDDEN"), (&w.outsider, "NOT_FOUND")] {
            let body = client
                .gql(comment, json!({ "s": id, "f": "CASE_LEARNING", "t": "Me too" }))
                .await;
            assert_eq!(error_code(&body).as_deref(), Some(code), "{body:#}");
        }
        let body = w.rep.gql(comment, json!({ "s": id, "f": "CASE_LEARNING", "t": "  " })).await;
        assert_eq!(problem_fields(&body), ["text"]);

        let listed = w
            .chair
            .ok(
                "query($r: ID!) { learningSummary(reviewId: $r) { fields { key comments { authorName text } } } }",
                json!({ "r": w.review }),
            )
            .await["learningSummary"]
            .clone();
        assert_eq!(
            field(&listed, "caseLearning")["comments"],
            json!([
                { "authorName": "rep", "text": "Police saw this too." },
                { "authorName": "chair", "text": "Please add the school's view." },
            ])
        );
        assert_eq!(
            field(&listed, "otherComments")["comments"],
            json!([{ "authorName": "reviewer", "text": "Noted." }])
        );
        assert_eq!(field(&listed, "dateCompleted")["comments"], json!([]));
        assert_eq!(count(&audit_actions(&app).await, "learning_summary.comment"), 3);
        // Open comments: made since their field was last saved (none saved yet: all three).
        let open = "query($r: ID!) { learningSummary(reviewId: $r) { openCommentCount } }";
        let open_now = |client: &crate::helpers::Client| {
            let client = client.clone();
            let review = w.review.clone();
            async move {
                client.ok(open, json!({ "r": review })).await["learningSummary"]["openCommentCount"]
                    .clone()
            }
        };
        assert_eq!(open_now(&w.chair).await, 3);

        // The text as safe HTML: on a field, and as a preview while typing.
        moved(&w.chair, id, "DRAFT", Some("Comments to answer")).await;
        let html = saved(&w.reviewer, id, "CASE_LEARNING", "- **Neglect** <b onclick=\"x()\">seen</b>", 0).await;
        assert_eq!(html["html"], "<ul>\n<li><strong>Neglect</strong> seen</li>\n</ul>\n");
        // Saving the field answers its two comments; the one on another field stays open.
        assert_eq!(open_now(&w.reviewer).await, 1);
        let preview = "query($t: String!) { previewMarkdown(text: $t) }";
        let shown = w
            .prac
            .ok(
                preview,
                json!({ "t": "<script>alert(1)</script>\n\n[plan](https://example.org/plan) [bad](javascript:alert(1))" }),
            )
            .await["previewMarkdown"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(!shown.contains("script") && !shown.contains("javascript"), "{shown}");
        assert!(shown.contains("<a href=\"https://example.org/plan\""), "{shown}");
        assert!(shown.contains(">plan</a> bad</p>"), "{shown}");
        let body = app.client().gql(preview, json!({ "t": "x" })).await;
        assert_eq!(error_code(&body).as_deref(), Some("UNAUTHENTICATED"));
    })
    .await
}

async fn the_gate_refuses_every_identifier_until_the_text_is_clean(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        w.office
            .ok(
                "mutation($r: ID!) { addGlossaryTerm(reviewId: $r, input: { realText: \"Jayden Smith\", replacement: \"Child A\" }) { id } }",
                json!({ "r": w.review }),
            )
            .await;
        let summary = start(&w.reviewer, &w.review).await;
        let id = str_of(&summary, "id");
        let dirty = [
            ("CASE_LEARNING", "caseLearning", "Jayden Smith was known to five agencies.", "NAME", "Jayden Smith"),
            ("METHODOLOGY_LEARNING", "methodologyLearning", "The family gave the child's DOB 12/03/2015 to the panel.", "DATE_OF_BIRTH", "12/03/2015"),
            ("SINGLE_AGENCY_LEARNING", "singleAgencyLearning", "- GP records held NHS number 943 476 5919.", "NHS_NUMBER", "943 476 5919"),
            ("MULTI_AGENCY_LEARNING", "multiAgencyLearning", "- The family moved to NN1 1AA in 2016.", "POSTCODE", "NN1 1AA"),
            ("OTHER_COMMENTS", "otherComments", "Call the mother on 07700 900123.", "PHONE_NUMBER", "07700 900123"),
        ];
        let mut versions = std::collections::HashMap::new();
        for (code, key, text, _, _) in dirty {
            let version = field(&summary, key)["version"].as_i64().unwrap_or(0);
            let done = saved(&w.reviewer, id, code, text, version).await;
            versions.insert(code, done["version"].as_i64().unwrap_or(0));
        }
        saved(&w.reviewer, id, "DATE_COMPLETED", "14 March 2017", 0).await;
        let row = learning_summary::Entity::find_by_id(id.to_owned())
            .one(app.db())
            .await
            .expect("read")
            .expect("summary");
        let mut am = row.into_active_model();
        am.report_file_name = Set(Some("Jayden Smith final report.pdf".into()));
        am.update(app.db()).await.expect("report file name");

        let check = "query($r: ID!) { learningSummary(reviewId: $r) { publicationCheck { kind kindLabel field matched excerpt replacement } } }";
        let hits = w.rep.ok(check, json!({ "r": w.review })).await["learningSummary"]["publicationCheck"].clone();
        let found: Vec<(&str, &str, &str)> = hits
            .as_array()
            .expect("hits")
            .iter()
            .map(|h| (str_of(h, "kind"), str_of(h, "field"), str_of(h, "matched")))
            .collect();
        let mut expected: Vec<(&str, &str, &str)> = dirty
            .iter()
            .map(|(_, key, _, kind, matched)| (*kind, *key, *matched))
            .collect();
        expected.push(("NAME", "reportFileName", "Jayden Smith"));
        assert_eq!(found, expected);
        assert_eq!(hits[0]["replacement"], "Child A");
        assert!(hits[1]["replacement"].is_null());
        for h in hits.as_array().expect("hits") {
            assert!(str_of(h, "excerpt").contains(str_of(h, "matched")), "{h:#}");
        }

        // Approved, it still may not be published: one problem per identifier, by field.
        moved(&w.reviewer, id, "IN_REVIEW", None).await;
        moved(&w.chair, id, "APPROVED", None).await;
        let body = publish(&w.office, id, twelve_months_on()).await;
        assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body:#}");
        let mut fields: Vec<&str> = dirty.iter().map(|d| d.1).collect();
        fields.push("reportFileName");
        assert_eq!(problem_fields(&body), fields);
        let problems = body["errors"][0]["extensions"]["problems"].clone();
        for (p, (_, _, matched)) in problems.as_array().expect("problems").iter().zip(&expected) {
            assert!(str_of(p, "message").contains(matched), "{p:#}");
        }
        assert!(str_of(&problems[0], "message").contains("Child A"), "the fix offered");
        let still = read(&w.office, &w.review).await;
        assert_eq!(still["data"]["learningSummary"]["state"], "APPROVED");
        assert!(still["data"]["learningSummary"]["publishedAt"].is_null());

        // Cleaned, it passes the gate; the window must still be at least 12 months.
        moved(&w.chair, id, "DRAFT", Some("Identifiers to take out.")).await;
        let clean = [
            ("CASE_LEARNING", "Child A was known to five agencies."),
            ("METHODOLOGY_LEARNING", "The family helped the panel."),
            ("SINGLE_AGENCY_LEARNING", "- GP records were complete."),
            ("MULTI_AGENCY_LEARNING", "- The family moved house in May 2016."),
            ("OTHER_COMMENTS", "The mother took part in the review."),
        ];
        for (code, text) in clean {
            saved(&w.reviewer, id, code, text, versions[code]).await;
        }
        let row = learning_summary::Entity::find_by_id(id.to_owned())
            .one(app.db())
            .await
            .expect("read")
            .expect("summary");
        let mut am = row.into_active_model();
        am.report_file_name = Set(Some("SCR-2016-50 final report.pdf".into()));
        am.update(app.db()).await.expect("report file name");
        let hits = w.reviewer.ok(check, json!({ "r": w.review })).await["learningSummary"]["publicationCheck"].clone();
        assert_eq!(hits, json!([]));
        moved(&w.reviewer, id, "IN_REVIEW", None).await;
        moved(&w.chair, id, "APPROVED", None).await;
        let short = twelve_months_on().pred_opt().unwrap_or_default();
        let body = publish(&w.office, id, short).await;
        assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body:#}");
        assert_eq!(problem_fields(&body), ["availableUntil"]);
        let body = publish(&w.office, id, twelve_months_on()).await;
        assert!(body.get("errors").is_none(), "{body:#}");
        assert_eq!(body["data"]["publishLearningSummary"]["state"], "PUBLISHED");
    })
    .await
}

/// The text of an XML part without its markup (runs joined), with the five entities read.
fn xml_text(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The parts of a zip, by name, as text.
fn unzip(bytes: &[u8]) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).expect("an entry");
            let mut text = String::new();
            file.read_to_string(&mut text).expect("UTF-8 text");
            (file.name().expect("a name").to_string(), text)
        })
        .collect()
}

async fn export(client: &Client, summary: &str, format: &str) -> (String, String, Vec<u8>) {
    let file = client
        .ok(
            "query($s: ID!, $f: SummaryExportFormat!) { learningSummaryExport(summaryId: $s, format: $f) { fileName mediaType contentBase64 } }",
            json!({ "s": summary, "f": format }),
        )
        .await["learningSummaryExport"]
        .clone();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(str_of(&file, "contentBase64"))
        .expect("base64");
    (
        str_of(&file, "fileName").to_owned(),
        str_of(&file, "mediaType").to_owned(),
        bytes,
    )
}

fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn exports_read_back_as_a_document_and_slides(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        learning_point(
            &w.reviewer,
            &w.review,
            "Strategy discussions",
            "Health were not invited.",
            "MULTI_AGENCY",
        )
        .await;
        let summary = start(&w.reviewer, &w.review).await;
        let id = str_of(&summary, "id");
        let case = "Child A lived with mother and her partner & was known to five agencies.";
        saved(&w.reviewer, id, "CASE_LEARNING", case, 0).await;
        saved(&w.reviewer, id, "DATE_COMPLETED", "14 March 2017", 0).await;
        saved(&w.reviewer, id, "HOW_IMPACT_WILL_BE_AUDITED", "A re-audit in 12 months.", 0).await;

        let (name, media, bytes) = export(&w.rep, id, "DOCX").await;
        assert_eq!(name, format!("{REFERENCE}-learning-summary.docx"));
        assert_eq!(media, "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        let parts = unzip(&bytes);
        let body = parts
            .iter()
            .find(|(n, _)| n == "word/document.xml")
            .map(|(_, t)| xml_text(t))
            .expect("word/document.xml");
        for wanted in [
            case,
            "14 March 2017",
            "May 2016",
            "Strategy discussions \u{2014} Health were not invited.",
            "A re-audit in 12 months.",
            REFERENCE,
        ] {
            assert!(body.contains(wanted), "the document lacks {wanted:?}");
        }
        let at: Vec<usize> = TEMPLATE_LABELS
            .iter()
            .map(|label| body.find(label).unwrap_or_else(|| panic!("no label {label}")))
            .collect();
        assert!(at.windows(2).all(|p| p[0] < p[1]), "labels in the template's order");

        let (name, media, deck) = export(&w.chair, id, "PPTX").await;
        assert_eq!(name, format!("{REFERENCE}-learning-workshop.pptx"));
        assert_eq!(media, "application/vnd.openxmlformats-officedocument.presentationml.presentation");
        let parts = unzip(&deck);
        let slide = |n: usize| {
            parts
                .iter()
                .find(|(name, _)| *name == format!("ppt/slides/slide{n}.xml"))
                .map(|(_, t)| xml_text(t))
                .unwrap_or_else(|| panic!("no slide {n}"))
        };
        assert!(slide(1).contains("Child A"), "the title slide");
        for (n, title) in SLIDE_TITLES.iter().enumerate().skip(1) {
            assert!(slide(n + 1).contains(title), "slide {} is {title}", n + 1);
        }
        assert!(slide(2).contains(case));
        assert!(slide(3).contains("Strategy discussions"));
        assert!(slide(6).contains("A re-audit in 12 months."));
        assert!(slide(7).contains("Strategy discussions: what does this mean for your own practice?"));

        // An independent reader sees the same, when one is installed.
        if let Some(text) = read_with_python("summary.docx", &bytes) {
            let flat = squeeze(&text);
            for wanted in [case, "14 March 2017", "Month/year of incident", "May 2016"] {
                assert!(flat.contains(wanted), "python-docx lacks {wanted:?} in:\n{text}");
            }
        }
        if let Some(text) = read_with_python("workshop.pptx", &deck) {
            let slides: Vec<&str> = text.split("--- slide ").skip(1).collect();
            assert_eq!(slides.len(), 7, "{text}");
            assert!(squeeze(slides[1]).contains(case), "{text}");
            assert!(
                squeeze(slides[6]).contains("Strategy discussions: what does this mean for your own practice?"),
                "{text}"
            );
        }

        let body = w
            .prac
            .gql(
                "query($s: ID!) { learningSummaryExport(summaryId: $s, format: DOCX) { fileName } }",
                json!({ "s": id }),
            )
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"));
        let rows = audit_actions(&app).await;
        assert_eq!(count(&rows, "learning_summary.export.docx"), 1);
        assert_eq!(count(&rows, "learning_summary.export.pptx"), 1);
    })
    .await
}

const WORK: &str = "{ whatNeedsMe { kind title link } }";

/// The titles of one kind of work on a person's home page.
async fn work_of(client: &Client, kind: &str) -> Vec<String> {
    client.ok(WORK, json!({})).await["whatNeedsMe"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|w| w["kind"] == kind)
        .map(|w| str_of(w, "title").to_owned())
        .collect()
}

/// Open comments need the summary's authors; a summary in review needs the chair; a
/// publication in its last thirty days needs the business office.
async fn summaries_need_their_authors_the_chair_and_the_office(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let summary = start(&w.reviewer, &w.review).await;
        let id = str_of(&summary, "id").to_owned();
        let link = format!("/reviews/{}/summary", w.review);
        for client in [&w.reviewer, &w.office, &w.chair, &w.rep] {
            assert!(work_of(client, "SUMMARY_COMMENTS").await.is_empty());
        }
        let comment = "mutation($s: ID!, $f: SummaryField!, $t: String!) { commentOnSummaryField(summaryId: $s, field: $f, text: $t) { id } }";
        w.rep
            .ok(comment, json!({ "s": id, "f": "CASE_LEARNING", "t": "Police saw this too." }))
            .await;
        for client in [&w.reviewer, &w.office] {
            assert_eq!(
                work_of(client, "SUMMARY_COMMENTS").await,
                [format!("1 open comment on the learning summary for {REFERENCE}")]
            );
        }
        for client in [&w.chair, &w.rep] {
            assert!(work_of(client, "SUMMARY_COMMENTS").await.is_empty());
        }
        // Answered by saving the field: no longer open.
        let version = field(&read(&w.reviewer, &w.review).await["data"]["learningSummary"], "caseLearning")["version"]
            .as_i64()
            .expect("version");
        saved(&w.reviewer, &id, "CASE_LEARNING", "What the police saw, added.", version).await;
        assert!(work_of(&w.reviewer, "SUMMARY_COMMENTS").await.is_empty());

        assert!(work_of(&w.chair, "SUMMARY_TO_APPROVE").await.is_empty());
        moved(&w.reviewer, &id, "IN_REVIEW", None).await;
        let listed = w.chair.ok(WORK, json!({})).await["whatNeedsMe"].clone();
        let item = listed
            .as_array()
            .and_then(|l| l.iter().find(|i| i["kind"] == "SUMMARY_TO_APPROVE"))
            .unwrap_or_else(|| panic!("{listed:#}"));
        assert_eq!(item["title"], format!("Learning summary for {REFERENCE} awaits approval"));
        assert_eq!(item["link"], link);
        for client in [&w.office, &w.reviewer, &w.rep] {
            assert!(work_of(client, "SUMMARY_TO_APPROVE").await.is_empty());
        }
        moved(&w.chair, &id, "APPROVED", None).await;
        assert!(work_of(&w.chair, "SUMMARY_TO_APPROVE").await.is_empty());

        // Published until a year on: the office is told in the last thirty days only.
        let until = Utc::now().date_naive() + Months::new(12);
        let row = learning_summary::Entity::find_by_id(id.clone())
            .one(app.db())
            .await
            .expect("read")
            .expect("summary");
        let mut row = row.into_active_model();
        row.state = Set("PUBLISHED".into());
        row.available_until = Set(Some(until));
        row.update(app.db()).await.expect("published");
        assert!(work_of(&w.office, "PUBLICATION_ENDING").await.is_empty());
        let office = server::entities::app_user::Entity::find()
            .all(app.db())
            .await
            .expect("people")
            .into_iter()
            .find(|p| p.roles.contains("BUSINESS_OFFICE"))
            .expect("the office");
        let actor = server::work::actor_of(&office);
        for (day, expected) in [
            (until - Days::new(31), 0),
            (until - Days::new(30), 1),
            (until, 1),
            (until + Days::new(1), 0),
        ] {
            let ending = server::work::Facts::gather(app.db(), day, 14)
                .await
                .expect("facts")
                .items_for(&actor)
                .into_iter()
                .filter(|i| i.kind == shared::work::WorkKind::PublicationEnding)
                .count();
            assert_eq!(ending, expected, "on {day}");
        }
    })
    .await;
}

db_tests!(
    summaries_need_their_authors_the_chair_and_the_office,
    starts_prefilled_from_the_review_its_learning_points_and_actions,
    moves_follow_the_lifecycle_and_who_may_make_them,
    saves_are_versioned_with_conflicts_history_and_diffs,
    comments_on_each_field_and_safe_html,
    the_gate_refuses_every_identifier_until_the_text_is_clean,
    exports_read_back_as_a_document_and_slides,
);
