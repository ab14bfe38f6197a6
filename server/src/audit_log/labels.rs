//! What the objects of a page of audit entries are called now (a review's reference, a
//! person's name, an action's reference and title), and the review each belongs to: read
//! for the whole page at once, one query per kind of object on the page (never one per row).
//! The audit rows themselves keep ids only, so nothing here is stored in the log.

use crate::entities::{
    action, agency, anonymisation_dismissal, api_token, app_user, audit_log, chronology_entry,
    chronology_return, learning_point, learning_summary, recommendation, retention_run, review,
    sign_in_provider,
};
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{HashMap, HashSet};

/// The longest label shown; a longer title is cut at a word with "…".
const MAX_LABEL: usize = 90;

/// What one entry is about, in words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct About {
    /// The object's name now; `None` when it has none or is no longer held.
    pub label: Option<String>,
    /// The review the object is, or belongs to.
    pub review_id: Option<String>,
    /// That review's reference, while the review is held.
    pub review_reference: Option<String>,
}

/// The objects of one page, resolved.
#[derive(Debug, Default)]
pub struct Labels {
    objects: HashMap<(String, String), (Option<String>, Option<String>)>,
    reviews: HashMap<String, (String, String)>,
}

impl Labels {
    /// What `row` is about.
    pub fn about(&self, row: &audit_log::Model) -> About {
        let Some(id) = row.object_id.as_deref() else {
            return About::default();
        };
        let (label, review_id) = if row.object_type == "review" {
            let label = self
                .reviews
                .get(id)
                .map(|(reference, subject)| format!("{reference} · {subject}"));
            (label, Some(id.to_owned()))
        } else {
            self.objects
                .get(&(row.object_type.clone(), id.to_owned()))
                .cloned()
                .unwrap_or_default()
        };
        let review_reference = review_id
            .as_deref()
            .and_then(|r| self.reviews.get(r))
            .map(|(reference, _)| reference.clone());
        About {
            label: label.map(|l| shorten(&l)),
            review_id,
            review_reference,
        }
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_LABEL {
        return text.to_owned();
    }
    let cut: String = text.chars().take(MAX_LABEL).collect();
    let cut = match cut.rfind(' ') {
        Some(at) if at > MAX_LABEL / 2 => &cut[..at],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end())
}

/// The (id, name) of the rows of `E` whose id is `wanted`: one query, none when
/// nothing is wanted.
async fn names<C: ConnectionTrait, E: EntityTrait>(
    db: &C,
    id: E::Column,
    name: E::Column,
    wanted: Vec<String>,
) -> AppResult<Vec<(String, String)>> {
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    Ok(E::find()
        .select_only()
        .columns([id, name])
        .filter(id.is_in(wanted))
        .into_tuple()
        .all(db)
        .await?)
}

/// Reads what the objects of `rows` are called, one query per kind of object present.
pub async fn resolve<C: ConnectionTrait>(db: &C, rows: &[audit_log::Model]) -> AppResult<Labels> {
    let mut ids: HashMap<&str, Vec<String>> = HashMap::new();
    for row in rows {
        if let Some(id) = &row.object_id {
            let list = ids.entry(row.object_type.as_str()).or_default();
            if !list.contains(id) {
                list.push(id.clone());
            }
        }
    }
    let of = |kind: &str| ids.get(kind).cloned().unwrap_or_default();
    let mut labels = Labels::default();
    let mut put = |kind: &str, id: String, label: Option<String>, review: Option<String>| {
        labels
            .objects
            .insert((kind.to_owned(), id), (label, review));
    };

    // Objects known by a name alone.
    let named = [
        (
            "user",
            names::<_, app_user::Entity>(
                db,
                app_user::Column::Id,
                app_user::Column::DisplayName,
                of("user"),
            )
            .await?,
        ),
        (
            "api_token",
            names::<_, api_token::Entity>(
                db,
                api_token::Column::Id,
                api_token::Column::Name,
                of("api_token"),
            )
            .await?,
        ),
        (
            "sign_in_provider",
            names::<_, sign_in_provider::Entity>(
                db,
                sign_in_provider::Column::Id,
                sign_in_provider::Column::Name,
                of("sign_in_provider"),
            )
            .await?,
        ),
    ];
    for (kind, found) in named {
        for (id, name) in found {
            put(kind, id, Some(name), None);
        }
    }
    let wanted = of("retention_run");
    if !wanted.is_empty() {
        let found: Vec<(String, DateTime<Utc>)> = retention_run::Entity::find()
            .select_only()
            .columns([retention_run::Column::Id, retention_run::Column::StartedAt])
            .filter(retention_run::Column::Id.is_in(wanted))
            .into_tuple()
            .all(db)
            .await?;
        for (id, at) in found {
            let label = format!("Started {}", at.format("%Y-%m-%d %H:%M UTC"));
            put("retention_run", id, Some(label), None);
        }
    }

    // Records of reviews: the review each belongs to, and their agency where they have one.
    let mut agency_of: Vec<(&str, String, String)> = Vec::new();
    let wanted = of("chronology_return");
    if !wanted.is_empty() {
        let found: Vec<(String, String, String)> = chronology_return::Entity::find()
            .select_only()
            .columns([
                chronology_return::Column::Id,
                chronology_return::Column::ReviewId,
                chronology_return::Column::AgencyId,
            ])
            .filter(chronology_return::Column::Id.is_in(wanted))
            .into_tuple()
            .all(db)
            .await?;
        for (id, review_id, agency_id) in found {
            agency_of.push(("chronology_return", id.clone(), agency_id));
            put("chronology_return", id, None, Some(review_id));
        }
    }
    let wanted = of("chronology_entry");
    let mut entry_seq: HashMap<String, Option<i32>> = HashMap::new();
    if !wanted.is_empty() {
        let found: Vec<(String, String, String, Option<i32>)> = chronology_entry::Entity::find()
            .select_only()
            .columns([
                chronology_entry::Column::Id,
                chronology_entry::Column::ReviewId,
                chronology_entry::Column::AgencyId,
                chronology_entry::Column::Seq,
            ])
            .filter(chronology_entry::Column::Id.is_in(wanted))
            .into_tuple()
            .all(db)
            .await?;
        for (id, review_id, agency_id, seq) in found {
            agency_of.push(("chronology_entry", id.clone(), agency_id));
            entry_seq.insert(id.clone(), seq);
            put("chronology_entry", id, None, Some(review_id));
        }
    }
    let wanted = of("anonymisation_dismissal");
    if !wanted.is_empty() {
        let found: Vec<(String, String)> = anonymisation_dismissal::Entity::find()
            .select_only()
            .columns([
                anonymisation_dismissal::Column::Id,
                anonymisation_dismissal::Column::ReviewId,
            ])
            .filter(anonymisation_dismissal::Column::Id.is_in(wanted))
            .into_tuple()
            .all(db)
            .await?;
        for (id, review_id) in found {
            put("anonymisation_dismissal", id, None, Some(review_id));
        }
    }
    let wanted = of("learning_summary");
    if !wanted.is_empty() {
        let found: Vec<(String, String)> = learning_summary::Entity::find()
            .select_only()
            .columns([
                learning_summary::Column::Id,
                learning_summary::Column::ReviewId,
            ])
            .filter(learning_summary::Column::Id.is_in(wanted))
            .into_tuple()
            .all(db)
            .await?;
        for (id, review_id) in found {
            put("learning_summary", id, None, Some(review_id));
        }
    }
    let wanted = of("action");
    if !wanted.is_empty() {
        let found: Vec<(String, String, String, String)> = action::Entity::find()
            .select_only()
            .columns([
                action::Column::Id,
                action::Column::ReviewId,
                action::Column::Reference,
                action::Column::Title,
            ])
            .filter(action::Column::Id.is_in(wanted))
            .into_tuple()
            .all(db)
            .await?;
        for (id, review_id, reference, title) in found {
            put(
                "action",
                id,
                Some(format!("{reference} · {title}")),
                Some(review_id),
            );
        }
    }
    // Recommendations are known by the learning point they answer.
    let recommendations = of("recommendation");
    let mut point_of: Vec<(String, String)> = Vec::new();
    if !recommendations.is_empty() {
        point_of = recommendation::Entity::find()
            .select_only()
            .columns([
                recommendation::Column::Id,
                recommendation::Column::LearningPointId,
            ])
            .filter(recommendation::Column::Id.is_in(recommendations))
            .into_tuple()
            .all(db)
            .await?;
    }
    let mut points = of("learning_point");
    points.extend(point_of.iter().map(|(_, p)| p.clone()));
    if !points.is_empty() {
        let found: Vec<(String, String, String)> = learning_point::Entity::find()
            .select_only()
            .columns([
                learning_point::Column::Id,
                learning_point::Column::ReviewId,
                learning_point::Column::Title,
            ])
            .filter(learning_point::Column::Id.is_in(points))
            .into_tuple()
            .all(db)
            .await?;
        let found: HashMap<String, (String, String)> = found
            .into_iter()
            .map(|(id, review_id, title)| (id, (review_id, title)))
            .collect();
        for (id, (review_id, title)) in &found {
            put(
                "learning_point",
                id.clone(),
                Some(title.clone()),
                Some(review_id.clone()),
            );
        }
        for (id, point) in point_of {
            if let Some((review_id, title)) = found.get(&point) {
                put(
                    "recommendation",
                    id,
                    Some(format!("On the learning point “{title}”")),
                    Some(review_id.clone()),
                );
            }
        }
    }

    // Agencies: those the log names, and those of the returns and entries above.
    let mut agencies = of("agency");
    agencies.extend(agency_of.iter().map(|(_, _, a)| a.clone()));
    let agencies: HashMap<String, (String, String)> = if agencies.is_empty() {
        HashMap::new()
    } else {
        let found: Vec<(String, String, String)> = agency::Entity::find()
            .select_only()
            .columns([
                agency::Column::Id,
                agency::Column::Name,
                agency::Column::Prefix,
            ])
            .filter(agency::Column::Id.is_in(agencies))
            .into_tuple()
            .all(db)
            .await?;
        found
            .into_iter()
            .map(|(id, name, prefix)| (id, (name, prefix)))
            .collect()
    };
    for id in of("agency") {
        if let Some((name, prefix)) = agencies.get(&id) {
            put("agency", id, Some(format!("{name} ({prefix})")), None);
        }
    }
    for (kind, id, agency_id) in agency_of {
        let prefix = agencies.get(&agency_id).map(|(_, p)| p.as_str());
        let label = match (kind, prefix) {
            ("chronology_return", Some(p)) => Some(format!("{p}'s return")),
            ("chronology_entry", Some(p)) => Some(match entry_seq.get(&id).copied().flatten() {
                Some(seq) => format!("{p} entry {seq}"),
                None => format!("{p} entry"),
            }),
            _ => None,
        };
        if let Some(slot) = labels.objects.get_mut(&(kind.to_owned(), id)) {
            slot.0 = label;
        }
    }

    // The reviews: those the log names and those the records above belong to.
    let mut reviews: HashSet<String> = of("review").into_iter().collect();
    reviews.extend(labels.objects.values().filter_map(|(_, r)| r.clone()));
    if !reviews.is_empty() {
        let found: Vec<(String, String, String)> = review::Entity::find()
            .select_only()
            .columns([
                review::Column::Id,
                review::Column::Reference,
                review::Column::Subject,
            ])
            .filter(review::Column::Id.is_in(reviews))
            .into_tuple()
            .all(db)
            .await?;
        labels.reviews = found
            .into_iter()
            .map(|(id, reference, subject)| (id, (reference, subject)))
            .collect();
    }
    Ok(labels)
}

#[cfg(test)]
mod tests {
    use super::shorten;

    #[test]
    fn long_labels_are_cut_at_a_word() {
        assert_eq!(shorten("Short title"), "Short title");
        let long = "word ".repeat(40);
        let cut = shorten(&long);
        assert!(cut.ends_with("word…"), "{cut}");
        assert!(cut.chars().count() <= super::MAX_LABEL + 1);
    }
}
