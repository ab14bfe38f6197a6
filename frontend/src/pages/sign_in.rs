//! Signing in: email and password (or the organisation's own sign-in, where the business
//! office set one up for the address's domain), then the second step when there is one.

use crate::api::{self, data, ErrorCode, SignIn as SignInMutation};
use crate::app::safe_next;
use crate::components::{field_id, set_title, ErrorSummary, FormErrors, FormSubmit, TextField};
use crate::pages::second_factor::{CodeStep, RecoveryCodes, SetUpApp};
use crate::session::{use_session, Me};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use shared::auth::{MAX_EMAIL_CHARS, MAX_PASSWORD_CHARS};
use std::time::Duration;

/// What a refused sign-in says, once: it does not tell which of the two was wrong.
const WRONG_PAIR: &str = "Enter a correct email address and password";

/// The second step lapsed before it was finished.
const LAPSED: &str = "Your sign-in was not finished in time. Sign in again.";

/// Where signing in stands on this page.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Password,
    /// A code from the person's authenticator app.
    Code,
    /// The person's role requires an app they have not set up: they set it up now.
    SetUp,
    /// Just set up while signing in: the recovery codes, shown once, before going on.
    Codes(Vec<String>),
}

/// Why single sign-on came back to this page (`?sso_error=CODE`), in words.
fn sso_refusal(code: &str) -> &'static str {
    match code {
        "no_provider" => "Your organisation's sign-in is not set up on this platform. Sign in with your email address and password, or ask the partnership's business office.",
        "provider_unavailable" => "Your organisation's sign-in service could not be reached. Try again in a few minutes, or sign in with your password.",
        "expired" => "That sign-in took too long or was already used. Start again.",
        "wrong_browser" => "That sign-in was started in another browser. Start again in this one.",
        "provider_refused" => "Your organisation's sign-in service did not sign you in. Try again, or sign in with your password.",
        "token_rejected" => "The answer from your organisation's sign-in service could not be checked, so you were not signed in. Try again; if it keeps happening, tell the partnership's business office.",
        "no_email" | "email_not_verified" => "Your organisation's sign-in service did not confirm your email address, so you were not signed in. Ask your IT team or the partnership's business office.",
        "email_not_served" => "Your email address is not one your organisation's sign-in serves here. Sign in with your password, or ask the partnership's business office.",
        "unknown_person" => "There is no account for that email address on this platform. Ask the partnership's business office to add you.",
        "disabled" => "Your account has been deactivated. Ask the partnership's business office.",
        _ => "Sorry, there is a problem with the service. Try again later.",
    }
}

#[component]
pub fn SignIn() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let query = use_query_map();
    let step = RwSignal::new(Step::Password);
    let errors = FormErrors::new();
    let next = move || safe_next(query.with_untracked(|q| q.get("next")));
    let go_on = move || {
        let navigate = navigate.clone();
        move || navigate(&next(), NavigateOptions::default())
    };
    // Each step's heading takes focus, like a new page.
    Effect::new(move |previous: Option<Step>| {
        let now = step.get();
        if previous.is_some_and(|p| p != now) {
            set_timeout(
                || crate::components::focus_by_id("sign-in-heading"),
                Duration::from_millis(30),
            );
        }
        now
    });
    // Back from the organisation's sign-in: refused (explained), or waiting for the second
    // step (read which one).
    if let Some(code) = query.with_untracked(|q| q.get("sso_error")) {
        errors.show_message(sso_refusal(&code), None);
    }
    if query.with_untracked(|q| q.get("second_factor")).as_deref() == Some("pending") {
        spawn_local(async move {
            match api::fetch_quietly::<api::PendingSignIn, data::PendingSignInData>(
                api::pending_sign_in::Variables,
            )
            .await
            {
                Ok(d) => match d.pending {
                    Some(p) if p.step == "SET_UP" => step.set(Step::SetUp),
                    Some(_) => step.set(Step::Code),
                    None => errors.show_message(LAPSED, None),
                },
                Err(e) => errors.show_message(e.explain(), e.correlation_id),
            }
        });
    }
    let signed_in = {
        let go_on = go_on.clone();
        Callback::new(move |user: data::MeUser| {
            session.me.set(Some(Me::from(user)));
            session.checked.set(true);
            go_on()();
        })
    };
    let lapsed = Callback::new(move |()| {
        step.set(Step::Password);
        errors.show_message(LAPSED, None);
    });
    let set_up = Callback::new(move |c: data::EnrolmentConfirmation| {
        if c.signed_in {
            step.set(Step::Codes(c.recovery_codes));
        } else {
            step.set(Step::Password);
            errors.show_message(LAPSED, None);
        }
    });
    // After the codes: who is now signed in, then on.
    let finish_set_up = Callback::new(move |()| {
        let go_on = go_on.clone();
        spawn_local(async move {
            if let Ok(d) = api::fetch_quietly::<api::Me, data::MeData>(api::me::Variables).await {
                session.me.set(d.me.map(Me::from));
            }
            session.checked.set(true);
            go_on()();
        });
    });
    move || match step.get() {
        Step::Password => {
            view! { <PasswordStep step=step errors=errors on_signed_in=signed_in /> }.into_any()
        }
        Step::Code => view! { <CodeStep on_signed_in=signed_in on_lapsed=lapsed /> }.into_any(),
        Step::SetUp => {
            set_title("Set up two-step verification");
            view! {
                <h1 tabindex="-1" id="sign-in-heading">"Set up two-step verification"</h1>
                <p>"Your role requires two-step verification: after your password, signing in asks for a code from an app on your phone. Set it up now to finish signing in."</p>
                <SetUpApp on_confirmed=set_up on_lapsed=lapsed />
            }
            .into_any()
        }
        Step::Codes(codes) => view! {
            <div class="notice notice-success" role="status">
                <p>"Two-step verification is on, and you are signed in."</p>
            </div>
            <h1 tabindex="-1" id="sign-in-heading">"Keep your recovery codes"</h1>
            <RecoveryCodes codes=codes continue_label="Continue" on_continue=finish_set_up />
        }
        .into_any(),
    }
}

