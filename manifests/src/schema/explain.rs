//! `kubectl explain` on the schemas a run knows: what one field of a kind is (its type, its
//! description, its child fields), for people and for a model that is writing a manifest.
//!
//! It walks the same closed schemas validation uses ([`SchemaSet::explain`]), so what it
//! describes is exactly what validation accepts. Arrays are stepped through as kubectl does:
//! `spec.template.spec.containers.resources` names the `resources` of each container.

use serde::Serialize;
use serde_json::Value;

use super::SchemaSet;
use super::hints::{expand, suggest};

/// What the schema says about one field of a kind.
///
/// The bundled schemas (from `k8s-openapi`) carry no descriptions; a live cluster's
/// documents ([`SchemaSet::add_openapi_v3`]) and CRDs do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldDoc {
    /// The dotted path looked up (`spec.replicas`); empty for the kind itself.
    pub path: String,
    /// The field's type as kubectl explain names it: `string`, `integer`, `[]Container`,
    /// `map[string]string`, `ResourceRequirements`, `int-or-string`.
    pub type_name: String,
    /// The schema's description (empty when it has none).
    pub description: String,
    /// The child fields, sorted by name.
    pub fields: Vec<FieldSummary>,
}

/// One child field in a [`FieldDoc`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldSummary {
    /// The field name.
    pub name: String,
    /// Its type, named as in [`FieldDoc::type_name`].
    pub type_name: String,
    /// Whether the schema requires it.
    pub required: bool,
}

/// Why [`SchemaSet::explain`] found nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExplainError {
    /// No schema is known for the apiVersion/kind.
    #[error("no schema is known for {api_version} {kind}")]
    NoSchema {
        /// `apiVersion`.
        api_version: String,
        /// `kind`.
        kind: String,
    },
    /// A step of the path names no field.
    #[error(
        "{kind} has no field `{path}`{}; fields of {}: {}",
        .suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default(),
        if .parent.is_empty() { "the kind" } else { .parent.as_str() },
        if .known.is_empty() { "none".to_string() } else { .known.join(", ") }
    )]
    UnknownField {
        /// `kind`.
        kind: String,
        /// The path up to and including the unknown step.
        path: String,
        /// The path of the parent whose fields are listed.
        parent: String,
        /// A close field name, if any.
        suggestion: Option<String>,
        /// The fields the parent has.
        known: Vec<String>,
    },
    /// The schema could not be compiled (a bug, reported rather than panicking).
    #[error("schema of {api_version} {kind} cannot be compiled: {message}")]
    Compile {
        /// `apiVersion`.
        api_version: String,
        /// `kind`.
        kind: String,
        /// The compiler's complaint.
        message: String,
    },
}

impl SchemaSet {
    /// Describes the field at the dotted `path` of `apiVersion`/`kind` (empty path: the kind
    /// itself), stepping through arrays as kubectl explain does.
    ///
    /// # Errors
    /// [`ExplainError`]: the kind has no schema, or a step names no field (with the fields
    /// that exist there and a close match).
    pub fn explain(
        &self,
        api_version: &str,
        kind: &str,
        path: &str,
    ) -> Result<FieldDoc, ExplainError> {
        let compiled = self
            .compiled(api_version, kind)
            .ok_or_else(|| ExplainError::NoSchema {
                api_version: api_version.into(),
                kind: kind.into(),
            })?
            .map_err(|e| ExplainError::Compile {
                api_version: api_version.into(),
                kind: kind.into(),
                message: e.into(),
            })?;
        let root = &compiled.schema;
        let mut node = root;
        let mut walked: Vec<&str> = Vec::new();
        for step in path.split('.').filter(|s| !s.is_empty()) {
            let parents = through_arrays(root, node);
            let child = parents
                .iter()
                .find_map(|p| p.get("properties").and_then(|props| props.get(step)));
            let Some(child) = child else {
                let known = field_names(&parents);
                let names: Vec<&str> = known.iter().map(String::as_str).collect();
                return Err(ExplainError::UnknownField {
                    kind: kind.into(),
                    path: join(&walked, step),
                    parent: walked.join("."),
                    suggestion: suggest(step, &names).map(str::to_string),
                    known,
                });
            };
            walked.push(step);
            node = child;
        }
        let parents = through_arrays(root, node);
        let required: Vec<&str> = parents
            .iter()
            .filter_map(|p| p.get("required").and_then(Value::as_array))
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let fields = parents
            .iter()
            .filter_map(|p| p.get("properties").and_then(Value::as_object))
            .flatten()
            .map(|(name, schema)| {
                let field = FieldSummary {
                    name: name.clone(),
                    type_name: type_name(schema, 0),
                    required: required.contains(&name.as_str()),
                };
                (name, field)
            })
            .collect::<std::collections::BTreeMap<_, _>>()
            .into_values()
            .collect();
        Ok(FieldDoc {
            path: walked.join("."),
            type_name: type_name(node, 0),
            description: description(root, node),
            fields,
        })
    }
}

