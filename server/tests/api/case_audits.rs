//! Multi-agency case audits: the office sets a year's programme and keeps the audit pool;
//! an audit (a review of an audit kind) is given its theme and auditors from the pool
//! (who become members) and a pseudonymised sample; each agency grades only the cases it
//! was involved in, only while its return is open, and reads only its own grades; the
//! heatmap counts submitted returns; a re-audit compares question by question with the
//! theme's earlier audit and shows that audit's actions; a failed write leaves nothing.

use crate::db_tests;
use crate::helpers::{
    docx_text, error_code, problem_fields, read_with_python, run, Backend, Client, TestApp,
};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};
use server::entities::{case_audit, case_audit_auditor, review_member};
use shared::auth::Role;

const THEME: &str =
    "id year name question plannedFor version revisits { id name } audits { reviewId reference }";
const AUDIT: &str = "reviewId version canSetUp gradingAgencyId theme { id name } auditors { userId name auditsDone } cases { id label agencyIds version } grades { caseId agencyId questionId grade evidence }";
const GRADE: &str = "mutation($c: ID!, $q: ID!, $g: String, $e: String!) { saveAuditGrade(caseId: $c, questionId: $q, grade: $g, evidence: $e) { grade evidence } }";
const HEATMAP: &str = "query($r: ID!) { caseAudit(reviewId: $r) { heatmap { submittedAgencyIds cells { questionId agencyId cell { mean tone cases counts { grade count } } } } } }";

pub(crate) async fn theme(office: &Client, year: i32, name: &str, revisits: Option<&str>) -> Value {
    office
        .gql(
            &format!(
                "mutation($i: AuditThemeInput!) {{ recordAuditTheme(input: $i) {{ {THEME} }} }}"
            ),
            json!({ "i": {
                "year": year,
                "name": name,
                "termsOfReference": "Cases open to two or more agencies in the year.",
                "question": "How well do agencies recognise and respond to neglect?",
                "plannedFor": format!("{year}-06-01"),
                "revisitsId": revisits,
            } }),
        )
        .await
}

/// A review of `kind` with the agencies and members given.
pub(crate) async fn audit_review(
    office: &Client,
    reference: &str,
    kind: &str,
    agencies: &[&str],
    members: &[(&str, &str)],
) -> String {
    let input = json!({
        "reference": reference,
        "kind": kind,
        "subject": "Neglect of pre-school children",
        "themes": ["Neglect"],
        "methodology": "OTHER",
        "methodologyDetail": "Case file audit with practitioners",
        "incidentMonth": 1,
        "incidentYear": 2026,
        "regimeId": "local",
        "awareOn": null,
        "notifiedOn": "2026-01-15",
        "agencyIds": agencies,
        "members": members.iter().map(|(id, role)| json!({ "userId": id, "role": role })).collect::<Vec<_>>(),
    });
    office
        .ok(
            "mutation($input: ReviewInput!) { createReview(input: $input) { id } }",
            json!({ "input": input }),
        )
        .await["createReview"]["id"]
        .as_str()
        .expect("review id")
        .to_owned()
}

pub(crate) async fn set_audit(
    office: &Client,
    review: &str,
    version: i32,
    theme: &Value,
    auditors: &[&str],
) -> Value {
    office
        .gql(
            &format!("mutation($r: ID!, $v: Int!, $t: ID!, $a: [ID!]!) {{ setCaseAudit(reviewId: $r, version: $v, themeId: $t, auditorIds: $a) {{ {AUDIT} }} }}"),
            json!({ "r": review, "v": version, "t": theme["id"], "a": auditors }),
        )
        .await
}

pub(crate) async fn record_case(
    office: &Client,
    review: &str,
    label: &str,
    agencies: &[&str],
) -> Value {
    office
        .gql(
            "mutation($r: ID!, $i: AuditCaseInput!) { recordAuditCase(reviewId: $r, input: $i) { id label agencyIds version } }",
            json!({ "r": review, "i": { "label": label, "whyChosen": "Open to early help before a child protection plan.", "agencyIds": agencies } }),
        )
        .await
}

async fn grade(
    client: &Client,
    case: &Value,
    question: &str,
    grade: Option<&str>,
    evidence: &str,
) -> Value {
    client
        .gql(
            GRADE,
            json!({ "c": case["id"], "q": question, "g": grade, "e": evidence }),
        )
        .await
}

async fn audit_of(client: &Client, review: &str) -> Value {
    client
        .gql(
            &format!("query($r: ID!) {{ caseAudit(reviewId: $r) {{ {AUDIT} }} }}"),
            json!({ "r": review }),
        )
        .await
}

