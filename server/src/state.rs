//! Shared server state handed to every request.

use crate::audit_log::{Event, Reads};
use crate::chronology::cache::MergeCache;
use crate::chronology::service::Merged;
use crate::config::Config;
use crate::context::RequestContext;
use crate::error::AppResult;
use crate::events::{Change, ChangeKind, Events};
use crate::metrics::Metrics;
use crate::traces::Tracer;
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tokio::sync::Semaphore;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub events: Events,
    /// Reads of review-level data, recorded in the audit log with group commit.
    pub reads: Reads,
    /// Uploaded files being read (parsed off the async threads), at most
    /// [`FILE_READERS`] at once: more wait their turn.
    pub file_readers: Arc<Semaphore>,
    /// This server's metrics (`/metrics`).
    pub metrics: Arc<Metrics>,
    /// The last merge of each review's integrated chronology, kept between reads.
    pub merges: Arc<MergeCache<Merged>>,
    /// The trace exporter, when `--otlp-endpoint` is set.
    pub tracer: Option<Tracer>,
}

/// How many uploaded chronology files are read at once.
pub const FILE_READERS: usize = 2;

impl AppState {
    /// State over a connected, migrated database.
    pub fn new(mut db: DatabaseConnection, config: Config) -> Self {
        let metrics = Arc::new(Metrics::new());
        let tracer = config
            .otlp_endpoint
            .as_deref()
            .map(|endpoint| Tracer::start(endpoint, &config.database_url, metrics.clone()));
        // Every statement through this connection (and its clones, transactions included)
        // is timed, and traced under the operation running it.
        let timed = metrics.clone();
        let tracing = tracer.is_some();
        db.set_metric_callback(move |info| {
            timed.observe_db(info.elapsed, info.failed);
            if tracing {
                crate::traces::statement(info);
            }
        });
        let events = Events::start(db.clone());
        let reads = Reads::start(db.clone(), Some(config.database_url.clone()));
        Self {
            reads,
            db,
            config: Arc::new(config),
            events,
            file_readers: Arc::new(Semaphore::new(FILE_READERS)),
            merges: Arc::new(MergeCache::new(metrics.clone())),
            metrics,
            tracer,
        }
    }

    /// Tells everyone watching a review that something changed. Call after the commit.
    pub async fn changed(
        &self,
        rc: &RequestContext,
        review_id: &str,
        kind: ChangeKind,
        object_id: Option<&str>,
    ) {
        self.events
            .publish(Change {
                review_id: review_id.to_owned(),
                kind,
                object_id: object_id.map(str::to_owned),
                actor_id: rc.signed_in.as_ref().map(|s| s.actor.user_id.clone()),
            })
            .await;
    }

    /// Records a read of review-level data in the audit log (answered once committed).
    pub async fn record_read(&self, rc: &RequestContext, event: Event<'_>) -> AppResult<()> {
        self.reads.record(rc, event).await
    }

    /// Today's date, for clocks and date validation.
    pub fn today(&self) -> NaiveDate {
        chrono::Utc::now().date_naive()
    }
}
