//! `protected-namespaces`: no objects in (and no redefinition of) the protected namespaces.

use super::catalogue::Settings;
use super::pod_spec::name;
use super::run::{Obj, Sink};

pub(crate) fn check(obj: &Obj<'_>, s: &Settings, sink: &mut Sink<'_>) {
    if let Some(ns) = obj.namespace
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
    if obj.kind == "Namespace"
        && let Some(ns) = name(obj.value)
        && s.is_protected(ns)
    {
        sink.emit(
            format!("the object (re)defines the protected namespace `{ns}`"),
            "remove this Namespace object; protected namespaces are managed by the cluster"
                .to_owned(),
        );
    }
}
