//! The integrated chronology: every submitted entry of every agency, in one order, with the
//! probable duplicates, the information sharing that the receiving agency does or does not
//! confirm, and the gaps when no agency had contact. A pure function: the server and the
//! browser compute the same result.
//!
//! Nothing here compares all pairs: duplicates are looked for only among entries of one day
//! (or, for imprecise dates, one month or year) that share one of their rarest words (see
//! `Keys`), sharing by binary search in the receiving agency's dates, and gaps in one sweep.
//! With many entries the cost is mostly memory traffic, so each phase reads what it needs
//! of the entries into compact tables once, in the entries' own order, and works on those.

use super::dates::{PartialDate, Precision, TimeOfDay};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// Identifies an agency; ties on the same moment are ordered by this key, so callers
/// number agencies in the order they should appear (by prefix).
pub type AgencyKey = u32;

/// One event as an agency recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: u64,
    pub agency: AgencyKey,
    pub seq: Option<u32>,
    pub start: PartialDate,
    pub time: Option<TimeOfDay>,
    pub end: Option<PartialDate>,
    pub event_type: Option<String>,
    pub text: String,
    pub shared_with: Vec<AgencyKey>,
}

impl Entry {
    fn last_day(&self) -> NaiveDate {
        self.end
            .map_or_else(|| self.start.end(), |e| e.end().max(self.start.end()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeSettings {
    /// Days either side within which the receiving agency's entry confirms sharing.
    pub sharing_tolerance_days: u32,
    /// Longer than this with no entry from any agency is a gap.
    pub gap_threshold_days: u32,
    /// Share of common words (Jaccard, in percent) above which two accounts are alike.
    pub duplicate_similarity_percent: u32,
    /// The agencies' names, by key: the merge recognises an agency named in another's
    /// text (\"call from the school\"). Optional.
    #[serde(default)]
    pub agency_names: Vec<(AgencyKey, String)>,
}

impl Default for MergeSettings {
    fn default() -> Self {
        Self {
            sharing_tolerance_days: 2,
            gap_threshold_days: 28,
            duplicate_similarity_percent: 40,
            agency_names: Vec::new(),
        }
    }
}

/// Information an entry says was shared with an agency, and the receiving agency's entry
/// that confirms it (if any).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sharing {
    pub entry: usize,
    pub with: AgencyKey,
    pub confirmed_by: Option<usize>,
}

/// A period with no entry from any agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap {
    /// The last day covered before the gap.
    pub after: NaiveDate,
    /// The first day covered after it.
    pub before: NaiveDate,
    pub days: i64,
}

/// The merge's result; every `usize` is an index into the input entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Integrated {
    /// Every entry once, in chronological order.
    pub order: Vec<usize>,
    /// Probable duplicates: 2+ entries of different agencies about one event, in order.
    pub duplicate_groups: Vec<Vec<usize>>,
    pub sharing: Vec<Sharing>,
    pub gaps: Vec<Gap>,
}

/// Merges the entries. `rejected` holds pairs of entry ids a reviewer said are not the
/// same event (either order); they are never proposed together again.
pub fn merge(
    entries: &[Entry],
    settings: &MergeSettings,
    rejected: &HashSet<(u64, u64)>,
) -> Integrated {
    merge_with_phases(entries, settings, rejected, |_| {})
}

/// A review's decisions on pairs of entries (by entry id, either order): confirmed pairs
/// are the same event, rejected pairs are not; a merge never overrides either.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decisions {
    pub confirmed: HashSet<(u64, u64)>,
    pub rejected: HashSet<(u64, u64)>,
}

/// [`merge`] with the reviewers' decisions of the review.
pub fn merge_with_decisions(
    entries: &[Entry],
    settings: &MergeSettings,
    decisions: &Decisions,
) -> Integrated {
    merge(entries, settings, &decisions.rejected)
}

/// [`merge`], calling `done` with the name of each phase as it ends, so that the benchmark
/// can time the phases (this crate has no clock: it also runs in the browser).
#[doc(hidden)]
pub fn merge_with_phases(
    entries: &[Entry],
    settings: &MergeSettings,
    rejected: &HashSet<(u64, u64)>,
    mut done: impl FnMut(&'static str),
) -> Integrated {
    let order = chronological_order(entries);
    done("order");
    let duplicate_groups = duplicates(entries, &order, settings, rejected, &mut done).groups;
    // Each entry's first and last day, in one pass over the entries: the gaps visit them
    // in chronological order, which would otherwise jump about in the entries.
    let periods: Vec<(NaiveDate, NaiveDate)> = entries
        .iter()
        .map(|e| (e.start.start(), e.last_day()))
        .collect();
    let sharing = sharing(entries, &periods, settings);
    done("sharing");
    let gaps = gaps(&periods, &order, settings);
    done("gaps");
    Integrated {
        order,
        duplicate_groups,
        sharing,
        gaps,
    }
}

/// Start of the period, then no time before any time, then seq, then agency, then id. (The
/// merge sorts by [`packed_order_key`]; the tests check that the order is this one.)
#[cfg(test)]
fn order_key(e: &Entry) -> (NaiveDate, Option<TimeOfDay>, Option<u32>, AgencyKey, u64) {
    (e.start.start(), e.time, e.seq, e.agency, e.id)
}

/// The entries' indices in chronological order: start of the period, then no time before any
/// time, then seq, then agency, then id (equal keys in input order). The keys are worked
/// out once and sorted beside the indices (comparing through the indices would look each
/// entry up again at every comparison, all over memory), and packed into integers.
fn chronological_order(entries: &[Entry]) -> Vec<usize> {
    let mut keyed: Vec<(u128, u64, usize)> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (packed_order_key(e), e.id, i))
        .collect();
    // The index makes every element distinct, so the unstable sort gives the stable order.
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, _, i)| i).collect()
}

/// The order key but the id, in one number that sorts the same: from the highest bits down,
/// the day (32 bits), the time (17: 0 for none), the seq (33: 0 for none), the agency (32).
fn packed_order_key(e: &Entry) -> u128 {
    let day = (i64::from(e.start.start().num_days_from_ce()) - i64::from(i32::MIN)) as u128;
    let time = e
        .time
        .map_or(0, |t| 1 + (u128::from(t.hour) << 8 | u128::from(t.minute)));
    let seq = e.seq.map_or(0, |s| 1 + u128::from(s));
    day << 82 | time << 65 | seq << 32 | u128::from(e.agency)
}

