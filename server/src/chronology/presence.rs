//! Who has a review's chronology open: each live connection (a `reviewChanged`
//! subscription) is a row, refreshed while it lives and deleted when it ends. Rows live in
//! the database so every instance behind the load balancer sees every viewer; a row whose
//! instance died stops counting once it is older than [`STALE_AFTER`].

use crate::context::RequestContext;
use crate::entities::{agency, app_user, review_presence};
use crate::error::AppResult;
use crate::events::ChangeKind;
use crate::state::AppState;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use std::time::Duration;

/// How often a live connection tells the database it is still there.
const HEARTBEAT: Duration = Duration::from_secs(20);
/// A connection not heard from for this long is gone.
const STALE_AFTER: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// Someone with the review open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: String,
    pub name: String,
    pub agency_prefix: Option<String>,
}

/// Holds one connection's presence; dropping it (the subscription ended) removes it.
pub struct Presence {
    id: String,
    review_id: String,
    state: AppState,
    rc: RequestContext,
    heartbeat: tokio::task::JoinHandle<()>,
}

impl Drop for Presence {
    fn drop(&mut self) {
        self.heartbeat.abort();
        let (state, rc) = (self.state.clone(), self.rc.clone());
        let (id, review_id) = (self.id.clone(), self.review_id.clone());
        tokio::spawn(async move {
            let gone = review_presence::Entity::delete_by_id(id)
                .exec(&state.db)
                .await;
            if let Err(e) = gone {
                tracing::warn!(error = %e, "removing a presence failed");
            }
            state
                .changed(&rc, &review_id, ChangeKind::Presence, None)
                .await;
        });
    }
}

/// Records that the person opened the review (the caller checked they may see it).
pub async fn arrive(state: &AppState, rc: &RequestContext, review_id: &str) -> AppResult<Presence> {
    let actor = rc.actor()?;
    // Rows left by an instance that stopped without closing its connections.
    review_presence::Entity::delete_many()
        .filter(review_presence::Column::ReviewId.eq(review_id))
        .filter(review_presence::Column::SeenAt.lt(Utc::now() - STALE_AFTER * 10))
        .exec(&state.db)
        .await?;
    let id = uuid::Uuid::new_v4().to_string();
    review_presence::ActiveModel {
        id: Set(id.clone()),
        review_id: Set(review_id.to_owned()),
        user_id: Set(actor.user_id.clone()),
        seen_at: Set(crate::db::now()),
    }
    .insert(&state.db)
    .await?;
    state
        .changed(rc, review_id, ChangeKind::Presence, None)
        .await;
    let db = state.db.clone();
    let beat_id = id.clone();
    let heartbeat = tokio::spawn(async move {
        let mut every = tokio::time::interval(HEARTBEAT);
        every.tick().await;
        loop {
            every.tick().await;
            let seen = review_presence::ActiveModel {
                id: Set(beat_id.clone()),
                seen_at: Set(crate::db::now()),
                ..Default::default()
            }
            .update(&db)
            .await;
            if let Err(e) = seen {
                tracing::warn!(error = %e, "refreshing a presence failed");
            }
        }
    });
    Ok(Presence {
        id,
        review_id: review_id.to_owned(),
        state: state.clone(),
        rc: rc.clone(),
        heartbeat,
    })
}

/// Everyone with the review open now, each person once, by name.
pub async fn viewers(state: &AppState, review_id: &str) -> AppResult<Vec<Viewer>> {
    let since = Utc::now() - STALE_AFTER;
    let rows = review_presence::Entity::find()
        .filter(review_presence::Column::ReviewId.eq(review_id))
        .filter(review_presence::Column::SeenAt.gt(since))
        .all(&state.db)
        .await?;
    let mut ids: Vec<String> = rows.into_iter().map(|r| r.user_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let users = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(ids))
        .all(&state.db)
        .await?;
    let agencies = agency::Entity::find()
        .filter(agency::Column::Id.is_in(users.iter().filter_map(|u| u.agency_id.clone())))
        .all(&state.db)
        .await?;
    let mut out: Vec<Viewer> = users
        .into_iter()
        .map(|u| Viewer {
            agency_prefix: u
                .agency_id
                .as_ref()
                .and_then(|id| agencies.iter().find(|a| &a.id == id))
                .map(|a| a.prefix.clone()),
            user_id: u.id,
            name: u.display_name,
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}
