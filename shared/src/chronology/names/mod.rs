//! Anonymisation that tells the truth: before a chronology is shown or exported anonymised,
//! find what still looks like a person's name (or an identifier) that the review's glossary
//! does not replace.
//!
//! A name is judged from the words around it, over the whole chronology at once:
//! - after a title: "Mrs Begum", "Dr J Patel", "PC Jones" (also typed in lower case);
//! - next to a family or household word: "Jo (mother)", "Dean, stepfather", "her brother
//!   Kyle", "Jo's partner", "Baby Smith";
//! - capitalised words in the middle of a sentence that are not known words of chronologies
//!   (roles, agencies, processes, event types, months, days: `words.txt`) and do not end
//!   the name of a place or an organisation ("Elm Road", "Oakfield Primary School", "St
//!   Mary's");
//! - at the start of a sentence, where every word is capitalised, a known first name or
//!   surname (`given.txt`), or two unknown capitalised words together ("Zoltan Horvath
//!   attended");
//! - a known first name typed in lower case ("spoke to kayleigh"), unless it is also an
//!   everyday word ("will", "mark", "grace");
//! - initials: two or three capitals that are not a known abbreviation ("JS said");
//! - once a word is found as a name anywhere in the chronology, it is a name wherever it
//!   appears (at the start of a sentence, in lower case).
//!
//! Text the glossary covers is left alone, and so are its replacements ("Child A",
//! "Mother"). The publication gate's detectors (dates of birth, NHS numbers, postcodes,
//! phone numbers: [`crate::summary::identifiers`]) run too.
//!
//! Measured on the labelled cases in `shared/tests/anonymisation/` (`cargo test -p shared
//! --test anonymisation_quality`). Offsets are byte offsets into the text given.

use crate::glossary::{fold, Glossary};
use crate::reviews::vocabulary::vocabulary;
use crate::summary::identifiers::{find_identifiers, IdentifierKind};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

vocabulary! {
    /// What an anonymisation suspect looks like.
    SuspectKind {
        Name => ("NAME", "Possible name"),
        DateOfBirth => ("DATE_OF_BIRTH", "Date of birth"),
        NhsNumber => ("NHS_NUMBER", "NHS number"),
        Postcode => ("POSTCODE", "Postcode"),
        PhoneNumber => ("PHONE_NUMBER", "Phone number"),
    }
}

/// One suspect in one text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suspect {
    pub kind: SuspectKind,
    pub start: usize,
    pub end: usize,
    /// The text found, as written (a possessive "'s" left off).
    pub matched: String,
}

impl Suspect {
    /// What dismissals and the glossary compare: case-folded, white space as one space.
    pub fn key(&self) -> String {
        fold(&self.matched)
    }

    /// The suspect with up to `around` characters either side of it.
    pub fn excerpt<'a>(&self, text: &'a str, around: usize) -> &'a str {
        let start = text[..self.start]
            .char_indices()
            .rev()
            .take(around)
            .last()
            .map_or(self.start, |(i, _)| i);
        let end = text[self.end..]
            .char_indices()
            .nth(around)
            .map_or(text.len(), |(i, _)| self.end + i);
        &text[start..end]
    }
}

/// Every suspect in a chronology's texts (one list per text, left to right, never
/// overlapping): likely names and identifiers the glossary does not cover.
pub fn find_suspects(glossary: &Glossary, texts: &[&str]) -> Vec<Vec<Suspect>> {
    find_suspects_with(glossary, &[], texts)
}

