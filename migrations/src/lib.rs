//! Schema changes, one file per change, named for what it adds.

pub use sea_orm_migration::prelude::*;

mod helpers;
mod m0001_foundation;
mod m0002_statutory_regimes;
mod m0003_chronology;
mod m0004_glossary_presence;
mod m0005_action_plans;
mod m0006_reminders;
mod m0007_api_tokens;
mod m0008_action_plan_paging;
mod m0009_learning_summaries;
mod m0010_published_learning;
mod m0011_library_ranking;
mod m0012_action_count;
mod m0013_session_person;
mod m0014_import_jobs;
mod m0015_password_resets;
mod m0016_anonymisation_dismissals;
mod m0017_retention;
mod m0018_second_factor;
mod m0019_single_sign_on;
mod m0020_what_needs_you;
mod m0021_section_11;
mod m0022_performance_dataset;
mod m0023_section_11_challenges;
mod m0024_child_death_reviews;
mod m0025_learning_events;
mod m0026_agency_qa_reports;
mod m0027_annual_report;
mod m0028_case_audits;
mod m0029_distribution_lists;
mod m0030_theme_from_indicator;
mod m0031_auditor_membership;
mod m0032_section_11_actions;
mod m0033_plans_from_dataset_and_deaths;
mod m0034_section_11_evidence_links;
mod m0035_audit_case_entries;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_statutory_regimes::Migration),
            Box::new(m0003_chronology::Migration),
            Box::new(m0004_glossary_presence::Migration),
            Box::new(m0005_action_plans::Migration),
            Box::new(m0006_reminders::Migration),
            Box::new(m0007_api_tokens::Migration),
            Box::new(m0008_action_plan_paging::Migration),
            Box::new(m0009_learning_summaries::Migration),
            Box::new(m0010_published_learning::Migration),
            Box::new(m0011_library_ranking::Migration),
            Box::new(m0012_action_count::Migration),
            Box::new(m0013_session_person::Migration),
            Box::new(m0014_import_jobs::Migration),
            Box::new(m0015_password_resets::Migration),
            Box::new(m0016_anonymisation_dismissals::Migration),
            Box::new(m0017_retention::Migration),
            Box::new(m0018_second_factor::Migration),
            Box::new(m0019_single_sign_on::Migration),
            Box::new(m0020_what_needs_you::Migration),
            Box::new(m0021_section_11::Migration),
            Box::new(m0022_performance_dataset::Migration),
            Box::new(m0023_section_11_challenges::Migration),
            Box::new(m0024_child_death_reviews::Migration),
            Box::new(m0025_learning_events::Migration),
            Box::new(m0026_agency_qa_reports::Migration),
            Box::new(m0027_annual_report::Migration),
            Box::new(m0028_case_audits::Migration),
            Box::new(m0029_distribution_lists::Migration),
            Box::new(m0030_theme_from_indicator::Migration),
            Box::new(m0031_auditor_membership::Migration),
            Box::new(m0032_section_11_actions::Migration),
            Box::new(m0033_plans_from_dataset_and_deaths::Migration),
            Box::new(m0034_section_11_evidence_links::Migration),
            Box::new(m0035_audit_case_entries::Migration),
        ]
    }
}
