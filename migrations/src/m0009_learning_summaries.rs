//! Learning summaries (the framework's Appendix 1): one per review, its fields with every
//! saved version, comments on each field, and every move along draft -> in review ->
//! approved -> published.

use crate::helpers::fk;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Review {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum LearningSummary {
    Table,
    Id,
    ReviewId,
    State,
    Version,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    PublishedAt,
    PublishedBy,
    AvailableUntil,
    ReportFileName,
}
#[derive(DeriveIden)]
enum SummaryField {
    Table,
    SummaryId,
    Field,
    Text,
    Version,
    UpdatedBy,
    UpdatedAt,
}
#[derive(DeriveIden)]
enum SummaryFieldVersion {
    Table,
    Id,
    SummaryId,
    Field,
    Version,
    Text,
    AuthorId,
    At,
}
#[derive(DeriveIden)]
enum SummaryComment {
    Table,
    Id,
    SummaryId,
    Field,
    AuthorId,
    Text,
    At,
}
#[derive(DeriveIden)]
enum SummaryStateChange {
    Table,
    Id,
    SummaryId,
    FromState,
    ToState,
    Step,
    By,
    At,
    Reason,
}

/// A foreign key to the summary: its rows go with it.
fn to_summary(table: impl IntoIden, column: impl IntoIden) -> ForeignKeyCreateStatement {
    fk(
        (table, column),
        (LearningSummary::Table, LearningSummary::Id),
        ForeignKeyAction::Cascade,
    )
}

/// A foreign key to the person who did something: people are never deleted from under it.
fn to_person(table: impl IntoIden, column: impl IntoIden) -> ForeignKeyCreateStatement {
    fk(
        (table, column),
        (AppUser::Table, AppUser::Id),
        ForeignKeyAction::Restrict,
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LearningSummary::Table)
                    .col(string(LearningSummary::Id).primary_key())
                    .col(string_uniq(LearningSummary::ReviewId))
                    .col(string(LearningSummary::State))
                    .col(integer(LearningSummary::Version))
                    .col(string(LearningSummary::CreatedBy))
                    .col(timestamp_with_time_zone(LearningSummary::CreatedAt))
                    .col(timestamp_with_time_zone(LearningSummary::UpdatedAt))
                    .col(timestamp_with_time_zone_null(LearningSummary::PublishedAt))
                    .col(string_null(LearningSummary::PublishedBy))
                    .col(date_null(LearningSummary::AvailableUntil))
                    // The final report's file name, checked by the publication gate too.
                    .col(string_null(LearningSummary::ReportFileName))
                    .foreign_key(&mut fk(
                        (LearningSummary::Table, LearningSummary::ReviewId),
                        (Review::Table, Review::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut to_person(
                        LearningSummary::Table,
                        LearningSummary::CreatedBy,
                    ))
                    .foreign_key(&mut to_person(
                        LearningSummary::Table,
                        LearningSummary::PublishedBy,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SummaryField::Table)
                    .col(string(SummaryField::SummaryId))
                    .col(string(SummaryField::Field))
                    .col(text(SummaryField::Text))
                    .col(integer(SummaryField::Version))
                    .col(string(SummaryField::UpdatedBy))
                    .col(timestamp_with_time_zone(SummaryField::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(SummaryField::SummaryId)
                            .col(SummaryField::Field),
                    )
                    .foreign_key(&mut to_summary(
                        SummaryField::Table,
                        SummaryField::SummaryId,
                    ))
                    .foreign_key(&mut to_person(SummaryField::Table, SummaryField::UpdatedBy))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SummaryFieldVersion::Table)
                    .col(big_pk_auto(SummaryFieldVersion::Id))
                    .col(string(SummaryFieldVersion::SummaryId))
                    .col(string(SummaryFieldVersion::Field))
                    .col(integer(SummaryFieldVersion::Version))
                    .col(text(SummaryFieldVersion::Text))
                    .col(string(SummaryFieldVersion::AuthorId))
                    .col(timestamp_with_time_zone(SummaryFieldVersion::At))
                    .foreign_key(&mut to_summary(
                        SummaryFieldVersion::Table,
                        SummaryFieldVersion::SummaryId,
                    ))
                    .foreign_key(&mut to_person(
                        SummaryFieldVersion::Table,
                        SummaryFieldVersion::AuthorId,
                    ))
                    .to_owned(),
            )
            .await?;
        // One row per version of a field: two saves can never both become version n.
        manager
            .create_index(
                Index::create()
                    .name("idx_summary_field_version")
                    .table(SummaryFieldVersion::Table)
                    .col(SummaryFieldVersion::SummaryId)
                    .col(SummaryFieldVersion::Field)
                    .col(SummaryFieldVersion::Version)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SummaryComment::Table)
                    .col(big_pk_auto(SummaryComment::Id))
                    .col(string(SummaryComment::SummaryId))
                    .col(string(SummaryComment::Field))
                    .col(string(SummaryComment::AuthorId))
                    .col(text(SummaryComment::Text))
                    .col(timestamp_with_time_zone(SummaryComment::At))
                    .foreign_key(&mut to_summary(
                        SummaryComment::Table,
                        SummaryComment::SummaryId,
                    ))
                    .foreign_key(&mut to_person(
                        SummaryComment::Table,
                        SummaryComment::AuthorId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_summary_comment_field")
                    .table(SummaryComment::Table)
                    .col(SummaryComment::SummaryId)
                    .col(SummaryComment::Field)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SummaryStateChange::Table)
                    .col(big_pk_auto(SummaryStateChange::Id))
                    .col(string(SummaryStateChange::SummaryId))
                    .col(string(SummaryStateChange::FromState))
                    .col(string(SummaryStateChange::ToState))
                    .col(string(SummaryStateChange::Step))
                    .col(string(SummaryStateChange::By))
                    .col(timestamp_with_time_zone(SummaryStateChange::At))
                    .col(text_null(SummaryStateChange::Reason))
                    .foreign_key(&mut to_summary(
                        SummaryStateChange::Table,
                        SummaryStateChange::SummaryId,
                    ))
                    .foreign_key(&mut to_person(
                        SummaryStateChange::Table,
                        SummaryStateChange::By,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_summary_state_change_summary")
                    .table(SummaryStateChange::Table)
                    .col(SummaryStateChange::SummaryId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SummaryStateChange::Table.into_iden(),
            SummaryComment::Table.into_iden(),
            SummaryFieldVersion::Table.into_iden(),
            SummaryField::Table.into_iden(),
            LearningSummary::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
