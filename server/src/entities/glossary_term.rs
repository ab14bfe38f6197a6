use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "glossary_term")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub review_id: String,
    #[sea_orm(column_type = "Text")]
    pub real_text: String,
    /// The real text case-folded: one term per review and key.
    #[sea_orm(column_type = "Text")]
    pub real_key: String,
    #[sea_orm(column_type = "Text")]
    pub replacement: String,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
