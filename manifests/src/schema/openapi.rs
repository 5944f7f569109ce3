//! Schemas from a live cluster's OpenAPI v3 documents, one per group-version
//! (`GET /openapi/v3/apis/apps/v1`, `GET /openapi/v3/api/v1`), custom resources included.
//!
//! Why: the bundled schema is that of one pinned Kubernetes version and knows no CRDs; the
//! server knows exactly what it serves. Its documents describe every type of a group-version
//! under `components.schemas` (`io.k8s.api.apps.v1.Deployment`), mark the top-level kinds with
//! `x-kubernetes-group-version-kind`, and refer to each other with
//! `$ref: "#/components/schemas/…"` (usually wrapped as `allOf: [{$ref}]` so that a
//! `description` or `default` can sit next to it).
//!
//! Reading a document ([`read`]) is cheap and checks its shape once: the references are
//! rewritten to `#/$defs/…` (the form the bundled schemas use, so error hints follow them the
//! same way) and every one must resolve. Compiling stays lazy and per kind
//! ([`LiveDocument::root_schema`]): a kind's schema is its definition plus the definitions it
//! reaches, closed by the same transform as the bundled kinds ([`super::strict`]), which also
//! maps the Kubernetes idioms (`Quantity`, `x-kubernetes-int-or-string`, embedded resources,
//! preserve-unknown-fields) to plain JSON Schema.

use std::collections::HashSet;

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{cache, strict};

/// How OpenAPI v3 documents refer to their component schemas.
const COMPONENTS: &str = "#/components/schemas/";

/// How the self-contained schemas compiled here refer to their definitions.
const DEFS: &str = "#/$defs/";

/// An OpenAPI v3 document that cannot be used for validation.
#[derive(Debug, thiserror::Error)]
pub enum OpenApiError {
    /// The document is not shaped like an OpenAPI v3 group-version document.
    #[error("OpenAPI v3 document of {group_version} is malformed: {message}")]
    Malformed {
        /// The group-version the document was fetched for (`apps/v1`, `v1`).
        group_version: String,
        /// What is wrong with it.
        message: String,
    },
    /// A `$ref` names a schema that the document does not define.
    #[error(
        "OpenAPI v3 document of {group_version}: schema {schema} refers to {reference}, which the document does not define"
    )]
    DanglingRef {
        /// The group-version the document was fetched for.
        group_version: String,
        /// The schema holding the reference.
        schema: String,
        /// The reference as written.
        reference: String,
    },
}

/// The key of `api_version`'s document in the `/openapi/v3` index, which is also its path under
/// `/openapi/v3/`: `apps/v1` → `apis/apps/v1`, `v1` → `api/v1`.
pub fn openapi_path(api_version: &str) -> String {
    if api_version.contains('/') {
        format!("apis/{api_version}")
    } else {
        format!("api/{api_version}")
    }
}

/// The component schemas of one group-version document, with references as `#/$defs/…`.
#[derive(Debug)]
pub(crate) struct LiveDocument {
    schemas: Map<String, Value>,
}

/// A kind that a document describes.
#[derive(Debug)]
pub(crate) struct LiveKind {
    /// `apiVersion` (the document's group-version).
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// The name of its schema under `components.schemas`.
    pub schema: String,
}

/// One entry of `x-kubernetes-group-version-kind`.
#[derive(Deserialize)]
struct Gvk {
    group: String,
    version: String,
    kind: String,
}

/// Reads the document of `group_version` (`apps/v1`, `v1`): its schemas, and the kinds of that
/// group-version it describes. Entries of `x-kubernetes-group-version-kind` for other
/// group-versions (`DeleteOptions` lists every group) are ignored.
pub(crate) fn read(
    group_version: &str,
    document: &Value,
) -> Result<(LiveDocument, Vec<LiveKind>), OpenApiError> {
    let malformed = |message: String| OpenApiError::Malformed {
        group_version: group_version.to_owned(),
        message,
    };
    let Some(Value::Object(source)) = document.pointer("/components/schemas") else {
        return Err(malformed("it has no `components.schemas` object".into()));
    };
    let names: HashSet<&str> = source.keys().map(String::as_str).collect();
    let mut schemas = Map::new();
    let mut kinds = Vec::new();
    for (name, schema) in source {
        if !schema.is_object() && !schema.is_boolean() {
            return Err(malformed(format!("schema {name} is not an object")));
        }
        for gvk in group_version_kinds(schema).map_err(|e| {
            malformed(format!(
                "schema {name} has an invalid x-kubernetes-group-version-kind: {e}"
            ))
        })? {
            let api_version = match gvk.group.as_str() {
                "" => gvk.version,
                group => format!("{group}/{}", gvk.version),
            };
            if api_version == group_version {
                kinds.push(LiveKind {
                    api_version,
                    kind: gvk.kind,
                    schema: name.clone(),
                });
            }
        }
        let mut schema = schema.clone();
        rewrite_refs(&mut schema, &names).map_err(|reference| {
            if reference.starts_with(COMPONENTS) {
                OpenApiError::DanglingRef {
                    group_version: group_version.to_owned(),
                    schema: name.clone(),
                    reference,
                }
            } else {
                malformed(format!(
                    "schema {name} has a $ref outside components.schemas: {reference}"
                ))
            }
        })?;
        schemas.insert(name.clone(), schema);
    }
    Ok((LiveDocument { schemas }, kinds))
}

impl LiveDocument {
    /// The closed, self-contained schema of the component `name`: a `$ref` to it and the
    /// definitions it reaches, each closed as the bundled definitions are.
    pub(crate) fn root_schema(&self, name: &str) -> Value {
        let reference = json!({ "$ref": format!("{DEFS}{name}") });
        let mut defs = cache::reachable(&reference, &self.schemas);
        for (def_name, def) in defs.iter_mut() {
            strict::close_definition(def_name, def);
        }
        json!({ "$ref": format!("{DEFS}{name}"), "$defs": defs })
    }
}

/// The `x-kubernetes-group-version-kind` entries of a schema (a list, or a single object).
fn group_version_kinds(schema: &Value) -> Result<Vec<Gvk>, serde_json::Error> {
    match schema.get("x-kubernetes-group-version-kind") {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items.iter().map(Gvk::deserialize).collect(),
        Some(one) => Gvk::deserialize(one).map(|g| vec![g]),
    }
}

/// Rewrites `#/components/schemas/NAME` to `#/$defs/NAME` in `schema` and below it; the first
/// reference that is not to a schema in `names` is the error. Data (`enum`, `default`,
/// `example`, `const` values) is left alone, but a property *named* `default` is a schema.
fn rewrite_refs(schema: &mut Value, names: &HashSet<&str>) -> Result<(), String> {
    let Value::Object(map) = schema else {
        if let Value::Array(items) = schema {
            return items.iter_mut().try_for_each(|v| rewrite_refs(v, names));
        }
        return Ok(());
    };
    for (key, child) in map.iter_mut() {
        match (key.as_str(), child) {
            ("$ref", Value::String(reference)) => match reference.strip_prefix(COMPONENTS) {
                Some(target) if names.contains(target) => *reference = format!("{DEFS}{target}"),
                _ => return Err(reference.clone()),
            },
            ("enum" | "default" | "example" | "const", _) => {}
            (
                "properties" | "patternProperties" | "definitions" | "$defs",
                Value::Object(named),
            ) => {
                for member in named.values_mut() {
                    rewrite_refs(member, names)?;
                }
            }
            (_, child) => rewrite_refs(child, names)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
