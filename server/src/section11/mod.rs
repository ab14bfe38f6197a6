//! The annual Section 11 self-assessment: the business office keeps a tool of standards
//! for each year and opens the year for agencies with a due date; each agency's lead rates
//! the agency against every standard with evidence (last year's answers carried forward
//! as a start), and submits; the office accepts it or returns it with a challenge. The
//! rules are `shared::section11`'s; every write is one transaction with its audit row.

pub mod actions;
pub mod export;
pub mod graphql;
pub mod report;

use crate::audit_log::{self, Event};
use crate::context::RequestContext;
use crate::db::begin_write;
use crate::entities::{agency, s11_answer, s11_assessment, s11_challenge, s11_standard};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use shared::auth::Actor;
use shared::section11::{
    carried_from, check_answer, check_challenge_text, check_decision, check_standards,
    check_submission, reads, scrutinises, writes, AnswerDraft, AssessmentStatus, EvidenceLink,
    Rating, StandardDraft, MAX_CHALLENGES,
};
use std::collections::HashMap;

const ASSESSMENT: &str = "Section 11 assessment";
const CHALLENGE: &str = "Challenge question";

/// An agency's assessment with its agency, its answers, its year's standards and the
/// office's challenge questions (in the order asked).
#[derive(Debug, Clone)]
pub struct AssessmentView {
    pub row: s11_assessment::Model,
    /// The assessment's status, read from its stored code.
    pub status: AssessmentStatus,
    pub agency: agency::Model,
    pub answers: Vec<s11_answer::Model>,
    pub standards: Vec<s11_standard::Model>,
    pub challenges: Vec<s11_challenge::Model>,
}

/// A year's tool and the assessments the person may read.
#[derive(Debug, Clone)]
pub struct YearView {
    pub year: i32,
    pub standards: Vec<s11_standard::Model>,
    pub assessments: Vec<AssessmentView>,
}

fn status_of(row: &s11_assessment::Model) -> AppResult<AssessmentStatus> {
    crate::db::stored(&row.status)
}

/// The years that have a tool, newest first.
pub async fn years<C: ConnectionTrait>(db: &C) -> AppResult<Vec<i32>> {
    crate::db::years_of::<s11_standard::Entity, _>(db, s11_standard::Column::Year).await
}

async fn standards_of<C: ConnectionTrait>(
    db: &C,
    year: i32,
) -> AppResult<Vec<s11_standard::Model>> {
    Ok(s11_standard::Entity::find()
        .filter(s11_standard::Column::Year.eq(year))
        .order_by_asc(s11_standard::Column::Position)
        .all(db)
        .await?)
}

/// The views of `rows`, with their agencies, answers, standards and challenges (five
/// queries).
async fn views<C: ConnectionTrait>(
    db: &C,
    rows: Vec<s11_assessment::Model>,
) -> AppResult<Vec<AssessmentView>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let agencies: HashMap<String, agency::Model> = agency::Entity::find()
        .filter(agency::Column::Id.is_in(rows.iter().map(|r| r.agency_id.clone())))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect();
    let mut answers: HashMap<String, Vec<s11_answer::Model>> = HashMap::new();
    for a in s11_answer::Entity::find()
        .filter(s11_answer::Column::AssessmentId.is_in(rows.iter().map(|r| r.id.clone())))
        .all(db)
        .await?
    {
        answers.entry(a.assessment_id.clone()).or_default().push(a);
    }
    let mut challenges: HashMap<String, Vec<s11_challenge::Model>> = HashMap::new();
    for c in s11_challenge::Entity::find()
        .filter(s11_challenge::Column::AssessmentId.is_in(rows.iter().map(|r| r.id.clone())))
        .order_by_asc(s11_challenge::Column::AskedAt)
        .order_by_asc(s11_challenge::Column::Id)
        .all(db)
        .await?
    {
        challenges
            .entry(c.assessment_id.clone())
            .or_default()
            .push(c);
    }
    let mut years: Vec<i32> = rows.iter().map(|r| r.year).collect();
    years.sort_unstable();
    years.dedup();
    let mut standards: HashMap<i32, Vec<s11_standard::Model>> = HashMap::new();
    for s in s11_standard::Entity::find()
        .filter(s11_standard::Column::Year.is_in(years))
        .order_by_asc(s11_standard::Column::Position)
        .all(db)
        .await?
    {
        standards.entry(s.year).or_default().push(s);
    }
    rows.into_iter()
        .map(|row| {
            let agency = agencies
                .get(&row.agency_id)
                .cloned()
                .ok_or(AppError::NotFound("Agency"))?;
            Ok(AssessmentView {
                status: status_of(&row)?,
                answers: answers.remove(&row.id).unwrap_or_default(),
                challenges: challenges.remove(&row.id).unwrap_or_default(),
                standards: standards.get(&row.year).cloned().unwrap_or_default(),
                agency,
                row,
            })
        })
        .collect()
}

