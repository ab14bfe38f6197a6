//! Action-plan rules that need the database: learning points (made by hand or from a
//! reviewer's annotation), their recommendations, the actions that answer them with their
//! dated progress updates, RAG overrides and committee referrals, and who sees which.
//!
//! Who may do what comes from `shared::actions::access`; what input may say, overdue and RAG
//! from `shared::actions::{input, rag}`. Every change writes its audit row (and, for an
//! action, a history row) in the same transaction, and tells everyone watching the review
//! after the commit. A learning point or action the person may not see answers exactly like
//! a missing one; one they see but may not change is FORBIDDEN.

use crate::audit_log::{self, Event};
use crate::context::RequestContext;
use crate::db::{begin_write, now, nullable};
use crate::entities::{
    action, action_count, action_history, action_update, agency, annotation, app_user,
    chronology_entry, committee, learning_point, recommendation, review, review_member,
};
use crate::error::{AppError, AppResult};
use crate::events::ChangeKind;
use crate::reviews::service::{find_visible_with_membership, json_list, membership, parse_list};
use crate::state::AppState;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, DbErr,
    EntityTrait, FromQueryResult, IdenStatic, JoinType, PaginatorTrait, QueryFilter, QueryOrder,
    QueryResult, QuerySelect, RelationTrait, Select, Set,
};
use serde::{Deserialize, Serialize};
use shared::actions::{
    access, action_reference, attention_order, derived_rag, effective_rag, group_key,
    input::recommendation_text, is_overdue, overdue_over_time, rag::check_override, ActionDates,
    ActionDraft, ActionFacts, ActionStatus, Attention, FromAnnotation, LearningPointDraft,
    OverduePoint, PersonFacts, ProgressDraft, Rag, RecordedAction, ReferralKind, StatusCounts,
};
use shared::auth::Actor;
use shared::chronology::AnnotationKind;
use shared::reviews::ReviewRole;
use std::collections::{HashMap, HashSet};

const LEARNING_POINT: &str = "Learning point";
const RECOMMENDATION: &str = "Recommendation";
const ACTION: &str = "Action";
const COMMITTEE: &str = "Committee";

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

// ---------------------------------------------------------------------------------------
// What a learning point comes from.

/// Where a learning point's learning comes from (stored as JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Sources {
    pub entry_ids: Vec<String>,
    pub duplicate_group_keys: Vec<String>,
    /// The reviewer's annotation it was made from, in one step.
    pub annotation_id: Option<String>,
}

pub fn sources_of(point: &learning_point::Model) -> Sources {
    serde_json::from_str(&point.sources).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------
// Who sees what.

/// A review the person may see, with their part in it, where they write the plan.
/// Someone who sees the review but does not write its plan is FORBIDDEN.
async fn planned_review<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    review_id: &str,
) -> AppResult<review::Model> {
    let (review, membership) = find_visible_with_membership(db, actor, review_id).await?;
    if !access::keeps_plan(actor, membership) {
        return Err(AppError::Forbidden);
    }
    Ok(review)
}

/// Whether a write reads the row it is about to change under a row lock.
///
/// A change that takes no version from the client (a progress update, a RAG, a referral)
/// bumps the row's version all the same. Read without a lock, two of them on PostgreSQL
/// read the same version, the second waits on the first's row lock, then finds the version
/// moved and answered CONFLICT though nobody asked it to compare. Locked, the second reads
/// the row only after the first commits. A versioned save locks too, so its comparison is
/// with what is committed, and of several stale saves exactly one wins. (On SQLite the
/// write transaction holds the whole database already; the lock clause is left out.)
#[derive(Clone, Copy, PartialEq, Eq)]
enum RowLock {
    None,
    ForUpdate,
}

fn locked<E: EntityTrait>(query: Select<E>, lock: RowLock) -> Select<E> {
    match lock {
        RowLock::None => query,
        RowLock::ForUpdate => query.lock_exclusive(),
    }
}

/// A learning point the person writes (the business office, the review's lead reviewers).
async fn kept_learning_point<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: &str,
    lock: RowLock,
) -> AppResult<(learning_point::Model, review::Model)> {
    let point = locked(learning_point::Entity::find_by_id(id.to_owned()), lock)
        .one(db)
        .await?
        .ok_or(AppError::NotFound(LEARNING_POINT))?;
    let review = planned_review(db, actor, &point.review_id)
        .await
        .map_err(|e| match e {
            AppError::NotFound(_) => AppError::NotFound(LEARNING_POINT),
            other => other,
        })?;
    Ok((point, review))
}

/// An action the person may act on (as `may` says). One they cannot see at all answers as
/// missing; one they see (or whose review they see) but may not act on is FORBIDDEN.
async fn action_for<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: &str,
    may: impl Fn(&Actor, Option<ReviewRole>, &action::Model) -> bool,
) -> AppResult<action::Model> {
    action_read(db, actor, id, RowLock::None, may).await
}

/// An action the person may change (as `may` says), read under a row lock inside the write
/// transaction `txn`: see [`RowLock`].
async fn action_to_change<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    id: &str,
    may: impl Fn(&Actor, Option<ReviewRole>, &action::Model) -> bool,
) -> AppResult<action::Model> {
    action_read(txn, actor, id, RowLock::ForUpdate, may).await
}

async fn action_read<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: &str,
    lock: RowLock,
    may: impl Fn(&Actor, Option<ReviewRole>, &action::Model) -> bool,
) -> AppResult<action::Model> {
    let found = locked(action::Entity::find_by_id(id.to_owned()), lock)
        .one(db)
        .await?
        .ok_or(AppError::NotFound(ACTION))?;
    let membership = membership(db, &found.review_id, &actor.user_id).await?;
    let visible = actor.can_view_review(membership)
        || access::sees_action(actor, membership, &found.owner_agency_id);
    if !visible {
        return Err(AppError::NotFound(ACTION));
    }
    if !may(actor, membership, &found) {
        return Err(AppError::Forbidden);
    }
    Ok(found)
}

/// Whether the person may see the action `id` (as `action` answers it); false when it is
/// gone. Used to filter live events.
pub async fn may_see_action<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: &str,
) -> AppResult<bool> {
    match action_for(db, actor, id, sees).await {
        Ok(_) => Ok(true),
        Err(AppError::NotFound(_) | AppError::Forbidden) => Ok(false),
        Err(e) => Err(e),
    }
}

/// An action the person sees, as `action` answers it (NOT_FOUND otherwise).
pub async fn visible_action<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: &str,
) -> AppResult<action::Model> {
    action_for(db, actor, id, sees).await
}

/// An action whose progress (and evidence of impact) the person reports, read under a row
/// lock in the write transaction `txn`: the owner agency's lead or representative, or the
/// business office.
pub async fn action_to_report_on<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    id: &str,
) -> AppResult<action::Model> {
    action_to_change(txn, actor, id, |actor, _, a| {
        access::reports_progress(actor, &a.owner_agency_id)
    })
    .await
}

fn sees(actor: &Actor, membership: Option<ReviewRole>, a: &action::Model) -> bool {
    access::sees_action(actor, membership, &a.owner_agency_id)
}

fn keeps(actor: &Actor, membership: Option<ReviewRole>, _: &action::Model) -> bool {
    access::keeps_plan(actor, membership)
}

/// The person's part in every review they are a member of.
async fn memberships<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
) -> AppResult<HashMap<String, ReviewRole>> {
    review_member::Entity::find()
        .filter(review_member::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| Ok((m.review_id, crate::db::stored(&m.role)?)))
        .collect()
}

