//! Resource type words as kubectl accepts them (`deployment`, `deploy`, `deployments`,
//! `Deployment`, `deployments.apps`, `deployments.v1.apps`) for the built-in kinds.
//!
//! kubectl learns these from the server's discovery (short names included). The built-in
//! kinds never change their names, so a table answers without a round trip; a word it does not
//! know (a custom resource) is left to kubectl itself, which asks discovery.

/// A built-in resource type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceType {
    /// `apiVersion`, e.g. `apps/v1`.
    pub api_version: &'static str,
    /// `kind`, e.g. `Deployment`.
    pub kind: &'static str,
    /// The plural resource name, e.g. `deployments`.
    pub plural: &'static str,
    /// Short names, e.g. `deploy`.
    pub short_names: &'static [&'static str],
    /// Whether objects of this type live in a namespace.
    pub namespaced: bool,
}

impl ResourceType {
    /// The API group (empty for the core group).
    pub fn group(&self) -> &'static str {
        self.api_version.split_once('/').map_or("", |(g, _)| g)
    }
}

macro_rules! types {
    ($(($api:literal, $kind:literal, $plural:literal, [$($short:literal),*], $ns:literal)),* $(,)?) => {
        &[$(ResourceType {
            api_version: $api,
            kind: $kind,
            plural: $plural,
            short_names: &[$($short),*],
            namespaced: $ns,
        }),*]
    };
}

/// The built-in kinds kubectl actions name.
const TYPES: &[ResourceType] = types![
    ("v1", "Pod", "pods", ["po"], true),
    ("v1", "Service", "services", ["svc"], true),
    ("v1", "ConfigMap", "configmaps", ["cm"], true),
    ("v1", "Secret", "secrets", [], true),
    ("v1", "ServiceAccount", "serviceaccounts", ["sa"], true),
    (
        "v1",
        "PersistentVolumeClaim",
        "persistentvolumeclaims",
        ["pvc"],
        true
    ),
    ("v1", "PersistentVolume", "persistentvolumes", ["pv"], false),
    ("v1", "Namespace", "namespaces", ["ns"], false),
    ("v1", "Node", "nodes", ["no"], false),
    ("v1", "Endpoints", "endpoints", ["ep"], true),
    ("v1", "Event", "events", ["ev"], true),
    (
        "v1",
        "ReplicationController",
        "replicationcontrollers",
        ["rc"],
        true
    ),
    ("v1", "LimitRange", "limitranges", ["limits"], true),
    ("v1", "ResourceQuota", "resourcequotas", ["quota"], true),
    ("apps/v1", "Deployment", "deployments", ["deploy"], true),
    ("apps/v1", "StatefulSet", "statefulsets", ["sts"], true),
    ("apps/v1", "DaemonSet", "daemonsets", ["ds"], true),
    ("apps/v1", "ReplicaSet", "replicasets", ["rs"], true),
    ("batch/v1", "Job", "jobs", [], true),
    ("batch/v1", "CronJob", "cronjobs", ["cj"], true),
    (
        "networking.k8s.io/v1",
        "Ingress",
        "ingresses",
        ["ing"],
        true
    ),
    (
        "networking.k8s.io/v1",
        "NetworkPolicy",
        "networkpolicies",
        ["netpol"],
        true
    ),
    (
        "autoscaling/v2",
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
        ["hpa"],
        true
    ),
    (
        "policy/v1",
        "PodDisruptionBudget",
        "poddisruptionbudgets",
        ["pdb"],
        true
    ),
    ("rbac.authorization.k8s.io/v1", "Role", "roles", [], true),
    (
        "rbac.authorization.k8s.io/v1",
        "RoleBinding",
        "rolebindings",
        [],
        true
    ),
    (
        "rbac.authorization.k8s.io/v1",
        "ClusterRole",
        "clusterroles",
        [],
        false
    ),
    (
        "rbac.authorization.k8s.io/v1",
        "ClusterRoleBinding",
        "clusterrolebindings",
        [],
        false
    ),
    (
        "storage.k8s.io/v1",
        "StorageClass",
        "storageclasses",
        ["sc"],
        false
    ),
    (
        "apiextensions.k8s.io/v1",
        "CustomResourceDefinition",
        "customresourcedefinitions",
        ["crd", "crds"],
        false
    ),
];

/// The built-in resource type a kubectl type word names, case-insensitively: kind, plural,
/// singular or short name, optionally qualified as `RESOURCE.GROUP` or
/// `RESOURCE.VERSION.GROUP`. `None` for anything else (custom resources, typos).
pub fn resource_type(word: &str) -> Option<&'static ResourceType> {
    TYPES
        .iter()
        .find(|t| names_type(word, t.api_version, t.kind, t.plural, t.short_names))
}

/// Whether the kubectl type word `word` names the resource type `api_version`/`kind` with
/// plural `plural` and `short_names` (as a server's discovery lists them), by the rules of
/// [`resource_type`]. For types the table does not know (custom resources).
pub fn names_type<S: AsRef<str>>(
    word: &str,
    api_version: &str,
    kind: &str,
    plural: &str,
    short_names: &[S],
) -> bool {
    let word = word.to_ascii_lowercase();
    let (base, qualifier) = match word.split_once('.') {
        Some((b, q)) => (b, Some(q)),
        None => (word.as_str(), None),
    };
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    let qualified =
        qualifier.is_none_or(|q| q == group || q.split_once('.') == Some((version, group)));
    // The lower-cased kind is kubectl's singular name for every built-in type.
    qualified
        && (base == plural
            || base == kind.to_ascii_lowercase()
            || short_names.iter().any(|s| s.as_ref() == base))
}
