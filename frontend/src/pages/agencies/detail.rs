use crate::api::{self, AgencyDetail};
use crate::components::{
    format_date, format_opt_date, set_title, AgencyPrefix, ButtonLink, DataTable,
};
use crate::pages::{loaded_heading, route_id, states};
use crate::session::use_session;
use leptos::prelude::*;

pub fn agency_resource(
    id: Memo<String>,
) -> LocalResource<Result<api::data::AgencyDetailData, api::ApiError>> {
    LocalResource::new(move || {
        let id = id.get();
        api::fetch::<AgencyDetail, api::data::AgencyDetailData>(api::agency_detail::Variables {
            id,
        })
    })
}

#[component]
pub fn AgencyPage() -> impl IntoView {
    set_title("Agency");
    let session = use_session();
    let id = route_id();
    let data = agency_resource(id);
    let heading = loaded_heading(data, "Agency", |d| d.agency.name);
    Effect::new(move |_| {
        if let Some(Ok(d)) = data.get() {
            set_title(&d.agency.name);
        }
    });
    view! {
        <h1 tabindex="-1">{heading}</h1>
        {move || {
            states(
                data.get(),
                move |d| {
                    let a = d.agency;
                    let agency_id = a.id.clone();
                    let edit = format!("/agencies/{}/edit", a.id);
                    let qa = format!("/agencies/{}/qa", a.id);
                    let tokens_for = a.id.clone();
                    let audits = format!("/agencies/{}/audits", a.id);
                    let reads_audits = session
                        .actor()
                        .is_some_and(|actor| shared::qa_reports::reads(&actor, &a.id));
                    view! {
                        <div class="button-group">
                            <Show when=move || session.is_office()>
                                <ButtonLink href=edit.clone() secondary=true>"Edit agency details"</ButtonLink>
                            </Show>
                            <Show when=move || session.can_keep_agency_qa(&agency_id)>
                                <ButtonLink href=qa.clone() secondary=true>"Edit QA mechanisms"</ButtonLink>
                            </Show>
                        </div>
                        <dl class="summary-list">
                            <dt>"Source prefix"</dt>
                            <dd><AgencyPrefix prefix=a.prefix.clone() colour=a.colour.clone() /></dd>
                            <dt>"Colour"</dt>
                            <dd><code>{a.colour.clone()}</code></dd>
                            <dt>"Kind"</dt>
                            <dd>{a.kind_label.clone()}</dd>
                            <dt>"Status"</dt>
                            <dd>{if a.active { "Active" } else { "Inactive" }}</dd>
                            <dt>"QA mechanisms last updated"</dt>
                            <dd>{format_opt_date(a.qa_last_updated.as_deref())}</dd>
                        </dl>
                        {if a.qa_mechanisms.is_empty() {
                            view! {
                                <h2>"Quality-assurance mechanisms"</h2>
                                <p>"No quality-assurance mechanisms recorded yet. The agency lead or the business office can add them."</p>
                            }
                                .into_any()
                        } else {
                            view! {
                                <DataTable caption="Quality-assurance mechanisms" columns=&["Mechanism", "Last updated"]>
                                    {a
                                        .qa_mechanisms
                                        .into_iter()
                                        .map(|m| view! {
                                            <tr>
                                                <td class="justification">{m.text}</td>
                                                <td>{format_date(&m.last_updated)}</td>
                                            </tr>
                                        })
                                        .collect_view()}
                                </DataTable>
                            }
                                .into_any()
                        }}
                        {reads_audits
                            .then(|| view! {
                                <h2>"Single-agency audits"</h2>
                                <p>
                                    <a href=audits>"The agency's single-agency audits"</a>
                                    ": what it audited of its own practice, what it found and what changed."
                                </p>
                            })}
                        {session
                            .is_office()
                            .then(|| view! { <super::tokens::ApiTokensSection agency_id=tokens_for /> })}
                    }
                },
            )
        }}
    }
}
