//! The applier — the only code that mutates a cluster — and what it needs: dependency order,
//! server-side dry-run, and the diff of live vs proposed.

mod applier;
mod diff;
mod dry_run;
mod restore;
mod scale;
mod target;
mod wait;

pub use crate::order::{Tier, apply_order, tier};
pub use applier::{Applied, Applier, ApplyOptions, ApplyReport, Failed};
pub use diff::{DiffKind, ObjectDiff, diff};
pub use dry_run::{DryRun, dry_run};
pub use restore::{Restored, recreatable};
pub use scale::Scaled;
pub use wait::{Progress, Rollout, WaitError, WaitOptions, wait_for_rollouts};

/// The field manager shipmate applies as.
pub const FIELD_MANAGER: &str = "shipmate";

#[cfg(test)]
mod tests;
