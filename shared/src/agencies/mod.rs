//! Agencies: their kinds, source prefixes and colours, and the rules for each.

use crate::reviews::vocabulary::vocabulary;
use crate::validation::{self, Problems};
use chrono::NaiveDate;

vocabulary! {
    /// What sort of organisation a partner agency is.
    AgencyKind {
        Police => ("POLICE", "Police"),
        ChildrensSocialCare => ("CHILDRENS_SOCIAL_CARE", "Children's social care"),
        HealthProvider => ("HEALTH_PROVIDER", "NHS trust / health provider"),
        Ambulance => ("AMBULANCE", "Ambulance service"),
        HealthCommissioner => ("HEALTH_COMMISSIONER", "GP / clinical commissioning"),
        Schools => ("SCHOOLS", "Schools"),
        Colleges => ("COLLEGES", "Colleges"),
        Probation => ("PROBATION", "Probation"),
        CommunityRehabilitation => ("COMMUNITY_REHABILITATION", "Community rehabilitation company"),
        Cafcass => ("CAFCASS", "Cafcass"),
        YouthOffending => ("YOUTH_OFFENDING", "Youth offending service"),
        SecureEstate => ("SECURE_ESTATE", "Secure training centre"),
        VoluntarySector => ("VOLUNTARY_SECTOR", "Voluntary sector"),
        Other => ("OTHER", "Other"),
    }
}

/// A source prefix: 2 to 5 capital letters (`POL`, `CSC`, `NGH`).
pub fn prefix(problems: &mut Problems, field: &str, value: &str) -> String {
    let prefix = value.trim().to_string();
    if !(2..=5).contains(&prefix.len()) || !prefix.chars().all(|c| c.is_ascii_uppercase()) {
        problems.push(field, "must be 2 to 5 capital letters, such as POL or CSC");
    }
    prefix
}

/// A colour as `#rrggbb`, stored in lower case.
pub fn colour(problems: &mut Problems, field: &str, value: &str) -> String {
    let colour = value.trim().to_lowercase();
    let ok = colour.len() == 7
        && colour.starts_with('#')
        && colour[1..].chars().all(|c| c.is_ascii_hexdigit());
    if !ok {
        problems.push(field, "must be a colour such as #1d70b8");
    }
    colour
}

/// What the business office enters for an agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyDraft {
    pub name: String,
    pub kind: AgencyKind,
    pub prefix: String,
    pub colour: String,
    pub active: bool,
}

impl AgencyDraft {
    pub fn validate(mut self) -> Result<Self, Problems> {
        let mut p = Problems::new();
        self.name = p.text("name", &self.name, 120);
        self.prefix = prefix(&mut p, "prefix", &self.prefix);
        self.colour = colour(&mut p, "colour", &self.colour);
        p.into_result().map(|()| self)
    }
}

/// One quality-assurance mechanism of an agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QaMechanismDraft {
    pub text: String,
    pub last_updated: NaiveDate,
}

/// The most agencies one request asks for a yearly return (a partnership has a few dozen).
pub const MAX_AGENCIES_ASKED: usize = 500;

/// Checks a request asking agencies for a yearly return (a Section 11 self-assessment, a QA
/// impact report): a year from 2000 to 2100, 1 to [`MAX_AGENCIES_ASKED`] agencies, a due
/// date from `today`. Fields `year`, `agencyIds`, `dueOn`. Answers the agencies sorted,
/// each once.
pub fn check_asking(
    year: i32,
    agency_ids: Vec<String>,
    due_on: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<String>, Problems> {
    let mut p = Problems::new();
    if !(2000..=2100).contains(&year) {
        p.push("year", "must be a year between 2000 and 2100");
    }
    if agency_ids.is_empty() {
        p.push("agencyIds", "choose at least one agency");
    }
    if agency_ids.len() > MAX_AGENCIES_ASKED {
        p.push(
            "agencyIds",
            format!("ask at most {MAX_AGENCIES_ASKED} agencies at once"),
        );
    }
    if due_on < today {
        p.push("dueOn", "must be today or a later date");
    }
    let mut agency_ids = agency_ids;
    agency_ids.sort_unstable();
    agency_ids.dedup();
    p.into_result().map(|()| agency_ids)
}

pub const MAX_QA_MECHANISMS: usize = 50;

/// Checks an agency's whole list of mechanisms (it is saved as one list).
pub fn validate_qa_mechanisms(
    mechanisms: Vec<QaMechanismDraft>,
    today: NaiveDate,
) -> Result<Vec<QaMechanismDraft>, Problems> {
    let mut p = Problems::new();
    if mechanisms.len() > MAX_QA_MECHANISMS {
        p.push(
            "mechanisms",
            format!("at most {MAX_QA_MECHANISMS} mechanisms"),
        );
    }
    let checked = mechanisms
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            let text = p.long_text(&format!("mechanisms[{i}].text"), &m.text, 2000);
            crate::reviews::input::past_date(
                &mut p,
                &format!("mechanisms[{i}].lastUpdated"),
                m.last_updated,
                today,
            );
            QaMechanismDraft {
                text,
                last_updated: m.last_updated,
            }
        })
        .collect();
    p.into_result().map(|()| checked)
}

