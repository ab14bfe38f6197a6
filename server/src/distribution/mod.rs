//! Distribution lists and the sending of published learning summaries to them
//! (`shared::distribution`). The business office keeps the lists and sends a summary once it
//! is published (so it has passed the identifier gate and the chair's approval): each
//! recipient is recorded once per summary, whichever lists name them, and the reminder job
//! emails each recorded sending when SMTP is configured (claimed first, as notifications
//! are). The email carries the summary's public title and its public address, nothing more.

pub mod graphql;

use crate::audit_log::{self, Event};
use crate::context::RequestContext;
use crate::db::begin_write;
use crate::entities::{distribution_list, learning_summary, summary_sending};
use crate::error::{AppError, AppResult};
use crate::mail::{Mailer, OwedEmail};
use crate::state::AppState;
use crate::summary::public;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use shared::auth::{Actor, Role};
use shared::distribution::{check_list, CheckedList, ListDraft, Recipient, MAX_LISTS};
use shared::summary::SummaryState;
use std::collections::HashSet;

const LIST: &str = "Distribution list";
const SUMMARY: &str = "Learning summary";
/// The most sendings one run emails (the rest wait for the next run).
pub const MAX_EMAILS_PER_RUN: u64 = 1_000;

/// A sending's email, claimed before it is sent.
const EMAIL: OwedEmail<summary_sending::Entity> = OwedEmail {
    id: summary_sending::Column::Id,
    claimed_at: summary_sending::Column::EmailClaimedAt,
    emailed_at: summary_sending::Column::EmailedAt,
};

/// Who keeps the lists and sends summaries: the business office.
fn keeps_lists(actor: &Actor) -> bool {
    actor.has(Role::BusinessOffice)
}

fn office(rc: &RequestContext) -> AppResult<&Actor> {
    let actor = rc.actor()?;
    if keeps_lists(actor) {
        Ok(actor)
    } else {
        Err(AppError::Forbidden)
    }
}

/// A list with its recipients read.
#[derive(Debug, Clone)]
pub struct ListView {
    pub list: distribution_list::Model,
    pub recipients: Vec<Recipient>,
}

fn view_of(list: distribution_list::Model) -> AppResult<ListView> {
    let recipients = serde_json::from_str(&list.recipients)
        .map_err(|e| AppError::Internal(format!("distribution list {}: {e}", list.id)))?;
    Ok(ListView { list, recipients })
}

/// Every list, by name.
pub async fn lists(state: &AppState, rc: &RequestContext) -> AppResult<Vec<ListView>> {
    office(rc)?;
    distribution_list::Entity::find()
        .order_by_asc(distribution_list::Column::Name)
        .all(&state.db)
        .await?
        .into_iter()
        .map(view_of)
        .collect()
}

fn stale_list() -> AppError {
    AppError::changed_since_opened("this distribution list")
}

async fn check_name_free<C: sea_orm::ConnectionTrait>(
    db: &C,
    name: &str,
    except: Option<&str>,
) -> AppResult<()> {
    let mut query = distribution_list::Entity::find()
        .filter(distribution_list::Column::Name.eq(name.to_owned()));
    if let Some(id) = except {
        query = query.filter(distribution_list::Column::Id.ne(id.to_owned()));
    }
    if query.count(db).await? > 0 {
        return Err(AppError::validation(
            "name",
            "another distribution list has this name",
        ));
    }
    Ok(())
}

fn recipients_json(list: &CheckedList) -> AppResult<String> {
    serde_json::to_string(&list.recipients).map_err(|e| AppError::Internal(e.to_string()))
}