/// The caller's return for the review, with one entry about `case` so it can be submitted,
/// submitted.
async fn submit_return(client: &Client, review: &str, case: &Value) -> String {
    let ret = client.my_return_id(review).await;
    client
        .ok(
            "mutation($r: ID!, $i: EntryInput!) { addChronologyEntry(returnId: $r, input: $i) { id } }",
            json!({ "r": ret, "i": { "startDate": "03/05/2025", "source": "Case file", "event": "Home visit; child seen alone", "sharedWith": [], "caseId": case["id"] } }),
        )
        .await;
    client
        .ok(
            "mutation($r: ID!) { submitChronologyReturn(returnId: $r) { id } }",
            json!({ "r": ret }),
        )
        .await;
    ret
}

pub(crate) struct World {
    pub(crate) office: Client,
    pub(crate) pol: String,
    pub(crate) csc: String,
    pub(crate) pol_rep: Client,
    pub(crate) pol_rep_id: String,
    pub(crate) csc_rep: Client,
    pub(crate) csc_rep_id: String,
}

pub(crate) async fn world(app: &TestApp) -> World {
    let office = app.office().await;
    let pol = app.agency("Northshire Police", "POL").await;
    let csc = app.agency("Children's Social Care", "CSC").await;
    let (pol_rep, pol_rep_id) = app
        .signed_in(
            "pol.rep@test.example",
            &[Role::AgencyRepresentative],
            Some(&pol),
        )
        .await;
    let (csc_rep, csc_rep_id) = app
        .signed_in(
            "csc.rep@test.example",
            &[Role::AgencyRepresentative],
            Some(&csc),
        )
        .await;
    World {
        office,
        pol,
        csc,
        pol_rep,
        pol_rep_id,
        csc_rep,
        csc_rep_id,
    }
}

