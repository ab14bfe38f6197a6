use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "review")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(unique)]
    pub reference: String,
    pub kind: String,
    pub subject: String,
    /// JSON array of theme names.
    #[sea_orm(column_type = "Text")]
    pub themes: String,
    pub methodology: String,
    pub methodology_detail: Option<String>,
    pub incident_month: Option<i32>,
    pub incident_year: i32,
    pub regime_id: String,
    pub aware_on: Option<Date>,
    pub notified_on: Date,
    pub decision: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub decision_justification: Option<String>,
    pub decided_on: Option<Date>,
    pub decided_by: Option<String>,
    pub panel_notified_on: Option<Date>,
    /// JSON array of names.
    #[sea_orm(column_type = "Text")]
    pub panel_lead_reviewer_names: String,
    pub completed_on: Option<Date>,
    pub published_on: Option<Date>,
    pub version: i32,
    pub sharing_tolerance_days: i32,
    pub gap_threshold_days: i32,
    pub chronology_shared_at: Option<DateTimeUtc>,
    /// The date the business office asked the involved agencies to submit their chronology
    /// returns by.
    pub returns_due_on: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
