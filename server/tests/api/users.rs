//! People over GraphQL: the business office creates and edits them; every bad field is
//! named and nothing is half-written; deactivating someone ends the session they have; the
//! business office cannot lock itself out.

use crate::db_tests;
use crate::helpers::{error_code, problem_fields, run, Backend, Client, TestApp, PASSWORD};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};
use server::entities::{app_user, audit_log};
use shared::auth::Role;

const USER: &str = "id email displayName roles active agency { id prefix }";

fn create_doc() -> String {
    format!("mutation($input: CreateUserInput!) {{ createUser(input: $input) {{ {USER} }} }}")
}

fn update_doc() -> String {
    format!(
        "mutation($id: ID!, $input: UpdateUserInput!) {{ updateUser(id: $id, input: $input) {{ {USER} }} }}"
    )
}

fn new_person(email: &str, roles: &[&str], agency: Option<&str>, password: &str) -> Value {
    json!({
        "email": email,
        "displayName": "A Person",
        "agencyId": agency,
        "roles": roles,
        "password": password,
    })
}

fn edit(email: &str, roles: &[&str], agency: Option<&str>, active: bool) -> Value {
    json!({
        "email": email,
        "displayName": "A Person",
        "agencyId": agency,
        "roles": roles,
        "active": active,
    })
}

async fn rows(app: &TestApp) -> (u64, u64) {
    (
        app_user::Entity::find()
            .count(app.db())
            .await
            .expect("count"),
        audit_log::Entity::find()
            .count(app.db())
            .await
            .expect("count"),
    )
}

fn assert_invalid(body: &Value, fields: &[&str], what: &str) {
    assert_eq!(
        error_code(body).as_deref(),
        Some("VALIDATION"),
        "{what}: {body:#}"
    );
    assert_eq!(problem_fields(body), fields, "{what}: {body:#}");
    assert!(body["data"].is_null(), "{what}: {body:#}");
}

async fn me(client: &Client) -> Value {
    client
        .ok("{ me { id email roles active } }", json!({}))
        .await["me"]
        .clone()
}

async fn office_creates_and_updates_people(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let agency = app.agency("Northshire Police", "POL").await;
        let other_agency = app.agency("Northshire Health", "NHS").await;

        let created = office
            .ok(
                &create_doc(),
                json!({ "input": new_person(" New.Person@Example.ORG ", &["AGENCY_REPRESENTATIVE"], Some(&agency), PASSWORD) }),
            )
            .await["createUser"]
            .clone();
        assert_eq!(created["email"], "new.person@example.org", "emails are normalised");
        assert_eq!(created["roles"], json!(["AGENCY_REPRESENTATIVE"]));
        assert_eq!(created["active"], true);
        assert_eq!(created["agency"]["id"], agency.as_str());
        assert_eq!(created["agency"]["prefix"], "POL");
        let id = created["id"].as_str().expect("id").to_owned();

        let fetched = office
            .ok(
                &format!("query($id: ID!) {{ user(id: $id) {{ {USER} }} }}"),
                json!({ "id": id }),
            )
            .await["user"]
            .clone();
        assert_eq!(fetched, created);
        let listed = office.ok("{ users { id } }", json!({})).await["users"].clone();
        assert!(
            listed
                .as_array()
                .expect("list")
                .iter()
                .any(|u| u["id"] == id.as_str()),
            "{listed:#}"
        );

        // The new person signs in with the initial password, in any letter case of the email.
        let person = app.client();
        person.sign_in("NEW.person@example.org", PASSWORD).await;
        assert_eq!(me(&person).await["id"], id.as_str());

        let updated = office
            .ok(
                &update_doc(),
                json!({ "id": id, "input": {
                    "email": "renamed@example.org",
                    "displayName": "  Renamed Person ",
                    "agencyId": other_agency,
                    "roles": ["AGENCY_LEAD", "PRACTITIONER"],
                    "active": true,
                }}),
            )
            .await["updateUser"]
            .clone();
        assert_eq!(updated["id"], id.as_str());
        assert_eq!(updated["email"], "renamed@example.org");
        assert_eq!(updated["displayName"], "Renamed Person");
        assert_eq!(updated["roles"], json!(["AGENCY_LEAD", "PRACTITIONER"]));
        assert_eq!(updated["agency"]["id"], other_agency.as_str());
        // Their session sees the new roles at once.
        assert_eq!(
            me(&person).await["roles"],
            json!(["AGENCY_LEAD", "PRACTITIONER"])
        );

        // A partnership role needs no agency.
        let chair = office
            .ok(
                &create_doc(),
                json!({ "input": new_person("chair@example.org", &["INDEPENDENT_CHAIR"], None, PASSWORD) }),
            )
            .await["createUser"]
            .clone();
        assert_eq!(chair["agency"], Value::Null);

        let missing = office
            .gql(
                &update_doc(),
                json!({ "id": uuid::Uuid::new_v4().to_string(), "input": edit("ghost@example.org", &["PRACTITIONER"], Some(&agency), true) }),
            )
            .await;
        assert_eq!(error_code(&missing).as_deref(), Some("NOT_FOUND"), "{missing:#}");
    })
    .await
}

