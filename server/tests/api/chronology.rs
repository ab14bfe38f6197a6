//! The chronology over GraphQL: each member agency's return (draft, submitted, reopened) and
//! who may touch it, entries with dates as precise as the agency knew them, stale saves, the
//! template import (every bad file refused with every problem named and nothing written),
//! resubmission that keeps what did not change, the integrated chronology (order, duplicate
//! groups and decisions, information sharing, gaps, settings, sharing with the members),
//! append-only annotations with questions answered by the entry's agency, and the audit log.

use crate::db_tests;
use crate::helpers::{
    base64, error_code, problem_fields, review_with, run, run_with, Backend, Client, TestApp,
};
use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
use sea_orm::EntityTrait;
use serde_json::{json, Value};
use server::entities::audit_log;
use shared::auth::Role;
use std::collections::BTreeSet;

const ENTRY: &str = "id agency { id prefix } seq startDate startOn precision uncertain \
    startTime endDate endTime source eventType event actionTaken sharedWith { id prefix } \
    practitionerComment note version updatedAt";

const ANNOTATION: &str = "id kind text authorName authorAgencyPrefix createdAt answersId \
    answers { id kind text authorAgencyPrefix answersId }";

fn return_fields() -> String {
    format!("id agency {{ id prefix }} status submittedAt entryCount entries {{ {ENTRY} }}")
}

fn integrated_fields() -> String {
    format!(
        "entries {{ {ENTRY} }} \
         duplicateGroups {{ key decision evidence score probability entries {{ id agency {{ prefix }} }} }} \
         sharing {{ entry {{ id }} with {{ id prefix }} confirmed confirmedBy {{ id }} why }} \
         gaps {{ after before days }} \
         annotations {{ entryId annotations {{ {ANNOTATION} }} }} \
         sharingToleranceDays gapThresholdDays sharedAt"
    )
}

fn my_return_doc() -> String {
    format!(
        "query($id: ID!) {{ review(id: $id) {{ myChronologyReturn {{ {} }} }} }}",
        return_fields()
    )
}

fn returns_doc() -> String {
    format!(
        "query($id: ID!) {{ review(id: $id) {{ chronologyReturns {{ {} }} }} }}",
        return_fields()
    )
}

fn integrated_doc() -> String {
    format!(
        "query($id: ID!) {{ review(id: $id) {{ integratedChronology {{ {} }} }} }}",
        integrated_fields()
    )
}

fn add_doc() -> String {
    format!(
        "mutation($r: ID!, $i: EntryInput!) {{ addChronologyEntry(returnId: $r, input: $i) {{ {ENTRY} }} }}"
    )
}

fn update_doc() -> String {
    format!(
        "mutation($id: ID!, $v: Int!, $i: EntryInput!) {{ updateChronologyEntry(id: $id, version: $v, input: $i) {{ {ENTRY} }} }}"
    )
}

const DELETE: &str = "mutation($id: ID!, $v: Int!) { deleteChronologyEntry(id: $id, version: $v) }";

const PREVIEW: &str = "mutation($r: ID!, $n: String!, $c: String!) {
  previewChronologyImport(returnId: $r, fileName: $n, contentBase64: $c) {
    ok
    entries { row seq startDate startTime endDate endTime source eventType event actionTaken sharedWith practitionerComment note }
    problems { row column message }
    replacesEntries
    replacesTypedEntries
  }
}";

fn confirm_doc() -> String {
    format!(
        "mutation($r: ID!, $n: String!, $c: String!) {{ confirmChronologyImport(returnId: $r, fileName: $n, contentBase64: $c) {{ {} }} }}",
        return_fields()
    )
}

const SUBMIT: &str =
    "mutation($r: ID!) { submitChronologyReturn(returnId: $r) { id status submittedAt entryCount } }";
const REOPEN: &str =
    "mutation($r: ID!) { reopenChronologyReturn(returnId: $r) { id status submittedAt entryCount } }";

fn decide_doc() -> String {
    format!(
        "mutation($id: ID!, $k: String!, $d: DuplicateDecision!) {{ decideDuplicateGroup(reviewId: $id, key: $k, decision: $d) {{ {} }} }}",
        integrated_fields()
    )
}

fn share_doc() -> String {
    format!(
        "mutation($id: ID!) {{ shareIntegratedChronology(reviewId: $id) {{ {} }} }}",
        integrated_fields()
    )
}

fn settings_doc() -> String {
    format!(
        "mutation($id: ID!, $i: ChronologySettingsInput!) {{ setChronologySettings(reviewId: $id, input: $i) {{ {} }} }}",
        integrated_fields()
    )
}

fn annotate_doc() -> String {
    format!(
        "mutation($e: ID!, $k: AnnotationKind!, $t: String!) {{ annotateEntry(entryId: $e, kind: $k, text: $t) {{ {ANNOTATION} }} }}"
    )
}

fn answer_doc() -> String {
    format!(
        "mutation($q: ID!, $t: String!) {{ answerQuestion(questionId: $q, text: $t) {{ {ANNOTATION} }} }}"
    )
}

/// The review, its agencies and the people who work on it.
struct World {
    office: Client,
    chair: Client,
    pol: String,
    csc: String,
    /// Agency representative of POL, member of the review.
    pol_rep: Client,
    /// Agency lead of POL, member.
    pol_lead: Client,
    /// Practitioner of POL, member (may read, may not edit).
    pol_prac: Client,
    csc_rep: Client,
    hlt_rep: Client,
    /// LEAD_REVIEWER of the review (an agency lead of CSC).
    reviewer: Client,
    /// Agency representative of POL who is not a member of the review.
    outsider: Client,
    /// A member of the review whose agency (EDU) is not a member agency of it.
    edu_rep: Client,
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
    let hlt = app.agency("Northshire Health", "HLT").await;
    // Exists, but is not a member agency of the review.
    let edu = app.agency("Northshire Schools", "EDU").await;
    let rep = Role::AgencyRepresentative;
    let (pol_rep, pol_rep_id) = app
        .signed_in("pol.rep@test.example", &[rep], Some(&pol))
        .await;
    let (pol_lead, pol_lead_id) = app
        .signed_in("pol.lead@test.example", &[Role::AgencyLead], Some(&pol))
        .await;
    let (pol_prac, pol_prac_id) = app
        .signed_in("pol.prac@test.example", &[Role::Practitioner], Some(&pol))
        .await;
    let (csc_rep, csc_rep_id) = app
        .signed_in("csc.rep@test.example", &[rep], Some(&csc))
        .await;
    let (hlt_rep, hlt_rep_id) = app
        .signed_in("hlt.rep@test.example", &[rep], Some(&hlt))
        .await;
    let (reviewer, reviewer_id) = app
        .signed_in("reviewer@test.example", &[Role::AgencyLead], Some(&csc))
        .await;
    let (outsider, _) = app
        .signed_in("outsider@test.example", &[rep], Some(&pol))
        .await;
    let (edu_rep, edu_rep_id) = app
        .signed_in("edu.rep@test.example", &[rep], Some(&edu))
        .await;
    let review = review_with(
        &office,
        "SCR-2016-30",
        &[&pol, &csc, &hlt],
        &[
            (&pol_rep_id, "MEMBER"),
            (&pol_lead_id, "MEMBER"),
            (&pol_prac_id, "MEMBER"),
            (&csc_rep_id, "MEMBER"),
            (&hlt_rep_id, "MEMBER"),
            (&reviewer_id, "LEAD_REVIEWER"),
            (&edu_rep_id, "MEMBER"),
        ],
    )
    .await;
    World {
        office,
        chair,
        pol,
        csc,
        pol_rep,
        pol_lead,
        pol_prac,
        csc_rep,
        hlt_rep,
        reviewer,
        outsider,
        edu_rep,
        review,
    }
}

fn id_of(value: &Value) -> String {
    value["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {value:#}"))
        .to_owned()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list:#}"))
        .iter()
        .map(id_of)
        .collect()
}

/// A minimal valid entry.
fn entry(date: &str, source: &str, event: &str) -> Value {
    json!({ "startDate": date, "source": source, "event": event, "sharedWith": [] })
}

fn shared(mut input: Value, with: &[&str]) -> Value {
    input["sharedWith"] = json!(with);
    input
}

async fn my_return(client: &Client, review: &str) -> Value {
    client.ok(&my_return_doc(), json!({ "id": review })).await["review"]["myChronologyReturn"]
        .clone()
}

async fn add(client: &Client, return_id: &str, input: Value) -> Value {
    client
        .ok(&add_doc(), json!({ "r": return_id, "i": input }))
        .await["addChronologyEntry"]
        .clone()
}

async fn submit(client: &Client, return_id: &str) -> Value {
    client.ok(SUBMIT, json!({ "r": return_id })).await["submitChronologyReturn"].clone()
}

async fn integrated(client: &Client, review: &str) -> Value {
    client.ok(&integrated_doc(), json!({ "id": review })).await["review"]["integratedChronology"]
        .clone()
}

async fn preview(client: &Client, return_id: &str, name: &str, bytes: &[u8]) -> Value {
    client
        .gql(
            PREVIEW,
            json!({ "r": return_id, "n": name, "c": base64(bytes) }),
        )
        .await
}

async fn confirm(client: &Client, return_id: &str, name: &str, bytes: &[u8]) -> Value {
    client
        .gql(
            &confirm_doc(),
            json!({ "r": return_id, "n": name, "c": base64(bytes) }),
        )
        .await
}

async fn confirmed(client: &Client, return_id: &str, bytes: &[u8]) -> Value {
    let body = confirm(client, return_id, "chronology.csv", bytes).await;
    assert!(body.get("errors").is_none(), "import refused: {body:#}");
    body["data"]["confirmChronologyImport"].clone()
}

/// Everything the errors of a response say, lower-cased, to look for a reason in.
fn said(body: &Value) -> String {
    body["errors"].to_string().to_lowercase()
}

/// The names of the schema's Mutation fields.
fn mutation_fields() -> Vec<String> {
    let doc = async_graphql::parser::parse_schema(server::graphql::sdl()).expect("SDL parses");
    let mut out = Vec::new();
    for def in doc.definitions {
        if let TypeSystemDefinition::Type(ty) = def {
            if ty.node.name.node == "Mutation" {
                if let TypeKind::Object(object) = &ty.node.kind {
                    out.extend(object.fields.iter().map(|f| f.node.name.node.to_string()));
                }
            }
        }
    }
    assert!(out.iter().any(|f| f == "annotateEntry"), "{out:?}");
    out
}

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The first element of `list` whose `key` is `value`.
fn find<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array()
        .and_then(|l| l.iter().find(|x| x[key] == value))
        .unwrap_or_else(|| panic!("no {key} = {value} in {list:#}"))
}

fn prefixes(list: &Value) -> Vec<String> {
    crate::helpers::sorted_field(list, "prefix")
}

/// Asserts a refused call answers `code` and returns no data.
fn assert_refused(body: &Value, code: &str, what: &str) {
    assert_eq!(error_code(body).as_deref(), Some(code), "{what}: {body:#}");
    assert!(
        body["data"].is_null()
            || body["data"]
                .as_object()
                .is_some_and(|o| o.values().all(Value::is_null)),
        "{what}: refused, but data was returned: {body:#}"
    );
}

/// The hidden object answers exactly like a missing one: NOT_FOUND, the same message.
fn assert_like_missing(hidden: &Value, missing: &Value, what: &str) {
    assert_eq!(
        error_code(hidden).as_deref(),
        Some("NOT_FOUND"),
        "{what}: {hidden:#}"
    );
    assert_eq!(
        error_code(hidden),
        error_code(missing),
        "{what}: {missing:#}"
    );
    assert_eq!(
        hidden["errors"][0]["message"], missing["errors"][0]["message"],
        "{what}: a hidden object must not be told apart from a missing one"
    );
    assert!(
        hidden["data"].is_null()
            || hidden["data"]
                .as_object()
                .is_some_and(|o| o.values().all(Value::is_null)),
        "{what}: {hidden:#}"
    );
}

