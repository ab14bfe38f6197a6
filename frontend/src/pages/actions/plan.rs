//! The actions page: what the person's agency owes, with a progress update form for each
//! action (agency leads and representatives), and the partnership's master action plan for
//! the quarterly accountability meeting (business office, chair).

use super::charts::PlanCharts;
use super::{load_into, ActionTable, Answer, ProgressForm};
use crate::api::data::{
    ActionPlanData, ActionPlanOptionsData, ActionRow, ActionStatistics, ActionStatisticsData,
    MyAgencyActionsData,
};
use crate::api::{self, enum_from, ActionPlan, ActionPlanOptions, ApiError, MyAgencyActions};
use crate::components::{
    focus_by_id, save_export, set_title, Checkbox, DateInput, ErrorPanel, ErrorSummary, FormErrors,
    Loading, SelectField,
};
use crate::pages::chronology::Notice;
use crate::pages::states;
use crate::session::use_session;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::actions::{ActionStatus, Rag};
use shared::auth::Role;

/// The filters applied to the plan, for another operation (its export, its numbers). The
/// generated types of each operation differ: enums pass on by their codes.
macro_rules! plan_filter_as {
    ($f:expr, $module:ident) => {{
        fn same<A: serde::Serialize, B: serde::de::DeserializeOwned>(a: A) -> B {
            let code = serde_json::to_value(a).unwrap_or_default();
            enum_from(code.as_str().unwrap_or_default())
        }
        let f: api::action_plan::ActionFilter = $f;
        api::$module::ActionFilter {
            review_id: f.review_id,
            agency_id: f.agency_id,
            status: f.status.map(same),
            rag: f.rag.map(same),
            theme: f.theme,
            committee_id: f.committee_id,
            changed_since: f.changed_since,
            overdue: f.overdue,
        }
    }};
}

const PAGE: i64 = 50;
/// The most the server gives in one page.
const MAX_PAGE: i64 = 200;

#[component]
pub fn ActionsPage() -> impl IntoView {
    set_title("Actions");
    let session = use_session();
    let has_agency = session
        .me
        .with_untracked(|m| m.as_ref().is_some_and(|m| m.agency_id.is_some()));
    let owes =
        has_agency && (session.has(Role::AgencyLead) || session.has(Role::AgencyRepresentative));
    let master = session.is_office() || session.has(Role::IndependentChair);
    view! {
        <h1 tabindex="-1">"Actions"</h1>
        <p>
            <a href="/committees">"Committees and what was referred to them"</a>
        </p>
        {owes.then(|| view! { <AgencyActions /> })}
        {master.then(|| view! { <MasterPlan /> })}
        {(!owes && !master)
            .then(|| {
                view! {
                    <p>
                        "Agency leads and representatives see what their agency owes here; the business office and the chair see the master action plan."
                    </p>
                }
            })}
    }
}

/// Everything the person's agency owes, open first and overdue at the top; each open action
/// takes a progress update.
#[component]
fn AgencyActions() -> impl IntoView {
    let list = RwSignal::new(None::<Result<Vec<ActionRow>, ApiError>>);
    let updating = RwSignal::new(None::<ActionRow>);
    let notice = RwSignal::new(None::<String>);
    let load = move |said: Option<String>| {
        spawn_local(async move {
            let loaded = api::fetch::<MyAgencyActions, MyAgencyActionsData>(
                api::my_agency_actions::Variables,
            )
            .await
            .map(|d| d.my_agency_actions);
            list.set(Some(loaded));
            if let Some(said) = said {
                notice.set(Some(said));
                request_animation_frame(|| focus_by_id("owes-title"));
            }
        });
    };
    load(None);
    let open = Callback::new(move |a: ActionRow| {
        notice.set(None);
        updating.set(Some(a));
        request_animation_frame(|| focus_by_id("update-text"));
    });
    view! {
        <h2 id="owes-title" tabindex="-1">"What your agency owes"</h2>
        <p>"Open actions first: overdue, then red, amber and green, then by the nearest target date."</p>
        <Notice text=notice />
        {move || {
            states(
                list.get(),
                move |rows| {
                    let caption = actions_count(rows.len());
                    view! { <ActionTable caption=caption rows=rows on_update=open /> }
                },
            )
        }}
        {move || {
            updating
                .get()
                .map(|a| {
                    view! {
                        <ProgressForm
                            action=a
                            on_done=move |said: String| {
                                updating.set(None);
                                load(Some(said));
                            }
                            on_cancel=move |_| {
                                updating.set(None);
                                focus_by_id("owes-title");
                            }
                        />
                    }
                })
        }}
    }
}

