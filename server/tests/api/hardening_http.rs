//! Attacks on the HTTP edge that once worked (issue 15): documents that expand, bodies that
//! fill the disk through sign-in, errors that echo what was typed, no HSTS over https.

use crate::db_tests;
use crate::helpers::{error_code, problem_fields, run, run_with, Backend, TestApp};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{json, Value};
use server::entities::sign_in_failure;
use std::time::{Duration, Instant};

/// POSTs a raw body as a browser on this site would: (status, body).
async fn post(app: &TestApp, body: String) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/graphql", app.base))
        .header("origin", &app.base)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("post");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn query(app: &TestApp, query: &str) -> (u16, Value) {
    post(app, json!({ "query": query }).to_string()).await
}

fn message(body: &Value) -> String {
    body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// `query{...F0} fragment F0 on Query{...F1 ...F1} … fragment Fn on Query{__typename}`:
/// 2^n fields in 1.5 KB.
fn doubling(levels: usize) -> String {
    let mut q = String::from("query{...F0}");
    for i in 0..levels {
        q.push_str(&format!(
            " fragment F{i} on Query{{...F{n} ...F{n}}}",
            n = i + 1
        ));
    }
    q.push_str(&format!(" fragment F{levels} on Query{{__typename}}"));
    q
}

async fn expanding_documents_are_refused_before_they_run(backend: Backend) {
    run(backend, |app| async move {
        // Signed out, as the attack was: 2^24 fields of fragments refused at once.
        let started = Instant::now();
        let (status, body) = query(&app, &doubling(24)).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(error_code(&body).as_deref(), Some("BAD_REQUEST"));
        assert!(message(&body).contains("1000 fields"), "{body}");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );

        // Eight doublings (256 fields) are an ordinary document and run.
        let (status, body) = query(&app, &doubling(8)).await;
        assert_eq!(status, 200);
        assert_eq!(body["data"]["__typename"], "Query", "{body}");

        // Aliases count: 1,001 of `__typename` are refused, 900 run.
        let aliases = |n: usize| {
            let fields: Vec<String> = (0..n).map(|i| format!("a{i}: __typename")).collect();
            format!("{{ {} }}", fields.join(" "))
        };
        let (status, body) = query(&app, &aliases(1_001)).await;
        assert_eq!(
            (status, error_code(&body).as_deref()),
            (400, Some("BAD_REQUEST"))
        );
        let (status, body) = query(&app, &aliases(900)).await;
        assert_eq!(status, 200);
        assert_eq!(body["data"]["a899"], "Query");

        // Nesting is refused before parsing, with where.
        let deep = format!("{}{}", "{ a ".repeat(60), "}".repeat(60));
        let (status, body) = query(&app, &deep).await;
        assert_eq!(status, 400);
        assert!(message(&body).contains("line 1, column"), "{body}");

        // Spreads are capped; over-long text is refused with the limit.
        let spreads = format!(
            "{{ {} }} fragment A on Query {{ __typename }}",
            "...A ".repeat(101)
        );
        let (status, body) = query(&app, &spreads).await;
        assert_eq!(status, 400);
        assert!(message(&body).contains("101 fragment spreads"), "{body}");
        let long = format!("{{ __typename }} # {}", "x".repeat(70_000));
        let (status, body) = query(&app, &long).await;
        assert_eq!(status, 400);
        assert!(message(&body).contains("65536"), "{body}");

        // Two attacks at once leave the health check quick.
        let attack = doubling(24);
        let attacks = (0..2).map(|_| query(&app, &attack));
        let health = async {
            let started = Instant::now();
            let r = reqwest::get(format!("{}/healthz", app.base))
                .await
                .expect("healthz");
            assert_eq!(r.status().as_u16(), 200);
            started.elapsed()
        };
        let (_, took) = tokio::join!(futures_util::future::join_all(attacks), health);
        assert!(took < Duration::from_millis(500), "healthz took {took:?}");
    })
    .await;
}

