//! The Section 11 self-assessment: the office sets a year's standards and asks agencies;
//! an agency lead answers its own agency's (last year's answers carried forward), submits
//! once every standard is rated with evidence; the office returns it with a challenge or
//! accepts it; what needs you follows it; nobody reads another agency's.

use crate::db_tests;
use crate::helpers::{error_code, problem_fields, run, Backend, Client};
use serde_json::{json, Value};
use shared::auth::Role;

const ASSESSMENT: &str = "id year status version officeComment agency { prefix } standards { id title } answers { standardId rating evidence toGreen carriedForward }";

async fn set_standards(office: &Client, year: i32, titles: &[&str]) -> Value {
    let standards: Vec<Value> = titles
        .iter()
        .map(|t| json!({ "title": t, "description": format!("{t} is in place."), "evidenceExpected": "Policy and audit" }))
        .collect();
    office
        .gql(
            "mutation($y: Int!, $s: [Section11StandardInput!]!) { setSection11Standards(year: $y, standards: $s) { year standards { id title } } }",
            json!({ "y": year, "s": standards }),
        )
        .await
}

async fn open(office: &Client, year: i32, agencies: &[&str], days: i64) -> Value {
    let due = (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string();
    office
        .gql(
            &format!("mutation($y: Int!, $a: [ID!]!, $d: NaiveDate!) {{ openSection11Year(year: $y, agencyIds: $a, dueOn: $d) {{ year assessments {{ {ASSESSMENT} }} }} }}"),
            json!({ "y": year, "a": agencies, "d": due }),
        )
        .await
}

async fn answer(
    client: &Client,
    a: &Value,
    i: usize,
    rating: Option<&str>,
    evidence: &str,
    to_green: &str,
) -> Value {
    client
        .gql(
            &format!("mutation($a: ID!, $s: ID!, $v: Int!, $i: Section11AnswerInput!) {{ saveSection11Answer(assessmentId: $a, standardId: $s, version: $v, answer: $i) {{ {ASSESSMENT} }} }}"),
            json!({
                "a": a["id"], "s": a["standards"][i]["id"], "v": a["version"],
                "i": { "rating": rating, "evidence": evidence, "toGreen": to_green },
            }),
        )
        .await
}

async fn work_kinds(client: &Client) -> Vec<String> {
    client.ok("{ whatNeedsMe { kind } }", json!({})).await["whatNeedsMe"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|w| w["kind"].as_str().map(str::to_owned))
        .filter(|k| k.starts_with("SECTION_11"))
        .collect()
}

async fn a_year_runs_from_asking_to_acceptance_and_carries_forward(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let pol = app.agency("Northshire Police", "POL").await;
        let csc = app.agency("Children's Social Care", "CSC").await;
        let (pol_lead, _) = app.signed_in("pol.lead@test.example", &[Role::AgencyLead], Some(&pol)).await;
        let (pol_rep, _) = app.signed_in("pol.rep@test.example", &[Role::AgencyRepresentative], Some(&pol)).await;
        let (csc_lead, _) = app.signed_in("csc.lead@test.example", &[Role::AgencyLead], Some(&csc)).await;
        let (chair, _) = app.signed_in("chair@test.example", &[Role::IndependentChair], None).await;

        // Bad tools are refused whole, field by field.
        let bad = set_standards(&office, 2025, &["Training", " training ", ""]).await;
        assert_eq!(error_code(&bad).as_deref(), Some("VALIDATION"), "{bad:#}");
        assert_eq!(problem_fields(&bad), ["standards.1.title", "standards.2.title"]);
        let by_lead = set_standards(&pol_lead, 2025, &["Training"]).await;
        assert_eq!(error_code(&by_lead).as_deref(), Some("FORBIDDEN"));
        let many: Vec<String> = (0..501).map(|i| format!("agency-{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let too_many = open(&office, 2025, &many, 20).await;
        assert_eq!(problem_fields(&too_many), ["agencyIds"], "{too_many:#}");
        let none = open(&office, 2025, &[&pol], 20).await;
        assert_eq!(problem_fields(&none), ["year"], "no standards yet: {none:#}");

        set_standards(&office, 2025, &["Training", "Information sharing"]).await;
        let opened = open(&office, 2025, &[&pol, &csc], 20).await;
        let list = opened["data"]["openSection11Year"]["assessments"].clone();
        let mine = list.as_array().expect("list").iter().find(|a| a["agency"]["prefix"] == "POL").expect("POL's").clone();
        assert_eq!(mine["status"], "DRAFT");
        assert!(mine["answers"].as_array().expect("answers").is_empty(), "no year before to carry");
        // The tool stays as it was asked.
        let late = set_standards(&office, 2025, &["Training"]).await;
        assert_eq!(error_code(&late).as_deref(), Some("CONFLICT"), "{late:#}");
        assert_eq!(work_kinds(&pol_lead).await, ["SECTION_11_REQUESTED"]);
        assert!(work_kinds(&pol_rep).await.is_empty(), "the lead writes it");

        // Each agency sees its own; the chair and office see all.
        let year = "query { section11(year: 2025) { standards { id } assessments { agency { prefix } } } }";
        let prefixes = |v: &Value| -> Vec<String> {
            v["section11"]["assessments"].as_array().expect("list").iter().map(|a| a["agency"]["prefix"].as_str().unwrap_or_default().to_owned()).collect()
        };
        assert_eq!(prefixes(&office.ok(year, json!({})).await), ["CSC", "POL"]);
        assert_eq!(prefixes(&chair.ok(year, json!({})).await), ["CSC", "POL"]);
        assert_eq!(prefixes(&pol_rep.ok(year, json!({})).await), ["POL"]);
        assert_eq!(prefixes(&csc_lead.ok(year, json!({})).await), ["CSC"]);
        let theirs = csc_lead
            .gql("query($id: ID!) { section11Assessment(id: $id) { id } }", json!({ "id": mine["id"] }))
            .await;
        assert_eq!(error_code(&theirs).as_deref(), Some("NOT_FOUND"));
        let by_other = answer(&csc_lead, &mine, 0, Some("GREEN"), "x", "").await;
        assert_eq!(error_code(&by_other).as_deref(), Some("NOT_FOUND"));
        let by_rep = answer(&pol_rep, &mine, 0, Some("GREEN"), "x", "").await;
        assert_eq!(error_code(&by_rep).as_deref(), Some("FORBIDDEN"));

        // The lead answers; a stale version is a conflict; submitting half is refused.
        let saved = answer(&pol_lead, &mine, 0, Some("AMBER"), "Training at 80%", "").await;
        let mine = saved["data"]["saveSection11Answer"].clone();
        assert_eq!(mine["version"], 2, "{saved:#}");
        let stale = answer(&pol_lead, &json!({ "id": mine["id"], "standards": mine["standards"], "version": 1 }), 1, None, "", "").await;
        assert_eq!(error_code(&stale).as_deref(), Some("CONFLICT"));
        let submit = "mutation($id: ID!, $v: Int!) { submitSection11Assessment(id: $id, version: $v) { id status version } }";
        let half = pol_lead.gql(submit, json!({ "id": mine["id"], "v": mine["version"] })).await;
        assert_eq!(
            problem_fields(&half),
            ["answers.0.toGreen", "answers.1.rating", "answers.1.evidence"],
            "{half:#}"
        );
        let mine = answer(&pol_lead, &mine, 0, Some("AMBER"), "Training at 80%", "Train the last 20% by March").await["data"]["saveSection11Answer"].clone();
        let mine = answer(&pol_lead, &mine, 1, Some("GREEN"), "Protocol audited in May", "").await["data"]["saveSection11Answer"].clone();
        let sent = pol_lead.ok(submit, json!({ "id": mine["id"], "v": mine["version"] })).await;
        assert_eq!(sent["submitSection11Assessment"]["status"], "SUBMITTED");
        assert!(work_kinds(&pol_lead).await.is_empty());
        assert_eq!(work_kinds(&office).await, ["SECTION_11_SUBMITTED"]);
        let submitted = json!({ "id": mine["id"], "standards": mine["standards"], "version": sent["submitSection11Assessment"]["version"] });
        let after = answer(&pol_lead, &submitted, 0, Some("GREEN"), "x", "").await;
        assert_eq!(error_code(&after).as_deref(), Some("CONFLICT"));

        // Returned with a challenge, answered, accepted.
        let decide = "mutation($id: ID!, $ok: Boolean!, $c: String) { decideSection11Assessment(id: $id, accept: $ok, comment: $c) { id status version officeComment } }";
        let bare = office.gql(decide, json!({ "id": mine["id"], "ok": false, "c": " " })).await;
        assert_eq!(problem_fields(&bare), ["comment"]);
        let by_lead = pol_lead.gql(decide, json!({ "id": mine["id"], "ok": true })).await;
        assert_eq!(error_code(&by_lead).as_deref(), Some("FORBIDDEN"));
        let back = office
            .ok(decide, json!({ "id": mine["id"], "ok": false, "c": "How do you know the protocol is used?" }))
            .await;
        assert_eq!(back["decideSection11Assessment"]["status"], "RETURNED");
        assert_eq!(work_kinds(&pol_lead).await, ["SECTION_11_RETURNED"]);
        let read = pol_lead
            .ok(&format!("query($id: ID!) {{ section11Assessment(id: $id) {{ {ASSESSMENT} }} }}"), json!({ "id": mine["id"] }))
            .await["section11Assessment"]
            .clone();
        assert_eq!(read["status"], "RETURNED");
        assert_eq!(read["officeComment"], "How do you know the protocol is used?");
        let read = answer(&pol_lead, &read, 1, Some("GREEN"), "Protocol audited in May: 18 of 20 referrals on time", "").await["data"]["saveSection11Answer"].clone();
        pol_lead.ok(submit, json!({ "id": read["id"], "v": read["version"] })).await;
        let accepted = office.ok(decide, json!({ "id": read["id"], "ok": true })).await;
        assert_eq!(accepted["decideSection11Assessment"]["status"], "ACCEPTED");
        assert!(work_kinds(&office).await.is_empty());

        // The next year starts from these answers where a standard has the same title.
        set_standards(&office, 2026, &["Training", "Information  sharing", "Voice of the child"]).await;
        let next = open(&office, 2026, &[&pol], 30).await;
        let next = next["data"]["openSection11Year"]["assessments"][0].clone();
        let answers = next["answers"].as_array().expect("answers");
        assert_eq!(answers.len(), 2, "{next:#}");
        assert!(answers.iter().all(|a| a["carriedForward"] == true));
        let training = answers.iter().find(|a| a["standardId"] == next["standards"][0]["id"]).expect("training");
        assert_eq!(training["rating"], "AMBER");
        assert_eq!(training["toGreen"], "Train the last 20% by March");
        // Saving an answer makes it this year's own.
        let own = answer(&pol_lead, &next, 0, Some("GREEN"), "Everyone trained", "").await["data"]["saveSection11Answer"].clone();
        let training = own["answers"].as_array().expect("answers").iter().find(|a| a["standardId"] == next["standards"][0]["id"]).expect("training").clone();
        assert_eq!(training["carriedForward"], false);
        let years = office.ok("{ section11Years }", json!({})).await;
        assert_eq!(years["section11Years"], json!([2026, 2025]));

        // The year's answers as a workbook, read back: the office's has both agencies, a
        // lead's only its own; a formula typed as evidence stays text.
        let formula = "=HYPERLINK(\"http://evil.example\",\"Click\")";
        answer(&pol_lead, &own, 1, Some("GREEN"), formula, "").await;
        let export = "query($y: Int!) { section11Export(year: $y) { fileName mediaType contentBase64 } }";
        let cells = |data: Value| -> Vec<Vec<String>> {
            use base64::Engine;
            use calamine::Reader;
            let file = &data["section11Export"];
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(file["contentBase64"].as_str().expect("content"))
                .expect("base64");
            let mut book: calamine::Xlsx<_> =
                calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("xlsx");
            let sheet = book.worksheet_range(&format!("Section 11 {}", file["fileName"].as_str().unwrap_or_default().trim_start_matches("section-11-").trim_end_matches(".xlsx"))).expect("sheet");
            sheet.rows().map(|r| r.iter().map(ToString::to_string).collect()).collect()
        };
        let all = cells(office.ok(export, json!({ "y": 2025 })).await);
        assert_eq!(all[0][0], "Year");
        assert_eq!(all.len(), 1 + 2 * 2, "two agencies, two standards: {all:?}");
        let pol_rows: Vec<&Vec<String>> = all.iter().filter(|r| r[1] == "Northshire Police").collect();
        assert_eq!(pol_rows.len(), 2);
        assert_eq!(pol_rows[0][3], "Training");
        assert_eq!(pol_rows[0][4], "Amber: partly met");
        assert_eq!(pol_rows[0][6], "Train the last 20% by March");
        assert_eq!(pol_rows[0][2], "Accepted");
        let csc_rows = all.iter().filter(|r| r[1] == "Children's Social Care").count();
        assert_eq!(csc_rows, 2);
        let theirs = cells(csc_lead.ok(export, json!({ "y": 2025 })).await);
        assert!(theirs[1..].iter().all(|r| r[1] == "Children's Social Care"), "{theirs:?}");
        let this_year = cells(office.ok(export, json!({ "y": 2026 })).await);
        let cell = &this_year
            .iter()
            .find(|r| r[3] == "Information  sharing" || r[3] == "Information sharing")
            .expect("information sharing")[5];
        assert!(cell.starts_with('\''), "a formula is written as text: {cell}");
    })
    .await;
}

db_tests!(a_year_runs_from_asking_to_acceptance_and_carries_forward);
