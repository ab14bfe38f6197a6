use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub actor_id: Option<String>,
    pub actor_name: Option<String>,
    pub agency_id: Option<String>,
    pub agency_prefix: Option<String>,
    pub role: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub correlation_id: String,
    pub prev_hash: String,
    pub hash: String,
    /// What a retention purge deleted (JSON: counts and references, never content); hashed
    /// into the chain when present.
    #[sea_orm(column_type = "Text", nullable)]
    pub detail: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
