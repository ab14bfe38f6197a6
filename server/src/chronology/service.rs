//! Chronology rules that need the database. Who may do what comes from
//! `shared::chronology::access`; what an entry may say from `shared::chronology::import`
//! (one set of rules for typed and uploaded entries); the merge from
//! `shared::chronology::merge`. Every change writes its audit row and entry history in the
//! same transaction.

use super::snapshot::EntrySnapshot;
use crate::audit_log::{self, Event};
use crate::context::RequestContext;
use crate::db::begin_write;
use crate::entities::{
    agency, annotation, app_user, case_audit_case, chronology_entry, chronology_entry_history,
    chronology_return, duplicate_decision, review, review_agency,
};
use crate::error::{AppError, AppResult};
use crate::events::ChangeKind;
use crate::reviews::service::find_visible_with_membership;
use crate::spreadsheet::{self, WorkbookLimits};
use crate::state::AppState;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TryIntoModel,
};
use sha2::{Digest, Sha256};
use shared::auth::Actor;
use shared::chronology::access;
use shared::chronology::import::{
    read_entry, read_rows, Column, ImportedRow, Known, KnownAgency, KnownCase, RowProblem, FILE,
};
use shared::chronology::{
    merge_with_decisions, Decisions, Entry, MergeSettings, PartialDate, Precision, TimeOfDay,
};
use shared::reviews::ReviewRole;
use shared::{Problem, Problems};
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

pub const DRAFT: &str = "DRAFT";
pub const SUBMITTED: &str = "SUBMITTED";
pub const REOPENED: &str = "REOPENED";

pub const ANNOTATION_KINDS: &[&str] = &[
    "MISSED_OPPORTUNITY",
    "GOOD_PRACTICE",
    "INFORMATION_SHARING_CONCERN",
    "QUESTION",
    "NOTE",
];
pub const ANSWER: &str = "ANSWER";

fn precision_code(p: Precision) -> &'static str {
    match p {
        Precision::Day => "DAY",
        Precision::Month => "MONTH",
        Precision::Year => "YEAR",
    }
}

fn partial_date(on: chrono::NaiveDate, precision: &str, uncertain: bool) -> PartialDate {
    use chrono::Datelike;
    let date = match precision {
        "YEAR" => PartialDate::year(on.year()),
        "MONTH" => PartialDate::month(on.year(), on.month()),
        _ => None,
    };
    date.unwrap_or_else(|| PartialDate::day(on))
        .with_uncertainty(uncertain)
}

pub fn start_of(e: &chronology_entry::Model) -> PartialDate {
    partial_date(e.start_on, &e.precision, e.uncertain)
}

pub fn end_of(e: &chronology_entry::Model) -> Option<PartialDate> {
    e.end_on.map(|on| {
        partial_date(
            on,
            e.end_precision.as_deref().unwrap_or("DAY"),
            e.end_uncertain.unwrap_or(false),
        )
    })
}

fn time_of(text: Option<&str>) -> Option<TimeOfDay> {
    text.and_then(|t| TimeOfDay::parse(t).ok())
}

pub fn shared_ids(e: &chronology_entry::Model) -> Vec<String> {
    serde_json::from_str(&e.shared_with).unwrap_or_default()
}

fn content_hash(row: &ImportedRow) -> String {
    hex::encode(Sha256::digest(row.content_key().as_bytes()))
}

/// A review the person may see, with their part in it.
pub(super) async fn review_for<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    review_id: &str,
) -> AppResult<(review::Model, Option<ReviewRole>)> {
    find_visible_with_membership(db, actor, review_id).await
}

/// What an entry of the review may name (its agencies and, for an audit, its cases, marked
/// by whether they name `agency_id`, the return's agency, as involved), with the agencies'
/// rows in the order of their keys.
pub(super) async fn known_names<C: ConnectionTrait>(
    db: &C,
    review_id: &str,
    agency_id: &str,
) -> AppResult<(Known, Vec<agency::Model>)> {
    let ids: Vec<String> = review_agency::Entity::find()
        .filter(review_agency::Column::ReviewId.eq(review_id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.agency_id)
        .collect();
    let mut agencies = agency::Entity::find()
        .filter(agency::Column::Id.is_in(ids))
        .all(db)
        .await?;
    agencies.sort_by(|a, b| a.prefix.cmp(&b.prefix));
    let known = agencies
        .iter()
        .enumerate()
        .map(|(i, a)| KnownAgency {
            key: u32::try_from(i).unwrap_or(u32::MAX),
            prefix: a.prefix.clone(),
            name: a.name.clone(),
        })
        .collect();
    let cases = case_audit_case::Entity::find()
        .filter(case_audit_case::Column::ReviewId.eq(review_id))
        .order_by_asc(case_audit_case::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|c| KnownCase {
            involved: crate::case_audits::case_agencies(&c)
                .iter()
                .any(|a| a == agency_id),
            id: c.id,
            label: c.label,
        })
        .collect();
    Ok((
        Known {
            agencies: known,
            cases,
        },
        agencies,
    ))
}

/// The problems of an entry typed in the browser, each named by its input's field.
fn entry_problems(list: Vec<RowProblem>) -> AppError {
    let problems = list
        .into_iter()
        .map(|p| {
            let field = match &p.column {
                Some(c) => Column::from_heading(c)
                    .map_or_else(|| c.clone(), |c| c.field_name().to_string()),
                None => "file".to_string(),
            };
            Problem::new(field, p.message)
        })
        .collect();
    AppError::Validation(Problems(problems))
}

/// Returns of a review the person may see: all for collators and the chair, else their own.
pub async fn returns(
    state: &AppState,
    rc: &RequestContext,
    review_id: &str,
) -> AppResult<Vec<chronology_return::Model>> {
    let actor = rc.actor()?;
    let (review, membership) = review_for(&state.db, actor, review_id).await?;
    let mut query = chronology_return::Entity::find()
        .filter(chronology_return::Column::ReviewId.eq(review.id.clone()));
    if !access::sees_all_returns(actor, membership) {
        let Some(agency_id) = actor.agency_id.clone() else {
            return Ok(Vec::new());
        };
        query = query.filter(chronology_return::Column::AgencyId.eq(agency_id));
    }
    Ok(query.all(&state.db).await?)
}

/// The person's own agency's return for the review, created on first use; `None` when they
/// do not keep a return for it.
pub async fn my_return(
    state: &AppState,
    rc: &RequestContext,
    review_id: &str,
) -> AppResult<Option<chronology_return::Model>> {
    let actor = rc.actor()?;
    let (review, membership) = review_for(&state.db, actor, review_id).await?;
    let Some(agency_id) = actor.agency_id.clone() else {
        return Ok(None);
    };
    if !access::keeps_return(actor, membership, &agency_id) {
        return Ok(None);
    }
    let member_agency = review_agency::Entity::find_by_id((review.id.clone(), agency_id.clone()))
        .one(&state.db)
        .await?;
    if member_agency.is_none() {
        return Ok(None);
    }
    let find = || {
        chronology_return::Entity::find()
            .filter(chronology_return::Column::ReviewId.eq(review.id.clone()))
            .filter(chronology_return::Column::AgencyId.eq(agency_id.clone()))
    };
    if let Some(existing) = find().one(&state.db).await? {
        return Ok(Some(existing));
    }
    let txn = begin_write(&state.db).await?;
    if let Some(existing) = find().one(&txn).await? {
        return Ok(Some(existing));
    }
    let now = crate::db::now();
    let row = chronology_return::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        review_id: Set(review.id.clone()),
        agency_id: Set(agency_id),
        status: Set(DRAFT.into()),
        submitted_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("chronology.return.create", "chronology_return", &row.id),
    )
    .await?;
    txn.commit().await?;
    state
        .changed(rc, &row.review_id, ChangeKind::Return, Some(&row.id))
        .await;
    Ok(Some(row))
}