/// The master plan's filters as typed.
#[derive(Clone, Copy)]
struct Filters {
    review: RwSignal<String>,
    agency: RwSignal<String>,
    status: RwSignal<String>,
    rag: RwSignal<String>,
    theme: RwSignal<String>,
    committee: RwSignal<String>,
    overdue: RwSignal<bool>,
    since: RwSignal<String>,
    since_only: RwSignal<bool>,
}

impl Filters {
    fn new() -> Self {
        let text = || RwSignal::new(String::new());
        Self {
            review: text(),
            agency: text(),
            status: text(),
            rag: text(),
            theme: text(),
            committee: text(),
            overdue: RwSignal::new(false),
            since: text(),
            since_only: RwSignal::new(false),
        }
    }

    fn clear(self) {
        for s in [
            self.review,
            self.agency,
            self.status,
            self.rag,
            self.theme,
            self.committee,
            self.since,
        ] {
            s.set(String::new());
        }
        self.overdue.set(false);
        self.since_only.set(false);
    }

    /// The filters as typed, as a query string (the printable plan reads them back).
    fn query(self) -> String {
        let flag = |b: RwSignal<bool>| {
            if b.get_untracked() {
                "yes".to_string()
            } else {
                String::new()
            }
        };
        [
            ("review", self.review.get_untracked()),
            ("agency", self.agency.get_untracked()),
            ("status", self.status.get_untracked()),
            ("rag", self.rag.get_untracked()),
            ("theme", self.theme.get_untracked()),
            ("committee", self.committee.get_untracked()),
            ("overdue", flag(self.overdue)),
            ("since", self.since.get_untracked()),
            ("sinceOnly", flag(self.since_only)),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", String::from(js_sys::encode_uri_component(&v))))
        .collect::<Vec<_>>()
        .join("&")
    }

    /// The filters a query string gives (see [`Filters::query`]).
    fn from_query(q: &leptos_router::params::ParamsMap) -> Self {
        let f = Self::new();
        let text = |key: &str, s: RwSignal<String>| s.set(q.get(key).unwrap_or_default());
        text("review", f.review);
        text("agency", f.agency);
        text("status", f.status);
        text("rag", f.rag);
        text("theme", f.theme);
        text("committee", f.committee);
        text("since", f.since);
        f.overdue.set(q.get("overdue").is_some());
        f.since_only.set(q.get("sinceOnly").is_some());
        f
    }

    fn filter(self) -> api::action_plan::ActionFilter {
        let text = |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.is_empty());
        api::action_plan::ActionFilter {
            review_id: text(self.review),
            agency_id: text(self.agency),
            status: text(self.status).map(|s| enum_from(&s)),
            rag: text(self.rag).map(|r| enum_from(&r)),
            theme: text(self.theme),
            committee_id: text(self.committee),
            changed_since: text(self.since)
                .filter(|_| self.since_only.get_untracked())
                .map(|d| format!("{d}T00:00:00Z")),
            overdue: self.overdue.get_untracked().then_some(true),
        }
    }
}

