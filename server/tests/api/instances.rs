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
        let browser = first.client();
        browser.sign_in("office@test.example", PASSWORD).await;
        // The session cookie the browser holds, sent to the other instance.
        let on_second = crate::helpers::Client {
            http: reqwest::Client::new(),
            base: second.base.clone(),
        };
        let jar_cookie = browser
            .http
            .post(format!("{}/graphql", first.base))
            .header("origin", &first.base)
            .json(&json!({ "query": "{ me { email } }" }))
            .send()
            .await
            .expect("request")
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or_default().to_owned())
            .expect("session cookie");
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
