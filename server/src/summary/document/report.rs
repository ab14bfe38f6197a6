//! Reports the partnership downloads as Word documents (a Section 11 year's summary report):
//! a title, a line saying whose it is and when, then sections of headed Markdown text and
//! tables whose cells may be shaded red, amber, green or grey (always with their words: the
//! shade only repeats what the cell says), and pictures with their descriptions. Written with the learning summary's styles, page
//! and package (see `docx`), so both look alike and are read back alike.

use super::docx::{package, picture_id, Writer, LABEL_FILL, SECTION, TEXT_WIDTH, W_NS};
use super::{push_escaped, DocumentError, Properties, XML_DECLARATION};

/// A report as plain data; texts are Markdown where the field says so.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// The partnership's name: the report's creator.
    pub partnership: String,
    /// E.g. "Section 11 self-assessment 2026".
    pub title: String,
    /// Shown under the title, e.g. "Summary report · 6 December 2026".
    pub subtitle: String,
    /// The footer's text, before the page number.
    pub footer: String,
    pub sections: Vec<ReportSection>,
    /// Written to the file's properties; `None` leaves the dates out.
    pub generated_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A headed part of a report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportSection {
    pub heading: String,
    pub blocks: Vec<ReportBlock>,
}

/// One piece of a section.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportBlock {
    /// A subheading.
    Heading(String),
    /// Markdown text (paragraphs, lists, emphasis).
    Text(String),
    Table(ReportTable),
    /// A picture the width of the text, with its description read out in its place.
    Image(ReportImage),
}

/// A PNG picture and what it shows, in words (its alternative text).
#[derive(Debug, Clone, PartialEq)]
pub struct ReportImage {
    pub png: Vec<u8>,
    /// Its proportions: height per width.
    pub aspect: f64,
    pub description: String,
}

/// The text width in EMU (A4 less two 2 cm margins).
const PICTURE_WIDTH_EMU: u64 = TEXT_WIDTH as u64 * 635;

/// The inline drawing of picture `n` (relationship [`picture_id`]`(n)`).
fn drawing(out: &mut String, n: usize, image: &ReportImage) {
    let cx = PICTURE_WIDTH_EMU;
    let cy = (cx as f64 * image.aspect.clamp(0.05, 4.0)).round() as u64;
    let mut alt = String::new();
    push_escaped(&mut alt, &image.description);
    let id = n + 1;
    out.push_str(&format!(
        "<w:p><w:pPr><w:keepNext/></w:pPr><w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\">\
         <wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:docPr id=\"{id}\" name=\"Picture {id}\" descr=\"{alt}\"/>\
         <wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect=\"1\"/></wp:cNvGraphicFramePr>\
         <a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">\
         <pic:pic><pic:nvPicPr><pic:cNvPr id=\"{id}\" name=\"picture{n}.png\" descr=\"{alt}\"/><pic:cNvPicPr/></pic:nvPicPr>\
         <pic:blipFill><a:blip r:embed=\"{rid}\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>\
         <pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr>\
         </pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>",
        rid = picture_id(n),
    ));
}

/// The namespaces of pictures, declared on the report's root.
const DRAWING_NS: &str =
    "xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" \
     xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" \
     xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"";

/// A table: a heading row (repeated on each page) and rows of cells. A row shorter than
/// the headings is filled with empty cells; cells beyond them are left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportTable {
    pub headings: Vec<String>,
    pub rows: Vec<Vec<ReportCell>>,
    /// The first column's share of the width, in percent (the rest share the remainder
    /// equally); 0 shares the width equally.
    pub first_column_percent: u32,
}

/// One cell: its text (plain) and its shade.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportCell {
    pub text: String,
    pub shade: Option<Shade>,
}

impl ReportCell {
    pub fn plain(text: impl Into<String>) -> Self {
        ReportCell {
            text: text.into(),
            shade: None,
        }
    }

    pub fn shaded(text: impl Into<String>, shade: Option<Shade>) -> Self {
        ReportCell {
            text: text.into(),
            shade,
        }
    }
}

/// The shades a cell may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shade {
    Red,
    Amber,
    Green,
    Grey,
}

