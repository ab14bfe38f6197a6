//! The `Chronology` query, decoded by hand from JSON into a few small structs: the
//! generated types (one per selection, each with its own decoder) made the WebAssembly
//! much larger. The query text is `graphql/chronology.graphql`'s, as for the others.

use graphql_client::{GraphQLQuery, QueryBody};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

pub struct Chronology;

#[derive(Debug, Clone, Serialize)]
pub struct Variables {
    pub id: String,
    /// Real names replaced as the review's glossary says.
    pub anonymised: bool,
    /// How many of the integrated chronology's entries to read (all when `None`).
    pub first: Option<i64>,
    /// In an audit, the case whose integrated chronology to read.
    pub case: Option<String>,
}

/// An operation of this module, named as in `graphql/chronology.graphql` (whose text it
/// sends), with its variables and its answer decoded by hand.
macro_rules! operation {
    ($name:ident, $variables:ty, $answer:ty) => {
        impl GraphQLQuery for $name {
            type Variables = $variables;
            type ResponseData = $answer;

            fn build_query(variables: $variables) -> QueryBody<$variables> {
                QueryBody {
                    variables,
                    query: include_str!("../../graphql/chronology.graphql"),
                    operation_name: stringify!($name),
                }
            }
        }
    };
}

operation!(Chronology, Variables, ResponseData);

/// A window of the integrated chronology's entries (`IntegratedEntries`).
pub struct IntegratedEntries;

#[derive(Debug, Clone, Serialize)]
pub struct WindowVariables {
    pub id: String,
    pub anonymised: bool,
    pub offset: i64,
    pub limit: i64,
    pub case: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Window {
    /// All the entries there are now.
    pub entry_count: i64,
    pub entries: Vec<EntryFields>,
}

operation!(IntegratedEntries, WindowVariables, Window);

/// After a live change, the entries changed since the version the page shows, with the rest
/// of what `Chronology` reads (`IntegratedChanges`).
pub struct IntegratedChanges;

#[derive(Debug, Clone, Serialize)]
pub struct ChangesVariables {
    pub id: String,
    pub anonymised: bool,
    pub case: Option<String>,
    /// The version of the merge the page shows (`IntegratedData::version`).
    pub since: String,
}

/// The review as `Chronology` reads it, its integrated chronology without entries, and
/// what changed in those (None when the server no longer knows the page's version).
#[derive(Debug, Clone)]
pub struct ChangesData {
    pub review: Review,
    pub changes: Option<Changes>,
}

/// Entries new or changed (each with its place now, in order of place), and those gone; the
/// groups, sharing flags and gaps when they changed.
#[derive(Debug, Clone)]
pub struct Changes {
    pub entries: Vec<(usize, EntryFields)>,
    pub removed: Vec<String>,
    pub duplicate_groups: Option<Vec<DuplicateGroup>>,
    pub sharing: Option<Vec<Sharing>>,
    pub gaps: Option<Vec<Gap>>,
}

impl Changes {
    /// `into` (an answer without entries, groups, sharing or gaps) made whole from `shown`
    /// and these changes: the changed and the gone entries taken out of `shown`'s, then each
    /// changed entry put at its place, in order of place; the groups, sharing and gaps
    /// `shown` has unless they changed.
    pub fn apply(self, shown: &IntegratedData, into: &mut IntegratedData) {
        let out: std::collections::HashSet<&str> = self
            .removed
            .iter()
            .map(String::as_str)
            .chain(self.entries.iter().map(|(_, e)| e.id.as_str()))
            .collect();
        let mut entries: Vec<EntryFields> = shown
            .entries
            .iter()
            .filter(|e| !out.contains(e.id.as_str()))
            .cloned()
            .collect();
        for (place, entry) in self.entries {
            entries.insert(place.min(entries.len()), entry);
        }
        into.entries = entries;
        into.duplicate_groups = self
            .duplicate_groups
            .unwrap_or_else(|| shown.duplicate_groups.clone());
        into.sharing = self.sharing.unwrap_or_else(|| shown.sharing.clone());
        into.gaps = self.gaps.unwrap_or_else(|| shown.gaps.clone());
    }
}

operation!(IntegratedChanges, ChangesVariables, ChangesData);

impl<'de> Deserialize<'de> for ChangesData {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        let changes = integrated_of(&v)
            .and_then(|c| obj(c, "changesSince"))
            .map(|c| Changes {
                entries: list(c, "entries", |p| {
                    (
                        usize::try_from(i(p, "position")).unwrap_or(usize::MAX),
                        EntryFields::read(obj(p, "entry").unwrap_or(&NULL)),
                    )
                }),
                removed: list(c, "removed", |id| {
                    id.as_str().unwrap_or_default().to_owned()
                }),
                duplicate_groups: c
                    .get("duplicateGroups")
                    .is_some_and(Value::is_array)
                    .then(|| list(c, "duplicateGroups", DuplicateGroup::read)),
                sharing: c
                    .get("sharing")
                    .is_some_and(Value::is_array)
                    .then(|| list(c, "sharing", Sharing::read)),
                gaps: c
                    .get("gaps")
                    .is_some_and(Value::is_array)
                    .then(|| list(c, "gaps", Gap::read)),
            });
        match v.get("review") {
            Some(r) if r.is_object() => Ok(Self {
                review: Review::read(r),
                changes,
            }),
            _ => Err(serde::de::Error::custom("no review")),
        }
    }
}

