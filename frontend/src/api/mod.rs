//! The GraphQL client: one function that posts an operation to `/graphql` and turns the
//! answer into data or an [`ApiError`] the pages can show.

pub mod chronology;
pub mod data;
mod queries;

pub use chronology::Chronology;

pub use queries::*;

use gloo_net::http::Request;
use graphql_client::GraphQLQuery;
use serde::de::{Deserialize, DeserializeOwned};
use serde::Serialize;
use serde_json::Value;
use std::cell::RefCell;
use std::rc::Rc;

/// What kind of failure the server reported (`errors[].extensions.code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    Unauthenticated,
    Forbidden,
    NotFound,
    Validation,
    Conflict,
    TooManyAttempts,
    Internal,
    BadRequest,
    /// An anonymised chronology refused while possible names are open (the message names
    /// them).
    AnonymisationSuspectsOpen,
    /// An export larger than the server's bounds (the message says which).
    ExportTooLarge,
    /// A code from an authenticator app or a recovery code that is not right.
    InvalidCode,
    /// The password was right; a code from the person's app finishes signing in.
    SecondFactorRequired,
    /// The password was right; the person's role requires an authenticator app, set up now.
    SecondFactorSetupRequired,
    /// A second step with no sign-in waiting for it (lapsed, or never started).
    SignInNotStarted,
    /// The request never got an answer (network down, server stopped).
    Network,
}

impl ErrorCode {
    fn parse(code: &str) -> Self {
        match code {
            "UNAUTHENTICATED" => Self::Unauthenticated,
            "FORBIDDEN" => Self::Forbidden,
            "NOT_FOUND" => Self::NotFound,
            "VALIDATION" => Self::Validation,
            "CONFLICT" => Self::Conflict,
            "TOO_MANY_ATTEMPTS" => Self::TooManyAttempts,
            "BAD_REQUEST" => Self::BadRequest,
            "ANONYMISATION_SUSPECTS_OPEN" => Self::AnonymisationSuspectsOpen,
            "EXPORT_TOO_LARGE" => Self::ExportTooLarge,
            "INVALID_CODE" => Self::InvalidCode,
            "SECOND_FACTOR_REQUIRED" => Self::SecondFactorRequired,
            "SECOND_FACTOR_SETUP_REQUIRED" => Self::SecondFactorSetupRequired,
            "SIGN_IN_NOT_STARTED" => Self::SignInNotStarted,
            _ => Self::Internal,
        }
    }
}

/// One problem with one input field, as named in the GraphQL input (`mechanisms[0].text`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub correlation_id: Option<String>,
    pub problems: Vec<FieldProblem>,
    /// On CONFLICT, the stored record as it is now (`extensions.current`), when sent.
    pub current: Option<Value>,
}

impl ApiError {
    fn network(message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::Network,
            message: message.into(),
            correlation_id: None,
            problems: Vec::new(),
            current: None,
        }
    }

    /// A sentence a person can act on.
    pub fn explain(&self) -> String {
        match self.code {
            ErrorCode::Unauthenticated => "You need to sign in again.".into(),
            ErrorCode::Forbidden => "You do not have permission to do that.".into(),
            ErrorCode::NotFound => "Page not found.".into(),
            ErrorCode::Conflict => {
                "Someone else changed this while you were editing it. Reload to see their changes, then make yours again.".into()
            }
            ErrorCode::TooManyAttempts => {
                "Too many attempts. Wait a few minutes, then try again.".into()
            }
            ErrorCode::Network => {
                "The service could not be reached. Check your connection and try again.".into()
            }
            ErrorCode::Validation
            | ErrorCode::BadRequest
            | ErrorCode::AnonymisationSuspectsOpen
            | ErrorCode::ExportTooLarge
            | ErrorCode::InvalidCode
            | ErrorCode::SecondFactorRequired
            | ErrorCode::SecondFactorSetupRequired
            | ErrorCode::SignInNotStarted => self.message.clone(),
            ErrorCode::Internal => "Sorry, there is a problem with the service. Try again later.".into(),
        }
    }
}

type Hook = Rc<dyn Fn()>;

thread_local! {
    static ON_UNAUTHENTICATED: RefCell<Option<Hook>> = const { RefCell::new(None) };
}

/// What to do when the server says the session is gone (the app sends the person to sign in).
pub fn on_unauthenticated(hook: impl Fn() + 'static) {
    ON_UNAUTHENTICATED.with(|h| *h.borrow_mut() = Some(Rc::new(hook)));
}

/// Runs one operation; an UNAUTHENTICATED answer also sends the person to the sign-in page.
/// Only encoding the variables and decoding the data is per operation; the rest is shared
/// by every operation (one copy in the WebAssembly).
pub async fn call<Q: GraphQLQuery>(variables: Q::Variables) -> Result<Q::ResponseData, ApiError> {
    call_as::<Q>(variables, false).await
}

/// [`call`] without the sign-in redirect (for what is read in the background).
pub async fn call_quietly<Q: GraphQLQuery>(
    variables: Q::Variables,
) -> Result<Q::ResponseData, ApiError> {
    call_as::<Q>(variables, true).await
}

async fn call_as<Q: GraphQLQuery>(
    variables: Q::Variables,
    quiet: bool,
) -> Result<Q::ResponseData, ApiError> {
    let body = serde_json::to_string(&Q::build_query(variables))
        .map_err(|e| ApiError::network(e.to_string()));
    let (data, status, correlation_id) = post(body, quiet).await?;
    Q::ResponseData::deserialize(data).map_err(|_| {
        let e = status_error(status, correlation_id);
        signal(&e, quiet);
        e
    })
}

