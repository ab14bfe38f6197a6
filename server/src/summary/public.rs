//! The public pages: published learning summaries for anyone, signed in or not, and their
//! final reports as files.
//!
//! Only what a published page shows leaves here: the review's reference, kind and
//! pseudonymised subject, the dates, the themes, the fields' text and the report. Never the
//! people, the glossary, the comments or the history. Texts are passed through the review's
//! glossary once more on the way out (they passed the publication gate when published;
//! this catches a term added since).
//!
//! A summary stays on the public pages until its `available_until` day (inclusive). After
//! that it is still listed, but its text and report are not served: the page says they are
//! available on request.

use crate::entities::{glossary_term, learning_summary, review, summary_field, summary_report};
use crate::error::AppResult;
use crate::reviews::service::parse_list;
use crate::state::AppState;
use chrono::NaiveDate;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use shared::glossary::{Glossary, Term};
use shared::reviews::ReviewKind;
use shared::summary::{SummaryField, SummaryState};
use std::collections::{HashMap, HashSet};

/// A published summary as the public pages show it (its fields are read separately, with
/// [`fields`], only when asked for).
#[derive(Debug, Clone)]
pub struct PublishedView {
    pub summary_id: String,
    pub review_id: String,
    pub review_reference: String,
    pub review_kind_label: String,
    /// The review's pseudonymised subject ("Child A"), through the glossary.
    pub title: String,
    pub published_on: NaiveDate,
    pub available_until: NaiveDate,
    /// Today is on or before `available_until`.
    pub available: bool,
    pub themes: Vec<String>,
    /// Where the final report is served, while there is one and the summary is available.
    pub report_url: Option<String>,
    pub glossary: Glossary,
}

/// One field of a published summary: its label and its text as safe HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedFieldView {
    pub label: String,
    pub html: String,
}

/// Where a summary's final report is served (the path; `report_url` adds the site).
pub fn report_path(summary_id: &str) -> String {
    format!("/public/reports/{summary_id}")
}

fn report_url(state: &AppState, summary_id: &str) -> String {
    format!(
        "{}{}",
        state.config.public_url.trim_end_matches('/'),
        report_path(summary_id)
    )
}

/// The glossaries of these reviews, by review (one query).
async fn glossaries<C: ConnectionTrait>(
    db: &C,
    review_ids: &[String],
) -> AppResult<HashMap<String, Glossary>> {
    if review_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut terms: HashMap<String, Vec<Term>> = HashMap::new();
    for t in glossary_term::Entity::find()
        .filter(glossary_term::Column::ReviewId.is_in(review_ids.iter().cloned()))
        .all(db)
        .await?
    {
        terms.entry(t.review_id).or_default().push(Term {
            real: t.real_text,
            replacement: t.replacement,
        });
    }
    Ok(terms
        .into_iter()
        .map(|(review, terms)| (review, Glossary::new(terms)))
        .collect())
}

/// The glossaries of every review whose summary is published, by review (one query).
async fn published_glossaries<C: ConnectionTrait>(db: &C) -> AppResult<HashMap<String, Glossary>> {
    let mut terms: HashMap<String, Vec<Term>> = HashMap::new();
    let published = Query::select()
        .column(learning_summary::Column::ReviewId)
        .from(learning_summary::Entity)
        .and_where(learning_summary::Column::State.eq(SummaryState::Published.code()))
        .to_owned();
    for t in glossary_term::Entity::find()
        .filter(glossary_term::Column::ReviewId.in_subquery(published))
        .all(db)
        .await?
    {
        terms.entry(t.review_id).or_default().push(Term {
            real: t.real_text,
            replacement: t.replacement,
        });
    }
    Ok(terms
        .into_iter()
        .map(|(review, terms)| (review, Glossary::new(terms)))
        .collect())
}

