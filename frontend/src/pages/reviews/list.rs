use crate::api::{self, code_of, Reviews};
use crate::components::{format_date, format_opt_date, set_title, ButtonLink, StateTag};
use crate::pages::states;
use crate::session::use_session;
use leptos::prelude::*;

#[component]
pub fn ReviewList() -> impl IntoView {
    set_title("Reviews");
    let session = use_session();
    let data = LocalResource::new(|| api::call::<Reviews>(api::reviews::Variables));
    view! {
        <h1 tabindex="-1">"Reviews"</h1>
        <Show when=move || session.is_office()>
            <ButtonLink href="/reviews/new">"New review"</ButtonLink>
        </Show>
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
                        <div class="table-wrap">
                            <table>
                                <caption>"Reviews you can see, newest first"</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"Reference"</th>
                                        <th scope="col">"Subject"</th>
                                        <th scope="col">"Kind"</th>
                                        <th scope="col">"Notified"</th>
                                        <th scope="col">"Next milestone"</th>
                                        <th scope="col">"State"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {d
                                        .reviews
                                        .into_iter()
                                        .map(|r| {
                                            let (next, state) = match r.next_milestone {
                                                Some(m) => (format!("{} ({})", m.label, format_opt_date(m.due_on.as_deref())), code_of(&m.state)),
                                                None => ("Nothing outstanding".to_string(), "MET".to_string()),
                                            };
                                            view! {
                                                <tr>
                                                    <th scope="row">
                                                        <a href=format!("/reviews/{}", r.id)>{r.reference}</a>
                                                    </th>
                                                    <td>{r.subject}</td>
                                                    <td>{r.kind_label}</td>
                                                    <td>{format_date(&r.notified_on)}</td>
                                                    <td>{next}</td>
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
