//! The fast path of the duplicates: the same candidate pairs, patterns, weights and groups
//! as the general path (`Linkage::duplicates`), worked out the way a review of 100,000
//! entries needs (issue 16: the merge within ten times a plain sort of the entries).
//!
//! What differs is only how, never what (`tests/merge_paths.rs` checks that both paths
//! give the same result, to the bit):
//! - the window of exact dates reads one compact slot per entry (day, agency, kind, flags,
//!   the agencies it shared with), and an entry reads only the entries of its window whose
//!   kinds are not different from its own (or that share an uncommon word with it), from
//!   lists by kind: the checks that rule most pairs out read no entry and no vocabulary;
//!   the pairs come in another order, which the result does not depend on (counts of
//!   patterns, and groups from pairs sorted by weight and position);
//! - the cosine of a pair is summed from the earlier entry's vector spread into a table by
//!   word id, read once per word of the later entry, rather than by merging two lists
//!   (the same products in the same order; a word the earlier entry lacks adds an exact
//!   zero);
//! - every candidate's probability is kept in a table sorted by pair, rather than a map.
//!
//! Imprecise entries (a month, a year) are few: they take the general path's candidates.

use super::{
    pattern_of, Decided, DuplicateEvidence, Found, Linkage, PairProbabilities, Side, NO_KIND,
};
use crate::chronology::dates::Precision;
use crate::chronology::merge::{AgencyKey, Entry};

/// The entry records a joint event (a meeting, a visit).
const JOINT: u8 = 1;
/// The entry records a message.
const MESSAGE: u8 = 2;
/// The entry records receiving a message.
const RECEIPT_MESSAGE: u8 = 4;

/// What the window of exact dates needs of an entry, side by side.
struct Slot {
    first: i32,
    agency: AgencyKey,
    /// The event kind as an index into the table of different kinds (the last for none).
    kind: u32,
    /// The position of the entry.
    position: u32,
    /// Whether it has uncommon words.
    rare: bool,
    flags: u8,
    /// See `Facts::shared_bits`.
    shared_bits: u64,
    /// What the pattern reads of the entry (rather than its facts, further away).
    side: Side,
}

impl Linkage {
    /// [`Linkage::duplicates`], the fast way (the same result).
    pub(crate) fn duplicates_fast(
        &self,
        entries: &[Entry],
        decided: &Decided,
    ) -> Vec<(Vec<usize>, DuplicateEvidence)> {
        let decided = &self.by_position(decided);
        let mut found = Found::new(decided);
        self.day_pairs(entries, &mut found);
        self.imprecise_candidates(entries, |a, b| found.add(a, b, self.compare(a, b).0));
        self.group(entries, decided, found, PairTable::default())
    }

