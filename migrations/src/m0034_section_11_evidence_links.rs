//! Links to evidence on a Section 11 answer (policies, audits, figures on the agency's own
//! systems): a JSON list of `{url, label}` (`shared::section11::EvidenceLink`), none by
//! default.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum S11Answer {
    Table,
    Links,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(S11Answer::Table)
                    .add_column(
                        ColumnDef::new(S11Answer::Links)
                            .text()
                            .not_null()
                            .default("[]"),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(S11Answer::Table)
                    .drop_column(S11Answer::Links)
                    .to_owned(),
            )
            .await
    }
}
