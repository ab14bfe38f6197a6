//! Subject access (UK GDPR article 15, issue 21 item 3): for one person of a review's
//! glossary, everything the platform holds about them in that review, as one ZIP for the
//! business office.
//!
//! Searched: every chronology entry of the review (draft and submitted returns), every
//! annotation, the learning summary's fields and comments, the learning points, their
//! recommendations, the actions and their progress updates. A record is included when one of
//! its texts names the person (a real name or alias the glossary holds, or the pseudonym:
//! whole words, ignoring case: `shared::subject_access`); annotations also when they are on
//! an included entry. The audit log entries about the review and its records (who saw or
//! changed them) are included whole. With "redact third parties", every other person of the
//! glossary is replaced by their pseudonym and what the name detector finds by
//! `[redacted]` in the exported texts.
//!
//! Each part is written as CSV and as JSON (the same rows), with a README and a manifest
//! (what was searched, when, by whom, counts per part). Bounded: the rows and bytes read
//! (`--subject-access-max-rows`, `--subject-access-max-bytes`) and the ZIP's size
//! (`--subject-access-max-zip-bytes`); an export over a bound is refused whole
//! (`EXPORT_TOO_LARGE`). Nothing is changed (a review under a legal hold can be exported);
//! the export is recorded in the audit log with its counts and the redaction choice, never
//! content.

pub mod graphql;

