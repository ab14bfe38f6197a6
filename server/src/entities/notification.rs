use sea_orm::entity::prelude::*;

/// One notification of work for one person (see `crate::work`): made once per item of work
/// and person, read in the app, and emailed once when SMTP is configured.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: String,
    /// The item of work and its stage, e.g. `action:{id}:OVERDUE`; unique per person.
    pub item_key: String,
    /// A `shared::work::WorkKind` code.
    pub kind: String,
    /// What the work is, by reference and date: never case detail.
    pub title: String,
    /// Where in the app the work is done.
    pub link: String,
    pub review_id: Option<String>,
    pub action_id: Option<String>,
    pub due_on: Option<Date>,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
    /// When an instance claimed the email to send it.
    pub email_claimed_at: Option<DateTimeUtc>,
    pub emailed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
