use sea_orm::entity::prelude::*;

/// The final report of a learning summary: one PDF, replaced by each new upload. Read its
/// `content` only to serve the file; everything else needs the small columns alone.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "summary_report")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub summary_id: String,
    /// As uploaded (also on `learning_summary.report_file_name`).
    pub file_name: String,
    /// Always `application/pdf`.
    pub media_type: String,
    #[sea_orm(column_type = "Blob")]
    pub content: Vec<u8>,
    /// The report's plain text (given with the upload and read from the PDF), checked by
    /// the publication gate; none when nothing could be read and none was given.
    #[sea_orm(column_type = "Text", nullable)]
    pub text: Option<String>,
    pub uploaded_by: String,
    pub uploaded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
