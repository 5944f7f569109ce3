//! The resource catalogue and the discovery documents built from it.
//!
//! kubectl 1.37 first asks `/api` and `/apis` for the *aggregated* discovery form (`Accept:
//! application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,…,application/json`).
//! We always answer the legacy form (`APIVersions`, `APIGroupList`) with `Content-Type:
//! application/json`, which kubectl accepts as its fallback and then fetches each
//! `/apis/GROUP/VERSION` — one code path that both kubectl and the `kube` client understand.

use serde_json::{Value, json};

/// One served resource (a plural under a group/version).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ResourceInfo {
    /// API group; empty for the core group.
    pub group: String,
    /// Version, e.g. `v1`.
    pub version: String,
    /// Plural resource name, e.g. `deployments`.
    pub plural: String,
    /// Singular, e.g. `deployment`.
    pub singular: String,
    /// Kind, e.g. `Deployment`.
    pub kind: String,
    /// Whether objects live in namespaces.
    pub namespaced: bool,
    /// Short names (`deploy`).
    pub short_names: Vec<String>,
    /// Whether a `scale` subresource is served.
    pub scale: bool,
}

impl ResourceInfo {
    /// `apps/v1` or `v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// Whether `word` names this resource (kind, plural, singular, short name, optionally
    /// qualified by `.group`), case-insensitively.
    pub fn matches(&self, word: &str) -> bool {
        let word = word.to_ascii_lowercase();
        let (base, group) = match word.split_once('.') {
            Some((b, g)) => (b.to_string(), Some(g.to_string())),
            None => (word, None),
        };
        if group.is_some_and(|g| g != self.group) {
            return false;
        }
        base == self.plural
            || base == self.singular
            || base == self.kind.to_ascii_lowercase()
            || self.short_names.contains(&base)
    }
}

/// One built-in resource: (group, version, plural, kind, namespaced, short names, scale).
type Builtin = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    &'static [&'static str],
    bool,
);

