//! The merge's fast path (the one every merge takes) gives the same result as the general
//! path of the linkage, to the bit: groups, evidence (reasons, scores), sharing, gaps and
//! order. On the labelled corpus cases, and on bench-shaped entries of several sizes and
//! seeds (imprecise dates, missing times, entries of one agency on one day, sharing), with
//! and without reviewers' decisions.

#[path = "support/corpus.rs"]
mod corpus;

use shared::chronology::merge::{merge_on_general_path, merge_with_decisions, Decisions};
use shared::chronology::{Entry, MergeSettings};

#[path = "../benches/data/entries.rs"]
mod data;

/// Both paths on the same input; the results must be equal in every field.
fn same_on_both_paths(what: &str, entries: &[Entry], settings: &MergeSettings, d: &Decisions) {
    let fast = merge_with_decisions(entries, settings, d);
    let general = merge_on_general_path(entries, settings, d);
    assert_eq!(fast.order, general.order, "{what}: order");
    assert_eq!(
        fast.duplicate_groups, general.duplicate_groups,
        "{what}: groups"
    );
    assert_eq!(
        fast.duplicate_evidence.len(),
        general.duplicate_evidence.len()
    );
    for (x, y) in fast
        .duplicate_evidence
        .iter()
        .zip(&general.duplicate_evidence)
    {
        assert_eq!(x.reasons, y.reasons, "{what}: reasons");
        // To the bit, not merely equal as numbers.
        assert_eq!(x.score.to_bits(), y.score.to_bits(), "{what}: score");
        assert_eq!(
            x.probability.to_bits(),
            y.probability.to_bits(),
            "{what}: probability"
        );
        assert_eq!(x.confirmed, y.confirmed, "{what}: confirmed");
    }
    assert_eq!(fast.sharing, general.sharing, "{what}: sharing");
    assert_eq!(fast.gaps, general.gaps, "{what}: gaps");
    assert_eq!(fast, general, "{what}");
}

/// Decisions as reviewers make them: some of the proposed pairs confirmed, some rejected,
/// and some pairs of unlike entries confirmed.
fn decisions_on(entries: &[Entry], settings: &MergeSettings) -> Decisions {
    let out = merge_with_decisions(entries, settings, &Decisions::default());
    let mut d = Decisions::default();
    for (g, group) in out.duplicate_groups.iter().enumerate() {
        let (a, b) = (entries[group[0]].id, entries[group[1]].id);
        match g % 3 {
            0 => {
                d.confirmed.insert((a, b));
            }
            1 => {
                d.rejected.insert((b, a));
            }
            _ => {}
        }
    }
    for i in (0..entries.len().saturating_sub(7)).step_by(97) {
        d.confirmed.insert((entries[i].id, entries[i + 7].id));
    }
    d
}

#[test]
fn bench_shaped_entries_of_several_sizes_and_seeds() {
    let settings = MergeSettings::default();
    for (n, seed, days) in [
        (0, 1, 10),
        (1, 2, 10),
        (50, 3, 30),
        (300, 4, 60),
        (1_000, data::SEED, 3650),
        (2_000, 5, 365),
        (3_000, 6, 3000),
        (5_000, 7, 1825),
        (20_000, 8, 3650),
    ] {
        let entries = data::entries_over(n, seed, days);
        let what = format!("{n} entries over {days} days, seed {seed}");
        same_on_both_paths(&what, &entries, &settings, &Decisions::default());
        let d = decisions_on(&entries, &settings);
        same_on_both_paths(&format!("{what}, decided"), &entries, &settings, &d);
    }
}

#[test]
fn bench_shaped_entries_with_their_agencies_named() {
    let settings = MergeSettings {
        agency_names: (0..20)
            .map(|a| {
                let names = ["Children's social care", "Police", "School", "GP", "Health"];
                (a, names[a as usize % names.len()].to_owned())
            })
            .collect(),
        ..MergeSettings::default()
    };
    let entries = data::entries_over(4_000, 11, 900);
    same_on_both_paths("named agencies", &entries, &settings, &Decisions::default());
}

#[test]
fn the_labelled_corpus_cases() {
    for path in corpus::paths() {
        let corpus::Loaded {
            case,
            entries,
            settings,
            ..
        } = corpus::load(&path);
        same_on_both_paths(&case.name, &entries, &settings, &Decisions::default());
        let d = decisions_on(&entries, &settings);
        same_on_both_paths(&format!("{}, decided", case.name), &entries, &settings, &d);
    }
}
