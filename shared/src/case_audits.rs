//! Multi-agency case audits (MACA), as the framework runs them (Appendix 2).
//!
//! - The **programme**: each year's themes, set by the business office for the Quality and
//!   Audit committee, each with its terms of reference, the question the audit must answer
//!   and when it is planned.
//! - The **audit pool**: named people of every agency who audit; each audit chooses its
//!   auditors from the pool.
//! - An **audit** is a review of the kind "multi-agency case audit" (or "thematic audit")
//!   given a theme: its agencies, returns, integrated chronology, learning points, actions
//!   and learning summary are a review's. Beside them it has its **sample** of cases,
//!   pseudonymised ("Case 3: Child D, aged 4"), each with why it was chosen and the
//!   agencies involved.
//! - The **audit tool**: questions grouped by the stages of the safeguarding process the
//!   framework names, each graded on a scale kept as data (good / requires improvement /
//!   inadequate / not applicable by default) with evidence. Each agency grades the cases it
//!   was involved in as part of its return: while the return is a draft or reopened, by
//!   whoever keeps the return; submitting the return submits its grades.
//! - **Views**: grades by question × agency for one audit (a heatmap), and the same
//!   question by question and agency by agency against the theme's earlier audit (the
//!   re-audit).

use crate::reviews::vocabulary::vocabulary;
use crate::reviews::ReviewKind;
use crate::summary::identifiers::find_identifiers;
use crate::Problems;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// The years a programme may be for.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;
/// The longest theme name.
pub const MAX_THEME_NAME: usize = 200;
/// The longest terms of reference, or question, of a theme.
pub const MAX_THEME_TEXT: usize = 10_000;
/// The most themes in one year's programme.
pub const MAX_THEMES_PER_YEAR: u64 = 50;
/// The longest case label ("Case 3: Child D, aged 4").
pub const MAX_CASE_LABEL: usize = 120;
/// The longest reason a case was chosen.
pub const MAX_CASE_REASON: usize = 2_000;
/// The most cases in one audit's sample.
pub const MAX_CASES: u64 = 40;
/// The most agencies one case names.
pub const MAX_CASE_AGENCIES: usize = 40;
/// The longest evidence given for one grade.
pub const MAX_EVIDENCE: usize = 4_000;
/// The most auditors one audit chooses.
pub const MAX_AUDITORS: usize = 40;
/// The most people in the audit pool.
pub const MAX_POOL: u64 = 1_000;

vocabulary! {
    /// The stages of the safeguarding process an audit examines, in the framework's order:
    /// "from Early Help and prevention stages and consideration and use of Early Help
    /// Assessment, through to recognition of likely or actual significant harm, effective
    /// referrals, thresholds and responses, and the quality of assessments and child
    /// protection plans", and the child's voice throughout.
    AuditStage {
        EarlyHelp => ("EARLY_HELP", "Early help and prevention"),
        EarlyHelpAssessment => ("EARLY_HELP_ASSESSMENT", "Use of the early help assessment"),
        RecognitionOfHarm => ("RECOGNITION_OF_HARM", "Recognition of likely or actual significant harm"),
        Referral => ("REFERRAL", "Referral"),
        ThresholdsAndResponse => ("THRESHOLDS_AND_RESPONSE", "Thresholds and response"),
        QualityOfAssessment => ("QUALITY_OF_ASSESSMENT", "Quality of assessment"),
        ChildProtectionPlan => ("CHILD_PROTECTION_PLAN", "Quality of the child protection plan"),
        VoiceOfTheChild => ("VOICE_OF_THE_CHILD", "Voice of the child"),
    }
}

vocabulary! {
    /// What a grade of the scale says about practice, whatever the partnership calls it:
    /// the heatmap's colour and the re-audit's comparison read this, never the label.
    GradeTone {
        Good => ("GOOD", "Good practice"),
        Mixed => ("MIXED", "Practice that requires improvement"),
        Poor => ("POOR", "Inadequate practice"),
        NotApplicable => ("NOT_APPLICABLE", "Not applicable"),
    }
}

