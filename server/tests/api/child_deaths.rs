//! Child death review learning over GraphQL: the business office records pseudonymised
//! reviews of child deaths (version checked, one record per case number); a reporting year
//! (from 1 April) lists them with counts by category, age band and modifiable factors, the
//! small counts marked as suppressed when published; names and identifiers are refused
//! where they are; only the office writes, and only the office and the chair read; a
//! failed write leaves nothing.

use crate::db_tests;
use crate::helpers::{error_code, problem_fields, run, Backend, Client, TestApp};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use server::entities::{audit_log, child_death_review};
use shared::auth::Role;

const RECORD: &str = "id caseNumber ageBand ageBandLabel category categoryLabel modifiability \
    modifiabilityLabel modifiableFactors learning panelDate reportingYear recordedBy version";

const COUNT: &str = "count suppressed published";

fn year_doc() -> String {
    format!(
        "query($y: Int) {{ childDeathYears childDeathYear(year: $y) {{ year label total {{ {COUNT} }} \
         byCategory {{ category label deaths {{ {COUNT} }} modifiable {{ {COUNT} }} }} \
         byAgeBand {{ ageBand deaths {{ {COUNT} }} }} \
         byModifiability {{ modifiability deaths {{ {COUNT} }} }} reviews {{ {RECORD} }} }} }}"
    )
}

fn record_doc() -> String {
    format!("mutation($input: ChildDeathReviewInput!) {{ recordChildDeathReview(input: $input) {{ {RECORD} }} }}")
}

fn update_doc() -> String {
    format!("mutation($id: ID!, $v: Int!, $input: ChildDeathReviewInput!) {{ updateChildDeathReview(id: $id, version: $v, input: $input) {{ {RECORD} }} }}")
}

const DELETE: &str =
    "mutation($id: ID!, $v: Int!) { deleteChildDeathReview(id: $id, version: $v) }";

fn input(case: &str, category: &str, band: &str, modifiable: Option<&str>, panel: &str) -> Value {
    json!({
        "caseNumber": case,
        "ageBand": band,
        "category": category,
        "modifiability": if modifiable.is_some() { "IDENTIFIED" } else { "NONE_IDENTIFIED" },
        "modifiableFactors": modifiable.unwrap_or_default(),
        "learning": "Learning shared with the health visiting service.",
        "panelDate": panel,
    })
}

async fn record(office: &Client, input: Value) -> Value {
    office.ok(&record_doc(), json!({ "input": input })).await["recordChildDeathReview"].clone()
}

async fn rows(app: &TestApp) -> u64 {
    child_death_review::Entity::find()
        .count(app.db())
        .await
        .expect("count")
}

fn category<'a>(year: &'a Value, code: &str) -> &'a Value {
    year["byCategory"]
        .as_array()
        .expect("categories")
        .iter()
        .find(|r| r["category"] == code)
        .unwrap_or_else(|| panic!("no {code}"))
}

