//! Field-level validation results: every problem names the field and the reason.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One thing wrong with the input: which field, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

impl Problem {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Every problem found in one input, so a form can show them all at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        write!(f, "{}", parts.join("; "))
    }
}

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn single(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self(vec![Problem::new(field, message)])
    }

    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem::new(field, message));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was found, otherwise every problem.
    pub fn into_result(self) -> Result<(), Problems> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }

    /// Checks a mandatory single-line text: trimmed, not empty, at most `max` characters,
    /// no control characters. Returns the trimmed text.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            self.push(field, "must not be empty");
        } else if trimmed.chars().count() > max {
            self.push(field, format!("must be at most {max} characters"));
        } else if trimmed.chars().any(|c| c.is_control()) {
            self.push(field, "must not contain control characters");
        }
        trimmed.to_string()
    }

    /// Checks a mandatory multi-line text (line breaks and tabs allowed).
    pub fn long_text(&mut self, field: &str, value: &str, max: usize) -> String {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            self.push(field, "must not be empty");
        } else if trimmed.chars().count() > max {
            self.push(field, format!("must be at most {max} characters"));
        } else if trimmed
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            self.push(field, "must not contain control characters");
        }
        trimmed.to_string()
    }
}

/// Normalises and checks an email address (one `@`, a dotted domain, no spaces).
/// `text` trimmed and cut to at most `max` characters, ending in an ellipsis when cut: for
/// text the platform writes from longer text (a theme from a chart, a learning point from a
/// standard), which must fit its field rather than be refused.
pub fn clipped(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('\u{2026}');
    cut
}

pub fn email(problems: &mut Problems, field: &str, value: &str) -> String {
    let email = value.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }
            None => false,
        };
    if !valid {
        problems.push(field, "must be an email address such as name@example.org");
    }
    email
}

/// Minimum password rules for accounts made by the business office.
pub fn password(problems: &mut Problems, field: &str, value: &str) {
    let len = value.chars().count();
    if len < 12 {
        problems.push(field, "must be at least 12 characters");
    } else if len > 256 {
        problems.push(field, "must be at most 256 characters");
    }
}

/// The part of a list of `len` items a reader asked for: from `offset`, at most `limit` of
/// them (all the rest when `limit` is absent). `limit` may not exceed `max`; an offset past
/// the end gives an empty window.
pub fn window(
    offset: i32,
    limit: Option<i32>,
    max: i32,
    len: usize,
) -> Result<std::ops::Range<usize>, Problems> {
    let mut problems = Problems::new();
    if offset < 0 {
        problems.push("offset", "must be 0 or more");
    }
    if let Some(limit) = limit {
        if !(0..=max).contains(&limit) {
            problems.push("limit", format!("must be from 0 to {max}"));
        }
    }
    problems.into_result()?;
    let start = usize::try_from(offset).unwrap_or(0).min(len);
    let end = match limit {
        Some(limit) => start
            .saturating_add(usize::try_from(limit).unwrap_or(0))
            .min(len),
        None => len,
    };
    Ok(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_is_clamped_to_the_list_and_its_bounds_are_checked() {
        assert_eq!(window(0, None, 10, 7), Ok(0..7));
        assert_eq!(window(2, Some(3), 10, 7), Ok(2..5));
        assert_eq!(window(5, Some(10), 10, 7), Ok(5..7));
        assert_eq!(window(9, Some(1), 10, 7), Ok(7..7));
        let fields = |r: Result<_, Problems>| {
            r.unwrap_err()
                .0
                .into_iter()
                .map(|p| p.field)
                .collect::<Vec<_>>()
        };
        assert_eq!(fields(window(-1, Some(11), 10, 7)), ["offset", "limit"]);
        assert_eq!(fields(window(0, Some(-1), 10, 7)), ["limit"]);
    }

    #[test]
    fn text_rules() {
        let mut p = Problems::new();
        assert_eq!(p.text("name", "  Police  ", 10), "Police");
        assert!(p.is_empty());
        p.text("name", "   ", 10);
        p.text("other", "abcdefghijk", 10);
        p.text("ctl", "a\u{0007}b", 10);
        assert_eq!(p.0.len(), 3);
        assert_eq!(p.0[0].field, "name");
        assert_eq!(p.0[1].message, "must be at most 10 characters");
    }

    #[test]
    fn long_text_allows_line_breaks() {
        let mut p = Problems::new();
        p.long_text("j", "line one\nline two", 100);
        assert!(p.is_empty());
    }

    #[test]
    fn email_rules() {
        let mut p = Problems::new();
        assert_eq!(
            email(&mut p, "email", " A.Person@Example.org "),
            "a.person@example.org"
        );
        assert!(p.is_empty());
        for bad in [
            "",
            "nobody",
            "a@b",
            "a b@c.org",
            "@c.org",
            "a@@c.org",
            "a@.org",
        ] {
            let mut p = Problems::new();
            email(&mut p, "email", bad);
            assert_eq!(p.0.len(), 1, "{bad} should be refused");
        }
    }
}
