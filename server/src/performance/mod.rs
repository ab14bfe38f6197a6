//! The performance dataset: indicators, their values by period, and each indicator's XmR
//! chart (`shared::performance::spc`), computed when read.

pub mod actions;
pub mod graphql;
pub mod service;
