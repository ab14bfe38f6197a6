//! A theme of the audit programme may be proposed from a performance indicator's hot spot:
//! the indicator it came from (no foreign key, so an indicator can still be deleted; the
//! theme then simply no longer names it).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditTheme {
    Table,
    SourceIndicatorId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AuditTheme::Table)
                    .add_column(
                        ColumnDef::new(AuditTheme::SourceIndicatorId)
                            .string()
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AuditTheme::Table)
                    .drop_column(AuditTheme::SourceIndicatorId)
                    .to_owned(),
            )
            .await
    }
}
