//! Email through the configured SMTP relay (`--smtp-url`, `--smtp-from`): action reminders
//! password reset links and published learning summaries sent to distribution lists.
//! Without a relay, nothing is emailed.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use chrono::{DateTime, Duration, Utc};
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter};

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

/// A claim to send an email that was neither sent nor given back lapses after this long.
pub const CLAIM_LAPSES_AFTER_MINUTES: i64 = 10;

/// The columns of a table whose rows each owe one email: the row's id, when an instance
/// claimed its email, and when it was sent. Each email goes once across instances sharing a
/// database: it is claimed before it is sent; a failed send gives the claim back for a later
/// run, and a claim left by an instance that stopped mid-send lapses after
/// [`CLAIM_LAPSES_AFTER_MINUTES`].
pub struct OwedEmail<E: EntityTrait> {
    pub id: E::Column,
    pub claimed_at: E::Column,
    pub emailed_at: E::Column,
}

impl<E: EntityTrait> OwedEmail<E> {
    /// Claims row `id`'s email for this instance; `None` if another holds or sent it.
    pub async fn claim(
        &self,
        db: &DatabaseConnection,
        id: &str,
    ) -> AppResult<Option<DateTime<Utc>>> {
        let at = crate::db::now();
        let lapsed = at - Duration::minutes(CLAIM_LAPSES_AFTER_MINUTES);
        let result = E::update_many()
            .col_expr(self.claimed_at, Expr::value(at))
            .filter(self.id.eq(id))
            .filter(self.emailed_at.is_null())
            .filter(
                Condition::any()
                    .add(self.claimed_at.is_null())
                    .add(self.claimed_at.lt(lapsed)),
            )
            .exec(db)
            .await?;
        Ok((result.rows_affected == 1).then_some(at))
    }

    /// Sends row `id`'s claimed email and records the outcome: sent, or the claim given
    /// back for a later run. Returns whether it was sent.
    #[allow(clippy::too_many_arguments)]
    pub async fn send(
        &self,
        db: &DatabaseConnection,
        mailer: &Mailer,
        id: &str,
        claimed_at: DateTime<Utc>,
        to_name: &str,
        to_email: &str,
        subject: String,
        body: String,
    ) -> AppResult<bool> {
        match mailer.send(to_name, to_email, subject, body).await {
            Ok(()) => {
                E::update_many()
                    .col_expr(self.emailed_at, Expr::value(crate::db::now()))
                    .filter(self.id.eq(id))
                    .exec(db)
                    .await?;
                Ok(true)
            }
            Err(error) => {
                tracing::warn!(row = %id, %error, "email not sent; will retry");
                E::update_many()
                    .col_expr(self.claimed_at, Expr::value(Option::<DateTime<Utc>>::None))
                    .filter(self.id.eq(id))
                    .filter(self.claimed_at.eq(claimed_at))
                    .exec(db)
                    .await?;
                Ok(false)
            }
        }
    }
}
