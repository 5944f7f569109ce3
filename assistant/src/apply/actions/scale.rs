//! The native `kubectl scale`: a merge patch of the `scale` subresource, recording the replica
//! count it replaced (for undo).

use kube::api::{Patch, PatchParams};
use serde_json::json;

use super::applier::{Applier, Failed};
use super::target::Target;
use crate::cluster::{ClusterError, ObjectRef};

/// A scale that was done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scaled {
    /// The workload (namespace filled in).
    pub object: ObjectRef,
    /// The replica count before (what undo restores).
    pub prior_replicas: i32,
    /// The replica count the server now has as desired.
    pub replicas: i32,
}

impl Applier<'_> {
    /// Sets the replicas of a Deployment, StatefulSet, ReplicaSet or any resource with a scale
    /// subresource, as `kubectl scale` does; `dry_run` sends `dryRun=All`.
    ///
    /// # Errors
    /// A [`Failed`] naming the object: unknown kind, not found, 403, no scale subresource, …
    pub async fn scale(
        &self,
        object: &ObjectRef,
        replicas: i32,
        dry_run: bool,
    ) -> Result<Scaled, Failed> {
        let manifest = json!({
            "apiVersion": object.api_version, "kind": object.kind,
            "metadata": {"name": object.name, "namespace": object.namespace},
        });
        let fail = |object: ObjectRef, error: ClusterError| Failed {
            object,
            error,
            prior: None,
            outcome_unknown: false,
        };
        let target = Target::resolve(self.cluster(), &manifest)
            .await
            .map_err(|e| fail(object.clone(), e))?;
        let before = target
            .api()
            .get_scale(&target.object.name)
            .await
            .map_err(|e| {
                fail(
                    target.object.clone(),
                    ClusterError::from_kube(e, &target.op("get")),
                )
            })?;
        let mut params = PatchParams {
            field_manager: Some(super::FIELD_MANAGER.into()),
            ..PatchParams::default()
        };
        params.dry_run = dry_run;
        let patch = Patch::Merge(json!({"spec": {"replicas": replicas}}));
        let after = target
            .api()
            .patch_scale(&target.object.name, &params, &patch)
            .await
            .map_err(|e| {
                let unknown = !dry_run && !matches!(e, kube::Error::Api(_));
                Failed {
                    object: target.object.clone(),
                    error: ClusterError::from_kube(e, &target.op("patch")),
                    prior: None,
                    outcome_unknown: unknown,
                }
            })?;
        let replicas_of = |s: &k8s_openapi::api::autoscaling::v1::Scale| {
            s.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0)
        };
        Ok(Scaled {
            object: target.object,
            prior_replicas: replicas_of(&before),
            replicas: replicas_of(&after),
        })
    }
}
