//! One module per area users talk about.

pub mod actions;
pub mod agencies;
pub mod annual_report;
pub mod audit_log;
pub mod case_audits;
pub mod child_deaths;
pub mod chronology;
pub mod dashboard;
pub mod distribution;
pub mod not_found;
pub mod notifications;
pub mod performance;
pub mod published;
pub mod qa_reports;
pub mod retention;
pub mod reviews;
pub mod second_factor;
pub mod section11;
pub mod sign_in;
pub mod sign_in_providers;
pub mod summary;
pub mod training;
pub mod users;

use crate::api::ApiError;
use crate::components::{ErrorPanel, Loading};
use leptos::prelude::*;

/// Loading / error / loaded rendering of one query's result.
pub fn states<T: 'static, V: IntoView + 'static>(
    result: Option<Result<T, ApiError>>,
    loaded: impl FnOnce(T) -> V,
) -> AnyView {
    match result {
        None => view! { <Loading /> }.into_any(),
        Some(Err(error)) => view! { <ErrorPanel error=error /> }.into_any(),
        Some(Ok(data)) => loaded(data).into_any(),
    }
}

/// The `:id` of the current route.
pub fn route_id() -> Memo<String> {
    let params = leptos_router::hooks::use_params_map();
    Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()))
}

/// A page's heading from its loaded data, or `fallback` until (or unless) it loads.
pub fn loaded_heading<T: Clone + 'static>(
    data: LocalResource<Result<T, ApiError>>,
    fallback: &'static str,
    heading: impl Fn(T) -> String + Copy + Send + Sync + 'static,
) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    move || {
        data.get()
            .and_then(Result::ok)
            .map_or_else(|| fallback.to_string(), heading)
    }
}
