//! The annual Section 11 self-assessment: a year's standards (the partnership's tool, kept
//! per year), each agency's assessment for a year, and its answer to each standard.

use crate::helpers::fk;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Agency {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum S11Standard {
    Table,
    Id,
    Year,
    Position,
    Title,
    Description,
    EvidenceExpected,
}
#[derive(DeriveIden)]
enum S11Assessment {
    Table,
    Id,
    Year,
    AgencyId,
    Status,
    DueOn,
    SubmittedAt,
    DecidedAt,
    DecidedBy,
    OfficeComment,
    Version,
    CreatedAt,
    UpdatedAt,
}
#[derive(DeriveIden)]
enum S11Answer {
    Table,
    AssessmentId,
    StandardId,
    Rating,
    Evidence,
    ToGreen,
    CarriedForward,
    UpdatedBy,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(S11Standard::Table)
                    .col(string(S11Standard::Id).primary_key())
                    .col(integer(S11Standard::Year))
                    .col(integer(S11Standard::Position))
                    .col(string(S11Standard::Title))
                    .col(text(S11Standard::Description))
                    .col(text(S11Standard::EvidenceExpected))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_s11_standard_year")
                    .table(S11Standard::Table)
                    .col(S11Standard::Year)
                    .col(S11Standard::Position)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(S11Assessment::Table)
                    .col(string(S11Assessment::Id).primary_key())
                    .col(integer(S11Assessment::Year))
                    .col(string(S11Assessment::AgencyId))
                    .col(string(S11Assessment::Status))
                    .col(date(S11Assessment::DueOn))
                    .col(timestamp_with_time_zone_null(S11Assessment::SubmittedAt))
                    .col(timestamp_with_time_zone_null(S11Assessment::DecidedAt))
                    .col(string_null(S11Assessment::DecidedBy))
                    .col(text_null(S11Assessment::OfficeComment))
                    .col(integer(S11Assessment::Version))
                    .col(timestamp_with_time_zone(S11Assessment::CreatedAt))
                    .col(timestamp_with_time_zone(S11Assessment::UpdatedAt))
                    .foreign_key(&mut fk(
                        (S11Assessment::Table, S11Assessment::AgencyId),
                        (Agency::Table, Agency::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_s11_assessment_once")
                    .table(S11Assessment::Table)
                    .col(S11Assessment::Year)
                    .col(S11Assessment::AgencyId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(S11Answer::Table)
                    .col(string(S11Answer::AssessmentId))
                    .col(string(S11Answer::StandardId))
                    .col(string_null(S11Answer::Rating))
                    .col(text(S11Answer::Evidence))
                    .col(text(S11Answer::ToGreen))
                    .col(boolean(S11Answer::CarriedForward))
                    .col(string_null(S11Answer::UpdatedBy))
                    .col(timestamp_with_time_zone(S11Answer::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(S11Answer::AssessmentId)
                            .col(S11Answer::StandardId),
                    )
                    .foreign_key(&mut fk(
                        (S11Answer::Table, S11Answer::AssessmentId),
                        (S11Assessment::Table, S11Assessment::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (S11Answer::Table, S11Answer::StandardId),
                        (S11Standard::Table, S11Standard::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            S11Answer::Table.into_iden(),
            S11Assessment::Table.into_iden(),
            S11Standard::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
