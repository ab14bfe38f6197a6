//! The words of action plans.

use crate::chronology::AnnotationKind;
use crate::reviews::vocabulary::vocabulary;

vocabulary! {
    /// Where an action stands. Overdue is not a status: it is derived from the target date.
    ActionStatus {
        NotStarted => ("NOT_STARTED", "Not started"),
        InProgress => ("IN_PROGRESS", "In progress"),
        Completed => ("COMPLETED", "Completed"),
        ImpactEvidenced => ("IMPACT_EVIDENCED", "Impact evidenced"),
    }
}

impl ActionStatus {
    /// COMPLETED and IMPACT_EVIDENCED close an action: nothing more is owed on it.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            ActionStatus::Completed | ActionStatus::ImpactEvidenced
        )
    }

    /// How far along the action is; a status never goes back to a lower step.
    pub fn step(self) -> u8 {
        match self {
            ActionStatus::NotStarted => 0,
            ActionStatus::InProgress => 1,
            ActionStatus::Completed => 2,
            ActionStatus::ImpactEvidenced => 3,
        }
    }
}

vocabulary! {
    /// Red, amber, green: how an action is doing (see [`super::rag`] for the rule).
    Rag {
        Red => ("RED", "Red: overdue or off track"),
        Amber => ("AMBER", "Amber: due soon or at risk"),
        Green => ("GREEN", "Green: on track or done"),
    }
}

impl Rag {
    /// Red is the most severe, green the least (for ordering lists).
    pub fn severity(self) -> u8 {
        match self {
            Rag::Green => 0,
            Rag::Amber => 1,
            Rag::Red => 2,
        }
    }
}

vocabulary! {
    /// Whether a learning point concerns one agency or how agencies work together.
    LearningScope {
        SingleAgency => ("SINGLE_AGENCY", "Single agency"),
        MultiAgency => ("MULTI_AGENCY", "Multi-agency"),
    }
}

vocabulary! {
    /// Whether a learning point is good practice to spread or practice to improve.
    LearningKind {
        GoodPractice => ("GOOD_PRACTICE", "Good practice"),
        NeedsImprovement => ("NEEDS_IMPROVEMENT", "Needs improvement"),
    }
}

vocabulary! {
    /// What can be referred to a committee.
    ReferralKind {
        LearningPoint => ("LEARNING_POINT", "Learning point"),
        Action => ("ACTION", "Action"),
    }
}

/// The kind of learning point a reviewer's annotation becomes in one step: a missed
/// opportunity or an information-sharing concern needs improvement, good practice is good
/// practice. Questions, answers and notes are not findings and become none.
pub fn learning_kind_of(annotation: AnnotationKind) -> Option<LearningKind> {
    match annotation {
        AnnotationKind::MissedOpportunity | AnnotationKind::InformationSharingConcern => {
            Some(LearningKind::NeedsImprovement)
        }
        AnnotationKind::GoodPractice => Some(LearningKind::GoodPractice),
        AnnotationKind::Question | AnnotationKind::Note | AnnotationKind::Answer => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for s in ActionStatus::ALL {
            assert_eq!(ActionStatus::from_code(s.code()), Some(*s));
        }
        for r in Rag::ALL {
            assert_eq!(Rag::from_code(r.code()), Some(*r));
        }
        assert_eq!(
            LearningScope::from_code("MULTI_AGENCY"),
            Some(LearningScope::MultiAgency)
        );
        assert_eq!(LearningKind::from_code("nope"), None);
    }

    #[test]
    fn closed_statuses_are_the_last_two_steps() {
        let closed: Vec<ActionStatus> = ActionStatus::ALL
            .iter()
            .copied()
            .filter(|s| s.is_closed())
            .collect();
        assert_eq!(
            closed,
            [ActionStatus::Completed, ActionStatus::ImpactEvidenced]
        );
        assert!(ActionStatus::ALL
            .windows(2)
            .all(|w| w[0].step() < w[1].step()));
    }

    #[test]
    fn only_findings_become_learning_points() {
        assert_eq!(
            learning_kind_of(AnnotationKind::MissedOpportunity),
            Some(LearningKind::NeedsImprovement)
        );
        assert_eq!(
            learning_kind_of(AnnotationKind::GoodPractice),
            Some(LearningKind::GoodPractice)
        );
        assert_eq!(learning_kind_of(AnnotationKind::Question), None);
        assert_eq!(learning_kind_of(AnnotationKind::Note), None);
    }
}
