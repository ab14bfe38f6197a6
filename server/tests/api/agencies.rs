//! Agencies over GraphQL: the business office creates, lists and edits them; every bad field
//! is named; a failed change writes nothing; QA mechanisms are kept by the business office or
//! the agency's own lead, and another agency answers exactly like a missing one.

use crate::db_tests;
use crate::helpers::{error_code, problem_fields, run, Backend, Client, TestApp};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};
use server::entities::{agency, audit_log, qa_mechanism};
use shared::auth::Role;

const AGENCY: &str = "id name kind kindLabel prefix colour active \
                      qaMechanisms { id text lastUpdated } qaLastUpdated";

fn create_doc() -> String {
    format!("mutation($input: AgencyInput!) {{ createAgency(input: $input) {{ {AGENCY} }} }}")
}

fn update_doc() -> String {
    format!(
        "mutation($id: ID!, $input: AgencyInput!) {{ updateAgency(id: $id, input: $input) {{ {AGENCY} }} }}"
    )
}

fn set_qa_doc() -> String {
    format!(
        "mutation($id: ID!, $m: [QaMechanismInput!]!) {{ setQaMechanisms(agencyId: $id, mechanisms: $m) {{ {AGENCY} }} }}"
    )
}

fn input(name: &str, prefix: &str, colour: &str) -> Value {
    json!({
        "name": name,
        "kind": "POLICE",
        "prefix": prefix,
        "colour": colour,
        "active": true,
    })
}

async fn all_agencies(client: &Client) -> Vec<Value> {
    let data = client
        .ok(
            &format!("query {{ agencies(includeInactive: true) {{ {AGENCY} }} }}"),
            json!({}),
        )
        .await;
    data["agencies"].as_array().cloned().unwrap_or_default()
}

/// Rows in the tables a failed agency change must leave alone.
async fn rows(app: &TestApp) -> (u64, u64, u64) {
    (
        agency::Entity::find().count(app.db()).await.expect("count"),
        qa_mechanism::Entity::find()
            .count(app.db())
            .await
            .expect("count"),
        audit_log::Entity::find()
            .count(app.db())
            .await
            .expect("count"),
    )
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

async fn office_creates_lists_and_updates_agencies(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let created = office
            .ok(
                &create_doc(),
                json!({ "input": input("  Northshire Police ", " NPOL ", "#1D70B8") }),
            )
            .await["createAgency"]
            .clone();
        assert_eq!(created["name"], "Northshire Police", "name is trimmed");
        assert_eq!(created["prefix"], "NPOL", "prefix is trimmed");
        assert_eq!(created["colour"], "#1d70b8", "colour is stored in lower case");
        assert_eq!(created["kind"], "POLICE");
        assert_eq!(created["kindLabel"], "Police");
        assert_eq!(created["active"], true);
        assert_eq!(created["qaMechanisms"], json!([]));
        assert_eq!(created["qaLastUpdated"], Value::Null);
        let id = created["id"].as_str().expect("id").to_owned();

        office
            .ok(
                &create_doc(),
                json!({ "input": input("Abbeyfield Health", "AH", "#00703c") }),
            )
            .await;
        let names: Vec<Value> = all_agencies(&office)
            .await
            .iter()
            .map(|a| a["name"].clone())
            .collect();
        assert_eq!(
            names,
            vec![json!("Abbeyfield Health"), json!("Northshire Police")],
            "agencies are listed by name"
        );

        let mut changed = input("Northshire Constabulary", "NCON", "#d4351c");
        changed["kind"] = json!("PROBATION");
        changed["active"] = json!(false);
        let updated = office
            .ok(&update_doc(), json!({ "id": id, "input": changed }))
            .await["updateAgency"]
            .clone();
        assert_eq!(updated["id"], id.as_str());
        assert_eq!(updated["name"], "Northshire Constabulary");
        assert_eq!(updated["prefix"], "NCON");
        assert_eq!(updated["kind"], "PROBATION");
        assert_eq!(updated["active"], false);

        let fetched = office
            .ok(
                &format!("query($id: ID!) {{ agency(id: $id) {{ {AGENCY} }} }}"),
                json!({ "id": id }),
            )
            .await["agency"]
            .clone();
        assert_eq!(fetched["name"], "Northshire Constabulary");
        assert_eq!(fetched["colour"], "#d4351c");

        let active = office
            .ok("{ agencies { name } }", json!({}))
            .await["agencies"]
            .clone();
        assert_eq!(
            active,
            json!([{ "name": "Abbeyfield Health" }]),
            "inactive agencies are left out unless asked for"
        );
        assert_eq!(all_agencies(&office).await.len(), 2);

        // An agency keeps its own prefix when edited.
        office
            .ok(
                &update_doc(),
                json!({ "id": id, "input": input("Northshire Constabulary", "NCON", "#d4351c") }),
            )
            .await;

        let missing = office
            .gql(
                &update_doc(),
                json!({ "id": uuid::Uuid::new_v4().to_string(), "input": input("Nobody", "NOB", "#000000") }),
            )
            .await;
        assert_eq!(error_code(&missing).as_deref(), Some("NOT_FOUND"), "{missing:#}");
    })
    .await
}

