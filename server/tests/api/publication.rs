//! What publication puts out: the final report (a PDF uploaded by the summary's authors,
//! replaced by each new upload, its file name and text checked by the publication gate),
//! and the public pages (published summaries for anyone, through an allowlist type; null
//! for anything not published; no text or report once the publication window has passed)
//! with the report served as a file.

use crate::db_tests;
use crate::helpers::{
    base64, error_code, pdf, problem_fields, review_with, run, run_with, Backend, Client, TestApp,
};
use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
use chrono::{Days, Months, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::{json, Value};
use server::entities::{audit_log, learning_summary, summary_report};
use shared::auth::Role;

/// The people of one review (as in `summaries.rs`).
pub struct World {
    pub office: Client,
    pub chair: Client,
    /// LEAD_REVIEWER of the review (an agency representative of CSC): an author.
    pub reviewer: Client,
    /// Agency representative of POL, member: reads, does not write.
    pub rep: Client,
    /// Practitioner of POL, member of the review.
    pub prac: Client,
    /// Agency representative of POL who is not a member of the review.
    pub outsider: Client,
    pub pol: String,
    pub review: String,
}

pub async fn world(app: &TestApp, reference: &str) -> World {
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
        reference,
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

pub fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("no {key} in {value:#}"))
}

/// Starts a review's summary, returning its id.
pub async fn start(client: &Client, review: &str) -> String {
    let data = client
        .ok(
            "mutation($r: ID!) { startLearningSummary(reviewId: $r) { id } }",
            json!({ "r": review }),
        )
        .await;
    str_of(&data["startLearningSummary"], "id").to_owned()
}

/// Saves a field never saved before.
pub async fn save_new(client: &Client, summary: &str, field: &str, text: &str) {
    client
        .ok(
            "mutation($s: ID!, $f: SummaryField!, $t: String!) { saveSummaryField(summaryId: $s, field: $f, text: $t, expectedVersion: 0) { version } }",
            json!({ "s": summary, "f": field, "t": text }),
        )
        .await;
}

pub async fn move_to(client: &Client, summary: &str, to: &str, reason: Option<&str>) {
    client
        .ok(
            "mutation($s: ID!, $to: SummaryState!, $r: String) { moveLearningSummary(summaryId: $s, to: $to, reason: $r) { state } }",
            json!({ "s": summary, "to": to, "r": reason }),
        )
        .await;
}

pub fn twelve_months_on() -> NaiveDate {
    Utc::now()
        .date_naive()
        .checked_add_months(Months::new(12))
        .unwrap_or(NaiveDate::MAX)
}

pub async fn publish(office: &Client, summary: &str) -> Value {
    office
        .gql(
            "mutation($s: ID!, $d: NaiveDate!) { publishLearningSummary(summaryId: $s, availableUntil: $d) { state } }",
            json!({ "s": summary, "d": twelve_months_on().to_string() }),
        )
        .await
}

/// Submits, approves (as the chair) and publishes a draft.
pub async fn approve_and_publish(w: &World, summary: &str) {
    move_to(&w.reviewer, summary, "IN_REVIEW", None).await;
    move_to(&w.chair, summary, "APPROVED", None).await;
    let body = publish(&w.office, summary).await;
    assert!(body.get("errors").is_none(), "publish refused: {body:#}");
}

async fn upload(
    client: &Client,
    summary: &str,
    name: &str,
    bytes: &[u8],
    text: Option<&str>,
) -> Value {
    client
        .gql(
            "mutation($s: ID!, $n: String!, $c: String!, $t: String) { uploadFinalReport(summaryId: $s, fileName: $n, contentBase64: $c, reportText: $t) { id version reportFileName publicationCheck { kind field matched } } }",
            json!({ "s": summary, "n": name, "c": base64(bytes), "t": text }),
        )
        .await
}

async fn uploaded(
    client: &Client,
    summary: &str,
    name: &str,
    bytes: &[u8],
    text: Option<&str>,
) -> Value {
    let body = upload(client, summary, name, bytes, text).await;
    assert!(body.get("errors").is_none(), "upload refused: {body:#}");
    body["data"]["uploadFinalReport"].clone()
}

/// (kind, field, matched) of each publication hit.
fn hits(summary: &Value) -> Vec<(String, String, String)> {
    summary["publicationCheck"]
        .as_array()
        .expect("publicationCheck")
        .iter()
        .map(|h| {
            (
                str_of(h, "kind").to_owned(),
                str_of(h, "field").to_owned(),
                str_of(h, "matched").to_owned(),
            )
        })
        .collect()
}

fn owned(list: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    list.iter()
        .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
        .collect()
}

