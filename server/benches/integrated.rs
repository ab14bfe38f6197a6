//! `cargo bench -p server --bench integrated`: reading a large integrated chronology. Issue
//! 16's targets: "<= 30 ms of server CPU for the first screenful, and for a full read <= 1 MB"
//! (measured before this bench: one full read of a 5,000-entry, four-agency chronology cost
//! 178 ms of server CPU and sent 3.1 MB).
//!
//! Starts the real server in-process (release profile, its own Tokio runtime) on a fresh
//! database; four agencies each upload 1,250 entries through `confirmChronologyImport` (CSV,
//! as the browser sends it) and submit, so the review has 5,000. Then, as the business office
//! and with the browser app's own documents (`frontend/graphql/chronology.graphql`):
//! - the app's first read (`Chronology` with `first: 400`, the first screenful or so, with
//!   duplicate groups, sharing, gaps and annotations): CPU per read and bytes;
//! - the rest in the app's windows (`IntegratedEntries`, 2,500 at a time): bytes in all;
//! - a full read in one request (`Chronology` with `first: null`), served from the merge kept
//!   for the review, and merged anew (the review's settings changed before each read, the
//!   change itself not counted);
//! - after a change, the patch each viewer reads (`IntegratedChanges`: the entries changed
//!   since the version it shows, the rest of the chronology whole);
//! - the annotations alone (`IntegratedAnnotations`, what a viewer reads after an annotation);
//! - 32 readers at once of the first read: reads a second.
//!
//! CPU is this process's (server and in-process clients: an upper bound for the server) and
//! PostgreSQL's, per read, from `/proc`. SQLite always; PostgreSQL when it answers at
//! `LP_BENCH_POSTGRES_URL`. Prints numbers only; nothing is asserted on time.

mod support;

use serde_json::{json, Value};
use shared::auth::Role;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;
use support::{base64, median, ms, Backend, Client, CpuTime, Rng, Server};

const AGENCIES: usize = 4;
const PER_AGENCY: usize = 1_250;
const FIRST: i64 = 400;
const WINDOW: i64 = 2_500;
const READS: usize = 20;
const CONCURRENCY: usize = 32;
const CONCURRENT_READS: usize = 320;

const DOCUMENTS: &str = include_str!("../../frontend/graphql/chronology.graphql");

const PHRASES: &[&str] = &[
    "Strategy discussion held about bruising to the child's arm, police and social care present",
    "Home visit to mother, house untidy, child seen asleep upstairs, no food in the fridge",
    "Referral received from school about poor attendance and concerns about neglect",
    "A&E attendance with head injury, explanation given by mother was consistent",
    "Initial child protection conference, plan agreed under the category of neglect",
    "Telephone call with the health visitor about missed developmental appointments",
    "Police attended a domestic incident at the home address, children present and upset",
    "GP appointment, mother anxious, medication reviewed and counselling offered",
    "Core group meeting, progress on the plan reviewed, school attendance improved",
    "Missed health visitor contact, card left at the door, no reply to calls",
];
const TYPES: &[&str] = &[
    "Strategy discussion",
    "Home visit",
    "Referral",
    "A&E attendance",
    "Child protection conference",
    "Telephone call",
    "Police attendance",
    "GP appointment",
    "Core group",
    "Contact",
];

fn main() {
    println!(
        "integrated chronology bench: {} entries of {AGENCIES} agencies",
        AGENCIES * PER_AGENCY
    );
    for backend in support::backends() {
        run(backend);
    }
}

