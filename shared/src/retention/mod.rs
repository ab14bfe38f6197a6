//! Retention: how long each kind of record is kept (set by the business office, stored as
//! rows), and the pure rules of what has expired on a given day and what a legal hold keeps.
//!
//! A review is kept for its kind's period from the day it closed (the chair decided not to
//! initiate it, or it was completed or published, whichever is latest); an open review is
//! never due. Its chronology entries may go sooner, by their own rule. A legal hold on a
//! review keeps the review and everything under it, whatever the rules say. Bulk records
//! (audit log entries, notifications, sessions, sign-in attempts) expire by their timestamp.

use crate::reviews::vocabulary::vocabulary;
use crate::reviews::{ReviewKind, ThresholdDecision};
use crate::Problems;
use chrono::{DateTime, Days, Months, NaiveDate, Utc};

vocabulary! {
    /// What a retention rule applies to.
    RecordKind {
        Review => ("REVIEW", "Reviews and everything under them"),
        ChronologyEntries => ("CHRONOLOGY_ENTRIES", "Chronology entries"),
        AuditLog => ("AUDIT_LOG", "Audit log entries"),
        Notifications => ("NOTIFICATIONS", "Reminder notifications"),
        Sessions => ("SESSIONS", "Sign-in sessions"),
        SignInAttempts => ("SIGN_IN_ATTEMPTS", "Failed sign-in attempts"),
    }
}

vocabulary! {
    /// How a retention period is counted.
    RetentionUnit {
        Days => ("DAYS", "days"),
        Months => ("MONTHS", "months"),
        Forever => ("FOREVER", "kept forever"),
    }
}

impl RecordKind {
    /// From what moment the period is counted, in words.
    pub fn anchor(self) -> &'static str {
        match self {
            RecordKind::Review | RecordKind::ChronologyEntries => {
                "from the day the review closed (decided not to initiate, completed or published, the latest); open reviews are never deleted"
            }
            RecordKind::AuditLog => "from the day the entry was written",
            RecordKind::Notifications => {
                "from the day the reminder was made, once it is read or its action is closed"
            }
            RecordKind::Sessions => "after the session expired",
            RecordKind::SignInAttempts => {
                "after the attempt stops counting towards the sign-in limit (15 minutes)"
            }
        }
    }
}

/// A retention period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Days(u32),
    Months(u32),
    Forever,
}

impl Period {
    pub fn unit(self) -> RetentionUnit {
        match self {
            Period::Days(_) => RetentionUnit::Days,
            Period::Months(_) => RetentionUnit::Months,
            Period::Forever => RetentionUnit::Forever,
        }
    }

    /// The number of days or months; none when kept forever.
    pub fn amount(self) -> Option<u32> {
        match self {
            Period::Days(n) | Period::Months(n) => Some(n),
            Period::Forever => None,
        }
    }

    /// A stored period (unit code and amount); `None` when the pair makes no period.
    pub fn from_parts(unit: &str, amount: Option<i64>) -> Option<Period> {
        let n = || amount.and_then(|a| u32::try_from(a).ok());
        match RetentionUnit::from_code(unit)? {
            RetentionUnit::Days => n().map(Period::Days),
            RetentionUnit::Months => n().map(Period::Months),
            RetentionUnit::Forever => Some(Period::Forever),
        }
    }

    /// In words: "7 years", "18 months", "30 days", "kept forever".
    pub fn describe(self) -> String {
        match self {
            Period::Forever => "kept forever".into(),
            Period::Days(1) => "1 day".into(),
            Period::Days(n) => format!("{n} days"),
            Period::Months(n) if n % 12 == 0 => match n / 12 {
                1 => "1 year".into(),
                y => format!("{y} years"),
            },
            Period::Months(1) => "1 month".into(),
            Period::Months(n) => format!("{n} months"),
        }
    }

