//! Training and dissemination over GraphQL: the business office records learning events
//! (the reviews whose learning they carried, attendance per agency), version checked; an
//! event shows a reader only the reviews they may see, and feedback comments only to the
//! office and the chair; everyone signed in gives one piece of feedback per held event, and
//! may change it; bad input is refused naming the field; a failed write leaves nothing.

use crate::db_tests;
use crate::helpers::{error_code, problem_fields, review_with, run, Backend, TestApp};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use server::entities::{learning_event, learning_event_attendance, learning_event_review};
use shared::auth::Role;

const EVENT: &str = "id title kind kindLabel heldOn audience nationalLearning \
    reviews { id reference kindLabel subject } attendance { agencyId agencyName attended } \
    attended takesFeedback myFeedback { score comment } \
    feedback { responses meanScore usefulPercent byScore { score label responses } comments } \
    recordedBy version";

fn record_doc() -> String {
    format!("mutation($input: LearningEventInput!) {{ recordLearningEvent(input: $input) {{ {EVENT} }} }}")
}

fn update_doc() -> String {
    format!("mutation($id: ID!, $v: Int!, $input: LearningEventInput!) {{ updateLearningEvent(id: $id, version: $v, input: $input) {{ {EVENT} }} }}")
}

fn feedback_doc() -> String {
    format!("mutation($id: ID!, $s: Int!, $c: String) {{ giveLearningEventFeedback(eventId: $id, score: $s, comment: $c) {{ {EVENT} }} }}")
}

fn list_doc() -> String {
    format!("query($from: NaiveDate, $to: NaiveDate, $review: ID) {{ learningEvents(from: $from, to: $to, reviewId: $review) {{ {EVENT} }} }}")
}

const DELETE: &str = "mutation($id: ID!, $v: Int!) { deleteLearningEvent(id: $id, version: $v) }";

fn input(title: &str, held_on: &str, reviews: &[&str], attendance: &[(&str, i32)]) -> Value {
    json!({
        "title": title,
        "kind": "WORKSHOP",
        "heldOn": held_on,
        "audience": "Health visitors",
        "reviewIds": reviews,
        "attendance": attendance
            .iter()
            .map(|(a, n)| json!({ "agencyId": a, "attended": n }))
            .collect::<Vec<_>>(),
    })
}

async fn count<E: EntityTrait>(app: &TestApp) -> u64
where
    E::Model: Sync,
{
    E::find().count(app.db()).await.expect("count")
}