use crate::audit_log::{self, Event};
use crate::chronology::export::{file_stem, kind_words, ExportFile};
use crate::chronology::service::{end_of, shared_ids, start_of};
use crate::context::RequestContext;
use crate::db::begin_write;
use crate::entities::{
    action, action_update, agency, annotation, app_user, audit_log as audit_row, chronology_entry,
    chronology_return, glossary_term, learning_point, learning_summary, recommendation, review,
    summary_comment, summary_field,
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{json, Map, Value};
use shared::auth::Role;
use shared::chronology::names::find_suspects_with;
use shared::glossary::{fold, Term};
use shared::spreadsheet::csv_line;
use shared::subject_access::{Search, REDACTED};
use shared::summary::SummaryField;
use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// The audit log action of an export.
pub const EXPORT_ACTION: &str = "review.subject_access.export";

/// One column of a part: its JSON key, its CSV heading, and whether it is free text (the
/// texts searched and, when asked, redacted).
type ColumnSpec = (&'static str, &'static str, bool);

/// One part of the export: a CSV file and its JSON twin.
struct Part {
    file: &'static str,
    title: &'static str,
    columns: &'static [ColumnSpec],
    rows: Vec<Vec<String>>,
}

const ENTRY_COLUMNS: &[ColumnSpec] = &[
    ("id", "Entry id", false),
    ("agency", "Agency", false),
    ("returnStatus", "Return status", false),
    ("seq", "Seq", false),
    ("startDate", "Start Date", false),
    ("startTime", "Start Time", false),
    ("endDate", "End Date", false),
    ("endTime", "End Time", false),
    ("source", "Source of Information", true),
    ("eventType", "Event Type", true),
    ("event", "Event", true),
    ("actionTaken", "Action Taken", true),
    ("sharedWith", "Information Shared With", false),
    ("practitionerComment", "Practitioner Comment", true),
    ("version", "Version", false),
    ("updatedAt", "Updated at", false),
];

const ANNOTATION_COLUMNS: &[ColumnSpec] = &[
    ("id", "Annotation id", false),
    ("entryId", "Entry id", false),
    ("kind", "Kind", false),
    ("text", "Text", true),
    ("author", "Author", false),
    ("createdAt", "Written at", false),
    ("includedBecause", "Included because", false),
];

const SUMMARY_FIELD_COLUMNS: &[ColumnSpec] = &[
    ("field", "Field", false),
    ("text", "Text", true),
    ("version", "Version", false),
    ("updatedBy", "Updated by", false),
    ("updatedAt", "Updated at", false),
];

const SUMMARY_COMMENT_COLUMNS: &[ColumnSpec] = &[
    ("field", "Field", false),
    ("text", "Comment", true),
    ("author", "Author", false),
    ("at", "Written at", false),
];

const POINT_COLUMNS: &[ColumnSpec] = &[
    ("id", "Learning point id", false),
    ("title", "Title", true),
    ("detail", "Detail", true),
    ("scope", "Scope", false),
    ("kind", "Kind", false),
    ("createdAt", "Created at", false),
    ("updatedAt", "Updated at", false),
];

const RECOMMENDATION_COLUMNS: &[ColumnSpec] = &[
    ("id", "Recommendation id", false),
    ("learningPointId", "Learning point id", false),
    ("text", "Text", true),
    ("createdAt", "Created at", false),
];

const ACTION_COLUMNS: &[ColumnSpec] = &[
    ("reference", "Reference", false),
    ("title", "Title", true),
    ("ownerAgency", "Owner agency", false),
    ("status", "Status", false),
    ("targetDate", "Target date", false),
    ("targetDateReason", "Why the target date", true),
    ("ragOverrideReason", "Why the RAG was set", true),
    ("evidenceOfImpact", "Evidence of impact", true),
    ("impactAudit", "How impact will be audited", true),
    ("updatedAt", "Updated at", false),
];

const ACTION_UPDATE_COLUMNS: &[ColumnSpec] = &[
    ("action", "Action", false),
    ("at", "At", false),
    ("author", "Author", false),
    ("statusAfter", "Status after", false),
    ("text", "Text", true),
];

const AUDIT_COLUMNS: &[ColumnSpec] = &[
    ("id", "Entry", false),
    ("at", "At", false),
    ("actor", "Who", false),
    ("agency", "Agency", false),
    ("role", "Role", false),
    ("action", "What", false),
    ("objectType", "Object type", false),
    ("objectId", "Object id", false),
    ("correlationId", "Correlation id", false),
    ("detail", "Detail", false),
];

/// What an export read so far, against the bounds.
struct Budget {
    rows: usize,
    bytes: usize,
    max_rows: usize,
    max_bytes: usize,
}

impl Budget {
    /// How many more rows a query may bring (one more than allowed, to tell "too many").
    fn limit(&self) -> u64 {
        (self.max_rows.saturating_sub(self.rows) + 1) as u64
    }

    fn rows(&mut self, n: usize) -> AppResult<()> {
        self.rows += n;
        if self.rows > self.max_rows {
            return Err(AppError::ExportTooLarge(format!(
                "This review holds more than {} records to search for a subject access export; \
                 the administrator can raise --subject-access-max-rows.",
                self.max_rows
            )));
        }
        Ok(())
    }

    fn text(&mut self, texts: &[&str]) -> AppResult<()> {
        self.bytes += texts.iter().map(|t| t.len()).sum::<usize>();
        if self.bytes > self.max_bytes {
            return Err(AppError::ExportTooLarge(format!(
                "This review holds more than {} bytes of text to search for a subject access \
                 export; the administrator can raise --subject-access-max-bytes.",
                self.max_bytes
            )));
        }
        Ok(())
    }
}

fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn opt(text: &Option<String>) -> &str {
    text.as_deref().unwrap_or_default()
}

async fn find_review<C: ConnectionTrait>(db: &C, id: &str) -> AppResult<review::Model> {
    review::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or(AppError::NotFound("Review"))
}

/// The glossary's terms with their ids.
async fn terms<C: ConnectionTrait>(db: &C, review_id: &str) -> AppResult<Vec<(String, Term)>> {
    Ok(glossary_term::Entity::find()
        .filter(glossary_term::Column::ReviewId.eq(review_id))
        .order_by_asc(glossary_term::Column::RealKey)
        .all(db)
        .await?
        .into_iter()
        .map(|t| {
            (
                t.id,
                Term {
                    real: t.real_text,
                    replacement: t.replacement,
                },
            )
        })
        .collect())
}

/// What was found, before it is written out.
struct Found {
    parts: Vec<Part>,
    /// User ids of the people named as authors, to name.
    user_ids: HashSet<String>,
}

/// Reads and searches the review's records.
async fn search<C: ConnectionTrait>(
    db: &C,
    review: &review::Model,
    search: &Search,
    budget: &mut Budget,
    agencies: &HashMap<String, (String, String)>,
) -> AppResult<Found> {
    let prefix = |id: &str| {
        agencies
            .get(id)
            .map_or_else(|| id.to_owned(), |(p, _)| p.clone())
    };
    let mut user_ids = HashSet::new();

    // Chronology entries, of every return.
    let statuses: HashMap<String, String> = chronology_return::Entity::find()
        .filter(chronology_return::Column::ReviewId.eq(review.id.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.status))
        .collect();
    let entries = chronology_entry::Entity::find()
        .filter(chronology_entry::Column::ReviewId.eq(review.id.clone()))
        .order_by_asc(chronology_entry::Column::StartOn)
        .order_by_asc(chronology_entry::Column::Seq)
        .order_by_asc(chronology_entry::Column::Id)
        .limit(budget.limit())
        .all(db)
        .await?;
    budget.rows(entries.len())?;
    let mut entry_rows = Vec::new();
    let mut matched: HashSet<String> = HashSet::new();
    for e in &entries {
        let texts = [
            e.source.as_str(),
            opt(&e.event_type),
            e.event.as_str(),
            opt(&e.action_taken),
            opt(&e.practitioner_comment),
        ];
        budget.text(&texts)?;
        if !search.mentions_any(texts) {
            continue;
        }
        matched.insert(e.id.clone());
        let shared: Vec<String> = shared_ids(e).iter().map(|id| prefix(id)).collect();
        entry_rows.push(vec![
            e.id.clone(),
            prefix(&e.agency_id),
            statuses.get(&e.return_id).cloned().unwrap_or_default(),
            e.seq.map(|s| s.to_string()).unwrap_or_default(),
            start_of(e).to_string(),
            e.start_time.clone().unwrap_or_default(),
            end_of(e).map(|d| d.to_string()).unwrap_or_default(),
            e.end_time.clone().unwrap_or_default(),
            e.source.clone(),
            e.event_type.clone().unwrap_or_default(),
            e.event.clone(),
            e.action_taken.clone().unwrap_or_default(),
            shared.join("; "),
            e.practitioner_comment.clone().unwrap_or_default(),
            e.version.to_string(),
            stamp(e.updated_at),
        ]);
    }
    drop(entries);

    // Annotations: on an included entry, or naming the person.
    let notes = annotation::Entity::find()
        .filter(annotation::Column::ReviewId.eq(review.id.clone()))
        .order_by_asc(annotation::Column::CreatedAt)
        .order_by_asc(annotation::Column::Id)
        .limit(budget.limit())
        .all(db)
        .await?;
    budget.rows(notes.len())?;
    let mut note_rows = Vec::new();
    for n in notes {
        budget.text(&[&n.text])?;
        let on_entry = matched.contains(&n.entry_id);
        let mentions = search.mentions(&n.text);
        let because = match (on_entry, mentions) {
            (true, true) => "on an included entry; names the person",
            (true, false) => "on an included entry",
            (false, true) => "names the person",
            (false, false) => continue,
        };
        user_ids.insert(n.author_id.clone());
        note_rows.push(vec![
            n.id,
            n.entry_id,
            kind_words(&n.kind).to_owned(),
            n.text,
            n.author_id,
            stamp(n.created_at),
            because.to_owned(),
        ]);
    }

    // The learning summary: fields and comments.
    let mut field_rows = Vec::new();
    let mut comment_rows = Vec::new();
    let summary = learning_summary::Entity::find()
        .filter(learning_summary::Column::ReviewId.eq(review.id.clone()))
        .one(db)
        .await?;
    let label = |code: &str| {
        SummaryField::from_code(code).map_or_else(|| code.to_owned(), |f| f.label().to_owned())
    };
    if let Some(s) = &summary {
        let fields = summary_field::Entity::find()
            .filter(summary_field::Column::SummaryId.eq(s.id.clone()))
            .limit(budget.limit())
            .all(db)
            .await?;
        budget.rows(fields.len())?;
        let mut fields: Vec<_> = fields
            .into_iter()
            .map(|f| {
                let order = SummaryField::from_code(&f.field)
                    .and_then(|k| SummaryField::ALL.iter().position(|x| *x == k))
                    .unwrap_or(usize::MAX);
                (order, f)
            })
            .collect();
        fields.sort_by_key(|(o, _)| *o);
        for (_, f) in fields {
            budget.text(&[&f.text])?;
            if !search.mentions(&f.text) {
                continue;
            }
            user_ids.insert(f.updated_by.clone());
            field_rows.push(vec![
                label(&f.field),
                f.text,
                f.version.to_string(),
                f.updated_by,
                stamp(f.updated_at),
            ]);
        }
        let comments = summary_comment::Entity::find()
            .filter(summary_comment::Column::SummaryId.eq(s.id.clone()))
            .order_by_asc(summary_comment::Column::Id)
            .limit(budget.limit())
            .all(db)
            .await?;
        budget.rows(comments.len())?;
        for c in comments {
            budget.text(&[&c.text])?;
            if !search.mentions(&c.text) {
                continue;
            }
            user_ids.insert(c.author_id.clone());
            comment_rows.push(vec![label(&c.field), c.text, c.author_id, stamp(c.at)]);
        }
    }

    // Learning points and their recommendations.
    let points = learning_point::Entity::find()
        .filter(learning_point::Column::ReviewId.eq(review.id.clone()))
        .order_by_asc(learning_point::Column::CreatedAt)
        .limit(budget.limit())
        .all(db)
        .await?;
    budget.rows(points.len())?;
    let point_ids: Vec<String> = points.iter().map(|p| p.id.clone()).collect();
    let mut point_rows = Vec::new();
    for p in points {
        budget.text(&[&p.title, &p.detail])?;
        if !search.mentions_any([p.title.as_str(), p.detail.as_str()]) {
            continue;
        }
        point_rows.push(vec![
            p.id,
            p.title,
            p.detail,
            p.scope,
            p.kind,
            stamp(p.created_at),
            stamp(p.updated_at),
        ]);
    }
    let mut recommendation_rows = Vec::new();
    for ids in point_ids.chunks(500) {
        let recs = recommendation::Entity::find()
            .filter(recommendation::Column::LearningPointId.is_in(ids.to_vec()))
            .order_by_asc(recommendation::Column::CreatedAt)
            .limit(budget.limit())
            .all(db)
            .await?;
        budget.rows(recs.len())?;
        for r in recs {
            budget.text(&[&r.text])?;
            if !search.mentions(&r.text) {
                continue;
            }
            recommendation_rows.push(vec![r.id, r.learning_point_id, r.text, stamp(r.created_at)]);
        }
    }

    // Actions and their progress updates.
    let actions = action::Entity::find()
        .filter(action::Column::ReviewId.eq(review.id.clone()))
        .order_by_asc(action::Column::Reference)
        .limit(budget.limit())
        .all(db)
        .await?;
    budget.rows(actions.len())?;
    let references: HashMap<String, String> = actions
        .iter()
        .map(|a| (a.id.clone(), a.reference.clone()))
        .collect();
    let mut action_rows = Vec::new();
    for a in actions {
        let texts = [
            a.title.as_str(),
            opt(&a.target_date_reason),
            opt(&a.rag_override_reason),
            opt(&a.evidence_of_impact),
            opt(&a.impact_audit),
        ];
        budget.text(&texts)?;
        if !search.mentions_any(texts) {
            continue;
        }
        action_rows.push(vec![
            a.reference.clone(),
            a.title.clone(),
            prefix(&a.owner_agency_id),
            a.status.clone(),
            a.target_on.to_string(),
            a.target_date_reason.clone().unwrap_or_default(),
            a.rag_override_reason.clone().unwrap_or_default(),
            a.evidence_of_impact.clone().unwrap_or_default(),
            a.impact_audit.clone().unwrap_or_default(),
            stamp(a.updated_at),
        ]);
    }
    let action_ids: Vec<String> = references.keys().cloned().collect();
    let mut update_rows = Vec::new();
    for ids in action_ids.chunks(500) {
        let updates = action_update::Entity::find()
            .filter(action_update::Column::ActionId.is_in(ids.to_vec()))
            .order_by_asc(action_update::Column::At)
            .limit(budget.limit())
            .all(db)
            .await?;
        budget.rows(updates.len())?;
        for u in updates {
            budget.text(&[&u.text])?;
            if !search.mentions(&u.text) {
                continue;
            }
            user_ids.insert(u.author_id.clone());
            update_rows.push(vec![
                references.get(&u.action_id).cloned().unwrap_or_default(),
                stamp(u.at),
                u.author_id,
                u.status_after,
                u.text,
            ]);
        }
    }
    update_rows.sort_by(|a, b| a[0].cmp(&b[0]).then_with(|| a[1].cmp(&b[1])));

    // The audit log about the review and its records.
    let audit_rows = audit(db, review, summary.as_ref(), &point_ids, budget).await?;

    Ok(Found {
        parts: vec![
            Part {
                file: "chronology-entries",
                title: "Chronology entries that name the person",
                columns: ENTRY_COLUMNS,
                rows: entry_rows,
            },
            Part {
                file: "annotations",
                title: "Annotations on those entries or naming the person",
                columns: ANNOTATION_COLUMNS,
                rows: note_rows,
            },
            Part {
                file: "learning-summary-fields",
                title: "Learning summary fields that name the person",
                columns: SUMMARY_FIELD_COLUMNS,
                rows: field_rows,
            },
            Part {
                file: "learning-summary-comments",
                title: "Learning summary comments that name the person",
                columns: SUMMARY_COMMENT_COLUMNS,
                rows: comment_rows,
            },
            Part {
                file: "learning-points",
                title: "Learning points that name the person",
                columns: POINT_COLUMNS,
                rows: point_rows,
            },
            Part {
                file: "recommendations",
                title: "Recommendations that name the person",
                columns: RECOMMENDATION_COLUMNS,
                rows: recommendation_rows,
            },
            Part {
                file: "actions",
                title: "Actions that name the person",
                columns: ACTION_COLUMNS,
                rows: action_rows,
            },
            Part {
                file: "action-updates",
                title: "Action progress updates that name the person",
                columns: ACTION_UPDATE_COLUMNS,
                rows: update_rows,
            },
            Part {
                file: "audit-log",
                title: "Audit log: who saw or changed the review's records",
                columns: AUDIT_COLUMNS,
                rows: audit_rows,
            },
        ],
        user_ids,
    })
}

/// The audit log entries whose object is the review or one of its records (returns,
/// entries, annotations, learning points, recommendations, actions, its summary), oldest
/// first.
async fn audit<C: ConnectionTrait>(
    db: &C,
    review: &review::Model,
    summary: Option<&learning_summary::Model>,
    point_ids: &[String],
    budget: &mut Budget,
) -> AppResult<Vec<Vec<String>>> {
    let ids_of = |table: &'static str, column: &'static str| {
        Query::select()
            .column("id")
            .from(table)
            .and_where(Expr::col(column).eq(review.id.clone()))
            .to_owned()
    };
    let object = || Expr::col((audit_row::Entity, audit_row::Column::ObjectId));
    let mut any = sea_orm::Condition::any()
        .add(audit_row::Column::ObjectId.eq(review.id.clone()))
        .add(object().in_subquery(ids_of("chronology_return", "review_id")))
        .add(object().in_subquery(ids_of("chronology_entry", "review_id")))
        .add(object().in_subquery(ids_of("annotation", "review_id")))
        .add(object().in_subquery(ids_of("learning_point", "review_id")))
        .add(object().in_subquery(ids_of("action", "review_id")));
    if let Some(s) = summary {
        any = any.add(audit_row::Column::ObjectId.eq(s.id.clone()));
    }
    if !point_ids.is_empty() {
        any = any.add(
            object().in_subquery(
                Query::select()
                    .column("id")
                    .from("recommendation")
                    .and_where(Expr::col("learning_point_id").is_in(point_ids.to_vec()))
                    .to_owned(),
            ),
        );
    }
    let rows = audit_row::Entity::find()
        .filter(any)
        .order_by_asc(audit_row::Column::Id)
        .limit(budget.limit())
        .all(db)
        .await?;
    budget.rows(rows.len())?;
    Ok(rows
        .into_iter()
        .map(|r| {
            vec![
                r.id.to_string(),
                stamp(r.at),
                r.actor_name.unwrap_or_default(),
                r.agency_prefix.unwrap_or_default(),
                r.role.unwrap_or_default(),
                r.action,
                r.object_type,
                r.object_id.unwrap_or_default(),
                r.correlation_id,
                r.detail.unwrap_or_default(),
            ]
        })
        .collect())
}

/// Replaces the author ids in `parts` by names.
fn name_authors(parts: &mut [Part], names: &HashMap<String, String>) {
    for part in parts {
        let author_columns: Vec<usize> = part
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| matches!(c.0, "author" | "updatedBy"))
            .map(|(i, _)| i)
            .collect();
        for row in &mut part.rows {
            for &i in &author_columns {
                if let Some(name) = names.get(&row[i]) {
                    row[i] = name.clone();
                }
            }
        }
    }
}

