//! Learning-summary rules that need the database: starting a review's summary (prefilled
//! from the review, its learning points and its actions), saving a field against the version
//! the author started from, comments, each field's history and comparisons between
//! versions, moving the summary from draft to published, the publication gate, and the
//! exports.
//!
//! Who may do what comes from `shared`:
//! - reading (and commenting): whoever reads the review's action plan
//!   (`shared::actions::access::reads_plan`: the business office, the chair, the review's lead
//!   reviewers, its members with an agency role). A review the person may not see answers
//!   as missing (NOT_FOUND); a review they see whose summary they may not read (a
//!   practitioner member) is FORBIDDEN;
//! - writing: the authors (`shared::summary::authors`: the business office and the review's
//!   lead reviewers), and only while the summary is a draft (`shared::summary::editable`);
//! - moving: `shared::summary::transition` (the chair approves, the business office
//!   publishes, going back to draft needs a reason);
//! - publishing: the publication gate (`shared::summary::check_publication`) over every
//!   field, the final report's file name and its plain text, against the review's glossary;
//! - the final report (see [`super::report`]): the authors upload it while the summary is
//!   not published.
//!
//! Publishing puts the summary and its review's learning points in the learning library
//! (`crate::library`), in the same transaction; withdrawing takes them out.
//!
//! Every change writes its rows and its audit row in one transaction (the summary's row is
//! locked first, so changes to one summary queue), then tells everyone watching the review.
//! The audit log names the summary, never its text.

use super::export;
use crate::audit_log::{self, Event};
use crate::chronology::export::ExportFile;
use crate::context::RequestContext;
use crate::db::{begin_write, now};
use crate::entities::{
    action, agency, learning_point, learning_summary, review, summary_comment, summary_field,
    summary_field_version, summary_report, summary_state_change,
};
use crate::error::{AppError, AppResult};
use crate::events::ChangeKind;
use crate::reviews::service::find_visible_with_membership;
use crate::state::AppState;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use shared::actions::{access, LearningScope};
use shared::auth::Actor;
use shared::calendar::add_months;
use shared::glossary::Glossary;
use shared::reviews::ReviewRole;
use shared::summary::diff::{diff_lines, DiffLine};
use shared::summary::{
    authors, available, check_field, check_publication, editable, gate, transition, IdentifierKind,
    SummaryField, SummaryState, SummaryStep, TransitionError,
};
use shared::Problems;
use std::collections::HashMap;

const SUMMARY: &str = "Learning summary";

/// A published summary stays on the public pages at least this many months.
pub const MONTHS_ONLINE: u32 = 12;

/// The longest comment on a field.
pub const MAX_COMMENT: usize = 10_000;

/// Characters shown either side of an identifier the gate found.
const EXCERPT_AROUND: usize = 30;

/// How the publication check names the final report's file name.
pub const REPORT_FILE_NAME: &str = "reportFileName";

/// How the publication check names the final report's plain text.
pub const REPORT_TEXT: &str = "reportText";

pub fn state_of(s: &learning_summary::Model) -> AppResult<SummaryState> {
    crate::db::stored(&s.state)
}

// ---------------------------------------------------------------------------------------
// Views.

/// A learning summary with what is shown beside it.
#[derive(Debug, Clone)]
pub struct SummaryView {
    pub summary: learning_summary::Model,
    /// The summary's state, read from its stored code.
    pub state: SummaryState,
    pub review_reference: String,
    /// Every field of the template, in its order (a field never saved is blank, version 0).
    pub fields: Vec<FieldView>,
    /// Oldest first.
    pub state_changes: Vec<StateChangeView>,
    /// The states the person who asked may move the summary to now.
    pub available_moves: Vec<SummaryState>,
}

impl SummaryView {
    pub fn state(&self) -> SummaryState {
        self.state
    }
}

/// One field of a summary as it stands.
#[derive(Debug, Clone)]
pub struct FieldView {
    pub summary_id: String,
    pub field: SummaryField,
    /// Markdown; empty when blank.
    pub text: String,
    /// 0 until first saved; send it back as `expectedVersion`.
    pub version: i32,
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by_name: Option<String>,
}

/// One move of the summary, with who made it.
#[derive(Debug, Clone)]
pub struct StateChangeView {
    pub row: summary_state_change::Model,
    pub by_name: String,
}

/// A comment on a field, with who wrote it.
#[derive(Debug, Clone)]
pub struct CommentView {
    pub row: summary_comment::Model,
    pub author_name: String,
}

/// One saved version of a field, with who saved it.
#[derive(Debug, Clone)]
pub struct VersionView {
    pub row: summary_field_version::Model,
    pub author_name: String,
}

