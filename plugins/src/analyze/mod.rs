//! Offline analyzers: a [`Snapshot`] of cluster state in, [`Finding`]s out.
//!
//! This is the part of troubleshooting that needs no cluster and no model: the collector
//! (`shipmate diagnose`) lists objects, events and the previous logs of crashing containers
//! into a [`Snapshot`]; [`analyze`] reads it and says what is wrong, why (with quoted
//! evidence), where the documentation is, and — where the fix is clear — carries a
//! [`Proposal`](crate::Proposal) that goes through the normal pipeline.
//!
//! Why a pure library: the analyzers are the same whether the snapshot came from a live
//! cluster, a test fixture or a recorded dump, they are fast (everything is indexed once by
//! namespace, labels and owner; see [`index`]), and they are testable without a server.
//!
//! Rules every analyzer follows:
//! - a healthy object yields nothing;
//! - a kind that was not listed ([`Snapshot::listed`]) never yields a "missing X" finding;
//! - one cause is reported once per object it concerns: replicas of one workload that fail
//!   the same way become one finding naming all of them, and a workload's finding points at
//!   its pods' findings instead of repeating them.
//!
//! Finding ids (stable; scripts may match on them):
//!
//! | area | ids |
//! |---|---|
//! | Pod | `pod.crash-loop`, `pod.image-pull`, `pod.config-error`, `pod.oom-killed`, `pod.unschedulable`, `pod.liveness-probe`, `pod.startup-probe`, `pod.readiness-probe`, `pod.evicted`, `pod.terminated`, `pod.volume-mount` |
//! | references | `ref.missing-configmap`, `ref.missing-configmap-key`, `ref.missing-secret`, `ref.missing-secret-key`, `ref.missing-service-account`, `ref.missing-pull-secret` |
//! | controllers | `deployment.unavailable`, `deployment.progress-deadline`, `deployment.paused`, `replicaset.failed-create`, `statefulset.missing-service`, `statefulset.storage-class`, `statefulset.unavailable`, `statefulset.failed-create`, `daemonset.unavailable`, `daemonset.misscheduled`, `daemonset.failed-create` |
//! | batch | `job.failed`, `cronjob.invalid-schedule`, `cronjob.never-runs`, `cronjob.suspended`, `cronjob.last-run-failed` |
//! | network | `service.no-endpoints`, `service.no-ready-endpoints`, `service.target-port`, `ingress.missing-class`, `ingress.no-class`, `ingress.missing-backend`, `ingress.backend-port`, `ingress.tls-secret`, `networkpolicy.selects-nothing` |
//! | storage | `pvc.provisioning-failed`, `pvc.missing-storage-class`, `pvc.no-storage-class`, `pvc.lost` |
//! | nodes | `node.not-ready`, `node.pressure`, `node.network-unavailable`, `node.cordoned` |
//! | scaling | `hpa.missing-target`, `hpa.missing-requests`, `hpa.metrics-unavailable`, `hpa.cannot-scale`, `pdb.no-disruptions` |
//!
//! Fixes ([`Finding::fix`]) are attached to `pod.oom-killed` (memory limit ×1.5 on the owning
//! Deployment/StatefulSet/DaemonSet), `service.no-endpoints` (selector one label off),
//! `ref.missing-configmap-key` / `ref.missing-configmap` (the keys, as TODO placeholders),
//! `hpa.missing-requests` (requests from the constitution's defaults) and
//! `pdb.no-disruptions` (one pod may be disrupted).

mod cron;
mod events;
mod finding;
mod fix;
mod index;
mod owners;
mod pod_state;
mod snapshot;

mod autoscaling;
mod config_refs;
mod controllers;
mod disruption;
mod ingress;
mod jobs;
mod network;
mod node;
mod pod;
mod pod_container;
mod pod_image;
mod pod_schedule;
mod service;
mod storage;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod tests;

