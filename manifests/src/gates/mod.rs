//! The constitution: policy gates over objects and actions.
//!
//! CONTRACT (owned by the gates work; keep these names and signatures):
//! - [`Constitution::builtin`], [`Constitution::from_yaml`], [`Constitution::to_yaml`];
//! - [`Constitution::check`] over a set of objects (findings per object, index-aligned, so that
//!   cross-object gates such as Service targetPort can see the workloads);
//! - [`Constitution::check_action`] for kubectl argv actions;
//! - [`Finding`] serialises as `{ gate, severity, object, message, fix }`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How serious a failed gate is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The proposal may not be applied.
    Block,
    /// Shown to the person, does not stop anything.
    Warn,
}

/// A gate that did not pass, for one object or action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The gate id (`image-pinned`).
    pub gate: String,
    /// Its severity.
    pub severity: Severity,
    /// `Kind/name` of the object, or the action's argv joined with spaces.
    pub object: String,
    /// What is wrong.
    pub message: String,
    /// What to change.
    pub fix: String,
}

/// A malformed constitution.
#[derive(Debug, thiserror::Error)]
pub enum ConstitutionError {
    /// The YAML could not be read as a constitution.
    #[error("constitution {source_name}: {message}")]
    Invalid {
        /// Where the constitution came from.
        source_name: String,
        /// What is wrong and how to fix it.
        message: String,
    },
}

/// The effective set of gates.
#[derive(Debug, Clone)]
pub struct Constitution {}

impl Constitution {
    /// The built-in default constitution.
    pub fn builtin() -> Self {
        unimplemented!("gates: being built")
    }

    /// Parses a constitution file.
    pub fn from_yaml(_text: &str, _source_name: &str) -> Result<Self, ConstitutionError> {
        unimplemented!("gates: being built")
    }

    /// The constitution as YAML (what `shipmate constitution show` prints).
    pub fn to_yaml(&self) -> String {
        unimplemented!("gates: being built")
    }

    /// Checks a set of objects; returns the findings of each, index-aligned with `objects`.
    pub fn check(&self, _objects: &[&Value]) -> Vec<Vec<Finding>> {
        unimplemented!("gates: being built")
    }

    /// Checks one kubectl action (argv vector, `kubectl` first).
    pub fn check_action(&self, _argv: &[String]) -> Vec<Finding> {
        unimplemented!("gates: being built")
    }
}
