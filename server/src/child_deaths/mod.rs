//! Child death review learning: the business office records each death its child death
//! overview panel reviewed, pseudonymised (the rules and the yearly counts are
//! `shared::child_deaths`); the office and the independent chair read them by reporting
//! year. Nobody else does: the records are about children who died, and the published
//! counts are what the partnership shares.

pub mod actions;
pub mod graphql;

use crate::audit_log::{self, Event};
use crate::context::RequestContext;
use crate::db::begin_write;
use crate::entities::{agency, app_user, child_death_review as record};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use shared::child_deaths::{
    self as rules, AgeBand, ChildDeathDraft, Counted, DeathCategory, Modifiability, YearCounts,
    MAX_RECORDS, READERS, WRITERS,
};
use std::collections::HashMap;

const RECORD: &str = "Child death review record";

/// A record with its vocabulary read, and who recorded it.
#[derive(Debug, Clone)]
pub struct RecordView {
    pub row: record::Model,
    pub age_band: AgeBand,
    pub category: DeathCategory,
    pub modifiability: Modifiability,
    pub recorded_by: Option<String>,
    /// The actions planned from it that the reader sees, where read with a year's records
    /// (in one query for all of them); `None` where they are read one record at a time.
    pub actions: Option<Vec<crate::actions::service::ActionView>>,
}

/// A reporting year's records (latest panel first) and their counts.
#[derive(Debug, Clone)]
pub struct YearView {
    pub year: i32,
    pub records: Vec<RecordView>,
    pub counts: YearCounts,
}

fn read(row: record::Model, names: &HashMap<String, String>) -> AppResult<RecordView> {
    let age_band: AgeBand = crate::db::stored(&row.age_band)?;
    let category: DeathCategory = crate::db::stored(&row.category)?;
    let modifiability: Modifiability = crate::db::stored(&row.modifiability)?;
    Ok(RecordView {
        recorded_by: row.recorded_by.as_ref().and_then(|u| names.get(u).cloned()),
        actions: None,
        age_band,
        category,
        modifiability,
        row,
    })
}

