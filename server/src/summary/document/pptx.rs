//! The practitioner learning workshop deck as a PresentationML package (PPTX): 16:9, one
//! master with one "Title and Content" layout, and seven slides (see
//! [`super::SLIDE_TITLES`]). Markdown lists become bullets (numbers for ordered lists);
//! text that would not fit is shrunk with `normAutofit` and a font scale estimated here,
//! because PowerPoint only recomputes the scale once the text is edited.

use super::markdown::{self, Block, BlockKind, Marker, Span};
use super::{
    app_properties, clean, core_properties, push_escaped, DocumentError, Package, SummaryDocument,
    SLIDE_TITLES, XML_DECLARATION,
};

const NS: &str = "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" \
                  xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" \
                  xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\"";

const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// Slide size, 16:9 (13.333 × 7.5 inches), in EMU (914400 per inch, 12700 per point).
const SLIDE_CX: i64 = 12_192_000;
const SLIDE_CY: i64 = 6_858_000;
const EMU_PER_PT: f64 = 12_700.0;

/// Title and body placeholder frames on the master (x, y, cx, cy).
const TITLE_FRAME: (i64, i64, i64, i64) = (609_600, 365_125, 10_972_800, 1_325_563);
const BODY_FRAME: (i64, i64, i64, i64) = (609_600, 1_825_625, 10_972_800, 4_351_338);
/// On the title slide the same placeholders, moved to the middle.
const COVER_TITLE_FRAME: (i64, i64, i64, i64) = (914_400, 1_600_200, 10_363_200, 2_286_000);
const COVER_BODY_FRAME: (i64, i64, i64, i64) = (914_400, 4_038_600, 10_363_200, 1_752_600);
/// Text insets of every text box: 0.1 inch left and right, 0.05 inch top and bottom.
const INSET_X: i64 = 91_440;
const INSET_Y: i64 = 45_720;

/// Body text sizes (points) by paragraph level: level 0 is plain text, 1.. are list levels.
const BODY_SIZES: [f64; 9] = [24.0, 24.0, 20.0, 18.0, 18.0, 18.0, 18.0, 18.0, 18.0];
const TITLE_SIZE: f64 = 36.0;
const COVER_TITLE_SIZE: f64 = 44.0;
const COVER_BODY_SIZE: f64 = 20.0;
/// Space before each body paragraph, points.
const SPACE_BEFORE: f64 = 10.0;
/// Left margin per list level, EMU (0.375 inch), and the hanging indent of the marker.
const LEVEL_INDENT: i64 = 342_900;

const CONTENT_TYPES_HEAD: &str = concat!(
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">",
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>",
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>",
    "<Override PartName=\"/ppt/presentation.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml\"/>",
    "<Override PartName=\"/ppt/slideMasters/slideMaster1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.presentationml.slideMaster+xml\"/>",
    "<Override PartName=\"/ppt/slideLayouts/slideLayout1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.presentationml.slideLayout+xml\"/>",
    "<Override PartName=\"/ppt/theme/theme1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.theme+xml\"/>",
    "<Override PartName=\"/ppt/presProps.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.presentationml.presProps+xml\"/>",
    "<Override PartName=\"/ppt/viewProps.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.presentationml.viewProps+xml\"/>",
    "<Override PartName=\"/ppt/tableStyles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.presentationml.tableStyles+xml\"/>",
    "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>",
    "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>",
);

const PACKAGE_RELS: &str = concat!(
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"ppt/presentation.xml\"/>",
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>",
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>",
    "</Relationships>"
);

const MASTER_RELS: &str = concat!(
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/slideLayout\" Target=\"../slideLayouts/slideLayout1.xml\"/>",
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme\" Target=\"../theme/theme1.xml\"/>",
    "</Relationships>"
);

const LAYOUT_RELS: &str = concat!(
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/slideMaster\" Target=\"../slideMasters/slideMaster1.xml\"/>",
    "</Relationships>"
);

const SLIDE_RELS: &str = concat!(
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/slideLayout\" Target=\"../slideLayouts/slideLayout1.xml\"/>",
    "</Relationships>"
);

const PRES_PROPS: &str = concat!(
    "<p:presentationPr xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" ",
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" ",
    "xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\"/>"
);

const VIEW_PROPS: &str = concat!(
    "<p:viewPr xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" ",
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" ",
    "xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\">",
    "<p:normalViewPr><p:restoredLeft sz=\"15620\"/><p:restoredTop sz=\"94660\"/></p:normalViewPr>",
    "<p:gridSpacing cx=\"76200\" cy=\"76200\"/></p:viewPr>"
);

const TABLE_STYLES: &str = "<a:tblStyleLst xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" def=\"{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}\"/>";

