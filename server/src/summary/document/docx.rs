//! The learning summary as a WordprocessingML package (DOCX), laid out like the template:
//! "Learning summary", the review's reference and title, the partnership and state, then a
//! two-column table with the field labels (shaded) on the left and their text on the right.
//! A4 portrait; footer with the reference, state and page numbers.

use super::markdown::{self, Block, BlockKind, Marker, Span};
use super::{
    app_properties, clean, core_properties, push_escaped, reference_and_title, DocumentError,
    Package, Properties, SummaryDocument, XML_DECLARATION,
};

pub(super) const W_NS: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
                    xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";

/// A4 width less two 2 cm margins, in twentieths of a point.
pub(super) const TEXT_WIDTH: u32 = 11906 - 2 * 1134;
const LABEL_WIDTH: u32 = 2891;
const CONTENT_WIDTH: u32 = TEXT_WIDTH - LABEL_WIDTH;
/// Fill of the label cells.
pub(super) const LABEL_FILL: &str = "DEEAF6";
/// Numbering instance of every bullet list; ordered lists get one each from 2 up.
const BULLET_NUM_ID: usize = 1;

const CONTENT_TYPES: &str = concat!(
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">",
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>",
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>",
    "<Default Extension=\"png\" ContentType=\"image/png\"/>",
    "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>",
    "<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>",
    "<Override PartName=\"/word/numbering.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/>",
    "<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>",
    "<Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>",
    "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>",
    "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>",
    "</Types>"
);

const PACKAGE_RELS: &str = concat!(
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>",
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>",
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>",
    "</Relationships>"
);

const DOCUMENT_RELS: &str = concat!(
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>",
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering\" Target=\"numbering.xml\"/>",
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>",
    "<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/>",
);

const SETTINGS: &str = concat!(
    "<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">",
    "<w:defaultTabStop w:val=\"720\"/>",
    "<w:characterSpacingControl w:val=\"doNotCompress\"/>",
    "<w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>",
    "</w:settings>"
);

/// The page: A4 portrait, 2 cm margins, the footer of `word/footer1.xml`.
pub(super) const SECTION: &str = concat!(
    "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rId4\"/>",
    "<w:pgSz w:w=\"11906\" w:h=\"16838\"/>",
    "<w:pgMar w:top=\"1134\" w:right=\"1134\" w:bottom=\"1134\" w:left=\"1134\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/>",
    "<w:cols w:space=\"708\"/><w:docGrid w:linePitch=\"360\"/></w:sectPr>"
);

/// Paragraph style with keep-with-next and an outline level, for headings.
macro_rules! heading_style {
    ($id:literal, $name:literal, $outline:literal, $before:literal, $size:literal) => {
        concat!(
            "<w:style w:type=\"paragraph\" w:styleId=\"",
            $id,
            "\"><w:name w:val=\"",
            $name,
            "\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"9\"/><w:qFormat/>",
            "<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before=\"",
            $before,
            "\" w:after=\"80\"/><w:outlineLvl w:val=\"",
            $outline,
            "\"/></w:pPr><w:rPr><w:b/><w:bCs/><w:color w:val=\"1F3864\"/><w:sz w:val=\"",
            $size,
            "\"/><w:szCs w:val=\"",
            $size,
            "\"/></w:rPr></w:style>"
        )
    };
}