async fn a_member_agency_keeps_its_own_return(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;

        // Created on first use, one per agency: the agency lead gets the same return.
        let mine = my_return(&w.pol_rep, &w.review).await;
        assert_eq!(mine["status"], "DRAFT", "{mine:#}");
        assert_eq!(mine["agency"]["id"], w.pol.as_str());
        assert_eq!(mine["entryCount"], 0);
        assert_eq!(mine["entries"], json!([]));
        assert_eq!(mine["submittedAt"], Value::Null);
        let ret = id_of(&mine);
        assert_eq!(id_of(&my_return(&w.pol_rep, &w.review).await), ret, "not created twice");
        assert_eq!(id_of(&my_return(&w.pol_lead, &w.review).await), ret, "one per agency");
        assert_eq!(
            my_return(&w.office, &w.review).await,
            Value::Null,
            "the business office has no agency return"
        );
        assert_eq!(
            my_return(&w.edu_rep, &w.review).await,
            Value::Null,
            "a member whose agency is not a member agency has no return"
        );

        // Add, update, delete.
        let later = add(&w.pol_rep, &ret, entry("23/05/2016", "POL-2", "Referral to MASH")).await;
        assert_eq!(later["version"], 1, "{later:#}");
        assert_eq!(later["agency"]["prefix"], "POL");
        assert_eq!(later["event"], "Referral to MASH");
        let earlier = add(
            &w.pol_lead,
            &ret,
            entry("22/05/2016", "POL-1", "Officers attended the address"),
        )
        .await;
        let listed = my_return(&w.pol_rep, &w.review).await;
        assert_eq!(listed["entryCount"], 2, "{listed:#}");
        assert_eq!(
            ids(&listed["entries"]),
            vec![id_of(&earlier), id_of(&later)],
            "entries in chronological order"
        );

        let updated = w
            .pol_rep
            .ok(
                &update_doc(),
                json!({ "id": id_of(&later), "v": 1, "i": entry("23/05/2016", "POL-2", "Referral to MASH about both children") }),
            )
            .await["updateChronologyEntry"]
            .clone();
        assert_eq!(updated["id"], later["id"]);
        assert_eq!(updated["version"], 2, "{updated:#}");
        assert_eq!(updated["event"], "Referral to MASH about both children");
        let deleted = w
            .pol_lead
            .ok(DELETE, json!({ "id": id_of(&earlier), "v": 1 }))
            .await;
        assert_eq!(deleted["deleteChronologyEntry"], true);
        let listed = my_return(&w.pol_rep, &w.review).await;
        assert_eq!(listed["entryCount"], 1);
        assert_eq!(listed["entries"][0]["id"], later["id"]);
        assert_eq!(listed["entries"][0]["event"], "Referral to MASH about both children");
        assert_eq!(listed["entries"][0]["version"], 2);

        // Members who are not the agency's representative or lead, and partnership roles,
        // may not edit it (which code they get: see `seeing_a_return_is_not_keeping_it`).
        for (who, client) in [
            ("practitioner", &w.pol_prac),
            ("business office", &w.office),
            ("chair", &w.chair),
            ("lead reviewer (of another agency)", &w.reviewer),
        ] {
            let body = client
                .gql(&add_doc(), json!({ "r": ret, "i": entry("24/05/2016", "X", "Not mine") }))
                .await;
            assert!(
                matches!(error_code(&body).as_deref(), Some("FORBIDDEN" | "NOT_FOUND")),
                "{who} added to POL's return: {body:#}"
            );
            assert!(body["data"].is_null(), "{who}: {body:#}");
        }
        assert_eq!(my_return(&w.pol_rep, &w.review).await["entryCount"], 1);

        // Another agency's return, and a review one is not a member of, are like missing ones.
        let theirs = id_of(&my_return(&w.csc_rep, &w.review).await);
        let their_entry = add(&w.csc_rep, &theirs, entry("22/05/2016", "CSC-1", "Strategy meeting")).await;
        my_return(&w.hlt_rep, &w.review).await;
        let missing = uuid();
        let file = b"Date,Source,Event\n1/1/2016,R1,Imported\n";
        for (who, client, target, target_entry) in [
            ("POL representative on CSC's return", &w.pol_rep, &theirs, id_of(&their_entry)),
            ("non-member on POL's return", &w.outsider, &ret, id_of(&later)),
        ] {
            let calls: [(&str, String, Value, Value); 6] = [
                (
                    "addChronologyEntry",
                    add_doc(),
                    json!({ "r": target, "i": entry("1/1/2016", "R", "E") }),
                    json!({ "r": missing, "i": entry("1/1/2016", "R", "E") }),
                ),
                (
                    "updateChronologyEntry",
                    update_doc(),
                    json!({ "id": target_entry, "v": 1, "i": entry("1/1/2016", "R", "E") }),
                    json!({ "id": missing, "v": 1, "i": entry("1/1/2016", "R", "E") }),
                ),
                (
                    "deleteChronologyEntry",
                    DELETE.to_owned(),
                    json!({ "id": target_entry, "v": 1 }),
                    json!({ "id": missing, "v": 1 }),
                ),
                (
                    "previewChronologyImport",
                    PREVIEW.to_owned(),
                    json!({ "r": target, "n": "c.csv", "c": base64(file) }),
                    json!({ "r": missing, "n": "c.csv", "c": base64(file) }),
                ),
                (
                    "confirmChronologyImport",
                    confirm_doc(),
                    json!({ "r": target, "n": "c.csv", "c": base64(file) }),
                    json!({ "r": missing, "n": "c.csv", "c": base64(file) }),
                ),
                (
                    "submitChronologyReturn",
                    SUBMIT.to_owned(),
                    json!({ "r": target }),
                    json!({ "r": missing }),
                ),
            ];
            for (op, doc, hidden_vars, missing_vars) in calls {
                let hidden = client.gql(&doc, hidden_vars).await;
                let absent = client.gql(&doc, missing_vars).await;
                assert_like_missing(&hidden, &absent, &format!("{who}: {op}"));
            }
        }
        let hidden = w
            .outsider
            .gql(&my_return_doc(), json!({ "id": w.review }))
            .await;
        assert_eq!(error_code(&hidden).as_deref(), Some("NOT_FOUND"), "{hidden:#}");
        let kept = my_return(&w.csc_rep, &w.review).await;
        assert_eq!(ids(&kept["entries"]), vec![id_of(&their_entry)], "CSC's return untouched");
        assert_eq!(kept["status"], "DRAFT");
        let kept = my_return(&w.pol_rep, &w.review).await;
        assert_eq!(kept["entryCount"], 1, "POL's return untouched: {kept:#}");

        // Who sees which returns.
        for (who, client, want) in [
            ("POL representative", &w.pol_rep, vec!["POL"]),
            ("POL practitioner", &w.pol_prac, vec!["POL"]),
            ("CSC representative", &w.csc_rep, vec!["CSC"]),
            ("business office", &w.office, vec!["CSC", "HLT", "POL"]),
            ("chair", &w.chair, vec!["CSC", "HLT", "POL"]),
            ("lead reviewer", &w.reviewer, vec!["CSC", "HLT", "POL"]),
        ] {
            let list = client.ok(&returns_doc(), json!({ "id": w.review })).await["review"]
                ["chronologyReturns"]
                .clone();
            let agencies: Vec<Value> = list
                .as_array()
                .expect("list")
                .iter()
                .map(|r| r["agency"].clone())
                .collect();
            assert_eq!(prefixes(&json!(agencies)), want, "{who}: {list:#}");
        }

        // Submitted: read-only, with a clear reason.
        let done = submit(&w.pol_rep, &ret).await;
        assert_eq!(done["status"], "SUBMITTED", "{done:#}");
        assert!(done["submittedAt"].is_string(), "{done:#}");
        let attempts = [
            (
                "add",
                w.pol_rep
                    .gql(&add_doc(), json!({ "r": ret, "i": entry("24/05/2016", "POL-3", "Late") }))
                    .await,
            ),
            (
                "update",
                w.pol_rep
                    .gql(
                        &update_doc(),
                        json!({ "id": id_of(&later), "v": 2, "i": entry("23/05/2016", "POL-2", "Changed") }),
                    )
                    .await,
            ),
            (
                "delete",
                w.pol_rep.gql(DELETE, json!({ "id": id_of(&later), "v": 2 })).await,
            ),
            ("import", confirm(&w.pol_rep, &ret, "c.csv", file).await),
        ];
        for (what, body) in &attempts {
            assert_refused(body, "VALIDATION", &format!("{what} on a submitted return"));
            assert!(
                said(body).contains("submitted"),
                "{what} on a submitted return: the message should say it is submitted: {body:#}"
            );
        }
        let kept = my_return(&w.pol_rep, &w.review).await;
        assert_eq!(kept["status"], "SUBMITTED");
        assert_eq!(kept["entryCount"], 1);
        assert_eq!(kept["entries"][0]["version"], 2);
        assert_eq!(kept["entries"][0]["event"], "Referral to MASH about both children");

        // Only the business office reopens.
        for (who, client) in [
            ("representative", &w.pol_rep),
            ("lead reviewer", &w.reviewer),
            ("chair", &w.chair),
        ] {
            let body = client.gql(REOPEN, json!({ "r": ret })).await;
            assert_refused(&body, "FORBIDDEN", who);
        }
        let reopened = w.office.ok(REOPEN, json!({ "r": ret })).await["reopenChronologyReturn"].clone();
        assert_eq!(reopened["status"], "REOPENED", "{reopened:#}");
        let again = w
            .pol_rep
            .ok(
                &update_doc(),
                json!({ "id": id_of(&later), "v": 2, "i": entry("23/05/2016", "POL-2", "Referral to MASH, corrected") }),
            )
            .await["updateChronologyEntry"]
            .clone();
        assert_eq!(again["version"], 3);
        assert_eq!(submit(&w.pol_rep, &ret).await["status"], "SUBMITTED");
    })
    .await
}

/// BUG (found by this test): the business office, the chair, a lead reviewer and a
/// practitioner of the agency all see the return (`chronologyReturns` lists it), yet every
/// change they try answers NOT_FOUND ("Chronology return not found." / "Entry not found."),
/// as if it did not exist. Per the access rules and the authorization matrix, a person who can
/// see an object but may not change it gets FORBIDDEN (as for decideDuplicateGroup,
/// annotateEntry and setChronologySettings); NOT_FOUND is only for another agency's return or
/// a review one is not a member of. `server/src/chronology/service.rs::kept_return` answers
/// NOT_FOUND whenever `keeps_return` is false; it should answer FORBIDDEN when the caller
/// `sees_all_returns` or is a member from the return's agency.
async fn seeing_a_return_is_not_keeping_it(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let ret = id_of(&my_return(&w.pol_rep, &w.review).await);
        let kept = add(
            &w.pol_rep,
            &ret,
            entry("22/05/2016", "POL-1", "Officers attended"),
        )
        .await;
        let file = base64(b"Date,Source,Event\n1/1/2016,R1,Imported\n");
        let mut wrong = Vec::new();
        for (who, client) in [
            ("business office", &w.office),
            ("chair", &w.chair),
            ("lead reviewer", &w.reviewer),
            ("POL practitioner (member)", &w.pol_prac),
        ] {
            let listed = client.ok(&returns_doc(), json!({ "id": w.review })).await["review"]
                ["chronologyReturns"]
                .clone();
            assert!(
                ids(&listed).contains(&ret),
                "{who} sees POL's return: {listed:#}"
            );
            let calls: [(&str, String, Value); 6] = [
                (
                    "addChronologyEntry",
                    add_doc(),
                    json!({ "r": ret, "i": entry("1/1/2016", "R", "E") }),
                ),
                (
                    "updateChronologyEntry",
                    update_doc(),
                    json!({ "id": kept["id"], "v": 1, "i": entry("1/1/2016", "R", "E") }),
                ),
                (
                    "deleteChronologyEntry",
                    DELETE.to_owned(),
                    json!({ "id": kept["id"], "v": 1 }),
                ),
                (
                    "previewChronologyImport",
                    PREVIEW.to_owned(),
                    json!({ "r": ret, "n": "c.csv", "c": file }),
                ),
                (
                    "confirmChronologyImport",
                    confirm_doc(),
                    json!({ "r": ret, "n": "c.csv", "c": file }),
                ),
                (
                    "submitChronologyReturn",
                    SUBMIT.to_owned(),
                    json!({ "r": ret }),
                ),
            ];
            for (op, doc, vars) in calls {
                let body = client.gql(&doc, vars).await;
                assert!(body["data"].is_null(), "{who}: {op}: {body:#}");
                let code = error_code(&body);
                if code.as_deref() != Some("FORBIDDEN") {
                    wrong.push(format!("{who}: {op} answered {code:?}"));
                }
            }
        }
        let now = my_return(&w.pol_rep, &w.review).await;
        assert_eq!(now["status"], "DRAFT");
        assert_eq!(ids(&now["entries"]), vec![id_of(&kept)], "nothing changed");
        assert!(
            wrong.is_empty(),
            "BUG: people who can see POL's return (it is in their chronologyReturns) are told it \
             does not exist when they may not change it; expected FORBIDDEN:\n{}",
            wrong.join("\n")
        );
    })
    .await
}

