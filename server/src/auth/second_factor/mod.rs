//! Two-step verification: a time-based one-time password from an authenticator app
//! ([`super::totp`]) after the password, with ten one-time recovery codes; the business
//! office chooses the roles that must use it and resets it for someone who lost their phone.
//!
//! After a correct password, a person with an authenticator app is not signed in yet: the
//! session holds a *pending* sign-in (the person, which step, when it started) for
//! [`PENDING_LIFETIME`]. A pending session is not signed in for anything (it carries no
//! `user_id`), so it can only finish the second step, or — for a person whose role requires
//! a second factor and who has none — set one up. Codes are throttled with the passwords.

pub mod graphql;

use super::service;
use super::totp;
use crate::audit_log::{self, Event};
use crate::context::RequestContext;
use crate::db::{begin_write, now};
use crate::entities::{app_user, recovery_code, second_factor, second_factor_role, session};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, Set,
};
use shared::auth::second_factor::{read_code, Entered, RECOVERY_CODES};
use shared::auth::{parse_roles, Role};

/// How long the second step may take after the password.
pub const PENDING_LIFETIME: Duration = Duration::minutes(5);
/// The name authenticator apps show beside the account.
pub const ISSUER: &str = "Learning and improvement platform";

const PENDING_USER: &str = "second_factor_user_id";
const PENDING_AT: &str = "second_factor_started_at";
const PENDING_STEP: &str = "second_factor_step";

/// What a pending sign-in waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, async_graphql::Enum)]
pub enum SignInStep {
    /// A code from the person's authenticator app (or a recovery code).
    EnterCode,
    /// The person's role requires two-step verification and they have not set it up: they
    /// set it up now, and are then signed in.
    SetUp,
}

impl SignInStep {
    fn code(self) -> &'static str {
        match self {
            SignInStep::EnterCode => "ENTER_CODE",
            SignInStep::SetUp => "SET_UP",
        }
    }
}

/// A sign-in waiting for its second step.
pub struct Pending {
    pub user: app_user::Model,
    pub step: SignInStep,
    pub expires_at: DateTime<Utc>,
}

/// The person's confirmed authenticator app, if any.
pub async fn confirmed<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
) -> AppResult<Option<second_factor::Model>> {
    Ok(second_factor::Entity::find_by_id(user_id.to_owned())
        .filter(second_factor::Column::ConfirmedAt.is_not_null())
        .one(db)
        .await?)
}

/// The roles the business office has made two-step verification compulsory for.
pub async fn required_roles<C: ConnectionTrait>(db: &C) -> AppResult<Vec<Role>> {
    let rows = second_factor_role::Entity::find().all(db).await?;
    let mut roles: Vec<Role> = rows
        .iter()
        .map(|r| crate::db::stored(&r.role))
        .collect::<AppResult<_>>()?;
    roles.sort_by_key(|r| Role::ALL.iter().position(|a| a == r));
    Ok(roles)
}

/// Whether one of the person's roles requires two-step verification.
pub async fn required_for<C: ConnectionTrait>(db: &C, user: &app_user::Model) -> AppResult<bool> {
    let required = required_roles(db).await?;
    Ok(parse_roles(&user.roles)
        .iter()
        .any(|r| required.contains(r)))
}

async fn clear_pending(rc: &RequestContext) -> AppResult<()> {
    if let Some(session) = &rc.session {
        for key in [PENDING_USER, PENDING_AT, PENDING_STEP] {
            session.remove_value(key).await?;
        }
    }
    Ok(())
}

