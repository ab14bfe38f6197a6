use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "indicator_value")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub indicator_id: String,
    /// A period key of the indicator's reporting period: `2026-03`, `2026-Q1`.
    pub period: String,
    #[sea_orm(column_type = "Double")]
    pub value: f64,
    pub supplied_by: Option<String>,
    pub supplied_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
