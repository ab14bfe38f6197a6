//! Agency API tokens: made by the business office for one agency, shown once, stored as
//! the SHA-256 of the secret, expiring and revocable. Each token acts through a service
//! account of its own (an inactive person with no roles, who cannot sign in), so its
//! progress updates and audit rows name it.

use crate::helpers::fk;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Agency {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum ApiToken {
    Table,
    Id,
    AgencyId,
    Name,
    TokenHash,
    ServiceUserId,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
    LastUsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ApiToken::Table)
                    .col(string(ApiToken::Id).primary_key())
                    .col(string(ApiToken::AgencyId))
                    .col(string(ApiToken::Name))
                    .col(string(ApiToken::TokenHash).unique_key())
                    .col(string(ApiToken::ServiceUserId))
                    .col(string(ApiToken::CreatedBy))
                    .col(timestamp_with_time_zone(ApiToken::CreatedAt))
                    .col(timestamp_with_time_zone(ApiToken::ExpiresAt))
                    .col(timestamp_with_time_zone_null(ApiToken::RevokedAt))
                    .col(timestamp_with_time_zone_null(ApiToken::LastUsedAt))
                    .foreign_key(&mut fk(
                        (ApiToken::Table, ApiToken::AgencyId),
                        (Agency::Table, Agency::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (ApiToken::Table, ApiToken::ServiceUserId),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        (ApiToken::Table, ApiToken::CreatedBy),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_api_token_agency")
                    .table(ApiToken::Table)
                    .col(ApiToken::AgencyId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ApiToken::Table).to_owned())
            .await
    }
}