const STYLES: &str = concat!(
    "<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">",
    "<w:docDefaults><w:rPrDefault><w:rPr>",
    "<w:rFonts w:ascii=\"Arial\" w:eastAsia=\"Arial\" w:hAnsi=\"Arial\" w:cs=\"Arial\"/>",
    "<w:sz w:val=\"22\"/><w:szCs w:val=\"22\"/><w:lang w:val=\"en-GB\" w:eastAsia=\"en-US\" w:bidi=\"ar-SA\"/>",
    "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"120\" w:line=\"264\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>",
    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>",
    "<w:style w:type=\"character\" w:default=\"1\" w:styleId=\"DefaultParagraphFont\"><w:name w:val=\"Default Paragraph Font\"/><w:uiPriority w:val=\"1\"/><w:semiHidden/><w:unhideWhenUsed/></w:style>",
    "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/><w:uiPriority w:val=\"99\"/><w:semiHidden/><w:unhideWhenUsed/>",
    "<w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>",
    "<w:style w:type=\"numbering\" w:default=\"1\" w:styleId=\"NoList\"><w:name w:val=\"No List\"/><w:uiPriority w:val=\"99\"/><w:semiHidden/><w:unhideWhenUsed/></w:style>",
    "<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"10\"/><w:qFormat/>",
    "<w:pPr><w:spacing w:after=\"120\"/></w:pPr><w:rPr><w:b/><w:bCs/><w:color w:val=\"1F3864\"/><w:sz w:val=\"44\"/><w:szCs w:val=\"44\"/></w:rPr></w:style>",
    heading_style!("Heading1", "heading 1", "0", "240", "32"),
    heading_style!("Heading2", "heading 2", "1", "200", "28"),
    heading_style!("Heading3", "heading 3", "2", "160", "24"),
    heading_style!("Heading4", "heading 4", "3", "120", "22"),
    "<w:style w:type=\"paragraph\" w:styleId=\"ListParagraph\"><w:name w:val=\"List Paragraph\"/><w:basedOn w:val=\"Normal\"/><w:uiPriority w:val=\"34\"/><w:qFormat/>",
    "<w:pPr><w:spacing w:after=\"60\"/><w:ind w:left=\"720\"/><w:contextualSpacing/></w:pPr></w:style>",
    "<w:style w:type=\"paragraph\" w:styleId=\"Quote\"><w:name w:val=\"Quote\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"29\"/><w:qFormat/>",
    "<w:pPr><w:ind w:left=\"567\" w:right=\"567\"/></w:pPr><w:rPr><w:i/><w:iCs/><w:color w:val=\"404040\"/></w:rPr></w:style>",
    "<w:style w:type=\"paragraph\" w:styleId=\"SourceCode\"><w:name w:val=\"Source Code\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/>",
    "<w:pPr><w:spacing w:after=\"120\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr><w:rPr><w:rFonts w:ascii=\"Courier New\" w:hAnsi=\"Courier New\" w:cs=\"Courier New\"/><w:sz w:val=\"20\"/><w:szCs w:val=\"20\"/></w:rPr></w:style>",
    "<w:style w:type=\"character\" w:styleId=\"VerbatimChar\"><w:name w:val=\"Verbatim Char\"/><w:basedOn w:val=\"DefaultParagraphFont\"/>",
    "<w:rPr><w:rFonts w:ascii=\"Courier New\" w:hAnsi=\"Courier New\" w:cs=\"Courier New\"/></w:rPr></w:style>",
    "<w:style w:type=\"paragraph\" w:styleId=\"FieldLabel\"><w:name w:val=\"Field Label\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/>",
    "<w:pPr><w:spacing w:after=\"60\"/></w:pPr><w:rPr><w:b/><w:bCs/></w:rPr></w:style>",
    "<w:style w:type=\"paragraph\" w:styleId=\"Footer\"><w:name w:val=\"footer\"/><w:basedOn w:val=\"Normal\"/><w:uiPriority w:val=\"99\"/><w:unhideWhenUsed/>",
    "<w:pPr><w:tabs><w:tab w:val=\"right\" w:pos=\"9638\"/></w:tabs><w:spacing w:after=\"0\"/></w:pPr><w:rPr><w:color w:val=\"595959\"/><w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/></w:rPr></w:style>",
    "</w:styles>"
);

/// One level of a list definition: `format` is `bullet`, `decimal`, `lowerLetter`...
fn numbering_level(out: &mut String, level: usize, format: &str, text: &str) {
    let left = 720 * (level + 1);
    out.push_str(&format!(
        "<w:lvl w:ilvl=\"{level}\"><w:start w:val=\"1\"/><w:numFmt w:val=\"{format}\"/>\
         <w:lvlText w:val=\"{text}\"/><w:lvlJc w:val=\"left\"/>\
         <w:pPr><w:ind w:left=\"{left}\" w:hanging=\"360\"/></w:pPr>"
    ));
    if format == "bullet" {
        out.push_str(
            "<w:rPr><w:rFonts w:ascii=\"Arial\" w:hAnsi=\"Arial\" w:cs=\"Arial\" w:hint=\"default\"/></w:rPr>",
        );
    }
    out.push_str("</w:lvl>");
}

