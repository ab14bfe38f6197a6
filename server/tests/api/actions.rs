//! Action plans over GraphQL: learning points (typed, or made in one step from a reviewer's
//! annotation), recommendations and actions numbered within their review; every bad input
//! named by field with nothing written; stale saves; dated progress updates by the owner
//! agency only; overdue and RAG derived from the dates, with the business office's
//! override; who sees which actions, in pages; committee referrals; and the audit log.

use crate::db_tests;
use crate::helpers::{error_code, problem_fields, review_with, run, Backend, Client, TestApp};
use chrono::{Days, Utc};
use futures_util::FutureExt;
use sea_orm::EntityTrait;
use serde_json::{json, Value};
use server::entities::audit_log;
use shared::auth::Role;

const ACTION: &str = "id reference title status overdue rag ragDerived ragOverride \
    ragOverrideReason targetDate targetDateReason version evidenceOfImpact impactAudit \
    reviewId reviewReference learningPointId learningPointTitle recommendationText themes \
    ownerAgency { id prefix } ownerPerson { id } committee { id name }";

const LEARNING_POINT: &str = "id reviewId title detail scope kind themes entryIds \
    duplicateGroupKeys annotationId committee { id } createdByName version";

fn day(offset: i64) -> String {
    let today = Utc::now().date_naive();
    let d = if offset >= 0 {
        today.checked_add_days(Days::new(offset.unsigned_abs()))
    } else {
        today.checked_sub_days(Days::new(offset.unsigned_abs()))
    };
    d.unwrap_or(today).to_string()
}

fn create_point_doc() -> String {
    format!(
        "mutation($r: ID!, $i: LearningPointInput!, $a: ID) {{ createLearningPoint(reviewId: $r, input: $i, fromAnnotationId: $a) {{ {LEARNING_POINT} }} }}"
    )
}

fn update_point_doc() -> String {
    format!(
        "mutation($id: ID!, $v: Int!, $i: LearningPointInput!) {{ updateLearningPoint(id: $id, version: $v, input: $i) {{ {LEARNING_POINT} }} }}"
    )
}

const ADD_RECOMMENDATION: &str =
    "mutation($p: ID!, $t: String!) { addRecommendation(learningPointId: $p, text: $t) { id learningPointId text } }";

fn create_action_doc() -> String {
    format!(
        "mutation($r: ID!, $i: ActionInput!) {{ createAction(recommendationId: $r, input: $i) {{ {ACTION} }} }}"
    )
}

fn update_action_doc() -> String {
    format!(
        "mutation($id: ID!, $v: Int!, $i: ActionInput!) {{ updateAction(id: $id, version: $v, input: $i) {{ {ACTION} }} }}"
    )
}

fn progress_doc() -> String {
    format!(
        "mutation($id: ID!, $i: ActionUpdateInput!) {{ addActionUpdate(actionId: $id, input: $i) {{ {ACTION} updates {{ text statusAfter authorName authorAgencyPrefix }} }} }}"
    )
}

fn rag_doc() -> String {
    format!(
        "mutation($id: ID!, $rag: Rag, $reason: String) {{ setActionRag(id: $id, rag: $rag, reason: $reason) {{ {ACTION} }} }}"
    )
}

fn get_action_doc() -> String {
    format!(
        "query($id: ID!) {{ action(id: $id) {{ {ACTION} updates {{ text statusAfter }} history {{ version change changedBy title status ragOverride committeeId }} }} }}"
    )
}

const LIST: &str = "query($f: ActionFilter, $first: Int, $after: String) { actions(filter: $f, first: $first, after: $after) { nodes { id reference overdue rag status } pageInfo { hasNextPage endCursor } totalCount } }";

const MY_AGENCY: &str = "{ myAgencyActions { id reference overdue rag status } }";

const REVIEW_POINTS: &str = "query($id: ID!) { review(id: $id) { learningPoints { id title kind annotationId recommendations { id text actions { id reference } } } } }";

const REFER: &str = "mutation($k: ReferralKind!, $id: ID!, $c: ID!) { referToCommittee(kind: $k, id: $id, committeeId: $c) { id name } }";

const COMMITTEE: &str = "query($id: ID!) { committee(id: $id) { id name learningPoints { id title } actions { id reference } } }";

/// A review, its agencies and the people who work on it.
struct World {
    office: Client,
    chair: Client,
    pol: String,
    csc: String,
    hlt: String,
    /// Agency lead of POL, member of the review.
    pol_lead: Client,
    /// Agency representative of POL, member.
    pol_rep: Client,
    pol_rep_id: String,
    /// Practitioner of POL, member: reads no action plan.
    pol_prac: Client,
    /// Agency representative of CSC, member.
    csc_rep: Client,
    /// Agency lead of CSC, member.
    csc_lead: Client,
    /// Agency lead of HLT, not a member of the review.
    hlt_lead: Client,
    /// Agency representative of POL who is not a member of the review.
    outsider: Client,
    /// LEAD_REVIEWER of the review (an agency representative of CSC).
    reviewer: Client,
    review: String,
}

const REFERENCE: &str = "SCR-2016-40";

async fn world(app: &TestApp) -> World {
    let office = app.office().await;
    let chair = app
        .signed_in("chair@test.example", &[Role::IndependentChair], None)
        .await
        .0;
    let pol = app.agency("Northshire Police", "POL").await;
    let csc = app.agency("Children's Social Care", "CSC").await;
    let hlt = app.agency("Northshire Health", "HLT").await;
    let rep = Role::AgencyRepresentative;
    let lead = Role::AgencyLead;
    let (pol_lead, pol_lead_id) = app
        .signed_in("pol.lead@test.example", &[lead], Some(&pol))
        .await;
    let (pol_rep, pol_rep_id) = app
        .signed_in("pol.rep@test.example", &[rep], Some(&pol))
        .await;
    let (pol_prac, pol_prac_id) = app
        .signed_in("pol.prac@test.example", &[Role::Practitioner], Some(&pol))
        .await;
    let (csc_rep, csc_rep_id) = app
        .signed_in("csc.rep@test.example", &[rep], Some(&csc))
        .await;
    let (csc_lead, csc_lead_id) = app
        .signed_in("csc.lead@test.example", &[lead], Some(&csc))
        .await;
    let (hlt_lead, _) = app
        .signed_in("hlt.lead@test.example", &[lead], Some(&hlt))
        .await;
    let (outsider, _) = app
        .signed_in("outsider@test.example", &[rep], Some(&pol))
        .await;
    let (reviewer, reviewer_id) = app
        .signed_in("reviewer@test.example", &[rep], Some(&csc))
        .await;
    let review = review_with(
        &office,
        REFERENCE,
        &[&pol, &csc],
        &[
            (&pol_lead_id, "MEMBER"),
            (&pol_rep_id, "MEMBER"),
            (&pol_prac_id, "MEMBER"),
            (&csc_rep_id, "MEMBER"),
            (&csc_lead_id, "MEMBER"),
            (&reviewer_id, "LEAD_REVIEWER"),
        ],
    )
    .await;
    World {
        office,
        chair,
        pol,
        csc,
        hlt,
        pol_lead,
        pol_rep,
        pol_rep_id,
        pol_prac,
        csc_rep,
        csc_lead,
        hlt_lead,
        outsider,
        reviewer,
        review,
    }
}

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("no {key} in {value:#}"))
}

fn point_input(title: &str) -> Value {
    json!({
        "title": title,
        "detail": "Health were not invited to the strategy discussion.",
        "scope": "MULTI_AGENCY",
        "kind": "NEEDS_IMPROVEMENT",
        "themes": ["Neglect"],
    })
}

async fn learning_point(client: &Client, review: &str, title: &str) -> Value {
    client
        .ok(
            &create_point_doc(),
            json!({ "r": review, "i": point_input(title), "a": null }),
        )
        .await["createLearningPoint"]
        .clone()
}

async fn recommendation(client: &Client, point: &str) -> String {
    let data = client
        .ok(
            ADD_RECOMMENDATION,
            json!({ "p": point, "t": "Invite health to every strategy discussion." }),
        )
        .await;
    str_of(&data["addRecommendation"], "id").to_owned()
}

fn action_input(title: &str, agency: &str, person: Option<&str>, target: &str) -> Value {
    json!({
        "title": title,
        "ownerAgencyId": agency,
        "ownerPersonId": person,
        "targetDate": target,
        "targetDateReason": null,
        "impactAudit": "Re-audit of strategy discussions in six months",
    })
}

