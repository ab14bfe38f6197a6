use sea_orm::entity::prelude::*;

/// A published learning summary sent to one recipient (once per summary and address); the
/// email is claimed before it is sent, as notifications' are.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "summary_sending")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub summary_id: String,
    /// The list it was sent through, by name as it was then.
    pub list_name: String,
    pub name: String,
    pub email: String,
    pub sent_by: String,
    pub recorded_at: DateTimeUtc,
    pub email_claimed_at: Option<DateTimeUtc>,
    pub emailed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