/// `word/numbering.xml`: abstract list 0 is bullets, 1 is numbers; instance 1 is the
/// bullets, and each ordered list in the document has its own instance (so each restarts)
/// starting at its first number at its nesting level.
fn numbering(ordered: &[(usize, u64)]) -> String {
    let mut out = String::from(XML_DECLARATION);
    out.push_str(
        "<w:numbering xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">",
    );
    out.push_str(
        "<w:abstractNum w:abstractNumId=\"0\"><w:multiLevelType w:val=\"hybridMultilevel\"/>",
    );
    for level in 0..9 {
        let bullet = ["\u{2022}", "\u{25E6}", "\u{25AA}"][level % 3];
        numbering_level(&mut out, level, "bullet", bullet);
    }
    out.push_str("</w:abstractNum>");
    out.push_str(
        "<w:abstractNum w:abstractNumId=\"1\"><w:multiLevelType w:val=\"hybridMultilevel\"/>",
    );
    for level in 0..9 {
        let format = ["decimal", "lowerLetter", "lowerRoman"][level % 3];
        numbering_level(&mut out, level, format, &format!("%{}.", level + 1));
    }
    out.push_str("</w:abstractNum>");
    out.push_str(&format!(
        "<w:num w:numId=\"{BULLET_NUM_ID}\"><w:abstractNumId w:val=\"0\"/></w:num>"
    ));
    for (i, (level, start)) in ordered.iter().enumerate() {
        let start = (*start).min(i32::MAX as u64);
        out.push_str(&format!(
            "<w:num w:numId=\"{}\"><w:abstractNumId w:val=\"1\"/>\
             <w:lvlOverride w:ilvl=\"{level}\"><w:startOverride w:val=\"{start}\"/></w:lvlOverride></w:num>",
            i + 2
        ));
    }
    out.push_str("</w:numbering>");
    out
}

/// `word/document.xml` being written, with the ordered lists met so far.
pub(super) struct Writer {
    pub out: String,
    /// (nesting level, first number) of each ordered list, in order; numId = index + 2.
    pub ordered: Vec<(usize, u64)>,
}

impl Writer {
    fn text_run(&mut self, span: &Span) {
        self.out.push_str("<w:r>");
        if span.bold || span.italic || span.code {
            self.out.push_str("<w:rPr>");
            if span.code {
                self.out.push_str("<w:rStyle w:val=\"VerbatimChar\"/>");
            }
            if span.bold {
                self.out.push_str("<w:b/><w:bCs/>");
            }
            if span.italic {
                self.out.push_str("<w:i/><w:iCs/>");
            }
            self.out.push_str("</w:rPr>");
        }
        // Line breaks and tabs are elements of their own between pieces of text.
        let mut first = true;
        for line in span.text.split('\n') {
            if !first {
                self.out.push_str("<w:br/>");
            }
            first = false;
            let mut first_piece = true;
            for piece in line.split('\t') {
                if !first_piece {
                    self.out.push_str("<w:tab/>");
                }
                first_piece = false;
                if !piece.is_empty() {
                    self.out.push_str("<w:t xml:space=\"preserve\">");
                    push_escaped(&mut self.out, piece);
                    self.out.push_str("</w:t>");
                }
            }
        }
        self.out.push_str("</w:r>");
    }

    pub(super) fn plain_paragraph(&mut self, style: Option<&str>, text: &str) {
        self.out.push_str("<w:p>");
        if let Some(style) = style {
            self.out
                .push_str(&format!("<w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>"));
        }
        if !text.is_empty() {
            self.text_run(&Span {
                text: clean(text).into_owned(),
                ..Span::default()
            });
        }
        self.out.push_str("</w:p>");
    }

