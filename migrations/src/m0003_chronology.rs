//! Agency chronology returns, their entries with history, reviewers' duplicate decisions and
//! annotations, and each review's merge settings.

use crate::helpers::fk;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Review {
    Table,
    Id,
    SharingToleranceDays,
    GapThresholdDays,
    ChronologySharedAt,
}
#[derive(DeriveIden)]
enum Agency {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum ChronologyReturn {
    Table,
    Id,
    ReviewId,
    AgencyId,
    Status,
    SubmittedAt,
    Version,
    CreatedAt,
    UpdatedAt,
}
#[derive(DeriveIden)]
enum ChronologyEntry {
    Table,
    Id,
    ReturnId,
    ReviewId,
    AgencyId,
    Seq,
    StartOn,
    Precision,
    Uncertain,
    StartTime,
    EndOn,
    EndPrecision,
    EndUncertain,
    EndTime,
    Source,
    EventType,
    Event,
    ActionTaken,
    SharedWith,
    PractitionerComment,
    Note,
    ContentHash,
    Version,
    CreatedAt,
    UpdatedAt,
}
#[derive(DeriveIden)]
enum ChronologyEntryHistory {
    Table,
    Id,
    EntryId,
    Version,
    Change,
    Snapshot,
    ChangedBy,
    ChangedAt,
}
#[derive(DeriveIden)]
enum DuplicateDecision {
    Table,
    Id,
    ReviewId,
    GroupKey,
    Decision,
    DecidedBy,
    DecidedAt,
}
#[derive(DeriveIden)]
enum Annotation {
    Table,
    Id,
    ReviewId,
    EntryId,
    Kind,
    Text,
    AuthorId,
    AnswersId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            integer(Review::SharingToleranceDays).default(2).to_owned(),
            integer(Review::GapThresholdDays).default(28).to_owned(),
            timestamp_with_time_zone_null(Review::ChronologySharedAt).to_owned(),
        ] {
            let mut col = col;
            manager
                .alter_table(
                    Table::alter()
                        .table(Review::Table)
                        .add_column(&mut col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ChronologyReturn::Table)
                    .col(string(ChronologyReturn::Id).primary_key())
                    .col(string(ChronologyReturn::ReviewId))
                    .col(string(ChronologyReturn::AgencyId))
                    .col(string(ChronologyReturn::Status))
                    .col(timestamp_with_time_zone_null(ChronologyReturn::SubmittedAt))
                    .col(integer(ChronologyReturn::Version))
                    .col(timestamp_with_time_zone(ChronologyReturn::CreatedAt))
                    .col(timestamp_with_time_zone(ChronologyReturn::UpdatedAt))
                    .foreign_key(&mut fk(
                        (ChronologyReturn::Table, ChronologyReturn::ReviewId),
                        (Review::Table, Review::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (ChronologyReturn::Table, ChronologyReturn::AgencyId),
                        (Agency::Table, Agency::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_chronology_return_review_agency")
                    .table(ChronologyReturn::Table)
                    .col(ChronologyReturn::ReviewId)
                    .col(ChronologyReturn::AgencyId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChronologyEntry::Table)
                    .col(string(ChronologyEntry::Id).primary_key())
                    .col(string(ChronologyEntry::ReturnId))
                    .col(string(ChronologyEntry::ReviewId))
                    .col(string(ChronologyEntry::AgencyId))
                    .col(integer_null(ChronologyEntry::Seq))
                    .col(date(ChronologyEntry::StartOn))
                    .col(string(ChronologyEntry::Precision))
                    .col(boolean(ChronologyEntry::Uncertain))
                    .col(string_null(ChronologyEntry::StartTime))
                    .col(date_null(ChronologyEntry::EndOn))
                    .col(string_null(ChronologyEntry::EndPrecision))
                    .col(boolean_null(ChronologyEntry::EndUncertain))
                    .col(string_null(ChronologyEntry::EndTime))
                    .col(text(ChronologyEntry::Source))
                    .col(string_null(ChronologyEntry::EventType))
                    .col(text(ChronologyEntry::Event))
                    .col(text_null(ChronologyEntry::ActionTaken))
                    .col(text(ChronologyEntry::SharedWith))
                    .col(text_null(ChronologyEntry::PractitionerComment))
                    .col(boolean(ChronologyEntry::Note))
                    .col(string(ChronologyEntry::ContentHash))
                    .col(integer(ChronologyEntry::Version))
                    .col(timestamp_with_time_zone(ChronologyEntry::CreatedAt))
                    .col(timestamp_with_time_zone(ChronologyEntry::UpdatedAt))
                    .foreign_key(&mut fk(
                        (ChronologyEntry::Table, ChronologyEntry::ReturnId),
                        (ChronologyReturn::Table, ChronologyReturn::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_chronology_entry_return", ChronologyEntry::ReturnId),
            ("idx_chronology_entry_review", ChronologyEntry::ReviewId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(ChronologyEntry::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ChronologyEntryHistory::Table)
                    .col(big_pk_auto(ChronologyEntryHistory::Id))
                    .col(string(ChronologyEntryHistory::EntryId))
                    .col(integer(ChronologyEntryHistory::Version))
                    .col(string(ChronologyEntryHistory::Change))
                    .col(text(ChronologyEntryHistory::Snapshot))
                    .col(string_null(ChronologyEntryHistory::ChangedBy))
                    .col(timestamp_with_time_zone(ChronologyEntryHistory::ChangedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_chronology_entry_history_entry")
                    .table(ChronologyEntryHistory::Table)
                    .col(ChronologyEntryHistory::EntryId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DuplicateDecision::Table)
                    .col(string(DuplicateDecision::Id).primary_key())
                    .col(string(DuplicateDecision::ReviewId))
                    .col(text(DuplicateDecision::GroupKey))
                    .col(string(DuplicateDecision::Decision))
                    .col(string(DuplicateDecision::DecidedBy))
                    .col(timestamp_with_time_zone(DuplicateDecision::DecidedAt))
                    .foreign_key(&mut fk(
                        (DuplicateDecision::Table, DuplicateDecision::ReviewId),
                        (Review::Table, Review::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (DuplicateDecision::Table, DuplicateDecision::DecidedBy),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_duplicate_decision_review")
                    .table(DuplicateDecision::Table)
                    .col(DuplicateDecision::ReviewId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Annotation::Table)
                    .col(string(Annotation::Id).primary_key())
                    .col(string(Annotation::ReviewId))
                    .col(string(Annotation::EntryId))
                    .col(string(Annotation::Kind))
                    .col(text(Annotation::Text))
                    .col(string(Annotation::AuthorId))
                    .col(string_null(Annotation::AnswersId))
                    .col(timestamp_with_time_zone(Annotation::CreatedAt))
                    .foreign_key(&mut fk(
                        (Annotation::Table, Annotation::ReviewId),
                        (Review::Table, Review::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (Annotation::Table, Annotation::AuthorId),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_annotation_review")
                    .table(Annotation::Table)
                    .col(Annotation::ReviewId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Annotation::Table.into_iden(),
            DuplicateDecision::Table.into_iden(),
            ChronologyEntryHistory::Table.into_iden(),
            ChronologyEntry::Table.into_iden(),
            ChronologyReturn::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