async fn only_uploads_may_send_big_bodies(backend: Backend) {
    let flags = ["--max-body-bytes", "4000"];
    run_with(backend, &flags, |app| async move {
        // An ordinary operation over the ordinary limit: 413, with the limit.
        let padded = json!({ "query": "{ __typename }", "variables": { "pad": "x".repeat(10_000) } });
        let (status, body) = post(&app, padded.to_string()).await;
        assert_eq!(status, 413, "{body}");
        assert_eq!(error_code(&body).as_deref(), Some("BAD_REQUEST"));
        assert!(message(&body).contains("at most 4000"), "{body}");

        // A sign-in carrying a megabyte of email address never reaches sign-in.
        let sign_in = "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }";
        let huge = json!({ "query": sign_in, "variables": { "e": "a".repeat(1_000_000), "p": "x" } });
        let (status, _) = post(&app, huge.to_string()).await;
        assert_eq!(status, 413);

        // One upload mutation may be larger: it reaches the resolver (which asks for a
        // session), as does nothing else.
        let upload = "mutation($r: ID!, $c: String!) { previewChronologyImport(returnId: $r, fileName: \"c.csv\", contentBase64: $c) { ok } }";
        let big = json!({ "query": upload, "variables": { "r": "x", "c": "QUFB".repeat(2_000) } });
        let (status, body) = post(&app, big.to_string()).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(error_code(&body).as_deref(), Some("UNAUTHENTICATED"), "{body}");
        // An upload with a second root field is not an upload.
        let two = upload.replace("{ ok } }", "{ ok } signOut }");
        let smuggled = json!({ "query": two, "variables": { "r": "x", "c": "QUFB".repeat(2_000) } });
        let (status, _) = post(&app, smuggled.to_string()).await;
        assert_eq!(status, 413);
    })
    .await;
}

async fn sign_in_stores_nothing_typed_and_forgets_in_time(backend: Backend) {
    run(backend, |app| async move {
        let client = app.client();
        let sign_in =
            "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }";
        // Over-long addresses and passwords are refused before anything is stored.
        let body = client
            .gql(
                sign_in,
                json!({ "e": format!("{}@x.example", "a".repeat(300)), "p": "x" }),
            )
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body}");
        assert_eq!(problem_fields(&body), ["email"]);
        let body = client
            .gql(
                sign_in,
                json!({ "e": "a@x.example", "p": "p".repeat(1_025) }),
            )
            .await;
        assert_eq!(problem_fields(&body), ["password"], "{body}");
        assert!(sign_in_failure::Entity::find()
            .all(app.db())
            .await
            .expect("failures")
            .is_empty());

        // A failure is counted under a hash, never the address typed.
        let body = client
            .gql(
                sign_in,
                json!({ "e": "Someone@Else.example", "p": "wrong password" }),
            )
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"));
        let keys: Vec<String> = sign_in_failure::Entity::find()
            .all(app.db())
            .await
            .expect("failures")
            .into_iter()
            .map(|f| f.key)
            .collect();
        assert_eq!(keys.len(), 2, "{keys:?}");
        for key in &keys {
            let (kind, hash) = key.split_once(':').expect("kind:hash");
            assert!(["account", "address"].contains(&kind), "{key}");
            assert_eq!(hash.len(), 64, "{key}");
            assert!(hash.chars().all(|c| c.is_ascii_hexdigit()), "{key}");
        }
        assert!(!keys.concat().to_lowercase().contains("someone"));

        // Failures older than the window are deleted; recent ones stay and still count.
        sign_in_failure::ActiveModel {
            id: Default::default(),
            key: Set("account:old".into()),
            at: Set(chrono::Utc::now() - chrono::Duration::minutes(16)),
        }
        .insert(app.db())
        .await
        .expect("insert");
        // The server's own periodic clean-up may purge it first, so what is left is
        // counted, not what this purge deleted.
        server::auth::service::purge_expired_failures(app.db())
            .await
            .expect("purge");
        let left: Vec<String> = sign_in_failure::Entity::find()
            .all(app.db())
            .await
            .expect("failures")
            .into_iter()
            .map(|f| f.key)
            .collect();
        assert_eq!(left.len(), 2, "{left:?}");
        assert!(!left.contains(&"account:old".to_owned()), "{left:?}");
    })
    .await;
}

