//! The performance dataset over GraphQL: the business office keeps indicators (version
//! checked) and records values; an agency lead records its own agency's values only; each
//! indicator's XmR chart follows its values (limits from the chosen baseline, a shift below
//! the mean of a higher-is-better indicator is a concern, which makes it a hot spot, listed
//! first); bad input names the field and writes nothing; every write is audited. Values
//! are also imported from a CSV or XLSX file, all or nothing, problems named by row and
//! column.

use crate::db_tests;
use crate::helpers::{base64, error_code, problem_fields, run, run_with, Backend, Client, TestApp};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{json, Value};
use server::entities::{audit_log, indicator_value};
use shared::auth::Role;

const INDICATOR: &str = "id name definition unit direction directionLabel target period \
    periodLabel agencyId agencyName baselineFrom baselineTo shiftRun trendRun version \
    canRecord canEdit \
    values { period periodLabel value suppliedBy suppliedAt } latest { period value } \
    chart { mean meanMovingRange upperLimit lowerLimit upperNear lowerNear baselinePoints \
      target variation variationLabel assurance assuranceLabel hotSpot \
      points { period value inBaseline specialCauses variation } }";

fn create_doc() -> String {
    format!(
        "mutation($input: IndicatorInput!) {{ createIndicator(input: $input) {{ {INDICATOR} }} }}"
    )
}

fn update_doc() -> String {
    format!("mutation($id: ID!, $v: Int!, $input: IndicatorInput!) {{ updateIndicator(id: $id, version: $v, input: $input) {{ {INDICATOR} }} }}")
}

fn record_doc() -> String {
    format!("mutation($id: ID!, $p: String!, $x: Float!) {{ recordIndicatorValue(indicatorId: $id, period: $p, value: $x) {{ {INDICATOR} }} }}")
}

fn input(name: &str, agency: Option<&str>) -> Value {
    json!({
        "name": name,
        "definition": "Children seen within the timescale, of all children referred",
        "unit": "%",
        "direction": "HIGHER_IS_BETTER",
        "target": 60.0,
        "period": "MONTH",
        "agencyId": agency,
        "baselineFrom": "2025-01",
        "baselineTo": "2025-12",
    })
}

async fn audit_codes(app: &TestApp) -> Vec<String> {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.starts_with("indicator."))
        .all(app.db())
        .await
        .expect("audit")
        .into_iter()
        .map(|r| r.action)
        .collect()
}

fn assert_described(codes: &[String]) {
    for code in codes {
        assert!(
            shared::audit::ACTIONS.iter().any(|(c, _, _)| c == code),
            "{code} is described in shared::audit"
        );
    }
}

fn r2(v: &Value) -> f64 {
    (v.as_f64().expect("number") * 100.0).round() / 100.0
}

