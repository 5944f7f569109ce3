//! `get`: one object as YAML, without the noise (managedFields, last-applied) and without
//! Secret values.

use serde_json::Value;

use super::{ClusterReader, Kind, ToolError};

/// The annotation kubectl's client-side apply keeps the whole last object in (for a Secret:
/// its values, in plain text).
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

impl ClusterReader<'_> {
    /// `kind`/`name` as YAML (namespaced kinds: in `namespace`, else the default namespace),
    /// without `managedFields` and the last-applied annotation. A Secret shows its keys and
    /// their sizes, never their values.
    ///
    /// # Errors
    /// An unknown kind, a missing object (naming those that exist), or a cluster failure.
    pub async fn get(
        &self,
        kind: &str,
        name: &str,
        namespace: Option<&str>,
    ) -> Result<String, ToolError> {
        let (_, value) = self.fetch_clean(kind, name, namespace).await?;
        let yaml = serde_saphyr::to_string(&value).unwrap_or_else(|e| e.to_string());
        Ok(self.capped(yaml, "use describe for the status, or list with a selector"))
    }
}

impl ClusterReader<'_> {
    /// Resolves `kind`, reads the object and [`sanitize`]s it.
    pub(super) async fn fetch_clean(
        &self,
        kind: &str,
        name: &str,
        namespace: Option<&str>,
    ) -> Result<(Kind, Value), ToolError> {
        let kind = self.kind(kind).await?;
        let object = self.fetch(&kind, name, namespace).await?;
        let mut value = serde_json::to_value(object).unwrap_or_default();
        sanitize(&kind, &mut value);
        Ok((kind, value))
    }
}

/// Drops what no reader needs and what must never leave: managedFields, the last-applied
/// annotation, and every Secret value (replaced by its size).
pub(super) fn sanitize(kind: &Kind, object: &mut Value) {
    if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("managedFields");
        if let Some(annotations) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
            annotations.remove(LAST_APPLIED);
            if annotations.is_empty() {
                meta.remove("annotations");
            }
        }
    }
    if kind.is_secret() {
        for field in ["data", "stringData"] {
            let base64 = field == "data";
            if let Some(map) = object.get_mut(field).and_then(Value::as_object_mut) {
                for value in map.values_mut() {
                    *value = Value::String(withheld(value, base64));
                }
            }
        }
    }
}

/// `<withheld: 12 bytes>` for a Secret value (base64 in `data`, plain in `stringData`).
fn withheld(value: &Value, base64: bool) -> String {
    format!("<withheld: {} bytes>", byte_size(value, base64))
}

/// The size of a data value: decoded from base64 (`data` of Secrets, `binaryData`), else as is.
pub(super) fn byte_size(value: &Value, base64: bool) -> usize {
    let text = value.as_str().unwrap_or_default();
    if base64 {
        let padding = text.bytes().rev().take_while(|b| *b == b'=').count();
        (text.len() / 4 * 3).saturating_sub(padding)
    } else {
        text.len()
    }
}
