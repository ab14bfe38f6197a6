//! A review's glossary, kept by the business office and the review's lead reviewers: the
//! real names and identifiers in its records and what stands for them once anonymised. The
//! matching rules are `shared::glossary`'s; terms never go into the audit log or live
//! updates (only their ids).

use super::service::{collated_review, stamp_of, Merged};
use crate::audit_log::{self, Event};
use crate::context::RequestContext;
use crate::db::begin_write;
use crate::entities::{annotation, chronology_entry, glossary_term};
use crate::error::{AppError, AppResult};
use crate::events::ChangeKind;
use crate::state::AppState;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use shared::glossary::{check_term, Glossary, Term};

async fn rows<C: ConnectionTrait>(db: &C, review_id: &str) -> AppResult<Vec<glossary_term::Model>> {
    Ok(glossary_term::Entity::find()
        .filter(glossary_term::Column::ReviewId.eq(review_id))
        .order_by_asc(glossary_term::Column::RealKey)
        .all(db)
        .await?)
}

/// The review's glossary, ready to anonymise with.
pub async fn load<C: ConnectionTrait>(db: &C, review_id: &str) -> AppResult<Glossary> {
    Ok(Glossary::new(
        rows(db, review_id)
            .await?
            .into_iter()
            .map(|t| Term {
                real: t.real_text,
                replacement: t.replacement,
            })
            .collect(),
    ))
}

/// The review's glossary with a stamp of its terms (which names the anonymised merge kept
/// between reads).
pub async fn load_stamped<C: ConnectionTrait>(
    db: &C,
    review_id: &str,
) -> AppResult<(Glossary, u64)> {
    let terms: Vec<Term> = rows(db, review_id)
        .await?
        .into_iter()
        .map(|t| Term {
            real: t.real_text,
            replacement: t.replacement,
        })
        .collect();
    let stamp = stamp_of(
        &terms
            .iter()
            .map(|t| (t.real.as_str(), t.replacement.as_str()))
            .collect::<Vec<_>>(),
    );
    Ok((Glossary::new(terms), stamp))
}

/// The terms, for those who keep them.
pub async fn terms(
    state: &AppState,
    rc: &RequestContext,
    review_id: &str,
) -> AppResult<Vec<glossary_term::Model>> {
    let review = collated_review(&state.db, rc.actor()?, review_id).await?;
    rows(&state.db, &review.id).await
}

pub async fn add(
    state: &AppState,
    rc: &RequestContext,
    review_id: &str,
    real: &str,
    replacement: &str,
) -> AppResult<glossary_term::Model> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let review = collated_review(&txn, actor, review_id).await?;
    let existing = rows(&txn, &review.id).await?;
    let term = check_term(
        real,
        replacement,
        existing.iter().map(|t| t.real_text.as_str()),
    )?;
    let row = glossary_term::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        review_id: Set(review.id.clone()),
        real_key: Set(shared::glossary::fold(&term.real)),
        real_text: Set(term.real),
        replacement: Set(term.replacement),
        created_by: Set(actor.user_id.clone()),
        created_at: Set(crate::db::now()),
    }
    .insert(&txn)
    .await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("glossary.term.add", "review", &review.id),
    )
    .await?;
    // The learning library holds the review's published learning anonymised.
    crate::library::refresh_review(&txn, &review.id).await?;
    txn.commit().await?;
    state
        .changed(rc, &review.id, ChangeKind::Glossary, Some(&row.id))
        .await;
    Ok(row)
}

pub async fn remove(state: &AppState, rc: &RequestContext, term_id: &str) -> AppResult<()> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let term = glossary_term::Entity::find_by_id(term_id.to_owned())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("Glossary term"))?;
    collated_review(&txn, actor, &term.review_id)
        .await
        .map_err(|e| match e {
            AppError::Forbidden => AppError::Forbidden,
            _ => AppError::NotFound("Glossary term"),
        })?;
    crate::retention::ensure_not_held(&txn, &term.review_id).await?;
    glossary_term::Entity::delete_by_id(term.id.clone())
        .exec(&txn)
        .await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("glossary.term.remove", "review", &term.review_id),
    )
    .await?;
    crate::library::refresh_review(&txn, &term.review_id).await?;
    txn.commit().await?;
    state
        .changed(rc, &term.review_id, ChangeKind::Glossary, Some(&term.id))
        .await;
    Ok(())
}

fn entry(g: &Glossary, e: &mut chronology_entry::Model) {
    e.source = g.anonymise(&e.source).into_owned();
    e.event = g.anonymise(&e.event).into_owned();
    e.event_type = g.anonymise_opt(e.event_type.as_deref());
    e.action_taken = g.anonymise_opt(e.action_taken.as_deref());
    e.practitioner_comment = g.anonymise_opt(e.practitioner_comment.as_deref());
}

fn note(g: &Glossary, n: &mut annotation::Model) {
    n.text = g.anonymise(&n.text).into_owned();
}

/// The merged chronology with every real name and identifier of the glossary replaced
/// (entries, their copies in groups and sharing flags, and the evidence quoting them).
pub fn anonymise(g: &Glossary, merged: &mut Merged) {
    if g.is_empty() {
        return;
    }
    merged.entries.iter_mut().for_each(|e| entry(g, e));
    for group in &mut merged.groups {
        group.entries.iter_mut().for_each(|e| entry(g, e));
        // The evidence quotes the entries' words.
        for reason in &mut group.reasons {
            *reason = g.anonymise(reason).into_owned();
        }
    }
    for s in &mut merged.sharing {
        entry(g, &mut s.entry);
        s.why = g.anonymise(&s.why).into_owned();
        if let Some(e) = s.confirmed_by.as_mut() {
            entry(g, e);
        }
    }
}

/// Annotations with the glossary's names and identifiers replaced.
pub fn anonymise_notes<A, B>(g: &Glossary, notes: &mut [(annotation::Model, A, B)]) {
    if g.is_empty() {
        return;
    }
    notes.iter_mut().for_each(|(n, _, _)| note(g, n));
}
