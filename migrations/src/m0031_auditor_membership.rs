//! Whether choosing an auditor made them a member of the audit's review, so that taking
//! them off the audit takes that membership (and the access to the cases) away again, and
//! leaves a membership they had before alone.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CaseAuditAuditor {
    Table,
    MadeMember,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(CaseAuditAuditor::Table)
                    .add_column(
                        ColumnDef::new(CaseAuditAuditor::MadeMember)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(CaseAuditAuditor::Table)
                    .drop_column(CaseAuditAuditor::MadeMember)
                    .to_owned(),
            )
            .await
    }
}
