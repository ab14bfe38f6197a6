//! Child death review learning: the pseudonymised records the business office keeps of the
//! deaths its child death overview panel has reviewed, and the yearly counts the annual
//! report publishes.
//!
//! - A record holds no name, date of birth or address: a case number, an age band, the
//!   national child death review category, whether modifiable factors were identified
//!   (and which), the learning, and the date of the panel. Its texts go through the same
//!   detectors as anonymisation ([`crate::chronology::names`]) and any name or identifier
//!   refuses the record.
//! - Years are reporting years, 1 April to 31 March, as the National Child Mortality
//!   Database reports them: year 2025 is April 2025 to March 2026.
//! - Published counts are suppressed below [`SUPPRESS_BELOW`], and a second count of the
//!   same breakdown with them, so that a suppressed count cannot be worked out from the
//!   total ([`suppression`]).

use crate::auth::Role;
use crate::chronology::names::find_suspects_with;
use crate::glossary::Glossary;
use crate::reviews::vocabulary::vocabulary;
use crate::Problems;
use chrono::{Datelike, NaiveDate};

/// The longest case number.
pub const MAX_CASE_NUMBER_CHARS: usize = 30;
/// The longest modifiable-factors or learning text.
pub const MAX_TEXT_CHARS: usize = 4000;
/// The most records the platform keeps (a large area reviews about 150 deaths a year).
pub const MAX_RECORDS: u64 = 20_000;
/// Published counts of fewer than this many deaths are suppressed.
pub const SUPPRESS_BELOW: u32 = 5;
/// The earliest panel date accepted.
pub const EARLIEST_PANEL_YEAR: i32 = 2000;
/// Who reads the records and counts: the business office and the independent chair.
pub const READERS: &[Role] = &[Role::BusinessOffice, Role::IndependentChair];
/// Who records them: the business office.
pub const WRITERS: &[Role] = &[Role::BusinessOffice];

/// What a suppressed count is published as.
pub const SUPPRESSED: &str = "Suppressed";

vocabulary! {
    /// The categories of death of the national child death review analysis form.
    DeathCategory {
        DeliberateHarm => ("DELIBERATE_HARM", "Deliberately inflicted injury, abuse or neglect"),
        SuicideSelfHarm => ("SUICIDE_SELF_HARM", "Suicide or deliberate self-inflicted harm"),
        TraumaExternal => ("TRAUMA_EXTERNAL", "Trauma and other external factors, including medical or surgical complications or error"),
        Malignancy => ("MALIGNANCY", "Malignancy"),
        AcuteMedical => ("ACUTE_MEDICAL", "Acute medical or surgical condition"),
        ChronicMedical => ("CHRONIC_MEDICAL", "Chronic medical condition"),
        ChromosomalGeneticCongenital => ("CHROMOSOMAL_GENETIC_CONGENITAL", "Chromosomal, genetic and congenital anomalies"),
        PerinatalNeonatal => ("PERINATAL_NEONATAL", "Perinatal or neonatal event"),
        Infection => ("INFECTION", "Infection"),
        SuddenUnexplained => ("SUDDEN_UNEXPLAINED", "Sudden unexpected, unexplained death"),
    }
}

vocabulary! {
    /// The age bands child death statistics are published in.
    AgeBand {
        Neonatal => ("NEONATAL", "0 to 27 days"),
        PostNeonatal => ("POST_NEONATAL", "28 to 364 days"),
        OneToFour => ("ONE_TO_FOUR", "1 to 4 years"),
        FiveToNine => ("FIVE_TO_NINE", "5 to 9 years"),
        TenToFourteen => ("TEN_TO_FOURTEEN", "10 to 14 years"),
        FifteenToSeventeen => ("FIFTEEN_TO_SEVENTEEN", "15 to 17 years"),
    }
}

vocabulary! {
    /// The panel's judgement on modifiable factors.
    Modifiability {
        Identified => ("IDENTIFIED", "Modifiable factors identified"),
        NoneIdentified => ("NONE_IDENTIFIED", "No modifiable factors identified"),
        InsufficientInformation => ("INSUFFICIENT_INFORMATION", "Insufficient information to judge"),
    }
}