/// Something the publication gate found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicationHit {
    pub kind: IdentifierKind,
    /// The field's key (e.g. `caseLearning`), or `reportFileName`.
    pub field: String,
    /// The text found, as written.
    pub matched: String,
    /// The text around it.
    pub excerpt: String,
    /// For a name in the review's glossary, the words to write instead.
    pub replacement: Option<String>,
}

impl FieldView {
    fn of(
        summary_id: &str,
        field: SummaryField,
        row: Option<&summary_field::Model>,
        updated_by_name: Option<String>,
    ) -> Self {
        Self {
            summary_id: summary_id.to_owned(),
            field,
            text: row.map(|r| r.text.clone()).unwrap_or_default(),
            version: row.map_or(0, |r| r.version),
            updated_at: row.map(|r| r.updated_at),
            updated_by_name,
        }
    }
}

/// Every field of the summary, in the template's order.
async fn field_views<C: ConnectionTrait>(db: &C, summary_id: &str) -> AppResult<Vec<FieldView>> {
    let rows: HashMap<String, summary_field::Model> = summary_field::Entity::find()
        .filter(summary_field::Column::SummaryId.eq(summary_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.field.clone(), r))
        .collect();
    let names =
        crate::users::service::display_names(db, rows.values().map(|r| r.updated_by.clone()))
            .await?;
    Ok(SummaryField::ALL
        .iter()
        .map(|field| {
            let row = rows.get(field.code());
            let name = row.and_then(|r| names.get(&r.updated_by).cloned());
            FieldView::of(summary_id, *field, row, name)
        })
        .collect())
}

/// One field of the summary: its stored row (none until first saved) and its view.
async fn one_field<C: ConnectionTrait>(
    db: &C,
    summary_id: &str,
    field: SummaryField,
) -> AppResult<(Option<summary_field::Model>, FieldView)> {
    let row = summary_field::Entity::find_by_id((summary_id.to_owned(), field.code().to_owned()))
        .one(db)
        .await?;
    let name = match &row {
        Some(r) => crate::users::service::display_names(db, [r.updated_by.clone()])
            .await?
            .remove(&r.updated_by),
        None => None,
    };
    let view = FieldView::of(summary_id, field, row.as_ref(), name);
    Ok((row, view))
}

async fn state_changes<C: ConnectionTrait>(
    db: &C,
    summary_id: &str,
) -> AppResult<Vec<StateChangeView>> {
    let rows = summary_state_change::Entity::find()
        .filter(summary_state_change::Column::SummaryId.eq(summary_id))
        .order_by_asc(summary_state_change::Column::Id)
        .all(db)
        .await?;
    let names = crate::users::service::display_names(db, rows.iter().map(|r| r.by.clone())).await?;
    Ok(rows
        .into_iter()
        .map(|row| StateChangeView {
            by_name: names.get(&row.by).cloned().unwrap_or_default(),
            row,
        })
        .collect())
}

async fn view<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    membership: Option<ReviewRole>,
    summary: learning_summary::Model,
    review: &review::Model,
) -> AppResult<SummaryView> {
    let state = state_of(&summary)?;
    Ok(SummaryView {
        fields: field_views(db, &summary.id).await?,
        state_changes: state_changes(db, &summary.id).await?,
        available_moves: available(state, actor, membership),
        state,
        review_reference: review.reference.clone(),
        summary,
    })
}

// ---------------------------------------------------------------------------------------
// Who sees what.

/// A review the person may see, with their part in it, when they read its summary. A review
/// they do not see is NOT_FOUND; one they see but whose summary they may not read FORBIDDEN.
async fn readable_review<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    review_id: &str,
) -> AppResult<(review::Model, Option<ReviewRole>)> {
    let (review, membership) = find_visible_with_membership(db, actor, review_id).await?;
    if !access::reads_plan(actor, membership) {
        return Err(AppError::Forbidden);
    }
    Ok((review, membership))
}

/// A summary the person reads, with its review and their part in it. Changes pass `lock`,
/// so that changes to one summary queue (PostgreSQL locks the row; SQLite's write
/// transaction already holds the database).
async fn readable_summary<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    summary_id: &str,
    lock: bool,
) -> AppResult<(learning_summary::Model, review::Model, Option<ReviewRole>)> {
    let mut query = learning_summary::Entity::find_by_id(summary_id.to_owned());
    if lock {
        query = query.lock_exclusive();
    }
    let summary = query.one(db).await?.ok_or(AppError::NotFound(SUMMARY))?;
    let (review, membership) = readable_review(db, actor, &summary.review_id)
        .await
        .map_err(|e| match e {
            AppError::NotFound(_) => AppError::NotFound(SUMMARY),
            other => other,
        })?;
    Ok((summary, review, membership))
}

// ---------------------------------------------------------------------------------------
// Reads.

