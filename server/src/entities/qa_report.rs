use sea_orm::entity::prelude::*;

/// One agency's QA impact report for one year.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "qa_report")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub year: i32,
    pub agency_id: String,
    /// A `shared::qa_reports::ReportStatus` code.
    pub status: String,
    pub due_on: Date,
    pub submitted_at: Option<DateTimeUtc>,
    pub decided_at: Option<DateTimeUtc>,
    pub decided_by: Option<String>,
    /// The office's comments when it returned the report.
    #[sea_orm(column_type = "Text", nullable)]
    pub office_comment: Option<String>,
    /// Goes up with every change (a section saved, a move).
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
