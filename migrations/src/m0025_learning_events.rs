//! Training and dissemination: learning events (workshops, briefings, conferences,
//! e-learning, newsletter items) with the reviews whose learning they carried, attendance
//! counted per agency, one piece of feedback per person, and the actions whose evidence of
//! impact points at an event.

use crate::helpers::fk;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

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
enum Review {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Action {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum LearningEventAction {
    Table,
    EventId,
    ActionId,
}

#[derive(DeriveIden)]
enum LearningEvent {
    Table,
    Id,
    Title,
    Kind,
    HeldOn,
    Audience,
    NationalLearning,
    RecordedBy,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum LearningEventReview {
    Table,
    EventId,
    ReviewId,
}

#[derive(DeriveIden)]
enum LearningEventAttendance {
    Table,
    EventId,
    AgencyId,
    Attended,
}

#[derive(DeriveIden)]
enum LearningEventFeedback {
    Table,
    EventId,
    UserId,
    Score,
    Comment,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LearningEvent::Table)
                    .col(string(LearningEvent::Id).primary_key())
                    .col(string(LearningEvent::Title))
                    .col(string(LearningEvent::Kind))
                    .col(date(LearningEvent::HeldOn))
                    .col(text(LearningEvent::Audience))
                    .col(text(LearningEvent::NationalLearning))
                    .col(string_null(LearningEvent::RecordedBy))
                    .col(timestamp_with_time_zone(LearningEvent::CreatedAt))
                    .col(timestamp_with_time_zone(LearningEvent::UpdatedAt))
                    .col(integer(LearningEvent::Version))
                    .foreign_key(&mut fk(
                        (LearningEvent::Table, LearningEvent::RecordedBy),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_learning_event_held_on")
                    .table(LearningEvent::Table)
                    .col(LearningEvent::HeldOn)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LearningEventReview::Table)
                    .col(string(LearningEventReview::EventId))
                    .col(string(LearningEventReview::ReviewId))
                    .primary_key(
                        Index::create()
                            .col(LearningEventReview::EventId)
                            .col(LearningEventReview::ReviewId),
                    )
                    .foreign_key(&mut fk(
                        (LearningEventReview::Table, LearningEventReview::EventId),
                        (LearningEvent::Table, LearningEvent::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (LearningEventReview::Table, LearningEventReview::ReviewId),
                        (Review::Table, Review::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_learning_event_review_review")
                    .table(LearningEventReview::Table)
                    .col(LearningEventReview::ReviewId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LearningEventAttendance::Table)
                    .col(string(LearningEventAttendance::EventId))
                    .col(string(LearningEventAttendance::AgencyId))
                    .col(integer(LearningEventAttendance::Attended))
                    .primary_key(
                        Index::create()
                            .col(LearningEventAttendance::EventId)
                            .col(LearningEventAttendance::AgencyId),
                    )
                    .foreign_key(&mut fk(
                        (
                            LearningEventAttendance::Table,
                            LearningEventAttendance::EventId,
                        ),
                        (LearningEvent::Table, LearningEvent::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (
                            LearningEventAttendance::Table,
                            LearningEventAttendance::AgencyId,
                        ),
                        (Agency::Table, Agency::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LearningEventFeedback::Table)
                    .col(string(LearningEventFeedback::EventId))
                    .col(string(LearningEventFeedback::UserId))
                    .col(integer(LearningEventFeedback::Score))
                    .col(text(LearningEventFeedback::Comment))
                    .col(timestamp_with_time_zone(LearningEventFeedback::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(LearningEventFeedback::EventId)
                            .col(LearningEventFeedback::UserId),
                    )
                    .foreign_key(&mut fk(
                        (LearningEventFeedback::Table, LearningEventFeedback::EventId),
                        (LearningEvent::Table, LearningEvent::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (LearningEventFeedback::Table, LearningEventFeedback::UserId),
                        (AppUser::Table, AppUser::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LearningEventAction::Table)
                    .col(string(LearningEventAction::EventId))
                    .col(string(LearningEventAction::ActionId))
                    .primary_key(
                        Index::create()
                            .col(LearningEventAction::EventId)
                            .col(LearningEventAction::ActionId),
                    )
                    .foreign_key(&mut fk(
                        (LearningEventAction::Table, LearningEventAction::EventId),
                        (LearningEvent::Table, LearningEvent::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (LearningEventAction::Table, LearningEventAction::ActionId),
                        (Action::Table, Action::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_learning_event_action_action")
                    .table(LearningEventAction::Table)
                    .col(LearningEventAction::ActionId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            LearningEventAction::Table.into_iden(),
            LearningEventFeedback::Table.into_iden(),
            LearningEventAttendance::Table.into_iden(),
            LearningEventReview::Table.into_iden(),
            LearningEvent::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