/// What narrows actions to those the person may see (`None`: they see every action). Exact:
/// the same rule as `access::sees_action`, written as SQL, so lists can page in the database.
async fn visibility<C: ConnectionTrait>(db: &C, actor: &Actor) -> AppResult<Option<Condition>> {
    if access::reads_plan(actor, None) {
        return Ok(None);
    }
    let member = memberships(db, &actor.user_id).await?;
    let reviews = member
        .into_iter()
        .filter(|(_, role)| access::reads_plan(actor, Some(*role)))
        .map(|(id, _)| id);
    let mut seen = Condition::any().add(action::Column::ReviewId.is_in(reviews));
    if let Some(agency_id) = &actor.agency_id {
        if access::sees_action(actor, None, agency_id) {
            seen = seen.add(action::Column::OwnerAgencyId.eq(agency_id.clone()));
        }
    }
    Ok(Some(seen))
}

/// The views of the actions of `query` the person may see.
pub(crate) async fn visible_views<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    query: Select<action::Entity>,
    today: NaiveDate,
) -> AppResult<Vec<ActionView>> {
    action_views(db, visible_query(db, actor, query).await?, today).await
}

async fn visible_query<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    query: Select<action::Entity>,
) -> AppResult<Select<action::Entity>> {
    Ok(narrowed(query, visibility(db, actor).await?))
}

/// `query` narrowed to what the person may see (`seen`, from [`visibility`]).
fn narrowed(query: Select<action::Entity>, seen: Option<Condition>) -> Select<action::Entity> {
    match seen {
        Some(seen) => query.filter(seen),
        None => query,
    }
}

// ---------------------------------------------------------------------------------------
// Views.

pub fn status_of(a: &action::Model) -> AppResult<ActionStatus> {
    crate::db::stored(&a.status)
}

/// An action with what is shown beside it, and what is derived today.
#[derive(Debug, Clone)]
pub struct ActionView {
    pub action: action::Model,
    pub review_reference: String,
    pub recommendation_text: String,
    pub learning_point_id: String,
    pub learning_point_title: String,
    /// The learning point's themes.
    pub themes: Vec<String>,
    pub owner_agency: Option<agency::Model>,
    pub owner_person: Option<app_user::Model>,
    pub committee: Option<committee::Model>,
    /// The action's status, read from its stored code.
    pub status: ActionStatus,
    pub overdue: bool,
    /// The RAG shown: the override while the action is open, else the derived one.
    pub rag: Rag,
    pub rag_derived: Rag,
    /// The newest progress update, with its author.
    pub latest_update: Option<UpdateView>,
}

impl ActionView {
    pub fn status(&self) -> ActionStatus {
        self.status
    }

    fn attention(&self) -> Attention {
        Attention {
            status: self.status(),
            overdue: self.overdue,
            rag: self.rag,
            target_on: self.action.target_on,
        }
    }
}

/// An action row with what is shown beside it from its recommendation, learning point and
/// review, read in one statement (see [`action_views`]).
struct ActionRow {
    action: action::Model,
    review_reference: String,
    recommendation_text: String,
    learning_point_id: String,
    learning_point_title: String,
    learning_point_themes: String,
    /// Every action's count (m0012), when the statement was asked for it.
    total: Option<i64>,
    /// The owner agency, joined (`None` only if its row were missing).
    owner_agency: Option<agency::Model>,
}

/// The action's columns in the order a `Select` of actions lists them (its entity's), which
/// [`ActionRow`] reads by position: a column read by name builds the name and looks it up,
/// for every column of every row, a tenth of the server's time on the master plan's page.
/// A test checks the order against the entity.
const ACTION_COLUMNS: [&str; 19] = [
    "id",
    "recommendation_id",
    "review_id",
    "reference",
    "title",
    "owner_agency_id",
    "owner_person_id",
    "target_on",
    "target_date_reason",
    "status",
    "rag_override",
    "rag_override_reason",
    "evidence_of_impact",
    "impact_audit",
    "committee_id",
    "version",
    "created_by",
    "created_at",
    "updated_at",
];

impl FromQueryResult for ActionRow {
    fn from_query_result(row: &QueryResult, _pre: &str) -> Result<Self, DbErr> {
        let action = action::Model {
            id: row.try_get_by_index(0)?,
            recommendation_id: row.try_get_by_index(1)?,
            review_id: row.try_get_by_index(2)?,
            reference: row.try_get_by_index(3)?,
            title: row.try_get_by_index(4)?,
            owner_agency_id: row.try_get_by_index(5)?,
            owner_person_id: nullable(row, 6)?,
            target_on: row.try_get_by_index(7)?,
            target_date_reason: nullable(row, 8)?,
            status: row.try_get_by_index(9)?,
            rag_override: nullable(row, 10)?,
            rag_override_reason: nullable(row, 11)?,
            evidence_of_impact: nullable(row, 12)?,
            impact_audit: nullable(row, 13)?,
            committee_id: nullable(row, 14)?,
            version: row.try_get_by_index(15)?,
            created_by: row.try_get_by_index(16)?,
            created_at: row.try_get_by_index(17)?,
            updated_at: row.try_get_by_index(18)?,
        };
        // The view's columns follow the action's (see `counted_action_views`).
        let view = ACTION_COLUMNS.len();
        Ok(Self {
            action,
            review_reference: row.try_get_by_index(view)?,
            recommendation_text: row.try_get_by_index(view + 1)?,
            learning_point_id: row.try_get_by_index(view + 2)?,
            learning_point_title: row.try_get_by_index(view + 3)?,
            learning_point_themes: row.try_get_by_index(view + 4)?,
            total: nullable(row, view + 5)?,
            owner_agency: owner_agency(row, view + 6)?,
        })
    }
}

/// The owner agency's columns, from `at` on, in the order [`AGENCY_COLUMNS`] lists them
/// (left-joined: all NULL if the agency's row were missing).
fn owner_agency(row: &QueryResult, at: usize) -> Result<Option<agency::Model>, DbErr> {
    let Some(id) = nullable::<String>(row, at)? else {
        return Ok(None);
    };
    Ok(Some(agency::Model {
        id,
        name: row.try_get_by_index(at + 1)?,
        kind: row.try_get_by_index(at + 2)?,
        prefix: row.try_get_by_index(at + 3)?,
        colour: row.try_get_by_index(at + 4)?,
        active: row.try_get_by_index(at + 5)?,
        created_at: row.try_get_by_index(at + 6)?,
        updated_at: row.try_get_by_index(at + 7)?,
    }))
}

/// The agency's columns, as [`owner_agency`] reads them. A test checks them against the
/// entity.
const AGENCY_COLUMNS: [agency::Column; 8] = [
    agency::Column::Id,
    agency::Column::Name,
    agency::Column::Kind,
    agency::Column::Prefix,
    agency::Column::Colour,
    agency::Column::Active,
    agency::Column::CreatedAt,
    agency::Column::UpdatedAt,
];

/// The rows of `E` whose key `column` is one of `ids` (none asked: no query), by key.
async fn by_id<C, E>(
    db: &C,
    column: E::Column,
    ids: HashSet<String>,
    key: impl Fn(&E::Model) -> String,
) -> AppResult<HashMap<String, E::Model>>
where
    C: ConnectionTrait,
    E: EntityTrait,
{
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(E::find()
        .filter(column.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (key(&m), m))
        .collect())
}

/// The views of the actions `query` selects (its filters and order kept): each action with
/// its recommendation, learning point and review in one statement, then the few distinct
/// owner agencies, owners and committees of the page (a query each, none when there are
/// none), rather than the same agency's columns repeated on every row.
pub async fn action_views<C: ConnectionTrait>(
    db: &C,
    query: Select<action::Entity>,
    today: NaiveDate,
) -> AppResult<Vec<ActionView>> {
    Ok(counted_action_views(db, query, today, false).await?.0)
}

