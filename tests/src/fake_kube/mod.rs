//! A fake Kubernetes API server for tests, on loopback, speaking the real wire protocol well
//! enough for the `kube` client and a real `kubectl`.
//!
//! Why a hand-written fake rather than a mock: the applier and the REPL talk to the cluster
//! through two very different clients (kube-rs in-process, `kubectl` as a child process), and
//! both must be tested against the *same* server behaviour: discovery, server-side apply with
//! field ownership and conflicts, dry-run, `metav1.Status` errors, and faults. Building on
//! std threads and blocking sockets keeps it independent of any async runtime, so tests can
//! use it from sync code, tokio tests, and child processes alike.
//!
//! ```no_run
//! use shipmate_e2e::fake_kube::{FakeCluster, Fault};
//! let cluster = FakeCluster::start();
//! let dir = tempfile::tempdir().unwrap();
//! let kubeconfig = cluster.kubeconfig(dir.path());
//! cluster.seed("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\n");
//! cluster.inject(Fault::status(403).method("PATCH"));
//! // … run kubectl or the kube client against `kubeconfig` …
//! assert!(cluster.get("configmap/default/c").is_some());
//! assert!(cluster.requests().iter().any(|r| r.param("dryRun") == Some("All")));
//! ```
//!
//! Served: discovery (legacy form; kubectl falls back to it from aggregated discovery),
//! `/openapi/v3` (the index, and per group-version the paths kubectl reads plus the component
//! schemas of built-in kinds and CRDs in the real wire shape), get/list (label selectors; field selectors on any dotted field such as
//! `metadata.name` or `involvedObject.uid`; `limit`/`continue` pages with `remainingItemCount`)/watch/create/update/delete/deletecollection, server-side apply with
//! `managedFields`, conflicts and `force`, merge and strategic merge patch, `dryRun=All`,
//! `resourceVersion` preconditions, the `scale`, `status` and `pods/log` subresources (`container`, `previous`,
//! `tailLines`; see [`LOG_ANNOTATION`]), CRDs and
//! their custom resources, `metav1.Status` errors, bearer-token authentication, and injected
//! faults ([`Fault`]).
//!
//! kubectl sends no credentials over plain `http://` (kubernetes/kubectl#744), so tests that
//! drive kubectl call [`FakeCluster::allow_anonymous`]; the kube client does send the token.
//!
//! Not modelled: TLS, protobuf and CBOR bodies (415), JSON patch (415), admission and
//! `fieldValidation=Strict` (accepted, not enforced: there are no built-in schemas here),
//! controllers (Deployments never get Pods; their `status` is set to a finished rollout on
//! every write unless [`FakeCluster::complete_rollouts`] is turned off), graceful deletion and
//! finalizers (deletes are immediate), keyed list merging in server-side apply (lists are
//! atomic), Table responses (kubectl prints NAME/AGE), `/openapi/v2` (404), OpenAPI v3
//! operations beyond what kubectl reads (see `openapi.rs`).

mod access;
mod api;
mod apply;
mod clock;
mod components;
mod discovery;
mod faults;
pub mod fixtures;
pub(crate) mod http;
mod meta;
mod openapi;
mod patch;
mod rollout;
mod selector;
mod server;
mod status;
mod store;
mod subresource;
mod watch;
mod write;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Value, json};

pub use api::{LOG_ANNOTATION, PREVIOUS_LOG_ANNOTATION};
pub use faults::Fault;

/// The bearer token [`FakeCluster::start`] accepts.
pub const DEFAULT_TOKEN: &str = "shipmate-fake-token";

/// A running fake API server; it stops (closing every connection) when dropped.
#[derive(Debug)]
pub struct FakeCluster {
    shared: Arc<server::Shared>,
}

/// One request the server received, for assertions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    /// HTTP method (`GET`, `PATCH`, …).
    pub method: String,
    /// Decoded path, e.g. `/apis/apps/v1/namespaces/default/deployments/web`.
    pub path: String,
    /// The raw query string without `?`, e.g. `fieldManager=shipmate&dryRun=All`.
    pub query: String,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The `User-Agent` header, if any.
    pub user_agent: Option<String>,
    /// The `Accept` header, if any.
    pub accept: Option<String>,
    /// Whether the request carried the right bearer token.
    pub authenticated: bool,
}

impl RequestRecord {
    /// The value of query parameter `name` as sent (not percent-decoded), if present.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .split('&')
            .filter_map(|p| p.split_once('=').or(Some((p, ""))))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
    }
}

