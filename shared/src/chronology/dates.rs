//! Dates and times as agencies write them in chronologies: a day, a month or only a year,
//! possibly marked uncertain with a leading `?`. The precision and the uncertainty are kept;
//! a day is never invented. Imprecise dates sort at the start of their period.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;

/// How precisely a date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(
    feature = "graphql",
    derive(async_graphql::Enum),
    graphql(name = "DatePrecision")
)]
pub enum Precision {
    Day,
    Month,
    Year,
}

/// A date known to the day, the month or the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PartialDate {
    /// The first day of the period the date names.
    start: NaiveDate,
    pub precision: Precision,
    pub uncertain: bool,
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month_number(word: &str) -> Option<u32> {
    let word = word.trim_end_matches('.').to_lowercase();
    if word.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| {
            *m == word
                || (word.len() == 3 && m.starts_with(&word))
                || (word == "sept" && *m == "september")
        })
        .and_then(|i| u32::try_from(i + 1).ok())
}

fn year(text: &str) -> Option<i32> {
    (text.len() == 4 && text.chars().all(|c| c.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
        .filter(|y| (1900..=2100).contains(y))
}

fn number(text: &str, max_len: usize) -> Option<u32> {
    (!text.is_empty() && text.len() <= max_len && text.chars().all(|c| c.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

impl PartialDate {
    pub fn day(date: NaiveDate) -> Self {
        Self {
            start: date,
            precision: Precision::Day,
            uncertain: false,
        }
    }

    pub fn month(year: i32, month: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month, 1).map(|start| Self {
            start,
            precision: Precision::Month,
            uncertain: false,
        })
    }

    pub fn year(year: i32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, 1, 1).map(|start| Self {
            start,
            precision: Precision::Year,
            uncertain: false,
        })
    }

    pub fn with_uncertainty(self, uncertain: bool) -> Self {
        Self { uncertain, ..self }
    }

    /// Parses `22/05/2016`, `22/5/2016`, `2016-05-22`, `22 May 2016`, `22 Nov 2015`,
    /// `22 November 2015`, `May 2016`, `2016`, each optionally led by `?` (uncertain).
    pub fn parse(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        let (uncertain, rest) = match trimmed.strip_prefix('?') {
            Some(rest) => (true, rest.trim_start()),
            None => (false, trimmed),
        };
        if rest.is_empty() {
            return Err("is empty".into());
        }
        let not_a_date = || {
            format!(
                "\"{}\" is not a date: use 22/05/2016, 22 May 2016, May 2016 or 2016",
                text.trim()
            )
        };
        let invalid = |d: u32, m: u32, y: i32| format!("{d}/{m}/{y} is not a day of the calendar");
        let parsed = if let Some(y) = year(rest) {
            Self::year(y)
        } else if rest.contains('/') {
            let parts: Vec<&str> = rest.split('/').collect();
            match parts.as_slice() {
                [d, m, y] => match (number(d, 2), number(m, 2), year(y)) {
                    (Some(d), Some(m), Some(y)) => Some(
                        NaiveDate::from_ymd_opt(y, m, d)
                            .map(Self::day)
                            .ok_or_else(|| invalid(d, m, y))?,
                    ),
                    _ => None,
                },
                _ => None,
            }
        } else if rest.contains('-') {
            let parts: Vec<&str> = rest.split('-').collect();
            match parts.as_slice() {
                [y, m, d] => match (year(y), number(m, 2), number(d, 2)) {
                    (Some(y), Some(m), Some(d)) => Some(
                        NaiveDate::from_ymd_opt(y, m, d)
                            .map(Self::day)
                            .ok_or_else(|| invalid(d, m, y))?,
                    ),
                    _ => None,
                },
                _ => None,
            }
        } else {
            let words: Vec<&str> = rest.split_whitespace().collect();
            match words.as_slice() {
                [m, y] => match (month_number(m), year(y)) {
                    (Some(m), Some(y)) => Self::month(y, m),
                    _ => None,
                },
                [d, m, y] => match (
                    number(d.trim_end_matches(|c: char| c.is_ascii_alphabetic()), 2),
                    month_number(m),
                    year(y),
                ) {
                    (Some(d), Some(m), Some(y)) => Some(
                        NaiveDate::from_ymd_opt(y, m, d)
                            .map(Self::day)
                            .ok_or_else(|| invalid(d, m, y))?,
                    ),
                    _ => None,
                },
                _ => None,
            }
        };
        parsed
            .map(|d| d.with_uncertainty(uncertain))
            .ok_or_else(not_a_date)
    }

    /// The first day of the period (where the date sorts).
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// The last day of the period.
    pub fn end(&self) -> NaiveDate {
        let next = match self.precision {
            Precision::Day => return self.start,
            Precision::Month => self.start.checked_add_months(chrono::Months::new(1)),
            Precision::Year => self.start.checked_add_months(chrono::Months::new(12)),
        };
        next.and_then(|n| n.pred_opt()).unwrap_or(self.start)
    }
}

impl Ord for PartialDate {
    /// By the start of the period; a whole month or year before the days in it.
    fn cmp(&self, other: &Self) -> Ordering {
        (
            self.start,
            std::cmp::Reverse(self.precision),
            self.uncertain,
        )
            .cmp(&(
                other.start,
                std::cmp::Reverse(other.precision),
                other.uncertain,
            ))
    }
}

impl PartialOrd for PartialDate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for PartialDate {
    /// As entered: "22 May 2016", "May 2016" or "2016", led by "? " when uncertain.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.uncertain {
            write!(f, "? ")?;
        }
        let month = MONTHS[self.start.month0() as usize];
        let month = format!("{}{}", month[..1].to_uppercase(), &month[1..]);
        match self.precision {
            Precision::Day => write!(f, "{} {} {}", self.start.day(), month, self.start.year()),
            Precision::Month => write!(f, "{} {}", month, self.start.year()),
            Precision::Year => write!(f, "{}", self.start.year()),
        }
    }
}

/// A time of day to the minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TimeOfDay {
    pub hour: u8,
    pub minute: u8,
}