async fn create_action(client: &Client, rec: &str, input: Value) -> Value {
    client
        .ok(&create_action_doc(), json!({ "r": rec, "i": input }))
        .await["createAction"]
        .clone()
}

/// A learning point, recommendation and action owned by `agency`, due in `days` days.
async fn an_action(w: &World, agency: &str, days: i64) -> Value {
    an_owned_action(w, agency, None, days).await
}

/// An action of its own learning point and recommendation, owned by `agency` (and `person`),
/// due in `days`.
async fn an_owned_action(w: &World, agency: &str, person: Option<&str>, days: i64) -> Value {
    let point = learning_point(&w.reviewer, &w.review, "Strategy discussions").await;
    let rec = recommendation(&w.reviewer, str_of(&point, "id")).await;
    create_action(
        &w.reviewer,
        &rec,
        action_input("Invite health", agency, person, &day(days)),
    )
    .await
}

async fn progress(client: &Client, action: &str, input: Value) -> Value {
    client
        .gql(&progress_doc(), json!({ "id": action, "i": input }))
        .await
}

async fn get_action(client: &Client, id: &str) -> Value {
    client.ok(&get_action_doc(), json!({ "id": id })).await["action"].clone()
}

async fn list(client: &Client, filter: Value) -> Value {
    client
        .ok(LIST, json!({ "f": filter, "first": 50, "after": null }))
        .await["actions"]
        .clone()
}

fn references(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list:#}"))
        .iter()
        .map(|a| str_of(a, "reference").to_owned())
        .collect()
}

fn codes_and_fields(body: &Value) -> (Option<String>, Vec<String>) {
    (error_code(body), problem_fields(body))
}

fn validation(fields: &[&str]) -> (Option<String>, Vec<String>) {
    (
        Some("VALIDATION".into()),
        fields.iter().map(|f| (*f).to_owned()).collect(),
    )
}

async fn a_learning_point_becomes_numbered_actions(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let point = learning_point(&w.reviewer, &w.review, "Strategy discussions").await;
        assert_eq!(point["kind"], "NEEDS_IMPROVEMENT");
        assert_eq!(point["scope"], "MULTI_AGENCY");
        assert_eq!(point["themes"], json!(["Neglect"]));
        assert_eq!(point["version"], 1);
        assert_eq!(point["createdByName"], "reviewer");
        let rec = recommendation(&w.reviewer, str_of(&point, "id")).await;
        let first = create_action(
            &w.reviewer,
            &rec,
            action_input("Invite health", &w.pol, Some(&w.pol_rep_id), &day(90)),
        )
        .await;
        assert_eq!(first["reference"], format!("{REFERENCE}/A1"));
        assert_eq!(first["status"], "NOT_STARTED");
        assert_eq!(first["overdue"], false);
        assert_eq!(first["rag"], "GREEN");
        assert_eq!(first["ownerAgency"]["prefix"], "POL");
        assert_eq!(first["ownerPerson"]["id"], w.pol_rep_id.as_str());
        assert_eq!(first["reviewReference"], REFERENCE);
        assert_eq!(first["learningPointTitle"], "Strategy discussions");
        assert_eq!(first["themes"], json!(["Neglect"]));
        assert_eq!(
            first["impactAudit"],
            "Re-audit of strategy discussions in six months"
        );
        // The business office writes plans too; numbering goes on within the review.
        let second = create_action(
            &w.office,
            &rec,
            action_input("Train call handlers", &w.csc, None, &day(120)),
        )
        .await;
        assert_eq!(second["reference"], format!("{REFERENCE}/A2"));

        // Members with an agency role read the plan; the practitioner reads nothing of it.
        for (who, client) in [
            ("chair", &w.chair),
            ("csc rep", &w.csc_rep),
            ("pol lead", &w.pol_lead),
        ] {
            let points = client.ok(REVIEW_POINTS, json!({ "id": w.review })).await["review"]
                ["learningPoints"]
                .clone();
            assert_eq!(
                points.as_array().map(Vec::len),
                Some(1),
                "{who}: {points:#}"
            );
            let actions = &points[0]["recommendations"][0]["actions"];
            assert_eq!(
                references(actions),
                [format!("{REFERENCE}/A1"), format!("{REFERENCE}/A2")],
                "{who}"
            );
        }
        let hidden = w
            .pol_prac
            .ok(REVIEW_POINTS, json!({ "id": w.review }))
            .await;
        assert_eq!(hidden["review"]["learningPoints"], json!([]));

        let history = get_action(&w.office, str_of(&first, "id")).await["history"].clone();
        assert_eq!(history[0]["change"], "create");
        assert_eq!(history[0]["changedBy"], "reviewer");

        // The audit log records each change by ids, never its text.
        let rows = audit_log::Entity::find()
            .all(app.db())
            .await
            .expect("audit rows");
        let actions: Vec<&str> = rows.iter().map(|r| r.action.as_str()).collect();
        for wanted in [
            "learning_point.create",
            "recommendation.create",
            "action.create",
        ] {
            assert!(actions.contains(&wanted), "{wanted} in {actions:?}");
        }
        for row in &rows {
            let text = format!("{row:?}");
            assert!(!text.contains("Invite health"), "case content in {text}");
            assert!(
                !text.contains("Strategy discussions"),
                "case content in {text}"
            );
        }
    })
    .await
}

