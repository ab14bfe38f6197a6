use sea_orm::entity::prelude::*;

/// The audit meeting and its report (the framework's four parts).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_audit_meeting")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub review_id: String,
    pub held_on: Option<Date>,
    /// One attendee per line ("Name, role, agency").
    #[sea_orm(column_type = "Text")]
    pub attendees: String,
    #[sea_orm(column_type = "Text")]
    pub summary_of_learning: String,
    #[sea_orm(column_type = "Text")]
    pub process_comments: String,
    #[sea_orm(column_type = "Text")]
    pub agency_actions: String,
    #[sea_orm(column_type = "Text")]
    pub multi_agency_action: String,
    pub version: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
