//! `cargo bench -p server --bench live`: how fast a change reaches the people watching a
//! review. Targets: "a change reaches 200 subscribed clients: p99 <= 100 ms on one
//! instance", and p99 <= 250 ms from one instance to subscribers on another.
//!
//! Starts the real server in-process (release profile, its own Tokio runtime) on a random
//! loopback port against a fresh SQLite database, then (when PostgreSQL answers; see
//! `LP_BENCH_SQLITE_ONLY`) against a fresh PostgreSQL database, and there also a second
//! instance on the same database: the changes are made through the first, the clients
//! subscribe on the second. For each it opens 200 WebSocket clients speaking
//! `graphql-transport-ws` (20 business-office people signed in, 10 connections each, each
//! with the session cookie and the site's `origin`) that subscribe to
//! `reviewChanged(reviewId)`, then an agency representative adds 50 chronology entries
//! one after another with a short pause. For every (client, change) it measures the time
//! from just before the mutation was sent to the client reading the matching `next`
//! message (kind ENTRY, objectId = the new entry), and also from the mutation's response.
//! PRESENCE events (every subscription announces itself) are ignored; one warm-up change
//! that every client must see precedes the measured ones.
//!
//! Prints p50/p95/p99/max of each, then p50/p99 of every setup side by side; nothing is
//! asserted on time. The clients run in the same
//! process (on a second runtime), so on a small machine they compete with the server for
//! CPU: the numbers are an upper bound for the server alone.

mod support;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use shared::auth::Role;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use support::{ms, percentile, Backend, Client, Server};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

const CLIENTS: usize = 200;
/// Distinct signed-in people the clients are spread over.
const PEOPLE: usize = 20;
const CHANGES: usize = 50;
const PAUSE: Duration = Duration::from_millis(100);
const ONE_TARGET: &str = "p99 <= 100 ms on one instance";
const TWO_TARGET: &str = "p99 <= 250 ms across instances";

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// What a client tells the bench.
enum Report {
    /// Its subscription delivered its first message (so it is live).
    Ready,
    /// An ENTRY change arrived at `at`.
    Entry {
        client: usize,
        object_id: String,
        at: Instant,
    },
    /// Anything unexpected (an error, a RESYNC, a closed socket).
    Odd(usize, String),
}

fn main() {
    let load_before = load_average();
    let clients = support::client_runtime();
    let mut figures: Vec<(String, &str, Vec<f64>)> = Vec::new();
    for backend in support::backends() {
        let server = Server::start(backend, &[]);
        let (pol, rep_id) = seed(&server);
        let label = format!("{}, one instance", backend.name());
        println!("\n== {label} ==");
        let delivered = clients.block_on(run(
            &server,
            &server,
            &pol,
            &rep_id,
            "SCR-2024-LIVE1",
            ONE_TARGET,
        ));
        figures.push((label, ONE_TARGET, delivered));
        if backend == Backend::Postgres {
            // A second instance on the same database: the change is made through the first,
            // the subscribers are on the second (through PostgreSQL LISTEN/NOTIFY).
            let second = server.another(&[]);
            let label = "PostgreSQL, two instances (change on A, subscribers on B)".to_string();
            println!("\n== {label} ==");
            let delivered = clients.block_on(run(
                &server,
                &second,
                &pol,
                &rep_id,
                "SCR-2024-LIVE2",
                TWO_TARGET,
            ));
            figures.push((label, TWO_TARGET, delivered));
            second.stop();
        }
        server.stop();
    }
    clients.shutdown_timeout(Duration::from_secs(2));
    println!("\nfrom just before the mutation was sent to a subscriber reading the change:");
    for (label, target, values) in &figures {
        println!(
            "  {label}: n={} p50={:.2} ms p99={:.2} ms (target {target})",
            values.len(),
            percentile(values, 50.0),
            percentile(values, 99.0),
        );
    }
    println!(
        "machine: {} CPUs; load average before {load_before}, after {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load_average()
    );
}

