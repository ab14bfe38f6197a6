//! The home page: what needs the person (the same list the notifications are made from),
//! then the reviews they can see ordered by their next statutory milestone.

use super::notifications::urgency_class;
use super::reviews::{next_milestone, ReviewRow};
use super::states;
use crate::api::what_needs_me::WhatNeedsMeWhatNeedsMe as WorkItem;
use crate::api::{self, code_of, Dashboard as DashboardQuery, WhatNeedsMe};
use crate::components::{format_date, set_title, DataTable, OfficeButtonLink};
use leptos::prelude::*;

#[component]
pub fn Dashboard() -> impl IntoView {
    set_title("Dashboard");
    let data = LocalResource::new(|| {
        api::fetch::<DashboardQuery, api::data::DashboardData>(api::dashboard::Variables)
    });
    let work = LocalResource::new(|| api::call::<WhatNeedsMe>(api::what_needs_me::Variables));
    view! {
        <h1 tabindex="-1">"Dashboard"</h1>
        <section class="what-needs-you" aria-labelledby="what-needs-you">
            <h2 id="what-needs-you">"What needs you"</h2>
            {move || states(work.get(), |d| view! { <WorkList items=d.what_needs_me /> }.into_any())}
        </section>
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
                    let urgency = shared::work::Urgency::from_code(&code_of(&w.urgency));
                    view! {
                        <li class="work-item">
                            <strong class=urgency_class(urgency)>{w.kind_label}</strong>
                            " "
                            <a href=w.link>{w.title}</a>
                            {w.due_on.map(|d| view! { <span class="work-due">{format!(" Due {}", format_date(&d))}</span> })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}
