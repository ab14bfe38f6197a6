//! Review rules that need the database: who can see a review, its clocks under its regime,
//! creating and editing (with optimistic locking), the chair's threshold decision and the
//! panel notification. Every change writes its audit row in the same transaction.

use crate::audit_log::{self, Event};
use crate::context::RequestContext;
use crate::db::begin_write;
use crate::entities::{
    agency, app_user, bank_holiday, milestone_rule, regime, review, review_agency, review_member,
};
use crate::error::{AppError, AppResult};
use crate::events::ChangeKind;
use crate::state::AppState;
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Select, Set,
};
use shared::auth::Actor;
use shared::calendar::{BankHolidays, PeriodUnit};
use shared::reviews::{
    input::RecordedDates, milestones, next_milestone, urgency_order, Methodology, Milestone,
    MilestoneRule, PanelNotificationDraft, Regime, ReviewDraft, ReviewEvent, ReviewEvents,
    ReviewKind, ReviewRole, RuleCondition, ThresholdDecision, ThresholdDecisionDraft,
};
use shared::Problems;
use std::collections::{HashMap, HashSet};

/// A review with everything shown about it.
#[derive(Debug, Clone)]
pub struct ReviewView {
    pub review: review::Model,
    /// The review's kind and methodology, read from their stored codes.
    pub kind: ReviewKind,
    pub methodology: Methodology,
    pub decision: Option<ThresholdDecision>,
    pub regime: regime::Model,
    pub milestones: Vec<Milestone>,
    pub agencies: Vec<agency::Model>,
    pub members: Vec<(app_user::Model, ReviewRole)>,
    pub decided_by_name: Option<String>,
}

impl ReviewView {
    pub fn next_milestone(&self) -> Option<&Milestone> {
        next_milestone(&self.milestones)
    }
}

/// Membership of one review.
#[derive(Debug, Clone)]
pub struct MemberInput {
    pub user_id: String,
    pub role: ReviewRole,
}

/// Everything the business office enters for a review.
#[derive(Debug, Clone)]
pub struct ReviewInput {
    pub draft: ReviewDraft,
    pub regime_id: String,
    pub agency_ids: Vec<String>,
    pub members: Vec<MemberInput>,
}

pub fn json_list(list: &[String]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".into())
}

pub fn parse_list(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

/// The regimes with their rules, and the bank holidays: what the clocks need.
pub struct ClockData {
    pub regimes: HashMap<String, (regime::Model, Regime)>,
    pub holidays: BankHolidays,
}

fn bad_rule(rule: &milestone_rule::Model) -> AppError {
    AppError::Internal(format!("milestone rule {} has an unknown code", rule.id))
}

pub async fn clock_data<C: ConnectionTrait>(db: &C) -> AppResult<ClockData> {
    let regimes = regime::Entity::find().all(db).await?;
    let rules = milestone_rule::Entity::find()
        .order_by_asc(milestone_rule::Column::Position)
        .all(db)
        .await?;
    let mut map = HashMap::new();
    for r in regimes {
        let mut clock_rules = Vec::new();
        for rule in rules.iter().filter(|rule| rule.regime_id == r.id) {
            clock_rules.push(MilestoneRule {
                code: rule.code.clone(),
                label: rule.label.clone(),
                anchor: ReviewEvent::from_code(&rule.anchor).ok_or_else(|| bad_rule(rule))?,
                amount: u32::try_from(rule.amount).map_err(|_| bad_rule(rule))?,
                unit: PeriodUnit::from_code(&rule.unit).ok_or_else(|| bad_rule(rule))?,
                met_by: ReviewEvent::from_code(&rule.met_by).ok_or_else(|| bad_rule(rule))?,
                condition: RuleCondition::from_code(&rule.condition)
                    .ok_or_else(|| bad_rule(rule))?,
            });
        }
        let clock = Regime {
            code: r.code.clone(),
            name: r.name.clone(),
            due_soon_days: u32::try_from(r.due_soon_days).unwrap_or(0),
            rules: clock_rules,
        };
        map.insert(r.id.clone(), (r, clock));
    }
    let holidays = BankHolidays::new(
        bank_holiday::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|h| h.day),
    );
    Ok(ClockData {
        regimes: map,
        holidays,
    })
}

