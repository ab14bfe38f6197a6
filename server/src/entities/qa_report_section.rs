use sea_orm::entity::prelude::*;

/// One section of a year's QA impact report template.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "qa_report_section")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub year: i32,
    pub position: i32,
    pub title: String,
    /// What the office asks agencies to write under it.
    #[sea_orm(column_type = "Text")]
    pub guidance: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
