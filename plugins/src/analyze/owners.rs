//! Who owns what: a pod's controller, and that controller's owner (ReplicaSet → Deployment,
//! Job → CronJob), so that findings about replicas of one workload can be told apart from
//! findings about another, and fixes go to the object a person edits.

use std::collections::HashMap;

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

use super::snapshot::Snapshot;

/// The workload at the top of an ownership chain.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Root {
    /// Its kind (`Deployment`, `StatefulSet`, `DaemonSet`, `CronJob`, `Job`, `ReplicaSet`…).
    pub kind: String,
    /// Its name.
    pub name: String,
}

/// The controller owner reference of an object, if any.
pub fn controller(meta: &ObjectMeta) -> Option<&OwnerReference> {
    meta.owner_references
        .as_deref()?
        .iter()
        .find(|o| o.controller == Some(true))
}

/// Maps ReplicaSets to Deployments and Jobs to CronJobs, by namespace and name.
#[derive(Debug, Default)]
pub struct Owners<'a> {
    parents: HashMap<(&'a str, &'a str, &'a str), (&'a str, &'a str)>,
}

impl<'a> Owners<'a> {
    /// Indexes the ReplicaSets and Jobs of `snapshot`.
    pub fn new(snapshot: &'a Snapshot) -> Owners<'a> {
        let mut parents = HashMap::new();
        let metas = snapshot
            .replica_sets
            .iter()
            .map(|r| ("ReplicaSet", &r.metadata))
            .chain(snapshot.jobs.iter().map(|j| ("Job", &j.metadata)));
        for (kind, meta) in metas {
            if let (Some(ns), Some(name), Some(owner)) = (
                meta.namespace.as_deref(),
                meta.name.as_deref(),
                controller(meta),
            ) {
                parents.insert((kind, ns, name), (owner.kind.as_str(), owner.name.as_str()));
            }
        }
        Owners { parents }
    }

    /// The controller of a ReplicaSet or Job (`(kind, name)`), when it has one.
    pub fn parent(&self, kind: &str, ns: &str, name: &str) -> Option<(&'a str, &'a str)> {
        let map: &HashMap<(&str, &str, &str), (&'a str, &'a str)> = &self.parents;
        map.get(&(kind, ns, name)).copied()
    }

    /// The top of the ownership chain of an object owned by `owner` in `ns`.
    pub fn root_of(&self, ns: &str, owner: &OwnerReference, pod_hash: Option<&str>) -> Root {
        let (kind, name) = (owner.kind.as_str(), owner.name.as_str());
        if let Some((pk, pn)) = self.parents.get(&(kind, ns, name)) {
            return Root {
                kind: (*pk).to_owned(),
                name: (*pn).to_owned(),
            };
        }
        // A ReplicaSet that was not listed: its name is the Deployment's plus the pod
        // template hash.
        if kind == "ReplicaSet"
            && let Some(hash) = pod_hash
            && let Some(base) = name.strip_suffix(hash).and_then(|b| b.strip_suffix('-'))
        {
            return Root {
                kind: "Deployment".into(),
                name: base.to_owned(),
            };
        }
        Root {
            kind: kind.to_owned(),
            name: name.to_owned(),
        }
    }

    /// The workload at the top of a pod's ownership chain; `None` for a bare pod.
    pub fn root_of_pod(&self, pod: &Pod) -> Option<Root> {
        let owner = controller(&pod.metadata)?;
        let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
        let hash = pod
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get("pod-template-hash"))
            .map(String::as_str);
        Some(self.root_of(ns, owner, hash))
    }
}
