//! Distribution lists and sending published learning summaries: lists are checked line by
//! line and version-checked; only a published summary is sent; each recipient once per
//! summary whichever lists name them; the reminder job emails each sending through SMTP
//! (an in-test sink) with the public title and address only, once, retrying a refused
//! send; without SMTP the sendings wait; a failed send request records nothing.

use crate::db_tests;
use crate::helpers::{error_code, run, Backend, Client, TestApp};
use crate::publication::{approve_and_publish, start, world};
use crate::reminders::{plain, with_smtp};
use chrono::Utc;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};
use server::entities::summary_sending;
use server::work::notifications::run_once;
use std::sync::atomic::Ordering;

const CREATE: &str = "mutation($i: DistributionListInput!) { createDistributionList(input: $i) { id name description recipients { name email } recipientsText version } }";
const UPDATE: &str = "mutation($id: ID!, $v: Int!, $i: DistributionListInput!) { updateDistributionList(id: $id, version: $v, input: $i) { id name recipientsText version } }";
const DELETE: &str =
    "mutation($id: ID!, $v: Int!) { deleteDistributionList(id: $id, version: $v) }";
const SEND: &str = "mutation($s: ID!, $l: ID!) { sendLearningSummary(summaryId: $s, listId: $l) { recorded alreadySent } }";
const SENT: &str = "query($s: ID!) { learningSummarySendings(summaryId: $s) { name email listName recordedAt emailedAt } }";

async fn list(office: &Client, name: &str, recipients: &str) -> String {
    office
        .ok(
            CREATE,
            json!({ "i": { "name": name, "recipients": recipients } }),
        )
        .await["createDistributionList"]["id"]
        .as_str()
        .expect("list id")
        .to_owned()
}

async fn send(office: &Client, summary: &str, list: &str) -> Value {
    office.gql(SEND, json!({ "s": summary, "l": list })).await
}

async fn sent(office: &Client, summary: &str) -> Vec<Value> {
    office.ok(SENT, json!({ "s": summary })).await["learningSummarySendings"]
        .as_array()
        .expect("sendings")
        .clone()
}

/// A published summary of a fresh review, and a draft one of another.
async fn summaries(app: &TestApp) -> (crate::publication::World, String, String) {
    let w = world(app, "SCR-2026-40").await;
    let published = start(&w.reviewer, &w.review).await;
    approve_and_publish(&w, &published).await;
    let draft = start(
        &w.office,
        &crate::helpers::review_with(&w.office, "SCR-2026-41", &[&w.pol], &[]).await,
    )
    .await;
    (w, published, draft)
}

