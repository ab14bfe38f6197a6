//! Signing in and out, session cookies, lifetimes and throttling.

use crate::db_tests;
use crate::helpers::{error_code, problem_fields, run, Backend, PASSWORD};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement};
use serde_json::json;
use shared::auth::Role;

const ME: &str = "{ me { id email roles } }";

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("lp_session="))
        .map(str::to_owned)
}

async fn raw_sign_in(
    app: &crate::helpers::TestApp,
    http: &reqwest::Client,
    email: &str,
    password: &str,
) -> reqwest::Response {
    http.post(format!("{}/graphql", app.base))
        .header("origin", &app.base)
        .json(&json!({
            "query": "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }",
            "variables": { "e": email, "p": password }
        }))
        .send()
        .await
        .expect("sign in")
}

/// `me` with only the given cookie, as a client that kept an old cookie would send it.
async fn me_with_cookie(app: &crate::helpers::TestApp, cookie: &str) -> serde_json::Value {
    let pair = cookie.split(';').next().unwrap_or_default().to_owned();
    reqwest::Client::new()
        .post(format!("{}/graphql", app.base))
        .header("origin", &app.base)
        .header("cookie", pair)
        .json(&json!({ "query": ME }))
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("json")
}

/// An office person signed in by a client that keeps cookies, with the session cookie the
/// sign-in set.
async fn office_signed_in(app: &crate::helpers::TestApp) -> (reqwest::Client, String) {
    app.person("office@test.example", &[Role::BusinessOffice], None)
        .await;
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let cookie = session_cookie(&raw_sign_in(app, &http, "office@test.example", PASSWORD).await)
        .expect("cookie");
    (http, cookie)
}

async fn sign_in_sets_a_strict_http_only_cookie(backend: Backend) {
    run(backend, |app| async move {
        app.person("office@test.example", &[Role::BusinessOffice], None)
            .await;
        let http = reqwest::Client::new();
        let response = raw_sign_in(&app, &http, "Office@Test.Example", PASSWORD).await;
        let cookie = session_cookie(&response).expect("a session cookie");
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Strict"), "{cookie}");
        assert!(
            !cookie.contains("Secure"),
            "plain http public URL: {cookie}"
        );
        let me = me_with_cookie(&app, &cookie).await;
        assert_eq!(me["data"]["me"]["email"], "office@test.example");
        assert_eq!(me["data"]["me"]["roles"][0], "BUSINESS_OFFICE");
    })
    .await;
}

async fn wrong_password_and_unknown_account_answer_alike(backend: Backend) {
    run(backend, |app| async move {
        app.person("rep@test.example", &[Role::BusinessOffice], None)
            .await;
        let client = app.client();
        let q = "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }";
        let wrong = client
            .gql(
                q,
                json!({ "e": "rep@test.example", "p": "not the password" }),
            )
            .await;
        let unknown = client
            .gql(
                q,
                json!({ "e": "nobody@test.example", "p": "not the password" }),
            )
            .await;
        assert_eq!(error_code(&wrong).as_deref(), Some("VALIDATION"));
        assert_eq!(problem_fields(&wrong), vec!["password"]);
        assert_eq!(
            wrong["errors"][0]["message"],
            unknown["errors"][0]["message"]
        );
        assert_eq!(
            client.ok(ME, json!({})).await["me"],
            serde_json::Value::Null
        );
    })
    .await;
}

async fn session_id_changes_at_sign_in(backend: Backend) {
    run(backend, |app| async move {
        app.person("office@test.example", &[Role::BusinessOffice], None)
            .await;
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("client");
        let first =
            session_cookie(&raw_sign_in(&app, &http, "office@test.example", PASSWORD).await)
                .expect("cookie");
        let second =
            session_cookie(&raw_sign_in(&app, &http, "office@test.example", PASSWORD).await)
                .expect("cookie");
        assert_ne!(
            first.split(';').next(),
            second.split(';').next(),
            "a new id at every sign-in"
        );
        assert_eq!(
            me_with_cookie(&app, &first).await["data"]["me"],
            serde_json::Value::Null,
            "the old id is gone"
        );
        assert!(me_with_cookie(&app, &second).await["data"]["me"]["id"].is_string());
    })
    .await;
}