/// A year's tool and the assessments the person may read, by agency name.
pub async fn year(state: &AppState, rc: &RequestContext, year: i32) -> AppResult<YearView> {
    let actor = rc.actor()?;
    year_view(&state.db, actor, year).await
}

async fn year_view<C: ConnectionTrait>(db: &C, actor: &Actor, year: i32) -> AppResult<YearView> {
    let rows: Vec<s11_assessment::Model> = s11_assessment::Entity::find()
        .filter(s11_assessment::Column::Year.eq(year))
        .all(db)
        .await?
        .into_iter()
        .filter(|r| reads(actor, &r.agency_id))
        .collect();
    let mut assessments = views(db, rows).await?;
    assessments.sort_by(|a, b| a.agency.name.cmp(&b.agency.name));
    Ok(YearView {
        year,
        standards: standards_of(db, year).await?,
        assessments,
    })
}

/// An assessment the person may read; one they may not answers like a missing one.
async fn readable<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: &str,
) -> AppResult<s11_assessment::Model> {
    s11_assessment::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .filter(|r| reads(actor, &r.agency_id))
        .ok_or(AppError::NotFound(ASSESSMENT))
}

async fn one<C: ConnectionTrait>(db: &C, row: s11_assessment::Model) -> AppResult<AssessmentView> {
    views(db, vec![row])
        .await?
        .pop()
        .ok_or(AppError::NotFound(ASSESSMENT))
}

pub async fn assessment(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
) -> AppResult<AssessmentView> {
    let actor = rc.actor()?;
    let row = readable(&state.db, actor, id).await?;
    one(&state.db, row).await
}

/// Replaces a year's standards. Only while no agency has been asked for the year: the
/// answers are to the standards as they were asked.
pub async fn set_standards(
    state: &AppState,
    rc: &RequestContext,
    year: i32,
    drafts: Vec<StandardDraft>,
) -> AppResult<YearView> {
    let actor = rc.actor()?;
    let drafts = check_standards(year, drafts)?;
    let txn = begin_write(&state.db).await?;
    let opened = s11_assessment::Entity::find()
        .filter(s11_assessment::Column::Year.eq(year))
        .one(&txn)
        .await?;
    if opened.is_some() {
        return Err(AppError::Conflict(format!(
            "Agencies have already been asked for their Section 11 assessments for {year}, so its standards stay as they were asked."
        )));
    }
    s11_standard::Entity::delete_many()
        .filter(s11_standard::Column::Year.eq(year))
        .exec(&txn)
        .await?;
    for (position, d) in drafts.into_iter().enumerate() {
        s11_standard::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            year: Set(year),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            title: Set(d.title),
            description: Set(d.description),
            evidence_expected: Set(d.evidence_expected),
        }
        .insert(&txn)
        .await?;
    }
    audit_log::append(
        &txn,
        rc,
        Event::new(
            "section11.standards.set",
            "section11_year",
            &year.to_string(),
        ),
    )
    .await?;
    let view = year_view(&txn, actor, year).await?;
    txn.commit().await?;
    Ok(view)
}

