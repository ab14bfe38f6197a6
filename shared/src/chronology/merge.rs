//! The integrated chronology: every submitted entry of every agency, in one order, with the
//! probable duplicates, the information sharing that the receiving agency does or does not
//! confirm, and the gaps when no agency had contact. A pure function: the server and the
//! browser compute the same result.
//!
//! Nothing here compares all pairs: duplicates are looked for only among entries of one day
//! (or, for imprecise dates, one month or year), sharing by binary search in the receiving
//! agency's dates, and gaps in one sweep.

use super::dates::{PartialDate, Precision, TimeOfDay};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

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
}

impl Default for MergeSettings {
    fn default() -> Self {
        Self {
            sharing_tolerance_days: 2,
            gap_threshold_days: 28,
            duplicate_similarity_percent: 40,
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
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by(|&a, &b| order_key(&entries[a]).cmp(&order_key(&entries[b])));
    let duplicate_groups = duplicates(entries, &order, settings, rejected);
    let sharing = sharing(entries, settings);
    let gaps = gaps(entries, &order, settings);
    Integrated {
        order,
        duplicate_groups,
        sharing,
        gaps,
    }
}

/// Start of the period, then no time before any time, then seq, then agency, then id.
fn order_key(e: &Entry) -> (NaiveDate, Option<TimeOfDay>, Option<u32>, AgencyKey, u64) {
    (e.start.start(), e.time, e.seq, e.agency, e.id)
}

const STOP_WORDS: &[&str] = &[
    "the", "and", "for", "with", "was", "were", "that", "this", "from", "has", "had", "have",
    "not", "are", "but", "his", "her", "she", "him", "they", "them", "their", "who", "which",
    "about", "into", "after", "before", "been", "also", "then", "there", "will", "would",
];

/// FNV-1a over lower-cased ASCII letters and digits (other characters as they are).
fn word_hash(word: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in word {
        h ^= u64::from(b.to_ascii_lowercase());
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The distinct words of a text (3+ characters, no stop words), hashed and sorted.
fn words(text: &str, stop: &[u64]) -> Vec<u64> {
    let mut out: Vec<u64> = text
        .as_bytes()
        .split(|b| !b.is_ascii_alphanumeric() && b.is_ascii())
        .filter(|w| w.len() >= 3)
        .map(word_hash)
        .filter(|h| stop.binary_search(h).is_err())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

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

/// The window an entry's duplicates are looked for in: its day, or its whole month or year.
fn window(e: &Entry) -> (Precision, NaiveDate) {
    (e.start.precision, e.start.start())
}

fn duplicates(
    entries: &[Entry],
    order: &[usize],
    settings: &MergeSettings,
    rejected: &HashSet<(u64, u64)>,
) -> Vec<Vec<usize>> {
    // Each entry's words and event type, worked out once.
    let mut stop: Vec<u64> = STOP_WORDS.iter().map(|w| word_hash(w.as_bytes())).collect();
    stop.sort_unstable();
    let words_of: Vec<Vec<u64>> = entries.iter().map(|e| words(&e.text, &stop)).collect();
    let type_of = |e: &Entry| {
        e.event_type
            .as_deref()
            .map(|t| word_hash(t.trim().as_bytes()))
    };

    // Windows in chronological order, each split by event type (untyped entries meet every
    // type). Entries of different precision meet only when the finer one falls inside the
    // coarser one's period (days in a month, months in a year).
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
    let mut groups = Groups::new(entries.len());
    let compare = |a: usize, b: usize, groups: &mut Groups| {
        let (ea, eb) = (&entries[a], &entries[b]);
        if ea.agency == eb.agency
            || similarity(&words_of[a], &words_of[b]) < settings.duplicate_similarity_percent
        {
            return;
        }
        if !rejected.is_empty()
            && (rejected.contains(&(ea.id, eb.id)) || rejected.contains(&(eb.id, ea.id)))
        {
            return;
        }
        groups.join(a, b, entries);
    };
    let across = |xs: &[usize], ys: &[usize], groups: &mut Groups| {
        for &a in xs {
            for &b in ys {
                compare(a, b, groups);
            }
        }
    };
    let no_entries: Vec<usize> = Vec::new();
    for (&(precision, start), by_type) in &windows {
        let untyped = by_type.get(&None).unwrap_or(&no_entries);
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
        let Some(end) = by_type
            .values()
            .flatten()
            .next()
            .map(|&i| entries[i].start.end())
        else {
            continue;
        };
        for (_, inside) in windows.range((finer, start)..=(finer, end)) {
            for (kind, members) in by_type {
                match kind {
                    Some(_) => {
                        across(
                            members,
                            inside.get(kind).unwrap_or(&no_entries),
                            &mut groups,
                        );
                        across(
                            members,
                            inside.get(&None).unwrap_or(&no_entries),
                            &mut groups,
                        );
                    }
                    None => {
                        for list in inside.values() {
                            across(members, list, &mut groups);
                        }
                    }
                }
            }
        }
    }
    let mut position = vec![0usize; entries.len()];
    for (pos, &i) in order.iter().enumerate() {
        position[i] = pos;
    }
    let mut out = groups.into_groups();
    for group in &mut out {
        group.sort_by_key(|&i| position[i]);
    }
    out.sort_by_key(|g| position[g[0]]);
    out
}

/// Union-find over entries that refuses to put two entries of one agency in a group.
struct Groups {
    parent: Vec<usize>,
    /// The agencies of each group, kept at its root (empty for a lone entry).
    agencies: Vec<Vec<AgencyKey>>,
}

impl Groups {
    fn new(n: usize) -> Self {
        Self {
            parent: (0..n).collect(),
            agencies: vec![Vec::new(); n],
        }
    }

    fn root(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn agencies_of(&self, root: usize, entries: &[Entry]) -> Vec<AgencyKey> {
        if self.agencies[root].is_empty() {
            vec![entries[root].agency]
        } else {
            self.agencies[root].clone()
        }
    }

    fn join(&mut self, a: usize, b: usize, entries: &[Entry]) {
        let (ra, rb) = (self.root(a), self.root(b));
        if ra == rb {
            return;
        }
        let mut la = self.agencies_of(ra, entries);
        let lb = self.agencies_of(rb, entries);
        if la.iter().any(|x| lb.contains(x)) {
            return;
        }
        la.extend(lb);
        self.parent[rb] = ra;
        self.agencies[rb] = Vec::new();
        self.agencies[ra] = la;
    }

    fn into_groups(mut self) -> Vec<Vec<usize>> {
        let mut by_root: HashMap<usize, Vec<usize>> = HashMap::new();
        for i in 0..self.parent.len() {
            let r = self.root(i);
            by_root.entry(r).or_default().push(i);
        }
        by_root.into_values().filter(|g| g.len() > 1).collect()
    }
}

fn sharing(entries: &[Entry], settings: &MergeSettings) -> Vec<Sharing> {
    // Each agency's entries by date (then id, so the confirming entry does not depend on
    // where it stood in the input).
    let mut by_agency: HashMap<AgencyKey, Vec<(NaiveDate, u64, usize)>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        by_agency
            .entry(e.agency)
            .or_default()
            .push((e.start.start(), e.id, i));
    }
    for list in by_agency.values_mut() {
        list.sort();
    }
    let tolerance = chrono::Days::new(u64::from(settings.sharing_tolerance_days));
    let mut out = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        for &with in &e.shared_with {
            if with == e.agency {
                continue;
            }
            let from = e
                .start
                .start()
                .checked_sub_days(tolerance)
                .unwrap_or(NaiveDate::MIN);
            let to = e
                .last_day()
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

fn gaps(entries: &[Entry], order: &[usize], settings: &MergeSettings) -> Vec<Gap> {
    let mut out = Vec::new();
    let mut covered_to: Option<NaiveDate> = None;
    for &i in order {
        let e = &entries[i];
        if let Some(last) = covered_to {
            let days = (e.start.start() - last).num_days() - 1;
            if days > i64::from(settings.gap_threshold_days) {
                out.push(Gap {
                    after: last,
                    before: e.start.start(),
                    days,
                });
            }
        }
        covered_to = Some(covered_to.map_or(e.last_day(), |c| c.max(e.last_day())));
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
    }
}