    fn block(&mut self, block: &Block) {
        self.out.push_str("<w:p><w:pPr>");
        match block.kind {
            BlockKind::Paragraph => {}
            BlockKind::Heading(level) => {
                let style = if level <= 2 { "Heading3" } else { "Heading4" };
                self.out.push_str(&format!("<w:pStyle w:val=\"{style}\"/>"));
            }
            BlockKind::Quote => self.out.push_str("<w:pStyle w:val=\"Quote\"/>"),
            BlockKind::Code => self.out.push_str("<w:pStyle w:val=\"SourceCode\"/>"),
            BlockKind::Item { level, marker } => {
                let level = level.min(8);
                self.out.push_str("<w:pStyle w:val=\"ListParagraph\"/>");
                match marker {
                    Some(Marker::Bullet) => self.out.push_str(&format!(
                        "<w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"{BULLET_NUM_ID}\"/></w:numPr>"
                    )),
                    Some(Marker::Number { list, start, .. }) => {
                        while self.ordered.len() <= list {
                            self.ordered.push((level, start));
                        }
                        self.out.push_str(&format!(
                            "<w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"{}\"/></w:numPr>",
                            list + 2
                        ));
                    }
                    None => self
                        .out
                        .push_str(&format!("<w:ind w:left=\"{}\"/>", 720 * (level + 1))),
                }
            }
        }
        self.out.push_str("</w:pPr>");
        for span in &block.spans {
            self.text_run(span);
        }
        self.out.push_str("</w:p>");
    }

    /// A cell's paragraphs from Markdown; a cell always has at least one paragraph. The list
    /// numbers of each field are its own, so ordered lists are renumbered document-wide.
    pub(super) fn markdown(&mut self, text: &str) {
        let blocks = markdown::parse(&clean(text));
        if blocks.is_empty() {
            self.out.push_str("<w:p/>");
        }
        let offset = self.ordered.len();
        for mut block in blocks {
            if let BlockKind::Item {
                marker: Some(Marker::Number { list, .. }),
                ..
            } = &mut block.kind
            {
                *list += offset;
            }
            self.block(&block);
        }
    }

    /// Opens a bordered table of fixed columns of these widths (twentieths of a point).
    pub(super) fn table_open(&mut self, widths: &[u32]) {
        let border = "w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"8EAADB\"";
        let total: u32 = widths.iter().sum();
        self.out.push_str(&format!(
            "<w:tbl><w:tblPr><w:tblW w:w=\"{total}\" w:type=\"dxa\"/>\
             <w:tblBorders><w:top {border}/><w:left {border}/><w:bottom {border}/><w:right {border}/>\
             <w:insideH {border}/><w:insideV {border}/></w:tblBorders>\
             <w:tblLayout w:type=\"fixed\"/>\
             <w:tblCellMar><w:top w:w=\"57\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/>\
             <w:bottom w:w=\"57\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar>\
             <w:tblLook w:val=\"0000\" w:firstRow=\"0\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/>\
             </w:tblPr><w:tblGrid>"
        ));
        for w in widths {
            self.out.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
        }
        self.out.push_str("</w:tblGrid>");
    }

    fn field_row(&mut self, label: &str, text: &str) {
        self.out.push_str(&format!(
            "<w:tr><w:tc><w:tcPr><w:tcW w:w=\"{LABEL_WIDTH}\" w:type=\"dxa\"/>\
             <w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"{LABEL_FILL}\"/></w:tcPr>"
        ));
        self.plain_paragraph(Some("FieldLabel"), label);
        self.out.push_str(&format!(
            "</w:tc><w:tc><w:tcPr><w:tcW w:w=\"{CONTENT_WIDTH}\" w:type=\"dxa\"/></w:tcPr>"
        ));
        self.markdown(text);
        self.out.push_str("</w:tc></w:tr>");
    }
}

fn document(doc: &SummaryDocument) -> (String, Vec<(usize, u64)>) {
    let mut w = Writer {
        out: String::with_capacity(32 * 1024),
        ordered: Vec::new(),
    };
    w.out.push_str(XML_DECLARATION);
    w.out.push_str(&format!("<w:document {W_NS}><w:body>"));
    w.plain_paragraph(Some("Title"), "Learning summary");
    w.plain_paragraph(Some("Heading1"), &reference_and_title(doc));
    let mut about = doc.partnership.trim().to_string();
    if !doc.state_label.trim().is_empty() {
        if !about.is_empty() {
            about.push_str(" \u{2014} ");
        }
        about.push_str(doc.state_label.trim());
    }
    if !about.is_empty() {
        w.plain_paragraph(None, &about);
    }
    w.table_open(&[LABEL_WIDTH, CONTENT_WIDTH]);
    for (label, text) in &doc.fields {
        w.field_row(label, text);
    }
    if doc.fields.is_empty() {
        w.field_row("", "");
    }
    w.out.push_str("</w:tbl><w:p/>");
    w.out.push_str(SECTION);
    w.out.push_str("</w:body></w:document>");
    (w.out, w.ordered)
}

