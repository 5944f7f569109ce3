//! Pending pods the scheduler cannot place: the reasons are read from its message
//! (`0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint …`) and said
//! in plain words, with the pod's own requests, selectors and claims alongside.

use k8s_openapi::api::core::v1::{Event, Pod};

use super::finding::{Finding, ObjectRef, Severity};
use super::pod_state::phase;
use super::{Cx, docs, events};

/// The finding for a pending pod the scheduler reported unschedulable; `None` otherwise.
pub fn check(cx: &Cx, pod: &Pod, object: &ObjectRef, pod_events: &[&Event]) -> Option<Finding> {
    if phase(pod) != "Pending" {
        return None;
    }
    let condition = pod
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_deref())
        .unwrap_or_default()
        .iter()
        .find(|c| c.type_ == "PodScheduled" && c.status == "False");
    let mut failed: Vec<&Event> = pod_events
        .iter()
        .copied()
        .filter(|e| events::reason(e) == "FailedScheduling")
        .collect();
    failed.sort_by(|a, b| a.last_timestamp.cmp(&b.last_timestamp));
    let message = condition
        .and_then(|c| c.message.as_deref())
        .filter(|m| !m.is_empty())
        .or_else(|| failed.last().map(|e| events::message(e)))?;
    let reasons = reasons(message);
    let ns = object.namespace.as_deref().unwrap_or_default();
    let mut words: Vec<String> = Vec::new();
    let mut docs_page = docs::SCHEDULING;
    let spec = pod.spec.as_ref();
    for r in &reasons {
        let lower = r.text.to_ascii_lowercase();
        let n = r
            .nodes
            .map(|n| format!("{n} node(s): "))
            .unwrap_or_default();
        if let Some(res) = lower.strip_prefix("insufficient ") {
            let asked = requested(pod, res);
            words.push(format!(
                "{n}not enough free {res} for the pod's requests{asked}; lower the requests, \
                 free capacity or add nodes"
            ));
            docs_page = docs::RESOURCES;
        } else if lower.contains("taint") {
            words.push(format!(
                "{n}a taint the pod does not tolerate ({}); add a toleration or schedule \
                 elsewhere",
                r.text
            ));
            docs_page = docs::TAINTS;
        } else if lower.contains("affinity/selector") || lower.contains("node affinity") {
            let selector = spec
                .and_then(|s| s.node_selector.as_ref())
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .filter(|s| !s.is_empty())
                .map(|s| format!(" (nodeSelector {s})"))
                .unwrap_or_default();
            words.push(format!(
                "{n}the pod's node selector or node affinity matches no such node{selector}; \
                 fix the selector or label a node"
            ));
            docs_page = docs::AFFINITY;
        } else if lower.contains("unbound") && lower.contains("persistentvolumeclaim") {
            words.push(format!(
                "its PersistentVolumeClaim(s) {} are not bound yet; see the claim's own \
                 finding",
                claims(cx, pod, ns)
            ));
            docs_page = docs::PV;
        } else if lower.contains("persistentvolumeclaim") && lower.contains("not found") {
            words.push(format!("{}; create the claim or fix its name", r.text));
            docs_page = docs::PV;
        } else if lower.contains("unschedulable") {
            words.push(format!("{n}cordoned (marked unschedulable)"));
        } else if lower.contains("anti-affinity") || lower.contains("pod affinity") {
            words.push(format!(
                "{n}the pod's (anti-)affinity rules rule them out; with required \
                 anti-affinity, one node per replica is needed"
            ));
            docs_page = docs::AFFINITY;
        } else if lower.contains("free ports") {
            words.push(format!("{n}the requested hostPort is already in use"));
        } else if lower.contains("too many pods") {
            words.push(format!("{n}the node's pod limit is reached"));
        } else {
            words.push(format!("{n}{}", r.text));
        }
    }
    if words.is_empty() {
        words.push(message.to_owned());
    }
    let cause = format!(
        "The scheduler finds no node for the pod: {}.",
        words.join("; ")
    );
    let mut f = Finding::new(
        "pod.unschedulable",
        Severity::Error,
        object.clone(),
        format!("Pod {} cannot be scheduled", object.name),
        cause,
        docs_page,
    );
    if let Some(c) = condition {
        f = f.evidence(
            "status.conditions[PodScheduled]",
            format!(
                "reason={} message={:?}",
                c.reason.as_deref().unwrap_or_default(),
                c.message.as_deref().unwrap_or_default()
            ),
        );
    }
    Some(f.with_evidence(failed.last().map(|e| events::evidence(e))))
}

