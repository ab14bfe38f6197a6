//! The one authorization mechanism every GraphQL request goes through, deny by default.
//!
//! Each field of the schema has an entry here. The root types are wrapped in [`Authorized`],
//! which checks each root field's entry before it resolves: a root field with no entry is
//! refused, so a new query or mutation cannot be exposed by accident. Every other field is
//! `Inherited`, and the schema tests fail when one has no entry. Entries say
//! who may call the field at all; rules that depend on the object (membership of a review,
//! one's own agency) are applied by the services with the pure rules of `shared::auth`, and
//! an object the caller may not see answers exactly like a missing one.

use crate::api_tokens::Bearer;
use crate::context::RequestContext;
use crate::error::AppError;
use async_graphql::parser::types::Field;
use async_graphql::registry::Registry;
use async_graphql::resolver_utils::{resolve_container, ContainerType};
use async_graphql::{
    Context, ContextSelectionSet, ObjectType, OutputType, Positioned, Response, ServerError,
    ServerResult, SubscriptionType, Value,
};
use futures_util::Stream;
use shared::auth::Role;
use std::borrow::Cow;
use std::collections::HashMap;
use std::pin::Pin;
use std::sync::OnceLock;

/// Who may resolve a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in person.
    SignedIn,
    /// A signed-in person holding one of these roles.
    AnyRole(&'static [Role]),
    /// A field of an object the caller was already allowed to obtain.
    Inherited,
}

const OFFICE: &[Role] = &[Role::BusinessOffice];
const CHAIR: &[Role] = &[Role::IndependentChair];
const OFFICE_OR_CHAIR: &[Role] = &[Role::BusinessOffice, Role::IndependentChair];
const OFFICE_OR_LEAD: &[Role] = &[Role::BusinessOffice, Role::AgencyLead];
/// Everyone who may read case-specific action plans, and agencies' Section 11
/// self-assessments (practitioners read neither).
const PLAN_READERS: &[Role] = &[
    Role::BusinessOffice,
    Role::IndependentChair,
    Role::AgencyLead,
    Role::AgencyRepresentative,
];
/// The people of an agency who keep its actions up to date.
const AGENCY_STAFF: &[Role] = &[Role::AgencyLead, Role::AgencyRepresentative];
const OFFICE_OR_AGENCY_STAFF: &[Role] = &[
    Role::BusinessOffice,
    Role::AgencyLead,
    Role::AgencyRepresentative,
];

/// The only root fields a request made with an agency API token may resolve (the services
/// keep it to its agency's actions); every other field, even a public one, is FORBIDDEN.
const TOKEN_ROOT: &[(&str, &str)] = &[
    ("Query", "actions"),
    ("Query", "action"),
    ("Query", "myAgencyActions"),
    ("Mutation", "addActionUpdate"),
];

