//! The integrated chronology: every submitted entry of every agency, in one order, with the
//! probable duplicates (with the evidence for each), the information sharing that the
//! receiving agency does or does not confirm, and the gaps when no agency had contact. A
//! pure function: the server and the browser compute the same result.
//!
//! Duplicates are found by record linkage (see [`super::linkage`]): candidates by date
//! window, never all pairs; each compared on date, time, event kind, rare words and the
//! agencies named; scored with Fellegi-Sunter weights estimated per review; grouped so
//! that a group is cohesive. Sharing is confirmed by the receiver's best-matching entry
//! from the sharing to the tolerance after it.

use super::dates::{PartialDate, TimeOfDay};
pub use super::linkage::DuplicateEvidence;
use super::linkage::{Decided, Linkage};
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
    /// Kept for callers of earlier versions; the merge no longer reads it (duplicates are
    /// scored by record linkage, see [`super::linkage`]).
    pub duplicate_similarity_percent: u32,
    /// The agencies' names, by key: the merge recognises an agency named in another's
    /// text (\"call from the school\"). Optional.
    #[serde(default)]
    pub agency_names: Vec<(AgencyKey, String)>,
    /// Lines added to the merge's vocabulary (abbreviations, event kinds, roles), in the
    /// form of `merge_vocabulary.txt`.
    #[serde(default)]
    pub extra_vocabulary: String,
}