async fn entry_dates_and_times_keep_their_precision(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let ret = id_of(&my_return(&w.pol_rep, &w.review).await);
        // (as typed, as shown, sort day, precision, uncertain)
        let cases = [
            ("22/05/2016", "22 May 2016", "2016-05-22", "DAY", false),
            ("22/5/2016", "22 May 2016", "2016-05-22", "DAY", false),
            ("2016-05-22", "22 May 2016", "2016-05-22", "DAY", false),
            ("22 May 2016", "22 May 2016", "2016-05-22", "DAY", false),
            (
                "22 Nov 2015",
                "22 November 2015",
                "2015-11-22",
                "DAY",
                false,
            ),
            (
                "22 November 2015",
                "22 November 2015",
                "2015-11-22",
                "DAY",
                false,
            ),
            ("May 2016", "May 2016", "2016-05-01", "MONTH", false),
            ("March 2016", "March 2016", "2016-03-01", "MONTH", false),
            ("2016", "2016", "2016-01-01", "YEAR", false),
            ("?22/05/2016", "? 22 May 2016", "2016-05-22", "DAY", true),
            ("? May 2016", "? May 2016", "2016-05-01", "MONTH", true),
            ("?2016", "? 2016", "2016-01-01", "YEAR", true),
        ];
        let mut typed = Vec::new();
        for (i, (text, shown, on, precision, uncertain)) in cases.iter().enumerate() {
            let saved = add(
                &w.pol_rep,
                &ret,
                entry(text, &format!("T-{i}"), "Dated event"),
            )
            .await;
            assert_eq!(saved["startDate"], *shown, "{text}: {saved:#}");
            assert_eq!(saved["startOn"], *on, "{text}: {saved:#}");
            assert_eq!(saved["precision"], *precision, "{text}: {saved:#}");
            assert_eq!(saved["uncertain"], *uncertain, "{text}: {saved:#}");
            typed.push((id_of(&saved), *text, *shown, *on, *precision, *uncertain));
        }
        // Read back: as saved.
        let entries = my_return(&w.pol_rep, &w.review).await["entries"].clone();
        for (id, text, shown, on, precision, uncertain) in &typed {
            let read = find(&entries, "id", id);
            assert_eq!(read["startDate"], *shown, "{text} read back: {read:#}");
            assert_eq!(read["startOn"], *on, "{text}");
            assert_eq!(read["precision"], *precision, "{text}");
            assert_eq!(read["uncertain"], *uncertain, "{text}");
        }
        let on: Vec<&str> = entries
            .as_array()
            .expect("list")
            .iter()
            .map(|e| e["startOn"].as_str().unwrap_or_default())
            .collect();
        let mut sorted = on.clone();
        sorted.sort();
        assert_eq!(on, sorted, "entries in date order");

        // The same forms through the template import.
        let mut csv = String::from("Start Date,Source of Information,Event\n");
        for (i, (text, ..)) in cases.iter().enumerate() {
            csv.push_str(&format!("{text},I-{i},Imported event\n"));
        }
        let imported = confirmed(&w.pol_rep, &ret, csv.as_bytes()).await;
        let entries = imported["entries"].clone();
        assert_eq!(imported["entryCount"], cases.len(), "{imported:#}");
        for (i, (text, shown, on, precision, uncertain)) in cases.iter().enumerate() {
            let read = find(&entries, "source", &format!("I-{i}"));
            assert_eq!(read["startDate"], *shown, "imported {text}: {read:#}");
            assert_eq!(read["startOn"], *on, "imported {text}");
            assert_eq!(read["precision"], *precision, "imported {text}");
            assert_eq!(read["uncertain"], *uncertain, "imported {text}");
        }

        // Times, start and end.
        for (i, time) in ["14:30", "1430", "2.30pm"].iter().enumerate() {
            let mut input = entry("22/05/2016", &format!("TIME-{i}"), "Timed event");
            input["startTime"] = json!(time);
            input["endDate"] = json!("22/05/2016");
            input["endTime"] = json!(time);
            let saved = add(&w.pol_rep, &ret, input).await;
            assert_eq!(saved["startTime"], "14:30", "{time}: {saved:#}");
            assert_eq!(saved["endTime"], "14:30", "{time}: {saved:#}");
            assert_eq!(saved["endDate"], "22 May 2016", "{time}: {saved:#}");
        }

        // Text is stored as written, formula-like or not; sharing by prefix or by name.
        let mut input = entry("22/05/2016", "@POL-9", "=HYPERLINK(\"http://x.example\")");
        input["actionTaken"] = json!("+44 1604 000000");
        input["practitionerComment"] = json!("-no comment");
        input["eventType"] = json!("Home visit");
        input["seq"] = json!(7);
        input["sharedWith"] = json!(["csc", "Northshire Health"]);
        let saved = add(&w.pol_rep, &ret, input).await;
        assert_eq!(saved["source"], "@POL-9");
        assert_eq!(saved["event"], "=HYPERLINK(\"http://x.example\")");
        assert_eq!(saved["actionTaken"], "+44 1604 000000");
        assert_eq!(saved["practitionerComment"], "-no comment");
        assert_eq!(saved["eventType"], "Home visit");
        assert_eq!(saved["seq"], 7);
        assert_eq!(saved["note"], false);
        assert_eq!(prefixes(&saved["sharedWith"]), ["CSC", "HLT"], "{saved:#}");
        let note = add(
            &w.pol_rep,
            &ret,
            entry("2016", "#author", "Checked with records"),
        )
        .await;
        assert_eq!(
            note["note"], true,
            "a source starting with # is an author's note: {note:#}"
        );

        // Refused input names its field and writes nothing.
        let count = my_return(&w.pol_rep, &w.review).await["entryCount"].clone();
        let mut end_before = entry("22/05/2016", "BAD-1", "Ends before it starts");
        end_before["endDate"] = json!("21/05/2016");
        let mut earlier_time = entry("22/05/2016", "BAD-2", "Ends before it starts, same day");
        earlier_time["startTime"] = json!("14:30");
        earlier_time["endDate"] = json!("22/05/2016");
        earlier_time["endTime"] = json!("09:00");
        let mut bad_time = entry("22/05/2016", "BAD-3", "Bad time");
        bad_time["startTime"] = json!("25:00");
        let bad = [
            ("end before start", end_before, "enddate"),
            ("end time before start time", earlier_time, "end"),
            (
                "no such day",
                entry("31/02/2016", "BAD-4", "No such day"),
                "startdate",
            ),
            (
                "not a date",
                entry("next Tuesday", "BAD-5", "Not a date"),
                "startdate",
            ),
            ("bad time", bad_time, "starttime"),
            (
                "unknown agency",
                shared(entry("22/05/2016", "BAD-6", "Told"), &["DEN"]),
                "sharedwith",
            ),
            (
                "agency not of this review",
                shared(entry("22/05/2016", "BAD-7", "Told"), &["EDU"]),
                "sharedwith",
            ),
            (
                "agency not of this review, by name",
                shared(
                    entry("22/05/2016", "BAD-8", "Told"),
                    &["Northshire Schools"],
                ),
                "sharedwith",
            ),
            ("empty event", entry("22/05/2016", "BAD-9", "  "), "event"),
            (
                "empty source",
                entry("22/05/2016", "", "No source"),
                "source",
            ),
        ];
        for (what, input, field) in bad {
            let body = w
                .pol_rep
                .gql(&add_doc(), json!({ "r": ret, "i": input }))
                .await;
            assert_refused(&body, "VALIDATION", what);
            let fields = problem_fields(&body);
            assert!(
                fields.iter().any(|f| f.to_lowercase().contains(field)),
                "{what}: the problem should name {field}: {fields:?} {body:#}"
            );
        }
        assert_eq!(
            my_return(&w.pol_rep, &w.review).await["entryCount"],
            count,
            "refused entries write nothing"
        );
    })
    .await
}

async fn a_stale_version_is_a_conflict_with_the_stored_entry(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let ret = id_of(&my_return(&w.pol_rep, &w.review).await);
        let created = add(&w.pol_rep, &ret, entry("22/05/2016", "POL-1", "First account")).await;
        let id = id_of(&created);
        let saved = w
            .pol_lead
            .ok(
                &update_doc(),
                json!({ "id": id, "v": 1, "i": entry("22/05/2016", "POL-1", "The lead's account") }),
            )
            .await["updateChronologyEntry"]
            .clone();
        assert_eq!(saved["version"], 2);

        let body = w
            .pol_rep
            .gql(
                &update_doc(),
                json!({ "id": id, "v": 1, "i": entry("22/05/2016", "POL-1", "The representative's account") }),
            )
            .await;
        assert_refused(&body, "CONFLICT", "stale update");
        let current = &body["errors"][0]["extensions"]["current"];
        assert_eq!(current["id"], id.as_str(), "extensions.current: {body:#}");
        assert_eq!(current["version"], 2, "extensions.current: {body:#}");
        assert_eq!(current["event"], "The lead's account", "extensions.current: {body:#}");
        assert_eq!(current["startDate"], "22 May 2016", "extensions.current: {body:#}");

        let body = w.pol_rep.gql(DELETE, json!({ "id": id, "v": 1 })).await;
        assert_refused(&body, "CONFLICT", "stale delete");

        let kept = my_return(&w.pol_rep, &w.review).await;
        assert_eq!(kept["entryCount"], 1);
        let read = &kept["entries"][0];
        assert_eq!(read["event"], "The lead's account", "a conflict writes nothing");
        assert_eq!(read["version"], 2);

        // With the current version the save goes through.
        let merged = w
            .pol_rep
            .ok(
                &update_doc(),
                json!({ "id": id, "v": 2, "i": entry("22/05/2016", "POL-1", "Both accounts merged") }),
            )
            .await["updateChronologyEntry"]
            .clone();
        assert_eq!(merged["version"], 3);
        assert_eq!(
            w.pol_rep.ok(DELETE, json!({ "id": id, "v": 3 })).await["deleteChronologyEntry"],
            true
        );
        let body = w.pol_rep.gql(DELETE, json!({ "id": id, "v": 3 })).await;
        assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"), "deleted: {body:#}");
    })
    .await
}

const TEMPLATE: &str = "Seq,Start Date,Start Time,End Date,End Time,Source of Information,Event Type,Event,Action Taken,Information Shared With,Practitioner Comment\r\n\
1,22/05/2016,14:30,,,POL-100,Incident,\"Officers attended, mother \"\"upset\"\"\",Referral made,CSC; Northshire Health,\r\n\
2,May 2016,,,,POL-101,,Intelligence report received,,,\r\n\
,? 2016,,,,#author note,,,,,\r\n";

async fn an_import_is_previewed_then_written_in_one_go(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let ret = id_of(&my_return(&w.pol_rep, &w.review).await);
        let typed = add(
            &w.pol_rep,
            &ret,
            entry("1/1/2016", "TYPED", "Typed by hand"),
        )
        .await;

        let body = preview(&w.pol_rep, &ret, "chronology.csv", TEMPLATE.as_bytes()).await;
        assert!(body.get("errors").is_none(), "{body:#}");
        let shown = &body["data"]["previewChronologyImport"];
        assert_eq!(shown["ok"], true, "{shown:#}");
        assert_eq!(shown["problems"], json!([]));
        // Importing would replace the one entry typed in the browser.
        assert_eq!(shown["replacesEntries"], 1, "{shown:#}");
        assert_eq!(shown["replacesTypedEntries"], 1, "{shown:#}");
        let rows = shown["entries"].as_array().expect("rows");
        assert_eq!(rows.len(), 3, "{shown:#}");
        assert_eq!(rows[0]["row"], 2);
        assert_eq!(rows[0]["startDate"], "22 May 2016");
        assert_eq!(rows[0]["startTime"], "14:30");
        assert_eq!(rows[0]["event"], "Officers attended, mother \"upset\"");
        assert_eq!(rows[0]["eventType"], "Incident");
        // Every column is shown before anything is written.
        assert_eq!(rows[0]["seq"], 1);
        assert_eq!(rows[0]["actionTaken"], "Referral made");
        assert_eq!(rows[0]["endDate"], Value::Null);
        assert_eq!(rows[0]["practitionerComment"], Value::Null);
        assert_eq!(rows[1]["seq"], 2);
        assert_eq!(rows[1]["actionTaken"], Value::Null);
        assert_eq!(
            rows[0]["sharedWith"].as_array().map(Vec::len),
            Some(2),
            "{shown:#}"
        );
        assert_eq!(rows[1]["row"], 3);
        assert_eq!(rows[1]["startDate"], "May 2016");
        assert_eq!(rows[2]["startDate"], "? 2016");
        assert_eq!(rows[2]["note"], true);
        let after = my_return(&w.pol_rep, &w.review).await;
        assert_eq!(
            ids(&after["entries"]),
            vec![id_of(&typed)],
            "a preview writes nothing"
        );

        // Confirm: the file's rows replace the return's entries.
        let written = confirmed(&w.pol_rep, &ret, TEMPLATE.as_bytes()).await;
        assert_eq!(written["entryCount"], 3, "{written:#}");
        let entries = &written["entries"];
        let sources: Vec<&str> = entries
            .as_array()
            .expect("list")
            .iter()
            .map(|e| e["source"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(
            sources,
            ["#author note", "POL-101", "POL-100"],
            "in date order: {written:#}"
        );
        let first = find(entries, "source", "POL-100");
        assert_eq!(first["seq"], 1);
        assert_eq!(first["startTime"], "14:30");
        assert_eq!(first["event"], "Officers attended, mother \"upset\"");
        assert_eq!(first["actionTaken"], "Referral made");
        assert_eq!(first["practitionerComment"], Value::Null);
        assert_eq!(prefixes(&first["sharedWith"]), ["CSC", "HLT"]);
        assert_eq!(find(entries, "source", "POL-101")["precision"], "MONTH");
        let note = find(entries, "source", "#author note");
        assert_eq!(note["note"], true);
        assert_eq!(note["precision"], "YEAR");
        assert_eq!(note["uncertain"], true);
        let read = my_return(&w.pol_rep, &w.review).await;
        assert_eq!(
            read["entries"], written["entries"],
            "what was written is what is read"
        );
        // What a second import would replace: the three from the file and one typed.
        add(
            &w.pol_rep,
            &ret,
            entry("2/1/2016", "TYPED-2", "Typed after the import"),
        )
        .await;
        let again = preview(&w.pol_rep, &ret, "chronology.csv", TEMPLATE.as_bytes()).await;
        let again = &again["data"]["previewChronologyImport"];
        assert_eq!(again["replacesEntries"], 4, "{again:#}");
        assert_eq!(again["replacesTypedEntries"], 1, "{again:#}");

        // Headings in any case, with the aliases; the lead may import too.
        let aliases = "date,TIME,Record,Type,What happened,Outcome,Shared With,Comments\n\
                       3/6/2016,0930,REC-1,Strategy,Strategy discussion,Section 47,\"POL,CSC\",ok\n\
                       2016-06-04,,REC-2,,=SUM(A1) stays text,,,\n\
                       2016-06-05,,@REC-3,,+Mother rang the office,-none-,,@duty desk\n";
        let written = confirmed(&w.pol_lead, &ret, aliases.as_bytes()).await;
        assert_eq!(written["entryCount"], 3, "{written:#}");
        let formulas = find(&written["entries"], "source", "@REC-3");
        assert_eq!(
            formulas["event"], "+Mother rang the office",
            "stored as written"
        );
        assert_eq!(formulas["actionTaken"], "-none-");
        assert_eq!(formulas["practitionerComment"], "@duty desk");
        let strategy = find(&written["entries"], "source", "REC-1");
        assert_eq!(strategy["startDate"], "3 June 2016");
        assert_eq!(strategy["startTime"], "09:30");
        assert_eq!(strategy["eventType"], "Strategy");
        assert_eq!(strategy["event"], "Strategy discussion");
        assert_eq!(strategy["actionTaken"], "Section 47");
        assert_eq!(strategy["practitionerComment"], "ok");
        assert_eq!(prefixes(&strategy["sharedWith"]), ["CSC", "POL"]);
        assert_eq!(
            find(&written["entries"], "source", "REC-2")["event"],
            "=SUM(A1) stays text"
        );

        // A larger file (well under the size limit) goes through as well.
        let mut big = String::from("Start Date,Source of Information,Event\n");
        for i in 0..3000 {
            big.push_str(&format!(
                "{}/{}/2016,BIG-{i},Contact number {i} recorded\n",
                i % 28 + 1,
                i % 12 + 1
            ));
        }
        let body = confirm(&w.pol_rep, &ret, "big.csv", big.as_bytes()).await;
        assert!(body.get("errors").is_none(), "3,000 rows: {body:#}");
        assert_eq!(body["data"]["confirmChronologyImport"]["entryCount"], 3000);
    })
    .await
}

