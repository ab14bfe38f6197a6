use sea_orm::entity::prelude::*;

/// A theme of a year's multi-agency case audit programme.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_theme")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub year: i32,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub terms_of_reference: String,
    #[sea_orm(column_type = "Text")]
    pub question: String,
    pub planned_for: Option<Date>,
    /// The earlier theme this one re-audits.
    pub revisits_id: Option<String>,
    /// The performance indicator whose hot spot proposed it, if it was proposed so.
    pub source_indicator_id: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
