//! Reading uploaded spreadsheets (CSV here; the server turns XLSX sheets into the same rows)
//! into a template's columns. One reader for every kind of upload (the chronology
//! template, performance values): a [`FileKind`] gives its limits and how its messages name
//! it, a [`TemplateColumn`] its headings. Headings match case-insensitively with their
//! aliases; row numbers are the spreadsheet's (1 is the first row, blank rows counted);
//! reading is bounded by the template, not by the file.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One thing wrong with the file: where, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    /// The spreadsheet row (1 is the heading row); 0 for the file as a whole.
    pub row: usize,
    pub column: Option<String>,
    pub message: String,
}

impl RowProblem {
    /// A problem at `row` (0: the file) in the column headed `column`, if any.
    pub fn new(row: usize, column: Option<&str>, message: impl Into<String>) -> Self {
        RowProblem {
            row,
            column: column.map(str::to_owned),
            message: message.into(),
        }
    }
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.column, self.row) {
            (Some(c), 0) => write!(f, "{c}: {}", self.message),
            (Some(c), r) => write!(f, "row {r}, {c}: {}", self.message),
            (None, 0) => write!(f, "{}", self.message),
            (None, r) => write!(f, "row {r}: {}", self.message),
        }
    }
}

/// A kind of upload: how big it may be and what its messages call it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileKind {
    /// What the file is called: "a chronology file".
    pub file: &'static str,
    /// What to upload instead of something else: "the chronology template".
    pub template: &'static str,
    /// What to split when the file is too big: "the chronology".
    pub content: &'static str,
    /// What its rows are: "entries".
    pub rows: &'static str,
    /// The template's columns.
    pub columns: usize,
    /// Widest sheet read: the template's columns, with room for columns of the sender's
    /// own (which are ignored). A cell with something in it further right refuses the file.
    pub max_columns: usize,
}

/// A column of a template.
pub trait TemplateColumn: Copy + PartialEq + 'static {
    /// The template's heading.
    fn heading(self) -> &'static str;
    /// Other headings accepted for the column.
    fn aliases(self) -> &'static [&'static str];
    /// Whether a file without the column is refused.
    fn mandatory(self) -> bool;
    /// Whether `heading` names the column (case-insensitive, spaces around ignored).
    fn matches(self, heading: &str) -> bool {
        let h = heading.trim();
        h.eq_ignore_ascii_case(self.heading())
            || self.aliases().iter().any(|a| h.eq_ignore_ascii_case(a))
    }
}

