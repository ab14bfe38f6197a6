//! Action plans: learning points and their recommendations, actions with progress updates,
//! RAG and committee referrals.

pub mod export;
pub mod graphql;
pub mod live;
pub mod plans;
pub mod service;