/// The threshold decision recorded, read from its stored code.
pub fn decision_of(r: &review::Model) -> AppResult<Option<ThresholdDecision>> {
    r.decision.as_deref().map(crate::db::stored).transpose()
}

pub fn events_of(r: &review::Model) -> AppResult<ReviewEvents> {
    Ok(ReviewEvents {
        aware_on: r.aware_on,
        notified_on: Some(r.notified_on),
        decision: decision_of(r)?,
        decided_on: r.decided_on,
        panel_notified_on: r.panel_notified_on,
        completed_on: r.completed_on,
        published_on: r.published_on,
    })
}

/// Builds the views of several reviews with a fixed number of queries.
pub async fn views<C: ConnectionTrait>(
    db: &C,
    reviews: Vec<review::Model>,
    today: NaiveDate,
) -> AppResult<Vec<ReviewView>> {
    if reviews.is_empty() {
        return Ok(Vec::new());
    }
    let clocks = clock_data(db).await?;
    let ids: Vec<String> = reviews.iter().map(|r| r.id.clone()).collect();
    let links = review_agency::Entity::find()
        .filter(review_agency::Column::ReviewId.is_in(ids.clone()))
        .all(db)
        .await?;
    let agencies: HashMap<String, agency::Model> = agency::Entity::find()
        .filter(agency::Column::Id.is_in(links.iter().map(|l| l.agency_id.clone())))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect();
    let memberships = review_member::Entity::find()
        .filter(review_member::Column::ReviewId.is_in(ids))
        .all(db)
        .await?;
    let user_ids: HashSet<String> = memberships
        .iter()
        .map(|m| m.user_id.clone())
        .chain(reviews.iter().filter_map(|r| r.decided_by.clone()))
        .collect();
    let users: HashMap<String, app_user::Model> = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id.clone(), u))
        .collect();
    reviews
        .into_iter()
        .map(|review| {
            let (regime_row, regime) = clocks.regimes.get(&review.regime_id).ok_or_else(|| {
                AppError::Internal(format!("review {} has an unknown regime", review.id))
            })?;
            let mut review_agencies: Vec<agency::Model> = links
                .iter()
                .filter(|l| l.review_id == review.id)
                .filter_map(|l| agencies.get(&l.agency_id).cloned())
                .collect();
            review_agencies.sort_by(|a, b| a.name.cmp(&b.name));
            let mut members: Vec<(app_user::Model, ReviewRole)> = memberships
                .iter()
                .filter(|m| m.review_id == review.id)
                .filter_map(|m| Some((users.get(&m.user_id)?.clone(), &m.role)))
                .map(|(user, role)| Ok((user, crate::db::stored(role)?)))
                .collect::<AppResult<_>>()?;
            members.sort_by(|(a, ra), (b, rb)| {
                (*ra != ReviewRole::LeadReviewer, &a.display_name)
                    .cmp(&(*rb != ReviewRole::LeadReviewer, &b.display_name))
            });
            Ok(ReviewView {
                kind: crate::db::stored(&review.kind)?,
                methodology: crate::db::stored(&review.methodology)?,
                decision: decision_of(&review)?,
                milestones: milestones(regime, &events_of(&review)?, &clocks.holidays, today),
                regime: regime_row.clone(),
                agencies: review_agencies,
                members,
                decided_by_name: review
                    .decided_by
                    .as_ref()
                    .and_then(|id| users.get(id))
                    .map(|u| u.display_name.clone()),
                review,
            })
        })
        .collect()
}

/// The person's part in one review, if any (whether or not they may see the review).
pub async fn membership<C: ConnectionTrait>(
    db: &C,
    review_id: &str,
    user_id: &str,
) -> AppResult<Option<ReviewRole>> {
    review_member::Entity::find_by_id((review_id.to_owned(), user_id.to_owned()))
        .one(db)
        .await?
        .map(|m| crate::db::stored(&m.role))
        .transpose()
}

