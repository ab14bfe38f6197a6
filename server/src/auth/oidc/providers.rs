//! The identity providers, as the business office sets them: issuer, client, secret (kept,
//! never returned) and the email domains each serves (a domain has one provider at most).

use super::email_domain;
use crate::audit_log::{self, Event};
use crate::context::RequestContext;
use crate::db::begin_write;
use crate::entities::{oidc_login, sign_in_provider, sign_in_provider_domain};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use shared::Problems;

pub const MAX_NAME_CHARS: usize = 120;
pub const MAX_URL_CHARS: usize = 500;
pub const MAX_CLIENT_ID_CHARS: usize = 255;
pub const MAX_SECRET_CHARS: usize = 1000;
pub const MAX_DOMAINS: usize = 20;
pub const MAX_DOMAIN_CHARS: usize = 253;

/// What the business office enters for a provider.
#[derive(Debug, Clone)]
pub struct ProviderDraft {
    pub name: String,
    pub issuer_url: String,
    pub client_id: String,
    /// On a change, `None` keeps the stored secret and an empty one removes it (a public
    /// client, PKCE only).
    pub client_secret: Option<String>,
    pub email_verified_required: bool,
    pub domains: Vec<String>,
}

/// A provider with its domains (sorted).
#[derive(Debug, Clone)]
pub struct Provider {
    pub model: sign_in_provider::Model,
    pub domains: Vec<String>,
}

/// Whether an issuer URL may be used: https, or http to this machine only (a provider
/// started by the tests, or one on the same host).
fn issuer_problem(url: &str) -> Option<&'static str> {
    let Ok(parsed) = openidconnect::url::Url::parse(url) else {
        return Some("is not a web address");
    };
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Some("must not have a query or a fragment");
    }
    let loopback = matches!(parsed.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    match parsed.scheme() {
        "https" => None,
        "http" if loopback => None,
        _ => Some("must start with https://"),
    }
}

