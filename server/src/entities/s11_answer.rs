use sea_orm::entity::prelude::*;

/// An agency's answer to one standard in its assessment.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "s11_answer")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub assessment_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub standard_id: String,
    /// A `shared::section11::Rating` code, once rated.
    pub rating: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub evidence: String,
    #[sea_orm(column_type = "Text")]
    pub to_green: String,
    /// Links to evidence: a JSON list of `shared::section11::EvidenceLink`.
    #[sea_orm(column_type = "Text")]
    pub links: String,
    /// Copied from last year's answer and not changed since.
    pub carried_forward: bool,
    pub updated_by: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
