//! The sign-in through an identity provider: start (a redirect to the provider with PKCE,
//! state and nonce, kept server-side for [`LOGIN_LIFETIME`] and bound to the browser by a
//! cookie) and finish (the callback: the state used once, the code exchanged, the ID token
//! verified, the person found by their verified email address, the session started).

use super::{email_domain, providers};
use crate::audit_log::{self, Event};
use crate::auth::{second_factor, service};
use crate::context::RequestContext;
use crate::db::begin_write;
use crate::entities::{oidc_login, sign_in_provider};
use crate::error::AppError;
use crate::state::AppState;
use chrono::{Duration, Utc};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AccessToken, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, IssuerUrl, LoginHint, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, SubjectIdentifier, TokenResponse,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use std::sync::OnceLock;

/// How long a started sign-in may take at the provider.
pub const LOGIN_LIFETIME: Duration = Duration::minutes(10);
/// How long the server waits for the provider on each call.
const PROVIDER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// The callback's path; the redirect URI to register is the public URL followed by it.
pub const CALLBACK_PATH: &str = "/auth/oidc/callback";

/// Why a single sign-on did not sign anyone in. The code goes back to the sign-in page
/// (`/sign-in?sso_error=CODE`), which explains it; details are logged, never shown.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("no provider serves this email address's domain")]
    NoProvider,
    #[error("the provider could not be reached or described itself wrongly: {0}")]
    ProviderUnavailable(String),
    #[error("the sign-in is unknown, expired or already used")]
    Expired,
    #[error("the sign-in was started in another browser")]
    WrongBrowser,
    #[error("the provider refused: {0}")]
    ProviderRefused(String),
    #[error("the provider's answer did not verify: {0}")]
    TokenRejected(String),
    #[error("the provider sent no email address")]
    NoEmail,
    #[error("the provider has not verified the email address")]
    EmailNotVerified,
    #[error("the email address's domain is not one this provider serves")]
    EmailNotServed,
    #[error("no person has this email address")]
    UnknownPerson,
    #[error("the person's account is disabled")]
    Disabled,
    #[error("internal: {0}")]
    Internal(String),
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NoProvider => "no_provider",
            Refusal::ProviderUnavailable(_) => "provider_unavailable",
            Refusal::Expired => "expired",
            Refusal::WrongBrowser => "wrong_browser",
            Refusal::ProviderRefused(_) => "provider_refused",
            Refusal::TokenRejected(_) => "token_rejected",
            Refusal::NoEmail => "no_email",
            Refusal::EmailNotVerified => "email_not_verified",
            Refusal::EmailNotServed => "email_not_served",
            Refusal::UnknownPerson => "unknown_person",
            Refusal::Disabled => "disabled",
            Refusal::Internal(_) => "internal",
        }
    }
}

impl From<AppError> for Refusal {
    fn from(e: AppError) -> Self {
        Refusal::Internal(e.to_string())
    }
}

impl From<sea_orm::DbErr> for Refusal {
    fn from(e: sea_orm::DbErr) -> Self {
        Refusal::Internal(format!("database: {e}"))
    }
}

/// The HTTP client for providers: no redirects followed (discovery and token calls must
/// answer at the address given), a time limit, rustls with the system's roots.
fn http_client() -> Result<&'static reqwest::Client, Refusal> {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    if let Some(client) = CLIENT.get() {
        return Ok(client);
    }
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(PROVIDER_TIMEOUT)
        .build()
        .map_err(|e| Refusal::Internal(format!("HTTP client: {e}")))?;
    Ok(CLIENT.get_or_init(|| client))
}

type Discovered = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// The provider's client, from its discovery document and keys (fetched each time, so a
/// rotated key or moved endpoint is picked up at once).
async fn discover(
    state: &AppState,
    provider: &sign_in_provider::Model,
) -> Result<Discovered, Refusal> {
    let http = http_client()?;
    let issuer = IssuerUrl::new(provider.issuer_url.clone())
        .map_err(|e| Refusal::ProviderUnavailable(format!("issuer URL: {e}")))?;
    let metadata = CoreProviderMetadata::discover_async(issuer, http)
        .await
        .map_err(|e| Refusal::ProviderUnavailable(describe(&e)))?;
    let redirect = RedirectUrl::new(format!(
        "{}{CALLBACK_PATH}",
        state.config.public_url.trim_end_matches('/')
    ))
    .map_err(|e| Refusal::Internal(format!("redirect URL: {e}")))?;
    Ok(CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(provider.client_id.clone()),
        provider.client_secret.clone().map(ClientSecret::new),
    )
    .set_redirect_uri(redirect))
}