async fn an_audit_runs_from_programme_to_heatmap(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let (practitioner, _) = app.signed_in("p@test.example", &[Role::Practitioner], Some(&w.pol)).await;
        let (chair, _) = app.signed_in("chair@test.example", &[Role::IndependentChair], None).await;
        let no_agency = app.person("nobody@test.example", &[Role::IndependentChair], None).await;

        // The programme: checked field by field; a re-audit revisits an earlier year.
        let body = w.office.gql(
            "mutation($i: AuditThemeInput!) { recordAuditTheme(input: $i) { id } }",
            json!({ "i": { "year": 1999, "name": " ", "question": "", "plannedFor": "2030-01-01" } }),
        ).await;
        assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body:#}");
        assert_eq!(problem_fields(&body), ["year", "name", "question", "plannedFor"]);
        let neglect = theme(&w.office, 2026, "Neglect", None).await["data"]["recordAuditTheme"].clone();
        assert_eq!(neglect["version"], 1, "{neglect:#}");
        let body = theme(&w.office, 2025, "Neglect again?", neglect["id"].as_str()).await;
        assert_eq!(problem_fields(&body), ["revisitsId"], "a re-audit revisits an earlier year: {body:#}");
        let body = theme(&practitioner, 2026, "Self-harm", None).await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"));
        let years = chair.ok("{ auditProgrammeYears }", json!({})).await;
        assert_eq!(years["auditProgrammeYears"], json!([2026]));

        // The pool: people with an agency, added by the office, read by plan readers.
        let add = "mutation($u: ID!) { addToAuditPool(userId: $u) { userId name agency { prefix } auditsDone } }";
        let body = w.office.gql(add, json!({ "u": no_agency })).await;
        assert_eq!(problem_fields(&body), ["userId"], "{body:#}");
        w.office.ok(add, json!({ "u": w.pol_rep_id })).await;
        let pool = w.office.ok(add, json!({ "u": w.csc_rep_id })).await["addToAuditPool"].clone();
        assert_eq!(pool.as_array().map(Vec::len), Some(2), "{pool:#}");
        assert_eq!(pool[0]["agency"]["prefix"], "CSC", "by agency name");
        let body = practitioner.gql("{ auditPool { userId } }", json!({})).await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"));

        // Only an audit kind of review is an audit.
        let scr = audit_review(&w.office, "SCR-1", "SERIOUS_CASE_REVIEW", &[&w.pol], &[]).await;
        let body = set_audit(&w.office, &scr, 0, &neglect, &[]).await;
        assert_eq!(problem_fields(&body), ["reviewId"], "{body:#}");

        // The audit: its theme and auditors from the pool, who become its members.
        let review = audit_review(&w.office, "MACA-2026-1", "MULTI_AGENCY_CASE_AUDIT", &[&w.pol, &w.csc], &[]).await;
        let body = audit_of(&w.pol_rep, &review).await;
        assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"), "not yet an auditor: {body:#}");
        let outsider = app.person("outsider@test.example", &[Role::AgencyRepresentative], Some(&w.pol)).await;
        let body = set_audit(&w.office, &review, 0, &neglect, &[&outsider]).await;
        assert_eq!(problem_fields(&body), ["auditorIds.0"], "not in the pool: {body:#}");
        let body = set_audit(&w.office, &review, 0, &neglect, &[&w.pol_rep_id, &w.csc_rep_id]).await;
        let audit = body["data"]["setCaseAudit"].clone();
        assert_eq!(audit["version"], 1, "{body:#}");
        assert_eq!(audit["theme"]["name"], "Neglect");
        assert_eq!(audit["auditors"][1]["auditsDone"], 1);
        let body = set_audit(&w.office, &review, 0, &neglect, &[]).await;
        assert_eq!(error_code(&body).as_deref(), Some("CONFLICT"), "{body:#}");
        let mine = audit_of(&w.pol_rep, &review).await["data"]["caseAudit"].clone();
        assert_eq!(mine["gradingAgencyId"], w.pol.as_str(), "{mine:#}");
        assert_eq!(mine["canSetUp"], false);
        let body = audit_of(&practitioner, &review).await;
        assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"));
        let programme = chair.ok(&format!("{{ auditProgramme(year: 2026) {{ {THEME} }} }}"), json!({})).await;
        assert_eq!(programme["auditProgramme"][0]["audits"][0]["reference"], "MACA-2026-1");

        // The sample: pseudonymised, of agencies taking part, set up by the office only.
        let body = record_case(&w.office, &review, "Child D, born 14/03/2021", &[&w.pol]).await;
        assert_eq!(problem_fields(&body), ["label"], "a date of birth: {body:#}");
        let health = app.agency("General Hospital", "NGH").await;
        let body = record_case(&w.office, &review, "Case 1: Child D, aged 4", &[&health]).await;
        assert_eq!(problem_fields(&body), ["agencyIds"], "not taking part: {body:#}");
        let body = record_case(&w.pol_rep, &review, "Case 1: Child D, aged 4", &[&w.pol]).await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body:#}");
        let both = record_case(&w.office, &review, "Case 1: Child D, aged 4", &[&w.pol, &w.csc]).await["data"]["recordAuditCase"].clone();
        let police_only = record_case(&w.office, &review, "Case 2: Child E, aged 9", &[&w.pol]).await["data"]["recordAuditCase"].clone();
        assert_eq!(police_only["agencyIds"], json!([w.pol]));

        // Grading: each agency its own cases, on the scale, of the tool's questions.
        let body = grade(&w.pol_rep, &both, "q-harm-1", Some("GOOD"), "Referral made the same day.").await;
        assert_eq!(body["data"]["saveAuditGrade"]["grade"], "GOOD", "{body:#}");
        grade(&w.pol_rep, &police_only, "q-harm-1", Some("INADEQUATE"), "Bruising not recognised.").await;
        grade(&w.pol_rep, &police_only, "q-voice-1", Some("NOT_APPLICABLE"), "").await;
        let body = grade(&w.csc_rep, &police_only, "q-harm-1", Some("GOOD"), "").await;
        assert_eq!(problem_fields(&body), ["caseId"], "CSC is not on case 2: {body:#}");
        let body = grade(&w.csc_rep, &both, "q-harm-1", Some("EXCELLENT"), "").await;
        assert_eq!(problem_fields(&body), ["grade"], "{body:#}");
        let body = grade(&w.csc_rep, &both, "q-nothing", Some("GOOD"), "").await;
        assert_eq!(problem_fields(&body), ["questionId"], "{body:#}");
        let body = grade(&w.office, &both, "q-harm-1", Some("GOOD"), "").await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "the office grades no agency's return");
        grade(&w.csc_rep, &both, "q-harm-1", Some("REQUIRES_IMPROVEMENT"), "Strategy discussion late.").await;

        // Each agency reads its own grades; the office reads every agency's.
        let pol_view = audit_of(&w.pol_rep, &review).await["data"]["caseAudit"]["grades"].clone();
        assert_eq!(pol_view.as_array().map(Vec::len), Some(3), "{pol_view:#}");
        assert!(pol_view.as_array().into_iter().flatten().all(|g| g["agencyId"] == w.pol.as_str()));
        let all = audit_of(&w.office, &review).await["data"]["caseAudit"]["grades"].clone();
        assert_eq!(all.as_array().map(Vec::len), Some(4));
        let body = w.pol_rep.gql(HEATMAP, json!({ "r": review })).await;
        assert_eq!(body["data"]["caseAudit"]["heatmap"], Value::Null, "agencies see no heatmap: {body:#}");

        // The heatmap counts submitted returns only.
        let heat = w.office.ok(HEATMAP, json!({ "r": review })).await["caseAudit"]["heatmap"].clone();
        assert_eq!(heat["cells"], json!([]), "nothing submitted yet: {heat:#}");
        let pol_return = submit_return(&w.pol_rep, &review, &both).await;
        let heat = w.office.ok(HEATMAP, json!({ "r": review })).await["caseAudit"]["heatmap"].clone();
        assert_eq!(heat["submittedAgencyIds"], json!([w.pol]));
        let harm = heat["cells"].as_array().into_iter().flatten()
            .find(|c| c["questionId"] == "q-harm-1").expect("q-harm-1").clone();
        assert_eq!(harm["cell"]["mean"], 1.0, "good and inadequate: {harm:#}");
        assert_eq!(harm["cell"]["tone"], "MIXED");
        assert_eq!(harm["cell"]["cases"], 2);
        let voice = heat["cells"].as_array().into_iter().flatten()
            .find(|c| c["questionId"] == "q-voice-1").expect("q-voice-1").clone();
        assert_eq!((voice["cell"]["mean"].clone(), voice["cell"]["tone"].clone()), (Value::Null, Value::Null));

        // A submitted return's grades wait until the office reopens it; clearing works.
        let body = grade(&w.pol_rep, &both, "q-harm-1", Some("INADEQUATE"), "").await;
        assert_eq!(problem_fields(&body), ["caseId"], "submitted: {body:#}");
        w.office.ok("mutation($r: ID!) { reopenChronologyReturn(returnId: $r) { id } }", json!({ "r": pol_return })).await;
        let body = grade(&w.pol_rep, &police_only, "q-voice-1", None, "").await;
        assert_eq!(body["data"]["saveAuditGrade"], Value::Null, "{body:#}");

        // Every grade as a workbook, read back; a formula typed as evidence stays text.
        grade(&w.pol_rep, &both, "q-voice-2", Some("GOOD"), "=HYPERLINK(\"http://evil.example\")").await;
        let export = "query($r: ID!) { caseAuditExport(reviewId: $r) { fileName contentBase64 } }";
        let body = w.pol_rep.gql(export, json!({ "r": review })).await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body:#}");
        let file = w.office.ok(export, json!({ "r": review })).await;
        assert_eq!(file["caseAuditExport"]["fileName"], "audit-grades-MACA-2026-1.xlsx");
        let rows: Vec<Vec<String>> = {
            use base64::Engine;
            use calamine::Reader;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(file["caseAuditExport"]["contentBase64"].as_str().expect("content"))
                .expect("base64");
            let mut book: calamine::Xlsx<_> =
                calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("xlsx");
            let sheet = book.worksheet_range("Grades").expect("sheet");
            sheet.rows().map(|r| r.iter().map(ToString::to_string).collect()).collect()
        };
        assert_eq!(rows[0][0], "Audit");
        assert_eq!(rows.len(), 1 + 4, "case 1: POL 2, CSC 1; case 2: POL 1 (cleared one left out): {rows:?}");
        let csc_row = rows.iter().find(|r| r[3] == "Children's Social Care").expect("CSC row");
        assert_eq!(
            csc_row[2..],
            ["Case 1: Child D, aged 4", "Children's Social Care", "Recognition of likely or actual significant harm", "Was likely or actual significant harm recognised when the information showed it?", "Requires improvement", "Strategy discussion late.", "Not submitted"].map(String::from)
        );
        let formula = rows.iter().find(|r| r[5].starts_with("Are the child's wishes")).expect("voice row");
        assert!(!formula[7].starts_with('='), "neutralised: {formula:?}");
        assert_eq!(rows.iter().filter(|r| r[8] == "Not submitted").count(), 4, "the police's return reopened, the CSC's a draft");

        // Taking an agency off a case takes its grades of the case away.
        let body = w.office.gql(
            "mutation($id: ID!, $v: Int!, $i: AuditCaseInput!) { updateAuditCase(id: $id, version: $v, input: $i) { version agencyIds } }",
            json!({ "id": both["id"], "v": 1, "i": { "label": "Case 1: Child D, aged 4", "whyChosen": "Open to early help.", "agencyIds": [w.pol] } }),
        ).await;
        assert_eq!(body["data"]["updateAuditCase"]["version"], 2, "{body:#}");
        let all = audit_of(&w.office, &review).await["data"]["caseAudit"]["grades"].clone();
        assert!(all.as_array().into_iter().flatten().all(|g| g["agencyId"] == w.pol.as_str()), "{all:#}");

        // A theme with audits cannot be deleted; an unused one can.
        let delete = "mutation($id: ID!, $v: Int!) { deleteAuditTheme(id: $id, version: $v) }";
        let body = w.office.gql(delete, json!({ "id": neglect["id"], "v": 1 })).await;
        assert_eq!(problem_fields(&body), ["id"], "{body:#}");
        let unused = theme(&w.office, 2026, "Self-harm", None).await["data"]["recordAuditTheme"].clone();
        w.office.ok(delete, json!({ "id": unused["id"], "v": 1 })).await;
    })
    .await;
}

