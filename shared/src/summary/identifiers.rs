//! The publication gate: before a learning summary goes on the public pages its text is
//! checked for anything that could identify the child or family, and publishing is refused
//! while any remain.
//!
//! Two checks together:
//! - the review's glossary: every real name or identifier it holds (see
//!   [`crate::glossary`]);
//! - detectors for identifiers nobody thought to put in the glossary: dates of birth, NHS
//!   numbers, postcodes and phone numbers (the rules are on each detector below).
//!
//! The detectors lean towards flagging: the business office reads each hit and rewrites the
//! text, so a false alarm costs a moment while a miss puts a child's details online. They
//! leave alone what the template itself asks for, though: a month and year ("March 2016"),
//! a year, a count, a review reference ("SCR-2016-03").
//!
//! Offsets are byte offsets into the text and always fall on character boundaries.

use super::template::SummaryField;
use crate::glossary::Glossary;
use crate::reviews::vocabulary::vocabulary;
use crate::validation::Problems;
use serde::{Deserialize, Serialize};

vocabulary! {
    /// What the gate found.
    IdentifierKind {
        DateOfBirth => ("DATE_OF_BIRTH", "Date of birth"),
        NhsNumber => ("NHS_NUMBER", "NHS number"),
        Postcode => ("POSTCODE", "Postcode"),
        PhoneNumber => ("PHONE_NUMBER", "Phone number"),
        Name => ("NAME", "Name or identifier in the review's glossary"),
    }
}

/// One identifier found in a text, left as written (the business office needs to see it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentifierHit {
    pub kind: IdentifierKind,
    /// Byte offset where it starts.
    pub start: usize,
    /// Byte offset just after it.
    pub end: usize,
    /// The text found, exactly as written.
    pub matched: String,
    /// For a glossary hit, the index of the term in [`Glossary::terms`] (whose replacement
    /// is the fix to offer).
    pub term: Option<usize>,
}

impl IdentifierHit {
    fn new(text: &str, kind: IdentifierKind, start: usize, end: usize) -> Self {
        Self {
            kind,
            start,
            end,
            matched: text[start..end].to_string(),
            term: None,
        }
    }

    /// The hit with up to `around` characters either side of it, to show where it is.
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

/// Everything the detectors find in a text (dates of birth, NHS numbers, postcodes, phone
/// numbers; not the glossary, see [`gate`]), left to right, never overlapping.
pub fn find_identifiers(text: &str) -> Vec<IdentifierHit> {
    let bytes = text.as_bytes();
    let mut nhs = Vec::new();
    let mut others = Vec::new();
    for (i, &b) in bytes.iter().enumerate() {
        // Every identifier starts with an ASCII character (always a character boundary)
        // that begins a word.
        if !b.is_ascii() || !starts_word(text, i) {
            continue;
        }
        if let Some(end) = nhs_number_at(text, i) {
            nhs.push(IdentifierHit::new(text, IdentifierKind::NhsNumber, i, end));
        }
        if let Some((start, end)) = phone_number_at(text, i) {
            others.push(IdentifierHit::new(
                text,
                IdentifierKind::PhoneNumber,
                start,
                end,
            ));
        }
        if let Some(end) = postcode_at(text, i) {
            others.push(IdentifierHit::new(text, IdentifierKind::Postcode, i, end));
        }
        if let Some(end) = date_of_birth_at(text, i) {
            others.push(IdentifierHit::new(
                text,
                IdentifierKind::DateOfBirth,
                i,
                end,
            ));
        }
    }
    // An NHS number (valid check digit) is never reported a second time as a phone number.
    others.retain(|h| h.kind != IdentifierKind::PhoneNumber || !nhs.iter().any(|n| overlap(n, h)));
    nhs.append(&mut others);
    without_overlaps(nhs)
}

/// The publication gate on one text: the glossary's real names and identifiers and
/// everything [`find_identifiers`] finds, left to right, never overlapping (where a
/// glossary term and a detector find the same text, it is reported once, as the glossary
/// term).
pub fn gate(glossary: &Glossary, text: &str) -> Vec<IdentifierHit> {
    let mut hits: Vec<IdentifierHit> = glossary
        .find(text)
        .into_iter()
        .map(|h| IdentifierHit {
            term: Some(h.term),
            ..IdentifierHit::new(text, IdentifierKind::Name, h.start, h.end)
        })
        .collect();
    hits.extend(find_identifiers(text));
    without_overlaps(hits)
}

/// The gate on a whole summary: one problem per identifier left, naming the field (by its
/// key) and quoting what was found. Publishing is refused unless this is `Ok`.
pub fn check_publication<'a>(
    glossary: &Glossary,
    fields: impl IntoIterator<Item = (SummaryField, &'a str)>,
) -> Result<(), Problems> {
    let mut p = Problems::new();
    for (field, text) in fields {
        for hit in gate(glossary, text) {
            let message = match hit.term.and_then(|t| glossary.terms().get(t)) {
                Some(term) => format!(
                    "still names \"{}\" from the review's glossary: write \"{}\" instead",
                    hit.matched, term.replacement
                ),
                None => format!(
                    "contains what looks like {}: \"{}\"",
                    a_kind(hit.kind),
                    hit.matched
                ),
            };
            p.push(field.key(), message);
        }
    }
    p.into_result()
}

/// The kind as a message names it.
fn a_kind(kind: IdentifierKind) -> &'static str {
    match kind {
        IdentifierKind::DateOfBirth => "a date of birth",
        IdentifierKind::NhsNumber => "an NHS number",
        IdentifierKind::Postcode => "a postcode",
        IdentifierKind::PhoneNumber => "a phone number",
        IdentifierKind::Name => "a name or identifier in the review's glossary",
    }
}

