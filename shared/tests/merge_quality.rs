//! The merge's quality on the labelled corpus (`tests/corpus`, see its README):
//! `cargo test -p shared --test merge_quality` prints, for each case, pair precision, recall
//! and F1 of the duplicates and of the unconfirmed sharing, beside two baselines on the same
//! entries, and fails when the merge falls below its floors.
//!
//! Baselines:
//! - duplicates, "same date+time": two entries of different agencies dated the same day,
//!   both with the same start time; sharing: the receiver has an entry the same day at the
//!   same start time (or the same day when either has no time);
//! - duplicates, "text overlap" (the rule before issue 16): two entries of different
//!   agencies whose dates meet (the same day, or a month or year containing it), of the same
//!   or no event type, whose words (3+ letters, no stop words) overlap by at least 40%
//!   (Jaccard); sharing, "any entry": the receiver has any entry within 2 days either side
//!   (the rule before issue 16).

#[path = "support/corpus.rs"]
mod corpus;

use corpus::{load, Loaded};
use shared::chronology::merge::{explain_pair, merge_with_decisions, Decisions};
use shared::chronology::{Entry, Precision};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Counts of a binary decision over pairs (or sharings).
#[derive(Default, Clone, Copy)]
struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Score {
    fn of<T: Ord + Clone>(predicted: &BTreeSet<T>, truth: &BTreeSet<T>) -> Self {
        let tp = predicted.intersection(truth).count();
        Self {
            tp,
            fp: predicted.len() - tp,
            fn_: truth.len() - tp,
        }
    }

    fn add(self, o: Self) -> Self {
        Self {
            tp: self.tp + o.tp,
            fp: self.fp + o.fp,
            fn_: self.fn_ + o.fn_,
        }
    }

    fn precision(self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }

    fn recall(self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }

    fn f1(self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    fn cells(self) -> String {
        format!(
            "{:>5.2} {:>5.2} {:>5.2}",
            self.precision(),
            self.recall(),
            self.f1()
        )
    }
}

type Pair = (u64, u64);
type SharingKey = (u64, String);

fn pair(a: u64, b: u64) -> Pair {
    (a.min(b), a.max(b))
}

fn pairs_of_groups<'a>(groups: impl IntoIterator<Item = &'a Vec<u64>>) -> BTreeSet<Pair> {
    let mut out = BTreeSet::new();
    for g in groups {
        for (i, &a) in g.iter().enumerate() {
            for &b in &g[i + 1..] {
                out.insert(pair(a, b));
            }
        }
    }
    out
}

fn same_day(a: &Entry, b: &Entry) -> bool {
    a.start.precision == Precision::Day
        && b.start.precision == Precision::Day
        && a.start.start() == b.start.start()
}

/// Whether the dates meet as the rule before issue 16 had it: the same window, or a
/// month or year containing the other's day or month.
fn windows_meet(a: &Entry, b: &Entry) -> bool {
    let contains = |outer: &Entry, inner: &Entry| {
        outer.start.precision > inner.start.precision
            && outer.start.start() <= inner.start.start()
            && inner.start.start() <= outer.start.end()
    };
    (a.start.precision == b.start.precision && a.start.start() == b.start.start())
        || contains(a, b)
        || contains(b, a)
}

const STOP_WORDS: &[&str] = &[
    "the", "and", "for", "with", "was", "were", "that", "this", "from", "has", "had", "have",
    "not", "are", "but", "his", "her", "she", "him", "they", "them", "their", "who", "which",
    "about", "into", "after", "before", "been", "also", "then", "there", "will", "would",
];

fn word_set(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric() && c.is_ascii())
        .filter(|w| w.len() >= 3)
        .map(str::to_lowercase)
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .collect()
}

fn jaccard_percent(a: &HashSet<String>, b: &HashSet<String>) -> usize {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    let common = a.intersection(b).count();
    common * 100 / (a.len() + b.len() - common)
}

fn baseline_same_time_pairs(entries: &[Entry]) -> BTreeSet<Pair> {
    let mut out = BTreeSet::new();
    for (i, a) in entries.iter().enumerate() {
        for b in &entries[i + 1..] {
            if a.agency != b.agency && same_day(a, b) && a.time.is_some() && a.time == b.time {
                out.insert(pair(a.id, b.id));
            }
        }
    }
    out
}

