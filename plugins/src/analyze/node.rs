//! Nodes: not ready, under pressure, network unavailable, cordoned.

use k8s_openapi::api::core::v1::{Node, NodeCondition};

use super::finding::{Finding, ObjectRef, Severity};
use super::{Cx, Findings, docs, events};

/// Analyzes every node.
pub fn analyze(cx: &Cx, out: &mut Findings) {
    for node in &cx.snap.nodes {
        check(cx, node, out);
    }
}

fn condition_evidence(c: &NodeCondition) -> (String, String) {
    (
        format!("status.conditions[{}]", c.type_),
        format!(
            "status={} reason={} message={:?}",
            c.status,
            c.reason.as_deref().unwrap_or_default(),
            c.message.as_deref().unwrap_or_default()
        ),
    )
}

fn check(cx: &Cx, node: &Node, out: &mut Findings) {
    let name = node.metadata.name.as_deref().unwrap_or_default();
    let object = || ObjectRef::cluster("Node", name);
    let conditions = node
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_deref())
        .unwrap_or_default();
    let node_events = cx.index.events("Node", "", name);
    if let Some(ready) = conditions.iter().find(|c| c.type_ == "Ready")
        && ready.status != "True"
    {
        let unknown = ready.status == "Unknown";
        let (src, text) = condition_evidence(ready);
        out.push(
            Finding::new(
                "node.not-ready",
                Severity::Critical,
                object(),
                format!("Node {name} is not ready"),
                if unknown {
                    "The kubelet on the node stopped reporting (the node is down, unreachable, or \
                     its kubelet is not running); its pods are evicted after the toleration \
                     period and nothing new is scheduled there."
                } else {
                    "The kubelet reports the node not ready (often the container runtime or \
                     the network plugin is not working); nothing new is scheduled there."
                },
                docs::NODE,
            )
            .evidence(src, text)
            .with_evidence(events::quoted(node_events, &["NodeNotReady"], 2)),
        );
    }
    let pressure: Vec<&NodeCondition> = conditions
        .iter()
        .filter(|c| {
            matches!(
                c.type_.as_str(),
                "MemoryPressure" | "DiskPressure" | "PIDPressure"
            ) && c.status == "True"
        })
        .collect();
    if !pressure.is_empty() {
        let kinds: Vec<&str> = pressure.iter().map(|c| c.type_.as_str()).collect();
        let mut f = Finding::new(
            "node.pressure",
            Severity::Warning,
            object(),
            format!("Node {name} is under {}", kinds.join(", ")),
            "The kubelet is short of memory, disk or process IDs: it evicts pods to reclaim \
             them and the scheduler avoids the node until the pressure is gone.",
            docs::EVICTION,
        );
        for c in pressure {
            let (src, text) = condition_evidence(c);
            f = f.evidence(src, text);
        }
        out.push(f.with_evidence(events::quoted(
            node_events,
            &[
                "EvictionThresholdMet",
                "FreeDiskSpaceFailed",
                "ImageGCFailed",
            ],
            2,
        )));
    }
    if let Some(net) = conditions
        .iter()
        .find(|c| c.type_ == "NetworkUnavailable" && c.status == "True")
    {
        let (src, text) = condition_evidence(net);
        out.push(
            Finding::new(
                "node.network-unavailable",
                Severity::Error,
                object(),
                format!("Node {name} has no pod network"),
                "The network plugin has not configured the node's network: pods there cannot \
                 reach anything.",
                docs::NODE,
            )
            .evidence(src, text),
        );
    }
    if node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
        out.push(
            Finding::new(
                "node.cordoned",
                Severity::Warning,
                object(),
                format!("Node {name} is cordoned"),
                "The node is marked unschedulable (kubectl cordon or drain): running pods \
                 stay, new ones go elsewhere. Uncordon it when the maintenance is done.",
                docs::DRAIN,
            )
            .evidence("spec.unschedulable", "true"),
        );
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::analyze::Severity;
    use crate::analyze::fixtures::{event, ids, node, one, run, text, with};

    #[test]
    fn a_ready_node_yields_nothing() {
        assert!(run(vec![node("n1")]).is_empty());
    }

    #[test]
    fn not_ready_pressure_and_cordon_are_reported() {
        let sick = with(
            node("n1"),
            json!({"spec": {"unschedulable": true}, "status": {"conditions": [
                {"type": "Ready", "status": "Unknown", "reason": "NodeStatusUnknown",
                 "message": "Kubelet stopped posting node status."},
                {"type": "MemoryPressure", "status": "True", "reason": "KubeletHasInsufficientMemory"},
                {"type": "DiskPressure", "status": "False"}
            ]}}),
        );
        let f = run(vec![
            sick,
            event(
                "Node",
                "",
                "n1",
                "Normal",
                "NodeNotReady",
                "Node n1 status is now: NodeNotReady",
                3,
            ),
        ]);
        assert_eq!(
            ids(&f),
            ["node.not-ready", "node.cordoned", "node.pressure"]
        );
        let nr = one(&f, "node.not-ready");
        assert_eq!(nr.severity, Severity::Critical);
        assert!(text(nr).contains("Kubelet stopped posting"), "{}", text(nr));
        assert!(
            text(nr).contains("event Normal NodeNotReady (x3)"),
            "{}",
            text(nr)
        );
        assert!(one(&f, "node.pressure").title.contains("MemoryPressure"));
    }
}