/// Asks agencies for their assessment for `year` by `due_on`: an assessment for each that
/// has none yet, starting from its answers of the year before where a standard has the
/// same title (marked as carried forward). An agency already asked keeps its assessment;
/// its due date moves to `due_on`.
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
    let standards = standards_of(&txn, year).await?;
    if standards.is_empty() {
        return Err(AppError::validation(
            "year",
            format!("has no standards yet: set the {year} standards first"),
        ));
    }
    crate::agencies::service::all_known(&txn, &agency_ids).await?;
    let last_standards: Vec<(String, String)> = standards_of(&txn, year - 1)
        .await?
        .into_iter()
        .map(|s| (s.id, s.title))
        .collect();
    for agency_id in &agency_ids {
        let existing = s11_assessment::Entity::find()
            .filter(s11_assessment::Column::Year.eq(year))
            .filter(s11_assessment::Column::AgencyId.eq(agency_id.clone()))
            .one(&txn)
            .await?;
        if let Some(row) = existing {
            let version = row.version;
            let mut am: s11_assessment::ActiveModel = row.into();
            am.due_on = Set(due_on);
            am.version = Set(version + 1);
            am.updated_at = Set(now);
            am.update(&txn).await?;
            continue;
        }
        let id = uuid::Uuid::new_v4().to_string();
        s11_assessment::ActiveModel {
            id: Set(id.clone()),
            year: Set(year),
            agency_id: Set(agency_id.clone()),
            status: Set(AssessmentStatus::Draft.code().to_owned()),
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
        // Last year's answers, as a start.
        let last = s11_assessment::Entity::find()
            .filter(s11_assessment::Column::Year.eq(year - 1))
            .filter(s11_assessment::Column::AgencyId.eq(agency_id.clone()))
            .one(&txn)
            .await?;
        let last_answers: HashMap<String, s11_answer::Model> = match last {
            Some(l) => s11_answer::Entity::find()
                .filter(s11_answer::Column::AssessmentId.eq(l.id))
                .all(&txn)
                .await?
                .into_iter()
                .map(|a| (a.standard_id.clone(), a))
                .collect(),
            None => HashMap::new(),
        };
        for s in &standards {
            let Some(before) =
                carried_from(&s.title, &last_standards).and_then(|from| last_answers.get(from))
            else {
                continue;
            };
            s11_answer::ActiveModel {
                assessment_id: Set(id.clone()),
                standard_id: Set(s.id.clone()),
                rating: Set(before.rating.clone()),
                evidence: Set(before.evidence.clone()),
                to_green: Set(before.to_green.clone()),
                links: Set(before.links.clone()),
                carried_forward: Set(true),
                updated_by: Set(None),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
    }
    audit_log::append(
        &txn,
        rc,
        Event::new("section11.year.open", "section11_year", &year.to_string()),
    )
    .await?;
    let view = year_view(&txn, actor, year).await?;
    txn.commit().await?;
    Ok(view)
}

/// An assessment the person writes, read for a change inside `txn`, at `version`.
async fn writable<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    id: &str,
    version: i32,
) -> AppResult<s11_assessment::Model> {
    let row = readable(txn, actor, id).await?;
    if !writes(actor, &row.agency_id) {
        return Err(AppError::Forbidden);
    }
    if !status_of(&row)?.editable() {
        return Err(AppError::Conflict(format!(
            "This assessment is {}: it can no longer be changed.",
            status_of(&row)?.label().to_lowercase()
        )));
    }
    at_version(&row, version)?;
    Ok(row)
}

/// The refusal of a change made to an assessment that has moved on since it was read.
fn stale() -> AppError {
    AppError::changed_since_opened("this assessment")
}

/// Refuses a change made at a version the assessment has moved on from.
fn at_version(row: &s11_assessment::Model, version: i32) -> AppResult<()> {
    if row.version == version {
        Ok(())
    } else {
        Err(stale())
    }
}

/// Moves the assessment on a version: `changes` saved only if it is still at `version`.
async fn bump<C: ConnectionTrait>(
    txn: &C,
    row: &s11_assessment::Model,
    mut changes: s11_assessment::ActiveModel,
) -> AppResult<s11_assessment::Model> {
    changes.updated_at = Set(crate::db::now());
    crate::db::save_at_version::<s11_assessment::Entity, _>(
        txn,
        changes,
        (s11_assessment::Column::Id, s11_assessment::Column::Version),
        &row.id,
        row.version,
        ASSESSMENT,
        stale,
    )
    .await
}

/// An answer's links to evidence from their stored list (`s11_answer.links`); INTERNAL if
/// the stored list cannot be read.
pub fn links_of(stored: &str) -> AppResult<Vec<EvidenceLink>> {
    serde_json::from_str(stored).map_err(|e| AppError::Internal(format!("s11_answer.links: {e}")))
}

fn stored_links(links: &[EvidenceLink]) -> AppResult<String> {
    serde_json::to_string(links).map_err(|e| AppError::Internal(format!("s11_answer.links: {e}")))
}

/// Saves the agency's answer to one standard (no longer carried forward).
pub async fn save_answer(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    standard_id: &str,
    version: i32,
    draft: AnswerDraft,
) -> AppResult<AssessmentView> {
    let actor = rc.actor()?;
    let draft = check_answer(draft)?;
    let txn = begin_write(&state.db).await?;
    let row = writable(&txn, actor, id, version).await?;
    let standard = s11_standard::Entity::find_by_id(standard_id.to_owned())
        .one(&txn)
        .await?
        .filter(|s| s.year == row.year)
        .ok_or(AppError::NotFound("Standard"))?;
    let now = crate::db::now();
    s11_answer::Entity::delete_many()
        .filter(s11_answer::Column::AssessmentId.eq(row.id.clone()))
        .filter(s11_answer::Column::StandardId.eq(standard.id.clone()))
        .exec(&txn)
        .await?;
    s11_answer::ActiveModel {
        assessment_id: Set(row.id.clone()),
        standard_id: Set(standard.id.clone()),
        rating: Set(draft.rating.map(|r| r.code().to_owned())),
        evidence: Set(draft.evidence),
        to_green: Set(draft.to_green),
        links: Set(stored_links(&draft.links)?),
        carried_forward: Set(false),
        updated_by: Set(Some(actor.user_id.clone())),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let row = bump(
        &txn,
        &row,
        <s11_assessment::ActiveModel as Default>::default(),
    )
    .await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("section11.answer.save", "s11_assessment", &row.id),
    )
    .await?;
    let view = one(&txn, row).await?;
    txn.commit().await?;
    Ok(view)
}

/// Submits the assessment: every standard rated with evidence (see
/// `shared::section11::check_submission`).
pub async fn submit(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    version: i32,
) -> AppResult<AssessmentView> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let row = writable(&txn, actor, id, version).await?;
    let view = one(&txn, row.clone()).await?;
    let answers: Vec<Option<AnswerDraft>> = view
        .standards
        .iter()
        .map(|s| {
            view.answers
                .iter()
                .find(|a| a.standard_id == s.id)
                .map(|a| AnswerDraft {
                    rating: a.rating.as_deref().and_then(Rating::from_code),
                    evidence: a.evidence.clone(),
                    to_green: a.to_green.clone(),
                    links: Vec::new(),
                })
        })
        .collect();
    let answered: Vec<bool> = view
        .challenges
        .iter()
        .map(|c| c.response.is_some())
        .collect();
    check_submission(&answers, &answered)?;
    let changes = s11_assessment::ActiveModel {
        status: Set(AssessmentStatus::Submitted.code().to_owned()),
        submitted_at: Set(Some(crate::db::now())),
        ..Default::default()
    };
    let row = bump(&txn, &row, changes).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("section11.submit", "s11_assessment", &row.id),
    )
    .await?;
    let view = one(&txn, row).await?;
    txn.commit().await?;
    Ok(view)
}

