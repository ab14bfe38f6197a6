//! The learning library over GraphQL: signed-in people (practitioners included) search the
//! published summaries still available and the learning points of reviews whose summary is
//! published, anonymised through the review's glossary; words are ranked, no words list by
//! theme newest first; drafts are never found; withdrawing takes a review out; and odd
//! input is just words.

use crate::db_tests;
use crate::helpers::{error_code, problem_fields, run, Backend, Client};
use crate::publication::{approve_and_publish, move_to, save_new, start, str_of, world};
use chrono::{Days, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{json, Value};
use server::entities::library_entry;

const SEARCH: &str = "query($w: String, $t: String, $n: Int) { librarySearch(words: $w, theme: $t, first: $n) { kind title excerpt themes summaryId reviewReference } }";

async fn search(client: &Client, words: Option<&str>, theme: Option<&str>) -> Vec<Value> {
    let data = client
        .ok(SEARCH, json!({ "w": words, "t": theme, "n": 20 }))
        .await;
    data["librarySearch"].as_array().cloned().expect("a list")
}

/// (kind, title) of each hit.
fn found(hits: &[Value]) -> Vec<(String, String)> {
    hits.iter()
        .map(|h| (str_of(h, "kind").to_owned(), str_of(h, "title").to_owned()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

async fn learning_point(
    client: &Client,
    review: &str,
    title: &str,
    detail: &str,
    themes: &[&str],
) -> String {
    let data = client
        .ok(
            "mutation($r: ID!, $i: LearningPointInput!) { createLearningPoint(reviewId: $r, input: $i) { id } }",
            json!({ "r": review, "i": {
                "title": title, "detail": detail, "scope": "MULTI_AGENCY",
                "kind": "NEEDS_IMPROVEMENT", "themes": themes,
            } }),
        )
        .await;
    str_of(&data["createLearningPoint"], "id").to_owned()
}

async fn add_term(office: &Client, review: &str, real: &str, replacement: &str) {
    office
        .ok(
            "mutation($r: ID!, $i: GlossaryTermInput!) { addGlossaryTerm(reviewId: $r, input: $i) { id } }",
            json!({ "r": review, "i": { "realText": real, "replacement": replacement } }),
        )
        .await;
}

/// A review with its own reference and themes, the office its only author.
async fn review(office: &Client, reference: &str, themes: &[&str]) -> String {
    let input = json!({
        "reference": reference,
        "kind": "CHILD_DEATH_REVIEW",
        "subject": "Child B",
        "themes": themes,
        "methodology": "SILP",
        "incidentYear": 2017,
        "regimeId": "wt2015",
        "notifiedOn": "2017-03-01",
        "agencyIds": [],
        "members": [],
    });
    let data = office
        .ok(
            "mutation($i: ReviewInput!) { createReview(input: $i) { id } }",
            json!({ "i": input }),
        )
        .await;
    str_of(&data["createReview"], "id").to_owned()
}

async fn the_library_finds_published_learning_anonymised(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app, "SCR-2016-80").await;
        add_term(&w.office, &w.review, "Jayden Smith", "Child A").await;
        add_term(&w.office, &w.review, "Northshire Academy", "the school").await;
        // Started before the learning points are written, so its prefilled text holds none
        // of them (with their real names the gate would refuse it).
        let summary = start(&w.reviewer, &w.review).await;
        save_new(
            &w.reviewer,
            &summary,
            "CASE_LEARNING",
            "Neglect of Child A was recognised late.\n\n- The health visitor saw **bruising** and escalated.",
        )
        .await;
        let strategy = learning_point(
            &w.reviewer,
            &w.review,
            "Strategy discussions",
            "Jayden Smith's teachers at Northshire Academy were not invited to the strategy discussion.",
            &["Neglect", "Education"],
        )
        .await;
        learning_point(
            &w.reviewer,
            &w.review,
            "Escalation",
            "Professionals did not escalate when the plan drifted.",
            &[],
        )
        .await;

        // A draft of another review: its words are never found.
        let other = review(&w.office, "CDR-2017-01", &["Domestic abuse"]).await;
        learning_point(&w.office, &other, "Zeppelin point", "A zeppelin was seen.", &[]).await;
        let draft = start(&w.office, &other).await;
        save_new(&w.office, &draft, "CASE_LEARNING", "The zeppelin case.").await;
        for words in ["zeppelin", "bruising", "strategy"] {
            assert!(search(&w.prac, Some(words), None).await.is_empty(), "{words}");
        }

        approve_and_publish(&w, &summary).await;

        // Words find the summary (a practitioner searches) and the learning point.
        let hits = search(&w.prac, Some("bruising"), None).await;
        assert_eq!(found(&hits), pairs(&[("SUMMARY", "Child A")]));
        assert_eq!(hits[0]["summaryId"], summary.as_str());
        assert_eq!(hits[0]["reviewReference"], "SCR-2016-80");
        assert_eq!(hits[0]["themes"], json!(["Neglect"]));
        let excerpt = str_of(&hits[0], "excerpt");
        assert!(excerpt.contains("saw bruising and escalated"), "plain text: {excerpt}");
        // Stemmed: other forms of the word find it too.
        assert_eq!(found(&search(&w.rep, Some("Bruised"), None).await), pairs(&[("SUMMARY", "Child A")]));
        // Ranked: where the words weigh most comes first (a short learning point named for
        // them above a long summary that mentions them once).
        let hits = search(&w.prac, Some("escalation"), None).await;
        assert_eq!(
            found(&hits),
            pairs(&[("LEARNING_POINT", "Escalation"), ("SUMMARY", "Child A")])
        );
        let hits = search(&w.prac, Some("strategy discussions"), None).await;
        assert_eq!(found(&hits), pairs(&[("LEARNING_POINT", "Strategy discussions")]));
        assert_eq!(hits[0]["themes"], json!(["Neglect", "Education"]));
        assert_eq!(
            str_of(&hits[0], "excerpt"),
            "Child A's teachers at the school were not invited to the strategy discussion."
        );
        // Every word must be there.
        assert!(search(&w.prac, Some("bruising zeppelin"), None).await.is_empty());
        assert!(search(&w.prac, Some("zeppelin"), None).await.is_empty(), "a draft");

        // The glossary's real names are never in a hit, nor found.
        for words in ["Jayden", "Smith", "Northshire Academy", "Academy"] {
            assert!(search(&w.prac, Some(words), None).await.is_empty(), "{words}");
        }
        let mut everything = Vec::new();
        for words in [None, Some("strategy"), Some("neglect"), Some("escalate")] {
            everything.extend(search(&w.office, words, None).await);
        }
        assert!(!everything.is_empty());
        let all = serde_json::to_string(&everything).expect("json");
        assert!(!all.contains("Jayden") && !all.contains("Northshire Academy"), "{all}");

        // No words: by theme (any case), newest first, the summary before its points; a
        // learning point without themes files under its review's.
        let neglect = search(&w.prac, None, Some("NEGLECT")).await;
        assert_eq!(
            found(&neglect),
            pairs(&[
                ("SUMMARY", "Child A"),
                ("LEARNING_POINT", "Strategy discussions"),
                ("LEARNING_POINT", "Escalation"),
            ])
        );
        assert_eq!(
            found(&search(&w.prac, None, Some("education")).await),
            pairs(&[("LEARNING_POINT", "Strategy discussions")])
        );
        assert_eq!(
            found(&search(&w.prac, Some("strategy"), Some("Domestic abuse")).await),
            pairs(&[])
        );
        assert!(search(&w.prac, None, Some("domestic abuse")).await.is_empty(), "a draft");

        // A review published later comes first.
        let later = review(&w.office, "CDR-2017-02", &["Neglect"]).await;
        let later_summary = start(&w.office, &later).await;
        save_new(&w.office, &later_summary, "CASE_LEARNING", "Neglect was seen early.").await;
        move_to(&w.office, &later_summary, "IN_REVIEW", None).await;
        move_to(&w.chair, &later_summary, "APPROVED", None).await;
        let body = crate::publication::publish(&w.office, &later_summary).await;
        assert!(body.get("errors").is_none(), "{body:#}");
        let neglect = search(&w.prac, None, Some("neglect")).await;
        assert_eq!(neglect[0]["summaryId"], later_summary.as_str());
        assert_eq!(neglect.len(), 4);
        let limited = w
            .prac
            .ok(SEARCH, json!({ "w": null, "t": "neglect", "n": 2 }))
            .await["librarySearch"]
            .clone();
        assert_eq!(limited.as_array().map(Vec::len), Some(2));

        // Changes after publication reach the library: a learning point's new words, a
        // glossary term added.
        w.reviewer
            .ok(
                "mutation($id: ID!, $i: LearningPointInput!) { updateLearningPoint(id: $id, version: 1, input: $i) { id } }",
                json!({ "id": strategy, "i": {
                    "title": "Strategy discussions", "scope": "MULTI_AGENCY", "kind": "NEEDS_IMPROVEMENT",
                    "detail": "Jayden Smith's school nurse was not invited either.", "themes": ["Neglect"],
                } }),
            )
            .await;
        let hits = search(&w.prac, Some("nurse"), None).await;
        assert_eq!(found(&hits), pairs(&[("LEARNING_POINT", "Strategy discussions")]));
        assert_eq!(str_of(&hits[0], "excerpt"), "Child A's school nurse was not invited either.");
        add_term(&w.office, &w.review, "school nurse", "a health professional").await;
        assert!(search(&w.prac, Some("nurse"), None).await.is_empty());

        // Past its window a summary is not found; its learning points still are.
        library_entry::Entity::update_many()
            .set(library_entry::ActiveModel {
                available_until: Set(Some(Utc::now().date_naive() - Days::new(1))),
                ..Default::default()
            })
            .filter(library_entry::Column::SummaryId.eq(summary.clone()))
            .filter(library_entry::Column::Kind.eq("SUMMARY"))
            .exec(app.db())
            .await
            .expect("window closed");
        assert!(search(&w.prac, Some("bruising"), None).await.is_empty());
        assert_eq!(search(&w.prac, Some("escalate"), None).await.len(), 1);

        // Withdrawn, the review's summary and learning points are gone.
        move_to(&w.office, &summary, "DRAFT", Some("The family asked for time.")).await;
        assert!(search(&w.prac, Some("escalate"), None).await.is_empty());
        let neglect = search(&w.prac, None, Some("neglect")).await;
        assert_eq!(found(&neglect), pairs(&[("SUMMARY", "Child B")]));
        let rows = library_entry::Entity::find()
            .filter(library_entry::Column::ReviewId.eq(w.review.clone()))
            .all(app.db())
            .await
            .expect("rows");
        assert!(rows.is_empty());
    })
    .await
}

async fn odd_input_is_just_words(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app, "SCR-2016-90").await;
        let summary = start(&w.reviewer, &w.review).await;
        save_new(
            &w.reviewer,
            &summary,
            "CASE_LEARNING",
            "Zoë's \"near\" miss: the café's records AND the GP's notes disagreed.",
        )
        .await;
        approve_and_publish(&w, &summary).await;
        for words in [
            "\"",
            "\"unclosed",
            "*",
            "records*",
            "NEAR",
            "NEAR(records notes, 2)",
            "records OR notes",
            "records AND",
            "-records",
            "title:records",
            "body : records",
            "^records",
            "(records",
            "records)",
            "'); DROP TABLE library_entry; --",
            "\u{0}records\u{7}",
            "儿童 保护",
            "🙂",
            "the",
            "a b c d e f g h i j k l m n o p q r s t u v w x y z aa bb cc dd ee ff gg hh ii jj",
            "   ",
            "",
        ] {
            let body = w
                .prac
                .gql(SEARCH, json!({ "w": words, "t": "\"%_'", "n": 20 }))
                .await;
            assert!(body.get("errors").is_none(), "{words:?}: {body:#}");
            let body = w
                .prac
                .gql(SEARCH, json!({ "w": words, "t": null, "n": 20 }))
                .await;
            assert!(body.get("errors").is_none(), "{words:?}: {body:#}");
        }
        // Operators are words: these find the summary because its text has the words.
        // (Accents: SQLite folds them, so "cafe" finds "café" there; PostgreSQL's english
        // configuration keeps them.)
        for words in ["NEAR", "records AND", "\"records\"", "Zoë", "café records"] {
            let hits = search(&w.prac, Some(words), None).await;
            assert_eq!(hits.len(), 1, "{words:?}");
        }
        assert!(
            search(&w.prac, Some("*"), None).await.is_empty(),
            "nothing to search for"
        );
        assert!(
            search(&w.prac, Some("records OR zeppelin"), None)
                .await
                .is_empty(),
            "OR is a word"
        );

        // Limits are VALIDATION; signed-out callers are refused.
        let body = w
            .prac
            .gql(SEARCH, json!({ "w": "x", "t": null, "n": 0 }))
            .await;
        assert_eq!(problem_fields(&body), ["first"]);
        let body = w
            .prac
            .gql(SEARCH, json!({ "w": "x".repeat(501), "t": null, "n": 5 }))
            .await;
        assert_eq!(problem_fields(&body), ["words"]);
        let body = app.client().gql(SEARCH, json!({ "w": "records" })).await;
        assert_eq!(error_code(&body).as_deref(), Some("UNAUTHENTICATED"));
    })
    .await
}

db_tests!(
    the_library_finds_published_learning_anonymised,
    odd_input_is_just_words
);
