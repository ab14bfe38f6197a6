//! Statutory clocks. A regime is data (a list of milestone rules); a review's milestones are
//! computed from its regime and the dates of what has happened on it.

use super::vocabulary::{vocabulary, ThresholdDecision};
use crate::calendar::{period_end, BankHolidays, PeriodUnit};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

vocabulary! {
    /// Something that happens on a review and starts or stops a clock.
    ReviewEvent {
        Aware => ("AWARE", "the partnership became aware of the incident"),
        Notified => ("NOTIFIED", "notification of the incident"),
        Decided => ("DECIDED", "the threshold decision"),
        PanelNotified => ("PANEL_NOTIFIED", "the national panel was told of the decision"),
        Completed => ("COMPLETED", "the review was completed"),
        Published => ("PUBLISHED", "the report was published"),
    }
}

vocabulary! {
    /// When a milestone applies.
    RuleCondition {
        Always => ("ALWAYS", "always"),
        IfInitiated => ("IF_INITIATED", "when a review is initiated"),
        IfNotInitiated => ("IF_NOT_INITIATED", "when a review is not initiated"),
    }
}

vocabulary! {
    /// Where a milestone stands today.
    MilestoneState {
        Awaiting => ("AWAITING", "Awaiting"),
        Due => ("DUE", "Due"),
        DueSoon => ("DUE_SOON", "Due soon"),
        Overdue => ("OVERDUE", "Overdue"),
        Met => ("MET", "Met"),
    }
}

/// One clock of a regime: `amount` `unit`s after `anchor`, stopped by `met_by`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneRule {
    pub code: String,
    pub label: String,
    pub anchor: ReviewEvent,
    pub amount: u32,
    pub unit: PeriodUnit,
    pub met_by: ReviewEvent,
    pub condition: RuleCondition,
}

/// A statutory regime: its rules, in the order they are shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Regime {
    pub code: String,
    pub name: String,
    /// How many days before its due date a milestone counts as "due soon".
    pub due_soon_days: u32,
    pub rules: Vec<MilestoneRule>,
}

/// The dates of what has happened on one review.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewEvents {
    pub aware_on: Option<NaiveDate>,
    pub notified_on: Option<NaiveDate>,
    pub decision: Option<ThresholdDecision>,
    pub decided_on: Option<NaiveDate>,
    pub panel_notified_on: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
    pub published_on: Option<NaiveDate>,
}

impl ReviewEvents {
    pub fn date_of(&self, event: ReviewEvent) -> Option<NaiveDate> {
        match event {
            ReviewEvent::Aware => self.aware_on,
            ReviewEvent::Notified => self.notified_on,
            ReviewEvent::Decided => self.decided_on,
            ReviewEvent::PanelNotified => self.panel_notified_on,
            ReviewEvent::Completed => self.completed_on,
            ReviewEvent::Published => self.published_on,
        }
    }
}

/// One milestone of one review, as of a given day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    pub code: String,
    pub label: String,
    /// "1 month after notification of the incident".
    pub rule: String,
    pub due_on: Option<NaiveDate>,
    pub met_on: Option<NaiveDate>,
    pub state: MilestoneState,
    /// Met, but after its due date.
    pub late: bool,
    /// What has to happen before the clock starts, when it has not.
    pub waiting_for: Option<String>,
}

/// The milestones of a review under `regime`, as they stand on `today`. Rules whose
/// condition does not hold (a completion clock when no review was initiated) are left out;
/// a rule whose condition is not yet known (no decision yet) is kept.
pub fn milestones(
    regime: &Regime,
    events: &ReviewEvents,
    holidays: &BankHolidays,
    today: NaiveDate,
) -> Vec<Milestone> {
    regime
        .rules
        .iter()
        .filter(|rule| match (rule.condition, events.decision) {
            (RuleCondition::Always, _) | (_, None) => true,
            (RuleCondition::IfInitiated, Some(d)) => d == ThresholdDecision::Initiate,
            (RuleCondition::IfNotInitiated, Some(d)) => d == ThresholdDecision::DoNotInitiate,
        })
        .map(|rule| {
            let due_on = events
                .date_of(rule.anchor)
                .map(|start| period_end(start, rule.amount, rule.unit, holidays));
            let met_on = events.date_of(rule.met_by);
            let state = match (met_on, due_on) {
                (Some(_), _) => MilestoneState::Met,
                (None, None) => MilestoneState::Awaiting,
                (None, Some(due)) if today > due => MilestoneState::Overdue,
                (None, Some(due))
                    if (due - today).num_days() <= i64::from(regime.due_soon_days) =>
                {
                    MilestoneState::DueSoon
                }
                (None, Some(_)) => MilestoneState::Due,
            };
            Milestone {
                code: rule.code.clone(),
                label: rule.label.clone(),
                rule: format!(
                    "{} after {}",
                    rule.unit.describe(rule.amount),
                    rule.anchor.label()
                ),
                due_on,
                met_on,
                state,
                late: matches!((met_on, due_on), (Some(met), Some(due)) if met > due),
                waiting_for: due_on.is_none().then(|| rule.anchor.label().to_string()),
            }
        })
        .collect()
}

