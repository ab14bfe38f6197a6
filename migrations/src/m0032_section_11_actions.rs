//! The actions an agency plans in its Section 11 self-assessment, standard by standard. The
//! actions themselves are the action plan's (the plan of the year's Section 11 review, kind
//! `SECTION_11`); this says which assessment and standard each answers. The new kind has
//! its retention rule, as every kind does (seven years, as audits).

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
enum RetentionRule {
    Table,
    Key,
    RecordKind,
    ReviewKind,
    Unit,
    Amount,
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
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(RetentionRule::Table)
                    .columns([
                        RetentionRule::Key,
                        RetentionRule::RecordKind,
                        RetentionRule::ReviewKind,
                        RetentionRule::Unit,
                        RetentionRule::Amount,
                    ])
                    .values_panic([
                        "REVIEW:SECTION_11".into(),
                        "REVIEW".into(),
                        "SECTION_11".into(),
                        "MONTHS".into(),
                        84.into(),
                    ])
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .exec_stmt(
                Query::delete()
                    .from_table(RetentionRule::Table)
                    .and_where(Expr::col(RetentionRule::Key).eq("REVIEW:SECTION_11"))
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(S11Action::Table).to_owned())
            .await
    }
}
