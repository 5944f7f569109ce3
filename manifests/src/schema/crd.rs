//! Schemas of custom resources, taken from `CustomResourceDefinition` documents
//! (`apiextensions.k8s.io/v1`).
//!
//! Every served version's `openAPIV3Schema` becomes the schema of `group/version` +
//! `spec.names.kind`, closed like the built-in kinds (except where the CRD says
//! `x-kubernetes-preserve-unknown-fields: true`). The API server adds `apiVersion`, `kind` and
//! `metadata` (an `ObjectMeta`) to every custom resource whatever the CRD says, so we do too.

use serde_json::{Value, json};

use crate::document::Document;
use crate::error::ManifestError;

use super::cache;
use super::strict;

/// The closed schema of one version of a custom resource.
#[derive(Debug)]
pub(crate) struct CrdSchema {
    /// `group/version`.
    pub api_version: String,
    /// `spec.names.kind`.
    pub kind: String,
    /// The compiled closed schema (with `$defs` for `ObjectMeta`).
    pub compiled: cache::Compiled,
}

/// Whether a document is a `CustomResourceDefinition` we read schemas from.
pub(crate) fn is_crd(object: &Value) -> bool {
    object.get("apiVersion").and_then(Value::as_str) == Some("apiextensions.k8s.io/v1")
        && object.get("kind").and_then(Value::as_str) == Some("CustomResourceDefinition")
}

/// The schemas of every served version of the CRD in `doc`.
pub(crate) fn schemas(doc: &Document, object: &Value) -> Result<Vec<CrdSchema>, ManifestError> {
    let name = object
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("(unnamed)");
    let fail = |message: String| ManifestError::Crd {
        file: format!("{} (document {}, CRD {name})", doc.file, doc.index),
        message,
    };
    let text = |pointer: &str| {
        object
            .pointer(pointer)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| fail(format!("`{}` is missing or not a string", dotted(pointer))))
    };
    let group = text("/spec/group")?;
    let kind = text("/spec/names/kind")?;
    let versions = object
        .pointer("/spec/versions")
        .and_then(Value::as_array)
        .ok_or_else(|| fail("`spec.versions` is missing or not a list".into()))?;

    let mut out = Vec::new();
    for (i, version) in versions.iter().enumerate() {
        let version_name = version
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| fail(format!("`spec.versions[{i}].name` is missing")))?;
        if version.get("served").and_then(Value::as_bool) == Some(false) {
            continue;
        }
        let schema = version.pointer("/schema/openAPIV3Schema").ok_or_else(|| {
            fail(format!(
                "version `{version_name}` has no `schema.openAPIV3Schema`"
            ))
        })?;
        if !schema.is_object() {
            return Err(fail(format!(
                "`spec.versions[{i}].schema.openAPIV3Schema` is not an object"
            )));
        }
        let compiled = cache::compile(close_crd_schema(schema.clone()))
            .map_err(|e| fail(format!("version `{version_name}`: invalid schema: {e}")))?;
        out.push(CrdSchema {
            api_version: format!("{group}/{version_name}"),
            kind: kind.to_owned(),
            compiled,
        });
    }
    Ok(out)
}

/// Closes a CRD's `openAPIV3Schema` and adds what every custom resource may carry.
fn close_crd_schema(mut schema: Value) -> Value {
    strict::close(&mut schema);
    let mut generator = cache::generator();
    let object_meta = generator
        .subschema_for::<k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta>()
        .to_value();
    let mut defs = Value::Object(generator.take_definitions(true));
    if let Value::Object(map) = &mut defs {
        for def in map.values_mut() {
            strict::close(def);
        }
    }
    if let Value::Object(map) = &mut schema {
        // Added after closing: a root without `properties` stays open, but its `metadata` is
        // still checked.
        if let Value::Object(props) = map
            .entry("properties")
            .or_insert_with(|| Value::Object(serde_json::Map::new()))
        {
            props.insert("apiVersion".into(), json!({"type": "string"}));
            props.insert("kind".into(), json!({"type": "string"}));
            props.insert("metadata".into(), object_meta);
        }
        map.insert("$defs".into(), defs);
    }
    schema
}

fn dotted(pointer: &str) -> String {
    pointer.trim_start_matches('/').replace('/', ".")
}
