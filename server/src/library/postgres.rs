//! The library's full-text index on PostgreSQL: the `search` column of `library_entry`, a
//! `tsvector` the database computes from the title (weight A) and the text (weight B) with
//! the `english` configuration, and each entry's lexemes with their weight in
//! `library_term` (written by the database from that vector whenever an entry is written;
//! see migration m0011 for the weight).
//!
//! A search's words become lexemes through the same configuration (`to_tsvector`, so
//! nothing typed is an operator and stop words are ignored); an entry matches when it has
//! every one of them, and the matches are ranked by the sum of their lexemes' weights, then
//! newest first. The ranking reads only the searched lexemes' rows (a covering index),
//! never the entries' whole vectors, and only the best entries are read whole.

use crate::entities::library_entry;
use crate::error::AppResult;
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement, Value};

/// The columns of `library_entry` a hit is read from (not the `tsvector`).
const COLUMNS: &str = "e.id, e.kind, e.summary_id, e.review_id, e.review_reference, e.title, \
    e.body, e.themes, e.position, e.published_at, e.available_until";

/// The distinct lexemes of the tokens, as the `english` configuration makes them (stemmed,
/// stop words gone).
async fn lexemes<C: ConnectionTrait>(db: &C, tokens: &[String]) -> AppResult<Vec<String>> {
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT DISTINCT w FROM unnest(tsvector_to_array(to_tsvector('english', $1))) AS w",
            [tokens.join(" ").into()],
        ))
        .await?;
    Ok(rows
        .iter()
        .map(|row| row.try_get_by_index::<String>(0))
        .collect::<Result<_, _>>()?)
}

/// Entries holding every token's lexemes (summaries only while available), optionally of
/// one theme, best first, then newest.
pub async fn matching<C: ConnectionTrait>(
    db: &C,
    tokens: &[String],
    theme_key: Option<&str>,
    today: NaiveDate,
    first: u64,
    summaries_only: bool,
) -> AppResult<Vec<library_entry::Model>> {
    let lexemes = lexemes(db, tokens).await?;
    if lexemes.is_empty() {
        // Only stop words: nothing to look for.
        return Ok(Vec::new());
    }
    let wanted = lexemes.len();
    let mut values: Vec<Value> = vec![
        today.into(),
        i64::try_from(first).unwrap_or(i64::MAX).into(),
        i64::try_from(wanted).unwrap_or(i64::MAX).into(),
    ];
    // One placeholder a lexeme (at most `text::MAX_TOKENS` words): each is looked up in
    // the covering index, whatever plan the statement keeps.
    let placeholders: Vec<String> = (0..wanted).map(|i| format!("${}", i + 4)).collect();
    values.extend(lexemes.into_iter().map(Value::from));
    let mut best = format!(
        "SELECT t.entry_id, SUM(t.weight) AS score, MAX(t.published_at) AS published_at \
         FROM library_term t \
         WHERE t.lexeme IN ({}) AND t.shown_until >= $1",
        placeholders.join(", ")
    );
    if let Some(key) = theme_key {
        best.push_str(&format!(
            " AND t.entry_id IN (SELECT entry_id FROM library_theme WHERE theme_key = ${})",
            values.len() + 1
        ));
        values.push(key.into());
    }
    if summaries_only {
        best.push_str(&format!(
            " AND t.entry_id IN (SELECT id FROM library_entry WHERE kind = ${})",
            values.len() + 1
        ));
        values.push(super::EntryKind::Summary.code().into());
    }
    best.push_str(
        " GROUP BY t.entry_id HAVING COUNT(*) = $3 \
         ORDER BY score DESC, published_at DESC, t.entry_id LIMIT $2",
    );
    let sql = format!(
        "SELECT {COLUMNS} FROM ({best}) best JOIN library_entry e ON e.id = best.entry_id \
         ORDER BY best.score DESC, best.published_at DESC, best.entry_id"
    );
    Ok(library_entry::Entity::find()
        .from_raw_sql(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .all(db)
        .await?)
}