/// The summary of a review, if it was started (for those who read it).
pub async fn for_review(
    state: &AppState,
    rc: &RequestContext,
    review_id: &str,
) -> AppResult<Option<SummaryView>> {
    let actor = rc.actor()?;
    let (review, membership) = readable_review(&state.db, actor, review_id).await?;
    let Some(summary) = learning_summary::Entity::find()
        .filter(learning_summary::Column::ReviewId.eq(review.id.clone()))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    state
        .record_read(
            rc,
            Event::new("learning_summary.read", "learning_summary", &summary.id),
        )
        .await?;
    view(&state.db, actor, membership, summary, &review)
        .await
        .map(Some)
}

/// The comments on one field, or on every field when `field` is `None`, oldest first (for
/// whoever obtained the summary).
pub async fn comments<C: ConnectionTrait>(
    db: &C,
    summary_id: &str,
    field: Option<SummaryField>,
) -> AppResult<Vec<CommentView>> {
    let mut query =
        summary_comment::Entity::find().filter(summary_comment::Column::SummaryId.eq(summary_id));
    if let Some(field) = field {
        query = query.filter(summary_comment::Column::Field.eq(field.code()));
    }
    let rows = query
        .order_by_asc(summary_comment::Column::Id)
        .all(db)
        .await?;
    with_author_names(
        db,
        rows,
        |r| &r.author_id,
        |row, author_name| CommentView { row, author_name },
    )
    .await
}

/// How many of a summary's comments are open: made since their field was last saved, so
/// not yet answered by a change (a field never saved leaves all its comments open). One
/// query, of the comment rows only.
pub async fn open_comment_count<C: ConnectionTrait>(
    db: &C,
    summary_id: &str,
    fields: &[FieldView],
) -> AppResult<usize> {
    let rows = summary_comment::Entity::find()
        .filter(summary_comment::Column::SummaryId.eq(summary_id))
        .all(db)
        .await?;
    let saved: HashMap<&str, DateTime<Utc>> = fields
        .iter()
        .filter_map(|f| f.updated_at.map(|at| (f.field.code(), at)))
        .collect();
    Ok(count_open_comments(rows.iter(), &saved))
}

/// The rule of [`open_comment_count`], over comments and when each field was last saved.
pub fn count_open_comments<'a>(
    comments: impl Iterator<Item = &'a summary_comment::Model>,
    saved: &HashMap<&str, DateTime<Utc>>,
) -> usize {
    comments
        .filter(|c| saved.get(c.field.as_str()).is_none_or(|at| c.at > *at))
        .count()
}

/// Every saved version of one field, or of every field when `field` is `None`, newest first
/// (for whoever obtained the summary).
pub async fn history<C: ConnectionTrait>(
    db: &C,
    summary_id: &str,
    field: Option<SummaryField>,
) -> AppResult<Vec<VersionView>> {
    let mut query = summary_field_version::Entity::find()
        .filter(summary_field_version::Column::SummaryId.eq(summary_id));
    if let Some(field) = field {
        query = query.filter(summary_field_version::Column::Field.eq(field.code()));
    }
    let rows = query
        .order_by_desc(summary_field_version::Column::Version)
        .all(db)
        .await?;
    with_author_names(
        db,
        rows,
        |r| &r.author_id,
        |row, author_name| VersionView { row, author_name },
    )
    .await
}

/// Rows with their authors' display names, looked up in one query.
async fn with_author_names<C: ConnectionTrait, R, V>(
    db: &C,
    rows: Vec<R>,
    author: impl Fn(&R) -> &String,
    view: impl Fn(R, String) -> V,
) -> AppResult<Vec<V>> {
    let names =
        crate::users::service::display_names(db, rows.iter().map(|r| author(r).clone())).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let name = names.get(author(&row)).cloned().unwrap_or_default();
            view(row, name)
        })
        .collect())
}

/// The text of one version of a field; version 0 is the blank field before its first save.
async fn version_text<C: ConnectionTrait>(
    db: &C,
    summary_id: &str,
    field: SummaryField,
    version: i32,
    name: &str,
) -> AppResult<String> {
    if version == 0 {
        return Ok(String::new());
    }
    summary_field_version::Entity::find()
        .filter(summary_field_version::Column::SummaryId.eq(summary_id))
        .filter(summary_field_version::Column::Field.eq(field.code()))
        .filter(summary_field_version::Column::Version.eq(version))
        .one(db)
        .await?
        .map(|v| v.text)
        .ok_or_else(|| AppError::validation(name, "this field has no such version"))
}