const THEME: &str = concat!(
    "<a:theme xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" name=\"Learning platform\">",
    "<a:themeElements>",
    "<a:clrScheme name=\"Learning platform\">",
    "<a:dk1><a:srgbClr val=\"1A1A1A\"/></a:dk1><a:lt1><a:srgbClr val=\"FFFFFF\"/></a:lt1>",
    "<a:dk2><a:srgbClr val=\"1F3864\"/></a:dk2><a:lt2><a:srgbClr val=\"E7E6E6\"/></a:lt2>",
    "<a:accent1><a:srgbClr val=\"2E75B6\"/></a:accent1><a:accent2><a:srgbClr val=\"C55A11\"/></a:accent2>",
    "<a:accent3><a:srgbClr val=\"70AD47\"/></a:accent3><a:accent4><a:srgbClr val=\"FFC000\"/></a:accent4>",
    "<a:accent5><a:srgbClr val=\"5B9BD5\"/></a:accent5><a:accent6><a:srgbClr val=\"7030A0\"/></a:accent6>",
    "<a:hlink><a:srgbClr val=\"0563C1\"/></a:hlink><a:folHlink><a:srgbClr val=\"954F72\"/></a:folHlink>",
    "</a:clrScheme>",
    "<a:fontScheme name=\"Learning platform\">",
    "<a:majorFont><a:latin typeface=\"Arial\"/><a:ea typeface=\"\"/><a:cs typeface=\"\"/></a:majorFont>",
    "<a:minorFont><a:latin typeface=\"Arial\"/><a:ea typeface=\"\"/><a:cs typeface=\"\"/></a:minorFont>",
    "</a:fontScheme>",
    "<a:fmtScheme name=\"Learning platform\">",
    "<a:fillStyleLst>",
    "<a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill>",
    "<a:solidFill><a:schemeClr val=\"phClr\"><a:tint val=\"50000\"/></a:schemeClr></a:solidFill>",
    "<a:solidFill><a:schemeClr val=\"phClr\"><a:shade val=\"80000\"/></a:schemeClr></a:solidFill>",
    "</a:fillStyleLst>",
    "<a:lnStyleLst>",
    "<a:ln w=\"6350\" cap=\"flat\" cmpd=\"sng\" algn=\"ctr\"><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill><a:prstDash val=\"solid\"/><a:miter lim=\"800000\"/></a:ln>",
    "<a:ln w=\"12700\" cap=\"flat\" cmpd=\"sng\" algn=\"ctr\"><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill><a:prstDash val=\"solid\"/><a:miter lim=\"800000\"/></a:ln>",
    "<a:ln w=\"19050\" cap=\"flat\" cmpd=\"sng\" algn=\"ctr\"><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill><a:prstDash val=\"solid\"/><a:miter lim=\"800000\"/></a:ln>",
    "</a:lnStyleLst>",
    "<a:effectStyleLst>",
    "<a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle>",
    "</a:effectStyleLst>",
    "<a:bgFillStyleLst>",
    "<a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill>",
    "<a:solidFill><a:schemeClr val=\"phClr\"><a:tint val=\"95000\"/></a:schemeClr></a:solidFill>",
    "<a:solidFill><a:schemeClr val=\"phClr\"><a:shade val=\"90000\"/></a:schemeClr></a:solidFill>",
    "</a:bgFillStyleLst>",
    "</a:fmtScheme>",
    "</a:themeElements>",
    "<a:objectDefaults/><a:extraClrSchemeLst/>",
    "</a:theme>"
);

/// The group properties every shape tree starts with.
const TREE_START: &str = concat!(
    "<p:nvGrpSpPr><p:cNvPr id=\"1\" name=\"\"/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>",
    "<p:grpSpPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"0\" cy=\"0\"/>",
    "<a:chOff x=\"0\" y=\"0\"/><a:chExt cx=\"0\" cy=\"0\"/></a:xfrm></p:grpSpPr>"
);

fn xfrm((x, y, cx, cy): (i64, i64, i64, i64)) -> String {
    format!("<a:xfrm><a:off x=\"{x}\" y=\"{y}\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm>")
}