async fn a_re_audit_compares_question_by_question(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        for id in [&w.pol_rep_id, &w.csc_rep_id] {
            w.office.ok("mutation($u: ID!) { addToAuditPool(userId: $u) { userId } }", json!({ "u": id })).await;
        }
        let then_theme = theme(&w.office, 2025, "Neglect", None).await["data"]["recordAuditTheme"].clone();
        let now_theme = theme(&w.office, 2026, "Neglect re-audit", then_theme["id"].as_str()).await["data"]["recordAuditTheme"].clone();
        assert_eq!(now_theme["revisits"]["name"], "Neglect", "{now_theme:#}");

        let earlier = audit_review(&w.office, "MACA-2025-1", "MULTI_AGENCY_CASE_AUDIT", &[&w.pol, &w.csc], &[]).await;
        set_audit(&w.office, &earlier, 0, &then_theme, &[&w.pol_rep_id]).await;
        let case = record_case(&w.office, &earlier, "Case 1: Child A, aged 2", &[&w.pol]).await["data"]["recordAuditCase"].clone();
        grade(&w.pol_rep, &case, "q-harm-1", Some("INADEQUATE"), "Missed").await;
        grade(&w.pol_rep, &case, "q-voice-1", Some("GOOD"), "Seen alone").await;
        submit_return(&w.pol_rep, &earlier, &case).await;
        // The earlier audit's learning became an action.
        let point = w.office.ok(
            "mutation($r: ID!, $i: LearningPointInput!) { createLearningPoint(reviewId: $r, input: $i) { id } }",
            json!({ "r": earlier, "i": { "title": "Recognising bruising", "detail": "Bruising in a non-mobile baby was not recognised.", "scope": "MULTI_AGENCY", "kind": "NEEDS_IMPROVEMENT", "themes": ["Neglect"] } }),
        ).await["createLearningPoint"]["id"].clone();
        let rec = w.office.ok(
            "mutation($p: ID!, $t: String!) { addRecommendation(learningPointId: $p, text: $t) { id } }",
            json!({ "p": point, "t": "Train officers in the bruising protocol." }),
        ).await["addRecommendation"]["id"].clone();
        let target = (chrono::Utc::now().date_naive() + chrono::Duration::days(60)).to_string();
        w.office.ok(
            "mutation($r: ID!, $i: ActionInput!) { createAction(recommendationId: $r, input: $i) { id } }",
            json!({ "r": rec, "i": { "title": "Bruising protocol briefing", "ownerAgencyId": w.pol, "ownerPersonId": null, "targetDate": target, "targetDateReason": null, "impactAudit": "Re-audit" } }),
        ).await;

        let now = audit_review(&w.office, "MACA-2026-1", "MULTI_AGENCY_CASE_AUDIT", &[&w.pol, &w.csc], &[]).await;
        set_audit(&w.office, &now, 0, &now_theme, &[&w.pol_rep_id]).await;
        let case = record_case(&w.office, &now, "Case 1: Child B, aged 3", &[&w.pol]).await["data"]["recordAuditCase"].clone();
        grade(&w.pol_rep, &case, "q-harm-1", Some("GOOD"), "Recognised").await;
        grade(&w.pol_rep, &case, "q-voice-1", Some("INADEQUATE"), "Not seen").await;
        grade(&w.pol_rep, &case, "q-plan-1", Some("GOOD"), "New this year").await;
        submit_return(&w.pol_rep, &now, &case).await;

        let doc = "query($r: ID!) { caseAudit(reviewId: $r) { reAudit { earlier { reference } earlierTheme { name year } rows { questionId agencyId movement then { mean } now { mean } } actions { title status ownerAgencyId } } } }";
        let re = w.office.ok(doc, json!({ "r": now })).await["caseAudit"]["reAudit"].clone();
        assert_eq!(re["earlier"]["reference"], "MACA-2025-1", "{re:#}");
        assert_eq!(re["earlierTheme"]["year"], 2025);
        let movement = |q: &str| {
            re["rows"].as_array().into_iter().flatten()
                .find(|r| r["questionId"] == q && r["agencyId"] == w.pol.as_str())
                .map(|r| r["movement"].clone())
        };
        assert_eq!(movement("q-harm-1"), Some(json!("BETTER")));
        assert_eq!(movement("q-voice-1"), Some(json!("WORSE")));
        assert_eq!(movement("q-plan-1"), Some(json!("NOT_COMPARABLE")), "graded only now");
        assert_eq!(movement("q-referral-1"), None, "graded in neither");
        assert_eq!(re["actions"][0]["title"], "Bruising protocol briefing");
        assert_eq!(re["actions"][0]["status"], "NOT_STARTED");

        // The meeting's report: the office records it (version-checked, held by today);
        // an agency reads it but may not write it.
        let meeting = "mutation($r: ID!, $v: Int!, $i: AuditMeetingInput!) { saveAuditMeeting(reviewId: $r, version: $v, input: $i) { meeting { heldOn summaryOfLearning agencyActions version } } }";
        let tomorrow = (chrono::Utc::now().date_naive() + chrono::Duration::days(1)).to_string();
        let body = w.office.gql(meeting, json!({ "r": now, "v": 0, "i": { "heldOn": tomorrow } })).await;
        assert_eq!(problem_fields(&body), ["heldOn"], "{body:#}");
        let input = json!({
            "heldOn": chrono::Utc::now().date_naive().to_string(),
            "attendees": "Quality and Audit chair\nPolice auditor",
            "summaryOfLearning": "Harm is recognised sooner since the bruising briefing.",
            "processComments": "Two returns were late.",
            "agencyActions": "Police: record who the child was seen with.",
            "multiAgencyAction": "A joint protocol for seeing children alone.",
        });
        let saved = w.office.ok(meeting, json!({ "r": now, "v": 0, "i": input })).await;
        assert_eq!(saved["saveAuditMeeting"]["meeting"]["version"], 1, "{saved:#}");
        let body = w.office.gql(meeting, json!({ "r": now, "v": 0, "i": input })).await;
        assert_eq!(error_code(&body).as_deref(), Some("CONFLICT"), "{body:#}");
        let body = w.pol_rep.gql(meeting, json!({ "r": now, "v": 1, "i": input })).await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body:#}");
        let read = w.pol_rep.ok("query($r: ID!) { caseAudit(reviewId: $r) { meeting { agencyActions } } }", json!({ "r": now })).await;
        assert_eq!(read["caseAudit"]["meeting"]["agencyActions"], "Police: record who the child was seen with.");

        // The report as a document, read back; agencies may not download it.
        let report = "query($r: ID!) { caseAuditReport(reviewId: $r) { fileName contentBase64 } }";
        let body = w.pol_rep.gql(report, json!({ "r": now })).await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body:#}");
        let file = w.office.ok(report, json!({ "r": now })).await;
        assert_eq!(file["caseAuditReport"]["fileName"], "audit-report-MACA-2026-1.docx");
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(file["caseAuditReport"]["contentBase64"].as_str().expect("content"))
            .expect("base64");
        let text = docx_text(&bytes);
        for expected in [
            "Audit report: MACA-2026-1",
            "Neglect re-audit",
            "Case 1: Child B, aged 3",
            "Summary of learning",
            "Harm is recognised sooner since the bruising briefing.",
            "Proposed multi-agency action",
            "A joint protocol for seeing children alone.",
            "Re-audit",
            "Bruising protocol briefing",
        ] {
            assert!(text.contains(expected), "the report says {expected:?}:\n{text}");
        }
        assert!(text.contains("Good (1 case, mean 2.0)"), "the grades by question and agency:\n{text}");
        if let Some(read) = read_with_python("audit.docx", &bytes) {
            assert!(read.contains("A joint protocol for seeing children alone."), "python-docx reads it");
        }

        // Across the theme's audits: the earlier theme's audit first, every agency's
        // submitted grades of a question together; agencies read no column.
        let across = "query($t: ID!) { auditThemeHeatmap(themeId: $t) { audits { audit { reference } year } cells { questionId reviewId cell { mean } } } }";
        let heat = w.office.ok(across, json!({ "t": now_theme["id"] })).await["auditThemeHeatmap"].clone();
        assert_eq!(heat["audits"][0]["audit"]["reference"], "MACA-2025-1", "{heat:#}");
        assert_eq!(heat["audits"][1]["year"], 2026);
        let mean = |review: &str| {
            heat["cells"].as_array().into_iter().flatten()
                .find(|c| c["questionId"] == "q-harm-1" && c["reviewId"] == review)
                .map(|c| c["cell"]["mean"].clone())
        };
        assert_eq!(mean(&earlier), Some(json!(0.0)), "inadequate then");
        assert_eq!(mean(&now), Some(json!(2.0)), "good now");
        let theirs = w.pol_rep.ok(across, json!({ "t": now_theme["id"] })).await;
        assert_eq!(theirs["auditThemeHeatmap"]["audits"], json!([]));

        // The earlier audit itself re-audits nothing; agencies see no comparison.
        let re = w.office.ok(doc, json!({ "r": earlier })).await["caseAudit"]["reAudit"].clone();
        assert_eq!(re, Value::Null);
        let re = w.pol_rep.ok(doc, json!({ "r": now })).await["caseAudit"]["reAudit"].clone();
        assert_eq!(re, Value::Null);
    })
    .await;
}

