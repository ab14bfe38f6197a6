//! Reading uploaded spreadsheets, CSV or XLSX, into rows of text, so every upload (the
//! chronology template, performance values) goes through one bounded reader and then its
//! own pure rules (`shared::spreadsheet::read`). From an XLSX workbook the first sheet is
//! read: date cells become `dd/mm/yyyy`, time cells `HH:MM`; text is kept as written
//! (formulas are not evaluated: their cached value is read).
//!
//! Reading is bounded by the template, not by the file. The upload's bytes are capped
//! before they are decoded ([`decode_base64`]). Before anything of a workbook is unpacked,
//! the zip's directory is checked: what every part declares it unpacks to, in all and
//! against its packed size (the zip reader then refuses a part that unpacks to more than it
//! declared). The sheet is then streamed cell by cell (never calamine's `worksheet_range`,
//! which allocates the bounding box of every cell it sees: cells at A1 and XFD1048576 ask
//! for hundreds of gigabytes), and a cell with something in it beyond the template's
//! columns or the row limit refuses the file at once. Files are read off the async threads,
//! a few at a time ([`read_off_thread`]).

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use calamine::{DataRef, Reader, Xlsx};
use shared::spreadsheet::read::{decode_text, parse_csv, FileKind, RowProblem, SheetRows};
use shared::{Problem, Problems};
use std::io::Cursor;

/// What a workbook may cost to read.
#[derive(Debug, Clone, Copy)]
pub struct WorkbookLimits {
    /// Most rows, the heading row counted.
    pub max_rows: usize,
    /// Most bytes the workbook's parts may unpack to, all together.
    pub max_unpacked_bytes: u64,
    /// Most times its packed size a part over [`RATIO_FROM`] bytes may unpack to.
    pub max_ratio: u64,
}

impl Default for WorkbookLimits {
    /// The configuration's defaults.
    fn default() -> Self {
        WorkbookLimits {
            max_rows: shared::chronology::import::DEFAULT_MAX_ROWS,
            max_unpacked_bytes: 50 * 1_048_576,
            max_ratio: 100,
        }
    }
}

impl WorkbookLimits {
    /// What reading an uploaded file may cost, from the configuration.
    pub fn from_config(config: &crate::config::Config) -> Self {
        WorkbookLimits {
            max_rows: config.max_import_rows,
            max_unpacked_bytes: config.max_workbook_bytes,
            max_ratio: config.max_workbook_ratio,
        }
    }
}

/// Parts smaller than this are not held to the ratio (a tiny part packs tightly and costs
/// nothing).
pub const RATIO_FROM: u64 = 1_048_576;

fn problem(message: impl Into<String>) -> RowProblem {
    RowProblem {
        row: 0,
        column: None,
        message: message.into(),
    }
}

fn unreadable() -> RowProblem {
    problem("this is not an Excel workbook that can be read: save it again as .xlsx, or as CSV")
}

fn megabytes(bytes: u64) -> String {
    format!("{:.0} MB", bytes as f64 / 1_048_576.0)
}

/// Checks what the workbook's zip directory declares, before anything is unpacked.
fn check_package(bytes: &[u8], kind: &FileKind, limits: &WorkbookLimits) -> Result<(), RowProblem> {
    let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| unreadable())?;
    let mut total: u64 = 0;
    for index in 0..zip.len() {
        let part = zip.by_index_data(index).map_err(|_| unreadable())?;
        let size = part.size();
        total = total.saturating_add(size);
        if total > limits.max_unpacked_bytes {
            return Err(problem(format!(
                "the workbook unpacks to more than {}, the most read: split {} into several files, or save it as CSV",
                megabytes(limits.max_unpacked_bytes),
                kind.content
            )));
        }
        let packed = part.compressed_size().max(1);
        if size > RATIO_FROM && size / packed > limits.max_ratio {
            return Err(problem(format!(
                "part of the workbook unpacks to {} times its size ({} at most): this is not an ordinary spreadsheet; save it again from Excel, or as CSV",
                size / packed,
                limits.max_ratio
            )));
        }
    }
    Ok(())
}

fn cell_text(cell: &DataRef<'_>) -> String {
    match cell {
        DataRef::Empty | DataRef::Error(_) => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::DateTime(dt) => match dt.as_datetime() {
            Some(moment) if dt.as_f64() < 1.0 => moment.format("%H:%M").to_string(),
            Some(moment) => moment.format("%d/%m/%Y").to_string(),
            None => dt.as_f64().to_string(),
        },
    }
}

