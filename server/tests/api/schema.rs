//! The checked-in SDL is the contract: it must match what the server serves, and every field
//! in it must have an authorization policy.

use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
use server::auth::policy::access;

const SDL_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");

#[test]
fn checked_in_sdl_matches_the_server() {
    let actual = server::graphql::sdl();
    if std::env::var("UPDATE_SCHEMA").is_ok() {
        std::fs::write(SDL_PATH, &actual).expect("write schema.graphql");
    }
    let checked_in = std::fs::read_to_string(SDL_PATH).unwrap_or_default();
    assert!(
        checked_in == actual,
        "server/schema.graphql differs from the schema the server serves. If the change is \
         intended, run `UPDATE_SCHEMA=1 cargo test -p server --test api schema` and commit it \
         (the frontend's queries are checked against it)."
    );
}

#[test]
fn every_field_has_an_authorization_policy() {
    let doc = async_graphql::parser::parse_schema(server::graphql::sdl()).expect("SDL parses");
    let mut checked = 0;
    let mut missing = Vec::new();
    for def in doc.definitions {
        let TypeSystemDefinition::Type(ty) = def else {
            continue;
        };
        let name = ty.node.name.node.to_string();
        if let TypeKind::Object(object) = &ty.node.kind {
            for field in &object.fields {
                let field_name = field.node.name.node.to_string();
                checked += 1;
                if access(&name, &field_name).is_none() {
                    missing.push(format!("{name}.{field_name}"));
                }
            }
        }
    }
    assert!(
        checked > 50,
        "only {checked} fields found: the SDL was not read"
    );
    assert!(
        missing.is_empty(),
        "fields without an authorization policy: {missing:?}"
    );
}

#[test]
fn only_root_fields_have_their_own_policy() {
    // Root fields are checked as requests run; every other field is readable by whoever
    // obtained its object, so a role-restricted entry on another type would never apply.
    assert_eq!(
        server::auth::policy::misplaced_root_entries(),
        Vec::<String>::new()
    );
}

#[test]
fn a_field_without_policy_is_refused() {
    assert!(access("Query", "somethingNew").is_none());
    assert!(access("Review", "secretField").is_none());
}
