//! Signing in with email and password.

use crate::api::{self, ErrorCode, SignIn as SignInMutation};
use crate::app::safe_next;
use crate::components::{field_id, set_title, ErrorSummary, FormSubmit, TextField};
use crate::session::{use_session, Me};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

#[component]
pub fn SignIn() -> impl IntoView {
    set_title("Sign in");
    let session = use_session();
    let navigate = use_navigate();
    let query = use_query_map();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;

    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        if email.with_untracked(|e| e.trim().is_empty()) {
            errors.push("email", "Enter your email address");
        }
        if password.with_untracked(String::is_empty) {
            errors.push("password", "Enter your password");
        }
        if errors.report_found() {
            return;
        }
        let variables = api::sign_in::Variables {
            email: email.get_untracked().trim().to_string(),
            password: password.get_untracked(),
        };
        let navigate = navigate.clone();
        pending.set(true);
        spawn_local(async move {
            match api::fetch_quietly::<SignInMutation, api::data::SignInData>(variables).await {
                Ok(data) => {
                    session.me.set(Some(Me::from(data.sign_in)));
                    session.checked.set(true);
                    let next = safe_next(query.with_untracked(|q| q.get("next")));
                    navigate(&next, NavigateOptions::default());
                }
                Err(e) if e.code == ErrorCode::Unauthenticated => {
                    errors.show_message(
                        "Enter a correct email address and password",
                        e.correlation_id,
                    );
                }
                Err(e) => errors.show(e, |f| {
                    (
                        field_id(f),
                        if f == "email" {
                            "Email address".into()
                        } else {
                            "Password".into()
                        },
                    )
                }),
            }
            password.set(String::new());
            pending.set(false);
        });
    };

    view! {
        <ErrorSummary errors=errors />
        <h1 tabindex="-1">"Sign in"</h1>
        <form on:submit=submit novalidate=true>
            <TextField
                id="email"
                label="Email address"
                value=email
                errors=errors
                input_type="email"
                autocomplete="username"
            />
            <TextField
                id="password"
                label="Password"
                value=password
                errors=errors
                input_type="password"
                autocomplete="current-password"
            />
            <button type="submit" class="button" disabled=move || pending.get()>
                "Sign in"
            </button>
        </form>
    }
}