/// [`find_suspects`] with more words known not to be names: the agencies' names and
/// prefixes of the review ("NGH", "Northgate General").
pub fn find_suspects_with(
    glossary: &Glossary,
    known: &[&str],
    texts: &[&str],
) -> Vec<Vec<Suspect>> {
    let names = find_names(glossary, known, texts);
    texts
        .iter()
        .zip(names)
        .map(|(text, names)| {
            let covered = glossary.find(text);
            let mut out: Vec<Suspect> = names;
            for hit in find_identifiers(text) {
                if covered
                    .iter()
                    .any(|c| c.start < hit.end && hit.start < c.end)
                    || out.iter().any(|n| n.start < hit.end && hit.start < n.end)
                {
                    continue;
                }
                let kind = match hit.kind {
                    IdentifierKind::DateOfBirth => SuspectKind::DateOfBirth,
                    IdentifierKind::NhsNumber => SuspectKind::NhsNumber,
                    IdentifierKind::Postcode => SuspectKind::Postcode,
                    IdentifierKind::PhoneNumber => SuspectKind::PhoneNumber,
                    IdentifierKind::Name => continue,
                };
                out.push(Suspect {
                    kind,
                    start: hit.start,
                    end: hit.end,
                    matched: hit.matched,
                });
            }
            out.sort_by_key(|s| s.start);
            out
        })
        .collect()
}

// ---- Word lists

struct Words {
    titles: HashSet<&'static str>,
    relations: HashSet<&'static str>,
    places: HashSet<&'static str>,
    places_weak: HashSet<&'static str>,
    acronyms: HashSet<&'static str>,
    common: HashSet<&'static str>,
    given: HashSet<&'static str>,
    ambiguous: HashSet<&'static str>,
}

fn sections(text: &'static str) -> HashMap<&'static str, HashSet<&'static str>> {
    let mut out: HashMap<&str, HashSet<&str>> = HashMap::new();
    let mut section = "";
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name;
            continue;
        }
        out.entry(section)
            .or_default()
            .extend(line.split_whitespace());
    }
    out
}

fn words() -> &'static Words {
    static WORDS: OnceLock<Words> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut w = sections(include_str!("words.txt"));
        let mut g = sections(include_str!("given.txt"));
        let take = |m: &mut HashMap<&'static str, HashSet<&'static str>>, k: &str| {
            m.remove(k).unwrap_or_default()
        };
        Words {
            titles: take(&mut w, "titles"),
            relations: take(&mut w, "relations"),
            places: take(&mut w, "places"),
            places_weak: take(&mut w, "places-weak"),
            acronyms: take(&mut w, "acronyms"),
            common: take(&mut w, "common"),
            given: take(&mut g, "names"),
            ambiguous: take(&mut g, "ambiguous"),
        }
    })
}

/// Joining words inside a name ("Abdul bin Rahman", "van der Berg").
const PARTICLES: [&str; 14] = [
    "bin", "binti", "bint", "ibn", "van", "von", "der", "den", "de", "da", "di", "del", "al", "el",
];
const MONTHS: [&str; 4] = ["may", "june", "april", "august"];
/// Words that start the name of a place rather than a person.
const PLACE_STARTS: [&str; 7] = ["st", "saint", "hmp", "mount", "lake", "port", "fort"];
/// Words before a lone capitalised word that make it a place ("moved to Bolton").
const PLACE_PREPOSITIONS: [&str; 12] = [
    "in", "at", "from", "near", "into", "to", "towards", "via", "around", "across", "outside",
    "inside",
];

// ---- Tokens

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    /// "Dean", "O'Brien", "McDonald".
    Capital,
    /// "SMITH", "JS".
    Upper,
    /// "J" (an initial, or "A" in "Child A").
    Letter,
    Lower,
    /// Digits or anything else.
    Other,
}

#[derive(Debug, Clone)]
struct Tok<'a> {
    start: usize,
    /// End without a possessive "'s".
    end: usize,
    text: &'a str,
    key: String,
    case: Case,
    /// First word of a sentence (or of the text, a line, a bracket).
    sentence_start: bool,
    /// Text between the previous word and this one.
    gap: &'a str,
    /// Inside a glossary term (already anonymised).
    covered: bool,
    possessive: bool,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

