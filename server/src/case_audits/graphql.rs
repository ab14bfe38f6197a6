//! Multi-agency case audits through GraphQL: thin resolvers over the service.

use super::{
    AuditView, Auditor, Comparison, Heatmap, ReAudit as ReAuditView, ThemeHeatmap, ThemeView, Tool,
};
use crate::agencies::graphql::Agency;
use crate::chronology::graphql::ExportFile;
use crate::entities::{case_audit_case, case_audit_grade, case_audit_meeting, review};
use crate::graphql::{parts, stored_field, IntoGql};
use async_graphql::{ComplexObject, Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use shared::actions::ActionStatus;
use shared::case_audits::{
    AuditStage, CaseDraft, Cell, GradeTone, MeetingDraft, Movement, ThemeDraft,
};

/// An audit run on a theme, as a link to its review.
#[derive(SimpleObject, Clone)]
pub struct AuditLink {
    pub review_id: ID,
    pub reference: String,
    pub subject: String,
}

impl From<&review::Model> for AuditLink {
    fn from(r: &review::Model) -> Self {
        Self {
            review_id: ID(r.id.clone()),
            reference: r.reference.clone(),
            subject: r.subject.clone(),
        }
    }
}

/// The earlier theme a theme re-audits.
#[derive(SimpleObject, Clone)]
pub struct RevisitedTheme {
    pub id: ID,
    pub year: i32,
    pub name: String,
}

/// A theme of a year's programme of multi-agency case audits.
#[derive(SimpleObject, Clone)]
pub struct AuditTheme {
    pub id: ID,
    pub year: i32,
    pub name: String,
    pub terms_of_reference: String,
    /// The question the audit must answer.
    pub question: String,
    /// When the audit is planned.
    pub planned_for: Option<NaiveDate>,
    /// The earlier theme this one re-audits.
    pub revisits: Option<RevisitedTheme>,
    /// The audits run on it that you may see.
    pub audits: Vec<AuditLink>,
    /// The performance indicator whose hot spot proposed it, while the indicator exists.
    pub source_indicator: Option<ThemeSourceIndicator>,
    /// Send it back with a change; CONFLICT if it moved on.
    pub version: i32,
}

/// The performance indicator a theme was proposed from.
#[derive(SimpleObject, Clone)]
pub struct ThemeSourceIndicator {
    pub id: ID,
    pub name: String,
}

impl From<ThemeView> for AuditTheme {
    fn from(v: ThemeView) -> Self {
        Self {
            id: ID(v.row.id),
            year: v.row.year,
            name: v.row.name,
            terms_of_reference: v.row.terms_of_reference,
            question: v.row.question,
            planned_for: v.row.planned_for,
            revisits: v.revisits.map(|t| RevisitedTheme {
                id: ID(t.id),
                year: t.year,
                name: t.name,
            }),
            audits: v.audits.iter().map(Into::into).collect(),
            source_indicator: v.source_indicator.map(|i| ThemeSourceIndicator {
                id: ID(i.id),
                name: i.name,
            }),
            version: v.row.version,
        }
    }
}

#[derive(InputObject)]
pub struct AuditThemeInput {
    pub year: i32,
    pub name: String,
    #[graphql(default)]
    pub terms_of_reference: String,
    pub question: String,
    pub planned_for: Option<NaiveDate>,
    /// The theme of an earlier year this one re-audits.
    pub revisits_id: Option<ID>,
}

impl From<AuditThemeInput> for ThemeDraft {
    fn from(i: AuditThemeInput) -> Self {
        Self {
            year: i.year,
            name: i.name,
            terms_of_reference: i.terms_of_reference,
            question: i.question,
            planned_for: i.planned_for,
            revisits_id: i.revisits_id.map(|id| id.0),
        }
    }
}

/// A person of the audit pool.
#[derive(SimpleObject, Clone)]
pub struct AuditPoolMember {
    pub user_id: ID,
    pub name: String,
    pub agency: Option<Agency>,
    /// The audits they were chosen for.
    pub audits_done: i32,
}

impl From<Auditor> for AuditPoolMember {
    fn from(a: Auditor) -> Self {
        Self {
            user_id: ID(a.person.id),
            name: a.person.display_name,
            agency: a.agency.map(Into::into),
            audits_done: i32::try_from(a.audits_done).unwrap_or(i32::MAX),
        }
    }
}

/// A question of the audit tool.
#[derive(SimpleObject, Clone)]
pub struct AuditQuestion {
    pub id: ID,
    pub text: String,
}

/// The questions of one stage.
#[derive(SimpleObject, Clone)]
pub struct AuditToolStage {
    pub stage: AuditStage,
    pub label: String,
    pub questions: Vec<AuditQuestion>,
}

/// A grade of the scale.
#[derive(SimpleObject, Clone)]
pub struct AuditGrade {
    pub code: String,
    pub label: String,
    /// What it says about practice (the heatmap's colour).
    pub tone: GradeTone,
}

/// The audit tool: questions by stage, and the scale they are graded on.
#[derive(SimpleObject, Clone)]
pub struct AuditTool {
    pub stages: Vec<AuditToolStage>,
    pub grades: Vec<AuditGrade>,
}

impl From<Tool> for AuditTool {
    fn from(t: Tool) -> Self {
        let mut stages: Vec<AuditToolStage> = Vec::new();
        for (stage, q) in t.questions {
            let question = AuditQuestion {
                id: ID(q.id),
                text: q.text,
            };
            match stages.last_mut() {
                Some(last) if last.stage == stage => last.questions.push(question),
                _ => stages.push(AuditToolStage {
                    stage,
                    label: stage.label().to_owned(),
                    questions: vec![question],
                }),
            }
        }
        Self {
            stages,
            grades: t
                .grades
                .into_iter()
                .map(|(tone, g)| AuditGrade {
                    code: g.code,
                    label: g.label,
                    tone,
                })
                .collect(),
        }
    }
}

/// A case of an audit's sample (pseudonymised).
#[derive(SimpleObject, Clone)]
pub struct AuditCase {
    pub id: ID,
    pub label: String,
    pub why_chosen: String,
    /// The agencies involved (they grade it).
    pub agency_ids: Vec<ID>,
    pub version: i32,
}

impl From<case_audit_case::Model> for AuditCase {
    fn from(c: case_audit_case::Model) -> Self {
        Self {
            agency_ids: super::case_agencies(&c).into_iter().map(ID).collect(),
            id: ID(c.id),
            label: c.label,
            why_chosen: c.why_chosen,
            version: c.version,
        }
    }
}

#[derive(InputObject)]
pub struct AuditCaseInput {
    /// Pseudonymised: "Case 3: Child D, aged 4".
    pub label: String,
    pub why_chosen: String,
    pub agency_ids: Vec<ID>,
}

impl From<AuditCaseInput> for CaseDraft {
    fn from(i: AuditCaseInput) -> Self {
        Self {
            label: i.label,
            why_chosen: i.why_chosen,
            agency_ids: i.agency_ids.into_iter().map(|id| id.0).collect(),
        }
    }
}

/// The grade an agency gave one question for one case.
#[derive(SimpleObject, Clone)]
pub struct AuditCaseGrade {
    pub case_id: ID,
    pub agency_id: ID,
    pub question_id: ID,
    /// The grade's code on the scale.
    pub grade: String,
    pub evidence: String,
    pub updated_at: DateTime<Utc>,
}

impl From<case_audit_grade::Model> for AuditCaseGrade {
    fn from(g: case_audit_grade::Model) -> Self {
        Self {
            case_id: ID(g.case_id),
            agency_id: ID(g.agency_id),
            question_id: ID(g.question_id),
            grade: g.grade_code,
            evidence: g.evidence,
            updated_at: g.updated_at,
        }
    }
}

/// How many cases got one grade.
#[derive(SimpleObject, Clone)]
pub struct GradeCount {
    pub grade: String,
    pub count: i32,
}

/// The grades one agency gave one question across the cases.
#[derive(SimpleObject, Clone)]
pub struct AuditCell {
    pub counts: Vec<GradeCount>,
    /// The mean score of the graded cases (good 2, requires improvement 1, inadequate 0).
    pub mean: Option<f64>,
    /// The tone the mean rounds to; none when every case was not applicable.
    pub tone: Option<GradeTone>,
    /// Cases graded, not applicable included.
    pub cases: i32,
}

impl From<Cell> for AuditCell {
    fn from(c: Cell) -> Self {
        Self {
            counts: c
                .counts
                .into_iter()
                .map(|(grade, count)| GradeCount {
                    grade,
                    count: i32::try_from(count).unwrap_or(i32::MAX),
                })
                .collect(),
            mean: c.mean,
            tone: c.tone,
            cases: i32::try_from(c.cases).unwrap_or(i32::MAX),
        }
    }
}

/// One question and agency of the heatmap.
#[derive(SimpleObject, Clone)]
pub struct AuditHeatmapCell {
    pub question_id: ID,
    pub agency_id: ID,
    pub cell: AuditCell,
}

/// An audit's grades by question × agency, from the returns submitted.
#[derive(SimpleObject, Clone)]
pub struct AuditHeatmap {
    pub agencies: Vec<Agency>,
    /// The agencies whose return is submitted: only their grades are counted.
    pub submitted_agency_ids: Vec<ID>,
    pub cells: Vec<AuditHeatmapCell>,
}

impl From<Heatmap> for AuditHeatmap {
    fn from(h: Heatmap) -> Self {
        Self {
            agencies: h.agencies.into_iter().map(Into::into).collect(),
            submitted_agency_ids: h.submitted.into_iter().map(ID).collect(),
            cells: h
                .cells
                .into_iter()
                .map(|((q, a), cell)| AuditHeatmapCell {
                    question_id: ID(q),
                    agency_id: ID(a),
                    cell: cell.into(),
                })
                .collect(),
        }
    }
}

/// One question of one audit across a theme's audits.
#[derive(SimpleObject, Clone)]
pub struct ThemeHeatmapCell {
    pub question_id: ID,
    pub review_id: ID,
    pub cell: AuditCell,
}

/// An audit of a theme's chain, with its theme's year.
#[derive(SimpleObject, Clone)]
pub struct ThemeHeatmapAudit {
    pub audit: AuditLink,
    pub theme_name: String,
    pub year: i32,
}

/// Grades by question across the audits of a theme and of the themes it re-audits (every
/// agency's submitted grades together), oldest first.
#[derive(SimpleObject, Clone)]
pub struct AuditThemeHeatmap {
    pub audits: Vec<ThemeHeatmapAudit>,
    pub cells: Vec<ThemeHeatmapCell>,
}

impl From<ThemeHeatmap> for AuditThemeHeatmap {
    fn from(h: ThemeHeatmap) -> Self {
        Self {
            audits: h
                .audits
                .iter()
                .map(|(r, t)| ThemeHeatmapAudit {
                    audit: r.into(),
                    theme_name: t.name.clone(),
                    year: t.year,
                })
                .collect(),
            cells: h
                .cells
                .into_iter()
                .map(|((q, r), cell)| ThemeHeatmapCell {
                    question_id: ID(q),
                    review_id: ID(r),
                    cell: cell.into(),
                })
                .collect(),
        }
    }
}

/// One question and agency, in the earlier audit and now.
#[derive(SimpleObject, Clone)]
pub struct ReAuditRow {
    pub question_id: ID,
    pub agency_id: ID,
    pub then: Option<AuditCell>,
    pub now: Option<AuditCell>,
    pub movement: Movement,
}

impl From<Comparison> for ReAuditRow {
    fn from(c: Comparison) -> Self {
        Self {
            question_id: ID(c.question_id),
            agency_id: ID(c.agency_id),
            then: c.then.map(Into::into),
            now: c.now.map(Into::into),
            movement: c.movement,
        }
    }
}

/// An action of the earlier audit, as it stands now.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct ReAuditAction {
    pub id: ID,
    pub reference: String,
    pub title: String,
    pub owner_agency_id: ID,
    pub target_on: NaiveDate,
    #[graphql(skip)]
    pub status_code: String,
}