impl GradeTone {
    /// Its place on the scale (good 2, mixed 1, poor 0); not applicable has none.
    pub fn score(self) -> Option<u8> {
        match self {
            GradeTone::Good => Some(2),
            GradeTone::Mixed => Some(1),
            GradeTone::Poor => Some(0),
            GradeTone::NotApplicable => None,
        }
    }
}

/// The kinds of review that may be run as a case audit with a theme, sample and grades.
pub fn is_audit_kind(kind: ReviewKind) -> bool {
    matches!(
        kind,
        ReviewKind::MultiAgencyCaseAudit | ReviewKind::ThematicAudit
    )
}

/// A theme of a year's programme as the office writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeDraft {
    pub year: i32,
    pub name: String,
    pub terms_of_reference: String,
    /// The question the audit must answer.
    pub question: String,
    /// When the audit is planned (its month), if set.
    pub planned_for: Option<NaiveDate>,
    /// The theme of an earlier year this one re-audits.
    pub revisits_id: Option<String>,
}

/// What a performance indicator's chart shows, for proposing an audit theme from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HotSpot<'a> {
    /// The indicator's name and definition.
    pub indicator: &'a str,
    pub definition: &'a str,
    /// The latest point's variation and the target's assurance, in words.
    pub variation: &'a str,
    pub assurance: &'a str,
    /// The latest period and value, in words ("2026-09: 31").
    pub latest: Option<String>,
}

/// The theme proposed from a hot spot for `year`'s programme: named after the indicator,
/// asking what practice lies behind what its chart shows, with terms of reference that say
/// where the proposal came from. Within every bound of [`check_theme`]; the office changes
/// any of it afterwards.
pub fn theme_from_hot_spot(year: i32, spot: &HotSpot<'_>) -> ThemeDraft {
    use crate::validation::clipped as clip;
    let suffix = " (performance hot spot)";
    let name = format!(
        "{}{suffix}",
        clip(spot.indicator, MAX_THEME_NAME - suffix.chars().count())
    );
    let indicator = clip(spot.indicator, 500);
    let question = format!(
        "What does practice behind \u{201c}{indicator}\u{201d} look like in individual cases, and why does the indicator show {} ({})?",
        spot.variation.to_lowercase(),
        spot.assurance.to_lowercase()
    );
    let latest = spot
        .latest
        .as_deref()
        .map(|l| format!(" The latest value: {l}."))
        .unwrap_or_default();
    let terms = format!(
        "Proposed from the performance dataset: \u{201c}{indicator}\u{201d} ({}) is a hot spot, showing {} with {}.{latest} Choose cases from the period the chart flags, from every agency that contributes to the indicator.",
        clip(spot.definition, 2_000),
        spot.variation.to_lowercase(),
        spot.assurance.to_lowercase(),
    );
    ThemeDraft {
        year,
        name,
        terms_of_reference: clip(&terms, MAX_THEME_TEXT),
        question: clip(&question, MAX_THEME_TEXT),
        planned_for: None,
        revisits_id: None,
    }
}

/// Checks a theme: a year of [`YEARS`], a name, the question the audit must answer, terms
/// of reference at most their length (they may follow), a planned date within the year
/// or the next. Fields `year`, `name`, `termsOfReference`, `question`, `plannedFor`.
pub fn check_theme(draft: ThemeDraft) -> Result<ThemeDraft, Problems> {
    let mut p = Problems::new();
    if !YEARS.contains(&draft.year) {
        p.push("year", "must be a year between 2000 and 2100");
    }
    let name = p.text("name", &draft.name, MAX_THEME_NAME);
    let terms_of_reference = optional(
        &mut p,
        "termsOfReference",
        &draft.terms_of_reference,
        MAX_THEME_TEXT,
    );
    let question = p.long_text("question", &draft.question, MAX_THEME_TEXT);
    if let Some(date) = draft.planned_for {
        if date.year() != draft.year && date.year() != draft.year + 1 {
            p.push(
                "plannedFor",
                format!(
                    "must be in {} or early in {} (the programme's year)",
                    draft.year,
                    draft.year + 1
                ),
            );
        }
    }
    p.into_result().map(|()| ThemeDraft {
        year: draft.year,
        name,
        terms_of_reference,
        question,
        planned_for: draft.planned_for,
        revisits_id: draft.revisits_id.filter(|id| !id.trim().is_empty()),
    })
}