impl Shade {
    /// Pale fills, dark text stays readable on each.
    fn fill(self) -> &'static str {
        match self {
            Shade::Red => "F4CCCC",
            Shade::Amber => "FCE5CD",
            Shade::Green => "D9EAD3",
            Shade::Grey => "EEEEEE",
        }
    }
}

/// The widths of a table's columns (twentieths of a point), filling the text width.
fn widths(columns: usize, first_percent: u32) -> Vec<u32> {
    let columns = columns.max(1);
    let count = u32::try_from(columns).unwrap_or(u32::MAX);
    if columns == 1 {
        return vec![TEXT_WIDTH];
    }
    let first = if first_percent == 0 {
        TEXT_WIDTH / count
    } else {
        TEXT_WIDTH * first_percent.min(90) / 100
    };
    let rest = (TEXT_WIDTH - first) / (count - 1);
    std::iter::once(first)
        .chain(std::iter::repeat_n(rest, columns - 1))
        .collect()
}

impl Writer {
    fn cell(&mut self, width: u32, fill: Option<&str>, style: Option<&str>, text: &str) {
        self.out.push_str(&format!(
            "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/>"
        ));
        if let Some(fill) = fill {
            self.out.push_str(&format!(
                "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"{fill}\"/>"
            ));
        }
        self.out.push_str("</w:tcPr>");
        self.plain_paragraph(style, text);
        self.out.push_str("</w:tc>");
    }

    fn table(&mut self, table: &ReportTable) {
        let columns = table.headings.len().max(1);
        let widths = widths(columns, table.first_column_percent);
        self.table_open(&widths);
        self.out
            .push_str("<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>");
        for (i, width) in widths.iter().enumerate() {
            let heading = table.headings.get(i).map_or("", String::as_str);
            self.cell(*width, Some(LABEL_FILL), Some("FieldLabel"), heading);
        }
        self.out.push_str("</w:tr>");
        for row in &table.rows {
            self.out.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
            for (i, width) in widths.iter().enumerate() {
                let cell = row.get(i);
                self.cell(
                    *width,
                    cell.and_then(|c| c.shade).map(Shade::fill),
                    None,
                    cell.map_or("", |c| c.text.as_str()),
                );
            }
            self.out.push_str("</w:tr>");
        }
        self.out.push_str("</w:tbl><w:p/>");
    }
}

fn document(report: &Report) -> (String, Vec<(usize, u64)>, Vec<Vec<u8>>) {
    let mut w = Writer {
        out: String::with_capacity(32 * 1024),
        ordered: Vec::new(),
    };
    w.out.push_str(XML_DECLARATION);
    w.out
        .push_str(&format!("<w:document {W_NS} {DRAWING_NS}><w:body>"));
    let mut pictures: Vec<Vec<u8>> = Vec::new();
    w.plain_paragraph(Some("Title"), &report.title);
    for line in [&report.partnership, &report.subtitle] {
        if !line.trim().is_empty() {
            w.plain_paragraph(None, line.trim());
        }
    }
    for section in &report.sections {
        w.plain_paragraph(Some("Heading1"), &section.heading);
        for block in &section.blocks {
            match block {
                ReportBlock::Heading(text) => w.plain_paragraph(Some("Heading2"), text),
                ReportBlock::Text(text) => w.markdown(text),
                ReportBlock::Table(table) => w.table(table),
                ReportBlock::Image(image) => {
                    drawing(&mut w.out, pictures.len(), image);
                    pictures.push(image.png.clone());
                }
            }
        }
    }
    w.out.push_str(SECTION);
    w.out.push_str("</w:body></w:document>");
    (w.out, w.ordered, pictures)
}