/// Every action the partnership follows: filtered, paged, grouped by review then owner
/// agency (overdue first), what changed since a date marked, and counts by status.
#[component]
fn MasterPlan() -> impl IntoView {
    let f = Filters::new();
    let errors = FormErrors::new();
    let options: Answer<ActionPlanOptionsData> = RwSignal::new(None);
    load_into::<ActionPlanOptions, _>(options, api::action_plan_options::Variables);
    let rows = RwSignal::new(Vec::<ActionRow>::new());
    let total = RwSignal::new(0_i64);
    let cursor = RwSignal::new(None::<String>);
    let loading = RwSignal::new(true);
    let failure = RwSignal::new(None::<ApiError>);
    let applied = StoredValue::new(None::<api::action_plan::ActionFilter>);
    let since = RwSignal::new(String::new());
    let stats = RwSignal::new(None::<ActionStatistics>);
    let print_query = RwSignal::new(String::new());
    // The numbers behind the charts, over every matching action (not only those shown).
    let count = move || {
        let variables = api::action_statistics::Variables {
            filter: applied
                .get_value()
                .map(|f| plan_filter_as!(f, action_statistics)),
        };
        spawn_local(async move {
            if let Ok(d) =
                api::fetch::<api::ActionStatistics, ActionStatisticsData>(variables).await
            {
                stats.set(Some(d.statistics));
            }
        });
    };

    let load = move |after: Option<String>| {
        if after.is_none() {
            count();
        }
        loading.set(true);
        failure.set(None);
        let variables = api::action_plan::Variables {
            filter: applied.get_value(),
            first: PAGE,
            after: after.clone(),
        };
        spawn_local(async move {
            match api::fetch::<ActionPlan, ActionPlanData>(variables).await {
                Ok(d) => {
                    let page = d.actions;
                    if after.is_some() {
                        rows.update(|r| r.extend(page.nodes));
                    } else {
                        rows.set(page.nodes);
                    }
                    total.set(page.total_count);
                    cursor.set(
                        page.page_info
                            .end_cursor
                            .filter(|_| page.page_info.has_next_page),
                    );
                }
                Err(e) => failure.set(Some(e)),
            }
            loading.set(false);
        });
    };
    load(None);
    // Live: when an action changes, re-read the pages shown (quietly, keeping the place).
    let refresh = move || {
        if loading.get_untracked() {
            return;
        }
        let shown = rows.with_untracked(Vec::len) as i64;
        let variables = api::action_plan::Variables {
            filter: applied.get_value(),
            first: shown.clamp(PAGE, MAX_PAGE),
            after: None,
        };
        count();
        spawn_local(async move {
            if let Ok(d) = api::fetch::<ActionPlan, ActionPlanData>(variables).await {
                let page = d.actions;
                rows.set(page.nodes);
                total.set(page.total_count);
                cursor.set(
                    page.page_info
                        .end_cursor
                        .filter(|_| page.page_info.has_next_page),
                );
            }
        });
    };
    let body = serde_json::to_value(
        <api::ActionChanged as graphql_client::GraphQLQuery>::build_query(
            api::action_changed::Variables,
        ),
    )
    .unwrap_or_default();
    // Dropped (closing the connection) when the page goes.
    StoredValue::new_local(crate::live::watch(body, "actionChanged", move |_| {
        refresh()
    }));

    let apply = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        if f.since_only.get_untracked() && f.since.with_untracked(String::is_empty) {
            errors.push("plan-since", "Enter the date to show changes since");
        }
        if errors.report_found() {
            return;
        }
        since.set(f.since.get_untracked());
        applied.set_value(Some(f.filter()));
        print_query.set(f.query());
        load(None);
    };
    let clear = move |_| {
        f.clear();
        errors.clear();
        since.set(String::new());
        applied.set_value(None);
        print_query.set(String::new());
        load(None);
    };
    let choices = move || {
        let (reviews, agencies, committees, themes): (Vec<_>, Vec<_>, Vec<_>, Vec<_>) =
            match options.get() {
                Some(Ok(d)) => (
                    d.reviews.into_iter().map(|r| (r.id, r.reference)).collect(),
                    d.agencies
                        .into_iter()
                        .map(|a| (a.id, format!("{} – {}", a.prefix, a.name)))
                        .collect(),
                    d.committees.into_iter().map(|c| (c.id, c.name)).collect(),
                    d.themes.into_iter().map(|t| (t.clone(), t)).collect(),
                ),
                _ => Default::default(),
            };
        let statuses = ActionStatus::ALL
            .iter()
            .map(|s| (s.code().to_string(), s.label().to_string()))
            .collect::<Vec<_>>();
        let rags = Rag::ALL
            .iter()
            .map(|r| (r.code().to_string(), r.label().to_string()))
            .collect::<Vec<_>>();
        [
            ("plan-review", "Review", f.review, reviews, "Any review"),
            ("plan-agency", "Owner agency", f.agency, agencies, "Any agency"),
            ("plan-status", "Status", f.status, statuses, "Any status"),
            ("plan-rag", "RAG", f.rag, rags, "Any RAG"),
            ("plan-theme", "Theme", f.theme, themes, "Any theme"),
            ("plan-committee", "Committee", f.committee, committees, "Any committee"),
        ]
        .into_iter()
        .map(|(id, label, value, options, blank)| {
            view! { <SelectField id=id label=label value=value options=options errors=errors blank=blank /> }
        })
        .collect_view()
    };

    view! {
        <h2 id="plan-title">"Master action plan"</h2>
        <p>
            "Every action of every review, grouped by review and owner agency, overdue first. Mark what changed since the last accountability meeting with its date."
        </p>
        <form on:submit=apply novalidate=true class="row-card" aria-labelledby="filter-title">
            <h3 id="filter-title">"Filter the plan"</h3>
            <ErrorSummary errors=errors />
            <div class="filters">{choices}</div>
            <Checkbox id="plan-overdue" label="Overdue only" checked=f.overdue />
            <DateInput
                id="plan-since"
                label="Changed since"
                hint="Usually the date of the last accountability meeting: actions changed since then are marked."
                value=f.since
                errors=errors
            />
            <Checkbox id="plan-since-only" label="Only actions changed since that date" checked=f.since_only />
            <div class="button-group">
                <button type="submit" class="button">
                    "Apply filters"
                </button>
                <button type="button" class="button button-secondary" on:click=clear>
                    "Clear filters"
                </button>
            </div>
        </form>
        <p>
            <a href=move || format!("/actions/print?{}", print_query.get())>
                "Printable plan (with the filters applied)"
            </a>
        </p>
        {move || failure.get().map(|e| view! { <ErrorPanel error=e /> })}
        <div role="status" aria-live="polite">
            {move || {
                (!loading.get() && failure.with(Option::is_none))
                    .then(|| {
                        let shown = rows.with(Vec::len);
                        let n = total.get();
                        let noun = if n == 1 { "action matches" } else { "actions match" };
                        view! { <p class="lead">{format!("{n} {noun}; {shown} shown.")}</p> }
                    })
            }}
        </div>
        {move || {
            let list = rows.get();
            (!list.is_empty()).then(|| groups(list, &since.get()))
        }}
        {move || loading.get().then(|| view! { <Loading /> })}
        {move || {
            cursor
                .get()
                .map(|c| {
                    view! {
                        <button
                            type="button"
                            class="button button-secondary"
                            on:click=move |_| load(Some(c.clone()))
                            disabled=move || loading.get()
                        >
                            "Load more"
                        </button>
                    }
                })
        }}
        // The numbers after the actions, folded away until wanted.
        <details class="plan-numbers">
            <summary>"The plan in numbers: charts and counts"</summary>
            {move || stats.get().map(|s| view! { <PlanCharts stats=s /> })}
        </details>
        <Downloads applied=applied />
    }
}

