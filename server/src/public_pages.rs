//! The public pages as the server writes them: plain HTML, complete without JavaScript.
//!
//! - `/published`: every published learning summary, newest first;
//! - `/published/{id}`: one of them (404 for anything not published, alike);
//! - `/library`: for signed-out visitors, a search of the published summaries that are
//!   still available (never the learning points, which only signed-in people search); a
//!   signed-in person gets the browser app's library instead;
//! - every address that is neither a file of the browser app nor one of its own pages
//!   ([`SPA_ROUTES`]): a page saying it was not found, with HTTP 404.
//!
//! Each page names the partnership (`--partnership-name`) and the published ones carry a
//! key to the agencies' prefixes. Every value is escaped; the summaries' fields are the
//! safe HTML of [`crate::summary::markdown_html`]. No script: the security policy stays.

use crate::app::Http;
use crate::entities::agency;
use crate::library::{self, EntryKind, SearchQuery};
use crate::summary::markdown_html::escape;
use crate::summary::public::{self, PublishedView};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Deserialize;
use std::fmt::Write as _;
use tower::ServiceExt;
use tower_http::services::ServeFile;
use tower_sessions::Session;

/// The browser app's own pages (see `frontend/src/app.rs`): an address equal to one of
/// these or below it (`/reviews/…`) gets the app's `index.html`; any other address that is
/// not a file is not found. `/` is the app's home page too.
pub const SPA_ROUTES: [&str; 22] = [
    "/sign-in",
    "/forgotten-password",
    "/reset-password",
    "/reviews",
    "/actions",
    "/committees",
    "/agencies",
    "/users",
    "/notifications",
    "/performance",
    "/audit-log",
    "/retention",
    "/account",
    "/sign-in-providers",
    "/section-11",
    "/child-deaths",
    "/learning-events",
    "/qa-reports",
    "/audits",
    "/distribution-lists",
    "/annual-report",
    "/index.html",
];

/// Whether a path is one of the browser app's pages.
pub fn is_spa_route(path: &str) -> bool {
    path == "/"
        || SPA_ROUTES.iter().any(|route| {
            path.strip_prefix(route)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
}

/// Whatever no route and no file answered: the app for its own pages, 404 otherwise.
pub async fn spa_or_not_found(State(http): State<Http>, request: Request) -> Response {
    if is_spa_route(request.uri().path()) {
        return app_index(&http, request).await;
    }
    not_found(&http).await
}

/// The browser app's `index.html` (precompressed when the browser accepts it).
async fn app_index(http: &Http, request: Request) -> Response {
    let index = http.state.config.static_dir.join("index.html");
    let file = ServeFile::new(index)
        .precompressed_br()
        .precompressed_gzip();
    match file.oneshot(request).await {
        Ok(response) => response.map(axum::body::Body::new),
        Err(never) => match never {},
    }
}

/// The "page not found" page, with HTTP 404.
pub async fn not_found(http: &Http) -> Response {
    let main = "<h1>Page not found</h1>\n\
        <p>If you typed the web address, check it is correct.</p>\n\
        <p>If you pasted the web address, check you copied the entire address.</p>\n\
        <p>You can <a href=\"/published\">read the partnership's published learning summaries</a>, \
        <a href=\"/library\">search the learning library</a> or \
        <a href=\"/sign-in\">sign in</a>.</p>\n";
    page(http, StatusCode::NOT_FOUND, "Page not found", None, main).await
}

/// A fault on our side, said without any detail (the detail is in the log).
async fn problem(http: &Http) -> Response {
    let main = "<h1>Sorry, there is a problem with the service</h1>\n\
        <p>Try again later.</p>\n";
    page(
        http,
        StatusCode::INTERNAL_SERVER_ERROR,
        "Sorry, there is a problem with the service",
        None,
        main,
    )
    .await
}

/// Which public page is shown, for the navigation's `aria-current`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Published,
    Library,
}

/// The stylesheets the browser app's `index.html` links (Trunk names them with their
/// hash), as `<link>` elements; none when there is no app (only safe addresses are kept).
async fn stylesheets(http: &Http) -> String {
    let index = http.state.config.static_dir.join("index.html");
    let Ok(html) = tokio::fs::read_to_string(index).await else {
        return String::new();
    };
    let mut out = String::new();
    for tag in html.split("<link").skip(1) {
        let tag = tag.split('>').next().unwrap_or_default();
        let is_stylesheet = attribute(tag, "rel")
            .is_some_and(|rel| rel.split_ascii_whitespace().any(|r| r == "stylesheet"));
        let Some(href) = attribute(tag, "href").filter(|_| is_stylesheet) else {
            continue;
        };
        let safe = href.starts_with('/')
            && !href.starts_with("//")
            && href
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.'));
        if safe {
            let _ = writeln!(out, "<link rel=\"stylesheet\" href=\"{}\">", escape(href));
        }
    }
    out
}

/// The value of an attribute in a tag's text (quoted or, as Trunk writes them, not).
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = tag;
    while let Some(at) = rest.find(name) {
        let before = rest[..at].chars().next_back();
        let after = &rest[at + name.len()..];
        rest = after;
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let Some(value) = after.trim_start().strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        return Some(match value.chars().next() {
            Some(quote @ ('"' | '\'')) => value[1..].split(quote).next().unwrap_or_default(),
            _ => value
                .split(|c: char| c.is_whitespace())
                .next()
                .unwrap_or_default()
                .trim_end_matches('/'),
        });
    }
    None
}