/// The report as a Word document (DOCX).
pub fn report_docx(report: &Report) -> Result<Vec<u8>, DocumentError> {
    let (document, ordered, pictures) = document(report);
    package(
        &document,
        &ordered,
        &pictures,
        &report.footer,
        &Properties {
            title: &report.title,
            subject: &report.subtitle,
            keywords: "",
            company: &report.partnership,
            generated_at: report.generated_at,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::super::tests::{part, unzip};
    use super::*;

    fn example() -> Report {
        Report {
            partnership: "Northshire Safeguarding Children Partnership".into(),
            title: "Section 11 self-assessment 2026".into(),
            subtitle: "Summary report".into(),
            footer: "Section 11 2026".into(),
            sections: vec![ReportSection {
                heading: "Ratings <&>".into(),
                blocks: vec![
                    ReportBlock::Text("Most agencies rate **green**.\n\n- one\n- two".into()),
                    ReportBlock::Heading("By agency".into()),
                    ReportBlock::Table(ReportTable {
                        headings: vec!["Agency".into(), "S1".into(), "S2".into()],
                        rows: vec![
                            vec![
                                ReportCell::plain("Police"),
                                ReportCell::shaded("Green", Some(Shade::Green)),
                                ReportCell::shaded("Red", Some(Shade::Red)),
                            ],
                            vec![ReportCell::plain("Health \u{1}")],
                        ],
                        first_column_percent: 40,
                    }),
                ],
            }],
            generated_at: None,
        }
    }

    #[test]
    fn tables_headings_and_text() {
        let parts = unzip(&report_docx(&example()).expect("docx"));
        let document = part(&parts, "word/document.xml");
        assert!(document.contains(">Section 11 self-assessment 2026</w:t>"));
        assert!(document.contains(">Ratings &lt;&amp;&gt;</w:t>"));
        assert!(document.contains("<w:pStyle w:val=\"Heading2\"/>"));
        assert!(document.contains("<w:b/><w:bCs/></w:rPr><w:t xml:space=\"preserve\">green"));
        // A heading row repeated on each page, and every row three cells wide.
        assert_eq!(document.matches("<w:tblHeader/>").count(), 1);
        assert_eq!(document.matches("<w:tr>").count(), 3);
        assert_eq!(document.matches("<w:tc>").count(), 9);
        assert!(document.contains("w:fill=\"D9EAD3\""));
        assert!(document.contains("w:fill=\"F4CCCC\""));
        assert!(!document.contains('\u{1}'));
        assert!(part(&parts, "word/footer1.xml").contains(">Section 11 2026</w:t>"));
        assert!(part(&parts, "docProps/core.xml")
            .contains("<dc:title>Section 11 self-assessment 2026</dc:title>"));
    }

    #[test]
    fn a_picture_is_stored_related_and_described() {
        let mut report = example();
        let png = super::super::png::encode_rgb(2, 1, &[0, 0, 0, 255, 255, 255]);
        report.sections[0]
            .blocks
            .push(ReportBlock::Image(ReportImage {
                png: png.clone(),
                aspect: 0.5,
                description: "Referrals <rising>".into(),
            }));
        let bytes = report_docx(&report).expect("docx");
        let parts = unzip(&bytes);
        let document = part(&parts, "word/document.xml");
        assert!(document.contains("r:embed=\"rIdPicture0\""), "{document}");
        assert!(document.contains("descr=\"Referrals &lt;rising&gt;\""));
        assert!(document.contains(&format!(
            "cx=\"{PICTURE_WIDTH_EMU}\" cy=\"{}\"",
            PICTURE_WIDTH_EMU / 2
        )));
        let rels = part(&parts, "word/_rels/document.xml.rels");
        assert!(rels.contains("Id=\"rIdPicture0\""));
        assert!(rels.contains("Target=\"media/picture0.png\""));
        assert!(rels.ends_with("</Relationships>"));
        assert!(part(&parts, "[Content_Types].xml").contains("Extension=\"png\""));
        use std::io::Read;
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
        let mut stored = Vec::new();
        archive
            .by_name("word/media/picture0.png")
            .expect("the picture")
            .read_to_end(&mut stored)
            .expect("read");
        assert_eq!(stored, png);
    }

    #[test]
    fn widths_fill_the_page() {
        for (columns, first) in [(1, 0), (2, 0), (3, 40), (13, 30), (41, 95)] {
            let w = widths(columns, first);
            assert_eq!(w.len(), columns);
            let total: u32 = w.iter().sum();
            assert!(
                total <= TEXT_WIDTH && total + 41 >= TEXT_WIDTH,
                "{columns}: {total}"
            );
        }
        assert_eq!(widths(3, 40)[0], TEXT_WIDTH * 40 / 100);
        assert_eq!(widths(0, 0), vec![TEXT_WIDTH]);
    }

    #[test]
    fn an_empty_report_is_a_document() {
        let parts = unzip(&report_docx(&Report::default()).expect("docx"));
        assert!(part(&parts, "word/document.xml").contains("<w:sectPr>"));
    }
}
