//! Actions through `shipmate ask` against the fake API server: native ones checked by a
//! server dry-run, run after confirmation and undone from the audit log; read-only ones run
//! without asking through the real kubectl, their output streamed; a missing kubectl hands the
//! command over instead.

use serde_json::Value;
use shipmate_e2e::fake_kube::FakeCluster;
use shipmate_e2e::{Sandbox, stdout_json};

const WEB: &str = "deploy nginx:1.27.1 as web with 2 replicas on port 80";

fn replicas(fake: &FakeCluster) -> Value {
    fake.get("deploy/default/web").unwrap()["spec"]["replicas"].clone()
}

#[test]
fn scale_runs_natively_and_undo_scales_back() {
    let fake = FakeCluster::start();
    let sandbox = Sandbox::new();
    assert!(
        sandbox
            .run_on(&fake, &["ask", "--yes", WEB])
            .status
            .success()
    );

    // Without --yes: the dry-run preview, and nothing changes.
    let out = sandbox.run_on(&fake, &["ask", "scale web to 5"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("native: scale") && stdout.contains("2 → 5 (dry run)"),
        "{stdout}"
    );
    assert_eq!(replicas(&fake), 2);

    let out = sandbox.run_on(&fake, &["ask", "--yes", "-o", "json", "scale web to 5"]);
    let p = stdout_json(&out);
    assert_eq!(p["applied"]["actions"][0]["result"], "done", "{p}");
    assert_eq!(replicas(&fake), 5);
    let entry = sandbox.audit_entries().pop().unwrap();
    assert_eq!(
        entry["actions"][0]["undo"]["prior"],
        serde_json::json!({"replicas": 2})
    );

    let out = sandbox.run_on(&fake, &["undo", "--yes"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(replicas(&fake), 2);
}

#[test]
fn a_native_action_on_a_missing_object_is_blocked_by_the_dry_run() {
    let fake = FakeCluster::start();
    let sandbox = Sandbox::new();
    let out = sandbox.run_on(&fake, &["ask", "--yes", "-o", "json", "scale web to 5"]);
    assert_eq!(out.status.code(), Some(3));
    let p = stdout_json(&out);
    assert_eq!(p["status"], "blocked");
    let finding = &p["findings"][0];
    assert_eq!(finding["gate"], "server-dry-run");
    assert!(
        finding["message"].as_str().unwrap().contains("web"),
        "{finding}"
    );
}

#[test]
fn read_only_actions_run_without_asking_through_kubectl() {
    let Some(kubectl) = shipmate_e2e::kubectl() else {
        return;
    };
    let fake = FakeCluster::start();
    fake.allow_anonymous(true);
    let sandbox = Sandbox::new();
    assert!(
        sandbox
            .run_on(&fake, &["ask", "--yes", WEB])
            .status
            .success()
    );
    let out = sandbox
        .shipmate_on(&fake)
        .env("SHIPMATE_KUBECTL", &kubectl)
        .args(["ask", "list deployments"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("through kubectl"), "{stdout}");
    assert!(
        stdout.contains("web"),
        "kubectl's own output is streamed: {stdout}"
    );
}

#[test]
fn a_missing_kubectl_hands_the_command_over() {
    let fake = FakeCluster::start();
    let sandbox = Sandbox::new();
    let out = sandbox
        .shipmate_on(&fake)
        .env("SHIPMATE_KUBECTL", "/nonexistent/kubectl")
        .args(["ask", "--yes", "-o", "json", "drain node n1"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let p = stdout_json(&out);
    assert!(
        p["applied"].is_null() || p["applied"]["mode"] == "manual",
        "{p}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("/nonexistent/kubectl was not found"),
        "{stderr}"
    );
}
