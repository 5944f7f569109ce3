//! Read-only cluster tools for an agent loop: list, get, describe, logs, events,
//! api-resources, a schema lookup and the troubleshooting analyzers (`diagnose`), each answering with compact text under a byte cap.
//!
//! Why it is built this way:
//! - A model pays for every byte it reads, and a 10 MB log or a 3 000-pod list must not blow its
//!   context: every answer is capped at [`ToolLimits::max_bytes`] (cut on a UTF-8 boundary,
//!   with a note of what was cut and how to narrow), logs keep their end, lists are read page by
//!   page (`limit`/`continue`) and stop at [`ToolLimits::list_rows`].
//! - Lists are kubectl-like tables, not YAML: a row per object with the columns a person looks
//!   at first (READY, STATUS, RESTARTS, …) costs a fraction of the objects themselves.
//! - Kind words are what a model writes (`po`, `pods`, `deployments.apps`, `Deployment`):
//!   the built-in table of [`shipmate_manifests::kubectl::resource_type`] answers without a
//!   round trip; anything else (custom resources) is looked up once in the server's discovery.
//! - Nothing here writes. Secret values are dropped as soon as a Secret is read and never
//!   appear in any answer (keys and sizes do); masking other credentials is the LLM layer's job.
//! - Errors are short and say what exists ("no pod api-0 in namespace shop; pods there: …"), so
//!   that a model's next call is a good one.

mod adapter;
mod cap;
mod columns;
mod describe;
mod diagnose;
mod discovery;
mod error;
mod events;
mod get;
mod list;
mod logs;
mod schema;
mod table;

use kube::api::{Api, DynamicObject, ListParams};

use crate::cluster::{Cluster, ClusterError, Operation, Resource};

pub use adapter::SessionTools;
pub use error::ToolError;
pub use schema::schema_lookup;

/// Bounds on what one tool answer may cost. Defaults: 16 KiB per answer, the last 200 log
/// lines, 200 list rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct ToolLimits {
    max_bytes: usize,
    log_tail_lines: i64,
    list_rows: usize,
}

impl Default for ToolLimits {
    fn default() -> Self {
        ToolLimits {
            max_bytes: 16 * 1024,
            log_tail_lines: 200,
            list_rows: 200,
        }
    }
}

impl ToolLimits {
    /// The defaults (see the type docs).
    pub fn new() -> Self {
        Self::default()
    }

    /// Most bytes of one answer, notes included (at least 256).
    pub fn max_bytes(mut self, bytes: usize) -> Self {
        self.max_bytes = bytes.max(256);
        self
    }

    /// Log lines returned when the call names no `tail` (at least 1).
    pub fn log_tail_lines(mut self, lines: i64) -> Self {
        self.log_tail_lines = lines.max(1);
        self
    }

    /// Most rows of one list or events answer (at least 1).
    pub fn list_rows(mut self, rows: usize) -> Self {
        self.list_rows = rows.max(1);
        self
    }
}

/// The read-only tools on one connected cluster.
#[derive(Debug)]
pub struct ClusterReader<'c> {
    cluster: &'c Cluster,
    limits: ToolLimits,
    discovery: discovery::Cache,
}

/// A resolved kind word: the resource and its singular name.
#[derive(Debug, Clone)]
struct Kind {
    resource: Resource,
    singular: String,
}

impl Kind {
    fn plural(&self) -> &str {
        &self.resource.api_resource.plural
    }

    fn kind(&self) -> &str {
        &self.resource.api_resource.kind
    }

    /// Whether this is the core `Secret` kind, whose values never leave this module.
    fn is_secret(&self) -> bool {
        self.resource.api_resource.group.is_empty() && self.kind() == "Secret"
    }
}

impl<'c> ClusterReader<'c> {
    /// Tools on `cluster` within `limits`.
    /// The namespace a call that names none means: the session's default.
    pub fn default_namespace(&self) -> &str {
        self.cluster.namespace()
    }

