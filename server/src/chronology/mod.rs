//! Agency chronology returns, their entries and imports, and the integrated chronology with
//! reviewers' duplicate decisions and annotations.

pub mod anonymisation;
pub mod cache;
pub mod changes;
pub mod export;
pub mod glossary;
pub mod graphql;
pub mod jobs;
pub mod presence;
pub mod service;
pub mod snapshot;
