//! The partnership's committees, and what was referred to each (learning points and
//! actions the person may see).

use super::{kind_label, load_into, scope_label, ActionTable, Answer};
use crate::api::data::{CommitteeDetailData, CommitteesData};
use crate::api::{self, CommitteeDetail, Committees};
use crate::components::{set_title, DataTable};
use crate::pages::{route_id, states};
use leptos::prelude::*;

#[component]
pub fn CommitteeList() -> impl IntoView {
    set_title("Committees");
    let data =
        LocalResource::new(|| api::fetch::<Committees, CommitteesData>(api::committees::Variables));
    view! {
        <h1 tabindex="-1">"Committees"</h1>
        <p>
            "Learning points and actions are referred to a committee, which then follows them. "
            <a href="/actions">"All actions"</a>
        </p>
        {move || {
            states(
                data.get(),
                |d| {
                    view! {
                        <DataTable
                            caption="Committees of the partnership"
                            columns=&["Committee", "What is referred to it", "Learning points", "Actions"]
                        >
                            {d
                                .committees
                                .into_iter()
                                .map(|c| {
                                    view! {
                                        <tr>
                                            <th scope="row">
                                                <a href=format!("/committees/{}", c.id)>{c.name}</a>
                                            </th>
                                            <td>{c.purpose}</td>
                                            <td class="numeric">{c.learning_points.len()}</td>
                                            <td class="numeric">{c.actions.len()}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </DataTable>
                    }
                },
            )
        }}
    }
}

#[component]
pub fn CommitteePage() -> impl IntoView {
    set_title("Committee");
    let id = route_id();
    let data: Answer<CommitteeDetailData> = RwSignal::new(None);
    Effect::new(move |_| {
        let id = id.get();
        data.set(None);
        load_into::<CommitteeDetail, _>(data, api::committee_detail::Variables { id });
    });
    let heading = move || {
        data.with(|d| match d {
            Some(Ok(d)) => {
                set_title(&d.committee.name);
                d.committee.name.clone()
            }
            _ => "Committee".to_string(),
        })
    };
    view! {
        <h1 tabindex="-1">{heading}</h1>
        {move || {
            states(
                data.get(),
                |d| {
                    let c = d.committee;
                    let points = if c.learning_points.is_empty() {
                        view! { <p>"No learning points you can see have been referred."</p> }.into_any()
                    } else {
                        view! {
                            <DataTable
                                caption="Learning points referred"
                                columns=&["Learning point", "Scope", "Kind", "Themes"]
                            >
                                {c
                                    .learning_points
                                    .into_iter()
                                    .map(|p| {
                                        view! {
                                            <tr>
                                                <th scope="row">
                                                    <a href=format!("/reviews/{}/learning", p.review_id)>{p.title}</a>
                                                </th>
                                                <td>{scope_label(&p.scope)}</td>
                                                <td>{kind_label(&p.kind)}</td>
                                                <td>{p.themes.join(", ")}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </DataTable>
                        }
                            .into_any()
                    };
                    view! {
                        <p class="lead">{c.purpose}</p>
                        <p>
                            <a href="/committees">"All committees"</a>
                        </p>
                        <h2>"Learning points"</h2>
                        {points}
                        <h2>"Actions"</h2>
                        <ActionTable caption="Actions referred" rows=c.actions />
                    }
                },
            )
        }}
    }
}
