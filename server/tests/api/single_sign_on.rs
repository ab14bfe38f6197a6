//! Single sign-on with OpenID Connect against a real provider: `oidc-provider` from npm,
//! started here by server/tests/oidc/provider.mjs (installed by scripts/setup with `npm
//! ci`). The flow is driven as a browser would, redirects followed by hand: the platform's
//! start, the provider's login and consent forms (submitted), the platform's callback.

use crate::db_tests;
use crate::helpers::{run, Backend, Client, TestApp};
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};
use shared::auth::Role;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

const CLIENT_ID: &str = "learning-platform";
const CLIENT_SECRET: &str = "a-test-client-secret";
const DOMAIN: &str = "northshire.test";

/// The provider process, ended when dropped.
struct Idp {
    child: Child,
    issuer: String,
}

impl Drop for Idp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the provider for `app`'s callback. Fails loudly when Node or the package is
/// missing: CI has them after scripts/setup.
fn start_idp(app: &TestApp) -> Idp {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc");
    assert!(
        dir.join("node_modules/oidc-provider").is_dir(),
        "oidc-provider is not installed: run scripts/setup (it runs `npm ci` in {})",
        dir.display()
    );
    let mut child = Command::new("node")
        .arg("provider.mjs")
        .current_dir(&dir)
        .env("REDIRECT_URI", format!("{}/auth/oidc/callback", app.base))
        .env("CLIENT_ID", CLIENT_ID)
        .env("CLIENT_SECRET", CLIENT_SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("Node.js must be installed to run the OpenID provider (scripts/setup installs it)");
    let stdout = child.stdout.take().expect("stdout");
    let mut reader = BufReader::new(stdout);
    let mut line = String::new();
    reader
        .read_line(&mut line)
        .expect("the provider's first line");
    // The rest of what it prints is read and dropped (a closed pipe would stop it).
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    let issuer = line
        .trim()
        .strip_prefix("listening ")
        .unwrap_or_else(|| panic!("the provider did not start: {line:?}"))
        .to_owned();
    Idp { child, issuer }
}

/// A browser: its own cookie jar, redirects not followed.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

fn location(response: &reqwest::Response) -> String {
    let base = response.url().clone();
    let to = response
        .headers()
        .get("location")
        .unwrap_or_else(|| panic!("no redirect from {base}: {}", response.status()))
        .to_str()
        .expect("ascii location");
    base.join(to).expect("location").to_string()
}

/// `name="…" value="…"` or `action="…"` in the provider's form.
fn attribute(html: &str, before: &str) -> Option<String> {
    let at = html.find(before)? + before.len();
    let rest = &html[at..];
    Some(rest[..rest.find('"')?].replace("&amp;", "&"))
}

/// Starts signing in as `email` and signs in at the provider as `login`; the callback URL
/// the provider sends the browser to (not yet followed).
async fn through_provider(
    app: &TestApp,
    browser: &reqwest::Client,
    email: &str,
    login: &str,
) -> String {
    let start = browser
        .get(format!("{}/auth/oidc/start", app.base))
        .query(&[("email", email), ("next", "/reviews")])
        .send()
        .await
        .expect("start");
    assert_eq!(start.status(), 303);
    let mut url = location(&start);
    assert!(
        !url.starts_with(&app.base),
        "not sent to the provider: {url}"
    );
    for _ in 0..12 {
        if url.starts_with(&format!("{}/auth/oidc/callback", app.base)) {
            return url;
        }
        let response = browser.get(&url).send().await.expect("provider");
        if response.status().is_redirection() {
            url = location(&response);
            continue;
        }
        assert_eq!(response.status(), 200, "{url}");
        let page_url = response.url().clone();
        let html = response.text().await.expect("page");
        let action = attribute(&html, "action=\"").expect("a form");
        let prompt = attribute(&html, "name=\"prompt\" value=\"").expect("the form's prompt");
        let mut form = vec![("prompt", prompt.clone())];
        if prompt == "login" {
            form.push(("login", login.to_owned()));
            form.push(("password", "anything".to_owned()));
        }
        let submitted = browser
            .post(page_url.join(&action).expect("action"))
            .form(&form)
            .send()
            .await
            .expect("submit");
        assert!(
            submitted.status().is_redirection(),
            "{}",
            submitted.status()
        );
        url = location(&submitted);
    }
    panic!("the provider never sent the browser back");
}

/// Follows the callback; where the platform sends the browser next (a path).
async fn callback(app: &TestApp, browser: &reqwest::Client, url: &str) -> String {
    let response = browser.get(url).send().await.expect("callback");
    assert_eq!(response.status(), 303);
    location(&response)
        .strip_prefix(&app.base)
        .expect("a redirect into the app")
        .to_owned()
}

async fn signed_in_as(app: &TestApp, browser: &reqwest::Client) -> Value {
    let client = Client {
        http: browser.clone(),
        base: app.base.clone(),
    };
    client.gql("{ me { email } }", json!({})).await["data"]["me"]["email"].clone()
}

const CREATE: &str = "mutation($input: SignInProviderInput!) { createSignInProvider(input: $input) { id name domains hasClientSecret redirectUri } }";
const OPTIONS: &str =
    "query($e: String!) { signInOptions(email: $e) { singleSignOn providerName startUrl } }";

/// The business office configures `idp` for [`DOMAIN`].
async fn configure(app: &TestApp, idp: &Idp) -> (Client, String) {
    let office = app.office().await;
    let created = office
        .ok(
            CREATE,
            json!({ "input": {
                "name": "Northshire Council",
                "issuerUrl": idp.issuer,
                "clientId": CLIENT_ID,
                "clientSecret": CLIENT_SECRET,
                "domains": [DOMAIN, "@Schools.Northshire.test"],
            }}),
        )
        .await["createSignInProvider"]
        .clone();
    assert_eq!(created["hasClientSecret"], true);
    assert_eq!(
        created["domains"],
        json!(["northshire.test", "schools.northshire.test"])
    );
    assert_eq!(
        created["redirectUri"],
        format!("{}/auth/oidc/callback", app.base)
    );
    (office, created["id"].as_str().expect("id").to_owned())
}

async fn an_existing_person_signs_in_with_their_organisations_account(backend: Backend) {
    run(backend, |app| async move {
        let idp = start_idp(&app);
        let (office, _) = configure(&app, &idp).await;
        app.person("worker@northshire.test", &[Role::IndependentChair], None)
            .await;

        // The sign-in page learns only what the domain uses, not whether the person exists.
        let stranger = app.client();
        for email in ["worker@northshire.test", "nobody@NORTHSHIRE.test"] {
            let options = stranger.ok(OPTIONS, json!({ "e": email })).await;
            assert_eq!(options["signInOptions"]["singleSignOn"], true, "{email}");
            assert_eq!(
                options["signInOptions"]["providerName"],
                "Northshire Council"
            );
        }
        let options = stranger
            .ok(OPTIONS, json!({ "e": "someone@elsewhere.test" }))
            .await;
        assert_eq!(
            options["signInOptions"],
            json!({ "singleSignOn": false, "providerName": null, "startUrl": null })
        );
        // The secret is kept, never returned.
        let listed = office
            .ok(
                "{ signInProviders { name clientId hasClientSecret } }",
                json!({}),
            )
            .await;
        assert!(!listed.to_string().contains(CLIENT_SECRET));

        let browser = browser();
        let url = through_provider(
            &app,
            &browser,
            "worker@northshire.test",
            "worker@northshire.test",
        )
        .await;
        assert_eq!(callback(&app, &browser, &url).await, "/reviews");
        assert_eq!(signed_in_as(&app, &browser).await, "worker@northshire.test");

        // The same callback again (a replay) is refused: the state was used.
        let replayer = crate::single_sign_on::browser();
        assert_eq!(
            callback(&app, &replayer, &url).await,
            "/sign-in?sso_error=expired"
        );
        assert_eq!(
            callback(&app, &browser, &url).await,
            "/sign-in?sso_error=expired"
        );

        // A state the platform did not issue is refused.
        let browser = crate::single_sign_on::browser();
        let url = through_provider(
            &app,
            &browser,
            "worker@northshire.test",
            "worker@northshire.test",
        )
        .await;
        let forged = url.replacen("state=", "state=x", 1);
        assert_eq!(
            callback(&app, &browser, &forged).await,
            "/sign-in?sso_error=expired"
        );
        assert_eq!(signed_in_as(&app, &browser).await, Value::Null);

        // A role that must use two-step verification gets the platform's second step after
        // the provider, as after a password: a pending sign-in, nobody signed in yet.
        office
            .ok(
                "mutation { setSecondFactorRoles(roles: [INDEPENDENT_CHAIR]) }",
                json!({}),
            )
            .await;
        let browser = crate::single_sign_on::browser();
        let url = through_provider(
            &app,
            &browser,
            "worker@northshire.test",
            "worker@northshire.test",
        )
        .await;
        assert_eq!(
            callback(&app, &browser, &url).await,
            "/sign-in?second_factor=pending&next=/reviews"
        );
        assert_eq!(signed_in_as(&app, &browser).await, Value::Null);
        let pending = Client {
            http: browser.clone(),
            base: app.base.clone(),
        }
        .ok("{ pendingSignIn { step } }", json!({}))
        .await;
        assert!(!pending["pendingSignIn"].is_null(), "{pending}");

        // The audit log says how they signed in.
        let log = office
            .ok(
                "{ auditLog(first: 50) { entries { action detail } } }",
                json!({}),
            )
            .await
            .to_string();
        assert!(log.contains("single_sign_on"), "{log}");
        drop(idp);
    })
    .await;
}

async fn sign_in_is_refused_when_it_should_be(backend: Backend) {
    run(backend, |app| async move {
        let idp = start_idp(&app);
        configure(&app, &idp).await;
        app.person("worker@northshire.test", &[Role::IndependentChair], None)
            .await;
        app.person("left@northshire.test", &[Role::IndependentChair], None)
            .await;
        app.person(
            "unverified.worker@northshire.test",
            &[Role::IndependentChair],
            None,
        )
        .await;
        app.person("worker@elsewhere.test", &[Role::IndependentChair], None)
            .await;
        app.db()
            .execute_unprepared(
                "UPDATE app_user SET active = false WHERE email = 'left@northshire.test'",
            )
            .await
            .expect("disable");

        // Each case: (the address typed, the login at the provider, the refusal).
        let cases = [
            ("nobody@northshire.test", "nobody@northshire.test", "unknown_person"),
            ("left@northshire.test", "left@northshire.test", "disabled"),
            (
                "unverified.worker@northshire.test",
                "unverified.worker@northshire.test",
                "email_not_verified",
            ),
            // The provider vouches for an address outside the domains it serves.
            ("worker@northshire.test", "worker@elsewhere.test", "email_not_served"),
        ];
        for (email, login, refusal) in cases {
            let browser = browser();
            let url = through_provider(&app, &browser, email, login).await;
            assert_eq!(
                callback(&app, &browser, &url).await,
                format!("/sign-in?sso_error={refusal}"),
                "{login}"
            );
            assert_eq!(signed_in_as(&app, &browser).await, Value::Null, "{login}");
        }

        // A domain without a provider goes back to the sign-in page.
        let browser = browser();
        let start = browser
            .get(format!("{}/auth/oidc/start?email=worker@elsewhere.test", app.base))
            .send()
            .await
            .expect("start");
        assert_eq!(
            location(&start),
            format!("{}/sign-in?sso_error=no_provider", app.base)
        );

        // The callback in another browser (without the cookie of the one that started).
        let url = through_provider(
            &app,
            &browser,
            "worker@northshire.test",
            "worker@northshire.test",
        )
        .await;
        let other = crate::single_sign_on::browser();
        assert_eq!(
            callback(&app, &other, &url).await,
            "/sign-in?sso_error=wrong_browser"
        );

        // An ID token whose nonce is not the one sent is refused.
        let url = through_provider(
            &app,
            &browser,
            "worker@northshire.test",
            "worker@northshire.test",
        )
        .await;
        app.db()
            .execute_unprepared("UPDATE oidc_login SET nonce = 'not-the-nonce-sent'")
            .await
            .expect("tamper");
        assert_eq!(
            callback(&app, &browser, &url).await,
            "/sign-in?sso_error=token_rejected"
        );

        // A PKCE verifier that does not match the challenge: the provider refuses the code.
        let url = through_provider(
            &app,
            &browser,
            "worker@northshire.test",
            "worker@northshire.test",
        )
        .await;
        app.db()
            .execute_unprepared(
                "UPDATE oidc_login SET pkce_verifier = 'an-entirely-different-verifier-of-enough-length-to-pass'",
            )
            .await
            .expect("tamper");
        assert_eq!(
            callback(&app, &browser, &url).await,
            "/sign-in?sso_error=token_rejected"
        );
        assert_eq!(signed_in_as(&app, &browser).await, Value::Null);
        drop(idp);
    })
    .await;
}

async fn the_business_office_keeps_the_providers(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let input = |name: &str, domains: &[&str], secret: Option<&str>| {
            json!({ "input": {
                "name": name,
                "issuerUrl": "https://login.northshire.test/tenant",
                "clientId": "platform",
                "clientSecret": secret,
                "domains": domains,
            }})
        };
        let id = office
            .ok(CREATE, input("Northshire Council", &[DOMAIN], Some("s1")))
            .await["createSignInProvider"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        // A domain has one provider at most.
        let clash = office
            .gql(CREATE, input("Another", &["NORTHSHIRE.test"], None))
            .await;
        assert_eq!(crate::helpers::error_code(&clash).as_deref(), Some("VALIDATION"));
        assert!(clash.to_string().contains("already served by Northshire Council"), "{clash}");
        // Plain http only to this machine; a domain must look like one.
        let bad = office
            .gql(
                CREATE,
                json!({ "input": {
                    "name": "Plain", "issuerUrl": "http://login.elsewhere.test",
                    "clientId": "c", "domains": ["not a domain"],
                }}),
            )
            .await;
        assert_eq!(
            crate::helpers::problem_fields(&bad),
            vec!["issuerUrl".to_string(), "domains".to_string()]
        );
        // A change without a secret keeps the stored one; an empty one removes it.
        const UPDATE: &str = "mutation($id: ID!, $input: SignInProviderInput!) { updateSignInProvider(id: $id, input: $input) { name domains hasClientSecret } }";
        let mut changed = input("Northshire County Council", &[DOMAIN, "nhs.test"], None);
        changed["id"] = json!(id);
        let after = office.ok(UPDATE, changed.clone()).await;
        assert_eq!(after["updateSignInProvider"]["hasClientSecret"], true);
        assert_eq!(after["updateSignInProvider"]["domains"], json!(["nhs.test", DOMAIN]));
        changed["input"]["clientSecret"] = json!("");
        let after = office.ok(UPDATE, changed).await;
        assert_eq!(after["updateSignInProvider"]["hasClientSecret"], false);
        // Removed: the domain signs in with passwords again.
        office
            .ok(
                "mutation($id: ID!) { deleteSignInProvider(id: $id) }",
                json!({ "id": id }),
            )
            .await;
        let options = office.ok(OPTIONS, json!({ "e": "a@nhs.test" })).await;
        assert_eq!(options["signInOptions"]["singleSignOn"], false);
        let log = office
            .ok("{ auditLog(first: 50) { entries { action } } }", json!({}))
            .await
            .to_string();
        for action in ["sign_in_provider.created", "sign_in_provider.updated", "sign_in_provider.deleted"] {
            assert!(log.contains(action), "{action}: {log}");
        }
    })
    .await;
}

db_tests!(
    the_business_office_keeps_the_providers,
    an_existing_person_signs_in_with_their_organisations_account,
    sign_in_is_refused_when_it_should_be,
);
