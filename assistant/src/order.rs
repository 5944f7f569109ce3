//! The order in which objects are applied: by dependency tier, so that what an object refers to
//! exists before it does (a Namespace before what lives in it, a CRD before its custom
//! resources, a ServiceAccount and ConfigMap before the Deployment that mounts them, a workload
//! before its autoscaler). The manual fallback numbers its files in this order, and the applier
//! applies tier by tier; deleting goes in the reverse order.

use serde_json::Value;

/// Dependency tiers, applied from first to last. Objects within a tier do not depend on each
/// other and may be applied concurrently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    /// Namespaces, CRDs and cluster-wide classes (StorageClass, PriorityClass, IngressClass…).
    Foundations,
    /// ServiceAccounts, RBAC, quotas, limit ranges, network policies.
    Identity,
    /// ConfigMaps and Secrets.
    Config,
    /// PersistentVolumes and PersistentVolumeClaims.
    Storage,
    /// Services (and their endpoints).
    Services,
    /// Pods and the controllers that run them.
    Workloads,
    /// HorizontalPodAutoscalers and PodDisruptionBudgets.
    Scaling,
    /// Ingresses and Gateway API routes.
    Routing,
    /// Everything else (custom resources, webhooks, unknown kinds): last, once what they may
    /// refer to exists.
    Other,
}

/// The tier of a `kind`.
pub fn tier(kind: &str) -> Tier {
    match kind {
        "Namespace"
        | "CustomResourceDefinition"
        | "StorageClass"
        | "PriorityClass"
        | "IngressClass"
        | "RuntimeClass"
        | "GatewayClass" => Tier::Foundations,
        "ServiceAccount" | "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding"
        | "ResourceQuota" | "LimitRange" | "NetworkPolicy" => Tier::Identity,
        "ConfigMap" | "Secret" => Tier::Config,
        "PersistentVolume" | "PersistentVolumeClaim" => Tier::Storage,
        "Service" | "Endpoints" | "EndpointSlice" => Tier::Services,
        "Pod"
        | "ReplicaSet"
        | "ReplicationController"
        | "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "Job"
        | "CronJob" => Tier::Workloads,
        "HorizontalPodAutoscaler" | "VerticalPodAutoscaler" | "PodDisruptionBudget" => {
            Tier::Scaling
        }
        "Ingress" | "Gateway" | "HTTPRoute" | "GRPCRoute" | "TLSRoute" | "TCPRoute"
        | "UDPRoute" => Tier::Routing,
        _ => Tier::Other,
    }
}

/// The indices of `manifests` in apply order: by [`tier`], keeping the proposal's order within a
/// tier (a stable sort).
pub fn apply_order(manifests: &[Value]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..manifests.len()).collect();
    order.sort_by_key(|&i| {
        tier(
            manifests[i]
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or(""),
        )
    });
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kinds(kinds: &[&str]) -> Vec<Value> {
        kinds
            .iter()
            .enumerate()
            .map(|(i, k)| json!({"kind": k, "metadata": {"name": format!("o{i}")}}))
            .collect()
    }

    #[test]
    fn dependencies_come_first_and_ties_keep_their_order() {
        let m = kinds(&[
            "Ingress",
            "HorizontalPodAutoscaler",
            "Deployment",
            "Service",
            "PersistentVolumeClaim",
            "Secret",
            "ConfigMap",
            "RoleBinding",
            "ServiceAccount",
            "Widget",
            "CustomResourceDefinition",
            "Namespace",
        ]);
        let ordered: Vec<&str> = apply_order(&m)
            .into_iter()
            .map(|i| m[i]["kind"].as_str().unwrap())
            .collect();
        assert_eq!(
            ordered,
            [
                "CustomResourceDefinition",
                "Namespace",
                "RoleBinding",
                "ServiceAccount",
                "Secret",
                "ConfigMap",
                "PersistentVolumeClaim",
                "Service",
                "Deployment",
                "HorizontalPodAutoscaler",
                "Ingress",
                "Widget",
            ]
        );
    }

    #[test]
    fn a_missing_kind_goes_last() {
        let m = vec![json!({"metadata": {}}), json!({"kind": "Namespace"})];
        assert_eq!(apply_order(&m), [1, 0]);
    }
}
