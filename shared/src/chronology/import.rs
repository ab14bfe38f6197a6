//! Reading the partnership's chronology template (CSV here; the server turns XLSX sheets into
//! the same rows). Headings match case-insensitively with the common aliases; every bad row
//! is reported with its row number, column and reason, and a file is accepted only when it
//! has none. Text is kept exactly as written: a cell starting with `=`, `+`, `-` or `@` is
//! stored as text (exports neutralise it).

use super::dates::{PartialDate, TimeOfDay};
pub use crate::spreadsheet::read::RowProblem;
use crate::spreadsheet::read::{FileKind, Table, TemplateColumn};
use serde::{Deserialize, Serialize};

/// The template's columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Column {
    Seq,
    StartDate,
    StartTime,
    EndDate,
    EndTime,
    Source,
    EventType,
    Event,
    ActionTaken,
    SharedWith,
    PractitionerComment,
    /// Which case of a multi-agency case audit's sample the entry is about (audits only).
    Case,
}

impl Column {
    pub const ALL: [Column; 12] = [
        Column::Seq,
        Column::StartDate,
        Column::StartTime,
        Column::EndDate,
        Column::EndTime,
        Column::Source,
        Column::EventType,
        Column::Event,
        Column::ActionTaken,
        Column::SharedWith,
        Column::PractitionerComment,
        Column::Case,
    ];

    /// The template's heading.
    pub fn heading(self) -> &'static str {
        match self {
            Column::Seq => "Seq",
            Column::StartDate => "Start Date",
            Column::StartTime => "Start Time",
            Column::EndDate => "End Date",
            Column::EndTime => "End Time",
            Column::Source => "Source of Information",
            Column::EventType => "Event Type",
            Column::Event => "Event",
            Column::ActionTaken => "Action Taken",
            Column::SharedWith => "Information Shared With",
            Column::PractitionerComment => "Practitioner Comment",
            Column::Case => "Case",
        }
    }

    /// Other headings accepted for the column.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::StartDate => &["Date", "Event Date", "Date of Event"],
            Column::StartTime => &["Time"],
            Column::Source => &["Source", "Record", "Reference"],
            Column::EventType => &["Type"],
            Column::Event => &[
                "What happened",
                "Description",
                "Event Details",
                "Significant Event",
            ],
            Column::ActionTaken => &["Outcome", "Action"],
            Column::SharedWith => &["Shared With"],
            Column::PractitionerComment => &["Comment", "Comments"],
            Column::Case => &["Audit Case"],
            _ => &[],
        }
    }

    /// The matching field of the API's entry input.
    pub fn field_name(self) -> &'static str {
        match self {
            Column::Seq => "seq",
            Column::StartDate => "startDate",
            Column::StartTime => "startTime",
            Column::EndDate => "endDate",
            Column::EndTime => "endTime",
            Column::Source => "source",
            Column::EventType => "eventType",
            Column::Event => "event",
            Column::ActionTaken => "actionTaken",
            Column::SharedWith => "sharedWith",
            Column::PractitionerComment => "practitionerComment",
            Column::Case => "caseId",
        }
    }

    pub fn from_heading(heading: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.heading() == heading)
    }

    pub fn mandatory(self) -> bool {
        matches!(self, Column::StartDate | Column::Source | Column::Event)
    }
}

impl TemplateColumn for Column {
    fn heading(self) -> &'static str {
        Column::heading(self)
    }
    fn aliases(self) -> &'static [&'static str] {
        Column::aliases(self)
    }
    fn mandatory(self) -> bool {
        Column::mandatory(self)
    }
}

fn problem(row: usize, column: Option<Column>, message: impl Into<String>) -> RowProblem {
    RowProblem::new(row, column.map(Column::heading), message)
}

/// Widest sheet read: the template's 12 columns, with room for columns of the agency's own
/// (which are ignored). A cell with something in it further right refuses the file.
pub const MAX_COLUMNS: usize = 26;

/// Rows a chronology file may hold unless the server is configured otherwise.
pub const DEFAULT_MAX_ROWS: usize = 50_000;

