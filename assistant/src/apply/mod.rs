//! The applier — the only code that mutates a cluster — and what it needs: dependency order,
//! server-side dry-run, the diff of live vs proposed, and running a proposal's kubectl actions.

mod actions;
mod applier;
mod diff;
mod dry_run;
mod restore;
mod target;
mod wait;

pub use actions::{
    ActionError, ActionOptions, ActionOutcome, ActionPlan, Kubectl, Prior, Undo, WriteSink,
    plan_action, undo_of,
};
pub use applier::{Applier, ApplyOptions, ApplyReport, DEFAULT_CONCURRENCY};
pub use diff::{DiffKind, ObjectDiff, diff};
pub use dry_run::dry_run;
pub use wait::{Progress, WaitOptions, wait_for_rollouts};

/// The field manager shipmate applies as.
pub const FIELD_MANAGER: &str = "shipmate";

#[cfg(test)]
mod tests;
