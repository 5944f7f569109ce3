//! Metadata shared by every builder.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

/// The recommended name label; selectors use it alone.
pub const NAME_LABEL: &str = "app.kubernetes.io/name";
/// Marks objects shipmate generated (metadata only, never in selectors).
pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";

/// Labels, sorted by key.
pub type Labels = BTreeMap<String, String>;

/// The labels that identify the pods of a workload called `name`: its selector.
pub fn selector_labels(name: &str) -> Labels {
    Labels::from([(NAME_LABEL.to_owned(), name.to_owned())])
}

/// Pod/object labels: the selector labels, the managed-by label and any extra ones.
pub fn object_labels(name: &str, extra: &Labels) -> Labels {
    let mut labels = selector_labels(name);
    labels.insert(MANAGED_BY.to_owned(), "shipmate".to_owned());
    for (k, v) in extra {
        labels.entry(k.clone()).or_insert_with(|| v.clone());
    }
    labels
}

/// `metadata` with name, namespace (when given) and labels (when any).
pub fn object_meta(name: &str, namespace: Option<&str>, labels: &Labels) -> Value {
    let mut meta = Map::new();
    meta.insert("name".into(), json!(name));
    if let Some(ns) = namespace.filter(|ns| !ns.is_empty()) {
        meta.insert("namespace".into(), json!(ns));
    }
    if !labels.is_empty() {
        meta.insert("labels".into(), json!(labels));
    }
    Value::Object(meta)
}

/// A full object head: apiVersion, kind and metadata; `spec` and friends are added by callers.
pub fn object(api_version: &str, kind: &str, meta: Value) -> Map<String, Value> {
    let mut obj = Map::new();
    obj.insert("apiVersion".into(), json!(api_version));
    obj.insert("kind".into(), json!(kind));
    obj.insert("metadata".into(), meta);
    obj
}