/// The office accepts a submitted assessment, or returns it with its challenge.
pub async fn decide(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    accept: bool,
    comment: &str,
) -> AppResult<AssessmentView> {
    let actor = rc.actor()?;
    if !scrutinises(actor) {
        return Err(AppError::Forbidden);
    }
    let txn = begin_write(&state.db).await?;
    let row = readable(&txn, actor, id).await?;
    if status_of(&row)? != AssessmentStatus::Submitted {
        return Err(AppError::Conflict(
            "Only a submitted assessment can be accepted or returned.".into(),
        ));
    }
    let open = s11_challenge::Entity::find()
        .filter(s11_challenge::Column::AssessmentId.eq(row.id.clone()))
        .filter(s11_challenge::Column::Response.is_null())
        .count(&txn)
        .await?;
    let to = check_decision(accept, comment, usize::try_from(open).unwrap_or(usize::MAX))?;
    let comment = comment.trim();
    let changes = s11_assessment::ActiveModel {
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
        Event::new("section11.decide", "s11_assessment", &row.id),
    )
    .await?;
    let view = one(&txn, row).await?;
    txn.commit().await?;
    Ok(view)
}

/// A challenge question and its assessment, as the person may read them.
async fn challenge_of<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    id: &str,
) -> AppResult<(s11_challenge::Model, s11_assessment::Model)> {
    let challenge = s11_challenge::Entity::find_by_id(id.to_owned())
        .one(txn)
        .await?
        .ok_or(AppError::NotFound(CHALLENGE))?;
    let row = readable(txn, actor, &challenge.assessment_id)
        .await
        .map_err(|e| match e {
            AppError::NotFound(_) => AppError::NotFound(CHALLENGE),
            other => other,
        })?;
    Ok((challenge, row))
}

