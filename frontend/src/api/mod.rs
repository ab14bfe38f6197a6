//! The GraphQL client: one function that posts an operation to `/graphql` and turns the
//! answer into data or an [`ApiError`] the pages can show.

mod queries;

pub use queries::*;

use gloo_net::http::Request;
use graphql_client::{GraphQLQuery, Response};
use serde::de::DeserializeOwned;
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
            ErrorCode::Validation | ErrorCode::BadRequest => self.message.clone(),
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
pub async fn call<Q: GraphQLQuery>(variables: Q::Variables) -> Result<Q::ResponseData, ApiError> {
    let result = call_quietly::<Q>(variables).await;
    if matches!(&result, Err(e) if e.code == ErrorCode::Unauthenticated) {
        if let Some(hook) = ON_UNAUTHENTICATED.with(|h| h.borrow().clone()) {
            hook();
        }
    }
    result
}

/// Runs one operation without the sign-in redirect (for signing in itself).
pub async fn call_quietly<Q: GraphQLQuery>(
    variables: Q::Variables,
) -> Result<Q::ResponseData, ApiError> {
    let body = Q::build_query(variables);
    let request = Request::post("/graphql")
        .credentials(web_sys::RequestCredentials::SameOrigin)
        .header("Accept", "application/json")
        .json(&body)
        .map_err(|e| ApiError::network(e.to_string()))?;
    let response = request
        .send()
        .await
        .map_err(|e| ApiError::network(e.to_string()))?;
    let status = response.status();
    let parsed: Response<Q::ResponseData> = match response.json().await {
        Ok(parsed) => parsed,
        Err(_) => {
            let code = match status {
                401 => ErrorCode::Unauthenticated,
                403 => ErrorCode::Forbidden,
                404 => ErrorCode::NotFound,
                429 => ErrorCode::TooManyAttempts,
                400..=499 => ErrorCode::BadRequest,
                _ => ErrorCode::Internal,
            };
            return Err(ApiError {
                code,
                message: format!("The server answered {status}."),
                correlation_id: response.headers().get("x-correlation-id"),
                problems: Vec::new(),
                current: None,
            });
        }
    };
    if let Some(error) = parsed.errors.as_ref().and_then(|e| e.first()) {
        return Err(to_api_error(error));
    }
    parsed
        .data
        .ok_or_else(|| ApiError::network("The server sent no data."))
}

fn to_api_error(error: &graphql_client::Error) -> ApiError {
    let ext = error.extensions.as_ref();
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
        message: error.message.clone(),
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