/// Every action that matches the filters in the address, on one page to print for the
/// accountability meeting: the numbers first, then the actions grouped by review and owner
/// agency, what changed since the date given marked.
#[component]
pub fn PlanPrintPage() -> impl IntoView {
    set_title("Printable master action plan");
    let query = leptos_router::hooks::use_query_map();
    let f = query.with_untracked(Filters::from_query);
    let since = f.since.get_untracked();
    let filter = f.filter();
    let rows = RwSignal::new(None::<Result<Vec<ActionRow>, ApiError>>);
    let stats = RwSignal::new(None::<ActionStatistics>);
    let options: Answer<ActionPlanOptionsData> = RwSignal::new(None);
    load_into::<ActionPlanOptions, _>(options, api::action_plan_options::Variables);
    let stats_filter = plan_filter_as!(filter.clone(), action_statistics);
    spawn_local(async move {
        let variables = api::action_statistics::Variables {
            filter: Some(stats_filter),
        };
        if let Ok(d) = api::fetch::<api::ActionStatistics, ActionStatisticsData>(variables).await {
            stats.set(Some(d.statistics));
        }
    });
    spawn_local(async move {
        let mut all = Vec::new();
        let mut after = None;
        loop {
            let variables = api::action_plan::Variables {
                filter: Some(filter.clone()),
                first: MAX_PAGE,
                after: after.take(),
            };
            match api::fetch::<ActionPlan, ActionPlanData>(variables).await {
                Ok(d) => {
                    all.extend(d.actions.nodes);
                    match d.actions.page_info.end_cursor {
                        Some(c) if d.actions.page_info.has_next_page => after = Some(c),
                        _ => break,
                    }
                }
                Err(e) => {
                    rows.set(Some(Err(e)));
                    return;
                }
            }
        }
        rows.set(Some(Ok(all)));
    });
    let described = move || {
        let names = |list: Vec<(String, String)>, id: &str| {
            list.into_iter()
                .find(|(i, _)| i == id)
                .map_or_else(|| id.to_string(), |(_, n)| n)
        };
        let o = options.get().and_then(Result::ok);
        let mut parts = Vec::new();
        let value = |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.is_empty());
        if let (Some(id), Some(o)) = (value(f.review), &o) {
            let list = o
                .reviews
                .iter()
                .map(|r| (r.id.clone(), r.reference.clone()))
                .collect();
            parts.push(format!("review {}", names(list, &id)));
        }
        if let (Some(id), Some(o)) = (value(f.agency), &o) {
            let list = o
                .agencies
                .iter()
                .map(|a| (a.id.clone(), a.prefix.clone()))
                .collect();
            parts.push(format!("owner agency {}", names(list, &id)));
        }
        if let Some(code) = value(f.status) {
            parts.push(format!("status {}", super::status_label(&code)));
        }
        if let Some(code) = value(f.rag) {
            parts.push(format!(
                "RAG {}",
                Rag::from_code(&code).map_or(code.clone(), |r| r.label().to_string())
            ));
        }
        if let Some(theme) = value(f.theme) {
            parts.push(format!("theme {theme}"));
        }
        if let (Some(id), Some(o)) = (value(f.committee), &o) {
            let list = o
                .committees
                .iter()
                .map(|c| (c.id.clone(), c.name.clone()))
                .collect();
            parts.push(format!("committee {}", names(list, &id)));
        }
        if f.overdue.get_untracked() {
            parts.push("overdue only".into());
        }
        if let Some(day) = value(f.since) {
            let how = if f.since_only.get_untracked() {
                "only changed since"
            } else {
                "changes marked since"
            };
            parts.push(format!("{how} {}", crate::components::format_date(&day)));
        }
        if parts.is_empty() {
            "Every action of the partnership.".to_string()
        } else {
            format!("Filtered: {}.", parts.join("; "))
        }
    };
    let printed = crate::components::format_date(&crate::components::today_iso());
    view! {
        <h1 tabindex="-1">"Master action plan"</h1>
        <p class="caption">{format!("Printed {printed}. Handle as OFFICIAL-SENSITIVE.")}</p>
        <p>{described}</p>
        <p class="no-print">
            <button type="button" class="button" on:click=|_| { let _ = window().print(); }>"Print"</button>
            <a href="/actions">"Back to the actions"</a>
        </p>
        {move || stats.get().map(|s| view! { <PlanCharts stats=s level=2 /> })}
        {move || match rows.get() {
            None => view! { <Loading /> }.into_any(),
            Some(Err(e)) => view! { <ErrorPanel error=e /> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! { <p>"No actions match."</p> }.into_any(),
            Some(Ok(list)) => {
                let n = list.len();
                view! {
                    <h2>{actions_count(n)}</h2>
                    {groups(list, &since)}
                }.into_any()
            }
        }}
    }
}

