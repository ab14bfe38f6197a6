//! GraphQL surface of retention (business office) and legal holds.

use super::{HoldView, Report, Rule};
use crate::entities::retention_run;
use crate::graphql::{parts, IntoGql};
use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use shared::retention::{bounds, RecordKind, RetentionUnit, RuleDraft};
use shared::reviews::ReviewKind;

/// How long one kind of record is kept.
#[derive(SimpleObject)]
pub struct RetentionRule {
    /// `REVIEW:<review kind>` or the record kind.
    pub key: String,
    pub record_kind: RecordKind,
    pub record_kind_label: String,
    /// For review rules: the kind of review.
    pub review_kind: Option<ReviewKind>,
    /// What people call it.
    pub label: String,
    pub unit: RetentionUnit,
    /// Days or months; null when kept forever.
    pub amount: Option<i32>,
    /// In words: "7 years", "kept forever".
    pub period: String,
    /// From when the period is counted.
    pub anchor: String,
    /// The periods that may be chosen, in words ("12 to 1200 months, or kept forever").
    pub allowed: String,
    pub min_days: Option<i32>,
    pub max_days: Option<i32>,
    pub min_months: Option<i32>,
    pub max_months: Option<i32>,
    pub forever_allowed: bool,
    /// The default, in words.
    pub default_period: String,
    pub is_default: bool,
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<String>,
}