async fn a_published_summary_reaches_each_recipient_once(backend: Backend) {
    with_smtp(
        backend,
        &["--reminder-interval-secs", "0"],
        |app, sink| async move {
            let (w, published, draft) = summaries(&app).await;
            let schools = list(
            &w.office,
            "Schools' designated safeguarding leads",
            "Ann Head <ann@primary.example>\nbob@secondary.example, Bob Lead\ncara@academy.example",
        )
        .await;
            let health = list(
                &w.office,
                "Named nurses",
                "Cara Nurse <CARA@academy.example>\nDev Nurse <dev@hospital.example>",
            )
            .await;

            // Only a published summary is sent.
            let refused = send(&w.office, &draft, &schools).await;
            assert_eq!(
                error_code(&refused).as_deref(),
                Some("VALIDATION"),
                "{refused:#}"
            );
            assert!(
                refused.to_string().contains("publish it first"),
                "{refused:#}"
            );

            let first = send(&w.office, &published, &schools).await;
            assert_eq!(
                first["data"]["sendLearningSummary"],
                json!({ "recorded": 3, "alreadySent": 0 }),
                "{first:#}"
            );
            let again = send(&w.office, &published, &schools).await;
            assert_eq!(
                again["data"]["sendLearningSummary"],
                json!({ "recorded": 0, "alreadySent": 3 })
            );
            // Cara is on both lists (her address in other case): once.
            let other = send(&w.office, &published, &health).await;
            assert_eq!(
                other["data"]["sendLearningSummary"],
                json!({ "recorded": 1, "alreadySent": 1 })
            );

            let rows = sent(&w.office, &published).await;
            let who: Vec<(&str, &str)> = rows
                .iter()
                .map(|r| {
                    (
                        r["email"].as_str().unwrap_or(""),
                        r["listName"].as_str().unwrap_or(""),
                    )
                })
                .collect();
            assert_eq!(who.len(), 4, "{rows:#?}");
            assert!(who.contains(&(
                "cara@academy.example",
                "Schools' designated safeguarding leads"
            )));
            assert!(who.contains(&("dev@hospital.example", "Named nurses")));
            assert!(rows.iter().all(|r| r["emailedAt"].is_null()));
            assert!(sent(&w.office, &draft).await.is_empty());

            // A refused send is retried by the next run; each address gets one email.
            sink.refuse.store(true, Ordering::SeqCst);
            let refused_run = run_once(&app.state, Utc::now().date_naive())
                .await
                .expect("run");
            assert_eq!(refused_run.emailed, 0);
            assert!(refused_run.failed >= 4, "{refused_run:?}");
            sink.refuse.store(false, Ordering::SeqCst);
            run_once(&app.state, Utc::now().date_naive())
                .await
                .expect("run");
            run_once(&app.state, Utc::now().date_naive())
                .await
                .expect("run again");
            let emails: Vec<String> = sink
                .messages()
                .into_iter()
                .map(|m| plain(&m))
                .filter(|m| m.contains("/published/"))
                .collect();
            assert_eq!(emails.len(), 4, "{emails:#?}");
            for address in [
                "ann@primary.example",
                "bob@secondary.example",
                "cara@academy.example",
                "dev@hospital.example",
            ] {
                assert_eq!(
                    emails.iter().filter(|m| m.contains(address)).count(),
                    1,
                    "{address}: {emails:#?}"
                );
            }
            for m in &emails {
                assert!(m.contains(&format!("/published/{published}")), "{m}");
                assert!(m.contains("SCR-2026-40"), "{m}");
            }
            assert!(sent(&w.office, &published)
                .await
                .iter()
                .all(|r| r["emailedAt"].is_string()));

            // A summary withdrawn after it was sent is not emailed to whoever still waits.
            let late = list(&w.office, "Late additions", "eve@nursery.example").await;
            let one = send(&w.office, &published, &late).await;
            assert_eq!(one["data"]["sendLearningSummary"]["recorded"], 1, "{one:#}");
            crate::publication::move_to(&w.office, &published, "DRAFT", Some("A name to take out"))
                .await;
            run_once(&app.state, Utc::now().date_naive())
                .await
                .expect("run after withdrawal");
            assert!(!sink
                .messages()
                .iter()
                .any(|m| plain(m).contains("eve@nursery.example")));
            let waiting: Vec<Value> = sent(&w.office, &published)
                .await
                .into_iter()
                .filter(|r| r["emailedAt"].is_null())
                .collect();
            assert_eq!(waiting.len(), 1);
            assert_eq!(waiting[0]["email"], "eve@nursery.example");
            let refused = send(&w.office, &published, &late).await;
            assert_eq!(
                error_code(&refused).as_deref(),
                Some("VALIDATION"),
                "{refused:#}"
            );

            // Nobody else keeps the lists or sends.
            for client in [&w.chair, &w.reviewer, &w.rep] {
                let body = send(client, &published, &schools).await;
                assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body:#}");
            }
        },
    )
    .await;
}

