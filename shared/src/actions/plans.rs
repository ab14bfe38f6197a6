//! Plans: the action plans of learning that does not come from a case review. Section 11
//! self-assessments, the performance dataset's hot spots and the child death overview
//! panel's learning all lead to actions, and those are the action plan's own actions (one
//! data path). A year's actions from one source are the plan of a review of the source's
//! own kind (`S11-2026`, `PI-2026`, `CDOP-2025`), made when the year's first action is
//! planned. Such a review has no chronology, no clocks and no place in the list of reviews
//! ([`ReviewKind::is_case_review`]); its actions are numbered, followed up, RAG-rated and
//! read through the API exactly as every other action is.

use crate::actions::{LearningKind, LearningPointDraft, LearningScope};
use crate::case_audits::HotSpot;
use crate::child_deaths::{DeathCategory, Modifiability};
use crate::reviews::{Methodology, ReviewDraft, ReviewKind};
use crate::validation::clipped;
use chrono::NaiveDate;

/// The most actions planned from one source (a standard of an assessment, a hot spot in a
/// year, a child death record).
pub const MAX_ACTIONS_PER_SOURCE: usize = 20;

/// Where a plan's learning comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Plan {
    /// Agencies' Section 11 self-assessments, by assessment year.
    Section11,
    /// The performance dataset's hot spots, by calendar year.
    Dataset,
    /// The child death overview panel's learning, by reporting year.
    ChildDeaths,
}

impl Plan {
    pub const ALL: &'static [Plan] = &[Plan::Section11, Plan::Dataset, Plan::ChildDeaths];

    /// The kind of the review that holds the plan.
    pub fn kind(self) -> ReviewKind {
        match self {
            Plan::Section11 => ReviewKind::Section11,
            Plan::Dataset => ReviewKind::PerformanceDataset,
            Plan::ChildDeaths => ReviewKind::ChildDeathLearning,
        }
    }

    /// The plan a review of `kind` holds; `None` for a case review or audit.
    pub fn of(kind: ReviewKind) -> Option<Plan> {
        Self::ALL.iter().copied().find(|p| p.kind() == kind)
    }

    /// The reference of the review that holds the year's plan; its actions are numbered
    /// from it (`PI-2026/A1`).
    pub fn reference(self, year: i32) -> String {
        let prefix = match self {
            Plan::Section11 => "S11",
            Plan::Dataset => "PI",
            Plan::ChildDeaths => "CDOP",
        };
        format!("{prefix}-{year}")
    }

    /// What the source is called.
    pub fn source(self) -> &'static str {
        match self {
            Plan::Section11 => "Section 11 self-assessment",
            Plan::Dataset => "Performance dataset",
            Plan::ChildDeaths => "Child death review learning",
        }
    }

    /// Where the source is kept in the app, and what the link says.
    pub fn home(self) -> (&'static str, &'static str) {
        match self {
            Plan::Section11 => ("/section-11", "Section 11 self-assessments"),
            Plan::Dataset => ("/performance", "The performance dataset"),
            Plan::ChildDeaths => ("/child-deaths", "Child death review learning"),
        }
    }

    /// What the plan holds, in a sentence.
    pub fn about(self, reference: &str) -> String {
        let holds = match self {
            Plan::Section11 => {
                "the actions agencies planned in their Section 11 self-assessments, one learning point per agency and standard"
            }
            Plan::Dataset => {
                "the actions planned from the performance dataset's hot spots, one learning point per indicator"
            }
            Plan::ChildDeaths => {
                "the actions planned from the child death overview panel's learning, one learning point per reviewed death"
            }
        };
        format!("{reference} holds {holds}. They are followed up in the action plan like every other action.")
    }

    /// The review that holds the year's plan, as it is made (on the partnership's own
    /// timetable, when the year's first action is planned on `today`).
    pub fn draft(self, year: i32, today: NaiveDate) -> ReviewDraft {
        let source = self.source();
        ReviewDraft {
            reference: self.reference(year),
            kind: self.kind(),
            subject: format!("{source} {year}"),
            themes: vec![match self {
                Plan::Section11 => "Section 11".to_owned(),
                Plan::Dataset => "Performance dataset".to_owned(),
                Plan::ChildDeaths => "Child death review".to_owned(),
            }],
            methodology: Methodology::Other,
            methodology_detail: Some(source.to_owned()),
            incident_month: None,
            incident_year: year,
            aware_on: None,
            notified_on: today,
        }
    }
}

fn learning(
    title: String,
    detail: String,
    scope: LearningScope,
    theme: &str,
) -> LearningPointDraft {
    LearningPointDraft {
        title: clipped(&title, crate::actions::input::MAX_TITLE),
        detail: Some(clipped(&detail, crate::actions::input::MAX_TEXT)),
        scope,
        kind: Some(LearningKind::NeedsImprovement),
        themes: vec![theme.to_owned()],
        entry_ids: Vec::new(),
        duplicate_group_keys: Vec::new(),
    }
}

/// The learning point a hot spot's actions in `year` answer, with the recommendation they
/// share: the indicator, what its chart shows and its latest value, so the action plan
/// says where each action comes from. Multi-agency: the dataset is the partnership's.
pub fn hot_spot_learning(year: i32, spot: &HotSpot<'_>) -> (LearningPointDraft, String) {
    let indicator = clipped(spot.indicator, 300);
    let latest = spot
        .latest
        .as_deref()
        .map(|l| format!(" The latest value: {l}."))
        .unwrap_or_default();
    let detail = format!(
        "From the performance dataset {year}: \u{201c}{indicator}\u{201d} ({}) is a hot spot, showing {} with {}.{latest}",
        clipped(spot.definition, 2_000),
        spot.variation.to_lowercase(),
        spot.assurance.to_lowercase(),
    );
    let recommendation = clipped(
        &format!("Find out what lies behind \u{201c}{indicator}\u{201d} and bring it back to its target."),
        crate::actions::input::MAX_RECOMMENDATION,
    );
    (
        learning(
            format!("Performance dataset {year}: {indicator} (hot spot)"),
            detail,
            LearningScope::MultiAgency,
            "Performance dataset",
        ),
        recommendation,
    )
}