fn overlap(a: &IdentifierHit, b: &IdentifierHit) -> bool {
    a.start < b.end && b.start < a.end
}

/// Which of two hits on the same text is reported.
fn precedence(kind: IdentifierKind) -> u8 {
    match kind {
        IdentifierKind::Name => 0,
        IdentifierKind::NhsNumber => 1,
        IdentifierKind::DateOfBirth => 2,
        IdentifierKind::PhoneNumber => 3,
        IdentifierKind::Postcode => 4,
    }
}

/// Sorted by offset; where hits overlap the one starting first wins, then the longest,
/// then by [`precedence`].
fn without_overlaps(mut hits: Vec<IdentifierHit>) -> Vec<IdentifierHit> {
    hits.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.end.cmp(&a.end))
            .then(precedence(a.kind).cmp(&precedence(b.kind)))
    });
    let mut kept: Vec<IdentifierHit> = Vec::with_capacity(hits.len());
    for hit in hits {
        if kept.last().is_none_or(|k| hit.start >= k.end) {
            kept.push(hit);
        }
    }
    kept
}

// ---- Small scanners. Positions are byte offsets of ASCII characters (or the end of the
// text), so every one of them is a character boundary.

fn starts_word(text: &str, i: usize) -> bool {
    text[..i]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric())
}

fn ends_word(text: &str, i: usize) -> bool {
    text[i..]
        .chars()
        .next()
        .is_none_or(|c| !c.is_alphanumeric())
}