pub use finding::{Evidence, Finding, MAX_EVIDENCE_CHARS, ObjectRef, Severity};
pub use index::selects;
pub use snapshot::{ContainerRef, Kind, Snapshot};

use shipmate_manifests::gates::ResourceDefaults;

use index::Index;
use owners::Owners;

/// Runs every analyzer over `snapshot`, with the built-in resource defaults for fixes that add
/// requests. Sorted most severe first, then by namespace, kind and name.
pub fn analyze(snapshot: &Snapshot) -> Vec<Finding> {
    analyze_with(snapshot, &ResourceDefaults::default())
}

/// [`analyze`] with the constitution's resource defaults (used when a fix adds requests).
pub fn analyze_with(snapshot: &Snapshot, defaults: &ResourceDefaults) -> Vec<Finding> {
    let owners = Owners::new(snapshot);
    let cx = Cx {
        snap: snapshot,
        index: Index::new(snapshot, &owners),
        owners,
        defaults,
    };
    let mut out = Findings::default();
    // Order matters where a later analyzer points at (or folds into) an earlier one's
    // findings: references before pods, pods before their controllers, controllers before
    // what selects them.
    node::analyze(&cx, &mut out);
    config_refs::analyze(&cx, &mut out);
    pod::analyze(&cx, &mut out);
    controllers::analyze(&cx, &mut out);
    jobs::analyze(&cx, &mut out);
    storage::analyze(&cx, &mut out);
    service::analyze(&cx, &mut out);
    ingress::analyze(&cx, &mut out);
    autoscaling::analyze(&cx, &mut out);
    disruption::analyze(&cx, &mut out);
    network::analyze(&cx, &mut out);
    let mut findings = out.into_vec();
    findings.sort_by(Finding::report_order);
    findings
}

/// What every analyzer reads.
pub(crate) struct Cx<'a> {
    /// The snapshot.
    pub snap: &'a Snapshot,
    /// Lookups by namespace, name, labels and involved object.
    pub index: Index<'a>,
    /// Ownership chains.
    pub owners: Owners<'a>,
    /// Requests/limits for fixes that add them.
    pub defaults: &'a ResourceDefaults,
}

/// The findings so far, with lookups analyzers use to avoid repeating one another.
#[derive(Debug, Default)]
pub(crate) struct Findings {
    list: Vec<Finding>,
}

impl Findings {
    /// Adds a finding.
    pub fn push(&mut self, finding: Finding) {
        self.list.push(finding);
    }

    /// The findings about `kind` `ns`/`name`.
    pub fn about<'s>(
        &'s self,
        kind: &'s str,
        ns: Option<&'s str>,
        name: &'s str,
    ) -> impl Iterator<Item = &'s Finding> + 's {
        self.list.iter().filter(move |f| {
            f.object.kind == kind && f.object.name == name && f.object.namespace.as_deref() == ns
        })
    }

    /// The first finding about `kind` `ns`/`name` that `pred` accepts, to add evidence to.
    pub fn find_mut(
        &mut self,
        kind: &str,
        ns: Option<&str>,
        name: &str,
        pred: impl Fn(&Finding) -> bool,
    ) -> Option<&mut Finding> {
        self.list.iter_mut().find(|f| {
            f.object.kind == kind
                && f.object.name == name
                && f.object.namespace.as_deref() == ns
                && pred(f)
        })
    }

    /// The findings about objects in namespace `ns`.
    pub fn in_namespace<'s>(&'s self, ns: &'s str) -> impl Iterator<Item = &'s Finding> + 's {
        self.list
            .iter()
            .filter(move |f| f.object.namespace.as_deref() == Some(ns))
    }

    /// All findings, unsorted.
    pub fn into_vec(self) -> Vec<Finding> {
        self.list
    }
}