/// Makes a list.
pub async fn create_list(
    state: &AppState,
    rc: &RequestContext,
    draft: ListDraft,
) -> AppResult<ListView> {
    office(rc)?;
    let list = check_list(&draft)?;
    let txn = begin_write(&state.db).await?;
    check_name_free(&txn, &list.name, None).await?;
    if distribution_list::Entity::find().count(&txn).await? >= MAX_LISTS {
        return Err(AppError::validation(
            "name",
            format!("the partnership keeps at most {MAX_LISTS} distribution lists"),
        ));
    }
    let now = crate::db::now();
    let id = uuid::Uuid::new_v4().to_string();
    let row = distribution_list::ActiveModel {
        id: Set(id.clone()),
        name: Set(list.name.clone()),
        description: Set(list.description.clone()),
        recipients: Set(recipients_json(&list)?),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("distribution_list.create", "distribution_list", &id),
    )
    .await?;
    txn.commit().await?;
    view_of(row)
}

/// Changes a list if it is still at `version`.
pub async fn update_list(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    version: i32,
    draft: ListDraft,
) -> AppResult<ListView> {
    office(rc)?;
    let list = check_list(&draft)?;
    let txn = begin_write(&state.db).await?;
    check_name_free(&txn, &list.name, Some(id)).await?;
    let changes = distribution_list::ActiveModel {
        name: Set(list.name.clone()),
        description: Set(list.description.clone()),
        recipients: Set(recipients_json(&list)?),
        updated_at: Set(crate::db::now()),
        ..Default::default()
    };
    let row = crate::db::save_at_version::<distribution_list::Entity, _>(
        &txn,
        changes,
        (
            distribution_list::Column::Id,
            distribution_list::Column::Version,
        ),
        id,
        version,
        LIST,
        stale_list,
    )
    .await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("distribution_list.update", "distribution_list", id),
    )
    .await?;
    txn.commit().await?;
    view_of(row)
}

/// Deletes a list if it is still at `version`; what was sent through it stays recorded.
pub async fn delete_list(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    version: i32,
) -> AppResult<()> {
    office(rc)?;
    let txn = begin_write(&state.db).await?;
    crate::db::delete_at_version::<distribution_list::Entity, _>(
        &txn,
        distribution_list::Column::Id,
        distribution_list::Column::Version,
        id,
        version,
        LIST,
        stale_list,
    )
    .await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("distribution_list.delete", "distribution_list", id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// What one sending of a summary to a list did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendOutcome {
    /// Recipients recorded now (emailed by the next reminder run when SMTP is configured).
    pub recorded: usize,
    /// Recipients the summary had already been sent to, through this list or another.
    pub already_sent: usize,
}

/// Sends a published summary, still on the public pages, to every recipient of a list it
/// was not already sent to.
pub async fn send_summary(
    state: &AppState,
    rc: &RequestContext,
    summary_id: &str,
    list_id: &str,
) -> AppResult<SendOutcome> {
    let actor = office(rc)?;
    if list_id.trim().is_empty() {
        return Err(AppError::validation("listId", "choose a list to send to"));
    }
    let published = public::published_one(state, summary_id).await?;
    match published {
        None => {
            return Err(AppError::validation(
                "summaryId",
                "only a published learning summary can be sent: publish it first",
            ))
        }
        Some(p) if !p.available => {
            return Err(AppError::validation(
                "summaryId",
                "this learning summary is no longer on the public pages, so it cannot be sent",
            ))
        }
        Some(_) => {}
    }
    let txn = begin_write(&state.db).await?;
    let list = distribution_list::Entity::find_by_id(list_id.to_owned())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound(LIST))?;
    let list = view_of(list)?;
    let sent: HashSet<String> = summary_sending::Entity::find()
        .filter(summary_sending::Column::SummaryId.eq(summary_id.to_owned()))
        .all(&txn)
        .await?
        .into_iter()
        .map(|s| s.email)
        .collect();
    let now = crate::db::now();
    let new: Vec<summary_sending::ActiveModel> = list
        .recipients
        .iter()
        .filter(|r| !sent.contains(&r.email))
        .map(|r| summary_sending::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            summary_id: Set(summary_id.to_owned()),
            list_name: Set(list.list.name.clone()),
            name: Set(r.name.clone()),
            email: Set(r.email.clone()),
            sent_by: Set(actor.user_id.clone()),
            recorded_at: Set(now),
            email_claimed_at: Set(None),
            emailed_at: Set(None),
        })
        .collect();
    let outcome = SendOutcome {
        recorded: new.len(),
        already_sent: list.recipients.len() - new.len(),
    };
    let mut rows = new.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(200).collect();
        summary_sending::Entity::insert_many(chunk)
            .exec_without_returning(&txn)
            .await?;
    }
    audit_log::append(
        &txn,
        rc,
        Event::new("learning_summary.send", "learning_summary", summary_id),
    )
    .await?;
    txn.commit().await?;
    Ok(outcome)
}

