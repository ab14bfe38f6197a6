//! Indicators and their values. The business office keeps the indicators and records any
//! value; an agency lead records the values of its own agency's indicators; everyone signed
//! in reads them all (the dataset is the partnership's, and holds no case).

use crate::audit_log::{self, Event};
use crate::context::RequestContext;
use crate::db::begin_write;
use crate::entities::{agency, app_user, indicator, indicator_value};
use crate::error::{AppError, AppResult};
use crate::spreadsheet::{self, WorkbookLimits};
use crate::state::AppState;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use shared::auth::{Actor, Role};
use shared::case_audits::HotSpot;
use shared::performance::import::{self, KnownIndicator};
use shared::performance::spc::{Chart, SpcSettings};
use shared::performance::{
    check_value, indicator_chart, Direction, IndicatorDraft, ReportingPeriod,
    MAX_VALUES_PER_INDICATOR,
};
use std::collections::{BTreeMap, HashMap};

const INDICATOR: &str = "Indicator";

/// An indicator with its values (in period order), who supplied them, and its chart.
#[derive(Debug, Clone)]
pub struct IndicatorView {
    pub indicator: indicator::Model,
    pub direction: Direction,
    pub period: ReportingPeriod,
    pub agency_name: Option<String>,
    /// (value row, the name of who supplied it), in period order.
    pub values: Vec<(indicator_value::Model, Option<String>)>,
    pub chart: Chart,
}

impl IndicatorView {
    pub fn is_hot_spot(&self) -> bool {
        self.chart.is_hot_spot()
    }

    /// What a hot spot's audit theme or learning point says of it: the indicator, what its
    /// chart shows, and its latest value.
    pub fn hot_spot(&self) -> HotSpot<'_> {
        HotSpot {
            indicator: &self.indicator.name,
            definition: &self.indicator.definition,
            variation: self.chart.variation.label(),
            assurance: self.chart.assurance.label(),
            latest: self
                .values
                .last()
                .map(|(v, _)| format!("{}: {}", v.period, v.value)),
        }
    }
}

/// Whether `actor` may record values of an indicator owned by `agency_id`.
pub fn may_record(actor: &Actor, agency_id: Option<&str>) -> bool {
    actor.has(Role::BusinessOffice)
        || (actor.has(Role::AgencyLead)
            && agency_id.is_some()
            && actor.agency_id.as_deref() == agency_id)
}

fn direction_of(m: &indicator::Model) -> AppResult<Direction> {
    crate::db::stored(&m.direction)
}

fn period_of(m: &indicator::Model) -> AppResult<ReportingPeriod> {
    crate::db::stored(&m.period)
}

