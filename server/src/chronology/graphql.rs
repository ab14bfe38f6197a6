//! GraphQL surface of chronologies: thin, decoding input and calling the service.

use super::service::{self, EntryFields, IntegratedView};
use super::snapshot::EntrySnapshot;
use super::{anonymisation, export, glossary, jobs, presence};
use crate::agencies::graphql::Agency;
use crate::entities::{
    agency, annotation, chronology_entry, chronology_import_job, chronology_return,
};
use crate::graphql::{parts, stored_field, IntoGql};
use crate::reviews::graphql::Review;
use async_graphql::{ComplexObject, Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::EntityTrait;
use shared::chronology::{
    AnnotationKind, DuplicateDecision, ImportJobStatus, Precision, ReturnStatus,
};
use std::collections::HashMap;

type Agencies = HashMap<String, agency::Model>;

async fn all_agencies(ctx: &Context<'_>) -> async_graphql::Result<Agencies> {
    let (state, rc) = parts(ctx)?;
    let list: Result<Vec<agency::Model>, _> = agency::Entity::find().all(&state.db).await;
    let list = list.map_err(crate::error::AppError::from).gql(rc)?;
    Ok(list.into_iter().map(|a| (a.id.clone(), a)).collect())
}

/// One event as an agency recorded it.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct ChronologyEntry {
    pub id: ID,
    pub agency: Agency,
    pub seq: Option<i32>,
    /// As entered, e.g. "22 May 2016", "May 2016", "? 2016".
    pub start_date: String,
    /// First day of the start date's period (the sort key).
    pub start_on: NaiveDate,
    pub precision: Precision,
    pub uncertain: bool,
    /// HH:MM
    pub start_time: Option<String>,
    pub end_date: Option<String>,
    pub end_time: Option<String>,
    pub source: String,
    pub event_type: Option<String>,
    pub event: String,
    pub action_taken: Option<String>,
    pub shared_with: Vec<Agency>,
    pub practitioner_comment: Option<String>,
    /// An author's note (source starts with #).
    pub note: bool,
    /// The case of a multi-agency case audit's sample the entry is about (`AuditCase.id`);
    /// null in a case review.
    pub case_id: Option<ID>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

impl ChronologyEntry {
    fn new(e: &chronology_entry::Model, agencies: &Agencies) -> Self {
        let start = service::start_of(e);
        let agency = |id: &str| agencies.get(id).cloned().map(Agency::from);
        Self {
            id: ID(e.id.clone()),
            agency: agency(&e.agency_id).unwrap_or_else(|| Agency::missing(&e.agency_id)),
            seq: e.seq,
            start_date: start.to_string(),
            start_on: start.start(),
            precision: start.precision,
            uncertain: start.uncertain,
            start_time: e.start_time.clone(),
            end_date: service::end_of(e).map(|d| d.to_string()),
            end_time: e.end_time.clone(),
            source: e.source.clone(),
            event_type: e.event_type.clone(),
            event: e.event.clone(),
            action_taken: e.action_taken.clone(),
            shared_with: service::shared_ids(e)
                .iter()
                .filter_map(|id| agency(id))
                .collect(),
            practitioner_comment: e.practitioner_comment.clone(),
            note: e.note,
            case_id: e.case_id.clone().map(ID),
            version: e.version,
            updated_at: e.updated_at,
        }
    }
}

/// One agency's chronology for one review.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct ChronologyReturn {
    pub id: ID,
    pub agency: Agency,
    /// The stored status, read through `status`.
    #[graphql(skip)]
    pub status_code: String,
    pub submitted_at: Option<DateTime<Utc>>,
    /// Its entries, when counted with the rest of a list (one query for the list).
    #[graphql(skip)]
    pub counted: Option<i64>,
}

impl ChronologyReturn {
    fn new(r: chronology_return::Model, agencies: &Agencies) -> Self {
        Self {
            counted: None,
            id: ID(r.id.clone()),
            agency: agencies
                .get(&r.agency_id)
                .cloned()
                .map_or_else(|| Agency::missing(&r.agency_id), Agency::from),
            status_code: r.status.clone(),
            submitted_at: r.submitted_at,
        }
    }
}

#[ComplexObject]
impl ChronologyReturn {
    async fn status(&self, ctx: &Context<'_>) -> async_graphql::Result<ReturnStatus> {
        stored_field(ctx, &self.status_code)
    }

    async fn entry_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        let n = match self.counted {
            Some(n) => n,
            None => {
                let (state, rc) = parts(ctx)?;
                let counts = service::entry_counts(&state.db, vec![self.id.0.clone()])
                    .await
                    .gql(rc)?;
                counts.get(self.id.as_str()).copied().unwrap_or(0)
            }
        };
        Ok(i32::try_from(n).unwrap_or(i32::MAX))
    }

    /// In chronological order.
    async fn entries(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ChronologyEntry>> {
        let (state, rc) = parts(ctx)?;
        let agencies = all_agencies(ctx).await?;
        let list = service::entries_of_return(&state.db, &self.id)
            .await
            .gql(rc)?;
        Ok(list
            .iter()
            .map(|e| ChronologyEntry::new(e, &agencies))
            .collect())
    }
}

#[derive(SimpleObject)]
pub struct ImportProblem {
    pub row: i32,
    pub column: Option<String>,
    pub message: String,
}

#[derive(SimpleObject)]
pub struct ImportPreviewRow {
    pub row: i32,
    /// Orders one day's events, when the file gives it.
    pub seq: Option<i32>,
    pub start_date: String,
    pub start_time: Option<String>,
    pub end_date: Option<String>,
    pub end_time: Option<String>,
    pub source: String,
    pub event_type: Option<String>,
    pub event: String,
    pub action_taken: Option<String>,
    pub shared_with: Vec<String>,
    pub practitioner_comment: Option<String>,
    pub note: bool,
    /// The audit case it would be about (`AuditCase.id`), in an audit.
    pub case_id: Option<ID>,
}

