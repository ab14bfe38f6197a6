//! The HTTP surface: GraphQL over POST (JSON only, Origin checked, one operation per
//! request), the GraphQL WebSocket (Origin checked on the handshake), health checks, the
//! public pages' report files (`/public/reports/{summaryId}`, no session), and the browser
//! app with its client-side routes.

use crate::auth::service as auth;
use crate::context::RequestContext;
use crate::graphql::AppSchema;
use crate::live_socket;
use crate::query_limits;
use crate::state::AppState;
use async_graphql::ServerError;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State, WebSocketUpgrade};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use std::net::SocketAddr;
use tower_http::compression::predicate::SizeAbove;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};

/// Idle timeout of a session.
pub const IDLE_TIMEOUT_MINUTES: i64 = 30;

#[derive(Clone)]
pub struct Http {
    pub state: AppState,
    pub schema: AppSchema,
}

pub fn router(state: AppState, schema: AppSchema) -> Router {
    let config = state.config.clone();
    let store = crate::auth::session_store::DatabaseSessionStore::new(state.db.clone());
    let sessions = SessionManagerLayer::new(store)
        .with_name(config.session_cookie_name())
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(config.is_https())
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(
            IDLE_TIMEOUT_MINUTES,
        )));
    let http = Http {
        state: state.clone(),
        schema,
    };
    let mut api = Router::new()
        .route("/graphql", post(graphql_post).layer(answer_compression()))
        .route("/graphql/ws", get(graphql_ws))
        // The public library for signed-out visitors; the app's own for people signed in.
        .route("/library", get(crate::public_pages::library))
        .merge(crate::auth::oidc::routes::routes());
    if config.introspection {
        api = api.route("/graphiql", get(graphiql));
    }
    let api = api
        .layer(sessions)
        // One limit, ours: axum's own 2 MiB default would refuse uploads the configured
        // limit allows.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(config.graphql_body_limit()))
        .with_state(http.clone());
    // The build writes .gz and .br beside each asset; browsers get the smallest they accept.
    // An address that is not a file gets the app's index.html when it is one of the app's
    // pages, and a "page not found" page with 404 otherwise.
    let not_a_file = Router::new()
        .fallback(crate::public_pages::spa_or_not_found)
        .with_state(http.clone());
    let spa = ServeDir::new(&config.static_dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(not_a_file);
    Router::new()
        .merge(api)
        .route("/healthz", get(crate::build_info::healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_on_main_port))
        // Outside the GraphQL edge and its sessions: anyone may fetch a published report.
        .route("/public/reports/{summary_id}", get(public_report))
        // The public pages, written by the server: complete without JavaScript.
        .route("/published", get(crate::public_pages::published_list))
        .route(
            "/published/{summary_id}",
            get(crate::public_pages::published_summary),
        )
        .with_state(http)
        .fallback_service(spa)
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
            ),
        ))
        .layer(axum::middleware::from_fn(cache_policy))
        // Over https, browsers are told to use nothing else for this host for a year.
        .layer(tower::util::option_layer(config.is_https().then(|| {
            SetResponseHeaderLayer::overriding(
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static("max-age=31536000; includeSubDomains"),
            )
        })))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
        }))
        .layer(axum::middleware::from_fn_with_state(
            state.metrics.clone(),
            time_request,
        ))
}

/// Large GraphQL answers (a whole integrated chronology is megabytes of JSON) are sent
/// gzipped to browsers that accept it, at the fastest level: JSON shrinks about tenfold
/// even so, for a few milliseconds of CPU per megabyte. Answers under 16 KiB are sent as
/// they are: compressing them saves little, and the small answers are the ones that can
/// carry a secret shown once (a new API token, a second-factor key), which is then never
/// compressed beside text a visitor chose (the BREACH attack).
fn answer_compression() -> CompressionLayer<SizeAbove> {
    CompressionLayer::new()
        .gzip(true)
        .quality(CompressionLevel::Fastest)
        .compress_when(SizeAbove::new(COMPRESS_ABOVE))
}

/// The smallest GraphQL answer that is compressed, in bytes.
pub const COMPRESS_ABOVE: u64 = 16 * 1024;

/// Times every request (to the response's head) by route.
async fn time_request(
    State(metrics): State<std::sync::Arc<crate::metrics::Metrics>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let route = crate::metrics::route_of(request.uri().path());
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    metrics.observe_http(route, response.status().as_u16(), started.elapsed());
    response
}

