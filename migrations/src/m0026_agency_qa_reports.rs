//! Agencies' quality-assurance work: the single-agency audits each agency records, and the
//! annual QA impact report the business office asks every agency for (a template of
//! sections kept per year, each agency's report for a year, and its answer to each section).

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
enum SingleAgencyAudit {
    Table,
    Id,
    AgencyId,
    Topic,
    Standard,
    SampleSize,
    AuditedOn,
    Findings,
    WhatChanged,
    Version,
    CreatedAt,
    UpdatedAt,
}
#[derive(DeriveIden)]
enum QaReportSection {
    Table,
    Id,
    Year,
    Position,
    Title,
    Guidance,
}
#[derive(DeriveIden)]
enum QaReport {
    Table,
    Id,
    Year,
    AgencyId,
    Status,
    DueOn,
    SubmittedAt,
    DecidedAt,
    DecidedBy,
    OfficeComment,
    Version,
    CreatedAt,
    UpdatedAt,
}
#[derive(DeriveIden)]
enum QaReportAnswer {
    Table,
    ReportId,
    SectionId,
    Text,
    UpdatedBy,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SingleAgencyAudit::Table)
                    .col(string(SingleAgencyAudit::Id).primary_key())
                    .col(string(SingleAgencyAudit::AgencyId))
                    .col(string(SingleAgencyAudit::Topic))
                    .col(string(SingleAgencyAudit::Standard))
                    .col(integer(SingleAgencyAudit::SampleSize))
                    .col(date(SingleAgencyAudit::AuditedOn))
                    .col(text(SingleAgencyAudit::Findings))
                    .col(text(SingleAgencyAudit::WhatChanged))
                    .col(integer(SingleAgencyAudit::Version))
                    .col(timestamp_with_time_zone(SingleAgencyAudit::CreatedAt))
                    .col(timestamp_with_time_zone(SingleAgencyAudit::UpdatedAt))
                    .foreign_key(&mut fk(
                        (SingleAgencyAudit::Table, SingleAgencyAudit::AgencyId),
                        (Agency::Table, Agency::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_single_agency_audit_agency")
                    .table(SingleAgencyAudit::Table)
                    .col(SingleAgencyAudit::AgencyId)
                    .col(SingleAgencyAudit::AuditedOn)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(QaReportSection::Table)
                    .col(string(QaReportSection::Id).primary_key())
                    .col(integer(QaReportSection::Year))
                    .col(integer(QaReportSection::Position))
                    .col(string(QaReportSection::Title))
                    .col(text(QaReportSection::Guidance))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_qa_report_section_year")
                    .table(QaReportSection::Table)
                    .col(QaReportSection::Year)
                    .col(QaReportSection::Position)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(QaReport::Table)
                    .col(string(QaReport::Id).primary_key())
                    .col(integer(QaReport::Year))
                    .col(string(QaReport::AgencyId))
                    .col(string(QaReport::Status))
                    .col(date(QaReport::DueOn))
                    .col(timestamp_with_time_zone_null(QaReport::SubmittedAt))
                    .col(timestamp_with_time_zone_null(QaReport::DecidedAt))
                    .col(string_null(QaReport::DecidedBy))
                    .col(text_null(QaReport::OfficeComment))
                    .col(integer(QaReport::Version))
                    .col(timestamp_with_time_zone(QaReport::CreatedAt))
                    .col(timestamp_with_time_zone(QaReport::UpdatedAt))
                    .foreign_key(&mut fk(
                        (QaReport::Table, QaReport::AgencyId),
                        (Agency::Table, Agency::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_qa_report_once")
                    .table(QaReport::Table)
                    .col(QaReport::Year)
                    .col(QaReport::AgencyId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(QaReportAnswer::Table)
                    .col(string(QaReportAnswer::ReportId))
                    .col(string(QaReportAnswer::SectionId))
                    .col(text(QaReportAnswer::Text))
                    .col(string_null(QaReportAnswer::UpdatedBy))
                    .col(timestamp_with_time_zone(QaReportAnswer::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(QaReportAnswer::ReportId)
                            .col(QaReportAnswer::SectionId),
                    )
                    .foreign_key(&mut fk(
                        (QaReportAnswer::Table, QaReportAnswer::ReportId),
                        (QaReport::Table, QaReport::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (QaReportAnswer::Table, QaReportAnswer::SectionId),
                        (QaReportSection::Table, QaReportSection::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            QaReportAnswer::Table.into_iden(),
            QaReport::Table.into_iden(),
            QaReportSection::Table.into_iden(),
            SingleAgencyAudit::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