/// [`action_views`], with every action's count read in the same statement when `count` is
/// set (`None` when no row came back to carry it).
async fn counted_action_views<C: ConnectionTrait>(
    db: &C,
    query: Select<action::Entity>,
    today: NaiveDate,
    count: bool,
) -> AppResult<(Vec<ActionView>, Option<usize>)> {
    let total = if count {
        "(SELECT actions FROM action_count WHERE id = 1)"
    } else {
        "CAST(NULL AS BIGINT)"
    };
    let query = query
        .join(JoinType::InnerJoin, action::Relation::Recommendation.def())
        .join(
            JoinType::InnerJoin,
            recommendation::Relation::LearningPoint.def(),
        )
        .join(JoinType::InnerJoin, action::Relation::Review.def())
        .column_as(review::Column::Reference, "view_review_reference")
        .column_as(recommendation::Column::Text, "view_recommendation_text")
        .column_as(learning_point::Column::Id, "view_learning_point_id")
        .column_as(learning_point::Column::Title, "view_learning_point_title")
        .column_as(learning_point::Column::Themes, "view_learning_point_themes")
        .column_as(Expr::cust(total), "view_total")
        .join(JoinType::LeftJoin, action::Relation::OwnerAgency.def());
    let query = AGENCY_COLUMNS.iter().fold(query, |query, column| {
        query.column_as(
            Expr::col((agency::Entity, *column)),
            format!("view_agency_{}", column.as_str()),
        )
    });
    let rows = query.into_model::<ActionRow>().all(db).await?;
    let total = rows
        .first()
        .and_then(|r| r.total)
        .map(|n| usize::try_from(n).unwrap_or(0));
    let people = by_id::<_, app_user::Entity>(
        db,
        app_user::Column::Id,
        rows.iter()
            .filter_map(|r| r.action.owner_person_id.clone())
            .collect(),
        |m| m.id.clone(),
    )
    .await?;
    let committees = by_id::<_, committee::Entity>(
        db,
        committee::Column::Id,
        rows.iter()
            .filter_map(|r| r.action.committee_id.clone())
            .collect(),
        |m| m.id.clone(),
    )
    .await?;
    let mut latest = latest_updates(
        db,
        &rows.iter().map(|r| r.action.id.clone()).collect::<Vec<_>>(),
    )
    .await?;
    let views = rows
        .into_iter()
        .map(|row| {
            let a = row.action;
            let status = status_of(&a)?;
            let derived = derived_rag(status, a.created_at.date_naive(), a.target_on, today);
            let overridden = a
                .rag_override
                .as_deref()
                .map(crate::db::stored::<Rag>)
                .transpose()?;
            Ok(ActionView {
                review_reference: row.review_reference,
                recommendation_text: row.recommendation_text,
                learning_point_id: row.learning_point_id,
                learning_point_title: row.learning_point_title,
                themes: parse_list(&row.learning_point_themes),
                owner_agency: row.owner_agency,
                owner_person: a
                    .owner_person_id
                    .as_deref()
                    .and_then(|id| people.get(id).cloned()),
                committee: a
                    .committee_id
                    .as_deref()
                    .and_then(|id| committees.get(id).cloned()),
                status,
                overdue: is_overdue(status, a.target_on, today),
                rag: effective_rag(status, derived, overridden),
                rag_derived: derived,
                latest_update: latest.remove(&a.id),
                action: a,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok((views, total))
}

async fn one_action_view<C: ConnectionTrait>(
    db: &C,
    id: &str,
    today: NaiveDate,
) -> AppResult<ActionView> {
    action_views(db, action::Entity::find_by_id(id.to_owned()), today)
        .await?
        .pop()
        .ok_or_else(|| AppError::Internal("action view missing".into()))
}

/// A learning point with who wrote it and the committee it was referred to.
#[derive(Debug, Clone)]
pub struct LearningPointView {
    pub point: learning_point::Model,
    pub sources: Sources,
    pub created_by_name: String,
    pub committee: Option<committee::Model>,
}

async fn learning_point_views<C: ConnectionTrait>(
    db: &C,
    points: Vec<learning_point::Model>,
) -> AppResult<Vec<LearningPointView>> {
    if points.is_empty() {
        return Ok(Vec::new());
    }
    let names =
        crate::users::service::display_names(db, points.iter().map(|p| p.created_by.clone()))
            .await?;
    let committees: HashMap<String, committee::Model> = committee::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    Ok(points
        .into_iter()
        .map(|point| LearningPointView {
            sources: sources_of(&point),
            created_by_name: names.get(&point.created_by).cloned().unwrap_or_default(),
            committee: point
                .committee_id
                .as_ref()
                .and_then(|id| committees.get(id))
                .cloned(),
            point,
        })
        .collect())
}

async fn one_learning_point_view<C: ConnectionTrait>(
    db: &C,
    point: learning_point::Model,
) -> AppResult<LearningPointView> {
    learning_point_views(db, vec![point])
        .await?
        .pop()
        .ok_or_else(|| AppError::Internal("learning point view missing".into()))
}

// ---------------------------------------------------------------------------------------
// Reads.

/// The learning points of a review, oldest first; empty for people who do not read its
/// plan (practitioners, members without an agency role).
pub async fn learning_points(
    state: &AppState,
    rc: &RequestContext,
    review_id: &str,
) -> AppResult<Vec<LearningPointView>> {
    let actor = rc.actor()?;
    let (review, membership) = find_visible_with_membership(&state.db, actor, review_id).await?;
    if !access::reads_plan(actor, membership) {
        return Ok(Vec::new());
    }
    let points = learning_point::Entity::find()
        .filter(learning_point::Column::ReviewId.eq(review.id))
        .order_by_asc(learning_point::Column::CreatedAt)
        .order_by_asc(learning_point::Column::Id)
        .all(&state.db)
        .await?;
    learning_point_views(&state.db, points).await
}

/// A learning point's recommendations, oldest first (for whoever obtained the point).
pub async fn recommendations<C: ConnectionTrait>(
    db: &C,
    learning_point_id: &str,
) -> AppResult<Vec<recommendation::Model>> {
    Ok(recommendation::Entity::find()
        .filter(recommendation::Column::LearningPointId.eq(learning_point_id))
        .order_by_asc(recommendation::Column::CreatedAt)
        .order_by_asc(recommendation::Column::Id)
        .all(db)
        .await?)
}

/// A recommendation's actions, oldest first (for whoever obtained the recommendation).
pub async fn actions_of_recommendation(
    state: &AppState,
    recommendation_id: &str,
) -> AppResult<Vec<ActionView>> {
    let query = action::Entity::find()
        .filter(action::Column::RecommendationId.eq(recommendation_id))
        .order_by_asc(action::Column::CreatedAt)
        .order_by_asc(action::Column::Id);
    action_views(&state.db, query, state.today()).await
}

/// One action the person may see.
pub async fn get_action(state: &AppState, rc: &RequestContext, id: &str) -> AppResult<ActionView> {
    let actor = rc.actor()?;
    let found = action_for(&state.db, actor, id, sees).await?;
    state
        .record_read(rc, Event::new("action.read", "action", id))
        .await?;
    one_action_view(&state.db, &found.id, state.today()).await
}

/// What the list of actions can be narrowed to.
#[derive(Debug, Clone, Default)]
pub struct ActionFilter {
    pub review_id: Option<String>,
    /// The owner agency.
    pub agency_id: Option<String>,
    pub status: Option<ActionStatus>,
    /// The RAG shown (override included).
    pub rag: Option<Rag>,
    /// A theme of the action's learning point (case-insensitive).
    pub theme: Option<String>,
    pub committee_id: Option<String>,
    /// Changed (created, edited, updated, referred) at or after.
    pub changed_since: Option<DateTime<Utc>>,
    pub overdue: Option<bool>,
}

/// One page of actions.
#[derive(Debug, Clone)]
pub struct ActionPage {
    pub nodes: Vec<ActionView>,
    pub end_cursor: Option<String>,
    pub has_next_page: bool,
    /// How many actions match, over every page.
    pub total_count: usize,
}

fn page_key(a: &action::Model) -> (i64, String) {
    (a.created_at.timestamp_micros(), a.id.clone())
}

fn cursor_of(a: &action::Model) -> String {
    use base64::Engine;
    let (at, id) = page_key(a);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{at}:{id}"))
}

fn parse_cursor(cursor: &str) -> AppResult<(i64, String)> {
    use base64::Engine;
    let bad = || AppError::validation("after", "is not a cursor this list gave out");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (at, id) = text.split_once(':').ok_or_else(bad)?;
    Ok((at.parse().map_err(|_| bad())?, id.to_owned()))
}

pub const MAX_PAGE: i32 = 200;

impl ActionFilter {
    /// Whether the filter asks for something derived today (RAG, overdue) or kept on the
    /// learning point (theme), which is applied after reading.
    fn derives(&self) -> bool {
        self.rag.is_some() || self.overdue.is_some() || self.theme().is_some()
    }

    fn theme(&self) -> Option<&str> {
        self.theme
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
    }

    /// Whether the filter lets every action through.
    fn is_everything(&self) -> bool {
        let ActionFilter {
            review_id,
            agency_id,
            status,
            rag,
            theme: _,
            committee_id,
            changed_since,
            overdue,
        } = self;
        review_id.is_none()
            && agency_id.is_none()
            && status.is_none()
            && rag.is_none()
            && self.theme().is_none()
            && committee_id.is_none()
            && changed_since.is_none()
            && overdue.is_none()
    }

    /// The stored part of the filter, as SQL.
    fn stored(&self) -> Select<action::Entity> {
        let mut query = action::Entity::find();
        if let Some(id) = &self.review_id {
            query = query.filter(action::Column::ReviewId.eq(id.clone()));
        }
        if let Some(id) = &self.agency_id {
            query = query.filter(action::Column::OwnerAgencyId.eq(id.clone()));
        }
        if let Some(status) = self.status {
            query = query.filter(action::Column::Status.eq(status.code()));
        }
        if let Some(id) = &self.committee_id {
            query = query.filter(action::Column::CommitteeId.eq(id.clone()));
        }
        if let Some(since) = self.changed_since {
            query = query.filter(action::Column::UpdatedAt.gte(since));
        }
        query
    }

    fn keeps(&self, v: &ActionView) -> bool {
        self.rag.is_none_or(|rag| v.rag == rag)
            && self.overdue.is_none_or(|overdue| v.overdue == overdue)
            && self
                .theme()
                .is_none_or(|theme| v.themes.iter().any(|t| t.eq_ignore_ascii_case(theme)))
    }
}

/// How many actions `query` selects, as a plain `SELECT COUNT(*) … WHERE …` (sea-orm's
/// `count` wraps the query in a subquery, which SQLite then reads row by row: 0.7 ms for
/// 10,000 actions instead of 15 µs).
async fn count_rows<C: ConnectionTrait>(db: &C, query: Select<action::Entity>) -> AppResult<usize> {
    let n: Option<i64> = query
        .select_only()
        .column_as(Expr::cust("COUNT(*)"), "n")
        .into_tuple()
        .one(db)
        .await?;
    Ok(n.and_then(|n| usize::try_from(n).ok()).unwrap_or(0))
}

/// How many actions there are, from the row the database keeps (m0012): PostgreSQL's
/// `COUNT(*)` visits every index entry (0.8 ms for 10,000 actions).
async fn count_all<C: ConnectionTrait>(db: &C) -> AppResult<usize> {
    let row = action_count::Entity::find_by_id(1).one(db).await?;
    let n = row.ok_or_else(|| AppError::Internal("the action count row is missing".into()))?;
    Ok(usize::try_from(n.actions).unwrap_or(0))
}

/// Every action the person may see that matches `filter`, oldest first: the one rule of
/// who sees which action, shared by the list and its export. RAG, overdue and theme are
/// derived, so they are applied after reading.
pub async fn matching(
    state: &AppState,
    actor: &Actor,
    filter: &ActionFilter,
) -> AppResult<Vec<ActionView>> {
    let mut views = visible_views(&state.db, actor, filter.stored(), state.today()).await?;
    views.retain(|v| filter.keeps(v));
    views.sort_by_key(|v| page_key(&v.action));
    Ok(views)
}

/// The actions the person may see that match `filter`, oldest first, `first` after the
/// cursor. The business office and the chair see every action; an agency lead those their
/// agency owns and those of reviews they are a member of; others those of reviews they are
/// members of. Without a derived filter the page is cut in the database (keyset on creation
/// time and id, with an index); with one, every match is read and derived first.
pub async fn page(
    state: &AppState,
    rc: &RequestContext,
    filter: &ActionFilter,
    first: i32,
    after: Option<&str>,
) -> AppResult<ActionPage> {
    let actor = rc.actor()?;
    if !(1..=MAX_PAGE).contains(&first) {
        return Err(AppError::validation(
            "first",
            format!("must be between 1 and {MAX_PAGE}"),
        ));
    }
    let after = after.map(parse_cursor).transpose()?;
    let first = usize::try_from(first).unwrap_or(1);
    let (mut rest, total_count) = if filter.derives() {
        let views = matching(state, actor, filter).await?;
        let total_count = views.len();
        let rest: Vec<ActionView> = views
            .into_iter()
            .filter(|v| after.as_ref().is_none_or(|c| page_key(&v.action) > *c))
            .take(first + 1)
            .collect();
        (rest, total_count)
    } else {
        let seen = visibility(&state.db, actor).await?;
        // Everything, seen by someone who sees every action: the count the database keeps,
        // read with the page. Otherwise a count over the filter's index.
        let everything = seen.is_none() && filter.is_everything();
        let to_count = narrowed(filter.stored(), seen.clone());
        let mut query = narrowed(filter.stored(), seen)
            .order_by_asc(action::Column::CreatedAt)
            .order_by_asc(action::Column::Id);
        if let Some((at, id)) = after {
            let at = DateTime::<Utc>::from_timestamp_micros(at).ok_or_else(|| {
                AppError::validation("after", "is not a cursor this list gave out")
            })?;
            query = query.filter(
                Condition::any().add(action::Column::CreatedAt.gt(at)).add(
                    Condition::all()
                        .add(action::Column::CreatedAt.eq(at))
                        .add(action::Column::Id.gt(id)),
                ),
            );
        }
        let query = query.limit(first as u64 + 1);
        let (views, total) =
            counted_action_views(&state.db, query, state.today(), everything).await?;
        let total_count = match total {
            Some(n) => n,
            // An empty page (a cursor past the end) carries no count.
            None if everything => count_all(&state.db).await?,
            None => count_rows(&state.db, to_count).await?,
        };
        (views, total_count)
    };
    let has_next_page = rest.len() > first;
    rest.truncate(first);
    state
        .record_read(
            rc,
            Event {
                action: "action.list",
                object_type: "action",
                object_id: None,
            },
        )
        .await?;
    Ok(ActionPage {
        end_cursor: rest.last().map(|v| cursor_of(&v.action)),
        nodes: rest,
        has_next_page,
        total_count,
    })
}

/// Everything the person's agency owes that they may see: open before closed, overdue
/// first, then red, amber, green, then the nearest target date.
pub async fn my_agency_actions(
    state: &AppState,
    rc: &RequestContext,
) -> AppResult<Vec<ActionView>> {
    let actor = rc.actor()?;
    let Some(agency_id) = actor.agency_id.clone() else {
        return Ok(Vec::new());
    };
    let query = action::Entity::find().filter(action::Column::OwnerAgencyId.eq(agency_id));
    let mut views = visible_views(&state.db, actor, query, state.today()).await?;
    views.sort_by(|a, b| {
        attention_order(&a.attention(), &b.attention())
            .then_with(|| a.action.reference.cmp(&b.action.reference))
    });
    state
        .record_read(
            rc,
            Event {
                action: "action.list",
                object_type: "action",
                object_id: None,
            },
        )
        .await?;
    Ok(views)
}

/// One progress update with who wrote it.
#[derive(Debug, Clone)]
pub struct UpdateView {
    pub update: action_update::Model,
    pub author_name: String,
    pub author_agency_prefix: Option<String>,
}

/// An action's progress updates, newest first (for whoever obtained the action).
pub async fn updates<C: ConnectionTrait>(db: &C, action_id: &str) -> AppResult<Vec<UpdateView>> {
    let rows = action_update::Entity::find()
        .filter(action_update::Column::ActionId.eq(action_id))
        .order_by_desc(action_update::Column::At)
        .order_by_desc(action_update::Column::Id)
        .all(db)
        .await?;
    with_authors(db, rows).await
}

/// The newest progress update of each of these actions (those with one), with its author;
/// read in chunks so a whole plan's export stays within the databases' parameter limits.
pub async fn latest_updates<C: ConnectionTrait>(
    db: &C,
    action_ids: &[String],
) -> AppResult<HashMap<String, UpdateView>> {
    let mut newest: HashMap<String, action_update::Model> = HashMap::new();
    for chunk in action_ids.chunks(1000) {
        let rows = action_update::Entity::find()
            .filter(action_update::Column::ActionId.is_in(chunk.iter().cloned()))
            .all(db)
            .await?;
        for u in rows {
            let newer = newest
                .get(&u.action_id)
                .is_none_or(|o| (u.at, &u.id) > (o.at, &o.id));
            if newer {
                newest.insert(u.action_id.clone(), u);
            }
        }
    }
    let mut found = HashMap::new();
    let rows: Vec<action_update::Model> = newest.into_values().collect();
    for chunk in rows.chunks(1000) {
        for view in with_authors(db, chunk.to_vec()).await? {
            found.insert(view.update.action_id.clone(), view);
        }
    }
    Ok(found)
}

/// Updates with their authors' names and agency prefixes, in the order given.
async fn with_authors<C: ConnectionTrait>(
    db: &C,
    rows: Vec<action_update::Model>,
) -> AppResult<Vec<UpdateView>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let authors: HashMap<String, app_user::Model> = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(rows.iter().map(|u| u.author_id.clone())))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id.clone(), u))
        .collect();
    let prefixes: HashMap<String, String> = agency::Entity::find()
        .filter(agency::Column::Id.is_in(authors.values().filter_map(|u| u.agency_id.clone())))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.prefix))
        .collect();
    Ok(rows
        .into_iter()
        .map(|update| {
            let author = authors.get(&update.author_id);
            UpdateView {
                author_name: author.map(|u| u.display_name.clone()).unwrap_or_default(),
                author_agency_prefix: author
                    .and_then(|u| u.agency_id.as_ref())
                    .and_then(|id| prefixes.get(id))
                    .cloned(),
                update,
            }
        })
        .collect())
}