/// Whether a return is read under a row lock.
///
/// Every change to a return or its entries (an import, a typed entry, submission, reopening)
/// reads the return with `ForUpdate` inside its write transaction and checks its status
/// there. On PostgreSQL under READ COMMITTED, "read the status, then write" unlocked lets two
/// imports of different files to one return interleave (both files' entries end up mixed),
/// and an import that read DRAFT write into a return submitted meanwhile. Locked, the
/// second waits for the first to commit and then reads what it left. (On SQLite the write
/// transaction holds the whole database already; the lock clause is left out.)
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowLock {
    None,
    ForUpdate,
}

fn find_return(id: &str, lock: RowLock) -> sea_orm::Select<chronology_return::Entity> {
    let query = chronology_return::Entity::find_by_id(id.to_owned());
    match lock {
        RowLock::None => query,
        RowLock::ForUpdate => query.lock_exclusive(),
    }
}

/// A return the person keeps. Someone who may see it but not change it (the business office,
/// the chair, a lead reviewer, a colleague of the agency without an agency role) is
/// FORBIDDEN; for anyone else it answers as missing.
pub(crate) async fn kept_return<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    return_id: &str,
    lock: RowLock,
) -> AppResult<(chronology_return::Model, review::Model)> {
    let ret = find_return(return_id, lock)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("Chronology return"))?;
    let (review, membership) = review_for(db, actor, &ret.review_id)
        .await
        .map_err(|_| AppError::NotFound("Chronology return"))?;
    if access::keeps_return(actor, membership, &ret.agency_id) {
        return Ok((ret, review));
    }
    let sees_it = access::sees_all_returns(actor, membership)
        || (membership.is_some() && actor.agency_id.as_deref() == Some(ret.agency_id.as_str()));
    Err(if sees_it {
        AppError::Forbidden
    } else {
        AppError::NotFound("Chronology return")
    })
}

pub(crate) fn ensure_editable(ret: &chronology_return::Model) -> AppResult<()> {
    if ret.status == SUBMITTED {
        return Err(AppError::validation(
            "returnId",
            "this return has been submitted; ask the business office to reopen it before changing entries",
        ));
    }
    Ok(())
}

/// Entries of one return, in chronological order.
pub async fn entries_of_return<C: ConnectionTrait>(
    db: &C,
    return_id: &str,
) -> AppResult<Vec<chronology_entry::Model>> {
    let mut list = chronology_entry::Entity::find()
        .filter(chronology_entry::Column::ReturnId.eq(return_id))
        .all(db)
        .await?;
    list.sort_by_key(entry_order);
    Ok(list)
}

/// How many entries each return holds (a return with none is absent): one counting query.
pub async fn entry_counts<C: ConnectionTrait>(
    db: &C,
    return_ids: Vec<String>,
) -> AppResult<HashMap<String, i64>> {
    // Cast so both databases answer 64-bit integers.
    let rows: Vec<(String, i64)> = chronology_entry::Entity::find()
        .select_only()
        .column(chronology_entry::Column::ReturnId)
        .column_as(
            sea_orm::sea_query::Expr::cust("CAST(COUNT(*) AS BIGINT)"),
            "n",
        )
        .filter(chronology_entry::Column::ReturnId.is_in(return_ids))
        .group_by(chronology_entry::Column::ReturnId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

fn entry_order(
    e: &chronology_entry::Model,
) -> (chrono::NaiveDate, Option<TimeOfDay>, Option<i32>, String) {
    (
        e.start_on,
        time_of(e.start_time.as_deref()),
        e.seq,
        e.id.clone(),
    )
}

/// What the person typed for an entry (also what an entry's history keeps of it,
/// `super::snapshot`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EntryFields {
    pub seq: Option<i32>,
    pub start_date: String,
    pub start_time: Option<String>,
    pub end_date: Option<String>,
    pub end_time: Option<String>,
    pub source: String,
    pub event_type: Option<String>,
    pub event: String,
    pub action_taken: Option<String>,
    pub shared_with: Vec<String>,
    pub practitioner_comment: Option<String>,
    /// The audit case the entry is about (an audit's entries only).
    pub case_id: Option<String>,
}

fn check_fields(fields: &EntryFields, known: &Known) -> AppResult<ImportedRow> {
    // The browser names a case by its id; the rules read a case by its label, so they are
    // given that one case only (two cases may share a label's head).
    let mut one_case;
    let mut known = known;
    let case = match &fields.case_id {
        None => None,
        Some(id) => match known.cases.iter().find(|c| &c.id == id) {
            Some(c) => {
                one_case = known.clone();
                one_case.cases = vec![c.clone()];
                known = &one_case;
                Some(c.label.clone())
            }
            // A case review: the rules refuse any case.
            None if known.cases.is_empty() => Some(id.clone()),
            None => {
                return Err(AppError::validation(
                    "caseId",
                    "is not a case of this audit's sample",
                ))
            }
        },
    };
    let values = vec![
        (Column::Seq, fields.seq.map(|s| s.to_string())),
        (Column::StartDate, Some(fields.start_date.clone())),
        (Column::StartTime, fields.start_time.clone()),
        (Column::EndDate, fields.end_date.clone()),
        (Column::EndTime, fields.end_time.clone()),
        (Column::Source, Some(fields.source.clone())),
        (Column::EventType, fields.event_type.clone()),
        (Column::Event, Some(fields.event.clone())),
        (Column::ActionTaken, fields.action_taken.clone()),
        (Column::SharedWith, Some(fields.shared_with.join(";"))),
        (
            Column::PractitionerComment,
            fields.practitioner_comment.clone(),
        ),
        (Column::Case, case),
    ];
    read_entry(&values, known).map_err(entry_problems)
}

fn apply_row(
    row: &ImportedRow,
    agencies: &[agency::Model],
    am: &mut chronology_entry::ActiveModel,
) {
    am.seq = Set(row.seq.and_then(|s| i32::try_from(s).ok()));
    am.start_on = Set(row.start.start());
    am.precision = Set(precision_code(row.start.precision).into());
    am.uncertain = Set(row.start.uncertain);
    am.start_time = Set(row.start_time.map(|t| t.to_string()));
    am.end_on = Set(row.end.map(|d| d.start()));
    am.end_precision = Set(row.end.map(|d| precision_code(d.precision).into()));
    am.end_uncertain = Set(row.end.map(|d| d.uncertain));
    am.end_time = Set(row.end_time.map(|t| t.to_string()));
    am.source = Set(row.source.clone());
    am.event_type = Set(row.event_type.clone());
    am.event = Set(row.event.clone());
    am.action_taken = Set(row.action_taken.clone());
    let ids: Vec<String> = row
        .shared_with
        .iter()
        .filter_map(|k| agencies.get(*k as usize).map(|a| a.id.clone()))
        .collect();
    am.shared_with = Set(serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into()));
    am.practitioner_comment = Set(row.practitioner_comment.clone());
    am.note = Set(row.note);
    am.case_id = Set(row.case.clone());
    am.content_hash = Set(content_hash(row));
}

