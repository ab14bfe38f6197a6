//! Agencies' quality-assurance work: the single-agency audits each agency records, and the
//! annual QA impact report. The business office keeps a template of sections for each
//! year (the framework's five by default) and asks agencies for their reports by a due
//! date; each agency's lead writes under every section (its audits of the year shown
//! beside) and submits; the office accepts the report or returns it with comments. The
//! rules are `shared::qa_reports`'s; every write is one transaction with its audit row.

pub mod graphql;

use crate::audit_log::{self, Event};
use crate::context::RequestContext;
use crate::db::begin_write;
use crate::entities::{
    agency, qa_report, qa_report_answer, qa_report_section, single_agency_audit,
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use shared::auth::Actor;
use shared::qa_reports::{
    check_answer, check_audit, check_decision, check_sections, check_submission, reads,
    scrutinises, writes, AuditDraft, ReportStatus, SectionDraft, DEFAULT_SECTIONS,
    MAX_AUDITS_PER_AGENCY, YEARS,
};
use std::collections::HashMap;

const AUDIT: &str = "Single-agency audit";
const REPORT: &str = "QA impact report";

// ---------------------------------------------------------------------------------------
// Single-agency audits
// ---------------------------------------------------------------------------------------

/// An agency's single-agency audits, newest first, for those who read its QA work.
pub async fn audits(
    state: &AppState,
    rc: &RequestContext,
    agency_id: &str,
) -> AppResult<Vec<single_agency_audit::Model>> {
    let actor = rc.actor()?;
    if !reads(actor, agency_id) {
        return Err(AppError::NotFound("Agency"));
    }
    crate::agencies::service::get(&state.db, agency_id).await?;
    audits_of(&state.db, agency_id, None).await
}

/// An agency's audits (of one calendar year when given), newest first.
async fn audits_of<C: ConnectionTrait>(
    db: &C,
    agency_id: &str,
    year: Option<i32>,
) -> AppResult<Vec<single_agency_audit::Model>> {
    let mut q = single_agency_audit::Entity::find()
        .filter(single_agency_audit::Column::AgencyId.eq(agency_id));
    if let Some(year) = year {
        let (from, to) = year_dates(year)?;
        q = q
            .filter(single_agency_audit::Column::AuditedOn.gte(from))
            .filter(single_agency_audit::Column::AuditedOn.lte(to));
    }
    Ok(q.order_by_desc(single_agency_audit::Column::AuditedOn)
        .order_by_asc(single_agency_audit::Column::Topic)
        .all(db)
        .await?)
}

fn year_dates(year: i32) -> AppResult<(NaiveDate, NaiveDate)> {
    NaiveDate::from_ymd_opt(year, 1, 1)
        .zip(NaiveDate::from_ymd_opt(year, 12, 31))
        .ok_or_else(|| AppError::validation("year", "must be a year between 2000 and 2100"))
}

fn apply_audit(am: &mut single_agency_audit::ActiveModel, d: AuditDraft) {
    am.topic = Set(d.topic);
    am.standard = Set(d.standard);
    am.sample_size = Set(d.sample_size);
    am.audited_on = Set(d.audited_on);
    am.findings = Set(d.findings);
    am.what_changed = Set(d.what_changed);
}

fn stale_audit() -> AppError {
    AppError::changed_since_opened("this audit")
}

/// An audit the person keeps (the agency's lead, the office); one they may not read
/// answers like a missing one.
async fn kept_audit<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    id: &str,
) -> AppResult<single_agency_audit::Model> {
    let row = single_agency_audit::Entity::find_by_id(id.to_owned())
        .lock_exclusive()
        .one(txn)
        .await?
        .filter(|a| reads(actor, &a.agency_id))
        .ok_or(AppError::NotFound(AUDIT))?;
    if !actor.can_keep_agency_qa(&row.agency_id) {
        return Err(AppError::Forbidden);
    }
    Ok(row)
}