/// The case reviews and audits: every review but those that only hold a plan (a Section 11
/// year's actions), which have no chronology, clocks or place in lists and reports of
/// reviews.
pub fn case_reviews() -> Select<review::Entity> {
    let plans: Vec<&str> = ReviewKind::ALL
        .iter()
        .filter(|k| !k.is_case_review())
        .map(|k| k.code())
        .collect();
    review::Entity::find().filter(review::Column::Kind.is_not_in(plans))
}

/// The reviews a person may see (and the plans, with `with_plans`).
async fn visible(
    db: &DatabaseConnection,
    actor: &Actor,
    with_plans: bool,
) -> AppResult<Vec<review::Model>> {
    let query = if with_plans {
        review::Entity::find()
    } else {
        case_reviews()
    }
    .order_by_desc(review::Column::CreatedAt);
    if actor.can_view_review(None) {
        return Ok(query.all(db).await?);
    }
    let ids: Vec<String> = review_member::Entity::find()
        .filter(review_member::Column::UserId.eq(actor.user_id.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.review_id)
        .collect();
    Ok(query.filter(review::Column::Id.is_in(ids)).all(db).await?)
}

/// The reviews among `ids` the person may see, by id (one query for the reviews, one for
/// the person's memberships of them).
pub async fn visible_among<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    ids: Vec<String>,
) -> AppResult<HashMap<String, review::Model>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = review::Entity::find()
        .filter(review::Column::Id.is_in(ids.clone()))
        .all(db)
        .await?;
    let roles: HashMap<String, ReviewRole> = review_member::Entity::find()
        .filter(review_member::Column::UserId.eq(actor.user_id.clone()))
        .filter(review_member::Column::ReviewId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|m| Ok((m.review_id, crate::db::stored(&m.role)?)))
        .collect::<AppResult<_>>()?;
    Ok(rows
        .into_iter()
        .filter(|r| actor.can_view_review(roles.get(&r.id).copied()))
        .map(|r| (r.id.clone(), r))
        .collect())
}

/// A review the person may see, with their part in it; a review they may not see answers
/// exactly like a missing one.
pub async fn find_visible_with_membership<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: &str,
) -> AppResult<(review::Model, Option<ReviewRole>)> {
    if let Some(r) = review::Entity::find_by_id(id.to_owned()).one(db).await? {
        let role = membership(db, &r.id, &actor.user_id).await?;
        if actor.can_view_review(role) {
            return Ok((r, role));
        }
    }
    Err(AppError::NotFound("Review"))
}

async fn find_visible<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: &str,
) -> AppResult<review::Model> {
    find_visible_with_membership(db, actor, id)
        .await
        .map(|(r, _)| r)
}

/// Reviews the person may see, newest first; with the reviews that only hold a plan when
/// `with_plans` is set.
pub async fn list(
    state: &AppState,
    rc: &RequestContext,
    with_plans: bool,
) -> AppResult<Vec<ReviewView>> {
    let actor = rc.actor()?;
    let rows = visible(&state.db, actor, with_plans).await?;
    state
        .record_read(
            rc,
            Event {
                action: "review.list",
                object_type: "review",
                object_id: None,
            },
        )
        .await?;
    views(&state.db, rows, state.today()).await
}

/// Reviews the person may see, by their next milestone: overdue first.
pub async fn dashboard(state: &AppState, rc: &RequestContext) -> AppResult<Vec<ReviewView>> {
    let mut list = list(state, rc, false).await?;
    list.sort_by(|a, b| urgency_order(a.next_milestone(), b.next_milestone()));
    Ok(list)
}

pub async fn get(state: &AppState, rc: &RequestContext, id: &str) -> AppResult<ReviewView> {
    let actor = rc.actor()?;
    let row = find_visible(&state.db, actor, id).await?;
    state
        .record_read(rc, Event::new("review.read", "review", id))
        .await?;
    one_view(&state.db, row, state.today()).await
}

