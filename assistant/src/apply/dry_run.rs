//! Server-side dry-run: each object applied with `dryRun=All` (nothing is stored), next to the
//! live object, so the diff shows exactly what the server would make of it.

use futures::StreamExt as _;
use kube::api::PatchParams;
use serde_json::Value;

use super::applier::ApplyOptions;
use super::target::{Target, apply_params};
use crate::cluster::{Cluster, ClusterError, ObjectRef};
use crate::order::apply_order;

/// The dry-run of one object.
#[derive(Debug)]
pub struct DryRun {
    /// The object (namespace filled in).
    pub object: ObjectRef,
    /// The live object, `None` when it does not exist yet (or could not be read).
    pub live: Option<Value>,
    /// What the server would store, or why it refused.
    pub result: Result<Value, ClusterError>,
    /// Whether the server checked this object. `false` when it depends on something the same
    /// plan creates first (its Namespace, or the CRD of its kind), which a dry run cannot
    /// store: then `result` is the manifest itself and the real apply is the first check.
    pub server_checked: bool,
}

/// Dry-runs every manifest with the options the real apply will have (`force`); results come
/// in apply order. Requests go out [`ApplyOptions::in_flight`] at a time (a dry run stores
/// nothing, so tiers do not matter). Failures do not stop the others: the person sees every
/// problem at once.
pub async fn dry_run(cluster: &Cluster, manifests: &[Value], opts: &ApplyOptions) -> Vec<DryRun> {
    let params = apply_params(opts.is_forced(), true);
    let params = &params;
    futures::stream::iter(apply_order(manifests))
        .map(|i| dry_run_one(cluster, manifests, &manifests[i], params))
        .buffered(opts.in_flight())
        .collect()
        .await
}

async fn dry_run_one(
    cluster: &Cluster,
    manifests: &[Value],
    manifest: &Value,
    params: &PatchParams,
) -> DryRun {
    let target = match Target::resolve(cluster, manifest).await {
        Ok(t) => t,
        Err(e) => {
            let object = ObjectRef::of(manifest);
            let pending =
                matches!(e, ClusterError::UnknownKind { .. }) && crd_in_plan(manifests, &object);
            return DryRun {
                result: if pending {
                    Ok(manifest.clone())
                } else {
                    Err(e)
                },
                server_checked: !pending,
                object,
                live: None,
            };
        }
    };
    // Both at once: a dry run stores nothing, so the read need not come first.
    let (live, result) = tokio::join!(target.live(), target.apply(manifest, params));
    let (live, mut result) = match live {
        Ok(live) => (live, result),
        Err(e) => (None, Err(e)),
    };
    let pending = live.is_none()
        && matches!(&result, Err(ClusterError::Api { code: 404, .. }))
        && namespace_in_plan(manifests, target.object.namespace.as_deref());
    if pending {
        let mut obj = manifest.clone();
        if let (Some(ns), Some(meta)) = (&target.object.namespace, obj["metadata"].as_object_mut())
        {
            meta.insert("namespace".into(), ns.clone().into());
        }
        result = Ok(obj);
    }
    DryRun {
        object: target.object,
        live,
        result,
        server_checked: !pending,
    }
}

/// Whether the plan creates Namespace `ns`.
fn namespace_in_plan(manifests: &[Value], ns: Option<&str>) -> bool {
    ns.is_some_and(|ns| {
        manifests
            .iter()
            .any(|m| m["kind"] == "Namespace" && m["metadata"]["name"] == ns)
    })
}

/// Whether the plan creates the CRD that defines `object`'s kind.
fn crd_in_plan(manifests: &[Value], object: &ObjectRef) -> bool {
    let group = object.api_version.split_once('/').map_or("", |(g, _)| g);
    manifests.iter().any(|m| {
        m["kind"] == "CustomResourceDefinition"
            && m["spec"]["group"] == group
            && m["spec"]["names"]["kind"] == object.kind.as_str()
    })
}
