//! Retention and legal hold (issue 21, item 2).
//!
//! - `retention_rule`: how long each kind of record is kept, one row per rule, seeded with
//!   the defaults of `shared::retention::defaults` (the server's tests compare the two).
//! - `legal_hold`: holds set on a review and lifted, each with who, when and why; at most
//!   one in force per review.
//! - `retention_run`: each run of the purge. A scheduled run claims its day (unique), so
//!   one instance runs it however many share the database.
//! - `audit_log.detail`: what a purge deleted (counts and references, never content),
//!   hashed into the chain when present, so older rows keep their hashes.
//! - The audit log stays append-only, except that the oldest entries may be deleted in the
//!   transaction that holds a permit (`audit_log_prune`, a row naming the last id that may
//!   go, removed again before commit). The purge's own audit entry records the hash of the
//!   last deleted entry, the anchor the kept chain is verified from.

use crate::helpers::fk;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Review {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Detail,
}

#[derive(DeriveIden)]
enum RetentionRule {
    Table,
    Key,
    RecordKind,
    ReviewKind,
    Unit,
    Amount,
    UpdatedAt,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum LegalHold {
    Table,
    Id,
    ReviewId,
    Reason,
    SetBy,
    SetAt,
    LiftedAt,
    LiftedBy,
    LiftReason,
}

#[derive(DeriveIden)]
enum RetentionRun {
    Table,
    Id,
    Day,
    Trigger,
    StartedAt,
    FinishedAt,
    Outcome,
    Summary,
}

#[derive(DeriveIden)]
enum AuditLogPrune {
    Table,
    ThroughId,
}

/// A seeded rule: (key, record kind, review kind, unit, amount).
type Seed = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    Option<i32>,
);