/// The metrics page as Prometheus reads it.
pub fn metrics_page(state: &AppState) -> Response {
    let pool = crate::metrics::PoolStats::of(&state.db);
    let mut response = state.metrics.render(pool).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

/// `/metrics` on the main port: only with `--metrics-token`, and only to requests bearing
/// it (compared in constant time). Otherwise 404, as for any unknown path.
async fn metrics_on_main_port(State(http): State<Http>, headers: HeaderMap) -> Response {
    let Some(expected) = http.state.config.metrics_token.as_deref() else {
        return (StatusCode::NOT_FOUND, "Not found").into_response();
    };
    let given = bearer_secret(&headers).unwrap_or_default();
    if !crate::metrics::token_matches(&given, expected) {
        let mut response = (StatusCode::UNAUTHORIZED, "A metrics token is needed.").into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"metrics\""),
        );
        return response;
    }
    metrics_page(&http.state)
}

/// The router of `--metrics-bind`: `/metrics` alone, without a credential.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route(
            "/metrics",
            get(|State(state): State<AppState>| async move { metrics_page(&state) }),
        )
        .with_state(state)
}

/// Whether a path names a build asset whose file name carries its content hash
/// (`frontend-1a41f436fa8d715c_bg.wasm`), which can therefore be cached for good.
fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Hashed assets are cached for a year; everything else (the API, index.html) never is.
async fn cache_policy(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let immutable = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    let value = if immutable && response.status().is_success() {
        HeaderValue::from_static("public, max-age=31536000, immutable")
    } else {
        HeaderValue::from_static("no-store")
    };
    response.headers_mut().insert(header::CACHE_CONTROL, value);
    response
}

async fn readyz(State(http): State<Http>) -> Response {
    match http.state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "database not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// A published summary's final report (PDF), shown in the browser, while the summary is
/// published and within its publication window; 404 otherwise (whatever the reason, alike).
async fn public_report(State(http): State<Http>, Path(summary_id): Path<String>) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "Not found").into_response();
    match crate::summary::public::report_file(&http.state, &summary_id).await {
        Ok(Some(file)) => {
            let disposition = format!("inline; filename=\"{}\"", file.download_name);
            let Ok(disposition) = HeaderValue::from_str(&disposition) else {
                return not_found();
            };
            let mut response = file.bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(crate::summary::report::PDF_MEDIA_TYPE),
            );
            headers.insert(header::CONTENT_DISPOSITION, disposition);
            response
        }
        Ok(None) => not_found(),
        Err(e) => {
            tracing::error!(error = %e, %summary_id, "serving a published report failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong on our side.",
            )
                .into_response()
        }
    }
}

fn refuse(status: StatusCode, code: &'static str, message: &str) -> Response {
    let body = serde_json::json!({
        "errors": [{ "message": message, "extensions": { "code": code } }]
    });
    let mut response = (status, Json(body)).into_response();
    response.extensions_mut().insert(Outcome(code));
    response
}

/// A GraphQL answer's outcome for the metrics: its first error's code (None: ok).
#[derive(Clone, Copy)]
struct Outcome(&'static str);

/// The operation a GraphQL answer was for, as its metrics label.
#[derive(Clone)]
struct OperationLabel(String);

/// The first error's code of a response (bounded: the codes the server itself sets).
fn first_code(errors: &[ServerError]) -> Option<&'static str> {
    let error = errors.first()?;
    let code = error
        .extensions
        .as_ref()
        .and_then(|e| e.get("code"))
        .and_then(|v| match v {
            async_graphql::Value::String(s) => Some(s.as_str()),
            _ => None,
        });
    Some(match code {
        Some(code) => crate::error::known_code(code),
        None => "INTERNAL",
    })
}

fn origin_ok(http: &Http, headers: &HeaderMap) -> bool {
    match headers.get(header::ORIGIN).map(|o| o.to_str()) {
        // Browsers always send Origin on POST and WebSocket; other clients may omit it.
        None => true,
        Some(Ok(origin)) => http.state.config.origin_allowed(origin),
        Some(Err(_)) => false,
    }
}

