use sea_orm::entity::prelude::*;

/// Every saved version of a summary field, kept for its history and comparisons.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "summary_field_version")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub summary_id: String,
    pub field: String,
    pub version: i32,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    pub author_id: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
