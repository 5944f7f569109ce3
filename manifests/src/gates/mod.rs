//! The constitution: policy gates over objects and actions.
//!
//! CONTRACT (owned by the gates work; keep these names and signatures):
//! - [`Constitution::builtin`], [`Constitution::from_yaml`], [`Constitution::to_yaml`];
//! - [`Constitution::check`] over a set of objects (findings per object, index-aligned, so that
//!   cross-object gates such as Service targetPort can see the workloads);
//! - [`Constitution::check_action`] for kubectl argv actions;
//! - [`Finding`] serialises as `{ gate, severity, object, message, fix }`.
//!
//! # Why it looks like this
//!
//! A constitution is data (a YAML file the team reviews), not code: a list of gates, each either a
//! built-in check from the catalogue (with parameters) or a CEL expression over `object`, the
//! language Kubernetes ValidatingAdmissionPolicy uses. Everything is compiled once when the
//! constitution is loaded — CEL programs and regexes included — so that checking a whole
//! repository of manifests costs milliseconds, and a malformed constitution fails at load time
//! with an error naming the gate, never halfway through a run.
//!
//! ```yaml
//! version: 1
//! protected_namespaces: [kube-system, kube-public, kube-node-lease]
//! allowed_registries: []            # [] allows any; entries are registries or repo prefixes
//! resources:                        # for generated objects, and the per-container budget
//!   requests: {cpu: 100m, memory: 128Mi}
//!   limits: {cpu: 500m, memory: 512Mi}
//!   budget: {cpu: "2", memory: 4Gi}
//! gates:
//!   - id: image-pinned              # built-in check with parameters
//!     title: Images name a version
//!     severity: warn
//!     check: image-pinned
//!     params: {require_digest: false}
//!   - id: team-label                # CEL gate: true means the object passes
//!     title: Workloads say which team owns them
//!     severity: block
//!     kinds: [Deployment]
//!     namespaces: [prod]
//!     expr: "has(object.metadata.labels) && 'team' in object.metadata.labels"
//!     message: metadata.labels has no `team` label
//!     fix: "set metadata.labels.team: <team>"
//! ```
//!
//! # Built-in checks (`check:` names; parameters in brackets)
//!
//! | check | looks at | fails when |
//! |---|---|---|
//! | `no-privileged` | workloads | a container sets `securityContext.privileged: true` |
//! | `no-host-namespaces` | workloads | the pod sets `hostNetwork`, `hostPID` or `hostIPC` |
//! | `no-host-path` | workloads | a volume is a `hostPath` |
//! | `protected-namespaces` | every kind | the object is in (or is) a protected namespace |
//! | `no-cluster-admin-binding` [`roles`] | (Cluster)RoleBindings | `roleRef` is one of `roles` |
//! | `no-plaintext-secrets-configmap` | ConfigMaps | a data entry looks like a credential |
//! | `no-plaintext-secrets-env` | workloads | a literal `env` value looks like a credential |
//! | `image-pinned` [`require_digest`] | workloads | an image is untagged or `latest` (or has no digest) |
//! | `allowed-registries` | workloads | an image is outside `allowed_registries` (if any) |
//! | `resources-set` [`requests`, `limits`] | workloads | a container lacks a request/limit |
//! | `resources-within-budget` | workloads | a request/limit exceeds `resources.budget` |
//! | `probes-set` [`liveness`, `readiness`] | long-running workloads | a probe is missing |
//! | `run-as-non-root` | workloads | `runAsNonRoot` is not true for a container |
//! | `no-privilege-escalation` | workloads | `allowPrivilegeEscalation` is not false |
//! | `read-only-root-fs` | workloads | `readOnlyRootFilesystem` is not true |
//! | `config-externalised` [`max_literal_env`] | workloads | a container has too many literal env values |
//! | `selector-matches-template` | workloads | the selector does not select the pod template |
//! | `service-target-port` | Services | a named `targetPort` is not declared by the selected pods |
//! | `no-protected-namespace-delete` | actions | `kubectl delete namespace <protected>` |
//! | `no-namespace-delete` | actions | `kubectl delete namespace <any other>` |
//! | `no-mass-delete` | actions | `delete --all`/`-A`/`delete all`, `apply --prune --all` |
//! | `no-cluster-admin-grant` [`roles`] | actions | `create (cluster)rolebinding --clusterrole=cluster-admin`, `set subject` on it |
//! | `no-protected-namespace-changes` | actions | a mutating verb with `-n <protected>` or `-A` |
//!
//! Workloads are Pods, Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs and
//! ReplicationControllers; init and ephemeral containers are checked where the field exists.
//!
//! Unknown fields, unknown check names, bad parameters and CEL that does not compile are
//! [`ConstitutionError`]s naming the gate. `gates` is required: a file that only changes
//! settings must say `gates: []` to mean "no gates", it cannot drop them by accident.
//!
//! Gates see the whole set of objects being checked, so cross-object gates (a Service whose
//! named `targetPort` no selected container declares) work on a proposal or a directory alike.
//!
//! # Waivers, and why a model cannot annotate its way past a block
//!
//! A gate is silenced for one object with the annotation
//! `waive.shipmate.dev/<gate-id>: "<reason>"`. The reason is mandatory: an empty one does not
//! waive and yields a `warn` finding of the pseudo-gate [`WAIVER_GATE`]. Warn gates are always
//! waivable. Block gates are waivable only when the constitution says `waivable: true` for that
//! gate (the default is `false`): proposals are partly written by language models, and an
//! annotation is part of the proposal, so a model that could waive a block could approve its own
//! privileged pod. A waiver of a non-waivable gate, or of a gate that does not exist, is reported
//! as a `warn` finding of [`WAIVER_GATE`] and changes nothing else.
//!
//! # Action gates
//!
//! [`Constitution::check_action`] checks a kubectl argv vector (never a shell string): deleting a
//! protected namespace, deleting everything at once (`--all`, `-A`, `delete all`), granting
//! `cluster-admin`, and mutating verbs aimed at a protected namespace.