/// Root fields: (type, field, access).
const ROOT: &[(&str, &str, Access)] = &[
    ("Query", "me", Access::Public),
    // Which build answers (also on /healthz): for signed-in people, shown in the footer.
    ("Query", "build", Access::SignedIn),
    ("Query", "agencies", Access::SignedIn),
    ("Query", "agency", Access::SignedIn),
    ("Query", "agencyColourCheck", Access::AnyRole(OFFICE)),
    ("Query", "users", Access::AnyRole(OFFICE)),
    ("Query", "user", Access::AnyRole(OFFICE)),
    ("Query", "regimes", Access::SignedIn),
    ("Query", "reviews", Access::SignedIn),
    ("Query", "review", Access::SignedIn),
    ("Query", "dashboard", Access::SignedIn),
    ("Query", "themes", Access::SignedIn),
    ("Query", "auditLog", Access::AnyRole(OFFICE)),
    ("Query", "verifyAuditLog", Access::AnyRole(OFFICE)),
    // The service applies `shared::chronology::access` to the entry's return and review.
    ("Query", "chronologyEntry", Access::SignedIn),
    // The empty template: the same for everyone signed in.
    ("Query", "chronologyTemplate", Access::SignedIn),
    // Action plans: the service applies `shared::actions::access` to the review and the
    // owner agency (who sees which action, who writes the plan).
    ("Query", "actions", Access::AnyRole(PLAN_READERS)),
    // The same visibility and filters as `actions`, as a file.
    ("Query", "actionsExport", Access::AnyRole(PLAN_READERS)),
    // The same visibility and filters as `actions`, counted.
    ("Query", "actionStatistics", Access::AnyRole(PLAN_READERS)),
    ("Query", "action", Access::AnyRole(PLAN_READERS)),
    ("Query", "myAgencyActions", Access::AnyRole(AGENCY_STAFF)),
    ("Query", "committees", Access::SignedIn),
    // One's own notifications only (the service filters by the caller).
    ("Query", "myNotifications", Access::SignedIn),
    // One's own work only: each item is kept for the caller by its feature's access rules.
    ("Query", "whatNeedsMe", Access::SignedIn),
    // The whole partnership's open work, counted: the board only.
    (
        "Query",
        "partnershipAtAGlance",
        Access::AnyRole(OFFICE_OR_CHAIR),
    ),
    // Referred items are filtered to what the caller may see.
    ("Query", "committee", Access::SignedIn),
    ("Mutation", "signIn", Access::Public),
    ("Query", "apiTokens", Access::AnyRole(OFFICE)),
    ("Mutation", "createApiToken", Access::AnyRole(OFFICE)),
    ("Mutation", "revokeApiToken", Access::AnyRole(OFFICE)),
    // One's own notification only; another's is NOT_FOUND.
    ("Mutation", "markNotificationRead", Access::SignedIn),
    ("Mutation", "askForReturns", Access::AnyRole(OFFICE)),
    // Section 11: the service keeps to the assessments the caller may read
    // (`shared::section11::reads`) and lets agency leads write their own agency's only.
    ("Query", "section11Years", Access::AnyRole(PLAN_READERS)),
    ("Query", "section11", Access::AnyRole(PLAN_READERS)),
    ("Query", "section11Export", Access::AnyRole(PLAN_READERS)),
    ("Query", "section11Report", Access::AnyRole(PLAN_READERS)),
    (
        "Query",
        "section11Assessment",
        Access::AnyRole(PLAN_READERS),
    ),
    ("Mutation", "setSection11Standards", Access::AnyRole(OFFICE)),
    ("Mutation", "openSection11Year", Access::AnyRole(OFFICE)),
    (
        "Mutation",
        "saveSection11Answer",
        Access::AnyRole(OFFICE_OR_LEAD),
    ),
    (
        "Mutation",
        "submitSection11Assessment",
        Access::AnyRole(OFFICE_OR_LEAD),
    ),
    (
        "Mutation",
        "planSection11Action",
        Access::AnyRole(OFFICE_OR_LEAD),
    ),
    ("Mutation", "askSection11Challenge", Access::AnyRole(OFFICE)),
    (
        "Mutation",
        "withdrawSection11Challenge",
        Access::AnyRole(OFFICE),
    ),
    (
        "Mutation",
        "respondToSection11Challenge",
        Access::AnyRole(OFFICE_OR_LEAD),
    ),
    (
        "Mutation",
        "decideSection11Assessment",
        Access::AnyRole(OFFICE),
    ),
    // Agencies' QA work: the service keeps to the agencies the caller may read
    // (`shared::qa_reports::reads`) and lets agency leads keep their own agency's only.
    ("Query", "singleAgencyAudits", Access::AnyRole(PLAN_READERS)),
    ("Query", "qaReportYears", Access::AnyRole(PLAN_READERS)),
    ("Query", "qaReportYear", Access::AnyRole(PLAN_READERS)),
    ("Query", "qaReport", Access::AnyRole(PLAN_READERS)),
    (
        "Mutation",
        "recordSingleAgencyAudit",
        Access::AnyRole(OFFICE_OR_LEAD),
    ),
    (
        "Mutation",
        "updateSingleAgencyAudit",
        Access::AnyRole(OFFICE_OR_LEAD),
    ),
    (
        "Mutation",
        "deleteSingleAgencyAudit",
        Access::AnyRole(OFFICE_OR_LEAD),
    ),
    ("Mutation", "setQaReportSections", Access::AnyRole(OFFICE)),
    ("Mutation", "askForQaReports", Access::AnyRole(OFFICE)),
    (
        "Mutation",
        "saveQaReportAnswer",
        Access::AnyRole(OFFICE_OR_LEAD),
    ),
    (
        "Mutation",
        "submitQaReport",
        Access::AnyRole(OFFICE_OR_LEAD),
    ),
    ("Mutation", "decideQaReport", Access::AnyRole(OFFICE)),
    // Multi-agency case audits: the programme and the pool are read by those who read
    // action plans and kept by the office; an audit is a review's (the service applies
    // `shared::chronology::access`: collators set it up and read every agency's grades,
    // those who keep an agency's return grade for it).
    (
        "Query",
        "auditProgrammeYears",
        Access::AnyRole(PLAN_READERS),
    ),
    ("Query", "auditProgramme", Access::AnyRole(PLAN_READERS)),
    ("Query", "auditPool", Access::AnyRole(PLAN_READERS)),
    ("Query", "auditThemeHeatmap", Access::AnyRole(PLAN_READERS)),
    ("Query", "auditTool", Access::SignedIn),
    ("Query", "caseAudit", Access::SignedIn),
    ("Mutation", "recordAuditTheme", Access::AnyRole(OFFICE)),
    ("Mutation", "updateAuditTheme", Access::AnyRole(OFFICE)),
    (
        "Mutation",
        "proposeAuditThemeFromIndicator",
        Access::AnyRole(OFFICE),
    ),
    ("Mutation", "deleteAuditTheme", Access::AnyRole(OFFICE)),
    ("Mutation", "addToAuditPool", Access::AnyRole(OFFICE)),
    ("Mutation", "removeFromAuditPool", Access::AnyRole(OFFICE)),
    ("Mutation", "setCaseAudit", Access::SignedIn),
    ("Mutation", "recordAuditCase", Access::SignedIn),
    ("Mutation", "updateAuditCase", Access::SignedIn),
    ("Mutation", "deleteAuditCase", Access::SignedIn),
    ("Mutation", "saveAuditGrade", Access::SignedIn),
    ("Mutation", "saveAuditMeeting", Access::SignedIn),
    ("Query", "caseAuditReport", Access::SignedIn),
    ("Query", "caseAuditExport", Access::SignedIn),
    // Distribution lists and sending published learning summaries: the office.
    ("Query", "distributionLists", Access::AnyRole(OFFICE)),
    ("Query", "learningSummarySendings", Access::AnyRole(OFFICE)),
    (
        "Mutation",
        "createDistributionList",
        Access::AnyRole(OFFICE),
    ),
    (
        "Mutation",
        "updateDistributionList",
        Access::AnyRole(OFFICE),
    ),
    (
        "Mutation",
        "deleteDistributionList",
        Access::AnyRole(OFFICE),
    ),
    ("Mutation", "sendLearningSummary", Access::AnyRole(OFFICE)),
    // The annual report: the board reads it; the office writes its narrative.
    (
        "Query",
        "annualReportNarrative",
        Access::AnyRole(OFFICE_OR_CHAIR),
    ),
    ("Query", "annualReport", Access::AnyRole(OFFICE_OR_CHAIR)),
    (
        "Mutation",
        "setAnnualReportNarrative",
        Access::AnyRole(OFFICE),
    ),
    ("Mutation", "signOut", Access::Public),
    // Answers the same whether or not the address has an account; links are rate-limited.
    ("Mutation", "requestPasswordReset", Access::Public),
    // The link's secret is the credential.
    ("Mutation", "resetPassword", Access::Public),
    ("Mutation", "setUserPassword", Access::AnyRole(OFFICE)),
    ("Mutation", "createAgency", Access::AnyRole(OFFICE)),
    ("Mutation", "updateAgency", Access::AnyRole(OFFICE)),
    (
        "Mutation",
        "setQaMechanisms",
        Access::AnyRole(OFFICE_OR_LEAD),
    ),
    ("Mutation", "createUser", Access::AnyRole(OFFICE)),
    ("Mutation", "updateUser", Access::AnyRole(OFFICE)),
    ("Mutation", "createReview", Access::AnyRole(OFFICE)),
    ("Mutation", "updateReview", Access::AnyRole(OFFICE)),
    (
        "Mutation",
        "recordThresholdDecision",
        Access::AnyRole(CHAIR),
    ),
    (
        "Mutation",
        "recordPanelNotification",
        Access::AnyRole(OFFICE_OR_CHAIR),
    ),
    ("Mutation", "recordReviewEvent", Access::AnyRole(OFFICE)),
    // Chronology: who keeps which return, and who collates, depends on the review and the
    // agency, so the service applies `shared::chronology::access` to the objects.
    ("Mutation", "addChronologyEntry", Access::SignedIn),
    ("Mutation", "updateChronologyEntry", Access::SignedIn),
    ("Mutation", "deleteChronologyEntry", Access::SignedIn),
    ("Mutation", "previewChronologyImport", Access::SignedIn),
    ("Mutation", "confirmChronologyImport", Access::SignedIn),
    ("Mutation", "startChronologyImport", Access::SignedIn),
    ("Query", "chronologyImportJob", Access::SignedIn),
    ("Mutation", "submitChronologyReturn", Access::SignedIn),
    (
        "Mutation",
        "reopenChronologyReturn",
        Access::AnyRole(OFFICE),
    ),
    ("Mutation", "decideDuplicateGroup", Access::SignedIn),
    ("Mutation", "annotateEntry", Access::SignedIn),
    ("Mutation", "answerQuestion", Access::SignedIn),
    (
        "Mutation",
        "shareIntegratedChronology",
        Access::AnyRole(OFFICE),
    ),
    ("Mutation", "setChronologySettings", Access::SignedIn),
    ("Mutation", "addGlossaryTerm", Access::SignedIn),
    ("Mutation", "removeGlossaryTerm", Access::SignedIn),
    ("Mutation", "dismissAnonymisationSuspect", Access::SignedIn),
    // Action plans: the business office or the review's lead reviewers write them.
    ("Mutation", "createLearningPoint", Access::SignedIn),
    ("Mutation", "updateLearningPoint", Access::SignedIn),
    ("Mutation", "addRecommendation", Access::SignedIn),
    ("Mutation", "createAction", Access::SignedIn),
    ("Mutation", "updateAction", Access::SignedIn),
    ("Mutation", "referToCommittee", Access::SignedIn),
    // The owner agency's lead or representative, or the business office.
    (
        "Mutation",
        "addActionUpdate",
        Access::AnyRole(OFFICE_OR_AGENCY_STAFF),
    ),
    ("Mutation", "setActionRag", Access::AnyRole(OFFICE)),
    // Learning summaries: the service applies `shared::actions::access::reads_plan` to read
    // and comment (a review the caller may not see is NOT_FOUND), and `shared::summary`'s
    // rules to write (the authors: the business office and the review's lead reviewers),
    // move (the chair approves) and publish (the business office).
    ("Query", "learningSummary", Access::SignedIn),
    ("Query", "summaryFieldDiff", Access::SignedIn),
    ("Query", "learningSummaryExport", Access::SignedIn),
    // Pure: Markdown in, safe HTML out.
    ("Query", "previewMarkdown", Access::SignedIn),
    ("Mutation", "startLearningSummary", Access::SignedIn),
    ("Mutation", "saveSummaryField", Access::SignedIn),
    ("Mutation", "commentOnSummaryField", Access::SignedIn),
    ("Mutation", "moveLearningSummary", Access::SignedIn),
    (
        "Mutation",
        "publishLearningSummary",
        Access::AnyRole(OFFICE),
    ),
    // The summary's authors (the business office, the review's lead reviewers), by
    // `shared::summary::authors` in the service.
    ("Mutation", "uploadFinalReport", Access::SignedIn),
    // The public pages: published summaries only, through an allowlist type
    // (`PublishedSummary`) that names no person and holds no glossary, comment or history.
    ("Query", "publishedSummaries", Access::Public),
    ("Query", "publishedSummary", Access::Public),
    // The learning library: anonymised, published learning, for every signed-in person
    // (practitioners included).
    ("Query", "librarySearch", Access::SignedIn),
    // The service checks the review is visible before the stream starts.
    ("Subscription", "reviewChanged", Access::SignedIn),
    (
        "Subscription",
        "chronologyImportJobChanged",
        Access::SignedIn,
    ),
    ("Subscription", "actionChanged", Access::SignedIn),
    // Retention and legal holds: the business office only.
    ("Query", "retentionRules", Access::AnyRole(OFFICE)),
    ("Query", "retentionPreview", Access::AnyRole(OFFICE)),
    ("Query", "retentionRuns", Access::AnyRole(OFFICE)),
    ("Mutation", "setRetentionRules", Access::AnyRole(OFFICE)),
    ("Mutation", "runRetention", Access::AnyRole(OFFICE)),
    // Two-step verification. The second step of signing in and setting up an app are
    // public here because a pending sign-in is not signed in: the service lets through
    // only the session's own pending sign-in (or, to set up, a signed-in person).
    ("Query", "pendingSignIn", Access::Public),
    ("Mutation", "completeSignIn", Access::Public),
    ("Mutation", "startSecondFactorEnrolment", Access::Public),
    ("Mutation", "confirmSecondFactorEnrolment", Access::Public),
    ("Query", "secondFactor", Access::SignedIn),
    ("Mutation", "disableSecondFactor", Access::SignedIn),
    ("Mutation", "regenerateRecoveryCodes", Access::SignedIn),
    ("Query", "secondFactorRoles", Access::AnyRole(OFFICE)),
    ("Mutation", "setSecondFactorRoles", Access::AnyRole(OFFICE)),
    ("Mutation", "resetSecondFactor", Access::AnyRole(OFFICE)),
    ("Mutation", "setLegalHold", Access::AnyRole(OFFICE)),
    ("Mutation", "liftLegalHold", Access::AnyRole(OFFICE)),
    // Subject access: the business office only (the service checks again).
    ("Mutation", "exportSubjectAccess", Access::AnyRole(OFFICE)),
    // Single sign-on: anyone asks how to sign in; the business office keeps the providers.
    ("Query", "signInOptions", Access::Public),
    ("Query", "signInProviders", Access::AnyRole(OFFICE)),
    ("Mutation", "createSignInProvider", Access::AnyRole(OFFICE)),
    ("Mutation", "updateSignInProvider", Access::AnyRole(OFFICE)),
    ("Mutation", "deleteSignInProvider", Access::AnyRole(OFFICE)),
    // The performance dataset: everyone signed in reads it; the business office keeps the
    // indicators; values are recorded by the office or, for its own agency's indicators,
    // an agency lead (the service checks the indicator's agency).
    ("Query", "indicators", Access::SignedIn),
    ("Query", "indicator", Access::SignedIn),
    ("Mutation", "createIndicator", Access::AnyRole(OFFICE)),
    ("Mutation", "updateIndicator", Access::AnyRole(OFFICE)),
    (
        "Mutation",
        "recordIndicatorValue",
        Access::AnyRole(OFFICE_OR_LEAD),
    ),
    // A file of values: the service checks each row's indicator as for one value.
    (
        "Mutation",
        "importIndicatorValues",
        Access::AnyRole(OFFICE_OR_LEAD),
    ),
    // A hot spot's actions join the action plan; the office plans them.
    ("Mutation", "planHotSpotAction", Access::AnyRole(OFFICE)),
    // Child death review learning: the business office records; the office and the
    // independent chair read (records of children who died, pseudonymised).
    ("Query", "childDeathYear", Access::AnyRole(OFFICE_OR_CHAIR)),
    ("Query", "childDeathYears", Access::AnyRole(OFFICE_OR_CHAIR)),
    (
        "Mutation",
        "recordChildDeathReview",
        Access::AnyRole(OFFICE),
    ),
    ("Mutation", "planChildDeathAction", Access::AnyRole(OFFICE)),
    (
        "Mutation",
        "updateChildDeathReview",
        Access::AnyRole(OFFICE),
    ),
    (
        "Mutation",
        "deleteChildDeathReview",
        Access::AnyRole(OFFICE),
    ), // Training and dissemination: everyone signed in reads learning events (an event shows
    // only the reviews the reader may see; comments only to the office and the chair) and
    // gives feedback on one held; the business office records them.
    ("Query", "learningEvents", Access::SignedIn),
    ("Query", "learningEvent", Access::SignedIn),
    ("Mutation", "recordLearningEvent", Access::AnyRole(OFFICE)),
    ("Mutation", "updateLearningEvent", Access::AnyRole(OFFICE)),
    ("Mutation", "deleteLearningEvent", Access::AnyRole(OFFICE)),
    ("Mutation", "giveLearningEventFeedback", Access::SignedIn),
    // The service checks the action: its owner agency's lead or representative, or the
    // office (as for a progress update).
    (
        "Mutation",
        "setLearningEventEvidence",
        Access::AnyRole(OFFICE_OR_AGENCY_STAFF),
    ),
];

