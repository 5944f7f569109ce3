//! Unit tests of the manual fallback (each in its own temp dir).

use std::time::{Duration, UNIX_EPOCH};

use serde_json::json;
use shipmate_plugins::Action;

use super::*;

fn noon() -> Utc {
    Utc::from_system(UNIX_EPOCH + Duration::from_secs(1_795_694_400))
}

fn proposal() -> Proposal {
    let mut p = Proposal::new("rules", "r", Status::Proposed, "Create web with its secret");
    p.manifests = vec![
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}}),
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"},
               "stringData": {"password": "hunter2"}}),
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
    ];
    p.actions.push(Action::new(
        ["kubectl", "rollout", "status", "deployment/web"]
            .map(str::to_owned)
            .to_vec(),
        "watch",
    ));
    p
}

#[test]
fn files_are_numbered_in_apply_order() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("out");
    let m = write(&proposal(), &base, ManualReason::NoApply, noon()).unwrap();
    let dir = base.join("20261126-120000-create-web-with-its-secret");
    assert_eq!(m.directory, dir.to_str().unwrap());
    let names: Vec<String> = m
        .files
        .iter()
        .map(|f| {
            Path::new(f)
                .file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        names,
        [
            "01-namespace-shop.yaml",
            "02-secret-db.yaml",
            "03-deployment-web.yaml"
        ]
    );
    let secret = fs::read_to_string(dir.join("02-secret-db.yaml")).unwrap();
    assert!(secret.contains("hunter2"), "the files hold the real values");
    assert_eq!(m.reason, ManualReason::NoApply);
}

#[test]
fn commands_name_the_directory_then_the_actions() {
    let tmp = tempfile::tempdir().unwrap();
    let m = write(&proposal(), tmp.path(), ManualReason::NoCluster, noon()).unwrap();
    let d = m.directory.as_str();
    let expected: Vec<Vec<&str>> = vec![
        vec![
            "kubectl",
            "apply",
            "--server-side",
            "--field-manager=shipmate",
            "--dry-run=server",
            "-f",
            d,
        ],
        vec!["kubectl", "diff", "-f", d],
        vec![
            "kubectl",
            "apply",
            "--server-side",
            "--field-manager=shipmate",
            "-f",
            d,
        ],
        vec!["kubectl", "rollout", "status", "deployment/web"],
    ];
    assert_eq!(m.commands, expected);
}

#[test]
fn never_overwrites_an_existing_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let a = write(&proposal(), tmp.path(), ManualReason::NoApply, noon()).unwrap();
    let b = write(&proposal(), tmp.path(), ManualReason::NoApply, noon()).unwrap();
    let c = write(&proposal(), tmp.path(), ManualReason::NoApply, noon()).unwrap();
    assert_ne!(a.directory, b.directory);
    assert_eq!(b.directory, format!("{}-2", a.directory));
    assert_eq!(c.directory, format!("{}-3", a.directory));
    for m in [a, b, c] {
        assert_eq!(m.files.len(), 3);
    }
}

#[cfg(unix)]
#[test]
fn secrets_are_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let tmp = tempfile::tempdir().unwrap();
    let m = write(&proposal(), tmp.path(), ManualReason::NoApply, noon()).unwrap();
    let mode = |f: &str| fs::metadata(f).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&m.files[1]), 0o600);
    assert_ne!(
        mode(&m.files[2]) & 0o044,
        0,
        "other manifests keep the umask"
    );
}

#[test]
fn a_base_that_is_a_file_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("plain-file");
    fs::write(&file, "x").unwrap();
    let err = write(
        &proposal(),
        &file.join("sub"),
        ManualReason::NoApply,
        noon(),
    )
    .unwrap_err();
    let msg = format!("{err:#}");
    assert!(msg.contains("plain-file/sub"), "{msg}");
    assert!(msg.contains("--out-dir"), "{msg}");
}

#[test]
fn a_failed_write_leaves_nothing_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = proposal();
    // Two objects with the same apply position name cannot happen; force a clash instead by
    // pre-creating the directory's first file name in a directory we then reuse.
    p.manifests.truncate(1);
    let dir = tmp.path().join("d");
    fs::create_dir(&dir).unwrap();
    let target = dir.join(names::file(0, 1, &p.manifests[0]));
    fs::write(&target, "mine").unwrap();
    let err = write_files(&dir, &p.manifests).unwrap_err();
    assert!(format!("{:#}", err.0).contains("01-deployment-web.yaml"));
    assert!(err.1.is_empty(), "nothing of ours was written");
    assert_eq!(
        fs::read_to_string(&target).unwrap(),
        "mine",
        "never overwritten"
    );
}

#[test]
fn only_proposed_proposals_with_manifests_are_written() {
    let mut p = proposal();
    assert!(applies_to(&p));
    p.status = Status::Blocked;
    assert!(!applies_to(&p));
    let mut q = Proposal::new("rules", "r", Status::Proposed, "Scale");
    q.actions = proposal().actions;
    assert!(!applies_to(&q));
}
