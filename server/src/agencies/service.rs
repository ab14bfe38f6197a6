//! Agency rules that need the database: unique prefixes, QA mechanisms kept by the agency's
//! own lead, every change with its audit row in one transaction.

use crate::audit_log::{self, Event};
use crate::context::RequestContext;
use crate::db::begin_write;
use crate::entities::{agency, qa_mechanism};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use shared::agencies::{validate_qa_mechanisms, AgencyDraft, QaMechanismDraft};
use std::collections::HashMap;

pub async fn list(
    db: &DatabaseConnection,
    include_inactive: bool,
) -> AppResult<Vec<agency::Model>> {
    let mut query = agency::Entity::find().order_by_asc(agency::Column::Name);
    if !include_inactive {
        query = query.filter(agency::Column::Active.eq(true));
    }
    Ok(query.all(db).await?)
}

/// Refuses agencies that are not there (field `agencyIds.{i}`, by position in `ids`).
pub async fn all_known<C: ConnectionTrait>(db: &C, ids: &[String]) -> AppResult<()> {
    let known = agency::Entity::find()
        .filter(agency::Column::Id.is_in(ids.iter().cloned()))
        .all(db)
        .await?;
    for (i, id) in ids.iter().enumerate() {
        if !known.iter().any(|a| &a.id == id) {
            return Err(AppError::validation(
                format!("agencyIds.{i}"),
                "is not an agency",
            ));
        }
    }
    Ok(())
}

/// Each of `rows` with its agency (`agency_of` names it); a row whose agency is gone is
/// left out.
pub async fn with_agencies<C: ConnectionTrait, M>(
    db: &C,
    rows: Vec<M>,
    agency_of: impl Fn(&M) -> &str,
) -> AppResult<Vec<(M, agency::Model)>> {
    let agencies: HashMap<String, agency::Model> = agency::Entity::find()
        .filter(agency::Column::Id.is_in(rows.iter().map(|r| agency_of(r).to_owned())))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let a = agencies.get(agency_of(&r))?.clone();
            Some((r, a))
        })
        .collect())
}

pub async fn get<C: ConnectionTrait>(db: &C, id: &str) -> AppResult<agency::Model> {
    agency::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or(AppError::NotFound("Agency"))
}

/// The QA mechanisms of each agency asked for, in their order.
pub async fn qa_mechanisms(
    db: &DatabaseConnection,
    agency_ids: &[String],
) -> AppResult<HashMap<String, Vec<qa_mechanism::Model>>> {
    let rows = qa_mechanism::Entity::find()
        .filter(qa_mechanism::Column::AgencyId.is_in(agency_ids.iter().cloned()))
        .order_by_asc(qa_mechanism::Column::Position)
        .all(db)
        .await?;
    let mut by_agency: HashMap<String, Vec<qa_mechanism::Model>> = HashMap::new();
    for row in rows {
        by_agency
            .entry(row.agency_id.clone())
            .or_default()
            .push(row);
    }
    Ok(by_agency)
}

/// What an agency's colour would look like beside the others: the agencies (other than
/// `except`, the one being edited) whose colour is too close to it, and a colour to use
/// instead when there are any (the rule: `shared::colour`). A colour that is not `#rrggbb`
/// is a VALIDATION problem of `colour`.
pub async fn colour_check(
    db: &DatabaseConnection,
    colour: &str,
    except: Option<&str>,
) -> AppResult<(String, Vec<agency::Model>, Option<String>)> {
    let mut problems = shared::Problems::new();
    let colour = shared::agencies::colour(&mut problems, "colour", colour);
    problems.into_result()?;
    let wanted = shared::colour::parse_hex(&colour)
        .ok_or_else(|| AppError::validation("colour", "must be a colour such as #1d70b8"))?;
    let mut others = agency::Entity::find()
        .order_by_asc(agency::Column::Prefix)
        .all(db)
        .await?;
    others.retain(|a| Some(a.id.as_str()) != except);
    let (close, suggestion) = shared::colour::check(wanted, &others, |a| a.colour.as_str());
    let close = close.into_iter().cloned().collect();
    Ok((colour, close, suggestion.map(shared::colour::to_hex)))
}

async fn ensure_prefix_free<C: ConnectionTrait>(
    conn: &C,
    prefix: &str,
    except: Option<&str>,
) -> AppResult<()> {
    let existing = agency::Entity::find()
        .filter(agency::Column::Prefix.eq(prefix))
        .one(conn)
        .await?;
    match existing {
        Some(other) if Some(other.id.as_str()) != except => Err(AppError::validation(
            "prefix",
            format!("{prefix} is already the prefix of {}", other.name),
        )),
        _ => Ok(()),
    }
}

pub async fn create(
    state: &AppState,
    rc: &RequestContext,
    draft: AgencyDraft,
) -> AppResult<agency::Model> {
    let draft = draft.validate()?;
    let txn = begin_write(&state.db).await?;
    ensure_prefix_free(&txn, &draft.prefix, None).await?;
    let now = crate::db::now();
    let row = agency::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        name: Set(draft.name),
        kind: Set(draft.kind.code().to_owned()),
        prefix: Set(draft.prefix),
        colour: Set(draft.colour),
        active: Set(draft.active),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit_log::append(&txn, rc, Event::new("agency.create", "agency", &row.id)).await?;
    txn.commit().await?;
    Ok(row)
}

pub async fn update(
    state: &AppState,
    rc: &RequestContext,
    id: &str,
    draft: AgencyDraft,
) -> AppResult<agency::Model> {
    let draft = draft.validate()?;
    let txn = begin_write(&state.db).await?;
    let existing = get(&txn, id).await?;
    ensure_prefix_free(&txn, &draft.prefix, Some(id)).await?;
    let mut row: agency::ActiveModel = existing.into();
    row.name = Set(draft.name);
    row.kind = Set(draft.kind.code().to_owned());
    row.prefix = Set(draft.prefix);
    row.colour = Set(draft.colour);
    row.active = Set(draft.active);
    row.updated_at = Set(crate::db::now());
    let row = row.update(&txn).await?;
    audit_log::append(&txn, rc, Event::new("agency.update", "agency", id)).await?;
    txn.commit().await?;
    Ok(row)
}

/// Replaces an agency's whole list of QA mechanisms. Only the business office or that
/// agency's own lead may; for anyone else the agency answers as if it did not exist.
pub async fn set_qa_mechanisms(
    state: &AppState,
    rc: &RequestContext,
    agency_id: &str,
    mechanisms: Vec<QaMechanismDraft>,
) -> AppResult<agency::Model> {
    let actor = rc.actor()?;
    if !actor.can_keep_agency_qa(agency_id) {
        return Err(AppError::NotFound("Agency"));
    }
    let mechanisms = validate_qa_mechanisms(mechanisms, state.today())?;
    let txn = begin_write(&state.db).await?;
    let agency = get(&txn, agency_id).await?;
    qa_mechanism::Entity::delete_many()
        .filter(qa_mechanism::Column::AgencyId.eq(agency_id))
        .exec(&txn)
        .await?;
    for (position, m) in mechanisms.into_iter().enumerate() {
        qa_mechanism::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            agency_id: Set(agency_id.to_owned()),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            text: Set(m.text),
            last_updated: Set(m.last_updated),
        }
        .insert(&txn)
        .await?;
    }
    audit_log::append(
        &txn,
        rc,
        Event::new("agency.qa_mechanisms.set", "agency", agency_id),
    )
    .await?;
    txn.commit().await?;
    Ok(agency)
}
