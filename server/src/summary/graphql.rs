//! GraphQL surface of learning summaries: thin, decoding input and calling the service.

use super::public::{self, PublishedView};
use super::service::{self, CommentView, ExportKind, FieldView, StateChangeView, SummaryView};
use crate::chronology::graphql::ExportFile;
use crate::error::AppError;
use crate::graphql::{parts, stored_field, IntoGql};
use async_graphql::{ComplexObject, Context, Enum, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use shared::summary::diff::DiffTag;
use shared::summary::{IdentifierKind, SummaryField, SummaryState, SummaryStep};
use std::collections::HashMap;

/// A review's learning summary (the framework's Appendix 1): its fields, where it stands,
/// and what stands between it and publication.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct LearningSummary {
    pub id: ID,
    pub review_id: ID,
    pub review_reference: String,
    pub state: SummaryState,
    pub state_label: String,
    /// Goes up with every saved field and every move.
    pub version: i32,
    #[graphql(skip)]
    fields: Vec<SummaryFieldValue>,
    /// Every move, oldest first.
    pub state_changes: Vec<SummaryStateChange>,
    /// The states the caller may move the summary to now (PUBLISHED: with
    /// publishLearningSummary).
    pub available_moves: Vec<SummaryState>,
    pub published_at: Option<DateTime<Utc>>,
    /// The last day it stays on the public pages.
    pub available_until: Option<NaiveDate>,
    /// The final report's file name (see uploadFinalReport), checked by the publication
    /// gate too.
    pub report_file_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[graphql(skip)]
    view: SummaryView,
}

impl From<SummaryView> for LearningSummary {
    fn from(v: SummaryView) -> Self {
        let state = v.state();
        let s = v.summary.clone();
        Self {
            id: ID(s.id),
            review_id: ID(s.review_id),
            review_reference: v.review_reference.clone(),
            state,
            state_label: state.label().to_owned(),
            version: s.version,
            fields: v
                .fields
                .iter()
                .cloned()
                .map(SummaryFieldValue::from)
                .collect(),
            state_changes: v
                .state_changes
                .iter()
                .cloned()
                .map(SummaryStateChange::from)
                .collect(),
            available_moves: v.available_moves.clone(),
            published_at: s.published_at,
            available_until: s.available_until,
            report_file_name: s.report_file_name,
            created_at: s.created_at,
            updated_at: s.updated_at,
            view: v,
        }
    }
}

#[ComplexObject]
impl LearningSummary {
    /// Every field of the template, in its order. Their comments and versions, when asked
    /// for, are read once for the whole summary (not once per field).
    async fn fields(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SummaryFieldValue>> {
        let (state, rc) = parts(ctx)?;
        let wanted = ctx.look_ahead();
        let id = &self.view.summary.id;
        let mut comments = match wanted.field("comments").exists() {
            true => Some(by_field(
                service::comments(&state.db, id, None).await.gql(rc)?,
                |c| &c.row.field,
            )),
            false => None,
        };
        let mut history = match wanted.field("history").exists() {
            true => Some(by_field(
                service::history(&state.db, id, None).await.gql(rc)?,
                |v| &v.row.field,
            )),
            false => None,
        };
        Ok(self
            .fields
            .iter()
            .cloned()
            .map(|mut f| {
                let code = f.field.code();
                f.comments_read = comments
                    .as_mut()
                    .map(|m| m.remove(code).unwrap_or_default());
                f.history_read = history.as_mut().map(|m| m.remove(code).unwrap_or_default());
                f
            })
            .collect())
    }

    /// Comments not yet answered by a change: those made since their field was last
    /// saved. Approving asks first while there are any.
    async fn open_comment_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        let (state, rc) = parts(ctx)?;
        let n = service::open_comment_count(&state.db, &self.view.summary.id, &self.view.fields)
            .await
            .gql(rc)?;
        Ok(i32::try_from(n).unwrap_or(i32::MAX))
    }

