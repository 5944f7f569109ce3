//! Filling a [`Snapshot`] from the live cluster: every kind the analyzers read, listed
//! concurrently (at most [`Limits::in_flight`] requests at once), page by page, trimmed as
//! decoded; then the previous instance's log of a bounded number of crashing containers.

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
use kube::Api;
use shipmate_plugins::Progress;
use shipmate_plugins::analyze::{Kind, Snapshot};
use tokio::sync::Semaphore;

use super::list::{Lister, Skipped};
use super::progress::Counter;
use super::{Limits, Scope, logs, trim};
use crate::cluster::{Cluster, ClusterError};

/// A filled snapshot and the kinds that could not be listed.
#[derive(Debug)]
pub struct Collected {
    /// What was read.
    pub snapshot: Snapshot,
    /// Kinds not listed, and why.
    pub skipped: Vec<Skipped>,
    /// Objects read in all.
    pub objects: usize,
}

/// Reads everything the analyzers need in `scope`.
///
/// # Errors
/// The cluster cannot be reached, rejects the credentials, or fails otherwise than by
/// forbidding or not serving a kind.
pub async fn collect(
    cluster: &Cluster,
    scope: &Scope,
    limits: &Limits,
    progress: &mut dyn Progress,
) -> Result<Collected, ClusterError> {
    let counter = Counter::new(progress);
    let ns = scope.namespace();
    let lister = Lister {
        in_flight: Semaphore::new(limits.in_flight),
        counter: &counter,
        url: cluster.url(),
        namespace: ns,
    };
    let client = cluster.client();
    macro_rules! scoped {
        ($t:ty) => {
            match ns {
                Some(ns) => Api::<$t>::namespaced(client.clone(), ns),
                None => Api::<$t>::all(client.clone()),
            }
        };
    }
    let (
        (pods, deployments, replica_sets, stateful_sets, daemon_sets, jobs, cron_jobs, services),
        (endpoint_slices, ingresses, ingress_classes, pvcs, storage_classes, nodes, hpas, pdbs),
        (network_policies, config_maps, secrets, service_accounts, events, resource_quotas),
    ) = tokio::join!(
        async {
            tokio::join!(
                lister.all(scoped!(Pod), "pods", None, |o| trim::metadata(
                    &mut o.metadata
                )),
                lister.all(scoped!(Deployment), "deployments", None, |o| {
                    trim::metadata(&mut o.metadata);
                }),
                lister.all(scoped!(ReplicaSet), "replicasets", None, |o| {
                    trim::metadata(&mut o.metadata);
                }),
                lister.all(scoped!(StatefulSet), "statefulsets", None, |o| {
                    trim::metadata(&mut o.metadata);
                }),
                lister.all(scoped!(DaemonSet), "daemonsets", None, |o| {
                    trim::metadata(&mut o.metadata);
                }),
                lister.all(scoped!(Job), "jobs", None, |o| trim::metadata(
                    &mut o.metadata
                )),
                lister.all(scoped!(CronJob), "cronjobs", None, |o| {
                    trim::metadata(&mut o.metadata);
                }),
                lister.all(scoped!(Service), "services", None, |o| {
                    trim::metadata(&mut o.metadata);
                }),
            )
        },
        async {
            tokio::join!(
                lister.all(scoped!(EndpointSlice), "endpointslices", None, |o| {
                    trim::metadata(&mut o.metadata);
                }),
                lister.all(scoped!(Ingress), "ingresses", None, |o| {
                    trim::metadata(&mut o.metadata);
                }),
                lister.all(
                    Api::<IngressClass>::all(client.clone()),
                    "ingressclasses",
                    None,
                    |o| {
                        trim::metadata(&mut o.metadata);
                    }
                ),
                lister.all(
                    scoped!(PersistentVolumeClaim),
                    "persistentvolumeclaims",
                    None,
                    |o| {
                        trim::metadata(&mut o.metadata);
                    }
                ),
                lister.all(
                    Api::<StorageClass>::all(client.clone()),
                    "storageclasses",
                    None,
                    |o| {
                        trim::metadata(&mut o.metadata);
                    }
                ),
                lister.all(Api::<Node>::all(client.clone()), "nodes", None, |o| {
                    trim::metadata(&mut o.metadata);
                    // Image lists are the bulk of a node's status and no analyzer reads them.
                    if let Some(s) = &mut o.status {
                        s.images = None;
                    }
                }),
                lister.all(
                    scoped!(HorizontalPodAutoscaler),
                    "horizontalpodautoscalers",
                    None,
                    |o| {
                        trim::metadata(&mut o.metadata);
                    }
                ),
                lister.all(
                    scoped!(PodDisruptionBudget),
                    "poddisruptionbudgets",
                    None,
                    |o| {
                        trim::metadata(&mut o.metadata);
                    }
                ),
            )
        },
        async {
            tokio::join!(
                lister.all(scoped!(NetworkPolicy), "networkpolicies", None, |o| {
                    trim::metadata(&mut o.metadata);
                }),
                lister.all(scoped!(ConfigMap), "configmaps", None, trim::config_map),
                lister.all(scoped!(Secret), "secrets", None, trim::secret),
                lister.all(scoped!(ServiceAccount), "serviceaccounts", None, |o| {
                    trim::metadata(&mut o.metadata);
                }),
                // Normal events (pulled, created, started) say nothing is wrong, and are most
                // of a busy cluster's events.
                lister.all(scoped!(Event), "events", Some("type!=Normal"), trim::event),
                lister.all(scoped!(ResourceQuota), "resourcequotas", None, |o| {
                    trim::metadata(&mut o.metadata);
                }),
            )
        },
    );
    let mut snapshot = Snapshot::default();
    let mut skipped = Vec::new();
    macro_rules! keep {
        ($($field:ident => $kind:ident),* $(,)?) => {
            $(
                match $field? {
                    Ok(items) => {
                        snapshot.$field = items;
                        snapshot.listed.insert(Kind::$kind);
                    }
                    Err(skip) => skipped.push(skip),
                }
            )*
        };
    }
    keep!(
        pods => Pod,
        deployments => Deployment,
        replica_sets => ReplicaSet,
        stateful_sets => StatefulSet,
        daemon_sets => DaemonSet,
        jobs => Job,
        cron_jobs => CronJob,
        services => Service,
        endpoint_slices => EndpointSlice,
        ingresses => Ingress,
        ingress_classes => IngressClass,
        pvcs => PersistentVolumeClaim,
        storage_classes => StorageClass,
        nodes => Node,
        hpas => HorizontalPodAutoscaler,
        pdbs => PodDisruptionBudget,
        network_policies => NetworkPolicy,
        config_maps => ConfigMap,
        secrets => Secret,
        service_accounts => ServiceAccount,
        events => Event,
        resource_quotas => ResourceQuota,
    );
    let objects = counter.total();
    counter.say("reading the logs of crashing containers…");
    logs::previous(cluster, &mut snapshot, limits).await;
    Ok(Collected {
        snapshot,
        skipped,
        objects,
    })
}