/// The secret of an `Authorization: Bearer …` header, if the request has one.
fn bearer_secret(headers: &HeaderMap) -> Option<String> {
    let value = headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .unwrap_or_default();
    let (scheme, secret) = value.split_once(' ').unwrap_or((value, ""));
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| secret.trim().to_owned())
}

async fn context(
    http: &Http,
    session: Session,
    addr: SocketAddr,
    headers: &HeaderMap,
) -> Result<RequestContext, Response> {
    let correlation_id = uuid::Uuid::new_v4().to_string();
    let internal = |e: crate::error::AppError| {
        tracing::error!(%correlation_id, error = %e, "resolving the caller failed");
        refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            "Something went wrong on our side.",
        )
    };
    // A bearer token, when sent, is the only credential: the session is not consulted.
    let (bearer, signed_in, session) = match bearer_secret(headers) {
        Some(secret) => {
            let (bearer, signed_in) = crate::api_tokens::resolve(&http.state, &secret)
                .await
                .map_err(internal)?;
            (Some(bearer), signed_in, None)
        }
        None => {
            let signed_in = auth::resolve(&http.state, &session)
                .await
                .map_err(internal)?;
            (None, signed_in, Some(session))
        }
    };
    Ok(RequestContext {
        correlation_id,
        // Behind a trusted reverse proxy, the address it forwarded (see `--trusted-proxies`).
        client_addr: crate::client_addr::client_ip(
            addr.ip(),
            headers,
            &http.state.config.trusted_proxies,
        )
        .to_string(),
        session,
        signed_in,
        bearer,
    })
}

/// Masks any error that did not come through the one mapping (an internal failure with a
/// path) and labels query errors (parse, validation, limits) as BAD_REQUEST. Those query
/// errors never repeat a literal of the request (`literals`): a password typed inline stays
/// out of them. Errors through the one mapping keep their own wording.
pub fn mask_errors(errors: &mut [ServerError], correlation_id: &str, literals: &[String]) {
    for error in errors {
        let has_code = error
            .extensions
            .as_ref()
            .is_some_and(|e| e.get("code").is_some());
        if has_code {
            continue;
        }
        error.message = query_limits::redact(&error.message, literals);
        // An argument the resolver could not read (a null for a non-null argument with a
        // default, say) is the request's fault, and its message names the argument.
        let bad_argument = error.message.starts_with("Invalid value for argument")
            || error.message.starts_with("Failed to parse")
            || error.message.starts_with("Expected input type");
        let code = if error.path.is_empty() || bad_argument {
            "BAD_REQUEST"
        } else {
            tracing::error!(%correlation_id, message = %error.message, "unmapped resolver error");
            error.message = "Something went wrong on our side.".into();
            "INTERNAL"
        };
        let ext = error.extensions.get_or_insert_with(Default::default);
        ext.set("code", code);
        ext.set("correlationId", correlation_id.to_owned());
    }
}

/// The mutations that carry a file (base64-encoded): the only operations whose bodies may
/// be larger than the ordinary limit.
pub const UPLOAD_FIELDS: [&str; 5] = [
    "previewChronologyImport",
    "confirmChronologyImport",
    "startChronologyImport",
    "uploadFinalReport",
    "importIndicatorValues",
];

/// What a request may not repeat back: its query's literal strings and its short string
/// variables (a long one is a file, not a secret typed by a person).
pub fn request_literals(request: &async_graphql::Request) -> Vec<String> {
    fn strings(value: &async_graphql::Value, out: &mut Vec<String>) {
        match value {
            async_graphql::Value::String(s) if s.len() <= 1024 => out.push(s.clone()),
            async_graphql::Value::List(items) => items.iter().for_each(|v| strings(v, out)),
            async_graphql::Value::Object(fields) => fields.values().for_each(|v| strings(v, out)),
            _ => {}
        }
    }
    let mut out = query_limits::literal_strings(&request.query);
    for value in request.variables.values() {
        strings(value, &mut out);
    }
    out
}

