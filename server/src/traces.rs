//! Optional trace export: OpenTelemetry spans sent to a collector over OTLP/HTTP in its JSON
//! encoding (`--otlp-endpoint http://collector:4318`, posted to `/v1/traces`).
//!
//! One span per GraphQL operation on `/graphql` (kind SERVER, named `query Name`, with the
//! request's correlation id, the operation's name and type and its outcome) and one child
//! span per database statement it runs (kind CLIENT, timed by the driver, through sea-orm's
//! per-statement callback). An incoming W3C `traceparent` header is continued.
//!
//! Written here rather than taken from the `opentelemetry-otlp` crates (see the README,
//! "Metrics and traces"): the spans are recorded into a bounded queue that never blocks a
//! request; when it is full, spans are dropped and counted (`lp_trace_spans_dropped_total`).
//! A background task sends them in batches.

use crate::metrics::Metrics;
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::mpsc;

/// Spans waiting to be sent, at most.
pub const QUEUE: usize = 4096;
/// Spans in one export request, at most.
const MAX_BATCH: usize = 512;
/// How long a span waits for others to fill its batch.
const FLUSH_AFTER: Duration = Duration::from_millis(500);
/// How long the collector has to answer.
const EXPORT_TIMEOUT: Duration = Duration::from_secs(10);
/// A statement's text in a span, at most (bytes).
const MAX_STATEMENT: usize = 2048;

/// Span kinds (OTLP's numbering).
const KIND_SERVER: u8 = 2;
const KIND_CLIENT: u8 = 3;

/// A finished span.
#[derive(Debug, Clone)]
pub struct Span {
    pub trace_id: [u8; 16],
    pub span_id: [u8; 8],
    pub parent: Option<[u8; 8]>,
    pub name: String,
    kind: u8,
    start: SystemTime,
    end: SystemTime,
    attributes: Vec<(&'static str, String)>,
    /// Set when the span failed: its status message.
    error: Option<String>,
}

/// Sends spans to the collector.
#[derive(Clone)]
pub struct Tracer {
    queue: mpsc::Sender<Span>,
    metrics: Arc<Metrics>,
    db_system: &'static str,
}

/// The operation a task is running, for the spans of its database statements.
#[derive(Clone)]
pub struct Scope {
    tracer: Tracer,
    trace_id: [u8; 16],
    span_id: [u8; 8],
}

tokio::task_local! {
    static SCOPE: Scope;
}

/// An operation's span, open until [`Operation::finish`].
pub struct Operation {
    scope: Scope,
    parent: Option<[u8; 8]>,
    name: String,
    start: SystemTime,
    attributes: Vec<(&'static str, String)>,
}

impl Tracer {
    /// Starts the exporter task (call within the runtime). `endpoint` is the collector's
    /// base URL (`http://host:4318`), checked by [`check_endpoint`].
    pub fn start(endpoint: &str, database_url: &str, metrics: Arc<Metrics>) -> Self {
        let (queue, rx) = mpsc::channel(QUEUE);
        let url = format!("{}/v1/traces", endpoint.trim_end_matches('/'));
        tokio::spawn(export(rx, url, metrics.clone()));
        Self {
            queue,
            metrics,
            db_system: if database_url.starts_with("sqlite:") {
                "sqlite"
            } else {
                "postgresql"
            },
        }
    }

