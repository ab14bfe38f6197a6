//! Reminders: in-app notifications that an action is due soon or overdue, one per action,
//! person and kind. The unique index is what makes "each reminder once" hold across
//! restarts and across instances sharing a database.

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
enum Action {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Notification {
    Table,
    Id,
    UserId,
    ActionId,
    Kind,
    CreatedAt,
    ReadAt,
    EmailClaimedAt,
    EmailedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Notification::Table)
                    .col(string(Notification::Id).primary_key())
                    .col(string(Notification::UserId))
                    .col(string(Notification::ActionId))
                    .col(string(Notification::Kind))
                    .col(timestamp_with_time_zone(Notification::CreatedAt))
                    .col(timestamp_with_time_zone_null(Notification::ReadAt))
                    // An instance about to send the email claims it first, so two instances
                    // never both send; a claim left by a crash lapses (see the job).
                    .col(timestamp_with_time_zone_null(Notification::EmailClaimedAt))
                    .col(timestamp_with_time_zone_null(Notification::EmailedAt))
                    .foreign_key(&mut fk(
                        (Notification::Table, Notification::UserId),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (Notification::Table, Notification::ActionId),
                        (Action::Table, Action::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_notification_once")
                    .table(Notification::Table)
                    .col(Notification::ActionId)
                    .col(Notification::UserId)
                    .col(Notification::Kind)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_notification_user")
                    .table(Notification::Table)
                    .col(Notification::UserId)
                    .col(Notification::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Notification::Table).to_owned())
            .await
    }
}
