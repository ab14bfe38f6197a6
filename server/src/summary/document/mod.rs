//! The learning summary as files people download: the Appendix 1 document (DOCX) and the
//! practitioner workshop slide deck (PPTX).
//!
//! Both are Office Open XML packages written by hand: a zip of a few XML parts, no template
//! files and no Office library. The input is plain data ([`SummaryDocument`]), so this module
//! knows nothing of the database; the caller fills it from the review and its summary.
//! Field texts are Markdown (paragraphs, bullet and numbered lists, `**bold**`, `*italic*`,
//! headings, quotes, code); raw HTML in them is dropped and links become
//! "text (address)". Characters that XML 1.0 cannot carry (control characters other than
//! tab and line breaks) are removed.
//!
//! ```ignore
//! let bytes = summary::document::docx(&doc)?; // DOCX_CONTENT_TYPE
//! let bytes = summary::document::pptx(&doc)?; // PPTX_CONTENT_TYPE
//! ```

pub mod chart;
mod docx;
mod markdown;
mod png;
mod pptx;
mod report;

pub use report::{
    report_docx, Report, ReportBlock, ReportCell, ReportImage, ReportSection, ReportTable, Shade,
};

use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// Media type of the document from [`docx`].
pub const DOCX_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
/// Media type of the slide deck from [`pptx`].
pub const PPTX_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.presentationml.presentation";

/// The labels of the template's fields (the framework's Appendix 1), in the template's order.
/// [`SummaryDocument::fields`] is normally these, each with its text.
pub const TEMPLATE_LABELS: [&str; 10] = [
    "Date completed",
    "Type of review and overall purpose (methodology, chairing/authoring, how cases were selected)",
    "Month/year of incident",
    "What was learnt about the case (key themes, early learning, good practice)",
    "What was learnt about the review methodology",
    "Key learning points: single agency",
    "Key learning points: multi-agency",
    "How changes will be made (who is doing what)",
    "How impact will be audited",
    "Other comments",
];

/// The titles of the workshop deck's seven slides, in order. The first slide's title is the
/// review's title; this one is used when that is empty.
pub const SLIDE_TITLES: [&str; 7] = [
    "Learning summary",
    "The case in brief",
    "Key multi-agency learning",
    "Key single-agency learning",
    "What will change and who is doing it",
    "How we will know it worked",
    "Questions for reflection",
];

/// Everything the two exports show. Plain text; `fields` and the slide texts are Markdown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SummaryDocument {
    /// The safeguarding partnership's name, e.g. "Northshire Safeguarding Children Partnership".
    pub partnership: String,
    /// The review's reference, e.g. "SCR-2016-03".
    pub review_reference: String,
    /// The review's title, e.g. "Child A".
    pub review_title: String,
    /// Where the summary is in its lifecycle, e.g. "Draft", "Approved", "Published". Shown
    /// under the title and in the footer; may be empty.
    pub state_label: String,
    /// The template's rows, in order: (label, Markdown text). Normally [`TEMPLATE_LABELS`].
    pub fields: Vec<(String, String)>,
    /// The texts of the workshop deck.
    pub slides: WorkshopSlides,
    /// When the file is generated; written to the files' properties. `None` leaves the dates
    /// out (the output is then byte-for-byte reproducible).
    pub generated_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The texts of the practitioner learning workshop slides (Markdown). The title slide is
/// made from the review's reference, title, partnership and state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkshopSlides {
    /// Slide 2, "The case in brief".
    pub case_in_brief: String,
    /// Slide 3, "Key multi-agency learning".
    pub multi_agency: String,
    /// Slide 4, "Key single-agency learning".
    pub single_agency: String,
    /// Slide 5, "What will change and who is doing it".
    pub what_will_change: String,
    /// Slide 6, "How we will know it worked".
    pub how_we_will_know: String,
    /// Slide 7, "Questions for reflection": one item per question, shown numbered.
    pub questions: Vec<String>,
}

/// Why a file could not be produced. Only writing the zip can fail; any text is accepted.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("could not write the document package: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("could not write the document package: {0}")]
    Io(#[from] std::io::Error),
}

/// The learning summary as a Word document (DOCX) laid out like the template: title,
/// review reference and title, then a two-column table of field label and content.
pub fn docx(doc: &SummaryDocument) -> Result<Vec<u8>, DocumentError> {
    docx::write(doc)
}

/// The practitioner learning workshop deck as a PowerPoint file (PPTX, 16:9, seven slides:
/// see [`SLIDE_TITLES`]).
pub fn pptx(doc: &SummaryDocument) -> Result<Vec<u8>, DocumentError> {
    pptx::write(doc)
}

/// Whether XML 1.0 can carry the character, and it is worth carrying: control characters
/// other than tab, line feed and carriage return are not allowed (C0) or discouraged (DEL,
/// C1), and U+FFFE/U+FFFF are not characters.
fn keep_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || !(c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}')
}

