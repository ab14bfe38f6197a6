//! XmR (individuals and moving range) charts with the special-cause rules of NHS England's
//! "Making Data Count":
//!
//! - the mean of the baseline points, their moving ranges (the absolute difference of each
//!   point from the one before) and the mean moving range MR̄;
//! - process limits at mean ± 2.66 × MR̄ (three sigma, sigma estimated as MR̄ / 1.128);
//! - the "near a limit" zone beyond two sigma (mean ± 2 × MR̄ / 1.128, two thirds of the way
//!   to a limit).
//!
//! Special causes, judged for every point against the baseline's mean and limits:
//! - a point outside the process limits;
//! - a shift: a run of [`SpcSettings::shift_run`] (7) or more consecutive points on the same
//!   side of the mean (a point on the mean ends a run);
//! - a trend: a run of [`SpcSettings::trend_run`] (6) or more consecutive points each higher
//!   (or each lower) than the one before (an equal value ends a run);
//! - two out of three consecutive points beyond two sigma on the same side of the mean (the
//!   points beyond two sigma are marked).
//!
//! Each special cause is an improvement or a concern according to the indicator's
//! [`Direction`] (neither when it has none). The indicator's variation is that of its latest
//! point; its assurance compares the target with the process limits.

use super::Direction;
use crate::reviews::vocabulary::vocabulary;

/// Scales the mean moving range to the distance from the mean to a process limit (3 / d2).
pub const LIMIT_FACTOR: f64 = 2.66;
/// d2 for ranges of two points: sigma = MR̄ / d2.
pub const D2: f64 = 1.128;
/// The shortest and longest runs the settings accept.
pub const MIN_RUN: usize = 3;
pub const MAX_RUN: usize = 20;

/// The run lengths of the shift and trend rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpcSettings {
    pub shift_run: usize,
    pub trend_run: usize,
}

impl Default for SpcSettings {
    fn default() -> Self {
        Self {
            shift_run: 7,
            trend_run: 6,
        }
    }
}

/// The centre line, process limits and near-limit lines of an XmR chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub mean: f64,
    pub mean_moving_range: f64,
    /// Upper and lower process limits: mean ± 2.66 × MR̄.
    pub upper: f64,
    pub lower: f64,
    /// Two sigma above and below the mean: mean ± 2 × MR̄ / 1.128.
    pub upper_near: f64,
    pub lower_near: f64,
    /// How many points the limits were computed from.
    pub baseline_points: usize,
}

/// The moving ranges of a series: `|x[i] - x[i-1]|` for each point after the first.
pub fn moving_ranges(values: &[f64]) -> Vec<f64> {
    values.windows(2).map(|w| (w[1] - w[0]).abs()).collect()
}

/// The limits computed from baseline values; `None` with fewer than two values or any value
/// not finite.
pub fn limits(baseline: &[f64]) -> Option<Limits> {
    if baseline.len() < 2 || baseline.iter().any(|v| !v.is_finite()) {
        return None;
    }
    // Summed as differences from the first value, so that a constant baseline's mean is
    // exactly its value (a plain sum can round, and put every point off the mean).
    let first = baseline[0];
    let mean = first + baseline.iter().map(|v| v - first).sum::<f64>() / baseline.len() as f64;
    let mrs = moving_ranges(baseline);
    let mean_mr = mrs.iter().sum::<f64>() / mrs.len() as f64;
    let three_sigma = LIMIT_FACTOR * mean_mr;
    let two_sigma = 2.0 * mean_mr / D2;
    Some(Limits {
        mean,
        mean_moving_range: mean_mr,
        upper: mean + three_sigma,
        lower: mean - three_sigma,
        upper_near: mean + two_sigma,
        lower_near: mean - two_sigma,
        baseline_points: baseline.len(),
    })
}

vocabulary! {
    /// The kinds of special-cause variation.
    SpecialCause {
        OutsideLimits => ("OUTSIDE_LIMITS", "A point outside the process limits"),
        Shift => ("SHIFT", "A shift: a run of points on one side of the mean"),
        Trend => ("TREND", "A trend: a run of points each higher or lower than the last"),
        TwoOfThree => ("TWO_OF_THREE", "Two out of three points near a process limit"),
    }
}

/// Which side of the mean a special cause is on (a rising trend is high).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    High,
    Low,
}

