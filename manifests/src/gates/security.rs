//! Container security context gates: `no-privileged` (block), `run-as-non-root`,
//! `no-privilege-escalation`, `read-only-root-fs` (warn).

use serde_json::Value;

use super::pod_spec::ALL_CONTAINERS;
use super::run::{Obj, Sink};

pub(crate) fn no_privileged(obj: &Obj<'_>, sink: &mut Sink<'_>) {
    let Some(pod) = obj.pod else { return };
    for c in pod.containers(ALL_CONTAINERS) {
        if c.security("privileged").and_then(Value::as_bool) == Some(true) {
            sink.emit(
                format!(
                    "{} runs privileged (securityContext.privileged: true), with full access to \
                     the node",
                    c.describe()
                ),
                format!(
                    "set {}.securityContext.privileged: false (grant only the capabilities it \
                     needs under securityContext.capabilities.add)",
                    c.path()
                ),
            );
        }
    }
}

pub(crate) fn run_as_non_root(obj: &Obj<'_>, sink: &mut Sink<'_>) {
    let Some(pod) = obj.pod else { return };
    let pod_level = pod.security("runAsNonRoot").and_then(Value::as_bool);
    let mut unset = Vec::new();
    for c in pod.containers(ALL_CONTAINERS) {
        match c
            .security("runAsNonRoot")
            .and_then(Value::as_bool)
            .or(pod_level)
        {
            Some(true) => {}
            Some(false) if c.security("runAsNonRoot").is_some() => sink.emit(
                format!(
                    "{} sets securityContext.runAsNonRoot: false, so it may run as root",
                    c.describe()
                ),
                format!("set {}.securityContext.runAsNonRoot: true", c.path()),
            ),
            _ => unset.push(c),
        }
    }
    if unset.is_empty() {
        return;
    }
    let names: Vec<String> = unset.iter().map(|c| format!("\"{}\"", c.name())).collect();
    let why = if pod_level == Some(false) {
        format!("{}.securityContext.runAsNonRoot is false", pod.path)
    } else {
        "runAsNonRoot is set neither on the pod nor on the container".to_owned()
    };
    sink.emit(
        format!(
            "container{} {} may run as root: {why}",
            if names.len() == 1 { "" } else { "s" },
            names.join(", ")
        ),
        format!(
            "set {}.securityContext.runAsNonRoot: true (and runAsUser to a non-zero UID if the \
             image does not declare one)",
            pod.path
        ),
    );
}

pub(crate) fn no_privilege_escalation(obj: &Obj<'_>, sink: &mut Sink<'_>) {
    let Some(pod) = obj.pod else { return };
    for c in pod.containers(ALL_CONTAINERS) {
        if c.security("allowPrivilegeEscalation")
            .and_then(Value::as_bool)
            != Some(false)
        {
            let how = if c.security("allowPrivilegeEscalation").is_some() {
                "sets securityContext.allowPrivilegeEscalation: true"
            } else {
                "does not set securityContext.allowPrivilegeEscalation: false"
            };
            sink.emit(
                format!("{} {how}", c.describe()),
                format!(
                    "set {}.securityContext.allowPrivilegeEscalation: false",
                    c.path()
                ),
            );
        }
    }
}

pub(crate) fn read_only_root_fs(obj: &Obj<'_>, sink: &mut Sink<'_>) {
    let Some(pod) = obj.pod else { return };
    for c in pod.containers(ALL_CONTAINERS) {
        if c.security("readOnlyRootFilesystem")
            .and_then(Value::as_bool)
            != Some(true)
        {
            sink.emit(
                format!(
                    "{} has a writable root filesystem (securityContext.readOnlyRootFilesystem \
                     is not true)",
                    c.describe()
                ),
                format!(
                    "set {}.securityContext.readOnlyRootFilesystem: true (mount an emptyDir \
                     where the app must write)",
                    c.path()
                ),
            );
        }
    }
}
