//! Live updates over the GraphQL WebSocket (graphql-transport-ws): one person changes the
//! chronology, another sees the change arrive without asking.

use crate::db_tests;
use crate::helpers::{run, Backend, TestApp, PASSWORD};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use shared::auth::Role;
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

pub(crate) type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Signs in and returns the session cookie pair.
pub(crate) async fn cookie(app: &TestApp, email: &str) -> String {
    let response = reqwest::Client::new()
        .post(format!("{}/graphql", app.base))
        .header("origin", &app.base)
        .json(&json!({
            "query": "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }",
            "variables": { "e": email, "p": PASSWORD }
        }))
        .send()
        .await
        .expect("sign in");
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("lp_session="))
        .and_then(|v| v.split(';').next())
        .expect("session cookie")
        .to_owned()
}

pub(crate) async fn subscribe(app: &TestApp, cookie: &str, review_id: &str) -> Socket {
    open(
        app,
        cookie,
        json!({
            "query": "subscription($r: ID!) { reviewChanged(reviewId: $r) { reviewId kind objectId } }",
            "variables": { "r": review_id }
        }),
    )
    .await
}

/// Opens a socket and starts one subscription (`payload`: query and variables).
pub(crate) async fn open(app: &TestApp, cookie: &str, payload: Value) -> Socket {
    let mut request = format!(
        "ws://127.0.0.1:{}/graphql/ws",
        app.base.rsplit(':').next().unwrap_or_default()
    )
    .into_client_request()
    .expect("request");
    let headers = request.headers_mut();
    headers.insert("origin", app.base.parse().expect("origin"));
    if !cookie.is_empty() {
        headers.insert("cookie", cookie.parse().expect("cookie"));
    }
    headers.insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().expect("protocol"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connect");
    socket
        .send(Message::text(
            json!({ "type": "connection_init" }).to_string(),
        ))
        .await
        .expect("init");
    let ack = next_message(&mut socket).await;
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    let subscribe = json!({
        "id": "1",
        "type": "subscribe",
        "payload": payload
    });
    socket
        .send(Message::text(subscribe.to_string()))
        .await
        .expect("subscribe");
    // The protocol does not acknowledge a subscription: give the server a moment to start it.
    tokio::time::sleep(Duration::from_millis(500)).await;
    socket
}

pub(crate) async fn next_message(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a message within 10 s")
            .expect("open")
            .expect("readable");
        if let Message::Text(text) = message {
            return serde_json::from_str(&text).expect("json");
        }
    }
}

/// Reads changes until one of `kind` arrives.
pub(crate) async fn wait_for(socket: &mut Socket, kind: &str) -> Value {
    loop {
        let message = next_message(socket).await;
        assert_eq!(message["type"], "next", "{message}");
        let change = message["payload"]["data"]["reviewChanged"].clone();
        if change["kind"] == kind {
            return change;
        }
    }
}