/// The text without the characters [`keep_char`] rejects, and with `\r\n` / `\r` as `\n`.
fn clean(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().all(|c| keep_char(c) && c != '\r') {
        return std::borrow::Cow::Borrowed(text);
    }
    let normalised = text.replace("\r\n", "\n");
    std::borrow::Cow::Owned(
        normalised
            .chars()
            .filter(|&c| keep_char(c))
            .map(|c| if c == '\r' { '\n' } else { c })
            .collect(),
    )
}

/// Appends the text escaped for XML character data and attribute values (quotes included),
/// dropping characters XML cannot carry.
fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if keep_char(c) => out.push(c),
            _ => {}
        }
    }
}

/// The text escaped for XML (see [`push_escaped`]).
#[cfg(test)]
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    push_escaped(&mut out, text);
    out
}

const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// An Open Packaging Conventions zip being written: parts added in order, deflated.
struct Package {
    zip: ZipWriter<Cursor<Vec<u8>>>,
    options: SimpleFileOptions,
}

impl Package {
    fn new() -> Self {
        Package {
            zip: ZipWriter::new(Cursor::new(Vec::with_capacity(64 * 1024))),
            options: SimpleFileOptions::default().compression_method(CompressionMethod::Deflated),
        }
    }

    fn add(&mut self, name: &str, content: &str) -> Result<(), DocumentError> {
        self.add_bytes(name, content.as_bytes())
    }

    fn add_bytes(&mut self, name: &str, content: &[u8]) -> Result<(), DocumentError> {
        self.zip.start_file(name, self.options)?;
        self.zip.write_all(content)?;
        Ok(())
    }

    fn finish(self) -> Result<Vec<u8>, DocumentError> {
        Ok(self.zip.finish()?.into_inner())
    }
}

/// What a package says about itself (`docProps`): its title, subject, keywords, the
/// partnership as creator and company, and (when known) when it was made.
pub(super) struct Properties<'a> {
    pub title: &'a str,
    pub subject: &'a str,
    pub keywords: &'a str,
    pub company: &'a str,
    pub generated_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl SummaryDocument {
    /// The summary's properties under the given title: the review's title as subject, its
    /// reference as keywords.
    fn properties<'a>(&'a self, title: &'a str) -> Properties<'a> {
        Properties {
            title,
            subject: &self.review_title,
            keywords: &self.review_reference,
            company: &self.partnership,
            generated_at: self.generated_at,
        }
    }
}

/// `docProps/core.xml`: title, subject, creator and (when known) dates.
fn core_properties(p: &Properties<'_>) -> String {
    let mut out = String::from(XML_DECLARATION);
    out.push_str(
        "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">",
    );
    out.push_str("<dc:title>");
    push_escaped(&mut out, p.title);
    out.push_str("</dc:title><dc:subject>");
    push_escaped(&mut out, p.subject);
    out.push_str("</dc:subject><dc:creator>");
    push_escaped(&mut out, p.company);
    out.push_str("</dc:creator><cp:keywords>");
    push_escaped(&mut out, p.keywords);
    out.push_str("</cp:keywords><dc:language>en-GB</dc:language>");
    if let Some(at) = p.generated_at {
        let stamp = at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        for element in ["created", "modified"] {
            out.push_str(&format!(
                "<dcterms:{element} xsi:type=\"dcterms:W3CDTF\">{stamp}</dcterms:{element}>"
            ));
        }
    }
    out.push_str("</cp:coreProperties>");
    out
}

/// `docProps/app.xml`; `extra` is more elements (e.g. the slide count).
fn app_properties(p: &Properties<'_>, extra: &str) -> String {
    let mut out = String::from(XML_DECLARATION);
    out.push_str(
        "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" \
         xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">\
         <Application>Safeguarding learning platform</Application>",
    );
    out.push_str(extra);
    out.push_str("<Company>");
    push_escaped(&mut out, p.company);
    out.push_str("</Company></Properties>");
    out
}

