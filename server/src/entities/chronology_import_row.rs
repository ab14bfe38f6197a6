use sea_orm::entity::prelude::*;

/// An entry an import job staged: the columns of `chronology_entry` (under the same names,
/// so the swap copies them with one `INSERT … SELECT`) and the job. Nothing reads these
/// rows but the job.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "chronology_import_row")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub job_id: String,
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
    #[sea_orm(column_type = "Text")]
    pub shared_with: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub practitioner_comment: Option<String>,
    pub note: bool,
    pub case_id: Option<String>,
    pub content_hash: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
