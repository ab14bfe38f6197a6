//! Partner agencies and their quality-assurance mechanisms.

pub mod graphql;
pub mod service;
