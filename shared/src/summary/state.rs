//! Where a learning summary stands, and who moves it on.
//!
//! The path is draft -> in review -> approved -> published:
//! - the authors (the review's lead reviewers and the business office) submit a draft for
//!   review;
//! - only the independent chair approves it;
//! - only the business office publishes an approved summary;
//! - a summary in review or approved goes back to draft when the authors or the chair send
//!   it back, with a reason;
//! - a published summary is withdrawn to draft by the business office only, with a reason.
//!
//! Nothing else is allowed, and only a draft's fields are edited, so what the chair approved
//! is what gets published.

use crate::auth::{Actor, Role};
use crate::reviews::vocabulary::vocabulary;
use crate::reviews::ReviewRole;
use crate::validation::Problems;
use std::fmt;

vocabulary! {
    /// Where a learning summary stands.
    SummaryState {
        Draft => ("DRAFT", "Draft"),
        InReview => ("IN_REVIEW", "In review"),
        Approved => ("APPROVED", "Approved by the chair"),
        Published => ("PUBLISHED", "Published"),
    }
}

vocabulary! {
    /// A move from one state to another, as the summary's history shows it.
    SummaryStep {
        Submit => ("SUBMIT", "Submitted for review"),
        Approve => ("APPROVE", "Approved by the chair"),
        Publish => ("PUBLISH", "Published"),
        ReturnToDraft => ("RETURN_TO_DRAFT", "Returned to draft"),
        Withdraw => ("WITHDRAW", "Withdrawn from publication"),
    }
}

/// The longest reason for a move.
pub const MAX_REASON: usize = 2_000;

/// Only a draft's fields are edited: in review, approved or published, the text stands still.
pub fn editable(state: SummaryState) -> bool {
    state == SummaryState::Draft
}

/// The step that moves a summary from `from` to `to`, if the lifecycle has one.
pub fn step(from: SummaryState, to: SummaryState) -> Option<SummaryStep> {
    use SummaryState::*;
    match (from, to) {
        (Draft, InReview) => Some(SummaryStep::Submit),
        (InReview, Approved) => Some(SummaryStep::Approve),
        (Approved, Published) => Some(SummaryStep::Publish),
        (InReview | Approved, Draft) => Some(SummaryStep::ReturnToDraft),
        (Published, Draft) => Some(SummaryStep::Withdraw),
        _ => None,
    }
}

/// The authors of a review's summary: its lead reviewers, and the business office.
pub fn authors(actor: &Actor, membership: Option<ReviewRole>) -> bool {
    actor.has(Role::BusinessOffice) || membership == Some(ReviewRole::LeadReviewer)
}

impl SummaryStep {
    /// Whether the person (with `membership` of the summary's review) may take this step.
    pub fn allowed(self, actor: &Actor, membership: Option<ReviewRole>) -> bool {
        match self {
            SummaryStep::Submit => authors(actor, membership),
            SummaryStep::Approve => actor.has(Role::IndependentChair),
            SummaryStep::Publish | SummaryStep::Withdraw => actor.has(Role::BusinessOffice),
            SummaryStep::ReturnToDraft => {
                authors(actor, membership) || actor.has(Role::IndependentChair)
            }
        }
    }

    /// Going back to draft (from review, approval or publication) needs a reason.
    pub fn needs_reason(self) -> bool {
        matches!(self, SummaryStep::ReturnToDraft | SummaryStep::Withdraw)
    }
}

/// Why a move was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionError {
    /// The summary is already there.
    Unchanged(SummaryState),
    /// The lifecycle has no such move (publishing a draft, say).
    NoSuchStep {
        from: SummaryState,
        to: SummaryState,
    },
    /// The move exists, but this person may not make it.
    NotPermitted(SummaryStep),
    /// The reason is missing (going back to draft) or too long; the field is `reason`.
    Reason(Problems),
}

