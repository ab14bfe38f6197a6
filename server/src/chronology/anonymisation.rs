//! Anonymisation that tells the truth: what in a review's integrated chronology still looks
//! like a personal name or an identifier that its glossary does not replace
//! (`shared::chronology::names`), less what reviewers dismissed as not a name. An
//! anonymised export is refused while any remain open.
//!
//! Scanned: every text of the entries of submitted returns (what the integrated chronology
//! shows) and reviewers' annotations on them, up to [`MAX_TEXTS`] texts and [`MAX_BYTES`]
//! bytes; a chronology larger than that is refused an anonymised export rather than checked
//! in part. Dismissed texts never go into the audit log (only the dismissal's id and who).

use super::service::{collated_review, review_for, SUBMITTED};
use crate::audit_log::{self, Event};
use crate::context::RequestContext;
use crate::db::begin_write;
use crate::entities::{
    agency, annotation, anonymisation_dismissal, chronology_entry, chronology_return,
};
use crate::error::{AppError, AppResult};
use crate::events::ChangeKind;
use crate::state::AppState;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};
use shared::chronology::access;
use shared::chronology::names::{find_suspects_with, SuspectKind};
use shared::glossary::{fold, REAL_MAX};
use std::collections::{HashMap, HashSet};

/// Most texts scanned for one chronology.
pub const MAX_TEXTS: usize = 50_000;
/// Most bytes of text scanned for one chronology.
pub const MAX_BYTES: usize = 8_000_000;
/// Most suspects listed (the count of all open ones is given too).
pub const MAX_LISTED: usize = 100;
/// Most suspects named in the message refusing an export.
const MAX_NAMED: usize = 10;
/// Characters either side of a suspect in its example.
const EXCERPT_AROUND: usize = 40;

/// One open suspect: a text, how often it appears, and one place it does.
#[derive(Debug, Clone)]
pub struct OpenSuspect {
    pub text: String,
    pub kind: SuspectKind,
    pub count: usize,
    pub excerpt: String,
    pub entry_id: String,
    /// The entry as the chronology names it: agency prefix and sequence ("POL 12").
    pub entry_reference: String,
}

#[derive(Debug, Clone)]
pub struct Suspects {
    /// At most [`MAX_LISTED`], most frequent first.
    pub listed: Vec<OpenSuspect>,
    /// How many are open in all.
    pub total: usize,
}

/// The texts of a chronology with the entry each belongs to.
struct Texts {
    texts: Vec<String>,
    entry_of: Vec<usize>,
    entries: Vec<chronology_entry::Model>,
}

async fn texts<C: ConnectionTrait>(db: &C, review_id: &str) -> AppResult<Texts> {
    let submitted: Vec<String> = chronology_return::Entity::find()
        .select_only()
        .column(chronology_return::Column::Id)
        .filter(chronology_return::Column::ReviewId.eq(review_id))
        .filter(chronology_return::Column::Status.eq(SUBMITTED))
        .into_tuple()
        .all(db)
        .await?;
    let entries = chronology_entry::Entity::find()
        .filter(chronology_entry::Column::ReturnId.is_in(submitted))
        .all(db)
        .await?;
    let index: HashMap<&str, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    let notes = annotation::Entity::find()
        .filter(annotation::Column::ReviewId.eq(review_id))
        .all(db)
        .await?;
    let mut out = Texts {
        texts: Vec::new(),
        entry_of: Vec::new(),
        entries: Vec::new(),
    };
    let mut bytes = 0usize;
    let mut push = |out: &mut Texts, text: &str, entry: usize| -> AppResult<()> {
        if text.trim().is_empty() {
            return Ok(());
        }
        bytes += text.len();
        if out.texts.len() >= MAX_TEXTS || bytes > MAX_BYTES {
            return Err(AppError::Conflict(format!(
                "The chronology is too large to check for names before anonymising (more than \
                 {MAX_TEXTS} texts or {} MB); ask the administrator.",
                MAX_BYTES / 1_000_000
            )));
        }
        out.texts.push(text.to_owned());
        out.entry_of.push(entry);
        Ok(())
    };
    for (i, e) in entries.iter().enumerate() {
        push(&mut out, &e.source, i)?;
        if let Some(t) = &e.event_type {
            push(&mut out, t, i)?;
        }
        push(&mut out, &e.event, i)?;
        if let Some(t) = &e.action_taken {
            push(&mut out, t, i)?;
        }
        if let Some(t) = &e.practitioner_comment {
            push(&mut out, t, i)?;
        }
    }
    for n in &notes {
        if let Some(&i) = index.get(n.entry_id.as_str()) {
            push(&mut out, &n.text, i)?;
        }
    }
    out.entries = entries;
    Ok(out)
}