/// Replaces third parties in every free-text cell: other people of the glossary by their
/// pseudonym, likely names the detector finds (over all the texts at once) by `[redacted]`.
fn redact(parts: &mut [Part], search: &Search, known: &[&str]) {
    let mut places = Vec::new();
    for (p, part) in parts.iter().enumerate() {
        for (r, row) in part.rows.iter().enumerate() {
            for (c, column) in part.columns.iter().enumerate() {
                if column.2 && !row[c].is_empty() {
                    places.push((p, r, c));
                }
            }
        }
    }
    let texts: Vec<String> = places
        .iter()
        .map(|&(p, r, c)| parts[p].rows[r][c].clone())
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let suspects = find_suspects_with(search.glossary(), known, &refs);
    for ((p, r, c), (text, found)) in places.into_iter().zip(texts.iter().zip(suspects)) {
        parts[p].rows[r][c] = search.redact(text, &found);
    }
}

fn csv(part: &Part) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&csv_line(part.columns.iter().map(|c| c.1)));
    for row in &part.rows {
        out.push_str(&csv_line(row.iter().map(String::as_str)));
    }
    out
}

fn json_rows(part: &Part) -> Value {
    Value::Array(
        part.rows
            .iter()
            .map(|row| {
                let mut m = Map::new();
                for (c, v) in part.columns.iter().zip(row) {
                    m.insert(c.0.to_owned(), Value::String(v.clone()));
                }
                Value::Object(m)
            })
            .collect(),
    )
}

