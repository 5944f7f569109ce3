//! `shipmate constitution show|init` and `--constitution`.

use serde_json::Value;
use shipmate_e2e::{fixture, shipmate};

#[test]
fn init_writes_default_once_and_show_reads_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = shipmate()
        .current_dir(dir.path())
        .args(["constitution", "init"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let written = std::fs::read_to_string(dir.path().join("constitution.yaml")).unwrap();
    assert!(written.contains("privileged"));

    let again = shipmate()
        .current_dir(dir.path())
        .args(["constitution", "init"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));

    let show = shipmate()
        .current_dir(dir.path())
        .args(["constitution", "show"])
        .output()
        .unwrap();
    let text = String::from_utf8(show.stdout).unwrap();
    let first = text.lines().next().unwrap_or_default();
    assert!(first.starts_with("# effective constitution: "), "{text}");
    assert!(first.ends_with("constitution.yaml (project)"), "{text}");
}

#[test]
fn builtin_is_used_without_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let show = shipmate()
        .current_dir(dir.path())
        .args(["constitution", "show"])
        .output()
        .unwrap();
    let text = String::from_utf8(show.stdout).unwrap();
    assert!(
        text.starts_with("# effective constitution: built-in default"),
        "{text}"
    );
}

#[test]
fn project_constitution_changes_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    // A constitution whose only gate is a CEL rule: every object needs a team label.
    std::fs::write(
        dir.path().join("constitution.yaml"),
        r#"gates:
  - id: team-label
    title: Objects carry a team label
    severity: block
    kinds: [Deployment, Service]
    expr: "has(object.metadata.labels) && 'team' in object.metadata.labels"
    message: the object has no `team` label
    fix: add metadata.labels.team
"#,
    )
    .unwrap();
    let out = shipmate()
        .current_dir(dir.path())
        .args(["validate", "--output", "json"])
        .arg(fixture("good.yaml"))
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(3), "{json:#}");
    assert_eq!(json["summary"]["blocked"], 2);
    assert_eq!(json["documents"][0]["findings"][0]["gate"], "team-label");
}

#[test]
fn broken_constitution_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.yaml");
    std::fs::write(&path, "gates: [ {id: x, severity: maybe} ]\n").unwrap();
    let out = shipmate()
        .args(["validate", "--constitution"])
        .arg(&path)
        .arg(fixture("good.yaml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&path.display().to_string()), "{stderr}");
}