async fn office_keeps_indicators_and_the_chart_follows_the_values(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let created = office
            .ok(
                &create_doc(),
                json!({ "input": input("  Seen in time ", None) }),
            )
            .await["createIndicator"]
            .clone();
        assert_eq!(created["name"], "Seen in time", "the name is trimmed");
        assert_eq!(created["version"], 1);
        assert_eq!(created["shiftRun"], 7, "the Making Data Count default");
        assert_eq!(created["trendRun"], 6);
        assert_eq!(created["canEdit"], true);
        assert_eq!(created["canRecord"], true);
        assert_eq!(
            created["chart"]["mean"],
            Value::Null,
            "no values, no limits"
        );
        assert_eq!(created["chart"]["assurance"], "NOT_ASSESSED");
        let id = created["id"].as_str().expect("id").to_owned();

        // A year of baseline alternating 70 and 72: mean 71, MR̄ 2, limits 71 ± 5.32.
        for m in 1..=12 {
            let x = if m % 2 == 1 { 70.0 } else { 72.0 };
            office
                .ok(
                    &record_doc(),
                    json!({ "id": id, "p": format!("2025-{m:02}"), "x": x }),
                )
                .await;
        }
        // A quieter second indicator, to be listed after the hot spot.
        let calm = office
            .ok(
                &create_doc(),
                json!({ "input": input("Assessments on time", None) }),
            )
            .await["createIndicator"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        office
            .ok(
                &record_doc(),
                json!({ "id": calm, "p": "2025-01", "x": 90.0 }),
            )
            .await;
        // Seven months just below the mean: a shift, a concern for higher-is-better.
        let mut last = Value::Null;
        for m in 1..=7 {
            last = office
                .ok(
                    &record_doc(),
                    json!({ "id": id, "p": format!("2026-{m:02}"), "x": 70.5 }),
                )
                .await["recordIndicatorValue"]
                .clone();
        }
        let chart = &last["chart"];
        assert_eq!(r2(&chart["mean"]), 71.0);
        assert_eq!(r2(&chart["meanMovingRange"]), 2.0);
        assert_eq!(r2(&chart["upperLimit"]), 76.32);
        assert_eq!(r2(&chart["lowerLimit"]), 65.68);
        assert_eq!(chart["baselinePoints"], 12);
        assert_eq!(chart["variation"], "CONCERN_LOW");
        assert_eq!(chart["variationLabel"], "Special cause concern (lower)");
        assert_eq!(
            chart["assurance"], "RELIABLY_MET",
            "60 is below the lower limit"
        );
        assert_eq!(chart["hotSpot"], true);
        let points = chart["points"].as_array().expect("points");
        assert_eq!(points.len(), 19);
        assert_eq!(points[11]["inBaseline"], true);
        assert_eq!(points[12]["inBaseline"], false);
        assert_eq!(points[12]["specialCauses"], json!(["SHIFT"]));
        assert_eq!(last["latest"]["period"], "2026-07");
        assert_eq!(last["values"][0]["periodLabel"], "January 2025");
        assert_eq!(last["values"][0]["suppliedBy"], "office");

        let listed = office
            .ok(&format!("{{ indicators {{ {INDICATOR} }} }}"), json!({}))
            .await;
        let names: Vec<&str> = listed["indicators"]
            .as_array()
            .expect("list")
            .iter()
            .map(|i| i["name"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(
            names,
            ["Seen in time", "Assessments on time"],
            "hot spots first"
        );

        // Recording a period again replaces its value.
        let replaced = office
            .ok(
                &record_doc(),
                json!({ "id": id, "p": "2026-07", "x": 71.5 }),
            )
            .await["recordIndicatorValue"]
            .clone();
        assert_eq!(replaced["values"].as_array().map(Vec::len), Some(19));
        assert_eq!(replaced["latest"]["value"], 71.5);
        assert_eq!(replaced["chart"]["hotSpot"], false, "the run is broken");

        // Version-checked edits.
        let mut changed = input("Seen in time (all children)", None);
        changed["target"] = json!(75.0);
        let updated = office
            .ok(&update_doc(), json!({ "id": id, "v": 1, "input": changed }))
            .await["updateIndicator"]
            .clone();
        assert_eq!(updated["version"], 2);
        assert_eq!(updated["chart"]["assurance"], "HIT_AND_MISS");
        let stale = office
            .gql(&update_doc(), json!({ "id": id, "v": 1, "input": changed }))
            .await;
        assert_eq!(error_code(&stale).as_deref(), Some("CONFLICT"));
        assert_eq!(stale["errors"][0]["extensions"]["current"]["version"], 2);
        let mut quarterly = changed.clone();
        quarterly["period"] = json!("QUARTER");
        quarterly["baselineFrom"] = Value::Null;
        quarterly["baselineTo"] = Value::Null;
        let refused = office
            .gql(
                &update_doc(),
                json!({ "id": id, "v": 2, "input": quarterly }),
            )
            .await;
        assert_eq!(problem_fields(&refused), ["period"]);

        let codes = audit_codes(&app).await;
        assert_eq!(codes.iter().filter(|c| *c == "indicator.create").count(), 2);
        assert_eq!(codes.iter().filter(|c| *c == "indicator.update").count(), 1);
        assert_eq!(
            codes
                .iter()
                .filter(|c| *c == "indicator.value_recorded")
                .count(),
            12 + 1 + 7 + 1
        );
        assert_described(&codes);
    })
    .await;
}

async fn an_agency_lead_records_its_own_agencys_values_only(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let police = app.agency("Police", "POL").await;
        let health = app.agency("Health", "HLT").await;
        let create = |name: &'static str, agency: Option<String>| {
            let office = office.clone();
            async move {
                office
                    .ok(
                        &create_doc(),
                        json!({ "input": input(name, agency.as_deref()) }),
                    )
                    .await["createIndicator"]["id"]
                    .as_str()
                    .expect("id")
                    .to_owned()
            }
        };
        let ours = create("Police indicator", Some(police.clone())).await;
        let theirs = create("Health indicator", Some(health.clone())).await;
        let shared_one = create("Partnership indicator", None).await;
        let (lead, _) = app
            .signed_in("lead@test.example", &[Role::AgencyLead], Some(&police))
            .await;
        let (rep, _) = app
            .signed_in(
                "rep@test.example",
                &[Role::AgencyRepresentative],
                Some(&police),
            )
            .await;
        let (chair, _) = app
            .signed_in("chair@test.example", &[Role::IndependentChair], None)
            .await;

        let done = lead
            .ok(
                &record_doc(),
                json!({ "id": ours, "p": "2026-01", "x": 3.0 }),
            )
            .await["recordIndicatorValue"]
            .clone();
        assert_eq!(done["values"][0]["suppliedBy"], "lead");
        assert_eq!(done["canRecord"], true);
        assert_eq!(done["canEdit"], false);
        for id in [&theirs, &shared_one] {
            let body = lead
                .gql(&record_doc(), json!({ "id": id, "p": "2026-01", "x": 3.0 }))
                .await;
            assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body:#}");
        }
        let body = rep
            .gql(
                &record_doc(),
                json!({ "id": ours, "p": "2026-02", "x": 3.0 }),
            )
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"));
        let body = lead
            .gql(
                &update_doc(),
                json!({ "id": ours, "v": 1, "input": input("Mine", Some(&police)) }),
            )
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"));

        // Everyone signed in reads the whole dataset.
        for client in [&rep, &chair] {
            let data = client
                .ok("{ indicators { name canRecord agencyName } }", json!({}))
                .await;
            assert_eq!(data["indicators"].as_array().map(Vec::len), Some(3));
            assert!(data["indicators"]
                .as_array()
                .expect("list")
                .iter()
                .all(|i| i["canRecord"] == false));
        }
        let lone = chair
            .ok(
                "query($id: ID!) { indicator(id: $id) { agencyName values { value } } }",
                json!({ "id": ours }),
            )
            .await;
        assert_eq!(lone["indicator"]["agencyName"], "Police");
        let missing = chair
            .gql("query { indicator(id: \"nope\") { id } }", json!({}))
            .await;
        assert_eq!(error_code(&missing).as_deref(), Some("NOT_FOUND"));
        let anonymous = app.client().gql("{ indicators { id } }", json!({})).await;
        assert_eq!(error_code(&anonymous).as_deref(), Some("UNAUTHENTICATED"));
    })
    .await;
}

