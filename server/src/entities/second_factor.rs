use sea_orm::entity::prelude::*;

/// A person's authenticator app (see `auth::second_factor`): one row per person, confirmed
/// once they have entered a code from it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "second_factor")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: String,
    /// The shared secret, base32. Shown to the person only while they enrol; no query
    /// returns it afterwards.
    pub secret: String,
    pub created_at: DateTimeUtc,
    /// When the person confirmed it with a code; until then it does not count.
    pub confirmed_at: Option<DateTimeUtc>,
    /// The 30-second step of the last code accepted: a code of that step or an earlier
    /// one is refused, so an overheard code cannot be used again.
    pub last_used_step: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
