use sea_orm::entity::prelude::*;

/// A question of the audit tool; its stage is a `shared::case_audits::AuditStage` code.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_question")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub stage: String,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    pub position: i32,
    pub retired: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
