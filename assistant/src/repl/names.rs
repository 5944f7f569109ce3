//! What Tab completes besides meta-commands: resource kinds (a fixed table of the common ones
//! and their kubectl short names) and object names listed from the cluster.
//!
//! Names come from a metadata-only list call with a short timeout, cached per kind and
//! namespace for a little while — failures too — so Tab never hangs on a slow or unreachable
//! cluster and never asks it twice in a row.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use kube::api::{Api, DynamicObject, ListParams};
use kube::core::{ApiResource, GroupVersionKind};

/// How long Tab waits for the cluster.
const LIST_TIMEOUT: Duration = Duration::from_millis(1500);
/// How long a listing (or a failure to list) is reused.
const CACHE_FOR: Duration = Duration::from_secs(20);
/// Most names fetched per listing.
const LIST_LIMIT: u32 = 500;

/// A kind Tab knows: the words that name it, and where its API is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    /// The word completed (kubectl's singular resource name).
    pub word: &'static str,
    /// Other words that name it (plural, short names).
    pub aliases: &'static [&'static str],
    /// `apps/v1`.
    pub api_version: &'static str,
    /// `Deployment`.
    pub kind: &'static str,
    /// `deployments`.
    pub plural: &'static str,
    /// Whether objects live in a namespace.
    pub namespaced: bool,
}

const fn kind(
    word: &'static str,
    aliases: &'static [&'static str],
    api_version: &'static str,
    kind: &'static str,
    plural: &'static str,
    namespaced: bool,
) -> Kind {
    Kind {
        word,
        aliases,
        api_version,
        kind,
        plural,
        namespaced,
    }
}

/// The kinds Tab completes, and whose names it lists.
#[rustfmt::skip]
pub const KINDS: &[Kind] = &[
    kind("deployment", &["deployments", "deploy"], "apps/v1", "Deployment", "deployments", true),
    kind("statefulset", &["statefulsets", "sts"], "apps/v1", "StatefulSet", "statefulsets", true),
    kind("daemonset", &["daemonsets", "ds"], "apps/v1", "DaemonSet", "daemonsets", true),
    kind("pod", &["pods", "po"], "v1", "Pod", "pods", true),
    kind("service", &["services", "svc"], "v1", "Service", "services", true),
    kind("configmap", &["configmaps", "cm"], "v1", "ConfigMap", "configmaps", true),
    kind("secret", &["secrets"], "v1", "Secret", "secrets", true),
    kind("job", &["jobs"], "batch/v1", "Job", "jobs", true),
    kind("cronjob", &["cronjobs", "cj"], "batch/v1", "CronJob", "cronjobs", true),
    kind("ingress", &["ingresses", "ing"], "networking.k8s.io/v1", "Ingress", "ingresses", true),
    kind("serviceaccount", &["serviceaccounts", "sa"], "v1", "ServiceAccount", "serviceaccounts", true),
    kind("persistentvolumeclaim", &["persistentvolumeclaims", "pvc"], "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true),
    kind("horizontalpodautoscaler", &["horizontalpodautoscalers", "hpa"], "autoscaling/v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true),
    kind("namespace", &["namespaces", "ns"], "v1", "Namespace", "namespaces", false),
    kind("node", &["nodes", "no"], "v1", "Node", "nodes", false),
];

/// The kind `word` names (any case), if Tab knows it.
pub fn kind_named(word: &str) -> Option<&'static Kind> {
    let word = word.to_ascii_lowercase();
    KINDS
        .iter()
        .find(|k| k.word == word || k.aliases.contains(&word.as_str()))
}

/// The namespace kind (what `/ns` completes).
pub fn namespace_kind() -> &'static Kind {
    kind_named("namespace").expect("the table has namespaces")
}

/// Where names come from (the cluster; a table in tests).
pub trait NameSource {
    /// Names of `kind` in `namespace` (ignored for cluster-scoped kinds).
    ///
    /// # Errors
    /// Whatever stopped the listing (a timeout, a refusal), as text.
    fn list(&self, kind: &Kind, namespace: &str) -> Result<Vec<String>, String>;
}

/// Names listed from a cluster through the session's runtime.
pub struct ClusterNames {
    client: kube::Client,
    runtime: tokio::runtime::Handle,
}