/// The result of checking an uploaded file; a preview writes nothing.
#[derive(SimpleObject)]
pub struct ImportPreview {
    pub ok: bool,
    /// Rows as they would be stored (empty when not ok).
    pub entries: Vec<ImportPreviewRow>,
    pub problems: Vec<ImportProblem>,
    /// The return's entries now: importing the file replaces every one of them.
    pub replaces_entries: i32,
    /// Of those, the ones typed in the browser (added with the form, not from a file).
    pub replaces_typed_entries: i32,
}

/// A chronology import running in the background: how far it got and how it ended.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct ChronologyImportJob {
    pub id: ID,
    pub return_id: ID,
    pub file_name: String,
    /// The stored status, read through `status`.
    #[graphql(skip)]
    pub status_code: String,
    /// Entries the file holds.
    pub rows_total: i32,
    /// Entries stored so far (all of them once DONE; the return changes only then).
    pub rows_stored: i32,
    /// Why it FAILED, as an error's `extensions.code` says it (VALIDATION, CONFLICT,
    /// INTERNAL; INTERRUPTED when its server stopped). The return is unchanged.
    pub error_code: Option<String>,
    /// What failed and where, for people.
    pub error_message: Option<String>,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<chronology_import_job::Model> for ChronologyImportJob {
    fn from(j: chronology_import_job::Model) -> Self {
        Self {
            id: ID(j.id),
            return_id: ID(j.return_id),
            file_name: j.file_name,
            status_code: j.status,
            rows_total: j.rows_total,
            rows_stored: j.rows_stored,
            error_code: j.error_code,
            error_message: j.error_message,
            started_at: j.started_at,
            finished_at: j.finished_at,
        }
    }
}

#[ComplexObject]
impl ChronologyImportJob {
    async fn status(&self, ctx: &Context<'_>) -> async_graphql::Result<ImportJobStatus> {
        stored_field(ctx, &self.status_code)
    }
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Annotation {
    pub id: ID,
    /// The stored kind, read through `kind`.
    #[graphql(skip)]
    pub kind_code: String,
    pub text: String,
    pub author_name: String,
    pub author_agency_prefix: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Set on answers to a QUESTION.
    pub answers_id: Option<ID>,
    pub answers: Vec<Annotation>,
}

impl Annotation {
    /// An annotation just written by the person making the request.
    fn by_caller(a: &annotation::Model, rc: &crate::context::RequestContext) -> Self {
        let author = rc.signed_in.as_ref();
        Self::new(
            a,
            author.map(|s| s.display_name.clone()).unwrap_or_default(),
            author.and_then(|s| s.agency_prefix.clone()),
        )
    }

    fn new(a: &annotation::Model, author: String, prefix: Option<String>) -> Self {
        Self {
            id: ID(a.id.clone()),
            kind_code: a.kind.clone(),
            text: a.text.clone(),
            author_name: author,
            author_agency_prefix: prefix,
            created_at: a.created_at,
            answers_id: a.answers_id.clone().map(ID),
            answers: Vec::new(),
        }
    }
}

#[ComplexObject]
impl Annotation {
    async fn kind(&self, ctx: &Context<'_>) -> async_graphql::Result<AnnotationKind> {
        stored_field(ctx, &self.kind_code)
    }
}

#[derive(SimpleObject)]
pub struct EntryAnnotations {
    pub entry_id: ID,
    pub annotations: Vec<Annotation>,
}

#[derive(SimpleObject)]
pub struct DuplicateGroup {
    /// Stable key: the sorted entry ids joined by ",".
    pub key: String,
    pub entries: Vec<ChronologyEntry>,
    /// Null while undecided.
    pub decision: Option<DuplicateDecision>,
    /// Why the entries look like one event, in words ("same day; 14:00 and 14:30; both a
    /// child protection conference; 4 shared uncommon words (…)"). Empty for a decided
    /// group the merge no longer proposes.
    pub evidence: Vec<String>,
    /// The mean match weight of the group's pairs (log2 of the odds that they are one
    /// event); null for a decided group the merge no longer proposes.
    pub score: Option<f64>,
    /// The lowest probability (0 to 1) that a pair of the group is one event; null for a
    /// decided group the merge no longer proposes.
    pub probability: Option<f64>,
}

#[derive(SimpleObject)]
pub struct SharingFlag {
    pub entry: ChronologyEntry,
    pub with: Agency,
    pub confirmed: bool,
    pub confirmed_by: Option<ChronologyEntry>,
    /// Why the confirming entry was chosen (or why none was), in words.
    pub why: String,
}

/// What changed in the integrated chronology since an earlier read's `version`.
#[derive(SimpleObject)]
pub struct IntegratedChanges {
    /// The entries new or changed since then, each with its place now, in order of place.
    pub entries: Vec<PlacedEntry>,
    /// The ids of the entries no longer in it.
    pub removed: Vec<ID>,
    /// Every duplicate group as now, when any changed; null when none did.
    pub duplicate_groups: Option<Vec<DuplicateGroup>>,
    /// Every sharing flag as now, when any changed; null when none did.
    pub sharing: Option<Vec<SharingFlag>>,
    /// Every gap as now, when any changed; null when none did.
    pub gaps: Option<Vec<ChronologyGap>>,
}

/// An entry and its place in the integrated chronology (from 0).
#[derive(SimpleObject)]
pub struct PlacedEntry {
    pub position: i32,
    pub entry: ChronologyEntry,
}

#[derive(SimpleObject)]
pub struct ChronologyGap {
    pub after: NaiveDate,
    pub before: NaiveDate,
    pub days: i32,
}

/// Every submitted entry of every member agency, merged. The merge is kept per review
/// between reads; each field is worked out only when asked for.
pub struct IntegratedChronology {
    view: IntegratedView,
    agencies: Agencies,
}

/// The most entries one read of `entries` may ask for.
pub const MAX_ENTRY_WINDOW: i32 = 5_000;

impl IntegratedChronology {
    fn new(view: IntegratedView, agencies: Agencies) -> Self {
        Self { view, agencies }
    }