/// A police agency, its representative and the business-office people the clients sign in
/// as; answers the agency's and the representative's ids.
fn seed(server: &Server) -> (String, String) {
    let pol = server.agency("Northshire Police", "POL");
    let rep_id = server.person(
        "rep@bench.example",
        &[Role::AgencyRepresentative],
        Some(&pol),
    );
    for i in 0..PEOPLE {
        server.person(
            &format!("office{i}@bench.example"),
            &[Role::BusinessOffice],
            None,
        );
    }
    (pol, rep_id)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// Measures one round: `CLIENTS` subscribers on `watched`, the changes made through
/// `server` (the same server, or another instance on its database). Answers the sorted
/// latencies from just before each mutation was sent.
async fn run(
    server: &Server,
    watched: &Server,
    pol: &str,
    rep_id: &str,
    reference: &str,
    target: &str,
) -> Vec<f64> {
    let cookie_name = server.config.session_cookie_name();
    let office = Client::new(&server.base);
    office.sign_in("office0@bench.example", cookie_name).await;
    let review = office.create_review(reference, &[pol], &[rep_id]).await;
    let rep = Client::new(&server.base);
    rep.sign_in("rep@bench.example", cookie_name).await;
    let return_id = rep.my_return(&review).await;
    let mut cookies = Vec::new();
    for i in 0..PEOPLE {
        let email = format!("office{i}@bench.example");
        cookies.push(
            Client::new(&watched.base)
                .sign_in(&email, cookie_name)
                .await,
        );
    }

    let (tx, mut rx) = mpsc::unbounded_channel();
    let (stop, stopped) = watch::channel(false);
    let opening = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..CLIENTS {
        let socket = subscribe(watched, &cookies[client % PEOPLE], &review).await;
        tasks.push(tokio::spawn(listen(
            client,
            socket,
            tx.clone(),
            stopped.clone(),
        )));
    }
    drop(tx);
    let mut ready = 0;
    while ready < CLIENTS {
        match next_report(&mut rx, Duration::from_secs(30)).await {
            Report::Ready => ready += 1,
            Report::Entry { .. } => {}
            Report::Odd(client, what) => panic!("client {client}: {what}"),
        }
    }
    println!(
        "{CLIENTS} clients ({PEOPLE} people) subscribed and live in {:.2} s",
        opening.elapsed().as_secs_f64()
    );
    // Let the burst of PRESENCE events from 200 arrivals drain.
    tokio::time::sleep(Duration::from_secs(2)).await;

    // Warm-up: one change every client must see before measuring.
    let warm_up = add_entry(&rep, &return_id, 0).await;
    let mut seen = 0;
    while seen < CLIENTS {
        match next_report(&mut rx, Duration::from_secs(30)).await {
            Report::Entry { object_id, .. } if object_id == warm_up => seen += 1,
            Report::Odd(client, what) => panic!("client {client}: {what}"),
            _ => {}
        }
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    // The measured changes, one after another.
    let mut sent: HashMap<String, (usize, Instant, Instant)> = HashMap::new();
    let mut round_trips = Vec::new();
    for i in 1..=CHANGES {
        let before = Instant::now();
        let id = add_entry(&rep, &return_id, i).await;
        let answered = Instant::now();
        round_trips.push(ms(answered - before));
        sent.insert(id, (i - 1, before, answered));
        tokio::time::sleep(PAUSE).await;
    }

    // Collect every delivery (they mostly arrived already, buffered in the channel).
    let mut from_send = Vec::with_capacity(CLIENTS * CHANGES);
    let mut from_response = Vec::with_capacity(CLIENTS * CHANGES);
    let mut complete = vec![0.0_f64; CHANGES];
    let mut per_change = vec![0_usize; CHANGES];
    let mut odd = Vec::new();
    let mut duplicates = 0;
    let mut got: std::collections::HashSet<(usize, usize)> = Default::default();
    while from_send.len() < CLIENTS * CHANGES {
        let report = match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
            Ok(Some(r)) => r,
            _ => break,
        };
        match report {
            Report::Entry {
                client,
                object_id,
                at,
            } => {
                let Some(&(change, before, answered)) = sent.get(&object_id) else {
                    continue;
                };
                if !got.insert((client, change)) {
                    duplicates += 1;
                    continue;
                }
                let latency = ms(at - before);
                from_send.push(latency);
                from_response.push(signed_ms(at, answered));
                complete[change] = complete[change].max(latency);
                per_change[change] += 1;
            }
            Report::Odd(client, what) => odd.push(format!("client {client}: {what}")),
            Report::Ready => {}
        }
    }
    let _ = stop.send(true);
    for task in tasks {
        let _ = task.await;
    }

    let expected = CLIENTS * CHANGES;
    println!(
        "{CHANGES} changes (addChronologyEntry, {} ms apart) x {CLIENTS} clients: {} of {expected} deliveries received{}",
        PAUSE.as_millis(),
        from_send.len(),
        if duplicates > 0 {
            format!(", {duplicates} duplicates")
        } else {
            String::new()
        }
    );
    if per_change.iter().any(|&n| n < CLIENTS) {
        println!("  changes not seen by every client: {:?}", per_change);
    }
    for line in odd.iter().take(10) {
        println!("  unexpected: {line}");
    }
    print_stats(
        &format!("from just before the mutation was sent (target {target})"),
        &mut from_send,
    );
    print_stats(
        "from the mutation's response (negative: the event arrived first)",
        &mut from_response,
    );
    print_stats(
        "until the last of the 200 clients had a change (per change)",
        &mut complete,
    );
    print_stats("mutation round trip (per change)", &mut round_trips);
    from_send
}

fn signed_ms(at: Instant, reference: Instant) -> f64 {
    if at >= reference {
        ms(at - reference)
    } else {
        -ms(reference - at)
    }
}

fn print_stats(what: &str, values: &mut [f64]) {
    values.sort_by(f64::total_cmp);
    println!(
        "  {what}:\n    n={} p50={:.2} ms p95={:.2} ms p99={:.2} ms max={:.2} ms",
        values.len(),
        percentile(values, 50.0),
        percentile(values, 95.0),
        percentile(values, 99.0),
        values.last().copied().unwrap_or(f64::NAN),
    );
}

async fn next_report(rx: &mut mpsc::UnboundedReceiver<Report>, wait: Duration) -> Report {
    tokio::time::timeout(wait, rx.recv())
        .await
        .expect("clients report in time")
        .expect("clients still running")
}

/// Opens a socket as the browser app does, and subscribes to the review's changes.
async fn subscribe(server: &Server, cookie: &str, review_id: &str) -> Socket {
    let mut request = server
        .ws_url
        .as_str()
        .into_client_request()
        .expect("request");
    let headers = request.headers_mut();
    headers.insert("origin", server.base.parse().expect("origin"));
    headers.insert("cookie", cookie.parse().expect("cookie"));
    headers.insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().expect("protocol"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connect");
    socket
        .send(Message::text(
            json!({ "type": "connection_init" }).to_string(),
        ))
        .await
        .expect("init");
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("connection_ack in time")
            .expect("open")
            .expect("readable");
        if let Message::Text(text) = message {
            let ack: Value = serde_json::from_str(&text).expect("json");
            assert_eq!(ack["type"], "connection_ack", "{ack}");
            break;
        }
    }
    let subscribe = json!({
        "id": "1",
        "type": "subscribe",
        "payload": {
            "query": "subscription($r: ID!) { reviewChanged(reviewId: $r) { kind objectId } }",
            "variables": { "r": review_id }
        }
    });
    socket
        .send(Message::text(subscribe.to_string()))
        .await
        .expect("subscribe");
    socket
}

/// Reads a client's socket until told to stop, reporting ENTRY changes with the moment
/// each was read (taken before the message is parsed).
async fn listen(
    client: usize,
    mut socket: Socket,
    reports: mpsc::UnboundedSender<Report>,
    mut stop: watch::Receiver<bool>,
) {
    let mut ready = false;
    loop {
        let message = tokio::select! {
            m = socket.next() => m,
            _ = stop.changed() => break,
        };
        let at = Instant::now();
        let text = match message {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(_)) => continue,
            Some(Err(e)) => {
                let _ = reports.send(Report::Odd(client, format!("socket error: {e}")));
                return;
            }
            None => {
                let _ = reports.send(Report::Odd(client, "socket closed".into()));
                return;
            }
        };
        let message: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(_) => {
                let _ = reports.send(Report::Odd(client, format!("not JSON: {text}")));
                continue;
            }
        };
        match message["type"].as_str() {
            Some("next") => {
                if !ready {
                    ready = true;
                    let _ = reports.send(Report::Ready);
                }
                let change = &message["payload"]["data"]["reviewChanged"];
                match change["kind"].as_str() {
                    Some("ENTRY") => {
                        let _ = reports.send(Report::Entry {
                            client,
                            object_id: change["objectId"].as_str().unwrap_or_default().into(),
                            at,
                        });
                    }
                    // RESYNC (changes were missed), or an error instead of data.
                    Some("RESYNC") | None => {
                        let _ = reports.send(Report::Odd(client, text.to_string()));
                    }
                    // PRESENCE and the rest.
                    Some(_) => {}
                }
            }
            Some("ping") => {
                let pong = json!({ "type": "pong" }).to_string();
                let _ = socket.send(Message::text(pong)).await;
            }
            Some("pong") => {}
            _ => {
                let _ = reports.send(Report::Odd(client, text.to_string()));
            }
        }
    }
    let _ = socket.close(None).await;
}

const EVENTS: &[&str] = &[
    "Home visit, mother present, child seen and spoken to alone",
    "Telephone call from school about attendance",
    "Strategy discussion with police and health",
    "A&E attendance, minor head injury, explanation consistent",
    "Referral received from health visitor",
];

/// Adds one entry to the representative's return, returning its id.
async fn add_entry(rep: &Client, return_id: &str, i: usize) -> String {
    let input = json!({
        "startDate": format!("{}/{}/{}", i % 28 + 1, i % 12 + 1, 2015 + i % 9),
        "source": format!("POL-{i}"),
        "event": format!("{} ({i})", EVENTS[i % EVENTS.len()]),
        "sharedWith": []
    });
    rep.ok(
        "mutation($r: ID!, $i: EntryInput!) { addChronologyEntry(returnId: $r, input: $i) { id } }",
        json!({ "r": return_id, "i": input }),
    )
    .await["addChronologyEntry"]["id"]
        .as_str()
        .expect("entry id")
        .to_owned()
}