/// The rows of the workbook's first sheet, as text (blank rows kept so row numbers match
/// the sheet). Runs for as long as the parse takes: call it off the async threads.
pub fn xlsx_rows(
    bytes: &[u8],
    kind: &FileKind,
    limits: &WorkbookLimits,
) -> Result<Vec<Vec<String>>, RowProblem> {
    check_package(bytes, kind, limits)?;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| unreadable())?;
    let first = workbook
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| problem("the workbook has no sheets"))?;
    let cannot = || problem("the first sheet of the workbook cannot be read");
    let mut cells = workbook
        .worksheet_cells_reader(&first)
        .map_err(|_| cannot())?;
    let text_room = usize::try_from(limits.max_unpacked_bytes).unwrap_or(usize::MAX);
    let mut rows = SheetRows::new(kind, limits.max_rows, text_room);
    while let Some(cell) = cells.next_cell().map_err(|_| cannot())? {
        let (row, column) = cell.get_position();
        rows.put(row as usize, column as usize, cell_text(cell.get_value()))?;
    }
    let rows = rows.finish();
    if rows.is_empty() {
        return Err(problem("the file is empty"));
    }
    Ok(rows)
}

/// The rows of an uploaded file: an XLSX workbook's first sheet (by its name or its
/// first bytes), or CSV text; an old `.xls` workbook is refused.
pub fn file_rows(
    file_name: &str,
    bytes: &[u8],
    kind: &FileKind,
    limits: &WorkbookLimits,
) -> Result<Vec<Vec<String>>, RowProblem> {
    let lower = file_name.to_lowercase();
    if lower.ends_with(".xlsx") || bytes.starts_with(b"PK\x03\x04") {
        xlsx_rows(bytes, kind, limits)
    } else if lower.ends_with(".xls") {
        Err(problem(
            "old .xls workbooks are not read: save it as .xlsx or CSV",
        ))
    } else {
        let text = decode_text(bytes, kind)?;
        parse_csv(&text, kind, limits.max_rows)
    }
}

/// Runs `read` (reading an uploaded file) off the async threads, at most
/// [`crate::state::FILE_READERS`] at once (more wait their turn), so a big or hostile file
/// never stalls other requests.
pub async fn read_off_thread<T: Send + 'static>(
    state: &AppState,
    read: impl FnOnce() -> T + Send + 'static,
) -> AppResult<T> {
    let _turn = state
        .file_readers
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| AppError::Internal(format!("file readers closed: {e}")))?;
    tokio::task::spawn_blocking(read)
        .await
        .map_err(|e| AppError::Internal(format!("reading an uploaded file: {e}")))
}

