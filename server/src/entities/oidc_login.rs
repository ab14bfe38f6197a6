use sea_orm::entity::prelude::*;

/// An OpenID Connect sign-in in progress: what the callback checks, used once.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oidc_login")]
pub struct Model {
    /// SHA-256 (hex) of the `state` sent to the provider.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub provider_id: String,
    /// SHA-256 (hex) of the browser-binding cookie set when the sign-in started.
    pub browser_hash: String,
    pub nonce: String,
    pub pkce_verifier: String,
    /// Where in the app to go once signed in (a path of this site).
    pub return_to: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
