//! Starts the real server on a random port against a fresh database (a new SQLite file, or
//! a new PostgreSQL database that is dropped afterwards), and talks GraphQL to it.

use clap::Parser;
use futures_util::FutureExt;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{json, Value};
use server::config::Config;
use server::context::RequestContext;
use server::state::AppState;
use shared::agencies::{AgencyDraft, AgencyKind, UserDraft};
use shared::auth::Role;
use std::future::Future;

pub const PASSWORD: &str = "a-long-test-password";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs `test` against a fresh app on `backend`, and always removes its database.
pub async fn run<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    let (url, cleanup) = fresh_database(backend).await;
    let app = TestApp::spawn(backend, &url, &[]).await;
    let result = std::panic::AssertUnwindSafe(test(app)).catch_unwind().await;
    cleanup.run().await;
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

/// Like [`run`], with extra command-line flags for the server.
pub async fn run_with<F, Fut>(backend: Backend, flags: &[&str], test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    let (url, cleanup) = fresh_database(backend).await;
    let app = TestApp::spawn(backend, &url, flags).await;
    let result = std::panic::AssertUnwindSafe(test(app)).catch_unwind().await;
    cleanup.run().await;
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

/// Generates one test per backend for each async test function `name(backend)`.
#[macro_export]
macro_rules! db_tests {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::helpers::Backend::Postgres).await
                }
            }
        )+
    };
}

pub struct Cleanup {
    drop: Option<(String, String)>,
    dir: Option<std::path::PathBuf>,
}

