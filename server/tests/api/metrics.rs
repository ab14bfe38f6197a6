//! Metrics and traces (issue 21, item 5): `/metrics` only behind its token on the main port
//! (or on its own address), operations counted by name and outcome, histograms whose buckets
//! add up, the operation-name cap, and spans sent to an OTLP collector (a sink started here)
//! with a database span under each operation's.

use crate::db_tests;
use crate::helpers::{error_code, run, run_with, Backend, Client, TestApp};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const TOKEN: &str = "metrics-test-token-0123456789";

async fn get_metrics(base: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(format!("{base}/metrics"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("request")
}

async fn scrape(app: &TestApp) -> String {
    let response = get_metrics(&app.base, Some(TOKEN)).await;
    assert_eq!(response.status(), 200);
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap_or_default();
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    let page = response.text().await.expect("text");
    assert_consistent(&page);
    page
}

/// The value of one series (`name{labels}` exactly as written), if present.
fn value(page: &str, series: &str) -> Option<f64> {
    page.lines().find_map(|line| {
        let rest = line.strip_prefix(series)?.strip_prefix(' ')?;
        rest.parse().ok()
    })
}

/// Every series of a metric: its label set (as written) and value.
fn series<'a>(page: &'a str, name: &str) -> Vec<(&'a str, f64)> {
    page.lines()
        .filter_map(|line| {
            let rest = line.strip_prefix(name)?;
            let rest = rest.strip_prefix('{')?;
            let (labels, v) = rest.rsplit_once("} ")?;
            Some((labels, v.parse().ok()?))
        })
        .collect()
}

/// Every histogram on the page: buckets cumulative (never decreasing as `le` grows), `+Inf`
/// equal to `_count`, and a family line (`# TYPE`) for every sample.
fn assert_consistent(page: &str) {
    let histograms: Vec<&str> = page
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE ")?.strip_suffix(" histogram"))
        .collect();
    assert!(histograms.len() >= 6, "histograms: {histograms:?}");
    for name in histograms {
        // label set without le -> [(le, count)]
        let mut buckets: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
        for (labels, v) in series(page, &format!("{name}_bucket")) {
            let (rest, le) = labels.rsplit_once("le=\"").expect("le label");
            let le = le.trim_end_matches('"');
            let le = if le == "+Inf" {
                f64::INFINITY
            } else {
                le.parse().expect("le")
            };
            buckets
                .entry(rest.trim_end_matches(',').to_owned())
                .or_default()
                .push((le, v));
        }
        for (labels, list) in buckets {
            let mut last = (f64::NEG_INFINITY, 0.0);
            for (le, v) in &list {
                assert!(*le > last.0, "{name}{{{labels}}}: bounds in order");
                assert!(
                    *v >= last.1,
                    "{name}{{{labels}}}: buckets cumulative: {list:?}"
                );
                last = (*le, *v);
            }
            assert_eq!(last.0, f64::INFINITY, "{name}{{{labels}}} ends at +Inf");
            let count_series = if labels.is_empty() {
                format!("{name}_count")
            } else {
                format!("{name}_count{{{labels}}}")
            };
            assert_eq!(
                value(page, &count_series),
                Some(last.1),
                "{count_series} equals the +Inf bucket"
            );
        }
    }
}

async fn metrics_need_the_token(backend: Backend) {
    run_with(backend, &["--metrics-token", TOKEN], |app| async move {
        let none = get_metrics(&app.base, None).await;
        assert_eq!(none.status(), 401);
        assert!(none.headers().contains_key("www-authenticate"));
        let none = none.text().await.expect("text");
        assert!(!none.contains("lp_"), "nothing is shown: {none}");
        let wrong = get_metrics(&app.base, Some("metrics-test-token-0123456788")).await;
        assert_eq!(wrong.status(), 401);
        let prefix = get_metrics(&app.base, Some("metrics-test-token")).await;
        assert_eq!(prefix.status(), 401);
        let page = scrape(&app).await;
        assert_eq!(
            value(&page, "lp_graphql_operation_names_max"),
            Some(200.0),
            "{page}"
        );
    })
    .await;
}

async fn metrics_are_off_by_default(backend: Backend) {
    run(backend, |app| async move {
        let response = get_metrics(&app.base, Some(TOKEN)).await;
        assert_eq!(response.status(), 404);
        let body = response.text().await.expect("text");
        assert!(!body.contains("lp_"), "{body}");
    })
    .await;
}

async fn metrics_on_their_own_address(backend: Backend) {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        probe.local_addr().expect("addr").port()
    };
    let bind = format!("127.0.0.1:{port}");
    let own_base = format!("http://{bind}");
    run_with(backend, &["--metrics-bind", &bind], |app| async move {
        let main = get_metrics(&app.base, Some(TOKEN)).await;
        assert_eq!(main.status(), 404, "not on the main port without a token");
        app.client()
            .gql("query Early { me { id } }", json!({}))
            .await;
        let own = get_metrics(&own_base, None).await;
        assert_eq!(own.status(), 200);
        let page = own.text().await.expect("text");
        assert_consistent(&page);
        assert_eq!(
            value(
                &page,
                "lp_graphql_operations_total{operation=\"Early\",outcome=\"ok\"}"
            ),
            Some(1.0),
            "{page}"
        );
    })
    .await;
}

