//! Reviews: their kinds, methodologies, statutory regimes and clocks, and input rules.

pub mod clocks;
pub mod input;
pub mod vocabulary;

pub use clocks::{
    milestones, next_milestone, urgency_order, Milestone, MilestoneRule, MilestoneState, Regime,
    ReviewEvent, ReviewEvents, RuleCondition,
};
pub use input::{PanelNotificationDraft, ReviewDraft, ThresholdDecisionDraft};
pub use vocabulary::{Methodology, ReviewKind, ReviewRole, ThresholdDecision, THEMES};