/// What of a child death record its learning point carries: no case number, as the
/// action plan is read by agencies' leads, only what the panel learned.
#[derive(Debug, Clone, Copy)]
pub struct DeathLearning<'a> {
    pub reporting_year: i32,
    pub panel_date: NaiveDate,
    pub category: DeathCategory,
    pub modifiability: Modifiability,
    pub modifiable_factors: &'a str,
    pub learning: &'a str,
}

/// The learning point a child death record's actions answer, with their recommendation.
pub fn death_learning(d: &DeathLearning<'_>) -> (LearningPointDraft, String) {
    let panel = d.panel_date.format("%B %Y");
    let mut detail = format!(
        "From the child death overview panel of {panel} (reporting year {}): {}. {}.",
        d.reporting_year,
        d.category.label(),
        d.modifiability.label()
    );
    let factors = d.modifiable_factors.trim();
    if !factors.is_empty() {
        detail.push_str("\n\nModifiable factors: ");
        detail.push_str(factors);
    }
    let learned = d.learning.trim();
    if !learned.is_empty() {
        detail.push_str("\n\nLearning: ");
        detail.push_str(learned);
    }
    let title = match learned.lines().next().filter(|l| !l.trim().is_empty()) {
        Some(first) => format!("Child death review {}: {}", d.reporting_year, first.trim()),
        None => format!(
            "Child death review {}: {} (panel {panel})",
            d.reporting_year,
            d.category.label()
        ),
    };
    (
        learning(
            title,
            detail,
            LearningScope::MultiAgency,
            "Child death review",
        ),
        "Act on the child death overview panel's learning.".to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::input::{MAX_TEXT, MAX_TITLE};

    #[test]
    fn each_plan_has_its_own_kind_and_reference_and_no_case_review_is_a_plan() {
        let day = NaiveDate::from_ymd_opt(2026, 5, 1).expect("a date");
        for &plan in Plan::ALL {
            assert_eq!(Plan::of(plan.kind()), Some(plan));
            assert!(!plan.kind().is_case_review());
            let draft = plan.draft(2026, day);
            assert_eq!(draft.reference, plan.reference(2026));
            assert_eq!(draft.kind, plan.kind());
            assert!(plan.about(&draft.reference).starts_with(&draft.reference));
        }
        let references: std::collections::HashSet<String> =
            Plan::ALL.iter().map(|p| p.reference(2026)).collect();
        assert_eq!(references.len(), Plan::ALL.len());
        assert_eq!(Plan::Dataset.reference(2026), "PI-2026");
        assert_eq!(Plan::ChildDeaths.reference(2025), "CDOP-2025");
        for &kind in ReviewKind::ALL {
            assert_eq!(Plan::of(kind).is_none(), kind.is_case_review(), "{kind:?}");
        }
    }

    #[test]
    fn a_hot_spots_learning_names_the_indicator_and_what_its_chart_shows_within_bounds() {
        let long = "Re-referrals within 12 months ".repeat(40);
        let spot = HotSpot {
            indicator: &long,
            definition: "Referrals to children's social care within 12 months of an earlier one",
            variation: "Special cause concern (higher)",
            assurance: "Target reliably missed",
            latest: Some("2026-09: 31".to_owned()),
        };
        let (point, recommendation) = hot_spot_learning(2026, &spot);
        assert!(point
            .title
            .starts_with("Performance dataset 2026: Re-referrals"));
        assert!(point.title.chars().count() <= MAX_TITLE);
        let detail = point.detail.expect("a detail");
        assert!(detail.chars().count() <= MAX_TEXT);
        assert!(
            detail.contains("special cause concern (higher)"),
            "{detail}"
        );
        assert!(detail.contains("target reliably missed"), "{detail}");
        assert!(detail.contains("2026-09: 31"), "{detail}");
        assert_eq!(point.scope, LearningScope::MultiAgency);
        assert!(recommendation.chars().count() <= crate::actions::input::MAX_RECOMMENDATION);
    }

    #[test]
    fn a_deaths_learning_carries_what_the_panel_learned_and_never_the_case_number() {
        let d = DeathLearning {
            reporting_year: 2025,
            panel_date: NaiveDate::from_ymd_opt(2026, 2, 12).expect("a date"),
            category: DeathCategory::SuddenUnexplained,
            modifiability: Modifiability::Identified,
            modifiable_factors: "Unsafe sleeping arrangement after parental alcohol use.",
            learning: "Safer sleep advice is repeated at every health visitor contact.\nMore.",
        };
        let (point, recommendation) = death_learning(&d);
        assert_eq!(
            point.title,
            "Child death review 2025: Safer sleep advice is repeated at every health visitor contact."
        );
        let detail = point.detail.expect("a detail");
        assert!(detail.contains("February 2026"), "{detail}");
        assert!(
            detail.contains("Modifiable factors: Unsafe sleeping"),
            "{detail}"
        );
        assert!(detail.contains("Learning: Safer sleep"), "{detail}");
        assert!(!recommendation.is_empty());
        let silent = DeathLearning {
            learning: "  ",
            modifiable_factors: "",
            ..d
        };
        let (point, _) = death_learning(&silent);
        assert!(
            point.title.contains("Sudden unexpected") && point.title.contains("February 2026"),
            "{}",
            point.title
        );
        assert!(!point.detail.expect("a detail").contains("Learning:"));
    }
}
