use super::detail::agency_resource;
use crate::api::{self, code_of, enum_from};
use crate::components::{
    field_id, set_title, Checkbox, ErrorSummary, FormSubmit, SelectField, TextField,
};
use crate::pages::{route_id, states};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use shared::agencies::AgencyKind;

#[component]
pub fn NewAgency() -> impl IntoView {
    set_title("New agency");
    view! {
        <h1 tabindex="-1">"New agency"</h1>
        <AgencyForm id=None name=String::new() kind=String::new() prefix=String::new() colour="#1d70b8".into() active=true />
    }
}

#[component]
pub fn EditAgency() -> impl IntoView {
    set_title("Edit agency");
    let data = agency_resource(route_id());
    view! {
        <h1 tabindex="-1">"Edit agency"</h1>
        {move || {
            states(
                data.get(),
                |d| {
                    let a = d.agency;
                    view! {
                        <AgencyForm id=Some(a.id) name=a.name kind=code_of(&a.kind) prefix=a.prefix colour=a.colour active=a.active />
                    }
                },
            )
        }}
    }
}

fn describe(field: &str) -> (String, String) {
    let label = match field {
        "name" => "Name",
        "kind" => "Kind of agency",
        "prefix" => "Source prefix",
        "colour" => "Colour",
        other => other,
    };
    (format!("agency-{}", field_id(field)), label.to_string())
}

#[component]
fn AgencyForm(
    id: Option<String>,
    name: String,
    kind: String,
    prefix: String,
    colour: String,
    active: bool,
) -> impl IntoView {
    let navigate = use_navigate();
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let name = RwSignal::new(name);
    let kind = RwSignal::new(kind);
    let prefix = RwSignal::new(prefix);
    let colour = RwSignal::new(colour);
    let active = RwSignal::new(active);
    let editing = id.is_some();
    let id = StoredValue::new(id);
    // Whether the colour is too close to another agency's, checked as it changes.
    let check = LocalResource::new(move || {
        let wanted = colour.get();
        let except = id.get_value();
        async move {
            shared::colour::parse_hex(&wanted)?;
            api::fetch_quietly::<api::AgencyColourCheck, api::data::AgencyColourCheckData>(
                api::agency_colour_check::Variables {
                    colour: wanted,
                    except_agency_id: except,
                },
            )
            .await
            .ok()
            .map(|d| d.check)
        }
    });
    let warning = move || {
        let c = check.get().flatten()?;
        // An answer about a colour since changed is not shown.
        if c.too_close_to.is_empty() || !c.colour.eq_ignore_ascii_case(colour.get().trim()) {
            return None;
        }
        let names = c
            .too_close_to
            .iter()
            .map(|a| format!("{} ({})", a.name, a.prefix))
            .collect::<Vec<_>>()
            .join(", ");
        let suggestion = c.suggestion.clone();
        Some(view! {
            <div class="warning-text colour-warning">
                <span class="warning-text-icon" aria-hidden="true">"!"</span>
                <strong class="warning-text-text">
                    <span class="visually-hidden">"Warning: "</span>
                    {format!("This colour is hard to tell apart from the colour of {names}.")}
                    {suggestion.as_ref().map(|_| " Choose another, or use the suggested colour.")}
                </strong>
                {suggestion.map(|s| {
                    let label = format!("Use {s}");
                    let apply = s.clone();
                    view! {
                        <button
                            type="button"
                            class="button button-secondary button-small"
                            on:click=move |_| colour.set(apply.clone())
                        >
                            <span class="swatch" aria-hidden="true" style=format!("background-color: {s}")></span>
                            " "
                            {label}
                        </button>
                    }
                })}
            </div>
        })
    };
    let kinds = AgencyKind::ALL
        .iter()
        .map(|k| (k.code().to_string(), k.label().to_string()))
        .collect::<Vec<_>>();
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        if kind.with_untracked(String::is_empty) {
            errors.push("agency-kind", "Select the kind of agency");
        }
        if errors.report_found() {
            return;
        }
        let navigate = navigate.clone();
        let request = async move {
            match id.get_value() {
                None => {
                    let input = api::create_agency::AgencyInput {
                        name: name.get_untracked(),
                        kind: enum_from(&kind.get_untracked()),
                        prefix: prefix.get_untracked(),
                        colour: colour.get_untracked(),
                        active: active.get_untracked(),
                    };
                    api::send::<api::CreateAgency>(api::create_agency::Variables { input })
                        .await
                        .map(|d| api::id_of(&d))
                }
                Some(id) => {
                    let input = api::update_agency::AgencyInput {
                        name: name.get_untracked(),
                        kind: enum_from(&kind.get_untracked()),
                        prefix: prefix.get_untracked(),
                        colour: colour.get_untracked(),
                        active: active.get_untracked(),
                    };
                    api::send::<api::UpdateAgency>(api::update_agency::Variables { id, input })
                        .await
                        .map(|d| api::id_of(&d))
                }
            }
        };
        form.send(request, describe, move |id| {
            navigate(&format!("/agencies/{id}"), NavigateOptions::default())
        });
    };
    view! {
        <ErrorSummary errors=errors />
        <form on:submit=submit novalidate=true>
            <TextField id="agency-name" label="Name" value=name errors=errors />
            <SelectField id="agency-kind" label="Kind of agency" value=kind options=kinds blank="Choose a kind" errors=errors />
            <TextField id="agency-prefix" label="Source prefix" hint="2 to 5 capital letters, such as POL or CSC. Shown beside the agency's entries in chronologies." value=prefix errors=errors short=true />
            <TextField id="agency-colour" label="Colour" hint="A colour such as #1d70b8. Always shown with the prefix." value=colour errors=errors short=true />
            <p>
                "Preview: "
                <span class="agency-prefix">
                    <span class="swatch" aria-hidden="true" style=move || format!("background-color: {}", colour.get())></span>
                    {move || prefix.get()}
                </span>
            </p>
            <div aria-live="polite">{warning}</div>
            {editing.then(|| view! { <Checkbox id="agency-active" label="Active (can be added to reviews)" checked=active /> })}
            <button type="submit" class="button" disabled=move || pending.get()>
                {if editing { "Save changes" } else { "Create agency" }}
            </button>
            <a href="/agencies">"Cancel"</a>
        </form>
    }
}
