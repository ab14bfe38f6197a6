//! Answers of the larger queries, decoded by hand from JSON (see [`FromJson`]): the types the
//! generated code would have, with enums as their GraphQL codes, and a few lines of decoding
//! each instead of a serde decoder per type.

use serde_json::Value;

static NULL: Value = Value::Null;

/// Reads a value from its JSON; missing or mistyped parts become empty.
pub trait FromJson: Sized {
    fn from_json(v: &Value) -> Self;
}

impl FromJson for String {
    fn from_json(v: &Value) -> Self {
        v.as_str().unwrap_or_default().to_string()
    }
}

impl FromJson for i64 {
    fn from_json(v: &Value) -> Self {
        v.as_i64().unwrap_or_default()
    }
}

impl FromJson for bool {
    fn from_json(v: &Value) -> Self {
        v.as_bool().unwrap_or_default()
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(v: &Value) -> Self {
        (!v.is_null()).then(|| T::from_json(v))
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(v: &Value) -> Self {
        v.as_array()
            .map(|l| l.iter().map(T::from_json).collect())
            .unwrap_or_default()
    }
}

impl FromJson for Value {
    fn from_json(v: &Value) -> Self {
        v.clone()
    }
}

/// The field `key` of an object (null when missing); the empty key is the object itself
/// (to read one answer into two structs).
pub fn field<'a>(v: &'a Value, key: &str) -> &'a Value {
    if key.is_empty() {
        return v;
    }
    v.get(key).unwrap_or(&NULL)
}

macro_rules! json_structs {
    ($(pub struct $name:ident { $($field:ident: $ty:ty = $key:literal),* $(,)? })*) => {
        $(
            #[derive(Debug, Clone)]
            pub struct $name {
                $(pub $field: $ty,)*
            }

            impl FromJson for $name {
                fn from_json(v: &Value) -> Self {
                    Self {
                        $($field: FromJson::from_json(field(v, $key)),)*
                    }
                }
            }
        )*
    };
}