/// The pending sign-in of this session, if there is one that has not expired.
pub async fn pending(state: &AppState, rc: &RequestContext) -> AppResult<Option<Pending>> {
    let Some(session) = &rc.session else {
        return Ok(None);
    };
    let Some(user_id) = session.get::<String>(PENDING_USER).await? else {
        return Ok(None);
    };
    let started = session.get::<i64>(PENDING_AT).await?.unwrap_or(0);
    let step = match session.get::<String>(PENDING_STEP).await?.as_deref() {
        Some("SET_UP") => SignInStep::SetUp,
        _ => SignInStep::EnterCode,
    };
    let expires_at =
        DateTime::from_timestamp(started, 0).unwrap_or(DateTime::<Utc>::MIN_UTC) + PENDING_LIFETIME;
    if expires_at <= Utc::now() {
        clear_pending(rc).await?;
        return Ok(None);
    }
    let user = app_user::Entity::find_by_id(user_id)
        .one(&state.db)
        .await?
        .filter(|u| u.active);
    match user {
        Some(user) => Ok(Some(Pending {
            user,
            step,
            expires_at,
        })),
        None => {
            clear_pending(rc).await?;
            Ok(None)
        }
    }
}

/// Called by sign-in once the password is right: `Ok` when the person needs no second
/// step (sign-in goes on); otherwise the session becomes a pending sign-in and the answer
/// says which step comes next (SECOND_FACTOR_REQUIRED or SECOND_FACTOR_SETUP_REQUIRED).
pub(crate) async fn after_password(
    state: &AppState,
    rc: &RequestContext,
    user: &app_user::Model,
) -> AppResult<()> {
    let step = if confirmed(&state.db, &user.id).await?.is_some() {
        SignInStep::EnterCode
    } else if required_for(&state.db, user).await? {
        SignInStep::SetUp
    } else {
        return Ok(());
    };
    let session = rc
        .session
        .clone()
        .ok_or_else(|| AppError::Internal("sign-in without a session".into()))?;
    session.cycle_id().await?;
    session.insert(PENDING_USER, &user.id).await?;
    session.insert(PENDING_AT, Utc::now().timestamp()).await?;
    session.insert(PENDING_STEP, step.code()).await?;
    let txn = begin_write(&state.db).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("sign_in.password_accepted", "user", &user.id),
    )
    .await?;
    txn.commit().await?;
    Err(match step {
        SignInStep::EnterCode => AppError::SecondFactorRequired,
        SignInStep::SetUp => AppError::SecondFactorSetupRequired,
    })
}

/// Refuses when too many attempts failed for the person's account or from this address.
async fn check_throttle(
    state: &AppState,
    rc: &RequestContext,
    user: &app_user::Model,
) -> AppResult<()> {
    service::check_throttle(state, &user.email, &rc.client_addr).await
}

/// Records a refused code against the account and the address (as a failed password is),
/// and audits it.
async fn refuse(state: &AppState, rc: &RequestContext, user: &app_user::Model) -> AppError {
    let recorded = async {
        let txn = begin_write(&state.db).await?;
        service::record_failure(&txn, &user.email, &rc.client_addr).await?;
        audit_log::append(
            &txn,
            rc,
            Event::new("second_factor.code_refused", "user", &user.id),
        )
        .await?;
        txn.commit().await?;
        AppResult::Ok(())
    }
    .await;
    match recorded {
        Ok(()) => AppError::InvalidCode,
        Err(e) => e,
    }
}

/// Hash of a recovery code, bound to its person.
fn recovery_hash(user_id: &str, code: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(format!("{user_id}:{code}").as_bytes()))
}

