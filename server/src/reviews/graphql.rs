//! GraphQL surface of reviews.

use super::service::{self, MemberInput, ReviewView};
use crate::agencies::graphql::Agency;
use crate::entities::regime;
use crate::graphql::{parts, IntoGql};
use crate::users::graphql::User;
use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use shared::reviews::{
    Methodology, MilestoneState, PanelNotificationDraft, ReviewDraft, ReviewEvent, ReviewKind,
    ReviewRole, ThresholdDecision, ThresholdDecisionDraft,
};

#[derive(SimpleObject, Clone)]
pub struct Regime {
    pub id: ID,
    pub code: String,
    pub name: String,
    pub description: String,
}

impl From<regime::Model> for Regime {
    fn from(m: regime::Model) -> Self {
        Self {
            id: ID(m.id),
            code: m.code,
            name: m.name,
            description: m.description,
        }
    }
}

/// One statutory milestone of a review, as it stands today.
#[derive(SimpleObject, Clone)]
pub struct Milestone {
    pub code: String,
    pub label: String,
    /// How the due date is reckoned, e.g. "1 month after notification of the incident".
    pub rule: String,
    pub due_on: Option<NaiveDate>,
    pub met_on: Option<NaiveDate>,
    pub state: MilestoneState,
    /// Met after its due date.
    pub late: bool,
    /// What must happen before this clock starts.
    pub waiting_for: Option<String>,
}

impl From<&shared::reviews::Milestone> for Milestone {
    fn from(m: &shared::reviews::Milestone) -> Self {
        Self {
            code: m.code.clone(),
            label: m.label.clone(),
            rule: m.rule.clone(),
            due_on: m.due_on,
            met_on: m.met_on,
            state: m.state,
            late: m.late,
            waiting_for: m.waiting_for.clone(),
        }
    }
}

