//! The learning and improvement section of the partnership's annual report, for a reporting
//! year (April to March): every figure read from the platform's data by the services that
//! own it ([`Figures::gather`]), written as a Word document by [`document`], with the
//! narrative parts the business office keeps per year. The office and the chair read it.

pub mod document;
pub mod graphql;

use crate::audit_log::{self, Event};
use crate::context::RequestContext;
use crate::db::begin_write;
use crate::entities::{
    action, agency, annual_report_narrative as narrative, learning_point, single_agency_audit,
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use shared::actions::ActionStatus;
use shared::annual_report::{check_narrative, check_year, within, NarrativePart, READERS, WRITERS};
use shared::reviews::clocks::MilestoneState;
use shared::reviews::{ReviewKind, ThresholdDecision};
use std::collections::{BTreeMap, HashMap};

/// One kind of review's year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewRow {
    /// Reviews open at some time in the year (up to today): from notification until the
    /// decision not to initiate, or until completion.
    pub in_progress: usize,
    /// Completed in the year.
    pub completed: usize,
    /// Statutory deadlines that fell in the year (up to today): met by their date, met
    /// after it, not met and passed.
    pub met_on_time: usize,
    pub met_late: usize,
    pub overdue: usize,
}

/// The action plan as it stands today.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionTally {
    pub total: usize,
    /// Set during the year.
    pub set_in_year: usize,
    pub open: usize,
    pub overdue: usize,
    pub completed: usize,
    pub impact_evidenced: usize,
}

/// Everything the report says, read for one reporting year on `today`.
#[derive(Debug, Clone)]
pub struct Figures {
    pub year: i32,
    pub period: (NaiveDate, NaiveDate),
    pub today: NaiveDate,
    /// By kind, in the vocabulary's order; kinds with no review in the year left out.
    pub reviews: Vec<(ReviewKind, ReviewRow)>,
    /// Learning points recorded in the year, by theme, most first.
    pub themes: Vec<(String, usize)>,
    pub learning_points: usize,
    /// Single-agency audits made in the year, with the agency's name, by agency and date.
    pub audits: Vec<(String, single_agency_audit::Model)>,
    /// The year's Section 11 assessments, and the year before's (for the changes); none
    /// when the year has no standards.
    pub section11: Option<(
        crate::section11::YearView,
        Option<crate::section11::YearView>,
    )>,
    pub qa_reports: crate::qa_reports::YearView,
    pub indicators: Vec<crate::performance::service::IndicatorView>,
    pub child_deaths: shared::child_deaths::YearCounts,
    pub actions: ActionTally,
    /// Learning events held in the year (up to today), latest first.
    pub training: Vec<crate::training::EventView>,
    pub narrative: HashMap<NarrativePart, String>,
}

impl Figures {
    /// Reads the figures of reporting year `year` (the office and the chair).
    pub async fn gather(state: &AppState, rc: &RequestContext, year: i32) -> AppResult<Self> {
        rc.require_any(READERS)?;
        let period = check_year(year)?;
        let (from, to) = period;
        let today = state.today();
        let db = &state.db;

        let all_reviews = crate::reviews::service::case_reviews().all(db).await?;
        let views = crate::reviews::service::views(db, all_reviews, today).await?;
        let mut by_kind: BTreeMap<usize, (ReviewKind, ReviewRow)> = BTreeMap::new();
        for v in &views {
            let events = crate::reviews::service::events_of(&v.review)?;
            // Open from notification (or awareness, or entry) until the decision not to
            // initiate, or until completion.
            let started = events
                .notified_on
                .or(events.aware_on)
                .unwrap_or_else(|| v.review.created_at.date_naive());
            let ended = match events.decision {
                Some(ThresholdDecision::DoNotInitiate) => events.decided_on,
                _ => events.completed_on,
            };
            let open_in_year = started <= to.min(today) && ended.is_none_or(|done| done >= from);
            let position = ReviewKind::ALL
                .iter()
                .position(|k| *k == v.kind)
                .unwrap_or(usize::MAX);
            let mut row = ReviewRow::default();
            if open_in_year {
                row.in_progress = 1;
            }
            if events.completed_on.is_some_and(|done| within(done, period)) {
                row.completed = 1;
            }
            for m in &v.milestones {
                let Some(due) = m.due_on.filter(|d| within(*d, period) && *d <= today) else {
                    continue;
                };
                match (m.state, m.late) {
                    (MilestoneState::Met, false) => row.met_on_time += 1,
                    (MilestoneState::Met, true) => row.met_late += 1,
                    _ if due < today => row.overdue += 1,
                    _ => {}
                }
            }
            if row == ReviewRow::default() {
                continue;
            }
            let entry = by_kind
                .entry(position)
                .or_insert((v.kind, ReviewRow::default()));
            entry.1.in_progress += row.in_progress;
            entry.1.completed += row.completed;
            entry.1.met_on_time += row.met_on_time;
            entry.1.met_late += row.met_late;
            entry.1.overdue += row.overdue;
        }

        // Recorded in the year: from its first moment up to the first of the next.
        let starts = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        let points = learning_point::Entity::find()
            .filter(learning_point::Column::CreatedAt.gte(starts(from)))
            .filter(learning_point::Column::CreatedAt.lt(starts(to + chrono::Duration::days(1))))
            .all(db)
            .await?;
        let mut themes: HashMap<String, usize> = HashMap::new();
        let mut learning_points = 0;
        for p in &points {
            learning_points += 1;
            for theme in crate::reviews::service::parse_list(&p.themes) {
                *themes.entry(theme).or_default() += 1;
            }
        }
        let mut themes: Vec<(String, usize)> = themes.into_iter().collect();
        themes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));

        let agency_names: HashMap<String, String> = agency::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        let mut audits: Vec<(String, single_agency_audit::Model)> =
            single_agency_audit::Entity::find()
                .filter(single_agency_audit::Column::AuditedOn.gte(from))
                .filter(single_agency_audit::Column::AuditedOn.lte(to))
                .order_by_asc(single_agency_audit::Column::AuditedOn)
                .all(db)
                .await?
                .into_iter()
                .map(|a| {
                    let name = agency_names.get(&a.agency_id).cloned().unwrap_or_default();
                    (name, a)
                })
                .collect();
        audits.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| a.1.audited_on.cmp(&b.1.audited_on))
        });

        let section11 = if crate::section11::years(db).await?.contains(&year) {
            let this = crate::section11::year(state, rc, year).await?;
            let before = crate::section11::year(state, rc, year - 1).await?;
            Some((this, (!before.standards.is_empty()).then_some(before)))
        } else {
            None
        };
        let qa_reports = crate::qa_reports::year(state, rc, year).await?;
        let indicators = crate::performance::service::list(db).await?;
        let child_deaths = crate::child_deaths::year(state, rc, year).await?.counts;

        let mut actions = ActionTally::default();
        for a in action::Entity::find().all(db).await? {
            let status: ActionStatus = crate::db::stored(&a.status)?;
            actions.total += 1;
            if within(a.created_at.date_naive(), period) {
                actions.set_in_year += 1;
            }
            match status {
                ActionStatus::Completed => actions.completed += 1,
                ActionStatus::ImpactEvidenced => actions.impact_evidenced += 1,
                ActionStatus::NotStarted | ActionStatus::InProgress => actions.open += 1,
            }
            if shared::actions::is_overdue(status, a.target_on, today) {
                actions.overdue += 1;
            }
        }

        // Only events already held; none for a year not yet begun.
        let training = if from <= today {
            crate::training::list(
                state,
                rc,
                crate::training::EventFilter {
                    from: Some(from),
                    to: Some(to.min(today)),
                    ..Default::default()
                },
            )
            .await?
        } else {
            Vec::new()
        };

        let narrative = narrative_of(db, year).await?;
        Ok(Figures {
            year,
            period,
            today,
            reviews: by_kind.into_values().collect(),
            themes,
            learning_points,
            audits,
            section11,
            qa_reports,
            indicators,
            child_deaths,
            actions,
            training,
            narrative,
        })
    }
}