async fn sign_out_ends_the_session_everywhere(backend: Backend) {
    run(backend, |app| async move {
        let (http, cookie) = office_signed_in(&app).await;
        let out: serde_json::Value = http
            .post(format!("{}/graphql", app.base))
            .header("origin", &app.base)
            .json(&json!({ "query": "mutation { signOut }" }))
            .send()
            .await
            .expect("sign out")
            .json()
            .await
            .expect("json");
        assert_eq!(out["data"]["signOut"], true);
        let after = me_with_cookie(&app, &cookie).await;
        assert_eq!(
            after["data"]["me"],
            serde_json::Value::Null,
            "old cookie no longer works"
        );
        let protected: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/graphql", app.base))
            .header("origin", &app.base)
            .header("cookie", cookie.split(';').next().unwrap_or_default())
            .json(&json!({ "query": "{ users { id } }" }))
            .send()
            .await
            .expect("users")
            .json()
            .await
            .expect("json");
        assert_eq!(error_code(&protected).as_deref(), Some("UNAUTHENTICATED"));
    })
    .await;
}

/// A request that loaded the session before sign-out and saves it afterwards (as one that
/// records activity does) must not bring the session back: the old cookie stays dead.
async fn sign_out_is_not_undone_by_a_request_in_flight(backend: Backend) {
    run(backend, |app| async move {
        use server::auth::session_store::DatabaseSessionStore;
        use std::str::FromStr;
        use tower_sessions::{session::Id, Session};
        let (http, cookie) = office_signed_in(&app).await;
        let value = cookie
            .split(';')
            .next()
            .and_then(|pair| pair.split_once('='))
            .map(|(_, v)| v.to_owned())
            .expect("cookie value");
        let id = Id::from_str(&value).expect("a session id");

        // The request in flight: it has read the session and is about to record activity.
        let store = std::sync::Arc::new(DatabaseSessionStore::new(app.db().clone()));
        let in_flight = Session::new(Some(id), store, None);
        assert!(in_flight
            .get::<String>("user_id")
            .await
            .expect("load")
            .is_some());

        let out: serde_json::Value = http
            .post(format!("{}/graphql", app.base))
            .header("origin", &app.base)
            .json(&json!({ "query": "mutation { signOut }" }))
            .send()
            .await
            .expect("sign out")
            .json()
            .await
            .expect("json");
        assert_eq!(out["data"]["signOut"], true);

        in_flight.insert("seen_at", 1).await.expect("insert");
        in_flight
            .save()
            .await
            .expect("a save after sign-out is not an error");
        assert_eq!(
            server::entities::session::Entity::find()
                .all(app.db())
                .await
                .expect("read")
                .len(),
            0,
            "no session row came back"
        );
        assert_eq!(
            me_with_cookie(&app, &cookie).await["data"]["me"],
            serde_json::Value::Null,
            "the old cookie stays signed out"
        );
    })
    .await;
}

async fn set_session_field(app: &crate::helpers::TestApp, sql_sqlite: &str, sql_pg: &str) {
    let (backend, sql) = match app.backend {
        Backend::Sqlite => (DbBackend::Sqlite, sql_sqlite),
        Backend::Postgres => (DbBackend::Postgres, sql_pg),
    };
    app.db()
        .execute_raw(Statement::from_string(backend, sql.to_owned()))
        .await
        .expect("update session");
}