async fn history<C: ConnectionTrait>(
    conn: &C,
    rc: &RequestContext,
    e: &chronology_entry::Model,
    change: &str,
    agencies: &[agency::Model],
) -> AppResult<()> {
    chronology_entry_history::ActiveModel {
        id: Default::default(),
        entry_id: Set(e.id.clone()),
        version: Set(e.version),
        change: Set(change.into()),
        snapshot: Set(EntrySnapshot::of(e, agencies).to_text()),
        changed_by: Set(rc.signed_in.as_ref().map(|s| s.actor.user_id.clone())),
        changed_at: Set(crate::db::now()),
    }
    .insert(conn)
    .await?;
    Ok(())
}

pub async fn add_entry(
    state: &AppState,
    rc: &RequestContext,
    return_id: &str,
    fields: EntryFields,
) -> AppResult<chronology_entry::Model> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let (ret, review) = kept_return(&txn, actor, return_id, RowLock::ForUpdate).await?;
    ensure_editable(&ret)?;
    let (known, agencies) = known_names(&txn, &review.id, &ret.agency_id).await?;
    let row = check_fields(&fields, &known)?;
    let now = crate::db::now();
    let mut am = chronology_entry::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        return_id: Set(ret.id.clone()),
        review_id: Set(ret.review_id.clone()),
        agency_id: Set(ret.agency_id.clone()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    apply_row(&row, &agencies, &mut am);
    let entry = am.insert(&txn).await?;
    history(&txn, rc, &entry, "create", &agencies).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("chronology.entry.create", "chronology_entry", &entry.id),
    )
    .await?;
    txn.commit().await?;
    state
        .changed(rc, &entry.review_id, ChangeKind::Entry, Some(&entry.id))
        .await;
    Ok(entry)
}

/// An entry of a return the person keeps, for a change: the return is locked (see
/// [`RowLock`]) and the entry read again under that lock.
async fn kept_entry<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: &str,
) -> AppResult<(
    chronology_entry::Model,
    chronology_return::Model,
    review::Model,
)> {
    let find = || chronology_entry::Entity::find_by_id(id.to_owned());
    let entry = find().one(db).await?.ok_or(AppError::NotFound("Entry"))?;
    let (ret, review) = kept_return(db, actor, &entry.return_id, RowLock::ForUpdate)
        .await
        .map_err(|e| match e {
            AppError::Forbidden => AppError::Forbidden,
            _ => AppError::NotFound("Entry"),
        })?;
    // Read again under the return's lock: an import may have replaced it meanwhile.
    let entry = find().one(db).await?.ok_or(AppError::NotFound("Entry"))?;
    Ok((entry, ret, review))
}

fn stale(entry: &chronology_entry::Model, agencies: &[agency::Model]) -> AppError {
    AppError::StaleVersion {
        message: "Someone saved this entry since you opened it. Compare the two versions and save the one you want.".into(),
        current: EntrySnapshot::of(entry, agencies).to_json(),
    }
}

pub async fn update_entry(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    version: i32,
    fields: EntryFields,
) -> AppResult<chronology_entry::Model> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let (entry, ret, review) = kept_entry(&txn, actor, id).await?;
    ensure_editable(&ret)?;
    let (known, agencies) = known_names(&txn, &review.id, &ret.agency_id).await?;
    if entry.version != version {
        return Err(stale(&entry, &agencies));
    }
    let row = check_fields(&fields, &known)?;
    let mut am = chronology_entry::ActiveModel {
        version: Set(version + 1),
        updated_at: Set(crate::db::now()),
        ..Default::default()
    };
    apply_row(&row, &agencies, &mut am);
    let result = chronology_entry::Entity::update_many()
        .set(am)
        .filter(chronology_entry::Column::Id.eq(id))
        .filter(chronology_entry::Column::Version.eq(version))
        .exec(&txn)
        .await?;
    if result.rows_affected != 1 {
        return Err(stale(&entry, &agencies));
    }
    let entry = chronology_entry::Entity::find_by_id(id.to_owned())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("Entry"))?;
    history(&txn, rc, &entry, "update", &agencies).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("chronology.entry.update", "chronology_entry", id),
    )
    .await?;
    txn.commit().await?;
    state
        .changed(rc, &entry.review_id, ChangeKind::Entry, Some(&entry.id))
        .await;
    Ok(entry)
}

pub async fn delete_entry(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    version: i32,
) -> AppResult<()> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let (entry, ret, review) = kept_entry(&txn, actor, id).await?;
    ensure_editable(&ret)?;
    crate::retention::ensure_not_held(&txn, &review.id).await?;
    let (_, agencies) = known_names(&txn, &review.id, &ret.agency_id).await?;
    if entry.version != version {
        return Err(stale(&entry, &agencies));
    }
    history(&txn, rc, &entry, "delete", &agencies).await?;
    chronology_entry::Entity::delete_by_id(id.to_owned())
        .exec(&txn)
        .await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("chronology.entry.delete", "chronology_entry", id),
    )
    .await?;
    txn.commit().await?;
    state
        .changed(rc, &entry.review_id, ChangeKind::Entry, Some(id))
        .await;
    Ok(())
}

/// Reads an uploaded file (CSV or XLSX) against the template and the review's agencies.
fn read_file(
    file_name: &str,
    bytes: &[u8],
    known: &Known,
    limits: &WorkbookLimits,
) -> Result<Vec<ImportedRow>, Vec<RowProblem>> {
    let rows = spreadsheet::file_rows(file_name, bytes, &FILE, limits).map_err(|p| vec![p])?;
    read_rows(&rows, known)
}

/// Reads an uploaded file off the async threads (see [`spreadsheet::read_off_thread`]).
async fn read_upload(
    state: &AppState,
    file_name: &str,
    bytes: Vec<u8>,
    known: Known,
) -> AppResult<Result<Vec<ImportedRow>, Vec<RowProblem>>> {
    let limits = WorkbookLimits::from_config(&state.config);
    let file_name = file_name.to_owned();
    spreadsheet::read_off_thread(state, move || {
        read_file(&file_name, &bytes, &known, &limits)
    })
    .await
}

/// Checks a file; writes nothing. Problems come back as data so they can be shown as a list.
pub async fn preview_import(
    state: &AppState,
    rc: &RequestContext,
    return_id: &str,
    file_name: &str,
    bytes: Vec<u8>,
) -> AppResult<ImportPreviewView> {
    let actor = rc.actor()?;
    let (ret, review) = kept_return(&state.db, actor, return_id, RowLock::None).await?;
    ensure_editable(&ret)?;
    let (known, agencies) = known_names(&state.db, &review.id, &ret.agency_id).await?;
    let replaced = replaced_by_import(&state.db, &ret.id).await?;
    let (rows, problems) = match read_upload(state, file_name, bytes, known).await? {
        Ok(rows) => (rows, Vec::new()),
        Err(problems) => (Vec::new(), problems),
    };
    Ok(ImportPreviewView {
        rows,
        agencies,
        problems,
        replaced,
    })
}

/// What checking a file found, and what importing it would replace.
pub struct ImportPreviewView {
    pub rows: Vec<ImportedRow>,
    pub agencies: Vec<agency::Model>,
    pub problems: Vec<RowProblem>,
    pub replaced: Replaced,
}

/// The entries an import would replace: all of the return's, and how many of them were
/// typed in the browser (added with the form rather than from a file).
#[derive(Debug, Clone, Copy, Default)]
pub struct Replaced {
    pub entries: u64,
    pub typed: u64,
}

