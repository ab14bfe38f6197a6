//! What needs you: the date the business office asks agencies to submit their chronology
//! returns by, and notifications of every kind of work (not only actions).
//!
//! The notification table is rebuilt, because SQLite cannot make `action_id` optional: each
//! row now names the item of work it is about by a stable key (unique per person, which is
//! what makes "each notification once" hold across restarts and instances), its kind, a
//! title without case detail and the link where the work is done. Existing action
//! reminders are copied across with keys the reminder job makes for them.

use crate::helpers::fk;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Review {
    Table,
    Id,
    ReturnsDueOn,
}
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
    ItemKey,
    Kind,
    Title,
    Link,
    ReviewId,
    ActionId,
    DueOn,
    CreatedAt,
    ReadAt,
    EmailClaimedAt,
    EmailedAt,
}
#[derive(DeriveIden)]
enum NotificationBefore {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Review::Table)
                    .add_column(ColumnDef::new(Review::ReturnsDueOn).date().null())
                    .to_owned(),
            )
            .await?;
        manager
            .rename_table(
                Table::rename()
                    .table(Notification::Table, NotificationBefore::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Notification::Table)
                    .col(string(Notification::Id).primary_key())
                    .col(string(Notification::UserId))
                    .col(string(Notification::ItemKey))
                    .col(string(Notification::Kind))
                    .col(string(Notification::Title))
                    .col(string(Notification::Link))
                    .col(string_null(Notification::ReviewId))
                    .col(string_null(Notification::ActionId))
                    .col(date_null(Notification::DueOn))
                    .col(timestamp_with_time_zone(Notification::CreatedAt))
                    .col(timestamp_with_time_zone_null(Notification::ReadAt))
                    .col(timestamp_with_time_zone_null(Notification::EmailClaimedAt))
                    .col(timestamp_with_time_zone_null(Notification::EmailedAt))
                    .foreign_key(&mut fk(
                        (Notification::Table, Notification::UserId),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (Notification::Table, Notification::ReviewId),
                        (Review::Table, Review::Id),
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
            .get_connection()
            .execute_unprepared(
                "INSERT INTO notification (id, user_id, item_key, kind, title, link, review_id,
                   action_id, due_on, created_at, read_at, email_claimed_at, emailed_at)
                 SELECT n.id, n.user_id, 'action:' || n.action_id || ':' || n.kind,
                   CASE n.kind WHEN 'OVERDUE' THEN 'ACTION_OVERDUE' ELSE 'ACTION_DUE_SOON' END,
                   'Action ' || a.reference || ': ' || a.title, '/actions/' || n.action_id,
                   a.review_id, n.action_id, a.target_on, n.created_at, n.read_at,
                   n.email_claimed_at, n.emailed_at
                 FROM notification_before n JOIN action a ON a.id = n.action_id",
            )
            .await?;
        manager
            .drop_table(Table::drop().table(NotificationBefore::Table).to_owned())
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_notice_once")
                    .table(Notification::Table)
                    .col(Notification::UserId)
                    .col(Notification::ItemKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_notice_user")
                    .table(Notification::Table)
                    .col(Notification::UserId)
                    .col(Notification::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_notice_unsent")
                    .table(Notification::Table)
                    .col(Notification::EmailedAt)
                    .to_owned(),
            )
            .await
    }

    /// Back to action reminders only: the other notifications are dropped, and the date
    /// returns are due by with them.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .rename_table(
                Table::rename()
                    .table(Notification::Table, NotificationBefore::Table)
                    .to_owned(),
            )
            .await?;
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
            .get_connection()
            .execute_unprepared(
                "INSERT INTO notification (id, user_id, action_id, kind, created_at, read_at,
                   email_claimed_at, emailed_at)
                 SELECT id, user_id, action_id,
                   CASE kind WHEN 'ACTION_OVERDUE' THEN 'OVERDUE' ELSE 'DUE_SOON' END,
                   created_at, read_at, email_claimed_at, emailed_at
                 FROM notification_before
                 WHERE action_id IS NOT NULL AND kind IN ('ACTION_OVERDUE', 'ACTION_DUE_SOON')",
            )
            .await?;
        manager
            .drop_table(Table::drop().table(NotificationBefore::Table).to_owned())
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
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Review::Table)
                    .drop_column(Review::ReturnsDueOn)
                    .to_owned(),
            )
            .await
    }
}