/// Two versions of a field compared line by line (0 is the blank field before its first
/// save).
pub async fn field_diff(
    state: &AppState,
    rc: &RequestContext,
    summary_id: &str,
    field: SummaryField,
    from_version: i32,
    to_version: i32,
) -> AppResult<Vec<DiffLine>> {
    let actor = rc.actor()?;
    let (summary, _, _) = readable_summary(&state.db, actor, summary_id, false).await?;
    let old = version_text(&state.db, &summary.id, field, from_version, "fromVersion").await?;
    let new = version_text(&state.db, &summary.id, field, to_version, "toVersion").await?;
    state
        .record_read(
            rc,
            Event::new("learning_summary.diff", "learning_summary", &summary.id),
        )
        .await?;
    Ok(diff_lines(&old, &new))
}

/// The final report's plain text, if a report was uploaded and it has some (the PDF
/// itself is not read).
pub async fn report_text<C: ConnectionTrait>(
    db: &C,
    summary_id: &str,
) -> AppResult<Option<String>> {
    Ok(summary_report::Entity::find_by_id(summary_id.to_owned())
        .select_only()
        .column(summary_report::Column::Text)
        .into_tuple::<Option<String>>()
        .one(db)
        .await?
        .flatten())
}

/// What the publication gate finds in the summary's `fields` (as they stand), its final
/// report's file name and the report's plain text, each left to right.
pub async fn publication_check<C: ConnectionTrait>(
    db: &C,
    summary: &learning_summary::Model,
    fields: &[FieldView],
) -> AppResult<Vec<PublicationHit>> {
    let glossary = crate::chronology::glossary::load(db, &summary.review_id).await?;
    let report_text = report_text(db, &summary.id).await?;
    let mut texts: Vec<(String, &str)> = fields
        .iter()
        .map(|f| (f.field.key().to_owned(), f.text.as_str()))
        .collect();
    if let Some(name) = &summary.report_file_name {
        texts.push((REPORT_FILE_NAME.to_owned(), name.as_str()));
    }
    if let Some(text) = &report_text {
        texts.push((REPORT_TEXT.to_owned(), text.as_str()));
    }
    Ok(texts
        .into_iter()
        .flat_map(|(field, text)| hits(&glossary, field, text))
        .collect())
}

/// A preview of what a field's Markdown shows (see [`super::markdown_html`]); no longer
/// than the longest field.
pub fn preview(text: &str) -> AppResult<String> {
    if text.chars().count() > shared::summary::MAX_LONG {
        return Err(AppError::validation(
            "text",
            format!("must be at most {} characters", shared::summary::MAX_LONG),
        ));
    }
    Ok(super::markdown_html::to_html(text))
}

