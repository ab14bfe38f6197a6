use crate::api::{self, code_of, enum_from, AgencyOptions, UserDetail};
use crate::components::{
    ask, field_id, set_title, Checkbox, CheckboxGroup, ConfirmPanel, ErrorSummary, FormSubmit,
    SelectField, TextField,
};
use crate::pages::second_factor::ResetForPerson;
use crate::pages::{loaded_heading, route_id, states};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use shared::auth::Role;

#[derive(Debug, Clone, Default)]
struct UserValues {
    id: Option<String>,
    email: String,
    display_name: String,
    agency_id: String,
    roles: Vec<String>,
    active: bool,
}

#[component]
pub fn NewUser() -> impl IntoView {
    set_title("New user");
    let agencies = LocalResource::new(|| {
        api::fetch::<AgencyOptions, api::data::AgencyOptionsData>(api::agency_options::Variables)
    });
    view! {
        <h1 tabindex="-1">"New user"</h1>
        {move || {
            states(
                agencies.get(),
                |d| {
                    let agencies = d.agencies.into_iter().map(|a| (a.id, format!("{} – {}", a.prefix, a.name))).collect();
                    view! { <UserForm values=UserValues { active: true, ..Default::default() } agencies=agencies /> }
                },
            )
        }}
    }
}

#[component]
pub fn EditUser() -> impl IntoView {
    set_title("Edit user");
    let id = route_id();
    let data = LocalResource::new(move || {
        let id = id.get();
        api::fetch::<UserDetail, api::data::UserDetailData>(api::user_detail::Variables { id })
    });
    let heading = loaded_heading(data, "Edit user", |d| d.user.display_name);
    view! {
        <h1 tabindex="-1">{heading}</h1>
        {move || {
            states(
                data.get(),
                |d| {
                    let u = d.user;
                    let values = UserValues {
                        id: Some(u.id),
                        email: u.email,
                        display_name: u.display_name,
                        agency_id: u.agency.map(|a| a.id).unwrap_or_default(),
                        roles: u.roles.iter().map(code_of).collect(),
                        active: u.active,
                    };
                    let agencies = d.agencies.into_iter().map(|a| (a.id, format!("{} – {}", a.prefix, a.name))).collect();
                    let user_id = values.id.clone().unwrap_or_default();
                    let enrolled = u.second_factor_enrolled;
                    view! {
                        <UserForm values=values agencies=agencies />
                        <SetPassword user_id=user_id.clone() />
                        <ResetForPerson user_id=user_id enrolled=enrolled />
                    }
                },
            )
        }}
    }
}

/// The business office sets a new password for someone who forgot theirs (and cannot get
/// a reset link by email). It signs the person out everywhere, so it asks first.
#[component]
fn SetPassword(user_id: String) -> impl IntoView {
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let password = RwSignal::new(String::new());
    let confirming = RwSignal::new(false);
    let done = RwSignal::new(false);
    let user_id = StoredValue::new(user_id);
    let check = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        done.set(false);
        // The platform's password rule, as the server applies it.
        let mut problems = shared::validation::Problems::new();
        password.with_untracked(|p| shared::validation::password(&mut problems, "newPassword", p));
        for p in problems.0 {
            errors.push(&p.field, format!("New password {}", p.message));
        }
        if errors.report_found() {
            return;
        }
        ask(confirming, "confirm-set-password");
    };
    let confirm = move |()| {
        let variables = api::set_user_password::Variables {
            id: user_id.get_value(),
            password: password.get_untracked(),
        };
        form.send(
            api::send::<api::SetUserPassword>(variables),
            |_| (field_id("newPassword"), "New password".into()),
            move |_| {
                password.set(String::new());
                confirming.set(false);
                done.set(true);
            },
        );
    };
    view! {
        <h2>"Set a new password"</h2>
        <p>"For someone who has forgotten theirs. They are signed out everywhere and sign in with the new password, which you give them securely."</p>
        <ErrorSummary errors=errors />
        <Show when=move || done.get()>
            <div class="notice notice-success" role="status">
                <p>"New password set. The person has been signed out everywhere."</p>
            </div>
        </Show>
        <form on:submit=check novalidate=true>
            <TextField id="newPassword" label="New password" hint="At least 12 characters" input_type="password" autocomplete="new-password" value=password errors=errors />
            <Show when=move || !confirming.get()>
                <button type="submit" class="button button-secondary">"Set password"</button>
            </Show>
            <ConfirmPanel
                id="confirm-set-password"
                open=confirming
                level=3
                question="Set this person's new password?"
                confirm="Yes, set the password"
                pending=pending
                on_confirm=Callback::new(move |()| confirm(()))
            >
                <p>"Setting the password signs this person out of every device now."</p>
            </ConfirmPanel>
        </form>
    }
}

