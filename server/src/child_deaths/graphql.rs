//! GraphQL surface of child death review learning: thin, decoding input and calling the
//! service.

use super::{RecordView, YearView};
use crate::actions::graphql::{Action, ActionInput};
use crate::graphql::{parts, IntoGql};
use async_graphql::{ComplexObject, Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use shared::child_deaths::{
    year_label, AgeBand, Cell, ChildDeathDraft, DeathCategory, Modifiability,
};

/// A reviewed child death, pseudonymised.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct ChildDeathReview {
    pub id: ID,
    /// The panel's reference, such as `CDR-2025-014`.
    pub case_number: String,
    pub age_band: AgeBand,
    pub age_band_label: String,
    pub category: DeathCategory,
    pub category_label: String,
    pub modifiability: Modifiability,
    pub modifiability_label: String,
    /// Which modifiable factors were identified (empty unless some were).
    pub modifiable_factors: String,
    pub learning: String,
    pub panel_date: NaiveDate,
    /// The reporting year (from 1 April) of the panel date.
    pub reporting_year: i32,
    /// Who recorded it (none once their account is gone).
    pub recorded_by: Option<String>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
    /// Its actions, where read with the year's records.
    #[graphql(skip)]
    pub planned: Option<Vec<Action>>,
}

#[ComplexObject]
impl ChildDeathReview {
    /// The actions planned from this record's learning (`planChildDeathAction`), as the
    /// caller sees them in the action plan, in the order planned.
    async fn actions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Action>> {
        if let Some(planned) = &self.planned {
            return Ok(planned.clone());
        }
        let (state, rc) = parts(ctx)?;
        super::actions::planned(state, rc, &self.id)
            .await
            .map(|list| list.into_iter().map(Into::into).collect())
            .gql(rc)
    }
}

impl From<RecordView> for ChildDeathReview {
    fn from(v: RecordView) -> Self {
        let r = v.row;
        ChildDeathReview {
            id: ID(r.id),
            case_number: r.case_number,
            age_band: v.age_band,
            age_band_label: v.age_band.label().to_owned(),
            category: v.category,
            category_label: v.category.label().to_owned(),
            modifiability: v.modifiability,
            modifiability_label: v.modifiability.label().to_owned(),
            modifiable_factors: r.modifiable_factors,
            learning: r.learning,
            panel_date: r.panel_date,
            reporting_year: r.reporting_year,
            recorded_by: v.recorded_by,
            version: r.version,
            updated_at: r.updated_at,
            planned: v
                .actions
                .map(|list| list.into_iter().map(Into::into).collect()),
        }
    }
}

/// A count, with whether it is suppressed when published (fewer than 5 deaths, or a
/// second count hidden so that a small one cannot be worked out from the total).
#[derive(SimpleObject, Clone)]
pub struct ChildDeathCount {
    pub count: i32,
    pub suppressed: bool,
    /// The count as published: the number, or "Suppressed".
    pub published: String,
}

impl From<Cell> for ChildDeathCount {
    fn from(c: Cell) -> Self {
        ChildDeathCount {
            count: i32::try_from(c.count).unwrap_or(i32::MAX),
            suppressed: c.suppressed,
            published: c.published(),
        }
    }
}

/// A category's deaths in a year, and of them those with modifiable factors identified.
#[derive(SimpleObject, Clone)]
pub struct ChildDeathCategoryCount {
    pub category: DeathCategory,
    pub label: String,
    pub deaths: ChildDeathCount,
    pub modifiable: ChildDeathCount,
}

#[derive(SimpleObject, Clone)]
pub struct ChildDeathAgeBandCount {
    pub age_band: AgeBand,
    pub label: String,
    pub deaths: ChildDeathCount,
}

#[derive(SimpleObject, Clone)]
pub struct ChildDeathModifiabilityCount {
    pub modifiability: Modifiability,
    pub label: String,
    pub deaths: ChildDeathCount,
}

/// A reporting year's reviewed deaths and their counts (every category, age band and
/// judgement, zeros too).
#[derive(SimpleObject, Clone)]
pub struct ChildDeathYear {
    /// The year the reporting year starts in (1 April).
    pub year: i32,
    /// "April 2025 to March 2026".
    pub label: String,
    pub total: ChildDeathCount,
    pub by_category: Vec<ChildDeathCategoryCount>,
    pub by_age_band: Vec<ChildDeathAgeBandCount>,
    pub by_modifiability: Vec<ChildDeathModifiabilityCount>,
    /// The records, latest panel first.
    pub reviews: Vec<ChildDeathReview>,
}

