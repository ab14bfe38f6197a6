//! The partnership's performance dataset: indicators as data, their reporting periods, and
//! the statistical process control (XmR) of their values with the special-cause rules of
//! the NHS's "Making Data Count" approach (see [`spc`]).
//!
//! Pure rules only: the server stores indicators and values and calls [`spc::chart`]; the
//! browser draws what it returns and validates inputs with the same functions.

pub mod spc;

use crate::reviews::vocabulary::vocabulary;

/// The longest indicator name.
pub const MAX_NAME_CHARS: usize = 200;
/// The longest definition or unit text.
pub const MAX_DEFINITION_CHARS: usize = 4000;
pub const MAX_UNIT_CHARS: usize = 40;
/// The most values one indicator keeps (20 years of months).
pub const MAX_VALUES_PER_INDICATOR: usize = 240;

vocabulary! {
    /// Which way an indicator should move.
    Direction {
        HigherIsBetter => ("HIGHER_IS_BETTER", "Higher is better"),
        LowerIsBetter => ("LOWER_IS_BETTER", "Lower is better"),
        NoDirection => ("NO_DIRECTION", "Neither higher nor lower is better"),
    }
}

vocabulary! {
    /// How often an indicator is reported.
    ReportingPeriod {
        Month => ("MONTH", "Monthly"),
        Quarter => ("QUARTER", "Quarterly"),
    }
}

/// A period key's year and its month (1–12) or quarter (1–4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PeriodKey {
    pub year: i32,
    /// The month (1–12) of a monthly key, the quarter (1–4) of a quarterly one.
    pub part: u32,
}

impl ReportingPeriod {
    /// Reads a period key: `2026-03` for a month, `2026-Q1` for a quarter (years 1900–2200).
    pub fn parse(self, key: &str) -> Result<PeriodKey, String> {
        let example = match self {
            ReportingPeriod::Month => "a month written like 2026-03",
            ReportingPeriod::Quarter => "a quarter written like 2026-Q1",
        };
        let bad = || format!("'{}' is not {example}", truncate(key, 20));
        let (year, rest) = key.split_once('-').ok_or_else(bad)?;
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        if !(1900..=2200).contains(&year) {
            return Err(bad());
        }
        let part = match self {
            ReportingPeriod::Month => {
                if rest.len() != 2 || !rest.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad());
                }
                let m: u32 = rest.parse().map_err(|_| bad())?;
                if !(1..=12).contains(&m) {
                    return Err(bad());
                }
                m
            }
            ReportingPeriod::Quarter => {
                let q = rest.strip_prefix('Q').ok_or_else(bad)?;
                if q.len() != 1 {
                    return Err(bad());
                }
                let q: u32 = q.parse().map_err(|_| bad())?;
                if !(1..=4).contains(&q) {
                    return Err(bad());
                }
                q
            }
        };
        Ok(PeriodKey { year, part })
    }

    /// The canonical key of a period.
    pub fn key(self, p: PeriodKey) -> String {
        match self {
            ReportingPeriod::Month => format!("{:04}-{:02}", p.year, p.part),
            ReportingPeriod::Quarter => format!("{:04}-Q{}", p.year, p.part),
        }
    }

    /// The period after `p`.
    pub fn next(self, p: PeriodKey) -> PeriodKey {
        let last = match self {
            ReportingPeriod::Month => 12,
            ReportingPeriod::Quarter => 4,
        };
        if p.part >= last {
            PeriodKey {
                year: p.year + 1,
                part: 1,
            }
        } else {
            PeriodKey {
                year: p.year,
                part: p.part + 1,
            }
        }
    }

    /// What people call a period: "March 2026", "2026 Q1".
    pub fn period_label(self, p: PeriodKey) -> String {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        match self {
            ReportingPeriod::Month => {
                format!("{} {}", MONTHS[(p.part.clamp(1, 12) - 1) as usize], p.year)
            }
            ReportingPeriod::Quarter => format!("{} Q{}", p.year, p.part),
        }
    }
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_keys_are_read_strictly() {
        let m = ReportingPeriod::Month;
        assert_eq!(
            m.parse("2026-03"),
            Ok(PeriodKey {
                year: 2026,
                part: 3
            })
        );
        for bad in [
            "2026-3", "2026-13", "2026-00", "26-03", "2026-Q1", "", "2026-03x", "+026-03",
        ] {
            assert!(m.parse(bad).is_err(), "{bad}");
        }
        let q = ReportingPeriod::Quarter;
        assert_eq!(
            q.parse("2026-Q4"),
            Ok(PeriodKey {
                year: 2026,
                part: 4
            })
        );
        for bad in ["2026-Q5", "2026-Q0", "2026-q1", "2026-03", "2026-Q11"] {
            assert!(q.parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn keys_round_trip_sort_and_follow() {
        let m = ReportingPeriod::Month;
        let p = m.parse("2025-12").unwrap();
        assert_eq!(m.key(m.next(p)), "2026-01");
        assert_eq!(m.period_label(p), "December 2025");
        let q = ReportingPeriod::Quarter;
        let p = q.parse("2025-Q4").unwrap();
        assert_eq!(q.key(q.next(p)), "2026-Q1");
        assert_eq!(q.period_label(p), "2025 Q4");
        // Canonical keys sort as text in time order.
        let mut keys = vec!["2026-01", "2025-12", "2025-02"];
        keys.sort();
        assert_eq!(keys, ["2025-02", "2025-12", "2026-01"]);
    }
}
