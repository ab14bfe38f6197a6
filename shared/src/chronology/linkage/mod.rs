//! Probable duplicates as record linkage, and the confirmation of information sharing.
//!
//! **Reading the entries.** Each text is split into words (lower case), abbreviations are
//! expanded (`ICPC` is "initial child protection conference", `A&E` is "emergency
//! department"), stop words are dropped and the rest stemmed (Snowball English), all by
//! the data in `merge_vocabulary.txt`. From the words come: a TF-IDF vector over the
//! review's entries (a word few entries use weighs more than one most use); the agencies
//! and roles the text names; whether it records receiving information; and, with the event
//! type, the event kind (a strategy discussion, an ICPC, a core group, ...). The type decides
//! the kind; the text only makes a general type ("Meeting", none) more precise.
//!
//! **Candidates** (blocking; never all pairs). Entries of different agencies whose dates
//! meet: exact dates on the same day or a day apart (a meeting is often typed up the next
//! morning), if their event kinds are not different or they share an uncommon word (one
//! at most a twentieth of the entries, or ten, use); an entry dated only to the month or
//! year meets the entries of its period that share an uncommon word with it or are of its
//! event kind (if the period has at most 30 of that kind). A sender's record of sharing
//! with an agency and that agency's record are not candidates (they are sharing, not one
//! event), unless both are records of a joint event (a meeting or joint visit).
//!
//! **Comparison.** Each candidate pair gets a level on five signals: date (same day, a day
//! apart, within an imprecise period), start time (within 15 minutes, an hour, three hours,
//! further; missing is neither for nor against), event kind (the same, compatible: one the
//! general kind of the other, different; unknown is neutral), text (cosine of the TF-IDF
//! vectors in five bands) and the agencies and roles they have in common (the entry's own
//! agency and those it names; neutral when neither names any).
//!
//! **Scoring** (Fellegi-Sunter, as Splink does). A pair's match weight is
//! `log2(λ/(1-λ)) + Σ log2(m/u)` over its levels, where `m` is how often a level occurs in
//! true duplicates and `u` in other candidate pairs. Both, and the share λ of duplicates
//! among candidates, are estimated per review by expectation-maximisation on the review's
//! own candidate pairs, starting from the documented priors ([`PRIORS`]) and smoothed
//! towards them with the weight of [`PRIOR_PAIRS`] pairs, so that a small review keeps
//! close to the priors (a review with fewer than [`MIN_PAIRS_TO_TRAIN`] candidate pairs
//! uses the priors as they are). Pairs a reviewer confirmed or rejected count as known
//! duplicates or non-duplicates in that estimate. **The threshold**: a pair is a probable
//! duplicate when its match probability is at least one half (weight ≥ 0).
//!
//! A day and an hour in common are not an event in common: a pair is proposed only if it
//! also shares some words (cosine ≥ 0.05) or both are records of a joint event (a meeting,
//! a visit) of one kind.
//!
//! **Grouping.** Pairs join in order of weight, strongest first, into groups with one
//! entry per agency; two groups join only if they are cohesive: over every pair across them
//! (0 for pairs that are not candidates) the mean match probability is at least one half,
//! at least half of them are likely (probability ≥ 1/2), and none was rejected. So a bridging entry does not chain two events.
//! Confirmed pairs are joined first and a confirmed group takes no other entry.

use super::dates::Precision;
use super::merge::{AgencyKey, Entry, MergeSettings};
use chrono::{Datelike, NaiveDate};
use rust_stemmers::{Algorithm, Stemmer};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

mod fast;

/// The vocabulary the merge reads texts with (see the file's head for its lines).
pub const VOCABULARY: &str = include_str!("../merge_vocabulary.txt");

/// Why a group of entries is a probable duplicate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicateEvidence {
    /// The reasons in words: "same day; 14:00 and 14:30; both a child protection
    /// conference; 4 shared uncommon words (scald, forearm, tea, dressings)".
    pub reasons: Vec<String>,
    /// The mean match weight (log2 of the odds) of the group's pairs.
    pub score: f32,
    /// The lowest match probability of a pair of the group (0 to 1).
    pub probability: f32,
    /// Whether a reviewer confirmed the group's pairs.
    pub confirmed: bool,
}

impl DuplicateEvidence {
    /// The reasons in one line.
    pub fn summary(&self) -> String {
        self.reasons.join("; ")
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Hashing of keys that are hashes already: one multiplication.
#[derive(Default)]
struct Mixed(u64);

impl Hasher for Mixed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(FNV_PRIME);
        }
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = (x ^ self.0).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// Fast hashing of short strings (FNV-1a).
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "in", "on", "at", "for", "with", "as", "is", "was",
    "were", "be", "been", "being", "has", "had", "have", "he", "she", "it", "his", "her", "hers",
    "him", "they", "them", "their", "we", "our", "us", "i", "me", "my", "you", "your", "this",
    "that", "these", "those", "there", "here", "who", "whom", "which", "what", "when", "where",
    "why", "how", "about", "into", "after", "before", "also", "then", "will", "would", "could",
    "should", "can", "may", "might", "must", "shall", "do", "does", "did", "not", "no", "but",
    "if", "so", "than", "too", "very", "its", "are", "am", "all", "any", "both", "each", "more",
    "most", "other", "some", "such", "only", "own", "same", "just", "again", "once", "up", "out",
    "off", "per", "via", "re", "s", "said", "says", "say", "she's", "he's", "now", "still",
    "being",
];

/// Each byte of a word in lower case (letters, digits, '&'), 0 for any other byte: one look-up
/// per byte of a text.
const WORD_BYTES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || c == b'&' {
            table[b] = c.to_ascii_lowercase();
        }
        b += 1;
    }
    table
};

/// Words kept for the vocabulary's phrases ("letter from", "referral to") but left out of
/// the comparison of texts.
const FUNCTION_WORDS: &[&str] = &["to", "from", "by"];

/// A kind of event, from the vocabulary.
struct Kind {
    label: String,
    /// Bit i set: kind i is this kind or one of its ancestors.
    lineage: u128,
    /// A record of a joint event (a meeting or a visit): its attendees' records of it can
    /// be duplicates even when one says it shared with the other.
    joint: bool,
    communication: bool,
    /// Other kinds descend from it, and it is not a message: a text may say more.
    general: bool,
}

/// Phrases (as word-id sequences) and what they name, found longest first.
#[derive(Default)]
struct Phrases {
    /// Per first word id: the phrases starting with it (rest of the words, tag), longest
    /// first.
    by_first: Vec<Vec<(Vec<u32>, u16)>>,
}

impl Phrases {
    fn add(&mut self, words: &[u32], tag: u16) {
        let Some((&first, rest)) = words.split_first() else {
            return;
        };
        let first = first as usize;
        if self.by_first.len() <= first {
            self.by_first.resize_with(first + 1, Vec::new);
        }
        let list = &mut self.by_first[first];
        if !list.iter().any(|(r, _)| r == rest) {
            list.push((rest.to_vec(), tag));
            list.sort_by_key(|(r, _)| std::cmp::Reverse(r.len()));
        }
    }

    /// Calls `found(position, tag, length)` for each phrase in `words`, left to right,
    /// longest first, not overlapping.
    fn scan(&self, words: &[u32], mut found: impl FnMut(usize, u16, usize)) {
        let mut i = 0;
        while i < words.len() {
            let mut step = 1;
            if let Some(list) = self.by_first.get(words[i] as usize) {
                for (rest, tag) in list {
                    // (Compared word by word: the phrases are short, a call to compare
                    // memory costs more.)
                    let after = &words[i + 1..];
                    if after.len() >= rest.len() && rest.iter().zip(after).all(|(x, y)| x == y) {
                        found(i, *tag, rest.len() + 1);
                        step = rest.len() + 1;
                        break;
                    }
                }
            }
            i += step;
        }
    }
}

/// The words of the review: stems by id, with the vocabulary's phrases in ids.
struct Lexicon {
    stemmer: Stemmer,
    stop: HashSet<&'static str>,
    abbreviations: HashMap<String, Vec<String>>,
    ids: FnvMap<String, u32>,
    /// A word as written (lower case) to its ids (none for a stop word, several for an
    /// abbreviation).
    cache: FnvMap<String, Vec<u32>>,
    /// The ids of a written word by the hash of its lower-case letters: a range of `hashed`.
    by_hash: HashMap<u64, (u32, u32), BuildHasherDefault<Mixed>>,
    hashed: Vec<u32>,
    /// The first spelling seen of each id, to show in evidence (empty for a number).
    shown: Vec<String>,
    numbers: FnvMap<u64, u32>,
    /// The value of each id that is a number (the vector may be shorter).
    number_shown: Vec<Option<u64>>,
    kinds: Vec<Kind>,
    kind_phrases: Phrases,
    parties: Vec<String>,
    party_phrases: Phrases,
    receipt_phrases: Phrases,
    backref_phrases: Phrases,
}

