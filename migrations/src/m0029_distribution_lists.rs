//! Distribution lists, and each sending of a published learning summary to a recipient
//! (once per summary and address), with its email's claim and when it went.

use crate::helpers::fk;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DistributionList {
    Table,
    Id,
    Name,
    Description,
    Recipients,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SummarySending {
    Table,
    Id,
    SummaryId,
    ListName,
    Name,
    Email,
    SentBy,
    RecordedAt,
    EmailClaimedAt,
    EmailedAt,
}

#[derive(DeriveIden)]
enum LearningSummary {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DistributionList::Table)
                    .col(string(DistributionList::Id).primary_key())
                    .col(string(DistributionList::Name).unique_key())
                    .col(text(DistributionList::Description))
                    .col(text(DistributionList::Recipients))
                    .col(integer(DistributionList::Version))
                    .col(timestamp_with_time_zone(DistributionList::CreatedAt))
                    .col(timestamp_with_time_zone(DistributionList::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SummarySending::Table)
                    .col(string(SummarySending::Id).primary_key())
                    .col(string(SummarySending::SummaryId))
                    .col(string(SummarySending::ListName))
                    .col(string(SummarySending::Name))
                    .col(string(SummarySending::Email))
                    .col(string(SummarySending::SentBy))
                    .col(timestamp_with_time_zone(SummarySending::RecordedAt))
                    .col(timestamp_with_time_zone_null(
                        SummarySending::EmailClaimedAt,
                    ))
                    .col(timestamp_with_time_zone_null(SummarySending::EmailedAt))
                    .foreign_key(&mut fk(
                        (SummarySending::Table, SummarySending::SummaryId),
                        (LearningSummary::Table, LearningSummary::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_summary_sending_once")
                    .table(SummarySending::Table)
                    .col(SummarySending::SummaryId)
                    .col(SummarySending::Email)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_summary_sending_pending")
                    .table(SummarySending::Table)
                    .col(SummarySending::EmailedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SummarySending::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(DistributionList::Table).to_owned())
            .await
    }
}
