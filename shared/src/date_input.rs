//! A date typed as three fields, day, month and year (the GOV.UK "Date input" pattern): the
//! parsing and the standard error messages. Spaces around a number are ignored; "3" and "03"
//! are the same day. Whether the date must be in the past or the future is the caller's rule.

use chrono::NaiveDate;

/// One of the three fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DatePart {
    Day,
    Month,
    Year,
}

impl DatePart {
    pub const ALL: [DatePart; 3] = [DatePart::Day, DatePart::Month, DatePart::Year];

    /// The word in messages and the end of the field's id (`{id}-day`).
    pub fn word(self) -> &'static str {
        match self {
            DatePart::Day => "day",
            DatePart::Month => "month",
            DatePart::Year => "year",
        }
    }
}

/// What is wrong with the three fields, most important first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateInputError {
    /// All three are blank and the date is required.
    Blank,
    /// Some of the fields, not all, are blank.
    Missing(Vec<DatePart>),
    /// The year has other than 4 numbers.
    YearDigits,
    /// Letters, a month 13, 31 February: the fields named (all three when only the
    /// combination is wrong).
    NotReal(Vec<DatePart>),
}

impl DateInputError {
    /// The GOV.UK standard sentence for this problem. `label` is the question (the legend);
    /// an "(optional)" at its end is left out.
    pub fn message(&self, label: &str) -> String {
        let label = subject(label);
        match self {
            DateInputError::Blank => format!("Enter {}", the_phrase(label)),
            DateInputError::Missing(parts) => {
                let words: Vec<&str> = parts.iter().map(|p| p.word()).collect();
                format!("{label} must include a {}", words.join(" and "))
            }
            DateInputError::YearDigits => format!("{label} must have a year with 4 numbers"),
            DateInputError::NotReal(_) => format!("{label} must be a real date"),
        }
    }

    /// The fields to highlight.
    pub fn parts(&self) -> Vec<DatePart> {
        match self {
            DateInputError::Blank => DatePart::ALL.to_vec(),
            DateInputError::Missing(parts) | DateInputError::NotReal(parts) => parts.clone(),
            DateInputError::YearDigits => vec![DatePart::Year],
        }
    }
}

/// The label without a trailing "(optional)".
fn subject(label: &str) -> &str {
    let label = label.trim();
    label
        .strip_suffix("(optional)")
        .map_or(label, str::trim_end)
}

/// "Date of the decision" → "the date of the decision"; "Your date of birth" stays as it is.
fn the_phrase(label: &str) -> String {
    let mut chars = label.chars();
    let lower = match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect::<String>(),
        None => return "the date".to_string(),
    };
    if ["the ", "your ", "a "].iter().any(|p| lower.starts_with(p)) {
        lower
    } else {
        format!("the {lower}")
    }
}

/// Reads the three fields: `Ok(None)` when all are blank and the date is optional.
pub fn parse_date_input(
    day: &str,
    month: &str,
    year: &str,
    required: bool,
) -> Result<Option<NaiveDate>, DateInputError> {
    let fields = [day.trim(), month.trim(), year.trim()];
    let blank: Vec<DatePart> = DatePart::ALL
        .into_iter()
        .zip(fields)
        .filter(|(_, f)| f.is_empty())
        .map(|(p, _)| p)
        .collect();
    if blank.len() == 3 {
        return if required {
            Err(DateInputError::Blank)
        } else {
            Ok(None)
        };
    }
    if !blank.is_empty() {
        return Err(DateInputError::Missing(blank));
    }
    let not_numbers: Vec<DatePart> = DatePart::ALL
        .into_iter()
        .zip(fields)
        .filter(|(_, f)| !f.chars().all(|c| c.is_ascii_digit()))
        .map(|(p, _)| p)
        .collect();
    if !not_numbers.is_empty() {
        return Err(DateInputError::NotReal(not_numbers));
    }
    let [day, month, year] = fields;
    if year.len() != 4 {
        return Err(DateInputError::YearDigits);
    }
    // Digits only, so a failed parse is a number too long for a day or a month.
    let day: u32 = day.parse().unwrap_or(u32::MAX);
    let month: u32 = month.parse().unwrap_or(u32::MAX);
    let year: i32 = year.parse().unwrap_or(0);
    let mut out_of_range = Vec::new();
    if !(1..=31).contains(&day) {
        out_of_range.push(DatePart::Day);
    }
    if !(1..=12).contains(&month) {
        out_of_range.push(DatePart::Month);
    }
    if !out_of_range.is_empty() {
        return Err(DateInputError::NotReal(out_of_range));
    }
    NaiveDate::from_ymd_opt(year, month, day)
        .map(Some)
        .ok_or_else(|| DateInputError::NotReal(DatePart::ALL.to_vec()))
}