/// Object types whose fields are readable by whoever obtained the object: (type, fields).
const OBJECTS: &[(&str, &[&str])] = &[
    ("Build", &["version", "commit"]),
    (
        "ChildDeathReview",
        &[
            "id",
            "caseNumber",
            "ageBand",
            "ageBandLabel",
            "category",
            "categoryLabel",
            "modifiability",
            "modifiabilityLabel",
            "modifiableFactors",
            "learning",
            "panelDate",
            "reportingYear",
            "recordedBy",
            "version",
            "updatedAt",
            "actions",
        ],
    ),
    (
        "LearningEvent",
        &[
            "id",
            "title",
            "kind",
            "kindLabel",
            "heldOn",
            "audience",
            "reviews",
            "nationalLearning",
            "attendance",
            "attended",
            "feedback",
            "takesFeedback",
            "myFeedback",
            "recordedBy",
            "version",
            "updatedAt",
        ],
    ),
    (
        "LearningEventReview",
        &["id", "reference", "kind", "kindLabel", "subject"],
    ),
    (
        "LearningEventAttendance",
        &["agencyId", "agencyName", "attended"],
    ),
    ("LearningEventScoreCount", &["score", "label", "responses"]),
    (
        "LearningEventFeedback",
        &[
            "responses",
            "meanScore",
            "usefulPercent",
            "byScore",
            "comments",
        ],
    ),
    ("MyLearningEventFeedback", &["score", "comment"]),
    ("ChildDeathCount", &["count", "suppressed", "published"]),
    (
        "ChildDeathCategoryCount",
        &["category", "label", "deaths", "modifiable"],
    ),
    ("ChildDeathAgeBandCount", &["ageBand", "label", "deaths"]),
    (
        "ChildDeathModifiabilityCount",
        &["modifiability", "label", "deaths"],
    ),
    (
        "ChildDeathYear",
        &[
            "year",
            "label",
            "total",
            "byCategory",
            "byAgeBand",
            "byModifiability",
            "reviews",
        ],
    ),
    (
        "IndicatorValuesImport",
        &["added", "replaced", "indicators"],
    ),
    (
        "Indicator",
        &[
            "id",
            "name",
            "definition",
            "unit",
            "direction",
            "directionLabel",
            "target",
            "period",
            "periodLabel",
            "agencyId",
            "agencyName",
            "baselineFrom",
            "baselineTo",
            "shiftRun",
            "trendRun",
            "version",
            "updatedAt",
            "values",
            "latest",
            "chart",
            "canRecord",
            "canEdit",
            "actions",
        ],
    ),
    (
        "IndicatorValue",
        &["period", "periodLabel", "value", "suppliedBy", "suppliedAt"],
    ),
    (
        "SpcChart",
        &[
            "mean",
            "meanMovingRange",
            "upperLimit",
            "lowerLimit",
            "upperNear",
            "lowerNear",
            "baselinePoints",
            "target",
            "points",
            "variation",
            "variationLabel",
            "assurance",
            "assuranceLabel",
            "hotSpot",
        ],
    ),
    (
        "SpcPoint",
        &[
            "period",
            "periodLabel",
            "value",
            "inBaseline",
            "specialCauses",
            "variation",
            "variationLabel",
        ],
    ),
    (
        "User",
        &[
            "id",
            "email",
            "displayName",
            "agency",
            "roles",
            "active",
            "secondFactorEnrolled",
        ],
    ),
    ("PendingSignIn", &["step", "expiresAt", "minutes"]),
    (
        "SecondFactorStatus",
        &["enrolled", "enrolledAt", "recoveryCodesLeft", "required"],
    ),
    (
        "SecondFactorEnrolment",
        &["secret", "otpauthUri", "qrCodeSvg"],
    ),
    ("SecondFactorConfirmation", &["recoveryCodes", "signedIn"]),
    ("QaMechanism", &["id", "text", "lastUpdated"]),
    (
        "Agency",
        &[
            "id",
            "name",
            "kind",
            "kindLabel",
            "prefix",
            "colour",
            "active",
            "qaMechanisms",
            "qaLastUpdated",
        ],
    ),
    ("ColourCheck", &["colour", "tooCloseTo", "suggestion"]),
    ("Regime", &["id", "code", "name", "description"]),
    (
        "Milestone",
        &[
            "code",
            "label",
            "rule",
            "dueOn",
            "metOn",
            "state",
            "late",
            "waitingFor",
        ],
    ),
    ("ReviewMember", &["user", "role"]),
    (
        "Review",
        &[
            "id",
            "reference",
            "kind",
            "kindLabel",
            "subject",
            "themes",
            "methodology",
            "methodologyLabel",
            "methodologyDetail",
            "incidentMonth",
            "incidentYear",
            "regime",
            "awareOn",
            "notifiedOn",
            "decision",
            "decisionJustification",
            "decidedOn",
            "decidedBy",
            "panelNotifiedOn",
            "panelLeadReviewerNames",
            "completedOn",
            "publishedOn",
            "returnsDueOn",
            "milestones",
            "nextMilestone",
            "agencies",
            "members",
            "version",
            "createdAt",
            "updatedAt",
            "chronologyReturns",
            "myChronologyReturn",
            "auditCases",
            "integratedChronology",
            "chronologyExport",
            "anonymisationSuspects",
            "glossary",
            "viewers",
            "learningPoints",
            "learningSummary",
            "legalHold",
            "legalHolds",
            "retention",
        ],
    ),
    (
        "ChronologyEntry",
        &[
            "id",
            "agency",
            "seq",
            "startDate",
            "startOn",
            "precision",
            "uncertain",
            "startTime",
            "endDate",
            "endTime",
            "source",
            "eventType",
            "event",
            "actionTaken",
            "sharedWith",
            "practitionerComment",
            "note",
            "caseId",
            "version",
            "updatedAt",
            "history",
        ],
    ),
    (
        "EntryVersion",
        &[
            "version",
            "change",
            "changedAt",
            "changedBy",
            "seq",
            "startDate",
            "startTime",
            "endDate",
            "endTime",
            "source",
            "eventType",
            "event",
            "actionTaken",
            "sharedWith",
            "practitionerComment",
            "caseId",
        ],
    ),
    ("ExportFile", &["fileName", "mediaType", "contentBase64"]),
    (
        "GlossaryTerm",
        &["id", "realText", "replacement", "createdAt"],
    ),
    (
        "AnonymisationSuspect",
        &[
            "text",
            "kind",
            "count",
            "excerpt",
            "entryId",
            "entryReference",
        ],
    ),
    ("AnonymisationSuspects", &["suspects", "total"]),
    ("Viewer", &["userId", "name", "agencyPrefix"]),
    (
        "ChronologyReturn",
        &[
            "id",
            "agency",
            "status",
            "submittedAt",
            "entryCount",
            "entries",
        ],
    ),
    ("ImportProblem", &["row", "column", "message"]),
    (
        "ChronologyImportJob",
        &[
            "id",
            "returnId",
            "fileName",
            "status",
            "rowsTotal",
            "rowsStored",
            "errorCode",
            "errorMessage",
            "startedAt",
            "finishedAt",
        ],
    ),
    (
        "ImportPreview",
        &[
            "ok",
            "entries",
            "problems",
            "replacesEntries",
            "replacesTypedEntries",
        ],
    ),
    (
        "ImportPreviewRow",
        &[
            "row",
            "seq",
            "startDate",
            "startTime",
            "endDate",
            "endTime",
            "actionTaken",
            "practitionerComment",
            "source",
            "eventType",
            "event",
            "sharedWith",
            "note",
            "caseId",
        ],
    ),
    (
        "Annotation",
        &[
            "id",
            "kind",
            "text",
            "authorName",
            "authorAgencyPrefix",
            "createdAt",
            "answersId",
            "answers",
        ],
    ),
    ("EntryAnnotations", &["entryId", "annotations"]),
    (
        "DuplicateGroup",
        &[
            "key",
            "entries",
            "decision",
            "evidence",
            "score",
            "probability",
        ],
    ),
    (
        "SharingFlag",
        &["entry", "with", "confirmed", "confirmedBy", "why"],
    ),
    ("ChronologyGap", &["after", "before", "days"]),
    (
        "IntegratedChanges",
        &["entries", "removed", "duplicateGroups", "sharing", "gaps"],
    ),
    ("PlacedEntry", &["position", "entry"]),
    ("ReviewChange", &["reviewId", "kind", "objectId", "actorId"]),
    ("ActionChange", &["actionId", "reviewId", "kind"]),
    (
        "IntegratedChronology",
        &[
            "entries",
            "entryCount",
            "version",
            "changesSince",
            "caseId",
            "caseLabel",
            "duplicateGroups",
            "sharing",
            "gaps",
            "annotations",
            "sharingToleranceDays",
            "gapThresholdDays",
            "sharedAt",
        ],
    ),
    (
        "AuditEntry",
        &[
            "id",
            "at",
            "actorId",
            "actorName",
            "agencyPrefix",
            "role",
            "action",
            "description",
            "kind",
            "objectType",
            "objectId",
            "objectLabel",
            "reviewId",
            "reviewReference",
            "correlationId",
            "detail",
        ],
    ),
    ("AuditLogPage", &["entries", "nextCursor"]),
    (
        "AgencyActionCounts",
        &[
            "agency",
            "notStarted",
            "inProgress",
            "completed",
            "impactEvidenced",
            "overdue",
            "total",
        ],
    ),
    ("OverdueCount", &["date", "count"]),
    ("ActionStatistics", &["byAgency", "overdueOverTime"]),
    (
        "Committee",
        &["id", "name", "purpose", "learningPoints", "actions"],
    ),
    (
        "LearningPoint",
        &[
            "id",
            "reviewId",
            "title",
            "detail",
            "scope",
            "kind",
            "themes",
            "entryIds",
            "duplicateGroupKeys",
            "annotationId",
            "committee",
            "createdByName",
            "createdAt",
            "updatedAt",
            "version",
            "recommendations",
        ],
    ),
    (
        "Recommendation",
        &["id", "learningPointId", "text", "createdAt", "actions"],
    ),
    (
        "Action",
        &[
            "id",
            "reference",
            "title",
            "reviewId",
            "reviewReference",
            "recommendationId",
            "recommendationText",
            "learningPointId",
            "learningPointTitle",
            "themes",
            "ownerAgency",
            "ownerPerson",
            "targetDate",
            "targetDateReason",
            "status",
            "overdue",
            "rag",
            "ragDerived",
            "ragOverride",
            "ragOverrideReason",
            "evidenceOfImpact",
            "impactAudit",
            "committee",
            "version",
            "createdAt",
            "updatedAt",
            "latestUpdate",
            "updates",
            "history",
        ],
    ),
    (
        "ActionUpdate",
        &[
            "id",
            "at",
            "authorName",
            "authorAgencyPrefix",
            "text",
            "statusAfter",
        ],
    ),
    (
        "ActionVersion",
        &[
            "version",
            "change",
            "changedAt",
            "changedBy",
            "title",
            "ownerAgencyId",
            "ownerPersonId",
            "targetDate",
            "targetDateReason",
            "status",
            "ragOverride",
            "ragOverrideReason",
            "evidenceOfImpact",
            "impactAudit",
            "committeeId",
        ],
    ),
    ("ActionConnection", &["nodes", "pageInfo", "totalCount"]),
    (
        "PageInfo",
        &["hasPreviousPage", "hasNextPage", "startCursor", "endCursor"],
    ),
    ("AuditChainReport", &["intact", "checked", "firstBrokenId"]),
    (
        "Notification",
        &[
            "id",
            "kind",
            "kindLabel",
            "title",
            "link",
            "dueOn",
            "createdAt",
            "readAt",
        ],
    ),
    (
        "Section11Standard",
        &["id", "position", "title", "description", "evidenceExpected"],
    ),
    (
        "Section11Answer",
        &[
            "standardId",
            "rating",
            "evidence",
            "toGreen",
            "carriedForward",
            "updatedAt",
            "links",
        ],
    ),
    ("Section11EvidenceLink", &["url", "label"]),
    (
        "Section11Assessment",
        &[
            "id",
            "year",
            "agency",
            "status",
            "statusLabel",
            "dueOn",
            "submittedAt",
            "decidedAt",
            "officeComment",
            "version",
            "standards",
            "answers",
            "challenges",
            "actions",
        ],
    ),
    ("Section11Action", &["standardId", "plannedIn", "action"]),
    (
        "Section11Challenge",
        &[
            "id",
            "standardId",
            "question",
            "askedAt",
            "response",
            "respondedAt",
        ],
    ),
    ("Section11Year", &["year", "standards", "assessments"]),
    (
        "SingleAgencyAudit",
        &[
            "id",
            "agencyId",
            "topic",
            "standard",
            "sampleSize",
            "auditedOn",
            "findings",
            "whatChanged",
            "version",
            "updatedAt",
        ],
    ),
    ("QaReportSection", &["id", "position", "title", "guidance"]),
    ("QaReportAnswer", &["sectionId", "text", "updatedAt"]),
    (
        "QaReport",
        &[
            "id",
            "year",
            "agency",
            "status",
            "statusLabel",
            "dueOn",
            "submittedAt",
            "decidedAt",
            "officeComment",
            "version",
            "sections",
            "answers",
            "audits",
        ],
    ),
    ("QaReportYear", &["year", "sections", "reports"]),
    (
        "DistributionList",
        &[
            "id",
            "name",
            "description",
            "recipients",
            "recipientsText",
            "version",
            "updatedAt",
        ],
    ),
    ("ListRecipient", &["name", "email"]),
    ("SummarySendResult", &["recorded", "alreadySent"]),
    (
        "SummarySending",
        &["id", "name", "email", "listName", "recordedAt", "emailedAt"],
    ),
    ("AuditLink", &["reviewId", "reference", "subject"]),
    ("ThemeSourceIndicator", &["id", "name"]),
    ("RevisitedTheme", &["id", "year", "name"]),
    (
        "AuditTheme",
        &[
            "id",
            "year",
            "name",
            "termsOfReference",
            "question",
            "plannedFor",
            "revisits",
            "audits",
            "sourceIndicator",
            "version",
        ],
    ),
    (
        "AuditPoolMember",
        &["userId", "name", "agency", "auditsDone"],
    ),
    ("AuditQuestion", &["id", "text"]),
    ("AuditToolStage", &["stage", "label", "questions"]),
    ("AuditGrade", &["code", "label", "tone"]),
    ("AuditTool", &["stages", "grades"]),
    (
        "AuditCase",
        &["id", "label", "whyChosen", "agencyIds", "version"],
    ),
    (
        "AuditCaseGrade",
        &[
            "caseId",
            "agencyId",
            "questionId",
            "grade",
            "evidence",
            "updatedAt",
        ],
    ),
    ("GradeCount", &["grade", "count"]),
    ("AuditCell", &["counts", "mean", "tone", "cases"]),
    ("AuditHeatmapCell", &["questionId", "agencyId", "cell"]),
    ("AuditHeatmap", &["agencies", "submittedAgencyIds", "cells"]),
    (
        "ReAuditRow",
        &["questionId", "agencyId", "then", "now", "movement"],
    ),
    (
        "ReAuditAction",
        &[
            "id",
            "reference",
            "title",
            "ownerAgencyId",
            "targetOn",
            "status",
        ],
    ),
    ("ReAudit", &["earlier", "earlierTheme", "rows", "actions"]),
    ("ThemeHeatmapCell", &["questionId", "reviewId", "cell"]),
    ("ThemeHeatmapAudit", &["audit", "themeName", "year"]),
    ("AuditThemeHeatmap", &["audits", "cells"]),
    (
        "CaseAudit",
        &[
            "reviewId",
            "reference",
            "subject",
            "version",
            "theme",
            "auditors",
            "cases",
            "grades",
            "gradingAgencyId",
            "canSetUp",
            "meeting",
            "heatmap",
            "reAudit",
        ],
    ),
    (
        "AuditMeeting",
        &[
            "heldOn",
            "attendees",
            "summaryOfLearning",
            "processComments",
            "agencyActions",
            "multiAgencyAction",
            "version",
            "updatedAt",
        ],
    ),
    ("AnnualReportNarrative", &["part", "label", "text"]),
    ("WorkCount", &["kind", "kindLabel", "urgency", "count"]),
    (
        "YearlyReportsGlance",
        &[
            "year",
            "asked",
            "withAgencies",
            "overdue",
            "awaitingOffice",
            "accepted",
        ],
    ),
    (
        "ChildDeathGlance",
        &["year", "yearLabel", "reviewed", "modifiable"],
    ),
    (
        "PartnershipGlance",
        &[
            "today",
            "reviewsInProgress",
            "actionsOpen",
            "counts",
            "overdue",
            "hotSpots",
            "section11",
            "qaReports",
            "childDeaths",
            "training",
        ],
    ),
    ("TrainingGlance", &["from", "eventsHeld", "attended"]),
    (
        "Work",
        &[
            "key",
            "kind",
            "kindLabel",
            "urgency",
            "title",
            "dueOn",
            "link",
            "reviewId",
            "reviewReference",
        ],
    ),
    (
        "ApiToken",
        &[
            "id",
            "name",
            "agency",
            "createdAt",
            "expiresAt",
            "revokedAt",
            "lastUsedAt",
        ],
    ),
    ("CreatedApiToken", &["token", "secret"]),
    (
        "LearningSummary",
        &[
            "id",
            "reviewId",
            "reviewReference",
            "state",
            "stateLabel",
            "version",
            "fields",
            "stateChanges",
            "availableMoves",
            "publicationCheck",
            "publishedAt",
            "availableUntil",
            "reportFileName",
            "openCommentCount",
            "createdAt",
            "updatedAt",
        ],
    ),
    (
        "SummaryFieldValue",
        &[
            "field",
            "label",
            "key",
            "text",
            "html",
            "version",
            "updatedAt",
            "updatedByName",
            "comments",
            "history",
        ],
    ),
    (
        "SummaryComment",
        &["id", "field", "authorName", "text", "at"],
    ),
    (
        "SummaryFieldVersion",
        &["version", "text", "authorName", "at"],
    ),
    (
        "SummaryStateChange",
        &[
            "fromState",
            "toState",
            "step",
            "stepLabel",
            "byName",
            "at",
            "reason",
        ],
    ),
    (
        "IdentifierHit",
        &[
            "kind",
            "kindLabel",
            "field",
            "matched",
            "excerpt",
            "replacement",
        ],
    ),
    ("DiffLine", &["tag", "text", "oldLine", "newLine"]),
    (
        "PublishedSummary",
        &[
            "id",
            "reviewReference",
            "reviewKindLabel",
            "title",
            "publishedOn",
            "availableUntil",
            "available",
            "fields",
            "reportUrl",
            "themes",
        ],
    ),
    ("PublishedField", &["label", "html"]),
    (
        "LibraryHit",
        &[
            "kind",
            "title",
            "excerpt",
            "themes",
            "summaryId",
            "reviewReference",
        ],
    ),
    (
        "RetentionRule",
        &[
            "key",
            "recordKind",
            "recordKindLabel",
            "reviewKind",
            "label",
            "unit",
            "amount",
            "period",
            "anchor",
            "allowed",
            "minDays",
            "maxDays",
            "minMonths",
            "maxMonths",
            "foreverAllowed",
            "defaultPeriod",
            "isDefault",
            "updatedAt",
            "updatedBy",
        ],
    ),
    (
        "RetentionReport",
        &[
            "dryRun",
            "asOf",
            "reviews",
            "chronologies",
            "held",
            "failed",
            "auditEntries",
            "notifications",
            "sessions",
            "signInAttempts",
        ],
    ),
    (
        "RetentionReviewItem",
        &[
            "reference",
            "kind",
            "kindLabel",
            "closedOn",
            "expiredOn",
            "entries",
            "rows",
        ],
    ),
    (
        "RetentionHeldItem",
        &[
            "reviewId",
            "reference",
            "reviewExpiredOn",
            "chronologyExpiredOn",
        ],
    ),
    ("RetentionFailedItem", &["reference", "what"]),
    (
        "SignInProvider",
        &[
            "id",
            "name",
            "issuerUrl",
            "clientId",
            "hasClientSecret",
            "emailVerifiedRequired",
            "domains",
            "redirectUri",
            "createdAt",
            "updatedAt",
        ],
    ),
    (
        "SignInOptions",
        &["singleSignOn", "providerName", "startUrl"],
    ),
    (
        "RetentionRun",
        &[
            "id",
            "trigger",
            "startedAt",
            "finishedAt",
            "outcome",
            "report",
        ],
    ),
    (
        "LegalHold",
        &[
            "id",
            "reason",
            "setBy",
            "setAt",
            "liftedAt",
            "liftedBy",
            "liftReason",
        ],
    ),
    (
        "ReviewRetention",
        &[
            "closedOn",
            "period",
            "keptUntil",
            "held",
            "due",
            "summary",
            "chronologyPeriod",
            "chronologyKeptUntil",
            "chronologySummary",
        ],
    ),
];

