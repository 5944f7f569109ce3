//! `service-target-port`: a Service's named `targetPort` is declared by the containers of the
//! workloads it selects — among the objects checked together (a proposal, or the files given to
//! `shipmate validate`). When no checked workload matches the selector, the gate cannot judge and
//! stays silent.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::pod_spec::{PodSpec, REGULAR_CONTAINERS, namespace, pod_spec};
use super::run::{Obj, Sink};
use super::selectors::map_matches;

/// One workload of the checked set.
pub(crate) struct Workload<'a> {
    value: &'a Value,
    pod: PodSpec<'a>,
}

/// The workloads of the checked set, indexed by `(namespace, label, value)` of their pod
/// template, built once per `check` call when a Service needs them.
pub(crate) struct WorkloadIndex<'a> {
    workloads: Vec<Workload<'a>>,
    by_label: HashMap<(&'a str, &'a str, &'a str), Vec<usize>>,
}

impl<'a> WorkloadIndex<'a> {
    pub fn new(objects: &[&'a Value]) -> Self {
        let mut workloads = Vec::new();
        let mut by_label: HashMap<_, Vec<usize>> = HashMap::new();
        for o in objects {
            let Some(pod) = pod_spec(o) else { continue };
            let ns = namespace(o).unwrap_or("default");
            for (k, v) in pod.labels.into_iter().flatten() {
                if let Some(v) = v.as_str() {
                    by_label
                        .entry((ns, k.as_str(), v))
                        .or_default()
                        .push(workloads.len());
                }
            }
            workloads.push(Workload { value: o, pod });
        }
        WorkloadIndex {
            workloads,
            by_label,
        }
    }

    /// Workloads in `ns` whose pod template labels match a Service `selector`.
    fn selected(&self, ns: &str, selector: &Map<String, Value>) -> Vec<&Workload<'a>> {
        let Some((k, v)) = selector.iter().next() else {
            return Vec::new();
        };
        let Some(v) = v.as_str() else {
            return Vec::new();
        };
        self.by_label
            .get(&(ns, k.as_str(), v))
            .into_iter()
            .flatten()
            .filter_map(|&i| self.workloads.get(i))
            .filter(|w| map_matches(selector, w.pod.labels))
            .collect()
    }
}

pub(crate) fn check(obj: &Obj<'_>, index: &WorkloadIndex<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = obj.value.get("spec") else {
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
    let ns = namespace(obj.value).unwrap_or("default");
    let selected = index.selected(ns, selector);
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
        let names: Vec<String> = selected
            .iter()
            .map(|w| crate::document::object_ref(w.value))
            .collect();
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