impl fmt::Display for RequestRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        if !self.query.is_empty() {
            write!(f, "?{}", self.query)?;
        }
        Ok(())
    }
}

/// What [`FakeCluster::seed`] accepts: YAML/JSON text with one or more documents (a `List`
/// is unpacked), or JSON values.
pub trait Seed {
    /// The objects to store.
    fn into_objects(self) -> Vec<Value>;
}

impl Seed for &str {
    fn into_objects(self) -> Vec<Value> {
        let docs: Vec<Value> = serde_saphyr::from_multiple(self)
            .unwrap_or_else(|e| panic!("FakeCluster::seed: invalid YAML: {e}"));
        docs.into_iter().flat_map(Seed::into_objects).collect()
    }
}

impl Seed for Value {
    fn into_objects(self) -> Vec<Value> {
        match self {
            Value::Null => Vec::new(),
            Value::Array(items) => items.into_iter().flat_map(Seed::into_objects).collect(),
            v if v["kind"].as_str().is_some_and(|k| k.ends_with("List")) => {
                v["items"].clone().into_objects()
            }
            v => vec![v],
        }
    }
}

impl Seed for Vec<Value> {
    fn into_objects(self) -> Vec<Value> {
        Value::Array(self).into_objects()
    }
}

impl FakeCluster {
    /// Starts a server on 127.0.0.1 (an ephemeral port) accepting [`DEFAULT_TOKEN`].
    ///
    /// # Panics
    /// If no loopback socket can be bound.
    pub fn start() -> FakeCluster {
        Self::start_with_token(DEFAULT_TOKEN)
    }

