//! What needs a person: the kinds of work the home page lists and the notifications made
//! from them, when each becomes due soon or overdue, and the order they are shown in.
//!
//! The server gathers the facts (returns, questions, actions, statutory clocks, summaries,
//! publications) and decides whom each item is for with the access rules of each feature;
//! the rules of time and order are here, written once for the page and the notifications.

use crate::actions::reminders::ReminderKind;
use crate::reviews::clocks::MilestoneState;
use crate::reviews::vocabulary::vocabulary;
use chrono::NaiveDate;
use std::cmp::Ordering;

/// A chronology return is due soon this many days before the date it was asked for by.
pub const RETURN_DUE_SOON_DAYS: i64 = 7;
/// A publication's window is ending this many days before its last day.
pub const PUBLICATION_ENDING_DAYS: i64 = 30;

vocabulary! {
    /// Why something needs a person.
    WorkKind {
        ReturnRequested => ("RETURN_REQUESTED", "Chronology return asked for"),
        ReturnDueSoon => ("RETURN_DUE_SOON", "Chronology return due soon"),
        ReturnOverdue => ("RETURN_OVERDUE", "Chronology return overdue"),
        Question => ("QUESTION", "Question awaiting an answer"),
        ActionDueSoon => ("ACTION_DUE_SOON", "Action due soon"),
        ActionOverdue => ("ACTION_OVERDUE", "Action overdue"),
        DeadlineDueSoon => ("DEADLINE_DUE_SOON", "Statutory deadline due soon"),
        DeadlineOverdue => ("DEADLINE_OVERDUE", "Statutory deadline overdue"),
        SummaryToApprove => ("SUMMARY_TO_APPROVE", "Learning summary awaiting approval"),
        SummaryComments => ("SUMMARY_COMMENTS", "Open comments on a learning summary"),
        PublicationEnding => ("PUBLICATION_ENDING", "Publication ending"),
        Section11Requested => ("SECTION_11_REQUESTED", "Section 11 self-assessment asked for"),
        Section11DueSoon => ("SECTION_11_DUE_SOON", "Section 11 self-assessment due soon"),
        Section11Overdue => ("SECTION_11_OVERDUE", "Section 11 self-assessment overdue"),
        Section11Returned => ("SECTION_11_RETURNED", "Section 11 self-assessment returned"),
        Section11Submitted => ("SECTION_11_SUBMITTED", "Section 11 self-assessment to scrutinise"),
        QaReportRequested => ("QA_REPORT_REQUESTED", "QA impact report asked for"),
        QaReportDueSoon => ("QA_REPORT_DUE_SOON", "QA impact report due soon"),
        QaReportOverdue => ("QA_REPORT_OVERDUE", "QA impact report overdue"),
        QaReportReturned => ("QA_REPORT_RETURNED", "QA impact report returned"),
        QaReportSubmitted => ("QA_REPORT_SUBMITTED", "QA impact report to read"),
        HotSpot => ("HOT_SPOT", "Performance hot spot"),
    }
}

vocabulary! {
    /// How pressing an item is: overdue first, then due soon, then waiting.
    Urgency {
        Overdue => ("OVERDUE", "Overdue"),
        DueSoon => ("DUE_SOON", "Due soon"),
        Waiting => ("WAITING", "Waiting for you"),
    }
}

impl WorkKind {
    pub fn urgency(self) -> Urgency {
        match self {
            WorkKind::ReturnOverdue
            | WorkKind::ActionOverdue
            | WorkKind::DeadlineOverdue
            | WorkKind::Section11Overdue
            | WorkKind::QaReportOverdue => Urgency::Overdue,
            WorkKind::ReturnDueSoon
            | WorkKind::ActionDueSoon
            | WorkKind::DeadlineDueSoon
            | WorkKind::PublicationEnding
            | WorkKind::Section11DueSoon
            | WorkKind::QaReportDueSoon => Urgency::DueSoon,
            WorkKind::ReturnRequested
            | WorkKind::Question
            | WorkKind::SummaryToApprove
            | WorkKind::SummaryComments
            | WorkKind::Section11Requested
            | WorkKind::Section11Returned
            | WorkKind::Section11Submitted
            | WorkKind::QaReportRequested
            | WorkKind::QaReportReturned
            | WorkKind::QaReportSubmitted
            | WorkKind::HotSpot => Urgency::Waiting,
        }
    }
}

