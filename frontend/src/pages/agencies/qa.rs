//! Editing an agency's list of quality-assurance mechanisms (saved as a whole).

use super::detail::agency_resource;
use crate::api::{self, SetQaMechanisms};
use crate::components::{set_title, DateInput, ErrorSummary, FormSubmit, TextArea};
use crate::pages::{loaded_heading, route_id, states};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

#[derive(Clone, Copy)]
struct Row {
    key: u32,
    text: RwSignal<String>,
    date: RwSignal<String>,
}

#[component]
pub fn QaMechanismsPage() -> impl IntoView {
    set_title("Edit QA mechanisms");
    let data = agency_resource(route_id());
    let heading = loaded_heading(data, "Edit QA mechanisms", |d| {
        format!("QA mechanisms: {}", d.agency.name)
    });
    view! {
        <h1 tabindex="-1">{heading}</h1>
        {move || {
            states(
                data.get(),
                |d| {
                    let rows = d.agency.qa_mechanisms.into_iter().map(|m| (m.text, m.last_updated)).collect();
                    view! { <QaForm agency_id=d.agency.id rows=rows /> }
                },
            )
        }}
    }
}

/// `mechanisms[2].lastUpdated` → (`mechanisms-2-lastUpdated`, "Mechanism 3 last updated").
fn describe(field: &str) -> (String, String) {
    let index = field
        .strip_prefix("mechanisms[")
        .and_then(|rest| rest.split(']').next())
        .and_then(|n| n.parse::<usize>().ok());
    match index {
        Some(i) if field.ends_with("lastUpdated") => (
            format!("mechanisms-{i}-lastUpdated"),
            format!("Mechanism {} last updated date", i + 1),
        ),
        Some(i) => (
            format!("mechanisms-{i}-text"),
            format!("Mechanism {} description", i + 1),
        ),
        None => ("add-mechanism".into(), "The list of mechanisms".into()),
    }
}

#[component]
fn QaForm(agency_id: String, rows: Vec<(String, String)>) -> impl IntoView {
    let navigate = use_navigate();
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let next_key = StoredValue::new(rows.len() as u32);
    let rows = RwSignal::new(
        rows.into_iter()
            .enumerate()
            .map(|(i, (text, date))| Row {
                key: i as u32,
                text: RwSignal::new(text),
                date: RwSignal::new(date),
            })
            .collect::<Vec<_>>(),
    );
    let agency_id = StoredValue::new(agency_id);
    let add = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        rows.update(|r| {
            r.push(Row {
                key,
                text: RwSignal::new(String::new()),
                date: RwSignal::new(String::new()),
            })
        });
        let index = rows.with_untracked(Vec::len) - 1;
        request_animation_frame(move || {
            if let Some(el) = document().get_element_by_id(&format!("mechanisms-{index}-text")) {
                use wasm_bindgen::JsCast;
                if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
        });
    };
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        let list = rows.get_untracked();
        for (i, row) in list.iter().enumerate() {
            if row.date.with_untracked(String::is_empty) {
                errors.push(
                    &format!("mechanisms-{i}-lastUpdated"),
                    format!("Enter the date mechanism {} was last updated", i + 1),
                );
            }
        }
        if errors.report_found() {
            return;
        }
        let mechanisms = list
            .iter()
            .map(|r| api::set_qa_mechanisms::QaMechanismInput {
                text: r.text.get_untracked(),
                last_updated: r.date.get_untracked(),
            })
            .collect();
        let id = agency_id.get_value();
        let variables = api::set_qa_mechanisms::Variables {
            agency_id: id.clone(),
            mechanisms,
        };
        let navigate = navigate.clone();
        form.send(
            api::send::<SetQaMechanisms>(variables),
            describe,
            move |_| navigate(&format!("/agencies/{id}"), NavigateOptions::default()),
        );
    };
    let back = format!("/agencies/{}", agency_id.get_value());
    view! {
        <ErrorSummary errors=errors />
        <p>"Each mechanism is saved with the date it was last updated. Saving replaces the whole list."</p>
        <form on:submit=submit novalidate=true>
            {move || {
                let list = rows.get();
                if list.is_empty() {
                    return view! { <p>"No mechanisms in the list. Add one, or save an empty list."</p> }.into_any();
                }
                list.into_iter()
                    .enumerate()
                    .map(|(i, row)| {
                        let n = i + 1;
                        view! {
                            <fieldset class="row-card">
                                <legend>{format!("Mechanism {n}")}</legend>
                                <TextArea id=format!("mechanisms-{i}-text") label=format!("Mechanism {n} description") value=row.text errors=errors rows=3 />
                                <DateInput id=format!("mechanisms-{i}-lastUpdated") label=format!("Mechanism {n} last updated") value=row.date errors=errors />
                                <button
                                    type="button"
                                    class="button button-secondary"
                                    on:click=move |_| rows.update(|r| r.retain(|x| x.key != row.key))
                                >
                                    {format!("Remove mechanism {n}")}
                                </button>
                            </fieldset>
                        }
                    })
                    .collect_view()
                    .into_any()
            }}
            <div class="button-group">
                <button type="button" id="add-mechanism" class="button button-secondary" on:click=add>"Add a mechanism"</button>
            </div>
            <div class="button-group">
                <button type="submit" class="button" disabled=move || pending.get()>"Save mechanisms"</button>
                <a href=back>"Cancel"</a>
            </div>
        </form>
    }
}