/// The plan, as the filters applied narrow it, as an XLSX workbook or a CSV file.
#[component]
fn Downloads(applied: StoredValue<Option<api::action_plan::ActionFilter>>) -> impl IntoView {
    let notice = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let download = move |format: &'static str| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        notice.set(None);
        let variables = api::actions_export::Variables {
            filter: applied
                .get_value()
                .map(|f| plan_filter_as!(f, actions_export)),
            format: enum_from(format),
        };
        spawn_local(async move {
            let result = api::send::<api::ActionsExport>(variables).await;
            pending.set(false);
            match result {
                Ok(d) => {
                    let file = &d["actionsExport"];
                    let name = save_export(file, "action-plan");
                    notice.set(Some(format!("Downloaded {name}.")));
                }
                Err(e) => notice.set(Some(e.explain())),
            }
        });
    };
    view! {
        <div class="row-card" role="group" aria-labelledby="plan-download-title">
            <h3 id="plan-download-title">"Download the plan"</h3>
            <p>"Every action that matches the filters applied, with its last update."</p>
            <Notice text=notice />
            <div class="button-group">
                <button
                    type="button"
                    class="button button-secondary"
                    on:click=move |_| download("XLSX")
                    disabled=move || pending.get()
                >
                    "Download (XLSX)"
                </button>
                <button
                    type="button"
                    class="button button-secondary"
                    on:click=move |_| download("CSV")
                    disabled=move || pending.get()
                >
                    "Download (CSV)"
                </button>
            </div>
        </div>
    }
}

