//! What needs you: each role's home-page list (returns asked for and due, questions on the
//! agency's entries, statutory deadlines, summaries to approve), kept to the people each
//! item is for, and the notifications the reminder job makes from the same list, once.

use crate::db_tests;
use crate::helpers::{error_code, problem_fields, review_with, run, Backend, Client};
use serde_json::{json, Value};
use server::work::notifications::run_once;
use shared::auth::Role;

const WORK: &str =
    "{ whatNeedsMe { key kind kindLabel urgency title dueOn link reviewId reviewReference } }";

async fn work(client: &Client) -> Vec<Value> {
    client.ok(WORK, json!({})).await["whatNeedsMe"]
        .as_array()
        .expect("list")
        .clone()
}

fn kinds(list: &[Value]) -> Vec<String> {
    list.iter()
        .map(|w| w["kind"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn titled<'a>(list: &'a [Value], kind: &str, text: &str) -> Option<&'a Value> {
    list.iter()
        .find(|w| w["kind"] == kind && w["title"].as_str().is_some_and(|t| t.contains(text)))
}

const ASK: &str = "mutation($r: ID!, $v: Int!, $d: NaiveDate) { askForReturns(reviewId: $r, version: $v, dueOn: $d) { id returnsDueOn version } }";

async fn a_return_asked_for_needs_the_agency_until_it_is_submitted(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let pol = app.agency("Northshire Police", "POL").await;
        let csc = app.agency("Children's Social Care", "CSC").await;
        let (pol_rep, pol_rep_id) = app
            .signed_in(
                "pol.rep@test.example",
                &[Role::AgencyRepresentative],
                Some(&pol),
            )
            .await;
        let (csc_rep, csc_rep_id) = app
            .signed_in(
                "csc.rep@test.example",
                &[Role::AgencyRepresentative],
                Some(&csc),
            )
            .await;
        // A practitioner of the police, not a member: nothing of this review is theirs.
        let (outsider, _) = app
            .signed_in("pc@test.example", &[Role::Practitioner], Some(&pol))
            .await;
        let review = review_with(
            &office,
            "SCR-WORK-1",
            &[&pol, &csc],
            &[(&pol_rep_id, "MEMBER"), (&csc_rep_id, "MEMBER")],
        )
        .await;
        assert!(
            kinds(&work(&pol_rep).await).is_empty(),
            "no return is asked for yet"
        );

        // The date must be today or later, and the version current.
        let today = app.state.today();
        let past = office
            .gql(
                ASK,
                json!({ "r": review, "v": 1, "d": (today - chrono::Days::new(1)).to_string() }),
            )
            .await;
        assert_eq!(error_code(&past).as_deref(), Some("VALIDATION"), "{past:#}");
        assert_eq!(problem_fields(&past), ["dueOn"]);
        let stale = office
            .gql(
                ASK,
                json!({ "r": review, "v": 7, "d": today.to_string() }),
            )
            .await;
        assert_eq!(error_code(&stale).as_deref(), Some("CONFLICT"), "{stale:#}");
        let by_rep = pol_rep
            .gql(ASK, json!({ "r": review, "v": 1, "d": today.to_string() }))
            .await;
        assert_eq!(error_code(&by_rep).as_deref(), Some("FORBIDDEN"));

        // Asked for in three weeks: asked for, not yet due soon; only the agencies see it.
        let far = today + chrono::Days::new(21);
        let asked = office
            .ok(ASK, json!({ "r": review, "v": 1, "d": far.to_string() }))
            .await;
        assert_eq!(asked["askForReturns"]["returnsDueOn"], far.to_string());
        let mine = work(&pol_rep).await;
        let item = titled(&mine, "RETURN_REQUESTED", "POL chronology return for SCR-WORK-1")
            .unwrap_or_else(|| panic!("{mine:#?}"));
        assert_eq!(item["urgency"], "WAITING");
        assert_eq!(item["dueOn"], far.to_string());
        assert_eq!(item["link"], format!("/reviews/{review}/chronology"));
        assert_eq!(item["reviewReference"], "SCR-WORK-1");
        assert!(titled(&mine, "RETURN_REQUESTED", "CSC").is_none(), "{mine:#?}");
        assert!(titled(&work(&office).await, "RETURN_REQUESTED", "SCR-WORK-1").is_none());
        assert!(work(&outsider).await.is_empty());

        // Brought forward to five days: due soon, for the agencies and the office.
        let soon = today + chrono::Days::new(5);
        office
            .ok(ASK, json!({ "r": review, "v": 2, "d": soon.to_string() }))
            .await;
        let mine = work(&pol_rep).await;
        let item = titled(&mine, "RETURN_DUE_SOON", "POL").unwrap_or_else(|| panic!("{mine:#?}"));
        assert_eq!(item["urgency"], "DUE_SOON");
        let office_work = work(&office).await;
        assert!(titled(&office_work, "RETURN_DUE_SOON", "POL chronology return").is_some());
        assert!(titled(&office_work, "RETURN_DUE_SOON", "CSC chronology return").is_some());

        // Notifications: one per person and stage, made once.
        let first = run_once(&app.state, today).await.expect("run");
        assert!(first.created >= 4, "{first:?}");
        let again = run_once(&app.state, today).await.expect("again");
        assert_eq!(again.created, 0);
        let notes = pol_rep
            .ok(
                "{ myNotifications { kind title link dueOn readAt } }",
                json!({}),
            )
            .await["myNotifications"]
            .clone();
        let notes = notes.as_array().expect("list");
        assert_eq!(notes.len(), 1, "{notes:#?}");
        assert_eq!(notes[0]["kind"], "RETURN_DUE_SOON");
        assert_eq!(notes[0]["link"], format!("/reviews/{review}/chronology"));
        assert!(!notes[0]["title"].as_str().unwrap_or_default().contains("Child A"));

        // The police submit: their item goes, from them and from the office.
        let ret = pol_rep
            .ok(
                "query($id: ID!) { review(id: $id) { myChronologyReturn { id } } }",
                json!({ "id": review }),
            )
            .await["review"]["myChronologyReturn"]["id"]
            .as_str()
            .expect("return id")
            .to_owned();
        let entry = pol_rep
            .ok(
                "mutation($r: ID!, $i: EntryInput!) { addChronologyEntry(returnId: $r, input: $i) { id } }",
                json!({ "r": ret, "i": { "startDate": "2016-03-01", "source": "Custody record", "event": "Strategy discussion", "sharedWith": [] } }),
            )
            .await["addChronologyEntry"]["id"]
            .as_str()
            .expect("entry id")
            .to_owned();
        pol_rep
            .ok(
                "mutation($r: ID!) { submitChronologyReturn(returnId: $r) { id } }",
                json!({ "r": ret }),
            )
            .await;
        assert!(titled(&work(&pol_rep).await, "RETURN_DUE_SOON", "POL").is_none());
        let office_work = work(&office).await;
        assert!(titled(&office_work, "RETURN_DUE_SOON", "POL").is_none());
        assert!(titled(&office_work, "RETURN_DUE_SOON", "CSC").is_some());

        // Overdue the day after, for whoever has not submitted.
        let late = run_once(&app.state, soon + chrono::Days::new(1)).await.expect("late");
        assert!(late.created >= 2, "{late:?}");
        let csc_notes = csc_rep
            .ok("{ myNotifications { kind } }", json!({}))
            .await["myNotifications"]
            .clone();
        assert_eq!(
            kinds(csc_notes.as_array().expect("list")),
            ["RETURN_OVERDUE", "RETURN_DUE_SOON"],
            "newest first"
        );

        // A question on the police entry needs the police members until answered.
        let question = office
            .ok(
                "mutation($e: ID!, $t: String!) { annotateEntry(entryId: $e, kind: QUESTION, text: $t) { id } }",
                json!({ "e": entry, "t": "Was the school told?" }),
            )
            .await["annotateEntry"]["id"]
            .as_str()
            .expect("question id")
            .to_owned();
        let mine = work(&pol_rep).await;
        let q = titled(&mine, "QUESTION", "POL entry of 1 March 2016 in SCR-WORK-1")
            .unwrap_or_else(|| panic!("{mine:#?}"));
        assert!(!q["title"].as_str().unwrap_or_default().contains("school"));
        assert!(titled(&work(&csc_rep).await, "QUESTION", "").is_none());
        pol_rep
            .ok(
                "mutation($q: ID!, $t: String!) { answerQuestion(questionId: $q, text: $t) { id } }",
                json!({ "q": question, "t": "Yes, the same day." }),
            )
            .await;
        assert!(titled(&work(&pol_rep).await, "QUESTION", "").is_none());

        // Withdrawing the date takes the returns off everyone's list.
        office
            .ok(ASK, json!({ "r": review, "v": 3, "d": null }))
            .await;
        assert!(titled(&work(&csc_rep).await, "RETURN_OVERDUE", "").is_none());
        assert!(titled(&work(&csc_rep).await, "RETURN_DUE_SOON", "").is_none());
    })
    .await;
}