fn join(walked: &[&str], step: &str) -> String {
    let mut all = walked.to_vec();
    all.push(step);
    all.join(".")
}

/// `node` expanded (refs, `allOf`/`anyOf`/`oneOf`), and for arrays their items expanded.
fn through_arrays<'a>(root: &'a Value, node: &'a Value) -> Vec<&'a Value> {
    let mut out = Vec::new();
    for n in expand(root, node, 0) {
        match n.get("items").filter(|i| i.is_object()) {
            Some(items) => out.extend(through_arrays(root, items)),
            None => out.push(n),
        }
    }
    out
}

fn field_names(nodes: &[&Value]) -> Vec<String> {
    let mut names: Vec<String> = nodes
        .iter()
        .filter_map(|n| n.get("properties").and_then(Value::as_object))
        .flat_map(|p| p.keys().cloned())
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The first description on `node` or what it refers to.
fn description(root: &Value, node: &Value) -> String {
    std::iter::once(node)
        .chain(expand(root, node, 0))
        .find_map(|n| n.get("description").and_then(Value::as_str))
        .unwrap_or_default()
        .to_string()
}

/// kubectl explain's type names.
fn type_name(node: &Value, depth: usize) -> String {
    if depth > 8 {
        return "object".into();
    }
    if let Some(name) = node.get("$ref").and_then(Value::as_str) {
        return name.rsplit(['.', '/']).next().unwrap_or(name).to_string();
    }
    if node.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true)) {
        return "int-or-string".into();
    }
    let ty = match node.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("any"),
        _ => {
            return match node.get("anyOf").or_else(|| node.get("oneOf")) {
                Some(Value::Array(branches)) => branches
                    .iter()
                    .map(|b| type_name(b, depth + 1))
                    .filter(|t| t != "null")
                    .collect::<Vec<_>>()
                    .join(" | "),
                _ => "any".into(),
            };
        }
    };
    match (ty, node.get("items"), node.get("additionalProperties")) {
        ("array", Some(items), _) => format!("[]{}", type_name(items, depth + 1)),
        ("object", _, Some(values)) if values.is_object() && node.get("properties").is_none() => {
            format!("map[string]{}", type_name(values, depth + 1))
        }
        (ty, _, _) => ty.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_paths_through_arrays_with_children_and_types() {
        let set = SchemaSet::bundled();
        let doc = set
            .explain(
                "apps/v1",
                "Deployment",
                "spec.template.spec.containers.resources",
            )
            .unwrap();
        assert_eq!(doc.path, "spec.template.spec.containers.resources");
        assert_eq!(doc.type_name, "ResourceRequirements");
        let limits = doc.fields.iter().find(|f| f.name == "limits").unwrap();
        assert_eq!(limits.type_name, "map[string]Quantity");

        let containers = set
            .explain("apps/v1", "Deployment", "spec.template.spec.containers")
            .unwrap();
        assert_eq!(containers.type_name, "[]Container");
        let name = containers.fields.iter().find(|f| f.name == "name").unwrap();
        assert!(name.required && name.type_name == "string", "{name:?}");

        let replicas = set
            .explain("apps/v1", "Deployment", "spec.replicas")
            .unwrap();
        assert_eq!(replicas.type_name, "integer");
        assert!(replicas.fields.is_empty());
    }

    #[test]
    fn unknown_fields_and_kinds_say_what_exists() {
        let set = SchemaSet::bundled();
        let err = set
            .explain("apps/v1", "Deployment", "spec.replica")
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with(
                "Deployment has no field `spec.replica` (did you mean `replicas`?); fields of spec: "
            ) && text.contains("selector"),
            "{text}"
        );
        let err = set.explain("example.com/v1", "Widget", "").unwrap_err();
        assert_eq!(
            err.to_string(),
            "no schema is known for example.com/v1 Widget"
        );
    }
}
