//! The Section 11 self-assessment: the office sets a year's standards and asks agencies;
//! an agency lead answers its own agency's (last year's answers carried forward), submits
//! once every standard is rated with evidence; the office returns it with a challenge or
//! accepts it; what needs you follows it; nobody reads another agency's.

use crate::db_tests;
use crate::helpers::{
    docx_text, error_code, problem_fields, read_with_python, run, Backend, Client,
};
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

        // The year's summary report, read back. 2026: one agency asked, nothing received
        // yet, training better than last year.
        let report = |client: Client, year: i32| async move {
            use base64::Engine;
            let file = client
                .ok("query($y: Int!) { section11Report(year: $y) { fileName mediaType contentBase64 } }", json!({ "y": year }))
                .await["section11Report"]
                .clone();
            assert_eq!(file["fileName"], format!("section-11-{year}-report.docx"));
            assert_eq!(file["mediaType"], "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(file["contentBase64"].as_str().expect("content"))
                .expect("base64");
            let text = docx_text(&bytes);
            if let Some(read) = read_with_python("report.docx", &bytes) {
                for line in text.lines().filter(|l| !l.trim().is_empty()) {
                    assert!(read.contains(line.trim()), "python-docx reads {line:?}");
                }
            }
            text
        };
        let lines = |text: &str| text.lines().map(str::to_owned).collect::<Vec<_>>();
        let now = report(office.clone(), 2026).await;
        assert!(now.contains("Section 11 self-assessment 2026"), "{now}");
        assert!(now.contains("1 agency was asked to assess itself against 3 standards."), "{now}");
        assert!(now.contains("Counted from the 0 assessments submitted or accepted."), "{now}");
        let rows = lines(&now);
        let police = rows.iter().position(|l| l == "Northshire Police (Being written)").expect("police row");
        assert_eq!(rows[police + 1..police + 4], ["Green (was Amber)", "Green", "Not rated"], "{now}");
        assert!(now.contains("1 rating is better and 0 worse than the same agency's rating of the same standard in 2025."), "{now}");
        assert!(now.contains("No agency rates any standard red or amber."), "{now}");
        // 2025: two asked, one accepted; children's social care never answered and is
        // outstanding; the amber standard says what would make it green.
        let before = report(office.clone(), 2025).await;
        assert!(before.contains("2 agencies were asked to assess themselves against 2 standards."), "{before}");
        assert!(before.contains("Counted from the 1 assessment submitted or accepted."), "{before}");
        let rows = lines(&before);
        let training = rows.iter().position(|l| l == "1. Training").expect("training row");
        assert_eq!(rows[training + 1..training + 5], ["0", "1", "0", "0"], "green, amber, red, not rated: {before}");
        assert!(before.contains("Children's Social Care (Being written)"), "{before}");
        assert!(before.contains("Train the last 20% by March"), "{before}");
        assert!(before.contains("There are no assessments for 2024 to compare with."), "{before}");
        // An agency's own staff get their agency's report only.
        let theirs = report(csc_lead.clone(), 2025).await;
        assert!(theirs.contains("1 agency was asked"), "{theirs}");
        assert!(!theirs.contains("Northshire Police"), "{theirs}");
    })
    .await;
}

db_tests!(a_year_runs_from_asking_to_acceptance_and_carries_forward);

