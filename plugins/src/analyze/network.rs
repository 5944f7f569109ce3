//! NetworkPolicies whose pod selector selects no pod in a namespace that has pods: the policy
//! protects nothing (often a label typo).

use super::finding::{Finding, ObjectRef, Severity};
use super::snapshot::Kind;
use super::{Cx, Findings, docs};

/// Analyzes every NetworkPolicy.
pub fn analyze(cx: &Cx, out: &mut Findings) {
    if !cx.snap.was_listed(Kind::Pod) {
        return;
    }
    for np in &cx.snap.network_policies {
        let (ns, name) = super::index::ns_name(&np.metadata);
        let Some(selector) = np.spec.as_ref().and_then(|s| s.pod_selector.as_ref()) else {
            continue;
        };
        let empty = selector.match_labels.as_ref().is_none_or(|m| m.is_empty())
            && selector
                .match_expressions
                .as_ref()
                .is_none_or(|e| e.is_empty());
        if empty || cx.index.pods_in(ns).is_empty() {
            continue; // selects every pod, or the namespace runs nothing yet
        }
        if !cx.index.pods_selected(ns, selector).is_empty() {
            continue;
        }
        let wanted: Vec<String> = selector
            .match_labels
            .iter()
            .flatten()
            .map(|(k, v)| format!("{k}={v}"))
            .chain(selector.match_expressions.iter().flatten().map(|e| {
                format!(
                    "{} {} {:?}",
                    e.key,
                    e.operator,
                    e.values.as_deref().unwrap_or_default()
                )
            }))
            .collect();
        out.push(
            Finding::new(
                "networkpolicy.selects-nothing",
                Severity::Warning,
                ObjectRef::namespaced("NetworkPolicy", ns, name),
                format!("NetworkPolicy {name} selects no pods"),
                format!(
                    "Its podSelector ({}) matches no pod in namespace {ns}, so it restricts \
                     nothing: the pods it was meant to protect accept traffic the policy \
                     would deny. Check the labels against the pods'.",
                    wanted.join(", ")
                ),
                docs::NETWORK_POLICY,
            )
            .evidence("spec.podSelector", wanted.join(", ")),
        );
    }
}
