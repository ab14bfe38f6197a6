//! The partnership's performance dataset: indicators as data, their reporting periods, and
//! the statistical process control (XmR) of their values with the special-cause rules of
//! the NHS's "Making Data Count" approach (see [`spc`]).
//!
//! Pure rules only: the server stores indicators and values and calls [`spc::chart`]; the
//! browser draws what it returns and validates inputs with the same functions.

pub mod import;
pub mod spc;

use crate::reviews::vocabulary::vocabulary;
use crate::Problems;
use spc::{Chart, SpcSettings, MAX_RUN, MIN_RUN};

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

/// An indicator as the office writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorDraft {
    pub name: String,
    pub definition: String,
    /// What a value counts: "%", "days", "children". May be empty.
    pub unit: String,
    pub direction: Direction,
    pub target: Option<f64>,
    pub period: ReportingPeriod,
    /// The owning agency; `None` for a partnership-wide indicator.
    pub agency_id: Option<String>,
    /// Period keys of the first and last points of the baseline the limits come from
    /// (`None`: from the first point, to the last).
    pub baseline_from: Option<String>,
    pub baseline_to: Option<String>,
    pub shift_run: i32,
    pub trend_run: i32,
}

impl IndicatorDraft {
    /// Checks every field, naming each one with a problem; trims the texts and writes the
    /// baseline keys canonically.
    pub fn validate(mut self) -> Result<Self, Problems> {
        let mut p = Problems::new();
        self.name = p.text("name", &self.name, MAX_NAME_CHARS);
        self.definition = p.long_text("definition", &self.definition, MAX_DEFINITION_CHARS);
        let unit = self.unit.trim();
        if unit.chars().count() > MAX_UNIT_CHARS {
            p.push(
                "unit",
                format!("must be at most {MAX_UNIT_CHARS} characters"),
            );
        } else if unit.chars().any(char::is_control) {
            p.push("unit", "must not contain control characters");
        }
        self.unit = unit.to_owned();
        if let Some(t) = self.target {
            if !t.is_finite() {
                p.push("target", "must be a number");
            }
        }
        let mut keys = [None, None];
        for (i, (field, key)) in [
            ("baselineFrom", &mut self.baseline_from),
            ("baselineTo", &mut self.baseline_to),
        ]
        .into_iter()
        .enumerate()
        {
            if let Some(k) = key.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
                match self.period.parse(k) {
                    Ok(parsed) => {
                        keys[i] = Some(parsed);
                        *key = Some(self.period.key(parsed));
                    }
                    Err(message) => p.push(field, message),
                }
            } else {
                *key = None;
            }
        }
        if let [Some(from), Some(to)] = keys {
            if to < from {
                p.push(
                    "baselineTo",
                    "must not be before the baseline's first period",
                );
            }
        }
        for (field, run) in [("shiftRun", self.shift_run), ("trendRun", self.trend_run)] {
            if !(MIN_RUN as i32..=MAX_RUN as i32).contains(&run) {
                p.push(field, format!("must be from {MIN_RUN} to {MAX_RUN} points"));
            }
        }
        p.into_result().map(|()| self)
    }
}

/// Checks a value and its period for an indicator of `period`: the canonical key, or the
/// problems naming `period` and `value`.
pub fn check_value(period: ReportingPeriod, key: &str, value: f64) -> Result<String, Problems> {
    let mut p = Problems::new();
    let key = match period.parse(key.trim()) {
        Ok(k) => Some(period.key(k)),
        Err(message) => {
            p.push("period", message);
            None
        }
    };
    if !value.is_finite() {
        p.push("value", "must be a number");
    } else if value.abs() > 1e12 {
        p.push(
            "value",
            "must be between -1,000,000,000,000 and 1,000,000,000,000",
        );
    }
    p.into_result().map(|()| key.unwrap_or_default())
}