/// Every field's policy, looked up by (type, field): built once from `ROOT` and `OBJECTS`
/// (a root entry wins over an object entry of the same name).
fn policies() -> &'static HashMap<(&'static str, &'static str), Access> {
    static TABLE: OnceLock<HashMap<(&'static str, &'static str), Access>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = HashMap::new();
        for (t, fields) in OBJECTS {
            for f in *fields {
                table.insert((*t, *f), Access::Inherited);
            }
        }
        for (t, f, a) in ROOT {
            table.insert((*t, *f), *a);
        }
        table
    })
}

/// The root types: the only ones whose fields are checked as a request runs (see
/// [`Authorized`]).
pub const ROOT_TYPES: &[&str] = &["Query", "Mutation", "Subscription"];

/// Entries of `ROOT` that name a type other than a root type (which [`Authorized`] would
/// never check): none, or the schema test fails.
pub fn misplaced_root_entries() -> Vec<String> {
    ROOT.iter()
        .filter(|(t, _, _)| !ROOT_TYPES.contains(t))
        .map(|(t, f, _)| format!("{t}.{f}"))
        .collect()
}

/// The policy of one field, or `None` when it has none (and is therefore refused).
pub fn access(type_name: &str, field: &str) -> Option<Access> {
    policies().get(&(type_name, field)).copied()
}

