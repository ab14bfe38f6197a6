//! The role × operation matrix: every Query and Mutation field of the schema, called by
//! anonymous visitors and by a person of each role, against what the issue's authorization
//! rules (and `server::auth::policy`) say. Denied means UNAUTHENTICATED for anonymous callers
//! and FORBIDDEN for signed-in people without the role; allowed means the call succeeds (each
//! row is set up so that it can). A schema field without a row fails the test.

use crate::db_tests;
use crate::helpers::{
    base64, error_code, pdf, review_with, run, Backend, Client, TestApp, PASSWORD,
};
use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{json, Value};
use server::entities::notification;
use shared::auth::Role;
use std::collections::BTreeSet;

/// Who may call an operation, as the specification says.
#[derive(Debug, Clone, Copy)]
enum Allowed {
    Public,
    SignedIn,
    Roles(&'static [Role]),
}

const OFFICE: Allowed = Allowed::Roles(&[Role::BusinessOffice]);
const CHAIR: Allowed = Allowed::Roles(&[Role::IndependentChair]);
const OFFICE_OR_CHAIR: Allowed = Allowed::Roles(&[Role::BusinessOffice, Role::IndependentChair]);
const OFFICE_OR_LEAD: Allowed = Allowed::Roles(&[Role::BusinessOffice, Role::AgencyLead]);
/// The representative and lead of the return's agency (members of the review).
const AGENCY_EDITORS: Allowed = Allowed::Roles(&[Role::AgencyLead, Role::AgencyRepresentative]);
/// Any member of the review from the agency that recorded the entry.
const AGENCY_MEMBERS: Allowed = Allowed::Roles(&[
    Role::AgencyLead,
    Role::AgencyRepresentative,
    Role::Practitioner,
]);

/// Everyone who reads case-specific action plans (practitioners read none).
const PLAN_READERS: Allowed = Allowed::Roles(&[
    Role::BusinessOffice,
    Role::IndependentChair,
    Role::AgencyLead,
    Role::AgencyRepresentative,
]);
const AGENCY_STAFF: Allowed = Allowed::Roles(&[Role::AgencyLead, Role::AgencyRepresentative]);
/// The owner agency's lead and representative, and the business office.
const OFFICE_OR_AGENCY_STAFF: Allowed = Allowed::Roles(&[
    Role::BusinessOffice,
    Role::AgencyLead,
    Role::AgencyRepresentative,
]);

/// The callers: anonymous, then one person per role (agency roles with an agency).
const PRINCIPALS: [Option<Role>; 6] = [
    None,
    Some(Role::BusinessOffice),
    Some(Role::IndependentChair),
    Some(Role::AgencyLead),
    Some(Role::AgencyRepresentative),
    Some(Role::Practitioner),
];

fn principal_name(p: usize) -> &'static str {
    match PRINCIPALS[p] {
        None => "anonymous",
        Some(role) => role.code(),
    }
}

fn email_of(p: usize) -> String {
    format!("{}@matrix.example", principal_name(p).to_lowercase())
}

fn is_allowed(allowed: Allowed, p: usize) -> bool {
    match (allowed, PRINCIPALS[p]) {
        (Allowed::Public, _) => true,
        (_, None) => false,
        (Allowed::SignedIn, Some(_)) => true,
        (Allowed::Roles(roles), Some(role)) => roles.contains(&role),
    }
}

/// What the matrix's calls refer to. Operations that change state get their own object per
/// caller (indexed by principal), so every allowed call can succeed whatever the order.
struct Fixture {
    agency: String,
    other_agency: String,
    target_user: String,
    /// A review every agency principal is a member of.
    review: String,
    /// Per principal: a review at version 1 to update.
    to_update: Vec<String>,
    /// Per principal: a review without a decision.
    undecided: Vec<String>,
    /// Per principal: a review at version 1 whose returns are asked for.
    returns_asked: Vec<String>,
    /// A Section 11 assessment of the principals' agency (year 2030).
    s11_assessment: String,
    /// Per principal: an assessment at version 1 and one of its standards, to answer.
    s11_to_answer: Vec<(String, String)>,
    /// Per principal: a complete assessment at version 3, to submit.
    s11_to_submit: Vec<String>,
    /// Per principal: a submitted assessment, to accept.
    s11_to_decide: Vec<String>,
    /// Per principal: a submitted assessment at version 4 and one of its standards, to
    /// challenge.
    s11_to_challenge: Vec<(String, String)>,
    /// Per principal: an unanswered challenge question on a submitted assessment at
    /// version 5, to withdraw.
    s11_challenge_to_withdraw: Vec<String>,
    /// Per principal: a challenge question on a returned assessment at version 6, to
    /// respond to.
    s11_challenge_to_answer: Vec<String>,
    /// Per principal: a review with a DO_NOT_INITIATE decision and no panel notification.
    decided: Vec<String>,
    /// Per principal: a review with an INITIATE decision, not completed.
    initiated: Vec<String>,
    /// A DRAFT chronology return of the principals' agency.
    draft_return: String,
    /// Per principal: an entry of `draft_return` at version 1 to update, and one to delete.
    entry_to_update: Vec<String>,
    entry_to_delete: Vec<String>,
    /// A DRAFT return to import into.
    import_return: String,
    /// A background import into `import_return`.
    import_job: String,
    /// Per principal: a DRAFT return with one entry, to submit.
    to_submit: Vec<String>,
    /// Per principal: a SUBMITTED return, to reopen.
    to_reopen: Vec<String>,
    /// A review whose integrated chronology (shared with the members) has the principals'
    /// agency's and another agency's submitted entries, and one duplicate group.
    chronology_review: String,
    duplicate_key: String,
    /// A submitted entry of the principals' agency in `chronology_review`.
    submitted_entry: String,
    /// Per principal: a QUESTION on `submitted_entry`.
    questions: Vec<String>,
    /// A review whose integrated chronology is not shared yet.
    to_share: String,
    /// Per principal: a glossary term of `chronology_review`, to remove.
    glossary_terms: Vec<String>,
    /// Per principal: a learning point of `review` at version 1, to update.
    points_to_update: Vec<String>,
    /// A learning point of `review`, and a recommendation of it.
    point: String,
    recommendation: String,
    /// Per principal: an action of `review` at version 1, to update.
    actions_to_update: Vec<String>,
    /// An open action of `review` owned by the principals' agency.
    action: String,
    /// A committee to refer to.
    committee: String,
    /// Per principal: a notification of theirs (anonymous: the business office's), to mark
    /// read.
    notifications: Vec<String>,
    /// Per principal: an API token of `agency`, to revoke.
    tokens: Vec<String>,
    /// Per principal: a single sign-on provider to change, and one to remove.
    providers_to_update: Vec<String>,
    providers_to_delete: Vec<String>,
    /// The learning summary of `review`, a draft.
    summary: String,
    /// A review (the principals' agency members) whose summary is not started.
    to_start: String,
    /// Per principal: a draft summary of its own review (the same members), to submit.
    summaries_to_submit: Vec<String>,
    /// A summary approved by the chair, with nothing the publication gate finds, to publish.
    approved_summary: String,
    /// A published summary, on the public pages.
    published_summary: String,
    /// A performance indicator of the principals' agency at version 1 (its lead records
    /// its values; the office updates it).
    indicator: String,
    /// Child death review records at version 1, one per principal, to change and delete.
    child_death_to_update: Vec<String>,
    child_death_to_delete: Vec<String>,
    /// A learning event held in 2020 (to read and give feedback on).
    learning_event: String,
    /// Learning events at version 1, one per principal, to change and delete.
    events_to_update: Vec<String>,
    events_to_delete: Vec<String>,
    /// Single-agency audits at version 1, one per principal, to change and delete.
    qa_audits_to_update: Vec<String>,
    qa_audits_to_delete: Vec<String>,
    /// A QA impact report of the principals' agency (year 2030).
    qa_report: String,
    /// Per principal: a report at version 1 and its one section, to write.
    qa_to_write: Vec<(String, String)>,
    /// Per principal: a written report at version 2, to submit.
    qa_to_submit: Vec<String>,
    /// Per principal: a submitted report, to accept.
    qa_to_decide: Vec<String>,
    /// A case audit of the principals' agency (all agency principals members) with a
    /// theme and one case naming the agency.
    audit: String,
    audit_case: String,
    /// Per principal: a theme at version 1 to change, and one to delete.
    themes_to_update: Vec<String>,
    themes_to_delete: Vec<String>,
    /// Per principal: a person in the audit pool, to take out.
    pool_to_remove: Vec<String>,
    /// Per principal: a case audit without a theme yet (version 0), to set.
    audits_to_set: Vec<String>,
    /// Per principal: a case of `audit` at version 1 to change, and one to delete.
    cases_to_update: Vec<String>,
    cases_to_delete: Vec<String>,
    /// A distribution list to send `published_summary` to.
    distribution_list: String,
    /// Per principal: a distribution list at version 1 to change, and one to delete.
    lists_to_update: Vec<String>,
    lists_to_delete: Vec<String>,
}

struct Op {
    /// `Type.field` in the schema.
    field: &'static str,
    allowed: Allowed,
    doc: &'static str,
    vars: fn(&Fixture, usize) -> Value,
    /// Signs in or out: run on a fresh session of the caller so the others are not disturbed.
    own_session: bool,
}

fn indicator_input(name: &str, agency: Option<&str>) -> Value {
    json!({
        "name": name,
        "definition": "What is counted",
        "unit": "%",
        "direction": "HIGHER_IS_BETTER",
        "target": 80.0,
        "period": "MONTH",
        "agencyId": agency,
    })
}

fn child_death_input(case: &str) -> Value {
    json!({
        "caseNumber": case,
        "ageBand": "ONE_TO_FOUR",
        "category": "INFECTION",
        "modifiability": "NONE_IDENTIFIED",
        "panelDate": "2020-09-01",
    })
}

fn learning_event_input(title: &str) -> Value {
    json!({
        "title": title,
        "kind": "WORKSHOP",
        "heldOn": "2020-09-01",
        "audience": "Practitioners",
    })
}

fn review_input(reference: &str, members: &[(String, &str)]) -> Value {
    json!({
        "reference": reference,
        "kind": "SERIOUS_CASE_REVIEW",
        "subject": "Child A",
        "themes": ["Neglect"],
        "methodology": "LEARNING_TOGETHER",
        "methodologyDetail": null,
        "incidentMonth": 5,
        "incidentYear": 2016,
        "regimeId": "wt2015",
        "awareOn": null,
        "notifiedOn": "2016-05-02",
        "agencyIds": [],
        "members": members.iter().map(|(id, role)| json!({ "userId": id, "role": role })).collect::<Vec<_>>(),
    })
}

fn entry_input(source: &str) -> Value {
    json!({ "startDate": "22/05/2016", "source": source, "event": "Home visit", "sharedWith": [] })
}

fn point_input(title: &str) -> Value {
    json!({ "title": title, "detail": "Detail", "scope": "MULTI_AGENCY", "kind": "NEEDS_IMPROVEMENT" })
}

/// An action owned by `agency`, due in 90 days.
fn action_input(title: &str, agency: &str) -> Value {
    let target = chrono::Utc::now().date_naive() + chrono::Duration::days(90);
    json!({ "title": title, "ownerAgencyId": agency, "targetDate": target.to_string() })
}

const IMPORT_CSV: &[u8] = b"Start Date,Source of Information,Event\n22/05/2016,IMP-1,Home visit\n";

fn agency_input(name: &str, prefix: &str) -> Value {
    json!({ "name": name, "kind": "OTHER", "prefix": prefix, "colour": "#1d70b8", "active": true })
}

