//! PersistentVolumeClaims and Namespaces.

use serde_json::{Value, json};

use super::meta::{Labels, object, object_meta};

/// A PersistentVolumeClaim to build.
#[derive(Debug, Clone)]
pub struct PvcSpec {
    /// `metadata.name`.
    pub name: String,
    /// Namespace, if not the default.
    pub namespace: Option<String>,
    /// Requested size (`20Gi`).
    pub size: String,
    /// Storage class; `None` uses the cluster default.
    pub storage_class: Option<String>,
    /// Access mode (`ReadWriteOnce` unless asked otherwise).
    pub access_mode: String,
}

impl PvcSpec {
    /// Builds the object.
    pub fn build(&self) -> Value {
        let meta = object_meta(&self.name, self.namespace.as_deref(), &Labels::new());
        let mut obj = object("v1", "PersistentVolumeClaim", meta);
        let mut spec = json!({
            "accessModes": [self.access_mode],
            "resources": { "requests": { "storage": self.size } },
        });
        if let Some(class) = &self.storage_class {
            spec["storageClassName"] = json!(class);
        }
        obj.insert("spec".into(), spec);
        Value::Object(obj)
    }
}

/// A Namespace with labels (for example Pod Security Admission levels).
pub fn namespace(name: &str, labels: &Labels) -> Value {
    Value::Object(object("v1", "Namespace", object_meta(name, None, labels)))
}
