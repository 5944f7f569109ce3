//! Faults during an apply, against the fake API server: the server going away half-way, a 403
//! on one object, and Ctrl-C. Each must leave a clear report, an audit entry that says exactly
//! what was applied (with prior states, so undo works), and nothing half-written.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use shipmate_e2e::fake_kube::{FakeCluster, Fault};
use shipmate_e2e::{Sandbox, fixture_text, stdout_json};

/// Objects that apply in three tiers: ConfigMap, Service, Deployment.
fn app() -> String {
    let head = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata: {LOG_LEVEL: info}\n---\n\
                apiVersion: v1\nkind: Service\nmetadata: {name: web}\n\
                spec: {selector: {app: web}, ports: [{port: 80}]}\n---\n";
    format!("{head}{}", fixture_text("web-deployment.yaml"))
}

fn apply_cmd(sandbox: &Sandbox, fake: &FakeCluster) -> Command {
    let file = sandbox.work().join("app.yaml");
    std::fs::write(&file, app()).unwrap();
    let mut cmd = sandbox.shipmate_on(fake);
    cmd.arg("apply")
        .arg(&file)
        .args(["--yes", "--no-gates", "-o", "json"])
        .stdin(Stdio::null());
    cmd
}

fn results(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["kind"].as_str().unwrap().to_owned(),
                o["result"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[test]
fn a_403_on_one_object_stops_there_and_the_audit_says_so() {
    let fake = FakeCluster::start();
    fake.inject(
        Fault::status(403)
            .method("PATCH")
            .path_contains("/services/")
            .real_writes_only(),
    );
    let sandbox = Sandbox::new();
    let out = apply_cmd(&sandbox, &fake).output().unwrap();
    assert_eq!(out.status.code(), Some(5));
    let applied = &stdout_json(&out)["applied"];
    assert_eq!(
        results(&applied["objects"]),
        pairs(&[
            ("ConfigMap", "created"),
            ("Service", "failed"),
            ("Deployment", "not_attempted")
        ])
    );
    let error = applied["objects"][1]["error"].as_str().unwrap();
    assert!(
        error.contains("forbidden (403)") && error.contains("patch"),
        "{error}"
    );
    assert!(
        fake.get("deploy/default/web").is_none(),
        "nothing after the failure was sent"
    );

    let entry = sandbox.audit_entries().pop().unwrap();
    assert_eq!(entry["decision"], "applied");
    assert_eq!(
        results(&entry["objects"]),
        pairs(&[
            ("ConfigMap", "created"),
            ("Service", "failed"),
            ("Deployment", "not_applied")
        ])
    );

    // The applied part can be undone.
    let undo = sandbox
        .shipmate_on(&fake)
        .args(["undo", "--yes"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        undo.status.success(),
        "{}",
        String::from_utf8_lossy(&undo.stderr)
    );
    assert!(fake.get("cm/default/web").is_none());
}

/// How many requests a clean run of `apply` sends before its first real (not dry-run) write.
fn requests_before_first_write() -> usize {
    let fake = FakeCluster::start();
    let sandbox = Sandbox::new();
    assert!(
        apply_cmd(&sandbox, &fake)
            .output()
            .unwrap()
            .status
            .success()
    );
    fake.requests()
        .iter()
        .position(|r| r.method == "PATCH" && r.param("dryRun").is_none())
        .expect("a real write")
}

#[test]
fn the_server_going_away_mid_apply_leaves_an_exact_report() {
    // Let the first real write (the ConfigMap) and the read before the next one through, then
    // go away: the Service's apply gets no answer.
    let served = requests_before_first_write() + 2;
    let fake = FakeCluster::start();
    fake.inject(Fault::go_away_after(served));
    let sandbox = Sandbox::new();
    let out = apply_cmd(&sandbox, &fake).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let applied = &stdout_json(&out)["applied"];
    let got = results(&applied["objects"]);
    assert_eq!(got[0], pairs(&[("ConfigMap", "created")])[0], "{applied}");
    assert!(
        matches!(got[1].1.as_str(), "unknown" | "failed"),
        "the Service got no answer: {applied}"
    );
    assert_eq!(got[2].1, "not_attempted");
    assert!(
        applied["objects"][1]["error"]
            .as_str()
            .unwrap()
            .contains("unreachable"),
        "{applied}"
    );
    let entry = sandbox.audit_entries().pop().unwrap();
    assert_eq!(entry["objects"][0]["prior"]["state"], "absent");
    assert_eq!(entry["objects"][2]["result"], "not_applied");
}

#[test]
fn ctrl_c_during_apply_stops_sending_and_reports() {
    let fake = FakeCluster::start();
    // Slow enough that Ctrl-C lands while the apply is under way.
    fake.set_latency(Duration::from_millis(300));
    let sandbox = Sandbox::new();
    let child = apply_cmd(&sandbox, &fake)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !fake
        .requests()
        .iter()
        .any(|r| r.method == "PATCH" && r.param("dryRun").is_none())
    {
        assert!(Instant::now() < deadline, "the apply never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let applied = &stdout_json(&out)["applied"];
    assert_eq!(applied["cancelled"], true, "{applied}");
    // What was in flight finished and is reported; nothing after it was sent. The report
    // and the cluster agree object by object.
    let got = results(&applied["objects"]);
    assert_eq!(got[0].1, "created", "{applied}");
    assert_eq!(got[2].1, "not_attempted", "{applied}");
    for (o, spec) in applied["objects"]
        .as_array()
        .unwrap()
        .iter()
        .zip(["cm", "svc", "deploy"])
    {
        let stored = fake.get(&format!("{spec}/default/web")).is_some();
        assert_eq!(stored, o["result"] == "created", "{o} vs the cluster");
    }
    assert!(String::from_utf8_lossy(&out.stderr).contains("cancelling"));
    let entry = sandbox.audit_entries().pop().unwrap();
    assert_eq!(entry["objects"][0]["result"], "created");
    assert_eq!(entry["objects"][2]["result"], "not_applied");
}