/// A review with one member agency (POL) whose representative is a member.
pub(crate) async fn setup(
    app: &TestApp,
) -> (crate::helpers::Client, crate::helpers::Client, String) {
    let pol = app.agency("Police", "POL").await;
    let office = app.office().await;
    let (rep, rep_id) = app
        .signed_in(
            "rep@test.example",
            &[Role::AgencyRepresentative],
            Some(&pol),
        )
        .await;
    let review = office
        .ok(
            "mutation($i: ReviewInput!) { createReview(input: $i) { id } }",
            json!({ "i": {
                "reference": "SCR-2024-09", "kind": "SERIOUS_CASE_REVIEW", "subject": "Child L",
                "themes": [], "methodology": "SILP", "incidentYear": 2024, "regimeId": "wt2015",
                "notifiedOn": "2024-03-01", "agencyIds": [pol], "members": [{ "userId": rep_id, "role": "MEMBER" }]
            }}),
        )
        .await["createReview"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    (office, rep, review)
}

pub(crate) async fn add_entry(rep: &crate::helpers::Client, review: &str) -> String {
    let ret = rep
        .ok(
            "query($id: ID!) { review(id: $id) { myChronologyReturn { id } } }",
            json!({ "id": review }),
        )
        .await["review"]["myChronologyReturn"]["id"]
        .as_str()
        .expect("return")
        .to_owned();
    rep.ok(
        "mutation($r: ID!, $i: EntryInput!) { addChronologyEntry(returnId: $r, input: $i) { id } }",
        json!({ "r": ret, "i": { "startDate": "3/5/2016", "source": "POL-1", "event": "Visit", "sharedWith": [] } }),
    )
    .await["addChronologyEntry"]["id"]
    .as_str()
    .expect("entry")
    .to_owned()
}

async fn a_change_reaches_another_person_live(backend: Backend) {
    run(backend, |app| async move {
        let (_office, rep, review) = setup(&app).await;
        let office_cookie = cookie(&app, "office@test.example").await;
        let mut socket = subscribe(&app, &office_cookie, &review).await;
        let entry = add_entry(&rep, &review).await;
        let change = wait_for(&mut socket, "ENTRY").await;
        assert_eq!(change["reviewId"], review.as_str());
        assert_eq!(change["objectId"], entry.as_str());
    })
    .await;
}

async fn people_who_cannot_see_the_review_cannot_watch_it(backend: Backend) {
    run(backend, |app| async move {
        let (_office, _rep, review) = setup(&app).await;
        let other = app.agency("Health", "NHS").await;
        app.person(
            "outsider@test.example",
            &[Role::AgencyRepresentative],
            Some(&other),
        )
        .await;
        let outsider = cookie(&app, "outsider@test.example").await;
        let mut socket = subscribe(&app, &outsider, &review).await;
        let message = next_message(&mut socket).await;
        assert_eq!(message["payload"]["data"], Value::Null, "{message}");
        assert_eq!(
            message["payload"]["errors"][0]["extensions"]["code"], "NOT_FOUND",
            "{message}"
        );
    })
    .await;
}

async fn signed_out_people_cannot_watch_anything(backend: Backend) {
    run(backend, |app| async move {
        let (_office, _rep, review) = setup(&app).await;
        for payload in [
            json!({
                "query": "subscription($r: ID!) { reviewChanged(reviewId: $r) { kind } }",
                "variables": { "r": review }
            }),
            json!({ "query": "subscription { actionChanged { actionId } }" }),
        ] {
            let mut socket = open(&app, "", payload).await;
            let message = next_message(&mut socket).await;
            assert_eq!(message["payload"]["data"], Value::Null, "{message}");
            assert_eq!(
                message["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
                "{message}"
            );
        }
    })
    .await;
}

pub(crate) async fn viewer_names(client: &crate::helpers::Client, review: &str) -> Vec<String> {
    let body = client
        .ok(
            "query($id: ID!) { review(id: $id) { viewers { userId name agencyPrefix } } }",
            json!({ "id": review }),
        )
        .await;
    let mut names: Vec<String> = body["review"]["viewers"]
        .as_array()
        .expect("viewers")
        .iter()
        .map(|v| {
            format!(
                "{} {}",
                v["name"].as_str().unwrap_or_default(),
                v["agencyPrefix"].as_str().unwrap_or("-")
            )
        })
        .collect();
    names.sort();
    names
}

/// Who else has the review open: each live connection counts while it lasts, and the others
/// are told when someone arrives or leaves.
async fn everyone_watching_sees_who_else_is_there(backend: Backend) {
    run(backend, |app| async move {
        let (office, rep, review) = setup(&app).await;
        assert!(viewer_names(&office, &review).await.is_empty());
        let office_cookie = cookie(&app, "office@test.example").await;
        let mut office_socket = subscribe(&app, &office_cookie, &review).await;
        let rep_cookie = cookie(&app, "rep@test.example").await;
        let rep_socket = subscribe(&app, &rep_cookie, &review).await;
        wait_for(&mut office_socket, "PRESENCE").await;
        let names = viewer_names(&rep, &review).await;
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(names.iter().any(|n| n.ends_with(" POL")), "{names:?}");
        drop(rep_socket);
        // The departure arrives as a change, and the rep is no longer listed.
        let mut left = false;
        for _ in 0..5 {
            wait_for(&mut office_socket, "PRESENCE").await;
            if viewer_names(&office, &review).await.len() == 1 {
                left = true;
                break;
            }
        }
        assert!(left, "the representative still listed after leaving");
    })
    .await;
}

const ACTION_CHANGED: &str = "subscription { actionChanged { actionId reviewId kind } }";

/// An action of the review owned by POL, made by the business office.
async fn an_action(office: &crate::helpers::Client, review: &str, pol: &str) -> String {
    let point = office
        .ok(
            "mutation($r: ID!, $i: LearningPointInput!) { createLearningPoint(reviewId: $r, input: $i) { id } }",
            json!({ "r": review, "i": {
                "title": "Strategy discussions", "detail": "Health were not invited.",
                "scope": "MULTI_AGENCY", "kind": "NEEDS_IMPROVEMENT", "themes": []
            }}),
        )
        .await["createLearningPoint"]["id"]
        .as_str()
        .expect("point")
        .to_owned();
    let rec = office
        .ok(
            "mutation($p: ID!, $t: String!) { addRecommendation(learningPointId: $p, text: $t) { id } }",
            json!({ "p": point, "t": "Invite health to every strategy discussion." }),
        )
        .await["addRecommendation"]["id"]
        .as_str()
        .expect("recommendation")
        .to_owned();
    let target = (chrono::Utc::now().date_naive() + chrono::Days::new(60)).to_string();
    office
        .ok(
            "mutation($r: ID!, $i: ActionInput!) { createAction(recommendationId: $r, input: $i) { id } }",
            json!({ "r": rec, "i": {
                "title": "Invite health", "ownerAgencyId": pol, "ownerPersonId": null,
                "targetDate": target, "targetDateReason": null,
                "impactAudit": "Re-audit of strategy discussions in six months"
            }}),
        )
        .await["createAction"]["id"]
        .as_str()
        .expect("action")
        .to_owned()
}

async fn an_action_change_reaches_those_who_see_the_action(backend: Backend) {
    run(backend, |app| async move {
        let (office, rep, review) = setup(&app).await;
        let hlt = app.agency("Northshire Health", "HLT").await;
        let pol_id = office
            .ok("{ agencies { id prefix } }", json!({}))
            .await["agencies"]
            .as_array()
            .and_then(|a| a.iter().find(|a| a["prefix"] == "POL"))
            .and_then(|a| a["id"].as_str())
            .expect("POL")
            .to_owned();
        let action = an_action(&office, &review, &pol_id).await;
        // An agency lead of another agency, not on the review, may not see the action.
        app.signed_in("hlt.lead@test.example", &[Role::AgencyLead], Some(&hlt))
            .await;
        let office_cookie = cookie(&app, "office@test.example").await;
        let outsider_cookie = cookie(&app, "hlt.lead@test.example").await;
        let subscription = json!({ "query": ACTION_CHANGED });
        let mut office_socket = open(&app, &office_cookie, subscription.clone()).await;
        let mut outsider_socket = open(&app, &outsider_cookie, subscription).await;

        rep.ok(
            "mutation($id: ID!, $i: ActionUpdateInput!) { addActionUpdate(actionId: $id, input: $i) { id } }",
            json!({ "id": action, "i": { "text": "Briefing written" } }),
        )
        .await;

        let message = next_message(&mut office_socket).await;
        assert_eq!(message["type"], "next", "{message}");
        let change = &message["payload"]["data"]["actionChanged"];
        assert_eq!(change["actionId"], action.as_str(), "{message}");
        assert_eq!(change["reviewId"], review.as_str(), "{message}");
        assert_eq!(change["kind"], "ACTION", "{message}");
        let nothing =
            tokio::time::timeout(Duration::from_millis(1500), outsider_socket.next()).await;
        assert!(nothing.is_err(), "the outsider heard {nothing:?}");
    })
    .await;
}

/// The next frame that is not a ping: a text message as JSON, or the close code.
async fn next_frame(socket: &mut Socket) -> Result<Value, u16> {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a frame within 10 s");
        match message {
            Some(Ok(Message::Text(text))) => return Ok(serde_json::from_str(&text).expect("json")),
            Some(Ok(Message::Close(frame))) => {
                return Err(frame.map(|f| u16::from(f.code)).unwrap_or(1005))
            }
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return Err(1006),
        }
    }
}

/// Whether a message is a presence event (sent as people open and close the chronology,
/// including the subscriber itself).
fn is_presence(message: &Value) -> bool {
    message["type"] == "next" && message["payload"]["data"]["reviewChanged"]["kind"] == "PRESENCE"
}

/// The next frame that is not a presence event.
async fn next_answer(socket: &mut Socket) -> Result<Value, u16> {
    loop {
        match next_frame(socket).await {
            Ok(message) if is_presence(&message) => {}
            other => return other,
        }
    }
}

/// Reads until the server closes the socket; fails if an event other than presence (sent
/// before the sign-out) arrives first.
async fn closed_with(socket: &mut Socket) -> u16 {
    loop {
        match next_answer(socket).await {
            Err(code) => return code,
            // The protocol completes a subscription it ends before closing.
            Ok(message) if message["type"] == "complete" => {}
            Ok(message) => panic!("expected the socket to close, got {message}"),
        }
    }
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::text(message.to_string()))
        .await
        .expect("send");
}

