//! The integrated chronology as a file: CSV or XLSX, anonymised unless the named version is
//! asked for. Cells are written as text, and text a spreadsheet would read as a formula is
//! neutralised (`shared::spreadsheet`); in XLSX each row carries its agency's colour.

use super::service::{self, IntegratedView};
use crate::audit_log::Event;
use crate::context::RequestContext;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook};
use sea_orm::EntityTrait;
use shared::spreadsheet::{csv_line, neutralise};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    Xlsx,
}

/// A file ready to download.
#[derive(Debug, Clone)]
pub struct ExportFile {
    pub file_name: String,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

const HEADINGS: [&str; 15] = [
    "Agency",
    "Seq",
    "Start Date",
    "Start Time",
    "End Date",
    "End Time",
    "Source of Information",
    "Event Type",
    "Event",
    "Action Taken",
    "Information Shared With",
    "Practitioner Comment",
    "Duplicate Group",
    "Flags",
    "Annotations",
];

/// Column widths in XLSX, in characters.
const WIDTHS: [f64; 15] = [
    10.0, 6.0, 14.0, 8.0, 14.0, 8.0, 24.0, 18.0, 60.0, 40.0, 18.0, 40.0, 10.0, 30.0, 50.0,
];

/// One exported row: the agency's prefix and colour, then the cells.
struct Row {
    colour: String,
    cells: Vec<String>,
}

/// Rows in chronological order. The anonymised version names annotations' authors by their
/// agency only.
fn rows(
    view: &IntegratedView,
    agencies: &HashMap<String, (String, String)>,
    anonymised: bool,
) -> Vec<Row> {
    let prefix = |id: &str| agencies.get(id).map_or("?", |(p, _)| p.as_str());
    let mut group_of: HashMap<&str, usize> = HashMap::new();
    for (n, g) in view
        .merged
        .groups
        .iter()
        .filter(|g| g.decision.as_deref() != Some("REJECTED"))
        .enumerate()
    {
        for e in &g.entries {
            group_of.insert(e.id.as_str(), n + 1);
        }
    }
    let mut unconfirmed: HashMap<&str, Vec<&str>> = HashMap::new();
    for s in view
        .merged
        .sharing
        .iter()
        .filter(|s| s.confirmed_by.is_none())
    {
        unconfirmed
            .entry(s.entry.id.as_str())
            .or_default()
            .push(s.with.prefix.as_str());
    }
    let mut notes: HashMap<&str, Vec<String>> = HashMap::new();
    for (n, author, author_prefix) in &view.annotations {
        let who = match (author_prefix, anonymised) {
            (Some(p), true) => p.clone(),
            (None, true) => "Review team".to_owned(),
            (Some(p), false) => format!("{author} ({p})"),
            (None, false) => author.clone(),
        };
        notes.entry(n.entry_id.as_str()).or_default().push(format!(
            "{}: {} – {who}",
            kind_words(&n.kind),
            n.text
        ));
    }
    view.merged
        .entries
        .iter()
        .map(|e| {
            let mut flags = Vec::new();
            if let Some(list) = unconfirmed.get(e.id.as_str()) {
                flags.extend(
                    list.iter()
                        .map(|p| format!("Sharing with {p} not confirmed")),
                );
            }
            let start = service::start_of(e);
            if start.uncertain || start.precision != shared::chronology::Precision::Day {
                flags.push("Imprecise date".into());
            }
            let shared_with: Vec<&str> =
                service::shared_ids(e).iter().map(|id| prefix(id)).collect();
            Row {
                colour: agencies
                    .get(&e.agency_id)
                    .map(|(_, c)| c.clone())
                    .unwrap_or_default(),
                cells: vec![
                    prefix(&e.agency_id).to_owned(),
                    e.seq.map(|s| s.to_string()).unwrap_or_default(),
                    start.to_string(),
                    e.start_time.clone().unwrap_or_default(),
                    service::end_of(e)
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                    e.end_time.clone().unwrap_or_default(),
                    e.source.clone(),
                    e.event_type.clone().unwrap_or_default(),
                    e.event.clone(),
                    e.action_taken.clone().unwrap_or_default(),
                    shared_with.join("; "),
                    e.practitioner_comment.clone().unwrap_or_default(),
                    group_of
                        .get(e.id.as_str())
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    flags.join("; "),
                    notes
                        .get(e.id.as_str())
                        .map(|n| n.join("\n"))
                        .unwrap_or_default(),
                ],
            }
        })
        .collect()
}

pub(crate) fn kind_words(kind: &str) -> &str {
    match kind {
        "MISSED_OPPORTUNITY" => "Missed opportunity",
        "GOOD_PRACTICE" => "Good practice",
        "INFORMATION_SHARING_CONCERN" => "Information-sharing concern",
        "QUESTION" => "Question",
        "ANSWER" => "Answer",
        _ => "Note",
    }
}

fn csv(rows: &[Row]) -> Vec<u8> {
    // A byte-order mark so spreadsheet programs read the file as UTF-8.
    let mut out = String::from("\u{feff}");
    out.push_str(&csv_line(HEADINGS));
    for r in rows {
        out.push_str(&csv_line(r.cells.iter().map(String::as_str)));
    }
    out.into_bytes()
}

/// `#rrggbb` as a number, and the same colour mixed with white for a row's tint.
pub(crate) fn colours(hex: &str) -> Option<(u32, u32)> {
    let rgb = u32::from_str_radix(hex.strip_prefix('#')?, 16).ok()?;
    let tint = |shift: u32| {
        let c = (rgb >> shift) & 0xff;
        (c + (255 - c) * 85 / 100) << shift
    };
    Some((rgb, tint(16) | tint(8) | tint(0)))
}

/// Black or white, whichever reads better on the colour.
pub(crate) fn text_on(rgb: u32) -> u32 {
    let (r, g, b) = ((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff);
    if r * 299 + g * 587 + b * 114 > 128_000 {
        0x000000
    } else {
        0xffffff
    }
}

fn xlsx(rows: &[Row], title: &str) -> AppResult<Vec<u8>> {
    let failed = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("writing XLSX: {e}"));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Integrated chronology").map_err(failed)?;
    let heading = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0x0b0c0c))
        .set_font_color(Color::White)
        .set_text_wrap()
        .set_border(FormatBorder::Thin);
    for (c, h) in HEADINGS.iter().enumerate() {
        let c = c as u16;
        sheet
            .write_string_with_format(0, c, *h, &heading)
            .map_err(failed)?;
        sheet
            .set_column_width(c, WIDTHS[c as usize])
            .map_err(failed)?;
    }
    let mut formats: HashMap<&str, (Format, Format)> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        let (agency, cell) = formats.entry(r.colour.as_str()).or_insert_with(|| {
            let base = Format::new()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_border(FormatBorder::Thin)
                .set_border_color(Color::RGB(0xb1b4b6));
            match colours(&r.colour) {
                Some((full, tint)) => (
                    base.clone()
                        .set_bold()
                        .set_background_color(Color::RGB(full))
                        .set_font_color(Color::RGB(text_on(full))),
                    base.set_background_color(Color::RGB(tint)),
                ),
                None => (base.clone().set_bold(), base),
            }
        });
        let row = u32::try_from(i + 1).map_err(|_| AppError::Internal("too many rows".into()))?;
        for (c, text) in r.cells.iter().enumerate() {
            let format = if c == 0 { &*agency } else { &*cell };
            sheet
                .write_string_with_format(row, c as u16, neutralise(text), format)
                .map_err(failed)?;
        }
    }
    let last_row = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    sheet.set_freeze_panes(1, 0).map_err(failed)?;
    sheet
        .autofilter(0, 0, last_row, (HEADINGS.len() - 1) as u16)
        .map_err(failed)?;
    book.set_properties(&rust_xlsxwriter::DocProperties::new().set_title(title));
    book.save_to_buffer().map_err(failed)
}

