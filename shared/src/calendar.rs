//! Calendar arithmetic for statutory clocks: calendar months (clamped at month ends),
//! calendar days, and working days that skip weekends and bank holidays.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How a clock's period is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PeriodUnit {
    CalendarDays,
    CalendarMonths,
    WorkingDays,
}

impl PeriodUnit {
    pub const ALL: [PeriodUnit; 3] = [
        PeriodUnit::CalendarDays,
        PeriodUnit::CalendarMonths,
        PeriodUnit::WorkingDays,
    ];

    /// The code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            PeriodUnit::CalendarDays => "calendar_days",
            PeriodUnit::CalendarMonths => "calendar_months",
            PeriodUnit::WorkingDays => "working_days",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|u| u.code() == code)
    }

    pub fn describe(self, amount: u32) -> String {
        let unit = match (self, amount) {
            (PeriodUnit::CalendarDays, 1) => "day",
            (PeriodUnit::CalendarDays, _) => "days",
            (PeriodUnit::CalendarMonths, 1) => "month",
            (PeriodUnit::CalendarMonths, _) => "months",
            (PeriodUnit::WorkingDays, 1) => "working day",
            (PeriodUnit::WorkingDays, _) => "working days",
        };
        format!("{amount} {unit}")
    }
}

/// Days on which no working-day clock runs, besides weekends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BankHolidays(BTreeSet<NaiveDate>);

impl BankHolidays {
    pub fn new(days: impl IntoIterator<Item = NaiveDate>) -> Self {
        Self(days.into_iter().collect())
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.0.contains(&day)
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.contains(day)
    }
}

/// `start` plus `months` calendar months; a day that does not exist in the target month
/// becomes that month's last day (31 January + 1 month = 28 or 29 February).
pub fn add_months(start: NaiveDate, months: u32) -> NaiveDate {
    start
        .checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

pub fn add_days(start: NaiveDate, days: u32) -> NaiveDate {
    start
        .checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MAX)
}

/// The `n`th working day after `start` (the start day itself does not count).
pub fn add_working_days(start: NaiveDate, n: u32, holidays: &BankHolidays) -> NaiveDate {
    let mut day = start;
    let mut counted = 0;
    while counted < n {
        day = match day.succ_opt() {
            Some(next) => next,
            None => return NaiveDate::MAX,
        };
        if holidays.is_working_day(day) {
            counted += 1;
        }
    }
    day
}

/// The end of a period of `amount` `unit`s that starts on `start`.
pub fn period_end(
    start: NaiveDate,
    amount: u32,
    unit: PeriodUnit,
    holidays: &BankHolidays,
) -> NaiveDate {
    match unit {
        PeriodUnit::CalendarDays => add_days(start, amount),
        PeriodUnit::CalendarMonths => add_months(start, amount),
        PeriodUnit::WorkingDays => add_working_days(start, amount, holidays),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    /// The England bank holidays these tests cross (the full list is seeded as data).
    fn england() -> BankHolidays {
        BankHolidays::new([
            d(2026, 4, 3),
            d(2026, 4, 6),
            d(2026, 12, 25),
            d(2026, 12, 28),
            d(2027, 1, 1),
        ])
    }

    #[test]
    fn month_end_clamps() {
        assert_eq!(add_months(d(2015, 1, 31), 1), d(2015, 2, 28));
        assert_eq!(add_months(d(2016, 1, 31), 1), d(2016, 2, 29), "leap year");
        assert_eq!(add_months(d(2016, 3, 31), 1), d(2016, 4, 30));
        assert_eq!(add_months(d(2016, 8, 31), 6), d(2017, 2, 28));
        assert_eq!(
            add_months(d(2019, 8, 31), 6),
            d(2020, 2, 29),
            "into a leap February"
        );
        assert_eq!(add_months(d(2016, 5, 22), 1), d(2016, 6, 22));
    }

    #[test]
    fn leap_day_plus_twelve_months() {
        assert_eq!(add_months(d(2016, 2, 29), 12), d(2017, 2, 28));
        assert_eq!(add_days(d(2016, 2, 15), 14), d(2016, 2, 29));
    }

    #[test]
    fn working_days_skip_weekends() {
        // Friday 6 Nov 2026 + 5 working days = Friday 13 Nov 2026.
        assert_eq!(
            add_working_days(d(2026, 11, 6), 5, &england()),
            d(2026, 11, 13)
        );
        // From a Saturday the first working day is Monday.
        assert_eq!(
            add_working_days(d(2026, 11, 7), 1, &england()),
            d(2026, 11, 9)
        );
    }

    #[test]
    fn working_days_skip_easter_and_christmas() {
        // Thursday 2 April 2026, then Good Friday 3rd and Easter Monday 6th are holidays.
        assert_eq!(
            add_working_days(d(2026, 4, 2), 1, &england()),
            d(2026, 4, 7)
        );
        assert_eq!(
            add_working_days(d(2026, 4, 2), 5, &england()),
            d(2026, 4, 13)
        );
        // Thursday 24 Dec 2026: Christmas Friday, weekend, Boxing Day substitute Monday 28th.
        assert_eq!(
            add_working_days(d(2026, 12, 24), 1, &england()),
            d(2026, 12, 29)
        );
        // Across the new year: 31 Dec 2026 (Thu) + 1 = Mon 4 Jan 2027 (1 Jan is a holiday).
        assert_eq!(
            add_working_days(d(2026, 12, 31), 1, &england()),
            d(2027, 1, 4)
        );
        // Fifteen working days from 21 Dec 2026 crosses three holidays.
        assert_eq!(
            add_working_days(d(2026, 12, 21), 15, &england()),
            d(2027, 1, 14)
        );
    }

    #[test]
    fn working_days_without_holidays_differ() {
        let none = BankHolidays::default();
        assert_eq!(add_working_days(d(2026, 4, 2), 1, &none), d(2026, 4, 3));
    }

    #[test]
    fn period_units_round_trip() {
        for unit in PeriodUnit::ALL {
            assert_eq!(PeriodUnit::from_code(unit.code()), Some(unit));
        }
        assert_eq!(PeriodUnit::WorkingDays.describe(5), "5 working days");
        assert_eq!(PeriodUnit::CalendarMonths.describe(1), "1 month");
    }
}