async fn signing_out_closes_the_socket_opened_with_that_session(backend: Backend) {
    run(backend, |app| async move {
        let (_office, rep, review) = setup(&app).await;
        let office_cookie = cookie(&app, "office@test.example").await;
        let mut socket = subscribe(&app, &office_cookie, &review).await;
        // Another session of the same person is not signed out with it.
        let other_cookie = cookie(&app, "office@test.example").await;
        let mut other = subscribe(&app, &other_cookie, &review).await;
        let signed_out = reqwest::Client::new()
            .post(format!("{}/graphql", app.base))
            .header("origin", &app.base)
            .header("cookie", &office_cookie)
            .json(&json!({ "query": "mutation { signOut }" }))
            .send()
            .await
            .expect("sign out")
            .json::<Value>()
            .await
            .expect("json");
        assert_eq!(signed_out["data"]["signOut"], true, "{signed_out}");
        add_entry(&rep, &review).await;
        assert_eq!(closed_with(&mut socket).await, 4401);
        let change = wait_for(&mut other, "ENTRY").await;
        assert_eq!(change["reviewId"], review.as_str());
    })
    .await;
}

async fn role_changes_and_deactivation_close_that_persons_sockets(backend: Backend) {
    run(backend, |app| async move {
        let (office, _rep, review) = setup(&app).await;
        let rep = office
            .ok("{ users { id email agency { id } } }", json!({}))
            .await["users"]
            .as_array()
            .expect("users")
            .iter()
            .find(|u| u["email"] == "rep@test.example")
            .expect("the representative")
            .clone();
        let (rep_id, pol) = (rep["id"].clone(), rep["agency"]["id"].clone());
        let update = |roles: Value, active: bool| {
            json!({ "id": rep_id, "i": {
                "email": "rep@test.example", "displayName": "rep", "agencyId": pol,
                "roles": roles, "active": active
            }})
        };
        let mutation =
            "mutation($id: ID!, $i: UpdateUserInput!) { updateUser(id: $id, input: $i) { id } }";
        let rep_cookie = cookie(&app, "rep@test.example").await;
        let mut socket = subscribe(&app, &rep_cookie, &review).await;
        office
            .ok(
                mutation,
                update(json!(["AGENCY_REPRESENTATIVE", "PRACTITIONER"]), true),
            )
            .await;
        // Still signed in, but no longer as the socket knew them: reconnect.
        assert_eq!(closed_with(&mut socket).await, 4001);
        let mut socket = subscribe(&app, &rep_cookie, &review).await;
        office
            .ok(mutation, update(json!(["AGENCY_REPRESENTATIVE"]), false))
            .await;
        assert_eq!(closed_with(&mut socket).await, 4401);
        // Every session of theirs has ended too.
        let me = reqwest::Client::new()
            .post(format!("{}/graphql", app.base))
            .header("origin", &app.base)
            .header("cookie", &rep_cookie)
            .json(&json!({ "query": "{ me { email } }" }))
            .send()
            .await
            .expect("me")
            .json::<Value>()
            .await
            .expect("json");
        assert_eq!(me["data"]["me"], Value::Null, "{me}");
    })
    .await;
}