impl ClusterNames {
    /// Lists with `client`, driving the requests on `runtime` (the session's).
    pub fn new(client: kube::Client, runtime: tokio::runtime::Handle) -> ClusterNames {
        ClusterNames { client, runtime }
    }
}

impl NameSource for ClusterNames {
    fn list(&self, kind: &Kind, namespace: &str) -> Result<Vec<String>, String> {
        let (group, version) = kind
            .api_version
            .split_once('/')
            .unwrap_or(("", kind.api_version));
        let gvk = GroupVersionKind::gvk(group, version, kind.kind);
        let resource = ApiResource::from_gvk_with_plural(&gvk, kind.plural);
        let api: Api<DynamicObject> = if kind.namespaced {
            Api::namespaced_with(self.client.clone(), namespace, &resource)
        } else {
            Api::all_with(self.client.clone(), &resource)
        };
        let params = ListParams::default().limit(LIST_LIMIT);
        let listed = self
            .runtime
            .block_on(async {
                tokio::time::timeout(LIST_TIMEOUT, api.list_metadata(&params)).await
            })
            .map_err(|_| "the cluster did not answer in time".to_owned())?
            .map_err(|e| e.to_string())?;
        Ok(listed
            .items
            .into_iter()
            .filter_map(|o| o.metadata.name)
            .collect())
    }
}

/// Listings by (plural, namespace): when they were made and the names.
type Listings = HashMap<(&'static str, String), (Instant, Vec<String>)>;

/// A [`NameSource`] with a short-lived cache in front of it.
pub struct NameCache {
    source: Option<Box<dyn NameSource>>,
    entries: Mutex<Listings>,
}

impl NameCache {
    /// A cache in front of `source` (`None`: no cluster, no names).
    pub fn new(source: Option<Box<dyn NameSource>>) -> NameCache {
        NameCache {
            source,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// Names of `kind` in `namespace`, from the cache when fresh; empty when they cannot be
    /// listed (completion just offers nothing).
    pub fn names(&self, kind: &'static Kind, namespace: &str) -> Vec<String> {
        let Some(source) = &self.source else {
            return Vec::new();
        };
        let key = (
            kind.plural,
            if kind.namespaced { namespace } else { "" }.to_owned(),
        );
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((at, names)) = entries.get(&key)
            && at.elapsed() < CACHE_FOR
        {
            return names.clone();
        }
        let mut names = source.list(kind, namespace).unwrap_or_default();
        names.sort();
        entries.insert(key, (Instant::now(), names.clone()));
        names
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::rc::Rc;

    use super::*;

    struct Counting(Rc<Cell<usize>>);

    impl NameSource for Counting {
        fn list(&self, kind: &Kind, namespace: &str) -> Result<Vec<String>, String> {
            self.0.set(self.0.get() + 1);
            if namespace == "down" {
                return Err("unreachable".into());
            }
            Ok(vec![format!("{}-b", kind.word), format!("{}-a", kind.word)])
        }
    }

    #[test]
    fn kinds_are_found_by_any_of_their_words() {
        assert_eq!(kind_named("Deploy").unwrap().kind, "Deployment");
        assert_eq!(kind_named("svc").unwrap().plural, "services");
        assert_eq!(kind_named("pvc").unwrap().word, "persistentvolumeclaim");
        assert!(kind_named("web").is_none());
        assert!(!namespace_kind().namespaced);
    }

    #[test]
    fn listings_and_failures_are_cached() {
        let calls = Rc::new(Cell::new(0));
        let cache = NameCache::new(Some(Box::new(Counting(Rc::clone(&calls)))));
        let deploy = kind_named("deploy").unwrap();
        assert_eq!(
            cache.names(deploy, "default"),
            ["deployment-a", "deployment-b"]
        );
        assert_eq!(cache.names(deploy, "default").len(), 2);
        assert_eq!(calls.get(), 1);
        assert!(cache.names(deploy, "down").is_empty());
        assert!(cache.names(deploy, "down").is_empty());
        assert_eq!(calls.get(), 2, "a failure is not retried at once");
        // Cluster-scoped kinds ignore the namespace.
        let ns = namespace_kind();
        cache.names(ns, "a");
        cache.names(ns, "b");
        assert_eq!(calls.get(), 3);
    }

    #[test]
    fn no_cluster_means_no_names() {
        let cache = NameCache::new(None);
        assert!(cache.names(namespace_kind(), "default").is_empty());
    }
}
