//! Agencies' QA work: single-agency audits kept by an agency's lead; the annual QA impact
//! report asked by the office (the default template when none is set), written and
//! submitted by the lead with the agency's audits of the year beside it, returned with
//! comments or accepted; what needs you and the board's glance follow it; nobody reads
//! another agency's; a failed write leaves nothing.

use crate::db_tests;
use crate::helpers::{error_code, problem_fields, run, Backend, Client};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};
use server::entities::{qa_report, qa_report_answer, qa_report_section, single_agency_audit};
use shared::auth::Role;

const AUDIT: &str = "id agencyId topic standard sampleSize auditedOn findings whatChanged version";
const REPORT: &str = "id year status statusLabel version officeComment agency { prefix } sections { id title guidance } answers { sectionId text } audits { topic auditedOn }";

fn audit_input(topic: &str, on: &str, sample: i32) -> Value {
    json!({
        "topic": topic,
        "standard": "Working Together 2023",
        "sampleSize": sample,
        "auditedOn": on,
        "findings": "18 of 20 met the standard.",
        "whatChanged": "",
    })
}

async fn record(client: &Client, agency: &str, input: Value) -> Value {
    client
        .gql(
            &format!("mutation($a: ID!, $i: SingleAgencyAuditInput!) {{ recordSingleAgencyAudit(agencyId: $a, input: $i) {{ {AUDIT} }} }}"),
            json!({ "a": agency, "i": input }),
        )
        .await
}

async fn ask(office: &Client, year: i32, agencies: &[&str], days: i64) -> Value {
    let due = (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string();
    office
        .gql(
            &format!("mutation($y: Int!, $a: [ID!]!, $d: NaiveDate!) {{ askForQaReports(year: $y, agencyIds: $a, dueOn: $d) {{ year sections {{ id title }} reports {{ {REPORT} }} }} }}"),
            json!({ "y": year, "a": agencies, "d": due }),
        )
        .await
}

async fn write(client: &Client, report: &Value, i: usize, text: &str) -> Value {
    client
        .gql(
            &format!("mutation($r: ID!, $s: ID!, $v: Int!, $t: String!) {{ saveQaReportAnswer(reportId: $r, sectionId: $s, version: $v, text: $t) {{ {REPORT} }} }}"),
            json!({ "r": report["id"], "s": report["sections"][i]["id"], "v": report["version"], "t": text }),
        )
        .await
}

async fn work_kinds(client: &Client) -> Vec<String> {
    client.ok("{ whatNeedsMe { kind } }", json!({})).await["whatNeedsMe"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|w| w["kind"].as_str().map(str::to_owned))
        .filter(|k| k.starts_with("QA_REPORT"))
        .collect()
}

async fn an_agency_lead_keeps_its_own_audits(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let pol = app.agency("Northshire Police", "POL").await;
        let csc = app.agency("Children's Social Care", "CSC").await;
        let (lead, _) = app.signed_in("pol.lead@test.example", &[Role::AgencyLead], Some(&pol)).await;
        let (rep, _) = app.signed_in("pol.rep@test.example", &[Role::AgencyRepresentative], Some(&pol)).await;
        let (csc_lead, _) = app.signed_in("csc.lead@test.example", &[Role::AgencyLead], Some(&csc)).await;
        let (chair, _) = app.signed_in("chair@test.example", &[Role::IndependentChair], None).await;

        let body = record(&lead, &pol, audit_input("Strategy discussions", "2026-03-01", 20)).await;
        let audit = body["data"]["recordSingleAgencyAudit"].clone();
        assert_eq!(audit["topic"], "Strategy discussions", "{body:#}");
        assert_eq!(audit["version"], 1);

        // Refused whole, field by field, before anything is written.
        let tomorrow = (chrono::Utc::now().date_naive() + chrono::Duration::days(1)).to_string();
        let mut bad = audit_input(" ", &tomorrow, 0);
        bad["findings"] = json!("");
        let body = record(&lead, &pol, bad).await;
        assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body:#}");
        assert_eq!(problem_fields(&body), ["topic", "sampleSize", "auditedOn", "findings"]);

        // Only the agency's lead and the office keep them; another agency's is refused.
        let body = record(&rep, &pol, audit_input("Rep", "2026-03-01", 5)).await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body:#}");
        let body = record(&csc_lead, &pol, audit_input("Other", "2026-03-01", 5)).await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body:#}");
        let body = record(&office, &csc, audit_input("Plans", "2025-11-01", 12)).await;
        assert_eq!(body["data"]["recordSingleAgencyAudit"]["topic"], "Plans", "{body:#}");

        let list = format!("query($a: ID!) {{ singleAgencyAudits(agencyId: $a) {{ {AUDIT} }} }}");
        let seen = rep.ok(&list, json!({ "a": pol })).await;
        assert_eq!(seen["singleAgencyAudits"].as_array().map(Vec::len), Some(1));
        let seen = chair.ok(&list, json!({ "a": csc })).await;
        assert_eq!(seen["singleAgencyAudits"][0]["topic"], "Plans");
        let body = rep.gql(&list, json!({ "a": csc })).await;
        assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"), "another agency's audits");

        // Changes are version-checked; a delete takes the audit away.
        let update = format!("mutation($id: ID!, $v: Int!, $i: SingleAgencyAuditInput!) {{ updateSingleAgencyAudit(id: $id, version: $v, input: $i) {{ {AUDIT} }} }}");
        let mut changed = audit_input("Strategy discussions", "2026-03-01", 20);
        changed["whatChanged"] = json!("Health now invited to every discussion.");
        let saved = lead.ok(&update, json!({ "id": audit["id"], "v": 1, "i": changed })).await;
        assert_eq!(saved["updateSingleAgencyAudit"]["version"], 2);
        assert_eq!(saved["updateSingleAgencyAudit"]["whatChanged"], "Health now invited to every discussion.");
        let body = lead.gql(&update, json!({ "id": audit["id"], "v": 1, "i": audit_input("Stale", "2026-03-01", 20) })).await;
        assert_eq!(error_code(&body).as_deref(), Some("CONFLICT"), "{body:#}");
        let body = csc_lead.gql(&update, json!({ "id": audit["id"], "v": 2, "i": audit_input("Theirs", "2026-03-01", 20) })).await;
        assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"), "another agency's audit is not there");
        let delete = "mutation($id: ID!, $v: Int!) { deleteSingleAgencyAudit(id: $id, version: $v) }";
        let body = lead.gql(delete, json!({ "id": audit["id"], "v": 1 })).await;
        assert_eq!(error_code(&body).as_deref(), Some("CONFLICT"), "{body:#}");
        lead.ok(delete, json!({ "id": audit["id"], "v": 2 })).await;
        let body = lead.gql(delete, json!({ "id": audit["id"], "v": 2 })).await;
        assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"), "{body:#}");
        let seen = lead.ok(&list, json!({ "a": pol })).await;
        assert_eq!(seen["singleAgencyAudits"], json!([]));
    })
    .await;
}

