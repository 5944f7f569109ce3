//! What happened to a proposal after validation: the `applied` field of the proposal contract.
//!
//! `applied` is `null` when nothing was handed over (the proposal was blocked, needs input, was
//! declined, or had nothing to write or run). Otherwise it is an object whose `mode` says which
//! path was taken:
//! - `cluster`: shipmate applied it to a cluster itself; per object and per action what happened,
//!   whether everything went through (`complete`), and the audit entry that `shipmate undo`
//!   takes;
//! - `manual`: shipmate wrote the manifests to a new directory and lists the exact commands to
//!   run by hand, and why it did not apply them itself.
//!
//! Scripts should treat an unknown `mode` as "not applied by this run".

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What was done with a proposal; `mode` tells the variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Applied {
    /// Nothing was applied: the manifests were written to files for a person to apply by hand.
    Manual(ManualFallback),
    /// shipmate applied the proposal (or the part before the first failure) to a cluster.
    Cluster(ClusterApply),
}

/// What shipmate applied to a cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ClusterApply {
    /// The API server URL.
    pub server: String,
    /// The kubeconfig context, when the connection came from a kubeconfig.
    pub context: Option<String>,
    /// Whether every object and action went through. `false`: the apply stopped at the first
    /// failure; see `objects` and `actions` for what was and was not done.
    pub complete: bool,
    /// Whether the apply was cancelled (Ctrl-C) before it finished.
    pub cancelled: bool,
    /// Each manifest, in apply order.
    pub objects: Vec<ObjectOutcome>,
    /// Each action, in order.
    pub actions: Vec<ActionOutcome>,
    /// With `--wait`: whether every rollout (Deployments, StatefulSets, DaemonSets changed by
    /// the apply) completed in time; `null` when not asked to wait or nothing was applied.
    pub rollouts_complete: Option<bool>,
    /// The audit-log entry recording this apply (`shipmate undo ID` restores what it changed);
    /// `null` when the log could not be written (a warning says so).
    pub audit_id: Option<String>,
}

/// What happened to one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ObjectOutcome {
    /// `kind`.
    pub kind: String,
    /// Namespace (filled in from the context for namespaced kinds; `null` for cluster-scoped).
    pub namespace: Option<String>,
    /// `metadata.name`.
    pub name: String,
    /// What happened.
    pub result: OutcomeResult,
    /// Why it failed, when it did.
    pub error: Option<String>,
}

/// What happened to one action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ActionOutcome {
    /// The kubectl argv.
    pub argv: Vec<String>,
    /// What happened.
    pub result: OutcomeResult,
    /// A one-line description of what was done (`scaled deployment/web 2 → 5`), or why it
    /// failed.
    pub detail: String,
}

/// The result of one object or action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeResult {
    /// The object did not exist and was created.
    Created,
    /// The object existed and was changed.
    Configured,
    /// Applying changed nothing.
    Unchanged,
    /// The object was deleted (by an undo of its creation, or a delete action).
    Deleted,
    /// The action ran.
    Done,
    /// It failed; the apply stopped here.
    Failed,
    /// The request was sent but no answer came (the connection dropped): it may have been
    /// applied. `shipmate undo` treats it as possibly applied.
    Unknown,
    /// Not attempted because something before it failed or the apply was cancelled.
    NotAttempted,
}

/// The manual fallback: where the manifests were written and what to run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ManualFallback {
    /// The new directory holding the manifests (relative to the current directory when the base
    /// directory was given relative; `./shipmate-out/…` by default).
    pub directory: String,
    /// The files written, in apply order (`NN-kind-name.yaml`, each path including `directory`).
    pub files: Vec<String>,
    /// The commands to run by hand, in order, as argv vectors: server dry-run, diff and
    /// server-side apply of `directory`, then each proposed kubectl action.
    pub commands: Vec<Vec<String>>,
    /// Why shipmate did not apply the proposal itself.
    pub reason: ManualReason,
}

/// Why a proposal went to the manual fallback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ManualReason {
    /// `--no-apply` was given.
    NoApply,
    /// No cluster is configured (no kubeconfig, no in-cluster service account).
    NoCluster,
    /// The cluster refused the credentials or the permission (401/403).
    NoPermission,
    /// The API server could not be reached.
    Unreachable,
    /// An action needs the `kubectl` binary, which was not found.
    KubectlMissing,
    /// The person chose the manual route at the confirmation.
    Chosen,
    /// Applying needs a confirmation, and there was no terminal to ask on and no `--yes`.
    NotConfirmed,
}

impl ManualReason {
    /// A short human explanation (`--no-apply was given`).
    pub fn describe(self) -> &'static str {
        match self {
            ManualReason::NoApply => "--no-apply was given",
            ManualReason::NoCluster => "no cluster is configured",
            ManualReason::NoPermission => "the cluster refused the credentials or permission",
            ManualReason::Unreachable => "the API server could not be reached",
            ManualReason::KubectlMissing => "an action needs kubectl, which was not found",
            ManualReason::Chosen => "you chose to apply it by hand",
            ManualReason::NotConfirmed => {
                "there was no terminal to confirm on; re-run with --yes to apply"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_serialises_with_mode_first() {
        let a = Applied::Manual(ManualFallback {
            directory: "shipmate-out/x".into(),
            files: vec!["shipmate-out/x/01-namespace-a.yaml".into()],
            commands: vec![vec!["kubectl".into(), "apply".into()]],
            reason: ManualReason::NoApply,
        });
        let v = serde_json::to_value(&a).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["mode", "directory", "files", "commands", "reason"]);
        assert_eq!(v["mode"], "manual");
        assert_eq!(v["reason"], "no_apply");
        let back: Applied = serde_json::from_value(v).unwrap();
        assert_eq!(back, a);
    }
}