json_structs! {
    pub struct ReviewDetailData { review: ReviewDetailReview = "review" }
    pub struct ReviewDetailReview {
        id: String = "id",
        reference: String = "reference",
        kind: String = "kind",
        kind_label: String = "kindLabel",
        subject: String = "subject",
        themes: Vec<String> = "themes",
        methodology: String = "methodology",
        methodology_label: String = "methodologyLabel",
        methodology_detail: Option<String> = "methodologyDetail",
        incident_month: Option<i64> = "incidentMonth",
        incident_year: i64 = "incidentYear",
        regime: IdName = "regime",
        aware_on: Option<String> = "awareOn",
        notified_on: String = "notifiedOn",
        decision: Option<String> = "decision",
        decision_justification: Option<String> = "decisionJustification",
        decided_on: Option<String> = "decidedOn",
        decided_by: Option<String> = "decidedBy",
        panel_notified_on: Option<String> = "panelNotifiedOn",
        panel_lead_reviewer_names: Vec<String> = "panelLeadReviewerNames",
        completed_on: Option<String> = "completedOn",
        published_on: Option<String> = "publishedOn",
        returns_due_on: Option<String> = "returnsDueOn",
        milestones: Vec<Milestone> = "milestones",
        agencies: Vec<AgencyRef> = "agencies",
        members: Vec<Member> = "members",
        version: i64 = "version",
        legal_hold: Option<LegalHold> = "legalHold",
        legal_holds: Vec<LegalHold> = "legalHolds",
        retention: ReviewRetention = "retention",
    }
    pub struct LegalHold {
        reason: String = "reason",
        set_by: String = "setBy",
        set_at: String = "setAt",
        lifted_at: Option<String> = "liftedAt",
        lifted_by: Option<String> = "liftedBy",
        lift_reason: Option<String> = "liftReason",
    }
    pub struct ReviewRetention {
        summary: String = "summary",
        chronology_summary: String = "chronologySummary",
    }
    pub struct IdName { id: String = "id", name: String = "name" }
    pub struct Milestone {
        label: String = "label",
        rule: String = "rule",
        due_on: Option<String> = "dueOn",
        met_on: Option<String> = "metOn",
        state: String = "state",
        late: bool = "late",
        waiting_for: Option<String> = "waitingFor",
    }
    pub struct AgencyRef {
        id: String = "id",
        name: String = "name",
        prefix: String = "prefix",
        colour: String = "colour",
    }
    pub struct Member { user: MemberUser = "user", role: String = "role" }
    pub struct MemberUser {
        id: String = "id",
        display_name: String = "displayName",
        agency: Option<Prefix> = "agency",
    }
    pub struct Prefix { prefix: String = "prefix" }
    pub struct ReviewFormOptionsData {
        regimes: Vec<IdName> = "regimes",
        agencies: Vec<AgencyRef> = "agencies",
        users: Vec<OptionUser> = "users",
    }
    pub struct OptionUser {
        id: String = "id",
        display_name: String = "displayName",
        active: bool = "active",
        agency: Option<Prefix> = "agency",
    }
    pub struct NextMilestone {
        label: String = "label",
        due_on: Option<String> = "dueOn",
        state: String = "state",
    }
    pub struct DashboardData { dashboard: Vec<ReviewItem> = "dashboard" }
    pub struct ReviewsData { reviews: Vec<ReviewItem> = "reviews" }
    pub struct ReviewItem {
        id: String = "id",
        reference: String = "reference",
        subject: String = "subject",
        kind_label: String = "kindLabel",
        notified_on: String = "notifiedOn",
        next_milestone: Option<NextMilestone> = "nextMilestone",
    }
    pub struct AgenciesData { agencies: Vec<AgencyItem> = "agencies" }
    pub struct AgencyItem {
        id: String = "id",
        name: String = "name",
        kind_label: String = "kindLabel",
        prefix: String = "prefix",
        colour: String = "colour",
        active: bool = "active",
        qa_last_updated: Option<String> = "qaLastUpdated",
    }
    pub struct AgencyDetailData { agency: AgencyFull = "agency" }
    pub struct AgencyFull {
        id: String = "id",
        name: String = "name",
        kind: String = "kind",
        kind_label: String = "kindLabel",
        prefix: String = "prefix",
        colour: String = "colour",
        active: bool = "active",
        qa_last_updated: Option<String> = "qaLastUpdated",
        qa_mechanisms: Vec<QaMechanism> = "qaMechanisms",
    }
    pub struct AgencyColourCheckData { check: ColourCheck = "agencyColourCheck" }
    pub struct ColourCheck {
        colour: String = "colour",
        too_close_to: Vec<AgencyRef> = "tooCloseTo",
        suggestion: Option<String> = "suggestion",
    }
    pub struct QaMechanism {
        text: String = "text",
        last_updated: String = "lastUpdated",
    }
    pub struct UsersData { users: Vec<UserItem> = "users" }
    pub struct UserItem {
        id: String = "id",
        email: String = "email",
        display_name: String = "displayName",
        roles: Vec<String> = "roles",
        active: bool = "active",
        second_factor_enrolled: bool = "secondFactorEnrolled",
        agency: Option<AgencyRef> = "agency",
    }
    pub struct UserDetailData { user: UserItem = "user", agencies: Vec<AgencyRef> = "agencies" }
    pub struct AgencyOptionsData { agencies: Vec<AgencyRef> = "agencies" }
    pub struct PeopleOptionsData { users: Vec<UserItem> = "users" }
    pub struct AuditLogData { audit_log: AuditPage = "auditLog" }
    pub struct AuditPage {
        entries: Vec<AuditEntry> = "entries",
        next_cursor: Option<String> = "nextCursor",
    }
    pub struct AuditEntry {
        at: String = "at",
        actor_name: Option<String> = "actorName",
        agency_prefix: Option<String> = "agencyPrefix",
        role: Option<String> = "role",
        action: String = "action",
        description: String = "description",
        object_type: String = "objectType",
        object_id: Option<String> = "objectId",
        object_label: Option<String> = "objectLabel",
        review_id: Option<String> = "reviewId",
        review_reference: Option<String> = "reviewReference",
        correlation_id: String = "correlationId",
        detail: Option<String> = "detail",
    }
    pub struct RetentionSettingsData {
        rules: Vec<RetentionRule> = "retentionRules",
        runs: Vec<RetentionRun> = "retentionRuns",
    }
    pub struct RetentionRule {
        record_kind: String = "recordKind",
        review_kind: Option<String> = "reviewKind",
        label: String = "label",
        unit: String = "unit",
        amount: Option<i64> = "amount",
        period: String = "period",
        anchor: String = "anchor",
        allowed: String = "allowed",
        min_days: Option<i64> = "minDays",
        min_months: Option<i64> = "minMonths",
        forever_allowed: bool = "foreverAllowed",
        default_period: String = "defaultPeriod",
        is_default: bool = "isDefault",
        updated_at: Option<String> = "updatedAt",
        updated_by: Option<String> = "updatedBy",
    }
    pub struct RetentionRun {
        trigger: String = "trigger",
        started_at: String = "startedAt",
        outcome: Option<String> = "outcome",
        report: Option<RetentionReport> = "report",
    }
    pub struct RetentionReport {
        dry_run: bool = "dryRun",
        reviews: Vec<RetentionReviewItem> = "reviews",
        chronologies: Vec<RetentionReviewItem> = "chronologies",
        held: Vec<RetentionHeldItem> = "held",
        failed: Vec<RetentionFailedItem> = "failed",
        audit_entries: i64 = "auditEntries",
        notifications: i64 = "notifications",
        sessions: i64 = "sessions",
        sign_in_attempts: i64 = "signInAttempts",
    }
    pub struct RetentionReviewItem {
        reference: String = "reference",
        kind_label: String = "kindLabel",
        closed_on: Option<String> = "closedOn",
        expired_on: String = "expiredOn",
        entries: i64 = "entries",
        rows: i64 = "rows",
    }
    pub struct RetentionHeldItem {
        review_id: String = "reviewId",
        reference: String = "reference",
        review_expired_on: Option<String> = "reviewExpiredOn",
        chronology_expired_on: Option<String> = "chronologyExpiredOn",
    }
    pub struct RetentionFailedItem { reference: String = "reference", what: String = "what" }
    pub struct RetentionPreviewData { report: RetentionReport = "retentionPreview" }
    pub struct RunRetentionData { report: RetentionReport = "runRetention" }
    pub struct VerifyData { verify_audit_log: AuditChainReport = "verifyAuditLog" }
    pub struct AuditChainReport {
        intact: bool = "intact",
        checked: i64 = "checked",
        first_broken_id: Option<String> = "firstBrokenId",
    }
    pub struct MeData { me: Option<MeUser> = "me" }
    pub struct BuildData { build: BuildInfo = "build" }
    pub struct BuildInfo { version: String = "version", commit: String = "commit" }
    pub struct SignInData { sign_in: MeUser = "signIn" }
    pub struct CompleteSignInData { complete_sign_in: MeUser = "completeSignIn" }
    pub struct SignInOptionsData { options: SignInOptions = "signInOptions" }
    pub struct SignInOptions {
        single_sign_on: bool = "singleSignOn",
        provider_name: Option<String> = "providerName",
        start_url: Option<String> = "startUrl",
    }
    pub struct PendingSignInData { pending: Option<PendingSignIn> = "pendingSignIn" }
    pub struct PendingSignIn { step: String = "step" }
    pub struct EnrolmentData { enrolment: Enrolment = "startSecondFactorEnrolment" }
    pub struct Enrolment {
        secret: String = "secret",
        otpauth_uri: String = "otpauthUri",
        qr_code_svg: Option<String> = "qrCodeSvg",
    }
    pub struct ConfirmEnrolmentData { confirmation: EnrolmentConfirmation = "confirmSecondFactorEnrolment" }
    pub struct EnrolmentConfirmation {
        recovery_codes: Vec<String> = "recoveryCodes",
        signed_in: bool = "signedIn",
    }
    pub struct SecondFactorData { status: SecondFactorStatus = "secondFactor" }
    pub struct SecondFactorStatus {
        enrolled: bool = "enrolled",
        enrolled_at: Option<String> = "enrolledAt",
        recovery_codes_left: i64 = "recoveryCodesLeft",
        required: bool = "required",
    }
    pub struct RecoveryCodesData { codes: Vec<String> = "regenerateRecoveryCodes" }
    pub struct SecondFactorRolesData { roles: Vec<String> = "secondFactorRoles" }
    pub struct SignInProvidersData { providers: Vec<SignInProviderItem> = "signInProviders" }
    pub struct SignInProviderItem {
        id: String = "id",
        name: String = "name",
        issuer_url: String = "issuerUrl",
        client_id: String = "clientId",
        has_client_secret: bool = "hasClientSecret",
        email_verified_required: bool = "emailVerifiedRequired",
        domains: Vec<String> = "domains",
        redirect_uri: String = "redirectUri",
    }
    pub struct SetSecondFactorRolesData { roles: Vec<String> = "setSecondFactorRoles" }
    pub struct MeUser {
        id: String = "id",
        display_name: String = "displayName",
        roles: Vec<String> = "roles",
        agency: Option<IdOnly> = "agency",
    }
    pub struct IdOnly { id: String = "id" }
    pub struct PreviewData { preview_chronology_import: ImportPreview = "previewChronologyImport" }
    pub struct ImportPreview {
        ok: bool = "ok",
        entries: Vec<ImportRow> = "entries",
        problems: Vec<ImportProblem> = "problems",
        replaces_entries: i64 = "replacesEntries",
        replaces_typed_entries: i64 = "replacesTypedEntries",
    }
    pub struct ImportRow {
        row: i64 = "row",
        seq: Option<i64> = "seq",
        start_date: String = "startDate",
        start_time: Option<String> = "startTime",
        end_date: Option<String> = "endDate",
        end_time: Option<String> = "endTime",
        source: String = "source",
        event_type: Option<String> = "eventType",
        event: String = "event",
        action_taken: Option<String> = "actionTaken",
        shared_with: Vec<String> = "sharedWith",
        practitioner_comment: Option<String> = "practitionerComment",
        note: bool = "note",
        case_id: Option<String> = "caseId",
    }
    pub struct ImportProblem {
        row: i64 = "row",
        column: Option<String> = "column",
        message: String = "message",
    }
}

