//! The master action plan as a file: CSV or XLSX, with the same visibility and filters as
//! the list (`service::matching`). Cells are written as text, and text a spreadsheet would
//! read as a formula is neutralised (`shared::spreadsheet`); in XLSX the owner agency's cell
//! carries its colour.

use super::service::{self, ActionFilter, ActionView};
use crate::audit_log::Event;
use crate::chronology::export::{colours, text_on, ExportFile, FileFormat};
use crate::context::RequestContext;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook};
use shared::actions::Rag;
use shared::spreadsheet::{csv_line, neutralise};
use std::collections::HashMap;

pub const HEADINGS: [&str; 17] = [
    "Reference",
    "Review",
    "Learning point",
    "Recommendation",
    "Action",
    "Owner agency",
    "Owner person",
    "Target date",
    "Status",
    "RAG",
    "Overdue",
    "Last update date",
    "Last update",
    "Evidence of impact",
    "How impact will be audited",
    "Committee",
    "Changed",
];

/// The owner agency's column, which carries its colour.
const AGENCY_COLUMN: usize = 5;

/// Column widths in XLSX, in characters.
const WIDTHS: [f64; 17] = [
    12.0, 14.0, 40.0, 50.0, 50.0, 14.0, 20.0, 12.0, 16.0, 8.0, 8.0, 12.0, 50.0, 40.0, 40.0, 20.0,
    18.0,
];

struct Row {
    colour: String,
    cells: Vec<String>,
}

fn rag_word(rag: Rag) -> &'static str {
    match rag {
        Rag::Red => "Red",
        Rag::Amber => "Amber",
        Rag::Green => "Green",
    }
}

fn rows(views: &[ActionView]) -> Vec<Row> {
    views
        .iter()
        .map(|v| {
            let a = &v.action;
            let update = v.latest_update.as_ref().map(|u| &u.update);
            Row {
                colour: v
                    .owner_agency
                    .as_ref()
                    .map(|g| g.colour.clone())
                    .unwrap_or_default(),
                cells: vec![
                    a.reference.clone(),
                    v.review_reference.clone(),
                    v.learning_point_title.clone(),
                    v.recommendation_text.clone(),
                    a.title.clone(),
                    v.owner_agency
                        .as_ref()
                        .map(|g| g.prefix.clone())
                        .unwrap_or_default(),
                    v.owner_person
                        .as_ref()
                        .map(|p| p.display_name.clone())
                        .unwrap_or_default(),
                    a.target_on.to_string(),
                    v.status().label().to_owned(),
                    rag_word(v.rag).to_owned(),
                    if v.overdue { "Yes" } else { "No" }.to_owned(),
                    update
                        .map(|u| u.at.date_naive().to_string())
                        .unwrap_or_default(),
                    update.map(|u| u.text.clone()).unwrap_or_default(),
                    a.evidence_of_impact.clone().unwrap_or_default(),
                    a.impact_audit.clone().unwrap_or_default(),
                    v.committee
                        .as_ref()
                        .map(|c| c.name.clone())
                        .unwrap_or_default(),
                    a.updated_at.format("%Y-%m-%d %H:%M").to_string(),
                ],
            }
        })
        .collect()
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

fn xlsx(rows: &[Row]) -> AppResult<Vec<u8>> {
    let failed = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("writing XLSX: {e}"));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Action plan").map_err(failed)?;
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
    let cell = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin)
        .set_border_color(Color::RGB(0xb1b4b6));
    let mut agency_formats: HashMap<&str, Format> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        let agency =
            agency_formats
                .entry(r.colour.as_str())
                .or_insert_with(|| match colours(&r.colour) {
                    Some((full, _)) => cell
                        .clone()
                        .set_bold()
                        .set_background_color(Color::RGB(full))
                        .set_font_color(Color::RGB(text_on(full))),
                    None => cell.clone().set_bold(),
                });
        let row = u32::try_from(i + 1).map_err(|_| AppError::Internal("too many rows".into()))?;
        for (c, text) in r.cells.iter().enumerate() {
            let format = if c == AGENCY_COLUMN { &*agency } else { &cell };
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
    book.set_properties(&rust_xlsxwriter::DocProperties::new().set_title("Master action plan"));
    book.save_to_buffer().map_err(failed)
}

/// The actions the person may see that match `filter`, as a file; recorded in the audit
/// log (which format, no content).
pub async fn actions(
    state: &AppState,
    rc: &RequestContext,
    filter: &ActionFilter,
    format: FileFormat,
) -> AppResult<ExportFile> {
    let actor = rc.actor()?;
    let views = service::matching(state, actor, filter).await?;
    let rows = rows(&views);
    let (ext, media_type, bytes) = match format {
        FileFormat::Csv => ("csv", "text/csv; charset=utf-8", csv(&rows)),
        FileFormat::Xlsx => (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            xlsx(&rows)?,
        ),
    };
    let action = format!("actions.export.{ext}");
    state
        .record_read(
            rc,
            Event {
                action: &action,
                object_type: "action",
                object_id: None,
            },
        )
        .await?;
    Ok(ExportFile {
        file_name: format!("action-plan-{}.{ext}", state.today()),
        media_type,
        bytes,
    })
}