/// Counts the return's entries now, and those typed in the browser (their first version
/// is a "create", not an "import"): two counting queries.
pub async fn replaced_by_import<C: ConnectionTrait>(
    db: &C,
    return_id: &str,
) -> AppResult<Replaced> {
    use sea_orm::sea_query::Query;
    use sea_orm::PaginatorTrait;
    let entries = chronology_entry::Entity::find()
        .filter(chronology_entry::Column::ReturnId.eq(return_id))
        .count(db)
        .await?;
    let typed = chronology_entry_history::Entity::find()
        .filter(chronology_entry_history::Column::Change.eq("create"))
        .filter(
            chronology_entry_history::Column::EntryId.in_subquery(
                Query::select()
                    .column(chronology_entry::Column::Id)
                    .from(chronology_entry::Entity)
                    .and_where(chronology_entry::Column::ReturnId.eq(return_id))
                    .to_owned(),
            ),
        )
        .count(db)
        .await?;
    Ok(Replaced { entries, typed })
}

/// A file read and checked against the template for a return the person keeps: what an
/// import (waited for or in the background) stores.
pub struct CheckedUpload {
    pub ret: chronology_return::Model,
    pub agencies: Vec<agency::Model>,
    pub rows: Vec<ImportedRow>,
    pub file_name: String,
}

/// Reads and checks a whole file before anything is written: a file with problems is
/// refused whole, each problem named by row and column.
pub async fn check_upload(
    state: &AppState,
    rc: &RequestContext,
    return_id: &str,
    file_name: &str,
    bytes: Vec<u8>,
) -> AppResult<CheckedUpload> {
    let actor = rc.actor()?;
    let (ret, review) = kept_return(&state.db, actor, return_id, RowLock::None).await?;
    ensure_editable(&ret)?;
    let (known, agencies) = known_names(&state.db, &review.id, &ret.agency_id).await?;
    let rows = read_upload(state, file_name, bytes, known)
        .await?
        .map_err(spreadsheet::problems_error)?;
    Ok(CheckedUpload {
        ret,
        agencies,
        rows,
        file_name: file_name.to_owned(),
    })
}

/// Replaces the return's entries with the file's, all or nothing, and answers once they are
/// stored. Files over `--background-import-rows` entries are refused: they are imported
/// with `startChronologyImport`. The same job code stores both (see [`super::jobs`]).
pub async fn confirm_import(
    state: &AppState,
    rc: &RequestContext,
    return_id: &str,
    file_name: &str,
    bytes: Vec<u8>,
) -> AppResult<chronology_return::Model> {
    let checked = check_upload(state, rc, return_id, file_name, bytes).await?;
    let most = state.config.background_import_rows;
    if checked.rows.len() > most {
        return Err(AppError::BackgroundImportRequired(format!(
            "This file holds {} entries; files of more than {most} are imported in the background: use startChronologyImport, which reports its progress.",
            checked.rows.len()
        )));
    }
    super::jobs::start_and_wait(state, rc, checked).await
}