async fn add_term(office: &Client, review: &str, real: &str, replacement: &str) {
    office
        .ok(
            "mutation($r: ID!, $i: GlossaryTermInput!) { addGlossaryTerm(reviewId: $r, input: $i) { id } }",
            json!({ "r": review, "i": { "realText": real, "replacement": replacement } }),
        )
        .await;
}

const REPORT_LIMIT: usize = 4096;

async fn the_final_report_is_a_pdf_the_authors_upload_and_the_gate_reads(backend: Backend) {
    let limit = REPORT_LIMIT.to_string();
    run_with(backend, &["--max-report-bytes", &limit], |app| async move {
        let w = world(&app, "SCR-2016-60").await;
        add_term(&w.office, &w.review, "Jayden Smith", "Child A").await;
        let id = start(&w.reviewer, &w.review).await;
        let clean = pdf(&["Serious case review: Child A", "What agencies learnt."]);

        // Only the authors upload it.
        for (who, client, code) in [
            ("member", &w.rep, "FORBIDDEN"),
            ("practitioner", &w.prac, "FORBIDDEN"),
            ("chair", &w.chair, "FORBIDDEN"),
            ("outsider", &w.outsider, "NOT_FOUND"),
        ] {
            let body = upload(client, &id, "final.pdf", &clean, None).await;
            assert_eq!(error_code(&body).as_deref(), Some(code), "{who}: {body:#}");
        }
        let body = upload(&app.client(), &id, "final.pdf", &clean, None).await;
        assert_eq!(error_code(&body).as_deref(), Some("UNAUTHENTICATED"));

        // A PDF, under the limit, with a PDF's name; every problem on its field.
        let body = upload(&w.reviewer, &id, "final.pdf", b"PK\x03\x04 a zip, not a PDF", None).await;
        assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body:#}");
        assert_eq!(problem_fields(&body), ["contentBase64"]);
        let message = body["errors"][0]["extensions"]["problems"][0]["message"]
            .as_str()
            .unwrap_or_default();
        assert!(message.contains("%PDF-"), "{message}");
        let body = upload(&w.reviewer, &id, "final.docx", &clean, None).await;
        assert_eq!(problem_fields(&body), ["fileName"]);
        let body = upload(&w.reviewer, &id, "", b"not a pdf", None).await;
        assert_eq!(problem_fields(&body), ["fileName", "contentBase64"]);
        let body = w
            .reviewer
            .gql(
                "mutation($s: ID!) { uploadFinalReport(summaryId: $s, fileName: \"a.pdf\", contentBase64: \"%%% not base64\") { id } }",
                json!({ "s": id }),
            )
            .await;
        assert_eq!(problem_fields(&body), ["contentBase64"]);
        let mut big = b"%PDF-1.4\n".to_vec();
        big.resize(REPORT_LIMIT + 1, b' ');
        let body = upload(&w.reviewer, &id, "big.pdf", &big, None).await;
        assert_eq!(problem_fields(&body), ["contentBase64"], "{body:#}");
        let message = body["errors"][0]["extensions"]["problems"][0]["message"]
            .as_str()
            .unwrap_or_default();
        assert!(message.contains("largest report accepted"), "{message}");
        let none = summary_report::Entity::find().all(app.db()).await.expect("rows");
        assert!(none.is_empty(), "a refused upload stored nothing");

        // The lead reviewer uploads a report whose text (read from the PDF) has a phone
        // number: the gate reads it.
        let dirty = pdf(&["The family was called on 07700 900123 (mobile)."]);
        let first = uploaded(&w.reviewer, &id, "C:\\reports\\final.pdf", &dirty, None).await;
        assert_eq!(first["reportFileName"], "final.pdf");
        assert_eq!(
            hits(&first),
            owned(&[("PHONE_NUMBER", "reportText", "07700 900123")])
        );

        // The business office replaces it; the text given with it is read too.
        let second = uploaded(
            &w.office,
            &id,
            "Jayden Smith report.pdf",
            &clean,
            Some("Jayden Smith was seen by five agencies."),
        )
        .await;
        assert!(second["version"].as_i64() > first["version"].as_i64());
        assert_eq!(second["reportFileName"], "Jayden Smith report.pdf");
        assert_eq!(
            hits(&second),
            owned(&[
                ("NAME", "reportFileName", "Jayden Smith"),
                ("NAME", "reportText", "Jayden Smith"),
            ])
        );
        let rows = summary_report::Entity::find().all(app.db()).await.expect("rows");
        assert_eq!(rows.len(), 1, "one report per summary");
        assert_eq!(rows[0].content, clean);
        assert_eq!(rows[0].media_type, "application/pdf");

        // Approved, publishing is refused while the report's name and text hold a name.
        move_to(&w.reviewer, &id, "IN_REVIEW", None).await;
        move_to(&w.chair, &id, "APPROVED", None).await;
        let body = publish(&w.office, &id).await;
        assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body:#}");
        assert_eq!(problem_fields(&body), ["reportFileName", "reportText"]);
        let problems = body["errors"][0]["extensions"]["problems"].to_string();
        assert!(problems.contains("Child A"), "the fix is offered: {problems}");

        // Not published yet, the report may still be replaced; then it publishes.
        let third = uploaded(
            &w.reviewer,
            &id,
            "SCR-2016-60 final report.pdf",
            &clean,
            Some("Child A was seen by five agencies."),
        )
        .await;
        assert_eq!(hits(&third), owned(&[]));
        let body = publish(&w.office, &id).await;
        assert!(body.get("errors").is_none(), "{body:#}");

        // Published, it stands still.
        let body = upload(&w.office, &id, "other.pdf", &clean, None).await;
        assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body:#}");
        assert_eq!(problem_fields(&body), ["summaryId"]);

        // The audit log has each upload, and nothing of the files.
        let rows = audit_log::Entity::find().all(app.db()).await.expect("audit");
        let uploads = rows
            .iter()
            .filter(|r| r.action == "learning_summary.report.upload")
            .count();
        assert_eq!(uploads, 3);
        let text = format!("{rows:?}");
        assert!(!text.contains("report.pdf") && !text.contains("five agencies"), "{text}");
    })
    .await
}