/// The office's challenge questions: asked on a standard while the assessment is
/// scrutinised (not by the agency, not on another year's standard, not on a stale
/// version), withdrawn while unanswered, sent back with the assessment, responded to by the
/// agency before it submits again, and kept with the assessment and in the report.
async fn challenge_questions_go_back_with_the_assessment_and_return_answered(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let pol = app.agency("Northshire Police", "POL").await;
        let csc = app.agency("Children's Social Care", "CSC").await;
        let (pol_lead, _) = app.signed_in("pol.lead@test.example", &[Role::AgencyLead], Some(&pol)).await;
        let (csc_lead, _) = app.signed_in("csc.lead@test.example", &[Role::AgencyLead], Some(&csc)).await;
        let other_year = set_standards(&office, 2026, &["Elsewhere"]).await["data"]["setSection11Standards"]["standards"][0]["id"].clone();
        set_standards(&office, 2027, &["Training", "Information sharing"]).await;
        let a = open(&office, 2027, &[&pol], 20).await["data"]["openSection11Year"]["assessments"][0].clone();
        let a = answer(&pol_lead, &a, 0, Some("GREEN"), "All trained", "").await["data"]["saveSection11Answer"].clone();
        let a = answer(&pol_lead, &a, 1, Some("GREEN"), "Protocol in place", "").await["data"]["saveSection11Answer"].clone();
        let submit = "mutation($id: ID!, $v: Int!) { submitSection11Assessment(id: $id, version: $v) { id status version } }";
        let v = pol_lead.ok(submit, json!({ "id": a["id"], "v": a["version"] })).await["submitSection11Assessment"]["version"].clone();

        let ask = |client: Client, version: Value, standard: Value, question: &'static str| {
            let id = a["id"].clone();
            async move {
                client
                    .gql(
                        &format!("mutation($a: ID!, $v: Int!, $s: ID!, $q: String!) {{ askSection11Challenge(assessmentId: $a, version: $v, standardId: $s, question: $q) {{ {ASSESSMENT} challenges {{ id standardId question response }} }} }}"),
                        json!({ "a": id, "v": version, "s": standard, "q": question }),
                    )
                    .await
            }
        };
        let training = a["standards"][0]["id"].clone();
        let blank = ask(office.clone(), v.clone(), training.clone(), "  ").await;
        assert_eq!(problem_fields(&blank), ["question"], "{blank:#}");
        let by_lead = ask(pol_lead.clone(), v.clone(), training.clone(), "Who checks?").await;
        assert_eq!(error_code(&by_lead).as_deref(), Some("FORBIDDEN"));
        let elsewhere = ask(office.clone(), v.clone(), other_year, "Who checks?").await;
        assert_eq!(error_code(&elsewhere).as_deref(), Some("NOT_FOUND"), "{elsewhere:#}");
        let stale = ask(office.clone(), json!(1), training.clone(), "Who checks?").await;
        assert_eq!(error_code(&stale).as_deref(), Some("CONFLICT"));
        let asked = ask(office.clone(), v.clone(), training.clone(), "How do you know new starters are trained?").await["data"]["askSection11Challenge"].clone();
        assert_eq!(asked["challenges"][0]["question"], "How do you know new starters are trained?");
        assert_eq!(asked["challenges"][0]["response"], Value::Null);
        let second = ask(office.clone(), asked["version"].clone(), a["standards"][1]["id"].clone(), "Is the protocol used at night?").await["data"]["askSection11Challenge"].clone();
        assert_eq!(second["challenges"].as_array().map(Vec::len), Some(2));

        // Accepting with an open question is refused; one is withdrawn; returned with no
        // comment, the question is the challenge.
        let decide = "mutation($id: ID!, $ok: Boolean!, $c: String) { decideSection11Assessment(id: $id, accept: $ok, comment: $c) { id status version } }";
        let early = office.gql(decide, json!({ "id": a["id"], "ok": true })).await;
        assert_eq!(problem_fields(&early), ["challenges"], "{early:#}");
        let withdraw = "mutation($id: ID!, $v: Int!) { withdrawSection11Challenge(id: $id, version: $v) { version challenges { id question } } }";
        let night = second["challenges"][1]["id"].clone();
        let by_lead = pol_lead.gql(withdraw, json!({ "id": night, "v": second["version"] })).await;
        assert_eq!(error_code(&by_lead).as_deref(), Some("FORBIDDEN"));
        let left = office.ok(withdraw, json!({ "id": night, "v": second["version"] })).await["withdrawSection11Challenge"].clone();
        assert_eq!(left["challenges"].as_array().map(Vec::len), Some(1));
        let back = office.ok(decide, json!({ "id": a["id"], "ok": false })).await;
        assert_eq!(back["decideSection11Assessment"]["status"], "RETURNED");
        let v = back["decideSection11Assessment"]["version"].clone();

        // The agency responds before it submits again; another agency cannot.
        let again = pol_lead.gql(submit, json!({ "id": a["id"], "v": v })).await;
        assert_eq!(problem_fields(&again), ["challenges.0.response"], "{again:#}");
        let respond = "mutation($id: ID!, $v: Int!, $r: String!) { respondToSection11Challenge(id: $id, version: $v, response: $r) { id version challenges { question response respondedAt } } }";
        let challenge = asked["challenges"][0]["id"].clone();
        let theirs = csc_lead.gql(respond, json!({ "id": challenge, "v": v, "r": "Not ours" })).await;
        assert_eq!(error_code(&theirs).as_deref(), Some("NOT_FOUND"), "{theirs:#}");
        let empty = pol_lead.gql(respond, json!({ "id": challenge, "v": v, "r": "" })).await;
        assert_eq!(problem_fields(&empty), ["response"]);
        let long = "x".repeat(shared::section11::MAX_CHALLENGE + 1);
        let too_long = pol_lead.gql(respond, json!({ "id": challenge, "v": v, "r": long })).await;
        assert_eq!(problem_fields(&too_long), ["response"]);
        let answered = pol_lead
            .ok(respond, json!({ "id": challenge, "v": v, "r": "Induction records are audited monthly." }))
            .await["respondToSection11Challenge"]
            .clone();
        assert_eq!(answered["challenges"][0]["response"], "Induction records are audited monthly.");
        assert!(answered["challenges"][0]["respondedAt"].is_string());
        let sent = pol_lead.ok(submit, json!({ "id": a["id"], "v": answered["version"] })).await;
        assert_eq!(sent["submitSection11Assessment"]["status"], "SUBMITTED");
        // The office cannot withdraw an answered question; it accepts.
        let kept = office.gql(withdraw, json!({ "id": challenge, "v": sent["submitSection11Assessment"]["version"] })).await;
        assert_eq!(error_code(&kept).as_deref(), Some("CONFLICT"), "{kept:#}");
        let accepted = office.ok(decide, json!({ "id": a["id"], "ok": true })).await;
        assert_eq!(accepted["decideSection11Assessment"]["status"], "ACCEPTED");
        let read = office
            .ok("query($id: ID!) { section11Assessment(id: $id) { challenges { question response } } }", json!({ "id": a["id"] }))
            .await;
        assert_eq!(
            read["section11Assessment"]["challenges"],
            json!([{ "question": "How do you know new starters are trained?", "response": "Induction records are audited monthly." }])
        );

        // The report lists the question and the response.
        use base64::Engine;
        let file = office
            .ok("query { section11Report(year: 2027) { contentBase64 } }", json!({}))
            .await;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(file["section11Report"]["contentBase64"].as_str().expect("content"))
            .expect("base64");
        let text = docx_text(&bytes);
        let lines: Vec<&str> = text.lines().collect();
        let at = lines.iter().position(|l| *l == "How do you know new starters are trained?").expect("the question");
        assert_eq!(lines[at - 1], "1. Training", "{text}");
        assert_eq!(lines[at + 1], "Induction records are audited monthly.", "{text}");
    })
    .await;
}

