use sea_orm::entity::prelude::*;

/// The current text of one field of a learning summary. A field never saved has no row
/// (version 0, blank).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "summary_field")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub summary_id: String,
    /// A `shared::summary::SummaryField` code.
    #[sea_orm(primary_key, auto_increment = false)]
    pub field: String,
    /// Markdown; empty when cleared.
    #[sea_orm(column_type = "Text")]
    pub text: String,
    pub version: i32,
    pub updated_by: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