/// The footer's left text: "SCR-2016-03 · Learning summary · Draft".
fn footer_text(doc: &SummaryDocument) -> String {
    let mut left = String::new();
    for piece in [
        doc.review_reference.trim(),
        "Learning summary",
        doc.state_label.trim(),
    ] {
        if !piece.is_empty() {
            if !left.is_empty() {
                left.push_str(" \u{00B7} ");
            }
            left.push_str(piece);
        }
    }
    left
}

/// `word/footer1.xml`: the text on the left and "Page n of m" on the right.
fn footer(left: &str) -> String {
    let mut out = String::from(XML_DECLARATION);
    out.push_str(&format!(
        "<w:ftr {W_NS}><w:p><w:pPr><w:pStyle w:val=\"Footer\"/></w:pPr>"
    ));
    out.push_str("<w:r><w:t xml:space=\"preserve\">");
    push_escaped(&mut out, left);
    out.push_str(
        "</w:t></w:r><w:r><w:tab/><w:t xml:space=\"preserve\">Page </w:t></w:r>\
         <w:fldSimple w:instr=\" PAGE \"><w:r><w:t>1</w:t></w:r></w:fldSimple>\
         <w:r><w:t xml:space=\"preserve\"> of </w:t></w:r>\
         <w:fldSimple w:instr=\" NUMPAGES \"><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p></w:ftr>",
    );
    out
}

pub(super) fn write(doc: &SummaryDocument) -> Result<Vec<u8>, DocumentError> {
    let (document, ordered) = document(doc);
    let title = format!("Learning summary: {}", reference_and_title(doc));
    package(
        &document,
        &ordered,
        &[],
        &footer_text(doc),
        &doc.properties(&title),
    )
}

/// A picture the document shows: `document.xml` refers to it as `rIdPicture{n}`, for its
/// index n in the package's list; it is stored as `word/media/picture{n}.png`.
pub(super) fn picture_id(n: usize) -> String {
    format!("rIdPicture{n}")
}

/// A WordprocessingML package of `document` (its ordered lists numbered as `ordered`
/// says, its pictures the PNGs `pictures` in [`picture_id`] order) with the shared styles,
/// the footer's text and the properties.
pub(super) fn package(
    document: &str,
    ordered: &[(usize, u64)],
    pictures: &[Vec<u8>],
    footer_left: &str,
    properties: &Properties<'_>,
) -> Result<Vec<u8>, DocumentError> {
    let mut package = Package::new();
    package.add(
        "[Content_Types].xml",
        &[XML_DECLARATION, CONTENT_TYPES].concat(),
    )?;
    package.add("_rels/.rels", &[XML_DECLARATION, PACKAGE_RELS].concat())?;
    package.add("word/document.xml", document)?;
    let mut rels = [XML_DECLARATION, DOCUMENT_RELS].concat();
    for (n, png) in pictures.iter().enumerate() {
        rels.push_str(&format!(
            "<Relationship Id=\"{}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image\" Target=\"media/picture{n}.png\"/>",
            picture_id(n)
        ));
        package.add_bytes(&format!("word/media/picture{n}.png"), png)?;
    }
    rels.push_str("</Relationships>");
    package.add("word/_rels/document.xml.rels", &rels)?;
    package.add("word/styles.xml", &[XML_DECLARATION, STYLES].concat())?;
    package.add("word/numbering.xml", &numbering(ordered))?;
    package.add("word/settings.xml", &[XML_DECLARATION, SETTINGS].concat())?;
    package.add("word/footer1.xml", &footer(footer_left))?;
    package.add("docProps/core.xml", &core_properties(properties))?;
    package.add("docProps/app.xml", &app_properties(properties, ""))?;
    package.finish()
}

#[cfg(test)]
mod tests {
    use super::super::tests::{example, part, unzip};
    use super::*;