/// Whether a request may resolve a field (before any object-level rule).
pub fn check(rc: &RequestContext, type_name: &str, field: &str) -> Result<(), AppError> {
    match &rc.bearer {
        None => {}
        Some(Bearer::Rejected) => return Err(AppError::Unauthenticated),
        Some(Bearer::Token { .. }) => {
            let root = TOKEN_ROOT.contains(&(type_name, field));
            let inherited = access(type_name, field) == Some(Access::Inherited);
            if !(root || inherited) {
                return Err(AppError::Forbidden);
            }
        }
    }
    match access(type_name, field) {
        None => {
            tracing::error!(
                type_name,
                field,
                "field has no authorization policy; refused"
            );
            Err(AppError::Forbidden)
        }
        Some(Access::Public | Access::Inherited) => Ok(()),
        Some(Access::SignedIn) => rc.actor().map(|_| ()),
        Some(Access::AnyRole(roles)) => rc.require_any(roles).map(|_| ()),
    }
}

/// A root type (`Query`, `Mutation`, `Subscription`) whose every field is checked with
/// [`check`] before it resolves; a refused field answers its error at its path, as any
/// failing field does, and the request's other fields still resolve. The SDL is the root
/// type's own.
///
/// Only root fields are checked as a request runs: every other field is `Inherited` (readable
/// by whoever obtained its object, which came from a root field), and the schema tests fail
/// when a field has no entry or a non-root type has a root entry. Checking at the roots keeps
/// the per-field cost off every value of a long list: an async-graphql extension's `resolve`
/// hook runs for every field of every object, 850 for one page of 50 actions, and was a fifth
/// of the server's time serving that page.
pub struct Authorized<T>(pub T);

