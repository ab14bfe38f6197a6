//! GraphQL surface of the performance dataset: thin, decoding input and calling the
//! service; each indicator carries its values and its computed XmR chart.

use super::service::{self, IndicatorView};
use crate::actions::graphql::{Action, ActionInput};
use crate::graphql::{parts, IntoGql};
use async_graphql::{ComplexObject, Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use shared::performance::spc::{Assurance, SpecialCause, Variation};
use shared::performance::{Direction, IndicatorDraft, ReportingPeriod};

/// One value of an indicator, with who supplied it and when.
#[derive(SimpleObject, Clone)]
pub struct IndicatorValue {
    /// The period key: `2026-03` (a month) or `2026-Q1` (a quarter).
    pub period: String,
    /// The period in words: "March 2026", "2026 Q1".
    pub period_label: String,
    pub value: f64,
    /// The name of the person who supplied it (none once their account is gone).
    pub supplied_by: Option<String>,
    pub supplied_at: DateTime<Utc>,
}

/// One point of an XmR chart.
#[derive(SimpleObject, Clone)]
pub struct SpcPoint {
    pub period: String,
    pub period_label: String,
    pub value: f64,
    /// Whether the point is one of those the limits were computed from.
    pub in_baseline: bool,
    /// The special causes the point takes part in (none: common cause).
    pub special_causes: Vec<SpecialCause>,
    pub variation: Variation,
    pub variation_label: String,
}

/// An indicator's XmR chart: the mean and process limits of its baseline, the two-sigma
/// lines, its points with their special causes, and what they say.
#[derive(SimpleObject, Clone)]
pub struct SpcChart {
    /// None of these lines while the baseline has fewer than two points.
    pub mean: Option<f64>,
    pub mean_moving_range: Option<f64>,
    pub upper_limit: Option<f64>,
    pub lower_limit: Option<f64>,
    pub upper_near: Option<f64>,
    pub lower_near: Option<f64>,
    pub baseline_points: i32,
    pub target: Option<f64>,
    pub points: Vec<SpcPoint>,
    /// The latest point's variation.
    pub variation: Variation,
    pub variation_label: String,
    pub assurance: Assurance,
    pub assurance_label: String,
    /// A concerning special cause at the latest point, or a target reliably missed.
    pub hot_spot: bool,
}

/// A performance indicator.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Indicator {
    pub id: ID,
    pub name: String,
    pub definition: String,
    pub unit: String,
    pub direction: Direction,
    pub direction_label: String,
    pub target: Option<f64>,
    pub period: ReportingPeriod,
    pub period_label: String,
    /// The owning agency; none for a partnership-wide indicator.
    pub agency_id: Option<ID>,
    pub agency_name: Option<String>,
    pub baseline_from: Option<String>,
    pub baseline_to: Option<String>,
    pub shift_run: i32,
    pub trend_run: i32,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
    /// Its values in period order.
    pub values: Vec<IndicatorValue>,
    /// The latest value.
    pub latest: Option<IndicatorValue>,
    pub chart: SpcChart,
    /// Whether the caller may record its values.
    pub can_record: bool,
    /// Whether the caller may change it.
    pub can_edit: bool,
}

#[ComplexObject]
impl Indicator {
    /// The actions planned from this indicator as a hot spot (`planHotSpotAction`), in
    /// every year, as the caller sees them in the action plan, in the order planned.
    async fn actions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Action>> {
        let (state, rc) = parts(ctx)?;
        super::actions::planned(state, rc, &self.id)
            .await
            .map(|list| list.into_iter().map(Into::into).collect())
            .gql(rc)
    }
}

