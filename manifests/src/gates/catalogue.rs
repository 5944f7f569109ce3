//! The catalogue of built-in checks (names, parameters, the kinds they look at) and compiled
//! gates.

use std::sync::Arc;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::cel::CelGate;
use super::constitution::Spec;
use super::run::{Cx, Obj, Sink};
use super::{Severity, quantity};

/// Settings of the constitution that built-in checks read.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub protected: Vec<String>,
    pub registries: Vec<String>,
    /// Budget in cores and bytes.
    pub budget_cpu: f64,
    pub budget_memory: f64,
    pub budget: super::ResourceAmounts,
    pub requests: super::ResourceAmounts,
    pub limits: super::ResourceAmounts,
}

impl Settings {
    pub fn new(spec: &Spec) -> Self {
        let r = &spec.resources;
        Settings {
            protected: spec.protected_namespaces.clone(),
            registries: spec.allowed_registries.clone(),
            budget_cpu: quantity::parse(&r.budget.cpu).unwrap_or(f64::INFINITY),
            budget_memory: quantity::parse(&r.budget.memory).unwrap_or(f64::INFINITY),
            budget: r.budget.clone(),
            requests: r.requests.clone(),
            limits: r.limits.clone(),
        }
    }

    pub fn is_protected(&self, ns: &str) -> bool {
        self.protected.iter().any(|p| p == ns)
    }
}

/// A compiled gate.
#[derive(Debug, Clone)]
pub(crate) struct Gate {
    pub id: String,
    pub severity: Severity,
    /// Whether a waiver annotation silences it (always for warn gates).
    pub waivable: bool,
    pub kinds: Option<Vec<String>>,
    pub namespaces: Option<Vec<String>>,
    pub rule: Rule,
}

/// What a gate checks.
#[derive(Debug, Clone)]
pub(crate) enum Rule {
    /// A built-in check over objects.
    Object(Check),
    /// A built-in check over kubectl actions.
    Action(ActionCheck),
    /// A CEL expression over `object`.
    Cel(Arc<CelGate>),
}

/// Built-in object checks.
#[derive(Debug, Clone)]
pub(crate) enum Check {
    ImagePinned {
        require_digest: bool,
    },
    AllowedRegistries,
    ResourcesSet {
        requests: Vec<String>,
        limits: Vec<String>,
    },
    ResourcesWithinBudget,
    ProbesSet {
        liveness: bool,
        readiness: bool,
    },
    RunAsNonRoot,
    NoPrivilegeEscalation,
    ReadOnlyRootFs,
    NoPrivileged,
    NoHostNamespaces,
    NoHostPath,
    ProtectedNamespaces,
    NoClusterAdminBinding {
        roles: Vec<String>,
    },
    PlaintextSecretsConfigMap,
    PlaintextSecretsEnv,
    ConfigExternalised {
        max_literal_env: usize,
    },
    SelectorMatchesTemplate,
    ServiceTargetPort,
}

/// Built-in action checks.
#[derive(Debug, Clone)]
pub(crate) enum ActionCheck {
    ProtectedNamespaceDelete,
    /// `kubectl delete namespace` of any other namespace (everything in it goes too).
    NamespaceDelete,
    MassDelete,
    ClusterAdminGrant {
        roles: Vec<String>,
    },
    ProtectedNamespaceChanges,
}

