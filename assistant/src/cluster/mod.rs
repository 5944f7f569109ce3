//! Cluster access: finding a kubeconfig, connecting with `kube`, and a [`Cluster`] handle that
//! caches the resource lookups (apiVersion/kind → plural, scope) for one session.
//!
//! Nothing here runs unless a command actually needs the cluster: `validate` and `ask` without
//! applying never construct a client.

mod error;
pub mod kubeconfig;
mod object;
mod openapi;

use std::collections::HashMap;
use std::sync::Mutex;

use kube::api::{Api, DynamicObject};
use kube::config::KubeConfigOptions;
use kube::core::{ApiResource, GroupVersionKind};
use kube::{Client, Config};

#[cfg(test)]
pub use error::FieldConflict;
pub use error::{ClusterError, Operation};
pub use kubeconfig::{KubeconfigSource, locate};
pub use object::ObjectRef;
pub use openapi::add_live_schemas;

/// How to connect: the `--kubeconfig` and `--context` flags.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// An explicit kubeconfig path (`--kubeconfig`); otherwise `KUBECONFIG`, `~/.kube/config`,
    /// then the in-cluster service account.
    pub kubeconfig: Option<std::path::PathBuf>,
    /// A context to use instead of the kubeconfig's `current-context` (`--context`).
    pub context: Option<String>,
}

/// A resolved resource type: what the API path needs for one apiVersion/kind.
#[derive(Debug, Clone)]
pub struct Resource {
    /// Group, version, kind and plural, as `kube` needs them for dynamic APIs.
    pub api_resource: ApiResource,
    /// Whether objects of this type live in a namespace.
    pub namespaced: bool,
}

/// A connected cluster: a `kube` client, where it points, and cached discovery.
pub struct Cluster {
    client: Client,
    url: String,
    context: Option<String>,
    namespace: String,
    resources: Mutex<HashMap<(String, String), Resource>>,
    /// `/openapi/v3` responses, for the session.
    openapi: openapi::Cache,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster")
            .field("url", &self.url)
            .field("context", &self.context)
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

impl Cluster {
    /// Finds the configuration (see [`locate`]) and builds a client. This does not contact
    /// the server: the first request does, and an unreachable server is reported then.
    ///
    /// # Errors
    /// No kubeconfig anywhere, an unreadable or invalid one, an unknown context, or a client
    /// that cannot be built (e.g. a bad certificate).
    pub async fn connect(opts: &ConnectOptions) -> Result<Cluster, ClusterError> {
        let env = kubeconfig::Env::from_process();
        let source = locate(opts.kubeconfig.as_deref(), &env)?;
        let (config, context) = match source {
            KubeconfigSource::Files(paths) => {
                let kubeconfig = kubeconfig::read_merged(&paths)?;
                let context = opts
                    .context
                    .clone()
                    .or_else(|| kubeconfig.current_context.clone());
                if let Some(name) = &opts.context
                    && !kubeconfig.contexts.iter().any(|c| &c.name == name)
                {
                    let known: Vec<_> =
                        kubeconfig.contexts.iter().map(|c| c.name.clone()).collect();
                    return Err(ClusterError::UnknownContext {
                        context: name.clone(),
                        known,
                    });
                }
                let options = KubeConfigOptions {
                    context: opts.context.clone(),
                    ..KubeConfigOptions::default()
                };
                let config = Config::from_custom_kubeconfig(kubeconfig, &options)
                    .await
                    .map_err(|e| ClusterError::Config {
                        source_desc: describe_paths(&paths),
                        message: e.to_string(),
                    })?;
                (config, context)
            }
            KubeconfigSource::InCluster => {
                let config = Config::incluster().map_err(|e| ClusterError::Config {
                    source_desc: "the in-cluster service account".into(),
                    message: e.to_string(),
                })?;
                (config, None)
            }
        };
        Self::from_config(config, context)
    }