    /// Starts a server accepting only `Authorization: Bearer TOKEN`; others get 401.
    ///
    /// # Panics
    /// If no loopback socket can be bound.
    pub fn start_with_token(token: &str) -> FakeCluster {
        let shared = server::start(token.to_string()).expect("bind a loopback socket");
        FakeCluster { shared }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.shared.addr)
    }

    /// The bearer token the server accepts.
    pub fn token(&self) -> &str {
        &self.shared.token
    }

    /// Writes `DIR/kubeconfig` (cluster, user with the bearer token, and a current context
    /// whose namespace is `default`) and returns its path. kubectl ignores the token over
    /// plain http: see [`allow_anonymous`](Self::allow_anonymous).
    pub fn kubeconfig(&self, dir: &Path) -> PathBuf {
        self.kubeconfig_with_namespace(dir, "default")
    }

    /// Like [`kubeconfig`](Self::kubeconfig) with the context's namespace set to `namespace`.
    ///
    /// # Panics
    /// If the file cannot be written.
    pub fn kubeconfig_with_namespace(&self, dir: &Path, namespace: &str) -> PathBuf {
        let path = dir.join("kubeconfig");
        let text = format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: {}\nusers:\n- name: fake-user\n  user:\n    token: {}\ncontexts:\n- name: fake\n  context:\n    cluster: fake\n    user: fake-user\n    namespace: {namespace}\ncurrent-context: fake\n",
            self.url(),
            self.token()
        );
        std::fs::write(&path, text).expect("write kubeconfig");
        path
    }

    /// Stores objects as if created by manager `fake-kube-seed` (namespaces they need are
    /// created too; Namespaces and CRDs first). Returns the stored objects.
    ///
    /// # Panics
    /// On invalid input (unknown kind, missing name, duplicate), with the reason.
    pub fn seed(&self, input: impl Seed) -> Vec<Value> {
        let mut objects = input.into_objects();
        objects.sort_by_key(|o| match o["kind"].as_str() {
            Some("Namespace") => 0,
            Some("CustomResourceDefinition") => 1,
            _ => 2,
        });
        let mut state = self.shared.lock();
        let store = &mut state.store;
        let mut stored = Vec::new();
        for obj in objects {
            let (api_version, kind) = (
                obj["apiVersion"].as_str().unwrap_or_default(),
                obj["kind"].as_str().unwrap_or_default(),
            );
            let info = store
                .find_kind(api_version, kind)
                .unwrap_or_else(|| panic!("FakeCluster::seed: unknown kind {api_version}/{kind}"));
            let ns = if info.namespaced {
                obj["metadata"]["namespace"]
                    .as_str()
                    .unwrap_or("default")
                    .to_string()
            } else {
                String::new()
            };
            if info.namespaced && store.check_namespace(&info, &ns).is_err() {
                let ns_info = store.find("", "namespaces").expect("built in");
                let ns_obj =
                    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}});
                let _ = store.create(&ns_info, "", ns_obj);
            }
            let mut obj = store
                .prepare_create(&info, &ns, obj)
                .unwrap_or_else(|e| panic!("FakeCluster::seed: {}", e.message));
            apply::record_update(None, &mut obj, "fake-kube-seed");
            let obj = store
                .create(&info, &ns, obj)
                .unwrap_or_else(|e| panic!("FakeCluster::seed: {}", e.message));
            stored.push(obj);
        }
        drop(state);
        self.shared.changed.notify_all();
        stored
    }

    /// The stored object named by `KIND/NAMESPACE/NAME` (namespaced) or `KIND/NAME`
    /// (cluster-scoped, or namespaced in `default`). KIND is a kind, plural, singular or
    /// short name, optionally `.group`-qualified (`deployment`, `deploy`, `ingresses.networking.k8s.io`).
    pub fn get(&self, spec: &str) -> Option<Value> {
        let state = self.shared.lock();
        let (info, ns, name) = locate(&state.store, spec)?;
        state.store.get(&info, &ns, &name).cloned()
    }

    /// Every stored object of a kind (as for [`get`](Self::get)), in all namespaces.
    pub fn list(&self, kind: &str) -> Vec<Value> {
        let state = self.shared.lock();
        let Some(info) = state
            .store
            .catalogue()
            .into_iter()
            .find(|r| r.matches(kind))
        else {
            return Vec::new();
        };
        state.store.list(&info, None).into_iter().cloned().collect()
    }

    /// Serves requests that carry no `Authorization` header at all (a wrong token is still
    /// refused with 401). Needed for `kubectl`: client-go never sends bearer tokens over plain
    /// `http://` (kubernetes/kubectl#744), and this server speaks no TLS to stay std-only.
    pub fn allow_anonymous(&self, allow: bool) {
        self.shared
            .anonymous
            .store(allow, std::sync::atomic::Ordering::SeqCst);
    }

    /// Delays every response by `latency` (per request; concurrent requests wait
    /// concurrently), to model a real API server across a network, where a client that sends
    /// one request at a time pays the round trip for every object. Zero by default.
    pub fn set_latency(&self, latency: std::time::Duration) {
        let us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.shared
            .latency_us
            .store(us, std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether writes to Deployments, StatefulSets, ReplicaSets and DaemonSets immediately set
    /// the `status` of a finished rollout (the default), or leave `status` as written (to
    /// test a rollout that never finishes, or one that [`set_status`](Self::set_status) and
    /// [`complete_rollout`](Self::complete_rollout) move along later).
    pub fn complete_rollouts(&self, complete: bool) {
        self.shared.lock().store.complete_rollouts = complete;
    }

    /// Makes `SelfSubjectAccessReview`s for `verb` on `resource` (a plural such as
    /// `deployments`) answer "not allowed"; everything else stays allowed.
    pub fn deny(&self, verb: &str, resource: &str) {
        self.shared.lock().store.denied.push(access::Denial {
            verb: verb.to_string(),
            resource: resource.to_string(),
        });
    }

    /// Adds a fault; faults are consulted in the order injected.
    pub fn inject(&self, fault: Fault) {
        self.shared.lock().faults.push(fault);
    }

    /// Every request received so far (including rejected and faulted ones), in order.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.lock().log.clone()
    }

    /// When each answered request was read and when its answer was fully written, in the
    /// order answered (watches excluded): the time a client spent waiting on this server.
    pub fn busy(&self) -> Vec<(std::time::Instant, std::time::Instant)> {
        self.shared.lock().busy.clone()
    }

    /// Forgets the request log.
    pub fn clear_requests(&self) {
        self.shared.lock().log.clear();
    }
}

/// Resolves a `KIND/NAMESPACE/NAME` or `KIND/NAME` spec (see [`FakeCluster::get`]) to the
/// resource, namespace (empty for cluster-scoped) and name.
fn locate(store: &store::Store, spec: &str) -> Option<(discovery::ResourceInfo, String, String)> {
    let parts: Vec<&str> = spec.split('/').collect();
    let info = store
        .catalogue()
        .into_iter()
        .find(|r| r.matches(parts[0]))?;
    let (ns, name) = match (parts.as_slice(), info.namespaced) {
        ([_, ns, name], true) => (*ns, *name),
        ([_, name], true) => ("default", *name),
        ([_, name], false) => ("", *name),
        _ => return None,
    };
    Some((info, ns.to_string(), name.to_string()))
}

impl Drop for FakeCluster {
    fn drop(&mut self) {
        self.shared.shut_down();
    }
}
