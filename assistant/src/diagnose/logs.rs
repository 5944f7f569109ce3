//! The last lines a crashed container wrote before it died (`previous=true`): for at most
//! [`Limits::logs`] crashing containers, at most [`Limits::log_lines`] lines and
//! [`Limits::log_bytes`] bytes each, credentials masked before they are kept.

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, LogParams};
use shipmate_plugins::analyze::Snapshot;
use shipmate_plugins::llm::mask::mask_text;

use super::Limits;
use crate::cluster::Cluster;

/// Adds the previous instance's log of the first crashing containers to `snapshot`. A log
/// that cannot be read (the instance is gone, the account may not read logs) is left out: the
/// analyzers report the crash without it.
pub async fn previous(cluster: &Cluster, snapshot: &mut Snapshot, limits: &Limits) {
    let wanted: Vec<_> = snapshot
        .crashing_containers()
        .into_iter()
        .take(limits.logs)
        .collect();
    let client = cluster.client();
    let read = futures::stream::iter(wanted)
        .map(|c| async move {
            let api: Api<Pod> = Api::namespaced(client.clone(), &c.namespace);
            let params = LogParams {
                container: Some(c.container.clone()),
                previous: true,
                tail_lines: Some(limits.log_lines),
                limit_bytes: Some(limits.log_bytes),
                ..LogParams::default()
            };
            let text = api.logs(&c.pod, &params).await.ok()?;
            Some((c, mask_text(&text).into_owned()))
        })
        .buffer_unordered(limits.in_flight)
        .collect::<Vec<_>>()
        .await;
    for (container, text) in read.into_iter().flatten() {
        if !text.trim().is_empty() {
            snapshot.previous_logs.insert(container, text);
        }
    }
}