/// The integrated chronology of an answer's `review` (None while it may not be seen).
fn integrated_of(v: &Value) -> Option<&Value> {
    obj(obj(v, "review")?, "integratedChronology")
}

impl<'de> Deserialize<'de> for Window {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        let c = integrated_of(&v).ok_or_else(|| serde::de::Error::custom("no chronology"))?;
        Ok(Self {
            entry_count: i(c, "entryCount"),
            entries: list(c, "entries", EntryFields::read),
        })
    }
}

/// The integrated chronology's annotations alone (`IntegratedAnnotations`).
pub struct IntegratedAnnotations;

#[derive(Debug, Clone, Serialize)]
pub struct AnnotationsVariables {
    pub id: String,
    pub anonymised: bool,
    pub case: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Annotations(pub Vec<EntryAnnotations>);

operation!(IntegratedAnnotations, AnnotationsVariables, Annotations);

impl<'de> Deserialize<'de> for Annotations {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        let c = integrated_of(&v).ok_or_else(|| serde::de::Error::custom("no chronology"))?;
        Ok(Self(list(c, "annotations", EntryAnnotations::read)))
    }
}

#[derive(Debug, Clone)]
pub struct ResponseData {
    pub review: Review,
}

impl<'de> Deserialize<'de> for ResponseData {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        match v.get("review") {
            Some(r) if r.is_object() => Ok(Self {
                review: Review::read(r),
            }),
            _ => Err(serde::de::Error::custom("no review")),
        }
    }
}

fn s(v: &Value, k: &str) -> String {
    v.get(k)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn o(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_string)
}

fn i(v: &Value, k: &str) -> i64 {
    v.get(k).and_then(Value::as_i64).unwrap_or_default()
}

fn b(v: &Value, k: &str) -> bool {
    v.get(k).and_then(Value::as_bool).unwrap_or_default()
}

fn list<T>(v: &Value, k: &str, f: fn(&Value) -> T) -> Vec<T> {
    v.get(k)
        .and_then(Value::as_array)
        .map(|l| l.iter().map(f).collect())
        .unwrap_or_default()
}

fn obj<'a>(v: &'a Value, k: &str) -> Option<&'a Value> {
    v.get(k).filter(|x| x.is_object())
}

static NULL: Value = Value::Null;

#[derive(Debug, Clone, Default)]
pub struct Agency {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub colour: String,
}

impl Agency {
    fn read(v: &Value) -> Self {
        Self {
            id: s(v, "id"),
            name: s(v, "name"),
            prefix: s(v, "prefix"),
            colour: s(v, "colour"),
        }
    }

    fn of(v: &Value) -> Self {
        Self::read(obj(v, "agency").unwrap_or(&NULL))
    }
}

#[derive(Debug, Clone)]
pub struct Member {
    pub user_id: String,
    pub role: String,
}

