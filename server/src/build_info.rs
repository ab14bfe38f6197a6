//! Which build is running: the version (the workspace's, from `Cargo.toml`) and the git
//! commit it was built from (`server/build.rs`; `unknown` when built outside a git
//! checkout). Reported by `learning-platform --version`, `GET /healthz` and the GraphQL
//! query `build` (signed-in people; the browser shows it in its footer).

use async_graphql::{Object, SimpleObject};
use axum::Json;

/// The version, as in `Cargo.toml` (semantic versioning; see CHANGELOG.md).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The short git commit the binary was built from, or `unknown`.
pub const COMMIT: &str = env!("LP_GIT_COMMIT");
/// What `--version` prints after the program's name.
pub const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("LP_GIT_COMMIT"),
    ")"
);

/// The running build.
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct Build {
    /// The version (semantic versioning).
    pub version: String,
    /// The short git commit it was built from, or `unknown`.
    pub commit: String,
}

impl Build {
    pub fn current() -> Self {
        Self {
            version: VERSION.to_owned(),
            commit: COMMIT.to_owned(),
        }
    }
}

#[derive(Default)]
pub struct BuildQuery;

#[Object]
impl BuildQuery {
    /// The version and commit of the server answering.
    async fn build(&self) -> Build {
        Build::current()
    }
}

/// `GET /healthz`: the process runs, and which build it is.
pub async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok", "version": VERSION, "commit": COMMIT }))
}
