//! The HTTP edge: POST-only JSON GraphQL, Origin checks, no batches, limits, masked errors,
//! health checks and the WebSocket handshake.

use crate::db_tests;
use crate::helpers::{error_code, run, Backend};
use serde_json::{json, Value};
use shared::auth::Role;

async fn post(
    app: &crate::helpers::TestApp,
    origin: Option<&str>,
    content_type: &str,
    body: String,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}/graphql", app.base))
        .header("content-type", content_type)
        .body(body);
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    let response = request.send().await.expect("post");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn graphql_is_post_json_from_this_site_only(backend: Backend) {
    run(backend, |app| async move {
        let me = json!({ "query": "{ me { id } }" }).to_string();
        let (status, body) = post(&app, Some(&app.base), "application/json", me.clone()).await;
        assert_eq!(status, 200);
        assert_eq!(body["data"]["me"], Value::Null);

        let (status, body) = post(
            &app,
            Some("http://evil.example"),
            "application/json",
            me.clone(),
        )
        .await;
        assert_eq!(status, 403);
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"));

        let (status, _) = post(&app, Some(&app.base), "text/plain", me.clone()).await;
        assert_eq!(status, 415, "a form-like content type is refused");

        let batch = json!([{ "query": "{ me { id } }" }, { "query": "{ me { id } }" }]).to_string();
        let (status, body) = post(&app, Some(&app.base), "application/json", batch).await;
        assert_eq!(status, 400);
        assert!(body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Batched"));

        let get = reqwest::Client::new()
            .get(format!("{}/graphql?query=%7Bme%7Bid%7D%7D", app.base))
            .send()
            .await
            .expect("get");
        assert_eq!(get.status().as_u16(), 405, "no GraphQL over GET");

        let (status, _) = post(
            &app,
            Some(&app.base),
            "application/json",
            "{not json".into(),
        )
        .await;
        assert_eq!(status, 400);
    })
    .await;
}

async fn oversized_bodies_are_refused(backend: Backend) {
    // Small configured limits, so the whole body is written before the server answers.
    let flags = [
        "--max-body-bytes",
        "2000",
        "--max-upload-bytes",
        "1000",
        "--max-report-bytes",
        "1000",
    ];
    crate::helpers::run_with(backend, &flags, |app| async move {
        let fits = json!({ "query": "{ me { id } }", "variables": { "pad": "x".repeat(1000) } })
            .to_string();
        let (status, _) = post(&app, Some(&app.base), "application/json", fits).await;
        assert_eq!(status, 200);
        // Over the endpoint cap: room for one base64-encoded 1000-byte upload plus 64 KiB.
        let padding = "x".repeat(80_000);
        let body = json!({ "query": "{ me { id } }", "variables": { "pad": padding } }).to_string();
        let (status, _) = post(&app, Some(&app.base), "application/json", body).await;
        assert_eq!(status, 413);
    })
    .await;
}

async fn errors_are_masked_with_code_and_correlation_id(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let body = office
            .gql("{ review(id: \"does-not-exist\") { id } }", json!({}))
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("NOT_FOUND"));
        let correlation = body["errors"][0]["extensions"]["correlationId"]
            .as_str()
            .unwrap_or_default();
        assert_eq!(
            correlation.len(),
            36,
            "a correlation id the person can quote"
        );
        let text = body.to_string().to_lowercase();
        for leak in ["select", "sqlite", "postgres", "sqlx", "database"] {
            assert!(!text.contains(leak), "{leak} leaked: {text}");
        }
        let parse_error = office.gql("{ me { id ", json!({})).await;
        assert_eq!(error_code(&parse_error).as_deref(), Some("BAD_REQUEST"));
    })
    .await;
}

async fn introspection_suggestions_and_depth_are_limited(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let body = office
            .gql("{ __schema { types { name } } }", json!({}))
            .await;
        assert!(
            body["data"]["__schema"].is_null(),
            "introspection is off by default: {body}"
        );
        assert!(
            !body.to_string().contains("Review"),
            "no type names leak: {body}"
        );
        let typo = office.gql("{ reviewz { id } }", json!({})).await;
        let message = typo["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(
            !message.contains("Did you mean"),
            "no field suggestions: {message}"
        );
        let deep = "{ reviews { members { user { agency { qaMechanisms { id } } } } } }";
        assert!(
            office.gql(deep, json!({})).await.get("errors").is_none(),
            "ordinary depth passes"
        );
    })
    .await;
}

