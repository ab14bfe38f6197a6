//! What publication puts out: the final report (a PDF, with the text the publication gate
//! reads), and the learning library's search index over published summaries and the
//! learning points of their reviews.
//!
//! The library keeps one row per searchable thing (`library_entry`: a summary, or a learning
//! point) with its anonymised plain text, and one row per theme (`library_theme`, case-folded
//! for filtering). The full-text index beside it depends on the database:
//! - SQLite: an FTS5 table (`library_fts`, contentless, rows deleted by rowid) whose rowid is
//!   the entry's id, written by the server next to each entry (the Porter stemmer over
//!   Unicode words, accents folded);
//! - PostgreSQL: a `tsvector` column computed from the title and the text with the `english`
//!   configuration (the title weighted higher), under a GIN index.
//!
//! Nothing is published before this migration, so there is nothing to index here.

use crate::helpers::fk;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LearningSummary {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum SummaryReport {
    Table,
    SummaryId,
    FileName,
    MediaType,
    Content,
    Text,
    UploadedBy,
    UploadedAt,
}
#[derive(DeriveIden)]
enum LibraryEntry {
    Table,
    Id,
    Kind,
    SummaryId,
    ReviewId,
    ReviewReference,
    Title,
    Body,
    Themes,
    Position,
    PublishedAt,
    AvailableUntil,
}
#[derive(DeriveIden)]
enum LibraryTheme {
    Table,
    EntryId,
    ThemeKey,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One final report per summary; a new upload replaces it.
        manager
            .create_table(
                Table::create()
                    .table(SummaryReport::Table)
                    .col(string(SummaryReport::SummaryId).primary_key())
                    .col(string(SummaryReport::FileName))
                    .col(string(SummaryReport::MediaType))
                    .col(blob(SummaryReport::Content))
                    // The report's plain text (given with the upload and read from the PDF),
                    // checked by the publication gate; none when nothing could be read.
                    .col(text_null(SummaryReport::Text))
                    .col(string(SummaryReport::UploadedBy))
                    .col(timestamp_with_time_zone(SummaryReport::UploadedAt))
                    .foreign_key(&mut fk(
                        (SummaryReport::Table, SummaryReport::SummaryId),
                        (LearningSummary::Table, LearningSummary::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (SummaryReport::Table, SummaryReport::UploadedBy),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LibraryEntry::Table)
                    .col(big_pk_auto(LibraryEntry::Id))
                    // SUMMARY or LEARNING_POINT.
                    .col(string(LibraryEntry::Kind))
                    .col(string(LibraryEntry::SummaryId))
                    .col(string(LibraryEntry::ReviewId))
                    .col(string(LibraryEntry::ReviewReference))
                    // 0 for the summary, then its review's learning points in order.
                    .col(integer(LibraryEntry::Position))
                    .col(timestamp_with_time_zone(LibraryEntry::PublishedAt))
                    // The summary's last day on the public pages (summaries only).
                    .col(date_null(LibraryEntry::AvailableUntil))
                    // JSON array of theme names, as shown.
                    .col(text(LibraryEntry::Themes))
                    // The long texts last: SQLite reads the short columns a search filters
                    // and sorts on without going through them.
                    .col(text(LibraryEntry::Title))
                    // Plain text, anonymised.
                    .col(text(LibraryEntry::Body))
                    .foreign_key(&mut fk(
                        (LibraryEntry::Table, LibraryEntry::SummaryId),
                        (LearningSummary::Table, LearningSummary::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_library_entry_review")
                    .table(LibraryEntry::Table)
                    .col(LibraryEntry::ReviewId)
                    .to_owned(),
            )
            .await?;
        // Newest first, when no words are given.
        manager
            .create_index(
                Index::create()
                    .name("idx_library_entry_published")
                    .table(LibraryEntry::Table)
                    .col(LibraryEntry::PublishedAt)
                    .col(LibraryEntry::SummaryId)
                    .col(LibraryEntry::Position)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LibraryTheme::Table)
                    .col(big_integer(LibraryTheme::EntryId))
                    // The theme case-folded.
                    .col(string(LibraryTheme::ThemeKey))
                    .primary_key(
                        Index::create()
                            .col(LibraryTheme::EntryId)
                            .col(LibraryTheme::ThemeKey),
                    )
                    .foreign_key(&mut fk(
                        (LibraryTheme::Table, LibraryTheme::EntryId),
                        (LibraryEntry::Table, LibraryEntry::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_library_theme_key")
                    .table(LibraryTheme::Table)
                    .col(LibraryTheme::ThemeKey)
                    .col(LibraryTheme::EntryId)
                    .to_owned(),
            )
            .await?;

        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "ALTER TABLE library_entry ADD COLUMN search tsvector GENERATED ALWAYS AS (
                       setweight(to_tsvector('english'::regconfig, title), 'A') ||
                       setweight(to_tsvector('english'::regconfig, body), 'B')
                     ) STORED;
                     CREATE INDEX idx_library_entry_search ON library_entry USING GIN (search);",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE VIRTUAL TABLE library_fts USING fts5(
                       title, body,
                       content = '',
                       contentless_delete = 1,
                       tokenize = 'porter unicode61 remove_diacritics 2'
                     )",
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("DROP TABLE IF EXISTS library_fts")
                .await?;
        }
        for table in [
            LibraryTheme::Table.into_iden(),
            LibraryEntry::Table.into_iden(),
            SummaryReport::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
