//! `cargo bench -p shared --bench merge`: the chronology merge with 20 agencies at 1k, 10k
//! and 100k entries, beside a plain sort of the same entries in the same run, in two shapes
//! (see `data/entries.rs`): ten years of entries (dense), and about 1,000 entries a year (as
//! a real review). Prints the median of several runs, and of each phase of the merge, then
//! both shapes side by side; no timing is asserted.

use shared::chronology::merge::{merge_with_phases, Decisions};
use shared::chronology::{merge, Entry, MergeSettings};
use std::collections::HashSet;
use std::hint::black_box;
use std::time::{Duration, Instant};

#[path = "data/entries.rs"]
mod data;

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

/// One shape's timings at one size: medians of the merge, the plain sort and each phase.
struct Measured {
    merge: Duration,
    sort: Duration,
    groups: usize,
    phases: Vec<(&'static str, Duration)>,
}

fn measure(list: &[Entry]) -> Measured {
    let settings = MergeSettings::default();
    let rejected = HashSet::new();
    let runs = if list.len() >= 100_000 { 5 } else { 11 };
    let merge_time = median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                black_box(merge(black_box(list), &settings, &rejected));
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
            black_box(list),
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
    Measured {
        merge: merge_time,
        sort: sort_time,
        groups: merge(list, &settings, &rejected).duplicate_groups.len(),
        phases: phases
            .into_iter()
            .map(|(name, runs)| (name, median(runs)))
            .collect(),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-9)
}

fn main() {
    type Shape = (&'static str, fn(usize) -> Vec<Entry>);
    let shapes: [Shape; 2] = [
        ("dense: ten years", data::entries),
        ("realistic: about 1,000 a year", data::realistic_entries),
    ];
    let sizes = [1_000, 10_000, 100_000];
    let mut table: Vec<Vec<Measured>> = Vec::new();
    for (name, make) in shapes {
        println!("{name}");
        println!(
            "{:>8} {:>12} {:>12} {:>8} {:>8}",
            "entries", "merge", "plain sort", "ratio", "groups"
        );
        let mut rows: Vec<Measured> = Vec::new();
        for n in sizes {
            let m = measure(&make(n));
            println!(
                "{n:>8} {:>10.2}ms {:>10.2}ms {:>7.1}x {:>8}",
                ms(m.merge),
                ms(m.sort),
                ratio(m.merge, m.sort),
                m.groups
            );
            let phases: Vec<String> = m
                .phases
                .iter()
                .map(|(name, d)| format!("{name} {:.2}", ms(*d)))
                .collect();
            println!("{:>8} phases (ms): {}", "", phases.join(", "));
            if let Some(p) = rows.last() {
                println!(
                    "{:>8} 10x the entries took {:.1}x the time",
                    "",
                    ratio(m.merge, p.merge)
                );
            }
            rows.push(m);
        }
        println!();
        table.push(rows);
    }
    // The two shapes side by side.
    println!(
        "{:>8} | {:>10} {:>7} {:>7} | {:>10} {:>7} {:>7}",
        "entries", "dense", "x sort", "x 10x", "realistic", "x sort", "x 10x"
    );
    for (i, n) in sizes.iter().enumerate() {
        let cell = |rows: &[Measured]| {
            let m = &rows[i];
            let scaling = i.checked_sub(1).map_or(String::from("-"), |p| {
                format!("{:.1}", ratio(m.merge, rows[p].merge))
            });
            format!(
                "{:>8.2}ms {:>6.1}x {:>7}",
                ms(m.merge),
                ratio(m.merge, m.sort),
                scaling
            )
        };
        println!("{n:>8} | {} | {}", cell(&table[0]), cell(&table[1]));
    }
}