/// The rules a new database starts with.
const DEFAULTS: &[Seed] = &[
    (
        "REVIEW:SERIOUS_CASE_REVIEW",
        "REVIEW",
        Some("SERIOUS_CASE_REVIEW"),
        "FOREVER",
        None,
    ),
    (
        "REVIEW:RAPID_REVIEW",
        "REVIEW",
        Some("RAPID_REVIEW"),
        "MONTHS",
        Some(300),
    ),
    (
        "REVIEW:CHILD_DEATH_REVIEW",
        "REVIEW",
        Some("CHILD_DEATH_REVIEW"),
        "MONTHS",
        Some(300),
    ),
    (
        "REVIEW:BELOW_THRESHOLD_REVIEW",
        "REVIEW",
        Some("BELOW_THRESHOLD_REVIEW"),
        "MONTHS",
        Some(180),
    ),
    (
        "REVIEW:SINGLE_AGENCY_REVIEW",
        "REVIEW",
        Some("SINGLE_AGENCY_REVIEW"),
        "MONTHS",
        Some(180),
    ),
    (
        "REVIEW:MULTI_AGENCY_CASE_AUDIT",
        "REVIEW",
        Some("MULTI_AGENCY_CASE_AUDIT"),
        "MONTHS",
        Some(84),
    ),
    (
        "REVIEW:THEMATIC_AUDIT",
        "REVIEW",
        Some("THEMATIC_AUDIT"),
        "MONTHS",
        Some(84),
    ),
    (
        "CHRONOLOGY_ENTRIES",
        "CHRONOLOGY_ENTRIES",
        None,
        "MONTHS",
        Some(300),
    ),
    ("AUDIT_LOG", "AUDIT_LOG", None, "MONTHS", Some(84)),
    ("NOTIFICATIONS", "NOTIFICATIONS", None, "MONTHS", Some(6)),
    ("SESSIONS", "SESSIONS", None, "DAYS", Some(0)),
    (
        "SIGN_IN_ATTEMPTS",
        "SIGN_IN_ATTEMPTS",
        None,
        "DAYS",
        Some(0),
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RetentionRule::Table)
                    .col(
                        ColumnDef::new(RetentionRule::Key)
                            .string()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(RetentionRule::RecordKind)
                            .string()
                            .not_null(),
                    )
                    .col(ColumnDef::new(RetentionRule::ReviewKind).string().null())
                    .col(ColumnDef::new(RetentionRule::Unit).string().not_null())
                    .col(ColumnDef::new(RetentionRule::Amount).integer().null())
                    .col(
                        ColumnDef::new(RetentionRule::UpdatedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(RetentionRule::UpdatedBy).string().null())
                    .foreign_key(&mut fk(
                        (RetentionRule::Table, RetentionRule::UpdatedBy),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        let mut seed = Query::insert()
            .into_table(RetentionRule::Table)
            .columns([
                RetentionRule::Key,
                RetentionRule::RecordKind,
                RetentionRule::ReviewKind,
                RetentionRule::Unit,
                RetentionRule::Amount,
            ])
            .to_owned();
        for (key, record, review_kind, unit, amount) in DEFAULTS {
            seed.values_panic([
                (*key).into(),
                (*record).into(),
                (*review_kind).into(),
                (*unit).into(),
                (*amount).into(),
            ]);
        }
        manager.exec_stmt(seed).await?;

        manager
            .create_table(
                Table::create()
                    .table(LegalHold::Table)
                    .col(
                        ColumnDef::new(LegalHold::Id)
                            .string()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(LegalHold::ReviewId).string().not_null())
                    .col(ColumnDef::new(LegalHold::Reason).text().not_null())
                    .col(ColumnDef::new(LegalHold::SetBy).string().not_null())
                    .col(
                        ColumnDef::new(LegalHold::SetAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(LegalHold::LiftedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(LegalHold::LiftedBy).string().null())
                    .col(ColumnDef::new(LegalHold::LiftReason).text().null())
                    .foreign_key(&mut fk(
                        (LegalHold::Table, LegalHold::ReviewId),
                        (Review::Table, Review::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (LegalHold::Table, LegalHold::SetBy),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        (LegalHold::Table, LegalHold::LiftedBy),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("legal_hold_review")
                    .table(LegalHold::Table)
                    .col(LegalHold::ReviewId)
                    .col(LegalHold::SetAt)
                    .to_owned(),
            )
            .await?;
        // At most one hold in force per review (both databases take a partial index).
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX legal_hold_in_force ON legal_hold (review_id) WHERE lifted_at IS NULL",
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RetentionRun::Table)
                    .col(
                        ColumnDef::new(RetentionRun::Id)
                            .string()
                            .not_null()
                            .primary_key(),
                    )
                    // A scheduled run's day: unique, so one instance claims it.
                    .col(ColumnDef::new(RetentionRun::Day).date().null().unique_key())
                    .col(ColumnDef::new(RetentionRun::Trigger).string().not_null())
                    .col(
                        ColumnDef::new(RetentionRun::StartedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RetentionRun::FinishedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(RetentionRun::Outcome).string().null())
                    .col(ColumnDef::new(RetentionRun::Summary).text().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("retention_run_started")
                    .table(RetentionRun::Table)
                    .col(RetentionRun::StartedAt)
                    .to_owned(),
            )
            .await?;

        manager
            .alter_table(
                Table::alter()
                    .table(AuditLog::Table)
                    .add_column(ColumnDef::new(AuditLog::Detail).text().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditLogPrune::Table)
                    .col(
                        ColumnDef::new(AuditLogPrune::ThroughId)
                            .big_integer()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE OR REPLACE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                     BEGIN
                       IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM audit_log_prune WHERE OLD.id <= through_id) THEN
                         RETURN OLD;
                       END IF;
                       RAISE EXCEPTION 'audit_log is append-only';
                     END $$;",
                )
                .await?;
            }
            _ => {
                // One call, so the drop and the new trigger go over one connection.
                db.execute_unprepared(
                    "DROP TRIGGER audit_log_no_delete;
                     CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                       WHEN NOT EXISTS (SELECT 1 FROM audit_log_prune WHERE OLD.id <= through_id)
                       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE OR REPLACE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                     BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "DROP TRIGGER audit_log_no_delete;
                     CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",
                )
                .await?;
            }
        }
        manager
            .drop_table(Table::drop().table(AuditLogPrune::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AuditLog::Table)
                    .drop_column(AuditLog::Detail)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(RetentionRun::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(LegalHold::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(RetentionRule::Table).to_owned())
            .await
    }
}