mod actions;
mod catalogue;
mod cel;
mod config;
mod constitution;
mod emit;
mod host;
mod image;
mod namespaces;
mod pod_spec;
mod probes;
mod quantity;
mod rbac;
mod registries;
mod resources;
mod run;
mod secrets;
mod security;
mod selectors;
mod service_ports;
mod waiver;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use constitution::{ConstitutionOrigin, ResourceAmounts, ResourceDefaults};
pub use quantity::parse as parse_quantity;

/// The pseudo-gate that reports malformed or refused waiver annotations.
pub const WAIVER_GATE: &str = "waiver";

/// The annotation prefix of waivers: `waive.shipmate.dev/<gate-id>`.
pub const WAIVER_PREFIX: &str = "waive.shipmate.dev/";

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

/// A malformed or unreadable constitution.
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
    /// The constitution file could not be read.
    #[error("cannot read constitution {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// The effective set of gates, compiled and ready to check objects and actions.
///
/// Cheap to clone (compiled CEL programs are shared) and `Send + Sync`.
#[derive(Debug, Clone)]
pub struct Constitution {
    spec: constitution::Spec,
    settings: catalogue::Settings,
    gates: Vec<catalogue::Gate>,
}

impl PartialEq for Constitution {
    fn eq(&self, other: &Self) -> bool {
        self.spec == other.spec
    }
}

impl Constitution {
    /// The built-in default constitution (the embedded [`Constitution::default_yaml`]).
    pub fn builtin() -> Self {
        constitution::builtin()
    }

    /// The text of the built-in constitution, with comments explaining every setting (what
    /// `shipmate constitution init` writes).
    pub fn default_yaml() -> &'static str {
        constitution::DEFAULT_YAML
    }

    /// Parses and compiles a constitution; `source_name` names it in errors.
    pub fn from_yaml(text: &str, source_name: &str) -> Result<Self, ConstitutionError> {
        constitution::from_yaml(text, source_name)
    }

    /// Reads and compiles a constitution file.
    pub fn load(path: &Path) -> Result<Self, ConstitutionError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConstitutionError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::from_yaml(&text, &path.display().to_string())
    }

    /// Finds the effective constitution: `cwd/constitution.yaml`, else
    /// `config_dir/constitution.yaml` (`config_dir` defaults to [`Constitution::user_config_dir`]),
    /// else the built-in one. Returns it with where it came from.
    pub fn discover(
        cwd: &Path,
        config_dir: Option<&Path>,
    ) -> Result<(Self, ConstitutionOrigin), ConstitutionError> {
        constitution::discover(cwd, config_dir)
    }

    /// shipmate's user config directory: `$XDG_CONFIG_HOME/shipmate`, else `~/.config/shipmate`.
    pub fn user_config_dir() -> Option<PathBuf> {
        constitution::user_config_dir()
    }

    /// The constitution as YAML (what `shipmate constitution show` prints); comments explain the
    /// format, and `from_yaml(to_yaml())` gives an equal constitution.
    pub fn to_yaml(&self) -> String {
        emit::to_yaml(&self.spec)
    }

    /// Default container resources for generated objects, and the per-container budget.
    pub fn defaults(&self) -> &ResourceDefaults {
        &self.spec.resources
    }

    /// Namespaces that objects and actions may not touch.
    pub fn protected_namespaces(&self) -> &[String] {
        &self.spec.protected_namespaces
    }

    /// Registries images may come from (empty: any).
    pub fn allowed_registries(&self) -> &[String] {
        &self.spec.allowed_registries
    }

    /// The ids of the gates, in order.
    pub fn gate_ids(&self) -> impl Iterator<Item = &str> {
        self.gates.iter().map(|g| g.id.as_str())
    }

    /// Checks a set of objects; returns the findings of each, index-aligned with `objects`.
    pub fn check(&self, objects: &[&Value]) -> Vec<Vec<Finding>> {
        run::check_objects(self, objects)
    }

    /// Checks one kubectl action (argv vector, `kubectl` first).
    pub fn check_action(&self, argv: &[String]) -> Vec<Finding> {
        actions::check_action(self, argv)
    }

    /// True when any finding blocks.
    pub fn blocks(findings: &[Finding]) -> bool {
        findings.iter().any(|f| f.severity == Severity::Block)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constitution_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Constitution>();
    }
}
