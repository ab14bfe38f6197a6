//! Input rules of action plans: learning points, recommendations, actions and their dated
//! progress updates. What needs the database (that an agency or a person exists, what an
//! action already records) the server looks up and hands in as facts.

use super::rag::MAX_REASON;
use super::vocabulary::{learning_kind_of, ActionStatus, LearningKind, LearningScope};
use crate::chronology::AnnotationKind;
use crate::reviews::input::{past_date, themes};
use crate::validation::Problems;
use chrono::{Datelike, NaiveDate};

pub const MAX_TITLE: usize = 200;
pub const MAX_TEXT: usize = 10_000;
pub const MAX_RECOMMENDATION: usize = 4_000;
/// The most chronology entries, or duplicate groups, one learning point links to.
pub const MAX_SOURCES: usize = 200;
/// How many years ahead a target date may be set.
pub const MAX_YEARS_AHEAD: i32 = 10;

/// The reference of the `number`th action of a review, e.g. `SCR-2016-03/A1`.
pub fn action_reference(review_reference: &str, number: u64) -> String {
    format!("{review_reference}/A{number}")
}

/// A duplicate group's key: its entry ids, sorted, once each, joined by commas.
pub fn group_key<'a>(ids: impl IntoIterator<Item = &'a str>) -> String {
    let mut ids: Vec<&str> = ids
        .into_iter()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.join(",")
}

/// An optional multi-line text: `None` when absent or blank, else checked and trimmed.
fn optional_text(p: &mut Problems, field: &str, value: Option<&str>, max: usize) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| p.long_text(field, v, max))
}

/// A learning point as the lead reviewer or the business office typed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearningPointDraft {
    pub title: String,
    /// May be left empty when made from an annotation: the annotation's text is used.
    pub detail: Option<String>,
    pub scope: LearningScope,
    /// May be left empty when made from an annotation: the annotation's kind decides.
    pub kind: Option<LearningKind>,
    pub themes: Vec<String>,
    /// Chronology entries the learning comes from.
    pub entry_ids: Vec<String>,
    /// Groups of duplicate entries (one event several agencies recorded).
    pub duplicate_group_keys: Vec<String>,
}

/// The reviewer's annotation a learning point is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FromAnnotation {
    pub kind: AnnotationKind,
    pub text: String,
}

/// A checked learning point, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearningPoint {
    pub title: String,
    pub detail: String,
    pub scope: LearningScope,
    pub kind: LearningKind,
    pub themes: Vec<String>,
    pub entry_ids: Vec<String>,
    pub duplicate_group_keys: Vec<String>,
}

impl LearningPointDraft {
    /// Checks every field. Made from an annotation, the learning point takes the
    /// annotation's kind (a missed opportunity needs improvement) and, when no detail is
    /// typed, its text.
    pub fn validate(self, from: Option<&FromAnnotation>) -> Result<LearningPoint, Problems> {
        let mut p = Problems::new();
        let title = p.text("title", &self.title, MAX_TITLE);
        let implied = match from {
            Some(a) => {
                let implied = learning_kind_of(a.kind);
                if implied.is_none() {
                    p.push(
                        "fromAnnotationId",
                        format!(
                            "a {} is not a finding: only a missed opportunity, good practice or information-sharing concern becomes a learning point",
                            a.kind.label().to_lowercase()
                        ),
                    );
                }
                implied
            }
            None => None,
        };
        let kind = match (self.kind, implied, from) {
            (Some(kind), Some(implied), Some(a)) if kind != implied => {
                p.push(
                    "kind",
                    format!(
                        "a learning point made from a {} is \"{}\"",
                        a.kind.label().to_lowercase(),
                        implied.label().to_lowercase()
                    ),
                );
                kind
            }
            (Some(kind), _, _) => kind,
            (None, Some(implied), _) => implied,
            (None, None, _) => {
                if from.is_none() {
                    p.push("kind", "choose good practice or needs improvement");
                }
                LearningKind::NeedsImprovement
            }
        };
        let typed = self
            .detail
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty());
        let detail = match (typed, from) {
            (Some(detail), _) => p.long_text("detail", detail, MAX_TEXT),
            (None, Some(a)) => a.text.trim().to_owned(),
            (None, None) => {
                p.push("detail", "must not be empty");
                String::new()
            }
        };
        let themes = themes(&mut p, "themes", &self.themes);
        let mut entry_ids: Vec<String> = Vec::new();
        for (i, id) in self.entry_ids.iter().enumerate() {
            let id = id.trim();
            if id.is_empty() {
                p.push(format!("entryIds[{i}]"), "must not be empty");
            } else if !entry_ids.iter().any(|seen| seen == id) {
                entry_ids.push(id.to_owned());
            }
        }
        if self.entry_ids.len() > MAX_SOURCES {
            p.push("entryIds", format!("at most {MAX_SOURCES} entries"));
        }
        let mut keys: Vec<String> = Vec::new();
        for (i, key) in self.duplicate_group_keys.iter().enumerate() {
            let key = group_key(key.split(','));
            if key.split(',').filter(|s| !s.is_empty()).count() < 2 {
                p.push(
                    format!("duplicateGroupKeys[{i}]"),
                    "must name two or more entries, separated by commas",
                );
            } else if !keys.contains(&key) {
                keys.push(key);
            }
        }
        if self.duplicate_group_keys.len() > MAX_SOURCES {
            p.push(
                "duplicateGroupKeys",
                format!("at most {MAX_SOURCES} groups"),
            );
        }
        p.into_result().map(|()| LearningPoint {
            title,
            detail,
            scope: self.scope,
            kind,
            themes,
            entry_ids,
            duplicate_group_keys: keys,
        })
    }
}