/// Who a summary was sent to, in the order they were recorded.
pub async fn sendings(
    state: &AppState,
    rc: &RequestContext,
    summary_id: &str,
) -> AppResult<Vec<summary_sending::Model>> {
    office(rc)?;
    learning_summary::Entity::find_by_id(summary_id.to_owned())
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound(SUMMARY))?;
    Ok(summary_sending::Entity::find()
        .filter(summary_sending::Column::SummaryId.eq(summary_id.to_owned()))
        .order_by_asc(summary_sending::Column::RecordedAt)
        .order_by_asc(summary_sending::Column::Email)
        .all(&state.db)
        .await?)
}

/// The subject and body of a sending's email: the summary's public title and address.
pub fn email_text(view: &public::PublishedView, public_url: &str) -> (String, String) {
    let subject = format!(
        "Learning published: {} ({})",
        view.title, view.review_reference
    );
    let body = format!(
        "The safeguarding partnership has published what it learned from {reference} ({kind}): {title}.\r\n\r\n\
         Read it here:\r\n{public_url}/published/{id}\r\n\r\n\
         You receive this because the partnership's business office put you on one of its distribution lists.\r\n",
        reference = view.review_reference,
        kind = view.review_kind_label,
        title = view.title,
        id = view.summary_id,
    );
    (subject, body)
}

/// Emails the sendings not yet emailed; returns (sent, failed). A summary withdrawn or past
/// its time on the public pages since it was sent is not emailed.
pub async fn send_pending(state: &AppState, mailer: &Mailer) -> AppResult<(usize, usize)> {
    // Only sendings of summaries on the public pages now: one withdrawn or past its window
    // since waits (and never holds up the others' turn within a run's limit).
    let published: Vec<String> = learning_summary::Entity::find()
        .filter(learning_summary::Column::State.eq(SummaryState::Published.code()))
        .filter(learning_summary::Column::AvailableUntil.gte(state.today()))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    if published.is_empty() {
        return Ok((0, 0));
    }
    let pending = summary_sending::Entity::find()
        .filter(summary_sending::Column::EmailedAt.is_null())
        .filter(summary_sending::Column::SummaryId.is_in(published))
        .order_by_asc(summary_sending::Column::RecordedAt)
        .limit(MAX_EMAILS_PER_RUN)
        .all(&state.db)
        .await?;
    let (mut sent, mut failed) = (0, 0);
    let mut views: std::collections::HashMap<String, Option<public::PublishedView>> =
        std::collections::HashMap::new();
    for s in pending {
        if !views.contains_key(&s.summary_id) {
            let view = public::published_one(state, &s.summary_id)
                .await?
                .filter(|v| v.available);
            views.insert(s.summary_id.clone(), view);
        }
        let Some(Some(view)) = views.get(&s.summary_id) else {
            continue;
        };
        let Some(claimed_at) = EMAIL.claim(&state.db, &s.id).await? else {
            continue; // Another instance is sending it, or has sent it.
        };
        let (subject, body) = email_text(view, &mailer.public_url);
        if EMAIL
            .send(
                &state.db, mailer, &s.id, claimed_at, &s.name, &s.email, subject, body,
            )
            .await?
        {
            sent += 1;
        } else {
            failed += 1;
        }
    }
    Ok((sent, failed))
}
