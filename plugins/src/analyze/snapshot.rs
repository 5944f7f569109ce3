//! The cluster state the analyzers read: plain `k8s-openapi` objects, filled by a collector
//! (the `shipmate diagnose` command lists them from a live cluster; tests build them from
//! fixtures). Nothing here talks to a cluster.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{
    ConfigMap, Event, Node, PersistentVolumeClaim, Pod, ResourceQuota, Secret, Service,
    ServiceAccount,
};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::{Ingress, IngressClass, NetworkPolicy};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::storage::v1::StorageClass;

use super::owners::Owners;
use super::pod_state::{container_statuses, is_crashing};

/// Everything the analyzers may look at.
///
/// ConfigMaps may arrive with their values blanked and Secrets must arrive with only their key
/// names (values emptied): the analyzers only ever look at which keys exist.
#[derive(Debug, Default, Clone)]
pub struct Snapshot {
    /// Pods.
    pub pods: Vec<Pod>,
    /// Deployments.
    pub deployments: Vec<Deployment>,
    /// ReplicaSets (to map pods to their Deployment, and for `FailedCreate`).
    pub replica_sets: Vec<ReplicaSet>,
    /// StatefulSets.
    pub stateful_sets: Vec<StatefulSet>,
    /// DaemonSets.
    pub daemon_sets: Vec<DaemonSet>,
    /// Jobs.
    pub jobs: Vec<Job>,
    /// CronJobs.
    pub cron_jobs: Vec<CronJob>,
    /// Services.
    pub services: Vec<Service>,
    /// EndpointSlices (evidence for Services).
    pub endpoint_slices: Vec<EndpointSlice>,
    /// Ingresses.
    pub ingresses: Vec<Ingress>,
    /// IngressClasses (cluster-scoped).
    pub ingress_classes: Vec<IngressClass>,
    /// PersistentVolumeClaims.
    pub pvcs: Vec<PersistentVolumeClaim>,
    /// StorageClasses (cluster-scoped).
    pub storage_classes: Vec<StorageClass>,
    /// Nodes (cluster-scoped).
    pub nodes: Vec<Node>,
    /// HorizontalPodAutoscalers (`autoscaling/v2`).
    pub hpas: Vec<HorizontalPodAutoscaler>,
    /// PodDisruptionBudgets.
    pub pdbs: Vec<PodDisruptionBudget>,
    /// NetworkPolicies.
    pub network_policies: Vec<NetworkPolicy>,
    /// ConfigMaps (keys kept; values may be blanked).
    pub config_maps: Vec<ConfigMap>,
    /// Secrets (only key names kept; values emptied).
    pub secrets: Vec<Secret>,
    /// ServiceAccounts.
    pub service_accounts: Vec<ServiceAccount>,
    /// Events (`core/v1`).
    pub events: Vec<Event>,
    /// ResourceQuotas.
    pub resource_quotas: Vec<ResourceQuota>,
    /// Last lines of the previous instance of crashing containers (already tail-capped and
    /// masked), for the containers [`Snapshot::crashing_containers`] names.
    pub previous_logs: BTreeMap<ContainerRef, String>,
    /// Which kinds were actually listed. A kind that was not listed (no permission, or a
    /// cluster-scoped kind outside the scope) never yields a "missing X" finding.
    pub listed: BTreeSet<Kind>,
}

/// The kinds a [`Snapshot`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `v1/Pod`.
    Pod,
    /// `apps/v1/Deployment`.
    Deployment,
    /// `apps/v1/ReplicaSet`.
    ReplicaSet,
    /// `apps/v1/StatefulSet`.
    StatefulSet,
    /// `apps/v1/DaemonSet`.
    DaemonSet,
    /// `batch/v1/Job`.
    Job,
    /// `batch/v1/CronJob`.
    CronJob,
    /// `v1/Service`.
    Service,
    /// `discovery.k8s.io/v1/EndpointSlice`.
    EndpointSlice,
    /// `networking.k8s.io/v1/Ingress`.
    Ingress,
    /// `networking.k8s.io/v1/IngressClass`.
    IngressClass,
    /// `v1/PersistentVolumeClaim`.
    PersistentVolumeClaim,
    /// `storage.k8s.io/v1/StorageClass`.
    StorageClass,
    /// `v1/Node`.
    Node,
    /// `autoscaling/v2/HorizontalPodAutoscaler`.
    HorizontalPodAutoscaler,
    /// `policy/v1/PodDisruptionBudget`.
    PodDisruptionBudget,
    /// `networking.k8s.io/v1/NetworkPolicy`.
    NetworkPolicy,
    /// `v1/ConfigMap`.
    ConfigMap,
    /// `v1/Secret`.
    Secret,
    /// `v1/ServiceAccount`.
    ServiceAccount,
    /// `v1/Event`.
    Event,
    /// `v1/ResourceQuota`.
    ResourceQuota,
}

