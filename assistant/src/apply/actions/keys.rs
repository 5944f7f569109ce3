//! Patches of keyed metadata and node taints, computed from the live object so kubectl's
//! `--overwrite` rule is checked before anything is sent: `label`, `annotate`, `taint`.
//!
//! Each patch carries the live `metadata.resourceVersion` as a precondition, so the check and
//! the write see the same object: if it changed in between, the server answers 409 and nothing
//! is overwritten (kubectl only does this with `--resource-version`).

use serde_json::{Map, Value, json};

use super::ActionError;
use super::ops::{KeyChanges, Taint};
use crate::cluster::ObjectRef;

/// The JSON merge patch of `kubectl label`/`annotate` on `field` (`labels` or
/// `annotations`): sets and removals, refusing to change an existing value without
/// `--overwrite` (setting the same value again is fine, as in kubectl).
pub(super) fn meta_patch(
    object: &ObjectRef,
    live: &Value,
    field: &str,
    changes: &KeyChanges,
) -> Result<Value, ActionError> {
    let current = &live["metadata"][field];
    if !changes.overwrite {
        let existing: Vec<String> = changes
            .set
            .iter()
            .filter_map(|(k, v)| {
                let now = current[k].as_str()?;
                (now != v).then(|| format!("{k}={now}"))
            })
            .collect();
        if !existing.is_empty() {
            return Err(ActionError::WouldOverwrite {
                object: Box::new(object.clone()),
                what: if field == "labels" {
                    "label"
                } else {
                    "annotation"
                },
                existing,
            });
        }
    }
    let mut keys = Map::new();
    for k in &changes.remove {
        keys.insert(k.clone(), Value::Null);
    }
    for (k, v) in &changes.set {
        keys.insert(k.clone(), v.clone().into());
    }
    Ok(json!({"metadata": {field: keys, "resourceVersion": live["metadata"]["resourceVersion"]}}))
}

/// The strategic merge patch of `kubectl taint` (the node's whole taint list; taints have no
/// merge key): removals first (`key-` removes every effect of `key`; a removal that matches
/// nothing is an error), then additions (an existing `key:Effect` with another value needs
/// `--overwrite`).
pub(super) fn taint_patch(
    object: &ObjectRef,
    live: &Value,
    add: &[Taint],
    remove: &[Taint],
    overwrite: bool,
) -> Result<Value, ActionError> {
    let mut taints: Vec<Value> = live["spec"]["taints"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let same = |t: &Value, key: &str, effect: &str| {
        t["key"] == key && (effect.is_empty() || t["effect"] == effect)
    };
    for r in remove {
        let before = taints.len();
        taints.retain(|t| !same(t, &r.key, &r.effect));
        if taints.len() == before {
            return Err(ActionError::TaintNotFound {
                object: Box::new(object.clone()),
                taint: r.to_string(),
            });
        }
    }
    let mut existing = Vec::new();
    for a in add {
        let mut entry = json!({"key": a.key, "effect": a.effect});
        if !a.value.is_empty() {
            entry["value"] = a.value.clone().into();
        }
        match taints.iter_mut().find(|t| same(t, &a.key, &a.effect)) {
            Some(t) if t["value"].as_str().unwrap_or_default() == a.value => {}
            Some(t) if overwrite => *t = entry,
            Some(t) => existing.push(format!(
                "{}={}:{}",
                a.key,
                t["value"].as_str().unwrap_or_default(),
                a.effect
            )),
            None => taints.push(entry),
        }
    }
    if !existing.is_empty() {
        return Err(ActionError::WouldOverwrite {
            object: Box::new(object.clone()),
            what: "taint",
            existing,
        });
    }
    Ok(json!({
        "metadata": {"resourceVersion": live["metadata"]["resourceVersion"]},
        "spec": {"taints": taints},
    }))
}