/// One agency's return as the template's CSV.
fn csv(agency: usize, prefixes: &[String], rng: &mut Rng) -> String {
    let mut out = String::from(
        "Start Date,Start Time,Source of Information,Event Type,Event,Action Taken,Information Shared With\r\n",
    );
    for i in 0..PER_AGENCY {
        let day = 1 + rng.below(28);
        let month = 1 + rng.below(12);
        let year = 2014 + rng.below(6);
        let time = if rng.below(3) == 0 {
            format!("{:02}:{:02}", 8 + rng.below(10), rng.below(4) * 15)
        } else {
            String::new()
        };
        let k = rng.below(PHRASES.len());
        let shared = if rng.below(8) == 0 {
            prefixes[(agency + 1) % prefixes.len()].clone()
        } else {
            String::new()
        };
        out.push_str(&format!(
            "{day:02}/{month:02}/{year},{time},{}-{i},{},\"{} (record {i})\",\"Recorded on the case file\",{shared}\r\n",
            prefixes[agency], TYPES[k], PHRASES[k]
        ));
    }
    out
}

fn body(operation: &str, variables: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "query": DOCUMENTS,
        "operationName": operation,
        "variables": variables,
    }))
    .expect("encode")
}

/// Sends `body` `READS` times one after another: the median time, the bytes of one answer
/// and the CPU per read (this process, PostgreSQL) in ms.
async fn measure(client: &Client, body: &[u8]) -> (f64, usize, f64, f64) {
    measure_as(client, body, false).await
}

/// As [`measure`]; with `gzip`, as a browser accepting gzip (the bytes are those sent).
async fn measure_as(client: &Client, body: &[u8], gzip: bool) -> (f64, usize, f64, f64) {
    let mut times = Vec::new();
    let mut bytes = 0;
    let cpu = CpuTime::now();
    for _ in 0..READS {
        let t = Instant::now();
        let (status, answer) = client.post_raw_as(body.to_vec(), gzip).await;
        times.push(ms(t.elapsed()));
        let zipped = answer.starts_with(&[0x1f, 0x8b]);
        assert_eq!(zipped, gzip, "gzip only when accepted");
        assert!(status.is_success() && (zipped || !answer.starts_with(b"{\"errors\"")));
        bytes = answer.len();
    }
    let cpu = CpuTime::per_request_since(cpu, READS);
    (
        median(&times),
        bytes,
        (cpu.server + cpu.clients) / 1000.0,
        cpu.postgres / 1000.0,
    )
}