fn tokens<'a>(text: &'a str, covered: &[(usize, usize)]) -> Vec<Tok<'a>> {
    let mut out: Vec<Tok<'a>> = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    let mut prev_end = 0;
    while i < chars.len() {
        if !is_word_char(chars[i].1) {
            i += 1;
            continue;
        }
        let start = chars[i].0;
        let mut j = i;
        loop {
            while j < chars.len() && is_word_char(chars[j].1) {
                j += 1;
            }
            // An apostrophe or a hyphen joins letters: "O'Brien", "Smith-Jones".
            if j + 1 < chars.len()
                && matches!(chars[j].1, '\'' | '’' | '-')
                && chars[j + 1].1.is_alphabetic()
            {
                j += 1;
                continue;
            }
            break;
        }
        let end = chars.get(j).map_or(text.len(), |c| c.0);
        let word = &text[start..end];
        let (core, possessive) = match word
            .strip_suffix("'s")
            .or_else(|| word.strip_suffix("’s"))
            .or_else(|| word.strip_suffix("'S"))
        {
            Some(c) if !c.is_empty() => (c, true),
            _ => (word, false),
        };
        let gap = &text[prev_end..start];
        let sentence_start = out.is_empty()
            || gap.contains('\n')
            || gap.contains('(')
            || gap.contains('"')
            || gap.contains('“')
            || {
                let g = gap.trim_end();
                g.ends_with('.') && !initial_before(&out)
                    || g.ends_with('!')
                    || g.ends_with('?')
                    || g.ends_with(':')
                    || g.ends_with(';')
                    || g.ends_with(" -")
                    || g.ends_with('–')
                    || g.ends_with('•')
                    || g.ends_with('*')
            };
        let covered = covered.iter().any(|(s, e)| *s < end && start < *e);
        out.push(Tok {
            start,
            end: start + core.len(),
            text: core,
            key: core.to_lowercase().replace('’', "'"),
            case: case_of(core),
            sentence_start,
            gap,
            covered,
            possessive,
        });
        prev_end = end;
        i = j;
    }
    out
}

/// The word before ends with a full stop that belongs to an initial or a title ("J. Smith",
/// "Dr. Patel"), not a sentence.
fn initial_before(out: &[Tok<'_>]) -> bool {
    out.last().is_some_and(|t| {
        t.case == Case::Letter || words().titles.contains(t.key.as_str()) && t.text.len() <= 4
    })
}

fn case_of(word: &str) -> Case {
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    let Some(first) = letters.next() else {
        return Case::Other;
    };
    if word.chars().any(|c| c.is_ascii_digit()) {
        return Case::Other;
    }
    let rest: Vec<char> = letters.collect();
    if first.is_uppercase() {
        if rest.is_empty() {
            Case::Letter
        } else if rest.iter().all(|c| c.is_uppercase()) {
            Case::Upper
        } else {
            Case::Capital
        }
    } else if first.is_lowercase() {
        Case::Lower
    } else {
        Case::Other
    }
}

// ---- The judgement

/// Why a word was taken for (part of) a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Why {
    Title,
    Relation,
    Capitalised,
    Given,
    Initials,
    Elsewhere,
}

struct Judge<'w> {
    w: &'w Words,
    /// Words of the glossary's replacements ("child", "a", "mother").
    replacements: HashSet<String>,
}

impl Judge<'_> {
    /// A word known not to be a name.
    fn known(&self, t: &Tok<'_>) -> bool {
        let k = t.key.as_str();
        t.covered
            || self.w.common.contains(k)
            || self.w.relations.contains(k)
            || self.w.titles.contains(k)
            || self.w.places.contains(k)
            || self.w.acronyms.contains(k)
            || self.replacements.contains(k)
            || PARTICLES.contains(&k)
    }

    fn given(&self, t: &Tok<'_>) -> bool {
        let k = t.key.as_str();
        (self.w.given.contains(k) || k.split('-').all(|p| self.w.given.contains(p)))
            && !self.w.ambiguous.contains(k)
    }

    /// Capitalised (or in capitals) and not a known word: could be a name.
    fn candidate(&self, t: &Tok<'_>) -> bool {
        if t.covered {
            return false;
        }
        match t.case {
            Case::Capital => !self.known(t),
            // Capitals: a surname written in capitals ("Dean SMITH"), not an abbreviation.
            Case::Upper => !self.known(t) && t.text.chars().count() >= 4,
            _ => false,
        }
    }

    fn relation(&self, t: &Tok<'_>) -> bool {
        self.w.relations.contains(t.key.as_str())
    }
}