async fn views<C: ConnectionTrait>(
    db: &C,
    indicators: Vec<indicator::Model>,
) -> AppResult<Vec<IndicatorView>> {
    let ids: Vec<String> = indicators.iter().map(|i| i.id.clone()).collect();
    let rows = indicator_value::Entity::find()
        .filter(indicator_value::Column::IndicatorId.is_in(ids))
        .order_by_asc(indicator_value::Column::Period)
        .all(db)
        .await?;
    let user_ids: Vec<String> = rows.iter().filter_map(|r| r.supplied_by.clone()).collect();
    let names: HashMap<String, String> = if user_ids.is_empty() {
        HashMap::new()
    } else {
        app_user::Entity::find()
            .filter(app_user::Column::Id.is_in(user_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect()
    };
    let agencies: HashMap<String, String> = agency::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let mut by_indicator: HashMap<String, Vec<indicator_value::Model>> = HashMap::new();
    for row in rows {
        by_indicator
            .entry(row.indicator_id.clone())
            .or_default()
            .push(row);
    }
    indicators
        .into_iter()
        .map(|m| {
            let values = by_indicator.remove(&m.id).unwrap_or_default();
            let direction = direction_of(&m)?;
            let period = period_of(&m)?;
            let pairs: Vec<(String, f64)> =
                values.iter().map(|v| (v.period.clone(), v.value)).collect();
            let settings = SpcSettings {
                shift_run: usize::try_from(m.shift_run).unwrap_or(7),
                trend_run: usize::try_from(m.trend_run).unwrap_or(6),
            };
            let (_, chart) = indicator_chart(
                &pairs,
                m.baseline_from.as_deref(),
                m.baseline_to.as_deref(),
                m.target,
                direction,
                &settings,
            );
            let values = values
                .into_iter()
                .map(|v| {
                    let name = v.supplied_by.as_ref().and_then(|u| names.get(u).cloned());
                    (v, name)
                })
                .collect();
            Ok(IndicatorView {
                agency_name: m.agency_id.as_ref().and_then(|a| agencies.get(a).cloned()),
                direction,
                period,
                values,
                chart,
                indicator: m,
            })
        })
        .collect()
}

/// Every indicator, hot spots first, then by name.
pub async fn list<C: ConnectionTrait>(db: &C) -> AppResult<Vec<IndicatorView>> {
    let rows = indicator::Entity::find()
        .order_by_asc(indicator::Column::Name)
        .all(db)
        .await?;
    let mut all = views(db, rows).await?;
    all.sort_by_key(|v| !v.is_hot_spot());
    Ok(all)
}

pub async fn get<C: ConnectionTrait>(db: &C, id: &str) -> AppResult<IndicatorView> {
    let row = indicator::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or(AppError::NotFound(INDICATOR))?;
    Ok(views(db, vec![row]).await?.remove(0))
}

async fn check_agency<C: ConnectionTrait>(db: &C, agency_id: Option<&str>) -> AppResult<()> {
    if let Some(id) = agency_id {
        if agency::Entity::find_by_id(id.to_owned())
            .one(db)
            .await?
            .is_none()
        {
            return Err(AppError::validation("agencyId", "is not an agency"));
        }
    }
    Ok(())
}

fn snapshot(m: &indicator::Model) -> serde_json::Value {
    serde_json::json!({
        "id": m.id, "version": m.version, "name": m.name, "definition": m.definition,
        "unit": m.unit, "direction": m.direction, "target": m.target, "period": m.period,
        "agencyId": m.agency_id, "baselineFrom": m.baseline_from, "baselineTo": m.baseline_to,
        "shiftRun": m.shift_run, "trendRun": m.trend_run,
    })
}

fn stale(m: &indicator::Model) -> AppError {
    AppError::StaleVersion {
        message: "Someone saved this indicator since you opened it. Compare the two versions and save the one you want.".into(),
        current: snapshot(m),
    }
}

fn apply(am: &mut indicator::ActiveModel, d: IndicatorDraft) {
    am.name = Set(d.name);
    am.definition = Set(d.definition);
    am.unit = Set(d.unit);
    am.direction = Set(d.direction.code().to_owned());
    am.target = Set(d.target);
    am.period = Set(d.period.code().to_owned());
    am.agency_id = Set(d.agency_id);
    am.baseline_from = Set(d.baseline_from);
    am.baseline_to = Set(d.baseline_to);
    am.shift_run = Set(d.shift_run);
    am.trend_run = Set(d.trend_run);
}

pub async fn create(
    state: &AppState,
    rc: &RequestContext,
    draft: IndicatorDraft,
) -> AppResult<IndicatorView> {
    rc.require_any(&[Role::BusinessOffice])?;
    let draft = draft.validate()?;
    let txn = begin_write(&state.db).await?;
    check_agency(&txn, draft.agency_id.as_deref()).await?;
    let now = crate::db::now();
    let id = uuid::Uuid::new_v4().to_string();
    let mut am = indicator::ActiveModel {
        id: Set(id.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    };
    apply(&mut am, draft);
    let row = am.insert(&txn).await?;
    audit_log::append(&txn, rc, Event::new("indicator.create", "indicator", &id)).await?;
    let view = views(&txn, vec![row]).await?.remove(0);
    txn.commit().await?;
    Ok(view)
}

/// Saves an indicator if it is still at `version`; CONFLICT with the stored one otherwise.
/// Changing its reporting period is refused once it has values (their keys would not fit).
pub async fn update(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    version: i32,
    draft: IndicatorDraft,
) -> AppResult<IndicatorView> {
    rc.require_any(&[Role::BusinessOffice])?;
    let draft = draft.validate()?;
    let txn = begin_write(&state.db).await?;
    let current = indicator::Entity::find_by_id(id.to_owned())
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound(INDICATOR))?;
    if current.version != version {
        return Err(stale(&current));
    }
    check_agency(&txn, draft.agency_id.as_deref()).await?;
    if draft.period.code() != current.period {
        let n = indicator_value::Entity::find()
            .filter(indicator_value::Column::IndicatorId.eq(id))
            .count(&txn)
            .await?;
        if n > 0 {
            return Err(AppError::validation(
                "period",
                "cannot change while the indicator has values",
            ));
        }
    }
    let mut am = indicator::ActiveModel {
        updated_at: Set(crate::db::now()),
        ..Default::default()
    };
    apply(&mut am, draft);
    crate::db::update_at_version::<indicator::Entity, _>(
        &txn,
        am,
        indicator::Column::Id,
        indicator::Column::Version,
        id,
        version,
        || stale(&current),
    )
    .await?;
    audit_log::append(&txn, rc, Event::new("indicator.update", "indicator", id)).await?;
    let view = get(&txn, id).await?;
    txn.commit().await?;
    Ok(view)
}

/// Records (or replaces) the value of one period, with who supplied it and when.
pub async fn record_value(
    state: &AppState,
    rc: &RequestContext,
    indicator_id: &str,
    period: &str,
    value: f64,
) -> AppResult<IndicatorView> {
    let actor = rc.actor()?;
    let txn = begin_write(&state.db).await?;
    let ind = indicator::Entity::find_by_id(indicator_id.to_owned())
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound(INDICATOR))?;
    if !may_record(actor, ind.agency_id.as_deref()) {
        return Err(AppError::Forbidden);
    }
    let key = check_value(period_of(&ind)?, period, value)?;
    let existing = indicator_value::Entity::find()
        .filter(indicator_value::Column::IndicatorId.eq(indicator_id))
        .filter(indicator_value::Column::Period.eq(key.as_str()))
        .one(&txn)
        .await?;
    let now = crate::db::now();
    match existing {
        Some(row) => {
            let mut am: indicator_value::ActiveModel = row.into();
            am.value = Set(value);
            am.supplied_by = Set(Some(actor.user_id.clone()));
            am.supplied_at = Set(now);
            am.update(&txn).await?;
        }
        None => {
            let n = indicator_value::Entity::find()
                .filter(indicator_value::Column::IndicatorId.eq(indicator_id))
                .select_only()
                .column(indicator_value::Column::Id)
                .count(&txn)
                .await?;
            if n >= MAX_VALUES_PER_INDICATOR as u64 {
                return Err(AppError::validation(
                    "period",
                    format!("an indicator keeps at most {MAX_VALUES_PER_INDICATOR} values"),
                ));
            }
            indicator_value::ActiveModel {
                id: Set(uuid::Uuid::new_v4().to_string()),
                indicator_id: Set(indicator_id.to_owned()),
                period: Set(key),
                value: Set(value),
                supplied_by: Set(Some(actor.user_id.clone())),
                supplied_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
    }
    audit_log::append(
        &txn,
        rc,
        Event::new("indicator.value_recorded", "indicator", indicator_id),
    )
    .await?;
    let view = get(&txn, indicator_id).await?;
    txn.commit().await?;
    Ok(view)
}

/// What an import of values stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportCounts {
    /// Values of periods that had none.
    pub added: usize,
    /// Values that replaced one already recorded.
    pub replaced: usize,
    /// Indicators that got values.
    pub indicators: usize,
}

/// The longest file name accepted with an upload.
const MAX_FILE_NAME_CHARS: usize = 255;

/// Rows inserted by one statement.
const VALUE_BATCH: usize = 500;

/// Records the values of an uploaded file (CSV or XLSX), all or nothing: the file is read
/// (bounded, off the async threads), then, in one write transaction holding the
/// indicators, every row is checked (`shared::performance::import`) with who may record
/// which indicator's values; any problem refuses the whole file as VALIDATION, each
/// problem's field `row N, Column`. A row naming an indicator the person may not record
/// (an agency lead's file naming another agency's or a partnership-wide indicator) is such
/// a problem, so the person sees every row to correct at once. Values are written like
/// [`record_value`]'s (a period's value replaced, with who supplied it and when), with one
/// audit row per indicator that got values.
pub async fn import_values(
    state: &AppState,
    rc: &RequestContext,
    file_name: &str,
    bytes: Vec<u8>,
) -> AppResult<ImportCounts> {
    let actor = rc.actor()?;
    if file_name.chars().count() > MAX_FILE_NAME_CHARS {
        return Err(AppError::validation(
            "fileName",
            format!("must be at most {MAX_FILE_NAME_CHARS} characters"),
        ));
    }
    let limits = WorkbookLimits {
        max_rows: import::MAX_ROWS.min(state.config.max_import_rows),
        ..WorkbookLimits::from_config(&state.config)
    };
    let file_name = file_name.to_owned();
    let rows = spreadsheet::read_off_thread(state, move || {
        spreadsheet::file_rows(&file_name, &bytes, &import::FILE, &limits)
    })
    .await?
    .map_err(|p| spreadsheet::problems_error(vec![p]))?;

    let txn = begin_write(&state.db).await?;
    let indicators = indicator::Entity::find()
        .order_by_asc(indicator::Column::Id)
        .lock_exclusive()
        .all(&txn)
        .await?;
    let mut existing: HashMap<String, Vec<String>> = HashMap::new();
    let held: Vec<(String, String)> = indicator_value::Entity::find()
        .select_only()
        .column(indicator_value::Column::IndicatorId)
        .column(indicator_value::Column::Period)
        .into_tuple()
        .all(&txn)
        .await?;
    for (id, period) in held {
        existing.entry(id).or_default().push(period);
    }
    let known: Vec<KnownIndicator> = indicators
        .iter()
        .map(|m| {
            Ok(KnownIndicator {
                id: m.id.clone(),
                name: m.name.clone(),
                period: period_of(m)?,
                recordable: may_record(actor, m.agency_id.as_deref()),
                existing: existing.remove(&m.id).unwrap_or_default(),
            })
        })
        .collect::<AppResult<_>>()?;
    let values = import::read_values(&rows, &known).map_err(spreadsheet::problems_error)?;

    // By indicator, in a steady order: the replaced periods go, then every value goes in.
    let mut by_indicator: BTreeMap<&str, Vec<&import::ImportedValue>> = BTreeMap::new();
    for v in &values {
        by_indicator
            .entry(v.indicator_id.as_str())
            .or_default()
            .push(v);
    }
    for (id, list) in &by_indicator {
        let replaced: Vec<&str> = list
            .iter()
            .filter(|v| v.replaces)
            .map(|v| v.period.as_str())
            .collect();
        for chunk in replaced.chunks(VALUE_BATCH) {
            indicator_value::Entity::delete_many()
                .filter(indicator_value::Column::IndicatorId.eq(*id))
                .filter(indicator_value::Column::Period.is_in(chunk.iter().copied()))
                .exec(&txn)
                .await?;
        }
    }
    let now = crate::db::now();
    for chunk in values.chunks(VALUE_BATCH) {
        let rows = chunk.iter().map(|v| indicator_value::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            indicator_id: Set(v.indicator_id.clone()),
            period: Set(v.period.clone()),
            value: Set(v.value),
            supplied_by: Set(Some(actor.user_id.clone())),
            supplied_at: Set(now),
        });
        indicator_value::Entity::insert_many(rows)
            .exec_without_returning(&txn)
            .await?;
    }
    for id in by_indicator.keys() {
        audit_log::append(
            &txn,
            rc,
            Event::new("indicator.values_imported", "indicator", id),
        )
        .await?;
    }
    txn.commit().await?;
    let replaced = values.iter().filter(|v| v.replaces).count();
    Ok(ImportCounts {
        added: values.len() - replaced,
        replaced,
        indicators: by_indicator.len(),
    })
}