/// A name made of the review's reference, safe on every file system.
pub(crate) fn file_stem(reference: &str) -> String {
    let safe: String = reference
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    safe.trim_matches('-').to_owned()
}

/// The empty chronology template agencies fill in: the headings the import reads and an
/// example row; as XLSX also a guidance sheet (what each column takes, the date forms, event
/// types). The same for everyone, so it records nothing in the audit log.
pub fn template(format: FileFormat) -> AppResult<ExportFile> {
    use shared::chronology::template::{example, guidance, headings, NOTES};
    let (ext, media_type, bytes) = match format {
        FileFormat::Csv => {
            let mut out = String::from("\u{feff}");
            out.push_str(&csv_line(headings()));
            out.push_str(&csv_line(example()));
            ("csv", "text/csv; charset=utf-8", out.into_bytes())
        }
        FileFormat::Xlsx => {
            let failed =
                |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("writing XLSX: {e}"));
            let mut book = Workbook::new();
            let bold = Format::new().set_bold().set_text_wrap();
            let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
            let sheet = book.add_worksheet();
            sheet.set_name("Chronology").map_err(failed)?;
            for (c, (heading, text)) in headings().into_iter().zip(example()).enumerate() {
                let c = u16::try_from(c).map_err(|_| AppError::Internal("columns".into()))?;
                let width = if heading == "Event" { 60.0 } else { 18.0 };
                sheet.set_column_width(c, width).map_err(failed)?;
                sheet
                    .write_string_with_format(0, c, heading, &bold)
                    .map_err(failed)?;
                sheet
                    .write_string_with_format(1, c, text, &wrap)
                    .map_err(failed)?;
            }
            let notes = book.add_worksheet();
            notes.set_name("Guidance").map_err(failed)?;
            notes.set_column_width(0, 26.0).map_err(failed)?;
            notes.set_column_width(1, 12.0).map_err(failed)?;
            notes.set_column_width(2, 90.0).map_err(failed)?;
            let mut row = 0u32;
            for note in NOTES {
                notes
                    .write_string_with_format(row, 0, note, &wrap)
                    .map_err(failed)?;
                row += 1;
            }
            row += 1;
            for (c, h) in ["Column", "Required", "What to write"].iter().enumerate() {
                notes
                    .write_string_with_format(row, c as u16, *h, &bold)
                    .map_err(failed)?;
            }
            for (heading, required, text) in guidance() {
                row += 1;
                notes.write_string(row, 0, heading).map_err(failed)?;
                notes
                    .write_string(row, 1, if required { "Yes" } else { "No" })
                    .map_err(failed)?;
                notes
                    .write_string_with_format(row, 2, &text, &wrap)
                    .map_err(failed)?;
            }
            let bytes = book.save_to_buffer().map_err(failed)?;
            (
                "xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                bytes,
            )
        }
    };
    Ok(ExportFile {
        file_name: format!("chronology-template.{ext}"),
        media_type,
        bytes,
    })
}