const AGENCIES: &str = "query CountedAgencies { agencies { id name } }";

async fn operations_are_counted_by_outcome(backend: Backend) {
    run_with(backend, &["--metrics-token", TOKEN], |app| async move {
        let office = app.office().await;
        office.ok(AGENCIES, json!({})).await;
        office.ok(AGENCIES, json!({})).await;
        let stranger = app.client();
        let refused = stranger.gql(AGENCIES, json!({})).await;
        assert_eq!(error_code(&refused).as_deref(), Some("UNAUTHENTICATED"));
        let unreadable = stranger.gql("query Broken { agencies { ", json!({})).await;
        assert_eq!(error_code(&unreadable).as_deref(), Some("BAD_REQUEST"));
        let invalid = office
            .gql("query NoSuchField { nothingHere }", json!({}))
            .await;
        assert_eq!(error_code(&invalid).as_deref(), Some("BAD_REQUEST"));

        let page = scrape(&app).await;
        let ops = |op: &str, outcome: &str| {
            value(
                &page,
                &format!("lp_graphql_operations_total{{operation=\"{op}\",outcome=\"{outcome}\"}}"),
            )
        };
        assert_eq!(ops("CountedAgencies", "ok"), Some(2.0), "{page}");
        assert_eq!(
            ops("CountedAgencies", "UNAUTHENTICATED"),
            Some(1.0),
            "{page}"
        );
        assert_eq!(ops("(unread)", "BAD_REQUEST"), Some(1.0), "{page}");
        assert_eq!(ops("NoSuchField", "BAD_REQUEST"), Some(1.0), "{page}");
        // The sign-in mutation (anonymous in the helper) was counted as ok.
        assert!(ops("(anonymous)", "ok").is_some_and(|n| n >= 1.0), "{page}");
        assert_eq!(
            value(
                &page,
                "lp_graphql_operation_duration_seconds_count{operation=\"CountedAgencies\"}"
            ),
            Some(3.0),
            "{page}"
        );
        let graphql_requests = value(
            &page,
            "lp_http_request_duration_seconds_count{route=\"/graphql\"}",
        )
        .expect("HTTP histogram");
        assert!(graphql_requests >= 6.0, "{page}");
        let statements = value(&page, "lp_db_statement_duration_seconds_count").expect("db");
        assert!(statements > 0.0, "{page}");
        let max = match backend {
            Backend::Sqlite => 8.0,
            Backend::Postgres => 20.0,
        };
        assert_eq!(
            value(&page, "lp_db_pool_max_connections"),
            Some(max),
            "{page}"
        );
        let idle = value(&page, "lp_db_pool_connections{state=\"idle\"}").expect("pool");
        let in_use = value(&page, "lp_db_pool_connections{state=\"in_use\"}").expect("pool");
        assert!(idle + in_use >= 1.0 && idle + in_use <= max, "{page}");
        for job in [
            "reminders",
            "retention",
            "session_cleanup",
            "import_sweeper",
            "chronology_import",
        ] {
            let labels = format!("{{job=\"{job}\"}}");
            assert!(
                value(
                    &page,
                    &format!("lp_job_last_success_timestamp_seconds{labels}")
                )
                .is_some(),
                "{job}: {page}"
            );
        }
        // The import sweeper runs as the server starts.
        let swept = value(
            &page,
            "lp_job_last_success_timestamp_seconds{job=\"import_sweeper\"}",
        );
        assert!(swept.is_some_and(|t| t > 1.7e9), "{page}");
        assert_eq!(value(&page, "lp_live_connections"), Some(0.0), "{page}");
    })
    .await;
}

