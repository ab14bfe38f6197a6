//! Actions planned from a child death review record's learning (the business office). They
//! join the action plan as the plan of the reporting year's review `CDOP-<year>`
//! (`shared::actions::plans`), one learning point per record carrying what the panel
//! learned and never the case number; `child_death_action` says which record each answers.

use super::{one, RECORD};
use crate::actions::plans::{plan_from_source, planned_views};
use crate::actions::service::{checked_action, finish_action, ActionView};
use crate::audit_log::{self, Event};
use crate::context::RequestContext;
use crate::db::begin_write;
use crate::entities::{child_death_action as link, child_death_review as record};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use chrono::NaiveDate;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use shared::actions::plans::{death_learning, DeathLearning, Plan};
use shared::actions::ActionDraft;
use shared::auth::Actor;
use shared::child_deaths::{READERS, WRITERS};
use std::collections::HashMap;

/// The actions planned from the record `id` that the person sees (by the action plan's
/// rules), in the order planned. Only the record's readers ask.
pub async fn planned(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
) -> AppResult<Vec<ActionView>> {
    let actor = rc.require_any(READERS)?;
    let mut by = by_record(&state.db, actor, vec![id.to_owned()], state.today()).await?;
    Ok(by.remove(id).unwrap_or_default())
}

/// The actions planned from each of the records `ids` that `actor` sees, in the order
/// planned, by record: one query for the links and one for the actions, however many
/// records a year has.
pub(crate) async fn by_record<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    ids: Vec<String>,
    today: NaiveDate,
) -> AppResult<HashMap<String, Vec<ActionView>>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let links: HashMap<String, String> = link::Entity::find()
        .filter(link::Column::RecordId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.action_id, l.record_id))
        .collect();
    let mut out: HashMap<String, Vec<ActionView>> = HashMap::new();
    for view in planned_views(db, actor, links.keys().cloned().collect(), today).await? {
        if let Some(record) = links.get(&view.action.id) {
            out.entry(record.clone()).or_default().push(view);
        }
    }
    Ok(out)
}

/// Plans an action from the record `id` into its reporting year's plan, under the
/// record's learning point (made with its first action).
pub async fn plan_action(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    draft: ActionDraft,
) -> AppResult<ActionView> {
    let actor = rc.require_any(WRITERS)?;
    let today = state.today();
    let txn = begin_write(&state.db).await?;
    // Locked (PostgreSQL) or the whole database is (SQLite), so two first actions from
    // one record share one learning point.
    record::Entity::find_by_id(id.to_owned())
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound(RECORD))?;
    let view = one(&txn, id).await?;
    let earlier: Vec<String> = link::Entity::find()
        .filter(link::Column::RecordId.eq(id.to_owned()))
        .order_by_asc(link::Column::ActionId)
        .select_only()
        .column(link::Column::ActionId)
        .into_tuple()
        .all(&txn)
        .await?;
    let draft = checked_action(&txn, draft, today).await?;
    let learning = death_learning(&DeathLearning {
        reporting_year: view.row.reporting_year,
        panel_date: view.row.panel_date,
        category: view.category,
        modifiability: view.modifiability,
        modifiable_factors: &view.row.modifiable_factors,
        learning: &view.row.learning,
    });
    let saved = plan_from_source(
        &txn,
        rc,
        &actor.user_id,
        (Plan::ChildDeaths, view.row.reporting_year),
        ("recordId", "from one record"),
        earlier,
        draft,
        today,
        async { Ok(learning) },
        |action_id| link::ActiveModel {
            action_id: Set(action_id),
            record_id: Set(id.to_owned()),
        },
    )
    .await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("child_death_review.action.plan", "child_death_review", id),
    )
    .await?;
    finish_action(state, rc, txn, saved, "create").await
}
