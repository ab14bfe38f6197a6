//! The integrated chronology of each case of a multi-agency case audit: every entry of an
//! audit names the case of its sample it is about (typed or imported), and each case's
//! entries are merged on their own (different cases are different children), read,
//! decided, exported and taken out with their case.

use crate::case_audits::{audit_review, record_case, set_audit, theme, world};
use crate::db_tests;
use crate::helpers::{error_code, problem_fields, run, Backend, Client};
use base64::Engine;
use serde_json::{json, Value};

const ADD: &str =
    "mutation($r: ID!, $i: EntryInput!) { addChronologyEntry(returnId: $r, input: $i) { id caseId } }";
const INTEGRATED: &str = "query($id: ID!, $c: ID) { review(id: $id) { integratedChronology(caseId: $c) { caseId caseLabel entryCount entries { id source caseId } duplicateGroups { key entries { source } } sharing { entry { source } confirmed } gaps { days } } } }";

fn entry(
    date: &str,
    time: &str,
    source: &str,
    event: &str,
    shared: &[&str],
    case: &Value,
) -> Value {
    json!({ "startDate": date, "startTime": time, "source": source, "event": event,
            "sharedWith": shared, "caseId": case["id"] })
}

async fn integrated(client: &Client, review: &str, case: Option<&Value>) -> Value {
    let body = client
        .gql(
            INTEGRATED,
            json!({ "id": review, "c": case.map(|c| c["id"].clone()) }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body:#}");
    body["data"]["review"]["integratedChronology"].clone()
}

fn sources(list: &Value) -> Vec<String> {
    let mut out: Vec<String> = list
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["source"].as_str().map(str::to_owned))
        .collect();
    out.sort();
    out
}

async fn each_case_of_an_audit_has_its_own_integrated_chronology(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let neglect = theme(&w.office, 2026, "Neglect", None).await["data"]["recordAuditTheme"].clone();
        let review = audit_review(&w.office, "MACA-2026-7", "MULTI_AGENCY_CASE_AUDIT", &[&w.pol, &w.csc], &[]).await;
        for person in [&w.pol_rep_id, &w.csc_rep_id] {
            w.office.ok("mutation($u: ID!) { addToAuditPool(userId: $u) { userId } }", json!({ "u": person })).await;
        }
        let body = set_audit(&w.office, &review, 0, &neglect, &[&w.pol_rep_id, &w.csc_rep_id]).await;
        assert!(body.get("errors").is_none(), "{body:#}");
        let one = record_case(&w.office, &review, "Case 1: Child D, aged 4", &[&w.pol, &w.csc]).await["data"]["recordAuditCase"].clone();
        let two = record_case(&w.office, &review, "Case 2: Child E, aged 9", &[&w.pol, &w.csc]).await["data"]["recordAuditCase"].clone();
        let pol_ret = w.pol_rep.my_return_id(&review).await;
        let csc_ret = w.csc_rep.my_return_id(&review).await;

        // An audit's entry names its case: none, or one of another audit, is refused there.
        let none = json!({ "id": null });
        let body = w.pol_rep.gql(ADD, json!({ "r": pol_ret, "i": entry("14/03/2026", "10:15", "POL-1", "Strategy discussion", &[], &none) })).await;
        assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body:#}");
        assert_eq!(problem_fields(&body), ["caseId"], "{body:#}");
        let other = audit_review(&w.office, "MACA-2026-8", "MULTI_AGENCY_CASE_AUDIT", &[&w.pol], &[]).await;
        let elsewhere = record_case(&w.office, &other, "Case 1: Child Z, aged 1", &[&w.pol]).await["data"]["recordAuditCase"].clone();
        let body = w.pol_rep.gql(ADD, json!({ "r": pol_ret, "i": entry("14/03/2026", "10:15", "POL-1", "Strategy discussion", &[], &elsewhere) })).await;
        assert_eq!(problem_fields(&body), ["caseId"], "another audit's case: {body:#}");
        assert!(body["errors"].to_string().contains("is not a case of this audit"), "{body:#}");
        // A case is named by its id here, never by a number that looks like one.
        let body = w.pol_rep.gql(ADD, json!({ "r": pol_ret, "i": entry("14/03/2026", "10:15", "POL-1", "Strategy discussion", &[], &json!({ "id": "2" })) })).await;
        assert_eq!(problem_fields(&body), ["caseId"], "{body:#}");
        // An agency writes only about the cases it was involved in.
        let csc_only = record_case(&w.office, &review, "Case 3: Child F, aged 2", &[&w.csc]).await["data"]["recordAuditCase"].clone();
        let body = w.pol_rep.gql(ADD, json!({ "r": pol_ret, "i": entry("14/03/2026", "10:15", "POL-1", "Strategy discussion", &[], &csc_only) })).await;
        assert_eq!(problem_fields(&body), ["caseId"], "{body:#}");
        assert!(body["errors"].to_string().contains("\\\"Case 3\\\" does not name your agency"), "{body:#}");

        // Case 1: both agencies recorded one strategy discussion. Case 2: the police
        // recorded a strategy discussion the same morning, children's social care a home
        // visit; merged together, the police's case 2 discussion would pair with case 1's.
        let added = w.pol_rep.ok(ADD, json!({ "r": pol_ret, "i": entry("14/03/2026", "10:15", "POL-1", "Strategy discussion with children's social care about bruising to the child's arm; joint visit agreed", &["CSC"], &one) })).await;
        assert_eq!(added["addChronologyEntry"]["caseId"], one["id"]);
        // Its history keeps the case it was about.
        let history = w
            .pol_rep
            .ok(
                "query($id: ID!) { chronologyEntry(id: $id) { history { version caseId } } }",
                json!({ "id": added["addChronologyEntry"]["id"] }),
            )
            .await;
        assert_eq!(history["chronologyEntry"]["history"][0]["caseId"], one["id"], "{history:#}");
        w.pol_rep.ok(ADD, json!({ "r": pol_ret, "i": entry("14/03/2026", "10:30", "POL-2", "Strategy discussion with children's social care about bruising to the child's arm", &["CSC"], &two) })).await;
        w.csc_rep.ok(ADD, json!({ "r": csc_ret, "i": entry("14/03/2026", "10:00", "CSC-1", "Strategy discussion with the police about bruising to the child's arm; section 47 enquiry", &["POL"], &one) })).await;

        // A file names cases by label, its head or number, every bad row named.
        let bad = "Start Date,Source of Information,Event,Case\n\
                   14/03/2026,CSC-2,Home visit; the child seen alone,Case 7\n\
                   20/03/2026,CSC-3,Health visitor weighed the child,\n";
        let preview = "mutation($r: ID!, $n: String!, $c: String!) { previewChronologyImport(returnId: $r, fileName: $n, contentBase64: $c) { ok entries { source caseId } problems { row column message } } }";
        let b64 = |text: &str| base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
        let shown = w.csc_rep.ok(preview, json!({ "r": csc_ret, "n": "csc.csv", "c": b64(bad) })).await["previewChronologyImport"].clone();
        assert_eq!(shown["ok"], false);
        let problems: Vec<(i64, String)> = shown["problems"].as_array().into_iter().flatten()
            .map(|p| (p["row"].as_i64().unwrap_or(0), p["column"].as_str().unwrap_or("").to_owned()))
            .collect();
        assert_eq!(problems, vec![(2, "Case".to_owned()), (3, "Case".to_owned())], "{shown:#}");
        let good = "Start Date,Start Time,Source of Information,Event,Information Shared With,Case\n\
                    14/03/2026,10:00,CSC-1,Strategy discussion with the police about bruising to the child's arm; section 47 enquiry,POL,Case 1: Child D aged 4\n\
                    14/03/2026,11:00,CSC-2,Home visit; the child seen alone,,case 2\n";
        // The label must be matched whole: "Child D aged 4" lacks its comma.
        let shown = w.csc_rep.ok(preview, json!({ "r": csc_ret, "n": "csc.csv", "c": b64(good) })).await["previewChronologyImport"].clone();
        assert_eq!(shown["problems"][0]["column"], "Case", "{shown:#}");
        let good = good.replace("Case 1: Child D aged 4", "Case 1");
        let shown = w.csc_rep.ok(preview, json!({ "r": csc_ret, "n": "csc.csv", "c": b64(&good) })).await["previewChronologyImport"].clone();
        assert_eq!(shown["ok"], true, "{shown:#}");
        assert_eq!(shown["entries"][1]["caseId"], two["id"]);
        w.csc_rep.ok(
            "mutation($r: ID!, $n: String!, $c: String!) { confirmChronologyImport(returnId: $r, fileName: $n, contentBase64: $c) { id } }",
            json!({ "r": csc_ret, "n": "csc.csv", "c": b64(&good) }),
        ).await;
        for (client, ret) in [(&w.pol_rep, &pol_ret), (&w.csc_rep, &csc_ret)] {
            client.ok("mutation($r: ID!) { submitChronologyReturn(returnId: $r) { id } }", json!({ "r": ret })).await;
        }

        // Every return's entries counted (in one query for the list).
        let returns = w.office.ok(
            "query($id: ID!) { review(id: $id) { chronologyReturns { agency { prefix } entryCount status } } }",
            json!({ "id": review }),
        ).await["review"]["chronologyReturns"].clone();
        let counted: Vec<(String, i64)> = returns.as_array().into_iter().flatten()
            .map(|r| (r["agency"]["prefix"].as_str().unwrap_or("").to_owned(), r["entryCount"].as_i64().unwrap_or(-1)))
            .collect();
        assert_eq!(counted.len(), 2, "{returns:#}");
        assert!(counted.contains(&("POL".into(), 2)) && counted.contains(&("CSC".into(), 2)), "{returns:#}");

        // Each case is merged on its own.
        let first = integrated(&w.office, &review, Some(&one)).await;
        assert_eq!(first["caseId"], one["id"]);
        assert_eq!(first["caseLabel"], "Case 1: Child D, aged 4");
        assert_eq!(sources(&first["entries"]), ["CSC-1", "POL-1"]);
        let groups = first["duplicateGroups"].as_array().cloned().unwrap_or_default();
        assert_eq!(groups.len(), 1, "{first:#}");
        assert_eq!(sources(&groups[0]["entries"]), ["CSC-1", "POL-1"]);
        let second = integrated(&w.office, &review, Some(&two)).await;
        assert_eq!(sources(&second["entries"]), ["CSC-2", "POL-2"]);
        assert_eq!(second["duplicateGroups"], json!([]), "never across cases: {second:#}");
        // The police's case 2 sharing has no record of receipt in case 2 (CSC-1 is case 1's).
        let unconfirmed: Vec<&Value> = second["sharing"].as_array().into_iter().flatten()
            .filter(|s| s["confirmed"] == false).collect();
        assert_eq!(unconfirmed.len(), 1, "{second:#}");
        assert_eq!(unconfirmed[0]["entry"]["source"], "POL-2");
        let neither = integrated(&w.office, &review, None).await;
        assert_eq!(neither["entryCount"], 0, "every entry names a case: {neither:#}");
        assert_eq!(neither["caseId"], Value::Null);
        let body = w.office.gql(INTEGRATED, json!({ "id": review, "c": elsewhere["id"] })).await;
        assert_eq!(problem_fields(&body), ["caseId"], "{body:#}");

        // Deciding a group takes entries of one case.
        let id_of = |view: &Value, source: &str| -> String {
            view["entries"].as_array().into_iter().flatten()
                .find(|e| e["source"] == source).and_then(|e| e["id"].as_str()).unwrap_or_default().to_owned()
        };
        let decide = "mutation($r: ID!, $k: String!) { decideDuplicateGroup(reviewId: $r, key: $k, decision: CONFIRMED) { caseId entryCount duplicateGroups { decision } } }";
        let mixed = format!("{},{}", id_of(&first, "CSC-1"), id_of(&second, "POL-2"));
        let body = w.office.gql(decide, json!({ "r": review, "k": mixed })).await;
        assert_eq!(problem_fields(&body), ["key"], "{body:#}");
        let key = groups[0]["key"].as_str().expect("key");
        let decided = w.office.ok(decide, json!({ "r": review, "k": key })).await["decideDuplicateGroup"].clone();
        assert_eq!(decided["caseId"], one["id"], "the answer is the group's case: {decided:#}");
        assert_eq!(decided["duplicateGroups"][0]["decision"], "CONFIRMED");

        // The export is the case's, named by it (never by the child's details).
        let export = "query($id: ID!, $c: ID) { review(id: $id) { chronologyExport(format: CSV, anonymised: false, caseId: $c) { fileName contentBase64 } } }";
        let file = w.office.ok(export, json!({ "id": review, "c": two["id"] })).await["review"]["chronologyExport"].clone();
        assert_eq!(file["fileName"], "MACA-2026-7-Case-2-integrated-chronology-named.csv");
        let text = String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(file["contentBase64"].as_str().expect("content"))
                .expect("base64"),
        )
        .expect("utf-8");
        assert!(text.contains("POL-2") && text.contains("CSC-2"), "{text}");
        assert!(!text.contains("CSC-1") && !text.contains("POL-1"), "case 1 is not in case 2's file: {text}");

        // A case taken out of the sample leaves its entries, naming no case.
        let version = two["version"].as_i64().expect("version");
        w.office.ok(
            "mutation($id: ID!, $v: Int!) { deleteAuditCase(id: $id, version: $v) }",
            json!({ "id": two["id"], "v": version }),
        ).await;
        let neither = integrated(&w.office, &review, None).await;
        assert_eq!(sources(&neither["entries"]), ["CSC-2", "POL-2"], "{neither:#}");
        let first = integrated(&w.office, &review, Some(&one)).await;
        assert_eq!(first["entryCount"], 2, "case 1 is untouched: {first:#}");

        // A case review's entries name no case.
        let scr = audit_review(&w.office, "SCR-2026-9", "SERIOUS_CASE_REVIEW", &[&w.pol], &[(&w.pol_rep_id, "MEMBER")]).await;
        let scr_ret = w.pol_rep.my_return_id(&scr).await;
        let body = w.pol_rep.gql(ADD, json!({ "r": scr_ret, "i": entry("14/03/2026", "10:15", "POL-9", "Strategy discussion", &[], &one) })).await;
        assert_eq!(problem_fields(&body), ["caseId"], "{body:#}");
        assert!(body["errors"].to_string().contains("this review has no cases"), "{body:#}");
        let added = w.pol_rep.ok(ADD, json!({ "r": scr_ret, "i": entry("14/03/2026", "10:15", "POL-9", "Strategy discussion", &[], &none) })).await;
        assert_eq!(added["addChronologyEntry"]["caseId"], Value::Null);
    })
    .await;
}

db_tests!(each_case_of_an_audit_has_its_own_integrated_chronology);
