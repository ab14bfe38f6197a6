//! Live updates. A committed change publishes a small event (ids only, never case content):
//! in process on SQLite; through PostgreSQL's NOTIFY on PostgreSQL, where one listener per
//! instance feeds every instance's subscribers. Events are hints: a client that receives
//! one re-reads what it shows, so an event lost while a listener reconnects costs at most a
//! stale view until the next change (and the listener's reconnect announces a resync).

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

const CHANNEL: &str = "lp_changes";
/// Carries [`AccessChange`]s between instances (the payload is a person's id).
const ACCESS_CHANNEL: &str = "lp_access";

/// What changed on a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum)]
pub enum ChangeKind {
    Review,
    Return,
    Entry,
    Duplicates,
    Annotation,
    Settings,
    /// A term of the review's glossary was added or removed.
    Glossary,
    /// Someone opened or closed the review's chronology.
    Presence,
    /// A learning point or recommendation of the review was added or changed.
    LearningPoint,
    /// An action of the review was added or changed (edited, progress, RAG, referral).
    Action,
    /// The review's learning summary was started, edited, commented on or moved.
    LearningSummary,
    /// A background chronology import moved on (its id is the object); only
    /// `chronologyImportJobChanged` passes these on.
    ImportJob,
    /// The live connection was interrupted: re-read everything.
    Resync,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub review_id: String,
    pub kind: ChangeKind,
    pub object_id: Option<String>,
    pub actor_id: Option<String>,
}

impl Change {
    /// "Re-read everything": changes may have been missed.
    pub fn resync() -> Self {
        Self {
            review_id: String::new(),
            kind: ChangeKind::Resync,
            object_id: None,
            actor_id: None,
        }
    }
}

/// The changes a receiver gets, as every subscription reads them (the one live-update
/// contract): a subscriber that fell behind, whose missed changes the bus dropped, gets one
/// RESYNC in their place, as everyone does when the listener between instances reconnects;
/// the stream ends when the bus does.
fn changes(
    receiver: broadcast::Receiver<Change>,
) -> impl futures_util::Stream<Item = Change> + Send + 'static {
    futures_util::stream::unfold(receiver, |mut receiver| async move {
        match receiver.recv().await {
            Ok(change) => Some((change, receiver)),
            Err(broadcast::error::RecvError::Lagged(missed)) => {
                tracing::debug!(missed, "a subscriber fell behind: resync");
                Some((Change::resync(), receiver))
            }
            Err(broadcast::error::RecvError::Closed) => None,
        }
    })
}

/// Someone's access may have changed (signed out, deactivated, roles changed): their live
/// connections check who they serve before sending anything more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessChange {
    /// This person's.
    Person(String),
    /// Everyone's (notifications may have been missed while the listener reconnected).
    Everyone,
}

#[derive(Clone)]
pub struct Events {
    sender: broadcast::Sender<Change>,
    access: broadcast::Sender<AccessChange>,
    db: DatabaseConnection,
}

impl Events {
    /// Starts the bus; on PostgreSQL also the listener that feeds it.
    pub fn start(db: DatabaseConnection) -> Self {
        let (sender, _) = broadcast::channel(1024);
        let (access, _) = broadcast::channel(256);
        let events = Self { sender, access, db };
        if events.db.get_database_backend() == DbBackend::Postgres {
            tokio::spawn(listen(
                events.db.clone(),
                events.sender.clone(),
                events.access.clone(),
            ));
        }
        events
    }

