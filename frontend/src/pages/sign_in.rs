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
use shared::auth::{MAX_EMAIL_CHARS, MAX_PASSWORD_CHARS};

/// What a refused sign-in says, once: it does not tell which of the two was wrong.
const WRONG_PAIR: &str = "Enter a correct email address and password";

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
        } else if email.with_untracked(|e| e.trim().chars().count() > MAX_EMAIL_CHARS) {
            errors.push(
                "email",
                format!("Enter an email address of at most {MAX_EMAIL_CHARS} characters"),
            );
        }
        if password.with_untracked(String::is_empty) {
            errors.push("password", "Enter your password");
        } else if password.with_untracked(|p| p.chars().count() > MAX_PASSWORD_CHARS) {
            errors.push(
                "password",
                format!("Enter a password of at most {MAX_PASSWORD_CHARS} characters"),
            );
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
                // A wrong email address or password (the server answers it on `password`,
                // the lengths being checked above): one message, in the summary only. It is
                // about the pair, not one field, so no field is marked and nothing repeats
                // inline (GOV.UK's pattern for a failed sign-in).
                Err(e) if matches!(e.code, ErrorCode::Validation | ErrorCode::Unauthenticated) => {
                    errors.show_message(WRONG_PAIR, e.correlation_id);
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
        <p><a href="/forgotten-password">"Forgotten your password?"</a></p>
    }
}

/// "Forgotten your password?": asks for the address and says what happens next (a link by
/// email, or ask the business office when the platform sends no email).
#[component]
pub fn ForgottenPassword() -> impl IntoView {
    set_title("Forgotten your password");
    let email = RwSignal::new(String::new());
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let answer = RwSignal::new(None::<api::request_password_reset::PasswordResetRoute>);
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        if email.with_untracked(|e| e.trim().is_empty()) {
            errors.push("email", "Enter your email address");
        }
        if errors.report_found() {
            return;
        }
        let variables = api::request_password_reset::Variables {
            email: email.get_untracked().trim().to_string(),
        };
        form.send(
            api::call::<api::RequestPasswordReset>(variables),
            |f| (field_id(f), "Email address".into()),
            move |data| answer.set(Some(data.request_password_reset)),
        );
    };
    view! {
        <ErrorSummary errors=errors />
        <h1 tabindex="-1">"Forgotten your password"</h1>
        {move || match answer.get() {
            Some(api::request_password_reset::PasswordResetRoute::ASK_THE_BUSINESS_OFFICE) => view! {
                <div class="notice" role="status">
                    <p>"This platform does not send email. Ask the partnership's business office to set a new password for you; they will give it to you securely."</p>
                </div>
                <p><a href="/sign-in">"Back to sign in"</a></p>
            }.into_any(),
            Some(_) => view! {
                <div class="notice notice-success" role="status">
                    <p>{move || format!("If {} belongs to an account, we have sent it a link to choose a new password. The link works once, within an hour.", email.get().trim())}</p>
                </div>
                <p>"No email after a few minutes? Check your junk folder, or ask the partnership's business office."</p>
                <p><a href="/sign-in">"Back to sign in"</a></p>
            }.into_any(),
            None => view! {
                <p>"Enter the email address you sign in with. We will send you a link to choose a new password."</p>
                <form on:submit=submit novalidate=true>
                    <TextField id="email" label="Email address" value=email errors=errors input_type="email" autocomplete="username" />
                    <button type="submit" class="button" disabled=move || pending.get()>"Send the link"</button>
                </form>
                <p><a href="/sign-in">"Back to sign in"</a></p>
            }.into_any(),
        }}
    }
}

/// The page a reset link opens: choose a new password (twice), then sign in with it.
#[component]
pub fn ResetPassword() -> impl IntoView {
    set_title("Choose a new password");
    let query = use_query_map();
    let token = Memo::new(move |_| query.with(|q| q.get("token")).unwrap_or_default());
    let password = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let done = RwSignal::new(false);
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        let chosen = password.get_untracked();
        // The platform's password rule, as the server applies it.
        let mut problems = shared::validation::Problems::new();
        shared::validation::password(&mut problems, "password", &chosen);
        if problems.0.is_empty() && chosen != again.get_untracked() {
            errors.push("again", "Enter the same password twice");
        }
        for p in problems.0 {
            errors.push(&p.field, format!("New password {}", p.message));
        }
        if errors.report_found() {
            return;
        }
        let variables = api::reset_password::Variables {
            token: token.get_untracked(),
            password: chosen,
        };
        form.send(
            api::call::<api::ResetPassword>(variables),
            |f| {
                if f == "token" {
                    (field_id("password"), "Reset link".into())
                } else {
                    (field_id(f), "New password".into())
                }
            },
            move |_| {
                password.set(String::new());
                again.set(String::new());
                done.set(true);
            },
        );
    };
    view! {
        <ErrorSummary errors=errors />
        <h1 tabindex="-1">"Choose a new password"</h1>
        {move || if done.get() {
            view! {
                <div class="notice notice-success" role="status">
                    <p>"Your password has been changed. You have been signed out everywhere; sign in with the new password."</p>
                </div>
                <p><a class="button" href="/sign-in">"Sign in"</a></p>
            }.into_any()
        } else if token.get().is_empty() {
            view! {
                <p>"This page needs the link from your email. Ask for a new one if it does not work."</p>
                <p><a href="/forgotten-password">"Ask for a new link"</a></p>
            }.into_any()
        } else {
            view! {
                <form on:submit=submit novalidate=true>
                    <TextField id="password" label="New password" hint="At least 12 characters" value=password errors=errors input_type="password" autocomplete="new-password" />
                    <TextField id="again" label="New password again" value=again errors=errors input_type="password" autocomplete="new-password" />
                    <button type="submit" class="button" disabled=move || pending.get()>"Change my password"</button>
                </form>
                <p><a href="/forgotten-password">"Ask for a new link"</a></p>
            }.into_any()
        }}
    }
}