    pub fn new(cluster: &'c Cluster, limits: ToolLimits) -> Self {
        ClusterReader {
            cluster,
            limits,
            discovery: discovery::Cache::default(),
        }
    }

    /// `text` cut to the byte cap, keeping its start; `narrow` says how to ask for less.
    fn capped(&self, text: String, narrow: &str) -> String {
        cap::keep_start(text, self.limits.max_bytes, narrow)
    }

    /// The namespace a namespaced call uses when it names none: the cluster's default.
    fn namespace_or_default<'a>(&'a self, namespace: Option<&'a str>) -> &'a str {
        namespace.unwrap_or(self.cluster.namespace())
    }

    /// A list API: one namespace, or all of them (`None`) for namespaced kinds.
    fn list_api(&self, kind: &Kind, namespace: Option<&str>) -> Api<DynamicObject> {
        match namespace {
            Some(ns) => self.cluster.api(&kind.resource, Some(ns)),
            None => Api::all_with(self.cluster.client().clone(), &kind.resource.api_resource),
        }
    }

    /// Maps a `kube` error of `verb` on `kind` (in `namespace`) to a [`ToolError`].
    fn api_error(
        &self,
        err: kube::Error,
        verb: &'static str,
        kind: &Kind,
        name: Option<&str>,
        namespace: Option<&str>,
    ) -> ToolError {
        let what = match name {
            Some(n) => format!("{}/{n}", kind.kind()),
            None => kind.plural().to_string(),
        };
        let object = match namespace {
            Some(ns) if kind.resource.namespaced => format!("{what} in namespace {ns}"),
            _ => what,
        };
        if let kube::Error::Api(status) = &err
            && status.code == 400
        {
            return ToolError::Invalid {
                what: format!("{verb} {object}"),
                message: status.message.clone(),
            };
        }
        let op = Operation {
            url: self.cluster.url(),
            object,
            verb,
            plural: kind.plural(),
            namespace: namespace.filter(|_| kind.resource.namespaced),
        };
        let hint = match &err {
            kube::Error::Api(s) if s.code == 403 && namespace.is_none() => {
                "; name one namespace instead of all"
            }
            _ => "",
        };
        ToolError::Cluster {
            source: Box::new(ClusterError::from_kube(err, &op)),
            hint,
        }
    }

    /// Reads `name`, or says it does not exist and which do.
    async fn fetch(
        &self,
        kind: &Kind,
        name: &str,
        namespace: Option<&str>,
    ) -> Result<DynamicObject, ToolError> {
        let ns = kind
            .resource
            .namespaced
            .then(|| self.namespace_or_default(namespace));
        let api = self.cluster.api(&kind.resource, ns);
        match api.get_opt(name).await {
            Ok(Some(obj)) => Ok(obj),
            Ok(None) => Err(self.not_found(kind, name, ns).await),
            Err(e) => Err(self.api_error(e, "get", kind, Some(name), ns)),
        }
    }

    /// [`ToolError::NotFound`] with the first few names that do exist (when they can be listed).
    async fn not_found(&self, kind: &Kind, name: &str, ns: Option<&str>) -> ToolError {
        const SHOWN: u32 = 12;
        let api = self.list_api(kind, ns);
        let page = api
            .list_metadata(&ListParams::default().limit(SHOWN + 1))
            .await
            .ok();
        let more = page.as_ref().is_some_and(|p| {
            p.items.len() > SHOWN as usize
                || p.metadata.continue_.as_ref().is_some_and(|c| !c.is_empty())
        });
        let others = page.map(|p| {
            let names = p.items.into_iter().filter_map(|o| o.metadata.name);
            names.take(SHOWN as usize).collect()
        });
        ToolError::NotFound {
            singular: kind.singular.clone(),
            plural: kind.plural().to_string(),
            name: name.to_string(),
            namespace: ns.map(str::to_string),
            others,
            more,
        }
    }
}

#[cfg(test)]
mod tests;
