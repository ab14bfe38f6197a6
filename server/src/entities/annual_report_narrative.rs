use sea_orm::entity::prelude::*;

/// A narrative part of one year's annual report, as the business office wrote it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "annual_report_narrative")]
pub struct Model {
    /// The reporting year, by its first April.
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    /// A `shared::annual_report::NarrativePart` code.
    #[sea_orm(primary_key, auto_increment = false)]
    pub part: String,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    pub updated_by: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
