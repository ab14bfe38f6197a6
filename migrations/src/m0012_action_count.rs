//! How many actions there are, kept by the database as actions are added and removed
//! (`action_count`, one row), so the master action plan's total is one row read.
//!
//! PostgreSQL has no stored row count: `COUNT(*)` visits every index entry, 0.8 ms of the
//! database's time for 10,000 actions on every page of the plan, the largest part of the
//! page's cost. Counts under a filter or of what one person may see stay `COUNT(*)` over an
//! index (a review's or an agency's few hundred actions).
//!
//! Triggers keep the row: on PostgreSQL once per statement, from its transition table (a
//! batch of 500 inserted actions updates the row once), on SQLite once per row. The row is
//! written only when actions are added or removed, never when one is updated, so updating
//! actions never waits on it. The row starts from the actions already there.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const POSTGRES_UP: &str = "
  CREATE TABLE action_count (
    id integer PRIMARY KEY CHECK (id = 1),
    actions bigint NOT NULL
  );
  INSERT INTO action_count (id, actions) SELECT 1, COUNT(*) FROM action;
  CREATE FUNCTION action_count_added() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    UPDATE action_count SET actions = actions + (SELECT COUNT(*) FROM added) WHERE id = 1;
    RETURN NULL;
  END
  $$;
  CREATE FUNCTION action_count_removed() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    UPDATE action_count SET actions = actions - (SELECT COUNT(*) FROM removed) WHERE id = 1;
    RETURN NULL;
  END
  $$;
  CREATE FUNCTION action_count_emptied() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    UPDATE action_count SET actions = 0 WHERE id = 1;
    RETURN NULL;
  END
  $$;
  CREATE TRIGGER action_count_added AFTER INSERT ON action
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION action_count_added();
  CREATE TRIGGER action_count_removed AFTER DELETE ON action
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION action_count_removed();
  CREATE TRIGGER action_count_emptied AFTER TRUNCATE ON action
    FOR EACH STATEMENT EXECUTE FUNCTION action_count_emptied();";

const POSTGRES_DOWN: &str = "
  DROP TRIGGER IF EXISTS action_count_added ON action;
  DROP TRIGGER IF EXISTS action_count_removed ON action;
  DROP TRIGGER IF EXISTS action_count_emptied ON action;
  DROP FUNCTION IF EXISTS action_count_added();
  DROP FUNCTION IF EXISTS action_count_removed();
  DROP FUNCTION IF EXISTS action_count_emptied();
  DROP TABLE IF EXISTS action_count;";

const SQLITE_UP: &[&str] = &[
    "CREATE TABLE action_count (
       id integer PRIMARY KEY CHECK (id = 1),
       actions integer NOT NULL
     )",
    "INSERT INTO action_count (id, actions) SELECT 1, COUNT(*) FROM action",
    "CREATE TRIGGER action_count_added AFTER INSERT ON action
     BEGIN UPDATE action_count SET actions = actions + 1 WHERE id = 1; END",
    "CREATE TRIGGER action_count_removed AFTER DELETE ON action
     BEGIN UPDATE action_count SET actions = actions - 1 WHERE id = 1; END",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS action_count_added",
    "DROP TRIGGER IF EXISTS action_count_removed",
    "DROP TABLE IF EXISTS action_count",
];

/// Runs the statements for the connection's backend (SQLite takes one at a time).
async fn run(manager: &SchemaManager<'_>, postgres: &str, sqlite: &[&str]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    if manager.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared(postgres).await?;
    } else {
        for statement in sqlite {
            db.execute_unprepared(statement).await?;
        }
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, POSTGRES_UP, SQLITE_UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, POSTGRES_DOWN, SQLITE_DOWN).await
    }
}
