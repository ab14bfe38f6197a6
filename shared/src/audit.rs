//! The audit log in words: what each action code the server writes means to a person, the
//! kind of event it is (for the audit log page's filter), and what each object type is
//! called. One table, used by the server (the API's `description` and its `kinds` filter)
//! and by the browser (the page's words and choices).
//!
//! An action code the table does not know (written by an older or newer release) still
//! reads sensibly: its code in words, of kind [`AuditEventKind::Other`].

use crate::reviews::vocabulary::vocabulary;
use std::borrow::Cow;

vocabulary! {
    /// The kinds of event the audit log page filters by.
    AuditEventKind {
        Viewed => ("VIEWED", "Records viewed"),
        Downloaded => ("DOWNLOADED", "Downloads and exports"),
        SignIn => ("SIGN_IN", "Signing in and out"),
        Accounts => ("ACCOUNTS", "People, accounts and sign-in settings"),
        Agencies => ("AGENCIES", "Agencies"),
        Reviews => ("REVIEWS", "Reviews and decisions"),
        Chronology => ("CHRONOLOGY", "Chronologies"),
        ActionPlans => ("ACTION_PLANS", "Learning points and action plans"),
        Summaries => ("SUMMARIES", "Learning summaries"),
        Retention => ("RETENTION", "Retention, legal holds and deletion"),
        Performance => ("PERFORMANCE", "Performance dataset"),
        Training => ("TRAINING", "Training and learning events"),
        Other => ("OTHER", "Other events"),
    }
}

use AuditEventKind::*;

