//! The GraphQL schema: the merged roots of every area, its limits, and the helpers every
//! resolver uses to reach the state and map errors.

use crate::actions::graphql::{ActionMutation, ActionQuery};
use crate::actions::live::ActionSubscription;
use crate::agencies::graphql::{AgencyMutation, AgencyQuery};
use crate::annual_report::graphql::{AnnualReportMutation, AnnualReportQuery};
use crate::api_tokens::graphql::{ApiTokenMutation, ApiTokenQuery};
use crate::audit_log::graphql::AuditLogQuery;
use crate::auth::graphql::{AuthMutation, AuthQuery};
use crate::auth::oidc::graphql::{SingleSignOnMutation, SingleSignOnQuery};
use crate::auth::policy::Authorized;
use crate::auth::second_factor::graphql::{SecondFactorMutation, SecondFactorQuery};
use crate::build_info::BuildQuery;
use crate::case_audits::graphql::{CaseAuditMutation, CaseAuditQuery};
use crate::child_deaths::graphql::{ChildDeathMutation, ChildDeathQuery};
use crate::chronology::graphql::{ChronologyMutation, ChronologyQuery, ChronologySubscription};
use crate::context::RequestContext;
use crate::distribution::graphql::{DistributionMutation, DistributionQuery};
use crate::error::AppResult;
use crate::library::graphql::LibraryQuery;
use crate::performance::graphql::{PerformanceMutation, PerformanceQuery};
use crate::qa_reports::graphql::{QaReportsMutation, QaReportsQuery};
use crate::retention::graphql::{RetentionMutation, RetentionQuery};
use crate::reviews::graphql::{ReviewMutation, ReviewQuery};
use crate::section11::graphql::{Section11Mutation, Section11Query};
use crate::state::AppState;
use crate::subject_access::graphql::SubjectAccessMutation;
use crate::summary::graphql::{PublicSummaryQuery, SummaryMutation, SummaryQuery};
use crate::training::graphql::{TrainingMutation, TrainingQuery};
use crate::users::graphql::{UserMutation, UserQuery};
use crate::work::graphql::{WorkMutation, WorkQuery};
use async_graphql::{Context, MergedObject, MergedSubscription, Schema};

#[derive(MergedObject, Default)]
pub struct Query(
    AuthQuery,
    AgencyQuery,
    UserQuery,
    ReviewQuery,
    AuditLogQuery,
    ChronologyQuery,
    ActionQuery,
    ApiTokenQuery,
    SummaryQuery,
    PublicSummaryQuery,
    LibraryQuery,
    BuildQuery,
    RetentionQuery,
    SecondFactorQuery,
    SingleSignOnQuery,
    WorkQuery,
    Section11Query,
    QaReportsQuery,
    CaseAuditQuery,
    DistributionQuery,
    AnnualReportQuery,
    PerformanceQuery,
    ChildDeathQuery,
    TrainingQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    AuthMutation,
    AgencyMutation,
    UserMutation,
    ReviewMutation,
    ChronologyMutation,
    ActionMutation,
    ApiTokenMutation,
    SummaryMutation,
    RetentionMutation,
    SubjectAccessMutation,
    SecondFactorMutation,
    SingleSignOnMutation,
    WorkMutation,
    Section11Mutation,
    QaReportsMutation,
    CaseAuditMutation,
    DistributionMutation,
    AnnualReportMutation,
    PerformanceMutation,
    ChildDeathMutation,
    TrainingMutation,
);

#[derive(MergedSubscription, Default)]
pub struct Subscription(ChronologySubscription, ActionSubscription);

/// The roots are [`Authorized`]: every root field is checked against its policy first.
pub type AppSchema = Schema<Authorized<Query>, Authorized<Mutation>, Authorized<Subscription>>;

pub const MAX_DEPTH: usize = 10;
pub const MAX_COMPLEXITY: usize = 2_000;

/// Builds the schema with its limits. Introspection only when configured.
pub fn build(state: Option<AppState>, introspection: bool) -> AppSchema {
    let mut builder = Schema::build(
        Authorized::<Query>::default(),
        Authorized::<Mutation>::default(),
        Authorized::<Subscription>::default(),
    )
    .limit_depth(MAX_DEPTH)
    .limit_complexity(MAX_COMPLEXITY)
    .limit_recursive_depth(32)
    .limit_directives(10)
    .disable_suggestions();
    if !introspection {
        builder = builder.disable_introspection();
    }
    if let Some(state) = state {
        builder = builder.data(state);
    }
    builder.finish()
}

/// The schema's SDL, as checked in at `server/schema.graphql`.
pub fn sdl() -> String {
    build(None, true).sdl()
}

/// The application state and the request context of a resolver.
pub fn parts<'a>(ctx: &Context<'a>) -> async_graphql::Result<(&'a AppState, &'a RequestContext)> {
    Ok((ctx.data::<AppState>()?, ctx.data::<RequestContext>()?))
}

/// A stored code read as its vocabulary for a field of an object that keeps the row's code
/// (see [`crate::db::stored`]): a code the server does not know is an INTERNAL error on
/// that field, never a default.
pub fn stored_field<T: shared::Vocabulary>(
    ctx: &Context<'_>,
    code: &str,
) -> async_graphql::Result<T> {
    let (_, rc) = parts(ctx)?;
    crate::db::stored(code).gql(rc)
}

/// Maps a service result to a GraphQL result, through the one error mapping.
pub trait IntoGql<T> {
    fn gql(self, rc: &RequestContext) -> async_graphql::Result<T>;
}

impl<T> IntoGql<T> for AppResult<T> {
    fn gql(self, rc: &RequestContext) -> async_graphql::Result<T> {
        self.map_err(|e| e.into_graphql(&rc.correlation_id))
    }
}