/// A recommendation's text.
pub fn recommendation_text(text: &str) -> Result<String, Problems> {
    let mut p = Problems::new();
    let text = p.long_text("text", text, MAX_RECOMMENDATION);
    p.into_result().map(|()| text)
}

/// An action as typed: what will change, who owns it, by when, and how impact will be
/// audited. Its status moves only through dated progress updates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionDraft {
    pub title: String,
    pub owner_agency_id: String,
    pub owner_person_id: Option<String>,
    pub target_on: NaiveDate,
    /// Why the target date is already past (needed when a past date is set).
    pub target_date_reason: Option<String>,
    /// How impact will be audited.
    pub impact_audit: Option<String>,
}

/// The named owner person as found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonFacts {
    pub agency_id: Option<String>,
}

/// What an existing action records (when editing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedAction {
    pub status: ActionStatus,
    pub target_on: NaiveDate,
    pub target_date_reason: Option<String>,
}

/// What the server found for an action's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionFacts {
    pub today: NaiveDate,
    /// The owner agency exists and is active.
    pub owner_agency_exists: bool,
    /// The named owner person with an active account; `None` when there is none.
    pub owner_person: Option<PersonFacts>,
    /// `None` when creating.
    pub recorded: Option<RecordedAction>,
}

/// Refuses any change to a closed action.
pub fn ensure_open(field: &str, status: ActionStatus) -> Result<(), Problems> {
    if status.is_closed() {
        return Err(Problems::single(
            field,
            format!(
                "this action is {}: a closed action cannot be changed",
                status.label().to_lowercase()
            ),
        ));
    }
    Ok(())
}

impl ActionDraft {
    /// Checks every field. A target date in the past is accepted only with a reason when it
    /// is set (on creation, or changed on an edit); an unchanged date that has since passed
    /// just makes the action overdue. A closed action cannot be edited.
    pub fn validate(mut self, facts: &ActionFacts) -> Result<Self, Problems> {
        if let Some(recorded) = &facts.recorded {
            ensure_open("id", recorded.status)?;
        }
        let mut p = Problems::new();
        self.title = p.text("title", &self.title, MAX_TITLE);
        self.owner_agency_id = self.owner_agency_id.trim().to_owned();
        if !facts.owner_agency_exists {
            p.push("ownerAgencyId", "no such agency");
        }
        self.owner_person_id = self
            .owner_person_id
            .as_deref()
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::to_owned);
        if self.owner_person_id.is_some() {
            match &facts.owner_person {
                None => p.push("ownerPersonId", "no such person with an active account"),
                Some(person)
                    if facts.owner_agency_exists
                        && person.agency_id.as_deref() != Some(self.owner_agency_id.as_str()) =>
                {
                    p.push("ownerPersonId", "must work for the owner agency");
                }
                Some(_) => {}
            }
        }
        let latest = NaiveDate::from_ymd_opt(
            facts.today.year() + MAX_YEARS_AHEAD,
            facts.today.month(),
            facts.today.day().min(28),
        )
        .unwrap_or(NaiveDate::MAX);
        let reason = self
            .target_date_reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        let unchanged = facts
            .recorded
            .as_ref()
            .filter(|r| r.target_on == self.target_on);
        if self.target_on > latest {
            p.push(
                "targetDate",
                format!("must be within {MAX_YEARS_AHEAD} years from today"),
            );
            self.target_date_reason = None;
        } else if self.target_on < facts.today {
            past_date(&mut p, "targetDate", self.target_on, facts.today);
            self.target_date_reason = match (reason, unchanged) {
                (Some(r), _) => Some(p.long_text("targetDateReason", r, MAX_REASON)),
                (None, Some(recorded)) => recorded.target_date_reason.clone(),
                (None, None) => {
                    p.push(
                        "targetDateReason",
                        "the target date is in the past: say why (for example, the action was agreed before it was recorded)",
                    );
                    None
                }
            };
        } else {
            self.target_date_reason = None;
        }
        self.impact_audit = optional_text(
            &mut p,
            "impactAudit",
            self.impact_audit.as_deref(),
            MAX_TEXT,
        );
        p.into_result().map(|()| self)
    }
}

