//! The anonymisation detector's quality on labelled chronology texts
//! (`tests/anonymisation/*.txt`, format at the top of `cases.txt`):
//! `cargo test -p shared --test anonymisation_quality` prints, for each case and overall,
//! precision and recall of the name suspects beside two baselines, and fails when recall
//! falls below 0.9 or precision is not above both baselines.
//!
//! A suspect counts as right when it overlaps a marked name; a marked name counts as found
//! when some suspect overlaps it. Every detector is given the case's glossary: what it
//! covers is never counted for or against.
//!
//! Baselines:
//! - "capitalised pair": any two capitalised words next to each other ("Dean Smith", and
//!   "Strategy Meeting" too);
//! - "titles only": a title (Mr, Mrs, Ms, Miss, Mx, Dr, PC, DC, DS) and the capitalised
//!   word after it.

use shared::chronology::names::{find_suspects, SuspectKind};
use shared::glossary::{Glossary, Term};
use std::path::Path;

struct Case {
    title: String,
    glossary: Glossary,
    /// (text, marked names as byte ranges)
    entries: Vec<(String, Vec<(usize, usize)>)>,
}

fn parse(text: &str) -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    for line in text.lines() {
        if let Some(title) = line.strip_prefix("== ") {
            cases.push(Case {
                title: title.trim().to_string(),
                glossary: Glossary::default(),
                entries: Vec::new(),
            });
        } else if let Some(g) = line.strip_prefix("glossary:") {
            let terms = g
                .split(';')
                .filter_map(|p| p.split_once('='))
                .map(|(r, a)| Term {
                    real: r.trim().into(),
                    replacement: a.trim().into(),
                })
                .collect();
            cases.last_mut().expect("a case").glossary = Glossary::new(terms);
        } else if let Some(entry) = line.strip_prefix("- ") {
            let mut out = String::new();
            let mut marks = Vec::new();
            let mut rest = entry;
            while let Some(open) = rest.find("[[") {
                out.push_str(&rest[..open]);
                let close = rest[open..].find("]]").expect("closed mark") + open;
                let start = out.len();
                out.push_str(&rest[open + 2..close]);
                marks.push((start, out.len()));
                rest = &rest[close + 2..];
            }
            out.push_str(rest);
            cases.last_mut().expect("a case").entries.push((out, marks));
        }
    }
    cases
}

#[derive(Default, Clone, Copy)]
struct Score {
    predicted: usize,
    right: usize,
    truth: usize,
    found: usize,
}