impl Cleanup {
    pub(crate) async fn run(self) {
        if let Some((admin_url, name)) = self.drop {
            if let Ok(admin) = Database::connect(admin_url).await {
                let _ = admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await;
            }
        }
        if let Some(dir) = self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

pub fn postgres_admin_url() -> String {
    std::env::var("LP_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

pub(crate) async fn fresh_database(backend: Backend) -> (String, Cleanup) {
    let name = format!("lp_test_{}", uuid::Uuid::new_v4().simple());
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(&name);
            std::fs::create_dir_all(&dir).expect("temp dir");
            let url = format!("sqlite://{}/test.db?mode=rwc", dir.display());
            (
                url,
                Cleanup {
                    drop: None,
                    dir: Some(dir),
                },
            )
        }
        Backend::Postgres => {
            let base = postgres_admin_url();
            let admin_url = format!("{base}/postgres");
            let admin = Database::connect(admin_url.clone()).await.expect(
                "PostgreSQL must answer at LP_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432); `scripts/test` starts one",
            );
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create test database");
            (
                format!("{base}/{name}"),
                Cleanup {
                    drop: Some((admin_url, name)),
                    dir: None,
                },
            )
        }
    }
}

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    config: Config,
}

pub struct TestApp {
    pub backend: Backend,
    pub database_url: String,
    pub base: String,
    pub state: AppState,
}

impl TestApp {
    pub(crate) async fn spawn(backend: Backend, database_url: &str, flags: &[&str]) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let base = format!("http://127.0.0.1:{port}");
        let mut args = vec![
            "test".to_string(),
            "--database-url".into(),
            database_url.into(),
        ];
        // Defaults, unless the test gives its own.
        for (flag, value) in [
            ("--public-url", base.as_str()),
            ("--static-dir", "/nonexistent"),
        ] {
            if !flags.contains(&flag) {
                args.extend([flag.to_string(), value.to_string()]);
            }
        }
        args.extend(flags.iter().map(|s| s.to_string()));
        let config = Cli::parse_from(args).config;
        let db = server::db::connect(database_url).await.expect("connect");
        server::db::migrate(&db).await.expect("migrate");
        let state = AppState::new(db, config.clone());
        tokio::spawn(async move {
            if let Err(e) = server::serve(config, listener).await {
                panic!("server stopped: {e}");
            }
        });
        let probe = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(r) = probe.get(format!("{base}/readyz")).send().await {
                if r.status().is_success() {
                    break;
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        TestApp {
            backend,
            database_url: database_url.to_owned(),
            base,
            state,
        }
    }

    /// A second server instance on the same database (as behind a load balancer).
    pub async fn another_instance(&self) -> TestApp {
        TestApp::spawn(self.backend, &self.database_url, &[]).await
    }

    /// A fault: the database refuses every insert into `table` whose new row meets
    /// `condition` (SQL over `NEW`, the same on both databases), as a failing write would.
    pub async fn refuse_inserts(&self, table: &str, condition: &str) {
        let statements = match self.backend {
            Backend::Sqlite => vec![format!(
                "CREATE TRIGGER fault BEFORE INSERT ON {table} WHEN {condition} \
                 BEGIN SELECT RAISE(ABORT, 'fault'); END"
            )],
            Backend::Postgres => vec![
                format!(
                    "CREATE FUNCTION fault() RETURNS trigger AS $$ BEGIN IF {condition} THEN \
                     RAISE EXCEPTION 'fault'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
                ),
                format!(
                    "CREATE TRIGGER fault BEFORE INSERT ON {table} FOR EACH ROW \
                     EXECUTE FUNCTION fault()"
                ),
            ],
        };
        for sql in statements {
            self.db().execute_unprepared(&sql).await.expect("trigger");
        }
    }

    /// Ends the fault [`TestApp::refuse_inserts`] set on `table`.
    pub async fn allow_inserts(&self, table: &str) {
        let statements = match self.backend {
            Backend::Sqlite => vec!["DROP TRIGGER fault".to_owned()],
            Backend::Postgres => vec![
                format!("DROP TRIGGER fault ON {table}"),
                "DROP FUNCTION fault()".to_owned(),
            ],
        };
        for sql in statements {
            self.db()
                .execute_unprepared(&sql)
                .await
                .expect("drop trigger");
        }
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.state.db
    }

    /// A browser-like client with its own cookie jar.
    pub fn client(&self) -> Client {
        Client {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .expect("client"),
            base: self.base.clone(),
        }
    }

    pub async fn agency(&self, name: &str, prefix: &str) -> String {
        let draft = AgencyDraft {
            name: name.into(),
            kind: AgencyKind::Other,
            prefix: prefix.into(),
            colour: "#1d70b8".into(),
            active: true,
        };
        server::agencies::service::create(&self.state, &RequestContext::system("test"), draft)
            .await
            .expect("agency")
            .id
    }

    /// Creates a person with `roles` (and `agency`), returning their id.
    pub async fn person(&self, email: &str, roles: &[Role], agency: Option<&str>) -> String {
        let draft = UserDraft {
            email: email.into(),
            display_name: email.split('@').next().unwrap_or(email).into(),
            agency_id: agency.map(Into::into),
            roles: roles.to_vec(),
        };
        server::users::service::create(
            &self.state,
            &RequestContext::system("test"),
            draft,
            PASSWORD.into(),
        )
        .await
        .expect("person")
        .id
    }

    /// Creates a person and returns a client signed in as them.
    pub async fn signed_in(
        &self,
        email: &str,
        roles: &[Role],
        agency: Option<&str>,
    ) -> (Client, String) {
        let id = self.person(email, roles, agency).await;
        let client = self.client();
        client.sign_in(email, PASSWORD).await;
        (client, id)
    }

    pub async fn office(&self) -> Client {
        self.signed_in("office@test.example", &[Role::BusinessOffice], None)
            .await
            .0
    }

    /// Loads the demo partnership into this (fresh) database and signs in as its business
    /// office.
    pub async fn demo_office(&self) -> Client {
        assert!(server::demo::seed_if_empty(&self.state)
            .await
            .expect("demo"));
        let office = self.client();
        office
            .sign_in("office@demo.example", server::demo::DEMO_PASSWORD)
            .await;
        office
    }
}

#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
}

impl Client {
    /// POSTs one GraphQL operation as a browser on this site would, returning the body.
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        let response = self
            .http
            .post(format!("{}/graphql", self.base))
            .header("origin", &self.base)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request");
        response.json().await.expect("json body")
    }

    /// The id of the caller's own agency's return for the review (made on first use).
    pub async fn my_return_id(&self, review: &str) -> String {
        self.ok(
            "query($id: ID!) { review(id: $id) { myChronologyReturn { id } } }",
            json!({ "id": review }),
        )
        .await["review"]["myChronologyReturn"]["id"]
            .as_str()
            .expect("return id")
            .to_owned()
    }