async fn bad_input_names_the_field_and_writes_nothing(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let audit_before = audit_log::Entity::find()
            .count(app.db())
            .await
            .expect("count");
        let cases: Vec<(Value, &str)> = vec![
            (json!({ "name": "x".repeat(201) }), "name"),
            (json!({ "name": "  " }), "name"),
            (json!({ "definition": "" }), "definition"),
            (json!({ "unit": "u".repeat(41) }), "unit"),
            (json!({ "baselineFrom": "2025-13" }), "baselineFrom"),
            (json!({ "baselineTo": "2025-Q1" }), "baselineTo"),
            (
                json!({ "baselineFrom": "2025-06", "baselineTo": "2025-01" }),
                "baselineTo",
            ),
            (json!({ "shiftRun": 2 }), "shiftRun"),
            (json!({ "trendRun": 21 }), "trendRun"),
            (json!({ "agencyId": "no-such-agency" }), "agencyId"),
        ];
        for (change, field) in cases {
            let mut bad = input("Indicator", None);
            for (k, v) in change.as_object().expect("object") {
                bad[k] = v.clone();
            }
            let body = office.gql(&create_doc(), json!({ "input": bad })).await;
            assert_eq!(
                error_code(&body).as_deref(),
                Some("VALIDATION"),
                "{field}: {body:#}"
            );
            assert_eq!(problem_fields(&body), [field], "{body:#}");
        }
        assert_eq!(
            audit_log::Entity::find()
                .count(app.db())
                .await
                .expect("count"),
            audit_before,
            "a refused change writes nothing"
        );

        let id = office
            .ok(&create_doc(), json!({ "input": input("Indicator", None) }))
            .await["createIndicator"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        for (period, value, field) in [
            ("2026-13", json!(1.0), "period"),
            ("2026-Q1", json!(1.0), "period"),
            ("March 2026", json!(1.0), "period"),
            ("2026-03", json!(1e13), "value"),
        ] {
            let body = office
                .gql(&record_doc(), json!({ "id": id, "p": period, "x": value }))
                .await;
            assert_eq!(problem_fields(&body), [field], "{period}: {body:#}");
        }

        // At most 240 values: the 241st period is refused, an existing one still replaced.
        for i in 0..240 {
            indicator_value::ActiveModel {
                id: Set(format!("v{i}")),
                indicator_id: Set(id.clone()),
                period: Set(format!("{:04}-{:02}", 2000 + i / 12, i % 12 + 1)),
                value: Set(i as f64),
                supplied_by: Set(None),
                supplied_at: Set(chrono::Utc::now()),
            }
            .insert(app.db())
            .await
            .expect("value");
        }
        let body = office
            .gql(&record_doc(), json!({ "id": id, "p": "2026-01", "x": 1.0 }))
            .await;
        assert_eq!(problem_fields(&body), ["period"], "{body:#}");
        office
            .ok(&record_doc(), json!({ "id": id, "p": "2000-01", "x": 1.0 }))
            .await;
        let n = indicator_value::Entity::find()
            .filter(indicator_value::Column::IndicatorId.eq(id.as_str()))
            .count(app.db())
            .await
            .expect("count");
        assert_eq!(n, 240);
    })
    .await;
}

