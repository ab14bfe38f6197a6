//! The performance dataset: indicators as data (what is measured, which way is better, the
//! target, how often, whose it is, the baseline its process limits come from, the run
//! lengths of its special-cause rules) and one value per indicator and period, with who
//! supplied it and when.

use crate::helpers::fk;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

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
enum Indicator {
    Table,
    Id,
    Name,
    Definition,
    Unit,
    Direction,
    Target,
    Period,
    AgencyId,
    BaselineFrom,
    BaselineTo,
    ShiftRun,
    TrendRun,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum IndicatorValue {
    Table,
    Id,
    IndicatorId,
    Period,
    Value,
    SuppliedBy,
    SuppliedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Indicator::Table)
                    .col(string(Indicator::Id).primary_key())
                    .col(string(Indicator::Name))
                    .col(text(Indicator::Definition))
                    .col(string(Indicator::Unit))
                    .col(string(Indicator::Direction))
                    .col(double_null(Indicator::Target))
                    .col(string(Indicator::Period))
                    .col(string_null(Indicator::AgencyId))
                    .col(string_null(Indicator::BaselineFrom))
                    .col(string_null(Indicator::BaselineTo))
                    .col(integer(Indicator::ShiftRun))
                    .col(integer(Indicator::TrendRun))
                    .col(timestamp_with_time_zone(Indicator::CreatedAt))
                    .col(timestamp_with_time_zone(Indicator::UpdatedAt))
                    .col(integer(Indicator::Version))
                    .foreign_key(&mut fk(
                        (Indicator::Table, Indicator::AgencyId),
                        (Agency::Table, Agency::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IndicatorValue::Table)
                    .col(string(IndicatorValue::Id).primary_key())
                    .col(string(IndicatorValue::IndicatorId))
                    .col(string(IndicatorValue::Period))
                    .col(double(IndicatorValue::Value))
                    .col(string_null(IndicatorValue::SuppliedBy))
                    .col(timestamp_with_time_zone(IndicatorValue::SuppliedAt))
                    .foreign_key(&mut fk(
                        (IndicatorValue::Table, IndicatorValue::IndicatorId),
                        (Indicator::Table, Indicator::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (IndicatorValue::Table, IndicatorValue::SuppliedBy),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_indicator_value_period")
                    .table(IndicatorValue::Table)
                    .col(IndicatorValue::IndicatorId)
                    .col(IndicatorValue::Period)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IndicatorValue::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Indicator::Table).to_owned())
            .await
    }
}