fn joined_by_space(gap: &str) -> bool {
    !gap.is_empty() && gap.chars().all(|c| c == ' ' || c == '\t' || c == '\u{a0}')
}

/// The name suspects in each text (see the module's rules).
fn find_names(glossary: &Glossary, known: &[&str], texts: &[&str]) -> Vec<Vec<Suspect>> {
    let w = words();
    let replacements = glossary
        .terms()
        .iter()
        .map(|t| t.replacement.as_str())
        .chain(known.iter().copied())
        .flat_map(|t| {
            t.split(|c: char| !c.is_alphanumeric())
                .filter(|s| !s.is_empty())
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        })
        .collect();
    let judge = Judge { w, replacements };
    let docs: Vec<Vec<Tok<'_>>> = texts
        .iter()
        .map(|text| {
            let covered: Vec<(usize, usize)> = glossary
                .find(text)
                .iter()
                .map(|h| (h.start, h.end))
                .collect();
            tokens(text, &covered)
        })
        .collect();
    let mut flags: Vec<Vec<Option<Why>>> =
        docs.iter().map(|toks| judge_text(&judge, toks)).collect();
    // A word found as a name anywhere is a name everywhere.
    let mut seen: HashSet<String> = HashSet::new();
    for (toks, f) in docs.iter().zip(&flags) {
        for (t, why) in toks.iter().zip(f) {
            if why.is_some_and(|w| w != Why::Initials && w != Why::Title)
                && t.case != Case::Letter
                && !judge.known(t)
            {
                seen.insert(t.key.clone());
            }
        }
    }
    for (toks, f) in docs.iter().zip(flags.iter_mut()) {
        for (t, why) in toks.iter().zip(f.iter_mut()) {
            if why.is_none()
                && seen.contains(&t.key)
                && !judge.known(t)
                && !((t.case == Case::Lower || t.sentence_start)
                    && w.ambiguous.contains(t.key.as_str()))
                && t.case != Case::Letter
            {
                *why = Some(Why::Elsewhere);
            }
        }
    }
    texts
        .iter()
        .zip(docs.iter().zip(&flags))
        .map(|(text, (toks, f))| spans(text, toks, f))
        .collect()
}

/// Flagged words next to each other make one suspect.
fn spans(text: &str, toks: &[Tok<'_>], flags: &[Option<Why>]) -> Vec<Suspect> {
    let mut out: Vec<Suspect> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if flags[i].is_none() {
            i += 1;
            continue;
        }
        let start = toks[i].start;
        let mut j = i;
        while j + 1 < toks.len()
            && flags[j + 1].is_some()
            && !toks[j].possessive
            && (joined_by_space(toks[j + 1].gap)
                || toks[j].case == Case::Letter && toks[j + 1].gap.trim() == ".")
        {
            j += 1;
        }
        let end = toks[j].end;
        out.push(Suspect {
            kind: SuspectKind::Name,
            start,
            end,
            matched: text[start..end].to_string(),
        });
        i = j + 1;
    }
    out
}

