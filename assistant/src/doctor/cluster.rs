//! Cluster checks: which kubeconfig and context, whether the API server answers (and its
//! version), and whether the account may read pods and apply deployments there
//! (SelfSubjectAccessReviews, which any authenticated account may create).

use std::time::Duration;

use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use kube::api::{Api, PostParams};

use super::{Check, DoctorOptions};
use crate::cluster::kubeconfig::{Env, read_merged};
use crate::cluster::{Cluster, ClusterError, KubeconfigSource, Operation, locate};

/// The kubeconfig, cluster and (when the cluster answers) permissions checks, and the
/// server's minor version when it answered.
pub async fn checks(opts: &DoctorOptions) -> (Vec<Check>, Option<u32>) {
    let kubeconfig = kubeconfig(opts);
    if kubeconfig.status != super::Status::Ok {
        let skipped = Check::warn(
            "cluster",
            "not checked: no usable kubeconfig",
            "fix the kubeconfig first (see above)",
        );
        return (vec![kubeconfig, skipped], None);
    }
    let mut checks = vec![kubeconfig];
    let mut minor = None;
    match reach(opts).await {
        Ok((cluster, check, server_minor)) => {
            checks.push(check);
            minor = server_minor;
            let namespace = opts.namespace.as_deref().unwrap_or(cluster.namespace());
            checks.push(permissions(&cluster, namespace, opts.timeout).await);
        }
        Err(check) => checks.push(check),
    }
    (checks, minor)
}