async fn office_records_changes_and_deletes_an_event(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let police = app.agency("Northgate Police", "POL").await;
        let health = app.agency("Northgate Health", "NGH").await;
        let review = review_with(&office, "SCR-2020-01", &[], &[]).await;
        let made = office
            .ok(
                &record_doc(),
                json!({ "input": input("  Neglect workshop ", "2020-09-01", &[&review, &review], &[(&police, 12), (&health, 0)]) }),
            )
            .await["recordLearningEvent"]
            .clone();
        assert_eq!(made["title"], "Neglect workshop");
        assert_eq!(made["kindLabel"], "Workshop");
        assert_eq!(made["reviews"][0]["reference"], "SCR-2020-01");
        assert_eq!(made["reviews"].as_array().map(Vec::len), Some(1), "a review once");
        assert_eq!(made["attendance"].as_array().map(Vec::len), Some(1), "nobody from health");
        assert_eq!(made["attendance"][0]["agencyName"], "Northgate Police");
        assert_eq!(made["attended"], 12);
        assert_eq!(made["takesFeedback"], true);
        assert_eq!(made["feedback"]["responses"], 0);
        assert!(made["feedback"]["meanScore"].is_null());
        assert_eq!(made["version"], 1);
        let id = made["id"].as_str().expect("id").to_owned();

        let changed = office
            .ok(
                &update_doc(),
                json!({ "id": id, "v": 1, "input": input("Neglect workshop", "2020-09-02", &[], &[(&health, 7), (&police, 3)]) }),
            )
            .await["updateLearningEvent"]
            .clone();
        assert_eq!(changed["version"], 2);
        assert_eq!(changed["heldOn"], "2020-09-02");
        assert_eq!(changed["reviews"], json!([]));
        assert_eq!(changed["attended"], 10);
        assert_eq!(count::<learning_event_review::Entity>(&app).await, 0);
        assert_eq!(count::<learning_event_attendance::Entity>(&app).await, 2);

        // The review filter and the date filter.
        let by_review = office.ok(&list_doc(), json!({ "review": review })).await;
        assert_eq!(by_review["learningEvents"], json!([]));
        let in_range = office
            .ok(&list_doc(), json!({ "from": "2020-09-01", "to": "2020-09-30" }))
            .await;
        assert_eq!(in_range["learningEvents"].as_array().map(Vec::len), Some(1));
        let out = office
            .ok(&list_doc(), json!({ "from": "2020-10-01" }))
            .await;
        assert_eq!(out["learningEvents"], json!([]));
        let backwards = office
            .gql(&list_doc(), json!({ "from": "2020-10-01", "to": "2020-09-01" }))
            .await;
        assert_eq!(problem_fields(&backwards), vec!["to"]);

        // A stale version is a conflict, and changes nothing.
        let stale = office
            .gql(&update_doc(), json!({ "id": id, "v": 1, "input": input("Other", "2020-09-02", &[], &[]) }))
            .await;
        assert_eq!(error_code(&stale).as_deref(), Some("CONFLICT"));
        let stale = office.gql(DELETE, json!({ "id": id, "v": 1 })).await;
        assert_eq!(error_code(&stale).as_deref(), Some("CONFLICT"));
        office.ok(DELETE, json!({ "id": id, "v": 2 })).await;
        assert_eq!(count::<learning_event::Entity>(&app).await, 0);
        assert_eq!(count::<learning_event_attendance::Entity>(&app).await, 0);
        let gone = office.gql(DELETE, json!({ "id": id, "v": 2 })).await;
        assert_eq!(error_code(&gone).as_deref(), Some("NOT_FOUND"));
    })
    .await;
}

async fn bad_input_is_refused_naming_the_field(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let police = app.agency("Northgate Police", "POL").await;
        let far = (app.state.today() + chrono::Duration::days(800)).to_string();
        let cases: Vec<(Value, Vec<&str>)> = vec![
            (input("", "2020-09-01", &[], &[]), vec!["title"]),
            (input("x", &far, &[], &[]), vec!["heldOn"]),
            (input("x", "1999-01-01", &[], &[]), vec!["heldOn"]),
            (
                input("x", "2020-09-01", &["no-such-review"], &[]),
                vec!["reviewIds[0]"],
            ),
            (
                input("x", "2020-09-01", &[], &[("no-such-agency", 3)]),
                vec!["attendance[0].agencyId"],
            ),
            (
                input("x", "2020-09-01", &[], &[(&police, -2)]),
                vec!["attendance[0].attended"],
            ),
            (
                input("x", "2020-09-01", &[], &[(&police, 2), (&police, 3)]),
                vec!["attendance[1].agencyId"],
            ),
        ];
        for (i, fields) in cases {
            let body = office.gql(&record_doc(), json!({ "input": i })).await;
            assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body:#}");
            assert_eq!(problem_fields(&body), fields, "{body:#}");
        }
        let mut long = input("x", "2020-09-01", &[], &[]);
        long["audience"] = json!("a".repeat(501));
        let body = office.gql(&record_doc(), json!({ "input": long })).await;
        assert_eq!(problem_fields(&body), vec!["audience"]);
        let many: Vec<String> = (0..51).map(|n| format!("r{n}")).collect();
        let mut too_many = input("x", "2020-09-01", &[], &[]);
        too_many["reviewIds"] = json!(many);
        let body = office
            .gql(&record_doc(), json!({ "input": too_many }))
            .await;
        assert_eq!(problem_fields(&body), vec!["reviewIds"]);
        assert_eq!(
            count::<learning_event::Entity>(&app).await,
            0,
            "nothing refused was written"
        );

        // Feedback: a score from 1 to 5, on an event held.
        let planned = (app.state.today() + chrono::Duration::days(30)).to_string();
        let planned = office
            .ok(
                &record_doc(),
                json!({ "input": input("Planned", &planned, &[], &[]) }),
            )
            .await["recordLearningEvent"]["id"]
            .clone();
        assert_eq!(
            office
                .ok(
                    "query($id: ID!) { learningEvent(id: $id) { takesFeedback } }",
                    json!({ "id": planned })
                )
                .await["learningEvent"]["takesFeedback"],
            false
        );
        let body = office
            .gql(&feedback_doc(), json!({ "id": planned, "s": 4 }))
            .await;
        assert_eq!(problem_fields(&body), vec!["eventId"], "{body:#}");
        let held = office
            .ok(
                &record_doc(),
                json!({ "input": input("Held", "2020-09-01", &[], &[]) }),
            )
            .await["recordLearningEvent"]["id"]
            .clone();
        for score in [0, 6] {
            let body = office
                .gql(&feedback_doc(), json!({ "id": held, "s": score }))
                .await;
            assert_eq!(problem_fields(&body), vec!["score"]);
        }
        let body = office
            .gql(
                &feedback_doc(),
                json!({ "id": held, "s": 3, "c": "c".repeat(4001) }),
            )
            .await;
        assert_eq!(problem_fields(&body), vec!["comment"]);
        let body = office
            .gql(&feedback_doc(), json!({ "id": "nope", "s": 3 }))
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"));
    })
    .await;
}

