//! Writing an export as an XLSX workbook of text: one sheet, a dark heading row frozen at
//! the top, each cell written as text and neutralised against formulas
//! (`shared::spreadsheet::neutralise`), wrapped and bordered.

use crate::error::{AppError, AppResult};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook};
use shared::spreadsheet::neutralise;

/// A workbook of one sheet named `sheet` (at most 31 characters), titled `title` in its
/// properties, with `headings` (each column `widths` wide) and `rows` of text.
pub fn text_workbook<R: AsRef<[String]>>(
    sheet_name: &str,
    title: &str,
    headings: &[&str],
    widths: &[f64],
    rows: &[R],
) -> AppResult<Vec<u8>> {
    let failed = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("writing XLSX: {e}"));
    let column =
        |c: usize| u16::try_from(c).map_err(|_| AppError::Internal("too many columns".into()));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name).map_err(failed)?;
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
    for (c, h) in headings.iter().enumerate() {
        sheet
            .write_string_with_format(0, column(c)?, *h, &heading)
            .map_err(failed)?;
        sheet
            .set_column_width(column(c)?, widths.get(c).copied().unwrap_or(20.0))
            .map_err(failed)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = u32::try_from(i + 1).map_err(|_| AppError::Internal("too many rows".into()))?;
        for (c, text) in r.as_ref().iter().enumerate() {
            sheet
                .write_string_with_format(row, column(c)?, neutralise(text), &cell)
                .map_err(failed)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(failed)?;
    book.set_properties(&rust_xlsxwriter::DocProperties::new().set_title(title));
    book.save_to_buffer().map_err(failed)
}
