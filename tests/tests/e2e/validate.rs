//! `shipmate validate`: output contract, exit codes, inputs.

use std::io::Write;
use std::process::Stdio;

use serde_json::Value;
use shipmate_e2e::{fixture, shared_dir, shipmate};

/// Runs `shipmate validate --output json ARGS…`; returns (exit code, parsed stdout).
fn validate_json(args: &[&std::ffi::OsStr]) -> (i32, Value) {
    let out = shipmate()
        .arg("validate")
        .args(["--output", "json"])
        .args(args)
        .output()
        .expect("run shipmate");
    let stdout = String::from_utf8(out.stdout).expect("utf-8 stdout");
    let json: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}):\n{stdout}"));
    (out.status.code().expect("exit code"), json)
}

/// Makes a report independent of where the fixtures live.
fn relative(mut report: Value) -> Value {
    let root = fixture("").display().to_string();
    for doc in report["documents"].as_array_mut().expect("documents") {
        let file = doc["file"]
            .as_str()
            .expect("file")
            .replace(&root, "fixtures/");
        doc["file"] = Value::String(file);
    }
    report
}

#[test]
fn good_manifests_pass_with_exit_0() {
    let (code, json) = validate_json(&[fixture("good.yaml").as_os_str()]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["summary"]["documents"], 2);
    assert_eq!(json["summary"]["valid"], 2);
    for doc in json["documents"].as_array().unwrap() {
        assert_eq!(doc["findings"], Value::Array(vec![]), "{doc:#}");
    }
}

#[test]
fn typo_is_invalid_with_hint_path_and_line() {
    let (code, json) = validate_json(&[fixture("typo.yaml").as_os_str()]);
    assert_eq!(code, 3);
    insta::assert_json_snapshot!("typo", relative(json));
}

#[test]
fn privileged_pod_is_blocked() {
    let (code, json) = validate_json(&[fixture("privileged.yaml").as_os_str()]);
    assert_eq!(code, 3);
    assert_eq!(json["documents"][0]["schema"], "valid");
    insta::assert_json_snapshot!("privileged", relative(json));
}

#[test]
fn no_gates_checks_schema_only() {
    let out = shipmate()
        .args(["validate", "--no-gates", "--output", "json"])
        .arg(fixture("privileged.yaml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["blocked"], 0);
}

#[test]
fn crd_schemas_validate_custom_resources() {
    let backups = fixture("backup.yaml");
    let (code, json) = validate_json(&[backups.as_os_str()]);
    assert_eq!(code, 0, "without the CRD a custom resource has no schema");
    assert_eq!(json["summary"]["no_schema"], 2);

    let out = shipmate()
        .args(["validate", "--no-gates", "--output", "json", "--crd"])
        .arg(fixture("crd.yaml"))
        .arg(&backups)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(3), "{json:#}");
    assert_eq!(json["documents"][0]["schema"], "valid");
    assert_eq!(json["documents"][1]["schema"], "invalid");
    let message = json["documents"][1]["errors"][0]["message"]
        .as_str()
        .unwrap();
    assert!(message.contains("retainDays"), "hint expected: {message}");
}

#[test]
fn stdin_is_read_with_dash() {
    let mut child = shipmate()
        .args(["validate", "--output", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(fixture("typo.yaml")).unwrap())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["documents"][0]["file"], "-");
    assert_eq!(json["documents"][0]["schema"], "invalid");
}

#[test]
fn directories_are_read_recursively_and_counted_per_file() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("a/b");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::copy(fixture("good.yaml"), nested.join("good.yml")).unwrap();
    std::fs::copy(fixture("typo.yaml"), dir.path().join("typo.yaml")).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a manifest").unwrap();
    let (code, json) = validate_json(&[dir.path().as_os_str()]);
    assert_eq!(code, 3);
    assert_eq!(json["summary"]["files"], 2, "{json:#}");
    assert_eq!(json["summary"]["documents"], 3);
    assert_eq!(json["summary"]["invalid"], 1);
}

#[test]
fn human_output_groups_by_file_and_ends_with_summary() {
    let out = shipmate()
        .arg("validate")
        .arg(fixture("good.yaml"))
        .arg(fixture("typo.yaml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\x1b'), "no colour when not a terminal");
    let good = text.find("good.yaml").expect("file heading");
    let typo = text.find("typo.yaml").expect("file heading");
    assert!(good < typo);
    assert!(text.contains("did you mean `replicas`"), "{text}");
    let last = text.lines().last().unwrap();
    assert!(last.starts_with("FAIL 2 files, 3 documents"), "{last}");
}

#[test]
fn closed_pipe_is_not_an_error() {
    let Some(shared) = shared_dir() else { return };
    let mut child = shipmate()
        .arg("validate")
        .arg(shared.join("corpus"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
}

#[test]
fn usage_errors_exit_2() {
    let out = shipmate().arg("validate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = shipmate()
        .args(["validate", "--output", "xml", "x.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn whole_shared_corpus_validates_without_errors() {
    let Some(shared) = shared_dir() else { return };
    let (_, json) = validate_json(&[shared.join("corpus").as_os_str()]);
    let summary = &json["summary"];
    assert_eq!(summary["files"], 1071, "{summary:#}");
    assert!(
        summary["documents"].as_u64().unwrap() >= 1529,
        "{summary:#}"
    );
    let docs = json["documents"].as_array().unwrap();
    for doc in docs {
        assert!(doc["line"].as_u64().unwrap() >= 1, "{doc:#}");
    }
}
