use crate::api::{self, code_of, Users};
use crate::components::{set_title, ActiveTag, ButtonLink, DataTable};
use crate::pages::second_factor::RequiredRoles;
use crate::pages::states;
use leptos::prelude::*;
use shared::auth::Role;

pub fn role_label(code: &str) -> String {
    Role::from_code(code).map_or(code.to_string(), |r| r.label().to_string())
}

pub fn role_labels(codes: impl IntoIterator<Item = String>) -> String {
    codes
        .into_iter()
        .map(|c| Role::from_code(&c).map_or(c.clone(), |r| r.label().to_string()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[component]
pub fn UserList() -> impl IntoView {
    set_title("Users");
    let data =
        LocalResource::new(|| api::fetch::<Users, api::data::UsersData>(api::users::Variables));
    view! {
        <h1 tabindex="-1">"Users"</h1>
        <ButtonLink href="/users/new">"New user"</ButtonLink>
        <p>"Organisations whose staff sign in with their own account: "<a href="/sign-in-providers">"sign-in providers"</a>"."</p>
        {move || {
            states(
                data.get(),
                |d| {
                    if d.users.is_empty() {
                        return view! {
                            <h2>"No users yet"</h2>
                            <p>"Use “New user” to give someone an account."</p>
                        }
                            .into_any();
                    }
                    view! {
                        <DataTable caption="People with an account" columns=&["Name", "Email", "Agency", "Roles", "Two-step verification", "Status"]>
                            {d
                                .users
                                .into_iter()
                                .map(|u| {
                                    view! {
                                        <tr>
                                            <th scope="row">
                                                <a href=format!("/users/{}", u.id)>{u.display_name}</a>
                                            </th>
                                            <td>{u.email}</td>
                                            <td>{u.agency.map_or("—".to_string(), |a| format!("{} ({})", a.name, a.prefix))}</td>
                                            <td>{role_labels(u.roles.iter().map(code_of))}</td>
                                            <td>{if u.second_factor_enrolled { "On" } else { "Off" }}</td>
                                            <td>
                                                <ActiveTag active=u.active inactive="Deactivated" />
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </DataTable>
                        <RequiredRoles />
                    }
                        .into_any()
                },
            )
        }}
    }
}
