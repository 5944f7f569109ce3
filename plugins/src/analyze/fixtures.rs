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

/// A running, ready pod with one container `app` (nginx, port 8080 named `http`, requests and
/// limits set), labelled with `labels`.
pub fn pod(ns: &str, name: &str, labels: &[(&str, &str)]) -> Value {
    let labels: serde_json::Map<String, Value> = labels
        .iter()
        .map(|(k, v)| ((*k).into(), json!(v)))
        .collect();
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "labels": labels},
        "spec": {"containers": [app_container()]},
        "status": {
            "phase": "Running",
            "conditions": [{"type": "PodScheduled", "status": "True"}, {"type": "Ready", "status": "True"}],
            "containerStatuses": [{
                "name": "app", "image": "nginx:1.27", "imageID": "", "ready": true,
                "restartCount": 0, "started": true, "state": {"running": {"startedAt": "2026-01-01T00:00:00Z"}}
            }]
        }
    })
}

/// The container every fixture workload runs.
pub fn app_container() -> Value {
    json!({
        "name": "app", "image": "nginx:1.27",
        "ports": [{"name": "http", "containerPort": 8080}],
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"},
                      "limits": {"cpu": "500m", "memory": "256Mi"}},
        "readinessProbe": {"httpGet": {"path": "/", "port": "http"}},
        "livenessProbe": {"httpGet": {"path": "/", "port": "http"}},
        "securityContext": {"runAsNonRoot": true, "allowPrivilegeEscalation": false,
                            "readOnlyRootFilesystem": true}
    })
}

/// `pod` with its first container's status replaced by `status` (merged over the healthy
/// one) and the pod's Ready condition following `status.ready`.
pub fn container_status(pod: Value, status: Value) -> Value {
    let merged = with(pod["status"]["containerStatuses"][0].clone(), status);
    let ready = merged["ready"].as_bool().unwrap_or(false);
    with(
        pod,
        json!({"status": {
            "containerStatuses": [merged],
            "conditions": [{"type": "PodScheduled", "status": "True"},
                           {"type": "Ready", "status": if ready { "True" } else { "False" }}]
        }}),
    )
}

/// `object` with a controller owner reference to `kind`/`name`.
pub fn owned_by(object: Value, kind: &str, name: &str) -> Value {
    let api = match kind {
        "Job" | "CronJob" => "batch/v1",
        _ => "apps/v1",
    };
    with(
        object,
        json!({"metadata": {"ownerReferences": [{
            "apiVersion": api, "kind": kind, "name": name, "uid": format!("uid-{name}"),
            "controller": true
        }]}}),
    )
}

/// The pod template every fixture workload uses, labelled `app=<name>`.
pub fn template(name: &str) -> Value {
    json!({"metadata": {"labels": {"app": name}}, "spec": {"containers": [app_container()]}})
}

/// A healthy Deployment `name` with `replicas` ready replicas (pods labelled `app=<name>`).
pub fn deployment(ns: &str, name: &str, replicas: i32) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": ns, "labels": {"app": name}},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                 "template": template(name)},
        "status": {"replicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas,
                   "updatedReplicas": replicas, "observedGeneration": 1,
                   "conditions": [
                       {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
                       {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"}]}
    })
}

/// The ReplicaSet `<deploy>-<hash>` of a Deployment.
pub fn replica_set(ns: &str, deploy: &str, hash: &str, replicas: i32) -> Value {
    owned_by(
        json!({
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": format!("{deploy}-{hash}"), "namespace": ns},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": deploy, "pod-template-hash": hash}},
                     "template": template(deploy)},
            "status": {"replicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas}
        }),
        "Deployment",
        deploy,
    )
}

/// Pod `i` of Deployment `deploy` (through ReplicaSet `<deploy>-<hash>`).
pub fn deployment_pod(ns: &str, deploy: &str, hash: &str, i: usize) -> Value {
    owned_by(
        pod(
            ns,
            &format!("{deploy}-{hash}-{i:05}"),
            &[("app", deploy), ("pod-template-hash", hash)],
        ),
        "ReplicaSet",
        &format!("{deploy}-{hash}"),
    )
}

/// A healthy Deployment `name` in `ns` with its ReplicaSet and `replicas` pods.
pub fn healthy_app(ns: &str, name: &str, replicas: usize) -> Vec<Value> {
    let r = i32::try_from(replicas).unwrap_or(i32::MAX);
    let mut out = vec![deployment(ns, name, r), replica_set(ns, name, "7d9f8", r)];
    out.extend((0..replicas).map(|i| deployment_pod(ns, name, "7d9f8", i)));
    out
}

/// A ClusterIP Service `name` selecting `app=<app>`, port 80 → `target`.
pub fn service(ns: &str, name: &str, app: &str, target: Value) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": name, "namespace": ns},
        "spec": {"selector": {"app": app}, "ports": [{"name": "http", "port": 80, "targetPort": target}]}
    })
}

/// A ConfigMap with `keys` (values blanked, as the collector may send them).
pub fn config_map(ns: &str, name: &str, keys: &[&str]) -> Value {
    let data: serde_json::Map<String, Value> =
        keys.iter().map(|k| ((*k).into(), json!(""))).collect();
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": ns}, "data": data})
}

/// A Secret with `keys` (values emptied, as the collector sends them).
pub fn secret(ns: &str, name: &str, keys: &[&str]) -> Value {
    let data: serde_json::Map<String, Value> =
        keys.iter().map(|k| ((*k).into(), json!(""))).collect();
    json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name, "namespace": ns}, "data": data})
}

/// `workload` with its pod template's first container patched by `patch`.
pub fn template_container(workload: Value, patch: Value) -> Value {
    let c = with(
        workload["spec"]["template"]["spec"]["containers"][0].clone(),
        patch,
    );
    with(
        workload,
        json!({"spec": {"template": {"spec": {"containers": [c]}}}}),
    )
}