fn state_rank(state: MilestoneState) -> u8 {
    match state {
        MilestoneState::Overdue => 0,
        MilestoneState::DueSoon => 1,
        MilestoneState::Due => 2,
        MilestoneState::Awaiting => 3,
        MilestoneState::Met => 4,
    }
}

/// The milestone that matters next: the most urgent one that is not met (overdue first,
/// then by due date); `None` when every milestone is met.
pub fn next_milestone(milestones: &[Milestone]) -> Option<&Milestone> {
    milestones
        .iter()
        .filter(|m| m.state != MilestoneState::Met)
        .min_by(|a, b| compare_urgency(Some(a), Some(b)))
}

fn compare_urgency(a: Option<&Milestone>, b: Option<&Milestone>) -> Ordering {
    let key = |m: Option<&Milestone>| match m {
        Some(m) => (state_rank(m.state), m.due_on.unwrap_or(NaiveDate::MAX)),
        None => (state_rank(MilestoneState::Met), NaiveDate::MAX),
    };
    key(a).cmp(&key(b))
}

/// Orders reviews by their next milestone: overdue first, then due soon, then by due date;
/// reviews with nothing outstanding last.
pub fn urgency_order(a: Option<&Milestone>, b: Option<&Milestone>) -> Ordering {
    compare_urgency(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    fn rule(
        code: &str,
        anchor: ReviewEvent,
        amount: u32,
        unit: PeriodUnit,
        met_by: ReviewEvent,
        condition: RuleCondition,
    ) -> MilestoneRule {
        MilestoneRule {
            code: code.into(),
            label: code.into(),
            anchor,
            amount,
            unit,
            met_by,
            condition,
        }
    }

    /// Working Together 2015, as the migration seeds it.
    fn wt2015() -> Regime {
        Regime {
            code: "WT2015".into(),
            name: "Working Together 2015".into(),
            due_soon_days: 7,
            rules: vec![
                rule(
                    "decision",
                    ReviewEvent::Notified,
                    1,
                    PeriodUnit::CalendarMonths,
                    ReviewEvent::Decided,
                    RuleCondition::Always,
                ),
                rule(
                    "panel",
                    ReviewEvent::Decided,
                    14,
                    PeriodUnit::CalendarDays,
                    ReviewEvent::PanelNotified,
                    RuleCondition::Always,
                ),
                rule(
                    "completion",
                    ReviewEvent::Decided,
                    6,
                    PeriodUnit::CalendarMonths,
                    ReviewEvent::Completed,
                    RuleCondition::IfInitiated,
                ),
            ],
        }
    }

    /// Working Together 2018/2023, as the migration seeds it.
    fn wt2018() -> Regime {
        Regime {
            code: "WT2018".into(),
            name: "Working Together 2018/2023".into(),
            due_soon_days: 3,
            rules: vec![
                rule(
                    "notification",
                    ReviewEvent::Aware,
                    5,
                    PeriodUnit::WorkingDays,
                    ReviewEvent::Notified,
                    RuleCondition::Always,
                ),
                rule(
                    "rapid_review",
                    ReviewEvent::Notified,
                    15,
                    PeriodUnit::WorkingDays,
                    ReviewEvent::Decided,
                    RuleCondition::Always,
                ),
                rule(
                    "publication",
                    ReviewEvent::Decided,
                    6,
                    PeriodUnit::CalendarMonths,
                    ReviewEvent::Published,
                    RuleCondition::IfInitiated,
                ),
            ],
        }
    }

    fn holidays() -> BankHolidays {
        BankHolidays::new([d(2026, 12, 25), d(2026, 12, 28), d(2027, 1, 1)])
    }

    #[test]
    fn wt2015_decision_due_one_month_after_notification_at_month_end() {
        let events = ReviewEvents {
            notified_on: Some(d(2016, 1, 31)),
            ..Default::default()
        };
        let ms = milestones(&wt2015(), &events, &holidays(), d(2016, 2, 1));
        assert_eq!(ms[0].due_on, Some(d(2016, 2, 29)));
        assert_eq!(ms[0].state, MilestoneState::Due);
        assert_eq!(ms[0].rule, "1 month after notification of the incident");
        assert_eq!(ms[1].state, MilestoneState::Awaiting);
        assert_eq!(ms[1].waiting_for.as_deref(), Some("the threshold decision"));
        assert_eq!(
            ms.len(),
            3,
            "completion kept while the decision is not known"
        );
    }

    #[test]
    fn states_across_the_due_date() {
        let events = ReviewEvents {
            notified_on: Some(d(2015, 1, 31)),
            ..Default::default()
        };
        let at = |today| milestones(&wt2015(), &events, &holidays(), today)[0].state;
        assert_eq!(at(d(2015, 2, 20)), MilestoneState::Due);
        assert_eq!(at(d(2015, 2, 21)), MilestoneState::DueSoon);
        assert_eq!(
            at(d(2015, 2, 28)),
            MilestoneState::DueSoon,
            "due today is not overdue"
        );
        assert_eq!(at(d(2015, 3, 1)), MilestoneState::Overdue);
    }

    #[test]
    fn met_late_and_on_time() {
        let mut events = ReviewEvents {
            notified_on: Some(d(2016, 5, 2)),
            decision: Some(ThresholdDecision::Initiate),
            decided_on: Some(d(2016, 6, 10)),
            ..Default::default()
        };
        let ms = milestones(&wt2015(), &events, &holidays(), d(2016, 7, 1));
        assert_eq!(ms[0].state, MilestoneState::Met);
        assert!(ms[0].late);
        assert_eq!(ms[1].due_on, Some(d(2016, 6, 24)));
        assert_eq!(ms[1].state, MilestoneState::Overdue);
        assert_eq!(ms[2].due_on, Some(d(2016, 12, 10)));
        events.panel_notified_on = Some(d(2016, 6, 20));
        let ms = milestones(&wt2015(), &events, &holidays(), d(2016, 7, 1));
        assert_eq!(ms[1].state, MilestoneState::Met);
        assert!(!ms[1].late);
        assert_eq!(
            next_milestone(&ms).map(|m| m.code.as_str()),
            Some("completion")
        );
    }

    #[test]
    fn not_initiating_drops_the_completion_clock() {
        let events = ReviewEvents {
            notified_on: Some(d(2016, 5, 2)),
            decision: Some(ThresholdDecision::DoNotInitiate),
            decided_on: Some(d(2016, 5, 20)),
            panel_notified_on: Some(d(2016, 5, 25)),
            ..Default::default()
        };
        let ms = milestones(&wt2015(), &events, &holidays(), d(2016, 7, 1));
        assert_eq!(ms.len(), 2);
        assert!(next_milestone(&ms).is_none());
    }

    #[test]
    fn wt2018_counts_working_days_over_bank_holidays() {
        // Aware Thursday 24 Dec 2026: 5 working days skip Christmas, Boxing Day (substitute)
        // and New Year's Day: 29, 30, 31 Dec, 4, 5 Jan.
        let events = ReviewEvents {
            aware_on: Some(d(2026, 12, 24)),
            notified_on: Some(d(2027, 1, 5)),
            ..Default::default()
        };
        let ms = milestones(&wt2018(), &events, &holidays(), d(2027, 1, 6));
        assert_eq!(ms[0].due_on, Some(d(2027, 1, 5)));
        assert_eq!(ms[0].state, MilestoneState::Met);
        assert!(!ms[0].late);
        // Rapid review: 15 working days after Tuesday 5 Jan 2027 = Tuesday 26 Jan.
        assert_eq!(ms[1].due_on, Some(d(2027, 1, 26)));
        assert_eq!(ms[1].state, MilestoneState::Due);
    }

    #[test]
    fn dashboard_order_puts_overdue_first() {
        let mk = |state, due: Option<NaiveDate>| Milestone {
            code: "x".into(),
            label: "x".into(),
            rule: String::new(),
            due_on: due,
            met_on: None,
            state,
            late: false,
            waiting_for: None,
        };
        let overdue = mk(MilestoneState::Overdue, Some(d(2026, 1, 1)));
        let soon = mk(MilestoneState::DueSoon, Some(d(2025, 1, 1)));
        let due_early = mk(MilestoneState::Due, Some(d(2026, 2, 1)));
        let due_late = mk(MilestoneState::Due, Some(d(2026, 3, 1)));
        let mut list = [
            None,
            Some(&due_late),
            Some(&soon),
            Some(&overdue),
            Some(&due_early),
        ];
        list.sort_by(|a, b| urgency_order(*a, *b));
        let states: Vec<_> = list
            .iter()
            .map(|m| m.map(|m| (m.state, m.due_on)))
            .collect();
        assert_eq!(
            states,
            vec![
                Some((MilestoneState::Overdue, Some(d(2026, 1, 1)))),
                Some((MilestoneState::DueSoon, Some(d(2025, 1, 1)))),
                Some((MilestoneState::Due, Some(d(2026, 2, 1)))),
                Some((MilestoneState::Due, Some(d(2026, 3, 1)))),
                None,
            ]
        );
    }
}
