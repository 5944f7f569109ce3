//! `shipmate apply PATH` against the fake API server: custom resources validated against the
//! cluster's own OpenAPI v3 schema (no `--crd`), unreadable files refused before anything is
//! sent, and `--wait` following rollouts to completion or to a timeout.

use std::path::Path;
use std::process::Output;

use shipmate_e2e::fake_kube::FakeCluster;
use shipmate_e2e::{Sandbox, fixture_text, stdout_json};

fn run_apply(sandbox: &Sandbox, fake: &FakeCluster, args: &[&str]) -> Output {
    let mut all = vec!["apply"];
    all.extend_from_slice(args);
    sandbox.run_on(fake, &all)
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn custom_resources_are_validated_against_the_clusters_schema() {
    let fake = FakeCluster::start();
    fake.seed(shipmate_e2e::fixture_text("widget-crd.yaml").as_str());
    let sandbox = Sandbox::new();
    let typo = write(
        &sandbox.work(),
        "widget.yaml",
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {sise: 3}\n",
    );
    let out = run_apply(&sandbox, &fake, &[&typo, "--yes", "-o", "json"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let p = stdout_json(&out);
    let finding = &p["findings"][0];
    assert_eq!(finding["gate"], "schema", "{p}");
    assert!(
        finding["message"].as_str().unwrap().contains("sise"),
        "{finding}"
    );
    assert!(fake.get("widgets.example.com/default/w").is_none());

    let good = write(
        &sandbox.work(),
        "widget.yaml",
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 3}\n",
    );
    let out = run_apply(&sandbox, &fake, &[&good, "--yes", "-o", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout_json(&out)["applied"]["objects"][0]["result"],
        "created"
    );
}

#[test]
fn unreadable_documents_stop_everything_before_the_cluster() {
    let fake = FakeCluster::start();
    let sandbox = Sandbox::new();
    let bad = write(
        &sandbox.work(),
        "bad.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [\n",
    );
    let out = run_apply(&sandbox, &fake, &[&bad, "--yes"]);
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.yaml:1") && stderr.contains("nothing was applied"),
        "{stderr}"
    );
    assert!(fake.requests().is_empty(), "the cluster was not contacted");
}

#[test]
fn wait_follows_the_rollout_and_times_out_with_how_to_continue() {
    let fake = FakeCluster::start();
    let sandbox = Sandbox::new();
    let file = write(
        &sandbox.work(),
        "web.yaml",
        &fixture_text("web-deployment.yaml"),
    );
    let out = run_apply(
        &sandbox,
        &fake,
        &[&file, "--yes", "--no-gates", "--wait", "-o", "json"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout_json(&out)["applied"]["rollouts_complete"], true);

    fake.complete_rollouts(false);
    let changed = fixture_text("web-deployment.yaml").replace("replicas: 2", "replicas: 3");
    let file = write(&sandbox.work(), "web.yaml", &changed);
    let out = run_apply(
        &sandbox,
        &fake,
        &[&file, "--yes", "--no-gates", "--wait=1", "-o", "json"],
    );
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(stdout_json(&out)["applied"]["rollouts_complete"], false);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("timed out") && stderr.contains("kubectl rollout status deployment/web"),
        "{stderr}"
    );
}
