//! The partnership at a glance, for the board (the business office and the independent
//! chair): how many reviews are in progress and how their clocks stand, what is overdue
//! across the partnership, the year's Section 11 picture, the performance hot spots and the
//! child deaths reviewed this year, and the learning events held this quarter.
//!
//! Counts of open work are read from the same facts as what needs you ([`super::Facts`]),
//! counted for the whole partnership rather than for one person, so the two never disagree.

use super::{Facts, WorkItem};
use crate::context::RequestContext;
use crate::entities::{child_death_review, qa_report, s11_assessment};
use crate::error::AppResult;
use crate::state::AppState;
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use shared::auth::Role;
use shared::child_deaths::{reporting_year, Modifiability};
use shared::section11::AssessmentStatus;
use shared::work::{section11_stage, Urgency, WorkKind};

/// Who reads the partnership at a glance.
pub const READERS: &[Role] = &[Role::BusinessOffice, Role::IndependentChair];

/// At most this many overdue items are listed (all are counted).
pub const OVERDUE_LISTED: usize = 20;

/// The latest year's Section 11 assessments, or QA impact reports, by where they stand
/// (the two go through the same stages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct YearlyTally {
    pub year: i32,
    /// Agencies asked.
    pub asked: usize,
    /// Being written before the due date, or returned to the agency.
    pub with_agencies: usize,
    /// With the agency after the due date.
    pub overdue: usize,
    /// Submitted and waiting for the business office.
    pub awaiting_office: usize,
    pub accepted: usize,
}

impl YearlyTally {
    /// Counts assessments by the same stages what needs you uses.
    pub fn of(
        year: i32,
        assessments: impl IntoIterator<Item = (AssessmentStatus, NaiveDate)>,
        today: NaiveDate,
    ) -> Self {
        let mut t = YearlyTally {
            year,
            ..Default::default()
        };
        for (status, due_on) in assessments {
            t.asked += 1;
            match section11_stage(status, due_on, today) {
                None => t.accepted += 1,
                Some(WorkKind::Section11Submitted) => t.awaiting_office += 1,
                Some(WorkKind::Section11Overdue) => t.overdue += 1,
                Some(_) => t.with_agencies += 1,
            }
        }
        t
    }
}

/// This reporting year's child death reviews.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChildDeathTally {
    pub year: i32,
    pub reviewed: usize,
    /// Of those, with modifiable factors identified.
    pub modifiable: usize,
}

/// The learning events held this quarter, so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrainingTally {
    /// The first day of the quarter.
    pub from: NaiveDate,
    pub held: u64,
    pub attended: i64,
}

/// The partnership at a glance on `today`.
#[derive(Debug, Clone)]
pub struct Glance {
    pub today: NaiveDate,
    pub reviews_in_progress: usize,
    pub actions_open: usize,
    /// Open work across the partnership by kind, in [`WorkKind::ALL`]'s order; kinds with
    /// none are left out.
    pub counts: Vec<(WorkKind, usize)>,
    /// Overdue work, most pressing first (at most [`OVERDUE_LISTED`]).
    pub overdue: Vec<WorkItem>,
    pub hot_spots: Vec<WorkItem>,
    /// `None` until the office opens a Section 11 year.
    pub section11: Option<YearlyTally>,
    /// `None` until the office asks agencies for their QA impact reports.
    pub qa_reports: Option<YearlyTally>,
    pub child_deaths: ChildDeathTally,
    pub training: TrainingTally,
}

/// The open work by kind, in the vocabulary's order, leaving out kinds with none.
pub fn count_by_kind(items: &[WorkItem]) -> Vec<(WorkKind, usize)> {
    WorkKind::ALL
        .iter()
        .map(|&k| (k, items.iter().filter(|i| i.kind == k).count()))
        .filter(|&(_, n)| n > 0)
        .collect()
}

