//! Metrics in the Prometheus text exposition format (`GET /metrics`), from a small registry
//! of atomics kept in the [`crate::state::AppState`] (one per running server): counters,
//! gauges and fixed-bucket histograms, a few label sets each. No metrics crate: the
//! families are known in advance and the format is a page of text.
//!
//! Label values are bounded: HTTP routes are a fixed list, error codes come from the one
//! error mapping, job and file kinds are constants, and GraphQL operation names (chosen by
//! clients) are kept for the first [`MAX_OPERATION_NAMES`] seen; any further name is counted
//! as [`OTHER_OPERATION`].
//!
//! Served on `--metrics-bind` (its own listener, no credential: bind it to a private
//! address), and/or on the main port when `--metrics-token` is set, to requests bearing that
//! token. Otherwise `/metrics` answers 404 like any unknown path.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Distinct GraphQL operation names counted under their own name.
pub const MAX_OPERATION_NAMES: usize = 200;
/// The label of every operation name past the first [`MAX_OPERATION_NAMES`] (not a valid
/// GraphQL name, so no operation can be called this).
pub const OTHER_OPERATION: &str = "(other)";
/// The label of an operation without a name.
pub const ANONYMOUS_OPERATION: &str = "(anonymous)";
/// The label of a request refused before its operation could be read.
pub const UNREAD_OPERATION: &str = "(unread)";

/// Upper bounds (seconds) of the latency histograms' buckets; `+Inf` follows.
pub const BUCKETS: [f64; 14] = [
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 120.0,
];

/// The background jobs reported, each with its runs, failures and last success.
pub const JOBS: [&str; 5] = [
    "reminders",
    "retention",
    "session_cleanup",
    "import_sweeper",
    "chronology_import",
];

/// A histogram of durations: counts per bucket (not cumulative; summed when rendered, so a
/// scrape always reads buckets that only grow and end at the count) and the sum.
#[derive(Default)]
pub struct Histogram {
    /// One count per bucket of [`BUCKETS`], then the overflow (above the last bound).
    counts: [AtomicU64; BUCKETS.len() + 1],
    sum_nanos: AtomicU64,
}

impl Histogram {
    pub fn observe(&self, d: Duration) {
        let secs = d.as_secs_f64();
        let i = BUCKETS
            .iter()
            .position(|b| secs <= *b)
            .unwrap_or(BUCKETS.len());
        self.counts[i].fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.sum_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        let mut cumulative = 0u64;
        for (i, bound) in BUCKETS.iter().enumerate() {
            cumulative += self.counts[i].load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {cumulative}"
            );
        }
        cumulative += self.counts[BUCKETS.len()].load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {cumulative}"
        );
        let sum = self.sum_nanos.load(Ordering::Relaxed) as f64 / 1e9;
        let braces = |s: &str| {
            if s.is_empty() {
                String::new()
            } else {
                format!("{{{s}}}")
            }
        };
        let _ = writeln!(out, "{name}_sum{} {sum}", braces(labels));
        let _ = writeln!(out, "{name}_count{} {cumulative}", braces(labels));
    }
}

/// Values of one metric, keyed by their label values (in the family's label order).
struct Family<T> {
    labels: &'static [&'static str],
    values: Mutex<BTreeMap<Vec<String>, Arc<T>>>,
}

impl<T: Default> Family<T> {
    fn new(labels: &'static [&'static str]) -> Self {
        Self {
            labels,
            values: Mutex::new(BTreeMap::new()),
        }
    }

    fn get(&self, values: &[&str]) -> Arc<T> {
        let key: Vec<String> = values.iter().map(|v| (*v).to_owned()).collect();
        let mut map = self.values.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(key).or_default().clone()
    }

    /// Every value with its rendered label set, in label order.
    fn each(&self) -> Vec<(String, Arc<T>)> {
        let map = self.values.lock().unwrap_or_else(|e| e.into_inner());
        map.iter()
            .map(|(key, v)| (label_set(self.labels, key), v.clone()))
            .collect()
    }
}

fn label_set(names: &[&str], values: &[String]) -> String {
    names
        .iter()
        .zip(values)
        .map(|(n, v)| format!("{n}=\"{}\"", escape(v)))
        .collect::<Vec<_>>()
        .join(",")
}

