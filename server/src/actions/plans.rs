//! The plans of learning that does not come from a case review (`shared::actions::plans`):
//! a year's actions from one source are the plan of a review of the source's own kind,
//! made when the year's first action is planned. Section 11, the performance dataset's hot
//! spots and child death review learning each plan their actions through
//! [`plan_from_source`], so they are numbered, kept and read as every other action.

use crate::actions::service::{insert_action, insert_learning, visible_views, ActionView};
use crate::context::RequestContext;
use crate::entities::{action, review};
use crate::error::{AppError, AppResult};
use crate::reviews::service::ReviewInput;
use chrono::NaiveDate;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use shared::actions::plans::{Plan, MAX_ACTIONS_PER_SOURCE};
use shared::actions::{ActionDraft, LearningPointDraft};
use shared::auth::Actor;
use std::future::Future;

/// The partnership's own timetable: no statutory clock (seeded by the case audits'
/// migration).
const LOCAL_REGIME: &str = "local";

/// The review that holds `plan`'s actions of `year`, made the first time it is needed
/// (once, however many people plan their first action at the same moment).
async fn year_plan<C: ConnectionTrait>(
    txn: &C,
    plan: Plan,
    year: i32,
    today: NaiveDate,
) -> AppResult<review::Model> {
    let reference = plan.reference(year);
    let find = || review::Entity::find().filter(review::Column::Reference.eq(reference.clone()));
    if find().one(txn).await?.is_none() {
        let row = crate::reviews::service::new_row(&ReviewInput {
            draft: plan.draft(year, today),
            regime_id: LOCAL_REGIME.to_owned(),
            agency_ids: Vec::new(),
            members: Vec::new(),
        });
        review::Entity::insert(row)
            .on_conflict(
                OnConflict::column(review::Column::Reference)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
    }
    let found = find().one(txn).await?.ok_or(AppError::NotFound("Plan"))?;
    if found.kind != plan.kind().code() {
        return Err(AppError::Conflict(format!(
            "The review {reference} is a case review, so the actions of {} {year} cannot be numbered from that reference. Give that review another reference first.",
            plan.source()
        )));
    }
    Ok(found)
}

/// The actions `ids` planned from one source that `actor` sees (by the action plan's
/// rules), in the order planned.
pub(crate) async fn planned_views<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    ids: Vec<String>,
    today: NaiveDate,
) -> AppResult<Vec<ActionView>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let query = action::Entity::find()
        .filter(action::Column::Id.is_in(ids))
        .order_by_asc(action::Column::CreatedAt)
        .order_by_asc(action::Column::Reference);
    visible_views(db, actor, query, today).await
}

/// Writes the checked action `draft`, planned from one source (a standard of a Section 11
/// assessment, a hot spot, a child death record), into `plan`'s plan of `year` (made if
/// need be), in `txn`, once the caller has locked and checked the source, and links it to
/// the source (`link`, given the action's id). Refused on `field` once the source has
/// [`MAX_ACTIONS_PER_SOURCE`] (`earlier`: the ids of the actions already planned from it;
/// `per` says per what). The action answers the learning point those answer, or, the
/// source's first, a new one with its recommendation (`learning`, awaited only then). The
/// caller finishes the action (history, audit row, commit).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn plan_from_source<C, A>(
    txn: &C,
    rc: &RequestContext,
    created_by: &str,
    (plan, year): (Plan, i32),
    (field, per): (&str, &str),
    earlier: Vec<String>,
    draft: ActionDraft,
    today: NaiveDate,
    learning: impl Future<Output = AppResult<(LearningPointDraft, String)>>,
    link: impl FnOnce(String) -> A,
) -> AppResult<action::Model>
where
    C: ConnectionTrait,
    A: ActiveModelTrait + Send,
{
    if earlier.len() >= MAX_ACTIONS_PER_SOURCE {
        return Err(AppError::validation(
            field,
            format!("at most {MAX_ACTIONS_PER_SOURCE} actions are planned {per}"),
        ));
    }
    let review = year_plan(txn, plan, year, today).await?;
    let recommendation_id = match earlier.into_iter().next() {
        Some(first) => action::Entity::find_by_id(first)
            .select_only()
            .column(action::Column::RecommendationId)
            .into_tuple::<String>()
            .one(txn)
            .await?
            .ok_or(AppError::NotFound("Action"))?,
        None => {
            let (point, recommendation) = learning.await?;
            insert_learning(txn, rc, created_by, &review.id, point, &recommendation)
                .await?
                .id
        }
    };
    let saved = insert_action(txn, created_by, &review.id, &recommendation_id, draft).await?;
    A::Entity::insert(link(saved.id.clone()))
        .exec_without_returning(txn)
        .await?;
    Ok(saved)
}