const STOP_WORDS: &[&str] = &[
    "the", "and", "for", "with", "was", "were", "that", "this", "from", "has", "had", "have",
    "not", "are", "but", "his", "her", "she", "him", "they", "them", "their", "who", "which",
    "about", "into", "after", "before", "been", "also", "then", "there", "will", "would",
];

/// FNV-1a over lower-cased ASCII letters and digits (other characters as they are).
fn word_hash(word: &[u8]) -> u64 {
    word.iter().fold(FNV_OFFSET, |h, &b| fnv_step(h, b))
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv_step(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0000_0100_0000_01b3)
}

/// The stop words' hashes, sorted, and a bit per hash bucket that rules out most other
/// words at once (a binary search for every word of every text is slow).
struct StopWords {
    hashes: Vec<u64>,
    buckets: [u64; 16],
}

impl StopWords {
    fn new() -> Self {
        let mut stop = Self {
            hashes: STOP_WORDS.iter().map(|w| word_hash(w.as_bytes())).collect(),
            buckets: [0; 16],
        };
        stop.hashes.sort_unstable();
        for &h in &stop.hashes {
            let b = Self::bucket(h);
            stop.buckets[b / 64] |= 1 << (b % 64);
        }
        stop
    }

    fn bucket(h: u64) -> usize {
        (h >> 54) as usize // 0..1024
    }

    fn contains(&self, h: u64) -> bool {
        let b = Self::bucket(h);
        self.buckets[b / 64] & (1 << (b % 64)) != 0 && self.hashes.binary_search(&h).is_ok()
    }
}

/// The distinct words of a text (3+ characters, no stop words), hashed as by [`word_hash`]
/// and sorted, into `out` (which is reused from entry to entry rather than allocated for
/// each). Words are runs of ASCII letters and digits and non-ASCII characters.
fn words(text: &str, stop: &StopWords, out: &mut Vec<u64>) {
    out.clear();
    let (mut hash, mut len) = (FNV_OFFSET, 0);
    let mut end_word = |hash: u64, len: usize| {
        if len >= 3 && !stop.contains(hash) {
            out.push(hash);
        }
    };
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || !b.is_ascii() {
            hash = fnv_step(hash, b);
            len += 1;
        } else {
            end_word(hash, len);
            (hash, len) = (FNV_OFFSET, 0);
        }
    }
    end_word(hash, len);
    out.sort_unstable();
    out.dedup();
}

/// Whether two sorted word sets are alike: their Jaccard similarity (shared words over all
/// words) in percent, rounded down, is at least `percent`. Sets without words are alike only
/// at 0%.
fn alike_words(a: &[u64], b: &[u64], percent: u32) -> bool {
    if a.is_empty() || b.is_empty() {
        return percent == 0;
    }
    // Without branches on the comparison, which a processor cannot predict.
    let (mut i, mut j, mut common) = (0, 0, 0u64);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        common += u64::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    let union = (a.len() + b.len()) as u64 - common;
    // ⌊100·common / union⌋ ≥ percent, without dividing.
    100 * common >= u64::from(percent) * union
}

/// The window an entry's duplicates are looked for in: its day, or its whole month or year.
fn window(e: &Entry) -> (Precision, NaiveDate) {
    (e.start.precision, e.start.start())
}

/// A list of word hashes per entry (or slot), all in one buffer rather than a vector each.
#[derive(Default)]
struct WordLists {
    hashes: Vec<u64>,
    /// Where each list ends in `hashes`.
    ends: Vec<usize>,
}

impl WordLists {
    fn with_capacity(lists: usize, hashes: usize) -> Self {
        Self {
            hashes: Vec::with_capacity(hashes),
            ends: Vec::with_capacity(lists),
        }
    }

    fn push(&mut self, list: impl IntoIterator<Item = u64>) {
        self.hashes.extend(list);
        self.ends.push(self.hashes.len());
    }

    fn get(&self, slot: usize) -> &[u64] {
        self.get_range(slot..slot + 1)
    }

    /// The hashes of the lists in `slots`, one after another.
    fn get_range(&self, slots: std::ops::Range<usize>) -> &[u64] {
        let start = slots
            .start
            .checked_sub(1)
            .map_or(0, |before| self.ends[before]);
        let end = slots.end.checked_sub(1).map_or(0, |last| self.ends[last]);
        &self.hashes[start..end]
    }
}

/// Roughly how many times each word is used: one counter per hash bucket, so words can
/// share a counter and look commoner than they are. The counts only decide which words are
/// an entry's keys (see [`Keys`]); any order of the words finds the same pairs, and a rough
/// count in a table small enough to stay in the cache costs far less than an exact one.
struct WordCounts {
    counters: Vec<u32>,
    shift: u32,
}

impl WordCounts {
    fn new(all_words: &[u64]) -> Self {
        // About two counters per word, at most 2^16 (256 kB).
        let bits = (all_words.len().max(1) * 2)
            .next_power_of_two()
            .trailing_zeros()
            .clamp(8, 16);
        let mut counts = Self {
            counters: vec![0; 1 << bits],
            shift: 64 - bits,
        };
        for &h in all_words {
            let slot = counts.slot(h);
            counts.counters[slot] = counts.counters[slot].saturating_add(1);
        }
        counts
    }

    fn slot(&self, h: u64) -> usize {
        // The FNV hash's low bits mix poorly; the high bits of a product mix all of them.
        (h.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize
    }

    fn of(&self, h: u64) -> u32 {
        self.counters[self.slot(h)]
    }
}

/// The key of every entry when the threshold is 0%: then any two entries are alike, even
/// without a word in common.
const EVERY_ENTRY: u64 = 0;

/// Picks an entry's keys, the words it is indexed and looked up under in the duplicate
/// search: its `n - ⌈t·n⌉ + 1` rarest words (of n words, at threshold t), rarest first, ties
/// by hash.
///
/// Why that finds every alike pair: if entries x and y share c words and are alike
/// (c ≥ t·|x ∪ y|), then c ≥ ⌈t·|x|⌉. Take the rarest word w they share. The words of x
/// rarer than w are not shared, so there are at most |x| − c of them, and w is among the
/// |x| − c + 1 ≤ |x| − ⌈t·|x|⌉ + 1 rarest words of x; likewise of y. So w is a key of both.
///
/// Why that keeps the search short: a word that many entries use is a key only of an entry
/// with too few rarer words to reach the threshold without it. So entries meet through
/// their rare words, not through the "child", "visit" or "record" that most entries of a
/// busy day share.
struct Keys {
    counts: WordCounts,
    percent: u32,
    /// The words of the entry at hand with their counts, reused from entry to entry.
    ranked: Vec<(u32, u64)>,
}

impl Keys {
    fn of(&mut self, words: &[u64]) -> impl Iterator<Item = u64> + '_ {
        self.ranked.clear();
        if self.percent == 0 {
            self.ranked.push((0, EVERY_ENTRY));
        } else {
            // In integers, as in `alike_words`: at least percent·n/100 words, rounded up.
            let needed = (u64::from(self.percent) * words.len() as u64).div_ceil(100);
            // None above 100%, when nothing is alike.
            if let Some(n) = (words.len() as u64 + 1).checked_sub(needed) {
                let counts = &self.counts;
                self.ranked.extend(words.iter().map(|&h| (counts.of(h), h)));
                self.ranked.sort_unstable();
                self.ranked
                    .truncate(usize::try_from(n).unwrap_or(usize::MAX));
            }
        }
        self.ranked.iter().map(|&(_, h)| h)
    }
}

