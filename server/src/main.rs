//! `learning-platform`: serve the app, migrate, create users, seed demo data, verify the
//! audit log.

use clap::{Parser, Subcommand};
use server::config::{Config, LogFormat};
use server::context::RequestContext;
use server::state::AppState;
use shared::agencies::UserDraft;
use shared::auth::Role;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "learning-platform",
    version = server::build_info::LONG_VERSION,
    about = "Learning and improvement platform for safeguarding children partnerships"
)]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the browser app (the default).
    Serve {
        /// Seed demo data into an empty database, print the demo accounts, and turn on
        /// introspection.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Create a person (the first business office account, for example).
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Role codes, comma-separated: BUSINESS_OFFICE, INDEPENDENT_CHAIR, AGENCY_LEAD,
        /// AGENCY_REPRESENTATIVE, PRACTITIONER.
        #[arg(long, value_delimiter = ',')]
        roles: Vec<String>,
        /// The person's agency id (required for agency roles).
        #[arg(long)]
        agency_id: Option<String>,
        /// Initial password; read from LP_NEW_PASSWORD when not given.
        #[arg(long, env = "LP_NEW_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// Load the demo partnership into an empty database.
    SeedDemo,
    /// Check the audit log's hash chain and report the first broken link.
    VerifyAuditLog,
    /// Copy the database to a file while the server runs (SQLite: VACUUM INTO; PostgreSQL:
    /// pg_dump -Fc), with its SHA-256, schema version and app version.
    Backup {
        /// The backup file to write.
        #[arg(long, required_unless_present = "to_dir", conflicts_with = "to_dir")]
        to: Option<PathBuf>,
        /// Write `learning-platform-<UTC time>.lpbackup` in this directory instead.
        #[arg(long)]
        to_dir: Option<PathBuf>,
        /// Replace the --to file if it exists.
        #[arg(long, requires = "to")]
        force: bool,
        /// With --to-dir: keep the newest N backups of that name there, deleting older ones.
        #[arg(long, requires = "to_dir", value_parser = clap::value_parser!(u32).range(1..))]
        keep: Option<u32>,
    },
    /// Replace the database with a backup (stop the server first), migrate it to this
    /// release and verify the audit log.
    Restore {
        /// The backup file.
        #[arg(long)]
        from: PathBuf,
    },
}

fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    use tracing_subscriber::util::SubscriberInitExt;
    server::logging::subscriber(format, filter, std::io::stderr).init();
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.config.log_format);
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            tracing::error!(error = %e, "failed");
            ExitCode::FAILURE
        }
    }
}

async fn state(config: &Config) -> Result<AppState, Box<dyn std::error::Error>> {
    let db = server::db::connect(&config.database_url).await?;
    server::db::migrate(&db).await?;
    Ok(AppState::new(db, config.clone()))
}

async fn run(cli: Cli) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let mut config = cli.config;
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => {
            if demo {
                config.introspection = true;
                let state = state(&config).await?;
                if server::demo::seed_if_empty(&state).await? {
                    tracing::info!("demo data loaded");
                }
                print_demo_accounts();
            }
            tracing::info!(
                bind = %config.bind,
                public_url = %config.public_url,
                database = %config.redacted_database_url(),
                static_dir = %config.static_dir.display(),
                introspection = config.introspection,
                metrics_bind = ?config.metrics_bind,
                metrics_token = config.metrics_token.is_some(),
                otlp_endpoint = config.otlp_endpoint.as_deref().unwrap_or("-"),
                "starting"
            );
            let listener = tokio::net::TcpListener::bind(config.bind).await?;
            server::serve(config, listener).await?;
        }
        Command::Migrate => {
            state(&config).await?;
            tracing::info!("migrations applied");
        }
        Command::CreateUser {
            email,
            name,
            roles,
            agency_id,
            password,
        } => {
            let state = state(&config).await?;
            let roles = roles
                .iter()
                .map(|r| Role::from_code(r.trim()).ok_or_else(|| format!("unknown role {r}")))
                .collect::<Result<Vec<_>, _>>()?;
            let draft = UserDraft {
                email,
                display_name: name,
                agency_id,
                roles,
            };
            let rc = RequestContext::system("create-user");
            let user = server::users::service::create(&state, &rc, draft, password).await?;
            tracing::info!(id = %user.id, email = %user.email, "person created");
        }
        Command::SeedDemo => {
            let state = state(&config).await?;
            if server::demo::seed_if_empty(&state).await? {
                print_demo_accounts();
            } else {
                tracing::warn!("the database already has agencies; demo data not loaded");
            }
        }
        Command::VerifyAuditLog => {
            let state = state(&config).await?;
            let report = server::audit_log::verify(&state.db).await?;
            match report.first_broken_id {
                None => tracing::info!(checked = report.checked, "audit log intact"),
                Some(id) => {
                    tracing::error!(
                        checked = report.checked,
                        first_broken_id = id,
                        "audit log chain broken"
                    );
                    return Ok(ExitCode::from(2));
                }
            }
        }
        Command::Backup {
            to,
            to_dir,
            force,
            keep,
        } => {
            let target = match (to, to_dir) {
                (Some(path), _) => server::backup::Target::File { path, force },
                (None, Some(dir)) => server::backup::Target::Dir {
                    dir,
                    keep: keep.map(|k| k as usize),
                },
                (None, None) => return Err("give --to FILE or --to-dir DIR".into()),
            };
            let report = server::backup::backup(&config, target).await?;
            print_backup(&report);
        }
        Command::Restore { from } => {
            let report = server::backup::restore(&config, &from).await?;
            print_restore(&from, &report);
            if !report.audit.intact {
                return Ok(ExitCode::from(2));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[allow(clippy::print_stdout)]
fn print_demo_accounts() {
    // Printed for the person at the terminal, not logged.
    println!(
        "\nDemo sign-in accounts (password for all: {}):",
        server::demo::DEMO_PASSWORD
    );
    for (email, what) in server::demo::DEMO_ACCOUNTS {
        println!("  {email:<28} {what}");
    }
    println!();
}

#[allow(clippy::print_stdout)]
fn print_backup(r: &server::backup::BackupReport) {
    // The result of a command the person ran: printed for them (and for scripts), not logged.
    println!("Backed up with {} to {}", r.method, r.path.display());
    println!(
        "  size      {} bytes ({:.1} MiB)",
        r.bytes,
        r.bytes as f64 / 1_048_576.0
    );
    println!("  sha256    {}", r.manifest.sha256);
    println!("  schema    {}", r.manifest.schema_version);
    println!(
        "  app       {} (commit {})",
        r.manifest.app_version, r.manifest.commit
    );
    println!("  took      {:.2} s", r.elapsed.as_secs_f64());
    for p in &r.pruned {
        println!("  deleted   {} (older than the newest kept)", p.display());
    }
}

#[allow(clippy::print_stdout)]
fn print_restore(from: &std::path::Path, r: &server::backup::RestoreReport) {
    println!(
        "Restored {} (taken {}, schema {}, app {}), checksum verified",
        from.display(),
        r.manifest.created_at,
        r.manifest.schema_version,
        r.manifest.app_version
    );
    println!("  migrated to  {}", r.migrated_to);
    match r.audit.first_broken_id {
        None => println!(
            "  audit log    intact ({} entries checked)",
            r.audit.checked
        ),
        Some(id) => println!(
            "  audit log    BROKEN at entry {id} ({} entries checked before it)",
            r.audit.checked
        ),
    }
    println!("  took         {:.2} s", r.elapsed.as_secs_f64());
}