/// A dated progress update as the owner agency typed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressDraft {
    pub text: String,
    /// The status after this update; `None` leaves it as it is.
    pub status: Option<ActionStatus>,
    pub evidence_of_impact: Option<String>,
}

/// A checked progress update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub text: String,
    pub status_after: ActionStatus,
    /// New evidence of impact to record on the action, when given.
    pub evidence_of_impact: Option<String>,
}

impl ProgressDraft {
    /// Checks an update against the action's `current` status and the evidence of impact it
    /// already records. Every update says something; completing needs a final update saying
    /// what was done; IMPACT_EVIDENCED needs evidence of impact; a status never goes back.
    /// A closed action takes no more updates, except that a COMPLETED action may move to
    /// IMPACT_EVIDENCED once its impact is evidenced.
    pub fn validate(
        self,
        current: ActionStatus,
        recorded_evidence: Option<&str>,
    ) -> Result<Progress, Problems> {
        let status_after = self.status.unwrap_or(current);
        let evidencing =
            current == ActionStatus::Completed && status_after == ActionStatus::ImpactEvidenced;
        if current.is_closed() && !evidencing {
            let hint = if current == ActionStatus::Completed {
                " (other than recording the evidence of its impact, status IMPACT_EVIDENCED)"
            } else {
                ""
            };
            return Err(Problems::single(
                "actionId",
                format!(
                    "this action is {}: a closed action takes no more updates{hint}",
                    current.label().to_lowercase()
                ),
            ));
        }
        let mut p = Problems::new();
        let completing = status_after == ActionStatus::Completed && current != status_after;
        let text = if self.text.trim().is_empty() && completing {
            p.push(
                "text",
                "completing an action needs a final update: say what was done",
            );
            String::new()
        } else {
            p.long_text("text", &self.text, MAX_TEXT)
        };
        if status_after.step() < current.step() {
            p.push(
                "status",
                format!(
                    "an action cannot go back from \"{}\" to \"{}\"",
                    current.label().to_lowercase(),
                    status_after.label().to_lowercase()
                ),
            );
        }
        let evidence = optional_text(
            &mut p,
            "evidenceOfImpact",
            self.evidence_of_impact.as_deref(),
            MAX_TEXT,
        );
        let recorded = recorded_evidence.is_some_and(|e| !e.trim().is_empty());
        if status_after == ActionStatus::ImpactEvidenced && evidence.is_none() && !recorded {
            p.push(
                "evidenceOfImpact",
                "describe the evidence that the action made a difference",
            );
        }
        p.into_result().map(|()| Progress {
            text,
            status_after,
            evidence_of_impact: evidence,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    fn fields(problems: &Problems) -> Vec<&str> {
        problems.0.iter().map(|p| p.field.as_str()).collect()
    }

    fn point() -> LearningPointDraft {
        LearningPointDraft {
            title: " Strategy discussions without health ".into(),
            detail: Some("Health were not invited.".into()),
            scope: LearningScope::MultiAgency,
            kind: Some(LearningKind::NeedsImprovement),
            themes: vec!["Neglect".into()],
            entry_ids: vec!["e1".into(), "e1".into(), "e2".into()],
            duplicate_group_keys: vec!["b, a".into()],
        }
    }

    #[test]
    fn a_learning_point_is_normalised() {
        let ok = point().validate(None).expect("valid");
        assert_eq!(ok.title, "Strategy discussions without health");
        assert_eq!(ok.entry_ids, ["e1", "e2"]);
        assert_eq!(ok.duplicate_group_keys, ["a,b"]);
    }

    #[test]
    fn every_bad_learning_point_field_is_reported() {
        let bad = LearningPointDraft {
            title: "".into(),
            detail: None,
            kind: None,
            themes: vec!["Neglect".into(), "NEGLECT".into()],
            entry_ids: vec![" ".into()],
            duplicate_group_keys: vec!["only-one".into(), "x,x".into()],
            ..point()
        };
        let problems = bad.validate(None).expect_err("invalid");
        assert_eq!(
            fields(&problems),
            [
                "title",
                "kind",
                "detail",
                "themes[1]",
                "entryIds[0]",
                "duplicateGroupKeys[0]",
                "duplicateGroupKeys[1]"
            ]
        );
    }

    #[test]
    fn a_missed_opportunity_becomes_a_learning_point_needing_improvement() {
        let from = FromAnnotation {
            kind: AnnotationKind::MissedOpportunity,
            text: " Health not invited to the strategy discussion ".into(),
        };
        let draft = LearningPointDraft {
            detail: None,
            kind: None,
            ..point()
        };
        let ok = draft.clone().validate(Some(&from)).expect("valid");
        assert_eq!(ok.kind, LearningKind::NeedsImprovement);
        assert_eq!(ok.detail, "Health not invited to the strategy discussion");
        let wrong = LearningPointDraft {
            kind: Some(LearningKind::GoodPractice),
            ..draft.clone()
        };
        assert_eq!(
            fields(&wrong.validate(Some(&from)).expect_err("kind")),
            ["kind"]
        );
        let note = FromAnnotation {
            kind: AnnotationKind::Note,
            text: "A note".into(),
        };
        assert_eq!(
            fields(&draft.validate(Some(&note)).expect_err("a note")),
            ["fromAnnotationId"]
        );
    }

    fn action() -> ActionDraft {
        ActionDraft {
            title: " Invite health to every strategy discussion ".into(),
            owner_agency_id: "pol".into(),
            owner_person_id: Some("u1".into()),
            target_on: d(2026, 6, 1),
            target_date_reason: Some("ignored: the date is ahead".into()),
            impact_audit: Some("  ".into()),
        }
    }

    fn facts() -> ActionFacts {
        ActionFacts {
            today: d(2026, 1, 1),
            owner_agency_exists: true,
            owner_person: Some(PersonFacts {
                agency_id: Some("pol".into()),
            }),
            recorded: None,
        }
    }

    #[test]
    fn a_good_action_is_normalised() {
        let ok = action().validate(&facts()).expect("valid");
        assert_eq!(ok.title, "Invite health to every strategy discussion");
        assert_eq!(ok.target_date_reason, None);
        assert_eq!(ok.impact_audit, None);
    }

    #[test]
    fn the_owner_person_must_work_for_the_owner_agency() {
        let other = ActionFacts {
            owner_person: Some(PersonFacts {
                agency_id: Some("csc".into()),
            }),
            ..facts()
        };
        assert_eq!(
            fields(&action().validate(&other).expect_err("agency")),
            ["ownerPersonId"]
        );
        let nobody = ActionFacts {
            owner_person: None,
            ..facts()
        };
        assert_eq!(
            fields(&action().validate(&nobody).expect_err("nobody")),
            ["ownerPersonId"]
        );
        let no_agency = ActionFacts {
            owner_agency_exists: false,
            ..facts()
        };
        assert_eq!(
            fields(&action().validate(&no_agency).expect_err("agency")),
            ["ownerAgencyId"]
        );
        let unnamed = ActionDraft {
            owner_person_id: Some(" ".into()),
            ..action()
        };
        assert_eq!(
            unnamed.validate(&nobody).expect("optional").owner_person_id,
            None
        );
    }

    #[test]
    fn a_past_target_date_needs_a_reason_when_it_is_set() {
        let past = ActionDraft {
            target_on: d(2025, 12, 1),
            target_date_reason: None,
            ..action()
        };
        assert_eq!(
            fields(&past.clone().validate(&facts()).expect_err("no reason")),
            ["targetDateReason"]
        );
        let with_reason = ActionDraft {
            target_date_reason: Some(" Agreed at the panel in November ".into()),
            ..past.clone()
        };
        assert_eq!(
            with_reason
                .validate(&facts())
                .expect("reason")
                .target_date_reason
                .as_deref(),
            Some("Agreed at the panel in November")
        );
        // Editing: the recorded date has passed since; it stays, with its reason.
        let recorded = ActionFacts {
            recorded: Some(RecordedAction {
                status: ActionStatus::InProgress,
                target_on: d(2025, 12, 1),
                target_date_reason: Some("Old reason".into()),
            }),
            ..facts()
        };
        assert_eq!(
            past.clone()
                .validate(&recorded)
                .expect("unchanged")
                .target_date_reason
                .as_deref(),
            Some("Old reason")
        );
        // Moving it to another past date needs a reason again.
        let moved = ActionDraft {
            target_on: d(2025, 11, 1),
            ..past
        };
        assert_eq!(
            fields(&moved.validate(&recorded).expect_err("moved")),
            ["targetDateReason"]
        );
        let far = ActionDraft {
            target_on: d(2040, 1, 1),
            ..action()
        };
        assert_eq!(
            fields(&far.validate(&facts()).expect_err("far")),
            ["targetDate"]
        );
        let ancient = ActionDraft {
            target_on: d(1980, 1, 1),
            target_date_reason: Some("Old".into()),
            ..action()
        };
        assert_eq!(
            fields(&ancient.validate(&facts()).expect_err("ancient")),
            ["targetDate"]
        );
    }

    #[test]
    fn a_closed_action_cannot_be_edited() {
        for status in [ActionStatus::Completed, ActionStatus::ImpactEvidenced] {
            let closed = ActionFacts {
                recorded: Some(RecordedAction {
                    status,
                    target_on: d(2026, 6, 1),
                    target_date_reason: None,
                }),
                ..facts()
            };
            assert_eq!(
                fields(&action().validate(&closed).expect_err("closed")),
                ["id"]
            );
        }
    }

    fn update(text: &str, status: Option<ActionStatus>, evidence: Option<&str>) -> ProgressDraft {
        ProgressDraft {
            text: text.into(),
            status,
            evidence_of_impact: evidence.map(Into::into),
        }
    }

    #[test]
    fn progress_updates() {
        use ActionStatus::*;
        let ok = update(" Training booked ", Some(InProgress), None)
            .validate(NotStarted, None)
            .expect("valid");
        assert_eq!(ok.text, "Training booked");
        assert_eq!(ok.status_after, InProgress);
        // Leaving the status as it is.
        assert_eq!(
            update("Still going", None, None)
                .validate(InProgress, None)
                .expect("valid")
                .status_after,
            InProgress
        );
        let e = update("", Some(Completed), None)
            .validate(InProgress, None)
            .expect_err("no final text");
        assert_eq!(fields(&e), ["text"]);
        assert!(e.0[0].message.contains("final update"));
        assert_eq!(
            fields(
                &update("", None, None)
                    .validate(InProgress, None)
                    .expect_err("empty")
            ),
            ["text"]
        );
        assert_eq!(
            fields(
                &update("Back", Some(NotStarted), None)
                    .validate(InProgress, None)
                    .expect_err("backwards")
            ),
            ["status"]
        );
        assert_eq!(
            fields(
                &update("Done and audited", Some(ImpactEvidenced), Some(" "))
                    .validate(InProgress, None)
                    .expect_err("no evidence")
            ),
            ["evidenceOfImpact"]
        );
        // Evidence recorded earlier is enough.
        assert!(update("Audited", Some(ImpactEvidenced), None)
            .validate(
                InProgress,
                Some("Re-audit found every discussion had health")
            )
            .is_ok());
    }

    #[test]
    fn a_closed_action_takes_no_more_updates_except_its_evidence_of_impact() {
        use ActionStatus::*;
        for (status, next) in [
            (Completed, None),
            (Completed, Some(Completed)),
            (ImpactEvidenced, None),
            (ImpactEvidenced, Some(ImpactEvidenced)),
        ] {
            let e = update("More", next, Some("Evidence"))
                .validate(status, None)
                .expect_err("closed");
            assert_eq!(fields(&e), ["actionId"], "{status:?} -> {next:?}");
        }
        let ok = update(
            "Re-audited in March",
            Some(ImpactEvidenced),
            Some("All seen"),
        )
        .validate(Completed, None)
        .expect("evidence after completion");
        assert_eq!(ok.evidence_of_impact.as_deref(), Some("All seen"));
    }

    #[test]
    fn references_and_group_keys() {
        assert_eq!(action_reference("SCR-2016-03", 1), "SCR-2016-03/A1");
        assert_eq!(group_key(["c", " a", "b", "a"]), "a,b,c");
        assert!(recommendation_text("  ").is_err());
        assert_eq!(recommendation_text(" Do it ").as_deref(), Ok("Do it"));
    }
}