fn to_gql(v: IndicatorView, actor: Option<&shared::auth::Actor>) -> Indicator {
    let m = &v.indicator;
    let label = |key: &str| {
        v.period
            .parse(key)
            .map(|p| v.period.period_label(p))
            .unwrap_or_else(|_| key.to_owned())
    };
    let values: Vec<IndicatorValue> = v
        .values
        .iter()
        .map(|(row, name)| IndicatorValue {
            period: row.period.clone(),
            period_label: label(&row.period),
            value: row.value,
            supplied_by: name.clone(),
            supplied_at: row.supplied_at,
        })
        .collect();
    let l = v.chart.limits;
    let points = v
        .chart
        .points
        .iter()
        .zip(&values)
        .map(|(p, val)| SpcPoint {
            period: val.period.clone(),
            period_label: val.period_label.clone(),
            value: p.value,
            in_baseline: p.in_baseline,
            special_causes: {
                let mut c: Vec<SpecialCause> = p.signals.iter().map(|s| s.cause).collect();
                c.dedup();
                c
            },
            variation: p.variation,
            variation_label: p.variation.label().to_owned(),
        })
        .collect();
    let chart = SpcChart {
        mean: l.map(|l| l.mean),
        mean_moving_range: l.map(|l| l.mean_moving_range),
        upper_limit: l.map(|l| l.upper),
        lower_limit: l.map(|l| l.lower),
        upper_near: l.map(|l| l.upper_near),
        lower_near: l.map(|l| l.lower_near),
        baseline_points: l
            .map(|l| i32::try_from(l.baseline_points).unwrap_or(i32::MAX))
            .unwrap_or(0),
        target: m.target,
        points,
        variation: v.chart.variation,
        variation_label: v.chart.variation.label().to_owned(),
        assurance: v.chart.assurance,
        assurance_label: v.chart.assurance.label().to_owned(),
        hot_spot: v.is_hot_spot(),
    };
    Indicator {
        id: ID(m.id.clone()),
        name: m.name.clone(),
        definition: m.definition.clone(),
        unit: m.unit.clone(),
        direction: v.direction,
        direction_label: v.direction.label().to_owned(),
        target: m.target,
        period: v.period,
        period_label: v.period.label().to_owned(),
        agency_id: m.agency_id.clone().map(ID),
        agency_name: v.agency_name.clone(),
        baseline_from: m.baseline_from.clone(),
        baseline_to: m.baseline_to.clone(),
        shift_run: m.shift_run,
        trend_run: m.trend_run,
        version: m.version,
        updated_at: m.updated_at,
        latest: values.last().cloned(),
        values,
        chart,
        can_record: actor.is_some_and(|a| service::may_record(a, m.agency_id.as_deref())),
        can_edit: actor.is_some_and(|a| a.has(shared::auth::Role::BusinessOffice)),
    }
}

#[derive(InputObject)]
pub struct IndicatorInput {
    /// At most 200 characters.
    pub name: String,
    pub definition: String,
    #[graphql(default)]
    pub unit: String,
    pub direction: Direction,
    pub target: Option<f64>,
    pub period: ReportingPeriod,
    /// The owning agency; none for a partnership-wide indicator.
    pub agency_id: Option<ID>,
    /// Period keys of the baseline's first and last points (none: all the points).
    pub baseline_from: Option<String>,
    pub baseline_to: Option<String>,
    /// Points on one side of the mean that make a shift (3–20).
    #[graphql(default = 7)]
    pub shift_run: i32,
    /// Points each higher or lower than the last that make a trend (3–20).
    #[graphql(default = 6)]
    pub trend_run: i32,
}

impl From<IndicatorInput> for IndicatorDraft {
    fn from(i: IndicatorInput) -> Self {
        IndicatorDraft {
            name: i.name,
            definition: i.definition,
            unit: i.unit,
            direction: i.direction,
            target: i.target,
            period: i.period,
            agency_id: i.agency_id.map(|a| a.0),
            baseline_from: i.baseline_from,
            baseline_to: i.baseline_to,
            shift_run: i.shift_run,
            trend_run: i.trend_run,
        }
    }
}

/// What importing a file of values stored.
#[derive(SimpleObject, Clone)]
pub struct IndicatorValuesImport {
    /// Values of periods that had none.
    pub added: i32,
    /// Values that replaced one already recorded.
    pub replaced: i32,
    /// Indicators that got values.
    pub indicators: i32,
}

impl From<service::ImportCounts> for IndicatorValuesImport {
    fn from(c: service::ImportCounts) -> Self {
        let n = |v: usize| i32::try_from(v).unwrap_or(i32::MAX);
        IndicatorValuesImport {
            added: n(c.added),
            replaced: n(c.replaced),
            indicators: n(c.indicators),
        }
    }
}