async fn errors_never_echo_what_was_typed(backend: Backend) {
    run(backend, |app| async move {
        // A malformed query with a password inline: the error names the place only.
        let (status, body) = query(
            &app,
            "mutation { signIn(email: \"a@b.example\", password: \"Sekrit-Passw0rd\" { id } }",
        )
        .await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(error_code(&body).as_deref(), Some("BAD_REQUEST"));
        assert!(message(&body).contains("line 1"), "{body}");
        let text = body.to_string();
        assert!(
            !text.contains("Sekrit") && !text.contains("a@b.example"),
            "{text}"
        );

        // Values the validator would quote back: a literal, and a variable.
        let (_, body) = query(
            &app,
            "mutation { deleteChronologyEntry(id: \"x\", version: \"Sekrit-Passw0rd\") }",
        )
        .await;
        assert!(body.get("errors").is_some(), "{body}");
        assert!(!body.to_string().contains("Sekrit"), "{body}");
        let (_, body) = post(
            &app,
            json!({
                "query": "mutation($n: Int!) { deleteChronologyEntry(id: \"x\", version: $n) }",
                "variables": { "n": "Sekrit-Passw0rd" }
            })
            .to_string(),
        )
        .await;
        assert!(body.get("errors").is_some(), "{body}");
        assert!(!body.to_string().contains("Sekrit"), "{body}");
    })
    .await;
}

/// A null sent for an argument that has a default but may not be null is the request's
/// fault: BAD_REQUEST naming the argument, not an internal error.
async fn a_null_for_a_defaulted_argument_is_a_bad_request(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let body = office
            .gql(
                "query($x: Boolean) { agencies(includeInactive: $x) { id } }",
                json!({ "x": null }),
            )
            .await;
        assert_eq!(
            error_code(&body).as_deref(),
            Some("BAD_REQUEST"),
            "{body:#}"
        );
        assert!(message(&body).contains("includeInactive"), "{body:#}");
        // A variable declared nullable and not sent at all, for an argument with a
        // default: also the request's fault.
        let body = office
            .gql(
                "query($x: Boolean) { agencies(includeInactive: $x) { id } }",
                json!({}),
            )
            .await;
        assert_eq!(
            error_code(&body).as_deref(),
            Some("BAD_REQUEST"),
            "{body:#}"
        );
    })
    .await;
}

