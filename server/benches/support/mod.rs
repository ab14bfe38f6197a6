//! What both server benches share: the real server started in-process on a random loopback
//! port against a fresh database (a new SQLite file, or a new PostgreSQL database dropped
//! afterwards), people and agencies created through the crate's services, and a small
//! GraphQL client. Modelled on `tests/api/helpers.rs`, which a bench cannot import.
//!
//! The server runs on its own Tokio runtime (its own worker threads), so the bench's
//! clients do not queue behind it on the same scheduler; both still share the machine.

// Each bench compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use clap::Parser;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{json, Value};
use server::config::Config;
use server::context::RequestContext;
use server::state::AppState;
use shared::agencies::{AgencyDraft, AgencyKind, UserDraft};
use shared::auth::Role;
use std::future::Future;
use std::time::Duration;
use tokio::runtime::Runtime;

pub const PASSWORD: &str = "a-long-bench-password";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// The PostgreSQL server to create bench databases on (trust authentication).
pub fn postgres_admin_url() -> String {
    std::env::var("LP_BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// The backends a bench measures: SQLite, then PostgreSQL when it answers.
/// `LP_BENCH_SQLITE_ONLY` skips PostgreSQL; `LP_BENCH_POSTGRES_ONLY` skips SQLite.
pub fn backends() -> Vec<Backend> {
    let mut backends = Vec::new();
    if std::env::var_os("LP_BENCH_POSTGRES_ONLY").is_none() {
        backends.push(Backend::Sqlite);
    }
    if std::env::var_os("LP_BENCH_SQLITE_ONLY").is_none() {
        if postgres_available() {
            backends.push(Backend::Postgres);
        } else {
            println!(
                "PostgreSQL does not answer at {}: skipped",
                postgres_admin_url()
            );
        }
    }
    backends
}

/// Whether PostgreSQL answers at [`postgres_admin_url`].
pub fn postgres_available() -> bool {
    let rt = small_runtime();
    rt.block_on(async {
        let url = format!("{}/postgres", postgres_admin_url());
        tokio::time::timeout(Duration::from_secs(5), Database::connect(url))
            .await
            .is_ok_and(|c| c.is_ok())
    })
}

fn small_runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    config: Config,
}

/// A running server and the database it owns.
pub struct Server {
    pub base: String,
    pub ws_url: String,
    pub config: Config,
    /// State over the same database, for creating people and agencies.
    state: AppState,
    runtime: Option<Runtime>,
    drop_database: Option<String>,
    dir: Option<std::path::PathBuf>,
}

impl Server {
    /// Starts the server on a fresh database with extra command-line `flags`. Call outside
    /// any Tokio runtime.
    pub fn start(backend: Backend, flags: &[&str]) -> Server {
        let name = format!("bench_{}", uuid::Uuid::new_v4().simple());
        let (database_url, drop_database, dir) = match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("lp_{name}"));
                std::fs::create_dir_all(&dir).expect("temp dir");
                let url = format!("sqlite://{}/bench.db?mode=rwc", dir.display());
                (url, None, Some(dir))
            }
            Backend::Postgres => {
                let base = postgres_admin_url();
                small_runtime().block_on(async {
                    let admin = Database::connect(format!("{base}/postgres"))
                        .await
                        .expect("PostgreSQL admin connection");
                    admin
                        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                        .await
                        .expect("create bench database");
                });
                // On loopback TLS protects nothing; `LP_BENCH_POSTGRES_SOCKET` (a directory,
                // e.g. /var/run/postgresql) connects through the Unix socket instead.
                let url = match std::env::var("LP_BENCH_POSTGRES_SOCKET") {
                    Ok(dir) => format!("{base}/{name}?host={dir}"),
                    Err(_) => format!("{base}/{name}?sslmode=disable"),
                };
                (url, Some(name), None)
            }
        };
        Server::serve_on(database_url, drop_database, dir, flags)
    }

    /// A second instance on this server's database (as behind a load balancer): its own
    /// runtime and port; the database stays the first one's to remove.
    pub fn another(&self, flags: &[&str]) -> Server {
        let database_url = self.config.database_url.clone();
        Server::serve_on(database_url, None, None, flags)
    }

    fn serve_on(
        database_url: String,
        drop_database: Option<String>,
        dir: Option<std::path::PathBuf>,
        flags: &[&str],
    ) -> Server {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("non-blocking");
        let port = listener.local_addr().expect("address").port();
        let base = format!("http://127.0.0.1:{port}");
        let mut args: Vec<String> = vec![
            "bench".into(),
            "--database-url".into(),
            database_url.clone(),
            "--public-url".into(),
            base.clone(),
            "--static-dir".into(),
            "/nonexistent".into(),
        ];
        args.extend(flags.iter().map(|s| s.to_string()));
        let config = Cli::parse_from(args).config;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("server")
            .enable_all()
            .build()
            .expect("server runtime");
        let state = runtime.block_on(async {
            let db = server::db::connect(&database_url).await.expect("connect");
            server::db::migrate(&db).await.expect("migrate");
            let state = AppState::new(db, config.clone());
            let serve_config = config.clone();
            tokio::spawn(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                if let Err(e) = server::serve(serve_config, listener).await {
                    panic!("server stopped: {e}");
                }
            });
            let probe = reqwest::Client::new();
            for _ in 0..400 {
                if let Ok(r) = probe.get(format!("{base}/readyz")).send().await {
                    if r.status().is_success() {
                        return state;
                    }
                }
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            panic!("the server did not become ready");
        });
        Server {
            ws_url: format!("ws://127.0.0.1:{port}/graphql/ws"),
            base,
            config,
            state,
            runtime: Some(runtime),
            drop_database,
            dir,
        }
    }

    /// Runs `future` on the server's runtime (for seeding through the crate).
    pub fn on_server<F: Future>(&self, future: F) -> F::Output {
        self.runtime.as_ref().expect("running").block_on(future)
    }

    /// After seeding: on PostgreSQL, `VACUUM ANALYZE` (what autovacuum does soon after a bulk
    /// load anyway), so the measurement sees the steady state (statistics, visibility map
    /// for index-only scans) rather than the minute after a bulk insert.
    pub fn settle(&self) {
        if self.drop_database.is_some() {
            self.on_server(async {
                self.state
                    .db
                    .execute_unprepared("VACUUM ANALYZE")
                    .await
                    .expect("vacuum");
            });
        }
    }

    /// The server's database, for seeding rows directly.
    pub fn db(&self) -> sea_orm::DatabaseConnection {
        self.state.db.clone()
    }

    /// Creates an agency, returning its id.
    pub fn agency(&self, name: &str, prefix: &str) -> String {
        let draft = AgencyDraft {
            name: name.into(),
            kind: AgencyKind::Other,
            prefix: prefix.into(),
            colour: "#1d70b8".into(),
            active: true,
        };
        self.on_server(server::agencies::service::create(
            &self.state,
            &RequestContext::system("bench"),
            draft,
        ))
        .expect("agency")
        .id
    }

    /// Creates a person with `roles` (and `agency`) and [`PASSWORD`], returning their id.
    pub fn person(&self, email: &str, roles: &[Role], agency: Option<&str>) -> String {
        let draft = UserDraft {
            email: email.into(),
            display_name: email.split('@').next().unwrap_or(email).into(),
            agency_id: agency.map(Into::into),
            roles: roles.to_vec(),
        };
        self.on_server(server::users::service::create(
            &self.state,
            &RequestContext::system("bench"),
            draft,
            PASSWORD.into(),
        ))
        .expect("person")
        .id
    }

    /// Stops the server and removes its database (`LP_BENCH_KEEP` keeps it, for a look with
    /// `sqlite3` or `psql`).
    pub fn stop(mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_secs(2));
        }
        if std::env::var_os("LP_BENCH_KEEP").is_some() {
            if let Some(name) = self.drop_database.take() {
                eprintln!("kept PostgreSQL database {name}");
            }
            if let Some(dir) = self.dir.take() {
                eprintln!("kept {}", dir.join("bench.db").display());
            }
            return;
        }
        if let Some(name) = self.drop_database.take() {
            small_runtime().block_on(async {
                if let Ok(admin) =
                    Database::connect(format!("{}/postgres", postgres_admin_url())).await
                {
                    let _ = admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await;
                }
            });
        }
        if let Some(dir) = self.dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// A browser-like client of one server, with its own cookie jar.