db_tests!(challenge_questions_go_back_with_the_assessment_and_return_answered);

/// The demo partnership's Section 11: last year accepted with the office's challenge
/// answered, this year carried forward; the report of last year lists the challenge.
async fn the_demo_has_last_years_challenge_in_its_report(backend: Backend) {
    run(backend, |app| async move {
        let office = app.demo_office().await;
        let last = chrono::Datelike::year(&chrono::Utc::now().date_naive()) - 1;
        let year = office
            .ok("query($y: Int!) { section11(year: $y) { assessments { status agency { prefix } challenges { question response } } } }", json!({ "y": last }))
            .await;
        let police = year["section11"]["assessments"]
            .as_array()
            .expect("list")
            .iter()
            .find(|a| a["agency"]["prefix"] == "POL")
            .expect("the police's")
            .clone();
        assert_eq!(police["status"], "ACCEPTED");
        assert!(police["challenges"][0]["response"].as_str().is_some_and(|r| r.contains("education by the spring")), "{police:#}");
        use base64::Engine;
        let file = office
            .ok("query($y: Int!) { section11Report(year: $y) { contentBase64 } }", json!({ "y": last }))
            .await;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(file["section11Report"]["contentBase64"].as_str().expect("content"))
            .expect("base64");
        let text = docx_text(&bytes);
        assert!(text.contains("Which partners have agreed the protocol so far"), "{text}");
        assert!(text.contains("2 agencies were asked to assess themselves against 8 standards."), "{text}");

        // Last year's actions of the police are in the action plan, and this year's
        // assessment shows them on the standards of the same titles.
        let this_year = office
            .ok("query($y: Int!) { section11(year: $y) { standards { id title } assessments { id agency { prefix } } } }", json!({ "y": last + 1 }))
            .await;
        let mine = this_year["section11"]["assessments"].as_array().expect("list").iter().find(|a| a["agency"]["prefix"] == "POL").expect("POL").clone();
        let planned = office
            .ok("query($id: ID!) { section11Assessment(id: $id) { actions { standardId plannedIn action { reference status } } } }", json!({ "id": mine["id"] }))
            .await;
        let actions = planned["section11Assessment"]["actions"].as_array().expect("list").clone();
        assert_eq!(actions.len(), 2, "{planned:#}");
        let sharing = &this_year["section11"]["standards"][7];
        assert_eq!(sharing["title"], "Information sharing");
        let on_sharing = actions.iter().find(|a| a["standardId"] == sharing["id"]).expect("carried to this year's standard");
        assert_eq!(on_sharing["plannedIn"], last);
        assert_eq!(on_sharing["action"]["reference"], format!("S11-{last}/A2"));
        assert_eq!(on_sharing["action"]["status"], "COMPLETED");
        let plan = office.ok("query($f: ActionFilter) { actions(filter: $f) { totalCount } }", json!({ "f": { "status": "IN_PROGRESS" } })).await;
        assert!(plan["actions"]["totalCount"].as_i64().is_some_and(|n| n >= 1), "{plan:#}");
    })
    .await;
}