/// The end of the run of ASCII digits starting at `i`.
fn digit_run(b: &[u8], i: usize) -> usize {
    i + b[i.min(b.len())..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count()
}

/// The end of the run of ASCII letters starting at `i`.
fn letter_run(b: &[u8], i: usize) -> usize {
    i + b[i.min(b.len())..]
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count()
}

/// The end of the run of ASCII letters and digits starting at `i`.
fn alnum_run(b: &[u8], i: usize) -> usize {
    i + b[i.min(b.len())..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count()
}

/// The value of a short run of ASCII digits.
fn value(digits: &[u8]) -> u32 {
    digits.iter().fold(0, |n, d| {
        n.saturating_mul(10).saturating_add(u32::from(d - b'0'))
    })
}

/// The end of one to three spaces or tabs at `i`.
fn spaces(b: &[u8], i: usize) -> Option<usize> {
    let n = b[i.min(b.len())..]
        .iter()
        .take_while(|c| matches!(c, b' ' | b'\t'))
        .count();
    (1..=3).contains(&n).then_some(i + n)
}

// ---- NHS numbers

/// An NHS number at `i`: ten digits, written together ("9434765919") or grouped 3-3-4 with
/// spaces or hyphens ("943 476 5919", "943-476-5919"), whose last digit is the right
/// modulus 11 check digit for the other nine. Ten digits together are flagged only when
/// the check digit is right: a reference or an account number has no check digit, and about
/// one in eleven would pass by chance, which is an acceptable false alarm. A number starting
/// with 0 is never an NHS number (it is read as a phone number instead).
fn nhs_number_at(text: &str, i: usize) -> Option<usize> {
    let b = text.as_bytes();
    if !b[i].is_ascii_digit() || b[i] == b'0' {
        return None;
    }
    let first = digit_run(b, i);
    let mut digits: Vec<u8> = b[i..first].to_vec();
    let end = match first - i {
        10 => first,
        3 => {
            let mut at = first;
            for len in [3, 4] {
                if !matches!(b.get(at), Some(b' ' | b'-')) {
                    return None;
                }
                let run = digit_run(b, at + 1);
                if run - (at + 1) != len {
                    return None;
                }
                digits.extend_from_slice(&b[at + 1..run]);
                at = run;
            }
            at
        }
        _ => return None,
    };
    (ends_word(text, end) && nhs_check_digit_ok(&digits)).then_some(end)
}

/// The NHS number's modulus 11 check: weights 10 down to 2 on the first nine digits; 11
/// less the remainder of the sum divided by 11 is the check digit (11 counts as 0, and 10
/// means the number cannot exist).
fn nhs_check_digit_ok(digits: &[u8]) -> bool {
    if digits.len() != 10 {
        return false;
    }
    let sum: u32 = digits[..9]
        .iter()
        .zip((2..=10).rev())
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return false,
        c => c,
    };
    u32::from(digits[9] - b'0') == check
}

// ---- Phone numbers

/// A UK phone number at `i`, as (start, end): a mobile (07...) or a landline (01..., 02...,
/// 03...) of 10 or 11 digits with its leading 0, or the same after +44 (with or without a
/// "(0)"). Groups of digits may be separated by a space, a hyphen or brackets ("07700
/// 900123", "(020) 7946 0958", "+44 (0)161 496 0000"). Written nationally, the first group
/// holds at least three digits (an area code never has fewer), so "01 02 2016 03" is not a
/// phone number. Numbers from 08 and 09 (freephone, premium) are not personal and are left.
/// When more groups follow, the longest run of groups that makes a phone number is taken
/// ("07700 900123 2016" ends before the year).
fn phone_number_at(text: &str, i: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let plus = b[i] == b'+';
    let mut at = i;
    match b[i] {
        b'+' => {
            at += 1;
            if b.get(at) != Some(&b'4') {
                return None;
            }
        }
        b'(' => at += 1,
        b'0' => {}
        _ => return None,
    }
    let mut digits: Vec<u8> = Vec::new();
    let mut first_group = 0;
    let mut best = None;
    loop {
        let run = digit_run(b, at);
        if run == at {
            break;
        }
        if digits.is_empty() {
            first_group = run - at;
        }
        digits.extend_from_slice(&b[at..run]);
        if digits.len() > 13 {
            break;
        }
        if ends_word(text, run) && phone_digits_ok(plus, &digits, first_group) {
            best = Some(run);
        }
        // Between groups: one to three spaces, hyphens and brackets, at most one of each
        // bracket.
        let sep = b[run..]
            .iter()
            .take_while(|c| matches!(c, b' ' | b'-' | b'(' | b')'))
            .take(4)
            .collect::<Vec<_>>();
        let opens = sep.iter().filter(|c| ***c == b'(').count();
        let closes = sep.iter().filter(|c| ***c == b')').count();
        if sep.is_empty() || sep.len() > 3 || opens > 1 || closes > 1 {
            break;
        }
        at = run + sep.len();
    }
    let end = best?;
    // "(07700 900123)": the opening bracket is not part of the number when it never closes.
    let start = if b[i] == b'(' && !text[i..end].contains(')') {
        i + 1
    } else {
        i
    };
    Some((start, end))
}

fn phone_digits_ok(plus: bool, digits: &[u8], first_group: usize) -> bool {
    if plus {
        let Some(rest) = digits.strip_prefix(b"44") else {
            return false;
        };
        uk_significant_ok(rest.strip_prefix(b"0").unwrap_or(rest))
    } else {
        digits.first() == Some(&b'0') && first_group >= 3 && uk_significant_ok(&digits[1..])
    }
}

/// The number after its leading 0: mobiles (7) and 02/03 numbers have ten digits, 01
/// numbers nine or ten.
fn uk_significant_ok(n: &[u8]) -> bool {
    match n.first() {
        Some(b'1') => matches!(n.len(), 9 | 10),
        Some(b'2' | b'3' | b'7') => n.len() == 10,
        _ => false,
    }
}

// ---- Postcodes

/// A full UK postcode at `i`, any case, with or without the space: an outward code (A9,
/// A99, A9A, AA9, AA99 or AA9A: "M1", "B33", "W1A", "CR2", "DN55", "SW1A") and an inward
/// code (9AA: "1AA"), with the letters each position may hold (so "B33 8CI" is not one).
/// An outward code alone ("the M1", "LS1") is a district, not an address, and is left.
fn postcode_at(text: &str, i: usize) -> Option<usize> {
    let b = text.as_bytes();
    if !b[i].is_ascii_alphabetic() {
        return None;
    }
    let end = alnum_run(b, i);
    let word = &b[i..end];
    if (5..=7).contains(&word.len()) && ends_word(text, end) {
        let (outward, inward) = word.split_at(word.len() - 3);
        return postcode_ok(outward, inward).then_some(end);
    }
    if (2..=4).contains(&word.len()) && b.get(end) == Some(&b' ') {
        let inward_end = alnum_run(b, end + 1);
        let inward = &b[end + 1..inward_end];
        if inward.len() == 3 && ends_word(text, inward_end) && postcode_ok(word, inward) {
            return Some(inward_end);
        }
    }
    None
}

fn postcode_ok(outward: &[u8], inward: &[u8]) -> bool {
    if outward.eq_ignore_ascii_case(b"GIR") {
        return inward.eq_ignore_ascii_case(b"0AA");
    }
    let inward_ok = inward.len() == 3
        && inward[0].is_ascii_digit()
        && inward[1..]
            .iter()
            .all(|c| c.is_ascii_alphabetic() && !b"CIKMOV".contains(&c.to_ascii_uppercase()));
    inward_ok && outward_ok(outward)
}

fn outward_ok(w: &[u8]) -> bool {
    let u: Vec<u8> = w.iter().map(u8::to_ascii_uppercase).collect();
    let shape: String = u
        .iter()
        .map(|c| match c {
            b'A'..=b'Z' => 'L',
            b'0'..=b'9' => 'D',
            _ => '?',
        })
        .collect();
    let first_ok = !u.is_empty() && !b"QVX".contains(&u[0]);
    let second_ok = || u.len() > 1 && !b"IJZ".contains(&u[1]);
    first_ok
        && match shape.as_str() {
            "LD" | "LDD" => true,
            "LDL" => b"ABCDEFGHJKPSTUW".contains(&u[2]),
            "LLD" | "LLDD" => second_ok(),
            "LLDL" => second_ok() && b"ABEHMNPRVWXY".contains(&u[3]),
            _ => false,
        }
}

// ---- Dates of birth

/// Words that mark a date as a birth date ("date of birth" and "D.O.B." are covered by
/// "birth" and "d.o.b").
const BIRTH_LABELS: &[&str] = &[
    "dob",
    "d.o.b",
    "birth",
    "birthdate",
    "birthday",
    "born",
    "b.",
];

/// How far before a date (in characters) a label marks it as a birth date.
const LABEL_REACH: usize = 30;

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];

