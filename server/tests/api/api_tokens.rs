//! Agency API tokens: made by the business office for one agency, the secret shown once
//! and stored hashed; a request with `Authorization: Bearer` reads that agency's actions
//! and reports progress on them, and nothing else; expired, revoked and unknown tokens are
//! unauthenticated.

use crate::db_tests;
use crate::helpers::{error_code, review_with, run, Backend, Client, TestApp};
use chrono::{Days, Utc};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{json, Value};
use server::entities::api_token;
use shared::auth::Role;

/// A client that sends a bearer token (and no cookies, and no Origin, like a server would).
pub(crate) struct TokenClient {
    http: reqwest::Client,
    base: String,
    secret: String,
}

impl TokenClient {
    pub(crate) fn new(app: &TestApp, secret: &str) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: app.base.clone(),
            secret: secret.to_owned(),
        }
    }

    pub(crate) async fn gql(&self, query: &str, variables: Value) -> Value {
        self.http
            .post(format!("{}/graphql", self.base))
            .bearer_auth(&self.secret)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json body")
    }

    pub(crate) async fn ok(&self, query: &str, variables: Value) -> Value {
        let body = self.gql(query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }
}

fn in_days(days: u64) -> String {
    (Utc::now().date_naive() + Days::new(days)).to_string()
}

const CREATE: &str = "mutation($a: ID!, $n: String!, $e: NaiveDate!) { createApiToken(agencyId: $a, name: $n, expiresOn: $e) { secret token { id name agency { id prefix } expiresAt revokedAt lastUsedAt } } }";
const LIST: &str = "query($a: ID!) { apiTokens(agencyId: $a) { id name revokedAt lastUsedAt } }";
const REVOKE: &str = "mutation($id: ID!) { revokeApiToken(id: $id) { id revokedAt } }";
const ACTIONS: &str = "query($f: ActionFilter) { actions(filter: $f) { totalCount nodes { id reference ownerAgency { prefix } } } }";
const ACTION: &str = "query($id: ID!) { action(id: $id) { id title updates { text authorName } } }";
const MY_AGENCY: &str = "{ myAgencyActions { id } }";
const PROGRESS: &str = "mutation($id: ID!, $i: ActionUpdateInput!) { addActionUpdate(actionId: $id, input: $i) { id status updates { text authorName } } }";

struct World {
    office: Client,
    pol: String,
    csc: String,
    pol_action: String,
    csc_action: String,
}

async fn world(app: &TestApp) -> World {
    let office = app.office().await;
    let pol = app.agency("Northshire Police", "POL").await;
    let csc = app.agency("Children's Social Care", "CSC").await;
    let review = review_with(&office, "SCR-2016-90", &[&pol, &csc], &[]).await;
    let point = office
        .ok(
            "mutation($r: ID!, $i: LearningPointInput!) { createLearningPoint(reviewId: $r, input: $i) { id } }",
            json!({ "r": review, "i": { "title": "Strategy discussions", "detail": "Detail", "scope": "MULTI_AGENCY", "kind": "NEEDS_IMPROVEMENT" } }),
        )
        .await["createLearningPoint"]["id"]
        .as_str()
        .expect("point")
        .to_owned();
    let rec = office
        .ok(
            "mutation($p: ID!, $t: String!) { addRecommendation(learningPointId: $p, text: $t) { id } }",
            json!({ "p": point, "t": "Invite health" }),
        )
        .await["addRecommendation"]["id"]
        .as_str()
        .expect("rec")
        .to_owned();
    let mut ids = Vec::new();
    for (title, agency) in [("Police action", &pol), ("Social care action", &csc)] {
        let data = office
            .ok(
                "mutation($r: ID!, $i: ActionInput!) { createAction(recommendationId: $r, input: $i) { id } }",
                json!({ "r": rec, "i": { "title": title, "ownerAgencyId": agency, "targetDate": in_days(60) } }),
            )
            .await;
        ids.push(data["createAction"]["id"].as_str().expect("id").to_owned());
    }
    World {
        office,
        pol: pol.clone(),
        csc: csc.clone(),
        pol_action: ids[0].clone(),
        csc_action: ids[1].clone(),
    }
}

async fn create_token(w: &World, name: &str) -> (String, String) {
    let made = w
        .office
        .ok(CREATE, json!({ "a": w.pol, "n": name, "e": in_days(30) }))
        .await["createApiToken"]
        .clone();
    (
        made["token"]["id"].as_str().expect("id").to_owned(),
        made["secret"].as_str().expect("secret").to_owned(),
    )
}