impl<T: Default> Default for Authorized<T> {
    fn default() -> Self {
        Self(T::default())
    }
}

/// The policy of the root field `ctx` resolves on the root type `root`, as an error at that
/// field's path when it is refused.
fn authorize_root(ctx: &Context<'_>, root: &str) -> ServerResult<()> {
    let Ok(rc) = ctx.data::<RequestContext>() else {
        return Err(ServerError::new("request context missing", None));
    };
    let field = &ctx.item.node.name;
    check(rc, root, field.node.as_str()).map_err(|e| {
        ctx.set_error_path(
            e.into_graphql(&rc.correlation_id)
                .into_server_error(field.pos),
        )
    })
}

impl<T: ObjectType> OutputType for Authorized<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        resolve_container(ctx, self).await
    }
}

impl<T: ObjectType> ContainerType for Authorized<T> {
    async fn resolve_field(&self, ctx: &Context<'_>) -> ServerResult<Option<Value>> {
        authorize_root(ctx, &T::type_name())?;
        self.0.resolve_field(ctx).await
    }
}

impl<T: ObjectType> ObjectType for Authorized<T> {}

impl<T: SubscriptionType> SubscriptionType for Authorized<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    fn create_field_stream<'a>(
        &'a self,
        ctx: &'a Context<'_>,
    ) -> Option<Pin<Box<dyn Stream<Item = Response> + Send + 'a>>> {
        match authorize_root(ctx, &T::type_name()) {
            Ok(()) => self.0.create_field_stream(ctx),
            Err(error) => Some(Box::pin(futures_util::stream::once(async move {
                Response::from_errors(vec![error])
            }))),
        }
    }
}
