//! Multi-agency case audits: each year's programme of themes, the audit pool, an audit (a
//! review of an audit kind) given its theme, auditors and sample of cases, the audit tool
//! (questions by stage, graded on a scale kept as data, both seeded with the framework's),
//! and each agency's grades of the cases it was involved in.

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
enum Regime {
    Table,
    Id,
    Code,
    Name,
    Description,
    DueSoonDays,
}
#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Agency {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum AuditTheme {
    Table,
    Id,
    Year,
    Name,
    TermsOfReference,
    Question,
    PlannedFor,
    RevisitsId,
    Version,
    CreatedAt,
    UpdatedAt,
}
#[derive(DeriveIden)]
enum AuditPoolMember {
    Table,
    UserId,
    AddedAt,
}
#[derive(DeriveIden)]
enum AuditGrade {
    Table,
    Code,
    Label,
    Tone,
    Position,
}
#[derive(DeriveIden)]
enum AuditQuestion {
    Table,
    Id,
    Stage,
    Text,
    Position,
    Retired,
}
#[derive(DeriveIden)]
enum CaseAudit {
    Table,
    ReviewId,
    ThemeId,
    Version,
    UpdatedAt,
}
#[derive(DeriveIden)]
enum CaseAuditAuditor {
    Table,
    ReviewId,
    UserId,
}
#[derive(DeriveIden)]
enum CaseAuditCase {
    Table,
    Id,
    ReviewId,
    Position,
    Label,
    WhyChosen,
    AgencyIds,
    Version,
    CreatedAt,
    UpdatedAt,
}
#[derive(DeriveIden)]
enum CaseAuditMeeting {
    Table,
    ReviewId,
    HeldOn,
    Attendees,
    SummaryOfLearning,
    ProcessComments,
    AgencyActions,
    MultiAgencyAction,
    Version,
    UpdatedAt,
}
#[derive(DeriveIden)]
enum CaseAuditGrade {
    Table,
    ReviewId,
    CaseId,
    AgencyId,
    QuestionId,
    GradeCode,
    Evidence,
    UpdatedBy,
    UpdatedAt,
}

/// The scale every audit starts with: (code, label, tone).
const GRADES: &[(&str, &str, &str)] = &[
    ("GOOD", "Good", "GOOD"),
    ("REQUIRES_IMPROVEMENT", "Requires improvement", "MIXED"),
    ("INADEQUATE", "Inadequate", "POOR"),
    ("NOT_APPLICABLE", "Not applicable", "NOT_APPLICABLE"),
];