impl fmt::Display for TransitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use SummaryState::*;
        match self {
            TransitionError::Unchanged(state) => {
                let where_ = match state {
                    Draft => "a draft",
                    InReview => "in review",
                    Approved => "approved",
                    Published => "published",
                };
                write!(f, "The summary is already {where_}.")
            }
            TransitionError::NoSuchStep { from, to } => f.write_str(match (from, to) {
                (Draft, Approved) => "A draft cannot be approved yet: submit it for review first.",
                (Draft | InReview, Published) => {
                    "Only an approved summary can be published: the independent chair approves it first."
                }
                (Approved, InReview) => {
                    "An approved summary does not go back to review: return it to draft, with a reason, and submit it again."
                }
                (Published, _) => "A published summary can only be withdrawn to draft.",
                _ => "The summary cannot move that way.",
            }),
            TransitionError::NotPermitted(step) => f.write_str(match step {
                SummaryStep::Submit => {
                    "Only the review's lead reviewer or the business office submit the summary for review."
                }
                SummaryStep::Approve => "Only the independent chair approves the summary.",
                SummaryStep::Publish => "Only the business office publishes the summary.",
                SummaryStep::ReturnToDraft => {
                    "Only the review's lead reviewer, the business office or the independent chair return the summary to draft."
                }
                SummaryStep::Withdraw => "Only the business office withdraws a published summary.",
            }),
            TransitionError::Reason(problems) => write!(f, "{problems}"),
        }
    }
}

impl std::error::Error for TransitionError {}

/// Checks a move of a summary from `from` to `to` by a person with `membership` of its
/// review: the move must exist, the person must be allowed it, and going back to draft
/// needs a reason that is not blank. A reason given with any other move is optional, but
/// must fit ([`MAX_REASON`]).
pub fn transition(
    from: SummaryState,
    to: SummaryState,
    actor: &Actor,
    membership: Option<ReviewRole>,
    reason: Option<&str>,
) -> Result<(), TransitionError> {
    if from == to {
        return Err(TransitionError::Unchanged(from));
    }
    let step = step(from, to).ok_or(TransitionError::NoSuchStep { from, to })?;
    if !step.allowed(actor, membership) {
        return Err(TransitionError::NotPermitted(step));
    }
    let mut p = Problems::new();
    match reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => {
            p.long_text("reason", r, MAX_REASON);
        }
        None if step.needs_reason() => {
            p.push("reason", "say why the summary goes back to draft");
        }
        None => {}
    }
    p.into_result().map_err(TransitionError::Reason)
}

