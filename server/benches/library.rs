//! `cargo bench -p server --bench library`: the learning library at scale, and the learning
//! summary's document and slides.
//!
//! Starts the real server in-process (release profile, its own Tokio runtime) on a random
//! loopback port against a fresh database, creates a business-office person through the
//! crate's services, then seeds 2,000 published learning summaries straight into the tables
//! (one review each, every field of the template written, about 1,500 words a summary from
//! a vocabulary of safeguarding words and a few thousand generated ones, three learning
//! points a review) and indexes each review through `server::library::index_review`, 100 to
//! a transaction. It then measures, signed in, `librarySearch(words, first: 20)` from 8
//! concurrent connections over about 1,000 requests of varied words (one common word, two
//! words, a rarer word, a word with a theme; p50/p95/p99 after a warm-up), and
//! `learningSummaryExport` of one full summary as DOCX and as PPTX (median of 10 each,
//! whole round trip including base64). On PostgreSQL the tables are vacuumed and analysed
//! after indexing, as autovacuum would soon after such a load.
//!
//! SQLite always; PostgreSQL too when it answers at `LP_BENCH_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432`), unless `LP_BENCH_SQLITE_ONLY`
//! is set (`LP_BENCH_POSTGRES_ONLY` skips SQLite). Prints
//! numbers only; nothing is asserted on time. The clients run in the same process, so they
//! compete with the server for CPU: the numbers are an upper bound for the server alone.

mod support;

use chrono::{Duration as Days, Utc};
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, EntityTrait, IntoActiveModel, TransactionTrait,
};
use serde_json::json;
use server::entities::{learning_point, learning_summary, review, summary_field};
use shared::auth::Role;
use shared::summary::SummaryField;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;
use support::{median, ms, percentile, Backend, Client, Rng, Server};

const SUMMARIES: usize = 2_000;
const POINTS_PER_REVIEW: usize = 3;
const CONCURRENCY: usize = 8;
const BATCH: usize = 500;
const INDEX_BATCH: usize = 100;
const EXPORTS: usize = 10;
/// Searches measured one at a time, before the concurrent run.
const SEQUENTIAL: usize = 100;

/// The kinds of search measured, in turn.
const KINDS: [&str; 5] = [
    "one common word",
    "two common words",
    "one rarer word",
    "a common word and a theme",
    "a theme, no words",
];

