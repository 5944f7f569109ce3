//! Small readers of pod status shared by the analyzers and the collector's log selection.

use k8s_openapi::api::core::v1::{ContainerStatus, Pod};

/// Every container status of a pod with the status field it came from (`containerStatuses`
/// or `initContainerStatuses`), init containers first.
pub fn container_statuses(pod: &Pod) -> impl Iterator<Item = (&'static str, &ContainerStatus)> {
    let status = pod.status.as_ref();
    let init = status
        .and_then(|s| s.init_container_statuses.as_deref())
        .unwrap_or_default()
        .iter()
        .map(|c| ("initContainerStatuses", c));
    let main = status
        .and_then(|s| s.container_statuses.as_deref())
        .unwrap_or_default()
        .iter()
        .map(|c| ("containerStatuses", c));
    init.chain(main)
}

/// Whether a container crash-loops or restarted after failing: the logs of its previous
/// instance say why.
pub fn is_crashing(status: &ContainerStatus) -> bool {
    let waiting = status
        .state
        .as_ref()
        .and_then(|s| s.waiting.as_ref())
        .and_then(|w| w.reason.as_deref());
    if waiting == Some("CrashLoopBackOff") {
        return true;
    }
    status.restart_count > 0
        && status
            .last_state
            .as_ref()
            .and_then(|s| s.terminated.as_ref())
            .is_some_and(|t| t.exit_code != 0)
}

/// The pod's phase (`Pending`, `Running`, `Succeeded`, `Failed`, `Unknown`).
pub fn phase(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("Unknown")
}

/// Whether the pod has finished (and so serves nothing and is not expected to).
pub fn is_terminal(pod: &Pod) -> bool {
    matches!(phase(pod), "Succeeded" | "Failed")
}

/// Whether the pod's `Ready` condition is true.
pub fn is_ready(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_deref())
        .unwrap_or_default()
        .iter()
        .any(|c| c.type_ == "Ready" && c.status == "True")
}
