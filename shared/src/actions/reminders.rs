//! Reminders: which reminder an action owes today. An open action whose target date is
//! within the configured number of days (today up to and including the target date) is
//! **due soon**; one whose target date has passed is **overdue** (see [`is_overdue`]). A
//! closed action owes nothing.

use super::rag::is_overdue;
use super::vocabulary::ActionStatus;
use crate::reviews::vocabulary::vocabulary;
use chrono::NaiveDate;

/// How many days before its target date an action is due soon, unless configured.
pub const DEFAULT_REMINDER_DAYS: i64 = 14;

vocabulary! {
    /// Why a person is reminded of an action.
    ReminderKind {
        DueSoon => ("DUE_SOON", "Due soon"),
        Overdue => ("OVERDUE", "Overdue"),
    }
}

/// The reminder an action owes today, if any.
pub fn reminder_due(
    status: ActionStatus,
    target_on: NaiveDate,
    today: NaiveDate,
    days_before: i64,
) -> Option<ReminderKind> {
    if status.is_closed() {
        return None;
    }
    if is_overdue(status, target_on, today) {
        return Some(ReminderKind::Overdue);
    }
    ((target_on - today).num_days() <= days_before).then_some(ReminderKind::DueSoon)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    #[test]
    fn due_soon_within_the_window_and_overdue_after_the_target() {
        let today = d(2026, 3, 1);
        let open = ActionStatus::InProgress;
        assert_eq!(
            reminder_due(open, d(2026, 3, 15), today, 14),
            Some(ReminderKind::DueSoon)
        );
        assert_eq!(
            reminder_due(open, today, today, 14),
            Some(ReminderKind::DueSoon)
        );
        assert_eq!(reminder_due(open, d(2026, 3, 16), today, 14), None);
        assert_eq!(
            reminder_due(open, d(2026, 2, 28), today, 14),
            Some(ReminderKind::Overdue)
        );
        assert_eq!(
            reminder_due(ActionStatus::NotStarted, d(2026, 3, 20), today, 30),
            Some(ReminderKind::DueSoon)
        );
    }

    #[test]
    fn closed_actions_owe_nothing() {
        let today = d(2026, 3, 1);
        for s in [ActionStatus::Completed, ActionStatus::ImpactEvidenced] {
            assert_eq!(reminder_due(s, d(2026, 2, 1), today, 14), None);
            assert_eq!(reminder_due(s, d(2026, 3, 2), today, 14), None);
        }
    }
}