async fn a_failed_write_leaves_nothing(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        w.office
            .ok(
                "mutation($u: ID!) { addToAuditPool(userId: $u) { userId } }",
                json!({ "u": w.pol_rep_id }),
            )
            .await;
        let neglect =
            theme(&w.office, 2026, "Neglect", None).await["data"]["recordAuditTheme"].clone();
        let review = audit_review(
            &w.office,
            "MACA-2026-9",
            "MULTI_AGENCY_CASE_AUDIT",
            &[&w.pol],
            &[],
        )
        .await;
        // Making the auditor a member of the review fails after the audit and its
        // auditors were written: the whole change is undone.
        app.refuse_inserts("review_member", "NEW.role = 'MEMBER'")
            .await;
        let body = set_audit(&w.office, &review, 0, &neglect, &[&w.pol_rep_id]).await;
        assert_eq!(error_code(&body).as_deref(), Some("INTERNAL"), "{body:#}");
        assert_eq!(
            case_audit::Entity::find()
                .count(app.db())
                .await
                .expect("count"),
            0
        );
        assert_eq!(
            case_audit_auditor::Entity::find()
                .count(app.db())
                .await
                .expect("count"),
            0
        );
        assert_eq!(
            review_member::Entity::find()
                .count(app.db())
                .await
                .expect("count"),
            0
        );
        // The connection is left usable: the next request answers.
        let audit = audit_of(&w.office, &review).await;
        assert_eq!(audit["data"]["caseAudit"]["version"], 0, "{audit:#}");
    })
    .await;
}

