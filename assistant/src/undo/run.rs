//! Carrying out an undo plan on the cluster.

use serde_json::Value;
use shipmate_plugins::OutcomeResult;

use super::plan::Step;
use crate::apply::{ActionOptions, Applier, ApplyOptions, Prior};
use crate::cluster::ObjectRef;

/// What one step did.
#[derive(Debug, Clone)]
pub struct StepResult {
    /// The step.
    pub step: Step,
    /// The object it acted on (namespace filled in), when there is one.
    pub object: Option<ObjectRef>,
    /// What happened (`deleted`, `configured`, `created`, `done`, `failed`, …).
    pub result: OutcomeResult,
    /// The live object before the step (for the audit entry of the undo itself).
    pub before: Option<Value>,
    /// Why it failed, when it did; what was done otherwise.
    pub detail: String,
}

/// Runs `steps` in order, stopping at the first failure (the rest are `not_attempted`).
/// Skipped steps do not stop the run; they are reported as `not_attempted` with their reason.
pub async fn run(applier: &Applier<'_>, steps: &[Step], opts: &ApplyOptions) -> Vec<StepResult> {
    let mut out = Vec::with_capacity(steps.len());
    let mut stopped = false;
    for step in steps {
        let mut r = StepResult {
            step: step.clone(),
            object: None,
            result: OutcomeResult::NotAttempted,
            before: None,
            detail: String::new(),
        };
        if stopped || opts.is_cancelled() {
            r.detail = "not attempted".into();
            out.push(r);
            continue;
        }
        let dry = opts.is_dry_run();
        let outcome = match step {
            Step::Delete { manifest } => applier.delete_created(manifest, dry).await.map(|d| {
                let result = if d.before.is_some() {
                    OutcomeResult::Deleted
                } else {
                    OutcomeResult::Unchanged
                };
                (d.object, d.before, result, "deleted".to_owned())
            }),
            Step::Restore { prior } => applier.restore_prior(prior, dry).await.map(|d| {
                let result = if d.before.is_some() {
                    OutcomeResult::Configured
                } else {
                    OutcomeResult::Created
                };
                (d.object, d.before, result, "restored".to_owned())
            }),
            Step::Action(outcome) => {
                let mut action_opts = ActionOptions::new();
                if dry {
                    action_opts = action_opts.dry_run();
                }
                match applier.undo(outcome, &action_opts).await {
                    Ok(done) => {
                        let before = match &done.prior {
                            Some(Prior::Object(o)) => Some(o.clone()),
                            _ => None,
                        };
                        r.object = done.object.clone();
                        r.before = before;
                        r.result = OutcomeResult::Done;
                        r.detail = done.to_string();
                    }
                    Err(e) => {
                        r.result = if e.outcome_unknown() {
                            OutcomeResult::Unknown
                        } else {
                            OutcomeResult::Failed
                        };
                        r.detail = e.to_string();
                        stopped = true;
                    }
                }
                out.push(r);
                continue;
            }
            Step::Skip { why, .. } => {
                r.detail = why.clone();
                out.push(r);
                continue;
            }
        };
        match outcome {
            Ok((object, before, result, detail)) => {
                r.object = Some(object);
                r.before = before;
                r.result = result;
                r.detail = detail;
            }
            Err(f) => {
                r.object = Some(f.object);
                r.result = if f.outcome_unknown {
                    OutcomeResult::Unknown
                } else {
                    OutcomeResult::Failed
                };
                r.detail = f.error.to_string();
                stopped = true;
            }
        }
        out.push(r);
    }
    out
}