async fn a_bad_import_lists_every_problem_and_writes_nothing(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let ret = id_of(&my_return(&w.pol_rep, &w.review).await);
        let typed = add(
            &w.pol_rep,
            &ret,
            entry("1/1/2016", "TYPED", "Typed by hand"),
        )
        .await;
        let untouched = || async {
            let now = my_return(&w.pol_rep, &w.review).await;
            assert_eq!(now["entryCount"], 1, "nothing written: {now:#}");
            assert_eq!(now["entries"][0]["id"], typed["id"]);
            assert_eq!(now["entries"][0]["version"], 1);
        };

        let csv =
            "Start Date,Source of Information,Event,End Date,Information Shared With,Start Time\n\
                   31/02/2016,R1,Something,,,\n\
                   22/05/2016,,,,,\n\
                   22/05/2016,R3,Ended early,21/05/2016,,\n\
                   22/05/2016,R4,Told the dentist,,DEN,\n\
                   22/05/2016,R5,Told the school,,EDU,\n\
                   ,R6,No date,,,\n\
                   22/05/2016,R7,Bad time,,,25:00\n\
                   22/05/2016,R8,A good row,,POL; csc,\n";
        let want = [
            (2, "Start Date"),
            (3, "Source of Information"),
            (3, "Event"),
            (4, "End Date"),
            (5, "Information Shared With"),
            (6, "Information Shared With"),
            (7, "Start Date"),
            (8, "Start Time"),
        ];
        let body = preview(&w.pol_rep, &ret, "chronology.csv", csv.as_bytes()).await;
        assert!(body.get("errors").is_none(), "{body:#}");
        let shown = &body["data"]["previewChronologyImport"];
        assert_eq!(shown["ok"], false, "{shown:#}");
        assert_eq!(shown["entries"], json!([]), "no rows when not ok");
        let found: Vec<(i64, String)> = shown["problems"]
            .as_array()
            .expect("problems")
            .iter()
            .map(|p| {
                (
                    p["row"].as_i64().unwrap_or(-1),
                    p["column"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let expected: Vec<(i64, String)> =
            want.iter().map(|(r, c)| (*r, (*c).to_owned())).collect();
        assert_eq!(
            found, expected,
            "every problem with its row and column: {shown:#}"
        );
        let dentist = &shown["problems"][4]["message"];
        assert!(
            dentist.as_str().unwrap_or_default().contains("DEN"),
            "the unknown agency is named: {dentist}"
        );
        untouched().await;

        let body = confirm(&w.pol_rep, &ret, "chronology.csv", csv.as_bytes()).await;
        assert_refused(&body, "VALIDATION", "confirming a file with bad rows");
        let fields = problem_fields(&body);
        let expected: Vec<String> = want.iter().map(|(r, c)| format!("row {r}, {c}")).collect();
        assert_eq!(fields, expected, "{body:#}");
        let messages: Vec<&str> = body["errors"][0]["extensions"]["problems"]
            .as_array()
            .expect("problems")
            .iter()
            .map(|p| p["message"].as_str().unwrap_or_default())
            .collect();
        assert!(
            messages.iter().all(|m| !m.trim().is_empty()),
            "every problem has a reason: {body:#}"
        );
        assert!(
            messages[3].contains("before the start"),
            "end before start: {body:#}"
        );
        untouched().await;

        // Files refused as a whole, each with a clear reason.
        let mut pdf = b"%PDF-1.4\n".to_vec();
        pdf.extend_from_slice(b"1 0 obj << /Type /Catalog >> endobj\n");
        let cases: [(&str, &str, Vec<u8>, &[&str]); 9] = [
            ("empty file", "chronology.csv", Vec::new(), &["empty"]),
            (
                "blank lines only",
                "chronology.csv",
                b"\r\n \n".to_vec(),
                &["empty"],
            ),
            (
                "headings only",
                "chronology.csv",
                b"Start Date,Source,Event\r\n".to_vec(),
                &["no entries"],
            ),
            (
                "missing mandatory columns",
                "chronology.csv",
                b"Date,Comment\n1/1/2016,x\n".to_vec(),
                &["source of information", "missing"],
            ),
            (
                "an XLSX workbook (zip)",
                "chronology.xlsx",
                b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00rest-of-a-zip".to_vec(),
                &[],
            ),
            (
                "a zip named .csv",
                "chronology.csv",
                b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00rest-of-a-zip".to_vec(),
                &[],
            ),
            (
                "a binary file",
                "chronology.csv",
                b"\x00\x01\x02binary\x00\xff".to_vec(),
                &[],
            ),
            ("a PDF", "chronology.pdf", pdf, &[]),
            (
                "an unclosed quote",
                "chronology.csv",
                b"Date,Source,Event\n1/1/2016,R1,\"never closed\n".to_vec(),
                &["quote"],
            ),
        ];
        for (what, name, bytes, reasons) in &cases {
            let body = preview(&w.pol_rep, &ret, name, bytes).await;
            assert!(body.get("errors").is_none(), "preview of {what}: {body:#}");
            let shown = &body["data"]["previewChronologyImport"];
            assert_eq!(shown["ok"], false, "{what}: {shown:#}");
            assert_eq!(shown["entries"], json!([]), "{what}");
            let text = shown["problems"].to_string().to_lowercase();
            assert!(
                shown["problems"].as_array().is_some_and(|l| !l.is_empty()),
                "{what}: a reason is given: {shown:#}"
            );
            let body = confirm(&w.pol_rep, &ret, name, bytes).await;
            assert_refused(&body, "VALIDATION", what);
            let told = said(&body);
            for reason in reasons.iter() {
                assert!(
                    text.contains(reason),
                    "preview of {what} should say {reason:?}: {shown:#}"
                );
                assert!(
                    told.contains(reason),
                    "{what} should say {reason:?}: {body:#}"
                );
            }
            if reasons.is_empty() {
                // Not a CSV: the reason says what kind of file is wanted.
                for t in [&text, &told] {
                    assert!(
                        ["excel", "xlsx", "csv", "spreadsheet", "workbook"]
                            .iter()
                            .any(|w| t.contains(w)),
                        "{what}: the reason should say what kind of file is wanted: {t}"
                    );
                }
            }
            untouched().await;
        }
        let missing = confirm(&w.pol_rep, &ret, "c.csv", b"Date,Comment\n1/1/2016,x\n").await;
        assert_eq!(
            problem_fields(&missing),
            ["row 1, Source of Information", "row 1, Event"],
            "{missing:#}"
        );

        // Over the upload limit (5 MiB by default): refused, no crash.
        let mut huge = String::from("Start Date,Source of Information,Event\n");
        let mut i = 0;
        // Just over the 5 MiB file limit, still under the request cap: a VALIDATION answer.
        while huge.len() < 5_260_000 {
            huge.push_str(&format!(
                "22/05/2016,HUGE-{i},A long account of contact number {i}\n"
            ));
            i += 1;
        }
        let body = json!({
            "query": confirm_doc(),
            "variables": { "r": ret, "n": "huge.csv", "c": base64(huge.as_bytes()) },
        })
        .to_string();
        let response = w
            .pol_rep
            .http
            .post(format!("{}/graphql", w.pol_rep.base))
            .header("origin", &w.pol_rep.base)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("the server answers an over-size upload");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        let refused = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|b| error_code(&b))
            .is_some_and(|c| c == "VALIDATION");
        assert!(
            refused,
            "over-size file: expected VALIDATION naming the limit, got {status}: {text:.500}"
        );
        untouched().await;

        // A large file within the limit (over axum's own 2 MiB default) is read.
        let mut large = String::from("Start Date,Source of Information,Event\n");
        let mut n = 0;
        while large.len() < 3_000_000 {
            large.push_str(&format!(
                "22/05/2016,LARGE-{n},{}\n",
                "A long account of a home visit with the family and what was seen. ".repeat(4)
            ));
            n += 1;
        }
        let body = preview(&w.pol_rep, &ret, "large.csv", large.as_bytes()).await;
        assert!(
            body.get("errors").is_none(),
            "a 3 MB file: {:.500}",
            body.to_string()
        );
        assert_eq!(body["data"]["previewChronologyImport"]["ok"], true);
        assert_eq!(
            body["data"]["previewChronologyImport"]["entries"]
                .as_array()
                .map(Vec::len),
            Some(n)
        );
    })
    .await
}

async fn text_encodings_are_converted_not_mangled(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let ret = id_of(&my_return(&w.pol_rep, &w.review).await);
        let want = "Mother’s “concern” £5";
        let utf8 = format!("Date,Source,Event\n1/1/2016,R1,{want}\n");
        let files: [(&str, Vec<u8>); 5] = [
            ("UTF-8", utf8.clone().into_bytes()),
            ("UTF-8 with BOM", format!("\u{feff}{utf8}").into_bytes()),
            (
                "UTF-8 with BOM and CRLF",
                format!("\u{feff}{}", utf8.replace('\n', "\r\n")).into_bytes(),
            ),
            (
                "Windows-1252 with CRLF",
                b"Date,Source,Event\r\n1/1/2016,R1,Mother\x92s \x93concern\x94 \xa35\r\n".to_vec(),
            ),
            (
                "Windows-1252 without a last line break",
                b"Date,Source,Event\n1/1/2016,R1,Mother\x92s \x93concern\x94 \xa35".to_vec(),
            ),
        ];
        for (what, bytes) in files {
            let body = preview(&w.pol_rep, &ret, "chronology.csv", &bytes).await;
            assert!(body.get("errors").is_none(), "{what}: {body:#}");
            let shown = &body["data"]["previewChronologyImport"];
            assert_eq!(shown["ok"], true, "{what}: {shown:#}");
            assert_eq!(shown["entries"][0]["event"], want, "{what}: {shown:#}");
            let written = confirmed(&w.pol_rep, &ret, &bytes).await;
            assert_eq!(written["entryCount"], 1, "{what}: {written:#}");
            let read = &written["entries"][0];
            assert_eq!(read["event"], want, "{what}: {read:#}");
            assert_eq!(
                read["source"], "R1",
                "{what}: no stray \\r or BOM: {read:#}"
            );
            assert_eq!(read["startDate"], "1 January 2016", "{what}: {read:#}");
        }
    })
    .await
}

/// POL's return by upload (three rows), CSC's typed (three entries), both submitted; HLT's
/// typed and left as a draft.
struct Scene {
    pol_return: String,
    csc_return: String,
    /// POL: 01/03 welfare check, 22/05 14:30 joint visit after a domestic incident (shared with
    /// CSC), 23/05 referral.
    p1: String,
    p2: String,
    p3: String,
    /// CSC: 01/03 welfare check (like p1), 25/04 letter (shared with POL, unconfirmed),
    /// 22/05 joint visit (like p2).
    c1: String,
    c2: String,
    c3: String,
    hlt_draft: String,
}

const POL_FILE: &str = "Seq,Start Date,Start Time,Source of Information,Event,Information Shared With\n\
1,01/03/2016,,POL-1,\"Police welfare check at home address, no concerns\",\n\
2,22/05/2016,14:30,POL-2,\"Joint visit with social worker to home address after report of domestic incident, mother injured\",CSC\n\
3,23/05/2016,,POL-3,Officer made referral to MASH about the children,\n";

/// The POL file with its third row changed.
const POL_FILE_CHANGED: &str = "Seq,Start Date,Start Time,Source of Information,Event,Information Shared With\n\
1,01/03/2016,,POL-1,\"Police welfare check at home address, no concerns\",\n\
2,22/05/2016,14:30,POL-2,\"Joint visit with social worker to home address after report of domestic incident, mother injured\",CSC\n\
3,24/05/2016,,POL-3,Officer made referral to MASH about both children,\n";

async fn scene(w: &World) -> Scene {
    let pol_return = id_of(&my_return(&w.pol_rep, &w.review).await);
    let written = confirmed(&w.pol_rep, &pol_return, POL_FILE.as_bytes()).await;
    let by_source = |s: &str| id_of(find(&written["entries"], "source", s));
    let (p1, p2, p3) = (by_source("POL-1"), by_source("POL-2"), by_source("POL-3"));
    submit(&w.pol_rep, &pol_return).await;

    let csc_return = id_of(&my_return(&w.csc_rep, &w.review).await);
    let c1 = id_of(
        &add(
            &w.csc_rep,
            &csc_return,
            entry(
                "01/03/2016",
                "CSC-1",
                "Welfare check at home address by police, no concerns found",
            ),
        )
        .await,
    );
    let c2 = id_of(
        &add(
            &w.csc_rep,
            &csc_return,
            shared(
                entry(
                    "25/04/2016",
                    "CSC-2",
                    "Letter sent to school about attendance",
                ),
                &["POL"],
            ),
        )
        .await,
    );
    let c3 = id_of(
        &add(
            &w.csc_rep,
            &csc_return,
            entry(
                "22/05/2016",
                "CSC-3",
                "Joint visit with police to home address after domestic incident, mother injured",
            ),
        )
        .await,
    );
    submit(&w.csc_rep, &csc_return).await;

    let hlt_return = id_of(&my_return(&w.hlt_rep, &w.review).await);
    let hlt_draft = id_of(
        &add(
            &w.hlt_rep,
            &hlt_return,
            entry(
                "22/05/2016",
                "HLT-1",
                "Mother attended A&E with injuries after domestic incident at home address",
            ),
        )
        .await,
    );
    Scene {
        pol_return,
        csc_return,
        p1,
        p2,
        p3,
        c1,
        c2,
        c3,
        hlt_draft,
    }
}

