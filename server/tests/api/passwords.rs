//! Forgotten passwords: a single-use link valid for an hour, emailed when SMTP is
//! configured; otherwise the business office sets a new password. Either way every session
//! of the person ends.

use crate::db_tests;
use crate::helpers::{error_code, run, Backend, Client, TestApp, PASSWORD};
use crate::reminders::{plain, with_smtp, Sink};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};
use shared::auth::Role;

const REQUEST: &str = "mutation($e: String!) { requestPasswordReset(email: $e) }";
const RESET: &str = "mutation($t: String!, $p: String!) { resetPassword(token: $t, password: $p) }";
const NEW_PASSWORD: &str = "a brand new passphrase";

async fn with_sink<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestApp, Sink) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    with_smtp(backend, &[], test).await;
}

/// The secret in the last link emailed.
fn last_token(sink: &Sink) -> String {
    let messages = sink.messages();
    // Quoted-printable writes "=" as "=3D".
    let message = plain(messages.last().expect("an email")).replace("=3D", "=");
    let at = message.find("token=").expect("a link") + "token=".len();
    message[at..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect()
}

async fn signed_in_as(client: &Client) -> Value {
    client.gql("{ me { email } }", json!({})).await["data"]["me"]["email"].clone()
}

async fn a_link_resets_the_password_once_and_ends_every_session(backend: Backend) {
    with_sink(backend, |app, sink| async move {
        let (old_session, _) = app
            .signed_in("worker@test.example", &[Role::IndependentChair], None)
            .await;
        let stranger = app.client();
        // An address without an account gets the same answer, and nothing is sent.
        let answer = stranger
            .ok(REQUEST, json!({ "e": "nobody@test.example" }))
            .await;
        assert_eq!(answer["requestPasswordReset"], "EMAIL_SENT");
        assert!(sink.messages().is_empty());
        let answer = stranger
            .ok(REQUEST, json!({ "e": " Worker@Test.example " }))
            .await;
        assert_eq!(answer["requestPasswordReset"], "EMAIL_SENT");
        assert_eq!(sink.messages().len(), 1);
        let email = plain(&sink.messages()[0]);
        assert!(email.contains("worker@test.example"), "{email}");
        assert!(email.contains("/reset-password?token="), "{email}");
        let token = last_token(&sink);
        // Too short a password: refused, the link still works.
        let short = stranger
            .gql(RESET, json!({ "t": token, "p": "short" }))
            .await;
        assert_eq!(error_code(&short).as_deref(), Some("VALIDATION"), "{short}");
        stranger
            .ok(RESET, json!({ "t": token, "p": NEW_PASSWORD }))
            .await;
        // Used once: refused the second time.
        let again = stranger
            .gql(RESET, json!({ "t": token, "p": NEW_PASSWORD }))
            .await;
        assert_eq!(error_code(&again).as_deref(), Some("VALIDATION"), "{again}");
        assert!(
            again
                .to_string()
                .contains("expired or has already been used"),
            "{again}"
        );
        // The session signed in before the reset has ended; the old password is refused.
        assert_eq!(signed_in_as(&old_session).await, Value::Null);
        let old = app
            .client()
            .gql(
                "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }",
                json!({ "e": "worker@test.example", "p": PASSWORD }),
            )
            .await;
        assert!(
            old.to_string()
                .contains("email address or password is not right"),
            "{old}"
        );
        let fresh = app.client();
        fresh.sign_in("worker@test.example", NEW_PASSWORD).await;
        assert_eq!(signed_in_as(&fresh).await, "worker@test.example");
        // The secret is not stored, and the reset is in the audit log.
        let token_stored = app
            .db()
            .query_one_raw(Statement::from_sql_and_values(
                app.db().get_database_backend(),
                "SELECT COUNT(*) AS n FROM password_reset WHERE token_hash = $1",
                [token.clone().into()],
            ))
            .await
            .expect("query")
            .expect("row")
            .try_get::<i64>("", "n")
            .expect("count");
        assert_eq!(token_stored, 0);
        let office = app.office().await;
        let log = office
            .ok("{ auditLog(first: 50) { entries { action } } }", json!({}))
            .await
            .to_string();
        assert!(
            log.contains("user.password_reset_requested") && log.contains("user.password_reset\""),
            "{log}"
        );
    })
    .await;
}

async fn links_expire_after_an_hour_and_are_limited_per_person(backend: Backend) {
    with_sink(backend, |app, sink| async move {
        app.person("worker@test.example", &[Role::IndependentChair], None)
            .await;
        let stranger = app.client();
        stranger
            .ok(REQUEST, json!({ "e": "worker@test.example" }))
            .await;
        let token = last_token(&sink);
        let backend = app.db().get_database_backend();
        let past = chrono::Utc::now() - chrono::Duration::minutes(61);
        app.db()
            .execute_raw(Statement::from_sql_and_values(
                backend,
                "UPDATE password_reset SET expires_at = $1",
                [past.into()],
            ))
            .await
            .expect("expired");
        let late = stranger
            .gql(RESET, json!({ "t": token, "p": NEW_PASSWORD }))
            .await;
        assert_eq!(error_code(&late).as_deref(), Some("VALIDATION"), "{late}");
        // At most three links an hour: the fourth request sends nothing.
        for _ in 0..3 {
            stranger
                .ok(REQUEST, json!({ "e": "worker@test.example" }))
                .await;
        }
        assert_eq!(sink.messages().len(), 3);
        // A made-up or absurd token is refused the same way.
        for t in ["lp_not_a_token".to_string(), "x".repeat(10_000)] {
            let bad = stranger
                .gql(RESET, json!({ "t": t, "p": NEW_PASSWORD }))
                .await;
            assert_eq!(error_code(&bad).as_deref(), Some("VALIDATION"), "{bad}");
        }
    })
    .await;
}

async fn without_email_the_business_office_sets_a_new_password(backend: Backend) {
    run(backend, |app| async move {
        let (worker, worker_id) = app
            .signed_in("worker@test.example", &[Role::IndependentChair], None)
            .await;
        let answer = app
            .client()
            .ok(REQUEST, json!({ "e": "worker@test.example" }))
            .await;
        assert_eq!(answer["requestPasswordReset"], "ASK_THE_BUSINESS_OFFICE");
        let set =
            "mutation($id: ID!, $p: String!) { setUserPassword(id: $id, password: $p) { id } }";
        // Only the business office.
        let refused = worker
            .gql(set, json!({ "id": worker_id, "p": NEW_PASSWORD }))
            .await;
        assert_eq!(
            error_code(&refused).as_deref(),
            Some("FORBIDDEN"),
            "{refused}"
        );
        let office = app.office().await;
        let short = office
            .gql(set, json!({ "id": worker_id, "p": "short" }))
            .await;
        assert_eq!(error_code(&short).as_deref(), Some("VALIDATION"), "{short}");
        office
            .ok(set, json!({ "id": worker_id, "p": NEW_PASSWORD }))
            .await;
        assert_eq!(signed_in_as(&worker).await, Value::Null);
        let fresh = app.client();
        fresh.sign_in("worker@test.example", NEW_PASSWORD).await;
        assert_eq!(signed_in_as(&fresh).await, "worker@test.example");
        let missing = office
            .gql(set, json!({ "id": "no-such-person", "p": NEW_PASSWORD }))
            .await;
        assert_eq!(
            error_code(&missing).as_deref(),
            Some("NOT_FOUND"),
            "{missing}"
        );
    })
    .await;
}

db_tests!(
    a_link_resets_the_password_once_and_ends_every_session,
    links_expire_after_an_hour_and_are_limited_per_person,
    without_email_the_business_office_sets_a_new_password
);