#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
}

impl Client {
    pub fn new(base: &str) -> Client {
        Client {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .expect("client"),
            base: base.to_owned(),
        }
    }

    /// Posts an already-encoded GraphQL request body as a browser on this site would,
    /// returning the status and the whole body.
    pub async fn post_raw(&self, body: Vec<u8>) -> (reqwest::StatusCode, axum::body::Bytes) {
        self.post_raw_as(body, false).await
    }

    /// As [`Self::post_raw`]; with `gzip`, as a browser that accepts gzip, answering the
    /// bytes as sent (compressed when the server compressed them).
    pub async fn post_raw_as(
        &self,
        body: Vec<u8>,
        gzip: bool,
    ) -> (reqwest::StatusCode, axum::body::Bytes) {
        let mut request = self
            .http
            .post(format!("{}/graphql", self.base))
            .header("origin", &self.base)
            .header("content-type", "application/json");
        if gzip {
            request = request.header("accept-encoding", "gzip");
        }
        let response = request.body(body).send().await.expect("request");
        let status = response.status();
        (status, response.bytes().await.expect("body"))
    }

    /// Sends an already-encoded GraphQL request body, returning the answer as JSON.
    pub async fn post_body(&self, body: Vec<u8>) -> Value {
        let (status, bytes) = self.post_raw(body).await;
        serde_json::from_slice(&bytes).unwrap_or_else(|_| {
            panic!(
                "HTTP {status}: {}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(500)])
            )
        })
    }