async fn every_bad_input_is_named_and_nothing_is_written(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let bad_point = json!({
            "title": " ",
            "detail": null,
            "scope": "SINGLE_AGENCY",
            "kind": null,
            "themes": ["Neglect", "neglect"],
            "entryIds": ["no-such-entry"],
            "duplicateGroupKeys": ["only-one"],
        });
        let body = w
            .reviewer
            .gql(
                &create_point_doc(),
                json!({ "r": w.review, "i": bad_point, "a": null }),
            )
            .await;
        assert_eq!(
            codes_and_fields(&body),
            validation(&[
                "title",
                "kind",
                "detail",
                "themes[1]",
                "duplicateGroupKeys[0]",
                "entryIds[0]",
            ]),
            "{body:#}"
        );
        let none = w.office.ok(REVIEW_POINTS, json!({ "id": w.review })).await;
        assert_eq!(none["review"]["learningPoints"], json!([]), "nothing written");

        let point = learning_point(&w.reviewer, &w.review, "Strategy discussions").await;
        let point_id = str_of(&point, "id");
        let body = w
            .reviewer
            .gql(ADD_RECOMMENDATION, json!({ "p": point_id, "t": "  " }))
            .await;
        assert_eq!(codes_and_fields(&body), validation(&["text"]));
        let rec = recommendation(&w.reviewer, point_id).await;

        let create = |input: Value| {
            let reviewer = w.reviewer.clone();
            let rec = rec.clone();
            async move {
                reviewer
                    .gql(&create_action_doc(), json!({ "r": rec, "i": input }))
                    .await
            }
        };
        let missing_agency = uuid::Uuid::new_v4().to_string();
        let body = create(action_input("", &missing_agency, None, &day(30))).await;
        assert_eq!(
            codes_and_fields(&body),
            validation(&["title", "ownerAgencyId"])
        );
        // The owner person must work for the owner agency.
        let body = create(action_input("Invite", &w.csc, Some(&w.pol_rep_id), &day(30))).await;
        assert_eq!(codes_and_fields(&body), validation(&["ownerPersonId"]));
        let nobody = uuid::Uuid::new_v4().to_string();
        let body = create(action_input("Invite", &w.pol, Some(&nobody), &day(30))).await;
        assert_eq!(codes_and_fields(&body), validation(&["ownerPersonId"]));
        // A past target date needs a reason.
        let body = create(action_input("Invite", &w.pol, None, &day(-3))).await;
        assert_eq!(codes_and_fields(&body), validation(&["targetDateReason"]));
        let body = create(action_input("Invite", &w.pol, None, &day(365 * 11))).await;
        assert_eq!(codes_and_fields(&body), validation(&["targetDate"]));
        let all = list(&w.office, json!(null)).await;
        assert_eq!(all["totalCount"], 0, "nothing written: {all:#}");
        let mut past = action_input("Invite health", &w.pol, None, &day(-3));
        past["targetDateReason"] = json!("Agreed at the panel before it was recorded");
        let past = create(past).await;
        assert!(past.get("errors").is_none(), "{past:#}");
        let action = past["data"]["createAction"].clone();
        assert_eq!(action["reference"], format!("{REFERENCE}/A1"), "no number was used up");
        assert_eq!(
            action["targetDateReason"],
            "Agreed at the panel before it was recorded"
        );
        let id = str_of(&action, "id").to_owned();

        // Progress updates.
        let update = |text: &str, status: Option<&str>, evidence: Option<&str>| {
            json!({ "text": text, "status": status, "evidenceOfImpact": evidence })
        };
        let body = progress(&w.pol_rep, &id, update(" ", None, None)).await;
        assert_eq!(codes_and_fields(&body), validation(&["text"]));
        let body = progress(&w.pol_rep, &id, update("", Some("COMPLETED"), None)).await;
        assert_eq!(codes_and_fields(&body), validation(&["text"]));
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("final update")),
            "{body:#}"
        );
        let body = progress(
            &w.pol_rep,
            &id,
            update("Audited", Some("IMPACT_EVIDENCED"), None),
        )
        .await;
        assert_eq!(codes_and_fields(&body), validation(&["evidenceOfImpact"]));
        let body = progress(
            &w.pol_rep,
            &id,
            update("Training booked", Some("IN_PROGRESS"), None),
        )
        .await;
        assert!(body.get("errors").is_none(), "{body:#}");
        let body = progress(&w.pol_rep, &id, update("Oops", Some("NOT_STARTED"), None)).await;
        assert_eq!(codes_and_fields(&body), validation(&["status"]));

        // The RAG override needs a reason.
        let body = w
            .office
            .gql(
                &rag_doc(),
                json!({ "id": id, "rag": "AMBER", "reason": " " }),
            )
            .await;
        assert_eq!(codes_and_fields(&body), validation(&["reason"]));

        let before = get_action(&w.office, &id).await;
        assert_eq!(before["status"], "IN_PROGRESS");
        assert_eq!(before["version"], 2, "refused updates wrote nothing: {before:#}");
        assert_eq!(before["updates"].as_array().map(Vec::len), Some(1));
        assert_eq!(before["ragOverride"], Value::Null);

        // Completing closes the action: no more edits, updates or overrides...
        let done = progress(
            &w.pol_rep,
            &id,
            update("Every strategy discussion now invites health", Some("COMPLETED"), None),
        )
        .await;
        assert!(done.get("errors").is_none(), "{done:#}");
        let body = progress(&w.pol_rep, &id, update("One more thing", None, None)).await;
        assert_eq!(codes_and_fields(&body), validation(&["actionId"]));
        let body = w
            .reviewer
            .gql(
                &update_action_doc(),
                json!({ "id": id, "v": 3, "i": action_input("Changed", &w.pol, None, &day(30)) }),
            )
            .await;
        assert_eq!(codes_and_fields(&body), validation(&["id"]));
        let body = w
            .office
            .gql(&rag_doc(), json!({ "id": id, "rag": "RED", "reason": "Late" }))
            .await;
        assert_eq!(codes_and_fields(&body), validation(&["rag"]));
        // ...except recording the evidence of its impact.
        let evidenced = progress(
            &w.pol_lead,
            &id,
            update(
                "Re-audit done",
                Some("IMPACT_EVIDENCED"),
                Some("All 12 audited discussions had health present"),
            ),
        )
        .await;
        assert!(evidenced.get("errors").is_none(), "{evidenced:#}");
        let evidenced = &evidenced["data"]["addActionUpdate"];
        assert_eq!(evidenced["status"], "IMPACT_EVIDENCED");
        assert_eq!(
            evidenced["evidenceOfImpact"],
            "All 12 audited discussions had health present"
        );
        assert_eq!(evidenced["overdue"], false, "a closed action is never overdue");
        assert_eq!(evidenced["rag"], "GREEN");
        let body = progress(
            &w.pol_lead,
            &id,
            update("More", Some("IMPACT_EVIDENCED"), Some("More")),
        )
        .await;
        assert_eq!(codes_and_fields(&body), validation(&["actionId"]));
        let after = get_action(&w.office, &id).await;
        let statuses: Vec<&str> = after["updates"]
            .as_array()
            .expect("updates")
            .iter()
            .filter_map(|u| u["statusAfter"].as_str())
            .collect();
        assert_eq!(statuses, ["IMPACT_EVIDENCED", "COMPLETED", "IN_PROGRESS"]);
        let changes: Vec<&str> = after["history"]
            .as_array()
            .expect("history")
            .iter()
            .filter_map(|h| h["change"].as_str())
            .collect();
        assert_eq!(changes, ["progress", "progress", "progress", "create"]);
    })
    .await
}

async fn overdue_and_rag_are_derived_from_the_dates(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let point = learning_point(&w.reviewer, &w.review, "Strategy discussions").await;
        let rec = recommendation(&w.reviewer, str_of(&point, "id")).await;
        let mut late = action_input("Late", &w.pol, None, &day(-1));
        late["targetDateReason"] = json!("Agreed last month");
        let late = create_action(&w.reviewer, &rec, late).await;
        let soon = create_action(
            &w.reviewer,
            &rec,
            action_input("Soon", &w.pol, None, &day(10)),
        )
        .await;
        let today = create_action(
            &w.reviewer,
            &rec,
            action_input("Today", &w.pol, None, &day(0)),
        )
        .await;
        let later = create_action(
            &w.reviewer,
            &rec,
            action_input("Later", &w.pol, None, &day(100)),
        )
        .await;
        for (action, overdue, rag) in [
            (&late, true, "RED"),
            (&soon, false, "AMBER"),
            (&today, false, "AMBER"),
            (&later, false, "GREEN"),
        ] {
            assert_eq!(action["overdue"], overdue, "{action:#}");
            assert_eq!(action["rag"], rag, "{action:#}");
            assert_eq!(action["ragDerived"], rag, "{action:#}");
        }
        let overdue = list(&w.office, json!({ "overdue": true })).await;
        assert_eq!(references(&overdue["nodes"]), [format!("{REFERENCE}/A1")]);
        let amber = list(&w.office, json!({ "rag": "AMBER" })).await;
        assert_eq!(amber["totalCount"], 2);

        // The business office overrides a RAG with a reason; it shows while the action is
        // open, and clearing it brings the derived one back.
        let later_id = str_of(&later, "id");
        let set = w
            .office
            .ok(
                &rag_doc(),
                json!({ "id": later_id, "rag": "RED", "reason": "Funding withdrawn" }),
            )
            .await["setActionRag"]
            .clone();
        assert_eq!(set["rag"], "RED");
        assert_eq!(set["ragDerived"], "GREEN");
        assert_eq!(set["ragOverride"], "RED");
        assert_eq!(set["ragOverrideReason"], "Funding withdrawn");
        assert_eq!(
            set["overdue"], false,
            "an override does not make it overdue"
        );
        let red = list(&w.office, json!({ "rag": "RED" })).await;
        assert_eq!(red["totalCount"], 2);
        let cleared = w
            .office
            .ok(
                &rag_doc(),
                json!({ "id": later_id, "rag": null, "reason": "Funding restored" }),
            )
            .await["setActionRag"]
            .clone();
        assert_eq!(cleared["rag"], "GREEN");
        assert_eq!(cleared["ragOverride"], Value::Null);
        let history = get_action(&w.office, later_id).await["history"].clone();
        assert_eq!(history[0]["change"], "rag");
        assert_eq!(history[1]["ragOverride"], "RED");

        // An overridden action that is completed is green.
        w.office
            .ok(
                &rag_doc(),
                json!({ "id": later_id, "rag": "AMBER", "reason": "Staffing" }),
            )
            .await;
        let done = progress(
            &w.pol_rep,
            later_id,
            json!({ "text": "Done", "status": "COMPLETED" }),
        )
        .await;
        assert_eq!(done["data"]["addActionUpdate"]["rag"], "GREEN", "{done:#}");
        // Completing the overdue one: no longer overdue.
        let done = progress(
            &w.pol_rep,
            str_of(&late, "id"),
            json!({ "text": "Done at last", "status": "COMPLETED" }),
        )
        .await;
        assert_eq!(
            done["data"]["addActionUpdate"]["overdue"], false,
            "{done:#}"
        );
        assert_eq!(done["data"]["addActionUpdate"]["rag"], "GREEN");
        let overdue = list(&w.office, json!({ "overdue": true })).await;
        assert_eq!(overdue["totalCount"], 0);
        let completed = list(&w.office, json!({ "status": "COMPLETED" })).await;
        assert_eq!(completed["totalCount"], 2);
    })
    .await
}