    /// The day a record anchored on `from` expires (it is deleted on or after that day);
    /// `None` when kept forever (or past the calendar's end).
    pub fn expires_on(self, from: NaiveDate) -> Option<NaiveDate> {
        match self {
            Period::Days(n) => from.checked_add_days(Days::new(u64::from(n))),
            Period::Months(n) => from.checked_add_months(Months::new(n)),
            Period::Forever => None,
        }
    }

    /// Records stamped before this moment have expired at `now`; `None` when kept forever.
    pub fn cutoff(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Period::Days(n) => now.checked_sub_days(Days::new(u64::from(n))),
            Period::Months(n) => now.checked_sub_months(Months::new(n)),
            Period::Forever => None,
        }
    }
}

/// Which rule: a record kind and, for reviews, their kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RuleKey {
    pub record: RecordKind,
    pub review_kind: Option<ReviewKind>,
}

impl RuleKey {
    pub fn review(kind: ReviewKind) -> Self {
        Self {
            record: RecordKind::Review,
            review_kind: Some(kind),
        }
    }

    pub fn of(record: RecordKind) -> Self {
        Self {
            record,
            review_kind: None,
        }
    }

    /// Every rule there is: one per review kind, then one per other record kind.
    pub fn all() -> Vec<RuleKey> {
        let mut keys: Vec<RuleKey> = ReviewKind::ALL.iter().map(|k| Self::review(*k)).collect();
        keys.extend(
            RecordKind::ALL
                .iter()
                .filter(|r| **r != RecordKind::Review)
                .map(|r| Self::of(*r)),
        );
        keys
    }

    /// The stored key: `REVIEW:SERIOUS_CASE_REVIEW`, `AUDIT_LOG`.
    pub fn code(self) -> String {
        match self.review_kind {
            Some(kind) => format!("{}:{}", self.record.code(), kind.code()),
            None => self.record.code().to_owned(),
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::all().into_iter().find(|k| k.code() == code)
    }

    /// Whether the pair names a rule (a review kind for reviews, and only for them).
    pub fn is_valid(self) -> bool {
        (self.record == RecordKind::Review) == self.review_kind.is_some()
    }

    /// What people call it.
    pub fn label(self) -> String {
        match self.review_kind {
            Some(kind) => kind.label().to_owned(),
            None => self.record.label().to_owned(),
        }
    }
}

/// The periods the business office may choose for a record kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub days: Option<(u32, u32)>,
    pub months: Option<(u32, u32)>,
    pub forever: bool,
}

impl Bounds {
    /// In words, for hints and errors.
    pub fn describe(self) -> String {
        let mut parts = Vec::new();
        if let Some((lo, hi)) = self.days {
            parts.push(format!("{lo} to {hi} days"));
        }
        if let Some((lo, hi)) = self.months {
            parts.push(format!("{lo} to {hi} months"));
        }
        if self.forever {
            parts.push("kept forever".to_owned());
        }
        parts.join(", or ")
    }
}

/// At most 100 years.
pub const MAX_MONTHS: u32 = 1200;

pub fn bounds(record: RecordKind) -> Bounds {
    match record {
        // Case records and the audit trail: at least a year; in months or for good.
        RecordKind::Review | RecordKind::ChronologyEntries | RecordKind::AuditLog => Bounds {
            days: None,
            months: Some((12, MAX_MONTHS)),
            forever: true,
        },
        RecordKind::Notifications => Bounds {
            days: Some((7, 3650)),
            months: Some((1, 120)),
            forever: true,
        },
        // Kept only briefly after they stop being used; never for good.
        RecordKind::Sessions | RecordKind::SignInAttempts => Bounds {
            days: Some((0, 90)),
            months: None,
            forever: false,
        },
    }
}

