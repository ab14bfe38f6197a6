use sea_orm::entity::prelude::*;

/// A comment on one field of a learning summary (append-only).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "summary_comment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub summary_id: String,
    pub field: String,
    pub author_id: String,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
