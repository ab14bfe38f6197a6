//! Learning that does not come from a case review, turned into actions in one step: the
//! office plans actions from a hot spot of the performance dataset and from a child death
//! review record's learning. They join the action plan as the actions of the year's plan of
//! the source's own kind (`PI-<year>`, `CDOP-<year>`), one learning point per source that
//! says where they come from (never a child's case number); they are read as every action
//! is; only the office plans them; bad input is named by field; a failed write leaves
//! nothing behind.

use crate::db_tests;
use crate::helpers::{error_code, problem_fields, run, Backend, Client, TestApp};
use chrono::Datelike;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};
use server::entities::{audit_log, learning_point, review};
use shared::auth::Role;

const ACTION: &str = "id reference reviewReference learningPointId learningPointTitle \
    recommendationText ownerAgency { prefix } status";

fn in_days(days: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string()
}

fn action(title: &str, agency: &str, days: i64) -> Value {
    json!({ "title": title, "ownerAgencyId": agency, "targetDate": in_days(days) })
}

async fn plan_from_hot_spot(client: &Client, indicator: &str, input: Value) -> Value {
    client
        .gql(
            &format!("mutation($i: ID!, $a: ActionInput!) {{ planHotSpotAction(indicatorId: $i, input: $a) {{ {ACTION} }} }}"),
            json!({ "i": indicator, "a": input }),
        )
        .await
}

async fn plan_from_death(client: &Client, record: &str, input: Value) -> Value {
    client
        .gql(
            &format!("mutation($r: ID!, $a: ActionInput!) {{ planChildDeathAction(recordId: $r, input: $a) {{ {ACTION} }} }}"),
            json!({ "r": record, "a": input }),
        )
        .await
}

/// The reviewed death the child death test plans from (its case number is never to show).
fn death_record() -> Value {
    json!({
        "caseNumber": "CDOP-CASE-0042",
        "ageBand": "POST_NEONATAL",
        "category": "SUDDEN_UNEXPLAINED",
        "modifiability": "IDENTIFIED",
        "modifiableFactors": "Co-sleeping on a sofa after parental alcohol use.",
        "learning": "Safer sleep advice is repeated at every health visitor contact.",
        "panelDate": in_days(-10),
    })
}