impl Kind {
    /// Every kind, in declaration order.
    pub const ALL: [Kind; 22] = [
        Kind::Pod,
        Kind::Deployment,
        Kind::ReplicaSet,
        Kind::StatefulSet,
        Kind::DaemonSet,
        Kind::Job,
        Kind::CronJob,
        Kind::Service,
        Kind::EndpointSlice,
        Kind::Ingress,
        Kind::IngressClass,
        Kind::PersistentVolumeClaim,
        Kind::StorageClass,
        Kind::Node,
        Kind::HorizontalPodAutoscaler,
        Kind::PodDisruptionBudget,
        Kind::NetworkPolicy,
        Kind::ConfigMap,
        Kind::Secret,
        Kind::ServiceAccount,
        Kind::Event,
        Kind::ResourceQuota,
    ];

    /// The Kubernetes kind name (`PersistentVolumeClaim`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Pod => "Pod",
            Kind::Deployment => "Deployment",
            Kind::ReplicaSet => "ReplicaSet",
            Kind::StatefulSet => "StatefulSet",
            Kind::DaemonSet => "DaemonSet",
            Kind::Job => "Job",
            Kind::CronJob => "CronJob",
            Kind::Service => "Service",
            Kind::EndpointSlice => "EndpointSlice",
            Kind::Ingress => "Ingress",
            Kind::IngressClass => "IngressClass",
            Kind::PersistentVolumeClaim => "PersistentVolumeClaim",
            Kind::StorageClass => "StorageClass",
            Kind::Node => "Node",
            Kind::HorizontalPodAutoscaler => "HorizontalPodAutoscaler",
            Kind::PodDisruptionBudget => "PodDisruptionBudget",
            Kind::NetworkPolicy => "NetworkPolicy",
            Kind::ConfigMap => "ConfigMap",
            Kind::Secret => "Secret",
            Kind::ServiceAccount => "ServiceAccount",
            Kind::Event => "Event",
            Kind::ResourceQuota => "ResourceQuota",
        }
    }

    /// Whether objects of this kind live in a namespace.
    pub fn namespaced(self) -> bool {
        !matches!(self, Kind::IngressClass | Kind::StorageClass | Kind::Node)
    }
}

/// One container of one pod.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ContainerRef {
    /// The pod's namespace.
    pub namespace: String,
    /// The pod's name.
    pub pod: String,
    /// The container's name.
    pub container: String,
}

impl Snapshot {
    /// An empty snapshot that claims every kind was listed (tests and complete collections).
    pub fn all_listed() -> Snapshot {
        Snapshot {
            listed: Kind::ALL.into_iter().collect(),
            ..Snapshot::default()
        }
    }

    /// Whether `kind` was listed (so that its absence means something).
    pub fn was_listed(&self, kind: Kind) -> bool {
        self.listed.contains(&kind)
    }

    /// The containers whose previous instance's logs the analyzers want: crash-looping or
    /// restarted after a failure. One pod per workload and container name (the first by
    /// name): replicas of one workload crash for the same reason, and fetching a thousand
    /// logs would not say more than one.
    pub fn crashing_containers(&self) -> Vec<ContainerRef> {
        let owners = Owners::new(self);
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        let mut pods: Vec<&Pod> = self.pods.iter().collect();
        pods.sort_by(|a, b| {
            (&a.metadata.namespace, &a.metadata.name)
                .cmp(&(&b.metadata.namespace, &b.metadata.name))
        });
        for pod in pods {
            let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
            let name = pod.metadata.name.as_deref().unwrap_or_default();
            let root = owners.root_of_pod(pod);
            for (_, status) in container_statuses(pod) {
                if is_crashing(status) && seen.insert((ns, root.clone(), status.name.as_str())) {
                    out.push(ContainerRef {
                        namespace: ns.to_owned(),
                        pod: name.to_owned(),
                        container: status.name.clone(),
                    });
                }
            }
        }
        out
    }
}
