//! Turning `jsonschema` errors into messages a person can act on: dotted paths
//! (`spec.template.spec.containers[0].image`), "expected integer, found string \"3\"", and
//! "did you mean" suggestions for misspelt field names.

use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;
use serde_json::Value;

use super::SchemaError;

/// Most errors reported for one document; the rest are summarised in one line.
pub(crate) const MAX_ERRORS: usize = 20;

/// Longest message taken verbatim from `jsonschema` (they can quote whole values).
const MAX_MESSAGE: usize = 200;

/// One step of a path into a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// A member of an object.
    Key(String),
    /// An item of an array.
    Index(usize),
}

/// Renders a path: `spec.containers[0].name`; keys that are not plain identifiers are quoted
/// (`metadata.labels["app.kubernetes.io/name"]`).
pub(crate) fn render_path(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Index(i) => out.push_str(&format!("[{i}]")),
            Step::Key(k) if is_plain(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Step::Key(k) => out.push_str(&format!("[{}]", Value::String(k.clone()))),
        }
    }
    out
}

fn is_plain(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '$')
}

/// Converts one `jsonschema` error into our errors (an `additionalProperties` error names
/// several fields and becomes one error per field).
pub(crate) fn convert(error: &ValidationError<'_>, schema: &Value, out: &mut Vec<SchemaError>) {
    convert_nested(error, schema, out, 0);
}

fn convert_nested(
    error: &ValidationError<'_>,
    schema: &Value,
    out: &mut Vec<SchemaError>,
    depth: usize,
) {
    let steps: Vec<Step> = error
        .instance_path()
        .iter()
        .map(|s| match s {
            LocationSegment::Property(p) => Step::Key(p.into_owned()),
            LocationSegment::Index(i) => Step::Index(i),
        })
        .collect();
    let child = |name: &str| {
        let mut s = steps.clone();
        s.push(Step::Key(name.to_owned()));
        render_path(&s)
    };
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let allowed = allowed_properties(schema, &steps);
            for name in unexpected {
                let message = match suggest(name, &allowed) {
                    Some(best) => format!("unknown field `{name}` (did you mean `{best}`?)"),
                    None => format!("unknown field `{name}`"),
                };
                out.push(SchemaError {
                    path: child(name),
                    message,
                });
            }
        }
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_owned);
            out.push(SchemaError {
                path: child(&name),
                message: format!("missing required field `{name}`"),
            });
        }
        ValidationErrorKind::Type { kind } => {
            let expected: Vec<&str> = match kind {
                TypeKind::Single(t) => vec![t.as_str()],
                TypeKind::Multiple(set) => set.into_iter().map(|t| t.as_str()).collect(),
            };
            out.push(SchemaError {
                path: render_path(&steps),
                message: format!(
                    "expected {}, found {}",
                    expected.join(" or "),
                    describe(error.instance())
                ),
            });
        }
        ValidationErrorKind::Enum { options } => {
            let options = match &**options {
                Value::Array(items) => items.iter().map(Value::to_string).collect::<Vec<_>>(),
                other => vec![other.to_string()],
            };
            out.push(SchemaError {
                path: render_path(&steps),
                message: format!(
                    "expected one of {}, found {}",
                    options.join(", "),
                    describe(error.instance())
                ),
            });
        }
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            // Report the alternative that came closest (fewest errors): usually the intended one.
            match context
                .iter()
                .filter(|c| !c.is_empty())
                .min_by_key(|c| c.len())
            {
                Some(best) if depth < 4 => {
                    for e in best {
                        convert_nested(e, schema, out, depth + 1);
                    }
                }
                _ => out.push(SchemaError {
                    path: render_path(&steps),
                    message: format!(
                        "{} does not match any of the allowed forms",
                        describe(error.instance())
                    ),
                }),
            }
        }
        ValidationErrorKind::OneOfMultipleValid { .. } => out.push(SchemaError {
            path: render_path(&steps),
            message: format!(
                "{} matches more than one of the allowed forms",
                describe(error.instance())
            ),
        }),
        ValidationErrorKind::FalseSchema => out.push(SchemaError {
            path: render_path(&steps),
            message: "field not allowed here".into(),
        }),
        _ => {
            let mut message = error.to_string();
            if message.chars().count() > MAX_MESSAGE {
                message = message.chars().take(MAX_MESSAGE).collect::<String>() + "…";
            }
            out.push(SchemaError {
                path: render_path(&steps),
                message,
            });
        }
    }
}