    /// A handle for an already built `kube` configuration.
    ///
    /// # Errors
    /// When the client cannot be built from `config` (TLS setup, proxy).
    pub fn from_config(config: Config, context: Option<String>) -> Result<Cluster, ClusterError> {
        let url = config
            .cluster_url
            .to_string()
            .trim_end_matches('/')
            .to_string();
        let namespace = config.default_namespace.clone();
        let client = Client::try_from(config).map_err(|e| ClusterError::Config {
            source_desc: url.clone(),
            message: e.to_string(),
        })?;
        Ok(Cluster {
            client,
            url,
            context,
            namespace,
            resources: Mutex::new(HashMap::new()),
            openapi: openapi::Cache::default(),
        })
    }

    /// The API server URL, e.g. `https://10.0.0.1:6443`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The context in use, if the configuration came from a kubeconfig.
    pub fn context(&self) -> Option<&str> {
        self.context.as_deref()
    }

    /// The default namespace: the context's, else `default`.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// Makes `namespace` the default for objects that name none (`--namespace`).
    pub fn set_namespace(&mut self, namespace: &str) {
        namespace.clone_into(&mut self.namespace);
    }

    /// The underlying client (cheap to clone).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Resolves `apiVersion`/`kind` to its resource (plural, scope), asking the server once
    /// per group/version and kind per session.
    ///
    /// # Errors
    /// [`ClusterError::UnknownKind`] when the server does not serve it, or any API error.
    pub async fn resource(&self, api_version: &str, kind: &str) -> Result<Resource, ClusterError> {
        let key = (api_version.to_string(), kind.to_string());
        if let Some(found) = self.lock_resources().get(&key) {
            return Ok(found.clone());
        }
        let (group, version) = match api_version.split_once('/') {
            Some((g, v)) => (g, v),
            None => ("", api_version),
        };
        let gvk = GroupVersionKind::gvk(group, version, kind);
        let resolved = match kube::discovery::pinned_kind(&self.client, &gvk).await {
            Ok((api_resource, caps)) => Resource {
                api_resource,
                namespaced: caps.scope == kube::discovery::Scope::Namespaced,
            },
            Err(kube::Error::Api(s)) if s.code == 404 => {
                return Err(ClusterError::UnknownKind {
                    api_version: api_version.into(),
                    kind: kind.into(),
                });
            }
            Err(kube::Error::Discovery(_)) => {
                return Err(ClusterError::UnknownKind {
                    api_version: api_version.into(),
                    kind: kind.into(),
                });
            }
            Err(e) => {
                let op = error::Operation {
                    url: &self.url,
                    object: format!("discovery of {api_version}/{kind}"),
                    verb: "get",
                    plural: "API discovery",
                    namespace: None,
                };
                return Err(ClusterError::from_kube(e, &op));
            }
        };
        self.lock_resources().insert(key, resolved.clone());
        Ok(resolved)
    }

    /// The resource for `api_version`/`kind` if this session already looked it up; never
    /// contacts the server.
    pub fn cached_resource(&self, api_version: &str, kind: &str) -> Option<Resource> {
        self.lock_resources()
            .get(&(api_version.to_string(), kind.to_string()))
            .cloned()
    }

    /// `manifest`'s [`ObjectRef`] with the namespace filled in (the default namespace for a
    /// namespaced kind without one, none for a cluster-scoped kind) when the scope is known
    /// from this session's lookups; as written otherwise. Never contacts the server.
    pub fn object_ref(&self, manifest: &serde_json::Value) -> ObjectRef {
        let mut object = ObjectRef::of(manifest);
        match self.cached_resource(&object.api_version, &object.kind) {
            Some(r) if r.namespaced => {
                object
                    .namespace
                    .get_or_insert_with(|| self.namespace.clone());
            }
            Some(_) => object.namespace = None,
            None => {}
        }
        object
    }

    /// A dynamic API for `resource` in `namespace` (ignored for cluster-scoped resources).
    pub fn api(&self, resource: &Resource, namespace: Option<&str>) -> Api<DynamicObject> {
        let ar = &resource.api_resource;
        if resource.namespaced {
            Api::namespaced_with(
                self.client.clone(),
                namespace.unwrap_or(&self.namespace),
                ar,
            )
        } else {
            Api::all_with(self.client.clone(), ar)
        }
    }

    fn lock_resources(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), Resource>> {
        self.resources
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn describe_paths(paths: &[std::path::PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
pub(crate) mod tests;
