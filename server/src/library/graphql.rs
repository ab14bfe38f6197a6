//! GraphQL surface of the learning library: thin, checking input in the service.

use super::{EntryKind, LibraryHit as Hit};
use crate::graphql::{parts, IntoGql};
use async_graphql::{Context, Enum, Object, SimpleObject, ID};

/// What a library hit is.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum LibraryKind {
    /// A published learning summary.
    Summary,
    /// A learning point of a review whose summary is published.
    LearningPoint,
}

impl From<EntryKind> for LibraryKind {
    fn from(k: EntryKind) -> Self {
        match k {
            EntryKind::Summary => LibraryKind::Summary,
            EntryKind::LearningPoint => LibraryKind::LearningPoint,
        }
    }
}

/// Something the learning library found: anonymised, plain text.
#[derive(SimpleObject, Clone)]
pub struct LibraryHit {
    pub kind: LibraryKind,
    /// The review's pseudonymised subject (a summary), or the learning point's title.
    pub title: String,
    /// A short plain-text excerpt around the first word found.
    pub excerpt: String,
    pub themes: Vec<String>,
    /// The published summary it comes from (see publishedSummary).
    pub summary_id: ID,
    pub review_reference: String,
}

impl From<Hit> for LibraryHit {
    fn from(h: Hit) -> Self {
        Self {
            kind: h.kind.into(),
            title: h.title,
            excerpt: h.excerpt,
            themes: h.themes,
            summary_id: ID(h.summary_id),
            review_reference: h.review_reference,
        }
    }
}

#[derive(Default)]
pub struct LibraryQuery;

#[Object]
impl LibraryQuery {
    /// Searches the learning library: published summaries still available and the learning
    /// points of reviews whose summary is published. With `words`, every word must appear
    /// (English stemming: "neglected" finds "neglect"; nothing typed is an operator), best
    /// matches first, then newest; without, newest first. `theme` keeps those with that
    /// theme (any case). Any signed-in person.
    async fn library_search(
        &self,
        ctx: &Context<'_>,
        words: Option<String>,
        theme: Option<String>,
        #[graphql(default = 20)] first: Option<i32>,
    ) -> async_graphql::Result<Vec<LibraryHit>> {
        let (state, rc) = parts(ctx)?;
        let first = first.unwrap_or(super::DEFAULT_FIRST);
        super::search_for(state, rc, words.as_deref(), theme.as_deref(), first)
            .await
            .map(|hits| hits.into_iter().map(LibraryHit::from).collect())
            .gql(rc)
    }
}