    /// What the publication gate finds now: names from the review's glossary, dates of
    /// birth, NHS numbers, postcodes and phone numbers, in every field, the final report's
    /// file name and its text. Publishing is refused until this is empty.
    async fn publication_check(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<IdentifierHit>> {
        let (state, rc) = parts(ctx)?;
        let hits = service::publication_check(&state.db, &self.view.summary, &self.view.fields)
            .await
            .gql(rc)?;
        Ok(hits.into_iter().map(IdentifierHit::from).collect())
    }
}

/// One field of a learning summary as it stands.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct SummaryFieldValue {
    pub field: SummaryField,
    /// The template's label, e.g. "Month/year of incident".
    pub label: String,
    /// The field's name in VALIDATION problems and publication hits, e.g. "incidentMonth".
    pub key: String,
    /// Markdown; empty when blank.
    pub text: String,
    /// 0 until first saved; send it back as `expectedVersion`.
    pub version: i32,
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by_name: Option<String>,
    #[graphql(skip)]
    summary_id: String,
    /// The field's comments and versions when the summary read them for every field.
    #[graphql(skip)]
    comments_read: Option<Vec<service::CommentView>>,
    #[graphql(skip)]
    history_read: Option<Vec<service::VersionView>>,
}

/// Rows of every field, grouped by the field's code (keeping their order).
fn by_field<T>(rows: Vec<T>, field: impl Fn(&T) -> &String) -> HashMap<String, Vec<T>> {
    let mut grouped: HashMap<String, Vec<T>> = HashMap::new();
    for row in rows {
        grouped.entry(field(&row).clone()).or_default().push(row);
    }
    grouped
}

impl From<FieldView> for SummaryFieldValue {
    fn from(f: FieldView) -> Self {
        Self {
            field: f.field,
            label: f.field.label().to_owned(),
            key: f.field.key().to_owned(),
            text: f.text,
            version: f.version,
            updated_at: f.updated_at,
            updated_by_name: f.updated_by_name,
            summary_id: f.summary_id,
            comments_read: None,
            history_read: None,
        }
    }
}

#[ComplexObject]
impl SummaryFieldValue {
    /// The text as safe HTML (see previewMarkdown).
    async fn html(&self) -> String {
        super::markdown_html::to_html(&self.text)
    }

    /// Comments on the field, oldest first.
    async fn comments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SummaryComment>> {
        let list = match &self.comments_read {
            Some(read) => read.clone(),
            None => {
                let (state, rc) = parts(ctx)?;
                service::comments(&state.db, &self.summary_id, Some(self.field))
                    .await
                    .gql(rc)?
            }
        };
        Ok(list.into_iter().map(SummaryComment::from).collect())
    }

    /// Every saved version, newest first.
    async fn history(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SummaryFieldVersion>> {
        let list = match &self.history_read {
            Some(read) => read.clone(),
            None => {
                let (state, rc) = parts(ctx)?;
                service::history(&state.db, &self.summary_id, Some(self.field))
                    .await
                    .gql(rc)?
            }
        };
        Ok(list
            .into_iter()
            .map(|v| SummaryFieldVersion {
                version: v.row.version,
                text: v.row.text,
                author_name: v.author_name,
                at: v.row.at,
            })
            .collect())
    }
}

/// A comment on one field of a learning summary.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct SummaryComment {
    pub id: ID,
    /// The stored field, read through `field`.
    #[graphql(skip)]
    pub field_code: String,
    pub author_name: String,
    pub text: String,
    pub at: DateTime<Utc>,
}

impl From<CommentView> for SummaryComment {
    fn from(c: CommentView) -> Self {
        Self {
            id: ID(c.row.id.to_string()),
            field_code: c.row.field,
            author_name: c.author_name,
            text: c.row.text,
            at: c.row.at,
        }
    }
}

#[ComplexObject]
impl SummaryComment {
    async fn field(&self, ctx: &Context<'_>) -> async_graphql::Result<SummaryField> {
        stored_field(ctx, &self.field_code)
    }
}

/// One saved version of a field.
#[derive(SimpleObject, Clone)]
pub struct SummaryFieldVersion {
    pub version: i32,
    pub text: String,
    pub author_name: String,
    pub at: DateTime<Utc>,
}

/// One move of a learning summary from a state to another.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct SummaryStateChange {
    /// The stored states and step, read through their fields.
    #[graphql(skip)]
    pub from_code: String,
    #[graphql(skip)]
    pub to_code: String,
    #[graphql(skip)]
    pub step_code: String,
    pub by_name: String,
    pub at: DateTime<Utc>,
    /// Why it went back to draft (or what was said with another move).
    pub reason: Option<String>,
}