async fn one_view<C: ConnectionTrait>(
    db: &C,
    row: review::Model,
    today: NaiveDate,
) -> AppResult<ReviewView> {
    views(db, vec![row], today)
        .await?
        .pop()
        .ok_or_else(|| AppError::Internal("review view missing".into()))
}

/// Checks what the draft refers to: the regime, agencies and people exist, none twice, the
/// reference unused by another review.
async fn check_references<C: ConnectionTrait>(
    conn: &C,
    input: &ReviewInput,
    except: Option<&str>,
) -> AppResult<()> {
    let mut p = Problems::new();
    if regime::Entity::find_by_id(input.regime_id.clone())
        .one(conn)
        .await?
        .is_none()
    {
        p.push("regimeId", "no such regime");
    }
    if let Some(other) = review::Entity::find()
        .filter(review::Column::Reference.eq(input.draft.reference.clone()))
        .one(conn)
        .await?
    {
        if Some(other.id.as_str()) != except {
            p.push("reference", "another review already has this reference");
        }
    }
    let known_agencies: HashSet<String> = agency::Entity::find()
        .filter(agency::Column::Id.is_in(input.agency_ids.clone()))
        .all(conn)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    let mut seen = HashSet::new();
    for (i, id) in input.agency_ids.iter().enumerate() {
        if !known_agencies.contains(id) {
            p.push(format!("agencyIds[{i}]"), "no such agency");
        } else if !seen.insert(id) {
            p.push(format!("agencyIds[{i}]"), "is listed twice");
        }
    }
    let active_users: HashSet<String> = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(input.members.iter().map(|m| m.user_id.clone())))
        .filter(app_user::Column::Active.eq(true))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect();
    let mut seen = HashSet::new();
    for (i, m) in input.members.iter().enumerate() {
        if !active_users.contains(&m.user_id) {
            p.push(
                format!("members[{i}].userId"),
                "no such person with an active account",
            );
        } else if !seen.insert(&m.user_id) {
            p.push(format!("members[{i}].userId"), "is listed twice");
        }
    }
    Ok(p.into_result()?)
}