fn hits(glossary: &Glossary, field: String, text: &str) -> Vec<PublicationHit> {
    gate(glossary, text)
        .into_iter()
        .map(|hit| PublicationHit {
            kind: hit.kind,
            field: field.clone(),
            excerpt: hit.excerpt(text, EXCERPT_AROUND).to_owned(),
            replacement: hit
                .term
                .and_then(|t| glossary.terms().get(t))
                .map(|t| t.replacement.clone()),
            matched: hit.matched,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Changes.

/// Bumps the summary's version and time of change (after a field is saved or it moves).
async fn touch(
    txn: &DatabaseTransaction,
    summary: &learning_summary::Model,
    mut changes: learning_summary::ActiveModel,
) -> AppResult<learning_summary::Model> {
    changes.id = Set(summary.id.clone());
    changes.version = Set(summary.version + 1);
    changes.updated_at = Set(now());
    Ok(changes.update(txn).await?)
}

/// Writes a field's new text as its next version, with the version's history row.
async fn write_field(
    txn: &DatabaseTransaction,
    summary_id: &str,
    field: SummaryField,
    text: String,
    current: Option<&summary_field::Model>,
    author_id: &str,
) -> AppResult<summary_field::Model> {
    let at = now();
    let version = current.map_or(0, |c| c.version) + 1;
    summary_field_version::ActiveModel {
        id: Default::default(),
        summary_id: Set(summary_id.to_owned()),
        field: Set(field.code().to_owned()),
        version: Set(version),
        text: Set(text.clone()),
        author_id: Set(author_id.to_owned()),
        at: Set(at),
    }
    .insert(txn)
    .await?;
    let row = summary_field::ActiveModel {
        summary_id: Set(summary_id.to_owned()),
        field: Set(field.code().to_owned()),
        text: Set(text),
        version: Set(version),
        updated_by: Set(author_id.to_owned()),
        updated_at: Set(at),
    };
    Ok(match current {
        Some(_) => row.update(txn).await?,
        None => row.insert(txn).await?,
    })
}

/// Commits, tells everyone watching the review, and answers with the summary as it is now.
async fn finish(
    state: &AppState,
    rc: &RequestContext,
    txn: DatabaseTransaction,
    summary: learning_summary::Model,
    review: &review::Model,
    membership: Option<ReviewRole>,
) -> AppResult<SummaryView> {
    let actor = rc.actor()?;
    let view = view(&txn, actor, membership, summary, review).await?;
    txn.commit().await?;
    state
        .changed(
            rc,
            &review.id,
            ChangeKind::LearningSummary,
            Some(&view.summary.id),
        )
        .await;
    Ok(view)
}

/// Starts the review's learning summary as a draft, prefilled from the review, its learning
/// points and its actions (see [`super::prefill`]). The authors only (the business office,
/// the review's lead reviewers).
///
/// Starting a summary that was already started is not an error: the summary there is
/// answered as it stands and nothing is written, so two authors who press "Start" at once
/// both land on the same summary.
pub async fn start(
    state: &AppState,
    rc: &RequestContext,
    review_id: &str,
) -> AppResult<SummaryView> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let (review, membership) = find_visible_with_membership(&txn, actor, review_id).await?;
    if !authors(actor, membership) {
        return Err(AppError::Forbidden);
    }
    // One summary per review: the review row is locked (PostgreSQL) or the database is
    // (SQLite's immediate transaction) while that is checked.
    review::Entity::find_by_id(review.id.clone())
        .lock_exclusive()
        .one(&txn)
        .await?;
    let existing = learning_summary::Entity::find()
        .filter(learning_summary::Column::ReviewId.eq(review.id.clone()))
        .one(&txn)
        .await?;
    if let Some(summary) = existing {
        let view = view(&txn, actor, membership, summary, &review).await?;
        txn.commit().await?;
        state
            .record_read(
                rc,
                Event::new(
                    "learning_summary.read",
                    "learning_summary",
                    &view.summary.id,
                ),
            )
            .await?;
        return Ok(view);
    }

    let points = learning_point::Entity::find()
        .filter(learning_point::Column::ReviewId.eq(review.id.clone()))
        .order_by_asc(learning_point::Column::CreatedAt)
        .order_by_asc(learning_point::Column::Id)
        .all(&txn)
        .await?;
    let actions = action::Entity::find()
        .filter(action::Column::ReviewId.eq(review.id.clone()))
        .order_by_asc(action::Column::CreatedAt)
        .order_by_asc(action::Column::Id)
        .all(&txn)
        .await?;
    let prefixes: HashMap<String, String> = agency::Entity::find()
        .filter(agency::Column::Id.is_in(actions.iter().map(|a| a.owner_agency_id.clone())))
        .all(&txn)
        .await?
        .into_iter()
        .map(|a| (a.id, a.prefix))
        .collect();
    let point_facts: Vec<super::prefill::PointFacts<'_>> = points
        .iter()
        .filter_map(|p| {
            Some(super::prefill::PointFacts {
                scope: LearningScope::from_code(&p.scope)?,
                title: &p.title,
                detail: &p.detail,
            })
        })
        .collect();
    let action_facts: Vec<super::prefill::ActionFacts<'_>> = actions
        .iter()
        .map(|a| super::prefill::ActionFacts {
            agency_prefix: prefixes.get(&a.owner_agency_id).map_or("", String::as_str),
            title: &a.title,
            target_on: a.target_on,
            impact_audit: a.impact_audit.as_deref(),
        })
        .collect();
    let prefilled = super::prefill::prefill(&review, &point_facts, &action_facts);

    let at = now();
    let summary = learning_summary::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        review_id: Set(review.id.clone()),
        state: Set(SummaryState::Draft.code().to_owned()),
        version: Set(1),
        created_by: Set(actor.user_id.clone()),
        created_at: Set(at),
        updated_at: Set(at),
        published_at: Set(None),
        published_by: Set(None),
        available_until: Set(None),
        report_file_name: Set(None),
    }
    .insert(&txn)
    .await?;
    for (field, text) in prefilled {
        write_field(&txn, &summary.id, field, text, None, &actor.user_id).await?;
    }
    audit_log::append(
        &txn,
        rc,
        Event::new("learning_summary.start", "learning_summary", &summary.id),
    )
    .await?;
    tracing::info!(summary_id = %summary.id, review_id = %review.id, "learning summary started");
    finish(state, rc, txn, summary, &review, membership).await
}

/// The stored field as the client sees it when a save was stale: its text and version now
/// (to show beside the text the person sent, so they can merge the two).
fn stale_field(field: SummaryField, current: &FieldView, submitted: &str) -> AppError {
    AppError::StaleVersion {
        message: format!(
            "Someone saved \"{}\" since you opened it. Compare the two versions and save the one you want.",
            field.label()
        ),
        current: serde_json::json!({
            "field": field.code(),
            "key": field.key(),
            "text": current.text,
            "version": current.version,
            "updatedAt": current.updated_at.map(|at| at.to_rfc3339()),
            "updatedByName": current.updated_by_name,
            "submittedText": submitted,
        }),
    }
}

/// Saves one field of a draft if it is still at `expected_version` (0 for a field never
/// saved); CONFLICT with the stored text and version otherwise. Blank text clears the
/// field. Each save is a new version, kept in the field's history. The authors only.
pub async fn save_field(
    state: &AppState,
    rc: &RequestContext,
    summary_id: &str,
    field: SummaryField,
    text: &str,
    expected_version: i32,
) -> AppResult<FieldView> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let (summary, review, membership) = readable_summary(&txn, actor, summary_id, true).await?;
    if !authors(actor, membership) {
        return Err(AppError::Forbidden);
    }
    let summary_state = state_of(&summary)?;
    if !editable(summary_state) {
        return Err(AppError::validation(
            field.key(),
            format!(
                "the summary is {}: only a draft is edited, so return it to draft first",
                summary_state.label().to_lowercase()
            ),
        ));
    }
    let (current_row, current) = one_field(&txn, &summary.id, field).await?;
    if current.version != expected_version {
        return Err(stale_field(field, &current, text));
    }
    let checked = check_field(field, text)?.unwrap_or_default();
    if checked == current.text {
        // Nothing changed: no new version.
        return Ok(current);
    }
    let row = write_field(
        &txn,
        &summary.id,
        field,
        checked,
        current_row.as_ref(),
        &actor.user_id,
    )
    .await?;
    touch(&txn, &summary, Default::default()).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new(
            "learning_summary.field.save",
            "learning_summary",
            &summary.id,
        ),
    )
    .await?;
    let saved = FieldView::of(
        &summary.id,
        field,
        Some(&row),
        Some(rc.signed_in()?.display_name.clone()),
    );
    txn.commit().await?;
    state
        .changed(
            rc,
            &review.id,
            ChangeKind::LearningSummary,
            Some(&summary.id),
        )
        .await;
    tracing::info!(summary_id = %summary.id, field = field.code(), version = saved.version, "summary field saved");
    Ok(saved)
}

