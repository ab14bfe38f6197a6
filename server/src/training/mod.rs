//! Training and dissemination: the learning events that carried reviews' and audits'
//! learning to practitioners (the rules are `shared::training`). The business office records
//! them; everyone signed in reads them and, once an event is held, gives feedback on it.
//! An event shows only the reviews the reader may see; feedback comments are read by the
//! office and the chair only, without names.

pub mod graphql;

use crate::audit_log::{self, Event};
use crate::context::RequestContext;
use crate::db::begin_write;
use crate::entities::{
    agency, app_user, learning_event as event, learning_event_action as evidence,
    learning_event_attendance as attendance, learning_event_feedback as feedback,
    learning_event_review as carried, review,
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use shared::auth::Actor;
use shared::reviews::vocabulary::ReviewKind;
use shared::training::{
    self as rules, FeedbackDraft, FeedbackSummary, LearningEventDraft, LearningEventKind,
    COMMENT_READERS, MAX_EVENTS, MAX_FEEDBACK, WRITERS,
};
use std::collections::{HashMap, HashSet};

const EVENT: &str = "Learning event";
/// The most events one list answers.
pub const LIST_LIMIT: u64 = 500;

/// A review or audit an event carried the learning of.
#[derive(Debug, Clone)]
pub struct CarriedReview {
    pub id: String,
    pub reference: String,
    pub kind: ReviewKind,
    pub subject: String,
}

#[derive(Debug, Clone)]
pub struct Attended {
    pub agency_id: String,
    pub agency_name: String,
    pub attended: i32,
}

/// An event as its reader may see it.
#[derive(Debug, Clone)]
pub struct EventView {
    pub row: event::Model,
    pub kind: LearningEventKind,
    /// The carried reviews the reader may see, by reference.
    pub reviews: Vec<CarriedReview>,
    /// Attendance by agency, by agency name.
    pub attendance: Vec<Attended>,
    pub feedback: FeedbackSummary,
    /// Comments, newest first, for the office and the chair; none for others.
    pub comments: Option<Vec<String>>,
    /// The reader's own feedback (score, comment).
    pub mine: Option<(i32, String)>,
    pub takes_feedback: bool,
    pub recorded_by: Option<String>,
}

impl EventView {
    pub fn attended(&self) -> i64 {
        self.attendance.iter().map(|a| i64::from(a.attended)).sum()
    }
}

/// Which events to list.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Events that carried this review's learning (a review the reader may see).
    pub review_id: Option<String>,
    /// Events an action's evidence of impact points at (an action the reader may see).
    pub action_id: Option<String>,
}

async fn views<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    rows: Vec<event::Model>,
    today: NaiveDate,
) -> AppResult<Vec<EventView>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let links = carried::Entity::find()
        .filter(carried::Column::EventId.is_in(ids.clone()))
        .all(db)
        .await?;
    let review_ids: Vec<String> = links
        .iter()
        .map(|l| l.review_id.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let reviews = crate::reviews::service::visible_among(db, actor, review_ids).await?;
    let counts = attendance::Entity::find()
        .filter(attendance::Column::EventId.is_in(ids.clone()))
        .all(db)
        .await?;
    let agency_names: HashMap<String, String> = agency::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let given = feedback::Entity::find()
        .filter(feedback::Column::EventId.is_in(ids))
        .order_by_desc(feedback::Column::UpdatedAt)
        .all(db)
        .await?;
    let recorders: Vec<String> = rows.iter().filter_map(|r| r.recorded_by.clone()).collect();
    let names: HashMap<String, String> = if recorders.is_empty() {
        HashMap::new()
    } else {
        app_user::Entity::find()
            .filter(app_user::Column::Id.is_in(recorders))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect()
    };
    // Each event's links, counts and feedback, read once above and grouped here.
    let mut links_of: HashMap<&str, Vec<&carried::Model>> = HashMap::new();
    for l in &links {
        links_of.entry(l.event_id.as_str()).or_default().push(l);
    }
    let mut counts_of: HashMap<&str, Vec<&attendance::Model>> = HashMap::new();
    for c in &counts {
        counts_of.entry(c.event_id.as_str()).or_default().push(c);
    }
    let mut feedback_of: HashMap<&str, Vec<&feedback::Model>> = HashMap::new();
    for f in &given {
        feedback_of.entry(f.event_id.as_str()).or_default().push(f);
    }
    let reads_comments = actor.has_any(COMMENT_READERS);
    rows.into_iter()
        .map(|row| {
            let id = row.id.as_str();
            let mut carried: Vec<CarriedReview> = links_of
                .get(id)
                .into_iter()
                .flatten()
                .filter_map(|l| reviews.get(&l.review_id))
                .map(|r| {
                    Ok(CarriedReview {
                        id: r.id.clone(),
                        reference: r.reference.clone(),
                        kind: crate::db::stored(&r.kind)?,
                        subject: r.subject.clone(),
                    })
                })
                .collect::<AppResult<_>>()?;
            carried.sort_by(|a, b| a.reference.cmp(&b.reference));
            let mut attended: Vec<Attended> = counts_of
                .get(id)
                .into_iter()
                .flatten()
                .map(|c| Attended {
                    agency_id: c.agency_id.clone(),
                    agency_name: agency_names.get(&c.agency_id).cloned().unwrap_or_default(),
                    attended: c.attended,
                })
                .collect();
            attended.sort_by(|a, b| a.agency_name.cmp(&b.agency_name));
            let on_this: &[&feedback::Model] = feedback_of.get(id).map_or(&[], Vec::as_slice);
            let scores: Vec<i32> = on_this.iter().map(|f| f.score).collect();
            Ok(EventView {
                kind: crate::db::stored(&row.kind)?,
                reviews: carried,
                attendance: attended,
                feedback: rules::feedback_summary(&scores),
                comments: reads_comments.then(|| {
                    on_this
                        .iter()
                        .filter(|f| !f.comment.is_empty())
                        .map(|f| f.comment.clone())
                        .collect()
                }),
                mine: on_this
                    .iter()
                    .find(|f| f.user_id == actor.user_id)
                    .map(|f| (f.score, f.comment.clone())),
                takes_feedback: rules::takes_feedback(row.held_on, today),
                recorded_by: row.recorded_by.as_ref().and_then(|u| names.get(u).cloned()),
                row,
            })
        })
        .collect()
}

