//! Notifications of what needs people: a background job makes an in-app notification for
//! each item of work on each person's list (see [`super::Facts`]) and, when SMTP is
//! configured, emails it.
//!
//! Each notification happens once, across restarts and across instances sharing a
//! database: a notification is unique per (person, item key), and the key names the item's
//! stage (an action due soon, then overdue), so the insert of a second one does nothing;
//! and an email is claimed (`email_claimed_at`) before it is sent, so only one instance
//! sends it ([`OwedEmail`]).
//!
//! Emails carry the item's reference, dates and a link, never case detail.

use super::{actor_of, Facts, WorkItem};
use crate::context::RequestContext;
use crate::db::now;
use crate::entities::{app_user, notification};
use crate::error::{AppError, AppResult};
use crate::mail::{Mailer, OwedEmail};
use crate::state::AppState;
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use shared::work::{Urgency, WorkKind};
use std::collections::{HashMap, HashSet};
use tracing::Instrument;

/// The most notifications one request lists (the newest).
pub const MAX_LISTED: u64 = 200;

const NOTIFICATION: &str = "Notification";

/// A notification's email, claimed before it is sent.
const EMAIL: OwedEmail<notification::Entity> = OwedEmail {
    id: notification::Column::Id,
    claimed_at: notification::Column::EmailClaimedAt,
    emailed_at: notification::Column::EmailedAt,
};

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReminderReport {
    /// Notifications made.
    pub created: usize,
    /// Emails sent.
    pub emailed: usize,
    /// Emails that could not be sent (tried again on a later run).
    pub failed: usize,
}

/// One run of the job, as of `today`: makes the notifications owed, then sends the emails
/// not yet sent (when SMTP is configured): notifications', then published learning
/// summaries' sent to distribution lists.
pub async fn run_once(state: &AppState, today: NaiveDate) -> AppResult<ReminderReport> {
    let span = tracing::info_span!("reminders", %today);
    async move {
        let created = notify(state, today).await?;
        let (emailed, failed) = match Mailer::from_config(state)? {
            Some(mailer) => {
                let (sent, failed) = send_pending(state, &mailer).await?;
                let (summaries, summaries_failed) =
                    crate::distribution::send_pending(state, &mailer).await?;
                (sent + summaries, failed + summaries_failed)
            }
            None => (0, 0),
        };
        let report = ReminderReport {
            created,
            emailed,
            failed,
        };
        if created + emailed + failed > 0 {
            tracing::info!(created, emailed, failed, "reminders run");
        } else {
            tracing::debug!("reminders run: nothing due");
        }
        Ok(report)
    }
    .instrument(span)
    .await
}

/// Runs the job every `--reminder-interval-secs` (the first run one interval after start).
pub fn spawn(state: AppState) {
    let secs = state.config.reminder_interval_secs;
    if secs == 0 {
        return;
    }
    tokio::spawn(async move {
        let period = std::time::Duration::from_secs(secs);
        let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let started = std::time::Instant::now();
            let result = run_once(&state, state.today()).await;
            state
                .metrics
                .job_finished("reminders", result.is_ok(), started.elapsed());
            if let Err(e) = result {
                tracing::error!(error = %e, "reminder run failed");
            }
        }
    });
}