/// One saved version of an action, with who saved it.
#[derive(Debug, Clone)]
pub struct ActionVersion {
    pub row: action_history::Model,
    pub changed_by: Option<String>,
}

/// Every saved version of an action, newest first (for whoever obtained the action).
pub async fn history<C: ConnectionTrait>(db: &C, action_id: &str) -> AppResult<Vec<ActionVersion>> {
    let rows = action_history::Entity::find()
        .filter(action_history::Column::ActionId.eq(action_id))
        .order_by_desc(action_history::Column::Id)
        .all(db)
        .await?;
    let names =
        crate::users::service::display_names(db, rows.iter().filter_map(|r| r.changed_by.clone()))
            .await?;
    Ok(rows
        .into_iter()
        .map(|row| ActionVersion {
            changed_by: row
                .changed_by
                .as_ref()
                .and_then(|id| names.get(id).cloned()),
            row,
        })
        .collect())
}

pub async fn committees<C: ConnectionTrait>(db: &C) -> AppResult<Vec<committee::Model>> {
    Ok(committee::Entity::find()
        .order_by_asc(committee::Column::Position)
        .all(db)
        .await?)
}

pub async fn committee<C: ConnectionTrait>(db: &C, id: &str) -> AppResult<committee::Model> {
    committee::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or(AppError::NotFound(COMMITTEE))
}