const NO_KIND: u16 = u16::MAX;

impl Lexicon {
    fn new(extra: &str) -> Self {
        let mut lex = Self {
            stemmer: Stemmer::create(Algorithm::English),
            stop: STOP_WORDS.iter().copied().collect(),
            abbreviations: HashMap::new(),
            ids: FnvMap::default(),
            cache: FnvMap::default(),
            shown: Vec::new(),
            by_hash: HashMap::default(),
            hashed: Vec::new(),
            numbers: FnvMap::default(),
            number_shown: Vec::new(),
            kinds: Vec::new(),
            kind_phrases: Phrases::default(),
            parties: Vec::new(),
            party_phrases: Phrases::default(),
            receipt_phrases: Phrases::default(),
            backref_phrases: Phrases::default(),
        };
        let lines: Vec<&str> = VOCABULARY
            .lines()
            .chain(extra.lines())
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        // Abbreviations first: the phrases are read with them.
        for line in &lines {
            if let Some(rest) = line.strip_prefix("abbr ") {
                if let Some((short, long)) = rest.split_once('=') {
                    lex.abbreviations.insert(
                        short.trim().to_lowercase(),
                        long.split_whitespace().map(str::to_lowercase).collect(),
                    );
                }
            }
        }
        let mut kind_keys: Vec<(String, Option<String>)> = Vec::new();
        let mut kind_lines = Vec::new();
        for line in &lines {
            if let Some(rest) = line.strip_prefix("kind ") {
                let mut parts = rest.split('|').map(str::trim);
                let head = parts.next().unwrap_or_default();
                let (key, parent) = match head.split_once('<') {
                    Some((k, p)) => (k.trim().to_owned(), Some(p.trim().to_owned())),
                    None => (head.to_owned(), None),
                };
                let label = parts.next().unwrap_or(&key).to_owned();
                let phrases = parts.next().unwrap_or_default().to_owned();
                let index = kind_keys
                    .iter()
                    .position(|(k, _)| *k == key)
                    .unwrap_or_else(|| {
                        kind_keys.push((key.clone(), parent.clone()));
                        lex.kinds.push(Kind {
                            label: label.clone(),
                            lineage: 0,
                            joint: false,
                            communication: false,
                            general: false,
                        });
                        kind_keys.len() - 1
                    });
                kind_lines.push((index, phrases));
            }
        }
        let kind_count = kind_keys.len().min(128);
        for i in 0..kind_count {
            let mut lineage = 0u128;
            let mut at = Some(i);
            let mut steps = 0;
            while let Some(k) = at.filter(|&k| k < kind_count && steps < 16) {
                lineage |= 1 << k;
                let key = kind_keys[k].0.as_str();
                if key == "meeting" || key == "visit" {
                    lex.kinds[i].joint = true;
                }
                if key == "communication" {
                    lex.kinds[i].communication = true;
                }
                at = kind_keys[k]
                    .1
                    .as_ref()
                    .and_then(|p| kind_keys.iter().position(|(key, _)| key == p));
                steps += 1;
            }
            lex.kinds[i].lineage = lineage;
        }
        for i in 0..kind_count {
            let descended = (0..kind_count).any(|j| j != i && lex.kinds[j].lineage & (1 << i) != 0);
            lex.kinds[i].general = descended && !lex.kinds[i].communication;
        }
        let mut scratch = Vec::new();
        for (index, phrases) in kind_lines {
            if index >= kind_count {
                continue;
            }
            for phrase in phrases.split(';') {
                lex.words_of(phrase, &mut scratch);
                lex.kind_phrases.add(&scratch, index as u16);
            }
        }
        for line in &lines {
            if let Some(rest) = line.strip_prefix("party ") {
                let (key, phrases) = rest.split_once('|').unwrap_or((rest, ""));
                let key = key.trim().to_owned();
                let index = lex
                    .parties
                    .iter()
                    .position(|p| *p == key)
                    .unwrap_or_else(|| {
                        lex.parties.push(key);
                        lex.parties.len() - 1
                    });
                if index >= 64 {
                    continue;
                }
                for phrase in phrases.split(';') {
                    lex.words_of(phrase, &mut scratch);
                    lex.party_phrases.add(&scratch, index as u16);
                }
            } else if let Some(rest) = line.strip_prefix("receipt ") {
                for phrase in rest.split(';') {
                    lex.words_of(phrase, &mut scratch);
                    lex.receipt_phrases.add(&scratch, 0);
                }
            } else if let Some(rest) = line.strip_prefix("backref ") {
                for phrase in rest.split(';') {
                    lex.words_of(phrase, &mut scratch);
                    lex.backref_phrases.add(&scratch, 0);
                }
            }
        }
        lex
    }

    /// The id of a number (not stemmed; many are used once, as a record number).
    fn number(&mut self, value: u64) -> u32 {
        if let Some(&id) = self.numbers.get(&value) {
            return id;
        }
        let id = u32::try_from(self.shown.len()).unwrap_or(u32::MAX);
        self.numbers.insert(value, id);
        self.shown.push(String::new());
        self.number_shown.resize(self.shown.len(), None);
        self.number_shown[id as usize] = Some(value);
        id
    }

    /// A word as shown in evidence.
    fn shown(&self, id: u32) -> String {
        match self.number_shown.get(id as usize).copied().flatten() {
            Some(n) => n.to_string(),
            None => self.shown[id as usize].clone(),
        }
    }

    fn id(&mut self, stem: &str, shown: &str) -> u32 {
        if let Some(&id) = self.ids.get(stem) {
            // The first spelling in the alphabet, whatever the order of the entries.
            if shown < self.shown[id as usize].as_str() {
                shown.clone_into(&mut self.shown[id as usize]);
            }
            return id;
        }
        let id = u32::try_from(self.shown.len()).unwrap_or(u32::MAX);
        self.ids.insert(stem.to_owned(), id);
        self.shown.push(shown.to_owned());
        id
    }

    /// The ids of one written word, appended to `out`.
    fn word(&mut self, word: &str, out: &mut Vec<u32>) {
        if let Some(ids) = self.cache.get(word) {
            out.extend_from_slice(ids);
            return;
        }
        if word.bytes().all(|b| b.is_ascii_digit()) {
            // Short numbers (section 47, an age, a score) are words; longer ones (a record
            // number, a year, a telephone number) say nothing of the event and are left out.
            if word.len() <= 3 {
                match word.parse::<u64>() {
                    Ok(value) if !word.starts_with('0') => out.push(self.number(value)),
                    _ => out.push(self.id(word, word)),
                }
            }
            return;
        }
        let mut ids = Vec::new();
        let parts: Vec<String> = match self.abbreviations.get(word) {
            Some(long) => long.clone(),
            None if word.contains('&') => word
                .split('&')
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
            None => vec![word.to_owned()],
        };
        for part in &parts {
            let nested = (part != word)
                .then(|| self.abbreviations.get(part.as_str()).cloned())
                .flatten();
            for p in nested.as_deref().unwrap_or(std::slice::from_ref(part)) {
                if p.len() < 2 && !p.chars().all(|c| c.is_ascii_digit()) {
                    continue;
                }
                if self.stop.contains(p.as_str()) {
                    continue;
                }
                let stem = self.stemmer.stem(p).into_owned();
                ids.push(self.id(&stem, p));
            }
        }
        out.extend_from_slice(&ids);
        self.cache.insert(word.to_owned(), ids);
    }