async fn a_stale_save_is_a_conflict(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let action = an_action(&w, &w.pol, 60).await;
        let id = str_of(&action, "id");
        let input = action_input("Invite health and education", &w.pol, None, &day(60));
        let saved = w
            .reviewer
            .ok(
                &update_action_doc(),
                json!({ "id": id, "v": 1, "i": input }),
            )
            .await["updateAction"]
            .clone();
        assert_eq!(saved["version"], 2);
        assert_eq!(saved["title"], "Invite health and education");
        let mut other = input.clone();
        other["title"] = json!("Someone else's title");
        let stale = w
            .office
            .gql(
                &update_action_doc(),
                json!({ "id": id, "v": 1, "i": other }),
            )
            .await;
        assert_eq!(error_code(&stale).as_deref(), Some("CONFLICT"), "{stale:#}");
        let current = &stale["errors"][0]["extensions"]["current"];
        assert_eq!(current["version"], 2);
        assert_eq!(current["title"], "Invite health and education");
        // A progress update moves the version on too.
        let body = progress(
            &w.pol_rep,
            id,
            json!({ "text": "Started", "status": "IN_PROGRESS" }),
        )
        .await;
        assert_eq!(body["data"]["addActionUpdate"]["version"], 3, "{body:#}");
        let stale = w
            .reviewer
            .gql(
                &update_action_doc(),
                json!({ "id": id, "v": 2, "i": input }),
            )
            .await;
        assert_eq!(error_code(&stale).as_deref(), Some("CONFLICT"));
        assert_eq!(
            get_action(&w.office, id).await["title"],
            "Invite health and education"
        );

        let point = learning_point(&w.reviewer, &w.review, "First title").await;
        let point_id = str_of(&point, "id");
        let saved = w
            .reviewer
            .ok(
                &update_point_doc(),
                json!({ "id": point_id, "v": 1, "i": point_input("Second title") }),
            )
            .await["updateLearningPoint"]
            .clone();
        assert_eq!(saved["version"], 2);
        let stale = w
            .office
            .gql(
                &update_point_doc(),
                json!({ "id": point_id, "v": 1, "i": point_input("Third title") }),
            )
            .await;
        assert_eq!(error_code(&stale).as_deref(), Some("CONFLICT"));
        assert_eq!(
            stale["errors"][0]["extensions"]["current"]["title"],
            "Second title"
        );
    })
    .await
}

async fn the_owner_agency_reports_progress_and_no_one_else(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let action = an_action(&w, &w.pol, 60).await;
        let id = str_of(&action, "id");
        let note = json!({ "text": "Briefing written" });
        for (who, client) in [
            ("pol rep", &w.pol_rep),
            ("pol lead", &w.pol_lead),
            ("office", &w.office),
        ] {
            let body = progress(client, id, note.clone()).await;
            assert!(body.get("errors").is_none(), "{who}: {body:#}");
        }
        let updates = get_action(&w.office, id).await["updates"].clone();
        assert_eq!(updates.as_array().map(Vec::len), Some(3));
        // Another agency's people on the review see the action but may not report on it.
        for (who, client) in [("csc rep", &w.csc_rep), ("csc lead", &w.csc_lead)] {
            let body = progress(client, id, note.clone()).await;
            assert_eq!(
                error_code(&body).as_deref(),
                Some("FORBIDDEN"),
                "{who}: {body:#}"
            );
        }
        // Those who cannot see it at all are told it does not exist, like a missing one.
        let missing = uuid::Uuid::new_v4().to_string();
        for (who, client) in [
            ("hlt lead", &w.hlt_lead),
            ("pol rep off the review", &w.outsider),
        ] {
            let hidden = progress(client, id, note.clone()).await;
            let absent = progress(client, &missing, note.clone()).await;
            assert_eq!(
                error_code(&hidden).as_deref(),
                Some("NOT_FOUND"),
                "{who}: {hidden:#}"
            );
            assert_eq!(
                hidden["errors"][0]["message"], absent["errors"][0]["message"],
                "{who}"
            );
        }
        for (who, client) in [("chair", &w.chair), ("practitioner", &w.pol_prac)] {
            let body = progress(client, id, note.clone()).await;
            assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{who}");
        }
        let updates = get_action(&w.office, id).await["updates"].clone();
        assert_eq!(updates.as_array().map(Vec::len), Some(3), "nothing written");

        // The plan is written by the business office and the review's lead reviewers.
        let input = action_input("Changed by", &w.pol, None, &day(60));
        for (who, client) in [
            ("pol lead", &w.pol_lead),
            ("csc rep", &w.csc_rep),
            ("chair", &w.chair),
        ] {
            let body = client
                .gql(
                    &update_action_doc(),
                    json!({ "id": id, "v": 4, "i": input }),
                )
                .await;
            assert_eq!(
                error_code(&body).as_deref(),
                Some("FORBIDDEN"),
                "{who}: {body:#}"
            );
            let body = client
                .gql(
                    &create_point_doc(),
                    json!({ "r": w.review, "i": point_input("Mine"), "a": null }),
                )
                .await;
            assert_eq!(
                error_code(&body).as_deref(),
                Some("FORBIDDEN"),
                "{who}: {body:#}"
            );
        }
        let body = w
            .hlt_lead
            .gql(
                &create_point_doc(),
                json!({ "r": w.review, "i": point_input("Mine"), "a": null }),
            )
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"), "{body:#}");
        let body = w
            .reviewer
            .gql(
                &rag_doc(),
                json!({ "id": id, "rag": "RED", "reason": "Why" }),
            )
            .await;
        assert_eq!(
            error_code(&body).as_deref(),
            Some("FORBIDDEN"),
            "only the office"
        );

        // Practitioners read no action; an agency lead reads their own agency's anywhere.
        let body = w.pol_prac.gql(&get_action_doc(), json!({ "id": id })).await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body:#}");
        let body = w.hlt_lead.gql(&get_action_doc(), json!({ "id": id })).await;
        assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"), "{body:#}");
        let theirs = an_action(&w, &w.hlt, 30).await;
        let theirs_id = str_of(&theirs, "id");
        assert_eq!(
            get_action(&w.hlt_lead, theirs_id).await["ownerAgency"]["prefix"],
            "HLT"
        );
        let body = progress(&w.hlt_lead, theirs_id, note.clone()).await;
        assert!(body.get("errors").is_none(), "{body:#}");
    })
    .await
}