fn sorted_key(a: &str, b: &str) -> String {
    let mut pair = [a, b];
    pair.sort();
    pair.join(",")
}

fn group<'a>(chronology: &'a Value, a: &str, b: &str) -> &'a Value {
    let want: BTreeSet<&str> = [a, b].into_iter().collect();
    chronology["duplicateGroups"]
        .as_array()
        .and_then(|groups| {
            groups.iter().find(|g| {
                g["entries"]
                    .as_array()
                    .map(|l| {
                        l.iter()
                            .filter_map(|e| e["id"].as_str())
                            .collect::<BTreeSet<_>>()
                    })
                    .as_ref()
                    == Some(&want)
            })
        })
        .unwrap_or_else(|| panic!("no duplicate group of {a} and {b}: {chronology:#}"))
}

fn flag<'a>(chronology: &'a Value, entry: &str, with: &str) -> &'a Value {
    chronology["sharing"]
        .as_array()
        .and_then(|l| {
            l.iter()
                .find(|f| f["entry"]["id"] == entry && f["with"]["id"] == with)
        })
        .unwrap_or_else(|| panic!("no sharing flag for {entry} with {with}: {chronology:#}"))
}

fn annotations_of<'a>(chronology: &'a Value, entry: &str) -> &'a Value {
    chronology["annotations"]
        .as_array()
        .and_then(|l| l.iter().find(|a| a["entryId"] == entry))
        .map(|a| &a["annotations"])
        .unwrap_or_else(|| panic!("no annotations on {entry}: {chronology:#}"))
}

async fn the_integrated_chronology_merges_submitted_returns(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        // Nothing submitted yet: an empty chronology for the business office.
        let empty = integrated(&w.office, &w.review).await;
        assert_eq!(empty["entries"], json!([]), "{empty:#}");
        let s = scene(&w).await;

        let merged = integrated(&w.office, &w.review).await;
        let got: BTreeSet<String> = ids(&merged["entries"]).into_iter().collect();
        let want: BTreeSet<String> = [&s.p1, &s.p2, &s.p3, &s.c1, &s.c2, &s.c3]
            .into_iter()
            .cloned()
            .collect();
        assert_eq!(got, want, "submitted entries only (not HLT's draft): {merged:#}");
        assert!(!got.contains(&s.hlt_draft));
        let order = ids(&merged["entries"]);
        let days: Vec<&str> = merged["entries"]
            .as_array()
            .expect("list")
            .iter()
            .map(|e| e["startOn"].as_str().unwrap_or_default())
            .collect();
        let mut sorted = days.clone();
        sorted.sort();
        assert_eq!(days, sorted, "in date order: {merged:#}");
        let at = |id: &str| order.iter().position(|x| x == id).expect("in order");
        assert!(at(&s.c3) < at(&s.p2), "untimed before timed on the same day");
        assert!(at(&s.p2) < at(&s.p3));

        // Duplicate groups across agencies, undecided, in chronological order.
        let groups = merged["duplicateGroups"].as_array().expect("groups");
        assert_eq!(groups.len(), 2, "{merged:#}");
        let early = group(&merged, &s.p1, &s.c1);
        let late = group(&merged, &s.p2, &s.c3);
        assert_eq!(early["key"], sorted_key(&s.p1, &s.c1), "the key is the sorted ids");
        assert_eq!(late["key"], sorted_key(&s.p2, &s.c3));
        assert_eq!(early["decision"], Value::Null);
        assert_eq!(late["decision"], Value::Null);
        assert_eq!(groups[0]["key"], early["key"], "groups in chronological order");
        // Each proposed group says why, with its score and probability.
        for g in [&early, &late] {
            let evidence = g["evidence"].as_array().expect("evidence");
            assert!(!evidence.is_empty(), "{g:#}");
            assert!(
                evidence.iter().any(|r| r.as_str().is_some_and(|r| r.contains("same day"))),
                "{g:#}"
            );
            assert!(g["score"].as_f64().is_some_and(f64::is_finite), "{g:#}");
            let p = g["probability"].as_f64().expect("probability");
            assert!(p > 0.0 && p <= 1.0, "{g:#}");
        }

        // Information sharing: P2 told CSC, and CSC has an entry that day; CSC's letter to
        // POL has no POL entry within 2 days.
        assert_eq!(merged["sharing"].as_array().map(Vec::len), Some(2), "{merged:#}");
        let told = flag(&merged, &s.p2, &w.csc);
        assert_eq!(told["confirmed"], true, "{told:#}");
        assert_eq!(told["confirmedBy"]["id"], s.c3.as_str());
        let letter = flag(&merged, &s.c2, &w.pol);
        assert_eq!(letter["confirmed"], false, "{letter:#}");
        assert_eq!(letter["confirmedBy"], Value::Null);
        // Both say why, in words.
        for f in [&told, &letter] {
            assert!(f["why"].as_str().is_some_and(|w| !w.is_empty()), "{f:#}");
        }

        // Gaps over 28 days: 1 March to 25 April (54 days between); not 25 April to 22 May (26).
        assert_eq!(merged["sharingToleranceDays"], 2);
        assert_eq!(merged["gapThresholdDays"], 28);
        assert_eq!(
            merged["gaps"],
            json!([{ "after": "2016-03-01", "before": "2016-04-25", "days": 54 }]),
            "{merged:#}"
        );
        assert_eq!(merged["sharedAt"], Value::Null);

        // Settings: business office or lead reviewer.
        for (who, client) in [("representative", &w.pol_rep), ("chair", &w.chair)] {
            let body = client
                .gql(
                    &settings_doc(),
                    json!({ "id": w.review, "i": { "sharingToleranceDays": 30, "gapThresholdDays": 60 } }),
                )
                .await;
            assert_refused(&body, "FORBIDDEN", who);
        }
        let body = w
            .office
            .gql(
                &settings_doc(),
                json!({ "id": w.review, "i": { "sharingToleranceDays": -1, "gapThresholdDays": 60 } }),
            )
            .await;
        assert_refused(&body, "VALIDATION", "a negative tolerance");
        let changed = w
            .reviewer
            .ok(
                &settings_doc(),
                json!({ "id": w.review, "i": { "sharingToleranceDays": 30, "gapThresholdDays": 60 } }),
            )
            .await["setChronologySettings"]
            .clone();
        assert_eq!(changed["gapThresholdDays"], 60);
        assert_eq!(changed["sharingToleranceDays"], 30);
        assert_eq!(changed["gaps"], json!([]), "no gap over 60 days: {changed:#}");
        // Within 30 days POL has entries, but none records receiving the letter.
        let letter = flag(&changed, &s.c2, &w.pol);
        assert_eq!(letter["confirmed"], false, "within 30 days: {letter:#}");
        assert_eq!(letter["confirmedBy"], Value::Null);
        let kept = integrated(&w.chair, &w.review).await;
        assert_eq!(kept["gapThresholdDays"], 60, "settings are kept");
        let back = w
            .office
            .ok(
                &settings_doc(),
                json!({ "id": w.review, "i": { "sharingToleranceDays": 2, "gapThresholdDays": 10 } }),
            )
            .await["setChronologySettings"]
            .clone();
        assert_eq!(
            back["gaps"],
            json!([
                { "after": "2016-03-01", "before": "2016-04-25", "days": 54 },
                { "after": "2016-04-25", "before": "2016-05-22", "days": 26 },
            ]),
            "{back:#}"
        );
        assert_eq!(flag(&back, &s.c2, &w.pol)["confirmed"], false);

        // Members see it only once the business office shares it.
        for (who, client) in [("office", &w.office), ("chair", &w.chair), ("lead reviewer", &w.reviewer)] {
            assert!(integrated(client, &w.review).await.is_object(), "{who} sees it before sharing");
        }
        for (who, client) in [
            ("POL representative", &w.pol_rep),
            ("POL practitioner", &w.pol_prac),
            ("CSC representative", &w.csc_rep),
            ("HLT representative", &w.hlt_rep),
        ] {
            assert_eq!(integrated(client, &w.review).await, Value::Null, "{who} before sharing");
        }
        for (who, client) in [("representative", &w.pol_rep), ("lead reviewer", &w.reviewer), ("chair", &w.chair)] {
            let body = client.gql(&share_doc(), json!({ "id": w.review })).await;
            assert_refused(&body, "FORBIDDEN", who);
        }
        assert_eq!(integrated(&w.pol_rep, &w.review).await, Value::Null, "a refused share shares nothing");
        let shared_now = w.office.ok(&share_doc(), json!({ "id": w.review })).await
            ["shareIntegratedChronology"]
            .clone();
        assert!(shared_now["sharedAt"].is_string(), "{shared_now:#}");
        for (who, client) in [("POL representative", &w.pol_rep), ("CSC representative", &w.csc_rep), ("HLT representative", &w.hlt_rep)] {
            let seen = integrated(client, &w.review).await;
            assert!(seen.is_object(), "{who} after sharing");
            assert_eq!(ids(&seen["entries"]), order, "{who} sees the whole chronology");
            assert!(seen["sharedAt"].is_string());
        }
        let hidden = w.outsider.gql(&integrated_doc(), json!({ "id": w.review })).await;
        assert_eq!(error_code(&hidden).as_deref(), Some("NOT_FOUND"), "non-member: {hidden:#}");
        // Sharing makes it readable, not editable: members still cannot decide.
        let body = w
            .pol_rep
            .gql(
                &decide_doc(),
                json!({ "id": w.review, "k": late["key"], "d": "CONFIRMED" }),
            )
            .await;
        assert_refused(&body, "FORBIDDEN", "a member deciding a group");
    })
    .await
}

async fn resubmission_replaces_only_that_agencys_entries(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let s = scene(&w).await;
        let before = integrated(&w.office, &w.review).await;
        let csc_before: Vec<Value> = before["entries"]
            .as_array()
            .expect("list")
            .iter()
            .filter(|e| e["agency"]["prefix"] == "CSC")
            .cloned()
            .collect();
        assert_eq!(csc_before.len(), 3);

        // Decisions: one group confirmed, one rejected; who may decide.
        let early_key = sorted_key(&s.p1, &s.c1);
        let late_key = sorted_key(&s.p2, &s.c3);
        for (who, client) in [
            ("representative", &w.pol_rep),
            ("chair", &w.chair),
            ("practitioner", &w.pol_prac),
        ] {
            let body = client
                .gql(
                    &decide_doc(),
                    json!({ "id": w.review, "k": late_key, "d": "CONFIRMED" }),
                )
                .await;
            assert_refused(&body, "FORBIDDEN", who);
        }
        let body = w
            .office
            .gql(
                &decide_doc(),
                json!({ "id": w.review, "k": sorted_key(&s.p1, &s.p3), "d": "CONFIRMED" }),
            )
            .await;
        assert!(
            matches!(
                error_code(&body).as_deref(),
                Some("VALIDATION" | "NOT_FOUND")
            ),
            "a key that is no group is refused: {body:#}"
        );
        let decided = w
            .office
            .ok(
                &decide_doc(),
                json!({ "id": w.review, "k": late_key, "d": "CONFIRMED" }),
            )
            .await["decideDuplicateGroup"]
            .clone();
        assert_eq!(
            group(&decided, &s.p2, &s.c3)["decision"],
            "CONFIRMED",
            "{decided:#}"
        );
        let decided = w
            .reviewer
            .ok(
                &decide_doc(),
                json!({ "id": w.review, "k": early_key, "d": "REJECTED" }),
            )
            .await["decideDuplicateGroup"]
            .clone();
        let rejected = group(&decided, &s.p1, &s.c1);
        assert_eq!(
            rejected["decision"], "REJECTED",
            "a rejected group is kept so the decision shows"
        );
        assert_eq!(group(&decided, &s.p2, &s.c3)["decision"], "CONFIRMED");

        // Annotations on an entry that will not change and on one that will.
        let note = w
            .office
            .ok(
                &annotate_doc(),
                json!({ "e": s.p1, "k": "GOOD_PRACTICE", "t": "Prompt welfare check" }),
            )
            .await["annotateEntry"]
            .clone();
        w.office
            .ok(
                &annotate_doc(),
                json!({ "e": s.p3, "k": "NOTE", "t": "Referral timing" }),
            )
            .await;

        // Reopen POL: its entries leave the integrated chronology until resubmitted.
        w.office.ok(REOPEN, json!({ "r": s.pol_return })).await;
        let meanwhile = integrated(&w.office, &w.review).await;
        let left: BTreeSet<String> = ids(&meanwhile["entries"]).into_iter().collect();
        let csc: BTreeSet<String> = [&s.c1, &s.c2, &s.c3].into_iter().cloned().collect();
        assert_eq!(left, csc, "only submitted returns: {meanwhile:#}");

        // Re-import: rows 1 and 2 unchanged, row 3 changed, and a new row 4.
        let file = format!("{POL_FILE_CHANGED}4,30/05/2016,,POL-4,Follow-up visit by officers,\n");
        let written = confirmed(&w.pol_rep, &s.pol_return, file.as_bytes()).await;
        assert_eq!(written["entryCount"], 4, "{written:#}");
        let entries = &written["entries"];
        assert_eq!(
            id_of(find(entries, "source", "POL-1")),
            s.p1,
            "an unchanged row keeps its id"
        );
        assert_eq!(
            id_of(find(entries, "source", "POL-2")),
            s.p2,
            "an unchanged row keeps its id"
        );
        assert_eq!(
            find(entries, "source", "POL-1")["version"],
            1,
            "and its version"
        );
        let p3 = find(entries, "source", "POL-3");
        assert_eq!(
            p3["event"],
            "Officer made referral to MASH about both children"
        );
        assert_eq!(p3["startDate"], "24 May 2016");
        submit(&w.pol_rep, &s.pol_return).await;

        let after = integrated(&w.office, &w.review).await;
        let csc_after: Vec<Value> = after["entries"]
            .as_array()
            .expect("list")
            .iter()
            .filter(|e| e["agency"]["prefix"] == "CSC")
            .cloned()
            .collect();
        assert_eq!(csc_after, csc_before, "other agencies' entries untouched");
        assert_eq!(ids(&after["entries"]).len(), 7, "{after:#}");
        assert_eq!(
            group(&after, &s.p1, &s.c1)["decision"],
            "REJECTED",
            "a rejection is remembered for unchanged rows: {after:#}"
        );
        assert_eq!(
            group(&after, &s.p2, &s.c3)["decision"],
            "CONFIRMED",
            "{after:#}"
        );
        let kept = annotations_of(&after, &s.p1);
        assert!(
            kept.as_array()
                .is_some_and(|l| l.iter().any(|a| a["id"] == note["id"])),
            "an unchanged entry keeps its annotations: {after:#}"
        );
        let csc_view = my_return(&w.csc_rep, &w.review).await;
        assert_eq!(csc_view["status"], "SUBMITTED");
        assert_eq!(csc_view["entryCount"], 3);
        assert_eq!(s.csc_return, id_of(&csc_view));

        // An empty re-import is refused and keeps the entries.
        w.office.ok(REOPEN, json!({ "r": s.pol_return })).await;
        let body = confirm(&w.pol_rep, &s.pol_return, "c.csv", b"").await;
        assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body:#}");
        assert_eq!(my_return(&w.pol_rep, &w.review).await["entryCount"], 4);
    })
    .await
}

