//! The words of chronologies.

use crate::reviews::vocabulary::vocabulary;

vocabulary! {
    /// Where an agency's return stands.
    ReturnStatus {
        Draft => ("DRAFT", "Draft"),
        Submitted => ("SUBMITTED", "Submitted"),
        Reopened => ("REOPENED", "Reopened"),
    }
}

vocabulary! {
    /// What a reviewer's annotation says about an entry.
    AnnotationKind {
        MissedOpportunity => ("MISSED_OPPORTUNITY", "Missed opportunity"),
        GoodPractice => ("GOOD_PRACTICE", "Good practice"),
        InformationSharingConcern => ("INFORMATION_SHARING_CONCERN", "Information-sharing concern"),
        Question => ("QUESTION", "Question for the agency"),
        Note => ("NOTE", "Note"),
        Answer => ("ANSWER", "Answer from the agency"),
    }
}

vocabulary! {
    /// A reviewer's decision on a group of probable duplicates.
    DuplicateDecision {
        Confirmed => ("CONFIRMED", "Confirmed: one event"),
        Rejected => ("REJECTED", "Rejected: different events"),
    }
}

vocabulary! {
    /// Where a background import stands.
    ImportJobStatus {
        Queued => ("QUEUED", "Waiting to start"),
        Running => ("RUNNING", "Storing entries"),
        Done => ("DONE", "Imported"),
        Failed => ("FAILED", "Failed: nothing was changed"),
    }
}
