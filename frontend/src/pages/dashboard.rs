//! The home page: what needs the person (the same list the notifications are made from),
//! for the board (the business office and the independent chair) the partnership at a
//! glance, then the reviews they can see ordered by their next statutory milestone.

use super::notifications::urgency_class;
use super::reviews::{next_milestone, ReviewRow};
use super::states;
use crate::api::partnership_at_a_glance::{
    PartnershipAtAGlancePartnershipAtAGlance as Glance,
    PartnershipAtAGlancePartnershipAtAGlanceOverdue as OverdueItem,
};
use crate::api::what_needs_me::WhatNeedsMeWhatNeedsMe as WorkItem;
use crate::api::{self, code_of, Dashboard as DashboardQuery, PartnershipAtAGlance, WhatNeedsMe};
use crate::components::{format_date, set_title, DataTable, OfficeButtonLink};
use crate::session::use_session;
use leptos::prelude::*;
use shared::auth::Role;
use shared::work::{Urgency, WorkKind};

#[component]
pub fn Dashboard() -> impl IntoView {
    set_title("Dashboard");
    let data = LocalResource::new(|| {
        api::fetch::<DashboardQuery, api::data::DashboardData>(api::dashboard::Variables)
    });
    let work = LocalResource::new(|| api::call::<WhatNeedsMe>(api::what_needs_me::Variables));
    let session = use_session();
    let board = session.is_office() || session.has(Role::IndependentChair);
    view! {
        <h1 tabindex="-1">"Dashboard"</h1>
        <section class="what-needs-you" aria-labelledby="what-needs-you">
            <h2 id="what-needs-you">"What needs you"</h2>
            {move || states(work.get(), |d| view! { <WorkList items=d.what_needs_me /> }.into_any())}
        </section>
        {board.then(|| view! { <AtAGlance /> })}
        <h2>"Reviews"</h2>
        <OfficeButtonLink href="/reviews/new" label="New review" />
        {move || {
            states(
                data.get(),
                |d| {
                    if d.dashboard.is_empty() {
                        return view! {
                            <h3>"No reviews yet"</h3>
                            <p>
                                "Reviews you can see will appear here with their next statutory deadline. The business office creates reviews and adds their members."
                            </p>
                        }
                            .into_any();
                    }
                    view! {
                        <DataTable
                            caption="Reviews by next milestone, most urgent first"
                            columns=&["Reference", "Subject", "Kind", "Next milestone", "Due", "State"]
                        >
                            {d
                                .dashboard
                                .into_iter()
                                .map(|r| {
                                    let (label, due, state) = next_milestone(
                                        r.next_milestone.map(|m| (m.label, m.due_on, m.state)),
                                    );
                                    view! {
                                        <ReviewRow id=r.id reference=r.reference subject=r.subject kind_label=r.kind_label state=state>
                                            <td>{label}</td>
                                            <td>{due}</td>
                                        </ReviewRow>
                                    }
                                })
                                .collect_view()}
                        </DataTable>
                    }
                        .into_any()
                },
            )
        }}
    }
}