async fn a_token_reads_and_updates_its_agencys_actions_only(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let made = w
            .office
            .ok(CREATE, json!({ "a": w.pol, "n": "Police case system", "e": in_days(30) }))
            .await["createApiToken"]
            .clone();
        let secret = made["secret"].as_str().expect("secret").to_owned();
        let id = made["token"]["id"].as_str().expect("id").to_owned();
        assert!(secret.starts_with("lpat_") && secret.len() > 40, "{secret}");
        assert_eq!(made["token"]["agency"]["prefix"], "POL");
        assert_eq!(made["token"]["lastUsedAt"], Value::Null);

        // Stored hashed, never as the secret; listed without it.
        let stored = api_token::Entity::find_by_id(id.clone())
            .one(app.db())
            .await
            .expect("query")
            .expect("row");
        assert_eq!(stored.token_hash, server::api_tokens::hash_secret(&secret));
        assert_ne!(stored.token_hash, secret);
        let listed = w.office.gql(LIST, json!({ "a": w.pol })).await;
        assert!(!listed.to_string().contains(&secret));
        assert_eq!(listed["data"]["apiTokens"][0]["id"], id.as_str());
        let has_secret = w
            .office
            .gql("query($a: ID!) { apiTokens(agencyId: $a) { secret } }", json!({ "a": w.pol }))
            .await;
        assert!(has_secret.get("errors").is_some(), "no secret field to read back");

        let token = TokenClient::new(&app, &secret);
        // Its agency's actions, even when asking for another agency's.
        for filter in [json!(null), json!({ "agencyId": w.csc })] {
            let list = token.ok(ACTIONS, json!({ "f": filter })).await["actions"].clone();
            assert_eq!(list["totalCount"], 1, "{list:#}");
            assert_eq!(list["nodes"][0]["id"], w.pol_action.as_str());
        }
        let mine = token.ok(MY_AGENCY, json!({})).await["myAgencyActions"].clone();
        assert_eq!(mine.as_array().map(Vec::len), Some(1));
        assert_eq!(mine[0]["id"], w.pol_action.as_str());
        let one = token.ok(ACTION, json!({ "id": w.pol_action })).await;
        assert_eq!(one["action"]["title"], "Police action");
        let other = token.gql(ACTION, json!({ "id": w.csc_action })).await;
        assert_eq!(error_code(&other).as_deref(), Some("NOT_FOUND"), "{other:#}");

        // Progress on its own agency's action, named after the token.
        let updated = token
            .ok(
                PROGRESS,
                json!({ "id": w.pol_action, "i": { "text": "Briefing sent to all sergeants", "status": "IN_PROGRESS" } }),
            )
            .await["addActionUpdate"]
            .clone();
        assert_eq!(updated["status"], "IN_PROGRESS");
        assert_eq!(updated["updates"][0]["text"], "Briefing sent to all sergeants");
        assert_eq!(updated["updates"][0]["authorName"], "API token: Police case system");
        let refused = token
            .gql(PROGRESS, json!({ "id": w.csc_action, "i": { "text": "Not ours" } }))
            .await;
        assert_eq!(error_code(&refused).as_deref(), Some("NOT_FOUND"), "{refused:#}");

        // Everything else is FORBIDDEN, public fields included.
        for (doc, vars) in [
            ("{ me { id } }", json!({})),
            ("{ reviews { id } }", json!({})),
            ("{ agencies { id } }", json!({})),
            ("{ committees { id } }", json!({})),
            ("{ myNotifications { id } }", json!({})),
            ("query($a: ID!) { apiTokens(agencyId: $a) { id } }", json!({ "a": w.pol })),
            (
                "mutation($id: ID!) { setActionRag(id: $id, rag: RED, reason: \"x\") { id } }",
                json!({ "id": w.pol_action }),
            ),
            (
                "mutation($id: ID!) { revokeApiToken(id: $id) { id } }",
                json!({ "id": id }),
            ),
            (
                "mutation { signIn(email: \"office@test.example\", password: \"a-long-test-password\") { id } }",
                json!({}),
            ),
        ] {
            let body = token.gql(doc, vars).await;
            assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{doc}: {body:#}");
        }

        // Its use is recorded.
        let listed = w.office.ok(LIST, json!({ "a": w.pol })).await;
        assert!(listed["apiTokens"][0]["lastUsedAt"].is_string(), "{listed:#}");
    })
    .await;
}