async fn readers_see_only_their_reviews_and_comments_stay_with_the_board(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let police = app.agency("Northgate Police", "POL").await;
        let (member, member_id) = app
            .signed_in("rep@test.example", &[Role::AgencyRepresentative], Some(&police))
            .await;
        let (outsider, _) = app
            .signed_in("pract@test.example", &[Role::Practitioner], Some(&police))
            .await;
        let (chair, _) = app.signed_in("chair@test.example", &[Role::IndependentChair], None).await;
        let seen = review_with(&office, "SCR-2020-01", &[&police], &[(&member_id, "MEMBER")]).await;
        let unseen = review_with(&office, "SCR-2020-02", &[], &[]).await;
        let id = office
            .ok(&record_doc(), json!({ "input": input("Workshop", "2020-09-01", &[&seen, &unseen], &[(&police, 5)]) }))
            .await["recordLearningEvent"]["id"]
            .clone();

        // Each gives feedback; a second time changes theirs rather than adding one.
        member.ok(&feedback_doc(), json!({ "id": id, "s": 2, "c": "Too long" })).await;
        let mine = member
            .ok(&feedback_doc(), json!({ "id": id, "s": 5, "c": "  Will use the questions  " }))
            .await["giveLearningEventFeedback"]
            .clone();
        assert_eq!(mine["myFeedback"], json!({ "score": 5, "comment": "Will use the questions" }));
        outsider.ok(&feedback_doc(), json!({ "id": id, "s": 4 })).await;
        chair.ok(&feedback_doc(), json!({ "id": id, "s": 2, "c": "Needs more on escalation" })).await;

        let as_member = member.ok(&list_doc(), json!({})).await["learningEvents"][0].clone();
        let refs: Vec<&str> = as_member["reviews"]
            .as_array()
            .expect("reviews")
            .iter()
            .filter_map(|r| r["reference"].as_str())
            .collect();
        assert_eq!(refs, vec!["SCR-2020-01"], "only the review the member may see");
        assert_eq!(as_member["feedback"]["responses"], 3);
        assert_eq!(as_member["feedback"]["meanScore"], 3.7);
        assert_eq!(as_member["feedback"]["usefulPercent"], 67);
        assert_eq!(as_member["feedback"]["byScore"][1]["responses"], 1);
        assert_eq!(as_member["feedback"]["byScore"][4]["label"], "Will change my practice");
        assert_eq!(as_member["feedback"]["comments"], json!([]), "comments are for the board");

        let as_outsider = outsider.ok(&list_doc(), json!({})).await["learningEvents"][0].clone();
        assert_eq!(as_outsider["reviews"], json!([]));
        assert_eq!(as_outsider["myFeedback"]["score"], 4);
        // A review the reader may not see is missing, not a filter.
        let body = outsider.gql(&list_doc(), json!({ "review": seen })).await;
        assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"));
        let by_review = member.ok(&list_doc(), json!({ "review": seen })).await;
        assert_eq!(by_review["learningEvents"][0]["id"], id);

        let as_chair = chair.ok(&list_doc(), json!({})).await["learningEvents"][0].clone();
        assert_eq!(as_chair["reviews"].as_array().map(Vec::len), Some(2));
        let mut comments: Vec<&str> = as_chair["feedback"]["comments"]
            .as_array()
            .expect("comments")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        comments.sort_unstable();
        assert_eq!(comments, vec!["Needs more on escalation", "Will use the questions"]);
        assert!(!as_chair.to_string().contains("rep@test.example"), "no names");

        // Only the office writes.
        for c in [&member, &outsider, &chair] {
            let body = c
                .gql(&record_doc(), json!({ "input": input("Mine", "2020-09-01", &[], &[]) }))
                .await;
            assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"));
            let body = c.gql(DELETE, json!({ "id": id, "v": 1 })).await;
            assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"));
        }
        let anonymous = app.client().gql(&list_doc(), json!({})).await;
        assert_eq!(error_code(&anonymous).as_deref(), Some("UNAUTHENTICATED"));
    })
    .await;
}