/// Bounds a request before the schema sees it: the query's text, its parse (an error names
/// the position, never the text), its fields with fragments expanded, and the body size
/// (the upload allowance only for one upload mutation). `body_len` is the request's size.
pub fn check_request(
    http: &Http,
    request: &mut async_graphql::Request,
    body_len: usize,
) -> Result<(), Box<Response>> {
    let bad = |message: String| Box::new(refuse(StatusCode::BAD_REQUEST, "BAD_REQUEST", &message));
    query_limits::check_text(&request.query).map_err(|e| bad(e.to_string()))?;
    let doc = match request.parsed_query() {
        Ok(doc) => doc,
        Err(e) => {
            let at = e
                .locations
                .first()
                .map(|p| format!(" at line {}, column {}", p.line, p.column))
                .unwrap_or_default();
            return Err(bad(format!(
                "The query could not be read{at}: check its syntax there."
            )));
        }
    };
    query_limits::check_document(doc).map_err(|e| bad(e.to_string()))?;
    let limit = http.state.config.max_body_bytes;
    if body_len > limit {
        let is_mutation = doc
            .operations
            .iter()
            .all(|(_, op)| op.node.ty == async_graphql::parser::types::OperationType::Mutation);
        let roots = query_limits::root_fields(doc);
        let upload = is_mutation && roots.len() == 1 && UPLOAD_FIELDS.contains(&roots[0].as_str());
        if !upload {
            return Err(Box::new(refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                "BAD_REQUEST",
                &format!(
                    "The request is {body_len} bytes; at most {limit} are accepted (only a single file upload may be larger)."
                ),
            )));
        }
    }
    Ok(())
}

/// `POST /graphql`, counted and timed by operation and outcome.
async fn graphql_post(
    State(http): State<Http>,
    session: Session,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let started = std::time::Instant::now();
    let metrics = http.state.metrics.clone();
    let response = graphql_answer(http, session, addr, headers, body).await;
    let operation = response
        .extensions()
        .get::<OperationLabel>()
        .map(|l| l.0.as_str())
        .unwrap_or(crate::metrics::UNREAD_OPERATION);
    let outcome = response
        .extensions()
        .get::<Outcome>()
        .map(|o| o.0)
        .unwrap_or("ok");
    metrics.observe_operation(operation, outcome, started.elapsed());
    response
}

/// The operation a request will run: the one it names, or its only one.
fn operation_of(
    request: &mut async_graphql::Request,
) -> Option<(Option<String>, async_graphql::parser::types::OperationType)> {
    let wanted = request.operation_name.clone();
    let doc = request.parsed_query().ok()?;
    doc.operations
        .iter()
        .find(|(n, _)| match &wanted {
            Some(w) => n.is_some_and(|n| n.as_str() == w),
            None => true,
        })
        .map(|(n, op)| (n.map(|n| n.to_string()), op.node.ty))
}

async fn graphql_answer(
    http: Http,
    session: Session,
    addr: SocketAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !origin_ok(&http, &headers) {
        return refuse(
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            "Requests must come from this site.",
        );
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
        });
    if !json {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "BAD_REQUEST",
            "Send GraphQL requests as application/json.",
        );
    }
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return refuse(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "Batched requests are not supported: send one operation per request.",
        );
    }
    let mut request: async_graphql::Request = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(_) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "The body is not a GraphQL request in JSON.",
            )
        }
    };
    if let Err(response) = check_request(&http, &mut request, body.len()) {
        return *response;
    }
    drop(body);
    let (name, kind) = operation_of(&mut request)
        .unwrap_or((None, async_graphql::parser::types::OperationType::Query));
    let label = OperationLabel(http.state.metrics.operation_label(name.as_deref()));
    let mut out = graphql_execute(&http, session, addr, &headers, request, name, kind).await;
    out.extensions_mut().insert(label);
    out
}

