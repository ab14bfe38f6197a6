//! Agencies and their QA mechanisms, people, statutory regimes, reviews, sessions, sign-in
//! throttling and the append-only audit log.

use crate::helpers::fk;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Agency {
    Table,
    Id,
    Name,
    Kind,
    Prefix,
    Colour,
    Active,
    CreatedAt,
    UpdatedAt,
}
#[derive(DeriveIden)]
enum QaMechanism {
    Table,
    Id,
    AgencyId,
    Position,
    Text,
    LastUpdated,
}
#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
    Email,
    DisplayName,
    AgencyId,
    Roles,
    PasswordHash,
    Active,
    CreatedAt,
    UpdatedAt,
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
enum MilestoneRule {
    Table,
    Id,
    RegimeId,
    Position,
    Code,
    Label,
    Anchor,
    Amount,
    Unit,
    MetBy,
    Condition,
}
#[derive(DeriveIden)]
enum BankHoliday {
    Table,
    Day,
    Name,
}
#[derive(DeriveIden)]
enum Review {
    Table,
    Id,
    Reference,
    Kind,
    Subject,
    Themes,
    Methodology,
    MethodologyDetail,
    IncidentMonth,
    IncidentYear,
    RegimeId,
    AwareOn,
    NotifiedOn,
    Decision,
    DecisionJustification,
    DecidedOn,
    DecidedBy,
    PanelNotifiedOn,
    PanelLeadReviewerNames,
    CompletedOn,
    PublishedOn,
    Version,
    CreatedAt,
    UpdatedAt,
}
#[derive(DeriveIden)]
enum ReviewAgency {
    Table,
    ReviewId,
    AgencyId,
}
#[derive(DeriveIden)]
enum ReviewMember {
    Table,
    ReviewId,
    UserId,
    Role,
}
#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    ActorId,
    ActorName,
    AgencyId,
    AgencyPrefix,
    Role,
    Action,
    ObjectType,
    ObjectId,
    CorrelationId,
    PrevHash,
    Hash,
}
#[derive(DeriveIden)]
enum Session {
    Table,
    Id,
    Data,
    ExpiresAt,
}
#[derive(DeriveIden)]
enum SignInFailure {
    Table,
    Id,
    Key,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Agency::Table)
                    .col(string(Agency::Id).primary_key())
                    .col(string(Agency::Name))
                    .col(string(Agency::Kind))
                    .col(string_uniq(Agency::Prefix))
                    .col(string(Agency::Colour))
                    .col(boolean(Agency::Active))
                    .col(timestamp_with_time_zone(Agency::CreatedAt))
                    .col(timestamp_with_time_zone(Agency::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(QaMechanism::Table)
                    .col(string(QaMechanism::Id).primary_key())
                    .col(string(QaMechanism::AgencyId))
                    .col(integer(QaMechanism::Position))
                    .col(text(QaMechanism::Text))
                    .col(date(QaMechanism::LastUpdated))
                    .foreign_key(&mut fk(
                        (QaMechanism::Table, QaMechanism::AgencyId),
                        (Agency::Table, Agency::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AppUser::Table)
                    .col(string(AppUser::Id).primary_key())
                    .col(string_uniq(AppUser::Email))
                    .col(string(AppUser::DisplayName))
                    .col(string_null(AppUser::AgencyId))
                    .col(string(AppUser::Roles))
                    .col(string(AppUser::PasswordHash))
                    .col(boolean(AppUser::Active))
                    .col(timestamp_with_time_zone(AppUser::CreatedAt))
                    .col(timestamp_with_time_zone(AppUser::UpdatedAt))
                    .foreign_key(&mut fk(
                        (AppUser::Table, AppUser::AgencyId),
                        (Agency::Table, Agency::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Regime::Table)
                    .col(string(Regime::Id).primary_key())
                    .col(string_uniq(Regime::Code))
                    .col(string(Regime::Name))
                    .col(text(Regime::Description))
                    .col(integer(Regime::DueSoonDays))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MilestoneRule::Table)
                    .col(string(MilestoneRule::Id).primary_key())
                    .col(string(MilestoneRule::RegimeId))
                    .col(integer(MilestoneRule::Position))
                    .col(string(MilestoneRule::Code))
                    .col(string(MilestoneRule::Label))
                    .col(string(MilestoneRule::Anchor))
                    .col(integer(MilestoneRule::Amount))
                    .col(string(MilestoneRule::Unit))
                    .col(string(MilestoneRule::MetBy))
                    .col(string(MilestoneRule::Condition))
                    .foreign_key(&mut fk(
                        (MilestoneRule::Table, MilestoneRule::RegimeId),
                        (Regime::Table, Regime::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BankHoliday::Table)
                    .col(date(BankHoliday::Day).primary_key())
                    .col(string(BankHoliday::Name))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Review::Table)
                    .col(string(Review::Id).primary_key())
                    .col(string_uniq(Review::Reference))
                    .col(string(Review::Kind))
                    .col(string(Review::Subject))
                    .col(text(Review::Themes))
                    .col(string(Review::Methodology))
                    .col(string_null(Review::MethodologyDetail))
                    .col(integer_null(Review::IncidentMonth))
                    .col(integer(Review::IncidentYear))
                    .col(string(Review::RegimeId))
                    .col(date_null(Review::AwareOn))
                    .col(date(Review::NotifiedOn))
                    .col(string_null(Review::Decision))
                    .col(text_null(Review::DecisionJustification))
                    .col(date_null(Review::DecidedOn))
                    .col(string_null(Review::DecidedBy))
                    .col(date_null(Review::PanelNotifiedOn))
                    .col(text(Review::PanelLeadReviewerNames))
                    .col(date_null(Review::CompletedOn))
                    .col(date_null(Review::PublishedOn))
                    .col(integer(Review::Version))
                    .col(timestamp_with_time_zone(Review::CreatedAt))
                    .col(timestamp_with_time_zone(Review::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Review::Table, Review::RegimeId),
                        (Regime::Table, Regime::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        (Review::Table, Review::DecidedBy),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReviewAgency::Table)
                    .col(string(ReviewAgency::ReviewId))
                    .col(string(ReviewAgency::AgencyId))
                    .primary_key(
                        Index::create()
                            .col(ReviewAgency::ReviewId)
                            .col(ReviewAgency::AgencyId),
                    )
                    .foreign_key(&mut fk(
                        (ReviewAgency::Table, ReviewAgency::ReviewId),
                        (Review::Table, Review::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (ReviewAgency::Table, ReviewAgency::AgencyId),
                        (Agency::Table, Agency::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReviewMember::Table)
                    .col(string(ReviewMember::ReviewId))
                    .col(string(ReviewMember::UserId))
                    .col(string(ReviewMember::Role))
                    .primary_key(
                        Index::create()
                            .col(ReviewMember::ReviewId)
                            .col(ReviewMember::UserId),
                    )
                    .foreign_key(&mut fk(
                        (ReviewMember::Table, ReviewMember::ReviewId),
                        (Review::Table, Review::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (ReviewMember::Table, ReviewMember::UserId),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_review_member_user")
                    .table(ReviewMember::Table)
                    .col(ReviewMember::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(big_pk_auto(AuditLog::Id))
                    .col(timestamp_with_time_zone(AuditLog::At))
                    .col(string_null(AuditLog::ActorId))
                    .col(string_null(AuditLog::ActorName))
                    .col(string_null(AuditLog::AgencyId))
                    .col(string_null(AuditLog::AgencyPrefix))
                    .col(string_null(AuditLog::Role))
                    .col(string(AuditLog::Action))
                    .col(string(AuditLog::ObjectType))
                    .col(string_null(AuditLog::ObjectId))
                    .col(string(AuditLog::CorrelationId))
                    .col(string(AuditLog::PrevHash))
                    .col(string(AuditLog::Hash))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_audit_log_actor", AuditLog::ActorId),
            ("idx_audit_log_object", AuditLog::ObjectId),
            ("idx_audit_log_at", AuditLog::At),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(AuditLog::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(Session::Table)
                    .col(string(Session::Id).primary_key())
                    .col(text(Session::Data))
                    .col(timestamp_with_time_zone(Session::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_session_expires_at")
                    .table(Session::Table)
                    .col(Session::ExpiresAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SignInFailure::Table)
                    .col(big_pk_auto(SignInFailure::Id))
                    .col(string(SignInFailure::Key))
                    .col(timestamp_with_time_zone(SignInFailure::At))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sign_in_failure_key_at")
                    .table(SignInFailure::Table)
                    .col(SignInFailure::Key)
                    .col(SignInFailure::At)
                    .to_owned(),
            )
            .await?;

        // The audit log is append-only. The application never updates or deletes its rows;
        // on PostgreSQL the database refuses it too. (SQLite gets the same rule by trigger.)
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                     BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
                     CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
                       FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
                     CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
                       FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the foundation holds the audit log and cannot be rolled back".into(),
        ))
    }
}
