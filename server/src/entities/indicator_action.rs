use sea_orm::entity::prelude::*;

/// Which performance indicator (a hot spot) and year an action of the action plan answers.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "indicator_action")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub action_id: String,
    pub indicator_id: String,
    pub year: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
