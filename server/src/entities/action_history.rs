use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "action_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub action_id: String,
    pub version: i32,
    pub change: String,
    #[sea_orm(column_type = "Text")]
    pub snapshot: String,
    pub changed_by: Option<String>,
    pub changed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
