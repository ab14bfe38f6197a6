//! Signing in and out, throttling failed attempts, and turning a session into the person
//! a request acts for.

use super::passwords;
use super::session_store;
use crate::audit_log::{self, Event};
use crate::context::{
    RequestContext, SignedIn, SESSION_SEEN_AT, SESSION_SIGNED_IN_AT, SESSION_USER_ID,
};
use crate::db::begin_write;
use crate::entities::{agency, app_user, sign_in_failure};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use shared::auth::{parse_roles, Actor};
use tower_sessions::Session;

/// How long after signing in a session ends, however active it is.
pub const ABSOLUTE_LIFETIME: Duration = Duration::hours(10);
/// How long failed attempts count against an account or address.
pub const THROTTLE_WINDOW: Duration = Duration::minutes(15);

pub use shared::auth::{MAX_EMAIL_CHARS, MAX_PASSWORD_CHARS};

/// A throttle key: its kind and a hash of what it counts, so what a stranger types is never
/// stored and every key is the same small size.
fn throttle_key(kind: &str, value: &str) -> String {
    use sha2::Digest;
    format!(
        "{kind}:{}",
        hex::encode(sha2::Sha256::digest(value.as_bytes()))
    )
}

pub(crate) fn account_key(email: &str) -> String {
    throttle_key("account", &email.trim().to_lowercase())
}

fn address_key(addr: &str) -> String {
    throttle_key("address", addr)
}