/// Documentation pages findings link to.
pub(crate) mod docs {
    /// Debugging pods.
    pub const DEBUG_POD: &str =
        "https://kubernetes.io/docs/tasks/debug/debug-application/debug-pods/";
    /// Pod lifecycle (restarts, container states, CrashLoopBackOff).
    pub const POD_LIFECYCLE: &str =
        "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/";
    /// Images and pull secrets.
    pub const IMAGES: &str = "https://kubernetes.io/docs/concepts/containers/images/";
    /// Memory limits and OOM kills.
    pub const MEMORY: &str =
        "https://kubernetes.io/docs/tasks/configure-pod-container/assign-memory-resource/";
    /// Probes.
    pub const PROBES: &str = "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/";
    /// Scheduling: resources, taints, affinity.
    pub const SCHEDULING: &str =
        "https://kubernetes.io/docs/concepts/scheduling-eviction/kube-scheduler/";
    /// Taints and tolerations.
    pub const TAINTS: &str =
        "https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/";
    /// Node selectors and affinity.
    pub const AFFINITY: &str =
        "https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/";
    /// Requests and limits.
    pub const RESOURCES: &str =
        "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/";
    /// Node-pressure eviction.
    pub const EVICTION: &str =
        "https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/";
    /// ConfigMaps.
    pub const CONFIGMAP: &str = "https://kubernetes.io/docs/concepts/configuration/configmap/";
    /// Secrets.
    pub const SECRET: &str = "https://kubernetes.io/docs/concepts/configuration/secret/";
    /// Service accounts.
    pub const SERVICE_ACCOUNT: &str =
        "https://kubernetes.io/docs/concepts/security/service-accounts/";
    /// Deployments.
    pub const DEPLOYMENT: &str =
        "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/";
    /// Failed deployments.
    pub const DEPLOYMENT_FAILED: &str =
        "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#failed-deployment";
    /// ReplicaSets.
    pub const REPLICASET: &str =
        "https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/";
    /// Resource quotas.
    pub const QUOTA: &str = "https://kubernetes.io/docs/concepts/policy/resource-quotas/";
    /// Pod security admission.
    pub const POD_SECURITY: &str =
        "https://kubernetes.io/docs/concepts/security/pod-security-admission/";
    /// Admission webhooks.
    pub const ADMISSION: &str =
        "https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/";
    /// StatefulSets.
    pub const STATEFULSET: &str =
        "https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/";
    /// DaemonSets.
    pub const DAEMONSET: &str =
        "https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/";
    /// Jobs.
    pub const JOB: &str = "https://kubernetes.io/docs/concepts/workloads/controllers/job/";
    /// CronJobs.
    pub const CRONJOB: &str =
        "https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/";
    /// Cron schedule syntax.
    pub const CRON_SCHEDULE: &str =
        "https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax";
    /// Services.
    pub const SERVICE: &str = "https://kubernetes.io/docs/concepts/services-networking/service/";
    /// Debugging Services.
    pub const DEBUG_SERVICE: &str =
        "https://kubernetes.io/docs/tasks/debug/debug-application/debug-service/";
    /// Ingress.
    pub const INGRESS: &str = "https://kubernetes.io/docs/concepts/services-networking/ingress/";
    /// Persistent volumes.
    pub const PV: &str = "https://kubernetes.io/docs/concepts/storage/persistent-volumes/";
    /// Storage classes.
    pub const STORAGE_CLASS: &str = "https://kubernetes.io/docs/concepts/storage/storage-classes/";
    /// Nodes.
    pub const NODE: &str = "https://kubernetes.io/docs/concepts/architecture/nodes/";
    /// Cordon / safely draining.
    pub const DRAIN: &str =
        "https://kubernetes.io/docs/tasks/administer-cluster/safely-drain-node/";
    /// Horizontal pod autoscaling.
    pub const HPA: &str =
        "https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/";
    /// Disruption budgets.
    pub const PDB: &str = "https://kubernetes.io/docs/tasks/run-application/configure-pdb/";
    /// Network policies.
    pub const NETWORK_POLICY: &str =
        "https://kubernetes.io/docs/concepts/services-networking/network-policies/";
}