    /// The ids of a text's words, in order, into `out`.
    fn words_of(&mut self, text: &str, out: &mut Vec<u32>) {
        out.clear();
        let mut word = String::new();
        if text.is_ascii() {
            // Each word is looked up by a hash of its lower-case letters, without building it
            // (a string is made only for a word not seen before).
            let bytes = text.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                // Between words (an apostrophe before a word is no part of it).
                if WORD_BYTES[usize::from(bytes[i])] == 0 {
                    i += 1;
                    continue;
                }
                // A word: letters, digits, '&' (lower case), and apostrophes within or after
                // it, which are left out ("children's").
                let start = i;
                let (mut hash, mut len, mut digits, mut apostrophes) = (FNV_OFFSET, 0, true, false);
                while i < bytes.len() {
                    let b = bytes[i];
                    let lower = WORD_BYTES[usize::from(b)];
                    if lower != 0 {
                        hash = (hash ^ u64::from(lower)).wrapping_mul(FNV_PRIME);
                        digits &= b.is_ascii_digit();
                        len += 1;
                    } else if b == b'\'' {
                        apostrophes = true;
                    } else {
                        break;
                    }
                    i += 1;
                }
                // Long numbers are left out (see `word`), without a look-up.
                if digits && len > 3 {
                    continue;
                }
                match self.by_hash.get(&hash) {
                    // Most words are one id: pushed, without a call to copy memory.
                    Some(&(from, to)) if to == from + 1 => out.push(self.hashed[from as usize]),
                    Some(&(from, to)) => {
                        out.extend_from_slice(&self.hashed[from as usize..to as usize]);
                    }
                    None => {
                        word.clear();
                        word.extend(
                            bytes[start..i]
                                .iter()
                                .filter(|&&c| c != b'\'')
                                .map(|&c| char::from(c.to_ascii_lowercase())),
                        );
                        let before = out.len();
                        self.word(&word, out);
                        if !apostrophes {
                            let from = self.hashed.len() as u32;
                            self.hashed.extend_from_slice(&out[before..]);
                            self.by_hash.insert(hash, (from, self.hashed.len() as u32));
                        }
                    }
                }
            }
            return;
        }
        for c in text.chars() {
            if c.is_alphanumeric() || c == '&' {
                word.extend(c.to_lowercase());
            } else if c == '\'' || c == '\u{2019}' {
                // "children's": the possessive goes, the word stays whole.
                continue;
            } else if !word.is_empty() {
                self.word(&word, out);
                word.clear();
            }
        }
        if !word.is_empty() {
            self.word(&word, out);
        }
    }

    /// The kind a list of words names: of the phrases found (longest first), the first of
    /// the most specific kind (a "strategy meeting" rather than a "discussion").
    fn kind_in(&self, words: &[u32]) -> u16 {
        let mut kind = NO_KIND;
        let mut depth = 0;
        self.kind_phrases.scan(words, |_, tag, _| {
            let d = self.kinds[tag as usize].lineage.count_ones();
            if d > depth {
                (kind, depth) = (tag, d);
            }
        });
        kind
    }

    fn parties_in(&self, words: &[u32]) -> u64 {
        let mut bits = 0u64;
        self.party_phrases.scan(words, |_, tag, _| bits |= 1 << tag);
        bits
    }

    fn is_general(&self, kind: u16) -> bool {
        kind != NO_KIND && self.kinds[kind as usize].general
    }
}

/// What the linkage knows of an entry.
struct Facts {
    agency: AgencyKey,
    /// First and last day of the start's period, in days from the common era.
    first: i32,
    last: i32,
    precision: Precision,
    /// Minutes after midnight, if a time is given.
    minute: Option<u16>,
    kind: u16,
    /// The agencies and roles named in the text.
    named: u64,
    /// The entry's own agency's roles.
    own: u64,
    receipt: bool,
    /// The text says it is about the day before ("yesterday", "typed up", that day's date).
    backref: bool,
    /// The entry's TF-IDF vector: a range in `Linkage::vector`.
    vector: (u32, u32),
    /// Its uncommon words, sorted: a range in `Linkage::rare`.
    rare: (u32, u32),
    /// A bit for each agency it shared with (numbers modulo 64): a pair whose bit is clear
    /// is surely not a sharing, without reading the entry.
    shared_bits: u64,
}

impl Facts {
    fn side(&self) -> Side {
        Side {
            day: self.precision == Precision::Day,
            first: self.first,
            backref: self.backref,
            minute: self.minute,
            named: self.named,
            own: self.own,
        }
    }
}

/// What the pattern of a pair reads of each of its entries (besides the kinds and texts).
#[derive(Clone, Copy)]
struct Side {
    /// Dated to the day.
    day: bool,
    first: i32,
    backref: bool,
    minute: Option<u16>,
    named: u64,
    own: u64,
}

/// The pattern of a pair (the levels of the five comparisons in one number), from what it
/// reads of each entry, the level of their kinds and the cosine of their texts.
fn pattern_of(fa: &Side, fb: &Side, kind: usize, cos: f32) -> usize {
    let both_days = fa.day && fb.day;
    let later_backref = if fa.first > fb.first {
        fa.backref
    } else {
        fb.backref
    };
    let date = if !both_days {
        3
    } else if fa.first == fb.first {
        0
    } else if later_backref {
        1
    } else {
        2
    };
    let time = match (fa.minute, fb.minute) {
        (Some(x), Some(y)) if date == 0 => match x.abs_diff(y) {
            0..=15 => 0,
            16..=60 => 1,
            61..=180 => 2,
            _ => 3,
        },
        _ => 4,
    };
    let text = TEXT_BANDS.iter().position(|&band| cos >= band).unwrap_or(4);
    // Whom each names besides itself: each the other's agency, one the other's (or
    // both a third), neither.
    let (na, nb) = (fa.named & !fa.own, fb.named & !fb.own);
    let party = if na == 0 && nb == 0 {
        3
    } else {
        let (a_names_b, b_names_a) = (na & fb.own != 0, nb & fa.own != 0);
        if a_names_b && b_names_a {
            0
        } else if a_names_b || b_names_a || na & nb != 0 {
            1
        } else {
            2
        }
    };
    date + DATE_LEVELS * (time + TIME_LEVELS * (kind + KIND_LEVELS * (text + TEXT_LEVELS * party)))
}