/// A whole page: the header naming the partnership, a skip link, the navigation of the
/// public pages, `main` and the footer.
async fn page(
    http: &Http,
    status: StatusCode,
    title: &str,
    section: Option<Section>,
    main: &str,
) -> Response {
    let partnership = escape(&http.state.config.partnership_name);
    let styles = stylesheets(http).await;
    let current = |s: Section| {
        if section == Some(s) {
            " aria-current=\"page\""
        } else {
            ""
        }
    };
    let body = format!(
        "<!doctype html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>{title} - {partnership}</title>\n\
<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\n{styles}</head>\n<body>\n\
<a href=\"#main\" class=\"skip-link\">Skip to main content</a>\n\
<header class=\"header\">\n<div class=\"header-inner\">\n\
<a href=\"/published\" class=\"service-name\">{partnership}</a>\n\
<nav class=\"nav\" aria-label=\"Public pages\">\n<ul>\n\
<li><a href=\"/published\"{published}>Published learning summaries</a></li>\n\
<li><a href=\"/library\"{library}>Learning library</a></li>\n</ul>\n</nav>\n\
<div class=\"account\"><a href=\"/sign-in\">Sign in</a></div>\n</div>\n</header>\n\
<div class=\"width-container\">\n<main id=\"main\" tabindex=\"-1\">\n{main}</main>\n</div>\n\
<footer class=\"footer\">\n<div class=\"width-container\">\n\
<p>{partnership}: learning from its case reviews, with names and identifying details removed.</p>\n\
</div>\n</footer>\n</body>\n</html>\n",
        title = escape(title),
        published = current(Section::Published),
        library = current(Section::Library),
    );
    let mut response = (status, Html(body)).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_LANGUAGE, HeaderValue::from_static("en-GB"));
    response
}