/// A published summary through the public API, as the pages ask for it.
const PUBLISHED: &str = "id reviewReference reviewKindLabel title publishedOn availableUntil \
    available reportUrl themes fields { label html }";

async fn public_summary(client: &Client, id: &str) -> Value {
    let body = client
        .gql(
            &format!("query($id: ID!) {{ publishedSummary(id: $id) {{ {PUBLISHED} }} }}"),
            json!({ "id": id }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body:#}");
    body["data"]["publishedSummary"].clone()
}

async fn get(url: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(url)
        .send()
        .await
        .expect("request")
}

async fn anyone_reads_published_summaries_while_they_are_available(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app, "SCR-2016-70").await;
        let anonymous = app.client();
        let id = start(&w.reviewer, &w.review).await;
        save_new(
            &w.reviewer,
            &id,
            "CASE_LEARNING",
            "Neglect was **seen late** at Northshire Academy.\n\n<script>x()</script>",
        )
        .await;
        let report = pdf(&["Serious case review: Child A"]);
        uploaded(&w.reviewer, &id, "SCR-2016-70 \"final\" report.pdf", &report, None).await;

        // Not published: nobody sees it on the public pages, whatever its state.
        assert!(public_summary(&anonymous, &id).await.is_null(), "a draft");
        move_to(&w.reviewer, &id, "IN_REVIEW", None).await;
        move_to(&w.chair, &id, "APPROVED", None).await;
        assert!(public_summary(&anonymous, &id).await.is_null(), "an approved one");
        assert!(public_summary(&w.office, &id).await.is_null(), "signed in alike");
        let path = format!("{}/public/reports/{id}", app.base);
        assert_eq!(get(&path).await.status(), 404, "no report before publication");
        let body = publish(&w.office, &id).await;
        assert!(body.get("errors").is_none(), "{body:#}");

        // Published: a signed-out visitor reads it.
        let shown = public_summary(&anonymous, &id).await;
        assert_eq!(shown["id"], id.as_str());
        assert_eq!(shown["reviewReference"], "SCR-2016-70");
        assert_eq!(
            shown["reviewKindLabel"],
            "Serious case review / local child safeguarding practice review"
        );
        assert_eq!(shown["title"], "Child A");
        assert_eq!(shown["publishedOn"], Utc::now().date_naive().to_string());
        assert_eq!(shown["availableUntil"], twelve_months_on().to_string());
        assert_eq!(shown["available"], true);
        assert_eq!(shown["themes"], json!(["Neglect"]));
        let labels: Vec<&str> = shown["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .map(|f| str_of(f, "label"))
            .collect();
        assert_eq!(
            labels,
            [
                "Type of review and overall purpose (methodology, chairing/authoring, how cases were selected)",
                "Month/year of incident",
                "What was learnt about the case (key themes, early learning, good practice)",
            ],
            "the fields that say something, in order"
        );
        assert_eq!(
            shown["fields"][2]["html"],
            "<p>Neglect was <strong>seen late</strong> at Northshire Academy.</p>\n"
        );
        let url = str_of(&shown, "reportUrl").to_owned();
        assert_eq!(url, format!("{}/public/reports/{id}", app.base));

        // The report, to anyone, inline, its name made safe for the header.
        let response = get(&url).await;
        assert_eq!(response.status(), 200);
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(header("content-type"), "application/pdf");
        assert_eq!(
            header("content-disposition"),
            "inline; filename=\"SCR-2016-70 _final_ report.pdf\""
        );
        assert_eq!(header("x-content-type-options"), "nosniff");
        assert_eq!(response.bytes().await.expect("body").to_vec(), report);
        for missing in [
            format!("{}/public/reports/{}", app.base, uuid::Uuid::new_v4()),
            format!("{}/public/reports/..%2F..%2Fetc%2Fpasswd", app.base),
        ] {
            assert_eq!(get(&missing).await.status(), 404, "{missing}");
        }

        // A term added to the glossary since publication is replaced on the way out.
        add_term(&w.office, &w.review, "Northshire Academy", "the school").await;
        let shown = public_summary(&anonymous, &id).await;
        assert_eq!(
            shown["fields"][2]["html"],
            "<p>Neglect was <strong>seen late</strong> at the school.</p>\n"
        );

        // A second review published later comes first; one without a report has no URL.
        let later_review = review_with(&w.office, "SCR-2017-01", &[&w.pol], &[]).await;
        let later = start(&w.office, &later_review).await;
        save_new(&w.office, &later, "CASE_LEARNING", "Bruising in a baby who was not yet mobile.").await;
        move_to(&w.office, &later, "IN_REVIEW", None).await;
        move_to(&w.chair, &later, "APPROVED", None).await;
        let body = publish(&w.office, &later).await;
        assert!(body.get("errors").is_none(), "{body:#}");
        let draft_review = review_with(&w.office, "SCR-2017-02", &[], &[]).await;
        let draft = start(&w.office, &draft_review).await;
        let list = anonymous
            .ok(&format!("{{ publishedSummaries {{ {PUBLISHED} }} }}"), json!({}))
            .await["publishedSummaries"]
            .clone();
        let ids: Vec<&str> = list
            .as_array()
            .expect("list")
            .iter()
            .map(|s| str_of(s, "id"))
            .collect();
        assert_eq!(ids, [later.as_str(), id.as_str()], "newest first, published only");
        assert!(!ids.contains(&draft.as_str()));
        assert!(list[0]["reportUrl"].is_null());
        assert_eq!(
            get(&format!("{}/public/reports/{later}", app.base)).await.status(),
            404,
            "no report uploaded"
        );

        // After its last day the page shows no text and no report.
        let row = learning_summary::Entity::find_by_id(id.clone())
            .one(app.db())
            .await
            .expect("read")
            .expect("summary");
        let yesterday = Utc::now().date_naive() - Days::new(1);
        let mut am = row.into_active_model();
        am.available_until = Set(Some(yesterday));
        am.update(app.db()).await.expect("available until");
        let shown = public_summary(&anonymous, &id).await;
        assert_eq!(shown["available"], false);
        assert_eq!(shown["availableUntil"], yesterday.to_string());
        assert_eq!(shown["fields"], json!([]));
        assert!(shown["reportUrl"].is_null());
        assert_eq!(get(&url).await.status(), 404, "the report is not served");
        // Still listed, so the page can say it is available on request.
        let list = anonymous
            .ok("{ publishedSummaries { id available } }", json!({}))
            .await["publishedSummaries"]
            .clone();
        assert_eq!(list[1], json!({ "id": id, "available": false }));

        // Withdrawn, it is gone.
        move_to(&w.office, &later, "DRAFT", Some("Taken down.")).await;
        assert!(public_summary(&anonymous, &later).await.is_null());
    })
    .await
}