/// Records a single-agency audit for `agency_id` (its lead, or the office).
pub async fn record_audit(
    state: &AppState,
    rc: &RequestContext,
    agency_id: &str,
    draft: AuditDraft,
) -> AppResult<single_agency_audit::Model> {
    let actor = rc.actor()?;
    if !actor.can_keep_agency_qa(agency_id) {
        return Err(AppError::Forbidden);
    }
    let draft = check_audit(draft, state.today())?;
    let txn = begin_write(&state.db).await?;
    crate::agencies::service::get(&txn, agency_id).await?;
    let kept = single_agency_audit::Entity::find()
        .filter(single_agency_audit::Column::AgencyId.eq(agency_id))
        .count(&txn)
        .await?;
    if kept >= MAX_AUDITS_PER_AGENCY {
        return Err(AppError::validation(
            "agencyId",
            format!(
                "an agency keeps at most {MAX_AUDITS_PER_AGENCY} audits: delete old ones first"
            ),
        ));
    }
    let now = crate::db::now();
    let id = uuid::Uuid::new_v4().to_string();
    let mut am = single_agency_audit::ActiveModel {
        id: Set(id.clone()),
        agency_id: Set(agency_id.to_owned()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    apply_audit(&mut am, draft);
    let row = am.insert(&txn).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("single_agency_audit.create", "single_agency_audit", &id),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Changes an audit if it is still at `version`.
pub async fn update_audit(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    version: i32,
    draft: AuditDraft,
) -> AppResult<single_agency_audit::Model> {
    let actor = rc.actor()?;
    let draft = check_audit(draft, state.today())?;
    let txn = begin_write(&state.db).await?;
    let current = kept_audit(&txn, actor, id).await?;
    if current.version != version {
        return Err(stale_audit());
    }
    let mut am = single_agency_audit::ActiveModel {
        updated_at: Set(crate::db::now()),
        ..Default::default()
    };
    apply_audit(&mut am, draft);
    crate::db::update_at_version::<single_agency_audit::Entity, _>(
        &txn,
        am,
        single_agency_audit::Column::Id,
        single_agency_audit::Column::Version,
        id,
        version,
        stale_audit,
    )
    .await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("single_agency_audit.update", "single_agency_audit", id),
    )
    .await?;
    let row = single_agency_audit::Entity::find_by_id(id.to_owned())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound(AUDIT))?;
    txn.commit().await?;
    Ok(row)
}

/// Deletes an audit recorded in error if it is still at `version`.
pub async fn delete_audit(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    version: i32,
) -> AppResult<()> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    kept_audit(&txn, actor, id).await?;
    crate::db::delete_at_version::<single_agency_audit::Entity, _>(
        &txn,
        single_agency_audit::Column::Id,
        single_agency_audit::Column::Version,
        id,
        version,
        AUDIT,
        stale_audit,
    )
    .await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("single_agency_audit.delete", "single_agency_audit", id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// QA impact reports
// ---------------------------------------------------------------------------------------

/// An agency's report with its agency, its year's sections, what it wrote under them and
/// the agency's single-agency audits of the year.
#[derive(Debug, Clone)]
pub struct ReportView {
    pub row: qa_report::Model,
    /// The report's status, read from its stored code.
    pub status: ReportStatus,
    pub agency: agency::Model,
    pub sections: Vec<qa_report_section::Model>,
    pub answers: Vec<qa_report_answer::Model>,
    pub audits: Vec<single_agency_audit::Model>,
}

/// A year's sections and the reports the person may read, by agency name.
#[derive(Debug, Clone)]
pub struct YearView {
    pub year: i32,
    pub sections: Vec<qa_report_section::Model>,
    pub reports: Vec<ReportView>,
}

/// The years that have a template, newest first.
pub async fn years<C: ConnectionTrait>(db: &C) -> AppResult<Vec<i32>> {
    crate::db::years_of::<qa_report_section::Entity, _>(db, qa_report_section::Column::Year).await
}

async fn sections_of<C: ConnectionTrait>(
    db: &C,
    year: i32,
) -> AppResult<Vec<qa_report_section::Model>> {
    Ok(qa_report_section::Entity::find()
        .filter(qa_report_section::Column::Year.eq(year))
        .order_by_asc(qa_report_section::Column::Position)
        .all(db)
        .await?)
}

/// The views of `rows` (all of one year), with their agencies, sections, answers and
/// audits (four queries).
async fn views<C: ConnectionTrait>(
    db: &C,
    year: i32,
    rows: Vec<qa_report::Model>,
) -> AppResult<Vec<ReportView>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let agency_ids: Vec<String> = rows.iter().map(|r| r.agency_id.clone()).collect();
    let agencies: HashMap<String, agency::Model> = agency::Entity::find()
        .filter(agency::Column::Id.is_in(agency_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect();
    let mut answers: HashMap<String, Vec<qa_report_answer::Model>> = HashMap::new();
    for a in qa_report_answer::Entity::find()
        .filter(qa_report_answer::Column::ReportId.is_in(rows.iter().map(|r| r.id.clone())))
        .all(db)
        .await?
    {
        answers.entry(a.report_id.clone()).or_default().push(a);
    }
    let (from, to) = year_dates(year)?;
    let mut audits: HashMap<String, Vec<single_agency_audit::Model>> = HashMap::new();
    for a in single_agency_audit::Entity::find()
        .filter(single_agency_audit::Column::AgencyId.is_in(agency_ids))
        .filter(single_agency_audit::Column::AuditedOn.gte(from))
        .filter(single_agency_audit::Column::AuditedOn.lte(to))
        .order_by_desc(single_agency_audit::Column::AuditedOn)
        .order_by_asc(single_agency_audit::Column::Topic)
        .all(db)
        .await?
    {
        audits.entry(a.agency_id.clone()).or_default().push(a);
    }
    let sections = sections_of(db, year).await?;
    rows.into_iter()
        .map(|row| {
            let agency = agencies
                .get(&row.agency_id)
                .cloned()
                .ok_or(AppError::NotFound("Agency"))?;
            Ok(ReportView {
                status: crate::db::stored(&row.status)?,
                answers: answers.remove(&row.id).unwrap_or_default(),
                audits: audits.get(&row.agency_id).cloned().unwrap_or_default(),
                sections: sections.clone(),
                agency,
                row,
            })
        })
        .collect()
}

/// A year's sections and the reports the person may read, by agency name.
pub async fn year(state: &AppState, rc: &RequestContext, year: i32) -> AppResult<YearView> {
    let actor = rc.actor()?;
    year_view(&state.db, actor, year).await
}

async fn year_view<C: ConnectionTrait>(db: &C, actor: &Actor, year: i32) -> AppResult<YearView> {
    if !YEARS.contains(&year) {
        return Err(AppError::validation(
            "year",
            "must be a year between 2000 and 2100",
        ));
    }
    let rows: Vec<qa_report::Model> = qa_report::Entity::find()
        .filter(qa_report::Column::Year.eq(year))
        .all(db)
        .await?
        .into_iter()
        .filter(|r| reads(actor, &r.agency_id))
        .collect();
    let mut reports = views(db, year, rows).await?;
    reports.sort_by(|a, b| a.agency.name.cmp(&b.agency.name));
    Ok(YearView {
        year,
        sections: sections_of(db, year).await?,
        reports,
    })
}

/// A report the person may read; one they may not answers like a missing one.
async fn readable<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: &str,
) -> AppResult<qa_report::Model> {
    qa_report::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .filter(|r| reads(actor, &r.agency_id))
        .ok_or(AppError::NotFound(REPORT))
}

async fn one<C: ConnectionTrait>(db: &C, row: qa_report::Model) -> AppResult<ReportView> {
    views(db, row.year, vec![row])
        .await?
        .pop()
        .ok_or(AppError::NotFound(REPORT))
}

pub async fn report(state: &AppState, rc: &RequestContext, id: &str) -> AppResult<ReportView> {
    let actor = rc.actor()?;
    let row = readable(&state.db, actor, id).await?;
    one(&state.db, row).await
}

async fn write_sections<C: ConnectionTrait>(
    txn: &C,
    year: i32,
    drafts: Vec<SectionDraft>,
) -> AppResult<()> {
    qa_report_section::Entity::delete_many()
        .filter(qa_report_section::Column::Year.eq(year))
        .exec(txn)
        .await?;
    for (position, d) in drafts.into_iter().enumerate() {
        qa_report_section::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            year: Set(year),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            title: Set(d.title),
            guidance: Set(d.guidance),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// Replaces a year's sections, only while no agency has been asked for the year (the
/// reports are written to the sections as they were asked).
pub async fn set_sections(
    state: &AppState,
    rc: &RequestContext,
    year: i32,
    drafts: Vec<SectionDraft>,
) -> AppResult<YearView> {
    let actor = rc.actor()?;
    let drafts = check_sections(year, drafts)?;
    let txn = begin_write(&state.db).await?;
    let asked = qa_report::Entity::find()
        .filter(qa_report::Column::Year.eq(year))
        .one(&txn)
        .await?;
    if asked.is_some() {
        return Err(AppError::Conflict(format!(
            "Agencies have already been asked for their QA impact reports for {year}, so its sections stay as they were asked."
        )));
    }
    write_sections(&txn, year, drafts).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new(
            "qa_report.sections.set",
            "qa_report_year",
            &year.to_string(),
        ),
    )
    .await?;
    let view = year_view(&txn, actor, year).await?;
    txn.commit().await?;
    Ok(view)
}

/// Asks agencies for their QA impact report for `year` by `due_on`: a report for each that
/// has none yet. A year without sections starts from the default template. An agency
/// already asked keeps its report; its due date moves to `due_on`.
pub async fn open_year(
    state: &AppState,
    rc: &RequestContext,
    year: i32,
    agency_ids: Vec<String>,
    due_on: NaiveDate,
) -> AppResult<YearView> {
    let actor = rc.actor()?;
    let agency_ids = shared::agencies::check_asking(year, agency_ids, due_on, state.today())?;
    let now = crate::db::now();
    let txn = begin_write(&state.db).await?;
    if sections_of(&txn, year).await?.is_empty() {
        let defaults = DEFAULT_SECTIONS
            .iter()
            .map(|(title, guidance)| SectionDraft {
                title: (*title).to_owned(),
                guidance: (*guidance).to_owned(),
            })
            .collect();
        write_sections(&txn, year, defaults).await?;
    }
    crate::agencies::service::all_known(&txn, &agency_ids).await?;
    let existing: HashMap<String, qa_report::Model> = qa_report::Entity::find()
        .filter(qa_report::Column::Year.eq(year))
        .filter(qa_report::Column::AgencyId.is_in(agency_ids.clone()))
        .all(&txn)
        .await?
        .into_iter()
        .map(|r| (r.agency_id.clone(), r))
        .collect();
    for agency_id in &agency_ids {
        if let Some(row) = existing.get(agency_id) {
            let changes = qa_report::ActiveModel {
                due_on: Set(due_on),
                updated_at: Set(now),
                ..Default::default()
            };
            crate::db::update_at_version::<qa_report::Entity, _>(
                &txn,
                changes,
                qa_report::Column::Id,
                qa_report::Column::Version,
                &row.id,
                row.version,
                stale,
            )
            .await?;
            continue;
        }
        qa_report::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            year: Set(year),
            agency_id: Set(agency_id.clone()),
            status: Set(ReportStatus::Draft.code().to_owned()),
            due_on: Set(due_on),
            submitted_at: Set(None),
            decided_at: Set(None),
            decided_by: Set(None),
            office_comment: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
    }
    audit_log::append(
        &txn,
        rc,
        Event::new("qa_report.year.open", "qa_report_year", &year.to_string()),
    )
    .await?;
    let view = year_view(&txn, actor, year).await?;
    txn.commit().await?;
    Ok(view)
}

/// The refusal of a change made to a report that has moved on since it was read.
fn stale() -> AppError {
    AppError::changed_since_opened("this report")
}

/// A report the person writes, read for a change inside `txn`, at `version`.
async fn writable<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    id: &str,
    version: i32,
) -> AppResult<qa_report::Model> {
    let row = readable(txn, actor, id).await?;
    if !writes(actor, &row.agency_id) {
        return Err(AppError::Forbidden);
    }
    let status: ReportStatus = crate::db::stored(&row.status)?;
    if !status.editable() {
        return Err(AppError::Conflict(format!(
            "This report is {}: it can no longer be changed.",
            status.label().to_lowercase()
        )));
    }
    if row.version != version {
        return Err(stale());
    }
    Ok(row)
}

/// Moves the report on a version: `changes` saved only if it is still at its version.
async fn bump<C: ConnectionTrait>(
    txn: &C,
    row: &qa_report::Model,
    mut changes: qa_report::ActiveModel,
) -> AppResult<qa_report::Model> {
    changes.updated_at = Set(crate::db::now());
    crate::db::save_at_version::<qa_report::Entity, _>(
        txn,
        changes,
        (qa_report::Column::Id, qa_report::Column::Version),
        &row.id,
        row.version,
        REPORT,
        stale,
    )
    .await
}

/// Saves what the agency wrote under one section.
pub async fn save_answer(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    section_id: &str,
    version: i32,
    text: &str,
) -> AppResult<ReportView> {
    let actor = rc.actor()?;
    let text = check_answer(text)?;
    let txn = begin_write(&state.db).await?;
    let row = writable(&txn, actor, id, version).await?;
    let section = qa_report_section::Entity::find_by_id(section_id.to_owned())
        .one(&txn)
        .await?
        .filter(|s| s.year == row.year)
        .ok_or(AppError::NotFound("Section"))?;
    qa_report_answer::Entity::delete_many()
        .filter(qa_report_answer::Column::ReportId.eq(row.id.clone()))
        .filter(qa_report_answer::Column::SectionId.eq(section.id.clone()))
        .exec(&txn)
        .await?;
    qa_report_answer::ActiveModel {
        report_id: Set(row.id.clone()),
        section_id: Set(section.id),
        text: Set(text),
        updated_by: Set(Some(actor.user_id.clone())),
        updated_at: Set(crate::db::now()),
    }
    .insert(&txn)
    .await?;
    let row = bump(&txn, &row, Default::default()).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("qa_report.answer.save", "qa_report", &row.id),
    )
    .await?;
    let view = one(&txn, row).await?;
    txn.commit().await?;
    Ok(view)
}

/// Submits the report: something written under every section.
pub async fn submit(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    version: i32,
) -> AppResult<ReportView> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let row = writable(&txn, actor, id, version).await?;
    let view = one(&txn, row.clone()).await?;
    let answers: Vec<String> = view
        .sections
        .iter()
        .map(|s| {
            view.answers
                .iter()
                .find(|a| a.section_id == s.id)
                .map(|a| a.text.clone())
                .unwrap_or_default()
        })
        .collect();
    check_submission(&answers)?;
    let changes = qa_report::ActiveModel {
        status: Set(ReportStatus::Submitted.code().to_owned()),
        submitted_at: Set(Some(crate::db::now())),
        ..Default::default()
    };
    let row = bump(&txn, &row, changes).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("qa_report.submit", "qa_report", &row.id),
    )
    .await?;
    let view = one(&txn, row).await?;
    txn.commit().await?;
    Ok(view)
}