/// Events, latest first (at most [`LIST_LIMIT`]).
pub async fn list(
    state: &AppState,
    rc: &RequestContext,
    filter: EventFilter,
) -> AppResult<Vec<EventView>> {
    let actor = rc.actor()?;
    if let (Some(from), Some(to)) = (filter.from, filter.to) {
        if from > to {
            return Err(AppError::validation("to", "must not be before from"));
        }
    }
    let mut query = event::Entity::find();
    if let Some(from) = filter.from {
        query = query.filter(event::Column::HeldOn.gte(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(event::Column::HeldOn.lte(to));
    }
    if let Some(review_id) = &filter.review_id {
        crate::reviews::service::find_visible_with_membership(&state.db, actor, review_id).await?;
        let ids: Vec<String> = carried::Entity::find()
            .filter(carried::Column::ReviewId.eq(review_id.clone()))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|l| l.event_id)
            .collect();
        query = query.filter(event::Column::Id.is_in(ids));
    }
    if let Some(action_id) = &filter.action_id {
        crate::actions::service::visible_action(&state.db, actor, action_id).await?;
        query = query.filter(event::Column::Id.is_in(evidence_for(&state.db, action_id).await?));
    }
    let rows = query
        .order_by_desc(event::Column::HeldOn)
        .order_by_asc(event::Column::Title)
        .limit(LIST_LIMIT)
        .all(&state.db)
        .await?;
    views(&state.db, actor, rows, state.today()).await
}

/// The events an action's evidence of impact points at.
async fn evidence_for<C: ConnectionTrait>(db: &C, action_id: &str) -> AppResult<Vec<String>> {
    Ok(evidence::Entity::find()
        .filter(evidence::Column::ActionId.eq(action_id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.event_id)
        .collect())
}

/// The most events one action's evidence of impact may point at.
pub const MAX_EVIDENCE: usize = 50;

/// Points an action's evidence of impact at a held event, or stops pointing at it (the
/// owner agency's lead or representative, or the business office); answers the events the
/// action now points at.
pub async fn set_evidence(
    state: &AppState,
    rc: &RequestContext,
    action_id: &str,
    event_id: &str,
    evidences: bool,
) -> AppResult<Vec<EventView>> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    crate::actions::service::action_to_report_on(&txn, actor, action_id).await?;
    let row = event::Entity::find_by_id(event_id.to_owned())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound(EVENT))?;
    let linked = evidence_for(&txn, action_id).await?;
    let already = linked.iter().any(|id| id == event_id);
    match (evidences, already) {
        (true, false) => {
            if !rules::takes_feedback(row.held_on, state.today()) {
                return Err(AppError::validation(
                    "eventId",
                    "has not been held yet: only an event held can evidence impact",
                ));
            }
            if linked.len() >= MAX_EVIDENCE {
                return Err(AppError::validation(
                    "eventId",
                    format!("an action's evidence may point at most at {MAX_EVIDENCE} events"),
                ));
            }
            evidence::ActiveModel {
                event_id: Set(event_id.to_owned()),
                action_id: Set(action_id.to_owned()),
            }
            .insert(&txn)
            .await?;
        }
        (false, true) => {
            evidence::Entity::delete_many()
                .filter(evidence::Column::ActionId.eq(action_id))
                .filter(evidence::Column::EventId.eq(event_id))
                .exec(&txn)
                .await?;
        }
        // Already as asked: nothing to change or record.
        _ => {
            txn.commit().await?;
            return list_evidence(state, actor, action_id).await;
        }
    }
    let code = if evidences {
        "learning_event.evidence_linked"
    } else {
        "learning_event.evidence_unlinked"
    };
    audit_log::append(&txn, rc, Event::new(code, "action", action_id)).await?;
    txn.commit().await?;
    list_evidence(state, actor, action_id).await
}

