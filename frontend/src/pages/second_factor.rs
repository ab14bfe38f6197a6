//! Two-step verification in the browser: the code step and the set-up step of signing in,
//! the person's own account page (set up, new recovery codes, turn off), and the business
//! office's settings (roles that must use it, resetting a person's).

use crate::api::{self, data, ErrorCode};
use crate::components::{
    ask, format_date_time, set_title, CheckboxGroup, ConfirmPanel, ErrorSummary, FormErrors,
    FormSubmit, TextField,
};
use crate::pages::states;
use crate::pages::users::role_label;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::auth::second_factor::{read_code, Entered};
use shared::auth::Role;

/// The code field's own check before anything is sent: six digits or a recovery code.
fn check_code(errors: FormErrors, id: &str, code: RwSignal<String>, recovery: bool) -> bool {
    let entered = code.with_untracked(|c| read_code(c));
    let message = match entered {
        Entered::AppCode(_) => return true,
        Entered::RecoveryCode(_) if recovery => return true,
        _ if code.with_untracked(|c| c.trim().is_empty()) => {
            "Enter the 6-digit code from your authenticator app"
        }
        _ if recovery => {
            "Enter the 6 digits your authenticator app shows, or a recovery code (10 letters and numbers)"
        }
        _ => "Enter the 6 digits your authenticator app shows",
    };
    errors.push(id, message);
    errors.report_found();
    false
}

/// What the server refused about a code, shown on the code field itself when it is about
/// the code (INVALID_CODE, VALIDATION), otherwise in the summary.
fn show_code_error(errors: FormErrors, id: &str, error: api::ApiError) {
    if matches!(error.code, ErrorCode::InvalidCode | ErrorCode::Validation) {
        errors.clear();
        let text = if error.code == ErrorCode::InvalidCode {
            error.message
        } else {
            "Enter the 6-digit code from your authenticator app".to_string()
        };
        errors.push(id, text);
        errors.fail();
    } else {
        errors.show(error, |_| (String::new(), String::new()));
    }
}

/// Sends a checked code with `request`: the form waits meanwhile and the field is emptied
/// after (a code works once). The answer goes to `done`; a lapsed sign-in to `lapsed` when
/// given; any other refusal is shown on the field `id` (or in the summary).
fn send_code<T: 'static>(
    form: FormSubmit,
    id: &'static str,
    code: RwSignal<String>,
    request: impl std::future::Future<Output = Result<T, api::ApiError>> + 'static,
    done: impl FnOnce(T) + 'static,
    lapsed: Option<Callback<()>>,
) {
    let FormSubmit { errors, pending } = form;
    pending.set(true);
    spawn_local(async move {
        let result = request.await;
        pending.set(false);
        code.set(String::new());
        match (result, lapsed) {
            (Ok(answer), _) => done(answer),
            (Err(e), Some(lapsed)) if e.code == ErrorCode::SignInNotStarted => lapsed.run(()),
            (Err(e), _) => show_code_error(errors, id, e),
        }
    });
}

/// The set-up key as people type it: groups of four.
fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The second step of signing in: a code from the app, or a recovery code.
#[component]
pub fn CodeStep(
    /// Called with the signed-in person.
    on_signed_in: Callback<data::MeUser>,
    /// The pending sign-in lapsed: back to the password.
    on_lapsed: Callback<()>,
) -> impl IntoView {
    set_title("Two-step verification");
    let code = RwSignal::new(String::new());
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) || !check_code(errors, "code", code, true) {
            return;
        }
        let variables = api::complete_sign_in::Variables {
            code: code.get_untracked(),
        };
        send_code(
            form,
            "code",
            code,
            api::fetch_quietly::<api::CompleteSignIn, data::CompleteSignInData>(variables),
            move |d| on_signed_in.run(d.complete_sign_in),
            Some(on_lapsed),
        );
    };
    view! {
        <ErrorSummary errors=errors />
        <h1 tabindex="-1" id="sign-in-heading">"Two-step verification"</h1>
        <p>"Open the authenticator app on your phone and enter the code it shows for the Learning and improvement platform."</p>
        <form on:submit=submit novalidate=true>
            <TextField
                id="code"
                label="Code"
                hint="6 digits. Without your phone, enter one of your recovery codes instead."
                value=code
                errors=errors
                autocomplete="one-time-code"
                short=true
            />
            <button type="submit" class="button" disabled=move || pending.get()>
                "Continue"
            </button>
        </form>
        <p>"Lost your phone and your recovery codes? Ask the partnership's business office to reset your two-step verification."</p>
    }
}