/// A record as the business office writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChildDeathDraft {
    /// The panel's own reference, such as `CDR-2025-014`.
    pub case_number: String,
    pub age_band: AgeBand,
    pub category: DeathCategory,
    pub modifiability: Modifiability,
    /// Which modifiable factors; required when identified, empty otherwise.
    pub modifiable_factors: String,
    /// What the panel learnt (may be empty).
    pub learning: String,
    pub panel_date: NaiveDate,
}

/// Whether a case number is written as a reference: letters, digits, spaces and `- / .`,
/// with at least one digit.
fn is_reference(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '/' | '.'))
}

impl ChildDeathDraft {
    /// Checks every field, naming each one with a problem, and trims the texts. `known` are
    /// words that are not names however they are written (the agencies' names); `today`
    /// bounds the panel date.
    pub fn validate(mut self, known: &[&str], today: NaiveDate) -> Result<Self, Problems> {
        let mut p = Problems::new();
        self.case_number = p.text("caseNumber", &self.case_number, MAX_CASE_NUMBER_CHARS);
        let case_number_shaped = is_reference(&self.case_number);
        if !self.case_number.is_empty()
            && self.case_number.chars().count() <= MAX_CASE_NUMBER_CHARS
            && !case_number_shaped
        {
            p.push(
                "caseNumber",
                "must be the panel's reference, such as CDR-2025-014: letters, digits, spaces, hyphens, slashes and full stops, with at least one digit",
            );
        }
        self.modifiable_factors =
            optional_text(&mut p, "modifiableFactors", &self.modifiable_factors);
        match (self.modifiability, self.modifiable_factors.is_empty()) {
            (Modifiability::Identified, true) => p.push(
                "modifiableFactors",
                "must say which factors were identified",
            ),
            (Modifiability::NoneIdentified | Modifiability::InsufficientInformation, false) => p
                .push(
                    "modifiableFactors",
                    "must be empty unless modifiable factors were identified",
                ),
            _ => {}
        }
        self.learning = optional_text(&mut p, "learning", &self.learning);
        if self.panel_date > today {
            p.push("panelDate", "must not be in the future");
        } else if self.panel_date.year() < EARLIEST_PANEL_YEAR {
            p.push(
                "panelDate",
                format!("must be in {EARLIEST_PANEL_YEAR} or later"),
            );
        }
        // A case number already refused for its shape is not also reported as a name.
        let case_number = if case_number_shaped {
            self.case_number.as_str()
        } else {
            ""
        };
        let fields = [
            ("caseNumber", case_number),
            ("modifiableFactors", self.modifiable_factors.as_str()),
            ("learning", self.learning.as_str()),
        ];
        for (field, problem) in identifier_problems(known, &fields) {
            p.push(field, problem);
        }
        p.into_result().map(|()| self)
    }

    /// The reporting year the record counts in (that of its panel).
    pub fn year(&self) -> i32 {
        reporting_year(self.panel_date)
    }
}

fn optional_text(p: &mut Problems, field: &str, value: &str) -> String {
    let t = value.trim();
    if t.is_empty() {
        String::new()
    } else {
        p.long_text(field, t, MAX_TEXT_CHARS)
    }
}