/// The entries as the duplicate search reads them. The facts of each entry are worked out
/// in one pass over the entries, in memory order; the search then goes through them by
/// window, in slots: the day entries, then the month entries, then the year entries, each
/// chronologically. So the windows come in order of (precision, start), and each window's
/// entries, and the finer windows inside a window, are adjacent slots.
struct Slots {
    entry: Vec<usize>,
    window: Vec<(Precision, NaiveDate)>,
    /// Position in the chronological order.
    position: Vec<u32>,
    agency: Vec<AgencyKey>,
    /// Hash of the event type.
    kind: Vec<Option<u64>>,
    words: WordLists,
    keys: WordLists,
}

impl Slots {
    fn new(
        entries: &[Entry],
        order: &[usize],
        percent: u32,
        done: &mut impl FnMut(&'static str),
    ) -> Self {
        let n = entries.len();
        let (mut window_of, mut agency, mut kind) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        let mut words_of = WordLists::with_capacity(n, 8 * n);
        let stop = StopWords::new();
        let mut scratch = Vec::new();
        for e in entries {
            window_of.push(window(e));
            agency.push(e.agency);
            kind.push(
                e.event_type
                    .as_deref()
                    .map(|t| word_hash(t.trim().as_bytes())),
            );
            words(&e.text, &stop, &mut scratch);
            words_of.push(scratch.iter().copied());
        }
        done("words");
        let mut slots = Self {
            entry: Vec::with_capacity(n),
            window: Vec::with_capacity(n),
            position: Vec::with_capacity(n),
            agency: Vec::with_capacity(n),
            kind: Vec::with_capacity(n),
            words: WordLists::with_capacity(n, words_of.hashes.len()),
            keys: WordLists::with_capacity(n, words_of.hashes.len().max(n)),
        };
        for precision in [Precision::Day, Precision::Month, Precision::Year] {
            for (position, &i) in order.iter().enumerate() {
                if window_of[i].0 == precision {
                    slots.entry.push(i);
                    slots.window.push(window_of[i]);
                    slots
                        .position
                        .push(u32::try_from(position).unwrap_or(u32::MAX));
                    slots.agency.push(agency[i]);
                    slots.kind.push(kind[i]);
                    slots.words.push(words_of.get(i).iter().copied());
                }
            }
        }
        done("slots");
        let mut keys = Keys {
            counts: WordCounts::new(&words_of.hashes),
            percent,
            ranked: Vec::new(),
        };
        for slot in 0..n {
            slots.keys.push(keys.of(slots.words.get(slot)));
        }
        done("keys");
        slots
    }

    fn words(&self, slot: usize) -> &[u64] {
        self.words.get(slot)
    }

    fn keys(&self, slot: usize) -> &[u64] {
        self.keys.get(slot)
    }
}

/// The turn at which two alike entries are joined (`first` and `second` are positions in
/// the chronological order). A join is refused when the group would get two entries of one
/// agency, so the order settles such clashes. It is that of a walk through the windows (in
/// order of precision, then start): first the pairs in the window, then those of the window
/// with each finer window inside it, one finer window after another; and among those, by
/// event type (untyped first), first the pairs of one type, then those of that type with
/// untyped entries, each in chronological order.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Turn {
    first_kind: Option<u64>,
    /// `second` is of another type than `first` (one of them untyped).
    other_kind: bool,
    second_kind: Option<u64>,
    first: u32,
    second: u32,
}

/// Joins the pairs of `turns` in turn, and empties it.
fn join_in_turn(turns: &mut Vec<Turn>, groups: &mut Groups) {
    turns.sort_unstable();
    for t in turns.drain(..) {
        groups.join(t.first as usize, t.second as usize);
    }
}

/// The duplicate groups, and how many pairs of entries were compared to find them.
struct Search {
    groups: Vec<Vec<usize>>,
    #[cfg_attr(not(test), allow(dead_code))] // the tests check that the search stays short
    compared: usize,
}

