//! Smoke tests of the binary's argument handling. Having an integration test here also makes
//! `cargo test --workspace` build `target/<profile>/shipmate`, which the end-to-end tests in
//! `tests/` run.

use std::process::Command;

fn shipmate() -> Command {
    Command::new(env!("CARGO_BIN_EXE_shipmate"))
}

#[test]
fn version_names_the_package_version() {
    let out = shipmate().arg("--version").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(env!("CARGO_PKG_VERSION")), "{text}");
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let out = shipmate().arg("frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("frobnicate"));
}

#[test]
fn help_lists_the_subcommands() {
    let out = shipmate().arg("--help").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for sub in ["validate", "ask", "constitution", "history"] {
        assert!(text.contains(sub), "{sub} missing from --help:\n{text}");
    }
}