/// The office accepts a submitted report, or returns it with comments.
pub async fn decide(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    accept: bool,
    comment: &str,
) -> AppResult<ReportView> {
    let actor = rc.actor()?;
    if !scrutinises(actor) {
        return Err(AppError::Forbidden);
    }
    let to = check_decision(accept, comment)?;
    let txn = begin_write(&state.db).await?;
    let row = readable(&txn, actor, id).await?;
    if crate::db::stored::<ReportStatus>(&row.status)? != ReportStatus::Submitted {
        return Err(AppError::Conflict(
            "Only a submitted report can be accepted or returned.".into(),
        ));
    }
    let comment = comment.trim();
    let changes = qa_report::ActiveModel {
        status: Set(to.code().to_owned()),
        decided_at: Set(Some(crate::db::now())),
        decided_by: Set(Some(actor.user_id.clone())),
        office_comment: Set((!comment.is_empty()).then(|| comment.to_owned())),
        ..Default::default()
    };
    let row = bump(&txn, &row, changes).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("qa_report.decide", "qa_report", &row.id),
    )
    .await?;
    let view = one(&txn, row).await?;
    txn.commit().await?;
    Ok(view)
}

/// Reports not yet accepted (with their agencies, or waiting for the office), for what
/// needs you and the board's glance.
pub async fn outstanding<C: ConnectionTrait>(
    db: &C,
) -> AppResult<Vec<(qa_report::Model, agency::Model)>> {
    let rows = qa_report::Entity::find()
        .filter(qa_report::Column::Status.ne(ReportStatus::Accepted.code()))
        .all(db)
        .await?;
    crate::agencies::service::with_agencies(db, rows, |r| &r.agency_id).await
}
