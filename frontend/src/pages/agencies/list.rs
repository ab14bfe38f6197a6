use crate::api::{self, Agencies};
use crate::components::{format_opt_date, set_title, AgencyPrefix, ButtonLink};
use crate::pages::states;
use crate::session::use_session;
use leptos::prelude::*;

#[component]
pub fn AgencyList() -> impl IntoView {
    set_title("Agencies");
    let session = use_session();
    let data = LocalResource::new(move || {
        let include_inactive = session.is_office();
        api::call::<Agencies>(api::agencies::Variables { include_inactive })
    });
    view! {
        <h1 tabindex="-1">"Agencies"</h1>
        <Show when=move || session.is_office()>
            <ButtonLink href="/agencies/new">"New agency"</ButtonLink>
        </Show>
        {move || {
            states(
                data.get(),
                |d| {
                    if d.agencies.is_empty() {
                        return view! {
                            <h2>"No agencies yet"</h2>
                            <p>"The business office adds the partner agencies: police, children's social care, health providers and others."</p>
                        }
                            .into_any();
                    }
                    view! {
                        <div class="table-wrap">
                            <table>
                                <caption>"Partner agencies"</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"Prefix"</th>
                                        <th scope="col">"Name"</th>
                                        <th scope="col">"Kind"</th>
                                        <th scope="col">"QA mechanisms updated"</th>
                                        <th scope="col">"Status"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {d
                                        .agencies
                                        .into_iter()
                                        .map(|a| {
                                            view! {
                                                <tr>
                                                    <td>
                                                        <AgencyPrefix prefix=a.prefix colour=a.colour />
                                                    </td>
                                                    <th scope="row">
                                                        <a href=format!("/agencies/{}", a.id)>{a.name}</a>
                                                    </th>
                                                    <td>{a.kind_label}</td>
                                                    <td>{format_opt_date(a.qa_last_updated.as_deref())}</td>
                                                    <td>
                                                        {if a.active {
                                                            view! { <strong class="tag tag-met">"Active"</strong> }
                                                        } else {
                                                            view! { <strong class="tag tag-inactive">"Inactive"</strong> }
                                                        }}
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