async fn the_demo_has_a_finished_audit_and_its_re_audit(backend: Backend) {
    run(backend, |app| async move {
        let office = app.demo_office().await;
        let reviews = office.ok("{ reviews { id reference } }", json!({})).await;
        let id_of = |reference: &str| {
            reviews["reviews"].as_array().into_iter().flatten()
                .find(|r| r["reference"] == reference)
                .and_then(|r| r["id"].as_str())
                .map(str::to_owned)
                .expect("demo audit")
        };
        let doc = "query($r: ID!) { caseAudit(reviewId: $r) { theme { name } cases { label } auditors { name } heatmap { submittedAgencyIds cells { questionId } } reAudit { earlier { reference } rows { questionId agencyId movement } } } review(id: $r) { milestones { label } agencies { id prefix } } }";
        let now = office.ok(doc, json!({ "r": id_of("MACA-2") })).await;
        let audit = &now["caseAudit"];
        assert_eq!(audit["theme"]["name"], "Neglect of pre-school children: re-audit", "{now:#}");
        assert_eq!(audit["cases"].as_array().map(Vec::len), Some(3));
        assert_eq!(audit["auditors"].as_array().map(Vec::len), Some(2));
        assert_eq!(now["review"]["milestones"], json!([]), "an audit runs to no statutory clock");
        let csc = now["review"]["agencies"].as_array().into_iter().flatten()
            .find(|a| a["prefix"] == "CSC").and_then(|a| a["id"].as_str()).expect("CSC").to_owned();
        assert_eq!(audit["heatmap"]["submittedAgencyIds"], json!([csc]), "the police's return is still open");
        assert_eq!(audit["reAudit"]["earlier"]["reference"], "MACA-1");
        let movement = |q: &str| {
            audit["reAudit"]["rows"].as_array().into_iter().flatten()
                .find(|r| r["questionId"] == q && r["agencyId"] == csc.as_str())
                .map(|r| r["movement"].clone())
        };
        assert_eq!(movement("q-harm-1"), Some(json!("BETTER")));
        assert_eq!(movement("q-voice-1"), Some(json!("WORSE")));
        assert_eq!(movement("q-voice-2"), Some(json!("SAME")));
        let earlier = office.ok(doc, json!({ "r": id_of("MACA-1") })).await;
        assert_eq!(earlier["caseAudit"]["heatmap"]["submittedAgencyIds"].as_array().map(Vec::len), Some(2));
        let programme = office.ok("query($y: Int!) { auditProgramme(year: $y) { name } }", json!({ "y": chrono::Datelike::year(&chrono::Utc::now().date_naive()) })).await;
        assert_eq!(programme["auditProgramme"].as_array().map(Vec::len), Some(2), "{programme:#}");
    })
    .await;
}