/// Built-in resources.
#[rustfmt::skip]
const BUILTIN: &[Builtin] = &[
    ("", "v1", "namespaces", "Namespace", false, &["ns"], false),
    ("", "v1", "pods", "Pod", true, &["po"], false),
    ("", "v1", "services", "Service", true, &["svc"], false),
    ("", "v1", "configmaps", "ConfigMap", true, &["cm"], false),
    ("", "v1", "secrets", "Secret", true, &[], false),
    ("", "v1", "serviceaccounts", "ServiceAccount", true, &["sa"], false),
    ("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, &["pvc"], false),
    ("", "v1", "persistentvolumes", "PersistentVolume", false, &["pv"], false),
    ("", "v1", "nodes", "Node", false, &["no"], false),
    ("", "v1", "events", "Event", true, &["ev"], false),
    ("", "v1", "endpoints", "Endpoints", true, &["ep"], false),
    ("", "v1", "resourcequotas", "ResourceQuota", true, &["quota"], false),
    ("", "v1", "replicationcontrollers", "ReplicationController", true, &["rc"], true),
    ("apps", "v1", "deployments", "Deployment", true, &["deploy"], true),
    ("apps", "v1", "statefulsets", "StatefulSet", true, &["sts"], true),
    ("apps", "v1", "daemonsets", "DaemonSet", true, &["ds"], false),
    ("apps", "v1", "replicasets", "ReplicaSet", true, &["rs"], true),
    ("batch", "v1", "jobs", "Job", true, &[], false),
    ("batch", "v1", "cronjobs", "CronJob", true, &["cj"], false),
    ("networking.k8s.io", "v1", "ingresses", "Ingress", true, &["ing"], false),
    ("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, &["netpol"], false),
    ("networking.k8s.io", "v1", "ingressclasses", "IngressClass", false, &[], false),
    ("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true, &[], false),
    ("storage.k8s.io", "v1", "storageclasses", "StorageClass", false, &["sc"], false),
    ("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, &["hpa"], false),
    ("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, &["pdb"], false),
    ("rbac.authorization.k8s.io", "v1", "roles", "Role", true, &[], false),
    ("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true, &[], false),
    ("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false, &[], false),
    ("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false, &[], false),
    ("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false, &["crd", "crds"], false),
];

/// Resources in the `all` category (`kubectl get all`), as (group, plural).
const IN_CATEGORY_ALL: &[(&str, &str)] = &[
    ("", "pods"),
    ("", "services"),
    ("", "replicationcontrollers"),
    ("apps", "deployments"),
    ("apps", "statefulsets"),
    ("apps", "daemonsets"),
    ("apps", "replicasets"),
    ("batch", "jobs"),
    ("batch", "cronjobs"),
    ("autoscaling", "horizontalpodautoscalers"),
];

/// The built-in catalogue.
pub(crate) fn builtin() -> Vec<ResourceInfo> {
    BUILTIN
        .iter()
        .map(
            |&(group, version, plural, kind, namespaced, short, scale)| ResourceInfo {
                group: group.into(),
                version: version.into(),
                plural: plural.into(),
                singular: kind.to_ascii_lowercase(),
                kind: kind.into(),
                namespaced,
                short_names: short.iter().map(|s| s.to_string()).collect(),
                scale,
            },
        )
        .collect()
}

/// The resources a stored CustomResourceDefinition serves (one per served version).
pub(crate) fn from_crd(crd: &Value) -> Vec<ResourceInfo> {
    let spec = &crd["spec"];
    let (Some(group), Some(plural), Some(kind)) = (
        spec["group"].as_str(),
        spec["names"]["plural"].as_str(),
        spec["names"]["kind"].as_str(),
    ) else {
        return Vec::new();
    };
    let singular = spec["names"]["singular"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| kind.to_ascii_lowercase());
    let short_names: Vec<String> = spec["names"]["shortNames"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let namespaced = spec["scope"].as_str() != Some("Cluster");
    spec["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|v| v["served"].as_bool().unwrap_or(true))
        .filter_map(|v| v["name"].as_str())
        .map(|version| ResourceInfo {
            group: group.into(),
            version: version.into(),
            plural: plural.into(),
            singular: singular.clone(),
            kind: kind.into(),
            namespaced,
            short_names: short_names.clone(),
            scale: false,
        })
        .collect()
}

/// `/version`.
pub(crate) fn version() -> Value {
    json!({
        "major": "1", "minor": "37", "gitVersion": "v1.37.0-fake",
        "gitCommit": "0000000000000000000000000000000000000000", "gitTreeState": "clean",
        "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.25", "compiler": "gc",
        "platform": "linux/amd64", "emulationMajor": "1", "emulationMinor": "37",
        "minCompatibilityMajor": "1", "minCompatibilityMinor": "36"
    })
}

/// `/api`.
pub(crate) fn core_versions() -> Value {
    json!({
        "kind": "APIVersions", "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]
    })
}

/// `/apis`: every non-core group with its versions, in first-seen order.
pub(crate) fn group_list(catalogue: &[ResourceInfo]) -> Value {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for r in catalogue.iter().filter(|r| !r.group.is_empty()) {
        match groups.iter_mut().find(|(g, _)| *g == r.group) {
            Some((_, versions)) if !versions.contains(&r.version) => {
                versions.push(r.version.clone())
            }
            Some(_) => {}
            None => groups.push((r.group.clone(), vec![r.version.clone()])),
        }
    }
    let groups: Vec<Value> = groups
        .into_iter()
        .map(|(name, versions)| {
            let gv = |v: &String| json!({"groupVersion": format!("{name}/{v}"), "version": v});
            json!({
                "name": name,
                "versions": versions.iter().map(gv).collect::<Vec<_>>(),
                "preferredVersion": gv(&versions[0]),
            })
        })
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// `/apis/GROUP` (an `APIGroup`), if the group is served.
pub(crate) fn group(catalogue: &[ResourceInfo], name: &str) -> Option<Value> {
    let list = group_list(catalogue);
    let mut g = list["groups"]
        .as_array()?
        .iter()
        .find(|g| g["name"] == name)?
        .clone();
    g["kind"] = "APIGroup".into();
    g["apiVersion"] = "v1".into();
    Some(g)
}

/// `/api/v1` or `/apis/GROUP/VERSION` (an `APIResourceList`), if served.
pub(crate) fn resource_list(
    catalogue: &[ResourceInfo],
    group: &str,
    version: &str,
) -> Option<Value> {
    let mut resources = Vec::new();
    for r in catalogue
        .iter()
        .filter(|r| r.group == group && r.version == version)
    {
        let mut verbs = vec![
            "create",
            "delete",
            "deletecollection",
            "get",
            "list",
            "patch",
            "update",
        ];
        if r.plural == "namespaces" {
            verbs.retain(|v| *v != "deletecollection");
        }
        let mut resource = json!({
            "name": r.plural, "singularName": r.singular, "namespaced": r.namespaced,
            "kind": r.kind, "verbs": verbs, "shortNames": r.short_names,
            "storageVersionHash": "fake",
        });
        if IN_CATEGORY_ALL.contains(&(r.group.as_str(), r.plural.as_str())) {
            resource["categories"] = json!(["all"]);
        }
        resources.push(resource);
        resources.push(json!({
            "name": format!("{}/status", r.plural), "singularName": "", "namespaced": r.namespaced,
            "kind": r.kind, "verbs": ["get", "patch", "update"],
        }));
        if r.group.is_empty() && r.plural == "pods" {
            resources.push(json!({
                "name": "pods/log", "singularName": "", "namespaced": true,
                "kind": "Pod", "verbs": ["get"],
            }));
        }
        if r.scale {
            resources.push(json!({
                "name": format!("{}/scale", r.plural), "singularName": "", "namespaced": r.namespaced,
                "group": "autoscaling", "version": "v1", "kind": "Scale",
                "verbs": ["get", "patch", "update"],
            }));
        }
    }
    if resources.is_empty() {
        return None;
    }
    let gv = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    Some(json!({
        "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources
    }))
}