async fn a_report_runs_from_asking_to_acceptance(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let pol = app.agency("Northshire Police", "POL").await;
        let csc = app.agency("Children's Social Care", "CSC").await;
        let (lead, _) = app.signed_in("pol.lead@test.example", &[Role::AgencyLead], Some(&pol)).await;
        let (rep, _) = app.signed_in("pol.rep@test.example", &[Role::AgencyRepresentative], Some(&pol)).await;
        let (csc_lead, _) = app.signed_in("csc.lead@test.example", &[Role::AgencyLead], Some(&csc)).await;
        let (chair, _) = app.signed_in("chair@test.example", &[Role::IndependentChair], None).await;
        let year = chrono::Datelike::year(&chrono::Utc::now().date_naive());
        let this_year_on = format!("{year}-01-01");
        record(&lead, &pol, audit_input("This year's", &this_year_on, 10)).await;
        record(&lead, &pol, audit_input("Last year's", &format!("{}-06-01", year - 1), 10)).await;

        // The office sets its own sections, or asks with the default template.
        let set = "mutation($y: Int!, $s: [QaReportSectionInput!]!) { setQaReportSections(year: $y, sections: $s) { sections { title } } }";
        let body = office.gql(set, json!({ "y": year, "s": [{ "title": "Work done" }, { "title": " work DONE " }] })).await;
        assert_eq!(problem_fields(&body), ["sections.1.title"], "{body:#}");
        let body = ask(&office, year, &[&pol, &csc], -1).await;
        assert_eq!(problem_fields(&body), ["dueOn"], "{body:#}");
        let body = ask(&office, year, &[&pol, "nope"], 30).await;
        assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body:#}");
        assert_eq!(count::<qa_report_section::Entity>(&app).await, 0, "nothing kept of a refused request");
        let asked = ask(&office, year, &[&pol, &csc], 30).await;
        let sections = asked["data"]["askForQaReports"]["sections"].as_array().expect("sections").clone();
        assert_eq!(sections.len(), 5, "{asked:#}");
        assert_eq!(sections[2]["title"], "What changed for children as a result");
        let body = office.gql(set, json!({ "y": year, "s": [{ "title": "Later" }] })).await;
        assert_eq!(error_code(&body).as_deref(), Some("CONFLICT"), "the sections stay as asked");

        // Each reads its own agency's; the chair reads both.
        let read_year = format!("query($y: Int!) {{ qaReportYear(year: $y) {{ reports {{ {REPORT} }} }} }}");
        let mine = lead.ok(&read_year, json!({ "y": year })).await;
        let reports = mine["qaReportYear"]["reports"].as_array().expect("reports").clone();
        assert_eq!(reports.len(), 1);
        let report = reports[0].clone();
        assert_eq!(report["status"], "DRAFT");
        assert_eq!(report["audits"].as_array().map(Vec::len), Some(1), "the year's audits only");
        assert_eq!(report["audits"][0]["topic"], "This year's");
        let all = chair.ok(&read_year, json!({ "y": year })).await;
        assert_eq!(all["qaReportYear"]["reports"].as_array().map(Vec::len), Some(2));
        let one = format!("query($id: ID!) {{ qaReport(id: $id) {{ {REPORT} }} }}");
        let body = csc_lead.gql(&one, json!({ "id": report["id"] })).await;
        assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"), "another agency's report");
        assert_eq!(work_kinds(&lead).await, ["QA_REPORT_REQUESTED"]);

        // A representative reads but does not write; submitting needs every section.
        let body = write(&rep, &report, 0, "Rep's words").await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body:#}");
        let mut report = write(&lead, &report, 0, "  Two audits.  ").await["data"]["saveQaReportAnswer"].clone();
        assert_eq!(report["answers"][0]["text"], "Two audits.");
        let body = write(&lead, &json!({ "id": report["id"], "sections": report["sections"], "version": 1 }), 1, "Stale").await;
        assert_eq!(error_code(&body).as_deref(), Some("CONFLICT"), "{body:#}");
        let submit = format!("mutation($id: ID!, $v: Int!) {{ submitQaReport(id: $id, version: $v) {{ {REPORT} }} }}");
        let body = lead.gql(&submit, json!({ "id": report["id"], "v": report["version"] })).await;
        assert_eq!(
            problem_fields(&body),
            ["answers.1.text", "answers.2.text", "answers.3.text", "answers.4.text"],
            "{body:#}"
        );
        for i in 1..5 {
            report = write(&lead, &report, i, &format!("Section {i}")).await["data"]["saveQaReportAnswer"].clone();
        }
        let submitted = lead.ok(&submit, json!({ "id": report["id"], "v": report["version"] })).await;
        let report = submitted["submitQaReport"].clone();
        assert_eq!(report["status"], "SUBMITTED");
        let body = write(&lead, &report, 0, "After submitting").await;
        assert_eq!(error_code(&body).as_deref(), Some("CONFLICT"), "{body:#}");
        assert_eq!(work_kinds(&lead).await, Vec::<String>::new());
        assert!(work_kinds(&office).await.contains(&"QA_REPORT_SUBMITTED".to_owned()));

        // The office returns it with comments; the lead changes it and submits again.
        let decide = format!("mutation($id: ID!, $a: Boolean!, $c: String) {{ decideQaReport(id: $id, accept: $a, comment: $c) {{ {REPORT} }} }}");
        let body = office.gql(&decide, json!({ "id": report["id"], "a": false, "c": " " })).await;
        assert_eq!(problem_fields(&body), ["comment"], "{body:#}");
        let body = lead.gql(&decide, json!({ "id": report["id"], "a": true })).await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body:#}");
        let returned = office.ok(&decide, json!({ "id": report["id"], "a": false, "c": "Say what changed for children." })).await;
        let report = returned["decideQaReport"].clone();
        assert_eq!(report["status"], "RETURNED");
        assert_eq!(report["officeComment"], "Say what changed for children.");
        assert_eq!(work_kinds(&lead).await, ["QA_REPORT_RETURNED"]);
        let report = write(&lead, &report, 2, "Referrals are now made at weekends.").await["data"]["saveQaReportAnswer"].clone();
        let again = lead.ok(&submit, json!({ "id": report["id"], "v": report["version"] })).await;
        let accepted = office.ok(&decide, json!({ "id": again["submitQaReport"]["id"], "a": true })).await;
        assert_eq!(accepted["decideQaReport"]["status"], "ACCEPTED");
        let body = office.gql(&decide, json!({ "id": report["id"], "a": true })).await;
        assert_eq!(error_code(&body).as_deref(), Some("CONFLICT"), "decided once");

        // The board's glance counts the year's reports as Section 11's are counted.
        let glance = chair.ok("{ partnershipAtAGlance { qaReports { year asked withAgencies overdue awaitingOffice accepted } } }", json!({})).await;
        assert_eq!(
            glance["partnershipAtAGlance"]["qaReports"],
            json!({ "year": year, "asked": 2, "withAgencies": 1, "overdue": 0, "awaitingOffice": 0, "accepted": 1 })
        );
        // Next year's template, prepared before anyone is asked, does not hide this round.
        office.ok(set, json!({ "y": year + 1, "s": [{ "title": "Work done" }] })).await;
        let glance = chair.ok("{ partnershipAtAGlance { qaReports { year asked } } }", json!({})).await;
        assert_eq!(glance["partnershipAtAGlance"]["qaReports"], json!({ "year": year, "asked": 2 }));
    })
    .await;
}

