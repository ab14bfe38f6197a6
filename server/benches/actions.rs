//! `cargo bench -p server --bench actions`: the master action plan at scale. Targets: "the
//! first page of 10,000 actions: p99 <= 50 ms" and "XLSX of 10,000 actions <= 2 s".
//!
//! Starts the real server in-process (release profile, its own Tokio runtime) on a random
//! loopback port against a fresh database, creates 30 agencies and a business-office person
//! through the crate's services and 20 reviews over GraphQL, then seeds 10,000 actions (500
//! a review, 50 a learning point, owners spread over the 30 agencies, every other action with
//! a progress update) straight into the tables in batches. It then measures, as the business
//! office, the first page of `actions(first: 50)` from 32 concurrent connections (p50/p95/p99/
//! p99.9 over 2,000 requests (`LP_BENCH_REQUESTS`) after a warm-up; each answer is checked for errors without being
//! kept), and `actionsExport(format: XLSX)` of all 10,000
//! (median of 3, whole round trip including base64). On PostgreSQL the tables are vacuumed
//! and analysed after seeding, as autovacuum would soon after such a load.
//!
//! SQLite always; PostgreSQL too when it answers at `LP_BENCH_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432`), unless `LP_BENCH_SQLITE_ONLY`
//! is set (`LP_BENCH_POSTGRES_ONLY` skips SQLite). Prints
//! numbers only; nothing is asserted on time. The clients run in the same process, so they
//! compete with the server for CPU: the numbers are an upper bound for the server alone.

mod support;

use chrono::{Duration as Days, Utc};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, IntoActiveModel};
use serde_json::json;
use server::entities::{action, action_update, learning_point, recommendation};
use shared::auth::Role;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;
use support::{median, ms, percentile, Backend, Client, Server};

const AGENCIES: usize = 30;
const REVIEWS: usize = 20;
const ACTIONS: usize = 10_000;
const POINTS_PER_REVIEW: usize = 10;
const CONCURRENCY: usize = 32;
const BATCH: usize = 500;