/// The recovery codes, shown once: a list to copy or download, then "continue".
#[component]
pub fn RecoveryCodes(
    codes: Vec<String>,
    /// The words of the button that goes on.
    continue_label: &'static str,
    on_continue: Callback<()>,
) -> impl IntoView {
    let text = format!(
        "Recovery codes for the Learning and improvement platform.\nEach signs you in once instead of a code from your authenticator app.\n\n{}\n",
        codes.join("\n")
    );
    let download = move |_| {
        let encoded = window().btoa(&text).unwrap_or_default();
        crate::components::save_file("recovery-codes.txt", "text/plain", &encoded);
    };
    view! {
        <h2>"Your recovery codes"</h2>
        <p>"If you lose your phone, each of these codes signs you in once instead of a code from the app. Keep them somewhere safe and away from your phone: they are shown only now."</p>
        <ul class="recovery-codes" id="recovery-codes">
            {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
        </ul>
        <div class="button-group">
            <button type="button" class="button button-secondary" on:click=download>
                "Download the codes"
            </button>
            <button type="button" class="button" on:click=move |_| on_continue.run(())>
                {continue_label}
            </button>
        </div>
    }
}

/// Setting up an authenticator app: a new secret as a QR code and a key, then a code from
/// the app to confirm it. Used while signing in (a role that requires it) and on the
/// account page.
#[component]
pub fn SetUpApp(
    /// Called once the app is confirmed, with the recovery codes and whether this signed
    /// the person in.
    on_confirmed: Callback<data::EnrolmentConfirmation>,
    /// The pending sign-in lapsed (only while signing in).
    #[prop(optional)]
    on_lapsed: Option<Callback<()>>,
) -> impl IntoView {
    let enrolment = LocalResource::new(|| {
        api::fetch_quietly::<api::StartSecondFactorEnrolment, data::EnrolmentData>(
            api::start_second_factor_enrolment::Variables,
        )
    });
    let code = RwSignal::new(String::new());
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) || !check_code(errors, "setup-code", code, false) {
            return;
        }
        let variables = api::confirm_second_factor_enrolment::Variables {
            code: code.get_untracked(),
        };
        send_code(
            form,
            "setup-code",
            code,
            api::fetch_quietly::<api::ConfirmSecondFactorEnrolment, data::ConfirmEnrolmentData>(
                variables,
            ),
            move |d| on_confirmed.run(d.confirmation),
            on_lapsed,
        );
    };
    view! {
        <ErrorSummary errors=errors />
        {move || {
            states(
                enrolment.get(),
                move |d| {
                    let e = d.enrolment;
                    let key = grouped(&e.secret);
                    view! {
                        <ol class="set-up-steps">
                            <li>
                                <p>"Install an authenticator app on your phone if you do not have one, for example Microsoft Authenticator, Google Authenticator or FreeOTP."</p>
                            </li>
                            <li>
                                <p>"In the app, add an account and scan this QR code."</p>
                                {e.qr_code_svg.map(|svg| view! {
                                    <div class="qr-code" role="img" aria-label="QR code to scan with the authenticator app" inner_html=svg></div>
                                })}
                                <p>
                                    "On the phone with the app? "
                                    <a href=e.otpauth_uri.clone()>"Add the account to your authenticator app"</a>
                                    "."
                                </p>
                                <p>
                                    "Cannot scan it? Choose to enter a set-up key in the app, and type "
                                    <code class="set-up-key" id="set-up-key" data-secret=e.secret.clone()>{key}</code>
                                    " (a time-based key)."
                                </p>
                            </li>
                            <li>
                                <form on:submit=submit novalidate=true>
                                    <TextField
                                        id="setup-code"
                                        label="Code from the app"
                                        hint="The 6 digits the app now shows for the Learning and improvement platform"
                                        value=code
                                        errors=errors
                                        autocomplete="one-time-code"
                                        short=true
                                    />
                                    <button type="submit" class="button" disabled=move || pending.get()>
                                        "Turn on two-step verification"
                                    </button>
                                </form>
                            </li>
                        </ol>
                    }
                },
            )
        }}
    }
}

/// What the account page shows in its two-step verification section.
#[derive(Clone, PartialEq)]
enum Mode {
    Status,
    SettingUp,
    Codes(Vec<String>),
}

