//! The dashboard: visible reviews ordered by their next statutory milestone.

use super::states;
use crate::api::{self, code_of, Dashboard as DashboardQuery};
use crate::components::{format_opt_date, set_title, ButtonLink, StateTag};
use crate::session::use_session;
use leptos::prelude::*;

#[component]
pub fn Dashboard() -> impl IntoView {
    set_title("Dashboard");
    let session = use_session();
    let data = LocalResource::new(|| api::call::<DashboardQuery>(api::dashboard::Variables));
    view! {
        <h1 tabindex="-1">"Dashboard"</h1>
        <Show when=move || session.is_office()>
            <ButtonLink href="/reviews/new">"New review"</ButtonLink>
        </Show>
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
                        <div class="table-wrap">
                            <table>
                                <caption>"Reviews by next milestone, most urgent first"</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"Reference"</th>
                                        <th scope="col">"Subject"</th>
                                        <th scope="col">"Kind"</th>
                                        <th scope="col">"Next milestone"</th>
                                        <th scope="col">"Due"</th>
                                        <th scope="col">"State"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {d
                                        .dashboard
                                        .into_iter()
                                        .map(|r| {
                                            let (label, due, state) = match r.next_milestone {
                                                Some(m) => (m.label, format_opt_date(m.due_on.as_deref()), code_of(&m.state)),
                                                None => ("Nothing outstanding".to_string(), "—".to_string(), "MET".to_string()),
                                            };
                                            view! {
                                                <tr>
                                                    <th scope="row">
                                                        <a href=format!("/reviews/{}", r.id)>{r.reference}</a>
                                                    </th>
                                                    <td>{r.subject}</td>
                                                    <td>{r.kind_label}</td>
                                                    <td>{label}</td>
                                                    <td>{due}</td>
                                                    <td>
                                                        <StateTag code=state />
                                                    </td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                        .into_any()
                },
            )
        }}
    }
}
