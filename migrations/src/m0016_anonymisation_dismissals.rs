//! Anonymisation suspects dismissed as "not a name": what a reviewer judged was safe to
//! leave in an anonymised chronology (the text's case-folded key), who and when. The
//! dismissal itself is also in the audit log.

use crate::helpers::fk;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Review {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum AnonymisationDismissal {
    Table,
    Id,
    ReviewId,
    TextKey,
    DismissedBy,
    DismissedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AnonymisationDismissal::Table)
                    .col(string(AnonymisationDismissal::Id).primary_key())
                    .col(string(AnonymisationDismissal::ReviewId))
                    .col(text(AnonymisationDismissal::TextKey))
                    .col(string(AnonymisationDismissal::DismissedBy))
                    .col(timestamp_with_time_zone(
                        AnonymisationDismissal::DismissedAt,
                    ))
                    .foreign_key(&mut fk(
                        (
                            AnonymisationDismissal::Table,
                            AnonymisationDismissal::ReviewId,
                        ),
                        (Review::Table, Review::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (
                            AnonymisationDismissal::Table,
                            AnonymisationDismissal::DismissedBy,
                        ),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_anonymisation_dismissal_review_key")
                    .table(AnonymisationDismissal::Table)
                    .col(AnonymisationDismissal::ReviewId)
                    .col(AnonymisationDismissal::TextKey)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(AnonymisationDismissal::Table)
                    .to_owned(),
            )
            .await
    }
}
