//! Configuration, read once from flags and the environment.

use clap::{Args, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Room in a request for a final report's plain text, in bytes, at most (the text itself is
/// limited to `crate::summary::report::MAX_REPORT_TEXT` characters; never more room than the
/// report itself may take).
pub const REPORT_TEXT_ROOM: usize = 4 * 1_048_576;

/// Settings shared by every command.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database URL: `sqlite://data/platform.db?mode=rwc` (embedded, the default) or
    /// `postgres://user@host/db` (several instances may share one).
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/platform.db?mode=rwc",
        global = true
    )]
    pub database_url: String,

    /// Address to listen on.
    #[arg(long, env = "LP_BIND", default_value = "127.0.0.1:8080", global = true)]
    pub bind: SocketAddr,

    /// The URL people open: the Origin every browser request must come from. When it is
    /// https, cookies are Secure and `__Host-` prefixed.
    #[arg(
        long,
        env = "LP_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080",
        global = true
    )]
    pub public_url: String,

    /// Directory of the built browser app (Trunk's dist).
    #[arg(long, env = "LP_STATIC_DIR", default_value = "dist", global = true)]
    pub static_dir: PathBuf,

    /// Log format.
    #[arg(
        long,
        env = "LP_LOG_FORMAT",
        value_enum,
        default_value = "text",
        global = true
    )]
    pub log_format: LogFormat,

    /// Serve GraphQL introspection and the GraphiQL page at /graphiql.
    #[arg(long, env = "LP_INTROSPECTION", default_value_t = false, global = true)]
    pub introspection: bool,

    /// Largest request body accepted, in bytes, for every GraphQL operation except the one
    /// upload mutation a request may carry (a chronology file, a file of performance values
    /// or a final report: see `--max-upload-bytes` and `--max-report-bytes`).
    #[arg(
        long,
        env = "LP_MAX_BODY_BYTES",
        default_value_t = 1_048_576,
        global = true
    )]
    pub max_body_bytes: usize,

    /// Largest chronology file or file of performance values accepted for import, in bytes
    /// (sent base64-encoded, so the GraphQL endpoint accepts bodies a third larger than
    /// this).
    #[arg(long, env = "LP_MAX_UPLOAD_BYTES", default_value_t = 5 * 1_048_576, global = true)]
    pub max_upload_bytes: usize,

    /// Most rows a chronology file (CSV or XLSX) may hold, its heading row counted.
    #[arg(
        long,
        env = "LP_MAX_IMPORT_ROWS",
        default_value_t = shared::chronology::import::DEFAULT_MAX_ROWS,
        value_parser = clap::builder::TypedValueParser::map(clap::value_parser!(u32).range(2..), |n| n as usize),
        global = true
    )]
    pub max_import_rows: usize,

    /// Chronology files of more entries than this are imported in the background
    /// (`startChronologyImport`, with progress); `confirmChronologyImport` refuses them.
    #[arg(
        long,
        env = "LP_BACKGROUND_IMPORT_ROWS",
        default_value_t = 5_000,
        global = true
    )]
    pub background_import_rows: usize,

    /// Most bytes an XLSX workbook may unpack to (its sheet XML, shared strings and the
    /// rest, as its zip directory declares them), checked before the workbook is read.
    #[arg(long, env = "LP_MAX_WORKBOOK_BYTES", default_value_t = 50 * 1_048_576, global = true)]
    pub max_workbook_bytes: u64,

    /// Most times its packed size a part of an XLSX workbook over 1 MiB may unpack to
    /// (ordinary sheets stay well under; a zip bomb does not).
    #[arg(
        long,
        env = "LP_MAX_WORKBOOK_RATIO",
        default_value_t = 100,
        global = true
    )]
    pub max_workbook_ratio: u64,

    /// Largest final report (PDF) of a learning summary accepted, in bytes (sent
    /// base64-encoded with its optional plain text, so the GraphQL endpoint accepts bodies
    /// big enough for both).
    #[arg(long, env = "LP_MAX_REPORT_BYTES", default_value_t = 10 * 1_048_576, global = true)]
    pub max_report_bytes: usize,

    /// Longest a GraphQL request may run, in seconds; it is then stopped (nothing it was
    /// writing is kept) and answered with the code TIMEOUT.
    #[arg(
        long,
        env = "LP_REQUEST_TIMEOUT_SECS",
        default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..=3600),
        global = true
    )]
    pub request_timeout_secs: u64,

    /// Sign-in attempts that may fail per account within the throttle window.
    #[arg(
        long,
        env = "LP_SIGN_IN_ACCOUNT_LIMIT",
        default_value_t = 5,
        global = true
    )]
    pub sign_in_account_limit: u64,

    /// Sign-in attempts that may fail per client address within the throttle window.
    #[arg(
        long,
        env = "LP_SIGN_IN_ADDRESS_LIMIT",
        default_value_t = 20,
        global = true
    )]
    pub sign_in_address_limit: u64,

    /// Reverse proxies whose `X-Forwarded-For` is believed, as addresses or CIDR blocks
    /// separated by commas (`10.0.0.0/8,127.0.0.1`). A request from one of them is taken to
    /// come from the rightmost forwarded address that is not itself trusted; the sign-in
    /// throttle and the audit log see that address. None by default: the TCP peer is the
    /// client, and `X-Forwarded-For` is ignored.
    #[arg(long, env = "LP_TRUSTED_PROXIES", value_delimiter = ',', global = true)]
    pub trusted_proxies: Vec<crate::client_addr::IpRange>,

    /// How many days before an action's target date its owner is reminded that it is due.
    #[arg(
        long,
        env = "LP_REMINDER_DAYS",
        default_value_t = shared::actions::DEFAULT_REMINDER_DAYS,
        value_parser = clap::value_parser!(i64).range(0..=365),
        global = true
    )]
    pub reminder_days: i64,

    /// How often the reminder job runs, in seconds (0: never, in this instance).
    #[arg(
        long,
        env = "LP_REMINDER_INTERVAL_SECS",
        default_value_t = 900,
        global = true
    )]
    pub reminder_interval_secs: u64,

    /// How often this instance checks whether today's retention run has happened, in
    /// seconds (0: never, in this instance). The first instance to check on a (UTC) day runs
    /// it; the others find it claimed.
    #[arg(
        long,
        env = "LP_RETENTION_CHECK_SECS",
        default_value_t = 3600,
        global = true
    )]
    pub retention_check_secs: u64,

    /// SMTP relay reminders and password reset links are emailed through,
    /// `smtp://[user:password@]host[:port]` (plain SMTP, e.g. a local relay); without it,
    /// reminders are only shown in the app and the business office sets new passwords.
    #[arg(long, env = "LP_SMTP_URL", global = true)]
    pub smtp_url: Option<String>,

    /// The From address of emails (needed with --smtp-url).
    #[arg(long, env = "LP_SMTP_FROM", global = true)]
    pub smtp_from: Option<String>,

    /// Serve `/metrics` (Prometheus text format) on this address of its own, without a
    /// credential: bind it to loopback or a private network only. Off unless given.
    #[arg(long, env = "LP_METRICS_BIND", global = true)]
    pub metrics_bind: Option<SocketAddr>,

    /// Serve `/metrics` on the main port too, to requests with `Authorization: Bearer
    /// <token>` (16 characters or more). Without it, `/metrics` on the main port is 404.
    #[arg(
        long,
        env = "LP_METRICS_TOKEN",
        hide_env_values = true,
        value_parser = metrics_token,
        global = true
    )]
    pub metrics_token: Option<String>,

    /// Send traces (a span per GraphQL operation and per database statement) to this
    /// OpenTelemetry collector over OTLP/HTTP (JSON), e.g. `http://127.0.0.1:4318`.
    #[arg(long, env = "LP_OTLP_ENDPOINT", value_parser = otlp_endpoint, global = true)]
    pub otlp_endpoint: Option<String>,

    /// The partnership's name, on the public pages and on the learning summary's document
    /// and workshop slides.
    #[arg(
        long,
        env = "LP_PARTNERSHIP_NAME",
        default_value = "Safeguarding Children Partnership",
        global = true
    )]
    pub partnership_name: String,

    /// Subject access export: most rows read for one export (chronology entries,
    /// annotations, summary fields and comments, learning points, recommendations, actions,
    /// their updates and audit log entries together); a review holding more is refused.
    #[arg(
        long,
        env = "LP_SUBJECT_ACCESS_MAX_ROWS",
        default_value_t = 200_000,
        value_parser = clap::builder::TypedValueParser::map(clap::value_parser!(u32).range(1..), |n| n as usize),
        global = true
    )]
    pub subject_access_max_rows: usize,

    /// Subject access export: most bytes of text read and searched for one export.
    #[arg(
        long,
        env = "LP_SUBJECT_ACCESS_MAX_BYTES",
        default_value_t = 32 * 1_048_576,
        global = true
    )]
    pub subject_access_max_bytes: usize,

    /// Subject access export: largest ZIP handed out, in bytes (sent base64-encoded, a
    /// third larger).
    #[arg(
        long,
        env = "LP_SUBJECT_ACCESS_MAX_ZIP_BYTES",
        default_value_t = 20 * 1_048_576,
        global = true
    )]
    pub subject_access_max_zip_bytes: usize,
}