    /// Sends an encoded request and checks that it succeeded (HTTP 200, no `errors`) without
    /// building the answer's JSON tree: what a load tool does, so the measuring clients take
    /// less of the machine from the server they measure.
    pub async fn send_checked(&self, body: Vec<u8>) {
        /// Only whether `errors` is there; `data` is read past without being kept.
        #[derive(serde::Deserialize)]
        struct Answer {
            errors: Option<serde::de::IgnoredAny>,
        }
        let (status, bytes) = self.post_raw(body).await;
        let answer: Option<Answer> = serde_json::from_slice(&bytes).ok();
        assert!(
            status.is_success() && answer.is_some_and(|a| a.errors.is_none()),
            "HTTP {status}: {}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(500)])
        );
    }

    /// The data of a successful operation; panics on any error.
    pub async fn ok(&self, query: &str, variables: Value) -> Value {
        let body =
            serde_json::to_vec(&json!({ "query": query, "variables": variables })).expect("encode");
        let answer = self.post_body(body).await;
        assert!(
            answer.get("errors").is_none(),
            "unexpected errors: {answer:#}"
        );
        answer["data"].clone()
    }

    /// Signs in, returning the session cookie (`name=value`) as well.
    pub async fn sign_in(&self, email: &str, cookie_name: &str) -> String {
        let response = self
            .http
            .post(format!("{}/graphql", self.base))
            .header("origin", &self.base)
            .json(&json!({
                "query": "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }",
                "variables": { "e": email, "p": PASSWORD }
            }))
            .send()
            .await
            .expect("sign in");
        let cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{cookie_name}=")))
            .and_then(|v| v.split(';').next())
            .map(str::to_owned);
        let body: Value = response.json().await.expect("json");
        assert!(body.get("errors").is_none(), "sign in refused: {body:#}");
        cookie.expect("session cookie")
    }

    /// Creates a review with member agencies and members (`(user id, "MEMBER")`).
    pub async fn create_review(
        &self,
        reference: &str,
        agencies: &[&str],
        members: &[&str],
    ) -> String {
        let input = json!({
            "reference": reference,
            "kind": "SERIOUS_CASE_REVIEW",
            "subject": "Child A",
            "themes": ["Neglect"],
            "methodology": "SILP",
            "incidentYear": 2024,
            "regimeId": "wt2015",
            "notifiedOn": "2024-03-01",
            "agencyIds": agencies,
            "members": members
                .iter()
                .map(|id| json!({ "userId": id, "role": "MEMBER" }))
                .collect::<Vec<_>>(),
        });
        self.ok(
            "mutation($i: ReviewInput!) { createReview(input: $i) { id } }",
            json!({ "i": input }),
        )
        .await["createReview"]["id"]
            .as_str()
            .expect("review id")
            .to_owned()
    }

    /// The id of the caller's own chronology return on `review`.
    pub async fn my_return(&self, review: &str) -> String {
        self.ok(
            "query($id: ID!) { review(id: $id) { myChronologyReturn { id } } }",
            json!({ "id": review }),
        )
        .await["review"]["myChronologyReturn"]["id"]
            .as_str()
            .expect("return id")
            .to_owned()
    }
}

/// The measuring clients' runtime: two worker threads named `clients` (so [`CpuTime`] tells
/// their CPU from the server's).
pub fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("clients")
        .enable_all()
        .build()
        .expect("client runtime")
}

