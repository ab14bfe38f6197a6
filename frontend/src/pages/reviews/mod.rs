//! Reviews: the list, one review, creating and editing, the threshold decision.

mod decision;
mod detail;
mod form;
mod list;
mod subject_access;

pub use decision::DecisionPage;
pub use detail::ReviewPage;
pub use form::{EditReview, NewReview};
pub use list::ReviewList;

use crate::api::code_of;
use crate::components::{format_opt_date, StateTag};
use leptos::prelude::*;
use serde::Serialize;

/// How the lists show a review's next milestone, given its (label, due date, state):
/// (label, due date or a dash, state code). With nothing outstanding: "Nothing
/// outstanding", a dash and met.
pub fn next_milestone<S: Serialize>(
    milestone: Option<(String, Option<String>, S)>,
) -> (String, String, String) {
    match milestone {
        Some((label, due_on, state)) => {
            (label, format_opt_date(due_on.as_deref()), code_of(&state))
        }
        None => (
            "Nothing outstanding".to_string(),
            "—".to_string(),
            "MET".to_string(),
        ),
    }
}

/// One review in a list: its reference (a link to it), subject and kind, the `children`
/// cells, then its state.
#[component]
pub fn ReviewRow(
    id: String,
    reference: String,
    subject: String,
    kind_label: String,
    state: String,
    children: Children,
) -> impl IntoView {
    view! {
        <tr>
            <th scope="row">
                <a href=format!("/reviews/{id}")>{reference}</a>
            </th>
            <td>{subject}</td>
            <td>{kind_label}</td>
            {children()}
            <td>
                <StateTag code=state />
            </td>
        </tr>
    }
}