/// The integrated chronology (of one case, in an audit) as a file, for whoever may see it;
/// recorded in the audit log (which version, which format).
pub async fn integrated(
    state: &AppState,
    rc: &RequestContext,
    review_id: &str,
    case_id: Option<&str>,
    format: FileFormat,
    anonymised: bool,
) -> AppResult<ExportFile> {
    if anonymised {
        super::anonymisation::check_export(state, rc, review_id).await?;
    }
    let view = service::integrated(state, rc, review_id, case_id, anonymised)
        .await?
        .ok_or(AppError::Forbidden)?;
    let agencies: HashMap<String, (String, String)> = crate::entities::agency::Entity::find()
        .all(&state.db)
        .await?
        .into_iter()
        .map(|a| (a.id, (a.prefix, a.colour)))
        .collect();
    let rows = rows(&view, &agencies, anonymised);
    let version = if anonymised { "anonymised" } else { "named" };
    // An audit case is named by its label's head ("Case 3"): pseudonymised, and short.
    let case = view
        .case
        .as_ref()
        .map(|c| shared::chronology::import::case_head(&c.label).to_owned());
    let stem = format!(
        "{}{}-integrated-chronology-{version}",
        file_stem(&view.review.reference),
        case.as_ref()
            .map(|c| format!("-{}", file_stem(c)))
            .unwrap_or_default()
    );
    let title = match &case {
        Some(c) => format!("Integrated chronology {}, {c}", view.review.reference),
        None => format!("Integrated chronology {}", view.review.reference),
    };
    let (ext, media_type, bytes) = match format {
        FileFormat::Csv => ("csv", "text/csv; charset=utf-8", csv(&rows)),
        FileFormat::Xlsx => (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            xlsx(&rows, &title)?,
        ),
    };
    let action = format!("chronology.export.{ext}.{version}");
    state
        .record_read(rc, Event::new(&action, "review", &view.review.id))
        .await?;
    Ok(ExportFile {
        file_name: format!("{stem}.{ext}"),
        media_type,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tints_are_light_and_text_reads_on_the_fill() {
        let (full, tint) = colours("#1d70b8").expect("colour");
        assert_eq!(full, 0x1d70b8);
        assert!((tint >> 16) & 0xff > 0xd0, "tint {tint:06x} is light");
        assert_eq!(text_on(full), 0xffffff);
        assert_eq!(text_on(0xffdd00), 0x000000);
        assert_eq!(colours("blue"), None);
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(file_stem("SCR 2016/03"), "SCR-2016-03");
    }
}