#[derive(Debug, Clone)]
pub struct Review {
    pub id: String,
    pub reference: String,
    pub subject: String,
    /// The date the business office asked for the returns by.
    pub returns_due_on: Option<String>,
    pub members: Vec<Member>,
    /// A multi-agency case audit's cases (id, pseudonymised label): each has its own
    /// integrated chronology, and every entry names one. Empty for a case review.
    pub audit_cases: Vec<AuditCase>,
    pub my_chronology_return: Option<Return>,
    pub chronology_returns: Vec<Return>,
    pub integrated_chronology: Option<IntegratedData>,
}

impl Review {
    fn read(v: &Value) -> Self {
        Self {
            id: s(v, "id"),
            reference: s(v, "reference"),
            subject: s(v, "subject"),
            returns_due_on: o(v, "returnsDueOn"),
            members: list(v, "members", |m| Member {
                user_id: s(obj(m, "user").unwrap_or(&NULL), "id"),
                role: s(m, "role"),
            }),
            audit_cases: list(v, "auditCases", |c| AuditCase {
                id: s(c, "id"),
                label: s(c, "label"),
                agency_ids: list(c, "agencyIds", |a| {
                    a.as_str().unwrap_or_default().to_owned()
                }),
            }),
            my_chronology_return: obj(v, "myChronologyReturn").map(Return::read),
            chronology_returns: list(v, "chronologyReturns", Return::read),
            integrated_chronology: obj(v, "integratedChronology").map(IntegratedData::read),
        }
    }
}

/// A case of an audit's sample.
#[derive(Debug, Clone)]
pub struct AuditCase {
    pub id: String,
    /// Pseudonymised: "Case 3: Child D, aged 4".
    pub label: String,
    /// The agencies involved: only they write entries about it.
    pub agency_ids: Vec<String>,
}

/// An agency's return (the caller's with its entries; the others with their count).
#[derive(Debug, Clone)]
pub struct Return {
    pub id: String,
    pub agency: Agency,
    pub status: String,
    pub submitted_at: Option<String>,
    pub entry_count: i64,
    pub entries: Vec<EntryFields>,
}

impl Return {
    fn read(v: &Value) -> Self {
        Self {
            id: s(v, "id"),
            agency: Agency::of(v),
            status: s(v, "status"),
            submitted_at: o(v, "submittedAt"),
            entry_count: i(v, "entryCount"),
            entries: list(v, "entries", EntryFields::read),
        }
    }
}

#[derive(Debug, Clone)]
pub struct EntryFields {
    pub id: String,
    pub agency: Agency,
    pub seq: Option<i64>,
    pub start_date: String,
    pub start_on: String,
    pub precision: String,
    pub uncertain: bool,
    pub start_time: Option<String>,
    pub end_date: Option<String>,
    pub end_time: Option<String>,
    pub source: String,
    pub event_type: Option<String>,
    pub event: String,
    pub action_taken: Option<String>,
    pub shared_with: Vec<Agency>,
    pub practitioner_comment: Option<String>,
    /// The audit case it is about.
    pub case_id: Option<String>,
    pub version: i64,
}

