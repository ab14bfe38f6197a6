//! People: unique emails, agency roles tied to an agency, hashed passwords.

use crate::audit_log::{self, Event};
use crate::auth::passwords;
use crate::context::RequestContext;
use crate::db::begin_write;
use crate::entities::{agency, app_user, session};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use shared::agencies::UserDraft;
use shared::auth::{format_roles, Role};
use shared::Problems;

/// API tokens act through service accounts with addresses in this domain; they are not
/// people, so they are neither listed nor edited here (see `crate::api_tokens`).
pub const SERVICE_ACCOUNT_DOMAIN: &str = "@tokens.invalid";

pub async fn list(db: &DatabaseConnection) -> AppResult<Vec<app_user::Model>> {
    Ok(app_user::Entity::find()
        .filter(app_user::Column::Email.not_like(format!("%{SERVICE_ACCOUNT_DOMAIN}")))
        .order_by_asc(app_user::Column::DisplayName)
        .all(db)
        .await?)
}

/// People's display names by id, for the ids given (unknown ids are left out).
pub async fn display_names<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = String>,
) -> AppResult<std::collections::HashMap<String, String>> {
    Ok(app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

pub async fn get<C: ConnectionTrait>(db: &C, id: &str) -> AppResult<app_user::Model> {
    app_user::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .filter(|u| !u.email.ends_with(SERVICE_ACCOUNT_DOMAIN))
        .ok_or(AppError::NotFound("Person"))
}

pub async fn find_by_email<C: ConnectionTrait>(
    db: &C,
    email: &str,
) -> AppResult<Option<app_user::Model>> {
    Ok(app_user::Entity::find()
        .filter(app_user::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await?)
}

async fn check_references<C: ConnectionTrait>(
    conn: &C,
    draft: &UserDraft,
    except: Option<&str>,
) -> AppResult<()> {
    let mut p = Problems::new();
    if draft.email.ends_with(SERVICE_ACCOUNT_DOMAIN) {
        p.push("email", "This address is reserved for API tokens.");
    }
    if let Some(agency_id) = &draft.agency_id {
        if agency::Entity::find_by_id(agency_id.clone())
            .one(conn)
            .await?
            .is_none()
        {
            p.push("agencyId", "no such agency");
        }
    }
    if let Some(other) = find_by_email(conn, &draft.email).await? {
        if Some(other.id.as_str()) != except {
            p.push("email", "another person already has this email address");
        }
    }
    Ok(p.into_result()?)
}

/// Creates a person with an initial password (at least 12 characters).
pub async fn create(
    state: &AppState,
    rc: &RequestContext,
    draft: UserDraft,
    password: String,
) -> AppResult<app_user::Model> {
    let draft = match draft.validate() {
        Ok(d) => {
            let mut p = Problems::new();
            shared::validation::password(&mut p, "password", &password);
            p.into_result()?;
            d
        }
        Err(mut p) => {
            shared::validation::password(&mut p, "password", &password);
            return Err(p.into());
        }
    };
    let password_hash = passwords::hash(password).await?;
    let txn = begin_write(&state.db).await?;
    check_references(&txn, &draft, None).await?;
    let now = crate::db::now();
    let row = app_user::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        email: Set(draft.email),
        display_name: Set(draft.display_name),
        agency_id: Set(draft.agency_id),
        roles: Set(format_roles(&draft.roles)),
        password_hash: Set(password_hash),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit_log::append(&txn, rc, Event::new("user.create", "user", &row.id)).await?;
    txn.commit().await?;
    Ok(row)
}

pub async fn update(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    draft: UserDraft,
    active: bool,
) -> AppResult<app_user::Model> {
    let draft = draft.validate()?;
    let actor = rc.actor()?;
    if actor.user_id == id
        && (!active || !draft.roles.contains(&Role::BusinessOffice))
        && actor.has(Role::BusinessOffice)
    {
        return Err(AppError::validation(
            if active { "roles" } else { "active" },
            "you cannot remove your own business office access; ask a colleague",
        ));
    }
    let txn = begin_write(&state.db).await?;
    let existing = get(&txn, id).await?;
    check_references(&txn, &draft, Some(id)).await?;
    let mut row: app_user::ActiveModel = existing.into();
    row.email = Set(draft.email);
    row.display_name = Set(draft.display_name);
    row.agency_id = Set(draft.agency_id);
    row.roles = Set(format_roles(&draft.roles));
    row.active = Set(active);
    row.updated_at = Set(crate::db::now());
    let row = row.update(&txn).await?;
    if !active {
        // A deactivated person is signed out everywhere at once.
        session::Entity::delete_many()
            .filter(session::Column::UserId.eq(id))
            .exec(&txn)
            .await?;
    }
    audit_log::append(&txn, rc, Event::new("user.update", "user", id)).await?;
    txn.commit().await?;
    // Their live connections check again: closed if deactivated, reopened if roles changed.
    state.events.access_changed(id).await;
    Ok(row)
}