/// The ids among `summary_ids` that have a final report (without reading the files).
async fn with_reports<C: ConnectionTrait>(
    db: &C,
    summary_ids: Vec<String>,
) -> AppResult<HashSet<String>> {
    if summary_ids.is_empty() {
        return Ok(HashSet::new());
    }
    Ok(summary_report::Entity::find()
        .select_only()
        .column(summary_report::Column::SummaryId)
        .filter(summary_report::Column::SummaryId.is_in(summary_ids))
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

fn view_of(
    state: &AppState,
    summary: &learning_summary::Model,
    review: &review::Model,
    glossary: Glossary,
    has_report: bool,
) -> AppResult<Option<PublishedView>> {
    let (Some(published_at), Some(available_until)) =
        (summary.published_at, summary.available_until)
    else {
        return Ok(None);
    };
    let published_on = published_at.date_naive();
    let available = state.today() <= available_until;
    let kind: ReviewKind = crate::db::stored(&review.kind)?;
    Ok(Some(PublishedView {
        summary_id: summary.id.clone(),
        review_id: review.id.clone(),
        review_reference: review.reference.clone(),
        review_kind_label: kind.label().to_owned(),
        title: glossary.anonymise(&review.subject).into_owned(),
        published_on,
        available_until,
        available,
        themes: parse_list(&review.themes),
        report_url: (has_report && available).then(|| report_url(state, &summary.id)),
        glossary,
    }))
}

/// Every published summary, newest first (for anyone).
#[tracing::instrument(name = "public.summaries", skip_all)]
pub async fn published_list(state: &AppState) -> AppResult<Vec<PublishedView>> {
    let summaries = learning_summary::Entity::find()
        .filter(learning_summary::Column::State.eq(SummaryState::Published.code()))
        .order_by_desc(learning_summary::Column::PublishedAt)
        .order_by_asc(learning_summary::Column::Id)
        .all(&state.db)
        .await?;
    let reviews: HashMap<String, review::Model> = review::Entity::find()
        .filter(
            review::Column::Id.in_subquery(
                Query::select()
                    .column(learning_summary::Column::ReviewId)
                    .from(learning_summary::Entity)
                    .and_where(learning_summary::Column::State.eq(SummaryState::Published.code()))
                    .to_owned(),
            ),
        )
        .all(&state.db)
        .await?
        .into_iter()
        .map(|r| (r.id.clone(), r))
        .collect();
    let mut glossaries = published_glossaries(&state.db).await?;
    let reports = with_reports(&state.db, summaries.iter().map(|s| s.id.clone()).collect()).await?;
    let mut views = Vec::new();
    for s in &summaries {
        let Some(review) = reviews.get(&s.review_id) else {
            continue;
        };
        let glossary = glossaries.remove(&s.review_id).unwrap_or_default();
        views.extend(view_of(
            state,
            s,
            review,
            glossary,
            reports.contains(&s.id),
        )?);
    }
    Ok(views)
}

/// One summary, if it is published (for anyone); `None` for a summary in any other state
/// and for one that does not exist, alike.
#[tracing::instrument(name = "public.summary", skip_all, fields(summary_id = %summary_id))]
pub async fn published_one(state: &AppState, summary_id: &str) -> AppResult<Option<PublishedView>> {
    let Some(summary) = learning_summary::Entity::find_by_id(summary_id.to_owned())
        .filter(learning_summary::Column::State.eq(SummaryState::Published.code()))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    let Some(review) = review::Entity::find_by_id(summary.review_id.clone())
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    let glossary = glossaries(&state.db, std::slice::from_ref(&review.id))
        .await?
        .remove(&review.id)
        .unwrap_or_default();
    let has_report = !with_reports(&state.db, vec![summary.id.clone()])
        .await?
        .is_empty();
    view_of(state, &summary, &review, glossary, has_report)
}

/// The fields of a published summary that say something, in the template's order, as safe
/// HTML through the glossary; none while the summary is not available.
pub async fn fields<C: ConnectionTrait>(
    db: &C,
    view: &PublishedView,
) -> AppResult<Vec<PublishedFieldView>> {
    if !view.available {
        return Ok(Vec::new());
    }
    let rows: HashMap<String, String> = summary_field::Entity::find()
        .filter(summary_field::Column::SummaryId.eq(view.summary_id.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.field, r.text))
        .collect();
    Ok(SummaryField::ALL
        .iter()
        .filter_map(|field| {
            let text = rows.get(field.code())?;
            if text.trim().is_empty() {
                return None;
            }
            let text = view.glossary.anonymise(text);
            Some(PublishedFieldView {
                label: field.label().to_owned(),
                html: super::markdown_html::to_html(&text),
            })
        })
        .collect())
}

/// A final report as served: its name for the download and its bytes.
#[derive(Debug, Clone)]
pub struct ReportFile {
    pub download_name: String,
    pub bytes: Vec<u8>,
}

/// The final report of a summary that is published and available, for anyone; `None`
/// otherwise (no such summary, not published, past its window, or no report), alike.
#[tracing::instrument(name = "public.report", skip_all, fields(summary_id = %summary_id))]
pub async fn report_file(state: &AppState, summary_id: &str) -> AppResult<Option<ReportFile>> {
    let Some(summary) = learning_summary::Entity::find_by_id(summary_id.to_owned())
        .filter(learning_summary::Column::State.eq(SummaryState::Published.code()))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    if summary
        .available_until
        .is_none_or(|until| state.today() > until)
    {
        return Ok(None);
    }
    let Some(report) = summary_report::Entity::find_by_id(summary.id.clone())
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(ReportFile {
        download_name: super::report::download_name(&report.file_name),
        bytes: report.content,
    }))
}
