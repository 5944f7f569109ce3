//! HorizontalPodAutoscalers: a scale target that does not exist, a utilization metric over a
//! resource the target's containers do not request (with a fix adding the requests), metrics
//! that cannot be read, and autoscalers that cannot scale.

use k8s_openapi::api::autoscaling::v2::{
    HorizontalPodAutoscaler, HorizontalPodAutoscalerCondition,
};
use k8s_openapi::api::core::v1::PodTemplateSpec;

use super::finding::{Evidence, Finding, ObjectRef, Severity};
use super::snapshot::Kind;
use super::{Cx, Findings, docs, fix};
use crate::proposal::Proposal;
use shipmate_manifests::gates::parse_quantity;

/// Analyzes every HPA.
pub fn analyze(cx: &Cx, out: &mut Findings) {
    for hpa in &cx.snap.hpas {
        check(cx, hpa, out);
    }
}

fn condition_text(c: &HorizontalPodAutoscalerCondition) -> String {
    format!(
        "status={} reason={} message={:?}",
        c.status,
        c.reason.as_deref().unwrap_or_default(),
        c.message.as_deref().unwrap_or_default()
    )
}

/// The pod template of the scale target, when the target is known and was listed.
fn target_template<'a>(
    cx: &Cx<'a>,
    ns: &str,
    kind: &str,
    name: &str,
) -> Result<Option<&'a PodTemplateSpec>, ()> {
    let key = (ns, name);
    let (listed, found) = match kind {
        "Deployment" => (
            cx.snap.was_listed(Kind::Deployment),
            cx.index.deployments.get(&key).map(|d| &d.spec.template),
        ),
        "StatefulSet" => (
            cx.snap.was_listed(Kind::StatefulSet),
            cx.index.stateful_sets.get(&key).map(|d| &d.spec.template),
        ),
        "ReplicaSet" => (
            cx.snap.was_listed(Kind::ReplicaSet),
            cx.index
                .replica_sets
                .get(&key)
                .and_then(|d| d.spec.template.as_ref()),
        ),
        _ => return Ok(None), // custom scale targets are not looked up
    };
    match found {
        Some(t) => Ok(Some(t)),
        None if listed => Err(()),
        None => Ok(None),
    }
}