/// The person's work, most pressing first: each item's kind, what it is (a link to where
/// it is done) and when it is due.
#[component]
fn WorkList(items: Vec<WorkItem>) -> impl IntoView {
    if items.is_empty() {
        return view! {
            <p>"Nothing needs you now."</p>
            <p>
                "This is where you will see chronology returns your agency is asked for, questions on your agency's entries, actions you own when they are due soon or overdue, statutory deadlines of the reviews you lead, learning summaries to approve or with open comments, and publications about to end, whichever are yours."
            </p>
        }
        .into_any();
    }
    let count = items.len();
    view! {
        <p>{if count == 1 { "1 thing needs you.".to_string() } else { format!("{count} things need you.") }}</p>
        <ul class="work-list">
            {items
                .into_iter()
                .map(|w| {
                    view! {
                        <WorkRow
                            urgency=Urgency::from_code(&code_of(&w.urgency))
                            kind_label=w.kind_label
                            title=w.title
                            link=w.link
                            due_on=w.due_on
                        />
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// One piece of work: its kind (coloured by how pressing it is), what it is (a link to
/// where it is done) and when it is due.
#[component]
fn WorkRow(
    urgency: Option<Urgency>,
    kind_label: String,
    title: String,
    link: String,
    due_on: Option<String>,
) -> impl IntoView {
    view! {
        <li class="work-item">
            <strong class=urgency_class(urgency)>{kind_label}</strong>
            " "
            <a href=link>{title}</a>
            {due_on.map(|d| view! { <span class="work-due">{format!(" Due {}", format_date(&d))}</span> })}
        </li>
    }
}

/// The partnership at a glance, for the business office and the independent chair: each
/// figure beside the page it summarises, then what is overdue across the partnership.
#[component]
fn AtAGlance() -> impl IntoView {
    let glance = LocalResource::new(|| {
        api::call::<PartnershipAtAGlance>(api::partnership_at_a_glance::Variables)
    });
    view! {
        <section aria-labelledby="at-a-glance">
            <h2 id="at-a-glance">"The partnership at a glance"</h2>
            {move || states(glance.get(), |d| view! { <GlanceFigures g=d.partnership_at_a_glance /> }.into_any())}
            <p><a href="/annual-report">"The annual report: learning and improvement"</a></p>
        </section>
    }
}

/// "1 review", "3 reviews".
fn counted(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The glance's figures, each a link to the page it summarises, then the overdue work.
#[component]
fn GlanceFigures(g: Glance) -> impl IntoView {
    let count = |kind: WorkKind| {
        g.counts
            .iter()
            .find(|c| WorkKind::from_code(&code_of(&c.kind)) == Some(kind))
            .map_or(0, |c| c.count)
    };
    let deadlines = format!(
        "{} overdue, {} due soon",
        count(WorkKind::DeadlineOverdue),
        count(WorkKind::DeadlineDueSoon)
    );
    let returns = format!(
        "{} overdue, {} due soon",
        count(WorkKind::ReturnOverdue),
        count(WorkKind::ReturnDueSoon)
    );
    let actions = format!(
        "{} open: {} overdue, {} due soon",
        g.actions_open,
        count(WorkKind::ActionOverdue),
        count(WorkKind::ActionDueSoon)
    );
    // Section 11 self-assessments and QA impact reports go through the same stages.
    let stages = |accepted: i64, asked: i64, with_agencies: i64, overdue: i64, awaiting: i64| {
        format!(
            "{accepted} of {asked} accepted; {with_agencies} with agencies, {overdue} overdue, {awaiting} awaiting the business office"
        )
    };
    let section11 = g.section11.map(|s| {
        (
            format!("Section 11, {}", s.year),
            stages(
                s.accepted,
                s.asked,
                s.with_agencies,
                s.overdue,
                s.awaiting_office,
            ),
        )
    });
    let qa_reports = g.qa_reports.map(|s| {
        (
            format!("QA impact reports, {}", s.year),
            stages(
                s.accepted,
                s.asked,
                s.with_agencies,
                s.overdue,
                s.awaiting_office,
            ),
        )
    });
    let deaths = format!(
        "{} reviewed, {} with modifiable factors",
        g.child_deaths.reviewed, g.child_deaths.modifiable
    );
    let training = format!(
        "{} held since {}, reaching {} attendances",
        counted(g.training.events_held, "event", "events"),
        format_date(&g.training.from),
        g.training.attended
    );
    let hot_spots = g.hot_spots;
    let overdue = g.overdue;
    let overdue_total: i64 = g
        .counts
        .iter()
        .filter(|c| {
            WorkKind::from_code(&code_of(&c.kind)).map(WorkKind::urgency) == Some(Urgency::Overdue)
        })
        .map(|c| c.count)
        .sum();
    view! {
        <dl class="summary-list">
            <dt>"Reviews in progress"</dt>
            <dd><a href="/reviews">{counted(g.reviews_in_progress, "review", "reviews")}</a></dd>
            <dt>"Statutory deadlines"</dt>
            <dd>{deadlines}</dd>
            <dt>"Chronology returns"</dt>
            <dd>{returns}</dd>
            <dt>"Actions"</dt>
            <dd><a href="/actions">{actions}</a></dd>
            {section11
                .map(|(label, text)| {
                    view! {
                        <dt>{label}</dt>
                        <dd><a href="/section-11">{text}</a></dd>
                    }
                })}
            {qa_reports
                .map(|(label, text)| {
                    view! {
                        <dt>{label}</dt>
                        <dd><a href="/qa-reports">{text}</a></dd>
                    }
                })}
            <dt>"Performance hot spots"</dt>
            <dd>
                {if hot_spots.is_empty() {
                    view! { <a href="/performance">"None"</a> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list glance-list">
                            {hot_spots
                                .into_iter()
                                .map(|h| view! { <li><a href=h.link>{h.title}</a></li> })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </dd>
            <dt>{format!("Child deaths, {}", g.child_deaths.year_label)}</dt>
            <dd><a href="/child-deaths">{deaths}</a></dd>
            <dt>"Learning events this quarter"</dt>
            <dd><a href="/learning-events">{training}</a></dd>
        </dl>
        <h3>"Overdue across the partnership"</h3>
        {if overdue.is_empty() {
            view! { <p>"Nothing is overdue."</p> }.into_any()
        } else {
            let shown = i64::try_from(overdue.len()).unwrap_or(i64::MAX);
            view! {
                <p>
                    {counted(overdue_total, "thing is overdue", "things are overdue")}
                    {(overdue_total > shown).then(|| format!(", the {shown} most pressing shown"))}
                    "."
                </p>
                <ul class="work-list">
                    {overdue
                        .into_iter()
                        .map(|w: OverdueItem| {
                            view! {
                                <WorkRow
                                    urgency=Urgency::from_code(&code_of(&w.urgency))
                                    kind_label=w.kind_label
                                    title=w.title
                                    link=w.link
                                    due_on=w.due_on
                                />
                            }
                        })
                        .collect_view()}
                </ul>
            }
                .into_any()
        }}
    }
}