    fn entry(&self, e: &chronology_entry::Model) -> ChronologyEntry {
        ChronologyEntry::new(e, &self.agencies)
    }

    fn groups(&self, groups: &[service::GroupView]) -> Vec<DuplicateGroup> {
        groups
            .iter()
            .map(|g| DuplicateGroup {
                key: g.key.clone(),
                entries: g.entries.iter().map(|e| self.entry(e)).collect(),
                decision: g.decision.as_deref().and_then(DuplicateDecision::from_code),
                evidence: g.reasons.clone(),
                score: g.score.map(f64::from),
                probability: g.probability.map(f64::from),
            })
            .collect()
    }

    fn flags(&self, sharing: &[service::SharingView]) -> Vec<SharingFlag> {
        sharing
            .iter()
            .map(|s| SharingFlag {
                entry: self.entry(&s.entry),
                with: s.with.clone().into(),
                confirmed: s.confirmed_by.is_some(),
                confirmed_by: s.confirmed_by.as_ref().map(|e| self.entry(e)),
                why: s.why.clone(),
            })
            .collect()
    }
}

fn gaps(gaps: &[shared::chronology::Gap]) -> Vec<ChronologyGap> {
    gaps.iter()
        .map(|g| ChronologyGap {
            after: g.after,
            before: g.before,
            days: i32::try_from(g.days).unwrap_or(i32::MAX),
        })
        .collect()
}

#[Object]
impl IntegratedChronology {
    /// In chronological order: all of them, or a window of them (`offset` from 0; `limit`
    /// at most 5000) for a page that fetches what it shows.
    async fn entries(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 0)] offset: i32,
        limit: Option<i32>,
    ) -> async_graphql::Result<Vec<ChronologyEntry>> {
        let (_, rc) = parts(ctx)?;
        let all = &self.view.merged.entries;
        let window = shared::validation::window(offset, limit, MAX_ENTRY_WINDOW, all.len())
            .map_err(crate::error::AppError::from)
            .gql(rc)?;
        Ok(all[window].iter().map(|e| self.entry(e)).collect())
    }

    /// The audit case whose chronology this is (`AuditCase.id`); null in a case review.
    async fn case_id(&self) -> Option<ID> {
        self.view.case.as_ref().map(|c| ID(c.id.clone()))
    }

    /// The audit case's pseudonymised label ("Case 3: Child D, aged 4").
    async fn case_label(&self) -> Option<String> {
        self.view.case.as_ref().map(|c| c.label.clone())
    }

    /// The version of the merge this read shows (opaque): give it to `changesSince` on a
    /// later read to be sent only the entries that changed.
    async fn version(&self) -> String {
        self.view.version()
    }

    /// What changed since an earlier read's `version`: the entries new or changed (each with
    /// its place now) and the ids of those gone; remove both from what was read, then put
    /// each changed entry at its place, in order. The groups, sharing flags and gaps come
    /// whole when they changed. Null when that version is no longer known here or more than
    /// 5000 entries changed: read the entries again.
    async fn changes_since(
        &self,
        ctx: &Context<'_>,
        version: String,
    ) -> async_graphql::Result<Option<IntegratedChanges>> {
        let (state, rc) = parts(ctx)?;
        let changes = super::changes::since(state, &self.view, &version)
            .await
            .gql(rc)?;
        Ok(changes.map(|c| IntegratedChanges {
            entries: c
                .entries
                .into_iter()
                .map(|(place, e)| PlacedEntry {
                    position: i32::try_from(place).unwrap_or(i32::MAX),
                    entry: self.entry(e),
                })
                .collect(),
            removed: c.removed.into_iter().map(ID).collect(),
            duplicate_groups: c.groups.map(|g| self.groups(g)),
            sharing: c.sharing.map(|s| self.flags(s)),
            gaps: c.gaps.map(gaps),
        }))
    }

    /// How many entries there are in all.
    async fn entry_count(&self) -> i32 {
        i32::try_from(self.view.merged.entries.len()).unwrap_or(i32::MAX)
    }

    /// Candidate and decided groups (rejected ones are kept so the decision shows).
    async fn duplicate_groups(&self) -> Vec<DuplicateGroup> {
        self.groups(&self.view.merged.groups)
    }

    async fn sharing(&self) -> Vec<SharingFlag> {
        self.flags(&self.view.merged.sharing)
    }

    async fn gaps(&self) -> Vec<ChronologyGap> {
        gaps(&self.view.merged.gaps)
    }

    /// Each annotated entry's annotations, oldest first, answers under their question.
    async fn annotations(&self) -> Vec<EntryAnnotations> {
        entry_annotations(&self.view.annotations)
    }

    async fn sharing_tolerance_days(&self) -> i32 {
        self.view.review.sharing_tolerance_days
    }

    async fn gap_threshold_days(&self) -> i32 {
        self.view.review.gap_threshold_days
    }

    /// When the business office shared it with member agencies (null: not yet).
    async fn shared_at(&self) -> Option<DateTime<Utc>> {
        self.view.review.chronology_shared_at
    }
}