async fn operation_names_are_capped(backend: Backend) {
    run_with(backend, &["--metrics-token", TOKEN], |app| async move {
        let client = app.client();
        let names: Vec<String> = (0..1000).map(|i| format!("Distinct{i}")).collect();
        for chunk in names.chunks(50) {
            let calls = chunk.iter().map(|name| {
                let client = client.clone();
                async move {
                    let body = client
                        .gql(&format!("query {name} {{ me {{ id }} }}"), json!({}))
                        .await;
                    assert!(body.get("errors").is_none(), "{body}");
                }
            });
            futures_util::future::join_all(calls).await;
        }
        // One seen early keeps its own name.
        let first: Vec<String> = {
            let page = scrape(&app).await;
            series(&page, "lp_graphql_operations_total")
                .iter()
                .filter_map(|(labels, _)| {
                    let name = labels.strip_prefix("operation=\"Distinct")?;
                    Some(format!("Distinct{}", name.split('"').next()?))
                })
                .collect()
        };
        client
            .gql(&format!("query {} {{ me {{ id }} }}", first[0]), json!({}))
            .await;
        let page = scrape(&app).await;
        let all = series(&page, "lp_graphql_operations_total");
        let named: f64 = all
            .iter()
            .filter(|(l, _)| l.starts_with("operation=\"Distinct"))
            .map(|(_, v)| v)
            .sum();
        let kept = all
            .iter()
            .filter(|(l, _)| l.starts_with("operation=\"Distinct"))
            .count();
        assert_eq!(kept, 200, "200 names kept");
        assert_eq!(named, 201.0, "{page}");
        assert_eq!(
            value(
                &page,
                "lp_graphql_operations_total{operation=\"(other)\",outcome=\"ok\"}"
            ),
            Some(800.0)
        );
        assert_eq!(value(&page, "lp_graphql_operation_names"), Some(200.0));
        let latencies = series(&page, "lp_graphql_operation_duration_seconds_count");
        assert!(latencies.len() <= 203, "{}", latencies.len());
        assert!(
            page.len() < 400_000,
            "the page stays small: {} bytes",
            page.len()
        );
    })
    .await;
}

/// A collector: keeps every OTLP/HTTP JSON body posted to /v1/traces.
async fn sink() -> (String, Arc<Mutex<Vec<Value>>>) {
    let received: Arc<Mutex<Vec<Value>>> = Arc::default();
    let kept = received.clone();
    let router = axum::Router::new().route(
        "/v1/traces",
        axum::routing::post(
            move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                let kept = kept.clone();
                async move {
                    assert_eq!(headers["content-type"], "application/json");
                    let value: Value = serde_json::from_slice(&body).expect("OTLP JSON");
                    kept.lock().expect("lock").push(value);
                    axum::Json(json!({}))
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, received)
}

fn spans(received: &Mutex<Vec<Value>>) -> Vec<Value> {
    let bodies = received.lock().expect("lock");
    bodies
        .iter()
        .flat_map(|b| b["resourceSpans"].as_array().cloned().unwrap_or_default())
        .flat_map(|r| r["scopeSpans"].as_array().cloned().unwrap_or_default())
        .flat_map(|s| s["spans"].as_array().cloned().unwrap_or_default())
        .collect()
}

fn attribute<'a>(span: &'a Value, key: &str) -> Option<&'a str> {
    span["attributes"]
        .as_array()?
        .iter()
        .find(|a| a["key"] == key)?["value"]["stringValue"]
        .as_str()
}

fn nanos(span: &Value, field: &str) -> u128 {
    span[field].as_str().expect("time").parse().expect("nanos")
}

async fn post(client: &Client, query: &str, traceparent: Option<&str>) -> (String, Value) {
    let mut request = client
        .http
        .post(format!("{}/graphql", client.base))
        .header("origin", &client.base)
        .json(&json!({ "query": query }));
    if let Some(tp) = traceparent {
        request = request.header("traceparent", tp);
    }
    let response = request.send().await.expect("request");
    let correlation = response.headers()["x-correlation-id"]
        .to_str()
        .expect("id")
        .to_owned();
    (correlation, response.json().await.expect("json"))
}