/// Accepts an app code newer than the last one used, recording its step so that it cannot
/// be used again (the update is conditional: two requests with one code cannot both pass).
async fn accept_app_code(
    state: &AppState,
    row: &second_factor::Model,
    code: &str,
) -> AppResult<bool> {
    let secret = totp::decode_secret(&row.secret)
        .ok_or_else(|| AppError::Internal("a stored second factor secret is not base32".into()))?;
    let Some(step) = totp::matching_step(&secret, code, Utc::now().timestamp(), row.last_used_step)
    else {
        return Ok(false);
    };
    let updated = second_factor::Entity::update_many()
        .col_expr(second_factor::Column::LastUsedStep, Expr::value(step))
        .filter(second_factor::Column::UserId.eq(row.user_id.clone()))
        .filter(
            Condition::any()
                .add(second_factor::Column::LastUsedStep.is_null())
                .add(second_factor::Column::LastUsedStep.lt(step)),
        )
        .exec(&state.db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Uses up one of the person's unused recovery codes, if `code` is one.
async fn accept_recovery_code(state: &AppState, user_id: &str, code: &str) -> AppResult<bool> {
    let updated = recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAt, Expr::value(now()))
        .filter(recovery_code::Column::UserId.eq(user_id))
        .filter(recovery_code::Column::CodeHash.eq(recovery_hash(user_id, code)))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(&state.db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Checks a code from the person's confirmed app, or (when `recovery` allows) one of their
/// recovery codes: throttled, and a refusal is recorded.
async fn verify(
    state: &AppState,
    rc: &RequestContext,
    user: &app_user::Model,
    input: &str,
    recovery: bool,
) -> AppResult<()> {
    check_throttle(state, rc, user).await?;
    let row = confirmed(&state.db, &user.id)
        .await?
        .ok_or(AppError::Conflict(
            "Two-step verification is not on.".into(),
        ))?;
    let accepted = match read_code(input) {
        Entered::AppCode(code) => accept_app_code(state, &row, &code).await?,
        Entered::RecoveryCode(code) if recovery => {
            let used = accept_recovery_code(state, &user.id, &code).await?;
            if used {
                let txn = begin_write(&state.db).await?;
                audit_log::append(
                    &txn,
                    rc,
                    Event::new("second_factor.recovery_code_used", "user", &user.id),
                )
                .await?;
                txn.commit().await?;
            }
            used
        }
        Entered::RecoveryCode(_) | Entered::Invalid => false,
    };
    if accepted {
        Ok(())
    } else {
        Err(refuse(state, rc, user).await)
    }
}

/// The second step of signing in: a code from the app or a recovery code.
pub async fn complete_sign_in(
    state: &AppState,
    rc: &mut RequestContext,
    code: &str,
) -> AppResult<app_user::Model> {
    let pending = pending(state, rc)
        .await?
        .ok_or(AppError::SignInNotStarted)?;
    if pending.step != SignInStep::EnterCode {
        return Err(AppError::SecondFactorSetupRequired);
    }
    verify(state, rc, &pending.user, code, true).await?;
    clear_pending(rc).await?;
    service::establish(state, rc, &pending.user).await?;
    Ok(pending.user)
}

/// Who is setting up an authenticator app: the signed-in person, or the person of a
/// pending sign-in whose role requires one.
async fn enrolling(state: &AppState, rc: &RequestContext) -> AppResult<(app_user::Model, bool)> {
    if let Some(signed_in) = &rc.signed_in {
        let user = crate::users::service::get(&state.db, &signed_in.actor.user_id).await?;
        return Ok((user, false));
    }
    match pending(state, rc).await? {
        Some(p) if p.step == SignInStep::SetUp => Ok((p.user, true)),
        Some(_) => Err(AppError::SecondFactorRequired),
        None => Err(AppError::Unauthenticated),
    }
}

/// A new secret to add to an authenticator app.
pub struct Enrolment {
    pub secret: String,
    pub otpauth_uri: String,
    pub qr_code_svg: Option<String>,
}

/// Starts setting up an app: a new secret (replacing one not yet confirmed). Refused when
/// the person already has one (they turn it off first).
pub async fn start_enrolment(state: &AppState, rc: &RequestContext) -> AppResult<Enrolment> {
    let (user, _) = enrolling(state, rc).await?;
    if confirmed(&state.db, &user.id).await?.is_some() {
        return Err(AppError::Conflict(
            "Two-step verification is already on. Turn it off first to set up another app.".into(),
        ));
    }
    let secret =
        totp::new_secret().map_err(|e| AppError::Internal(format!("random secret: {e}")))?;
    let encoded = totp::encode_secret(&secret);
    let txn = begin_write(&state.db).await?;
    second_factor::Entity::delete_by_id(user.id.clone())
        .exec(&txn)
        .await?;
    second_factor::ActiveModel {
        user_id: Set(user.id.clone()),
        secret: Set(encoded.clone()),
        created_at: Set(now()),
        confirmed_at: Set(None),
        last_used_step: Set(None),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    let otpauth_uri = totp::otpauth_uri(ISSUER, &user.email, &encoded);
    Ok(Enrolment {
        secret: encoded,
        qr_code_svg: totp::qr_svg(&otpauth_uri),
        otpauth_uri,
    })
}

/// Ten new recovery codes, replacing the person's others, in the caller's transaction;
/// the codes go back once and only their hashes are kept.
async fn replace_recovery_codes<C: ConnectionTrait>(
    conn: &C,
    user_id: &str,
) -> AppResult<Vec<String>> {
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    let at = now();
    for _ in 0..RECOVERY_CODES {
        let mut bytes = [0u8; 10];
        getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("random: {e}")))?;
        // Ten characters of 0-9 and a-z (the alphabet's 36 is close enough to uniform
        // over a byte for ~51 bits a code).
        let code: String = bytes
            .iter()
            .map(|b| char::from(b"0123456789abcdefghijklmnopqrstuvwxyz"[usize::from(*b) % 36]))
            .collect();
        recovery_code::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            user_id: Set(user_id.to_owned()),
            code_hash: Set(recovery_hash(user_id, &code)),
            created_at: Set(at),
            used_at: Set(None),
        }
        .insert(conn)
        .await?;
        codes.push(format!("{}-{}", &code[..5], &code[5..]));
    }
    Ok(codes)
}

/// The answer to confirming an app.
pub struct Confirmation {
    pub recovery_codes: Vec<String>,
    /// Whether this finished a pending sign-in (the person is now signed in).
    pub signed_in: bool,
}

/// Confirms the app with a current code: two-step verification is on, and ten recovery
/// codes go back (once). For a pending sign-in that had to set it up, signs the person in.
pub async fn confirm_enrolment(
    state: &AppState,
    rc: &mut RequestContext,
    code: &str,
) -> AppResult<Confirmation> {
    let (user, was_pending) = enrolling(state, rc).await?;
    check_throttle(state, rc, &user).await?;
    let row = second_factor::Entity::find_by_id(user.id.clone())
        .filter(second_factor::Column::ConfirmedAt.is_null())
        .one(&state.db)
        .await?
        .ok_or_else(|| {
            AppError::Conflict("Start setting up two-step verification again.".into())
        })?;
    let secret = totp::decode_secret(&row.secret)
        .ok_or_else(|| AppError::Internal("a stored second factor secret is not base32".into()))?;
    let step = match read_code(code) {
        Entered::AppCode(code) => totp::matching_step(&secret, &code, Utc::now().timestamp(), None),
        _ => None,
    };
    let Some(step) = step else {
        return Err(refuse(state, rc, &user).await);
    };
    let txn = begin_write(&state.db).await?;
    let updated = second_factor::Entity::update_many()
        .col_expr(second_factor::Column::ConfirmedAt, Expr::value(now()))
        .col_expr(second_factor::Column::LastUsedStep, Expr::value(step))
        .filter(second_factor::Column::UserId.eq(user.id.clone()))
        .filter(second_factor::Column::ConfirmedAt.is_null())
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(AppError::Conflict(
            "Two-step verification was set up meanwhile.".into(),
        ));
    }
    let recovery_codes = replace_recovery_codes(&txn, &user.id).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("second_factor.enrolled", "user", &user.id),
    )
    .await?;
    txn.commit().await?;
    if was_pending {
        clear_pending(rc).await?;
        service::establish(state, rc, &user).await?;
    }
    Ok(Confirmation {
        recovery_codes,
        signed_in: was_pending,
    })
}