/// A comment on one field, by anyone who reads the summary (the authors, the chair, the
/// review's members with an agency role), in any state.
pub async fn comment(
    state: &AppState,
    rc: &RequestContext,
    summary_id: &str,
    field: SummaryField,
    text: &str,
) -> AppResult<CommentView> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let (summary, review, _) = readable_summary(&txn, actor, summary_id, true).await?;
    let mut p = Problems::new();
    let text = p.long_text("text", text, MAX_COMMENT);
    p.into_result()?;
    let row = summary_comment::ActiveModel {
        id: Default::default(),
        summary_id: Set(summary.id.clone()),
        field: Set(field.code().to_owned()),
        author_id: Set(actor.user_id.clone()),
        text: Set(text),
        at: Set(now()),
    }
    .insert(&txn)
    .await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("learning_summary.comment", "learning_summary", &summary.id),
    )
    .await?;
    txn.commit().await?;
    state
        .changed(
            rc,
            &review.id,
            ChangeKind::LearningSummary,
            Some(&summary.id),
        )
        .await;
    Ok(CommentView {
        author_name: rc.signed_in()?.display_name.clone(),
        row,
    })
}

/// The reason as stored: trimmed, none when blank.
fn stored_reason(reason: Option<&str>) -> Option<String> {
    reason
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
}

/// A refused move as the client sees it.
fn refused(e: TransitionError) -> AppError {
    match e {
        TransitionError::NotPermitted(step) => {
            tracing::info!(step = step.code(), "summary move not permitted");
            AppError::Forbidden
        }
        TransitionError::Reason(problems) => AppError::Validation(problems),
        other @ (TransitionError::Unchanged(_) | TransitionError::NoSuchStep { .. }) => {
            AppError::validation("to", other.to_string())
        }
    }
}

/// Records a move: the state change row, the audit row.
async fn record_move(
    txn: &DatabaseTransaction,
    rc: &RequestContext,
    summary: &learning_summary::Model,
    from: SummaryState,
    to: SummaryState,
    step: SummaryStep,
    reason: Option<String>,
) -> AppResult<()> {
    let actor = rc.actor()?;
    summary_state_change::ActiveModel {
        id: Default::default(),
        summary_id: Set(summary.id.clone()),
        from_state: Set(from.code().to_owned()),
        to_state: Set(to.code().to_owned()),
        step: Set(step.code().to_owned()),
        by: Set(actor.user_id.clone()),
        at: Set(now()),
        reason: Set(reason),
    }
    .insert(txn)
    .await?;
    let action = format!("learning_summary.{}", step.code().to_lowercase());
    audit_log::append(
        txn,
        rc,
        Event::new(&action, "learning_summary", &summary.id),
    )
    .await?;
    tracing::info!(summary_id = %summary.id, step = step.code(), "learning summary moved");
    Ok(())
}

