//! The labelled corpus (`tests/corpus`, see its README) as merge input: each case's entries,
//! its agencies' names in the merge settings, and its truth. Used by `merge_quality` and
//! `merge_paths`, each of which reads only part of it.
#![allow(dead_code)]

use serde::Deserialize;
use shared::chronology::{Entry, MergeSettings, PartialDate, TimeOfDay};
use std::collections::HashMap;
use std::path::PathBuf;

#[derive(Deserialize)]
pub struct Case {
    pub name: String,
    pub agencies: Vec<Agency>,
    pub entries: Vec<CaseEntry>,
    pub duplicates: Vec<Vec<u64>>,
    pub confirmations: Vec<(u64, String, u64)>,
}

#[derive(Deserialize)]
pub struct Agency {
    pub key: String,
    pub name: String,
}

#[derive(Deserialize)]
pub struct CaseEntry {
    pub id: u64,
    pub agency: String,
    pub date: String,
    pub time: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub text: String,
    #[serde(default)]
    pub shared: Vec<String>,
}

pub struct Loaded {
    pub case: Case,
    pub entries: Vec<Entry>,
    pub settings: MergeSettings,
    pub key_of: HashMap<String, u32>,
}

/// The corpus's case files, in name order.
pub fn paths() -> Vec<PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no cases in {dir:?}");
    paths
}

pub fn load(path: &std::path::Path) -> Loaded {
    let text = std::fs::read_to_string(path).expect("read case");
    let case: Case = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let key_of: HashMap<String, u32> = case
        .agencies
        .iter()
        .enumerate()
        .map(|(i, a)| (a.key.clone(), i as u32))
        .collect();
    let entries = case
        .entries
        .iter()
        .map(|e| Entry {
            id: e.id,
            agency: key_of[&e.agency],
            seq: None,
            start: PartialDate::parse(&e.date).unwrap_or_else(|m| panic!("{}: {m}", e.id)),
            time: e
                .time
                .as_deref()
                .map(|t| TimeOfDay::parse(t).unwrap_or_else(|m| panic!("{}: {m}", e.id))),
            end: None,
            event_type: e.kind.clone(),
            text: e.text.clone(),
            shared_with: e.shared.iter().map(|s| key_of[s]).collect(),
        })
        .collect();
    let settings = MergeSettings {
        agency_names: case
            .agencies
            .iter()
            .map(|a| (key_of[&a.key], a.name.clone()))
            .collect(),
        ..MergeSettings::default()
    };
    Loaded {
        case,
        entries,
        settings,
        key_of,
    }
}
