//! The router and the page shell (header, navigation, main landmark).

use crate::api::{self, SignOut};
use crate::components::Loading;
use crate::pages::{
    actions, agencies, annual_report, audit_log, case_audits, child_deaths, chronology, dashboard,
    distribution, not_found::NotFound, notifications, performance, published, qa_reports,
    retention, reviews, second_factor, section11, sign_in, sign_in_providers, summary, training,
    users,
};
use crate::session::{Me, Session};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::{path, NavigateOptions};
use shared::auth::Role;
use std::time::Duration;

#[component]
pub fn App() -> impl IntoView {
    let session = Session {
        me: RwSignal::new(None),
        checked: RwSignal::new(false),
    };
    provide_context(session);
    spawn_local(async move {
        if let Ok(data) = api::fetch_quietly::<api::Me, api::data::MeData>(api::me::Variables).await
        {
            session.me.set(data.me.map(Me::from));
        }
        session.checked.set(true);
    });
    view! {
        <Router>
            <Shell />
        </Router>
    }
}

/// Where to go after signing in: only paths inside this app.
pub fn safe_next(next: Option<String>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/sign-in") => n,
        _ => "/".to_string(),
    }
}

#[component]
fn Shell() -> impl IntoView {
    let session = crate::session::use_session();
    let location = use_location();
    let navigate = use_navigate();

    // The server said the session is gone: forget who was signed in (the effect below
    // then sends the person to sign in).
    api::on_unauthenticated(move || session.me.set(None));

    // Not signed in: to the sign-in page, remembering where the person was going.
    let nav = navigate.clone();
    Effect::new(move |_| {
        let path = location.pathname.get();
        // The published learning and the ways back into an account are public: no sign-in.
        let public = matches!(
            path.as_str(),
            "/sign-in" | "/forgotten-password" | "/reset-password" | "/published"
        ) || path.starts_with("/published/");
        if session.checked.get() && session.me.with(Option::is_none) && !public {
            let here = format!("{path}{}", location.search.get_untracked());
            let next = String::from(js_sys::encode_uri_component(&here));
            nav(
                &format!("/sign-in?next={next}"),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });

    // Focus the new page's heading after navigating within the app.
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.is_some_and(|p| p != path) {
            set_timeout(
                || {
                    if let Ok(Some(h1)) = document().query_selector("main h1") {
                        use wasm_bindgen::JsCast;
                        if let Ok(h1) = h1.dyn_into::<web_sys::HtmlElement>() {
                            let _ = h1.focus();
                        }
                    }
                },
                Duration::from_millis(30),
            );
        }
        path
    });

    let sign_out = move |_| {
        if !crate::unsaved::may_leave() {
            return;
        }
        let navigate = navigate.clone();
        spawn_local(async move {
            let _ = api::send_quietly::<SignOut>(api::sign_out::Variables).await;
            crate::unsaved::Drafts::forget_all();
            session.me.set(None);
            navigate("/sign-in", NavigateOptions::default());
        });
    };
    let signed_in = Memo::new(move |_| session.me.with(Option::is_some));
    // The unread reminders beside "Notifications", re-read on each page change.
    let unread = notifications::Unread(RwSignal::new(0));
    provide_context(unread);
    Effect::new(move |_| {
        location.pathname.track();
        if signed_in.get() {
            notifications::refresh_unread(Some(unread));
        }
    });
    // Which build answers, for the footer: read once someone is signed in.
    let build = RwSignal::new(None::<api::data::BuildInfo>);
    Effect::new(move |_| {
        if signed_in.get() && build.with_untracked(Option::is_none) {
            spawn_local(async move {
                if let Ok(data) =
                    api::fetch_quietly::<api::Build, api::data::BuildData>(api::build::Variables)
                        .await
                {
                    build.set(Some(data.build));
                }
            });
        }
    });
    // On a phone the navigation and the account links fold away behind a "Menu" button,
    // and fold again after each page change.
    let menu_open = RwSignal::new(false);
    let menu_button = NodeRef::<leptos::html::Button>::new();
    // Escape folds an open menu and hands the focus back to its button.
    let close_menu = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Escape" && menu_open.get_untracked() {
            menu_open.set(false);
            if let Some(button) = menu_button.get_untracked() {
                let _ = button.focus();
            }
        }
    };
    Effect::new(move |_| {
        location.pathname.track();
        menu_open.set(false);
    });
    let is_office = Memo::new(move |_| session.has(Role::BusinessOffice));
    let sees_actions = Memo::new(move |_| actions::sees_actions(session));
    let sees_child_deaths = Memo::new(move |_| {
        shared::child_deaths::READERS
            .iter()
            .any(|&r| session.has(r))
    });

    view! {
        <a href="#main" class="skip-link">
            "Skip to main content"
        </a>
        <header class="header">
            <div class="header-inner">
                <a href="/" class="service-name">
                    "Learning and improvement platform"
                </a>
                <Show when=move || !signed_in.get() && session.checked.get() && location.pathname.with(|p| p != "/sign-in")>
                    <a href="/sign-in" class="account">"Sign in"</a>
                </Show>
                <Show when=move || signed_in.get()>
                    <button
                        type="button"
                        class="menu-button"
                        node_ref=menu_button
                        aria-controls="header-menu"
                        aria-expanded=move || if menu_open.get() { "true" } else { "false" }
                        on:click=move |_| menu_open.update(|open| *open = !*open)
                    >
                        "Menu"
                    </button>
                    <div id="header-menu" class="header-menu" class:header-menu-open=move || menu_open.get() on:keydown=close_menu>
                    <nav class="nav" aria-label="Main">
                        <ul>
                            <li>
                                <A href="/" exact=true>
                                    "Dashboard"
                                </A>
                            </li>
                            <li>
                                <A href="/reviews">"Reviews"</A>
                            </li>
                            <li>
                                <A href="/agencies">"Agencies"</A>
                            </li>
                            <Show when=move || sees_actions.get()>
                                <li>
                                    <A href="/actions">"Actions"</A>
                                </li>
                                <li>
                                    <A href="/section-11">"Section 11"</A>
                                </li>
                                <li>
                                    <A href="/qa-reports">"QA reports"</A>
                                </li>
                                <li>
                                    <A href="/audits">"Case audits"</A>
                                </li>
                            </Show>
                            <li>
                                <A href="/performance">"Performance"</A>
                            </li>
                            <Show when=move || sees_child_deaths.get()>
                                <li>
                                    <A href="/child-deaths">"Child deaths"</A>
                                </li>
                            </Show>
                            <li>
                                <A href="/learning-events">"Training"</A>
                            </li>
                            <li>
                                <A href="/library">"Library"</A>
                            </li>
                            <li>
                                <notifications::NotificationsLink />
                            </li>
                            <Show when=move || is_office.get()>
                                <li>
                                    <A href="/users">"Users"</A>
                                </li>
                                <li>
                                    <A href="/audit-log">"Audit log"</A>
                                </li>
                                <li>
                                    <A href="/retention">"Retention"</A>
                                </li>
                                <li>
                                    <A href="/distribution-lists">"Distribution lists"</A>
                                </li>
                            </Show>
                        </ul>
                    </nav>
                    <div class="account">
                        <a href="/account" title="Your account">
                            {move || session.me.with(|m| m.as_ref().map(|m| m.display_name.clone()))}
                        </a>
                        <button type="button" class="link-button" on:click=sign_out.clone()>
                            "Sign out"
                        </button>
                    </div>
                    </div>
                </Show>
            </div>
        </header>
        <div class="width-container">
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/sign-in") view=sign_in::SignIn />
                    <Route path=path!("/forgotten-password") view=sign_in::ForgottenPassword />
                    <Route path=path!("/reset-password") view=sign_in::ResetPassword />
                    <Route path=path!("/") view=|| guard(dashboard::Dashboard) />
                    <Route path=path!("/reviews") view=|| guard(reviews::ReviewList) />
                    <Route path=path!("/reviews/new") view=|| guard(reviews::NewReview) />
                    <Route path=path!("/reviews/:id") view=|| guard(reviews::ReviewPage) />
                    <Route path=path!("/reviews/:id/edit") view=|| guard(reviews::EditReview) />
                    <Route path=path!("/reviews/:id/decision") view=|| guard(reviews::DecisionPage) />
                    <Route path=path!("/reviews/:id/chronology") view=|| guard(chronology::ChronologyPage) />
                    <Route path=path!("/reviews/:id/chronology/print") view=|| guard(chronology::PrintPage) />
                    <Route path=path!("/reviews/:id/learning") view=|| guard(actions::LearningPage) />
                    <Route path=path!("/reviews/:id/summary") view=|| guard(summary::SummaryPage) />
                    <Route path=path!("/reviews/:id/audit") view=|| guard(case_audits::CaseAuditPage) />
                    <Route path=path!("/audits") view=|| guard(case_audits::AuditProgrammePage) />
                    <Route path=path!("/distribution-lists") view=|| guard(distribution::DistributionListsPage) />
                    <Route path=path!("/actions") view=|| guard(actions::ActionsPage) />
                    <Route path=path!("/actions/print") view=|| guard(actions::PlanPrintPage) />
                    <Route path=path!("/actions/:id") view=|| guard(actions::ActionPage) />
                    <Route path=path!("/committees") view=|| guard(actions::CommitteeList) />
                    <Route path=path!("/committees/:id") view=|| guard(actions::CommitteePage) />
                    <Route path=path!("/agencies") view=|| guard(agencies::AgencyList) />
                    <Route path=path!("/agencies/new") view=|| guard(agencies::NewAgency) />
                    <Route path=path!("/agencies/:id") view=|| guard(agencies::AgencyPage) />
                    <Route path=path!("/agencies/:id/edit") view=|| guard(agencies::EditAgency) />
                    <Route path=path!("/agencies/:id/qa") view=|| guard(agencies::QaMechanismsPage) />
                    <Route path=path!("/agencies/:id/audits") view=|| guard(qa_reports::AgencyAuditsPage) />
                    <Route path=path!("/performance") view=|| guard(performance::PerformanceList) />
                    <Route path=path!("/performance/new") view=|| guard(performance::NewIndicator) />
                    <Route path=path!("/performance/:id") view=|| guard(performance::IndicatorPage) />
                    <Route path=path!("/performance/:id/edit") view=|| guard(performance::EditIndicator) />
                    <Route path=path!("/users") view=|| guard(users::UserList) />
                    <Route path=path!("/users/new") view=|| guard(users::NewUser) />
                    <Route path=path!("/users/:id") view=|| guard(users::EditUser) />
                    <Route path=path!("/published") view=published::PublishedList />
                    <Route path=path!("/published/:id") view=published::PublishedPage />
                    <Route path=path!("/library") view=|| guard(published::LibraryPage) />
                    <Route path=path!("/notifications") view=|| guard(notifications::NotificationsPage) />
                    <Route path=path!("/section-11") view=|| guard(section11::Section11Page) />
                    <Route path=path!("/child-deaths") view=|| guard(child_deaths::ChildDeathsPage) />
                    <Route path=path!("/learning-events") view=|| guard(training::LearningEventsPage) />
                    <Route path=path!("/learning-events/new") view=|| guard(training::NewLearningEvent) />
                    <Route path=path!("/learning-events/:id") view=|| guard(training::LearningEventPage) />
                    <Route path=path!("/learning-events/:id/edit") view=|| guard(training::EditLearningEvent) />
                    <Route path=path!("/section-11/assessments/:id") view=|| guard(section11::Section11AssessmentPage) />
                    <Route path=path!("/qa-reports") view=|| guard(qa_reports::QaReportsPage) />
                    <Route path=path!("/annual-report") view=|| guard(annual_report::AnnualReportPage) />
                    <Route path=path!("/qa-reports/:id") view=|| guard(qa_reports::QaReportPage) />
                    <Route path=path!("/audit-log") view=|| guard(audit_log::AuditLogPage) />
                    <Route path=path!("/retention") view=|| guard(retention::RetentionPage) />
                    <Route path=path!("/account") view=|| guard(second_factor::AccountPage) />
                    <Route path=path!("/sign-in-providers") view=|| guard(sign_in_providers::SignInProvidersPage) />
                </Routes>
            </main>
        </div>
        <footer class="footer">
            <div class="width-container">
                "A learning and improvement platform for safeguarding children partnerships. "
                <a href="/published">"Published learning summaries"</a>
                <Show when=move || signed_in.get() && build.with(Option::is_some)>
                    <p class="build">
                        {move || {
                            build
                                .with(|b| {
                                    b.as_ref()
                                        .map(|b| format!("Version {} (commit {})", b.version, b.commit))
                                })
                                .unwrap_or_default()
                        }}
                    </p>
                </Show>
            </div>
        </footer>
    }
}

/// Renders a page only once someone is signed in (otherwise the shell redirects).
fn guard<V: IntoView + 'static>(page: fn() -> V) -> impl IntoView {
    let session = crate::session::use_session();
    let signed_in = Memo::new(move |_| session.me.with(Option::is_some));
    move || {
        if signed_in.get() {
            page().into_any()
        } else {
            view! {
                <h1 tabindex="-1">"Learning and improvement platform"</h1>
                <Loading />
            }
            .into_any()
        }
    }
}
