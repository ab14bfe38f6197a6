//! GraphQL surface of signing in and out.

use super::service;
use crate::graphql::{parts, IntoGql};
use crate::users::graphql::User;
use async_graphql::{Context, Object};

#[derive(Default)]
pub struct AuthQuery;

#[Object]
impl AuthQuery {
    /// The signed-in person, or null.
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let (state, rc) = parts(ctx)?;
        match &rc.signed_in {
            Some(s) => crate::users::service::get(&state.db, &s.actor.user_id)
                .await
                .map(|u| Some(u.into()))
                .gql(rc),
            None => Ok(None),
        }
    }
}

#[derive(Default)]
pub struct AuthMutation;

#[Object]
impl AuthMutation {
    /// Signs in with email and password; repeated failures are throttled.
    async fn sign_in(
        &self,
        ctx: &Context<'_>,
        email: String,
        #[graphql(secret)] password: String,
    ) -> async_graphql::Result<User> {
        let (state, rc) = parts(ctx)?;
        let mut rc = rc.clone();
        service::sign_in(state, &mut rc, &email, password)
            .await
            .map(Into::into)
            .gql(&rc)
    }

    /// Ends the session.
    async fn sign_out(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let (state, rc) = parts(ctx)?;
        service::sign_out(state, rc).await.map(|()| true).gql(rc)
    }
}