    /// The data of a successful operation; fails the test on any error.
    pub async fn ok(&self, query: &str, variables: Value) -> Value {
        let body = self.gql(query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    pub async fn sign_in(&self, email: &str, password: &str) {
        self.ok(
            "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }",
            json!({ "e": email, "p": password }),
        )
        .await;
    }
}

/// The `extensions.code` of the first error, if any.
pub fn error_code(body: &Value) -> Option<String> {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .map(str::to_owned)
}

/// The string `key` of every object in a JSON list, sorted (for comparing sets).
pub fn sorted_field(list: &Value, key: &str) -> Vec<String> {
    let mut out: Vec<String> = list
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {list:#}"))
        .iter()
        .map(|x| x[key].as_str().unwrap_or_default().to_owned())
        .collect();
    out.sort();
    out
}

/// The fields named by a VALIDATION error.
pub fn problem_fields(body: &Value) -> Vec<String> {
    body["errors"][0]["extensions"]["problems"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|p| p["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Creates a review through GraphQL as `office`, with member agencies and people
/// (`(user id, "MEMBER" | "LEAD_REVIEWER")`), returning its id.
pub async fn review_with(
    office: &Client,
    reference: &str,
    agency_ids: &[&str],
    members: &[(&str, &str)],
) -> String {
    let input = json!({
        "reference": reference,
        "kind": "SERIOUS_CASE_REVIEW",
        "subject": "Child A",
        "themes": ["Neglect"],
        "methodology": "LEARNING_TOGETHER",
        "methodologyDetail": null,
        "incidentMonth": 5,
        "incidentYear": 2016,
        "regimeId": "wt2015",
        "awareOn": null,
        "notifiedOn": "2016-06-02",
        "agencyIds": agency_ids,
        "members": members
            .iter()
            .map(|(id, role)| json!({ "userId": id, "role": role }))
            .collect::<Vec<_>>(),
    });
    office
        .ok(
            "mutation($input: ReviewInput!) { createReview(input: $input) { id } }",
            json!({ "input": input }),
        )
        .await["createReview"]["id"]
        .as_str()
        .expect("review id")
        .to_owned()
}

/// Standard base64 (with padding), as a browser's `btoa` sends an uploaded file.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b1 = chunk.get(1).copied().unwrap_or(0);
        let b2 = chunk.get(2).copied().unwrap_or(0);
        let n = (u32::from(chunk[0]) << 16) | (u32::from(b1) << 8) | u32::from(b2);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A one-page PDF whose page shows `lines` in Helvetica (text a PDF reader can extract).
pub fn pdf(lines: &[&str]) -> Vec<u8> {
    let mut content = String::from("BT /F1 12 Tf 72 720 Td 14 TL\n");
    for line in lines {
        let escaped = line
            .replace('\\', "\\\\")
            .replace('(', "\\(")
            .replace(')', "\\)");
        content.push_str(&format!("({escaped}) Tj T*\n"));
    }
    content.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// Reads a file back with python-docx / python-pptx when LP_PYTHON names a Python that has
/// them (`scripts/test` sets it up); `None` otherwise.
pub fn read_with_python(name: &str, bytes: &[u8]) -> Option<String> {
    let python = std::env::var("LP_PYTHON").ok()?;
    let dir = std::env::temp_dir().join(format!("lp-export-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("written");
    let output = std::process::Command::new(python)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/read_documents.py"
        ))
        .arg(&path)
        .output()
        .expect("python runs");
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        output.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8(output.stdout).expect("UTF-8"))
}

/// The text of a DOCX file's body, a line per paragraph (table cells are paragraphs too),
/// XML entities decoded: enough to find what a report says without another reader.
pub fn docx_text(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .expect("UTF-8");
    let mut out = String::new();
    for paragraph in xml.split("</w:p>") {
        let mut rest = paragraph;
        while let Some(start) = rest.find("<w:t") {
            let after = &rest[start..];
            let Some(open_end) = after.find('>') else {
                break;
            };
            // `<w:tbl>`, `<w:tc>`, `<w:tcPr>` ... are not text elements.
            let tag = &after[..open_end];
            if !(tag == "<w:t" || tag.starts_with("<w:t ")) {
                rest = &after[open_end..];
                continue;
            }
            let body = &after[open_end + 1..];
            let Some(close) = body.find("</w:t>") else {
                break;
            };
            out.push_str(&body[..close]);
            rest = &body[close..];
        }
        out.push('\n');
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}
