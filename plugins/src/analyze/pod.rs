//! Pods: container states (crash loops, image pulls, configuration errors, OOM kills,
//! non-zero exits), failing probes, evictions and scheduling (in [`super::pod_schedule`]).
//!
//! One finding per container and cause. Replicas of one workload failing the same way become
//! one finding about the first of them (by name), naming the others: the cause is the same,
//! and a thousand identical findings would hide the one that differs.

use std::collections::HashMap;

use k8s_openapi::api::core::v1::Pod;

use super::finding::{Evidence, Finding, ObjectRef, Severity};
use super::owners::Root;
use super::pod_container::ContainerCx;
use super::pod_container::missing_config;
use super::pod_state::{container_statuses, phase};
use super::{Cx, Findings, docs, events, pod_schedule};

/// How many other affected pods a grouped finding names.
const MAX_NAMED_PEERS: usize = 10;

/// Analyzes every pod.
pub fn analyze(cx: &Cx, out: &mut Findings) {
    let mut pods: Vec<&Pod> = cx.snap.pods.iter().collect();
    pods.sort_by(|a, b| {
        (&a.metadata.namespace, &a.metadata.name).cmp(&(&b.metadata.namespace, &b.metadata.name))
    });
    // (namespace, workload, finding id, container) → position in `grouped`.
    let mut groups: HashMap<(String, Root, String, String), usize> = HashMap::new();
    let mut grouped: Vec<(Finding, Option<Root>, Vec<String>)> = Vec::new();
    for pod in pods {
        let root = cx.owners.root_of_pod(pod);
        let name = pod.metadata.name.as_deref().unwrap_or_default();
        for (container, finding) in check(cx, pod, root.as_ref(), out) {
            let ns = finding.object.namespace.clone().unwrap_or_default();
            match &root {
                Some(r) => {
                    let key = (ns, r.clone(), finding.id.clone(), container);
                    if let Some(&at) = groups.get(&key) {
                        grouped[at].2.push(name.to_owned());
                    } else {
                        groups.insert(key, grouped.len());
                        grouped.push((finding, Some(r.clone()), Vec::new()));
                    }
                }
                None => grouped.push((finding, None, Vec::new())),
            }
        }
    }
    for (mut finding, root, peers) in grouped {
        if let (Some(root), false) = (root, peers.is_empty()) {
            finding.title.push_str(&format!(
                " (and {} more pod{} of {} {})",
                peers.len(),
                if peers.len() == 1 { "" } else { "s" },
                root.kind,
                root.name
            ));
            let mut named: Vec<&str> = peers
                .iter()
                .take(MAX_NAMED_PEERS)
                .map(String::as_str)
                .collect();
            if peers.len() > MAX_NAMED_PEERS {
                named.push("…");
            }
            finding = finding.evidence("pods with the same problem", named.join(", "));
        }
        out.push(finding);
    }
}

/// The findings of one pod, each with the container it concerns ("" for the pod itself).
fn check(cx: &Cx, pod: &Pod, root: Option<&Root>, out: &mut Findings) -> Vec<(String, Finding)> {
    let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
    let name = pod.metadata.name.as_deref().unwrap_or_default();
    let object = ObjectRef::namespaced("Pod", ns, name);
    let pod_events = cx.index.events("Pod", ns, name);
    let status = pod.status.as_ref();
    let mut found = Vec::new();
    if phase(pod) == "Failed" && status.and_then(|s| s.reason.as_deref()) == Some("Evicted") {
        let message = status
            .and_then(|s| s.message.as_deref())
            .unwrap_or_default();
        found.push((
            String::new(),
            Finding::new(
                "pod.evicted",
                Severity::Warning,
                object,
                format!("Pod {name} was evicted"),
                "The kubelet evicted the pod to reclaim a resource its node ran short of \
                 (memory, disk or process IDs); pods using more than they request go first. \
                 Requests that match real usage make this less likely; the evicted pod stays \
                 listed until it is deleted.",
                docs::EVICTION,
            )
            .evidence("status.message", message),
        ));
        return found;
    }
    if let Some(f) = pod_schedule::check(cx, pod, &object, pod_events) {
        found.push((String::new(), f));
        return found;
    }
    for (field, cs) in container_statuses(pod) {
        let cx_c = ContainerCx {
            cx,
            pod,
            root,
            object: &object,
            field,
            status: cs,
            events: pod_events,
        };
        if let Some(f) = cx_c.check(out) {
            found.push((cs.name.clone(), f));
        }
    }
    if found.is_empty()
        && phase(pod) == "Pending"
        && let Some(f) = volume_mount(pod_events, root, &object, out)
    {
        found.push((String::new(), f));
    }
    found
}

/// A pod stuck creating its containers because a volume cannot be attached or mounted.
fn volume_mount(
    pod_events: &[&k8s_openapi::api::core::v1::Event],
    root: Option<&Root>,
    object: &ObjectRef,
    out: &mut Findings,
) -> Option<Finding> {
    let quoted = events::quoted(pod_events, &["FailedMount", "FailedAttachVolume"], 2);
    let first = quoted.first()?;
    // A missing ConfigMap/Secret volume is already reported where it is referenced.
    if let Some((kind, name, _)) = missing_config(&first.text) {
        let (owner_kind, owner_name) = match root {
            Some(r) => (r.kind.as_str(), r.name.as_str()),
            None => ("Pod", object.name.as_str()),
        };
        let needle = format!("{kind} {name}");
        if let Some(f) = out.find_mut(owner_kind, object.namespace.as_deref(), owner_name, |f| {
            f.id.starts_with("ref.") && f.title.contains(&needle)
        }) {
            f.evidence.extend(
                quoted
                    .into_iter()
                    .map(|e| Evidence::new(format!("pod {} {}", object.name, e.source), e.text)),
            );
            return None;
        }
    }
    Some(
        Finding::new(
            "pod.volume-mount",
            Severity::Error,
            object.clone(),
            format!("Pod {} cannot mount its volumes", object.name),
            "The kubelet cannot attach or mount a volume of the pod, so its containers are              never started: a claim bound to a volume in another zone or still attached to              another node (multi-attach), a missing Secret or ConfigMap, or a storage driver              error; the event says which.",
            docs::PV,
        )
        .with_evidence(quoted),
    )
}