/// The chronology template as an upload: its limits and how messages name it.
pub const FILE: FileKind = FileKind {
    file: "a chronology file",
    template: "the chronology template",
    content: "the chronology",
    rows: "entries",
    columns: Column::ALL.len(),
    max_columns: MAX_COLUMNS,
};

/// An agency that "Information shared with" may name, by prefix or name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownAgency {
    pub key: u32,
    pub prefix: String,
    pub name: String,
}

/// A case of an audit's sample that "Case" may name: by its label ("Case 3: Child D, aged
/// 4"), the label's part before the colon ("Case 3"), or that part's number ("3").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownCase {
    pub id: String,
    pub label: String,
    /// Whether the case names the return's agency among those involved: an agency writes
    /// entries only about the cases it was involved in.
    pub involved: bool,
}

impl KnownCase {
    /// The label's part before its colon ("Case 3"): how a case is named in short.
    pub fn head(&self) -> &str {
        case_head(&self.label)
    }
}

/// A case label's part before its colon ("Case 3" of "Case 3: Child D, aged 4").
pub fn case_head(label: &str) -> &str {
    label.split(':').next().unwrap_or_default().trim()
}

/// What a row's names are checked against: the review's agencies (for "Information shared
/// with") and, for an audit, the cases of its sample (every entry names one).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Known {
    pub agencies: Vec<KnownAgency>,
    pub cases: Vec<KnownCase>,
}

impl Known {
    /// The case a cell names, or why it names none.
    pub fn case(&self, cell: &str) -> Result<String, String> {
        if self.cases.is_empty() {
            return Err("is for a multi-agency case audit's entries; this review has no cases, so leave it empty".into());
        }
        let wanted = fold(cell);
        let matches: Vec<&KnownCase> = self
            .cases
            .iter()
            .filter(|c| {
                let label = fold(&c.label);
                let head = fold(c.head());
                wanted == label
                    || wanted == head
                    || head
                        .strip_prefix("case ")
                        .is_some_and(|n| n.trim() == wanted)
            })
            .collect();
        match matches.as_slice() {
            [one] if one.involved => Ok(one.id.clone()),
            [one] => Err(format!(
                "\"{}\" does not name your agency among the agencies involved; ask the business office to add your agency to the case, or name another case",
                one.head()
            )),
            [] => {
                Err(format!(
                "\"{}\" is not a case of this audit (name it as its label starts, such as \"{}\")",
                cell.trim(),
                self.cases[0].head()
            ))
            }
            _ => Err(format!(
                "\"{}\" names more than one case of this audit; write the case's whole label",
                cell.trim()
            )),
        }
    }
}

/// Lower case with single spaces, for comparing what people typed.
fn fold(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// One row of the template, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedRow {
    pub row: usize,
    /// An author's note (source starting with `#`): only its date is checked.
    pub note: bool,
    pub seq: Option<u32>,
    pub start: PartialDate,
    pub start_time: Option<TimeOfDay>,
    pub end: Option<PartialDate>,
    pub end_time: Option<TimeOfDay>,
    pub source: String,
    pub event_type: Option<String>,
    pub event: String,
    pub action_taken: Option<String>,
    pub shared_with: Vec<u32>,
    pub practitioner_comment: Option<String>,
    /// The audit case (its [`KnownCase::id`]), for an audit's entries.
    #[serde(default)]
    pub case: Option<String>,
}

/// Longest text accepted in one cell.
pub const MAX_CELL: usize = 10_000;