impl From<StateChangeView> for SummaryStateChange {
    fn from(c: StateChangeView) -> Self {
        Self {
            from_code: c.row.from_state,
            to_code: c.row.to_state,
            step_code: c.row.step,
            by_name: c.by_name,
            at: c.row.at,
            reason: c.row.reason,
        }
    }
}

#[ComplexObject]
impl SummaryStateChange {
    #[graphql(name = "fromState")]
    async fn state_before(&self, ctx: &Context<'_>) -> async_graphql::Result<SummaryState> {
        stored_field(ctx, &self.from_code)
    }

    async fn to_state(&self, ctx: &Context<'_>) -> async_graphql::Result<SummaryState> {
        stored_field(ctx, &self.to_code)
    }

    async fn step(&self, ctx: &Context<'_>) -> async_graphql::Result<SummaryStep> {
        stored_field(ctx, &self.step_code)
    }

    /// e.g. "Returned to draft".
    async fn step_label(&self, ctx: &Context<'_>) -> async_graphql::Result<&'static str> {
        stored_field::<SummaryStep>(ctx, &self.step_code).map(SummaryStep::label)
    }
}

/// Something the publication gate found that could identify the child or family.
#[derive(SimpleObject, Clone)]
pub struct IdentifierHit {
    pub kind: IdentifierKind,
    pub kind_label: String,
    /// The field's key (e.g. "caseLearning"), or "reportFileName" or "reportText".
    pub field: String,
    /// The text found, as written.
    pub matched: String,
    /// The text around it, to show where it is.
    pub excerpt: String,
    /// For a name in the review's glossary, the words to write instead.
    pub replacement: Option<String>,
}

impl From<service::PublicationHit> for IdentifierHit {
    fn from(h: service::PublicationHit) -> Self {
        Self {
            kind: h.kind,
            kind_label: h.kind.label().to_owned(),
            field: h.field,
            matched: h.matched,
            excerpt: h.excerpt,
            replacement: h.replacement,
        }
    }
}

/// One line of a comparison between two versions of a field.
#[derive(SimpleObject, Clone)]
pub struct DiffLine {
    pub tag: DiffTag,
    pub text: String,
    /// Its number in the older version; null for an added line.
    pub old_line: Option<i32>,
    /// Its number in the newer version; null for a removed line.
    pub new_line: Option<i32>,
}

fn line_number(n: Option<usize>) -> Option<i32> {
    n.map(|n| i32::try_from(n).unwrap_or(i32::MAX))
}

impl From<shared::summary::diff::DiffLine> for DiffLine {
    fn from(l: shared::summary::diff::DiffLine) -> Self {
        Self {
            tag: l.tag,
            text: l.text,
            old_line: line_number(l.old_line),
            new_line: line_number(l.new_line),
        }
    }
}

/// Which file to make of a learning summary.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum SummaryExportFormat {
    /// The Appendix 1 document (Word).
    Docx,
    /// The practitioner learning workshop slides (PowerPoint).
    Pptx,
}

/// The review's learning summary for `Review.learningSummary`: null when it was not started,
/// or when the caller does not read it.
pub async fn learning_summary_of(
    ctx: &Context<'_>,
    review_id: &str,
) -> async_graphql::Result<Option<LearningSummary>> {
    let (state, rc) = parts(ctx)?;
    match service::for_review(state, rc, review_id).await {
        Ok(found) => Ok(found.map(LearningSummary::from)),
        Err(AppError::Forbidden) => Ok(None),
        Err(e) => Err(e.into_graphql(&rc.correlation_id)),
    }
}

#[derive(Default)]
pub struct SummaryQuery;

#[Object]
impl SummaryQuery {
    /// The review's learning summary; null until it is started. For the business office,
    /// the chair, the review's lead reviewers and its members with an agency role; a review
    /// the caller may not see is NOT_FOUND.
    async fn learning_summary(
        &self,
        ctx: &Context<'_>,
        review_id: ID,
    ) -> async_graphql::Result<Option<LearningSummary>> {
        let (state, rc) = parts(ctx)?;
        service::for_review(state, rc, &review_id)
            .await
            .map(|v| v.map(LearningSummary::from))
            .gql(rc)
    }

