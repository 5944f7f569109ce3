//! The applier — the only code that mutates a cluster — and what it needs: dependency order,
//! server-side dry-run, the diff of live vs proposed, and running a proposal's kubectl actions.

mod actions;
mod applier;
mod diff;
mod dry_run;
mod restore;
mod target;
mod wait;

pub use crate::order::{Tier, apply_order, tier};
pub use actions::{
    ActionError, ActionOptions, ActionOutcome, ActionPlan, How, Interactive, KeyChanges, Kubectl,
    NativeAction, NativeOp, OutputSink, Prior, RESTARTED_AT, Stream, Taint, Undo, WriteSink,
    plan_action, undo_of,
};
pub use applier::{Applied, Applier, ApplyOptions, ApplyReport, Failed};
pub use diff::{DiffKind, ObjectDiff, diff};
pub use dry_run::{DryRun, dry_run};
pub use restore::Restored;
pub use wait::{Progress, Rollout, WaitError, WaitOptions, wait_for_rollouts};

/// The field manager shipmate applies as.
pub const FIELD_MANAGER: &str = "shipmate";

#[cfg(test)]
mod tests;