async fn list_evidence(
    state: &AppState,
    actor: &Actor,
    action_id: &str,
) -> AppResult<Vec<EventView>> {
    let ids = evidence_for(&state.db, action_id).await?;
    let rows = event::Entity::find()
        .filter(event::Column::Id.is_in(ids))
        .order_by_desc(event::Column::HeldOn)
        .all(&state.db)
        .await?;
    views(&state.db, actor, rows, state.today()).await
}

/// One event.
pub async fn get(state: &AppState, rc: &RequestContext, id: &str) -> AppResult<EventView> {
    let actor = rc.actor()?;
    one(&state.db, actor, id, state.today()).await
}

async fn one<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: &str,
    today: NaiveDate,
) -> AppResult<EventView> {
    let row = event::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or(AppError::NotFound(EVENT))?;
    views(db, actor, vec![row], today)
        .await?
        .pop()
        .ok_or(AppError::NotFound(EVENT))
}

/// The number of events held from `from` to `today`, and how many attended them.
pub async fn held_since<C: ConnectionTrait>(
    db: &C,
    from: NaiveDate,
    today: NaiveDate,
) -> AppResult<(u64, i64)> {
    let ids: Vec<String> = event::Entity::find()
        .select_only()
        .column(event::Column::Id)
        .filter(event::Column::HeldOn.gte(from))
        .filter(event::Column::HeldOn.lte(today))
        .into_tuple()
        .all(db)
        .await?;
    let attended: i64 = attendance::Entity::find()
        .filter(attendance::Column::EventId.is_in(ids.clone()))
        .all(db)
        .await?
        .iter()
        .map(|a| i64::from(a.attended))
        .sum();
    Ok((ids.len() as u64, attended))
}

/// Checks the draft's reviews and agencies exist, naming the first of each that does not.
async fn check<C: ConnectionTrait>(
    db: &C,
    state: &AppState,
    draft: LearningEventDraft,
) -> AppResult<LearningEventDraft> {
    let draft = draft.validate(state.today())?;
    if !draft.review_ids.is_empty() {
        let known: HashSet<String> = review::Entity::find()
            .select_only()
            .column(review::Column::Id)
            .filter(review::Column::Id.is_in(draft.review_ids.clone()))
            .into_tuple::<String>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        if let Some(i) = draft.review_ids.iter().position(|id| !known.contains(id)) {
            return Err(AppError::validation(
                format!("reviewIds[{i}]"),
                "is not a review on the platform",
            ));
        }
    }
    if !draft.attendance.is_empty() {
        let ids: Vec<String> = draft.attendance.iter().map(|(a, _)| a.clone()).collect();
        let known: HashSet<String> = agency::Entity::find()
            .select_only()
            .column(agency::Column::Id)
            .filter(agency::Column::Id.is_in(ids))
            .into_tuple::<String>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        if let Some(i) = draft
            .attendance
            .iter()
            .position(|(a, _)| !known.contains(a))
        {
            return Err(AppError::validation(
                format!("attendance[{i}].agencyId"),
                "is not an agency on the platform",
            ));
        }
    }
    Ok(draft)
}