/// A submitted assessment the office scrutinises, read for a change inside `txn` at
/// `version`.
async fn scrutinised<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    id: &str,
    version: i32,
) -> AppResult<s11_assessment::Model> {
    if !scrutinises(actor) {
        return Err(AppError::Forbidden);
    }
    let row = readable(txn, actor, id).await?;
    if status_of(&row)? != AssessmentStatus::Submitted {
        return Err(AppError::Conflict(
            "Challenge questions are asked and withdrawn while a submitted assessment is scrutinised.".into(),
        ));
    }
    at_version(&row, version)?;
    Ok(row)
}

/// The office asks the agency a challenge question about its answer to one standard,
/// while it scrutinises the submitted assessment; returning the assessment sends it.
pub async fn ask_challenge(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    version: i32,
    standard_id: &str,
    question: &str,
) -> AppResult<AssessmentView> {
    let actor = rc.actor()?;
    let question = check_challenge_text("question", question)?;
    let txn = begin_write(&state.db).await?;
    let row = scrutinised(&txn, actor, id, version).await?;
    let standard = s11_standard::Entity::find_by_id(standard_id.to_owned())
        .one(&txn)
        .await?
        .filter(|s| s.year == row.year)
        .ok_or(AppError::NotFound("Standard"))?;
    let asked = s11_challenge::Entity::find()
        .filter(s11_challenge::Column::AssessmentId.eq(row.id.clone()))
        .count(&txn)
        .await?;
    if asked >= MAX_CHALLENGES as u64 {
        return Err(AppError::validation(
            "question",
            format!("an assessment has at most {MAX_CHALLENGES} challenge questions"),
        ));
    }
    s11_challenge::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        assessment_id: Set(row.id.clone()),
        standard_id: Set(standard.id),
        question: Set(question),
        asked_by: Set(Some(actor.user_id.clone())),
        asked_at: Set(crate::db::now()),
        response: Set(None),
        responded_by: Set(None),
        responded_at: Set(None),
    }
    .insert(&txn)
    .await?;
    let row = bump(&txn, &row, Default::default()).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("section11.challenge.ask", "s11_assessment", &row.id),
    )
    .await?;
    let view = one(&txn, row).await?;
    txn.commit().await?;
    Ok(view)
}

/// The office withdraws a challenge question it has asked in this scrutiny (one not yet
/// responded to).
pub async fn withdraw_challenge(
    state: &AppState,
    rc: &RequestContext,
    challenge_id: &str,
    version: i32,
) -> AppResult<AssessmentView> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let (challenge, row) = challenge_of(&txn, actor, challenge_id).await?;
    let row = scrutinised(&txn, actor, &row.id, version).await?;
    if challenge.response.is_some() {
        return Err(AppError::Conflict(
            "The agency has responded to this challenge: it stays with the assessment.".into(),
        ));
    }
    s11_challenge::Entity::delete_by_id(challenge.id.clone())
        .exec(&txn)
        .await?;
    let row = bump(&txn, &row, Default::default()).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("section11.challenge.withdraw", "s11_assessment", &row.id),
    )
    .await?;
    let view = one(&txn, row).await?;
    txn.commit().await?;
    Ok(view)
}

/// The agency responds to a challenge question while the assessment is with it (a response
/// may be changed until the assessment is submitted again).
pub async fn respond_to_challenge(
    state: &AppState,
    rc: &RequestContext,
    challenge_id: &str,
    version: i32,
    response: &str,
) -> AppResult<AssessmentView> {
    let actor = rc.actor()?;
    let response = check_challenge_text("response", response)?;
    let txn = begin_write(&state.db).await?;
    let (challenge, row) = challenge_of(&txn, actor, challenge_id).await?;
    let row = writable(&txn, actor, &row.id, version).await?;
    s11_challenge::ActiveModel {
        id: Set(challenge.id),
        response: Set(Some(response)),
        responded_by: Set(Some(actor.user_id.clone())),
        responded_at: Set(Some(crate::db::now())),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    let row = bump(&txn, &row, Default::default()).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("section11.challenge.respond", "s11_assessment", &row.id),
    )
    .await?;
    let view = one(&txn, row).await?;
    txn.commit().await?;
    Ok(view)
}

/// Assessments still with their agencies (being written or returned), or waiting for the
/// office, for what needs you.
pub async fn outstanding<C: ConnectionTrait>(
    db: &C,
) -> AppResult<Vec<(s11_assessment::Model, agency::Model)>> {
    let rows = s11_assessment::Entity::find()
        .filter(s11_assessment::Column::Status.ne(AssessmentStatus::Accepted.code()))
        .all(db)
        .await?;
    crate::agencies::service::with_agencies(db, rows, |r| &r.agency_id).await
}
