//! The annual report's learning and improvement section: written from the demo's year, its
//! figures checked against the database read here on its own (and the file read back with
//! python-docx when LP_PYTHON is set); the office's narrative in it; only the board reads
//! it and only the office writes the narrative.

use crate::db_tests;
use crate::helpers::{docx_text, error_code, problem_fields, read_with_python, run, Backend};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use server::entities::{
    action, learning_event, learning_event_attendance, qa_report, single_agency_audit,
};

const SET: &str = "mutation($y: Int!, $p: NarrativePart!, $t: String!) { setAnnualReportNarrative(year: $y, part: $p, text: $t) { part label text } }";
const DOWNLOAD: &str =
    "query($y: Int!) { annualReport(year: $y) { fileName mediaType contentBase64 } }";

async fn the_report_gives_the_databases_figures(backend: Backend) {
    run(backend, |app| async move {
        let office = app.demo_office().await;
        let today = chrono::Utc::now().date_naive();
        let year = shared::child_deaths::reporting_year(today);
        let (from, to) = shared::annual_report::period(year).expect("period");

        // The office's narrative goes in; an overlong one is refused on its field.
        let set = office
            .ok(
                SET,
                json!({ "y": year, "p": "INTRODUCTION", "t": "  A year of learning together.  " }),
            )
            .await;
        assert_eq!(
            set["setAnnualReportNarrative"][0]["text"],
            "A year of learning together."
        );
        assert_eq!(
            set["setAnnualReportNarrative"][1]["label"],
            "Priorities for the year ahead"
        );
        let long = "x".repeat(shared::annual_report::MAX_NARRATIVE + 1);
        let body = office
            .gql(SET, json!({ "y": year, "p": "PRIORITIES", "t": long }))
            .await;
        assert_eq!(problem_fields(&body), ["text"], "{body:#}");
        let body = office.gql(DOWNLOAD, json!({ "y": 1999 })).await;
        assert_eq!(problem_fields(&body), ["year"], "{body:#}");

        let file = office.ok(DOWNLOAD, json!({ "y": year })).await;
        assert_eq!(
            file["annualReport"]["fileName"],
            format!("annual-report-{year}-{}.docx", (year + 1) % 100)
        );
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(
                file["annualReport"]["contentBase64"]
                    .as_str()
                    .expect("content"),
            )
            .expect("base64");
        let text = docx_text(&bytes);
        if let Some(read) = read_with_python("annual.docx", &bytes) {
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                assert!(read.contains(line.trim()), "python-docx reads {line:?}");
            }
        }
        assert!(
            text.contains(&format!(
                "Learning and improvement, April {year} to March {}",
                year + 1
            )),
            "{text}"
        );
        assert!(text.contains("A year of learning together."), "{text}");
        assert!(
            !text.contains("Priorities for the year ahead"),
            "an unwritten part is left out"
        );

        // The figures, read from the tables here.
        let db = app.db();
        let audits = single_agency_audit::Entity::find()
            .filter(single_agency_audit::Column::AuditedOn.gte(from))
            .filter(single_agency_audit::Column::AuditedOn.lte(to))
            .all(db)
            .await
            .expect("audits");
        let mut agencies: Vec<&str> = audits.iter().map(|a| a.agency_id.as_str()).collect();
        agencies.sort_unstable();
        agencies.dedup();
        assert!(!audits.is_empty(), "the demo has audits this year");
        assert!(
            text.contains(&format!(
                "{} single-agency audits were made by {} agencies.",
                audits.len(),
                agencies.len()
            )),
            "{text}"
        );

        let held = learning_event::Entity::find()
            .filter(learning_event::Column::HeldOn.gte(from))
            .filter(learning_event::Column::HeldOn.lte(to.min(today)))
            .all(db)
            .await
            .expect("events");
        let ids: Vec<String> = held.iter().map(|e| e.id.clone()).collect();
        let attended: i64 = learning_event_attendance::Entity::find()
            .filter(learning_event_attendance::Column::EventId.is_in(ids))
            .all(db)
            .await
            .expect("attendance")
            .iter()
            .map(|a| i64::from(a.attended))
            .sum();
        let events = if held.len() == 1 {
            "learning event was".to_owned()
        } else {
            "learning events were".to_owned()
        };
        assert!(
            text.contains(&format!(
                "{} {events} held, reaching {attended} attendances",
                held.len()
            )),
            "{text}"
        );

        let actions = action::Entity::find().count(db).await.expect("actions");
        assert!(
            text.contains(&format!("{actions} actions in the plan")),
            "{text}"
        );

        let asked = qa_report::Entity::find()
            .filter(qa_report::Column::Year.eq(year))
            .all(db)
            .await
            .expect("reports");
        let received = asked
            .iter()
            .filter(|r| r.status == "SUBMITTED" || r.status == "ACCEPTED")
            .count();
        assert!(
            text.contains(&format!(
                "{} agencies were asked for a QA impact report for {year}; {received} received.",
                asked.len()
            )),
            "{text}"
        );
        // A received report's words are in it, with its sections' titles.
        assert!(
            text.contains("What changed for children as a result."),
            "{text}"
        );

        let deaths = server::entities::child_death_review::Entity::find()
            .filter(server::entities::child_death_review::Column::ReportingYear.eq(year))
            .count(db)
            .await
            .expect("deaths");
        let shown = if deaths > 0 && deaths < 5 {
            "fewer than 5".to_owned()
        } else {
            deaths.to_string()
        };
        assert!(
            text.contains(&format!(
                "Child deaths reviewed by the panel, April {year} to March {}: {shown}.",
                year + 1
            )),
            "{text}"
        );
        assert!(
            text.contains(&format!("Section 11 self-assessment {year}")),
            "{text}"
        );
        assert!(
            text.contains("Reviews and their statutory clocks"),
            "{text}"
        );
        assert!(text.contains("The performance dataset"), "{text}");

        // A chart for each indicator with two values or more, described in words.
        let values = server::entities::indicator_value::Entity::find()
            .all(db)
            .await
            .expect("values");
        let mut per_indicator: std::collections::HashMap<&str, usize> = Default::default();
        for v in &values {
            *per_indicator.entry(v.indicator_id.as_str()).or_default() += 1;
        }
        let charted = per_indicator.values().filter(|n| **n >= 2).count();
        assert!(charted > 0, "the demo has indicators with values");
        let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).expect("zip");
        let pictures = archive
            .file_names()
            .filter_map(Result::ok)
            .filter(|n| n.starts_with("word/media/") && n.ends_with(".png"))
            .count();
        assert_eq!(pictures, charted.min(40));
        assert_eq!(
            text.matches("Statistical process control chart of ")
                .count(),
            charted.min(40),
            "{text}"
        );
    })
    .await;
}

