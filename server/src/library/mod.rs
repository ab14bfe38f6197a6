//! The learning library: what signed-in people (practitioners included) search to learn
//! from published reviews. It holds every published summary that is still available (all
//! its fields' text) and the learning points of every review whose summary is published,
//! each anonymised through its review's glossary (and with anything else the publication
//! gate would find taken out) before it is stored.
//!
//! One interface, whatever the database:
//! - [`index_review`] puts a review's published summary and its learning points in the
//!   library (replacing what was there), in the caller's transaction: publishing calls it;
//! - [`remove_review`] takes them out: withdrawing a summary calls it;
//! - [`refresh_review`] indexes a review again if its summary is published (a learning
//!   point, the glossary or the review changed);
//! - [`search`] finds entries by words (ranked by relevance, then newest first) or, without
//!   words, lists them newest first; either way optionally only those of one theme.
//!
//! Two implementations of the full-text part, chosen by the database: SQLite's FTS5
//! ([`sqlite`]) and PostgreSQL's `tsvector` with each entry's weighted lexemes beside it
//! ([`postgres`]). Both stem English words, both take every search word as a plain word
//! (no operators), both require every word, and both rank a title's words above the
//! text's, dampened by the text's length.

pub mod graphql;
mod postgres;
mod sqlite;
pub mod text;

use crate::context::RequestContext;
use crate::entities::{
    learning_point, learning_summary, library_entry, library_theme, review, summary_field,
};
use crate::error::{AppError, AppResult};
use crate::reviews::service::{json_list, parse_list};
use crate::state::AppState;
use chrono::NaiveDate;
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use shared::glossary::{Glossary, Term};
use shared::summary::{SummaryField, SummaryState};
use std::collections::HashMap;

/// How many hits a search answers unless asked for another number.
pub const DEFAULT_FIRST: i32 = 20;

/// The most hits one search answers.
pub const MAX_FIRST: i32 = 100;

/// The longest search text, in characters.
pub const MAX_WORDS: usize = 500;

/// The longest theme, in characters.
pub const MAX_THEME: usize = 100;

/// What a library entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A published learning summary (all its fields).
    Summary,
    /// A learning point of a review whose summary is published.
    LearningPoint,
}

impl EntryKind {
    pub fn code(self) -> &'static str {
        match self {
            EntryKind::Summary => "SUMMARY",
            EntryKind::LearningPoint => "LEARNING_POINT",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "SUMMARY" => Some(EntryKind::Summary),
            "LEARNING_POINT" => Some(EntryKind::LearningPoint),
            _ => None,
        }
    }
}

impl shared::Vocabulary for EntryKind {
    const NAME: &'static str = "EntryKind";
    fn from_code(code: &str) -> Option<Self> {
        EntryKind::from_code(code)
    }
}

/// A search of the library.
#[derive(Debug, Clone)]
pub struct SearchQuery {
    /// The words, as typed (blank: list by theme, newest first).
    pub words: String,
    /// Only entries with this theme (any case); none for every theme.
    pub theme: Option<String>,
    /// At most this many hits.
    pub first: u64,
    /// Summaries available on this day are searched.
    pub today: NaiveDate,
    /// Only published summaries (what the public pages show), no learning points.
    pub summaries_only: bool,
}

/// One thing the library found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryHit {
    pub kind: EntryKind,
    /// The review's pseudonymised subject for a summary; the learning point's title.
    pub title: String,
    /// A short plain-text excerpt, anonymised.
    pub excerpt: String,
    pub themes: Vec<String>,
    pub summary_id: String,
    pub review_reference: String,
}

/// The full-text engine of a database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Engine {
    /// SQLite: the `library_fts` FTS5 table.
    Fts5,
    /// PostgreSQL: the generated `library_entry.search` column.
    Postgres,
}

impl Engine {
    fn of<C: ConnectionTrait>(db: &C) -> Engine {
        match db.get_database_backend() {
            DbBackend::Postgres => Engine::Postgres,
            _ => Engine::Fts5,
        }
    }