impl Side {
    pub fn opposite(self) -> Self {
        match self {
            Side::High => Side::Low,
            Side::Low => Side::High,
        }
    }
}

/// One special cause a point takes part in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signal {
    pub cause: SpecialCause,
    pub side: Side,
}

/// The special causes of each point of `values`, judged against `limits`.
pub fn signals(values: &[f64], limits: &Limits, settings: &SpcSettings) -> Vec<Vec<Signal>> {
    let n = values.len();
    let mut out: Vec<Vec<Signal>> = vec![Vec::new(); n];
    let mark = |out: &mut Vec<Vec<Signal>>, i: usize, cause, side| {
        let s = Signal { cause, side };
        if !out[i].contains(&s) {
            out[i].push(s);
        }
    };
    // A constant baseline has no spread: there are no limits to be outside and no zone to
    // be near, but a run of points off the mean is still a shift.
    let spread = limits.mean_moving_range > 0.0;

    // Outside the limits.
    if spread {
        for (i, &v) in values.iter().enumerate() {
            if v > limits.upper {
                mark(&mut out, i, SpecialCause::OutsideLimits, Side::High);
            } else if v < limits.lower {
                mark(&mut out, i, SpecialCause::OutsideLimits, Side::Low);
            }
        }
    }

    // Shifts: runs on one side of the mean.
    let side_of = |v: f64| {
        if v > limits.mean {
            Some(Side::High)
        } else if v < limits.mean {
            Some(Side::Low)
        } else {
            None
        }
    };
    let shift_run = settings.shift_run.max(1);
    let mut start = 0;
    while start < n {
        let Some(side) = side_of(values[start]) else {
            start += 1;
            continue;
        };
        let mut end = start + 1;
        while end < n && side_of(values[end]) == Some(side) {
            end += 1;
        }
        if end - start >= shift_run {
            for i in start..end {
                mark(&mut out, i, SpecialCause::Shift, side);
            }
        }
        start = end;
    }

    // Trends: runs of points each strictly higher (or lower) than the one before.
    let trend_run = settings.trend_run.max(2);
    for side in [Side::High, Side::Low] {
        let rising = |a: f64, b: f64| match side {
            Side::High => b > a,
            Side::Low => b < a,
        };
        let mut start = 0;
        while start < n {
            let mut end = start + 1;
            while end < n && rising(values[end - 1], values[end]) {
                end += 1;
            }
            if end - start >= trend_run {
                for i in start..end {
                    mark(&mut out, i, SpecialCause::Trend, side);
                }
            }
            start = end;
        }
    }

    // Two out of three beyond two sigma on the same side.
    if spread && n >= 3 {
        for side in [Side::High, Side::Low] {
            let near = |v: f64| match side {
                Side::High => v > limits.upper_near,
                Side::Low => v < limits.lower_near,
            };
            for w in 0..=n - 3 {
                let hits: Vec<usize> = (w..w + 3).filter(|&i| near(values[i])).collect();
                if hits.len() >= 2 {
                    for i in hits {
                        mark(&mut out, i, SpecialCause::TwoOfThree, side);
                    }
                }
            }
        }
    }
    out
}

vocabulary! {
    /// The variation a point (or an indicator, by its latest point) shows.
    Variation {
        CommonCause => ("COMMON_CAUSE", "Common cause variation"),
        ImprovementHigh => ("IMPROVEMENT_HIGH", "Special cause improvement (higher)"),
        ImprovementLow => ("IMPROVEMENT_LOW", "Special cause improvement (lower)"),
        ConcernHigh => ("CONCERN_HIGH", "Special cause concern (higher)"),
        ConcernLow => ("CONCERN_LOW", "Special cause concern (lower)"),
        NeitherHigh => ("NEITHER_HIGH", "Special cause variation (higher)"),
        NeitherLow => ("NEITHER_LOW", "Special cause variation (lower)"),
    }
}

impl Variation {
    pub fn is_concern(self) -> bool {
        matches!(self, Variation::ConcernHigh | Variation::ConcernLow)
    }
    pub fn is_improvement(self) -> bool {
        matches!(self, Variation::ImprovementHigh | Variation::ImprovementLow)
    }
    pub fn is_special(self) -> bool {
        self != Variation::CommonCause
    }
}

