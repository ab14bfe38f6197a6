//! What changed in an integrated chronology since a version a page shows, so that a live
//! change reaches the page as a patch of the entries it touched rather than a re-read of
//! them all (`IntegratedChronology.changesSince`).
//!
//! The entries are compared as stored (every field, the version included) between the merge
//! the page shows, while this instance still keeps it (`super::cache`), and the merge now.
//! An unchanged entry keeps its place relative to the other unchanged ones (the merge's
//! order depends on each entry alone, ties on its id), so the page removes the changed and
//! the gone entries, then puts each changed one at its place now, in order of place.
//! Duplicate groups, sharing flags and gaps are sent whole when they changed, else not at
//! all; annotations are read whole as ever (they are few, and not part of the merge).

use super::service::{GroupView, IntegratedView, Merged, SharingView};
use crate::entities::chronology_entry;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use std::collections::HashMap;

/// The most changed entries one answer carries: past it, reading the entries again in
/// windows costs the page no more.
pub const MOST: usize = super::graphql::MAX_ENTRY_WINDOW as usize;

/// The longest version there is (16 hexadecimal digits); anything longer is refused
/// before any work.
const VERSION_LEN: usize = 16;

/// Entries new or changed since a version (each with its place now, in order of place),
/// and the ids of those gone; the groups, sharing flags and gaps when they changed.
#[derive(Debug, PartialEq)]
pub struct Changes<'a> {
    pub entries: Vec<(usize, &'a chronology_entry::Model)>,
    pub removed: Vec<String>,
    pub groups: Option<&'a [GroupView]>,
    pub sharing: Option<&'a [SharingView]>,
    pub gaps: Option<&'a [shared::chronology::Gap]>,
}

impl Changes<'_> {
    fn none() -> Self {
        Self {
            entries: Vec::new(),
            removed: Vec::new(),
            groups: None,
            sharing: None,
            gaps: None,
        }
    }
}

/// What changed in `view` since the merge `version` named, or `None` when this instance
/// no longer keeps that merge (or so much changed that the page should read everything
/// again).
pub async fn since<'a>(
    state: &AppState,
    view: &'a IntegratedView,
    version: &str,
) -> AppResult<Option<Changes<'a>>> {
    if version.len() > VERSION_LEN || !version.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::validation(
            "version",
            "is not a version this service gave (16 hexadecimal digits from IntegratedChronology.version)",
        ));
    }
    if version == view.version() {
        return Ok(Some(Changes::none()));
    }
    Ok(match state.merges.at_version(&view.key, version).await {
        Some(old) => between(&old, &view.merged, MOST),
        None => None,
    })
}