/// A date as people write it: "5 December 2026".
fn day(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// When a summary was published and until when it is on these pages.
fn availability(s: &PublishedView) -> String {
    if s.available {
        format!(
            "Published {}; available here until {}.",
            day(s.published_on),
            day(s.available_until)
        )
    } else {
        format!(
            "Published {}; available on request from the partnership's business office (it was on these pages until {}).",
            day(s.published_on),
            day(s.available_until)
        )
    }
}

/// The key to the agencies' prefixes (every active agency, by prefix).
async fn prefix_key(http: &Http) -> crate::error::AppResult<String> {
    let agencies = agency::Entity::find()
        .filter(agency::Column::Active.eq(true))
        .order_by_asc(agency::Column::Prefix)
        .all(&http.state.db)
        .await?;
    if agencies.is_empty() {
        return Ok(String::new());
    }
    let mut out = String::from(
        "<section class=\"prefix-key\" aria-labelledby=\"prefix-key\">\n\
<h2 id=\"prefix-key\">Agency prefixes</h2>\n\
<p>The summaries name the partnership's agencies by these short prefixes.</p>\n<dl>\n",
    );
    for a in agencies {
        let _ = writeln!(
            out,
            "<div><dt><abbr title=\"{name}\">{prefix}</abbr></dt><dd>{name}</dd></div>",
            prefix = escape(&a.prefix),
            name = escape(&a.name),
        );
    }
    out.push_str("</dl>\n</section>\n");
    Ok(out)
}

/// `GET /published`: every published learning summary, newest first.
pub async fn published_list(State(http): State<Http>) -> Response {
    let (list, key) = match (
        public::published_list(&http.state).await,
        prefix_key(&http).await,
    ) {
        (Ok(list), Ok(key)) => (list, key),
        (Err(e), _) | (_, Err(e)) => {
            tracing::error!(error = %e, "the published list failed");
            return problem(&http).await;
        }
    };
    let mut main = format!(
        "<h1>Published learning summaries</h1>\n\
<p class=\"lead\">What {} learnt from its case reviews, and what is changing as a result.</p>\n\
<p>Names and identifying details are removed before publication.</p>\n",
        escape(&http.state.config.partnership_name)
    );
    if list.is_empty() {
        main.push_str("<p>Nothing is published yet.</p>\n");
    } else {
        main.push_str("<ul class=\"published-list\">\n");
        for s in &list {
            let _ = write!(
                main,
                "<li class=\"row-card\">\n<h2><a href=\"/published/{id}\">{reference}: {title}</a></h2>\n\
<p class=\"caption\">{kind}</p>\n<p>{when}</p>\n",
                id = escape(&s.summary_id),
                reference = escape(&s.review_reference),
                title = escape(&s.title),
                kind = escape(&s.review_kind_label),
                when = escape(&availability(s)),
            );
            if !s.themes.is_empty() {
                let _ = writeln!(main, "<p>Themes: {}</p>", escape(&s.themes.join(", ")));
            }
            main.push_str("</li>\n");
        }
        main.push_str("</ul>\n");
    }
    main.push_str(&key);
    page(
        &http,
        StatusCode::OK,
        "Published learning summaries",
        Some(Section::Published),
        &main,
    )
    .await
}

/// `GET /published/{id}`: one published learning summary; 404 for anything else.
pub async fn published_summary(State(http): State<Http>, Path(id): Path<String>) -> Response {
    let fault = |e: crate::error::AppError| {
        tracing::error!(error = %e, "a published summary failed");
    };
    let view = match public::published_one(&http.state, &id).await {
        Ok(Some(view)) => view,
        Ok(None) => return not_found(&http).await,
        Err(e) => {
            fault(e);
            return problem(&http).await;
        }
    };
    let (fields, key) = match (
        public::fields(&http.state.db, &view).await,
        prefix_key(&http).await,
    ) {
        (Ok(fields), Ok(key)) => (fields, key),
        (Err(e), _) | (_, Err(e)) => {
            fault(e);
            return problem(&http).await;
        }
    };
    let mut main = format!(
        "<h1>Learning summary: {title} ({reference})</h1>\n<p class=\"caption\">{kind}</p>\n<p>{when}</p>\n",
        title = escape(&view.title),
        reference = escape(&view.review_reference),
        kind = escape(&view.review_kind_label),
        when = escape(&availability(&view)),
    );
    if view.available {
        if !view.themes.is_empty() {
            let _ = writeln!(main, "<p>Themes: {}</p>", escape(&view.themes.join(", ")));
        }
        for f in fields {
            // The field's HTML is safe as it is (see `markdown_html`).
            let _ = write!(
                main,
                "<section class=\"published-field\">\n<h2>{}</h2>\n<div class=\"markdown\">{}</div>\n</section>\n",
                escape(&f.label),
                f.html
            );
        }
        if let Some(url) = &view.report_url {
            let _ = writeln!(
                main,
                "<p><a href=\"{}\">Read the final report (PDF)</a></p>",
                escape(url)
            );
        }
    } else {
        main.push_str(
            "<p class=\"notice\">This summary is no longer on the public pages. Ask the partnership's business office for a copy.</p>\n",
        );
    }
    main.push_str(&key);
    main.push_str("<p><a href=\"/published\">Every published learning summary</a></p>\n");
    let title = format!("Learning summary {}", view.review_reference);
    page(
        &http,
        StatusCode::OK,
        &title,
        Some(Section::Published),
        &main,
    )
    .await
}

/// What the library's form sends.
#[derive(Debug, Default, Deserialize)]
pub struct LibraryParams {
    words: Option<String>,
    theme: Option<String>,
}

/// How many results the public library shows.
const PUBLIC_RESULTS: u64 = 30;

/// `GET /library`: the browser app's library for a signed-in person; for anyone else the
/// search of the published summaries, as a form that works without JavaScript.
pub async fn library(
    State(http): State<Http>,
    session: Session,
    params: Result<Query<LibraryParams>, QueryRejection>,
    request: Request,
) -> Response {
    match crate::auth::service::resolve(&http.state, &session).await {
        Ok(Some(_)) => return app_index(&http, request).await,
        Ok(None) => {}
        Err(e) => {
            tracing::error!(error = %e, "resolving the library's visitor failed");
            return problem(&http).await;
        }
    }
    let params = params.map(|Query(p)| p).unwrap_or_default();
    let words = params.words.unwrap_or_default();
    let theme = params.theme.unwrap_or_default();
    let mut problems: Vec<(&str, String)> = Vec::new();
    if words.chars().count() > library::MAX_WORDS {
        problems.push((
            "library-words",
            format!("Words must be {} characters or fewer", library::MAX_WORDS),
        ));
    }
    if theme.chars().count() > library::MAX_THEME {
        problems.push((
            "library-theme",
            format!("Theme must be {} characters or fewer", library::MAX_THEME),
        ));
    }
    let searched = problems.is_empty();
    let themes = match public::published_list(&http.state).await {
        Ok(list) => {
            let mut themes: Vec<String> = list
                .into_iter()
                .filter(|s| s.available)
                .flat_map(|s| s.themes)
                .collect();
            themes.sort_by_key(|t| t.to_lowercase());
            themes.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
            themes
        }
        Err(e) => {
            tracing::error!(error = %e, "the library's themes failed");
            return problem(&http).await;
        }
    };
    let hits = if searched {
        let query = SearchQuery {
            words: words.clone(),
            theme: Some(theme.clone()).filter(|t| !t.trim().is_empty()),
            first: PUBLIC_RESULTS,
            today: http.state.today(),
            summaries_only: true,
        };
        match library::search(&http.state.db, &query).await {
            Ok(hits) => hits,
            Err(e) => {
                tracing::error!(error = %e, "the public library search failed");
                return problem(&http).await;
            }
        }
    } else {
        Vec::new()
    };

    let mut main = String::new();
    if !problems.is_empty() {
        main.push_str(
            "<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"error-summary-title\">\n\
<h2 id=\"error-summary-title\">There is a problem</h2>\n<ul>\n",
        );
        for (id, message) in &problems {
            let _ = writeln!(main, "<li><a href=\"#{id}\">{}</a></li>", escape(message));
        }
        main.push_str("</ul>\n</div>\n");
    }
    main.push_str(
        "<h1>Learning library</h1>\n\
<p>Search the partnership's published learning summaries. Names and identifying details are removed before publication.</p>\n\
<p>Staff who <a href=\"/sign-in\">sign in</a> can also search the learning points of published reviews.</p>\n\
<form class=\"row-card\" role=\"search\" aria-label=\"Search the learning\" method=\"get\" action=\"/library\">\n",
    );
    let error_of = |id: &str| problems.iter().find(|(p, _)| *p == id).map(|(_, m)| m);
    let group = |id: &str| {
        if error_of(id).is_some() {
            "form-group form-group-error"
        } else {
            "form-group"
        }
    };
    let _ = write!(
        main,
        "<div class=\"{group}\">\n<label class=\"label\" for=\"library-words\">Words</label>\n\
<div class=\"hint\" id=\"library-words-hint\">For example: strategy discussion, bruising, neglect</div>\n",
        group = group("library-words")
    );
    let mut described = String::from("library-words-hint");
    if let Some(message) = error_of("library-words") {
        described.push(' ');
        described.push_str(&error_message(&mut main, "library-words", message));
    }
    let _ = write!(
        main,
        "<input class=\"input\" id=\"library-words\" name=\"words\" type=\"search\" value=\"{}\" aria-describedby=\"{described}\">\n</div>\n",
        escape(&words)
    );
    let _ = write!(
        main,
        "<div class=\"{group}\">\n<label class=\"label\" for=\"library-theme\">Theme</label>\n",
        group = group("library-theme")
    );
    let described = error_of("library-theme")
        .map(|message| {
            format!(
                " aria-describedby=\"{}\"",
                error_message(&mut main, "library-theme", message)
            )
        })
        .unwrap_or_default();
    let _ = writeln!(
        main,
        "<select class=\"select\" id=\"library-theme\" name=\"theme\"{described}>\n<option value=\"\">Any theme</option>"
    );
    for t in &themes {
        let selected = if t.eq_ignore_ascii_case(theme.trim()) {
            " selected"
        } else {
            ""
        };
        let _ = writeln!(
            main,
            "<option value=\"{t}\"{selected}>{t}</option>",
            t = escape(t)
        );
    }
    main.push_str(
        "</select>\n</div>\n<button type=\"submit\" class=\"button\">Search</button>\n</form>\n",
    );
    if searched {
        let n = hits.len();
        let _ = writeln!(
            main,
            "<h2>{}</h2>",
            if n == 1 {
                "1 result".to_owned()
            } else {
                format!("{n} results")
            }
        );
        if n > 0 {
            main.push_str("<ul class=\"published-list\">\n");
            for h in hits.iter().filter(|h| h.kind == EntryKind::Summary) {
                let _ = write!(
                    main,
                    "<li class=\"row-card\">\n<p class=\"caption\">Learning summary · {reference}</p>\n\
<h3><a href=\"/published/{id}\">{reference}: {title}</a></h3>\n<p>{excerpt}</p>\n",
                    reference = escape(&h.review_reference),
                    id = escape(&h.summary_id),
                    title = escape(&h.title),
                    excerpt = escape(&h.excerpt),
                );
                if !h.themes.is_empty() {
                    let _ = writeln!(
                        main,
                        "<p class=\"caption\">Themes: {}</p>",
                        escape(&h.themes.join(", "))
                    );
                }
                main.push_str("</li>\n");
            }
            main.push_str("</ul>\n");
        }
    }
    let title = if problems.is_empty() {
        "Learning library".to_owned()
    } else {
        "Error: Learning library".to_owned()
    };
    page(&http, StatusCode::OK, &title, Some(Section::Library), &main).await
}

/// Writes a field's error message (GOV.UK style) into `html`; answers its element id, for
/// the field's `aria-describedby`.
fn error_message(html: &mut String, field: &str, message: &str) -> String {
    let id = format!("{field}-error");
    let _ = writeln!(
        html,
        "<p class=\"error-message\" id=\"{id}\"><span class=\"visually-hidden\">Error:</span> {}</p>",
        escape(message)
    );
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_quoted_or_not() {
        let tag = " href=/style-63823f8be2f371d4.css integrity=sha384-x rel=stylesheet";
        assert_eq!(attribute(tag, "href"), Some("/style-63823f8be2f371d4.css"));
        assert_eq!(attribute(tag, "rel"), Some("stylesheet"));
        let tag = " data-trunk rel=\"css\" href='style.css' /";
        assert_eq!(attribute(tag, "rel"), Some("css"));
        assert_eq!(attribute(tag, "href"), Some("style.css"));
        assert_eq!(attribute(" xhref=a", "href"), None);
    }

    #[test]
    fn the_apps_own_pages_are_known_and_nothing_else() {
        for path in [
            "/",
            "/sign-in",
            "/reviews",
            "/reviews/abc/summary",
            "/actions",
            "/actions/print",
            "/account",
        ] {
            assert!(is_spa_route(path), "{path}");
        }
        for path in [
            "/published",
            "/published/x",
            "/no-such-page",
            "/reviewsx",
            "/sign-inx",
            "/favicon.ico",
            "/library",
        ] {
            assert!(!is_spa_route(path), "{path}");
        }
    }

    /// Every page the browser app routes to (its `path!(…)`s) is served the app, except
    /// the public pages this module writes: a page added to the app without being added
    /// here would answer 404.
    #[test]
    fn every_route_of_the_app_is_served_the_app() {
        let app = include_str!("../../frontend/src/app.rs");
        let mut seen = 0;
        for piece in app.split("path!(\"").skip(1) {
            let Some(path) = piece.split('"').next() else {
                continue;
            };
            if path.starts_with("/published") || path == "/library" {
                continue;
            }
            let concrete = path.replace(":id", "x");
            assert!(is_spa_route(&concrete), "{path} is not in SPA_ROUTES");
            seen += 1;
        }
        assert!(seen > 20, "the scan found {seen} routes");
    }
}