/// The entries of a return that an import no longer holds: each gets its "delete" history
/// row, then goes. Inside the import's write transaction.
pub(super) async fn remove_gone<C: ConnectionTrait>(
    txn: &C,
    changed_by: Option<String>,
    gone: Vec<chronology_entry::Model>,
    agencies: &[agency::Model],
) -> AppResult<()> {
    let now = crate::db::now();
    for chunk in gone.chunks(200) {
        let histories = chunk.iter().map(|e| chronology_entry_history::ActiveModel {
            id: Default::default(),
            entry_id: Set(e.id.clone()),
            version: Set(e.version),
            change: Set("delete".into()),
            snapshot: Set(EntrySnapshot::of(e, agencies).to_text()),
            changed_by: Set(changed_by.clone()),
            changed_at: Set(now),
        });
        chronology_entry_history::Entity::insert_many(histories)
            .exec_without_returning(txn)
            .await?;
        chronology_entry::Entity::delete_many()
            .filter(chronology_entry::Column::Id.is_in(chunk.iter().map(|e| e.id.clone())))
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// The return moves on a version, with the import's audit row. Inside the import's write
/// transaction.
pub(super) async fn record_import<C: ConnectionTrait>(
    txn: &C,
    rc: &RequestContext,
    ret: chronology_return::Model,
) -> AppResult<chronology_return::Model> {
    let mut am: chronology_return::ActiveModel = ret.clone().into();
    am.updated_at = Set(crate::db::now());
    am.version = Set(ret.version + 1);
    let ret = am.update(txn).await?;
    audit_log::append(
        txn,
        rc,
        Event::new("chronology.return.import", "chronology_return", &ret.id),
    )
    .await?;
    Ok(ret)
}

/// A new entry of a return made from a checked row, with its history row, ready to insert.
pub struct PreparedEntry {
    pub hash: String,
    pub entry: chronology_entry::ActiveModel,
    pub history: chronology_entry_history::ActiveModel,
}

/// Makes the entries (ids, fields, history snapshots) of checked rows, writing nothing: an
/// import does this before its write transaction, so the write lock is held only for the
/// inserts.
pub fn prepare_rows(
    changed_by: Option<String>,
    ret: &chronology_return::Model,
    rows: &[ImportedRow],
    agencies: &[agency::Model],
) -> AppResult<Vec<PreparedEntry>> {
    let now = crate::db::now();
    rows.iter()
        .map(|row| {
            let mut am = chronology_entry::ActiveModel {
                id: Set(uuid::Uuid::new_v4().to_string()),
                return_id: Set(ret.id.clone()),
                review_id: Set(ret.review_id.clone()),
                agency_id: Set(ret.agency_id.clone()),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            };
            apply_row(row, agencies, &mut am);
            let entry = am
                .clone()
                .try_into_model()
                .map_err(|e| AppError::Internal(format!("entry model: {e}")))?;
            Ok(PreparedEntry {
                hash: content_hash(row),
                history: chronology_entry_history::ActiveModel {
                    id: Default::default(),
                    entry_id: Set(entry.id.clone()),
                    version: Set(1),
                    change: Set("import".into()),
                    snapshot: Set(EntrySnapshot::of(&entry, agencies).to_text()),
                    changed_by: Set(changed_by.clone()),
                    changed_at: Set(now),
                },
                entry: am,
            })
        })
        .collect()
}

/// Rows per multi-row insert of entries: as many as the backend's limit on parameters per
/// statement allows (SQLite 32,766, PostgreSQL 65,535), with room to spare: 1,250 and 2,500
/// rows of 24 columns. Each statement costs a round trip and a parse, so fewer, larger ones
/// cost less.
fn entry_batch(conn: &impl ConnectionTrait) -> usize {
    use sea_orm::Iterable;
    let parameters = match conn.get_database_backend() {
        sea_orm::DbBackend::Postgres => 60_000,
        _ => 30_000,
    };
    parameters / chronology_entry::Column::iter().count().max(1)
}

/// Inserts prepared entries and their history rows in multi-row statements.
pub async fn insert_prepared<C: ConnectionTrait>(
    conn: &C,
    prepared: Vec<PreparedEntry>,
) -> AppResult<()> {
    let batch = entry_batch(conn);
    let mut rest = prepared.into_iter().peekable();
    while rest.peek().is_some() {
        let (entries, histories): (Vec<_>, Vec<_>) = rest
            .by_ref()
            .take(batch)
            .map(|p| (p.entry, p.history))
            .unzip();
        chronology_entry::Entity::insert_many(entries)
            .exec_without_returning(conn)
            .await?;
        chronology_entry_history::Entity::insert_many(histories)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// Stores checked rows as new entries of a return, each with its history, in batches.
pub async fn insert_rows<C: ConnectionTrait>(
    conn: &C,
    rc: &RequestContext,
    ret: &chronology_return::Model,
    rows: &[ImportedRow],
    agencies: &[agency::Model],
) -> AppResult<()> {
    let changed_by = rc.signed_in.as_ref().map(|s| s.actor.user_id.clone());
    insert_prepared(conn, prepare_rows(changed_by, ret, rows, agencies)?).await
}

/// Loads a template CSV into a new submitted return (demo data).
pub async fn load_submitted_return<C: ConnectionTrait>(
    conn: &C,
    rc: &RequestContext,
    review_id: &str,
    agency_id: &str,
    csv: &str,
) -> AppResult<()> {
    let (known, agencies) = known_names(conn, review_id, agency_id).await?;
    let rows = read_file(
        "demo.csv",
        csv.as_bytes(),
        &known,
        &WorkbookLimits::default(),
    )
    .map_err(spreadsheet::problems_error)?;
    let now = crate::db::now();
    let ret = chronology_return::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        review_id: Set(review_id.to_owned()),
        agency_id: Set(agency_id.to_owned()),
        status: Set(SUBMITTED.into()),
        submitted_at: Set(Some(now)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(conn)
    .await?;
    insert_rows(conn, rc, &ret, &rows, &agencies).await
}

pub async fn submit_return(
    state: &AppState,
    rc: &RequestContext,
    return_id: &str,
) -> AppResult<chronology_return::Model> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let (ret, _) = kept_return(&txn, actor, return_id, RowLock::ForUpdate).await?;
    ensure_editable(&ret)?;
    if entries_of_return(&txn, &ret.id).await?.is_empty() {
        return Err(AppError::validation(
            "returnId",
            "add at least one entry before submitting",
        ));
    }
    move_return(state, rc, txn, ret, SUBMITTED, "chronology.return.submit").await
}

/// Moves a return to `status` with its audit row, commits, and tells everyone watching.
async fn move_return(
    state: &AppState,
    rc: &RequestContext,
    txn: sea_orm::DatabaseTransaction,
    ret: chronology_return::Model,
    status: &str,
    action: &str,
) -> AppResult<chronology_return::Model> {
    let now = crate::db::now();
    let mut am: chronology_return::ActiveModel = ret.clone().into();
    am.status = Set(status.into());
    if status == SUBMITTED {
        am.submitted_at = Set(Some(now));
    }
    am.updated_at = Set(now);
    am.version = Set(ret.version + 1);
    let ret = am.update(&txn).await?;
    audit_log::append(&txn, rc, Event::new(action, "chronology_return", &ret.id)).await?;
    txn.commit().await?;
    state
        .changed(rc, &ret.review_id, ChangeKind::Return, Some(&ret.id))
        .await;
    Ok(ret)
}

/// The business office reopens a submitted return so its agency can change it.
pub async fn reopen_return(
    state: &AppState,
    rc: &RequestContext,
    return_id: &str,
) -> AppResult<chronology_return::Model> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let ret = find_return(return_id, RowLock::ForUpdate)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("Chronology return"))?;
    review_for(&txn, actor, &ret.review_id)
        .await
        .map_err(|_| AppError::NotFound("Chronology return"))?;
    if ret.status != SUBMITTED {
        return Err(AppError::validation(
            "returnId",
            "only a submitted return can be reopened",
        ));
    }
    move_return(state, rc, txn, ret, REOPENED, "chronology.return.reopen").await
}

/// A duplicate group as shown: its entries (in order), key and decision.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupView {
    pub key: String,
    pub entries: Vec<chronology_entry::Model>,
    pub decision: Option<String>,
    /// Why the merge proposes it, in words; empty for a decided group it no longer proposes.
    pub reasons: Vec<String>,
    /// The mean match weight (log2 of the odds) of its pairs, while the merge proposes it.
    pub score: Option<f32>,
    /// The lowest match probability of a pair of it (0 to 1), while the merge proposes it.
    pub probability: Option<f32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SharingView {
    pub entry: chronology_entry::Model,
    pub with: agency::Model,
    pub confirmed_by: Option<chronology_entry::Model>,
    /// Why the confirming entry was chosen, or why none was.
    pub why: String,
}

/// The merge of a review's submitted entries: what every viewer of the review reads alike,
/// so one is kept per review between reads (`super::cache`).
#[derive(Debug, Clone, Default)]
pub struct Merged {
    /// In chronological order.
    pub entries: Vec<chronology_entry::Model>,
    pub groups: Vec<GroupView>,
    pub sharing: Vec<SharingView>,
    pub gaps: Vec<shared::chronology::Gap>,
    /// A stamp of the agencies it was made with (its entries are shown with their agency's
    /// name and colour as they were then).
    pub agencies: u64,
}

impl super::cache::Weight for Merged {
    fn weight(&self) -> usize {
        self.entries.len().max(1)
    }
}

/// The integrated chronology as one person reads it: the review's merge, and the
/// annotations as they are now.
#[derive(Debug, Clone)]
pub struct IntegratedView {
    pub merged: Arc<Merged>,
    pub annotations: Vec<(annotation::Model, String, Option<String>)>,
    pub review: review::Model,
    /// The audit case whose chronology this is (a multi-agency case audit merges each case
    /// of its sample on its own); `None` in a case review.
    pub case: Option<case_audit_case::Model>,
    /// The merge's slot in the cache, and the stamp it was made under: what changed since
    /// an earlier version is found from them (`super::changes`).
    pub key: super::cache::Key,
    pub stamp: u64,
}

impl IntegratedView {
    /// The version of the merge this view shows (`IntegratedChronology.version`).
    pub fn version(&self) -> String {
        super::cache::version(&self.key, self.stamp)
    }
}

pub fn group_key(ids: &[&str]) -> String {
    let mut ids: Vec<&str> = ids.to_vec();
    ids.sort_unstable();
    ids.join(",")
}

/// The case of an audit's sample that `case_id` names, or a VALIDATION error on `caseId`.
async fn case_of<C: ConnectionTrait>(
    db: &C,
    review: &review::Model,
    case_id: Option<&str>,
) -> AppResult<Option<case_audit_case::Model>> {
    let Some(id) = case_id else {
        return Ok(None);
    };
    case_audit_case::Entity::find_by_id(id.to_owned())
        .filter(case_audit_case::Column::ReviewId.eq(review.id.clone()))
        .one(db)
        .await?
        .map(Some)
        .ok_or_else(|| AppError::validation("caseId", "is not a case of this audit's sample"))
}

/// The integrated chronology of a review (of one case of an audit's sample, when `case_id`
/// names one; without it, an audit's entries that name no case), or `None` while the person
/// may not see it; anonymised with the review's glossary when asked. The merge comes from
/// this instance's cache while nothing it is made from has changed (checked on every read,
/// so a change made through any instance shows at once); the annotations are read anew each
/// time.
pub async fn integrated(
    state: &AppState,
    rc: &RequestContext,
    review_id: &str,
    case_id: Option<&str>,
    anonymised: bool,
) -> AppResult<Option<IntegratedView>> {
    let actor = rc.actor()?;
    let (review, membership) = review_for(&state.db, actor, review_id).await?;
    if !access::sees_integrated(actor, membership, review.chronology_shared_at.is_some()) {
        return Ok(None);
    }
    let case = case_of(&state.db, &review, case_id).await?;
    let case_id = case.as_ref().map(|c| c.id.clone());
    let inputs = merge_inputs(&state.db, &review).await?;
    let stamp = inputs.stamp(&review);
    let key = (review.id.clone(), case_id.clone(), false);
    let named = state
        .merges
        .get_or_build(key.clone(), stamp, || {
            merge(&state.db, &review, case_id.as_deref(), inputs)
        })
        .await?;
    let (merged, glossary, key, stamp) = if anonymised {
        let (glossary, terms) = super::glossary::load_stamped(&state.db, &review.id).await?;
        let key = (review.id.clone(), case_id.clone(), true);
        let stamp = stamp_of(&(stamp, terms));
        let anonymised = state
            .merges
            .get_or_build(key.clone(), stamp, || async {
                let mut copy = Merged::clone(&named);
                super::glossary::anonymise(&glossary, &mut copy);
                Ok::<_, AppError>(copy)
            })
            .await?;
        (anonymised, Some(glossary), key, stamp)
    } else {
        (named, None, key, stamp)
    };
    let mut annotations = annotations_of(&state.db, &review.id, &merged).await?;
    if let Some(glossary) = glossary {
        super::glossary::anonymise_notes(&glossary, &mut annotations);
    }
    Ok(Some(IntegratedView {
        merged,
        annotations,
        review,
        case,
        key,
        stamp,
    }))
}

/// One saved version of an entry, with who saved it.
#[derive(Debug, Clone)]
pub struct EntryVersion {
    pub row: chronology_entry_history::Model,
    pub changed_by: Option<String>,
}

/// An entry, for whoever may see it: its own agency's return keepers, those who see every
/// return, and (once the return is submitted) those who see the integrated chronology. Any
/// other entry answers like a missing one.
pub async fn visible_entry(
    state: &AppState,
    rc: &RequestContext,
    entry_id: &str,
) -> AppResult<chronology_entry::Model> {
    let actor = rc.actor()?;
    let missing = || AppError::NotFound("Entry");
    let entry = chronology_entry::Entity::find_by_id(entry_id.to_owned())
        .one(&state.db)
        .await?
        .ok_or_else(missing)?;
    let (review, membership) = review_for(&state.db, actor, &entry.review_id)
        .await
        .map_err(|_| missing())?;
    let submitted = chronology_return::Entity::find_by_id(entry.return_id.clone())
        .one(&state.db)
        .await?
        .is_some_and(|r| r.status == SUBMITTED);
    let sees = access::keeps_return(actor, membership, &entry.agency_id)
        || access::sees_all_returns(actor, membership)
        || (submitted
            && access::sees_integrated(actor, membership, review.chronology_shared_at.is_some()));
    if sees {
        Ok(entry)
    } else {
        Err(missing())
    }
}

/// Every saved version of an entry the person may see, newest first.
pub async fn entry_history(
    state: &AppState,
    rc: &RequestContext,
    entry_id: &str,
) -> AppResult<Vec<EntryVersion>> {
    let entry = visible_entry(state, rc, entry_id).await?;
    let rows = chronology_entry_history::Entity::find()
        .filter(chronology_entry_history::Column::EntryId.eq(entry.id.clone()))
        .order_by_desc(chronology_entry_history::Column::Id)
        .all(&state.db)
        .await?;
    let names = crate::users::service::display_names(
        &state.db,
        rows.iter().filter_map(|r| r.changed_by.clone()),
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| EntryVersion {
            changed_by: row
                .changed_by
                .as_ref()
                .and_then(|id| names.get(id).cloned()),
            row,
        })
        .collect())
}

/// The integrated chronology read inside a write (the answer of a mutation), uncached.
async fn build_integrated<C: ConnectionTrait>(
    db: &C,
    review: review::Model,
    case_id: Option<&str>,
) -> AppResult<IntegratedView> {
    let case = case_of(db, &review, case_id).await?;
    let inputs = merge_inputs(db, &review).await?;
    let stamp = inputs.stamp(&review);
    let key = (review.id.clone(), case_id.map(str::to_owned), false);
    let merged = merge(db, &review, case_id, inputs).await?;
    let annotations = annotations_of(db, &review.id, &merged).await?;
    Ok(IntegratedView {
        merged: Arc::new(merged),
        annotations,
        review,
        case,
        key,
        stamp,
    })
}

/// What a review's merge is made from, short of the entries themselves: enough to tell
/// whether a kept merge still holds, read in a few small queries.
#[derive(Debug)]
pub struct MergeInputs {
    /// The submitted returns (entries of a submitted return cannot change: the return must
    /// be reopened, which moves its version, first).
    submitted: Vec<chronology_return::Model>,
    /// Over their entries: how many, and the sum of their versions (a safeguard should
    /// any other writer change them).
    entry_count: i64,
    entry_versions: i64,
    decisions: Vec<duplicate_decision::Model>,
    /// Every agency, by prefix (the merge's agency keys are their positions).
    agencies: Vec<agency::Model>,
}

impl MergeInputs {
    /// A hash of everything the merge is made from, with the review's settings.
    pub fn stamp(&self, review: &review::Model) -> u64 {
        let returns: Vec<(&str, i32)> = self
            .submitted
            .iter()
            .map(|r| (r.id.as_str(), r.version))
            .collect();
        let decisions: Vec<(&str, &str)> = self
            .decisions
            .iter()
            .map(|d| (d.group_key.as_str(), d.decision.as_str()))
            .collect();
        stamp_of(&(
            returns,
            self.entry_count,
            self.entry_versions,
            decisions,
            format!("{:?}", self.agencies),
            review.sharing_tolerance_days,
            review.gap_threshold_days,
        ))
    }
}

/// A hash of a value, for telling versions apart within this process.
pub fn stamp_of<T: Hash>(value: &T) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

pub async fn merge_inputs<C: ConnectionTrait>(
    db: &C,
    review: &review::Model,
) -> AppResult<MergeInputs> {
    let mut submitted = chronology_return::Entity::find()
        .filter(chronology_return::Column::ReviewId.eq(review.id.clone()))
        .filter(chronology_return::Column::Status.eq(SUBMITTED))
        .all(db)
        .await?;
    submitted.sort_by(|a, b| a.id.cmp(&b.id));
    let ids: Vec<String> = submitted.iter().map(|r| r.id.clone()).collect();
    // Cast so both databases answer 64-bit integers.
    let (entry_count, entry_versions): (i64, i64) = chronology_entry::Entity::find()
        .select_only()
        .column_as(
            sea_orm::sea_query::Expr::cust("CAST(COUNT(*) AS BIGINT)"),
            "n",
        )
        .column_as(
            sea_orm::sea_query::Expr::cust("CAST(COALESCE(SUM(version), 0) AS BIGINT)"),
            "versions",
        )
        .filter(chronology_entry::Column::ReturnId.is_in(ids))
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or((0, 0));
    let mut decisions = duplicate_decision::Entity::find()
        .filter(duplicate_decision::Column::ReviewId.eq(review.id.clone()))
        .all(db)
        .await?;
    decisions.sort_by(|a, b| a.group_key.cmp(&b.group_key));
    let agencies = agency::Entity::find()
        .order_by_asc(agency::Column::Prefix)
        .all(db)
        .await?;
    Ok(MergeInputs {
        submitted,
        entry_count,
        entry_versions,
        decisions,
        agencies,
    })
}

/// Reads the submitted entries and merges them (the costly part of a read): those about one
/// case of an audit's sample when `case_id` names one, else those that name no case (every
/// entry of a case review). Cases are different children: their entries never meet.
pub async fn merge<C: ConnectionTrait>(
    db: &C,
    review: &review::Model,
    case_id: Option<&str>,
    inputs: MergeInputs,
) -> AppResult<Merged> {
    let MergeInputs {
        submitted,
        decisions,
        agencies,
        ..
    } = inputs;
    let submitted: Vec<String> = submitted.into_iter().map(|r| r.id).collect();
    // Without a case: the entries naming none, and any naming a case no longer in the
    // sample (taken out while an import was running), so that no entry is out of sight.
    let which = match case_id {
        Some(id) => Condition::all().add(chronology_entry::Column::CaseId.eq(id)),
        None => {
            let cases: Vec<String> = case_audit_case::Entity::find()
                .select_only()
                .column(case_audit_case::Column::Id)
                .filter(case_audit_case::Column::ReviewId.eq(review.id.clone()))
                .into_tuple()
                .all(db)
                .await?;
            let mut none = Condition::any().add(chronology_entry::Column::CaseId.is_null());
            if !cases.is_empty() {
                none = none.add(chronology_entry::Column::CaseId.is_not_in(cases));
            }
            none
        }
    };
    let mut rows = chronology_entry::Entity::find()
        .filter(chronology_entry::Column::ReturnId.is_in(submitted))
        .filter(which)
        .all(db)
        .await?;
    // The merge's answer does not depend on the order rows come back in; its ties do not
    // either, but a fixed order keeps every build of one version byte-identical.
    rows.sort_by(|a, b| a.id.cmp(&b.id));
    let key_of: HashMap<&str, u32> = agencies
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), u32::try_from(i).unwrap_or(u32::MAX)))
        .collect();
    let index_of: HashMap<&str, u64> = rows
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i as u64))
        .collect();
    let entries: Vec<Entry> = rows
        .iter()
        .enumerate()
        .map(|(i, e)| Entry {
            id: i as u64,
            agency: key_of
                .get(e.agency_id.as_str())
                .copied()
                .unwrap_or(u32::MAX),
            seq: e.seq.and_then(|s| u32::try_from(s).ok()),
            start: start_of(e),
            time: time_of(e.start_time.as_deref()),
            end: end_of(e),
            event_type: e.event_type.clone(),
            text: e.event.clone(),
            shared_with: shared_ids(e)
                .iter()
                .filter_map(|id| key_of.get(id.as_str()).copied())
                .collect(),
        })
        .collect();
    // Reviewers' decisions, as pairs: a re-merge keeps a confirmed group together and never
    // proposes a rejected one again, and both teach the review's weights.
    let mut pairs = Decisions::default();
    for d in &decisions {
        let into = match d.decision.as_str() {
            "REJECTED" => &mut pairs.rejected,
            "CONFIRMED" => &mut pairs.confirmed,
            _ => continue,
        };
        let ids: Vec<u64> = d
            .group_key
            .split(',')
            .filter_map(|id| index_of.get(id).copied())
            .collect();
        for (x, a) in ids.iter().enumerate() {
            for b in &ids[x + 1..] {
                into.insert((*a, *b));
            }
        }
    }
    let settings = MergeSettings {
        sharing_tolerance_days: u32::try_from(review.sharing_tolerance_days).unwrap_or(2),
        gap_threshold_days: u32::try_from(review.gap_threshold_days).unwrap_or(28),
        // So that the merge knows an agency named in another's text ("call from the school").
        agency_names: agencies
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let key = u32::try_from(i).unwrap_or(u32::MAX);
                (key, format!("{} ({})", a.name, a.prefix))
            })
            .collect(),
        ..MergeSettings::default()
    };
    let merged = merge_with_decisions(&entries, &settings, &pairs);
    let decision_of: HashMap<&str, &str> = decisions
        .iter()
        .map(|d| (d.group_key.as_str(), d.decision.as_str()))
        .collect();
    let mut groups: Vec<GroupView> = merged
        .duplicate_groups
        .iter()
        .enumerate()
        .map(|(n, g)| {
            let ids: Vec<&str> = g.iter().map(|&i| rows[i].id.as_str()).collect();
            let key = group_key(&ids);
            let evidence = merged.duplicate_evidence.get(n);
            GroupView {
                decision: decision_of.get(key.as_str()).map(|d| (*d).to_owned()),
                key,
                entries: g.iter().map(|&i| rows[i].clone()).collect(),
                reasons: evidence.map(|e| e.reasons.clone()).unwrap_or_default(),
                score: evidence.map(|e| e.score),
                probability: evidence.map(|e| e.probability),
            }
        })
        .collect();
    // Decided groups the merge no longer proposes (rejected ones, or changed texts) still show.
    for d in &decisions {
        if groups.iter().any(|g| g.key == d.group_key) {
            continue;
        }
        let members: Vec<chronology_entry::Model> = d
            .group_key
            .split(',')
            .filter_map(|id| index_of.get(id).map(|&i| rows[i as usize].clone()))
            .collect();
        if members.len() == d.group_key.split(',').count() {
            groups.push(GroupView {
                key: d.group_key.clone(),
                entries: members,
                decision: Some(d.decision.clone()),
                reasons: Vec::new(),
                score: None,
                probability: None,
            });
        }
    }
    let sharing = merged
        .sharing
        .iter()
        .filter_map(|s| {
            Some(SharingView {
                entry: rows[s.entry].clone(),
                with: agencies.get(s.with as usize)?.clone(),
                confirmed_by: s.confirmed_by.map(|j| rows[j].clone()),
                why: s.why.clone(),
            })
        })
        .collect();
    Ok(Merged {
        entries: merged.order.iter().map(|&i| rows[i].clone()).collect(),
        groups,
        sharing,
        gaps: merged.gaps,
        agencies: stamp_of(&format!("{agencies:?}")),
    })
}

