//! The actions an agency plans in its Section 11 self-assessment, standard by standard.
//! They are the action plan's own actions (one data path): a year's Section 11 actions are
//! the plan of the review `S11-<year>` (kind `SECTION_11`, on the partnership's own
//! timetable, made when the year's first action is planned), under one learning point and
//! recommendation per agency and standard. So they are listed, updated, RAG-rated, chased
//! and read through the API as every other action is, by the same rules: the office and
//! the chair see them all, an agency's lead sees its own agency's (an agency's API token
//! too). `s11_action` says which assessment and standard each answers.

use super::{readable, standards_of, status_of};
use crate::actions::plans::{plan_from_source, planned_views};
use crate::actions::service::{checked_action, finish_action, ActionView};
use crate::audit_log::{self, Event};
use crate::context::RequestContext;
use crate::db::begin_write;
use crate::entities::{action, agency, s11_action, s11_answer, s11_assessment};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use chrono::NaiveDate;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use shared::actions::plans::Plan;
use shared::actions::ActionDraft;
use shared::auth::Actor;
use shared::section11::{carried_from, plan_learning, writes};

use std::collections::HashMap;

/// An action planned against a standard: in this assessment, or in the agency's
/// assessment the year before against the standard of the same title (carried forward as
/// its answers are).
#[derive(Debug, Clone)]
pub struct PlannedAction {
    /// The standard of this assessment's year.
    pub standard_id: String,
    /// The year of the assessment it was planned in.
    pub year: i32,
    pub action: ActionView,
}

/// What the agency writes to plan an action: the owner agency is the assessment's.
#[derive(Debug, Clone)]
pub struct PlanDraft {
    pub title: String,
    pub target_on: NaiveDate,
    pub owner_person_id: Option<String>,
    pub impact_audit: Option<String>,
}

/// The actions planned in the assessment `id` (NOT_FOUND unless the person reads it), and
/// in the agency's assessment the year before against the standards of the same titles,
/// that the person sees (by the action plan's rules): last year's first, each year's in
/// the order planned.
pub async fn planned(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
) -> AppResult<Vec<PlannedAction>> {
    planned_in(&state.db, rc.actor()?, id, state.today()).await
}

async fn planned_in<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: &str,
    today: NaiveDate,
) -> AppResult<Vec<PlannedAction>> {
    // An assessment the person may not read answers as missing, as it does everywhere.
    let row = readable(db, actor, id).await?;
    let before = s11_assessment::Entity::find()
        .filter(s11_assessment::Column::AgencyId.eq(row.agency_id.clone()))
        .filter(s11_assessment::Column::Year.eq(row.year - 1))
        .one(db)
        .await?;
    // Last year's standards, by this year's of the same title.
    let mut carried: HashMap<String, String> = HashMap::new();
    if before.is_some() {
        let last: Vec<(String, String)> = standards_of(db, row.year - 1)
            .await?
            .into_iter()
            .map(|s| (s.id, s.title))
            .collect();
        for s in standards_of(db, row.year).await? {
            if let Some(from) = carried_from(&s.title, &last) {
                carried.insert(from.to_owned(), s.id);
            }
        }
    }
    let mut assessments = vec![(row.id.clone(), row.year)];
    assessments.extend(before.map(|b| (b.id, b.year)));
    let years: HashMap<String, i32> = assessments.iter().cloned().collect();
    // (action, (this year's standard, year planned)).
    let links: HashMap<String, (String, i32)> = s11_action::Entity::find()
        .filter(s11_action::Column::AssessmentId.is_in(years.keys().cloned()))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|l| {
            let year = *years.get(&l.assessment_id)?;
            let standard = if year == row.year {
                Some(l.standard_id)
            } else {
                carried.get(&l.standard_id).cloned()
            }?;
            Some((l.action_id, (standard, year)))
        })
        .collect();
    let mut planned: Vec<PlannedAction> =
        planned_views(db, actor, links.keys().cloned().collect(), today)
            .await?
            .into_iter()
            .filter_map(|view| {
                links
                    .get(&view.action.id)
                    .map(|(standard_id, year)| PlannedAction {
                        standard_id: standard_id.clone(),
                        year: *year,
                        action: view,
                    })
            })
            .collect();
    planned.sort_by_key(|p| p.year);
    Ok(planned)
}