/// The states this person may move a summary to from `from` (for the buttons to offer).
pub fn available(
    from: SummaryState,
    actor: &Actor,
    membership: Option<ReviewRole>,
) -> Vec<SummaryState> {
    SummaryState::ALL
        .iter()
        .copied()
        .filter(|to| step(from, *to).is_some_and(|s| s.allowed(actor, membership)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use SummaryState::*;

    fn actor(roles: &[Role], agency: Option<&str>) -> Actor {
        Actor {
            user_id: "u".into(),
            agency_id: agency.map(Into::into),
            roles: roles.to_vec(),
        }
    }

    const LEAD_REVIEWER: Option<ReviewRole> = Some(ReviewRole::LeadReviewer);
    const MEMBER: Option<ReviewRole> = Some(ReviewRole::Member);
    const WHY: Option<&str> = Some("The chair asked for the school's view in the learning.");

    fn office() -> Actor {
        actor(&[Role::BusinessOffice], None)
    }
    fn chair() -> Actor {
        actor(&[Role::IndependentChair], None)
    }
    /// A lead reviewer is appointed to the review; their standing role may be anything.
    fn reviewer() -> Actor {
        actor(&[Role::AgencyRepresentative], Some("csc"))
    }
    fn everyone_else() -> Vec<(Actor, Option<ReviewRole>)> {
        vec![
            (actor(&[Role::AgencyRepresentative], Some("pol")), MEMBER),
            (actor(&[Role::AgencyLead], Some("pol")), MEMBER),
            (actor(&[Role::AgencyLead], Some("pol")), None),
            (actor(&[Role::Practitioner], Some("pol")), MEMBER),
            (actor(&[], None), None),
        ]
    }

    #[test]
    fn states_and_steps_round_trip() {
        for s in SummaryState::ALL {
            assert_eq!(SummaryState::from_code(s.code()), Some(*s));
        }
        for s in SummaryStep::ALL {
            assert_eq!(SummaryStep::from_code(s.code()), Some(*s));
        }
        assert_eq!(SummaryState::from_code("draft"), None);
        let codes: Vec<&str> = SummaryState::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(codes, ["DRAFT", "IN_REVIEW", "APPROVED", "PUBLISHED"]);
    }

    #[test]
    fn only_a_draft_is_edited() {
        assert!(editable(Draft));
        assert!(!editable(InReview));
        assert!(!editable(Approved));
        assert!(!editable(Published));
    }

    #[test]
    fn the_lifecycle_has_six_moves() {
        let mut moves = Vec::new();
        for from in SummaryState::ALL {
            for to in SummaryState::ALL {
                if let Some(s) = step(*from, *to) {
                    moves.push((*from, *to, s));
                }
            }
        }
        assert_eq!(
            moves,
            [
                (Draft, InReview, SummaryStep::Submit),
                (InReview, Draft, SummaryStep::ReturnToDraft),
                (InReview, Approved, SummaryStep::Approve),
                (Approved, Draft, SummaryStep::ReturnToDraft),
                (Approved, Published, SummaryStep::Publish),
                (Published, Draft, SummaryStep::Withdraw),
            ]
        );
    }

    #[test]
    fn authors_submit() {
        assert_eq!(
            transition(Draft, InReview, &reviewer(), LEAD_REVIEWER, None),
            Ok(())
        );
        assert_eq!(transition(Draft, InReview, &office(), None, None), Ok(()));
        let refused = transition(Draft, InReview, &chair(), None, None);
        assert_eq!(
            refused,
            Err(TransitionError::NotPermitted(SummaryStep::Submit))
        );
        for (who, membership) in everyone_else() {
            assert!(transition(Draft, InReview, &who, membership, None).is_err());
        }
        assert_eq!(
            refused.unwrap_err().to_string(),
            "Only the review's lead reviewer or the business office submit the summary for review."
        );
    }

    #[test]
    fn only_the_chair_approves() {
        assert_eq!(transition(InReview, Approved, &chair(), None, None), Ok(()));
        let mut not_the_chair = everyone_else();
        not_the_chair.push((office(), None));
        not_the_chair.push((reviewer(), LEAD_REVIEWER));
        for (who, membership) in not_the_chair {
            assert_eq!(
                transition(InReview, Approved, &who, membership, None),
                Err(TransitionError::NotPermitted(SummaryStep::Approve)),
                "{:?}",
                who.roles
            );
        }
        assert_eq!(
            TransitionError::NotPermitted(SummaryStep::Approve).to_string(),
            "Only the independent chair approves the summary."
        );
    }

    #[test]
    fn only_the_business_office_publishes() {
        assert_eq!(
            transition(Approved, Published, &office(), None, None),
            Ok(())
        );
        let mut others = everyone_else();
        others.push((chair(), None));
        others.push((reviewer(), LEAD_REVIEWER));
        for (who, membership) in others {
            assert_eq!(
                transition(Approved, Published, &who, membership, None),
                Err(TransitionError::NotPermitted(SummaryStep::Publish))
            );
        }
    }

    #[test]
    fn authors_and_the_chair_return_it_to_draft_with_a_reason() {
        for from in [InReview, Approved] {
            assert_eq!(
                transition(from, Draft, &reviewer(), LEAD_REVIEWER, WHY),
                Ok(())
            );
            assert_eq!(transition(from, Draft, &office(), None, WHY), Ok(()));
            assert_eq!(transition(from, Draft, &chair(), None, WHY), Ok(()));
            for (who, membership) in everyone_else() {
                assert_eq!(
                    transition(from, Draft, &who, membership, WHY),
                    Err(TransitionError::NotPermitted(SummaryStep::ReturnToDraft))
                );
            }
            for blank in [None, Some(""), Some("  \n ")] {
                let Err(TransitionError::Reason(p)) =
                    transition(from, Draft, &chair(), None, blank)
                else {
                    panic!("a reason is needed from {from:?}");
                };
                assert_eq!(p.0[0].field, "reason");
                assert_eq!(p.0[0].message, "say why the summary goes back to draft");
            }
        }
    }

    #[test]
    fn only_the_business_office_withdraws_with_a_reason() {
        assert_eq!(transition(Published, Draft, &office(), None, WHY), Ok(()));
        assert!(matches!(
            transition(Published, Draft, &office(), None, Some(" ")),
            Err(TransitionError::Reason(_))
        ));
        for (who, membership) in [(chair(), None), (reviewer(), LEAD_REVIEWER)] {
            assert_eq!(
                transition(Published, Draft, &who, membership, WHY),
                Err(TransitionError::NotPermitted(SummaryStep::Withdraw))
            );
        }
        assert_eq!(
            TransitionError::NotPermitted(SummaryStep::Withdraw).to_string(),
            "Only the business office withdraws a published summary."
        );
    }

    #[test]
    fn permission_is_checked_before_the_reason() {
        let rep = actor(&[Role::AgencyRepresentative], Some("pol"));
        assert_eq!(
            transition(InReview, Draft, &rep, MEMBER, None),
            Err(TransitionError::NotPermitted(SummaryStep::ReturnToDraft))
        );
    }

    #[test]
    fn reasons_must_fit_and_are_optional_going_forward() {
        let long = "x".repeat(MAX_REASON + 1);
        let Err(TransitionError::Reason(p)) =
            transition(InReview, Draft, &chair(), None, Some(&long))
        else {
            panic!("too long");
        };
        assert_eq!(p.0[0].message, "must be at most 2000 characters");
        assert!(transition(InReview, Approved, &chair(), None, Some(&long)).is_err());
        assert_eq!(
            transition(
                InReview,
                Approved,
                &chair(),
                None,
                Some("Clear and anonymous.")
            ),
            Ok(())
        );
        assert_eq!(
            transition(
                InReview,
                Draft,
                &chair(),
                None,
                Some(&"x".repeat(MAX_REASON))
            ),
            Ok(())
        );
    }

    #[test]
    fn moves_outside_the_lifecycle_are_refused_whoever_asks() {
        let everyone = [
            (office(), LEAD_REVIEWER),
            (chair(), LEAD_REVIEWER),
            (
                actor(&[Role::BusinessOffice, Role::IndependentChair], None),
                None,
            ),
        ];
        let refused = [
            (Draft, Approved, "A draft cannot be approved yet: submit it for review first."),
            (Draft, Published, "Only an approved summary can be published: the independent chair approves it first."),
            (InReview, Published, "Only an approved summary can be published: the independent chair approves it first."),
            (Approved, InReview, "An approved summary does not go back to review: return it to draft, with a reason, and submit it again."),
            (Published, InReview, "A published summary can only be withdrawn to draft."),
            (Published, Approved, "A published summary can only be withdrawn to draft."),
        ];
        for (who, membership) in &everyone {
            for (from, to, message) in refused {
                let err = transition(from, to, who, *membership, WHY).unwrap_err();
                assert_eq!(err, TransitionError::NoSuchStep { from, to });
                assert_eq!(err.to_string(), message);
            }
        }
    }

    #[test]
    fn staying_put_is_not_a_move() {
        for s in SummaryState::ALL {
            assert_eq!(
                transition(*s, *s, &office(), None, WHY),
                Err(TransitionError::Unchanged(*s))
            );
        }
        assert_eq!(
            TransitionError::Unchanged(InReview).to_string(),
            "The summary is already in review."
        );
        assert_eq!(
            TransitionError::Unchanged(Draft).to_string(),
            "The summary is already a draft."
        );
    }

    #[test]
    fn the_buttons_each_person_sees() {
        assert_eq!(available(Draft, &reviewer(), LEAD_REVIEWER), [InReview]);
        assert_eq!(available(InReview, &reviewer(), LEAD_REVIEWER), [Draft]);
        assert_eq!(available(InReview, &chair(), None), [Draft, Approved]);
        assert_eq!(available(Approved, &office(), None), [Draft, Published]);
        assert_eq!(available(Published, &office(), None), [Draft]);
        assert!(available(Published, &chair(), None).is_empty());
        for (who, membership) in everyone_else() {
            for s in SummaryState::ALL {
                assert!(available(*s, &who, membership).is_empty());
            }
        }
    }

    #[test]
    fn available_agrees_with_transition() {
        let people = [
            (office(), None),
            (chair(), None),
            (reviewer(), LEAD_REVIEWER),
            (reviewer(), MEMBER),
        ];
        for (who, membership) in &people {
            for from in SummaryState::ALL {
                for to in SummaryState::ALL {
                    let offered = available(*from, who, *membership).contains(to);
                    let ok = transition(*from, *to, who, *membership, WHY).is_ok();
                    assert_eq!(offered, ok, "{from:?} -> {to:?} for {:?}", who.roles);
                }
            }
        }
    }
}
