//! Agency API tokens: the business office makes one for an agency; the secret is shown
//! once and stored only as its SHA-256; a token expires and can be revoked. A request with
//! `Authorization: Bearer lpat_…` acts as the token: it reads its agency's actions and adds
//! progress updates to them, and nothing else (see `auth::policy`).
//!
//! Each token acts through a service account of its own: an inactive person with no
//! roles, who cannot sign in, named after the token, so progress updates and audit rows
//! say which token made them.

pub mod graphql;

use crate::audit_log::{self, Event};
use crate::context::{RequestContext, SignedIn};
use crate::db::{begin_write, now};
use crate::entities::{agency, api_token, app_user};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use sha2::{Digest, Sha256};
use shared::auth::{Actor, Role};

/// Every secret starts with this, so leaked tokens are easy to recognise.
pub const SECRET_PREFIX: &str = "lpat_";
const API_TOKEN: &str = "API token";
const MAX_NAME: usize = 100;

/// The stored form of a secret.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A fresh secret: the prefix and 244 random bits (two v4 UUIDs, from the OS generator).
fn new_secret() -> String {
    format!(
        "{SECRET_PREFIX}{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// A token just made, with its secret (never available again).
pub struct Created {
    pub token: api_token::Model,
    pub secret: String,
}

/// Makes a token for `agency_id`, valid until the end of `expires_on` (UTC).
pub async fn create(
    state: &AppState,
    rc: &RequestContext,
    agency_id: &str,
    name: &str,
    expires_on: NaiveDate,
) -> AppResult<Created> {
    let actor = rc.require_any(&[Role::BusinessOffice])?;
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::validation("name", "Name the token."));
    }
    if name.chars().count() > MAX_NAME {
        return Err(AppError::validation(
            "name",
            format!("Use at most {MAX_NAME} characters."),
        ));
    }
    if expires_on < state.today() {
        return Err(AppError::validation(
            "expiresOn",
            "The expiry date must not be in the past.",
        ));
    }
    if expires_on > state.today() + chrono::Days::new(366) {
        return Err(AppError::validation(
            "expiresOn",
            "A token may last at most a year.",
        ));
    }
    let expires_at = expires_on
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .ok_or_else(|| AppError::validation("expiresOn", "Choose an earlier date."))?;
    let txn = begin_write(&state.db).await?;
    let agency = agency::Entity::find_by_id(agency_id.to_owned())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("Agency"))?;
    let id = uuid::Uuid::new_v4().to_string();
    let at = now();
    let service_user = app_user::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        email: Set(format!(
            "api-token-{id}{}",
            crate::users::service::SERVICE_ACCOUNT_DOMAIN
        )),
        display_name: Set(format!("API token: {name}")),
        agency_id: Set(Some(agency.id.clone())),
        roles: Set(String::new()),
        // Not a password hash: nothing verifies against it, and the account is inactive.
        password_hash: Set("!api-token".into()),
        active: Set(false),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(&txn)
    .await?;
    let secret = new_secret();
    let token = api_token::ActiveModel {
        id: Set(id.clone()),
        agency_id: Set(agency.id),
        name: Set(name.to_owned()),
        token_hash: Set(hash_secret(&secret)),
        service_user_id: Set(service_user.id),
        created_by: Set(actor.user_id.clone()),
        created_at: Set(at),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        last_used_at: Set(None),
    }
    .insert(&txn)
    .await?;
    audit_log::append(&txn, rc, Event::new("api_token.create", "api_token", &id)).await?;
    txn.commit().await?;
    Ok(Created { token, secret })
}

/// Revokes a token (at once, on every instance: each request looks the token up).
pub async fn revoke(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
) -> AppResult<api_token::Model> {
    rc.require_any(&[Role::BusinessOffice])?;
    let txn = begin_write(&state.db).await?;
    let found = api_token::Entity::find_by_id(id.to_owned())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound(API_TOKEN))?;
    let token = if found.revoked_at.is_some() {
        found
    } else {
        let mut row: api_token::ActiveModel = found.into();
        row.revoked_at = Set(Some(now()));
        row.update(&txn).await?
    };
    audit_log::append(&txn, rc, Event::new("api_token.revoke", "api_token", id)).await?;
    txn.commit().await?;
    Ok(token)
}

/// An agency's tokens, newest first (never their secrets).
pub async fn list(
    state: &AppState,
    rc: &RequestContext,
    agency_id: &str,
) -> AppResult<Vec<api_token::Model>> {
    rc.require_any(&[Role::BusinessOffice])?;
    Ok(api_token::Entity::find()
        .filter(api_token::Column::AgencyId.eq(agency_id))
        .order_by_desc(api_token::Column::CreatedAt)
        .order_by_asc(api_token::Column::Id)
        .all(&state.db)
        .await?)
}

/// What a bearer token on a request turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bearer {
    /// A live token: the request acts as it, for its agency.
    Token { id: String, agency_id: String },
    /// Unknown, expired or revoked: the request is refused as unauthenticated.
    Rejected,
}

/// Resolves `Authorization: Bearer <secret>` to the token and the person it acts as.
pub async fn resolve(state: &AppState, secret: &str) -> AppResult<(Bearer, Option<SignedIn>)> {
    if !secret.starts_with(SECRET_PREFIX) {
        return Ok((Bearer::Rejected, None));
    }
    let Some(token) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(hash_secret(secret)))
        .one(&state.db)
        .await?
    else {
        return Ok((Bearer::Rejected, None));
    };
    let at = now();
    if token.revoked_at.is_some() || token.expires_at <= at {
        return Ok((Bearer::Rejected, None));
    }
    let Some(service_user) = app_user::Entity::find_by_id(token.service_user_id.clone())
        .one(&state.db)
        .await?
    else {
        return Ok((Bearer::Rejected, None));
    };
    let agency_prefix = agency::Entity::find_by_id(token.agency_id.clone())
        .one(&state.db)
        .await?
        .map(|a| a.prefix);
    api_token::Entity::update_many()
        .col_expr(
            api_token::Column::LastUsedAt,
            sea_orm::sea_query::Expr::value(at),
        )
        .filter(api_token::Column::Id.eq(token.id.clone()))
        .exec(&state.db)
        .await?;
    // Sees and updates exactly its agency's actions, as that agency's lead would (it is a
    // member of no review); the policy limits it to those operations.
    let signed_in = SignedIn {
        actor: Actor {
            user_id: service_user.id,
            agency_id: Some(token.agency_id.clone()),
            roles: vec![Role::AgencyLead],
        },
        display_name: service_user.display_name,
        agency_prefix,
    };
    Ok((
        Bearer::Token {
            id: token.id,
            agency_id: token.agency_id,
        },
        Some(signed_in),
    ))
}
