//! The actions an agency plans in its Section 11 self-assessment, standard by standard. The
//! actions themselves are the action plan's (the plan of the year's Section 11 review, kind
//! `SECTION_11`); this says which assessment and standard each answers.

use crate::helpers::fk;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum S11Action {
    Table,
    ActionId,
    AssessmentId,
    StandardId,
}

#[derive(DeriveIden)]
enum Action {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum S11Assessment {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum S11Standard {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(S11Action::Table)
                    .col(string(S11Action::ActionId).primary_key())
                    .col(string(S11Action::AssessmentId))
                    .col(string(S11Action::StandardId))
                    .foreign_key(&mut fk(
                        (S11Action::Table, S11Action::ActionId),
                        (Action::Table, Action::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (S11Action::Table, S11Action::AssessmentId),
                        (S11Assessment::Table, S11Assessment::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (S11Action::Table, S11Action::StandardId),
                        (S11Standard::Table, S11Standard::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_s11_action_assessment")
                    .table(S11Action::Table)
                    .col(S11Action::AssessmentId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(S11Action::Table).to_owned())
            .await
    }
}