async fn a_hot_spot_becomes_a_theme_in_one_step(backend: Backend) {
    run(backend, |app| async move {
        let office = app.demo_office().await;
        let data = office
            .ok("{ indicators { id name chart { hotSpot } } }", json!({}))
            .await;
        let list = data["indicators"].as_array().expect("indicators").clone();
        let hot = list.iter().find(|i| i["chart"]["hotSpot"] == true).expect("the demo's hot spot");
        let cool = list.iter().find(|i| i["chart"]["hotSpot"] == false).expect("a calm indicator");
        let propose = "mutation($i: ID!, $y: Int!) { proposeAuditThemeFromIndicator(indicatorId: $i, year: $y) { id name question termsOfReference year sourceIndicator { id name } version } }";
        let year = 2031;
        let theme = office
            .ok(propose, json!({ "i": hot["id"], "y": year }))
            .await["proposeAuditThemeFromIndicator"]
            .clone();
        let name = hot["name"].as_str().expect("name");
        assert_eq!(theme["name"], format!("{name} (performance hot spot)"));
        assert_eq!(theme["sourceIndicator"], json!({ "id": hot["id"], "name": name }));
        assert_eq!(theme["year"], year);
        let question = theme["question"].as_str().expect("question");
        assert!(question.contains("special cause concern"), "{question}");
        assert!(theme["termsOfReference"].as_str().is_some_and(|t| t.contains("The latest value")), "{theme:#}");
        // It is in the year's programme, and changed like any theme.
        let programme = office
            .ok("query($y: Int!) { auditProgramme(year: $y) { id sourceIndicator { name } } }", json!({ "y": year }))
            .await;
        assert_eq!(programme["auditProgramme"][0]["id"], theme["id"]);
        assert_eq!(programme["auditProgramme"][0]["sourceIndicator"]["name"], name);

        // Once a year per indicator; only from a hot spot; only the office.
        let again = office.gql(propose, json!({ "i": hot["id"], "y": year })).await;
        assert_eq!(error_code(&again).as_deref(), Some("VALIDATION"), "{again:#}");
        assert!(again.to_string().contains("already proposed"), "{again:#}");
        let next_year = office.gql(propose, json!({ "i": hot["id"], "y": year + 1 })).await;
        assert!(next_year.get("errors").is_none(), "{next_year:#}");
        let calm = office.gql(propose, json!({ "i": cool["id"], "y": year })).await;
        assert_eq!(error_code(&calm).as_deref(), Some("VALIDATION"), "{calm:#}");
        assert!(calm.to_string().contains("not a hot spot"), "{calm:#}");
        let missing = office.gql(propose, json!({ "i": "no-such-indicator", "y": year })).await;
        assert_eq!(error_code(&missing).as_deref(), Some("NOT_FOUND"), "{missing:#}");
        let chair = app.client();
        chair
            .sign_in("chair@demo.example", server::demo::DEMO_PASSWORD)
            .await;
        let refused = chair.gql(propose, json!({ "i": hot["id"], "y": year + 2 })).await;
        assert_eq!(error_code(&refused).as_deref(), Some("FORBIDDEN"), "{refused:#}");
        let themes = office
            .ok("query($y: Int!) { auditProgramme(year: $y) { id } }", json!({ "y": year }))
            .await;
        assert_eq!(themes["auditProgramme"].as_array().map(Vec::len), Some(1));
    })
    .await;
}