/// One problem per name or identifier left in the texts, naming the field and quoting
/// what was found (the gate leans towards flagging: a false alarm costs a rewording).
pub fn identifier_problems<'a>(
    known: &[&str],
    fields: &[(&'a str, &str)],
) -> Vec<(&'a str, String)> {
    let texts: Vec<&str> = fields.iter().map(|(_, t)| *t).collect();
    let found = find_suspects_with(&Glossary::default(), known, &texts);
    let mut out = Vec::new();
    for ((field, _), suspects) in fields.iter().zip(found) {
        for s in suspects {
            out.push((
                *field,
                format!(
                    "holds what looks like a {} (\"{}\"): records are pseudonymised, so write a role or \"the child\" instead",
                    s.kind.label().to_lowercase(),
                    s.matched
                ),
            ));
        }
    }
    out
}

/// The reporting year of a date: the year of the 1 April on or before it.
pub fn reporting_year(date: NaiveDate) -> i32 {
    reporting_year_of_month(date.year(), date.month())
}

/// The reporting year of a calendar month (1 to 12): April starts one.
pub fn reporting_year_of_month(year: i32, month: u32) -> i32 {
    if month >= 4 {
        year
    } else {
        year - 1
    }
}

/// The last reporting year that can be asked for.
pub const LATEST_YEAR: i32 = 2200;

/// Why a reporting year cannot be asked for, if it cannot.
pub fn year_problem(year: i32) -> Option<String> {
    (!(EARLIEST_PANEL_YEAR..=LATEST_YEAR).contains(&year))
        .then(|| format!("must be a year from {EARLIEST_PANEL_YEAR} to {LATEST_YEAR}"))
}

/// A reporting year in words: "April 2025 to March 2026".
pub fn year_label(year: i32) -> String {
    format!("April {year} to March {}", year + 1)
}

/// What counts describe of one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    pub category: DeathCategory,
    pub age_band: AgeBand,
    pub modifiability: Modifiability,
}

/// One count of a breakdown, with whether it is suppressed when published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub count: u32,
    pub suppressed: bool,
}

impl Cell {
    /// The count as published: the number, or [`SUPPRESSED`].
    pub fn published(self) -> String {
        if self.suppressed {
            SUPPRESSED.to_owned()
        } else {
            self.count.to_string()
        }
    }
}

/// A category's row: its deaths, and of them those with modifiable factors identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CategoryRow {
    pub category: DeathCategory,
    pub deaths: Cell,
    pub modifiable: Cell,
}

/// A year's counts, every category, age band and judgement listed (zeros too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearCounts {
    pub total: Cell,
    pub by_category: Vec<CategoryRow>,
    pub by_age_band: Vec<(AgeBand, Cell)>,
    pub by_modifiability: Vec<(Modifiability, Cell)>,
}

/// Which counts of one breakdown are suppressed when published with its total:
/// - primary: every count from 1 to [`SUPPRESS_BELOW`] − 1 (a zero is published: it
///   identifies no one);
/// - secondary: when the total is published and exactly one count is suppressed, the
///   smallest other non-zero count too (the first of equals), or the one suppressed count
///   could be worked out by subtraction.
pub fn suppression(counts: &[u32], total_published: bool) -> Vec<bool> {
    let mut out: Vec<bool> = counts
        .iter()
        .map(|&c| c > 0 && c < SUPPRESS_BELOW)
        .collect();
    if total_published && out.iter().filter(|&&s| s).count() == 1 {
        let next = counts
            .iter()
            .enumerate()
            .filter(|&(i, &c)| !out[i] && c > 0)
            .min_by_key(|&(i, &c)| (c, i))
            .map(|(i, _)| i);
        if let Some(i) = next {
            out[i] = true;
        }
    }
    out
}

fn cells(counts: &[u32], total_published: bool) -> Vec<Cell> {
    counts
        .iter()
        .zip(suppression(counts, total_published))
        .map(|(&count, suppressed)| Cell { count, suppressed })
        .collect()
}

