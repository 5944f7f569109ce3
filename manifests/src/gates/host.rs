//! `no-host-namespaces` (hostNetwork/hostPID/hostIPC) and `no-host-path` (hostPath volumes).

use serde_json::Value;

use super::run::{Obj, Sink};

pub(crate) fn no_host_namespaces(obj: &Obj<'_>, sink: &mut Sink<'_>) {
    let Some(pod) = obj.pod else { return };
    for field in ["hostNetwork", "hostPID", "hostIPC"] {
        if pod.spec.get(field).and_then(Value::as_bool) == Some(true) {
            sink.emit(
                format!(
                    "the pod shares the node's namespace: {}.{field} is true",
                    pod.path
                ),
                format!("set {}.{field}: false (or remove it)", pod.path),
            );
        }
    }
}

pub(crate) fn no_host_path(obj: &Obj<'_>, sink: &mut Sink<'_>) {
    let Some(pod) = obj.pod else { return };
    let Some(volumes) = pod.spec.get("volumes").and_then(Value::as_array) else {
        return;
    };
    for (i, v) in volumes.iter().enumerate() {
        let Some(host_path) = v.get("hostPath") else {
            continue;
        };
        let name = v.get("name").and_then(Value::as_str).unwrap_or("?");
        let path = host_path.get("path").and_then(Value::as_str).unwrap_or("?");
        sink.emit(
            format!(
                "volume \"{name}\" ({}.volumes[{i}]) mounts the node's {path} (hostPath)",
                pod.path
            ),
            format!(
                "replace {}.volumes[{i}].hostPath with an emptyDir, configMap, secret or \
                 persistentVolumeClaim volume",
                pod.path
            ),
        );
    }
}