async fn health_checks(backend: Backend) {
    run(backend, |app| async move {
        for path in ["/healthz", "/readyz"] {
            let r = reqwest::get(format!("{}{path}", app.base))
                .await
                .expect("get");
            assert_eq!(r.status().as_u16(), 200, "{path}");
        }
    })
    .await;
}

async fn websocket_handshake_checks_origin(backend: Backend) {
    run(backend, |app| async move {
        let handshake = |origin: &str| {
            reqwest::Client::new()
                .get(format!("{}/graphql/ws", app.base))
                .header("connection", "upgrade")
                .header("upgrade", "websocket")
                .header("sec-websocket-version", "13")
                .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
                .header("sec-websocket-protocol", "graphql-transport-ws")
                .header("origin", origin.to_owned())
                .send()
        };
        let evil = handshake("http://evil.example").await.expect("handshake");
        assert_eq!(evil.status().as_u16(), 403);
        let good = handshake(&app.base).await.expect("handshake");
        assert_eq!(good.status().as_u16(), 101);
    })
    .await;
}

/// `/healthz` names the build (as `--version` does), and every answer carries the security
/// headers.
async fn health_reports_the_build_with_the_security_headers(backend: Backend) {
    run(backend, |app| async move {
        let r = reqwest::get(format!("{}/healthz", app.base))
            .await
            .expect("get");
        assert_eq!(r.status().as_u16(), 200);
        let headers = r.headers().clone();
        let csp = headers
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let scripts = csp
            .split(';')
            .find(|d| d.trim().starts_with("script-src"))
            .unwrap_or_default();
        assert!(csp.contains("default-src 'self'"), "{csp}");
        assert!(
            scripts.contains("'self'") && !scripts.contains("'unsafe-inline'"),
            "no inline scripts: {csp}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert_eq!(headers["referrer-policy"], "no-referrer");
        let body: Value = r.json().await.expect("JSON");
        assert_eq!(
            body,
            json!({
                "status": "ok",
                "version": env!("CARGO_PKG_VERSION"),
                "commit": server::build_info::COMMIT,
            })
        );
        assert!(!server::build_info::COMMIT.is_empty());
    })
    .await;
}

/// `build { version commit }` answers signed-in people (the browser's footer), and no one
/// else.
async fn signed_in_people_read_the_build(backend: Backend) {
    run(backend, |app| async move {
        let query = "{ build { version commit } }";
        let anonymous = app.client().gql(query, json!({})).await;
        assert_eq!(error_code(&anonymous).as_deref(), Some("UNAUTHENTICATED"));
        assert!(anonymous["data"].is_null() || anonymous["data"]["build"].is_null());
        let agency = app.agency("Agency", "AGY").await;
        let (practitioner, _) = app
            .signed_in("prac@test.example", &[Role::Practitioner], Some(&agency))
            .await;
        let data = practitioner.ok(query, json!({})).await;
        assert_eq!(data["build"]["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(data["build"]["commit"], server::build_info::COMMIT);
    })
    .await;
}

/// Posts `query` accepting gzip; answers the status, the content encoding and the body
/// (unzipped when it came zipped).
async fn post_accepting_gzip(
    client: &crate::helpers::Client,
    query: &str,
    variables: Value,
) -> (Option<String>, Value, usize) {
    let response = client
        .http
        .post(format!("{}/graphql", client.base))
        .header("origin", &client.base)
        .header("accept-encoding", "gzip")
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("post");
    let encoding = response
        .headers()
        .get("content-encoding")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let sent = response.bytes().await.expect("body");
    let body = if encoding.as_deref() == Some("gzip") {
        use std::io::Read;
        let mut text = String::new();
        flate2::read::GzDecoder::new(&sent[..])
            .read_to_string(&mut text)
            .expect("a gzip body");
        text
    } else {
        String::from_utf8(sent.to_vec()).expect("utf-8")
    };
    (
        encoding,
        serde_json::from_str(&body).expect("json"),
        sent.len(),
    )
}

async fn large_answers_are_gzipped_small_ones_are_not(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        // A small answer (where a secret shown once would be) is never compressed.
        let (encoding, body, _) = post_accepting_gzip(&office, "{ me { id } }", json!({})).await;
        assert_eq!(encoding, None);
        assert!(body["data"]["me"]["id"].is_string(), "{body}");
        // A large one is, and reads the same once unzipped.
        let text =
            "The health visitor saw the baby at home; no concerns were recorded.\n\n".repeat(250);
        let preview = "query($t: String!) { previewMarkdown(text: $t) }";
        let (encoding, body, sent) =
            post_accepting_gzip(&office, preview, json!({ "t": text })).await;
        assert_eq!(encoding.as_deref(), Some("gzip"));
        let html = body["data"]["previewMarkdown"].as_str().unwrap_or_default();
        assert!(html.len() > 17_000, "{}", html.len());
        assert_eq!(html.matches("<p>").count(), 250);
        assert!(
            sent * 5 < html.len(),
            "{sent} bytes sent for {}",
            html.len()
        );
        // Without Accept-Encoding nothing is compressed.
        let plain = office.ok(preview, json!({ "t": text })).await;
        assert_eq!(plain["previewMarkdown"].as_str(), Some(html));
    })
    .await;
}

db_tests!(
    large_answers_are_gzipped_small_ones_are_not,
    health_reports_the_build_with_the_security_headers,
    signed_in_people_read_the_build,
    graphql_is_post_json_from_this_site_only,
    oversized_bodies_are_refused,
    errors_are_masked_with_code_and_correlation_id,
    introspection_suggestions_and_depth_are_limited,
    health_checks,
    websocket_handshake_checks_origin,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn introspection_when_configured() {
    crate::helpers::run_with(Backend::Sqlite, &["--introspection"], |app| async move {
        let (client, _) = app.signed_in("office@test.example", &[Role::BusinessOffice], None).await;
        let body = client.ok("{ __schema { queryType { name } } }", json!({})).await;
        assert_eq!(body["__schema"]["queryType"]["name"], "Query");
        // Introspection types nest without end: depth 11 is refused.
        let deep = "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } }";
        let body = client.gql(deep, json!({})).await;
        let message = body["errors"][0]["message"].as_str().unwrap_or_default().to_lowercase();
        assert!(message.contains("deep"), "depth limit: {body}");
    })
    .await;
}

#[test]
fn depth_limit_is_ten() {
    assert_eq!(server::graphql::MAX_DEPTH, 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_is_served_precompressed_with_a_cache_policy() {
    let dir = std::env::temp_dir().join(format!("lp_static_{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("index.html"), "<!doctype html><title>app</title>").expect("index");
    let asset = "frontend-1a41f436fa8d715c_bg.wasm";
    std::fs::write(dir.join(asset), b"\0asm raw").expect("asset");
    std::fs::write(dir.join(format!("{asset}.gz")), b"gzipped bytes").expect("gz");
    let static_dir = dir.display().to_string();
    crate::helpers::run_with(
        Backend::Sqlite,
        &["--static-dir", &static_dir],
        |app| async move {
            let client = reqwest::Client::new();
            let wasm = client
                .get(format!("{}/{asset}", app.base))
                .header("accept-encoding", "gzip")
                .send()
                .await
                .expect("asset");
            assert_eq!(wasm.headers()["content-encoding"], "gzip");
            assert_eq!(
                wasm.headers()["cache-control"],
                "public, max-age=31536000, immutable"
            );
            assert_eq!(wasm.bytes().await.expect("body").as_ref(), b"gzipped bytes");
            let raw = client
                .get(format!("{}/{asset}", app.base))
                .send()
                .await
                .expect("asset");
            assert!(raw.headers().get("content-encoding").is_none());
            // A client-side route gets the app's page, never cached.
            let page = client
                .get(format!("{}/reviews/some-id", app.base))
                .send()
                .await
                .expect("page");
            assert_eq!(page.status().as_u16(), 200);
            assert_eq!(page.headers()["cache-control"], "no-store");
            assert!(page
                .text()
                .await
                .expect("text")
                .contains("<title>app</title>"));
        },
    )
    .await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_over_the_configured_limit_is_refused_with_the_limit() {
    crate::helpers::run_with(Backend::Sqlite, &["--max-upload-bytes", "1000"], |app| async move {
        let (client, _) = app.signed_in("rep@test.example", &[Role::BusinessOffice], None).await;
        let content = crate::helpers::base64(&[b'a'; 2000]);
        let body = client
            .gql(
                "mutation($c: String!) { previewChronologyImport(returnId: \"x\", fileName: \"a.csv\", contentBase64: $c) { ok } }",
                json!({ "c": content }),
            )
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("largest accepted"), "{message}");
    })
    .await;
}
