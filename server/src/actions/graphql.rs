//! GraphQL surface of action plans: thin, decoding input and calling the service.

use super::service::{self, ActionView, LearningPointView};
use crate::agencies::graphql::Agency;
use crate::chronology::export::FileFormat;
use crate::chronology::graphql::{ExportFile, ExportFormat};
use crate::entities::{committee, recommendation};
use crate::graphql::{parts, stored_field, IntoGql};
use crate::rows::{InHand, Row, Rows};
use crate::users::graphql::User;
use async_graphql::connection::PageInfo;
use async_graphql::{ComplexObject, Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use shared::actions::{
    ActionDraft, ActionStatus, LearningKind, LearningPointDraft, LearningScope, ProgressDraft, Rag,
    ReferralKind,
};

/// A committee of the partnership, with what was referred to it.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Committee {
    pub id: ID,
    pub name: String,
    /// What is referred to it.
    pub purpose: String,
}

impl From<committee::Model> for Committee {
    fn from(c: committee::Model) -> Self {
        Self {
            id: ID(c.id),
            name: c.name,
            purpose: c.purpose,
        }
    }
}

impl InHand for Committee {
    const FETCHED: &'static [&'static str] = &["learningPoints", "actions"];
}

#[ComplexObject]
impl Committee {
    /// Learning points referred to the committee that the caller may read.
    async fn learning_points(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<LearningPoint>> {
        let (state, rc) = parts(ctx)?;
        let list = service::referred_learning_points(state, rc, &self.id)
            .await
            .gql(rc)?;
        Ok(list.into_iter().map(LearningPoint::from).collect())
    }

    /// Actions referred to the committee that the caller may see.
    async fn actions(&self, ctx: &Context<'_>) -> async_graphql::Result<Rows<Action>> {
        let (state, rc) = parts(ctx)?;
        let list = service::referred_actions(state, rc, &self.id)
            .await
            .gql(rc)?;
        Ok(Rows(list.into_iter().map(Action::from).collect()))
    }
}

/// What a review teaches: single- or multi-agency, good practice or needs improvement,
/// linked to the chronology it comes from.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct LearningPoint {
    pub id: ID,
    pub review_id: ID,
    pub title: String,
    pub detail: String,
    /// The stored scope and kind, read through `scope` and `kind`.
    #[graphql(skip)]
    pub scope_code: String,
    #[graphql(skip)]
    pub kind_code: String,
    pub themes: Vec<String>,
    /// Chronology entries the learning comes from.
    pub entry_ids: Vec<ID>,
    /// Duplicate groups (one event several agencies recorded) it comes from.
    pub duplicate_group_keys: Vec<String>,
    /// The reviewer's annotation it was made from, if any.
    pub annotation_id: Option<ID>,
    /// The committee it was referred to.
    pub committee: Option<Committee>,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Optimistic-locking version: send it back with updateLearningPoint.
    pub version: i32,
}

impl From<LearningPointView> for LearningPoint {
    fn from(v: LearningPointView) -> Self {
        let p = v.point;
        Self {
            id: ID(p.id),
            review_id: ID(p.review_id),
            title: p.title,
            detail: p.detail,
            scope_code: p.scope,
            kind_code: p.kind,
            themes: crate::reviews::service::parse_list(&p.themes),
            entry_ids: v.sources.entry_ids.into_iter().map(ID).collect(),
            duplicate_group_keys: v.sources.duplicate_group_keys,
            annotation_id: v.sources.annotation_id.map(ID),
            committee: v.committee.map(Committee::from),
            created_by_name: v.created_by_name,
            created_at: p.created_at,
            updated_at: p.updated_at,
            version: p.version,
        }
    }
}

#[ComplexObject]
impl LearningPoint {
    async fn scope(&self, ctx: &Context<'_>) -> async_graphql::Result<LearningScope> {
        stored_field(ctx, &self.scope_code)
    }

    async fn kind(&self, ctx: &Context<'_>) -> async_graphql::Result<LearningKind> {
        stored_field(ctx, &self.kind_code)
    }

