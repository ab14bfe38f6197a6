//! Input rules for reviews, their threshold decisions and panel notifications.

use super::vocabulary::{Methodology, ReviewKind, ThresholdDecision};
use crate::validation::Problems;
use chrono::{Datelike, NaiveDate};

/// The earliest date the platform accepts on a review.
pub const EARLIEST_DATE: (i32, u32, u32) = (1990, 1, 1);
pub const MAX_THEMES: usize = 12;
pub const MAX_JUSTIFICATION: usize = 10_000;

fn earliest() -> NaiveDate {
    let (y, m, d) = EARLIEST_DATE;
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// A date that must lie between 1990 and today.
pub fn past_date(problems: &mut Problems, field: &str, date: NaiveDate, today: NaiveDate) {
    if date < earliest() {
        problems.push(field, "must be on or after 1 January 1990");
    } else if date > today {
        problems.push(field, "must not be in the future");
    }
}

/// A review reference such as `SCR-2016-03`: 3 to 40 capitals, digits and hyphens,
/// starting with a capital.
pub fn reference(problems: &mut Problems, field: &str, value: &str) -> String {
    let reference = value.trim().to_uppercase();
    let ok = (3..=40).contains(&reference.len())
        && reference.starts_with(|c: char| c.is_ascii_uppercase())
        && reference
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '/');
    if !ok {
        problems.push(
            field,
            "must be 3 to 40 capital letters, digits, hyphens or slashes, starting with a letter (e.g. SCR-2016-03)",
        );
    }
    reference
}

/// Checks a list of themes (of a review, or of a learning point): each a short text, none
/// twice (ignoring case), at most [`MAX_THEMES`]. Returns the trimmed themes.
pub fn themes(problems: &mut Problems, field: &str, list: &[String]) -> Vec<String> {
    let mut themes: Vec<String> = Vec::new();
    for (i, theme) in list.iter().enumerate() {
        let t = problems.text(&format!("{field}[{i}]"), theme, 60);
        if themes.iter().any(|seen| seen.eq_ignore_ascii_case(&t)) {
            problems.push(format!("{field}[{i}]"), "is listed twice");
        } else {
            themes.push(t);
        }
    }
    if list.len() > MAX_THEMES {
        problems.push(field, format!("at most {MAX_THEMES} themes"));
    }
    themes
}

/// What the business office enters to create or edit a review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewDraft {
    pub reference: String,
    pub kind: ReviewKind,
    pub subject: String,
    pub themes: Vec<String>,
    pub methodology: Methodology,
    pub methodology_detail: Option<String>,
    pub incident_month: Option<u32>,
    pub incident_year: i32,
    pub aware_on: Option<NaiveDate>,
    pub notified_on: NaiveDate,
}

impl ReviewDraft {
    /// Checks every field; returns the draft with its text trimmed and normalised.
    pub fn validate(mut self, today: NaiveDate) -> Result<Self, Problems> {
        let mut p = Problems::new();
        if !self.kind.is_case_review() {
            p.push(
                "kind",
                "Section 11 actions are planned from an agency's Section 11 assessment, not opened as a review",
            );
        }
        self.reference = reference(&mut p, "reference", &self.reference);
        self.subject = p.text("subject", &self.subject, 60);
        self.themes = themes(&mut p, "themes", &self.themes);
        self.methodology_detail = match self.methodology_detail.as_deref().map(str::trim) {
            Some("") | None => None,
            Some(detail) => Some(p.text("methodologyDetail", detail, 200)),
        };
        if self.methodology == Methodology::Other && self.methodology_detail.is_none() {
            p.push(
                "methodologyDetail",
                "describe the methodology when it is \"Other\"",
            );
        }
        if let Some(month) = self.incident_month {
            if !(1..=12).contains(&month) {
                p.push("incidentMonth", "must be a month from 1 to 12");
            }
        }
        if self.incident_year < earliest().year() || self.incident_year > today.year() {
            p.push(
                "incidentYear",
                format!(
                    "must be a year from {} to {}",
                    earliest().year(),
                    today.year()
                ),
            );
        } else if let Some(month) = self.incident_month.filter(|m| (1..=12).contains(m)) {
            if (self.incident_year, month) > (today.year(), today.month()) {
                p.push("incidentMonth", "the incident cannot be in the future");
            }
        }
        past_date(&mut p, "notifiedOn", self.notified_on, today);
        if let Some(aware) = self.aware_on {
            past_date(&mut p, "awareOn", aware, today);
            if aware > self.notified_on {
                p.push("awareOn", "must not be after the notification date");
            }
        }
        p.into_result().map(|()| self)
    }
}