// Action plans.
json_structs! {
    pub struct ActionRow {
        id: String = "id",
        reference: String = "reference",
        title: String = "title",
        review_id: String = "reviewId",
        review_reference: String = "reviewReference",
        themes: Vec<String> = "themes",
        owner_agency: AgencyRef = "ownerAgency",
        owner_person: Option<Person> = "ownerPerson",
        target_date: String = "targetDate",
        status: String = "status",
        overdue: bool = "overdue",
        rag: String = "rag",
        updated_at: String = "updatedAt",
        committee: Option<IdName> = "committee",
        latest_update: Option<UpdateItem> = "latestUpdate",
    }
    pub struct Person { id: String = "id", display_name: String = "displayName" }
    pub struct PlanReview {
        id: String = "id",
        reference: String = "reference",
        subject: String = "subject",
        agencies: Vec<AgencyRef> = "agencies",
        members: Vec<PlanMember> = "members",
        learning_points: Vec<LearningPointItem> = "learningPoints",
    }
    pub struct PlanMember { user: PlanUser = "user", role: String = "role" }
    pub struct PlanUser {
        id: String = "id",
        display_name: String = "displayName",
        agency: Option<IdOnly> = "agency",
    }
    pub struct ReviewPlanPeopleData { review: PlanReview = "review" }
    pub struct ReviewLearningData {
        review: PlanReview = "review",
        committees: Vec<IdName> = "committees",
    }
    pub struct LearningPointItem {
        id: String = "id",
        review_id: String = "reviewId",
        title: String = "title",
        detail: String = "detail",
        scope: String = "scope",
        kind: String = "kind",
        themes: Vec<String> = "themes",
        entry_ids: Vec<String> = "entryIds",
        created_by_name: String = "createdByName",
        created_at: String = "createdAt",
        committee: Option<IdName> = "committee",
        recommendations: Vec<RecommendationItem> = "recommendations",
    }
    pub struct RecommendationItem {
        id: String = "id",
        text: String = "text",
        actions: Vec<ActionRow> = "actions",
    }
    pub struct MyAgencyActionsData { my_agency_actions: Vec<ActionRow> = "myAgencyActions" }
    pub struct ActionPlanData { actions: ActionPage = "actions" }
    pub struct ActionPage {
        nodes: Vec<ActionRow> = "nodes",
        page_info: PageInfo = "pageInfo",
        total_count: i64 = "totalCount",
    }
    pub struct PageInfo {
        has_next_page: bool = "hasNextPage",
        end_cursor: Option<String> = "endCursor",
    }
    pub struct ActionPlanOptionsData {
        reviews: Vec<ReviewRef> = "reviews",
        agencies: Vec<AgencyRef> = "agencies",
        committees: Vec<IdName> = "committees",
        themes: Vec<String> = "themes",
    }
    pub struct ReviewRef { id: String = "id", reference: String = "reference" }
    pub struct ActionDetailData {
        action: ActionRow = "action",
        more: ActionMore = "action",
        agencies: Vec<AgencyRef> = "agencies",
        committees: Vec<IdName> = "committees",
    }
    pub struct ActionMore {
        target_date_reason: Option<String> = "targetDateReason",
        recommendation_text: String = "recommendationText",
        learning_point_title: String = "learningPointTitle",
        rag_derived: String = "ragDerived",
        rag_override: Option<String> = "ragOverride",
        rag_override_reason: Option<String> = "ragOverrideReason",
        evidence_of_impact: Option<String> = "evidenceOfImpact",
        impact_audit: Option<String> = "impactAudit",
        version: i64 = "version",
        updates: Vec<UpdateItem> = "updates",
        history: Vec<Value> = "history",
    }
    pub struct UpdateItem {
        at: String = "at",
        author_name: String = "authorName",
        author_agency_prefix: Option<String> = "authorAgencyPrefix",
        text: String = "text",
        status_after: String = "statusAfter",
    }
    pub struct CommitteesData { committees: Vec<CommitteeItem> = "committees" }
    pub struct CommitteeDetailData { committee: CommitteeItem = "committee" }
    pub struct CommitteeItem {
        id: String = "id",
        name: String = "name",
        purpose: String = "purpose",
        learning_points: Vec<LearningPointItem> = "learningPoints",
        actions: Vec<ActionRow> = "actions",
    }
    pub struct ActionStatisticsData { statistics: ActionStatistics = "actionStatistics" }
    pub struct ActionStatistics {
        by_agency: Vec<AgencyCounts> = "byAgency",
        overdue_over_time: Vec<OverdueCount> = "overdueOverTime",
    }
    pub struct AgencyCounts {
        agency: AgencyRef = "agency",
        not_started: i64 = "notStarted",
        in_progress: i64 = "inProgress",
        completed: i64 = "completed",
        impact_evidenced: i64 = "impactEvidenced",
        overdue: i64 = "overdue",
        total: i64 = "total",
    }
    pub struct OverdueCount { date: String = "date", count: i64 = "count" }
    pub struct ApiTokensData { tokens: Vec<ApiTokenItem> = "apiTokens" }
    pub struct ApiTokenItem {
        id: String = "id",
        name: String = "name",
        created_at: String = "createdAt",
        expires_at: String = "expiresAt",
        revoked_at: Option<String> = "revokedAt",
        last_used_at: Option<String> = "lastUsedAt",
    }
    pub struct SummaryPageData {
        review: SummaryReview = "review",
        summary: Option<SummaryData> = "learningSummary",
    }
    pub struct SummaryReview { id: String = "id", reference: String = "reference", subject: String = "subject" }
    pub struct SummaryData {
        id: String = "id",
        state: String = "state",
        state_label: String = "stateLabel",
        available_moves: Vec<String> = "availableMoves",
        published_at: Option<String> = "publishedAt",
        available_until: Option<String> = "availableUntil",
        report_file_name: Option<String> = "reportFileName",
        open_comment_count: i64 = "openCommentCount",
        fields: Vec<SummaryFieldData> = "fields",
        state_changes: Vec<SummaryStateChangeData> = "stateChanges",
        publication_check: Vec<IdentifierHitData> = "publicationCheck",
    }
    pub struct SummaryFieldData {
        field: String = "field",
        label: String = "label",
        key: String = "key",
        text: String = "text",
        version: i64 = "version",
        updated_at: Option<String> = "updatedAt",
        updated_by_name: Option<String> = "updatedByName",
        html: String = "html",
        comments: Vec<SummaryCommentData> = "comments",
        history: Vec<SummaryVersionData> = "history",
    }
    pub struct SummaryCommentData { author_name: String = "authorName", text: String = "text", at: String = "at" }
    pub struct SummaryVersionData { version: i64 = "version", author_name: String = "authorName", at: String = "at" }
    pub struct SummaryStateChangeData {
        step_label: String = "stepLabel",
        by_name: String = "byName",
        at: String = "at",
        reason: Option<String> = "reason",
    }
    pub struct IdentifierHitData {
        kind_label: String = "kindLabel",
        field: String = "field",
        matched: String = "matched",
        excerpt: String = "excerpt",
        replacement: Option<String> = "replacement",
    }
    pub struct DiffData { lines: Vec<DiffLineData> = "summaryFieldDiff" }
    pub struct DiffLineData { tag: String = "tag", text: String = "text" }
    pub struct PublishedListData { summaries: Vec<PublishedItem> = "publishedSummaries" }
    pub struct PublishedItem {
        id: String = "id",
        review_reference: String = "reviewReference",
        review_kind_label: String = "reviewKindLabel",
        title: String = "title",
        published_on: String = "publishedOn",
        available_until: String = "availableUntil",
        available: bool = "available",
        themes: Vec<String> = "themes",
    }
    pub struct PublishedData { summary: Option<PublishedDetail> = "publishedSummary" }
    pub struct PublishedDetail {
        item: PublishedItem = "",
        report_url: Option<String> = "reportUrl",
        fields: Vec<PublishedFieldData> = "fields",
    }
    pub struct PublishedFieldData { label: String = "label", html: String = "html" }
    pub struct LibraryData { hits: Vec<LibraryHitData> = "librarySearch", themes: Vec<String> = "themes" }
    pub struct LibraryHitData {
        kind: String = "kind",
        title: String = "title",
        excerpt: String = "excerpt",
        themes: Vec<String> = "themes",
        summary_id: String = "summaryId",
        review_reference: String = "reviewReference",
    }
}
