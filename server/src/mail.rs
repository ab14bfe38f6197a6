//! Email through the configured SMTP relay (`--smtp-url`, `--smtp-from`): action reminders
//! and password reset links. Without a relay, nothing is emailed.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Where emails go out.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The address people reach the app at, without a trailing slash (for links).
    pub public_url: String,
}

impl Mailer {
    /// The mailer, when SMTP is configured.
    pub fn from_config(state: &AppState) -> AppResult<Option<Mailer>> {
        let Some(url) = state.config.smtp_url.as_deref() else {
            return Ok(None);
        };
        let from = state
            .config
            .smtp_from
            .as_deref()
            .ok_or_else(|| AppError::Internal("--smtp-url needs --smtp-from".into()))?
            .parse::<Mailbox>()
            .map_err(|e| AppError::Internal(format!("--smtp-from: {e}")))?;
        let transport = smtp_transport(url)?;
        Ok(Some(Mailer {
            transport,
            from,
            public_url: state.config.public_url.trim_end_matches('/').to_owned(),
        }))
    }
}

/// A plain-SMTP transport from `smtp://[user:password@]host[:port]`.
fn smtp_transport(url: &str) -> AppResult<AsyncSmtpTransport<Tokio1Executor>> {
    let bad = || AppError::Internal("--smtp-url must be smtp://[user:password@]host[:port]".into());
    let rest = url.strip_prefix("smtp://").ok_or_else(bad)?;
    let rest = rest.trim_end_matches('/');
    let (credentials, host_port) = match rest.rsplit_once('@') {
        Some((auth, host)) => {
            let (user, password) = auth.split_once(':').ok_or_else(bad)?;
            (
                Some(Credentials::new(user.to_owned(), password.to_owned())),
                host,
            )
        }
        None => (None, rest),
    };
    let (host, port) = match host_port.rsplit_once(':') {
        Some((host, port)) => (host, port.parse::<u16>().map_err(|_| bad())?),
        None => (host_port, 25),
    };
    if host.is_empty() {
        return Err(bad());
    }
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(port)
        .timeout(Some(std::time::Duration::from_secs(30)));
    if let Some(credentials) = credentials {
        builder = builder.credentials(credentials);
    }
    Ok(builder.build())
}

impl Mailer {
    /// Sends one plain-text email; the error says why it was not accepted.
    pub async fn send(
        &self,
        to_name: &str,
        to_email: &str,
        subject: String,
        body: String,
    ) -> Result<(), String> {
        let to = to_email
            .parse()
            .map(|address| Mailbox::new(Some(to_name.to_owned()), address))
            .map_err(|e| e.to_string())?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .body(body)
            .map_err(|e| e.to_string())?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}
