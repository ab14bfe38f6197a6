use sea_orm::entity::prelude::*;

/// An OpenID Connect identity provider the business office configured (see `auth::oidc`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sign_in_provider")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// What people see: "Sign in with your Northshire Council account".
    pub name: String,
    pub issuer_url: String,
    pub client_id: String,
    /// Sent to the provider's token endpoint; never returned by the API.
    pub client_secret: Option<String>,
    /// The `email_verified` claim must be true (otherwise: only not false).
    pub email_verified_required: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
