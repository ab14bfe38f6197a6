use super::{next_milestone, ReviewRow};
use crate::api::{self, Reviews};
use crate::components::{format_date, set_title, DataTable, OfficeButtonLink};
use crate::pages::states;
use crate::session::use_session;
use leptos::prelude::*;

#[component]
pub fn ReviewList() -> impl IntoView {
    set_title("Reviews");
    let session = use_session();
    let data = LocalResource::new(|| {
        api::fetch::<Reviews, api::data::ReviewsData>(api::reviews::Variables)
    });
    view! {
        <h1 tabindex="-1">"Reviews"</h1>
        <OfficeButtonLink href="/reviews/new" label="New review" />
        {move || {
            states(
                data.get(),
                move |d| {
                    if d.reviews.is_empty() {
                        return view! {
                            <h2>"No reviews yet"</h2>
                            <p>
                                {if session.is_office() {
                                    "Use “New review” to record a case notified to the partnership."
                                } else {
                                    "Reviews you are a member of will appear here once the business office adds you."
                                }}
                            </p>
                        }
                            .into_any();
                    }
                    view! {
                        <DataTable
                            caption="Reviews you can see, newest first"
                            columns=&["Reference", "Subject", "Kind", "Notified", "Next milestone", "State"]
                        >
                            {d
                                .reviews
                                .into_iter()
                                .map(|r| {
                                    let outstanding = r.next_milestone.is_some();
                                    let (label, due, state) = next_milestone(
                                        r.next_milestone.map(|m| (m.label, m.due_on, m.state)),
                                    );
                                    let next = if outstanding { format!("{label} ({due})") } else { label };
                                    view! {
                                        <ReviewRow id=r.id reference=r.reference subject=r.subject kind_label=r.kind_label state=state>
                                            <td>{format_date(&r.notified_on)}</td>
                                            <td>{next}</td>
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