async fn count<E: EntityTrait>(app: &crate::helpers::TestApp) -> u64
where
    E::Model: Sync,
{
    E::find().count(app.db()).await.expect("count")
}

async fn a_failed_write_leaves_nothing(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let pol = app.agency("Northshire Police", "POL").await;
        // The audit row, written last in the same transaction, is refused.
        app.refuse_inserts(
            "audit_log",
            "NEW.action LIKE 'qa_report.%' OR NEW.action LIKE 'single_agency_audit.%'",
        )
        .await;
        let body = ask(&office, 2026, &[&pol], 30).await;
        assert_eq!(error_code(&body).as_deref(), Some("INTERNAL"), "{body:#}");
        let body = record(&office, &pol, audit_input("Audit", "2026-01-05", 3)).await;
        assert_eq!(error_code(&body).as_deref(), Some("INTERNAL"), "{body:#}");
        assert!(
            !body.to_string().contains("fault"),
            "nothing internal leaks"
        );
        assert_eq!(count::<qa_report_section::Entity>(&app).await, 0);
        assert_eq!(count::<qa_report::Entity>(&app).await, 0);
        assert_eq!(count::<qa_report_answer::Entity>(&app).await, 0);
        assert_eq!(count::<single_agency_audit::Entity>(&app).await, 0);
        // The connection is fine afterwards.
        let data = office.ok("{ qaReportYears }", json!({})).await;
        assert_eq!(data["qaReportYears"], json!([]));
    })
    .await;
}

