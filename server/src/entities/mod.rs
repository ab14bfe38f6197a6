//! sea-orm entities: the tables as the server reads and writes them. GraphQL types are
//! separate, so the API can stay stable while tables change.

pub mod action;
pub mod action_history;
pub mod action_update;
pub mod agency;
pub mod annotation;
pub mod api_token;
pub mod app_user;
pub mod audit_log;
pub mod bank_holiday;
pub mod chronology_entry;
pub mod chronology_entry_history;
pub mod chronology_return;
pub mod committee;
pub mod duplicate_decision;
pub mod glossary_term;
pub mod learning_point;
pub mod learning_summary;
pub mod library_entry;
pub mod library_theme;
pub mod milestone_rule;
pub mod notification;
pub mod qa_mechanism;
pub mod recommendation;
pub mod regime;
pub mod review;
pub mod review_agency;
pub mod review_member;
pub mod review_presence;
pub mod session;
pub mod sign_in_failure;
pub mod summary_comment;
pub mod summary_field;
pub mod summary_field_version;
pub mod summary_report;
pub mod summary_state_change;