fn normalise_domain(domain: &str) -> String {
    domain
        .trim()
        .trim_start_matches('@')
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

fn domain_ok(domain: &str) -> bool {
    !domain.is_empty()
        && domain.len() <= MAX_DOMAIN_CHARS
        && domain.contains('.')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// Checks and tidies a draft: trimmed text, lower-case domains without duplicates.
fn checked(mut draft: ProviderDraft) -> AppResult<ProviderDraft> {
    let mut p = Problems::new();
    draft.name = draft.name.trim().to_owned();
    draft.issuer_url = draft.issuer_url.trim().to_owned();
    draft.client_id = draft.client_id.trim().to_owned();
    if draft.name.is_empty() {
        p.push(
            "name",
            "is required (the name people see on the button, such as the organisation's)",
        );
    } else if draft.name.chars().count() > MAX_NAME_CHARS {
        p.push("name", format!("has at most {MAX_NAME_CHARS} characters"));
    }
    if draft.issuer_url.is_empty() {
        p.push("issuerUrl", "is required");
    } else if draft.issuer_url.chars().count() > MAX_URL_CHARS {
        p.push(
            "issuerUrl",
            format!("has at most {MAX_URL_CHARS} characters"),
        );
    } else if let Some(problem) = issuer_problem(&draft.issuer_url) {
        p.push("issuerUrl", problem);
    }
    if draft.client_id.is_empty() {
        p.push(
            "clientId",
            "is required (the client ID the provider gave this platform)",
        );
    } else if draft.client_id.chars().count() > MAX_CLIENT_ID_CHARS {
        p.push(
            "clientId",
            format!("has at most {MAX_CLIENT_ID_CHARS} characters"),
        );
    }
    if draft
        .client_secret
        .as_ref()
        .is_some_and(|s| s.chars().count() > MAX_SECRET_CHARS)
    {
        p.push(
            "clientSecret",
            format!("has at most {MAX_SECRET_CHARS} characters"),
        );
    }
    let mut domains: Vec<String> = draft.domains.iter().map(|d| normalise_domain(d)).collect();
    domains.sort();
    domains.dedup();
    domains.retain(|d| !d.is_empty());
    if domains.is_empty() {
        p.push(
            "domains",
            "need at least one email domain, such as northshire.gov.uk",
        );
    } else if domains.len() > MAX_DOMAINS {
        p.push("domains", format!("can be at most {MAX_DOMAINS}"));
    } else if let Some(bad) = domains.iter().find(|d| !domain_ok(d)) {
        p.push(
            "domains",
            format!("include {bad}, which is not an email domain (such as northshire.gov.uk)"),
        );
    }
    draft.domains = domains;
    p.into_result()?;
    Ok(draft)
}

async fn domains_of<C: ConnectionTrait>(conn: &C, provider_id: &str) -> AppResult<Vec<String>> {
    let mut list: Vec<String> = sign_in_provider_domain::Entity::find()
        .filter(sign_in_provider_domain::Column::ProviderId.eq(provider_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|d| d.domain)
        .collect();
    list.sort();
    Ok(list)
}

/// Every provider, by name.
pub async fn list(state: &AppState) -> AppResult<Vec<Provider>> {
    let models = sign_in_provider::Entity::find()
        .order_by_asc(sign_in_provider::Column::Name)
        .all(&state.db)
        .await?;
    let domains = sign_in_provider_domain::Entity::find()
        .all(&state.db)
        .await?;
    Ok(models
        .into_iter()
        .map(|model| {
            let mut mine: Vec<String> = domains
                .iter()
                .filter(|d| d.provider_id == model.id)
                .map(|d| d.domain.clone())
                .collect();
            mine.sort();
            Provider {
                model,
                domains: mine,
            }
        })
        .collect())
}

pub async fn get<C: ConnectionTrait>(conn: &C, id: &str) -> AppResult<Provider> {
    let model = sign_in_provider::Entity::find_by_id(id.to_owned())
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("Sign-in provider"))?;
    let domains = domains_of(conn, &model.id).await?;
    Ok(Provider { model, domains })
}

/// The provider that serves an email address's domain, if one does.
pub async fn for_email<C: ConnectionTrait>(
    conn: &C,
    email: &str,
) -> AppResult<Option<sign_in_provider::Model>> {
    let Some(domain) = email_domain(email) else {
        return Ok(None);
    };
    let Some(link) = sign_in_provider_domain::Entity::find_by_id(domain)
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    Ok(sign_in_provider::Entity::find_by_id(link.provider_id)
        .one(conn)
        .await?)
}

/// Refuses domains another provider already serves, naming it.
async fn check_domains_free<C: ConnectionTrait>(
    conn: &C,
    domains: &[String],
    except: Option<&str>,
) -> AppResult<()> {
    let taken = sign_in_provider_domain::Entity::find()
        .filter(sign_in_provider_domain::Column::Domain.is_in(domains.iter().cloned()))
        .all(conn)
        .await?;
    if let Some(clash) = taken
        .iter()
        .find(|d| except != Some(d.provider_id.as_str()))
    {
        let name = sign_in_provider::Entity::find_by_id(clash.provider_id.clone())
            .one(conn)
            .await?
            .map(|p| p.name)
            .unwrap_or_default();
        return Err(AppError::validation(
            "domains",
            format!("{} is already served by {name}", clash.domain),
        ));
    }
    Ok(())
}

async fn insert_domains<C: ConnectionTrait>(
    conn: &C,
    provider_id: &str,
    domains: &[String],
) -> AppResult<()> {
    for domain in domains {
        sign_in_provider_domain::ActiveModel {
            domain: Set(domain.clone()),
            provider_id: Set(provider_id.to_owned()),
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

/// Adds a provider (audited).
pub async fn create(
    state: &AppState,
    rc: &RequestContext,
    draft: ProviderDraft,
) -> AppResult<Provider> {
    let draft = checked(draft)?;
    let now = crate::db::now();
    let id = uuid::Uuid::new_v4().to_string();
    let txn = begin_write(&state.db).await?;
    check_domains_free(&txn, &draft.domains, None).await?;
    sign_in_provider::ActiveModel {
        id: Set(id.clone()),
        name: Set(draft.name),
        issuer_url: Set(draft.issuer_url),
        client_id: Set(draft.client_id),
        client_secret: Set(draft.client_secret.filter(|s| !s.is_empty())),
        email_verified_required: Set(draft.email_verified_required),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    insert_domains(&txn, &id, &draft.domains).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("sign_in_provider.created", "sign_in_provider", &id),
    )
    .await?;
    let provider = get(&txn, &id).await?;
    txn.commit().await?;
    Ok(provider)
}

/// Changes a provider (audited); its domains are replaced by the draft's.
pub async fn update(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    draft: ProviderDraft,
) -> AppResult<Provider> {
    let draft = checked(draft)?;
    let txn = begin_write(&state.db).await?;
    let current = get(&txn, id).await?.model;
    check_domains_free(&txn, &draft.domains, Some(id)).await?;
    let mut row: sign_in_provider::ActiveModel = current.into();
    row.name = Set(draft.name);
    row.issuer_url = Set(draft.issuer_url);
    row.client_id = Set(draft.client_id);
    if let Some(secret) = draft.client_secret {
        row.client_secret = Set(Some(secret).filter(|s| !s.is_empty()));
    }
    row.email_verified_required = Set(draft.email_verified_required);
    row.updated_at = Set(crate::db::now());
    row.update(&txn).await?;
    sign_in_provider_domain::Entity::delete_many()
        .filter(sign_in_provider_domain::Column::ProviderId.eq(id))
        .exec(&txn)
        .await?;
    insert_domains(&txn, id, &draft.domains).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("sign_in_provider.updated", "sign_in_provider", id),
    )
    .await?;
    let provider = get(&txn, id).await?;
    txn.commit().await?;
    Ok(provider)
}

/// Removes a provider (audited): its domains sign in with passwords again, and sign-ins in
/// progress through it fail.
pub async fn remove(state: &AppState, rc: &RequestContext, id: &str) -> AppResult<()> {
    let txn = begin_write(&state.db).await?;
    get(&txn, id).await?;
    oidc_login::Entity::delete_many()
        .filter(oidc_login::Column::ProviderId.eq(id))
        .exec(&txn)
        .await?;
    sign_in_provider_domain::Entity::delete_many()
        .filter(sign_in_provider_domain::Column::ProviderId.eq(id))
        .exec(&txn)
        .await?;
    sign_in_provider::Entity::delete_by_id(id.to_owned())
        .exec(&txn)
        .await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("sign_in_provider.deleted", "sign_in_provider", id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(issuer: &str, domains: &[&str]) -> ProviderDraft {
        ProviderDraft {
            name: "Northshire Council".into(),
            issuer_url: issuer.into(),
            client_id: "platform".into(),
            client_secret: None,
            email_verified_required: true,
            domains: domains.iter().map(|d| d.to_string()).collect(),
        }
    }

    #[test]
    fn issuers_are_https_or_this_machine() {
        assert!(checked(draft(
            "https://login.example.org/tenant/v2.0",
            &["example.org"]
        ))
        .is_ok());
        assert!(checked(draft("http://127.0.0.1:4000", &["example.org"])).is_ok());
        assert!(checked(draft("http://login.example.org", &["example.org"])).is_err());
        assert!(checked(draft("https://login.example.org/?x=1", &["example.org"])).is_err());
    }

    #[test]
    fn domains_are_tidied_and_checked() {
        let d = checked(draft(
            "https://idp.example.org",
            &["@Northshire.gov.uk", "northshire.gov.uk.", "nhs.net"],
        ))
        .expect("valid");
        assert_eq!(d.domains, vec!["nhs.net", "northshire.gov.uk"]);
        assert!(checked(draft("https://idp.example.org", &["localhost"])).is_err());
        assert!(checked(draft("https://idp.example.org", &["bad domain.org"])).is_err());
        assert!(checked(draft("https://idp.example.org", &[])).is_err());
    }
}
