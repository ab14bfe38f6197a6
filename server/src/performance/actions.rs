//! Actions planned from a hot spot of the performance dataset, in one step from the
//! indicator (the business office). They join the action plan as the plan of the year's
//! review `PI-<year>` (`shared::actions::plans`), one learning point per indicator and
//! year that says what the chart shows; `indicator_action` says which indicator each
//! answers.

use super::service::get;
use crate::actions::plans::{plan_from_source, planned_views};
use crate::actions::service::{checked_action, finish_action, ActionView};
use crate::audit_log::{self, Event};
use crate::context::RequestContext;
use crate::db::begin_write;
use crate::entities::{indicator, indicator_action};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use chrono::Datelike;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use shared::actions::plans::{hot_spot_learning, Plan};
use shared::actions::ActionDraft;
use shared::auth::Role;

/// Who plans actions from a hot spot: the business office, which keeps the dataset.
const PLANNERS: &[Role] = &[Role::BusinessOffice];

/// The actions planned from the indicator `id` that the person sees (by the action plan's
/// rules), in the order planned.
pub async fn planned(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
) -> AppResult<Vec<ActionView>> {
    let actor = rc.actor()?;
    let ids: Vec<String> = indicator_action::Entity::find()
        .filter(indicator_action::Column::IndicatorId.eq(id.to_owned()))
        .select_only()
        .column(indicator_action::Column::ActionId)
        .into_tuple()
        .all(&state.db)
        .await?;
    planned_views(&state.db, actor, ids, state.today()).await
}

/// Plans an action from the indicator `id`, which must be a hot spot, into this year's
/// plan, under the indicator's learning point of the year (made with its first action).
pub async fn plan_action(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    draft: ActionDraft,
) -> AppResult<ActionView> {
    let actor = rc.require_any(PLANNERS)?;
    let today = state.today();
    let year = today.year();
    let txn = begin_write(&state.db).await?;
    // Locked (PostgreSQL) or the whole database is (SQLite), so two first actions from
    // one hot spot share one learning point.
    indicator::Entity::find_by_id(id.to_owned())
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("Indicator"))?;
    let view = get(&txn, id).await?;
    if !view.is_hot_spot() {
        return Err(AppError::validation(
            "indicatorId",
            "this indicator is not a hot spot: add the action to a review's learning in the action plan instead",
        ));
    }
    let earlier: Vec<String> = indicator_action::Entity::find()
        .filter(indicator_action::Column::IndicatorId.eq(id.to_owned()))
        .filter(indicator_action::Column::Year.eq(year))
        .order_by_asc(indicator_action::Column::ActionId)
        .select_only()
        .column(indicator_action::Column::ActionId)
        .into_tuple()
        .all(&txn)
        .await?;
    let draft = checked_action(&txn, draft, today).await?;
    let learning = hot_spot_learning(year, &view.hot_spot());
    let saved = plan_from_source(
        &txn,
        rc,
        &actor.user_id,
        (Plan::Dataset, year),
        ("indicatorId", "from one hot spot in a year"),
        earlier,
        draft,
        today,
        async { Ok(learning) },
        |action_id| indicator_action::ActiveModel {
            action_id: Set(action_id),
            indicator_id: Set(id.to_owned()),
            year: Set(year),
        },
    )
    .await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("indicator.action.plan", "indicator", id),
    )
    .await?;
    finish_action(state, rc, txn, saved, "create").await
}
