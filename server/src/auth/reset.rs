//! Choosing a new password: by a link emailed to a person who forgot theirs (when SMTP is
//! configured), or set by the business office. Either way every session of the person ends
//! and their live connections close.

use super::passwords;
use super::service::MAX_EMAIL_CHARS;
use crate::api_tokens::hash_secret;
use crate::audit_log::{self, Event};
use crate::context::RequestContext;
use crate::db::{begin_write, now};
use crate::entities::{app_user, password_reset, session, sign_in_failure};
use crate::error::{AppError, AppResult};
use crate::mail::Mailer;
use crate::state::AppState;
use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use shared::Problems;

/// How long a reset link works.
pub const LINK_LIFETIME: Duration = Duration::hours(1);
/// Links sent to one person within [`LINK_LIFETIME`] at most; more requests send nothing.
pub const LINKS_PER_HOUR: u64 = 3;

/// What a person who forgot their password is told to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, async_graphql::Enum)]
pub enum PasswordResetRoute {
    /// If the address belongs to an active account, a link is on its way (the answer is
    /// the same either way, so it tells nobody whether an address has an account).
    EmailSent,
    /// This platform sends no email: the business office sets a new password.
    AskTheBusinessOffice,
}

/// The secret of a link: 244 random bits from the OS generator (two v4 UUIDs).
fn new_secret() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// A new password checked against the platform's rules, hashed.
async fn new_password_hash(password: String) -> AppResult<String> {
    let mut problems = Problems::new();
    shared::validation::password(&mut problems, "password", &password);
    problems.into_result()?;
    passwords::hash(password).await
}

/// Sets the password, ends every session and outstanding link of the person, forgets
/// their failed sign-ins, and audits `action`, in the caller's transaction.
async fn replace_password<C: ConnectionTrait>(
    conn: &C,
    rc: &RequestContext,
    user: &app_user::Model,
    password_hash: String,
    action: &str,
) -> AppResult<()> {
    let mut row: app_user::ActiveModel = user.clone().into();
    row.password_hash = Set(password_hash);
    row.updated_at = Set(crate::db::now());
    row.update(conn).await?;
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user.id.clone()))
        .exec(conn)
        .await?;
    password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now()))
        .filter(password_reset::Column::UserId.eq(user.id.clone()))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    sign_in_failure::Entity::delete_many()
        .filter(sign_in_failure::Column::Key.eq(super::service::account_key(&user.email)))
        .exec(conn)
        .await?;
    audit_log::append(conn, rc, Event::new(action, "user", &user.id)).await
}

/// "Forgotten your password?": emails a single-use link valid for an hour to the address,
/// if it belongs to an active person and fewer than [`LINKS_PER_HOUR`] were sent to them in
/// the last hour. Without SMTP, says to ask the business office.
pub async fn request(
    state: &AppState,
    rc: &RequestContext,
    email: &str,
) -> AppResult<PasswordResetRoute> {
    let Some(mailer) = Mailer::from_config(state)? else {
        return Ok(PasswordResetRoute::AskTheBusinessOffice);
    };
    if email.chars().count() > MAX_EMAIL_CHARS {
        return Err(AppError::validation(
            "email",
            format!("Enter an email address of at most {MAX_EMAIL_CHARS} characters"),
        ));
    }
    if email.trim().is_empty() {
        return Err(AppError::validation("email", "Enter your email address"));
    }
    let person = crate::users::service::find_by_email(&state.db, email)
        .await?
        .filter(|p| {
            p.active
                && !p
                    .email
                    .ends_with(crate::users::service::SERVICE_ACCOUNT_DOMAIN)
        });
    let Some(person) = person else {
        return Ok(PasswordResetRoute::EmailSent);
    };
    let at = now();
    let recent = password_reset::Entity::find()
        .filter(password_reset::Column::UserId.eq(person.id.clone()))
        .filter(password_reset::Column::CreatedAt.gt(at - LINK_LIFETIME))
        .count(&state.db)
        .await?;
    if recent >= LINKS_PER_HOUR {
        return Ok(PasswordResetRoute::EmailSent);
    }
    let secret = new_secret();
    let txn = begin_write(&state.db).await?;
    password_reset::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        user_id: Set(person.id.clone()),
        token_hash: Set(hash_secret(&secret)),
        created_at: Set(at),
        expires_at: Set(at + LINK_LIFETIME),
        used_at: Set(None),
    }
    .insert(&txn)
    .await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("user.password_reset_requested", "user", &person.id),
    )
    .await?;
    txn.commit().await?;
    let link = format!("{}/reset-password?token={secret}", mailer.public_url);
    let body = format!(
        "Someone asked to reset the password of your account on the learning platform.\r\n\r\n\
         To choose a new password, open this link within an hour (it works once):\r\n{link}\r\n\r\n\
         If it was not you, ignore this email: your password stays as it is.\r\n"
    );
    let subject = "Reset your password".to_string();
    if let Err(error) = mailer
        .send(&person.display_name, &person.email, subject, body)
        .await
    {
        // The person is told the same; the office sees the failure in the log.
        tracing::error!(%error, user = %person.id, "sending a password reset link failed");
    }
    Ok(PasswordResetRoute::EmailSent)
}

/// Completes a reset: the link must be unused, unexpired and its person active.
pub async fn complete(
    state: &AppState,
    rc: &RequestContext,
    token: &str,
    password: String,
) -> AppResult<()> {
    let expired = || {
        AppError::validation(
            "token",
            "This link has expired or has already been used: ask for a new one",
        )
    };
    if token.len() > 128 {
        return Err(expired());
    }
    let password_hash = new_password_hash(password).await?;
    let txn = begin_write(&state.db).await?;
    let link = password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(hash_secret(token)))
        .filter(password_reset::Column::UsedAt.is_null())
        .filter(password_reset::Column::ExpiresAt.gt(now()))
        .one(&txn)
        .await?
        .ok_or_else(expired)?;
    let person = app_user::Entity::find_by_id(link.user_id.clone())
        .one(&txn)
        .await?
        .filter(|p| p.active)
        .ok_or_else(expired)?;
    replace_password(&txn, rc, &person, password_hash, "user.password_reset").await?;
    txn.commit().await?;
    state.events.access_changed(&person.id).await;
    Ok(())
}

/// The business office sets a person's password (for someone who cannot receive a link).
pub async fn set_by_office(
    state: &AppState,
    rc: &RequestContext,
    user_id: &str,
    password: String,
) -> AppResult<app_user::Model> {
    rc.require_any(&[shared::auth::Role::BusinessOffice])?;
    let password_hash = new_password_hash(password).await?;
    let txn = begin_write(&state.db).await?;
    let person = crate::users::service::get(&txn, user_id).await?;
    replace_password(&txn, rc, &person, password_hash, "user.password_set").await?;
    txn.commit().await?;
    state.events.access_changed(&person.id).await;
    Ok(person)
}