/// A session that ends without a sign-out (expiry) is noticed before the next event is
/// sent: the event is not delivered, the socket closes.
async fn an_event_is_not_sent_once_the_session_has_ended(backend: Backend) {
    run(backend, |app| async move {
        use sea_orm::{ConnectionTrait, Statement};
        let (_office, rep, review) = setup(&app).await;
        let office_cookie = cookie(&app, "office@test.example").await;
        let mut socket = subscribe(&app, &office_cookie, &review).await;
        add_entry(&rep, &review).await;
        wait_for(&mut socket, "ENTRY").await;
        // As the session store's expiry would: the session's row is gone.
        let sql = "DELETE FROM session WHERE user_id IN \
                   (SELECT id FROM app_user WHERE email = 'office@test.example')";
        let backend = app.db().get_database_backend();
        app.db()
            .execute_raw(Statement::from_string(backend, sql))
            .await
            .expect("sessions deleted");
        // Past the second within which a confirmed caller is not checked again.
        tokio::time::sleep(Duration::from_millis(1200)).await;
        add_entry(&rep, &review).await;
        assert_eq!(closed_with(&mut socket).await, 4401);
    })
    .await;
}

async fn the_socket_takes_only_subscriptions_and_at_most_sixteen(backend: Backend) {
    run(backend, |app| async move {
        let (_office, rep, review) = setup(&app).await;
        let office_cookie = cookie(&app, "office@test.example").await;
        let mut socket = subscribe(&app, &office_cookie, &review).await;
        let subscription = |id: String| {
            json!({ "id": id, "type": "subscribe", "payload": {
                "query": "subscription($r: ID!) { reviewChanged(reviewId: $r) { kind } }",
                "variables": { "r": review }
            }})
        };
        for (query, needle) in [
            ("{ me { email } }", "Only subscriptions"),
            ("mutation { signOut }", "Only subscriptions"),
            ("subscription { reviewChanged(", "could not be read"),
        ] {
            send(
                &mut socket,
                json!({ "id": "q", "type": "subscribe", "payload": { "query": query } }),
            )
            .await;
            let message = next_answer(&mut socket).await.expect("an answer");
            assert_eq!(message["id"], "q", "{message}");
            let error = &message["payload"][0];
            let error = if error.is_null() {
                &message["payload"]["errors"][0]
            } else {
                error
            };
            assert_eq!(error["extensions"]["code"], "BAD_REQUEST", "{message}");
            assert!(
                error["message"]
                    .as_str()
                    .unwrap_or_default()
                    .contains(needle),
                "{message}"
            );
            let done = next_answer(&mut socket).await.expect("complete");
            assert_eq!(done["type"], "complete", "{done}");
        }
        // A document of several operations runs the one it names (as the browser sends them).
        let several = "query Me { me { email } } \
            subscription Watch($r: ID!) { reviewChanged(reviewId: $r) { kind } }";
        for (name, refused) in [("Me", true), ("Watch", false)] {
            send(
                &mut socket,
                json!({ "id": "m", "type": "subscribe", "payload": {
                    "query": several, "operationName": name, "variables": { "r": review }
                }}),
            )
            .await;
            if refused {
                let message = next_answer(&mut socket).await.expect("an answer");
                assert!(
                    message.to_string().contains("Only subscriptions"),
                    "{message}"
                );
                let done = next_answer(&mut socket).await.expect("complete");
                assert_eq!(done["type"], "complete", "{done}");
            }
        }
        send(&mut socket, json!({ "id": "m", "type": "complete" })).await;
        let done = next_answer(&mut socket).await.expect("complete");
        assert_eq!(
            (done["type"].as_str(), done["id"].as_str()),
            (Some("complete"), Some("m")),
            "{done}"
        );
        // One is open already ("1"); fifteen more fill the socket.
        for n in 2..=16 {
            send(&mut socket, subscription(n.to_string())).await;
        }
        send(&mut socket, subscription("17".into())).await;
        let refused = next_answer(&mut socket).await.expect("an answer");
        assert_eq!(refused["id"], "17", "{refused}");
        assert!(
            refused.to_string().contains("At most 16 subscriptions"),
            "{refused}"
        );
        assert_eq!(
            next_answer(&mut socket).await.expect("complete")["type"],
            "complete"
        );
        // Stopping one frees its place.
        send(&mut socket, json!({ "id": "16", "type": "complete" })).await;
        send(&mut socket, subscription("18".into())).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        add_entry(&rep, &review).await;
        let mut ids = std::collections::BTreeSet::new();
        while ids.len() < 16 {
            let message = next_answer(&mut socket).await.expect("an event");
            if message["type"] == "complete" && message["id"] == "16" {
                continue; // the server confirms the stop
            }
            assert_eq!(message["type"], "next", "{message}");
            ids.insert(message["id"].as_str().unwrap_or_default().to_owned());
        }
        assert!(
            ids.contains("18") && !ids.contains("16") && !ids.contains("17"),
            "{ids:?}"
        );
    })
    .await;
}