/// The learning points referred to a committee that the person may read.
pub async fn referred_learning_points(
    state: &AppState,
    rc: &RequestContext,
    committee_id: &str,
) -> AppResult<Vec<LearningPointView>> {
    let actor = rc.actor()?;
    let mut points = learning_point::Entity::find()
        .filter(learning_point::Column::CommitteeId.eq(committee_id))
        .order_by_asc(learning_point::Column::CreatedAt)
        .order_by_asc(learning_point::Column::Id)
        .all(&state.db)
        .await?;
    if !access::reads_plan(actor, None) {
        let member = memberships(&state.db, &actor.user_id).await?;
        points.retain(|p| access::reads_plan(actor, member.get(&p.review_id).copied()));
    }
    learning_point_views(&state.db, points).await
}

/// The actions referred to a committee that the person may see.
pub async fn referred_actions(
    state: &AppState,
    rc: &RequestContext,
    committee_id: &str,
) -> AppResult<Vec<ActionView>> {
    let actor = rc.actor()?;
    let query = action::Entity::find()
        .filter(action::Column::CommitteeId.eq(committee_id))
        .order_by_asc(action::Column::CreatedAt)
        .order_by_asc(action::Column::Id);
    visible_views(&state.db, actor, query, state.today()).await
}

// ---------------------------------------------------------------------------------------
// Learning points and recommendations.

/// What was typed for a learning point.
pub type LearningPointInput = LearningPointDraft;

/// The stored learning point as the client sees it (for CONFLICT answers).
pub fn learning_point_snapshot(p: &learning_point::Model) -> serde_json::Value {
    let sources = sources_of(p);
    serde_json::json!({
        "id": p.id, "version": p.version, "title": p.title, "detail": p.detail,
        "scope": p.scope, "kind": p.kind, "themes": parse_list(&p.themes),
        "entryIds": sources.entry_ids, "duplicateGroupKeys": sources.duplicate_group_keys,
        "annotationId": sources.annotation_id, "committeeId": p.committee_id,
    })
}

/// The annotation a learning point is made from, checked against the review.
async fn source_annotation<C: ConnectionTrait>(
    db: &C,
    review_id: &str,
    annotation_id: &str,
) -> AppResult<(annotation::Model, FromAnnotation)> {
    let found = annotation::Entity::find_by_id(annotation_id.to_owned())
        .one(db)
        .await?
        .filter(|a| a.review_id == review_id)
        .ok_or_else(|| {
            AppError::validation("fromAnnotationId", "no such annotation on this review")
        })?;
    let kind: AnnotationKind = crate::db::stored(&found.kind)?;
    let from = FromAnnotation {
        kind,
        text: found.text.clone(),
    };
    Ok((found, from))
}

/// Checks the draft (pure rules) and what it links to (entries and duplicate groups of this
/// review's chronology), reporting every problem at once.
async fn check_learning_point<C: ConnectionTrait>(
    db: &C,
    review_id: &str,
    draft: LearningPointDraft,
    from: Option<&FromAnnotation>,
) -> AppResult<shared::actions::LearningPoint> {
    let checked = draft.clone().validate(from);
    let mut problems = checked.as_ref().err().cloned().unwrap_or_default();
    let mut wanted: HashSet<String> = draft
        .entry_ids
        .iter()
        .map(|id| id.trim().to_owned())
        .collect();
    for key in &draft.duplicate_group_keys {
        wanted.extend(key.split(',').map(|id| id.trim().to_owned()));
    }
    wanted.retain(|id| !id.is_empty());
    let known: HashSet<String> = chronology_entry::Entity::find()
        .filter(chronology_entry::Column::ReviewId.eq(review_id))
        .filter(chronology_entry::Column::Id.is_in(wanted))
        .all(db)
        .await?
        .into_iter()
        .map(|e| e.id)
        .collect();
    for (i, id) in draft.entry_ids.iter().enumerate() {
        let id = id.trim();
        if !id.is_empty() && !known.contains(id) {
            problems.push(
                format!("entryIds[{i}]"),
                "no such entry in this review's chronology",
            );
        }
    }
    for (i, key) in draft.duplicate_group_keys.iter().enumerate() {
        let key = group_key(key.split(','));
        let ids: Vec<&str> = key.split(',').filter(|id| !id.is_empty()).collect();
        // A key naming fewer than two entries was already refused by the pure rules.
        if ids.len() >= 2 && ids.iter().any(|id| !known.contains(*id)) {
            problems.push(
                format!("duplicateGroupKeys[{i}]"),
                "names an entry that is not in this review's chronology",
            );
        }
    }
    match checked {
        Ok(point) if problems.is_empty() => Ok(point),
        _ => Err(AppError::Validation(problems)),
    }
}

