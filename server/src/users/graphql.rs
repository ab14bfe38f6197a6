//! GraphQL surface of people.

use super::service;
use crate::agencies::graphql::Agency;
use crate::entities::app_user;
use crate::graphql::{parts, IntoGql};
use crate::rows::InHand;
use async_graphql::{ComplexObject, Context, InputObject, Object, SimpleObject, ID};
use shared::agencies::UserDraft;
use shared::auth::{parse_roles, Role};

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct User {
    pub id: ID,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub active: bool,
    #[graphql(skip)]
    pub agency_id: Option<String>,
}

impl From<app_user::Model> for User {
    fn from(m: app_user::Model) -> Self {
        Self {
            id: ID(m.id),
            email: m.email,
            display_name: m.display_name,
            roles: parse_roles(&m.roles),
            active: m.active,
            agency_id: m.agency_id,
        }
    }
}

impl InHand for User {
    const FETCHED: &'static [&'static str] = &["agency"];
}

#[ComplexObject]
impl User {
    /// The agency the person works for (none for partnership roles).
    async fn agency(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Agency>> {
        let (state, rc) = parts(ctx)?;
        match &self.agency_id {
            Some(id) => crate::agencies::service::get(&state.db, id)
                .await
                .map(|a| Some(a.into()))
                .gql(rc),
            None => Ok(None),
        }
    }

    /// Whether the person has two-step verification on (an authenticator app confirmed).
    async fn second_factor_enrolled(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let (state, rc) = parts(ctx)?;
        crate::auth::second_factor::confirmed(&state.db, &self.id)
            .await
            .map(|r| r.is_some())
            .gql(rc)
    }
}

#[derive(InputObject)]
pub struct CreateUserInput {
    pub email: String,
    pub display_name: String,
    pub agency_id: Option<ID>,
    pub roles: Vec<Role>,
    /// Initial password, at least 12 characters.
    #[graphql(secret)]
    pub password: String,
}

#[derive(InputObject)]
pub struct UpdateUserInput {
    pub email: String,
    pub display_name: String,
    pub agency_id: Option<ID>,
    pub roles: Vec<Role>,
    pub active: bool,
}

#[derive(Default)]
pub struct UserQuery;

#[Object]
impl UserQuery {
    /// Everyone with an account (business office).
    async fn users(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<User>> {
        let (state, rc) = parts(ctx)?;
        service::list(&state.db)
            .await
            .map(|v| v.into_iter().map(Into::into).collect())
            .gql(rc)
    }

    async fn user(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<User> {
        let (state, rc) = parts(ctx)?;
        service::get(&state.db, &id).await.map(Into::into).gql(rc)
    }
}

#[derive(Default)]
pub struct UserMutation;

#[Object]
impl UserMutation {
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        input: CreateUserInput,
    ) -> async_graphql::Result<User> {
        let (state, rc) = parts(ctx)?;
        let draft = UserDraft {
            email: input.email,
            display_name: input.display_name,
            agency_id: input.agency_id.map(|id| id.0),
            roles: input.roles,
        };
        service::create(state, rc, draft, input.password)
            .await
            .map(Into::into)
            .gql(rc)
    }

    async fn update_user(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateUserInput,
    ) -> async_graphql::Result<User> {
        let (state, rc) = parts(ctx)?;
        let draft = UserDraft {
            email: input.email,
            display_name: input.display_name,
            agency_id: input.agency_id.map(|id| id.0),
            roles: input.roles,
        };
        service::update(state, rc, &id, draft, input.active)
            .await
            .map(Into::into)
            .gql(rc)
    }
}
