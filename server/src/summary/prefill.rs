//! What a new learning summary starts with, taken from what the review already holds, so the
//! authors edit rather than type it all again:
//! - type of review and overall purpose: the review's kind and methodology;
//! - month/year of incident: the review's incident month and year;
//! - key learning points (single agency, multi-agency): the review's learning points of that
//!   scope, one bullet each, "title — detail";
//! - how changes will be made: the review's actions, one bullet each, "POL: title (by 1 March
//!   2026)";
//! - how impact will be audited: what each action says about auditing its impact.
//!
//! The other fields start blank. Everything is Markdown, and each text fits its field (a very
//! long list is cut at the last whole line that fits).

use crate::entities::review;
use chrono::NaiveDate;
use shared::actions::LearningScope;
use shared::reviews::{Methodology, ReviewKind};
use shared::summary::{check_field, SummaryField};

/// A learning point as the summary quotes it.
pub struct PointFacts<'a> {
    pub scope: LearningScope,
    pub title: &'a str,
    pub detail: &'a str,
}

/// An action as the summary quotes it.
pub struct ActionFacts<'a> {
    /// The owner agency's prefix, e.g. "POL".
    pub agency_prefix: &'a str,
    pub title: &'a str,
    pub target_on: NaiveDate,
    pub impact_audit: Option<&'a str>,
}