    /// The candidate pairs of entries with exact dates (as the general path's
    /// `candidates`), each counted in `found` with its pattern.
    fn day_pairs(&self, entries: &[Entry], found: &mut Found<'_>) {
        let kinds = self.lex.kinds.len();
        let width = kinds + 1;
        let slot_of = |k: u16| if k == NO_KIND { kinds } else { k as usize };
        // The level of each two kinds (3, unknown, where either is none), and whether they
        // are different.
        let mut level = vec![3u8; width * width];
        for ka in 0..kinds {
            for kb in 0..kinds {
                level[ka * width + kb] = self.kinds_level(ka as u16, kb as u16) as u8;
            }
        }
        let different: Vec<bool> = level.iter().map(|&l| l == 2).collect();
        let slots: Vec<Slot> = self
            .facts
            .iter()
            .enumerate()
            .filter(|(_, f)| f.precision == Precision::Day)
            .map(|(p, f)| {
                let (joint, message) = match f.kind {
                    NO_KIND => (false, false),
                    k => {
                        let kind = &self.lex.kinds[k as usize];
                        (kind.joint, kind.communication)
                    }
                };
                let mut flags = 0;
                if joint {
                    flags |= JOINT;
                }
                if message {
                    flags |= MESSAGE;
                    if f.receipt {
                        flags |= RECEIPT_MESSAGE;
                    }
                }
                Slot {
                    first: f.first,
                    agency: f.agency,
                    kind: slot_of(f.kind) as u32,
                    position: p as u32,
                    rare: f.rare.0 != f.rare.1,
                    flags,
                    shared_bits: f.shared_bits,
                    side: f.side(),
                }
            })
            .collect();
        // The slots of each kind, and those with uncommon words, by index in `slots`: an entry
        // reads only the lists of the kinds not different from its own (and, if it has
        // uncommon words, the list of those that have some), not every entry of its window.
        let mut of_kind: Vec<Vec<u32>> = vec![Vec::new(); width];
        let mut with_rare: Vec<u32> = Vec::new();
        for (x, slot) in slots.iter().enumerate() {
            of_kind[slot.kind as usize].push(x as u32);
            if slot.rare {
                with_rare.push(x as u32);
            }
        }
        let used: Vec<usize> = (0..width).filter(|&k| !of_kind[k].is_empty()).collect();
        let meets: Vec<Vec<usize>> = (0..width)
            .map(|ka| {
                used.iter()
                    .copied()
                    .filter(|&kb| !different[ka * width + kb])
                    .collect()
            })
            .collect();
        // Per list, the first of its slots after the current one (they only move forwards).
        let mut next_of_kind = vec![0usize; width];
        let mut next_rare = 0usize;
        // The earlier entry's vector by word id (zero elsewhere), while its window is read.
        let mut spread = vec![0.0f32; self.df.len()];
        let mut window: Vec<u32> = Vec::new();
        for (x, sa) in slots.iter().enumerate() {
            let a = sa.position as usize;
            let after = |list: &[u32], next: &mut usize| {
                while list.get(*next).is_some_and(|&y| y as usize <= x) {
                    *next += 1;
                }
                *next
            };
            let in_window = |y: u32| slots[y as usize].first <= sa.first + 1;
            window.clear();
            for &k in &meets[sa.kind as usize] {
                let list = &of_kind[k];
                let from = after(list, &mut next_of_kind[k]);
                window.extend(list[from..].iter().copied().take_while(|&y| in_window(y)));
            }
            if sa.rare {
                let from = after(&with_rare, &mut next_rare);
                window.extend(
                    with_rare[from..]
                        .iter()
                        .copied()
                        .take_while(|&y| in_window(y))
                        .filter(|&y| {
                            // Entries of kinds that meet its own are in the window already.
                            let sb = &slots[y as usize];
                            different[sa.kind as usize * width + sb.kind as usize]
                                && self.share_rare(a, sb.position as usize)
                        }),
                );
            }
            // In the order of the entries: memory is read forwards, and the pairs come in
            // order, so that the table of probabilities is built sorted.
            window.sort_unstable();
            let mut spread_out = false;
            for &y in &window {
                let sb = &slots[y as usize];
                if sa.agency == sb.agency || self.sharing_slots(entries, sa, sb) {
                    continue;
                }
                let b = sb.position as usize;
                if !spread_out {
                    for &(w, v) in self.vector(a) {
                        spread[w as usize] = v;
                    }
                    spread_out = true;
                }
                let mut cos = 0.0f32;
                for &(w, v) in self.vector(b) {
                    cos += spread[w as usize] * v;
                }
                let kind = usize::from(level[sa.kind as usize * width + sb.kind as usize]);
                found.add(a, b, pattern_of(&sa.side, &sb.side, kind, cos));
            }
            if spread_out {
                for &(w, _) in self.vector(a) {
                    spread[w as usize] = 0.0;
                }
            }
        }
    }

    /// [`Linkage::sharing_pair`] from the slots (the entries are read only when an entry's
    /// bits say it may have shared with the other's agency).
    fn sharing_slots(&self, entries: &[Entry], a: &Slot, b: &Slot) -> bool {
        let says = |x: &Slot, y: &Slot| {
            x.shared_bits & (1 << (y.agency % 64)) != 0
                && entries[self.entry_of[x.position as usize]]
                    .shared_with
                    .contains(&y.agency)
        };
        ((says(a, b) || says(b, a)) && a.flags & b.flags & JOINT == 0)
            || a.flags & b.flags & MESSAGE != 0
            || (a.flags | b.flags) & RECEIPT_MESSAGE != 0
    }
}

/// Every candidate's probability in a table sorted by pair, with where each first entry's
/// pairs begin: a pair is read by a short search among its first entry's pairs.
#[derive(Default)]
struct PairTable {
    pairs: Vec<(u32, u32, f32)>,
    /// The pairs of first entry `a` are `pairs[rows[a]..rows[a + 1]]`.
    rows: Vec<u32>,
}

impl PairProbabilities for PairTable {
    fn insert(&mut self, a: usize, b: usize, probability: f32) {
        self.pairs.push((a as u32, b as u32, probability));
    }

    fn ready(&mut self) {
        // The exact dates' pairs come in order; the imprecise entries' after them. The
        // stable sort merges the runs it finds.
        if !self.pairs.is_sorted_by_key(|&(a, b, _)| (a, b)) {
            self.pairs.sort_by_key(|&(a, b, _)| (a, b));
        }
        let rows = self.pairs.last().map_or(0, |&(a, _, _)| a as usize + 2);
        self.rows = vec![0; rows];
        for &(a, _, _) in &self.pairs {
            self.rows[a as usize + 1] += 1;
        }
        for r in 1..rows {
            self.rows[r] += self.rows[r - 1];
        }
    }

    fn get(&self, (a, b): (usize, usize)) -> f32 {
        let (Some(&from), Some(&to)) = (self.rows.get(a), self.rows.get(a + 1)) else {
            return 0.0;
        };
        let row = &self.pairs[from as usize..to as usize];
        row.binary_search_by_key(&(b as u32), |&(_, b, _)| b)
            .map_or(0.0, |i| row[i].2)
    }
}
