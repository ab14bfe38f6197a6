use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "recommendation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub learning_point_id: String,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::learning_point::Entity",
        from = "Column::LearningPointId",
        to = "super::learning_point::Column::Id"
    )]
    LearningPoint,
}

impl ActiveModelBehavior for ActiveModel {}