fn day_number(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

/// An imprecise entry meets the entries of its period of its event kind only when there are
/// at most this many.
const KIND_BLOCK_MAX: usize = 30;

/// Levels of each comparison; the last of each is "missing" (neutral) where there is one.
const DATE_LEVELS: usize = 4;
const TIME_LEVELS: usize = 5;
const KIND_LEVELS: usize = 4;
const TEXT_LEVELS: usize = 5;
const PARTY_LEVELS: usize = 4;
const PATTERNS: usize = DATE_LEVELS * TIME_LEVELS * KIND_LEVELS * TEXT_LEVELS * PARTY_LEVELS;
/// Bands of the text's cosine similarity, levels 0 to 3 (below the last: level 4).
const TEXT_BANDS: [f32; 4] = [0.40, 0.25, 0.12, 0.05];

/// Prior m and u probabilities of each comparison's levels (without its missing level),
/// and λ, the prior share of duplicates among candidate pairs. Judged from how agencies
/// record shared events: most duplicates are dated the same day (some typed up the next
/// morning), start within a quarter of an hour when both give a time, are of the same or
/// a compatible kind, share a fair part of their rarer words, and name each other; most
/// other candidate pairs are a day apart, hours apart, of different kinds, and share few
/// words.
pub struct Priors {
    pub lambda: f64,
    pub date: ([f64; 4], [f64; 4]),
    pub time: ([f64; 4], [f64; 4]),
    pub kind: ([f64; 3], [f64; 3]),
    pub text: ([f64; 5], [f64; 5]),
    pub party: ([f64; 3], [f64; 3]),
}

/// The documented priors (see [`Priors`]): levels in order, m then u.
/// - date: same day, a day apart with the later saying it is about the day before
///   ("yesterday", "typed up", the day's date), a day apart, within an imprecise period;
/// - time: ≤ 15 minutes apart, ≤ 1 hour, ≤ 3 hours, further;
/// - kind: the same, compatible (one the general kind of the other), different;
/// - text: cosine ≥ 0.40, ≥ 0.25, ≥ 0.12, ≥ 0.05, less;
/// - agencies and roles named (besides the entry's own): each names the other's agency,
///   one names the other's (or both name a third), neither names the other's; neutral
///   when neither names anyone.
pub const PRIORS: Priors = Priors {
    lambda: 0.05,
    date: ([0.78, 0.06, 0.08, 0.08], [0.40, 0.01, 0.54, 0.05]),
    time: ([0.70, 0.20, 0.06, 0.04], [0.08, 0.12, 0.25, 0.55]),
    kind: ([0.55, 0.35, 0.10], [0.05, 0.10, 0.85]),
    text: (
        [0.20, 0.30, 0.30, 0.12, 0.08],
        [0.005, 0.02, 0.08, 0.20, 0.695],
    ),
    party: ([0.30, 0.45, 0.25], [0.03, 0.20, 0.77]),
};

/// How many pairs' worth of weight the priors carry in the estimate.
pub const PRIOR_PAIRS: f64 = 40.0;
/// Below this many candidate pairs a review is not trained on: the priors are used.
pub const MIN_PAIRS_TO_TRAIN: usize = 30;
/// Rounds of expectation-maximisation.
const EM_ROUNDS: usize = 25;

/// A comparison's m and u per level (the missing level, if any, last and neutral).
#[derive(Clone)]
struct Params {
    lambda: f64,
    /// [comparison][level]
    m: Vec<Vec<f64>>,
    u: Vec<Vec<f64>>,
}

const LEVELS: [usize; 5] = [
    DATE_LEVELS,
    TIME_LEVELS,
    KIND_LEVELS,
    TEXT_LEVELS,
    PARTY_LEVELS,
];
/// Whether a comparison's last level is "missing".
const HAS_MISSING: [bool; 5] = [false, true, true, false, true];

impl Params {
    fn priors() -> Self {
        let with_missing = |(m, u): (&[f64], &[f64]), missing: bool| {
            let mut m = m.to_vec();
            let mut u = u.to_vec();
            if missing {
                m.push(1.0);
                u.push(1.0);
            }
            (m, u)
        };
        let p = &PRIORS;
        let list = [
            with_missing((&p.date.0, &p.date.1), false),
            with_missing((&p.time.0, &p.time.1), true),
            with_missing((&p.kind.0, &p.kind.1), true),
            with_missing((&p.text.0, &p.text.1), false),
            with_missing((&p.party.0, &p.party.1), true),
        ];
        Self {
            lambda: p.lambda,
            m: list.iter().map(|(m, _)| m.clone()).collect(),
            u: list.iter().map(|(_, u)| u.clone()).collect(),
        }
    }

    fn levels(pattern: usize) -> [usize; 5] {
        let mut rest = pattern;
        let mut out = [0; 5];
        for (c, &n) in LEVELS.iter().enumerate() {
            out[c] = rest % n;
            rest /= n;
        }
        out
    }

    /// The match weight of each pattern.
    fn weights(&self) -> Vec<f32> {
        let prior = (self.lambda / (1.0 - self.lambda)).log2();
        // Each level's log-ratio once (22 of them), not once per pattern (the sums are the
        // same, in the same order).
        let ratio: Vec<Vec<f64>> = self
            .m
            .iter()
            .zip(&self.u)
            .map(|(m, u)| m.iter().zip(u).map(|(m, u)| (m / u).log2()).collect())
            .collect();
        (0..PATTERNS)
            .map(|p| {
                let levels = Self::levels(p);
                let mut w = prior;
                for (c, &l) in levels.iter().enumerate() {
                    w += ratio[c][l];
                }
                w as f32
            })
            .collect()
    }

    /// Expectation-maximisation over the counts of each pattern among the unlabelled
    /// candidate pairs, with the labelled ones (known duplicates, known not) fixed.
    fn train(counts: &[f64], known_match: &[f64], known_non: &[f64]) -> Self {
        let priors = Self::priors();
        let total: f64 = counts.iter().sum::<f64>()
            + known_match.iter().sum::<f64>()
            + known_non.iter().sum::<f64>();
        if total < MIN_PAIRS_TO_TRAIN as f64 {
            return priors;
        }
        let mut params = priors.clone();
        let patterns: Vec<[usize; 5]> = (0..PATTERNS).map(Self::levels).collect();
        for _ in 0..EM_ROUNDS {
            let weights = params.weights();
            let mut mm: Vec<Vec<f64>> = LEVELS.iter().map(|&n| vec![0.0; n]).collect();
            let mut uu = mm.clone();
            let mut matches = 0.0;
            for p in 0..PATTERNS {
                let n = counts[p] + known_match[p] + known_non[p];
                if n == 0.0 {
                    continue;
                }
                let prob = 1.0 / (1.0 + (-f64::from(weights[p])).exp2());
                let as_match = counts[p] * prob + known_match[p];
                let as_non = counts[p] * (1.0 - prob) + known_non[p];
                matches += as_match;
                for (c, &l) in patterns[p].iter().enumerate() {
                    mm[c][l] += as_match;
                    uu[c][l] += as_non;
                }
            }
            params.lambda =
                ((matches + PRIOR_PAIRS * priors.lambda) / (total + PRIOR_PAIRS)).clamp(1e-4, 0.5);
            for c in 0..LEVELS.len() {
                let observed = if HAS_MISSING[c] {
                    LEVELS[c] - 1
                } else {
                    LEVELS[c]
                };
                let (sum_m, sum_u): (f64, f64) = (
                    mm[c][..observed].iter().sum(),
                    uu[c][..observed].iter().sum(),
                );
                for l in 0..observed {
                    params.m[c][l] = ((mm[c][l] + PRIOR_PAIRS * priors.m[c][l])
                        / (sum_m + PRIOR_PAIRS))
                        .max(1e-4);
                    params.u[c][l] = ((uu[c][l] + PRIOR_PAIRS * priors.u[c][l])
                        / (sum_u + PRIOR_PAIRS))
                        .max(1e-4);
                }
            }
        }
        params
    }
}

/// The pairs a reviewer decided, by entry index.
pub(crate) struct Decided {
    pub confirmed: HashSet<(usize, usize)>,
    pub rejected: HashSet<(usize, usize)>,
}

fn ordered(a: usize, b: usize) -> (usize, usize) {
    (a.min(b), a.max(b))
}

/// The candidate pairs of a review (by position, a < b, each with its pattern), and the
/// counts of each pattern among the undecided, the confirmed and the rejected pairs.
struct Found<'d> {
    decided: &'d Decided,
    any_confirmed: bool,
    any_rejected: bool,
    pairs: Vec<(u32, u32, u16)>,
    counts: Vec<f64>,
    known_match: Vec<f64>,
    known_non: Vec<f64>,
}

impl<'d> Found<'d> {
    fn new(decided: &'d Decided) -> Self {
        Self {
            decided,
            any_confirmed: !decided.confirmed.is_empty(),
            any_rejected: !decided.rejected.is_empty(),
            pairs: Vec::new(),
            counts: vec![0.0; PATTERNS],
            known_match: vec![0.0; PATTERNS],
            known_non: vec![0.0; PATTERNS],
        }
    }

    /// Counts a candidate pair; a rejected pair only teaches the weights.
    fn add(&mut self, a: usize, b: usize, pattern: usize) {
        if self.any_confirmed && self.decided.confirmed.contains(&(a, b)) {
            self.known_match[pattern] += 1.0;
        } else if self.any_rejected && self.decided.rejected.contains(&(a, b)) {
            self.known_non[pattern] += 1.0;
            return;
        } else {
            self.counts[pattern] += 1.0;
        }
        self.pairs.push((a as u32, b as u32, pattern as u16));
    }
}

/// Every candidate pair's match probability (pairs by position, a < b; 0 for a pair not
/// kept), for the cohesion of groups.
trait PairProbabilities {
    fn insert(&mut self, a: usize, b: usize, probability: f32);
    /// Called once all are inserted, before any is read.
    fn ready(&mut self) {}
    fn get(&self, pair: (usize, usize)) -> f32;
}

impl PairProbabilities for FnvMap<(usize, usize), f32> {
    fn insert(&mut self, a: usize, b: usize, probability: f32) {
        HashMap::insert(self, (a, b), probability);
    }

    fn get(&self, pair: (usize, usize)) -> f32 {
        HashMap::get(self, &pair).copied().unwrap_or(0.0)
    }
}

/// The review's entries as the linkage reads them.
pub(crate) struct Linkage {
    lex: Lexicon,
    facts: Vec<Facts>,
    vector: Vec<(u32, f32)>,
    df: Vec<u32>,
    /// Words used by at most this many entries are uncommon.
    uncommon: u32,
    rare: Vec<u32>,
    /// The entry at each position of the chronological order (the linkage works on
    /// positions), and the position of each entry.
    entry_of: Vec<usize>,
    position_of: Vec<usize>,
    /// The id of the entry at each position (to break ties without reading the entries).
    ids: Vec<u64>,
}