fn requests() -> usize {
    std::env::var("LP_BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

const FIRST_PAGE: &str = "{ actions(first: 50) { totalCount nodes { id reference title status \
    overdue rag targetDate reviewReference ownerAgency { id prefix colour } ownerPerson { id } } \
    pageInfo { endCursor hasNextPage } } }";

const EXPORT: &str = "{ actionsExport(format: XLSX) { fileName mediaType contentBase64 } }";

fn main() {
    println!("actions bench: {ACTIONS} actions, {AGENCIES} agencies, {REVIEWS} reviews");
    for backend in support::backends() {
        run(backend);
    }
}

fn run(backend: Backend) {
    let server = Server::start(backend, &[]);
    let agencies: Vec<String> = (0..AGENCIES)
        .map(|i| {
            let prefix = format!(
                "A{}{}",
                char::from(b'A' + (i / 26) as u8),
                char::from(b'A' + (i % 26) as u8)
            );
            server.agency(&format!("Agency {i}"), &prefix)
        })
        .collect();
    let office_id = server.person("office@bench.example", &[Role::BusinessOffice], None);
    let runtime = support::client_runtime();
    let cookie = server.config.session_cookie_name().to_owned();
    let office = Client::new(&server.base);
    let reviews: Vec<String> = runtime.block_on(async {
        office.sign_in("office@bench.example", &cookie).await;
        let mut ids = Vec::new();
        for r in 0..REVIEWS {
            ids.push(
                office
                    .create_review(&format!("SCR-2024-B{r:02}"), &[], &[])
                    .await,
            );
        }
        ids
    });
    let started = Instant::now();
    server.on_server(seed(server.db(), &reviews, &agencies, &office_id));
    server.settle();
    println!(
        "[{}] seeded {ACTIONS} actions in {:.1} s",
        backend.name(),
        started.elapsed().as_secs_f64()
    );

    runtime.block_on(async {
        // Warm up (and check the count).
        let first = office.ok(FIRST_PAGE, json!({})).await;
        assert_eq!(first["actions"]["totalCount"], ACTIONS);
        let body = serde_json::to_vec(&json!({ "query": FIRST_PAGE })).expect("encode");
        support::warm_up(&office, CONCURRENCY, 5, &body).await;

        let total = requests();
        let next = Arc::new(AtomicUsize::new(0));
        let cpu = support::CpuTime::now();
        let wall = Instant::now();
        let tasks: Vec<_> = (0..CONCURRENCY)
            .map(|_| {
                let client = office.clone();
                let next = next.clone();
                let body = body.clone();
                tokio::spawn(async move {
                    let mut times = Vec::new();
                    while next.fetch_add(1, Ordering::Relaxed) < total {
                        let t = Instant::now();
                        client.send_checked(body.clone()).await;
                        times.push(ms(t.elapsed()));
                    }
                    times
                })
            })
            .collect();
        let mut times = Vec::new();
        for t in tasks {
            times.extend(t.await.expect("client task"));
        }
        let wall = wall.elapsed().as_secs_f64();
        let cpu = support::CpuTime::per_request_since(cpu, times.len());
        times.sort_by(f64::total_cmp);
        println!(
            "[{}] first page of actions(first: 50), {CONCURRENCY} connections, {} requests: \
             p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, p99.9 {:.1} ms, max {:.1} ms ({:.0} req/s; \
             target p99 <= 50 ms, p99.9 < 2 × p99); \
             CPU a request: {:.0} µs server, {:.0} µs clients, {:.0} µs PostgreSQL; \
             meanwhile other processes used {:.0} % of the CPUs and the hypervisor took {:.0} %",
            backend.name(),
            times.len(),
            percentile(&times, 50.0),
            percentile(&times, 95.0),
            percentile(&times, 99.0),
            percentile(&times, 99.9),
            times.last().copied().unwrap_or(f64::NAN),
            times.len() as f64 / wall,
            cpu.server,
            cpu.clients,
            cpu.postgres,
            cpu.others_share * 100.0,
            cpu.steal_share * 100.0,
        );

        let mut exports = Vec::new();
        let mut size = 0;
        for _ in 0..3 {
            let t = Instant::now();
            let data = office.ok(EXPORT, json!({})).await;
            exports.push(ms(t.elapsed()));
            size = data["actionsExport"]["contentBase64"]
                .as_str()
                .map_or(0, |s| s.len() * 3 / 4);
        }
        println!(
            "[{}] XLSX export of {ACTIONS} actions: median {:.0} ms of {:?} ms, {:.1} MB \
             (target <= 2000 ms)",
            backend.name(),
            median(&exports),
            exports.iter().map(|t| t.round()).collect::<Vec<_>>(),
            size as f64 / 1e6,
        );
    });
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    server.stop();
}

/// Learning points, recommendations, actions and updates, inserted in batches.
async fn seed(db: DatabaseConnection, reviews: &[String], agencies: &[String], office: &str) {
    let now = Utc::now();
    let today = now.date_naive();
    let mut rng = support::Rng::new(42);
    let mut points = Vec::new();
    let mut recommendations = Vec::new();
    for (r, review) in reviews.iter().enumerate() {
        for p in 0..POINTS_PER_REVIEW {
            let id = format!("lp-{r}-{p}");
            points.push(learning_point::Model {
                id: id.clone(),
                review_id: review.clone(),
                title: format!("Learning point {p} of review {r}"),
                detail: "Agencies did not share what they knew in time.".into(),
                scope: "MULTI_AGENCY".into(),
                kind: "NEEDS_IMPROVEMENT".into(),
                themes: json!(["Neglect"]).to_string(),
                sources: "{}".into(),
                committee_id: None,
                created_by: office.into(),
                created_at: now,
                updated_at: now,
                version: 1,
            });
            recommendations.push(recommendation::Model {
                id: format!("rec-{r}-{p}"),
                learning_point_id: id,
                text: "Invite every agency to every strategy discussion.".into(),
                created_by: office.into(),
                created_at: now,
            });
        }
    }
    insert(&db, points).await;
    insert(&db, recommendations).await;
    let statuses = [
        "NOT_STARTED",
        "IN_PROGRESS",
        "COMPLETED",
        "IMPACT_EVIDENCED",
    ];
    let per_review = ACTIONS / reviews.len();
    let mut actions = Vec::new();
    let mut updates = Vec::new();
    for i in 0..ACTIONS {
        let r = i / per_review;
        let n = i % per_review;
        let p = n % POINTS_PER_REVIEW;
        let created = now - Days::days(400) + Days::seconds(i as i64);
        let id = format!("action-{i:05}");
        let status = statuses[rng.below(statuses.len())];
        actions.push(action::Model {
            id: id.clone(),
            recommendation_id: format!("rec-{r}-{p}"),
            review_id: reviews[r].clone(),
            reference: format!("SCR-2024-B{r:02}/A{}", n + 1),
            title: format!("Action {i}: brief every team on the escalation policy"),
            owner_agency_id: agencies[rng.below(agencies.len())].clone(),
            owner_person_id: None,
            target_on: today - Days::days(200) + Days::days(rng.below(400) as i64),
            target_date_reason: None,
            status: status.into(),
            rag_override: None,
            rag_override_reason: None,
            evidence_of_impact: (status == "IMPACT_EVIDENCED")
                .then(|| "Audit of 20 cases showed the policy followed.".into()),
            impact_audit: Some("Re-audit in six months".into()),
            committee_id: None,
            version: 1,
            created_by: office.into(),
            created_at: created,
            updated_at: created,
        });
        if i % 2 == 0 {
            updates.push(action_update::Model {
                id: format!("update-{i:05}"),
                action_id: id,
                author_id: office.into(),
                at: created + Days::days(1),
                text: "Briefings delivered to half the teams.".into(),
                status_after: status.into(),
            });
        }
    }
    insert(&db, actions).await;
    insert(&db, updates).await;
}

async fn insert<M>(db: &DatabaseConnection, rows: Vec<M>)
where
    M: IntoActiveModel<<M::Entity as EntityTrait>::ActiveModel> + sea_orm::ModelTrait,
    <M::Entity as EntityTrait>::ActiveModel: ActiveModelTrait<Entity = M::Entity> + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<_> = rows
            .by_ref()
            .take(BATCH)
            .map(IntoActiveModel::into_active_model)
            .collect();
        <M::Entity as EntityTrait>::insert_many(batch)
            .exec(db)
            .await
            .expect("insert batch");
    }
}