    /// Oldest first.
    async fn recommendations(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<Recommendation>> {
        let (state, rc) = parts(ctx)?;
        let list = service::recommendations(&state.db, &self.id)
            .await
            .gql(rc)?;
        Ok(list.into_iter().map(Recommendation::from).collect())
    }
}

/// What should change in answer to a learning point; actions carry it out.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Recommendation {
    pub id: ID,
    pub learning_point_id: ID,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

impl From<recommendation::Model> for Recommendation {
    fn from(r: recommendation::Model) -> Self {
        Self {
            id: ID(r.id),
            learning_point_id: ID(r.learning_point_id),
            text: r.text,
            created_at: r.created_at,
        }
    }
}

#[ComplexObject]
impl Recommendation {
    /// Oldest first.
    async fn actions(&self, ctx: &Context<'_>) -> async_graphql::Result<Rows<Action>> {
        let (state, rc) = parts(ctx)?;
        let list = service::actions_of_recommendation(state, &self.id)
            .await
            .gql(rc)?;
        Ok(Rows(list.into_iter().map(Action::from).collect()))
    }
}

/// What will change, who owns it, by when, and how anyone will know it worked.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Action {
    pub id: ID,
    /// The review's reference and the action's number in it, e.g. SCR-2016-03/A1.
    pub reference: String,
    pub title: String,
    pub review_id: ID,
    pub review_reference: String,
    pub recommendation_id: ID,
    pub recommendation_text: String,
    pub learning_point_id: ID,
    pub learning_point_title: String,
    /// The learning point's themes.
    pub themes: Vec<String>,
    pub owner_agency: Row<Agency>,
    pub owner_person: Option<Row<User>>,
    pub target_date: NaiveDate,
    /// Why the target date was already past when it was set.
    pub target_date_reason: Option<String>,
    pub status: ActionStatus,
    /// Open and past its target date (derived today, never stored).
    pub overdue: bool,
    /// The RAG shown: the business office's override while the action is open, otherwise
    /// `ragDerived`.
    pub rag: Rag,
    /// Closed: green; overdue: red; due within 28 days, or not started with under a quarter
    /// of its time left: amber; otherwise green.
    pub rag_derived: Rag,
    /// Set by hand by the business office; ignored once the action is closed.
    pub rag_override: Option<Rag>,
    /// Why the RAG was last set or cleared by hand.
    pub rag_override_reason: Option<String>,
    pub evidence_of_impact: Option<String>,
    /// How impact will be audited.
    pub impact_audit: Option<String>,
    pub committee: Option<Committee>,
    /// The newest progress update (the first of `updates`), or null before the first.
    pub latest_update: Option<ActionUpdate>,
    /// Optimistic-locking version: send it back with updateAction.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ActionView> for Action {
    fn from(v: ActionView) -> Self {
        let status = v.status();
        let a = v.action;
        Self {
            id: ID(a.id),
            reference: a.reference,
            title: a.title,
            review_id: ID(a.review_id),
            review_reference: v.review_reference,
            recommendation_id: ID(a.recommendation_id),
            recommendation_text: v.recommendation_text,
            learning_point_id: ID(v.learning_point_id),
            learning_point_title: v.learning_point_title,
            themes: v.themes,
            owner_agency: Row(v
                .owner_agency
                .map_or_else(|| Agency::missing(&a.owner_agency_id), Agency::from)),
            owner_person: v.owner_person.map(|p| Row(User::from(p))),
            target_date: a.target_on,
            target_date_reason: a.target_date_reason,
            status,
            overdue: v.overdue,
            rag: v.rag,
            rag_derived: v.rag_derived,
            rag_override: a.rag_override.as_deref().and_then(Rag::from_code),
            rag_override_reason: a.rag_override_reason,
            evidence_of_impact: a.evidence_of_impact,
            impact_audit: a.impact_audit,
            committee: v.committee.map(Committee::from),
            latest_update: v.latest_update.map(ActionUpdate::from),
            version: a.version,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

#[ComplexObject]
impl Action {
    /// Dated progress updates, newest first.
    async fn updates(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ActionUpdate>> {
        let (state, rc) = parts(ctx)?;
        let list = service::updates(&state.db, &self.id).await.gql(rc)?;
        Ok(list.into_iter().map(ActionUpdate::from).collect())
    }

    /// Every saved version, newest first.
    async fn history(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ActionVersion>> {
        let (state, rc) = parts(ctx)?;
        let list = service::history(&state.db, &self.id).await.gql(rc)?;
        Ok(list.into_iter().map(ActionVersion::from).collect())
    }
}

/// A dated progress update on an action.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct ActionUpdate {
    pub id: ID,
    pub at: DateTime<Utc>,
    pub author_name: String,
    pub author_agency_prefix: Option<String>,
    pub text: String,
    /// The stored status after, read through `statusAfter`.
    #[graphql(skip)]
    pub status_after_code: String,
}

impl From<service::UpdateView> for ActionUpdate {
    fn from(v: service::UpdateView) -> Self {
        Self {
            id: ID(v.update.id),
            at: v.update.at,
            author_name: v.author_name,
            author_agency_prefix: v.author_agency_prefix,
            text: v.update.text,
            status_after_code: v.update.status_after,
        }
    }
}

#[ComplexObject]
impl ActionUpdate {
    /// The action's status once this update was made.
    async fn status_after(&self, ctx: &Context<'_>) -> async_graphql::Result<ActionStatus> {
        stored_field(ctx, &self.status_after_code)
    }
}

/// One saved version of an action: what it said, who saved it and when.
#[derive(SimpleObject, Clone)]
pub struct ActionVersion {
    pub version: i32,
    /// create, update, progress, rag or refer.
    pub change: String,
    pub changed_at: DateTime<Utc>,
    pub changed_by: Option<String>,
    pub title: String,
    pub owner_agency_id: ID,
    pub owner_person_id: Option<ID>,
    pub target_date: Option<NaiveDate>,
    pub target_date_reason: Option<String>,
    pub status: Option<ActionStatus>,
    pub rag_override: Option<Rag>,
    pub rag_override_reason: Option<String>,
    pub evidence_of_impact: Option<String>,
    pub impact_audit: Option<String>,
    pub committee_id: Option<ID>,
}

impl From<service::ActionVersion> for ActionVersion {
    fn from(v: service::ActionVersion) -> Self {
        let snap: serde_json::Value = serde_json::from_str(&v.row.snapshot).unwrap_or_default();
        let text = |k: &str| snap.get(k).and_then(|x| x.as_str()).map(str::to_owned);
        Self {
            version: v.row.version,
            change: v.row.change,
            changed_at: v.row.changed_at,
            changed_by: v.changed_by,
            title: text("title").unwrap_or_default(),
            owner_agency_id: ID(text("ownerAgencyId").unwrap_or_default()),
            owner_person_id: text("ownerPersonId").map(ID),
            target_date: text("targetDate").and_then(|d| d.parse().ok()),
            target_date_reason: text("targetDateReason"),
            status: text("status").as_deref().and_then(ActionStatus::from_code),
            rag_override: text("ragOverride").as_deref().and_then(Rag::from_code),
            rag_override_reason: text("ragOverrideReason"),
            evidence_of_impact: text("evidenceOfImpact"),
            impact_audit: text("impactAudit"),
            committee_id: text("committeeId").map(ID),
        }
    }
}

impl InHand for Action {
    const FETCHED: &'static [&'static str] = &["updates", "history"];

    fn held_fetches(field: &str) -> &'static [&'static str] {
        match field {
            "ownerAgency" => Agency::FETCHED,
            "ownerPerson" => User::FETCHED,
            "committee" => Committee::FETCHED,
            _ => &[],
        }
    }
}

/// One page of actions.
#[derive(SimpleObject)]
pub struct ActionConnection {
    pub nodes: Rows<Action>,
    /// Pass `endCursor` as `after` for the next page.
    pub page_info: PageInfo,
    /// How many actions match, over every page.
    pub total_count: i32,
}

#[derive(InputObject)]
pub struct LearningPointInput {
    pub title: String,
    /// May be left out when made from an annotation: its text is used.
    pub detail: Option<String>,
    pub scope: LearningScope,
    /// May be left out when made from an annotation: a missed opportunity or an
    /// information-sharing concern NEEDS_IMPROVEMENT, good practice is GOOD_PRACTICE.
    pub kind: Option<LearningKind>,
    #[graphql(default)]
    pub themes: Vec<String>,
    #[graphql(default)]
    pub entry_ids: Vec<ID>,
    /// Keys of duplicate groups: entry ids joined by ",".
    #[graphql(default)]
    pub duplicate_group_keys: Vec<String>,
}

impl From<LearningPointInput> for LearningPointDraft {
    fn from(i: LearningPointInput) -> Self {
        LearningPointDraft {
            title: i.title,
            detail: i.detail,
            scope: i.scope,
            kind: i.kind,
            themes: i.themes,
            entry_ids: i.entry_ids.into_iter().map(|id| id.0).collect(),
            duplicate_group_keys: i.duplicate_group_keys,
        }
    }
}

#[derive(InputObject)]
pub struct ActionInput {
    pub title: String,
    pub owner_agency_id: ID,
    /// Must work for the owner agency.
    pub owner_person_id: Option<ID>,
    pub target_date: NaiveDate,
    /// Needed when the target date set is already past.
    pub target_date_reason: Option<String>,
    /// How impact will be audited.
    pub impact_audit: Option<String>,
}

impl From<ActionInput> for ActionDraft {
    fn from(i: ActionInput) -> Self {
        ActionDraft {
            title: i.title,
            owner_agency_id: i.owner_agency_id.0,
            owner_person_id: i.owner_person_id.map(|id| id.0),
            target_on: i.target_date,
            target_date_reason: i.target_date_reason,
            impact_audit: i.impact_audit,
        }
    }
}

#[derive(InputObject)]
pub struct ActionUpdateInput {
    /// What was done; completing needs a final update.
    pub text: String,
    /// The status after this update; left out, it stays as it is.
    pub status: Option<ActionStatus>,
    /// Needed (here or earlier) for IMPACT_EVIDENCED.
    pub evidence_of_impact: Option<String>,
}

#[derive(InputObject, Default)]
pub struct ActionFilter {
    pub review_id: Option<ID>,
    /// The owner agency.
    pub agency_id: Option<ID>,
    pub status: Option<ActionStatus>,
    /// The RAG shown (override included).
    pub rag: Option<Rag>,
    /// A theme of the action's learning point.
    pub theme: Option<String>,
    pub committee_id: Option<ID>,
    /// Changed at or after (e.g. since the last accountability meeting).
    pub changed_since: Option<DateTime<Utc>>,
    pub overdue: Option<bool>,
}

impl From<ActionFilter> for service::ActionFilter {
    fn from(f: ActionFilter) -> Self {
        service::ActionFilter {
            review_id: f.review_id.map(|id| id.0),
            agency_id: f.agency_id.map(|id| id.0),
            status: f.status,
            rag: f.rag,
            theme: f.theme,
            committee_id: f.committee_id.map(|id| id.0),
            changed_since: f.changed_since,
            overdue: f.overdue,
        }
    }
}

/// The learning points of a review the caller may read (for `Review.learningPoints`).
pub async fn learning_points_of(
    ctx: &Context<'_>,
    review_id: &str,
) -> async_graphql::Result<Vec<LearningPoint>> {
    let (state, rc) = parts(ctx)?;
    let list = service::learning_points(state, rc, review_id)
        .await
        .gql(rc)?;
    Ok(list.into_iter().map(LearningPoint::from).collect())
}

/// How many actions one owner agency has in each status, and how many are overdue now.
#[derive(SimpleObject, Clone)]
pub struct AgencyActionCounts {
    pub agency: Agency,
    pub not_started: i32,
    pub in_progress: i32,
    pub completed: i32,
    pub impact_evidenced: i32,
    /// Open actions past their target date (some of the not started and in progress).
    pub overdue: i32,
    pub total: i32,
}

/// How many actions were overdue at the end of a day.
#[derive(SimpleObject, Clone)]
pub struct OverdueCount {
    pub date: NaiveDate,
    pub count: i32,
}

/// The numbers behind the action plan's charts.
#[derive(SimpleObject, Clone)]
pub struct ActionStatistics {
    /// Per owner agency, by prefix.
    pub by_agency: Vec<AgencyActionCounts>,
    /// At the end of each of the last twelve months, then today.
    pub overdue_over_time: Vec<OverdueCount>,
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl From<service::ActionStatistics> for ActionStatistics {
    fn from(s: service::ActionStatistics) -> Self {
        Self {
            by_agency: s
                .by_agency
                .into_iter()
                .map(|(agency, c)| AgencyActionCounts {
                    agency: agency.into(),
                    not_started: count(c.of(ActionStatus::NotStarted)),
                    in_progress: count(c.of(ActionStatus::InProgress)),
                    completed: count(c.of(ActionStatus::Completed)),
                    impact_evidenced: count(c.of(ActionStatus::ImpactEvidenced)),
                    overdue: count(c.overdue),
                    total: count(c.total()),
                })
                .collect(),
            overdue_over_time: s
                .overdue_over_time
                .into_iter()
                .map(|p| OverdueCount {
                    date: p.on,
                    count: count(p.count),
                })
                .collect(),
        }
    }
}

#[derive(Default)]
pub struct ActionQuery;

#[Object]
impl ActionQuery {
    /// Actions the caller may see, oldest first: the business office and the chair see
    /// every action; an agency lead their agency's and those of reviews they are a member
    /// of; a representative those of reviews they are a member of.
    async fn actions(
        &self,
        ctx: &Context<'_>,
        filter: Option<ActionFilter>,
        #[graphql(default = 50)] first: i32,
        after: Option<String>,
    ) -> async_graphql::Result<ActionConnection> {
        let (state, rc) = parts(ctx)?;
        let mut filter: service::ActionFilter = filter.unwrap_or_default().into();
        // An API token reads its own agency's actions only.
        if let Some(agency_id) = rc.token_agency() {
            filter.agency_id = Some(agency_id.to_owned());
        }
        let page = service::page(state, rc, &filter, first, after.as_deref())
            .await
            .gql(rc)?;
        Ok(ActionConnection {
            page_info: PageInfo {
                has_previous_page: after.is_some(),
                has_next_page: page.has_next_page,
                start_cursor: None,
                end_cursor: page.end_cursor,
            },
            total_count: i32::try_from(page.total_count).unwrap_or(i32::MAX),
            nodes: Rows(page.nodes.into_iter().map(Action::from).collect()),
        })
    }

    /// The actions the caller may see that match `filter` (as `actions` lists them), as a
    /// CSV or XLSX file: the master action plan.
    async fn actions_export(
        &self,
        ctx: &Context<'_>,
        filter: Option<ActionFilter>,
        format: ExportFormat,
    ) -> async_graphql::Result<ExportFile> {
        let (state, rc) = parts(ctx)?;
        let mut filter: service::ActionFilter = filter.unwrap_or_default().into();
        // An API token reads its own agency's actions only.
        if let Some(agency_id) = rc.token_agency() {
            filter.agency_id = Some(agency_id.to_owned());
        }
        let format = match format {
            ExportFormat::Csv => FileFormat::Csv,
            ExportFormat::Xlsx => FileFormat::Xlsx,
        };
        let started = std::time::Instant::now();
        let file = super::export::actions(state, rc, &filter, format).await;
        state
            .metrics
            .observe_export("actions", file.is_ok(), started.elapsed());
        file.map(ExportFile::from).gql(rc)
    }

    /// The actions the caller may see that match `filter` (as `actions` lists them),
    /// counted: by owner agency and status, and overdue over the last twelve months.
    async fn action_statistics(
        &self,
        ctx: &Context<'_>,
        filter: Option<ActionFilter>,
    ) -> async_graphql::Result<ActionStatistics> {
        let (state, rc) = parts(ctx)?;
        let filter: service::ActionFilter = filter.unwrap_or_default().into();
        service::statistics(state, rc, &filter)
            .await
            .map(ActionStatistics::from)
            .gql(rc)
    }

    /// One action; one the caller may not see is NOT_FOUND, as if it did not exist.
    async fn action(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Action> {
        let (state, rc) = parts(ctx)?;
        service::get_action(state, rc, &id)
            .await
            .map(Action::from)
            .gql(rc)
    }

    /// Everything the caller's agency owes (that they may see): open before closed,
    /// overdue first, then red, amber, green, then the nearest target date.
    async fn my_agency_actions(&self, ctx: &Context<'_>) -> async_graphql::Result<Rows<Action>> {
        let (state, rc) = parts(ctx)?;
        let list = service::my_agency_actions(state, rc).await.gql(rc)?;
        Ok(Rows(list.into_iter().map(Action::from).collect()))
    }

    /// The partnership's committees.
    async fn committees(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Committee>> {
        let (state, rc) = parts(ctx)?;
        let list = service::committees(&state.db).await.gql(rc)?;
        Ok(list.into_iter().map(Committee::from).collect())
    }

    /// One committee, with what was referred to it.
    async fn committee(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Committee> {
        let (state, rc) = parts(ctx)?;
        service::committee(&state.db, &id)
            .await
            .map(Committee::from)
            .gql(rc)
    }
}

#[derive(Default)]
pub struct ActionMutation;

#[Object]
impl ActionMutation {
    /// The business office or a lead reviewer of the review. With `fromAnnotationId`, a
    /// reviewer's missed opportunity (or good practice, or information-sharing concern)
    /// becomes a learning point in one step, linked to it and to its entry.
    async fn create_learning_point(
        &self,
        ctx: &Context<'_>,
        review_id: ID,
        input: LearningPointInput,
        from_annotation_id: Option<ID>,
    ) -> async_graphql::Result<LearningPoint> {
        let (state, rc) = parts(ctx)?;
        service::create_learning_point(
            state,
            rc,
            &review_id,
            input.into(),
            from_annotation_id.as_ref().map(|id| id.as_str()),
        )
        .await
        .map(LearningPoint::from)
        .gql(rc)
    }

    /// Saves the learning point if it is still at `version`; CONFLICT with
    /// `extensions.current` otherwise.
    async fn update_learning_point(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        input: LearningPointInput,
    ) -> async_graphql::Result<LearningPoint> {
        let (state, rc) = parts(ctx)?;
        service::update_learning_point(state, rc, &id, version, input.into())
            .await
            .map(LearningPoint::from)
            .gql(rc)
    }

    /// The business office or a lead reviewer of the review.
    async fn add_recommendation(
        &self,
        ctx: &Context<'_>,
        learning_point_id: ID,
        text: String,
    ) -> async_graphql::Result<Recommendation> {
        let (state, rc) = parts(ctx)?;
        service::add_recommendation(state, rc, &learning_point_id, &text)
            .await
            .map(Recommendation::from)
            .gql(rc)
    }

    /// The business office or a lead reviewer of the review. The action starts NOT_STARTED.
    async fn create_action(
        &self,
        ctx: &Context<'_>,
        recommendation_id: ID,
        input: ActionInput,
    ) -> async_graphql::Result<Action> {
        let (state, rc) = parts(ctx)?;
        service::create_action(state, rc, &recommendation_id, input.into())
            .await
            .map(Action::from)
            .gql(rc)
    }

    /// The business office or a lead reviewer of the review; CONFLICT with
    /// `extensions.current` when the action is no longer at `version`.
    async fn update_action(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        input: ActionInput,
    ) -> async_graphql::Result<Action> {
        let (state, rc) = parts(ctx)?;
        service::update_action(state, rc, &id, version, input.into())
            .await
            .map(Action::from)
            .gql(rc)
    }

    /// A dated progress update: the owner agency's lead or representative, or the business
    /// office.
    async fn add_action_update(
        &self,
        ctx: &Context<'_>,
        action_id: ID,
        input: ActionUpdateInput,
    ) -> async_graphql::Result<Action> {
        let (state, rc) = parts(ctx)?;
        let draft = ProgressDraft {
            text: input.text,
            status: input.status,
            evidence_of_impact: input.evidence_of_impact,
        };
        service::add_update(state, rc, &action_id, draft)
            .await
            .map(Action::from)
            .gql(rc)
    }

    /// The business office sets the RAG by hand with a reason, or clears it (`rag` null).
    async fn set_action_rag(
        &self,
        ctx: &Context<'_>,
        id: ID,
        rag: Option<Rag>,
        reason: Option<String>,
    ) -> async_graphql::Result<Action> {
        let (state, rc) = parts(ctx)?;
        service::set_rag(state, rc, &id, rag, reason.as_deref())
            .await
            .map(Action::from)
            .gql(rc)
    }

    /// Refers a learning point or an action to a committee: the business office or a lead
    /// reviewer of the review.
    async fn refer_to_committee(
        &self,
        ctx: &Context<'_>,
        kind: ReferralKind,
        id: ID,
        committee_id: ID,
    ) -> async_graphql::Result<Committee> {
        let (state, rc) = parts(ctx)?;
        service::refer(state, rc, kind, &id, &committee_id)
            .await
            .map(Committee::from)
            .gql(rc)
    }
}