async fn office_records_and_a_year_counts_them_with_small_counts_suppressed(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        for n in 0..6 {
            record(
                &office,
                input(
                    &format!("CDR-2020-{n:03}"),
                    "PERINATAL_NEONATAL",
                    "NEONATAL",
                    None,
                    &format!("2020-{:02}-10", 4 + n),
                ),
            )
            .await;
        }
        let sudden = record(
            &office,
            input(
                "CDR-2020-006",
                "SUDDEN_UNEXPLAINED",
                "POST_NEONATAL",
                Some("Unsafe sleeping: the baby shared a sofa with a parent."),
                "2021-02-01",
            ),
        )
        .await;
        assert_eq!(sudden["reportingYear"], 2020, "February 2021 is in 2020's year");
        assert_eq!(sudden["recordedBy"], "office");
        assert_eq!(sudden["modifiabilityLabel"], "Modifiable factors identified");
        record(
            &office,
            input(
                "CDR-2020-007",
                "SUDDEN_UNEXPLAINED",
                "POST_NEONATAL",
                Some("Smoking in the home."),
                "2020-06-30",
            ),
        )
        .await;
        // 2021's year starts on 1 April 2021.
        record(
            &office,
            input("CDR-2021-001", "INFECTION", "ONE_TO_FOUR", None, "2021-04-01"),
        )
        .await;

        let data = office.ok(&year_doc(), json!({ "y": 2020 })).await;
        let years: Vec<i64> = data["childDeathYears"]
            .as_array()
            .expect("years")
            .iter()
            .filter_map(Value::as_i64)
            .collect();
        assert!(years.contains(&2020) && years.contains(&2021), "{years:?}");
        assert!(years.windows(2).all(|w| w[0] > w[1]), "latest first: {years:?}");
        let y = &data["childDeathYear"];
        assert_eq!(y["label"], "April 2020 to March 2021");
        assert_eq!(y["total"], json!({ "count": 8, "suppressed": false, "published": "8" }));
        let reviews = y["reviews"].as_array().expect("reviews");
        assert_eq!(reviews.len(), 8);
        assert_eq!(reviews[0]["caseNumber"], "CDR-2020-006", "latest panel first");
        assert_eq!(
            category(y, "SUDDEN_UNEXPLAINED")["deaths"],
            json!({ "count": 2, "suppressed": true, "published": "Suppressed" })
        );
        assert_eq!(category(y, "SUDDEN_UNEXPLAINED")["modifiable"]["count"], 2);
        assert_eq!(category(y, "SUDDEN_UNEXPLAINED")["modifiable"]["suppressed"], true);
        // The only other non-zero category is suppressed too, or 8 − 6 would give it away.
        assert_eq!(category(y, "PERINATAL_NEONATAL")["deaths"]["count"], 6);
        assert_eq!(category(y, "PERINATAL_NEONATAL")["deaths"]["suppressed"], true);
        assert_eq!(category(y, "MALIGNANCY")["deaths"]["published"], "0");
        assert_eq!(y["byCategory"].as_array().map(Vec::len), Some(10));
        assert_eq!(y["byAgeBand"].as_array().map(Vec::len), Some(6));
        let judged: Vec<i64> = y["byModifiability"]
            .as_array()
            .expect("judgements")
            .iter()
            .map(|r| r["deaths"]["count"].as_i64().unwrap_or(-1))
            .collect();
        assert_eq!(judged, vec![2, 6, 0]);

        // Changing a record moves it between years; an old version is refused.
        let id = sudden["id"].as_str().expect("id");
        let moved = office
            .ok(
                &update_doc(),
                json!({ "id": id, "v": 1, "input": input("CDR-2020-006", "SUDDEN_UNEXPLAINED", "POST_NEONATAL", Some("Unsafe sleeping."), "2021-05-01") }),
            )
            .await["updateChildDeathReview"]
            .clone();
        assert_eq!(moved["reportingYear"], 2021);
        assert_eq!(moved["version"], 2);
        let stale = office
            .gql(
                &update_doc(),
                json!({ "id": id, "v": 1, "input": input("CDR-2020-006", "INFECTION", "POST_NEONATAL", None, "2021-05-01") }),
            )
            .await;
        assert_eq!(error_code(&stale).as_deref(), Some("CONFLICT"));
        let stale = office.gql(DELETE, json!({ "id": id, "v": 1 })).await;
        assert_eq!(error_code(&stale).as_deref(), Some("CONFLICT"));
        let gone = office.ok(DELETE, json!({ "id": id, "v": 2 })).await;
        assert_eq!(gone["deleteChildDeathReview"], true);
        let missing = office.gql(DELETE, json!({ "id": id, "v": 2 })).await;
        assert_eq!(error_code(&missing).as_deref(), Some("NOT_FOUND"));
        let y2021 = office.ok(&year_doc(), json!({ "y": 2021 })).await;
        assert_eq!(y2021["childDeathYear"]["total"]["count"], 1);
        assert_eq!(rows(&app).await, 8);

        let codes: Vec<String> = audit_log::Entity::find()
            .filter(audit_log::Column::Action.starts_with("child_death_review."))
            .all(app.db())
            .await
            .expect("audit")
            .into_iter()
            .map(|r| r.action)
            .collect();
        for code in [
            "child_death_review.create",
            "child_death_review.update",
            "child_death_review.delete",
        ] {
            assert!(codes.iter().any(|c| c == code), "{code} in {codes:?}");
        }
        for code in &codes {
            assert!(
                shared::audit::ACTIONS.iter().any(|(c, _, _)| c == code),
                "{code} is described in shared::audit"
            );
        }
    })
    .await;
}

