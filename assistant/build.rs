//! Adds the git revision to `shipmate --version`: `0.1.0 (1a2b3c4d)`, with `-dirty` when
//! tracked files differ from the commit.
//!
//! In a packaged crate (a crates.io tarball has `.cargo_vcs_info.json` and no `.git`) the
//! revision comes from that file; otherwise from `git`, run with an argv vector (never a
//! shell); with neither the version is the crate version alone. Nothing here can fail the
//! build.
//!
//! Rebuilds: only when HEAD moves (`HEAD`, the branch's ref file, `packed-refs`) or the index
//! changes (a commit, `git add`), so an unchanged checkout never reruns this script. Git is
//! run with `--no-optional-locks` so that checking for changes never rewrites the index
//! itself (which would make every build look changed).

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    // A packaged crate says which commit it came from; ask git only without that, so a crate
    // vendored into another repository never reports that repository's commit.
    let revision = from_vcs_info(&dir).or_else(|| from_git(&dir));
    let full = match &revision {
        Some(rev) => format!("{version} ({rev})"),
        None => version,
    };
    println!("cargo:rustc-env=SHIPMATE_VERSION={full}");
}

/// `git` in `dir` with `args`; its trimmed stdout when it succeeds.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .arg("--no-optional-locks")
        .args(args)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The short commit hash (plus `-dirty`) of the checkout `dir` is in, and the rerun triggers.
fn from_git(dir: &Path) -> Option<String> {
    let hash = git(dir, &["rev-parse", "--short=8", "HEAD"]).filter(|h| !h.is_empty())?;
    let git_dir = git(dir, &["rev-parse", "--absolute-git-dir"]).map(PathBuf::from);
    // A worktree has its own HEAD and index but shares refs with the main checkout.
    let common = git(
        dir,
        &["rev-parse", "--path-format=absolute", "--git-common-dir"],
    )
    .map(PathBuf::from)
    .or_else(|| git_dir.clone());
    let mut watch = Vec::new();
    if let Some(git_dir) = &git_dir {
        watch.push(git_dir.join("HEAD"));
        watch.push(git_dir.join("index"));
    }
    if let Some(common) = &common {
        if let Some(head_ref) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
            watch.push(common.join(head_ref));
        }
        watch.push(common.join("packed-refs"));
    }
    // A missing path would make cargo rerun this script on every build.
    for path in watch.iter().filter(|p| p.exists()) {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    let dirty =
        git(dir, &["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    Some(if dirty { format!("{hash}-dirty") } else { hash })
}

/// The revision cargo recorded when the crate was packaged (`cargo package` writes
/// `{"git": {"sha1": "…", "dirty": true}}` into `.cargo_vcs_info.json`).
fn from_vcs_info(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join(".cargo_vcs_info.json")).ok()?;
    let sha = text.split("\"sha1\"").nth(1)?.split('"').nth(1)?;
    if sha.len() < 8 || !sha.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let dirty = text.contains("\"dirty\": true") || text.contains("\"dirty\":true");
    let short = &sha[..8];
    Some(if dirty {
        format!("{short}-dirty")
    } else {
        short.to_owned()
    })
}