/// Whether a special cause on `side` is an improvement (`Some(true)`), a concern
/// (`Some(false)`) or neither (`None`) for an indicator of `direction`.
pub fn is_improvement(side: Side, direction: Direction) -> Option<bool> {
    match direction {
        Direction::HigherIsBetter => Some(side == Side::High),
        Direction::LowerIsBetter => Some(side == Side::Low),
        Direction::NoDirection => None,
    }
}

/// A point's variation from its special causes: a concern outweighs an improvement (a
/// point can be in a rising trend while below the mean), and the first cause's side decides
/// between two of the same kind.
pub fn point_variation(signals: &[Signal], direction: Direction) -> Variation {
    let classify = |s: &Signal| match (is_improvement(s.side, direction), s.side) {
        (Some(false), Side::High) => Variation::ConcernHigh,
        (Some(false), Side::Low) => Variation::ConcernLow,
        (Some(true), Side::High) => Variation::ImprovementHigh,
        (Some(true), Side::Low) => Variation::ImprovementLow,
        (None, Side::High) => Variation::NeitherHigh,
        (None, Side::Low) => Variation::NeitherLow,
    };
    let all: Vec<Variation> = signals.iter().map(classify).collect();
    all.iter()
        .copied()
        .find(|v| v.is_concern())
        .or_else(|| all.iter().copied().find(|v| v.is_improvement()))
        .or_else(|| all.first().copied())
        .unwrap_or(Variation::CommonCause)
}

vocabulary! {
    /// Whether the process will meet its target.
    Assurance {
        ReliablyMet => ("RELIABLY_MET", "Target reliably met"),
        HitAndMiss => ("HIT_AND_MISS", "Target hit and miss"),
        ReliablyMissed => ("RELIABLY_MISSED", "Target reliably missed"),
        NotAssessed => ("NOT_ASSESSED", "No target assessed"),
    }
}

/// Compares a target with the process limits: reliably met when the whole range of common
/// cause variation is on the passing side of the target (the target is at or beyond the
/// limit on the failing side), reliably missed when it is all on the failing side, hit and
/// miss when the target is between the limits. Not assessed without a target, a direction
/// or limits.
pub fn assurance(limits: Option<&Limits>, target: Option<f64>, direction: Direction) -> Assurance {
    let (Some(l), Some(t)) = (limits, target) else {
        return Assurance::NotAssessed;
    };
    if !t.is_finite() {
        return Assurance::NotAssessed;
    }
    match direction {
        Direction::HigherIsBetter if t <= l.lower => Assurance::ReliablyMet,
        Direction::HigherIsBetter if t > l.upper => Assurance::ReliablyMissed,
        Direction::LowerIsBetter if t >= l.upper => Assurance::ReliablyMet,
        Direction::LowerIsBetter if t < l.lower => Assurance::ReliablyMissed,
        Direction::NoDirection => Assurance::NotAssessed,
        _ => Assurance::HitAndMiss,
    }
}

/// One point of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartPoint {
    pub value: f64,
    pub in_baseline: bool,
    pub signals: Vec<Signal>,
    pub variation: Variation,
}

/// An indicator's XmR chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// `None` when the baseline has fewer than two points.
    pub limits: Option<Limits>,
    pub points: Vec<ChartPoint>,
    /// The latest point's variation.
    pub variation: Variation,
    pub assurance: Assurance,
}

impl Chart {
    /// A hot spot: the latest point shows a concerning special cause, or the target is
    /// reliably missed.
    pub fn is_hot_spot(&self) -> bool {
        self.variation.is_concern() || self.assurance == Assurance::ReliablyMissed
    }
}

