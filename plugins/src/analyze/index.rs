//! Lookups built once per analysis, so that no analyzer scans every pod for every Service:
//! objects by namespace and name, pods by namespace and by `key=value` label (an inverted
//! index: a selector starts from its rarest label), pods by owning workload, events by the
//! object they are about.

use std::collections::{BTreeMap, HashMap};

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{
    ConfigMap, Event, PersistentVolumeClaim, Pod, Secret, Service, ServiceAccount,
};
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

use super::owners::{Owners, Root};
use super::snapshot::Snapshot;

/// `(namespace, name)`.
type Key<'a> = (&'a str, &'a str);

/// The pods of one namespace, with an inverted label index.
#[derive(Debug, Default)]
pub struct NsPods<'a> {
    /// The pods, in snapshot order.
    pub pods: Vec<&'a Pod>,
    /// `(key, value)` → positions in `pods`.
    by_label: HashMap<(&'a str, &'a str), Vec<u32>>,
    /// `key` → positions in `pods` of pods carrying the key (any value).
    by_key: HashMap<&'a str, Vec<u32>>,
}

/// Objects looked up by name.
#[derive(Debug, Default)]
pub struct Index<'a> {
    pods: HashMap<&'a str, NsPods<'a>>,
    by_root: HashMap<(&'a str, Root), Vec<&'a Pod>>,
    events: HashMap<(&'a str, &'a str, &'a str), Vec<&'a Event>>,
    /// Services by namespace and name.
    pub services: HashMap<Key<'a>, &'a Service>,
    /// ConfigMaps by namespace and name.
    pub config_maps: HashMap<Key<'a>, &'a ConfigMap>,
    /// Secrets by namespace and name.
    pub secrets: HashMap<Key<'a>, &'a Secret>,
    /// ServiceAccounts by namespace and name.
    pub service_accounts: HashMap<Key<'a>, &'a ServiceAccount>,
    /// PVCs by namespace and name.
    pub pvcs: HashMap<Key<'a>, &'a PersistentVolumeClaim>,
    /// Deployments by namespace and name.
    pub deployments: HashMap<Key<'a>, &'a Deployment>,
    /// StatefulSets by namespace and name.
    pub stateful_sets: HashMap<Key<'a>, &'a StatefulSet>,
    /// DaemonSets by namespace and name.
    pub daemon_sets: HashMap<Key<'a>, &'a DaemonSet>,
    /// ReplicaSets by namespace and name.
    pub replica_sets: HashMap<Key<'a>, &'a ReplicaSet>,
    /// Jobs by namespace and name.
    pub jobs: HashMap<Key<'a>, &'a Job>,
    /// StorageClasses by name.
    pub storage_classes: HashMap<&'a str, &'a StorageClass>,
    /// The default StorageClass, if one is marked.
    pub default_storage_class: Option<&'a str>,
    /// IngressClass names.
    pub ingress_classes: HashMap<&'a str, bool>,
}

/// Namespace and name of an object ("" when absent).
pub fn ns_name(meta: &ObjectMeta) -> Key<'_> {
    (
        meta.namespace.as_deref().unwrap_or_default(),
        meta.name.as_deref().unwrap_or_default(),
    )
}

/// Whether an annotation is set to `"true"`.
pub fn annotation_true(meta: &ObjectMeta, key: &str) -> bool {
    meta.annotations
        .as_ref()
        .and_then(|a| a.get(key))
        .is_some_and(|v| v == "true")
}

fn by_name<'a, T>(items: &'a [T], meta: fn(&T) -> &ObjectMeta) -> HashMap<Key<'a>, &'a T> {
    items.iter().map(|i| (ns_name(meta(i)), i)).collect()
}

