//! Each session row names the person it is signed in as (`session.user_id`, beside the same
//! id inside its data), so a request reads its session and its person in one statement
//! instead of two, one after the other.
//!
//! Sessions already signed in get the id from their data.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Session {
    Table,
    UserId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Session::Table)
                    .add_column(ColumnDef::new(Session::UserId).string().null())
                    .to_owned(),
            )
            .await?;
        let backfill = match manager.get_database_backend() {
            DbBackend::Postgres => "UPDATE session SET user_id = data::json ->> 'user_id'",
            _ => "UPDATE session SET user_id = json_extract(data, '$.user_id')",
        };
        manager
            .get_connection()
            .execute_unprepared(backfill)
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Session::Table)
                    .drop_column(Session::UserId)
                    .to_owned(),
            )
            .await
    }
}
