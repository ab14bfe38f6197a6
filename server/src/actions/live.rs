//! Live updates of actions: every change to an action the caller may see.

use crate::events::{Change, ChangeKind};
use crate::graphql::{parts, IntoGql};
use async_graphql::{Context, SimpleObject, ID};
use futures_util::StreamExt;

/// An action was added or changed (ids only: re-read what you show), or RESYNC (no ids):
/// changes may have been missed, re-read everything.
#[derive(SimpleObject, Clone)]
pub struct ActionChange {
    /// Null on RESYNC.
    pub action_id: Option<ID>,
    /// Null on RESYNC.
    pub review_id: Option<ID>,
    pub kind: ChangeKind,
}

#[derive(Default)]
pub struct ActionSubscription;

#[async_graphql::Subscription]
impl ActionSubscription {
    /// Every change to an action the caller may see (edits, progress, RAG, referrals);
    /// RESYNC when changes may have been missed. Re-read what you show when one arrives.
    async fn action_changed(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl futures_util::Stream<Item = ActionChange>> {
        let (state, rc) = parts(ctx)?;
        let actor = rc.actor().gql(rc)?.clone();
        let db = state.db.clone();
        let stream = state.events.changes().filter_map(move |change: Change| {
            let db = db.clone();
            let actor = actor.clone();
            async move {
                match change.kind {
                    ChangeKind::Resync => Some(ActionChange {
                        action_id: None,
                        review_id: None,
                        kind: ChangeKind::Resync,
                    }),
                    ChangeKind::Action => {
                        let id = change.object_id?;
                        // A failed check hides the event: better stale than leaking.
                        let seen = super::service::may_see_action(&db, &actor, &id)
                            .await
                            .unwrap_or(false);
                        seen.then_some(ActionChange {
                            action_id: Some(ID(id)),
                            review_id: Some(ID(change.review_id)),
                            kind: change.kind,
                        })
                    }
                    _ => None,
                }
            }
        });
        Ok(stream)
    }
}