impl Linkage {
    /// Reads the entries, in chronological order (`order`) so that the result does not
    /// depend on their order in the input.
    pub(crate) fn new(entries: &[Entry], order: &[usize], settings: &MergeSettings) -> Self {
        let mut lex = Lexicon::new(&settings.extra_vocabulary);
        let n = entries.len();
        // Each entry's distinct words, sorted, as ranges of one buffer.
        let mut word_buffer: Vec<u32> = Vec::with_capacity(8 * n);
        let mut word_range = vec![(0u32, 0u32); n];
        let mut scratch = Vec::new();
        let mut type_kinds: FnvMap<String, u16> = FnvMap::default();
        let mut kinds = vec![NO_KIND; n];
        let mut named = vec![0u64; n];
        let mut receipt = vec![false; n];
        let mut backref = vec![false; n];
        let function_words: Vec<u32> = FUNCTION_WORDS.iter().map(|w| lex.id(w, w)).collect();
        // Everything is kept by position in the chronological order, so that entries near in
        // time are near in memory; the entries are read in their own order (which does not
        // change the result: words are shown by their first spelling in the alphabet).
        let mut position_of = vec![0; n];
        for (p, &i) in order.iter().enumerate() {
            position_of[i] = p;
        }
        let mut base = vec![(0u32, 0i32, 0i32, Precision::Day, None, 0u64); n];
        for (entry, e) in entries.iter().enumerate() {
            let i = position_of[entry];
            base[i] = (
                e.agency,
                day_number(e.start.start()),
                day_number(e.start.end()),
                e.start.precision,
                e.time.map(|t| u16::from(t.hour) * 60 + u16::from(t.minute)),
                e.shared_with
                    .iter()
                    .filter(|&&a| a != e.agency)
                    .fold(0, |bits, &a| bits | 1 << (a % 64)),
            );
            let type_kind = match e.event_type.as_deref().map(str::trim) {
                Some(t) if !t.is_empty() => match type_kinds.get(t) {
                    Some(&k) => k,
                    None => {
                        lex.words_of(t, &mut scratch);
                        let k = lex.kind_in(&scratch);
                        type_kinds.insert(t.to_owned(), k);
                        k
                    }
                },
                _ => NO_KIND,
            };
            lex.words_of(&e.text, &mut scratch);
            let mut kind = type_kind;
            if type_kind == NO_KIND || lex.is_general(type_kind) {
                let in_text = lex.kind_in(&scratch);
                if in_text != NO_KIND
                    && (type_kind == NO_KIND
                        || lex.kinds[in_text as usize].lineage & (1 << type_kind) != 0)
                {
                    kind = in_text;
                }
            }
            kinds[i] = kind;
            named[i] = lex.parties_in(&scratch);
            let mut r = false;
            lex.receipt_phrases.scan(&scratch, |_, _, _| r = true);
            receipt[i] = r;
            let mut back = false;
            lex.backref_phrases.scan(&scratch, |_, _, _| back = true);
            if !back && e.text.contains('/') {
                // The day before, written as agencies do: 5/1, 05/01, 5/01.
                if let Some(before) = e.start.start().pred_opt() {
                    let (d, m) = (before.day(), before.month());
                    back = [
                        format!("{d}/{m}"),
                        format!("{d:02}/{m:02}"),
                        format!("{d}/{m:02}"),
                        format!("{d:02}/{m}"),
                    ]
                    .iter()
                    .any(|p| {
                        e.text.match_indices(p.as_str()).any(|(at, _)| {
                            let prev = e.text[..at].chars().next_back();
                            let next = e.text[at + p.len()..].chars().next();
                            !prev.is_some_and(|c| c.is_ascii_digit() || c == '/')
                                && !next.is_some_and(|c| c.is_ascii_digit())
                        })
                    });
                }
            }
            backref[i] = back && e.start.precision == Precision::Day;
            // "to", "from", "by" serve the phrases ("call from"), not the likeness of texts.
            // (Left out once the words are sorted and distinct: each found by a search.)
            scratch.sort_unstable();
            scratch.dedup();
            for w in &function_words {
                if let Ok(at) = scratch.binary_search(w) {
                    scratch.remove(at);
                }
            }
            let from = word_buffer.len() as u32;
            word_buffer.extend_from_slice(&scratch);
            word_range[i] = (from, word_buffer.len() as u32);
        }
        let mut own_of: HashMap<AgencyKey, u64> = HashMap::new();
        for (agency, name) in &settings.agency_names {
            lex.words_of(name, &mut scratch);
            *own_of.entry(*agency).or_default() |= lex.parties_in(&scratch);
        }
        let mut df = vec![0u32; lex.shown.len()];
        for &w in &word_buffer {
            df[w as usize] += 1;
        }
        let words = |i: usize| &word_buffer[word_range[i].0 as usize..word_range[i].1 as usize];
        let total = n as f32;
        let idf: Vec<f32> = df
            .iter()
            .map(|&d| ((total + 1.0) / (d as f32 + 1.0)).ln() + 1.0)
            .collect();
        let mut vector = Vec::with_capacity(word_buffer.len());
        let mut facts = Vec::with_capacity(n);
        // Each entry's uncommon words, in the same pass (its words are read once).
        let uncommon = (n as u32 / 20).max(10);
        let mut rare = Vec::new();
        for (i, &(agency, first, last, precision, minute, shared_bits)) in base.iter().enumerate() {
            let start = vector.len() as u32;
            let norm = words(i)
                .iter()
                .map(|&w| idf[w as usize] * idf[w as usize])
                .sum::<f32>()
                .sqrt()
                .max(1e-6);
            vector.extend(words(i).iter().map(|&w| (w, idf[w as usize] / norm)));
            let rare_from = rare.len() as u32;
            rare.extend(words(i).iter().filter(|&&w| df[w as usize] <= uncommon));
            facts.push(Facts {
                agency,
                first,
                last,
                precision,
                minute,
                kind: kinds[i],
                named: named[i],
                own: own_of.get(&agency).copied().unwrap_or(0),
                receipt: receipt[i],
                backref: backref[i],
                vector: (start, vector.len() as u32),
                rare: (rare_from, rare.len() as u32),
                shared_bits,
            });
        }
        Self {
            lex,
            facts,
            vector,
            df,
            uncommon,
            rare,
            entry_of: order.to_vec(),
            ids: order.iter().map(|&i| entries[i].id).collect(),
            position_of,
        }
    }

    fn rare(&self, i: usize) -> &[u32] {
        let (a, b) = self.facts[i].rare;
        &self.rare[a as usize..b as usize]
    }

    fn share_rare(&self, a: usize, b: usize) -> bool {
        let (x, y) = (self.rare(a), self.rare(b));
        let (mut i, mut j) = (0, 0);
        while i < x.len() && j < y.len() {
            let (u, v) = (x[i], y[j]);
            if u == v {
                return true;
            }
            i += usize::from(u < v);
            j += usize::from(v < u);
        }
        false
    }

    fn vector(&self, i: usize) -> &[(u32, f32)] {
        let (a, b) = self.facts[i].vector;
        &self.vector[a as usize..b as usize]
    }

    fn cosine(&self, a: usize, b: usize) -> f32 {
        let (x, y) = (self.vector(a), self.vector(b));
        let (mut i, mut j, mut sum) = (0, 0, 0.0);
        while i < x.len() && j < y.len() {
            let (wx, wy) = (x[i].0, y[j].0);
            if wx == wy {
                sum += x[i].1 * y[j].1;
            }
            i += usize::from(wx <= wy);
            j += usize::from(wy <= wx);
        }
        sum
    }

    fn kind_level(&self, a: usize, b: usize) -> usize {
        self.kinds_level(self.facts[a].kind, self.facts[b].kind)
    }

    fn kinds_level(&self, ka: u16, kb: u16) -> usize {
        if ka == NO_KIND || kb == NO_KIND {
            return 3;
        }
        if ka == kb {
            return 0;
        }
        let (la, lb) = (
            self.lex.kinds[ka as usize].lineage,
            self.lex.kinds[kb as usize].lineage,
        );
        if la & (1 << kb) != 0 || lb & (1 << ka) != 0 {
            1
        } else {
            2
        }
    }

    fn joint(&self, i: usize) -> bool {
        let k = self.facts[i].kind;
        k != NO_KIND && self.lex.kinds[k as usize].joint
    }