fn apply_learning_point(
    am: &mut learning_point::ActiveModel,
    point: shared::actions::LearningPoint,
    annotation: Option<&annotation::Model>,
) {
    let mut entry_ids = point.entry_ids;
    if let Some(a) = annotation {
        if !entry_ids.contains(&a.entry_id) {
            entry_ids.push(a.entry_id.clone());
        }
    }
    let sources = Sources {
        entry_ids,
        duplicate_group_keys: point.duplicate_group_keys,
        annotation_id: annotation.map(|a| a.id.clone()),
    };
    am.title = Set(point.title);
    am.detail = Set(point.detail);
    am.scope = Set(point.scope.code().to_owned());
    am.kind = Set(point.kind.code().to_owned());
    am.themes = Set(json_list(&point.themes));
    am.sources = Set(serde_json::to_string(&sources).unwrap_or_else(|_| "{}".into()));
}

/// Writes a learning point for the review: typed, or made in one step from a reviewer's
/// annotation (a missed opportunity, good practice or information-sharing concern), which
/// it then links to. An annotation becomes at most one learning point.
pub async fn create_learning_point(
    state: &AppState,
    rc: &RequestContext,
    review_id: &str,
    draft: LearningPointInput,
    from_annotation_id: Option<&str>,
) -> AppResult<LearningPointView> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let review = planned_review(&txn, actor, review_id).await?;
    let source = match from_annotation_id {
        Some(id) => {
            // One learning point per annotation: the review row is locked (PostgreSQL) or
            // the database is (SQLite's immediate transaction) while that is checked.
            review::Entity::find_by_id(review.id.clone())
                .lock_exclusive()
                .one(&txn)
                .await?;
            let (found, from) = source_annotation(&txn, &review.id, id).await?;
            let already = learning_point::Entity::find()
                .filter(learning_point::Column::ReviewId.eq(review.id.clone()))
                .all(&txn)
                .await?
                .into_iter()
                .find(|p| sources_of(p).annotation_id.as_deref() == Some(found.id.as_str()));
            if let Some(existing) = already {
                return Err(AppError::validation(
                    "fromAnnotationId",
                    format!(
                        "this annotation is already the learning point \"{}\"",
                        existing.title
                    ),
                ));
            }
            Some((found, from))
        }
        None => None,
    };
    let point =
        check_learning_point(&txn, &review.id, draft, source.as_ref().map(|s| &s.1)).await?;
    let at = now();
    let mut am = learning_point::ActiveModel {
        id: Set(new_id()),
        review_id: Set(review.id.clone()),
        committee_id: Set(None),
        created_by: Set(actor.user_id.clone()),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
        ..Default::default()
    };
    apply_learning_point(&mut am, point, source.as_ref().map(|s| &s.0));
    let saved = am.insert(&txn).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("learning_point.create", "learning_point", &saved.id),
    )
    .await?;
    // A review whose summary is published has its learning points in the learning library.
    crate::library::refresh_review(&txn, &saved.review_id).await?;
    let view = one_learning_point_view(&txn, saved).await?;
    txn.commit().await?;
    state
        .changed(
            rc,
            &view.point.review_id,
            ChangeKind::LearningPoint,
            Some(&view.point.id),
        )
        .await;
    Ok(view)
}

fn stale_learning_point(p: &learning_point::Model) -> AppError {
    AppError::StaleVersion {
        message: "Someone saved this learning point since you opened it. Compare the two versions and save the one you want.".into(),
        current: learning_point_snapshot(p),
    }
}

/// Saves a learning point if it is still at `version`; CONFLICT with the stored one
/// otherwise. One made from an annotation stays linked to it and keeps its kind.
pub async fn update_learning_point(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    version: i32,
    draft: LearningPointInput,
) -> AppResult<LearningPointView> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let (current, review) = kept_learning_point(&txn, actor, id, RowLock::ForUpdate).await?;
    if current.version != version {
        return Err(stale_learning_point(&current));
    }
    let source = match sources_of(&current).annotation_id {
        Some(annotation_id) => Some(source_annotation(&txn, &review.id, &annotation_id).await?),
        None => None,
    };
    let point =
        check_learning_point(&txn, &review.id, draft, source.as_ref().map(|s| &s.1)).await?;
    let mut am = learning_point::ActiveModel {
        updated_at: Set(now()),
        ..Default::default()
    };
    apply_learning_point(&mut am, point, source.as_ref().map(|s| &s.0));
    crate::db::update_at_version::<learning_point::Entity, _>(
        &txn,
        am,
        learning_point::Column::Id,
        learning_point::Column::Version,
        id,
        version,
        || stale_learning_point(&current),
    )
    .await?;
    let saved = learning_point::Entity::find_by_id(id.to_owned())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound(LEARNING_POINT))?;
    audit_log::append(
        &txn,
        rc,
        Event::new("learning_point.update", "learning_point", id),
    )
    .await?;
    crate::library::refresh_review(&txn, &saved.review_id).await?;
    let view = one_learning_point_view(&txn, saved).await?;
    txn.commit().await?;
    state
        .changed(
            rc,
            &view.point.review_id,
            ChangeKind::LearningPoint,
            Some(id),
        )
        .await;
    Ok(view)
}

pub async fn add_recommendation(
    state: &AppState,
    rc: &RequestContext,
    learning_point_id: &str,
    text: &str,
) -> AppResult<recommendation::Model> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let (point, _) = kept_learning_point(&txn, actor, learning_point_id, RowLock::None).await?;
    let text = recommendation_text(text)?;
    let saved = recommendation::ActiveModel {
        id: Set(new_id()),
        learning_point_id: Set(point.id.clone()),
        text: Set(text),
        created_by: Set(actor.user_id.clone()),
        created_at: Set(now()),
    }
    .insert(&txn)
    .await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("recommendation.create", "recommendation", &saved.id),
    )
    .await?;
    txn.commit().await?;
    state
        .changed(
            rc,
            &point.review_id,
            ChangeKind::LearningPoint,
            Some(&point.id),
        )
        .await;
    Ok(saved)
}

// ---------------------------------------------------------------------------------------
// Actions.

/// The stored action as the client sees it (history and CONFLICT answers).
pub fn action_snapshot(a: &action::Model) -> serde_json::Value {
    serde_json::json!({
        "id": a.id, "reference": a.reference, "version": a.version, "title": a.title,
        "ownerAgencyId": a.owner_agency_id, "ownerPersonId": a.owner_person_id,
        "targetDate": a.target_on.to_string(), "targetDateReason": a.target_date_reason,
        "status": a.status, "ragOverride": a.rag_override,
        "ragOverrideReason": a.rag_override_reason, "evidenceOfImpact": a.evidence_of_impact,
        "impactAudit": a.impact_audit, "committeeId": a.committee_id,
    })
}

fn stale_action(a: &action::Model) -> AppError {
    AppError::StaleVersion {
        message: "Someone saved this action since you opened it. Compare the two versions and save the one you want.".into(),
        current: action_snapshot(a),
    }
}

