use sea_orm::entity::prelude::*;

/// A chronology import running in the background (see `chronology::jobs`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "chronology_import_job")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub return_id: String,
    pub review_id: String,
    /// The person who started it.
    pub started_by: Option<String>,
    pub file_name: String,
    /// `shared::chronology::ImportJobStatus` code.
    pub status: String,
    pub rows_total: i32,
    pub rows_stored: i32,
    pub error_code: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub error_message: Option<String>,
    pub started_at: DateTimeUtc,
    /// Moved on with every batch: a running job not moved on for long has lost its server.
    pub updated_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