db_tests!(the_demo_has_last_years_challenge_in_its_report);

/// An answer carries links to its evidence: web addresses only (never `javascript:`),
/// refused by position with nothing saved; carried forward with the answer; in the export.
async fn links_to_evidence_are_checked_carried_forward_and_exported(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let pol = app.agency("Northshire Police", "POL").await;
        let (lead, _) = app.signed_in("pol.lead@test.example", &[Role::AgencyLead], Some(&pol)).await;
        set_standards(&office, 2025, &["Training"]).await;
        let opened = open(&office, 2025, &[&pol], 20).await;
        let mine = opened["data"]["openSection11Year"]["assessments"][0].clone();
        let save = "mutation($a: ID!, $s: ID!, $v: Int!, $i: Section11AnswerInput!) { saveSection11Answer(assessmentId: $a, standardId: $s, version: $v, answer: $i) { id version answers { links { url label } } } }";
        let with = |links: Value, version: &Value| json!({
            "a": mine["id"], "s": mine["standards"][0]["id"], "v": version,
            "i": { "rating": "GREEN", "evidence": "Training records", "links": links },
        });
        let bad = lead
            .gql(save, with(json!([{ "url": "https://lms.example/report", "label": "Completion report" }, { "url": "javascript:alert(1)", "label": "Click" }]), &mine["version"]))
            .await;
        assert_eq!(problem_fields(&bad), ["links.1.url"], "{bad:#}");
        let too_many: Vec<Value> = (0..11).map(|i| json!({ "url": format!("https://lms.example/{i}") })).collect();
        let over = lead.gql(save, with(json!(too_many), &mine["version"])).await;
        assert_eq!(problem_fields(&over), ["links"], "{over:#}");
        let saved = lead
            .ok(save, with(json!([{ "url": " https://lms.example/report ", "label": " Completion report " }, { "url": "https://policies.example/training.pdf" }]), &mine["version"]))
            .await["saveSection11Answer"]
            .clone();
        assert_eq!(saved["version"], mine["version"].as_i64().expect("version") + 1, "the refused saves wrote nothing");
        assert_eq!(
            saved["answers"][0]["links"],
            json!([{ "url": "https://lms.example/report", "label": "Completion report" }, { "url": "https://policies.example/training.pdf", "label": "" }])
        );

        // The workbook has them, one per line.
        use base64::Engine;
        use calamine::Reader;
        let file = office
            .ok("query($y: Int!) { section11Export(year: $y) { contentBase64 } }", json!({ "y": 2025 }))
            .await;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(file["section11Export"]["contentBase64"].as_str().expect("content"))
            .expect("base64");
        let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("xlsx");
        let sheet = book.worksheet_range("Section 11 2025").expect("sheet");
        let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(ToString::to_string).collect()).collect();
        assert_eq!(rows[0][7], "Links to evidence");
        assert_eq!(rows[1][7], "https://lms.example/report Completion report\nhttps://policies.example/training.pdf");

        // Next year starts from them.
        set_standards(&office, 2026, &["Training"]).await;
        let next = open(&office, 2026, &[&pol], 30).await;
        let next = next["data"]["openSection11Year"]["assessments"][0].clone();
        let read = lead
            .ok("query($id: ID!) { section11Assessment(id: $id) { answers { carriedForward links { url } } } }", json!({ "id": next["id"] }))
            .await;
        let answer = &read["section11Assessment"]["answers"][0];
        assert_eq!(answer["carriedForward"], true);
        assert_eq!(answer["links"][0]["url"], "https://lms.example/report", "{read:#}");
    })
    .await;
}

