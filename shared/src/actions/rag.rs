//! Overdue and RAG, derived from an action's status and dates (never stored), and the
//! business office's manual override.
//!
//! The rule, in order:
//! 1. a closed action (COMPLETED or IMPACT_EVIDENCED) is **GREEN** and never overdue;
//! 2. an open action whose target date has passed (target date before today) is
//!    **overdue** and **RED**;
//! 3. an open action due within [`DUE_SOON_DAYS`] days (today up to and including the
//!    target date) is **AMBER**;
//! 4. an action still NOT_STARTED when less than [`LATE_START_PERCENT`]% of the time from
//!    when it was set to its target date remains is **AMBER** (it is unlikely to finish);
//! 5. anything else is **GREEN**.
//!
//! A manual override (with its reason) replaces the derived RAG while the action is open; a
//! closed action is green whatever was set, so an override cannot outlive the work.

use super::vocabulary::{ActionStatus, Rag};
use crate::validation::Problems;
use chrono::NaiveDate;
use std::cmp::Ordering;

/// An open action due within this many days is amber.
pub const DUE_SOON_DAYS: i64 = 28;
/// An action not started with less than this share of its time left is amber.
pub const LATE_START_PERCENT: i64 = 25;
/// The longest reason for an override.
pub const MAX_REASON: usize = 2_000;

/// Whether an action is overdue today: open, and its target date has passed.
pub fn is_overdue(status: ActionStatus, target_on: NaiveDate, today: NaiveDate) -> bool {
    !status.is_closed() && target_on < today
}

/// The RAG the rule gives an action set on `set_on` (the day it was created) and due on
/// `target_on`.
pub fn derived_rag(
    status: ActionStatus,
    set_on: NaiveDate,
    target_on: NaiveDate,
    today: NaiveDate,
) -> Rag {
    if status.is_closed() {
        return Rag::Green;
    }
    if is_overdue(status, target_on, today) {
        return Rag::Red;
    }
    let days_left = (target_on - today).num_days();
    if days_left <= DUE_SOON_DAYS {
        return Rag::Amber;
    }
    let total = (target_on - set_on).num_days();
    if status == ActionStatus::NotStarted && days_left * 100 < total * LATE_START_PERCENT {
        return Rag::Amber;
    }
    Rag::Green
}

/// The RAG shown: the override while the action is open, otherwise the derived one.
pub fn effective_rag(status: ActionStatus, derived: Rag, overridden: Option<Rag>) -> Rag {
    if status.is_closed() {
        derived
    } else {
        overridden.unwrap_or(derived)
    }
}

/// Checks a manual override: setting one needs a reason and an open action; clearing one
/// (`rag` none) needs neither. Returns the trimmed reason to store.
pub fn check_override(
    status: ActionStatus,
    rag: Option<Rag>,
    reason: Option<&str>,
) -> Result<Option<String>, Problems> {
    let mut p = Problems::new();
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    let Some(_) = rag else {
        // Clearing: a reason is kept in the history when one is given.
        if let Some(r) = reason {
            let r = p.long_text("reason", r, MAX_REASON);
            return p.into_result().map(|()| Some(r));
        }
        return Ok(None);
    };
    if status.is_closed() {
        p.push(
            "rag",
            format!(
                "this action is {}: a closed action is green and its RAG cannot be overridden",
                status.label().to_lowercase()
            ),
        );
    }
    let reason = match reason {
        Some(r) => Some(p.long_text("reason", r, MAX_REASON)),
        None => {
            p.push("reason", "say why the RAG is set by hand");
            None
        }
    };
    p.into_result().map(|()| reason)
}

/// What a list of owed actions is ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attention {
    pub status: ActionStatus,
    pub overdue: bool,
    pub rag: Rag,
    pub target_on: NaiveDate,
}