/// The agency's lead (or the office) plans an action against one standard while the
/// assessment is being written or has come back. It joins the action plan owned by the
/// agency, numbered within the year's plan (`S11-2026/A3`).
pub async fn plan_action(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    standard_id: &str,
    draft: PlanDraft,
) -> AppResult<ActionView> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let row = readable(&txn, actor, id).await?;
    if !writes(actor, &row.agency_id) {
        return Err(AppError::Forbidden);
    }
    // Locked (PostgreSQL) or the whole database is (SQLite), so two plans against one
    // standard share one learning point.
    let row = s11_assessment::Entity::find_by_id(row.id.clone())
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("Section 11 assessment"))?;
    let status = status_of(&row)?;
    if !status.editable() {
        return Err(AppError::Conflict(format!(
            "This assessment is {}: actions are planned while it is written or after it comes back. The office adds later actions in the action plan.",
            status.label().to_lowercase()
        )));
    }
    let draft = checked_action(
        &txn,
        ActionDraft {
            title: draft.title,
            owner_agency_id: row.agency_id.clone(),
            owner_person_id: draft.owner_person_id,
            target_on: draft.target_on,
            target_date_reason: None,
            impact_audit: draft.impact_audit,
        },
        state.today(),
    )
    .await?;
    let saved = plan_in(
        &txn,
        rc,
        &actor.user_id,
        &row,
        standard_id,
        draft,
        state.today(),
    )
    .await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("section11.action.plan", "s11_assessment", &row.id),
    )
    .await?;
    finish_action(state, rc, txn, saved, "create").await
}

/// Writes a checked action `draft` of the assessment `row` against its standard
/// `standard_id` into the year's plan, under the agency's learning point for the standard
/// (made with the first action), and links it. The caller has checked who may, and
/// finishes the action (history, audit row, commit).
pub(crate) async fn plan_in<C: ConnectionTrait>(
    txn: &C,
    rc: &RequestContext,
    created_by: &str,
    row: &s11_assessment::Model,
    standard_id: &str,
    draft: ActionDraft,
    today: NaiveDate,
) -> AppResult<action::Model> {
    let standards = standards_of(txn, row.year).await?;
    let (number, standard) = standards
        .iter()
        .enumerate()
        .find(|(_, s)| s.id == standard_id)
        .map(|(i, s)| (i + 1, s))
        .ok_or(AppError::NotFound("Standard"))?;
    let earlier: Vec<String> = s11_action::Entity::find()
        .filter(s11_action::Column::AssessmentId.eq(row.id.clone()))
        .filter(s11_action::Column::StandardId.eq(standard.id.clone()))
        .order_by_asc(s11_action::Column::ActionId)
        .select_only()
        .column(s11_action::Column::ActionId)
        .into_tuple()
        .all(txn)
        .await?;
    let learning = async {
        let agency = agency::Entity::find_by_id(row.agency_id.clone())
            .one(txn)
            .await?
            .ok_or(AppError::NotFound("Agency"))?;
        let to_green = s11_answer::Entity::find()
            .filter(s11_answer::Column::AssessmentId.eq(row.id.clone()))
            .filter(s11_answer::Column::StandardId.eq(standard.id.clone()))
            .one(txn)
            .await?
            .map(|a| a.to_green)
            .unwrap_or_default();
        Ok(plan_learning(
            row.year,
            &agency.name,
            number,
            &standard.title,
            &to_green,
        ))
    };
    let saved = plan_from_source(
        txn,
        rc,
        created_by,
        (Plan::Section11, row.year),
        ("standardId", "against one standard"),
        earlier,
        draft,
        today,
        learning,
        |action_id| s11_action::ActiveModel {
            action_id: Set(action_id),
            assessment_id: Set(row.id.clone()),
            standard_id: Set(standard.id.clone()),
        },
    )
    .await?;
    Ok(saved)
}
