use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "child_death_review")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub case_number: String,
    /// `shared::child_deaths::AgeBand` code.
    pub age_band: String,
    /// `shared::child_deaths::DeathCategory` code.
    pub category: String,
    /// `shared::child_deaths::Modifiability` code.
    pub modifiability: String,
    #[sea_orm(column_type = "Text")]
    pub modifiable_factors: String,
    #[sea_orm(column_type = "Text")]
    pub learning: String,
    pub panel_date: Date,
    /// The reporting year (from 1 April) of the panel date.
    pub reporting_year: i32,
    pub recorded_by: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
