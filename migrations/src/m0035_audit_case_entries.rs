//! Which case of a multi-agency case audit's sample a chronology entry is about, so each
//! case's chronology is merged on its own; null for a case review's entries (and for an
//! audit's entries written before cases were named). An import's staged rows carry it too.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ChronologyEntry {
    Table,
    CaseId,
}

#[derive(DeriveIden)]
enum ChronologyImportRow {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ChronologyEntry::Table)
                    .add_column(ColumnDef::new(ChronologyEntry::CaseId).string().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ChronologyImportRow::Table)
                    .add_column(ColumnDef::new(ChronologyEntry::CaseId).string().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ChronologyImportRow::Table)
                    .drop_column(ChronologyEntry::CaseId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ChronologyEntry::Table)
                    .drop_column(ChronologyEntry::CaseId)
                    .to_owned(),
            )
            .await
    }
}