/// The uploaded file's bytes, refused when over the configured limit (before decoding
/// more than the limit's worth of base64).
pub fn decode_base64(content: &str, max_bytes: usize, kind: &FileKind) -> AppResult<Vec<u8>> {
    use base64::Engine;
    let too_big = |bytes: usize| {
        AppError::validation(
            "contentBase64",
            format!(
                "the file is {:.1} MB; the largest accepted is {:.1} MB: split {} into several files",
                bytes as f64 / 1_048_576.0,
                max_bytes as f64 / 1_048_576.0,
                kind.content
            ),
        )
    };
    let content = content.trim();
    if content.len() / 4 * 3 > max_bytes.saturating_add(3) {
        return Err(too_big(content.len() / 4 * 3));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(content)
        .map_err(|_| AppError::validation("contentBase64", "is not base64-encoded file content"))?;
    if bytes.len() > max_bytes {
        return Err(too_big(bytes.len()));
    }
    Ok(bytes)
}

/// A file's problems as one VALIDATION error: each names `row N, Column` (or `row N`, the
/// column's heading alone, or `file`) as its field.
pub fn problems_error(list: Vec<RowProblem>) -> AppError {
    AppError::Validation(Problems(
        list.into_iter()
            .map(|p| {
                let field = match (&p.column, p.row) {
                    (Some(c), 0) => c.clone(),
                    (Some(c), r) => format!("row {r}, {c}"),
                    (None, 0) => "file".to_string(),
                    (None, r) => format!("row {r}"),
                };
                Problem::new(field, p.message)
            })
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    use shared::chronology::import::FILE;

    const LIMITS: WorkbookLimits = WorkbookLimits {
        max_rows: 50_000,
        max_unpacked_bytes: 50 * 1_048_576,
        max_ratio: 100,
    };

    #[test]
    fn the_limits_default_to_the_configurations() {
        let d = WorkbookLimits::default();
        assert_eq!(
            (d.max_rows, d.max_unpacked_bytes, d.max_ratio),
            (LIMITS.max_rows, LIMITS.max_unpacked_bytes, LIMITS.max_ratio)
        );
    }

    #[test]
    fn a_sparse_sheet_is_refused_at_its_far_cell_without_allocating_the_range() {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        for (col, heading) in ["Date", "Source", "Event"].iter().enumerate() {
            sheet
                .write_string(0, col as u16, *heading)
                .expect("heading");
        }
        sheet
            .write_string(1_048_575, 16_383, "x")
            .expect("far cell");
        let bytes = book.save_to_buffer().expect("xlsx");
        let started = std::time::Instant::now();
        let refused = xlsx_rows(&bytes, &FILE, &LIMITS).expect_err("sparse");
        assert!(started.elapsed().as_secs() < 2, "{:?}", started.elapsed());
        assert_eq!(refused.row, 1_048_576);
        assert_eq!(refused.column.as_deref(), Some("column XFD"), "{refused}");

        // Within the columns, far down: the row limit, with the row.
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "Date").expect("heading");
        sheet.write_string(1_048_575, 2, "x").expect("far row");
        let bytes = book.save_to_buffer().expect("xlsx");
        let refused = xlsx_rows(&bytes, &FILE, &LIMITS).expect_err("far row");
        assert_eq!(refused.row, 1_048_576);
        assert!(refused.message.contains("at most 50,000 rows"), "{refused}");

        // Styled empty cells far away cost nothing and are not refused.
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "Date").expect("heading");
        sheet
            .write_blank(1_048_575, 16_383, &Format::new().set_bold())
            .expect("blank");
        let rows = xlsx_rows(&book.save_to_buffer().expect("xlsx"), &FILE, &LIMITS).expect("read");
        assert_eq!(rows, vec![vec!["Date".to_string()]]);
    }

    fn workbook() -> Vec<u8> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        let date = Format::new().set_num_format("dd/mm/yyyy");
        let time = Format::new().set_num_format("hh:mm");
        for (col, heading) in ["Date", "Time", "Source", "Event", "Seq"]
            .iter()
            .enumerate()
        {
            sheet
                .write_string(0, col as u16, *heading)
                .expect("heading");
        }
        let day = ExcelDateTime::from_ymd(2016, 5, 22).expect("date");
        sheet
            .write_datetime_with_format(1, 0, &day, &date)
            .expect("date");
        let at = ExcelDateTime::from_hms(14, 30, 0).expect("time");
        sheet
            .write_datetime_with_format(1, 1, &at, &time)
            .expect("time");
        sheet.write_string(1, 2, "REC-1").expect("source");
        sheet
            .write_string(1, 3, "=not a formula, just text")
            .expect("event");
        sheet.write_number(1, 4, 3.0).expect("seq");
        sheet.write_string(3, 0, "May 2016").expect("text date");
        sheet.write_string(3, 2, "REC-2").expect("source");
        sheet
            .write_string(3, 3, "Second, after a blank row")
            .expect("event");
        book.save_to_buffer().expect("xlsx")
    }

    #[test]
    fn a_workbook_reads_as_the_template_rows() {
        let rows = xlsx_rows(&workbook(), &FILE, &LIMITS).expect("readable");
        assert_eq!(rows[0], vec!["Date", "Time", "Source", "Event", "Seq"]);
        assert_eq!(
            rows[1],
            vec![
                "22/05/2016",
                "14:30",
                "REC-1",
                "=not a formula, just text",
                "3"
            ]
        );
        assert!(
            rows[2].iter().all(|c| c.is_empty()),
            "the blank row is kept: {:?}",
            rows[2]
        );
        assert_eq!(rows[3][0], "May 2016");
        let entries =
            shared::chronology::import::read_rows(&rows, &Default::default()).expect("valid");
        assert_eq!(entries[1].row, 4, "row numbers are the sheet's");
        assert_eq!(entries[0].start.to_string(), "22 May 2016");
        assert_eq!(entries[0].seq, Some(3));
    }

    #[test]
    fn a_broken_workbook_is_refused_clearly() {
        let mut bytes = workbook();
        bytes.truncate(bytes.len() / 2);
        let message = xlsx_rows(&bytes, &FILE, &LIMITS)
            .expect_err("truncated")
            .message;
        assert!(
            message.contains("save it again") || message.contains("cannot be read"),
            "{message}"
        );
        let message = xlsx_rows(b"PK\x03\x04not really a zip", &FILE, &LIMITS)
            .expect_err("not a zip")
            .message;
        assert!(message.contains("not an Excel workbook"), "{message}");
    }
}