fn run(backend: Backend) {
    let server = Server::start(backend, &[]);
    let name = backend.name();
    let prefixes: Vec<String> = (0..AGENCIES)
        .map(|i| format!("AG{}", char::from(b'A' + i as u8)))
        .collect();
    let agencies: Vec<String> = prefixes
        .iter()
        .map(|p| server.agency(&format!("Agency {p}"), p))
        .collect();
    server.person("office@bench.example", &[Role::BusinessOffice], None);
    let reps: Vec<String> = agencies
        .iter()
        .enumerate()
        .map(|(i, a)| {
            server.person(
                &format!("rep{i}@bench.example"),
                &[Role::AgencyRepresentative],
                Some(a),
            )
        })
        .collect();
    let runtime = support::client_runtime();
    let cookie = server.config.session_cookie_name().to_owned();
    let office = Client::new(&server.base);
    runtime.block_on(async {
        office.sign_in("office@bench.example", &cookie).await;
        let agency_ids: Vec<&str> = agencies.iter().map(String::as_str).collect();
        let rep_ids: Vec<&str> = reps.iter().map(String::as_str).collect();
        let review = office
            .create_review("SCR-2024-I01", &agency_ids, &rep_ids)
            .await;
        let mut rng = Rng::new(16);
        let started = Instant::now();
        for i in 0..AGENCIES {
            let rep = Client::new(&server.base);
            rep.sign_in(&format!("rep{i}@bench.example"), &cookie).await;
            let return_id = rep.my_return(&review).await;
            let file = csv(i, &prefixes, &mut rng);
            rep.ok(
                "mutation($r: ID!, $n: String!, $c: String!) { confirmChronologyImport(returnId: $r, fileName: $n, contentBase64: $c) { entryCount } }",
                json!({ "r": return_id, "n": "chronology.csv", "c": base64(file.as_bytes()) }),
            )
            .await;
            rep.ok(
                "mutation($r: ID!) { submitChronologyReturn(returnId: $r) { id } }",
                json!({ "r": return_id }),
            )
            .await;
        }
        println!(
            "[{name}] {} entries uploaded and submitted in {:.1} s",
            AGENCIES * PER_AGENCY,
            started.elapsed().as_secs_f64()
        );

        let first = body(
            "Chronology",
            json!({ "id": review, "anonymised": false, "first": FIRST }),
        );
        let full = body(
            "Chronology",
            json!({ "id": review, "anonymised": false, "first": null }),
        );
        let answer = office.post_body(full.clone()).await;
        let chronology = &answer["data"]["review"]["integratedChronology"];
        let total = chronology["entryCount"].as_i64().unwrap_or_default();
        assert_eq!(total, (AGENCIES * PER_AGENCY) as i64, "{answer:#}");
        println!(
            "[{name}] {} duplicate groups, {} sharing flags, {} gaps",
            chronology["duplicateGroups"].as_array().map_or(0, Vec::len),
            chronology["sharing"].as_array().map_or(0, Vec::len),
            chronology["gaps"].as_array().map_or(0, Vec::len),
        );

        let (t, bytes, cpu, pg) = measure(&office, &first).await;
        println!(
            "[{name}] first read (the app's Chronology, first {FIRST} entries), kept merge: \
             median {t:.1} ms, {:.0} KB, CPU a read {cpu:.1} ms (+ {pg:.1} ms PostgreSQL) \
             (target <= 30 ms server CPU)",
            bytes as f64 / 1e3
        );
        let mut rest = 0;
        let mut offset = FIRST;
        while offset < total {
            let window = body(
                "IntegratedEntries",
                json!({ "id": review, "anonymised": false, "offset": offset, "limit": WINDOW }),
            );
            rest += office.post_raw(window).await.1.len();
            offset += WINDOW;
        }
        println!(
            "[{name}] the rest in windows of {WINDOW}: {:.0} KB; the app's whole load {:.2} MB",
            rest as f64 / 1e3,
            (bytes + rest) as f64 / 1e6
        );
        let (t, bytes, cpu, pg) = measure(&office, &full).await;
        println!(
            "[{name}] full read in one request, kept merge: median {t:.1} ms, {:.2} MB, \
             CPU a read {cpu:.1} ms (+ {pg:.1} ms PostgreSQL) (target <= 1 MB)",
            bytes as f64 / 1e6
        );
        // As browsers receive them: gzipped (the /graphql answers over 16 KiB).
        let (t, zipped, cpu, pg) = measure_as(&office, &first, true).await;
        println!(
            "[{name}] first read gzipped: median {t:.1} ms, {:.0} KB sent, \
             CPU a read {cpu:.1} ms (+ {pg:.1} ms PostgreSQL)",
            zipped as f64 / 1e3
        );
        let (t, zipped, cpu, pg) = measure_as(&office, &full, true).await;
        println!(
            "[{name}] full read gzipped: median {t:.1} ms, {:.2} MB sent ({:.1}x smaller), \
             CPU a read {cpu:.1} ms (+ {pg:.1} ms PostgreSQL) (target <= 1 MB)",
            zipped as f64 / 1e6,
            bytes as f64 / zipped.max(1) as f64
        );

        // Merged anew: the settings move between reads (not counted).
        let settings = "mutation($id: ID!, $i: ChronologySettingsInput!) { setChronologySettings(reviewId: $id, input: $i) { sharingToleranceDays } }";
        let mut times = Vec::new();
        let (mut own, mut postgres) = (0.0, 0.0);
        for n in 0..READS / 2 {
            office
                .ok(
                    settings,
                    json!({ "id": review, "i": { "sharingToleranceDays": 2 + n % 2, "gapThresholdDays": 28 } }),
                )
                .await;
            let cpu = CpuTime::now();
            let t = Instant::now();
            office.send_checked(full.clone()).await;
            times.push(ms(t.elapsed()));
            let used = CpuTime::per_request_since(cpu, 1);
            own += (used.server + used.clients) / 1000.0;
            postgres += used.postgres / 1000.0;
        }
        let reads = (READS / 2) as f64;
        println!(
            "[{name}] full read, merged anew: median {:.1} ms, CPU a read {:.1} ms \
             (+ {:.1} ms PostgreSQL)",
            median(&times),
            own / reads,
            postgres / reads
        );

        // A live change reaches each viewer as a patch (`IntegratedChanges`, what the app
        // reads after a change): the entries changed since the version the viewer shows, the
        // groups, sharing, gaps and annotations whole. The change (the settings) and the
        // first read after it (which merges) are not counted.
        let version = |answer: &Value| {
            answer["data"]["review"]["integratedChronology"]["version"]
                .as_str()
                .expect("version")
                .to_owned()
        };
        // Two changes: the gap threshold (no entry, flag or gap changes: the patch is the
        // page's head alone), then the sharing tolerance (the sharing flags' confirmations
        // move: sent whole).
        for (change, input) in [
            ("gap threshold", json!({ "sharingToleranceDays": 3, "gapThresholdDays": 29 })),
            ("sharing tolerance", json!({ "sharingToleranceDays": 5, "gapThresholdDays": 29 })),
        ] {
            let since = version(&office.post_body(first.clone()).await);
            office.ok(settings, json!({ "id": review, "i": input })).await;
            let now = version(&office.post_body(first.clone()).await);
            assert_ne!(now, since, "the settings changed the merge");
            let patch = body(
                "IntegratedChanges",
                json!({ "id": review, "anonymised": false, "since": since }),
            );
            let answer = office.post_body(patch.clone()).await;
            let changes = &answer["data"]["review"]["integratedChronology"]["changesSince"];
            assert_eq!(changes["entries"], json!([]), "{answer:#}");
            let sent = ["duplicateGroups", "sharing", "gaps"]
                .into_iter()
                .filter(|k| !changes[*k].is_null())
                .collect::<Vec<_>>()
                .join(", ");
            let (t, bytes, cpu, pg) = measure(&office, &patch).await;
            // Answers over 16 KiB are sent gzipped to browsers that accept it.
            let zipped = if bytes > 16 * 1024 {
                let (_, zipped, _, _) = measure_as(&office, &patch, true).await;
                format!("{:.1} KB gzipped", zipped as f64 / 1e3)
            } else {
                "too small to be gzipped".to_owned()
            };
            println!(
                "[{name}] after a change of the {change}, the patch a viewer reads (no entry \
                 changed; sent whole: {}): median {t:.1} ms, {:.1} KB ({zipped}), \
                 CPU a read {cpu:.1} ms (+ {pg:.1} ms PostgreSQL)",
                if sent.is_empty() { "nothing" } else { &sent },
                bytes as f64 / 1e3,
            );
        }

        let notes = body(
            "IntegratedAnnotations",
            json!({ "id": review, "anonymised": false }),
        );
        let (t, bytes, cpu, pg) = measure(&office, &notes).await;
        println!(
            "[{name}] annotations alone: median {t:.1} ms, {:.1} KB, CPU a read {cpu:.1} ms \
             (+ {pg:.1} ms PostgreSQL)",
            bytes as f64 / 1e3
        );

        for (label, request) in [("first read", &first), ("full read", &full)] {
            let next = Arc::new(AtomicUsize::new(0));
            let wall = Instant::now();
            let tasks: Vec<_> = (0..CONCURRENCY)
                .map(|_| {
                    let (client, next, request) = (office.clone(), next.clone(), request.clone());
                    tokio::spawn(async move {
                        while next.fetch_add(1, Ordering::Relaxed) < CONCURRENT_READS {
                            client.send_checked(request.clone()).await;
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.expect("reader");
            }
            println!(
                "[{name}] {CONCURRENCY} readers at once, {label}: {:.1} reads/s",
                CONCURRENT_READS as f64 / wall.elapsed().as_secs_f64()
            );
        }
    });
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    server.stop();
}
