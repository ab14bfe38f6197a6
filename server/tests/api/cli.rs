//! The command line: --version, migrate, create-user, seed-demo, verify-audit-log.

use std::process::Command;

fn platform(db_url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_learning-platform"))
        .args(["--database-url", db_url])
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run learning-platform")
}

#[test]
fn commands_work_on_a_fresh_database() {
    let dir = std::env::temp_dir().join(format!("lp_cli_{}", uuid::Uuid::new_v4().simple()));
    let url = format!("sqlite://{}/nested/cli.db?mode=rwc", dir.display());
    let out = platform(&url, &["migrate"]);
    assert!(
        out.status.success(),
        "migrate: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = Command::new(env!("CARGO_BIN_EXE_learning-platform"))
        .args([
            "--database-url",
            &url,
            "create-user",
            "--email",
            "first@office.example",
            "--name",
            "First Office",
            "--roles",
            "BUSINESS_OFFICE",
        ])
        .env("LP_NEW_PASSWORD", "a-long-enough-password")
        .output()
        .expect("create-user");
    assert!(
        out.status.success(),
        "create-user: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = Command::new(env!("CARGO_BIN_EXE_learning-platform"))
        .args([
            "--database-url",
            &url,
            "create-user",
            "--email",
            "bad",
            "--name",
            "",
            "--roles",
            "BUSINESS_OFFICE",
        ])
        .env("LP_NEW_PASSWORD", "short")
        .output()
        .expect("create-user");
    assert!(!out.status.success(), "bad input refused");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("email") && err.contains("password"),
        "says what is wrong: {err}"
    );

    let out = platform(&url, &["seed-demo"]);
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("office@demo.example"),
        "prints the demo accounts"
    );

    let out = platform(&url, &["verify-audit-log"]);
    assert!(
        out.status.success(),
        "intact chain: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn version_names_the_release_and_the_commit() {
    let out = Command::new(env!("CARGO_BIN_EXE_learning-platform"))
        .arg("--version")
        .output()
        .expect("run learning-platform --version");
    assert!(out.status.success());
    let printed = String::from_utf8_lossy(&out.stdout);
    let commit = server::build_info::COMMIT;
    assert_eq!(
        printed.trim(),
        format!(
            "learning-platform {} (commit {commit})",
            env!("CARGO_PKG_VERSION")
        )
    );
    // Built in a git checkout (as the tests are), the commit is git's short hash.
    let git = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    if let Some(git) = git.ok().filter(|g| g.status.success()) {
        let head = String::from_utf8_lossy(&git.stdout).trim().to_owned();
        assert!(
            commit == head || std::env::var("LP_BUILD_COMMIT").is_ok(),
            "built from {commit}, checkout at {head}: build.rs did not run again"
        );
    }
}
