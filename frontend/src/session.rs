//! Who is signed in, shared by every page through context.

use crate::api::{self, code_of};
use leptos::prelude::*;
use serde::Serialize;
use shared::auth::Role;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Me {
    pub id: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub agency_id: Option<String>,
}

impl Me {
    /// From the fields `me` and `signIn` both answer with.
    fn new<R: Serialize>(
        id: String,
        display_name: String,
        roles: &[R],
        agency_id: Option<String>,
    ) -> Self {
        Self {
            id,
            display_name,
            roles: roles
                .iter()
                .filter_map(|r| Role::from_code(&code_of(r)))
                .collect(),
            agency_id,
        }
    }
}

impl From<api::data::MeUser> for Me {
    fn from(m: api::data::MeUser) -> Self {
        Self::new(m.id, m.display_name, &m.roles, m.agency.map(|a| a.id))
    }
}

#[derive(Clone, Copy)]
pub struct Session {
    pub me: RwSignal<Option<Me>>,
    /// Whether the first `me` query has answered.
    pub checked: RwSignal<bool>,
}

impl Session {
    pub fn has(&self, role: Role) -> bool {
        self.me
            .with(|m| m.as_ref().is_some_and(|m| m.roles.contains(&role)))
    }

    pub fn is_office(&self) -> bool {
        self.has(Role::BusinessOffice)
    }

    /// The signed-in person as `shared`'s access rules see them.
    pub fn actor(&self) -> Option<shared::auth::Actor> {
        self.me.with(|m| {
            m.as_ref().map(|m| shared::auth::Actor {
                user_id: m.id.clone(),
                agency_id: m.agency_id.clone(),
                roles: m.roles.clone(),
            })
        })
    }

    /// Business office, or the agency lead of this agency.
    pub fn can_keep_agency_qa(&self, agency_id: &str) -> bool {
        self.me.with(|m| {
            m.as_ref().is_some_and(|m| {
                m.roles.contains(&Role::BusinessOffice)
                    || (m.roles.contains(&Role::AgencyLead)
                        && m.agency_id.as_deref() == Some(agency_id))
            })
        })
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
