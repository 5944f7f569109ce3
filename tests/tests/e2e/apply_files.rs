//! `shipmate apply PATH` against the fake API server: custom resources validated against the
//! cluster's own OpenAPI v3 schema (no `--crd`), unreadable files refused before anything is
//! sent, and `--wait` following rollouts to completion or to a timeout.

use std::path::Path;
use std::process::Output;

use serde_json::Value;
use shipmate_e2e::Sandbox;
use shipmate_e2e::fake_kube::FakeCluster;

const WIDGET_CRD: &str = "
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
";

fn apply(sandbox: &Sandbox, fake: &FakeCluster, args: &[&str]) -> Output {
    sandbox
        .shipmate_on(fake)
        .arg("apply")
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run shipmate")
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn custom_resources_are_validated_against_the_clusters_schema() {
    let fake = FakeCluster::start();
    fake.seed(WIDGET_CRD);
    let sandbox = Sandbox::new();
    let typo = write(
        &sandbox.work(),
        "widget.yaml",
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {sise: 3}\n",
    );
    let out = apply(&sandbox, &fake, &[&typo, "--yes", "-o", "json"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let p = json(&out);
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
    let out = apply(&sandbox, &fake, &[&good, "--yes", "-o", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json(&out)["applied"]["objects"][0]["result"], "created");
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
    let out = apply(&sandbox, &fake, &[&bad, "--yes"]);
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.yaml:1") && stderr.contains("nothing was applied"),
        "{stderr}"
    );
    assert!(fake.requests().is_empty(), "the cluster was not contacted");
}

const DEPLOYMENT: &str = "
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27.1
";

#[test]
fn wait_follows_the_rollout_and_times_out_with_how_to_continue() {
    let fake = FakeCluster::start();
    let sandbox = Sandbox::new();
    let file = write(&sandbox.work(), "web.yaml", DEPLOYMENT);
    let out = apply(
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
    assert_eq!(json(&out)["applied"]["rollouts_complete"], true);

    fake.complete_rollouts(false);
    let changed = DEPLOYMENT.replace("replicas: 2", "replicas: 3");
    let file = write(&sandbox.work(), "web.yaml", &changed);
    let out = apply(
        &sandbox,
        &fake,
        &[&file, "--yes", "--no-gates", "--wait=1", "-o", "json"],
    );
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(json(&out)["applied"]["rollouts_complete"], false);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("timed out") && stderr.contains("kubectl rollout status deployment/web"),
        "{stderr}"
    );
}
