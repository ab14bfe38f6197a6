//! The words reviews are described with.

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => ($code:literal, $label:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code stored in the database and used in the API.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// What users call it.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }
        }

        impl $crate::Vocabulary for $name {
            const NAME: &'static str = stringify!($name);
            fn from_code(code: &str) -> Option<Self> {
                $name::from_code(code)
            }
        }
    };
}
pub(crate) use vocabulary;

vocabulary! {
    /// The kinds of review and audit the partnership runs.
    ReviewKind {
        SeriousCaseReview => ("SERIOUS_CASE_REVIEW", "Serious case review / local child safeguarding practice review"),
        RapidReview => ("RAPID_REVIEW", "Rapid review"),
        ChildDeathReview => ("CHILD_DEATH_REVIEW", "Child death review"),
        BelowThresholdReview => ("BELOW_THRESHOLD_REVIEW", "Review below the SCR threshold"),
        SingleAgencyReview => ("SINGLE_AGENCY_REVIEW", "Single-agency review or audit"),
        MultiAgencyCaseAudit => ("MULTI_AGENCY_CASE_AUDIT", "Multi-agency case audit (MACA)"),
        ThematicAudit => ("THEMATIC_AUDIT", "Thematic audit"),
        Section11 => ("SECTION_11", "Section 11 self-assessment actions"),
        PerformanceDataset => ("PERFORMANCE_DATASET", "Performance dataset actions"),
        ChildDeathLearning => ("CHILD_DEATH_LEARNING", "Child death review learning actions"),
    }
}

impl ReviewKind {
    /// Whether the kind is a case review or audit that someone opens (and the partnership
    /// lists, times and reports on). A year's actions from Section 11, the performance
    /// dataset or child death review learning are kept as the plan of a review of their own
    /// kind (`shared::actions::plans`), made when the first is planned; it has no
    /// chronology, no clocks and no place in the list of reviews.
    pub fn is_case_review(self) -> bool {
        !matches!(
            self,
            ReviewKind::Section11 | ReviewKind::PerformanceDataset | ReviewKind::ChildDeathLearning
        )
    }
}

vocabulary! {
    /// How a review is conducted (the framework's methodologies).
    Methodology {
        LearningTogether => ("LEARNING_TOGETHER", "SCIE Learning Together"),
        RootCauseAnalysis => ("ROOT_CAUSE_ANALYSIS", "Root Cause Analysis"),
        ChildPracticeReview => ("CHILD_PRACTICE_REVIEW", "Child Practice Review"),
        Silp => ("SILP", "Significant Incident Learning Process (SILP)"),
        AppreciativeInquiry => ("APPRECIATIVE_INQUIRY", "Appreciative Inquiry"),
        Other => ("OTHER", "Other"),
    }
}

vocabulary! {
    /// The independent chair's decision on whether the case meets the review threshold.
    ThresholdDecision {
        Initiate => ("INITIATE", "Initiate a review"),
        DoNotInitiate => ("DO_NOT_INITIATE", "Do not initiate a review"),
    }
}

vocabulary! {
    /// A person's part in one review.
    ReviewRole {
        LeadReviewer => ("LEAD_REVIEWER", "Lead reviewer"),
        Member => ("MEMBER", "Member"),
    }
}

/// Themes offered when describing a review; reviews may also carry others.
pub const THEMES: &[&str] = &[
    "Neglect",
    "Child sexual exploitation",
    "Domestic abuse",
    "Bruising in babies",
    "Self-harm",
    "Disabled children",
    "Parental mental health",
    "Parental substance misuse",
    "Online harm",
    "Missing from home or care",
    "Criminal exploitation",
    "Sudden unexpected death in infancy",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        for kind in ReviewKind::ALL {
            assert_eq!(ReviewKind::from_code(kind.code()), Some(*kind));
        }
        for m in Methodology::ALL {
            assert_eq!(Methodology::from_code(m.code()), Some(*m));
        }
        assert_eq!(ReviewKind::from_code("nope"), None);
    }
}
