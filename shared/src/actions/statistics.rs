//! The numbers behind the action plan's charts: how many actions each owner agency has in
//! each status (and overdue), and how many actions were overdue at the end of each month.
//!
//! Overdue is never stored, so the count on a past day is worked out from what is kept: the
//! day the action was set, its target date, and the day it was first closed (completed or
//! impact evidenced; closed actions do not reopen).

use super::ActionStatus;
use chrono::{Datelike, Months, NaiveDate};

/// What an action's past overdue days are worked out from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionDates {
    pub set_on: NaiveDate,
    pub target_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
}

impl ActionDates {
    /// Whether the action was overdue at the end of `day`: set by then, its target date
    /// passed, and not closed by then. On today it agrees with [`super::is_overdue`].
    pub fn overdue_on(&self, day: NaiveDate) -> bool {
        self.set_on <= day && self.target_on < day && self.closed_on.is_none_or(|c| c > day)
    }
}

/// One point of the overdue line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverduePoint {
    pub on: NaiveDate,
    pub count: usize,
}

/// The last day of each of the `months` months before today's month, then today: how many
/// actions were overdue on each.
pub fn overdue_over_time(
    actions: &[ActionDates],
    today: NaiveDate,
    months: u32,
) -> Vec<OverduePoint> {
    let first_of_month = today.with_day(1).unwrap_or(today);
    let mut days: Vec<NaiveDate> = (1..=months)
        .rev()
        .filter_map(|back| {
            first_of_month
                .checked_sub_months(Months::new(back - 1))
                .and_then(|d| d.pred_opt())
        })
        .collect();
    days.push(today);
    days.dedup();
    days.into_iter()
        .map(|on| OverduePoint {
            on,
            count: actions.iter().filter(|a| a.overdue_on(on)).count(),
        })
        .collect()
}

/// How many actions one owner agency has in each status, and how many are overdue now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusCounts {
    /// Indexed by [`ActionStatus::step`].
    pub by_status: [usize; 4],
    pub overdue: usize,
}

impl StatusCounts {
    pub fn add(&mut self, status: ActionStatus, overdue: bool) {
        self.by_status[usize::from(status.step())] += 1;
        self.overdue += usize::from(overdue);
    }

    pub fn of(&self, status: ActionStatus) -> usize {
        self.by_status[usize::from(status.step())]
    }

    pub fn total(&self) -> usize {
        self.by_status.iter().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::is_overdue;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_line_ends_each_month_and_today() {
        let days: Vec<_> = overdue_over_time(&[], d(2026, 3, 15), 3)
            .into_iter()
            .map(|p| p.on)
            .collect();
        assert_eq!(
            days,
            vec![
                d(2025, 12, 31),
                d(2026, 1, 31),
                d(2026, 2, 28),
                d(2026, 3, 15)
            ]
        );
    }

    #[test]
    fn an_action_is_overdue_from_the_day_after_its_target_until_it_closes() {
        let a = ActionDates {
            set_on: d(2026, 1, 5),
            target_on: d(2026, 1, 31),
            closed_on: Some(d(2026, 3, 10)),
        };
        assert!(!a.overdue_on(d(2026, 1, 31)), "due today is not overdue");
        assert!(a.overdue_on(d(2026, 2, 1)));
        assert!(a.overdue_on(d(2026, 3, 9)));
        assert!(!a.overdue_on(d(2026, 3, 10)), "closed that day");
        let line = overdue_over_time(&[a], d(2026, 3, 20), 3);
        let counts: Vec<_> = line.iter().map(|p| p.count).collect();
        assert_eq!(counts, vec![0, 0, 1, 0]);
    }

    #[test]
    fn not_yet_set_is_not_overdue() {
        let a = ActionDates {
            set_on: d(2026, 2, 10),
            target_on: d(2026, 1, 1),
            closed_on: None,
        };
        assert!(!a.overdue_on(d(2026, 2, 9)));
        assert!(a.overdue_on(d(2026, 2, 10)));
    }

    #[test]
    fn counts_by_status() {
        let mut c = StatusCounts::default();
        c.add(ActionStatus::NotStarted, true);
        c.add(ActionStatus::Completed, false);
        c.add(ActionStatus::Completed, false);
        assert_eq!(c.of(ActionStatus::Completed), 2);
        assert_eq!(c.of(ActionStatus::InProgress), 0);
        assert_eq!((c.total(), c.overdue), (3, 1));
    }

    proptest! {
        /// Today's point agrees with the overdue rule the lists use.
        #[test]
        fn today_agrees_with_the_list_rule(
            set in 0i64..400, target in 0i64..400, closed in proptest::option::of(0i64..400),
            step in 0u8..4,
        ) {
            let base = d(2025, 1, 1);
            let today = d(2026, 2, 1);
            let day = |n: i64| base + chrono::Duration::days(n);
            let set_on = day(set).min(today);
            let status = ActionStatus::ALL[usize::from(step)];
            // Closed actions have a closing day by today; open ones none.
            let closed_on = status.is_closed().then(|| closed.map_or(today, day).clamp(set_on, today));
            let a = ActionDates { set_on, target_on: day(target), closed_on };
            let line = overdue_over_time(&[a], today, 2);
            let last = line.last().unwrap();
            prop_assert_eq!(last.on, today);
            prop_assert_eq!(last.count == 1, is_overdue(status, a.target_on, today));
        }
    }
}
