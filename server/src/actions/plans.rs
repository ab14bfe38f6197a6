//! The plans of learning that does not come from a case review (`shared::actions::plans`):
//! a year's actions from one source are the plan of a review of the source's own kind,
//! made when the year's first action is planned. Section 11, the performance dataset's hot
//! spots and child death review learning each plan their actions through
//! [`add_to_plan`], so they are numbered, kept and read as every other action.

use crate::actions::service::{
    checked_action, insert_action, insert_learning, visible_views, ActionView,
};
use crate::context::RequestContext;
use crate::entities::{action, review};
use crate::error::{AppError, AppResult};
use crate::reviews::service::ReviewInput;
use chrono::NaiveDate;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use shared::actions::plans::{Plan, MAX_ACTIONS_PER_SOURCE};
use shared::actions::{ActionDraft, LearningPointDraft};
use shared::auth::Actor;

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

/// Which learning point a new action answers.
pub(crate) enum Under {
    /// The one an earlier action from the same source answers (its id).
    Earlier(String),
    /// A new one, with the recommendation its actions share: the source's first action.
    New(LearningPointDraft, String),
}

/// Writes the checked action `draft` into `plan`'s plan of `year` (made if need be) under
/// the learning point `under`. The caller has checked who may, links the action to its
/// source and finishes it (history, audit row, commit).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn add_to_plan<C: ConnectionTrait>(
    txn: &C,
    rc: &RequestContext,
    created_by: &str,
    plan: Plan,
    year: i32,
    under: Under,
    draft: ActionDraft,
    today: NaiveDate,
) -> AppResult<action::Model> {
    let review = year_plan(txn, plan, year, today).await?;
    let recommendation_id = match under {
        Under::Earlier(action_id) => action::Entity::find_by_id(action_id)
            .select_only()
            .column(action::Column::RecommendationId)
            .into_tuple::<String>()
            .one(txn)
            .await?
            .ok_or(AppError::NotFound("Action"))?,
        Under::New(point, recommendation) => {
            insert_learning(txn, rc, created_by, &review.id, point, &recommendation)
                .await?
                .id
        }
    };
    insert_action(txn, created_by, &review.id, &recommendation_id, draft).await
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

/// Plans the action `draft` from one source (a hot spot, a child death record) into
/// `plan`'s plan of `year`, in `txn`, once the caller has locked and checked the source:
/// refused on `field` once the source has [`MAX_ACTIONS_PER_SOURCE`] (`earlier`: the ids of
/// the actions already planned from it); under the learning point those answer, or a new
/// one `learning()` makes for the first. The caller links the action to its source and
/// finishes it.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn plan_from_source<C: ConnectionTrait>(
    txn: &C,
    rc: &RequestContext,
    created_by: &str,
    (plan, year): (Plan, i32),
    (field, source): (&str, &str),
    earlier: Vec<String>,
    draft: ActionDraft,
    today: NaiveDate,
    learning: impl FnOnce() -> (LearningPointDraft, String),
) -> AppResult<action::Model> {
    if earlier.len() >= MAX_ACTIONS_PER_SOURCE {
        return Err(AppError::validation(
            field,
            format!("at most {MAX_ACTIONS_PER_SOURCE} actions are planned from one {source}"),
        ));
    }
    let draft = checked_action(txn, draft, today).await?;
    let under = match earlier.into_iter().next() {
        Some(first) => Under::Earlier(first),
        None => {
            let (point, recommendation) = learning();
            Under::New(point, recommendation)
        }
    };
    add_to_plan(txn, rc, created_by, plan, year, under, draft, today).await
}