impl TimeOfDay {
    /// Parses `14:30`, `1430`, `2.30pm`, `2pm`, `2:30 PM`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let lower = text.trim().to_lowercase().replace(' ', "");
        let bad = || {
            format!(
                "\"{}\" is not a time: use 14:30, 1430 or 2.30pm",
                text.trim()
            )
        };
        let (clock, meridiem) = if let Some(t) = lower.strip_suffix("am") {
            (t, Some(false))
        } else if let Some(t) = lower.strip_suffix("pm") {
            (t, Some(true))
        } else {
            (lower.as_str(), None)
        };
        let (h, m) = match clock.split_once([':', '.']) {
            Some((h, m)) if m.len() == 2 => (number(h, 2), number(m, 2)),
            Some(_) => (None, None),
            None if meridiem.is_none() && clock.len() == 4 => {
                (number(&clock[..2], 2), number(&clock[2..], 2))
            }
            None if meridiem.is_some() => (number(clock, 2), Some(0)),
            None => (None, None),
        };
        let (Some(mut h), Some(m)) = (h, m) else {
            return Err(bad());
        };
        match meridiem {
            Some(pm) if (1..=12).contains(&h) => {
                h = match (pm, h) {
                    (false, 12) => 0,
                    (true, 12) => 12,
                    (true, h) => h + 12,
                    (false, h) => h,
                }
            }
            Some(_) => return Err(bad()),
            None => {}
        }
        if h > 23 || m > 59 {
            return Err(bad());
        }
        Ok(Self {
            hour: h as u8,
            minute: m as u8,
        })
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    #[test]
    fn every_accepted_date_form() {
        let cases = [
            ("22/05/2016", d(2016, 5, 22), Precision::Day, false),
            ("22/5/2016", d(2016, 5, 22), Precision::Day, false),
            ("2016-05-22", d(2016, 5, 22), Precision::Day, false),
            ("22 May 2016", d(2016, 5, 22), Precision::Day, false),
            ("22 Nov 2015", d(2015, 11, 22), Precision::Day, false),
            ("22 November 2015", d(2015, 11, 22), Precision::Day, false),
            ("May 2016", d(2016, 5, 1), Precision::Month, false),
            ("March 2016", d(2016, 3, 1), Precision::Month, false),
            ("2016", d(2016, 1, 1), Precision::Year, false),
            ("?22/05/2016", d(2016, 5, 22), Precision::Day, true),
            ("? May 2016", d(2016, 5, 1), Precision::Month, true),
            ("?2016", d(2016, 1, 1), Precision::Year, true),
        ];
        for (text, start, precision, uncertain) in cases {
            let parsed = PartialDate::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(
                (parsed.start(), parsed.precision, parsed.uncertain),
                (start, precision, uncertain),
                "{text}"
            );
        }
    }

    #[test]
    fn bad_dates_say_why() {
        for bad in [
            "",
            "?",
            "31/02/2016",
            "2016-13-01",
            "Someday 2016",
            "22/05/16",
            "1850",
            "tomorrow",
        ] {
            let err = PartialDate::parse(bad).expect_err(bad);
            assert!(!err.is_empty());
        }
        assert!(PartialDate::parse("31/02/2016")
            .expect_err("no such day")
            .contains("not a day"));
    }

    #[test]
    fn shown_as_entered_never_a_made_up_day() {
        assert_eq!(
            PartialDate::parse("May 2016").expect("ok").to_string(),
            "May 2016"
        );
        assert_eq!(
            PartialDate::parse("?2016").expect("ok").to_string(),
            "? 2016"
        );
        assert_eq!(
            PartialDate::parse("2016-05-02").expect("ok").to_string(),
            "2 May 2016"
        );
    }

    #[test]
    fn periods_and_ordering() {
        let may = PartialDate::parse("May 2016").expect("ok");
        assert_eq!(may.end(), d(2016, 5, 31));
        assert_eq!(
            PartialDate::parse("2016").expect("ok").end(),
            d(2016, 12, 31)
        );
        let first = PartialDate::parse("1 May 2016").expect("ok");
        assert!(may < first, "a month sorts at its start, before its days");
        assert!(first < PartialDate::parse("2 May 2016").expect("ok"));
    }

    #[test]
    fn times() {
        for (text, h, m) in [
            ("14:30", 14, 30),
            ("1430", 14, 30),
            ("2.30pm", 14, 30),
            ("2pm", 14, 0),
            ("12.05am", 0, 5),
            ("12:00 PM", 12, 0),
            ("09:05", 9, 5),
        ] {
            assert_eq!(
                TimeOfDay::parse(text),
                Ok(TimeOfDay { hour: h, minute: m }),
                "{text}"
            );
        }
        for bad in ["25:00", "2.3pm", "13pm", "noon", "", "14:60"] {
            assert!(TimeOfDay::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(TimeOfDay::parse("2.30pm").expect("ok").to_string(), "14:30");
    }
}
