//! Values of the performance dataset imported from a spreadsheet (CSV or XLSX, read into
//! rows by [`crate::spreadsheet::read`]): three columns, the indicator (its exact name,
//! whatever the case, or its id), the period (`2026-03` for a monthly indicator, `2026-Q1`
//! for a quarterly one) and the value. All or nothing: the file is accepted only when no
//! row has a problem, and every problem names its row (as the spreadsheet numbers it, the
//! headings usually row 1) and its column.

use super::{check_value, ReportingPeriod, MAX_NAME_CHARS, MAX_VALUES_PER_INDICATOR};
use crate::spreadsheet::read::{thousands, FileKind, RowProblem, Table, TemplateColumn};
use std::collections::{HashMap, HashSet};

/// The most values one file may hold.
pub const MAX_VALUES: usize = 5_000;

/// The most rows a file may hold, the heading row counted.
pub const MAX_ROWS: usize = MAX_VALUES + 1;

/// The longest cell read (an indicator's name is at most [`MAX_NAME_CHARS`]).
pub const MAX_CELL_CHARS: usize = MAX_NAME_CHARS;

/// The most problems reported: past these, one line says how many more there are.
pub const MAX_PROBLEMS: usize = 100;

/// A file of performance values as an upload: its limits and how messages name it.
pub const FILE: FileKind = FileKind {
    file: "a file of performance values",
    template: "the performance values template (Indicator, Period, Value)",
    content: "the values",
    rows: "values",
    columns: ValueColumn::ALL.len(),
    max_columns: 10,
};

/// The template's columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueColumn {
    Indicator,
    Period,
    Value,
}

impl ValueColumn {
    pub const ALL: [ValueColumn; 3] = [
        ValueColumn::Indicator,
        ValueColumn::Period,
        ValueColumn::Value,
    ];
}

impl TemplateColumn for ValueColumn {
    fn heading(self) -> &'static str {
        match self {
            ValueColumn::Indicator => "Indicator",
            ValueColumn::Period => "Period",
            ValueColumn::Value => "Value",
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            ValueColumn::Indicator => &["Indicator name", "Indicator id", "Measure"],
            ValueColumn::Period => &["Month", "Quarter", "Period key"],
            ValueColumn::Value => &["Number", "Figure"],
        }
    }

    fn mandatory(self) -> bool {
        true
    }
}

/// The file's headings and an example row, as the template shows them.
pub fn template_rows() -> [[&'static str; 3]; 2] {
    [
        ["Indicator", "Period", "Value"],
        ["Re-referrals within 12 months", "2026-03", "21.5"],
    ]
}

/// An indicator a file may name.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownIndicator {
    pub id: String,
    pub name: String,
    pub period: ReportingPeriod,
    /// Whether the person importing may record its values.
    pub recordable: bool,
    /// The period keys it has values for now.
    pub existing: Vec<String>,
}

/// One value of the file, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedValue {
    /// The spreadsheet row it came from.
    pub row: usize,
    pub indicator_id: String,
    /// The canonical period key.
    pub period: String,
    pub value: f64,
    /// Whether it replaces a value the indicator has now.
    pub replaces: bool,
}

fn problem(row: usize, column: ValueColumn, message: impl Into<String>) -> RowProblem {
    RowProblem::new(row, Some(column.heading()), message)
}

/// A cell's text for a message: at most 40 characters, quoted.
fn quoted(cell: &str) -> String {
    let mut short: String = cell.chars().take(40).collect();
    if short.len() < cell.len() {
        short.push('…');
    }
    format!("\"{short}\"")
}

/// Reads a value as written: digits with an optional sign, decimal point and exponent.
fn number(cell: &str) -> Result<f64, String> {
    if cell.contains('%') {
        return Err(format!(
            "{} has a % sign: write the number alone (45 for 45 %)",
            quoted(cell)
        ));
    }
    if cell.contains(',') {
        return Err(format!(
            "{} has a comma: write the number without thousands separators, with a decimal point (1234.5)",
            quoted(cell)
        ));
    }
    match cell.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(format!(
            "{} is not a finite number: give the value itself",
            quoted(cell)
        )),
        Err(_) => Err(format!(
            "{} is not a number: write it like 42 or 3.5",
            quoted(cell)
        )),
    }
}