/// Turns two-step verification off, with a current code or a recovery code; refused when
/// the person's role requires it.
pub async fn disable(state: &AppState, rc: &RequestContext, code: &str) -> AppResult<()> {
    let user = crate::users::service::get(&state.db, &rc.actor()?.user_id).await?;
    if required_for(&state.db, &user).await? {
        return Err(AppError::Conflict(
            "Your role requires two-step verification, so it cannot be turned off. Ask the business office to reset it if you have lost your phone.".into(),
        ));
    }
    verify(state, rc, &user, code, true).await?;
    let txn = begin_write(&state.db).await?;
    remove_for(&txn, &user.id).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("second_factor.disabled", "user", &user.id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

async fn remove_for<C: ConnectionTrait>(conn: &C, user_id: &str) -> AppResult<()> {
    second_factor::Entity::delete_by_id(user_id.to_owned())
        .exec(conn)
        .await?;
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Ten new recovery codes (the old ones stop working), with a current code from the app.
pub async fn regenerate_recovery_codes(
    state: &AppState,
    rc: &RequestContext,
    code: &str,
) -> AppResult<Vec<String>> {
    let user = crate::users::service::get(&state.db, &rc.actor()?.user_id).await?;
    verify(state, rc, &user, code, false).await?;
    let txn = begin_write(&state.db).await?;
    let codes = replace_recovery_codes(&txn, &user.id).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("second_factor.recovery_codes_replaced", "user", &user.id),
    )
    .await?;
    txn.commit().await?;
    Ok(codes)
}

/// A person's two-step verification as they (or the office) see it.
pub struct Status {
    pub enrolled_at: Option<DateTime<Utc>>,
    pub recovery_codes_left: u64,
    pub required: bool,
}

pub async fn status(state: &AppState, user: &app_user::Model) -> AppResult<Status> {
    let row = confirmed(&state.db, &user.id).await?;
    let recovery_codes_left = if row.is_some() {
        recovery_code::Entity::find()
            .filter(recovery_code::Column::UserId.eq(user.id.clone()))
            .filter(recovery_code::Column::UsedAt.is_null())
            .count(&state.db)
            .await?
    } else {
        0
    };
    Ok(Status {
        enrolled_at: row.and_then(|r| r.confirmed_at),
        recovery_codes_left,
        required: required_for(&state.db, user).await?,
    })
}

/// The business office sets the roles whose people must use two-step verification (from
/// their next sign-in).
pub async fn set_required_roles(
    state: &AppState,
    rc: &RequestContext,
    roles: &[Role],
) -> AppResult<Vec<Role>> {
    let actor = rc.require_any(&[Role::BusinessOffice])?;
    let txn = begin_write(&state.db).await?;
    second_factor_role::Entity::delete_many().exec(&txn).await?;
    let mut codes: Vec<&str> = roles.iter().map(|r| r.code()).collect();
    codes.sort_unstable();
    codes.dedup();
    for code in &codes {
        second_factor_role::ActiveModel {
            role: Set((*code).to_owned()),
            set_by: Set(Some(actor.user_id.clone())),
            set_at: Set(now()),
        }
        .insert(&txn)
        .await?;
    }
    let detail = serde_json::json!({ "roles": codes }).to_string();
    audit_log::append_with_detail(
        &txn,
        rc,
        Event {
            action: "second_factor.roles_set",
            object_type: "settings",
            object_id: None,
        },
        &detail,
    )
    .await?;
    txn.commit().await?;
    required_roles(&state.db).await
}

/// The business office resets a person's two-step verification (a lost phone): the app
/// and recovery codes are removed and every session of theirs ends. They sign in with
/// their password and, if their role requires it, set up a new app.
pub async fn reset(
    state: &AppState,
    rc: &RequestContext,
    user_id: &str,
) -> AppResult<app_user::Model> {
    rc.require_any(&[Role::BusinessOffice])?;
    let txn = begin_write(&state.db).await?;
    let person = crate::users::service::get(&txn, user_id).await?;
    remove_for(&txn, &person.id).await?;
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(person.id.clone()))
        .exec(&txn)
        .await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("second_factor.reset", "user", &person.id),
    )
    .await?;
    txn.commit().await?;
    state.events.access_changed(&person.id).await;
    Ok(person)
}
