//! `shipmate ask` against the fake API server: server dry-run, confirmation policy, server-side
//! apply in dependency order, the `applied` part of the JSON, the audit entry with prior
//! states, and the manual fallback when the cluster refuses or is not there.

use std::process::Output;

use serde_json::json;
use shipmate_e2e::fake_kube::{FakeCluster, Fault};
use shipmate_e2e::{Sandbox, object_results, stdout_json};

const WEB: &str = "deploy nginx:1.27.1 as web with 2 replicas on port 80 and expose it";

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn yes_applies_in_order_and_records_prior_state() {
    let fake = FakeCluster::start();
    let sandbox = Sandbox::new();
    let out = sandbox.ask_on(&fake, &["--yes", "-o", "json", WEB]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let p = stdout_json(&out);
    let applied = &p["applied"];
    assert_eq!(applied["mode"], "cluster");
    assert_eq!(applied["complete"], true);
    assert_eq!(applied["server"], fake.url());
    assert_eq!(
        object_results(applied),
        [("Service", "created"), ("Deployment", "created")]
    );

    let stored = fake
        .get("deploy/default/web")
        .expect("the Deployment was applied");
    assert_eq!(stored["spec"]["replicas"], 2);
    let managers: Vec<&str> = stored["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["manager"].as_str().unwrap())
        .collect();
    assert_eq!(managers, ["shipmate"]);
    // Dry-run first (both objects), then the real applies.
    let patches: Vec<Option<String>> = fake
        .requests()
        .iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| r.param("dryRun").map(str::to_owned))
        .collect();
    assert_eq!(
        patches,
        [Some("All".into()), Some("All".into()), None, None]
    );

    let entries = sandbox.audit_entries();
    let entry = entries.last().unwrap();
    assert_eq!(entry["decision"], "applied");
    assert_eq!(applied["audit_id"], entry["id"]);
    assert_eq!(entry["server"], fake.url());
    assert_eq!(entry["objects"][1]["result"], "created");
    assert_eq!(entry["objects"][1]["prior"], json!({"state": "absent"}));

    // Applying again changes nothing and says so; the prior state is the live object.
    let again = stdout_json(&sandbox.ask_on(&fake, &["--yes", "-o", "json", WEB]));
    assert_eq!(again["applied"]["objects"][1]["result"], "unchanged");
    let entries = sandbox.audit_entries();
    let prior = &entries.last().unwrap()["objects"][1]["prior"];
    assert_eq!(prior["state"], "existed");
    assert_eq!(prior["object"]["spec"]["replicas"], 2);
}

#[test]
fn without_yes_and_without_a_terminal_nothing_is_applied() {
    let fake = FakeCluster::start();
    let sandbox = Sandbox::new();
    let out = sandbox.ask_on(&fake, &["-o", "json", WEB]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let p = stdout_json(&out);
    assert_eq!(p["applied"]["mode"], "manual");
    assert_eq!(p["applied"]["reason"], "not_confirmed");
    assert!(fake.get("deploy/default/web").is_none());
    assert!(
        fake.requests()
            .iter()
            .all(|r| r.method != "PATCH" || r.param("dryRun") == Some("All")),
        "only dry-runs were sent"
    );
    // Text mode says how to apply.
    let text = sandbox.ask_on(&fake, &[WEB]);
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(stdout.contains("re-run with --yes to apply"), "{stdout}");
    assert!(
        stdout.contains("[new] Deployment/web in namespace default"),
        "{stdout}"
    );
}

#[test]
fn a_forbidden_dry_run_falls_back_to_manual_with_the_reason() {
    let fake = FakeCluster::start();
    fake.inject(
        Fault::status(403)
            .method("PATCH")
            .path_contains("/deployments/"),
    );
    let sandbox = Sandbox::new();
    let out = sandbox.ask_on(&fake, &["--yes", "-o", "json", WEB]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let p = stdout_json(&out);
    assert_eq!(p["applied"]["mode"], "manual");
    assert_eq!(p["applied"]["reason"], "no_permission");
    assert!(stderr(&out).contains("forbidden (403)"), "{}", stderr(&out));
    assert!(fake.get("svc/default/web").is_none(), "nothing was applied");
    assert_eq!(
        sandbox.audit_entries().last().unwrap()["decision"],
        "manual"
    );
}

#[test]
fn a_failure_mid_apply_stops_reports_and_offers_undo() {
    let fake = FakeCluster::start();
    fake.inject(
        Fault::status(500)
            .method("PATCH")
            .path_contains("/deployments/")
            .real_writes_only(),
    );
    let sandbox = Sandbox::new();
    let out = sandbox.ask_on(&fake, &["--yes", "-o", "json", WEB]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let p = stdout_json(&out);
    let applied = &p["applied"];
    assert_eq!(applied["complete"], false);
    assert_eq!(applied["objects"][0]["result"], "created");
    assert_eq!(applied["objects"][1]["result"], "failed");
    assert!(
        applied["objects"][1]["error"]
            .as_str()
            .unwrap()
            .contains("500"),
        "{applied}"
    );
    assert!(fake.get("svc/default/web").is_some());
    let entry = sandbox.audit_entries().pop().unwrap();
    assert_eq!(entry["objects"][1]["result"], "failed");
}

#[test]
fn a_server_rejection_blocks_with_a_finding() {
    let fake = FakeCluster::start();
    fake.inject(
        Fault::status(422)
            .method("PATCH")
            .path_contains("/services/"),
    );
    let sandbox = Sandbox::new();
    let out = sandbox.ask_on(&fake, &["--yes", "-o", "json", WEB]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let p = stdout_json(&out);
    assert_eq!(p["status"], "blocked");
    assert!(
        p["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["gate"] == "server-dry-run"
                && f["object"].as_str().unwrap().contains("Service/web")),
        "{p}"
    );
    assert!(p["applied"].is_null());
    assert!(fake.get("deploy/default/web").is_none());
}

#[test]
fn an_unreachable_server_falls_back_to_manual() {
    let fake = FakeCluster::start();
    fake.inject(Fault::go_away_after(0));
    let sandbox = Sandbox::new();
    let out = sandbox.ask_on(&fake, &["--yes", "-o", "json", WEB]);
    let p = stdout_json(&out);
    assert_eq!(p["applied"]["mode"], "manual", "{}", stderr(&out));
    assert_eq!(p["applied"]["reason"], "unreachable");
    assert!(
        stderr(&out).contains("cluster unreachable"),
        "{}",
        stderr(&out)
    );
}