/// A file's bytes as the browser app sends them (base64).
pub fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Sends `body` from `connections` clients at once, `rounds` times each, so every database
/// connection the measurement will use is opened and has its statements prepared first.
pub async fn warm_up(client: &Client, connections: usize, rounds: usize, body: &[u8]) {
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            let client = client.clone();
            let body = body.to_vec();
            tokio::spawn(async move {
                for _ in 0..rounds {
                    client.post_body(body.clone()).await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("warm-up task");
    }
}

/// Deterministic pseudo-random numbers (xorshift), so every run sees the same data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Milliseconds, for printing.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The nearest-rank percentile `p` (0–100) of sorted values.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The median of values (any order).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    percentile(&sorted, 50.0)
}

/// CPU time used so far (user and system, seconds) by this process (server and clients)
/// and by every PostgreSQL process, read from `/proc` (Linux; zero elsewhere). Differences
/// over a measurement, divided by its requests, give the CPU a request costs, which wanders
/// far less than latency on a shared machine.
#[derive(Debug, Clone, Copy)]
pub struct CpuTime {
    /// Threads of this process named `clients` (the measuring clients' runtime).
    pub clients: f64,
    /// Every other thread of this process: the server, its pool and blocking threads.
    pub server: f64,
    pub postgres: f64,
    /// The whole machine, from `/proc/stat`: every CPU's busy time, and the time the
    /// hypervisor kept the CPUs from this machine (steal).
    pub machine_busy: f64,
    pub steal: f64,
    pub at: std::time::Instant,
}

/// CPU time per request, in microseconds, and what else the machine did meanwhile.
pub struct CpuPerRequest {
    pub server: f64,
    pub clients: f64,
    pub postgres: f64,
    /// Busy time of every other process on the machine, as a share of all CPUs' time.
    pub others_share: f64,
    /// Time the hypervisor took the CPUs away, as a share of all CPUs' time.
    pub steal_share: f64,
}

impl CpuTime {
    pub fn now() -> CpuTime {
        let mut postgres = 0.0;
        if let Ok(dir) = std::fs::read_dir("/proc") {
            for entry in dir.flatten() {
                let path = entry.path();
                let is_postgres = std::fs::read_to_string(path.join("comm"))
                    .is_ok_and(|comm| comm.trim() == "postgres");
                if is_postgres {
                    postgres += process_seconds(&path.join("stat"));
                }
            }
        }
        // Threads that ended are no longer listed: the process total minus the clients'
        // threads counts them as the server's.
        let mut clients = 0.0;
        if let Ok(dir) = std::fs::read_dir("/proc/self/task") {
            for entry in dir.flatten() {
                let path = entry.path();
                let is_client = std::fs::read_to_string(path.join("comm"))
                    .is_ok_and(|comm| comm.trim().starts_with("clients"));
                if is_client {
                    clients += process_seconds(&path.join("stat"));
                }
            }
        }
        let this_process = process_seconds(std::path::Path::new("/proc/self/stat"));
        let (machine_busy, steal) = machine_seconds();
        CpuTime {
            clients,
            server: this_process - clients,
            postgres,
            machine_busy,
            steal,
            at: std::time::Instant::now(),
        }
    }

    /// The CPU time per request since `start`.
    pub fn per_request_since(start: CpuTime, requests: usize) -> CpuPerRequest {
        let now = CpuTime::now();
        let per = |seconds: f64| seconds * 1e6 / requests.max(1) as f64;
        let ours = (now.server - start.server)
            + (now.clients - start.clients)
            + (now.postgres - start.postgres);
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
        let all = (now.at - start.at).as_secs_f64() * cpus;
        CpuPerRequest {
            server: per(now.server - start.server),
            clients: per(now.clients - start.clients),
            postgres: per(now.postgres - start.postgres),
            others_share: ((now.machine_busy - start.machine_busy - ours) / all).max(0.0),
            steal_share: (now.steal - start.steal) / all,
        }
    }
}

/// The machine's busy and stolen CPU time, in seconds, from the first line of `/proc/stat`
/// (`cpu user nice system idle iowait irq softirq steal …`, in ticks of 1/100 s).
fn machine_seconds() -> (f64, f64) {
    let text = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let ticks: Vec<f64> = text
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .map(|v| v.parse().unwrap_or(0.0))
        .collect();
    let at = |i: usize| ticks.get(i).copied().unwrap_or(0.0) / 100.0;
    let busy = at(0) + at(1) + at(2) + at(5) + at(6);
    (busy, at(7))
}

/// utime + stime of one `/proc/<pid>/stat`, in seconds (clock ticks of 1/100 s).
fn process_seconds(stat: &std::path::Path) -> f64 {
    let Ok(text) = std::fs::read_to_string(stat) else {
        return 0.0;
    };
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    let Some((_, rest)) = text.rsplit_once(')') else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // After the name: state is field 3, so utime (14) and stime (15) are at 11 and 12.
    (ticks(11) + ticks(12)) / 100.0
}
