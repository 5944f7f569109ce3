//! Fixes as proposals: manifests built from the live objects with the one change that fixes
//! the finding, applied like any other proposal (schema, gates, dry-run, diff, confirmation,
//! audit, undo).
//!
//! A fix to an existing object is the whole live object with server-set fields removed
//! (`status`, `uid`, `resourceVersion`, `managedFields`, the last-applied annotation…) and the
//! change made: the diff against the live object then shows exactly the change, and undo
//! restores the recorded object. The exception is a ConfigMap, whose values the collector may
//! have blanked: its fix carries only the keys it adds (server-side apply leaves the other keys
//! alone), so a blanked value is never written back.

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::Cx;
use crate::proposal::{Proposal, Status};
use crate::rules::NAME;

/// Marks a value the person must fill in; a fix never guesses a value.
pub const TODO: &str = "TODO: set this value";

/// Annotations that belong to controllers or to kubectl, never to a fix.
const FOREIGN_ANNOTATIONS: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/revision",
];

/// The manifest of a live object: serialised, with `status` and server-set metadata removed.
pub fn manifest_of<T: Serialize>(object: &T) -> Option<Value> {
    let mut v = serde_json::to_value(object).ok()?;
    let obj = v.as_object_mut()?;
    obj.remove("status");
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        for key in [
            "uid",
            "resourceVersion",
            "generation",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "managedFields",
            "selfLink",
            "ownerReferences",
        ] {
            meta.remove(key);
        }
        if let Some(ann) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
            for key in FOREIGN_ANNOTATIONS {
                ann.remove(*key);
            }
            if ann.is_empty() {
                meta.remove("annotations");
            }
        }
    }
    if let Some(m) = template_mut(&mut v)
        .and_then(|t| t.get_mut("metadata"))
        .and_then(Value::as_object_mut)
    {
        m.remove("creationTimestamp");
    }
    Some(v)
}

/// A `proposed` proposal of the rules backend carrying `manifests`.
pub fn proposal(request: String, summary: String, manifests: Vec<Value>) -> Proposal {
    let mut p = Proposal::new(NAME, &request, Status::Proposed, summary);
    p.manifests = manifests;
    p
}

/// The pod template of a workload manifest (`spec.template`, or the CronJob's
/// `spec.jobTemplate.spec.template`).
pub fn template_mut(workload: &mut Value) -> Option<&mut Value> {
    let is_cron = workload["kind"] == "CronJob";
    let spec = workload.get_mut("spec")?;
    let spec = if is_cron {
        spec.get_mut("jobTemplate")?.get_mut("spec")?
    } else {
        spec
    };
    spec.get_mut("template")
}

/// The container named `name` in a workload manifest's pod template.
pub fn container_mut<'v>(workload: &'v mut Value, name: &str) -> Option<&'v mut Value> {
    template_mut(workload)?
        .get_mut("spec")?
        .get_mut("containers")?
        .as_array_mut()?
        .iter_mut()
        .find(|c| c["name"] == name)
}

/// The live workload `kind`/`name` in `ns` as a manifest (Deployments, StatefulSets,
/// DaemonSets; the objects a person edits). When an autoscaler owns its replica count,
/// `spec.replicas` is left out so that applying the fix does not fight the autoscaler.
pub fn workload_manifest(cx: &Cx, ns: &str, kind: &str, name: &str) -> Option<Value> {
    let key = (ns, name);
    let mut manifest = match kind {
        "Deployment" => manifest_of(*cx.index.deployments.get(&key)?),
        "StatefulSet" => manifest_of(*cx.index.stateful_sets.get(&key)?),
        "DaemonSet" => manifest_of(*cx.index.daemon_sets.get(&key)?),
        _ => None,
    }?;
    let autoscaled = cx.snap.hpas.iter().any(|h| {
        h.metadata.namespace.as_deref() == Some(ns)
            && h.spec.scale_target_ref.kind == kind
            && h.spec.scale_target_ref.name == name
    });
    if autoscaled && let Some(spec) = manifest.get_mut("spec").and_then(Value::as_object_mut) {
        spec.remove("replicas");
    }
    Some(manifest)
}

/// Sets `resources.<section>.<resource>` of a container manifest.
pub fn set_resource(container: &mut Value, section: &str, resource: &str, value: &str) {
    let Some(c) = container.as_object_mut() else {
        return;
    };
    let resources = c
        .entry("resources")
        .or_insert_with(|| Value::Object(Map::new()));
    if !resources.is_object() {
        *resources = Value::Object(Map::new());
    }
    let section = resources
        .as_object_mut()
        .map(|r| r.entry(section).or_insert_with(|| json!({})));
    if let Some(Value::Object(s)) = section {
        s.insert(resource.to_owned(), json!(value));
    }
}

/// `bytes` grown by half and rounded up to a tidy size: multiples of 64Mi below 1Gi, of
/// 256Mi above. Written in `Gi` when whole, else `Mi`.
pub fn grown_memory(bytes: f64) -> String {
    const MI: f64 = 1024.0 * 1024.0;
    let target = (bytes * 1.5 / MI).ceil();
    let step = if target < 1024.0 { 64.0 } else { 256.0 };
    let mib = ((target / step).ceil() * step).max(step);
    if mib % 1024.0 == 0.0 {
        format!("{}Gi", mib / 1024.0)
    } else {
        format!("{mib}Mi")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_grows_by_half_to_tidy_sizes() {
        let mi = 1024.0 * 1024.0;
        assert_eq!(grown_memory(128.0 * mi), "192Mi");
        assert_eq!(grown_memory(100.0 * mi), "192Mi");
        assert_eq!(grown_memory(512.0 * mi), "768Mi");
        assert_eq!(grown_memory(1024.0 * mi), "1536Mi");
        assert_eq!(grown_memory(2048.0 * mi), "3Gi");
        assert_eq!(grown_memory(1.0), "64Mi");
    }

    #[test]
    fn live_objects_lose_server_fields() {
        let live = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "api", "namespace": "shop", "uid": "u", "resourceVersion": "7",
                "generation": 3, "creationTimestamp": "2024-01-01T00:00:00Z",
                "managedFields": [{}],
                "annotations": {"deployment.kubernetes.io/revision": "3"}},
            "spec": {"template": {"metadata": {"creationTimestamp": null}, "spec": {}}},
            "status": {"replicas": 1}
        });
        let m = manifest_of(&live).unwrap();
        assert_eq!(
            m,
            json!({
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "api", "namespace": "shop"},
                "spec": {"template": {"metadata": {}, "spec": {}}}
            })
        );
    }
}