impl EntryFields {
    fn read(v: &Value) -> Self {
        Self {
            id: s(v, "id"),
            agency: Agency::of(v),
            seq: v.get("seq").and_then(Value::as_i64),
            start_date: s(v, "startDate"),
            start_on: s(v, "startOn"),
            precision: s(v, "precision"),
            uncertain: b(v, "uncertain"),
            start_time: o(v, "startTime"),
            end_date: o(v, "endDate"),
            end_time: o(v, "endTime"),
            source: s(v, "source"),
            event_type: o(v, "eventType"),
            event: s(v, "event"),
            action_taken: o(v, "actionTaken"),
            shared_with: list(v, "sharedWith", Agency::read),
            practitioner_comment: o(v, "practitionerComment"),
            case_id: o(v, "caseId"),
            version: i(v, "version"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct DuplicateGroup {
    pub key: String,
    /// The member entries' ids.
    pub entries: Vec<String>,
    pub decision: Option<String>,
    /// Why the merge proposes it, in words (empty once it no longer does).
    pub evidence: Vec<String>,
    /// The mean match weight of its pairs (None once the merge no longer proposes it).
    pub score: Option<f64>,
    /// The lowest probability that a pair of it is one event.
    pub probability: Option<f64>,
}

impl DuplicateGroup {
    fn read(g: &Value) -> Self {
        Self {
            key: s(g, "key"),
            entries: list(g, "entries", |e| s(e, "id")),
            decision: o(g, "decision"),
            evidence: list(g, "evidence", |r| r.as_str().unwrap_or_default().to_owned()),
            score: g.get("score").and_then(Value::as_f64),
            probability: g.get("probability").and_then(Value::as_f64),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Sharing {
    pub entry_id: String,
    pub with_prefix: String,
    pub confirmed: bool,
    /// The receiving agency's entry that confirms it.
    pub confirmed_by: Option<String>,
}

impl Sharing {
    fn read(x: &Value) -> Self {
        Self {
            entry_id: s(obj(x, "entry").unwrap_or(&NULL), "id"),
            with_prefix: s(obj(x, "with").unwrap_or(&NULL), "prefix"),
            confirmed: b(x, "confirmed"),
            confirmed_by: obj(x, "confirmedBy").map(|e| s(e, "id")),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Gap {
    pub after: String,
    pub before: String,
    pub days: i64,
}

impl Gap {
    fn read(g: &Value) -> Self {
        Self {
            after: s(g, "after"),
            before: s(g, "before"),
            days: i(g, "days"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct AnnotationFields {
    pub id: String,
    pub kind: String,
    pub text: String,
    pub author_name: String,
    pub author_agency_prefix: Option<String>,
    pub created_at: String,
}

impl AnnotationFields {
    fn read(v: &Value) -> Self {
        Self {
            id: s(v, "id"),
            kind: s(v, "kind"),
            text: s(v, "text"),
            author_name: s(v, "authorName"),
            author_agency_prefix: o(v, "authorAgencyPrefix"),
            created_at: s(v, "createdAt"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Note {
    pub annotation_fields: AnnotationFields,
    pub answers: Vec<AnnotationFields>,
}

#[derive(Debug, Clone)]
pub struct EntryAnnotations {
    pub entry_id: String,
    pub annotations: Vec<Note>,
}

impl EntryAnnotations {
    fn read(a: &Value) -> Self {
        Self {
            entry_id: s(a, "entryId"),
            annotations: list(a, "annotations", |n| Note {
                annotation_fields: AnnotationFields::read(n),
                answers: list(n, "answers", AnnotationFields::read),
            }),
        }
    }
}

#[derive(Debug, Clone)]
pub struct IntegratedData {
    /// The audit case it is of (None in a case review).
    pub case_id: Option<String>,
    /// All the entries there are; `entries` may hold the first of them only.
    pub entry_count: i64,
    /// The version of the merge it shows (for `IntegratedChanges`).
    pub version: String,
    pub entries: Vec<EntryFields>,
    pub duplicate_groups: Vec<DuplicateGroup>,
    pub sharing: Vec<Sharing>,
    pub gaps: Vec<Gap>,
    pub annotations: Vec<EntryAnnotations>,
    pub sharing_tolerance_days: i64,
    pub gap_threshold_days: i64,
    pub shared_at: Option<String>,
}

impl IntegratedData {
    /// Whether `entries` holds every entry there is (not the first windows only).
    pub fn holds_all(&self) -> bool {
        i64::try_from(self.entries.len()).ok() == Some(self.entry_count)
    }

    fn read(v: &Value) -> Self {
        Self {
            case_id: o(v, "caseId"),
            entry_count: i(v, "entryCount"),
            version: s(v, "version"),
            entries: list(v, "entries", EntryFields::read),
            duplicate_groups: list(v, "duplicateGroups", DuplicateGroup::read),
            sharing: list(v, "sharing", Sharing::read),
            gaps: list(v, "gaps", Gap::read),
            annotations: list(v, "annotations", EntryAnnotations::read),
            sharing_tolerance_days: i(v, "sharingToleranceDays"),
            gap_threshold_days: i(v, "gapThresholdDays"),
            shared_at: o(v, "sharedAt"),
        }
    }
}
