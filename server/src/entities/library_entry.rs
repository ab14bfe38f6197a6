use sea_orm::entity::prelude::*;

/// One searchable thing in the learning library: a published summary, or a learning point
/// of its review, with its anonymised plain text. The full-text index beside it is
/// `library_fts` (SQLite, rowid = `id`) or the generated `search` column (PostgreSQL),
/// which this entity leaves out.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "library_entry")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// A `crate::library::EntryKind` code.
    pub kind: String,
    pub summary_id: String,
    pub review_id: String,
    pub review_reference: String,
    #[sea_orm(column_type = "Text")]
    pub title: String,
    /// Plain text, anonymised.
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// JSON array of theme names.
    #[sea_orm(column_type = "Text")]
    pub themes: String,
    /// 0 for the summary, then the review's learning points in order.
    pub position: i32,
    pub published_at: DateTimeUtc,
    /// The summary's last day on the public pages (none for a learning point).
    pub available_until: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
