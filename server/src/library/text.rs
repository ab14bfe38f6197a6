//! The words of the learning library: what a search's words become (tokens both engines are
//! given safely), what an entry's text becomes before it is stored (anonymised, identifiers
//! taken out), and the short excerpt a hit shows.

use shared::glossary::Glossary;

/// At most this many words of a search are used.
pub const MAX_TOKENS: usize = 32;

/// At most this many characters of one word are used.
const MAX_TOKEN_CHARS: usize = 64;

/// About this many characters of text are shown in an excerpt.
pub const EXCERPT_CHARS: usize = 220;

/// Characters shown before the first word found.
const EXCERPT_LEAD: usize = 60;

/// What stands in place of an identifier (a date of birth, NHS number, postcode or phone
/// number) in a learning point's text.
pub const REMOVED: &str = "[removed]";

/// The words of a search: split on white space, control characters dropped, only words
/// with a letter or digit in them kept (so `*`, `"` or `-` alone are nothing), each at most
/// [`MAX_TOKEN_CHARS`] characters, at most [`MAX_TOKENS`] of them. Operators of either
/// engine's query language (`NEAR`, `OR`, `*`, `"`, `:`, `^`) are just words here: each
/// engine is given the tokens in a form where nothing is an operator.
pub fn tokens(words: &str) -> Vec<String> {
    words
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(|w| w.chars().take(MAX_TOKEN_CHARS).collect::<String>())
        .take(MAX_TOKENS)
        .collect()
}

/// The FTS5 query for tokens: each token a quoted string (quotes inside doubled), all of
/// them required. Inside quotes FTS5 sees no operators, column filters or prefixes.
pub fn fts5_query(tokens: &[String]) -> String {
    tokens
        .iter()
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A text as the library stores it: names and identifiers from the review's glossary
/// replaced, and anything the publication gate's detectors find (dates of birth, NHS
/// numbers, postcodes, phone numbers) taken out.
pub fn anonymised(glossary: &Glossary, text: &str) -> String {
    let named = glossary.anonymise(text);
    let hits = shared::summary::find_identifiers(&named);
    if hits.is_empty() {
        return named.into_owned();
    }
    let mut out = String::with_capacity(named.len());
    let mut from = 0;
    for hit in hits {
        out.push_str(&named[from..hit.start]);
        out.push_str(REMOVED);
        from = hit.end;
    }
    out.push_str(&named[from..]);
    out
}

/// The lower-cased stems a hit's words are looked for by in its text: a word's first
/// characters, so that "neglected" finds "neglect" and "neglectful" (the engines stem
/// words; this only places the excerpt).
fn stems(tokens: &[String]) -> Vec<String> {
    tokens
        .iter()
        .flat_map(|t| {
            t.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        })
        .map(|w| {
            let n = w.chars().count();
            let keep = if n > 5 { n - 2 } else { n };
            w.chars().take(keep).collect()
        })
        .collect()
}

/// The words of a text joined by single spaces, read only as far as asked for: a hit's
/// excerpt needs the first few hundred characters after its first word found, not a copy of
/// a 1,500-word summary.
struct Flat<'a> {
    words: std::str::SplitWhitespace<'a>,
    chars: Vec<char>,
    done: bool,
}

impl<'a> Flat<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            words: text.split_whitespace(),
            chars: Vec::new(),
            done: false,
        }
    }

    /// Reads on until at least `n` characters are read or the text ends.
    fn fill(&mut self, n: usize) {
        while !self.done && self.chars.len() < n {
            match self.words.next() {
                Some(word) => {
                    if !self.chars.is_empty() {
                        self.chars.push(' ');
                    }
                    self.chars.extend(word.chars());
                }
                None => self.done = true,
            }
        }
    }

    /// The character at `i`, reading on as needed.
    fn at(&mut self, i: usize) -> Option<char> {
        self.fill(i + 1);
        self.chars.get(i).copied()
    }

    /// Whether the word starting at `i` (lower-cased) begins with `stem`.
    fn word_starts_with(&mut self, i: usize, stem: &str) -> bool {
        let mut lowered = (i..)
            .map_while(|j| self.at(j).filter(|c| c.is_alphanumeric()))
            .flat_map(char::to_lowercase);
        stem.chars().all(|s| lowered.next() == Some(s))
    }
}