/// The fields of an object type of the served schema.
fn fields_of(type_name: &str) -> Vec<String> {
    let doc = async_graphql::parser::parse_schema(server::graphql::sdl()).expect("SDL parses");
    for def in doc.definitions {
        let TypeSystemDefinition::Type(ty) = def else {
            continue;
        };
        if ty.node.name.node.as_str() != type_name {
            continue;
        }
        if let TypeKind::Object(object) = &ty.node.kind {
            return object
                .fields
                .iter()
                .map(|f| f.node.name.node.to_string())
                .collect();
        }
    }
    panic!("no object type {type_name} in the schema");
}

#[test]
fn public_types_hold_only_their_allowlist() {
    assert_eq!(
        fields_of("PublishedSummary"),
        [
            "id",
            "reviewReference",
            "reviewKindLabel",
            "title",
            "publishedOn",
            "availableUntil",
            "available",
            "reportUrl",
            "themes",
            "fields",
        ]
    );
    assert_eq!(fields_of("PublishedField"), ["label", "html"]);
    assert_eq!(
        fields_of("LibraryHit"),
        [
            "kind",
            "title",
            "excerpt",
            "themes",
            "summaryId",
            "reviewReference"
        ]
    );
}

db_tests!(
    the_final_report_is_a_pdf_the_authors_upload_and_the_gate_reads,
    anyone_reads_published_summaries_while_they_are_available,
);