    /// Every change from now on (see [`changes`]): subscribed at once, so nothing published
    /// after this call is missed, even before the stream is first polled.
    pub fn changes(&self) -> impl futures_util::Stream<Item = Change> + Send + 'static {
        changes(self.sender.subscribe())
    }

    pub fn subscribe_access(&self) -> broadcast::Receiver<AccessChange> {
        self.access.subscribe()
    }

    /// Tells every instance that `user_id`'s access may have changed. Call after the commit.
    /// Live connections still re-check on their own within seconds if this is lost.
    pub async fn access_changed(&self, user_id: &str) {
        match self.db.get_database_backend() {
            DbBackend::Postgres => self.notify(ACCESS_CHANNEL, user_id.to_owned()).await,
            _ => {
                let _ = self.access.send(AccessChange::Person(user_id.to_owned()));
            }
        }
    }

    /// Publishes a change after its transaction committed. Failing to publish never fails
    /// the change itself.
    pub async fn publish(&self, change: Change) {
        match self.db.get_database_backend() {
            DbBackend::Postgres => match serde_json::to_string(&change) {
                Ok(payload) => self.notify(CHANNEL, payload).await,
                Err(e) => tracing::warn!(error = %e, "encoding a change failed"),
            },
            _ => {
                // No receivers is not an error: nobody is watching.
                let _ = self.sender.send(change);
            }
        }
    }

    /// Sends `payload` on a PostgreSQL channel to every instance's listener; a failure is
    /// logged, never returned.
    async fn notify(&self, channel: &str, payload: String) {
        let sent = self
            .db
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [channel.into(), payload.into()],
            ))
            .await;
        if let Err(e) = sent {
            tracing::warn!(error = %e, channel, "publishing a change failed");
        }
    }
}

async fn listen(
    db: DatabaseConnection,
    sender: broadcast::Sender<Change>,
    access: broadcast::Sender<AccessChange>,
) {
    let pool = db.get_postgres_connection_pool().clone();
    loop {
        let mut listener = match sea_orm::sqlx::postgres::PgListener::connect_with(&pool).await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "change listener cannot connect; retrying");
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                continue;
            }
        };
        if let Err(e) = listener.listen_all([CHANNEL, ACCESS_CHANNEL]).await {
            tracing::warn!(error = %e, "change listener cannot listen; retrying");
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            continue;
        }
        tracing::info!("listening for changes from every instance");
        loop {
            // `try_recv`, not `recv`: `recv` reconnects a lost connection silently, and the
            // notifications sent meanwhile are gone without anyone being told.
            match listener.try_recv().await {
                Ok(Some(note)) if note.channel() == ACCESS_CHANNEL => {
                    let _ = access.send(AccessChange::Person(note.payload().to_owned()));
                }
                Ok(Some(note)) => match serde_json::from_str::<Change>(note.payload()) {
                    Ok(change) => {
                        let _ = sender.send(change);
                    }
                    Err(e) => tracing::warn!(error = %e, "an unreadable change was ignored"),
                },
                Ok(None) => {
                    // The connection was lost; the next call reconnects and listens again.
                    tracing::warn!("change listener lost its connection; reconnecting");
                    let _ = sender.send(Change::resync());
                    let _ = access.send(AccessChange::Everyone);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "change listener lost its connection");
                    // Everyone re-reads: changes may have been missed meanwhile.
                    let _ = sender.send(Change::resync());
                    let _ = access.send(AccessChange::Everyone);
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    fn entry(n: usize) -> Change {
        Change {
            review_id: "r".into(),
            kind: ChangeKind::Entry,
            object_id: Some(n.to_string()),
            actor_id: None,
        }
    }

    #[tokio::test]
    async fn a_subscriber_that_falls_behind_is_told_to_resync() {
        let (sender, receiver) = broadcast::channel(2);
        let stream = changes(receiver);
        for n in 0..5 {
            sender.send(entry(n)).expect("a receiver");
        }
        drop(sender);
        let got: Vec<Change> = stream.collect().await;
        // Three were dropped unread: one RESYNC in their place, then the two kept, then the end.
        assert_eq!(got, vec![Change::resync(), entry(3), entry(4)]);
    }

    #[tokio::test]
    async fn a_subscriber_that_keeps_up_gets_every_change_in_order() {
        let (sender, receiver) = broadcast::channel(4);
        let stream = changes(receiver);
        for n in 0..3 {
            sender.send(entry(n)).expect("a receiver");
        }
        drop(sender);
        let got: Vec<Change> = stream.collect().await;
        assert_eq!(got, (0..3).map(entry).collect::<Vec<_>>());
    }
}