/// The partnership at a glance (the business office and the independent chair).
pub async fn glance(state: &AppState, rc: &RequestContext) -> AppResult<Glance> {
    rc.require_any(READERS)?;
    let db = &state.db;
    let today = state.today();
    let facts = Facts::gather(db, today, state.config.reminder_days).await?;
    let all = facts.all();

    let section11 = match crate::section11::years(db).await?.into_iter().max() {
        None => None,
        Some(year) => {
            let rows = s11_assessment::Entity::find()
                .filter(s11_assessment::Column::Year.eq(year))
                .all(db)
                .await?;
            let assessments = rows
                .iter()
                .map(|a| Ok((crate::db::stored(&a.status)?, a.due_on)))
                .collect::<AppResult<Vec<(AssessmentStatus, NaiveDate)>>>()?;
            Some(YearlyTally::of(year, assessments, today))
        }
    };

    // The latest year agencies were asked for (a template prepared ahead is not a round).
    let asked = crate::db::years_of::<qa_report::Entity, _>(db, qa_report::Column::Year).await?;
    let qa_reports = match asked.first() {
        None => None,
        Some(&year) => {
            let rows = qa_report::Entity::find()
                .filter(qa_report::Column::Year.eq(year))
                .all(db)
                .await?;
            let reports = rows
                .iter()
                .map(|a| Ok((crate::db::stored(&a.status)?, a.due_on)))
                .collect::<AppResult<Vec<(AssessmentStatus, NaiveDate)>>>()?;
            Some(YearlyTally::of(year, reports, today))
        }
    };

    let year = reporting_year(today);
    let deaths = child_death_review::Entity::find()
        .filter(child_death_review::Column::ReportingYear.eq(year))
        .all(db)
        .await?;
    let child_deaths = ChildDeathTally {
        year,
        reviewed: deaths.len(),
        modifiable: deaths
            .iter()
            .filter(|d| d.modifiability == Modifiability::Identified.code())
            .count(),
    };

    let from = shared::training::quarter_start(today);
    let (held, attended) = crate::training::held_since(db, from, today).await?;

    Ok(Glance {
        today,
        reviews_in_progress: facts.reviews_in_progress,
        actions_open: facts.actions_open,
        counts: count_by_kind(&all),
        overdue: all
            .iter()
            .filter(|i| i.kind.urgency() == Urgency::Overdue)
            .take(OVERDUE_LISTED)
            .cloned()
            .collect(),
        hot_spots: all
            .iter()
            .filter(|i| i.kind == WorkKind::HotSpot)
            .cloned()
            .collect(),
        section11,
        qa_reports,
        child_deaths,
        training: TrainingTally {
            from,
            held,
            attended,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn section11_assessments_are_counted_by_the_stages_what_needs_you_uses() {
        let today = day("2026-06-15");
        let t = YearlyTally::of(
            2026,
            [
                (AssessmentStatus::Draft, day("2026-07-31")),
                (AssessmentStatus::Draft, day("2026-06-01")),
                (AssessmentStatus::Returned, day("2026-06-01")),
                (AssessmentStatus::Submitted, day("2026-06-01")),
                (AssessmentStatus::Accepted, day("2026-06-01")),
                (AssessmentStatus::Accepted, day("2026-07-31")),
            ],
            today,
        );
        assert_eq!(
            t,
            YearlyTally {
                year: 2026,
                asked: 6,
                with_agencies: 2,
                overdue: 1,
                awaiting_office: 1,
                accepted: 2,
            }
        );
        assert_eq!(
            t.asked,
            t.with_agencies + t.overdue + t.awaiting_office + t.accepted
        );
    }

    #[test]
    fn kinds_with_no_work_are_left_out_and_the_rest_keep_the_vocabulary_order() {
        let item = |kind| WorkItem {
            key: String::new(),
            kind,
            title: String::new(),
            due_on: None,
            link: String::new(),
            review_id: None,
            review_reference: None,
            action_id: None,
        };
        let items = [
            item(WorkKind::HotSpot),
            item(WorkKind::ActionOverdue),
            item(WorkKind::HotSpot),
        ];
        assert_eq!(
            count_by_kind(&items),
            vec![(WorkKind::ActionOverdue, 1), (WorkKind::HotSpot, 2)]
        );
        assert!(count_by_kind(&[]).is_empty());
    }
}