async fn bad_agency_input_names_the_field_and_writes_nothing(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        office
            .ok(
                &create_doc(),
                json!({ "input": input("Existing Police", "POL", "#1d70b8") }),
            )
            .await;
        let other = office
            .ok(
                &create_doc(),
                json!({ "input": input("Other Agency", "OTH", "#1d70b8") }),
            )
            .await["createAgency"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        // 120 characters is the most a name may have.
        office
            .ok(
                &create_doc(),
                json!({ "input": input(&"n".repeat(120), "LONG", "#1d70b8") }),
            )
            .await;

        let cases: Vec<(&str, Value, &str)> = vec![
            ("empty name", input("", "EMP", "#1d70b8"), "name"),
            ("blank name", input("   ", "BLK", "#1d70b8"), "name"),
            (
                "overlong name",
                input(&"n".repeat(121), "OVR", "#1d70b8"),
                "name",
            ),
            (
                "lower-case prefix",
                input("Lower", "pol", "#1d70b8"),
                "prefix",
            ),
            (
                "one-letter prefix",
                input("Short", "P", "#1d70b8"),
                "prefix",
            ),
            (
                "six-letter prefix",
                input("Longer", "POLICE", "#1d70b8"),
                "prefix",
            ),
            (
                "prefix with a digit",
                input("Digit", "P1", "#1d70b8"),
                "prefix",
            ),
            (
                "duplicate prefix",
                input("Another Police", "POL", "#1d70b8"),
                "prefix",
            ),
            ("colour name", input("Red", "RED", "red"), "colour"),
            ("colour not hex", input("Bad", "BAD", "#1d70bg"), "colour"),
            ("colour too short", input("Bad", "BAD", "#1d70b"), "colour"),
        ];
        let before = rows(&app).await;
        for (what, bad, field) in &cases {
            let body = office.gql(&create_doc(), json!({ "input": bad })).await;
            assert_eq!(
                error_code(&body).as_deref(),
                Some("VALIDATION"),
                "{what}: {body:#}"
            );
            assert_eq!(
                problem_fields(&body),
                vec![field.to_string()],
                "{what}: {body:#}"
            );
            let problem = &body["errors"][0]["extensions"]["problems"][0];
            assert!(
                problem["message"].as_str().is_some_and(|m| !m.is_empty()),
                "{what}: every problem gives a reason: {body:#}"
            );
            assert!(body["data"].is_null(), "{what}: {body:#}");
        }
        assert_eq!(
            rows(&app).await,
            before,
            "a refused create writes no agency and no audit row"
        );

        // Several bad fields are reported together.
        let body = office
            .gql(&create_doc(), json!({ "input": input(" ", "p", "blue") }))
            .await;
        assert_eq!(
            problem_fields(&body),
            vec!["name", "prefix", "colour"],
            "{body:#}"
        );

        // Updating another agency onto a prefix in use is refused too.
        let body = office
            .gql(
                &update_doc(),
                json!({ "id": other, "input": input("Other Agency", "POL", "#1d70b8") }),
            )
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body:#}");
        assert_eq!(problem_fields(&body), vec!["prefix"], "{body:#}");
        let body = office
            .gql(
                &update_doc(),
                json!({ "id": other, "input": input(&"x".repeat(121), "OTH", "#1d70b8") }),
            )
            .await;
        assert_eq!(problem_fields(&body), vec!["name"], "{body:#}");
        assert_eq!(rows(&app).await, before, "a refused update writes nothing");
        let stored = all_agencies(&office).await;
        let other_now = stored
            .iter()
            .find(|a| a["id"] == other.as_str())
            .expect("other agency");
        assert_eq!(other_now["prefix"], "OTH");
        assert_eq!(other_now["name"], "Other Agency");
    })
    .await
}