async fn write_links<C: ConnectionTrait>(
    conn: &C,
    review_id: &str,
    input: &ReviewInput,
) -> AppResult<()> {
    review_agency::Entity::delete_many()
        .filter(review_agency::Column::ReviewId.eq(review_id))
        .exec(conn)
        .await?;
    review_member::Entity::delete_many()
        .filter(review_member::Column::ReviewId.eq(review_id))
        .exec(conn)
        .await?;
    for agency_id in &input.agency_ids {
        review_agency::ActiveModel {
            review_id: Set(review_id.to_owned()),
            agency_id: Set(agency_id.clone()),
        }
        .insert(conn)
        .await?;
    }
    for m in &input.members {
        review_member::ActiveModel {
            review_id: Set(review_id.to_owned()),
            user_id: Set(m.user_id.clone()),
            role: Set(m.role.code().to_owned()),
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

fn apply_draft(row: &mut review::ActiveModel, input: &ReviewInput) {
    let d = &input.draft;
    row.reference = Set(d.reference.clone());
    row.kind = Set(d.kind.code().to_owned());
    row.subject = Set(d.subject.clone());
    row.themes = Set(json_list(&d.themes));
    row.methodology = Set(d.methodology.code().to_owned());
    row.methodology_detail = Set(d.methodology_detail.clone());
    row.incident_month = Set(d.incident_month.and_then(|m| i32::try_from(m).ok()));
    row.incident_year = Set(d.incident_year);
    row.regime_id = Set(input.regime_id.clone());
    row.aware_on = Set(d.aware_on);
    row.notified_on = Set(d.notified_on);
}

/// A new review as `input` says, with nothing decided or done yet: how every review row is
/// made (one opened by the office, a Section 11 year's plan).
pub(crate) fn new_row(input: &ReviewInput) -> review::ActiveModel {
    let now = crate::db::now();
    let mut row = review::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        decision: Set(None),
        decision_justification: Set(None),
        decided_on: Set(None),
        decided_by: Set(None),
        panel_notified_on: Set(None),
        panel_lead_reviewer_names: Set("[]".into()),
        completed_on: Set(None),
        published_on: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    apply_draft(&mut row, input);
    row
}

fn validate(input: ReviewInput, today: NaiveDate) -> AppResult<ReviewInput> {
    Ok(ReviewInput {
        draft: input.draft.validate(today)?,
        ..input
    })
}

pub async fn create(
    state: &AppState,
    rc: &RequestContext,
    input: ReviewInput,
) -> AppResult<ReviewView> {
    let input = validate(input, state.today())?;
    let txn = begin_write(&state.db).await?;
    check_references(&txn, &input, None).await?;
    let row = new_row(&input).insert(&txn).await?;
    let id = row.id.clone();
    write_links(&txn, &id, &input).await?;
    audit_log::append(&txn, rc, Event::new("review.create", "review", &id)).await?;
    let view = one_view(&txn, row, state.today()).await?;
    txn.commit().await?;
    state
        .changed(rc, &view.review.id, ChangeKind::Review, None)
        .await;
    Ok(view)
}

/// Saves `changes` if the review is still at `version`; otherwise CONFLICT, nothing written.
async fn save_versioned<C: ConnectionTrait>(
    conn: &C,
    id: &str,
    version: i32,
    mut changes: review::ActiveModel,
) -> AppResult<review::Model> {
    changes.updated_at = Set(crate::db::now());
    crate::db::update_at_version::<review::Entity, _>(
        conn,
        changes,
        review::Column::Id,
        review::Column::Version,
        id,
        version,
        || AppError::changed_since_opened("this review"),
    )
    .await?;
    review::Entity::find_by_id(id.to_owned())
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("Review"))
}

pub async fn update(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    version: i32,
    input: ReviewInput,
) -> AppResult<ReviewView> {
    let actor = rc.actor()?;
    let input = validate(input, state.today())?;
    let txn = begin_write(&state.db).await?;
    let current = find_visible(&txn, actor, id).await?;
    if !crate::db::stored::<ReviewKind>(&current.kind)?.is_case_review() {
        return Err(AppError::Conflict(format!(
            "{} holds a Section 11 year's actions; it is not changed as a review.",
            current.reference
        )));
    }
    input.draft.check_against(RecordedDates {
        decided_on: current.decided_on,
    })?;
    check_references(&txn, &input, Some(id)).await?;
    let mut changes = <review::ActiveModel as Default>::default();
    apply_draft(&mut changes, &input);
    let row = save_versioned(&txn, id, version, changes).await?;
    write_links(&txn, id, &input).await?;
    audit_log::append(&txn, rc, Event::new("review.update", "review", id)).await?;
    // The learning library shows a published review's reference and themes.
    crate::library::refresh_review(&txn, id).await?;
    let view = one_view(&txn, row, state.today()).await?;
    txn.commit().await?;
    state
        .changed(rc, &view.review.id, ChangeKind::Review, None)
        .await;
    Ok(view)
}

/// The independent chair's decision: whether to initiate a review, justified either way.
pub async fn record_threshold_decision(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    draft: ThresholdDecisionDraft,
) -> AppResult<ReviewView> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let current = find_visible(&txn, actor, id).await?;
    if current.decision.is_some() {
        return Err(AppError::Conflict(
            "A threshold decision is already recorded for this review.".into(),
        ));
    }
    let draft = draft.validate(current.notified_on, state.today())?;
    let changes = review::ActiveModel {
        decision: Set(Some(draft.decision.code().to_owned())),
        decision_justification: Set(Some(draft.justification)),
        decided_on: Set(Some(draft.decided_on)),
        decided_by: Set(Some(actor.user_id.clone())),
        ..Default::default()
    };
    let row = save_versioned(&txn, id, current.version, changes).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("review.threshold_decision", "review", id),
    )
    .await?;
    let view = one_view(&txn, row, state.today()).await?;
    txn.commit().await?;
    state
        .changed(rc, &view.review.id, ChangeKind::Review, None)
        .await;
    Ok(view)
}