async fn the_demo_dataset_lists_its_hot_spot_first(backend: Backend) {
    run(backend, |app| async move {
        let office = app.demo_office().await;
        let data = office
            .ok(
                "{ indicators { name latest { period } values { value } chart { hotSpot variation assurance } } }",
                json!({}),
            )
            .await;
        let list = data["indicators"].as_array().expect("list");
        assert_eq!(list.len(), 4);
        assert_eq!(
            list[0]["name"],
            "Re-referrals to children's social care within 12 months"
        );
        assert_eq!(list[0]["chart"]["hotSpot"], true);
        assert_eq!(list[0]["chart"]["variation"], "CONCERN_HIGH");
        assert!(list[1..].iter().all(|i| i["chart"]["hotSpot"] == false));
        assert!(list.iter().all(|i| i["values"].as_array().map(Vec::len) == Some(24)));

        // The hot spot is on the office's and the chair's home page, not an agency lead's.
        let hot_spots = |data: Value| -> Vec<(String, String)> {
            data["whatNeedsMe"]
                .as_array()
                .expect("list")
                .iter()
                .filter(|w| w["kind"] == "HOT_SPOT")
                .map(|w| {
                    (
                        w["title"].as_str().unwrap_or_default().to_owned(),
                        w["link"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        };
        let work = "{ whatNeedsMe { kind title link } }";
        let mine = hot_spots(office.ok(work, json!({})).await);
        assert_eq!(mine.len(), 1, "{mine:?}");
        assert!(
            mine[0].0.starts_with("Re-referrals to children's social care within 12 months: special cause concern (higher) (latest "),
            "{mine:?}"
        );
        assert!(mine[0].1.starts_with("/performance/"));
        let chair = app.client();
        chair
            .sign_in("chair@demo.example", server::demo::DEMO_PASSWORD)
            .await;
        assert_eq!(hot_spots(chair.ok(work, json!({})).await), mine);
        let lead = app.client();
        lead.sign_in("police.lead@demo.example", server::demo::DEMO_PASSWORD)
            .await;
        assert!(hot_spots(lead.ok(work, json!({})).await).is_empty());
    })
    .await;
}

fn import_doc() -> &'static str {
    "mutation($n: String!, $c: String!) { importIndicatorValues(fileName: $n, contentBase64: $c) { added replaced indicators } }"
}

async fn import(client: &Client, name: &str, bytes: &[u8]) -> Value {
    client
        .gql(import_doc(), json!({ "n": name, "c": base64(bytes) }))
        .await
}

async fn value_rows(app: &TestApp) -> Vec<(String, String, f64, Option<String>)> {
    let mut rows: Vec<_> = indicator_value::Entity::find()
        .all(app.db())
        .await
        .expect("values")
        .into_iter()
        .map(|v| (v.indicator_id, v.period, v.value, v.supplied_by))
        .collect();
    rows.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    rows
}

async fn create(office: &Client, name: &str, agency: Option<&str>, period: &str) -> String {
    let mut i = input(name, agency);
    i["period"] = json!(period);
    if period == "QUARTER" {
        i["baselineFrom"] = Value::Null;
        i["baselineTo"] = Value::Null;
    }
    office.ok(&create_doc(), json!({ "input": i })).await["createIndicator"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

fn workbook(rows: &[(&str, &str, f64)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, heading) in ["Indicator", "Period", "Value"].iter().enumerate() {
        sheet
            .write_string(0, col as u16, *heading)
            .expect("heading");
    }
    for (i, (indicator, period, value)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, *indicator).expect("indicator");
        sheet.write_string(r, 1, *period).expect("period");
        sheet.write_number(r, 2, *value).expect("value");
    }
    book.save_to_buffer().expect("xlsx")
}

async fn values_are_imported_from_csv_and_xlsx_all_or_nothing(backend: Backend) {
    run(backend, |app| async move {
        let (office, office_id) = app
            .signed_in("office@test.example", &[Role::BusinessOffice], None)
            .await;
        let monthly = create(&office, "Seen in time", None, "MONTH").await;
        let quarterly = create(&office, "Audits completed", None, "QUARTER").await;
        office
            .ok(&record_doc(), json!({ "id": monthly, "p": "2025-01", "x": 1.0 }))
            .await;

        // CSV: by name in any case (replacing January) or by id, blank rows and extra
        // columns passed over.
        let csv = format!(
            "Indicator,Period,Value,Notes\r\nSEEN IN TIME,2025-01,70,replaces\r\n\r\nseen in time, 2025-02 ,72.5,\r\n{quarterly},2025-Q1,12,\r\n"
        );
        let body = import(&office, "values.csv", csv.as_bytes()).await;
        assert_eq!(
            body["data"]["importIndicatorValues"],
            json!({ "added": 2, "replaced": 1, "indicators": 2 }),
            "{body:#}"
        );
        let rows = value_rows(&app).await;
        let mut expected = vec![
            (monthly.clone(), "2025-01".to_string(), 70.0, Some(office_id.clone())),
            (monthly.clone(), "2025-02".to_string(), 72.5, Some(office_id.clone())),
            (quarterly.clone(), "2025-Q1".to_string(), 12.0, Some(office_id.clone())),
        ];
        expected.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        assert_eq!(rows, expected);

        // XLSX: numbers as numbers; the chart follows.
        let xlsx = workbook(&[("Seen in time", "2025-03", 71.25), ("Audits completed", "2025-Q2", 14.0)]);
        let done = office.ok(import_doc(), json!({ "n": "values.xlsx", "c": base64(&xlsx) })).await;
        assert_eq!(
            done["importIndicatorValues"],
            json!({ "added": 2, "replaced": 0, "indicators": 2 })
        );
        // Bigger than the ordinary request limit (1 MiB): an upload, so accepted.
        let padded = format!(
            "Indicator,Period,Value\nSeen in time,2025-04,70\n{}",
            "\n".repeat(1_200_000)
        );
        let body = import(&office, "padded.csv", padded.as_bytes()).await;
        assert_eq!(body["data"]["importIndicatorValues"]["added"], 1, "{body:#}");
        let shown = office
            .ok(
                "query($id: ID!) { indicator(id: $id) { values { period value suppliedBy } chart { points { period value } } } }",
                json!({ "id": monthly }),
            )
            .await;
        assert_eq!(shown["indicator"]["values"][2]["value"], 71.25);
        assert_eq!(shown["indicator"]["values"][2]["suppliedBy"], "office");
        assert_eq!(shown["indicator"]["values"][3]["period"], "2025-04");
        assert_eq!(shown["indicator"]["chart"]["points"][2]["period"], "2025-03");

        // A file with problems is refused whole, every problem by row and column.
        let before = value_rows(&app).await;
        let audit_before = audit_codes(&app).await.len();
        let bad = "Indicator,Period,Value\n\
                   Seen in time,2025-04,80\n\
                   No such indicator,2025-04,1\n\
                   Audits completed,2025-04,1\n\
                   Seen in time,2025-05,lots\n\
                   Seen in time,2025-04,81\n";
        let body = import(&office, "bad.csv", bad.as_bytes()).await;
        assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body:#}");
        assert_eq!(
            problem_fields(&body),
            ["row 3, Indicator", "row 4, Period", "row 5, Value", "row 6, Period"]
        );
        let messages: Vec<&str> = body["errors"][0]["extensions"]["problems"]
            .as_array()
            .expect("problems")
            .iter()
            .filter_map(|p| p["message"].as_str())
            .collect();
        assert!(messages[1].contains("not a quarter written like 2026-Q1"), "{messages:?}");
        assert!(messages[3].contains("also on row 2"), "{messages:?}");
        // The same from a workbook: row numbers are the sheet's.
        let bad_xlsx = workbook(&[("Seen in time", "2025-06", 1.0), ("Seen in time", "June", 2.0)]);
        let body = import(&office, "bad.xlsx", &bad_xlsx).await;
        assert_eq!(problem_fields(&body), ["row 3, Period"], "{body:#}");
        // Not a spreadsheet, an old workbook, no headings.
        for (name, bytes, field) in [
            ("a.pdf", b"%PDF-1.4 x".as_slice(), "file"),
            ("old.xls", b"\xD0\xCF\x11\xE0".as_slice(), "file"),
            ("a.csv", b"Indicator,Value\nSeen in time,1\n".as_slice(), "row 1, Period"),
            ("a.csv", b"".as_slice(), "file"),
        ] {
            let body = import(&office, name, bytes).await;
            assert_eq!(problem_fields(&body), [field], "{name}: {body:#}");
        }
        assert_eq!(value_rows(&app).await, before, "a refused file writes nothing");
        assert_eq!(audit_codes(&app).await.len(), audit_before);

        let codes = audit_codes(&app).await;
        assert_eq!(
            codes.iter().filter(|c| *c == "indicator.values_imported").count(),
            5,
            "one audit row per indicator per import"
        );
        assert_described(&codes);
    })
    .await;
}

async fn an_agency_lead_imports_its_own_agencys_values_only(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let police = app.agency("Police", "POL").await;
        let health = app.agency("Health", "HLT").await;
        let ours = create(&office, "Police indicator", Some(&police), "MONTH").await;
        create(&office, "Health indicator", Some(&health), "MONTH").await;
        create(&office, "Partnership indicator", None, "MONTH").await;
        let (lead, _) = app
            .signed_in("lead@test.example", &[Role::AgencyLead], Some(&police))
            .await;
        let file = "Indicator,Period,Value\n\
                    Police indicator,2026-01,3\n\
                    Health indicator,2026-01,4\n\
                    Partnership indicator,2026-01,5\n";
        let body = import(&lead, "mixed.csv", file.as_bytes()).await;
        assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body:#}");
        assert_eq!(problem_fields(&body), ["row 3, Indicator", "row 4, Indicator"]);
        assert!(
            body["errors"][0]["extensions"]["problems"][0]["message"]
                .as_str()
                .unwrap_or_default()
                .starts_with("you may not record the values of \"Health indicator\""),
            "{body:#}"
        );
        assert!(value_rows(&app).await.is_empty(), "nothing of the file is written");

        let mine = lead
            .ok(
                import_doc(),
                json!({ "n": "mine.csv", "c": base64(b"Indicator,Period,Value\nPolice indicator,2026-01,3\n") }),
            )
            .await;
        assert_eq!(mine["importIndicatorValues"]["added"], 1);
        let rows = value_rows(&app).await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].0, ours);

        // Those who record no values are refused before the file is read.
        let (rep, _) = app
            .signed_in("rep@test.example", &[Role::AgencyRepresentative], Some(&police))
            .await;
        let body = import(&rep, "mine.csv", b"Indicator,Period,Value\n").await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"));
        let body = app
            .client()
            .gql(import_doc(), json!({ "n": "a.csv", "c": "" }))
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("UNAUTHENTICATED"));
    })
    .await;
}

