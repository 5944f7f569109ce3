//! The catalogue of built-in checks, compiled gates, and the loop that runs them over objects.

use std::sync::Arc;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::cel::CelGate;
use super::constitution::Spec;
use super::pod_spec::{self, WORKLOAD_KINDS};
use super::service_ports::WorkloadIndex;
use super::{Constitution, Finding, Severity, quantity, waiver};

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
    SelectorMatchesTemplate,
    ServiceTargetPort,
}

/// Built-in action checks.
#[derive(Debug, Clone)]
pub(crate) enum ActionCheck {
    ProtectedNamespaceDelete,
    MassDelete,
    ClusterAdminGrant { roles: Vec<String> },
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
    "selector-matches-template",
    "service-target-port",
    "no-protected-namespace-delete",
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
            "selector-matches-template" => none(Rule::Object(Check::SelectorMatchesTemplate))?,
            "service-target-port" => none(Rule::Object(Check::ServiceTargetPort))?,
            "no-protected-namespace-delete" => {
                none(Rule::Action(ActionCheck::ProtectedNamespaceDelete))?
            }
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

impl Check {
    /// The kinds the check looks at (`None`: every kind).
    fn natural_kinds(&self) -> Option<&'static [&'static str]> {
        Some(match self {
            Check::ProtectedNamespaces => return None,
            Check::NoClusterAdminBinding { .. } => &["RoleBinding", "ClusterRoleBinding"],
            Check::PlaintextSecretsConfigMap => &["ConfigMap"],
            Check::ServiceTargetPort => &["Service"],
            Check::ProbesSet { .. } => &[
                "Deployment",
                "StatefulSet",
                "DaemonSet",
                "Pod",
                "ReplicaSet",
                "ReplicationController",
            ],
            _ => WORKLOAD_KINDS,
        })
    }

    fn run(&self, cx: &Cx<'_>, object: &Value, sink: &mut Sink<'_>) {
        use super::{
            host, image, namespaces, probes, rbac, registries, resources, secrets, security,
            selectors, service_ports,
        };
        let s = cx.settings;
        match self {
            Check::ImagePinned { require_digest } => image::check(object, *require_digest, sink),
            Check::AllowedRegistries => registries::check(object, &s.registries, sink),
            Check::ResourcesSet { requests, limits } => {
                resources::check_set(object, requests, limits, s, sink)
            }
            Check::ResourcesWithinBudget => resources::check_budget(object, s, sink),
            Check::ProbesSet {
                liveness,
                readiness,
            } => probes::check(object, *liveness, *readiness, sink),
            Check::RunAsNonRoot => security::run_as_non_root(object, sink),
            Check::NoPrivilegeEscalation => security::no_privilege_escalation(object, sink),
            Check::ReadOnlyRootFs => security::read_only_root_fs(object, sink),
            Check::NoPrivileged => security::no_privileged(object, sink),
            Check::NoHostNamespaces => host::no_host_namespaces(object, sink),
            Check::NoHostPath => host::no_host_path(object, sink),
            Check::ProtectedNamespaces => namespaces::check(object, s, sink),
            Check::NoClusterAdminBinding { roles } => rbac::check(object, roles, sink),
            Check::PlaintextSecretsConfigMap => secrets::check_configmap(object, sink),
            Check::PlaintextSecretsEnv => secrets::check_env(object, sink),
            Check::SelectorMatchesTemplate => selectors::check(object, sink),
            Check::ServiceTargetPort => service_ports::check(object, cx.workloads(), sink),
        }
    }
}

/// What checks may read besides the object: settings and the whole checked set.
pub(crate) struct Cx<'a> {
    pub settings: &'a Settings,
    objects: &'a [&'a Value],
    index: std::cell::OnceCell<WorkloadIndex<'a>>,
}

impl<'a> Cx<'a> {
    fn workloads(&self) -> &WorkloadIndex<'a> {
        self.index.get_or_init(|| WorkloadIndex::new(self.objects))
    }
}

/// Collects the findings of one gate on one object.
pub(crate) struct Sink<'a> {
    gate: &'a str,
    severity: Severity,
    object: &'a str,
    out: &'a mut Vec<Finding>,
}

impl<'a> Sink<'a> {
    pub fn new(
        gate: &'a str,
        severity: Severity,
        object: &'a str,
        out: &'a mut Vec<Finding>,
    ) -> Self {
        Sink {
            gate,
            severity,
            object,
            out,
        }
    }

    /// Records a failure.
    pub fn emit(&mut self, message: String, fix: String) {
        self.out.push(Finding {
            gate: self.gate.to_owned(),
            severity: self.severity,
            object: self.object.to_owned(),
            message,
            fix,
        });
    }
}

impl Gate {
    fn applies_to(&self, kind: &str, namespace: Option<&str>) -> bool {
        if let Some(kinds) = &self.kinds
            && !kinds.iter().any(|k| k == kind || k == "*")
        {
            return false;
        }
        if let Some(namespaces) = &self.namespaces {
            let ns = namespace.unwrap_or("default");
            if !namespaces.iter().any(|n| n == ns) {
                return false;
            }
        }
        true
    }
}

/// Runs every object gate over every object.
pub(crate) fn check_objects(c: &Constitution, objects: &[&Value]) -> Vec<Vec<Finding>> {
    let cx = Cx {
        settings: &c.settings,
        objects,
        index: std::cell::OnceCell::new(),
    };
    objects
        .iter()
        .map(|object| check_one(c, &cx, object))
        .collect()
}

fn check_one(c: &Constitution, cx: &Cx<'_>, object: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    if !object.is_object() {
        return out;
    }
    let kind = pod_spec::kind(object);
    let namespace = pod_spec::namespace(object);
    let display = crate::document::object_ref(object);
    let waivers = waiver::Waivers::of(object);
    let mut cel_object = None;
    for gate in &c.gates {
        let natural = match &gate.rule {
            Rule::Object(check) => check.natural_kinds(),
            Rule::Cel(_) => None,
            Rule::Action(_) => continue,
        };
        if let Some(natural) = natural
            && !natural.contains(&kind)
        {
            continue;
        }
        if !gate.applies_to(kind, namespace) {
            continue;
        }
        if gate.waivable && waivers.waives(&gate.id) {
            continue;
        }
        let mut sink = Sink::new(&gate.id, gate.severity, &display, &mut out);
        match &gate.rule {
            Rule::Object(check) => check.run(cx, object, &mut sink),
            Rule::Cel(cel) => cel.run(object, &mut cel_object, &mut sink),
            Rule::Action(_) => {}
        }
    }
    waivers.report(c, &display, &mut out);
    out
}