/// Moves the summary along its lifecycle (see `shared::summary::state`): the authors submit
/// a draft; the chair approves; the authors or the chair return it to draft with a reason;
/// the business office withdraws a published summary with a reason (which takes it and its
/// review's learning points out of the learning library). Publishing is [`publish`], which
/// checks the text and the publication window first.
pub async fn move_to(
    state: &AppState,
    rc: &RequestContext,
    summary_id: &str,
    to: SummaryState,
    reason: Option<&str>,
) -> AppResult<SummaryView> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let (summary, review, membership) = readable_summary(&txn, actor, summary_id, true).await?;
    let from = state_of(&summary)?;
    transition(from, to, actor, membership, reason).map_err(refused)?;
    let step = shared::summary::step(from, to)
        .ok_or_else(|| AppError::Internal("a permitted move has no step".into()))?;
    if step == SummaryStep::Publish {
        return Err(AppError::validation(
            "to",
            "publish with publishLearningSummary: it checks the text for names and identifiers and sets how long the summary stays on the public pages",
        ));
    }
    let mut changes = learning_summary::ActiveModel {
        state: Set(to.code().to_owned()),
        ..Default::default()
    };
    if step == SummaryStep::Withdraw {
        changes.published_at = Set(None);
        changes.published_by = Set(None);
        changes.available_until = Set(None);
    }
    let saved = touch(&txn, &summary, changes).await?;
    record_move(&txn, rc, &saved, from, to, step, stored_reason(reason)).await?;
    if step == SummaryStep::Withdraw {
        crate::library::remove_review(&txn, &review.id).await?;
    }
    finish(state, rc, txn, saved, &review, membership).await
}

/// The last day a summary published today may come off the public pages, at the earliest.
pub fn earliest_end(published_on: NaiveDate) -> NaiveDate {
    add_months(published_on, MONTHS_ONLINE)
}

/// The publication gate on a text that is not a field of the template (the final report's
/// file name or text): the gate's messages name a field by its key, so the text is checked
/// as if it were a field, and its problems then named `key`.
fn gate_other(glossary: &Glossary, key: &str, text: &str, problems: &mut Problems) {
    if let Err(found) = check_publication(glossary, [(SummaryField::OtherComments, text)]) {
        for mut problem in found.0 {
            problem.field = key.to_owned();
            problems.0.push(problem);
        }
    }
}

/// Publishes an approved summary, on the public pages until `available_until` (at least 12
/// months from today), and puts it and its review's learning points in the learning
/// library. The business office only. Refused while the publication gate finds anything in
/// a field, the final report's file name or its text: each find is a problem naming the
/// field by its key (or `reportFileName`, `reportText`).
pub async fn publish(
    state: &AppState,
    rc: &RequestContext,
    summary_id: &str,
    available_until: NaiveDate,
) -> AppResult<SummaryView> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let (summary, review, membership) = readable_summary(&txn, actor, summary_id, true).await?;
    if !SummaryStep::Publish.allowed(actor, membership) {
        return Err(AppError::Forbidden);
    }
    let from = state_of(&summary)?;
    transition(from, SummaryState::Published, actor, membership, None).map_err(refused)?;

    let glossary = crate::chronology::glossary::load(&txn, &review.id).await?;
    let fields = field_views(&txn, &summary.id).await?;
    let mut problems =
        check_publication(&glossary, fields.iter().map(|f| (f.field, f.text.as_str())))
            .err()
            .unwrap_or_default();
    if let Some(name) = &summary.report_file_name {
        gate_other(&glossary, REPORT_FILE_NAME, name, &mut problems);
    }
    if let Some(text) = report_text(&txn, &summary.id).await? {
        gate_other(&glossary, REPORT_TEXT, &text, &mut problems);
    }
    let today = state.today();
    let earliest = earliest_end(today);
    if available_until < earliest {
        problems.push(
            "availableUntil",
            format!(
                "must be on or after {}: a published summary stays on the public pages for at least {MONTHS_ONLINE} months",
                earliest.format("%-d %B %Y")
            ),
        );
    }
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    let changes = learning_summary::ActiveModel {
        state: Set(SummaryState::Published.code().to_owned()),
        published_at: Set(Some(now())),
        published_by: Set(Some(actor.user_id.clone())),
        available_until: Set(Some(available_until)),
        ..Default::default()
    };
    let saved = touch(&txn, &summary, changes).await?;
    record_move(
        &txn,
        rc,
        &saved,
        from,
        SummaryState::Published,
        SummaryStep::Publish,
        None,
    )
    .await?;
    crate::library::index_review(&txn, &review.id).await?;
    finish(state, rc, txn, saved, &review, membership).await
}

