//! GraphQL surface of single sign-on: what the sign-in page offers for an email address
//! (anyone), and the business office's list of identity providers.

use super::providers::{self, Provider, ProviderDraft};
use crate::graphql::{parts, IntoGql};
use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};

/// An OpenID Connect identity provider, as the business office configured it. Its client
/// secret is never returned: `hasClientSecret` says whether one is kept.
#[derive(SimpleObject, Clone)]
pub struct SignInProvider {
    pub id: ID,
    /// The organisation, as people see it on the sign-in button.
    pub name: String,
    pub issuer_url: String,
    pub client_id: String,
    pub has_client_secret: bool,
    /// Whether the provider must say the email address is verified (`email_verified`
    /// true); otherwise only a provider saying it is not verified is refused.
    pub email_verified_required: bool,
    /// The email domains whose people sign in with this provider.
    pub domains: Vec<String>,
    /// The redirect URI to register with the provider.
    pub redirect_uri: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl SignInProvider {
    fn of(p: Provider, public_url: &str) -> Self {
        Self {
            id: ID(p.model.id),
            name: p.model.name,
            issuer_url: p.model.issuer_url,
            client_id: p.model.client_id,
            has_client_secret: p.model.client_secret.is_some(),
            email_verified_required: p.model.email_verified_required,
            domains: p.domains,
            redirect_uri: redirect_uri(public_url),
            created_at: p.model.created_at,
            updated_at: p.model.updated_at,
        }
    }
}

fn redirect_uri(public_url: &str) -> String {
    format!(
        "{}{}",
        public_url.trim_end_matches('/'),
        super::flow::CALLBACK_PATH
    )
}

/// A provider as the business office enters it.
#[derive(InputObject)]
pub struct SignInProviderInput {
    pub name: String,
    /// https://…, the URL its discovery document is under (`/.well-known/openid-configuration`).
    pub issuer_url: String,
    pub client_id: String,
    /// Kept, never returned. On a change, leave it out to keep the stored one; an empty
    /// string removes it (a public client, PKCE only).
    #[graphql(secret)]
    pub client_secret: Option<String>,
    #[graphql(default = true)]
    pub email_verified_required: bool,
    pub domains: Vec<String>,
}

impl From<SignInProviderInput> for ProviderDraft {
    fn from(i: SignInProviderInput) -> Self {
        Self {
            name: i.name,
            issuer_url: i.issuer_url,
            client_id: i.client_id,
            client_secret: i.client_secret,
            email_verified_required: i.email_verified_required,
            domains: i.domains,
        }
    }
}

/// How a person with a given email address signs in. Worked out from the address's domain
/// alone, so it says nothing about whether anyone has that address.
#[derive(SimpleObject)]
pub struct SignInOptions {
    /// The domain has an identity provider: sign in with the organisation's account.
    pub single_sign_on: bool,
    /// The provider's name, for the button.
    pub provider_name: Option<String>,
    /// Where the browser goes to sign in with it (a GET).
    pub start_url: Option<String>,
}

#[derive(Default)]
pub struct SingleSignOnQuery;

#[Object]
impl SingleSignOnQuery {
    /// How someone with this email address signs in (anyone may ask).
    async fn sign_in_options(
        &self,
        ctx: &Context<'_>,
        email: String,
    ) -> async_graphql::Result<SignInOptions> {
        let (state, rc) = parts(ctx)?;
        if email.chars().count() > shared::auth::MAX_EMAIL_CHARS {
            return Err(crate::error::AppError::validation(
                "email",
                format!(
                    "an email address has at most {} characters",
                    shared::auth::MAX_EMAIL_CHARS
                ),
            ))
            .gql(rc);
        }
        let provider = providers::for_email(&state.db, &email).await.gql(rc)?;
        Ok(match provider {
            Some(p) => SignInOptions {
                single_sign_on: true,
                provider_name: Some(p.name),
                start_url: Some(format!(
                    "{}?{}",
                    super::routes::START_PATH,
                    serde_urlencoded_email(email.trim())
                )),
            },
            None => SignInOptions {
                single_sign_on: false,
                provider_name: None,
                start_url: None,
            },
        })
    }

    /// The identity providers people sign in with (the business office).
    async fn sign_in_providers(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<SignInProvider>> {
        let (state, rc) = parts(ctx)?;
        let list = providers::list(state).await.gql(rc)?;
        Ok(list
            .into_iter()
            .map(|p| SignInProvider::of(p, &state.config.public_url))
            .collect())
    }
}

/// `email=…`, percent-encoded for a query string.
fn serde_urlencoded_email(email: &str) -> String {
    let mut out = String::from("email=");
    for byte in email.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(byte))
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[derive(Default)]
pub struct SingleSignOnMutation;

#[Object]
impl SingleSignOnMutation {
    /// Adds an identity provider for one or more email domains (the business office).
    async fn create_sign_in_provider(
        &self,
        ctx: &Context<'_>,
        input: SignInProviderInput,
    ) -> async_graphql::Result<SignInProvider> {
        let (state, rc) = parts(ctx)?;
        let p = providers::create(state, rc, input.into()).await.gql(rc)?;
        Ok(SignInProvider::of(p, &state.config.public_url))
    }

    /// Changes an identity provider; its domains become the ones given.
    async fn update_sign_in_provider(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: SignInProviderInput,
    ) -> async_graphql::Result<SignInProvider> {
        let (state, rc) = parts(ctx)?;
        let p = providers::update(state, rc, &id, input.into())
            .await
            .gql(rc)?;
        Ok(SignInProvider::of(p, &state.config.public_url))
    }

    /// Removes an identity provider: its domains sign in with passwords again.
    async fn delete_sign_in_provider(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<bool> {
        let (state, rc) = parts(ctx)?;
        providers::remove(state, rc, &id).await.gql(rc)?;
        Ok(true)
    }
}
