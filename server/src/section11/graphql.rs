//! The Section 11 self-assessment through GraphQL: thin resolvers over the service.

use super::actions::{PlanDraft, PlannedAction};
use super::{AssessmentView, YearView};
use crate::actions::graphql::Action;
use crate::agencies::graphql::Agency;
use crate::entities::{s11_answer, s11_challenge, s11_standard};
use crate::graphql::{parts, IntoGql};
use async_graphql::{ComplexObject, Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use shared::section11::{AnswerDraft, AssessmentStatus, EvidenceLink, Rating, StandardDraft};

/// One standard of a year's tool.
#[derive(SimpleObject, Clone)]
pub struct Section11Standard {
    pub id: ID,
    pub position: i32,
    pub title: String,
    /// What the standard asks of an agency.
    pub description: String,
    pub evidence_expected: String,
}

impl From<s11_standard::Model> for Section11Standard {
    fn from(s: s11_standard::Model) -> Self {
        Self {
            id: ID(s.id),
            position: s.position,
            title: s.title,
            description: s.description,
            evidence_expected: s.evidence_expected,
        }
    }
}

/// An agency's answer to one standard.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Section11Answer {
    pub standard_id: ID,
    pub rating: Option<Rating>,
    pub evidence: String,
    /// What would make it green (for red and amber).
    pub to_green: String,
    /// Copied from last year's answer and not changed since.
    pub carried_forward: bool,
    pub updated_at: DateTime<Utc>,
    /// The stored list of links (`s11_answer.links`), read when asked for.
    #[graphql(skip)]
    pub stored_links: String,
}

/// A link to evidence: a web address and what it is.
#[derive(SimpleObject, Clone)]
pub struct Section11EvidenceLink {
    pub url: String,
    /// What it is; empty when the agency did not say.
    pub label: String,
}

#[derive(InputObject)]
pub struct Section11EvidenceLinkInput {
    /// An `https://` or `http://` address.
    pub url: String,
    #[graphql(default)]
    pub label: String,
}

#[ComplexObject]
impl Section11Answer {
    /// Links to the evidence (policies, audits, figures on the agency's own systems).
    async fn links(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Section11EvidenceLink>> {
        let (_, rc) = parts(ctx)?;
        super::links_of(&self.stored_links)
            .map(|list| {
                list.into_iter()
                    .map(|l| Section11EvidenceLink {
                        url: l.url,
                        label: l.label,
                    })
                    .collect()
            })
            .gql(rc)
    }
}

impl From<s11_answer::Model> for Section11Answer {
    fn from(a: s11_answer::Model) -> Self {
        Self {
            standard_id: ID(a.standard_id),
            rating: a.rating.as_deref().and_then(Rating::from_code),
            evidence: a.evidence,
            to_green: a.to_green,
            carried_forward: a.carried_forward,
            updated_at: a.updated_at,
            stored_links: a.links,
        }
    }
}

/// A challenge question of the business office about the agency's answer to one standard,
/// and the agency's response.
#[derive(SimpleObject, Clone)]
pub struct Section11Challenge {
    pub id: ID,
    pub standard_id: ID,
    pub question: String,
    pub asked_at: DateTime<Utc>,
    /// None until the agency responds.
    pub response: Option<String>,
    pub responded_at: Option<DateTime<Utc>>,
}

impl From<s11_challenge::Model> for Section11Challenge {
    fn from(c: s11_challenge::Model) -> Self {
        Self {
            id: ID(c.id),
            standard_id: ID(c.standard_id),
            question: c.question,
            asked_at: c.asked_at,
            response: c.response,
            responded_at: c.responded_at,
        }
    }
}

/// One agency's self-assessment for a year.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Section11Assessment {
    pub id: ID,
    pub year: i32,
    pub agency: Agency,
    pub status: AssessmentStatus,
    pub status_label: String,
    pub due_on: NaiveDate,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The office's challenge when it returned the assessment.
    pub office_comment: Option<String>,
    /// Send it back with each change; CONFLICT if it moved on.
    pub version: i32,
    /// The year's standards, in order.
    pub standards: Vec<Section11Standard>,
    pub answers: Vec<Section11Answer>,
    /// The office's challenge questions, in the order asked (every return's).
    pub challenges: Vec<Section11Challenge>,
}

impl From<AssessmentView> for Section11Assessment {
    fn from(v: AssessmentView) -> Self {
        let status = v.status;
        Self {
            id: ID(v.row.id),
            year: v.row.year,
            agency: v.agency.into(),
            status,
            status_label: status.label().to_owned(),
            due_on: v.row.due_on,
            submitted_at: v.row.submitted_at,
            decided_at: v.row.decided_at,
            office_comment: v.row.office_comment,
            version: v.row.version,
            standards: v.standards.into_iter().map(Into::into).collect(),
            answers: v.answers.into_iter().map(Into::into).collect(),
            challenges: v.challenges.into_iter().map(Into::into).collect(),
        }
    }
}

