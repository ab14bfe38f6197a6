//! Action plans: the partnership's committees (seeded), each review's learning points with
//! their recommendations, and the actions that answer them with dated progress updates and
//! a history of every saved version.

use crate::helpers::fk;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Review {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Agency {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Committee {
    Table,
    Id,
    Name,
    Purpose,
    Position,
}
#[derive(DeriveIden)]
enum LearningPoint {
    Table,
    Id,
    ReviewId,
    Title,
    Detail,
    Scope,
    Kind,
    Themes,
    Sources,
    CommitteeId,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    Version,
}
#[derive(DeriveIden)]
enum Recommendation {
    Table,
    Id,
    LearningPointId,
    Text,
    CreatedBy,
    CreatedAt,
}
#[derive(DeriveIden)]
enum Action {
    Table,
    Id,
    RecommendationId,
    ReviewId,
    Reference,
    Title,
    OwnerAgencyId,
    OwnerPersonId,
    TargetOn,
    TargetDateReason,
    Status,
    RagOverride,
    RagOverrideReason,
    EvidenceOfImpact,
    ImpactAudit,
    CommitteeId,
    Version,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}
#[derive(DeriveIden)]
enum ActionUpdate {
    Table,
    Id,
    ActionId,
    AuthorId,
    At,
    Text,
    StatusAfter,
}
#[derive(DeriveIden)]
enum ActionHistory {
    Table,
    Id,
    ActionId,
    Version,
    Change,
    Snapshot,
    ChangedBy,
    ChangedAt,
}

/// (id, name, what is referred to it)
const COMMITTEES: &[(&str, &str, &str)] = &[
    (
        "policy-practice",
        "Policy and Practice",
        "Gaps in policy, procedures and multi-agency guidance",
    ),
    (
        "education-training",
        "Education and Training",
        "Training needs of practitioners and managers",
    ),
    (
        "quality-audit",
        "Quality and Audit",
        "Auditing practice and whether actions made a difference",
    ),
    (
        "case-review",
        "Case Review sub-group",
        "Case reviews, their learning and their action plans",
    ),
];

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    cols: Vec<DynIden>,
    unique: bool,
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(table);
    for col in cols {
        index.col(col);
    }
    if unique {
        index.unique();
    }
    manager.create_index(index.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Committee::Table)
                    .col(string(Committee::Id).primary_key())
                    .col(string(Committee::Name))
                    .col(text(Committee::Purpose))
                    .col(integer(Committee::Position))
                    .to_owned(),
            )
            .await?;
        let mut insert = Query::insert()
            .into_table(Committee::Table)
            .columns([
                Committee::Id,
                Committee::Name,
                Committee::Purpose,
                Committee::Position,
            ])
            .to_owned();
        for (position, (id, name, purpose)) in COMMITTEES.iter().enumerate() {
            let position = <i32 as TryFrom<usize>>::try_from(position + 1)
                .map_err(|e| DbErr::Migration(e.to_string()))?;
            insert.values_panic([
                (*id).into(),
                (*name).into(),
                (*purpose).into(),
                position.into(),
            ]);
        }
        manager.exec_stmt(insert).await?;

        manager
            .create_table(
                Table::create()
                    .table(LearningPoint::Table)
                    .col(string(LearningPoint::Id).primary_key())
                    .col(string(LearningPoint::ReviewId))
                    .col(string(LearningPoint::Title))
                    .col(text(LearningPoint::Detail))
                    .col(string(LearningPoint::Scope))
                    .col(string(LearningPoint::Kind))
                    .col(text(LearningPoint::Themes))
                    .col(text(LearningPoint::Sources))
                    .col(string_null(LearningPoint::CommitteeId))
                    .col(string(LearningPoint::CreatedBy))
                    .col(timestamp_with_time_zone(LearningPoint::CreatedAt))
                    .col(timestamp_with_time_zone(LearningPoint::UpdatedAt))
                    .col(integer(LearningPoint::Version))
                    .foreign_key(&mut fk(
                        (LearningPoint::Table, LearningPoint::ReviewId),
                        (Review::Table, Review::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (LearningPoint::Table, LearningPoint::CommitteeId),
                        (Committee::Table, Committee::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        (LearningPoint::Table, LearningPoint::CreatedBy),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_learning_point_review",
            LearningPoint::Table,
            vec![LearningPoint::ReviewId.into_iden()],
            false,
        )
        .await?;
        index(
            manager,
            "idx_learning_point_committee",
            LearningPoint::Table,
            vec![LearningPoint::CommitteeId.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Recommendation::Table)
                    .col(string(Recommendation::Id).primary_key())
                    .col(string(Recommendation::LearningPointId))
                    .col(text(Recommendation::Text))
                    .col(string(Recommendation::CreatedBy))
                    .col(timestamp_with_time_zone(Recommendation::CreatedAt))
                    .foreign_key(&mut fk(
                        (Recommendation::Table, Recommendation::LearningPointId),
                        (LearningPoint::Table, LearningPoint::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (Recommendation::Table, Recommendation::CreatedBy),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_recommendation_learning_point",
            Recommendation::Table,
            vec![Recommendation::LearningPointId.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Action::Table)
                    .col(string(Action::Id).primary_key())
                    .col(string(Action::RecommendationId))
                    .col(string(Action::ReviewId))
                    .col(string(Action::Reference))
                    .col(string(Action::Title))
                    .col(string(Action::OwnerAgencyId))
                    .col(string_null(Action::OwnerPersonId))
                    .col(date(Action::TargetOn))
                    .col(text_null(Action::TargetDateReason))
                    .col(string(Action::Status))
                    .col(string_null(Action::RagOverride))
                    .col(text_null(Action::RagOverrideReason))
                    .col(text_null(Action::EvidenceOfImpact))
                    .col(text_null(Action::ImpactAudit))
                    .col(string_null(Action::CommitteeId))
                    .col(integer(Action::Version))
                    .col(string(Action::CreatedBy))
                    .col(timestamp_with_time_zone(Action::CreatedAt))
                    .col(timestamp_with_time_zone(Action::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Action::Table, Action::RecommendationId),
                        (Recommendation::Table, Recommendation::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (Action::Table, Action::ReviewId),
                        (Review::Table, Review::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (Action::Table, Action::OwnerAgencyId),
                        (Agency::Table, Agency::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        (Action::Table, Action::OwnerPersonId),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        (Action::Table, Action::CommitteeId),
                        (Committee::Table, Committee::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        (Action::Table, Action::CreatedBy),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        // Numbered within the review; keyed by review too, so a review that takes over
        // another's old reference never collides with that review's actions.
        index(
            manager,
            "idx_action_review_reference",
            Action::Table,
            vec![Action::ReviewId.into_iden(), Action::Reference.into_iden()],
            true,
        )
        .await?;
        for (name, col) in [
            ("idx_action_recommendation", Action::RecommendationId),
            ("idx_action_owner_agency", Action::OwnerAgencyId),
            ("idx_action_committee", Action::CommitteeId),
            ("idx_action_updated_at", Action::UpdatedAt),
        ] {
            index(manager, name, Action::Table, vec![col.into_iden()], false).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(ActionUpdate::Table)
                    .col(string(ActionUpdate::Id).primary_key())
                    .col(string(ActionUpdate::ActionId))
                    .col(string(ActionUpdate::AuthorId))
                    .col(timestamp_with_time_zone(ActionUpdate::At))
                    .col(text(ActionUpdate::Text))
                    .col(string(ActionUpdate::StatusAfter))
                    .foreign_key(&mut fk(
                        (ActionUpdate::Table, ActionUpdate::ActionId),
                        (Action::Table, Action::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (ActionUpdate::Table, ActionUpdate::AuthorId),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_action_update_action",
            ActionUpdate::Table,
            vec![
                ActionUpdate::ActionId.into_iden(),
                ActionUpdate::At.into_iden(),
            ],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ActionHistory::Table)
                    .col(big_pk_auto(ActionHistory::Id))
                    .col(string(ActionHistory::ActionId))
                    .col(integer(ActionHistory::Version))
                    .col(string(ActionHistory::Change))
                    .col(text(ActionHistory::Snapshot))
                    .col(string_null(ActionHistory::ChangedBy))
                    .col(timestamp_with_time_zone(ActionHistory::ChangedAt))
                    .foreign_key(&mut fk(
                        (ActionHistory::Table, ActionHistory::ActionId),
                        (Action::Table, Action::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_action_history_action",
            ActionHistory::Table,
            vec![ActionHistory::ActionId.into_iden()],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ActionHistory::Table.into_iden(),
            ActionUpdate::Table.into_iden(),
            Action::Table.into_iden(),
            Recommendation::Table.into_iden(),
            LearningPoint::Table.into_iden(),
            Committee::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