async fn only_the_board_reads_it_and_only_the_office_writes(backend: Backend) {
    run(backend, |app| async move {
        app.demo_office().await;
        let year = shared::child_deaths::reporting_year(chrono::Utc::now().date_naive());
        let chair = app.client();
        chair
            .sign_in("chair@demo.example", server::demo::DEMO_PASSWORD)
            .await;
        let read = chair
            .ok(
                "query($y: Int!) { annualReportNarrative(year: $y) { part text } }",
                json!({ "y": year }),
            )
            .await;
        assert_eq!(
            read["annualReportNarrative"].as_array().map(Vec::len),
            Some(2)
        );
        let body = chair
            .gql(SET, json!({ "y": year, "p": "INTRODUCTION", "t": "Mine" }))
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body:#}");
        let lead = app.client();
        lead.sign_in("police.lead@demo.example", server::demo::DEMO_PASSWORD)
            .await;
        let body = lead.gql(DOWNLOAD, json!({ "y": year })).await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body:#}");
        let file = chair.ok(DOWNLOAD, json!({ "y": year })).await;
        assert!(file["annualReport"]["contentBase64"]
            .as_str()
            .is_some_and(|c| !c.is_empty()));
    })
    .await;
}

db_tests!(
    the_report_gives_the_databases_figures,
    only_the_board_reads_it_and_only_the_office_writes,
);