async fn operations_are_traced(backend: Backend) {
    let (collector, received) = sink().await;
    let flags = ["--otlp-endpoint", &collector, "--metrics-token", TOKEN];
    run_with(backend, &flags, |app| async move {
        let office = app.office().await;
        let (correlation, body) =
            post(&office, "query TracedAgencies { agencies { id } }", None).await;
        assert!(body.get("errors").is_none(), "{body}");
        let parent_trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        let tp = format!("00-{parent_trace}-00f067aa0ba902b7-01");
        let (_, body) = post(&office, "query Continued { agencies { id } }", Some(&tp)).await;
        assert!(body.get("errors").is_none(), "{body}");
        let (failed_id, body) =
            post(&app.client(), "query Refused { agencies { id } }", None).await;
        assert_eq!(error_code(&body).as_deref(), Some("UNAUTHENTICATED"));

        let mut all = Vec::new();
        for _ in 0..100 {
            all = spans(&received);
            let names: Vec<&str> = all.iter().filter_map(|s| s["name"].as_str()).collect();
            if ["query TracedAgencies", "query Continued", "query Refused"]
                .iter()
                .all(|n| names.contains(n))
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let named = |name: &str| {
            all.iter()
                .find(|s| s["name"] == name)
                .unwrap_or_else(|| panic!("no span {name}: {all:#?}"))
                .clone()
        };
        let op = named("query TracedAgencies");
        assert_eq!(op["kind"], 2);
        assert_eq!(attribute(&op, "correlation_id"), Some(correlation.as_str()));
        assert_eq!(
            attribute(&op, "graphql.operation.name"),
            Some("TracedAgencies")
        );
        assert_eq!(attribute(&op, "graphql.operation.type"), Some("query"));
        assert_eq!(attribute(&op, "graphql.outcome"), Some("ok"));
        assert_eq!(op["status"]["code"], 1);
        assert!(op.get("parentSpanId").is_none());
        let db: Vec<&Value> = all
            .iter()
            .filter(|s| s["parentSpanId"] == op["spanId"])
            .collect();
        assert!(
            !db.is_empty(),
            "a database span under the operation: {all:#?}"
        );
        let (start, end) = (
            nanos(&op, "startTimeUnixNano"),
            nanos(&op, "endTimeUnixNano"),
        );
        assert!(start <= end);
        let select = db
            .iter()
            .find(|s| attribute(s, "db.operation") == Some("SELECT"))
            .expect("a SELECT");
        assert_eq!(select["traceId"], op["traceId"]);
        assert_eq!(select["kind"], 3);
        let system = match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgresql",
        };
        assert_eq!(attribute(select, "db.system"), Some(system));
        assert!(db
            .iter()
            .any(|s| attribute(s, "db.statement").is_some_and(|q| q.contains("agency"))));
        // Resolving the caller (the session, then the person) is part of the operation too.
        assert!(
            db.iter()
                .any(|s| attribute(s, "db.statement").is_some_and(|q| q.contains("session"))),
            "{db:#?}"
        );
        for s in &db {
            let (s0, s1) = (nanos(s, "startTimeUnixNano"), nanos(s, "endTimeUnixNano"));
            assert!(
                s0 <= s1 && s0 >= start && s1 <= end,
                "within the operation: {s:#}"
            );
        }

        let continued = named("query Continued");
        assert_eq!(continued["traceId"], parent_trace);
        assert_eq!(continued["parentSpanId"], "00f067aa0ba902b7");

        let refused = named("query Refused");
        assert_eq!(
            attribute(&refused, "correlation_id"),
            Some(failed_id.as_str())
        );
        assert_eq!(
            attribute(&refused, "graphql.outcome"),
            Some("UNAUTHENTICATED")
        );
        assert_eq!(refused["status"]["code"], 2);

        // Counted once the collector has answered.
        let mut page = String::new();
        for _ in 0..50 {
            page = scrape(&app).await;
            if value(&page, "lp_trace_spans_exported_total").is_some_and(|n| n > 0.0) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(value(&page, "lp_trace_spans_exported_total").is_some_and(|n| n > 0.0));
        assert_eq!(value(&page, "lp_trace_spans_dropped_total"), Some(0.0));
        assert_eq!(value(&page, "lp_trace_export_failures_total"), Some(0.0));
    })
    .await;
}

async fn unsent_spans_are_counted(backend: Backend) {
    // Nothing listens on port 9 (discard) here: every export fails.
    let flags = [
        "--otlp-endpoint",
        "http://127.0.0.1:9",
        "--metrics-token",
        TOKEN,
    ];
    run_with(backend, &flags, |app| async move {
        let client = app.client();
        let body = client.gql("query Lost { me { id } }", json!({})).await;
        assert!(body.get("errors").is_none(), "{body}");
        let mut page = String::new();
        for _ in 0..50 {
            page = scrape(&app).await;
            if value(&page, "lp_trace_export_failures_total").is_some_and(|n| n >= 1.0) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(
            value(&page, "lp_trace_export_failures_total").is_some_and(|n| n >= 1.0),
            "{page}"
        );
        assert!(
            value(&page, "lp_trace_spans_dropped_total").is_some_and(|n| n >= 1.0),
            "{page}"
        );
        assert_eq!(value(&page, "lp_trace_spans_exported_total"), Some(0.0));
        // Requests are answered all the same.
        let body = client
            .gql("query StillServed { me { id } }", json!({}))
            .await;
        assert!(body.get("errors").is_none(), "{body}");
    })
    .await;
}

db_tests!(
    metrics_need_the_token,
    metrics_are_off_by_default,
    metrics_on_their_own_address,
    operations_are_counted_by_outcome,
    operation_names_are_capped,
    operations_are_traced,
    unsent_spans_are_counted,
);