/// The chart of `values` (in period order) whose limits come from the points at
/// `baseline` (a range of indexes, clamped to the values; an empty range means all points).
pub fn chart(
    values: &[f64],
    baseline: std::ops::Range<usize>,
    target: Option<f64>,
    direction: Direction,
    settings: &SpcSettings,
) -> Chart {
    let n = values.len();
    let (from, to) = (baseline.start.min(n), baseline.end.min(n));
    let (from, to) = if from >= to { (0, n) } else { (from, to) };
    let lim = limits(&values[from..to]);
    let sig = match &lim {
        Some(l) => signals(values, l, settings),
        None => vec![Vec::new(); n],
    };
    let points: Vec<ChartPoint> = values
        .iter()
        .zip(sig)
        .enumerate()
        .map(|(i, (&value, signals))| ChartPoint {
            value,
            in_baseline: (from..to).contains(&i),
            variation: point_variation(&signals, direction),
            signals,
        })
        .collect();
    Chart {
        variation: points
            .last()
            .map(|p| p.variation)
            .unwrap_or(Variation::CommonCause),
        assurance: assurance(lim.as_ref(), target, direction),
        limits: lim,
        points,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn r2(x: f64) -> f64 {
        (x * 100.0).round() / 100.0
    }

    /// Montgomery, "Introduction to Statistical Quality Control", the viscosity of aircraft
    /// primer paint (15 batches), an individuals chart with limits from the moving range.
    /// By hand: the values sum to 502.85, so the mean is 502.85 / 15 = 33.52; the 14 moving
    /// ranges (0.70, 0.95, 0.19, 0.35, 0.56, 0.34, 0.41, 0.22, 0.29, 0.42, 0.62, 0.54, 0.42,
    /// 0.72) sum to 6.73, so MR̄ = 0.48; UCL = 33.52 + 2.66 × 0.48 = 34.80 and
    /// LCL = 33.52 − 2.66 × 0.48 = 32.24, the published limits. No point is a special cause.
    #[test]
    fn montgomery_paint_viscosity() {
        let v = [
            33.75, 33.05, 34.00, 33.81, 33.46, 34.02, 33.68, 33.27, 33.49, 33.20, 33.62, 33.00,
            33.54, 33.12, 33.84,
        ];
        let l = limits(&v).unwrap();
        assert_eq!(r2(l.mean), 33.52);
        assert_eq!(r2(l.mean_moving_range), 0.48);
        assert_eq!(r2(l.upper), 34.80);
        assert_eq!(r2(l.lower), 32.24);
        let c = chart(
            &v,
            0..v.len(),
            None,
            Direction::NoDirection,
            &SpcSettings::default(),
        );
        assert!(c.points.iter().all(|p| p.signals.is_empty()));
        assert_eq!(c.variation, Variation::CommonCause);
    }

    /// A small worked example by hand: 10, 12, 11, 13, 14. Mean 60 / 5 = 12.00; moving ranges
    /// 2, 1, 2, 1, MR̄ = 1.50; UCL = 12 + 2.66 × 1.5 = 15.99; LCL = 8.01; two sigma is
    /// 2 × 1.5 / 1.128 = 2.66, so the near-limit lines are 14.66 and 9.34.
    #[test]
    fn small_worked_example() {
        let l = limits(&[10.0, 12.0, 11.0, 13.0, 14.0]).unwrap();
        assert_eq!(r2(l.mean), 12.00);
        assert_eq!(r2(l.mean_moving_range), 1.50);
        assert_eq!(r2(l.upper), 15.99);
        assert_eq!(r2(l.lower), 8.01);
        assert_eq!(r2(l.upper_near), 14.66);
        assert_eq!(r2(l.lower_near), 9.34);
    }

    fn causes(c: &Chart, i: usize) -> Vec<SpecialCause> {
        c.points[i].signals.iter().map(|s| s.cause).collect()
    }

    #[test]
    fn each_rule_fires_on_its_own_pattern() {
        let s = SpcSettings::default();
        // Baseline alternating 10, 11: mean 10.5, MR̄ 1, limits 7.84..13.16, near 8.73..12.27.
        let base: Vec<f64> = (0..12).map(|i| 10.0 + (i % 2) as f64).collect();

        let mut v = base.clone();
        v.push(20.0);
        let c = chart(&v, 0..12, None, Direction::HigherIsBetter, &s);
        assert_eq!(causes(&c, 12), [SpecialCause::OutsideLimits]);
        assert_eq!(c.variation, Variation::ImprovementHigh);

        let mut v = base.clone();
        v.extend([10.0, 12.5, 12.6]);
        let c = chart(&v, 0..12, None, Direction::HigherIsBetter, &s);
        assert_eq!(causes(&c, 13), [SpecialCause::TwoOfThree]);
        assert_eq!(causes(&c, 14), [SpecialCause::TwoOfThree]);
        assert!(causes(&c, 12).is_empty());

        // Seven points just below the mean (10.4) is a shift; six is not.
        let mut v = base.clone();
        v.extend([10.4; 6]);
        let c = chart(&v, 0..12, None, Direction::HigherIsBetter, &s);
        assert!(c.points[12..].iter().all(|p| p.signals.is_empty()));
        v.push(10.4);
        let c = chart(&v, 0..12, None, Direction::HigherIsBetter, &s);
        assert!(c.points[12..].iter().all(|p| p.signals
            == [Signal {
                cause: SpecialCause::Shift,
                side: Side::Low
            }]));
        assert_eq!(c.variation, Variation::ConcernLow);

        // Six points each higher than the last is a trend (the base ends on 11.0).
        let mut v = base.clone();
        v.extend([9.0, 9.5, 10.0, 10.4, 10.45, 10.6]);
        let c = chart(&v, 0..12, None, Direction::LowerIsBetter, &s);
        assert!(c.points[12..]
            .iter()
            .all(|p| p.signals.iter().any(|s| s.cause == SpecialCause::Trend)));
        assert_eq!(c.variation, Variation::ConcernHigh);
        // An equal value ends the trend.
        v[15] = 10.0;
        let c = chart(&v, 0..12, None, Direction::LowerIsBetter, &s);
        assert!(c.points[12..].iter().all(|p| p.signals.is_empty()));
    }

    #[test]
    fn run_lengths_are_settings() {
        let base: Vec<f64> = (0..12).map(|i| 10.0 + (i % 2) as f64).collect();
        let mut v = base.clone();
        v.extend([10.6; 5]);
        let strict = chart(
            &v,
            0..12,
            None,
            Direction::HigherIsBetter,
            &SpcSettings::default(),
        );
        assert_eq!(strict.variation, Variation::CommonCause);
        let loose = SpcSettings {
            shift_run: 5,
            trend_run: 6,
        };
        let c = chart(&v, 0..12, None, Direction::HigherIsBetter, &loose);
        assert_eq!(c.variation, Variation::ImprovementHigh);
    }

    #[test]
    fn assurance_compares_the_target_with_the_limits() {
        let l = limits(&[10.0, 12.0, 11.0, 13.0, 14.0]).unwrap(); // 8.01..15.99
        use Assurance::*;
        use Direction::*;
        assert_eq!(assurance(Some(&l), Some(8.0), HigherIsBetter), ReliablyMet);
        assert_eq!(assurance(Some(&l), Some(12.0), HigherIsBetter), HitAndMiss);
        assert_eq!(
            assurance(Some(&l), Some(16.0), HigherIsBetter),
            ReliablyMissed
        );
        assert_eq!(assurance(Some(&l), Some(16.0), LowerIsBetter), ReliablyMet);
        assert_eq!(
            assurance(Some(&l), Some(8.0), LowerIsBetter),
            ReliablyMissed
        );
        assert_eq!(assurance(Some(&l), Some(12.0), NoDirection), NotAssessed);
        assert_eq!(assurance(Some(&l), None, HigherIsBetter), NotAssessed);
        assert_eq!(assurance(None, Some(1.0), HigherIsBetter), NotAssessed);
    }

    #[test]
    fn hot_spots_and_short_series() {
        let c = chart(
            &[5.0],
            0..0,
            Some(3.0),
            Direction::HigherIsBetter,
            &SpcSettings::default(),
        );
        assert!(c.limits.is_none());
        assert_eq!(c.assurance, Assurance::NotAssessed);
        assert!(!c.is_hot_spot());
        let c = chart(
            &[],
            0..0,
            None,
            Direction::HigherIsBetter,
            &SpcSettings::default(),
        );
        assert!(c.points.is_empty());
        // Target beyond the upper limit of a higher-is-better indicator: reliably missed.
        let c = chart(
            &[10.0, 12.0, 11.0, 13.0, 14.0],
            0..5,
            Some(50.0),
            Direction::HigherIsBetter,
            &SpcSettings::default(),
        );
        assert!(c.is_hot_spot());
    }

    fn series() -> impl Strategy<Value = Vec<f64>> {
        prop::collection::vec(-1000.0f64..1000.0, 2..60)
    }

    fn sides(c: &Chart) -> Vec<Vec<(SpecialCause, Side)>> {
        c.points
            .iter()
            .map(|p| p.signals.iter().map(|s| (s.cause, s.side)).collect())
            .collect()
    }

    proptest! {
        #[test]
        fn limits_are_symmetric_about_the_mean(v in series()) {
            let l = limits(&v).unwrap();
            let tol = 1e-9 * (1.0 + l.mean.abs() + l.upper.abs());
            prop_assert!(((l.upper - l.mean) - (l.mean - l.lower)).abs() <= tol);
            prop_assert!(((l.upper_near - l.mean) - (l.mean - l.lower_near)).abs() <= tol);
            prop_assert!(l.lower <= l.lower_near && l.lower_near <= l.mean);
            prop_assert!(l.mean <= l.upper_near && l.upper_near <= l.upper);
        }

        #[test]
        fn a_constant_series_has_no_special_causes(x in -1e6f64..1e6, n in 2usize..60) {
            let v = vec![x; n];
            let c = chart(&v, 0..n, Some(x), Direction::HigherIsBetter, &SpcSettings::default());
            prop_assert!(c.points.iter().all(|p| p.signals.is_empty()));
            prop_assert_eq!(c.variation, Variation::CommonCause);
        }

        #[test]
        fn adding_a_constant_moves_mean_and_limits_not_signals(
            // Whole numbers, so that adding the constant is exact and no comparison with the
            // mean is decided by rounding.
            v in prop::collection::vec(-1000i32..1000, 2..60),
            k in -10000i32..10000,
            b in 2usize..30,
        ) {
            let v: Vec<f64> = v.into_iter().map(f64::from).collect();
            let moved: Vec<f64> = v.iter().map(|x| x + k as f64).collect();
            let s = SpcSettings::default();
            let a = chart(&v, 0..b, None, Direction::HigherIsBetter, &s);
            let m = chart(&moved, 0..b, None, Direction::HigherIsBetter, &s);
            let (la, lm) = (a.limits.unwrap(), m.limits.unwrap());
            prop_assert!((lm.mean - la.mean - k as f64).abs() < 1e-6);
            prop_assert!((lm.upper - la.upper - k as f64).abs() < 1e-6);
            prop_assert!((lm.lower - la.lower - k as f64).abs() < 1e-6);
            prop_assert!((lm.mean_moving_range - la.mean_moving_range).abs() < 1e-6);
            // The mean of whole numbers can still round differently after a shift: compare
            // only when no point sits within rounding distance of a line.
            let close = |x: f64, l: &Limits| {
                [l.mean, l.upper, l.lower, l.upper_near, l.lower_near]
                    .iter()
                    .any(|y| (x - y).abs() < 1e-6)
            };
            prop_assume!(!v.iter().any(|&x| close(x, &la)));
            prop_assert_eq!(sides(&a), sides(&m));
        }

        #[test]
        fn reversing_the_direction_swaps_improvement_and_concern(v in series(), b in 2usize..30) {
            let s = SpcSettings::default();
            let up = chart(&v, 0..b, None, Direction::HigherIsBetter, &s);
            let down = chart(&v, 0..b, None, Direction::LowerIsBetter, &s);
            for (p, q) in up.points.iter().zip(&down.points) {
                prop_assert_eq!(&p.signals, &q.signals);
                for sig in &p.signals {
                    prop_assert_eq!(
                        is_improvement(sig.side, Direction::HigherIsBetter),
                        is_improvement(sig.side, Direction::LowerIsBetter).map(|b| !b)
                    );
                }
                // A point with causes on one side only swaps improvement for concern.
                let one_side = p.signals.windows(2).all(|w| w[0].side == w[1].side);
                if one_side {
                    let swapped = match p.variation {
                        Variation::ImprovementHigh => Variation::ConcernHigh,
                        Variation::ImprovementLow => Variation::ConcernLow,
                        Variation::ConcernHigh => Variation::ImprovementHigh,
                        Variation::ConcernLow => Variation::ImprovementLow,
                        other => other,
                    };
                    prop_assert_eq!(q.variation, swapped);
                }
            }
            let neither = chart(&v, 0..b, None, Direction::NoDirection, &s);
            prop_assert!(neither.points.iter().all(|p| !p.variation.is_concern() && !p.variation.is_improvement()));
        }

        #[test]
        fn signals_never_panic_and_match_the_points(v in prop::collection::vec(-1e12f64..1e12, 0..80), b0 in 0usize..90, b1 in 0usize..90) {
            let c = chart(&v, b0..b1, Some(0.0), Direction::LowerIsBetter, &SpcSettings { shift_run: 3, trend_run: 3 });
            prop_assert_eq!(c.points.len(), v.len());
        }
    }
}
