//! Two-step verification: setting up an authenticator app (the codes computed here from the
//! secret it is given), the second step of signing in, replay, recovery codes, the roles the
//! business office makes it compulsory for, the office's reset, and the throttle.

use crate::db_tests;
use crate::helpers::{error_code, run, Backend, Client, TestApp, PASSWORD};
use serde_json::{json, Value};
use server::auth::totp;
use shared::auth::Role;

const SIGN_IN: &str =
    "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }";
const START: &str = "mutation { startSecondFactorEnrolment { secret otpauthUri qrCodeSvg } }";
const CONFIRM: &str =
    "mutation($c: String!) { confirmSecondFactorEnrolment(code: $c) { recoveryCodes signedIn } }";
const COMPLETE: &str = "mutation($c: String!) { completeSignIn(code: $c) { id } }";
const STATUS: &str = "{ secondFactor { enrolled recoveryCodesLeft required } }";

/// The current 30-second step.
fn step_now() -> i64 {
    totp::step_of(chrono::Utc::now().timestamp())
}

/// The code an authenticator app shows for `step`, from the base32 secret.
fn code(secret: &str, step: i64) -> String {
    let key = totp::decode_secret(secret).expect("base32 secret");
    totp::code_at(&key, step as u64)
}

async fn me(client: &Client) -> Value {
    client.gql("{ me { id } }", json!({})).await["data"]["me"]["id"].clone()
}

async fn sign_in(client: &Client, email: &str) -> Value {
    client
        .gql(SIGN_IN, json!({ "e": email, "p": PASSWORD }))
        .await
}

/// Starts setting up an app and returns its secret.
async fn start(client: &Client) -> String {
    let data = client.ok(START, json!({})).await;
    let enrolment = &data["startSecondFactorEnrolment"];
    let secret = enrolment["secret"].as_str().expect("secret").to_owned();
    assert!(enrolment["otpauthUri"]
        .as_str()
        .is_some_and(|u| u.starts_with("otpauth://totp/") && u.contains(&secret)));
    assert!(enrolment["qrCodeSvg"]
        .as_str()
        .is_some_and(|s| s.starts_with("<svg")));
    secret
}

