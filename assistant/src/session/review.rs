//! The last validation step, on the cluster: a server-side dry-run of every manifest and the
//! diff of live vs what the server would store. A server that rejects an object adds a
//! blocking finding; one that refuses us (401/403) or cannot be reached sends the proposal to
//! the manual fallback.

use shipmate_manifests::{Finding, Severity};
use shipmate_plugins::{ManualReason, Proposal, Status};

use crate::apply::{
    ActionError, ActionOptions, ActionPlan, Applier, ApplyOptions, Kubectl, ObjectDiff, diff,
    dry_run, plan_action,
};
use crate::cluster::Cluster;
use crate::shell;

/// What the cluster made of a proposal.
#[derive(Debug, Default)]
pub struct Review {
    /// The diff of each manifest, in apply order.
    pub diffs: Vec<ObjectDiff>,
    /// Objects the server could not check because the plan creates what they need first (their
    /// Namespace or CRD): the apply is their first check.
    pub unchecked: Vec<String>,
    /// How each action will run (`native: scale to 5 Deployment/web …: 2 → 5 (dry run)`,
    /// `through kubectl`), in order.
    pub actions: Vec<String>,
    /// Why the proposal must go to the manual fallback instead, with the error that says so.
    pub fallback: Option<(ManualReason, String)>,
}

/// Checks how each action will run: native ones are dry-run on the server (a failure is a
/// blocking finding, as for manifests), kubectl ones need the binary (else the manual
/// fallback), and ones that cannot run at all block.
pub async fn review_actions(
    cluster: &Cluster,
    kubectl: &Kubectl,
    proposal: &mut Proposal,
    review: &mut Review,
) {
    let applier = Applier::new(cluster);
    let mut findings = Vec::new();
    for action in &proposal.actions {
        let line = shell::command_line(&action.argv);
        let block = |message: String, fix: &str| Finding {
            gate: "action-check".into(),
            severity: Severity::Block,
            object: line.clone(),
            message,
            fix: fix.into(),
        };
        match plan_action(action) {
            ActionPlan::CannotRun { reason } => findings.push(block(
                format!("this action cannot run: {reason}"),
                "run it by hand if it is what you want, or ask for it differently",
            )),
            ActionPlan::Kubectl { .. } => {
                if !kubectl.available() {
                    review.fallback.get_or_insert((
                        ManualReason::KubectlMissing,
                        format!(
                            "`{line}` runs through kubectl, and {} was not found (install \
                             kubectl or set SHIPMATE_KUBECTL)",
                            kubectl.program().display()
                        ),
                    ));
                }
                review.actions.push(format!("$ {line}: through kubectl"));
            }
            ActionPlan::Native(native) => {
                let opts = ActionOptions::new().dry_run();
                match applier.run_native(&native, &action.argv, &opts).await {
                    Ok(outcome) => review.actions.push(format!("$ {line}: native: {outcome}")),
                    Err(ActionError::Cluster { source, .. })
                        if source.manual_reason().is_some() =>
                    {
                        let reason = source.manual_reason().unwrap_or(ManualReason::NoCluster);
                        review.fallback.get_or_insert((reason, source.to_string()));
                    }
                    Err(err) => findings.push(Finding {
                        gate: "server-dry-run".into(),
                        ..block(
                            err.to_string(),
                            "check the object's name, kind and namespace",
                        )
                    }),
                }
            }
        }
    }
    if !findings.is_empty() && proposal.status == Status::Proposed {
        proposal.status = Status::Blocked;
    }
    proposal.findings.extend(findings);
}

/// Dry-runs `proposal`'s manifests on `cluster`. Rejections become blocking findings (gate
/// `server-dry-run`) and make the proposal `blocked`.
pub async fn review(cluster: &Cluster, proposal: &mut Proposal, opts: &ApplyOptions) -> Review {
    let mut review = Review::default();
    for run in dry_run(cluster, &proposal.manifests, opts).await {
        match run.result {
            Ok(result) => {
                if !run.server_checked {
                    review.unchecked.push(run.object.to_string());
                }
                review
                    .diffs
                    .push(diff(run.object, run.live.as_ref(), &result));
            }
            Err(err) => {
                if let Some(reason) = err.manual_reason() {
                    review.fallback.get_or_insert((reason, err.to_string()));
                    continue;
                }
                proposal.findings.push(Finding {
                    gate: "server-dry-run".into(),
                    severity: Severity::Block,
                    object: run.object.to_string(),
                    message: err.to_string(),
                    fix: "correct the object (the server's message names the field), or fix \
                          what it depends on in the cluster"
                        .into(),
                });
                if proposal.status == Status::Proposed {
                    proposal.status = Status::Blocked;
                }
            }
        }
    }
    review
}