async fn dismissed<C: ConnectionTrait>(db: &C, review_id: &str) -> AppResult<HashSet<String>> {
    Ok(anonymisation_dismissal::Entity::find()
        .select_only()
        .column(anonymisation_dismissal::Column::TextKey)
        .filter(anonymisation_dismissal::Column::ReviewId.eq(review_id))
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The open suspects of a review's chronology (no access check: callers check).
async fn open<C: ConnectionTrait>(db: &C, review_id: &str) -> AppResult<Suspects> {
    let glossary = super::glossary::load(db, review_id).await?;
    let texts = texts(db, review_id).await?;
    let dismissed = dismissed(db, review_id).await?;
    let agencies = agency::Entity::find().all(db).await?;
    // Agencies' names and prefixes are not people's names.
    let known: Vec<&str> = agencies
        .iter()
        .flat_map(|a| [a.prefix.as_str(), a.name.as_str()])
        .collect();
    let prefixes: HashMap<&str, &str> = agencies
        .iter()
        .map(|a| (a.id.as_str(), a.prefix.as_str()))
        .collect();
    let refs: Vec<&str> = texts.texts.iter().map(String::as_str).collect();
    // Bounded above (MAX_TEXTS, MAX_BYTES); the detector is linear in the text.
    let found = find_suspects_with(&glossary, &known, &refs);
    let mut by_key: HashMap<String, OpenSuspect> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    for (t, suspects) in found.into_iter().enumerate() {
        for s in suspects {
            let key = s.key();
            if dismissed.contains(&key) {
                continue;
            }
            if let Some(o) = by_key.get_mut(&key) {
                o.count += 1;
                continue;
            }
            let entry = &texts.entries[texts.entry_of[t]];
            let prefix = prefixes
                .get(entry.agency_id.as_str())
                .copied()
                .unwrap_or("?");
            let entry_reference = match entry.seq {
                Some(seq) => format!("{prefix} {seq}"),
                None => prefix.to_owned(),
            };
            order.push(key.clone());
            by_key.insert(
                key,
                OpenSuspect {
                    excerpt: s.excerpt(refs[t], EXCERPT_AROUND).to_owned(),
                    text: s.matched,
                    kind: s.kind,
                    count: 1,
                    entry_id: entry.id.clone(),
                    entry_reference,
                },
            );
        }
    }
    let total = order.len();
    let mut listed: Vec<OpenSuspect> = order
        .into_iter()
        .filter_map(|k| by_key.remove(&k))
        .collect();
    // Most frequent first; then in the order they were found.
    listed.sort_by_key(|o| std::cmp::Reverse(o.count));
    listed.truncate(MAX_LISTED);
    Ok(Suspects { listed, total })
}

/// The open suspects for whoever sees the integrated chronology; `None` for anyone else.
#[tracing::instrument(skip_all, fields(review_id = %review_id))]
pub async fn suspects(
    state: &AppState,
    rc: &RequestContext,
    review_id: &str,
) -> AppResult<Option<Suspects>> {
    let actor = rc.actor()?;
    let (review, membership) = review_for(&state.db, actor, review_id).await?;
    if !access::sees_integrated(actor, membership, review.chronology_shared_at.is_some()) {
        return Ok(None);
    }
    open(&state.db, &review.id).await.map(Some)
}

/// Refuses an anonymised chronology while suspects are open, naming them.
pub async fn ensure_clear<C: ConnectionTrait>(db: &C, review_id: &str) -> AppResult<()> {
    let s = open(db, review_id).await?;
    if s.total == 0 {
        return Ok(());
    }
    let mut named: Vec<String> = s
        .listed
        .iter()
        .take(MAX_NAMED)
        .map(|o| format!("\"{}\"", o.text))
        .collect();
    if s.total > named.len() {
        named.push(format!("and {} more", s.total - named.len()));
    }
    Err(AppError::AnonymisationSuspectsOpen(format!(
        "The anonymised chronology may still name people: {} {} not in the glossary. Add \
         each to the glossary or dismiss it as not a name, then export again.",
        named.join(", "),
        if s.total == 1 { "is" } else { "are" }
    )))
}

/// Records that a text is not a name, for the review's collators (the business office and
/// its lead reviewers, who keep the glossary). Dismissing a text twice is harmless.
#[tracing::instrument(skip_all, fields(review_id = %review_id))]
pub async fn dismiss(
    state: &AppState,
    rc: &RequestContext,
    review_id: &str,
    text: &str,
) -> AppResult<Suspects> {
    let actor = rc.actor()?;
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::validation("text", "must not be empty"));
    }
    if text.chars().count() > REAL_MAX {
        return Err(AppError::validation(
            "text",
            format!("must be at most {REAL_MAX} characters"),
        ));
    }
    if text.contains(['\n', '\r']) {
        return Err(AppError::validation("text", "must be one line"));
    }
    let key = fold(text);
    let txn = begin_write(&state.db).await?;
    let review = collated_review(&txn, actor, review_id).await?;
    let exists = anonymisation_dismissal::Entity::find()
        .filter(anonymisation_dismissal::Column::ReviewId.eq(review.id.as_str()))
        .filter(anonymisation_dismissal::Column::TextKey.eq(key.as_str()))
        .one(&txn)
        .await?;
    if exists.is_none() {
        let row = anonymisation_dismissal::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            review_id: Set(review.id.clone()),
            text_key: Set(key),
            dismissed_by: Set(actor.user_id.clone()),
            dismissed_at: Set(crate::db::now()),
        }
        .insert(&txn)
        .await?;
        audit_log::append(
            &txn,
            rc,
            Event::new(
                "chronology.anonymisation.dismiss",
                "anonymisation_dismissal",
                &row.id,
            ),
        )
        .await?;
    }
    txn.commit().await?;
    state
        .changed(rc, &review.id, ChangeKind::Glossary, None)
        .await;
    open(&state.db, &review.id).await
}

/// Before an anonymised export: the caller sees the integrated chronology and no suspect
/// is open (see [`ensure_clear`]).
pub(super) async fn check_export(
    state: &AppState,
    rc: &RequestContext,
    review_id: &str,
) -> AppResult<()> {
    let actor = rc.actor()?;
    let (review, membership) = review_for(&state.db, actor, review_id).await?;
    if !access::sees_integrated(actor, membership, review.chronology_shared_at.is_some()) {
        return Err(AppError::Forbidden);
    }
    ensure_clear(&state.db, &review.id).await
}