async fn who_sees_which_actions_in_pages(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        // On the review: POL's due in 10 days, CSC's overdue, POL's in 200 days.
        let point = learning_point(&w.reviewer, &w.review, "Strategy discussions").await;
        let rec = recommendation(&w.reviewer, str_of(&point, "id")).await;
        let mut overdue = action_input("CSC overdue", &w.csc, None, &day(-5));
        overdue["targetDateReason"] = json!("Agreed before it was recorded");
        create_action(
            &w.reviewer,
            &rec,
            action_input("POL soon", &w.pol, None, &day(10)),
        )
        .await;
        create_action(&w.reviewer, &rec, overdue).await;
        let mut pol_late = action_input("POL overdue", &w.pol, None, &day(-2));
        pol_late["targetDateReason"] = json!("Agreed before it was recorded");
        create_action(&w.reviewer, &rec, pol_late).await;
        create_action(
            &w.reviewer,
            &rec,
            action_input("POL later", &w.pol, None, &day(200)),
        )
        .await;
        // Another review, of which only the office's people are members, with a POL action
        // (themed differently) and an HLT one.
        let other = review_with(&w.office, "RR-2026-07", &[], &[]).await;
        let mut themed = point_input("Bruising");
        themed["themes"] = json!(["Bruising in babies"]);
        let other_point = w
            .office
            .ok(
                &create_point_doc(),
                json!({ "r": other, "i": themed, "a": null }),
            )
            .await["createLearningPoint"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let other_rec = recommendation(&w.office, &other_point).await;
        create_action(
            &w.office,
            &other_rec,
            action_input("POL elsewhere", &w.pol, None, &day(50)),
        )
        .await;
        create_action(
            &w.office,
            &other_rec,
            action_input("HLT elsewhere", &w.hlt, None, &day(50)),
        )
        .await;

        let all = |client: &Client| {
            let client = client.clone();
            async move {
                let mut refs = references(&list(&client, json!(null)).await["nodes"]);
                refs.sort();
                refs
            }
        };
        let a = |n: u32| format!("{REFERENCE}/A{n}");
        let b = |n: u32| format!("RR-2026-07/A{n}");
        let everything = vec![b(1), b(2), a(1), a(2), a(3), a(4)];
        let mut sorted = everything.clone();
        sorted.sort();
        assert_eq!(all(&w.office).await, sorted);
        assert_eq!(all(&w.chair).await, sorted);
        // An agency lead: their agency's actions anywhere, and every action of their reviews.
        let mut lead = vec![b(1), a(1), a(2), a(3), a(4)];
        lead.sort();
        assert_eq!(all(&w.pol_lead).await, lead);
        // A representative: the actions of reviews they are a member of.
        assert_eq!(all(&w.csc_rep).await, [a(1), a(2), a(3), a(4)]);
        assert_eq!(all(&w.outsider).await, Vec::<String>::new());
        assert_eq!(all(&w.hlt_lead).await, [b(2)]);
        let body = w.pol_prac.gql(LIST, json!({})).await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"));

        // Everything POL owes, that its lead sees: overdue first, then by RAG and date.
        let mine = w.pol_lead.ok(MY_AGENCY, json!({})).await["myAgencyActions"].clone();
        assert_eq!(references(&mine), [a(3), a(1), b(1), a(4)], "{mine:#}");
        assert_eq!(mine[0]["overdue"], true);
        let mine = w.pol_rep.ok(MY_AGENCY, json!({})).await["myAgencyActions"].clone();
        assert_eq!(
            references(&mine),
            [a(3), a(1), a(4)],
            "only reviews they are on"
        );

        // Filters.
        let by_review = list(&w.office, json!({ "reviewId": other })).await;
        assert_eq!(by_review["totalCount"], 2);
        let by_agency = list(&w.office, json!({ "agencyId": w.pol })).await;
        assert_eq!(by_agency["totalCount"], 4);
        let by_theme = list(&w.office, json!({ "theme": "bruising in babies" })).await;
        assert_eq!(references(&by_theme["nodes"]), [b(1), b(2)]);
        let future = Utc::now() + chrono::Duration::hours(1);
        let changed = list(&w.office, json!({ "changedSince": future.to_rfc3339() })).await;
        assert_eq!(changed["totalCount"], 0);
        let since = Utc::now() - chrono::Duration::hours(1);
        let changed = list(&w.office, json!({ "changedSince": since.to_rfc3339() })).await;
        assert_eq!(changed["totalCount"], 6);

        // Pages of two, oldest first, to the end.
        let mut seen = Vec::new();
        let mut after = Value::Null;
        loop {
            let page = w
                .office
                .ok(LIST, json!({ "f": null, "first": 2, "after": after }))
                .await["actions"]
                .clone();
            assert_eq!(page["totalCount"], 6);
            seen.extend(references(&page["nodes"]));
            if page["pageInfo"]["hasNextPage"] == false {
                break;
            }
            after = page["pageInfo"]["endCursor"].clone();
            assert!(seen.len() < 10, "paging does not end: {seen:?}");
        }
        assert_eq!(seen, [a(1), a(2), a(3), a(4), b(1), b(2)]);
        // The same in pages as an agency lead (paged in the database) and with a derived
        // filter (RAG: paged after deriving), each to the end without repeats.
        let pages = |client: &Client, filter: Value| {
            let client = client.clone();
            async move {
                let (mut seen, mut after) = (Vec::new(), Value::Null);
                loop {
                    let page = client
                        .ok(LIST, json!({ "f": filter, "first": 2, "after": after }))
                        .await["actions"]
                        .clone();
                    seen.extend(references(&page["nodes"]));
                    if page["pageInfo"]["hasNextPage"] == false {
                        assert_eq!(page["totalCount"], seen.len(), "{seen:?}");
                        return seen;
                    }
                    after = page["pageInfo"]["endCursor"].clone();
                    assert!(seen.len() < 10, "paging does not end: {seen:?}");
                }
            }
        };
        assert_eq!(
            pages(&w.pol_lead, json!(null)).await,
            [a(1), a(2), a(3), a(4), b(1)]
        );
        assert_eq!(pages(&w.office, json!({ "rag": "RED" })).await, [a(2), a(3)]);
        assert_eq!(
            pages(&w.office, json!({ "overdue": false, "agencyId": w.pol })).await,
            [a(1), a(4), b(1)]
        );

        // The numbers behind the charts: by owner agency and status, and overdue over time.
        const STATS: &str = "query($f: ActionFilter) { actionStatistics(filter: $f) { byAgency { agency { prefix } notStarted inProgress completed impactEvidenced overdue total } overdueOverTime { date count } } }";
        let stats = w.office.ok(STATS, json!({ "f": null })).await["actionStatistics"].clone();
        let rows: Vec<(String, i64, i64, i64)> = stats["byAgency"]
            .as_array()
            .expect("rows")
            .iter()
            .map(|r| {
                (
                    r["agency"]["prefix"].as_str().unwrap_or_default().to_owned(),
                    r["notStarted"].as_i64().unwrap_or(-1),
                    r["overdue"].as_i64().unwrap_or(-1),
                    r["total"].as_i64().unwrap_or(-1),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("CSC".to_owned(), 1, 1, 1),
                ("HLT".to_owned(), 1, 0, 1),
                ("POL".to_owned(), 4, 1, 4)
            ]
        );
        let line = stats["overdueOverTime"].as_array().expect("line");
        assert_eq!(line.len(), 13, "twelve month ends and today");
        assert_eq!(line[12]["date"], Utc::now().date_naive().to_string());
        assert_eq!(line[12]["count"], 2, "{line:?}");
        assert_eq!(line[0]["count"], 0, "nothing was set a year ago");
        // A representative counts only the reviews they are on; a practitioner nothing.
        let stats = w.pol_rep.ok(STATS, json!({ "f": null })).await["actionStatistics"].clone();
        let totals: Vec<i64> = stats["byAgency"]
            .as_array()
            .expect("rows")
            .iter()
            .map(|r| r["total"].as_i64().unwrap_or(-1))
            .collect();
        assert_eq!(totals, [1, 3]);
        let body = w.pol_prac.gql(STATS, json!({ "f": null })).await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"));
        let filtered = w
            .office
            .ok(STATS, json!({ "f": { "agencyId": w.hlt } }))
            .await["actionStatistics"]["byAgency"]
            .clone();
        assert_eq!(filtered.as_array().map(Vec::len), Some(1));
        let body = w
            .office
            .gql(
                LIST,
                json!({ "f": null, "first": 2, "after": "not-a-cursor" }),
            )
            .await;
        assert_eq!(codes_and_fields(&body), validation(&["after"]));
        let body = w
            .office
            .gql(LIST, json!({ "f": null, "first": 0, "after": null }))
            .await;
        assert_eq!(codes_and_fields(&body), validation(&["first"]));
    })
    .await
}

/// A POL entry in the review's chronology, annotated by the lead reviewer with `kind`.
async fn annotated_entry(w: &World, kind: &str, text: &str) -> (String, String) {
    let ret = w
        .pol_rep
        .ok(
            "query($id: ID!) { review(id: $id) { myChronologyReturn { id } } }",
            json!({ "id": w.review }),
        )
        .await["review"]["myChronologyReturn"]["id"]
        .as_str()
        .expect("return id")
        .to_owned();
    let entry = w
        .pol_rep
        .ok(
            "mutation($r: ID!, $i: EntryInput!) { addChronologyEntry(returnId: $r, input: $i) { id } }",
            json!({ "r": ret, "i": { "startDate": "03/05/2016", "source": format!("POL-{kind}"), "event": "Strategy discussion without health", "sharedWith": [] } }),
        )
        .await["addChronologyEntry"]["id"]
        .as_str()
        .expect("entry id")
        .to_owned();
    let annotation = w
        .reviewer
        .ok(
            "mutation($e: ID!, $k: AnnotationKind!, $t: String!) { annotateEntry(entryId: $e, kind: $k, text: $t) { id } }",
            json!({ "e": entry, "k": kind, "t": text }),
        )
        .await["annotateEntry"]["id"]
        .as_str()
        .expect("annotation id")
        .to_owned();
    (entry, annotation)
}