/// A case of an audit's sample as the office records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseDraft {
    /// Pseudonymised: "Case 3: Child D, aged 4".
    pub label: String,
    pub why_chosen: String,
    /// The agencies involved with the child and family (they grade the case).
    pub agency_ids: Vec<String>,
}

/// Checks a case: a label and why it was chosen, neither holding what the identifier
/// detectors find (a date of birth, NHS number, postcode or phone number: the sample is
/// pseudonymised), and 1 to [`MAX_CASE_AGENCIES`] agencies, each once, all of them taking
/// part in the audit (`audit_agencies`). Fields `label`, `whyChosen`, `agencyIds`.
pub fn check_case(draft: CaseDraft, audit_agencies: &[String]) -> Result<CaseDraft, Problems> {
    let mut p = Problems::new();
    let label = p.text("label", &draft.label, MAX_CASE_LABEL);
    let why_chosen = p.long_text("whyChosen", &draft.why_chosen, MAX_CASE_REASON);
    for (field, text) in [("label", &label), ("whyChosen", &why_chosen)] {
        if let Some(hit) = find_identifiers(text).first() {
            p.push(
                field,
                format!(
                    "holds what looks like a {} ({}): the sample is pseudonymised, describe the child as \"Child D, aged 4\"",
                    hit.kind.label().to_lowercase(),
                    &text[hit.start..hit.end]
                ),
            );
        }
    }
    if draft.agency_ids.is_empty() {
        p.push(
            "agencyIds",
            "name at least one agency involved with the case",
        );
    }
    if draft.agency_ids.len() > MAX_CASE_AGENCIES {
        p.push(
            "agencyIds",
            format!("must name at most {MAX_CASE_AGENCIES} agencies"),
        );
        return Err(p);
    }
    let mut seen = HashSet::new();
    let mut agency_ids = Vec::with_capacity(draft.agency_ids.len());
    for id in draft.agency_ids {
        let id = id.trim().to_owned();
        if !seen.insert(id.clone()) {
            p.push("agencyIds", "names an agency twice");
        } else if !audit_agencies.contains(&id) {
            p.push(
                "agencyIds",
                "names an agency that is not taking part in the audit: add it to the audit first",
            );
        }
        agency_ids.push(id);
    }
    p.into_result().map(|()| CaseDraft {
        label,
        why_chosen,
        agency_ids,
    })
}

/// Checks the evidence given with a grade (it may be empty: a grade of "not applicable"
/// needs none). Field `evidence`. Answers it trimmed.
pub fn check_evidence(evidence: &str) -> Result<String, Problems> {
    let mut p = Problems::new();
    let evidence = optional(&mut p, "evidence", evidence, MAX_EVIDENCE);
    p.into_result().map(|()| evidence)
}

/// The longest part of the meeting report.
pub const MAX_MEETING_PART: usize = 20_000;
/// The longest list of attendees.
pub const MAX_ATTENDEES: usize = 4_000;

/// The audit meeting and its report, as the framework lists the report's parts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MeetingDraft {
    pub held_on: Option<NaiveDate>,
    /// One attendee per line.
    pub attendees: String,
    pub summary_of_learning: String,
    /// Comments on any issues with the audit process.
    pub process_comments: String,
    /// Recommended actions for individual agencies.
    pub agency_actions: String,
    /// Proposed multi-agency action.
    pub multi_agency_action: String,
}