async fn idle_and_absolute_lifetimes_are_enforced_by_the_server(backend: Backend) {
    run(backend, |app| async move {
        let (client, _) = app.signed_in("office@test.example", &[Role::BusinessOffice], None).await;
        assert!(client.ok(ME, json!({})).await["me"]["id"].is_string());
        // Activity moves the stored expiry on (written at most once a minute).
        set_session_field(
            &app,
            &format!("UPDATE session SET expires_at = '{soon}', data = json_set(data, '$.seen_at', 0)", soon = (chrono::Utc::now() + chrono::Duration::minutes(1)).to_rfc3339()),
            &format!("UPDATE session SET expires_at = '{soon}', data = jsonb_set(data::jsonb, '{{seen_at}}', '0')::text", soon = (chrono::Utc::now() + chrono::Duration::minutes(1)).to_rfc3339()),
        )
        .await;
        assert!(client.ok(ME, json!({})).await["me"]["id"].is_string());
        let expires = server::entities::session::Entity::find()
            .one(app.db())
            .await
            .expect("read")
            .expect("session")
            .expires_at;
        assert!(
            expires > chrono::Utc::now() + chrono::Duration::minutes(25),
            "activity extended the session: {expires}"
        );
        // Idle: the stored expiry passes (as after 30 minutes without a request).
        set_session_field(
            &app,
            "UPDATE session SET expires_at = '2000-01-01T00:00:00+00:00'",
            "UPDATE session SET expires_at = '2000-01-01T00:00:00+00:00'",
        )
        .await;
        assert_eq!(client.ok(ME, json!({})).await["me"], serde_json::Value::Null, "idle session ended");

        // Absolute: signed in more than 10 hours ago, however active since.
        client.sign_in("office@test.example", PASSWORD).await;
        assert!(client.ok(ME, json!({})).await["me"]["id"].is_string());
        let eleven_hours_ago = chrono::Utc::now().timestamp() - 11 * 3600;
        set_session_field(
            &app,
            &format!("UPDATE session SET data = json_set(data, '$.signed_in_at', {eleven_hours_ago})"),
            &format!("UPDATE session SET data = jsonb_set(data::jsonb, '{{signed_in_at}}', '{eleven_hours_ago}')::text"),
        )
        .await;
        assert_eq!(client.ok(ME, json!({})).await["me"], serde_json::Value::Null, "absolute lifetime ended it");
    })
    .await;
}

async fn repeated_failures_are_throttled_per_account(backend: Backend) {
    run(backend, |app| async move {
        app.person("office@test.example", &[Role::BusinessOffice], None)
            .await;
        let client = app.client();
        let q = "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }";
        for _ in 0..5 {
            let body = client
                .gql(
                    q,
                    json!({ "e": "office@test.example", "p": "wrong wrong wrong" }),
                )
                .await;
            assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"));
        }
        let body = client
            .gql(q, json!({ "e": "office@test.example", "p": PASSWORD }))
            .await;
        assert_eq!(
            error_code(&body).as_deref(),
            Some("TOO_MANY_ATTEMPTS"),
            "{body}"
        );
        assert!(body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Wait 15 minutes"));
        assert_eq!(
            client.ok(ME, json!({})).await["me"],
            serde_json::Value::Null
        );
    })
    .await;
}

async fn repeated_failures_are_throttled_per_address(backend: Backend) {
    crate::helpers::run_with(backend, &["--sign-in-address-limit", "3"], |app| async move {
        app.person("office@test.example", &[Role::BusinessOffice], None).await;
        let client = app.client();
        let q = "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }";
        for i in 0..3 {
            client.gql(q, json!({ "e": format!("someone{i}@test.example"), "p": "wrong wrong wrong" })).await;
        }
        let body = client.gql(q, json!({ "e": "office@test.example", "p": PASSWORD })).await;
        assert_eq!(error_code(&body).as_deref(), Some("TOO_MANY_ATTEMPTS"), "{body}");
        assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains("network address"));
    })
    .await;
}

/// A sign-in attempt as it arrives through a reverse proxy that sends `forwarded` as
/// X-Forwarded-For; answers the error code, if any.
async fn sign_in_forwarded(
    app: &crate::helpers::TestApp,
    forwarded: &str,
    email: &str,
    password: &str,
) -> Option<String> {
    let body: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/graphql", app.base))
        .header("origin", &app.base)
        .header("x-forwarded-for", forwarded)
        .json(&json!({
            "query": "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }",
            "variables": { "e": email, "p": password }
        }))
        .send()
        .await
        .expect("sign in")
        .json()
        .await
        .expect("json");
    error_code(&body)
}