async fn expired_revoked_and_unknown_tokens_are_unauthenticated(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let (revoked_id, revoked) = create_token(&w, "To revoke").await;
        let (expired_id, expired) = create_token(&w, "To expire").await;
        let (_, live) = create_token(&w, "Live").await;
        for secret in [&revoked, &expired, &live] {
            TokenClient::new(&app, secret)
                .ok(MY_AGENCY, json!({}))
                .await;
        }

        let done = w.office.ok(REVOKE, json!({ "id": revoked_id })).await;
        assert!(done["revokeApiToken"]["revokedAt"].is_string());
        let row = api_token::Entity::find_by_id(expired_id)
            .one(app.db())
            .await
            .expect("query")
            .expect("row");
        let mut row: api_token::ActiveModel = row.into();
        row.expires_at = Set(Utc::now() - chrono::Duration::minutes(1));
        row.update(app.db()).await.expect("expire");

        let unknown = format!("lpat_{}", uuid::Uuid::new_v4().simple());
        for (what, secret) in [
            ("revoked", revoked.as_str()),
            ("expired", expired.as_str()),
            ("unknown", unknown.as_str()),
            ("not a token", "something-else"),
        ] {
            let client = TokenClient::new(&app, secret);
            for doc in [MY_AGENCY, "{ me { id } }"] {
                let body = client.gql(doc, json!({})).await;
                assert_eq!(
                    error_code(&body).as_deref(),
                    Some("UNAUTHENTICATED"),
                    "{what}: {body:#}"
                );
            }
        }
        // The live token still works.
        TokenClient::new(&app, &live).ok(MY_AGENCY, json!({})).await;

        // A bearer token is the only credential: a session cookie does not add to it.
        let body: Value = w
            .office
            .http
            .post(format!("{}/graphql", app.base))
            .header("origin", &app.base)
            .bearer_auth(&live)
            .json(&json!({ "query": "{ users { id } }" }))
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json");
        assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body:#}");
    })
    .await;
}

async fn only_the_business_office_manages_tokens(backend: Backend) {
    run(backend, |app| async move {
        let w = world(&app).await;
        let (lead, _) = app
            .signed_in("pol.lead@test.example", &[Role::AgencyLead], Some(&w.pol))
            .await;
        let create = lead
            .gql(CREATE, json!({ "a": w.pol, "n": "Mine", "e": in_days(30) }))
            .await;
        assert_eq!(error_code(&create).as_deref(), Some("FORBIDDEN"));
        let list = lead.gql(LIST, json!({ "a": w.pol })).await;
        assert_eq!(error_code(&list).as_deref(), Some("FORBIDDEN"));
        let (id, _) = create_token(&w, "Office's").await;
        let revoke = lead.gql(REVOKE, json!({ "id": id })).await;
        assert_eq!(error_code(&revoke).as_deref(), Some("FORBIDDEN"));

        // Input is checked.
        for (name, expires, field) in [
            ("", in_days(30), "name"),
            (
                "Past",
                (Utc::now().date_naive() - Days::new(1)).to_string(),
                "expiresOn",
            ),
            ("Too long", in_days(400), "expiresOn"),
        ] {
            let body = w
                .office
                .gql(CREATE, json!({ "a": w.pol, "n": name, "e": expires }))
                .await;
            assert_eq!(error_code(&body).as_deref(), Some("VALIDATION"), "{body:#}");
            assert_eq!(body["errors"][0]["extensions"]["field"], field);
        }
        let missing = w
            .office
            .gql(
                CREATE,
                json!({ "a": uuid::Uuid::new_v4().to_string(), "n": "X", "e": in_days(3) }),
            )
            .await;
        assert_eq!(error_code(&missing).as_deref(), Some("NOT_FOUND"));
        let absent = w
            .office
            .gql(REVOKE, json!({ "id": uuid::Uuid::new_v4().to_string() }))
            .await;
        assert_eq!(error_code(&absent).as_deref(), Some("NOT_FOUND"));

        // The token's service account is not a person: not listed, not editable, and its
        // address cannot be given to anyone.
        let users = w.office.ok("{ users { email active } }", json!({})).await;
        assert!(!users.to_string().contains("tokens.invalid"), "{users:#}");
        let taken = w
            .office
            .gql(
                "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }",
                json!({ "i": { "email": "x@tokens.invalid", "displayName": "X", "agencyId": null, "roles": ["BUSINESS_OFFICE"], "password": "a-long-test-password" } }),
            )
            .await;
        assert_eq!(error_code(&taken).as_deref(), Some("VALIDATION"), "{taken:#}");

        // Making a token is audited.
        let audit = w
            .office
            .ok("{ auditLog(first: 50) { entries { action } } }", json!({}))
            .await;
        assert!(audit.to_string().contains("api_token.create"), "{audit:#}");
    })
    .await;
}

db_tests!(
    a_token_reads_and_updates_its_agencys_actions_only,
    expired_revoked_and_unknown_tokens_are_unauthenticated,
    only_the_business_office_manages_tokens,
);
