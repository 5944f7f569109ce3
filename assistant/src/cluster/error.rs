//! [`ClusterError`]: every way talking to a cluster fails, each with a message that says what
//! to do about it.

use std::path::PathBuf;

use shipmate_plugins::ManualReason;

/// A field that another field manager owns, from a server-side apply conflict.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldConflict {
    /// The manager that owns the field, e.g. `kubectl-client-side-apply`.
    pub manager: String,
    /// The field path, e.g. `.spec.replicas`.
    pub field: String,
}

/// What was being done when an API call failed, for the error message.
#[derive(Debug, Clone)]
pub struct Operation<'a> {
    /// The API server URL.
    pub url: &'a str,
    /// The object (or discovery step), e.g. `Deployment/web in namespace shop`.
    pub object: String,
    /// The RBAC verb: `get`, `patch`, …
    pub verb: &'a str,
    /// The resource plural, e.g. `deployments`.
    pub plural: &'a str,
    /// The namespace, for namespaced objects.
    pub namespace: Option<&'a str>,
}

/// Why a cluster operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// No configuration anywhere.
    #[error(
        "no kubeconfig found at {}: set KUBECONFIG or pass --kubeconfig",
        looked_at(.looked)
    )]
    NoKubeconfig {
        /// Every path looked at.
        looked: Vec<PathBuf>,
    },
    /// A kubeconfig file that cannot be read or parsed.
    #[error("cannot read kubeconfig {}: {message}; fix the file or pass another with --kubeconfig", .path.display())]
    BadKubeconfig {
        /// The file.
        path: PathBuf,
        /// The parser's complaint.
        message: String,
    },
    /// `--context` names a context the kubeconfig does not have.
    #[error("context {context:?} is not in the kubeconfig (contexts: {}); pick one of those with --context", .known.join(", "))]
    UnknownContext {
        /// The requested context.
        context: String,
        /// The contexts the kubeconfig has.
        known: Vec<String>,
    },
    /// The configuration cannot be turned into a client.
    #[error("cannot configure the cluster connection from {source_desc}: {message}")]
    Config {
        /// Where the configuration came from.
        source_desc: String,
        /// What went wrong.
        message: String,
    },
    /// The server did not answer (refused, reset, timed out, TLS failure).
    #[error(
        "cluster unreachable at {url}: {message}; check the network/VPN and the kubeconfig's server address"
    )]
    Unreachable {
        /// The API server URL.
        url: String,
        /// The transport error.
        message: String,
    },
    /// 401: the credentials were rejected.
    #[error(
        "unauthorized (401) at {url}: the cluster rejected your credentials; log in again or check the kubeconfig user"
    )]
    Unauthorized {
        /// The API server URL.
        url: String,
    },
    /// 403: RBAC denies the verb.
    #[error("forbidden (403) on {object}: your account lacks {verb} on {plural}{}", in_ns(.namespace))]
    Forbidden {
        /// The object.
        object: String,
        /// The denied verb.
        verb: String,
        /// The resource plural.
        plural: String,
        /// The namespace, for namespaced objects.
        namespace: Option<String>,
        /// The server's message.
        message: String,
    },
    /// 409 from server-side apply: fields owned by other managers.
    #[error("conflict on {object}: {}; nothing was forced — pass --force to take the fields over, or leave them to their owner", conflicts_text(.conflicts, .message))]
    Conflict {
        /// The object.
        object: String,
        /// The contested fields and their owners (empty when the server gave no details).
        conflicts: Vec<FieldConflict>,
        /// The server's message.
        message: String,
    },
    /// The apiVersion/kind is not served (a missing CRD, or a removed API version).
    #[error(
        "the cluster does not serve {api_version}/{kind}: install its CRD first or check apiVersion"
    )]
    UnknownKind {
        /// `apiVersion`.
        api_version: String,
        /// `kind`.
        kind: String,
    },
    /// 400/422: the server rejected the object itself.
    #[error("{object} is invalid ({code}): {message}")]
    Invalid {
        /// The object.
        object: String,
        /// 400 or 422.
        code: u16,
        /// The server's message (with strict field validation: unknown fields).
        message: String,
    },
    /// The server answered 200 with a body that is not what the API promises.
    #[error("unexpected response for {what}: {message}")]
    InvalidResponse {
        /// What was asked for, and where.
        what: String,
        /// What is wrong with the answer.
        message: String,
    },
    /// Any other API status.
    #[error("{object}: the API server answered {code} {reason}: {message}")]
    Api {
        /// The object.
        object: String,
        /// HTTP status.
        code: u16,
        /// `metav1.Status` reason.
        reason: String,
        /// The server's message.
        message: String,
    },
}

impl ClusterError {
    /// Maps a `kube` error raised while doing `op`.
    pub fn from_kube(err: kube::Error, op: &Operation<'_>) -> ClusterError {
        let status = match err {
            kube::Error::Api(status) => status,
            other => {
                return ClusterError::Unreachable {
                    url: op.url.to_string(),
                    message: chain(&other),
                };
            }
        };
        let object = op.object.clone();
        match status.code {
            401 => ClusterError::Unauthorized {
                url: op.url.to_string(),
            },
            403 => ClusterError::Forbidden {
                object,
                verb: op.verb.to_string(),
                plural: op.plural.to_string(),
                namespace: op.namespace.map(str::to_string),
                message: status.message,
            },
            409 if status.reason == "Conflict" => ClusterError::Conflict {
                object,
                conflicts: status
                    .details
                    .iter()
                    .flat_map(|d| &d.causes)
                    .filter(|c| c.reason == "FieldManagerConflict")
                    .map(|c| FieldConflict {
                        manager: manager_of(&c.message),
                        field: c.field.clone(),
                    })
                    .collect(),
                message: status.message,
            },
            400 | 422 => ClusterError::Invalid {
                object,
                code: status.code,
                message: status.message,
            },
            code => ClusterError::Api {
                object,
                code,
                reason: status.reason,
                message: status.message,
            },
        }
    }

    /// Why the manual fallback is the way forward after this failure — no cluster, no access
    /// (401/403), unreachable — or `None` when it is a problem with the change itself.
    pub fn manual_reason(&self) -> Option<ManualReason> {
        match self {
            ClusterError::NoKubeconfig { .. } => Some(ManualReason::NoCluster),
            ClusterError::Unreachable { .. } => Some(ManualReason::Unreachable),
            ClusterError::Unauthorized { .. } | ClusterError::Forbidden { .. } => {
                Some(ManualReason::NoPermission)
            }
            _ => None,
        }
    }
}

/// `conflict with "kubectl" using apps/v1` → `kubectl`.
fn manager_of(message: &str) -> String {
    message.split('"').nth(1).unwrap_or(message).to_string()
}

fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        let next = s.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = s.source();
    }
    text
}

fn looked_at(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "any of KUBECONFIG, ~/.kube/config or the in-cluster service account".into();
    }
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn in_ns(namespace: &Option<String>) -> String {
    namespace
        .as_deref()
        .map(|ns| format!(" in namespace {ns}"))
        .unwrap_or_else(|| " (cluster-wide)".into())
}

fn conflicts_text(conflicts: &[FieldConflict], message: &str) -> String {
    if conflicts.is_empty() {
        return message.to_string();
    }
    let fields: Vec<String> = conflicts
        .iter()
        .map(|c| format!("{} (owned by {:?})", c.field, c.manager))
        .collect();
    format!("fields owned by another manager: {}", fields.join(", "))
}
