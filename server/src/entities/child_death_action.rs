use sea_orm::entity::prelude::*;

/// Which child death review record an action of the action plan answers.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "child_death_action")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub action_id: String,
    pub record_id: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
