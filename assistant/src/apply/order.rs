//! Dependency order: what must exist before what. Pure, so the manual-fallback writer numbers
//! its files the same way.

use serde_json::Value;

/// Dependency tiers, applied in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    /// Namespaces and CustomResourceDefinitions.
    Foundations,
    /// ServiceAccounts, Roles, ClusterRoles and their bindings.
    Identity,
    /// ConfigMaps and Secrets.
    Config,
    /// PersistentVolumes, PersistentVolumeClaims, StorageClasses.
    Storage,
    /// Services.
    Services,
    /// Deployments, StatefulSets, DaemonSets, Jobs, CronJobs, ReplicaSets, Pods.
    Workloads,
    /// HorizontalPodAutoscalers and PodDisruptionBudgets.
    Scaling,
    /// Ingresses (and Gateway API routes).
    Ingress,
    /// Everything else (custom resources, policies, …).
    Other,
}

/// The tier of a kind (by kind name; the group does not matter for built-ins).
pub fn tier(kind: &str) -> Tier {
    match kind {
        "Namespace" | "CustomResourceDefinition" => Tier::Foundations,
        "ServiceAccount" | "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding" => {
            Tier::Identity
        }
        "ConfigMap" | "Secret" => Tier::Config,
        "PersistentVolume" | "PersistentVolumeClaim" | "StorageClass" => Tier::Storage,
        "Service" => Tier::Services,
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "Job"
        | "CronJob"
        | "Pod"
        | "ReplicationController" => Tier::Workloads,
        "HorizontalPodAutoscaler" | "PodDisruptionBudget" => Tier::Scaling,
        "Ingress" | "IngressClass" | "HTTPRoute" | "GRPCRoute" | "Gateway" => Tier::Ingress,
        _ => Tier::Other,
    }
}

/// Indices of `manifests` in apply order: by [`tier`], keeping the given order within a tier.
pub fn apply_order(manifests: &[Value]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..manifests.len()).collect();
    idx.sort_by_key(|&i| tier(manifests[i]["kind"].as_str().unwrap_or_default()));
    idx
}