async fn qa_mechanisms_are_kept_by_the_office_or_the_agencys_own_lead(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let mine = app.agency("Home Police", "HOME").await;
        let theirs = app.agency("Other Health", "OTHR").await;
        let (lead, _) = app
            .signed_in("lead@test.example", &[Role::AgencyLead], Some(&mine))
            .await;
        let (rep, _) = app
            .signed_in(
                "rep@test.example",
                &[Role::AgencyRepresentative],
                Some(&mine),
            )
            .await;

        // The business office sets any agency's list; the latest date is the max, not the last.
        let set = office
            .ok(
                &set_qa_doc(),
                json!({ "id": theirs, "m": [
                    { "text": "Quarterly case file audits", "lastUpdated": "2025-06-15" },
                    { "text": "  Supervision policy  ", "lastUpdated": "2024-03-01" },
                ]}),
            )
            .await["setQaMechanisms"]
            .clone();
        let texts: Vec<&Value> = set["qaMechanisms"]
            .as_array()
            .expect("list")
            .iter()
            .map(|m| &m["text"])
            .collect();
        assert_eq!(
            texts,
            [&json!("Quarterly case file audits"), &json!("Supervision policy")],
            "kept in order, trimmed: {set:#}"
        );
        assert_eq!(set["qaLastUpdated"], "2025-06-15", "{set:#}");

        // The agency's own lead sets theirs; the list is replaced, not appended to.
        let today = today().to_string();
        let set = lead
            .ok(
                &set_qa_doc(),
                json!({ "id": mine, "m": [
                    { "text": "Monthly audits", "lastUpdated": "2020-01-01" },
                    { "text": "Peer review", "lastUpdated": today },
                ]}),
            )
            .await["setQaMechanisms"]
            .clone();
        assert_eq!(set["qaLastUpdated"], today.as_str(), "today is allowed: {set:#}");
        let set = lead
            .ok(
                &set_qa_doc(),
                json!({ "id": mine, "m": [{ "text": "Only this", "lastUpdated": "2021-05-05" }] }),
            )
            .await["setQaMechanisms"]
            .clone();
        assert_eq!(set["qaMechanisms"].as_array().map(Vec::len), Some(1));
        assert_eq!(set["qaLastUpdated"], "2021-05-05");

        // Another agency answers the lead exactly like an agency that does not exist.
        let before = rows(&app).await;
        let other = lead
            .gql(
                &set_qa_doc(),
                json!({ "id": theirs, "m": [{ "text": "Hijack", "lastUpdated": "2021-01-01" }] }),
            )
            .await;
        let missing = lead
            .gql(
                &set_qa_doc(),
                json!({ "id": uuid::Uuid::new_v4().to_string(), "m": [{ "text": "Hijack", "lastUpdated": "2021-01-01" }] }),
            )
            .await;
        assert_eq!(error_code(&other).as_deref(), Some("NOT_FOUND"), "{other:#}");
        assert_eq!(error_code(&other), error_code(&missing));
        assert_eq!(
            other["errors"][0]["message"], missing["errors"][0]["message"],
            "another agency must not be told apart from a missing one: {other:#} vs {missing:#}"
        );
        assert!(other["data"].is_null(), "{other:#}");
        // The office gets the same answer for a missing agency.
        let office_missing = office
            .gql(
                &set_qa_doc(),
                json!({ "id": uuid::Uuid::new_v4().to_string(), "m": [] }),
            )
            .await;
        assert_eq!(error_code(&office_missing), error_code(&missing));
        assert_eq!(
            office_missing["errors"][0]["message"],
            missing["errors"][0]["message"]
        );

        // An agency representative may not keep even their own agency's list.
        let body = rep
            .gql(
                &set_qa_doc(),
                json!({ "id": mine, "m": [{ "text": "Mine", "lastUpdated": "2021-01-01" }] }),
            )
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body:#}");

        // Bad mechanisms name their field; the stored list is left as it was.
        let body = lead
            .gql(
                &set_qa_doc(),
                json!({ "id": mine, "m": [{ "text": "   ", "lastUpdated": "2021-01-01" }] }),
            )
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body:#}");
        assert_eq!(problem_fields(&body), vec!["mechanisms[0].text"], "{body:#}");
        let body = office
            .gql(
                &set_qa_doc(),
                json!({ "id": mine, "m": [
                    { "text": "Fine", "lastUpdated": "2021-01-01" },
                    { "text": "From the future", "lastUpdated": "2999-01-01" },
                ]}),
            )
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body:#}");
        assert_eq!(
            problem_fields(&body),
            vec!["mechanisms[1].lastUpdated"],
            "{body:#}"
        );
        let body = office
            .gql(
                &set_qa_doc(),
                json!({ "id": mine, "m": [{ "text": "Old", "lastUpdated": "1980-01-01" }] }),
            )
            .await;
        assert_eq!(
            problem_fields(&body),
            vec!["mechanisms[0].lastUpdated"],
            "{body:#}"
        );
        let too_many: Vec<Value> = (0..51)
            .map(|i| json!({ "text": format!("Mechanism {i}"), "lastUpdated": "2021-01-01" }))
            .collect();
        let body = office
            .gql(&set_qa_doc(), json!({ "id": mine, "m": too_many }))
            .await;
        assert_eq!(problem_fields(&body), vec!["mechanisms"], "{body:#}");
        assert_eq!(
            rows(&app).await,
            before,
            "refused changes write no mechanism and no audit row"
        );
        let stored = all_agencies(&office).await;
        let mine_now = stored.iter().find(|a| a["id"] == mine.as_str()).expect("mine");
        assert_eq!(
            mine_now["qaMechanisms"][0]["text"], "Only this",
            "{mine_now:#}"
        );
        let theirs_now = stored
            .iter()
            .find(|a| a["id"] == theirs.as_str())
            .expect("theirs");
        assert_eq!(theirs_now["qaMechanisms"].as_array().map(Vec::len), Some(2));
        assert_eq!(theirs_now["qaLastUpdated"], "2025-06-15");

        // An empty list clears them.
        let cleared = office
            .ok(&set_qa_doc(), json!({ "id": theirs, "m": [] }))
            .await["setQaMechanisms"]
            .clone();
        assert_eq!(cleared["qaMechanisms"], json!([]));
        assert_eq!(cleared["qaLastUpdated"], Value::Null);
    })
    .await
}