/// The rules a new database starts with (the migration seeds the same), drawn from common
/// practice of English safeguarding partnerships: serious case reviews and local child
/// safeguarding practice reviews kept for good; other reviews for decades from closure;
/// the agencies' chronologies 25 years (as children's case records); the audit trail seven
/// years; reminders six months; sessions and sign-in attempts not beyond their use.
pub fn defaults() -> Vec<(RuleKey, Period)> {
    RuleKey::all()
        .into_iter()
        .map(|key| {
            let period = match (key.record, key.review_kind) {
                (RecordKind::Review, Some(kind)) => match kind {
                    ReviewKind::SeriousCaseReview => Period::Forever,
                    ReviewKind::RapidReview | ReviewKind::ChildDeathReview => Period::Months(300),
                    ReviewKind::BelowThresholdReview | ReviewKind::SingleAgencyReview => {
                        Period::Months(180)
                    }
                    ReviewKind::MultiAgencyCaseAudit
                    | ReviewKind::ThematicAudit
                    | ReviewKind::Section11
                    | ReviewKind::PerformanceDataset
                    | ReviewKind::ChildDeathLearning => Period::Months(84),
                },
                (RecordKind::Review, None) => Period::Forever,
                (RecordKind::ChronologyEntries, _) => Period::Months(300),
                (RecordKind::AuditLog, _) => Period::Months(84),
                (RecordKind::Notifications, _) => Period::Months(6),
                (RecordKind::Sessions | RecordKind::SignInAttempts, _) => Period::Days(0),
            };
            (key, period)
        })
        .collect()
}

/// One rule as the business office sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleDraft {
    pub record: RecordKind,
    pub review_kind: Option<ReviewKind>,
    pub unit: RetentionUnit,
    pub amount: Option<i64>,
}

/// Checks the rules to change: each a known rule, once, with a period its kind allows.
/// Problems name the field (`rules[2].amount`).
pub fn validate_rules(drafts: &[RuleDraft]) -> Result<Vec<(RuleKey, Period)>, Problems> {
    let mut p = Problems::new();
    let max = RuleKey::all().len();
    if drafts.is_empty() {
        p.push("rules", "give at least one rule");
    }
    if drafts.len() > max {
        p.push("rules", format!("at most {max} rules"));
        return Err(p);
    }
    let mut out: Vec<(RuleKey, Period)> = Vec::with_capacity(drafts.len());
    let mut seen: Vec<RuleKey> = Vec::with_capacity(drafts.len());
    for (i, d) in drafts.iter().enumerate() {
        let key = RuleKey {
            record: d.record,
            review_kind: d.review_kind,
        };
        if !key.is_valid() {
            let message = if d.record == RecordKind::Review {
                "give the kind of review this rule is for"
            } else {
                "only review rules have a kind of review"
            };
            p.push(format!("rules[{i}].reviewKind"), message);
            continue;
        }
        if seen.contains(&key) {
            p.push(format!("rules[{i}]"), "is listed twice");
            continue;
        }
        seen.push(key);
        let b = bounds(d.record);
        let range = |field: &str, p: &mut Problems, (lo, hi): (u32, u32), what: &str| match d
            .amount
            .and_then(|a| u32::try_from(a).ok())
        {
            Some(n) if (lo..=hi).contains(&n) => Some(n),
            _ => {
                p.push(
                    field.to_owned(),
                    format!("must be a whole number from {lo} to {hi} {what}"),
                );
                None
            }
        };
        let amount_field = format!("rules[{i}].amount");
        let not_offered = |p: &mut Problems| {
            p.push(
                format!("rules[{i}].unit"),
                format!(
                    "{} cannot be {}: choose {}",
                    d.record.label(),
                    match d.unit {
                        RetentionUnit::Forever => "kept forever".to_owned(),
                        u => format!("counted in {}", u.label()),
                    },
                    b.describe()
                ),
            );
        };
        let period = match d.unit {
            RetentionUnit::Days => match b.days {
                Some(r) => range(&amount_field, &mut p, r, "days").map(Period::Days),
                None => {
                    not_offered(&mut p);
                    None
                }
            },
            RetentionUnit::Months => match b.months {
                Some(r) => range(&amount_field, &mut p, r, "months").map(Period::Months),
                None => {
                    not_offered(&mut p);
                    None
                }
            },
            RetentionUnit::Forever if b.forever => {
                if d.amount.is_some() {
                    p.push(amount_field, "leave empty when records are kept forever");
                    None
                } else {
                    Some(Period::Forever)
                }
            }
            RetentionUnit::Forever => {
                not_offered(&mut p);
                None
            }
        };
        if let Some(period) = period {
            out.push((key, period));
        }
    }
    p.into_result().map(|()| out)
}

