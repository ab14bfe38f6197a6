use sea_orm::entity::prelude::*;

/// One move of a learning summary from a state to another, with who made it and, going back
/// to draft, why.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "summary_state_change")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub summary_id: String,
    pub from_state: String,
    pub to_state: String,
    /// A `shared::summary::SummaryStep` code.
    pub step: String,
    pub by: String,
    pub at: DateTimeUtc,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
