use sea_orm::entity::prelude::*;

/// A role whose people must use two-step verification, set by the business office.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "second_factor_role")]
pub struct Model {
    /// The role's code (`INDEPENDENT_CHAIR`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub role: String,
    pub set_by: Option<String>,
    pub set_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