fn describe(field: &str) -> (String, String) {
    let group = field.split('[').next().unwrap_or(field);
    let label = match group {
        "email" => "Email address",
        "displayName" => "Display name",
        "agencyId" => "Agency",
        "roles" => "Roles",
        "password" => "Initial password",
        other => other,
    };
    (field_id(group), label.to_string())
}

#[component]
fn UserForm(values: UserValues, agencies: Vec<(String, String)>) -> impl IntoView {
    let navigate = use_navigate();
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let editing = values.id.is_some();
    let id = StoredValue::new(values.id.clone());
    let email = RwSignal::new(values.email);
    let display_name = RwSignal::new(values.display_name);
    let agency_id = RwSignal::new(values.agency_id);
    let roles = RwSignal::new(values.roles);
    let active = RwSignal::new(values.active);
    let password = RwSignal::new(String::new());
    let saved = RwSignal::new(false);
    let role_options = Role::ALL
        .iter()
        .map(|r| (r.code().to_string(), r.label().to_string()))
        .collect::<Vec<_>>();
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        saved.set(false);
        let agency = Some(agency_id.get_untracked()).filter(|a| !a.is_empty());
        let role_values: Vec<_> = roles.get_untracked();
        let navigate = navigate.clone();
        let request = async move {
            match id.get_value() {
                None => {
                    let input = api::create_user::CreateUserInput {
                        email: email.get_untracked(),
                        display_name: display_name.get_untracked(),
                        agency_id: agency,
                        roles: role_values.iter().map(|r| enum_from(r)).collect(),
                        password: password.get_untracked(),
                    };
                    api::send::<api::CreateUser>(api::create_user::Variables { input })
                        .await
                        .map(|d| api::id_of(&d))
                }
                Some(id) => {
                    let input = api::update_user::UpdateUserInput {
                        email: email.get_untracked(),
                        display_name: display_name.get_untracked(),
                        agency_id: agency,
                        roles: role_values.iter().map(|r| enum_from(r)).collect(),
                        active: active.get_untracked(),
                    };
                    api::send::<api::UpdateUser>(api::update_user::Variables { id, input })
                        .await
                        .map(|d| api::id_of(&d))
                }
            }
        };
        form.send(request, describe, move |new_id| {
            if editing {
                password.set(String::new());
                saved.set(true);
            } else {
                navigate(&format!("/users/{new_id}"), NavigateOptions::default())
            }
        });
    };
    view! {
        <ErrorSummary errors=errors />
        <Show when=move || saved.get()>
            <div class="notice notice-success" role="status">
                <p>"Changes saved."</p>
            </div>
        </Show>
        <form on:submit=submit novalidate=true>
            <TextField id="email" label="Email address" input_type="email" autocomplete="off" value=email errors=errors />
            <TextField id="displayName" label="Display name" value=display_name errors=errors />
            <SelectField id="agencyId" label="Agency" hint="Needed for agency lead, agency representative and practitioner" value=agency_id options=agencies blank="No agency (partnership-wide)" errors=errors />
            <CheckboxGroup id="roles" legend="Roles" hint="Select all that apply" options=role_options selected=roles errors=errors />
            {(!editing).then(|| view! {
                <TextField id="password" label="Initial password" hint="At least 12 characters. Give it to the person securely." input_type="password" autocomplete="new-password" value=password errors=errors />
            })}
            {editing.then(|| view! {
                <Checkbox id="active" label="Account active (the person can sign in)" checked=active />
            })}
            <button type="submit" class="button" disabled=move || pending.get()>
                {if editing { "Save changes" } else { "Create user" }}
            </button>
            <a href="/users">"Back to users"</a>
        </form>
    }
}