/// The master's text styles: title, then body levels 1 to 9 (level 1 plain, 2.. bullets).
fn text_styles() -> String {
    let mut out = String::from(
        "<p:txStyles><p:titleStyle><a:lvl1pPr algn=\"l\" defTabSz=\"914400\" rtl=\"0\" eaLnBrk=\"1\" latinLnBrk=\"0\" hangingPunct=\"1\">\
         <a:lnSpc><a:spcPct val=\"90000\"/></a:lnSpc><a:spcBef><a:spcPct val=\"0\"/></a:spcBef><a:buNone/>\
         <a:defRPr sz=\"3600\" b=\"1\" kern=\"1200\"><a:solidFill><a:schemeClr val=\"tx2\"/></a:solidFill>\
         <a:latin typeface=\"+mj-lt\"/><a:ea typeface=\"+mj-ea\"/><a:cs typeface=\"+mj-cs\"/></a:defRPr></a:lvl1pPr></p:titleStyle><p:bodyStyle>",
    );
    for (level, size) in BODY_SIZES.iter().enumerate() {
        let n = level + 1;
        let size = (size * 100.0) as i64;
        let (mar, indent, bullet) = if level == 0 {
            (0, 0, "<a:buNone/>".to_string())
        } else {
            (
                LEVEL_INDENT * level as i64,
                -LEVEL_INDENT,
                format!(
                    "<a:buFont typeface=\"Arial\"/><a:buChar char=\"{}\"/>",
                    ["\u{2022}", "\u{2013}", "\u{25AA}"][(level - 1) % 3]
                ),
            )
        };
        out.push_str(&format!(
            "<a:lvl{n}pPr marL=\"{mar}\" indent=\"{indent}\" algn=\"l\" defTabSz=\"914400\" rtl=\"0\" eaLnBrk=\"1\" latinLnBrk=\"0\" hangingPunct=\"1\">\
             <a:lnSpc><a:spcPct val=\"100000\"/></a:lnSpc><a:spcBef><a:spcPts val=\"{}\"/></a:spcBef>{bullet}\
             <a:defRPr sz=\"{size}\" kern=\"1200\"><a:solidFill><a:schemeClr val=\"tx1\"/></a:solidFill>\
             <a:latin typeface=\"+mn-lt\"/><a:ea typeface=\"+mn-ea\"/><a:cs typeface=\"+mn-cs\"/></a:defRPr></a:lvl{n}pPr>",
            (SPACE_BEFORE * 100.0) as i64
        ));
    }
    out.push_str(
        "</p:bodyStyle><p:otherStyle><a:defPPr><a:defRPr lang=\"en-GB\"/></a:defPPr>\
         <a:lvl1pPr marL=\"0\" algn=\"l\" defTabSz=\"914400\" rtl=\"0\" eaLnBrk=\"1\" latinLnBrk=\"0\" hangingPunct=\"1\">\
         <a:defRPr sz=\"1800\" kern=\"1200\"><a:solidFill><a:schemeClr val=\"tx1\"/></a:solidFill>\
         <a:latin typeface=\"+mn-lt\"/><a:ea typeface=\"+mn-ea\"/><a:cs typeface=\"+mn-cs\"/></a:defRPr></a:lvl1pPr>\
         </p:otherStyle></p:txStyles>",
    );
    out
}

/// A placeholder shape on the master or layout, with prompt text.
fn placeholder(
    id: u32,
    name: &str,
    ph: &str,
    frame: Option<(i64, i64, i64, i64)>,
    body_pr: &str,
    prompt: &str,
) -> String {
    let sp_pr = match frame {
        Some(frame) => format!(
            "<p:spPr>{}<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></p:spPr>",
            xfrm(frame)
        ),
        None => "<p:spPr/>".to_string(),
    };
    format!(
        "<p:sp><p:nvSpPr><p:cNvPr id=\"{id}\" name=\"{name}\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr>\
         <p:nvPr>{ph}</p:nvPr></p:nvSpPr>{sp_pr}<p:txBody>{body_pr}<a:lstStyle/>\
         <a:p><a:r><a:rPr lang=\"en-GB\"/><a:t>{prompt}</a:t></a:r><a:endParaRPr lang=\"en-GB\"/></a:p></p:txBody></p:sp>"
    )
}

