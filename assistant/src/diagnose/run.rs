//! One diagnosis from start to end on a connected cluster: collect, analyze, keep what the
//! request is about, report.

use shipmate_manifests::gates::ResourceDefaults;
use shipmate_plugins::Progress;
use shipmate_plugins::analyze::analyze_with;

use super::report::{ClusterInfo, Report, ReportScope};
use super::{Limits, Scope, Target, collect, thousands};
use crate::cluster::Cluster;

/// What to diagnose: a namespace (`None`: all of them), optionally one object in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The namespace; `None` for all namespaces.
    pub namespace: Option<String>,
    /// One object (its namespace is `namespace`).
    pub target: Option<Target>,
}

/// Reads the cluster, runs the analyzers (fixes get `defaults` as requests/limits), and
/// reports the findings of `request`.
///
/// # Errors
/// The cluster cannot be read (unreachable, credentials, any failure other than a kind that is
/// forbidden or not served), or the target does not exist.
pub async fn run(
    cluster: &Cluster,
    request: &Request,
    limits: &Limits,
    defaults: &ResourceDefaults,
    progress: &mut dyn Progress,
) -> anyhow::Result<Report> {
    let scope = match &request.namespace {
        Some(ns) => Scope::Namespace(ns.clone()),
        None => Scope::All,
    };
    let collected = collect(cluster, &scope, limits, progress).await?;
    progress.update(&format!(
        "analyzing {} objects…",
        thousands(collected.objects)
    ));
    let mut findings = analyze_with(&collected.snapshot, defaults);
    if let (Some(target), Some(ns)) = (&request.target, &request.namespace) {
        findings = target.select(&collected.snapshot, ns, findings)?;
    }
    let scope = ReportScope {
        namespace: request.namespace.clone(),
        object: request.target.as_ref().map(Target::label),
    };
    let cluster = ClusterInfo {
        server: cluster.url().to_owned(),
        context: cluster.context().map(str::to_owned),
    };
    Ok(Report::new(scope, cluster, findings, collected.skipped))
}
