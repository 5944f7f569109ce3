//! Test fixtures: healthy objects as JSON, broken twins made with a JSON merge patch, and a
//! snapshot built from a list of objects (routed by `kind`).

use serde_json::{Value, json};

use super::snapshot::{ContainerRef, Snapshot};
use super::{Finding, analyze};

/// RFC 7386 merge patch: objects merge, `null` deletes, everything else replaces.
pub fn with(mut base: Value, patch: Value) -> Value {
    merge(&mut base, patch);
    base
}

fn merge(base: &mut Value, patch: Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    b.remove(&k);
                } else {
                    merge(b.entry(k).or_insert(Value::Null), v);
                }
            }
        }
        (b, p) => *b = p,
    }
}

/// A snapshot holding `objects` (every kind marked as listed).
pub fn snap(objects: Vec<Value>) -> Snapshot {
    let mut s = Snapshot::all_listed();
    for o in objects {
        let kind = o["kind"].as_str().unwrap_or_default().to_owned();
        macro_rules! put {
            ($field:ident) => {
                s.$field.push(serde_json::from_value(o).expect(&kind))
            };
        }
        match kind.as_str() {
            "Pod" => put!(pods),
            "Deployment" => put!(deployments),
            "ReplicaSet" => put!(replica_sets),
            "StatefulSet" => put!(stateful_sets),
            "DaemonSet" => put!(daemon_sets),
            "Job" => put!(jobs),
            "CronJob" => put!(cron_jobs),
            "Service" => put!(services),
            "EndpointSlice" => put!(endpoint_slices),
            "Ingress" => put!(ingresses),
            "IngressClass" => put!(ingress_classes),
            "PersistentVolumeClaim" => put!(pvcs),
            "StorageClass" => put!(storage_classes),
            "Node" => put!(nodes),
            "HorizontalPodAutoscaler" => put!(hpas),
            "PodDisruptionBudget" => put!(pdbs),
            "NetworkPolicy" => put!(network_policies),
            "ConfigMap" => put!(config_maps),
            "Secret" => put!(secrets),
            "ServiceAccount" => put!(service_accounts),
            "Event" => put!(events),
            "ResourceQuota" => put!(resource_quotas),
            other => panic!("fixture of unknown kind {other}"),
        }
    }
    s
}

/// Analyzes `objects` (with `logs` as previous logs of `ns/pod/container`).
pub fn run(objects: Vec<Value>) -> Vec<Finding> {
    analyze(&snap(objects))
}

/// Adds previous logs to a snapshot.
pub fn with_logs(mut s: Snapshot, ns: &str, pod: &str, container: &str, text: &str) -> Snapshot {
    s.previous_logs.insert(
        ContainerRef {
            namespace: ns.into(),
            pod: pod.into(),
            container: container.into(),
        },
        text.into(),
    );
    s
}

/// The ids of `findings`, in order.
pub fn ids(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.id.as_str()).collect()
}

/// The one finding with `id` (panics, listing what was found, when there is not exactly one).
pub fn one<'f>(findings: &'f [Finding], id: &str) -> &'f Finding {
    let hits: Vec<&Finding> = findings.iter().filter(|f| f.id == id).collect();
    assert_eq!(hits.len(), 1, "expected one {id}, got {:#?}", findings);
    hits[0]
}

/// Everything a finding says, as one string (to assert on).
pub fn text(f: &Finding) -> String {
    let mut t = format!("{} | {}", f.title, f.cause);
    for e in &f.evidence {
        t.push_str(&format!(" | {}: {}", e.source, e.text));
    }
    t
}

/// A ready node.
pub fn node(name: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Node", "metadata": {"name": name},
        "spec": {},
        "status": {"conditions": [
            {"type": "Ready", "status": "True", "reason": "KubeletReady"},
            {"type": "MemoryPressure", "status": "False"},
            {"type": "DiskPressure", "status": "False"},
            {"type": "PIDPressure", "status": "False"}
        ]}
    })
}

/// An event about `kind` `ns`/`name`.
pub fn event(
    kind: &str,
    ns: &str,
    name: &str,
    type_: &str,
    reason: &str,
    msg: &str,
    n: i32,
) -> Value {
    let involved = if ns.is_empty() {
        json!({"kind": kind, "name": name})
    } else {
        json!({"kind": kind, "namespace": ns, "name": name})
    };
    json!({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": format!("{name}.{reason}"), "namespace": if ns.is_empty() { "default" } else { ns }},
        "involvedObject": involved, "type": type_, "reason": reason, "message": msg, "count": n
    })
}
