//! PodDisruptionBudgets that allow no voluntary disruption: because the budget is as tight as
//! the workload (a fix loosens it by one pod), or because pods are unhealthy.

use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::json;

use super::finding::{Finding, ObjectRef, Severity};
use super::snapshot::Kind;
use super::{Cx, Findings, docs, fix};
use crate::proposal::Proposal;

/// Analyzes every PDB.
pub fn analyze(cx: &Cx, out: &mut Findings) {
    for pdb in &cx.snap.pdbs {
        check(cx, pdb, out);
    }
}

fn text(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

/// `value` of `total` pods (percentages round up, as the disruption controller does for both
/// minAvailable and maxUnavailable).
fn pods_of(value: &IntOrString, total: i32) -> i32 {
    match value {
        IntOrString::Int(n) => *n,
        IntOrString::String(s) => {
            let pct: f64 = s.trim_end_matches('%').parse().unwrap_or(0.0);
            let exact = f64::from(total) * pct / 100.0;
            // Saturating float-to-int conversion of a small, finite number of pods.
            #[allow(clippy::cast_possible_truncation)]
            let n = exact.ceil() as i32;
            n
        }
    }
}

fn check(cx: &Cx, pdb: &PodDisruptionBudget, out: &mut Findings) {
    let (ns, name) = super::index::ns_name(&pdb.metadata);
    let Some(spec) = pdb.spec.as_ref() else {
        return;
    };
    let status = pdb.status.as_ref();
    if status.is_none() && !cx.snap.was_listed(Kind::Pod) {
        return;
    }
    let expected = match status.and_then(|s| s.expected_pods) {
        Some(n) => n,
        None => spec.selector.as_ref().map_or(0, |sel| {
            i32::try_from(cx.index.pods_selected(ns, sel).len()).unwrap_or(i32::MAX)
        }),
    };
    if expected == 0 {
        return;
    }
    // The budget alone, with every pod healthy.
    let tight = match (&spec.min_available, &spec.max_unavailable) {
        (Some(min), _) => pods_of(min, expected) >= expected,
        (None, Some(max)) => pods_of(max, expected) <= 0,
        (None, None) => false,
    };
    let allowed = status.and_then(|s| s.disruptions_allowed);
    let healthy = status.and_then(|s| s.current_healthy);
    let desired = status.and_then(|s| s.desired_healthy);
    let setting = match (&spec.min_available, &spec.max_unavailable) {
        (Some(min), _) => format!("minAvailable: {}", text(min)),
        (None, Some(max)) => format!("maxUnavailable: {}", text(max)),
        (None, None) => String::new(),
    };
    let object = ObjectRef::namespaced("PodDisruptionBudget", ns, name);
    if tight {
        let f = Finding::new(
            "pdb.no-disruptions",
            Severity::Warning,
            object,
            format!(
                "PodDisruptionBudget {name} allows no disruption ({setting} of {expected} pods)"
            ),
            format!(
                "With {setting} and {expected} pod(s), no pod may ever be evicted voluntarily: \
                 node drains, cluster upgrades and autoscaler scale-downs block until someone \
                 intervenes. Allow at least one pod to be disrupted."
            ),
            docs::PDB,
        )
        .evidence("spec", setting.clone())
        .evidence("status.expectedPods", expected.to_string())
        .with_fix(loosen(pdb, &setting, expected));
        out.push(f);
    } else if allowed == Some(0)
        && let (Some(h), Some(d)) = (healthy, desired)
        && h < d
    {
        out.push(
            Finding::new(
                "pdb.no-disruptions",
                Severity::Warning,
                object,
                format!("PodDisruptionBudget {name} allows no disruption now ({h} of {expected} pods healthy)"),
                format!(
                    "The budget needs {d} healthy pod(s) but only {h} are, so no pod may be \
                     evicted until the unhealthy ones recover; drains and upgrades wait. The \
                     budget itself is fine: see the findings about the pods."
                ),
                docs::PDB,
            )
            .evidence("status", format!("currentHealthy={h} desiredHealthy={d} disruptionsAllowed=0")),
        );
    }
}

/// The PDB with one pod allowed to be disrupted.
fn loosen(pdb: &PodDisruptionBudget, setting: &str, expected: i32) -> Option<Proposal> {
    let (ns, name) = super::index::ns_name(&pdb.metadata);
    let mut manifest = fix::manifest_of(pdb)?;
    let spec = manifest.get_mut("spec")?.as_object_mut()?;
    let int_min = matches!(pdb.spec.as_ref()?.min_available, Some(IntOrString::Int(_)));
    spec.remove("minAvailable");
    spec.remove("maxUnavailable");
    let (new, why) = if int_min && expected >= 2 {
        spec.insert("minAvailable".into(), json!(expected - 1));
        (
            format!("minAvailable: {}", expected - 1),
            "one pod at a time can then be evicted while the others keep serving",
        )
    } else {
        spec.insert("maxUnavailable".into(), json!(1));
        (
            "maxUnavailable: 1".to_owned(),
            if expected >= 2 {
                "one pod at a time can then be evicted while the others keep serving"
            } else {
                "with a single replica an eviction means a short outage; run 2 or more \
                 replicas to avoid it"
            },
        )
    };
    Some(fix::proposal(
        format!("loosen pod disruption budget {name} in namespace {ns}"),
        format!(
            "Change PodDisruptionBudget {name} from {setting} to {new} ({expected} pods): {why}"
        ),
        vec![manifest],
    ))
}