/// A date as `YYYY-MM-DD`.
pub fn iso(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// The three fields showing a `YYYY-MM-DD` value (anything after the date, such as a time, is
/// ignored): day and month without leading zeros. All blank when the value is not a date.
pub fn split_iso(value: &str) -> [String; 3] {
    let date = value
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    match date {
        Some(d) => {
            use chrono::Datelike;
            [
                d.day().to_string(),
                d.month().to_string(),
                format!("{:04}", d.year()),
            ]
        }
        None => Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DatePart::{Day, Month, Year};

    fn parse(d: &str, m: &str, y: &str) -> Result<Option<NaiveDate>, DateInputError> {
        parse_date_input(d, m, y, true)
    }

    fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn reads_a_real_date_with_or_without_leading_zeros_and_spaces() {
        assert_eq!(parse("27", "3", "2025"), Ok(date(2025, 3, 27)));
        assert_eq!(parse("03", "03", "2025"), Ok(date(2025, 3, 3)));
        assert_eq!(parse("3", "3", "2025"), Ok(date(2025, 3, 3)));
        assert_eq!(parse(" 3 ", "\t12", "2025 "), Ok(date(2025, 12, 3)));
        assert_eq!(parse("29", "2", "2024"), Ok(date(2024, 2, 29)));
    }

    #[test]
    fn all_blank_is_no_date_when_optional_and_a_problem_when_required() {
        assert_eq!(parse_date_input("", " ", "", false), Ok(None));
        let err = parse_date_input("", "", "", true).unwrap_err();
        assert_eq!(err, DateInputError::Blank);
        assert_eq!(
            err.message("Date of the decision"),
            "Enter the date of the decision"
        );
        assert_eq!(err.message("Target date"), "Enter the target date");
        assert_eq!(
            err.message("Your date of birth"),
            "Enter your date of birth"
        );
        assert_eq!(err.parts(), vec![Day, Month, Year]);
    }

    #[test]
    fn names_the_missing_fields() {
        let cases = [
            (("", "3", "2025"), "Date must include a day", vec![Day]),
            (("1", "", "2025"), "Date must include a month", vec![Month]),
            (("1", "3", ""), "Date must include a year", vec![Year]),
            (
                ("", "", "2025"),
                "Date must include a day and month",
                vec![Day, Month],
            ),
            (
                ("", "3", ""),
                "Date must include a day and year",
                vec![Day, Year],
            ),
            (
                ("1", " ", ""),
                "Date must include a month and year",
                vec![Month, Year],
            ),
        ];
        for ((d, m, y), message, parts) in cases {
            let err = parse_date_input(d, m, y, false).unwrap_err();
            assert_eq!(err.message("Date"), message);
            assert_eq!(err.parts(), parts);
        }
    }

    #[test]
    fn a_date_that_does_not_exist_is_not_real() {
        let err = parse("31", "2", "2025").unwrap_err();
        assert_eq!(
            err.message("Date of the decision"),
            "Date of the decision must be a real date"
        );
        assert_eq!(err.parts(), vec![Day, Month, Year]);
        assert_eq!(
            parse("29", "2", "2025").unwrap_err().message("Date"),
            "Date must be a real date"
        );
        let month = parse("1", "13", "2025").unwrap_err();
        assert_eq!(month, DateInputError::NotReal(vec![Month]));
        assert_eq!(
            parse("0", "1", "2025").unwrap_err(),
            DateInputError::NotReal(vec![Day])
        );
        assert_eq!(
            parse("32", "0", "2025").unwrap_err(),
            DateInputError::NotReal(vec![Day, Month])
        );
        assert_eq!(
            parse("99999999999", "1", "2025").unwrap_err(),
            DateInputError::NotReal(vec![Day])
        );
    }

    #[test]
    fn letters_are_not_a_real_date() {
        assert_eq!(
            parse("1st", "3", "2025").unwrap_err(),
            DateInputError::NotReal(vec![Day])
        );
        assert_eq!(
            parse("1", "March", "2025").unwrap_err(),
            DateInputError::NotReal(vec![Month])
        );
        assert_eq!(
            parse("-1", "3", "2o25").unwrap_err(),
            DateInputError::NotReal(vec![Day, Year])
        );
        assert_eq!(
            parse("1", "March", "2025")
                .unwrap_err()
                .message("Target date"),
            "Target date must be a real date"
        );
    }

    #[test]
    fn the_year_needs_4_numbers() {
        for year in ["25", "202", "20255"] {
            let err = parse("1", "3", year).unwrap_err();
            assert_eq!(err, DateInputError::YearDigits);
            assert_eq!(
                err.message("Target date"),
                "Target date must have a year with 4 numbers"
            );
            assert_eq!(err.parts(), vec![Year]);
        }
    }

    #[test]
    fn missing_fields_come_before_other_problems() {
        assert_eq!(
            parse("31", "", "25").unwrap_err(),
            DateInputError::Missing(vec![Month])
        );
    }

    #[test]
    fn an_optional_label_reads_without_its_marker() {
        let err = parse("1", "", "2025").unwrap_err();
        assert_eq!(
            err.message("Date the partnership became aware (optional)"),
            "Date the partnership became aware must include a month"
        );
    }

    #[test]
    fn iso_values_split_into_fields_and_back() {
        assert_eq!(
            split_iso("2025-03-07"),
            ["7", "3", "2025"].map(String::from)
        );
        assert_eq!(
            split_iso("2025-12-31T10:00:00Z"),
            ["31", "12", "2025"].map(String::from)
        );
        assert_eq!(split_iso(""), [String::new(), String::new(), String::new()]);
        assert_eq!(
            split_iso("not a date"),
            [String::new(), String::new(), String::new()]
        );
        let [d, m, y] = split_iso("2024-02-29");
        assert_eq!(
            parse(&d, &m, &y).map(|d| d.map(iso)),
            Ok(Some("2024-02-29".to_string()))
        );
    }
}
