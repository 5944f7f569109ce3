//! `probes-set`: long-running workloads have liveness and readiness probes.
//!
//! Applies to Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers and
//! bare Pods that restart (a Pod with `restartPolicy: Never` or `OnFailure` runs to completion,
//! like a Job, and needs none). Init and ephemeral containers cannot have probes.

use serde_json::Value;

use super::catalogue::Sink;
use super::pod_spec::{REGULAR_CONTAINERS, kind, pod_spec};

pub(crate) fn check(object: &Value, liveness: bool, readiness: bool, sink: &mut Sink<'_>) {
    let Some(pod) = pod_spec(object) else { return };
    if kind(object) == "Pod"
        && matches!(
            pod.spec.get("restartPolicy").and_then(Value::as_str),
            Some("Never" | "OnFailure")
        )
    {
        return;
    }
    for c in pod.containers(REGULAR_CONTAINERS) {
        let mut missing = Vec::new();
        if liveness && c.value.get("livenessProbe").is_none_or(Value::is_null) {
            missing.push("livenessProbe");
        }
        if readiness && c.value.get("readinessProbe").is_none_or(Value::is_null) {
            missing.push("readinessProbe");
        }
        if missing.is_empty() {
            continue;
        }
        let path = c.path();
        let port = c
            .value
            .get("ports")
            .and_then(|p| p.get(0))
            .and_then(|p| p.get("containerPort"))
            .and_then(Value::as_u64);
        let how = match port {
            Some(port) => format!("{{tcpSocket: {{port: {port}}}}} (or httpGet on a health endpoint)"),
            None => "{exec: {command: [<health check command>]}} (or httpGet/tcpSocket on a served port)".to_owned(),
        };
        let fixes: Vec<String> = missing
            .iter()
            .map(|m| format!("{path}.{m}: {how}"))
            .collect();
        sink.emit(
            format!("{} has no {}", c.describe(), missing.join(" and ")),
            format!("set {}", fixes.join(" and ")),
        );
    }
}
