//! The tools against the fake API server: table shapes, YAML, describe, logs under the byte
//! cap, events, errors, pagination, and the schema lookup.

mod diagnose;
mod errors;
mod lists;
mod logs;
mod objects;

use serde_json::{Value, json};
use shipmate_e2e::fake_kube::FakeCluster;

use super::{ClusterReader, ToolLimits};
use crate::cluster::tests::{connect, runtime};

/// Runs `f` with a reader on `fake` (default namespace `default`).
fn with_reader<T>(
    fake: &FakeCluster,
    limits: ToolLimits,
    f: impl AsyncFnOnce(&ClusterReader<'_>) -> T,
) -> T {
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let cluster = connect(fake, dir.path()).await;
        let reader = ClusterReader::new(&cluster, limits);
        f(&reader).await
    })
}

/// A pod in namespace `ns` whose container `app` restarts: CrashLoopBackOff after an OOM kill.
fn crashing_pod(name: &str, ns: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "labels": {"app": "api"}},
        "spec": {"nodeName": "node-1", "containers": [{"name": "app", "image": "shop/api:1.4.2",
            "resources": {"requests": {"memory": "64Mi"}, "limits": {"memory": "64Mi"}}}]},
        "status": {
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady",
                            "message": "containers with unready status: [app]"}],
            "containerStatuses": [{
                "name": "app", "ready": false, "restartCount": 7, "image": "shop/api:1.4.2",
                "state": {"waiting": {"reason": "CrashLoopBackOff",
                                       "message": "back-off 5m0s restarting failed container=app"}},
                "lastState": {"terminated": {"reason": "OOMKilled", "exitCode": 137,
                                              "finishedAt": "2026-01-01T00:00:00Z"}},
            }],
        },
    })
}

/// A running, ready pod.
fn running_pod(name: &str, ns: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "labels": {"app": "web"}},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
        "status": {"phase": "Running", "containerStatuses": [{
            "name": "web", "ready": true, "restartCount": 0, "state": {"running": {}}}]},
    })
}

/// A core/v1 event about `kind`/`name` in `ns`, last seen at `hour`:00 on 2026-01-01.
fn event(ns: &str, about: (&str, &str), reason: &str, count: i64, hour: u32) -> Value {
    let last = format!("2026-01-01T{hour:02}:00:00Z");
    json!({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": format!("{}.{reason}.{hour}", about.1), "namespace": ns},
        "involvedObject": {"kind": about.0, "name": about.1, "namespace": ns},
        "type": if reason == "Started" { "Normal" } else { "Warning" },
        "reason": reason, "message": format!("{reason} on {}", about.1),
        "count": count, "lastTimestamp": last, "firstTimestamp": last,
    })
}