    /// Two versions of a field compared line by line (version 0: the blank field before
    /// its first save).
    async fn summary_field_diff(
        &self,
        ctx: &Context<'_>,
        summary_id: ID,
        field: SummaryField,
        from_version: i32,
        to_version: i32,
    ) -> async_graphql::Result<Vec<DiffLine>> {
        let (state, rc) = parts(ctx)?;
        let lines = service::field_diff(state, rc, &summary_id, field, from_version, to_version)
            .await
            .gql(rc)?;
        Ok(lines.into_iter().map(DiffLine::from).collect())
    }

    /// The summary as it stands, as the Appendix 1 document (DOCX) or the practitioner
    /// learning workshop slides (PPTX).
    async fn learning_summary_export(
        &self,
        ctx: &Context<'_>,
        summary_id: ID,
        format: SummaryExportFormat,
    ) -> async_graphql::Result<ExportFile> {
        let (state, rc) = parts(ctx)?;
        let kind = match format {
            SummaryExportFormat::Docx => ExportKind::Docx,
            SummaryExportFormat::Pptx => ExportKind::Pptx,
        };
        let started = std::time::Instant::now();
        let file = service::export_file(state, rc, &summary_id, kind).await;
        state
            .metrics
            .observe_export("summary", file.is_ok(), started.elapsed());
        file.map(ExportFile::from).gql(rc)
    }

    /// Markdown as the safe HTML a summary field shows (raw HTML dropped, links kept only
    /// to http, https and mailto addresses), for a preview while typing.
    async fn preview_markdown(
        &self,
        ctx: &Context<'_>,
        text: String,
    ) -> async_graphql::Result<String> {
        let (_, rc) = parts(ctx)?;
        service::preview(&text).gql(rc)
    }
}

#[derive(Default)]
pub struct SummaryMutation;

#[Object]
impl SummaryMutation {
    /// Starts the review's learning summary as a draft, prefilled from the review, its
    /// learning points and actions: the business office or a lead reviewer of the review.
    /// Starting it again answers the summary already there (nothing is written).
    async fn start_learning_summary(
        &self,
        ctx: &Context<'_>,
        review_id: ID,
    ) -> async_graphql::Result<LearningSummary> {
        let (state, rc) = parts(ctx)?;
        service::start(state, rc, &review_id)
            .await
            .map(LearningSummary::from)
            .gql(rc)
    }

    /// Saves one field of a draft if it is still at `expectedVersion`; CONFLICT otherwise,
    /// with `extensions.current` holding the stored `text` and `version` (and the
    /// `submittedText`) to merge. The business office or a lead reviewer of the review.
    async fn save_summary_field(
        &self,
        ctx: &Context<'_>,
        summary_id: ID,
        field: SummaryField,
        text: String,
        expected_version: i32,
    ) -> async_graphql::Result<SummaryFieldValue> {
        let (state, rc) = parts(ctx)?;
        service::save_field(state, rc, &summary_id, field, &text, expected_version)
            .await
            .map(SummaryFieldValue::from)
            .gql(rc)
    }

    /// A comment on one field: anyone who reads the summary.
    async fn comment_on_summary_field(
        &self,
        ctx: &Context<'_>,
        summary_id: ID,
        field: SummaryField,
        text: String,
    ) -> async_graphql::Result<SummaryComment> {
        let (state, rc) = parts(ctx)?;
        service::comment(state, rc, &summary_id, field, &text)
            .await
            .map(SummaryComment::from)
            .gql(rc)
    }

    /// Moves the summary: the authors submit a draft for review; the independent chair
    /// approves; the authors or the chair return it to draft, and the business office
    /// withdraws a published one, with a `reason`. Publishing is publishLearningSummary.
    async fn move_learning_summary(
        &self,
        ctx: &Context<'_>,
        summary_id: ID,
        to: SummaryState,
        reason: Option<String>,
    ) -> async_graphql::Result<LearningSummary> {
        let (state, rc) = parts(ctx)?;
        service::move_to(state, rc, &summary_id, to, reason.as_deref())
            .await
            .map(LearningSummary::from)
            .gql(rc)
    }