/// A date of birth at `i`: a full date, with a day, a month and a year ("12/03/2015",
/// "12-03-2015", "12.3.15", "2015-03-12", "3rd March 2015", "3 Mar 2015", "3rd of March
/// 2015", "March 3, 2015"), with a birth label ("DOB", "D.O.B", "date of birth", "born",
/// "b.") ending within [`LABEL_REACH`] characters before it. A month and year alone
/// ("born in March 2016") is not a date of birth: the template asks for the month and year
/// of the incident, and neither identifies a child. An unlabelled date (the date the review
/// completed) is left too.
fn date_of_birth_at(text: &str, i: usize) -> Option<usize> {
    let end = [
        numeric_date(text, i),
        day_month_year(text, i),
        month_day_year(text, i),
    ]
    .into_iter()
    .flatten()
    .find(|end| ends_word(text, *end))?;
    labelled_as_birth(text, i).then_some(end)
}

fn day_month_ok(day: u32, month: u32) -> bool {
    (1..=31).contains(&day) && (1..=12).contains(&month)
}

/// "12/03/2015", "12-03-15", "12.3.15" (either way round: 03/12/2015 too), "2015-03-12":
/// the same separator twice.
fn numeric_date(text: &str, i: usize) -> Option<usize> {
    let b = text.as_bytes();
    let r1 = digit_run(b, i);
    let sep = *b.get(r1)?;
    if !matches!(sep, b'/' | b'-' | b'.') {
        return None;
    }
    let r2 = digit_run(b, r1 + 1);
    if b.get(r2) != Some(&sep) {
        return None;
    }
    let r3 = digit_run(b, r2 + 1);
    let (p1, p2, p3) = (&b[i..r1], &b[r1 + 1..r2], &b[r2 + 1..r3]);
    let (x, y, z) = (value(p1), value(p2), value(p3));
    let ok = match (p1.len(), p2.len(), p3.len()) {
        (1 | 2, 1 | 2, 2 | 4) => day_month_ok(x, y) || day_month_ok(y, x),
        (4, 1 | 2, 1 | 2) => day_month_ok(z, y),
        _ => false,
    };
    ok.then_some(r3)
}

/// A day: one or two digits (1 to 31), maybe "st", "nd", "rd" or "th" after.
fn day_at(text: &str, i: usize) -> Option<usize> {
    let b = text.as_bytes();
    let run = digit_run(b, i);
    if !(1..=2).contains(&(run - i)) || !(1..=31).contains(&value(&b[i..run])) {
        return None;
    }
    let ordinal = b
        .get(run..run + 2)
        .filter(|s| {
            ["st", "nd", "rd", "th"]
                .iter()
                .any(|o| s.eq_ignore_ascii_case(o.as_bytes()))
        })
        .map_or(0, |_| 2);
    let end = run + ordinal;
    ends_word(text, end).then_some(end)
}

/// A month's name or its short form, maybe with a full stop.
fn month_at(text: &str, i: usize) -> Option<usize> {
    let b = text.as_bytes();
    let end = letter_run(b, i);
    let word = &b[i..end];
    if !ends_word(text, end)
        || !MONTHS
            .iter()
            .any(|m| word.eq_ignore_ascii_case(m.as_bytes()))
    {
        return None;
    }
    Some(if b.get(end) == Some(&b'.') {
        end + 1
    } else {
        end
    })
}

