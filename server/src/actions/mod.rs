//! Action plans: learning points and their recommendations, actions with progress updates,
//! RAG and committee referrals.

pub mod graphql;
pub mod reminders;
pub mod service;