fn requests() -> usize {
    std::env::var("LP_BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000)
}

const SEARCH: &str = "query($w: String, $t: String) { librarySearch(words: $w, theme: $t, first: 20) { kind title excerpt themes summaryId reviewReference } }";

const EXPORT: &str = "query($s: ID!, $f: SummaryExportFormat!) { learningSummaryExport(summaryId: $s, format: $f) { fileName contentBase64 } }";

const THEMES: [&str; 8] = [
    "Neglect",
    "Domestic abuse",
    "Child sexual exploitation",
    "Bruising in babies",
    "Self-harm",
    "Disabled children",
    "Parental mental health",
    "Substance misuse",
];

/// The words of the partnership's reviews, commonest first.
const DOMAIN: &[&str] = &[
    "the",
    "and",
    "of",
    "to",
    "was",
    "in",
    "a",
    "that",
    "were",
    "for",
    "with",
    "child",
    "agencies",
    "not",
    "mother",
    "school",
    "social",
    "care",
    "health",
    "police",
    "family",
    "information",
    "practitioners",
    "visitor",
    "risk",
    "neglect",
    "concerns",
    "referral",
    "assessment",
    "plan",
    "strategy",
    "discussion",
    "meeting",
    "escalation",
    "safeguarding",
    "partnership",
    "review",
    "learning",
    "practice",
    "home",
    "visit",
    "father",
    "partner",
    "baby",
    "bruising",
    "injury",
    "hospital",
    "emergency",
    "department",
    "general",
    "practitioner",
    "midwife",
    "nursery",
    "teacher",
    "attendance",
    "exclusion",
    "housing",
    "tenancy",
    "arrears",
    "domestic",
    "abuse",
    "violence",
    "incident",
    "notification",
    "probation",
    "youth",
    "offending",
    "team",
    "mental",
    "illness",
    "substance",
    "misuse",
    "alcohol",
    "cannabis",
    "supervision",
    "caseload",
    "threshold",
    "early",
    "help",
    "section",
    "forty",
    "seventeen",
    "child",
    "protection",
    "conference",
    "core",
    "group",
    "chronology",
    "record",
    "recording",
    "voice",
    "lived",
    "experience",
    "disguised",
    "compliance",
    "professional",
    "curiosity",
    "challenge",
    "feedback",
    "audit",
    "training",
    "briefing",
    "policy",
    "procedure",
    "multi",
    "agency",
    "single",
    "missed",
    "opportunity",
    "good",
    "evidence",
    "impact",
    "outcome",
    "contact",
    "hub",
    "front",
    "door",
    "consent",
    "sharing",
    "confidentiality",
    "paediatrician",
    "medical",
    "examination",
    "non",
    "mobile",
    "infant",
    "sleep",
    "safe",
    "cot",
    "smoke",
    "overcrowded",
    "poverty",
    "benefits",
    "debt",
    "food",
    "bank",
    "clothing",
    "hygiene",
    "dental",
    "decay",
    "immunisation",
    "appointments",
    "attended",
    "cancelled",
    "engagement",
    "hostile",
    "uncooperative",
    "language",
    "interpreter",
    "culture",
    "faith",
    "community",
    "sibling",
    "grandmother",
    "kinship",
    "foster",
    "placement",
    "looked",
    "after",
    "leaving",
    "care",
    "transition",
    "adolescent",
    "exploitation",
    "county",
    "lines",
    "missing",
    "episodes",
    "return",
    "interviews",
    "online",
    "harm",
    "self",
    "overdose",
    "camhs",
    "waiting",
    "list",
    "disability",
    "autism",
    "communication",
    "needs",
    "education",
    "plan",
    "carer",
    "respite",
    "neglectful",
    "cumulative",
    "drift",
    "delay",
    "handover",
    "transfer",
    "records",
    "systems",
    "electronic",
    "flag",
    "alert",
    "mash",
    "triage",
    "duty",
    "manager",
    "senior",
    "leaders",
    "commissioning",
    "resources",
    "capacity",
    "turnover",
    "agency",
    "staff",
    "vacancies",
];

/// Words nobody has heard of, so the vocabulary has a long tail of rare words.
fn generated_words(n: usize, rng: &mut Rng) -> Vec<String> {
    const SYLLABLES: [&str; 24] = [
        "ba", "ker", "lin", "to", "mer", "shaw", "den", "ful", "ton", "ric", "ves", "pol", "am",
        "dra", "gel", "hurst", "ix", "jor", "kel", "mon", "nor", "pet", "quin", "sa",
    ];
    (0..n)
        .map(|_| {
            let parts = 2 + rng.below(3);
            (0..parts)
                .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
                .collect::<String>()
        })
        .collect()
}

/// A word, commoner words far more often (the cube of a uniform number).
fn word<'a>(vocabulary: &'a [String], rng: &mut Rng) -> &'a str {
    let u = (rng.next() % 1_000_000) as f64 / 1_000_000.0;
    let rank = (u * u * u * vocabulary.len() as f64) as usize;
    &vocabulary[rank.min(vocabulary.len() - 1)]
}

/// About `words` words of prose: sentences of 8 to 20 words, paragraphs of 3 to 6.
fn prose(vocabulary: &[String], words: usize, rng: &mut Rng, list: bool) -> String {
    let mut out = String::new();
    let mut written = 0;
    while written < words {
        let sentences = 3 + rng.below(4);
        let mut paragraph = String::new();
        for _ in 0..sentences {
            let n = 8 + rng.below(13);
            let mut sentence: Vec<String> =
                (0..n).map(|_| word(vocabulary, rng).to_owned()).collect();
            if let Some(first) = sentence.first_mut() {
                let mut chars = first.chars();
                if let Some(c) = chars.next() {
                    *first = c.to_uppercase().chain(chars).collect();
                }
            }
            written += n;
            if list {
                paragraph.push_str("- ");
                paragraph.push_str(&sentence.join(" "));
                paragraph.push_str(".\n");
            } else {
                paragraph.push_str(&sentence.join(" "));
                paragraph.push_str(". ");
            }
        }
        out.push_str(paragraph.trim_end());
        out.push_str("\n\n");
    }
    out.trim_end().to_owned()
}

