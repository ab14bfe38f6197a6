use sea_orm::entity::prelude::*;

/// An audit an agency made of its own practice (its single-agency QA work).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "single_agency_audit")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub agency_id: String,
    pub topic: String,
    /// The standard, policy or procedure audited against.
    pub standard: String,
    /// The cases or files looked at.
    pub sample_size: i32,
    pub audited_on: Date,
    #[sea_orm(column_type = "Text")]
    pub findings: String,
    #[sea_orm(column_type = "Text")]
    pub what_changed: String,
    /// Goes up with every change.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
