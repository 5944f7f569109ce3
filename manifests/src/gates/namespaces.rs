//! `protected-namespaces`: no objects in (and no redefinition of) the protected namespaces.

use serde_json::Value;

use super::catalogue::{Settings, Sink};
use super::pod_spec::{kind, name, namespace};

pub(crate) fn check(object: &Value, s: &Settings, sink: &mut Sink<'_>) {
    if let Some(ns) = namespace(object)
        && s.is_protected(ns)
    {
        sink.emit(
            format!("metadata.namespace is `{ns}`, a protected namespace"),
            format!(
                "set metadata.namespace to your application's namespace (protected: {})",
                s.protected.join(", ")
            ),
        );
    }
    if kind(object) == "Namespace"
        && let Some(ns) = name(object)
        && s.is_protected(ns)
    {
        sink.emit(
            format!("the object (re)defines the protected namespace `{ns}`"),
            "remove this Namespace object; protected namespaces are managed by the cluster"
                .to_owned(),
        );
    }
}