#[derive(Default)]
pub struct PerformanceQuery;

#[Object]
impl PerformanceQuery {
    /// Every performance indicator with its values and chart, hot spots first, then by
    /// name.
    async fn indicators(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Indicator>> {
        let (state, rc) = parts(ctx)?;
        let actor = rc.actor().ok();
        let rows = service::list(&state.db).await.gql(rc)?;
        Ok(rows.into_iter().map(|v| to_gql(v, actor)).collect())
    }

    async fn indicator(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Indicator> {
        let (state, rc) = parts(ctx)?;
        let actor = rc.actor().ok();
        service::get(&state.db, &id)
            .await
            .map(|v| to_gql(v, actor))
            .gql(rc)
    }
}

#[derive(Default)]
pub struct PerformanceMutation;

#[Object]
impl PerformanceMutation {
    /// Adds an indicator (business office).
    async fn create_indicator(
        &self,
        ctx: &Context<'_>,
        input: IndicatorInput,
    ) -> async_graphql::Result<Indicator> {
        let (state, rc) = parts(ctx)?;
        let actor = rc.actor().ok();
        service::create(state, rc, input.into())
            .await
            .map(|v| to_gql(v, actor))
            .gql(rc)
    }

    /// Changes an indicator if it is still at `version` (business office).
    async fn update_indicator(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        input: IndicatorInput,
    ) -> async_graphql::Result<Indicator> {
        let (state, rc) = parts(ctx)?;
        let actor = rc.actor().ok();
        service::update(state, rc, &id, version, input.into())
            .await
            .map(|v| to_gql(v, actor))
            .gql(rc)
    }

    /// Records the value of one period, replacing any already recorded (the business
    /// office, or the lead of the indicator's agency).
    async fn record_indicator_value(
        &self,
        ctx: &Context<'_>,
        indicator_id: ID,
        period: String,
        value: f64,
    ) -> async_graphql::Result<Indicator> {
        let (state, rc) = parts(ctx)?;
        let actor = rc.actor().ok();
        service::record_value(state, rc, &indicator_id, &period, value)
            .await
            .map(|v| to_gql(v, actor))
            .gql(rc)
    }

    /// Records the values of a spreadsheet, CSV or XLSX (`contentBase64`; at most the
    /// configured upload size and 5,000 values), all or nothing, with columns Indicator
    /// (its exact name, whatever the case, or its id), Period (`2026-03` for a monthly
    /// indicator, `2026-Q1` for a quarterly one) and Value; a period's value is replaced as
    /// `recordIndicatorValue` does. The business office may import any indicator's values,
    /// an agency lead its own agency's. A file with any problem writes nothing and is
    /// refused as VALIDATION, every problem's field naming the row and column (`row 3,
    /// Period`; `file` for the file as a whole), including a row naming an indicator the
    /// person may not record.
    async fn import_indicator_values(
        &self,
        ctx: &Context<'_>,
        file_name: String,
        content_base64: String,
    ) -> async_graphql::Result<IndicatorValuesImport> {
        let (state, rc) = parts(ctx)?;
        let bytes = crate::spreadsheet::decode_base64(
            &content_base64,
            state.config.max_upload_bytes,
            &shared::performance::import::FILE,
        )
        .gql(rc)?;
        service::import_values(state, rc, &file_name, bytes)
            .await
            .map(IndicatorValuesImport::from)
            .gql(rc)
    }

    /// Plans an action from an indicator that is a hot spot, in one step (the business
    /// office). It joins the action plan as an action of this year's performance dataset
    /// plan (`PI-2026/A1`), under the indicator's learning point of the year, which says
    /// what its chart shows. VALIDATION when the indicator is not a hot spot.
    async fn plan_hot_spot_action(
        &self,
        ctx: &Context<'_>,
        indicator_id: ID,
        input: ActionInput,
    ) -> async_graphql::Result<Action> {
        let (state, rc) = parts(ctx)?;
        super::actions::plan_action(state, rc, &indicator_id, input.into())
            .await
            .map(Into::into)
            .gql(rc)
    }
}