/// Looks up what the action input names, for the pure rules.
async fn action_facts<C: ConnectionTrait>(
    db: &C,
    draft: &ActionDraft,
    today: NaiveDate,
    recorded: Option<&action::Model>,
) -> AppResult<ActionFacts> {
    let agency_id = draft.owner_agency_id.trim();
    let unchanged_agency = recorded.is_some_and(|r| r.owner_agency_id == agency_id);
    let owner_agency_exists = agency::Entity::find_by_id(agency_id.to_owned())
        .one(db)
        .await?
        .is_some_and(|a| a.active || unchanged_agency);
    let person_id = draft
        .owner_person_id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty());
    let owner_person = match person_id {
        Some(id) => {
            let unchanged = recorded.is_some_and(|r| r.owner_person_id.as_deref() == Some(id));
            app_user::Entity::find_by_id(id.to_owned())
                .one(db)
                .await?
                .filter(|u| u.active || unchanged)
                .map(|u| PersonFacts {
                    agency_id: u.agency_id,
                })
        }
        None => None,
    };
    Ok(ActionFacts {
        today,
        owner_agency_exists,
        owner_person,
        recorded: recorded
            .map(|r| -> AppResult<RecordedAction> {
                Ok(RecordedAction {
                    status: status_of(r)?,
                    target_on: r.target_on,
                    target_date_reason: r.target_date_reason.clone(),
                })
            })
            .transpose()?,
    })
}

fn apply_action(am: &mut action::ActiveModel, draft: ActionDraft) {
    am.title = Set(draft.title);
    am.owner_agency_id = Set(draft.owner_agency_id);
    am.owner_person_id = Set(draft.owner_person_id);
    am.target_on = Set(draft.target_on);
    am.target_date_reason = Set(draft.target_date_reason);
    am.impact_audit = Set(draft.impact_audit);
}

async fn write_history<C: ConnectionTrait>(
    conn: &C,
    rc: &RequestContext,
    a: &action::Model,
    change: &str,
) -> AppResult<()> {
    action_history::ActiveModel {
        id: Default::default(),
        action_id: Set(a.id.clone()),
        version: Set(a.version),
        change: Set(change.into()),
        snapshot: Set(action_snapshot(a).to_string()),
        changed_by: Set(rc.signed_in.as_ref().map(|s| s.actor.user_id.clone())),
        changed_at: Set(now()),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Records the change of an action (history and audit rows), commits, and tells everyone
/// watching the review.
pub(crate) async fn finish_action(
    state: &AppState,
    rc: &RequestContext,
    txn: DatabaseTransaction,
    saved: action::Model,
    change: &str,
) -> AppResult<ActionView> {
    write_history(&txn, rc, &saved, change).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new(&format!("action.{change}"), "action", &saved.id),
    )
    .await?;
    let view = one_action_view(&txn, &saved.id, state.today()).await?;
    txn.commit().await?;
    state
        .changed(
            rc,
            &view.action.review_id,
            ChangeKind::Action,
            Some(&view.action.id),
        )
        .await;
    Ok(view)
}

/// Saves `changes` if the action is still at `current.version`; CONFLICT otherwise.
async fn save_action<C: ConnectionTrait>(
    conn: &C,
    current: &action::Model,
    mut changes: action::ActiveModel,
) -> AppResult<action::Model> {
    changes.version = Set(current.version + 1);
    changes.updated_at = Set(now());
    let result = action::Entity::update_many()
        .set(changes)
        .filter(action::Column::Id.eq(current.id.clone()))
        .filter(action::Column::Version.eq(current.version))
        .exec(conn)
        .await?;
    let saved = action::Entity::find_by_id(current.id.clone())
        .one(conn)
        .await?
        .ok_or(AppError::NotFound(ACTION))?;
    if result.rows_affected != 1 {
        return Err(stale_action(&saved));
    }
    Ok(saved)
}

/// Adds an action answering a recommendation, numbered within its review
/// (`SCR-2016-03/A1`, `/A2`, ...). It starts NOT_STARTED.
pub async fn create_action(
    state: &AppState,
    rc: &RequestContext,
    recommendation_id: &str,
    draft: ActionDraft,
) -> AppResult<ActionView> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let rec = recommendation::Entity::find_by_id(recommendation_id.to_owned())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound(RECOMMENDATION))?;
    let (point, _) = kept_learning_point(&txn, actor, &rec.learning_point_id, RowLock::None)
        .await
        .map_err(|e| match e {
            AppError::NotFound(_) => AppError::NotFound(RECOMMENDATION),
            other => other,
        })?;
    let draft = checked_action(&txn, draft, state.today()).await?;
    let saved = insert_action(&txn, &actor.user_id, &point.review_id, &rec.id, draft).await?;
    finish_action(state, rc, txn, saved, "create").await
}

/// A new action's draft checked against what it names (the owner agency and person).
pub(crate) async fn checked_action<C: ConnectionTrait>(
    db: &C,
    draft: ActionDraft,
    today: NaiveDate,
) -> AppResult<ActionDraft> {
    let facts = action_facts(db, &draft, today, None).await?;
    Ok(draft.validate(&facts)?)
}

/// Writes a learning point of the review `review_id` with the one recommendation its
/// actions answer, each with its audit row, in `txn`: how learning that does not come from
/// a review's own learning page (a Section 11 standard) joins the action plan. The caller
/// has checked who may.
pub(crate) async fn insert_learning<C: ConnectionTrait>(
    txn: &C,
    rc: &RequestContext,
    created_by: &str,
    review_id: &str,
    draft: LearningPointDraft,
    recommendation: &str,
) -> AppResult<recommendation::Model> {
    let point = check_learning_point(txn, review_id, draft, None).await?;
    let at = now();
    let mut am = learning_point::ActiveModel {
        id: Set(new_id()),
        review_id: Set(review_id.to_owned()),
        committee_id: Set(None),
        created_by: Set(created_by.to_owned()),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
        ..Default::default()
    };
    apply_learning_point(&mut am, point, None);
    let point = am.insert(txn).await?;
    audit_log::append(
        txn,
        rc,
        Event::new("learning_point.create", "learning_point", &point.id),
    )
    .await?;
    let saved = recommendation::ActiveModel {
        id: Set(new_id()),
        learning_point_id: Set(point.id.clone()),
        text: Set(recommendation_text(recommendation)?),
        created_by: Set(created_by.to_owned()),
        created_at: Set(at),
    }
    .insert(txn)
    .await?;
    audit_log::append(
        txn,
        rc,
        Event::new("recommendation.create", "recommendation", &saved.id),
    )
    .await?;
    Ok(saved)
}

/// Inserts a checked action answering the recommendation `recommendation_id` of the review
/// `review_id`, numbered within the review (`SCR-2016-03/A1`, `/A2`, ...); NOT_STARTED.
/// The caller has checked who may, and finishes it with [`finish_action`].
pub(crate) async fn insert_action<C: ConnectionTrait>(
    txn: &C,
    created_by: &str,
    review_id: &str,
    recommendation_id: &str,
    draft: ActionDraft,
) -> AppResult<action::Model> {
    // Numbering: the review row is locked (PostgreSQL) or the database is (SQLite's
    // immediate transaction), so two actions never get the same number.
    let review = review::Entity::find_by_id(review_id.to_owned())
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(AppError::NotFound(RECOMMENDATION))?;
    let taken = action::Entity::find()
        .filter(action::Column::ReviewId.eq(review.id.clone()))
        .count(txn)
        .await?;
    let at = now();
    let mut am = action::ActiveModel {
        id: Set(new_id()),
        recommendation_id: Set(recommendation_id.to_owned()),
        review_id: Set(review.id.clone()),
        reference: Set(action_reference(&review.reference, taken + 1)),
        status: Set(ActionStatus::NotStarted.code().to_owned()),
        rag_override: Set(None),
        rag_override_reason: Set(None),
        evidence_of_impact: Set(None),
        committee_id: Set(None),
        version: Set(1),
        created_by: Set(created_by.to_owned()),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    };
    apply_action(&mut am, draft);
    Ok(am.insert(txn).await?)
}

