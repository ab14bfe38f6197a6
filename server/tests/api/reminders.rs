//! Reminders of actions due soon or overdue: the job (run with a controlled date) makes
//! in-app notifications for the owner person, else the owner agency's agency leads, and
//! emails them through SMTP (an in-test SMTP sink); each reminder once, across runs and
//! across instances; emails without case detail; a failed send is retried; people see and
//! mark read their own notifications only.

use crate::db_tests;
use crate::helpers::{error_code, review_with, run_with, Backend, Client, TestApp};
use chrono::{Days, NaiveDate, Utc};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use server::entities::notification;
use server::work::notifications::{run_once, ReminderReport};
use shared::auth::Role;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

// ---------------------------------------------------------------------------------------
// A tiny SMTP server that records what it is sent.

#[derive(Clone, Default)]
pub(crate) struct Sink {
    messages: Arc<Mutex<Vec<String>>>,
    /// Refuse every message (550 to MAIL FROM).
    pub(crate) refuse: Arc<AtomicBool>,
}

impl Sink {
    pub(crate) async fn start() -> (Sink, u16) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind sink");
        let port = listener.local_addr().expect("sink addr").port();
        let sink = Sink::default();
        let serving = sink.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(serving.clone().session(socket));
            }
        });
        (sink, port)
    }

    pub(crate) fn messages(&self) -> Vec<String> {
        self.messages.lock().expect("sink lock").clone()
    }

    async fn session(self, socket: TcpStream) {
        let (read, mut write) = socket.into_split();
        let mut read = BufReader::new(read);
        let _ = write.write_all(b"220 sink ESMTP\r\n").await;
        let mut line = String::new();
        loop {
            line.clear();
            if read.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let command = line.trim_end().to_ascii_uppercase();
            let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
                b"250 sink\r\n"
            } else if command.starts_with("MAIL") {
                if self.refuse.load(Ordering::SeqCst) {
                    b"550 refused for the test\r\n"
                } else {
                    b"250 ok\r\n"
                }
            } else if command.starts_with("RCPT")
                || command.starts_with("RSET")
                || command.starts_with("NOOP")
            {
                b"250 ok\r\n"
            } else if command == "DATA" {
                let _ = write.write_all(b"354 go ahead\r\n").await;
                let mut message = String::new();
                loop {
                    line.clear();
                    if read.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    message.push_str(&line);
                }
                self.messages.lock().expect("sink lock").push(message);
                b"250 queued\r\n"
            } else if command == "QUIT" {
                let _ = write.write_all(b"221 bye\r\n").await;
                return;
            } else {
                b"502 not implemented\r\n"
            };
            if write.write_all(reply).await.is_err() {
                return;
            }
        }
    }
}

/// A message's text with quoted-printable soft line breaks undone.
pub(crate) fn plain(message: &str) -> String {
    message.replace("=\r\n", "")
}

// ---------------------------------------------------------------------------------------
// The partnership.

fn day(offset: i64) -> NaiveDate {
    let today = Utc::now().date_naive();
    if offset >= 0 {
        today + Days::new(offset.unsigned_abs())
    } else {
        today - Days::new(offset.unsigned_abs())
    }
}

const POINT_TITLE: &str = "Strategy discussion CASE-TITLE-SECRET";
const POINT_DETAIL: &str = "Mother disclosed CASE-DETAIL-SECRET to the health visitor.";
const RECOMMENDATION: &str = "Invite health REC-SECRET to every strategy discussion.";
const REFERENCE: &str = "SCR-2016-77";

struct World {
    office: Client,
    pol: String,
    csc: String,
    pol_lead: Client,
    pol_lead_id: String,
    pol_lead2_id: String,
    pol_rep: Client,
    pol_rep_id: String,
    csc_lead: Client,
    csc_lead_id: String,
    recommendation: String,
}