impl WorkKind {
    /// Why a person is told of this kind of work (the last line of its email).
    pub fn reason(self) -> &'static str {
        match self {
            WorkKind::ReturnRequested | WorkKind::ReturnDueSoon | WorkKind::ReturnOverdue => {
                "You receive this because you keep your agency's chronology return for this review, or work in the partnership's business office."
            }
            WorkKind::Question => {
                "You receive this because you are a member of the review from the agency whose entry was questioned."
            }
            WorkKind::ActionDueSoon | WorkKind::ActionOverdue => {
                "You receive this because you own the action, or lead the agency that does."
            }
            WorkKind::DeadlineDueSoon | WorkKind::DeadlineOverdue => {
                "You receive this because you lead this review, chair the partnership's reviews, or work in its business office."
            }
            WorkKind::SummaryToApprove => {
                "You receive this because you are the partnership's independent chair."
            }
            WorkKind::SummaryComments => {
                "You receive this because you write this learning summary."
            }
            WorkKind::PublicationEnding
            | WorkKind::Section11Submitted
            | WorkKind::QaReportSubmitted => {
                "You receive this because you work in the partnership's business office."
            }
            WorkKind::HotSpot => {
                "You receive this because you chair the partnership's reviews or work in its business office, who look into the performance dataset's hot spots."
            }
            WorkKind::Section11Requested
            | WorkKind::Section11DueSoon
            | WorkKind::Section11Overdue
            | WorkKind::Section11Returned => {
                "You receive this because you lead your agency's Section 11 self-assessment, or work in the partnership's business office."
            }
            WorkKind::QaReportRequested
            | WorkKind::QaReportDueSoon
            | WorkKind::QaReportOverdue
            | WorkKind::QaReportReturned => {
                "You receive this because you lead your agency's quality-assurance work, or work in the partnership's business office."
            }
        }
    }
}

fn rank(u: Urgency) -> u8 {
    match u {
        Urgency::Overdue => 0,
        Urgency::DueSoon => 1,
        Urgency::Waiting => 2,
    }
}

/// Where a chronology return not yet submitted stands on `today`, given the date it was
/// asked for by: asked for, due soon (within [`RETURN_DUE_SOON_DAYS`], the due day
/// included), or overdue (the day after the due day onwards).
pub fn return_stage(due_on: NaiveDate, today: NaiveDate) -> WorkKind {
    let days_left = (due_on - today).num_days();
    if days_left < 0 {
        WorkKind::ReturnOverdue
    } else if days_left <= RETURN_DUE_SOON_DAYS {
        WorkKind::ReturnDueSoon
    } else {
        WorkKind::ReturnRequested
    }
}

/// [`return_stage`] of two ISO dates (`YYYY-MM-DD`), as the browser holds them; `None`
/// when either is not a date.
pub fn return_stage_of(due_on: &str, today: &str) -> Option<WorkKind> {
    let parse = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    Some(return_stage(parse(due_on)?, parse(today)?))
}

/// The furthest ahead a return may be asked for.
pub const MAX_RETURNS_NOTICE_DAYS: i64 = 366;

/// Checks the date the business office asks agencies to submit their returns by: from
/// today to a year ahead. The field is `dueOn`.
pub fn check_returns_due(due_on: NaiveDate, today: NaiveDate) -> Result<(), crate::Problems> {
    let mut p = crate::Problems::new();
    let days = (due_on - today).num_days();
    if days < 0 {
        p.push("dueOn", "must be today or a later date");
    } else if days > MAX_RETURNS_NOTICE_DAYS {
        p.push("dueOn", "must be within a year from today");
    }
    p.into_result()
}