async fn the_demo_has_a_year_of_training(backend: Backend) {
    run(backend, |app| async move {
        let office = app.demo_office().await;
        let events = office.ok(&list_doc(), json!({})).await["learningEvents"].clone();
        let events = events.as_array().expect("events");
        assert_eq!(events.len(), 5);
        assert_eq!(
            events[0]["takesFeedback"], false,
            "the planned workshop is first"
        );
        let conference = events
            .iter()
            .find(|e| e["kind"] == "CONFERENCE")
            .expect("conference");
        assert_eq!(conference["attended"], 151);
        assert_eq!(conference["reviews"].as_array().map(Vec::len), Some(2));
        assert_eq!(conference["feedback"]["responses"], 3);
        let practitioner = app.client();
        practitioner
            .sign_in("practitioner@demo.example", server::demo::DEMO_PASSWORD)
            .await;
        let seen = practitioner.ok(&list_doc(), json!({})).await["learningEvents"].clone();
        assert_eq!(seen.as_array().map(Vec::len), Some(5));
        assert!(
            seen.as_array()
                .expect("events")
                .iter()
                .all(|e| e["reviews"] == json!([])),
            "the practitioner is a member of no review"
        );
    })
    .await;
}

async fn a_failed_write_leaves_nothing(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let police = app.agency("Northgate Police", "POL").await;
        let review = review_with(&office, "SCR-2020-01", &[], &[]).await;
        // The audit row, written last in the same transaction, is refused.
        app.refuse_inserts("audit_log", "NEW.action LIKE 'learning_event.%'")
            .await;
        let body = office
            .gql(
                &record_doc(),
                json!({ "input": input("Workshop", "2020-09-01", &[&review], &[(&police, 4)]) }),
            )
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("INTERNAL"), "{body:#}");
        assert!(
            !body.to_string().contains("fault"),
            "nothing internal leaks"
        );
        assert_eq!(count::<learning_event::Entity>(&app).await, 0);
        assert_eq!(count::<learning_event_review::Entity>(&app).await, 0);
        assert_eq!(count::<learning_event_attendance::Entity>(&app).await, 0);
        // The connection is fine afterwards.
        let data = office.ok(&list_doc(), json!({})).await;
        assert_eq!(data["learningEvents"], json!([]));
    })
    .await;
}

db_tests!(
    office_records_changes_and_deletes_an_event,
    bad_input_is_refused_naming_the_field,
    readers_see_only_their_reviews_and_comments_stay_with_the_board,
    the_demo_has_a_year_of_training,
    a_failed_write_leaves_nothing,
    an_actions_evidence_points_at_an_event,
);

