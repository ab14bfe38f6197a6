//! Who may do what with a review's chronology (pure; the server applies these).

use crate::auth::{Actor, Role};
use crate::reviews::ReviewRole;

/// Business office, chair and the review's lead reviewers see every agency's return.
pub fn sees_all_returns(actor: &Actor, membership: Option<ReviewRole>) -> bool {
    actor.has_any(&[Role::BusinessOffice, Role::IndependentChair])
        || membership == Some(ReviewRole::LeadReviewer)
}

/// Business office and lead reviewers collate: decide duplicates, annotate, set the merge.
pub fn collates(actor: &Actor, membership: Option<ReviewRole>) -> bool {
    actor.has(Role::BusinessOffice) || membership == Some(ReviewRole::LeadReviewer)
}

/// The integrated chronology: collators and the chair always; other members once shared.
pub fn sees_integrated(actor: &Actor, membership: Option<ReviewRole>, shared: bool) -> bool {
    sees_all_returns(actor, membership) || (shared && membership.is_some())
}

/// A member of the review who works for `agency_id` as its representative or lead keeps
/// that agency's return.
pub fn keeps_return(actor: &Actor, membership: Option<ReviewRole>, agency_id: &str) -> bool {
    membership.is_some()
        && actor.agency_id.as_deref() == Some(agency_id)
        && actor.has_any(&[Role::AgencyRepresentative, Role::AgencyLead])
}

/// A member of the review from the agency that recorded the entry answers questions on it.
pub fn answers_for(actor: &Actor, membership: Option<ReviewRole>, entry_agency_id: &str) -> bool {
    membership.is_some() && actor.agency_id.as_deref() == Some(entry_agency_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(roles: &[Role], agency: Option<&str>) -> Actor {
        Actor {
            user_id: "u".into(),
            agency_id: agency.map(Into::into),
            roles: roles.to_vec(),
        }
    }

    #[test]
    fn returns_are_kept_by_their_own_agency_members() {
        let rep = actor(&[Role::AgencyRepresentative], Some("pol"));
        assert!(keeps_return(&rep, Some(ReviewRole::Member), "pol"));
        assert!(!keeps_return(&rep, Some(ReviewRole::Member), "csc"));
        assert!(
            !keeps_return(&rep, None, "pol"),
            "not a member of the review"
        );
        let practitioner = actor(&[Role::Practitioner], Some("pol"));
        assert!(!keeps_return(
            &practitioner,
            Some(ReviewRole::Member),
            "pol"
        ));
        assert!(!keeps_return(
            &actor(&[Role::BusinessOffice], None),
            None,
            "pol"
        ));
    }

    #[test]
    fn the_integrated_chronology_opens_to_members_once_shared() {
        let rep = actor(&[Role::AgencyRepresentative], Some("pol"));
        assert!(!sees_integrated(&rep, Some(ReviewRole::Member), false));
        assert!(sees_integrated(&rep, Some(ReviewRole::Member), true));
        assert!(!sees_integrated(&rep, None, true));
        assert!(sees_integrated(&rep, Some(ReviewRole::LeadReviewer), false));
        assert!(sees_integrated(
            &actor(&[Role::IndependentChair], None),
            None,
            false
        ));
        assert!(collates(&actor(&[Role::BusinessOffice], None), None));
        assert!(!collates(&actor(&[Role::IndependentChair], None), None));
    }
}