    /// Adds an entry's words to the full-text index (PostgreSQL writes them itself).
    async fn add<C: ConnectionTrait>(self, db: &C, entry: &library_entry::Model) -> AppResult<()> {
        match self {
            Engine::Fts5 => sqlite::add(db, entry).await,
            Engine::Postgres => Ok(()),
        }
    }

    /// Takes a review's entries' words out of the full-text index, before the entries go
    /// (on PostgreSQL they go with their entries).
    async fn remove<C: ConnectionTrait>(self, db: &C, review_id: &str) -> AppResult<()> {
        match self {
            Engine::Fts5 => sqlite::remove(db, review_id).await,
            Engine::Postgres => Ok(()),
        }
    }

    /// Entries matching every token, best first, then newest.
    async fn matching<C: ConnectionTrait>(
        self,
        db: &C,
        tokens: &[String],
        theme_key: Option<&str>,
        today: NaiveDate,
        first: u64,
        summaries_only: bool,
    ) -> AppResult<Vec<library_entry::Model>> {
        match self {
            Engine::Fts5 => {
                sqlite::matching(db, tokens, theme_key, today, first, summaries_only).await
            }
            Engine::Postgres => {
                postgres::matching(db, tokens, theme_key, today, first, summaries_only).await
            }
        }
    }
}

/// A theme as the filter compares it.
fn theme_key(theme: &str) -> String {
    theme.trim().to_lowercase()
}

/// The review's glossary (as `crate::chronology::glossary::load`).
async fn glossary<C: ConnectionTrait>(db: &C, review_id: &str) -> AppResult<Glossary> {
    crate::chronology::glossary::load(db, review_id).await
}

/// The glossaries of these reviews, by review (one query).
async fn glossaries<C: ConnectionTrait>(
    db: &C,
    review_ids: Vec<String>,
) -> AppResult<HashMap<String, Glossary>> {
    use crate::entities::glossary_term;
    if review_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut terms: HashMap<String, Vec<Term>> = HashMap::new();
    for t in glossary_term::Entity::find()
        .filter(glossary_term::Column::ReviewId.is_in(review_ids))
        .all(db)
        .await?
    {
        terms.entry(t.review_id).or_default().push(Term {
            real: t.real_text,
            replacement: t.replacement,
        });
    }
    Ok(terms
        .into_iter()
        .map(|(review, terms)| (review, Glossary::new(terms)))
        .collect())
}

/// One entry to store.
struct NewEntry {
    kind: EntryKind,
    title: String,
    body: String,
    themes: Vec<String>,
    position: i32,
}

