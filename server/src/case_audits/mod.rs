//! Multi-agency case audits: the programme of themes, the audit pool, and an audit (a review
//! of an audit kind) with its theme, auditors, sample of cases and each agency's grades,
//! read back as a heatmap and against the theme's earlier audit. The rules are
//! `shared::case_audits`'s; who sees and keeps what is the review's
//! (`shared::chronology::access`): the office and the review's lead reviewers set the audit
//! up and read every agency's grades; an agency's grades are kept with its return by
//! whoever keeps that return, while it is a draft or reopened. Every write is one
//! transaction with its audit row.

pub mod document;
pub mod graphql;

use crate::audit_log::{self, Event};
use crate::chronology::service::{ensure_editable, kept_return, RowLock};
use crate::context::RequestContext;
use crate::db::begin_write;
use crate::entities::{
    action, agency, app_user, audit_grade, audit_pool_member, audit_question, audit_theme,
    case_audit, case_audit_auditor, case_audit_case, case_audit_grade, case_audit_meeting,
    chronology_entry, chronology_return, indicator, review, review_agency, review_member,
};
use crate::error::{AppError, AppResult};
use crate::reviews::service::{find_visible_with_membership, json_list, parse_list};
use crate::state::AppState;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use shared::auth::{Actor, Role};
use shared::case_audits::{
    check_case, check_evidence, check_meeting, check_theme, is_audit_kind, movement, tally,
    theme_from_hot_spot, AuditStage, CaseDraft, Cell, GivenGrade, GradeTone, MeetingDraft,
    Movement, ThemeDraft, MAX_AUDITORS, MAX_CASES, MAX_POOL, MAX_THEMES_PER_YEAR,
};
use shared::chronology::access;
use shared::reviews::{ReviewKind, ReviewRole};
use std::collections::{BTreeMap, HashMap, HashSet};

const THEME: &str = "Audit theme";
const CASE: &str = "Audit case";
const SUBMITTED: &str = "SUBMITTED";

/// Who reads the programme and the pool: everyone who reads action plans.
fn reads_programme(actor: &Actor) -> bool {
    actor.has_any(&[
        Role::BusinessOffice,
        Role::IndependentChair,
        Role::AgencyLead,
        Role::AgencyRepresentative,
    ])
}

/// Who sets the programme and keeps the pool: the business office.
fn keeps_programme(actor: &Actor) -> bool {
    actor.has(Role::BusinessOffice)
}

// ---------------------------------------------------------------------------------------
// The programme
// ---------------------------------------------------------------------------------------

/// A theme with the audits run on it that the person may see.
#[derive(Debug, Clone)]
pub struct ThemeView {
    pub row: audit_theme::Model,
    pub audits: Vec<review::Model>,
    /// The theme it re-audits, if any.
    pub revisits: Option<audit_theme::Model>,
    /// The indicator whose hot spot proposed it, while that indicator exists.
    pub source_indicator: Option<indicator::Model>,
}

/// The years that have themes, newest first.
pub async fn programme_years(state: &AppState, rc: &RequestContext) -> AppResult<Vec<i32>> {
    let actor = rc.actor()?;
    if !reads_programme(actor) {
        return Err(AppError::Forbidden);
    }
    crate::db::years_of::<audit_theme::Entity, _>(&state.db, audit_theme::Column::Year).await
}

/// A year's themes by planned date then name, each with its audits.
pub async fn programme(
    state: &AppState,
    rc: &RequestContext,
    year: i32,
) -> AppResult<Vec<ThemeView>> {
    let actor = rc.actor()?;
    if !reads_programme(actor) {
        return Err(AppError::Forbidden);
    }
    let themes = audit_theme::Entity::find()
        .filter(audit_theme::Column::Year.eq(year))
        .order_by_asc(audit_theme::Column::PlannedFor)
        .order_by_asc(audit_theme::Column::Name)
        .all(&state.db)
        .await?;
    theme_views(&state.db, actor, themes).await
}