/// The review's annotations of the merged entries, oldest first, with their authors' names
/// and agency prefixes.
pub async fn annotations_of<C: ConnectionTrait>(
    db: &C,
    review_id: &str,
    merged: &Merged,
) -> AppResult<Vec<(annotation::Model, String, Option<String>)>> {
    let shown: HashSet<&str> = merged.entries.iter().map(|e| e.id.as_str()).collect();
    let notes: Vec<annotation::Model> = annotation::Entity::find()
        .filter(annotation::Column::ReviewId.eq(review_id))
        .order_by_asc(annotation::Column::CreatedAt)
        .order_by_asc(annotation::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|n| shown.contains(n.entry_id.as_str()))
        .collect();
    let authors: HashMap<String, app_user::Model> = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(notes.iter().map(|n| n.author_id.clone())))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id.clone(), u))
        .collect();
    let prefixes: HashMap<String, String> = agency::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.prefix))
        .collect();
    Ok(notes
        .into_iter()
        .map(|n| {
            let author = authors.get(&n.author_id);
            let name = author.map(|u| u.display_name.clone()).unwrap_or_default();
            let prefix = author
                .and_then(|u| u.agency_id.as_ref())
                .and_then(|id| prefixes.get(id))
                .cloned();
            (n, name, prefix)
        })
        .collect())
}