/// Makes the notifications owed today that do not exist yet; returns how many it made.
async fn notify(state: &AppState, today: NaiveDate) -> AppResult<usize> {
    let facts = Facts::gather(&state.db, today, state.config.reminder_days).await?;
    let people = app_user::Entity::find()
        .filter(app_user::Column::Active.eq(true))
        .all(&state.db)
        .await?;
    let owed: Vec<(&app_user::Model, WorkItem)> = people
        .iter()
        .flat_map(|p| {
            facts
                .items_for(&actor_of(p))
                .into_iter()
                .map(move |item| (p, item))
        })
        .collect();
    if owed.is_empty() {
        return Ok(0);
    }
    // Most runs find every notification already made: read which, rather than try each.
    let keys: HashSet<&str> = owed.iter().map(|(_, item)| item.key.as_str()).collect();
    let mut made: HashSet<(String, String)> = HashSet::new();
    let keys: Vec<&str> = keys.into_iter().collect();
    for chunk in keys.chunks(500) {
        let rows = notification::Entity::find()
            .filter(notification::Column::ItemKey.is_in(chunk.iter().copied()))
            .all(&state.db)
            .await?;
        made.extend(rows.into_iter().map(|n| (n.user_id, n.item_key)));
    }
    let mut created = 0;
    for (person, item) in owed {
        if made.contains(&(person.id.clone(), item.key.clone())) {
            continue;
        }
        let row = notification::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            user_id: Set(person.id.clone()),
            item_key: Set(item.key),
            kind: Set(item.kind.code().to_owned()),
            title: Set(item.title),
            link: Set(item.link),
            review_id: Set(item.review_id),
            action_id: Set(item.action_id),
            due_on: Set(item.due_on),
            created_at: Set(now()),
            read_at: Set(None),
            email_claimed_at: Set(None),
            emailed_at: Set(None),
        };
        let inserted = notification::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([notification::Column::UserId, notification::Column::ItemKey])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(&state.db)
            .await;
        match inserted {
            Ok(n) if n > 0 => created += 1,
            // Already made (by another instance just now).
            Ok(_) | Err(DbErr::RecordNotInserted) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(created)
}

/// The subject and body of a notification's email: its kind, its title (a reference and
/// dates, never case detail), when it is due, the link, and why the person receives it.
pub fn email_text(n: &notification::Model, public_url: &str) -> (String, String) {
    let kind = WorkKind::from_code(&n.kind);
    let label = kind.map_or("Something needs you", WorkKind::label);
    let when = match (n.due_on, kind.map(WorkKind::urgency)) {
        (Some(on), Some(Urgency::Overdue)) => {
            format!(
                "It was due on {} and is overdue.\r\n\r\n",
                on.format("%-d %B %Y")
            )
        }
        (Some(on), _) => format!("It is due on {}.\r\n\r\n", on.format("%-d %B %Y")),
        (None, _) => String::new(),
    };
    let why = kind.map_or("", |k| k.reason());
    let subject = format!("{label}: {}", n.title);
    let body = format!(
        "{title}\r\n\r\n{when}See it and do it here:\r\n{public_url}{link}\r\n\r\n{why}\r\n",
        title = n.title,
        link = n.link,
    );
    (subject, body)
}

/// Sends the emails of notifications not yet emailed; returns (sent, failed).
async fn send_pending(state: &AppState, mailer: &Mailer) -> AppResult<(usize, usize)> {
    let pending = notification::Entity::find()
        .filter(notification::Column::EmailedAt.is_null())
        .order_by_asc(notification::Column::CreatedAt)
        .all(&state.db)
        .await?;
    if pending.is_empty() {
        return Ok((0, 0));
    }
    let people: HashMap<String, app_user::Model> = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(pending.iter().map(|n| n.user_id.clone())))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    let (mut sent, mut failed) = (0, 0);
    for n in pending {
        let Some(person) = people.get(&n.user_id) else {
            continue;
        };
        if !person.active {
            continue;
        }
        let Some(claimed_at) = EMAIL.claim(&state.db, &n.id).await? else {
            continue; // Another instance is sending it, or has sent it.
        };
        let (subject, body) = email_text(&n, &mailer.public_url);
        let ok = EMAIL
            .send(
                &state.db,
                mailer,
                &n.id,
                claimed_at,
                &person.display_name,
                &person.email,
                subject,
                body,
            )
            .await?;
        if ok {
            sent += 1;
        } else {
            failed += 1;
        }
    }
    Ok((sent, failed))
}

// ---------------------------------------------------------------------------------------
// The person's own notifications.

/// The caller's notifications, newest first (at most [`MAX_LISTED`]).
pub async fn my_notifications(
    state: &AppState,
    rc: &RequestContext,
    unread_only: bool,
) -> AppResult<Vec<notification::Model>> {
    let actor = rc.actor()?;
    let mut query =
        notification::Entity::find().filter(notification::Column::UserId.eq(actor.user_id.clone()));
    if unread_only {
        query = query.filter(notification::Column::ReadAt.is_null());
    }
    Ok(query
        .order_by_desc(notification::Column::CreatedAt)
        .order_by_asc(notification::Column::Id)
        .limit(MAX_LISTED)
        .all(&state.db)
        .await?)
}

/// Marks one of the caller's notifications read; another's is NOT_FOUND.
pub async fn mark_read(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
) -> AppResult<notification::Model> {
    let actor = rc.actor()?;
    let found = notification::Entity::find_by_id(id.to_owned())
        .one(&state.db)
        .await?
        .filter(|n| n.user_id == actor.user_id)
        .ok_or(AppError::NotFound(NOTIFICATION))?;
    if found.read_at.is_none() {
        notification::Entity::update_many()
            .col_expr(notification::Column::ReadAt, Expr::value(now()))
            .filter(notification::Column::Id.eq(found.id.clone()))
            .filter(notification::Column::ReadAt.is_null())
            .exec(&state.db)
            .await?;
    }
    notification::Entity::find_by_id(found.id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound(NOTIFICATION))
}