/// The demo: last year's reports accepted, this year's asked of three agencies with
/// children's social care's waiting for the office, and the agencies' audits.
async fn the_demo_has_a_year_of_qa_reports(backend: Backend) {
    run(backend, |app| async move {
        let office = app.demo_office().await;
        let year = chrono::Datelike::year(&chrono::Utc::now().date_naive());
        let data = office
            .ok(&format!("query($y: Int!) {{ qaReportYears qaReportYear(year: $y) {{ reports {{ {REPORT} }} }} }}"), json!({ "y": year }))
            .await;
        assert_eq!(data["qaReportYears"], json!([year, year - 1]));
        let reports = data["qaReportYear"]["reports"].as_array().expect("reports");
        let status: Vec<(String, String)> = reports
            .iter()
            .map(|r| (r["agency"]["prefix"].as_str().unwrap_or_default().to_owned(), r["status"].as_str().unwrap_or_default().to_owned()))
            .collect();
        assert_eq!(status.len(), 3, "{status:?}");
        assert!(status.contains(&("CSC".into(), "SUBMITTED".into())), "{status:?}");
        assert!(status.contains(&("POL".into(), "DRAFT".into())), "{status:?}");
        let csc = reports.iter().find(|r| r["agency"]["prefix"] == "CSC").expect("csc");
        assert_eq!(csc["answers"].as_array().map(Vec::len), Some(5));
        assert!(!csc["audits"].as_array().expect("audits").is_empty(), "{csc:#}");
        assert!(work_kinds(&office).await.contains(&"QA_REPORT_SUBMITTED".to_owned()));
    })
    .await;
}

db_tests!(
    an_agency_lead_keeps_its_own_audits,
    a_report_runs_from_asking_to_acceptance,
    a_failed_write_leaves_nothing,
    the_demo_has_a_year_of_qa_reports,
);
