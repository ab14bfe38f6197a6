//! Child death review learning: one pseudonymised record per death the child death overview
//! panel reviewed (case number, age band, category, modifiable factors, learning, panel
//! date), kept by the business office; the reporting year (from 1 April) is stored with it
//! so that a year's records are read by an index.

use crate::helpers::fk;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ChildDeathReview {
    Table,
    Id,
    CaseNumber,
    AgeBand,
    Category,
    Modifiability,
    ModifiableFactors,
    Learning,
    PanelDate,
    ReportingYear,
    RecordedBy,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ChildDeathReview::Table)
                    .col(string(ChildDeathReview::Id).primary_key())
                    .col(string(ChildDeathReview::CaseNumber))
                    .col(string(ChildDeathReview::AgeBand))
                    .col(string(ChildDeathReview::Category))
                    .col(string(ChildDeathReview::Modifiability))
                    .col(text(ChildDeathReview::ModifiableFactors))
                    .col(text(ChildDeathReview::Learning))
                    .col(date(ChildDeathReview::PanelDate))
                    .col(integer(ChildDeathReview::ReportingYear))
                    .col(string_null(ChildDeathReview::RecordedBy))
                    .col(timestamp_with_time_zone(ChildDeathReview::CreatedAt))
                    .col(timestamp_with_time_zone(ChildDeathReview::UpdatedAt))
                    .col(integer(ChildDeathReview::Version))
                    .foreign_key(&mut fk(
                        (ChildDeathReview::Table, ChildDeathReview::RecordedBy),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_child_death_review_case_number")
                    .table(ChildDeathReview::Table)
                    .col(ChildDeathReview::CaseNumber)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_child_death_review_year")
                    .table(ChildDeathReview::Table)
                    .col(ChildDeathReview::ReportingYear)
                    .col(ChildDeathReview::PanelDate)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ChildDeathReview::Table).to_owned())
            .await
    }
}
