use sea_orm::entity::prelude::*;

/// A person of the audit pool chosen to audit a case audit.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_audit_auditor")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub review_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: String,
    /// Choosing them made them a member of the review (they were not one before): taking
    /// them off the audit takes that membership away again.
    pub made_member: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