db_tests!(links_to_evidence_are_checked_carried_forward_and_exported);

const PLAN: &str = "mutation($a: ID!, $s: ID!, $i: Section11ActionInput!) { planSection11Action(assessmentId: $a, standardId: $s, input: $i) { id reference reviewReference learningPointId learningPointTitle recommendationText ownerAgency { prefix } status } }";
const PLANNED: &str = "query($id: ID!) { section11Assessment(id: $id) { actions { standardId action { id reference title } } } }";

fn in_days(days: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string()
}

async fn plan(client: &Client, a: &Value, i: usize, title: &str, days: i64) -> Value {
    client
        .gql(
            PLAN,
            json!({ "a": a["id"], "s": a["standards"][i]["id"], "i": { "title": title, "targetDate": in_days(days) } }),
        )
        .await
}

fn references(planned: &Value) -> Vec<String> {
    planned["section11Assessment"]["actions"]
        .as_array()
        .expect("list")
        .iter()
        .map(|p| {
            p["action"]["reference"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

/// An agency's lead plans actions against its standards while it writes the assessment.
/// They join the action plan as the year's Section 11 actions (`S11-<year>/A<n>`), owned by
/// the agency, one learning point per agency and standard saying where they come from; they
/// are read as every action is (the office and the chair: all; an agency's lead and its API
/// token: its own); the plan that holds them is not listed among the reviews; nothing is
/// planned once the assessment is submitted; a failed write leaves nothing behind.
async fn planned_actions_join_the_action_plan(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let pol = app.agency("Northshire Police", "POL").await;
        let csc = app.agency("Children's Social Care", "CSC").await;
        let (pol_lead, _) = app.signed_in("pol.lead@test.example", &[Role::AgencyLead], Some(&pol)).await;
        let (pol_rep, _) = app.signed_in("pol.rep@test.example", &[Role::AgencyRepresentative], Some(&pol)).await;
        let (csc_lead, _) = app.signed_in("csc.lead@test.example", &[Role::AgencyLead], Some(&csc)).await;
        let (chair, _) = app.signed_in("chair@test.example", &[Role::IndependentChair], None).await;
        set_standards(&office, 2026, &["Training", "Safer recruitment"]).await;
        let opened = open(&office, 2026, &[&pol, &csc], 20).await;
        let list = opened["data"]["openSection11Year"]["assessments"].clone();
        let find = |prefix: &str| list.as_array().expect("list").iter().find(|a| a["agency"]["prefix"] == prefix).expect("assessment").clone();
        let (mine, theirs) = (find("POL"), find("CSC"));
        answer(&pol_lead, &mine, 1, Some("AMBER"), "Checks are done", "DBS rechecks every three years").await;

        // Who may: the agency's own lead (not its representative, not another agency).
        let by_other = plan(&csc_lead, &mine, 0, "Train", 60).await;
        assert_eq!(error_code(&by_other).as_deref(), Some("NOT_FOUND"), "{by_other:#}");
        let by_rep = plan(&pol_rep, &mine, 0, "Train", 60).await;
        assert_eq!(error_code(&by_rep).as_deref(), Some("FORBIDDEN"), "{by_rep:#}");
        let bad = plan(&pol_lead, &mine, 0, "  ", 60).await;
        assert_eq!(problem_fields(&bad), ["title"], "{bad:#}");
        let other_year = pol_lead
            .gql(PLAN, json!({ "a": mine["id"], "s": "no-such-standard", "i": { "title": "Train", "targetDate": in_days(60) } }))
            .await;
        assert_eq!(error_code(&other_year).as_deref(), Some("NOT_FOUND"));

        // A failed write leaves nothing: no plan, no learning point, no action.
        app.refuse_inserts("s11_action", "1 = 1").await;
        let failed = plan(&pol_lead, &mine, 1, "Recheck every officer's DBS", 90).await;
        assert!(failed.get("errors").is_some(), "{failed:#}");
        app.allow_inserts("s11_action").await;
        let plans = office.ok("{ actions { totalCount } }", json!({})).await;
        assert_eq!(plans["actions"]["totalCount"], 0, "{plans:#}");
        use sea_orm::{EntityTrait, PaginatorTrait};
        let points = server::entities::learning_point::Entity::find().count(app.db()).await.expect("count");
        let reviews = server::entities::review::Entity::find().count(app.db()).await.expect("count");
        assert_eq!((points, reviews), (0, 0), "nothing half-written");

        // Planned: numbered within the year's plan, owned by the agency, with the standard
        // and what would make it green as their learning point.
        let first = plan(&pol_lead, &mine, 1, "Recheck every officer's DBS", 90).await["data"]["planSection11Action"].clone();
        assert_eq!(first["reference"], "S11-2026/A1", "{first:#}");
        assert_eq!(first["reviewReference"], "S11-2026");
        assert_eq!(first["ownerAgency"]["prefix"], "POL");
        assert_eq!(first["status"], "NOT_STARTED");
        assert_eq!(first["learningPointTitle"], "Section 11 2026, standard 2: Safer recruitment (Northshire Police)");
        let second = plan(&pol_lead, &mine, 1, "Audit the recruitment files", 120).await["data"]["planSection11Action"].clone();
        assert_eq!(second["reference"], "S11-2026/A2");
        assert_eq!(second["learningPointId"], first["learningPointId"], "one learning point per agency and standard");
        let csc_first = plan(&csc_lead, &theirs, 1, "Refresh the recruitment policy", 60).await["data"]["planSection11Action"].clone();
        assert_eq!(csc_first["reference"], "S11-2026/A3");
        assert_ne!(csc_first["learningPointId"], first["learningPointId"]);
        let by_office = plan(&office, &mine, 0, "Safeguarding training for custody staff", 45).await["data"]["planSection11Action"].clone();
        assert_eq!(by_office["reference"], "S11-2026/A4");
        assert_eq!(by_office["ownerAgency"]["prefix"], "POL", "the assessment's agency owns it");

        // Read on the assessment, by the action plan's rules.
        assert_eq!(references(&pol_lead.ok(PLANNED, json!({ "id": mine["id"] })).await), ["S11-2026/A1", "S11-2026/A2", "S11-2026/A4"]);
        assert_eq!(references(&chair.ok(PLANNED, json!({ "id": mine["id"] })).await).len(), 3);
        assert!(references(&pol_rep.ok(PLANNED, json!({ "id": mine["id"] })).await).is_empty(), "a representative reads no plan they are not on");
        let planned = office.ok(PLANNED, json!({ "id": mine["id"] })).await;
        let on_second: Vec<&Value> = planned["section11Assessment"]["actions"].as_array().expect("list").iter().filter(|p| p["standardId"] == mine["standards"][1]["id"]).collect();
        assert_eq!(on_second.len(), 2);

        // In the action plan, and for the agency's integrations.
        let all = office.ok("{ actions { totalCount nodes { reference } } }", json!({})).await;
        assert_eq!(all["actions"]["totalCount"], 4, "{all:#}");
        let csc_sees = csc_lead.ok("{ myAgencyActions { reference } }", json!({})).await;
        assert_eq!(csc_sees["myAgencyActions"].as_array().map(Vec::len), Some(1));
        let made = office
            .ok(
                "mutation($a: ID!, $e: NaiveDate!) { createApiToken(agencyId: $a, name: \"Police system\", expiresOn: $e) { secret } }",
                json!({ "a": pol, "e": in_days(30) }),
            )
            .await;
        let token = crate::api_tokens::TokenClient::new(&app, made["createApiToken"]["secret"].as_str().expect("secret"));
        let by_token = token.ok("{ actions { totalCount nodes { reference ownerAgency { prefix } } } }", json!({})).await;
        assert_eq!(by_token["actions"]["totalCount"], 3, "{by_token:#}");
        assert!(by_token.to_string().contains("S11-2026/A1"));
        assert!(!by_token.to_string().contains("CSC"));

        // The plan is not a review in the list, and is not changed as one.
        let reviews = office.ok("{ reviews { reference } }", json!({})).await;
        assert!(!reviews.to_string().contains("S11-2026"), "{reviews:#}");
        let sources = office.ok("{ reviews(withPlans: true) { reference kind } }", json!({})).await;
        assert!(sources["reviews"].as_array().expect("list").iter().any(|r| r["reference"] == "S11-2026" && r["kind"] == "SECTION_11"), "the action plan's sources: {sources:#}");

        // Once submitted, nothing more is planned here.
        let now = pol_lead
            .ok(&format!("query($id: ID!) {{ section11Assessment(id: $id) {{ {ASSESSMENT} }} }}"), json!({ "id": mine["id"] }))
            .await["section11Assessment"]
            .clone();
        assert_eq!(now["version"], 2, "planning moves no version: only the answer did");
        let a = answer(&pol_lead, &now, 0, Some("GREEN"), "Everyone trained", "").await["data"]["saveSection11Answer"].clone();
        let a = answer(&pol_lead, &a, 1, Some("AMBER"), "Checks are done", "DBS rechecks every three years").await["data"]["saveSection11Answer"].clone();
        let submitted = pol_lead
            .gql("mutation($id: ID!, $v: Int!) { submitSection11Assessment(id: $id, version: $v) { status } }", json!({ "id": a["id"], "v": a["version"] }))
            .await;
        assert_eq!(submitted["data"]["submitSection11Assessment"]["status"], "SUBMITTED", "{submitted:#}");
        let late = plan(&pol_lead, &mine, 0, "One more", 60).await;
        assert_eq!(error_code(&late).as_deref(), Some("CONFLICT"), "{late:#}");
    })
    .await;
}

db_tests!(planned_actions_join_the_action_plan);
