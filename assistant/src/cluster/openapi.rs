//! The cluster's OpenAPI v3 documents, for schema validation against what the server actually
//! serves (its Kubernetes version, and its CRDs).
//!
//! A real cluster publishes ~50 group-version documents of up to several MB each, so only the
//! documents a proposal needs are fetched: `GET /openapi/v3` (the index: group-version →
//! `serverRelativeURL` with a content hash), then `GET` each needed `serverRelativeURL`.
//! Both are cached on the [`Cluster`] for the session (successes only: a failure is retried
//! next time). Failing to fetch is never fatal: [`add_live_schemas`] falls back to the bundled
//! schema and returns the one line to print about it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::{Map, Value};
use shipmate_manifests::SchemaSet;
use shipmate_manifests::schema::openapi_path;

use super::error::Operation;
use super::{Cluster, ClusterError};

/// The session's cache of `/openapi/v3` responses.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    /// The index's `paths` (`apis/apps/v1` → `{serverRelativeURL}`).
    index: Mutex<Option<Arc<Map<String, Value>>>>,
    /// Documents by `serverRelativeURL` (which carries the content hash).
    documents: Mutex<HashMap<String, Arc<Value>>>,
}

/// Documents fetched by [`Cluster::openapi_v3`].
#[derive(Debug, Clone, Default)]
pub struct OpenApiDocuments {
    /// `(apiVersion, document)` for every requested group-version the server publishes.
    pub documents: Vec<(String, Arc<Value>)>,
    /// Requested group-versions the server does not publish (a CRD not installed, a removed
    /// or misspelt apiVersion).
    pub missing: Vec<String>,
}

impl Cluster {
    /// The OpenAPI v3 documents of `group_versions` (apiVersions: `apps/v1`, `v1`,
    /// `example.com/v1`), fetching the index and each document at most once per session.
    ///
    /// # Errors
    /// Any failure to get the index or one of the documents: unreachable, 401/403, 404 from a
    /// server without `/openapi/v3` (before 1.24), or a body that is not JSON.
    pub async fn openapi_v3(
        &self,
        group_versions: &[&str],
    ) -> Result<OpenApiDocuments, ClusterError> {
        let index = self.openapi_index().await?;
        let mut wanted = Vec::new();
        let mut out = OpenApiDocuments::default();
        for gv in group_versions {
            let url = index
                .get(&openapi_path(gv))
                .and_then(|p| p.get("serverRelativeURL"))
                .and_then(Value::as_str);
            match url {
                Some(url) => wanted.push((gv.to_string(), url.to_string())),
                None => out.missing.push(gv.to_string()),
            }
        }
        let fetches = wanted
            .iter()
            .map(|(gv, url)| self.openapi_document(gv, url));
        for (fetched, (gv, _)) in futures::future::try_join_all(fetches)
            .await?
            .into_iter()
            .zip(wanted)
        {
            out.documents.push((gv, fetched));
        }
        Ok(out)
    }

    async fn openapi_index(&self) -> Result<Arc<Map<String, Value>>, ClusterError> {
        if let Some(index) = lock(&self.openapi.index).clone() {
            return Ok(index);
        }
        let mut body = self.get_json("/openapi/v3", "the OpenAPI v3 index").await?;
        let Some(Value::Object(paths)) = body.get_mut("paths").map(Value::take) else {
            return Err(ClusterError::InvalidResponse {
                what: format!("the OpenAPI v3 index at {}/openapi/v3", self.url),
                message: "it has no `paths` object".into(),
            });
        };
        let paths = Arc::new(paths);
        *lock(&self.openapi.index) = Some(Arc::clone(&paths));
        Ok(paths)
    }

    async fn openapi_document(&self, gv: &str, url: &str) -> Result<Arc<Value>, ClusterError> {
        if let Some(doc) = lock(&self.openapi.documents).get(url) {
            return Ok(Arc::clone(doc));
        }
        let what = format!("the OpenAPI v3 document of {gv}");
        let doc = Arc::new(self.get_json(url, &what).await?);
        lock(&self.openapi.documents).insert(url.to_string(), Arc::clone(&doc));
        Ok(doc)
    }

    /// `GET path` (a non-resource URL) as JSON.
    async fn get_json(&self, path: &str, what: &str) -> Result<Value, ClusterError> {
        let request = http::Request::get(path)
            .header(http::header::ACCEPT, "application/json")
            .body(Vec::new())
            .map_err(|e| ClusterError::InvalidResponse {
                what: what.to_string(),
                message: format!("cannot build the request for {path}: {e}"),
            })?;
        let text = self.client.request_text(request).await.map_err(|e| {
            let op = Operation {
                url: &self.url,
                object: format!("{what} ({path})"),
                verb: "get",
                plural: "/openapi/v3",
                namespace: None,
            };
            ClusterError::from_kube(e, &op)
        })?;
        serde_json::from_str(&text).map_err(|e| ClusterError::InvalidResponse {
            what: format!("{what} at {}{path}", self.url),
            message: e.to_string(),
        })
    }
}

/// What [`add_live_schemas`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveSchemas {
    /// Group-versions now validated against the cluster's own schema (including ones added
    /// by an earlier call).
    pub live: Vec<String>,
    /// One line to show the person when validation (partly) falls back to the bundled schema;
    /// `None` when everything needed came from the cluster.
    pub fallback: Option<String>,
}

/// Adds to `schemas` the live OpenAPI v3 documents of the apiVersions used by `manifests`, so
/// that their kinds (custom resources included) are validated against what the cluster serves.
///
/// Call it once per proposal with the session's [`SchemaSet`] (documents already added are not
/// added again, so compiled kinds are kept) or with a fresh [`SchemaSet::bundled`]. Kinds the
/// cluster does not describe keep their bundled schema; group-versions it does not serve are
/// left alone (the server dry-run reports them). On any failure to fetch, nothing is added and
/// [`LiveSchemas::fallback`] says so, e.g. `schema: using the bundled Kubernetes schema: the
/// cluster's OpenAPI v3 is unavailable (forbidden (403) on …)`.
pub async fn add_live_schemas(
    cluster: &Cluster,
    manifests: &[Value],
    schemas: &mut SchemaSet,
) -> LiveSchemas {
    let mut needed: Vec<&str> = manifests
        .iter()
        .filter_map(|m| m.get("apiVersion").and_then(Value::as_str))
        .filter(|gv| !gv.is_empty())
        .collect();
    needed.sort_unstable();
    needed.dedup();
    let mut report = LiveSchemas::default();
    let (known, to_fetch): (Vec<&str>, Vec<&str>) = needed
        .into_iter()
        .partition(|gv| schemas.has_openapi_v3(gv));
    report.live.extend(known.into_iter().map(str::to_string));
    if to_fetch.is_empty() {
        return report;
    }
    let fetched = match cluster.openapi_v3(&to_fetch).await {
        Ok(fetched) => fetched,
        Err(e) => {
            report.fallback = Some(format!(
                "schema: using the bundled Kubernetes schema: the cluster's OpenAPI v3 is unavailable ({e})"
            ));
            return report;
        }
    };
    let mut rejected = Vec::new();
    for (gv, document) in &fetched.documents {
        match schemas.add_openapi_v3(gv, document) {
            Ok(_) => report.live.push(gv.clone()),
            Err(e) => rejected.push(e.to_string()),
        }
    }
    report.live.sort_unstable();
    if !rejected.is_empty() {
        report.fallback = Some(format!(
            "schema: using the bundled Kubernetes schema where the cluster's is unusable: {}",
            rejected.join("; ")
        ));
    }
    report
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests;