fn master() -> String {
    let insets = format!(
        "vert=\"horz\" lIns=\"{INSET_X}\" tIns=\"{INSET_Y}\" rIns=\"{INSET_X}\" bIns=\"{INSET_Y}\" rtlCol=\"0\""
    );
    let mut out = String::from(XML_DECLARATION);
    out.push_str(&format!("<p:sldMaster {NS}><p:cSld><p:bg><p:bgRef idx=\"1001\"><a:schemeClr val=\"bg1\"/></p:bgRef></p:bg><p:spTree>"));
    out.push_str(TREE_START);
    out.push_str(&placeholder(
        2,
        "Title Placeholder 1",
        "<p:ph type=\"title\"/>",
        Some(TITLE_FRAME),
        &format!("<a:bodyPr {insets} anchor=\"b\"><a:normAutofit/></a:bodyPr>"),
        "Click to edit Master title style",
    ));
    out.push_str(&placeholder(
        3,
        "Text Placeholder 2",
        "<p:ph type=\"body\" idx=\"1\"/>",
        Some(BODY_FRAME),
        &format!("<a:bodyPr {insets}><a:normAutofit/></a:bodyPr>"),
        "Click to edit Master text styles",
    ));
    // A thin band in the accent colour across the top of every slide.
    out.push_str(&format!(
        "<p:sp><p:nvSpPr><p:cNvPr id=\"4\" name=\"Accent band\"/><p:cNvSpPr/><p:nvPr userDrawn=\"1\"/></p:nvSpPr>\
         <p:spPr>{}<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom><a:solidFill><a:schemeClr val=\"accent1\"/></a:solidFill><a:ln><a:noFill/></a:ln></p:spPr>\
         <p:txBody><a:bodyPr rtlCol=\"0\" anchor=\"ctr\"/><a:lstStyle/><a:p><a:endParaRPr lang=\"en-GB\"/></a:p></p:txBody></p:sp>",
        xfrm((0, 0, SLIDE_CX, 182_880))
    ));
    out.push_str(
        "</p:spTree></p:cSld>\
         <p:clrMap bg1=\"lt1\" tx1=\"dk1\" bg2=\"lt2\" tx2=\"dk2\" accent1=\"accent1\" accent2=\"accent2\" accent3=\"accent3\" \
         accent4=\"accent4\" accent5=\"accent5\" accent6=\"accent6\" hlink=\"hlink\" folHlink=\"folHlink\"/>\
         <p:sldLayoutIdLst><p:sldLayoutId id=\"2147483649\" r:id=\"rId1\"/></p:sldLayoutIdLst>",
    );
    out.push_str(&text_styles());
    out.push_str("</p:sldMaster>");
    out
}

fn layout() -> String {
    let mut out = String::from(XML_DECLARATION);
    out.push_str(&format!(
        "<p:sldLayout {NS} type=\"obj\" preserve=\"1\"><p:cSld name=\"Title and Content\"><p:spTree>"
    ));
    out.push_str(TREE_START);
    out.push_str(&placeholder(
        2,
        "Title 1",
        "<p:ph type=\"title\"/>",
        None,
        "<a:bodyPr/>",
        "Click to edit Master title style",
    ));
    out.push_str(&placeholder(
        3,
        "Content Placeholder 2",
        "<p:ph idx=\"1\"/>",
        None,
        "<a:bodyPr/>",
        "Click to edit Master text styles",
    ));
    out.push_str(
        "</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>",
    );
    out
}

fn presentation(slides: usize) -> String {
    let mut out = String::from(XML_DECLARATION);
    out.push_str(&format!(
        "<p:presentation {NS} saveSubsetFonts=\"1\">\
         <p:sldMasterIdLst><p:sldMasterId id=\"2147483648\" r:id=\"rId1\"/></p:sldMasterIdLst><p:sldIdLst>"
    ));
    for i in 0..slides {
        out.push_str(&format!(
            "<p:sldId id=\"{}\" r:id=\"rId{}\"/>",
            256 + i,
            i + 2
        ));
    }
    out.push_str(&format!(
        "</p:sldIdLst><p:sldSz cx=\"{SLIDE_CX}\" cy=\"{SLIDE_CY}\"/><p:notesSz cx=\"6858000\" cy=\"9144000\"/>\
         <p:defaultTextStyle><a:defPPr><a:defRPr lang=\"en-GB\"/></a:defPPr></p:defaultTextStyle></p:presentation>"
    ));
    out
}

fn presentation_rels(slides: usize) -> String {
    let mut out = String::from(XML_DECLARATION);
    out.push_str(
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    );
    out.push_str(&format!(
        "<Relationship Id=\"rId1\" Type=\"{REL_NS}/slideMaster\" Target=\"slideMasters/slideMaster1.xml\"/>"
    ));
    for i in 0..slides {
        out.push_str(&format!(
            "<Relationship Id=\"rId{}\" Type=\"{REL_NS}/slide\" Target=\"slides/slide{}.xml\"/>",
            i + 2,
            i + 1
        ));
    }
    let next = slides + 2;
    for (offset, (kind, target)) in [
        ("presProps", "presProps.xml"),
        ("viewProps", "viewProps.xml"),
        ("theme", "theme/theme1.xml"),
        ("tableStyles", "tableStyles.xml"),
    ]
    .iter()
    .enumerate()
    {
        out.push_str(&format!(
            "<Relationship Id=\"rId{}\" Type=\"{REL_NS}/{kind}\" Target=\"{target}\"/>",
            next + offset
        ));
    }
    out.push_str("</Relationships>");
    out
}

/// One paragraph of a text box, ready to write: its level (0 plain, 1.. list levels), its
/// marker, alignment and spans.
struct Paragraph {
    level: usize,
    bullet: bool,
    /// Text put before the spans, e.g. "2." for a numbered item.
    number: Option<String>,
    bold: bool,
    centred: bool,
    /// Font size in points, where not the master's.
    size: Option<f64>,
    spans: Vec<Span>,
}

