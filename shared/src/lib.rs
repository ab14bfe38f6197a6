//! Types and pure rules of the learning and improvement platform.
//!
//! Nothing here performs I/O: the server and the browser app both depend on this crate so
//! that a rule (a statutory clock, a validation) is written once and behaves the same on
//! both sides.

pub mod actions;
pub mod agencies;
pub mod annual_report;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod case_audits;
pub mod child_deaths;
pub mod chronology;
pub mod colour;
pub mod date_input;
pub mod distribution;
pub mod glossary;
pub mod live;
pub mod people;
pub mod performance;
pub mod qa_reports;
pub mod retention;
pub mod reviews;
pub mod section11;
pub mod spreadsheet;
pub mod subject_access;
pub mod summary;
pub mod timeline;
pub mod training;
pub mod validation;
pub mod work;

pub use validation::{Problem, Problems};

/// A closed list of codes (stored in the database and used in the API), each made by
/// `vocabulary!`. The server reads a stored code through it, so a value it does not know is
/// an error rather than a guess.
pub trait Vocabulary: Sized + Copy {
    /// The list's name, for messages ("ActionStatus").
    const NAME: &'static str;
    fn from_code(code: &str) -> Option<Self>;
}
