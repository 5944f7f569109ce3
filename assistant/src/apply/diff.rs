//! The diff shown before applying: live vs what the server would store, as YAML, with
//! server-maintained noise stripped and Secret values masked.

use serde_json::Value;
use similar::TextDiff;

use crate::cluster::ObjectRef;

/// Metadata fields the server maintains; they change on every write and say nothing.
const NOISY_METADATA: [&str; 5] = [
    "managedFields",
    "resourceVersion",
    "uid",
    "generation",
    "creationTimestamp",
];

/// What kind of change a diff shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffKind {
    /// There is no live object: it will be created.
    New,
    /// The live object will change.
    Changed,
    /// Applying changes nothing.
    Unchanged,
}

/// The diff of one object.
#[derive(Debug, Clone)]
pub struct ObjectDiff {
    /// The object.
    pub object: ObjectRef,
    /// New, changed or unchanged.
    pub kind: DiffKind,
    /// A unified diff (`--- live` / `+++ proposed`); for a new object, the whole YAML as
    /// additions; empty when unchanged.
    pub text: String,
}

/// Diffs `live` (absent for a new object) against `proposed` (the dry-run result).
pub fn diff(object: ObjectRef, live: Option<&Value>, proposed: &Value) -> ObjectDiff {
    let mut after = clean(proposed);
    let Some(live) = live else {
        mask_secret(None, &mut after);
        let text = TextDiff::from_lines("", &yaml(&after))
            .unified_diff()
            .header("(none)", "proposed")
            .to_string();
        return ObjectDiff {
            object,
            kind: DiffKind::New,
            text,
        };
    };
    let mut before = clean(live);
    if before == after {
        // The common case when re-applying: no need to render either side.
        return ObjectDiff {
            object,
            kind: DiffKind::Unchanged,
            text: String::new(),
        };
    }
    mask_secret(Some(&mut before), &mut after);
    let (before, after) = (yaml(&before), yaml(&after));
    if before == after {
        return ObjectDiff {
            object,
            kind: DiffKind::Unchanged,
            text: String::new(),
        };
    }
    let text = TextDiff::from_lines(&before, &after)
        .unified_diff()
        .context_radius(3)
        .header("live", "proposed")
        .to_string();
    ObjectDiff {
        object,
        kind: DiffKind::Changed,
        text,
    }
}

/// A copy without `status` and the noisy metadata.
fn clean(obj: &Value) -> Value {
    let mut obj = obj.clone();
    if let Some(map) = obj.as_object_mut() {
        map.remove("status");
        if let Some(meta) = map.get_mut("metadata").and_then(Value::as_object_mut) {
            for key in NOISY_METADATA {
                meta.remove(key);
            }
            if let Some(ann) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
                ann.remove("kubectl.kubernetes.io/last-applied-configuration");
                if ann.is_empty() {
                    meta.remove("annotations");
                }
            }
        }
    }
    obj
}

/// Replaces Secret `data`/`stringData` values with markers that still show which keys were
/// added, removed or changed.
fn mask_secret(before: Option<&mut Value>, after: &mut Value) {
    if after["kind"] != "Secret" {
        return;
    }
    let mut before = before;
    for field in ["data", "stringData"] {
        let old = before
            .as_deref()
            .and_then(|b| b.get(field))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let new = after
            .get(field)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        if let Some(map) = after.get_mut(field).and_then(Value::as_object_mut) {
            for (k, v) in map.iter_mut() {
                *v = Value::from(match old.get(k) {
                    Some(o) if o == v => "(masked)",
                    Some(_) => "(masked, changed)",
                    None => "(masked)",
                });
            }
        }
        if let Some(map) = before
            .as_deref_mut()
            .and_then(|b| b.get_mut(field))
            .and_then(Value::as_object_mut)
        {
            for (k, v) in map.iter_mut() {
                *v = Value::from(match new.get(k) {
                    Some(n) if n != v => "(masked, before change)",
                    _ => "(masked)",
                });
            }
        }
    }
}

fn yaml(v: &Value) -> String {
    serde_saphyr::to_string(v).unwrap_or_else(|e| format!("# cannot render: {e}\n"))
}
