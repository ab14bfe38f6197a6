//! What one request carries through the services: who acts, from where, under which
//! correlation id.

use crate::error::{AppError, AppResult};
use shared::auth::{Actor, Role};
use tower_sessions::Session;

/// A signed-in person as the services need them.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub actor: Actor,
    pub display_name: String,
    pub agency_prefix: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RequestContext {
    pub correlation_id: String,
    pub client_addr: String,
    pub session: Option<Session>,
    pub signed_in: Option<SignedIn>,
    /// Set when the request carried `Authorization: Bearer`: it acts as that API token
    /// (or is refused, if the token is unknown, expired or revoked), never as a session.
    pub bearer: Option<crate::api_tokens::Bearer>,
}

impl RequestContext {
    /// A context for work the server does on its own behalf (CLI commands, jobs).
    pub fn system(action: &str) -> Self {
        Self {
            correlation_id: format!("{action}-{}", uuid::Uuid::new_v4()),
            client_addr: "local".into(),
            session: None,
            signed_in: None,
            bearer: None,
        }
    }

    /// The agency of the API token the request acts as, if it does.
    pub fn token_agency(&self) -> Option<&str> {
        match &self.bearer {
            Some(crate::api_tokens::Bearer::Token { agency_id, .. }) => Some(agency_id),
            _ => None,
        }
    }

    pub fn signed_in(&self) -> AppResult<&SignedIn> {
        self.signed_in.as_ref().ok_or(AppError::Unauthenticated)
    }

    pub fn actor(&self) -> AppResult<&Actor> {
        self.signed_in().map(|s| &s.actor)
    }

    /// The signed-in actor, if they hold one of `roles`.
    pub fn require_any(&self, roles: &[Role]) -> AppResult<&Actor> {
        let actor = self.actor()?;
        if actor.has_any(roles) {
            Ok(actor)
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// Session keys.
pub const SESSION_USER_ID: &str = "user_id";
pub const SESSION_SIGNED_IN_AT: &str = "signed_in_at";
/// When the session last showed activity (seconds since the epoch). The stored expiry is
/// moved on (the session saved) only when this is a minute old, not on every request.
pub const SESSION_SEEN_AT: &str = "seen_at";
