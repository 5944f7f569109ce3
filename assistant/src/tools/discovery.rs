//! Kind words → resources, and `api_resources`: the built-in table first (no round trip), the
//! server's discovery (fetched once per reader) for everything else.

use std::sync::{Arc, Mutex, PoisonError};

use shipmate_manifests::kubectl::{names_type, resource_type};

use super::table::Table;
use super::{ClusterReader, Kind, ToolError};
use crate::cluster::{ClusterError, Operation};

/// One served resource type (preferred version of its group; no subresources).
#[derive(Debug, Clone)]
pub struct Served {
    plural: String,
    singular: String,
    short_names: Vec<String>,
    api_version: String,
    kind: String,
    namespaced: bool,
}

/// Discovery, fetched on first need.
#[derive(Debug, Default)]
pub struct Cache(Mutex<Option<Arc<Vec<Served>>>>);

impl ClusterReader<'_> {
    /// The resource types the cluster serves, as `kubectl api-resources` lists them.
    ///
    /// # Errors
    /// When discovery fails (unreachable, 401, 403).
    pub async fn api_resources(&self) -> Result<String, ToolError> {
        let served = self.served().await?;
        let mut table = Table::new(vec![
            "NAME",
            "SHORTNAMES",
            "APIVERSION",
            "NAMESPACED",
            "KIND",
        ]);
        for s in served.iter() {
            table.push(vec![
                s.plural.clone(),
                s.short_names.join(","),
                s.api_version.clone(),
                s.namespaced.to_string(),
                s.kind.clone(),
            ]);
        }
        Ok(self.capped(table.render(), "ask for one kind with list"))
    }

    /// Resolves a kind word (`po`, `pods`, `Deployment`, `deployments.apps`, a CRD's plural).
    pub(super) async fn kind(&self, word: &str) -> Result<Kind, ToolError> {
        if let Some(t) = resource_type(word) {
            return match self.cluster.resource(t.api_version, t.kind).await {
                Ok(resource) => Ok(Kind {
                    resource,
                    singular: t.kind.to_ascii_lowercase(),
                }),
                Err(ClusterError::UnknownKind { .. }) => Err(ToolError::UnknownKind {
                    word: word.into(),
                    suggestion: None,
                }),
                Err(e) => Err(e.into()),
            };
        }
        let served = self.served().await?;
        let found = served
            .iter()
            .find(|s| names_type(word, &s.api_version, &s.kind, &s.plural, &s.short_names));
        let Some(s) = found else {
            let base = word.split('.').next().unwrap_or(word).to_ascii_lowercase();
            let suggestion = served
                .iter()
                .map(|s| (strsim::jaro_winkler(&base, &s.plural), &s.plural))
                .filter(|(score, _)| *score > 0.85)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, p)| p.clone());
            return Err(ToolError::UnknownKind {
                word: word.into(),
                suggestion,
            });
        };
        Ok(Kind {
            resource: self.cluster.resource(&s.api_version, &s.kind).await?,
            singular: s.singular.clone(),
        })
    }

    async fn served(&self) -> Result<Arc<Vec<Served>>, ToolError> {
        if let Some(found) = self.lock_discovery().as_ref() {
            return Ok(Arc::clone(found));
        }
        let client = self.cluster.client();
        let op = |e| {
            let op = Operation {
                url: self.cluster.url(),
                object: "API discovery".into(),
                verb: "get",
                plural: "API discovery",
                namespace: None,
            };
            ToolError::from(ClusterError::from_kube(e, &op))
        };
        let groups = client.list_api_groups().await.map_err(op)?;
        let versions = groups
            .groups
            .iter()
            .filter_map(|g| g.preferred_version.as_ref().or(g.versions.first()))
            .map(|v| v.group_version.clone());
        let core = client.list_core_api_resources("v1");
        let lists = futures::future::join_all(
            versions.map(|gv| async move { client.list_api_group_resources(&gv).await }),
        );
        let (core, lists) = tokio::join!(core, lists);
        let mut served = Vec::new();
        for list in std::iter::once(core).chain(lists) {
            let list = list.map_err(op)?;
            for r in list.resources.into_iter().filter(|r| !r.name.contains('/')) {
                served.push(Served {
                    singular: if r.singular_name.is_empty() {
                        r.kind.to_ascii_lowercase()
                    } else {
                        r.singular_name
                    },
                    plural: r.name,
                    short_names: r.short_names.unwrap_or_default(),
                    api_version: list.group_version.clone(),
                    kind: r.kind,
                    namespaced: r.namespaced,
                });
            }
        }
        let served = Arc::new(served);
        *self.lock_discovery() = Some(Arc::clone(&served));
        Ok(served)
    }

    fn lock_discovery(&self) -> std::sync::MutexGuard<'_, Option<Arc<Vec<Served>>>> {
        self.discovery
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}
