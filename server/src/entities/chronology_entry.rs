use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "chronology_entry")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub return_id: String,
    pub review_id: String,
    pub agency_id: String,
    pub seq: Option<i32>,
    pub start_on: Date,
    pub precision: String,
    pub uncertain: bool,
    pub start_time: Option<String>,
    pub end_on: Option<Date>,
    pub end_precision: Option<String>,
    pub end_uncertain: Option<bool>,
    pub end_time: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub source: String,
    pub event_type: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub event: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub action_taken: Option<String>,
    /// JSON array of agency ids.
    #[sea_orm(column_type = "Text")]
    pub shared_with: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub practitioner_comment: Option<String>,
    pub note: bool,
    /// The audit case (`case_audit_case`) the entry is about; null in a case review.
    pub case_id: Option<String>,
    pub content_hash: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