/// Decodes an uploaded text file: UTF-8 with or without a byte-order mark, or Windows-1252
/// (converted). Refuses what is not text.
pub fn decode_text(bytes: &[u8], kind: &FileKind) -> Result<String, RowProblem> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(RowProblem::new(0, None, "the file is empty"));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(RowProblem::new(
            0,
            None,
            "this looks like an Excel workbook: upload it as .xlsx, or save it as CSV",
        ));
    }
    if bytes.contains(&0)
        || bytes.starts_with(b"%PDF")
        || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
    {
        return Err(RowProblem::new(
            0,
            None,
            format!(
                "this is not a spreadsheet: upload {} as CSV or XLSX",
                kind.template
            ),
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(_) => Ok(bytes.iter().map(|&b| windows_1252(b)).collect()),
    }
}

/// Windows-1252: Latin-1 with printable characters in 0x80-0x9F.
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// The spreadsheet's name of a column: 0 is `A`, 25 `Z`, 26 `AA`, 16383 `XFD`.
pub fn column_letters(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// Collects a file's cells into rows (blank rows kept, so row numbers match the sheet),
/// bounded by the template rather than by the file: a cell with something in it beyond
/// the kind's columns or the row limit refuses the file at once, blank cells anywhere cost
/// nothing, and the text kept is capped (a workbook's shared strings can repeat one long
/// text in every cell).
#[derive(Debug)]
pub struct SheetRows {
    rows: Vec<Vec<String>>,
    kind: FileKind,
    max_rows: usize,
    text_room: usize,
}

impl SheetRows {
    /// At most `max_rows` rows (the heading row counted) and `max_text` bytes of text.
    pub fn new(kind: &FileKind, max_rows: usize, max_text: usize) -> Self {
        SheetRows {
            rows: Vec::new(),
            kind: *kind,
            max_rows,
            text_room: max_text,
        }
    }

    /// The cell at `row` and `column` (both counted from 0), in any order.
    pub fn put(&mut self, row: usize, column: usize, text: String) -> Result<(), RowProblem> {
        if text.trim().is_empty() {
            return Ok(());
        }
        let kind = &self.kind;
        if column >= kind.max_columns {
            return Err(RowProblem {
                row: row.saturating_add(1),
                column: Some(format!("column {}", column_letters(column))),
                message: format!(
                    "{} has at most {} columns (A to {}): the template's {} and up to {} of your own, which are not read",
                    kind.file,
                    kind.max_columns,
                    column_letters(kind.max_columns - 1),
                    kind.columns,
                    kind.max_columns - kind.columns
                ),
            });
        }
        if row >= self.max_rows {
            return Err(RowProblem::new(
                row.saturating_add(1),
                None,
                format!(
                    "{} holds at most {} rows: split it into several files",
                    kind.file,
                    thousands(self.max_rows)
                ),
            ));
        }
        if text.len() > self.text_room {
            return Err(RowProblem::new(
                0,
                None,
                format!(
                    "the file holds more text than {} may: split it into several files",
                    kind.file
                ),
            ));
        }
        self.text_room -= text.len();
        if self.rows.len() <= row {
            self.rows.resize_with(row + 1, Vec::new);
        }
        let cells = &mut self.rows[row];
        if cells.len() <= column {
            cells.resize(column + 1, String::new());
        }
        cells[column] = text;
        Ok(())
    }

    /// The rows up to the last one with something in it.
    pub fn finish(self) -> Vec<Vec<String>> {
        self.rows
    }
}

/// Splits CSV text (RFC 4180: quoted fields, doubled quotes, CRLF or LF, line breaks inside
/// quotes) into rows of cells, refusing a file of more than `max_rows` rows or with
/// something beyond the kind's columns. Blank rows are kept (so row numbers match the
/// spreadsheet); trailing blank rows are dropped.
pub fn parse_csv(
    text: &str,
    kind: &FileKind,
    max_rows: usize,
) -> Result<Vec<Vec<String>>, RowProblem> {
    let mut rows = SheetRows::new(kind, max_rows, text.len());
    let (mut row, mut column) = (0usize, 0usize);
    let mut cell = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                cell.push(c);
            }
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => {
                rows.put(row, column, std::mem::take(&mut cell))?;
                column += 1;
            }
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n' | '\r') => {
                line += 1;
                rows.put(row, column, std::mem::take(&mut cell))?;
                row += 1;
                column = 0;
            }
            (false, c) => cell.push(c),
        }
    }
    if quoted {
        return Err(RowProblem::new(
            line,
            None,
            "a quoted cell is never closed (a \" is missing)",
        ));
    }
    rows.put(row, column, cell)?;
    Ok(rows.finish())
}

/// Whether every cell of a row is blank.
pub fn is_blank(row: &[String]) -> bool {
    row.iter().all(|c| c.trim().is_empty())
}

/// A file's rows under its headings: the first row with something in it holds them.
#[derive(Debug)]
pub struct Table<'a, C> {
    /// The heading row's number in the spreadsheet.
    pub heading_row: usize,
    columns: Vec<Option<C>>,
    data: &'a [Vec<String>],
}