const CHECK: &str =
    "query($c: String!, $except: ID) { agencyColourCheck(colour: $c, exceptAgencyId: $except) \
                     { colour tooCloseTo { id name prefix colour } suggestion } }";

async fn a_colour_too_close_to_anothers_is_named_with_an_alternative(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let mut ids = Vec::new();
        for (name, prefix, colour) in [
            ("Blue Police", "BPOL", "#1d70b8"),
            ("Red Health", "RHE", "#d4351c"),
            ("Green Schools", "GSCH", "#00703c"),
        ] {
            let created = office
                .ok(
                    &create_doc(),
                    json!({ "input": input(name, prefix, colour) }),
                )
                .await;
            ids.push(
                created["createAgency"]["id"]
                    .as_str()
                    .expect("id")
                    .to_owned(),
            );
        }

        // Nearly the police's blue: named, with a colour apart from all three.
        let check =
            office.ok(CHECK, json!({ "c": " #1E72BA " })).await["agencyColourCheck"].clone();
        assert_eq!(check["colour"], "#1e72ba", "checked as it would be stored");
        assert_eq!(
            check["tooCloseTo"],
            json!([{ "id": ids[0], "name": "Blue Police", "prefix": "BPOL", "colour": "#1d70b8" }])
        );
        let suggestion = check["suggestion"].as_str().expect("a suggestion");
        let rgb = shared::colour::parse_hex(suggestion).expect("#rrggbb");
        for other in ["#1d70b8", "#d4351c", "#00703c"] {
            let other = shared::colour::parse_hex(other).expect("hex");
            assert!(
                shared::colour::difference(rgb, other) >= 15.0,
                "{suggestion}"
            );
        }
        assert!(
            shared::colour::contrast_on_white(rgb) >= 3.0,
            "{suggestion}"
        );
        // The suggestion itself passes the check.
        let again = office.ok(CHECK, json!({ "c": suggestion })).await;
        assert_eq!(again["agencyColourCheck"]["tooCloseTo"], json!([]));
        assert_eq!(again["agencyColourCheck"]["suggestion"], Value::Null);

        // A distinct colour: nothing to say.
        let fine = office.ok(CHECK, json!({ "c": "#f47738" })).await;
        assert_eq!(fine["agencyColourCheck"]["tooCloseTo"], json!([]));
        assert_eq!(fine["agencyColourCheck"]["suggestion"], Value::Null);

        // Editing the police: its own colour is not a clash.
        let own = office
            .ok(CHECK, json!({ "c": "#1d70b8", "except": ids[0] }))
            .await;
        assert_eq!(own["agencyColourCheck"]["tooCloseTo"], json!([]));

        // A colour that is not #rrggbb is named, as creating an agency names it.
        for bad in ["blue", "#1d70b", "#1d70bg", ""] {
            let body = office.gql(CHECK, json!({ "c": bad })).await;
            assert_eq!(
                error_code(&body).as_deref(),
                Some("VALIDATION"),
                "{bad}: {body:#}"
            );
            assert_eq!(problem_fields(&body), vec!["colour"], "{bad}: {body:#}");
        }
    })
    .await
}

db_tests!(
    a_colour_too_close_to_anothers_is_named_with_an_alternative,
    office_creates_lists_and_updates_agencies,
    bad_agency_input_names_the_field_and_writes_nothing,
    qa_mechanisms_are_kept_by_the_office_or_the_agencys_own_lead,
);
