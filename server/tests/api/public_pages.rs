//! The public pages as the server writes them (no JavaScript): the published list, each
//! published summary, the library for signed-out visitors, each naming the partnership
//! with a key to the agencies' prefixes; nothing unpublished; a real 404 for unknown
//! addresses, while the browser app's own pages still get the app.

use crate::db_tests;
use crate::helpers::{run_with, Backend};
use crate::publication::{approve_and_publish, move_to, save_new, start, world};
use chrono::{Days, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::json;
use server::entities::{learning_summary, review};

const PARTNERSHIP: &str = "Northshire & Dale Safeguarding Children Partnership";
const STYLESHEET: &str = "/style-0123456789abcdef.css";

/// A status, the content type and the body of a GET without cookies.
async fn fetch(url: &str) -> (u16, String, String, reqwest::header::HeaderMap) {
    let response = reqwest::Client::new()
        .get(url)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (
        status,
        content_type,
        response.text().await.expect("text"),
        headers,
    )
}

/// A page that stands on its own: HTML, in English, landmarks, skip link, no script.
fn assert_plain_page(body: &str, content_type: &str) {
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(body.starts_with("<!doctype html>"), "{body}");
    assert!(body.contains("<html lang=\"en-GB\">"));
    assert!(body.contains("<a href=\"#main\" class=\"skip-link\">Skip to main content</a>"));
    assert!(body.contains("<main id=\"main\""));
    assert!(body.contains("<header class=\"header\">"));
    assert!(body.contains("<footer class=\"footer\">"));
    assert!(
        !body.to_lowercase().contains("<script"),
        "no script: {body}"
    );
    assert!(
        body.contains("Northshire &amp; Dale Safeguarding Children Partnership"),
        "the partnership is named: {body}"
    );
    assert!(
        body.contains(&format!("<link rel=\"stylesheet\" href=\"{STYLESHEET}\">")),
        "the app's stylesheet"
    );
}

/// The key to the prefixes, from the agencies in the database.
fn assert_prefix_key(body: &str) {
    assert!(
        body.contains("<h2 id=\"prefix-key\">Agency prefixes</h2>"),
        "{body}"
    );
    for (prefix, name) in [
        ("NHFT", "Northshire Healthcare NHS Foundation Trust"),
        ("POL", "Northshire Police"),
        ("CSC", "Children&#39;s Social Care"),
    ] {
        assert!(
            body.contains(&format!(
                "<dt><abbr title=\"{name}\">{prefix}</abbr></dt><dd>{name}</dd>"
            )),
            "{prefix}: {body}"
        );
    }
    assert!(
        !body.contains("Closed Agency"),
        "inactive agencies are left out"
    );
}

async fn the_public_pages_are_plain_html_and_show_only_what_is_published(backend: Backend) {
    let dir = std::env::temp_dir().join(format!("lp_public_{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(
        dir.join("index.html"),
        format!(
            "<!doctype html><title>app</title><link href={STYLESHEET} integrity=sha384-x rel=stylesheet><link rel=\"stylesheet\" href=\"javascript:x\"/><link rel=icon href=/favicon.svg>"
        ),
    )
    .expect("index");
    let static_dir = dir.display().to_string();
    let flags = [
        "--static-dir",
        &static_dir,
        "--partnership-name",
        PARTNERSHIP,
    ];
    run_with(backend, &flags, |app| async move {
        let base = app.base.clone();
        let w = world(&app, "SCR-2016-90").await;
        app.agency("Northshire Healthcare NHS Foundation Trust", "NHFT")
            .await;
        let closed = app.agency("Closed Agency", "CLO").await;
        server::entities::agency::Entity::update_many()
            .col_expr(
                server::entities::agency::Column::Active,
                sea_orm::sea_query::Expr::value(false),
            )
            .filter(server::entities::agency::Column::Id.eq(closed))
            .exec(app.db())
            .await
            .expect("deactivate");

        // A hostile subject: escaped wherever it is shown.
        let row = review::Entity::find_by_id(w.review.clone())
            .one(app.db())
            .await
            .expect("read")
            .expect("review");
        let mut am = row.into_active_model();
        am.subject = Set("<script>alert(\"x\")</script> & Child A".into());
        am.update(app.db()).await.expect("subject");

        let id = start(&w.reviewer, &w.review).await;
        save_new(
            &w.reviewer,
            &id,
            "CASE_LEARNING",
            "Neglect was **seen late** by NHFT.\n\n<img src=x onerror=alert(1)>",
        )
        .await;
        w.reviewer
            .ok(
                "mutation($r: ID!, $i: LearningPointInput!) { createLearningPoint(reviewId: $r, input: $i) { id } }",
                json!({ "r": w.review, "i": {
                    "title": "Zebra crossings", "detail": "Zebra crossings were unsafe.",
                    "scope": "MULTI_AGENCY", "kind": "NEEDS_IMPROVEMENT", "themes": [],
                } }),
            )
            .await;

        // Before publication: neither listed nor shown.
        let (status, _, body, _) = fetch(&format!("{base}/published/{id}")).await;
        assert_eq!(status, 404, "a draft");
        assert!(body.contains("Page not found"));
        assert!(!body.contains("seen late"));
        approve_and_publish(&w, &id).await;

        // Another review, approved but never published.
        let other = crate::helpers::review_with(&w.office, "SCR-2016-91", &[&w.pol], &[]).await;
        let approved = start(&w.office, &other).await;
        save_new(&w.office, &approved, "CASE_LEARNING", "Unpublished words about zeppelins.").await;
        move_to(&w.office, &approved, "IN_REVIEW", None).await;
        move_to(&w.chair, &approved, "APPROVED", None).await;

        // The list: the published one only, escaped, with the key to the prefixes.
        let (status, content_type, body, headers) = fetch(&format!("{base}/published")).await;
        assert_eq!(status, 200);
        assert_plain_page(&body, &content_type);
        assert_prefix_key(&body);
        assert_eq!(headers["cache-control"], "no-store");
        assert!(headers.contains_key("content-security-policy"));
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert!(body.contains("<h1>Published learning summaries</h1>"));
        assert!(body.contains(&format!(
            "<a href=\"/published/{id}\">SCR-2016-90: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Child A</a>"
        )), "{body}");
        assert!(body.contains("available here until"));
        assert!(!body.contains("SCR-2016-91"), "not published: {body}");
        assert!(!body.contains("javascript:"), "an unsafe stylesheet address is dropped");

        // The summary: its fields as safe HTML, escaped title, the key.
        let (status, content_type, body, _) = fetch(&format!("{base}/published/{id}")).await;
        assert_eq!(status, 200);
        assert_plain_page(&body, &content_type);
        assert_prefix_key(&body);
        assert!(body.contains(
            "<h1>Learning summary: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Child A (SCR-2016-90)</h1>"
        ), "{body}");
        assert!(body.contains("<p>Neglect was <strong>seen late</strong> by NHFT.</p>"));
        assert!(!body.contains("onerror"), "raw HTML in the text is dropped");
        assert!(body.contains("<h2>What was learnt about the case"));
        assert!(!body.contains("Zebra"), "learning points are not on the public pages");

        // Unpublished, unknown: 404 pages, HTML, alike.
        for path in [
            format!("/published/{approved}"),
            format!("/published/{}", uuid::Uuid::new_v4()),
            "/published/x".to_owned(),
            "/published/%3Cscript%3E".to_owned(),
            "/published/".to_owned(),
            "/no-such-page".to_owned(),
            "/reviewsx".to_owned(),
            "/favicon.ico".to_owned(),
        ] {
            let (status, content_type, body, headers) = fetch(&format!("{base}{path}")).await;
            assert_eq!(status, 404, "{path}");
            assert_plain_page(&body, &content_type);
            assert!(body.contains("<h1>Page not found</h1>"), "{path}");
            assert!(!body.contains("zeppelins"));
            assert!(!body.contains("<title>app</title>"), "not the app: {path}");
            assert_eq!(headers["cache-control"], "no-store");
        }

        // The browser app's own pages still get the app.
        for path in [
            "/",
            "/sign-in",
            "/forgotten-password",
            "/reviews",
            "/reviews/some-id/summary",
            "/actions",
            "/agencies/x/edit",
            "/audit-log",
            "/account",
        ] {
            let (status, _, body, _) = fetch(&format!("{base}{path}")).await;
            assert_eq!(status, 200, "{path}");
            assert!(body.contains("<title>app</title>"), "{path}: {body}");
        }

        // The library, signed out: published summaries only, by words and theme.
        let (status, content_type, body, _) = fetch(&format!("{base}/library")).await;
        assert_eq!(status, 200);
        assert_plain_page(&body, &content_type);
        assert!(body.contains("<h1>Learning library</h1>"));
        assert!(body.contains("<form class=\"row-card\" role=\"search\""));
        assert!(body.contains("<option value=\"Neglect\">Neglect</option>"));
        assert!(body.contains(&format!("href=\"/published/{id}\"")), "newest first");
        let (_, _, body, _) = fetch(&format!("{base}/library?words=neglect&theme=neglect")).await;
        assert!(body.contains("<h2>1 result</h2>"), "{body}");
        assert!(body.contains(&format!("href=\"/published/{id}\"")));
        assert!(body.contains("<option value=\"Neglect\" selected>"));
        assert!(body.contains("value=\"neglect\""), "the words stay in the box");
        for words in ["zebra", "zeppelins"] {
            let (status, _, body, _) = fetch(&format!("{base}/library?words={words}")).await;
            assert_eq!(status, 200);
            assert!(body.contains("<h2>0 results</h2>"), "{words}: {body}");
        }
        // What is typed comes back escaped.
        let (_, _, body, _) = fetch(&format!("{base}/library?words=%3Cscript%3E%22")).await;
        assert!(body.contains("value=\"&lt;script&gt;&quot;\""), "{body}");
        assert!(!body.to_lowercase().contains("<script"), "{body}");
        let long = "a".repeat(501);
        let (status, _, body, _) = fetch(&format!("{base}/library?words={long}")).await;
        assert_eq!(status, 200);
        assert!(body.contains("There is a problem"));
        assert!(body.contains("<a href=\"#library-words\">Words must be 500 characters or fewer</a>"));

        // Signed in, the library is the app's.
        let page = w
            .prac
            .http
            .get(format!("{base}/library"))
            .send()
            .await
            .expect("library");
        assert_eq!(page.status().as_u16(), 200);
        assert!(page.text().await.expect("text").contains("<title>app</title>"));

        // After its last day: listed as available on request, without its text.
        let row = learning_summary::Entity::find_by_id(id.clone())
            .one(app.db())
            .await
            .expect("read")
            .expect("summary");
        let mut am = row.into_active_model();
        am.available_until = Set(Some(Utc::now().date_naive() - Days::new(1)));
        am.update(app.db()).await.expect("available until");
        let (status, _, body, _) = fetch(&format!("{base}/published/{id}")).await;
        assert_eq!(status, 200);
        assert!(body.contains("This summary is no longer on the public pages."));
        assert!(!body.contains("seen late"), "no text after the window");

        // Withdrawn: gone.
        move_to(&w.office, &id, "DRAFT", Some("Taken down.")).await;
        let (status, _, body, _) = fetch(&format!("{base}/published/{id}")).await;
        assert_eq!(status, 404);
        assert!(!body.contains("SCR-2016-90"));
        let (_, _, body, _) = fetch(&format!("{base}/published")).await;
        assert!(body.contains("Nothing is published yet."));
    })
    .await;
    let _ = std::fs::remove_dir_all(dir);
}

db_tests!(the_public_pages_are_plain_html_and_show_only_what_is_published);