/// What the README and manifest say about the export.
struct About<'a> {
    review: &'a review::Model,
    search: &'a Search,
    at: DateTime<Utc>,
    by: String,
    redacted: bool,
}

fn readme(about: &About<'_>, parts: &[Part], limits: &Budget) -> String {
    let quoted = |names: &[String]| {
        names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = String::new();
    out.push_str("SUBJECT ACCESS EXPORT\r\n=====================\r\n\r\n");
    out.push_str(&format!(
        "Review: {} ({})\r\nPerson: {} (pseudonym in the review's glossary)\r\n",
        about.review.reference, about.review.subject, about.search.person.pseudonym
    ));
    out.push_str(&format!(
        "Searched for: {} and the pseudonym \"{}\", as whole words, ignoring case.\r\n",
        quoted(&about.search.person.names),
        about.search.person.pseudonym
    ));
    out.push_str(&format!(
        "Exported at: {}\r\nExported by: {}\r\n",
        stamp(about.at),
        about.by
    ));
    out.push_str(&format!(
        "Third parties redacted: {}\r\n\r\n",
        if about.redacted {
            format!(
                "yes. Every other person of the review's glossary is replaced by their \
                 pseudonym, and other likely names and identifiers found by the platform's \
                 name detector by {REDACTED}. The person's own names are kept."
            )
        } else {
            "no. Other people named in these texts appear as recorded.".to_owned()
        }
    ));
    out.push_str(
        "What was searched: every chronology entry of the review (draft and submitted \
         returns), every annotation, the learning summary's fields and comments, the learning \
         points, recommendations, actions and action progress updates. A record is included \
         when one of its texts names the person; annotations also when they are on an \
         included entry. The audit log part lists every audit entry about the review and its \
         records (who saw or changed them), whether or not it concerns the person.\r\n\r\n",
    );
    out.push_str(
        "Files (each part as CSV, for a spreadsheet, and as JSON with the same rows):\r\n",
    );
    for p in parts {
        out.push_str(&format!(
            "  {0}.csv / {0}.json: {1}: {2} {3}\r\n",
            p.file,
            p.title,
            p.rows.len(),
            if p.rows.len() == 1 { "row" } else { "rows" }
        ));
    }
    out.push_str(&format!(
        "  manifest.json: this information, for programs\r\n\r\nRecords read: {}; bytes of \
         text searched: {}.\r\n",
        limits.rows, limits.bytes
    ));
    out
}

fn manifest(about: &About<'_>, parts: &[Part], limits: &Budget) -> Value {
    json!({
        "kind": "subject-access-export",
        "review": { "id": about.review.id, "reference": about.review.reference, "subject": about.review.subject },
        "person": { "pseudonym": about.search.person.pseudonym, "namesSearched": about.search.person.names },
        "matching": "whole words, ignoring case: the real names and aliases above and the pseudonym",
        "exportedAt": stamp(about.at),
        "exportedBy": about.by,
        "redactThirdParties": about.redacted,
        "redactedWith": if about.redacted { Some(REDACTED) } else { None },
        "recordsRead": limits.rows,
        "bytesSearched": limits.bytes,
        "parts": parts.iter().map(|p| json!({
            "title": p.title,
            "csv": format!("{}.csv", p.file),
            "json": format!("{}.json", p.file),
            "rows": p.rows.len(),
        })).collect::<Vec<_>>(),
    })
}

fn zip_error(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("subject access zip: {e}"))
}

