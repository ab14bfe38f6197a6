use sea_orm::entity::prelude::*;

/// A case of an audit's sample, pseudonymised; `agency_ids` is a JSON list.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_audit_case")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub review_id: String,
    pub position: i32,
    pub label: String,
    #[sea_orm(column_type = "Text")]
    pub why_chosen: String,
    #[sea_orm(column_type = "Text")]
    pub agency_ids: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
