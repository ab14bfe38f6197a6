//! Turns the first sheet of an XLSX workbook into the template's rows of text, so uploaded
//! workbooks go through exactly the same rules as CSV files. Date cells become
//! `dd/mm/yyyy`, time cells `HH:MM`; text is kept as written (formulas are not evaluated:
//! their cached value is read).

use calamine::{Data, Reader, Xlsx};
use shared::chronology::import::RowProblem;
use std::io::Cursor;

fn problem(message: &str) -> RowProblem {
    RowProblem {
        row: 0,
        column: None,
        message: message.into(),
    }
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Bool(b) => b.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(moment) if dt.as_f64() < 1.0 => moment.format("%H:%M").to_string(),
            Some(moment) => moment.format("%d/%m/%Y").to_string(),
            None => dt.as_f64().to_string(),
        },
    }
}

/// The rows of the workbook's first sheet, as text.
pub fn xlsx_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, RowProblem> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| {
        problem("this is not an Excel workbook that can be read: save it again as .xlsx, or as CSV")
    })?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| problem("the workbook has no sheets"))?
        .map_err(|_| problem("the first sheet of the workbook cannot be read"))?;
    // Rows before the used range are blank: keep them so row numbers match the sheet.
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let first_col = range.start().map_or(0, |(_, c)| c as usize);
    let mut rows: Vec<Vec<String>> = vec![Vec::new(); first_row];
    for row in range.rows() {
        let mut cells = vec![String::new(); first_col];
        cells.extend(row.iter().map(cell_text));
        rows.push(cells);
    }
    while rows
        .last()
        .is_some_and(|r| r.iter().all(|c| c.trim().is_empty()))
    {
        rows.pop();
    }
    if rows.is_empty() {
        return Err(problem("the file is empty"));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

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
        let rows = xlsx_rows(&workbook()).expect("readable");
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
        let entries = shared::chronology::import::read_rows(&rows, &[]).expect("valid");
        assert_eq!(entries[1].row, 4, "row numbers are the sheet's");
        assert_eq!(entries[0].start.to_string(), "22 May 2016");
        assert_eq!(entries[0].seq, Some(3));
    }

    #[test]
    fn a_broken_workbook_is_refused_clearly() {
        let mut bytes = workbook();
        bytes.truncate(bytes.len() / 2);
        let message = xlsx_rows(&bytes).expect_err("truncated").message;
        assert!(
            message.contains("save it again") || message.contains("cannot be read"),
            "{message}"
        );
        let message = xlsx_rows(b"PK\x03\x04not really a zip")
            .expect_err("not a zip")
            .message;
        assert!(message.contains("not an Excel workbook"), "{message}");
    }
}