/// The day a review closed, from which its retention is counted: the chair's decision not
/// to initiate it, or its completion or publication, whichever is latest. `None` while the
/// review is open (undecided, or initiated and neither completed nor published).
pub fn review_closed_on(
    decision: Option<ThresholdDecision>,
    decided_on: Option<NaiveDate>,
    completed_on: Option<NaiveDate>,
    published_on: Option<NaiveDate>,
) -> Option<NaiveDate> {
    match decision {
        Some(ThresholdDecision::DoNotInitiate) => decided_on,
        Some(ThresholdDecision::Initiate) => completed_on.max(published_on),
        None => None,
    }
}

/// What retention does with a review (or its chronology) on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Not closed: kept.
    Open,
    /// Under a legal hold: kept whatever the rules say; `expired` is the day it would
    /// otherwise have expired, when that has passed.
    Held { expired: Option<NaiveDate> },
    /// Closed, and its kind is kept for good.
    KeptForever,
    /// Closed; kept until this day.
    KeptUntil(NaiveDate),
    /// Expired on this day: deleted by the next run.
    Expired(NaiveDate),
}

impl Disposition {
    pub fn is_expired(self) -> bool {
        matches!(self, Disposition::Expired(_))
    }
}

/// What happens to a review closed on `closed_on` under `period` on `today`.
pub fn disposition(
    closed_on: Option<NaiveDate>,
    period: Period,
    held: bool,
    today: NaiveDate,
) -> Disposition {
    let expires = closed_on.and_then(|c| period.expires_on(c));
    if held {
        return Disposition::Held {
            expired: expires.filter(|e| *e <= today),
        };
    }
    match (closed_on, expires) {
        (None, _) => Disposition::Open,
        (Some(_), None) => Disposition::KeptForever,
        (Some(_), Some(e)) if e <= today => Disposition::Expired(e),
        (Some(_), Some(e)) => Disposition::KeptUntil(e),
    }
}

/// What a disposition means, in words for the review page ("Closed on 1 September 2016:
/// kept for 7 years, until 1 September 2023.").
pub fn describe(closed_on: Option<NaiveDate>, period: Period, disposition: Disposition) -> String {
    let day = |d: NaiveDate| d.format("%-d %B %Y").to_string();
    let closed = closed_on
        .map(|c| format!("Closed on {}: ", day(c)))
        .unwrap_or_default();
    match disposition {
        Disposition::Open => {
            "Open: kept while it is open; its retention period starts when it closes.".into()
        }
        Disposition::Held { expired: Some(e) } => format!(
            "{closed}its retention period ended on {}, but a legal hold keeps it and everything under it until the hold is lifted.",
            day(e)
        ),
        Disposition::Held { expired: None } => {
            "Under a legal hold: nothing under it is deleted while the hold is in force.".into()
        }
        Disposition::KeptForever => format!("{closed}kept forever."),
        Disposition::KeptUntil(until) => {
            format!("{closed}kept for {}, until {}.", period.describe(), day(until))
        }
        Disposition::Expired(e) => format!(
            "{closed}its retention period ({}) ended on {}: the next retention run deletes it.",
            period.describe(),
            day(e)
        ),
    }
}

/// The longest reason for setting or lifting a legal hold.
pub const MAX_HOLD_REASON: usize = 2000;

