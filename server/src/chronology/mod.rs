//! Agency chronology returns, their entries and imports, and the integrated chronology with
//! reviewers' duplicate decisions and annotations.

pub mod graphql;
pub mod service;
pub mod spreadsheet;