#[ComplexObject]
impl Section11Assessment {
    /// The actions planned against its standards, and those the agency planned the year
    /// before against the standards of the same titles, as the caller sees them in the
    /// action plan (the office and the chair: all; the agency's lead: its own agency's):
    /// last year's first, each year's in the order planned.
    async fn actions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Section11Action>> {
        let (state, rc) = parts(ctx)?;
        super::actions::planned(state, rc, &self.id)
            .await
            .map(|list| list.into_iter().map(Into::into).collect())
            .gql(rc)
    }
}

/// An action planned against a standard; it is an action of the action plan, numbered
/// within the year's Section 11 plan (`S11-2026/A3`).
#[derive(SimpleObject, Clone)]
pub struct Section11Action {
    /// The standard of the assessment's own year it answers.
    pub standard_id: ID,
    /// The year of the assessment it was planned in: the assessment's own, or the year
    /// before (carried forward).
    pub planned_in: i32,
    pub action: Action,
}

impl From<PlannedAction> for Section11Action {
    fn from(p: PlannedAction) -> Self {
        Self {
            standard_id: ID(p.standard_id),
            planned_in: p.year,
            action: p.action.into(),
        }
    }
}

/// An action an agency plans against a standard; the agency owns it.
#[derive(InputObject)]
pub struct Section11ActionInput {
    pub title: String,
    pub target_date: NaiveDate,
    /// Must work for the agency.
    pub owner_person_id: Option<ID>,
    /// How impact will be audited.
    pub impact_audit: Option<String>,
}

/// A year's tool and the assessments the caller may read (the office and the chair: every
/// agency's; agency staff: their own agency's).
#[derive(SimpleObject, Clone)]
pub struct Section11Year {
    pub year: i32,
    pub standards: Vec<Section11Standard>,
    pub assessments: Vec<Section11Assessment>,
}