/// Statutory deadlines go to the office, the chair and the review's lead reviewers, most
/// pressing first; agency staff are not told of them.
async fn deadlines_need_the_office_the_chair_and_the_lead_reviewers(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let pol = app.agency("Northshire Police", "POL").await;
        let (chair, _) = app
            .signed_in("chair@test.example", &[Role::IndependentChair], None)
            .await;
        let (lead, lead_id) = app
            .signed_in("lead@test.example", &[Role::AgencyLead], Some(&pol))
            .await;
        let (rep, rep_id) = app
            .signed_in(
                "rep@test.example",
                &[Role::AgencyRepresentative],
                Some(&pol),
            )
            .await;
        // Notified in 2016 with no decision since: long overdue.
        review_with(
            &office,
            "SCR-LATE",
            &[&pol],
            &[(&lead_id, "LEAD_REVIEWER"), (&rep_id, "MEMBER")],
        )
        .await;
        for (who, client) in [("office", &office), ("chair", &chair), ("lead", &lead)] {
            let list = work(client).await;
            let late = titled(&list, "DEADLINE_OVERDUE", "SCR-LATE")
                .unwrap_or_else(|| panic!("{who}: {list:#?}"));
            assert_eq!(late["urgency"], "OVERDUE");
            assert_eq!(
                late["link"],
                format!("/reviews/{}", late["reviewId"].as_str().unwrap_or_default())
            );
            // Overdue first.
            let first_waiting = list.iter().position(|w| w["urgency"] != "OVERDUE");
            let last_overdue = list.iter().rposition(|w| w["urgency"] == "OVERDUE");
            if let (Some(w), Some(o)) = (first_waiting, last_overdue) {
                assert!(o < w, "{who}: {list:#?}");
            }
        }
        assert!(titled(&work(&rep).await, "DEADLINE_OVERDUE", "").is_none());
        let anonymous = app.client().gql(WORK, json!({})).await;
        assert_eq!(error_code(&anonymous).as_deref(), Some("UNAUTHENTICATED"));
    })
    .await;
}

db_tests!(
    a_return_asked_for_needs_the_agency_until_it_is_submitted,
    deadlines_need_the_office_the_chair_and_the_lead_reviewers,
);
