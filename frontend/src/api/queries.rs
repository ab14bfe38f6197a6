//! Typed operations, generated from `frontend/graphql/*.graphql` and checked against the
//! server's schema at compile time.
#![allow(clippy::all, missing_docs)]

use graphql_client::GraphQLQuery;

/// `NaiveDate` scalar: `YYYY-MM-DD`.
pub type NaiveDate = String;
/// `DateTime` scalar: RFC 3339.
pub type DateTime = String;

macro_rules! operations {
    ($file:tt: $($name:ident),+ $(,)?) => {
        $(
            #[derive(GraphQLQuery)]
            #[graphql(
                schema_path = "../server/schema.graphql",
                query_path = $file,
                response_derives = "Debug, Clone",
                variables_derives = "Debug, Clone"
            )]
            pub struct $name;
        )+
    };
}

operations!(
    "graphql/session.graphql": Me,
    SignIn,
    SignOut,
    Build,
    RequestPasswordReset,
    ResetPassword,
);
operations!(
    "graphql/account.graphql": SignInOptions,
    PendingSignIn,
    CompleteSignIn,
    StartSecondFactorEnrolment,
    ConfirmSecondFactorEnrolment,
    SecondFactor,
    DisableSecondFactor,
    RegenerateRecoveryCodes,
    SecondFactorRoles,
    SetSecondFactorRoles,
    ResetSecondFactor,
);
operations!(
    "graphql/providers.graphql": SignInProviders,
    CreateSignInProvider,
    UpdateSignInProvider,
    DeleteSignInProvider,
);
operations!(
    "graphql/reviews.graphql": Dashboard,
    Reviews,
    ReviewDetail,
    ReviewFormOptions,
    CreateReview,
    UpdateReview,
    RecordThresholdDecision,
    RecordPanelNotification,
    AskForReturns,
    RecordReviewEvent,
);
operations!(
    "graphql/agencies.graphql": Agencies,
    AgencyDetail,
    CreateAgency,
    UpdateAgency,
    SetQaMechanisms,
    AgencyColourCheck,
);
operations!(
    "graphql/users.graphql": Users,
    UserDetail,
    AgencyOptions,
    CreateUser,
    UpdateUser,
    SetUserPassword,
);
operations!("graphql/subject_access.graphql": ExportSubjectAccess);
operations!("graphql/audit.graphql": AuditLog, VerifyAuditLog, PeopleOptions);
operations!(
    "graphql/retention.graphql": RetentionSettings,
    SetRetentionRules,
    RetentionPreview,
    RunRetention,
    SetLegalHold,
    LiftLegalHold,
);
operations!(
    "graphql/chronology.graphql": AddChronologyEntry,
    UpdateChronologyEntry,
    DeleteChronologyEntry,
    PreviewChronologyImport,
    StartChronologyImport,
    ChronologyImportJob,
    SubmitChronologyReturn,
    ReopenChronologyReturn,
    DecideDuplicateGroup,
    AnnotateEntry,
    AnswerQuestion,
    ShareIntegratedChronology,
    SetChronologySettings,
    ReviewChanged,
    ChronologyViewers,
    EntryHistory,
    Glossary,
    AddGlossaryTerm,
    RemoveGlossaryTerm,
    AnonymisationSuspects,
    DismissAnonymisationSuspect,
    ChronologyExport,
    ChronologyTemplate,
);
operations!("graphql/live.graphql": ActionChanged);
operations!(
    "graphql/actions.graphql": ReviewLearning,
    ReviewPlanPeople,
    MyAgencyActions,
    ActionPlan,
    ActionsExport,
    ActionPlanOptions,
    ActionDetail,
    Committees,
    CommitteeDetail,
    CreateLearningPoint,
    AddRecommendation,
    CreateAction,
    UpdateAction,
    AddActionUpdate,
    SetActionRag,
    ReferToCommittee,
    ActionStatistics,
    ApiTokens,
    CreateApiToken,
    RevokeApiToken,
);
operations!(
    "graphql/summary.graphql": LearningSummary,
    StartLearningSummary,
    SaveSummaryField,
    CommentOnSummaryField,
    MoveLearningSummary,
    PublishLearningSummary,
    SummaryFieldDiff,
    LearningSummaryExport,
    PreviewMarkdown,
);
operations!(
    "graphql/public.graphql": PublishedSummaries,
    PublishedSummary,
    LibrarySearch,
    UploadFinalReport,
);
operations!(
    "graphql/work.graphql": WhatNeedsMe,
    PartnershipAtAGlance,
    MyNotifications,
    MarkNotificationRead,
);
operations!(
    "graphql/section11.graphql": Section11Years,
    Section11Year,
    Section11Assessment,
    SetSection11Standards,
    OpenSection11Year,
    SaveSection11Answer,
    SubmitSection11Assessment,
    PlanSection11Action,
    DecideSection11Assessment,
    Section11Export,
    Section11Report,
    AskSection11Challenge,
    WithdrawSection11Challenge,
    RespondToSection11Challenge,
);
operations!(
    "graphql/qa_reports.graphql": SingleAgencyAudits,
    RecordSingleAgencyAudit,
    UpdateSingleAgencyAudit,
    DeleteSingleAgencyAudit,
    QaReportYears,
    QaReportYear,
    QaReportDetail,
    SetQaReportSections,
    AskForQaReports,
    SaveQaReportAnswer,
    SubmitQaReport,
    DecideQaReport,
    AnnualReportNarrative,
    SetAnnualReportNarrative,
    AnnualReport,
);
operations!(
    "graphql/distribution.graphql": DistributionLists,
    CreateDistributionList,
    UpdateDistributionList,
    DeleteDistributionList,
    SummarySending,
    SendLearningSummary,
);
operations!(
    "graphql/case_audits.graphql": AuditProgramme,
    EarlierThemes,
    PoolCandidates,
    RecordAuditTheme,
    UpdateAuditTheme,
    DeleteAuditTheme,
    AddToAuditPool,
    RemoveFromAuditPool,
    CaseAuditDetail,
    SetCaseAudit,
    RecordAuditCase,
    UpdateAuditCase,
    DeleteAuditCase,
    SaveAuditGrade,
    SaveAuditMeeting,
    CaseAuditReport,
    CaseAuditExport,
    AuditThemeHeatmap,
    ProposeAuditThemeFromIndicator,
);
operations!(
    "graphql/performance.graphql": Indicators,
    IndicatorDetail,
    CreateIndicator,
    UpdateIndicator,
    RecordIndicatorValue,
    ImportIndicatorValues,
    PlanHotSpotAction,
);
operations!(
    "graphql/child_deaths.graphql": ChildDeathYear,
    RecordChildDeathReview,
    UpdateChildDeathReview,
    DeleteChildDeathReview,
    PlanChildDeathAction,
);
operations!(
    "graphql/training.graphql": LearningEvents,
    LearningEventDetail,
    LearningEventFormOptions,
    RecordLearningEvent,
    UpdateLearningEvent,
    DeleteLearningEvent,
    GiveLearningEventFeedback,
    SetLearningEventEvidence,
);
