//! Several stateless instances on one database: a session made on one works on the other,
//! and signing out on one ends it on both. Also the demo partnership.

use crate::db_tests;
use crate::helpers::{run, Backend, PASSWORD};
use serde_json::json;
use shared::auth::Role;

async fn sessions_are_shared_by_instances(backend: Backend) {
    run(backend, |first| async move {
        first
            .person("office@test.example", &[Role::BusinessOffice], None)
            .await;
        let second = first.another_instance().await;
        // The browser signs in on the first instance; the session cookie it is given is
        // then sent to the other instance.
        let browser = first.client();
        let jar_cookie = browser
            .http
            .post(format!("{}/graphql", first.base))
            .header("origin", &first.base)
            .json(&json!({
                "query": "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }",
                "variables": { "e": "office@test.example", "p": PASSWORD }
            }))
            .send()
            .await
            .expect("sign in")
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or_default().to_owned())
            .expect("session cookie");
        let on_second = crate::helpers::Client {
            http: reqwest::Client::new(),
            base: second.base.clone(),
        };
        let me = |client: crate::helpers::Client, cookie: String| async move {
            let body: serde_json::Value = client
                .http
                .post(format!("{}/graphql", client.base))
                .header("origin", &client.base)
                .header("cookie", cookie)
                .json(&json!({ "query": "{ me { email } }" }))
                .send()
                .await
                .expect("request")
                .json()
                .await
                .expect("json");
            body["data"]["me"]["email"].as_str().map(str::to_owned)
        };
        assert_eq!(
            me(on_second.clone(), jar_cookie.clone()).await.as_deref(),
            Some("office@test.example")
        );
        browser.ok("mutation { signOut }", json!({})).await;
        assert_eq!(
            me(on_second, jar_cookie).await,
            None,
            "signed out on both instances"
        );
    })
    .await;
}

async fn the_demo_partnership_loads_once(backend: Backend) {
    run(backend, |app| async move {
        assert!(server::demo::seed_if_empty(&app.state).await.expect("seed"));
        assert!(!server::demo::seed_if_empty(&app.state).await.expect("seed again"), "only into an empty database");
        let office = app.client();
        office.sign_in("office@demo.example", server::demo::DEMO_PASSWORD).await;
        let data = office
            .ok("{ agencies { prefix qaMechanisms { text } } dashboard { reference nextMilestone { state } } }", json!({}))
            .await;
        let agencies = data["agencies"].as_array().expect("agencies");
        assert_eq!(agencies.len(), 16, "the framework's partner agencies");
        assert!(agencies.iter().all(|a| !a["qaMechanisms"].as_array().expect("list").is_empty()));
        let refs: Vec<&str> = data["dashboard"].as_array().expect("d").iter().filter_map(|r| r["reference"].as_str()).collect();
        assert_eq!(refs.first().copied(), Some("LCSPR-2026-02"), "the overdue review comes first: {refs:?}");
        assert_eq!(data["dashboard"][0]["nextMilestone"]["state"], "OVERDUE");
        // A published summary on the public pages (signed out) and in the library.
        let public = app.client().ok("{ publishedSummaries { reviewReference available fields { label } } }", json!({})).await;
        assert_eq!(public["publishedSummaries"][0]["reviewReference"], "SCR-2015-07", "{public}");
        assert_eq!(public["publishedSummaries"][0]["available"], true);
        assert_eq!(public["publishedSummaries"][0]["fields"].as_array().map(Vec::len), Some(10));
        let found = office.ok("{ librarySearch(words: \"neglect screening\") { reviewReference } }", json!({})).await;
        assert_eq!(found["librarySearch"][0]["reviewReference"], "SCR-2015-07", "{found}");
        let health = app.client();
        health.sign_in("health.rep@demo.example", server::demo::DEMO_PASSWORD).await;
        assert_eq!(health.ok("{ dashboard { id } }", json!({})).await["dashboard"], json!([]));
    })
    .await;
}

