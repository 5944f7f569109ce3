//! `shipmate history` and the audit log that `ask` writes: entries newest first, `-n`, JSON,
//! private permissions, no secret values, whole lines under concurrent writers, and tolerance
//! of torn or corrupt lines. `XDG_STATE_HOME` points into each test's [`Sandbox`].

use std::io::Write as _;
use std::process::{Output, Stdio};

use serde_json::Value;
use shipmate_e2e::Sandbox;

fn ask(sandbox: &Sandbox, request: &str) -> Output {
    sandbox
        .shipmate()
        .args(["ask", "--no-apply", request])
        .stdin(Stdio::null())
        .output()
        .expect("run shipmate ask")
}

fn history(sandbox: &Sandbox, args: &[&str]) -> Output {
    sandbox
        .shipmate()
        .arg("history")
        .args(args)
        .output()
        .expect("run shipmate history")
}

fn history_json(sandbox: &Sandbox, args: &[&str]) -> Value {
    let out = history(sandbox, &[&["-o", "json"], args].concat());
    assert_eq!(out.status.code(), Some(0));
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn an_empty_history_says_where_the_log_is() {
    let sandbox = Sandbox::new();
    let out = history(&sandbox, &[]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("No audit entries yet"), "{text}");
    assert!(
        text.contains(&sandbox.audit_log().display().to_string()),
        "{text}"
    );
    assert!(!sandbox.state_home().exists(), "reading creates nothing");
}

#[test]
fn ask_records_manual_and_blocked_decisions_newest_first() {
    let sandbox = Sandbox::new();
    ask(&sandbox, "create a configmap cfg with A=1");
    ask(
        &sandbox,
        "run a pod named sniff using busybox:1.36 with hostNetwork",
    );
    ask(&sandbox, "scale it up"); // needs input: not recorded
    ask(&sandbox, "scale deployment web to 5 replicas"); // nothing written: not recorded

    let listing = history_json(&sandbox, &[]);
    assert_eq!(listing["log"], sandbox.audit_log().display().to_string());
    let entries = listing["entries"].as_array().unwrap();
    let decisions: Vec<&str> = entries
        .iter()
        .map(|e| e["decision"].as_str().unwrap())
        .collect();
    assert_eq!(decisions, ["blocked", "manual"]);
    let manual = &entries[1];
    assert_eq!(manual["request"], "create a configmap cfg with A=1");
    assert_eq!(manual["backend"], "rules");
    assert!(
        manual["proposal_digest"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    let dir = std::path::PathBuf::from(manual["directory"].as_str().unwrap());
    assert!(dir.is_absolute() && dir.is_dir(), "{}", dir.display());
    assert!(dir.starts_with(sandbox.work().join("shipmate-out")));
    assert_eq!(manual["objects"][0]["kind"], "ConfigMap");
    assert_eq!(manual["objects"][0]["name"], "cfg");
    assert_eq!(manual["objects"][0]["result"], "manual");
    assert_eq!(manual["objects"][0]["prior"]["state"], "not_read");
    assert_eq!(entries[0]["objects"][0]["result"], "not_applied");
    assert!(
        entries[0]["id"].as_str() > manual["id"].as_str(),
        "ids sort by time"
    );

    let one = history_json(&sandbox, &["-n", "1"]);
    assert_eq!(one["entries"].as_array().unwrap().len(), 1);
    assert_eq!(one["entries"][0]["decision"], "blocked");

    let text = String::from_utf8(history(&sandbox, &[]).stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("ID"), "{text}");
    assert!(lines[1].contains("blocked") && lines[1].contains("run a pod named sniff"));
    assert!(lines[2].contains("manual") && lines[2].contains("create a configmap cfg"));
}

#[test]
fn the_log_is_private_and_holds_no_secret_value() {
    let sandbox = Sandbox::new();
    let out = ask(
        &sandbox,
        "create a secret db with password=hunter2 and user=app",
    );
    assert_eq!(out.status.code(), Some(0));
    let log = std::fs::read_to_string(sandbox.audit_log()).unwrap();
    assert!(!log.contains("hunter2"), "{log}");
    assert!(log.contains(r#""password":"<redacted>""#), "{log}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&sandbox.audit_log()), 0o600);
        assert_eq!(mode(sandbox.audit_log().parent().unwrap()), 0o700);
    }
}

#[test]
fn concurrent_processes_write_whole_lines() {
    let sandbox = Sandbox::new();
    let children: Vec<_> = (0..8)
        .map(|i| {
            sandbox
                .shipmate()
                .args([
                    "ask",
                    "--no-apply",
                    "-o",
                    "json",
                    &format!("create a configmap cfg{i} with A={i}"),
                ])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let out = history(&sandbox, &["-o", "json"]);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listing: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut names: Vec<String> = listing["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["objects"][0]["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    let expected: Vec<String> = (0..8).map(|i| format!("cfg{i}")).collect();
    assert_eq!(names, expected);
}

#[test]
fn torn_and_corrupt_lines_are_skipped_with_a_warning() {
    let sandbox = Sandbox::new();
    ask(&sandbox, "create a configmap cfg with A=1");
    {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(sandbox.audit_log())
            .unwrap();
        f.write_all(b"this is not json\n{\"id\": \"20261126-0812")
            .unwrap();
    }
    let out = history(&sandbox, &[]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("line 2: not a valid audit entry"),
        "{stderr}"
    );
    assert!(stderr.contains("line 3: truncated last line"), "{stderr}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");

    // The next entry after a torn line is still whole and readable.
    ask(&sandbox, "create a configmap later with B=2");
    let listing = history_json(&sandbox, &[]);
    assert_eq!(listing["entries"].as_array().unwrap().len(), 2);
    assert_eq!(listing["entries"][0]["objects"][0]["name"], "later");
}