impl From<YearView> for Section11Year {
    fn from(v: YearView) -> Self {
        Self {
            year: v.year,
            standards: v.standards.into_iter().map(Into::into).collect(),
            assessments: v.assessments.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(InputObject)]
pub struct Section11StandardInput {
    pub title: String,
    #[graphql(default)]
    pub description: String,
    #[graphql(default)]
    pub evidence_expected: String,
}

#[derive(InputObject)]
pub struct Section11AnswerInput {
    pub rating: Option<Rating>,
    #[graphql(default)]
    pub evidence: String,
    #[graphql(default)]
    pub to_green: String,
    /// At most 10.
    #[graphql(default)]
    pub links: Vec<Section11EvidenceLinkInput>,
}

#[derive(Default)]
pub struct Section11Query;

#[Object]
impl Section11Query {
    /// The years that have a Section 11 tool, newest first.
    async fn section11_years(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<i32>> {
        let (state, rc) = parts(ctx)?;
        super::years(&state.db).await.gql(rc)
    }

    /// A year's standards and the assessments the caller may read.
    async fn section11(
        &self,
        ctx: &Context<'_>,
        year: i32,
    ) -> async_graphql::Result<Section11Year> {
        let (state, rc) = parts(ctx)?;
        super::year(state, rc, year).await.map(Into::into).gql(rc)
    }

    /// The year's answers the caller may read as an XLSX workbook (one row per agency and
    /// standard).
    async fn section11_export(
        &self,
        ctx: &Context<'_>,
        year: i32,
    ) -> async_graphql::Result<crate::chronology::graphql::ExportFile> {
        let (state, rc) = parts(ctx)?;
        super::export::year(state, rc, year)
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// The year's summary report (DOCX) for the board: where each assessment stands, each
    /// standard's ratings counted, every agency's ratings with last year's where they
    /// changed, what would make red and amber standards green, and the office's
    /// challenges. Of the assessments the caller may read.
    async fn section11_report(
        &self,
        ctx: &Context<'_>,
        year: i32,
    ) -> async_graphql::Result<crate::chronology::graphql::ExportFile> {
        let (state, rc) = parts(ctx)?;
        super::report::year(state, rc, year)
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// One assessment; one the caller may not read is NOT_FOUND.
    async fn section11_assessment(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Section11Assessment> {
        let (state, rc) = parts(ctx)?;
        super::assessment(state, rc, &id)
            .await
            .map(Into::into)
            .gql(rc)
    }
}

#[derive(Default)]
pub struct Section11Mutation;

#[Object]
impl Section11Mutation {
    /// The business office sets a year's standards (replacing them) until agencies are
    /// asked for the year.
    async fn set_section11_standards(
        &self,
        ctx: &Context<'_>,
        year: i32,
        standards: Vec<Section11StandardInput>,
    ) -> async_graphql::Result<Section11Year> {
        let (state, rc) = parts(ctx)?;
        let drafts = standards
            .into_iter()
            .map(|s| StandardDraft {
                title: s.title,
                description: s.description,
                evidence_expected: s.evidence_expected,
            })
            .collect();
        super::set_standards(state, rc, year, drafts)
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// The business office asks agencies for their assessment for `year` by `dueOn`; last
    /// year's answers carry forward.
    async fn open_section11_year(
        &self,
        ctx: &Context<'_>,
        year: i32,
        agency_ids: Vec<ID>,
        due_on: NaiveDate,
    ) -> async_graphql::Result<Section11Year> {
        let (state, rc) = parts(ctx)?;
        let ids = agency_ids.into_iter().map(|i| i.0).collect();
        super::open_year(state, rc, year, ids, due_on)
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// The agency's lead (or the office) saves the answer to one standard.
    async fn save_section11_answer(
        &self,
        ctx: &Context<'_>,
        assessment_id: ID,
        standard_id: ID,
        version: i32,
        answer: Section11AnswerInput,
    ) -> async_graphql::Result<Section11Assessment> {
        let (state, rc) = parts(ctx)?;
        let draft = AnswerDraft {
            rating: answer.rating,
            evidence: answer.evidence,
            to_green: answer.to_green,
            links: answer
                .links
                .into_iter()
                .map(|l| EvidenceLink {
                    url: l.url,
                    label: l.label,
                })
                .collect(),
        };
        super::save_answer(state, rc, &assessment_id, &standard_id, version, draft)
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// The agency's lead (or the office) plans an action against one standard while the
    /// assessment is being written or has come back. It joins the action plan, owned by
    /// the agency, with its source "Section 11 <year>".
    async fn plan_section11_action(
        &self,
        ctx: &Context<'_>,
        assessment_id: ID,
        standard_id: ID,
        input: Section11ActionInput,
    ) -> async_graphql::Result<Action> {
        let (state, rc) = parts(ctx)?;
        let draft = PlanDraft {
            title: input.title,
            target_on: input.target_date,
            owner_person_id: input.owner_person_id.map(|id| id.0),
            impact_audit: input.impact_audit,
        };
        super::actions::plan_action(state, rc, &assessment_id, &standard_id, draft)
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// The agency's lead submits the assessment: every standard rated with evidence.
    async fn submit_section11_assessment(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
    ) -> async_graphql::Result<Section11Assessment> {
        let (state, rc) = parts(ctx)?;
        super::submit(state, rc, &id, version)
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// The business office asks a challenge question about the agency's answer to one
    /// standard while it scrutinises the submitted assessment (it goes to the agency when
    /// the assessment is returned).
    async fn ask_section11_challenge(
        &self,
        ctx: &Context<'_>,
        assessment_id: ID,
        version: i32,
        standard_id: ID,
        question: String,
    ) -> async_graphql::Result<Section11Assessment> {
        let (state, rc) = parts(ctx)?;
        super::ask_challenge(state, rc, &assessment_id, version, &standard_id, &question)
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// The business office withdraws a challenge question it asked in this scrutiny.
    async fn withdraw_section11_challenge(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
    ) -> async_graphql::Result<Section11Assessment> {
        let (state, rc) = parts(ctx)?;
        super::withdraw_challenge(state, rc, &id, version)
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// The agency's lead responds to a challenge question while the assessment is with the
    /// agency; every challenge needs a response before it is submitted again.
    async fn respond_to_section11_challenge(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        response: String,
    ) -> async_graphql::Result<Section11Assessment> {
        let (state, rc) = parts(ctx)?;
        super::respond_to_challenge(state, rc, &id, version, &response)
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// The business office accepts a submitted assessment, or returns it with a comment or
    /// its challenge questions.
    async fn decide_section11_assessment(
        &self,
        ctx: &Context<'_>,
        id: ID,
        accept: bool,
        comment: Option<String>,
    ) -> async_graphql::Result<Section11Assessment> {
        let (state, rc) = parts(ctx)?;
        super::decide(
            state,
            rc,
            &id,
            accept,
            comment.as_deref().unwrap_or_default(),
        )
        .await
        .map(Into::into)
        .gql(rc)
    }
}
