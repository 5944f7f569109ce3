//! `probes-set`: long-running workloads have liveness and readiness probes.
//!
//! Applies to Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers and
//! bare Pods that restart (a Pod with `restartPolicy: Never` or `OnFailure` runs to completion,
//! like a Job, and needs none). Init and ephemeral containers cannot have probes.

use serde_json::Value;

use super::pod_spec::REGULAR_CONTAINERS;
use super::run::{Obj, Sink};

pub(crate) fn check(obj: &Obj<'_>, liveness: bool, readiness: bool, sink: &mut Sink<'_>) {
    let Some(pod) = obj.pod else { return };
    if obj.kind == "Pod"
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
        let what = match missing.as_slice() {
            [one] => format!("has no {one}"),
            _ => format!("has neither {}", missing.join(" nor ")),
        };
        sink.emit(
            format!("{} {what}", c.describe()),
            format!("set {}", fixes.join(" and ")),
        );
    }
}