#[ComplexObject]
impl ReAuditAction {
    async fn status(&self, ctx: &Context<'_>) -> async_graphql::Result<ActionStatus> {
        stored_field(ctx, &self.status_code)
    }
}

/// An audit against the latest audit of the theme its theme re-audits.
#[derive(SimpleObject, Clone)]
pub struct ReAudit {
    pub earlier: AuditLink,
    pub earlier_theme: RevisitedTheme,
    pub rows: Vec<ReAuditRow>,
    pub actions: Vec<ReAuditAction>,
}

impl From<ReAuditView> for ReAudit {
    fn from(r: ReAuditView) -> Self {
        Self {
            earlier: (&r.earlier).into(),
            earlier_theme: RevisitedTheme {
                id: ID(r.earlier_theme.id),
                year: r.earlier_theme.year,
                name: r.earlier_theme.name,
            },
            rows: r.rows.into_iter().map(Into::into).collect(),
            actions: r
                .actions
                .into_iter()
                .map(|a| ReAuditAction {
                    id: ID(a.id),
                    reference: a.reference,
                    title: a.title,
                    owner_agency_id: ID(a.owner_agency_id),
                    target_on: a.target_on,
                    status_code: a.status,
                })
                .collect(),
        }
    }
}

/// The audit meeting and its report, in the framework's four parts.
#[derive(SimpleObject, Clone)]
pub struct AuditMeeting {
    pub held_on: Option<NaiveDate>,
    /// One attendee per line.
    pub attendees: String,
    pub summary_of_learning: String,
    /// Comments on any issues with the audit process.
    pub process_comments: String,
    /// Recommended actions for individual agencies.
    pub agency_actions: String,
    /// Proposed multi-agency action.
    pub multi_agency_action: String,
    /// Send it back with a change; CONFLICT if it moved on.
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

impl From<case_audit_meeting::Model> for AuditMeeting {
    fn from(m: case_audit_meeting::Model) -> Self {
        Self {
            held_on: m.held_on,
            attendees: m.attendees,
            summary_of_learning: m.summary_of_learning,
            process_comments: m.process_comments,
            agency_actions: m.agency_actions,
            multi_agency_action: m.multi_agency_action,
            version: m.version,
            updated_at: m.updated_at,
        }
    }
}

#[derive(InputObject)]
pub struct AuditMeetingInput {
    pub held_on: Option<NaiveDate>,
    #[graphql(default)]
    pub attendees: String,
    #[graphql(default)]
    pub summary_of_learning: String,
    #[graphql(default)]
    pub process_comments: String,
    #[graphql(default)]
    pub agency_actions: String,
    #[graphql(default)]
    pub multi_agency_action: String,
}

impl From<AuditMeetingInput> for MeetingDraft {
    fn from(i: AuditMeetingInput) -> Self {
        Self {
            held_on: i.held_on,
            attendees: i.attendees,
            summary_of_learning: i.summary_of_learning,
            process_comments: i.process_comments,
            agency_actions: i.agency_actions,
            multi_agency_action: i.multi_agency_action,
        }
    }
}

/// A review run as a case audit: its theme, auditors, sample and grades.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct CaseAudit {
    pub review_id: ID,
    pub reference: String,
    pub subject: String,
    /// Send it back when setting the theme and auditors (0 before the audit has a theme).
    pub version: i32,
    pub theme: Option<AuditTheme>,
    pub auditors: Vec<AuditPoolMember>,
    pub cases: Vec<AuditCase>,
    /// Every agency's grades for the office and lead reviewers; your own agency's for
    /// those who keep its return.
    pub grades: Vec<AuditCaseGrade>,
    /// The agency you grade for, when you keep its return.
    pub grading_agency_id: Option<ID>,
    /// Whether you may set the audit up (theme, auditors, sample, meeting report).
    pub can_set_up: bool,
    /// The audit meeting and its report, once recorded (its learning becomes learning
    /// points and actions of this review).
    pub meeting: Option<AuditMeeting>,
}

