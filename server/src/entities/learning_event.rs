use sea_orm::entity::prelude::*;

/// A learning event: a workshop, briefing, conference, e-learning module or newsletter item.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "learning_event")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub title: String,
    /// A `shared::training::LearningEventKind` code.
    pub kind: String,
    pub held_on: Date,
    #[sea_orm(column_type = "Text")]
    pub audience: String,
    /// National reviews' learning it carried, in words.
    #[sea_orm(column_type = "Text")]
    pub national_learning: String,
    pub recorded_by: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