async fn theme_views<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    themes: Vec<audit_theme::Model>,
) -> AppResult<Vec<ThemeView>> {
    let ids: Vec<String> = themes.iter().map(|t| t.id.clone()).collect();
    let links = case_audit::Entity::find()
        .filter(case_audit::Column::ThemeId.is_in(ids))
        .all(db)
        .await?;
    let reviews = crate::reviews::service::visible_among(
        db,
        actor,
        links.iter().map(|l| l.review_id.clone()).collect(),
    )
    .await?;
    let revisit_ids: Vec<String> = themes
        .iter()
        .filter_map(|t| t.revisits_id.clone())
        .collect();
    let revisited: HashMap<String, audit_theme::Model> = audit_theme::Entity::find()
        .filter(audit_theme::Column::Id.is_in(revisit_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id.clone(), t))
        .collect();
    let source_ids: Vec<String> = themes
        .iter()
        .filter_map(|t| t.source_indicator_id.clone())
        .collect();
    let sources: HashMap<String, indicator::Model> = if source_ids.is_empty() {
        HashMap::new()
    } else {
        indicator::Entity::find()
            .filter(indicator::Column::Id.is_in(source_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|i| (i.id.clone(), i))
            .collect()
    };
    Ok(themes
        .into_iter()
        .map(|row| {
            let mut audits: Vec<review::Model> = links
                .iter()
                .filter(|l| l.theme_id == row.id)
                .filter_map(|l| reviews.get(&l.review_id).cloned())
                .collect();
            audits.sort_by(|a, b| a.reference.cmp(&b.reference));
            let revisits = row
                .revisits_id
                .as_ref()
                .and_then(|id| revisited.get(id).cloned());
            let source_indicator = row
                .source_indicator_id
                .as_ref()
                .and_then(|id| sources.get(id).cloned());
            ThemeView {
                row,
                audits,
                revisits,
                source_indicator,
            }
        })
        .collect())
}

fn stale_theme() -> AppError {
    AppError::changed_since_opened("this theme")
}

fn apply_theme(am: &mut audit_theme::ActiveModel, d: ThemeDraft) {
    am.year = Set(d.year);
    am.name = Set(d.name);
    am.terms_of_reference = Set(d.terms_of_reference);
    am.question = Set(d.question);
    am.planned_for = Set(d.planned_for);
    am.revisits_id = Set(d.revisits_id);
}

/// The theme a new or changed theme re-audits must be of an earlier year (and not itself).
async fn check_revisits<C: ConnectionTrait>(
    db: &C,
    draft: &ThemeDraft,
    own_id: Option<&str>,
) -> AppResult<()> {
    let Some(id) = draft.revisits_id.as_deref() else {
        return Ok(());
    };
    let earlier = audit_theme::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .filter(|t| Some(t.id.as_str()) != own_id);
    match earlier {
        Some(t) if t.year < draft.year => Ok(()),
        Some(_) => Err(AppError::validation(
            "revisitsId",
            "must be a theme of an earlier year's programme",
        )),
        None => Err(AppError::validation("revisitsId", "no such theme")),
    }
}

/// Adds a theme to a year's programme (the office).
pub async fn record_theme(
    state: &AppState,
    rc: &RequestContext,
    draft: ThemeDraft,
) -> AppResult<ThemeView> {
    let actor = rc.actor()?;
    if !keeps_programme(actor) {
        return Err(AppError::Forbidden);
    }
    let draft = check_theme(draft)?;
    let txn = begin_write(&state.db).await?;
    let view = insert_theme(&txn, rc, actor, draft, None).await?;
    txn.commit().await?;
    Ok(view)
}

/// Writes a checked theme (and its audit row) in `txn`, within the year's limit.
async fn insert_theme(
    txn: &sea_orm::DatabaseTransaction,
    rc: &RequestContext,
    actor: &Actor,
    draft: ThemeDraft,
    source_indicator_id: Option<String>,
) -> AppResult<ThemeView> {
    check_revisits(txn, &draft, None).await?;
    let kept = audit_theme::Entity::find()
        .filter(audit_theme::Column::Year.eq(draft.year))
        .count(txn)
        .await?;
    if kept >= MAX_THEMES_PER_YEAR {
        return Err(AppError::validation(
            "year",
            format!("a year's programme has at most {MAX_THEMES_PER_YEAR} themes"),
        ));
    }
    let now = crate::db::now();
    let id = uuid::Uuid::new_v4().to_string();
    let mut am = audit_theme::ActiveModel {
        id: Set(id.clone()),
        version: Set(1),
        source_indicator_id: Set(source_indicator_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    apply_theme(&mut am, draft);
    let row = am.insert(txn).await?;
    audit_log::append(
        txn,
        rc,
        Event::new("audit_theme.create", "audit_theme", &id),
    )
    .await?;
    let view = theme_views(txn, actor, vec![row]).await?;
    view.into_iter().next().ok_or(AppError::NotFound(THEME))
}

/// Proposes a theme for `year`'s programme from a performance indicator that is a hot
/// spot (the office), in one step: named after the indicator, asking what lies behind what
/// its chart shows (`shared::case_audits::theme_from_hot_spot`). Refused for an indicator
/// that is not a hot spot, and for one already proposed for that year.
pub async fn propose_theme_from_indicator(
    state: &AppState,
    rc: &RequestContext,
    indicator_id: &str,
    year: i32,
) -> AppResult<ThemeView> {
    let actor = rc.actor()?;
    if !keeps_programme(actor) {
        return Err(AppError::Forbidden);
    }
    let txn = begin_write(&state.db).await?;
    let view = crate::performance::service::get(&txn, indicator_id).await?;
    if !view.is_hot_spot() {
        return Err(AppError::validation(
            "indicatorId",
            "this indicator is not a hot spot: add a theme on the audit programme instead",
        ));
    }
    if let Some(earlier) = audit_theme::Entity::find()
        .filter(audit_theme::Column::Year.eq(year))
        .filter(audit_theme::Column::SourceIndicatorId.eq(indicator_id.to_owned()))
        .one(&txn)
        .await?
    {
        return Err(AppError::validation(
            "indicatorId",
            format!(
                "already proposed for {year} as \u{201c}{}\u{201d}",
                earlier.name
            ),
        ));
    }
    let draft = check_theme(theme_from_hot_spot(year, &view.hot_spot()))?;
    let theme = insert_theme(&txn, rc, actor, draft, Some(indicator_id.to_owned())).await?;
    txn.commit().await?;
    Ok(theme)
}

/// Changes a theme if it is still at `version`.
pub async fn update_theme(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    version: i32,
    draft: ThemeDraft,
) -> AppResult<ThemeView> {
    let actor = rc.actor()?;
    if !keeps_programme(actor) {
        return Err(AppError::Forbidden);
    }
    let draft = check_theme(draft)?;
    let txn = begin_write(&state.db).await?;
    check_revisits(&txn, &draft, Some(id)).await?;
    let mut am = audit_theme::ActiveModel {
        updated_at: Set(crate::db::now()),
        ..Default::default()
    };
    apply_theme(&mut am, draft);
    let row = crate::db::save_at_version::<audit_theme::Entity, _>(
        &txn,
        am,
        (audit_theme::Column::Id, audit_theme::Column::Version),
        id,
        version,
        THEME,
        stale_theme,
    )
    .await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("audit_theme.update", "audit_theme", id),
    )
    .await?;
    let view = theme_views(&txn, actor, vec![row]).await?;
    txn.commit().await?;
    view.into_iter().next().ok_or(AppError::NotFound(THEME))
}

/// Deletes a theme no audit is run on, if it is still at `version`.
pub async fn delete_theme(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    version: i32,
) -> AppResult<()> {
    let actor = rc.actor()?;
    if !keeps_programme(actor) {
        return Err(AppError::Forbidden);
    }
    let txn = begin_write(&state.db).await?;
    let audits = case_audit::Entity::find()
        .filter(case_audit::Column::ThemeId.eq(id))
        .count(&txn)
        .await?;
    if audits > 0 {
        return Err(AppError::validation(
            "id",
            format!(
                "{audits} {} run on this theme: give {} another theme first",
                if audits == 1 {
                    "audit is"
                } else {
                    "audits are"
                },
                if audits == 1 { "it" } else { "them" }
            ),
        ));
    }
    crate::db::delete_at_version::<audit_theme::Entity, _>(
        &txn,
        audit_theme::Column::Id,
        audit_theme::Column::Version,
        id,
        version,
        THEME,
        stale_theme,
    )
    .await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("audit_theme.delete", "audit_theme", id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The audit pool
// ---------------------------------------------------------------------------------------

/// A person of the pool with their agency and the audits they were chosen for.
#[derive(Debug, Clone)]
pub struct Auditor {
    pub person: app_user::Model,
    pub agency: Option<agency::Model>,
    pub audits_done: u64,
}

/// The pool, by agency then name.
pub async fn pool(state: &AppState, rc: &RequestContext) -> AppResult<Vec<Auditor>> {
    let actor = rc.actor()?;
    if !reads_programme(actor) {
        return Err(AppError::Forbidden);
    }
    let ids: Vec<String> = audit_pool_member::Entity::find()
        .all(&state.db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    auditors(&state.db, ids).await
}

/// The people `ids` as auditors, by agency name then name.
async fn auditors<C: ConnectionTrait>(db: &C, ids: Vec<String>) -> AppResult<Vec<Auditor>> {
    let people = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(ids.clone()))
        .all(db)
        .await?;
    let agencies: HashMap<String, agency::Model> = agency::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect();
    let mut done: HashMap<String, u64> = HashMap::new();
    for row in case_audit_auditor::Entity::find()
        .filter(case_audit_auditor::Column::UserId.is_in(ids))
        .all(db)
        .await?
    {
        *done.entry(row.user_id).or_default() += 1;
    }
    let mut list: Vec<Auditor> = people
        .into_iter()
        .map(|person| Auditor {
            agency: person
                .agency_id
                .as_ref()
                .and_then(|a| agencies.get(a).cloned()),
            audits_done: done.get(&person.id).copied().unwrap_or(0),
            person,
        })
        .collect();
    list.sort_by(|a, b| {
        let name = |x: &Auditor| {
            x.agency
                .as_ref()
                .map(|a| a.name.clone())
                .unwrap_or_default()
        };
        name(a)
            .cmp(&name(b))
            .then_with(|| a.person.display_name.cmp(&b.person.display_name))
    });
    Ok(list)
}

/// Adds a person with an active account and an agency to the pool (the office).
pub async fn add_to_pool(state: &AppState, rc: &RequestContext, user_id: &str) -> AppResult<()> {
    let actor = rc.actor()?;
    if !keeps_programme(actor) {
        return Err(AppError::Forbidden);
    }
    let txn = begin_write(&state.db).await?;
    let person = app_user::Entity::find_by_id(user_id.to_owned())
        .one(&txn)
        .await?
        .filter(|u| u.active)
        .ok_or_else(|| AppError::validation("userId", "no such person with an active account"))?;
    if person.agency_id.is_none() {
        return Err(AppError::validation(
            "userId",
            "audits are by agency: give this person an agency first",
        ));
    }
    if audit_pool_member::Entity::find_by_id(user_id.to_owned())
        .one(&txn)
        .await?
        .is_some()
    {
        return Ok(());
    }
    if audit_pool_member::Entity::find().count(&txn).await? >= MAX_POOL {
        return Err(AppError::validation(
            "userId",
            format!("the pool has at most {MAX_POOL} people"),
        ));
    }
    audit_pool_member::ActiveModel {
        user_id: Set(user_id.to_owned()),
        added_at: Set(crate::db::now()),
    }
    .insert(&txn)
    .await?;
    audit_log::append(&txn, rc, Event::new("audit_pool.add", "app_user", user_id)).await?;
    txn.commit().await?;
    Ok(())
}

/// Takes a person out of the pool (the audits they did stay theirs).
pub async fn remove_from_pool(
    state: &AppState,
    rc: &RequestContext,
    user_id: &str,
) -> AppResult<()> {
    let actor = rc.actor()?;
    if !keeps_programme(actor) {
        return Err(AppError::Forbidden);
    }
    let txn = begin_write(&state.db).await?;
    let removed = audit_pool_member::Entity::delete_by_id(user_id.to_owned())
        .exec(&txn)
        .await?;
    if removed.rows_affected == 0 {
        return Err(AppError::NotFound("Audit pool member"));
    }
    audit_log::append(
        &txn,
        rc,
        Event::new("audit_pool.remove", "app_user", user_id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The audit tool
// ---------------------------------------------------------------------------------------

/// The questions in use, by stage and position, and the scale.
#[derive(Debug, Clone)]
pub struct Tool {
    pub questions: Vec<(AuditStage, audit_question::Model)>,
    pub grades: Vec<(GradeTone, audit_grade::Model)>,
}

pub async fn tool<C: ConnectionTrait>(db: &C) -> AppResult<Tool> {
    let mut questions = audit_question::Entity::find()
        .filter(audit_question::Column::Retired.eq(false))
        .order_by_asc(audit_question::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|q| Ok((crate::db::stored::<AuditStage>(&q.stage)?, q)))
        .collect::<AppResult<Vec<_>>>()?;
    let stage_order = |s: AuditStage| AuditStage::ALL.iter().position(|x| *x == s);
    questions.sort_by_key(|(s, q)| (stage_order(*s), q.position));
    let grades = audit_grade::Entity::find()
        .order_by_asc(audit_grade::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|g| Ok((crate::db::stored::<GradeTone>(&g.tone)?, g)))
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Tool { questions, grades })
}

// ---------------------------------------------------------------------------------------
// An audit
// ---------------------------------------------------------------------------------------

/// An audit as the person may see it.
#[derive(Debug, Clone)]
pub struct AuditView {
    pub review: review::Model,
    pub membership: Option<ReviewRole>,
    pub link: Option<case_audit::Model>,
    pub theme: Option<ThemeView>,
    pub auditors: Vec<Auditor>,
    pub cases: Vec<case_audit_case::Model>,
    /// The grades the person may read: every agency's for those who see all returns, their
    /// own agency's for those who keep its return.
    pub grades: Vec<case_audit_grade::Model>,
    /// The agency the person grades for, when they keep its return.
    pub grading_agency: Option<String>,
    /// Whether the person may set the audit up and read every agency's grades.
    pub collates: bool,
    /// The audit meeting and its report, once recorded.
    pub meeting: Option<case_audit_meeting::Model>,
}

/// A review of an audit kind the person may see, with their part in it.
async fn audit_review<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    review_id: &str,
) -> AppResult<(review::Model, Option<ReviewRole>)> {
    let (review, membership) = find_visible_with_membership(db, actor, review_id).await?;
    let kind: ReviewKind = crate::db::stored(&review.kind)?;
    if !is_audit_kind(kind) {
        return Err(AppError::validation(
            "reviewId",
            format!(
                "a {} is not an audit: only a multi-agency case audit or a thematic audit has a theme, a sample and grades",
                kind.label().to_lowercase()
            ),
        ));
    }
    Ok((review, membership))
}

/// The audit of a review of an audit kind.
pub async fn audit(state: &AppState, rc: &RequestContext, review_id: &str) -> AppResult<AuditView> {
    let actor = rc.actor()?;
    let (review, membership) = audit_review(&state.db, actor, review_id).await?;
    audit_view(&state.db, actor, review, membership).await
}

async fn audit_view<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    review: review::Model,
    membership: Option<ReviewRole>,
) -> AppResult<AuditView> {
    let link = case_audit::Entity::find_by_id(review.id.clone())
        .one(db)
        .await?;
    let theme = match &link {
        Some(l) => {
            let rows = audit_theme::Entity::find_by_id(l.theme_id.clone())
                .all(db)
                .await?;
            theme_views(db, actor, rows).await?.into_iter().next()
        }
        None => None,
    };
    let auditor_ids = case_audit_auditor::Entity::find()
        .filter(case_audit_auditor::Column::ReviewId.eq(review.id.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.user_id)
        .collect();
    let cases = cases_of(db, &review.id).await?;
    let sees_all = access::sees_all_returns(actor, membership);
    let grading_agency = actor
        .agency_id
        .clone()
        .filter(|a| access::keeps_return(actor, membership, a));
    let mut grades = case_audit_grade::Entity::find()
        .filter(case_audit_grade::Column::ReviewId.eq(review.id.clone()));
    if !sees_all {
        grades = grades.filter(
            case_audit_grade::Column::AgencyId.eq(grading_agency.clone().unwrap_or_default()),
        );
    }
    let grades = grades.all(db).await?;
    let meeting = case_audit_meeting::Entity::find_by_id(review.id.clone())
        .one(db)
        .await?;
    Ok(AuditView {
        meeting,
        auditors: auditors(db, auditor_ids).await?,
        collates: access::collates(actor, membership),
        review,
        membership,
        link,
        theme,
        cases,
        grades,
        grading_agency,
    })
}

/// The cases of an audit's sample, in order (none for a case review).
pub async fn cases_of<C: ConnectionTrait>(
    db: &C,
    review_id: &str,
) -> AppResult<Vec<case_audit_case::Model>> {
    Ok(case_audit_case::Entity::find()
        .filter(case_audit_case::Column::ReviewId.eq(review_id))
        .order_by_asc(case_audit_case::Column::Position)
        .all(db)
        .await?)
}

/// The agencies taking part in a review.
async fn agencies_of<C: ConnectionTrait>(db: &C, review_id: &str) -> AppResult<Vec<String>> {
    Ok(review_agency::Entity::find()
        .filter(review_agency::Column::ReviewId.eq(review_id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.agency_id)
        .collect())
}

/// An audit the person sets up (the office, the review's lead reviewers); one they may
/// not see answers as missing, one they see but may not set up is FORBIDDEN.
async fn collated_audit<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    review_id: &str,
) -> AppResult<(review::Model, Option<ReviewRole>)> {
    let (review, membership) = audit_review(db, actor, review_id).await?;
    if !access::collates(actor, membership) {
        return Err(AppError::Forbidden);
    }
    Ok((review, membership))
}

fn stale_audit() -> AppError {
    AppError::changed_since_opened("this audit's theme or auditors")
}

/// Gives an audit its theme and chooses its auditors from the pool. Each auditor's agency
/// must take part in the audit; an auditor who is not yet a member of the review becomes
/// one (so they can grade their agency's cases). `version` is the audit's (0 before it
/// has a theme).
pub async fn set_audit(
    state: &AppState,
    rc: &RequestContext,
    review_id: &str,
    version: i32,
    theme_id: &str,
    auditor_ids: Vec<String>,
) -> AppResult<AuditView> {
    let actor = rc.actor()?;
    if auditor_ids.len() > MAX_AUDITORS {
        return Err(AppError::validation(
            "auditorIds",
            format!("choose at most {MAX_AUDITORS} auditors"),
        ));
    }
    let txn = begin_write(&state.db).await?;
    let (review, membership) = collated_audit(&txn, actor, review_id).await?;
    if audit_theme::Entity::find_by_id(theme_id.to_owned())
        .one(&txn)
        .await?
        .is_none()
    {
        return Err(AppError::validation("themeId", "no such theme"));
    }
    let in_pool: HashSet<String> = audit_pool_member::Entity::find()
        .filter(audit_pool_member::Column::UserId.is_in(auditor_ids.clone()))
        .all(&txn)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    let people: HashMap<String, app_user::Model> = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(auditor_ids.clone()))
        .all(&txn)
        .await?
        .into_iter()
        .map(|u| (u.id.clone(), u))
        .collect();
    let taking_part = agencies_of(&txn, review_id).await?;
    let mut p = shared::Problems::new();
    let mut seen = HashSet::new();
    for (i, id) in auditor_ids.iter().enumerate() {
        let field = format!("auditorIds.{i}");
        match people.get(id) {
            _ if !seen.insert(id) => p.push(field, "is chosen twice"),
            Some(person) if !in_pool.contains(id) => p.push(
                field,
                format!("{} is not in the audit pool", person.display_name),
            ),
            Some(person) if !person.active => p.push(
                field,
                format!("{}'s account is not active", person.display_name),
            ),
            Some(person)
                if !person
                    .agency_id
                    .as_ref()
                    .is_some_and(|a| taking_part.contains(a)) =>
            {
                p.push(
                    field,
                    format!(
                        "{}'s agency is not taking part in the audit: add it to the review first",
                        person.display_name
                    ),
                )
            }
            Some(_) => {}
            None => p.push(field, "no such person"),
        }
    }
    p.into_result()?;
    let now = crate::db::now();
    match case_audit::Entity::find_by_id(review_id.to_owned())
        .one(&txn)
        .await?
    {
        None if version == 0 => {
            case_audit::ActiveModel {
                review_id: Set(review_id.to_owned()),
                theme_id: Set(theme_id.to_owned()),
                version: Set(1),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
        None => return Err(stale_audit()),
        Some(_) => {
            crate::db::update_at_version::<case_audit::Entity, _>(
                &txn,
                case_audit::ActiveModel {
                    theme_id: Set(theme_id.to_owned()),
                    updated_at: Set(now),
                    ..Default::default()
                },
                case_audit::Column::ReviewId,
                case_audit::Column::Version,
                review_id,
                version,
                stale_audit,
            )
            .await?;
        }
    }
    // Auditors become members of the review; one taken off loses the membership choosing
    // them made (and with it the cases), never one they had before.
    let before: HashMap<String, bool> = case_audit_auditor::Entity::find()
        .filter(case_audit_auditor::Column::ReviewId.eq(review_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|a| (a.user_id, a.made_member))
        .collect();
    let taken_off: Vec<String> = before
        .iter()
        .filter(|(id, made)| **made && !auditor_ids.contains(*id))
        .map(|(id, _)| id.clone())
        .collect();
    if !taken_off.is_empty() {
        review_member::Entity::delete_many()
            .filter(review_member::Column::ReviewId.eq(review_id))
            .filter(review_member::Column::UserId.is_in(taken_off))
            .filter(review_member::Column::Role.eq(ReviewRole::Member.code()))
            .exec(&txn)
            .await?;
    }
    case_audit_auditor::Entity::delete_many()
        .filter(case_audit_auditor::Column::ReviewId.eq(review_id))
        .exec(&txn)
        .await?;
    let members: HashSet<String> = review_member::Entity::find()
        .filter(review_member::Column::ReviewId.eq(review_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    for id in &auditor_ids {
        // Made a member now, or kept as one a choosing made earlier.
        let made_member = !members.contains(id) || before.get(id).copied().unwrap_or(false);
        case_audit_auditor::ActiveModel {
            review_id: Set(review_id.to_owned()),
            user_id: Set(id.clone()),
            made_member: Set(made_member),
        }
        .insert(&txn)
        .await?;
        if !members.contains(id) {
            review_member::ActiveModel {
                review_id: Set(review_id.to_owned()),
                user_id: Set(id.clone()),
                role: Set(ReviewRole::Member.code().to_owned()),
            }
            .insert(&txn)
            .await?;
        }
    }
    audit_log::append(&txn, rc, Event::new("case_audit.set", "review", review_id)).await?;
    let view = audit_view(&txn, actor, review, membership).await?;
    txn.commit().await?;
    Ok(view)
}

fn stale_case() -> AppError {
    AppError::changed_since_opened("this case")
}

fn apply_case(am: &mut case_audit_case::ActiveModel, d: CaseDraft) {
    am.label = Set(d.label);
    am.why_chosen = Set(d.why_chosen);
    am.agency_ids = Set(json_list(&d.agency_ids));
}

/// Adds a case to an audit's sample.
pub async fn record_case(
    state: &AppState,
    rc: &RequestContext,
    review_id: &str,
    draft: CaseDraft,
) -> AppResult<case_audit_case::Model> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    collated_audit(&txn, actor, review_id).await?;
    let draft = check_case(draft, &agencies_of(&txn, review_id).await?)?;
    let cases = cases_of(&txn, review_id).await?;
    if cases.len() as u64 >= MAX_CASES {
        return Err(AppError::validation(
            "reviewId",
            format!("an audit's sample has at most {MAX_CASES} cases"),
        ));
    }
    let now = crate::db::now();
    let id = uuid::Uuid::new_v4().to_string();
    let mut am = case_audit_case::ActiveModel {
        id: Set(id.clone()),
        review_id: Set(review_id.to_owned()),
        position: Set(cases.iter().map(|c| c.position).max().unwrap_or(0) + 1),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    apply_case(&mut am, draft);
    let row = am.insert(&txn).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("case_audit.case.create", "review", review_id),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// A case of an audit the person sets up.
async fn collated_case<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: &str,
) -> AppResult<case_audit_case::Model> {
    let row = case_audit_case::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or(AppError::NotFound(CASE))?;
    collated_audit(db, actor, &row.review_id)
        .await
        .map_err(|e| match e {
            AppError::NotFound(_) => AppError::NotFound(CASE),
            other => other,
        })?;
    Ok(row)
}

/// Changes a case if it is still at `version`. An agency taken off the case loses the
/// grades it gave the case.
pub async fn update_case(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    version: i32,
    draft: CaseDraft,
) -> AppResult<case_audit_case::Model> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let current = collated_case(&txn, actor, id).await?;
    let draft = check_case(draft, &agencies_of(&txn, &current.review_id).await?)?;
    case_audit_grade::Entity::delete_many()
        .filter(case_audit_grade::Column::CaseId.eq(id))
        .filter(case_audit_grade::Column::AgencyId.is_not_in(draft.agency_ids.clone()))
        .exec(&txn)
        .await?;
    let mut am = case_audit_case::ActiveModel {
        updated_at: Set(crate::db::now()),
        ..Default::default()
    };
    apply_case(&mut am, draft);
    let row = crate::db::save_at_version::<case_audit_case::Entity, _>(
        &txn,
        am,
        (
            case_audit_case::Column::Id,
            case_audit_case::Column::Version,
        ),
        id,
        version,
        CASE,
        stale_case,
    )
    .await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("case_audit.case.update", "review", &current.review_id),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Takes a case out of the sample with its grades, if it is still at `version`. Entries
/// about it stay in their returns, naming no case.
pub async fn delete_case(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    version: i32,
) -> AppResult<()> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let current = collated_case(&txn, actor, id).await?;
    if current.version != version {
        return Err(stale_case());
    }
    case_audit_grade::Entity::delete_many()
        .filter(case_audit_grade::Column::CaseId.eq(id))
        .exec(&txn)
        .await?;
    // Agencies' entries about the case are kept, as entries that name no case (their
    // version moves, so every kept merge of the audit is rebuilt).
    chronology_entry::Entity::update_many()
        .col_expr(
            chronology_entry::Column::CaseId,
            sea_orm::sea_query::Expr::value(Option::<String>::None),
        )
        .col_expr(
            chronology_entry::Column::Version,
            sea_orm::sea_query::ExprTrait::add(
                sea_orm::sea_query::Expr::col(chronology_entry::Column::Version),
                1,
            ),
        )
        .filter(chronology_entry::Column::ReviewId.eq(current.review_id.clone()))
        .filter(chronology_entry::Column::CaseId.eq(id))
        .exec(&txn)
        .await?;
    crate::db::delete_at_version::<case_audit_case::Entity, _>(
        &txn,
        case_audit_case::Column::Id,
        case_audit_case::Column::Version,
        id,
        version,
        CASE,
        stale_case,
    )
    .await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("case_audit.case.delete", "review", &current.review_id),
    )
    .await?;
    txn.commit().await?;
    // Whoever has the audit's chronology open reads it again (its entries moved).
    state
        .changed(
            rc,
            &current.review_id,
            crate::events::ChangeKind::Review,
            None,
        )
        .await;
    Ok(())
}

/// The agencies named on a case.
pub fn case_agencies(case: &case_audit_case::Model) -> Vec<String> {
    parse_list(&case.agency_ids)
}

/// Grades one question of one case for the person's agency (or clears the grade when
/// `grade_code` is `None`), with evidence. The person keeps the agency's return for the
/// audit, the return is a draft or reopened, and the case names the agency.
pub async fn save_grade(
    state: &AppState,
    rc: &RequestContext,
    case_id: &str,
    question_id: &str,
    grade_code: Option<&str>,
    evidence: &str,
) -> AppResult<Option<case_audit_grade::Model>> {
    let actor = rc.actor()?;
    let evidence = check_evidence(evidence)?;
    let case = case_audit_case::Entity::find_by_id(case_id.to_owned())
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound(CASE))?;
    let (_, membership) = audit_review(&state.db, actor, &case.review_id)
        .await
        .map_err(|_| AppError::NotFound(CASE))?;
    let Some(agency_id) = actor
        .agency_id
        .clone()
        .filter(|a| access::keeps_return(actor, membership, a))
    else {
        return Err(AppError::Forbidden);
    };
    if !case_agencies(&case).contains(&agency_id) {
        return Err(AppError::validation(
            "caseId",
            format!(
                "{} does not name your agency as involved: ask the business office to add it to the case",
                case.label
            ),
        ));
    }
    // The return is created on first use, as when an entry is first typed.
    let ret = crate::chronology::service::my_return(state, rc, &case.review_id)
        .await?
        .ok_or(AppError::Forbidden)?;
    let txn = begin_write(&state.db).await?;
    let (ret, _) = kept_return(&txn, actor, &ret.id, RowLock::ForUpdate).await?;
    ensure_editable(&ret).map_err(|_| {
        AppError::validation(
            "caseId",
            "your agency's return has been submitted; ask the business office to reopen it before changing grades",
        )
    })?;
    let question = audit_question::Entity::find_by_id(question_id.to_owned())
        .one(&txn)
        .await?
        .filter(|q| !q.retired)
        .ok_or_else(|| AppError::validation("questionId", "no such question in the audit tool"))?;
    let key = (case.id.clone(), agency_id.clone(), question.id.clone());
    let existing = case_audit_grade::Entity::find_by_id(key.clone())
        .one(&txn)
        .await?;
    let saved = match grade_code {
        None => {
            if existing.is_some() {
                case_audit_grade::Entity::delete_by_id(key)
                    .exec(&txn)
                    .await?;
            }
            None
        }
        Some(code) => {
            if audit_grade::Entity::find_by_id(code.to_owned())
                .one(&txn)
                .await?
                .is_none()
            {
                return Err(AppError::validation("grade", "no such grade on the scale"));
            }
            let am = case_audit_grade::ActiveModel {
                review_id: Set(case.review_id.clone()),
                case_id: Set(case.id.clone()),
                agency_id: Set(agency_id.clone()),
                question_id: Set(question.id.clone()),
                grade_code: Set(code.to_owned()),
                evidence: Set(evidence),
                updated_by: Set(Some(actor.user_id.clone())),
                updated_at: Set(crate::db::now()),
            };
            Some(if existing.is_some() {
                am.update(&txn).await?
            } else {
                am.insert(&txn).await?
            })
        }
    };
    audit_log::append(
        &txn,
        rc,
        Event::new("case_audit.grade.save", "chronology_return", &ret.id),
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

// ---------------------------------------------------------------------------------------
// The audit meeting
// ---------------------------------------------------------------------------------------

fn stale_meeting() -> AppError {
    AppError::changed_since_opened("the meeting report")
}

/// Records the audit meeting and its report (the office, lead reviewers), if it is still
/// at `version` (0 before it is first recorded).
pub async fn save_meeting(
    state: &AppState,
    rc: &RequestContext,
    review_id: &str,
    version: i32,
    draft: MeetingDraft,
) -> AppResult<AuditView> {
    let actor = rc.actor()?;
    let draft = check_meeting(draft, state.today())?;
    let txn = begin_write(&state.db).await?;
    let (review, membership) = collated_audit(&txn, actor, review_id).await?;
    let mut am = case_audit_meeting::ActiveModel {
        held_on: Set(draft.held_on),
        attendees: Set(draft.attendees),
        summary_of_learning: Set(draft.summary_of_learning),
        process_comments: Set(draft.process_comments),
        agency_actions: Set(draft.agency_actions),
        multi_agency_action: Set(draft.multi_agency_action),
        updated_at: Set(crate::db::now()),
        ..Default::default()
    };
    let existing = case_audit_meeting::Entity::find_by_id(review_id.to_owned())
        .one(&txn)
        .await?;
    match existing {
        None if version == 0 => {
            am.review_id = Set(review_id.to_owned());
            am.version = Set(1);
            am.insert(&txn).await?;
        }
        None => return Err(stale_meeting()),
        Some(_) => {
            crate::db::update_at_version::<case_audit_meeting::Entity, _>(
                &txn,
                am,
                case_audit_meeting::Column::ReviewId,
                case_audit_meeting::Column::Version,
                review_id,
                version,
                stale_meeting,
            )
            .await?;
        }
    }
    audit_log::append(
        &txn,
        rc,
        Event::new("case_audit.meeting.save", "review", review_id),
    )
    .await?;
    let view = audit_view(&txn, actor, review, membership).await?;
    txn.commit().await?;
    Ok(view)
}

/// The audit report as a Word document (theme, sample, the grades by question and
/// agency, the meeting report, the re-audit), for those who read every agency's grades;
/// the download is recorded in the audit log.
pub async fn report(
    state: &AppState,
    rc: &RequestContext,
    review_id: &str,
) -> AppResult<crate::chronology::export::ExportFile> {
    let actor = rc.actor()?;
    let (review, membership) = audit_review(&state.db, actor, review_id).await?;
    if !access::sees_all_returns(actor, membership) {
        return Err(AppError::Forbidden);
    }
    let view = audit_view(&state.db, actor, review.clone(), membership).await?;
    let tool = tool(&state.db).await?;
    let heat = heatmap_of(&state.db, &review.id, &tones_of(&tool)).await?;
    let re = re_audit(state, rc, review_id).await?;
    let mut doc = document::report(
        &view,
        &tool,
        &heat,
        re.as_ref(),
        &state.config.partnership_name,
        state.today(),
    );
    doc.generated_at = Some(chrono::Utc::now());
    let bytes = crate::summary::document::report_docx(&doc)
        .map_err(|e| AppError::Internal(format!("writing the audit report: {e}")))?;
    state
        .record_read(
            rc,
            Event::new("case_audit.report.download", "review", review_id),
        )
        .await?;
    Ok(crate::chronology::export::ExportFile {
        file_name: format!("audit-report-{}.docx", file_safe(&review.reference)),
        media_type: crate::summary::document::DOCX_CONTENT_TYPE,
        bytes,
    })
}

/// The columns of an audit's workbook of grades.
pub const EXPORT_HEADINGS: [&str; 9] = [
    "Audit", "Theme", "Case", "Agency", "Stage", "Question", "Grade", "Evidence", "Return",
];
const EXPORT_WIDTHS: [f64; 9] = [16.0, 30.0, 28.0, 28.0, 30.0, 50.0, 20.0, 60.0, 12.0];

/// Every grade of an audit as an XLSX workbook, a row per case, agency and question (in
/// the sample's and the tool's order), for those who read every agency's grades; the
/// download is recorded in the audit log.
pub async fn export(
    state: &AppState,
    rc: &RequestContext,
    review_id: &str,
) -> AppResult<crate::chronology::export::ExportFile> {
    let actor = rc.actor()?;
    let (review, membership) = audit_review(&state.db, actor, review_id).await?;
    if !access::sees_all_returns(actor, membership) {
        return Err(AppError::Forbidden);
    }
    let view = audit_view(&state.db, actor, review.clone(), membership).await?;
    let tool = tool(&state.db).await?;
    let agencies: HashMap<String, agency::Model> = agency::Entity::find()
        .filter(agency::Column::Id.is_in(agencies_of(&state.db, review_id).await?))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect();
    let returns: HashMap<String, String> = chronology_return::Entity::find()
        .filter(chronology_return::Column::ReviewId.eq(review_id))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|r| (r.agency_id, r.status))
        .collect();
    let labels: HashMap<&str, &str> = tool
        .grades
        .iter()
        .map(|(_, g)| (g.code.as_str(), g.label.as_str()))
        .collect();
    let theme = view
        .theme
        .as_ref()
        .map(|t| format!("{} ({})", t.row.name, t.row.year))
        .unwrap_or_default();
    let by_key: HashMap<(&str, &str, &str), &case_audit_grade::Model> = view
        .grades
        .iter()
        .map(|g| {
            (
                (
                    g.case_id.as_str(),
                    g.agency_id.as_str(),
                    g.question_id.as_str(),
                ),
                g,
            )
        })
        .collect();
    let mut rows: Vec<[String; 9]> = Vec::new();
    for case in &view.cases {
        for agency_id in case_agencies(case) {
            for (stage, q) in &tool.questions {
                let Some(g) = by_key.get(&(case.id.as_str(), agency_id.as_str(), q.id.as_str()))
                else {
                    continue;
                };
                rows.push([
                    review.reference.clone(),
                    theme.clone(),
                    case.label.clone(),
                    agencies
                        .get(&agency_id)
                        .map_or_else(|| agency_id.clone(), |a| a.name.clone()),
                    stage.label().to_owned(),
                    q.text.clone(),
                    labels
                        .get(g.grade_code.as_str())
                        .map_or_else(|| g.grade_code.clone(), |l| (*l).to_owned()),
                    g.evidence.clone(),
                    match returns.get(&agency_id).map(String::as_str) {
                        Some(SUBMITTED) => "Submitted",
                        Some(_) => "Not submitted",
                        None => "Not started",
                    }
                    .to_owned(),
                ]);
            }
        }
    }
    let bytes = crate::workbook::text_workbook(
        "Grades",
        &format!("Audit grades: {}", review.reference),
        &EXPORT_HEADINGS,
        &EXPORT_WIDTHS,
        &rows,
    )?;
    state
        .record_read(rc, Event::new("case_audit.export", "review", review_id))
        .await?;
    Ok(crate::chronology::export::ExportFile {
        file_name: format!("audit-grades-{}.xlsx", file_safe(&review.reference)),
        media_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    })
}

/// A reference as a file name: letters, digits and dashes.
fn file_safe(reference: &str) -> String {
    reference
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Views: the heatmap and the re-audit
// ---------------------------------------------------------------------------------------

/// Grades by question × agency of one audit's submitted returns.
#[derive(Debug, Clone)]
pub struct Heatmap {
    pub agencies: Vec<agency::Model>,
    pub cells: BTreeMap<(String, String), Cell>,
    /// Agencies whose return is submitted (only their grades are counted).
    pub submitted: Vec<String>,
}

async fn heatmap_of<C: ConnectionTrait>(
    db: &C,
    review_id: &str,
    tones: &HashMap<String, GradeTone>,
) -> AppResult<Heatmap> {
    let submitted = submitted_agencies(db, review_id).await?;
    let grades = case_audit_grade::Entity::find()
        .filter(case_audit_grade::Column::ReviewId.eq(review_id))
        .filter(case_audit_grade::Column::AgencyId.is_in(submitted.clone()))
        .all(db)
        .await?;
    let cells = tally(grades.iter().filter_map(|g| {
        Some(GivenGrade {
            question_id: &g.question_id,
            agency_id: &g.agency_id,
            grade_code: &g.grade_code,
            tone: *tones.get(&g.grade_code)?,
        })
    }));
    let mut agencies = agency::Entity::find()
        .filter(agency::Column::Id.is_in(agencies_of(db, review_id).await?))
        .all(db)
        .await?;
    agencies.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Heatmap {
        agencies,
        cells,
        submitted,
    })
}

/// The agencies whose return for the audit is submitted: only their grades are counted.
async fn submitted_agencies<C: ConnectionTrait>(db: &C, review_id: &str) -> AppResult<Vec<String>> {
    Ok(chronology_return::Entity::find()
        .filter(chronology_return::Column::ReviewId.eq(review_id))
        .filter(chronology_return::Column::Status.eq(SUBMITTED))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.agency_id)
        .collect())
}

fn tones_of(tool: &Tool) -> HashMap<String, GradeTone> {
    tool.grades
        .iter()
        .map(|(t, g)| (g.code.clone(), *t))
        .collect()
}

/// The heatmap of an audit, for those who read every agency's grades.
pub async fn heatmap(
    state: &AppState,
    rc: &RequestContext,
    review_id: &str,
) -> AppResult<Option<Heatmap>> {
    let actor = rc.actor()?;
    let (review, membership) = audit_review(&state.db, actor, review_id).await?;
    if !access::sees_all_returns(actor, membership) {
        return Ok(None);
    }
    let tool = tool(&state.db).await?;
    Ok(Some(
        heatmap_of(&state.db, &review.id, &tones_of(&tool)).await?,
    ))
}

/// One question and agency then and now.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub question_id: String,
    pub agency_id: String,
    pub then: Option<Cell>,
    pub now: Option<Cell>,
    pub movement: Movement,
}

/// An audit against the latest audit of the theme its theme re-audits.
#[derive(Debug, Clone)]
pub struct ReAudit {
    pub earlier: review::Model,
    pub earlier_theme: audit_theme::Model,
    pub rows: Vec<Comparison>,
    /// The earlier audit's actions, with their status now.
    pub actions: Vec<action::Model>,
}

/// The re-audit comparison of an audit, for those who read every agency's grades of both
/// audits: `None` when its theme re-audits nothing, no audit of the earlier theme exists,
/// or the person may not see the earlier audit.
pub async fn re_audit(
    state: &AppState,
    rc: &RequestContext,
    review_id: &str,
) -> AppResult<Option<ReAudit>> {
    let actor = rc.actor()?;
    let db = &state.db;
    let (review, membership) = audit_review(db, actor, review_id).await?;
    if !access::sees_all_returns(actor, membership) {
        return Ok(None);
    }
    let Some(link) = case_audit::Entity::find_by_id(review.id.clone())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(theme) = audit_theme::Entity::find_by_id(link.theme_id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(earlier_theme_id) = theme.revisits_id else {
        return Ok(None);
    };
    let Some(earlier_theme) = audit_theme::Entity::find_by_id(earlier_theme_id.clone())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let earlier_ids: Vec<String> = case_audit::Entity::find()
        .filter(case_audit::Column::ThemeId.eq(earlier_theme_id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.review_id)
        .collect();
    let Some(earlier) = review::Entity::find()
        .filter(review::Column::Id.is_in(earlier_ids))
        .order_by_desc(review::Column::CreatedAt)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Ok((earlier, earlier_membership)) =
        find_visible_with_membership(db, actor, &earlier.id).await
    else {
        return Ok(None);
    };
    if !access::sees_all_returns(actor, earlier_membership) {
        return Ok(None);
    }
    let tool = tool(db).await?;
    let tones = tones_of(&tool);
    let then = heatmap_of(db, &earlier.id, &tones).await?;
    let now = heatmap_of(db, &review.id, &tones).await?;
    let mut agency_ids: Vec<&agency::Model> = now.agencies.iter().collect();
    for a in &then.agencies {
        if !agency_ids.iter().any(|x| x.id == a.id) {
            agency_ids.push(a);
        }
    }
    agency_ids.sort_by(|a, b| a.name.cmp(&b.name));
    let mut rows = Vec::new();
    for (_, q) in &tool.questions {
        for a in &agency_ids {
            let key = (q.id.clone(), a.id.clone());
            let (t, n) = (then.cells.get(&key), now.cells.get(&key));
            if t.is_none() && n.is_none() {
                continue;
            }
            rows.push(Comparison {
                question_id: q.id.clone(),
                agency_id: a.id.clone(),
                movement: movement(t, n),
                then: t.cloned(),
                now: n.cloned(),
            });
        }
    }
    let actions = action::Entity::find()
        .filter(action::Column::ReviewId.eq(earlier.id.clone()))
        .order_by_asc(action::Column::Reference)
        .all(db)
        .await?;
    Ok(Some(ReAudit {
        earlier,
        earlier_theme,
        rows,
        actions,
    }))
}

/// Grades by question across the audits of a theme and of the themes it re-audits, back
/// to the first: each column one audit the person reads every grade of, each cell every
/// agency's submitted grades of that question together.
#[derive(Debug, Clone)]
pub struct ThemeHeatmap {
    /// The audits, oldest theme first.
    pub audits: Vec<(review::Model, audit_theme::Model)>,
    /// By (question id, review id).
    pub cells: BTreeMap<(String, String), Cell>,
}

/// How far back a chain of re-audits is followed.
const MAX_REVISITS: usize = 20;

pub async fn theme_heatmap(
    state: &AppState,
    rc: &RequestContext,
    theme_id: &str,
) -> AppResult<ThemeHeatmap> {
    let actor = rc.actor()?;
    if !reads_programme(actor) {
        return Err(AppError::Forbidden);
    }
    let db = &state.db;
    let mut themes = Vec::new();
    let mut next = Some(theme_id.to_owned());
    while let Some(id) = next.take() {
        if themes.len() >= MAX_REVISITS || themes.iter().any(|t: &audit_theme::Model| t.id == id) {
            break;
        }
        let Some(t) = audit_theme::Entity::find_by_id(id).one(db).await? else {
            break;
        };
        next = t.revisits_id.clone();
        themes.push(t);
    }
    if themes.is_empty() {
        return Err(AppError::NotFound(THEME));
    }
    themes.reverse();
    let links = case_audit::Entity::find()
        .filter(case_audit::Column::ThemeId.is_in(themes.iter().map(|t| t.id.clone())))
        .all(db)
        .await?;
    let mut audits = Vec::new();
    for t in &themes {
        let mut of_theme: Vec<review::Model> = Vec::new();
        for l in links.iter().filter(|l| l.theme_id == t.id) {
            // An audit the person may not see is left out; any other failure is an error.
            match find_visible_with_membership(db, actor, &l.review_id).await {
                Ok((r, membership)) if access::sees_all_returns(actor, membership) => {
                    of_theme.push(r)
                }
                Ok(_) | Err(AppError::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        of_theme.sort_by(|a, b| a.reference.cmp(&b.reference));
        audits.extend(of_theme.into_iter().map(|r| (r, t.clone())));
    }
    let tool = tool(db).await?;
    let tones = tones_of(&tool);
    let mut cells = BTreeMap::new();
    for (r, _) in &audits {
        let grades = case_audit_grade::Entity::find()
            .filter(case_audit_grade::Column::ReviewId.eq(r.id.clone()))
            .filter(case_audit_grade::Column::AgencyId.is_in(submitted_agencies(db, &r.id).await?))
            .all(db)
            .await?;
        cells.extend(tally(grades.iter().filter_map(|g| {
            Some(GivenGrade {
                question_id: &g.question_id,
                agency_id: &r.id,
                grade_code: &g.grade_code,
                tone: *tones.get(&g.grade_code)?,
            })
        })));
    }
    Ok(ThemeHeatmap { audits, cells })
}