/// Finds the indicator a cell names: its id, or its name whatever the case.
fn find<'a>(
    cell: &str,
    by_id: &HashMap<&str, &'a KnownIndicator>,
    by_name: &HashMap<String, Vec<&'a KnownIndicator>>,
) -> Result<&'a KnownIndicator, String> {
    if let Some(found) = by_id.get(cell) {
        return Ok(found);
    }
    match by_name.get(&cell.to_lowercase()).map(Vec::as_slice) {
        Some([one]) => Ok(one),
        Some(several) if several.len() > 1 => Err(format!(
            "{} indicators are called {}: give the id of the one you mean (the end of its page's address)",
            several.len(),
            quoted(cell)
        )),
        _ => Err(format!(
            "{} is not an indicator of the dataset: give its name as the performance page shows it, or its id",
            quoted(cell)
        )),
    }
}

/// Reads the rows of a file (the first row with something in it holds the headings) into
/// the values to record, or every problem (at most [`MAX_PROBLEMS`], then a count).
/// Refused before any row is read: more than [`MAX_ROWS`] rows. Each row is refused
/// when it names no indicator the person may record, a period not in the indicator's form,
/// a value that is not a finite number within the dataset's range, or an indicator and
/// period given on an earlier row; and a row that would take an indicator past
/// [`MAX_VALUES_PER_INDICATOR`] values.
pub fn read_values(
    rows: &[Vec<String>],
    indicators: &[KnownIndicator],
) -> Result<Vec<ImportedValue>, Vec<RowProblem>> {
    if rows.len() > MAX_ROWS {
        return Err(vec![RowProblem::new(
            0,
            None,
            format!(
                "{} holds at most {} values: split it into several files",
                FILE.file,
                thousands(MAX_VALUES)
            ),
        )]);
    }
    let table = Table::read(rows, &ValueColumn::ALL, &FILE)?;
    let by_id: HashMap<&str, &KnownIndicator> =
        indicators.iter().map(|i| (i.id.as_str(), i)).collect();
    let mut by_name: HashMap<String, Vec<&KnownIndicator>> = HashMap::new();
    for i in indicators {
        by_name.entry(i.name.to_lowercase()).or_default().push(i);
    }
    // Per indicator: the periods it will hold, so far.
    let mut held: HashMap<&str, HashSet<String>> = indicators
        .iter()
        .map(|i| (i.id.as_str(), i.existing.iter().cloned().collect()))
        .collect();
    let mut seen: HashMap<(&str, String), usize> = HashMap::new();
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (row, cells) in table.rows() {
        let mut found = Vec::new();
        let mut cell = |c: ValueColumn, empty: &str| -> Option<&str> {
            match cells.cell(c) {
                None => {
                    found.push(problem(row, c, empty));
                    None
                }
                Some(text) if text.chars().count() > MAX_CELL_CHARS => {
                    found.push(problem(
                        row,
                        c,
                        format!("is longer than {MAX_CELL_CHARS} characters"),
                    ));
                    None
                }
                Some(text) => Some(text),
            }
        };
        let named = cell(
            ValueColumn::Indicator,
            "is empty: give the indicator's name or id",
        );
        let key = cell(
            ValueColumn::Period,
            "is empty: give the period, such as 2026-03 (a month) or 2026-Q1 (a quarter)",
        );
        let written = cell(ValueColumn::Value, "is empty: give the value as a number");
        let indicator = named.and_then(|n| match find(n, &by_id, &by_name) {
            Ok(i) if i.recordable => Some(i),
            Ok(i) => {
                found.push(problem(
                    row,
                    ValueColumn::Indicator,
                    format!(
                        "you may not record the values of {}: the business office records every indicator's, an agency lead its own agency's",
                        quoted(&i.name)
                    ),
                ));
                None
            }
            Err(message) => {
                found.push(problem(row, ValueColumn::Indicator, message));
                None
            }
        });
        let value = written.and_then(|w| {
            number(w)
                .map_err(|m| found.push(problem(row, ValueColumn::Value, m)))
                .ok()
        });
        let checked = match (indicator, key) {
            (Some(i), Some(k)) => match check_value(i.period, k, value.unwrap_or(0.0)) {
                Ok(canonical) => Some((i, canonical)),
                Err(list) => {
                    for p in list.0 {
                        let column = if p.field == "period" {
                            ValueColumn::Period
                        } else {
                            ValueColumn::Value
                        };
                        found.push(problem(row, column, p.message));
                    }
                    None
                }
            },
            // With no indicator, the period is still read as either form.
            (None, Some(k)) => {
                let month = ReportingPeriod::Month.parse(k);
                if month.is_err() && ReportingPeriod::Quarter.parse(k).is_err() {
                    found.push(problem(
                        row,
                        ValueColumn::Period,
                        format!(
                            "{} is not a period: write a month like 2026-03 or a quarter like 2026-Q1",
                            quoted(k)
                        ),
                    ));
                }
                None
            }
            _ => None,
        };
        if let (Some((i, period)), Some(value)) = (checked, value) {
            if let Some(first) = seen.get(&(i.id.as_str(), period.clone())) {
                found.push(problem(
                    row,
                    ValueColumn::Period,
                    format!(
                        "{} for {} is also on row {first}: give each period once",
                        period,
                        quoted(&i.name)
                    ),
                ));
            } else if found.is_empty() {
                seen.insert((i.id.as_str(), period.clone()), row);
                let periods = held.entry(i.id.as_str()).or_default();
                let replaces = periods.contains(&period);
                if !replaces && periods.len() >= MAX_VALUES_PER_INDICATOR {
                    found.push(problem(
                        row,
                        ValueColumn::Period,
                        format!(
                            "{} would hold more than {MAX_VALUES_PER_INDICATOR} values, the most an indicator keeps",
                            quoted(&i.name)
                        ),
                    ));
                } else {
                    periods.insert(period.clone());
                    out.push(ImportedValue {
                        row,
                        indicator_id: i.id.clone(),
                        period,
                        value,
                        replaces,
                    });
                }
            }
        }
        problems.append(&mut found);
    }
    if problems.is_empty() {
        return Ok(out);
    }
    if problems.len() > MAX_PROBLEMS {
        let more = problems.len() - MAX_PROBLEMS;
        problems.truncate(MAX_PROBLEMS);
        problems.push(RowProblem::new(
            0,
            None,
            format!("and {} more problems: correct these first", thousands(more)),
        ));
    }
    Err(problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spreadsheet::read::{decode_text, parse_csv};

    fn indicators() -> Vec<KnownIndicator> {
        vec![
            KnownIndicator {
                id: "ind-1".into(),
                name: "Re-referrals within 12 months".into(),
                period: ReportingPeriod::Month,
                recordable: true,
                existing: vec!["2026-01".into()],
            },
            KnownIndicator {
                id: "ind-2".into(),
                name: "Audits completed".into(),
                period: ReportingPeriod::Quarter,
                recordable: true,
                existing: Vec::new(),
            },
            KnownIndicator {
                id: "ind-3".into(),
                name: "Police referrals".into(),
                period: ReportingPeriod::Month,
                recordable: false,
                existing: Vec::new(),
            },
        ]
    }

    fn read(csv: &str) -> Result<Vec<ImportedValue>, Vec<RowProblem>> {
        read_in(csv, &indicators())
    }

    fn read_in(csv: &str, known: &[KnownIndicator]) -> Result<Vec<ImportedValue>, Vec<RowProblem>> {
        let text = decode_text(csv.as_bytes(), &FILE).map_err(|p| vec![p])?;
        read_values(
            &parse_csv(&text, &FILE, MAX_ROWS).map_err(|p| vec![p])?,
            known,
        )
    }

    fn places(problems: &[RowProblem]) -> Vec<(usize, Option<&str>)> {
        problems
            .iter()
            .map(|p| (p.row, p.column.as_deref()))
            .collect()
    }

    #[test]
    fn a_good_file_reads_by_name_or_id_in_any_case() {
        let values = read(
            "\u{feff}INDICATOR, period ,Value,Notes\r\n\
             re-referrals WITHIN 12 months,2026-01,21.5,replaces January\r\n\
             \r\n\
             ind-1, 2026-02 ,-3e1,\r\n\
             Audits completed,2026-Q1,+7,\r\n",
        )
        .expect("valid");
        let got: Vec<(usize, &str, &str, f64, bool)> = values
            .iter()
            .map(|v| {
                (
                    v.row,
                    v.indicator_id.as_str(),
                    v.period.as_str(),
                    v.value,
                    v.replaces,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (2, "ind-1", "2026-01", 21.5, true),
                (4, "ind-1", "2026-02", -30.0, false),
                (5, "ind-2", "2026-Q1", 7.0, false),
            ]
        );
        // The headings' aliases.
        let values = read("Measure,Month,Number\nind-1,2026-05,1\n").expect("aliases");
        assert_eq!(values[0].period, "2026-05");
    }

    #[test]
    fn every_bad_row_is_named_by_row_and_column() {
        let problems = read(
            "Indicator,Period,Value\n\
             Nothing like it,2026-03,1\n\
             Audits completed,2026-03,1\n\
             Re-referrals within 12 months,2026-Q1,two\n\
             Re-referrals within 12 months,2026-04,45%\n\
             Re-referrals within 12 months,2026-05,\"1,234\"\n\
             Re-referrals within 12 months,2026-06,NaN\n\
             Re-referrals within 12 months,2026-07,inf\n\
             Re-referrals within 12 months,2026-08,1e400\n\
             Re-referrals within 12 months,2026-09,1e13\n\
             Police referrals,2026-03,1\n\
             ,,\n\
             ,2026-03,\n\
             Re-referrals within 12 months,2026-10,1\n\
             ind-1,2026-10,2\n\
             Unknown,March 2026,=1+1\n",
        )
        .expect_err("invalid");
        assert_eq!(
            places(&problems),
            [
                (2, Some("Indicator")),
                (3, Some("Period")),
                (4, Some("Value")),
                (4, Some("Period")),
                (5, Some("Value")),
                (6, Some("Value")),
                (7, Some("Value")),
                (8, Some("Value")),
                (9, Some("Value")),
                (10, Some("Value")),
                (11, Some("Indicator")),
                (13, Some("Indicator")),
                (13, Some("Value")),
                (15, Some("Period")),
                (16, Some("Indicator")),
                (16, Some("Value")),
                (16, Some("Period")),
            ],
            "{problems:#?}"
        );
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(
            text[0].contains("\"Nothing like it\" is not an indicator"),
            "{text:?}"
        );
        assert!(
            text[1].contains("not a quarter written like 2026-Q1"),
            "{text:?}"
        );
        assert!(text[2].contains("\"two\" is not a number"), "{text:?}");
        assert!(
            text[3].contains("not a month written like 2026-03"),
            "{text:?}"
        );
        assert!(text[4].contains("% sign"), "{text:?}");
        assert!(text[5].contains("comma"), "{text:?}");
        assert!(text[6].contains("not a finite number"), "{text:?}");
        assert!(text[9].contains("between"), "{text:?}");
        assert!(text[10].contains("you may not record"), "{text:?}");
        assert_eq!(
            text[11],
            "row 13, Indicator: is empty: give the indicator's name or id"
        );
        assert_eq!(
            text[13],
            "row 15, Period: 2026-10 for \"Re-referrals within 12 months\" is also on row 14: give each period once"
        );
        assert!(text[15].contains("\"=1+1\" is not a number"), "{text:?}");
    }

    #[test]
    fn headings_and_empty_files_are_refused_whole() {
        let problems = read("Indicator,Value\nind-1,1\n").expect_err("no period");
        assert_eq!(places(&problems), [(1, Some("Period"))]);
        assert!(problems[0]
            .message
            .contains("(or \"Month\", \"Quarter\", \"Period key\")"));
        assert_eq!(read("").expect_err("empty")[0].message, "the file is empty");
        assert_eq!(
            read("Indicator,Period,Value\n\n").expect_err("bare")[0].message,
            "the file has headings but no values"
        );
    }

    #[test]
    fn names_shared_by_two_indicators_need_the_id() {
        let mut known = indicators();
        known.push(KnownIndicator {
            id: "ind-4".into(),
            name: "AUDITS COMPLETED".into(),
            ..known[1].clone()
        });
        let problems = read_in(
            "Indicator,Period,Value\nAudits completed,2026-Q1,1\n",
            &known,
        )
        .expect_err("two");
        assert!(
            problems[0].message.starts_with("2 indicators are called"),
            "{problems:?}"
        );
        let values = read_in("Indicator,Period,Value\nind-4,2026-Q1,1\n", &known).expect("by id");
        assert_eq!(values[0].indicator_id, "ind-4");
    }

    #[test]
    fn hostile_files_are_bounded() {
        // Too many rows: refused before any is read.
        let rows: Vec<Vec<String>> = std::iter::once(vec!["Indicator".to_string()])
            .chain((0..MAX_VALUES + 1).map(|_| vec!["x".to_string()]))
            .collect();
        let problems = read_values(&rows, &indicators()).expect_err("rows");
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].message,
            "a file of performance values holds at most 5,000 values: split it into several files"
        );
        // The reader refuses the row past the limit too, naming it.
        let mut csv = String::from("Indicator,Period,Value\n");
        for _ in 0..=MAX_VALUES {
            csv.push_str("ind-1,2026-02,1\n");
        }
        let refused = read(&csv).expect_err("csv rows");
        assert_eq!(refused[0].row, MAX_ROWS + 1);
        // A very long cell is refused, quoted briefly in no message.
        let long = format!(
            "Indicator,Period,Value\n{},2026-02,1\n",
            "x".repeat(100_000)
        );
        let problems = read(&long).expect_err("long");
        assert_eq!(
            problems[0].to_string(),
            "row 2, Indicator: is longer than 200 characters"
        );
        // A long unknown name is quoted briefly.
        let problems = read(&format!(
            "Indicator,Period,Value\n{},2026-02,1\n",
            "y".repeat(150)
        ))
        .expect_err("unknown");
        assert!(problems[0].message.len() < 200, "{}", problems[0].message);
        // Text beyond the template's columns, and binary files.
        let wide = format!("Indicator,Period,Value{}x\n", ",".repeat(12));
        let refused = read(&wide).expect_err("wide");
        assert!(
            refused[0].message.contains("at most 10 columns (A to J)"),
            "{refused:?}"
        );
        assert!(read("\x00\x01").expect_err("binary")[0]
            .message
            .contains("upload the performance values template"));
        // Thousands of bad rows: the first hundred problems, and a count.
        let mut csv = String::from("Indicator,Period,Value\n");
        for _ in 0..300 {
            csv.push_str("nope,2026-02,1\n");
        }
        let problems = read(&csv).expect_err("many");
        assert_eq!(problems.len(), MAX_PROBLEMS + 1);
        assert_eq!(
            problems[MAX_PROBLEMS].message,
            "and 200 more problems: correct these first"
        );
    }

    #[test]
    fn an_indicator_keeps_at_most_its_values() {
        let mut known = indicators();
        known[0].existing = (0..MAX_VALUES_PER_INDICATOR)
            .map(|i| format!("{:04}-{:02}", 2000 + i / 12, i % 12 + 1))
            .collect();
        // Replacing a held period is fine; a new one is one too many.
        let values =
            read_in("Indicator,Period,Value\nind-1,2000-01,5\n", &known).expect("replaces");
        assert!(values[0].replaces);
        let problems =
            read_in("Indicator,Period,Value\nind-1,2030-01,5\n", &known).expect_err("too many");
        assert_eq!(places(&problems), [(2, Some("Period"))]);
        assert!(problems[0].message.contains("more than 240 values"));
    }
}