/// The signed-in person's own account: two-step verification.
#[component]
pub fn AccountPage() -> impl IntoView {
    set_title("Your account");
    let session = crate::session::use_session();
    let status = LocalResource::new(|| {
        api::fetch::<api::SecondFactor, data::SecondFactorData>(api::second_factor::Variables)
    });
    let mode = RwSignal::new(Mode::Status);
    let notice = RwSignal::new(None::<&'static str>);
    let back = Callback::new(move |()| {
        mode.set(Mode::Status);
        status.refetch();
    });
    view! {
        <h1 tabindex="-1">"Your account"</h1>
        <p>{move || session.me.with(|m| m.as_ref().map(|m| format!("Signed in as {}.", m.display_name)))}</p>
        <h2>"Two-step verification"</h2>
        {move || notice.get().map(|text| view! {
            <div class="notice notice-success" role="status"><p>{text}</p></div>
        })}
        {move || match mode.get() {
            Mode::SettingUp => view! {
                <SetUpApp on_confirmed=Callback::new(move |c: data::EnrolmentConfirmation| {
                    notice.set(Some("Two-step verification is on."));
                    mode.set(Mode::Codes(c.recovery_codes));
                }) />
                <p>
                    <button type="button" class="link-button" on:click=move |_| mode.set(Mode::Status)>
                        "Cancel setting up"
                    </button>
                </p>
            }
            .into_any(),
            Mode::Codes(codes) => view! {
                <RecoveryCodes codes=codes continue_label="I have kept my codes" on_continue=back />
            }
            .into_any(),
            Mode::Status => view! {
                {move || states(status.get(), move |d| {
                    let s = d.status;
                    if s.enrolled {
                        view! {
                            <p>"On: signing in asks for a code from your authenticator app after your password."</p>
                            <dl class="summary-list">
                                <dt>"Turned on"</dt>
                                <dd>{s.enrolled_at.as_deref().map(format_date_time).unwrap_or_default()}</dd>
                                <dt>"Recovery codes left"</dt>
                                <dd>{s.recovery_codes_left}</dd>
                            </dl>
                            <NewRecoveryCodes on_codes=Callback::new(move |codes| {
                                notice.set(None);
                                mode.set(Mode::Codes(codes));
                            }) />
                            {if s.required {
                                view! {
                                    <p>"Your role requires two-step verification, so it cannot be turned off. Changing phone? Ask the business office to reset it; you then set up the new phone when you next sign in."</p>
                                }.into_any()
                            } else {
                                view! { <TurnOff on_done=Callback::new(move |()| {
                                    notice.set(Some("Two-step verification is off."));
                                    status.refetch();
                                }) /> }.into_any()
                            }}
                        }.into_any()
                    } else {
                        view! {
                            <p>"Off: you sign in with your password alone. With two-step verification, signing in also asks for a code from an app on your phone, so a stolen password is not enough."</p>
                            {s.required.then(|| view! {
                                <div class="notice notice-warning"><p>"Your role requires two-step verification: set it up now."</p></div>
                            })}
                            <button type="button" class="button" on:click=move |_| {
                                notice.set(None);
                                mode.set(Mode::SettingUp);
                            }>"Set up two-step verification"</button>
                        }.into_any()
                    }
                })}
            }
            .into_any(),
        }}
    }
}

/// Ten new recovery codes, with a current code from the app.
#[component]
fn NewRecoveryCodes(on_codes: Callback<Vec<String>>) -> impl IntoView {
    let code = RwSignal::new(String::new());
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) || !check_code(errors, "new-codes-code", code, false) {
            return;
        }
        let variables = api::regenerate_recovery_codes::Variables {
            code: code.get_untracked(),
        };
        send_code(
            form,
            "new-codes-code",
            code,
            api::fetch::<api::RegenerateRecoveryCodes, data::RecoveryCodesData>(variables),
            move |d| on_codes.run(d.codes),
            None,
        );
    };
    view! {
        <h3>"New recovery codes"</h3>
        <p>"Used some, or lost them? Ten new codes replace all the old ones."</p>
        <ErrorSummary errors=errors />
        <form on:submit=submit novalidate=true>
            <TextField id="new-codes-code" label="Code from your authenticator app" value=code errors=errors autocomplete="one-time-code" short=true />
            <button type="submit" class="button button-secondary" disabled=move || pending.get()>
                "Get new recovery codes"
            </button>
        </form>
    }
}

/// Turning two-step verification off, with a current code or a recovery code, after asking.
#[component]
fn TurnOff(on_done: Callback<()>) -> impl IntoView {
    let code = RwSignal::new(String::new());
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let confirming = RwSignal::new(false);
    let check = move |ev: SubmitEvent| {
        if !form.begin(&ev) || !check_code(errors, "turn-off-code", code, true) {
            return;
        }
        ask(confirming, "confirm-turn-off");
    };
    let confirm = move |()| {
        let variables = api::disable_second_factor::Variables {
            code: code.get_untracked(),
        };
        // Refused, the question stays open with the problem shown on the code field.
        send_code(
            form,
            "turn-off-code",
            code,
            api::send::<api::DisableSecondFactor>(variables),
            move |_| {
                confirming.set(false);
                on_done.run(());
            },
            None,
        );
    };
    view! {
        <h3>"Turn off two-step verification"</h3>
        <ErrorSummary errors=errors />
        <form on:submit=check novalidate=true>
            <TextField id="turn-off-code" label="Code from your authenticator app, or a recovery code" value=code errors=errors autocomplete="one-time-code" short=true />
            <Show when=move || !confirming.get()>
                <button type="submit" class="button button-secondary">"Turn off"</button>
            </Show>
            <ConfirmPanel
                id="confirm-turn-off"
                open=confirming
                level=4
                question="Turn off two-step verification?"
                confirm="Yes, turn it off"
                pending=pending
                destructive=true
                on_confirm=Callback::new(confirm)
            >
                <p>"Signing in will ask for your password alone. Your recovery codes stop working, and the app's entry can be deleted."</p>
            </ConfirmPanel>
        </form>
    }
}