    /// Queues a span; drops it (and counts it) when the queue is full.
    pub fn record(&self, span: Span) {
        if self.queue.try_send(span).is_err() {
            self.metrics.spans_dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Opens a GraphQL operation's span, continuing `traceparent` when it is valid.
    pub fn operation(
        &self,
        name: String,
        traceparent: Option<&str>,
        attributes: Vec<(&'static str, String)>,
    ) -> Operation {
        let (trace_id, parent) = match traceparent.and_then(parse_traceparent) {
            Some((trace, parent)) => (trace, Some(parent)),
            None => (random_trace_id(), None),
        };
        Operation {
            scope: Scope {
                tracer: self.clone(),
                trace_id,
                span_id: random_span_id(),
            },
            parent,
            name,
            start: SystemTime::now(),
            attributes,
        }
    }
}

impl Operation {
    /// The scope to run the operation in, so its statements become its children.
    pub fn scope(&self) -> Scope {
        self.scope.clone()
    }

    /// Adds an attribute (known once the operation is under way).
    pub fn attribute(&mut self, key: &'static str, value: String) {
        self.attributes.push((key, value));
    }

    /// Ends the span: `error` is the outcome's code when the operation failed.
    pub fn finish(mut self, error: Option<&str>) {
        self.attributes
            .push(("graphql.outcome", error.unwrap_or("ok").to_owned()));
        let span = Span {
            trace_id: self.scope.trace_id,
            span_id: self.scope.span_id,
            parent: self.parent,
            name: self.name,
            kind: KIND_SERVER,
            start: self.start,
            end: SystemTime::now(),
            attributes: self.attributes,
            error: error.map(str::to_owned),
        };
        self.scope.tracer.record(span);
    }
}

/// Runs `f` in `scope` (when tracing): database statements it runs become spans under it.
pub async fn in_scope<F: std::future::Future>(scope: Option<Scope>, f: F) -> F::Output {
    match scope {
        Some(scope) => SCOPE.scope(scope, f).await,
        None => f.await,
    }
}

/// sea-orm's per-statement callback: a span under the running operation, if any.
pub fn statement(info: &sea_orm::metric::Info<'_>) {
    let _ = SCOPE.try_with(|scope| {
        let end = SystemTime::now();
        let sql = &info.statement.sql;
        let mut text: String = sql.chars().take(MAX_STATEMENT).collect();
        if text.len() < sql.len() {
            text.push('…');
        }
        let verb = sql
            .split_whitespace()
            .next()
            .unwrap_or("SQL")
            .to_ascii_uppercase();
        let verb: String = verb.chars().take(16).collect();
        let tracer = &scope.tracer;
        tracer.record(Span {
            trace_id: scope.trace_id,
            span_id: random_span_id(),
            parent: Some(scope.span_id),
            name: format!("db {verb}"),
            kind: KIND_CLIENT,
            start: end.checked_sub(info.elapsed).unwrap_or(end),
            end,
            attributes: vec![
                ("db.system", tracer.db_system.to_owned()),
                ("db.operation", verb),
                ("db.statement", text),
            ],
            error: info.failed.then(|| "the statement failed".to_owned()),
        });
    });
}

/// Whether an endpoint can be used: `http[s]://host[:port][/path]` (https is verified
/// against the system's certificate store, as single sign-on's requests are).
pub fn check_endpoint(endpoint: &str) -> Result<(), String> {
    let rest = endpoint
        .strip_prefix("http://")
        .or_else(|| endpoint.strip_prefix("https://"))
        .ok_or("the OTLP endpoint must be an http:// or https:// URL")?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err("the OTLP endpoint names no host".into());
    }
    reqwest::Url::parse(endpoint).map_err(|e| format!("the OTLP endpoint is not a URL: {e}"))?;
    Ok(())
}

fn random_trace_id() -> [u8; 16] {
    *uuid::Uuid::new_v4().as_bytes()
}

fn random_span_id() -> [u8; 8] {
    let bytes = uuid::Uuid::new_v4().into_bytes();
    let mut id = [0u8; 8];
    id.copy_from_slice(&bytes[..8]);
    id
}

/// `00-<trace id>-<parent id>-<flags>` (W3C Trace Context), unless malformed or all zero.
fn parse_traceparent(value: &str) -> Option<([u8; 16], [u8; 8])> {
    let mut parts = value.trim().split('-');
    let (version, trace, parent, _flags) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if version != "00" || parts.next().is_some() {
        return None;
    }
    let trace: [u8; 16] = hex::decode(trace).ok()?.try_into().ok()?;
    let parent: [u8; 8] = hex::decode(parent).ok()?.try_into().ok()?;
    (trace != [0; 16] && parent != [0; 8]).then_some((trace, parent))
}

fn nanos(t: SystemTime) -> String {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
        .to_string()
}

/// A batch in OTLP's JSON encoding (ids in hex, 64-bit integers as strings).
pub fn encode(spans: &[Span]) -> Value {
    let spans: Vec<Value> = spans
        .iter()
        .map(|s| {
            let attributes: Vec<Value> = s
                .attributes
                .iter()
                .map(|(k, v)| json!({ "key": k, "value": { "stringValue": v } }))
                .collect();
            let mut span = json!({
                "traceId": hex::encode(s.trace_id),
                "spanId": hex::encode(s.span_id),
                "name": s.name,
                "kind": s.kind,
                "startTimeUnixNano": nanos(s.start),
                "endTimeUnixNano": nanos(s.end),
                "attributes": attributes,
                "status": match &s.error {
                    Some(message) => json!({ "code": 2, "message": message }),
                    None => json!({ "code": 1 }),
                },
            });
            if let Some(parent) = s.parent {
                span["parentSpanId"] = json!(hex::encode(parent));
            }
            span
        })
        .collect();
    json!({
        "resourceSpans": [{
            "resource": { "attributes": [
                { "key": "service.name", "value": { "stringValue": "learning-platform" } },
                { "key": "service.version", "value": { "stringValue": crate::build_info::VERSION } },
            ]},
            "scopeSpans": [{
                "scope": { "name": "learning-platform", "version": crate::build_info::VERSION },
                "spans": spans,
            }],
        }]
    })
}

/// Sends queued spans in batches until every sender is gone.
async fn export(mut rx: mpsc::Receiver<Span>, url: String, metrics: Arc<Metrics>) {
    let client = match reqwest::Client::builder().timeout(EXPORT_TIMEOUT).build() {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "trace export disabled: no HTTP client");
            return;
        }
    };
    let mut failing = false;
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        let deadline = tokio::time::Instant::now() + FLUSH_AFTER;
        while batch.len() < MAX_BATCH {
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Some(span)) => batch.push(span),
                Ok(None) | Err(_) => break,
            }
        }
        let n = batch.len() as u64;
        let body = encode(&batch).to_string();
        let sent = client
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await;
        let problem = match sent {
            Ok(r) if r.status().is_success() => None,
            Ok(r) => Some(format!("the collector answered {}", r.status())),
            Err(e) => Some(e.to_string()),
        };
        match problem {
            None => {
                metrics.spans_exported.fetch_add(n, Ordering::Relaxed);
                if failing {
                    tracing::info!("trace export resumed");
                    failing = false;
                }
            }
            Some(problem) => {
                metrics
                    .trace_export_failures
                    .fetch_add(1, Ordering::Relaxed);
                metrics.spans_dropped.fetch_add(n, Ordering::Relaxed);
                // Once per run of failures, not once per batch.
                if !failing {
                    tracing::warn!(%url, error = %problem, spans = n, "trace export failed; spans dropped until it works again");
                    failing = true;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traceparent() {
        let (trace, parent) =
            parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .expect("valid");
        assert_eq!(hex::encode(trace), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(hex::encode(parent), "00f067aa0ba902b7");
        assert!(
            parse_traceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01").is_none()
        );
        assert!(
            parse_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").is_none()
        );
        assert!(parse_traceparent("garbage").is_none());
    }

    #[test]
    fn endpoints() {
        assert!(check_endpoint("http://collector:4318").is_ok());
        assert!(check_endpoint("https://collector.example:4318").is_ok());
        assert!(check_endpoint("ftp://collector:4318").is_err());
        assert!(check_endpoint("collector:4318").is_err());
        assert!(check_endpoint("http://").is_err());
    }
}