/// "SCR-2016-03: Child A", or whichever of the two is present.
fn reference_and_title(doc: &SummaryDocument) -> String {
    let reference = doc.review_reference.trim();
    let title = doc.review_title.trim();
    match (reference.is_empty(), title.is_empty()) {
        (false, false) => format!("{reference}: {title}"),
        (false, true) => reference.to_string(),
        _ => title.to_string(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Read;

    /// A complete summary, as the tests and the timing use it: every template field, every
    /// slide, Markdown of each kind, and characters that need escaping.
    pub(crate) fn example() -> SummaryDocument {
        let texts = [
            "14 March 2017",
            "Serious case review using the **SCIE Learning Together** model. Chaired by the \
             independent chair; authored by *two lead reviewers*.\n\nCases were selected by \
             the case review subgroup.",
            "May 2016",
            "## Key themes\n\n- Neglect over a long period\n- Tom & Jerry's \"quote\" 5 < 6 > 4\n\
             - Early help was offered\n  1. first nested step\n  2. second nested step\n\n\
             Good practice: the health visitor escalated concerns <b>promptly</b>.",
            "The methodology worked well; practitioners valued the learning events.",
            "1. Children's social care: supervision of newly qualified workers\n\
             2. Police: recording of domestic abuse callouts\n3. Health: did-not-attend follow up",
            "- Information sharing between agencies at the front door\n\
             - Professional curiosity about adults in the household",
            "The Quality and Audit committee tracks the [action plan](https://example.org/plan).",
            "A multi-agency case audit of neglect cases in 2018.",
            "Line one  \nline two with `code` and a bad\u{0001} character.",
        ];
        SummaryDocument {
            partnership: "Northshire Safeguarding Children Partnership".into(),
            review_reference: "SCR-2016-03".into(),
            review_title: "Child A".into(),
            state_label: "Draft".into(),
            fields: TEMPLATE_LABELS
                .iter()
                .zip(texts)
                .map(|(label, text)| (label.to_string(), text.to_string()))
                .collect(),
            slides: WorkshopSlides {
                case_in_brief: "Child A, aged 2, lived with mother and her partner.\n\n\
                                - Known to **five** agencies\n- Long history of neglect"
                    .into(),
                multi_agency: "- Escalation between agencies was slow\n- Information shared late"
                    .into(),
                single_agency: "1. Health: follow up missed appointments\n2. Police: record \
                                children present"
                    .into(),
                what_will_change: "The partnership's training subgroup will run neglect \
                                   workshops (owner: *training lead*)."
                    .into(),
                how_we_will_know: "A re-audit in 12 months & a practitioner survey.".into(),
                questions: vec![
                    "What would you have done at the front door?".into(),
                    "How do you check who else lives in the household?".into(),
                ],
            },
            generated_at: None,
        }
    }

    /// The names and contents of a zip's entries, in order.
    pub(crate) fn unzip(bytes: &[u8]) -> Vec<(String, String)> {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
        (0..archive.len())
            .map(|i| {
                let mut file = archive.by_index(i).expect("an entry");
                let name = file.name().expect("a name").to_string();
                let mut text = String::new();
                // Pictures are bytes; every other part is UTF-8 text.
                if !name.ends_with(".png") {
                    file.read_to_string(&mut text).expect("UTF-8 text");
                }
                (name, text)
            })
            .collect()
    }

    pub(crate) fn part<'a>(parts: &'a [(String, String)], name: &str) -> &'a str {
        parts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, text)| text.as_str())
            .unwrap_or_else(|| panic!("no part {name}"))
    }

    /// A summary as long as a full one gets: every field several paragraphs and lists.
    pub(crate) fn full() -> SummaryDocument {
        let mut doc = example();
        let paragraph = "Practitioners from **health**, *children's social care* and the police \
                         described how the family's circumstances changed over the period, and \
                         what they knew at each point. ";
        let list: String = (1..=12)
            .map(|i| format!("{i}. Agency {i} will review its procedure & report back\n"))
            .collect();
        for (_, text) in &mut doc.fields {
            *text = format!(
                "{text}\n\n{}\n\n{list}\n\n{}",
                paragraph.repeat(6),
                paragraph.repeat(4)
            );
        }
        doc
    }

    #[test]
    fn escaping_and_control_characters() {
        assert_eq!(
            escape("a & b < c > \"d\" 'e'"),
            "a &amp; b &lt; c &gt; &quot;d&quot; &apos;e&apos;"
        );
        assert_eq!(
            escape("x\u{0}\u{1}\u{b}\u{c}\u{1f}\u{7f}\u{85}\u{fffe}\u{ffff}y\tz\n"),
            "xy\tz\n"
        );
        assert_eq!(clean("a\r\nb\rc\u{2}d"), "a\nb\ncd");
        assert!(matches!(clean("plain text"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(escape("emoji 🙂 and é"), "emoji 🙂 and é");
    }

    #[test]
    fn properties_carry_the_review() {
        let mut doc = example();
        doc.generated_at = chrono::DateTime::from_timestamp(1_500_000_000, 0);
        let core = core_properties(&doc.properties("Learning summary"));
        assert!(core.contains("<dc:title>Learning summary</dc:title>"));
        assert!(core.contains("<cp:keywords>SCR-2016-03</cp:keywords>"));
        assert!(core.contains("2017-07-14T02:40:00Z"));
        assert_eq!(reference_and_title(&doc), "SCR-2016-03: Child A");
        doc.review_reference.clear();
        assert_eq!(reference_and_title(&doc), "Child A");
    }

    fn squeeze(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Reads the files back with python-docx and python-pptx (`tests/read_documents.py`) and
    /// finds every text put in. Runs only when `LP_PYTHON` names a Python that has them.
    #[test]
    fn independent_readers_see_every_text() {
        let Ok(python) = std::env::var("LP_PYTHON") else {
            eprintln!(
                "skipped: set LP_PYTHON to a Python with python-docx and python-pptx \
                 (e.g. a venv: pip install python-docx python-pptx)"
            );
            return;
        };
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/read_documents.py");
        let dir = std::env::temp_dir().join(format!(
            "lp-summary-documents-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let read = |name: &str, bytes: Vec<u8>| -> String {
            let path = dir.join(name);
            std::fs::write(&path, bytes).expect("written");
            let output = std::process::Command::new(&python)
                .arg(script)
                .arg(&path)
                .output()
                .expect("python runs");
            assert!(
                output.status.success(),
                "{name}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            String::from_utf8(output.stdout).expect("UTF-8")
        };

        let doc = example();
        let text = read("summary.docx", docx(&doc).expect("docx"));
        let flat = squeeze(&text);
        let mut expected: Vec<&str> = TEMPLATE_LABELS.to_vec();
        expected.extend([
            "Learning summary",
            "SCR-2016-03: Child A",
            "Northshire Safeguarding Children Partnership \u{2014} Draft",
            "14 March 2017",
            "Serious case review using the SCIE Learning Together model. Chaired by",
            "authored by two lead reviewers.",
            "Cases were selected by the case review subgroup.",
            "May 2016",
            "Key themes",
            "Neglect over a long period",
            "Tom & Jerry's \"quote\" 5 < 6 > 4",
            "second nested step",
            "the health visitor escalated concerns promptly.",
            "practitioners valued the learning events.",
            "Children's social care: supervision of newly qualified workers",
            "Health: did-not-attend follow up",
            "Professional curiosity about adults in the household",
            "tracks the action plan (https://example.org/plan).",
            "neglect cases in 2018.",
            "Line one",
            "line two with code and a bad character.",
            "Page",
        ]);
        for wanted in &expected {
            assert!(flat.contains(wanted), "docx lacks {wanted:?} in:\n{text}");
        }
        // Labels and texts alternate as the template's rows do.
        let rows: Vec<usize> = TEMPLATE_LABELS
            .iter()
            .map(|label| text.find(label).expect("label"))
            .collect();
        assert!(rows.windows(2).all(|w| w[0] < w[1]), "rows out of order");

        let text = read("workshop.pptx", pptx(&doc).expect("pptx"));
        let slides: Vec<&str> = text.split("--- slide ").skip(1).collect();
        assert_eq!(slides.len(), 7, "{text}");
        for (i, slide) in slides.iter().enumerate() {
            let mut lines = slide.lines();
            assert_eq!(lines.next(), Some((i + 1).to_string().as_str()));
            let title = lines.next().unwrap_or_default();
            let wanted = if i == 0 { "Child A" } else { SLIDE_TITLES[i] };
            assert_eq!(title, wanted, "slide {}", i + 1);
        }
        let body = |i: usize| squeeze(slides[i]);
        for (i, wanted) in [
            (0, "Practitioner learning workshop SCR-2016-03 Northshire Safeguarding Children Partnership Draft"),
            (1, "Child A, aged 2, lived with mother and her partner."),
            (1, "Known to five agencies"),
            (2, "Escalation between agencies was slow"),
            (3, "1. Health: follow up missed appointments"),
            (3, "2. Police: record children present"),
            (4, "neglect workshops (owner: training lead)."),
            (5, "A re-audit in 12 months & a practitioner survey."),
            (6, "1. What would you have done at the front door?"),
            (6, "2. How do you check who else lives in the household?"),
        ] {
            assert!(body(i).contains(wanted), "slide {} lacks {wanted:?}:\n{}", i + 1, slides[i]);
        }

        // The full summary, and ten very long fields with hostile text, read back too.
        let text = read("full.docx", docx(&full()).expect("docx"));
        assert_eq!(
            text.matches("Agency 12 will review its procedure & report back")
                .count(),
            10
        );
        let mut hostile = full();
        hostile.fields = (0..10)
            .map(|i| {
                (
                    format!("Field {i} <&>\u{1}"),
                    "Long text & <more> \u{b}here. ".repeat(2_000),
                )
            })
            .collect();
        hostile.slides.case_in_brief = "Very long brief. ".repeat(2_000);
        let text = read("hostile.docx", docx(&hostile).expect("docx"));
        assert!(text.contains("Field 9 <&>"));
        let text = read("hostile.pptx", pptx(&hostile).expect("pptx"));
        assert!(text.contains("Very long brief."));
        std::fs::remove_dir_all(&dir).ok();
    }
}