/// One reason of a scheduler message, with the number of nodes it applies to.
#[derive(Debug, PartialEq, Eq)]
pub struct Reason {
    /// `Some(n)` for `n node(s) …`/`n Insufficient cpu`.
    pub nodes: Option<u32>,
    /// The reason's words.
    pub text: String,
}

/// Splits `0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had …. preemption: …`
/// into its reasons (the preemption part is dropped).
pub fn reasons(message: &str) -> Vec<Reason> {
    let main = message.split(" preemption:").next().unwrap_or(message);
    let body = match main.split_once("are available: ") {
        Some((_, rest)) => rest,
        None => main,
    };
    let body = body.trim().trim_end_matches('.');
    // Taints are written `{key: value}` and may contain `, `: split outside braces only.
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, ch) in body.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&body[start..]);
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (n, rest) = p.split_once(' ').unwrap_or((p, ""));
            match n.parse::<u32>() {
                Ok(n) => Reason {
                    nodes: Some(n),
                    text: rest.trim_start_matches("node(s) ").to_owned(),
                },
                Err(_) => Reason {
                    nodes: None,
                    text: p.to_owned(),
                },
            }
        })
        .collect()
}

/// ` (requests: api 2 cpu, worker 500m cpu)` for `resource` (`cpu`, `memory`, …).
fn requested(pod: &Pod, resource: &str) -> String {
    let asks: Vec<String> = pod
        .spec
        .iter()
        .flat_map(|s| s.containers.iter())
        .filter_map(|c| {
            let q = c.resources.as_ref()?.requests.as_ref()?.get(resource)?;
            Some(format!("{} {} {resource}", c.name, q.0))
        })
        .collect();
    if asks.is_empty() {
        String::new()
    } else {
        format!(" (requests: {})", asks.join(", "))
    }
}

/// The pod's claims, with their phase when known.
fn claims(cx: &Cx, pod: &Pod, ns: &str) -> String {
    let names: Vec<String> = pod
        .spec
        .iter()
        .flat_map(|s| s.volumes.iter().flatten())
        .filter_map(|v| v.persistent_volume_claim.as_ref())
        .map(|c| {
            let phase = cx
                .index
                .pvcs
                .get(&(ns, c.claim_name.as_str()))
                .and_then(|p| p.status.as_ref()?.phase.clone());
            match phase {
                Some(p) => format!("{} ({p})", c.claim_name),
                None => c.claim_name.clone(),
            }
        })
        .collect();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheduler_messages_split_into_reasons() {
        let r = reasons(
            "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint \
             {node-role.kubernetes.io/control-plane: }, 1 node(s) didn't match Pod's node \
             affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not \
             helpful for scheduling.",
        );
        assert_eq!(
            r,
            [
                Reason {
                    nodes: Some(1),
                    text: "Insufficient cpu".into()
                },
                Reason {
                    nodes: Some(1),
                    text: "had untolerated taint {node-role.kubernetes.io/control-plane: }".into()
                },
                Reason {
                    nodes: Some(1),
                    text: "didn't match Pod's node affinity/selector".into()
                },
            ]
        );
        let r =
            reasons("0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims.");
        assert_eq!(r[0].nodes, None);
        assert!(r[0].text.contains("unbound immediate"));
    }
}