/// Writes the event's carried reviews and attendance afresh.
async fn write_links<C: ConnectionTrait>(
    db: &C,
    id: &str,
    draft: &LearningEventDraft,
) -> AppResult<()> {
    carried::Entity::delete_many()
        .filter(carried::Column::EventId.eq(id))
        .exec(db)
        .await?;
    attendance::Entity::delete_many()
        .filter(attendance::Column::EventId.eq(id))
        .exec(db)
        .await?;
    if !draft.review_ids.is_empty() {
        carried::Entity::insert_many(draft.review_ids.iter().map(|r| carried::ActiveModel {
            event_id: Set(id.to_owned()),
            review_id: Set(r.clone()),
        }))
        .exec(db)
        .await?;
    }
    if !draft.attendance.is_empty() {
        attendance::Entity::insert_many(draft.attendance.iter().map(|(a, n)| {
            attendance::ActiveModel {
                event_id: Set(id.to_owned()),
                agency_id: Set(a.clone()),
                attended: Set(*n),
            }
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

fn apply(am: &mut event::ActiveModel, d: &LearningEventDraft) {
    am.title = Set(d.title.clone());
    am.kind = Set(d.kind.code().to_owned());
    am.held_on = Set(d.held_on);
    am.audience = Set(d.audience.clone());
    am.national_learning = Set(d.national_learning.clone());
}

/// Records an event (the business office).
pub async fn create(
    state: &AppState,
    rc: &RequestContext,
    draft: LearningEventDraft,
) -> AppResult<EventView> {
    let actor = rc.require_any(WRITERS)?;
    let txn = begin_write(&state.db).await?;
    if event::Entity::find().count(&txn).await? >= MAX_EVENTS {
        return Err(AppError::validation(
            "title",
            format!("the platform keeps at most {MAX_EVENTS} learning events"),
        ));
    }
    let draft = check(&txn, state, draft).await?;
    let now = crate::db::now();
    let id = uuid::Uuid::new_v4().to_string();
    let mut am = event::ActiveModel {
        id: Set(id.clone()),
        recorded_by: Set(Some(actor.user_id.clone())),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    };
    apply(&mut am, &draft);
    am.insert(&txn).await?;
    write_links(&txn, &id, &draft).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("learning_event.create", "learning_event", &id),
    )
    .await?;
    let view = one(&txn, actor, &id, state.today()).await?;
    txn.commit().await?;
    Ok(view)
}

fn stale() -> AppError {
    AppError::changed_since_opened("this learning event")
}

/// Changes an event if it is still at `version` (the business office).
pub async fn update(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    version: i32,
    draft: LearningEventDraft,
) -> AppResult<EventView> {
    let actor = rc.require_any(WRITERS)?;
    let txn = begin_write(&state.db).await?;
    let current = event::Entity::find_by_id(id.to_owned())
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound(EVENT))?;
    if current.version != version {
        return Err(stale());
    }
    let draft = check(&txn, state, draft).await?;
    let mut am = event::ActiveModel {
        updated_at: Set(crate::db::now()),
        ..Default::default()
    };
    apply(&mut am, &draft);
    crate::db::update_at_version::<event::Entity, _>(
        &txn,
        am,
        event::Column::Id,
        event::Column::Version,
        id,
        version,
        stale,
    )
    .await?;
    write_links(&txn, id, &draft).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("learning_event.update", "learning_event", id),
    )
    .await?;
    let view = one(&txn, actor, id, state.today()).await?;
    txn.commit().await?;
    Ok(view)
}

/// Deletes an event recorded in error, with its links and feedback (the foreign keys
/// cascade), if still at `version` (the business office).
pub async fn delete(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    version: i32,
) -> AppResult<()> {
    rc.require_any(WRITERS)?;
    let txn = begin_write(&state.db).await?;
    crate::db::delete_at_version::<event::Entity, _>(
        &txn,
        event::Column::Id,
        event::Column::Version,
        id,
        version,
        EVENT,
        stale,
    )
    .await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("learning_event.delete", "learning_event", id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Gives or changes the signed-in person's feedback on an event that has been held.
pub async fn give_feedback(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    draft: FeedbackDraft,
) -> AppResult<EventView> {
    let actor = rc.actor()?;
    let draft = draft.validate()?;
    let txn = begin_write(&state.db).await?;
    let row = event::Entity::find_by_id(id.to_owned())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound(EVENT))?;
    if !rules::takes_feedback(row.held_on, state.today()) {
        return Err(AppError::validation(
            "eventId",
            "has not been held yet: feedback opens on the day of the event",
        ));
    }
    let key = (id.to_owned(), actor.user_id.clone());
    let now = crate::db::now();
    match feedback::Entity::find_by_id(key).one(&txn).await? {
        Some(existing) => {
            let mut am: feedback::ActiveModel = existing.into();
            am.score = Set(draft.score);
            am.comment = Set(draft.comment);
            am.updated_at = Set(now);
            am.update(&txn).await?;
        }
        None => {
            let given = feedback::Entity::find()
                .filter(feedback::Column::EventId.eq(id))
                .count(&txn)
                .await?;
            if given >= MAX_FEEDBACK {
                return Err(AppError::validation(
                    "eventId",
                    format!("has the most feedback one event keeps ({MAX_FEEDBACK})"),
                ));
            }
            feedback::ActiveModel {
                event_id: Set(id.to_owned()),
                user_id: Set(actor.user_id.clone()),
                score: Set(draft.score),
                comment: Set(draft.comment),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
    }
    audit_log::append(
        &txn,
        rc,
        Event::new("learning_event.feedback", "learning_event", id),
    )
    .await?;
    let view = one(&txn, actor, id, state.today()).await?;
    txn.commit().await?;
    Ok(view)
}