/// An action's evidence of impact points at a held event: the owner agency's people and
/// the office set it, others may not, and the action's readers list the events.
async fn an_actions_evidence_points_at_an_event(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let police = app.agency("Northgate Police", "POL").await;
        let health = app.agency("Northgate Health", "NGH").await;
        let (lead, lead_id) = app
            .signed_in("lead@test.example", &[Role::AgencyLead], Some(&police))
            .await;
        let (other, other_id) = app
            .signed_in("other@test.example", &[Role::AgencyRepresentative], Some(&health))
            .await;
        let review = review_with(
            &office,
            "SCR-2020-01",
            &[&police, &health],
            &[(&lead_id, "MEMBER"), (&other_id, "MEMBER")],
        )
        .await;
        let point = office
            .ok(
                "mutation($r: ID!, $i: LearningPointInput!) { createLearningPoint(reviewId: $r, input: $i) { id } }",
                json!({ "r": review, "i": { "title": "Escalation", "detail": "Detail", "scope": "MULTI_AGENCY", "kind": "NEEDS_IMPROVEMENT" } }),
            )
            .await["createLearningPoint"]["id"]
            .clone();
        let recommendation = office
            .ok(
                "mutation($p: ID!) { addRecommendation(learningPointId: $p, text: \"Train staff on escalation\") { id } }",
                json!({ "p": point }),
            )
            .await["addRecommendation"]["id"]
            .clone();
        let target = (app.state.today() + chrono::Duration::days(60)).to_string();
        let action = office
            .ok(
                "mutation($r: ID!, $i: ActionInput!) { createAction(recommendationId: $r, input: $i) { id } }",
                json!({ "r": recommendation, "i": { "title": "Escalation training", "ownerAgencyId": police, "targetDate": target } }),
            )
            .await["createAction"]["id"]
            .clone();
        let held = office
            .ok(&record_doc(), json!({ "input": input("Held", "2020-09-01", &[], &[]) }))
            .await["recordLearningEvent"]["id"]
            .clone();
        let planned = (app.state.today() + chrono::Duration::days(30)).to_string();
        let planned = office
            .ok(&record_doc(), json!({ "input": input("Planned", &planned, &[], &[]) }))
            .await["recordLearningEvent"]["id"]
            .clone();
        let set = "mutation($a: ID!, $e: ID!, $on: Boolean!) { setLearningEventEvidence(actionId: $a, eventId: $e, evidences: $on) { id title } }";

        let linked = lead.ok(set, json!({ "a": action, "e": held, "on": true })).await;
        assert_eq!(linked["setLearningEventEvidence"][0]["id"], held);
        // Again: nothing more.
        let again = lead.ok(set, json!({ "a": action, "e": held, "on": true })).await;
        assert_eq!(again["setLearningEventEvidence"].as_array().map(Vec::len), Some(1));
        let body = lead.gql(set, json!({ "a": action, "e": planned, "on": true })).await;
        assert_eq!(problem_fields(&body), vec!["eventId"], "a planned event evidences nothing yet");
        let body = other.gql(set, json!({ "a": action, "e": held, "on": true })).await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "another agency's action");
        let body = lead.gql(set, json!({ "a": action, "e": "nope", "on": true })).await;
        assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"));

        let by_action = "query($a: ID) { learningEvents(actionId: $a) { id } }";
        let seen = other.ok(by_action, json!({ "a": action })).await;
        assert_eq!(seen["learningEvents"][0]["id"], held, "the review's members read it");
        let (outsider, _) = app
            .signed_in("pract@test.example", &[Role::Practitioner], Some(&police))
            .await;
        let body = outsider.gql(by_action, json!({ "a": action })).await;
        assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"));

        let unlinked = office.ok(set, json!({ "a": action, "e": held, "on": false })).await;
        assert_eq!(unlinked["setLearningEventEvidence"], json!([]));
        let audit = server::entities::audit_log::Entity::find()
            .filter(server::entities::audit_log::Column::Action.starts_with("learning_event.evidence_"))
            .count(app.db())
            .await
            .expect("count");
        assert_eq!(audit, 2, "one row per change, none for the repeat");
    })
    .await;
}
