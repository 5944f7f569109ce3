//! Patches of a pod template, as kubectl sends them (strategic merge patches; containers merge
//! by name): `rollout restart`, `set image`, `set env`. Pure functions of the live object, so
//! the unknown-container check happens before anything is sent.

use serde_json::{Map, Value, json};

use super::ActionError;
use crate::cluster::ObjectRef;

/// The annotation `kubectl rollout restart` stamps on the pod template.
pub const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

/// The container lists kubectl's `set image` and `set env` change.
const LISTS: &[&str] = &["containers", "initContainers"];

/// The strategic merge patch of `kubectl rollout restart` at time `now` (RFC 3339).
pub(super) fn restart(now: &str) -> Value {
    json!({"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: now}}}}})
}

/// Where the pod spec is: the object's own `spec` for a Pod, `spec.template.spec` otherwise.
fn pod_spec(kind: &str, live: &Value) -> Value {
    if kind == "Pod" {
        live["spec"].clone()
    } else {
        live["spec"]["template"]["spec"].clone()
    }
}

/// Wraps a pod spec patch for `kind`.
fn wrap(kind: &str, spec: Map<String, Value>) -> Value {
    if kind == "Pod" {
        json!({"spec": spec})
    } else {
        json!({"spec": {"template": {"spec": spec}}})
    }
}

/// Every container name, init containers included.
fn names(spec: &Value) -> Vec<String> {
    LISTS
        .iter()
        .flat_map(|l| spec[*l].as_array().into_iter().flatten())
        .filter_map(|c| c["name"].as_str().map(str::to_string))
        .collect()
}

/// A patch giving each selected container an entry built by `entry(name)`: containers
/// `select`ed by `wanted` (`*` = all). Unknown names are an error naming the containers that
/// exist.
fn per_container(
    object: &ObjectRef,
    live: &Value,
    wanted: &[&str],
    mut entry: impl FnMut(&str, &str) -> Option<Value>,
) -> Result<Value, ActionError> {
    let spec = pod_spec(&object.kind, live);
    let known = names(&spec);
    if let Some(missing) = wanted
        .iter()
        .find(|w| **w != "*" && !known.iter().any(|k| k == *w))
    {
        return Err(ActionError::UnknownContainer {
            object: Box::new(object.clone()),
            container: missing.to_string(),
            known,
        });
    }
    let mut patch = Map::new();
    for list in LISTS {
        let entries: Vec<Value> = spec[*list]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["name"].as_str())
            .filter_map(|name| {
                let rule = wanted
                    .iter()
                    .rfind(|w| **w == name)
                    .or(wanted.iter().rfind(|w| **w == "*"))?;
                entry(name, rule)
            })
            .collect();
        if !entries.is_empty() {
            patch.insert(list.to_string(), Value::Array(entries));
        }
    }
    Ok(wrap(&object.kind, patch))
}

/// The strategic merge patch of `kubectl set image C=IMAGE …` (`*=IMAGE`: every container,
/// init containers included, as kubectl does).
pub(super) fn set_image(
    object: &ObjectRef,
    live: &Value,
    images: &[(String, String)],
) -> Result<Value, ActionError> {
    let wanted: Vec<&str> = images.iter().map(|(c, _)| c.as_str()).collect();
    per_container(object, live, &wanted, |name, rule| {
        let image = &images.iter().rfind(|(c, _)| c == rule)?.1;
        Some(json!({"name": name, "image": image}))
    })
}

/// The strategic merge patch of `kubectl set env [-c C] KEY=VALUE… KEY-…`: on every container
/// (init containers included) unless `-c` names one. A set value replaces a `valueFrom`.
pub(super) fn set_env(
    object: &ObjectRef,
    live: &Value,
    container: Option<&str>,
    set: &[(String, String)],
    remove: &[String],
) -> Result<Value, ActionError> {
    let mut env: Vec<Value> = set
        .iter()
        .map(|(k, v)| json!({"name": k, "value": v, "valueFrom": null}))
        .collect();
    env.extend(
        remove
            .iter()
            .map(|k| json!({"name": k, "$patch": "delete"})),
    );
    let wanted = [container.unwrap_or("*")];
    per_container(object, live, &wanted, |name, _| {
        Some(json!({"name": name, "env": env}))
    })
}
