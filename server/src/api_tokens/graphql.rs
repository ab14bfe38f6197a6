//! GraphQL surface of agency API tokens (the business office's).

use crate::agencies::graphql::Agency;
use crate::entities::{agency, api_token};
use crate::graphql::{parts, IntoGql};
use async_graphql::{ComplexObject, Context, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::EntityTrait;

/// A token an agency's system uses to read its actions and report progress on them.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct ApiToken {
    pub id: ID,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    #[graphql(skip)]
    pub agency_id: String,
}

impl From<api_token::Model> for ApiToken {
    fn from(t: api_token::Model) -> Self {
        Self {
            id: ID(t.id),
            name: t.name,
            created_at: t.created_at,
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
            last_used_at: t.last_used_at,
            agency_id: t.agency_id,
        }
    }
}

#[ComplexObject]
impl ApiToken {
    /// The agency whose actions it reads and updates.
    async fn agency(&self, ctx: &Context<'_>) -> async_graphql::Result<Agency> {
        let (state, rc) = parts(ctx)?;
        let found = agency::Entity::find_by_id(self.agency_id.clone())
            .one(&state.db)
            .await
            .map_err(crate::error::AppError::from)
            .gql(rc)?;
        Ok(found.map_or_else(|| Agency::missing(&self.agency_id), Agency::from))
    }
}

/// A token just made, with its secret: shown this once, never again.
#[derive(SimpleObject)]
pub struct CreatedApiToken {
    pub token: ApiToken,
    /// Send as `Authorization: Bearer <secret>`.
    pub secret: String,
}

#[derive(Default)]
pub struct ApiTokenQuery;

#[Object]
impl ApiTokenQuery {
    /// An agency's API tokens, newest first (the business office).
    async fn api_tokens(
        &self,
        ctx: &Context<'_>,
        agency_id: ID,
    ) -> async_graphql::Result<Vec<ApiToken>> {
        let (state, rc) = parts(ctx)?;
        let list = super::list(state, rc, &agency_id).await.gql(rc)?;
        Ok(list.into_iter().map(ApiToken::from).collect())
    }
}

#[derive(Default)]
pub struct ApiTokenMutation;

#[Object]
impl ApiTokenMutation {
    /// Makes an API token for an agency, valid to the end of `expiresOn` (the business
    /// office). The secret is returned only here.
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        agency_id: ID,
        name: String,
        expires_on: NaiveDate,
    ) -> async_graphql::Result<CreatedApiToken> {
        let (state, rc) = parts(ctx)?;
        let created = super::create(state, rc, &agency_id, &name, expires_on)
            .await
            .gql(rc)?;
        Ok(CreatedApiToken {
            token: created.token.into(),
            secret: created.secret,
        })
    }

    /// Revokes an API token at once (the business office).
    async fn revoke_api_token(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ApiToken> {
        let (state, rc) = parts(ctx)?;
        super::revoke(state, rc, &id)
            .await
            .map(ApiToken::from)
            .gql(rc)
    }
}
