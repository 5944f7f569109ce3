//! Runs one proposed action for the session through the applier (natively or through
//! kubectl, see [`crate::apply::plan_action`]) and says what it did in the terms of the JSON
//! contract and the audit log.

use std::io::Write;

use shipmate_plugins::{Action, OutcomeResult};

use super::execute::ActionRun;
use crate::apply::{ActionOptions, Applier, Kubectl, WriteSink};

/// Runs `action` (already validated and confirmed), streaming kubectl output to `stream`.
pub async fn run(
    applier: &Applier<'_>,
    kubectl: &Kubectl,
    action: &Action,
    stream: &mut (dyn Write + Send),
) -> ActionRun {
    let mut sink = WriteSink(stream);
    match applier
        .run_action(action, kubectl, &ActionOptions::new(), &mut sink)
        .await
    {
        Ok(outcome) => ActionRun {
            argv: action.argv.clone(),
            result: OutcomeResult::Done,
            detail: outcome.to_string(),
            undo: changed(&outcome).then(|| serde_json::to_value(&outcome).unwrap_or_default()),
            object: outcome.object,
        },
        Err(err) => ActionRun {
            argv: action.argv.clone(),
            result: if err.outcome_unknown() {
                OutcomeResult::Unknown
            } else {
                OutcomeResult::Failed
            },
            detail: err.to_string(),
            undo: None,
            object: None,
        },
    }
}

/// Whether undo has anything to act on for this outcome.
fn changed(outcome: &crate::apply::ActionOutcome) -> bool {
    !matches!(
        crate::apply::undo_of(outcome),
        crate::apply::Undo::Nothing { .. }
    )
}
