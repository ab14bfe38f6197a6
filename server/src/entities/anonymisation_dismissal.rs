use sea_orm::entity::prelude::*;

/// A suspect a reviewer dismissed as not a name (see `chronology::anonymisation`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "anonymisation_dismissal")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub review_id: String,
    /// The suspect's text case-folded (`shared::glossary::fold`): one per review and key.
    #[sea_orm(column_type = "Text")]
    pub text_key: String,
    pub dismissed_by: String,
    pub dismissed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