impl Default for MergeSettings {
    fn default() -> Self {
        Self {
            sharing_tolerance_days: 2,
            gap_threshold_days: 28,
            duplicate_similarity_percent: 40,
            agency_names: Vec::new(),
            extra_vocabulary: String::new(),
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
    /// Why the confirming entry was chosen, or why none was.
    pub why: String,
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Integrated {
    /// Every entry once, in chronological order.
    pub order: Vec<usize>,
    /// Probable duplicates: 2+ entries of different agencies about one event, in order.
    pub duplicate_groups: Vec<Vec<usize>>,
    /// Why each group (by the same index) is a probable duplicate, and its score.
    pub duplicate_evidence: Vec<DuplicateEvidence>,
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
    let decisions = Decisions {
        confirmed: HashSet::new(),
        rejected: rejected.clone(),
    };
    merge_with_phases(entries, settings, &decisions, |_| {})
}

/// A review's decisions on pairs of entries (by entry id, either order): confirmed pairs
/// are the same event, rejected pairs are not; a merge never overrides either, and both
/// teach the review's weights.
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
    merge_with_phases(entries, settings, decisions, |_| {})
}

/// [`merge_with_decisions`], calling `done` with the name of each phase as it ends, so
/// that the benchmark can time the phases (this crate has no clock: it also runs in the
/// browser).
#[doc(hidden)]
pub fn merge_with_phases(
    entries: &[Entry],
    settings: &MergeSettings,
    decisions: &Decisions,
    done: impl FnMut(&'static str),
) -> Integrated {
    merge_on(entries, settings, decisions, Path::Fast, done)
}

/// [`merge_with_decisions`] on the general path of the linkage, which the fast path (the
/// one every merge takes) must agree with to the bit: for the tests that check so
/// (`tests/merge_paths.rs`).
#[doc(hidden)]
pub fn merge_on_general_path(
    entries: &[Entry],
    settings: &MergeSettings,
    decisions: &Decisions,
) -> Integrated {
    merge_on(entries, settings, decisions, Path::General, |_| {})
}

/// Which way the linkage finds the duplicates (the same result either way).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Path {
    General,
    Fast,
}

fn merge_on(
    entries: &[Entry],
    settings: &MergeSettings,
    decisions: &Decisions,
    path: Path,
    mut done: impl FnMut(&'static str),
) -> Integrated {
    let order = chronological_order(entries);
    done("order");
    let linkage = Linkage::new(entries, &order, settings);
    done("words");
    let decided = decided(entries, decisions);
    let found = match path {
        Path::General => linkage.duplicates(entries, &order, &decided),
        Path::Fast => linkage.duplicates_fast(entries, &decided),
    };
    done("duplicates");
    let mut group_of = vec![usize::MAX; entries.len()];
    for (g, (members, _)) in found.iter().enumerate() {
        for &i in members {
            group_of[i] = g;
        }
    }
    let (duplicate_groups, duplicate_evidence) = found.into_iter().unzip();
    // The same by position in the chronological order, for the sharing, which reads the
    // receivers' entries in that order (so their groups are near in memory).
    let mut group_at = vec![usize::MAX; entries.len()];
    for (i, &g) in group_of.iter().enumerate() {
        if g != usize::MAX {
            group_at[linkage.position(i)] = g;
        }
    }
    let grouped = |p: usize, q: usize| group_at[p] != usize::MAX && group_at[p] == group_at[q];
    // Each entry's first and last day, in one pass over the entries: the gaps visit them
    // in chronological order, which would otherwise jump about in the entries.
    let periods: Vec<(NaiveDate, NaiveDate)> = entries
        .iter()
        .map(|e| (e.start.start(), e.last_day()))
        .collect();
    let sharing = sharing(entries, &periods, settings, &linkage, &grouped);
    done("sharing");
    let gaps = gaps(&periods, &order, settings);
    done("gaps");
    Integrated {
        order,
        duplicate_groups,
        duplicate_evidence,
        sharing,
        gaps,
    }
}

/// Why a pair of entries (by id) scores as it does, for the quality report.
#[doc(hidden)]
pub fn explain_pair(entries: &[Entry], settings: &MergeSettings, a: u64, b: u64) -> String {
    let order = chronological_order(entries);
    let linkage = Linkage::new(entries, &order, settings);
    let index = |id: u64| entries.iter().position(|e| e.id == id);
    match (index(a), index(b)) {
        (Some(x), Some(y)) => linkage.explain(entries, &order, x, y),
        _ => "no such entries".to_owned(),
    }
}

/// The decisions by entry index (pairs of ids not in the entries are left out).
fn decided(entries: &[Entry], decisions: &Decisions) -> Decided {
    let index: HashMap<u64, usize> =
        if decisions.confirmed.is_empty() && decisions.rejected.is_empty() {
            HashMap::new()
        } else {
            entries.iter().enumerate().map(|(i, e)| (e.id, i)).collect()
        };
    let by_index = |pairs: &HashSet<(u64, u64)>| {
        pairs
            .iter()
            .filter_map(|(a, b)| {
                let (x, y) = (*index.get(a)?, *index.get(b)?);
                (x != y).then_some((x.min(y), x.max(y)))
            })
            .collect()
    };
    Decided {
        confirmed: by_index(&decisions.confirmed),
        rejected: by_index(&decisions.rejected),
    }
}

/// The sharing each entry records, and the receiving agency's entry that confirms it: its
/// best-matching entry from the sharing to the tolerance after it (see
/// [`Linkage::confirmation`]). `periods` holds each entry's first and last day.
fn sharing(
    entries: &[Entry],
    periods: &[(NaiveDate, NaiveDate)],
    settings: &MergeSettings,
    linkage: &Linkage,
    grouped: &dyn Fn(usize, usize) -> bool,
) -> Vec<Sharing> {
    // The entries that say they shared, and the receiving agencies' entries in chronological
    // order (each with its first day and whether it records receiving information), read
    // from the linkage's tables in that order.
    // The sharers come in chronological order, so that each receiving agency's entries are
    // read forwards from where the last sharing's window began (rather than searched afresh,
    // all over memory); the result is put back in the order of the entries at the end.
    let sharers = linkage.sharers();
    let mut receivers = HashSet::new();
    for &i in &sharers {
        receivers.extend(entries[i].shared_with.iter().copied());
    }
    let by_agency = linkage.receivers(&receivers);
    let tolerance = settings.sharing_tolerance_days;
    let days = chrono::Days::new(u64::from(tolerance));
    let day_number = |d: NaiveDate| d.num_days_from_ce();
    let mut from_of: HashMap<AgencyKey, usize> = HashMap::new();
    let mut out = Vec::new();
    for i in sharers {
        let e = &entries[i];
        let mut seen = Vec::new();
        for &with in &e.shared_with {
            if with == e.agency || seen.contains(&with) {
                continue;
            }
            seen.push(with);
            let (start, last_day) = periods[i];
            let to = last_day.checked_add_days(days).unwrap_or(NaiveDate::MAX);
            let (start, to) = (day_number(start), day_number(to));
            let list = by_agency.get(&with).map_or(&[][..], Vec::as_slice);
            // Entries before the window of an earlier sharing are before this one's too.
            let from = from_of.entry(with).or_default();
            while list.get(*from).is_some_and(|&(d, _, _)| d < start) {
                *from += 1;
            }
            let first = *from;
            // A sharing dated only to a month or year: only a record of receiving it, or of
            // the same event, can confirm it (see `Linkage::confirmation`).
            let exact = entries[i].start.precision == super::dates::Precision::Day;
            let candidates = list[first..]
                .iter()
                .take_while(|&&(d, _, _)| d <= to)
                .filter(|&&(_, p, receipt)| exact || receipt || grouped(linkage.position(i), p))
                .map(|&(_, p, _)| p);
            let (confirmed_by, why) = linkage.confirmation(i, candidates, tolerance, grouped);
            out.push(Sharing {
                entry: i,
                with,
                confirmed_by,
                why,
            });
        }
    }
    // Back in the order of the entries (each entry's sharings stay in their order).
    out.sort_by_key(|s| s.entry);
    out
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
    fn reviewers_decisions_are_never_overridden_and_groups_carry_their_evidence() {
        let mut list = vec![
            entry(
                1,
                0,
                "3/6/2016",
                "Strategy discussion with health about bruising to Child A",
            ),
            entry(
                2,
                1,
                "3/6/2016",
                "Strat with social care and health re bruising, S47 agreed",
            ),
            entry(
                3,
                2,
                "3/6/2016",
                "Telephone strategy discussion about the bruising",
            ),
            entry(4, 3, "3/6/2016", "Dental check, no concerns"),
        ];
        for e in &mut list[..3] {
            e.time = Some(TimeOfDay::parse("14:00").expect("time"));
        }
        let settings = MergeSettings::default();
        let ids = |out: &Integrated| -> Vec<Vec<u64>> {
            out.duplicate_groups
                .iter()
                .map(|g| g.iter().map(|&i| list[i].id).collect())
                .collect()
        };
        let out = merge(&list, &settings, &HashSet::new());
        assert_eq!(ids(&out), vec![vec![1, 2, 3]]);
        let why = out.duplicate_evidence[0].summary();
        assert!(why.starts_with("same day; 14:00"), "{why}");
        assert!(why.contains("strategy discussion"), "{why}");
        // A confirmed pair stays together, even of unlike entries, and takes no other entry;
        // a rejected pair is never proposed again.
        let decisions = Decisions {
            confirmed: [(4, 1)].into_iter().collect(),
            rejected: [(2, 3)].into_iter().collect(),
        };
        let out = merge_with_decisions(&list, &settings, &decisions);
        // (4 has no time, so it comes first in the day.)
        assert_eq!(ids(&out), vec![vec![4, 1]]);
        assert!(out.duplicate_evidence[0].confirmed);
    }

    #[test]
    fn imprecise_dates_meet_the_days_in_their_period() {
        let list = vec![
            entry(
                1,
                0,
                "May 2016",
                "Strategy discussion with police and school about neglect of Child A",
            ),
            entry(
                2,
                1,
                "12/05/2016",
                "Attended strategy discussion about neglect of Child A with social care",
            ),
            entry(
                3,
                1,
                "12/06/2016",
                "Attended strategy discussion about neglect of Child A with social care",
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
    fn an_entry_without_words_is_no_duplicate() {
        let mut list = vec![
            entry(1, 0, "May 2016", "-"),
            entry(2, 1, "12/05/2016", "Referral received from school"),
            entry(3, 2, "13/05/2016", ""),
        ];
        list[1].event_type = Some("Referral".into());
        let out = merge(&list, &MergeSettings::default(), &HashSet::new());
        assert!(out.duplicate_groups.is_empty());
    }

    #[test]
    fn sharing_is_confirmed_within_the_tolerance_else_flagged() {
        let mut a = entry(
            1,
            0,
            "1/3/2016",
            "Referral sent to social care about neglect",
        );
        a.shared_with = vec![1, 2];
        let b = entry(2, 1, "3/3/2016", "Referral received about neglect");
        let c = entry(3, 2, "10/3/2016", "Referral about neglect received");
        let list = vec![a, b, c];
        let out = merge(&list, &MergeSettings::default(), &HashSet::new());
        let confirmed: Vec<(usize, AgencyKey, Option<usize>)> = out
            .sharing
            .iter()
            .map(|s| (s.entry, s.with, s.confirmed_by))
            .collect();
        assert_eq!(confirmed, vec![(0, 1, Some(1)), (0, 2, None)]);
        assert!(
            out.sharing[0].why.contains("records receiving"),
            "{}",
            out.sharing[0].why
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
    fn sharing_is_never_confirmed_by_an_entry_before_it_nor_by_an_unrelated_one() {
        let mut sent = entry(
            1,
            0,
            "5/5/2021",
            "Police notification sent: Mr T seen at the address",
        );
        sent.time = Some(TimeOfDay::parse("15:00").expect("time"));
        sent.shared_with = vec![1];
        let mut before = entry(
            2,
            1,
            "5/5/2021",
            "Police notification received: Mr T seen at the address",
        );
        before.time = Some(TimeOfDay::parse("11:00").expect("time"));
        let day_before = entry(
            3,
            1,
            "4/5/2021",
            "Police notification received about Mr T at the address",
        );
        let unrelated = entry(4, 1, "6/5/2021", "Home visit, children seen, house tidy");
        let list = vec![sent, before, day_before, unrelated];
        let out = merge(&list, &MergeSettings::default(), &HashSet::new());
        assert_eq!(out.sharing.len(), 1);
        assert_eq!(out.sharing[0].confirmed_by, None, "{}", out.sharing[0].why);
        let mut later = list.clone();
        later.push(entry(
            5,
            1,
            "6/5/2021",
            "Notification from police received: Mr T at the address",
        ));
        let out = merge(&later, &MergeSettings::default(), &HashSet::new());
        assert_eq!(out.sharing[0].confirmed_by, Some(4));
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
