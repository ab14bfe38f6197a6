//! Chronologies: agencies' entries with their partial dates, and the merge into one
//! integrated chronology.

pub mod dates;
pub mod import;
pub mod merge;

pub use dates::{PartialDate, Precision, TimeOfDay};
pub use merge::{merge, Entry, Gap, Integrated, MergeSettings, Sharing};
