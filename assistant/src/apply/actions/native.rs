//! Native execution: read the live object (the prior state), compute the patch kubectl would
//! send, send it (or its dry run), and report both.

use kube::api::{DeleteParams, Patch, PatchParams, PostParams, PropagationPolicy};
use serde_json::Value;

use super::ops::NativeOp;
use super::plan::NativeAction;
use super::{ActionError, ActionOptions, ActionOutcome, How, Prior, keys, workload};
use crate::apply::FIELD_MANAGER;
use crate::apply::applier::Applier;
use crate::apply::target::Target;
use crate::clock::Utc;
use crate::cluster::{Cluster, ClusterError, ObjectRef};

/// Maps an error from a request that was never sent (resolving, reading).
pub(super) fn unsent(object: &ObjectRef) -> impl Fn(ClusterError) -> ActionError + '_ {
    move |e| ActionError::cluster(object, e, false)
}

/// Resolves `object` (kind → resource, namespace filled in) and reads it: the target to
/// send to and the live object, which is the prior state.
pub(super) async fn read<'c>(
    cluster: &'c Cluster,
    object: &ObjectRef,
) -> Result<(Target<'c>, Value), ActionError> {
    let target = resolve(cluster, object).await?;
    let live = target.get().await.map_err(unsent(&target.object))?;
    Ok((target, live))
}

/// Resolves `object` without reading it.
pub(super) async fn resolve<'c>(
    cluster: &'c Cluster,
    object: &ObjectRef,
) -> Result<Target<'c>, ActionError> {
    Target::of(cluster, object).await.map_err(unsent(object))
}

/// Maps an error from a mutating request: when no answer came back (not an API status), the
/// change may have been made.
pub(super) fn sent<'t>(
    target: &'t Target<'_>,
    verb: &'static str,
    opts: &ActionOptions,
) -> impl FnOnce(kube::Error) -> ActionError + 't {
    let dry_run = opts.is_dry_run();
    move |e| {
        let unknown = !dry_run && !matches!(e, kube::Error::Api(_));
        ActionError::cluster(
            &target.object,
            ClusterError::from_kube(e, &target.op(verb)),
            unknown,
        )
    }
}

/// Patch parameters: field manager `shipmate`, and the dry run if asked.
pub(super) fn patch_params(opts: &ActionOptions) -> PatchParams {
    PatchParams {
        field_manager: Some(FIELD_MANAGER.into()),
        dry_run: opts.is_dry_run(),
        ..PatchParams::default()
    }
}

/// Create/replace parameters: field manager `shipmate`, and the dry run if asked.
pub(super) fn post_params(opts: &ActionOptions) -> PostParams {
    PostParams {
        field_manager: Some(FIELD_MANAGER.into()),
        dry_run: opts.is_dry_run(),
    }
}

/// An outcome of a native operation.
pub(super) fn outcome(
    argv: &[String],
    object: ObjectRef,
    op: NativeOp,
    opts: &ActionOptions,
    prior: Option<Prior>,
    result: Value,
) -> ActionOutcome {
    ActionOutcome {
        argv: argv.to_vec(),
        object: Some(object),
        how: How::Native { op },
        dry_run: opts.is_dry_run(),
        prior,
        result: Some(result),
    }
}

impl Applier<'_> {
    /// Runs a native action (from [`plan_action`](super::plan_action)); `argv` is recorded in
    /// the outcome. The live object is read first and returned as the prior state.
    ///
    /// # Errors
    /// An [`ActionError`] naming the object: not found, forbidden, an unknown container, a
    /// value `--overwrite` would be needed for, a dropped connection (outcome unknown), …
    pub async fn run_native(
        &self,
        action: &NativeAction,
        argv: &[String],
        opts: &ActionOptions,
    ) -> Result<ActionOutcome, ActionError> {
        match &action.op {
            NativeOp::Scale { replicas } => self.scale(action, *replicas, argv, opts).await,
            NativeOp::Delete => self.delete(action, argv, opts).await,
            NativeOp::Restore { .. } | NativeOp::Create => Err(ActionError::CannotRun {
                argv: argv.to_vec(),
                reason: format!("{} is only done by undo", action.op),
            }),
            op => {
                let (target, live) = read(self.cluster(), &action.object).await?;
                let result = match patch_for(op, &target.object, &live)? {
                    Some(patch) => target
                        .patch(&patch, &patch_params(opts))
                        .await
                        .map_err(sent(&target, "patch", opts))?,
                    None => live.clone(),
                };
                let prior = Some(Prior::Object(live));
                Ok(outcome(
                    argv,
                    target.object,
                    op.clone(),
                    opts,
                    prior,
                    result,
                ))
            }
        }
    }

    /// `kubectl delete TYPE NAME`: background propagation, as kubectl's default cascade.
    async fn delete(
        &self,
        action: &NativeAction,
        argv: &[String],
        opts: &ActionOptions,
    ) -> Result<ActionOutcome, ActionError> {
        let (target, live) = read(self.cluster(), &action.object).await?;
        let params = DeleteParams {
            dry_run: opts.is_dry_run(),
            propagation_policy: Some(PropagationPolicy::Background),
            ..DeleteParams::default()
        };
        let result = target
            .delete(&params)
            .await
            .map_err(sent(&target, "delete", opts))?;
        let prior = Some(Prior::Object(live));
        Ok(outcome(
            argv,
            target.object,
            NativeOp::Delete,
            opts,
            prior,
            result,
        ))
    }
}

/// The patch kubectl would send for `op` on `live`; `None` when there is nothing to change
/// (cordoning a cordoned node).
fn patch_for(
    op: &NativeOp,
    object: &ObjectRef,
    live: &Value,
) -> Result<Option<Patch<Value>>, ActionError> {
    let strategic = |v: Value| Ok(Some(Patch::Strategic(v)));
    let unschedulable = live["spec"]["unschedulable"].as_bool().unwrap_or(false);
    match op {
        NativeOp::Restart => strategic(workload::restart(&Utc::now().rfc3339())),
        NativeOp::SetImage { images } => strategic(workload::set_image(object, live, images)?),
        NativeOp::SetEnv {
            container,
            set,
            remove,
        } => strategic(workload::set_env(
            object,
            live,
            container.as_deref(),
            set,
            remove,
        )?),
        NativeOp::Label(changes) => Ok(Some(Patch::Merge(keys::meta_patch(
            object, live, "labels", changes,
        )?))),
        NativeOp::Annotate(changes) => Ok(Some(Patch::Merge(keys::meta_patch(
            object,
            live,
            "annotations",
            changes,
        )?))),
        NativeOp::Cordon if unschedulable => Ok(None),
        NativeOp::Cordon => strategic(serde_json::json!({"spec": {"unschedulable": true}})),
        NativeOp::Uncordon if !unschedulable => Ok(None),
        NativeOp::Uncordon => strategic(serde_json::json!({"spec": {"unschedulable": null}})),
        NativeOp::Taint {
            add,
            remove,
            overwrite,
        } => strategic(keys::taint_patch(object, live, add, remove, *overwrite)?),
        NativeOp::Scale { .. } | NativeOp::Delete | NativeOp::Restore { .. } | NativeOp::Create => {
            Ok(None)
        }
    }
}