async fn oversize_files_are_refused(backend: Backend) {
    run_with(
        backend,
        &["--max-upload-bytes", "200000"],
        |app| async move {
            let office = app.office().await;
            create(&office, "Seen in time", None, "MONTH").await;
            // Over the upload size: refused before it is decoded.
            let big = format!("Indicator,Period,Value\n{}", "x".repeat(250_000));
            let body = import(&office, "big.csv", big.as_bytes()).await;
            assert_eq!(problem_fields(&body), ["contentBase64"], "{body:#}");
            let body = office
                .gql(import_doc(), json!({ "n": "a.csv", "c": "not base64!" }))
                .await;
            assert_eq!(problem_fields(&body), ["contentBase64"], "{body:#}");
            let body = import(&office, &"n".repeat(300), b"Indicator,Period,Value\n").await;
            assert_eq!(problem_fields(&body), ["fileName"], "{body:#}");
            // More than 5,000 values: refused at the row past them.
            let mut many = String::from("Indicator,Period,Value\n");
            for i in 0..5_001 {
                many.push_str(&format!(
                    "Seen in time,{:04}-{:02},{i}\n",
                    1900 + i / 12,
                    i % 12 + 1
                ));
            }
            let body = import(&office, "many.csv", many.as_bytes()).await;
            assert_eq!(problem_fields(&body), ["row 5002"], "{body:#}");
            // A workbook with a far cell: refused without reading the range.
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet();
            sheet.write_string(0, 0, "Indicator").expect("heading");
            sheet.write_string(1_048_575, 16_383, "x").expect("far");
            let body = import(&office, "far.xlsx", &book.save_to_buffer().expect("xlsx")).await;
            assert_eq!(
                problem_fields(&body),
                ["row 1048576, column XFD"],
                "{body:#}"
            );
            assert!(value_rows(&app).await.is_empty());
        },
    )
    .await;
}