/// The counts of a year's records.
pub fn year_counts(records: &[Counted]) -> YearCounts {
    let total = u32::try_from(records.len()).unwrap_or(u32::MAX);
    let total = Cell {
        count: total,
        suppressed: total > 0 && total < SUPPRESS_BELOW,
    };
    let shown = !total.suppressed;
    let count = |f: &dyn Fn(&Counted) -> bool| -> u32 {
        u32::try_from(records.iter().filter(|r| f(r)).count()).unwrap_or(u32::MAX)
    };
    let deaths: Vec<u32> = DeathCategory::ALL
        .iter()
        .map(|&c| count(&|r| r.category == c))
        .collect();
    let modifiable: Vec<u32> = DeathCategory::ALL
        .iter()
        .map(|&c| count(&|r| r.category == c && r.modifiability == Modifiability::Identified))
        .collect();
    let modifiable_total = modifiable.iter().sum::<u32>();
    let deaths = cells(&deaths, shown);
    let modifiable = cells(
        &modifiable,
        modifiable_total == 0 || modifiable_total >= SUPPRESS_BELOW,
    );
    let by_category = DeathCategory::ALL
        .iter()
        .zip(deaths.into_iter().zip(modifiable))
        .map(|(&category, (deaths, modifiable))| CategoryRow {
            category,
            deaths,
            // A category's modifiable count is never published when its deaths are not.
            modifiable: Cell {
                suppressed: modifiable.suppressed || (deaths.suppressed && modifiable.count > 0),
                ..modifiable
            },
        })
        .collect();
    let bands: Vec<u32> = AgeBand::ALL
        .iter()
        .map(|&b| count(&|r| r.age_band == b))
        .collect();
    let judgements: Vec<u32> = Modifiability::ALL
        .iter()
        .map(|&m| count(&|r| r.modifiability == m))
        .collect();
    YearCounts {
        total,
        by_category,
        by_age_band: AgeBand::ALL
            .iter()
            .copied()
            .zip(cells(&bands, shown))
            .collect(),
        by_modifiability: Modifiability::ALL
            .iter()
            .copied()
            .zip(cells(&judgements, shown))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn draft() -> ChildDeathDraft {
        ChildDeathDraft {
            case_number: " CDR-2025-014 ".into(),
            age_band: AgeBand::PostNeonatal,
            category: DeathCategory::SuddenUnexplained,
            modifiability: Modifiability::Identified,
            modifiable_factors: "Unsafe sleeping arrangement: the baby was sharing a sofa with a parent who had been drinking.".into(),
            learning: "Safer sleep advice must be repeated by health visitors when the family moves home.".into(),
            panel_date: day(2025, 9, 12),
        }
    }

    fn fields_of(e: Problems) -> Vec<String> {
        e.0.into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn a_pseudonymised_record_is_accepted_and_trimmed() {
        let d = draft().validate(&[], day(2026, 1, 1)).unwrap();
        assert_eq!(d.case_number, "CDR-2025-014");
        assert_eq!(d.year(), 2025);
    }

    #[test]
    fn names_and_dates_of_birth_are_refused_where_they_are() {
        let mut d = draft();
        d.learning = "Mrs Begum was not given safer sleep advice.".into();
        d.modifiable_factors = "Baby born 03/02/2025 slept on a sofa.".into();
        let e = d.validate(&[], day(2026, 1, 1)).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("Begum"), "{text}");
        assert!(text.contains("03/02/2025"), "{text}");
        assert_eq!(fields_of(e), vec!["modifiableFactors", "learning"]);
    }

    #[test]
    fn agencies_and_roles_are_not_names() {
        let mut d = draft();
        d.learning = "Northgate General Hospital and the health visitor should share the discharge summary with the GP.".into();
        assert!(d
            .validate(&["Northgate General Hospital"], day(2026, 1, 1))
            .is_ok());
    }

    #[test]
    fn modifiable_factors_follow_the_judgement() {
        let mut d = draft();
        d.modifiable_factors = "  ".into();
        assert_eq!(
            fields_of(d.validate(&[], day(2026, 1, 1)).unwrap_err()),
            vec!["modifiableFactors"]
        );
        let mut d = draft();
        d.modifiability = Modifiability::NoneIdentified;
        assert_eq!(
            fields_of(d.validate(&[], day(2026, 1, 1)).unwrap_err()),
            vec!["modifiableFactors"]
        );
        let mut d = draft();
        d.modifiability = Modifiability::NoneIdentified;
        d.modifiable_factors.clear();
        d.learning.clear();
        assert!(d.validate(&[], day(2026, 1, 1)).is_ok());
    }

    #[test]
    fn case_numbers_and_dates_are_bounded() {
        for bad in ["", "Jayden", "CDR 14 <script>", &"1".repeat(31)] {
            let mut d = draft();
            d.case_number = bad.into();
            assert_eq!(
                fields_of(d.validate(&[], day(2026, 1, 1)).unwrap_err()),
                vec!["caseNumber"],
                "{bad}"
            );
        }
        let mut d = draft();
        d.panel_date = day(2026, 1, 2);
        assert!(d.validate(&[], day(2026, 1, 1)).is_err());
        let mut d = draft();
        d.panel_date = day(1999, 12, 31);
        assert!(d.validate(&[], day(2026, 1, 1)).is_err());
        let mut d = draft();
        d.learning = "x".repeat(MAX_TEXT_CHARS + 1);
        assert!(d.validate(&[], day(2026, 1, 1)).is_err());
    }

    #[test]
    fn reporting_years_start_in_april() {
        assert_eq!(reporting_year(day(2026, 3, 31)), 2025);
        assert_eq!(reporting_year(day(2026, 4, 1)), 2026);
        assert_eq!(reporting_year(day(2025, 4, 1)), 2025);
        assert_eq!(year_problem(2025), None);
        assert!(year_problem(EARLIEST_PANEL_YEAR - 1).is_some());
        assert!(year_problem(LATEST_YEAR + 1).is_some());
        assert_eq!(year_label(2025), "April 2025 to March 2026");
    }

    #[test]
    fn small_counts_are_suppressed_with_a_second_so_none_can_be_worked_out() {
        assert_eq!(suppression(&[0, 7, 9], true), vec![false, false, false]);
        assert_eq!(suppression(&[3, 7, 9], true), vec![true, true, false]);
        assert_eq!(suppression(&[3, 7, 9], false), vec![true, false, false]);
        assert_eq!(suppression(&[3, 2, 9], true), vec![true, true, false]);
        assert_eq!(suppression(&[3, 0, 0], true), vec![true, false, false]);
        assert_eq!(suppression(&[5, 6, 5], true), vec![false, false, false]);
    }

    /// Property: whatever the counts, no published total minus the published counts
    /// leaves exactly one suppressed count between 1 and 4 to be worked out.
    #[test]
    fn no_suppressed_count_can_be_recovered_from_the_total() {
        let mut seed = 0x2545_f491_u64;
        for _ in 0..2000 {
            let n = 2 + (seed % 6) as usize;
            let counts: Vec<u32> = (0..n)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    ((seed >> 33) % 12) as u32
                })
                .collect();
            // The total is published on the same rule as the cells (year_counts).
            let total: u32 = counts.iter().sum();
            let total_published = !(total > 0 && total < SUPPRESS_BELOW);
            let s = suppression(&counts, total_published);
            let hidden: Vec<u32> = counts
                .iter()
                .zip(&s)
                .filter(|(_, &x)| x)
                .map(|(&c, _)| c)
                .collect();
            if total_published {
                assert!(hidden.len() != 1, "{counts:?} {s:?}");
            }
            for (c, x) in counts.iter().zip(&s) {
                if *c > 0 && *c < SUPPRESS_BELOW {
                    assert!(x, "{counts:?}");
                }
            }
        }
    }

    #[test]
    fn year_counts_list_everything_and_hide_small_numbers() {
        let r = |category, age_band, modifiability| Counted {
            category,
            age_band,
            modifiability,
        };
        let mut records = vec![
            r(
                DeathCategory::PerinatalNeonatal,
                AgeBand::Neonatal,
                Modifiability::NoneIdentified
            );
            6
        ];
        records.extend(vec![
            r(
                DeathCategory::SuddenUnexplained,
                AgeBand::PostNeonatal,
                Modifiability::Identified
            );
            2
        ]);
        let c = year_counts(&records);
        assert_eq!(
            c.total,
            Cell {
                count: 8,
                suppressed: false
            }
        );
        assert_eq!(c.by_category.len(), DeathCategory::ALL.len());
        let sudden = c
            .by_category
            .iter()
            .find(|r| r.category == DeathCategory::SuddenUnexplained)
            .unwrap();
        assert!(sudden.deaths.suppressed && sudden.modifiable.suppressed);
        assert_eq!(sudden.deaths.published(), SUPPRESSED);
        // With one small category the other is suppressed too.
        let perinatal = c
            .by_category
            .iter()
            .find(|r| r.category == DeathCategory::PerinatalNeonatal)
            .unwrap();
        assert!(perinatal.deaths.suppressed);
        assert_eq!(c.by_age_band.len(), AgeBand::ALL.len());
        assert_eq!(year_counts(&[]).total.published(), "0");
    }
}
