//! The learning library's ranking on PostgreSQL: each entry's words with their weight
//! (`library_term`), so that a search ranks its matches from a few short rows per match
//! instead of decompressing every matching entry's whole `tsvector` (a common word matches
//! most of 2,000 published summaries, each vector about 18 KB: 25 ms a search).
//!
//! A row per (lexeme, entry): the lexemes are the entry's `search` vector's (the `english`
//! configuration, so stemming and stop words are PostgreSQL's full-text search's own); the
//! weight is the lexeme's occurrences, a title's counting 1 and the text's 0.4 (the
//! weights `ts_rank` gives A and B), divided by 1 + the log of the entry's length (as
//! `ts_rank`'s normalisation 1), so long texts do not win by length alone. Beside it, what
//! a search filters and orders on: the entry's publication time and the last day it is
//! shown (a learning point always: `infinity`). A trigger writes an entry's rows whenever
//! the entry is written; they go with it (cascade).
//!
//! Matching needs every searched lexeme among an entry's rows, so the GIN index over
//! `search` is no longer read and goes. SQLite ranks inside FTS5 (`bm25`): nothing here.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Writes an entry's rows of `library_term` (the one definition of a term's weight), after
/// every insert or update of the entry: the database keeps them as it keeps `search`.
const WRITE_TERMS: &str = "CREATE FUNCTION library_entry_terms() RETURNS trigger
  LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'UPDATE' THEN
      DELETE FROM library_term WHERE entry_id = NEW.id;
    END IF;
    INSERT INTO library_term (lexeme, entry_id, weight, published_at, shown_until)
    SELECT t.lexeme, e.id,
           (SELECT SUM(CASE w WHEN 'A' THEN 1.0 ELSE 0.4 END) FROM unnest(t.weights) AS w)
             / (1 + ln(1 + size.n)),
           e.published_at,
           CASE WHEN e.kind = 'LEARNING_POINT' THEN 'infinity'::date ELSE e.available_until END
    FROM library_entry e
    CROSS JOIN LATERAL unnest(e.search) AS t
    CROSS JOIN LATERAL (
      SELECT COALESCE(SUM(cardinality(u.positions)), 0) AS n FROM unnest(e.search) AS u
    ) AS size
    WHERE e.id = NEW.id;
    RETURN NULL;
  END
  $$;
  CREATE TRIGGER library_entry_terms AFTER INSERT OR UPDATE ON library_entry
    FOR EACH ROW EXECUTE FUNCTION library_entry_terms();";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE TABLE library_term (
               lexeme text NOT NULL,
               entry_id bigint NOT NULL REFERENCES library_entry (id) ON DELETE CASCADE,
               weight real NOT NULL,
               published_at timestamp with time zone NOT NULL,
               shown_until date NULL,
               PRIMARY KEY (lexeme, entry_id) INCLUDE (weight, published_at, shown_until)
             );
             CREATE INDEX idx_library_term_entry ON library_term (entry_id);
             DROP INDEX IF EXISTS idx_library_entry_search;",
        )
        .await?;
        db.execute_unprepared(WRITE_TERMS).await?;
        // Entries already published: rewritten in place, the trigger writes their terms.
        db.execute_unprepared("UPDATE library_entry SET id = id")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared(
                "DROP TRIGGER IF EXISTS library_entry_terms ON library_entry;
                 DROP FUNCTION IF EXISTS library_entry_terms();
                 DROP TABLE IF EXISTS library_term;
                 CREATE INDEX IF NOT EXISTS idx_library_entry_search ON library_entry USING GIN (search);",
            )
            .await?;
        Ok(())
    }
}