async fn bad_people_name_the_field_and_write_nothing(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let agency = app.agency("Northshire Police", "POL").await;
        let existing = app
            .person("taken@example.org", &[Role::Practitioner], Some(&agency))
            .await;
        let other = app
            .person("other@example.org", &[Role::Practitioner], Some(&agency))
            .await;
        let unknown = uuid::Uuid::new_v4().to_string();
        let rep = ["AGENCY_REPRESENTATIVE"];

        let before = rows(&app).await;
        let cases: Vec<(&str, Value, Vec<&str>)> = vec![
            (
                "duplicate email in another case",
                new_person(" TAKEN@Example.Org", &rep, Some(&agency), PASSWORD),
                vec!["email"],
            ),
            (
                "not an email",
                new_person("nobody", &rep, Some(&agency), PASSWORD),
                vec!["email"],
            ),
            (
                "agency role without an agency",
                new_person("a@example.org", &rep, None, PASSWORD),
                vec!["agencyId"],
            ),
            (
                "unknown agency",
                new_person("b@example.org", &rep, Some(&unknown), PASSWORD),
                vec!["agencyId"],
            ),
            (
                "short password",
                new_person("c@example.org", &rep, Some(&agency), "elevenchars"),
                vec!["password"],
            ),
            (
                "no roles",
                new_person("d@example.org", &[], Some(&agency), PASSWORD),
                vec!["roles"],
            ),
            (
                "empty display name and short password together",
                json!({
                    "email": "e@example.org",
                    "displayName": "  ",
                    "agencyId": agency,
                    "roles": rep,
                    "password": "short",
                }),
                vec!["displayName", "password"],
            ),
        ];
        for (what, input, fields) in &cases {
            let body = office.gql(&create_doc(), json!({ "input": input })).await;
            assert_invalid(&body, fields, what);
        }
        assert_eq!(
            rows(&app).await,
            before,
            "refused creates write no person and no audit row"
        );

        // The same rules on update, where the email may stay but not take someone else's.
        let updates: Vec<(&str, Value, &str)> = vec![
            (
                "another person's email",
                edit("Taken@example.org", &["PRACTITIONER"], Some(&agency), true),
                "email",
            ),
            (
                "agency role without an agency",
                edit("other@example.org", &["PRACTITIONER"], None, true),
                "agencyId",
            ),
            (
                "unknown agency",
                edit("other@example.org", &["PRACTITIONER"], Some(&unknown), true),
                "agencyId",
            ),
            (
                "no roles",
                edit("other@example.org", &[], Some(&agency), true),
                "roles",
            ),
        ];
        for (what, input, field) in &updates {
            let body = office
                .gql(&update_doc(), json!({ "id": other, "input": input }))
                .await;
            assert_invalid(&body, &[field], what);
        }
        assert_eq!(rows(&app).await, before, "refused updates write nothing");
        let stored = office
            .ok(
                &format!("query($id: ID!) {{ user(id: $id) {{ {USER} }} }}"),
                json!({ "id": other }),
            )
            .await["user"]
            .clone();
        assert_eq!(stored["email"], "other@example.org");
        assert_eq!(stored["roles"], json!(["PRACTITIONER"]));
        assert_eq!(stored["agency"]["id"], agency.as_str());

        // Keeping one's own email, in another case, is not a duplicate.
        let kept = office
            .ok(
                &update_doc(),
                json!({ "id": existing, "input": edit("TAKEN@example.org", &["PRACTITIONER"], Some(&agency), true) }),
            )
            .await["updateUser"]
            .clone();
        assert_eq!(kept["email"], "taken@example.org");
    })
    .await
}

