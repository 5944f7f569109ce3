//! What belongs to one object's diagnosis: the object, the pods it runs (or that run it, that
//! it selects, mount it, reference it), their owners up to the top, the Services, PVCs,
//! nodes, ConfigMaps, Secrets and ServiceAccounts those pods use, the autoscalers, budgets and
//! policies that govern them, and the Ingresses routing to those Services.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use shipmate_plugins::analyze::{Kind, ObjectRef, Snapshot, selects};

use super::Target;

/// The metadata of every object of `kind` in `snapshot`.
fn metas(s: &Snapshot, kind: Kind) -> Vec<&ObjectMeta> {
    macro_rules! of {
        ($field:ident) => {
            s.$field.iter().map(|o| &o.metadata).collect()
        };
    }
    match kind {
        Kind::Pod => of!(pods),
        Kind::Deployment => of!(deployments),
        Kind::ReplicaSet => of!(replica_sets),
        Kind::StatefulSet => of!(stateful_sets),
        Kind::DaemonSet => of!(daemon_sets),
        Kind::Job => of!(jobs),
        Kind::CronJob => of!(cron_jobs),
        Kind::Service => of!(services),
        Kind::EndpointSlice => of!(endpoint_slices),
        Kind::Ingress => of!(ingresses),
        Kind::IngressClass => of!(ingress_classes),
        Kind::PersistentVolumeClaim => of!(pvcs),
        Kind::StorageClass => of!(storage_classes),
        Kind::Node => of!(nodes),
        Kind::HorizontalPodAutoscaler => of!(hpas),
        Kind::PodDisruptionBudget => of!(pdbs),
        Kind::NetworkPolicy => of!(network_policies),
        Kind::ConfigMap => of!(config_maps),
        Kind::Secret => of!(secrets),
        Kind::ServiceAccount => of!(service_accounts),
        Kind::Event => of!(events),
        Kind::ResourceQuota => of!(resource_quotas),
    }
}

/// Names of the objects of `kind` in `namespace` (any namespace for cluster-scoped kinds).
pub fn names_of<'s>(s: &'s Snapshot, kind: Kind, namespace: &str) -> Vec<&'s str> {
    metas(s, kind)
        .into_iter()
        .filter(|m| !kind.namespaced() || m.namespace.as_deref() == Some(namespace))
        .filter_map(|m| m.name.as_deref())
        .collect()
}

