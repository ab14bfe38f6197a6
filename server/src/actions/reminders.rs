//! Reminders of actions due soon or overdue: a background job makes in-app notifications
//! for the people who owe each action (its owner person, else its owner agency's agency
//! leads) and, when SMTP is configured, emails them.
//!
//! Each reminder happens once, across restarts and across instances sharing a database:
//! a notification is unique per (action, person, kind), so the insert of a second one does
//! nothing; and an email is claimed (`email_claimed_at`) before it is sent, so only one
//! instance sends it. A failed send gives the claim back for a later run; a claim left by
//! an instance that stopped mid-send lapses after [`CLAIM_LAPSES_AFTER_MINUTES`].
//!
//! Emails carry the action's reference, its title and a link, never case detail.

use crate::context::RequestContext;
use crate::entities::{action, app_user, notification};
use crate::error::{AppError, AppResult};
use crate::mail::Mailer;
use crate::state::AppState;
use chrono::{DateTime, Duration, NaiveDate, SubsecRound, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, Condition, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};
use shared::actions::{reminder_due, ActionStatus, ReminderKind};
use shared::auth::{parse_roles, Role};
use std::collections::HashMap;
use tracing::Instrument;

const NOTIFICATION: &str = "Notification";

/// A claim to send an email that was neither sent nor given back lapses after this long.
pub const CLAIM_LAPSES_AFTER_MINUTES: i64 = 10;

fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

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
/// not yet sent (when SMTP is configured).
pub async fn run_once(state: &AppState, today: NaiveDate) -> AppResult<ReminderReport> {
    let span = tracing::info_span!("reminders", %today);
    async move {
        let created = notify(state, today).await?;
        let (emailed, failed) = match Mailer::from_config(state)? {
            Some(mailer) => send_pending(state, &mailer).await?,
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

/// The active people reminded of `a`: its owner person, else its agency's agency leads.
fn recipients<'a>(a: &action::Model, people: &'a [app_user::Model]) -> Vec<&'a app_user::Model> {
    if let Some(owner) = &a.owner_person_id {
        if let Some(p) = people.iter().find(|p| &p.id == owner && p.active) {
            return vec![p];
        }
    }
    people
        .iter()
        .filter(|p| {
            p.active
                && p.agency_id.as_deref() == Some(a.owner_agency_id.as_str())
                && parse_roles(&p.roles).contains(&Role::AgencyLead)
        })
        .collect()
}

/// Makes the notifications owed today that do not exist yet; returns how many it made.
async fn notify(state: &AppState, today: NaiveDate) -> AppResult<usize> {
    let closed: Vec<&str> = ActionStatus::ALL
        .iter()
        .filter(|s| s.is_closed())
        .map(|s| s.code())
        .collect();
    let open = action::Entity::find()
        .filter(action::Column::Status.is_not_in(closed))
        .order_by_asc(action::Column::Id)
        .all(&state.db)
        .await?;
    let owed: Vec<(action::Model, ReminderKind)> = open
        .into_iter()
        .filter_map(|a| {
            let status = ActionStatus::from_code(&a.status)?;
            let kind = reminder_due(status, a.target_on, today, state.config.reminder_days)?;
            Some((a, kind))
        })
        .collect();
    if owed.is_empty() {
        return Ok(0);
    }
    let people = app_user::Entity::find()
        .filter(app_user::Column::Active.eq(true))
        .all(&state.db)
        .await?;
    let mut created = 0;
    for (a, kind) in &owed {
        for person in recipients(a, &people) {
            let row = notification::ActiveModel {
                id: Set(uuid::Uuid::new_v4().to_string()),
                user_id: Set(person.id.clone()),
                action_id: Set(a.id.clone()),
                kind: Set(kind.code().to_owned()),
                created_at: Set(now()),
                read_at: Set(None),
                email_claimed_at: Set(None),
                emailed_at: Set(None),
            };
            let inserted = notification::Entity::insert(row)
                .on_conflict(
                    OnConflict::columns([
                        notification::Column::ActionId,
                        notification::Column::UserId,
                        notification::Column::Kind,
                    ])
                    .do_nothing()
                    .to_owned(),
                )
                .exec_without_returning(&state.db)
                .await;
            match inserted {
                Ok(n) if n > 0 => created += 1,
                // Already made (by an earlier run, or another instance just now).
                Ok(_) | Err(DbErr::RecordNotInserted) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(created)
}

/// The subject and body of a reminder: the reference, the title, the date and a link.
pub fn email_text(a: &action::Model, kind: ReminderKind, public_url: &str) -> (String, String) {
    let link = format!("{public_url}/actions/{}", a.id);
    let (subject, when) = match kind {
        ReminderKind::DueSoon => (
            format!("Action {} is due on {}", a.reference, a.target_on),
            format!("is due on {}", a.target_on.format("%-d %B %Y")),
        ),
        ReminderKind::Overdue => (
            format!("Action {} is overdue", a.reference),
            format!(
                "was due on {} and is overdue",
                a.target_on.format("%-d %B %Y")
            ),
        ),
    };
    let body = format!(
        "Action {reference}, \"{title}\", {when}.\r\n\r\n\
         Record progress or see the action here:\r\n{link}\r\n\r\n\
         You receive this because you own the action, or lead the agency that does.\r\n",
        reference = a.reference,
        title = a.title,
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
    let actions: HashMap<String, action::Model> = action::Entity::find()
        .filter(action::Column::Id.is_in(pending.iter().map(|n| n.action_id.clone())))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect();
    let people: HashMap<String, app_user::Model> = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(pending.iter().map(|n| n.user_id.clone())))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    let (mut sent, mut failed) = (0, 0);
    for n in pending {
        let (Some(a), Some(person), Some(kind)) = (
            actions.get(&n.action_id),
            people.get(&n.user_id),
            ReminderKind::from_code(&n.kind),
        ) else {
            continue;
        };
        if !person.active {
            continue;
        }
        let Some(claimed_at) = claim(state, &n.id).await? else {
            continue; // Another instance is sending it, or has sent it.
        };
        let (subject, body) = email_text(a, kind, &mailer.public_url);
        let result = mailer
            .send(&person.display_name, &person.email, subject, body)
            .await;
        match result {
            Ok(()) => {
                notification::Entity::update_many()
                    .col_expr(notification::Column::EmailedAt, Expr::value(now()))
                    .filter(notification::Column::Id.eq(n.id.clone()))
                    .exec(&state.db)
                    .await?;
                sent += 1;
            }
            Err(error) => {
                tracing::warn!(notification = %n.id, %error, "reminder email not sent; will retry");
                notification::Entity::update_many()
                    .col_expr(
                        notification::Column::EmailClaimedAt,
                        Expr::value(Option::<DateTime<Utc>>::None),
                    )
                    .filter(notification::Column::Id.eq(n.id.clone()))
                    .filter(notification::Column::EmailClaimedAt.eq(claimed_at))
                    .exec(&state.db)
                    .await?;
                failed += 1;
            }
        }
    }
    Ok((sent, failed))
}

/// Claims a notification's email for this instance; `None` if another holds or sent it.
async fn claim(state: &AppState, id: &str) -> AppResult<Option<DateTime<Utc>>> {
    let at = now();
    let lapsed = at - Duration::minutes(CLAIM_LAPSES_AFTER_MINUTES);
    let result = notification::Entity::update_many()
        .col_expr(notification::Column::EmailClaimedAt, Expr::value(at))
        .filter(notification::Column::Id.eq(id))
        .filter(notification::Column::EmailedAt.is_null())
        .filter(
            Condition::any()
                .add(notification::Column::EmailClaimedAt.is_null())
                .add(notification::Column::EmailClaimedAt.lt(lapsed)),
        )
        .exec(&state.db)
        .await?;
    Ok((result.rows_affected == 1).then_some(at))
}

// ---------------------------------------------------------------------------------------
// The person's own notifications.

/// A notification with the action it is about.
#[derive(Debug, Clone)]
pub struct NotificationView {
    pub notification: notification::Model,
    pub action: action::Model,
}

/// The caller's notifications, newest first.
pub async fn my_notifications(
    state: &AppState,
    rc: &RequestContext,
    unread_only: bool,
) -> AppResult<Vec<NotificationView>> {
    let actor = rc.actor()?;
    let mut query =
        notification::Entity::find().filter(notification::Column::UserId.eq(actor.user_id.clone()));
    if unread_only {
        query = query.filter(notification::Column::ReadAt.is_null());
    }
    let rows = query
        .order_by_desc(notification::Column::CreatedAt)
        .order_by_asc(notification::Column::Id)
        .all(&state.db)
        .await?;
    let actions: HashMap<String, action::Model> = action::Entity::find()
        .filter(action::Column::Id.is_in(rows.iter().map(|n| n.action_id.clone())))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|n| {
            let action = actions.get(&n.action_id)?.clone();
            Some(NotificationView {
                notification: n,
                action,
            })
        })
        .collect())
}

/// Marks one of the caller's notifications read; another's is NOT_FOUND.
pub async fn mark_read(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
) -> AppResult<NotificationView> {
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
    let notification = notification::Entity::find_by_id(found.id.clone())
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound(NOTIFICATION))?;
    let action = action::Entity::find_by_id(notification.action_id.clone())
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound(NOTIFICATION))?;
    Ok(NotificationView {
        notification,
        action,
    })
}
