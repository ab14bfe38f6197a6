//! The people who use the platform.

pub mod graphql;
pub mod service;
