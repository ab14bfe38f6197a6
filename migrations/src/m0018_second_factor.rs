//! Two-step verification: a person's time-based one-time password (TOTP) secret, their
//! one-time recovery codes (kept only as hashes), and the roles the business office has made
//! a second factor compulsory for.

use crate::helpers::fk;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum SecondFactor {
    Table,
    UserId,
    Secret,
    CreatedAt,
    ConfirmedAt,
    LastUsedStep,
}

#[derive(DeriveIden)]
enum RecoveryCode {
    Table,
    Id,
    UserId,
    CodeHash,
    CreatedAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum SecondFactorRole {
    Table,
    Role,
    SetBy,
    SetAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SecondFactor::Table)
                    .col(
                        ColumnDef::new(SecondFactor::UserId)
                            .string()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(SecondFactor::Secret).string().not_null())
                    .col(
                        ColumnDef::new(SecondFactor::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SecondFactor::ConfirmedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(SecondFactor::LastUsedStep)
                            .big_integer()
                            .null(),
                    )
                    .foreign_key(&mut fk(
                        (SecondFactor::Table, SecondFactor::UserId),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RecoveryCode::Table)
                    .col(
                        ColumnDef::new(RecoveryCode::Id)
                            .string()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(RecoveryCode::UserId).string().not_null())
                    .col(ColumnDef::new(RecoveryCode::CodeHash).string().not_null())
                    .col(
                        ColumnDef::new(RecoveryCode::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RecoveryCode::UsedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(&mut fk(
                        (RecoveryCode::Table, RecoveryCode::UserId),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("recovery_code_user_hash")
                    .table(RecoveryCode::Table)
                    .col(RecoveryCode::UserId)
                    .col(RecoveryCode::CodeHash)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SecondFactorRole::Table)
                    .col(
                        ColumnDef::new(SecondFactorRole::Role)
                            .string()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(SecondFactorRole::SetBy).string().null())
                    .col(
                        ColumnDef::new(SecondFactorRole::SetAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SecondFactorRole::Table.into_iden(),
            RecoveryCode::Table.into_iden(),
            SecondFactor::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