db_tests!(
    sessions_are_shared_by_instances,
    the_demo_partnership_loads_once
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_runs_durable_with_foreign_keys_and_a_busy_timeout() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    run(Backend::Sqlite, |app| async move {
        let pragma = |name: &'static str| {
            let db = app.db().clone();
            async move {
                let row = db
                    .query_one_raw(Statement::from_string(
                        DbBackend::Sqlite,
                        format!("PRAGMA {name}"),
                    ))
                    .await
                    .expect("pragma")
                    .expect("a row");
                row.try_get_by_index::<i64>(0)
                    .map(|n| n.to_string())
                    .or_else(|_| row.try_get_by_index::<String>(0))
                    .expect("value")
            }
        };
        assert_eq!(pragma("journal_mode").await, "wal");
        assert_eq!(pragma("synchronous").await, "2", "FULL");
        assert_eq!(pragma("foreign_keys").await, "1");
        assert_eq!(pragma("busy_timeout").await, "10000");
    })
    .await;
}

/// On PostgreSQL, who has a review open is right whichever instance each person is on: a
/// representative opening the chronology on one instance is seen, live and by query, by the
/// business office on the other, and seen to leave.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presence_is_right_across_instances_on_postgres() {
    use crate::live::{cookie, setup, subscribe, viewer_names, wait_for};
    run(Backend::Postgres, |first| async move {
        let (_office, _rep, review) = setup(&first).await;
        let second = first.another_instance().await;
        let office_on_second = second.client();
        office_on_second
            .sign_in("office@test.example", PASSWORD)
            .await;
        let office_cookie = cookie(&second, "office@test.example").await;
        let mut watching = subscribe(&second, &office_cookie, &review).await;
        let rep_cookie = cookie(&first, "rep@test.example").await;
        let rep_socket = subscribe(&first, &rep_cookie, &review).await;
        // The arrival on the first instance reaches the subscriber on the second.
        let mut seen = false;
        for _ in 0..5 {
            wait_for(&mut watching, "PRESENCE").await;
            let names = viewer_names(&office_on_second, &review).await;
            if names.iter().any(|n| n == "rep POL") {
                assert_eq!(names.len(), 2, "{names:?}");
                seen = true;
                break;
            }
        }
        assert!(
            seen,
            "the representative on the other instance is not listed"
        );
        drop(rep_socket);
        let mut left = false;
        for _ in 0..5 {
            wait_for(&mut watching, "PRESENCE").await;
            if viewer_names(&office_on_second, &review).await == ["office -"] {
                left = true;
                break;
            }
        }
        assert!(
            left,
            "the representative still listed after leaving the other instance"
        );
    })
    .await;
}