/// The objects whose findings belong to `target`'s diagnosis.
pub fn objects(s: &Snapshot, target: &Target, ns: &str) -> BTreeSet<ObjectRef> {
    let me = reference(
        target.kind.as_str(),
        target.kind.namespaced(),
        ns,
        &target.name,
    );
    let in_ns = |m: &ObjectMeta| m.namespace.as_deref() == Some(ns);
    let owners = owner_map(s, ns);
    let mut out = BTreeSet::from([me.clone()]);
    let pods: Vec<&Pod> = s
        .pods
        .iter()
        .filter(|p| in_ns(&p.metadata))
        .filter(|p| pod_related(s, p, &me, &owners))
        .collect();
    let mut services = BTreeSet::new();
    for pod in &pods {
        let name = pod.metadata.name.as_deref().unwrap_or_default();
        let mut at = ("Pod".to_owned(), name.to_owned());
        out.insert(reference("Pod", true, ns, name));
        while let Some(up) = owners.get(&at) {
            out.insert(reference(&up.0, true, ns, &up.1));
            at = up.clone();
        }
        let labels = pod.metadata.labels.clone().unwrap_or_default();
        for svc in s.services.iter().filter(|v| in_ns(&v.metadata)) {
            let selector = svc.spec.as_ref().and_then(|sp| sp.selector.as_ref());
            if selector.is_some_and(|sel| !sel.is_empty() && subset(sel, &labels)) {
                let svc_name = svc.metadata.name.clone().unwrap_or_default();
                out.insert(reference("Service", true, ns, &svc_name));
                services.insert(svc_name);
            }
        }
        for pdb in s.pdbs.iter().filter(|p| in_ns(&p.metadata)) {
            let sel = pdb.spec.as_ref().and_then(|sp| sp.selector.as_ref());
            if sel.is_some_and(|sel| selects(sel, &labels)) {
                out.insert(object_ref("PodDisruptionBudget", &pdb.metadata));
            }
        }
        for np in s.network_policies.iter().filter(|p| in_ns(&p.metadata)) {
            if np.spec.as_ref().is_some_and(|sp| {
                sp.pod_selector
                    .as_ref()
                    .is_none_or(|sel| selects(sel, &labels))
            }) {
                out.insert(object_ref("NetworkPolicy", &np.metadata));
            }
        }
        for (kind, name) in references(pod) {
            out.insert(reference(kind, kind != "Node", ns, &name));
        }
    }
    if target.kind == Kind::Service {
        services.insert(target.name.clone());
    }
    let workloads: Vec<ObjectRef> = out.iter().cloned().collect();
    for hpa in s.hpas.iter().filter(|h| in_ns(&h.metadata)) {
        let spec = &hpa.spec;
        let aimed = reference(
            &spec.scale_target_ref.kind,
            true,
            ns,
            &spec.scale_target_ref.name,
        );
        if workloads.contains(&aimed) || me == object_ref("HorizontalPodAutoscaler", &hpa.metadata)
        {
            out.insert(object_ref("HorizontalPodAutoscaler", &hpa.metadata));
            out.insert(aimed);
        }
    }
    for ing in s.ingresses.iter().filter(|i| in_ns(&i.metadata)) {
        let backends = ingress_services(ing);
        if backends.iter().any(|b| services.contains(b)) {
            out.insert(object_ref("Ingress", &ing.metadata));
        }
        if me == object_ref("Ingress", &ing.metadata) {
            out.extend(backends.iter().map(|b| reference("Service", true, ns, b)));
        }
    }
    out
}

/// `(kind, name)` of a namespaced object → its controller's `(kind, name)`.
type OwnerMap = BTreeMap<(String, String), (String, String)>;

/// The controllers of the pods, ReplicaSets and Jobs in `ns`.
fn owner_map(s: &Snapshot, ns: &str) -> OwnerMap {
    let mut map = OwnerMap::new();
    let metas = [Kind::Pod, Kind::ReplicaSet, Kind::Job]
        .into_iter()
        .flat_map(|k| metas(s, k).into_iter().map(move |m| (k, m)));
    for (kind, meta) in metas.filter(|(_, m)| m.namespace.as_deref() == Some(ns)) {
        let owner = meta
            .owner_references
            .iter()
            .flatten()
            .find(|o| o.controller == Some(true));
        if let (Some(o), Some(name)) = (owner, &meta.name) {
            map.insert(
                (kind.as_str().to_owned(), name.clone()),
                (o.kind.clone(), o.name.clone()),
            );
        }
    }
    map
}