async fn an_annotation_becomes_a_learning_point_in_one_step(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let (entry, missed) =
            annotated_entry(&w, "MISSED_OPPORTUNITY", "Health should have been invited").await;
        let input = json!({ "title": "Invite health", "scope": "MULTI_AGENCY" });
        let point = w
            .reviewer
            .ok(
                &create_point_doc(),
                json!({ "r": w.review, "i": input, "a": missed }),
            )
            .await["createLearningPoint"]
            .clone();
        assert_eq!(point["kind"], "NEEDS_IMPROVEMENT");
        assert_eq!(point["detail"], "Health should have been invited");
        assert_eq!(point["annotationId"], missed.as_str());
        assert_eq!(point["entryIds"], json!([entry]));
        // One annotation becomes one learning point.
        let again = w
            .reviewer
            .gql(
                &create_point_doc(),
                json!({ "r": w.review, "i": input, "a": missed }),
            )
            .await;
        assert_eq!(codes_and_fields(&again), validation(&["fromAnnotationId"]));
        // A missed opportunity is not good practice.
        let (_, other_missed) =
            annotated_entry(&w, "MISSED_OPPORTUNITY", "Referral not followed up").await;
        let mut good = input.clone();
        good["kind"] = json!("GOOD_PRACTICE");
        let body = w
            .reviewer
            .gql(
                &create_point_doc(),
                json!({ "r": w.review, "i": good, "a": other_missed }),
            )
            .await;
        assert_eq!(codes_and_fields(&body), validation(&["kind"]));
        // A question is not a finding.
        let (_, question) = annotated_entry(&w, "QUESTION", "Who attended?").await;
        let body = w
            .reviewer
            .gql(
                &create_point_doc(),
                json!({ "r": w.review, "i": input, "a": question }),
            )
            .await;
        assert_eq!(codes_and_fields(&body), validation(&["fromAnnotationId"]));
        // An annotation of another review is not this review's.
        let other = review_with(&w.office, "RR-2026-08", &[], &[]).await;
        let body = w
            .office
            .gql(
                &create_point_doc(),
                json!({ "r": other, "i": input, "a": other_missed }),
            )
            .await;
        assert_eq!(codes_and_fields(&body), validation(&["fromAnnotationId"]));
        // Entries and duplicate groups are linked only when they are this review's.
        let mut linked = point_input("Linked");
        linked["entryIds"] = json!([entry]);
        linked["duplicateGroupKeys"] = json!([format!("{entry},{}", uuid::Uuid::new_v4())]);
        let body = w
            .reviewer
            .gql(
                &create_point_doc(),
                json!({ "r": w.review, "i": linked, "a": null }),
            )
            .await;
        assert_eq!(
            codes_and_fields(&body),
            validation(&["duplicateGroupKeys[0]"])
        );
        let mut elsewhere = point_input("Elsewhere");
        elsewhere["entryIds"] = json!([entry]);
        let body = w
            .office
            .gql(
                &create_point_doc(),
                json!({ "r": other, "i": elsewhere, "a": null }),
            )
            .await;
        assert_eq!(codes_and_fields(&body), validation(&["entryIds[0]"]));

        // Edited, it stays linked to its annotation and keeps the annotation's kind.
        let mut edit = json!({ "title": "Invite health to strategy discussions", "scope": "MULTI_AGENCY", "detail": "Edited detail" });
        let saved = w
            .reviewer
            .ok(
                &update_point_doc(),
                json!({ "id": point["id"], "v": 1, "i": edit }),
            )
            .await["updateLearningPoint"]
            .clone();
        assert_eq!(saved["annotationId"], missed.as_str());
        assert_eq!(saved["kind"], "NEEDS_IMPROVEMENT");
        assert_eq!(saved["entryIds"], json!([entry]));
        assert_eq!(saved["detail"], "Edited detail");
        edit["kind"] = json!("GOOD_PRACTICE");
        let body = w
            .reviewer
            .gql(
                &update_point_doc(),
                json!({ "id": point["id"], "v": 2, "i": edit }),
            )
            .await;
        assert_eq!(codes_and_fields(&body), validation(&["kind"]));
        let points = w.csc_rep.ok(REVIEW_POINTS, json!({ "id": w.review })).await["review"]
            ["learningPoints"]
            .clone();
        assert_eq!(points.as_array().map(Vec::len), Some(1), "{points:#}");
        assert_eq!(points[0]["annotationId"], missed.as_str());
    })
    .await
}

async fn learning_points_and_actions_are_referred_to_committees(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let committees =
            w.pol_prac.ok("{ committees { id name } }", json!({})).await["committees"].clone();
        let names: Vec<&str> = committees
            .as_array()
            .expect("committees")
            .iter()
            .filter_map(|c| c["name"].as_str())
            .collect();
        assert_eq!(
            names,
            [
                "Policy and Practice",
                "Education and Training",
                "Quality and Audit",
                "Case Review sub-group"
            ]
        );
        let training = str_of(&committees[1], "id").to_owned();
        let audit = str_of(&committees[2], "id").to_owned();

        let action = an_action(&w, &w.pol, 60).await;
        let action_id = str_of(&action, "id");
        let point_id = str_of(&action, "learningPointId");
        let referred = w
            .reviewer
            .ok(
                REFER,
                json!({ "k": "LEARNING_POINT", "id": point_id, "c": training }),
            )
            .await;
        assert_eq!(
            referred["referToCommittee"]["name"],
            "Education and Training"
        );
        w.office
            .ok(REFER, json!({ "k": "ACTION", "id": action_id, "c": audit }))
            .await;
        let tracked = w.office.ok(COMMITTEE, json!({ "id": training })).await["committee"].clone();
        assert_eq!(tracked["learningPoints"][0]["id"], point_id);
        let tracked = w.office.ok(COMMITTEE, json!({ "id": audit })).await["committee"].clone();
        assert_eq!(references(&tracked["actions"]), [format!("{REFERENCE}/A1")]);
        let got = get_action(&w.pol_lead, action_id).await;
        assert_eq!(got["committee"]["name"], "Quality and Audit");
        assert_eq!(got["history"][0]["change"], "refer");
        assert_eq!(got["history"][0]["committeeId"], audit.as_str());
        let by_committee = list(&w.office, json!({ "committeeId": audit })).await;
        assert_eq!(by_committee["totalCount"], 1);
        let points = w.office.ok(REVIEW_POINTS, json!({ "id": w.review })).await;
        assert_eq!(
            points["review"]["learningPoints"].as_array().map(Vec::len),
            Some(1)
        );

        // What a committee tracks is shown to those who may see it.
        for (who, client) in [("practitioner", &w.pol_prac), ("outsider", &w.outsider)] {
            let hidden = client.ok(COMMITTEE, json!({ "id": audit })).await["committee"].clone();
            assert_eq!(hidden["actions"], json!([]), "{who}");
            let hidden = client.ok(COMMITTEE, json!({ "id": training })).await["committee"].clone();
            assert_eq!(hidden["learningPoints"], json!([]), "{who}");
        }

        // Bad referrals.
        let body = w
            .reviewer
            .gql(
                REFER,
                json!({ "k": "ACTION", "id": action_id, "c": "no-such-committee" }),
            )
            .await;
        assert_eq!(codes_and_fields(&body), validation(&["committeeId"]));
        let body = w
            .csc_rep
            .gql(
                REFER,
                json!({ "k": "ACTION", "id": action_id, "c": training }),
            )
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"));
        let body = w
            .outsider
            .gql(
                REFER,
                json!({ "k": "LEARNING_POINT", "id": point_id, "c": training }),
            )
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"));
        let body = w
            .office
            .gql(COMMITTEE, json!({ "id": "no-such-committee" }))
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"));
        assert_eq!(
            get_action(&w.office, action_id).await["committee"]["name"],
            "Quality and Audit",
            "refused referrals wrote nothing"
        );
    })
    .await
}

const EXPORT: &str = "query($f: ActionFilter, $x: ExportFormat!) { actionsExport(filter: $f, format: $x) { fileName mediaType contentBase64 } }";

fn decoded(file: &Value) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(str_of(file, "contentBase64"))
        .expect("base64")
}

/// The CSV's lines after the byte-order mark, headings first.
fn csv_lines(file: &Value) -> Vec<String> {
    let text = String::from_utf8(decoded(file)).expect("utf-8");
    let body = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    body.split("\r\n")
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn xlsx_cells(file: &Value) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(decoded(file))).expect("xlsx");
    let sheet = book.worksheet_range("Action plan").expect("sheet");
    sheet
        .rows()
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect()
}