async fn narrative_of<C: sea_orm::ConnectionTrait>(
    db: &C,
    year: i32,
) -> AppResult<HashMap<NarrativePart, String>> {
    narrative::Entity::find()
        .filter(narrative::Column::Year.eq(year))
        .all(db)
        .await?
        .into_iter()
        .map(|n| Ok((crate::db::stored(&n.part)?, n.text)))
        .collect()
}

/// A year's narrative parts, every part listed (empty when not written).
pub async fn narrative(
    state: &AppState,
    rc: &RequestContext,
    year: i32,
) -> AppResult<Vec<(NarrativePart, String)>> {
    rc.require_any(READERS)?;
    check_year(year)?;
    let mut kept = narrative_of(&state.db, year).await?;
    Ok(NarrativePart::ALL
        .iter()
        .map(|p| (*p, kept.remove(p).unwrap_or_default()))
        .collect())
}

/// The office writes (or, with an empty text, clears) one narrative part of a year's report.
pub async fn set_narrative(
    state: &AppState,
    rc: &RequestContext,
    year: i32,
    part: NarrativePart,
    text: &str,
) -> AppResult<Vec<(NarrativePart, String)>> {
    let actor = rc.require_any(WRITERS)?;
    check_year(year)?;
    let text = check_narrative(text)?;
    let txn = begin_write(&state.db).await?;
    narrative::Entity::delete_many()
        .filter(narrative::Column::Year.eq(year))
        .filter(narrative::Column::Part.eq(part.code()))
        .exec(&txn)
        .await?;
    if !text.is_empty() {
        use sea_orm::ActiveModelTrait;
        narrative::ActiveModel {
            year: sea_orm::Set(year),
            part: sea_orm::Set(part.code().to_owned()),
            text: sea_orm::Set(text),
            updated_by: sea_orm::Set(Some(actor.user_id.clone())),
            updated_at: sea_orm::Set(crate::db::now()),
        }
        .insert(&txn)
        .await?;
    }
    audit_log::append(
        &txn,
        rc,
        Event::new(
            "annual_report.narrative.set",
            "annual_report",
            &year.to_string(),
        ),
    )
    .await?;
    txn.commit().await?;
    narrative(state, rc, year).await
}

/// The year's report as a Word document; the download is recorded in the audit log.
pub async fn download(
    state: &AppState,
    rc: &RequestContext,
    year: i32,
) -> AppResult<crate::chronology::export::ExportFile> {
    let figures = Figures::gather(state, rc, year).await?;
    let mut doc = document::report(&figures, &state.config.partnership_name);
    doc.generated_at = Some(chrono::Utc::now());
    let bytes = crate::summary::document::report_docx(&doc)
        .map_err(|e| AppError::Internal(format!("writing the annual report: {e}")))?;
    state
        .record_read(
            rc,
            Event::new("annual_report.download", "annual_report", &year.to_string()),
        )
        .await?;
    Ok(crate::chronology::export::ExportFile {
        file_name: format!("annual-report-{year}-{}.docx", (year + 1) % 100),
        media_type: crate::summary::document::DOCX_CONTENT_TYPE,
        bytes,
    })
}