/// An owner agency's prefix and its actions.
type Group = (String, Vec<ActionRow>);

/// The actions grouped by review, then owner agency (in the order they first come), overdue
/// first in each group.
fn groups(rows: Vec<ActionRow>, since: &str) -> impl IntoView {
    let mut groups: Vec<(String, Vec<Group>)> = Vec::new();
    for a in rows {
        let r = match groups.iter().position(|g| g.0 == a.review_reference) {
            Some(r) => r,
            None => {
                groups.push((a.review_reference.clone(), Vec::new()));
                groups.len() - 1
            }
        };
        let agencies = &mut groups[r].1;
        let g = match agencies.iter().position(|g| g.0 == a.owner_agency.prefix) {
            Some(g) => g,
            None => {
                agencies.push((a.owner_agency.prefix.clone(), Vec::new()));
                agencies.len() - 1
            }
        };
        agencies[g].1.push(a);
    }
    groups
        .into_iter()
        .map(|(reference, agencies)| {
            let tables = agencies
                .into_iter()
                .map(|(_, list)| {
                    let agency = &list[0].owner_agency;
                    let caption = format!("{reference}: {} – {}", agency.prefix, agency.name);
                    let (mut rows, rest): (Vec<ActionRow>, Vec<ActionRow>) =
                        list.into_iter().partition(|a| a.overdue);
                    rows.extend(rest);
                    view! { <ActionTable caption=caption rows=rows since=since.to_string() /> }
                })
                .collect_view();
            view! {
                <h3>{reference}</h3>
                {tables}
            }
        })
        .collect_view()
}

/// "1 action", "2 actions".
fn actions_count(n: usize) -> String {
    if n == 1 {
        "1 action".to_string()
    } else {
        format!("{n} actions")
    }
}
