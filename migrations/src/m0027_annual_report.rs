//! The narrative parts the business office writes for each year's annual report.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AnnualReportNarrative {
    Table,
    Year,
    Part,
    Text,
    UpdatedBy,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AnnualReportNarrative::Table)
                    .col(integer(AnnualReportNarrative::Year))
                    .col(string(AnnualReportNarrative::Part))
                    .col(text(AnnualReportNarrative::Text))
                    .col(string_null(AnnualReportNarrative::UpdatedBy))
                    .col(timestamp_with_time_zone(AnnualReportNarrative::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(AnnualReportNarrative::Year)
                            .col(AnnualReportNarrative::Part),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AnnualReportNarrative::Table).to_owned())
            .await
    }
}