/// What is already recorded on a review that an edit must stay consistent with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordedDates {
    pub decided_on: Option<NaiveDate>,
}

impl ReviewDraft {
    /// Checks the edited dates against what is already recorded: the notification (and the
    /// partnership becoming aware) cannot move after the threshold decision.
    pub fn check_against(&self, recorded: RecordedDates) -> Result<(), Problems> {
        let mut p = Problems::new();
        if let Some(decided) = recorded.decided_on {
            if self.notified_on > decided {
                p.push(
                    "notifiedOn",
                    format!("must not be after the threshold decision ({decided})"),
                );
            }
        }
        p.into_result()
    }
}

/// The independent chair's threshold decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThresholdDecisionDraft {
    pub decision: ThresholdDecision,
    pub justification: String,
    pub decided_on: NaiveDate,
}

impl ThresholdDecisionDraft {
    /// The justification is required whichever way the decision goes.
    pub fn validate(mut self, notified_on: NaiveDate, today: NaiveDate) -> Result<Self, Problems> {
        let mut p = Problems::new();
        self.justification = p.long_text("justification", &self.justification, MAX_JUSTIFICATION);
        past_date(&mut p, "decidedOn", self.decided_on, today);
        if self.decided_on < notified_on {
            p.push(
                "decidedOn",
                "must not be before the notification of the incident",
            );
        }
        p.into_result().map(|()| self)
    }
}

/// The record that the national panel was told of the decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanelNotificationDraft {
    pub notified_on: NaiveDate,
    pub lead_reviewer_names: Vec<String>,
}

