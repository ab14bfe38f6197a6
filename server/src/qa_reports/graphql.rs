//! Agencies' single-agency audits and QA impact reports through GraphQL: thin resolvers over
//! the service.

use super::{ReportView, YearView};
use crate::agencies::graphql::Agency;
use crate::entities::{qa_report_answer, qa_report_section, single_agency_audit};
use crate::graphql::{parts, IntoGql};
use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use shared::qa_reports::{AuditDraft, ReportStatus, SectionDraft};

/// An audit an agency made of its own practice.
#[derive(SimpleObject, Clone)]
pub struct SingleAgencyAudit {
    pub id: ID,
    pub agency_id: ID,
    pub topic: String,
    /// The standard, policy or procedure audited against.
    pub standard: String,
    /// The cases or files looked at.
    pub sample_size: i32,
    pub audited_on: NaiveDate,
    pub findings: String,
    /// What changed as a result (empty until known).
    pub what_changed: String,
    /// Send it back with a change; CONFLICT if it moved on.
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

impl From<single_agency_audit::Model> for SingleAgencyAudit {
    fn from(a: single_agency_audit::Model) -> Self {
        Self {
            id: ID(a.id),
            agency_id: ID(a.agency_id),
            topic: a.topic,
            standard: a.standard,
            sample_size: a.sample_size,
            audited_on: a.audited_on,
            findings: a.findings,
            what_changed: a.what_changed,
            version: a.version,
            updated_at: a.updated_at,
        }
    }
}

#[derive(InputObject)]
pub struct SingleAgencyAuditInput {
    pub topic: String,
    #[graphql(default)]
    pub standard: String,
    pub sample_size: i32,
    pub audited_on: NaiveDate,
    pub findings: String,
    #[graphql(default)]
    pub what_changed: String,
}

impl From<SingleAgencyAuditInput> for AuditDraft {
    fn from(i: SingleAgencyAuditInput) -> Self {
        Self {
            topic: i.topic,
            standard: i.standard,
            sample_size: i.sample_size,
            audited_on: i.audited_on,
            findings: i.findings,
            what_changed: i.what_changed,
        }
    }
}

/// One section of a year's QA impact report template.
#[derive(SimpleObject, Clone)]
pub struct QaReportSection {
    pub id: ID,
    pub position: i32,
    pub title: String,
    /// What agencies are asked to write under it.
    pub guidance: String,
}

impl From<qa_report_section::Model> for QaReportSection {
    fn from(s: qa_report_section::Model) -> Self {
        Self {
            id: ID(s.id),
            position: s.position,
            title: s.title,
            guidance: s.guidance,
        }
    }
}

/// What an agency wrote under one section.
#[derive(SimpleObject, Clone)]
pub struct QaReportAnswer {
    pub section_id: ID,
    pub text: String,
    pub updated_at: DateTime<Utc>,
}

impl From<qa_report_answer::Model> for QaReportAnswer {
    fn from(a: qa_report_answer::Model) -> Self {
        Self {
            section_id: ID(a.section_id),
            text: a.text,
            updated_at: a.updated_at,
        }
    }
}

/// One agency's QA impact report for a year. Its stages are a Section 11 assessment's.
#[derive(SimpleObject, Clone)]
pub struct QaReport {
    pub id: ID,
    pub year: i32,
    pub agency: Agency,
    pub status: ReportStatus,
    pub status_label: String,
    pub due_on: NaiveDate,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The office's comments when it returned the report.
    pub office_comment: Option<String>,
    /// Send it back with each change; CONFLICT if it moved on.
    pub version: i32,
    /// The year's sections, in order.
    pub sections: Vec<QaReportSection>,
    pub answers: Vec<QaReportAnswer>,
    /// The agency's single-agency audits of the year, newest first.
    pub audits: Vec<SingleAgencyAudit>,
}

impl From<ReportView> for QaReport {
    fn from(v: ReportView) -> Self {
        Self {
            id: ID(v.row.id),
            year: v.row.year,
            agency: v.agency.into(),
            status: v.status,
            status_label: v.status.label().to_owned(),
            due_on: v.row.due_on,
            submitted_at: v.row.submitted_at,
            decided_at: v.row.decided_at,
            office_comment: v.row.office_comment,
            version: v.row.version,
            sections: v.sections.into_iter().map(Into::into).collect(),
            answers: v.answers.into_iter().map(Into::into).collect(),
            audits: v.audits.into_iter().map(Into::into).collect(),
        }
    }
}

/// A year's template and the reports the caller may read (the office and the chair: every
/// agency's; agency staff: their own agency's).
#[derive(SimpleObject, Clone)]
pub struct QaReportYear {
    pub year: i32,
    pub sections: Vec<QaReportSection>,
    pub reports: Vec<QaReport>,
}

impl From<YearView> for QaReportYear {
    fn from(v: YearView) -> Self {
        Self {
            year: v.year,
            sections: v.sections.into_iter().map(Into::into).collect(),
            reports: v.reports.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(InputObject)]
pub struct QaReportSectionInput {
    pub title: String,
    #[graphql(default)]
    pub guidance: String,
}

#[derive(Default)]
pub struct QaReportsQuery;

#[Object]
impl QaReportsQuery {
    /// An agency's single-agency audits, newest first (the office and the chair read every
    /// agency's; agency staff their own; another is NOT_FOUND).
    async fn single_agency_audits(
        &self,
        ctx: &Context<'_>,
        agency_id: ID,
    ) -> async_graphql::Result<Vec<SingleAgencyAudit>> {
        let (state, rc) = parts(ctx)?;
        super::audits(state, rc, &agency_id)
            .await
            .map(|v| v.into_iter().map(Into::into).collect())
            .gql(rc)
    }

    /// The years that have a QA impact report template, newest first.
    async fn qa_report_years(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<i32>> {
        let (state, rc) = parts(ctx)?;
        super::years(&state.db).await.gql(rc)
    }

    /// A year's sections and the reports the caller may read.
    async fn qa_report_year(
        &self,
        ctx: &Context<'_>,
        year: i32,
    ) -> async_graphql::Result<QaReportYear> {
        let (state, rc) = parts(ctx)?;
        super::year(state, rc, year).await.map(Into::into).gql(rc)
    }

    /// One report; one the caller may not read is NOT_FOUND.
    async fn qa_report(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<QaReport> {
        let (state, rc) = parts(ctx)?;
        super::report(state, rc, &id).await.map(Into::into).gql(rc)
    }
}

#[derive(Default)]
pub struct QaReportsMutation;

#[Object]
impl QaReportsMutation {
    /// The agency's lead (or the office) records a single-agency audit.
    async fn record_single_agency_audit(
        &self,
        ctx: &Context<'_>,
        agency_id: ID,
        input: SingleAgencyAuditInput,
    ) -> async_graphql::Result<SingleAgencyAudit> {
        let (state, rc) = parts(ctx)?;
        super::record_audit(state, rc, &agency_id, input.into())
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// Changes a single-agency audit still at `version`.
    async fn update_single_agency_audit(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        input: SingleAgencyAuditInput,
    ) -> async_graphql::Result<SingleAgencyAudit> {
        let (state, rc) = parts(ctx)?;
        super::update_audit(state, rc, &id, version, input.into())
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// Deletes a single-agency audit recorded in error, still at `version`.
    async fn delete_single_agency_audit(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
    ) -> async_graphql::Result<bool> {
        let (state, rc) = parts(ctx)?;
        super::delete_audit(state, rc, &id, version)
            .await
            .map(|()| true)
            .gql(rc)
    }

    /// The business office sets a year's sections (replacing them) until agencies are
    /// asked for the year.
    async fn set_qa_report_sections(
        &self,
        ctx: &Context<'_>,
        year: i32,
        sections: Vec<QaReportSectionInput>,
    ) -> async_graphql::Result<QaReportYear> {
        let (state, rc) = parts(ctx)?;
        let drafts = sections
            .into_iter()
            .map(|s| SectionDraft {
                title: s.title,
                guidance: s.guidance,
            })
            .collect();
        super::set_sections(state, rc, year, drafts)
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// The business office asks agencies for their QA impact report for `year` by `dueOn`
    /// (a year without sections starts from the default template).
    async fn ask_for_qa_reports(
        &self,
        ctx: &Context<'_>,
        year: i32,
        agency_ids: Vec<ID>,
        due_on: NaiveDate,
    ) -> async_graphql::Result<QaReportYear> {
        let (state, rc) = parts(ctx)?;
        let ids = agency_ids.into_iter().map(|i| i.0).collect();
        super::open_year(state, rc, year, ids, due_on)
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// The agency's lead (or the office) saves what it wrote under one section.
    async fn save_qa_report_answer(
        &self,
        ctx: &Context<'_>,
        report_id: ID,
        section_id: ID,
        version: i32,
        text: String,
    ) -> async_graphql::Result<QaReport> {
        let (state, rc) = parts(ctx)?;
        super::save_answer(state, rc, &report_id, &section_id, version, &text)
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// The agency's lead submits the report: every section written.
    async fn submit_qa_report(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
    ) -> async_graphql::Result<QaReport> {
        let (state, rc) = parts(ctx)?;
        super::submit(state, rc, &id, version)
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// The business office accepts a submitted report, or returns it with comments.
    async fn decide_qa_report(
        &self,
        ctx: &Context<'_>,
        id: ID,
        accept: bool,
        comment: Option<String>,
    ) -> async_graphql::Result<QaReport> {
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