/// What the business office enters for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserDraft {
    pub email: String,
    pub display_name: String,
    pub agency_id: Option<String>,
    pub roles: Vec<crate::auth::Role>,
}

impl UserDraft {
    pub fn validate(mut self) -> Result<Self, Problems> {
        let mut p = Problems::new();
        self.email = validation::email(&mut p, "email", &self.email);
        self.display_name = p.text("displayName", &self.display_name, 120);
        if self.roles.is_empty() {
            p.push("roles", "choose at least one role");
        }
        if self.roles.iter().any(|r| r.is_agency_role()) && self.agency_id.is_none() {
            p.push("agencyId", "agency roles need the person's agency");
        }
        let mut unique = Vec::with_capacity(self.roles.len());
        for role in self.roles {
            if !unique.contains(&role) {
                unique.push(role);
            }
        }
        self.roles = unique;
        p.into_result().map(|()| self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Role;

    #[test]
    fn prefixes() {
        for ok in ["PO", "POL", "NHSE", "CAFCS"] {
            let mut p = Problems::new();
            prefix(&mut p, "prefix", ok);
            assert!(p.is_empty(), "{ok}");
        }
        for bad in ["P", "pol", "POLICE", "P1", "", "PÖL"] {
            let mut p = Problems::new();
            prefix(&mut p, "prefix", bad);
            assert_eq!(p.0.len(), 1, "{bad}");
        }
    }

    #[test]
    fn colours() {
        let mut p = Problems::new();
        assert_eq!(colour(&mut p, "colour", "#1D70B8"), "#1d70b8");
        for bad in ["1d70b8", "#1d70b", "#1d70bg", "red"] {
            colour(&mut p, "colour", bad);
        }
        assert_eq!(p.0.len(), 4);
    }

    #[test]
    fn agency_roles_need_an_agency() {
        let draft = UserDraft {
            email: "rep@example.org".into(),
            display_name: "Rep".into(),
            agency_id: None,
            roles: vec![Role::AgencyRepresentative],
        };
        assert_eq!(
            draft.validate().expect_err("no agency").0[0].field,
            "agencyId"
        );
    }

    #[test]
    fn a_role_given_twice_is_held_once() {
        let draft = UserDraft {
            email: "office@example.org".into(),
            display_name: "Office".into(),
            agency_id: None,
            roles: vec![
                Role::BusinessOffice,
                Role::IndependentChair,
                Role::BusinessOffice,
            ],
        };
        assert_eq!(
            draft.validate().expect("valid").roles,
            vec![Role::BusinessOffice, Role::IndependentChair]
        );
    }

    #[test]
    fn qa_mechanisms_checked_as_a_list() {
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
        let list = vec![
            QaMechanismDraft {
                text: "Monthly audits".into(),
                last_updated: today,
            },
            QaMechanismDraft {
                text: " ".into(),
                last_updated: today,
            },
        ];
        let problems = validate_qa_mechanisms(list, today).expect_err("empty text");
        assert_eq!(problems.0[0].field, "mechanisms[1].text");
    }

    #[test]
    fn asking_agencies_needs_a_year_agencies_and_a_due_date_from_today() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 6, day).expect("date");
        let ids = |xs: &[&str]| xs.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            check_asking(2026, ids(&["b", "a", "b"]), d(2), d(2)),
            Ok(ids(&["a", "b"]))
        );
        let p = check_asking(1999, vec![], d(1), d(2)).expect_err("bad");
        let fields: Vec<&str> = p.0.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, ["year", "agencyIds", "dueOn"]);
        let many = (0..=MAX_AGENCIES_ASKED).map(|i| i.to_string()).collect();
        assert!(check_asking(2026, many, d(2), d(2)).is_err());
    }
}