impl Paragraph {
    fn plain(text: &str) -> Self {
        Paragraph {
            level: 0,
            bullet: false,
            number: None,
            bold: false,
            centred: false,
            size: None,
            spans: vec![Span {
                text: clean(text).into_owned(),
                ..Span::default()
            }],
        }
    }

    fn chars(&self) -> usize {
        let number = self.number.as_ref().map_or(0, |n| n.chars().count() + 1);
        number
            + self
                .spans
                .iter()
                .map(|s| s.text.chars().count())
                .sum::<usize>()
    }

    fn lines_forced(&self) -> usize {
        self.spans
            .iter()
            .map(|s| s.text.matches('\n').count())
            .sum()
    }
}

fn paragraphs_from_blocks(blocks: &[Block]) -> Vec<Paragraph> {
    blocks
        .iter()
        .map(|block| {
            let mut paragraph = Paragraph {
                level: 0,
                bullet: false,
                number: None,
                bold: matches!(block.kind, BlockKind::Heading(_)),
                centred: false,
                size: None,
                spans: block.spans.clone(),
            };
            match block.kind {
                BlockKind::Item { level, marker } => {
                    paragraph.level = (level + 1).min(8);
                    match marker {
                        Some(Marker::Bullet) => paragraph.bullet = true,
                        Some(Marker::Number { number, .. }) => {
                            paragraph.number = Some(format!("{number}."));
                        }
                        None => {}
                    }
                }
                BlockKind::Quote => {
                    for span in &mut paragraph.spans {
                        span.italic = true;
                    }
                }
                BlockKind::Paragraph | BlockKind::Heading(_) | BlockKind::Code => {}
            }
            paragraph
        })
        .collect()
}

/// The autofit to write: (font scale, line spacing reduction) in thousandths of a percent,
/// estimated from the characters per line that the frame holds at each size. Arial averages
/// about half its size in width per character. `None` when the text fits unscaled.
fn autofit(
    paragraphs: &[Paragraph],
    frame: (i64, i64, i64, i64),
    sizes: &[f64],
    space_before: f64,
) -> Option<(u32, u32)> {
    let width = (frame.2 - 2 * INSET_X) as f64 / EMU_PER_PT;
    let height = (frame.3 - 2 * INSET_Y) as f64 / EMU_PER_PT;
    let steps: [(u32, u32); 11] = [
        (100_000, 0),
        (92_500, 10_000),
        (85_000, 20_000),
        (77_500, 20_000),
        (70_000, 20_000),
        (62_500, 20_000),
        (55_000, 20_000),
        (47_500, 20_000),
        (40_000, 20_000),
        (32_500, 20_000),
        (25_000, 20_000),
    ];
    for (scale, reduction) in steps {
        let factor = f64::from(scale) / 100_000.0;
        let spacing = 1.2 * (1.0 - f64::from(reduction) / 100_000.0);
        let mut used = 0.0;
        for (i, paragraph) in paragraphs.iter().enumerate() {
            let size = sizes[paragraph.level.min(sizes.len() - 1)] * factor;
            let indent = (LEVEL_INDENT * paragraph.level as i64) as f64 / EMU_PER_PT;
            let per_line = ((width - indent) / (size * 0.5)).max(1.0);
            let lines = (paragraph.chars() as f64 / per_line).ceil().max(1.0)
                + paragraph.lines_forced() as f64;
            if i > 0 {
                used += space_before * factor * (1.0 - f64::from(reduction) / 100_000.0);
            }
            used += lines * size * spacing;
        }
        if used <= height {
            return (scale < 100_000).then_some((scale, reduction));
        }
    }
    Some((25_000, 20_000))
}

fn body_pr(fit: Option<(u32, u32)>, extra: &str) -> String {
    match fit {
        Some((scale, reduction)) => format!(
            "<a:bodyPr{extra}><a:normAutofit fontScale=\"{scale}\" lnSpcReduction=\"{reduction}\"/></a:bodyPr>"
        ),
        None => format!("<a:bodyPr{extra}><a:normAutofit/></a:bodyPr>"),
    }
}

fn run(out: &mut String, span: &Span, paragraph: &Paragraph) {
    for (i, line) in span.text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<a:br><a:rPr lang=\"en-GB\" dirty=\"0\"/></a:br>");
        }
        if line.is_empty() {
            continue;
        }
        out.push_str("<a:r><a:rPr lang=\"en-GB\"");
        if let Some(size) = paragraph.size {
            out.push_str(&format!(" sz=\"{}\"", (size * 100.0) as i64));
        }
        if span.bold || paragraph.bold {
            out.push_str(" b=\"1\"");
        }
        if span.italic {
            out.push_str(" i=\"1\"");
        }
        out.push_str(" dirty=\"0\">");
        if span.code {
            out.push_str("<a:latin typeface=\"Courier New\"/><a:cs typeface=\"Courier New\"/>");
        }
        out.push_str("</a:rPr><a:t>");
        push_escaped(out, line);
        out.push_str("</a:t></a:r>");
    }
}

