//! Errors inside the server, and the one place they become GraphQL errors. Clients see a
//! message and a stable `extensions.code` with the request's correlation id; internal
//! details (database text, file paths) are logged, never sent.

use async_graphql::ErrorExtensions;
use shared::Problems;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("Sign in to continue.")]
    Unauthenticated,
    #[error("You do not have permission to do that.")]
    Forbidden,
    #[error("{0} not found.")]
    NotFound(&'static str),
    #[error("Check the highlighted fields: {0}")]
    Validation(Problems),
    #[error("{0}")]
    Conflict(String),
    /// A save against an old version: the stored version goes back so the person can merge.
    #[error("{message}")]
    StaleVersion {
        message: String,
        current: serde_json::Value,
    },
    #[error("{0}")]
    TooManyAttempts(String),
    /// A chronology file too big to import while the request waits.
    #[error("{0}")]
    BackgroundImportRequired(String),
    /// An anonymised chronology asked for while likely names the glossary does not cover
    /// are open; the message names them.
    #[error("{0}")]
    AnonymisationSuspectsOpen(String),
    /// An export that would read or produce more than the configured bounds; the message
    /// says which bound and how to raise it.
    #[error("{0}")]
    ExportTooLarge(String),
    /// A code from an authenticator app or a recovery code that is not right (or was
    /// already used).
    #[error("The code is not right. Enter the current 6-digit code from your authenticator app, or a recovery code you have not used.")]
    InvalidCode,
    /// The password was right; the sign-in waits for a code from the person's app.
    #[error("Enter the 6-digit code from your authenticator app to finish signing in.")]
    SecondFactorRequired,
    /// The password was right; the person's role requires two-step verification, which
    /// they set up now to finish signing in.
    #[error("Your role requires two-step verification. Set it up to finish signing in.")]
    SecondFactorSetupRequired,
    /// A second step with no pending sign-in (never started, or older than 5 minutes).
    #[error("Sign in with your email address and password first.")]
    SignInNotStarted,
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "UNAUTHENTICATED",
            AppError::Forbidden => "FORBIDDEN",
            AppError::NotFound(_) => "NOT_FOUND",
            AppError::Validation(_) => "VALIDATION",
            AppError::Conflict(_) | AppError::StaleVersion { .. } => "CONFLICT",
            AppError::TooManyAttempts(_) => "TOO_MANY_ATTEMPTS",
            AppError::BackgroundImportRequired(_) => "BACKGROUND_IMPORT_REQUIRED",
            AppError::AnonymisationSuspectsOpen(_) => "ANONYMISATION_SUSPECTS_OPEN",
            AppError::ExportTooLarge(_) => "EXPORT_TOO_LARGE",
            AppError::InvalidCode => "INVALID_CODE",
            AppError::SecondFactorRequired => "SECOND_FACTOR_REQUIRED",
            AppError::SecondFactorSetupRequired => "SECOND_FACTOR_SETUP_REQUIRED",
            AppError::SignInNotStarted => "SIGN_IN_NOT_STARTED",
            AppError::Internal(_) => "INTERNAL",
        }
    }

    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Validation(Problems::single(field, message))
    }

    /// A version-checked change refused because `what` ("this theme") moved on since the
    /// person opened it: CONFLICT, in the same words everywhere.
    pub fn changed_since_opened(what: &str) -> Self {
        AppError::Conflict(format!(
            "Someone else changed {what} since you opened it. Open it again to see their changes, then make yours again."
        ))
    }

    /// The GraphQL error a client sees.
    pub fn into_graphql(self, correlation_id: &str) -> async_graphql::Error {
        let message = match &self {
            AppError::Internal(detail) => {
                tracing::error!(%correlation_id, detail = %detail, "internal error");
                "Something went wrong on our side. Quote the reference if you contact support."
                    .to_string()
            }
            AppError::Validation(problems) => match problems.0.as_slice() {
                [one] => format!("{}: {}", one.field, one.message),
                _ => format!("{} problems with the input", problems.0.len()),
            },
            other => other.to_string(),
        };
        let code = self.code();
        let correlation_id = correlation_id.to_string();
        async_graphql::Error::new(message).extend_with(|_, ext| {
            ext.set("code", code);
            ext.set("correlationId", correlation_id.clone());
            if let AppError::StaleVersion { current, .. } = &self {
                if let Ok(value) = async_graphql::Value::from_json(current.clone()) {
                    ext.set("current", value);
                }
            }
            if let AppError::Validation(problems) = &self {
                if let Some(first) = problems.0.first() {
                    ext.set("field", first.field.clone());
                }
                let list: Vec<async_graphql::Value> = problems
                    .0
                    .iter()
                    .map(|p| {
                        let mut m = async_graphql::indexmap::IndexMap::new();
                        m.insert(
                            async_graphql::Name::new("field"),
                            async_graphql::Value::from(p.field.clone()),
                        );
                        m.insert(
                            async_graphql::Name::new("message"),
                            async_graphql::Value::from(p.message.clone()),
                        );
                        async_graphql::Value::Object(m)
                    })
                    .collect();
                ext.set("problems", async_graphql::Value::List(list));
            }
        })
    }
}

/// Every `extensions.code` the server sends: [`AppError::code`]'s, and those of requests
/// refused before they run.
pub const CODES: [&str; 12] = [
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "NOT_FOUND",
    "VALIDATION",
    "CONFLICT",
    "TOO_MANY_ATTEMPTS",
    "BACKGROUND_IMPORT_REQUIRED",
    "ANONYMISATION_SUSPECTS_OPEN",
    "EXPORT_TOO_LARGE",
    "INTERNAL",
    "BAD_REQUEST",
    "TIMEOUT",
];

/// `code` as one of [`CODES`] (for a metric label), or `OTHER`.
pub fn known_code(code: &str) -> &'static str {
    CODES
        .iter()
        .find(|c| **c == code)
        .copied()
        .unwrap_or("OTHER")
}

impl From<Problems> for AppError {
    fn from(p: Problems) -> Self {
        AppError::Validation(p)
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        AppError::Internal(format!("database: {e}"))
    }
}

impl From<tower_sessions::session::Error> for AppError {
    fn from(e: tower_sessions::session::Error) -> Self {
        AppError::Internal(format!("session: {e}"))
    }
}

pub type AppResult<T> = Result<T, AppError>;
