//! GraphQL surface of training and dissemination: thin, decoding input and calling the
//! service.

use super::{EventFilter, EventView};
use crate::graphql::{parts, IntoGql};
use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use shared::reviews::vocabulary::ReviewKind;
use shared::training::{FeedbackDraft, LearningEventDraft, LearningEventKind, SCORE_LABELS};

/// A review or audit whose learning an event carried.
#[derive(SimpleObject, Clone)]
pub struct LearningEventReview {
    pub id: ID,
    pub reference: String,
    pub kind: ReviewKind,
    pub kind_label: String,
    pub subject: String,
}

/// How many attended from one agency.
#[derive(SimpleObject, Clone)]
pub struct LearningEventAttendance {
    pub agency_id: ID,
    pub agency_name: String,
    pub attended: i32,
}

/// How many gave one score.
#[derive(SimpleObject, Clone)]
pub struct LearningEventScoreCount {
    pub score: i32,
    pub label: String,
    pub responses: i32,
}

/// Attendees' feedback, summarised.
#[derive(SimpleObject, Clone)]
pub struct LearningEventFeedback {
    pub responses: i32,
    /// The mean score (1 to 5) to one decimal place; none without responses.
    pub mean_score: Option<f64>,
    /// The share scoring 4 or 5, in whole percent; none without responses.
    pub useful_percent: Option<i32>,
    /// Every score, 1 to 5, with how many gave it.
    pub by_score: Vec<LearningEventScoreCount>,
    /// Comments, newest first, without names: for the business office and the independent
    /// chair; empty for everyone else.
    pub comments: Vec<String>,
}

/// The signed-in person's own feedback.
#[derive(SimpleObject, Clone)]
pub struct MyLearningEventFeedback {
    pub score: i32,
    pub comment: String,
}

/// A workshop, briefing, conference, e-learning module or newsletter item that carried
/// learning to practitioners.
#[derive(SimpleObject, Clone)]
pub struct LearningEvent {
    pub id: ID,
    pub title: String,
    pub kind: LearningEventKind,
    pub kind_label: String,
    pub held_on: NaiveDate,
    /// Who it was for.
    pub audience: String,
    /// The reviews and audits whose learning it carried that the reader may see.
    pub reviews: Vec<LearningEventReview>,
    /// National reviews' learning it carried, in words.
    pub national_learning: String,
    /// Attendance by agency (agencies with nobody attending left out).
    pub attendance: Vec<LearningEventAttendance>,
    /// Everyone who attended.
    pub attended: i32,
    pub feedback: LearningEventFeedback,
    /// Whether feedback may be given (the event has been held).
    pub takes_feedback: bool,
    pub my_feedback: Option<MyLearningEventFeedback>,
    /// Who recorded it (none once their account is gone).
    pub recorded_by: Option<String>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

fn count(n: impl TryInto<i32>) -> i32 {
    n.try_into().unwrap_or(i32::MAX)
}

impl From<EventView> for LearningEvent {
    fn from(v: EventView) -> Self {
        let attended = count(v.attended());
        let r = v.row;
        let f = v.feedback;
        LearningEvent {
            id: ID(r.id),
            title: r.title,
            kind: v.kind,
            kind_label: v.kind.label().to_owned(),
            held_on: r.held_on,
            audience: r.audience,
            reviews: v
                .reviews
                .into_iter()
                .map(|c| LearningEventReview {
                    id: ID(c.id),
                    reference: c.reference,
                    kind: c.kind,
                    kind_label: c.kind.label().to_owned(),
                    subject: c.subject,
                })
                .collect(),
            national_learning: r.national_learning,
            attendance: v
                .attendance
                .into_iter()
                .map(|a| LearningEventAttendance {
                    agency_id: ID(a.agency_id),
                    agency_name: a.agency_name,
                    attended: a.attended,
                })
                .collect(),
            attended,
            feedback: LearningEventFeedback {
                responses: count(f.responses),
                mean_score: f.mean,
                useful_percent: f.useful_percent.map(count),
                by_score: f
                    .by_score
                    .iter()
                    .zip(1..)
                    .zip(SCORE_LABELS)
                    .map(|((n, score), label)| LearningEventScoreCount {
                        score,
                        label: label.to_owned(),
                        responses: count(*n),
                    })
                    .collect(),
                comments: v.comments.unwrap_or_default(),
            },
            takes_feedback: v.takes_feedback,
            my_feedback: v
                .mine
                .map(|(score, comment)| MyLearningEventFeedback { score, comment }),
            recorded_by: v.recorded_by,
            version: r.version,
            updated_at: r.updated_at,
        }
    }
}

/// How many attended from one agency.
#[derive(InputObject)]
pub struct LearningEventAttendanceInput {
    pub agency_id: ID,
    /// 0 to 100,000 (agencies with 0 are left out).
    pub attended: i32,
}

/// A learning event as the business office records it.
#[derive(InputObject)]
pub struct LearningEventInput {
    /// At most 200 characters.
    pub title: String,
    pub kind: LearningEventKind,
    /// The day it was held (or is planned, at most 24 months ahead).
    pub held_on: NaiveDate,
    /// Who it was for (at most 500 characters).
    pub audience: String,
    /// The reviews and audits whose learning it carried (at most 50).
    #[graphql(default)]
    pub review_ids: Vec<ID>,
    /// National reviews' learning it carried, in words (at most 4,000 characters).
    #[graphql(default)]
    pub national_learning: String,
    /// Attendance by agency (at most 200 agencies, each once).
    #[graphql(default)]
    pub attendance: Vec<LearningEventAttendanceInput>,
}

impl From<LearningEventInput> for LearningEventDraft {
    fn from(i: LearningEventInput) -> Self {
        LearningEventDraft {
            title: i.title,
            kind: i.kind,
            held_on: i.held_on,
            audience: i.audience,
            review_ids: i.review_ids.into_iter().map(|id| id.0).collect(),
            national_learning: i.national_learning,
            attendance: i
                .attendance
                .into_iter()
                .map(|a| (a.agency_id.0, a.attended))
                .collect(),
        }
    }
}

#[derive(Default)]
pub struct TrainingQuery;

#[Object]
impl TrainingQuery {
    /// Learning events, latest first (at most 500): held from `from` to `to` (both
    /// included), those that carried a review's learning (a review you may see), and those
    /// an action's evidence of impact points at (an action you may see).
    async fn learning_events(
        &self,
        ctx: &Context<'_>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        review_id: Option<ID>,
        action_id: Option<ID>,
    ) -> async_graphql::Result<Vec<LearningEvent>> {
        let (state, rc) = parts(ctx)?;
        let filter = EventFilter {
            from,
            to,
            review_id: review_id.map(|id| id.0),
            action_id: action_id.map(|id| id.0),
        };
        super::list(state, rc, filter)
            .await
            .map(|v| v.into_iter().map(Into::into).collect())
            .gql(rc)
    }