    /// Uploads the summary's final report, a PDF (`contentBase64`; at most the configured
    /// size, 10 MB unless set otherwise), replacing any earlier one. `reportText` is the
    /// report's plain text: the publication gate checks it with the text read from the PDF
    /// (give it when the PDF is scanned images, whose words cannot be read). The business
    /// office or a lead reviewer of the review, while the summary is not published.
    /// VALIDATION on `fileName` (not ending in .pdf), `contentBase64` (not a PDF, too big,
    /// not base64) or `reportText` (too long).
    async fn upload_final_report(
        &self,
        ctx: &Context<'_>,
        summary_id: ID,
        file_name: String,
        content_base64: String,
        report_text: Option<String>,
    ) -> async_graphql::Result<LearningSummary> {
        let (state, rc) = parts(ctx)?;
        service::upload_report(
            state,
            rc,
            &summary_id,
            &file_name,
            &content_base64,
            report_text.as_deref(),
        )
        .await
        .map(LearningSummary::from)
        .gql(rc)
    }

    /// Publishes an approved summary until `availableUntil` (at least 12 months from
    /// today): the business office. VALIDATION, naming each field, while the publication
    /// gate finds anything.
    async fn publish_learning_summary(
        &self,
        ctx: &Context<'_>,
        summary_id: ID,
        available_until: NaiveDate,
    ) -> async_graphql::Result<LearningSummary> {
        let (state, rc) = parts(ctx)?;
        service::publish(state, rc, &summary_id, available_until)
            .await
            .map(LearningSummary::from)
            .gql(rc)
    }
}

/// A published learning summary as the public pages show it: nothing about the people who
/// wrote it, its comments or its history.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct PublishedSummary {
    pub id: ID,
    pub review_reference: String,
    /// e.g. "Serious case review / local child safeguarding practice review".
    pub review_kind_label: String,
    /// The review's pseudonymised subject, e.g. "Child A".
    pub title: String,
    pub published_on: NaiveDate,
    /// The last day its text and report are on the public pages.
    pub available_until: NaiveDate,
    /// Today is on or before `availableUntil`; after it the page says the summary is
    /// available on request.
    pub available: bool,
    /// Where the final report (PDF) is, while there is one and the summary is available.
    pub report_url: Option<String>,
    pub themes: Vec<String>,
    #[graphql(skip)]
    view: PublishedView,
}

impl From<PublishedView> for PublishedSummary {
    fn from(v: PublishedView) -> Self {
        Self {
            id: ID(v.summary_id.clone()),
            review_reference: v.review_reference.clone(),
            review_kind_label: v.review_kind_label.clone(),
            title: v.title.clone(),
            published_on: v.published_on,
            available_until: v.available_until,
            available: v.available,
            report_url: v.report_url.clone(),
            themes: v.themes.clone(),
            view: v,
        }
    }
}

#[ComplexObject]
impl PublishedSummary {
    /// The fields that say something, in the template's order; empty when the summary is
    /// not available.
    async fn fields(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PublishedField>> {
        let (state, rc) = parts(ctx)?;
        let fields = public::fields(&state.db, &self.view).await.gql(rc)?;
        Ok(fields
            .into_iter()
            .map(|f| PublishedField {
                label: f.label,
                html: f.html,
            })
            .collect())
    }
}

/// One field of a published summary.
#[derive(SimpleObject, Clone)]
pub struct PublishedField {
    /// The template's label, e.g. "Month/year of incident".
    pub label: String,
    /// The text as safe HTML (raw HTML dropped, links only to web and email addresses).
    pub html: String,
}

/// The public pages' reads: anyone, signed in or not.
#[derive(Default)]
pub struct PublicSummaryQuery;

#[Object]
impl PublicSummaryQuery {
    /// Every published learning summary, newest first (including those past their window,
    /// which show no text).
    async fn published_summaries(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<PublishedSummary>> {
        let (state, rc) = parts(ctx)?;
        public::published_list(state)
            .await
            .map(|list| list.into_iter().map(PublishedSummary::from).collect())
            .gql(rc)
    }

    /// One published learning summary; null when there is no published summary with this
    /// id (a draft, one in review or approved, or none at all).
    async fn published_summary(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<PublishedSummary>> {
        let (state, rc) = parts(ctx)?;
        public::published_one(state, &id)
            .await
            .map(|v| v.map(PublishedSummary::from))
            .gql(rc)
    }
}