/// Checks the meeting report on `today`: held on a date up to today (if set); each part
/// at most its length (a part may wait until written). Fields `heldOn`, `attendees`,
/// `summaryOfLearning`, `processComments`, `agencyActions`, `multiAgencyAction`.
pub fn check_meeting(draft: MeetingDraft, today: NaiveDate) -> Result<MeetingDraft, Problems> {
    let mut p = Problems::new();
    if draft.held_on.is_some_and(|d| d > today) {
        p.push(
            "heldOn",
            "must be today or an earlier date: record the meeting once held",
        );
    }
    let attendees = optional(&mut p, "attendees", &draft.attendees, MAX_ATTENDEES);
    let summary_of_learning = optional(
        &mut p,
        "summaryOfLearning",
        &draft.summary_of_learning,
        MAX_MEETING_PART,
    );
    let process_comments = optional(
        &mut p,
        "processComments",
        &draft.process_comments,
        MAX_MEETING_PART,
    );
    let agency_actions = optional(
        &mut p,
        "agencyActions",
        &draft.agency_actions,
        MAX_MEETING_PART,
    );
    let multi_agency_action = optional(
        &mut p,
        "multiAgencyAction",
        &draft.multi_agency_action,
        MAX_MEETING_PART,
    );
    p.into_result().map(|()| MeetingDraft {
        held_on: draft.held_on,
        attendees,
        summary_of_learning,
        process_comments,
        agency_actions,
        multi_agency_action,
    })
}

/// An optional text: trimmed, at most `max` characters, no control characters but line
/// breaks and tabs.
fn optional(p: &mut Problems, field: &str, value: &str, max: usize) -> String {
    if value.trim().is_empty() {
        String::new()
    } else {
        p.long_text(field, value, max)
    }
}

/// One grade given: which question, by which agency, with what tone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GivenGrade<'a> {
    pub question_id: &'a str,
    pub agency_id: &'a str,
    pub grade_code: &'a str,
    pub tone: GradeTone,
}

/// The grades one agency gave one question across the audit's cases.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    /// How many cases got each grade (by the grade's code).
    pub counts: BTreeMap<String, u32>,
    /// The mean score of the graded cases (good 2, requires improvement 1, inadequate 0),
    /// `None` when every case was "not applicable".
    pub mean: Option<f64>,
    /// The tone the mean rounds to (the cell's colour): good from 1.5, poor below 0.5.
    pub tone: Option<GradeTone>,
    /// Cases graded, not applicable included.
    pub cases: u32,
}

/// The cells of a heatmap, by (question id, agency id).
pub fn tally<'a>(
    grades: impl IntoIterator<Item = GivenGrade<'a>>,
) -> BTreeMap<(String, String), Cell> {
    let mut sums: BTreeMap<(String, String), (Cell, u32, u32)> = BTreeMap::new();
    for g in grades {
        let (cell, total, scored) = sums
            .entry((g.question_id.to_owned(), g.agency_id.to_owned()))
            .or_default();
        *cell.counts.entry(g.grade_code.to_owned()).or_default() += 1;
        cell.cases += 1;
        if let Some(score) = g.tone.score() {
            *total += u32::from(score);
            *scored += 1;
        }
    }
    sums.into_iter()
        .map(|(key, (mut cell, total, scored))| {
            if scored > 0 {
                let mean = f64::from(total) / f64::from(scored);
                cell.mean = Some(mean);
                cell.tone = Some(tone_of_mean(mean));
            }
            (key, cell)
        })
        .collect()
}

/// The tone a mean score rounds to.
pub fn tone_of_mean(mean: f64) -> GradeTone {
    if mean >= 1.5 {
        GradeTone::Good
    } else if mean >= 0.5 {
        GradeTone::Mixed
    } else {
        GradeTone::Poor
    }
}

vocabulary! {
    /// How practice on one question moved between an audit and the theme's earlier audit.
    Movement {
        Better => ("BETTER", "Better"),
        Same => ("SAME", "About the same"),
        Worse => ("WORSE", "Worse"),
        NotComparable => ("NOT_COMPARABLE", "Not graded in both audits"),
    }
}

