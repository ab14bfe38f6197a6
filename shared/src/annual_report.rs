//! The learning and improvement section of the partnership's annual report: every figure
//! is computed by the server from the platform's data for a reporting year (April to
//! March); the business office writes the narrative parts, kept per year, before the
//! document is downloaded. The office and the independent chair read it.

use crate::auth::Role;
use crate::reviews::vocabulary::vocabulary;
use crate::Problems;
use chrono::NaiveDate;

/// Who writes the narrative parts.
pub const WRITERS: &[Role] = &[Role::BusinessOffice];
/// Who reads the report and downloads it.
pub const READERS: &[Role] = &[Role::BusinessOffice, Role::IndependentChair];
/// The longest narrative part.
pub const MAX_NARRATIVE: usize = 20_000;
/// The reporting years a report may be for.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

vocabulary! {
    /// The parts of the report the business office writes in its own words.
    NarrativePart {
        Introduction => ("INTRODUCTION", "Introduction"),
        Priorities => ("PRIORITIES", "Priorities for the year ahead"),
    }
}

/// The first and last day of the reporting year that starts in April `year`.
pub fn period(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(year, 4, 1)?,
        NaiveDate::from_ymd_opt(year + 1, 3, 31)?,
    ))
}

/// Checks a reporting year (field `year`).
pub fn check_year(year: i32) -> Result<(NaiveDate, NaiveDate), Problems> {
    match period(year).filter(|_| YEARS.contains(&year)) {
        Some(p) => Ok(p),
        None => Err(Problems::single(
            "year",
            "must be a year between 2000 and 2100",
        )),
    }
}

/// Checks a narrative part's text (field `text`): at most [`MAX_NARRATIVE`] characters,
/// no control characters but line breaks and tabs; empty leaves the part out. Answers it
/// trimmed.
pub fn check_narrative(text: &str) -> Result<String, Problems> {
    let mut p = Problems::new();
    let text = if text.trim().is_empty() {
        String::new()
    } else {
        p.long_text("text", text, MAX_NARRATIVE)
    };
    p.into_result().map(|()| text)
}

/// Whether a date falls in the reporting period `from..=to`.
pub fn within(on: NaiveDate, (from, to): (NaiveDate, NaiveDate)) -> bool {
    from <= on && on <= to
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reporting_year_runs_from_april_to_march() {
        let (from, to) = check_year(2026).expect("year");
        assert_eq!(from.to_string(), "2026-04-01");
        assert_eq!(to.to_string(), "2027-03-31");
        assert!(within(
            NaiveDate::from_ymd_opt(2027, 3, 31).expect("d"),
            (from, to)
        ));
        assert!(!within(
            NaiveDate::from_ymd_opt(2026, 3, 31).expect("d"),
            (from, to)
        ));
        assert_eq!(check_year(1999).expect_err("bad").0[0].field, "year");
    }

    #[test]
    fn a_narrative_is_bounded_and_may_be_empty() {
        assert_eq!(check_narrative("  Our year. "), Ok("Our year.".to_owned()));
        assert_eq!(check_narrative(" "), Ok(String::new()));
        assert!(check_narrative(&"x".repeat(MAX_NARRATIVE + 1)).is_err());
        assert!(check_narrative("a\u{7}b").is_err());
        assert!(check_narrative("line\nline").is_ok());
    }
}