/// Where the configuration comes from, and the context, namespace and server it selects.
fn kubeconfig(opts: &DoctorOptions) -> Check {
    const NAME: &str = "kubeconfig";
    let explicit = opts.connect.kubeconfig.as_deref();
    let paths = match locate(explicit, &Env::from_process()) {
        Ok(KubeconfigSource::InCluster) => {
            return Check::ok(NAME, "the in-cluster service account (no kubeconfig file)");
        }
        Ok(KubeconfigSource::Files(paths)) => paths,
        Err(e) if explicit.is_some() => {
            return Check::fail(NAME, e.to_string(), "pass an existing file to --kubeconfig");
        }
        Err(e) => {
            return Check::warn(
                NAME,
                e.to_string(),
                "without a cluster shipmate still validates and proposes (the manual \
                 fallback); to apply, set KUBECONFIG or pass --kubeconfig",
            );
        }
    };
    let files = paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let config = match read_merged(&paths) {
        Ok(config) => config,
        Err(e) => {
            return Check::fail(
                NAME,
                e.to_string(),
                "fix the file or pass another with --kubeconfig",
            );
        }
    };
    let known = || {
        config
            .contexts
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some(name) = opts
        .connect
        .context
        .clone()
        .or(config.current_context.clone())
    else {
        return Check::fail(
            NAME,
            format!("{files}: no current context"),
            format!(
                "pick one with --context (contexts: {}) or `kubectl config use-context NAME`",
                known()
            ),
        );
    };
    let Some(context) = config.contexts.iter().find(|c| c.name == name) else {
        return Check::fail(
            NAME,
            format!("{files}: context {name:?} is not defined"),
            format!(
                "pick one of: {} (--context, or `kubectl config use-context NAME`)",
                known()
            ),
        );
    };
    let context = context.context.clone().unwrap_or_default();
    let namespace = context.namespace.unwrap_or_else(|| "default".into());
    let server = config
        .clusters
        .iter()
        .find(|c| c.name == context.cluster)
        .and_then(|c| c.cluster.as_ref())
        .and_then(|c| c.server.clone())
        .unwrap_or_else(|| "no server".into());
    Check::ok(
        NAME,
        format!("{files} (context {name}, namespace {namespace}, server {server})"),
    )
}

/// Connects and asks `/version`: the cluster, the check, and the server's minor version.
async fn reach(opts: &DoctorOptions) -> Result<(Cluster, Check, Option<u32>), Check> {
    const NAME: &str = "cluster";
    let cluster = Cluster::connect(&opts.connect)
        .await
        .map_err(|e| failed(&e))?;
    let url = cluster.url().to_owned();
    let version = tokio::time::timeout(opts.timeout, cluster.client().apiserver_version()).await;
    match version {
        Ok(Ok(info)) => {
            let check = Check::ok(
                NAME,
                format!(
                    "{url} answers: Kubernetes {} ({})",
                    info.git_version, info.platform
                ),
            );
            let minor = super::programs::minor(&format!("{}.{}", info.major, info.minor));
            Ok((cluster, check, minor))
        }
        Ok(Err(e)) => {
            let op = Operation {
                url: &url,
                object: "the server version (/version)".into(),
                verb: "get",
                plural: "/version",
                namespace: None,
            };
            Err(failed(&ClusterError::from_kube(e, &op)))
        }
        Err(_) => Err(Check::fail(
            NAME,
            format!("{url} did not answer within {}s", opts.timeout.as_secs()),
            "check the network/VPN and the kubeconfig's server address, or pick another \
             context with --context",
        )),
    }
}

/// A failed `cluster` check for `err`, with the fix for its kind.
fn failed(err: &ClusterError) -> Check {
    let fix = match err {
        ClusterError::Unreachable { .. } => {
            "check the network/VPN and the kubeconfig's server address, or pick another \
             context with --context"
        }
        ClusterError::Unauthorized { .. } => {
            "log in again (the token may have expired) or check the kubeconfig's user"
        }
        ClusterError::Forbidden { .. } => "ask an administrator for access to the cluster",
        _ => "fix the kubeconfig or pass another with --kubeconfig / --context",
    };
    Check::fail("cluster", err.to_string(), fix)
}

/// What shipmate needs in the namespace it works in: reading pods (the troubleshooting tools)
/// and creating and patching deployments (server-side apply).
const NEEDED: &[(&str, &str, &str)] = &[
    ("get", "", "pods"),
    ("create", "apps", "deployments"),
    ("patch", "apps", "deployments"),
];

/// Asks the server whether this account may do what [`NEEDED`] lists.
async fn permissions(cluster: &Cluster, namespace: &str, timeout: Duration) -> Check {
    const NAME: &str = "permissions";
    let api: Api<SelfSubjectAccessReview> = Api::all(cluster.client().clone());
    let mut denied = Vec::new();
    for (verb, group, resource) in NEEDED {
        let review = SelfSubjectAccessReview {
            spec: SelfSubjectAccessReviewSpec {
                resource_attributes: Some(ResourceAttributes {
                    namespace: Some(namespace.to_owned()),
                    verb: Some((*verb).to_owned()),
                    group: Some((*group).to_owned()),
                    resource: Some((*resource).to_owned()),
                    ..ResourceAttributes::default()
                }),
                ..SelfSubjectAccessReviewSpec::default()
            },
            ..SelfSubjectAccessReview::default()
        };
        let answer =
            tokio::time::timeout(timeout, api.create(&PostParams::default(), &review)).await;
        match answer {
            Ok(Ok(r)) if r.status.as_ref().is_some_and(|s| s.allowed) => {}
            Ok(Ok(_)) => denied.push(format!("{verb} {resource}")),
            Ok(Err(e)) => {
                return Check::warn(
                    NAME,
                    format!("could not ask the server (SelfSubjectAccessReview): {e}"),
                    "none needed if applies work; otherwise check your RBAC with \
                     `kubectl auth can-i --list`",
                );
            }
            Err(_) => {
                return Check::warn(
                    NAME,
                    format!(
                        "no answer to a SelfSubjectAccessReview within {}s",
                        timeout.as_secs()
                    ),
                    "check the cluster's health; `kubectl auth can-i --list` shows your RBAC",
                );
            }
        }
    }
    let asked = NEEDED
        .iter()
        .map(|(verb, _, resource)| format!("{verb} {resource}"))
        .collect::<Vec<_>>()
        .join(", ");
    if denied.is_empty() {
        Check::ok(NAME, format!("may {asked} in namespace {namespace}"))
    } else {
        Check::warn(
            NAME,
            format!(
                "may not {} in namespace {namespace}: shipmate can propose there but not apply",
                denied.join(", ")
            ),
            "ask an administrator for a Role with those verbs, pick another namespace with \
             -n, or apply the manual fallback's files yourself",
        )
    }
}
