//! The library's full-text index on SQLite: the FTS5 table `library_fts` (contentless, so
//! the text is stored once, in `library_entry`; rows deleted by rowid), whose rowid is the
//! entry's id. Words are stemmed (Porter) over Unicode words with accents folded.
//!
//! A search is an FTS5 `MATCH` of every token as a quoted string (see
//! [`super::text::fts5_query`]), so nothing typed is read as an operator; hits are ranked by
//! BM25 with the title counting four times the text, then newest first.

use super::text::fts5_query;
use super::EntryKind;
use crate::entities::library_entry;
use crate::error::AppResult;
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement, Value};

/// The columns of `library_entry` a hit is read from.
const COLUMNS: &str = "e.id, e.kind, e.summary_id, e.review_id, e.review_reference, e.title, \
    e.body, e.themes, e.position, e.published_at, e.available_until";

fn statement(sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)
}

/// Adds an entry's title and text to the index, under the entry's id.
pub async fn add<C: ConnectionTrait>(db: &C, entry: &library_entry::Model) -> AppResult<()> {
    db.execute_raw(statement(
        "INSERT INTO library_fts (rowid, title, body) VALUES (?, ?, ?)",
        vec![
            entry.id.into(),
            entry.title.clone().into(),
            entry.body.clone().into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Takes the review's entries out of the index (before the entries themselves go).
pub async fn remove<C: ConnectionTrait>(db: &C, review_id: &str) -> AppResult<()> {
    db.execute_raw(statement(
        "DELETE FROM library_fts WHERE rowid IN (SELECT id FROM library_entry WHERE review_id = ?)",
        vec![review_id.into()],
    ))
    .await?;
    Ok(())
}

/// Entries holding every token (summaries only while available), optionally of one theme,
/// best first, then newest. The best are chosen first from the index and the short
/// columns, and only they are read whole.
pub async fn matching<C: ConnectionTrait>(
    db: &C,
    tokens: &[String],
    theme_key: Option<&str>,
    today: NaiveDate,
    first: u64,
    summaries_only: bool,
) -> AppResult<Vec<library_entry::Model>> {
    // CROSS JOIN keeps the full-text index the outer loop: without statistics SQLite may
    // otherwise start from the theme's entries and run the MATCH once for each.
    let mut best = String::from(
        "SELECT library_fts.rowid AS id, bm25(library_fts, 4.0, 1.0) AS score, \
         x.published_at AS published_at \
         FROM library_fts CROSS JOIN library_entry x ON x.id = library_fts.rowid \
         WHERE library_fts MATCH ? AND (x.kind = ? OR x.available_until >= ?)",
    );
    let mut values: Vec<Value> = vec![
        fts5_query(tokens).into(),
        EntryKind::LearningPoint.code().into(),
        today.into(),
    ];
    if summaries_only {
        best.push_str(" AND x.kind = ?");
        values.push(EntryKind::Summary.code().into());
    }
    if let Some(key) = theme_key {
        best.push_str(
            " AND EXISTS (SELECT 1 FROM library_theme t WHERE t.entry_id = x.id AND t.theme_key = ?)",
        );
        values.push(key.into());
    }
    best.push_str(" ORDER BY score, published_at DESC, id LIMIT ?");
    values.push(i64::try_from(first).unwrap_or(i64::MAX).into());
    let sql = format!(
        "SELECT {COLUMNS} FROM ({best}) best JOIN library_entry e ON e.id = best.id \
         ORDER BY best.score, best.published_at DESC, best.id"
    );
    Ok(library_entry::Entity::find()
        .from_raw_sql(statement(&sql, values))
        .all(db)
        .await?)
}
