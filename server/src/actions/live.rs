//! Live updates of actions: every change to an action the caller may see.

use crate::events::{Change, ChangeKind};
use crate::graphql::{parts, IntoGql};
use async_graphql::{Context, SimpleObject, ID};
use futures_util::StreamExt;
use tokio::sync::broadcast::error::RecvError;

/// An action was added or changed (ids only: re-read what you show).
#[derive(SimpleObject, Clone)]
pub struct ActionChange {
    pub action_id: ID,
    pub review_id: ID,
    pub kind: ChangeKind,
}

#[derive(Default)]
pub struct ActionSubscription;

#[async_graphql::Subscription]
impl ActionSubscription {
    /// Every change to an action the caller may see (edits, progress, RAG, referrals).
    async fn action_changed(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl futures_util::Stream<Item = ActionChange>> {
        let (state, rc) = parts(ctx)?;
        let actor = rc.actor().gql(rc)?.clone();
        let db = state.db.clone();
        let receiver = state.events.subscribe();
        let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
            loop {
                match receiver.recv().await {
                    Ok(change) => return Some((change, receiver)),
                    // Missed changes are hints only: carry on with the next.
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => return None,
                }
            }
        })
        .filter_map(move |change: Change| {
            let db = db.clone();
            let actor = actor.clone();
            async move {
                if change.kind != ChangeKind::Action {
                    return None;
                }
                let id = change.object_id?;
                // A failed check hides the event: better stale than leaking.
                let seen = super::service::may_see_action(&db, &actor, &id)
                    .await
                    .unwrap_or(false);
                seen.then_some(ActionChange {
                    action_id: ID(id),
                    review_id: ID(change.review_id),
                    kind: change.kind,
                })
            }
        });
        Ok(stream)
    }
}