/// Deletes failed attempts that stopped counting (older than the throttle window) longer ago
/// than the sign-in attempts retention rule keeps them (by default: at once).
pub async fn purge_expired_failures(db: &sea_orm::DatabaseConnection) -> AppResult<u64> {
    let keep = crate::retention::period(
        db,
        shared::retention::RuleKey::of(shared::retention::RecordKind::SignInAttempts),
    )
    .await?;
    let Some(cutoff) = crate::retention::sign_in_cutoff(keep, Utc::now()) else {
        return Ok(0);
    };
    let result = sign_in_failure::Entity::delete_many()
        .filter(sign_in_failure::Column::At.lte(cutoff))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

async fn recent_failures(state: &AppState, key: &str) -> AppResult<u64> {
    Ok(sign_in_failure::Entity::find()
        .filter(sign_in_failure::Column::Key.eq(key))
        .filter(sign_in_failure::Column::At.gt(Utc::now() - THROTTLE_WINDOW))
        .count(&state.db)
        .await?)
}

/// The person as the services need them, with their agency's prefix.
fn signed_in_as(user: app_user::Model, agency_prefix: Option<String>) -> SignedIn {
    SignedIn {
        actor: Actor {
            user_id: user.id,
            agency_id: user.agency_id,
            roles: parse_roles(&user.roles),
        },
        display_name: user.display_name,
        agency_prefix,
    }
}

async fn signed_in_from(state: &AppState, user: &app_user::Model) -> AppResult<SignedIn> {
    let agency_prefix = match &user.agency_id {
        Some(id) => agency::Entity::find_by_id(id.clone())
            .one(&state.db)
            .await?
            .map(|a| a.prefix),
        None => None,
    };
    Ok(signed_in_as(user.clone(), agency_prefix))
}

/// Signs a person in: throttled per account and per address, the session id renewed.
pub async fn sign_in(
    state: &AppState,
    rc: &mut RequestContext,
    email: &str,
    password: String,
) -> AppResult<app_user::Model> {
    if email.chars().count() > MAX_EMAIL_CHARS {
        return Err(AppError::validation(
            "email",
            format!("an email address has at most {MAX_EMAIL_CHARS} characters"),
        ));
    }
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(AppError::validation(
            "password",
            format!("a password has at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    check_throttle(state, email, &rc.client_addr).await?;
    let user = crate::users::service::find_by_email(&state.db, email).await?;
    let stored = user
        .as_ref()
        .filter(|u| u.active)
        .map(|u| u.password_hash.clone());
    let matches = passwords::verify(password, stored).await?;
    let Some(user) = user.filter(|_| matches) else {
        let txn = begin_write(&state.db).await?;
        record_failure(&txn, email, &rc.client_addr).await?;
        audit_log::append(
            &txn,
            rc,
            Event {
                action: "sign_in.failed",
                object_type: "session",
                object_id: None,
            },
        )
        .await?;
        txn.commit().await?;
        return Err(AppError::validation(
            "password",
            "The email address or password is not right.",
        ));
    };
    // A person with a second factor (or whose role requires one) goes on to that step.
    super::second_factor::after_password(state, rc, &user).await?;
    establish(state, rc, &user).await?;
    Ok(user)
}

/// Refuses when too many attempts (passwords or second-factor codes) failed within the
/// throttle window for the account of `email` or from `client_addr`.
pub(crate) async fn check_throttle(
    state: &AppState,
    email: &str,
    client_addr: &str,
) -> AppResult<()> {
    if recent_failures(state, &account_key(email)).await? >= state.config.sign_in_account_limit {
        return Err(AppError::TooManyAttempts(
            "Too many failed sign-in attempts for this account. Wait 15 minutes, then try again."
                .into(),
        ));
    }
    if recent_failures(state, &address_key(client_addr)).await?
        >= state.config.sign_in_address_limit
    {
        return Err(AppError::TooManyAttempts(
            "Too many failed sign-in attempts from this network address. Wait 15 minutes, then try again.".into(),
        ));
    }
    Ok(())
}

/// Counts one failed attempt against the account of `email` and against `client_addr`.
pub(crate) async fn record_failure<C: sea_orm::ConnectionTrait>(
    conn: &C,
    email: &str,
    client_addr: &str,
) -> AppResult<()> {
    for key in [account_key(email), address_key(client_addr)] {
        sign_in_failure::ActiveModel {
            id: Default::default(),
            key: Set(key),
            at: Set(crate::db::now()),
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

/// Signs the session in as `user` (every check passed): the session id renewed, the
/// account's failed attempts forgotten, the sign-in audited.
pub(crate) async fn establish(
    state: &AppState,
    rc: &mut RequestContext,
    user: &app_user::Model,
) -> AppResult<()> {
    let session = rc
        .session
        .clone()
        .ok_or_else(|| AppError::Internal("sign-in without a session".into()))?;
    session.cycle_id().await?;
    session.insert(SESSION_USER_ID, &user.id).await?;
    // Activity counts from now, so the requests that follow sign-in do not each write it.
    let now = Utc::now().timestamp();
    session.insert(SESSION_SIGNED_IN_AT, now).await?;
    session.insert(SESSION_SEEN_AT, now).await?;
    rc.signed_in = Some(signed_in_from(state, user).await?);
    let txn = begin_write(&state.db).await?;
    sign_in_failure::Entity::delete_many()
        .filter(sign_in_failure::Column::Key.eq(account_key(&user.email)))
        .exec(&txn)
        .await?;
    audit_log::append(&txn, rc, Event::new("sign_in", "user", &user.id)).await?;
    txn.commit().await?;
    Ok(())
}

/// Ends the session: its record is deleted, so the old cookie no longer works anywhere, and
/// live connections opened with it are closed.
pub async fn sign_out(state: &AppState, rc: &RequestContext) -> AppResult<()> {
    if let Some(signed_in) = &rc.signed_in {
        let txn = begin_write(&state.db).await?;
        audit_log::append(
            &txn,
            rc,
            Event::new("sign_out", "user", &signed_in.actor.user_id),
        )
        .await?;
        txn.commit().await?;
    }
    if let Some(session) = &rc.session {
        session.flush().await?;
    }
    // That person's live connections check again now (this one is closed; others of theirs
    // on other sessions carry on).
    if let Some(signed_in) = &rc.signed_in {
        state.events.access_changed(&signed_in.actor.user_id).await;
    }
    Ok(())
}

/// How often activity is written to the session (see [`resolve`]).
const SEEN_EVERY_SECONDS: i64 = 60;

/// What a stored session says, read without changing it.
enum Standing {
    /// No live session with that id, or one that is not signed in.
    Absent,
    /// Signed in, but past its absolute lifetime or its person is no longer active.
    Ended,
    /// Signed in as this person; `seen_at` is when activity was last saved.
    Active { signed_in: SignedIn, seen_at: i64 },
}

/// The session and its person, read in one statement ([`session_store::signed_in`]).
async fn standing(state: &AppState, id: &tower_sessions::session::Id) -> AppResult<Standing> {
    let Some(row) = session_store::signed_in(&state.db, id).await? else {
        return Ok(Standing::Absent);
    };
    let number = |key: &str| row.data.get(key).and_then(|v| v.as_i64()).unwrap_or(0);
    let Some(user_id) = row.data.get(SESSION_USER_ID).and_then(|v| v.as_str()) else {
        return Ok(Standing::Absent);
    };
    if Utc::now().timestamp() - number(SESSION_SIGNED_IN_AT) > ABSOLUTE_LIFETIME.num_seconds() {
        return Ok(Standing::Ended);
    }
    let seen_at = number(SESSION_SEEN_AT);
    match row.person {
        Some(user) if user.active && user.id == user_id => Ok(Standing::Active {
            signed_in: signed_in_as(user, row.agency_prefix),
            seen_at,
        }),
        _ => Ok(Standing::Ended),
    }
}

/// The person a session belongs to, if it is signed in, within its absolute lifetime, and
/// the account is still active. Anything else ends the session.
///
/// tower-sessions loads its own copy of the record only when it is changed (the minute's
/// activity below, or ending it).
pub async fn resolve(state: &AppState, session: &Session) -> AppResult<Option<SignedIn>> {
    // No cookie, or one naming no live session: not signed in (as an empty session).
    let Some(id) = session.id() else {
        return Ok(None);
    };
    match standing(state, &id).await? {
        Standing::Absent => Ok(None),
        Standing::Ended => {
            session.flush().await?;
            Ok(None)
        }
        Standing::Active { signed_in, seen_at } => {
            // Activity moves the idle expiry on; saving at most once a minute keeps a write
            // off most requests (the idle timeout is then between 29 and 30 minutes).
            let now = Utc::now().timestamp();
            if now - seen_at >= SEEN_EVERY_SECONDS {
                session.insert(SESSION_SEEN_AT, now).await?;
            }
            Ok(Some(signed_in))
        }
    }
}

/// The person a session id is signed in as now, by the same rules as [`resolve`], without
/// touching the session (for a live connection re-checking who it serves).
pub async fn identify(
    state: &AppState,
    id: &tower_sessions::session::Id,
) -> AppResult<Option<SignedIn>> {
    Ok(match standing(state, id).await? {
        Standing::Active { signed_in, .. } => Some(signed_in),
        Standing::Absent | Standing::Ended => None,
    })
}