    /// A sender's record of sharing with the other's agency and the other's record: not
    /// one event, unless both record a joint event.
    ///
    /// Records of messages are sharing too: two agencies' records of messages (each a
    /// message kind) are not one event, nor is a record of receiving one (a message kind
    /// with receipt wording) the same event as anything.
    fn sharing_pair(&self, entries: &[Entry], a: usize, b: usize) -> bool {
        let says = |x: usize, y: usize| {
            self.facts[x].shared_bits & (1 << (self.facts[y].agency % 64)) != 0
                && entries[self.entry_of[x]]
                    .shared_with
                    .contains(&self.facts[y].agency)
        };
        let message = |x: usize| {
            let k = self.facts[x].kind;
            k != NO_KIND && self.lex.kinds[k as usize].communication
        };
        let receipt = |x: usize| message(x) && self.facts[x].receipt;
        ((says(a, b) || says(b, a)) && !(self.joint(a) && self.joint(b)))
            || (message(a) && message(b))
            || receipt(a)
            || receipt(b)
    }

    /// The pattern (levels of the five comparisons) of a candidate pair, and its cosine.
    fn compare(&self, a: usize, b: usize) -> (usize, f32) {
        let cos = self.cosine(a, b);
        (self.pattern(a, b, cos), cos)
    }

    /// The pattern of a candidate pair whose cosine is `cos` (the fast path works the cosine
    /// out its own way, see [`fast`]).
    fn pattern(&self, a: usize, b: usize, cos: f32) -> usize {
        pattern_of(
            &self.facts[a].side(),
            &self.facts[b].side(),
            self.kind_level(a, b),
            cos,
        )
    }

    /// The candidate pairs (a < b by index), each once.
    fn candidates(&self, entries: &[Entry], mut visit: impl FnMut(usize, usize)) {
        let n = self.facts.len();
        let day_entries: Vec<usize> = (0..n)
            .filter(|&i| self.facts[i].precision == Precision::Day)
            .collect();
        // What the window needs of each entry, side by side: day, agency, kind (as an index
        // into the table of kind levels), has uncommon words; and the table.
        let kinds = self.lex.kinds.len();
        let slot = |k: u16| if k == NO_KIND { kinds } else { k as usize };
        let mut different = vec![false; (kinds + 1) * (kinds + 1)];
        for ka in 0..kinds {
            for kb in 0..kinds {
                different[ka * (kinds + 1) + kb] = self.kinds_level(ka as u16, kb as u16) == 2;
            }
        }
        let compact: Vec<(i32, AgencyKey, usize, bool)> = day_entries
            .iter()
            .map(|&i| {
                let f = &self.facts[i];
                (
                    f.first,
                    f.agency,
                    slot(f.kind) * (kinds + 1),
                    f.rare.0 != f.rare.1,
                )
            })
            .collect();
        for (x, &(first, agency, row, rare)) in compact.iter().enumerate() {
            let a = day_entries[x];
            for (y, &(first_b, agency_b, row_b, rare_b)) in compact.iter().enumerate().skip(x + 1) {
                if first_b > first + 1 {
                    break;
                }
                if agency == agency_b {
                    continue;
                }
                let b = day_entries[y];
                if different[row + row_b / (kinds + 1)]
                    && !(rare && rare_b && self.share_rare(a, b))
                {
                    continue;
                }
                if !self.sharing_pair(entries, a, b) {
                    visit(a.min(b), a.max(b));
                }
            }
        }
        self.imprecise_candidates(entries, visit);
    }

    /// The candidate pairs with an entry dated only to a month or year (a < b by index),
    /// each once: imprecise entries meet those of their period sharing an uncommon word with
    /// them, or of their event kind.
    fn imprecise_candidates(&self, entries: &[Entry], mut visit: impl FnMut(usize, usize)) {
        let n = self.facts.len();
        let imprecise: Vec<usize> = (0..n)
            .filter(|&i| self.facts[i].precision != Precision::Day)
            .collect();
        if imprecise.is_empty() {
            return;
        }
        let mut wanted = vec![false; self.df.len()];
        for &i in &imprecise {
            for &(w, _) in self.vector(i) {
                if self.df[w as usize] <= self.uncommon {
                    wanted[w as usize] = true;
                }
            }
        }
        let any_wanted = wanted.contains(&true);
        let mut postings: FnvMap<u32, Vec<usize>> = FnvMap::default();
        // The entries of each kind that an imprecise entry has, by kind (a list, not a map:
        // every entry is looked up).
        let mut by_kind: Vec<Vec<usize>> = vec![Vec::new(); self.lex.kinds.len()];
        let mut imprecise_kinds = vec![false; self.lex.kinds.len()];
        for &i in &imprecise {
            if let Some(wanted) = imprecise_kinds.get_mut(self.facts[i].kind as usize) {
                *wanted = true;
            }
        }
        for i in 0..n {
            if any_wanted {
                for &(w, _) in self.vector(i) {
                    if wanted[w as usize] {
                        postings.entry(w).or_default().push(i);
                    }
                }
            }
            let kind = self.facts[i].kind as usize;
            if imprecise_kinds.get(kind).copied().unwrap_or(false) {
                by_kind[kind].push(i);
            }
        }
        let mut seen: FnvMap<usize, ()> = FnvMap::default();
        for &a in &imprecise {
            seen.clear();
            let fa = &self.facts[a];
            let mut meet = |b: usize, seen: &mut FnvMap<usize, ()>| {
                let fb = &self.facts[b];
                // b inside a's period, or of the same imprecise period (each pair once).
                let inside =
                    fb.precision < fa.precision && fb.first >= fa.first && fb.last <= fa.last;
                let same = fb.precision == fa.precision && fb.first == fa.first && a < b;
                if (inside || same)
                    && fa.agency != fb.agency
                    && seen.insert(b, ()).is_none()
                    && !self.sharing_pair(entries, a, b)
                {
                    visit(a.min(b), a.max(b));
                }
            };
            for &(w, _) in self.vector(a) {
                if let Some(list) = postings.get(&w) {
                    for &b in list {
                        meet(b, &mut seen);
                    }
                }
            }
            if let Some(list) = by_kind.get(fa.kind as usize) {
                let from = list.partition_point(|&b| self.facts[b].first < fa.first);
                let to = list.partition_point(|&b| self.facts[b].first <= fa.last);
                // A kind so common in the period says nothing: then only words meet.
                if to - from <= KIND_BLOCK_MAX {
                    for &b in &list[from..to] {
                        meet(b, &mut seen);
                    }
                }
            }
        }
    }

    /// The position of an entry in the chronological order.
    pub(crate) fn position(&self, entry: usize) -> usize {
        self.position_of[entry]
    }

    /// The entries that say they shared with another agency than their own, in
    /// chronological order (read from the compact facts, not the entries).
    pub(crate) fn sharers(&self) -> Vec<usize> {
        self.facts
            .iter()
            .zip(&self.entry_of)
            .filter(|(f, _)| f.shared_bits != 0)
            .map(|(_, &i)| i)
            .collect()
    }

    /// The entries of each of `agencies`, in chronological order: first day, position,
    /// whether it records receiving information.
    pub(crate) fn receivers(
        &self,
        agencies: &HashSet<AgencyKey>,
    ) -> HashMap<AgencyKey, Vec<(i32, usize, bool)>> {
        let mut out: HashMap<AgencyKey, Vec<(i32, usize, bool)>> = HashMap::new();
        let mut last: Option<(AgencyKey, bool)> = None;
        for (p, f) in self.facts.iter().enumerate() {
            // Most entries' agencies were looked up just before.
            let wanted = match last {
                Some((a, w)) if a == f.agency => w,
                _ => agencies.contains(&f.agency),
            };
            last = Some((f.agency, wanted));
            if wanted {
                out.entry(f.agency)
                    .or_default()
                    .push((f.first, p, f.receipt));
            }
        }
        out
    }