fn write_paragraphs(out: &mut String, paragraphs: &[Paragraph]) {
    if paragraphs.is_empty() {
        out.push_str("<a:p><a:endParaRPr lang=\"en-GB\" dirty=\"0\"/></a:p>");
    }
    for paragraph in paragraphs {
        out.push_str("<a:p>");
        let level = paragraph.level;
        if level > 0 {
            let mar = LEVEL_INDENT * level as i64;
            // Marker paragraphs hang the marker; an item's later paragraphs line up with
            // its text.
            let indent = if paragraph.bullet || paragraph.number.is_some() {
                -LEVEL_INDENT
            } else {
                0
            };
            out.push_str(&format!(
                "<a:pPr marL=\"{mar}\" lvl=\"{level}\" indent=\"{indent}\">"
            ));
            if !paragraph.bullet {
                out.push_str("<a:buNone/>");
            }
            out.push_str("</a:pPr>");
        } else if paragraph.centred {
            out.push_str("<a:pPr algn=\"ctr\"><a:buNone/></a:pPr>");
        }
        if let Some(number) = &paragraph.number {
            run(
                out,
                &Span {
                    text: format!("{number}\t"),
                    ..Span::default()
                },
                paragraph,
            );
        }
        for span in &paragraph.spans {
            run(out, span, paragraph);
        }
        out.push_str("<a:endParaRPr lang=\"en-GB\" dirty=\"0\"/></a:p>");
    }
}

/// A slide with a title and a body, each a placeholder of the layout. The cover (title
/// slide) moves them to the middle and centres them.
fn slide(title: &str, body: &[Paragraph], cover: bool) -> String {
    let mut out = String::from(XML_DECLARATION);
    out.push_str(&format!("<p:sld {NS}><p:cSld><p:spTree>"));
    out.push_str(TREE_START);
    let (title_frame, title_size, body_frame) = if cover {
        (COVER_TITLE_FRAME, COVER_TITLE_SIZE, COVER_BODY_FRAME)
    } else {
        (TITLE_FRAME, TITLE_SIZE, BODY_FRAME)
    };
    let title_paragraph = Paragraph {
        centred: cover,
        size: cover.then_some(COVER_TITLE_SIZE),
        ..Paragraph::plain(title)
    };
    let title_fit = autofit(
        std::slice::from_ref(&title_paragraph),
        title_frame,
        &[title_size],
        0.0,
    );
    let sp_pr = |frame| {
        if cover {
            format!("<p:spPr>{}</p:spPr>", xfrm(frame))
        } else {
            "<p:spPr/>".to_string()
        }
    };
    out.push_str(&format!(
        "<p:sp><p:nvSpPr><p:cNvPr id=\"2\" name=\"Title 1\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr>\
         <p:nvPr><p:ph type=\"title\"/></p:nvPr></p:nvSpPr>{}<p:txBody>{}<a:lstStyle/>",
        sp_pr(title_frame),
        body_pr(title_fit, if cover { " anchor=\"ctr\"" } else { "" }),
    ));
    write_paragraphs(&mut out, std::slice::from_ref(&title_paragraph));
    out.push_str("</p:txBody></p:sp>");
    let sizes: &[f64] = if cover {
        &[COVER_BODY_SIZE]
    } else {
        &BODY_SIZES
    };
    let fit = autofit(body, body_frame, sizes, SPACE_BEFORE);
    out.push_str(&format!(
        "<p:sp><p:nvSpPr><p:cNvPr id=\"3\" name=\"Content Placeholder 2\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr>\
         <p:nvPr><p:ph idx=\"1\"/></p:nvPr></p:nvSpPr>{}<p:txBody>{}<a:lstStyle/>",
        sp_pr(body_frame),
        body_pr(fit, ""),
    ));
    write_paragraphs(&mut out, body);
    out.push_str("</p:txBody></p:sp></p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>");
    out
}

