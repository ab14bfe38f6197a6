//! The dashboard: visible reviews ordered by their next statutory milestone.

use super::reviews::{next_milestone, ReviewRow};
use super::states;
use crate::api::{self, Dashboard as DashboardQuery};
use crate::components::{set_title, DataTable, OfficeButtonLink};
use leptos::prelude::*;

#[component]
pub fn Dashboard() -> impl IntoView {
    set_title("Dashboard");
    let data = LocalResource::new(|| {
        api::fetch::<DashboardQuery, api::data::DashboardData>(api::dashboard::Variables)
    });
    view! {
        <h1 tabindex="-1">"Dashboard"</h1>
        <OfficeButtonLink href="/reviews/new" label="New review" />
        {move || {
            states(
                data.get(),
                |d| {
                    if d.dashboard.is_empty() {
                        return view! {
                            <h2>"No reviews yet"</h2>
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