fn baseline_text_pairs(entries: &[Entry]) -> BTreeSet<Pair> {
    let words: Vec<HashSet<String>> = entries.iter().map(|e| word_set(&e.text)).collect();
    let kind = |e: &Entry| e.event_type.as_deref().map(|t| t.trim().to_lowercase());
    let mut out = BTreeSet::new();
    for (i, a) in entries.iter().enumerate() {
        for (j, b) in entries.iter().enumerate().skip(i + 1) {
            let (ka, kb) = (kind(a), kind(b));
            if a.agency != b.agency
                && windows_meet(a, b)
                && (ka == kb || ka.is_none() || kb.is_none())
                && jaccard_percent(&words[i], &words[j]) >= 40
            {
                out.insert(pair(a.id, b.id));
            }
        }
    }
    out
}

/// The sharings each baseline leaves unconfirmed.
fn baseline_unconfirmed(
    entries: &[Entry],
    confirms: impl Fn(&Entry, &Entry) -> bool,
) -> BTreeSet<SharingKey> {
    let mut out = BTreeSet::new();
    for e in entries {
        for &with in &e.shared_with {
            if with != e.agency
                && !entries
                    .iter()
                    .any(|r| r.agency == with && r.id != e.id && confirms(e, r))
            {
                out.insert((e.id, with.to_string()));
            }
        }
    }
    out
}

struct Row {
    name: String,
    entries: usize,
    dup: [Score; 3],
    unconfirmed: [Score; 3],
    confirmer_right: (usize, usize),
}

fn evaluate(loaded: &Loaded) -> Row {
    let Loaded {
        case,
        entries,
        settings,
        key_of,
    } = loaded;
    let truth_pairs = pairs_of_groups(&case.duplicates);
    let out = merge_with_decisions(entries, settings, &Decisions::default());
    let ours_groups: Vec<Vec<u64>> = out
        .duplicate_groups
        .iter()
        .map(|g| g.iter().map(|&i| entries[i].id).collect())
        .collect();
    let ours_pairs = pairs_of_groups(&ours_groups);
    if std::env::var_os("MERGE_QUALITY_DETAIL").is_some() {
        println!("== {}", case.name);
        for (g, ev) in ours_groups.iter().zip(&out.duplicate_evidence) {
            println!("  group {g:?}: {} (score {:.1})", ev.summary(), ev.score);
        }
        for p in ours_pairs.difference(&truth_pairs) {
            println!(
                "  wrongly proposed {p:?}: {}",
                explain_pair(entries, settings, p.0, p.1)
            );
        }
        for p in truth_pairs.difference(&ours_pairs) {
            println!(
                "  missed {p:?}: {}",
                explain_pair(entries, settings, p.0, p.1)
            );
        }
        for s in &out.sharing {
            println!(
                "  sharing {} -> {}: {:?} ({})",
                entries[s.entry].id,
                s.with,
                s.confirmed_by.map(|i| entries[i].id),
                s.why
            );
        }
    }

    let confirmations: HashMap<SharingKey, u64> = case
        .confirmations
        .iter()
        .map(|(e, with, by)| ((*e, key_of[with].to_string()), *by))
        .collect();
    let mut truth_unconfirmed = BTreeSet::new();
    for e in entries {
        for &with in &e.shared_with {
            let key = (e.id, with.to_string());
            if !confirmations.contains_key(&key) {
                truth_unconfirmed.insert(key);
            }
        }
    }
    let mut ours_unconfirmed = BTreeSet::new();
    let mut confirmer_right = (0, 0);
    for s in &out.sharing {
        let key = (entries[s.entry].id, s.with.to_string());
        match (s.confirmed_by, confirmations.get(&key)) {
            (None, _) => {
                ours_unconfirmed.insert(key);
            }
            (Some(by), Some(&truth)) => {
                confirmer_right.1 += 1;
                confirmer_right.0 += usize::from(entries[by].id == truth);
            }
            (Some(_), None) => {}
        }
    }
    let same_time = baseline_unconfirmed(entries, |e, r| {
        same_day(e, r) && (e.time.is_none() || r.time.is_none() || e.time == r.time)
    });
    let any_entry = baseline_unconfirmed(entries, |e, r| {
        let (from, to) = (e.start.start(), e.start.end());
        let d = r.start.start();
        d >= from - chrono::Days::new(2) && d <= to + chrono::Days::new(2)
    });
    Row {
        name: case.name.clone(),
        entries: entries.len(),
        dup: [
            Score::of(&ours_pairs, &truth_pairs),
            Score::of(&baseline_same_time_pairs(entries), &truth_pairs),
            Score::of(&baseline_text_pairs(entries), &truth_pairs),
        ],
        unconfirmed: [
            Score::of(&ours_unconfirmed, &truth_unconfirmed),
            Score::of(&same_time, &truth_unconfirmed),
            Score::of(&any_entry, &truth_unconfirmed),
        ],
        confirmer_right,
    }
}