impl<'a> Index<'a> {
    /// Indexes `snap` (pods by workload through `owners`).
    pub fn new(snap: &'a Snapshot, owners: &Owners<'a>) -> Index<'a> {
        let mut pods: HashMap<&str, NsPods> = HashMap::new();
        let mut by_root: HashMap<(&str, Root), Vec<&Pod>> = HashMap::new();
        for pod in &snap.pods {
            let (ns, _) = ns_name(&pod.metadata);
            let entry = pods.entry(ns).or_default();
            let at = u32::try_from(entry.pods.len()).unwrap_or(u32::MAX);
            entry.pods.push(pod);
            for (k, v) in pod.metadata.labels.iter().flatten() {
                entry
                    .by_label
                    .entry((k.as_str(), v.as_str()))
                    .or_default()
                    .push(at);
                entry.by_key.entry(k.as_str()).or_default().push(at);
            }
            if let Some(root) = owners.root_of_pod(pod) {
                by_root.entry((ns, root)).or_default().push(pod);
            }
        }
        let mut events: HashMap<(&str, &str, &str), Vec<&Event>> = HashMap::new();
        for e in &snap.events {
            let o = &e.involved_object;
            events
                .entry((
                    o.kind.as_deref().unwrap_or_default(),
                    o.namespace.as_deref().unwrap_or_default(),
                    o.name.as_deref().unwrap_or_default(),
                ))
                .or_default()
                .push(e);
        }
        let storage_classes: HashMap<&str, &StorageClass> = snap
            .storage_classes
            .iter()
            .map(|s| (s.metadata.name.as_deref().unwrap_or_default(), s))
            .collect();
        let default_storage_class = snap
            .storage_classes
            .iter()
            .find(|s| annotation_true(&s.metadata, "storageclass.kubernetes.io/is-default-class"))
            .and_then(|s| s.metadata.name.as_deref());
        let ingress_classes = snap
            .ingress_classes
            .iter()
            .map(|c| {
                (
                    c.metadata.name.as_deref().unwrap_or_default(),
                    annotation_true(&c.metadata, "ingressclass.kubernetes.io/is-default-class"),
                )
            })
            .collect();
        Index {
            pods,
            by_root,
            events,
            services: by_name(&snap.services, |s| &s.metadata),
            config_maps: by_name(&snap.config_maps, |s| &s.metadata),
            secrets: by_name(&snap.secrets, |s| &s.metadata),
            service_accounts: by_name(&snap.service_accounts, |s| &s.metadata),
            pvcs: by_name(&snap.pvcs, |s| &s.metadata),
            deployments: by_name(&snap.deployments, |s| &s.metadata),
            stateful_sets: by_name(&snap.stateful_sets, |s| &s.metadata),
            daemon_sets: by_name(&snap.daemon_sets, |s| &s.metadata),
            replica_sets: by_name(&snap.replica_sets, |s| &s.metadata),
            jobs: by_name(&snap.jobs, |s| &s.metadata),
            storage_classes,
            default_storage_class,
            ingress_classes,
        }
    }

    /// The pods of namespace `ns`.
    pub fn pods_in(&self, ns: &str) -> &[&'a Pod] {
        self.pods.get(ns).map_or(&[], |p| p.pods.as_slice())
    }

    /// Every namespace with pods, with its pods.
    pub fn namespaces(&self) -> impl Iterator<Item = (&'a str, &NsPods<'a>)> {
        self.pods.iter().map(|(ns, p)| (*ns, p))
    }

    /// The pods of namespace `ns` with their label index.
    pub fn ns_pods(&self, ns: &str) -> Option<&NsPods<'a>> {
        self.pods.get(ns)
    }

    /// The pods whose ownership chain ends at `root` in `ns`.
    pub fn pods_of<'s>(&'s self, ns: &'s str, kind: &str, name: &str) -> &'s [&'a Pod] {
        let root = Root {
            kind: kind.to_owned(),
            name: name.to_owned(),
        };
        let map: &HashMap<(&str, Root), Vec<&'a Pod>> = &self.by_root;
        map.get(&(ns, root)).map_or(&[], Vec::as_slice)
    }

    /// The events about `kind` `ns`/`name` (`ns` "" for cluster-scoped objects).
    pub fn events<'s>(&'s self, kind: &'s str, ns: &'s str, name: &'s str) -> &'s [&'a Event] {
        let map: &HashMap<(&str, &str, &str), Vec<&'a Event>> = &self.events;
        map.get(&(kind, ns, name)).map_or(&[], Vec::as_slice)
    }

    /// The pods in `ns` whose labels include every pair of `selector` (a Service selector).
    /// An empty selector matches nothing here: a Service without one is managed by hand.
    pub fn pods_matching_labels(
        &self,
        ns: &str,
        selector: &BTreeMap<String, String>,
    ) -> Vec<&'a Pod> {
        let Some(nsp) = self.pods.get(ns) else {
            return Vec::new();
        };
        nsp.matching(selector)
    }

    /// The pods in `ns` a label selector selects (an empty selector selects all of them).
    pub fn pods_selected(&self, ns: &str, selector: &LabelSelector) -> Vec<&'a Pod> {
        let Some(nsp) = self.pods.get(ns) else {
            return Vec::new();
        };
        let empty = BTreeMap::new();
        let labels = selector.match_labels.as_ref().unwrap_or(&empty);
        let candidates = if labels.is_empty() {
            nsp.pods.clone()
        } else {
            nsp.matching(labels)
        };
        candidates
            .into_iter()
            .filter(|p| expressions_hold(selector, p.metadata.labels.as_ref()))
            .collect()
    }
}