/// An error with its causes, for the log.
fn describe(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn sha256_hex(value: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(value.as_bytes()))
}

/// A path of this site to go to after signing in; anything else is the home page.
pub fn safe_return(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.starts_with("/sign-in")
                && n.len() <= 500
                && !n.chars().any(char::is_control) =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// Percent-encodes a value for a query string.
fn query_component(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(byte))
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// A started sign-in: where to send the browser, and the secret its cookie carries.
pub struct Started {
    pub redirect_to: String,
    pub browser_secret: String,
}

/// Starts signing in the person with `email` through their domain's provider.
pub async fn start(state: &AppState, email: &str, next: Option<&str>) -> Result<Started, Refusal> {
    if email.chars().count() > shared::auth::MAX_EMAIL_CHARS {
        return Err(Refusal::NoProvider);
    }
    let provider = providers::for_email(&state.db, email)
        .await?
        .ok_or(Refusal::NoProvider)?;
    let client = discover(state, &provider).await?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .set_pkce_challenge(challenge)
        .set_login_hint(LoginHint::new(email.trim().to_owned()))
        .url();
    let browser_secret = CsrfToken::new_random().secret().clone();
    let now = Utc::now();
    // Sign-ins never finished are forgotten here, as new ones start.
    oidc_login::Entity::delete_many()
        .filter(oidc_login::Column::ExpiresAt.lte(now))
        .exec(&state.db)
        .await?;
    oidc_login::ActiveModel {
        id: Set(sha256_hex(csrf.secret())),
        provider_id: Set(provider.id.clone()),
        browser_hash: Set(sha256_hex(&browser_secret)),
        nonce: Set(nonce.secret().clone()),
        pkce_verifier: Set(verifier.secret().clone()),
        return_to: Set(safe_return(next)),
        created_at: Set(now),
        expires_at: Set(now + LOGIN_LIFETIME),
    }
    .insert(&state.db)
    .await?;
    Ok(Started {
        redirect_to: url.to_string(),
        browser_secret,
    })
}

/// What the provider sends back to the callback.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Callback {
    pub state: Option<String>,
    pub code: Option<String>,
    pub error: Option<String>,
}

/// Finishes a sign-in: on success the request's session is signed in and the answer is
/// where to go in the app.
pub async fn finish(
    state: &AppState,
    rc: &mut RequestContext,
    callback: Callback,
    browser_secret: Option<&str>,
) -> Result<String, Refusal> {
    // The state names the sign-in; it is used once, whatever happens next.
    let Some(csrf) = callback.state.filter(|s| !s.is_empty() && s.len() <= 200) else {
        return Err(Refusal::Expired);
    };
    let id = sha256_hex(&csrf);
    let Some(login) = oidc_login::Entity::find_by_id(id.clone())
        .one(&state.db)
        .await?
    else {
        return Err(Refusal::Expired);
    };
    let taken = oidc_login::Entity::delete_many()
        .filter(oidc_login::Column::Id.eq(id))
        .exec(&state.db)
        .await?;
    if taken.rows_affected != 1 || login.expires_at <= Utc::now() {
        return Err(Refusal::Expired);
    }
    if browser_secret.map(sha256_hex).as_deref() != Some(login.browser_hash.as_str()) {
        return Err(Refusal::WrongBrowser);
    }
    let provider = sign_in_provider::Entity::find_by_id(login.provider_id.clone())
        .one(&state.db)
        .await?
        .ok_or(Refusal::Expired)?;
    let outcome = verify(state, &provider, &login, callback.code, callback.error).await;
    let outcome = match outcome {
        Ok(email) => person(state, &provider, &email).await,
        Err(refusal) => Err(refusal),
    };
    match outcome {
        Ok(user) => {
            let detail = serde_json::json!({ "method": "single_sign_on", "provider": provider.id });
            let txn = begin_write(&state.db).await?;
            audit_log::append_with_detail(
                &txn,
                rc,
                Event::new("sign_in.single_sign_on", "user", &user.id),
                &detail.to_string(),
            )
            .await?;
            txn.commit().await?;
            // The platform's second step applies whichever way the first was passed: a
            // person with an authenticator app (or whose role requires one) gets a pending
            // sign-in, finished on the sign-in page.
            match second_factor::after_password(state, rc, &user).await {
                Ok(()) => {}
                Err(AppError::SecondFactorRequired | AppError::SecondFactorSetupRequired) => {
                    return Ok(format!(
                        "/sign-in?second_factor=pending&next={}",
                        query_component(&login.return_to)
                    ));
                }
                Err(e) => return Err(e.into()),
            }
            // The session a password sign-in makes, by the same code.
            service::establish(state, rc, &user).await?;
            Ok(login.return_to)
        }
        Err(refusal) => {
            let detail = serde_json::json!({
                "method": "single_sign_on",
                "provider": provider.id,
                "reason": refusal.code(),
            });
            let txn = begin_write(&state.db).await?;
            audit_log::append_with_detail(
                &txn,
                rc,
                Event {
                    action: "sign_in.failed",
                    object_type: "session",
                    object_id: None,
                },
                &detail.to_string(),
            )
            .await?;
            txn.commit().await?;
            Err(refusal)
        }
    }
}