fn judge_text(j: &Judge<'_>, toks: &[Tok<'_>]) -> Vec<Option<Why>> {
    let w = j.w;
    let n = toks.len();
    let mut flag: Vec<Option<Why>> = vec![None; n];
    let set = |flag: &mut Vec<Option<Why>>, i: usize, why: Why| {
        if flag[i].is_none() {
            flag[i] = Some(why);
        }
    };

    // Runs of capitalised words joined by single spaces (initials and particles inside).
    let mut i = 0;
    while i < n {
        let t = &toks[i];
        if !matches!(t.case, Case::Capital | Case::Upper | Case::Letter) || t.covered {
            i += 1;
            continue;
        }
        let mut e = i;
        while e + 1 < n {
            let next = &toks[e + 1];
            let joined = joined_by_space(next.gap)
                || toks[e].case == Case::Letter && next.gap.trim() == "."
                || w.titles.contains(toks[e].key.as_str()) && next.gap.trim() == ".";
            let fits = matches!(next.case, Case::Capital | Case::Upper | Case::Letter)
                || next.case == Case::Lower
                    && PARTICLES.contains(&next.key.as_str())
                    && toks
                        .get(e + 2)
                        .is_some_and(|a| a.case == Case::Capital && joined_by_space(a.gap));
            if !joined || !fits || toks[e].possessive || next.covered {
                break;
            }
            e += 1;
        }
        judge_run(j, toks, i, e, &mut flag);
        i = e + 1;
    }

    for i in 0..n {
        let t = &toks[i];
        if t.covered {
            continue;
        }
        // Lower-case words after a title: "mrs begum".
        if t.case == Case::Lower
            && matches!(t.key.as_str(), "mr" | "mrs" | "ms" | "miss" | "mx" | "dr")
        {
            if let Some(next) = toks.get(i + 1) {
                if next.case == Case::Lower && !j.known(next) && joined_by_space(next.gap) {
                    set(&mut flag, i, Why::Title);
                    set(&mut flag, i + 1, Why::Title);
                }
            }
        }
        // A known first name in lower case.
        if t.case == Case::Lower && j.given(t) && !j.known(t) {
            set(&mut flag, i, Why::Given);
        }
        // Initials: two or three capitals that are no abbreviation, nor part of a reference
        // ("POL-12", "HLT 3").
        let reference = toks
            .get(i + 1)
            .is_some_and(|n| n.case == Case::Other && matches!(n.gap, "-" | " " | "/" | ""))
            || t.gap
                .ends_with(|c: char| c.is_ascii_digit() || c == '-' || c == '/');
        if t.case == Case::Upper
            && (2..=3).contains(&t.text.chars().count())
            && t.text.chars().all(|c| c.is_ascii_uppercase())
            && !j.known(t)
            && !reference
        {
            set(&mut flag, i, Why::Initials);
        }
        // Family words.
        if j.relation(t) {
            relation_neighbours(j, toks, i, &mut flag);
        }
    }
    flag
}

/// "stepfather Dean", "her brother kyle", "Jo (mother)", "Dean, stepfather", "Jo's partner".
fn relation_neighbours(j: &Judge<'_>, toks: &[Tok<'_>], i: usize, flag: &mut [Option<Why>]) {
    let name_like = |t: &Tok<'_>| {
        !t.covered
            && match t.case {
                Case::Capital | Case::Upper => !j.known(t),
                Case::Lower => j.given(t) && !j.known(t),
                _ => false,
            }
    };
    // After: the next word, directly or after a comma.
    if let Some(next) = toks.get(i + 1) {
        let gap = next.gap.trim();
        if (gap.is_empty() || gap == ",") && !toks[i].possessive && name_like(next) {
            let mut k = i + 1;
            loop {
                if flag[k].is_none() {
                    flag[k] = Some(Why::Relation);
                }
                match toks.get(k + 1) {
                    Some(a) if joined_by_space(a.gap) && name_like(a) && a.case != Case::Lower => {
                        k += 1
                    }
                    _ => break,
                }
            }
        }
    }
    // Before: "Jo (mother)", "Dean, stepfather", "Jo's partner", "Jo, the mother", "Jo
    // (maternal grandmother)". Up to two words may come between.
    let mut b = i;
    for _ in 0..3 {
        if b == 0 {
            return;
        }
        let gap = toks[b].gap.trim();
        let prev = &toks[b - 1];
        let link = gap == "("
            || gap == ","
            || gap == "-"
            || gap == "–"
            || gap == "- "
            || gap.is_empty() && prev.possessive;
        if (link || gap.is_empty() && b < i) && name_like(prev) && (link || prev.possessive) {
            let mut k = b - 1;
            loop {
                if flag[k].is_none() {
                    flag[k] = Some(Why::Relation);
                }
                if k == 0 || !joined_by_space(toks[k].gap) || !name_like(&toks[k - 1]) {
                    break;
                }
                k -= 1;
            }
            return;
        }
        if !gap.is_empty() && !link {
            return;
        }
        // Allow "maternal", "the", "her", "mother's", "ex" between.
        if !(prev.case == Case::Lower || j.relation(prev) || prev.possessive) || link {
            return;
        }
        b -= 1;
    }
}