/// Puts the review's published summary and its learning points in the library, replacing
/// what was there; when its summary is not published, only takes out what was there. Call
/// inside the transaction that publishes (or changes what is indexed).
#[tracing::instrument(name = "library.index_review", skip(db))]
pub async fn index_review<C: ConnectionTrait>(db: &C, review_id: &str) -> AppResult<()> {
    remove_review(db, review_id).await?;
    let Some(summary) = learning_summary::Entity::find()
        .filter(learning_summary::Column::ReviewId.eq(review_id))
        .filter(learning_summary::Column::State.eq(SummaryState::Published.code()))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let review = review::Entity::find_by_id(review_id.to_owned())
        .one(db)
        .await?
        .ok_or(AppError::NotFound("Review"))?;
    let published_at = summary
        .published_at
        .ok_or_else(|| AppError::Internal("a published summary has no publication time".into()))?;
    let glossary = glossary(db, review_id).await?;
    let review_themes = parse_list(&review.themes);

    let texts: HashMap<String, String> = summary_field::Entity::find()
        .filter(summary_field::Column::SummaryId.eq(summary.id.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.field, f.text))
        .collect();
    let body = SummaryField::ALL
        .iter()
        .filter_map(|f| texts.get(f.code()))
        .map(|t| crate::summary::markdown_html::to_plain_text(t))
        .filter(|t| !t.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let mut entries = vec![NewEntry {
        kind: EntryKind::Summary,
        title: text::anonymised(&glossary, &review.subject),
        body: text::anonymised(&glossary, &body),
        themes: review_themes.clone(),
        position: 0,
    }];
    let points = learning_point::Entity::find()
        .filter(learning_point::Column::ReviewId.eq(review_id))
        .order_by_asc(learning_point::Column::CreatedAt)
        .order_by_asc(learning_point::Column::Id)
        .all(db)
        .await?;
    for (i, p) in points.iter().enumerate() {
        let own = parse_list(&p.themes);
        entries.push(NewEntry {
            kind: EntryKind::LearningPoint,
            title: text::anonymised(&glossary, &p.title),
            body: text::anonymised(&glossary, &p.detail),
            // A learning point without themes of its own files under its review's.
            themes: if own.is_empty() {
                review_themes.clone()
            } else {
                own
            },
            position: i32::try_from(i + 1).unwrap_or(i32::MAX),
        });
    }

    let engine = Engine::of(db);
    for e in entries {
        let row = library_entry::ActiveModel {
            id: Default::default(),
            kind: Set(e.kind.code().to_owned()),
            summary_id: Set(summary.id.clone()),
            review_id: Set(review.id.clone()),
            review_reference: Set(review.reference.clone()),
            title: Set(e.title),
            body: Set(e.body),
            themes: Set(json_list(&e.themes)),
            position: Set(e.position),
            published_at: Set(published_at),
            available_until: Set(match e.kind {
                EntryKind::Summary => summary.available_until,
                EntryKind::LearningPoint => None,
            }),
        }
        .insert(db)
        .await?;
        let mut keys: Vec<String> = e.themes.iter().map(|t| theme_key(t)).collect();
        keys.sort();
        keys.dedup();
        keys.retain(|k| !k.is_empty());
        if !keys.is_empty() {
            library_theme::Entity::insert_many(keys.into_iter().map(|k| {
                library_theme::ActiveModel {
                    entry_id: Set(row.id),
                    theme_key: Set(k),
                }
            }))
            .exec_without_returning(db)
            .await?;
        }
        engine.add(db, &row).await?;
    }
    tracing::info!(
        review_id,
        entries = points.len() + 1,
        "review indexed in the library"
    );
    Ok(())
}

/// Takes the review's summary and learning points out of the library (nothing to take out
/// is not an error).
#[tracing::instrument(name = "library.remove_review", skip(db))]
pub async fn remove_review<C: ConnectionTrait>(db: &C, review_id: &str) -> AppResult<()> {
    Engine::of(db).remove(db, review_id).await?;
    library_theme::Entity::delete_many()
        .filter(
            library_theme::Column::EntryId.in_subquery(
                Query::select()
                    .column(library_entry::Column::Id)
                    .from(library_entry::Entity)
                    .and_where(library_entry::Column::ReviewId.eq(review_id))
                    .to_owned(),
            ),
        )
        .exec(db)
        .await?;
    library_entry::Entity::delete_many()
        .filter(library_entry::Column::ReviewId.eq(review_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Indexes the review again if its summary is published (after a change to something the
/// library holds: a learning point, the glossary, the review's reference or themes);
/// nothing otherwise.
pub async fn refresh_review<C: ConnectionTrait>(db: &C, review_id: &str) -> AppResult<()> {
    let published = learning_summary::Entity::find()
        .select_only()
        .column(learning_summary::Column::Id)
        .filter(learning_summary::Column::ReviewId.eq(review_id))
        .filter(learning_summary::Column::State.eq(SummaryState::Published.code()))
        .into_tuple::<String>()
        .one(db)
        .await?;
    if published.is_some() {
        index_review(db, review_id).await?;
    }
    Ok(())
}

/// Entries newest first (a summary before its learning points), optionally of one theme.
/// The page is chosen on the short columns first, then only its entries are read whole.
async fn newest<C: ConnectionTrait>(
    db: &C,
    theme_key: Option<&str>,
    today: NaiveDate,
    first: u64,
    summaries_only: bool,
) -> AppResult<Vec<library_entry::Model>> {
    let mut query = library_entry::Entity::find()
        .select_only()
        .column(library_entry::Column::Id)
        .filter(
            Condition::any()
                .add(library_entry::Column::Kind.eq(EntryKind::LearningPoint.code()))
                .add(library_entry::Column::AvailableUntil.gte(today)),
        );
    if summaries_only {
        query = query.filter(library_entry::Column::Kind.eq(EntryKind::Summary.code()));
    }
    if let Some(key) = theme_key {
        query = query.filter(
            library_entry::Column::Id.in_subquery(
                Query::select()
                    .column(library_theme::Column::EntryId)
                    .from(library_theme::Entity)
                    .and_where(library_theme::Column::ThemeKey.eq(key))
                    .to_owned(),
            ),
        );
    }
    let ids: Vec<i64> = query
        .order_by_desc(library_entry::Column::PublishedAt)
        .order_by_asc(library_entry::Column::SummaryId)
        .order_by_asc(library_entry::Column::Position)
        .limit(first)
        .into_tuple()
        .all(db)
        .await?;
    let mut rows: HashMap<i64, library_entry::Model> = library_entry::Entity::find()
        .filter(library_entry::Column::Id.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    Ok(ids.into_iter().filter_map(|id| rows.remove(&id)).collect())
}

/// Searches the library (see the module's rules). Words that hold nothing to search for
/// (only punctuation, say) find nothing; no words at all list entries newest first.
#[tracing::instrument(name = "library.search", skip_all, fields(first = query.first))]
pub async fn search<C: ConnectionTrait>(db: &C, query: &SearchQuery) -> AppResult<Vec<LibraryHit>> {
    let tokens = text::tokens(&query.words);
    let theme_key = query
        .theme
        .as_deref()
        .map(theme_key)
        .filter(|k| !k.is_empty());
    let rows = if tokens.is_empty() {
        if !query.words.trim().is_empty() {
            return Ok(Vec::new());
        }
        newest(
            db,
            theme_key.as_deref(),
            query.today,
            query.first,
            query.summaries_only,
        )
        .await?
    } else {
        Engine::of(db)
            .matching(
                db,
                &tokens,
                theme_key.as_deref(),
                query.today,
                query.first,
                query.summaries_only,
            )
            .await?
    };
    tracing::debug!(tokens = tokens.len(), hits = rows.len(), "library searched");
    // Anonymised when stored; anonymised again with the glossary as it is now.
    let mut review_ids: Vec<String> = rows.iter().map(|r| r.review_id.clone()).collect();
    review_ids.sort();
    review_ids.dedup();
    let glossaries = glossaries(db, review_ids).await?;
    let none = Glossary::default();
    rows.into_iter()
        .map(|row| {
            let g = glossaries.get(&row.review_id).unwrap_or(&none);
            Ok(LibraryHit {
                kind: crate::db::stored(&row.kind)?,
                title: g.anonymise(&row.title).into_owned(),
                excerpt: g.anonymise(&text::excerpt(&row.body, &tokens)).into_owned(),
                themes: parse_list(&row.themes),
                summary_id: row.summary_id,
                review_reference: row.review_reference,
            })
        })
        .collect()
}

/// The library search a signed-in person asks for: `words` and `theme` checked, at most
/// `first` hits ([`MAX_FIRST`] at most).
pub async fn search_for(
    state: &AppState,
    rc: &RequestContext,
    words: Option<&str>,
    theme: Option<&str>,
    first: i32,
) -> AppResult<Vec<LibraryHit>> {
    rc.actor()?;
    let mut p = shared::Problems::new();
    let words = words.unwrap_or_default();
    if words.chars().count() > MAX_WORDS {
        p.push("words", format!("must be at most {MAX_WORDS} characters"));
    }
    if theme.is_some_and(|t| t.chars().count() > MAX_THEME) {
        p.push("theme", format!("must be at most {MAX_THEME} characters"));
    }
    if !(1..=MAX_FIRST).contains(&first) {
        p.push("first", format!("must be between 1 and {MAX_FIRST}"));
    }
    p.into_result()?;
    let query = SearchQuery {
        words: words.to_owned(),
        theme: theme.map(str::to_owned),
        first: u64::try_from(first).unwrap_or(1),
        today: state.today(),
        summaries_only: false,
    };
    search(&state.db, &query).await
}