fn references(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("list")
        .iter()
        .map(|a| a["reference"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn counts(app: &TestApp) -> (u64, u64) {
    let points = learning_point::Entity::find()
        .count(app.db())
        .await
        .expect("count");
    let reviews = review::Entity::find().count(app.db()).await.expect("count");
    (points, reviews)
}

/// An indicator, and whether its values make it a hot spot: a year of baseline, then seven
/// months just below the mean of a higher-is-better indicator (a shift, a concern).
async fn indicator(office: &Client, name: &str, agency: &str, hot: bool) -> String {
    let id = office
        .ok(
            "mutation($input: IndicatorInput!) { createIndicator(input: $input) { id } }",
            json!({ "input": {
                "name": name,
                "definition": "Children seen within the timescale, of all children referred",
                "unit": "%",
                "direction": "HIGHER_IS_BETTER",
                "target": 60.0,
                "period": "MONTH",
                "agencyId": agency,
                "baselineFrom": "2025-01",
                "baselineTo": "2025-12",
            } }),
        )
        .await["createIndicator"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let record = "mutation($id: ID!, $p: String!, $x: Float!) { recordIndicatorValue(indicatorId: $id, period: $p, value: $x) { chart { hotSpot } } }";
    let mut last = Value::Null;
    for m in 1..=12 {
        let x = if m % 2 == 1 { 70.0 } else { 72.0 };
        last = office
            .ok(
                record,
                json!({ "id": id, "p": format!("2025-{m:02}"), "x": x }),
            )
            .await;
    }
    if hot {
        for m in 1..=7 {
            last = office
                .ok(
                    record,
                    json!({ "id": id, "p": format!("2026-{m:02}"), "x": 70.5 }),
                )
                .await;
        }
    }
    assert_eq!(
        last["recordIndicatorValue"]["chart"]["hotSpot"], hot,
        "{last:#}"
    );
    id
}

async fn actions_from_a_hot_spot_join_the_action_plan(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let csc = app.agency("Children's Social Care", "CSC").await;
        let pol = app.agency("Northshire Police", "POL").await;
        let (csc_lead, _) = app.signed_in("csc.lead@test.example", &[Role::AgencyLead], Some(&csc)).await;
        let (pol_lead, _) = app.signed_in("pol.lead@test.example", &[Role::AgencyLead], Some(&pol)).await;
        let (chair, _) = app.signed_in("chair@test.example", &[Role::IndependentChair], None).await;
        let hot = indicator(&office, "Seen in time", &csc, true).await;
        let calm = indicator(&office, "Assessments on time", &csc, false).await;
        let year = chrono::Utc::now().year();

        // Only the office plans, and only from a hot spot; bad input is named by field.
        for who in [&csc_lead, &chair] {
            let refused = plan_from_hot_spot(who, &hot, action("Audit", &csc, 60)).await;
            assert_eq!(error_code(&refused).as_deref(), Some("FORBIDDEN"), "{refused:#}");
        }
        let not_hot = plan_from_hot_spot(&office, &calm, action("Audit", &csc, 60)).await;
        assert_eq!(problem_fields(&not_hot), ["indicatorId"], "{not_hot:#}");
        let missing = plan_from_hot_spot(&office, "no-such-indicator", action("Audit", &csc, 60)).await;
        assert_eq!(error_code(&missing).as_deref(), Some("NOT_FOUND"), "{missing:#}");
        let bad = plan_from_hot_spot(&office, &hot, action("  ", &csc, 60)).await;
        assert!(problem_fields(&bad).iter().any(|f| f.ends_with("title")), "{bad:#}");

        // A failed write leaves nothing: no plan, no learning point, no action.
        app.refuse_inserts("indicator_action", "1 = 1").await;
        let failed = plan_from_hot_spot(&office, &hot, action("Audit ten cases", &csc, 60)).await;
        assert!(failed.get("errors").is_some(), "{failed:#}");
        assert!(!failed.to_string().contains("fault"), "nothing internal leaks");
        app.allow_inserts("indicator_action").await;
        assert_eq!(counts(&app).await, (0, 0), "nothing half-written");

        // Planned: numbered within the year's plan, under one learning point per indicator
        // that says what its chart shows.
        let first = plan_from_hot_spot(&office, &hot, action("Audit ten cases seen late", &csc, 60)).await["data"]["planHotSpotAction"].clone();
        assert_eq!(first["reference"], format!("PI-{year}/A1"), "{first:#}");
        assert_eq!(first["reviewReference"], format!("PI-{year}"));
        assert_eq!(first["ownerAgency"]["prefix"], "CSC");
        assert_eq!(first["learningPointTitle"], format!("Performance dataset {year}: Seen in time (hot spot)"));
        let second = plan_from_hot_spot(&office, &hot, action("Review the duty rota", &pol, 90)).await["data"]["planHotSpotAction"].clone();
        assert_eq!(second["reference"], format!("PI-{year}/A2"));
        assert_eq!(second["learningPointId"], first["learningPointId"], "one learning point per indicator");
        let points = learning_point::Entity::find().all(app.db()).await.expect("points");
        assert_eq!(points.len(), 1);
        assert!(points[0].detail.contains("special cause concern (lower)"), "{}", points[0].detail);

        // Read on the indicator, by the action plan's rules.
        let doc = "query($id: ID!) { indicator(id: $id) { actions { reference ownerAgency { prefix } } } }";
        let all = office.ok(doc, json!({ "id": hot })).await;
        assert_eq!(references(&all["indicator"]["actions"]), [format!("PI-{year}/A1"), format!("PI-{year}/A2")]);
        assert_eq!(references(&chair.ok(doc, json!({ "id": hot })).await["indicator"]["actions"]).len(), 2);
        assert_eq!(references(&csc_lead.ok(doc, json!({ "id": hot })).await["indicator"]["actions"]), [format!("PI-{year}/A1")], "a lead sees its own agency's");
        assert!(references(&office.ok(doc, json!({ "id": calm })).await["indicator"]["actions"]).is_empty());
        let in_plan = office.ok("{ actions { totalCount } }", json!({})).await;
        assert_eq!(in_plan["actions"]["totalCount"], 2);
        let pol_sees = pol_lead.ok("{ myAgencyActions { reference } }", json!({})).await;
        assert_eq!(references(&pol_sees["myAgencyActions"]), [format!("PI-{year}/A2")]);

        // The plan is not a review in the list, but is one of the action plan's sources.
        let reviews = office.ok("{ reviews { reference } }", json!({})).await;
        assert!(!reviews.to_string().contains("PI-"), "{reviews:#}");
        let sources = office.ok("{ reviews(withPlans: true) { reference kind } }", json!({})).await;
        assert!(sources["reviews"].as_array().expect("list").iter().any(|r| r["reference"] == format!("PI-{year}") && r["kind"] == "PERFORMANCE_DATASET"), "{sources:#}");
        let audited: Vec<String> = audit_log::Entity::find()
            .all(app.db())
            .await
            .expect("audit")
            .into_iter()
            .map(|r| r.action)
            .collect();
        assert!(audited.iter().any(|a| a == "indicator.action.plan"), "{audited:?}");
    })
    .await;
}

async fn actions_from_a_deaths_learning_join_the_action_plan(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let health = app.agency("Community Health", "HLT").await;
        let (lead, _) = app.signed_in("hlt.lead@test.example", &[Role::AgencyLead], Some(&health)).await;
        let (chair, _) = app.signed_in("chair@test.example", &[Role::IndependentChair], None).await;
        let made = office
            .ok(
                "mutation($input: ChildDeathReviewInput!) { recordChildDeathReview(input: $input) { id reportingYear version actions { reference } } }",
                json!({ "input": death_record() }),
            )
            .await["recordChildDeathReview"]
            .clone();
        let record = made["id"].as_str().expect("id").to_owned();
        assert_eq!(made["actions"], json!([]), "read one record at a time: none yet");
        let year = made["reportingYear"].as_i64().expect("year");

        for who in [&lead, &chair] {
            let refused = plan_from_death(who, &record, action("Train", &health, 60)).await;
            assert_eq!(error_code(&refused).as_deref(), Some("FORBIDDEN"), "{refused:#}");
        }
        let missing = plan_from_death(&office, "no-such-record", action("Train", &health, 60)).await;
        assert_eq!(error_code(&missing).as_deref(), Some("NOT_FOUND"), "{missing:#}");
        let no_agency = plan_from_death(&office, &record, action("Train", "no-such-agency", 60)).await;
        assert!(no_agency.get("errors").is_some(), "{no_agency:#}");

        app.refuse_inserts("child_death_action", "1 = 1").await;
        let failed = plan_from_death(&office, &record, action("Train health visitors", &health, 60)).await;
        assert!(failed.get("errors").is_some(), "{failed:#}");
        app.allow_inserts("child_death_action").await;
        assert_eq!(counts(&app).await, (0, 0), "nothing half-written");

        let first = plan_from_death(&office, &record, action("Train health visitors in safer sleep", &health, 60)).await["data"]["planChildDeathAction"].clone();
        assert_eq!(first["reference"], format!("CDOP-{year}/A1"), "{first:#}");
        assert_eq!(
            first["learningPointTitle"],
            format!("Child death review {year}: Safer sleep advice is repeated at every health visitor contact.")
        );
        let second = plan_from_death(&office, &record, action("Audit safer sleep advice", &health, 120)).await["data"]["planChildDeathAction"].clone();
        assert_eq!(second["reference"], format!("CDOP-{year}/A2"));
        assert_eq!(second["learningPointId"], first["learningPointId"]);
        // The action plan is read by agencies' leads: the case number is nowhere in it.
        let points = learning_point::Entity::find().all(app.db()).await.expect("points");
        assert_eq!(points.len(), 1);
        assert!(points[0].detail.contains("Co-sleeping on a sofa"), "{}", points[0].detail);
        assert!(!points[0].detail.contains("0042") && !points[0].title.contains("0042"));
        let lead_sees = lead.ok("{ myAgencyActions { reference learningPointTitle } }", json!({})).await;
        assert_eq!(references(&lead_sees["myAgencyActions"]).len(), 2);
        assert!(!lead_sees.to_string().contains("0042"));

        // One record read on its own (as a change answers) has its actions too.
        let changed = office
            .ok(
                "mutation($id: ID!, $v: Int!, $input: ChildDeathReviewInput!) { updateChildDeathReview(id: $id, version: $v, input: $input) { version actions { reference } } }",
                json!({ "id": record, "v": made["version"], "input": death_record() }),
            )
            .await["updateChildDeathReview"]
            .clone();
        assert_eq!(references(&changed["actions"]), [format!("CDOP-{year}/A1"), format!("CDOP-{year}/A2")]);

        // At most 20 actions from one record: the 21st is refused on the record.
        for n in 3..=20 {
            let more = plan_from_death(&office, &record, action(&format!("Step {n}"), &health, 60)).await;
            assert_eq!(more["data"]["planChildDeathAction"]["reference"], format!("CDOP-{year}/A{n}"), "{more:#}");
        }
        let over = plan_from_death(&office, &record, action("One too many", &health, 60)).await;
        assert_eq!(problem_fields(&over), ["recordId"], "{over:#}");

        // Read on the record by its readers.
        let doc = "query($y: Int) { childDeathYear(year: $y) { reviews { id actions { reference } } } }";
        for who in [&office, &chair] {
            let data = who.ok(doc, json!({ "y": year })).await;
            let listed = data["childDeathYear"]["reviews"].as_array().expect("list").iter().find(|r| r["id"] == record.as_str()).expect("the record").clone();
            let listed = references(&listed["actions"]);
            assert_eq!(listed.len(), 20);
            assert_eq!(listed[..2], [format!("CDOP-{year}/A1"), format!("CDOP-{year}/A2")]);
        }

        // A record deleted as made in error leaves its actions in the action plan.
        let deleted = office
            .ok("mutation($id: ID!, $v: Int!) { deleteChildDeathReview(id: $id, version: $v) }", json!({ "id": record, "v": changed["version"] }))
            .await;
        assert_eq!(deleted["deleteChildDeathReview"], true);
        let in_plan = office.ok("{ actions { totalCount } }", json!({})).await;
        assert_eq!(in_plan["actions"]["totalCount"], 20);
        let sources = office.ok("{ reviews(withPlans: true) { reference kind } }", json!({})).await;
        assert!(sources.to_string().contains("CHILD_DEATH_LEARNING"), "{sources:#}");
    })
    .await;
}

db_tests!(
    actions_from_a_hot_spot_join_the_action_plan,
    actions_from_a_deaths_learning_join_the_action_plan,
);
