//! Running a proposal's kubectl actions.
//!
//! [`plan_action`] reads the argv (with the one kubectl argv reader,
//! `shipmate_manifests::kubectl`) and decides how an action runs:
//!
//! - **natively**, through the API, for the everyday mutations (scale, rollout restart, set
//!   image/env, delete, label, annotate, cordon/uncordon, taint): the applier reads the live
//!   object first, records it as the [`Prior`] state (for scale, the replica count), and sends
//!   the same patch kubectl would, with field manager `shipmate`. Dry-run (`dryRun=All`) gives
//!   confirmation a preview from the server, and [`undo_of`] turns the prior state back into
//!   the reverse operation;
//! - **through the `kubectl` binary** ([`Kubectl`]) for everything else (drain, logs, exec,
//!   port-forward, rollout status/history/undo, get, describe, …), run as an argv (never a
//!   shell) against the session's kubeconfig and context, with output streamed line by line;
//! - **not at all** when the argv is not a kubectl command or would pick another cluster.
//!
//! Why native first: only through the API can shipmate record exactly what it changed (and so
//! undo it) and preview it with a server dry-run; kubectl remains the fallback that knows every
//! flag and every custom resource.

mod error;
mod keys;
mod kubectl;
mod native;
mod ops;
mod plan;
mod run;
mod scale;
mod undo;
mod workload;

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::cluster::ObjectRef;

pub use error::ActionError;
pub use kubectl::{Kubectl, OutputSink, WriteSink};
pub use ops::NativeOp;
pub use plan::{ActionPlan, plan_action};
pub use undo::{Undo, recreatable, undo_of};

/// How an action ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "how", rename_all = "snake_case")]
pub enum How {
    /// Through the API.
    Native {
        /// What was done.
        op: NativeOp,
    },
    /// Through the `kubectl` binary.
    Kubectl,
}

/// The state an action replaced, which undo restores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prior {
    /// The replica count before a scale.
    Replicas(i32),
    /// The whole live object before the change (for delete: the object as it was).
    Object(Value),
}

/// What running one action did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionOutcome {
    /// The action's argv, as proposed.
    pub argv: Vec<String>,
    /// The object changed (namespace resolved), when the action names one.
    pub object: Option<ObjectRef>,
    /// How it ran.
    pub how: How,
    /// Whether this was a dry run (`dryRun=All`: nothing stored).
    pub dry_run: bool,
    /// What was there before (`None` for kubectl-run actions, except `drain`: the node).
    pub prior: Option<Prior>,
    /// What the server stored (or, in a dry run, would store); for scale the `Scale`, for
    /// delete the server's answer. `None` for kubectl-run actions.
    pub result: Option<Value>,
}

impl ActionOutcome {
    /// The replica count after a scale, from the server's answer.
    pub fn replicas(&self) -> Option<i64> {
        self.result.as_ref()?["spec"]["replicas"].as_i64()
    }
}

impl fmt::Display for ActionOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let object = self
            .object
            .as_ref()
            .map(|o| format!(" {o}"))
            .unwrap_or_default();
        match &self.how {
            How::Native {
                op: NativeOp::Scale { .. },
            } => {
                let before = match &self.prior {
                    Some(Prior::Replicas(n)) => n.to_string(),
                    _ => "?".into(),
                };
                let after = self.replicas().map_or("?".into(), |n| n.to_string());
                write!(f, "scale{object}: {before} → {after}")?;
            }
            How::Native { op } => write!(f, "{op}{object}")?,
            How::Kubectl => write!(f, "ran {}", self.argv.join(" "))?,
        }
        if self.dry_run {
            f.write_str(" (dry run)")?;
        }
        Ok(())
    }
}

/// How to run actions. Build with [`ActionOptions::new`] and the setters.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct ActionOptions {
    dry_run: bool,
}

impl ActionOptions {
    /// Defaults: really run.
    pub fn new() -> Self {
        Self::default()
    }

    /// Native actions are sent with `dryRun=All` (nothing stored; the outcome shows what the
    /// server would do); kubectl-run actions are not run at all (their preview is the
    /// command line).
    pub fn dry_run(mut self) -> Self {
        self.dry_run = true;
        self
    }

    /// Whether this is a dry run.
    pub fn is_dry_run(&self) -> bool {
        self.dry_run
    }
}

#[cfg(test)]
mod tests;