async fn world(app: &TestApp) -> World {
    let office = app.office().await;
    let pol = app.agency("Northshire Police", "POL").await;
    let csc = app.agency("Children's Social Care", "CSC").await;
    let (pol_lead, pol_lead_id) = app
        .signed_in("pol.lead@test.example", &[Role::AgencyLead], Some(&pol))
        .await;
    let pol_lead2_id = app
        .person("pol.lead2@test.example", &[Role::AgencyLead], Some(&pol))
        .await;
    // A representative is not reminded of the agency's unowned actions.
    app.person(
        "pol.rep2@test.example",
        &[Role::AgencyRepresentative],
        Some(&pol),
    )
    .await;
    let (pol_rep, pol_rep_id) = app
        .signed_in(
            "pol.rep@test.example",
            &[Role::AgencyRepresentative],
            Some(&pol),
        )
        .await;
    let (csc_lead, csc_lead_id) = app
        .signed_in("csc.lead@test.example", &[Role::AgencyLead], Some(&csc))
        .await;
    let review = review_with(&office, REFERENCE, &[&pol, &csc], &[]).await;
    let point = office
        .ok(
            "mutation($r: ID!, $i: LearningPointInput!) { createLearningPoint(reviewId: $r, input: $i) { id } }",
            json!({ "r": review, "i": {
                "title": POINT_TITLE,
                "detail": POINT_DETAIL,
                "scope": "MULTI_AGENCY",
                "kind": "NEEDS_IMPROVEMENT",
                "themes": ["Neglect"],
            } }),
        )
        .await["createLearningPoint"]["id"]
        .as_str()
        .expect("point id")
        .to_owned();
    let recommendation = office
        .ok(
            "mutation($p: ID!, $t: String!) { addRecommendation(learningPointId: $p, text: $t) { id } }",
            json!({ "p": point, "t": RECOMMENDATION }),
        )
        .await["addRecommendation"]["id"]
        .as_str()
        .expect("recommendation id")
        .to_owned();
    World {
        office,
        pol,
        csc,
        pol_lead,
        pol_lead_id,
        pol_lead2_id,
        pol_rep,
        pol_rep_id,
        csc_lead,
        csc_lead_id,
        recommendation,
    }
}

/// An action of the world's recommendation; returns (id, reference).
async fn action(
    w: &World,
    title: &str,
    agency: &str,
    person: Option<&str>,
    days: i64,
) -> (String, String) {
    let data = w
        .office
        .ok(
            "mutation($r: ID!, $i: ActionInput!) { createAction(recommendationId: $r, input: $i) { id reference } }",
            json!({ "r": w.recommendation, "i": {
                "title": title,
                "ownerAgencyId": agency,
                "ownerPersonId": person,
                "targetDate": day(days).to_string(),
                "targetDateReason": (days < 0).then_some("Agreed late at the panel"),
            } }),
        )
        .await;
    let a = &data["createAction"];
    (
        a["id"].as_str().expect("action id").to_owned(),
        a["reference"].as_str().expect("reference").to_owned(),
    )
}

async fn notifications_of(app: &TestApp) -> Vec<(String, String, String)> {
    let mut rows: Vec<(String, String, String)> = notification::Entity::find()
        .all(app.db())
        .await
        .expect("notifications")
        .into_iter()
        .filter_map(|n| Some((n.action_id?, n.user_id, n.kind)))
        .collect();
    rows.sort();
    rows
}

/// How many notifications are of work other than actions (the world's review is long past
/// its statutory deadlines, so the business office is told of them too).
async fn others_of(app: &TestApp) -> usize {
    notification::Entity::find()
        .all(app.db())
        .await
        .expect("notifications")
        .into_iter()
        .filter(|n| n.action_id.is_none())
        .count()
}

/// The emails about actions.
fn action_emails(sink: &Sink) -> Vec<String> {
    sink.messages()
        .into_iter()
        .filter(|m| plain(m).contains("/actions/"))
        .collect()
}

fn sorted(mut rows: Vec<(String, String, String)>) -> Vec<(String, String, String)> {
    rows.sort();
    rows
}

fn row(action: &str, user: &str, kind: &str) -> (String, String, String) {
    (action.to_owned(), user.to_owned(), kind.to_owned())
}

const MINE: &str = "query($u: Boolean) { myNotifications(unreadOnly: $u) { id kind kindLabel title link dueOn createdAt readAt } }";
const MARK_READ: &str = "mutation($id: ID!) { markNotificationRead(id: $id) { id kind readAt } }";

