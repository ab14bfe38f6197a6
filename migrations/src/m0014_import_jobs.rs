//! Chronology imports that run in the background: the job (who started it, which file, how
//! far it got, how it ended) and the staging rows it writes before swapping them in.
//!
//! A job writes its entries to `chronology_import_row` in short transactions of one batch
//! each. No reader looks at that table; the job's last transaction copies the rows into
//! `chronology_entry` with one `INSERT … SELECT`, so the swap holds the write lock for a
//! copy inside the database, not for parsing and binding.

use crate::helpers::fk;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ChronologyReturn {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ChronologyImportJob {
    Table,
    Id,
    ReturnId,
    ReviewId,
    StartedBy,
    FileName,
    Status,
    RowsTotal,
    RowsStored,
    ErrorCode,
    ErrorMessage,
    StartedAt,
    UpdatedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum ChronologyImportRow {
    Table,
    JobId,
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ChronologyImportJob::Table)
                    .col(string(ChronologyImportJob::Id).primary_key())
                    .col(string(ChronologyImportJob::ReturnId))
                    .col(string(ChronologyImportJob::ReviewId))
                    .col(string_null(ChronologyImportJob::StartedBy))
                    .col(string(ChronologyImportJob::FileName))
                    .col(string(ChronologyImportJob::Status))
                    .col(integer(ChronologyImportJob::RowsTotal))
                    .col(integer(ChronologyImportJob::RowsStored))
                    .col(string_null(ChronologyImportJob::ErrorCode))
                    .col(text_null(ChronologyImportJob::ErrorMessage))
                    .col(timestamp_with_time_zone(ChronologyImportJob::StartedAt))
                    .col(timestamp_with_time_zone(ChronologyImportJob::UpdatedAt))
                    .col(timestamp_with_time_zone_null(
                        ChronologyImportJob::FinishedAt,
                    ))
                    .foreign_key(&mut fk(
                        (ChronologyImportJob::Table, ChronologyImportJob::ReturnId),
                        (ChronologyReturn::Table, ChronologyReturn::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_chronology_import_job_status")
                    .table(ChronologyImportJob::Table)
                    .col(ChronologyImportJob::Status)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChronologyImportRow::Table)
                    .col(string(ChronologyImportRow::Id).primary_key())
                    .col(string(ChronologyImportRow::JobId))
                    .col(string(ChronologyImportRow::ReturnId))
                    .col(string(ChronologyImportRow::ReviewId))
                    .col(string(ChronologyImportRow::AgencyId))
                    .col(integer_null(ChronologyImportRow::Seq))
                    .col(date(ChronologyImportRow::StartOn))
                    .col(string(ChronologyImportRow::Precision))
                    .col(boolean(ChronologyImportRow::Uncertain))
                    .col(string_null(ChronologyImportRow::StartTime))
                    .col(date_null(ChronologyImportRow::EndOn))
                    .col(string_null(ChronologyImportRow::EndPrecision))
                    .col(boolean_null(ChronologyImportRow::EndUncertain))
                    .col(string_null(ChronologyImportRow::EndTime))
                    .col(text(ChronologyImportRow::Source))
                    .col(string_null(ChronologyImportRow::EventType))
                    .col(text(ChronologyImportRow::Event))
                    .col(text_null(ChronologyImportRow::ActionTaken))
                    .col(text(ChronologyImportRow::SharedWith))
                    .col(text_null(ChronologyImportRow::PractitionerComment))
                    .col(boolean(ChronologyImportRow::Note))
                    .col(string(ChronologyImportRow::ContentHash))
                    .col(integer(ChronologyImportRow::Version))
                    .col(timestamp_with_time_zone(ChronologyImportRow::CreatedAt))
                    .col(timestamp_with_time_zone(ChronologyImportRow::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_chronology_import_row_job")
                    .table(ChronologyImportRow::Table)
                    .col(ChronologyImportRow::JobId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ChronologyImportRow::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ChronologyImportJob::Table).to_owned())
            .await
    }
}