/// The code exchanged (with the PKCE verifier), the ID token verified (signature against the
/// provider's keys, issuer, audience, expiry, nonce), and the email address it vouches for
/// (from the ID token, or else from the user info endpoint for the same subject).
async fn verify(
    state: &AppState,
    provider: &sign_in_provider::Model,
    login: &oidc_login::Model,
    code: Option<String>,
    error: Option<String>,
) -> Result<String, Refusal> {
    if let Some(error) = error {
        return Err(Refusal::ProviderRefused(error.chars().take(200).collect()));
    }
    let Some(code) = code.filter(|c| !c.is_empty() && c.len() <= 4096) else {
        return Err(Refusal::ProviderRefused("no code".into()));
    };
    let client = discover(state, provider).await?;
    let http = http_client()?;
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| Refusal::ProviderUnavailable(describe(&e)))?
        .set_pkce_verifier(PkceCodeVerifier::new(login.pkce_verifier.clone()))
        .request_async(http)
        .await
        .map_err(|e| Refusal::TokenRejected(describe(&e)))?;
    let id_token = tokens
        .id_token()
        .ok_or_else(|| Refusal::TokenRejected("no ID token".into()))?;
    let claims = id_token
        .claims(
            &client.id_token_verifier(),
            &Nonce::new(login.nonce.clone()),
        )
        .map_err(|e| Refusal::TokenRejected(describe(&e)))?;
    let (email, verified) = match claims.email() {
        Some(email) => (email.as_str().to_owned(), claims.email_verified()),
        None => {
            let info = user_info(&client, tokens.access_token(), claims.subject()).await?;
            (info.0.ok_or(Refusal::NoEmail)?, info.1)
        }
    };
    match verified {
        Some(true) => {}
        Some(false) => return Err(Refusal::EmailNotVerified),
        None if provider.email_verified_required => return Err(Refusal::EmailNotVerified),
        None => {}
    }
    Ok(email)
}

async fn user_info(
    client: &Discovered,
    access_token: &AccessToken,
    subject: &SubjectIdentifier,
) -> Result<(Option<String>, Option<bool>), Refusal> {
    let http = http_client()?;
    let info: openidconnect::core::CoreUserInfoClaims = client
        .user_info(access_token.clone(), Some(subject.clone()))
        .map_err(|_| Refusal::NoEmail)?
        .request_async(http)
        .await
        .map_err(|e| Refusal::TokenRejected(format!("user info: {}", describe(&e))))?;
    Ok((
        info.email().map(|e| e.as_str().to_owned()),
        info.email_verified(),
    ))
}

/// The person an email address belongs to, if the provider serves its domain and the
/// account is active. Nobody is created.
async fn person(
    state: &AppState,
    provider: &sign_in_provider::Model,
    email: &str,
) -> Result<crate::entities::app_user::Model, Refusal> {
    let domain = email_domain(email).ok_or(Refusal::NoEmail)?;
    let served = providers::get(&state.db, &provider.id).await?.domains;
    if !served.contains(&domain) {
        return Err(Refusal::EmailNotServed);
    }
    let user = crate::users::service::find_by_email(&state.db, email)
        .await?
        .ok_or(Refusal::UnknownPerson)?;
    if !user.active {
        return Err(Refusal::Disabled);
    }
    Ok(user)
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_paths_of_this_site_are_returned_to() {
        use super::safe_return;
        assert_eq!(safe_return(Some("/reviews/1?tab=x")), "/reviews/1?tab=x");
        assert_eq!(safe_return(Some("//evil.example")), "/");
        assert_eq!(safe_return(Some("/\\evil.example")), "/");
        assert_eq!(safe_return(Some("https://evil.example")), "/");
        assert_eq!(safe_return(Some("/sign-in")), "/");
        assert_eq!(safe_return(None), "/");
    }
}
