//! A year's Section 11 answers as an XLSX workbook: one row per agency and standard, for the
//! assessments the person may read. Cells are written as text, neutralised against formulas
//! (`shared::spreadsheet`).

use super::YearView;
use crate::audit_log::Event;
use crate::chronology::export::ExportFile;
use crate::context::RequestContext;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook};
use shared::section11::Rating;
use shared::spreadsheet::neutralise;

pub const HEADINGS: [&str; 8] = [
    "Year",
    "Agency",
    "Status",
    "Standard",
    "Rating",
    "Evidence",
    "What would make it green",
    "Carried forward",
];
const WIDTHS: [f64; 8] = [8.0, 30.0, 22.0, 36.0, 18.0, 60.0, 50.0, 10.0];

/// The rows of the workbook, in agency then standard order.
pub fn rows(view: &YearView) -> Vec<[String; 8]> {
    let mut out = Vec::new();
    for a in &view.assessments {
        let status = a.status.label().to_owned();
        for s in &a.standards {
            let answer = a.answers.iter().find(|x| x.standard_id == s.id);
            let rating = answer
                .and_then(|x| x.rating.as_deref())
                .and_then(Rating::from_code)
                .map_or("Not rated", Rating::label);
            out.push([
                view.year.to_string(),
                a.agency.name.clone(),
                status.clone(),
                s.title.clone(),
                rating.to_owned(),
                answer.map(|x| x.evidence.clone()).unwrap_or_default(),
                answer.map(|x| x.to_green.clone()).unwrap_or_default(),
                if answer.is_some_and(|x| x.carried_forward) {
                    "Yes"
                } else {
                    "No"
                }
                .to_owned(),
            ]);
        }
    }
    out
}

fn xlsx(year: i32, rows: &[[String; 8]]) -> AppResult<Vec<u8>> {
    let failed = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("writing XLSX: {e}"));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet
        .set_name(format!("Section 11 {year}"))
        .map_err(failed)?;
    let heading = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0x0b0c0c))
        .set_font_color(Color::White)
        .set_text_wrap()
        .set_border(FormatBorder::Thin);
    let cell = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin)
        .set_border_color(Color::RGB(0xb1b4b6));
    for (c, h) in HEADINGS.iter().enumerate() {
        let c = u16::try_from(c).map_err(|_| AppError::Internal("too many columns".into()))?;
        sheet
            .write_string_with_format(0, c, *h, &heading)
            .map_err(failed)?;
        sheet
            .set_column_width(c, WIDTHS[usize::from(c)])
            .map_err(failed)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = u32::try_from(i + 1).map_err(|_| AppError::Internal("too many rows".into()))?;
        for (c, text) in r.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| AppError::Internal("too many columns".into()))?;
            sheet
                .write_string_with_format(row, c, neutralise(text), &cell)
                .map_err(failed)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(failed)?;
    book.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title(format!("Section 11 self-assessment {year}")),
    );
    book.save_to_buffer().map_err(failed)
}

/// The year's answers the person may read, as a workbook; the download is recorded in the
/// audit log (no content).
pub async fn year(state: &AppState, rc: &RequestContext, year: i32) -> AppResult<ExportFile> {
    let view = super::year(state, rc, year).await?;
    let bytes = xlsx(year, &rows(&view))?;
    let id = year.to_string();
    state
        .record_read(rc, Event::new("section11.export", "section11_year", &id))
        .await?;
    Ok(ExportFile {
        file_name: format!("section-11-{year}.xlsx"),
        media_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    })
}
