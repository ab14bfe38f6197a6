//! What an entry's history row keeps of the entry (`chronology_entry_history.snapshot`, and
//! the stored entry a CONFLICT answers with): written and read by this one type, so a field
//! added here is both kept and shown.

use super::service::{end_of, shared_ids, start_of, EntryFields};
use crate::entities::{agency, chronology_entry};
use crate::error::{AppError, AppResult};
use serde::{Deserialize, Serialize};

/// One version of an entry as kept: its fields as typed (flattened, so the stored shape
/// is one object), with its id, version and whether it is an author's note. Rows kept
/// before a field existed read it as empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EntrySnapshot {
    pub id: String,
    pub version: i32,
    pub note: bool,
    #[serde(flatten)]
    pub fields: EntryFields,
}

impl EntrySnapshot {
    /// The entry as it is, its sharing named by the agencies' prefixes.
    pub fn of(e: &chronology_entry::Model, agencies: &[agency::Model]) -> Self {
        let shared_with = shared_ids(e)
            .iter()
            .filter_map(|id| {
                agencies
                    .iter()
                    .find(|a| &a.id == id)
                    .map(|a| a.prefix.clone())
            })
            .collect();
        Self {
            id: e.id.clone(),
            version: e.version,
            note: e.note,
            fields: EntryFields {
                seq: e.seq,
                start_date: start_of(e).to_string(),
                start_time: e.start_time.clone(),
                end_date: end_of(e).map(|d| d.to_string()),
                end_time: e.end_time.clone(),
                source: e.source.clone(),
                event_type: e.event_type.clone(),
                event: e.event.clone(),
                action_taken: e.action_taken.clone(),
                shared_with,
                practitioner_comment: e.practitioner_comment.clone(),
                case_id: e.case_id.clone(),
            },
        }
    }

    /// As stored.
    pub fn to_text(&self) -> String {
        self.to_json().to_string()
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// A stored snapshot read back; one that does not read is an internal error, never an
    /// empty version.
    pub fn read(text: &str) -> AppResult<Self> {
        serde_json::from_str(text)
            .map_err(|e| AppError::Internal(format!("a stored entry version does not read: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_reads_back_and_older_rows_read_with_empty_fields() {
        let snap = EntrySnapshot {
            id: "e".into(),
            version: 3,
            note: false,
            fields: EntryFields {
                seq: Some(2),
                start_date: "May 2016".into(),
                shared_with: vec!["POL".into()],
                case_id: Some("case".into()),
                event: "Home visit".into(),
                ..EntryFields::default()
            },
        };
        // One object, in the stored field names.
        assert_eq!(snap.to_json()["caseId"], "case");
        assert_eq!(snap.to_json()["startDate"], "May 2016");
        assert_eq!(EntrySnapshot::read(&snap.to_text()).ok(), Some(snap));
        let old = EntrySnapshot::read(r#"{"id":"e","version":1,"event":"Visit"}"#).expect("reads");
        assert_eq!(
            (old.fields.event.as_str(), old.fields.case_id),
            ("Visit", None)
        );
        let bad = EntrySnapshot::read("not json").expect_err("refused");
        assert_eq!(bad.code(), "INTERNAL");
    }
}