    /// The levels and weight of a pair, for the quality report's details.
    pub(crate) fn explain(&self, entries: &[Entry], order: &[usize], a: usize, b: usize) -> String {
        let mut counts = vec![0.0f64; PATTERNS];
        let mut candidate = false;
        let (a, b) = (self.position_of[a], self.position_of[b]);
        let _ = order;
        self.candidates(entries, |x, y| {
            counts[self.compare(x, y).0] += 1.0;
            candidate |= (x, y) == ordered(a, b);
        });
        let none = vec![0.0f64; PATTERNS];
        let params = Params::train(&counts, &none, &none);
        let (pattern, cos) = self.compare(a, b);
        let levels = Params::levels(pattern);
        let parts: Vec<String> = ["date", "time", "kind", "text", "party"]
            .iter()
            .enumerate()
            .map(|(c, name)| {
                let l = levels[c];
                format!(
                    "{name}={l} ({:+.1})",
                    (params.m[c][l] / params.u[c][l]).log2()
                )
            })
            .collect();
        format!(
            "candidate={candidate} sharing_pair={} weight={:.2} cos={cos:.2} lambda={:.3} {} kinds {:?}/{:?}",
            self.sharing_pair(entries, a, b),
            params.weights()[pattern],
            params.lambda,
            parts.join(" "),
            self.kind_label(a),
            self.kind_label(b),
        )
    }

    fn kind_label(&self, i: usize) -> &str {
        let k = self.facts[i].kind;
        if k == NO_KIND {
            "-"
        } else {
            &self.lex.kinds[k as usize].label
        }
    }

    /// The probable duplicate groups (entry indices, in chronological order, groups in
    /// order of their first entry) with their evidence.
    pub(crate) fn duplicates(
        &self,
        entries: &[Entry],
        order: &[usize],
        decided: &Decided,
    ) -> Vec<(Vec<usize>, DuplicateEvidence)> {
        let _ = order;
        let decided = &self.by_position(decided);
        let mut found = Found::new(decided);
        self.candidates(entries, |a, b| found.add(a, b, self.compare(a, b).0));
        self.group(entries, decided, found, FnvMap::default())
    }

    /// The decisions by position.
    fn by_position(&self, decided: &Decided) -> Decided {
        let at = |pairs: &HashSet<(usize, usize)>| -> HashSet<(usize, usize)> {
            pairs
                .iter()
                .map(|&(a, b)| ordered(self.position_of[a], self.position_of[b]))
                .collect()
        };
        Decided {
            confirmed: at(&decided.confirmed),
            rejected: at(&decided.rejected),
        }
    }