/// A short plain excerpt of `text` (one line, at most about [`EXCERPT_CHARS`] characters,
/// cut at word boundaries with "…" where it was cut), starting a little before the first
/// word that begins like one of the search's words, or at the start when none does.
pub fn excerpt(text: &str, tokens: &[String]) -> String {
    let mut flat = Flat::new(text);
    let stems = stems(tokens);
    let mut first_hit = None;
    if !stems.is_empty() {
        let mut i = 0;
        let mut previous_alphanumeric = false;
        while let Some(c) = flat.at(i) {
            let alphanumeric = c.is_alphanumeric();
            if alphanumeric
                && !previous_alphanumeric
                && stems.iter().any(|s| flat.word_starts_with(i, s))
            {
                first_hit = Some(i);
                break;
            }
            previous_alphanumeric = alphanumeric;
            i += 1;
        }
    }
    let mut start = first_hit.map_or(0, |at| at.saturating_sub(EXCERPT_LEAD));
    // Begin at a word: move forward to the next space, unless that passes the hit.
    if start > 0 {
        if let Some(space) = (start..)
            .map_while(|j| flat.at(j).map(|c| (j, c)))
            .find_map(|(j, c)| (c == ' ').then_some(j))
        {
            if first_hit.is_none_or(|at| space < at) {
                start = space + 1;
            }
        }
    }
    // One character more than shown tells whether the text goes on.
    flat.fill(start + EXCERPT_CHARS + 1);
    let flat = flat.chars;
    let mut end = (start + EXCERPT_CHARS).min(flat.len());
    if end < flat.len() {
        if let Some(space) = (start..end).rev().find(|&j| flat[j] == ' ') {
            if space > start {
                end = space;
            }
        }
    }
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(flat[start.min(end)..end].iter());
    let trimmed_len = out.trim_end().len();
    out.truncate(trimmed_len);
    if end < flat.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::glossary::Term;

    #[test]
    fn tokens_keep_words_and_drop_operators_alone() {
        assert_eq!(
            tokens("  neglect \"bruising\" * NEAR(a b) - \u{0}zoë's  "),
            ["neglect", "\"bruising\"", "NEAR(a", "b)", "zoë's"]
        );
        assert!(tokens("* \" - ^ : ()").is_empty());
        assert_eq!(tokens(&"w ".repeat(100)).len(), MAX_TOKENS);
        assert_eq!(tokens(&"x".repeat(500))[0].len(), MAX_TOKEN_CHARS);
    }

    #[test]
    fn fts5_queries_quote_every_token() {
        let t = tokens("say \"NEAR\" OR col:x*");
        assert_eq!(fts5_query(&t), "\"say\" \"\"\"NEAR\"\"\" \"OR\" \"col:x*\"");
        assert_eq!(fts5_query(&[]), "");
    }

    #[test]
    fn anonymised_text_has_no_names_or_identifiers() {
        let g = Glossary::new(vec![Term {
            real: "Jayden Smith".into(),
            replacement: "Child A".into(),
        }]);
        assert_eq!(
            anonymised(&g, "Jayden Smith's GP had NHS number 943 476 5919 on file."),
            "Child A's GP had NHS number [removed] on file."
        );
        assert_eq!(anonymised(&g, "Nothing here."), "Nothing here.");
    }

    /// The excerpt as first written (the whole text flattened first): the reference
    /// [`excerpt`] must agree with.
    /// A short plain excerpt of `text` (one line, at most about [`EXCERPT_CHARS`] characters,
    /// cut at word boundaries with "…" where it was cut), starting a little before the first
    /// word that begins like one of the search's words, or at the start when none does.
    fn whole_text_excerpt(text: &str, tokens: &[String]) -> String {
        let flat: Vec<char> = text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .collect();
        let stems = stems(tokens);
        let mut first_hit = None;
        if !stems.is_empty() {
            let mut i = 0;
            while i < flat.len() {
                if flat[i].is_alphanumeric() && (i == 0 || !flat[i - 1].is_alphanumeric()) {
                    let end = (i..flat.len())
                        .find(|&j| !flat[j].is_alphanumeric())
                        .unwrap_or(flat.len());
                    let word: String = flat[i..end].iter().flat_map(|c| c.to_lowercase()).collect();
                    if stems.iter().any(|s| word.starts_with(s.as_str())) {
                        first_hit = Some(i);
                        break;
                    }
                    i = end;
                } else {
                    i += 1;
                }
            }
        }
        let mut start = first_hit.map_or(0, |at| at.saturating_sub(EXCERPT_LEAD));
        // Begin at a word: move forward to the next space, unless that passes the hit.
        if start > 0 {
            if let Some(space) = (start..flat.len()).find(|&j| flat[j] == ' ') {
                if first_hit.is_none_or(|at| space < at) {
                    start = space + 1;
                }
            }
        }
        let mut end = (start + EXCERPT_CHARS).min(flat.len());
        if end < flat.len() {
            if let Some(space) = (start..end).rev().find(|&j| flat[j] == ' ') {
                if space > start {
                    end = space;
                }
            }
        }
        let mut out = String::new();
        if start > 0 {
            out.push('…');
        }
        out.extend(flat[start..end].iter());
        let trimmed_len = out.trim_end().len();
        out.truncate(trimmed_len);
        if end < flat.len() {
            out.push('…');
        }
        out
    }

    #[test]
    fn excerpts_read_lazily_agree_with_the_whole_text() {
        let words = [
            "neglect",
            "Neglected",
            "school",
            "ÉCOLE",
            "bruising",
            "a",
            "-",
            "x1",
            "it's",
            "(police)",
            "\u{130}stanbul",
            "health",
            "…",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..3_000 {
            let length = next(400);
            let mut text = String::new();
            for _ in 0..length {
                text.push_str(words[next(words.len())]);
                text.push_str(["  ", " ", "\n\n", "\t", ""][next(5)]);
            }
            let asked: Vec<String> = (0..next(3))
                .map(|_| words[next(words.len())].to_owned())
                .collect();
            assert_eq!(
                excerpt(&text, &asked),
                whole_text_excerpt(&text, &asked),
                "text {text:?}, words {asked:?}"
            );
        }
    }

    #[test]
    fn excerpts_start_near_the_first_word_found() {
        let text = format!(
            "{} The school noticed neglect early.\n\n{}",
            "Background words. ".repeat(20),
            "More text after. ".repeat(30)
        );
        let e = excerpt(&text, &["neglected".to_owned()]);
        assert!(e.starts_with('…') && e.ends_with('…'), "{e}");
        assert!(e.contains("noticed neglect early."), "{e}");
        assert!(e.chars().count() <= EXCERPT_CHARS + 2, "{e}");
        let e = excerpt(&text, &[]);
        assert!(e.starts_with("Background words."), "{e}");
        assert_eq!(excerpt("Short\ntext.", &["zzz".to_owned()]), "Short text.");
        assert_eq!(excerpt("", &["a".to_owned()]), "");
    }
}
