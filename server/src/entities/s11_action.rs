use sea_orm::entity::prelude::*;

/// Which Section 11 assessment and standard an action of the action plan answers.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "s11_action")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub action_id: String,
    pub assessment_id: String,
    pub standard_id: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
