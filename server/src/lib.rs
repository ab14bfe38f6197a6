//! The platform's server: GraphQL API, sessions, authorization, audit log, and the host of
//! the browser app. Organised by what users talk about: one folder per area, each with its
//! `service.rs` (rules that need the database) and `graphql.rs` (the thin API surface).

// The merged GraphQL root (one object per area) nests its parts one inside the next; the
// compiler's default query depth (128) is too shallow for the layout of its resolver once the
// areas passed twenty (a cold CI build refused it).
#![recursion_limit = "256"]

/// mimalloc: much less time in the allocator under concurrent requests than glibc malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod actions;
pub mod agencies;
pub mod annual_report;
pub mod api_tokens;
pub mod app;
pub mod audit_log;
pub mod auth;
pub mod backup;
pub mod build_info;
pub mod case_audits;
pub mod child_deaths;
pub mod chronology;
pub mod client_addr;
pub mod config;
pub mod context;
pub mod db;
pub mod demo;
mod demo_agencies;
pub mod distribution;
pub mod entities;
pub mod error;
pub mod events;
pub mod graphql;
pub mod library;
pub mod live_socket;
pub mod logging;
pub mod mail;
pub mod metrics;
pub mod performance;
pub mod public_pages;
pub mod qa_reports;
pub mod query_limits;
pub mod retention;
pub mod reviews;
pub mod rows;
pub mod section11;
pub mod spreadsheet;
pub mod state;
pub mod subject_access;
pub mod summary;
pub mod traces;
pub mod training;
pub mod users;
pub mod work;
pub mod workbook;

use crate::config::Config;
use crate::state::AppState;
use tokio::net::TcpListener;

/// Connects, migrates and serves until shut down. Returns when the listener closes.
pub async fn serve(
    config: Config,
    listener: TcpListener,
) -> Result<(), Box<dyn std::error::Error>> {
    let db = db::connect(&config.database_url).await?;
    db::migrate(&db).await?;
    let state = AppState::new(db.clone(), config);
    work::notifications::spawn(state.clone());
    chronology::jobs::spawn_sweeper(state.clone());
    retention::spawn(state.clone());
    auth::session_store::DatabaseSessionStore::new(state.db.clone())
        .spawn_cleanup(std::time::Duration::from_secs(600), state.metrics.clone());
    if let Some(addr) = state.config.metrics_bind {
        let metrics = TcpListener::bind(addr).await?;
        tracing::info!(%addr, "metrics served at /metrics");
        let router = app::metrics_router(state.clone());
        tokio::spawn(async move {
            if let Err(e) = axum::serve(metrics, router).await {
                tracing::error!(error = %e, "the metrics listener stopped");
            }
        });
    }
    let schema = graphql::build(Some(state.clone()), state.config.introspection);
    let app = app::router(state, schema);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