/// Records that the national panel was told of the decision (with the lead reviewers'
/// names when a review is initiated).
pub async fn record_panel_notification(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    draft: PanelNotificationDraft,
) -> AppResult<ReviewView> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let current = find_visible(&txn, actor, id).await?;
    if current.panel_notified_on.is_some() {
        return Err(AppError::Conflict(
            "The panel notification is already recorded for this review.".into(),
        ));
    }
    let decision = decision_of(&current)?.zip(current.decided_on);
    let draft = draft.validate(decision, state.today())?;
    let changes = review::ActiveModel {
        panel_notified_on: Set(Some(draft.notified_on)),
        panel_lead_reviewer_names: Set(json_list(&draft.lead_reviewer_names)),
        ..Default::default()
    };
    let row = save_versioned(&txn, id, current.version, changes).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("review.panel_notification", "review", id),
    )
    .await?;
    let view = one_view(&txn, row, state.today()).await?;
    txn.commit().await?;
    state
        .changed(rc, &view.review.id, ChangeKind::Review, None)
        .await;
    Ok(view)
}

/// The business office asks the review's agencies for their chronology returns by
/// `due_on` (or, with `None`, withdraws the date). Version-checked like every review edit.
pub async fn ask_for_returns(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    version: i32,
    due_on: Option<NaiveDate>,
) -> AppResult<ReviewView> {
    let actor = rc.actor()?;
    if let Some(due_on) = due_on {
        shared::work::check_returns_due(due_on, state.today())?;
    }
    let txn = begin_write(&state.db).await?;
    let current = find_visible(&txn, actor, id).await?;
    let changes = review::ActiveModel {
        returns_due_on: Set(due_on),
        ..Default::default()
    };
    let row = save_versioned(&txn, &current.id, version, changes).await?;
    audit_log::append(&txn, rc, Event::new("review.returns_due", "review", id)).await?;
    let view = one_view(&txn, row, state.today()).await?;
    txn.commit().await?;
    state
        .changed(rc, &view.review.id, ChangeKind::Review, None)
        .await;
    Ok(view)
}

/// Records that an initiated review was completed or its report published.
pub async fn record_event(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    event: ReviewEvent,
    on: NaiveDate,
) -> AppResult<ReviewView> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let current = find_visible(&txn, actor, id).await?;
    let mut p = Problems::new();
    shared::reviews::input::past_date(&mut p, "on", on, state.today());
    let Some(decided_on) = current
        .decided_on
        .filter(|_| current.decision.as_deref() == Some(ThresholdDecision::Initiate.code()))
    else {
        return Err(AppError::validation(
            "event",
            "only a review the chair decided to initiate can be completed or published",
        ));
    };
    if on < decided_on {
        p.push("on", "must not be before the threshold decision");
    }
    let mut changes = <review::ActiveModel as Default>::default();
    match event {
        ReviewEvent::Completed => changes.completed_on = Set(Some(on)),
        ReviewEvent::Published => {
            if let Some(done) = current.completed_on.filter(|done| on < *done) {
                p.push(
                    "on",
                    format!("must not be before the review was completed ({done})"),
                );
            }
            changes.published_on = Set(Some(on));
        }
        _ => p.push(
            "event",
            "only COMPLETED or PUBLISHED can be recorded this way",
        ),
    }
    p.into_result()?;
    let row = save_versioned(&txn, id, current.version, changes).await?;
    let action = format!("review.{}", event.code().to_lowercase());
    audit_log::append(&txn, rc, Event::new(&action, "review", id)).await?;
    let view = one_view(&txn, row, state.today()).await?;
    txn.commit().await?;
    state
        .changed(rc, &view.review.id, ChangeKind::Review, None)
        .await;
    Ok(view)
}

pub async fn regimes(db: &DatabaseConnection) -> AppResult<Vec<regime::Model>> {
    Ok(regime::Entity::find()
        .order_by_asc(regime::Column::Code)
        .all(db)
        .await?)
}
