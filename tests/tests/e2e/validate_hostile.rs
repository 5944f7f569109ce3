//! Hostile and broken input: each case gives a clear error that names the file (and the line
//! where there is one), without a panic.

use std::path::Path;

use serde_json::Value;
use shipmate_e2e::{fixture, shipmate};

/// Validates `path`, asserts a clean (non-panicking) failure and returns the first document.
fn first_error(path: &Path) -> Value {
    let out = shipmate()
        .args(["validate", "--output", "json"])
        .arg(path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let doc = json["documents"][0].clone();
    assert_eq!(doc["schema"], "error", "{doc:#}");
    assert_eq!(doc["file"], path.display().to_string());
    doc
}

fn message(doc: &Value) -> String {
    doc["errors"][0]["message"].as_str().unwrap().to_owned()
}

#[test]
fn alias_bomb_fails_fast() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.yaml");
    let mut text = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n",
    );
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        text.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
    }
    std::fs::write(&path, text).unwrap();
    let doc = first_error(&path);
    assert!(message(&doc).to_lowercase().contains("alias"), "{doc:#}");
}

#[test]
fn unclosed_bracket_names_the_line() {
    let doc = first_error(&fixture("unclosed.yaml"));
    assert!(message(&doc).contains("line "), "{doc:#}");
}

#[test]
fn binary_junk_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junk.yaml");
    let junk: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 256) as u8).collect();
    std::fs::write(&path, junk).unwrap();
    first_error(&path);
}

#[test]
fn huge_file_is_rejected_by_size() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.yaml");
    let line = "# padding padding padding padding padding padding padding padding\n";
    let text = line.repeat(50 * 1024 * 1024 / line.len());
    std::fs::write(&path, text).unwrap();
    let doc = first_error(&path);
    let text = message(&doc);
    assert!(
        text.contains("too large") && text.contains("limit"),
        "size limit named: {doc:#}"
    );
}

#[test]
fn empty_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.yaml");
    std::fs::write(&path, "").unwrap();
    let doc = first_error(&path);
    assert!(message(&doc).contains("empty"), "{doc:#}");
}

#[test]
fn unreadable_entries_in_a_directory_are_reported_not_dropped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("good.yaml"), dir.path().join("good.yaml")).unwrap();
    // A dangling symlink cannot be read, even by root.
    std::os::unix::fs::symlink(dir.path().join("gone.yaml"), dir.path().join("broken.yaml"))
        .unwrap();
    let out = shipmate()
        .args(["validate", "--output", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let broken: Vec<&Value> = json["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["schema"] == "error")
        .collect();
    assert_eq!(broken.len(), 1, "{json:#}");
    assert!(broken[0]["file"].as_str().unwrap().ends_with("broken.yaml"));
    assert_eq!(json["summary"]["valid"], 2);
}

#[test]
fn missing_path_is_reported_as_error_document() {
    let doc = first_error(Path::new("/nonexistent/shipmate/x.yaml"));
    assert!(
        message(&doc).to_lowercase().contains("no such file"),
        "{doc:#}"
    );
}