/// Runs a checked request: in its log span and, when tracing, in its trace span.
async fn graphql_execute(
    http: &Http,
    session: Session,
    addr: SocketAddr,
    headers: &HeaderMap,
    request: async_graphql::Request,
    name: Option<String>,
    kind: async_graphql::parser::types::OperationType,
) -> Response {
    let literals = request_literals(&request);
    let kind = match kind {
        async_graphql::parser::types::OperationType::Query => "query",
        async_graphql::parser::types::OperationType::Mutation => "mutation",
        async_graphql::parser::types::OperationType::Subscription => "subscription",
    };
    // The span opens before the caller is resolved: the session's statements are its too.
    let mut trace = http.state.tracer.as_ref().map(|tracer| {
        let traceparent = headers.get("traceparent").and_then(|v| v.to_str().ok());
        let shown = name.clone().unwrap_or_else(|| "(anonymous)".into());
        // A name as long as a client likes is kept out of the span's name.
        let short: String = shown.chars().take(100).collect();
        tracer.operation(
            format!("{kind} {short}"),
            traceparent,
            vec![
                ("graphql.operation.name", shown),
                ("graphql.operation.type", kind.to_owned()),
            ],
        )
    });
    let resolved = crate::traces::in_scope(
        trace.as_ref().map(|t| t.scope()),
        context(http, session, addr, headers),
    )
    .await;
    let rc = match resolved {
        Ok(rc) => rc,
        Err(response) => {
            if let Some(trace) = trace {
                trace.finish(Some("INTERNAL"));
            }
            return response;
        }
    };
    let correlation_id = rc.correlation_id.clone();
    if let Some(trace) = &mut trace {
        trace.attribute("correlation_id", correlation_id.clone());
    }
    let span = operation_span(
        &correlation_id,
        request.operation_name.as_deref().unwrap_or("-"),
        rc.signed_in
            .as_ref()
            .map(|s| s.actor.user_id.as_str())
            .unwrap_or("-"),
    );
    let execution = crate::traces::in_scope(
        trace.as_ref().map(|t| t.scope()),
        tracing::Instrument::instrument(http.schema.execute(request.data(rc)), span),
    );
    let mut response = match tokio::time::timeout(http.state.config.request_timeout(), execution)
        .await
    {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(%correlation_id, "request stopped at the execution time limit");
            if let Some(trace) = trace {
                trace.finish(Some("TIMEOUT"));
            }
            return refuse(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "TIMEOUT",
                    "The request took too long and was stopped; nothing it was doing was saved. Try again, or ask for less at once.",
                );
        }
    };
    mask_errors(&mut response.errors, &correlation_id, &literals);
    let outcome = first_code(&response.errors);
    if let Some(trace) = trace {
        trace.finish(outcome);
    }
    let mut out = Json(response).into_response();
    if let Some(code) = outcome {
        out.extensions_mut().insert(Outcome(code));
    }
    if let Ok(v) = HeaderValue::from_str(&correlation_id) {
        out.headers_mut().insert("x-correlation-id", v);
    }
    out
}

/// The log span of one GraphQL operation: every line logged while it runs carries the
/// correlation id its errors are returned with.
pub fn operation_span(correlation_id: &str, operation: &str, user: &str) -> tracing::Span {
    tracing::info_span!("graphql", correlation_id = %correlation_id, operation, user)
}

async fn graphql_ws(
    State(http): State<Http>,
    session: Session,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !origin_ok(&http, &headers) || headers.get(header::ORIGIN).is_none() {
        return refuse(
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            "WebSocket connections must come from this site.",
        );
    }
    let Some(protocol) = live_socket::protocol(&headers) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "Ask for the graphql-transport-ws (or graphql-ws) subprotocol.",
        );
    };
    let credential = match bearer_secret(&headers) {
        Some(secret) => live_socket::Credential::Bearer(secret),
        None => live_socket::Credential::Session(session.clone()),
    };
    let rc = match context(&http, session, addr, &headers).await {
        Ok(rc) => rc,
        Err(response) => return response,
    };
    upgrade
        .max_message_size(64 * 1024)
        .protocols(["graphql-transport-ws", "graphql-ws"])
        .on_upgrade(move |socket| live_socket::serve(socket, http, protocol, credential, rc))
}

/// GraphiQL (only when introspection is enabled). Its page loads its scripts from a CDN,
/// so it gets a policy of its own.
async fn graphiql() -> Response {
    let mut response = Html(
        async_graphql::http::GraphiQLSource::build()
            .endpoint("/graphql")
            .finish(),
    )
    .into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self' 'unsafe-inline' https://unpkg.com; connect-src 'self'",
        ),
    );
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashed_assets_are_recognised() {
        assert!(super::is_hashed_asset("/frontend-1a41f436fa8d715c_bg.wasm"));
        assert!(super::is_hashed_asset("/style-5da405801d2f316d.css"));
        assert!(super::is_hashed_asset("/boot-5b8679ddae34ddbe.js"));
        assert!(!super::is_hashed_asset("/index.html"));
        assert!(!super::is_hashed_asset("/reviews/123"));
        assert!(!super::is_hashed_asset("/graphql"));
    }
}
