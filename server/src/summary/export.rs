//! The learning summary as files: the Appendix 1 document (DOCX) and the practitioner
//! learning workshop slides (PPTX), both written by [`super::document`] from what the
//! summary says now.
//!
//! The document lists every field of the template in its order under the template's labels.
//! The slides take the case in brief from what was learnt about the case, then the
//! multi-agency and single-agency learning, what will change (how changes will be made) and
//! how we will know (how impact will be audited), and end with questions for reflection made
//! from the key learning points.

use super::document::{self, SummaryDocument, WorkshopSlides};
use shared::summary::SummaryField;

/// At most this many questions for reflection (one slide).
pub const MAX_QUESTIONS: usize = 6;

/// Asked when the key learning points give nothing to ask about.
const GENERAL_QUESTIONS: [&str; 3] = [
    "What does this case tell you about your own practice?",
    "What would you do differently, and who would you talk to?",
    "What will you share with your team after today?",
];

/// What the files say about the review and the summary, besides its fields.
pub struct Heading<'a> {
    pub partnership: &'a str,
    pub review_reference: &'a str,
    /// The review's pseudonymised subject, e.g. "Child A".
    pub review_title: &'a str,
    pub state_label: &'a str,
}

/// The document and slide texts of a summary whose fields say `texts` (every field, any
/// order; a field left out is blank).
pub fn summary_document(heading: &Heading<'_>, texts: &[(SummaryField, &str)]) -> SummaryDocument {
    let text = |field: SummaryField| -> String {
        texts
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, t)| (*t).to_owned())
            .unwrap_or_default()
    };
    SummaryDocument {
        partnership: heading.partnership.to_owned(),
        review_reference: heading.review_reference.to_owned(),
        review_title: heading.review_title.to_owned(),
        state_label: heading.state_label.to_owned(),
        fields: SummaryField::ALL
            .iter()
            .map(|f| (f.label().to_owned(), text(*f)))
            .collect(),
        slides: WorkshopSlides {
            case_in_brief: text(SummaryField::CaseLearning),
            multi_agency: text(SummaryField::MultiAgencyLearning),
            single_agency: text(SummaryField::SingleAgencyLearning),
            what_will_change: text(SummaryField::HowChangesWillBeMade),
            how_we_will_know: text(SummaryField::HowImpactWillBeAudited),
            questions: questions(&[
                &text(SummaryField::MultiAgencyLearning),
                &text(SummaryField::SingleAgencyLearning),
            ]),
        },
        generated_at: Some(chrono::Utc::now()),
    }
}

/// Questions for reflection, one per key learning point (multi-agency first), at most
/// [`MAX_QUESTIONS`]: "Strategy discussions: what does this mean for your own practice?".
/// The learning points are the list items of the texts, or their lines when they hold no
/// list; a point written "title — detail" is asked about by its title. Without any, a few
/// general questions.
pub fn questions(learning: &[&str]) -> Vec<String> {
    let mut points: Vec<String> = Vec::new();
    for text in learning {
        let items: Vec<&str> = text.lines().filter_map(list_item).collect();
        let lines: Vec<&str> = if items.is_empty() {
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .collect()
        } else {
            items
        };
        for line in lines {
            let title = line
                .split(" \u{2014} ")
                .next()
                .unwrap_or(line)
                .trim()
                .trim_end_matches(['.', ':', ';', ','])
                .trim();
            if !title.is_empty() && !points.iter().any(|p| p == title) {
                points.push(title.to_owned());
            }
        }
    }
    if points.is_empty() {
        return GENERAL_QUESTIONS.iter().map(|q| (*q).to_owned()).collect();
    }
    points
        .into_iter()
        .take(MAX_QUESTIONS)
        .map(|p| format!("{p}: what does this mean for your own practice?"))
        .collect()
}

/// The text of a Markdown list item ("- x", "* x", "+ x", "1. x", "1) x"), at any depth.
fn list_item(line: &str) -> Option<&str> {
    let line = line.trim_start();
    if let Some(rest) = line
        .strip_prefix("- ")
        .or_else(|| line.strip_prefix("* "))
        .or_else(|| line.strip_prefix("+ "))
    {
        return Some(rest.trim());
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 9 {
        return None;
    }
    let rest = &line[digits..];
    rest.strip_prefix(". ")
        .or_else(|| rest.strip_prefix(") "))
        .map(str::trim)
}

/// The file's name: the review's reference and what the file is.
pub fn file_name(review_reference: &str, pptx: bool) -> String {
    let stem = crate::chronology::export::file_stem(review_reference);
    if pptx {
        format!("{stem}-learning-workshop.pptx")
    } else {
        format!("{stem}-learning-summary.docx")
    }
}

/// The media type of the file.
pub fn media_type(pptx: bool) -> &'static str {
    if pptx {
        document::PPTX_CONTENT_TYPE
    } else {
        document::DOCX_CONTENT_TYPE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_question_per_learning_point_multi_agency_first() {
        let asked = questions(&[
            "- Strategy discussions \u{2014} Health was not invited.\n- Escalation was slow.",
            "1. Recording of children present\n2) Supervision:\n   - nested point",
        ]);
        assert_eq!(
            asked,
            [
                "Strategy discussions: what does this mean for your own practice?",
                "Escalation was slow: what does this mean for your own practice?",
                "Recording of children present: what does this mean for your own practice?",
                "Supervision: what does this mean for your own practice?",
                "nested point: what does this mean for your own practice?",
            ]
        );
    }

    #[test]
    fn plain_lines_count_when_there_is_no_list_and_there_are_limits() {
        assert_eq!(
            questions(&["## Heading\n\nInformation was shared late.\n", ""]),
            ["Information was shared late: what does this mean for your own practice?"]
        );
        let many: String = (1..=10).map(|i| format!("- Point {i}\n")).collect();
        assert_eq!(questions(&[many.as_str()]).len(), MAX_QUESTIONS);
        assert_eq!(questions(&["- Same", "- Same"]).len(), 1);
        assert_eq!(questions(&["", "  "]), GENERAL_QUESTIONS);
    }

    #[test]
    fn fields_in_template_order_with_their_labels_and_the_slides() {
        let heading = Heading {
            partnership: "Northshire Safeguarding Children Partnership",
            review_reference: "SCR-2016-03",
            review_title: "Child A",
            state_label: "Draft",
        };
        let doc = summary_document(
            &heading,
            &[
                (SummaryField::HowImpactWillBeAudited, "Re-audit"),
                (SummaryField::CaseLearning, "Neglect"),
                (SummaryField::MultiAgencyLearning, "- Escalation"),
            ],
        );
        let labels: Vec<&str> = doc.fields.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(labels, document::TEMPLATE_LABELS);
        assert_eq!(doc.fields[3].1, "Neglect");
        assert_eq!(doc.fields[0].1, "");
        assert_eq!(doc.slides.case_in_brief, "Neglect");
        assert_eq!(doc.slides.how_we_will_know, "Re-audit");
        assert_eq!(doc.slides.multi_agency, "- Escalation");
        assert_eq!(doc.slides.questions.len(), 1);
        assert_eq!(
            file_name("SCR 2016/03", true),
            "SCR-2016-03-learning-workshop.pptx"
        );
        assert_eq!(
            file_name("SCR-2016-03", false),
            "SCR-2016-03-learning-summary.docx"
        );
    }
}