impl<'a> NsPods<'a> {
    /// Pods carrying every `key=value` of `selector` (none for an empty selector).
    pub fn matching(&self, selector: &BTreeMap<String, String>) -> Vec<&'a Pod> {
        let mut postings: Vec<&Vec<u32>> = Vec::with_capacity(selector.len());
        for (k, v) in selector {
            match self.by_label.get(&(k.as_str(), v.as_str())) {
                Some(p) => postings.push(p),
                None => return Vec::new(),
            }
        }
        postings.sort_by_key(|p| p.len());
        let Some((first, rest)) = postings.split_first() else {
            return Vec::new();
        };
        first
            .iter()
            .filter(|at| rest.iter().all(|p| p.binary_search(at).is_ok()))
            .map(|&at| self.pods[at as usize])
            .collect()
    }

    /// Pods that carry every pair of `selector` but one (with `selector.len() >= 2`), each
    /// with the key it misses or has another value for.
    pub fn near_misses<'s>(
        &self,
        selector: &'s BTreeMap<String, String>,
    ) -> Vec<(&'a Pod, &'s str)> {
        let k = u32::try_from(selector.len()).unwrap_or(u32::MAX);
        if k < 2 {
            return Vec::new();
        }
        let mut hits: HashMap<u32, u32> = HashMap::new();
        for (key, value) in selector {
            for &at in self
                .by_label
                .get(&(key.as_str(), value.as_str()))
                .into_iter()
                .flatten()
            {
                *hits.entry(at).or_default() += 1;
            }
        }
        let mut out: Vec<(&'a Pod, &'s str)> = hits
            .into_iter()
            .filter(|&(_, n)| n == k - 1)
            .filter_map(|(at, _)| {
                let pod = self.pods[at as usize];
                let missed = selector
                    .iter()
                    .find(|(key, value)| label(&pod.metadata, key) != Some(value.as_str()))?;
                Some((pod, missed.0.as_str()))
            })
            .collect();
        out.sort_by(|a, b| a.0.metadata.name.cmp(&b.0.metadata.name));
        out
    }

    /// Pods carrying label `key` with any value.
    pub fn with_key(&self, key: &str) -> impl Iterator<Item = &'a Pod> + '_ {
        self.by_key
            .get(key)
            .into_iter()
            .flatten()
            .map(|&at| self.pods[at as usize])
    }
}

/// The value of label `key` on `meta`.
pub fn label<'m>(meta: &'m ObjectMeta, key: &str) -> Option<&'m str> {
    meta.labels.as_ref()?.get(key).map(String::as_str)
}

/// Whether a label selector (`matchLabels` and `matchExpressions`) selects an object with
/// `labels`; an empty selector selects everything.
pub fn selects(selector: &LabelSelector, labels: &BTreeMap<String, String>) -> bool {
    selector
        .match_labels
        .iter()
        .flatten()
        .all(|(k, v)| labels.get(k) == Some(v))
        && expressions_hold(selector, Some(labels))
}

/// Whether `labels` satisfy every `matchExpressions` requirement of `selector` (matchLabels
/// checked by the caller).
fn expressions_hold(selector: &LabelSelector, labels: Option<&BTreeMap<String, String>>) -> bool {
    selector.match_expressions.iter().flatten().all(|e| {
        let value = labels.and_then(|l| l.get(&e.key));
        let values = e.values.as_deref().unwrap_or_default();
        match e.operator.as_str() {
            "In" => value.is_some_and(|v| values.contains(v)),
            "NotIn" => value.is_none_or(|v| !values.contains(v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_match_labels_and_every_expression() {
        let sel: LabelSelector = serde_json::from_value(serde_json::json!({
            "matchLabels": {"app": "web"},
            "matchExpressions": [
                {"key": "tier", "operator": "In", "values": ["front", "edge"]},
                {"key": "canary", "operator": "DoesNotExist"},
            ],
        }))
        .unwrap();
        let labels = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect()
        };
        assert!(selects(&sel, &labels(&[("app", "web"), ("tier", "edge")])));
        assert!(!selects(&sel, &labels(&[("app", "web"), ("tier", "back")])));
        assert!(!selects(
            &sel,
            &labels(&[("app", "api"), ("tier", "front")])
        ));
        assert!(!selects(
            &sel,
            &labels(&[("app", "web"), ("tier", "front"), ("canary", "1")])
        ));
        assert!(selects(&LabelSelector::default(), &labels(&[])));
    }
}
