use sea_orm::entity::prelude::*;

/// A question the business office asks an agency about its answer to one standard, and the
/// agency's response.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "s11_challenge")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub assessment_id: String,
    pub standard_id: String,
    #[sea_orm(column_type = "Text")]
    pub question: String,
    pub asked_by: Option<String>,
    pub asked_at: DateTimeUtc,
    #[sea_orm(column_type = "Text", nullable)]
    pub response: Option<String>,
    pub responded_by: Option<String>,
    pub responded_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
