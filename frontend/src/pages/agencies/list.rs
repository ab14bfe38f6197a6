use crate::api::{self, Agencies};
use crate::components::{
    format_opt_date, set_title, ActiveTag, AgencyPrefix, DataTable, OfficeButtonLink,
};
use crate::pages::states;
use crate::session::use_session;
use leptos::prelude::*;

#[component]
pub fn AgencyList() -> impl IntoView {
    set_title("Agencies");
    let session = use_session();
    let data = LocalResource::new(move || {
        let include_inactive = session.is_office();
        api::fetch::<Agencies, api::data::AgenciesData>(api::agencies::Variables {
            include_inactive,
        })
    });
    view! {
        <h1 tabindex="-1">"Agencies"</h1>
        <OfficeButtonLink href="/agencies/new" label="New agency" />
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
                        <DataTable caption="Partner agencies" columns=&["Prefix", "Name", "Kind", "QA mechanisms updated", "Status"]>
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
                                                <ActiveTag active=a.active inactive="Inactive" />
                                            </td>
                                        </tr>
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
