//! Agencies' quality-assurance work and their annual QA impact reports.
//!
//! - Each agency records its **single-agency audits** (topic, the standard audited
//!   against, sample size, date, findings, what changed) beside its QA mechanisms; the
//!   agency's lead and the business office keep them (`Actor::can_keep_agency_qa`).
//! - Once a year the business office asks every agency for its **QA impact report**: a
//!   template of sections kept per year (by default [`DEFAULT_SECTIONS`]) and a due date.
//!   The agency's lead writes under every section and submits; the office accepts the
//!   report or returns it with comments. The report goes through the same stages as a
//!   Section 11 self-assessment (being written, submitted, returned, accepted), and the
//!   same people write and read it.

use crate::Problems;
use chrono::NaiveDate;

pub use crate::section11::{reads, scrutinises, writes, AssessmentStatus as ReportStatus};

/// The longest audit topic, or standard audited against.
pub const MAX_TOPIC: usize = 200;
/// The longest findings, or what changed, of an audit.
pub const MAX_FINDINGS: usize = 10_000;
/// The largest sample one audit may count.
pub const MAX_SAMPLE: i32 = 100_000;
/// The most single-agency audits one agency keeps.
pub const MAX_AUDITS_PER_AGENCY: u64 = 2_000;
/// The earliest audit date accepted.
pub const EARLIEST_AUDIT: i32 = 2000;
/// The longest section title of the template.
pub const MAX_SECTION_TITLE: usize = 200;
/// The longest guidance of a section.
pub const MAX_GUIDANCE: usize = 2_000;
/// The most sections in a year's template.
pub const MAX_SECTIONS: usize = 20;
/// The longest text an agency writes under one section.
pub const MAX_ANSWER: usize = 20_000;
/// The longest comment of the office returning a report.
pub const MAX_COMMENT: usize = 4_000;
/// The years a template may be for.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// The sections the framework asks every agency's QA impact report to cover, with the
/// guidance shown to the writer: the template a year starts from.
pub const DEFAULT_SECTIONS: &[(&str, &str)] = &[
    (
        "Quality-assurance work done",
        "The audits, case reviews, supervision checks and other QA activity of the year, with their scale.",
    ),
    (
        "What it found",
        "The main findings: strengths, and where practice fell short of the standard.",
    ),
    (
        "What changed for children as a result",
        "The changes to practice, procedure or services the findings led to, and what they meant for children and families.",
    ),
    (
        "Evidence of impact",
        "How you know the changes made a difference: re-audit results, data, feedback from children, families and staff.",
    ),
    (
        "What is planned",
        "The QA work planned for next year and the improvements still to make.",
    ),
];

/// A single-agency audit as the agency records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditDraft {
    pub topic: String,
    pub standard: String,
    pub sample_size: i32,
    pub audited_on: NaiveDate,
    pub findings: String,
    pub what_changed: String,
}

/// Checks an audit on `today`: a topic and findings; the standard and what changed at most
/// their lengths (what changed may not be known yet); a sample of 1 to [`MAX_SAMPLE`]; a
/// date from 2000 up to today. Fields `topic`, `standard`, `sampleSize`, `auditedOn`,
/// `findings`, `whatChanged`. Answers the draft trimmed.
pub fn check_audit(draft: AuditDraft, today: NaiveDate) -> Result<AuditDraft, Problems> {
    let mut p = Problems::new();
    let topic = p.text("topic", &draft.topic, MAX_TOPIC);
    let standard = optional(&mut p, "standard", &draft.standard, MAX_TOPIC);
    if !(1..=MAX_SAMPLE).contains(&draft.sample_size) {
        p.push(
            "sampleSize",
            format!("must be a number of cases from 1 to {MAX_SAMPLE}"),
        );
    }
    if draft.audited_on > today {
        p.push("auditedOn", "must be today or an earlier date");
    } else if chrono::Datelike::year(&draft.audited_on) < EARLIEST_AUDIT {
        p.push("auditedOn", format!("must be in {EARLIEST_AUDIT} or later"));
    }
    let findings = p.long_text("findings", &draft.findings, MAX_FINDINGS);
    let what_changed = optional(&mut p, "whatChanged", &draft.what_changed, MAX_FINDINGS);
    p.into_result().map(|()| AuditDraft {
        topic,
        standard,
        sample_size: draft.sample_size,
        audited_on: draft.audited_on,
        findings,
        what_changed,
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

/// One section of a year's template, as the office writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionDraft {
    pub title: String,
    pub guidance: String,
}

/// Checks a year's template: the year, 1 to [`MAX_SECTIONS`] sections, each titled, titles
/// distinct. Fields `year`, `sections` and `sections.{i}.{title|guidance}`. Answers the
/// drafts trimmed.
pub fn check_sections(year: i32, drafts: Vec<SectionDraft>) -> Result<Vec<SectionDraft>, Problems> {
    let mut p = Problems::new();
    if !YEARS.contains(&year) {
        p.push("year", "must be a year between 2000 and 2100");
    }
    if drafts.is_empty() {
        p.push("sections", "must have at least one section");
    }
    if drafts.len() > MAX_SECTIONS {
        p.push(
            "sections",
            format!("must have at most {MAX_SECTIONS} sections"),
        );
        return Err(p);
    }
    let mut seen = std::collections::HashSet::new();
    let drafts: Vec<SectionDraft> = drafts
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let field = format!("sections.{i}.title");
            let title = p.text(&field, &d.title, MAX_SECTION_TITLE);
            if !title.is_empty() && !seen.insert(title.to_lowercase()) {
                p.push(field, "is the same as another section's");
            }
            let guidance = optional(
                &mut p,
                &format!("sections.{i}.guidance"),
                &d.guidance,
                MAX_GUIDANCE,
            );
            SectionDraft { title, guidance }
        })
        .collect();
    p.into_result().map(|()| drafts)
}