db_tests!(
    signing_out_closes_the_socket_opened_with_that_session,
    role_changes_and_deactivation_close_that_persons_sockets,
    an_event_is_not_sent_once_the_session_has_ended,
    the_socket_takes_only_subscriptions_and_at_most_sixteen,
    a_change_reaches_another_person_live,
    people_who_cannot_see_the_review_cannot_watch_it,
    signed_out_people_cannot_watch_anything,
    everyone_watching_sees_who_else_is_there,
    an_action_change_reaches_those_who_see_the_action
);

/// On PostgreSQL, a change made through one instance reaches a subscriber on another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_cross_instances_on_postgres() {
    run(Backend::Postgres, |first| async move {
        let (_office, rep, review) = setup(&first).await;
        let second = first.another_instance().await;
        let office_cookie = cookie(&second, "office@test.example").await;
        let mut socket = subscribe(&second, &office_cookie, &review).await;
        let entry = add_entry(&rep, &review).await;
        let change = wait_for(&mut socket, "ENTRY").await;
        assert_eq!(change["objectId"], entry.as_str());
    })
    .await;
}

/// On PostgreSQL, when the instance's listener loses its connection (changes may have been
/// missed meanwhile), every subscription is told to re-read: `reviewChanged` and
/// `actionChanged` alike. Changes reach them again once it has reconnected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_listener_tells_every_subscription_to_resync_on_postgres() {
    use sea_orm::ConnectionTrait;
    run(Backend::Postgres, |app| async move {
        let (_office, rep, review) = setup(&app).await;
        let office_cookie = cookie(&app, "office@test.example").await;
        let mut review_socket = subscribe(&app, &office_cookie, &review).await;
        let mut action_socket =
            open(&app, &office_cookie, json!({ "query": ACTION_CHANGED })).await;
        // Cut the listener's connection, as a failover or a network fault would.
        let cut = app
            .state
            .db
            .execute_unprepared(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid() \
                 AND query ILIKE '%LISTEN%'",
            )
            .await
            .expect("terminate the listener");
        assert!(cut.rows_affected() >= 1, "no listener connection was found");
        let change = wait_for(&mut review_socket, "RESYNC").await;
        assert_eq!(change["objectId"], Value::Null);
        let message = next_message(&mut action_socket).await;
        assert_eq!(message["type"], "next", "{message}");
        let change = &message["payload"]["data"]["actionChanged"];
        assert_eq!(change["kind"], "RESYNC", "{message}");
        assert_eq!(change["actionId"], Value::Null, "{message}");
        // The listener reconnects (within a few seconds) and changes flow again.
        let mut entry = String::new();
        for _ in 0..20 {
            entry = add_entry(&rep, &review).await;
            let next = tokio::time::timeout(Duration::from_millis(500), async {
                loop {
                    let change = wait_for(&mut review_socket, "ENTRY").await;
                    if change["objectId"] == entry.as_str() {
                        return change;
                    }
                }
            })
            .await;
            if next.is_ok() {
                return;
            }
        }
        panic!("no change arrived after the listener reconnected (last entry {entry})");
    })
    .await;
}