/// The names `check:` accepts.
pub(crate) const CHECK_NAMES: &[&str] = &[
    "image-pinned",
    "allowed-registries",
    "resources-set",
    "resources-within-budget",
    "probes-set",
    "run-as-non-root",
    "no-privilege-escalation",
    "read-only-root-fs",
    "no-privileged",
    "no-host-namespaces",
    "no-host-path",
    "protected-namespaces",
    "no-cluster-admin-binding",
    "no-plaintext-secrets-configmap",
    "no-plaintext-secrets-env",
    "config-externalised",
    "selector-matches-template",
    "service-target-port",
    "no-protected-namespace-delete",
    "no-namespace-delete",
    "no-mass-delete",
    "no-cluster-admin-grant",
    "no-protected-namespace-changes",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImageParams {
    #[serde(default)]
    require_digest: bool,
}

fn both() -> Vec<String> {
    vec!["cpu".into(), "memory".into()]
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResourcesParams {
    #[serde(default = "both")]
    requests: Vec<String>,
    #[serde(default = "both")]
    limits: Vec<String>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProbesParams {
    #[serde(default = "yes")]
    liveness: bool,
    #[serde(default = "yes")]
    readiness: bool,
}

fn eight() -> usize {
    8
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigParams {
    #[serde(default = "eight")]
    max_literal_env: usize,
}

fn cluster_admin() -> Vec<String> {
    vec!["cluster-admin".into()]
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RolesParams {
    #[serde(default = "cluster_admin")]
    roles: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoParams {}

fn params<T: DeserializeOwned>(name: &str, p: Option<&Map<String, Value>>) -> Result<T, String> {
    let value = Value::Object(p.cloned().unwrap_or_default());
    serde_json::from_value(value).map_err(|e| format!("params of check `{name}`: {e}"))
}

impl Rule {
    /// Looks a built-in check up by name and reads its parameters.
    pub fn builtin(name: &str, p: Option<&Map<String, Value>>) -> Result<Rule, String> {
        let none = |r: Rule| params::<NoParams>(name, p).map(|_| r);
        Ok(match name {
            "image-pinned" => {
                let ImageParams { require_digest } = params(name, p)?;
                Rule::Object(Check::ImagePinned { require_digest })
            }
            "allowed-registries" => none(Rule::Object(Check::AllowedRegistries))?,
            "resources-set" => {
                let ResourcesParams { requests, limits } = params(name, p)?;
                for r in requests.iter().chain(&limits) {
                    if r != "cpu" && r != "memory" {
                        return Err(format!(
                            "params of check `{name}`: unknown resource `{r}`; use `cpu` and/or `memory`"
                        ));
                    }
                }
                Rule::Object(Check::ResourcesSet { requests, limits })
            }
            "resources-within-budget" => none(Rule::Object(Check::ResourcesWithinBudget))?,
            "probes-set" => {
                let ProbesParams {
                    liveness,
                    readiness,
                } = params(name, p)?;
                Rule::Object(Check::ProbesSet {
                    liveness,
                    readiness,
                })
            }
            "run-as-non-root" => none(Rule::Object(Check::RunAsNonRoot))?,
            "no-privilege-escalation" => none(Rule::Object(Check::NoPrivilegeEscalation))?,
            "read-only-root-fs" => none(Rule::Object(Check::ReadOnlyRootFs))?,
            "no-privileged" => none(Rule::Object(Check::NoPrivileged))?,
            "no-host-namespaces" => none(Rule::Object(Check::NoHostNamespaces))?,
            "no-host-path" => none(Rule::Object(Check::NoHostPath))?,
            "protected-namespaces" => none(Rule::Object(Check::ProtectedNamespaces))?,
            "no-cluster-admin-binding" => {
                let RolesParams { roles } = params(name, p)?;
                Rule::Object(Check::NoClusterAdminBinding { roles })
            }
            "no-plaintext-secrets-configmap" => {
                none(Rule::Object(Check::PlaintextSecretsConfigMap))?
            }
            "no-plaintext-secrets-env" => none(Rule::Object(Check::PlaintextSecretsEnv))?,
            "config-externalised" => {
                let ConfigParams { max_literal_env } = params(name, p)?;
                Rule::Object(Check::ConfigExternalised { max_literal_env })
            }
            "selector-matches-template" => none(Rule::Object(Check::SelectorMatchesTemplate))?,
            "service-target-port" => none(Rule::Object(Check::ServiceTargetPort))?,
            "no-protected-namespace-delete" => {
                none(Rule::Action(ActionCheck::ProtectedNamespaceDelete))?
            }
            "no-namespace-delete" => none(Rule::Action(ActionCheck::NamespaceDelete))?,
            "no-mass-delete" => none(Rule::Action(ActionCheck::MassDelete))?,
            "no-cluster-admin-grant" => {
                let RolesParams { roles } = params(name, p)?;
                Rule::Action(ActionCheck::ClusterAdminGrant { roles })
            }
            "no-protected-namespace-changes" => {
                none(Rule::Action(ActionCheck::ProtectedNamespaceChanges))?
            }
            other => {
                return Err(format!(
                    "unknown built-in check `{other}`; use one of: {}, or write a CEL `expr` instead",
                    CHECK_NAMES.join(", ")
                ));
            }
        })
    }

    /// Compiles a CEL gate.
    pub fn cel(expr: &str, message: &str, fix: &str) -> Result<Rule, String> {
        CelGate::compile(expr, message, fix).map(|g| Rule::Cel(Arc::new(g)))
    }
}

/// Which kinds of objects a built-in check looks at.
#[derive(Debug, Clone, Copy)]
pub(crate) enum KindSet {
    All,
    Workloads,
    LongRunning,
    Only(&'static [&'static str]),
}

/// Kinds that run until stopped (probes make sense for them).
pub(crate) const LONG_RUNNING: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Pod",
    "ReplicaSet",
    "ReplicationController",
];

impl Check {
    pub(crate) fn kinds(&self) -> KindSet {
        match self {
            Check::ProtectedNamespaces => KindSet::All,
            Check::NoClusterAdminBinding { .. } => {
                KindSet::Only(&["RoleBinding", "ClusterRoleBinding"])
            }
            Check::PlaintextSecretsConfigMap => KindSet::Only(&["ConfigMap"]),
            Check::ServiceTargetPort => KindSet::Only(&["Service"]),
            Check::ProbesSet { .. } => KindSet::LongRunning,
            _ => KindSet::Workloads,
        }
    }

    pub(crate) fn run(&self, cx: &Cx<'_>, obj: &Obj<'_>, sink: &mut Sink<'_>) {
        use super::{
            config, host, image, namespaces, probes, rbac, registries, resources, secrets,
            security, selectors, service_ports,
        };
        let s = cx.settings;
        match self {
            Check::ImagePinned { require_digest } => image::check(obj, *require_digest, sink),
            Check::AllowedRegistries => registries::check(obj, &s.registries, sink),
            Check::ResourcesSet { requests, limits } => {
                resources::check_set(obj, requests, limits, s, sink)
            }
            Check::ResourcesWithinBudget => resources::check_budget(obj, s, sink),
            Check::ProbesSet {
                liveness,
                readiness,
            } => probes::check(obj, *liveness, *readiness, sink),
            Check::RunAsNonRoot => security::run_as_non_root(obj, sink),
            Check::NoPrivilegeEscalation => security::no_privilege_escalation(obj, sink),
            Check::ReadOnlyRootFs => security::read_only_root_fs(obj, sink),
            Check::NoPrivileged => security::no_privileged(obj, sink),
            Check::NoHostNamespaces => host::no_host_namespaces(obj, sink),
            Check::NoHostPath => host::no_host_path(obj, sink),
            Check::ProtectedNamespaces => namespaces::check(obj, s, sink),
            Check::NoClusterAdminBinding { roles } => rbac::check(obj, roles, sink),
            Check::PlaintextSecretsConfigMap => secrets::check_configmap(obj, sink),
            Check::PlaintextSecretsEnv => secrets::check_env(obj, sink),
            Check::ConfigExternalised { max_literal_env } => {
                config::check(obj, *max_literal_env, sink)
            }
            Check::SelectorMatchesTemplate => selectors::check(obj, sink),
            Check::ServiceTargetPort => service_ports::check(obj, cx.workloads(), sink),
        }
    }
}