/// The audit tool's questions: (id, stage, text), in order.
const QUESTIONS: &[(&str, &str, &str)] = &[
    (
        "q-early-help-1",
        "EARLY_HELP",
        "Were the family's needs identified early and was help offered at the first opportunity?",
    ),
    (
        "q-early-help-2",
        "EARLY_HELP",
        "Did the agency work with the family to prevent needs escalating?",
    ),
    (
        "q-eha-1",
        "EARLY_HELP_ASSESSMENT",
        "Was an early help assessment considered, and completed where it was needed?",
    ),
    (
        "q-eha-2",
        "EARLY_HELP_ASSESSMENT",
        "Did the assessment lead to a plan that was reviewed with the family and other agencies?",
    ),
    (
        "q-harm-1",
        "RECOGNITION_OF_HARM",
        "Was likely or actual significant harm recognised when the information showed it?",
    ),
    (
        "q-harm-2",
        "RECOGNITION_OF_HARM",
        "Were concerns discussed with the agency's safeguarding lead or supervisor?",
    ),
    (
        "q-referral-1",
        "REFERRAL",
        "Was a referral made promptly, with the information children's social care needed?",
    ),
    (
        "q-thresholds-1",
        "THRESHOLDS_AND_RESPONSE",
        "Were thresholds applied as the partnership's guidance sets them out?",
    ),
    (
        "q-thresholds-2",
        "THRESHOLDS_AND_RESPONSE",
        "Was the response proportionate and timely, and was the referrer told the outcome?",
    ),
    (
        "q-assessment-1",
        "QUALITY_OF_ASSESSMENT",
        "Did the assessment draw on every agency's information and the family's history?",
    ),
    (
        "q-assessment-2",
        "QUALITY_OF_ASSESSMENT",
        "Did the assessment analyse risk and needs rather than describe them?",
    ),
    (
        "q-plan-1",
        "CHILD_PROTECTION_PLAN",
        "Was the child protection plan specific, with outcomes, owners and timescales?",
    ),
    (
        "q-plan-2",
        "CHILD_PROTECTION_PLAN",
        "Did core group members carry out their part of the plan and share progress?",
    ),
    (
        "q-voice-1",
        "VOICE_OF_THE_CHILD",
        "Was the child seen, and seen alone where appropriate?",
    ),
    (
        "q-voice-2",
        "VOICE_OF_THE_CHILD",
        "Are the child's wishes and feelings recorded and did they shape what was done?",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Audits (and the partnership's other own reviews) run to the partnership's own
        // timetable: a regime without statutory clocks.
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(Regime::Table)
                    .columns([
                        Regime::Id,
                        Regime::Code,
                        Regime::Name,
                        Regime::Description,
                        Regime::DueSoonDays,
                    ])
                    .values_panic([
                        "local".into(),
                        "LOCAL".into(),
                        "Partnership's own timetable".into(),
                        "No statutory clock: for multi-agency case audits, thematic audits and the other reviews the partnership runs to its own timetable.".into(),
                        7.into(),
                    ])
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditTheme::Table)
                    .col(string(AuditTheme::Id).primary_key())
                    .col(integer(AuditTheme::Year))
                    .col(string(AuditTheme::Name))
                    .col(text(AuditTheme::TermsOfReference))
                    .col(text(AuditTheme::Question))
                    .col(date_null(AuditTheme::PlannedFor))
                    .col(string_null(AuditTheme::RevisitsId))
                    .col(integer(AuditTheme::Version))
                    .col(timestamp_with_time_zone(AuditTheme::CreatedAt))
                    .col(timestamp_with_time_zone(AuditTheme::UpdatedAt))
                    .foreign_key(&mut fk(
                        (AuditTheme::Table, AuditTheme::RevisitsId),
                        (AuditTheme::Table, AuditTheme::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_theme_year")
                    .table(AuditTheme::Table)
                    .col(AuditTheme::Year)
                    .col(AuditTheme::Name)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditPoolMember::Table)
                    .col(string(AuditPoolMember::UserId).primary_key())
                    .col(timestamp_with_time_zone(AuditPoolMember::AddedAt))
                    .foreign_key(&mut fk(
                        (AuditPoolMember::Table, AuditPoolMember::UserId),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditGrade::Table)
                    .col(string(AuditGrade::Code).primary_key())
                    .col(string(AuditGrade::Label))
                    .col(string(AuditGrade::Tone))
                    .col(integer(AuditGrade::Position))
                    .to_owned(),
            )
            .await?;
        for (position, (code, label, tone)) in GRADES.iter().enumerate() {
            manager
                .exec_stmt(
                    Query::insert()
                        .into_table(AuditGrade::Table)
                        .columns([
                            AuditGrade::Code,
                            AuditGrade::Label,
                            AuditGrade::Tone,
                            AuditGrade::Position,
                        ])
                        .values_panic([
                            (*code).into(),
                            (*label).into(),
                            (*tone).into(),
                            <i32 as TryFrom<usize>>::try_from(position)
                                .unwrap_or(i32::MAX)
                                .into(),
                        ])
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(AuditQuestion::Table)
                    .col(string(AuditQuestion::Id).primary_key())
                    .col(string(AuditQuestion::Stage))
                    .col(text(AuditQuestion::Text))
                    .col(integer(AuditQuestion::Position))
                    .col(boolean(AuditQuestion::Retired))
                    .to_owned(),
            )
            .await?;
        for (position, (id, stage, text)) in QUESTIONS.iter().enumerate() {
            manager
                .exec_stmt(
                    Query::insert()
                        .into_table(AuditQuestion::Table)
                        .columns([
                            AuditQuestion::Id,
                            AuditQuestion::Stage,
                            AuditQuestion::Text,
                            AuditQuestion::Position,
                            AuditQuestion::Retired,
                        ])
                        .values_panic([
                            (*id).into(),
                            (*stage).into(),
                            (*text).into(),
                            <i32 as TryFrom<usize>>::try_from(position)
                                .unwrap_or(i32::MAX)
                                .into(),
                            false.into(),
                        ])
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(CaseAudit::Table)
                    .col(string(CaseAudit::ReviewId).primary_key())
                    .col(string(CaseAudit::ThemeId))
                    .col(integer(CaseAudit::Version))
                    .col(timestamp_with_time_zone(CaseAudit::UpdatedAt))
                    .foreign_key(&mut fk(
                        (CaseAudit::Table, CaseAudit::ReviewId),
                        (Review::Table, Review::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (CaseAudit::Table, CaseAudit::ThemeId),
                        (AuditTheme::Table, AuditTheme::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_case_audit_theme")
                    .table(CaseAudit::Table)
                    .col(CaseAudit::ThemeId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CaseAuditAuditor::Table)
                    .col(string(CaseAuditAuditor::ReviewId))
                    .col(string(CaseAuditAuditor::UserId))
                    .primary_key(
                        Index::create()
                            .col(CaseAuditAuditor::ReviewId)
                            .col(CaseAuditAuditor::UserId),
                    )
                    .foreign_key(&mut fk(
                        (CaseAuditAuditor::Table, CaseAuditAuditor::ReviewId),
                        (Review::Table, Review::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (CaseAuditAuditor::Table, CaseAuditAuditor::UserId),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CaseAuditCase::Table)
                    .col(string(CaseAuditCase::Id).primary_key())
                    .col(string(CaseAuditCase::ReviewId))
                    .col(integer(CaseAuditCase::Position))
                    .col(string(CaseAuditCase::Label))
                    .col(text(CaseAuditCase::WhyChosen))
                    .col(text(CaseAuditCase::AgencyIds))
                    .col(integer(CaseAuditCase::Version))
                    .col(timestamp_with_time_zone(CaseAuditCase::CreatedAt))
                    .col(timestamp_with_time_zone(CaseAuditCase::UpdatedAt))
                    .foreign_key(&mut fk(
                        (CaseAuditCase::Table, CaseAuditCase::ReviewId),
                        (Review::Table, Review::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_case_audit_case_review")
                    .table(CaseAuditCase::Table)
                    .col(CaseAuditCase::ReviewId)
                    .col(CaseAuditCase::Position)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CaseAuditGrade::Table)
                    .col(string(CaseAuditGrade::ReviewId))
                    .col(string(CaseAuditGrade::CaseId))
                    .col(string(CaseAuditGrade::AgencyId))
                    .col(string(CaseAuditGrade::QuestionId))
                    .col(string(CaseAuditGrade::GradeCode))
                    .col(text(CaseAuditGrade::Evidence))
                    .col(string_null(CaseAuditGrade::UpdatedBy))
                    .col(timestamp_with_time_zone(CaseAuditGrade::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(CaseAuditGrade::CaseId)
                            .col(CaseAuditGrade::AgencyId)
                            .col(CaseAuditGrade::QuestionId),
                    )
                    .foreign_key(&mut fk(
                        (CaseAuditGrade::Table, CaseAuditGrade::ReviewId),
                        (Review::Table, Review::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (CaseAuditGrade::Table, CaseAuditGrade::CaseId),
                        (CaseAuditCase::Table, CaseAuditCase::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (CaseAuditGrade::Table, CaseAuditGrade::AgencyId),
                        (Agency::Table, Agency::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (CaseAuditGrade::Table, CaseAuditGrade::QuestionId),
                        (AuditQuestion::Table, AuditQuestion::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        (CaseAuditGrade::Table, CaseAuditGrade::GradeCode),
                        (AuditGrade::Table, AuditGrade::Code),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CaseAuditMeeting::Table)
                    .col(string(CaseAuditMeeting::ReviewId).primary_key())
                    .col(date_null(CaseAuditMeeting::HeldOn))
                    .col(text(CaseAuditMeeting::Attendees))
                    .col(text(CaseAuditMeeting::SummaryOfLearning))
                    .col(text(CaseAuditMeeting::ProcessComments))
                    .col(text(CaseAuditMeeting::AgencyActions))
                    .col(text(CaseAuditMeeting::MultiAgencyAction))
                    .col(integer(CaseAuditMeeting::Version))
                    .col(timestamp_with_time_zone(CaseAuditMeeting::UpdatedAt))
                    .foreign_key(&mut fk(
                        (CaseAuditMeeting::Table, CaseAuditMeeting::ReviewId),
                        (Review::Table, Review::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_case_audit_grade_review")
                    .table(CaseAuditGrade::Table)
                    .col(CaseAuditGrade::ReviewId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CaseAuditMeeting::Table.into_iden(),
            CaseAuditGrade::Table.into_iden(),
            CaseAuditCase::Table.into_iden(),
            CaseAuditAuditor::Table.into_iden(),
            CaseAudit::Table.into_iden(),
            AuditQuestion::Table.into_iden(),
            AuditGrade::Table.into_iden(),
            AuditPoolMember::Table.into_iden(),
            AuditTheme::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .exec_stmt(
                Query::delete()
                    .from_table(Regime::Table)
                    .and_where(Expr::col(Regime::Id).eq("local"))
                    .to_owned(),
            )
            .await
    }
}
