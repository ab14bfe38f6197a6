//! The library's full-text index on PostgreSQL: the `search` column of `library_entry`, a
//! `tsvector` the database computes from the title (weight A) and the text (weight B) with
//! the `english` configuration, under a GIN index. Nothing to write beside the entry.
//!
//! A search is `plainto_tsquery('english', …)` of the tokens, which reads no operators
//! (every word required, stop words ignored); hits are ranked by `ts_rank_cd` (divided by
//! the log of the text's length, so long texts do not win by length alone), then newest
//! first.

use super::EntryKind;
use crate::entities::library_entry;
use crate::error::AppResult;
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement, Value};

/// The columns of `library_entry` a hit is read from (not the `tsvector`).
const COLUMNS: &str = "e.id, e.kind, e.summary_id, e.review_id, e.review_reference, e.title, \
    e.body, e.themes, e.position, e.published_at, e.available_until";

/// Entries holding every token (summaries only while available), optionally of one theme,
/// best first, then newest.
pub async fn matching<C: ConnectionTrait>(
    db: &C,
    tokens: &[String],
    theme_key: Option<&str>,
    today: NaiveDate,
    first: u64,
) -> AppResult<Vec<library_entry::Model>> {
    let mut sql = format!(
        "SELECT {COLUMNS} FROM library_entry e, plainto_tsquery('english', $1) q \
         WHERE e.search @@ q AND (e.kind = $2 OR e.available_until >= $3)"
    );
    let mut values: Vec<Value> = vec![
        tokens.join(" ").into(),
        EntryKind::LearningPoint.code().into(),
        today.into(),
        i64::try_from(first).unwrap_or(i64::MAX).into(),
    ];
    if let Some(key) = theme_key {
        sql.push_str(" AND e.id IN (SELECT entry_id FROM library_theme WHERE theme_key = $5)");
        values.push(key.into());
    }
    sql.push_str(" ORDER BY ts_rank_cd(e.search, q, 1) DESC, e.published_at DESC, e.id LIMIT $4");
    Ok(library_entry::Entity::find()
        .from_raw_sql(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .all(db)
        .await?)
}