/// A person with an app set up, and the step of the code that confirmed it.
async fn enrolled(
    app: &TestApp,
    email: &str,
    roles: &[Role],
) -> (String, String, Vec<String>, i64) {
    let (client, id) = app.signed_in(email, roles, None).await;
    let secret = start(&client).await;
    let step = step_now();
    let data = client
        .ok(CONFIRM, json!({ "c": code(&secret, step) }))
        .await;
    let codes: Vec<String> = data["confirmSecondFactorEnrolment"]["recoveryCodes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| c.as_str().expect("code").to_owned())
        .collect();
    (id, secret, codes, step)
}

async fn an_app_is_set_up_and_asked_for_at_sign_in(backend: Backend) {
    run(backend, |app| async move {
        let (client, id) = app
            .signed_in("alex@test.example", &[Role::IndependentChair], None)
            .await;
        let status = client.ok(STATUS, json!({})).await;
        assert_eq!(status["secondFactor"]["enrolled"], false);
        let secret = start(&client).await;
        // A wrong code does not confirm it.
        let wrong = client.gql(CONFIRM, json!({ "c": "000000" })).await;
        let step = step_now();
        if (step - 1..=step + 1).all(|s| code(&secret, s) != "000000") {
            assert_eq!(error_code(&wrong).as_deref(), Some("INVALID_CODE"));
        }
        let confirm_code = code(&secret, step);
        let data = client.ok(CONFIRM, json!({ "c": confirm_code })).await;
        let codes = data["confirmSecondFactorEnrolment"]["recoveryCodes"]
            .as_array()
            .expect("codes")
            .clone();
        assert_eq!(codes.len(), 10);
        assert_eq!(data["confirmSecondFactorEnrolment"]["signedIn"], false);
        let status = client.ok(STATUS, json!({})).await;
        assert_eq!(status["secondFactor"]["enrolled"], true);
        assert_eq!(status["secondFactor"]["recoveryCodesLeft"], 10);
        // The secret is never shown again: setting up once more is refused.
        let again = client.gql(START, json!({})).await;
        assert_eq!(error_code(&again).as_deref(), Some("CONFLICT"));

        // Signing in now takes a second step; until then the session is not signed in.
        let other = app.client();
        let body = sign_in(&other, "alex@test.example").await;
        assert_eq!(error_code(&body).as_deref(), Some("SECOND_FACTOR_REQUIRED"));
        assert!(me(&other).await.is_null());
        let pending = other
            .ok("{ pendingSignIn { step minutes } }", json!({}))
            .await;
        assert_eq!(pending["pendingSignIn"]["step"], "ENTER_CODE");
        let reviews = other.gql("{ reviews { id } }", json!({})).await;
        assert_eq!(error_code(&reviews).as_deref(), Some("UNAUTHENTICATED"));
        let started = other.gql(START, json!({})).await;
        assert_eq!(
            error_code(&started).as_deref(),
            Some("SECOND_FACTOR_REQUIRED")
        );
        // A wrong code, then the code that confirmed the app (used already): refused.
        let wrong = other.gql(COMPLETE, json!({ "c": "12345" })).await;
        assert_eq!(error_code(&wrong).as_deref(), Some("INVALID_CODE"));
        let replayed = other.gql(COMPLETE, json!({ "c": confirm_code })).await;
        assert_eq!(error_code(&replayed).as_deref(), Some("INVALID_CODE"));
        // The next step's code (within the allowed skew) signs in.
        let next = code(&secret, step + 1);
        let done = other.ok(COMPLETE, json!({ "c": next })).await;
        assert_eq!(done["completeSignIn"]["id"], id.as_str());
        assert_eq!(me(&other).await, id.as_str());
        assert!(other.ok("{ pendingSignIn { step } }", json!({})).await["pendingSignIn"].is_null());

        // The same code again, in another browser: refused (replay).
        let third = app.client();
        assert_eq!(
            error_code(&sign_in(&third, "alex@test.example").await).as_deref(),
            Some("SECOND_FACTOR_REQUIRED")
        );
        let replayed = third.gql(COMPLETE, json!({ "c": next })).await;
        assert_eq!(error_code(&replayed).as_deref(), Some("INVALID_CODE"));
        // A recovery code works, once (typed in capitals without its hyphen here).
        let recovery = codes[0].as_str().expect("code").to_owned();
        let typed = recovery.replace('-', "").to_uppercase();
        third.ok(COMPLETE, json!({ "c": typed })).await;
        assert_eq!(me(&third).await, id.as_str());
        let fourth = app.client();
        sign_in(&fourth, "alex@test.example").await;
        let reused = fourth.gql(COMPLETE, json!({ "c": recovery })).await;
        assert_eq!(error_code(&reused).as_deref(), Some("INVALID_CODE"));
        let status = third.ok(STATUS, json!({})).await;
        assert_eq!(status["secondFactor"]["recoveryCodesLeft"], 9);

        // Without a pending sign-in there is no second step.
        let fresh = app.client();
        let body = fresh.gql(COMPLETE, json!({ "c": "123456" })).await;
        assert_eq!(error_code(&body).as_deref(), Some("SIGN_IN_NOT_STARTED"));

        // Turned off with a recovery code: the next sign-in takes the password alone.
        let wrong = third
            .gql("mutation { disableSecondFactor(code: \"abc\") }", json!({}))
            .await;
        assert_eq!(error_code(&wrong).as_deref(), Some("INVALID_CODE"));
        third
            .ok(
                "mutation($c: String!) { disableSecondFactor(code: $c) }",
                json!({ "c": codes[1] }),
            )
            .await;
        let status = third.ok(STATUS, json!({})).await;
        assert_eq!(status["secondFactor"]["enrolled"], false);
        app.client().sign_in("alex@test.example", PASSWORD).await;
    })
    .await;
}

async fn a_required_role_must_set_up_an_app_before_anything_else(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let set = office
            .ok(
                "mutation { setSecondFactorRoles(roles: [INDEPENDENT_CHAIR]) }",
                json!({}),
            )
            .await;
        assert_eq!(set["setSecondFactorRoles"], json!(["INDEPENDENT_CHAIR"]));
        let roles = office.ok("{ secondFactorRoles }", json!({})).await;
        assert_eq!(roles["secondFactorRoles"], json!(["INDEPENDENT_CHAIR"]));

        let chair_id = app
            .person("chair@test.example", &[Role::IndependentChair], None)
            .await;
        let chair = app.client();
        let body = sign_in(&chair, "chair@test.example").await;
        assert_eq!(
            error_code(&body).as_deref(),
            Some("SECOND_FACTOR_SETUP_REQUIRED")
        );
        // Nothing but setting up an app.
        assert!(me(&chair).await.is_null());
        for doc in ["{ reviews { id } }", "{ agencies { id } }", STATUS] {
            let body = chair.gql(doc, json!({})).await;
            assert_eq!(
                error_code(&body).as_deref(),
                Some("UNAUTHENTICATED"),
                "{doc}"
            );
        }
        let body = chair.gql(COMPLETE, json!({ "c": "123456" })).await;
        assert_eq!(
            error_code(&body).as_deref(),
            Some("SECOND_FACTOR_SETUP_REQUIRED")
        );
        let pending = chair.ok("{ pendingSignIn { step } }", json!({})).await;
        assert_eq!(pending["pendingSignIn"]["step"], "SET_UP");
        let secret = start(&chair).await;
        let data = chair
            .ok(CONFIRM, json!({ "c": code(&secret, step_now()) }))
            .await;
        assert_eq!(data["confirmSecondFactorEnrolment"]["signedIn"], true);
        assert_eq!(me(&chair).await, chair_id.as_str());
        let status = chair.ok(STATUS, json!({})).await;
        assert_eq!(status["secondFactor"]["required"], true);
        // Required: it cannot be turned off.
        let off = chair
            .gql(
                "mutation($c: String!) { disableSecondFactor(code: $c) }",
                json!({ "c": code(&secret, step_now() + 1) }),
            )
            .await;
        assert_eq!(error_code(&off).as_deref(), Some("CONFLICT"));

        // A lost phone: the office resets it; the chair's sessions end, and the next
        // sign-in sets up a new app.
        let reset = office
            .ok(
                "mutation($id: ID!) { resetSecondFactor(userId: $id) { id secondFactorEnrolled } }",
                json!({ "id": chair_id }),
            )
            .await;
        assert_eq!(reset["resetSecondFactor"]["secondFactorEnrolled"], false);
        assert!(me(&chair).await.is_null());
        let again = app.client();
        let body = sign_in(&again, "chair@test.example").await;
        assert_eq!(
            error_code(&body).as_deref(),
            Some("SECOND_FACTOR_SETUP_REQUIRED")
        );
        // Audited.
        let log = office
            .ok("{ auditLog(first: 100) { entries { action } } }", json!({}))
            .await;
        let actions: Vec<&str> = log["auditLog"]["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .filter_map(|e| e["action"].as_str())
            .collect();
        for action in [
            "second_factor.roles_set",
            "second_factor.enrolled",
            "second_factor.reset",
        ] {
            assert!(actions.contains(&action), "{action} in {actions:?}");
        }
        // Only the office sets the roles or resets.
        let agency = app.agency("Health", "HLT").await;
        let rep = app
            .signed_in(
                "rep@test.example",
                &[Role::AgencyRepresentative],
                Some(&agency),
            )
            .await
            .0;
        let body = rep
            .gql("mutation { setSecondFactorRoles(roles: []) }", json!({}))
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"));
    })
    .await;
}

async fn wrong_codes_are_throttled_like_passwords(backend: Backend) {
    run(backend, |app| async move {
        let (_, secret, _, step) =
            enrolled(&app, "sam@test.example", &[Role::IndependentChair]).await;
        let client = app.client();
        assert_eq!(
            error_code(&sign_in(&client, "sam@test.example").await).as_deref(),
            Some("SECOND_FACTOR_REQUIRED")
        );
        let limit = app.state.config.sign_in_account_limit;
        for _ in 0..limit {
            let body = client.gql(COMPLETE, json!({ "c": "abcdefghij" })).await;
            assert_eq!(error_code(&body).as_deref(), Some("INVALID_CODE"));
        }
        // Now even the right code waits.
        let body = client
            .gql(COMPLETE, json!({ "c": code(&secret, step + 1) }))
            .await;
        assert_eq!(error_code(&body).as_deref(), Some("TOO_MANY_ATTEMPTS"));
        assert!(me(&client).await.is_null());
    })
    .await;
}

db_tests!(
    an_app_is_set_up_and_asked_for_at_sign_in,
    a_required_role_must_set_up_an_app_before_anything_else,
    wrong_codes_are_throttled_like_passwords,
);