/// The chart of an indicator's values, given as (period key, value) in any order: sorted
/// by period, with the limits from the points between the baseline keys (inclusive; all
/// points when the baseline holds fewer than two).
pub fn indicator_chart(
    values: &[(String, f64)],
    baseline_from: Option<&str>,
    baseline_to: Option<&str>,
    target: Option<f64>,
    direction: Direction,
    settings: &SpcSettings,
) -> (Vec<String>, Chart) {
    let mut sorted: Vec<&(String, f64)> = values.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let keys: Vec<String> = sorted.iter().map(|(k, _)| k.clone()).collect();
    let nums: Vec<f64> = sorted.iter().map(|(_, v)| *v).collect();
    let from = baseline_from
        .map(|f| keys.iter().take_while(|k| k.as_str() < f).count())
        .unwrap_or(0);
    let to = baseline_to
        .map(|t| keys.iter().take_while(|k| k.as_str() <= t).count())
        .unwrap_or(keys.len());
    let range = if to.saturating_sub(from) >= 2 {
        from..to
    } else {
        0..keys.len()
    };
    (keys, spc::chart(&nums, range, target, direction, settings))
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

    fn draft() -> IndicatorDraft {
        IndicatorDraft {
            name: " Re-referrals within 12 months ".into(),
            definition: "Share of referrals".into(),
            unit: "%".into(),
            direction: Direction::LowerIsBetter,
            target: Some(20.0),
            period: ReportingPeriod::Month,
            agency_id: None,
            baseline_from: Some("2024-01".into()),
            baseline_to: Some(" ".into()),
            shift_run: 7,
            trend_run: 6,
        }
    }

    #[test]
    fn drafts_are_checked_field_by_field() {
        let ok = draft().validate().unwrap();
        assert_eq!(ok.name, "Re-referrals within 12 months");
        assert_eq!(ok.baseline_to, None);
        let bad = IndicatorDraft {
            name: "x".repeat(201),
            target: Some(f64::NAN),
            baseline_from: Some("2024-Q1".into()),
            shift_run: 2,
            trend_run: 21,
            ..draft()
        }
        .validate()
        .unwrap_err();
        let fields: Vec<&str> = bad.0.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            ["name", "target", "baselineFrom", "shiftRun", "trendRun"]
        );
        let backwards = IndicatorDraft {
            baseline_from: Some("2024-05".into()),
            baseline_to: Some("2024-01".into()),
            ..draft()
        }
        .validate()
        .unwrap_err();
        assert_eq!(backwards.0[0].field, "baselineTo");
    }

    #[test]
    fn values_are_checked() {
        assert_eq!(
            check_value(ReportingPeriod::Quarter, "2026-Q2", 3.5),
            Ok("2026-Q2".into())
        );
        let e = check_value(ReportingPeriod::Month, "2026-Q2", f64::INFINITY).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["period", "value"]);
    }

    #[test]
    fn the_chart_sorts_by_period_and_uses_the_baseline_keys() {
        let values: Vec<(String, f64)> = (1..=12)
            .rev()
            .map(|m| {
                (
                    format!("2025-{m:02}"),
                    if m <= 6 { 10.0 + (m % 2) as f64 } else { 30.0 },
                )
            })
            .collect();
        let s = SpcSettings::default();
        let (keys, c) = indicator_chart(
            &values,
            Some("2025-01"),
            Some("2025-06"),
            None,
            Direction::HigherIsBetter,
            &s,
        );
        assert_eq!(keys[0], "2025-01");
        assert_eq!(c.limits.unwrap().baseline_points, 6);
        assert!(!c.points[6].in_baseline && c.points[5].in_baseline);
        assert_eq!(c.variation, spc::Variation::ImprovementHigh);
        // A baseline of fewer than two points falls back to all of them.
        let (_, c) = indicator_chart(
            &values,
            Some("2025-12"),
            None,
            None,
            Direction::HigherIsBetter,
            &s,
        );
        assert_eq!(c.limits.unwrap().baseline_points, 12);
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