async fn the_master_plan_is_exported_as_csv_and_xlsx(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let point = learning_point(&w.reviewer, &w.review, "Strategy discussions").await;
        let rec = recommendation(&w.reviewer, str_of(&point, "id")).await;
        let formula = r#"=HYPERLINK("http://evil.example","Click")"#;
        let pol = create_action(
            &w.reviewer,
            &rec,
            action_input(formula, &w.pol, Some(&w.pol_rep_id), &day(30)),
        )
        .await;
        create_action(
            &w.reviewer,
            &rec,
            action_input("CSC briefing", &w.csc, None, &day(60)),
        )
        .await;
        let body = progress(
            &w.pol_rep,
            str_of(&pol, "id"),
            json!({ "text": "Briefing delivered", "status": "IN_PROGRESS", "evidenceOfImpact": null }),
        )
        .await;
        assert!(body.get("errors").is_none(), "{body:#}");
        // Another review, of the office's only, with an HLT action.
        let other = review_with(&w.office, "RR-2026-07", &[], &[]).await;
        let other_point = w
            .office
            .ok(
                &create_point_doc(),
                json!({ "r": other, "i": point_input("Bruising"), "a": null }),
            )
            .await["createLearningPoint"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let other_rec = recommendation(&w.office, &other_point).await;
        create_action(
            &w.office,
            &other_rec,
            action_input("HLT elsewhere", &w.hlt, None, &day(50)),
        )
        .await;

        let export = |client: &Client, filter: Value, format: &str| {
            let client = client.clone();
            let format = format.to_owned();
            async move {
                client
                    .ok(EXPORT, json!({ "f": filter, "x": format }))
                    .await["actionsExport"]
                    .clone()
            }
        };

        // CSV: headings, one line an action, formula-like text neutralised.
        let csv = export(&w.office, json!(null), "CSV").await;
        assert_eq!(csv["mediaType"], "text/csv; charset=utf-8");
        assert!(str_of(&csv, "fileName").ends_with(".csv"));
        let lines = csv_lines(&csv);
        assert_eq!(
            lines[0],
            "\"Reference\",\"Review\",\"Learning point\",\"Recommendation\",\"Action\",\
             \"Owner agency\",\"Owner person\",\"Target date\",\"Status\",\"RAG\",\"Overdue\",\
             \"Last update date\",\"Last update\",\"Evidence of impact\",\
             \"How impact will be audited\",\"Committee\",\"Changed\""
        );
        // Every field quoted: no separator (`,` or `;`) inside one can split it.
        assert!(lines.iter().all(|l| l.starts_with('"') && l.ends_with('"')));
        assert_eq!(lines.len(), 1 + 3, "{lines:#?}");
        let all = lines.join("\n");
        assert!(all.contains(r#""'=HYPERLINK(""http://evil.example"",""Click"")""#), "{all}");
        assert!(all.contains("Briefing delivered"), "{all}");
        assert!(all.contains("In progress"), "{all}");
        assert!(lines.iter().skip(1).all(|l| !l.starts_with("\"=")));

        // Filters are those of the list.
        let only_csc = csv_lines(&export(&w.office, json!({ "agencyId": w.csc }), "CSV").await);
        assert_eq!(only_csc.len(), 2, "{only_csc:#?}");
        assert!(only_csc[1].contains("CSC briefing"));

        // XLSX: the same rows, formula-like text kept as text.
        let xlsx = export(&w.office, json!(null), "XLSX").await;
        assert_eq!(
            xlsx["mediaType"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        let cells = xlsx_cells(&xlsx);
        assert_eq!(cells[0][0], "Reference");
        assert_eq!(cells[0][5], "Owner agency");
        assert_eq!(cells[0].len(), 17);
        assert_eq!(cells.len(), 1 + 3, "{cells:?}");
        let all = cells.concat().join("\n");
        assert!(all.contains(r#"'=HYPERLINK("http://evil.example","Click")"#), "{all}");
        assert!(all.contains("HLT elsewhere"));

        // An agency lead's export holds only what they may see: HLT's lead sees HLT's.
        let hlt = xlsx_cells(&export(&w.hlt_lead, json!(null), "XLSX").await);
        assert_eq!(hlt.len(), 2, "{hlt:?}");
        assert_eq!(hlt[1][4], "HLT elsewhere");
        assert_eq!(hlt[1][5], "HLT");
        let pol_lead = csv_lines(&export(&w.pol_lead, json!(null), "CSV").await);
        assert_eq!(pol_lead.len(), 1 + 2, "the review's actions only: {pol_lead:#?}");
        assert!(!pol_lead.join("\n").contains("HLT elsewhere"));
        let outsider = csv_lines(&export(&w.outsider, json!(null), "CSV").await);
        assert_eq!(outsider.len(), 1, "headings only");
        let body = w
            .pol_prac
            .gql(EXPORT, json!({ "f": null, "x": "CSV" }))
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"));

        // Exports are recorded, without content.
        let rows = audit_log::Entity::find().all(app.db()).await.expect("audit");
        let csv_rows: Vec<_> = rows
            .iter()
            .filter(|r| r.action == "actions.export.csv")
            .collect();
        assert_eq!(csv_rows.len(), 4);
        assert!(rows.iter().any(|r| r.action == "actions.export.xlsx"));
        let text = format!("{csv_rows:?}");
        assert!(!text.contains("HYPERLINK") && !text.contains("Briefing"), "{text}");
    })
    .await
}

/// The master plan's total is read from the count the database keeps (m0012): it follows
/// actions added, and removed (the platform never removes one; the database may, when a
/// review's rows go), and matches a count under a filter.
async fn the_total_follows_actions_added_and_removed(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let total = |client: Client| async move {
            list(&client, json!(null)).await["totalCount"]
                .as_u64()
                .expect("total")
        };
        assert_eq!(total(w.office.clone()).await, 0);
        let first = an_action(&w, &w.pol, 30).await;
        an_action(&w, &w.csc, 30).await;
        an_action(&w, &w.pol, 60).await;
        assert_eq!(total(w.office.clone()).await, 3);
        assert_eq!(total(w.chair.clone()).await, 3);
        let by_agency = list(&w.office, json!({ "agencyId": w.pol })).await;
        assert_eq!(by_agency["totalCount"], 2);
        let removed = server::entities::action::Entity::delete_by_id(str_of(&first, "id"))
            .exec(app.db())
            .await
            .expect("delete");
        assert_eq!(removed.rows_affected, 1);
        assert_eq!(total(w.office.clone()).await, 2);
        let page = list(&w.office, json!(null)).await;
        assert_eq!(page["nodes"].as_array().map(Vec::len), Some(2));
    })
    .await;
}

/// An existing database upgraded to the action count (m0012) and to sessions naming their
/// person (m0013) keeps its numbers and its signed-in people: m0012 and every migration
/// after it are taken back and run again over actions and sessions already there.
async fn an_upgraded_database_keeps_its_total_and_its_sessions(backend: Backend) {
    use migrations::{Migrator, MigratorTrait};
    run(backend, |app| async move {
        let w = world(&app).await;
        an_action(&w, &w.pol, 30).await;
        an_action(&w, &w.csc, 30).await;
        let last = an_action(&w, &w.pol, 60).await;
        // Back to before the count: m0012 and every migration after it.
        let names: Vec<String> = Migrator::migrations()
            .iter()
            .map(|m| m.name().to_owned())
            .collect();
        let since_count = names
            .iter()
            .position(|n| n == "m0012_action_count")
            .map(|at| names.len() - at)
            .expect("m0012 is a migration");
        Migrator::down(app.db(), Some(since_count as u32))
            .await
            .expect("take back m0012 and what follows");
        // Removed while the database is as it was before the count (the server of then
        // would have done it; this one reads sessions by their person, so the test does).
        server::entities::action::Entity::delete_by_id(str_of(&last, "id"))
            .exec(app.db())
            .await
            .expect("delete");
        Migrator::up(app.db(), None).await.expect("upgrade");
        let page = list(&w.office, json!(null)).await;
        assert_eq!(page["totalCount"], 2, "{page:#}");
        // Every session signed in before the upgrade is still signed in as its person.
        let me = w.reviewer.ok("{ me { email } }", json!({})).await;
        assert_eq!(me["me"]["email"], "reviewer@test.example", "{me:#}");
        let me = w.office.ok("{ me { roles } }", json!({})).await;
        assert_eq!(me["me"]["roles"], json!(["BUSINESS_OFFICE"]), "{me:#}");
        // And the count goes on from there.
        an_action(&w, &w.csc, 90).await;
        assert_eq!(list(&w.office, json!(null)).await["totalCount"], 3);
    })
    .await;
}

/// A page's actions are resolved field after field when every field asked for is in hand
/// (`server::rows`), and the general way otherwise (a fragment, a field that reads the
/// database): both give the same actions, aliases, type names and nested owners.
async fn a_page_reads_the_same_however_its_fields_are_asked(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let owned = an_owned_action(&w, &w.pol, Some(&w.pol_rep_id), 30).await;
        an_action(&w, &w.csc, 60).await;
        let fields = "__typename id ref: reference title status overdue rag ragDerived \
            targetDate reviewReference themes version ownerAgency { id prefix colour } \
            ownerPerson { id displayName } committee { id }";
        let page = |selection: String| {
            let office = w.office.clone();
            async move {
                let doc = format!("{{ actions(first: 50) {{ nodes {{ {selection} }} }} }}");
                office.ok(&doc, json!({})).await["actions"]["nodes"].clone()
            }
        };
        let in_order = page(fields.to_owned()).await;
        let general = page(format!("... on Action {{ {fields} }}")).await;
        assert_eq!(in_order, general);
        let nodes = in_order.as_array().expect("nodes");
        assert_eq!(nodes.len(), 2);
        assert!(nodes.iter().all(|n| n["__typename"] == "Action"));
        let first = nodes
            .iter()
            .find(|n| n["id"] == owned["id"])
            .expect("the owned action");
        assert_eq!(first["ref"], owned["reference"]);
        assert_eq!(first["ownerAgency"]["prefix"], "POL");
        assert_eq!(first["ownerPerson"]["id"], w.pol_rep_id.as_str());
        assert_eq!(first["committee"], Value::Null);
        // A field that reads the database, beside the same fields: the general way.
        let fetched = page(format!(
            "{fields} ownerPerson {{ agency {{ prefix }} }} updates {{ id }}"
        ))
        .await;
        let fetched_first = fetched
            .as_array()
            .and_then(|n| n.iter().find(|n| n["id"] == owned["id"]))
            .expect("the owned action");
        assert_eq!(fetched_first["ownerPerson"]["agency"]["prefix"], "POL");
        assert_eq!(fetched_first["updates"], json!([]));
        assert_eq!(fetched_first["ref"], first["ref"]);
    })
    .await
}

/// Changes that take no version (progress updates, the RAG override, referrals) never answer
/// CONFLICT however many arrive at once, and each is recorded; versioned saves of one stale
/// version still have exactly one winner. Issue 15, item 9: on PostgreSQL, 32 clients' progress
/// updates answered "Someone saved this action since you opened it".
async fn changes_without_a_version_never_conflict(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let committees =
            w.office.ok("{ committees { id } }", json!({})).await["committees"].clone();
        let committee = str_of(&committees[0], "id").to_owned();
        let action = an_action(&w, &w.pol, 60).await;
        let id = str_of(&action, "id").to_owned();
        let point_id = str_of(&action, "learningPointId").to_owned();
        const UPDATES: usize = 32;
        const RAGS: usize = 4;
        const REFERRALS: usize = 4;
        let progress_doc = progress_doc();
        let rag_doc = rag_doc();
        let mut calls = Vec::new();
        for n in 0..UPDATES {
            let client = if n % 2 == 0 { &w.pol_rep } else { &w.pol_lead };
            let vars = json!({ "id": id, "i": { "text": format!("Update {n}"), "status": "IN_PROGRESS", "evidenceOfImpact": null } });
            calls.push(client.gql(&progress_doc, vars).boxed());
        }
        for n in 0..RAGS {
            let vars = json!({ "id": id, "rag": "AMBER", "reason": format!("Reason {n}") });
            calls.push(w.office.gql(&rag_doc, vars).boxed());
        }
        for _ in 0..REFERRALS {
            let vars = json!({ "k": "ACTION", "id": id, "c": committee });
            calls.push(w.reviewer.gql(REFER, vars).boxed());
            let vars = json!({ "k": "LEARNING_POINT", "id": point_id, "c": committee });
            calls.push(w.reviewer.gql(REFER, vars).boxed());
        }
        let answers = futures_util::future::join_all(calls).await;
        for body in &answers {
            assert!(body.get("errors").is_none(), "{body:#}");
        }
        let stored = get_action(&w.office, &id).await;
        assert_eq!(
            stored["updates"].as_array().map(Vec::len),
            Some(UPDATES),
            "{stored:#}"
        );
        let version = 1 + UPDATES + RAGS + REFERRALS;
        assert_eq!(stored["version"], version, "{stored:#}");
        assert_eq!(stored["history"].as_array().map(Vec::len), Some(version));
        let point = w.office.ok(REVIEW_POINTS, json!({ "id": w.review })).await;
        assert!(
            point.to_string().contains(&point_id),
            "the learning point is still there: {point:#}"
        );

        // Eight saves of the same, now stale-for-all-but-one, version: one wins.
        let update_doc = update_action_doc();
        let saves = (0..8).map(|n| {
            let client = if n % 2 == 0 { &w.office } else { &w.reviewer };
            let input = action_input(&format!("Title {n}"), &w.pol, None, &day(60));
            client.gql(&update_doc, json!({ "id": id, "v": version, "i": input }))
        });
        let answers = futures_util::future::join_all(saves).await;
        let won = answers.iter().filter(|b| b.get("errors").is_none()).count();
        let conflicts = answers
            .iter()
            .filter(|b| error_code(b).as_deref() == Some("CONFLICT"))
            .count();
        assert_eq!((won, conflicts), (1, 7), "{answers:#?}");
        let stored = get_action(&w.office, &id).await;
        assert_eq!(stored["version"], version + 1);
    })
    .await
}

