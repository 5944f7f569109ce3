//! The `scale` and `status` subresources: the `Scale` view of a workload and how writes to
//! a subresource change only its part of the object.

use serde_json::{Value, json};

use super::api::Target;

/// The object, or its `Scale` view for the scale subresource.
pub(crate) fn view(t: &Target, obj: &Value) -> Value {
    if t.sub.as_deref() != Some("scale") {
        return obj.clone();
    }
    let m = &obj["metadata"];
    let replicas = obj["spec"]["replicas"].as_i64().unwrap_or(1);
    let selector = obj["spec"]["selector"]["matchLabels"]
        .as_object()
        .map(|l| {
            l.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    json!({
        "kind": "Scale", "apiVersion": "autoscaling/v1",
        "metadata": {"name": m["name"], "namespace": m["namespace"], "uid": m["uid"],
                     "resourceVersion": m["resourceVersion"], "creationTimestamp": m["creationTimestamp"]},
        "spec": {"replicas": replicas},
        "status": {"replicas": obj["status"]["replicas"].as_i64().unwrap_or(0), "selector": selector},
    })
}

pub(crate) fn with_replicas(old: &Value, scale: &Value) -> Value {
    let mut new = old.clone();
    if let Some(r) = scale["spec"]["replicas"].as_i64() {
        if !new["spec"].is_object() {
            new["spec"] = json!({});
        }
        new["spec"]["replicas"] = r.into();
    }
    new
}

pub(crate) fn with_status(old: &Value, body: &Value) -> Value {
    let mut new = old.clone();
    new["status"] = body["status"].clone();
    new
}

/// Sets the `status` a workload controller would report once a rollout has finished (all
/// replicas updated, ready and available; `observedGeneration` caught up), so that
/// `kubectl rollout status` and `--wait` loops see a finished rollout. There are no
/// controllers here; this stands in for them.
pub(crate) fn complete_rollout(group: &str, kind: &str, obj: &mut Value) {
    if group != "apps" {
        return;
    }
    let generation = obj["metadata"]["generation"].as_i64().unwrap_or(1);
    let replicas = obj["spec"]["replicas"].as_i64().unwrap_or(1);
    let now = super::clock::now_rfc3339();
    obj["status"] = match kind {
        "Deployment" => json!({
            "observedGeneration": generation, "replicas": replicas, "updatedReplicas": replicas,
            "readyReplicas": replicas, "availableReplicas": replicas,
            "conditions": [
                {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
                 "message": "Deployment has minimum availability.", "lastUpdateTime": now, "lastTransitionTime": now},
                {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
                 "message": "ReplicaSet has successfully progressed.", "lastUpdateTime": now, "lastTransitionTime": now},
            ],
        }),
        "StatefulSet" => json!({
            "observedGeneration": generation, "replicas": replicas, "readyReplicas": replicas,
            "currentReplicas": replicas, "updatedReplicas": replicas, "availableReplicas": replicas,
            "currentRevision": format!("rev-{generation}"), "updateRevision": format!("rev-{generation}"),
        }),
        "ReplicaSet" => json!({
            "observedGeneration": generation, "replicas": replicas, "fullyLabeledReplicas": replicas,
            "readyReplicas": replicas, "availableReplicas": replicas,
        }),
        "DaemonSet" => json!({
            "observedGeneration": generation, "desiredNumberScheduled": 1, "currentNumberScheduled": 1,
            "numberReady": 1, "updatedNumberScheduled": 1, "numberAvailable": 1, "numberMisscheduled": 0,
        }),
        _ => return,
    };
}