    /// The groups of the candidate pairs `found` (by position), with their evidence: the
    /// weights are trained on them, then pairs join strongest first into cohesive groups.
    /// `prob_of` keeps every candidate's probability for the cohesion of groups (the fast
    /// path keeps them in a table rather than a map).
    fn group(
        &self,
        entries: &[Entry],
        decided: &Decided,
        found: Found<'_>,
        mut prob_of: impl PairProbabilities,
    ) -> Vec<(Vec<usize>, DuplicateEvidence)> {
        let Found {
            pairs,
            counts,
            known_match,
            known_non,
            any_confirmed,
            any_rejected,
            ..
        } = found;
        let is_confirmed =
            |a: usize, b: usize| any_confirmed && decided.confirmed.contains(&(a, b));
        let params = Params::train(&counts, &known_match, &known_non);
        let weights = params.weights();
        let probability = |w: f32| 1.0 / (1.0 + (-w).exp2());
        // What each pattern says, worked out once rather than for each of its pairs: its
        // probability, whether the texts share some words, and whether the kinds are one.
        let of_pattern: Vec<(f32, bool, bool)> = (0..PATTERNS)
            .map(|p| {
                let levels = Params::levels(p);
                (probability(weights[p]), levels[3] <= 3, levels[2] <= 1)
            })
            .collect();
        // (confirmed, weight, a, b)
        let mut strong: Vec<(bool, f32, usize, usize)> = Vec::new();
        for &(a, b, p) in &pairs {
            let (a, b) = (a as usize, b as usize);
            let (prob, words, one_kind) = of_pattern[p as usize];
            // A day and an hour in common are not an event in common: a pair must also share
            // some words, or be records of a joint event (a meeting, a visit) of one kind.
            let content = words || (one_kind && self.joint(a) && self.joint(b));
            if !content && !is_confirmed(a, b) {
                continue;
            }
            let w = weights[p as usize];
            // Pairs less likely than this count as 0 in the cohesion of groups.
            if prob >= 0.1 {
                prob_of.insert(a, b, prob);
            }
            let confirmed = is_confirmed(a, b);
            if w >= 0.0 || confirmed {
                strong.push((confirmed, w, a, b));
            }
        }
        prob_of.ready();
        // Confirmed pairs first, then by weight, ties by position (not input order).
        let position: Vec<usize> = (0..entries.len()).collect();
        // (No two pairs are equal in this order, so an unstable sort gives the one result.)
        strong.sort_unstable_by(|x, y| {
            let first = |p: &(bool, f32, usize, usize)| position[p.2].min(position[p.3]);
            let second = |p: &(bool, f32, usize, usize)| position[p.2].max(position[p.3]);
            y.0.cmp(&x.0)
                .then(y.1.total_cmp(&x.1))
                .then(first(x).cmp(&first(y)))
                .then(second(x).cmp(&second(y)))
        });
        let mut group_of: Vec<usize> = (0..entries.len()).collect();
        // Each group's members; a group not yet touched is its own entry alone, and its list
        // is made when it is first read (most entries are in no group).
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); entries.len()];
        let mut closed = vec![false; entries.len()];
        for &(confirmed, _, a, b) in &strong {
            let (ga, gb) = (group_of[a], group_of[b]);
            if ga == gb {
                continue;
            }
            if !confirmed && (closed[ga] || closed[gb]) {
                continue;
            }
            for g in [ga, gb] {
                if members[g].is_empty() {
                    members[g].push(g);
                }
            }
            let agencies_meet = members[ga].iter().any(|&x| {
                members[gb]
                    .iter()
                    .any(|&y| self.facts[x].agency == self.facts[y].agency)
            });
            if agencies_meet {
                continue;
            }
            if !confirmed {
                let mut sum = 0.0f32;
                let mut likely = 0;
                let mut rejected_across = false;
                for &x in &members[ga] {
                    for &y in &members[gb] {
                        let key = ordered(x, y);
                        rejected_across |= any_rejected && decided.rejected.contains(&key);
                        let p = prob_of.get(key);
                        sum += p;
                        likely += usize::from(p >= 0.5);
                    }
                }
                let pairs_across = members[ga].len() * members[gb].len();
                let n = pairs_across as f32;
                // Cohesive: likely on average, and for at least half of the pairs.
                if rejected_across || sum / n < 0.5 || 2 * likely < pairs_across {
                    continue;
                }
            }
            let moved = std::mem::take(&mut members[gb]);
            for &x in &moved {
                group_of[x] = ga;
            }
            members[ga].extend(moved);
            closed[ga] = (closed[ga] || confirmed) && {
                // A confirmed group takes no other entry: it stays closed only when all its
                // pairs were confirmed.
                let m = &members[ga];
                m.iter().enumerate().all(|(i, &x)| {
                    m[i + 1..]
                        .iter()
                        .all(|&y| decided.confirmed.contains(&ordered(x, y)))
                })
            };
        }
        let mut groups: Vec<Vec<usize>> = members
            .into_iter()
            .filter(|m| m.len() > 1)
            .map(|mut m| {
                m.sort_by_key(|&i| position[i]);
                m
            })
            .collect();
        groups.sort_by_key(|g| position[g[0]]);
        groups
            .into_iter()
            .map(|g| {
                let evidence = self.evidence(entries, &g, &weights, decided);
                (g.iter().map(|&p| self.entry_of[p]).collect(), evidence)
            })
            .collect()
    }

    fn evidence(
        &self,
        entries: &[Entry],
        group: &[usize],
        weights: &[f32],
        decided: &Decided,
    ) -> DuplicateEvidence {
        let mut reasons = Vec::new();
        let facts: Vec<&Facts> = group.iter().map(|&i| &self.facts[i]).collect();
        let all_days = facts.iter().all(|f| f.precision == Precision::Day);
        let firsts: HashSet<i32> = facts.iter().map(|f| f.first).collect();
        if all_days && firsts.len() == 1 {
            reasons.push("same day".to_owned());
        } else if all_days && facts.iter().any(|f| f.backref) {
            reasons.push("a day apart, one typed up the next day".to_owned());
        } else if all_days {
            reasons.push("a day apart".to_owned());
        } else {
            let widest = group
                .iter()
                .max_by_key(|&&i| entries[self.entry_of[i]].start.precision)
                .map(|&i| entries[self.entry_of[i]].start.to_string())
                .unwrap_or_default();
            reasons.push(format!("within {widest}"));
        }
        let mut times: Vec<String> = group
            .iter()
            .filter_map(|&i| entries[self.entry_of[i]].time.map(|t| t.to_string()))
            .collect();
        times.sort();
        times.dedup();
        let untimed = group
            .iter()
            .filter(|&&i| entries[self.entry_of[i]].time.is_none())
            .count();
        match times.len() {
            0 => {}
            1 => reasons.push(format!("{}{}", times[0], without_time(untimed))),
            _ => {
                let last = times.pop().unwrap_or_default();
                reasons.push(format!(
                    "{} and {last}{}",
                    times.join(", "),
                    without_time(untimed)
                ));
            }
        }
        let mut labels: Vec<&str> = facts
            .iter()
            .filter(|f| f.kind != NO_KIND)
            .map(|f| self.lex.kinds[f.kind as usize].label.as_str())
            .collect();
        labels.sort_unstable();
        labels.dedup();
        let both = if group.len() == 2 { "both" } else { "all" };
        match labels.len() {
            0 => {}
            1 => reasons.push(format!("{both} {}", labels[0])),
            _ => reasons.push(labels.join(" and ")),
        }
        // Uncommon words used by two or more of the group.
        let mut seen: FnvMap<u32, usize> = FnvMap::default();
        for &i in group {
            for &(w, _) in self.vector(i) {
                *seen.entry(w).or_default() += 1;
            }
        }
        let mut shared: Vec<(u32, u32)> = seen
            .into_iter()
            .filter(|&(w, c)| c >= 2 && self.df[w as usize] <= self.uncommon)
            .map(|(w, _)| (self.df[w as usize], w))
            .collect();
        shared.sort_unstable_by_key(|&(df, w)| (df, self.lex.shown(w)));
        if !shared.is_empty() {
            let shown: Vec<String> = shared
                .iter()
                .take(4)
                .map(|&(_, w)| self.lex.shown(w))
                .collect();
            reasons.push(format!(
                "{} shared uncommon word{} ({})",
                shared.len(),
                if shared.len() == 1 { "" } else { "s" },
                shown.join(", ")
            ));
        }
        let named: u64 = facts
            .iter()
            .map(|f| f.named & facts.iter().map(|g| g.own).fold(0, |a, b| a | b))
            .fold(0, |a, b| a | b);
        if named != 0 && facts.iter().filter(|f| f.named != 0).count() >= 2 {
            reasons.push("they name each other's agencies".to_owned());
        }
        let mut sum = 0.0f32;
        let mut lowest = 1.0f32;
        let mut n = 0.0f32;
        let mut confirmed = true;
        for (x, &a) in group.iter().enumerate() {
            for &b in &group[x + 1..] {
                let (a, b) = ordered(a, b);
                confirmed &= decided.confirmed.contains(&(a, b));
                let (pattern, _) = self.compare(a, b);
                let w = weights[pattern];
                sum += w;
                n += 1.0;
                lowest = lowest.min(1.0 / (1.0 + (-w).exp2()));
            }
        }
        if confirmed {
            reasons.push("confirmed by a reviewer".to_owned());
        }
        DuplicateEvidence {
            reasons,
            score: if n > 0.0 { sum / n } else { 0.0 },
            probability: lowest,
            confirmed,
        }
    }

    /// The receiving agency's entry that best records receiving what `sender` shared, if
    /// any: among its entries from the sharing to `tolerance` days after it, never one
    /// before it, the best by the evidence of [`Self::receipt_score`] if that is at least 0.
    /// A sharing dated only to a month or year is confirmed only by an entry that records
    /// receiving information or is of the same event.
    /// `candidates` are positions (see [`Self::receivers`]); `grouped` says whether two
    /// positions are of one duplicate group.
    pub(crate) fn confirmation(
        &self,
        sender: usize,
        candidates: impl Iterator<Item = usize>,
        tolerance: u32,
        grouped: &dyn Fn(usize, usize) -> bool,
    ) -> (Option<usize>, String) {
        let sender = self.position_of[sender];
        let fs = &self.facts[sender];
        let last = fs.last + tolerance as i32;
        let mut best: Option<(f32, usize)> = None;
        for r in candidates {
            let fr = &self.facts[r];
            if fr.first < fs.first || fr.first > last {
                continue;
            }
            // A sharing dated only to a month or year: only a record of receiving it, or of
            // the same event, can confirm it.
            if fs.precision != Precision::Day && !fr.receipt && !grouped(sender, r) {
                continue;
            }
            if fr.first == fs.first {
                if let (Some(x), Some(y)) = (fs.minute, fr.minute) {
                    if y < x {
                        continue;
                    }
                }
            }
            let score = self.receipt_score(sender, r, grouped(sender, r), None);
            let better = best.as_ref().is_none_or(|&(s, b)| {
                score > s
                    || (score == s && (fr.first, self.ids[r]) < (self.facts[b].first, self.ids[b]))
            });
            if better {
                best = Some((score, r));
            }
        }
        match best {
            Some((score, r)) if score >= 0.0 => {
                let mut why = Vec::new();
                let r_entry = self.entry_of[r];
                self.receipt_score(sender, r, grouped(sender, r), Some(&mut why));
                (Some(r_entry), why.join("; "))
            }
            Some(_) => (
                None,
                format!(
                    "no entry of the receiving agency from the sharing to {tolerance} days after records receiving it"
                ),
            ),
            None => (
                None,
                format!(
                    "the receiving agency has no entry from the sharing to {tolerance} days after"
                ),
            ),
        }
    }

    /// Evidence that receiver entry `r` records receiving what `s` shared, as a sum of
    /// log-odds (judged, documented here): start −1.5; one event both recorded (a group)
    /// +3; names the sender's agency +2, names only others −1; receipt wording ("received",
    /// "notification", "call from") +1.5, none −1; a record of a message +0.5; the same event
    /// kind +1.5, a compatible one (one the general kind of the other) +0.5; text cosine ≥ 0.25 +2, ≥ 0.12 +1, ≥ 0.05 +0.5, less
    /// −0.5; the same day +0.5, two days or more after −0.5. With `why`, says why in words.
    fn receipt_score(
        &self,
        s: usize,
        r: usize,
        grouped: bool,
        mut why: Option<&mut Vec<String>>,
    ) -> f32 {
        let (fs, fr) = (&self.facts[s], &self.facts[r]);
        let explain = why.is_some();
        let mut say = |text: &dyn Fn() -> String| {
            if let Some(why) = why.as_deref_mut() {
                why.push(text());
            }
        };
        let mut score = -1.5f32;
        if grouped {
            score += 3.0;
            say(&|| "the same event, recorded by both".to_owned());
        }
        if fs.own != 0 && fr.named & fs.own != 0 {
            score += 2.0;
            say(&|| "names the sharing agency".to_owned());
        } else if fs.own != 0 && fr.named & !fr.own != 0 {
            score -= 1.0;
        }
        if fr.receipt {
            score += 1.5;
            say(&|| "records receiving information".to_owned());
        } else {
            score -= 1.0;
        }
        let kr = fr.kind;
        let message = kr != NO_KIND && self.lex.kinds[kr as usize].communication;
        if message {
            score += 0.5;
        }
        let kind_level = self.kind_level(s, r);
        if kr != NO_KIND && !message && kind_level <= 1 {
            score += if kind_level == 0 { 1.5 } else { 0.5 };
            say(&|| format!("both {}", self.lex.kinds[kr as usize].label));
        }
        if !explain && score + 2.5 < 0.0 {
            // Not even the best text and day could make it a confirmation.
            return score - 1.0;
        }
        let cos = self.cosine(s, r);
        score += if cos >= 0.25 {
            2.0
        } else if cos >= 0.12 {
            1.0
        } else if cos >= 0.05 {
            0.5
        } else {
            -0.5
        };
        if cos >= 0.05 {
            say(&|| {
                let common = self
                    .vector(s)
                    .iter()
                    .filter(|(w, _)| self.vector(r).iter().any(|(x, _)| x == w))
                    .count();
                format!("{common} words in common")
            });
        }
        match fr.first - fs.first {
            0 => {
                score += 0.5;
                say(&|| "same day".to_owned());
            }
            1 => say(&|| "next day".to_owned()),
            d => {
                score -= 0.5;
                say(&|| format!("{d} days later"));
            }
        }
        score
    }
}

fn without_time(untimed: usize) -> String {
    match untimed {
        0 => String::new(),
        1 => " (one without a time)".to_owned(),
        n => format!(" ({n} without a time)"),
    }
}