/// The floors the merge must keep on the whole corpus: (duplicate-pair F1, unconfirmed-
/// sharing F1). On each case it must also be above both baselines.
const FLOORS: (f64, f64) = (0.95, 0.95);

fn main() {
    let paths = corpus::paths();
    assert!(paths.len() >= 3, "at least three labelled cases");
    let rows: Vec<Row> = paths.iter().map(|p| evaluate(&load(p))).collect();

    println!("Duplicate pairs: precision recall F1");
    println!(
        "{:<64} {:>5}  {:<17}  {:<17}  {:<17}",
        "case", "n", "merge", "same date+time", "text overlap"
    );
    let mut total_dup = [Score::default(); 3];
    let mut total_unc = [Score::default(); 3];
    for r in &rows {
        println!(
            "{:<64} {:>5}  {}  {}  {}",
            r.name,
            r.entries,
            r.dup[0].cells(),
            r.dup[1].cells(),
            r.dup[2].cells()
        );
        for k in 0..3 {
            total_dup[k] = total_dup[k].add(r.dup[k]);
            total_unc[k] = total_unc[k].add(r.unconfirmed[k]);
        }
    }
    println!(
        "{:<64} {:>5}  {}  {}  {}",
        "all cases",
        rows.iter().map(|r| r.entries).sum::<usize>(),
        total_dup[0].cells(),
        total_dup[1].cells(),
        total_dup[2].cells()
    );
    println!();
    println!("Unconfirmed sharing: precision recall F1 (and the merge's confirming entries that are the right one)");
    println!(
        "{:<64} {:>5}  {:<17}  {:<17}  {:<17}",
        "case", "right", "merge", "same date+time", "any entry 2 days"
    );
    for r in &rows {
        println!(
            "{:<64} {:>2}/{:<2}  {}  {}  {}",
            r.name,
            r.confirmer_right.0,
            r.confirmer_right.1,
            r.unconfirmed[0].cells(),
            r.unconfirmed[1].cells(),
            r.unconfirmed[2].cells()
        );
    }
    println!(
        "{:<64} {:>5}  {}  {}  {}",
        "all cases",
        "",
        total_unc[0].cells(),
        total_unc[1].cells(),
        total_unc[2].cells()
    );
    let (dup_floor, unc_floor) = FLOORS;
    let mut failures = Vec::new();
    if total_dup[0].f1() < dup_floor {
        failures.push(format!(
            "duplicate-pair F1 {:.3} is below its floor {dup_floor}",
            total_dup[0].f1()
        ));
    }
    if total_unc[0].f1() < unc_floor {
        failures.push(format!(
            "unconfirmed-sharing F1 {:.3} is below its floor {unc_floor}",
            total_unc[0].f1()
        ));
    }
    for r in &rows {
        for (what, scores) in [
            ("duplicate-pair", &r.dup),
            ("unconfirmed-sharing", &r.unconfirmed),
        ] {
            if scores[0].f1() <= scores[1].f1().max(scores[2].f1()) {
                failures.push(format!(
                    "{}: {what} F1 {:.3} is not above both baselines ({:.3}, {:.3})",
                    r.name,
                    scores[0].f1(),
                    scores[1].f1(),
                    scores[2].f1()
                ));
            }
        }
    }
    if !failures.is_empty() {
        eprintln!("{}", failures.join("\n"));
        std::process::exit(1);
    }
}
