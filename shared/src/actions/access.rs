//! Who may read and change action plans (pure; the server applies these).
//!
//! Action plans are case-specific: practitioners read none of them (they read the published
//! learning library). The business office and the chair see every review's plan; members of
//! a review with an agency role see its plan; an agency lead also sees every action their
//! agency owns, whichever review it comes from.

use crate::auth::{Actor, Role};
use crate::reviews::ReviewRole;

/// Whether the person reads a review's learning points and actions.
pub fn reads_plan(actor: &Actor, membership: Option<ReviewRole>) -> bool {
    actor.has_any(&[Role::BusinessOffice, Role::IndependentChair])
        || membership == Some(ReviewRole::LeadReviewer)
        || (membership.is_some() && actor.has_any(&[Role::AgencyLead, Role::AgencyRepresentative]))
}

/// Whether the person sees one action (of a review where they have `membership`, owned by
/// `owner_agency_id`).
pub fn sees_action(actor: &Actor, membership: Option<ReviewRole>, owner_agency_id: &str) -> bool {
    reads_plan(actor, membership) || leads_agency(actor, owner_agency_id)
}

fn leads_agency(actor: &Actor, agency_id: &str) -> bool {
    actor.has(Role::AgencyLead) && actor.agency_id.as_deref() == Some(agency_id)
}

/// The business office and the review's lead reviewers write the plan: learning points,
/// recommendations, actions, and committee referrals.
pub fn keeps_plan(actor: &Actor, membership: Option<ReviewRole>) -> bool {
    actor.has(Role::BusinessOffice) || membership == Some(ReviewRole::LeadReviewer)
}

/// The owner agency's lead or representative (and the business office) report progress.
pub fn reports_progress(actor: &Actor, owner_agency_id: &str) -> bool {
    actor.has(Role::BusinessOffice)
        || (actor.has_any(&[Role::AgencyLead, Role::AgencyRepresentative])
            && actor.agency_id.as_deref() == Some(owner_agency_id))
}

/// Only the business office sets a RAG by hand.
pub fn overrides_rag(actor: &Actor) -> bool {
    actor.has(Role::BusinessOffice)
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

    const MEMBER: Option<ReviewRole> = Some(ReviewRole::Member);
    const LEAD_REVIEWER: Option<ReviewRole> = Some(ReviewRole::LeadReviewer);

    #[test]
    fn practitioners_read_no_plan() {
        let prac = actor(&[Role::Practitioner], Some("pol"));
        assert!(!reads_plan(&prac, MEMBER));
        assert!(!sees_action(&prac, MEMBER, "pol"));
        assert!(
            reads_plan(&prac, LEAD_REVIEWER),
            "unless they lead the review"
        );
    }

    #[test]
    fn members_with_an_agency_role_and_the_partnership_read_plans() {
        let rep = actor(&[Role::AgencyRepresentative], Some("pol"));
        assert!(reads_plan(&rep, MEMBER));
        assert!(!reads_plan(&rep, None));
        assert!(
            !sees_action(&rep, None, "pol"),
            "a rep sees only reviews they are on"
        );
        assert!(reads_plan(&actor(&[Role::BusinessOffice], None), None));
        assert!(reads_plan(&actor(&[Role::IndependentChair], None), None));
    }

    #[test]
    fn an_agency_lead_sees_every_action_their_agency_owns() {
        let lead = actor(&[Role::AgencyLead], Some("pol"));
        assert!(sees_action(&lead, None, "pol"));
        assert!(!sees_action(&lead, None, "csc"));
        assert!(sees_action(&lead, MEMBER, "csc"));
    }

    #[test]
    fn who_writes_what() {
        let office = actor(&[Role::BusinessOffice], None);
        let lead = actor(&[Role::AgencyLead], Some("pol"));
        let rep = actor(&[Role::AgencyRepresentative], Some("pol"));
        let chair = actor(&[Role::IndependentChair], None);
        assert!(keeps_plan(&office, None));
        assert!(keeps_plan(&rep, LEAD_REVIEWER));
        assert!(!keeps_plan(&lead, MEMBER));
        assert!(!keeps_plan(&chair, None));
        assert!(reports_progress(&lead, "pol"));
        assert!(reports_progress(&rep, "pol"));
        assert!(!reports_progress(&rep, "csc"));
        assert!(!reports_progress(&chair, "pol"));
        assert!(!reports_progress(
            &actor(&[Role::Practitioner], Some("pol")),
            "pol"
        ));
        assert!(reports_progress(&office, "csc"));
        assert!(overrides_rag(&office));
        assert!(!overrides_rag(&lead));
    }
}