/// The summary's authors, and a summary that is not published: who may upload its final
/// report, and when.
fn may_upload_report(
    actor: &Actor,
    membership: Option<ReviewRole>,
    summary: &learning_summary::Model,
) -> AppResult<()> {
    if !authors(actor, membership) {
        return Err(AppError::Forbidden);
    }
    if state_of(summary)? == SummaryState::Published {
        return Err(AppError::validation(
            "summaryId",
            "the summary is published: withdraw it first to replace its final report",
        ));
    }
    Ok(())
}

/// Uploads the summary's final report (a PDF, see [`super::report::check_upload`]),
/// replacing any earlier one, with the plain text the publication gate reads (`report_text`
/// as given, and the text read from the PDF). The authors only (the business office and
/// the review's lead reviewers), while the summary is not published. The audit log records
/// the upload, never the file or its text.
#[tracing::instrument(name = "summary.report.upload", skip_all, fields(summary_id = %summary_id))]
pub async fn upload_report(
    state: &AppState,
    rc: &RequestContext,
    summary_id: &str,
    file_name: &str,
    content_base64: &str,
    report_text: Option<&str>,
) -> AppResult<SummaryView> {
    let actor = rc.actor()?;
    // Who and when first (so an outsider learns nothing from the checks), then the file;
    // its text is read before the write transaction, which then checks again.
    let (summary, _, membership) = readable_summary(&state.db, actor, summary_id, false).await?;
    may_upload_report(actor, membership, &summary)?;
    let upload = super::report::check_upload(
        file_name,
        content_base64,
        report_text,
        state.config.max_report_bytes,
    )?;
    let extracted = super::report::extract_text(upload.bytes.clone()).await;
    tracing::info!(
        bytes = upload.bytes.len(),
        text_given = upload.text.is_some(),
        text_read = extracted.is_some(),
        "final report checked"
    );
    let text = super::report::combined_text(upload.text, extracted);

    let txn = begin_write(&state.db).await?;
    let (summary, review, membership) = readable_summary(&txn, actor, summary_id, true).await?;
    may_upload_report(actor, membership, &summary)?;
    summary_report::Entity::delete_by_id(summary.id.clone())
        .exec(&txn)
        .await?;
    summary_report::ActiveModel {
        summary_id: Set(summary.id.clone()),
        file_name: Set(upload.file_name.clone()),
        media_type: Set(super::report::PDF_MEDIA_TYPE.to_owned()),
        content: Set(upload.bytes),
        text: Set(text),
        uploaded_by: Set(actor.user_id.clone()),
        uploaded_at: Set(now()),
    }
    .insert(&txn)
    .await?;
    let changes = learning_summary::ActiveModel {
        report_file_name: Set(Some(upload.file_name)),
        ..Default::default()
    };
    let saved = touch(&txn, &summary, changes).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new(
            "learning_summary.report.upload",
            "learning_summary",
            &summary.id,
        ),
    )
    .await?;
    tracing::info!(summary_id = %summary.id, "final report uploaded");
    finish(state, rc, txn, saved, &review, membership).await
}

/// Which file to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    /// The Appendix 1 document.
    Docx,
    /// The practitioner learning workshop slides.
    Pptx,
}

/// The summary as a DOCX document or a PPTX slide deck, as it stands (for those who read
/// it); recorded in the audit log.
pub async fn export_file(
    state: &AppState,
    rc: &RequestContext,
    summary_id: &str,
    kind: ExportKind,
) -> AppResult<ExportFile> {
    let actor = rc.actor()?;
    let (summary, review, _) = readable_summary(&state.db, actor, summary_id, false).await?;
    let fields = field_views(&state.db, &summary.id).await?;
    let texts: Vec<(SummaryField, &str)> =
        fields.iter().map(|f| (f.field, f.text.as_str())).collect();
    let heading = export::Heading {
        partnership: &state.config.partnership_name,
        review_reference: &review.reference,
        review_title: &review.subject,
        state_label: state_of(&summary)?.label(),
    };
    let doc = export::summary_document(&heading, &texts);
    let pptx = kind == ExportKind::Pptx;
    let bytes = if pptx {
        super::document::pptx(&doc)
    } else {
        super::document::docx(&doc)
    }
    .map_err(|e| AppError::Internal(format!("learning summary export: {e}")))?;
    let action = if pptx {
        "learning_summary.export.pptx"
    } else {
        "learning_summary.export.docx"
    };
    state
        .record_read(rc, Event::new(action, "learning_summary", &summary.id))
        .await?;
    Ok(ExportFile {
        file_name: export::file_name(&review.reference, pptx),
        media_type: export::media_type(pptx),
        bytes,
    })
}