/// The business office: the roles whose people must use two-step verification.
#[component]
pub fn RequiredRoles() -> impl IntoView {
    let loaded = LocalResource::new(|| {
        api::fetch::<api::SecondFactorRoles, data::SecondFactorRolesData>(
            api::second_factor_roles::Variables,
        )
    });
    view! {
        <h2>"Two-step verification"</h2>
        {move || states(loaded.get(), |d| view! { <RequiredRolesForm roles=d.roles /> })}
    }
}

#[component]
fn RequiredRolesForm(roles: Vec<String>) -> impl IntoView {
    let selected = RwSignal::new(roles);
    let form = FormSubmit::new();
    let FormSubmit { errors, pending } = form;
    let saved = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        if !form.begin(&ev) {
            return;
        }
        saved.set(false);
        let variables = api::set_second_factor_roles::Variables {
            roles: selected
                .get_untracked()
                .iter()
                .map(|c| api::enum_from(c))
                .collect(),
        };
        form.send(
            api::fetch::<api::SetSecondFactorRoles, data::SetSecondFactorRolesData>(variables),
            |_| ("second-factor-roles".into(), "Roles".into()),
            move |d| {
                selected.set(d.roles);
                saved.set(true);
            },
        );
    };
    let options: Vec<(String, String)> = Role::ALL
        .iter()
        .map(|r| (r.code().to_string(), role_label(r.code())))
        .collect();
    view! {
        <ErrorSummary errors=errors />
        <Show when=move || saved.get()>
            <div class="notice notice-success" role="status">
                <p>{move || {
                    let n = selected.with(Vec::len);
                    if n == 0 {
                        "Saved. No role has to use two-step verification.".to_string()
                    } else {
                        let which = if n == 1 { "this role" } else { "any of these roles" };
                        format!("Saved. People with {which} set it up at their next sign-in if they have not already.")
                    }
                }}</p>
            </div>
        </Show>
        <form on:submit=submit novalidate=true>
            <CheckboxGroup
                id="second-factor-roles"
                legend="Roles that must use two-step verification"
                hint="People holding any of these roles set up an authenticator app at their next sign-in and cannot turn it off. Anyone else may turn it on for themselves."
                options=options
                selected=selected
                errors=errors
            />
            <button type="submit" class="button button-secondary" disabled=move || pending.get()>
                "Save"
            </button>
        </form>
    }
}

/// The business office resets a person's two-step verification (a lost phone), after asking.
#[component]
pub fn ResetForPerson(user_id: String, enrolled: bool) -> impl IntoView {
    let enrolled = RwSignal::new(enrolled);
    let confirming = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(false);
    let user_id = StoredValue::new(user_id);
    let confirm = move |()| {
        pending.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api::send::<api::ResetSecondFactor>(api::reset_second_factor::Variables {
                user_id: user_id.get_value(),
            })
            .await;
            pending.set(false);
            match result {
                Ok(_) => {
                    confirming.set(false);
                    enrolled.set(false);
                    done.set(true);
                }
                Err(e) => error.set(Some(e.explain())),
            }
        });
    };
    view! {
        <h2>"Two-step verification"</h2>
        <Show when=move || done.get()>
            <div class="notice notice-success" role="status">
                <p>"Two-step verification reset. The person has been signed out everywhere; they set up their app again if their role requires it or they choose to."</p>
            </div>
        </Show>
        {move || if enrolled.get() {
            view! {
                <p>"On. If the person has lost their phone and their recovery codes, reset it: their app and recovery codes stop working and they are signed out everywhere."</p>
                <Show when=move || !confirming.get()>
                    <button type="button" class="button button-secondary" on:click=move |_| ask(confirming, "confirm-reset-second-factor")>
                        "Reset two-step verification"
                    </button>
                </Show>
                <ConfirmPanel
                    id="confirm-reset-second-factor"
                    open=confirming
                    level=3
                    question="Reset this person's two-step verification?"
                    confirm="Yes, reset it"
                    pending=pending
                    error=error
                    destructive=true
                    on_confirm=Callback::new(confirm)
                >
                    <p>"Check it is really them asking (in person or by a call you make). Their authenticator app and recovery codes stop working, and they are signed out of every device now."</p>
                </ConfirmPanel>
            }.into_any()
        } else {
            view! { <p>"Off."</p> }.into_any()
        }}
    }
}
