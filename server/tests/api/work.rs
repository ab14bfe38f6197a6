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
        let ret = pol_rep.my_return_id(&review).await;
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

const GLANCE: &str = "{ partnershipAtAGlance { today reviewsInProgress actionsOpen counts { kind kindLabel urgency count } overdue { key kind urgency title link reviewReference } hotSpots { kind title link } section11 { year asked withAgencies overdue awaitingOffice accepted } childDeaths { year yearLabel reviewed modifiable } training { from eventsHeld attended } } }";

fn count_of(glance: &Value, kind: &str) -> i64 {
    glance["counts"]
        .as_array()
        .expect("counts")
        .iter()
        .find(|c| c["kind"] == kind)
        .map_or(0, |c| c["count"].as_i64().expect("count"))
}

/// The board's glance counts the whole partnership's open work, whoever it is for.
async fn the_board_sees_the_partnership_at_a_glance(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let (chair, _) = app
            .signed_in("chair@test.example", &[Role::IndependentChair], None)
            .await;
        let g = office.ok(GLANCE, json!({})).await["partnershipAtAGlance"].clone();
        assert_eq!(g["reviewsInProgress"], 0, "{g:#}");
        assert_eq!(g["actionsOpen"], 0);
        assert_eq!(g["counts"], json!([]));
        assert_eq!(g["overdue"], json!([]));
        assert_eq!(g["section11"], Value::Null, "no Section 11 year opened");
        assert_eq!(g["childDeaths"]["reviewed"], 0);
        assert_eq!(g["training"]["eventsHeld"], 0);
        assert_eq!(g["today"], app.state.today().to_string());

        // Notified in 2016 with no decision since: in progress, its deadline long overdue,
        // though neither the office nor the chair is a member of it.
        let pol = app.agency("Northshire Police", "POL").await;
        review_with(&office, "SCR-GLANCE", &[&pol], &[]).await;
        let g = chair.ok(GLANCE, json!({})).await["partnershipAtAGlance"].clone();
        assert_eq!(g["reviewsInProgress"], 1, "{g:#}");
        assert!(count_of(&g, "DEADLINE_OVERDUE") >= 1, "{g:#}");
        let overdue = g["overdue"].as_array().expect("overdue");
        assert!(
            overdue
                .iter()
                .any(|w| w["reviewReference"] == "SCR-GLANCE" && w["kind"] == "DEADLINE_OVERDUE"),
            "{g:#}"
        );
        assert!(overdue.iter().all(|w| w["urgency"] == "OVERDUE"), "{g:#}");
        let listed = i64::try_from(overdue.len()).expect("len");
        let counted: i64 = g["counts"]
            .as_array()
            .expect("counts")
            .iter()
            .filter(|c| c["urgency"] == "OVERDUE")
            .map(|c| c["count"].as_i64().expect("count"))
            .sum();
        assert_eq!(listed, counted.min(20), "{g:#}");
    })
    .await;
}

/// On the demo partnership, every figure of the glance is the one the page it summarises
/// shows.
async fn the_glance_agrees_with_the_pages_it_summarises(backend: Backend) {
    run(backend, |app| async move {
        let office = app.demo_office().await;
        let g = office.ok(GLANCE, json!({})).await["partnershipAtAGlance"].clone();

        let reviews = office
            .ok(
                "{ reviews { reference nextMilestone { state } } }",
                json!({}),
            )
            .await;
        let in_progress = reviews["reviews"]
            .as_array()
            .expect("reviews")
            .iter()
            .filter(|r| !r["nextMilestone"].is_null())
            .count();
        assert!(in_progress > 0);
        assert_eq!(g["reviewsInProgress"], in_progress, "{g:#}");

        let total = |filter: Value| {
            let office = &office;
            async move {
                office
                    .ok(
                        "query($f: ActionFilter) { actions(filter: $f, first: 1) { totalCount } }",
                        json!({ "f": filter }),
                    )
                    .await["actions"]["totalCount"]
                    .as_i64()
                    .expect("total")
            }
        };
        let overdue = total(json!({ "overdue": true })).await;
        assert!(overdue > 0, "the demo has overdue actions");
        assert_eq!(count_of(&g, "ACTION_OVERDUE"), overdue, "{g:#}");
        let open = total(json!({ "status": "NOT_STARTED" })).await
            + total(json!({ "status": "IN_PROGRESS" })).await;
        assert_eq!(g["actionsOpen"], open, "{g:#}");

        let s11 = &g["section11"];
        let year = s11["year"].as_i64().expect("a Section 11 year");
        let assessments = office
            .ok(
                "query($y: Int!) { section11(year: $y) { assessments { status dueOn } } }",
                json!({ "y": year }),
            )
            .await["section11"]["assessments"]
            .as_array()
            .expect("assessments")
            .clone();
        assert_eq!(s11["asked"], assessments.len(), "{g:#}");
        let with = |status: &str| assessments.iter().filter(|a| a["status"] == status).count();
        assert_eq!(s11["accepted"], with("ACCEPTED"));
        assert_eq!(s11["awaitingOffice"], with("SUBMITTED"));
        assert_eq!(
            s11["withAgencies"].as_u64().expect("n") + s11["overdue"].as_u64().expect("n"),
            u64::try_from(with("DRAFT") + with("RETURNED")).expect("n")
        );
        assert_eq!(
            count_of(&g, "SECTION_11_OVERDUE"),
            s11["overdue"].as_i64().expect("n"),
            "the same rule as what needs you"
        );

        let deaths = office
            .ok(
                "query($y: Int) { childDeathYear(year: $y) { total { count } } }",
                json!({ "y": g["childDeaths"]["year"] }),
            )
            .await;
        assert_eq!(
            g["childDeaths"]["reviewed"],
            deaths["childDeathYear"]["total"]["count"]
        );

        // Learning events held this quarter: those the training page lists from the
        // quarter's first day to today, with their attendance.
        let from = shared::training::quarter_start(app.state.today());
        assert_eq!(g["training"]["from"], from.to_string());
        let held = office
            .ok(
                "query($f: NaiveDate, $t: NaiveDate) { learningEvents(from: $f, to: $t) { attended } }",
                json!({ "f": from.to_string(), "t": app.state.today().to_string() }),
            )
            .await["learningEvents"]
            .as_array()
            .expect("events")
            .clone();
        assert_eq!(g["training"]["eventsHeld"], held.len(), "{g:#}");
        assert_eq!(
            g["training"]["attended"].as_i64(),
            Some(held.iter().filter_map(|e| e["attended"].as_i64()).sum::<i64>())
        );

        // The hot spots are the ones what needs you lists for the office.
        let mine = work(&office).await;
        let hot: Vec<&Value> = mine.iter().filter(|w| w["kind"] == "HOT_SPOT").collect();
        assert!(!hot.is_empty(), "the demo has a hot spot");
        assert_eq!(
            g["hotSpots"].as_array().expect("hot spots").len(),
            hot.len()
        );
        assert_eq!(
            count_of(&g, "HOT_SPOT"),
            i64::try_from(hot.len()).expect("n")
        );
    })
    .await;
}

db_tests!(
    a_return_asked_for_needs_the_agency_until_it_is_submitted,
    deadlines_need_the_office_the_chair_and_the_lead_reviewers,
    the_board_sees_the_partnership_at_a_glance,
    the_glance_agrees_with_the_pages_it_summarises,
);
