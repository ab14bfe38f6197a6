//! Single sign-on with OpenID Connect: the identity providers the business office
//! configures (each serving one or more agency email domains), and the sign-in through one
//! (authorization code flow with PKCE, state and nonce).
//!
//! A person is found by the email address their provider vouches for; nobody is created
//! (no self-registration). The session is started by `auth::service::start_session`, the
//! same as after a password, so the session rules do not depend on how someone signed in.

pub mod flow;
pub mod graphql;
pub mod providers;
pub mod routes;

/// The part of an email address after its last `@`, in lower case.
pub fn email_domain(email: &str) -> Option<String> {
    let (local, domain) = email.trim().rsplit_once('@')?;
    if local.is_empty() || domain.is_empty() {
        return None;
    }
    Some(domain.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_domain_is_after_the_last_at() {
        assert_eq!(
            super::email_domain(" Jo.Bloggs@Northshire.GOV.uk "),
            Some("northshire.gov.uk".into())
        );
        assert_eq!(super::email_domain("no-at-sign"), None);
        assert_eq!(super::email_domain("@example.org"), None);
        assert_eq!(super::email_domain("someone@"), None);
    }
}