/// A short description of a value for messages: `string "3"`, `integer 3`, `an object`.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) if n.is_i64() || n.is_u64() => format!("integer {n}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => {
            let mut shown: String = s.chars().take(40).collect();
            if shown.len() < s.len() {
                shown.push('…');
            }
            format!("string {}", Value::String(shown))
        }
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// The closest allowed name to a misspelt one, if any is close enough.
pub(crate) fn suggest<'a>(name: &str, allowed: &[&'a str]) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for candidate in allowed {
        let score = if candidate.to_ascii_lowercase() == lower {
            1.0
        } else {
            strsim::jaro_winkler(&lower, &candidate.to_ascii_lowercase())
        };
        let distance = strsim::levenshtein(&lower, &candidate.to_ascii_lowercase());
        let close_enough = distance <= (name.len().max(candidate.len()) / 2).max(2);
        if score >= 0.85 && close_enough && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// The property names the schema allows at `steps` (best effort: follows `$ref`, `properties`,
/// `additionalProperties`, `items` and the branches of `allOf`/`anyOf`/`oneOf`).
pub(crate) fn allowed_properties<'a>(root: &'a Value, steps: &[Step]) -> Vec<&'a str> {
    let mut nodes = vec![root];
    for step in steps {
        let mut next = Vec::new();
        for node in nodes.iter().flat_map(|n| expand(root, n, 0)) {
            let child = match step {
                Step::Key(k) => node
                    .get("properties")
                    .and_then(|p| p.get(k))
                    .or_else(|| node.get("additionalProperties").filter(|a| a.is_object())),
                Step::Index(_) => node.get("items").filter(|i| i.is_object()),
            };
            next.extend(child);
        }
        nodes = next;
    }
    let mut names: Vec<&str> = nodes
        .iter()
        .flat_map(|n| expand(root, n, 0))
        .filter_map(|n| n.get("properties").and_then(Value::as_object))
        .flat_map(|p| p.keys().map(String::as_str))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// A schema node with its `$ref` resolved and its `allOf`/`anyOf`/`oneOf` branches listed.
pub(crate) fn expand<'a>(root: &'a Value, node: &'a Value, depth: usize) -> Vec<&'a Value> {
    if depth > 16 {
        return Vec::new();
    }
    let mut out = Vec::new();
    let node = match node.get("$ref").and_then(Value::as_str) {
        Some(r) => match r.strip_prefix('#').and_then(|p| root.pointer(p)) {
            Some(target) => target,
            None => return out,
        },
        None => node,
    };
    out.push(node);
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = node.get(key) {
            for b in branches {
                out.extend(expand(root, b, depth + 1));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_render_dotted_with_indices() {
        let steps = [
            Step::Key("spec".into()),
            Step::Key("containers".into()),
            Step::Index(0),
            Step::Key("image".into()),
        ];
        assert_eq!(render_path(&steps), "spec.containers[0].image");
        let label = [
            Step::Key("metadata".into()),
            Step::Key("labels".into()),
            Step::Key("app.kubernetes.io/name".into()),
        ];
        assert_eq!(
            render_path(&label),
            "metadata.labels[\"app.kubernetes.io/name\"]"
        );
        assert_eq!(render_path(&[]), "");
    }

    #[test]
    fn suggestions() {
        let allowed = ["replicas", "selector", "template", "strategy"];
        assert_eq!(suggest("replica", &allowed), Some("replicas"));
        assert_eq!(suggest("Replicas", &allowed), Some("replicas"));
        assert_eq!(suggest("templates", &allowed), Some("template"));
        assert_eq!(suggest("zzz", &allowed), None);
        // A shared prefix alone is not enough.
        assert_eq!(suggest("imageformat", &["image", "pool"]), None);
        assert_eq!(suggest("secretName", &["secretRef"]), Some("secretRef"));
    }

    #[test]
    fn allowed_properties_follow_refs() {
        let root = json!({
            "properties": {"spec": {"$ref": "#/$defs/Spec"}},
            "$defs": {"Spec": {"properties": {"containers": {"items": {"$ref": "#/$defs/C"}}}},
                      "C": {"properties": {"name": {}, "image": {}}}}
        });
        let steps = [
            Step::Key("spec".into()),
            Step::Key("containers".into()),
            Step::Index(3),
        ];
        assert_eq!(allowed_properties(&root, &steps), vec!["image", "name"]);
        assert_eq!(allowed_properties(&root, &[]), vec!["spec"]);
    }
}