fn int(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl From<Rule> for RetentionRule {
    fn from(r: Rule) -> Self {
        let b = bounds(r.key.record);
        Self {
            key: r.key.code(),
            record_kind: r.key.record,
            record_kind_label: r.key.record.label().to_owned(),
            review_kind: r.key.review_kind,
            label: r.key.label(),
            unit: r.period.unit(),
            amount: r.period.amount().map(int),
            period: r.period.describe(),
            anchor: r.key.record.anchor().to_owned(),
            allowed: b.describe(),
            min_days: b.days.map(|(lo, _)| int(lo)),
            max_days: b.days.map(|(_, hi)| int(hi)),
            min_months: b.months.map(|(lo, _)| int(lo)),
            max_months: b.months.map(|(_, hi)| int(hi)),
            forever_allowed: b.forever,
            default_period: r.default.describe(),
            is_default: r.period == r.default,
            updated_at: r.updated_at,
            updated_by: r.updated_by,
        }
    }
}

#[derive(InputObject)]
pub struct RetentionRuleInput {
    pub record_kind: RecordKind,
    /// Required for review rules, and only for them.
    pub review_kind: Option<ReviewKind>,
    pub unit: RetentionUnit,
    /// Days or months; leave empty to keep forever.
    pub amount: Option<i32>,
}

/// A review deleted by a run (or that a preview says would be), or whose chronology
/// entries were.
#[derive(SimpleObject)]
pub struct RetentionReviewItem {
    pub reference: String,
    pub kind: Option<ReviewKind>,
    pub kind_label: String,
    pub closed_on: Option<NaiveDate>,
    pub expired_on: NaiveDate,
    pub entries: u64,
    pub rows: u64,
}

/// A review a legal hold keeps although a rule says it, or its chronology, has expired.
#[derive(SimpleObject)]
pub struct RetentionHeldItem {
    pub review_id: ID,
    pub reference: String,
    pub review_expired_on: Option<NaiveDate>,
    pub chronology_expired_on: Option<NaiveDate>,
}

/// A review whose deletion failed; nothing of it was deleted.
#[derive(SimpleObject)]
pub struct RetentionFailedItem {
    pub reference: String,
    /// `review` or `chronology`.
    pub what: String,
}

/// What a run deleted, or a preview would: counts and references only.
#[derive(SimpleObject)]
pub struct RetentionReport {
    pub dry_run: bool,
    pub as_of: Option<DateTime<Utc>>,
    pub reviews: Vec<RetentionReviewItem>,
    pub chronologies: Vec<RetentionReviewItem>,
    pub held: Vec<RetentionHeldItem>,
    pub failed: Vec<RetentionFailedItem>,
    pub audit_entries: u64,
    pub notifications: u64,
    pub sessions: u64,
    pub sign_in_attempts: u64,
}

impl From<super::ReviewItem> for RetentionReviewItem {
    fn from(i: super::ReviewItem) -> Self {
        let kind = ReviewKind::from_code(&i.kind);
        Self {
            reference: i.reference,
            kind,
            kind_label: kind.map_or(i.kind, |k| k.label().to_owned()),
            closed_on: i.closed_on,
            expired_on: i.expired_on,
            entries: i.entries,
            rows: i.rows,
        }
    }
}

impl From<Report> for RetentionReport {
    fn from(r: Report) -> Self {
        Self {
            dry_run: r.dry_run,
            as_of: r.as_of,
            reviews: r.reviews.into_iter().map(Into::into).collect(),
            chronologies: r.chronologies.into_iter().map(Into::into).collect(),
            held: r
                .held
                .into_iter()
                .map(|h| RetentionHeldItem {
                    review_id: ID(h.review_id),
                    reference: h.reference,
                    review_expired_on: h.review_expired_on,
                    chronology_expired_on: h.chronology_expired_on,
                })
                .collect(),
            failed: r
                .failed
                .into_iter()
                .map(|f| RetentionFailedItem {
                    reference: f.reference,
                    what: f.what,
                })
                .collect(),
            audit_entries: r.audit_entries,
            notifications: r.notifications,
            sessions: r.sessions,
            sign_in_attempts: r.sign_in_attempts,
        }
    }
}

/// One run of the purge.
#[derive(SimpleObject)]
pub struct RetentionRun {
    pub id: ID,
    /// `SCHEDULED` (the daily run) or `MANUAL` (run by the business office).
    pub trigger: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// `DONE` or `FAILED`; null while running (or if its instance stopped mid-run).
    pub outcome: Option<String>,
    pub report: Option<RetentionReport>,
}

impl From<retention_run::Model> for RetentionRun {
    fn from(m: retention_run::Model) -> Self {
        Self {
            id: ID(m.id),
            trigger: m.trigger,
            started_at: m.started_at,
            finished_at: m.finished_at,
            outcome: m.outcome,
            report: m
                .summary
                .and_then(|s| serde_json::from_str::<Report>(&s).ok())
                .map(Into::into),
        }
    }
}

/// A legal hold on a review: while it is in force nothing under the review is deleted.
#[derive(SimpleObject, Clone)]
pub struct LegalHold {
    pub id: ID,
    pub reason: String,
    pub set_by: String,
    pub set_at: DateTime<Utc>,
    pub lifted_at: Option<DateTime<Utc>>,
    pub lifted_by: Option<String>,
    pub lift_reason: Option<String>,
}

impl From<HoldView> for LegalHold {
    fn from(v: HoldView) -> Self {
        Self {
            id: ID(v.hold.id),
            reason: v.hold.reason,
            set_by: v.set_by,
            set_at: v.hold.set_at,
            lifted_at: v.hold.lifted_at,
            lifted_by: v.lifted_by,
            lift_reason: v.hold.lift_reason,
        }
    }
}

/// How long a review is kept, as it stands today.
#[derive(SimpleObject)]
pub struct ReviewRetention {
    /// The day it closed (decided not to initiate, completed or published, the latest);
    /// null while open.
    pub closed_on: Option<NaiveDate>,
    /// Its kind's period, in words.
    pub period: String,
    /// The day it expires; null while open or when kept forever.
    pub kept_until: Option<NaiveDate>,
    pub held: bool,
    /// The next run deletes it.
    pub due: bool,
    /// In words.
    pub summary: String,
    pub chronology_period: String,
    pub chronology_kept_until: Option<NaiveDate>,
    /// In words, for its chronology entries.
    pub chronology_summary: String,
}

impl From<super::ReviewRetention> for ReviewRetention {
    fn from(r: super::ReviewRetention) -> Self {
        use shared::retention::{describe, Disposition};
        let until =
            |period: shared::retention::Period| r.closed_on.and_then(|c| period.expires_on(c));
        Self {
            closed_on: r.closed_on,
            period: r.period.describe(),
            kept_until: until(r.period),
            held: matches!(r.review, Disposition::Held { .. }),
            due: r.review.is_expired(),
            summary: describe(r.closed_on, r.period, r.review),
            chronology_period: r.chronology_period.describe(),
            chronology_kept_until: until(r.chronology_period),
            chronology_summary: describe(r.closed_on, r.chronology_period, r.chronology),
        }
    }
}

/// The review's hold in force and its retention (for `Review.legalHold`, `Review.retention`;
/// the review itself was already allowed).
pub async fn review_hold(
    ctx: &Context<'_>,
    review_id: &str,
) -> async_graphql::Result<Option<LegalHold>> {
    let (state, rc) = parts(ctx)?;
    let current = super::hold_in_force(&state.db, review_id).await.gql(rc)?;
    let Some(hold) = current else {
        return Ok(None);
    };
    let views = super::views(&state.db, vec![hold]).await.gql(rc)?;
    Ok(views.into_iter().next().map(Into::into))
}

pub async fn review_holds(
    ctx: &Context<'_>,
    review_id: &str,
) -> async_graphql::Result<Vec<LegalHold>> {
    let (state, rc) = parts(ctx)?;
    let list = super::holds(&state.db, review_id).await.gql(rc)?;
    Ok(list.into_iter().map(Into::into).collect())
}

pub async fn review_retention(
    ctx: &Context<'_>,
    review_id: &str,
) -> async_graphql::Result<ReviewRetention> {
    let (state, rc) = parts(ctx)?;
    let row = super::review_row(&state.db, review_id).await.gql(rc)?;
    super::review_retention(&state.db, &row, state.today())
        .await
        .map(Into::into)
        .gql(rc)
}

#[derive(Default)]
pub struct RetentionQuery;

#[Object]
impl RetentionQuery {
    /// How long each kind of record is kept.
    async fn retention_rules(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<RetentionRule>> {
        let (state, rc) = parts(ctx)?;
        let list = super::rules(&state.db).await.gql(rc)?;
        Ok(list.into_iter().map(Into::into).collect())
    }

    /// What a retention run would delete now, counted; nothing is deleted.
    async fn retention_preview(&self, ctx: &Context<'_>) -> async_graphql::Result<RetentionReport> {
        let (state, rc) = parts(ctx)?;
        super::preview(state, rc, chrono::Utc::now())
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// The latest retention runs, newest first (at most 50).
    async fn retention_runs(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] first: i32,
    ) -> async_graphql::Result<Vec<RetentionRun>> {
        let (state, rc) = parts(ctx)?;
        let first = u64::try_from(first).unwrap_or(0);
        let list = super::runs(&state.db, first).await.gql(rc)?;
        Ok(list.into_iter().map(Into::into).collect())
    }
}

#[derive(Default)]
pub struct RetentionMutation;

#[Object]
impl RetentionMutation {
    /// Changes the rules given; the others stay as they are.
    async fn set_retention_rules(
        &self,
        ctx: &Context<'_>,
        rules: Vec<RetentionRuleInput>,
    ) -> async_graphql::Result<Vec<RetentionRule>> {
        let (state, rc) = parts(ctx)?;
        let drafts = rules
            .into_iter()
            .map(|r| RuleDraft {
                record: r.record_kind,
                review_kind: r.review_kind,
                unit: r.unit,
                amount: r.amount.map(i64::from),
            })
            .collect();
        let list = super::set_rules(state, rc, drafts).await.gql(rc)?;
        Ok(list.into_iter().map(Into::into).collect())
    }

    /// Runs retention now: deletes what has expired and records it.
    async fn run_retention(&self, ctx: &Context<'_>) -> async_graphql::Result<RetentionReport> {
        let (state, rc) = parts(ctx)?;
        super::run_now(state, rc, chrono::Utc::now())
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// Puts a review under a legal hold (reason required): nothing under it is deleted
    /// until the hold is lifted.
    async fn set_legal_hold(
        &self,
        ctx: &Context<'_>,
        review_id: ID,
        reason: String,
    ) -> async_graphql::Result<LegalHold> {
        let (state, rc) = parts(ctx)?;
        super::set_hold(state, rc, &review_id, &reason)
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// Lifts a review's legal hold (reason required).
    async fn lift_legal_hold(
        &self,
        ctx: &Context<'_>,
        review_id: ID,
        reason: String,
    ) -> async_graphql::Result<LegalHold> {
        let (state, rc) = parts(ctx)?;
        super::lift_hold(state, rc, &review_id, &reason)
            .await
            .map(Into::into)
            .gql(rc)
    }
}