impl From<AuditView> for CaseAudit {
    fn from(v: AuditView) -> Self {
        Self {
            review_id: ID(v.review.id.clone()),
            reference: v.review.reference.clone(),
            subject: v.review.subject.clone(),
            version: v.link.as_ref().map_or(0, |l| l.version),
            theme: v.theme.map(Into::into),
            auditors: v.auditors.into_iter().map(Into::into).collect(),
            cases: v.cases.into_iter().map(Into::into).collect(),
            grades: v.grades.into_iter().map(Into::into).collect(),
            grading_agency_id: v.grading_agency.map(ID),
            can_set_up: v.collates,
            meeting: v.meeting.map(Into::into),
        }
    }
}

#[ComplexObject]
impl CaseAudit {
    /// Grades by question × agency of the submitted returns (the office and lead
    /// reviewers; null for others).
    async fn heatmap(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<AuditHeatmap>> {
        let (state, rc) = parts(ctx)?;
        super::heatmap(state, rc, &self.review_id)
            .await
            .map(|h| h.map(Into::into))
            .gql(rc)
    }

    /// This audit against the latest audit of the theme its theme re-audits (null when it
    /// re-audits nothing, or you may not read both audits' grades).
    async fn re_audit(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ReAudit>> {
        let (state, rc) = parts(ctx)?;
        super::re_audit(state, rc, &self.review_id)
            .await
            .map(|r| r.map(Into::into))
            .gql(rc)
    }
}

#[derive(Default)]
pub struct CaseAuditQuery;

#[Object]
impl CaseAuditQuery {
    /// The years whose audit programme has themes, newest first.
    async fn audit_programme_years(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<i32>> {
        let (state, rc) = parts(ctx)?;
        super::programme_years(state, rc).await.gql(rc)
    }

    /// A year's programme of multi-agency case audits: its themes by planned date.
    async fn audit_programme(
        &self,
        ctx: &Context<'_>,
        year: i32,
    ) -> async_graphql::Result<Vec<AuditTheme>> {
        let (state, rc) = parts(ctx)?;
        super::programme(state, rc, year)
            .await
            .map(|v| v.into_iter().map(Into::into).collect())
            .gql(rc)
    }

    /// The audit pool: the people of every agency who audit.
    async fn audit_pool(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AuditPoolMember>> {
        let (state, rc) = parts(ctx)?;
        super::pool(state, rc)
            .await
            .map(|v| v.into_iter().map(Into::into).collect())
            .gql(rc)
    }

    /// Grades by question across the audits of a theme and of the themes it re-audits: the
    /// audits whose every grade you read (the office, the chair, their lead reviewers).
    async fn audit_theme_heatmap(
        &self,
        ctx: &Context<'_>,
        theme_id: ID,
    ) -> async_graphql::Result<AuditThemeHeatmap> {
        let (state, rc) = parts(ctx)?;
        super::theme_heatmap(state, rc, &theme_id)
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// The audit tool: questions by stage and the scale they are graded on.
    async fn audit_tool(&self, ctx: &Context<'_>) -> async_graphql::Result<AuditTool> {
        let (state, rc) = parts(ctx)?;
        super::tool(&state.db).await.map(Into::into).gql(rc)
    }

    /// An audit's report as a Word document: theme, sample, grades by question and agency,
    /// the meeting report and the re-audit (the office, the chair, lead reviewers).
    async fn case_audit_report(
        &self,
        ctx: &Context<'_>,
        review_id: ID,
    ) -> async_graphql::Result<ExportFile> {
        let (state, rc) = parts(ctx)?;
        super::report(state, rc, &review_id)
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// Every grade of an audit as an XLSX workbook (the office, the chair, lead reviewers).
    async fn case_audit_export(
        &self,
        ctx: &Context<'_>,
        review_id: ID,
    ) -> async_graphql::Result<ExportFile> {
        let (state, rc) = parts(ctx)?;
        super::export(state, rc, &review_id)
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// A review of an audit kind as a case audit.
    async fn case_audit(
        &self,
        ctx: &Context<'_>,
        review_id: ID,
    ) -> async_graphql::Result<CaseAudit> {
        let (state, rc) = parts(ctx)?;
        super::audit(state, rc, &review_id)
            .await
            .map(Into::into)
            .gql(rc)
    }
}

#[derive(Default)]
pub struct CaseAuditMutation;

#[Object]
impl CaseAuditMutation {
    /// The business office adds a theme to a year's programme.
    async fn record_audit_theme(
        &self,
        ctx: &Context<'_>,
        input: AuditThemeInput,
    ) -> async_graphql::Result<AuditTheme> {
        let (state, rc) = parts(ctx)?;
        super::record_theme(state, rc, input.into())
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// The business office proposes a theme for `year`'s programme from a performance
    /// indicator that is a hot spot, in one step (named after it, with the question and
    /// terms of reference written from its chart; change them afterwards).
    async fn propose_audit_theme_from_indicator(
        &self,
        ctx: &Context<'_>,
        indicator_id: ID,
        year: i32,
    ) -> async_graphql::Result<AuditTheme> {
        let (state, rc) = parts(ctx)?;
        super::propose_theme_from_indicator(state, rc, &indicator_id, year)
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// The business office changes a theme still at `version`.
    async fn update_audit_theme(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        input: AuditThemeInput,
    ) -> async_graphql::Result<AuditTheme> {
        let (state, rc) = parts(ctx)?;
        super::update_theme(state, rc, &id, version, input.into())
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// The business office deletes a theme no audit is run on, still at `version`.
    async fn delete_audit_theme(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
    ) -> async_graphql::Result<bool> {
        let (state, rc) = parts(ctx)?;
        super::delete_theme(state, rc, &id, version)
            .await
            .map(|()| true)
            .gql(rc)
    }

    /// The business office adds a person (with an agency) to the audit pool.
    async fn add_to_audit_pool(
        &self,
        ctx: &Context<'_>,
        user_id: ID,
    ) -> async_graphql::Result<Vec<AuditPoolMember>> {
        let (state, rc) = parts(ctx)?;
        super::add_to_pool(state, rc, &user_id).await.gql(rc)?;
        super::pool(state, rc)
            .await
            .map(|v| v.into_iter().map(Into::into).collect())
            .gql(rc)
    }

    /// The business office takes a person out of the audit pool.
    async fn remove_from_audit_pool(
        &self,
        ctx: &Context<'_>,
        user_id: ID,
    ) -> async_graphql::Result<Vec<AuditPoolMember>> {
        let (state, rc) = parts(ctx)?;
        super::remove_from_pool(state, rc, &user_id).await.gql(rc)?;
        super::pool(state, rc)
            .await
            .map(|v| v.into_iter().map(Into::into).collect())
            .gql(rc)
    }

    /// The office or a lead reviewer gives an audit its theme and chooses its auditors
    /// from the pool (`version` 0 the first time).
    async fn set_case_audit(
        &self,
        ctx: &Context<'_>,
        review_id: ID,
        version: i32,
        theme_id: ID,
        auditor_ids: Vec<ID>,
    ) -> async_graphql::Result<CaseAudit> {
        let (state, rc) = parts(ctx)?;
        let ids = auditor_ids.into_iter().map(|i| i.0).collect();
        super::set_audit(state, rc, &review_id, version, &theme_id, ids)
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// The office or a lead reviewer adds a case to an audit's sample.
    async fn record_audit_case(
        &self,
        ctx: &Context<'_>,
        review_id: ID,
        input: AuditCaseInput,
    ) -> async_graphql::Result<AuditCase> {
        let (state, rc) = parts(ctx)?;
        super::record_case(state, rc, &review_id, input.into())
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// Changes a case still at `version` (an agency taken off it loses its grades of it).
    async fn update_audit_case(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        input: AuditCaseInput,
    ) -> async_graphql::Result<AuditCase> {
        let (state, rc) = parts(ctx)?;
        super::update_case(state, rc, &id, version, input.into())
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// Takes a case still at `version` out of the sample, with its grades.
    async fn delete_audit_case(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
    ) -> async_graphql::Result<bool> {
        let (state, rc) = parts(ctx)?;
        super::delete_case(state, rc, &id, version)
            .await
            .map(|()| true)
            .gql(rc)
    }

    /// The office or a lead reviewer records the audit meeting and its report (`version` 0
    /// the first time).
    async fn save_audit_meeting(
        &self,
        ctx: &Context<'_>,
        review_id: ID,
        version: i32,
        input: AuditMeetingInput,
    ) -> async_graphql::Result<CaseAudit> {
        let (state, rc) = parts(ctx)?;
        super::save_meeting(state, rc, &review_id, version, input.into())
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// Grades one question of one case for your agency (null `grade` clears it), while
    /// your agency's return for the audit is a draft or reopened.
    async fn save_audit_grade(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
        question_id: ID,
        grade: Option<String>,
        #[graphql(default)] evidence: String,
    ) -> async_graphql::Result<Option<AuditCaseGrade>> {
        let (state, rc) = parts(ctx)?;
        super::save_grade(
            state,
            rc,
            &case_id,
            &question_id,
            grade.as_deref(),
            &evidence,
        )
        .await
        .map(|g| g.map(Into::into))
        .gql(rc)
    }
}
