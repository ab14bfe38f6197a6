//! Chronologies: agencies' entries with their partial dates, and the merge into one
//! integrated chronology.

pub mod access;
pub mod dates;
pub mod import;
pub mod linkage;
pub mod merge;
pub mod names;
pub mod template;
pub mod vocabulary;

pub use dates::{PartialDate, Precision, TimeOfDay};
pub use merge::{
    merge, merge_with_decisions, Decisions, DuplicateEvidence, Entry, Gap, Integrated,
    MergeSettings, Sharing,
};
pub use vocabulary::{AnnotationKind, DuplicateDecision, ImportJobStatus, ReturnStatus};
