//! Actions planned from the performance dataset's hot spots and from child death review
//! learning. The actions themselves are the action plan's (the plan of the year's review of
//! kind `PERFORMANCE_DATASET` or `CHILD_DEATH_LEARNING`); these say which indicator (and
//! year) or which record each answers. The new kinds have their retention rules, as every
//! kind does (seven years, as audits and Section 11).

use crate::helpers::fk;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IndicatorAction {
    Table,
    ActionId,
    IndicatorId,
    Year,
}

#[derive(DeriveIden)]
enum ChildDeathAction {
    Table,
    ActionId,
    RecordId,
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
enum Indicator {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ChildDeathReview {
    Table,
    Id,
}

const KINDS: [&str; 2] = ["PERFORMANCE_DATASET", "CHILD_DEATH_LEARNING"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(IndicatorAction::Table)
                    .col(string(IndicatorAction::ActionId).primary_key())
                    .col(string(IndicatorAction::IndicatorId))
                    .col(integer(IndicatorAction::Year))
                    .foreign_key(&mut fk(
                        (IndicatorAction::Table, IndicatorAction::ActionId),
                        (Action::Table, Action::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (IndicatorAction::Table, IndicatorAction::IndicatorId),
                        (Indicator::Table, Indicator::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_indicator_action_indicator")
                    .table(IndicatorAction::Table)
                    .col(IndicatorAction::IndicatorId)
                    .col(IndicatorAction::Year)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChildDeathAction::Table)
                    .col(string(ChildDeathAction::ActionId).primary_key())
                    .col(string(ChildDeathAction::RecordId))
                    .foreign_key(&mut fk(
                        (ChildDeathAction::Table, ChildDeathAction::ActionId),
                        (Action::Table, Action::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (ChildDeathAction::Table, ChildDeathAction::RecordId),
                        (ChildDeathReview::Table, ChildDeathReview::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_child_death_action_record")
                    .table(ChildDeathAction::Table)
                    .col(ChildDeathAction::RecordId)
                    .to_owned(),
            )
            .await?;
        let mut insert = Query::insert()
            .into_table(RetentionRule::Table)
            .columns([
                RetentionRule::Key,
                RetentionRule::RecordKind,
                RetentionRule::ReviewKind,
                RetentionRule::Unit,
                RetentionRule::Amount,
            ])
            .to_owned();
        for kind in KINDS {
            insert.values_panic([
                format!("REVIEW:{kind}").into(),
                "REVIEW".into(),
                kind.into(),
                "MONTHS".into(),
                84.into(),
            ]);
        }
        manager.exec_stmt(insert).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .exec_stmt(
                Query::delete()
                    .from_table(RetentionRule::Table)
                    .and_where(
                        Expr::col(RetentionRule::Key)
                            .is_in(KINDS.iter().map(|k| format!("REVIEW:{k}"))),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(ChildDeathAction::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(IndicatorAction::Table).to_owned())
            .await
    }
}