async fn an_auditor_taken_off_loses_the_cases_a_member_before_does_not(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        for id in [&w.pol_rep_id, &w.csc_rep_id] {
            w.office
                .ok(
                    "mutation($u: ID!) { addToAuditPool(userId: $u) { userId } }",
                    json!({ "u": id }),
                )
                .await;
        }
        let neglect =
            theme(&w.office, 2026, "Neglect", None).await["data"]["recordAuditTheme"].clone();
        // The CSC representative is a member of the review already; the police's is not.
        let review = audit_review(
            &w.office,
            "MACA-2026-7",
            "MULTI_AGENCY_CASE_AUDIT",
            &[&w.pol, &w.csc],
            &[(&w.csc_rep_id, "MEMBER")],
        )
        .await;
        let body = set_audit(
            &w.office,
            &review,
            0,
            &neglect,
            &[&w.pol_rep_id, &w.csc_rep_id],
        )
        .await;
        assert_eq!(body["data"]["setCaseAudit"]["version"], 1, "{body:#}");
        assert_eq!(
            audit_of(&w.pol_rep, &review).await["data"]["caseAudit"]["version"],
            1
        );
        // Kept on: nothing changes.
        let body = set_audit(
            &w.office,
            &review,
            1,
            &neglect,
            &[&w.pol_rep_id, &w.csc_rep_id],
        )
        .await;
        assert_eq!(body["data"]["setCaseAudit"]["version"], 2, "{body:#}");
        assert_eq!(
            audit_of(&w.pol_rep, &review).await["data"]["caseAudit"]["version"],
            2
        );
        // Both taken off: the police's representative loses the audit and its cases; the
        // CSC representative, a member before, keeps the membership.
        let body = set_audit(&w.office, &review, 2, &neglect, &[]).await;
        assert_eq!(body["data"]["setCaseAudit"]["version"], 3, "{body:#}");
        let gone = audit_of(&w.pol_rep, &review).await;
        assert_eq!(error_code(&gone).as_deref(), Some("NOT_FOUND"), "{gone:#}");
        let kept = audit_of(&w.csc_rep, &review).await;
        assert_eq!(kept["data"]["caseAudit"]["version"], 3, "{kept:#}");
        // Chosen again, and taken off again: the same.
        set_audit(&w.office, &review, 3, &neglect, &[&w.pol_rep_id]).await;
        assert_eq!(
            audit_of(&w.pol_rep, &review).await["data"]["caseAudit"]["version"],
            4
        );
        set_audit(&w.office, &review, 4, &neglect, &[]).await;
        let gone = audit_of(&w.pol_rep, &review).await;
        assert_eq!(error_code(&gone).as_deref(), Some("NOT_FOUND"), "{gone:#}");
    })
    .await;
}

db_tests!(
    an_auditor_taken_off_loses_the_cases_a_member_before_does_not,
    a_hot_spot_becomes_a_theme_in_one_step,
    an_audit_runs_from_programme_to_heatmap,
    a_re_audit_compares_question_by_question,
    a_failed_write_leaves_nothing,
    the_demo_has_a_finished_audit_and_its_re_audit,
);