async fn annotations_are_append_only_and_questions_go_to_the_entrys_agency(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let s = scene(&w).await;

        // Only the business office and the lead reviewer annotate.
        for (who, client) in [
            ("representative", &w.pol_rep),
            ("chair", &w.chair),
            ("other agency", &w.csc_rep),
        ] {
            let body = client
                .gql(
                    &annotate_doc(),
                    json!({ "e": s.p2, "k": "NOTE", "t": "Mine" }),
                )
                .await;
            assert_refused(&body, "FORBIDDEN", who);
        }
        let note = w
            .office
            .ok(
                &annotate_doc(),
                json!({ "e": s.p2, "k": "MISSED_OPPORTUNITY", "t": "No referral made that night" }),
            )
            .await["annotateEntry"]
            .clone();
        assert_eq!(note["kind"], "MISSED_OPPORTUNITY");
        assert_eq!(note["text"], "No referral made that night");
        // An answer is written only with answerQuestion, against a question.
        let answer_kind = w
            .office
            .gql(
                &annotate_doc(),
                json!({ "e": s.p2, "k": "ANSWER", "t": "Not a question" }),
            )
            .await;
        assert_eq!(
            error_code(&answer_kind).as_deref(),
            Some("VALIDATION"),
            "{answer_kind}"
        );
        assert_eq!(problem_fields(&answer_kind), ["kind"]);
        assert_eq!(note["answersId"], Value::Null);
        assert!(note["createdAt"].is_string());
        let question = w
            .reviewer
            .ok(
                &annotate_doc(),
                json!({ "e": s.p2, "k": "QUESTION", "t": "Was a DASH risk assessment completed?" }),
            )
            .await["annotateEntry"]
            .clone();
        assert_eq!(question["kind"], "QUESTION");
        assert_eq!(question["answers"], json!([]));
        let body = w
            .office
            .gql(
                &annotate_doc(),
                json!({ "e": s.p2, "k": "NOTE", "t": "   " }),
            )
            .await;
        assert_refused(&body, "VALIDATION", "an empty annotation");
        let body = w
            .office
            .gql(
                &annotate_doc(),
                json!({ "e": uuid(), "k": "NOTE", "t": "On nothing" }),
            )
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"), "{body:#}");

        w.office.ok(&share_doc(), json!({ "id": w.review })).await;

        // The question is answered by the agency that recorded the entry.
        for (who, client) in [
            ("another agency", &w.csc_rep),
            ("business office", &w.office),
            ("chair", &w.chair),
        ] {
            let body = client
                .gql(
                    &answer_doc(),
                    json!({ "q": question["id"], "t": "Not ours to answer" }),
                )
                .await;
            assert!(
                matches!(
                    error_code(&body).as_deref(),
                    Some("FORBIDDEN" | "NOT_FOUND")
                ),
                "{who} answered POL's question: {body:#}"
            );
        }
        let body = w
            .pol_rep
            .gql(
                &answer_doc(),
                json!({ "q": note["id"], "t": "Not a question" }),
            )
            .await;
        assert!(
            body.get("errors").is_some(),
            "only a QUESTION is answered: {body:#}"
        );
        let answer = w
            .pol_rep
            .ok(
                &answer_doc(),
                json!({ "q": question["id"], "t": "Yes, on 23 May" }),
            )
            .await["answerQuestion"]
            .clone();
        assert_eq!(answer["answersId"], question["id"], "{answer:#}");
        assert_eq!(answer["text"], "Yes, on 23 May");
        assert_eq!(answer["authorAgencyPrefix"], "POL");

        let seen = integrated(&w.office, &w.review).await;
        let list = annotations_of(&seen, &s.p2);
        let asked = find(list, "id", question["id"].as_str().unwrap_or_default());
        let answers = asked["answers"].as_array().expect("answers");
        assert_eq!(answers.len(), 1, "{asked:#}");
        assert_eq!(answers[0]["id"], answer["id"]);
        assert_eq!(answers[0]["text"], "Yes, on 23 May");
        let kept = find(list, "id", note["id"].as_str().unwrap_or_default());
        assert_eq!(kept["text"], "No referral made that night");
        // Members see the annotations once it is shared.
        let member_view = integrated(&w.pol_rep, &w.review).await;
        assert!(
            annotations_of(&member_view, &s.p2)
                .as_array()
                .is_some_and(|l| l.iter().any(|a| a["id"] == question["id"])),
            "{member_view:#}"
        );

        // Append-only: a second note is added beside the first, and no operation edits or
        // deletes an annotation.
        w.office
            .ok(
                &annotate_doc(),
                json!({ "e": s.p2, "k": "NOTE", "t": "A second thought" }),
            )
            .await;
        let again = integrated(&w.office, &w.review).await;
        let texts: BTreeSet<&str> = annotations_of(&again, &s.p2)
            .as_array()
            .expect("list")
            .iter()
            .filter(|a| a["answersId"].is_null())
            .map(|a| a["text"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(
            texts,
            BTreeSet::from([
                "No referral made that night",
                "Was a DASH risk assessment completed?",
                "A second thought"
            ]),
            "every annotation kept"
        );
        for field in mutation_fields() {
            let name = field.to_lowercase();
            if name.contains("annotation") || name.contains("question") {
                assert!(
                    ["update", "delete", "remove", "edit", "set"]
                        .iter()
                        .all(|verb| !name.starts_with(verb)),
                    "annotations are append-only, but the schema has Mutation.{field}"
                );
            }
        }
    })
    .await
}

async fn entry_changes_are_audited_without_case_content(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let ret = id_of(&my_return(&w.pol_rep, &w.review).await);
        let chronology_actions = || async {
            let page = w
                .office
                .ok("{ auditLog(first: 200) { entries { action objectType objectId } } }", json!({}))
                .await;
            page["auditLog"]["entries"]
                .as_array()
                .expect("entries")
                .iter()
                .filter(|e| e["action"].as_str().is_some_and(|a| a.starts_with("chronology")))
                .cloned()
                .collect::<Vec<Value>>()
        };
        let start = chronology_actions().await.len();
        let created = add(&w.pol_rep, &ret, entry("22/05/2016", "POL-1", "Zebrafinch disclosed abuse")).await;
        let after_add = chronology_actions().await;
        assert!(after_add.len() > start, "adding an entry is audited: {after_add:#?}");
        assert!(
            after_add
                .iter()
                .any(|e| e["objectId"] == created["id"] || e["objectId"] == ret.as_str()),
            "the audit row names the entry or its return: {after_add:#?}"
        );
        w.pol_rep
            .ok(
                &update_doc(),
                json!({ "id": created["id"], "v": 1, "i": entry("22/05/2016", "POL-1", "Zebrafinch disclosed more") }),
            )
            .await;
        let after_update = chronology_actions().await;
        assert!(after_update.len() > after_add.len(), "an update is audited");
        w.pol_rep.ok(DELETE, json!({ "id": created["id"], "v": 2 })).await;
        let after_delete = chronology_actions().await;
        assert!(after_delete.len() > after_update.len(), "a delete is audited");
        confirmed(&w.pol_rep, &ret, b"Date,Source,Event\n1/1/2016,R1,Zebrafinch imported\n").await;
        let after_import = chronology_actions().await;
        assert!(after_import.len() > after_delete.len(), "an import is audited");
        submit(&w.pol_rep, &ret).await;
        let after_submit = chronology_actions().await;
        assert!(after_submit.len() > after_import.len(), "a submission is audited");
        let mut actions: Vec<&str> = after_submit
            .iter()
            .filter_map(|e| e["action"].as_str())
            .collect();
        actions.sort_unstable();
        actions.dedup();
        assert!(actions.len() >= 3, "distinct actions for distinct changes: {actions:?}");

        let rows = audit_log::Entity::find().all(app.db()).await.expect("rows");
        for row in &rows {
            let text = format!("{row:?}");
            assert!(!text.contains("Zebrafinch"), "case content in the audit log: {text}");
        }
    })
    .await
}

const GLOSSARY: &str =
    "query($id: ID!) { review(id: $id) { glossary { id realText replacement } } }";
const ADD_TERM: &str = "mutation($r: ID!, $i: GlossaryTermInput!) { addGlossaryTerm(reviewId: $r, input: $i) { id realText replacement } }";
const REMOVE_TERM: &str = "mutation($id: ID!) { removeGlossaryTerm(id: $id) }";
const EXPORT: &str = "query($id: ID!, $f: ExportFormat!, $a: Boolean!) { review(id: $id) { chronologyExport(format: $f, anonymised: $a) { fileName mediaType contentBase64 } } }";
const EXPORT_DEFAULT: &str = "query($id: ID!) { review(id: $id) { chronologyExport(format: CSV) { fileName contentBase64 } } }";

