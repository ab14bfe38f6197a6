use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "action")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub recommendation_id: String,
    /// The review the recommendation's learning point belongs to (denormalised for lists).
    pub review_id: String,
    /// Unique within the review, e.g. `SCR-2016-03/A1`.
    pub reference: String,
    pub title: String,
    pub owner_agency_id: String,
    pub owner_person_id: Option<String>,
    pub target_on: Date,
    #[sea_orm(column_type = "Text", nullable)]
    pub target_date_reason: Option<String>,
    pub status: String,
    pub rag_override: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub rag_override_reason: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub evidence_of_impact: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub impact_audit: Option<String>,
    pub committee_id: Option<String>,
    pub version: i32,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::recommendation::Entity",
        from = "Column::RecommendationId",
        to = "super::recommendation::Column::Id"
    )]
    Recommendation,
    #[sea_orm(
        belongs_to = "super::review::Entity",
        from = "Column::ReviewId",
        to = "super::review::Column::Id"
    )]
    Review,
    #[sea_orm(
        belongs_to = "super::agency::Entity",
        from = "Column::OwnerAgencyId",
        to = "super::agency::Column::Id"
    )]
    OwnerAgency,
}

impl ActiveModelBehavior for ActiveModel {}