pub(super) async fn collated_review<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    review_id: &str,
) -> AppResult<review::Model> {
    let (review, membership) = review_for(db, actor, review_id).await?;
    if !access::collates(actor, membership) {
        return Err(AppError::Forbidden);
    }
    Ok(review)
}

pub async fn decide_group(
    state: &AppState,
    rc: &RequestContext,
    review_id: &str,
    key: &str,
    decision: &str,
) -> AppResult<IntegratedView> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let review = collated_review(&txn, actor, review_id).await?;
    let ids: Vec<&str> = key.split(',').filter(|s| !s.is_empty()).collect();
    let entries = chronology_entry::Entity::find()
        .filter(chronology_entry::Column::ReviewId.eq(review.id.clone()))
        .filter(chronology_entry::Column::Id.is_in(ids.iter().map(|s| (*s).to_owned())))
        .all(&txn)
        .await?;
    let agencies: HashSet<&str> = entries.iter().map(|e| e.agency_id.as_str()).collect();
    if ids.len() < 2 || entries.len() != ids.len() || agencies.len() != ids.len() {
        return Err(AppError::validation(
            "key",
            "name two or more entries of this review, each from a different agency",
        ));
    }
    let cases: HashSet<Option<&str>> = entries.iter().map(|e| e.case_id.as_deref()).collect();
    if cases.len() != 1 {
        return Err(AppError::validation(
            "key",
            "name entries about one case of the audit: different cases are different children",
        ));
    }
    let case_id = entries.first().and_then(|e| e.case_id.clone());
    let key = group_key(&ids);
    duplicate_decision::Entity::delete_many()
        .filter(duplicate_decision::Column::ReviewId.eq(review.id.clone()))
        .filter(duplicate_decision::Column::GroupKey.eq(key.clone()))
        .exec(&txn)
        .await?;
    duplicate_decision::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        review_id: Set(review.id.clone()),
        group_key: Set(key.clone()),
        decision: Set(decision.to_owned()),
        decided_by: Set(actor.user_id.clone()),
        decided_at: Set(crate::db::now()),
    }
    .insert(&txn)
    .await?;
    audit_log::append(
        &txn,
        rc,
        Event::new(
            &format!("chronology.duplicates.{}", decision.to_lowercase()),
            "review",
            &review.id,
        ),
    )
    .await?;
    // Entries naming a case no longer in the sample are read with those naming none.
    let case_id = match case_id {
        Some(id) => case_audit_case::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .map(|c| c.id),
        None => None,
    };
    let view = build_integrated(&txn, review, case_id.as_deref()).await?;
    txn.commit().await?;
    state
        .changed(rc, &view.review.id, ChangeKind::Duplicates, None)
        .await;
    Ok(view)
}

