use sea_orm::entity::prelude::*;

/// The grade an agency gave one question for one case, with its evidence.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_audit_grade")]
pub struct Model {
    pub review_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub case_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub agency_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub question_id: String,
    pub grade_code: String,
    #[sea_orm(column_type = "Text")]
    pub evidence: String,
    pub updated_by: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