async fn lists_are_checked_line_by_line_and_version_checked(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let bad = office
            .gql(
                CREATE,
                json!({ "i": { "name": "Schools", "recipients": "ann@primary.example\nnot an address\nbob@x.example carl@y.example" } }),
            )
            .await;
        assert_eq!(error_code(&bad).as_deref(), Some("VALIDATION"), "{bad:#}");
        let text = bad.to_string();
        assert!(text.contains("line 2") && text.contains("line 3") && !text.contains("line 1"), "{text}");

        let made = office
            .ok(CREATE, json!({ "i": { "name": " Schools ", "description": "Every school's DSL", "recipients": "Ann Head <Ann@Primary.example>\n\nbob@secondary.example" } }))
            .await["createDistributionList"]
            .clone();
        assert_eq!(made["name"], "Schools");
        assert_eq!(made["recipientsText"], "Ann Head <ann@primary.example>\nbob@secondary.example");
        assert_eq!(made["recipients"][0], json!({ "name": "Ann Head", "email": "ann@primary.example" }));
        let id = made["id"].as_str().expect("id").to_owned();

        let same_name = office
            .gql(CREATE, json!({ "i": { "name": "Schools", "recipients": "c@x.example" } }))
            .await;
        assert_eq!(error_code(&same_name).as_deref(), Some("VALIDATION"), "{same_name:#}");

        let changed = office
            .ok(UPDATE, json!({ "id": id, "v": 1, "i": { "name": "Schools and colleges", "recipients": "c@college.example" } }))
            .await["updateDistributionList"]
            .clone();
        assert_eq!(changed["version"], 2);
        let stale = office
            .gql(UPDATE, json!({ "id": id, "v": 1, "i": { "name": "Stale", "recipients": "d@x.example" } }))
            .await;
        assert_eq!(error_code(&stale).as_deref(), Some("CONFLICT"), "{stale:#}");
        let stale_delete = office.gql(DELETE, json!({ "id": id, "v": 1 })).await;
        assert_eq!(error_code(&stale_delete).as_deref(), Some("CONFLICT"));
        office.ok(DELETE, json!({ "id": id, "v": 2 })).await;
        let left = office.ok("{ distributionLists { id } }", json!({})).await;
        assert_eq!(left["distributionLists"], json!([]));
    })
    .await;
}

async fn without_smtp_sendings_wait_and_a_failed_send_records_nothing(backend: Backend) {
    run(backend, |app| async move {
        let (w, published, _) = summaries(&app).await;
        let schools = list(
            &w.office,
            "Schools",
            "a@x.example\nb@x.example\nc@x.example",
        )
        .await;
        // The third recipient's row fails after two were written: nothing stays.
        app.refuse_inserts("summary_sending", "NEW.email = 'c@x.example'")
            .await;
        let failed = send(&w.office, &published, &schools).await;
        assert_eq!(
            error_code(&failed).as_deref(),
            Some("INTERNAL"),
            "{failed:#}"
        );
        assert_eq!(
            summary_sending::Entity::find()
                .count(app.db())
                .await
                .expect("count"),
            0
        );
        app.allow_inserts("summary_sending").await;
        // The connection is usable and the send goes through; without SMTP nothing is
        // emailed and the sendings wait.
        let ok = send(&w.office, &published, &schools).await;
        assert_eq!(ok["data"]["sendLearningSummary"]["recorded"], 3, "{ok:#}");
        let report = run_once(&app.state, Utc::now().date_naive())
            .await
            .expect("run");
        assert_eq!(report.emailed, 0);
        assert!(sent(&w.office, &published)
            .await
            .iter()
            .all(|r| r["emailedAt"].is_null()));
    })
    .await;
}

async fn the_demo_sent_its_published_summary_to_the_schools(backend: Backend) {
    run(backend, |app| async move {
        let office = app.demo_office().await;
        let lists = office
            .ok(
                "{ distributionLists { name recipients { email } } }",
                json!({}),
            )
            .await;
        assert_eq!(
            lists["distributionLists"][0]["name"], "Schools' designated safeguarding leads",
            "{lists:#}"
        );
        let summaries = office
            .ok("{ publishedSummaries { id reviewReference } }", json!({}))
            .await;
        let published = summaries["publishedSummaries"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|s| s["reviewReference"] == "SCR-2015-07")
            .and_then(|s| s["id"].as_str())
            .expect("the demo's published summary")
            .to_owned();
        let rows = sent(&office, &published).await;
        assert_eq!(
            rows.len(),
            lists["distributionLists"][0]["recipients"]
                .as_array()
                .map_or(0, Vec::len)
        );
        assert!(rows.iter().all(|r| r["emailedAt"].is_string()), "{rows:#?}");
    })
    .await;
}

db_tests!(
    the_demo_sent_its_published_summary_to_the_schools,
    a_published_summary_reaches_each_recipient_once,
    lists_are_checked_line_by_line_and_version_checked,
    without_smtp_sendings_wait_and_a_failed_send_records_nothing,
);
