//! [`Applier::run_action`]: one proposed action, run the way [`plan_action`] decides.

use shipmate_manifests::kubectl::parse;
use shipmate_plugins::Action;

use super::native::read;
use super::plan::{ActionPlan, plan_action};
use super::{ActionError, ActionOptions, ActionOutcome, How, Kubectl, OutputSink, Prior};
use crate::apply::applier::Applier;
use crate::cluster::ObjectRef;

impl Applier<'_> {
    /// Runs `action`: natively ([`Applier::run_native`]) when it can, else through `kubectl`
    /// with its output streamed to `sink`. For `drain`, the node is read first, so that undo
    /// knows whether to uncordon it. In a dry run, native actions are sent with `dryRun=All`
    /// and kubectl-run ones are not run.
    ///
    /// # Errors
    /// [`ActionError::CannotRun`] when [`plan_action`] says so; otherwise as
    /// [`Applier::run_native`] and [`Kubectl::run`].
    pub async fn run_action(
        &self,
        action: &Action,
        kubectl: &Kubectl,
        opts: &ActionOptions,
        sink: &mut (dyn OutputSink + Send),
    ) -> Result<ActionOutcome, ActionError> {
        let argv = &action.argv;
        match plan_action(action) {
            ActionPlan::CannotRun { reason } => Err(ActionError::CannotRun {
                argv: argv.clone(),
                reason,
            }),
            ActionPlan::Native(native) => self.run_native(&native, argv, opts).await,
            ActionPlan::Kubectl { .. } => {
                let object = drained_node(argv);
                let prior = match &object {
                    Some(node) => Some(Prior::Object(read(self.cluster(), node).await?.1)),
                    None => None,
                };
                if !opts.is_dry_run() {
                    kubectl.run(argv, sink).await?;
                }
                Ok(ActionOutcome {
                    argv: argv.clone(),
                    object,
                    how: How::Kubectl,
                    dry_run: opts.is_dry_run(),
                    prior,
                    result: None,
                })
            }
        }
    }
}

/// The node a `kubectl drain NODE` names (`NODE`, `node/NODE` or `nodes/NODE`).
fn drained_node(argv: &[String]) -> Option<ObjectRef> {
    let cmd = parse(argv);
    let word = cmd.positional.get(1).filter(|_| cmd.verb() == "drain")?;
    let name = word.rsplit_once('/').map_or(*word, |(_, n)| n);
    Some(ObjectRef {
        api_version: "v1".into(),
        kind: "Node".into(),
        namespace: None,
        name: name.into(),
    })
}
