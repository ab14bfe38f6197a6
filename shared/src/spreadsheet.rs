//! Rules for cells of spreadsheets the platform writes (exports).

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

/// One CSV field (RFC 4180): neutralised, then quoted when it holds a comma, a quote or a
/// line break.
pub fn csv_field(text: &str) -> Cow<'_, str> {
    let text = neutralise(text);
    if text.contains([',', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        text
    }
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
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(
            csv_line(["a", "b,c", "say \"hi\"", "two\nlines", "=1+1"]),
            "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",'=1+1\r\n"
        );
    }
}