impl<'a, C: TemplateColumn> Table<'a, C> {
    /// Finds the headings among `all`, refusing an empty file, a column twice, a missing
    /// mandatory column, or headings with no rows under them.
    pub fn read(
        rows: &'a [Vec<String>],
        all: &[C],
        kind: &FileKind,
    ) -> Result<Self, Vec<RowProblem>> {
        let Some(heading_index) = rows.iter().position(|r| !is_blank(r)) else {
            return Err(vec![RowProblem::new(0, None, "the file is empty")]);
        };
        let headings = &rows[heading_index];
        let heading_row = heading_index + 1;
        let mut columns: Vec<Option<C>> = Vec::with_capacity(headings.len());
        let mut problems = Vec::new();
        for heading in headings {
            let column = all.iter().copied().find(|c| c.matches(heading));
            if let Some(c) = column {
                if columns.contains(&Some(c)) {
                    problems.push(RowProblem::new(
                        heading_row,
                        Some(c.heading()),
                        format!("the column appears twice (\"{}\")", heading.trim()),
                    ));
                }
            }
            columns.push(column);
        }
        for c in all.iter().copied().filter(|c| c.mandatory()) {
            if !columns.contains(&Some(c)) {
                let aliases = c.aliases().join("\", \"");
                let also = if aliases.is_empty() {
                    String::new()
                } else {
                    format!(" (or \"{aliases}\")")
                };
                problems.push(RowProblem::new(
                    heading_row,
                    Some(c.heading()),
                    format!("the mandatory column \"{}\"{also} is missing", c.heading()),
                ));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let data = &rows[heading_index + 1..];
        if data.iter().all(|r| is_blank(r)) {
            return Err(vec![RowProblem::new(
                0,
                None,
                format!("the file has headings but no {}", kind.rows),
            )]);
        }
        Ok(Table {
            heading_row,
            columns,
            data,
        })
    }

    /// The rows with something in them, each with its spreadsheet row number.
    pub fn rows(&self) -> impl Iterator<Item = (usize, Row<'_, C>)> + '_ {
        self.data
            .iter()
            .enumerate()
            .filter(|(_, cells)| !is_blank(cells))
            .map(move |(i, cells)| {
                (
                    self.heading_row + 1 + i,
                    Row {
                        columns: &self.columns,
                        cells,
                    },
                )
            })
    }
}

/// One row of a [`Table`].
#[derive(Debug, Clone, Copy)]
pub struct Row<'a, C> {
    columns: &'a [Option<C>],
    cells: &'a [String],
}

impl<'a, C: TemplateColumn> Row<'a, C> {
    /// The column's cell, trimmed; `None` when blank or absent.
    pub fn cell(&self, c: C) -> Option<&'a str> {
        self.columns
            .iter()
            .position(|x| *x == Some(c))
            .and_then(|p| self.cells.get(p))
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KIND: FileKind = FileKind {
        file: "a test file",
        template: "the test template",
        content: "the test",
        rows: "things",
        columns: 3,
        max_columns: 26,
    };

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Col {
        A,
        B,
    }

    impl TemplateColumn for Col {
        fn heading(self) -> &'static str {
            match self {
                Col::A => "Alpha",
                Col::B => "Beta",
            }
        }
        fn aliases(self) -> &'static [&'static str] {
            match self {
                Col::A => &["First"],
                Col::B => &[],
            }
        }
        fn mandatory(self) -> bool {
            self == Col::A
        }
    }

    #[test]
    fn a_table_finds_its_headings_and_numbers_rows_as_the_sheet() {
        let rows = parse_csv("\n first ,other,BETA\n1,,2\n\n3,x,\n", &KIND, 100).expect("csv");
        let table = Table::read(&rows, &[Col::A, Col::B], &KIND).expect("table");
        assert_eq!(table.heading_row, 2);
        let read: Vec<(usize, Option<&str>, Option<&str>)> = table
            .rows()
            .map(|(n, r)| (n, r.cell(Col::A), r.cell(Col::B)))
            .collect();
        assert_eq!(read, [(3, Some("1"), Some("2")), (5, Some("3"), None)]);

        let twice = parse_csv("Alpha,First\n1,2\n", &KIND, 100).expect("csv");
        let problems = Table::read(&twice, &[Col::A, Col::B], &KIND).expect_err("twice");
        assert_eq!(
            problems[0].to_string(),
            "row 1, Alpha: the column appears twice (\"First\")"
        );
        let missing = parse_csv("Beta\n1\n", &KIND, 100).expect("csv");
        let problems = Table::read(&missing, &[Col::A, Col::B], &KIND).expect_err("missing");
        assert!(
            problems[0].message.contains("(or \"First\") is missing"),
            "{problems:?}"
        );
        let bare = parse_csv("Alpha\n\n", &KIND, 100).expect("csv");
        let problems = Table::read(&bare, &[Col::A, Col::B], &KIND).expect_err("bare");
        assert_eq!(problems[0].message, "the file has headings but no things");
        assert!(decode_text(b"%PDF-1.4", &KIND)
            .expect_err("pdf")
            .message
            .contains("upload the test template as CSV or XLSX"));
    }
}