/// Four digits.
fn year_at(b: &[u8], i: usize) -> Option<usize> {
    let run = digit_run(b, i);
    (run - i == 4).then_some(run)
}

fn skip_comma(b: &[u8], i: usize) -> usize {
    if b.get(i) == Some(&b',') {
        i + 1
    } else {
        i
    }
}

/// "3rd March 2015", "3 Mar 2015", "3rd of March, 2015".
fn day_month_year(text: &str, i: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut at = spaces(b, day_at(text, i)?)?;
    if b.get(at..at + 2)
        .is_some_and(|w| w.eq_ignore_ascii_case(b"of"))
    {
        if let Some(after) = spaces(b, at + 2) {
            at = after;
        }
    }
    let at = skip_comma(b, month_at(text, at)?);
    year_at(b, spaces(b, at)?)
}

/// "March 3, 2015", "Mar 3rd 2015".
fn month_day_year(text: &str, i: usize) -> Option<usize> {
    let b = text.as_bytes();
    let at = spaces(b, month_at(text, i)?)?;
    let at = skip_comma(b, day_at(text, at)?);
    year_at(b, spaces(b, at)?)
}

/// Whether a birth label ends within [`LABEL_REACH`] characters before `i`.
fn labelled_as_birth(text: &str, i: usize) -> bool {
    let from = text[..i]
        .char_indices()
        .rev()
        .take(LABEL_REACH)
        .last()
        .map_or(i, |(p, _)| p);
    let b = text.as_bytes();
    (from..i).any(|p| {
        b[p].is_ascii_alphabetic()
            && starts_word(text, p)
            && BIRTH_LABELS.iter().any(|label| {
                let end = p + label.len();
                end <= i
                    && b[p..end].eq_ignore_ascii_case(label.as_bytes())
                    && (label.ends_with('.') || ends_word(text, end))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glossary::Term;
    use proptest::prelude::*;

    fn found(text: &str) -> Vec<(IdentifierKind, &str)> {
        find_identifiers(text)
            .into_iter()
            .map(|h| (h.kind, &text[h.start..h.end]))
            .collect()
    }

    fn only(kind: IdentifierKind, text: &str, expected: &str) {
        assert_eq!(found(text), [(kind, expected)], "in {text:?}");
    }

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

    /// Every hit well formed: inside the text, on character boundaries, quoting the text,
    /// in order, never overlapping.
    fn well_formed(text: &str, hits: &[IdentifierHit]) -> Result<(), String> {
        let mut last_end = 0;
        for h in hits {
            if !(h.start < h.end && h.end <= text.len()) {
                return Err(format!("bad range {h:?}"));
            }
            if !text.is_char_boundary(h.start) || !text.is_char_boundary(h.end) {
                return Err(format!("not on a character boundary {h:?}"));
            }
            if text[h.start..h.end] != h.matched {
                return Err(format!("matched differs {h:?}"));
            }
            if h.start < last_end {
                return Err(format!("overlaps or out of order {h:?}"));
            }
            last_end = h.end;
        }
        Ok(())
    }

    #[test]
    fn kinds_round_trip() {
        for k in IdentifierKind::ALL {
            assert_eq!(IdentifierKind::from_code(k.code()), Some(*k));
        }
        assert_eq!(
            IdentifierKind::from_code("NHS_NUMBER"),
            Some(IdentifierKind::NhsNumber)
        );
    }

    #[test]
    fn the_check_digit() {
        let ok = |s: &str| nhs_check_digit_ok(s.as_bytes());
        assert!(ok("9434765919"));
        assert!(!ok("9434765918"));
        assert!(ok("4010232137"));
        assert!(ok("4857773457"));
        assert!(!ok("4857773456"));
        // 100000001 gives a check digit of 10: no such number, whatever the last digit.
        assert!((0..=9).all(|d| !ok(&format!("100000001{d}"))));
        assert!(!ok("943476591"));
    }

    #[test]
    fn nhs_numbers_block() {
        use IdentifierKind::NhsNumber;
        only(
            NhsNumber,
            "Child A's NHS number 943 476 5919 was on the referral.",
            "943 476 5919",
        );
        only(NhsNumber, "NHS no. 9434765919.", "9434765919");
        only(NhsNumber, "(NHS: 943-476-5919)", "943-476-5919");
        only(
            NhsNumber,
            "The GP record 401 023 2137 showed missed appointments.",
            "401 023 2137",
        );
        assert_eq!(
            found("4857773457, then 401-023 2137"),
            [(NhsNumber, "4857773457"), (NhsNumber, "401-023 2137")],
            "together, or grouped with spaces, hyphens or both"
        );
        assert_eq!(found("943 476 5919 and 401 023 2137").len(), 2);
    }

    #[test]
    fn nhs_numbers_with_a_wrong_check_digit_are_not_nhs_numbers() {
        assert!(found("NHS number 943 476 5918 was on the referral.").is_empty());
        assert!(found("Account 9434765918.").is_empty());
        assert!(found("Reference 1000000010 and 100 000 0015.").is_empty());
    }

    #[test]
    fn ten_digits_must_stand_alone() {
        assert!(found("X9434765919").is_empty());
        assert!(found("94347659190").is_empty(), "eleven digits");
        assert!(found("94 34765919").is_empty(), "not grouped 3-3-4");
        assert!(found("9434 765 919").is_empty());
        assert!(found("943  476 5919").is_empty(), "two spaces");
    }

    #[test]
    fn phone_numbers_block() {
        use IdentifierKind::PhoneNumber;
        for (text, number) in [
            ("Mother's mobile 07700 900123 was off.", "07700 900123"),
            ("Call 07700900123 after school.", "07700900123"),
            ("Her mobile (07700 900 123) was given.", "07700 900 123"),
            ("School office on (020) 7946 0958.", "(020) 7946 0958"),
            ("The ward: 020-7946-0958, ext. 12", "020-7946-0958"),
            ("Reception 0161 496 0000 took the call", "0161 496 0000"),
            ("Reception 01632 960001.", "01632 960001"),
            ("A 10-digit number 016977 4567 in Brampton", "016977 4567"),
            ("Text +447700900123 now", "+447700900123"),
            ("Text +44 7700 900123 now", "+44 7700 900123"),
            ("Ring +44 (0)20 7946 0958 today", "+44 (0)20 7946 0958"),
            ("Ring +44 (0) 161 496 0000 today", "+44 (0) 161 496 0000"),
            ("Helpline 0300 123 4567.", "0300 123 4567"),
        ] {
            only(PhoneNumber, text, number);
        }
    }

    #[test]
    fn a_phone_number_stops_before_a_year() {
        only(
            IdentifierKind::PhoneNumber,
            "Mobile 07700 900123 2016 records",
            "07700 900123",
        );
    }

    #[test]
    fn what_is_not_a_phone_number() {
        for text in [
            "The review met 3 times in 2016 and 2017.",
            "Seen on 01 02 2016 03 by the GP.",
            "07700 90012",
            "077009001234",
            "0800 123 4567",
            "+1 212 555 0100",
            "+44 7700 90012",
            "0470 0900 123",
            "Version 0.7700.900.123",
        ] {
            assert!(found(text).is_empty(), "{text:?} gave {:?}", found(text));
        }
    }

    #[test]
    fn a_valid_nhs_number_is_not_also_a_phone_number() {
        // Ten digits with a valid check digit: an NHS number, once.
        assert_eq!(
            found("NHS 9434765919"),
            [(IdentifierKind::NhsNumber, "9434765919")]
        );
        // A phone-shaped run that swallows an NHS number gives way to it.
        let hits = found("07700 943 476 5919");
        assert!(hits.contains(&(IdentifierKind::NhsNumber, "943 476 5919")));
        assert!(hits.iter().all(|(k, _)| *k != IdentifierKind::PhoneNumber));
        // Starting with 0, a valid check digit does not make an NHS number: it is a phone.
        only(
            IdentifierKind::PhoneNumber,
            "Landline 0123456789 only",
            "0123456789",
        );
    }

    #[test]
    fn postcodes_block() {
        use IdentifierKind::Postcode;
        for (text, postcode) in [
            ("The family moved to SW1A 1AA in 2015.", "SW1A 1AA"),
            ("A flat in M1 1AE, above a shop", "M1 1AE"),
            ("Their address (B33 8TH) was known to police", "B33 8TH"),
            ("Registered at CR2 6XH.", "CR2 6XH"),
            ("Grandmother lives near DN55 1PT", "DN55 1PT"),
            ("a hostel at w1a 0ax", "w1a 0ax"),
            ("Moved to ec1a1bb last spring", "ec1a1bb"),
            ("Post to LS1 4AB;", "LS1 4AB"),
            ("Postcode: b338th", "b338th"),
            ("Girobank GIR 0AA", "GIR 0AA"),
        ] {
            only(Postcode, text, postcode);
        }
    }

    #[test]
    fn what_is_not_a_postcode() {
        for text in [
            "They lived in the M1 area and later LS1.",
            "Schools in B33 and SW1A raised concerns",
            "B33 8CI is not a postcode (C and I are never in an inward code)",
            "QA1 1AA starts with Q",
            "SW1A 1AAX continues",
            "SW1A  1AA has two spaces",
            "reference SCR-2016-03",
            "Year 10 pupils; A12 road",
        ] {
            assert!(found(text).is_empty(), "{text:?} gave {:?}", found(text));
        }
    }

    #[test]
    fn dates_of_birth_block() {
        use IdentifierKind::DateOfBirth;
        for (text, date) in [
            ("Child A (DOB 12/03/2015) was seen", "12/03/2015"),
            ("D.O.B: 12-03-2015.", "12-03-2015"),
            ("d.o.b. 12.3.15", "12.3.15"),
            ("Her date of birth is 12/03/15, and", "12/03/15"),
            (
                "Child B was born on 3rd March 2015 at home.",
                "3rd March 2015",
            ),
            ("He was born 3 Mar 2015", "3 Mar 2015"),
            ("Sibling (b. March 3, 2015) attended", "March 3, 2015"),
            ("date of birth: 2015-03-12", "2015-03-12"),
            ("born on the 3rd of March 2015", "3rd of March 2015"),
            ("Born: Sept. 21st, 2014", "Sept. 21st, 2014"),
            ("birthday 21 September 2014", "21 September 2014"),
            ("DOB 03/25/2015 (written month first)", "03/25/2015"),
        ] {
            only(DateOfBirth, text, date);
        }
    }

    #[test]
    fn other_dates_pass() {
        for text in [
            "Child A was born in March 2016.",
            "The review was completed on 12/03/2017.",
            "On 3rd March 2015 the school raised concerns.",
            "Born and raised locally, the family first met services on 3 March 2015.",
            "DOB 32/13/2015",
            "born 12/03/2015x",
            "born 12/03-2015",
            "born 1/2/345",
            "Sadly born into neglect, they moved; by 3 March 2015",
            "newborn checks on 3 March 2015",
        ] {
            assert!(found(text).is_empty(), "{text:?} gave {:?}", found(text));
        }
    }

    #[test]
    fn the_label_must_be_close() {
        let near = "born (as the records show) 12/03/2015";
        only(IdentifierKind::DateOfBirth, near, "12/03/2015");
        let far = "born, as the health visitor's records all show, 12/03/2015";
        assert!(found(far).is_empty());
    }

    #[test]
    fn clean_summary_text_passes() {
        let text = "In March 2016 the school raised concerns; 14 agencies took part; the review \
             met 3 times in 2017; reference SCR-2016-03. The review used the SCIE Learning \
             Together model, chaired by the independent chair and authored by two lead \
             reviewers. Cases were selected by the Quality and Audit subgroup. Date completed: \
             12/03/2018. Month/year of incident: June 2015. Key learning: professionals did not \
             share what they knew; 3 of 5 referrals were closed within 10 days; the GP saw \
             Child A 6 times between 2014 and 2016. Actions 1-12 are owned by the partnership \
             and audited at 3, 6 and 12 months. Child A's family moved to the M1 area in 2016.";
        assert_eq!(found(text), []);
        assert!(gate(&glossary(&[("Lily", "Child A")]), text).is_empty());
    }

    #[test]
    fn several_kinds_in_one_text_come_left_to_right() {
        let text = "Lily (DOB 12/03/2015, NHS 943 476 5919) lived at B33 8TH; mum's mobile \
                    07700 900123.";
        let kinds: Vec<IdentifierKind> = find_identifiers(text).iter().map(|h| h.kind).collect();
        assert_eq!(
            kinds,
            [
                IdentifierKind::DateOfBirth,
                IdentifierKind::NhsNumber,
                IdentifierKind::Postcode,
                IdentifierKind::PhoneNumber,
            ]
        );
        let g = glossary(&[("Lily", "Child A")]);
        let hits = gate(&g, text);
        assert_eq!(hits.len(), 5);
        assert_eq!(hits[0].kind, IdentifierKind::Name);
        assert_eq!(hits[0].matched, "Lily");
        assert_eq!(hits[0].term, Some(0));
        assert!(hits[1..].iter().all(|h| h.term.is_none()));
        well_formed(text, &hits).unwrap();
    }

    #[test]
    fn multibyte_text_around_hits() {
        let text = "Zoë Øster’s DOB 12/03/2015 — née “Łucja”, at SW1A 1AA ✓; \
                    mobile 07700 900123 ☎, NHS 943 476 5919 — 完了";
        let hits = find_identifiers(text);
        well_formed(text, &hits).unwrap();
        let matched: Vec<&str> = hits.iter().map(|h| h.matched.as_str()).collect();
        assert_eq!(
            matched,
            ["12/03/2015", "SW1A 1AA", "07700 900123", "943 476 5919"]
        );
        let g = glossary(&[("Zoë Øster", "Child B"), ("Łucja", "Mother")]);
        let hits = gate(&g, text);
        well_formed(text, &hits).unwrap();
        assert_eq!(hits.len(), 6);
        assert_eq!(hits[0].matched, "Zoë Øster");
        assert_eq!(hits[2].matched, "Łucja");
        assert_eq!(
            hits[1].excerpt(text, 7),
            "’s DOB 12/03/2015 — née ",
            "excerpts count characters"
        );
    }

    #[test]
    fn letters_glued_to_an_identifier_make_another_word() {
        assert!(found("ØSW1A 1AA").is_empty());
        assert!(found("SW1A 1AAé").is_empty());
        assert!(found("é9434765919").is_empty());
        assert!(found("07700 900123ü").is_empty());
        only(IdentifierKind::Postcode, "—SW1A 1AA—", "SW1A 1AA");
    }

    #[test]
    fn a_glossary_term_and_a_detector_on_the_same_text_report_it_once() {
        let g = glossary(&[("943 476 5919", "[NHS number]"), ("B33 8TH", "[address]")]);
        let text = "NHS 943 476 5919 at B33 8TH";
        let hits = gate(&g, text);
        assert_eq!(hits.len(), 2);
        assert!(hits.iter().all(|h| h.kind == IdentifierKind::Name));
        // A longer glossary term covering a detector's hit wins as well.
        let g = glossary(&[("Flat 2, B33 8TH", "[address]")]);
        let hits = gate(&g, "at Flat 2, B33 8TH.");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].matched, "Flat 2, B33 8TH");
    }

    #[test]
    fn an_empty_glossary_still_runs_the_detectors() {
        let hits = gate(&Glossary::default(), "Post to LS1 4AB");
        assert_eq!(hits.len(), 1);
        assert!(gate(&Glossary::default(), "").is_empty());
    }

    #[test]
    fn excerpts_stop_at_the_ends_of_the_text() {
        let text = "LS1 4AB";
        let hit = &find_identifiers(text)[0];
        assert_eq!(hit.excerpt(text, 40), "LS1 4AB");
        assert_eq!(hit.excerpt(text, 0), "LS1 4AB");
        let text = "Moved to LS1 4AB in May";
        let hit = &find_identifiers(text)[0];
        assert_eq!(hit.excerpt(text, 3), "to LS1 4AB in");
    }

    #[test]
    fn publication_names_each_field_and_what_is_left() {
        let g = glossary(&[("Jane Smith", "Mother")]);
        let clean = [
            (SummaryField::IncidentMonth, "March 2016"),
            (
                SummaryField::CaseLearning,
                "Mother was not asked about the father.",
            ),
        ];
        assert_eq!(check_publication(&g, clean), Ok(()));
        let p = check_publication(
            &g,
            [
                (SummaryField::IncidentMonth, "March 2016"),
                (
                    SummaryField::CaseLearning,
                    "Jane Smith (DOB 12/03/1990) was not asked.",
                ),
                (SummaryField::OtherComments, "Contact NHS 943 476 5919."),
            ],
        )
        .unwrap_err();
        let listed: Vec<(&str, &str)> =
            p.0.iter()
                .map(|p| (p.field.as_str(), p.message.as_str()))
                .collect();
        assert_eq!(
            listed,
            [
                (
                    "caseLearning",
                    "still names \"Jane Smith\" from the review's glossary: write \"Mother\" instead"
                ),
                (
                    "caseLearning",
                    "contains what looks like a date of birth: \"12/03/1990\""
                ),
                (
                    "otherComments",
                    "contains what looks like an NHS number: \"943 476 5919\""
                ),
            ]
        );
    }

    #[test]
    fn the_longest_field_is_scanned_quickly() {
        let text =
            "born 1/1/15 0 0 0 0 07700 900 1 +44 (0) b. 3rd of Mar 2015, SW1A 1AA ".repeat(300);
        assert!(text.len() > crate::summary::template::MAX_LONG);
        let started = std::time::Instant::now();
        let hits = gate(&glossary(&[("Lily", "Child A")]), &text);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        well_formed(&text, &hits).unwrap();
        assert_eq!(hits.len(), 3 * 300);
    }

    /// Pieces that make identifiers, near misses and multibyte characters when strung
    /// together at random.
    const PIECES: &[&str] = &[
        "943", "476", "5919", "0", "07700", "900123", "+44", "(0)", "(", ")", " ", "  ", "-", "/",
        ".", ",", "12", "3", "2015", "DOB ", "born ", "b.", "March", "Mar.", "3rd", "of", "SW1A",
        "1AA", "B33", "8TH", "GIR", "0AA", "é", "Ø", "—", "完", "☎", "\n", "\t", "x",
    ];

    proptest! {
        #[test]
        fn never_panics_on_any_text(text in any::<String>()) {
            let hits = find_identifiers(&text);
            prop_assert!(well_formed(&text, &hits).is_ok(), "{:?}", well_formed(&text, &hits));
        }

        #[test]
        fn never_panics_on_near_misses(
            parts in proptest::collection::vec(proptest::sample::select(PIECES), 0..40)
        ) {
            let text: String = parts.concat();
            let hits = find_identifiers(&text);
            prop_assert!(well_formed(&text, &hits).is_ok(), "{:?}", well_formed(&text, &hits));
            let g = glossary(&[("Zoë", "Child B"), ("1AA", "[x]")]);
            let hits = gate(&g, &text);
            prop_assert!(well_formed(&text, &hits).is_ok(), "{:?}", well_formed(&text, &hits));
            for h in &hits {
                let e = h.excerpt(&text, 7);
                prop_assert!(e.contains(h.matched.as_str()));
            }
        }
    }
}