/// Orders a list of what is owed: open actions before closed ones; among them overdue
/// first, then by RAG (red, amber, green), then the nearest target date.
pub fn attention_order(a: &Attention, b: &Attention) -> Ordering {
    a.status
        .is_closed()
        .cmp(&b.status.is_closed())
        .then(b.overdue.cmp(&a.overdue))
        .then(b.rag.severity().cmp(&a.rag.severity()))
        .then(a.target_on.cmp(&b.target_on))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    const OPEN: [ActionStatus; 2] = [ActionStatus::NotStarted, ActionStatus::InProgress];
    const CLOSED: [ActionStatus; 2] = [ActionStatus::Completed, ActionStatus::ImpactEvidenced];

    #[test]
    fn closed_actions_are_green_and_never_overdue() {
        let (set, target, today) = (d(2025, 1, 1), d(2025, 3, 1), d(2026, 1, 1));
        for s in CLOSED {
            assert_eq!(derived_rag(s, set, target, today), Rag::Green);
            assert!(!is_overdue(s, target, today));
        }
    }

    #[test]
    fn a_passed_target_date_is_overdue_and_red() {
        let today = d(2026, 1, 10);
        for s in OPEN {
            assert!(is_overdue(s, d(2026, 1, 9), today));
            assert_eq!(
                derived_rag(s, d(2025, 1, 1), d(2026, 1, 9), today),
                Rag::Red
            );
            // Due today is not overdue yet.
            assert!(!is_overdue(s, today, today));
            assert_eq!(derived_rag(s, d(2025, 1, 1), today, today), Rag::Amber);
        }
    }

    #[test]
    fn due_within_28_days_is_amber() {
        let today = d(2026, 1, 1);
        let set = d(2025, 12, 1);
        for s in OPEN {
            assert_eq!(derived_rag(s, set, d(2026, 1, 29), today), Rag::Amber);
            assert_eq!(derived_rag(s, set, d(2026, 1, 30), today), Rag::Green);
        }
    }

    #[test]
    fn not_started_with_under_a_quarter_of_the_time_left_is_amber() {
        // Set 1 Jan 2026, due 11 Apr 2026: 100 days.
        let set = d(2026, 1, 1);
        let target = set + chrono::Duration::days(100);
        // 30 days left of 100: 30% left, green.
        let today = target - chrono::Duration::days(30);
        assert_eq!(
            derived_rag(ActionStatus::NotStarted, set, target, today),
            Rag::Green
        );
        // 29 days left: outside the 28-day window, and 29% of the time left: green.
        let today = target - chrono::Duration::days(29);
        assert_eq!(
            derived_rag(ActionStatus::NotStarted, set, target, today),
            Rag::Green
        );
        // A year-long action not started with 60 of 365 days left (16%): amber.
        let target = set + chrono::Duration::days(365);
        let today = target - chrono::Duration::days(60);
        assert_eq!(
            derived_rag(ActionStatus::NotStarted, set, target, today),
            Rag::Amber
        );
        // The same action in progress is on track.
        assert_eq!(
            derived_rag(ActionStatus::InProgress, set, target, today),
            Rag::Green
        );
    }

    #[test]
    fn an_override_shows_while_open_only() {
        assert_eq!(
            effective_rag(ActionStatus::InProgress, Rag::Green, Some(Rag::Red)),
            Rag::Red
        );
        assert_eq!(
            effective_rag(ActionStatus::InProgress, Rag::Amber, None),
            Rag::Amber
        );
        assert_eq!(
            effective_rag(ActionStatus::Completed, Rag::Green, Some(Rag::Red)),
            Rag::Green
        );
    }

    #[test]
    fn an_override_needs_a_reason_and_an_open_action() {
        let problems = check_override(ActionStatus::InProgress, Some(Rag::Red), Some("  "))
            .expect_err("no reason");
        assert_eq!(problems.0[0].field, "reason");
        let problems =
            check_override(ActionStatus::Completed, Some(Rag::Red), None).expect_err("closed");
        let fields: Vec<&str> = problems.0.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["rag", "reason"]);
        assert_eq!(
            check_override(
                ActionStatus::NotStarted,
                Some(Rag::Amber),
                Some(" Staffing ")
            ),
            Ok(Some("Staffing".into()))
        );
        assert_eq!(
            check_override(ActionStatus::Completed, None, None),
            Ok(None)
        );
        assert_eq!(
            check_override(ActionStatus::InProgress, None, Some("Back on track")),
            Ok(Some("Back on track".into()))
        );
    }

    #[test]
    fn overdue_comes_first_then_red_then_the_nearest_date_and_closed_last() {
        use ActionStatus::*;
        let at = |status, overdue, rag, target_on| Attention {
            status,
            overdue,
            rag,
            target_on,
        };
        let mut list = [
            at(Completed, false, Rag::Green, d(2025, 1, 5)),
            at(InProgress, false, Rag::Green, d(2026, 1, 5)),
            at(NotStarted, true, Rag::Red, d(2025, 12, 1)),
            at(InProgress, false, Rag::Amber, d(2026, 2, 1)),
            at(InProgress, false, Rag::Red, d(2026, 6, 1)),
            at(InProgress, true, Rag::Red, d(2025, 11, 1)),
        ];
        list.sort_by(attention_order);
        let order: Vec<NaiveDate> = list.iter().map(|a| a.target_on).collect();
        assert_eq!(
            order,
            [
                d(2025, 11, 1),
                d(2025, 12, 1),
                d(2026, 6, 1),
                d(2026, 2, 1),
                d(2026, 1, 5),
                d(2025, 1, 5),
            ]
        );
    }

    fn status() -> impl Strategy<Value = ActionStatus> {
        (0usize..ActionStatus::ALL.len()).prop_map(|i| ActionStatus::ALL[i])
    }

    proptest! {
        /// Red exactly when overdue; closed actions always green; and for a fixed status,
        /// time passing never makes an open action look better.
        #[test]
        fn rag_follows_the_rule(
            status in status(),
            set in 0i64..2000,
            length in -100i64..1000,
            today in 0i64..3000,
            later in 0i64..400,
        ) {
            let base = d(2020, 1, 1);
            let set_on = base + chrono::Duration::days(set);
            let target_on = set_on + chrono::Duration::days(length);
            let today = base + chrono::Duration::days(today);
            let rag = derived_rag(status, set_on, target_on, today);
            prop_assert_eq!(rag == Rag::Red, is_overdue(status, target_on, today));
            if status.is_closed() {
                prop_assert_eq!(rag, Rag::Green);
                prop_assert!(!is_overdue(status, target_on, today));
            }
            let after = derived_rag(status, set_on, target_on, today + chrono::Duration::days(later));
            prop_assert!(after.severity() >= rag.severity());
            prop_assert_eq!(effective_rag(status, rag, None), rag);
        }
    }
}