async fn mine(client: &Client, unread_only: bool) -> Vec<Value> {
    client.ok(MINE, json!({ "u": unread_only })).await["myNotifications"]
        .as_array()
        .expect("list")
        .clone()
}

async fn with_sink<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestApp, Sink) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    with_smtp(backend, &["--reminder-interval-secs", "0"], test).await;
}

/// Runs `test` against a server that emails through a fresh [`Sink`] (with `flags` too).
pub(crate) async fn with_smtp<F, Fut>(backend: Backend, flags: &[&str], test: F)
where
    F: FnOnce(TestApp, Sink) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let (sink, port) = Sink::start().await;
    let url = format!("smtp://127.0.0.1:{port}");
    let mut args = vec![
        "--smtp-url",
        &url,
        "--smtp-from",
        "Safeguarding Partnership <reminders@partnership.example>",
    ];
    args.extend_from_slice(flags);
    run_with(backend, &args, |app| test(app, sink)).await;
}

// ---------------------------------------------------------------------------------------

async fn reminders_go_to_the_owner_once_and_carry_no_case_detail(backend: Backend) {
    with_sink(backend, |app, sink| async move {
        let w = world(&app).await;
        let today = day(0);
        // Due soon, no owner person: the POL agency leads.
        let (soon, soon_ref) = action(&w, "Invite health", &w.pol, None, 10).await;
        // Overdue, owned by a person: that person only.
        let (late, late_ref) =
            action(&w, "Audit strategy meetings", &w.pol, Some(&w.pol_rep_id), -3).await;
        // Not due for a while: nothing.
        action(&w, "Train new staff", &w.csc, None, 60).await;
        // Due soon but completed: nothing.
        let (done, _) = action(&w, "Update the protocol", &w.csc, None, 5).await;
        w.office
            .ok(
                "mutation($id: ID!, $i: ActionUpdateInput!) { addActionUpdate(actionId: $id, input: $i) { status } }",
                json!({ "id": done, "i": { "text": "Protocol published", "status": "COMPLETED" } }),
            )
            .await;

        let report = run_once(&app.state, today).await.expect("run");
        let others = others_of(&app).await;
        assert!(others > 0, "the office is told of the review's overdue deadlines");
        assert_eq!(
            report,
            ReminderReport {
                created: 3 + others,
                emailed: 3 + others,
                failed: 0
            }
        );
        assert_eq!(
            notifications_of(&app).await,
            sorted(vec![
                row(&soon, &w.pol_lead_id, "ACTION_DUE_SOON"),
                row(&soon, &w.pol_lead2_id, "ACTION_DUE_SOON"),
                row(&late, &w.pol_rep_id, "ACTION_OVERDUE"),
            ])
        );

        let messages = action_emails(&sink);
        assert_eq!(messages.len(), 3, "{messages:#?}");
        for email in ["pol.lead@test.example", "pol.lead2@test.example"] {
            let m = messages
                .iter()
                .map(|m| plain(m))
                .find(|m| m.contains(&format!("<{email}>")))
                .unwrap_or_else(|| panic!("no email to {email}: {messages:#?}"));
            assert!(m.contains(&soon_ref), "{m}");
            assert!(m.contains("Invite health"), "{m}");
            assert!(m.contains("due on"), "{m}");
            assert!(m.contains(&format!("{}/actions/{soon}", app.base)), "{m}");
            assert!(m.contains("reminders@partnership.example"), "{m}");
        }
        let to_rep = messages
            .iter()
            .map(|m| plain(m))
            .find(|m| m.contains("<pol.rep@test.example>"))
            .expect("email to the owner person");
        assert!(to_rep.contains(&late_ref) && to_rep.contains("Audit strategy meetings"));
        assert!(to_rep.contains("overdue"), "{to_rep}");
        assert!(to_rep.contains(&format!("{}/actions/{late}", app.base)));
        for m in &sink.messages() {
            for secret in [
                "CASE-TITLE-SECRET",
                "CASE-DETAIL-SECRET",
                "REC-SECRET",
                "Child A",
                "Neglect",
            ] {
                assert!(!plain(m).contains(secret), "case detail {secret} in {m}");
            }
        }
        assert!(
            !messages.iter().any(|m| m.contains("csc.lead@test.example")),
            "nothing for the not-yet-due or completed actions"
        );

        // Again (as after a restart): nothing new made or sent.
        let again = run_once(&app.state, today).await.expect("run again");
        assert_eq!(again, ReminderReport::default());
        assert_eq!(action_emails(&sink).len(), 3);
        assert_eq!(notifications_of(&app).await.len(), 3);

        // Eleven days on, the due-soon action is overdue: one more reminder each.
        let later = run_once(&app.state, today + Days::new(11))
            .await
            .expect("later run");
        assert_eq!(later.failed, 0);
        assert_eq!(later.created, later.emailed);
        let overdue: Vec<_> = notifications_of(&app)
            .await
            .into_iter()
            .filter(|(a, _, k)| a == &soon && k == "ACTION_OVERDUE")
            .collect();
        assert_eq!(overdue.len(), 2);
        assert_eq!(notifications_of(&app).await.len(), 5);
        let all = action_emails(&sink);
        assert_eq!(all.len(), 5);
        assert_eq!(
            all.iter()
                .filter(|m| {
                    let m = plain(m);
                    m.contains("Action overdue: Action ") && m.contains(&soon_ref)
                })
                .count(),
            2,
            "{all:#?}"
        );
    })
    .await;
}

