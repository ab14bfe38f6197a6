//! Records the git commit the server is built from (`LP_GIT_COMMIT`, read by
//! `server::build_info`): `git rev-parse --short HEAD`, or `LP_BUILD_COMMIT` when set (a
//! release built from a source archive), or `unknown` outside a git checkout.

use std::path::{Path, PathBuf};
use std::process::Command;

/// One line of `git <args>`'s output, when git runs and succeeds.
fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    let line = text.trim();
    (!line.is_empty()).then(|| line.to_owned())
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=LP_BUILD_COMMIT");
    let given = std::env::var("LP_BUILD_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty());
    let commit = given
        .or_else(|| git(&["rev-parse", "--short", "HEAD"]))
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=LP_GIT_COMMIT={commit}");

    // Build again when HEAD moves: a checkout or a commit changes .git/HEAD or a ref. In a
    // worktree, HEAD is in the worktree's git dir and the refs in the common one.
    let here = std::env::current_dir().unwrap_or_default();
    let absolute = |p: String| -> PathBuf {
        let p = Path::new(&p);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            here.join(p)
        }
    };
    if let Some(git_dir) = git(&["rev-parse", "--git-dir"]).map(absolute) {
        println!("cargo:rerun-if-changed={}", git_dir.join("HEAD").display());
        let common = git(&["rev-parse", "--git-common-dir"])
            .map(absolute)
            .unwrap_or(git_dir);
        for watched in ["HEAD", "refs", "packed-refs"] {
            let path = common.join(watched);
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
}