/// How many words each field gets (about 1,500 in all).
fn words_of(field: SummaryField) -> usize {
    match field {
        SummaryField::DateCompleted | SummaryField::IncidentMonth => 0,
        SummaryField::ReviewTypeAndPurpose => 120,
        SummaryField::CaseLearning => 420,
        SummaryField::MethodologyLearning => 140,
        SummaryField::SingleAgencyLearning => 240,
        SummaryField::MultiAgencyLearning => 280,
        SummaryField::HowChangesWillBeMade => 160,
        SummaryField::HowImpactWillBeAudited => 80,
        SummaryField::OtherComments => 60,
    }
}

fn main() {
    println!(
        "library bench: {SUMMARIES} published summaries (~1,500 words each), {POINTS_PER_REVIEW} learning points a review"
    );
    for backend in support::backends() {
        run(backend);
    }
}

fn run(backend: Backend) {
    let server = Server::start(backend, &[]);
    let office_id = server.person("office@bench.example", &[Role::BusinessOffice], None);
    let mut rng = Rng::new(7);
    let mut vocabulary: Vec<String> = DOMAIN.iter().map(|w| (*w).to_owned()).collect();
    vocabulary.extend(generated_words(4_000, &mut rng));

    let started = Instant::now();
    let (review_ids, summary_ids) =
        server.on_server(seed(server.db(), &office_id, &vocabulary, &mut rng));
    let seeded = started.elapsed();
    let started = Instant::now();
    server.on_server(index(server.db(), &review_ids));
    println!(
        "[{}] seeded {SUMMARIES} summaries in {:.1} s, indexed them in {:.1} s",
        backend.name(),
        seeded.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    server.settle();

    let runtime = support::client_runtime();
    let cookie = server.config.session_cookie_name().to_owned();
    let office = Client::new(&server.base);

    // The searches, in turn: one common word, two common words, a rarer word, a common word
    // with a theme, and a theme alone.
    let total = requests();
    let mut queries = Vec::with_capacity(total);
    for i in 0..total {
        let common = &vocabulary[10 + rng.below(150)];
        let rarer = &vocabulary[160 + rng.below(vocabulary.len() - 160)];
        let theme = THEMES[rng.below(THEMES.len())];
        let (words, theme) = match i % KINDS.len() {
            0 => (Some(common.clone()), None),
            1 => (
                Some(format!("{common} {}", &vocabulary[10 + rng.below(150)])),
                None,
            ),
            2 => (Some(rarer.clone()), None),
            3 => (Some(common.clone()), Some(theme)),
            _ => (None, Some(theme)),
        };
        let body = json!({ "query": SEARCH, "variables": { "w": words, "t": theme } });
        queries.push((i % KINDS.len(), serde_json::to_vec(&body).expect("encode")));
    }
    let queries = Arc::new(queries);

    runtime.block_on(async {
        office.sign_in("office@bench.example", &cookie).await;
        // Warm up (and check that words find something).
        let hits = office
            .ok(SEARCH, json!({ "w": "neglect", "t": null }))
            .await["librarySearch"]
            .as_array()
            .map_or(0, Vec::len);
        assert_eq!(hits, 20, "the library finds a common word");
        for (_, q) in queries.iter().take(20) {
            office.post_body(q.clone()).await;
        }
        support::warm_up(&office, CONCURRENCY, 5, &queries[0].1).await;

        // One connection: what each kind of search costs on its own.
        let mut alone: Vec<Vec<f64>> = vec![Vec::new(); KINDS.len()];
        for (kind, q) in queries.iter().take(SEQUENTIAL) {
            let t = Instant::now();
            office.post_body(q.clone()).await;
            alone[*kind].push(ms(t.elapsed()));
        }
        for (kind, times) in alone.iter().enumerate() {
            println!(
                "[{}] librarySearch on one connection, {}: median {:.1} ms of {}",
                backend.name(),
                KINDS[kind],
                median(times),
                times.len()
            );
        }

        let next = Arc::new(AtomicUsize::new(0));
        let found = Arc::new(AtomicUsize::new(0));
        let wall = Instant::now();
        let tasks: Vec<_> = (0..CONCURRENCY)
            .map(|_| {
                let client = office.clone();
                let next = next.clone();
                let found = found.clone();
                let queries = queries.clone();
                tokio::spawn(async move {
                    let mut times = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some((kind, q)) = queries.get(i) else {
                            break;
                        };
                        let t = Instant::now();
                        let answer = client.post_body(q.clone()).await;
                        times.push((*kind, ms(t.elapsed())));
                        assert!(answer.get("errors").is_none(), "search failed: {answer:#}");
                        found.fetch_add(
                            answer["data"]["librarySearch"].as_array().map_or(0, Vec::len),
                            Ordering::Relaxed,
                        );
                    }
                    times
                })
            })
            .collect();
        let mut timed = Vec::new();
        for t in tasks {
            timed.extend(t.await.expect("client task"));
        }
        let wall = wall.elapsed().as_secs_f64();
        let mut times: Vec<f64> = timed.iter().map(|(_, t)| *t).collect();
        times.sort_by(f64::total_cmp);
        println!(
            "[{}] librarySearch(first: 20), {CONCURRENCY} connections, {} requests of varied words: \
             p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({:.0} req/s, {:.1} hits a search)",
            backend.name(),
            times.len(),
            percentile(&times, 50.0),
            percentile(&times, 95.0),
            percentile(&times, 99.0),
            times.last().copied().unwrap_or(f64::NAN),
            times.len() as f64 / wall,
            found.load(Ordering::Relaxed) as f64 / times.len().max(1) as f64,
        );
        for (kind, name) in KINDS.iter().enumerate() {
            let mut of_kind: Vec<f64> = timed
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, t)| *t)
                .collect();
            of_kind.sort_by(f64::total_cmp);
            println!(
                "[{}]   {name}: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms",
                backend.name(),
                percentile(&of_kind, 50.0),
                percentile(&of_kind, 95.0),
                percentile(&of_kind, 99.0),
            );
        }

        let summary = &summary_ids[0];
        for (format, label) in [("DOCX", "DOCX document"), ("PPTX", "PPTX slides")] {
            let mut runs = Vec::new();
            let mut size = 0;
            for _ in 0..EXPORTS {
                let t = Instant::now();
                let data = office.ok(EXPORT, json!({ "s": summary, "f": format })).await;
                runs.push(ms(t.elapsed()));
                size = data["learningSummaryExport"]["contentBase64"]
                    .as_str()
                    .map_or(0, |s| s.len() * 3 / 4);
            }
            println!(
                "[{}] learningSummaryExport {label} of a full summary (~1,500 words): median {:.1} ms of {EXPORTS}, {:.0} KB",
                backend.name(),
                median(&runs),
                size as f64 / 1e3,
            );
        }
    });
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    server.stop();
}

