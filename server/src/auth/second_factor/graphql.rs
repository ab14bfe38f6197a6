//! GraphQL surface of two-step verification.

use super::{SignInStep, PENDING_LIFETIME};
use crate::graphql::{parts, IntoGql};
use crate::users::graphql::User;
use async_graphql::{Context, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use shared::auth::Role;

/// A sign-in waiting for its second step (this browser's session).
#[derive(SimpleObject)]
pub struct PendingSignIn {
    pub step: SignInStep,
    /// When the pending sign-in lapses (then the person enters their password again).
    pub expires_at: DateTime<Utc>,
    /// Minutes the second step may take.
    pub minutes: i32,
}

/// The signed-in person's two-step verification.
#[derive(SimpleObject)]
pub struct SecondFactorStatus {
    pub enrolled: bool,
    pub enrolled_at: Option<DateTime<Utc>>,
    /// Unused recovery codes.
    pub recovery_codes_left: i32,
    /// Whether one of the person's roles requires it (then it cannot be turned off).
    pub required: bool,
}

/// A new secret to add to an authenticator app. Shown while setting up only: no query
/// returns it afterwards.
#[derive(SimpleObject)]
pub struct SecondFactorEnrolment {
    /// The set-up key, base32, for typing into the app.
    pub secret: String,
    /// The `otpauth://` address the QR code holds.
    pub otpauth_uri: String,
    /// The address as a QR code (SVG).
    pub qr_code_svg: Option<String>,
}

/// Two-step verification turned on.
#[derive(SimpleObject)]
pub struct SecondFactorConfirmation {
    /// Ten one-time recovery codes: shown now, never again.
    pub recovery_codes: Vec<String>,
    /// Whether this finished a pending sign-in (the person is now signed in).
    pub signed_in: bool,
}

#[derive(Default)]
pub struct SecondFactorQuery;

#[Object]
impl SecondFactorQuery {
    /// This browser's sign-in waiting for its second step, or null.
    async fn pending_sign_in(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<PendingSignIn>> {
        let (state, rc) = parts(ctx)?;
        super::pending(state, rc)
            .await
            .map(|p| {
                p.map(|p| PendingSignIn {
                    step: p.step,
                    expires_at: p.expires_at,
                    minutes: PENDING_LIFETIME.num_minutes() as i32,
                })
            })
            .gql(rc)
    }

    /// The signed-in person's two-step verification.
    async fn second_factor(&self, ctx: &Context<'_>) -> async_graphql::Result<SecondFactorStatus> {
        let (state, rc) = parts(ctx)?;
        let result = async {
            let user = crate::users::service::get(&state.db, &rc.actor()?.user_id).await?;
            super::status(state, &user).await
        }
        .await;
        result
            .map(|s| SecondFactorStatus {
                enrolled: s.enrolled_at.is_some(),
                enrolled_at: s.enrolled_at,
                recovery_codes_left: i32::try_from(s.recovery_codes_left).unwrap_or(i32::MAX),
                required: s.required,
            })
            .gql(rc)
    }

    /// The roles whose people must use two-step verification (business office).
    async fn second_factor_roles(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Role>> {
        let (state, rc) = parts(ctx)?;
        super::required_roles(&state.db).await.gql(rc)
    }
}

#[derive(Default)]
pub struct SecondFactorMutation;

#[Object]
impl SecondFactorMutation {
    /// The second step of signing in: a code from the authenticator app, or a recovery
    /// code. Throttled with passwords. SIGN_IN_NOT_STARTED without a pending sign-in.
    async fn complete_sign_in(
        &self,
        ctx: &Context<'_>,
        #[graphql(secret)] code: String,
    ) -> async_graphql::Result<User> {
        let (state, rc) = parts(ctx)?;
        let mut rc = rc.clone();
        super::complete_sign_in(state, &mut rc, &code)
            .await
            .map(Into::into)
            .gql(&rc)
    }

    /// Starts setting up an authenticator app (signed in, or a pending sign-in whose role
    /// requires it): a new secret, its address and QR code.
    async fn start_second_factor_enrolment(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<SecondFactorEnrolment> {
        let (state, rc) = parts(ctx)?;
        super::start_enrolment(state, rc)
            .await
            .map(|e| SecondFactorEnrolment {
                secret: e.secret,
                otpauth_uri: e.otpauth_uri,
                qr_code_svg: e.qr_code_svg,
            })
            .gql(rc)
    }

    /// Confirms the app with a current code: two-step verification is on, and ten
    /// recovery codes come back once. Finishes a pending sign-in that had to set it up.
    async fn confirm_second_factor_enrolment(
        &self,
        ctx: &Context<'_>,
        #[graphql(secret)] code: String,
    ) -> async_graphql::Result<SecondFactorConfirmation> {
        let (state, rc) = parts(ctx)?;
        let mut rc = rc.clone();
        super::confirm_enrolment(state, &mut rc, &code)
            .await
            .map(|c| SecondFactorConfirmation {
                recovery_codes: c.recovery_codes,
                signed_in: c.signed_in,
            })
            .gql(&rc)
    }

    /// Turns two-step verification off, with a current code or a recovery code (refused
    /// when the person's role requires it).
    async fn disable_second_factor(
        &self,
        ctx: &Context<'_>,
        #[graphql(secret)] code: String,
    ) -> async_graphql::Result<bool> {
        let (state, rc) = parts(ctx)?;
        super::disable(state, rc, &code)
            .await
            .map(|()| true)
            .gql(rc)
    }

    /// Ten new recovery codes with a current code from the app; the old ones stop working.
    async fn regenerate_recovery_codes(
        &self,
        ctx: &Context<'_>,
        #[graphql(secret)] code: String,
    ) -> async_graphql::Result<Vec<String>> {
        let (state, rc) = parts(ctx)?;
        super::regenerate_recovery_codes(state, rc, &code)
            .await
            .gql(rc)
    }

    /// The business office sets which roles must use two-step verification (from their
    /// people's next sign-in). Audited.
    async fn set_second_factor_roles(
        &self,
        ctx: &Context<'_>,
        roles: Vec<Role>,
    ) -> async_graphql::Result<Vec<Role>> {
        let (state, rc) = parts(ctx)?;
        super::set_required_roles(state, rc, &roles).await.gql(rc)
    }

    /// The business office resets a person's two-step verification (a lost phone): their
    /// app and recovery codes are removed and their sessions end. Audited.
    async fn reset_second_factor(
        &self,
        ctx: &Context<'_>,
        user_id: ID,
    ) -> async_graphql::Result<User> {
        let (state, rc) = parts(ctx)?;
        super::reset(state, rc, &user_id)
            .await
            .map(Into::into)
            .gql(rc)
    }
}