/// The master plan shows each action's newest progress update: the list and one action carry
/// the first of `updates`, and an action without one has none.
async fn each_action_carries_its_latest_update(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let quiet = an_action(&w, &w.pol, 60).await;
        let busy = an_action(&w, &w.pol, 90).await;
        let (quiet, busy) = (str_of(&quiet, "id").to_owned(), str_of(&busy, "id").to_owned());
        for text in ["First look at the referrals", "Half the teams briefed", "All teams briefed"] {
            let input = json!({ "text": text, "status": "IN_PROGRESS" });
            let body = progress(&w.pol_lead, &busy, input).await;
            assert!(body.get("errors").is_none(), "{body:#}");
        }
        let doc = "query($f: ActionFilter) { actions(filter: $f, first: 50) { nodes { id latestUpdate { text authorName authorAgencyPrefix statusAfter } updates { text } } } }";
        let nodes = w
            .office
            .ok(doc, json!({ "f": { "reviewId": w.review } }))
            .await["actions"]["nodes"]
            .clone();
        let node = |id: &str| {
            nodes
                .as_array()
                .and_then(|l| l.iter().find(|n| n["id"] == id))
                .cloned()
                .unwrap_or_else(|| panic!("{id} not listed: {nodes:#}"))
        };
        assert_eq!(node(&quiet)["latestUpdate"], Value::Null);
        let latest = node(&busy)["latestUpdate"].clone();
        assert_eq!(latest["text"], "All teams briefed", "{latest:#}");
        assert_eq!(latest["text"], node(&busy)["updates"][0]["text"]);
        assert_eq!(latest["authorAgencyPrefix"], "POL");
        assert_eq!(latest["statusAfter"], "IN_PROGRESS");
        let one = w
            .pol_rep
            .ok(
                "query($id: ID!) { action(id: $id) { latestUpdate { text } } }",
                json!({ "id": busy }),
            )
            .await;
        assert_eq!(one["action"]["latestUpdate"]["text"], "All teams briefed");
    })
    .await
}

db_tests!(
    each_action_carries_its_latest_update,
    an_upgraded_database_keeps_its_total_and_its_sessions,
    a_page_reads_the_same_however_its_fields_are_asked,
    the_total_follows_actions_added_and_removed,
    a_learning_point_becomes_numbered_actions,
    every_bad_input_is_named_and_nothing_is_written,
    overdue_and_rag_are_derived_from_the_dates,
    a_stale_save_is_a_conflict,
    the_owner_agency_reports_progress_and_no_one_else,
    who_sees_which_actions_in_pages,
    an_annotation_becomes_a_learning_point_in_one_step,
    learning_points_and_actions_are_referred_to_committees,
    the_master_plan_is_exported_as_csv_and_xlsx,
    changes_without_a_version_never_conflict,
);