    #[test]
    fn package_has_the_parts() {
        let parts = unzip(&write(&example()).expect("docx"));
        let names: Vec<&str> = parts.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "[Content_Types].xml",
                "_rels/.rels",
                "word/document.xml",
                "word/_rels/document.xml.rels",
                "word/styles.xml",
                "word/numbering.xml",
                "word/settings.xml",
                "word/footer1.xml",
                "docProps/core.xml",
                "docProps/app.xml",
            ]
        );
        for (name, text) in &parts {
            assert!(text.starts_with("<?xml"), "{name}");
        }
        let types = part(&parts, "[Content_Types].xml");
        for (name, _) in parts.iter().filter(|(n, _)| !n.ends_with(".rels")) {
            if name != "[Content_Types].xml" {
                assert!(types.contains(&format!("PartName=\"/{name}\"")), "{name}");
            }
        }
    }

    #[test]
    fn document_has_escaped_text_lists_and_styles() {
        let parts = unzip(&write(&example()).expect("docx"));
        let document = part(&parts, "word/document.xml");
        assert!(document.contains(">Learning summary</w:t>"));
        assert!(document.contains(">SCR-2016-03: Child A</w:t>"));
        assert!(document.contains("Tom &amp; Jerry&apos;s &quot;quote&quot; 5 &lt; 6 &gt; 4"));
        // The raw HTML tag is gone, its text stays.
        assert!(!document.contains("&lt;b&gt;"));
        assert!(document.contains("concerns promptly.</w:t>"));
        assert!(document.contains("tracks the action plan (https://example.org/plan).</w:t>"));
        assert!(document.contains(
            "<w:b/><w:bCs/></w:rPr><w:t xml:space=\"preserve\">SCIE Learning Together</w:t>"
        ));
        assert!(document.contains(
            "<w:i/><w:iCs/></w:rPr><w:t xml:space=\"preserve\">two lead reviewers</w:t>"
        ));
        assert!(document.contains(
            "<w:pStyle w:val=\"Heading3\"/></w:pPr><w:r><w:t xml:space=\"preserve\">Key themes"
        ));
        assert!(document.contains("<w:numId w:val=\"1\"/>"));
        assert!(document.contains("<w:br/>"));
        assert!(!document.contains('\u{1}'));
        assert!(document.contains(">line two with </w:t>"));
        // Two ordered lists (the nested one and field 6's): two instances that restart.
        let numbering = part(&parts, "word/numbering.xml");
        assert!(numbering.contains(
            "<w:num w:numId=\"2\"><w:abstractNumId w:val=\"1\"/><w:lvlOverride w:ilvl=\"1\">"
        ));
        assert!(numbering.contains(
            "<w:num w:numId=\"3\"><w:abstractNumId w:val=\"1\"/><w:lvlOverride w:ilvl=\"0\">"
        ));
        assert!(document.contains("<w:numId w:val=\"3\"/>"));
        assert_eq!(document.matches("<w:tr>").count(), 10);
        assert_eq!(
            document
                .matches(&format!("w:fill=\"{LABEL_FILL}\""))
                .count(),
            10
        );
        assert!(part(&parts, "word/footer1.xml")
            .contains("SCR-2016-03 \u{b7} Learning summary \u{b7} Draft"));
    }

    #[test]
    fn ten_long_fields_and_hostile_text() {
        let mut doc = example();
        let long =
            "Practitioners described **the pressure** of caseloads & \u{7}bells. ".repeat(400);
        let list: String = (1..=200).map(|i| format!("{i}. item {i} <x>\n")).collect();
        doc.fields = (0..10)
            .map(|i| {
                (
                    format!("Field {i} <&>"),
                    format!("{long}\n\n{list}\n\n- a\n    - b\n        - c"),
                )
            })
            .collect();
        doc.review_title = "\u{0}\u{1b}[31mTitle \"quoted\"".into();
        let parts = unzip(&write(&doc).expect("docx"));
        let document = part(&parts, "word/document.xml");
        assert!(document.len() > 500_000);
        assert!(document.contains("Field 9 &lt;&amp;&gt;"));
        assert!(document.contains("[31mTitle &quot;quoted&quot;"));
        assert!(!document
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'));
        assert_eq!(
            part(&parts, "word/numbering.xml")
                .matches("<w:num ")
                .count(),
            11
        );
        // Empty input still gives a valid document with one (empty) row.
        let empty = unzip(&write(&SummaryDocument::default()).expect("docx"));
        assert!(part(&empty, "word/document.xml").contains("<w:tc>"));
    }
}
