//! Rules for cells of spreadsheets the platform writes (exports); reading uploaded ones is
//! [`read`].

pub mod read;

use std::borrow::Cow;

/// A cell's text made safe to open in a spreadsheet program: text that starts with `=`, `+`,
/// `-`, `@`, a tab or a carriage return would be read as a formula (or hide one), so it gets
/// a leading apostrophe and stays text. Everything else is kept exactly.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

/// One CSV field (RFC 4180): neutralised, then always quoted, so that no separator inside
/// it splits it, whichever list separator (`,` or `;`) the spreadsheet program uses: an
/// unquoted `note;=1+1` opens as a formula where the separator is `;`.
pub fn csv_field(text: &str) -> String {
    format!("\"{}\"", neutralise(text).replace('"', "\"\""))
}

/// One CSV line of fields, ended by CRLF.
pub fn csv_line<'a>(fields: impl IntoIterator<Item = &'a str>) -> String {
    let mut line = fields
        .into_iter()
        .map(csv_field)
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_stays_text() {
        for t in ["=SUM(A1)", "+44 123", "-2", "@cmd", "\tx"] {
            assert_eq!(neutralise(t), format!("'{t}"));
        }
        assert_eq!(neutralise("Home visit"), "Home visit");
        assert_eq!(neutralise(""), "");
    }

    #[test]
    fn csv_fields_are_always_quoted() {
        assert_eq!(
            csv_line([
                "a",
                "b,c",
                "say \"hi\"",
                "two\nlines",
                "=1+1",
                "note;=1+1",
                ""
            ]),
            "\"a\",\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",\"'=1+1\",\"note;=1+1\",\"\"\r\n"
        );
    }
}
