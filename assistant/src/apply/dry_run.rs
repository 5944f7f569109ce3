//! Server-side dry-run: each object applied with `dryRun=All` (nothing is stored), next to the
//! live object, so the diff shows exactly what the server would make of it.

use serde_json::Value;

use super::order::apply_order;
use super::target::{Target, apply_params};
use crate::cluster::{Cluster, ClusterError, ObjectRef};

/// The dry-run of one object.
#[derive(Debug)]
pub struct DryRun {
    /// The object (namespace filled in).
    pub object: ObjectRef,
    /// The live object, `None` when it does not exist yet (or could not be read).
    pub live: Option<Value>,
    /// What the server would store, or why it refused.
    pub result: Result<Value, ClusterError>,
}

/// Dry-runs every manifest, in apply order. Failures do not stop the others: the person sees
/// every problem at once.
pub async fn dry_run(cluster: &Cluster, manifests: &[Value]) -> Vec<DryRun> {
    let mut out = Vec::with_capacity(manifests.len());
    let params = apply_params(false, true);
    for i in apply_order(manifests) {
        let manifest = &manifests[i];
        let target = match Target::resolve(cluster, manifest).await {
            Ok(t) => t,
            Err(e) => {
                out.push(DryRun {
                    object: ObjectRef::of(manifest),
                    live: None,
                    result: Err(e),
                });
                continue;
            }
        };
        let (live, result) = match target.live().await {
            Ok(live) => (live, target.apply(manifest, &params).await),
            Err(e) => (None, Err(e)),
        };
        out.push(DryRun {
            object: target.object,
            live,
            result,
        });
    }
    out
}
