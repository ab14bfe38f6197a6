use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "learning_point")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub review_id: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub detail: String,
    pub scope: String,
    pub kind: String,
    /// JSON array of theme names.
    #[sea_orm(column_type = "Text")]
    pub themes: String,
    /// JSON object: `entryIds`, `duplicateGroupKeys`, `annotationId`.
    #[sea_orm(column_type = "Text")]
    pub sources: String,
    pub committee_id: Option<String>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
