//! A review's glossary: the real names and identifiers in its records, each with the words
//! that stand for it once anonymised ("Jane Smith" -> "Mother", "Lily" -> "Child A").
//!
//! Terms match whole words, ignoring case, longest term first, so "Jane Smith" wins over
//! "Jane" and "Janet" is left alone. The same matching finds what is left before a text is
//! published.

use crate::validation::Problems;
use std::borrow::Cow;

/// Longest real name or identifier a term may hold.
pub const REAL_MAX: usize = 200;
/// Longest replacement.
pub const REPLACEMENT_MAX: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub real: String,
    pub replacement: String,
}

/// Checks a new term against the glossary's existing real texts: both parts present, not
/// too long, one line, and the real text not already in the glossary (ignoring case).
pub fn check_term<'a>(
    real: &str,
    replacement: &str,
    existing: impl IntoIterator<Item = &'a str>,
) -> Result<Term, Problems> {
    let mut problems = Problems::new();
    let real = problems.text("realText", real, REAL_MAX);
    let replacement = problems.text("replacement", replacement, REPLACEMENT_MAX);
    if !real.is_empty() && !real.chars().any(char::is_alphanumeric) {
        problems.push("realText", "must contain a letter or a digit");
    }
    let key = fold(&real);
    if !real.is_empty() && existing.into_iter().any(|e| fold(e) == key) {
        problems.push("realText", "is already in the glossary");
    }
    problems.into_result()?;
    Ok(Term { real, replacement })
}

/// Case-folded, with runs of white space as one space: how terms are compared (and the key
/// that keeps one term per text in a glossary).
pub fn fold(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// One character lower-cased to one character (the rare characters whose lower case is
/// longer keep their first), so offsets in the text and the pattern stay in step.
fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// One place a real name or identifier appears in a text (byte offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    /// Index of the term in the glossary.
    pub term: usize,
}

/// A glossary ready to match: terms ordered longest first.
#[derive(Debug, Clone, Default)]
pub struct Glossary {
    terms: Vec<Term>,
    /// Lower-cased real texts, in `terms` order.
    folded: Vec<Vec<char>>,
}

impl Glossary {
    pub fn new(mut terms: Vec<Term>) -> Self {
        terms.retain(|t| t.real.chars().any(char::is_alphanumeric));
        terms.sort_by(|a, b| {
            b.real
                .chars()
                .count()
                .cmp(&a.real.chars().count())
                .then_with(|| a.real.cmp(&b.real))
        });
        let folded = terms
            .iter()
            .map(|t| fold(&t.real).chars().map(lower).collect())
            .collect();
        Self { terms, folded }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// Every whole-word occurrence of a term, left to right, never overlapping (at each
    /// place the longest term wins).
    pub fn find(&self, text: &str) -> Vec<Hit> {
        let mut hits = Vec::new();
        if self.terms.is_empty() || text.is_empty() {
            return hits;
        }
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut i = 0;
        while i < chars.len() {
            let at_word_start = i == 0 || !chars[i - 1].1.is_alphanumeric();
            if at_word_start {
                if let Some((term, len)) = self.match_at(&chars, i) {
                    let end = chars.get(i + len).map_or(text.len(), |c| c.0);
                    hits.push(Hit {
                        start: chars[i].0,
                        end,
                        term,
                    });
                    i += len;
                    continue;
                }
            }
            i += 1;
        }
        hits
    }

    /// The longest term that matches at `i` and ends at a word boundary, with its length in
    /// characters of the text.
    fn match_at(&self, chars: &[(usize, char)], i: usize) -> Option<(usize, usize)> {
        'terms: for (t, pattern) in self.folded.iter().enumerate() {
            let mut j = i;
            let mut p = 0;
            while p < pattern.len() {
                let Some(&(_, c)) = chars.get(j) else {
                    continue 'terms;
                };
                if pattern[p] == ' ' {
                    // One space in a term matches any run of white space in the text.
                    if !c.is_whitespace() {
                        continue 'terms;
                    }
                    while chars.get(j).is_some_and(|(_, c)| c.is_whitespace()) {
                        j += 1;
                    }
                    p += 1;
                    continue;
                }
                if lower(c) != pattern[p] {
                    continue 'terms;
                }
                j += 1;
                p += 1;
            }
            let boundary = chars.get(j).is_none_or(|(_, c)| !c.is_alphanumeric());
            if boundary {
                return Some((t, j - i));
            }
        }
        None
    }

    /// The text with every real name or identifier replaced.
    pub fn anonymise<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let hits = self.find(text);
        if hits.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut from = 0;
        for hit in hits {
            out.push_str(&text[from..hit.start]);
            out.push_str(&self.terms[hit.term].replacement);
            from = hit.end;
        }
        out.push_str(&text[from..]);
        Cow::Owned(out)
    }

    /// `anonymise` for an optional text.
    pub fn anonymise_opt(&self, text: Option<&str>) -> Option<String> {
        text.map(|t| self.anonymise(t).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glossary(pairs: &[(&str, &str)]) -> Glossary {
        Glossary::new(
            pairs
                .iter()
                .map(|(r, a)| Term {
                    real: (*r).into(),
                    replacement: (*a).into(),
                })
                .collect(),
        )
    }

    #[test]
    fn replaces_whole_words_ignoring_case_longest_first() {
        let g = glossary(&[
            ("Jane", "Mother"),
            ("Jane Smith", "Mother"),
            ("Lily", "Child A"),
        ]);
        assert_eq!(
            g.anonymise("JANE SMITH took lily to Janet's; jane's phone was off."),
            "Mother took Child A to Janet's; Mother's phone was off."
        );
        assert_eq!(
            g.anonymise("Jane  Smith\nsaid"),
            "Mother\nsaid",
            "any white space between words"
        );
        assert!(matches!(g.anonymise("Nobody named."), Cow::Borrowed(_)));
    }

    #[test]
    fn identifiers_with_punctuation_match_too() {
        let g = glossary(&[
            ("NHS 943 476 5919", "[NHS number]"),
            ("L1 8JQ", "[postcode]"),
        ]);
        assert_eq!(
            g.anonymise("Registered NHS 943 476 5919 at L1 8JQ."),
            "Registered [NHS number] at [postcode]."
        );
        assert_eq!(g.find("L1 8JQX").len(), 0, "not inside a longer word");
    }

    #[test]
    fn finds_every_place_with_offsets() {
        let g = glossary(&[("Lily", "Child A")]);
        let text = "Lily and lily";
        let hits = g.find(text);
        assert_eq!(hits.len(), 2);
        assert_eq!(&text[hits[1].start..hits[1].end], "lily");
    }

    #[test]
    fn non_ascii_names() {
        let g = glossary(&[("Zoë Øster", "Child B")]);
        assert_eq!(
            g.anonymise("Seen: ZOË ØSTER, well."),
            "Seen: Child B, well."
        );
    }

    #[test]
    fn terms_are_checked() {
        assert!(check_term("Lily", "Child A", ["Jane"]).is_ok());
        let p = check_term(" lily ", "Child A", ["Lily"]).unwrap_err();
        assert_eq!(p.0[0].field, "realText");
        assert!(p.0[0].message.contains("already"));
        let p = check_term("", "", []).unwrap_err();
        assert_eq!(p.0.len(), 2);
        assert!(check_term("--", "x", []).is_err());
        assert!(check_term(&"x".repeat(REAL_MAX + 1), "x", []).is_err());
    }
}