impl Score {
    fn add(&mut self, o: Score) {
        self.predicted += o.predicted;
        self.right += o.right;
        self.truth += o.truth;
        self.found += o.found;
    }
    fn precision(self) -> f64 {
        if self.predicted == 0 {
            1.0
        } else {
            self.right as f64 / self.predicted as f64
        }
    }
    fn recall(self) -> f64 {
        if self.truth == 0 {
            1.0
        } else {
            self.found as f64 / self.truth as f64
        }
    }
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

fn score(predicted: &[(usize, usize)], truth: &[(usize, usize)]) -> Score {
    Score {
        predicted: predicted.len(),
        right: predicted
            .iter()
            .filter(|p| truth.iter().any(|t| overlaps(**p, *t)))
            .count(),
        truth: truth.len(),
        found: truth
            .iter()
            .filter(|t| predicted.iter().any(|p| overlaps(*p, **t)))
            .count(),
    }
}

/// Words with their byte ranges.
fn words(text: &str) -> Vec<(usize, usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        let part = c.is_alphanumeric() || c == '\'' || c == '-';
        match (start, part) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                out.push((s, i, &text[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    out
}

fn capitalised(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase) && w.chars().count() > 1
}

fn uncovered(g: &Glossary, text: &str, spans: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    let covered: Vec<(usize, usize)> = g.find(text).iter().map(|h| (h.start, h.end)).collect();
    spans
        .into_iter()
        .filter(|s| !covered.iter().any(|c| overlaps(*s, *c)))
        .collect()
}

fn capitalised_pairs(g: &Glossary, text: &str) -> Vec<(usize, usize)> {
    let w = words(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < w.len() {
        let joined = text[w[i].1..w[i + 1].0] == *" ";
        if joined && capitalised(w[i].2) && capitalised(w[i + 1].2) {
            out.push((w[i].0, w[i + 1].1));
            i += 2;
        } else {
            i += 1;
        }
    }
    uncovered(g, text, out)
}

fn titles_only(g: &Glossary, text: &str) -> Vec<(usize, usize)> {
    const TITLES: [&str; 9] = ["mr", "mrs", "ms", "miss", "mx", "dr", "pc", "dc", "ds"];
    let w = words(text);
    let mut out = Vec::new();
    for p in w.windows(2) {
        let title = TITLES.contains(&p[0].2.trim_end_matches('.').to_lowercase().as_str());
        if title && capitalised(p[1].2) {
            out.push((p[0].0, p[1].1));
        }
    }
    uncovered(g, text, out)
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/anonymisation");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("cases")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let mut totals = [Score::default(); 3];
    let mut misses: Vec<String> = Vec::new();
    let mut false_alarms: Vec<String> = Vec::new();
    println!(
        "{:<52} {:>6} | {:>13} | {:>13} | {:>13}",
        "case", "names", "detector P/R", "cap. pair P/R", "titles P/R"
    );
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable");
        for case in parse(&text) {
            let texts: Vec<&str> = case.entries.iter().map(|(t, _)| t.as_str()).collect();
            let found = find_suspects(&case.glossary, &texts);
            let mut s = [Score::default(); 3];
            for ((text, truth), suspects) in case.entries.iter().zip(&found) {
                let names: Vec<(usize, usize)> = suspects
                    .iter()
                    .filter(|x| x.kind == SuspectKind::Name)
                    .map(|x| (x.start, x.end))
                    .collect();
                for t in truth {
                    if !names.iter().any(|p| overlaps(*p, *t)) {
                        misses.push(format!("{}: {}", &text[t.0..t.1], text));
                    }
                }
                for p in &names {
                    if !truth.iter().any(|t| overlaps(*p, *t)) {
                        false_alarms.push(format!("{}: {}", &text[p.0..p.1], text));
                    }
                }
                s[0].add(score(&names, truth));
                s[1].add(score(&capitalised_pairs(&case.glossary, text), truth));
                s[2].add(score(&titles_only(&case.glossary, text), truth));
            }
            println!(
                "{:<52} {:>6} | {:>6.2}/{:<6.2} | {:>6.2}/{:<6.2} | {:>6.2}/{:<6.2}",
                case.title.chars().take(52).collect::<String>(),
                s[0].truth,
                s[0].precision(),
                s[0].recall(),
                s[1].precision(),
                s[1].recall(),
                s[2].precision(),
                s[2].recall()
            );
            for (t, c) in totals.iter_mut().zip(s) {
                t.add(c);
            }
        }
    }
    let [d, pair, titles] = totals;
    println!(
        "{:<52} {:>6} | {:>6.2}/{:<6.2} | {:>6.2}/{:<6.2} | {:>6.2}/{:<6.2}",
        "ALL",
        d.truth,
        d.precision(),
        d.recall(),
        pair.precision(),
        pair.recall(),
        titles.precision(),
        titles.recall()
    );
    println!("\nmissed ({}):", misses.len());
    misses.iter().for_each(|m| println!("  {m}"));
    println!("false alarms ({}):", false_alarms.len());
    false_alarms.iter().for_each(|m| println!("  {m}"));
    let mut failed = false;
    if d.recall() < 0.9 {
        println!("FAIL: recall {:.3} below 0.9", d.recall());
        failed = true;
    }
    if d.precision() <= pair.precision() || d.precision() <= titles.precision() {
        println!(
            "FAIL: precision {:.3} not above the baselines ({:.3}, {:.3})",
            d.precision(),
            pair.precision(),
            titles.precision()
        );
        failed = true;
    }
    if failed {
        std::process::exit(1);
    }
}