fn ops() -> Vec<Op> {
    vec![
        // Queries.
        Op {
            field: "Query.me",
            allowed: Allowed::Public,
            doc: "{ me { id } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.build",
            allowed: Allowed::SignedIn,
            doc: "{ build { version commit } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.agencies",
            allowed: Allowed::SignedIn,
            doc: "{ agencies { id } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.agency",
            allowed: Allowed::SignedIn,
            doc: "query($id: ID!) { agency(id: $id) { id } }",
            vars: |f, _| json!({ "id": f.agency }),
            own_session: false,
        },
        Op {
            field: "Query.agencyColourCheck",
            allowed: OFFICE,
            doc: "query($c: String!) { agencyColourCheck(colour: $c) { colour } }",
            vars: |_, _| json!({ "c": "#1d70b8" }),
            own_session: false,
        },
        Op {
            field: "Query.users",
            allowed: OFFICE,
            doc: "{ users { id } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.user",
            allowed: OFFICE,
            doc: "query($id: ID!) { user(id: $id) { id } }",
            vars: |f, _| json!({ "id": f.target_user }),
            own_session: false,
        },
        Op {
            field: "Query.regimes",
            allowed: Allowed::SignedIn,
            doc: "{ regimes { id } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.reviews",
            allowed: Allowed::SignedIn,
            doc: "{ reviews { id } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.review",
            allowed: Allowed::SignedIn,
            doc: "query($id: ID!) { review(id: $id) { id } }",
            vars: |f, _| json!({ "id": f.review }),
            own_session: false,
        },
        Op {
            field: "Query.chronologyEntry",
            allowed: Allowed::SignedIn,
            doc: "query($id: ID!) { chronologyEntry(id: $id) { id history { version } } }",
            vars: |f, _| json!({ "id": f.submitted_entry }),
            own_session: false,
        },
        Op {
            field: "Query.chronologyTemplate",
            allowed: Allowed::SignedIn,
            doc: "{ chronologyTemplate(format: CSV) { fileName } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.chronologyImportJob",
            // Those who see the return: every role here (the agency's members, and the
            // business office and chair, who see every return).
            allowed: Allowed::SignedIn,
            doc: "query($id: ID!) { chronologyImportJob(id: $id) { id status rowsTotal } }",
            vars: |f, _| json!({ "id": f.import_job }),
            own_session: false,
        },
        Op {
            field: "Query.dashboard",
            allowed: Allowed::SignedIn,
            doc: "{ dashboard { id } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.themes",
            allowed: Allowed::SignedIn,
            doc: "{ themes }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.auditLog",
            allowed: OFFICE,
            doc: "{ auditLog(first: 5) { entries { id action } nextCursor } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.verifyAuditLog",
            allowed: OFFICE,
            doc: "{ verifyAuditLog { intact checked } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        // Action plans.
        Op {
            field: "Query.actions",
            allowed: PLAN_READERS,
            doc: "{ actions(first: 5) { totalCount nodes { id } pageInfo { hasNextPage } } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.actionsExport",
            allowed: PLAN_READERS,
            doc: "{ actionsExport(format: CSV) { fileName mediaType contentBase64 } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.actionStatistics",
            allowed: PLAN_READERS,
            doc: "{ actionStatistics { byAgency { total } overdueOverTime { count } } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.action",
            allowed: PLAN_READERS,
            doc: "query($id: ID!) { action(id: $id) { id updates { text } history { version } } }",
            vars: |f, _| json!({ "id": f.action }),
            own_session: false,
        },
        Op {
            field: "Query.myAgencyActions",
            allowed: AGENCY_STAFF,
            doc: "{ myAgencyActions { id } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.myNotifications",
            allowed: Allowed::SignedIn,
            doc: "{ myNotifications(unreadOnly: true) { id kind title link dueOn } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.apiTokens",
            allowed: OFFICE,
            doc: "query($a: ID!) { apiTokens(agencyId: $a) { id name agency { id } expiresAt revokedAt lastUsedAt } }",
            vars: |f, _| json!({ "a": f.agency }),
            own_session: false,
        },
        Op {
            field: "Query.section11Years",
            allowed: PLAN_READERS,
            doc: "{ section11Years }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.section11",
            allowed: PLAN_READERS,
            doc: "query($y: Int!) { section11(year: $y) { year standards { id title } assessments { id status agency { id } } } }",
            vars: |_, _| json!({ "y": 2030 }),
            own_session: false,
        },
        Op {
            field: "Query.section11Export",
            allowed: PLAN_READERS,
            doc: "query($y: Int!) { section11Export(year: $y) { fileName mediaType contentBase64 } }",
            vars: |_, _| json!({ "y": 2030 }),
            own_session: false,
        },
        Op {
            field: "Query.section11Report",
            allowed: PLAN_READERS,
            doc: "query($y: Int!) { section11Report(year: $y) { fileName mediaType contentBase64 } }",
            vars: |_, _| json!({ "y": 2030 }),
            own_session: false,
        },
        Op {
            field: "Query.section11Assessment",
            allowed: PLAN_READERS,
            doc: "query($id: ID!) { section11Assessment(id: $id) { id year status version answers { standardId rating } } }",
            vars: |f, _| json!({ "id": f.s11_assessment }),
            own_session: false,
        },
        Op {
            field: "Query.whatNeedsMe",
            allowed: Allowed::SignedIn,
            doc: "{ whatNeedsMe { key kind kindLabel urgency title dueOn link reviewId reviewReference } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.partnershipAtAGlance",
            allowed: OFFICE_OR_CHAIR,
            doc: "{ partnershipAtAGlance { reviewsInProgress counts { kind count } overdue { key } hotSpots { key } section11 { year } childDeaths { reviewed } } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.committees",
            allowed: Allowed::SignedIn,
            doc: "{ committees { id name } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.committee",
            allowed: Allowed::SignedIn,
            doc: "query($id: ID!) { committee(id: $id) { id learningPoints { id } actions { id } } }",
            vars: |f, _| json!({ "id": f.committee }),
            own_session: false,
        },
        // Mutations.
        Op {
            field: "Mutation.markNotificationRead",
            allowed: Allowed::SignedIn,
            doc: "mutation($id: ID!) { markNotificationRead(id: $id) { id readAt } }",
            vars: |f, p| json!({ "id": f.notifications[p] }),
            own_session: false,
        },
        Op {
            field: "Mutation.createApiToken",
            allowed: OFFICE,
            doc: "mutation($a: ID!, $e: NaiveDate!) { createApiToken(agencyId: $a, name: \"Case system\", expiresOn: $e) { secret token { id } } }",
            vars: |f, _| json!({ "a": f.agency, "e": (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string() }),
            own_session: false,
        },
        Op {
            field: "Mutation.revokeApiToken",
            allowed: OFFICE,
            doc: "mutation($id: ID!) { revokeApiToken(id: $id) { id revokedAt } }",
            vars: |f, p| json!({ "id": f.tokens[p] }),
            own_session: false,
        },
        Op {
            field: "Mutation.signIn",
            allowed: Allowed::Public,
            doc: "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }",
            // Anonymous callers sign in as the business office; everyone else as themselves.
            vars: |_, p| json!({ "e": email_of(if p == 0 { 1 } else { p }), "p": PASSWORD }),
            own_session: true,
        },
        Op {
            field: "Mutation.signOut",
            allowed: Allowed::Public,
            doc: "mutation { signOut }",
            vars: |_, _| json!({}),
            own_session: true,
        },
        Op {
            field: "Mutation.requestPasswordReset",
            allowed: Allowed::Public,
            doc: "mutation($e: String!) { requestPasswordReset(email: $e) }",
            vars: |_, _| json!({ "e": "nobody@matrix.example" }),
            own_session: false,
        },
        Op {
            field: "Mutation.resetPassword",
            allowed: Allowed::Public,
            doc: "mutation($t: String!, $p: String!) { resetPassword(token: $t, password: $p) }",
            // Each caller holds the link of a person of their own (see `reset_links`).
            vars: |_, p| json!({ "t": reset_secret(p), "p": PASSWORD }),
            own_session: false,
        },
        Op {
            field: "Mutation.setUserPassword",
            allowed: OFFICE,
            doc: "mutation($id: ID!, $p: String!) { setUserPassword(id: $id, password: $p) { id } }",
            vars: |f, _| json!({ "id": f.target_user, "p": PASSWORD }),
            own_session: false,
        },
        Op {
            field: "Mutation.createAgency",
            allowed: OFFICE,
            doc: "mutation($input: AgencyInput!) { createAgency(input: $input) { id } }",
            vars: |_, p| {
                let prefix = format!("NEW{}", char::from(b'A' + p as u8));
                json!({ "input": agency_input(&format!("New agency {p}"), &prefix) })
            },
            own_session: false,
        },
        Op {
            field: "Mutation.updateAgency",
            allowed: OFFICE,
            doc: "mutation($id: ID!, $input: AgencyInput!) { updateAgency(id: $id, input: $input) { id } }",
            vars: |f, _| json!({ "id": f.other_agency, "input": agency_input("Other agency", "OTH") }),
            own_session: false,
        },
        Op {
            field: "Mutation.setQaMechanisms",
            allowed: OFFICE_OR_LEAD,
            doc: "mutation($id: ID!, $m: [QaMechanismInput!]!) { setQaMechanisms(agencyId: $id, mechanisms: $m) { id } }",
            // The principals' own agency: its lead may keep it.
            vars: |f, _| json!({ "id": f.agency, "m": [{ "text": "Audits", "lastUpdated": "2020-01-01" }] }),
            own_session: false,
        },
        Op {
            field: "Mutation.createUser",
            allowed: OFFICE,
            doc: "mutation($input: CreateUserInput!) { createUser(input: $input) { id } }",
            vars: |_, p| {
                json!({ "input": {
                    "email": format!("created-by-{p}@matrix.example"),
                    "displayName": "Created",
                    "agencyId": null,
                    "roles": ["INDEPENDENT_CHAIR"],
                    "password": PASSWORD,
                }})
            },
            own_session: false,
        },
        Op {
            field: "Mutation.updateUser",
            allowed: OFFICE,
            doc: "mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id } }",
            vars: |f, _| {
                json!({ "id": f.target_user, "input": {
                    "email": "target@matrix.example",
                    "displayName": "Target",
                    "agencyId": f.agency,
                    "roles": ["PRACTITIONER"],
                    "active": true,
                }})
            },
            own_session: false,
        },
        Op {
            field: "Mutation.createReview",
            allowed: OFFICE,
            doc: "mutation($input: ReviewInput!) { createReview(input: $input) { id } }",
            vars: |_, p| json!({ "input": review_input(&format!("NEW-{p}"), &[]) }),
            own_session: false,
        },
        Op {
            field: "Mutation.updateReview",
            allowed: OFFICE,
            doc: "mutation($id: ID!, $input: ReviewInput!) { updateReview(id: $id, version: 1, input: $input) { id } }",
            vars: |f, p| {
                json!({ "id": f.to_update[p], "input": review_input(&format!("UPD-{p}"), &[]) })
            },
            own_session: false,
        },
        Op {
            field: "Mutation.recordThresholdDecision",
            allowed: CHAIR,
            doc: "mutation($id: ID!) { recordThresholdDecision(reviewId: $id, input: { decision: INITIATE, justification: \"Meets the criteria\", decidedOn: \"2016-05-20\" }) { id } }",
            vars: |f, p| json!({ "id": f.undecided[p] }),
            own_session: false,
        },
        Op {
            field: "Mutation.setSection11Standards",
            allowed: OFFICE,
            doc: "mutation($y: Int!) { setSection11Standards(year: $y, standards: [{ title: \"Training\" }]) { year standards { id } } }",
            vars: |_, p| json!({ "y": 2040 + p }),
            own_session: false,
        },
        Op {
            field: "Mutation.openSection11Year",
            allowed: OFFICE,
            doc: "mutation($a: ID!, $d: NaiveDate!) { openSection11Year(year: 2030, agencyIds: [$a], dueOn: $d) { year assessments { id } } }",
            vars: |f, _| {
                let due = chrono::Utc::now().date_naive() + chrono::Duration::days(40);
                json!({ "a": f.agency, "d": due.to_string() })
            },
            own_session: false,
        },
        Op {
            field: "Mutation.saveSection11Answer",
            allowed: OFFICE_OR_LEAD,
            doc: "mutation($a: ID!, $s: ID!) { saveSection11Answer(assessmentId: $a, standardId: $s, version: 1, answer: { rating: AMBER, evidence: \"Partly\", toGreen: \"Train all\" }) { id version } }",
            vars: |f, p| json!({ "a": f.s11_to_answer[p].0, "s": f.s11_to_answer[p].1 }),
            own_session: false,
        },
        Op {
            field: "Mutation.planSection11Action",
            allowed: OFFICE_OR_LEAD,
            doc: "mutation($a: ID!, $s: ID!) { planSection11Action(assessmentId: $a, standardId: $s, input: { title: \"Train all\", targetDate: \"2030-01-31\" }) { id reference } }",
            vars: |f, p| json!({ "a": f.s11_to_answer[p].0, "s": f.s11_to_answer[p].1 }),
            own_session: false,
        },
        Op {
            field: "Mutation.submitSection11Assessment",
            allowed: OFFICE_OR_LEAD,
            doc: "mutation($id: ID!) { submitSection11Assessment(id: $id, version: 3) { id status } }",
            vars: |f, p| json!({ "id": f.s11_to_submit[p] }),
            own_session: false,
        },
        Op {
            field: "Mutation.decideSection11Assessment",
            allowed: OFFICE,
            doc: "mutation($id: ID!) { decideSection11Assessment(id: $id, accept: true) { id status } }",
            vars: |f, p| json!({ "id": f.s11_to_decide[p] }),
            own_session: false,
        },
        Op {
            field: "Mutation.askSection11Challenge",
            allowed: OFFICE,
            doc: "mutation($a: ID!, $s: ID!) { askSection11Challenge(assessmentId: $a, version: 4, standardId: $s, question: \"How is it checked?\") { id version } }",
            vars: |f, p| json!({ "a": f.s11_to_challenge[p].0, "s": f.s11_to_challenge[p].1 }),
            own_session: false,
        },
        Op {
            field: "Mutation.withdrawSection11Challenge",
            allowed: OFFICE,
            doc: "mutation($id: ID!) { withdrawSection11Challenge(id: $id, version: 5) { id version } }",
            vars: |f, p| json!({ "id": f.s11_challenge_to_withdraw[p] }),
            own_session: false,
        },
        Op {
            field: "Mutation.respondToSection11Challenge",
            allowed: OFFICE_OR_LEAD,
            doc: "mutation($id: ID!) { respondToSection11Challenge(id: $id, version: 6, response: \"Audited monthly\") { id version } }",
            vars: |f, p| json!({ "id": f.s11_challenge_to_answer[p] }),
            own_session: false,
        },
        Op {
            field: "Mutation.askForReturns",
            allowed: OFFICE,
            doc: "mutation($id: ID!, $d: NaiveDate) { askForReturns(reviewId: $id, version: 1, dueOn: $d) { id returnsDueOn } }",
            vars: |f, p| {
                let due = chrono::Utc::now().date_naive() + chrono::Duration::days(14);
                json!({ "id": f.returns_asked[p], "d": due.to_string() })
            },
            own_session: false,
        },
        Op {
            field: "Mutation.recordPanelNotification",
            allowed: OFFICE_OR_CHAIR,
            doc: "mutation($id: ID!) { recordPanelNotification(reviewId: $id, input: { notifiedOn: \"2016-05-25\", leadReviewerNames: [] }) { id } }",
            vars: |f, p| json!({ "id": f.decided[p] }),
            own_session: false,
        },
        Op {
            field: "Mutation.recordReviewEvent",
            allowed: OFFICE,
            doc: "mutation($id: ID!) { recordReviewEvent(reviewId: $id, event: COMPLETED, on: \"2016-10-01\") { id } }",
            vars: |f, p| json!({ "id": f.initiated[p] }),
            own_session: false,
        },
        // The chronology.
        Op {
            field: "Mutation.addChronologyEntry",
            allowed: AGENCY_EDITORS,
            doc: "mutation($r: ID!, $i: EntryInput!) { addChronologyEntry(returnId: $r, input: $i) { id } }",
            vars: |f, p| json!({ "r": f.draft_return, "i": entry_input(&format!("ADD-{p}")) }),
            own_session: false,
        },
        Op {
            field: "Mutation.updateChronologyEntry",
            allowed: AGENCY_EDITORS,
            doc: "mutation($id: ID!, $i: EntryInput!) { updateChronologyEntry(id: $id, version: 1, input: $i) { id } }",
            vars: |f, p| json!({ "id": f.entry_to_update[p], "i": entry_input(&format!("UPD-{p}")) }),
            own_session: false,
        },
        Op {
            field: "Mutation.deleteChronologyEntry",
            allowed: AGENCY_EDITORS,
            doc: "mutation($id: ID!) { deleteChronologyEntry(id: $id, version: 1) }",
            vars: |f, p| json!({ "id": f.entry_to_delete[p] }),
            own_session: false,
        },
        Op {
            field: "Mutation.previewChronologyImport",
            allowed: AGENCY_EDITORS,
            doc: "mutation($r: ID!, $c: String!) { previewChronologyImport(returnId: $r, fileName: \"c.csv\", contentBase64: $c) { ok } }",
            vars: |f, _| json!({ "r": f.draft_return, "c": base64(IMPORT_CSV) }),
            own_session: false,
        },
        Op {
            field: "Mutation.confirmChronologyImport",
            allowed: AGENCY_EDITORS,
            doc: "mutation($r: ID!, $c: String!) { confirmChronologyImport(returnId: $r, fileName: \"c.csv\", contentBase64: $c) { id } }",
            vars: |f, _| json!({ "r": f.import_return, "c": base64(IMPORT_CSV) }),
            own_session: false,
        },
        Op {
            field: "Mutation.startChronologyImport",
            allowed: AGENCY_EDITORS,
            doc: "mutation($r: ID!, $c: String!) { startChronologyImport(returnId: $r, fileName: \"c.csv\", contentBase64: $c) { id status } }",
            vars: |f, _| json!({ "r": f.import_return, "c": base64(IMPORT_CSV) }),
            own_session: false,
        },
        Op {
            field: "Mutation.submitChronologyReturn",
            allowed: AGENCY_EDITORS,
            doc: "mutation($r: ID!) { submitChronologyReturn(returnId: $r) { id } }",
            vars: |f, p| json!({ "r": f.to_submit[p] }),
            own_session: false,
        },
        Op {
            field: "Mutation.reopenChronologyReturn",
            allowed: OFFICE,
            doc: "mutation($r: ID!) { reopenChronologyReturn(returnId: $r) { id } }",
            vars: |f, p| json!({ "r": f.to_reopen[p] }),
            own_session: false,
        },
        Op {
            // Or a LEAD_REVIEWER of the review (no principal here is one).
            field: "Mutation.decideDuplicateGroup",
            allowed: OFFICE,
            doc: "mutation($id: ID!, $k: String!) { decideDuplicateGroup(reviewId: $id, key: $k, decision: CONFIRMED) { gapThresholdDays } }",
            vars: |f, _| json!({ "id": f.chronology_review, "k": f.duplicate_key }),
            own_session: false,
        },
        Op {
            field: "Mutation.annotateEntry",
            allowed: OFFICE,
            doc: "mutation($e: ID!) { annotateEntry(entryId: $e, kind: NOTE, text: \"A note\") { id } }",
            vars: |f, _| json!({ "e": f.submitted_entry }),
            own_session: false,
        },
        Op {
            field: "Mutation.answerQuestion",
            allowed: AGENCY_MEMBERS,
            doc: "mutation($q: ID!) { answerQuestion(questionId: $q, text: \"An answer\") { id } }",
            vars: |f, p| json!({ "q": f.questions[p] }),
            own_session: false,
        },
        Op {
            field: "Mutation.shareIntegratedChronology",
            allowed: OFFICE,
            doc: "mutation($id: ID!) { shareIntegratedChronology(reviewId: $id) { gapThresholdDays } }",
            vars: |f, _| json!({ "id": f.to_share }),
            own_session: false,
        },
        Op {
            field: "Mutation.setChronologySettings",
            allowed: OFFICE,
            doc: "mutation($id: ID!) { setChronologySettings(reviewId: $id, input: { sharingToleranceDays: 3, gapThresholdDays: 30 }) { gapThresholdDays } }",
            vars: |f, _| json!({ "id": f.chronology_review }),
            own_session: false,
        },
        Op {
            field: "Mutation.addGlossaryTerm",
            allowed: OFFICE,
            doc: "mutation($id: ID!, $t: String!) { addGlossaryTerm(reviewId: $id, input: { realText: $t, replacement: \"Child A\" }) { id } }",
            vars: |f, p| json!({ "id": f.chronology_review, "t": format!("Real Name {p}") }),
            own_session: false,
        },
        Op {
            // Or a LEAD_REVIEWER of the review: those who keep the glossary.
            field: "Mutation.dismissAnonymisationSuspect",
            allowed: OFFICE,
            doc: "mutation($id: ID!, $t: String!) { dismissAnonymisationSuspect(reviewId: $id, text: $t) { total } }",
            vars: |f, p| json!({ "id": f.chronology_review, "t": format!("Not A Name {p}") }),
            own_session: false,
        },
        Op {
            field: "Mutation.removeGlossaryTerm",
            allowed: OFFICE,
            doc: "mutation($id: ID!) { removeGlossaryTerm(id: $id) }",
            vars: |f, p| json!({ "id": f.glossary_terms[p] }),
            own_session: false,
        },
        // Action plans: the business office or a LEAD_REVIEWER of the review (no principal
        // here is one) writes them; the owner agency reports progress.
        Op {
            field: "Mutation.createLearningPoint",
            allowed: OFFICE,
            doc: "mutation($r: ID!, $i: LearningPointInput!) { createLearningPoint(reviewId: $r, input: $i) { id } }",
            vars: |f, p| json!({ "r": f.review, "i": point_input(&format!("New {p}")) }),
            own_session: false,
        },
        Op {
            field: "Mutation.updateLearningPoint",
            allowed: OFFICE,
            doc: "mutation($id: ID!, $i: LearningPointInput!) { updateLearningPoint(id: $id, version: 1, input: $i) { id } }",
            vars: |f, p| json!({ "id": f.points_to_update[p], "i": point_input(&format!("Updated {p}")) }),
            own_session: false,
        },
        Op {
            field: "Mutation.addRecommendation",
            allowed: OFFICE,
            doc: "mutation($id: ID!) { addRecommendation(learningPointId: $id, text: \"Train staff\") { id } }",
            vars: |f, _| json!({ "id": f.point }),
            own_session: false,
        },
        Op {
            field: "Mutation.createAction",
            allowed: OFFICE,
            doc: "mutation($r: ID!, $i: ActionInput!) { createAction(recommendationId: $r, input: $i) { id } }",
            vars: |f, p| json!({ "r": f.recommendation, "i": action_input(&format!("New {p}"), &f.agency) }),
            own_session: false,
        },
        Op {
            field: "Mutation.updateAction",
            allowed: OFFICE,
            doc: "mutation($id: ID!, $i: ActionInput!) { updateAction(id: $id, version: 1, input: $i) { id } }",
            vars: |f, p| json!({ "id": f.actions_to_update[p], "i": action_input(&format!("Updated {p}"), &f.agency) }),
            own_session: false,
        },
        Op {
            field: "Mutation.addActionUpdate",
            allowed: OFFICE_OR_AGENCY_STAFF,
            doc: "mutation($id: ID!, $t: String!) { addActionUpdate(actionId: $id, input: { text: $t }) { id } }",
            vars: |f, p| json!({ "id": f.action, "t": format!("Update by {}", principal_name(p)) }),
            own_session: false,
        },
        Op {
            field: "Mutation.setActionRag",
            allowed: OFFICE,
            doc: "mutation($id: ID!) { setActionRag(id: $id, rag: RED, reason: \"Funding withdrawn\") { id } }",
            vars: |f, _| json!({ "id": f.action }),
            own_session: false,
        },
        Op {
            field: "Mutation.referToCommittee",
            allowed: OFFICE,
            doc: "mutation($id: ID!, $c: ID!) { referToCommittee(kind: ACTION, id: $id, committeeId: $c) { id } }",
            vars: |f, _| json!({ "id": f.action, "c": f.committee }),
            own_session: false,
        },
        // Learning summaries: the business office or a LEAD_REVIEWER of the review (no
        // principal here is one) writes them; everyone who reads the review's action plan
        // reads and comments; the chair approves; the business office publishes.
        Op {
            field: "Query.learningSummary",
            allowed: PLAN_READERS,
            doc: "query($r: ID!) { learningSummary(reviewId: $r) { id state fields { key text html comments { text } history { version } } stateChanges { step } availableMoves publicationCheck { kind } } }",
            vars: |f, _| json!({ "r": f.review }),
            own_session: false,
        },
        Op {
            field: "Query.summaryFieldDiff",
            allowed: PLAN_READERS,
            doc: "query($s: ID!) { summaryFieldDiff(summaryId: $s, field: REVIEW_TYPE_AND_PURPOSE, fromVersion: 0, toVersion: 1) { tag text } }",
            vars: |f, _| json!({ "s": f.summary }),
            own_session: false,
        },
        Op {
            field: "Query.learningSummaryExport",
            allowed: PLAN_READERS,
            doc: "query($s: ID!) { learningSummaryExport(summaryId: $s, format: DOCX) { fileName mediaType contentBase64 } }",
            vars: |f, _| json!({ "s": f.summary }),
            own_session: false,
        },
        Op {
            field: "Query.previewMarkdown",
            allowed: Allowed::SignedIn,
            doc: "{ previewMarkdown(text: \"**Learning**\") }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Mutation.startLearningSummary",
            allowed: OFFICE,
            doc: "mutation($r: ID!) { startLearningSummary(reviewId: $r) { id state } }",
            vars: |f, _| json!({ "r": f.to_start }),
            own_session: false,
        },
        Op {
            field: "Mutation.saveSummaryField",
            allowed: OFFICE,
            doc: "mutation($s: ID!, $t: String!) { saveSummaryField(summaryId: $s, field: OTHER_COMMENTS, text: $t, expectedVersion: 0) { version } }",
            vars: |f, p| json!({ "s": f.summary, "t": format!("Saved by {}", principal_name(p)) }),
            own_session: false,
        },
        Op {
            field: "Mutation.commentOnSummaryField",
            allowed: PLAN_READERS,
            doc: "mutation($s: ID!, $t: String!) { commentOnSummaryField(summaryId: $s, field: CASE_LEARNING, text: $t) { id } }",
            vars: |f, p| json!({ "s": f.summary, "t": format!("Comment by {}", principal_name(p)) }),
            own_session: false,
        },
        Op {
            field: "Mutation.moveLearningSummary",
            allowed: OFFICE,
            doc: "mutation($s: ID!) { moveLearningSummary(summaryId: $s, to: IN_REVIEW) { state } }",
            vars: |f, p| json!({ "s": f.summaries_to_submit[p] }),
            own_session: false,
        },
        Op {
            field: "Mutation.publishLearningSummary",
            allowed: OFFICE,
            doc: "mutation($s: ID!, $d: NaiveDate!) { publishLearningSummary(summaryId: $s, availableUntil: $d) { state } }",
            vars: |f, _| {
                let until = chrono::Utc::now().date_naive() + chrono::Duration::days(400);
                json!({ "s": f.approved_summary, "d": until.to_string() })
            },
            own_session: false,
        },
        // The final report: the summary's authors (the business office here), while it is
        // not published.
        Op {
            field: "Mutation.uploadFinalReport",
            allowed: OFFICE,
            doc: "mutation($s: ID!, $c: String!) { uploadFinalReport(summaryId: $s, fileName: \"final.pdf\", contentBase64: $c) { reportFileName } }",
            vars: |f, _| json!({ "s": f.summary, "c": base64(&pdf(&["Final report"])) }),
            own_session: false,
        },
        // The public pages: everyone, signed in or not.
        Op {
            field: "Query.publishedSummaries",
            allowed: Allowed::Public,
            doc: "{ publishedSummaries { id title available fields { label html } reportUrl } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.publishedSummary",
            allowed: Allowed::Public,
            doc: "query($id: ID!) { publishedSummary(id: $id) { id title fields { label } } }",
            vars: |f, _| json!({ "id": f.published_summary }),
            own_session: false,
        },
        // The learning library: every signed-in person, practitioners included.
        Op {
            field: "Query.librarySearch",
            allowed: Allowed::SignedIn,
            doc: "{ librarySearch(words: \"learning\") { kind title excerpt summaryId } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        // Retention and legal holds: the business office only.
        Op {
            field: "Query.retentionRules",
            allowed: OFFICE,
            doc: "{ retentionRules { key period isDefault } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.retentionPreview",
            allowed: OFFICE,
            doc: "{ retentionPreview { dryRun auditEntries reviews { reference } } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.retentionRuns",
            allowed: OFFICE,
            doc: "{ retentionRuns(first: 5) { id trigger outcome } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Mutation.setRetentionRules",
            allowed: OFFICE,
            doc: "mutation { setRetentionRules(rules: [{ recordKind: NOTIFICATIONS, unit: MONTHS, amount: 6 }]) { key period } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Mutation.runRetention",
            allowed: OFFICE,
            doc: "mutation { runRetention { dryRun reviews { reference } } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Mutation.setLegalHold",
            allowed: OFFICE,
            doc: "mutation($id: ID!) { setLegalHold(reviewId: $id, reason: \"Inquest pending\") { id setBy } }",
            vars: |f, p| json!({ "id": f.to_update[p] }),
            own_session: false,
        },
        Op {
            field: "Mutation.liftLegalHold",
            allowed: OFFICE,
            doc: "mutation($id: ID!) { liftLegalHold(reviewId: $id, reason: \"Inquest concluded\") { id liftedBy } }",
            // `decided` reviews are under a hold from the setup.
            vars: |f, p| json!({ "id": f.decided[p] }),
            own_session: false,
        },
        // Subject access: the business office only. "Person" stands for the setup's
        // "Remove Me" terms (the business office's own may be removed by then; the others stay).
        Op {
            field: "Mutation.exportSubjectAccess",
            allowed: OFFICE,
            doc: "mutation($id: ID!) { exportSubjectAccess(reviewId: $id, pseudonym: \"Person\", redactThirdParties: true) { fileName mediaType contentBase64 } }",
            vars: |f, _| json!({ "id": f.chronology_review }),
            own_session: false,
        },
        // Two-step verification. The matrix's people have no authenticator app, so the
        // calls that need one (or a pending sign-in) reach the service and are answered
        // there (see `ANSWERED_BY_THE_SERVICE`). Confirming comes before starting, so no
        // set-up is pending when it is called.
        Op {
            field: "Query.pendingSignIn",
            allowed: Allowed::Public,
            doc: "{ pendingSignIn { step expiresAt } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Mutation.completeSignIn",
            allowed: Allowed::Public,
            doc: "mutation { completeSignIn(code: \"123456\") { id } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Mutation.confirmSecondFactorEnrolment",
            // Or a pending sign-in whose role requires a second factor (not in the matrix).
            allowed: Allowed::SignedIn,
            doc: "mutation { confirmSecondFactorEnrolment(code: \"123456\") { recoveryCodes } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Mutation.startSecondFactorEnrolment",
            allowed: Allowed::SignedIn,
            doc: "mutation { startSecondFactorEnrolment { secret otpauthUri } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.secondFactor",
            allowed: Allowed::SignedIn,
            doc: "{ secondFactor { enrolled required recoveryCodesLeft } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Mutation.disableSecondFactor",
            allowed: Allowed::SignedIn,
            doc: "mutation { disableSecondFactor(code: \"123456\") }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Mutation.regenerateRecoveryCodes",
            allowed: Allowed::SignedIn,
            doc: "mutation { regenerateRecoveryCodes(code: \"123456\") }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.secondFactorRoles",
            allowed: OFFICE,
            doc: "{ secondFactorRoles }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Mutation.setSecondFactorRoles",
            allowed: OFFICE,
            // None: requiring one would stop the matrix's own sign-ins.
            doc: "mutation { setSecondFactorRoles(roles: []) }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Mutation.resetSecondFactor",
            allowed: OFFICE,
            doc: "mutation($id: ID!) { resetSecondFactor(userId: $id) { id secondFactorEnrolled } }",
            vars: |f, _| json!({ "id": f.target_user }),
            own_session: false,
        },
        // Single sign-on: anyone asks how to sign in; the business office keeps providers.
        Op {
            field: "Query.signInOptions",
            allowed: Allowed::Public,
            doc: "query($e: String!) { signInOptions(email: $e) { singleSignOn providerName } }",
            vars: |_, _| json!({ "e": "someone@p0-u.matrix-sso.example" }),
            own_session: false,
        },
        Op {
            field: "Query.signInProviders",
            allowed: OFFICE,
            doc: "{ signInProviders { id name domains hasClientSecret } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Mutation.createSignInProvider",
            allowed: OFFICE,
            doc: "mutation($input: SignInProviderInput!) { createSignInProvider(input: $input) { id } }",
            vars: |_, p| json!({ "input": sso_input(&format!("p{p}-c")) }),
            own_session: false,
        },
        Op {
            field: "Mutation.updateSignInProvider",
            allowed: OFFICE,
            doc: "mutation($id: ID!, $input: SignInProviderInput!) { updateSignInProvider(id: $id, input: $input) { id } }",
            vars: |f, p| {
                json!({ "id": f.providers_to_update[p], "input": sso_input(&format!("p{p}-u")) })
            },
            own_session: false,
        },
        Op {
            field: "Mutation.deleteSignInProvider",
            allowed: OFFICE,
            doc: "mutation($id: ID!) { deleteSignInProvider(id: $id) }",
            vars: |f, p| json!({ "id": f.providers_to_delete[p] }),
            own_session: false,
        },
        Op {
            field: "Query.indicators",
            allowed: Allowed::SignedIn,
            doc: "{ indicators { id chart { variation assurance } } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.indicator",
            allowed: Allowed::SignedIn,
            doc: "query($id: ID!) { indicator(id: $id) { id values { value } } }",
            vars: |f, _| json!({ "id": f.indicator }),
            own_session: false,
        },
        Op {
            field: "Mutation.createIndicator",
            allowed: OFFICE,
            doc: "mutation($input: IndicatorInput!) { createIndicator(input: $input) { id } }",
            vars: |_, p| json!({ "input": indicator_input(&format!("Indicator {p}"), None) }),
            own_session: false,
        },
        Op {
            field: "Mutation.updateIndicator",
            allowed: OFFICE,
            doc: "mutation($id: ID!, $input: IndicatorInput!) { updateIndicator(id: $id, version: 1, input: $input) { id } }",
            vars: |f, _| {
                json!({ "id": f.indicator, "input": indicator_input("Matrix indicator", Some(&f.agency)) })
            },
            own_session: false,
        },
        Op {
            field: "Mutation.recordIndicatorValue",
            // The office, or the lead of the indicator's agency (the principals' agency).
            allowed: OFFICE_OR_LEAD,
            doc: "mutation($id: ID!) { recordIndicatorValue(indicatorId: $id, period: \"2026-01\", value: 81.5) { id } }",
            vars: |f, _| json!({ "id": f.indicator }),
            own_session: false,
        },
        Op {
            field: "Mutation.importIndicatorValues",
            // As recordIndicatorValue: a file naming the principals' agency's indicator.
            allowed: OFFICE_OR_LEAD,
            doc: "mutation($c: String!) { importIndicatorValues(fileName: \"v.csv\", contentBase64: $c) { added replaced } }",
            vars: |f, _| {
                json!({ "c": base64(format!("Indicator,Period,Value\n{},2026-02,80\n", f.indicator).as_bytes()) })
            },
            own_session: false,
        },
        // Child death review learning.
        Op {
            field: "Query.childDeathYear",
            allowed: OFFICE_OR_CHAIR,
            doc: "{ childDeathYear(year: 2020) { total { count } reviews { id } } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.childDeathYears",
            allowed: OFFICE_OR_CHAIR,
            doc: "{ childDeathYears }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Mutation.recordChildDeathReview",
            allowed: OFFICE,
            doc: "mutation($input: ChildDeathReviewInput!) { recordChildDeathReview(input: $input) { id } }",
            vars: |_, p| json!({ "input": child_death_input(&format!("CDR-N-{p}")) }),
            own_session: false,
        },
        Op {
            field: "Mutation.updateChildDeathReview",
            allowed: OFFICE,
            doc: "mutation($id: ID!, $input: ChildDeathReviewInput!) { updateChildDeathReview(id: $id, version: 1, input: $input) { id } }",
            vars: |f, p| {
                json!({ "id": f.child_death_to_update[p], "input": child_death_input(&format!("CDR-U-{p}")) })
            },
            own_session: false,
        },
        Op {
            field: "Mutation.deleteChildDeathReview",
            allowed: OFFICE,
            doc: "mutation($id: ID!) { deleteChildDeathReview(id: $id, version: 1) }",
            vars: |f, p| json!({ "id": f.child_death_to_delete[p] }),
            own_session: false,
        },
        // Training and dissemination.
        Op {
            field: "Query.learningEvents",
            allowed: Allowed::SignedIn,
            doc: "{ learningEvents { id feedback { responses } } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.learningEvent",
            allowed: Allowed::SignedIn,
            doc: "query($id: ID!) { learningEvent(id: $id) { id attended } }",
            vars: |f, _| json!({ "id": f.learning_event }),
            own_session: false,
        },
        Op {
            field: "Mutation.recordLearningEvent",
            allowed: OFFICE,
            doc: "mutation($input: LearningEventInput!) { recordLearningEvent(input: $input) { id } }",
            vars: |_, p| json!({ "input": learning_event_input(&format!("New event {p}")) }),
            own_session: false,
        },
        Op {
            field: "Mutation.updateLearningEvent",
            allowed: OFFICE,
            doc: "mutation($id: ID!, $input: LearningEventInput!) { updateLearningEvent(id: $id, version: 1, input: $input) { id } }",
            vars: |f, p| {
                json!({ "id": f.events_to_update[p], "input": learning_event_input(&format!("Changed event {p}")) })
            },
            own_session: false,
        },
        Op {
            field: "Mutation.deleteLearningEvent",
            allowed: OFFICE,
            doc: "mutation($id: ID!) { deleteLearningEvent(id: $id, version: 1) }",
            vars: |f, p| json!({ "id": f.events_to_delete[p] }),
            own_session: false,
        },
        Op {
            field: "Mutation.setLearningEventEvidence",
            // The owner agency's lead and representative, and the office.
            allowed: OFFICE_OR_AGENCY_STAFF,
            doc: "mutation($a: ID!, $e: ID!) { setLearningEventEvidence(actionId: $a, eventId: $e, evidences: true) { id } }",
            vars: |f, _| json!({ "a": f.action, "e": f.learning_event }),
            own_session: false,
        },
        Op {
            field: "Mutation.giveLearningEventFeedback",
            allowed: Allowed::SignedIn,
            doc: "mutation($id: ID!) { giveLearningEventFeedback(eventId: $id, score: 4) { id } }",
            vars: |f, _| json!({ "id": f.learning_event }),
            own_session: false,
        },
        Op {
            field: "Query.annualReportNarrative",
            allowed: OFFICE_OR_CHAIR,
            doc: "{ annualReportNarrative(year: 2030) { part text } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.annualReport",
            allowed: OFFICE_OR_CHAIR,
            doc: "{ annualReport(year: 2030) { fileName contentBase64 } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Mutation.setAnnualReportNarrative",
            allowed: OFFICE,
            doc: "mutation { setAnnualReportNarrative(year: 2030, part: INTRODUCTION, text: \"Our year\") { part text } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.singleAgencyAudits",
            allowed: PLAN_READERS,
            doc: "query($a: ID!) { singleAgencyAudits(agencyId: $a) { id topic version } }",
            vars: |f, _| json!({ "a": f.agency }),
            own_session: false,
        },
        Op {
            field: "Query.qaReportYears",
            allowed: PLAN_READERS,
            doc: "{ qaReportYears }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.qaReportYear",
            allowed: PLAN_READERS,
            doc: "query($y: Int!) { qaReportYear(year: $y) { year sections { id } reports { id status } } }",
            vars: |_, _| json!({ "y": 2030 }),
            own_session: false,
        },
        Op {
            field: "Query.qaReport",
            allowed: PLAN_READERS,
            doc: "query($id: ID!) { qaReport(id: $id) { id status audits { id } } }",
            vars: |f, _| json!({ "id": f.qa_report }),
            own_session: false,
        },
        Op {
            field: "Mutation.recordSingleAgencyAudit",
            allowed: OFFICE_OR_LEAD,
            doc: "mutation($a: ID!) { recordSingleAgencyAudit(agencyId: $a, input: { topic: \"New\", sampleSize: 5, auditedOn: \"2025-06-01\", findings: \"Met\" }) { id } }",
            vars: |f, _| json!({ "a": f.agency }),
            own_session: false,
        },
        Op {
            field: "Mutation.updateSingleAgencyAudit",
            allowed: OFFICE_OR_LEAD,
            doc: "mutation($id: ID!) { updateSingleAgencyAudit(id: $id, version: 1, input: { topic: \"Changed\", sampleSize: 5, auditedOn: \"2025-06-01\", findings: \"Met\" }) { id version } }",
            vars: |f, p| json!({ "id": f.qa_audits_to_update[p] }),
            own_session: false,
        },
        Op {
            field: "Mutation.deleteSingleAgencyAudit",
            allowed: OFFICE_OR_LEAD,
            doc: "mutation($id: ID!) { deleteSingleAgencyAudit(id: $id, version: 1) }",
            vars: |f, p| json!({ "id": f.qa_audits_to_delete[p] }),
            own_session: false,
        },
        Op {
            field: "Mutation.setQaReportSections",
            allowed: OFFICE,
            doc: "mutation($y: Int!) { setQaReportSections(year: $y, sections: [{ title: \"Work done\" }]) { year } }",
            vars: |_, p| json!({ "y": 2040 + p }),
            own_session: false,
        },
        Op {
            field: "Mutation.askForQaReports",
            allowed: OFFICE,
            doc: "mutation($a: ID!, $d: NaiveDate!) { askForQaReports(year: 2031, agencyIds: [$a], dueOn: $d) { year reports { id } } }",
            vars: |f, _| {
                let due = chrono::Utc::now().date_naive() + chrono::Duration::days(40);
                json!({ "a": f.agency, "d": due.to_string() })
            },
            own_session: false,
        },
        Op {
            field: "Mutation.saveQaReportAnswer",
            allowed: OFFICE_OR_LEAD,
            doc: "mutation($r: ID!, $s: ID!) { saveQaReportAnswer(reportId: $r, sectionId: $s, version: 1, text: \"Two audits\") { id version } }",
            vars: |f, p| json!({ "r": f.qa_to_write[p].0, "s": f.qa_to_write[p].1 }),
            own_session: false,
        },
        Op {
            field: "Mutation.submitQaReport",
            allowed: OFFICE_OR_LEAD,
            doc: "mutation($id: ID!) { submitQaReport(id: $id, version: 2) { id status } }",
            vars: |f, p| json!({ "id": f.qa_to_submit[p] }),
            own_session: false,
        },
        Op {
            field: "Mutation.decideQaReport",
            allowed: OFFICE,
            doc: "mutation($id: ID!) { decideQaReport(id: $id, accept: true) { id status } }",
            vars: |f, p| json!({ "id": f.qa_to_decide[p] }),
            own_session: false,
        },
        Op {
            field: "Query.auditProgrammeYears",
            allowed: PLAN_READERS,
            doc: "{ auditProgrammeYears }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.auditProgramme",
            allowed: PLAN_READERS,
            doc: "{ auditProgramme(year: 2026) { id name audits { reference } } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.auditPool",
            allowed: PLAN_READERS,
            doc: "{ auditPool { userId name } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.auditThemeHeatmap",
            allowed: PLAN_READERS,
            doc: "query($t: ID!) { auditThemeHeatmap(themeId: $t) { audits { year } cells { questionId } } }",
            vars: |f, _| json!({ "t": f.themes_to_update.last() }),
            own_session: false,
        },
        Op {
            field: "Query.auditTool",
            allowed: Allowed::SignedIn,
            doc: "{ auditTool { stages { stage questions { id } } grades { code tone } } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Query.caseAudit",
            allowed: Allowed::SignedIn,
            doc: "query($r: ID!) { caseAudit(reviewId: $r) { reviewId theme { name } cases { label } } }",
            vars: |f, _| json!({ "r": f.audit }),
            own_session: false,
        },
        Op {
            field: "Mutation.recordAuditTheme",
            allowed: OFFICE,
            doc: "mutation { recordAuditTheme(input: { year: 2027, name: \"Self-harm\", question: \"How well?\" }) { id } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Mutation.updateAuditTheme",
            allowed: OFFICE,
            doc: "mutation($id: ID!) { updateAuditTheme(id: $id, version: 1, input: { year: 2026, name: \"Changed\", question: \"How well?\" }) { id version } }",
            vars: |f, p| json!({ "id": f.themes_to_update[p] }),
            own_session: false,
        },
        Op {
            field: "Mutation.planHotSpotAction",
            allowed: OFFICE,
            doc: "mutation($i: ID!, $a: ActionInput!) { planHotSpotAction(indicatorId: $i, input: $a) { id } }",
            vars: |f, p| json!({ "i": f.indicator, "a": action_input(&format!("Hot {p}"), &f.agency) }),
            own_session: false,
        },
        Op {
            field: "Mutation.planChildDeathAction",
            allowed: OFFICE,
            doc: "mutation($r: ID!, $a: ActionInput!) { planChildDeathAction(recordId: $r, input: $a) { id } }",
            vars: |f, p| json!({ "r": f.child_death_to_update[p], "a": action_input(&format!("Death {p}"), &f.agency) }),
            own_session: false,
        },
        Op {
            field: "Mutation.proposeAuditThemeFromIndicator",
            allowed: OFFICE,
            doc: "mutation($i: ID!) { proposeAuditThemeFromIndicator(indicatorId: $i, year: 2027) { id } }",
            vars: |f, _| json!({ "i": f.indicator }),
            own_session: false,
        },
        Op {
            field: "Mutation.deleteAuditTheme",
            allowed: OFFICE,
            doc: "mutation($id: ID!) { deleteAuditTheme(id: $id, version: 1) }",
            vars: |f, p| json!({ "id": f.themes_to_delete[p] }),
            own_session: false,
        },
        Op {
            field: "Mutation.addToAuditPool",
            allowed: OFFICE,
            doc: "mutation($u: ID!) { addToAuditPool(userId: $u) { userId } }",
            vars: |f, _| json!({ "u": f.target_user }),
            own_session: false,
        },
        Op {
            field: "Mutation.removeFromAuditPool",
            allowed: OFFICE,
            doc: "mutation($u: ID!) { removeFromAuditPool(userId: $u) { userId } }",
            vars: |f, p| json!({ "u": f.pool_to_remove[p] }),
            own_session: false,
        },
        Op {
            field: "Mutation.setCaseAudit",
            allowed: OFFICE,
            doc: "mutation($r: ID!, $t: ID!) { setCaseAudit(reviewId: $r, version: 0, themeId: $t, auditorIds: []) { version } }",
            vars: |f, p| json!({ "r": f.audits_to_set[p], "t": f.themes_to_update.last() }),
            own_session: false,
        },
        Op {
            field: "Mutation.recordAuditCase",
            allowed: OFFICE,
            doc: "mutation($r: ID!, $a: ID!) { recordAuditCase(reviewId: $r, input: { label: \"Case 9: Child Z, aged 1\", whyChosen: \"Chosen\", agencyIds: [$a] }) { id } }",
            vars: |f, _| json!({ "r": f.audit, "a": f.agency }),
            own_session: false,
        },
        Op {
            field: "Mutation.updateAuditCase",
            allowed: OFFICE,
            doc: "mutation($id: ID!, $a: ID!) { updateAuditCase(id: $id, version: 1, input: { label: \"Changed\", whyChosen: \"Chosen\", agencyIds: [$a] }) { id version } }",
            vars: |f, p| json!({ "id": f.cases_to_update[p], "a": f.agency }),
            own_session: false,
        },
        Op {
            field: "Mutation.deleteAuditCase",
            allowed: OFFICE,
            doc: "mutation($id: ID!) { deleteAuditCase(id: $id, version: 1) }",
            vars: |f, p| json!({ "id": f.cases_to_delete[p] }),
            own_session: false,
        },
        Op {
            field: "Mutation.saveAuditMeeting",
            allowed: OFFICE,
            doc: "mutation($r: ID!) { saveAuditMeeting(reviewId: $r, version: 0, input: { summaryOfLearning: \"Learning\" }) { meeting { version } } }",
            vars: |f, _| json!({ "r": f.audit }),
            own_session: false,
        },
        Op {
            field: "Query.distributionLists",
            allowed: OFFICE,
            doc: "{ distributionLists { id name recipients { email } } }",
            vars: |_, _| json!({}),
            own_session: false,
        },
        Op {
            field: "Mutation.createDistributionList",
            allowed: OFFICE,
            doc: "mutation($n: String!) { createDistributionList(input: { name: $n, recipients: \"a@b.example\" }) { id } }",
            vars: |_, p| json!({ "n": format!("Made by {}", principal_name(p)) }),
            own_session: false,
        },
        Op {
            field: "Mutation.updateDistributionList",
            allowed: OFFICE,
            doc: "mutation($id: ID!, $n: String!) { updateDistributionList(id: $id, version: 1, input: { name: $n, recipients: \"a@b.example\" }) { version } }",
            vars: |f, p| json!({ "id": f.lists_to_update[p], "n": format!("Changed by {}", principal_name(p)) }),
            own_session: false,
        },
        Op {
            field: "Mutation.deleteDistributionList",
            allowed: OFFICE,
            doc: "mutation($id: ID!) { deleteDistributionList(id: $id, version: 1) }",
            vars: |f, p| json!({ "id": f.lists_to_delete[p] }),
            own_session: false,
        },
        Op {
            field: "Mutation.sendLearningSummary",
            allowed: OFFICE,
            doc: "mutation($s: ID!, $l: ID!) { sendLearningSummary(summaryId: $s, listId: $l) { recorded alreadySent } }",
            vars: |f, _| json!({ "s": f.published_summary, "l": f.distribution_list }),
            own_session: false,
        },
        Op {
            field: "Query.learningSummarySendings",
            allowed: OFFICE,
            doc: "query($s: ID!) { learningSummarySendings(summaryId: $s) { email emailedAt } }",
            vars: |f, _| json!({ "s": f.published_summary }),
            own_session: false,
        },
        Op {
            field: "Query.caseAuditExport",
            allowed: OFFICE_OR_CHAIR,
            doc: "query($r: ID!) { caseAuditExport(reviewId: $r) { fileName } }",
            vars: |f, _| json!({ "r": f.audit }),
            own_session: false,
        },
        Op {
            field: "Query.caseAuditReport",
            allowed: OFFICE_OR_CHAIR,
            doc: "query($r: ID!) { caseAuditReport(reviewId: $r) { fileName } }",
            vars: |f, _| json!({ "r": f.audit }),
            own_session: false,
        },
        Op {
            field: "Mutation.saveAuditGrade",
            allowed: AGENCY_EDITORS,
            doc: "mutation($c: ID!) { saveAuditGrade(caseId: $c, questionId: \"q-harm-1\", grade: \"GOOD\", evidence: \"Seen\") { grade } }",
            vars: |f, _| json!({ "c": f.audit_case }),
            own_session: false,
        },
    ]
}

/// Operations the policy lets through that then need something the matrix's people do
/// not have (an authenticator app, a pending sign-in): an allowed caller must get exactly
/// this code from the service (so the call got past the policy), never a refusal by it.
const ANSWERED_BY_THE_SERVICE: &[(&str, &str)] = &[
    ("Mutation.completeSignIn", "SIGN_IN_NOT_STARTED"),
    ("Mutation.confirmSecondFactorEnrolment", "CONFLICT"),
    ("Mutation.disableSecondFactor", "CONFLICT"),
    ("Mutation.regenerateRecoveryCodes", "CONFLICT"),
    // The matrix's indicator has no values, so it is no hot spot to propose a theme from.
    ("Mutation.proposeAuditThemeFromIndicator", "VALIDATION"),
    ("Mutation.planHotSpotAction", "VALIDATION"),
];

/// A single sign-on provider for `<label>.matrix-sso.example`.
fn sso_input(label: &str) -> Value {
    json!({
        "name": format!("Provider {label}"),
        "issuerUrl": "https://login.matrix-sso.example",
        "clientId": "learning-platform",
        "clientSecret": "secret",
        "domains": [format!("{label}.matrix-sso.example")],
    })
}

/// Starts the learning summary of a review as the business office, returning its id.
async fn start_summary(office: &Client, review: &str) -> String {
    office
        .ok(
            "mutation($r: ID!) { startLearningSummary(reviewId: $r) { id } }",
            json!({ "r": review }),
        )
        .await["startLearningSummary"]["id"]
        .as_str()
        .expect("summary id")
        .to_owned()
}

/// The Query and Mutation fields the server's schema has.
fn root_fields() -> BTreeSet<String> {
    let doc = async_graphql::parser::parse_schema(server::graphql::sdl()).expect("SDL parses");
    let mut fields = BTreeSet::new();
    for def in doc.definitions {
        let TypeSystemDefinition::Type(ty) = def else {
            continue;
        };
        let name = ty.node.name.node.to_string();
        if name != "Query" && name != "Mutation" {
            continue;
        }
        if let TypeKind::Object(object) = &ty.node.kind {
            for field in &object.fields {
                fields.insert(format!("{name}.{}", field.node.name.node));
            }
        }
    }
    fields
}

#[test]
fn the_matrix_covers_every_query_and_mutation() {
    let schema = root_fields();
    assert!(
        schema.contains("Query.review") && schema.contains("Mutation.signIn"),
        "the SDL was not read: {schema:?}"
    );
    let rows: Vec<&str> = ops().iter().map(|op| op.field).collect();
    let table: BTreeSet<String> = rows.iter().map(|f| (*f).to_owned()).collect();
    assert_eq!(
        table.len(),
        rows.len(),
        "an operation has two rows: {rows:?}"
    );
    let missing: Vec<&String> = schema.difference(&table).collect();
    assert!(
        missing.is_empty(),
        "operations without a row in the authorization matrix: {missing:?}"
    );
    let stale: Vec<&String> = table.difference(&schema).collect();
    assert!(
        stale.is_empty(),
        "matrix rows for operations the schema no longer has: {stale:?}"
    );
}

async fn create_review(office: &Client, reference: &str, members: &[(String, &str)]) -> String {
    office
        .ok(
            "mutation($input: ReviewInput!) { createReview(input: $input) { id } }",
            json!({ "input": review_input(reference, members) }),
        )
        .await["createReview"]["id"]
        .as_str()
        .expect("review id")
        .to_owned()
}

async fn decide(chair: &Client, id: &str, decision: &str) {
    chair
        .ok(
            "mutation($id: ID!, $d: ThresholdDecision!) { recordThresholdDecision(reviewId: $id, input: { decision: $d, justification: \"Reasons\", decidedOn: \"2016-05-20\" }) { id } }",
            json!({ "id": id, "d": decision }),
        )
        .await;
}

/// A review with `agencies` and `members`, and `rep`'s agency's return in it.
async fn agency_return(
    office: &Client,
    rep: &Client,
    reference: &str,
    agencies: &[&str],
    members: &[(&str, &str)],
) -> (String, String) {
    let review = review_with(office, reference, agencies, members).await;
    let ret = rep.my_return_id(&review).await;
    (review, ret)
}

async fn add_entry(rep: &Client, ret: &str, input: Value) -> String {
    rep.ok(
        "mutation($r: ID!, $i: EntryInput!) { addChronologyEntry(returnId: $r, input: $i) { id } }",
        json!({ "r": ret, "i": input }),
    )
    .await["addChronologyEntry"]["id"]
        .as_str()
        .expect("entry id")
        .to_owned()
}

async fn submit_return(rep: &Client, ret: &str) {
    rep.ok(
        "mutation($r: ID!) { submitChronologyReturn(returnId: $r) { id } }",
        json!({ "r": ret }),
    )
    .await;
}

const INTEGRATED: &str = "query($id: ID!) { review(id: $id) { integratedChronology { \
    duplicateGroups { key decision } \
    annotations { entryId annotations { id kind answers { id text } } } } } }";

/// The secret of the password reset link made for principal `p` (see `reset_links`).
fn reset_secret(p: usize) -> String {
    format!("matrixresetlink{p}")
}

/// One person per principal with an unused reset link whose secret is [`reset_secret`].
async fn reset_links(app: &TestApp) {
    for p in 0..PRINCIPALS.len() {
        let user_id = app
            .person(
                &format!("reset-{p}@matrix.example"),
                &[Role::IndependentChair],
                None,
            )
            .await;
        let at = chrono::Utc::now();
        server::entities::password_reset::ActiveModel {
            id: Set(format!("matrix-reset-{p}")),
            user_id: Set(user_id),
            token_hash: Set(server::api_tokens::hash_secret(&reset_secret(p))),
            created_at: Set(at),
            expires_at: Set(at + chrono::Duration::hours(1)),
            used_at: Set(None),
        }
        .insert(app.db())
        .await
        .expect("reset link");
    }
}

/// Signs in one person per role (and an anonymous client), and builds the fixture.
async fn setup(app: &TestApp) -> (Vec<Client>, Fixture) {
    reset_links(app).await;
    let agency = app.agency("Matrix Police", "MAT").await;
    let other_agency = app.agency("Other agency", "OTH").await;
    let target_user = app
        .person(
            "target@matrix.example",
            &[Role::Practitioner],
            Some(&agency),
        )
        .await;
    let mut clients = vec![app.client()];
    let mut members = Vec::new();
    let mut user_ids = Vec::new();
    for (p, role) in PRINCIPALS.iter().enumerate().skip(1) {
        let role = role.expect("a role");
        let home = role.is_agency_role().then_some(agency.as_str());
        let (client, id) = app.signed_in(&email_of(p), &[role], home).await;
        user_ids.push(id.clone());
        if role.is_agency_role() {
            members.push((id, "MEMBER"));
        }
        clients.push(client);
    }
    let office = clients[1].clone();
    let chair = clients[2].clone();
    let review = create_review(&office, "MATRIX-ALL", &members).await;
    let mut fixture = Fixture {
        agency,
        other_agency,
        target_user,
        review,
        to_update: Vec::new(),
        returns_asked: Vec::new(),
        s11_assessment: String::new(),
        s11_to_answer: Vec::new(),
        s11_to_submit: Vec::new(),
        s11_to_decide: Vec::new(),
        s11_to_challenge: Vec::new(),
        s11_challenge_to_withdraw: Vec::new(),
        s11_challenge_to_answer: Vec::new(),
        undecided: Vec::new(),
        decided: Vec::new(),
        initiated: Vec::new(),
        draft_return: String::new(),
        entry_to_update: Vec::new(),
        entry_to_delete: Vec::new(),
        import_return: String::new(),
        import_job: String::new(),
        to_submit: Vec::new(),
        to_reopen: Vec::new(),
        chronology_review: String::new(),
        duplicate_key: String::new(),
        submitted_entry: String::new(),
        questions: Vec::new(),
        to_share: String::new(),
        glossary_terms: Vec::new(),
        points_to_update: Vec::new(),
        point: String::new(),
        recommendation: String::new(),
        actions_to_update: Vec::new(),
        action: String::new(),
        committee: String::new(),
        notifications: Vec::new(),
        tokens: Vec::new(),
        providers_to_update: Vec::new(),
        providers_to_delete: Vec::new(),
        summary: String::new(),
        to_start: String::new(),
        summaries_to_submit: Vec::new(),
        approved_summary: String::new(),
        published_summary: String::new(),
        indicator: String::new(),
        child_death_to_update: Vec::new(),
        child_death_to_delete: Vec::new(),
        learning_event: String::new(),
        events_to_update: Vec::new(),
        events_to_delete: Vec::new(),
        qa_audits_to_update: Vec::new(),
        qa_audits_to_delete: Vec::new(),
        qa_report: String::new(),
        qa_to_write: Vec::new(),
        qa_to_submit: Vec::new(),
        qa_to_decide: Vec::new(),
        audit: String::new(),
        audit_case: String::new(),
        themes_to_update: Vec::new(),
        themes_to_delete: Vec::new(),
        pool_to_remove: Vec::new(),
        distribution_list: String::new(),
        lists_to_update: Vec::new(),
        lists_to_delete: Vec::new(),
        audits_to_set: Vec::new(),
        cases_to_update: Vec::new(),
        cases_to_delete: Vec::new(),
    };
    for p in 0..PRINCIPALS.len() {
        fixture
            .to_update
            .push(create_review(&office, &format!("UPD-{p}"), &members).await);
        fixture
            .undecided
            .push(create_review(&office, &format!("UND-{p}"), &members).await);
        fixture
            .returns_asked
            .push(create_review(&office, &format!("RET-{p}"), &members).await);
        let decided = create_review(&office, &format!("DEC-{p}"), &members).await;
        decide(&chair, &decided, "DO_NOT_INITIATE").await;
        office
            .ok(
                "mutation($id: ID!) { setLegalHold(reviewId: $id, reason: \"Matrix\") { id } }",
                json!({ "id": decided }),
            )
            .await;
        fixture.decided.push(decided);
        let initiated = create_review(&office, &format!("INI-{p}"), &members).await;
        decide(&chair, &initiated, "INITIATE").await;
        fixture.initiated.push(initiated);
    }

    // Section 11: a year per use, so that each principal's call meets the version it expects.
    let s11_agency = fixture.agency.clone();
    let s11 = |year: i32| {
        let office = office.clone();
        let agency = s11_agency.clone();
        async move {
            office
                .ok(
                    "mutation($y: Int!) { setSection11Standards(year: $y, standards: [{ title: \"Training\" }, { title: \"Information sharing\" }]) { year } }",
                    json!({ "y": year }),
                )
                .await;
            let due = (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string();
            let opened = office
                .ok(
                    "mutation($y: Int!, $a: [ID!]!, $d: NaiveDate!) { openSection11Year(year: $y, agencyIds: $a, dueOn: $d) { assessments { id standards { id } } } }",
                    json!({ "y": year, "a": [agency], "d": due }),
                )
                .await;
            let a = &opened["openSection11Year"]["assessments"][0];
            let id = a["id"].as_str().expect("assessment").to_owned();
            let standards: Vec<String> = a["standards"]
                .as_array()
                .expect("standards")
                .iter()
                .map(|s| s["id"].as_str().expect("standard").to_owned())
                .collect();
            (id, standards)
        }
    };
    let answer = |id: String, standard: String, version: i32| {
        let office = office.clone();
        async move {
            office
                .ok(
                    "mutation($a: ID!, $s: ID!, $v: Int!) { saveSection11Answer(assessmentId: $a, standardId: $s, version: $v, answer: { rating: GREEN, evidence: \"Audited\" }) { version } }",
                    json!({ "a": id, "s": standard, "v": version }),
                )
                .await;
        }
    };
    // An assessment of `year` with both standards answered (version 3), submitted when
    // asked (version 4).
    let complete = |year: i32, submit: bool| {
        let office = office.clone();
        let s11 = &s11;
        let answer = &answer;
        async move {
            let (id, standards) = s11(year).await;
            answer(id.clone(), standards[0].clone(), 1).await;
            answer(id.clone(), standards[1].clone(), 2).await;
            if submit {
                office
                    .ok(
                        "mutation($id: ID!) { submitSection11Assessment(id: $id, version: 3) { id } }",
                        json!({ "id": id }),
                    )
                    .await;
            }
            (id, standards)
        }
    };
    fixture.s11_assessment = s11(2030).await.0;
    for p in 0..PRINCIPALS.len() {
        let year = i32::try_from(p).unwrap_or(0);
        let (id, standards) = s11(2050 + year).await;
        fixture.s11_to_answer.push((id, standards[0].clone()));
        fixture
            .s11_to_submit
            .push(complete(2060 + year, false).await.0);
        fixture
            .s11_to_decide
            .push(complete(2070 + year, true).await.0);
        // Submitted (version 4), challenged (5), returned (6).
        for (base, step) in [(2080, 0), (2090, 1), (2020, 2)] {
            let (id, standards) = complete(base + year, true).await;
            if step == 0 {
                fixture.s11_to_challenge.push((id, standards[0].clone()));
                continue;
            }
            let asked = office
                .ok(
                    "mutation($a: ID!, $s: ID!) { askSection11Challenge(assessmentId: $a, version: 4, standardId: $s, question: \"Who checks?\") { challenges { id } } }",
                    json!({ "a": id, "s": standards[0] }),
                )
                .await;
            let challenge = asked["askSection11Challenge"]["challenges"][0]["id"]
                .as_str()
                .expect("challenge")
                .to_owned();
            if step == 1 {
                fixture.s11_challenge_to_withdraw.push(challenge);
                continue;
            }
            office
                .ok(
                    "mutation($id: ID!) { decideSection11Assessment(id: $id, accept: false) { id } }",
                    json!({ "id": id }),
                )
                .await;
            fixture.s11_challenge_to_answer.push(challenge);
        }
    }

    // The chronology: reviews with the principals' agency as a member agency.
    let rep = clients[4].clone();
    let home = [fixture.agency.as_str()];
    let member_refs: Vec<(&str, &str)> = members.iter().map(|(id, r)| (id.as_str(), *r)).collect();
    let (_, draft) = agency_return(&office, &rep, "CHR-DRAFT", &home, &member_refs).await;
    for p in 0..PRINCIPALS.len() {
        let to_update = add_entry(&rep, &draft, entry_input(&format!("U-{p}"))).await;
        fixture.entry_to_update.push(to_update);
        let to_delete = add_entry(&rep, &draft, entry_input(&format!("D-{p}"))).await;
        fixture.entry_to_delete.push(to_delete);
    }
    fixture.draft_return = draft;
    fixture.import_return = agency_return(&office, &rep, "CHR-IMPORT", &home, &member_refs)
        .await
        .1;
    let started = rep
        .ok(
            "mutation($r: ID!, $c: String!) { startChronologyImport(returnId: $r, fileName: \"c.csv\", contentBase64: $c) { id } }",
            json!({ "r": fixture.import_return, "c": base64(IMPORT_CSV) }),
        )
        .await;
    fixture.import_job = started["startChronologyImport"]["id"]
        .as_str()
        .expect("import job id")
        .to_owned();
    for p in 0..PRINCIPALS.len() {
        let (_, ret) =
            agency_return(&office, &rep, &format!("CHR-SUB-{p}"), &home, &member_refs).await;
        add_entry(&rep, &ret, entry_input("S-1")).await;
        fixture.to_submit.push(ret);
        let (_, ret) =
            agency_return(&office, &rep, &format!("CHR-REO-{p}"), &home, &member_refs).await;
        add_entry(&rep, &ret, entry_input("R-1")).await;
        submit_return(&rep, &ret).await;
        fixture.to_reopen.push(ret);
    }

    // Two agencies' submitted accounts of one event: a duplicate group.
    let (other_rep, other_rep_id) = app
        .signed_in(
            "other.rep@matrix.example",
            &[Role::AgencyRepresentative],
            Some(&fixture.other_agency),
        )
        .await;
    let mut with_other = member_refs.clone();
    with_other.push((other_rep_id.as_str(), "MEMBER"));
    let both = [fixture.agency.as_str(), fixture.other_agency.as_str()];
    let (review, ret) = agency_return(&office, &rep, "CHR-MERGED", &both, &with_other).await;
    let mut input = entry_input("M-1");
    input["event"] = json!("Police attended home address after domestic incident, mother injured");
    let entry = add_entry(&rep, &ret, input).await;
    submit_return(&rep, &ret).await;
    let theirs = other_rep.my_return_id(&review).await;
    let mut input = entry_input("O-1");
    input["event"] = json!("Domestic incident at home address reported by police, mother injured");
    add_entry(&other_rep, &theirs, input).await;
    submit_return(&other_rep, &theirs).await;
    let merged = office.ok(INTEGRATED, json!({ "id": review })).await;
    fixture.duplicate_key = merged["review"]["integratedChronology"]["duplicateGroups"][0]["key"]
        .as_str()
        .unwrap_or_else(|| panic!("a duplicate group: {merged:#}"))
        .to_owned();
    for p in 0..PRINCIPALS.len() {
        let question = office
            .ok(
                "mutation($e: ID!, $t: String!) { annotateEntry(entryId: $e, kind: QUESTION, text: $t) { id } }",
                json!({ "e": entry, "t": format!("Question {p}") }),
            )
            .await["annotateEntry"]["id"]
            .as_str()
            .expect("question id")
            .to_owned();
        fixture.questions.push(question);
    }
    office
        .ok(
            "mutation($id: ID!) { shareIntegratedChronology(reviewId: $id) { sharedAt } }",
            json!({ "id": review }),
        )
        .await;
    for p in 0..PRINCIPALS.len() {
        let term = office
            .ok(
                "mutation($r: ID!, $t: String!) { addGlossaryTerm(reviewId: $r, input: { realText: $t, replacement: \"Person\" }) { id } }",
                json!({ "r": review, "t": format!("Remove Me {p}") }),
            )
            .await["addGlossaryTerm"]["id"]
            .as_str()
            .expect("term id")
            .to_owned();
        fixture.glossary_terms.push(term);
    }
    fixture.chronology_review = review;
    fixture.submitted_entry = entry;
    fixture.to_share = review_with(&office, "CHR-SHARE", &home, &member_refs).await;

    // Action plans, on the review every agency principal is a member of.
    let point = |title: String| {
        let office = office.clone();
        let review = fixture.review.clone();
        async move {
            office
                .ok(
                    "mutation($r: ID!, $i: LearningPointInput!) { createLearningPoint(reviewId: $r, input: $i) { id } }",
                    json!({ "r": review, "i": point_input(&title) }),
                )
                .await["createLearningPoint"]["id"]
                .as_str()
                .expect("learning point id")
                .to_owned()
        }
    };
    for p in 0..PRINCIPALS.len() {
        fixture
            .points_to_update
            .push(point(format!("To update {p}")).await);
    }
    fixture.point = point("Strategy discussions".into()).await;
    fixture.recommendation = office
        .ok(
            "mutation($p: ID!) { addRecommendation(learningPointId: $p, text: \"Invite health\") { id } }",
            json!({ "p": fixture.point }),
        )
        .await["addRecommendation"]["id"]
        .as_str()
        .expect("recommendation id")
        .to_owned();
    let create_action = |title: String| {
        let office = office.clone();
        let rec = fixture.recommendation.clone();
        let agency = fixture.agency.clone();
        async move {
            office
                .ok(
                    "mutation($r: ID!, $i: ActionInput!) { createAction(recommendationId: $r, input: $i) { id } }",
                    json!({ "r": rec, "i": action_input(&title, &agency) }),
                )
                .await["createAction"]["id"]
                .as_str()
                .expect("action id")
                .to_owned()
        }
    };
    for p in 0..PRINCIPALS.len() {
        fixture
            .actions_to_update
            .push(create_action(format!("To update {p}")).await);
    }
    fixture.action = create_action("Invite health".into()).await;
    fixture.committee = office.ok("{ committees { id } }", json!({})).await["committees"][2]["id"]
        .as_str()
        .expect("committee id")
        .to_owned();
    // Anonymous callers try the business office's notification.
    for (p, user) in std::iter::once(&user_ids[0]).chain(&user_ids).enumerate() {
        let id = uuid::Uuid::new_v4().to_string();
        notification::ActiveModel {
            id: Set(id.clone()),
            user_id: Set(user.clone()),
            item_key: Set(format!("action:{}:{p}", fixture.action)),
            kind: Set(if p == 0 {
                "ACTION_OVERDUE"
            } else {
                "ACTION_DUE_SOON"
            }
            .into()),
            title: Set("Action A-1: Invite health".into()),
            link: Set(format!("/actions/{}", fixture.action)),
            review_id: Set(None),
            action_id: Set(Some(fixture.action.clone())),
            due_on: Set(None),
            created_at: Set(chrono::Utc::now()),
            read_at: Set(None),
            email_claimed_at: Set(None),
            emailed_at: Set(None),
        }
        .insert(app.db())
        .await
        .expect("notification");
        fixture.notifications.push(id);
    }
    let expires = (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string();
    for p in 0..PRINCIPALS.len() {
        let made = office
            .ok(
                "mutation($a: ID!, $n: String!, $e: NaiveDate!) { createApiToken(agencyId: $a, name: $n, expiresOn: $e) { token { id } } }",
                json!({ "a": fixture.agency, "n": format!("Token {p}"), "e": expires }),
            )
            .await;
        fixture.tokens.push(
            made["createApiToken"]["token"]["id"]
                .as_str()
                .expect("token id")
                .to_owned(),
        );
    }

    for p in 0..PRINCIPALS.len() {
        for (kind, list) in [
            ("u", &mut fixture.providers_to_update),
            ("d", &mut fixture.providers_to_delete),
        ] {
            let made = office
                .ok(
                    "mutation($input: SignInProviderInput!) { createSignInProvider(input: $input) { id } }",
                    json!({ "input": sso_input(&format!("p{p}-{kind}")) }),
                )
                .await;
            list.push(
                made["createSignInProvider"]["id"]
                    .as_str()
                    .expect("provider id")
                    .to_owned(),
            );
        }
    }

    // Learning summaries, of reviews every agency principal is a member of.
    fixture.summary = start_summary(&office, &fixture.review).await;
    fixture.to_start = create_review(&office, "SUM-START", &members).await;
    for p in 0..PRINCIPALS.len() {
        let review = create_review(&office, &format!("SUM-SUB-{p}"), &members).await;
        fixture
            .summaries_to_submit
            .push(start_summary(&office, &review).await);
    }
    let review = create_review(&office, "SUM-PUB", &members).await;
    let approved = start_summary(&office, &review).await;
    let move_doc = "mutation($s: ID!, $to: SummaryState!) { moveLearningSummary(summaryId: $s, to: $to) { state } }";
    office
        .ok(move_doc, json!({ "s": approved, "to": "IN_REVIEW" }))
        .await;
    chair
        .ok(move_doc, json!({ "s": approved, "to": "APPROVED" }))
        .await;
    fixture.approved_summary = approved;
    let review = create_review(&office, "SUM-PUBLIC", &members).await;
    let published = start_summary(&office, &review).await;
    office
        .ok(move_doc, json!({ "s": published, "to": "IN_REVIEW" }))
        .await;
    chair
        .ok(move_doc, json!({ "s": published, "to": "APPROVED" }))
        .await;
    let until = chrono::Utc::now().date_naive() + chrono::Duration::days(400);
    office
        .ok(
            "mutation($s: ID!, $d: NaiveDate!) { publishLearningSummary(summaryId: $s, availableUntil: $d) { state } }",
            json!({ "s": published, "d": until.to_string() }),
        )
        .await;
    fixture.published_summary = published;
    let indicator = office
        .ok(
            "mutation($input: IndicatorInput!) { createIndicator(input: $input) { id } }",
            json!({ "input": indicator_input("Matrix indicator", Some(&fixture.agency)) }),
        )
        .await;
    fixture.indicator = indicator["createIndicator"]["id"]
        .as_str()
        .expect("indicator")
        .to_owned();
    for p in 0..PRINCIPALS.len() {
        for (prefix, list) in [
            ("U", &mut fixture.child_death_to_update),
            ("D", &mut fixture.child_death_to_delete),
        ] {
            let made = office
                .ok(
                    "mutation($input: ChildDeathReviewInput!) { recordChildDeathReview(input: $input) { id } }",
                    json!({ "input": child_death_input(&format!("CDR-{prefix}-{p}")) }),
                )
                .await;
            list.push(
                made["recordChildDeathReview"]["id"]
                    .as_str()
                    .expect("record")
                    .to_owned(),
            );
        }
    }
    let record_event = |title: String| {
        let office = &office;
        async move {
            office
                .ok(
                    "mutation($input: LearningEventInput!) { recordLearningEvent(input: $input) { id } }",
                    json!({ "input": learning_event_input(&title) }),
                )
                .await["recordLearningEvent"]["id"]
                .as_str()
                .expect("learning event")
                .to_owned()
        }
    };
    fixture.learning_event = record_event("Matrix event".into()).await;
    for p in 0..PRINCIPALS.len() {
        let updated = record_event(format!("Event to change {p}")).await;
        fixture.events_to_update.push(updated);
        let deleted = record_event(format!("Event to delete {p}")).await;
        fixture.events_to_delete.push(deleted);
    }

    // Agencies' QA work: audits of the principals' agency, and a year of one-section
    // reports per use.
    let qa_agency = fixture.agency.clone();
    let record_audit = |topic: String| {
        let office = &office;
        let agency = qa_agency.clone();
        async move {
            office
                .ok(
                    "mutation($a: ID!, $t: String!) { recordSingleAgencyAudit(agencyId: $a, input: { topic: $t, sampleSize: 10, auditedOn: \"2025-05-01\", findings: \"Met\" }) { id } }",
                    json!({ "a": agency, "t": topic }),
                )
                .await["recordSingleAgencyAudit"]["id"]
                .as_str()
                .expect("audit")
                .to_owned()
        }
    };
    let qa_year = |year: i32, written: bool, submitted: bool| {
        let office = &office;
        let agency = qa_agency.clone();
        async move {
            office
                .ok(
                    "mutation($y: Int!) { setQaReportSections(year: $y, sections: [{ title: \"Work done\" }]) { year } }",
                    json!({ "y": year }),
                )
                .await;
            let due = (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string();
            let asked = office
                .ok(
                    "mutation($y: Int!, $a: [ID!]!, $d: NaiveDate!) { askForQaReports(year: $y, agencyIds: $a, dueOn: $d) { reports { id sections { id } } } }",
                    json!({ "y": year, "a": [agency], "d": due }),
                )
                .await;
            let r = &asked["askForQaReports"]["reports"][0];
            let id = r["id"].as_str().expect("report").to_owned();
            let section = r["sections"][0]["id"].as_str().expect("section").to_owned();
            if written {
                office
                    .ok(
                        "mutation($r: ID!, $s: ID!) { saveQaReportAnswer(reportId: $r, sectionId: $s, version: 1, text: \"Two audits\") { version } }",
                        json!({ "r": id, "s": section }),
                    )
                    .await;
            }
            if submitted {
                office
                    .ok(
                        "mutation($id: ID!) { submitQaReport(id: $id, version: 2) { id } }",
                        json!({ "id": id }),
                    )
                    .await;
            }
            (id, section)
        }
    };
    fixture.qa_report = qa_year(2030, false, false).await.0;
    for p in 0..PRINCIPALS.len() {
        let year = i32::try_from(p).unwrap_or(0);
        fixture
            .qa_audits_to_update
            .push(record_audit(format!("Audit to change {p}")).await);
        fixture
            .qa_audits_to_delete
            .push(record_audit(format!("Audit to delete {p}")).await);
        fixture
            .qa_to_write
            .push(qa_year(2050 + year, false, false).await);
        fixture
            .qa_to_submit
            .push(qa_year(2060 + year, true, false).await.0);
        fixture
            .qa_to_decide
            .push(qa_year(2070 + year, true, true).await.0);
    }
    audit_fixture(app, &office, &members, &mut fixture).await;
    distribution_fixture(&office, &mut fixture).await;
    (clients, fixture)
}

/// Case audits: a theme, an audit of the principals' agency with a case, and one of each
/// thing to change per principal.
async fn distribution_fixture(office: &Client, fixture: &mut Fixture) {
    let list = |name: String| async move {
        office
            .ok(
                "mutation($n: String!) { createDistributionList(input: { name: $n, recipients: \"Dee Lead <dsl@school.example>\" }) { id } }",
                json!({ "n": name }),
            )
            .await["createDistributionList"]["id"]
            .as_str()
            .expect("list")
            .to_owned()
    };
    fixture.distribution_list = list("Schools".into()).await;
    for p in 0..PRINCIPALS.len() {
        fixture
            .lists_to_update
            .push(list(format!("List to change {p}")).await);
        fixture
            .lists_to_delete
            .push(list(format!("List to delete {p}")).await);
    }
}

async fn audit_fixture(
    app: &TestApp,
    office: &Client,
    members: &[(String, &str)],
    fixture: &mut Fixture,
) {
    let theme = |name: String| async move {
        office
            .ok(
                "mutation($n: String!) { recordAuditTheme(input: { year: 2026, name: $n, question: \"How well?\" }) { id } }",
                json!({ "n": name }),
            )
            .await["recordAuditTheme"]["id"]
            .as_str()
            .expect("theme")
            .to_owned()
    };
    let agency = fixture.agency.clone();
    let audit = |reference: String| {
        let agency = agency.clone();
        async move {
            let mut input = review_input(&reference, members);
            input["kind"] = json!("MULTI_AGENCY_CASE_AUDIT");
            input["agencyIds"] = json!([agency]);
            office
                .ok(
                    "mutation($input: ReviewInput!) { createReview(input: $input) { id } }",
                    json!({ "input": input }),
                )
                .await["createReview"]["id"]
                .as_str()
                .expect("audit review")
                .to_owned()
        }
    };
    let case = |review: String, label: String| {
        let agency = agency.clone();
        async move {
            office
                .ok(
                    "mutation($r: ID!, $l: String!, $a: ID!) { recordAuditCase(reviewId: $r, input: { label: $l, whyChosen: \"Chosen\", agencyIds: [$a] }) { id } }",
                    json!({ "r": review, "l": label, "a": agency }),
                )
                .await["recordAuditCase"]["id"]
                .as_str()
                .expect("case")
                .to_owned()
        }
    };
    let used_theme = theme("Neglect".into()).await;
    fixture.audit = audit("MACA-MATRIX".into()).await;
    office
        .ok(
            "mutation($r: ID!, $t: ID!) { setCaseAudit(reviewId: $r, version: 0, themeId: $t, auditorIds: []) { version } }",
            json!({ "r": fixture.audit, "t": used_theme }),
        )
        .await;
    fixture.audit_case = case(fixture.audit.clone(), "Case 1: Child A, aged 3".into()).await;
    for p in 0..PRINCIPALS.len() {
        fixture
            .themes_to_update
            .push(theme(format!("Theme to change {p}")).await);
        fixture
            .themes_to_delete
            .push(theme(format!("Theme to delete {p}")).await);
        let person = app
            .person(
                &format!("pool{p}@matrix.example"),
                &[Role::AgencyRepresentative],
                Some(&fixture.agency),
            )
            .await;
        office
            .ok(
                "mutation($u: ID!) { addToAuditPool(userId: $u) { userId } }",
                json!({ "u": person }),
            )
            .await;
        fixture.pool_to_remove.push(person);
        fixture
            .audits_to_set
            .push(audit(format!("MACA-SET-{p}")).await);
        fixture
            .cases_to_update
            .push(case(fixture.audit.clone(), format!("Case to change {p}")).await);
        fixture
            .cases_to_delete
            .push(case(fixture.audit.clone(), format!("Case to delete {p}")).await);
    }
    // The theme the audits to set are given.
    fixture.themes_to_update.push(used_theme);
}

/// Explains a wrong cell that is a known server bug.
fn known_bug(field: &str, code: Option<&str>) -> &'static str {
    let keeps_return = [
        "Mutation.addChronologyEntry",
        "Mutation.updateChronologyEntry",
        "Mutation.deleteChronologyEntry",
        "Mutation.previewChronologyImport",
        "Mutation.confirmChronologyImport",
        "Mutation.submitChronologyReturn",
    ];
    if keeps_return.contains(&field) && code == Some("NOT_FOUND") {
        "\n  BUG: the caller sees this return (chronologyReturns lists it) but is told it does \
         not exist; chronology::service::kept_return should answer FORBIDDEN to people who \
         can see the return (see chronology::seeing_a_return_is_not_keeping_it)"
    } else {
        ""
    }
}

/// The root field's name in a response, from `Type.field`.
fn response_key(field: &str) -> &str {
    field.split_once('.').map_or(field, |(_, f)| f)
}

async fn every_role_gets_what_the_matrix_says(backend: Backend) {
    run(backend, |app| async move {
        let (clients, fixture) = setup(&app).await;
        let mut failures = Vec::new();
        let mut cells = 0;
        for op in ops() {
            for (p, client) in clients.iter().enumerate() {
                let client = match (op.own_session, PRINCIPALS[p]) {
                    (false, None) | (true, None) => app.client(),
                    (false, Some(_)) => client.clone(),
                    (true, Some(_)) => {
                        let fresh = app.client();
                        fresh.sign_in(&email_of(p), PASSWORD).await;
                        fresh
                    }
                };
                let body = client.gql(op.doc, (op.vars)(&fixture, p)).await;
                cells += 1;
                let key = response_key(op.field);
                let who = principal_name(p);
                let code = error_code(&body);
                let answered = ANSWERED_BY_THE_SERVICE
                    .iter()
                    .find(|(field, _)| *field == op.field)
                    .map(|(_, code)| *code);
                if let (Some(want), true) = (answered, is_allowed(op.allowed, p)) {
                    if code.as_deref() != Some(want) {
                        failures.push(format!(
                            "{} by {who}: allowed, so the service should answer {want}; got {code:?}: {body}",
                            op.field
                        ));
                    }
                } else if is_allowed(op.allowed, p) {
                    let null_is_fine = (op.field == "Query.me" && PRINCIPALS[p].is_none())
                        || op.field == "Query.pendingSignIn";
                    if body.get("errors").is_some() {
                        failures.push(format!(
                            "{} by {who}: allowed, but failed with {code:?}: {}",
                            op.field, body["errors"]
                        ));
                    } else if body["data"][key].is_null() && !null_is_fine {
                        failures.push(format!("{} by {who}: allowed, but no data", op.field));
                    }
                } else {
                    let want = if PRINCIPALS[p].is_none() {
                        "UNAUTHENTICATED"
                    } else {
                        "FORBIDDEN"
                    };
                    if code.as_deref() != Some(want) {
                        failures.push(format!(
                            "{} by {who}: expected {want}, got {code:?}: {body}{}",
                            op.field,
                            known_bug(op.field, code.as_deref())
                        ));
                    }
                    if !body["data"].is_null() && !body["data"][key].is_null() {
                        failures.push(format!(
                            "{} by {who}: denied, but data was returned: {body}",
                            op.field
                        ));
                    }
                }
            }
        }
        assert_eq!(cells, ops().len() * PRINCIPALS.len());
        assert!(
            failures.is_empty(),
            "{} of {cells} cells of the authorization matrix are wrong:\n{}",
            failures.len(),
            failures.join("\n")
        );

        // The calls that succeeded did what they say (so "allowed" was not an empty answer).
        let office = &clients[1];
        let decided = office
            .ok(
                "query($id: ID!) { review(id: $id) { decision panelNotifiedOn } }",
                json!({ "id": fixture.undecided[2] }),
            )
            .await;
        assert_eq!(decided["review"]["decision"], "INITIATE");
        let untouched = office
            .ok(
                "query($id: ID!) { review(id: $id) { decision } }",
                json!({ "id": fixture.undecided[1] }),
            )
            .await;
        assert_eq!(
            untouched["review"]["decision"],
            Value::Null,
            "the business office's refused decision wrote nothing"
        );
        let agencies = office.ok("{ agencies { prefix } }", json!({})).await["agencies"].clone();
        let prefixes: Vec<&str> = agencies
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|a| a["prefix"].as_str())
            .filter(|p| p.starts_with("NEW"))
            .collect();
        assert_eq!(
            prefixes,
            ["NEWB"],
            "only the business office created an agency"
        );

        // The chronology calls that succeeded did what they say.
        let status = |ret: String| {
            let office = office.clone();
            async move {
                let returns = office
                    .ok(
                        "{ reviews { reference chronologyReturns { id status } } }",
                        json!({}),
                    )
                    .await;
                returns["reviews"]
                    .as_array()
                    .expect("reviews")
                    .iter()
                    .flat_map(|r| {
                        r["chronologyReturns"]
                            .as_array()
                            .cloned()
                            .unwrap_or_default()
                    })
                    .find(|r| r["id"] == ret.as_str())
                    .map(|r| r["status"].clone())
                    .unwrap_or_default()
            }
        };
        assert_eq!(status(fixture.to_submit[4].clone()).await, "SUBMITTED");
        assert_eq!(
            status(fixture.to_submit[1].clone()).await,
            "DRAFT",
            "refused submit"
        );
        assert_eq!(status(fixture.to_reopen[1].clone()).await, "REOPENED");
        assert_eq!(
            status(fixture.to_reopen[4].clone()).await,
            "SUBMITTED",
            "refused reopen"
        );
        let merged = office
            .ok(INTEGRATED, json!({ "id": fixture.chronology_review }))
            .await["review"]["integratedChronology"]
            .clone();
        assert_eq!(
            merged["duplicateGroups"][0]["decision"], "CONFIRMED",
            "{merged:#}"
        );
        let answered: Vec<usize> = merged["annotations"]
            .as_array()
            .expect("annotations")
            .iter()
            .flat_map(|a| a["annotations"].as_array().cloned().unwrap_or_default())
            .filter(|a| a["kind"] == "QUESTION")
            .filter_map(|q| {
                let at = fixture
                    .questions
                    .iter()
                    .position(|id| q["id"] == id.as_str())?;
                (!q["answers"].as_array().is_some_and(Vec::is_empty)).then_some(at)
            })
            .collect();
        let mut answered = answered;
        answered.sort_unstable();
        assert_eq!(
            answered,
            [3, 4, 5],
            "only the agency's members answered: {merged:#}"
        );

        // The action-plan calls that succeeded did what they say.
        let action = office
            .ok(
                "query($id: ID!) { action(id: $id) { ragOverride committee { id } updates { text } } }",
                json!({ "id": fixture.action }),
            )
            .await["action"]
            .clone();
        assert_eq!(action["ragOverride"], "RED");
        assert_eq!(action["committee"]["id"], fixture.committee.as_str());
        let mut updates: Vec<&str> = action["updates"]
            .as_array()
            .expect("updates")
            .iter()
            .filter_map(|u| u["text"].as_str())
            .collect();
        updates.sort_unstable();
        assert_eq!(
            updates,
            [
                "Update by AGENCY_LEAD",
                "Update by AGENCY_REPRESENTATIVE",
                "Update by BUSINESS_OFFICE"
            ],
            "only the office and the owner agency's staff reported progress"
        );

        // The learning-summary calls that succeeded did what they say.
        let summary_of_review = |id: String| {
            let office = office.clone();
            async move {
                office
                    .ok(
                        "query($r: ID!) { review(id: $r) { learningSummary { id } } }",
                        json!({ "r": id }),
                    )
                    .await
            }
        };
        assert!(
            summary_of_review(fixture.to_start.clone()).await["review"]["learningSummary"]["id"]
                .is_string(),
            "the business office started the summary"
        );
        let states = office
            .ok(
                "{ reviews { learningSummary { id state reportFileName fields { key text } } } }",
                json!({}),
            )
            .await["reviews"]
            .clone();
        let state_of = |id: &str| {
            states
                .as_array()
                .expect("reviews")
                .iter()
                .find(|r| r["learningSummary"]["id"] == id)
                .map(|r| r["learningSummary"].clone())
                .unwrap_or_default()
        };
        assert_eq!(state_of(&fixture.summaries_to_submit[1])["state"], "IN_REVIEW");
        assert_eq!(
            state_of(&fixture.summaries_to_submit[2])["state"],
            "DRAFT",
            "the chair's refused submission"
        );
        assert_eq!(state_of(&fixture.approved_summary)["state"], "PUBLISHED");
        let other_comments = state_of(&fixture.summary)["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .find(|f| f["key"] == "otherComments")
            .map(|f| f["text"].clone())
            .unwrap_or_default();
        assert_eq!(other_comments, "Saved by BUSINESS_OFFICE");
        assert_eq!(
            state_of(&fixture.summary)["reportFileName"],
            "final.pdf",
            "the business office uploaded the final report"
        );
    })
    .await
}

/// Another agency's object, or a review one is not a member of, answers exactly like a
/// missing one: the same code and the same message.
async fn another_agencys_object_answers_like_a_missing_one(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let mine = app.agency("Home agency", "HOME").await;
        let theirs = app.agency("Their agency", "THEM").await;
        let (lead, _) = app
            .signed_in("lead@matrix.example", &[Role::AgencyLead], Some(&mine))
            .await;
        let (practitioner, _) = app
            .signed_in("prac@matrix.example", &[Role::Practitioner], Some(&mine))
            .await;
        let review = create_review(&office, "THEIRS-1", &[]).await;
        let missing = uuid::Uuid::new_v4().to_string();

        let qa = "mutation($id: ID!) { setQaMechanisms(agencyId: $id, mechanisms: []) { id } }";
        let other = lead.gql(qa, json!({ "id": theirs })).await;
        let absent = lead.gql(qa, json!({ "id": missing })).await;
        assert_eq!(
            error_code(&other).as_deref(),
            Some("NOT_FOUND"),
            "{other:#}"
        );
        assert_eq!(
            other["errors"][0]["message"],
            absent["errors"][0]["message"]
        );
        assert_eq!(error_code(&other), error_code(&absent));

        let get = "query($id: ID!) { review(id: $id) { id subject } }";
        for (who, client) in [("agency lead", &lead), ("practitioner", &practitioner)] {
            let hidden = client.gql(get, json!({ "id": review })).await;
            let absent = client.gql(get, json!({ "id": missing })).await;
            assert_eq!(
                error_code(&hidden).as_deref(),
                Some("NOT_FOUND"),
                "{who}: {hidden:#}"
            );
            assert_eq!(error_code(&hidden), error_code(&absent), "{who}");
            assert_eq!(
                hidden["errors"][0]["message"], absent["errors"][0]["message"],
                "{who}"
            );
            assert!(hidden["data"].is_null(), "{who}: {hidden:#}");
        }
    })
    .await
}

db_tests!(
    every_role_gets_what_the_matrix_says,
    another_agencys_object_answers_like_a_missing_one,
);
