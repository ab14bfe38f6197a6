//! Sign-in, sessions and the single authorization mechanism.

pub mod graphql;
pub mod oidc;
pub mod passwords;
pub mod policy;
pub mod reset;
pub mod second_factor;
pub mod service;
pub mod session_store;
pub mod totp;
