//! [`ToolError`]: short texts a model can act on.

use crate::cluster::ClusterError;
use shipmate_manifests::schema::ExplainError;

/// Why a read-only tool could not answer. Each message names the input and what to try.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// The resource type word names nothing this cluster serves.
    #[error(
        "unknown resource type {word:?}{}; call api_resources for the types this cluster serves",
        .suggestion.as_ref().map(|s| format!(" (did you mean {s}?)")).unwrap_or_default()
    )]
    UnknownKind {
        /// The word as given.
        word: String,
        /// A close resource name, if any.
        suggestion: Option<String>,
    },
    /// No object of that name.
    #[error("no {singular} {name}{}{}", in_ns(.namespace), existing(.plural, .namespace, .others, *.more))]
    NotFound {
        /// The type, singular and lower case (`pod`).
        singular: String,
        /// The type's plural (`pods`).
        plural: String,
        /// The name asked for.
        name: String,
        /// The namespace looked in (namespaced types).
        namespace: Option<String>,
        /// Names that do exist there (the first few); `None` when they could not be listed.
        others: Option<Vec<String>>,
        /// Whether there are more than `others`.
        more: bool,
    },
    /// The arguments are not usable (a bad selector, a container the pod lacks, no previous
    /// log); the server's words.
    #[error("{what}: {message}")]
    Invalid {
        /// What was asked, e.g. `logs of pod api-0 in namespace shop`.
        what: String,
        /// Why it cannot be answered.
        message: String,
    },
    /// Schema lookups: an unknown kind or field.
    #[error(transparent)]
    Schema(#[from] ExplainError),
    /// Any other cluster failure (unreachable, 401, 403, …), with a hint where one helps.
    #[error("{source}{hint}")]
    Cluster {
        /// The failure.
        #[source]
        source: Box<ClusterError>,
        /// What to try, e.g. `; name a namespace` (may be empty).
        hint: &'static str,
    },
}

impl From<ClusterError> for ToolError {
    fn from(source: ClusterError) -> Self {
        ToolError::Cluster {
            source: Box::new(source),
            hint: "",
        }
    }
}

fn in_ns(namespace: &Option<String>) -> String {
    namespace
        .as_deref()
        .map(|ns| format!(" in namespace {ns}"))
        .unwrap_or_default()
}

/// `; pods there: a, b` or `; there are no pods in namespace shop` (nothing when unknown).
fn existing(
    plural: &str,
    namespace: &Option<String>,
    others: &Option<Vec<String>>,
    more: bool,
) -> String {
    match others {
        None => String::new(),
        Some(others) if others.is_empty() => {
            format!("; there are no {plural}{}", in_ns(namespace))
        }
        Some(others) => {
            let place = if namespace.is_some() { " there" } else { "" };
            let more = if more { ", …" } else { "" };
            format!("; {plural}{place}: {}{more}", others.join(", "))
        }
    }
}
