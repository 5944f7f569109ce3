//! The native `kubectl scale`: a merge patch of the `scale` subresource, recording the replica
//! count it replaced (for undo).

use kube::api::Patch;
use serde_json::json;

use super::native::{outcome, patch_params, resolve, sent, unsent};
use super::ops::NativeOp;
use super::plan::NativeAction;
use super::{ActionError, ActionOptions, ActionOutcome, Prior};
use crate::apply::applier::Applier;
use crate::cluster::ClusterError;

impl Applier<'_> {
    /// Sets the replicas of a Deployment, StatefulSet, ReplicaSet or any resource with a scale
    /// subresource, as `kubectl scale` does. The outcome's prior is the replica count before;
    /// its result the `Scale` the server answered.
    pub(super) async fn scale(
        &self,
        action: &NativeAction,
        replicas: i32,
        argv: &[String],
        opts: &ActionOptions,
    ) -> Result<ActionOutcome, ActionError> {
        let target = resolve(self.cluster(), &action.object).await?;
        let before = target
            .api()
            .get_scale(&target.object.name)
            .await
            .map_err(|e| unsent(&target.object)(ClusterError::from_kube(e, &target.op("get"))))?;
        let patch = Patch::Merge(json!({"spec": {"replicas": replicas}}));
        let after = target
            .api()
            .patch_scale(&target.object.name, &patch_params(opts), &patch)
            .await
            .map_err(sent(&target, "patch", opts))?;
        let prior = before.spec.and_then(|s| s.replicas).unwrap_or(0);
        let result = serde_json::to_value(after).unwrap_or_default();
        let op = NativeOp::Scale { replicas };
        let prior = Some(Prior::Replicas(prior));
        Ok(outcome(argv, target.object, op, opts, prior, result))
    }
}