/// Every action code the server writes: (code, what happened in words, kind).
pub const ACTIONS: &[(&str, &str, AuditEventKind)] = &[
    // Signing in and out.
    ("sign_in", "Signed in", SignIn),
    (
        "sign_in.single_sign_on",
        "Signed in with their organisation's account",
        SignIn,
    ),
    (
        "sign_in.password_accepted",
        "Gave the right password (two-step verification next)",
        SignIn,
    ),
    ("sign_in.failed", "A sign-in was refused", SignIn),
    ("sign_out", "Signed out", SignIn),
    (
        "second_factor.code_refused",
        "A two-step verification code was refused",
        SignIn,
    ),
    (
        "second_factor.recovery_code_used",
        "Signed in with a recovery code",
        SignIn,
    ),
    // People and accounts.
    ("user.create", "Added a person", Accounts),
    (
        "user.update",
        "Changed a person's details or roles",
        Accounts,
    ),
    (
        "user.password_reset_requested",
        "Asked for a password reset link",
        Accounts,
    ),
    (
        "user.password_reset",
        "Set a new password with a reset link",
        Accounts,
    ),
    ("user.password_set", "Set a person's password", Accounts),
    (
        "second_factor.enrolled",
        "Turned on two-step verification",
        Accounts,
    ),
    (
        "second_factor.disabled",
        "Turned off two-step verification",
        Accounts,
    ),
    (
        "second_factor.recovery_codes_replaced",
        "Replaced their recovery codes",
        Accounts,
    ),
    (
        "second_factor.roles_set",
        "Changed which roles must use two-step verification",
        Accounts,
    ),
    (
        "second_factor.reset",
        "Reset a person's two-step verification",
        Accounts,
    ),
    (
        "sign_in_provider.created",
        "Added a sign-in provider",
        Accounts,
    ),
    (
        "sign_in_provider.updated",
        "Changed a sign-in provider",
        Accounts,
    ),
    (
        "sign_in_provider.deleted",
        "Removed a sign-in provider",
        Accounts,
    ),
    (
        "api_token.create",
        "Made an API token for an agency's system",
        Accounts,
    ),
    ("api_token.revoke", "Revoked an API token", Accounts),
    // Agencies.
    ("agency.create", "Added an agency", Agencies),
    ("agency.update", "Changed an agency", Agencies),
    (
        "agency.qa_mechanisms.set",
        "Changed an agency's quality assurance mechanisms",
        Agencies,
    ),
    // Reviews.
    ("review.list", "Looked at the list of reviews", Viewed),
    ("review.read", "Opened a review", Viewed),
    ("review.create", "Created a review", Reviews),
    ("review.update", "Changed a review's details", Reviews),
    (
        "review.threshold_decision",
        "Recorded the chair's threshold decision",
        Reviews,
    ),
    (
        "review.panel_notification",
        "Recorded that the national panel was told",
        Reviews,
    ),
    (
        "section11.export",
        "Downloaded a year's Section 11 answers (Excel)",
        Downloaded,
    ),
    (
        "section11.challenge.ask",
        "Asked a challenge question on a Section 11 assessment",
        Agencies,
    ),
    (
        "section11.challenge.withdraw",
        "Withdrew a challenge question on a Section 11 assessment",
        Agencies,
    ),
    (
        "section11.challenge.respond",
        "Responded to a challenge question on a Section 11 assessment",
        Agencies,
    ),
    (
        "section11.report",
        "Downloaded a year's Section 11 summary report (Word)",
        Downloaded,
    ),
    (
        "section11.standards.set",
        "Set a year's Section 11 standards",
        Agencies,
    ),
    (
        "section11.year.open",
        "Asked agencies for their Section 11 self-assessments",
        Agencies,
    ),
    (
        "section11.answer.save",
        "Saved an answer in a Section 11 self-assessment",
        Agencies,
    ),
    (
        "section11.action.plan",
        "Planned an action in a Section 11 self-assessment",
        Agencies,
    ),
    (
        "section11.submit",
        "Submitted a Section 11 self-assessment",
        Agencies,
    ),
    (
        "section11.decide",
        "Accepted or returned a Section 11 self-assessment",
        Agencies,
    ),
    (
        "single_agency_audit.create",
        "Recorded a single-agency audit",
        Agencies,
    ),
    (
        "single_agency_audit.update",
        "Changed a single-agency audit",
        Agencies,
    ),
    (
        "single_agency_audit.delete",
        "Deleted a single-agency audit",
        Agencies,
    ),
    (
        "qa_report.sections.set",
        "Set a year's QA impact report sections",
        Agencies,
    ),
    (
        "qa_report.year.open",
        "Asked agencies for their QA impact reports",
        Agencies,
    ),
    (
        "qa_report.answer.save",
        "Saved a section of a QA impact report",
        Agencies,
    ),
    ("qa_report.submit", "Submitted a QA impact report", Agencies),
    (
        "qa_report.decide",
        "Accepted or returned a QA impact report",
        Agencies,
    ),
    (
        "audit_theme.create",
        "Added a theme to the audit programme",
        Reviews,
    ),
    (
        "audit_theme.update",
        "Changed a theme of the audit programme",
        Reviews,
    ),
    (
        "audit_theme.delete",
        "Deleted a theme of the audit programme",
        Reviews,
    ),
    (
        "audit_pool.add",
        "Added a person to the audit pool",
        Reviews,
    ),
    (
        "audit_pool.remove",
        "Took a person out of the audit pool",
        Reviews,
    ),
    (
        "case_audit.set",
        "Set an audit's theme and auditors",
        Reviews,
    ),
    (
        "case_audit.case.create",
        "Added a case to an audit's sample",
        Reviews,
    ),
    (
        "case_audit.case.update",
        "Changed a case of an audit's sample",
        Reviews,
    ),
    (
        "case_audit.case.delete",
        "Took a case out of an audit's sample",
        Reviews,
    ),
    (
        "case_audit.grade.save",
        "Graded a case of an audit",
        Chronology,
    ),
    (
        "case_audit.meeting.save",
        "Recorded an audit meeting and its report",
        Reviews,
    ),
    (
        "case_audit.report.download",
        "Downloaded an audit report",
        Downloaded,
    ),
    (
        "case_audit.export",
        "Exported an audit's grades as a spreadsheet",
        Downloaded,
    ),
    (
        "distribution_list.create",
        "Made a distribution list",
        Summaries,
    ),
    (
        "distribution_list.update",
        "Changed a distribution list",
        Summaries,
    ),
    (
        "distribution_list.delete",
        "Deleted a distribution list",
        Summaries,
    ),
    (
        "learning_summary.send",
        "Sent a published learning summary to a distribution list",
        Summaries,
    ),
    (
        "annual_report.narrative.set",
        "Wrote a narrative part of the annual report",
        Other,
    ),
    (
        "annual_report.download",
        "Downloaded the annual report's learning and improvement section (Word)",
        Downloaded,
    ),
    (
        "review.returns_due",
        "Asked the agencies for their chronology returns by a date",
        Reviews,
    ),
    (
        "review.completed",
        "Recorded that the review was completed",
        Reviews,
    ),
    (
        "review.published",
        "Recorded that the review's report was published",
        Reviews,
    ),
    (
        "review.subject_access.export",
        "Downloaded a subject access export",
        Downloaded,
    ),
    // Chronologies.
    (
        "chronology.return.create",
        "Started a chronology return",
        Chronology,
    ),
    (
        "chronology.return.import",
        "Uploaded a chronology file",
        Chronology,
    ),
    (
        "chronology.return.submit",
        "Submitted a chronology return",
        Chronology,
    ),
    (
        "chronology.return.reopen",
        "Reopened a chronology return",
        Chronology,
    ),
    (
        "chronology.entry.create",
        "Added a chronology entry",
        Chronology,
    ),
    (
        "chronology.entry.update",
        "Changed a chronology entry",
        Chronology,
    ),
    (
        "chronology.entry.delete",
        "Deleted a chronology entry",
        Chronology,
    ),
    (
        "chronology.annotation.create",
        "Added a note or question on a chronology entry",
        Chronology,
    ),
    (
        "chronology.annotation.answer",
        "Answered a question on a chronology entry",
        Chronology,
    ),
    (
        "chronology.duplicates.confirmed",
        "Confirmed entries from different agencies as one event",
        Chronology,
    ),
    (
        "chronology.duplicates.rejected",
        "Marked possible duplicate entries as different events",
        Chronology,
    ),
    (
        "chronology.anonymisation.dismiss",
        "Dismissed a possible name found in the chronology",
        Chronology,
    ),
    (
        "chronology.share",
        "Shared the integrated chronology with the review's agencies",
        Chronology,
    ),
    (
        "chronology.settings",
        "Changed the chronology's settings",
        Chronology,
    ),
    (
        "glossary.term.add",
        "Added a name to the review's glossary",
        Chronology,
    ),
    (
        "glossary.term.remove",
        "Removed a name from the review's glossary",
        Chronology,
    ),
    (
        "chronology.export.csv.anonymised",
        "Downloaded the integrated chronology (CSV, anonymised)",
        Downloaded,
    ),
    (
        "chronology.export.csv.named",
        "Downloaded the integrated chronology (CSV, with real names)",
        Downloaded,
    ),
    (
        "chronology.export.xlsx.anonymised",
        "Downloaded the integrated chronology (Excel, anonymised)",
        Downloaded,
    ),
    (
        "chronology.export.xlsx.named",
        "Downloaded the integrated chronology (Excel, with real names)",
        Downloaded,
    ),
    // Learning points and action plans.
    (
        "learning_point.create",
        "Added a learning point",
        ActionPlans,
    ),
    (
        "learning_point.update",
        "Changed a learning point",
        ActionPlans,
    ),
    (
        "learning_point.refer",
        "Referred a learning point to a committee",
        ActionPlans,
    ),
    (
        "recommendation.create",
        "Added a recommendation",
        ActionPlans,
    ),
    ("action.create", "Added an action", ActionPlans),
    ("action.update", "Changed an action", ActionPlans),
    (
        "action.progress",
        "Added a progress update to an action",
        ActionPlans,
    ),
    (
        "action.rag",
        "Set an action's RAG rating by hand",
        ActionPlans,
    ),
    (
        "action.refer",
        "Referred an action to a committee",
        ActionPlans,
    ),
    ("action.read", "Opened an action", Viewed),
    ("action.list", "Looked at a list of actions", Viewed),
    (
        "action.statistics",
        "Looked at the action plan's charts",
        Viewed,
    ),
    (
        "actions.export.csv",
        "Downloaded the action plan (CSV)",
        Downloaded,
    ),
    (
        "actions.export.xlsx",
        "Downloaded the action plan (Excel)",
        Downloaded,
    ),
    // Learning summaries.
    ("learning_summary.read", "Opened a learning summary", Viewed),
    (
        "learning_summary.diff",
        "Compared versions of a learning summary",
        Viewed,
    ),
    (
        "learning_summary.start",
        "Started a learning summary",
        Summaries,
    ),
    (
        "learning_summary.field.save",
        "Saved a section of a learning summary",
        Summaries,
    ),
    (
        "learning_summary.comment",
        "Commented on a learning summary",
        Summaries,
    ),
    (
        "learning_summary.submit",
        "Submitted a learning summary for review",
        Summaries,
    ),
    (
        "learning_summary.approve",
        "Approved a learning summary",
        Summaries,
    ),
    (
        "learning_summary.publish",
        "Published a learning summary",
        Summaries,
    ),
    (
        "learning_summary.return_to_draft",
        "Returned a learning summary to draft",
        Summaries,
    ),
    (
        "learning_summary.withdraw",
        "Withdrew a learning summary from publication",
        Summaries,
    ),
    (
        "learning_summary.report.upload",
        "Uploaded a learning summary's final report",
        Summaries,
    ),
    (
        "learning_summary.export.docx",
        "Downloaded a learning summary (Word)",
        Downloaded,
    ),
    (
        "learning_summary.export.pptx",
        "Downloaded a learning summary's workshop slides (PowerPoint)",
        Downloaded,
    ),
    // Retention.
    (
        "retention.rules_update",
        "Changed how long records are kept",
        Retention,
    ),
    (
        "retention.review_deleted",
        "Deleted a review at the end of its retention period",
        Retention,
    ),
    (
        "retention.chronology_deleted",
        "Deleted a review's chronology at the end of its retention period",
        Retention,
    ),
    (
        "retention.purge",
        "Deleted expired records (retention run)",
        Retention,
    ),
    (
        "review.legal_hold_set",
        "Put a review under a legal hold",
        Retention,
    ),
    (
        "review.legal_hold_lifted",
        "Lifted a review's legal hold",
        Retention,
    ),
    // The performance dataset.
    (
        "indicator.create",
        "Added a performance indicator",
        Performance,
    ),
    (
        "indicator.update",
        "Changed a performance indicator",
        Performance,
    ),
    (
        "indicator.value_recorded",
        "Recorded a value of a performance indicator",
        Performance,
    ),
    (
        "indicator.values_imported",
        "Imported values of a performance indicator from a file",
        Performance,
    ),
    (
        "indicator.action.plan",
        "Planned an action from a hot spot of the performance dataset",
        Performance,
    ),
    // Child death review learning.
    (
        "child_death_review.list",
        "Looked at a year's child death review records",
        Viewed,
    ),
    (
        "child_death_review.create",
        "Recorded a child death review",
        Reviews,
    ),
    (
        "child_death_review.update",
        "Changed a child death review record",
        Reviews,
    ),
    (
        "child_death_review.delete",
        "Deleted a child death review record",
        Reviews,
    ),
    (
        "child_death_review.action.plan",
        "Planned an action from a child death review's learning",
        Reviews,
    ),
    // Training and dissemination.
    (
        "learning_event.create",
        "Recorded a learning event",
        Training,
    ),
    (
        "learning_event.update",
        "Changed a learning event",
        Training,
    ),
    (
        "learning_event.delete",
        "Deleted a learning event",
        Training,
    ),
    (
        "learning_event.feedback",
        "Gave feedback on a learning event",
        Training,
    ),
    (
        "learning_event.evidence_linked",
        "Pointed an action's evidence of impact at a learning event",
        ActionPlans,
    ),
    (
        "learning_event.evidence_unlinked",
        "Stopped an action's evidence of impact pointing at a learning event",
        ActionPlans,
    ),
    // The platform itself.
    ("demo.seed", "Loaded the demo partnership", Other),
];