/// Where an agency's Section 11 self-assessment stands as work on `today`: with the agency
/// while it writes it (asked for, due soon, overdue, by the same days as a chronology
/// return) or after it came back; with the office once submitted; nobody's once accepted.
pub fn section11_stage(
    status: crate::section11::AssessmentStatus,
    due_on: NaiveDate,
    today: NaiveDate,
) -> Option<WorkKind> {
    use crate::section11::AssessmentStatus as S;
    match status {
        S::Draft => Some(match return_stage(due_on, today) {
            WorkKind::ReturnOverdue => WorkKind::Section11Overdue,
            WorkKind::ReturnDueSoon => WorkKind::Section11DueSoon,
            _ => WorkKind::Section11Requested,
        }),
        S::Returned => Some(WorkKind::Section11Returned),
        S::Submitted => Some(WorkKind::Section11Submitted),
        S::Accepted => None,
    }
}

/// Where an agency's QA impact report stands as work on `today`: the same stages as a
/// Section 11 self-assessment ([`section11_stage`]), as QA report work.
pub fn qa_report_stage(
    status: crate::qa_reports::ReportStatus,
    due_on: NaiveDate,
    today: NaiveDate,
) -> Option<WorkKind> {
    section11_stage(status, due_on, today).map(|kind| match kind {
        WorkKind::Section11Overdue => WorkKind::QaReportOverdue,
        WorkKind::Section11DueSoon => WorkKind::QaReportDueSoon,
        WorkKind::Section11Returned => WorkKind::QaReportReturned,
        WorkKind::Section11Submitted => WorkKind::QaReportSubmitted,
        _ => WorkKind::QaReportRequested,
    })
}

/// The work an action's reminder stands for.
pub fn action_stage(kind: ReminderKind) -> WorkKind {
    match kind {
        ReminderKind::DueSoon => WorkKind::ActionDueSoon,
        ReminderKind::Overdue => WorkKind::ActionOverdue,
    }
}

/// The work a statutory milestone makes on `today`: only when it is due soon or overdue
/// (a milestone met, not started or still far off needs nobody yet).
pub fn deadline_stage(state: MilestoneState) -> Option<WorkKind> {
    match state {
        MilestoneState::Overdue => Some(WorkKind::DeadlineOverdue),
        MilestoneState::DueSoon => Some(WorkKind::DeadlineDueSoon),
        MilestoneState::Due | MilestoneState::Awaiting | MilestoneState::Met => None,
    }
}

/// Whether a published summary's window is ending on `today`: its last day is within
/// [`PUBLICATION_ENDING_DAYS`] and has not passed.
pub fn publication_ending(available_until: NaiveDate, today: NaiveDate) -> bool {
    let days_left = (available_until - today).num_days();
    (0..=PUBLICATION_ENDING_DAYS).contains(&days_left)
}