async fn views<C: ConnectionTrait>(db: &C, rows: Vec<record::Model>) -> AppResult<Vec<RecordView>> {
    let ids: Vec<String> = rows.iter().filter_map(|r| r.recorded_by.clone()).collect();
    let names: HashMap<String, String> = if ids.is_empty() {
        HashMap::new()
    } else {
        app_user::Entity::find()
            .filter(app_user::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect()
    };
    rows.into_iter().map(|r| read(r, &names)).collect()
}

/// A reporting year's records and counts (the office and the chair).
pub async fn year(state: &AppState, rc: &RequestContext, year: i32) -> AppResult<YearView> {
    let actor = rc.require_any(READERS)?;
    if let Some(problem) = rules::year_problem(year) {
        return Err(AppError::validation("year", problem));
    }
    let rows = record::Entity::find()
        .filter(record::Column::ReportingYear.eq(year))
        .order_by_desc(record::Column::PanelDate)
        .order_by_asc(record::Column::CaseNumber)
        .limit(MAX_RECORDS)
        .all(&state.db)
        .await?;
    let mut records = views(&state.db, rows).await?;
    let ids: Vec<String> = records.iter().map(|r| r.row.id.clone()).collect();
    let mut planned = actions::by_record(&state.db, actor, ids, state.today()).await?;
    for r in &mut records {
        r.actions = Some(planned.remove(&r.row.id).unwrap_or_default());
    }
    let counted: Vec<Counted> = records
        .iter()
        .map(|r| Counted {
            category: r.category,
            age_band: r.age_band,
            modifiability: r.modifiability,
        })
        .collect();
    state
        .record_read(
            rc,
            Event {
                action: "child_death_review.list",
                object_type: "child_death_review",
                object_id: None,
            },
        )
        .await?;
    Ok(YearView {
        year,
        counts: rules::year_counts(&counted),
        records,
    })
}

/// The reporting years that have records, latest first, with the current one.
pub async fn years(state: &AppState, rc: &RequestContext) -> AppResult<Vec<i32>> {
    rc.require_any(READERS)?;
    let mut years: Vec<i32> = record::Entity::find()
        .select_only()
        .column(record::Column::ReportingYear)
        .distinct()
        .into_tuple()
        .all(&state.db)
        .await?;
    years.push(rules::reporting_year(state.today()));
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    Ok(years)
}

/// The words that are not people's names in a record: the agencies' names and prefixes.
async fn known_words<C: ConnectionTrait>(db: &C) -> AppResult<Vec<String>> {
    Ok(agency::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .flat_map(|a| [a.prefix, a.name])
        .collect())
}

async fn check<C: ConnectionTrait>(
    db: &C,
    state: &AppState,
    draft: ChildDeathDraft,
    except: Option<&str>,
) -> AppResult<ChildDeathDraft> {
    let known = known_words(db).await?;
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    let draft = draft.validate(&known, state.today())?;
    let mut same = record::Entity::find().filter(record::Column::CaseNumber.eq(&draft.case_number));
    if let Some(id) = except {
        same = same.filter(record::Column::Id.ne(id));
    }
    if same.count(db).await? > 0 {
        return Err(AppError::validation(
            "caseNumber",
            "is already recorded: each death is recorded once",
        ));
    }
    Ok(draft)
}

fn apply(am: &mut record::ActiveModel, d: ChildDeathDraft) {
    am.reporting_year = Set(d.year());
    am.case_number = Set(d.case_number);
    am.age_band = Set(d.age_band.code().to_owned());
    am.category = Set(d.category.code().to_owned());
    am.modifiability = Set(d.modifiability.code().to_owned());
    am.modifiable_factors = Set(d.modifiable_factors);
    am.learning = Set(d.learning);
    am.panel_date = Set(d.panel_date);
}

async fn one<C: ConnectionTrait>(db: &C, id: &str) -> AppResult<RecordView> {
    let row = record::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or(AppError::NotFound(RECORD))?;
    views(db, vec![row])
        .await?
        .pop()
        .ok_or(AppError::NotFound(RECORD))
}

/// Records a reviewed death (the business office).
pub async fn create(
    state: &AppState,
    rc: &RequestContext,
    draft: ChildDeathDraft,
) -> AppResult<RecordView> {
    let actor = rc.require_any(WRITERS)?;
    let txn = begin_write(&state.db).await?;
    if record::Entity::find().count(&txn).await? >= MAX_RECORDS {
        return Err(AppError::validation(
            "caseNumber",
            format!("the platform keeps at most {MAX_RECORDS} child death review records"),
        ));
    }
    let draft = check(&txn, state, draft, None).await?;
    let now = crate::db::now();
    let id = uuid::Uuid::new_v4().to_string();
    let mut am = record::ActiveModel {
        id: Set(id.clone()),
        recorded_by: Set(Some(actor.user_id.clone())),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    };
    apply(&mut am, draft);
    am.insert(&txn).await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("child_death_review.create", "child_death_review", &id),
    )
    .await?;
    let view = one(&txn, &id).await?;
    txn.commit().await?;
    Ok(view)
}

fn stale() -> AppError {
    AppError::changed_since_opened("this record")
}

/// Changes a record if it is still at `version` (the business office).
pub async fn update(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    version: i32,
    draft: ChildDeathDraft,
) -> AppResult<RecordView> {
    rc.require_any(WRITERS)?;
    let txn = begin_write(&state.db).await?;
    let current = record::Entity::find_by_id(id.to_owned())
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound(RECORD))?;
    if current.version != version {
        return Err(stale());
    }
    let draft = check(&txn, state, draft, Some(id)).await?;
    let mut am = record::ActiveModel {
        updated_at: Set(crate::db::now()),
        ..Default::default()
    };
    apply(&mut am, draft);
    crate::db::update_at_version::<record::Entity, _>(
        &txn,
        am,
        record::Column::Id,
        record::Column::Version,
        id,
        version,
        stale,
    )
    .await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("child_death_review.update", "child_death_review", id),
    )
    .await?;
    let view = one(&txn, id).await?;
    txn.commit().await?;
    Ok(view)
}

/// Deletes a record recorded in error if it is still at `version` (the business office).
pub async fn delete(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    version: i32,
) -> AppResult<()> {
    rc.require_any(WRITERS)?;
    let txn = begin_write(&state.db).await?;
    crate::db::delete_at_version::<record::Entity, _>(
        &txn,
        record::Column::Id,
        record::Column::Version,
        id,
        version,
        RECORD,
        stale,
    )
    .await?;
    audit_log::append(
        &txn,
        rc,
        Event::new("child_death_review.delete", "child_death_review", id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
