//! What happened to a proposal after validation: the `applied` field of the proposal contract.
//!
//! `applied` is `null` when nothing was handed over (the proposal was blocked, needs input, or
//! had no manifests to write). Otherwise it is an object whose `mode` says which path was taken.
//! Today the only mode is `manual`: shipmate wrote the manifests to a new directory and lists
//! the exact commands to run by hand. The applier will add a mode for changes it applied itself;
//! scripts should treat an unknown `mode` as "not applied by this run".

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What was done with a proposal; `mode` tells the variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Applied {
    /// Nothing was applied: the manifests were written to files for a person to apply by hand.
    Manual(ManualFallback),
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
    /// This version of shipmate cannot apply changes to a cluster yet.
    NoApplier,
}

impl ManualReason {
    /// A short human explanation (`--no-apply was given`).
    pub fn describe(self) -> &'static str {
        match self {
            ManualReason::NoApply => "--no-apply was given",
            ManualReason::NoApplier => "this version of shipmate cannot apply changes yet",
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