/// The seven slides: (title, body paragraphs, whether it is the cover).
fn slides(doc: &SummaryDocument) -> Vec<(String, Vec<Paragraph>, bool)> {
    let cover_title = if doc.review_title.trim().is_empty() {
        SLIDE_TITLES[0].to_string()
    } else {
        doc.review_title.trim().to_string()
    };
    let mut cover_lines = vec!["Practitioner learning workshop".to_string()];
    for line in [&doc.review_reference, &doc.partnership, &doc.state_label] {
        if !line.trim().is_empty() {
            cover_lines.push(line.trim().to_string());
        }
    }
    let cover: Vec<Paragraph> = cover_lines
        .iter()
        .map(|line| Paragraph {
            centred: true,
            size: Some(COVER_BODY_SIZE),
            ..Paragraph::plain(line)
        })
        .collect();
    let from_markdown = |text: &str| paragraphs_from_blocks(&markdown::parse(&clean(text)));
    let questions: Vec<Paragraph> = doc
        .slides
        .questions
        .iter()
        .filter(|q| !q.trim().is_empty())
        .enumerate()
        .map(|(i, question)| {
            // Each question is inline Markdown; its paragraphs are joined.
            let mut spans: Vec<Span> = Vec::new();
            for block in markdown::parse(&clean(question)) {
                if !spans.is_empty() {
                    spans.push(Span {
                        text: " ".into(),
                        ..Span::default()
                    });
                }
                spans.extend(block.spans);
            }
            Paragraph {
                level: 1,
                bullet: false,
                number: Some(format!("{}.", i + 1)),
                bold: false,
                centred: false,
                size: None,
                spans,
            }
        })
        .collect();
    let s = &doc.slides;
    vec![
        (cover_title, cover, true),
        (
            SLIDE_TITLES[1].into(),
            from_markdown(&s.case_in_brief),
            false,
        ),
        (
            SLIDE_TITLES[2].into(),
            from_markdown(&s.multi_agency),
            false,
        ),
        (
            SLIDE_TITLES[3].into(),
            from_markdown(&s.single_agency),
            false,
        ),
        (
            SLIDE_TITLES[4].into(),
            from_markdown(&s.what_will_change),
            false,
        ),
        (
            SLIDE_TITLES[5].into(),
            from_markdown(&s.how_we_will_know),
            false,
        ),
        (SLIDE_TITLES[6].into(), questions, false),
    ]
}

pub(super) fn write(doc: &SummaryDocument) -> Result<Vec<u8>, DocumentError> {
    let slides = slides(doc);
    let count = slides.len();
    let mut content_types = String::from(XML_DECLARATION);
    content_types.push_str(CONTENT_TYPES_HEAD);
    for i in 1..=count {
        content_types.push_str(&format!(
            "<Override PartName=\"/ppt/slides/slide{i}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.presentationml.slide+xml\"/>"
        ));
    }
    content_types.push_str("</Types>");

    let title = format!(
        "Practitioner learning workshop: {}",
        super::reference_and_title(doc)
    );
    let mut package = Package::new();
    package.add("[Content_Types].xml", &content_types)?;
    package.add("_rels/.rels", &[XML_DECLARATION, PACKAGE_RELS].concat())?;
    package.add("ppt/presentation.xml", &presentation(count))?;
    package.add("ppt/_rels/presentation.xml.rels", &presentation_rels(count))?;
    package.add("ppt/slideMasters/slideMaster1.xml", &master())?;
    package.add(
        "ppt/slideMasters/_rels/slideMaster1.xml.rels",
        &[XML_DECLARATION, MASTER_RELS].concat(),
    )?;
    package.add("ppt/slideLayouts/slideLayout1.xml", &layout())?;
    package.add(
        "ppt/slideLayouts/_rels/slideLayout1.xml.rels",
        &[XML_DECLARATION, LAYOUT_RELS].concat(),
    )?;
    package.add("ppt/theme/theme1.xml", &[XML_DECLARATION, THEME].concat())?;
    package.add("ppt/presProps.xml", &[XML_DECLARATION, PRES_PROPS].concat())?;
    package.add("ppt/viewProps.xml", &[XML_DECLARATION, VIEW_PROPS].concat())?;
    package.add(
        "ppt/tableStyles.xml",
        &[XML_DECLARATION, TABLE_STYLES].concat(),
    )?;
    let slide_rels = [XML_DECLARATION, SLIDE_RELS].concat();
    for (i, (slide_title, body, cover)) in slides.iter().enumerate() {
        package.add(
            &format!("ppt/slides/slide{}.xml", i + 1),
            &slide(slide_title, body, *cover),
        )?;
        package.add(
            &format!("ppt/slides/_rels/slide{}.xml.rels", i + 1),
            &slide_rels,
        )?;
    }
    package.add(
        "docProps/core.xml",
        &core_properties(&doc.properties(&title)),
    )?;
    package.add(
        "docProps/app.xml",
        &app_properties(
            &doc.properties(&title),
            &format!("<PresentationFormat>Widescreen</PresentationFormat><Slides>{count}</Slides>"),
        ),
    )?;
    package.finish()
}

#[cfg(test)]
mod tests {
    use super::super::tests::{example, part, unzip};
    use super::*;

