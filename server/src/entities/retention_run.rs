use sea_orm::entity::prelude::*;

/// One run of the retention purge.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "retention_run")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// A scheduled run's day (unique: one instance claims it); none for a run by hand.
    pub day: Option<Date>,
    /// `SCHEDULED` or `MANUAL`.
    pub trigger: String,
    pub started_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    /// `DONE` or `FAILED`; none while running (or if the instance stopped mid-run).
    pub outcome: Option<String>,
    /// What it deleted (JSON, counts and references), as in its audit entry.
    #[sea_orm(column_type = "Text", nullable)]
    pub summary: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