/// An instance running as its own process (the release binary's `serve`), to be killed.
struct Process {
    child: std::process::Child,
    app: crate::helpers::TestApp,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Process {
    /// Starts `learning-platform serve` on `like`'s database and waits until it is ready.
    async fn start(like: &crate::helpers::TestApp) -> Process {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let base = format!("http://127.0.0.1:{port}");
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_learning-platform"))
            .args(["serve", "--database-url", &like.database_url])
            .args([
                "--bind",
                &format!("127.0.0.1:{port}"),
                "--public-url",
                &base,
            ])
            .args([
                "--static-dir",
                "/nonexistent",
                "--reminder-interval-secs",
                "0",
            ])
            .args(["--retention-check-secs", "0"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start the server process");
        let probe = reqwest::Client::new();
        let mut ready = false;
        for _ in 0..600 {
            if let Ok(r) = probe.get(format!("{base}/readyz")).send().await {
                if r.status().is_success() {
                    ready = true;
                    break;
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(ready, "the server process did not become ready");
        // Only its address is used (cookies, sockets, requests).
        let app = crate::helpers::TestApp {
            backend: like.backend,
            database_url: like.database_url.clone(),
            base,
            state: like.state.clone(),
        };
        Process { child, app }
    }
}

/// One of two instances killed (SIGKILL) while people write through it: every write it
/// acknowledged is in the database, read through the other instance, and a subscriber of
/// the killed instance reconnects to the other and receives the changes made after.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_killed_mid_load_loses_no_acknowledged_write_on_postgres() {
    use crate::live::{cookie, setup, subscribe, wait_for};
    use futures_util::StreamExt;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;
    run(Backend::Postgres, |survivor| async move {
        let (_office, rep_on_survivor, review) = setup(&survivor).await;
        let mut doomed = Process::start(&survivor).await;
        let rep_cookie = cookie(&doomed.app, "rep@test.example").await;
        let office_cookie = cookie(&doomed.app, "office@test.example").await;
        let mut socket = subscribe(&doomed.app, &office_cookie, &review).await;
        let return_id = rep_on_survivor
            .ok(
                "query($id: ID!) { review(id: $id) { myChronologyReturn { id } } }",
                json!({ "id": review }),
            )
            .await["review"]["myChronologyReturn"]["id"]
            .as_str()
            .expect("return")
            .to_owned();

        // Four writers add entries through the doomed instance until it stops answering.
        let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
        let refused = Arc::new(Mutex::new(Vec::<String>::new()));
        let mut writers = Vec::new();
        for w in 0..4 {
            let (acknowledged, refused) = (acknowledged.clone(), refused.clone());
            let (base, rep_cookie, return_id) =
                (doomed.app.base.clone(), rep_cookie.clone(), return_id.clone());
            writers.push(tokio::spawn(async move {
                let http = reqwest::Client::builder()
                    .timeout(Duration::from_secs(10))
                    .build()
                    .expect("client");
                for i in 0.. {
                    let sent = http
                        .post(format!("{base}/graphql"))
                        .header("origin", &base)
                        .header("cookie", &rep_cookie)
                        .json(&json!({
                            "query": "mutation($r: ID!, $i: EntryInput!) { addChronologyEntry(returnId: $r, input: $i) { id } }",
                            "variables": { "r": return_id, "i": {
                                "startDate": "3/5/2016", "source": format!("POL-{w}-{i}"),
                                "event": format!("Visit {w}-{i}"), "sharedWith": []
                            }}
                        }))
                        .send()
                        .await;
                    let body: serde_json::Value = match sent {
                        Ok(response) => match response.json().await {
                            Ok(body) => body,
                            Err(_) => break,
                        },
                        Err(_) => break,
                    };
                    match body["data"]["addChronologyEntry"]["id"].as_str() {
                        Some(id) => acknowledged.lock().expect("lock").push(id.to_owned()),
                        None => refused.lock().expect("lock").push(body.to_string()),
                    }
                }
            }));
        }
        // Kill it hard once the load is well under way.
        for _ in 0..600 {
            if acknowledged.lock().expect("lock").len() >= 40 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        // SIGKILL: no graceful shutdown, no connection closed politely.
        doomed.child.kill().expect("kill");
        doomed.child.wait().expect("reaped");
        for writer in writers {
            tokio::time::timeout(Duration::from_secs(20), writer)
                .await
                .expect("writers stop once the instance is gone")
                .expect("writer");
        }
        let acknowledged = acknowledged.lock().expect("lock").clone();
        let refused = refused.lock().expect("lock").clone();
        assert!(refused.is_empty(), "writes refused before the kill: {refused:?}");
        assert!(acknowledged.len() >= 40, "too few writes before the kill: {}", acknowledged.len());

        // Every acknowledged write is there, read through the survivor.
        let entries = rep_on_survivor
            .ok(
                "query($id: ID!) { review(id: $id) { myChronologyReturn { entries { id } } } }",
                json!({ "id": review }),
            )
            .await;
        let stored: std::collections::HashSet<&str> = entries["review"]["myChronologyReturn"]
            ["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .filter_map(|e| e["id"].as_str())
            .collect();
        let lost: Vec<&String> = acknowledged
            .iter()
            .filter(|id| !stored.contains(id.as_str()))
            .collect();
        assert!(lost.is_empty(), "{} of {} acknowledged writes lost: {lost:?}", lost.len(), acknowledged.len());

        // The killed instance's subscriber finds its socket gone...
        let closed = tokio::time::timeout(Duration::from_secs(15), async {
            loop {
                match socket.next().await {
                    None | Some(Err(_)) => break,
                    Some(Ok(tokio_tungstenite::tungstenite::Message::Close(_))) => break,
                    Some(Ok(_)) => {}
                }
            }
        })
        .await;
        assert!(closed.is_ok(), "the killed instance's socket still open");
        // ...reconnects through the balancer to the survivor with the same session, and
        // receives the changes made after.
        let mut socket = subscribe(&survivor, &office_cookie, &review).await;
        let entry = crate::live::add_entry(&rep_on_survivor, &review).await;
        let change = wait_for(&mut socket, "ENTRY").await;
        assert_eq!(change["objectId"], entry.as_str());
    })
    .await;
}
