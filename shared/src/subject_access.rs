//! Subject access (UK GDPR article 15): who a review's glossary names, which texts mention
//! one of them, and the same texts with everyone else taken out.
//!
//! A *person* is one pseudonym of the glossary with every real name and alias that stands
//! for it ("Karen Harper" and "Karen" -> "Mother"). A text mentions the person when it holds
//! one of those real texts or the pseudonym itself, as whole words, ignoring case (the
//! glossary's own matching: [`crate::glossary`]). Redacting third parties replaces every
//! other person's real names by their pseudonym and what the name detector
//! ([`crate::chronology::names`]) finds by [`REDACTED`].

use crate::chronology::names::Suspect;
use crate::glossary::{fold, Glossary, Term};

/// What stands for a likely name or identifier no glossary term covers.
pub const REDACTED: &str = "[redacted]";

/// One person of a glossary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The pseudonym, as the glossary writes it ("Mother").
    pub pseudonym: String,
    /// The real names and aliases that stand for it, as written, longest first.
    pub names: Vec<String>,
}

/// The people of a glossary: its terms grouped by pseudonym (ignoring case and spacing),
/// ordered by pseudonym.
pub fn people(terms: &[Term]) -> Vec<Person> {
    let mut out: Vec<(String, Person)> = Vec::new();
    for t in terms {
        let key = fold(&t.replacement);
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some((_, p)) => p.names.push(t.real.clone()),
            None => out.push((
                key,
                Person {
                    pseudonym: t.replacement.trim().to_owned(),
                    names: vec![t.real.clone()],
                },
            )),
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out.into_iter()
        .map(|(_, mut p)| {
            p.names.sort_by(|a, b| {
                b.chars()
                    .count()
                    .cmp(&a.chars().count())
                    .then_with(|| a.cmp(b))
            });
            p
        })
        .collect()
}

/// What a subject access search matches with, for one person of a glossary.
#[derive(Debug, Clone)]
pub struct Search {
    pub person: Person,
    /// The person's real names and pseudonym.
    subject: Glossary,
    /// Every other person's real names, each replaced by its pseudonym.
    others: Glossary,
    /// The whole glossary (what the name detector leaves alone).
    all: Glossary,
}

impl Search {
    /// The search for the person whose pseudonym is `pseudonym` (ignoring case and
    /// spacing); `None` when the glossary has no such person.
    pub fn new(terms: &[Term], pseudonym: &str) -> Option<Self> {
        let key = fold(pseudonym);
        let person = people(terms)
            .into_iter()
            .find(|p| fold(&p.pseudonym) == key)?;
        let mut subject: Vec<Term> = terms
            .iter()
            .filter(|t| fold(&t.replacement) == key)
            .cloned()
            .collect();
        if !subject.iter().any(|t| fold(&t.real) == key) {
            subject.push(Term {
                real: person.pseudonym.clone(),
                replacement: person.pseudonym.clone(),
            });
        }
        let others = terms
            .iter()
            .filter(|t| fold(&t.replacement) != key)
            .cloned()
            .collect();
        Some(Self {
            person,
            subject: Glossary::new(subject),
            others: Glossary::new(others),
            all: Glossary::new(terms.to_vec()),
        })
    }

    /// Whether the text names the person (a real name, an alias or the pseudonym).
    pub fn mentions(&self, text: &str) -> bool {
        !self.subject.find(text).is_empty()
    }

    /// Whether any of the texts names the person.
    pub fn mentions_any<'a>(&self, texts: impl IntoIterator<Item = &'a str>) -> bool {
        texts.into_iter().any(|t| self.mentions(t))
    }

    /// The whole glossary, for the name detector (so that it leaves covered text alone).
    pub fn glossary(&self) -> &Glossary {
        &self.all
    }

    /// The text with every other person of the glossary replaced by their pseudonym, and
    /// each of `suspects` (found in this text by the name detector with [`Self::glossary`])
    /// by [`REDACTED`]. The person's own names stay.
    pub fn redact(&self, text: &str, suspects: &[Suspect]) -> String {
        let mut spans: Vec<(usize, usize, &str)> = self
            .others
            .find(text)
            .into_iter()
            .map(|h| {
                (
                    h.start,
                    h.end,
                    self.others.terms()[h.term].replacement.as_str(),
                )
            })
            .collect();
        let own = self.subject.find(text);
        for s in suspects {
            let inside = |a: usize, b: usize| s.start < b && a < s.end;
            if s.end > text.len()
                || !text.is_char_boundary(s.start)
                || !text.is_char_boundary(s.end)
                || own.iter().any(|h| inside(h.start, h.end))
            {
                continue;
            }
            spans.push((s.start, s.end, REDACTED));
        }
        spans.sort_by_key(|s| (s.0, std::cmp::Reverse(s.1)));
        let mut out = String::with_capacity(text.len());
        let mut from = 0;
        for (start, end, with) in spans {
            if start < from {
                continue;
            }
            out.push_str(&text[from..start]);
            out.push_str(with);
            from = end;
        }
        out.push_str(&text[from..]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chronology::names::find_suspects;

    fn terms(pairs: &[(&str, &str)]) -> Vec<Term> {
        pairs
            .iter()
            .map(|(r, p)| Term {
                real: (*r).into(),
                replacement: (*p).into(),
            })
            .collect()
    }

    #[test]
    fn people_group_aliases_by_pseudonym() {
        let t = terms(&[
            ("Lily", "Child A"),
            ("Karen", "Mother"),
            ("Karen Harper", "mother"),
        ]);
        let p = people(&t);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].pseudonym, "Child A");
        assert_eq!(p[1].pseudonym, "Mother");
        assert_eq!(p[1].names, vec!["Karen Harper", "Karen"]);
    }

    #[test]
    fn mentions_by_name_alias_or_pseudonym_as_whole_words() {
        let t = terms(&[("Lily", "Child A"), ("Karen Harper", "Mother")]);
        let s = Search::new(&t, "mother").expect("person");
        assert!(s.mentions("KAREN HARPER called"));
        assert!(s.mentions("mother anxious"));
        assert!(!s.mentions("Karen called"), "not a partial name");
        assert!(!s.mentions("grandmother visited"), "whole words only");
        assert!(!s.mentions("Lily seen"));
        assert!(Search::new(&t, "Father").is_none());
    }

    #[test]
    fn redaction_replaces_other_people_and_detected_names_only() {
        let t = terms(&[("Lily", "Child A"), ("Karen Harper", "Mother")]);
        let s = Search::new(&t, "Mother").expect("person");
        let texts = ["Karen Harper said Lily was with Mrs Begum."];
        let suspects = find_suspects(s.glossary(), &texts);
        assert_eq!(
            s.redact(texts[0], &suspects[0]),
            "Karen Harper said Child A was with [redacted]."
        );
        assert_eq!(s.redact("Nothing here.", &[]), "Nothing here.");
    }
}