/// The order items are shown in: overdue first, then due soon, then waiting; within each,
/// the earliest due date first (items without one last), then by title.
pub fn order(
    a: (WorkKind, Option<NaiveDate>, &str),
    b: (WorkKind, Option<NaiveDate>, &str),
) -> Ordering {
    let key = |(kind, due, title): (WorkKind, Option<NaiveDate>, &str)| {
        (
            rank(kind.urgency()),
            due.unwrap_or(NaiveDate::MAX),
            title.to_owned(),
        )
    };
    key(a).cmp(&key(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    #[test]
    fn a_return_is_asked_for_then_due_soon_then_overdue() {
        let due = d(2026, 3, 20);
        assert_eq!(return_stage(due, d(2026, 3, 1)), WorkKind::ReturnRequested);
        assert_eq!(return_stage(due, d(2026, 3, 12)), WorkKind::ReturnRequested);
        assert_eq!(return_stage(due, d(2026, 3, 13)), WorkKind::ReturnDueSoon);
        assert_eq!(return_stage(due, due), WorkKind::ReturnDueSoon);
        assert_eq!(return_stage(due, d(2026, 3, 21)), WorkKind::ReturnOverdue);
        assert_eq!(
            return_stage_of("2026-03-20", "2026-03-21"),
            Some(WorkKind::ReturnOverdue)
        );
        assert_eq!(return_stage_of("20/03/2026", "2026-03-21"), None);
    }

    #[test]
    fn returns_are_asked_for_from_today_to_a_year_ahead() {
        let today = d(2026, 3, 1);
        assert!(check_returns_due(today, today).is_ok());
        assert!(check_returns_due(d(2027, 3, 1), today).is_ok());
        let past = check_returns_due(d(2026, 2, 28), today).expect_err("past");
        assert_eq!(past.0[0].field, "dueOn");
        assert!(check_returns_due(d(2027, 3, 3), today).is_err());
    }

    #[test]
    fn a_section_11_assessment_is_the_agencys_then_the_offices() {
        use crate::section11::AssessmentStatus as S;
        let due = d(2026, 3, 20);
        assert_eq!(
            section11_stage(S::Draft, due, d(2026, 3, 1)),
            Some(WorkKind::Section11Requested)
        );
        assert_eq!(
            section11_stage(S::Draft, due, due),
            Some(WorkKind::Section11DueSoon)
        );
        assert_eq!(
            section11_stage(S::Draft, due, d(2026, 3, 21)),
            Some(WorkKind::Section11Overdue)
        );
        assert_eq!(
            section11_stage(S::Returned, due, d(2026, 4, 1)),
            Some(WorkKind::Section11Returned)
        );
        assert_eq!(
            section11_stage(S::Submitted, due, due),
            Some(WorkKind::Section11Submitted)
        );
        assert_eq!(section11_stage(S::Accepted, due, due), None);
        assert_eq!(
            qa_report_stage(S::Draft, due, d(2026, 3, 21)),
            Some(WorkKind::QaReportOverdue)
        );
        assert_eq!(
            qa_report_stage(S::Draft, due, d(2026, 3, 1)),
            Some(WorkKind::QaReportRequested)
        );
        assert_eq!(
            qa_report_stage(S::Submitted, due, due),
            Some(WorkKind::QaReportSubmitted)
        );
        assert_eq!(qa_report_stage(S::Accepted, due, due), None);
    }

    #[test]
    fn only_deadlines_due_soon_or_overdue_need_anyone() {
        assert_eq!(
            deadline_stage(MilestoneState::Overdue),
            Some(WorkKind::DeadlineOverdue)
        );
        assert_eq!(
            deadline_stage(MilestoneState::DueSoon),
            Some(WorkKind::DeadlineDueSoon)
        );
        for quiet in [
            MilestoneState::Due,
            MilestoneState::Awaiting,
            MilestoneState::Met,
        ] {
            assert_eq!(deadline_stage(quiet), None);
        }
    }

    #[test]
    fn a_publication_is_ending_in_its_last_thirty_days_only() {
        let until = d(2026, 6, 30);
        assert!(!publication_ending(until, d(2026, 5, 30)));
        assert!(publication_ending(until, d(2026, 5, 31)));
        assert!(publication_ending(until, until));
        assert!(!publication_ending(until, d(2026, 7, 1)));
    }

    #[test]
    fn overdue_work_comes_first_then_the_earliest_due() {
        let mut items = [
            (WorkKind::Question, None, "q"),
            (
                WorkKind::ActionDueSoon,
                Some(d(2026, 3, 9)),
                "late due soon",
            ),
            (WorkKind::ReturnOverdue, Some(d(2026, 3, 1)), "overdue"),
            (
                WorkKind::ReturnDueSoon,
                Some(d(2026, 3, 5)),
                "early due soon",
            ),
            (WorkKind::SummaryToApprove, None, "a summary"),
        ];
        items.sort_by(|a, b| order(*a, *b));
        let titles: Vec<&str> = items.iter().map(|i| i.2).collect();
        assert_eq!(
            titles,
            [
                "overdue",
                "early due soon",
                "late due soon",
                "a summary",
                "q"
            ]
        );
    }

    #[test]
    fn every_kind_has_an_urgency_and_a_distinct_code() {
        let mut codes: Vec<&str> = WorkKind::ALL.iter().map(|k| k.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), WorkKind::ALL.len());
        assert_eq!(WorkKind::ActionOverdue.urgency(), Urgency::Overdue);
        assert_eq!(WorkKind::PublicationEnding.urgency(), Urgency::DueSoon);
    }
}
