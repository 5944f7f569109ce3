//! Unit tests of the audit log file (each in its own temp dir).

use std::sync::Arc;

use serde_json::json;
use shipmate_plugins::{Proposal, Status};

use super::*;
use crate::audit::{Decision, Entry};

fn entry(request: &str) -> Entry {
    let mut p = Proposal::new("rules", request, Status::Proposed, "Create Secret db");
    p.manifests
        .push(json!({"apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "db"}, "stringData": {"password": "hunter2"}}));
    Entry::untouched(&p, Decision::Manual, Some("shipmate-out/x".into()))
}

fn log_in(dir: &Path) -> AuditLog {
    AuditLog::at(dir.join("state/shipmate/audit.jsonl"))
}

#[test]
fn append_then_read_back() {
    let tmp = tempfile::tempdir().unwrap();
    let log = log_in(tmp.path());
    assert!(
        log.read().unwrap().entries.is_empty(),
        "a missing log is empty"
    );
    let (a, b) = (entry("first"), entry("second"));
    log.append(&a).unwrap();
    log.append(&b).unwrap();
    let read = log.read().unwrap();
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    assert_eq!(read.entries, [a, b]);
}

#[test]
fn secrets_never_reach_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let log = log_in(tmp.path());
    let mut e = entry("create a secret db with password=hunter2");
    // Even an entry a caller forgot to redact is redacted on the way in.
    e.objects[0].manifest["stringData"]["password"] = json!("hunter2");
    log.append(&e).unwrap();
    let text = fs::read_to_string(log.path()).unwrap();
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains("\"password\":\"<redacted>\""), "{text}");
    assert!(text.contains("password=<redacted>"), "{text}");
}

#[cfg(unix)]
#[test]
fn directory_and_file_are_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let tmp = tempfile::tempdir().unwrap();
    let log = log_in(tmp.path());
    log.append(&entry("x")).unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(log.path()), 0o600);
    assert_eq!(mode(log.path().parent().unwrap()), 0o700);
    // A log someone made world-readable is tightened on the next append.
    fs::set_permissions(log.path(), fs::Permissions::from_mode(0o644)).unwrap();
    log.append(&entry("y")).unwrap();
    assert_eq!(mode(log.path()), 0o600);
}

#[test]
fn concurrent_appends_are_whole_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let log = Arc::new(log_in(tmp.path()));
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                for i in 0..25 {
                    // Big entries make torn writes likely if locking were broken.
                    let mut e = entry(&format!("thread {t} entry {i} {}", "x".repeat(4000)));
                    e.summary = format!("{t}-{i}");
                    log.append(&e).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let read = log.read().unwrap();
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    assert_eq!(read.entries.len(), 200);
    let mut ids: Vec<&str> = read.entries.iter().map(|e| e.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 200, "ids are unique");
}

#[test]
fn a_truncated_last_line_is_skipped_and_the_next_append_stays_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let log = log_in(tmp.path());
    log.append(&entry("whole")).unwrap();
    let line = serde_json::to_string(&entry("torn")).unwrap();
    let mut f = OpenOptions::new().append(true).open(log.path()).unwrap();
    f.write_all(&line.as_bytes()[..line.len() / 2]).unwrap();
    drop(f);

    let read = log.read().unwrap();
    assert_eq!(read.entries.len(), 1);
    assert_eq!(read.warnings.len(), 1);
    assert!(
        read.warnings[0].starts_with("line 2: truncated"),
        "{:?}",
        read.warnings
    );

    log.append(&entry("after the crash")).unwrap();
    let read = log.read().unwrap();
    let requests: Vec<&str> = read.entries.iter().map(|e| e.request.as_str()).collect();
    assert_eq!(requests, ["whole", "after the crash"]);
    assert!(
        read.warnings[0].starts_with("line 2: not a valid"),
        "{:?}",
        read.warnings
    );
}

#[test]
fn corrupt_lines_are_skipped_with_their_number() {
    let good = serde_json::to_string(&entry("ok")).unwrap();
    let bytes = format!("{good}\nnot json\n\n{{\"id\": 1}}\n\u{0}\u{ff}\n{good}\n");
    let read = parse(bytes.as_bytes());
    assert_eq!(read.entries.len(), 2);
    let numbers: Vec<&str> = read
        .warnings
        .iter()
        .map(|w| w.split(':').next().unwrap())
        .collect();
    assert_eq!(numbers, ["line 2", "line 4", "line 5"]);
    assert!(parse(&[0xff, 0xfe, b'\n', b'{']).entries.is_empty());
}

#[test]
fn a_log_path_under_a_file_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("f"), "").unwrap();
    let log = AuditLog::at(tmp.path().join("f/shipmate/audit.jsonl"));
    let msg = format!("{:#}", log.append(&entry("x")).unwrap_err());
    assert!(msg.contains("cannot append to the audit log"), "{msg}");
    assert!(msg.contains("f/shipmate/audit.jsonl"), "{msg}");
}