async fn two_instances_remind_once(backend: Backend) {
    with_sink(backend, |app, sink| async move {
        let w = world(&app).await;
        for n in 0..4 {
            let (agency, days) = if n % 2 == 0 {
                (&w.pol, 3)
            } else {
                (&w.csc, -2)
            };
            action(&w, &format!("Action {n}"), agency, None, days).await;
        }
        // A second instance on the same database, with the same SMTP settings.
        let second = app.another_instance().await;
        let mut other = second.state.clone();
        other.config = app.state.config.clone();
        let today = day(0);
        for _ in 0..3 {
            let (a, b) = tokio::join!(run_once(&app.state, today), run_once(&other, today));
            let (a, b) = (a.expect("first instance"), b.expect("second instance"));
            assert_eq!(a.failed + b.failed, 0);
        }
        // POL actions: two leads each; CSC actions: one lead each.
        let expected = 2 * 2 + 2;
        assert_eq!(notifications_of(&app).await.len(), expected);
        let messages = action_emails(&sink);
        assert_eq!(messages.len(), expected, "each email once: {messages:#?}");
        assert_eq!(
            sink.messages().len(),
            expected + others_of(&app).await,
            "every email once"
        );
        let unsent = notification::Entity::find()
            .filter(notification::Column::EmailedAt.is_null())
            .count(app.db())
            .await
            .expect("count");
        assert_eq!(unsent, 0);
        let to_csc = messages
            .iter()
            .filter(|m| m.contains("<csc.lead@test.example>"))
            .count();
        assert_eq!(to_csc, 2);
    })
    .await;
}

async fn a_failed_email_is_sent_on_a_later_run(backend: Backend) {
    with_sink(backend, |app, sink| async move {
        let w = world(&app).await;
        let (id, reference) = action(&w, "Invite health", &w.csc, None, 1).await;
        sink.refuse.store(true, Ordering::SeqCst);
        let first = run_once(&app.state, day(0)).await.expect("run");
        let others = others_of(&app).await;
        assert_eq!(
            first,
            ReminderReport {
                created: 1 + others,
                emailed: 0,
                failed: 1 + others
            }
        );
        assert!(sink.messages().is_empty());
        // The in-app notification is there at once.
        let listed = mine(&w.csc_lead, true).await;
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0]["link"], format!("/actions/{id}"));
        sink.refuse.store(false, Ordering::SeqCst);
        let retry = run_once(&app.state, day(0)).await.expect("retry");
        assert_eq!(
            retry,
            ReminderReport {
                created: 0,
                emailed: 1 + others,
                failed: 0
            }
        );
        let messages = action_emails(&sink);
        assert_eq!(messages.len(), 1);
        assert!(plain(&messages[0]).contains(&reference));
        assert_eq!(
            run_once(&app.state, day(0)).await.expect("once more"),
            ReminderReport::default()
        );
    })
    .await;
}