/// The changes from `old` to `new`; `None` past `most` changed entries, or when the
/// agencies changed (every entry shows its agency's name and colour).
pub fn between<'a>(old: &Merged, new: &'a Merged, most: usize) -> Option<Changes<'a>> {
    if old.agencies != new.agencies {
        return None;
    }
    let before: HashMap<&str, &chronology_entry::Model> =
        old.entries.iter().map(|e| (e.id.as_str(), e)).collect();
    let mut entries = Vec::new();
    for (place, entry) in new.entries.iter().enumerate() {
        if before.get(entry.id.as_str()) != Some(&entry) {
            if entries.len() == most {
                return None;
            }
            entries.push((place, entry));
        }
    }
    let now: std::collections::HashSet<&str> = new.entries.iter().map(|e| e.id.as_str()).collect();
    let removed: Vec<String> = old
        .entries
        .iter()
        .filter(|e| !now.contains(e.id.as_str()))
        .map(|e| e.id.clone())
        .collect();
    Some(Changes {
        entries,
        removed,
        groups: (old.groups != new.groups).then_some(new.groups.as_slice()),
        sharing: (old.sharing != new.sharing).then_some(new.sharing.as_slice()),
        gaps: (old.gaps != new.gaps).then_some(new.gaps.as_slice()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, Utc};

    fn entry(id: &str, event: &str) -> chronology_entry::Model {
        chronology_entry::Model {
            id: id.into(),
            event: event.into(),
            ..blank()
        }
    }

    fn blank() -> chronology_entry::Model {
        let at = chrono::DateTime::<Utc>::from_timestamp(1_780_000_000, 0).unwrap_or_default();
        chronology_entry::Model {
            id: String::new(),
            return_id: "ret".into(),
            review_id: "r".into(),
            agency_id: "a".into(),
            seq: None,
            start_on: NaiveDate::from_ymd_opt(2026, 5, 1).unwrap_or_default(),
            precision: "DAY".into(),
            uncertain: false,
            start_time: None,
            end_on: None,
            end_precision: None,
            end_uncertain: None,
            end_time: None,
            source: "s".into(),
            event_type: None,
            event: String::new(),
            action_taken: None,
            shared_with: "[]".into(),
            practitioner_comment: None,
            note: false,
            case_id: None,
            content_hash: String::new(),
            version: 1,
            created_at: at,
            updated_at: at,
        }
    }

    fn merged(entries: Vec<chronology_entry::Model>) -> Merged {
        Merged {
            entries,
            ..Merged::default()
        }
    }

    /// Applies changes as the page does.
    fn apply(mut shown: Vec<String>, changes: &Changes) -> Vec<String> {
        shown.retain(|id| {
            !changes.removed.contains(id) && !changes.entries.iter().any(|(_, e)| &e.id == id)
        });
        for (place, e) in &changes.entries {
            shown.insert((*place).min(shown.len()), e.id.clone());
        }
        shown
    }

    #[test]
    fn changed_new_and_gone_entries_patch_the_old_order_into_the_new() {
        let old = merged(vec![
            entry("a", "one"),
            entry("b", "two"),
            entry("c", "three"),
            entry("d", "four"),
        ]);
        // b changed and moved to the end, c is gone, e is new at the start.
        let new = merged(vec![
            entry("e", "new"),
            entry("a", "one"),
            entry("d", "four"),
            entry("b", "two, changed"),
        ]);
        let changes = between(&old, &new, MOST).expect("within bounds");
        let ids: Vec<(usize, &str)> = changes
            .entries
            .iter()
            .map(|(p, e)| (*p, e.id.as_str()))
            .collect();
        assert_eq!(ids, vec![(0, "e"), (3, "b")]);
        assert_eq!(changes.removed, vec!["c".to_owned()]);
        let shown = old.entries.iter().map(|e| e.id.clone()).collect();
        let patched = apply(shown, &changes);
        let expected: Vec<String> = new.entries.iter().map(|e| e.id.clone()).collect();
        assert_eq!(patched, expected);
    }

    #[test]
    fn nothing_changed_is_an_empty_patch() {
        let old = merged(vec![entry("a", "one"), entry("b", "two")]);
        let same = old.clone();
        let changes = between(&old, &same, MOST).expect("within bounds");
        assert_eq!(changes, Changes::none());
    }

    #[test]
    fn groups_sharing_and_gaps_are_sent_only_when_they_changed() {
        let old = merged(vec![entry("a", "one"), entry("b", "two")]);
        let mut new = old.clone();
        new.gaps.push(shared::chronology::Gap {
            after: NaiveDate::from_ymd_opt(2026, 5, 1).unwrap_or_default(),
            before: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap_or_default(),
            days: 61,
        });
        let changes = between(&old, &new, MOST).expect("within bounds");
        assert_eq!(changes.gaps.map(<[_]>::len), Some(1));
        assert_eq!((changes.groups, changes.sharing), (None, None));
        assert!(changes.entries.is_empty());
    }

    #[test]
    fn too_many_changes_or_other_agencies_ask_for_a_full_read() {
        let old = merged(vec![entry("a", "one"), entry("b", "two")]);
        let new = merged(vec![entry("a", "uno"), entry("b", "dos")]);
        assert!(between(&old, &new, 1).is_none());
        assert!(between(&old, &new, 2).is_some());
        let mut renamed = old.clone();
        renamed.agencies = 7;
        assert!(between(&old, &renamed, MOST).is_none());
    }
}