/// Annotations by entry (in the order each entry was first annotated), answers nested
/// under the annotation they answer.
fn entry_annotations(
    notes: &[(annotation::Model, String, Option<String>)],
) -> Vec<EntryAnnotations> {
    let mut answers: HashMap<&str, Vec<Annotation>> = HashMap::new();
    for (a, name, prefix) in notes {
        if let Some(to) = a.answers_id.as_deref() {
            answers
                .entry(to)
                .or_default()
                .push(Annotation::new(a, name.clone(), prefix.clone()));
        }
    }
    let mut by_entry: Vec<EntryAnnotations> = Vec::new();
    let mut position: HashMap<&str, usize> = HashMap::new();
    for (a, name, prefix) in notes.iter().filter(|(a, _, _)| a.answers_id.is_none()) {
        let mut top = Annotation::new(a, name.clone(), prefix.clone());
        top.answers = answers.remove(a.id.as_str()).unwrap_or_default();
        match position.get(a.entry_id.as_str()) {
            Some(&i) => by_entry[i].annotations.push(top),
            None => {
                position.insert(a.entry_id.as_str(), by_entry.len());
                by_entry.push(EntryAnnotations {
                    entry_id: ID(a.entry_id.clone()),
                    annotations: vec![top],
                });
            }
        }
    }
    by_entry
}