async fn the_address_throttle_sees_through_trusted_proxies_only(backend: Backend) {
    let flags = [
        "--sign-in-address-limit",
        "3",
        "--trusted-proxies",
        "10.0.0.0/8,127.0.0.1",
    ];
    crate::helpers::run_with(backend, &flags, |app| async move {
        app.person("office@test.example", &[Role::BusinessOffice], None)
            .await;
        app.person("colleague@test.example", &[Role::BusinessOffice], None)
            .await;
        // The test connects from 127.0.0.1, a trusted proxy; behind it a second proxy
        // (10.0.0.2) appended the client's address.
        for i in 0..3 {
            let code = sign_in_forwarded(
                &app,
                "198.51.100.1, 10.0.0.2",
                &format!("someone{i}@test.example"),
                "wrong wrong wrong",
            )
            .await;
            assert_eq!(code.as_deref(), Some("VALIDATION"));
        }
        let code = sign_in_forwarded(&app, "198.51.100.1", "office@test.example", PASSWORD).await;
        assert_eq!(
            code.as_deref(),
            Some("TOO_MANY_ATTEMPTS"),
            "the client's own address is throttled"
        );
        // A forged leftmost entry is not believed: the proxy appended the real address.
        let code = sign_in_forwarded(
            &app,
            "203.0.113.77, 198.51.100.1, 10.0.0.2",
            "office@test.example",
            PASSWORD,
        )
        .await;
        assert_eq!(
            code.as_deref(),
            Some("TOO_MANY_ATTEMPTS"),
            "a forged entry does not escape"
        );
        let code =
            sign_in_forwarded(&app, "junk, 198.51.100.1", "office@test.example", PASSWORD).await;
        assert_eq!(
            code.as_deref(),
            Some("TOO_MANY_ATTEMPTS"),
            "nor does junk on the left"
        );
        // A colleague behind the same proxies, at another address, still signs in.
        let code = sign_in_forwarded(
            &app,
            "198.51.100.2, 10.0.0.2",
            "colleague@test.example",
            PASSWORD,
        )
        .await;
        assert_eq!(code, None, "another address is not throttled");
    })
    .await;
    // Without trusted proxies the header is nobody's word: varying it escapes nothing.
    crate::helpers::run_with(
        backend,
        &["--sign-in-address-limit", "3"],
        |app| async move {
            app.person("office@test.example", &[Role::BusinessOffice], None)
                .await;
            for i in 0..3 {
                let code = sign_in_forwarded(
                    &app,
                    &format!("198.51.100.{i}"),
                    &format!("someone{i}@test.example"),
                    "wrong wrong wrong",
                )
                .await;
                assert_eq!(code.as_deref(), Some("VALIDATION"));
            }
            let code =
                sign_in_forwarded(&app, "198.51.100.99", "office@test.example", PASSWORD).await;
            assert_eq!(
                code.as_deref(),
                Some("TOO_MANY_ATTEMPTS"),
                "X-Forwarded-For ignored without trusted proxies"
            );
        },
    )
    .await;
}

db_tests!(
    sign_in_sets_a_strict_http_only_cookie,
    wrong_password_and_unknown_account_answer_alike,
    session_id_changes_at_sign_in,
    sign_out_ends_the_session_everywhere,
    sign_out_is_not_undone_by_a_request_in_flight,
    idle_and_absolute_lifetimes_are_enforced_by_the_server,
    repeated_failures_are_throttled_per_account,
    repeated_failures_are_throttled_per_address,
    the_address_throttle_sees_through_trusted_proxies_only,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_public_url_makes_secure_host_prefixed_cookies() {
    crate::helpers::run_with(Backend::Sqlite, &["--public-url", "https://reviews.example.org"], |app| async move {
        app.person("office@test.example", &[Role::BusinessOffice], None).await;
        let response = reqwest::Client::new()
            .post(format!("{}/graphql", app.base))
            .header("origin", "https://reviews.example.org")
            .json(&json!({
                "query": "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }",
                "variables": { "e": "office@test.example", "p": PASSWORD }
            }))
            .send()
            .await
            .expect("sign in");
        let cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("__Host-lp_session="))
            .map(str::to_owned)
            .expect("__Host- cookie");
        assert!(cookie.contains("Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"), "{cookie}");
    })
    .await;
}
