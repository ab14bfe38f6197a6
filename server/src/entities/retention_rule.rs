use sea_orm::entity::prelude::*;

/// How long one kind of record is kept (see `shared::retention`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "retention_rule")]
pub struct Model {
    /// `REVIEW:<review kind>` or the record kind's code.
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub record_kind: String,
    pub review_kind: Option<String>,
    /// `DAYS`, `MONTHS` or `FOREVER`.
    pub unit: String,
    pub amount: Option<i32>,
    pub updated_at: Option<DateTimeUtc>,
    pub updated_by: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