/// A label value as the exposition format writes it.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// One background job's record.
#[derive(Default)]
pub struct JobStats {
    runs_ok: AtomicU64,
    runs_failed: AtomicU64,
    /// Unix seconds; 0 for never.
    last_success: AtomicU64,
    last_failure: AtomicU64,
    duration: Histogram,
}

/// How the database pool stands at a scrape.
#[derive(Debug, Clone, Copy)]
pub struct PoolStats {
    pub max: u32,
    pub open: u32,
    pub idle: u32,
}

impl PoolStats {
    /// The shared pool of `db` (sqlx's own counts).
    pub fn of(db: &sea_orm::DatabaseConnection) -> Option<Self> {
        use sea_orm::DbBackend;
        let (max, open, idle) = match db.get_database_backend() {
            DbBackend::Sqlite => {
                let p = db.get_sqlite_connection_pool();
                (p.options().get_max_connections(), p.size(), p.num_idle())
            }
            DbBackend::Postgres => {
                let p = db.get_postgres_connection_pool();
                (p.options().get_max_connections(), p.size(), p.num_idle())
            }
            _ => return None,
        };
        Some(Self {
            max,
            open,
            idle: u32::try_from(idle).unwrap_or(u32::MAX),
        })
    }
}

/// Every metric of one server.
pub struct Metrics {
    operation_names: Mutex<HashSet<String>>,
    http: Family<Histogram>,
    http_responses: Family<AtomicU64>,
    operations: Family<AtomicU64>,
    operation_latency: Family<Histogram>,
    db_statements: Histogram,
    db_failures: AtomicU64,
    live_connections: AtomicU64,
    live_subscriptions: AtomicU64,
    jobs: Family<JobStats>,
    imports: Family<Histogram>,
    exports: Family<Histogram>,
    merges_built: AtomicU64,
    merges_reused: AtomicU64,
    pub spans_exported: AtomicU64,
    pub spans_dropped: AtomicU64,
    pub trace_export_failures: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let jobs = Family::new(&["job"]);
        for job in JOBS {
            jobs.get(&[job]);
        }
        Self {
            operation_names: Mutex::new(HashSet::new()),
            http: Family::new(&["route"]),
            http_responses: Family::new(&["route", "status"]),
            operations: Family::new(&["operation", "outcome"]),
            operation_latency: Family::new(&["operation"]),
            db_statements: Histogram::default(),
            db_failures: AtomicU64::new(0),
            live_connections: AtomicU64::new(0),
            live_subscriptions: AtomicU64::new(0),
            jobs,
            imports: Family::new(&["mode", "outcome"]),
            exports: Family::new(&["kind", "outcome"]),
            merges_built: AtomicU64::new(0),
            merges_reused: AtomicU64::new(0),
            spans_exported: AtomicU64::new(0),
            spans_dropped: AtomicU64::new(0),
            trace_export_failures: AtomicU64::new(0),
        }
    }

    /// The label for an operation name: itself while fewer than [`MAX_OPERATION_NAMES`]
    /// names have been seen (or it is one of them), [`OTHER_OPERATION`] after.
    pub fn operation_label(&self, name: Option<&str>) -> String {
        let Some(name) = name else {
            return ANONYMOUS_OPERATION.to_owned();
        };
        let mut names = self
            .operation_names
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if names.contains(name) {
            return name.to_owned();
        }
        if names.len() < MAX_OPERATION_NAMES {
            names.insert(name.to_owned());
            return name.to_owned();
        }
        OTHER_OPERATION.to_owned()
    }

    /// One HTTP request answered: its route (one of a fixed list) and status.
    pub fn observe_http(&self, route: &'static str, status: u16, took: Duration) {
        self.http.get(&[route]).observe(took);
        let class = match status {
            100..=199 => "1xx",
            200..=299 => "2xx",
            300..=399 => "3xx",
            400..=499 => "4xx",
            _ => "5xx",
        };
        self.http_responses
            .get(&[route, class])
            .fetch_add(1, Ordering::Relaxed);
    }

    /// One GraphQL operation answered: `operation` is a label from
    /// [`Metrics::operation_label`], `outcome` is `ok` or the first error's code.
    pub fn observe_operation(&self, operation: &str, outcome: &str, took: Duration) {
        self.operations
            .get(&[operation, outcome])
            .fetch_add(1, Ordering::Relaxed);
        self.operation_latency.get(&[operation]).observe(took);
    }

    /// One database statement (from sea-orm's callback: the statement's own duration).
    pub fn observe_db(&self, took: Duration, failed: bool) {
        self.db_statements.observe(took);
        if failed {
            self.db_failures.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Counts an open live connection until the guard is dropped.
    pub fn live_connection(self: &Arc<Self>) -> GaugeGuard {
        GaugeGuard::new(self.clone(), |m| &m.live_connections)
    }

    /// Counts a running subscription until the guard is dropped.
    pub fn live_subscription(self: &Arc<Self>) -> GaugeGuard {
        GaugeGuard::new(self.clone(), |m| &m.live_subscriptions)
    }

    /// A background job's run ended (`job` one of [`JOBS`]).
    pub fn job_finished(&self, job: &'static str, ok: bool, took: Duration) {
        let stats = self.jobs.get(&[job]);
        let now = unix_now();
        if ok {
            stats.runs_ok.fetch_add(1, Ordering::Relaxed);
            stats.last_success.store(now, Ordering::Relaxed);
        } else {
            stats.runs_failed.fetch_add(1, Ordering::Relaxed);
            stats.last_failure.store(now, Ordering::Relaxed);
        }
        stats.duration.observe(took);
    }

    /// A chronology import ended (`mode`: preview, confirm or background).
    pub fn observe_import(&self, mode: &'static str, ok: bool, took: Duration) {
        let outcome = if ok { "ok" } else { "error" };
        self.imports.get(&[mode, outcome]).observe(took);
    }

    /// An export was made (`kind`: chronology, actions or summary).
    pub fn observe_export(&self, kind: &'static str, ok: bool, took: Duration) {
        let outcome = if ok { "ok" } else { "error" };
        self.exports.get(&[kind, outcome]).observe(took);
    }

    /// An integrated chronology was merged (nothing kept matched what it is made from).
    pub fn merge_built(&self) {
        self.merges_built.fetch_add(1, Ordering::Relaxed);
    }

    /// An integrated chronology was served from the merge kept for its review.
    pub fn merge_reused(&self) {
        self.merges_reused.fetch_add(1, Ordering::Relaxed);
    }

    /// Every metric, in the Prometheus text exposition format (version 0.0.4).
    pub fn render(&self, pool: Option<PoolStats>) -> String {
        let mut out = String::with_capacity(16 * 1024);
        let head = |out: &mut String, name: &str, kind: &str, help: &str| {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} {kind}");
        };
        head(
            &mut out,
            "lp_build_info",
            "gauge",
            "The running build (always 1).",
        );
        let _ = writeln!(
            out,
            "lp_build_info{{version=\"{}\",commit=\"{}\"}} 1",
            escape(crate::build_info::VERSION),
            escape(crate::build_info::COMMIT)
        );

        let name = "lp_http_request_duration_seconds";
        head(
            &mut out,
            name,
            "histogram",
            "HTTP requests by route, from arrival to the response's head.",
        );
        for (labels, h) in self.http.each() {
            h.render(&mut out, name, &labels);
        }
        let name = "lp_http_responses_total";
        head(
            &mut out,
            name,
            "counter",
            "HTTP responses by route and status class.",
        );
        for (labels, c) in self.http_responses.each() {
            let _ = writeln!(out, "{name}{{{labels}}} {}", c.load(Ordering::Relaxed));
        }

        let name = "lp_graphql_operations_total";
        head(
            &mut out,
            name,
            "counter",
            "GraphQL operations on /graphql by operation name and outcome (ok, or the first error's extensions.code).",
        );
        for (labels, c) in self.operations.each() {
            let _ = writeln!(out, "{name}{{{labels}}} {}", c.load(Ordering::Relaxed));
        }
        let name = "lp_graphql_operation_duration_seconds";
        head(
            &mut out,
            name,
            "histogram",
            "GraphQL operations on /graphql by operation name.",
        );
        for (labels, h) in self.operation_latency.each() {
            h.render(&mut out, name, &labels);
        }
        let name = "lp_graphql_operation_names";
        head(
            &mut out,
            name,
            "gauge",
            "Distinct operation names counted under their own name (at most lp_graphql_operation_names_max; later ones count as \"(other)\").",
        );
        let seen = self
            .operation_names
            .lock()
            .map(|n| n.len())
            .unwrap_or_default();
        let _ = writeln!(out, "{name} {seen}");
        head(
            &mut out,
            "lp_graphql_operation_names_max",
            "gauge",
            "The cap on distinct operation names.",
        );
        let _ = writeln!(out, "lp_graphql_operation_names_max {MAX_OPERATION_NAMES}");

        let name = "lp_db_statement_duration_seconds";
        head(
            &mut out,
            name,
            "histogram",
            "Database statements through the shared pool, as the driver timed them.",
        );
        self.db_statements.render(&mut out, name, "");
        head(
            &mut out,
            "lp_db_statement_failures_total",
            "counter",
            "Database statements that returned an error.",
        );
        let _ = writeln!(
            out,
            "lp_db_statement_failures_total {}",
            self.db_failures.load(Ordering::Relaxed)
        );
        if let Some(p) = pool {
            head(
                &mut out,
                "lp_db_pool_connections",
                "gauge",
                "Connections of the shared database pool by state.",
            );
            let in_use = p.open.saturating_sub(p.idle);
            let _ = writeln!(out, "lp_db_pool_connections{{state=\"idle\"}} {}", p.idle);
            let _ = writeln!(out, "lp_db_pool_connections{{state=\"in_use\"}} {in_use}");
            head(
                &mut out,
                "lp_db_pool_max_connections",
                "gauge",
                "The shared database pool's size limit.",
            );
            let _ = writeln!(out, "lp_db_pool_max_connections {}", p.max);
        }

        for (name, gauge, help) in [
            (
                "lp_live_connections",
                &self.live_connections,
                "Open live (WebSocket) connections.",
            ),
            (
                "lp_live_subscriptions",
                &self.live_subscriptions,
                "Running subscriptions on live connections.",
            ),
        ] {
            head(&mut out, name, "gauge", help);
            let _ = writeln!(out, "{name} {}", gauge.load(Ordering::Relaxed));
        }

        let jobs = self.jobs.each();
        let name = "lp_job_runs_total";
        head(
            &mut out,
            name,
            "counter",
            "Background job runs by job and outcome.",
        );
        for (labels, j) in &jobs {
            let ok = j.runs_ok.load(Ordering::Relaxed);
            let failed = j.runs_failed.load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}{{{labels},outcome=\"ok\"}} {ok}");
            let _ = writeln!(out, "{name}{{{labels},outcome=\"error\"}} {failed}");
        }
        for (name, help, pick) in [
            (
                "lp_job_last_success_timestamp_seconds",
                "When a background job last succeeded (Unix time; 0: not since this server started).",
                (|j: &JobStats| j.last_success.load(Ordering::Relaxed)) as fn(&JobStats) -> u64,
            ),
            (
                "lp_job_last_failure_timestamp_seconds",
                "When a background job last failed (Unix time; 0: not since this server started).",
                |j: &JobStats| j.last_failure.load(Ordering::Relaxed),
            ),
        ] {
            head(&mut out, name, "gauge", help);
            for (labels, j) in &jobs {
                let _ = writeln!(out, "{name}{{{labels}}} {}", pick(j));
            }
        }
        let name = "lp_job_duration_seconds";
        head(&mut out, name, "histogram", "Background job runs by job.");
        for (labels, j) in &jobs {
            j.duration.render(&mut out, name, labels);
        }

        let name = "lp_chronology_merges_total";
        head(
            &mut out,
            name,
            "counter",
            "Integrated chronology reads by where the merge came from (built, or the one kept in cache).",
        );
        for (source, c) in [
            ("built", &self.merges_built),
            ("cache", &self.merges_reused),
        ] {
            let _ = writeln!(
                out,
                "{name}{{source=\"{source}\"}} {}",
                c.load(Ordering::Relaxed)
            );
        }

        let name = "lp_import_duration_seconds";
        head(
            &mut out,
            name,
            "histogram",
            "Chronology imports by mode (preview, confirm, background) and outcome.",
        );
        for (labels, h) in self.imports.each() {
            h.render(&mut out, name, &labels);
        }
        let name = "lp_export_duration_seconds";
        head(
            &mut out,
            name,
            "histogram",
            "Exports by kind (chronology, actions, summary, subject_access) and outcome.",
        );
        for (labels, h) in self.exports.each() {
            h.render(&mut out, name, &labels);
        }

        for (name, counter, help) in [
            (
                "lp_trace_spans_exported_total",
                &self.spans_exported,
                "Trace spans the OTLP collector accepted.",
            ),
            (
                "lp_trace_spans_dropped_total",
                &self.spans_dropped,
                "Trace spans dropped: the export queue was full, or the collector refused or did not answer.",
            ),
            (
                "lp_trace_export_failures_total",
                &self.trace_export_failures,
                "OTLP export requests that failed.",
            ),
        ] {
            head(&mut out, name, "counter", help);
            let _ = writeln!(out, "{name} {}", counter.load(Ordering::Relaxed));
        }
        out
    }
}

