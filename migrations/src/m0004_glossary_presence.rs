//! Each review's glossary (real names and identifiers with what stands for them once
//! anonymised), and who has a review's chronology open right now (presence).

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
enum GlossaryTerm {
    Table,
    Id,
    ReviewId,
    RealText,
    RealKey,
    Replacement,
    CreatedBy,
    CreatedAt,
}
#[derive(DeriveIden)]
enum ReviewPresence {
    Table,
    Id,
    ReviewId,
    UserId,
    SeenAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(GlossaryTerm::Table)
                    .col(string(GlossaryTerm::Id).primary_key())
                    .col(string(GlossaryTerm::ReviewId))
                    .col(text(GlossaryTerm::RealText))
                    .col(text(GlossaryTerm::RealKey))
                    .col(text(GlossaryTerm::Replacement))
                    .col(string(GlossaryTerm::CreatedBy))
                    .col(timestamp_with_time_zone(GlossaryTerm::CreatedAt))
                    .foreign_key(&mut fk(
                        (GlossaryTerm::Table, GlossaryTerm::ReviewId),
                        (Review::Table, Review::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (GlossaryTerm::Table, GlossaryTerm::CreatedBy),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_glossary_term_review_key")
                    .table(GlossaryTerm::Table)
                    .col(GlossaryTerm::ReviewId)
                    .col(GlossaryTerm::RealKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReviewPresence::Table)
                    .col(string(ReviewPresence::Id).primary_key())
                    .col(string(ReviewPresence::ReviewId))
                    .col(string(ReviewPresence::UserId))
                    .col(timestamp_with_time_zone(ReviewPresence::SeenAt))
                    .foreign_key(&mut fk(
                        (ReviewPresence::Table, ReviewPresence::ReviewId),
                        (Review::Table, Review::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (ReviewPresence::Table, ReviewPresence::UserId),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_review_presence_review")
                    .table(ReviewPresence::Table)
                    .col(ReviewPresence::ReviewId)
                    .col(ReviewPresence::SeenAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ReviewPresence::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(GlossaryTerm::Table).to_owned())
            .await
    }
}