/// The first step: email address and password, or the organisation's own sign-in when the
/// address's domain has one.
#[component]
fn PasswordStep(
    step: RwSignal<Step>,
    errors: FormErrors,
    on_signed_in: Callback<data::MeUser>,
) -> impl IntoView {
    set_title("Sign in");
    let query = use_query_map();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let form = FormSubmit { errors, pending };
    // The organisation's sign-in for the address typed so far (asked once typing pauses;
    // the answer depends on the domain alone).
    let options = RwSignal::new(None::<data::SignInOptions>);
    let asked = StoredValue::new(String::new());
    Effect::new(move |_| {
        let typed = email.get().trim().to_lowercase();
        let domain = typed.rsplit_once('@').map(|(_, d)| d.to_string());
        let Some(domain) = domain.filter(|d| d.contains('.') && typed.len() <= MAX_EMAIL_CHARS)
        else {
            options.set(None);
            asked.set_value(String::new());
            return;
        };
        if asked.with_value(|a| *a == domain) {
            return;
        }
        asked.set_value(domain.clone());
        set_timeout(
            move || {
                // Signed in (and the page left) meanwhile, or typed on: nothing to ask.
                if asked.try_with_value(|a| *a == domain) != Some(true) {
                    return;
                }
                spawn_local(async move {
                    let variables = api::sign_in_options::Variables { email: typed };
                    if let Ok(d) =
                        api::fetch_quietly::<api::SignInOptions, data::SignInOptionsData>(variables)
                            .await
                    {
                        if asked.try_with_value(|a| *a == domain) == Some(true) {
                            options.set(d.options.single_sign_on.then_some(d.options));
                        }
                    }
                });
            },
            Duration::from_millis(250),
        );
    });
    let sso_link = move || {
        options.with(|o| {
            o.as_ref().and_then(|o| o.start_url.clone()).map(|url| {
                let next = safe_next(query.with_untracked(|q| q.get("next")));
                format!(
                    "{url}&next={}",
                    String::from(js_sys::encode_uri_component(&next))
                )
            })
        })
    };

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
        pending.set(true);
        spawn_local(async move {
            let result =
                api::fetch_quietly::<SignInMutation, api::data::SignInData>(variables).await;
            password.set(String::new());
            pending.set(false);
            match result {
                Ok(data) => on_signed_in.run(data.sign_in),
                // The password was right; the second step comes next.
                Err(e) if e.code == ErrorCode::SecondFactorRequired => step.set(Step::Code),
                Err(e) if e.code == ErrorCode::SecondFactorSetupRequired => step.set(Step::SetUp),
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
        });
    };

    view! {
        <ErrorSummary errors=errors />
        <h1 tabindex="-1" id="sign-in-heading">"Sign in"</h1>
        <form on:submit=submit novalidate=true>
            <TextField
                id="email"
                label="Email address"
                value=email
                errors=errors
                input_type="email"
                autocomplete="username"
            />
            <div class="sso-offer" aria-live="polite">
                {move || sso_link().map(|href| {
                    let name = options.with(|o| o.as_ref().and_then(|o| o.provider_name.clone())).unwrap_or_default();
                    view! {
                        <div class="notice">
                            <p>{format!("{name} signs in people with addresses like yours.")}</p>
                            <a class="button" href=href rel="external">"Sign in with your organisation's account"</a>
                        </div>
                        <p>"Or sign in with your password:"</p>
                    }
                })}
            </div>
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
