//! The business office's challenge questions on a Section 11 assessment, each about one
//! standard, with the agency's response: kept through every return, so the scrutiny of a
//! year can be read back.

use crate::helpers::fk;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum S11Assessment {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum S11Standard {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum S11Challenge {
    Table,
    Id,
    AssessmentId,
    StandardId,
    Question,
    AskedBy,
    AskedAt,
    Response,
    RespondedBy,
    RespondedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(S11Challenge::Table)
                    .col(string(S11Challenge::Id).primary_key())
                    .col(string(S11Challenge::AssessmentId))
                    .col(string(S11Challenge::StandardId))
                    .col(text(S11Challenge::Question))
                    .col(string_null(S11Challenge::AskedBy))
                    .col(timestamp_with_time_zone(S11Challenge::AskedAt))
                    .col(text_null(S11Challenge::Response))
                    .col(string_null(S11Challenge::RespondedBy))
                    .col(timestamp_with_time_zone_null(S11Challenge::RespondedAt))
                    .foreign_key(&mut fk(
                        (S11Challenge::Table, S11Challenge::AssessmentId),
                        (S11Assessment::Table, S11Assessment::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (S11Challenge::Table, S11Challenge::StandardId),
                        (S11Standard::Table, S11Standard::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_s11_challenge_assessment")
                    .table(S11Challenge::Table)
                    .col(S11Challenge::AssessmentId)
                    .col(S11Challenge::AskedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(S11Challenge::Table).to_owned())
            .await
    }
}
