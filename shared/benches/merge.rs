//! `cargo bench -p shared --bench merge`: the chronology merge with 20 agencies at 1k, 10k
//! and 100k entries, beside a plain sort of the same entries in the same run. Prints the
//! median of several runs, and of each phase of the merge; no timing is asserted.

use chrono::{Datelike, NaiveDate};
use shared::chronology::merge::{merge_with_phases, Decisions};
use shared::chronology::{merge, Entry, MergeSettings, PartialDate, TimeOfDay};
use std::collections::HashSet;
use std::hint::black_box;
use std::time::{Duration, Instant};

const PHRASES: &[&str] = &[
    "Strategy discussion held about bruising to Child A",
    "Home visit to mother, house untidy, child seen asleep",
    "Referral received from school about attendance and neglect",
    "A&E attendance with head injury, explanation consistent",
    "Child protection conference, plan agreed under neglect",
    "Telephone call with health visitor about missed appointments",
    "Police attended domestic incident, children present",
    "GP appointment, mother anxious, medication reviewed",
];

/// Deterministic pseudo-random entries spread over ten years.
fn entries(n: usize) -> Vec<Entry> {
    let base = NaiveDate::from_ymd_opt(2010, 1, 1).expect("date");
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..n)
        .map(|i| {
            let r = next();
            let date = base + chrono::Duration::days((r % 3650) as i64);
            let start = match r % 100 {
                0 => PartialDate::year(date.year()).expect("year"),
                1..=3 => PartialDate::month(date.year(), date.month()).expect("month"),
                _ => PartialDate::day(date),
            };
            Entry {
                id: i as u64,
                agency: (next() % 20) as u32,
                seq: None,
                start,
                time: (r % 3 == 0).then_some(TimeOfDay {
                    hour: (r % 24) as u8,
                    minute: (r % 60) as u8,
                }),
                end: None,
                event_type: Some(
                    ["Contact", "Referral", "Strategy discussion"][(r % 3) as usize].into(),
                ),
                text: format!(
                    "{} (record {})",
                    PHRASES[(next() % PHRASES.len() as u64) as usize],
                    i
                ),
                shared_with: if r % 10 == 0 {
                    vec![(next() % 20) as u32]
                } else {
                    vec![]
                },
            }
        })
        .collect()
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn main() {
    let settings = MergeSettings::default();
    let rejected = HashSet::new();
    println!(
        "{:>8} {:>12} {:>12} {:>8} {:>8}",
        "entries", "merge", "plain sort", "ratio", "groups"
    );
    let mut previous: Option<Duration> = None;
    for n in [1_000, 10_000, 100_000] {
        let list = entries(n);
        let runs = if n >= 100_000 { 5 } else { 11 };
        let merge_time = median(
            (0..runs)
                .map(|_| {
                    let t = Instant::now();
                    black_box(merge(black_box(&list), &settings, &rejected));
                    t.elapsed()
                })
                .collect(),
        );
        let sort_time = median(
            (0..runs)
                .map(|_| {
                    let mut order: Vec<usize> = (0..list.len()).collect();
                    let t = Instant::now();
                    order.sort_by(|&a, &b| {
                        let (x, y) = (&list[a], &list[b]);
                        (x.start.start(), x.time, x.seq, x.agency, x.id).cmp(&(
                            y.start.start(),
                            y.time,
                            y.seq,
                            y.agency,
                            y.id,
                        ))
                    });
                    black_box(&order);
                    t.elapsed()
                })
                .collect(),
        );
        // As many runs again, timing each phase as the merge reports its end.
        let mut phases: Vec<(&'static str, Vec<Duration>)> = Vec::new();
        for run in 0..runs {
            let mut last = Instant::now();
            let mut phase = 0;
            black_box(merge_with_phases(
                black_box(&list),
                &settings,
                &Decisions::default(),
                |name| {
                    let now = Instant::now();
                    if run == 0 {
                        phases.push((name, Vec::new()));
                    }
                    phases[phase].1.push(now - last);
                    phase += 1;
                    last = now;
                },
            ));
        }
        let groups = merge(&list, &settings, &rejected).duplicate_groups.len();
        println!(
            "{n:>8} {:>10.2}ms {:>10.2}ms {:>7.1}x {groups:>8}",
            merge_time.as_secs_f64() * 1e3,
            sort_time.as_secs_f64() * 1e3,
            merge_time.as_secs_f64() / sort_time.as_secs_f64().max(1e-9),
        );
        let phases: Vec<String> = phases
            .into_iter()
            .map(|(name, runs)| format!("{name} {:.2}", median(runs).as_secs_f64() * 1e3))
            .collect();
        println!("{:>8} phases (ms): {}", "", phases.join(", "));
        if let Some(p) = previous {
            println!(
                "{:>8} 10x the entries took {:.1}x the time",
                "",
                merge_time.as_secs_f64() / p.as_secs_f64()
            );
        }
        previous = Some(merge_time);
    }
}
