//! GraphQL surface of agencies: thin, decoding input and calling the service.

use super::service;
use crate::entities::{agency, qa_mechanism};
use crate::graphql::{parts, stored_field, IntoGql};
use crate::rows::InHand;
use async_graphql::{ComplexObject, Context, InputObject, Object, SimpleObject, ID};
use chrono::NaiveDate;
use shared::agencies::{AgencyDraft, AgencyKind, QaMechanismDraft};

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Agency {
    pub id: ID,
    pub name: String,
    /// The stored kind, read through `kind` and `kindLabel`.
    #[graphql(skip)]
    pub kind_code: String,
    /// The agency's source prefix, shown beside its entries (e.g. POL).
    pub prefix: String,
    /// Colour as #rrggbb; always shown with the prefix, never alone.
    pub colour: String,
    pub active: bool,
}

impl From<agency::Model> for Agency {
    fn from(m: agency::Model) -> Self {
        Self {
            id: ID(m.id),
            name: m.name,
            kind_code: m.kind,
            prefix: m.prefix,
            colour: m.colour,
            active: m.active,
        }
    }
}

impl Agency {
    /// Stands in for an agency row that cannot be found (foreign keys prevent it).
    pub fn missing(id: &str) -> Self {
        Self {
            id: ID(id.to_owned()),
            name: "Unknown agency".into(),
            kind_code: AgencyKind::Other.code().to_owned(),
            prefix: "?".into(),
            colour: "#505a5f".into(),
            active: false,
        }
    }
}

#[derive(SimpleObject, Clone)]
pub struct QaMechanism {
    pub id: ID,
    pub text: String,
    pub last_updated: NaiveDate,
}

impl From<qa_mechanism::Model> for QaMechanism {
    fn from(m: qa_mechanism::Model) -> Self {
        Self {
            id: ID(m.id),
            text: m.text,
            last_updated: m.last_updated,
        }
    }
}

impl InHand for Agency {
    const FETCHED: &'static [&'static str] = &["qaMechanisms", "qaLastUpdated"];
}

#[ComplexObject]
impl Agency {
    async fn kind(&self, ctx: &Context<'_>) -> async_graphql::Result<AgencyKind> {
        stored_field(ctx, &self.kind_code)
    }

    async fn kind_label(&self, ctx: &Context<'_>) -> async_graphql::Result<&'static str> {
        stored_field::<AgencyKind>(ctx, &self.kind_code).map(AgencyKind::label)
    }

    /// How the agency quality-assures its work, each with the date it was last updated.
    async fn qa_mechanisms(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<QaMechanism>> {
        let (state, rc) = parts(ctx)?;
        let mut map = service::qa_mechanisms(&state.db, std::slice::from_ref(&self.id.0))
            .await
            .gql(rc)?;
        Ok(map
            .remove(&self.id.0)
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The most recent update of any of its QA mechanisms.
    async fn qa_last_updated(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<NaiveDate>> {
        let (state, rc) = parts(ctx)?;
        let map = service::qa_mechanisms(&state.db, std::slice::from_ref(&self.id.0))
            .await
            .gql(rc)?;
        Ok(map
            .get(&self.id.0)
            .and_then(|list| list.iter().map(|m| m.last_updated).max()))
    }
}

#[derive(InputObject)]
pub struct AgencyInput {
    pub name: String,
    pub kind: AgencyKind,
    pub prefix: String,
    pub colour: String,
    pub active: bool,
}

impl From<AgencyInput> for AgencyDraft {
    fn from(i: AgencyInput) -> Self {
        AgencyDraft {
            name: i.name,
            kind: i.kind,
            prefix: i.prefix,
            colour: i.colour,
            active: i.active,
        }
    }
}

#[derive(InputObject)]
pub struct QaMechanismInput {
    pub text: String,
    pub last_updated: NaiveDate,
}

/// How a colour compares with the other agencies' colours.
#[derive(SimpleObject)]
pub struct ColourCheck {
    /// The colour checked, as it would be stored (#rrggbb, lower case).
    pub colour: String,
    /// The agencies whose colour is too close to it to tell apart (CIEDE2000 below 10), by
    /// prefix.
    pub too_close_to: Vec<Agency>,
    /// When some are too close: a colour at least 15 from every agency's colour and with
    /// at least 3:1 contrast on white, or null if none fits.
    pub suggestion: Option<String>,
}

#[derive(Default)]
pub struct AgencyQuery;

#[Object]
impl AgencyQuery {
    /// Partner agencies by name; inactive ones only when asked.
    async fn agencies(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false)] include_inactive: bool,
    ) -> async_graphql::Result<Vec<Agency>> {
        let (state, rc) = parts(ctx)?;
        let rows = service::list(&state.db, include_inactive).await.gql(rc)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn agency(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Agency> {
        let (state, rc) = parts(ctx)?;
        service::get(&state.db, &id).await.map(Into::into).gql(rc)
    }

    /// Whether a colour is too close to another agency's (business office); leave out the
    /// agency being edited with `exceptAgencyId`.
    async fn agency_colour_check(
        &self,
        ctx: &Context<'_>,
        colour: String,
        except_agency_id: Option<ID>,
    ) -> async_graphql::Result<ColourCheck> {
        let (state, rc) = parts(ctx)?;
        let (colour, close, suggestion) = service::colour_check(
            &state.db,
            &colour,
            except_agency_id.as_ref().map(|id| id.as_str()),
        )
        .await
        .gql(rc)?;
        Ok(ColourCheck {
            colour,
            too_close_to: close.into_iter().map(Into::into).collect(),
            suggestion,
        })
    }
}

#[derive(Default)]
pub struct AgencyMutation;

#[Object]
impl AgencyMutation {
    async fn create_agency(
        &self,
        ctx: &Context<'_>,
        input: AgencyInput,
    ) -> async_graphql::Result<Agency> {
        let (state, rc) = parts(ctx)?;
        service::create(state, rc, input.into())
            .await
            .map(Into::into)
            .gql(rc)
    }

    async fn update_agency(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: AgencyInput,
    ) -> async_graphql::Result<Agency> {
        let (state, rc) = parts(ctx)?;
        service::update(state, rc, &id, input.into())
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// Replaces the agency's list of QA mechanisms (business office, or the agency's lead).
    async fn set_qa_mechanisms(
        &self,
        ctx: &Context<'_>,
        agency_id: ID,
        mechanisms: Vec<QaMechanismInput>,
    ) -> async_graphql::Result<Agency> {
        let (state, rc) = parts(ctx)?;
        let drafts = mechanisms
            .into_iter()
            .map(|m| QaMechanismDraft {
                text: m.text,
                last_updated: m.last_updated,
            })
            .collect();
        service::set_qa_mechanisms(state, rc, &agency_id, drafts)
            .await
            .map(Into::into)
            .gql(rc)
    }
}