#[ComplexObject]
impl Review {
    /// Returns the caller may see: all for the business office, chair and lead reviewers;
    /// their own agency's for other members.
    async fn chronology_returns(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<ChronologyReturn>> {
        let (state, rc) = parts(ctx)?;
        let agencies = all_agencies(ctx).await?;
        let list = service::returns(state, rc, &self.id).await.gql(rc)?;
        let counts = service::entry_counts(&state.db, list.iter().map(|r| r.id.clone()).collect())
            .await
            .gql(rc)?;
        Ok(list
            .into_iter()
            .map(|r| ChronologyReturn {
                counted: Some(counts.get(&r.id).copied().unwrap_or(0)),
                ..ChronologyReturn::new(r, &agencies)
            })
            .collect())
    }

    /// The caller's own agency's return (created on first use); null when they keep none.
    async fn my_chronology_return(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<ChronologyReturn>> {
        let (state, rc) = parts(ctx)?;
        let agencies = all_agencies(ctx).await?;
        let found = service::my_return(state, rc, &self.id).await.gql(rc)?;
        Ok(found.map(|r| ChronologyReturn::new(r, &agencies)))
    }

    /// The cases of a multi-agency case audit's sample (pseudonymised), in order: each has
    /// its own integrated chronology (`integratedChronology(caseId:)`), and every entry of
    /// an audit names one. Empty for a case review.
    async fn audit_cases(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<crate::case_audits::graphql::AuditCase>> {
        let (state, rc) = parts(ctx)?;
        let cases = crate::case_audits::cases_of(&state.db, &self.id)
            .await
            .gql(rc)?;
        Ok(cases.into_iter().map(Into::into).collect())
    }

    /// Business office, chair and lead reviewers; other members once the business office
    /// shared it; null while the caller may not see it. `anonymised`: real names and
    /// identifiers replaced as the review's glossary says. A multi-agency case audit merges
    /// each case of its sample on its own: `caseId` (`AuditCase.id`) names the case; without
    /// it, an audit's entries that name no case.
    async fn integrated_chronology(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false)] anonymised: bool,
        case_id: Option<ID>,
    ) -> async_graphql::Result<Option<IntegratedChronology>> {
        let (state, rc) = parts(ctx)?;
        let agencies = all_agencies(ctx).await?;
        let case_id = case_id.map(|id| id.0);
        let view = service::integrated(state, rc, &self.id, case_id.as_deref(), anonymised)
            .await
            .gql(rc)?;
        Ok(view.map(|v| IntegratedChronology::new(v, agencies)))
    }

    /// The integrated chronology (of one audit case, as `integratedChronology` reads it) as a
    /// spreadsheet file; anonymised unless asked otherwise.
    async fn chronology_export(
        &self,
        ctx: &Context<'_>,
        format: ExportFormat,
        #[graphql(default = true)] anonymised: bool,
        case_id: Option<ID>,
    ) -> async_graphql::Result<ExportFile> {
        let (state, rc) = parts(ctx)?;
        let format = export::FileFormat::from(format);
        let started = std::time::Instant::now();
        let case_id = case_id.map(|id| id.0);
        let file =
            export::integrated(state, rc, &self.id, case_id.as_deref(), format, anonymised).await;
        state
            .metrics
            .observe_export("chronology", file.is_ok(), started.elapsed());
        let file = file.gql(rc)?;
        Ok(ExportFile::from(file))
    }

    /// What the anonymised chronology would still show that looks like a personal name or
    /// an identifier, less what was dismissed as not a name: for whoever sees the integrated
    /// chronology (null for anyone else). An anonymised export is refused while any are open.
    async fn anonymisation_suspects(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<AnonymisationSuspects>> {
        let (state, rc) = parts(ctx)?;
        let found = anonymisation::suspects(state, rc, &self.id).await.gql(rc)?;
        Ok(found.map(AnonymisationSuspects::from))
    }

    /// Real names and identifiers with what stands for them once anonymised: for the
    /// business office and the review's lead reviewers.
    async fn glossary(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<GlossaryTerm>> {
        let (state, rc) = parts(ctx)?;
        let terms = glossary::terms(state, rc, &self.id).await.gql(rc)?;
        Ok(terms.into_iter().map(GlossaryTerm::from).collect())
    }

    /// The review's learning points, oldest first: for the business office, the chair, the
    /// review's lead reviewers and its members with an agency role; empty for anyone else.
    async fn learning_points(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<crate::actions::graphql::LearningPoint>> {
        crate::actions::graphql::learning_points_of(ctx, &self.id).await
    }

    /// The review's learning summary: null until it is started, and for anyone who does not
    /// read it (it is read by those who read the review's learning points).
    async fn learning_summary(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::summary::graphql::LearningSummary>> {
        crate::summary::graphql::learning_summary_of(ctx, &self.id).await
    }

    /// The legal hold in force on the review, if any: while it is, nothing under the
    /// review is deleted.
    async fn legal_hold(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::retention::graphql::LegalHold>> {
        crate::retention::graphql::review_hold(ctx, &self.id).await
    }

    /// Every legal hold the review has had, newest first.
    async fn legal_holds(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<crate::retention::graphql::LegalHold>> {
        crate::retention::graphql::review_holds(ctx, &self.id).await
    }

    /// How long the review and its chronology entries are kept, as it stands today.
    async fn retention(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<crate::retention::graphql::ReviewRetention> {
        crate::retention::graphql::review_retention(ctx, &self.id).await
    }

    /// Everyone with the review's chronology open now (the caller included).
    async fn viewers(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Viewer>> {
        let (state, rc) = parts(ctx)?;
        let list = presence::viewers(state, &self.id).await.gql(rc)?;
        Ok(list
            .into_iter()
            .map(|v| Viewer {
                user_id: ID(v.user_id),
                name: v.name,
                agency_prefix: v.agency_prefix,
            })
            .collect())
    }
}

#[ComplexObject]
impl ChronologyEntry {
    /// Every saved version, newest first.
    async fn history(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<EntryVersion>> {
        let (state, rc) = parts(ctx)?;
        let list = service::entry_history(state, rc, &self.id).await.gql(rc)?;
        list.into_iter()
            .map(EntryVersion::read)
            .collect::<Result<_, _>>()
            .gql(rc)
    }
}

/// One saved version of an entry: what it said, who saved it and when.
#[derive(SimpleObject, Clone)]
pub struct EntryVersion {
    pub version: i32,
    /// create, update, delete or import.
    pub change: String,
    pub changed_at: DateTime<Utc>,
    pub changed_by: Option<String>,
    pub seq: Option<i32>,
    pub start_date: String,
    pub start_time: Option<String>,
    pub end_date: Option<String>,
    pub end_time: Option<String>,
    pub source: String,
    pub event_type: Option<String>,
    pub event: String,
    pub action_taken: Option<String>,
    /// Agency prefixes.
    pub shared_with: Vec<String>,
    pub practitioner_comment: Option<String>,
    /// The audit case it was about (`AuditCase.id`); null in a case review.
    pub case_id: Option<ID>,
}

impl EntryVersion {
    fn read(v: service::EntryVersion) -> crate::error::AppResult<Self> {
        let snap = EntrySnapshot::read(&v.row.snapshot)?.fields;
        Ok(Self {
            version: v.row.version,
            change: v.row.change,
            changed_at: v.row.changed_at,
            changed_by: v.changed_by,
            seq: snap.seq,
            start_date: snap.start_date,
            start_time: snap.start_time,
            end_date: snap.end_date,
            end_time: snap.end_time,
            source: snap.source,
            event_type: snap.event_type,
            event: snap.event,
            action_taken: snap.action_taken,
            shared_with: snap.shared_with,
            practitioner_comment: snap.practitioner_comment,
            case_id: snap.case_id.map(ID),
        })
    }
}

#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

impl From<ExportFormat> for export::FileFormat {
    fn from(f: ExportFormat) -> Self {
        match f {
            ExportFormat::Csv => export::FileFormat::Csv,
            ExportFormat::Xlsx => export::FileFormat::Xlsx,
        }
    }
}

/// A file to download.
#[derive(SimpleObject, Clone)]
pub struct ExportFile {
    pub file_name: String,
    pub media_type: String,
    pub content_base64: String,
}

impl From<export::ExportFile> for ExportFile {
    fn from(f: export::ExportFile) -> Self {
        use base64::Engine;
        Self {
            file_name: f.file_name,
            media_type: f.media_type.to_owned(),
            content_base64: base64::engine::general_purpose::STANDARD.encode(f.bytes),
        }
    }
}

/// A real name or identifier and the words that replace it once anonymised.
#[derive(SimpleObject, Clone)]
pub struct GlossaryTerm {
    pub id: ID,
    pub real_text: String,
    pub replacement: String,
    pub created_at: DateTime<Utc>,
}

impl From<crate::entities::glossary_term::Model> for GlossaryTerm {
    fn from(t: crate::entities::glossary_term::Model) -> Self {
        Self {
            id: ID(t.id),
            real_text: t.real_text,
            replacement: t.replacement,
            created_at: t.created_at,
        }
    }
}

/// Something in the chronology that still looks like a personal name (or an identifier)
/// the glossary does not replace.
#[derive(SimpleObject, Clone)]
pub struct AnonymisationSuspect {
    /// The text as written; add it to the glossary or dismiss it as not a name.
    pub text: String,
    pub kind: shared::chronology::names::SuspectKind,
    /// How many times it appears.
    pub count: i32,
    /// One place it appears, with some words either side.
    pub excerpt: String,
    /// The entry of that place.
    pub entry_id: ID,
    /// The entry as the chronology names it: agency prefix and number ("POL 12").
    pub entry_reference: String,
}

/// The open anonymisation suspects of a chronology.
#[derive(SimpleObject, Clone)]
pub struct AnonymisationSuspects {
    /// The most frequent first, at most 100.
    pub suspects: Vec<AnonymisationSuspect>,
    /// How many are open in all.
    pub total: i32,
}

impl From<anonymisation::Suspects> for AnonymisationSuspects {
    fn from(s: anonymisation::Suspects) -> Self {
        Self {
            suspects: s
                .listed
                .into_iter()
                .map(|o| AnonymisationSuspect {
                    text: o.text,
                    kind: o.kind,
                    count: i32::try_from(o.count).unwrap_or(i32::MAX),
                    excerpt: o.excerpt,
                    entry_id: ID(o.entry_id),
                    entry_reference: o.entry_reference,
                })
                .collect(),
            total: i32::try_from(s.total).unwrap_or(i32::MAX),
        }
    }
}

#[derive(InputObject)]
pub struct GlossaryTermInput {
    pub real_text: String,
    pub replacement: String,
}

/// Someone with a review's chronology open.
#[derive(SimpleObject, Clone)]
pub struct Viewer {
    pub user_id: ID,
    pub name: String,
    pub agency_prefix: Option<String>,
}

#[derive(InputObject)]
pub struct EntryInput {
    pub seq: Option<i32>,
    /// Any accepted form: 22/05/2016, 2016-05-22, 22 May 2016, May 2016, 2016, ?-prefixed.
    pub start_date: String,
    pub start_time: Option<String>,
    pub end_date: Option<String>,
    pub end_time: Option<String>,
    pub source: String,
    pub event_type: Option<String>,
    pub event: String,
    pub action_taken: Option<String>,
    /// Agency prefixes or names.
    pub shared_with: Vec<String>,
    pub practitioner_comment: Option<String>,
    /// In a multi-agency case audit, the case of its sample the entry is about
    /// (`AuditCase.id`): required there, refused in a case review.
    pub case_id: Option<ID>,
}

impl From<EntryInput> for EntryFields {
    fn from(i: EntryInput) -> Self {
        EntryFields {
            seq: i.seq,
            start_date: i.start_date,
            start_time: i.start_time,
            end_date: i.end_date,
            end_time: i.end_time,
            source: i.source,
            event_type: i.event_type,
            event: i.event,
            action_taken: i.action_taken,
            shared_with: i.shared_with,
            practitioner_comment: i.practitioner_comment,
            case_id: i.case_id.map(|id| id.0),
        }
    }
}

#[derive(InputObject)]
pub struct ChronologySettingsInput {
    pub sharing_tolerance_days: i32,
    pub gap_threshold_days: i32,
}

#[derive(Default)]
pub struct ChronologyMutation;

#[Object]
impl ChronologyMutation {
    /// Adds an entry to the caller's agency's return (while DRAFT or REOPENED).
    async fn add_chronology_entry(
        &self,
        ctx: &Context<'_>,
        return_id: ID,
        input: EntryInput,
    ) -> async_graphql::Result<ChronologyEntry> {
        let (state, rc) = parts(ctx)?;
        let entry = service::add_entry(state, rc, &return_id, input.into())
            .await
            .gql(rc)?;
        Ok(ChronologyEntry::new(&entry, &all_agencies(ctx).await?))
    }

    /// Saves an entry if it is still at `version`; CONFLICT with `extensions.current` otherwise.
    async fn update_chronology_entry(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        input: EntryInput,
    ) -> async_graphql::Result<ChronologyEntry> {
        let (state, rc) = parts(ctx)?;
        let entry = service::update_entry(state, rc, &id, version, input.into())
            .await
            .gql(rc)?;
        Ok(ChronologyEntry::new(&entry, &all_agencies(ctx).await?))
    }

    async fn delete_chronology_entry(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
    ) -> async_graphql::Result<bool> {
        let (state, rc) = parts(ctx)?;
        service::delete_entry(state, rc, &id, version)
            .await
            .map(|()| true)
            .gql(rc)
    }

    /// Checks a CSV (base64) against the template; writes nothing.
    async fn preview_chronology_import(
        &self,
        ctx: &Context<'_>,
        return_id: ID,
        file_name: String,
        content_base64: String,
    ) -> async_graphql::Result<ImportPreview> {
        let (state, rc) = parts(ctx)?;
        let bytes = crate::spreadsheet::decode_base64(
            &content_base64,
            state.config.max_upload_bytes,
            &shared::chronology::import::FILE,
        )
        .gql(rc)?;
        let service::ImportPreviewView {
            rows,
            agencies,
            problems,
            replaced,
        } = {
            let started = std::time::Instant::now();
            let preview = service::preview_import(state, rc, &return_id, &file_name, bytes).await;
            state
                .metrics
                .observe_import("preview", preview.is_ok(), started.elapsed());
            preview.gql(rc)?
        };
        let prefix = |k: &u32| agencies.get(*k as usize).map(|a| a.prefix.clone());
        let count = |n: u64| i32::try_from(n).unwrap_or(i32::MAX);
        Ok(ImportPreview {
            ok: problems.is_empty(),
            replaces_entries: count(replaced.entries),
            replaces_typed_entries: count(replaced.typed),
            entries: rows
                .iter()
                .map(|r| ImportPreviewRow {
                    row: i32::try_from(r.row).unwrap_or(i32::MAX),
                    seq: r.seq.map(|s| i32::try_from(s).unwrap_or(i32::MAX)),
                    start_date: r.start.to_string(),
                    start_time: r.start_time.map(|t| t.to_string()),
                    end_date: r.end.map(|d| d.to_string()),
                    end_time: r.end_time.map(|t| t.to_string()),
                    source: r.source.clone(),
                    event_type: r.event_type.clone(),
                    event: r.event.clone(),
                    action_taken: r.action_taken.clone(),
                    shared_with: r.shared_with.iter().filter_map(prefix).collect(),
                    practitioner_comment: r.practitioner_comment.clone(),
                    note: r.note,
                    case_id: r.case.clone().map(ID),
                })
                .collect(),
            problems: problems
                .into_iter()
                .map(|p| ImportProblem {
                    row: i32::try_from(p.row).unwrap_or(i32::MAX),
                    column: p.column,
                    message: p.message,
                })
                .collect(),
        })
    }

    /// Replaces the return's entries with the file's, all or nothing, answering once they
    /// are stored: for files of up to `--background-import-rows` entries (5,000 unless
    /// configured); a bigger one is refused with BACKGROUND_IMPORT_REQUIRED.
    async fn confirm_chronology_import(
        &self,
        ctx: &Context<'_>,
        return_id: ID,
        file_name: String,
        content_base64: String,
    ) -> async_graphql::Result<ChronologyReturn> {
        let (state, rc) = parts(ctx)?;
        let bytes = crate::spreadsheet::decode_base64(
            &content_base64,
            state.config.max_upload_bytes,
            &shared::chronology::import::FILE,
        )
        .gql(rc)?;
        let started = std::time::Instant::now();
        let ret = service::confirm_import(state, rc, &return_id, &file_name, bytes).await;
        state
            .metrics
            .observe_import("confirm", ret.is_ok(), started.elapsed());
        let ret = ret.gql(rc)?;
        Ok(ChronologyReturn::new(ret, &all_agencies(ctx).await?))
    }

    /// Checks the whole file (refused whole, with every problem by row and column, as
    /// `confirmChronologyImport`), then replaces the return's entries with the file's in the
    /// background, all or nothing: follow it with `chronologyImportJobChanged` or
    /// `chronologyImportJob`. The return changes only when the job is DONE.
    async fn start_chronology_import(
        &self,
        ctx: &Context<'_>,
        return_id: ID,
        file_name: String,
        content_base64: String,
    ) -> async_graphql::Result<ChronologyImportJob> {
        let (state, rc) = parts(ctx)?;
        let bytes = crate::spreadsheet::decode_base64(
            &content_base64,
            state.config.max_upload_bytes,
            &shared::chronology::import::FILE,
        )
        .gql(rc)?;
        let checked = service::check_upload(state, rc, &return_id, &file_name, bytes)
            .await
            .gql(rc)?;
        let job = jobs::start(state, rc, checked).await.gql(rc)?;
        Ok(ChronologyImportJob::from(job))
    }

    async fn submit_chronology_return(
        &self,
        ctx: &Context<'_>,
        return_id: ID,
    ) -> async_graphql::Result<ChronologyReturn> {
        let (state, rc) = parts(ctx)?;
        let ret = service::submit_return(state, rc, &return_id)
            .await
            .gql(rc)?;
        Ok(ChronologyReturn::new(ret, &all_agencies(ctx).await?))
    }

    /// Business office.
    async fn reopen_chronology_return(
        &self,
        ctx: &Context<'_>,
        return_id: ID,
    ) -> async_graphql::Result<ChronologyReturn> {
        let (state, rc) = parts(ctx)?;
        let ret = service::reopen_return(state, rc, &return_id)
            .await
            .gql(rc)?;
        Ok(ChronologyReturn::new(ret, &all_agencies(ctx).await?))
    }

    /// Business office or lead reviewer.
    async fn decide_duplicate_group(
        &self,
        ctx: &Context<'_>,
        review_id: ID,
        key: String,
        decision: DuplicateDecision,
    ) -> async_graphql::Result<IntegratedChronology> {
        let (state, rc) = parts(ctx)?;
        let view = service::decide_group(state, rc, &review_id, &key, decision.code())
            .await
            .gql(rc)?;
        Ok(IntegratedChronology::new(view, all_agencies(ctx).await?))
    }

    /// Business office or lead reviewer; a QUESTION is answered by the entry's agency.
    async fn annotate_entry(
        &self,
        ctx: &Context<'_>,
        entry_id: ID,
        kind: AnnotationKind,
        text: String,
    ) -> async_graphql::Result<Annotation> {
        let (state, rc) = parts(ctx)?;
        let a = service::annotate(state, rc, &entry_id, kind.code(), &text)
            .await
            .gql(rc)?;
        Ok(Annotation::by_caller(&a, rc))
    }

    async fn answer_question(
        &self,
        ctx: &Context<'_>,
        question_id: ID,
        text: String,
    ) -> async_graphql::Result<Annotation> {
        let (state, rc) = parts(ctx)?;
        let a = service::answer(state, rc, &question_id, &text)
            .await
            .gql(rc)?;
        Ok(Annotation::by_caller(&a, rc))
    }

    /// Business office: member agencies may then read the integrated chronology.
    async fn share_integrated_chronology(
        &self,
        ctx: &Context<'_>,
        review_id: ID,
    ) -> async_graphql::Result<IntegratedChronology> {
        let (state, rc) = parts(ctx)?;
        let view = service::share(state, rc, &review_id).await.gql(rc)?;
        Ok(IntegratedChronology::new(view, all_agencies(ctx).await?))
    }

    /// Business office or the review's lead reviewers.
    async fn add_glossary_term(
        &self,
        ctx: &Context<'_>,
        review_id: ID,
        input: GlossaryTermInput,
    ) -> async_graphql::Result<GlossaryTerm> {
        let (state, rc) = parts(ctx)?;
        let term = glossary::add(state, rc, &review_id, &input.real_text, &input.replacement)
            .await
            .gql(rc)?;
        Ok(GlossaryTerm::from(term))
    }

    /// Records that an anonymisation suspect is not a name (audited): business office or the
    /// review's lead reviewers. Answers the suspects still open.
    async fn dismiss_anonymisation_suspect(
        &self,
        ctx: &Context<'_>,
        review_id: ID,
        text: String,
    ) -> async_graphql::Result<AnonymisationSuspects> {
        let (state, rc) = parts(ctx)?;
        let open = anonymisation::dismiss(state, rc, &review_id, &text)
            .await
            .gql(rc)?;
        Ok(AnonymisationSuspects::from(open))
    }

    /// Business office or the review's lead reviewers.
    async fn remove_glossary_term(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let (state, rc) = parts(ctx)?;
        glossary::remove(state, rc, &id).await.gql(rc)?;
        Ok(true)
    }

    async fn set_chronology_settings(
        &self,
        ctx: &Context<'_>,
        review_id: ID,
        input: ChronologySettingsInput,
    ) -> async_graphql::Result<IntegratedChronology> {
        let (state, rc) = parts(ctx)?;
        let view = service::set_settings(
            state,
            rc,
            &review_id,
            input.sharing_tolerance_days,
            input.gap_threshold_days,
        )
        .await
        .gql(rc)?;
        Ok(IntegratedChronology::new(view, all_agencies(ctx).await?))
    }
}

/// A change on a review, as live updates carry it: ids only, never case content.
#[derive(SimpleObject, Clone)]
pub struct ReviewChange {
    pub review_id: ID,
    pub kind: crate::events::ChangeKind,
    pub object_id: Option<ID>,
    pub actor_id: Option<ID>,
}

#[derive(Default)]
pub struct ChronologyQuery;

#[Object]
impl ChronologyQuery {
    /// The empty chronology template to fill in: the headings the upload reads and an
    /// example row; as XLSX also a guidance sheet (columns, date forms, event types).
    async fn chronology_template(
        &self,
        ctx: &Context<'_>,
        format: ExportFormat,
    ) -> async_graphql::Result<ExportFile> {
        let (_, rc) = parts(ctx)?;
        let format = export::FileFormat::from(format);
        let file = export::template(format).gql(rc)?;
        Ok(ExportFile::from(file))
    }

    /// One entry, with its history: for its own agency, those who see every return, and
    /// (once submitted) those who see the integrated chronology.
    async fn chronology_entry(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<ChronologyEntry> {
        let (state, rc) = parts(ctx)?;
        let entry = service::visible_entry(state, rc, &id).await.gql(rc)?;
        Ok(ChronologyEntry::new(&entry, &all_agencies(ctx).await?))
    }

    /// A background import, for those who may see its return.
    async fn chronology_import_job(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<ChronologyImportJob> {
        let (state, rc) = parts(ctx)?;
        let job = jobs::visible_job(state, rc, &id).await.gql(rc)?;
        Ok(ChronologyImportJob::from(job))
    }
}

#[derive(Default)]
pub struct ChronologySubscription;

#[async_graphql::Subscription]
impl ChronologySubscription {
    /// Every change on a review the caller may see (entries, returns, duplicate decisions,
    /// annotations, settings); RESYNC when the live connection was interrupted. Re-read what
    /// you show when one arrives.
    async fn review_changed(
        &self,
        ctx: &Context<'_>,
        review_id: ID,
    ) -> async_graphql::Result<impl futures_util::Stream<Item = ReviewChange>> {
        use crate::events::ChangeKind;
        use futures_util::StreamExt;
        let (state, rc) = parts(ctx)?;
        let actor = rc.actor().gql(rc)?;
        crate::reviews::service::find_visible_with_membership(&state.db, actor, &review_id)
            .await
            .gql(rc)?;
        let changes = state.events.changes();
        // Others see this connection while the stream lives; dropping it ends the presence.
        let here = presence::arrive(state, rc, &review_id).await.gql(rc)?;
        let watched = review_id.0.clone();
        let stream = changes
            .filter(move |c| {
                std::future::ready(
                    (c.review_id == watched && c.kind != ChangeKind::ImportJob)
                        || c.kind == ChangeKind::Resync,
                )
            })
            .map(move |c| {
                let _ = &here;
                ReviewChange {
                    review_id: review_id.clone(),
                    kind: c.kind,
                    object_id: c.object_id.map(ID),
                    actor_id: c.actor_id.map(ID),
                }
            });
        Ok(stream)
    }

    /// A background import as it moves on: first as it stands, then at most every 250 ms
    /// while it stores entries, and once more when it ends (DONE or FAILED), after which
    /// the stream ends. For those who may see its return.
    async fn chronology_import_job_changed(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<impl futures_util::Stream<Item = ChronologyImportJob>> {
        use crate::events::ChangeKind;
        let (state, rc) = parts(ctx)?;
        use futures_util::StreamExt;
        // Subscribed before the first read, so no change between the two is missed.
        let changes = Box::pin(state.events.changes());
        let first = jobs::visible_job(state, rc, &id).await.gql(rc)?;
        let (state, rc) = (state.clone(), rc.clone());
        let watched = id.0.clone();
        let stream = futures_util::stream::unfold(
            (changes, Some(first), false),
            move |(mut changes, pending, ended)| {
                let (state, rc, watched) = (state.clone(), rc.clone(), watched.clone());
                async move {
                    if ended {
                        return None;
                    }
                    let mut next = pending;
                    while next.is_none() {
                        let c = changes.next().await?;
                        let reread = c.kind == ChangeKind::Resync
                            || (c.kind == ChangeKind::ImportJob
                                && c.object_id.as_deref() == Some(watched.as_str()));
                        if reread {
                            // Read again as the caller: a job they may no longer see ends.
                            next = Some(jobs::visible_job(&state, &rc, &watched).await.ok()?);
                        }
                    }
                    let job = next?;
                    let ended = job.status == ImportJobStatus::Done.code()
                        || job.status == ImportJobStatus::Failed.code();
                    Some((ChronologyImportJob::from(job), (changes, None, ended)))
                }
            },
        );
        Ok(stream)
    }
}