/// Checks the reason given for setting or lifting a legal hold (required).
pub fn hold_reason(field: &str, reason: &str) -> Result<String, Problems> {
    let mut p = Problems::new();
    let reason = p.long_text(field, reason, MAX_HOLD_REASON);
    p.into_result().map(|()| reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn keys_round_trip_and_every_kind_has_a_default() {
        let keys = RuleKey::all();
        assert_eq!(
            keys.len(),
            ReviewKind::ALL.len() + RecordKind::ALL.len() - 1
        );
        for k in &keys {
            assert!(k.is_valid());
            assert_eq!(RuleKey::from_code(&k.code()), Some(*k));
        }
        assert_eq!(
            RuleKey::review(ReviewKind::RapidReview).code(),
            "REVIEW:RAPID_REVIEW"
        );
        assert_eq!(RuleKey::from_code("REVIEW"), None);
        let defaults = defaults();
        assert_eq!(defaults.len(), keys.len());
        for (key, period) in defaults {
            let drafts = [RuleDraft {
                record: key.record,
                review_kind: key.review_kind,
                unit: period.unit(),
                amount: period.amount().map(i64::from),
            }];
            assert_eq!(
                validate_rules(&drafts),
                Ok(vec![(key, period)]),
                "default {key:?}"
            );
        }
    }

    #[test]
    fn periods_count_days_and_calendar_months() {
        assert_eq!(
            Period::Days(0).expires_on(d(2020, 1, 1)),
            Some(d(2020, 1, 1))
        );
        assert_eq!(
            Period::Days(30).expires_on(d(2020, 1, 31)),
            Some(d(2020, 3, 1))
        );
        assert_eq!(
            Period::Months(84).expires_on(d(2016, 2, 29)),
            Some(d(2023, 2, 28))
        );
        assert_eq!(Period::Forever.expires_on(d(2016, 2, 29)), None);
        let now = d(2024, 3, 31).and_hms_opt(12, 0, 0).expect("t").and_utc();
        assert_eq!(
            Period::Months(1).cutoff(now),
            Some(d(2024, 2, 29).and_hms_opt(12, 0, 0).expect("t").and_utc())
        );
        assert_eq!(Period::Days(0).cutoff(now), Some(now));
        assert_eq!(Period::Forever.cutoff(now), None);
        assert_eq!(Period::Months(84).describe(), "7 years");
        assert_eq!(Period::Months(18).describe(), "18 months");
        assert_eq!(Period::Days(1).describe(), "1 day");
        assert_eq!(
            Period::from_parts("MONTHS", Some(6)),
            Some(Period::Months(6))
        );
        assert_eq!(Period::from_parts("FOREVER", None), Some(Period::Forever));
        assert_eq!(Period::from_parts("DAYS", None), None);
        assert_eq!(Period::from_parts("DAYS", Some(-1)), None);
        assert_eq!(Period::from_parts("WEEKS", Some(1)), None);
    }

    #[test]
    fn a_review_closes_when_declined_completed_or_published() {
        use ThresholdDecision::*;
        assert_eq!(review_closed_on(None, None, None, None), None);
        assert_eq!(
            review_closed_on(Some(DoNotInitiate), Some(d(2020, 5, 1)), None, None),
            Some(d(2020, 5, 1))
        );
        assert_eq!(
            review_closed_on(Some(Initiate), Some(d(2020, 5, 1)), None, None),
            None,
            "an initiated review is open until completed or published"
        );
        assert_eq!(
            review_closed_on(
                Some(Initiate),
                Some(d(2020, 5, 1)),
                Some(d(2021, 1, 1)),
                None
            ),
            Some(d(2021, 1, 1))
        );
        assert_eq!(
            review_closed_on(
                Some(Initiate),
                Some(d(2020, 5, 1)),
                Some(d(2021, 1, 1)),
                Some(d(2021, 6, 1))
            ),
            Some(d(2021, 6, 1)),
            "publication after completion moves the anchor"
        );
    }

    #[test]
    fn what_expires_when_and_what_a_hold_keeps() {
        let today = d(2030, 1, 1);
        let seven_years = Period::Months(84);
        assert_eq!(
            disposition(None, seven_years, false, today),
            Disposition::Open
        );
        assert_eq!(
            disposition(Some(d(2020, 1, 1)), Period::Forever, false, today),
            Disposition::KeptForever
        );
        assert_eq!(
            disposition(Some(d(2023, 1, 2)), seven_years, false, today),
            Disposition::KeptUntil(d(2030, 1, 2))
        );
        assert_eq!(
            disposition(Some(d(2023, 1, 1)), seven_years, false, today),
            Disposition::Expired(d(2030, 1, 1)),
            "due on the day the period ends"
        );
        assert_eq!(
            disposition(Some(d(2020, 1, 1)), seven_years, true, today),
            Disposition::Held {
                expired: Some(d(2027, 1, 1))
            }
        );
        assert_eq!(
            disposition(Some(d(2029, 1, 1)), seven_years, true, today),
            Disposition::Held { expired: None }
        );
        assert!(!disposition(None, Period::Days(0), true, today).is_expired());
    }

    #[test]
    fn bounded_rules_name_the_field() {
        let rule = |record, review_kind, unit, amount| RuleDraft {
            record,
            review_kind,
            unit,
            amount,
        };
        let fields = |drafts: &[RuleDraft]| -> Vec<String> {
            validate_rules(drafts)
                .expect_err("refused")
                .0
                .into_iter()
                .map(|p| p.field)
                .collect()
        };
        use RecordKind::*;
        use RetentionUnit::*;
        assert_eq!(fields(&[]), ["rules"]);
        assert_eq!(
            fields(&[
                rule(AuditLog, None, Months, Some(6)),
                rule(Sessions, None, Forever, None),
                rule(Review, None, Months, Some(24)),
                rule(Notifications, Some(ReviewKind::RapidReview), Days, Some(30)),
                rule(SignInAttempts, None, Days, Some(91)),
                rule(Notifications, None, Forever, Some(1)),
                rule(ChronologyEntries, None, Days, Some(400)),
                rule(AuditLog, None, Months, Some(24)),
            ]),
            [
                "rules[0].amount",
                "rules[1].unit",
                "rules[2].reviewKind",
                "rules[3].reviewKind",
                "rules[4].amount",
                "rules[5].amount",
                "rules[6].unit",
                "rules[7]",
            ]
        );
        let too_many: Vec<RuleDraft> = (0..=RuleKey::all().len())
            .map(|_| rule(Sessions, None, Days, Some(1)))
            .collect();
        assert_eq!(fields(&too_many), ["rules"]);
        let ok = validate_rules(&[
            rule(Review, Some(ReviewKind::ThematicAudit), Months, Some(1200)),
            rule(Sessions, None, Days, Some(0)),
            rule(Notifications, None, Days, Some(7)),
        ])
        .expect("valid");
        assert_eq!(ok[0].1, Period::Months(1200));
        assert_eq!(ok[1].1, Period::Days(0));
        let message = validate_rules(&[rule(Sessions, None, Forever, None)])
            .expect_err("refused")
            .0[0]
            .message
            .clone();
        assert!(message.contains("0 to 90 days"), "{message}");
    }

    #[test]
    fn dispositions_in_words() {
        let closed = Some(d(2016, 9, 1));
        let p = Period::Months(84);
        assert_eq!(
            describe(closed, p, Disposition::KeptUntil(d(2023, 9, 1))),
            "Closed on 1 September 2016: kept for 7 years, until 1 September 2023."
        );
        assert!(describe(
            closed,
            p,
            Disposition::Held {
                expired: Some(d(2023, 9, 1))
            }
        )
        .contains("legal hold keeps it"));
        assert!(describe(None, p, Disposition::Open).starts_with("Open"));
    }

    #[test]
    fn a_hold_needs_a_reason() {
        assert_eq!(
            hold_reason("reason", "  Coroner's inquest pending  ").as_deref(),
            Ok("Coroner's inquest pending")
        );
        assert_eq!(
            hold_reason("reason", "   ").expect_err("empty").0[0].field,
            "reason"
        );
        assert!(hold_reason("reason", &"x".repeat(MAX_HOLD_REASON + 1)).is_err());
    }
}
