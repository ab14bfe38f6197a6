use sea_orm::entity::prelude::*;

/// A legal hold on a review: in force while `lifted_at` is empty (at most one per review).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "legal_hold")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub review_id: String,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    pub set_by: String,
    pub set_at: DateTimeUtc,
    pub lifted_at: Option<DateTimeUtc>,
    pub lifted_by: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub lift_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
