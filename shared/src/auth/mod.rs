//! Who people are to the platform: their roles, and the pure rules of what each role sees.
//! The server applies these rules in its single authorization mechanism.

pub mod second_factor;

use crate::reviews::vocabulary::{vocabulary, ReviewRole};

/// Longest email address accepted at sign-in (RFC 5321's path limit).
pub const MAX_EMAIL_CHARS: usize = 254;
/// Longest password accepted at sign-in; passwords are at least 12 characters.
pub const MAX_PASSWORD_CHARS: usize = 1024;

vocabulary! {
    /// A person's standing roles (a person may hold several).
    Role {
        BusinessOffice => ("BUSINESS_OFFICE", "Business office"),
        IndependentChair => ("INDEPENDENT_CHAIR", "Independent chair"),
        AgencyLead => ("AGENCY_LEAD", "Agency lead"),
        AgencyRepresentative => ("AGENCY_REPRESENTATIVE", "Agency representative"),
        Practitioner => ("PRACTITIONER", "Practitioner"),
    }
}

impl Role {
    /// Partnership roles see every review; agency roles only those they are members of.
    pub fn sees_all_reviews(self) -> bool {
        matches!(self, Role::BusinessOffice | Role::IndependentChair)
    }

    /// Roles that belong to one agency: a person holding one must have an agency.
    pub fn is_agency_role(self) -> bool {
        matches!(
            self,
            Role::AgencyLead | Role::AgencyRepresentative | Role::Practitioner
        )
    }
}

/// Parses the stored comma-separated role codes, ignoring unknown ones.
pub fn parse_roles(codes: &str) -> Vec<Role> {
    codes
        .split(',')
        .filter_map(|c| Role::from_code(c.trim()))
        .collect()
}

/// The stored form of a set of roles.
pub fn format_roles(roles: &[Role]) -> String {
    roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(",")
}

/// The signed-in person a request acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: String,
    pub agency_id: Option<String>,
    pub roles: Vec<Role>,
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn has_any(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.has(*r))
    }

    /// The role recorded in the audit log: the most senior one held.
    pub fn primary_role(&self) -> Option<Role> {
        Role::ALL.iter().copied().find(|r| self.has(*r))
    }

    /// Whether this person may see a review, given their membership of it (if any).
    pub fn can_view_review(&self, membership: Option<ReviewRole>) -> bool {
        self.roles.iter().any(|r| r.sees_all_reviews()) || membership.is_some()
    }

    /// Whether this person may keep the given agency's quality-assurance mechanisms.
    pub fn can_keep_agency_qa(&self, agency_id: &str) -> bool {
        self.has(Role::BusinessOffice)
            || (self.has(Role::AgencyLead) && self.agency_id.as_deref() == Some(agency_id))
    }
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
    fn roles_round_trip_through_storage() {
        let roles = vec![Role::BusinessOffice, Role::Practitioner];
        assert_eq!(parse_roles(&format_roles(&roles)), roles);
        assert_eq!(parse_roles("NOPE, AGENCY_LEAD"), vec![Role::AgencyLead]);
    }

    #[test]
    fn review_visibility() {
        assert!(actor(&[Role::BusinessOffice], None).can_view_review(None));
        assert!(actor(&[Role::IndependentChair], None).can_view_review(None));
        let rep = actor(&[Role::AgencyRepresentative], Some("a"));
        assert!(!rep.can_view_review(None));
        assert!(rep.can_view_review(Some(ReviewRole::Member)));
        assert!(!actor(&[Role::AgencyLead], Some("a")).can_view_review(None));
    }

    #[test]
    fn qa_mechanisms_kept_by_own_agency_lead_or_business_office() {
        assert!(actor(&[Role::AgencyLead], Some("a")).can_keep_agency_qa("a"));
        assert!(!actor(&[Role::AgencyLead], Some("a")).can_keep_agency_qa("b"));
        assert!(!actor(&[Role::AgencyRepresentative], Some("a")).can_keep_agency_qa("a"));
        assert!(actor(&[Role::BusinessOffice], None).can_keep_agency_qa("b"));
    }
}
