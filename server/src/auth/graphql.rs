//! GraphQL surface of signing in and out.

use super::{reset, service};
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

    /// "Forgotten your password?": emails a single-use link valid for an hour when this
    /// platform sends email (the answer does not say whether the address has an account);
    /// otherwise answers ASK_THE_BUSINESS_OFFICE.
    async fn request_password_reset(
        &self,
        ctx: &Context<'_>,
        email: String,
    ) -> async_graphql::Result<reset::PasswordResetRoute> {
        let (state, rc) = parts(ctx)?;
        reset::request(state, rc, &email).await.gql(rc)
    }

    /// Chooses a new password with the secret of a reset link; every session of the person
    /// ends (they sign in again with the new password).
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(secret)] token: String,
        #[graphql(secret)] password: String,
    ) -> async_graphql::Result<bool> {
        let (state, rc) = parts(ctx)?;
        reset::complete(state, rc, &token, password)
            .await
            .map(|()| true)
            .gql(rc)
    }

    /// The business office sets a person's password; every session of theirs ends.
    async fn set_user_password(
        &self,
        ctx: &Context<'_>,
        id: async_graphql::ID,
        #[graphql(secret)] password: String,
    ) -> async_graphql::Result<User> {
        let (state, rc) = parts(ctx)?;
        reset::set_by_office(state, rc, &id, password)
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// Ends the session.
    async fn sign_out(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let (state, rc) = parts(ctx)?;
        service::sign_out(state, rc).await.map(|()| true).gql(rc)
    }
}
