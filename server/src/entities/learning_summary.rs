use sea_orm::entity::prelude::*;

/// A review's learning summary (the framework's Appendix 1); its texts are in
/// `summary_field`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "learning_summary")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// One summary per review.
    #[sea_orm(unique)]
    pub review_id: String,
    /// A `shared::summary::SummaryState` code.
    pub state: String,
    /// Goes up with every change to the summary (a field saved, a move).
    pub version: i32,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub published_at: Option<DateTimeUtc>,
    pub published_by: Option<String>,
    /// The last day it stays on the public pages (at least 12 months after publication).
    pub available_until: Option<Date>,
    /// The final report's file name, checked by the publication gate with the fields.
    pub report_file_name: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