async fn a_fault_mid_write_leaves_nothing(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let mut ids = Vec::new();
        for n in 0..3 {
            ids.push(create(&office, &format!("Indicator {n}"), None, "MONTH").await);
        }
        office
            .ok(
                &record_doc(),
                json!({ "id": ids[0], "p": "2000-01", "x": 1.0 }),
            )
            .await;
        // The database refuses the file's last value: it is in the second batch of inserts,
        // after the replaced value was deleted and the first batch went in.
        app.refuse_inserts("indicator_value", "NEW.value = 666")
            .await;
        let mut csv = String::from("Indicator,Period,Value\n");
        for id in &ids {
            for m in 0..200 {
                csv.push_str(&format!("{id},{:04}-{:02},5\n", 2000 + m / 12, m % 12 + 1));
            }
        }
        csv = csv.trim_end().trim_end_matches(",5").to_string() + ",666\n";
        let before = value_rows(&app).await;
        let audit_before = audit_codes(&app).await;
        let body = import(&office, "fault.csv", csv.as_bytes()).await;
        assert_eq!(error_code(&body).as_deref(), Some("INTERNAL"), "{body:#}");
        assert_eq!(value_rows(&app).await, before, "nothing of the file stays");
        assert_eq!(before.len(), 1);
        assert_eq!(audit_codes(&app).await, audit_before);
    })
    .await;
}

db_tests!(
    the_demo_dataset_lists_its_hot_spot_first,
    office_keeps_indicators_and_the_chart_follows_the_values,
    an_agency_lead_records_its_own_agencys_values_only,
    bad_input_names_the_field_and_writes_nothing,
    values_are_imported_from_csv_and_xlsx_all_or_nothing,
    an_agency_lead_imports_its_own_agencys_values_only,
    oversize_files_are_refused,
    a_fault_mid_write_leaves_nothing,
);