#[derive(SimpleObject, Clone)]
pub struct ReviewMember {
    pub user: User,
    pub role: ReviewRole,
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Review {
    pub id: ID,
    pub reference: String,
    pub kind: ReviewKind,
    pub kind_label: String,
    /// Pseudonymised subject, e.g. "Child A".
    pub subject: String,
    pub themes: Vec<String>,
    pub methodology: Methodology,
    pub methodology_label: String,
    pub methodology_detail: Option<String>,
    pub incident_month: Option<i32>,
    pub incident_year: i32,
    pub regime: Regime,
    pub aware_on: Option<NaiveDate>,
    pub notified_on: NaiveDate,
    pub decision: Option<ThresholdDecision>,
    pub decision_justification: Option<String>,
    pub decided_on: Option<NaiveDate>,
    /// Who recorded the threshold decision.
    pub decided_by: Option<String>,
    pub panel_notified_on: Option<NaiveDate>,
    pub panel_lead_reviewer_names: Vec<String>,
    pub completed_on: Option<NaiveDate>,
    pub published_on: Option<NaiveDate>,
    /// The date the business office asked the review's agencies to submit their
    /// chronology returns by.
    pub returns_due_on: Option<NaiveDate>,
    pub milestones: Vec<Milestone>,
    /// The most urgent milestone not yet met.
    pub next_milestone: Option<Milestone>,
    pub agencies: Vec<Agency>,
    pub members: Vec<ReviewMember>,
    /// Optimistic-locking version: send it back with updateReview.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ReviewView> for Review {
    fn from(v: ReviewView) -> Self {
        let next = v.next_milestone().map(Into::into);
        let (kind, methodology) = (v.kind, v.methodology);
        let r = v.review;
        Self {
            id: ID(r.id),
            reference: r.reference,
            kind,
            kind_label: kind.label().to_owned(),
            subject: r.subject,
            themes: service::parse_list(&r.themes),
            methodology,
            methodology_label: methodology.label().to_owned(),
            methodology_detail: r.methodology_detail,
            incident_month: r.incident_month,
            incident_year: r.incident_year,
            regime: v.regime.into(),
            aware_on: r.aware_on,
            notified_on: r.notified_on,
            decision: v.decision,
            decision_justification: r.decision_justification,
            decided_on: r.decided_on,
            decided_by: v.decided_by_name,
            panel_notified_on: r.panel_notified_on,
            panel_lead_reviewer_names: service::parse_list(&r.panel_lead_reviewer_names),
            completed_on: r.completed_on,
            published_on: r.published_on,
            returns_due_on: r.returns_due_on,
            milestones: v.milestones.iter().map(Into::into).collect(),
            next_milestone: next,
            agencies: v.agencies.into_iter().map(Into::into).collect(),
            members: v
                .members
                .into_iter()
                .map(|(user, role)| ReviewMember {
                    user: user.into(),
                    role,
                })
                .collect(),
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(InputObject)]
pub struct ReviewMemberInput {
    pub user_id: ID,
    pub role: ReviewRole,
}

#[derive(InputObject)]
pub struct ReviewInput {
    pub reference: String,
    pub kind: ReviewKind,
    pub subject: String,
    pub themes: Vec<String>,
    pub methodology: Methodology,
    pub methodology_detail: Option<String>,
    pub incident_month: Option<i32>,
    pub incident_year: i32,
    pub regime_id: ID,
    pub aware_on: Option<NaiveDate>,
    pub notified_on: NaiveDate,
    pub agency_ids: Vec<ID>,
    pub members: Vec<ReviewMemberInput>,
}

impl From<ReviewInput> for service::ReviewInput {
    fn from(i: ReviewInput) -> Self {
        service::ReviewInput {
            draft: ReviewDraft {
                reference: i.reference,
                kind: i.kind,
                subject: i.subject,
                themes: i.themes,
                methodology: i.methodology,
                methodology_detail: i.methodology_detail,
                // Out-of-range months are kept so validation can name them.
                incident_month: i
                    .incident_month
                    .map(|m| u32::try_from(m).unwrap_or(u32::MAX)),
                incident_year: i.incident_year,
                aware_on: i.aware_on,
                notified_on: i.notified_on,
            },
            regime_id: i.regime_id.0,
            agency_ids: i.agency_ids.into_iter().map(|id| id.0).collect(),
            members: i
                .members
                .into_iter()
                .map(|m| MemberInput {
                    user_id: m.user_id.0,
                    role: m.role,
                })
                .collect(),
        }
    }
}

#[derive(InputObject)]
pub struct ThresholdDecisionInput {
    pub decision: ThresholdDecision,
    /// Required whichever way the decision goes.
    pub justification: String,
    pub decided_on: NaiveDate,
}

#[derive(InputObject)]
pub struct PanelNotificationInput {
    pub notified_on: NaiveDate,
    /// Required when the decision is to initiate a review.
    pub lead_reviewer_names: Vec<String>,
}

#[derive(Default)]
pub struct ReviewQuery;

#[Object]
impl ReviewQuery {
    /// Statutory regimes a review can run under.
    async fn regimes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Regime>> {
        let (state, rc) = parts(ctx)?;
        service::regimes(&state.db)
            .await
            .map(|v| v.into_iter().map(Into::into).collect())
            .gql(rc)
    }

    /// Reviews the caller may see, newest first. `withPlans` adds the reviews that only
    /// hold a plan (a Section 11 year's actions, `S11-<year>`): the action plan's sources.
    async fn reviews(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] with_plans: bool,
    ) -> async_graphql::Result<Vec<Review>> {
        let (state, rc) = parts(ctx)?;
        service::list(state, rc, with_plans)
            .await
            .map(|v| v.into_iter().map(Into::into).collect())
            .gql(rc)
    }

    /// One review; a review the caller may not see is NOT_FOUND, as if it did not exist.
    async fn review(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Review> {
        let (state, rc) = parts(ctx)?;
        service::get(state, rc, &id).await.map(Into::into).gql(rc)
    }

    /// Visible reviews ordered by their next milestone, overdue first.
    async fn dashboard(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Review>> {
        let (state, rc) = parts(ctx)?;
        service::dashboard(state, rc)
            .await
            .map(|v| v.into_iter().map(Into::into).collect())
            .gql(rc)
    }

    /// Themes offered when describing a review.
    async fn themes(&self) -> Vec<String> {
        shared::reviews::THEMES
            .iter()
            .map(|t| (*t).to_owned())
            .collect()
    }
}

#[derive(Default)]
pub struct ReviewMutation;

#[Object]
impl ReviewMutation {
    async fn create_review(
        &self,
        ctx: &Context<'_>,
        input: ReviewInput,
    ) -> async_graphql::Result<Review> {
        let (state, rc) = parts(ctx)?;
        service::create(state, rc, input.into())
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// Saves the review if it is still at `version`; CONFLICT otherwise.
    async fn update_review(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        input: ReviewInput,
    ) -> async_graphql::Result<Review> {
        let (state, rc) = parts(ctx)?;
        service::update(state, rc, &id, version, input.into())
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// The independent chair's threshold decision.
    async fn record_threshold_decision(
        &self,
        ctx: &Context<'_>,
        review_id: ID,
        input: ThresholdDecisionInput,
    ) -> async_graphql::Result<Review> {
        let (state, rc) = parts(ctx)?;
        let draft = ThresholdDecisionDraft {
            decision: input.decision,
            justification: input.justification,
            decided_on: input.decided_on,
        };
        service::record_threshold_decision(state, rc, &review_id, draft)
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// Records that the national panel was told of the decision.
    async fn record_panel_notification(
        &self,
        ctx: &Context<'_>,
        review_id: ID,
        input: PanelNotificationInput,
    ) -> async_graphql::Result<Review> {
        let (state, rc) = parts(ctx)?;
        let draft = PanelNotificationDraft {
            notified_on: input.notified_on,
            lead_reviewer_names: input.lead_reviewer_names,
        };
        service::record_panel_notification(state, rc, &review_id, draft)
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// The business office asks the review's agencies for their chronology returns by
    /// `dueOn` (`null` withdraws the date). Send the review's `version`; CONFLICT if it
    /// changed since.
    async fn ask_for_returns(
        &self,
        ctx: &Context<'_>,
        review_id: ID,
        version: i32,
        due_on: Option<NaiveDate>,
    ) -> async_graphql::Result<Review> {
        let (state, rc) = parts(ctx)?;
        service::ask_for_returns(state, rc, &review_id, version, due_on)
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// Records COMPLETED or PUBLISHED on an initiated review.
    async fn record_review_event(
        &self,
        ctx: &Context<'_>,
        review_id: ID,
        event: ReviewEvent,
        on: NaiveDate,
    ) -> async_graphql::Result<Review> {
        let (state, rc) = parts(ctx)?;
        service::record_event(state, rc, &review_id, event, on)
            .await
            .map(Into::into)
            .gql(rc)
    }
}