async fn names_identifiers_and_bad_input_are_refused_where_they_are(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let mut bad = input("CDR-2020-001", "SUDDEN_UNEXPLAINED", "POST_NEONATAL", Some("Baby born 03/02/2020 slept on a sofa."), "2020-09-01");
        bad["learning"] = json!("Mrs Begum was not given safer sleep advice by the health visitor.");
        let body = office.gql(&record_doc(), json!({ "input": bad })).await;
        assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body:#}");
        assert_eq!(problem_fields(&body), vec!["modifiableFactors", "learning"]);
        let text = body.to_string();
        assert!(text.contains("Begum") && text.contains("03/02/2020"), "{text}");

        // Other bounds, each named.
        let cases = [
            ("caseNumber", json!("Jayden Smith")),
            ("caseNumber", json!("CDR-".to_string() + &"1".repeat(40))),
            ("panelDate", json!("2999-01-01")),
            ("panelDate", json!("1999-12-31")),
            ("learning", json!("x".repeat(4001))),
            ("modifiableFactors", json!("")),
        ];
        for (field, value) in cases {
            let mut i = input("CDR-2020-002", "SUDDEN_UNEXPLAINED", "POST_NEONATAL", Some("Smoking in the home."), "2020-09-01");
            i[field] = value;
            let body = office.gql(&record_doc(), json!({ "input": i })).await;
            assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{field}: {body:#}");
            assert_eq!(problem_fields(&body), vec![field], "{field}");
        }
        let body = office
            .gql(&year_doc(), json!({ "y": 1850 }))
            .await;
        assert_eq!(problem_fields(&body), vec!["year"]);
        assert_eq!(rows(&app).await, 0, "nothing refused was written");

        // One record per case number.
        record(&office, input("CDR-2020-003", "INFECTION", "ONE_TO_FOUR", None, "2020-09-01")).await;
        let body = office
            .gql(&record_doc(), json!({ "input": input("CDR-2020-003", "MALIGNANCY", "ONE_TO_FOUR", None, "2020-10-01") }))
            .await;
        assert_eq!(problem_fields(&body), vec!["caseNumber"], "{body:#}");
        assert_eq!(rows(&app).await, 1);
    })
    .await;
}

async fn only_the_office_writes_and_only_the_office_and_chair_read(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        record(&office, input("CDR-2020-001", "INFECTION", "ONE_TO_FOUR", None, "2020-09-01")).await;
        let agency = app.agency("Northgate Police", "POL").await;
        let (chair, _) = app.signed_in("chair@test.example", &[Role::IndependentChair], None).await;
        let read = chair.ok(&year_doc(), json!({ "y": 2020 })).await;
        assert_eq!(read["childDeathYear"]["total"]["count"], 1);
        let body = chair
            .gql(&record_doc(), json!({ "input": input("CDR-2020-002", "INFECTION", "ONE_TO_FOUR", None, "2020-09-01") }))
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"));
        for (email, role) in [
            ("lead@test.example", Role::AgencyLead),
            ("rep@test.example", Role::AgencyRepresentative),
            ("pract@test.example", Role::Practitioner),
        ] {
            let (c, _) = app.signed_in(email, &[role], Some(&agency)).await;
            let body = c.gql(&year_doc(), json!({ "y": 2020 })).await;
            assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{email}");
            assert!(body["data"].is_null() || body["data"]["childDeathYear"].is_null());
        }
        let anonymous = app.client().gql(&year_doc(), json!({ "y": 2020 })).await;
        assert_eq!(error_code(&anonymous).as_deref(), Some("UNAUTHENTICATED"));
    })
    .await;
}

async fn the_demo_has_a_full_year(backend: Backend) {
    run(backend, |app| async move {
        let office = app.demo_office().await;
        let current = shared::child_deaths::reporting_year(app.state.today());
        let data = office.ok(&year_doc(), json!({ "y": current - 1 })).await;
        let y = &data["childDeathYear"];
        assert_eq!(y["total"]["count"], 16);
        assert_eq!(
            category(y, "PERINATAL_NEONATAL")["deaths"]["published"],
            "5"
        );
        assert_eq!(
            category(y, "SUDDEN_UNEXPLAINED")["deaths"]["published"],
            "Suppressed"
        );
        let now = office.ok(&year_doc(), json!({})).await;
        assert_eq!(now["childDeathYear"]["year"], current);
        assert_eq!(now["childDeathYear"]["total"]["count"], 2);
    })
    .await;
}

async fn a_failed_write_leaves_nothing(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        // The audit row, written after the record in the same transaction, is refused.
        app.refuse_inserts("audit_log", "NEW.action = 'child_death_review.create'")
            .await;
        let body = office
            .gql(&record_doc(), json!({ "input": input("CDR-2020-001", "INFECTION", "ONE_TO_FOUR", None, "2020-09-01") }))
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("INTERNAL"), "{body:#}");
        assert!(!body.to_string().contains("fault"), "nothing internal leaks");
        assert_eq!(rows(&app).await, 0, "the record went with the audit row");
        // The connection is fine afterwards: the next read answers.
        let data = office.ok(&year_doc(), json!({ "y": 2020 })).await;
        assert_eq!(data["childDeathYear"]["total"]["count"], 0);
    })
    .await;
}

db_tests!(
    office_records_and_a_year_counts_them_with_small_counts_suppressed,
    names_identifiers_and_bad_input_are_refused_where_they_are,
    only_the_office_writes_and_only_the_office_and_chair_read,
    the_demo_has_a_full_year,
    a_failed_write_leaves_nothing,
);