    #[test]
    fn package_has_the_parts_and_seven_slides() {
        let parts = unzip(&write(&example()).expect("pptx"));
        let names: Vec<&str> = parts.iter().map(|(n, _)| n.as_str()).collect();
        for name in [
            "[Content_Types].xml",
            "_rels/.rels",
            "ppt/presentation.xml",
            "ppt/_rels/presentation.xml.rels",
            "ppt/slideMasters/slideMaster1.xml",
            "ppt/slideLayouts/slideLayout1.xml",
            "ppt/theme/theme1.xml",
            "ppt/slides/slide1.xml",
            "ppt/slides/slide7.xml",
            "ppt/slides/_rels/slide7.xml.rels",
            "docProps/core.xml",
            "docProps/app.xml",
        ] {
            assert!(names.contains(&name), "{name}");
        }
        assert_eq!(
            names
                .iter()
                .filter(|n| n.starts_with("ppt/slides/slide"))
                .count(),
            7
        );
        let presentation = part(&parts, "ppt/presentation.xml");
        assert!(presentation.contains("<p:sldSz cx=\"12192000\" cy=\"6858000\"/>"));
        assert!(presentation.contains("<p:notesSz"));
        assert_eq!(presentation.matches("<p:sldId ").count(), 7);
        let types = part(&parts, "[Content_Types].xml");
        for (name, _) in parts
            .iter()
            .filter(|(n, _)| !n.ends_with(".rels") && n != "[Content_Types].xml")
        {
            assert!(types.contains(&format!("PartName=\"/{name}\"")), "{name}");
        }
    }

    #[test]
    fn slides_have_titles_bullets_and_escaped_text() {
        let parts = unzip(&write(&example()).expect("pptx"));
        let cover = part(&parts, "ppt/slides/slide1.xml");
        assert!(cover.contains(">Child A</a:t>"));
        assert!(cover.contains(">SCR-2016-03</a:t>"));
        assert!(cover.contains(">Practitioner learning workshop</a:t>"));
        for (i, title) in SLIDE_TITLES.iter().enumerate().skip(1) {
            let slide = part(&parts, &format!("ppt/slides/slide{}.xml", i + 1));
            assert!(
                slide.contains(&format!("<a:t>{}</a:t>", super::super::escape(title))),
                "{title}"
            );
            assert!(slide.contains("<a:normAutofit"));
        }
        let brief = part(&parts, "ppt/slides/slide2.xml");
        assert!(brief.contains("<a:pPr marL=\"342900\" lvl=\"1\" indent=\"-342900\"></a:pPr>"));
        assert!(brief.contains("b=\"1\" dirty=\"0\"></a:rPr><a:t>five</a:t>"));
        let single = part(&parts, "ppt/slides/slide4.xml");
        assert!(single.contains("<a:buNone/>"));
        assert!(single.contains("<a:t>2.\t</a:t>"));
        assert!(part(&parts, "ppt/slides/slide6.xml").contains("12 months &amp; a practitioner"));
        let questions = part(&parts, "ppt/slides/slide7.xml");
        assert!(questions.contains("What would you have done at the front door?"));
        assert!(questions.contains("<a:t>2.\t</a:t>"));
    }

    #[test]
    fn long_text_is_shrunk_and_hostile_text_is_safe() {
        let mut doc = example();
        doc.slides.case_in_brief =
            "A long sentence about the case & <its> \u{1}history. ".repeat(300);
        doc.slides.multi_agency = "a short line".into();
        doc.slides.questions = (0..100).map(|i| format!("Question {i}?")).collect();
        doc.review_title = "T".repeat(2_000);
        let parts = unzip(&write(&doc).expect("pptx"));
        let brief = part(&parts, "ppt/slides/slide2.xml");
        assert!(brief.contains("<a:normAutofit fontScale=\"25000\" lnSpcReduction=\"20000\"/>"));
        assert!(!brief.contains('\u{1}'));
        assert!(brief.contains("case &amp; "));
        assert!(part(&parts, "ppt/slides/slide3.xml").contains("<a:normAutofit/>"));
        assert!(part(&parts, "ppt/slides/slide7.xml").contains("fontScale="));
        assert!(part(&parts, "ppt/slides/slide1.xml").contains("fontScale="));
        // Nothing at all still makes seven slides.
        let empty = unzip(&write(&SummaryDocument::default()).expect("pptx"));
        assert!(part(&empty, "ppt/slides/slide1.xml").contains(">Learning summary</a:t>"));
        assert!(part(&empty, "ppt/slides/slide7.xml").contains("<a:endParaRPr"));
    }

    #[test]
    fn fit_estimate_grows_with_text() {
        let short = vec![Paragraph::plain("One line")];
        assert_eq!(autofit(&short, BODY_FRAME, &BODY_SIZES, SPACE_BEFORE), None);
        let medium: Vec<Paragraph> = (0..14)
            .map(|_| Paragraph::plain("A line of text"))
            .collect();
        let fit = autofit(&medium, BODY_FRAME, &BODY_SIZES, SPACE_BEFORE).expect("shrunk");
        assert!(fit.0 < 100_000 && fit.0 > 25_000, "{fit:?}");
    }
}