impl From<YearView> for ChildDeathYear {
    fn from(v: YearView) -> Self {
        let c = v.counts;
        ChildDeathYear {
            year: v.year,
            label: year_label(v.year),
            total: c.total.into(),
            by_category: c
                .by_category
                .into_iter()
                .map(|r| ChildDeathCategoryCount {
                    category: r.category,
                    label: r.category.label().to_owned(),
                    deaths: r.deaths.into(),
                    modifiable: r.modifiable.into(),
                })
                .collect(),
            by_age_band: c
                .by_age_band
                .into_iter()
                .map(|(b, cell)| ChildDeathAgeBandCount {
                    age_band: b,
                    label: b.label().to_owned(),
                    deaths: cell.into(),
                })
                .collect(),
            by_modifiability: c
                .by_modifiability
                .into_iter()
                .map(|(m, cell)| ChildDeathModifiabilityCount {
                    modifiability: m,
                    label: m.label().to_owned(),
                    deaths: cell.into(),
                })
                .collect(),
            reviews: v.records.into_iter().map(Into::into).collect(),
        }
    }
}

/// A reviewed death as the business office records it. No names, dates of birth,
/// addresses or other identifiers: any found refuses the record as VALIDATION naming the
/// field and what was found.
#[derive(InputObject)]
pub struct ChildDeathReviewInput {
    /// The panel's reference (at most 30 characters; letters, digits, spaces, `- / .`),
    /// once per death.
    pub case_number: String,
    pub age_band: AgeBand,
    pub category: DeathCategory,
    pub modifiability: Modifiability,
    /// Which modifiable factors: required when identified, empty otherwise (at most 4,000
    /// characters).
    #[graphql(default)]
    pub modifiable_factors: String,
    /// What the panel learnt (at most 4,000 characters).
    #[graphql(default)]
    pub learning: String,
    /// The date of the panel (not in the future); it sets the reporting year.
    pub panel_date: NaiveDate,
}

impl From<ChildDeathReviewInput> for ChildDeathDraft {
    fn from(i: ChildDeathReviewInput) -> Self {
        ChildDeathDraft {
            case_number: i.case_number,
            age_band: i.age_band,
            category: i.category,
            modifiability: i.modifiability,
            modifiable_factors: i.modifiable_factors,
            learning: i.learning,
            panel_date: i.panel_date,
        }
    }
}

#[derive(Default)]
pub struct ChildDeathQuery;

#[Object]
impl ChildDeathQuery {
    /// A reporting year's reviewed deaths and counts (the business office and the
    /// independent chair). `year` is the year it starts in (2025 is April 2025 to March
    /// 2026); none for the current one.
    async fn child_death_year(
        &self,
        ctx: &Context<'_>,
        year: Option<i32>,
    ) -> async_graphql::Result<ChildDeathYear> {
        let (state, rc) = parts(ctx)?;
        let year = year.unwrap_or_else(|| shared::child_deaths::reporting_year(state.today()));
        super::year(state, rc, year).await.map(Into::into).gql(rc)
    }

    /// The reporting years with records, latest first, always with the current one.
    async fn child_death_years(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<i32>> {
        let (state, rc) = parts(ctx)?;
        super::years(state, rc).await.gql(rc)
    }
}

#[derive(Default)]
pub struct ChildDeathMutation;

#[Object]
impl ChildDeathMutation {
    /// Records a death the panel reviewed (business office).
    async fn record_child_death_review(
        &self,
        ctx: &Context<'_>,
        input: ChildDeathReviewInput,
    ) -> async_graphql::Result<ChildDeathReview> {
        let (state, rc) = parts(ctx)?;
        super::create(state, rc, input.into())
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// Changes a record if it is still at `version`; CONFLICT otherwise (business office).
    async fn update_child_death_review(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        input: ChildDeathReviewInput,
    ) -> async_graphql::Result<ChildDeathReview> {
        let (state, rc) = parts(ctx)?;
        super::update(state, rc, &id, version, input.into())
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// Deletes a record made in error if it is still at `version` (business office).
    async fn delete_child_death_review(
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

    /// Plans an action from a record's learning (business office). It joins the action
    /// plan as an action of the reporting year's child death review learning plan
    /// (`CDOP-2025/A1`), under the record's learning point, which carries what the panel
    /// learned and never the case number.
    async fn plan_child_death_action(
        &self,
        ctx: &Context<'_>,
        record_id: ID,
        input: ActionInput,
    ) -> async_graphql::Result<Action> {
        let (state, rc) = parts(ctx)?;
        super::actions::plan_action(state, rc, &record_id, input.into())
            .await
            .map(Into::into)
            .gql(rc)
    }
}