/// Whether `pod` is part of `target`'s diagnosis: it is the target, is run by it (at any
/// depth), is selected by it, or uses it.
fn pod_related(s: &Snapshot, pod: &Pod, target: &ObjectRef, owners: &OwnerMap) -> bool {
    let name = pod.metadata.name.clone().unwrap_or_default();
    let mut at = ("Pod".to_owned(), name);
    loop {
        if at.0 == target.kind && at.1 == target.name {
            return true;
        }
        match owners.get(&at) {
            Some(up) => at = up.clone(),
            None => break,
        }
    }
    let labels = pod.metadata.labels.clone().unwrap_or_default();
    let ns = target.namespace.as_deref();
    let named = |kind: &str, m: &ObjectMeta| {
        kind == target.kind
            && m.name.as_deref() == Some(&target.name)
            && m.namespace.as_deref() == ns
    };
    let by_service = s.services.iter().any(|v| {
        named("Service", &v.metadata)
            && v.spec
                .as_ref()
                .and_then(|sp| sp.selector.as_ref())
                .is_some_and(|sel| !sel.is_empty() && subset(sel, &labels))
    });
    let by_budget = s.pdbs.iter().any(|p| {
        named("PodDisruptionBudget", &p.metadata)
            && p.spec
                .as_ref()
                .and_then(|sp| sp.selector.as_ref())
                .is_some_and(|sel| selects(sel, &labels))
    });
    let by_policy = s.network_policies.iter().any(|p| {
        named("NetworkPolicy", &p.metadata)
            && p.spec.as_ref().is_some_and(|sp| {
                sp.pod_selector
                    .as_ref()
                    .is_none_or(|sel| selects(sel, &labels))
            })
    });
    let uses = references(pod)
        .into_iter()
        .any(|(kind, name)| kind == target.kind && name == target.name);
    by_service || by_budget || by_policy || uses
}

/// What a pod refers to by name: its node, PVCs, ConfigMaps, Secrets and ServiceAccount.
fn references(pod: &Pod) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let Some(spec) = &pod.spec else { return out };
    if let Some(node) = &spec.node_name {
        out.push(("Node", node.clone()));
    }
    if let Some(sa) = &spec.service_account_name {
        out.push(("ServiceAccount", sa.clone()));
    }
    for v in spec.volumes.iter().flatten() {
        if let Some(c) = &v.persistent_volume_claim {
            out.push(("PersistentVolumeClaim", c.claim_name.clone()));
        }
        if let Some(c) = &v.config_map {
            out.push(("ConfigMap", c.name.clone()));
        }
        if let Some(c) = v.secret.as_ref().and_then(|c| c.secret_name.clone()) {
            out.push(("Secret", c));
        }
    }
    for p in spec.image_pull_secrets.iter().flatten() {
        out.push(("Secret", p.name.clone()));
    }
    let containers = spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten());
    for c in containers {
        for from in c.env_from.iter().flatten() {
            if let Some(r) = &from.config_map_ref {
                out.push(("ConfigMap", r.name.clone()));
            }
            if let Some(r) = &from.secret_ref {
                out.push(("Secret", r.name.clone()));
            }
        }
        for env in c.env.iter().flatten() {
            let from = env.value_from.as_ref();
            if let Some(r) = from.and_then(|f| f.config_map_key_ref.as_ref()) {
                out.push(("ConfigMap", r.name.clone()));
            }
            if let Some(r) = from.and_then(|f| f.secret_key_ref.as_ref()) {
                out.push(("Secret", r.name.clone()));
            }
        }
    }
    out
}

/// The Services an Ingress routes to.
fn ingress_services(ing: &k8s_openapi::api::networking::v1::Ingress) -> Vec<String> {
    let Some(spec) = &ing.spec else {
        return Vec::new();
    };
    let rules = spec.rules.iter().flatten();
    let paths = rules.flat_map(|r| r.http.iter().flat_map(|h| h.paths.iter()));
    spec.default_backend
        .iter()
        .chain(paths.map(|p| &p.backend))
        .filter_map(|b| b.service.as_ref().map(|s| s.name.clone()))
        .collect()
}

/// Whether every pair of `selector` is among `labels`.
fn subset(selector: &BTreeMap<String, String>, labels: &BTreeMap<String, String>) -> bool {
    selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

fn reference(kind: &str, namespaced: bool, ns: &str, name: &str) -> ObjectRef {
    if namespaced {
        ObjectRef::namespaced(kind, ns, name)
    } else {
        ObjectRef::cluster(kind, name)
    }
}

fn object_ref(kind: &str, m: &ObjectMeta) -> ObjectRef {
    let name = m.name.as_deref().unwrap_or_default();
    match &m.namespace {
        Some(ns) => ObjectRef::namespaced(kind, ns, name),
        None => ObjectRef::cluster(kind, name),
    }
}
