//! `GET /auth/oidc/start?email=…[&next=/path]` sends the browser to its domain's provider;
//! `GET /auth/oidc/callback` is where the provider sends it back. Both answer with a
//! redirect: into the app once signed in, or to `/sign-in?sso_error=CODE`, which explains.

use super::flow::{self, Callback, Refusal, CALLBACK_PATH, LOGIN_LIFETIME};
use crate::app::Http;
use crate::context::RequestContext;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::net::SocketAddr;
use tower_sessions::Session;

pub const START_PATH: &str = "/auth/oidc/start";

pub fn routes() -> Router<Http> {
    Router::new()
        .route(START_PATH, get(start))
        .route(CALLBACK_PATH, get(callback))
}

/// The cookie that ties a sign-in to the browser that started it. `SameSite=Lax`, unlike
/// the session's `Strict`, so it comes back on the provider's redirect.
fn cookie_name(http: &Http) -> &'static str {
    if http.state.config.is_https() {
        "__Host-lp_sso"
    } else {
        "lp_sso"
    }
}

fn binding_cookie(http: &Http, value: &str, max_age: i64) -> Option<HeaderValue> {
    let secure = if http.state.config.is_https() {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}",
        cookie_name(http)
    ))
    .ok()
}

fn read_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

fn redirect(to: &str) -> Response {
    match HeaderValue::from_str(to) {
        Ok(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
        Err(_) => (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response(),
    }
}

fn refused(refusal: &Refusal, correlation_id: &str) -> Response {
    match refusal {
        Refusal::Internal(_) | Refusal::ProviderUnavailable(_) | Refusal::TokenRejected(_) => {
            tracing::warn!(%correlation_id, error = %refusal, "single sign-on refused")
        }
        _ => tracing::info!(%correlation_id, reason = refusal.code(), "single sign-on refused"),
    }
    redirect(&format!("/sign-in?sso_error={}", refusal.code()))
}

#[derive(serde::Deserialize)]
struct StartQuery {
    email: Option<String>,
    next: Option<String>,
}

async fn start(State(http): State<Http>, Query(query): Query<StartQuery>) -> Response {
    let correlation_id = uuid::Uuid::new_v4().to_string();
    let email = query.email.unwrap_or_default();
    match flow::start(&http.state, &email, query.next.as_deref()).await {
        Ok(started) => {
            let mut response = redirect(&started.redirect_to);
            if let Some(cookie) =
                binding_cookie(&http, &started.browser_secret, LOGIN_LIFETIME.num_seconds())
            {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            response
        }
        Err(refusal) => refused(&refusal, &correlation_id),
    }
}

async fn callback(
    State(http): State<Http>,
    session: Session,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(callback): Query<Callback>,
) -> Response {
    let mut rc = RequestContext {
        correlation_id: uuid::Uuid::new_v4().to_string(),
        client_addr: addr.ip().to_string(),
        session: Some(session),
        signed_in: None,
        bearer: None,
    };
    let secret = read_cookie(&headers, cookie_name(&http)).map(str::to_owned);
    let mut response = match flow::finish(&http.state, &mut rc, callback, secret.as_deref()).await {
        Ok(next) => redirect(&next),
        Err(refusal) => refused(&refusal, &rc.correlation_id),
    };
    // The binding cookie has done its work either way.
    if let Some(cookie) = binding_cookie(&http, "", 0) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}
