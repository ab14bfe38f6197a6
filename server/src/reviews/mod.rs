//! Reviews, their statutory clocks and threshold decisions.

pub mod graphql;
pub mod service;