async fn deactivating_a_person_ends_their_session(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let agency = app.agency("Northshire Police", "POL").await;
        let (person, id) = app
            .signed_in("leaver@example.org", &[Role::AgencyLead], Some(&agency))
            .await;
        assert_eq!(me(&person).await["id"], id.as_str(), "signed in before");
        person.ok("{ agencies { id } }", json!({})).await;

        let updated = office
            .ok(
                &update_doc(),
                json!({ "id": id, "input": edit("leaver@example.org", &["AGENCY_LEAD"], Some(&agency), false) }),
            )
            .await["updateUser"]
            .clone();
        assert_eq!(updated["active"], false);

        assert_eq!(
            me(&person).await,
            Value::Null,
            "the deactivated person's session no longer signs them in"
        );
        let body = person.gql("{ agencies { id } }", json!({})).await;
        assert_eq!(
            error_code(&body).as_deref(),
            Some("UNAUTHENTICATED"),
            "{body:#}"
        );
        let body = person
            .gql(
                "mutation($id: ID!) { setQaMechanisms(agencyId: $id, mechanisms: []) { id } }",
                json!({ "id": agency }),
            )
            .await;
        assert_eq!(
            error_code(&body).as_deref(),
            Some("UNAUTHENTICATED"),
            "{body:#}"
        );

        // They cannot sign in again.
        let again = app.client();
        let body = again
            .gql(
                "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }",
                json!({ "e": "leaver@example.org", "p": PASSWORD }),
            )
            .await;
        assert!(body.get("errors").is_some(), "{body:#}");
        assert_eq!(me(&again).await, Value::Null);

        // The old session was ended, not merely suspended: reactivating does not revive it.
        office
            .ok(
                &update_doc(),
                json!({ "id": id, "input": edit("leaver@example.org", &["AGENCY_LEAD"], Some(&agency), true) }),
            )
            .await;
        assert_eq!(me(&person).await, Value::Null, "the old cookie stays dead");
        again.sign_in("leaver@example.org", PASSWORD).await;
        assert_eq!(me(&again).await["id"], id.as_str());
    })
    .await
}

async fn the_office_cannot_remove_its_own_access(backend: Backend) {
    run(backend, |app| async move {
        let (office, office_id) = app
            .signed_in("office@test.example", &[Role::BusinessOffice], None)
            .await;
        let colleague = app
            .person("colleague@test.example", &[Role::BusinessOffice], None)
            .await;
        let before = rows(&app).await;

        let body = office
            .gql(
                &update_doc(),
                json!({ "id": office_id, "input": edit("office@test.example", &["INDEPENDENT_CHAIR"], None, true) }),
            )
            .await;
        assert_invalid(&body, &["roles"], "dropping one's own BUSINESS_OFFICE role");
        let body = office
            .gql(
                &update_doc(),
                json!({ "id": office_id, "input": edit("office@test.example", &["BUSINESS_OFFICE"], None, false) }),
            )
            .await;
        assert_invalid(&body, &["active"], "deactivating oneself");
        assert_eq!(rows(&app).await, before, "nothing written");
        let mine = me(&office).await;
        assert_eq!(mine["roles"], json!(["BUSINESS_OFFICE"]), "{mine:#}");
        assert_eq!(mine["active"], true);

        // Adding a role to oneself is fine, and so is a colleague removing one's access.
        let widened = office
            .ok(
                &update_doc(),
                json!({ "id": office_id, "input": edit("office@test.example", &["BUSINESS_OFFICE", "INDEPENDENT_CHAIR"], None, true) }),
            )
            .await["updateUser"]
            .clone();
        assert_eq!(
            widened["roles"],
            json!(["BUSINESS_OFFICE", "INDEPENDENT_CHAIR"])
        );
        let narrowed = office
            .ok(
                &update_doc(),
                json!({ "id": colleague, "input": edit("colleague@test.example", &["INDEPENDENT_CHAIR"], None, true) }),
            )
            .await["updateUser"]
            .clone();
        assert_eq!(narrowed["roles"], json!(["INDEPENDENT_CHAIR"]));
    })
    .await
}

db_tests!(
    office_creates_and_updates_people,
    bad_people_name_the_field_and_write_nothing,
    deactivating_a_person_ends_their_session,
    the_office_cannot_remove_its_own_access,
);

/// BUG (found by this test): a role listed twice, not side by side, is stored twice.
/// `UserDraft::validate` in shared/src/agencies/mod.rs calls `Vec::dedup`, which only removes
/// *adjacent* duplicates, so `[BUSINESS_OFFICE, INDEPENDENT_CHAIR, BUSINESS_OFFICE]` is saved
/// and returned as three roles.
async fn a_role_given_twice_is_held_once(backend: Backend) {
    run(backend, |app| async move {
        let office = app.office().await;
        let created = office
            .ok(
                &create_doc(),
                json!({ "input": new_person(
                    "two-hats@example.org",
                    &["BUSINESS_OFFICE", "INDEPENDENT_CHAIR", "BUSINESS_OFFICE"],
                    None,
                    PASSWORD,
                ) }),
            )
            .await["createUser"]
            .clone();
        assert_eq!(
            created["roles"],
            json!(["BUSINESS_OFFICE", "INDEPENDENT_CHAIR"]),
            "BUG: a repeated role is kept twice: {created:#}"
        );
    })
    .await
}

db_tests!(a_role_given_twice_is_held_once);