/// One run of capitalised words, `from..=to`.
fn judge_run(j: &Judge<'_>, toks: &[Tok<'_>], from: usize, to: usize, flag: &mut [Option<Why>]) {
    let w = j.w;
    let run = &toks[from..=to];
    let before = from.checked_sub(1).map(|b| &toks[b]);
    let sentence_start = run[0].sentence_start;
    // A place or an organisation: "Elm Road", "St Mary's", "the Grange".
    let place_start = PLACE_STARTS.contains(&run[0].key.as_str())
        || before.is_some_and(|b| b.key == "the" && joined_by_space(run[0].gap));
    let mut place = place_start;
    // The place word may come after the run, past a possessive ("Riverside Children's
    // Centre", "Barnardo's Family Support").
    let mut last = to;
    while last + 1 < toks.len()
        && last < to + 3
        && joined_by_space(toks[last + 1].gap)
        && matches!(toks[last + 1].case, Case::Capital | Case::Upper)
    {
        last += 1;
    }
    for k_abs in from + 1..=last {
        let t = &toks[k_abs];
        let prev = &toks[k_abs - 1];
        if w.places.contains(t.key.as_str())
            || w.places_weak.contains(t.key.as_str()) && !j.given(prev) && !j.known(prev)
        {
            place = true;
        }
    }
    if place {
        return;
    }
    // A title before: "Mrs Begum", "Dr J Patel", "PC Jones".
    let mut k = 0;
    while k < run.len() {
        let t = &run[k];
        if w.titles.contains(t.key.as_str()) && k + 1 < run.len() {
            let mut e = k + 1;
            // Initials and names after the title.
            while e < run.len()
                && (j.candidate(&run[e]) || run[e].case == Case::Letter || j.given(&run[e]))
                && !w.titles.contains(run[e].key.as_str())
            {
                e += 1;
            }
            let has_name = (k + 1..e).any(|x| run[x].case != Case::Letter)
                || e > k + 1 && run[k].case != Case::Letter;
            if e > k + 1 && has_name {
                for x in k..e {
                    if flag[from + x].is_none() {
                        flag[from + x] = Some(Why::Title);
                    }
                }
                k = e;
                continue;
            }
        }
        k += 1;
    }
    // Other capitalised words that are not known words.
    let after_place_preposition = before.is_some_and(|b| {
        PLACE_PREPOSITIONS.contains(&b.key.as_str()) && joined_by_space(run[0].gap)
    });
    // "Will", "Grace", "Mark" in the middle of a sentence are names, unless a known word
    // before them makes them part of a phrase ("Christmas Eve").
    let name_word = |k: usize| {
        let t = &run[k];
        t.case == Case::Capital
            && !(k == 0 && sentence_start)
            && (w.ambiguous.contains(t.key.as_str()) || w.given.contains(t.key.as_str()))
            && !MONTHS.contains(&t.key.as_str())
            && !t.covered
            && !j.replacements.contains(t.key.as_str())
            && (from + k).checked_sub(1).map(|b| &toks[b]).is_none_or(|b| {
                !(joined_by_space(toks[from + k].gap)
                    && matches!(b.case, Case::Capital | Case::Upper)
                    && j.known(b))
            })
    };
    let cands: Vec<usize> = (0..run.len())
        .filter(|&k| {
            j.candidate(&run[k])
                || name_word(k)
                || run[k].case == Case::Letter
                    && k + 1 < run.len()
                    && j.candidate(&run[k + 1])
                    && !(k > 0 && j.replacements.contains(run[k - 1].key.as_str()))
        })
        .collect();
    let unknown: Vec<usize> = cands
        .iter()
        .copied()
        .filter(|&k| run[k].case != Case::Letter && !name_word(k))
        .collect();
    for &k in &cands {
        let t = &run[k];
        let at_start = k == 0 && sentence_start;
        let lone = unknown.len() == 1;
        let name = if t.case == Case::Letter {
            true
        } else if at_start {
            // The first word of a sentence is capitalised anyway.
            j.given(t) || unknown.len() >= 2 && unknown.contains(&1) || t.possessive
        } else if lone && k == 0 && after_place_preposition && !j.given(t) && !t.possessive {
            false
        } else if t.case == Case::Upper {
            // A word in capitals beside a name ("Dean SMITH").
            unknown.len() >= 2 || j.given(t)
        } else {
            true
        };
        if name && flag[from + k].is_none() {
            flag[from + k] = Some(if j.given(t) {
                Why::Given
            } else {
                Why::Capitalised
            });
        }
    }
    // Lone known first names at the start of a sentence were taken above; a single
    // capital letter only counts beside a name.
    for k in 0..run.len() {
        if run[k].case == Case::Letter && flag[from + k].is_some() {
            let next_named = k + 1 < run.len() && flag[from + k + 1].is_some();
            if !next_named {
                flag[from + k] = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glossary::Term;

    fn g(pairs: &[(&str, &str)]) -> Glossary {
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

    fn names(glossary: &Glossary, text: &str) -> Vec<String> {
        find_suspects(glossary, &[text])
            .remove(0)
            .into_iter()
            .map(|s| s.matched)
            .collect()
    }

    #[test]
    fn titles_relations_and_capitals() {
        let none = g(&[]);
        assert_eq!(
            names(&none, "Mrs Begum attended with Dr J Patel."),
            ["Mrs Begum", "Dr J Patel"]
        );
        assert_eq!(
            names(&none, "Seen with Jo (mother) and Dean, stepfather."),
            ["Jo", "Dean"]
        );
        assert_eq!(names(&none, "Her brother Kyle was present."), ["Kyle"]);
        assert_eq!(
            names(
                &none,
                "The Health Visitor and the Social Worker met at Oakfield Primary School in March."
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            names(&none, "Strategy Meeting held; seen at St Mary's Hospital."),
            Vec::<String>::new()
        );
        assert_eq!(names(&none, "Baby Smith was weighed."), ["Smith"]);
        assert_eq!(names(&none, "spoke to kayleigh on the phone"), ["kayleigh"]);
    }

    #[test]
    fn glossary_text_and_replacements_are_left() {
        let gl = g(&[("Jane Smith", "Mother"), ("Lily", "Child A")]);
        assert_eq!(
            names(&gl, "Jane Smith brought Lily to clinic; Child A well."),
            Vec::<String>::new()
        );
        assert_eq!(
            names(&gl, "Mother and Child A seen by Kwame Mensah."),
            ["Kwame Mensah"]
        );
    }

    #[test]
    fn names_found_once_count_everywhere() {
        let none = g(&[]);
        let s = find_suspects(
            &none,
            &[
                "Seen with Tyrese (brother).",
                "tyrese absent. Tyrese ran off.",
            ],
        );
        assert_eq!(s[1].len(), 2);
    }

    #[test]
    fn references_and_known_words_are_not_initials() {
        let none = g(&[]);
        assert_eq!(names(&none, "POL-1 HLT 3: seen"), Vec::<String>::new());
        let s = find_suspects_with(&none, &["NGH", "Northgate General"], &["NGH said JS left"]);
        let found: Vec<&str> = s[0].iter().map(|x| x.matched.as_str()).collect();
        assert_eq!(found, ["JS"]);
    }

    #[test]
    fn identifiers_are_suspects_too() {
        let s = find_suspects(&g(&[]), &["Lives at L1 8JQ, call 07700 900123."]);
        let kinds: Vec<_> = s[0].iter().map(|x| x.kind).collect();
        assert_eq!(kinds, [SuspectKind::Postcode, SuspectKind::PhoneNumber]);
    }

    #[test]
    fn long_text_is_quick() {
        let text = "Mother said Dean Smith visited Oakfield School. ".repeat(2000);
        let t = std::time::Instant::now();
        let s = find_suspects(&g(&[]), &[&text]);
        assert!(!s[0].is_empty());
        assert!(t.elapsed().as_secs() < 2);
    }
}