fn check(cx: &Cx, hpa: &HorizontalPodAutoscaler, out: &mut Findings) {
    let (ns, name) = super::index::ns_name(&hpa.metadata);
    let object = || ObjectRef::namespaced("HorizontalPodAutoscaler", ns, name);
    let target = &hpa.spec.scale_target_ref;
    let conditions = hpa
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_deref())
        .unwrap_or_default();
    let failing = |t: &str| {
        conditions
            .iter()
            .find(|c| c.type_ == t && c.status == "False")
    };
    let template =
        match target_template(cx, ns, &target.kind, &target.name) {
            Ok(t) => t,
            Err(()) => {
                out.push(
                    Finding::new(
                        "hpa.missing-target",
                        Severity::Error,
                        object(),
                        format!(
                            "HorizontalPodAutoscaler {name} scales {} {}, which does not exist",
                            target.kind, target.name
                        ),
                        format!(
                            "The scale target {} {} does not exist in namespace {ns}, so the \
                         autoscaler does nothing. Fix spec.scaleTargetRef or delete the \
                         autoscaler.",
                            target.kind, target.name
                        ),
                        docs::HPA,
                    )
                    .evidence(
                        "spec.scaleTargetRef",
                        format!("{}/{}", target.kind, target.name),
                    )
                    .with_evidence(failing("AbleToScale").map(|c| {
                        Evidence::new("status.conditions[AbleToScale]", condition_text(c))
                    })),
                );
                return;
            }
        };
    let mut explained = false;
    if let Some(template) = template {
        // Utilization needs requests: per resource, the containers that do not set one.
        // Without metrics, an autoscaler scales on 80% average CPU utilization.
        let mut metrics: Vec<(&str, Option<&str>, &str)> = hpa
            .spec
            .metrics
            .iter()
            .flatten()
            .filter_map(|m| match (&m.resource, &m.container_resource) {
                (Some(r), _) => Some((r.name.as_str(), None, r.target.type_.as_str())),
                (_, Some(c)) => Some((
                    c.name.as_str(),
                    Some(c.container.as_str()),
                    c.target.type_.as_str(),
                )),
                _ => None,
            })
            .collect();
        if hpa.spec.metrics.as_ref().is_none_or(Vec::is_empty) {
            metrics.push(("cpu", None, "Utilization"));
        }
        for (resource, only, target_type) in metrics {
            if target_type != "Utilization" {
                continue;
            }
            let lacking: Vec<&str> = template
                .spec
                .iter()
                .flat_map(|s| s.containers.iter())
                .filter(|c| only.is_none_or(|o| o == c.name))
                .filter(|c| {
                    c.resources
                        .as_ref()
                        .and_then(|r| r.requests.as_ref())
                        .is_none_or(|r| !r.contains_key(resource))
                })
                .map(|c| c.name.as_str())
                .collect();
            if lacking.is_empty() {
                continue;
            }
            explained = true;
            let fix = requests_fix(cx, ns, &target.kind, &target.name, resource, &lacking);
            out.push(
                Finding::new(
                    "hpa.missing-requests",
                    Severity::Error,
                    object(),
                    format!(
                        "HorizontalPodAutoscaler {name} scales on {resource} utilization, but \
                         {} {} sets no {resource} request",
                        target.kind, target.name
                    ),
                    format!(
                        "Utilization is usage divided by the request; container(s) {} of {} {} \
                         request no {resource}, so the autoscaler cannot compute it and does \
                         not scale. Add {resource} requests to them.",
                        lacking.join(", "),
                        target.kind,
                        target.name
                    ),
                    docs::HPA,
                )
                .evidence(
                    format!(
                        "{} {} containers without requests.{resource}",
                        target.kind, target.name
                    ),
                    lacking.join(", "),
                )
                .with_evidence(
                    failing("ScalingActive").map(|c| {
                        Evidence::new("status.conditions[ScalingActive]", condition_text(c))
                    }),
                )
                .with_fix(fix),
            );
        }
    }
    // `ScalingDisabled`: the target is scaled to zero on purpose.
    if !explained
        && let Some(c) = failing("ScalingActive")
        && c.reason.as_deref() != Some("ScalingDisabled")
    {
        out.push(
            Finding::new(
                "hpa.metrics-unavailable",
                Severity::Warning,
                object(),
                format!("HorizontalPodAutoscaler {name} cannot read its metrics"),
                "The autoscaler cannot get the metrics it scales on, so it holds the replica \
                 count: the metrics API is not installed or not ready (metrics-server for \
                 cpu/memory, an adapter for custom and external metrics), or the pods report \
                 no metrics yet.",
                docs::HPA,
            )
            .evidence("status.conditions[ScalingActive]", condition_text(c)),
        );
    }
    if let Some(c) = failing("AbleToScale") {
        out.push(
            Finding::new(
                "hpa.cannot-scale",
                Severity::Warning,
                object(),
                format!("HorizontalPodAutoscaler {name} cannot scale its target"),
                "The autoscaler cannot read or update the target's scale subresource (the \
                 message says why).",
                docs::HPA,
            )
            .evidence("status.conditions[AbleToScale]", condition_text(c)),
        );
    }
}

/// Adds `resource` requests (the constitution's defaults) to `containers` of the target.
fn requests_fix(
    cx: &Cx,
    ns: &str,
    kind: &str,
    name: &str,
    resource: &str,
    containers: &[&str],
) -> Option<Proposal> {
    let amount = match resource {
        "cpu" => cx.defaults.requests.cpu.as_str(),
        "memory" => cx.defaults.requests.memory.as_str(),
        _ => return None,
    };
    let mut manifest = fix::workload_manifest(cx, ns, kind, name)?;
    for c in containers {
        let container = fix::container_mut(&mut manifest, c)?;
        // A request may not exceed the limit: a lower limit is the request then.
        let limit = container["resources"]["limits"][resource]
            .as_str()
            .map(str::to_owned);
        let request = match limit {
            Some(l) if parse_quantity(&l) < parse_quantity(amount) => l,
            _ => amount.to_owned(),
        };
        fix::set_resource(container, "requests", resource, &request);
    }
    Some(fix::proposal(
        format!("add {resource} requests to {kind} {name} in namespace {ns}"),
        format!(
            "Add a {resource} request of {amount} (the constitution's default; adjust it to the \
             real usage) to container(s) {} of {kind} {name}, so its autoscaler can compute \
             {resource} utilization",
            containers.join(", ")
        ),
        vec![manifest],
    ))
}