/// Reads rows (the first non-blank one holds the headings) into checked entries, or every
/// problem. Row numbers are the spreadsheet's (1-based, blank rows counted).
pub fn read_rows(rows: &[Vec<String>], known: &Known) -> Result<Vec<ImportedRow>, Vec<RowProblem>> {
    // A case review reads no "Case" column: an agency's own column of that name (its case
    // numbers) is one of its columns, not read, as before audits named cases.
    let columns = if known.cases.is_empty() {
        &Column::ALL[..Column::ALL.len() - 1]
    } else {
        &Column::ALL[..]
    };
    let table = Table::read(rows, columns, &FILE)?;
    let mut out = Vec::with_capacity(rows.len());
    let mut problems = Vec::new();
    for (row, cells) in table.rows() {
        let cell = |c: Column| cells.cell(c);
        match read_row(row, &cell, known) {
            Ok(entry) => out.push(entry),
            Err(mut list) => problems.append(&mut list),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// Checks one entry typed in the browser with the same rules as an imported row.
/// Problems name the column; [`Column::field_name`] turns it into the input's field.
pub fn read_entry(
    values: &[(Column, Option<String>)],
    known: &Known,
) -> Result<ImportedRow, Vec<RowProblem>> {
    let cell = |c: Column| -> Option<&str> {
        values
            .iter()
            .find(|(col, _)| *col == c)
            .and_then(|(_, v)| v.as_deref())
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    read_row(0, &cell, known)
}

impl ImportedRow {
    /// What the entry says, without where it stood in a file: two rows with the same key
    /// are the same entry (so a resubmitted, unchanged row keeps its annotations).
    pub fn content_key(&self) -> String {
        let mut shared = self.shared_with.clone();
        shared.sort_unstable();
        let mut key = serde_json::json!([
            self.note,
            self.seq,
            self.start,
            self.start_time,
            self.end,
            self.end_time,
            self.source,
            self.event_type,
            self.event,
            self.action_taken,
            shared,
            self.practitioner_comment
        ]);
        // Only an audit's entries name a case, so a review's keys stay as they were.
        if let (Some(case), Some(list)) = (&self.case, key.as_array_mut()) {
            list.push(case.as_str().into());
        }
        key.to_string()
    }
}

fn read_row<'a>(
    row: usize,
    cell: &dyn Fn(Column) -> Option<&'a str>,
    known: &Known,
) -> Result<ImportedRow, Vec<RowProblem>> {
    let agencies = &known.agencies;
    let mut problems = Vec::new();
    let text = |c: Column, problems: &mut Vec<RowProblem>| -> Option<String> {
        let value = cell(c)?;
        if value.chars().count() > MAX_CELL {
            problems.push(problem(
                row,
                Some(c),
                format!("is longer than {MAX_CELL} characters"),
            ));
        }
        Some(value.to_string())
    };
    let date = |c: Column, problems: &mut Vec<RowProblem>| -> Option<PartialDate> {
        cell(c).and_then(|v| {
            PartialDate::parse(v)
                .map_err(|e| problems.push(problem(row, Some(c), e)))
                .ok()
        })
    };
    let time = |c: Column, problems: &mut Vec<RowProblem>| -> Option<TimeOfDay> {
        cell(c).and_then(|v| {
            TimeOfDay::parse(v)
                .map_err(|e| problems.push(problem(row, Some(c), e)))
                .ok()
        })
    };
    let source = text(Column::Source, &mut problems);
    let note = source.as_deref().is_some_and(|s| s.starts_with('#'));
    let start = date(Column::StartDate, &mut problems);
    if cell(Column::StartDate).is_none() {
        problems.push(problem(
            row,
            Some(Column::StartDate),
            "is empty; every entry needs a date",
        ));
    }
    let entry = ImportedRow {
        row,
        note,
        seq: cell(Column::Seq).and_then(|v| {
            v.parse::<u32>()
                .map_err(|_| {
                    problems.push(problem(
                        row,
                        Some(Column::Seq),
                        format!("\"{v}\" is not a whole number"),
                    ))
                })
                .ok()
        }),
        start: start.unwrap_or_else(|| PartialDate::day(chrono::NaiveDate::MIN)),
        start_time: time(Column::StartTime, &mut problems),
        end: date(Column::EndDate, &mut problems),
        end_time: time(Column::EndTime, &mut problems),
        source: source.clone().unwrap_or_default(),
        event_type: text(Column::EventType, &mut problems),
        event: text(Column::Event, &mut problems).unwrap_or_default(),
        action_taken: text(Column::ActionTaken, &mut problems),
        shared_with: Vec::new(),
        practitioner_comment: text(Column::PractitionerComment, &mut problems),
        case: match cell(Column::Case) {
            Some(v) => known
                .case(v)
                .map_err(|e| problems.push(problem(row, Some(Column::Case), e)))
                .ok(),
            None if !known.cases.is_empty() => {
                problems.push(problem(
                    row,
                    Some(Column::Case),
                    "is empty; say which case of the audit the entry is about (such as Case 3)",
                ));
                None
            }
            None => None,
        },
    };
    if note {
        // Author's notes: the date is all that is checked, and in an audit the case.
        problems.retain(|p| {
            [Column::StartDate, Column::Case]
                .iter()
                .any(|c| p.column.as_deref() == Some(c.heading()))
        });
        return if problems.is_empty() {
            Ok(entry)
        } else {
            Err(problems)
        };
    }
    if source.is_none() {
        problems.push(problem(
            row,
            Some(Column::Source),
            "is empty; give the agency's own record reference",
        ));
    }
    if entry.event.is_empty() {
        problems.push(problem(
            row,
            Some(Column::Event),
            "is empty; say what happened",
        ));
    }
    if let (Some(start), Some(end)) = (start, entry.end) {
        let same_day_earlier_time = start == end
            && matches!((entry.start_time, entry.end_time), (Some(a), Some(b)) if b < a);
        if end.end() < start.start() || same_day_earlier_time {
            problems.push(problem(
                row,
                Some(Column::EndDate),
                "the end is before the start",
            ));
        }
    }
    let mut shared_with = Vec::new();
    if let Some(list) = cell(Column::SharedWith) {
        for name in list
            .split([';', ','])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            match agencies
                .iter()
                .find(|a| a.prefix.eq_ignore_ascii_case(name) || a.name.eq_ignore_ascii_case(name))
            {
                Some(a) if !shared_with.contains(&a.key) => shared_with.push(a.key),
                Some(_) => {}
                None => problems.push(problem(row, Some(Column::SharedWith), format!("\"{name}\" is not an agency of this review (use its prefix, such as POL, or its name)"))),
            }
        }
    }
    if problems.is_empty() {
        Ok(ImportedRow {
            shared_with,
            ..entry
        })
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spreadsheet::read::{column_letters, decode_text, parse_csv, thousands, SheetRows};

    fn agencies() -> Known {
        Known {
            agencies: vec![
                KnownAgency {
                    key: 1,
                    prefix: "POL".into(),
                    name: "Northamptonshire Police".into(),
                },
                KnownAgency {
                    key: 2,
                    prefix: "CSC".into(),
                    name: "Children's Social Care".into(),
                },
            ],
            cases: Vec::new(),
        }
    }

    fn audit() -> Known {
        Known {
            cases: [
                "Case 1: Child A, aged 2",
                "Case 2: Child B, aged 9",
                "Case 12: Child C",
            ]
            .iter()
            .enumerate()
            .map(|(i, label)| KnownCase {
                id: format!("c{}", i + 10),
                label: (*label).into(),
                involved: true,
            })
            .collect(),
            ..agencies()
        }
    }

    #[test]
    fn an_audit_entry_names_its_case_by_label_head_or_number() {
        let known = audit();
        assert_eq!(known.case("Case 1: Child A, aged 2"), Ok("c10".into()));
        assert_eq!(known.case("  case   2 "), Ok("c11".into()));
        assert_eq!(known.case("12"), Ok("c12".into()));
        assert_eq!(known.case("CASE 12: child c"), Ok("c12".into()));
        // "1" is case 1, not the start of case 12.
        assert_eq!(known.case("1"), Ok("c10".into()));
        let wrong = known.case("Case 4").expect_err("no such case");
        assert!(
            wrong.contains("\"Case 4\" is not a case of this audit"),
            "{wrong}"
        );
        assert!(agencies().case("Case 1").is_err(), "a review has no cases");
        let mut uninvolved = audit();
        uninvolved.cases[1].involved = false;
        let refused = uninvolved.case("2").expect_err("not involved");
        assert!(
            refused.starts_with("\"Case 2\" does not name your agency"),
            "{refused}"
        );

        let csv = "Date,Source,Event,Case\n\
                   1/1/2016,R1,Seen at school,Case 2\n\
                   2/1/2016,R2,Seen at home,\n\
                   3/1/2016,R3,Called,Case 9\n\
                   4/1/2016,#note,,\n";
        let text = decode_text(csv.as_bytes(), &FILE).expect("decoded");
        let rows = parse_csv(&text, &FILE, DEFAULT_MAX_ROWS).expect("csv");
        let problems = read_rows(&rows, &known).expect_err("three rows lack a case");
        let found = places(&problems);
        // An author's note names its case too.
        assert_eq!(
            found,
            vec![(3, Some("Case")), (4, Some("Case")), (5, Some("Case"))]
        );
        // A case review does not read the column: an agency's own "Case" column (its case
        // numbers) is not read, as before.
        let read = read_rows(
            &rows[..1]
                .iter()
                .chain(&rows[2..3])
                .cloned()
                .collect::<Vec<_>>(),
            &agencies(),
        )
        .expect("an empty case is fine in a review");
        assert_eq!(read[0].case, None);
        let read = read_rows(&rows[..2], &agencies()).expect("not read in a review");
        assert_eq!(read[0].case, None);
        // The case is part of what an entry says; a review's keys do not change.
        let good = read_rows(&rows[..2], &known).expect("valid");
        assert_eq!(good[0].case.as_deref(), Some("c11"));
        let mut moved = good[0].clone();
        moved.case = Some("c10".into());
        assert_ne!(good[0].content_key(), moved.content_key());
        moved.case = None;
        assert!(!moved.content_key().ends_with("\"c11\"]"));
    }

    /// Where each problem is: (row, column).
    fn places(problems: &[RowProblem]) -> Vec<(usize, Option<&str>)> {
        problems
            .iter()
            .map(|p| (p.row, p.column.as_deref()))
            .collect()
    }

    fn read(csv: &str) -> Result<Vec<ImportedRow>, Vec<RowProblem>> {
        let text = decode_text(csv.as_bytes(), &FILE).map_err(|p| vec![p])?;
        read_rows(
            &parse_csv(&text, &FILE, DEFAULT_MAX_ROWS).map_err(|p| vec![p])?,
            &agencies(),
        )
    }

    #[test]
    fn reads_the_template_with_aliases_and_every_date_form() {
        let csv = "\u{feff}seq,Date,TIME,End Date,Source,Type,What happened,Outcome,Shared With,Comments\r\n\
                   1,22/05/2016,2.30pm,,REC-1,Home visit,\"Visit, mother \"\"anxious\"\"\",Advice,POL; Children's Social Care,ok\r\n\
                   ,?May 2016,,,REC-2,,=SUM(A1) stays text,,,\r\n\
                   ,2016,,,#checked,,,,,\r\n";
        let rows = read(csv).expect("valid");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].row, 2);
        assert_eq!(rows[0].event, "Visit, mother \"anxious\"");
        assert_eq!(
            rows[0].start_time.map(|t| t.to_string()).as_deref(),
            Some("14:30")
        );
        assert_eq!(rows[0].shared_with, vec![1, 2]);
        assert_eq!(rows[1].start.to_string(), "? May 2016");
        assert_eq!(rows[1].event, "=SUM(A1) stays text");
        assert!(rows[2].note);
    }

    #[test]
    fn every_bad_row_is_reported_with_row_column_and_reason() {
        let csv =
            "Start Date,Source of Information,Event,End Date,Information Shared With,Start Time\n\
                   31/02/2016,R1,Something,,,\n\
                   22/05/2016,,,,,\n\
                   22/05/2016,R3,Ended early,21/05/2016,,\n\
                   22/05/2016,R4,Told the dentist,,DEN,\n\
                   ,R5,No date,,,\n\
                   22/05/2016,R6,Bad time,,,25:00\n";
        let problems = read(csv).expect_err("invalid");
        let found = places(&problems);
        assert_eq!(
            found,
            vec![
                (2, Some("Start Date")),
                (3, Some("Source of Information")),
                (3, Some("Event")),
                (4, Some("End Date")),
                (5, Some("Information Shared With")),
                (6, Some("Start Date")),
                (7, Some("Start Time")),
            ]
        );
        assert!(problems[0].to_string().starts_with("row 2, Start Date:"));
    }

    #[test]
    fn missing_columns_empty_files_and_non_spreadsheets() {
        let problems = read("Date,Comment\n1/1/2016,x\n").expect_err("missing");
        let columns: Vec<&str> = problems
            .iter()
            .filter_map(|p| p.column.as_deref())
            .collect();
        assert_eq!(columns, vec!["Source of Information", "Event"]);
        assert_eq!(read("").expect_err("empty")[0].message, "the file is empty");
        assert_eq!(
            read("\r\n \n").expect_err("blank")[0].message,
            "the file is empty"
        );
        assert!(read("Date,Source,Event\n").expect_err("no rows")[0]
            .message
            .contains("no entries"));
        assert!(decode_text(b"PK\x03\x04rest", &FILE)
            .expect_err("xlsx")
            .message
            .contains("Excel"));
        assert!(decode_text(b"\x00\x01binary", &FILE)
            .expect_err("binary")
            .message
            .contains("not a spreadsheet"));
        assert!(parse_csv("a,\"open\n", &FILE, DEFAULT_MAX_ROWS).is_err());
    }

    #[test]
    fn blank_rows_count_so_row_numbers_match_the_spreadsheet() {
        let problems =
            read("\nDate,Source,Event\n1/1/2016,R1,ok\n\n,R2,no date\n\n\n").expect_err("bad row");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].row, 5);
    }

    #[test]
    fn a_file_is_bounded_by_the_template_not_by_its_size() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(16_383), "XFD");
        assert_eq!(thousands(50_001), "50,001");
        assert_eq!(thousands(1_048_576), "1,048,576");
        assert_eq!(thousands(999), "999");

        let mut csv = String::from("Date,Source,Event\n");
        for i in 0..10 {
            csv.push_str(&format!("1/1/2016,R{i},ok\n"));
        }
        assert_eq!(parse_csv(&csv, &FILE, 11).expect("11 rows").len(), 11);
        let refused = parse_csv(&csv, &FILE, 10).expect_err("11 rows over 10");
        assert_eq!(refused.row, 11);
        assert_eq!(
            refused.to_string(),
            "row 11: a chronology file holds at most 10 rows: split it into several files"
        );
        // Blank lines past the limit are not rows with something in them.
        let padded = format!("{csv}{}", "\n".repeat(100_000));
        assert_eq!(parse_csv(&padded, &FILE, 11).expect("blank tail").len(), 11);

        // Empty cells far to the right cost nothing; text there refuses the file.
        let wide = format!("Date,Source,Event{}\n1/1/2016,R1,ok\n", ",".repeat(100_000));
        let rows = parse_csv(&wide, &FILE, 10).expect("empty columns");
        assert_eq!(rows[0].len(), 3);
        let beyond = format!("Date,Source,Event{}x\n", ",".repeat(30));
        let refused = parse_csv(&beyond, &FILE, 10).expect_err("a cell in column AG");
        assert_eq!(refused.row, 1);
        assert_eq!(refused.column.as_deref(), Some("column AG"));
        assert!(refused.message.contains("at most 26 columns"), "{refused}");

        // Cells arrive in any order; the text kept is capped.
        let mut sheet = SheetRows::new(&FILE, 100, 10);
        sheet.put(3, 1, "b".into()).expect("b");
        sheet.put(0, 0, "a".into()).expect("a");
        sheet.put(2, 4, "   ".into()).expect("blank");
        assert_eq!(
            sheet.finish(),
            vec![
                vec!["a".to_string()],
                vec![],
                vec![],
                vec![String::new(), "b".to_string()]
            ]
        );
        let mut sheet = SheetRows::new(&FILE, 100, 10);
        sheet.put(0, 0, "12345".into()).expect("within");
        assert!(
            sheet.put(1, 0, "123456".into()).is_err(),
            "over the text cap"
        );
    }

    #[test]
    fn windows_1252_is_converted_not_mangled() {
        let bytes = b"Date,Source,Event\n1/1/2016,R1,Mother\x92s \x93concern\x94 \xa35\n";
        let text = decode_text(bytes, &FILE).expect("decoded");
        let rows = read_rows(
            &parse_csv(&text, &FILE, DEFAULT_MAX_ROWS).expect("csv"),
            &agencies(),
        )
        .expect("valid");
        assert_eq!(rows[0].event, "Mother’s “concern” £5");
    }
}
