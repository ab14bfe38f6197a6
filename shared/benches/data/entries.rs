//! Bench-shaped entries: 20 agencies' deterministic pseudo-random entries, for the merge's
//! benchmark (`benches/merge.rs`) and for the test that the merge's fast and general paths
//! agree (`tests/merge_paths.rs`), which include this file.

use chrono::{Datelike, NaiveDate};
use shared::chronology::{Entry, PartialDate, TimeOfDay};

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

/// The seed of the benchmark's entries.
pub const SEED: u64 = 0x2545_f491_4f6c_dd1d;

/// Ten years of entries, as the benchmark has always measured: 1,000 entries are 100 a
/// year, 100,000 are 10,000 a year (dense, to load the window of dates).
#[allow(dead_code)]
pub fn entries(n: usize) -> Vec<Entry> {
    entries_over(n, SEED, 3650)
}

/// About 1,000 entries a year, as a serious case review of a family over many years has:
/// 100,000 entries are a century (sparse: most of the work is reading the words).
#[allow(dead_code)]
pub fn realistic_entries(n: usize) -> Vec<Entry> {
    entries_over(n, SEED, (n * 365 / 1000).max(1) as u64)
}

/// `n` entries spread over `days` days from 2010, from `seed` (not 0): 1 in 100 dated only
/// to the year and 3 in 100 to the month, a third with a time, one in ten shared with
/// another agency (or, by chance, its own).
pub fn entries_over(n: usize, seed: u64, days: u64) -> Vec<Entry> {
    let base = NaiveDate::from_ymd_opt(2010, 1, 1).expect("date");
    let mut state: u64 = seed.max(1);
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..n)
        .map(|i| {
            let r = next();
            let date = base + chrono::Duration::days((r % days.max(1)) as i64);
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