/// Runs an operation whose answer the page reads little of (mutations answering an id):
/// the `data` as JSON, so no decoder is built for the operation's own answer types.
pub async fn send<Q: GraphQLQuery>(variables: Q::Variables) -> Result<Value, ApiError> {
    send_as::<Q>(variables, false).await
}

/// [`send`] without the sign-in redirect.
pub async fn send_quietly<Q: GraphQLQuery>(variables: Q::Variables) -> Result<Value, ApiError> {
    send_as::<Q>(variables, true).await
}

async fn send_as<Q: GraphQLQuery>(variables: Q::Variables, quiet: bool) -> Result<Value, ApiError> {
    let body = serde_json::to_string(&Q::build_query(variables))
        .map_err(|e| ApiError::network(e.to_string()));
    post(body, quiet).await.map(|(data, ..)| data)
}

/// Runs a query and reads its answer by hand ([`data::FromJson`]) instead of with the
/// operation's generated decoder.
pub async fn fetch<Q: GraphQLQuery, R: data::FromJson>(
    variables: Q::Variables,
) -> Result<R, ApiError> {
    send::<Q>(variables).await.map(|d| R::from_json(&d))
}

/// [`fetch`] without the sign-in redirect (for who is signed in, and signing in itself).
pub async fn fetch_quietly<Q: GraphQLQuery, R: data::FromJson>(
    variables: Q::Variables,
) -> Result<R, ApiError> {
    send_as::<Q>(variables, true)
        .await
        .map(|d| R::from_json(&d))
}

/// The `id` of what a mutation answered (`{"createReview": {"id": "…"}}` → `"…"`).
pub fn id_of(data: &Value) -> String {
    data.as_object()
        .and_then(|o| o.values().next())
        .and_then(|v| v.get("id"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// Posts one encoded operation; the answer's `data`, HTTP status and correlation id.
async fn post(
    body: Result<String, ApiError>,
    quiet: bool,
) -> Result<(Value, u16, Option<String>), ApiError> {
    let result = post_inner(body).await;
    if let Err(e) = &result {
        signal(e, quiet);
    }
    result
}

/// An UNAUTHENTICATED failure (unless `quiet`) sends the person to the sign-in page.
fn signal(error: &ApiError, quiet: bool) {
    if !quiet && error.code == ErrorCode::Unauthenticated {
        if let Some(hook) = ON_UNAUTHENTICATED.with(|h| h.borrow().clone()) {
            hook();
        }
    }
}

fn status_error(status: u16, correlation_id: Option<String>) -> ApiError {
    let code = match status {
        401 => ErrorCode::Unauthenticated,
        403 => ErrorCode::Forbidden,
        404 => ErrorCode::NotFound,
        429 => ErrorCode::TooManyAttempts,
        400..=499 => ErrorCode::BadRequest,
        _ => ErrorCode::Internal,
    };
    ApiError {
        code,
        message: format!("The server answered {status}."),
        correlation_id,
        problems: Vec::new(),
        current: None,
    }
}

async fn post_inner(
    body: Result<String, ApiError>,
) -> Result<(Value, u16, Option<String>), ApiError> {
    let request = Request::post("/graphql")
        .credentials(web_sys::RequestCredentials::SameOrigin)
        .header("Accept", "application/json")
        .header("Content-Type", "application/json")
        .body(body?)
        .map_err(|e| ApiError::network(e.to_string()))?;
    let response = request
        .send()
        .await
        .map_err(|e| ApiError::network(e.to_string()))?;
    let status = response.status();
    let correlation_id = response.headers().get("x-correlation-id");
    let parsed = match response.text().await {
        Ok(text) => serde_json::from_str::<Value>(&text).ok(),
        Err(_) => None,
    };
    let Some(Value::Object(mut parsed)) = parsed else {
        return Err(status_error(status, correlation_id));
    };
    if let Some(error) = parsed
        .get("errors")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return Err(to_api_error(error));
    }
    match parsed.remove("data") {
        Some(data) if !data.is_null() => Ok((data, status, correlation_id)),
        _ => Err(ApiError::network("The server sent no data.")),
    }
}

fn to_api_error(error: &Value) -> ApiError {
    let ext = error.get("extensions");
    let text = |key: &str| ext.and_then(|e| e.get(key)).and_then(Value::as_str);
    let problems = ext
        .and_then(|e| e.get("problems"))
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|p| {
                    Some(FieldProblem {
                        field: p.get("field")?.as_str()?.to_string(),
                        message: p.get("message")?.as_str()?.to_string(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    ApiError {
        code: text("code").map_or(ErrorCode::Internal, ErrorCode::parse),
        message: error
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        correlation_id: text("correlationId").map(str::to_string),
        problems,
        current: ext.and_then(|e| e.get("current")).cloned(),
    }
}

/// The GraphQL enum value of a generated enum (`SERIOUS_CASE_REVIEW`).
pub fn code_of<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// A generated enum from its GraphQL value (the shared crate's `.code()`).
pub fn enum_from<T: DeserializeOwned>(code: &str) -> T {
    serde_json::from_value(Value::String(code.to_string()))
        .expect("generated GraphQL enums accept any value")
}