/// The smallest change of mean score read as a movement: a third of a grade, so one case
/// of three moving one grade shows, and noise of one case in ten does not.
pub const MOVEMENT_THRESHOLD: f64 = 1.0 / 3.0;

/// How a cell moved from `then` to `now`.
pub fn movement(then: Option<&Cell>, now: Option<&Cell>) -> Movement {
    match (then.and_then(|c| c.mean), now.and_then(|c| c.mean)) {
        (Some(a), Some(b)) if b - a >= MOVEMENT_THRESHOLD - 1e-9 => Movement::Better,
        (Some(a), Some(b)) if a - b >= MOVEMENT_THRESHOLD - 1e-9 => Movement::Worse,
        (Some(_), Some(_)) => Movement::Same,
        _ => Movement::NotComparable,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_hot_spot_proposes_a_theme_within_the_bounds() {
        let long = "Re-referrals to children's social care within 12 months ".repeat(20);
        for indicator in ["Re-referrals within 12 months", long.as_str()] {
            let spot = HotSpot {
                indicator,
                definition: "Referrals that follow another within 12 months, as a percentage",
                variation: "Special cause concern (higher)",
                assurance: "Target reliably missed",
                latest: Some("2026-09: 31".into()),
            };
            let draft = theme_from_hot_spot(2027, &spot);
            let checked =
                check_theme(draft.clone()).expect("a proposal passes the theme's own check");
            assert_eq!(checked, draft);
            assert!(
                draft.name.ends_with("(performance hot spot)"),
                "{}",
                draft.name
            );
            assert!(draft.name.chars().count() <= MAX_THEME_NAME);
            assert!(
                draft.question.contains("special cause concern (higher)"),
                "{}",
                draft.question
            );
            assert!(draft.terms_of_reference.contains("2026-09: 31"));
        }
    }

    use super::*;

    fn theme(year: i32, planned: Option<NaiveDate>) -> ThemeDraft {
        ThemeDraft {
            year,
            name: " Disabled children ".into(),
            terms_of_reference: String::new(),
            question: "How well do agencies recognise neglect of disabled children?".into(),
            planned_for: planned,
            revisits_id: None,
        }
    }

    #[test]
    fn a_theme_needs_a_name_and_a_question_and_a_date_in_its_year() {
        let ok = check_theme(theme(2026, NaiveDate::from_ymd_opt(2026, 5, 1))).expect("valid");
        assert_eq!(ok.name, "Disabled children");
        let early_next = check_theme(theme(2026, NaiveDate::from_ymd_opt(2027, 2, 1)));
        assert!(
            early_next.is_ok(),
            "a year's programme may run into the next"
        );
        let far = check_theme(theme(2026, NaiveDate::from_ymd_opt(2029, 1, 1))).expect_err("far");
        assert!(far.to_string().contains("plannedFor"), "{far}");
        let mut empty = theme(1999, None);
        empty.question = "  ".into();
        let problems = check_theme(empty).expect_err("empty").to_string();
        assert!(
            problems.contains("year") && problems.contains("question"),
            "{problems}"
        );
    }

    fn case(label: &str, agencies: &[&str]) -> CaseDraft {
        CaseDraft {
            label: label.into(),
            why_chosen: "Open to early help before a child protection plan.".into(),
            agency_ids: agencies.iter().map(|a| (*a).to_owned()).collect(),
        }
    }

    #[test]
    fn a_case_is_pseudonymised_and_names_agencies_of_the_audit() {
        let audit = vec!["pol".to_owned(), "csc".to_owned()];
        assert!(check_case(case("Case 3: Child D, aged 4", &["pol"]), &audit).is_ok());
        let dob = check_case(case("Child D, born 14/03/2019", &["pol"]), &audit)
            .expect_err("a date of birth");
        assert!(dob.to_string().contains("date of birth"), "{dob}");
        let postcode =
            check_case(case("Child D of NN1 5BD", &["pol"]), &audit).expect_err("a postcode");
        assert!(postcode.to_string().contains("postcode"), "{postcode}");
        let twice = check_case(case("Case 1", &["pol", "pol"]), &audit).expect_err("twice");
        assert!(twice.to_string().contains("twice"), "{twice}");
        let outside = check_case(case("Case 1", &["health"]), &audit).expect_err("outside");
        assert!(outside.to_string().contains("not taking part"), "{outside}");
        let none = check_case(case("Case 1", &[]), &audit).expect_err("none");
        assert!(none.to_string().contains("agencyIds"), "{none}");
    }

    fn given<'a>(q: &'a str, a: &'a str, code: &'a str, tone: GradeTone) -> GivenGrade<'a> {
        GivenGrade {
            question_id: q,
            agency_id: a,
            grade_code: code,
            tone,
        }
    }

    #[test]
    fn a_cell_counts_grades_and_its_tone_is_the_rounded_mean_of_graded_cases() {
        let cells = tally([
            given("q1", "pol", "GOOD", GradeTone::Good),
            given("q1", "pol", "INADEQUATE", GradeTone::Poor),
            given("q1", "pol", "NA", GradeTone::NotApplicable),
            given("q1", "csc", "GOOD", GradeTone::Good),
            given("q2", "pol", "NA", GradeTone::NotApplicable),
        ]);
        let pol = &cells[&("q1".to_owned(), "pol".to_owned())];
        assert_eq!(pol.cases, 3);
        assert_eq!(pol.counts["GOOD"], 1);
        assert_eq!(
            pol.mean,
            Some(1.0),
            "not applicable is left out of the mean"
        );
        assert_eq!(pol.tone, Some(GradeTone::Mixed));
        assert_eq!(
            cells[&("q1".to_owned(), "csc".to_owned())].tone,
            Some(GradeTone::Good)
        );
        let na = &cells[&("q2".to_owned(), "pol".to_owned())];
        assert_eq!((na.mean, na.tone), (None, None));
    }

    #[test]
    fn movement_needs_a_third_of_a_grade_either_way_and_both_audits_graded() {
        let cell = |mean: Option<f64>| Cell {
            mean,
            ..Cell::default()
        };
        let m = |a: Option<f64>, b: Option<f64>| movement(Some(&cell(a)), Some(&cell(b)));
        assert_eq!(m(Some(1.0), Some(2.0)), Movement::Better);
        assert_eq!(m(Some(1.0), Some(1.0 + 1.0 / 3.0)), Movement::Better);
        assert_eq!(m(Some(1.0), Some(1.2)), Movement::Same);
        assert_eq!(m(Some(2.0), Some(1.5)), Movement::Worse);
        assert_eq!(m(None, Some(2.0)), Movement::NotComparable);
        assert_eq!(
            movement(None, Some(&cell(Some(1.0)))),
            Movement::NotComparable
        );
    }

    #[test]
    fn a_meeting_is_recorded_once_held_and_its_parts_are_bounded() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).expect("date");
        let ok = check_meeting(
            MeetingDraft {
                held_on: Some(today),
                summary_of_learning: "  Early help was offered late.  ".into(),
                ..MeetingDraft::default()
            },
            today,
        )
        .expect("valid");
        assert_eq!(ok.summary_of_learning, "Early help was offered late.");
        let problems = check_meeting(
            MeetingDraft {
                held_on: today.succ_opt(),
                agency_actions: "x".repeat(MAX_MEETING_PART + 1),
                ..MeetingDraft::default()
            },
            today,
        )
        .expect_err("future and long")
        .to_string();
        assert!(
            problems.contains("heldOn") && problems.contains("agencyActions"),
            "{problems}"
        );
    }

    #[test]
    fn only_audit_kinds_take_a_theme() {
        assert!(is_audit_kind(ReviewKind::MultiAgencyCaseAudit));
        assert!(is_audit_kind(ReviewKind::ThematicAudit));
        assert!(!ReviewKind::ALL
            .iter()
            .filter(|k| !matches!(
                k,
                ReviewKind::MultiAgencyCaseAudit | ReviewKind::ThematicAudit
            ))
            .any(|k| is_audit_kind(*k)));
    }
}