/// Checks what an agency writes under one section while drafting (it may be empty until
/// submission). Field `text`. Answers it trimmed.
pub fn check_answer(text: &str) -> Result<String, Problems> {
    let mut p = Problems::new();
    let text = optional(&mut p, "text", text, MAX_ANSWER);
    p.into_result().map(|()| text)
}

/// Checks a report before it is submitted: something written under every section.
/// `answers` are in the order of the sections; fields `answers.{i}.text`.
pub fn check_submission(answers: &[String]) -> Result<(), Problems> {
    let mut p = Problems::new();
    for (i, a) in answers.iter().enumerate() {
        if a.trim().is_empty() {
            p.push(
                format!("answers.{i}.text"),
                "write this section before submitting",
            );
        }
    }
    p.into_result()
}

/// The office's decision on a submitted report: accepted, or returned with a comment
/// saying what the agency should look at again. Field `comment`.
pub fn check_decision(accept: bool, comment: &str) -> Result<ReportStatus, Problems> {
    let mut p = Problems::new();
    let comment = comment.trim();
    if !accept && comment.is_empty() {
        p.push("comment", "say what the agency should look at again");
    }
    if comment.chars().count() > MAX_COMMENT {
        p.push(
            "comment",
            format!("must be at most {MAX_COMMENT} characters"),
        );
    }
    p.into_result().map(|()| {
        if accept {
            ReportStatus::Accepted
        } else {
            ReportStatus::Returned
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn audit() -> AuditDraft {
        AuditDraft {
            topic: " Strategy discussions ".into(),
            standard: "Working Together 2023, chapter 2".into(),
            sample_size: 20,
            audited_on: d(2026, 5, 1),
            findings: "Police attended 18 of 20.".into(),
            what_changed: String::new(),
        }
    }

    fn fields(p: &Problems) -> Vec<&str> {
        p.0.iter().map(|x| x.field.as_str()).collect()
    }

    #[test]
    fn an_audit_needs_a_topic_findings_a_real_sample_and_a_past_date() {
        let ok = check_audit(audit(), d(2026, 6, 1)).expect("valid");
        assert_eq!(ok.topic, "Strategy discussions");
        assert_eq!(ok.what_changed, "");
        let bad = AuditDraft {
            topic: "  ".into(),
            sample_size: 0,
            audited_on: d(2026, 6, 2),
            findings: String::new(),
            what_changed: "x".repeat(MAX_FINDINGS + 1),
            ..audit()
        };
        let p = check_audit(bad, d(2026, 6, 1)).expect_err("invalid");
        assert_eq!(
            fields(&p),
            [
                "topic",
                "sampleSize",
                "auditedOn",
                "findings",
                "whatChanged"
            ]
        );
        let old = AuditDraft {
            audited_on: d(1999, 12, 31),
            sample_size: MAX_SAMPLE + 1,
            ..audit()
        };
        let p = check_audit(old, d(2026, 6, 1)).expect_err("invalid");
        assert_eq!(fields(&p), ["sampleSize", "auditedOn"]);
        assert!(check_audit(
            AuditDraft {
                sample_size: MAX_SAMPLE,
                audited_on: d(2026, 6, 1),
                ..audit()
            },
            d(2026, 6, 1)
        )
        .is_ok());
    }

    #[test]
    fn a_template_has_titled_distinct_sections_in_a_real_year() {
        let s = |t: &str| SectionDraft {
            title: t.into(),
            guidance: String::new(),
        };
        let defaults: Vec<SectionDraft> = DEFAULT_SECTIONS
            .iter()
            .map(|(t, g)| SectionDraft {
                title: (*t).into(),
                guidance: (*g).into(),
            })
            .collect();
        assert!(check_sections(2026, defaults).is_ok());
        let p = check_sections(1999, vec![]).expect_err("bad");
        assert_eq!(fields(&p), ["year", "sections"]);
        let p = check_sections(2026, vec![s("Findings"), s(" findings "), s("")]).expect_err("bad");
        assert_eq!(fields(&p), ["sections.1.title", "sections.2.title"]);
        let many = (0..=MAX_SECTIONS).map(|i| s(&format!("S{i}"))).collect();
        assert_eq!(
            fields(&check_sections(2026, many).expect_err("bad")),
            ["sections"]
        );
    }

    #[test]
    fn a_report_is_submitted_with_every_section_written() {
        assert!(check_submission(&["Done".into(), "Found".into()]).is_ok());
        let p = check_submission(&["Done".into(), "  ".into(), String::new()]).expect_err("bad");
        assert_eq!(fields(&p), ["answers.1.text", "answers.2.text"]);
        assert_eq!(check_answer("  kept  "), Ok("kept".to_owned()));
        assert_eq!(check_answer(""), Ok(String::new()));
        assert!(check_answer(&"x".repeat(MAX_ANSWER + 1)).is_err());
        assert!(check_answer(&"é".repeat(MAX_ANSWER)).is_ok());
    }

    #[test]
    fn returning_a_report_needs_a_comment() {
        assert_eq!(check_decision(true, ""), Ok(ReportStatus::Accepted));
        assert_eq!(
            check_decision(false, "Say what changed for children."),
            Ok(ReportStatus::Returned)
        );
        assert_eq!(
            fields(&check_decision(false, " ").expect_err("bad")),
            ["comment"]
        );
        assert!(check_decision(true, &"x".repeat(MAX_COMMENT + 1)).is_err());
    }
}