/// Reviews, their published summaries (every field written) and learning points, inserted
/// in batches. Returns the review ids and the summary ids.
async fn seed(
    db: DatabaseConnection,
    office: &str,
    vocabulary: &[String],
    rng: &mut Rng,
) -> (Vec<String>, Vec<String>) {
    let now = Utc::now();
    let today = now.date_naive();
    let mut reviews = Vec::new();
    let mut summaries = Vec::new();
    let mut fields = Vec::new();
    let mut points = Vec::new();
    for i in 0..SUMMARIES {
        let review_id = format!("review-{i:05}");
        let summary_id = format!("summary-{i:05}");
        // Published over the last two years, newest last.
        let published = now - Days::days(730) + Days::minutes(i as i64 * 525);
        let themes: Vec<&str> = (0..1 + rng.below(3))
            .map(|_| THEMES[rng.below(THEMES.len())])
            .collect();
        reviews.push(review::Model {
            id: review_id.clone(),
            reference: format!("SCR-{}-{i:04}", 2015 + i % 10),
            kind: "SERIOUS_CASE_REVIEW".into(),
            subject: format!("Child {}", char::from(b'A' + (i % 26) as u8)),
            themes: json!(themes).to_string(),
            methodology: "SILP".into(),
            methodology_detail: None,
            incident_month: Some(1 + (i % 12) as i32),
            incident_year: 2015 + (i % 10) as i32,
            regime_id: "wt2015".into(),
            aware_on: None,
            notified_on: today - Days::days(900),
            decision: None,
            decision_justification: None,
            decided_on: None,
            decided_by: None,
            panel_notified_on: None,
            panel_lead_reviewer_names: "[]".into(),
            completed_on: None,
            published_on: None,
            version: 1,
            sharing_tolerance_days: 3,
            gap_threshold_days: 90,
            chronology_shared_at: None,
            returns_due_on: None,
            created_at: published,
            updated_at: published,
        });
        summaries.push(learning_summary::Model {
            id: summary_id.clone(),
            review_id: review_id.clone(),
            state: "PUBLISHED".into(),
            version: 1,
            created_by: office.into(),
            created_at: published,
            updated_at: published,
            published_at: Some(published),
            published_by: Some(office.into()),
            available_until: Some(today + Days::days(365)),
            report_file_name: None,
        });
        for field in SummaryField::ALL {
            let text = match field {
                SummaryField::DateCompleted => published.format("%-d %B %Y").to_string(),
                SummaryField::IncidentMonth => "March 2016".into(),
                f => prose(
                    vocabulary,
                    words_of(*f),
                    rng,
                    matches!(
                        f,
                        SummaryField::SingleAgencyLearning | SummaryField::MultiAgencyLearning
                    ),
                ),
            };
            fields.push(summary_field::Model {
                summary_id: summary_id.clone(),
                field: field.code().into(),
                text,
                version: 1,
                updated_by: office.into(),
                updated_at: published,
            });
        }
        for p in 0..POINTS_PER_REVIEW {
            points.push(learning_point::Model {
                id: format!("lp-{i:05}-{p}"),
                review_id: review_id.clone(),
                title: prose(vocabulary, 5, rng, false)
                    .split_whitespace()
                    .take(6)
                    .collect::<Vec<_>>()
                    .join(" "),
                detail: prose(vocabulary, 40, rng, false),
                scope: if p == 0 {
                    "MULTI_AGENCY"
                } else {
                    "SINGLE_AGENCY"
                }
                .into(),
                kind: "NEEDS_IMPROVEMENT".into(),
                themes: json!([THEMES[rng.below(THEMES.len())]]).to_string(),
                sources: "{}".into(),
                committee_id: None,
                created_by: office.into(),
                created_at: published,
                updated_at: published,
                version: 1,
            });
        }
        summaries
            .last()
            .map(|s| s.id.clone())
            .into_iter()
            .for_each(drop);
    }
    let review_ids: Vec<String> = reviews.iter().map(|r| r.id.clone()).collect();
    let summary_ids: Vec<String> = summaries.iter().map(|s| s.id.clone()).collect();
    insert(&db, reviews).await;
    insert(&db, summaries).await;
    insert(&db, fields).await;
    insert(&db, points).await;
    (review_ids, summary_ids)
}

/// Puts every review in the library, [`INDEX_BATCH`] to a transaction.
async fn index(db: DatabaseConnection, review_ids: &[String]) {
    for chunk in review_ids.chunks(INDEX_BATCH) {
        let txn = db.begin().await.expect("begin");
        for id in chunk {
            server::library::index_review(&txn, id)
                .await
                .expect("indexed");
        }
        txn.commit().await.expect("commit");
    }
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
            .exec_without_returning(db)
            .await
            .expect("insert batch");
    }
}