async fn without_smtp_reminders_are_in_app_only(backend: Backend) {
    run_with(backend, &["--reminder-days", "30"], |app| async move {
        let w = world(&app).await;
        // Due in 20 days: due soon with a 30-day window.
        let (id, _) = action(&w, "Invite health", &w.csc, None, 20).await;
        let report = run_once(&app.state, day(0)).await.expect("run");
        assert_eq!(
            report,
            ReminderReport {
                created: 1 + others_of(&app).await,
                emailed: 0,
                failed: 0
            }
        );
        assert_eq!(
            notifications_of(&app).await,
            vec![row(&id, &w.csc_lead_id, "ACTION_DUE_SOON")]
        );
    })
    .await;
}

async fn people_see_and_mark_read_their_own_notifications(backend: Backend) {
    run_with(
        backend,
        &["--reminder-interval-secs", "0"],
        |app| async move {
            let w = world(&app).await;
            let (soon, soon_ref) = action(&w, "Invite health", &w.pol, None, 7).await;
            let (late, _) = action(&w, "Audit meetings", &w.pol, Some(&w.pol_rep_id), -1).await;
            run_once(&app.state, day(0)).await.expect("run");

            let lead = mine(&w.pol_lead, false).await;
            assert_eq!(lead.len(), 1, "{lead:#?}");
            let n = &lead[0];
            assert_eq!(n["kind"], "ACTION_DUE_SOON");
            assert_eq!(n["kindLabel"], "Action due soon");
            assert_eq!(n["readAt"], Value::Null);
            assert_eq!(n["link"], format!("/actions/{soon}"));
            assert_eq!(n["title"], format!("Action {soon_ref}: Invite health"));
            assert_eq!(n["dueOn"], day(7).to_string());
            let lead_notification = n["id"].as_str().expect("id").to_owned();

            let rep = mine(&w.pol_rep, false).await;
            assert_eq!(rep.len(), 1);
            assert_eq!(rep[0]["kind"], "ACTION_OVERDUE");
            assert_eq!(rep[0]["link"], format!("/actions/{late}"));
            assert!(mine(&w.csc_lead, false).await.is_empty());
            let office = mine(&w.office, false).await;
            assert!(!office.is_empty());
            assert!(
                office.iter().all(|n| n["kind"] == "DEADLINE_OVERDUE"),
                "the office is told of deadlines, not of actions others owe: {office:#?}"
            );

            // Someone else's notification answers like a missing one.
            let theirs = w
                .pol_rep
                .gql(MARK_READ, json!({ "id": lead_notification }))
                .await;
            assert_eq!(
                error_code(&theirs).as_deref(),
                Some("NOT_FOUND"),
                "{theirs:#}"
            );
            let missing = w
                .pol_rep
                .gql(MARK_READ, json!({ "id": uuid::Uuid::new_v4().to_string() }))
                .await;
            assert_eq!(
                theirs["errors"][0]["message"],
                missing["errors"][0]["message"]
            );
            assert_eq!(mine(&w.pol_lead, true).await.len(), 1, "still unread");
            let anonymous = app
                .client()
                .gql(MARK_READ, json!({ "id": lead_notification }))
                .await;
            assert_eq!(error_code(&anonymous).as_deref(), Some("UNAUTHENTICATED"));

            let read = w
                .pol_lead
                .ok(MARK_READ, json!({ "id": lead_notification }))
                .await["markNotificationRead"]
                .clone();
            assert_eq!(read["id"], lead_notification.as_str());
            assert!(read["readAt"].is_string(), "{read:#}");
            assert!(mine(&w.pol_lead, true).await.is_empty());
            let all = mine(&w.pol_lead, false).await;
            assert_eq!(all.len(), 1);
            assert_eq!(all[0]["readAt"], read["readAt"]);
            // Marking again keeps the first time it was read.
            let again = w
                .pol_lead
                .ok(MARK_READ, json!({ "id": lead_notification }))
                .await["markNotificationRead"]
                .clone();
            assert_eq!(again["readAt"], read["readAt"]);
        },
    )
    .await;
}

db_tests!(
    reminders_go_to_the_owner_once_and_carry_no_case_detail,
    two_instances_remind_once,
    a_failed_email_is_sent_on_a_later_run,
    without_smtp_reminders_are_in_app_only,
    people_see_and_mark_read_their_own_notifications,
);
