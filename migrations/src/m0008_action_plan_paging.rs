//! The master action plan pages in the database, oldest first: an index on the order it
//! pages in (creation time, then id), so the first page reads 51 rows, not every action.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Action {
    Table,
    CreatedAt,
    Id,
}

const INDEX: &str = "idx_action_created_at_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Action::Table)
                    .col(Action::CreatedAt)
                    .col(Action::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table(Action::Table).to_owned())
            .await
    }
}