/// The object types audit rows name, and what people call them.
pub const OBJECT_TYPES: &[(&str, &str)] = &[
    ("review", "Review"),
    ("user", "Person"),
    ("agency", "Agency"),
    ("session", "Sign-in"),
    ("api_token", "API token"),
    ("sign_in_provider", "Sign-in provider"),
    ("settings", "Settings"),
    ("partnership", "Partnership"),
    ("chronology_return", "Chronology return"),
    ("chronology_entry", "Chronology entry"),
    ("anonymisation_dismissal", "Dismissed name check"),
    ("learning_point", "Learning point"),
    ("recommendation", "Recommendation"),
    ("action", "Action"),
    ("learning_summary", "Learning summary"),
    ("retention_rule", "Retention rules"),
    ("retention_run", "Retention run"),
    ("indicator", "Performance indicator"),
    ("child_death_review", "Child death review record"),
    ("learning_event", "Learning event"),
    ("single_agency_audit", "Single-agency audit"),
    ("qa_report", "QA impact report"),
    ("qa_report_year", "QA impact reports of a year"),
    ("annual_report", "Annual report"),
    ("audit_theme", "Theme of the audit programme"),
];

fn known(action: &str) -> Option<&'static (&'static str, &'static str, AuditEventKind)> {
    ACTIONS.iter().find(|(code, _, _)| *code == action)
}

