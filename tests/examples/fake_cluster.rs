//! Runs the fake Kubernetes API server on loopback for trying shipmate by hand (the REPL in a
//! real terminal, say), with a `default` and a `prod` namespace and one Deployment in each.
//!
//! ```text
//! cargo run -p shipmate-e2e --example fake_cluster -- /tmp/fake
//! KUBECONFIG=/tmp/fake/kubeconfig shipmate
//! ```
//!
//! It writes `DIR/kubeconfig` (default: the current directory) and serves until stdin closes
//! or it is interrupted. Test-only: the server keeps everything in memory.

use std::io::Read;
use std::path::PathBuf;

use serde_json::json;
use shipmate_e2e::fake_kube::FakeCluster;

fn main() {
    let dir = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    std::fs::create_dir_all(&dir).expect("create the kubeconfig directory");
    let fake = FakeCluster::start();
    let deployment = |namespace: &str, name: &str| {
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": namespace},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": name, "image": "nginx:1.27.1"}]}}}
        })
    };
    fake.seed(vec![
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "prod"}}),
        deployment("default", "api"),
        deployment("prod", "payments"),
    ]);
    let config = fake.kubeconfig(&dir);
    println!("fake API server at {}", fake.url());
    println!("KUBECONFIG={}", config.display());
    // Serve until stdin closes (Ctrl-D) or the process is stopped.
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}
