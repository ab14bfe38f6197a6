//! Action plans: learning points (single- or multi-agency; good practice or needs
//! improvement) with their recommendations, and the actions that answer them: status,
//! derived overdue and RAG, progress updates, and who may do what.

pub mod access;
pub mod input;
pub mod plans;
pub mod rag;
pub mod reminders;
pub mod statistics;
pub mod vocabulary;

pub use input::{
    action_reference, group_key, ActionDraft, ActionFacts, FromAnnotation, LearningPoint,
    LearningPointDraft, PersonFacts, Progress, ProgressDraft, RecordedAction,
};
pub use rag::{attention_order, derived_rag, effective_rag, is_overdue, Attention};
pub use reminders::{reminder_due, ReminderKind, DEFAULT_REMINDER_DAYS};
pub use statistics::{overdue_over_time, ActionDates, OverduePoint, StatusCounts};
pub use vocabulary::{ActionStatus, LearningKind, LearningScope, Rag, ReferralKind};