/// Adds one to a gauge now and takes it off when dropped.
pub struct GaugeGuard {
    metrics: Arc<Metrics>,
    gauge: fn(&Metrics) -> &AtomicU64,
}

impl GaugeGuard {
    fn new(metrics: Arc<Metrics>, gauge: fn(&Metrics) -> &AtomicU64) -> Self {
        gauge(&metrics).fetch_add(1, Ordering::Relaxed);
        Self { metrics, gauge }
    }
}

impl Drop for GaugeGuard {
    fn drop(&mut self) {
        (self.gauge)(&self.metrics).fetch_sub(1, Ordering::Relaxed);
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// The route label of a request path: one of a fixed list.
pub fn route_of(path: &str) -> &'static str {
    match path {
        "/graphql" => "/graphql",
        "/graphql/ws" => "/graphql/ws",
        "/healthz" => "/healthz",
        "/readyz" => "/readyz",
        "/metrics" => "/metrics",
        "/graphiql" => "/graphiql",
        p if p.starts_with("/public/reports/") => "/public/reports",
        "/published" => "/published",
        p if p.starts_with("/published/") => "/published/{id}",
        "/library" => "/library",
        _ => "static",
    }
}

/// Whether `given` is the metrics token, compared in constant time (over SHA-256 digests,
/// so neither the length nor a common prefix shows in the time taken).
pub fn token_matches(given: &str, expected: &str) -> bool {
    use sha2::{Digest, Sha256};
    let a = Sha256::digest(given.as_bytes());
    let b = Sha256::digest(expected.as_bytes());
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative() {
        let h = Histogram::default();
        for ms in [0, 3, 3, 40, 700, 200_000] {
            h.observe(Duration::from_millis(ms));
        }
        let mut out = String::new();
        h.render(&mut out, "x", "");
        assert!(out.contains("x_bucket{le=\"0.001\"} 1\n"), "{out}");
        assert!(out.contains("x_bucket{le=\"0.005\"} 3\n"), "{out}");
        assert!(out.contains("x_bucket{le=\"0.05\"} 4\n"), "{out}");
        assert!(out.contains("x_bucket{le=\"1\"} 5\n"), "{out}");
        assert!(out.contains("x_bucket{le=\"120\"} 5\n"), "{out}");
        assert!(out.contains("x_bucket{le=\"+Inf\"} 6\n"), "{out}");
        assert!(out.contains("x_count 6\n"), "{out}");
        assert!(out.contains("x_sum 200.746\n"), "{out}");
    }

    #[test]
    fn operation_names_are_capped() {
        let m = Metrics::new();
        for i in 0..MAX_OPERATION_NAMES {
            assert_eq!(m.operation_label(Some(&format!("Op{i}"))), format!("Op{i}"));
        }
        assert_eq!(m.operation_label(Some("Late")), OTHER_OPERATION);
        assert_eq!(m.operation_label(Some("Op7")), "Op7");
        assert_eq!(m.operation_label(None), ANONYMOUS_OPERATION);
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }

    #[test]
    fn tokens() {
        assert!(token_matches("secret-token-123", "secret-token-123"));
        assert!(!token_matches("secret-token-124", "secret-token-123"));
        assert!(!token_matches("", "secret-token-123"));
    }
}