/// The probable duplicates: entries of other agencies whose windows and event types meet
/// and whose words are alike, joined in groups in the order of [`Turn`]. Only the entries
/// that share a key (see [`Keys`]) are compared, which finds the same pairs as comparing
/// every two entries that meet (the tests check it).
fn duplicates(
    entries: &[Entry],
    order: &[usize],
    settings: &MergeSettings,
    rejected: &HashSet<(u64, u64)>,
    done: &mut impl FnMut(&'static str),
) -> Search {
    let percent = settings.duplicate_similarity_percent;
    let slots = Slots::new(entries, order, percent, done);

    // Entries meet the entries of their window, and those of the finer windows inside it
    // (days in a month, months in a year), if of other agencies; an event type meets itself
    // and untyped entries.
    let meet = |a: usize, b: usize| {
        let (ka, kb) = (slots.kind[a], slots.kind[b]);
        slots.agency[a] != slots.agency[b] && (ka == kb || ka.is_none() || kb.is_none())
    };
    let alike = |a: usize, b: usize| {
        alike_words(slots.words(a), slots.words(b), percent)
            && (rejected.is_empty() || {
                let (x, y) = (entries[slots.entry[a]].id, entries[slots.entry[b]].id);
                !rejected.contains(&(x, y)) && !rejected.contains(&(y, x))
            })
    };
    let turn = |first: usize, second: usize| Turn {
        first_kind: slots.kind[first],
        other_kind: slots.kind[first] != slots.kind[second],
        second_kind: slots.kind[second],
        first: slots.position[first],
        second: slots.position[second],
    };
    // The entries in `index` that share a key with the one in slot `b` and meet it, each
    // once, into `found` (`found_for` tells for each slot the last entry it was found for).
    let meeting = |index: &KeyIndex, b: usize, found: &mut Vec<usize>, found_for: &mut [usize]| {
        found.clear();
        for &k in slots.keys(b) {
            index.visit(k, slots.kind[b], |a| {
                if found_for[a] != b && meet(a, b) {
                    found_for[a] = b;
                    found.push(a);
                }
            });
        }
    };
    let mut agency_at = vec![0; entries.len()];
    for (slot, &position) in slots.position.iter().enumerate() {
        agency_at[position as usize] = slots.agency[slot];
    }
    let mut groups = Groups::new(agency_at);
    let mut compared = 0;
    // Reused from window to window: the keys of the window's entries, the slots found for
    // one entry, the alike pairs with their turns.
    let mut index = KeyIndex::new();
    let mut found: Vec<usize> = Vec::new();
    let mut found_for = vec![usize::MAX; slots.entry.len()];
    let mut turns: Vec<Turn> = Vec::new();
    let mut next = 0;
    for run in slots.window.chunk_by(|a, b| a == b) {
        let members = next..next + run.len();
        next = members.end;
        let (precision, start) = run[0];
        let finer = match precision {
            Precision::Day => None,
            Precision::Month => Some(Precision::Day),
            Precision::Year => Some(Precision::Month),
        };
        let inside = finer.map_or(0..0, |finer| {
            let end = entries[slots.entry[members.start]].start.end();
            slots.window.partition_point(|&w| w < (finer, start))
                ..slots.window.partition_point(|&w| w <= (finer, end))
        });
        if members.len() < 2 && inside.is_empty() {
            continue;
        }
        // Each entry of the window meets those before it, which are in the index by then.
        index.clear(slots.keys.get_range(members.clone()).len());
        for b in members.clone() {
            meeting(&index, b, &mut found, &mut found_for);
            for &a in &found {
                if groups.may_join(slots.position[a] as usize, slots.position[b] as usize) {
                    compared += 1;
                    if alike(a, b) {
                        // The typed entry first; of one type, the earlier.
                        turns.push(
                            if slots.kind[a] == slots.kind[b] || slots.kind[a].is_some() {
                                turn(a, b)
                            } else {
                                turn(b, a)
                            },
                        );
                    }
                }
            }
            for &k in slots.keys(b) {
                index.add(k, slots.kind[b], b);
            }
        }
        join_in_turn(&mut turns, &mut groups);
        // Then the entries of each finer window inside it meet them all, one finer window
        // after another. Joining as it goes, the search need not compare the pairs whose
        // groups already share an agency: they would not be joined.
        let mut next_inside = inside.start;
        for run in slots.window[inside].chunk_by(|a, b| a == b) {
            let finer_window = next_inside..next_inside + run.len();
            next_inside = finer_window.end;
            for b in finer_window {
                meeting(&index, b, &mut found, &mut found_for);
                for &a in &found {
                    if groups.may_join(slots.position[a] as usize, slots.position[b] as usize) {
                        compared += 1;
                        if alike(a, b) {
                            turns.push(turn(a, b));
                        }
                    }
                }
            }
            join_in_turn(&mut turns, &mut groups);
        }
    }
    done("search");
    let groups = groups.into_groups(order);
    done("groups");
    Search { groups, compared }
}

/// The keys of one window's entries, to find the entries that share a key with another and
/// whose event type meets its own. A hash table with chains, whose buckets are kept from
/// window to window (emptying only the buckets used), so that each window costs in
/// proportion to its entries. Keys are filed together with their entry's event type, so
/// that an entry does not even look at those of the types it does not meet.
struct KeyIndex {
    /// The last key added to each bucket, if any.
    heads: Vec<u32>,
    shift: u32,
    /// Each key added (with its type), its slot, and the key added before it to the same
    /// bucket.
    keys: Vec<(u64, u32, u32)>,
    /// The event types of the entries added, and whether one is untyped.
    kinds: Vec<Option<u64>>,
    untyped: bool,
}

impl KeyIndex {
    const NONE: u32 = u32::MAX;

    fn new() -> Self {
        Self {
            heads: Vec::new(),
            shift: 64,
            keys: Vec::new(),
            kinds: Vec::new(),
            untyped: false,
        }
    }

    /// A key and an event type in one number. Two pairs may give the same number: then an
    /// entry looks at one more entry, which is then compared in full.
    fn typed(key: u64, kind: Option<u64>) -> u64 {
        key ^ kind.map_or(0, |k| k.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    fn bucket(&self, typed: u64) -> usize {
        (typed.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize
    }

    /// Empties the index, and makes room for about `keys` keys.
    fn clear(&mut self, keys: usize) {
        if self.heads.len() < 2 * keys.max(1) {
            let bits = (2 * keys.max(1)).next_power_of_two().trailing_zeros();
            self.heads = vec![Self::NONE; 1 << bits];
            self.shift = 64 - bits;
        } else {
            for i in 0..self.keys.len() {
                let b = self.bucket(self.keys[i].0);
                self.heads[b] = Self::NONE;
            }
        }
        self.keys.clear();
        self.kinds.clear();
        self.untyped = false;
    }

    #[inline]
    fn add(&mut self, key: u64, kind: Option<u64>, slot: usize) {
        let typed = Self::typed(key, kind);
        let b = self.bucket(typed);
        let slot = u32::try_from(slot).expect("fewer than 2^32 entries");
        let at = u32::try_from(self.keys.len()).expect("fewer than 2^32 keys");
        self.keys.push((typed, slot, self.heads[b]));
        self.heads[b] = at;
        if self.kinds.last() != Some(&kind) && !self.kinds.contains(&kind) {
            self.kinds.push(kind);
            self.untyped |= kind.is_none();
        }
    }

    /// Calls `visit` with the slots added with `key` and a type that meets `kind`: the
    /// same type, or any when either is untyped.
    #[inline]
    fn visit(&self, key: u64, kind: Option<u64>, mut visit: impl FnMut(usize)) {
        let mut with = |typed: u64| {
            let mut at = self
                .heads
                .get(self.bucket(typed))
                .copied()
                .unwrap_or(Self::NONE);
            while at != Self::NONE {
                let (k, slot, before) = self.keys[at as usize];
                if k == typed {
                    visit(slot as usize);
                }
                at = before;
            }
        };
        if kind.is_some() {
            with(Self::typed(key, kind));
            if self.untyped {
                with(Self::typed(key, None));
            }
        } else {
            for &k in &self.kinds {
                with(Self::typed(key, k));
            }
        }
    }
}

/// Union-find over the positions in the chronological order that refuses to put two
/// entries of one agency in a group. A group's members are also linked in a ring, to check
/// their agencies without a list per group.
struct Groups {
    parent: Vec<usize>,
    /// The next member of the same group (itself when alone).
    next: Vec<usize>,
    /// The agency of the entry at each position.
    agency: Vec<AgencyKey>,
    /// At each group's root: a bit for each of its agencies (numbers modulo 64), and whether
    /// those are all below 64. Two groups whose bits do not meet have no agency in common,
    /// and if their agencies are below 64, two whose bits meet have one; only otherwise
    /// are their members compared.
    bits: Vec<(u64, bool)>,
}

impl Groups {
    fn new(agency: Vec<AgencyKey>) -> Self {
        Self {
            parent: (0..agency.len()).collect(),
            next: (0..agency.len()).collect(),
            bits: agency.iter().map(|&a| (1 << (a % 64), a < 64)).collect(),
            agency,
        }
    }

    fn root(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn members(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(i), move |&m| Some(self.next[m]).filter(|&n| n != i))
    }

    /// False when joining `a` and `b` would surely do nothing, now or after other joins:
    /// they are in one group, or their groups surely have an agency in common.
    fn may_join(&mut self, a: usize, b: usize) -> bool {
        let (ra, rb) = (self.root(a), self.root(b));
        let ((bits_a, small_a), (bits_b, small_b)) = (self.bits[ra], self.bits[rb]);
        ra != rb && !(bits_a & bits_b != 0 && small_a && small_b)
    }

    fn join(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.root(a), self.root(b));
        if ra == rb {
            return;
        }
        let ((bits_a, small_a), (bits_b, small_b)) = (self.bits[ra], self.bits[rb]);
        if bits_a & bits_b != 0
            && (small_a && small_b
                || self
                    .members(ra)
                    .any(|x| self.members(rb).any(|y| self.agency[x] == self.agency[y])))
        {
            return;
        }
        self.parent[rb] = ra;
        self.bits[ra] = (bits_a | bits_b, small_a && small_b);
        // Swapping two successors joins the two rings into one.
        self.next.swap(ra, rb);
    }

    /// The groups of two or more, as entry indices. Walking the positions in order puts
    /// each group's members in order, and the groups in order of their first member.
    fn into_groups(mut self, order: &[usize]) -> Vec<Vec<usize>> {
        let mut group_of_root = vec![usize::MAX; self.parent.len()];
        let mut out: Vec<Vec<usize>> = Vec::new();
        for (position, &i) in order.iter().enumerate() {
            if self.next[position] == position {
                continue;
            }
            let r = self.root(position);
            if group_of_root[r] == usize::MAX {
                group_of_root[r] = out.len();
                out.push(Vec::with_capacity(self.members(r).count()));
            }
            out[group_of_root[r]].push(i);
        }
        out
    }
}

/// `periods` holds each entry's first and last day.
fn sharing(
    entries: &[Entry],
    periods: &[(NaiveDate, NaiveDate)],
    settings: &MergeSettings,
) -> Vec<Sharing> {
    // The entries, by date (then id, so the confirming entry does not depend on where it
    // stood in the input), of each agency that some entry says it shared with; and the
    // entries that say so. In one pass over the entries.
    let mut by_agency: HashMap<AgencyKey, Vec<(NaiveDate, u64, usize)>> = HashMap::new();
    let mut receivers = HashSet::new();
    let mut sharers = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        by_agency
            .entry(e.agency)
            .or_default()
            .push((periods[i].0, e.id, i));
        if e.shared_with.iter().any(|&with| with != e.agency) {
            sharers.push(i);
            receivers.extend(e.shared_with.iter().copied());
        }
    }
    by_agency.retain(|agency, _| receivers.contains(agency));
    for list in by_agency.values_mut() {
        list.sort_unstable();
    }
    let tolerance = chrono::Days::new(u64::from(settings.sharing_tolerance_days));
    let mut out = Vec::new();
    for i in sharers {
        let e = &entries[i];
        for &with in &e.shared_with {
            if with == e.agency {
                continue;
            }
            let (start, last_day) = periods[i];
            let from = start.checked_sub_days(tolerance).unwrap_or(NaiveDate::MIN);
            let to = last_day
                .checked_add_days(tolerance)
                .unwrap_or(NaiveDate::MAX);
            let confirmed_by = by_agency.get(&with).and_then(|list| {
                let first = list.partition_point(|(d, _, _)| *d < from);
                list.get(first)
                    .filter(|(d, _, _)| *d <= to)
                    .map(|(_, _, j)| *j)
            });
            out.push(Sharing {
                entry: i,
                with,
                confirmed_by,
            });
        }
    }
    out
}

/// `periods` holds each entry's first and last day.
fn gaps(periods: &[(NaiveDate, NaiveDate)], order: &[usize], settings: &MergeSettings) -> Vec<Gap> {
    let mut out = Vec::new();
    let mut covered_to: Option<NaiveDate> = None;
    for &i in order {
        let (start, last_day) = periods[i];
        if let Some(last) = covered_to {
            let days = (start - last).num_days() - 1;
            if days > i64::from(settings.gap_threshold_days) {
                out.push(Gap {
                    after: last,
                    before: start,
                    days,
                });
            }
        }
        covered_to = Some(covered_to.map_or(last_day, |c| c.max(last_day)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: u64, agency: AgencyKey, date: &str, text: &str) -> Entry {
        Entry {
            id,
            agency,
            seq: None,
            start: PartialDate::parse(date).expect("date"),
            time: None,
            end: None,
            event_type: None,
            text: text.into(),
            shared_with: vec![],
        }
    }

    #[test]
    fn orders_by_date_then_untimed_first_then_seq_then_agency() {
        let mut timed = entry(1, 0, "22/05/2016", "visit");
        timed.time = Some(TimeOfDay::parse("09:00").expect("time"));
        let untimed = entry(2, 1, "22/05/2016", "call");
        let mut seq2 = entry(3, 0, "22/05/2016", "note");
        seq2.seq = Some(2);
        let mut seq1 = entry(4, 2, "22/05/2016", "note");
        seq1.seq = Some(1);
        let month = entry(5, 3, "May 2016", "imprecise");
        let earlier = entry(6, 4, "21/05/2016", "before");
        let list = vec![timed, untimed, seq2, seq1, month, earlier];
        let out = merge(&list, &MergeSettings::default(), &HashSet::new());
        let ids: Vec<u64> = out.order.iter().map(|&i| list[i].id).collect();
        assert_eq!(ids, vec![5, 6, 2, 4, 3, 1]);
    }

    #[test]
    fn finds_one_strategy_discussion_recorded_by_three_agencies() {
        let mut list = vec![
            entry(
                1,
                0,
                "3/6/2016",
                "Strategy discussion held with police and health about bruising to Child A",
            ),
            entry(
                2,
                1,
                "03/06/2016",
                "Strategy discussion with social care and health: bruising to Child A",
            ),
            entry(
                3,
                2,
                "2016-06-03",
                "Attended strategy discussion re bruising Child A, social care and police",
            ),
            entry(4, 0, "3/6/2016", "Home visit to mother, house untidy"),
            entry(
                5,
                1,
                "4/6/2016",
                "Strategy discussion with social care and health: bruising to Child A",
            ),
        ];
        list[3].event_type = Some("Home visit".into());
        let out = merge(&list, &MergeSettings::default(), &HashSet::new());
        assert_eq!(out.duplicate_groups.len(), 1, "{:?}", out.duplicate_groups);
        let ids: Vec<u64> = out.duplicate_groups[0]
            .iter()
            .map(|&i| list[i].id)
            .collect();
        assert_eq!(ids.len(), 3);
        assert!(
            !ids.contains(&4) && !ids.contains(&5),
            "another day or another event is not a duplicate"
        );
    }

    #[test]
    fn never_groups_two_entries_of_one_agency_and_remembers_rejections() {
        let list = vec![
            entry(1, 0, "3/6/2016", "Strategy discussion about bruising"),
            entry(2, 0, "3/6/2016", "Strategy discussion about bruising"),
            entry(3, 1, "3/6/2016", "Strategy discussion about bruising"),
        ];
        let out = merge(&list, &MergeSettings::default(), &HashSet::new());
        assert_eq!(out.duplicate_groups.len(), 1);
        let agencies: Vec<AgencyKey> = out.duplicate_groups[0]
            .iter()
            .map(|&i| list[i].agency)
            .collect();
        assert_eq!(agencies.len(), 2);
        assert_ne!(agencies[0], agencies[1]);
        let rejected: HashSet<(u64, u64)> = [(1, 3), (2, 3)].into_iter().collect();
        assert!(merge(&list, &MergeSettings::default(), &rejected)
            .duplicate_groups
            .is_empty());
    }

    #[test]
    fn imprecise_dates_meet_the_days_in_their_period() {
        let list = vec![
            entry(
                1,
                0,
                "May 2016",
                "Referral from school about neglect of Child A",
            ),
            entry(
                2,
                1,
                "12/05/2016",
                "Referral received from school about neglect of Child A",
            ),
            entry(
                3,
                1,
                "12/06/2016",
                "Referral received from school about neglect of Child A",
            ),
        ];
        let out = merge(&list, &MergeSettings::default(), &HashSet::new());
        let ids: Vec<Vec<u64>> = out
            .duplicate_groups
            .iter()
            .map(|g| g.iter().map(|&i| list[i].id).collect())
            .collect();
        assert_eq!(ids, vec![vec![1, 2]]);
    }

    #[test]
    fn words_most_entries_share_do_not_make_every_entry_a_candidate() {
        // A busy day: 300 entries of 20 agencies, all about the child's contact with the
        // family, each with enough words of its own (5 of 8: at 40% two would have to share
        // 4) that the common ones are not among its keys; and one event recorded twice.
        let mut list: Vec<Entry> = (0..300)
            .map(|i| {
                entry(
                    i,
                    (i % 20) as AgencyKey,
                    "3/6/2016",
                    &format!(
                        "Child contact with family: note{i} item{i} topic{i} matter{i} point{i}"
                    ),
                )
            })
            .collect();
        list.push(entry(
            300,
            0,
            "3/6/2016",
            "Child contact with family at the contact centre, supervised",
        ));
        list.push(entry(
            301,
            1,
            "3/6/2016",
            "Supervised child contact with family at contact centre",
        ));
        let order = chronological_order(&list);
        let search = duplicates(
            &list,
            &order,
            &MergeSettings::default(),
            &HashSet::new(),
            &mut |_| {},
        );
        let ids: Vec<Vec<u64>> = search
            .groups
            .iter()
            .map(|g| g.iter().map(|&i| list[i].id).collect())
            .collect();
        assert_eq!(ids, vec![vec![300, 301]]);
        // Comparing every pair of the day would take 302·301/2 = 45451 comparisons.
        assert!(search.compared < 100, "{} comparisons", search.compared);
    }

    #[test]
    fn keys_are_the_rarest_words_enough_to_reach_the_threshold() {
        let counted = [1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 5];
        let keys = |percent: u32, words: &[u64]| {
            Keys {
                counts: WordCounts::new(&counted),
                percent,
                ranked: Vec::new(),
            }
            .of(words)
            .collect::<Vec<u64>>()
        };
        // 5 words at 40%: 2 must be shared, so the 4 rarest are keys.
        assert_eq!(keys(40, &[5, 4, 3, 2, 1]), vec![1, 2, 3, 4]);
        assert_eq!(keys(100, &[5, 4, 3, 2, 1]), vec![1]);
        assert_eq!(
            keys(101, &[5, 4, 3, 2, 1]),
            Vec::<u64>::new(),
            "nothing is alike above 100%"
        );
        assert_eq!(keys(40, &[]), Vec::<u64>::new(), "no words, nothing alike");
        assert_eq!(keys(0, &[]), vec![EVERY_ENTRY], "at 0% everything is alike");
    }

    #[test]
    fn an_entry_without_words_is_no_duplicate() {
        let mut list = vec![
            entry(1, 0, "May 2016", "-"),
            entry(2, 1, "12/05/2016", "Referral received from school"),
            entry(3, 2, "13/05/2016", ""),
        ];
        list[1].event_type = Some("Referral".into());
        let out = merge(&list, &MergeSettings::default(), &HashSet::new());
        assert!(out.duplicate_groups.is_empty());
        let anything = MergeSettings {
            duplicate_similarity_percent: 0,
            ..MergeSettings::default()
        };
        assert_eq!(
            merge(&list, &anything, &HashSet::new()).duplicate_groups,
            vec![vec![0, 1, 2]],
            "at 0% everything is alike"
        );
    }

    #[test]
    fn sharing_is_confirmed_within_the_tolerance_else_flagged() {
        let mut a = entry(1, 0, "1/3/2016", "Referral sent to social care");
        a.shared_with = vec![1, 2];
        let b = entry(2, 1, "3/3/2016", "Referral received");
        let c = entry(3, 2, "10/3/2016", "Letter received");
        let list = vec![a, b, c];
        let out = merge(&list, &MergeSettings::default(), &HashSet::new());
        assert_eq!(
            out.sharing,
            vec![
                Sharing {
                    entry: 0,
                    with: 1,
                    confirmed_by: Some(1)
                },
                Sharing {
                    entry: 0,
                    with: 2,
                    confirmed_by: None
                },
            ]
        );
        let wide = MergeSettings {
            sharing_tolerance_days: 10,
            ..MergeSettings::default()
        };
        assert_eq!(
            merge(&list, &wide, &HashSet::new()).sharing[1].confirmed_by,
            Some(2)
        );
    }

    #[test]
    fn gaps_longer_than_the_threshold() {
        let list = vec![
            entry(1, 0, "1/1/2016", "a"),
            entry(2, 1, "20/1/2016", "b"),
            entry(3, 0, "1/3/2016", "c"),
            entry(4, 1, "March 2016", "d"),
            entry(5, 2, "15/4/2016", "e"),
        ];
        let out = merge(&list, &MergeSettings::default(), &HashSet::new());
        let d = |s: &str| PartialDate::parse(s).expect("date").start();
        assert_eq!(
            out.gaps,
            vec![Gap {
                after: d("20/1/2016"),
                before: d("1/3/2016"),
                days: 40
            }]
        );
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    const WORDS: &[&str] = &[
        "strategy",
        "discussion",
        "bruising",
        "referral",
        "home",
        "visit",
        "school",
        "mother",
        "child",
        "police",
        "health",
        "assessment",
        "conference",
        "neglect",
        "attendance",
    ];

    fn arb_entry() -> impl Strategy<Value = Entry> {
        (
            0u32..20,
            0i64..900,
            0u8..10,
            proptest::option::of((0u8..24, 0u8..60)),
            proptest::option::of(0u32..4),
            proptest::collection::vec(0usize..WORDS.len(), 1..8),
            proptest::collection::vec(0u32..20, 0..3),
            proptest::option::of(0usize..3),
        )
            .prop_map(
                |(agency, day, precision, time, seq, words, shared_with, kind)| {
                    let date = NaiveDate::from_ymd_opt(2015, 1, 1).expect("date")
                        + chrono::Duration::days(day);
                    let start = match precision {
                        0 => PartialDate::year(chrono::Datelike::year(&date)).expect("year"),
                        1 | 2 => PartialDate::month(
                            chrono::Datelike::year(&date),
                            chrono::Datelike::month(&date),
                        )
                        .expect("month"),
                        _ => PartialDate::day(date),
                    };
                    Entry {
                        id: 0,
                        agency,
                        seq,
                        start,
                        time: time.map(|(hour, minute)| TimeOfDay { hour, minute }),
                        end: None,
                        event_type: kind
                            .map(|k| ["Contact", "Referral", "Strategy discussion"][k].to_string()),
                        text: words
                            .iter()
                            .map(|&w| WORDS[w])
                            .collect::<Vec<_>>()
                            .join(" "),
                        shared_with,
                    }
                },
            )
    }

    fn arb_entries() -> impl Strategy<Value = Vec<Entry>> {
        proptest::collection::vec(arb_entry(), 0..120).prop_map(|mut list| {
            for (i, e) in list.iter_mut().enumerate() {
                e.id = i as u64 + 1;
            }
            list
        })
    }

    /// The result in entry ids: order, groups, sharing (entry, with, confirmed by), gaps.
    type ById = (
        Vec<u64>,
        Vec<Vec<u64>>,
        Vec<(u64, u32, Option<u64>)>,
        Vec<Gap>,
    );

    /// The result in entry ids, independent of input positions.
    fn by_id(entries: &[Entry], out: &Integrated) -> ById {
        let id = |i: usize| entries[i].id;
        let mut sharing: Vec<_> = out
            .sharing
            .iter()
            .map(|s| (id(s.entry), s.with, s.confirmed_by.map(id)))
            .collect();
        sharing.sort();
        (
            out.order.iter().map(|&i| id(i)).collect(),
            out.duplicate_groups
                .iter()
                .map(|g| g.iter().map(|&i| id(i)).collect())
                .collect(),
            sharing,
            out.gaps.clone(),
        )
    }

    /// Union-find with each group's agencies in a list at its root (empty for a lone entry),
    /// for [`comparing_every_pair`].
    struct ListGroups {
        parent: Vec<usize>,
        agencies: Vec<Vec<AgencyKey>>,
    }

    impl ListGroups {
        fn root(&mut self, mut i: usize) -> usize {
            while self.parent[i] != i {
                self.parent[i] = self.parent[self.parent[i]];
                i = self.parent[i];
            }
            i
        }

        fn join(&mut self, a: usize, b: usize, entries: &[Entry]) {
            let (ra, rb) = (self.root(a), self.root(b));
            if ra == rb {
                return;
            }
            let agencies = |groups: &Self, r: usize| {
                if groups.agencies[r].is_empty() {
                    vec![entries[r].agency]
                } else {
                    groups.agencies[r].clone()
                }
            };
            let (mut la, lb) = (agencies(self, ra), agencies(self, rb));
            if la.iter().any(|x| lb.contains(x)) {
                return;
            }
            la.extend(lb);
            self.parent[rb] = ra;
            self.agencies[rb] = Vec::new();
            self.agencies[ra] = la;
        }
    }

    /// The duplicate groups found by comparing every pair of entries that meet, and joining
    /// them in a list-keeping union-find: the search as it was before it had keys, to check
    /// that the keys lose no pair and the joins keep their order.
    fn comparing_every_pair(
        entries: &[Entry],
        order: &[usize],
        settings: &MergeSettings,
        rejected: &HashSet<(u64, u64)>,
    ) -> Vec<Vec<usize>> {
        use std::collections::BTreeMap;
        /// Jaccard similarity of two sorted word sets, in percent.
        fn similarity(a: &[u64], b: &[u64]) -> u32 {
            if a.is_empty() || b.is_empty() {
                return 0;
            }
            let (mut i, mut j, mut common) = (0, 0, 0usize);
            while i < a.len() && j < b.len() {
                match a[i].cmp(&b[j]) {
                    std::cmp::Ordering::Less => i += 1,
                    std::cmp::Ordering::Greater => j += 1,
                    std::cmp::Ordering::Equal => {
                        common += 1;
                        i += 1;
                        j += 1;
                    }
                }
            }
            let union = a.len() + b.len() - common;
            u32::try_from(common * 100 / union).unwrap_or(0)
        }
        let stop = StopWords::new();
        let words_of: Vec<Vec<u64>> = entries
            .iter()
            .map(|e| {
                let mut out = Vec::new();
                words(&e.text, &stop, &mut out);
                out
            })
            .collect();
        let type_of = |e: &Entry| {
            e.event_type
                .as_deref()
                .map(|t| word_hash(t.trim().as_bytes()))
        };
        type Window = BTreeMap<Option<u64>, Vec<usize>>;
        let mut windows: BTreeMap<(Precision, NaiveDate), Window> = BTreeMap::new();
        for &i in order {
            let e = &entries[i];
            windows
                .entry(window(e))
                .or_default()
                .entry(type_of(e))
                .or_default()
                .push(i);
        }
        let mut groups = ListGroups {
            parent: (0..entries.len()).collect(),
            agencies: vec![Vec::new(); entries.len()],
        };
        let compare = |a: usize, b: usize, groups: &mut ListGroups| {
            let (ea, eb) = (&entries[a], &entries[b]);
            if ea.agency != eb.agency
                && similarity(&words_of[a], &words_of[b]) >= settings.duplicate_similarity_percent
                && !rejected.contains(&(ea.id, eb.id))
                && !rejected.contains(&(eb.id, ea.id))
            {
                groups.join(a, b, entries);
            }
        };
        let across = |xs: &[usize], ys: &[usize], groups: &mut ListGroups| {
            for &a in xs {
                for &b in ys {
                    compare(a, b, groups);
                }
            }
        };
        let none = Vec::new();
        for (&(precision, start), by_type) in &windows {
            let untyped = by_type.get(&None).unwrap_or(&none);
            for (kind, members) in by_type {
                for (x, &a) in members.iter().enumerate() {
                    for &b in &members[x + 1..] {
                        compare(a, b, &mut groups);
                    }
                }
                if kind.is_some() {
                    across(members, untyped, &mut groups);
                }
            }
            let finer = match precision {
                Precision::Day => continue,
                Precision::Month => Precision::Day,
                Precision::Year => Precision::Month,
            };
            let end = entries[by_type.values().flatten().next().copied().unwrap_or(0)]
                .start
                .end();
            for (_, inside) in windows.range((finer, start)..=(finer, end)) {
                for (kind, members) in by_type {
                    if kind.is_some() {
                        across(members, inside.get(kind).unwrap_or(&none), &mut groups);
                        across(members, inside.get(&None).unwrap_or(&none), &mut groups);
                    } else {
                        for list in inside.values() {
                            across(members, list, &mut groups);
                        }
                    }
                }
            }
        }
        // The groups of two or more, each in order, in order of their first entries.
        let mut position = vec![0; entries.len()];
        for (p, &i) in order.iter().enumerate() {
            position[i] = p;
        }
        let mut by_root: HashMap<usize, Vec<usize>> = HashMap::new();
        for i in 0..entries.len() {
            let r = groups.root(i);
            by_root.entry(r).or_default().push(i);
        }
        let mut out: Vec<Vec<usize>> = by_root.into_values().filter(|g| g.len() > 1).collect();
        for group in &mut out {
            group.sort_by_key(|&i| position[i]);
        }
        out.sort_by_key(|g| position[g[0]]);
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn the_order_is_a_permutation_of_the_input(entries in arb_entries()) {
            let out = merge(&entries, &MergeSettings::default(), &HashSet::new());
            let mut seen = out.order.clone();
            seen.sort_unstable();
            prop_assert_eq!(seen, (0..entries.len()).collect::<Vec<_>>());
        }

        #[test]
        fn the_order_holds(entries in arb_entries()) {
            let out = merge(&entries, &MergeSettings::default(), &HashSet::new());
            for pair in out.order.windows(2) {
                prop_assert!(order_key(&entries[pair[0]]) <= order_key(&entries[pair[1]]));
            }
        }

        #[test]
        fn groups_are_of_different_agencies_and_sharing_confirmations_are_by_the_receiver(entries in arb_entries()) {
            let out = merge(&entries, &MergeSettings::default(), &HashSet::new());
            for group in &out.duplicate_groups {
                let agencies: HashSet<AgencyKey> = group.iter().map(|&i| entries[i].agency).collect();
                prop_assert_eq!(agencies.len(), group.len());
            }
            for s in &out.sharing {
                if let Some(j) = s.confirmed_by {
                    prop_assert_eq!(entries[j].agency, s.with);
                }
            }
        }

        #[test]
        fn the_same_input_gives_the_same_output_in_any_input_order(entries in arb_entries(), seed in any::<u64>()) {
            let settings = MergeSettings::default();
            let first = merge(&entries, &settings, &HashSet::new());
            prop_assert_eq!(&first, &merge(&entries, &settings, &HashSet::new()));
            let mut shuffled = entries.clone();
            let mut state = seed | 1;
            for i in (1..shuffled.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                shuffled.swap(i, (state % (i as u64 + 1)) as usize);
            }
            let second = merge(&shuffled, &settings, &HashSet::new());
            prop_assert_eq!(by_id(&entries, &first).0, by_id(&shuffled, &second).0);
            prop_assert_eq!(by_id(&entries, &first).1, by_id(&shuffled, &second).1);
            prop_assert_eq!(by_id(&entries, &first).2, by_id(&shuffled, &second).2);
            prop_assert_eq!(by_id(&entries, &first).3, by_id(&shuffled, &second).3);
        }

        #[test]
        fn the_keys_find_the_groups_that_comparing_every_pair_finds(
            entries in arb_entries(),
            percent in prop_oneof![Just(0u32), Just(40), 0u32..=101],
            rejected in proptest::collection::hash_set((1u64..120, 1u64..120), 0..30),
            spread in prop_oneof![Just(1u32), Just(64), Just(1000)],
        ) {
            // Agency numbers 64 apart share their bit in `Groups`, so that it compares the
            // members; 1000 apart, some are below 64 and some not. And some entries have no
            // words.
            let mut entries = entries;
            for e in &mut entries {
                e.agency *= spread;
                if e.id % 7 == 0 {
                    e.text = "-".into();
                }
            }
            let settings = MergeSettings {
                duplicate_similarity_percent: percent,
                ..MergeSettings::default()
            };
            let order = chronological_order(&entries);
            let search = duplicates(&entries, &order, &settings, &rejected, &mut |_| {});
            prop_assert_eq!(
                search.groups,
                comparing_every_pair(&entries, &order, &settings, &rejected)
            );
        }
    }
}