/// Saves what the action says (title, owners, target date, how impact will be audited) if it
/// is still at `version`; CONFLICT with the stored one otherwise. A closed action is not
/// edited. The business office, or a lead reviewer of the review.
pub async fn update_action(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    version: i32,
    draft: ActionDraft,
) -> AppResult<ActionView> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let current = action_to_change(&txn, actor, id, keeps).await?;
    if current.version != version {
        return Err(stale_action(&current));
    }
    let facts = action_facts(&txn, &draft, state.today(), Some(&current)).await?;
    let draft = draft.validate(&facts)?;
    let mut changes = <action::ActiveModel as Default>::default();
    apply_action(&mut changes, draft);
    let saved = save_action(&txn, &current, changes).await?;
    finish_action(state, rc, txn, saved, "update").await
}

/// A dated progress update by the owner agency's lead or representative (or the business
/// office), moving the status on when asked.
pub async fn add_update(
    state: &AppState,
    rc: &RequestContext,
    action_id: &str,
    draft: ProgressDraft,
) -> AppResult<ActionView> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let current = action_to_report_on(&txn, actor, action_id).await?;
    let progress = draft.validate(status_of(&current)?, current.evidence_of_impact.as_deref())?;
    let at = now();
    action_update::ActiveModel {
        id: Set(new_id()),
        action_id: Set(current.id.clone()),
        author_id: Set(actor.user_id.clone()),
        at: Set(at),
        text: Set(progress.text),
        status_after: Set(progress.status_after.code().to_owned()),
    }
    .insert(&txn)
    .await?;
    let mut changes = action::ActiveModel {
        status: Set(progress.status_after.code().to_owned()),
        ..Default::default()
    };
    if let Some(evidence) = progress.evidence_of_impact {
        changes.evidence_of_impact = Set(Some(evidence));
    }
    let saved = save_action(&txn, &current, changes).await?;
    finish_action(state, rc, txn, saved, "progress").await
}

/// The business office sets the RAG by hand (with the reason), or clears it (`rag` none) so
/// the derived one shows again.
pub async fn set_rag(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    rag: Option<Rag>,
    reason: Option<&str>,
) -> AppResult<ActionView> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let current =
        action_to_change(&txn, actor, id, |actor, _, _| access::overrides_rag(actor)).await?;
    let reason = check_override(status_of(&current)?, rag, reason)?;
    let changes = action::ActiveModel {
        rag_override: Set(rag.map(|r| r.code().to_owned())),
        rag_override_reason: Set(reason),
        ..Default::default()
    };
    let saved = save_action(&txn, &current, changes).await?;
    finish_action(state, rc, txn, saved, "rag").await
}

/// Refers a learning point or an action to a committee, where it is then tracked. The
/// business office, or a lead reviewer of the review.
pub async fn refer(
    state: &AppState,
    rc: &RequestContext,
    kind: ReferralKind,
    id: &str,
    committee_id: &str,
) -> AppResult<committee::Model> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    match kind {
        ReferralKind::LearningPoint => {
            let (current, _) = kept_learning_point(&txn, actor, id, RowLock::ForUpdate).await?;
            let target = committee(&txn, committee_id)
                .await
                .map_err(|_| AppError::validation("committeeId", "no such committee"))?;
            let changes = learning_point::ActiveModel {
                committee_id: Set(Some(target.id.clone())),
                updated_at: Set(now()),
                ..Default::default()
            };
            crate::db::update_at_version::<learning_point::Entity, _>(
                &txn,
                changes,
                learning_point::Column::Id,
                learning_point::Column::Version,
                &current.id,
                current.version,
                || stale_learning_point(&current),
            )
            .await?;
            audit_log::append(
                &txn,
                rc,
                Event::new("learning_point.refer", "learning_point", &current.id),
            )
            .await?;
            txn.commit().await?;
            state
                .changed(
                    rc,
                    &current.review_id,
                    ChangeKind::LearningPoint,
                    Some(&current.id),
                )
                .await;
            Ok(target)
        }
        ReferralKind::Action => {
            let current = action_to_change(&txn, actor, id, keeps).await?;
            let target = committee(&txn, committee_id)
                .await
                .map_err(|_| AppError::validation("committeeId", "no such committee"))?;
            let changes = action::ActiveModel {
                committee_id: Set(Some(target.id.clone())),
                ..Default::default()
            };
            let saved = save_action(&txn, &current, changes).await?;
            finish_action(state, rc, txn, saved, "refer").await?;
            Ok(target)
        }
    }
}

// ---------------------------------------------------------------------------------------
// The numbers behind the charts.

/// The actions matching a filter, counted for the charts.
#[derive(Debug, Clone)]
pub struct ActionStatistics {
    /// Per owner agency (by prefix), the counts by status and overdue now.
    pub by_agency: Vec<(agency::Model, StatusCounts)>,
    /// Overdue at the end of each of the last twelve months, and today.
    pub overdue_over_time: Vec<OverduePoint>,
}

/// How many months back the overdue line goes.
pub const OVERDUE_MONTHS: u32 = 12;

/// Counts the actions the person may see that match `filter` (as `page` lists them).
pub async fn statistics(
    state: &AppState,
    rc: &RequestContext,
    filter: &ActionFilter,
) -> AppResult<ActionStatistics> {
    let actor = rc.actor()?;
    let views = matching(state, actor, filter).await?;
    // The day each action was first closed (statuses change only through updates).
    let closed: HashMap<String, NaiveDate> = action_update::Entity::find()
        .filter(
            action_update::Column::StatusAfter.is_in(
                ActionStatus::ALL
                    .iter()
                    .filter(|s| s.is_closed())
                    .map(|s| s.code()),
            ),
        )
        .all(&state.db)
        .await?
        .into_iter()
        .fold(HashMap::new(), |mut first, u| {
            let day = u.at.date_naive();
            first
                .entry(u.action_id)
                .and_modify(|d: &mut NaiveDate| *d = (*d).min(day))
                .or_insert(day);
            first
        });
    let today = state.today();
    let dates: Vec<ActionDates> = views
        .iter()
        .map(|v| ActionDates {
            set_on: v.action.created_at.date_naive(),
            target_on: v.action.target_on,
            closed_on: closed.get(&v.action.id).copied().or_else(|| {
                v.status()
                    .is_closed()
                    .then(|| v.action.updated_at.date_naive())
            }),
        })
        .collect();
    let mut by_agency: Vec<(agency::Model, StatusCounts)> = Vec::new();
    for v in &views {
        let Some(owner) = &v.owner_agency else {
            continue;
        };
        let i = match by_agency.iter().position(|(a, _)| a.id == owner.id) {
            Some(i) => i,
            None => {
                by_agency.push((owner.clone(), StatusCounts::default()));
                by_agency.len() - 1
            }
        };
        by_agency[i].1.add(v.status(), v.overdue);
    }
    by_agency.sort_by(|a, b| a.0.prefix.cmp(&b.0.prefix));
    state
        .record_read(
            rc,
            Event {
                action: "action.statistics",
                object_type: "action",
                object_id: None,
            },
        )
        .await?;
    Ok(ActionStatistics {
        by_agency,
        overdue_over_time: overdue_over_time(&dates, today, OVERDUE_MONTHS),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    #[test]
    fn action_rows_are_read_in_the_entitys_column_order() {
        let entity: Vec<&str> = action::Column::iter().map(|c| c.as_str()).collect();
        assert_eq!(entity, ACTION_COLUMNS);
    }

    #[test]
    fn owner_agencies_are_read_in_the_entitys_column_order() {
        let entity: Vec<&str> = agency::Column::iter().map(|c| c.as_str()).collect();
        let read: Vec<&str> = AGENCY_COLUMNS.iter().map(|c| c.as_str()).collect();
        assert_eq!(entity, read);
    }
}
