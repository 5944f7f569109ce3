//! `service-target-port`: a Service's named `targetPort` is declared by the containers of the
//! workloads it selects — among the objects checked together (a proposal, or the files given to
//! `shipmate validate`). When no checked workload matches the selector, the gate cannot judge and
//! stays silent.

use serde_json::Value;

use super::catalogue::Sink;
use super::pod_spec::{PodSpec, REGULAR_CONTAINERS, namespace, pod_spec};
use super::selectors::map_matches;

/// One workload of the checked set.
pub(crate) struct Workload<'a> {
    namespace: &'a str,
    display: String,
    pod: PodSpec<'a>,
}

/// The workloads of the checked set, built once per `check` call when a Service needs them.
pub(crate) struct WorkloadIndex<'a> {
    workloads: Vec<Workload<'a>>,
}

impl<'a> WorkloadIndex<'a> {
    pub fn new(objects: &[&'a Value]) -> Self {
        let workloads = objects
            .iter()
            .filter_map(|o| {
                let pod = pod_spec(o)?;
                Some(Workload {
                    namespace: namespace(o).unwrap_or("default"),
                    display: crate::document::object_ref(o),
                    pod,
                })
            })
            .collect();
        WorkloadIndex { workloads }
    }
}

pub(crate) fn check(object: &Value, index: &WorkloadIndex<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = object.get("spec") else {
        return;
    };
    let Some(selector) = spec.get("selector").and_then(Value::as_object) else {
        return;
    };
    if selector.is_empty() {
        return;
    }
    let Some(ports) = spec.get("ports").and_then(Value::as_array) else {
        return;
    };
    let ns = namespace(object).unwrap_or("default");
    let selected: Vec<&Workload<'_>> = index
        .workloads
        .iter()
        .filter(|w| w.namespace == ns && map_matches(selector, w.pod.labels))
        .collect();
    if selected.is_empty() {
        return;
    }
    for (i, port) in ports.iter().enumerate() {
        let Some(target) = port.get("targetPort").and_then(Value::as_str) else {
            continue;
        };
        if target.parse::<u16>().is_ok() {
            continue;
        }
        let declared = selected.iter().any(|w| {
            w.pod.containers(REGULAR_CONTAINERS).any(|c| {
                c.value
                    .get("ports")
                    .and_then(Value::as_array)
                    .is_some_and(|ps| {
                        ps.iter()
                            .any(|p| p.get("name").and_then(Value::as_str) == Some(target))
                    })
            })
        });
        if declared {
            continue;
        }
        let names: Vec<&str> = selected.iter().map(|w| w.display.as_str()).collect();
        let available: Vec<String> = selected
            .iter()
            .flat_map(|w| w.pod.containers(REGULAR_CONTAINERS))
            .flat_map(|c| {
                c.value
                    .get("ports")
                    .and_then(Value::as_array)
                    .map(|a| a.as_slice())
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|p| {
                        let port = match p.get("containerPort")? {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        Some(match p.get("name").and_then(Value::as_str) {
                            Some(n) => format!("{n} ({port})"),
                            None => port.to_string(),
                        })
                    })
            })
            .collect();
        let available = if available.is_empty() {
            "none".to_owned()
        } else {
            available.join(", ")
        };
        sink.emit(
            format!(
                "spec.ports[{i}].targetPort `{target}` names no container port of the selected \
                 workloads ({}); their ports: {available}",
                names.join(", ")
            ),
            format!(
                "set spec.ports[{i}].targetPort to a declared port name or number, or add \
                 `name: {target}` to the container port it should reach"
            ),
        );
    }
}