fn annotation_text(text: &str) -> AppResult<String> {
    let mut p = Problems::new();
    let text = p.long_text("text", text, 10_000);
    p.into_result()?;
    Ok(text)
}

pub async fn annotate(
    state: &AppState,
    rc: &RequestContext,
    entry_id: &str,
    kind: &str,
    text: &str,
) -> AppResult<annotation::Model> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let entry = chronology_entry::Entity::find_by_id(entry_id.to_owned())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("Entry"))?;
    collated_review(&txn, actor, &entry.review_id)
        .await
        .map_err(|e| match e {
            AppError::Forbidden => AppError::Forbidden,
            _ => AppError::NotFound("Entry"),
        })?;
    if kind == ANSWER {
        return Err(AppError::validation(
            "kind",
            "answer a question with answerQuestion",
        ));
    }
    append_annotation(
        state,
        rc,
        txn,
        &entry,
        kind,
        text,
        None,
        "chronology.annotation.create",
    )
    .await
}

/// Appends an annotation (annotations are never edited or deleted) with its audit row, and
/// tells everyone watching the review.
#[allow(clippy::too_many_arguments)]
async fn append_annotation(
    state: &AppState,
    rc: &RequestContext,
    txn: sea_orm::DatabaseTransaction,
    entry: &chronology_entry::Model,
    kind: &str,
    text: &str,
    answers: Option<String>,
    action: &str,
) -> AppResult<annotation::Model> {
    let actor = rc.actor()?;
    let text = annotation_text(text)?;
    let note = annotation::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        review_id: Set(entry.review_id.clone()),
        entry_id: Set(entry.id.clone()),
        kind: Set(kind.to_owned()),
        text: Set(text),
        author_id: Set(actor.user_id.clone()),
        answers_id: Set(answers),
        created_at: Set(crate::db::now()),
    }
    .insert(&txn)
    .await?;
    audit_log::append(&txn, rc, Event::new(action, "chronology_entry", &entry.id)).await?;
    txn.commit().await?;
    state
        .changed(
            rc,
            &note.review_id,
            ChangeKind::Annotation,
            Some(&note.entry_id),
        )
        .await;
    Ok(note)
}

/// The agency whose entry was questioned answers (append-only, like every annotation).
pub async fn answer(
    state: &AppState,
    rc: &RequestContext,
    question_id: &str,
    text: &str,
) -> AppResult<annotation::Model> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let question = annotation::Entity::find_by_id(question_id.to_owned())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("Question"))?;
    let entry = chronology_entry::Entity::find_by_id(question.entry_id.clone())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("Question"))?;
    let (_, membership) = review_for(&txn, actor, &question.review_id)
        .await
        .map_err(|_| AppError::NotFound("Question"))?;
    if question.kind != "QUESTION" {
        return Err(AppError::validation(
            "questionId",
            "only a question can be answered",
        ));
    }
    if !access::answers_for(actor, membership, &entry.agency_id) {
        return Err(AppError::Forbidden);
    }
    append_annotation(
        state,
        rc,
        txn,
        &entry,
        ANSWER,
        text,
        Some(question.id.clone()),
        "chronology.annotation.answer",
    )
    .await
}

pub async fn share(
    state: &AppState,
    rc: &RequestContext,
    review_id: &str,
) -> AppResult<IntegratedView> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let (review, _) = review_for(&txn, actor, review_id).await?;
    let mut am: review::ActiveModel = review.clone().into();
    if review.chronology_shared_at.is_none() {
        am.chronology_shared_at = Set(Some(crate::db::now()));
    }
    save_chronology_settings(state, rc, txn, am, "chronology.share", ChangeKind::Review).await
}

/// Saves a review's chronology settings with the audit row, and returns the integrated
/// chronology as it now stands, telling everyone watching.
async fn save_chronology_settings(
    state: &AppState,
    rc: &RequestContext,
    txn: sea_orm::DatabaseTransaction,
    changes: review::ActiveModel,
    action: &str,
    kind: ChangeKind,
) -> AppResult<IntegratedView> {
    let review = changes.update(&txn).await?;
    audit_log::append(&txn, rc, Event::new(action, "review", &review.id)).await?;
    let view = build_integrated(&txn, review, None).await?;
    txn.commit().await?;
    state.changed(rc, &view.review.id, kind, None).await;
    Ok(view)
}

pub async fn set_settings(
    state: &AppState,
    rc: &RequestContext,
    review_id: &str,
    tolerance: i32,
    gap: i32,
) -> AppResult<IntegratedView> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let review = collated_review(&txn, actor, review_id).await?;
    let mut p = Problems::new();
    if !(0..=30).contains(&tolerance) {
        p.push("sharingToleranceDays", "must be between 0 and 30 days");
    }
    if !(1..=3650).contains(&gap) {
        p.push("gapThresholdDays", "must be between 1 and 3650 days");
    }
    p.into_result()?;
    let mut am: review::ActiveModel = review.into();
    am.sharing_tolerance_days = Set(tolerance);
    am.gap_threshold_days = Set(gap);
    save_chronology_settings(
        state,
        rc,
        txn,
        am,
        "chronology.settings",
        ChangeKind::Settings,
    )
    .await
}
