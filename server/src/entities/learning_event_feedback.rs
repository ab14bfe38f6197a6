use sea_orm::entity::prelude::*;

/// One person's feedback on an event (they may change it).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "learning_event_feedback")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub event_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: String,
    /// 1 to 5 (`shared::training::SCORES`).
    pub score: i32,
    #[sea_orm(column_type = "Text")]
    pub comment: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