fn write_zip(files: &[(String, Vec<u8>)]) -> AppResult<Vec<u8>> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(name.as_str(), options).map_err(zip_error)?;
        zip.write_all(bytes).map_err(zip_error)?;
    }
    Ok(zip.finish().map_err(zip_error)?.into_inner())
}

/// The export for the person of the review's glossary whose pseudonym is `pseudonym`: the
/// business office only. Recorded in the audit log (counts, the redaction choice and the
/// person's glossary term ids; no names, no content).
pub async fn export(
    state: &AppState,
    rc: &RequestContext,
    review_id: &str,
    pseudonym: &str,
    redact_third_parties: bool,
) -> AppResult<ExportFile> {
    rc.require_any(&[Role::BusinessOffice])?;
    let db = &state.db;
    let review = find_review(db, review_id).await?;
    let terms = terms(db, &review.id).await?;
    let key = fold(pseudonym);
    let term_ids: Vec<String> = terms
        .iter()
        .filter(|(_, t)| fold(&t.replacement) == key)
        .map(|(id, _)| id.clone())
        .collect();
    let plain: Vec<Term> = terms.into_iter().map(|(_, t)| t).collect();
    let search_for = Search::new(&plain, pseudonym).ok_or_else(|| {
        AppError::validation("pseudonym", "is not a person in this review's glossary")
    })?;
    let agencies: HashMap<String, (String, String)> = agency::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, (a.prefix, a.name)))
        .collect();
    let mut budget = Budget {
        rows: 0,
        bytes: 0,
        max_rows: state.config.subject_access_max_rows,
        max_bytes: state.config.subject_access_max_bytes,
    };
    let Found {
        mut parts,
        user_ids,
    } = search(db, &review, &search_for, &mut budget, &agencies).await?;
    let names: HashMap<String, String> = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    name_authors(&mut parts, &names);
    if redact_third_parties {
        let known: Vec<&str> = agencies
            .values()
            .flat_map(|(p, n)| [p.as_str(), n.as_str()])
            .collect();
        redact(&mut parts, &search_for, &known);
    }
    let signed_in = rc.signed_in()?;
    let about = About {
        review: &review,
        search: &search_for,
        at: Utc::now(),
        by: match &signed_in.agency_prefix {
            Some(p) => format!("{} ({p})", signed_in.display_name),
            None => format!("{} (business office)", signed_in.display_name),
        },
        redacted: redact_third_parties,
    };
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (
            "README.txt".into(),
            readme(&about, &parts, &budget).into_bytes(),
        ),
        (
            "manifest.json".into(),
            serde_json::to_vec_pretty(&manifest(&about, &parts, &budget)).map_err(zip_error)?,
        ),
    ];
    for p in &parts {
        files.push((format!("{}.csv", p.file), csv(p).into_bytes()));
        files.push((
            format!("{}.json", p.file),
            serde_json::to_vec_pretty(&json_rows(p)).map_err(zip_error)?,
        ));
    }
    let bytes = write_zip(&files)?;
    let max_zip = state.config.subject_access_max_zip_bytes;
    if bytes.len() > max_zip {
        return Err(AppError::ExportTooLarge(format!(
            "The subject access export would be {} bytes, more than the {max_zip} allowed; the \
             administrator can raise --subject-access-max-zip-bytes.",
            bytes.len()
        )));
    }
    let counts: Map<String, Value> = parts
        .iter()
        .map(|p| (p.file.to_owned(), Value::from(p.rows.len())))
        .collect();
    let detail = json!({
        "termIds": term_ids,
        "redactThirdParties": redact_third_parties,
        "counts": counts,
        "recordsRead": budget.rows,
        "zipBytes": bytes.len(),
    })
    .to_string();
    let txn = begin_write(db).await?;
    audit_log::append_with_detail(
        &txn,
        rc,
        Event::new(EXPORT_ACTION, "review", &review.id),
        &detail,
    )
    .await?;
    txn.commit().await?;
    tracing::info!(
        review = %review.id,
        records = budget.rows,
        zip_bytes = bytes.len(),
        redacted = redact_third_parties,
        "subject access export"
    );
    Ok(ExportFile {
        file_name: format!(
            "{}-subject-access-{}-{}.zip",
            file_stem(&review.reference),
            file_stem(&search_for.person.pseudonym),
            about.at.format("%Y%m%d")
        ),
        media_type: "application/zip",
        bytes,
    })
}