fn metrics_token(s: &str) -> Result<String, String> {
    if s.chars().count() < 16 {
        return Err("the metrics token must be 16 characters or more".into());
    }
    Ok(s.to_owned())
}

fn otlp_endpoint(s: &str) -> Result<String, String> {
    crate::traces::check_endpoint(s).map(|()| s.to_owned())
}

impl Config {
    /// The scheme://host[:port] of the public URL, as browsers send it in `Origin`.
    pub fn public_origin(&self) -> String {
        let url = self.public_url.trim_end_matches('/');
        match url.find("://") {
            Some(i) => match url[i + 3..].find('/') {
                Some(j) => url[..i + 3 + j].to_string(),
                None => url.to_string(),
            },
            None => url.to_string(),
        }
    }

    /// The body limit of the GraphQL endpoint: room for one base64-encoded upload (a
    /// chronology file, or a final report with its plain text).
    pub fn graphql_body_limit(&self) -> usize {
        let report = self.max_report_bytes / 3 * 4 + REPORT_TEXT_ROOM.min(self.max_report_bytes);
        self.max_body_bytes
            .max(self.max_upload_bytes / 3 * 4 + 65_536)
            .max(report + 65_536)
    }

    /// How long a GraphQL request may run.
    pub fn request_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.request_timeout_secs)
    }

    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    pub fn session_cookie_name(&self) -> &'static str {
        if self.is_https() {
            "__Host-lp_session"
        } else {
            "lp_session"
        }
    }

    /// Whether an `Origin` header names this site. A loopback public URL accepts both
    /// loopback names (127.0.0.1 and localhost) on the same port.
    pub fn origin_allowed(&self, origin: &str) -> bool {
        let expected = self.public_origin();
        let normalise = |s: &str| s.replacen("://localhost", "://127.0.0.1", 1);
        origin == expected
            || (normalise(&expected).contains("://127.0.0.1")
                && normalise(origin) == normalise(&expected))
    }

    /// The configuration as it may be logged (no credentials from the database URL).
    pub fn redacted_database_url(&self) -> String {
        match (self.database_url.find("://"), self.database_url.rfind('@')) {
            (Some(scheme), Some(at)) if at > scheme => {
                format!(
                    "{}://***{}",
                    &self.database_url[..scheme],
                    &self.database_url[at..]
                )
            }
            _ => self.database_url.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        config: Config,
    }

    fn config(args: &[&str]) -> Config {
        let mut all = vec!["test"];
        all.extend_from_slice(args);
        Cli::parse_from(all).config
    }

    #[test]
    fn origins() {
        let c = config(&["--public-url", "http://127.0.0.1:8080/"]);
        assert_eq!(c.public_origin(), "http://127.0.0.1:8080");
        assert!(c.origin_allowed("http://127.0.0.1:8080"));
        assert!(c.origin_allowed("http://localhost:8080"));
        assert!(!c.origin_allowed("http://localhost:8081"));
        assert!(!c.origin_allowed("http://evil.example"));
        let c = config(&["--public-url", "https://reviews.example.org/app"]);
        assert_eq!(c.public_origin(), "https://reviews.example.org");
        assert!(!c.origin_allowed("http://reviews.example.org"));
        assert_eq!(c.session_cookie_name(), "__Host-lp_session");
    }

    #[test]
    fn database_credentials_are_not_logged() {
        let c = config(&["--database-url", "postgres://app:secret@db/lp"]);
        assert_eq!(c.redacted_database_url(), "postgres://***@db/lp");
    }

    #[test]
    fn trusted_proxies() {
        assert!(config(&[]).trusted_proxies.is_empty(), "none by default");
        let c = config(&["--trusted-proxies", "10.0.0.0/8,127.0.0.1,fd00::/8"]);
        assert_eq!(c.trusted_proxies.len(), 3);
        assert!(c.trusted_proxies[1].contains("127.0.0.1".parse().expect("ip")));
        assert!(
            Cli::try_parse_from(["test", "--trusted-proxies", "10.0.0.0/40"]).is_err(),
            "a bad range is refused"
        );
    }
}