fn events_of(chronology: &Value) -> String {
    chronology["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["event"].as_str().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

fn decoded(file: &Value) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(file["contentBase64"].as_str().expect("content"))
        .expect("base64")
}

/// The glossary is kept by the business office and lead reviewers; the anonymised view and
/// exports replace every real name, and exports are anonymised unless asked otherwise.
async fn the_glossary_anonymises_the_chronology_and_its_exports(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let s = scene(&w).await;
        // HLT submits an entry whose text a spreadsheet would read as a formula.
        add(
            &w.hlt_rep,
            &id_of(&my_return(&w.hlt_rep, &w.review).await),
            entry("30/05/2016", "HLT-2", "=HYPERLINK(\"http://x\",\"Zebrafinch\")"),
        )
        .await;
        let hlt_return = id_of(&my_return(&w.hlt_rep, &w.review).await);
        submit(&w.hlt_rep, &hlt_return).await;
        let _ = s;

        // Only those who collate keep the glossary.
        for (who, client) in [("representative", &w.pol_rep), ("chair", &w.chair)] {
            let body = client.gql(GLOSSARY, json!({ "id": w.review })).await;
            assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{who}: {body:#}");
            let body = client
                .gql(ADD_TERM, json!({ "r": w.review, "i": { "realText": "home address", "replacement": "x" } }))
                .await;
            assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{who}: {body:#}");
        }
        let body = w
            .outsider
            .gql(ADD_TERM, json!({ "r": w.review, "i": { "realText": "home address", "replacement": "x" } }))
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"), "{body:#}");

        let term = w
            .reviewer
            .ok(ADD_TERM, json!({ "r": w.review, "i": { "realText": " Home  Address ", "replacement": "[address]" } }))
            .await["addGlossaryTerm"]
            .clone();
        assert_eq!(term["realText"], "Home  Address", "trimmed, kept as typed");
        w.office
            .ok(ADD_TERM, json!({ "r": w.review, "i": { "realText": "Zebrafinch", "replacement": "Child A" } }))
            .await;
        // Bad terms: named field and reason, nothing written.
        let body = w
            .office
            .gql(ADD_TERM, json!({ "r": w.review, "i": { "realText": "home address", "replacement": "y" } }))
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body:#}");
        assert_eq!(problem_fields(&body), vec!["realText"]);
        assert!(said(&body).contains("already"), "{body:#}");
        let body = w
            .office
            .gql(ADD_TERM, json!({ "r": w.review, "i": { "realText": "", "replacement": " " } }))
            .await;
        assert_eq!(problem_fields(&body), vec!["realText", "replacement"], "{body:#}");
        let terms = w.office.ok(GLOSSARY, json!({ "id": w.review })).await["review"]["glossary"].clone();
        assert_eq!(terms.as_array().map(Vec::len), Some(2), "{terms:#}");

        // Named by default; anonymised on request, for everyone who sees it.
        let named = events_of(&integrated(&w.office, &w.review).await);
        assert!(named.contains("home address") && named.contains("Zebrafinch"), "{named}");
        let doc = format!(
            "query($id: ID!) {{ review(id: $id) {{ integratedChronology(anonymised: true) {{ {} }} }} }}",
            integrated_fields()
        );
        let anonymised = w.office.ok(&doc, json!({ "id": w.review })).await["review"]
            ["integratedChronology"]
            .clone();
        let text = events_of(&anonymised);
        assert!(!text.to_lowercase().contains("home address"), "{text}");
        assert!(!text.contains("Zebrafinch"), "{text}");
        // Nor anywhere else it answers (the evidence quotes entries' words).
        let everything = anonymised.to_string();
        assert!(!everything.contains("Zebrafinch"), "{everything}");
        assert!(!everything.to_lowercase().contains("home address"), "{everything}");
        assert!(text.contains("[address]") && text.contains("Child A"), "{text}");
        assert_eq!(
            anonymised["entries"].as_array().map(Vec::len),
            integrated(&w.office, &w.review).await["entries"].as_array().map(Vec::len)
        );

        // Exports: anonymised unless asked otherwise; CSV neutralises formula-like text.
        let csv = w.office.ok(EXPORT_DEFAULT, json!({ "id": w.review })).await["review"]
            ["chronologyExport"]
            .clone();
        assert_eq!(csv["fileName"], "SCR-2016-30-integrated-chronology-anonymised.csv");
        let csv_text = String::from_utf8(decoded(&csv)).expect("utf-8");
        assert!(
            csv_text.starts_with("\u{feff}\"Agency\",\"Seq\",\"Start Date\""),
            "{csv_text}"
        );
        // Every field quoted, so a `;` list separator splits nothing.
        let body = csv_text.trim_start_matches('\u{feff}');
        assert!(
            body.split("\r\n")
                .filter(|l| !l.is_empty())
                .all(|l| l.starts_with('"') && l.ends_with('"')),
            "{csv_text}"
        );
        assert!(!csv_text.contains("Zebrafinch") && csv_text.contains("[address]"), "{csv_text}");
        assert!(csv_text.contains("\"'=HYPERLINK("), "formula kept as text: {csv_text}");
        assert!(csv_text.contains("Sharing with POL not confirmed"), "{csv_text}");

        let xlsx = w
            .reviewer
            .ok(EXPORT, json!({ "id": w.review, "f": "XLSX", "a": false }))
            .await["review"]["chronologyExport"]
            .clone();
        assert_eq!(xlsx["fileName"], "SCR-2016-30-integrated-chronology-named.xlsx");
        assert_eq!(
            xlsx["mediaType"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(decoded(&xlsx))).expect("xlsx");
        let sheet = book.worksheet_range("Integrated chronology").expect("sheet");
        let cells: Vec<Vec<String>> = sheet
            .rows()
            .map(|r| r.iter().map(ToString::to_string).collect())
            .collect();
        assert_eq!(cells[0][0], "Agency");
        assert_eq!(cells.len(), 1 + 8, "headings and eight submitted entries: {cells:?}");
        let all = cells.concat().join("\n");
        assert!(all.contains("home address"), "named version");
        assert!(all.contains("'=HYPERLINK("), "formula-like text stays text");

        // Exports are recorded (without content); outsiders cannot export.
        let actions: Vec<String> = audit_log::Entity::find()
            .all(app.db())
            .await
            .expect("audit")
            .into_iter()
            .map(|r| r.action)
            .collect();
        assert!(actions.iter().any(|a| a == "chronology.export.csv.anonymised"), "{actions:?}");
        assert!(actions.iter().any(|a| a == "chronology.export.xlsx.named"), "{actions:?}");
        assert!(actions.iter().any(|a| a == "glossary.term.add"), "{actions:?}");
        let body = w
            .outsider
            .gql(EXPORT, json!({ "id": w.review, "f": "CSV", "a": true }))
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"), "{body:#}");
        // A member before sharing cannot export what they cannot see.
        let body = w
            .pol_rep
            .gql(EXPORT, json!({ "id": w.review, "f": "CSV", "a": true }))
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body:#}");

        // Removing a term stops its replacement.
        w.reviewer
            .ok(REMOVE_TERM, json!({ "id": id_of(&term) }))
            .await;
        let again = w.office.ok(&doc, json!({ "id": w.review })).await["review"]
            ["integratedChronology"]
            .clone();
        assert!(events_of(&again).contains("home address"));
        let body = w.pol_rep.gql(REMOVE_TERM, json!({ "id": uuid() })).await;
        assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"), "{body:#}");
    })
    .await
}

const SUSPECTS: &str = "query($id: ID!) { review(id: $id) { anonymisationSuspects { total suspects { text kind count excerpt entryId entryReference } } } }";
const DISMISS: &str = "mutation($r: ID!, $t: String!) { dismissAnonymisationSuspect(reviewId: $r, text: $t) { total suspects { text } } }";

fn suspect_texts(list: &Value) -> BTreeSet<String> {
    list["suspects"]
        .as_array()
        .unwrap_or_else(|| panic!("no suspects in {list:#}"))
        .iter()
        .filter_map(|s| s["text"].as_str().map(str::to_owned))
        .collect()
}

/// Before an anonymised export, what still looks like a name (or an identifier) the glossary
/// does not replace is listed; the export is refused, naming them, until each is added to
/// the glossary or dismissed as not a name (audited, with who).
async fn anonymisation_suspects_block_the_anonymised_export_until_cleared(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let _ = scene(&w).await;
        let hlt_return = id_of(&my_return(&w.hlt_rep, &w.review).await);
        add(
            &w.hlt_rep,
            &hlt_return,
            entry(
                "30/05/2016",
                "HLT-2",
                "Dean Smith (stepfather) refused entry to the Health Visitor; mother asked for a call on 07700 900123",
            ),
        )
        .await;
        add(
            &w.hlt_rep,
            &hlt_return,
            entry(
                "31/05/2016",
                "HLT-3",
                "Mother referred to Kestrel Pathways for parenting support. Dean Smith not present.",
            ),
        )
        .await;
        submit(&w.hlt_rep, &hlt_return).await;

        // Listed, most frequent first, with where one of them is.
        let list = w.office.ok(SUSPECTS, json!({ "id": w.review })).await["review"]
            ["anonymisationSuspects"]
            .clone();
        assert_eq!(
            suspect_texts(&list),
            ["07700 900123", "Dean Smith", "Kestrel Pathways"]
                .map(String::from)
                .into_iter()
                .collect(),
            "{list:#}"
        );
        assert_eq!(list["total"], 3);
        let dean = &list["suspects"][0];
        assert_eq!(dean["text"], "Dean Smith", "{list:#}");
        assert_eq!(dean["kind"], "NAME");
        assert_eq!(dean["count"], 2);
        assert!(dean["excerpt"].as_str().is_some_and(|e| e.contains("Dean Smith (stepfather)")), "{dean:#}");
        assert!(dean["entryReference"].as_str().is_some_and(|r| r.starts_with("HLT")), "{dean:#}");
        let phone = list["suspects"]
            .as_array()
            .and_then(|l| l.iter().find(|s| s["text"] == "07700 900123"))
            .expect("phone");
        assert_eq!(phone["kind"], "PHONE_NUMBER");

        // The anonymised export is refused, naming them; the named one is not.
        for format in ["CSV", "XLSX"] {
            let body = w
                .office
                .gql(EXPORT, json!({ "id": w.review, "f": format, "a": true }))
                .await;
            assert_eq!(error_code(&body).as_deref(), Some("ANONYMISATION_SUSPECTS_OPEN"), "{body:#}");
            let message = said(&body);
            // (`said` is lower case)
            for name in ["dean smith", "kestrel pathways", "07700 900123"] {
                assert!(message.contains(name), "{message}");
            }
        }
        let body = w.office.gql(EXPORT_DEFAULT, json!({ "id": w.review })).await;
        assert_eq!(error_code(&body).as_deref(), Some("ANONYMISATION_SUSPECTS_OPEN"), "default is anonymised: {body:#}");
        w.office
            .ok(EXPORT, json!({ "id": w.review, "f": "CSV", "a": false }))
            .await;

        // Who sees them: whoever sees the integrated chronology; members before sharing and
        // outsiders do not.
        let chair = w.chair.ok(SUSPECTS, json!({ "id": w.review })).await;
        assert_eq!(chair["review"]["anonymisationSuspects"]["total"], 3);
        let member = w.pol_rep.ok(SUSPECTS, json!({ "id": w.review })).await;
        assert!(member["review"]["anonymisationSuspects"].is_null(), "{member:#}");
        let body = w.outsider.gql(SUSPECTS, json!({ "id": w.review })).await;
        assert!(body["data"]["review"]["anonymisationSuspects"].is_null(), "{body:#}");

        // Who dismisses: those who keep the glossary.
        for (who, client) in [("chair", &w.chair), ("representative", &w.pol_rep)] {
            let body = client
                .gql(DISMISS, json!({ "r": w.review, "t": "Kestrel Pathways" }))
                .await;
            assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{who}: {body:#}");
        }
        let body = w.outsider.gql(DISMISS, json!({ "r": w.review, "t": "Kestrel Pathways" })).await;
        assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"), "{body:#}");
        // Bounded, named field.
        for bad in [" ".to_string(), "x".repeat(201), "two\nlines".to_string()] {
            let body = w.office.gql(DISMISS, json!({ "r": w.review, "t": bad })).await;
            assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body:#}");
            assert_eq!(problem_fields(&body), vec!["text"], "{body:#}");
        }

        // One added to the glossary, one dismissed, the phone number replaced too.
        w.office
            .ok(ADD_TERM, json!({ "r": w.review, "i": { "realText": "Dean Smith", "replacement": "Stepfather" } }))
            .await;
        let open = w
            .reviewer
            .ok(DISMISS, json!({ "r": w.review, "t": "kestrel  pathways" }))
            .await["dismissAnonymisationSuspect"]
            .clone();
        assert_eq!(suspect_texts(&open), ["07700 900123".to_string()].into_iter().collect(), "{open:#}");
        // Dismissing again changes nothing.
        w.reviewer
            .ok(DISMISS, json!({ "r": w.review, "t": "Kestrel Pathways" }))
            .await;
        let body = w.office.gql(EXPORT, json!({ "id": w.review, "f": "CSV", "a": true })).await;
        assert!(said(&body).contains("07700 900123") && !said(&body).contains("dean"), "{body:#}");
        w.office
            .ok(ADD_TERM, json!({ "r": w.review, "i": { "realText": "07700 900123", "replacement": "[phone]" } }))
            .await;
        let list = w.office.ok(SUSPECTS, json!({ "id": w.review })).await["review"]
            ["anonymisationSuspects"]
            .clone();
        assert_eq!(list["total"], 0, "{list:#}");
        let csv = w
            .office
            .ok(EXPORT, json!({ "id": w.review, "f": "CSV", "a": true }))
            .await["review"]["chronologyExport"]
            .clone();
        let text = String::from_utf8(decoded(&csv)).expect("utf-8");
        assert!(text.contains("Stepfather (stepfather)") && text.contains("Kestrel Pathways"), "{text}");
        assert!(!text.contains("Dean") && !text.contains("07700"), "{text}");

        // The dismissal is in the audit log with who, without the text.
        let rows: Vec<audit_log::Model> = audit_log::Entity::find()
            .all(app.db())
            .await
            .expect("audit")
            .into_iter()
            .filter(|r| r.action == "chronology.anonymisation.dismiss")
            .collect();
        assert_eq!(rows.len(), 1, "dismissed once: {rows:?}");
        assert_eq!(rows[0].object_type, "anonymisation_dismissal");
        assert_eq!(rows[0].actor_name.as_deref().map(|n| n.is_empty()), Some(false));
        assert!(!format!("{rows:?}").contains("Kestrel"), "{rows:?}");
    })
    .await
}

const HISTORY: &str = "query($id: ID!) { review(id: $id) { myChronologyReturn { entries { id history { version change changedBy event seq startDate endDate endTime sharedWith caseId } } } } }";

/// Every save of an entry is kept and readable by whoever sees the entry.
async fn every_entry_keeps_its_history(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let ret = id_of(&my_return(&w.pol_rep, &w.review).await);
        let first = add(
            &w.pol_rep,
            &ret,
            entry("3/5/2016", "POL-9", "First account"),
        )
        .await;
        let mut second = shared(entry("4/5/2016", "POL-9", "Second account"), &["CSC"]);
        second["seq"] = json!(2);
        second["endDate"] = json!("5/5/2016");
        second["endTime"] = json!("09:30");
        w.pol_rep
            .ok(
                &update_doc(),
                json!({ "id": id_of(&first), "v": 1, "i": second }),
            )
            .await;
        let body = w.pol_rep.ok(HISTORY, json!({ "id": w.review })).await;
        let history = body["review"]["myChronologyReturn"]["entries"][0]["history"].clone();
        let versions: Vec<(i64, String, String)> = history
            .as_array()
            .expect("history")
            .iter()
            .map(|v| {
                (
                    v["version"].as_i64().unwrap_or_default(),
                    v["change"].as_str().unwrap_or_default().to_owned(),
                    v["event"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            versions,
            vec![
                (2, "update".to_owned(), "Second account".to_owned()),
                (1, "create".to_owned(), "First account".to_owned())
            ]
        );
        assert_eq!(history[0]["sharedWith"], json!(["CSC"]));
        assert_eq!(history[0]["startDate"], "4 May 2016");
        // Every field the entry has, as it was: the version before had none of these.
        assert_eq!(
            [
                &history[0]["seq"],
                &history[0]["endDate"],
                &history[0]["endTime"]
            ],
            [&json!(2), &json!("5 May 2016"), &json!("09:30")]
        );
        assert_eq!(history[1]["seq"], Value::Null);
        assert_eq!(
            history[0]["caseId"],
            Value::Null,
            "a case review's entries name no case"
        );
        assert!(history[0]["changedBy"]
            .as_str()
            .is_some_and(|n| !n.is_empty()));

        // One entry by id: its agency, and those who oversee; another agency only once the
        // return is submitted and the integrated chronology shared with the members.
        const ONE: &str =
            "query($id: ID!) { chronologyEntry(id: $id) { event history { version } } }";
        let id = json!({ "id": id_of(&first) });
        for (who, client) in [
            ("own", &w.pol_rep),
            ("office", &w.office),
            ("lead reviewer", &w.reviewer),
        ] {
            let body = client.ok(ONE, id.clone()).await;
            assert_eq!(
                body["chronologyEntry"]["history"].as_array().map(Vec::len),
                Some(2),
                "{who}"
            );
        }
        let missing = w.csc_rep.gql(ONE, json!({ "id": uuid() })).await;
        for client in [&w.csc_rep, &w.outsider] {
            let hidden = client.gql(ONE, id.clone()).await;
            assert_like_missing(&hidden, &missing, "another agency's draft entry");
        }
        submit(&w.pol_rep, &ret).await;
        assert_like_missing(
            &w.csc_rep.gql(ONE, id.clone()).await,
            &missing,
            "not yet shared",
        );
        w.office.ok(&share_doc(), json!({ "id": w.review })).await;
        let body = w.csc_rep.ok(ONE, id.clone()).await;
        assert_eq!(body["chronologyEntry"]["event"], "Second account");
        assert_like_missing(&w.outsider.gql(ONE, id).await, &missing, "not a member");
    })
    .await
}

const METRICS_TOKEN: &str = "chronology-test-token-0123456789";

/// Integrated chronology reads so far on `app`: (merged anew, served from the kept merge).
async fn merges(app: &TestApp) -> (u64, u64) {
    let page = reqwest::Client::new()
        .get(format!("{}/metrics", app.base))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    let count = |source: &str| {
        let series = format!("lp_chronology_merges_total{{source=\"{source}\"}} ");
        page.lines()
            .find_map(|l| l.strip_prefix(series.as_str()))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {series} in {page}"))
    };
    (count("built"), count("cache"))
}

const WINDOW: &str = "query($id: ID!, $o: Int!, $l: Int) { review(id: $id) { integratedChronology { entryCount entries(offset: $o, limit: $l) { id event } } } }";

async fn the_merge_is_kept_until_something_it_is_made_from_changes(backend: Backend) {
    run_with(backend, &["--metrics-token", METRICS_TOKEN], |app| async move {
        let w = world(&app).await;
        let s = scene(&w).await;
        let (built, cached) = merges(&app).await;
        let first = integrated(&w.office, &w.review).await;
        assert_eq!(merges(&app).await, (built + 1, cached), "the first read merges");
        // Everyone who may see it reads the same merge, without merging again.
        for reader in [&w.office, &w.chair, &w.reviewer, &w.office] {
            assert_eq!(integrated(reader, &w.review).await, first);
        }
        assert_eq!(merges(&app).await, (built + 1, cached + 4));

        // A window of the entries, in the same order; bad bounds name the argument.
        let all = ids(&first["entries"]);
        assert_eq!(all.len(), 6);
        let window = w
            .office
            .ok(WINDOW, json!({ "id": w.review, "o": 1, "l": 2 }))
            .await["review"]["integratedChronology"]
            .clone();
        assert_eq!(window["entryCount"], 6);
        assert_eq!(ids(&window["entries"]), all[1..3].to_vec());
        let past = w
            .office
            .ok(WINDOW, json!({ "id": w.review, "o": 6, "l": 100 }))
            .await;
        assert_eq!(past["review"]["integratedChronology"]["entries"], json!([]));
        for (o, l, field) in [(0, 5001, "limit"), (-1, 10, "offset"), (0, -3, "limit")] {
            let refused = w
                .office
                .gql(WINDOW, json!({ "id": w.review, "o": o, "l": l }))
                .await;
            assert_eq!(error_code(&refused).as_deref(), Some("VALIDATION"), "{refused:#}");
            assert_eq!(problem_fields(&refused), [field], "{refused:#}");
        }

        // A change through another instance (as behind a load balancer) shows at once here:
        // CSC's return reopened, an entry changed, submitted again.
        let second = app.another_instance().await;
        let office2 = second.client();
        office2
            .sign_in("office@test.example", crate::helpers::PASSWORD)
            .await;
        let csc2 = second.client();
        csc2.sign_in("csc.rep@test.example", crate::helpers::PASSWORD)
            .await;
        office2.ok(REOPEN, json!({ "r": s.csc_return })).await;
        let c1 = find(&first["entries"], "id", &s.c1).clone();
        let changed = "Welfare check at home address, child seen and spoken to alone";
        csc2.ok(
            &update_doc(),
            json!({ "id": s.c1, "v": c1["version"], "i": entry("01/03/2016", "CSC-1", changed) }),
        )
        .await;
        csc2.ok(SUBMIT, json!({ "r": s.csc_return })).await;
        let after = integrated(&w.office, &w.review).await;
        assert_eq!(find(&after["entries"], "id", &s.c1)["event"], changed);
        assert_eq!(merges(&app).await.0, built + 2, "merged again after the change");

        // So do a reviewer's decision, the review's settings, and annotations (which are
        // read anew on every read, without merging).
        let groups = after["duplicateGroups"].as_array().expect("groups").clone();
        let key = groups.first().expect("a proposed group")["key"].as_str().expect("key").to_owned();
        office2
            .ok(&decide_doc(), json!({ "id": w.review, "k": key, "d": "REJECTED" }))
            .await;
        let decided = integrated(&w.office, &w.review).await;
        let group = decided["duplicateGroups"]
            .as_array()
            .expect("groups")
            .iter()
            .find(|g| g["key"] == key.as_str())
            .expect("kept");
        assert_eq!(group["decision"], "REJECTED");
        office2
            .ok(
                &settings_doc(),
                json!({ "id": w.review, "i": { "sharingToleranceDays": 5, "gapThresholdDays": 10 } }),
            )
            .await;
        let set = integrated(&w.office, &w.review).await;
        assert_eq!(set["gapThresholdDays"], 10);
        assert_ne!(set["gaps"], decided["gaps"], "gaps over 10 days, not 28");
        let before = merges(&app).await;
        office2
            .ok(
                &annotate_doc(),
                json!({ "e": s.p1, "k": "NOTE", "t": "Read across with the school's record" }),
            )
            .await;
        let noted = integrated(&w.office, &w.review).await;
        assert_eq!(annotations_of(&noted, &s.p1).as_array().map(Vec::len), Some(1));
        assert_eq!(merges(&app).await, (before.0, before.1 + 1), "annotations need no merge");

        // The anonymised view is kept on its own and follows the glossary.
        let anonymised_doc = format!(
            "query($id: ID!) {{ review(id: $id) {{ integratedChronology(anonymised: true) {{ {} }} }} }}",
            integrated_fields()
        );
        let read_anonymised = || async {
            w.office.ok(&anonymised_doc, json!({ "id": w.review })).await["review"]
                ["integratedChronology"]
                .clone()
        };
        let plain = read_anonymised().await;
        assert!(events_of(&plain).contains("mother"), "{plain:#}");
        office2
            .ok(
                ADD_TERM,
                json!({ "r": w.review, "i": { "realText": "mother", "replacement": "Adult M" } }),
            )
            .await;
        let masked = read_anonymised().await;
        assert!(!events_of(&masked).contains("mother"), "{masked:#}");
        assert!(events_of(&masked).contains("Adult M"), "{masked:#}");
        // The named view is unchanged by it.
        assert!(events_of(&integrated(&w.office, &w.review).await).contains("mother"));
    })
    .await;
}

const CHANGES: &str = "query($id: ID!, $v: String!) { review(id: $id) { integratedChronology { \
     version entryCount entries { id event version } \
     changesSince(version: $v) { entries { position entry { id event version } } removed \
     duplicateGroups { key decision } sharing { entry { id } confirmed } gaps { days } } } } }";

/// Reads the whole integrated chronology with what changed since `version`.
async fn changes_since(client: &Client, review: &str, version: &str) -> Value {
    client
        .ok(CHANGES, json!({ "id": review, "v": version }))
        .await["review"]["integratedChronology"]
        .clone()
}

/// Applies `changes` to the entries a page read, as the page does: the changed and the gone
/// out, then each changed entry in at its place, in order.
fn patched(shown: &Value, changes: &Value) -> Vec<(String, String)> {
    let pair = |e: &Value| {
        (
            e["id"].as_str().expect("id").to_owned(),
            e["event"].as_str().expect("event").to_owned(),
        )
    };
    let placed = changes["entries"].as_array().expect("changed entries");
    let out: BTreeSet<String> = removed(changes)
        .into_iter()
        .chain(
            placed
                .iter()
                .map(|p| p["entry"]["id"].as_str().expect("id").to_owned()),
        )
        .collect();
    let mut list: Vec<(String, String)> = shown
        .as_array()
        .expect("entries")
        .iter()
        .map(pair)
        .filter(|(id, _)| !out.contains(id))
        .collect();
    for p in placed {
        let at = usize::try_from(p["position"].as_i64().expect("position")).expect("place");
        list.insert(at.min(list.len()), pair(&p["entry"]));
    }
    list
}

/// The ids of the entries a patch says are gone.
fn removed(changes: &Value) -> Vec<String> {
    changes["removed"]
        .as_array()
        .expect("removed")
        .iter()
        .map(|id| id.as_str().expect("an id").to_owned())
        .collect()
}

fn pairs(entries: &Value) -> Vec<(String, String)> {
    patched(entries, &json!({ "entries": [], "removed": [] }))
}

async fn a_change_reaches_a_reader_as_the_entries_it_touched(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let s = scene(&w).await;
        let first = changes_since(&w.office, &w.review, "0000000000000000").await;
        assert_eq!(first["changesSince"], Value::Null, "a version never given is not known");
        let v1 = first["version"].as_str().expect("version").to_owned();
        assert_eq!(v1.len(), 16);
        // Nothing changed: nothing to send.
        let same = changes_since(&w.office, &w.review, &v1).await;
        assert_eq!(same["version"], v1.as_str());
        let nothing =
            json!({ "entries": [], "removed": [], "duplicateGroups": null, "sharing": null, "gaps": null });
        assert_eq!(same["changesSince"], nothing);

        // CSC reopens its return: its entries leave the integrated chronology.
        w.office.ok(REOPEN, json!({ "r": s.csc_return })).await;
        let reopened = changes_since(&w.office, &w.review, &v1).await;
        let v2 = reopened["version"].as_str().expect("version").to_owned();
        assert_ne!(v2, v1);
        let mut gone = removed(&reopened["changesSince"]);
        gone.sort();
        let mut csc = vec![s.c1.clone(), s.c2.clone(), s.c3.clone()];
        csc.sort();
        assert_eq!(gone, csc);
        assert_eq!(reopened["changesSince"]["entries"], json!([]));
        // CSC's letter shared with the police and the groups with its entries are gone.
        assert_ne!(reopened["changesSince"]["sharing"], Value::Null);
        assert_ne!(reopened["changesSince"]["duplicateGroups"], Value::Null);
        assert_eq!(patched(&first["entries"], &reopened["changesSince"]), pairs(&reopened["entries"]));

        // One entry changed and the return submitted again: the three come back, the
        // changed one as it is now, each at its place.
        let c1 = find(&first["entries"], "id", &s.c1).clone();
        let changed = "Welfare check at home address, child seen and spoken to alone";
        w.csc_rep
            .ok(
                &update_doc(),
                json!({ "id": s.c1, "v": c1["version"], "i": entry("01/03/2016", "CSC-1", changed) }),
            )
            .await;
        w.csc_rep.ok(SUBMIT, json!({ "r": s.csc_return })).await;
        let back = changes_since(&w.office, &w.review, &v2).await;
        let came: BTreeSet<String> = back["changesSince"]["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .map(|p| p["entry"]["id"].as_str().expect("id").to_owned())
            .collect();
        assert_eq!(came, csc.iter().cloned().collect::<BTreeSet<_>>());
        assert_eq!(patched(&reopened["entries"], &back["changesSince"]), pairs(&back["entries"]));
        assert!(pairs(&back["entries"]).contains(&(s.c1.clone(), changed.to_owned())));
        let v3 = back["version"].as_str().expect("version").to_owned();

        // A decision changes groups, not entries: an empty patch. The version two merges
        // back is no longer kept, so the page is told to read everything again.
        let groups = integrated(&w.office, &w.review).await["duplicateGroups"].clone();
        let key = groups[0]["key"].as_str().expect("a proposed group").to_owned();
        w.office
            .ok(&decide_doc(), json!({ "id": w.review, "k": key, "d": "REJECTED" }))
            .await;
        let decided = changes_since(&w.office, &w.review, &v3).await;
        let patch = &decided["changesSince"];
        assert_eq!((&patch["entries"], &patch["removed"]), (&json!([]), &json!([])));
        let rejected = patch["duplicateGroups"]
            .as_array()
            .expect("the groups, since one changed")
            .iter()
            .find(|g| g["key"] == key.as_str())
            .expect("the decided group");
        assert_eq!(rejected["decision"], "REJECTED");
        assert_eq!((&patch["sharing"], &patch["gaps"]), (&Value::Null, &Value::Null));
        let lost = changes_since(&w.office, &w.review, &v1).await;
        assert_eq!(lost["changesSince"], Value::Null);

        // Bounded before any work, with the argument named.
        for bad in ["not a version", &"a".repeat(17), "12345678901234567"] {
            let refused = w.office.gql(CHANGES, json!({ "id": w.review, "v": bad })).await;
            assert_eq!(error_code(&refused).as_deref(), Some("VALIDATION"), "{refused:#}");
            assert_eq!(problem_fields(&refused), ["version"], "{refused:#}");
        }
    })
    .await;
}

db_tests!(
    a_member_agency_keeps_its_own_return,
    seeing_a_return_is_not_keeping_it,
    entry_dates_and_times_keep_their_precision,
    a_stale_version_is_a_conflict_with_the_stored_entry,
    an_import_is_previewed_then_written_in_one_go,
    a_bad_import_lists_every_problem_and_writes_nothing,
    text_encodings_are_converted_not_mangled,
    the_integrated_chronology_merges_submitted_returns,
    resubmission_replaces_only_that_agencys_entries,
    annotations_are_append_only_and_questions_go_to_the_entrys_agency,
    entry_changes_are_audited_without_case_content,
    the_glossary_anonymises_the_chronology_and_its_exports,
    anonymisation_suspects_block_the_anonymised_export_until_cleared,
    every_entry_keeps_its_history,
    the_merge_is_kept_until_something_it_is_made_from_changes,
    a_change_reaches_a_reader_as_the_entries_it_touched,
);