impl PanelNotificationDraft {
    /// When the decision is to initiate, the lead reviewers' names go with the notification.
    pub fn validate(
        mut self,
        decision: Option<(ThresholdDecision, NaiveDate)>,
        today: NaiveDate,
    ) -> Result<Self, Problems> {
        let mut p = Problems::new();
        let Some((decision, decided_on)) = decision else {
            return Err(Problems::single(
                "notifiedOn",
                "the threshold decision has to be recorded before the panel is told of it",
            ));
        };
        past_date(&mut p, "notifiedOn", self.notified_on, today);
        if self.notified_on < decided_on {
            p.push("notifiedOn", "must not be before the threshold decision");
        }
        let names: Vec<String> = self
            .lead_reviewer_names
            .iter()
            .enumerate()
            .map(|(i, name)| p.text(&format!("leadReviewerNames[{i}]"), name, 120))
            .collect();
        if decision == ThresholdDecision::Initiate && names.is_empty() {
            p.push(
                "leadReviewerNames",
                "name the appointed lead reviewer(s) when the decision is to initiate a review",
            );
        }
        self.lead_reviewer_names = names;
        p.into_result().map(|()| self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    fn draft() -> ReviewDraft {
        ReviewDraft {
            reference: "scr-2016-03".into(),
            kind: ReviewKind::SeriousCaseReview,
            subject: " Child A ".into(),
            themes: vec!["Neglect".into()],
            methodology: Methodology::LearningTogether,
            methodology_detail: None,
            incident_month: Some(5),
            incident_year: 2016,
            aware_on: None,
            notified_on: d(2016, 5, 22),
        }
    }

    #[test]
    fn a_good_draft_is_normalised() {
        let ok = draft().validate(d(2026, 11, 26)).expect("valid");
        assert_eq!(ok.reference, "SCR-2016-03");
        assert_eq!(ok.subject, "Child A");
    }

    #[test]
    fn a_plan_is_not_opened_as_a_review() {
        for &kind in ReviewKind::ALL.iter().filter(|k| !k.is_case_review()) {
            let plan = ReviewDraft { kind, ..draft() };
            let refused = plan.validate(d(2026, 11, 26)).expect_err("refused");
            let fields: Vec<&str> = refused.0.iter().map(|p| p.field.as_str()).collect();
            assert_eq!(fields, ["kind"], "{kind:?}");
        }
        assert!(ReviewKind::ALL.iter().filter(|k| !k.is_case_review()).eq([
            &ReviewKind::Section11,
            &ReviewKind::PerformanceDataset,
            &ReviewKind::ChildDeathLearning
        ]));
    }

    #[test]
    fn every_bad_field_is_reported() {
        let bad = ReviewDraft {
            reference: "x".into(),
            subject: "".into(),
            themes: vec!["Neglect".into(), "neglect".into()],
            methodology: Methodology::Other,
            incident_month: Some(13),
            incident_year: 1800,
            aware_on: Some(d(1980, 6, 1)),
            notified_on: d(2030, 1, 1),
            ..draft()
        };
        let problems = bad.validate(d(2026, 11, 26)).expect_err("invalid");
        let fields: Vec<&str> = problems.0.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "reference",
                "subject",
                "themes[1]",
                "methodologyDetail",
                "incidentMonth",
                "incidentYear",
                "notifiedOn",
                "awareOn"
            ]
        );
    }

    #[test]
    fn an_edit_cannot_move_the_notification_after_the_decision() {
        let recorded = RecordedDates {
            decided_on: Some(d(2016, 5, 25)),
        };
        let late = ReviewDraft {
            notified_on: d(2016, 6, 1),
            ..draft()
        };
        assert_eq!(
            late.check_against(recorded).expect_err("after").0[0].field,
            "notifiedOn"
        );
        assert!(draft().check_against(recorded).is_ok());
        assert!(late.check_against(RecordedDates::default()).is_ok());
    }

    #[test]
    fn justification_required_either_way() {
        for decision in ThresholdDecision::ALL {
            let draft = ThresholdDecisionDraft {
                decision: *decision,
                justification: "   ".into(),
                decided_on: d(2016, 6, 1),
            };
            let problems = draft
                .validate(d(2016, 5, 22), d(2026, 1, 1))
                .expect_err("empty");
            assert_eq!(problems.0[0].field, "justification");
        }
    }

    #[test]
    fn decision_not_before_notification() {
        let draft = ThresholdDecisionDraft {
            decision: ThresholdDecision::Initiate,
            justification: "Meets the criteria".into(),
            decided_on: d(2016, 5, 1),
        };
        let problems = draft
            .validate(d(2016, 5, 22), d(2026, 1, 1))
            .expect_err("early");
        assert_eq!(problems.0[0].field, "decidedOn");
    }

    #[test]
    fn panel_notification_needs_lead_reviewers_when_initiating() {
        let draft = PanelNotificationDraft {
            notified_on: d(2016, 6, 5),
            lead_reviewer_names: vec![],
        };
        let initiate = Some((ThresholdDecision::Initiate, d(2016, 6, 1)));
        let problems = draft
            .clone()
            .validate(initiate, d(2026, 1, 1))
            .expect_err("no names");
        assert_eq!(problems.0[0].field, "leadReviewerNames");
        let not = Some((ThresholdDecision::DoNotInitiate, d(2016, 6, 1)));
        assert!(draft.clone().validate(not, d(2026, 1, 1)).is_ok());
        assert!(draft.validate(None, d(2026, 1, 1)).is_err());
    }
}