db_tests!(
    a_null_for_a_defaulted_argument_is_a_bad_request,
    expanding_documents_are_refused_before_they_run,
    only_uploads_may_send_big_bodies,
    sign_in_stores_nothing_typed_and_forgets_in_time,
    errors_never_echo_what_was_typed,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hsts_only_over_https() {
    let hsts = |r: &reqwest::Response| {
        r.headers()
            .get("strict-transport-security")
            .map(|v| v.to_str().unwrap_or_default().to_owned())
    };
    run(Backend::Sqlite, |app| async move {
        let r = reqwest::get(format!("{}/healthz", app.base))
            .await
            .expect("get");
        assert_eq!(hsts(&r), None, "not over plain http");
    })
    .await;
    run_with(
        Backend::Sqlite,
        &["--public-url", "https://platform.example"],
        |app| async move {
            for path in ["/healthz", "/graphql"] {
                let r = reqwest::get(format!("{}{path}", app.base))
                    .await
                    .expect("get");
                assert_eq!(
                    hsts(&r).as_deref(),
                    Some("max-age=31536000; includeSubDomains"),
                    "{path}"
                );
            }
        },
    )
    .await;
}

/// A request that runs past `--request-timeout-secs` is stopped and answered 503 TIMEOUT,
/// nothing it was writing is kept, and `/healthz` answers all the while. The request is made
/// slow by the database, not by the machine: the test holds the lock its write needs (on
/// SQLite the write lock, `BEGIN IMMEDIATE`; on PostgreSQL the agency table) for longer
/// than the limit, and well under the 10 s SQLite busy timeout that would otherwise answer.
async fn a_request_past_the_time_limit_is_stopped_while_health_answers(backend: Backend) {
    run_with(
        backend,
        &["--request-timeout-secs", "1"],
        |app| async move {
            let office = app.office().await;
            let create =
                "mutation($input: AgencyInput!) { createAgency(input: $input) { id name } }";
            let input = |name: &str, prefix: &str| {
                json!({ "input": {
                    "name": name, "kind": "POLICE", "prefix": prefix,
                    "colour": "#1d70b8", "active": true,
                } })
            };
            let blocker = sea_orm::Database::connect(&app.database_url)
                .await
                .expect("second connection");
            let hold = server::db::begin_write(&blocker).await.expect("begin");
            if backend == Backend::Postgres {
                sea_orm::ConnectionTrait::execute_unprepared(
                    &hold,
                    "LOCK TABLE agency IN EXCLUSIVE MODE",
                )
                .await
                .expect("lock the agency table");
            }

            let slow = {
                let office = office.clone();
                let body = json!({ "query": create, "variables": input("Slow Police", "SLOW") });
                tokio::spawn(async move {
                    let started = Instant::now();
                    let response = office
                        .http
                        .post(format!("{}/graphql", office.base))
                        .header("origin", &office.base)
                        .json(&body)
                        .send()
                        .await
                        .expect("post");
                    let status = response.status().as_u16();
                    let body: Value = response.json().await.unwrap_or(Value::Null);
                    (status, body, started.elapsed())
                })
            };
            // `/healthz` every 50 ms while the request waits.
            let health = reqwest::Client::new();
            let mut samples = 0;
            let mut worst = Duration::ZERO;
            let waiting = Instant::now();
            // Bounded: without the limit, the request would wait for the lock held here.
            while !slow.is_finished() && waiting.elapsed() < Duration::from_secs(8) {
                let started = Instant::now();
                let r = health
                    .get(format!("{}/healthz", app.base))
                    .send()
                    .await
                    .expect("healthz");
                assert_eq!(r.status().as_u16(), 200);
                worst = worst.max(started.elapsed());
                samples += 1;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            assert!(slow.is_finished(), "still running after 8 s: no time limit");
            let (status, body, took) = slow.await.expect("request task");
            assert_eq!(status, 503, "{body}");
            assert_eq!(error_code(&body).as_deref(), Some("TIMEOUT"), "{body}");
            assert!(message(&body).contains("took too long"), "{body}");
            assert!(
                took >= Duration::from_secs(1) && took < Duration::from_secs(5),
                "answered after {took:?}: the limit is 1 s (the SQLite busy timeout 10 s)"
            );
            assert!(samples >= 10, "{samples} health checks in {took:?}");
            assert!(
                worst < Duration::from_millis(500),
                "/healthz took up to {worst:?} while the request waited"
            );

            hold.rollback().await.expect("release");
            // Nothing of the stopped request was kept, and the same write now goes through.
            let listed = office.ok("{ agencies { name } }", json!({})).await;
            assert!(
                !listed.to_string().contains("Slow Police"),
                "the stopped request was kept: {listed}"
            );
            let made = office.ok(create, input("Prompt Police", "PROM")).await;
            assert_eq!(made["createAgency"]["name"], "Prompt Police");
        },
    )
    .await;
}

db_tests!(a_request_past_the_time_limit_is_stopped_while_health_answers);