/// A code in words: `"sign_in_provider.created"` → `"Sign in provider created"`.
fn code_in_words(code: &str) -> String {
    let words = code
        .split(['.', '_', '-'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What happened, in words. An action the table does not know reads as its code in words,
/// with the object it was done to: `"Test read (review)"`.
pub fn describe_action(action: &str, object_type: &str) -> Cow<'static, str> {
    if let Some((_, words, _)) = known(action) {
        return Cow::Borrowed(words);
    }
    let words = code_in_words(action);
    let words = if words.is_empty() {
        "Something happened".to_string()
    } else {
        words
    };
    let object = describe_object_type(object_type).to_lowercase();
    if object.is_empty() {
        Cow::Owned(words)
    } else {
        Cow::Owned(format!("{words} ({object})"))
    }
}

/// The kind of event an action is; [`AuditEventKind::Other`] for a code the table does not
/// know.
pub fn kind_of(action: &str) -> AuditEventKind {
    known(action).map_or(Other, |(_, _, kind)| *kind)
}

/// Every known action code of a kind (for a database filter; [`AuditEventKind::Other`] also
/// takes in every code the table does not know, which a filter must add itself).
pub fn actions_of(kind: AuditEventKind) -> impl Iterator<Item = &'static str> {
    ACTIONS
        .iter()
        .filter(move |(_, _, k)| *k == kind)
        .map(|(code, _, _)| *code)
}

/// What an object type is called: `"chronology_entry"` → `"Chronology entry"`; an unknown
/// type reads as its code in words.
pub fn describe_object_type(object_type: &str) -> Cow<'static, str> {
    match OBJECT_TYPES.iter().find(|(code, _)| *code == object_type) {
        Some((_, words)) => Cow::Borrowed(words),
        None => Cow::Owned(code_in_words(object_type)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_code_is_listed_once_with_words() {
        let mut seen = HashSet::new();
        for (code, words, _) in ACTIONS {
            assert!(seen.insert(*code), "{code} listed twice");
            assert!(!words.is_empty() && words.len() < 90, "{code}: {words}");
            assert!(
                words.chars().next().is_some_and(char::is_uppercase),
                "{code}: {words}"
            );
            assert!(
                !words.contains('_') && !words.contains(*code),
                "{code}: {words}"
            );
        }
        let mut types = HashSet::new();
        for (code, words) in OBJECT_TYPES {
            assert!(types.insert(*code), "{code} listed twice");
            assert!(!words.is_empty());
        }
    }

    #[test]
    fn known_actions_read_as_words() {
        assert_eq!(
            describe_action("review.list", "review"),
            "Looked at the list of reviews"
        );
        assert_eq!(describe_action("sign_in", "user"), "Signed in");
        assert_eq!(kind_of("review.read"), Viewed);
        assert_eq!(kind_of("chronology.export.xlsx.named"), Downloaded);
        assert_eq!(kind_of("learning_summary.approve"), Summaries);
    }

    #[test]
    fn unknown_actions_still_read_sensibly() {
        assert_eq!(describe_action("test.read", "review"), "Test read (review)");
        assert_eq!(
            describe_action("widget.frobnicated", "widget_part"),
            "Widget frobnicated (widget part)"
        );
        assert_eq!(describe_action("", ""), "Something happened");
        assert_eq!(kind_of("test.read"), Other);
        assert_eq!(describe_object_type("chronology_entry"), "Chronology entry");
        assert_eq!(describe_object_type("new_thing"), "New thing");
    }

    #[test]
    fn every_kind_but_other_has_actions_and_every_action_one_kind() {
        for kind in AuditEventKind::ALL {
            if *kind != Other {
                assert!(
                    actions_of(*kind).next().is_some(),
                    "{kind:?} has no actions"
                );
            }
        }
        let total: usize = AuditEventKind::ALL
            .iter()
            .map(|k| actions_of(*k).count())
            .sum();
        assert_eq!(total, ACTIONS.len());
    }
}