    async fn learning_event(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<LearningEvent> {
        let (state, rc) = parts(ctx)?;
        super::get(state, rc, &id).await.map(Into::into).gql(rc)
    }
}

#[derive(Default)]
pub struct TrainingMutation;

#[Object]
impl TrainingMutation {
    /// Records a learning event (business office).
    async fn record_learning_event(
        &self,
        ctx: &Context<'_>,
        input: LearningEventInput,
    ) -> async_graphql::Result<LearningEvent> {
        let (state, rc) = parts(ctx)?;
        super::create(state, rc, input.into())
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// Changes an event if it is still at `version`; CONFLICT otherwise (business office).
    async fn update_learning_event(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        input: LearningEventInput,
    ) -> async_graphql::Result<LearningEvent> {
        let (state, rc) = parts(ctx)?;
        super::update(state, rc, &id, version, input.into())
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// Deletes an event recorded in error, with its feedback, if still at `version`
    /// (business office).
    async fn delete_learning_event(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
    ) -> async_graphql::Result<bool> {
        let (state, rc) = parts(ctx)?;
        super::delete(state, rc, &id, version)
            .await
            .map(|()| true)
            .gql(rc)
    }

    /// Points an action's evidence of impact at a learning event held (`evidences: true`)
    /// or stops (`false`): the owner agency's lead or representative, or the business
    /// office. Answers the events the action's evidence now points at, latest first.
    async fn set_learning_event_evidence(
        &self,
        ctx: &Context<'_>,
        action_id: ID,
        event_id: ID,
        evidences: bool,
    ) -> async_graphql::Result<Vec<LearningEvent>> {
        let (state, rc) = parts(ctx)?;
        super::set_evidence(state, rc, &action_id, &event_id, evidences)
            .await
            .map(|v| v.into_iter().map(Into::into).collect())
            .gql(rc)
    }

    /// Gives (or changes) your feedback on an event that has been held: a score from 1
    /// (not useful) to 5 (will change my practice) and a comment (at most 4,000
    /// characters; read by the business office and the chair without your name).
    async fn give_learning_event_feedback(
        &self,
        ctx: &Context<'_>,
        event_id: ID,
        score: i32,
        comment: Option<String>,
    ) -> async_graphql::Result<LearningEvent> {
        let (state, rc) = parts(ctx)?;
        let comment = comment.unwrap_or_default();
        super::give_feedback(state, rc, &event_id, FeedbackDraft { score, comment })
            .await
            .map(Into::into)
            .gql(rc)
    }
}