/// The fields a new summary of `review` starts with (only those with something to say), in
/// the template's order.
pub fn prefill(
    review: &review::Model,
    points: &[PointFacts<'_>],
    actions: &[ActionFacts<'_>],
) -> Vec<(SummaryField, String)> {
    let learning = |scope: LearningScope| {
        bullets(points.iter().filter(|p| p.scope == scope).map(|p| {
            let (title, detail) = (one_line(p.title), one_line(p.detail));
            if detail.is_empty() || detail == title {
                title
            } else {
                format!("{title} \u{2014} {detail}")
            }
        }))
    };
    let changes = bullets(actions.iter().map(|a| {
        format!(
            "{}: {} (by {})",
            a.agency_prefix,
            one_line(a.title),
            a.target_on.format("%-d %B %Y")
        )
    }));
    let mut audits: Vec<String> = Vec::new();
    for a in actions {
        let Some(how) = a.impact_audit.map(one_line).filter(|h| !h.is_empty()) else {
            continue;
        };
        let line = format!("{}: {how}", a.agency_prefix);
        if !audits.contains(&line) {
            audits.push(line);
        }
    }
    [
        (SummaryField::ReviewTypeAndPurpose, type_and_purpose(review)),
        (SummaryField::IncidentMonth, incident_month(review)),
        (
            SummaryField::SingleAgencyLearning,
            learning(LearningScope::SingleAgency),
        ),
        (
            SummaryField::MultiAgencyLearning,
            learning(LearningScope::MultiAgency),
        ),
        (SummaryField::HowChangesWillBeMade, changes),
        (
            SummaryField::HowImpactWillBeAudited,
            bullets(audits.into_iter()),
        ),
    ]
    .into_iter()
    .filter_map(|(field, text)| Some((field, fit(field, &text)?)))
    .collect()
}

/// "Serious case review / local child safeguarding practice review.", then the methodology
/// with what the business office wrote about it.
fn type_and_purpose(review: &review::Model) -> String {
    let kind = ReviewKind::from_code(&review.kind).map_or(review.kind.as_str(), |k| k.label());
    let detail = review
        .methodology_detail
        .as_deref()
        .map(one_line)
        .filter(|d| !d.is_empty());
    let methodology = match (Methodology::from_code(&review.methodology), detail) {
        (Some(Methodology::Other) | None, None) => None,
        (Some(Methodology::Other) | None, Some(detail)) => Some(detail),
        (Some(m), None) => Some(m.label().to_owned()),
        (Some(m), Some(detail)) => Some(format!("{} \u{2014} {detail}", m.label())),
    };
    match methodology {
        Some(m) => format!("{kind}.\n\nMethodology: {m}."),
        None => format!("{kind}."),
    }
}

/// "May 2016", or the year alone when the month is not known.
fn incident_month(review: &review::Model) -> String {
    review
        .incident_month
        .and_then(|m| u32::try_from(m).ok())
        .and_then(|m| NaiveDate::from_ymd_opt(review.incident_year, m, 1))
        .map_or_else(
            || review.incident_year.to_string(),
            |d| d.format("%B %Y").to_string(),
        )
}

/// A Markdown bullet list, one line per item.
fn bullets(items: impl Iterator<Item = String>) -> String {
    items
        .filter(|i| !i.is_empty())
        .map(|i| format!("- {i}\n"))
        .collect()
}

/// The text on one line: runs of white space (line breaks included) as one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text as the field takes it (trimmed), cut at the last whole line that fits; `None`
/// when nothing is left.
fn fit(field: SummaryField, text: &str) -> Option<String> {
    let max = field.max_chars();
    let mut kept = String::new();
    for line in text.lines() {
        if kept.chars().count() + line.chars().count() + 1 > max {
            break;
        }
        kept.push_str(line);
        kept.push('\n');
    }
    check_field(field, &kept).ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn review(month: Option<i32>, methodology: &str, detail: Option<&str>) -> review::Model {
        let now = Utc::now();
        review::Model {
            id: "r".into(),
            reference: "SCR-2016-03".into(),
            kind: "SERIOUS_CASE_REVIEW".into(),
            subject: "Child A".into(),
            themes: "[]".into(),
            methodology: methodology.into(),
            methodology_detail: detail.map(Into::into),
            incident_month: month,
            incident_year: 2016,
            regime_id: "wt2015".into(),
            aware_on: None,
            notified_on: NaiveDate::from_ymd_opt(2016, 6, 2).unwrap_or_default(),
            decision: None,
            decision_justification: None,
            decided_on: None,
            decided_by: None,
            panel_notified_on: None,
            panel_lead_reviewer_names: "[]".into(),
            completed_on: None,
            published_on: None,
            version: 1,
            sharing_tolerance_days: 2,
            gap_threshold_days: 60,
            chronology_shared_at: None,
            returns_due_on: None,
            created_at: now,
            updated_at: now,
        }
    }

    fn text(fields: &[(SummaryField, String)], field: SummaryField) -> Option<&str> {
        fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, t)| t.as_str())
    }

    #[test]
    fn from_the_review_alone() {
        let fields = prefill(
            &review(Some(5), "LEARNING_TOGETHER", Some("Two  lead\nreviewers")),
            &[],
            &[],
        );
        assert_eq!(
            text(&fields, SummaryField::ReviewTypeAndPurpose),
            Some(
                "Serious case review / local child safeguarding practice review.\n\n\
                 Methodology: SCIE Learning Together \u{2014} Two lead reviewers."
            )
        );
        assert_eq!(text(&fields, SummaryField::IncidentMonth), Some("May 2016"));
        let codes: Vec<SummaryField> = fields.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            codes,
            [
                SummaryField::ReviewTypeAndPurpose,
                SummaryField::IncidentMonth
            ],
            "nothing to say elsewhere"
        );

        let fields = prefill(&review(None, "OTHER", None), &[], &[]);
        assert_eq!(text(&fields, SummaryField::IncidentMonth), Some("2016"));
        assert_eq!(
            text(&fields, SummaryField::ReviewTypeAndPurpose),
            Some("Serious case review / local child safeguarding practice review.")
        );
        let fields = prefill(&review(None, "OTHER", Some("Hybrid model")), &[], &[]);
        assert!(text(&fields, SummaryField::ReviewTypeAndPurpose)
            .is_some_and(|t| t.ends_with("Methodology: Hybrid model.")));
    }

    #[test]
    fn learning_points_by_scope_and_actions() {
        let points = [
            PointFacts {
                scope: LearningScope::MultiAgency,
                title: "Strategy discussions",
                detail: "Health was not invited.\nNobody followed up.",
            },
            PointFacts {
                scope: LearningScope::SingleAgency,
                title: "Recording",
                detail: "",
            },
            PointFacts {
                scope: LearningScope::MultiAgency,
                title: "Escalation",
                detail: "Escalation",
            },
        ];
        let on = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default();
        let actions = [
            ActionFacts {
                agency_prefix: "POL",
                title: "Invite health",
                target_on: on,
                impact_audit: Some("Audit of 10 strategy\ndiscussions"),
            },
            ActionFacts {
                agency_prefix: "CSC",
                title: "Train staff",
                target_on: on,
                impact_audit: None,
            },
            ActionFacts {
                agency_prefix: "POL",
                title: "Invite health again",
                target_on: on,
                impact_audit: Some("Audit of 10 strategy discussions"),
            },
        ];
        let fields = prefill(&review(Some(5), "SILP", None), &points, &actions);
        assert_eq!(
            text(&fields, SummaryField::MultiAgencyLearning),
            Some(
                "- Strategy discussions \u{2014} Health was not invited. Nobody followed up.\n\
                 - Escalation"
            )
        );
        assert_eq!(
            text(&fields, SummaryField::SingleAgencyLearning),
            Some("- Recording")
        );
        assert_eq!(
            text(&fields, SummaryField::HowChangesWillBeMade),
            Some(
                "- POL: Invite health (by 1 March 2026)\n\
                 - CSC: Train staff (by 1 March 2026)\n\
                 - POL: Invite health again (by 1 March 2026)"
            )
        );
        assert_eq!(
            text(&fields, SummaryField::HowImpactWillBeAudited),
            Some("- POL: Audit of 10 strategy discussions"),
            "said once"
        );
        let order: Vec<usize> = fields
            .iter()
            .map(|(f, _)| SummaryField::ALL.iter().position(|a| a == f).unwrap_or(99))
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "template order");
    }

    #[test]
    fn a_list_too_long_for_its_field_is_cut_at_a_whole_line() {
        let title = "x".repeat(990);
        let points: Vec<PointFacts<'_>> = (0..30)
            .map(|_| PointFacts {
                scope: LearningScope::MultiAgency,
                title: &title,
                detail: "",
            })
            .collect();
        let fields = prefill(&review(Some(5), "SILP", None), &points, &[]);
        let text = text(&fields, SummaryField::MultiAgencyLearning).unwrap_or_default();
        assert_eq!(text.lines().count(), 20);
        assert!(text.chars().count() <= SummaryField::MultiAgencyLearning.max_chars());
        assert!(text.lines().all(|l| l.len() == 992));
    }
}
