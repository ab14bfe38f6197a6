//! Integration tests: the real server on a random port, a fresh database per test, GraphQL
//! over HTTP. Tests that touch the database run on SQLite and on PostgreSQL.

mod helpers;

mod actions;
mod agencies;
mod annual_report;
mod api_tokens;
mod audit_chronology;
mod audit_log;
mod auth;
mod authorization;
mod case_audits;
mod child_deaths;
mod chronology;
mod cli;
mod database;
mod distribution;
mod hardening_db;
mod hardening_http;
mod http;
mod imports;
mod instances;
mod library;
mod live;
mod metrics;
mod passwords;
mod performance;
mod plans;
mod public_pages;
mod publication;
mod qa_reports;
mod reminders;
mod retention;
mod reviews;
mod schema;
mod second_factor;
mod section11;
mod single_sign_on;
mod stored_codes;
mod subject_access;
mod summaries;
mod training;
mod users;
mod work;
