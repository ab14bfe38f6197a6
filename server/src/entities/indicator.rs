use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "indicator")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub definition: String,
    pub unit: String,
    /// `shared::performance::Direction` code.
    pub direction: String,
    #[sea_orm(column_type = "Double", nullable)]
    pub target: Option<f64>,
    /// `shared::performance::ReportingPeriod` code.
    pub period: String,
    pub agency_id: Option<String>,
    /// Period keys of the first and last baseline points (none: from the first, to the last).
    pub baseline_from: Option<String>,
    pub baseline_to: Option<String>,
    pub shift_run: i32,
    pub trend_run: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
