//! JSON schemas rewritten into the OpenAPI subset Gemini accepts.
//!
//! Gemini's `Schema` object is not JSON Schema: it rejects `$schema`, `$ref`/`$defs`,
//! `additionalProperties`, `const`, `oneOf`, `default`, type arrays (`["string", "null"]`) and
//! unknown `format`s with a 400. [`to_gemini`] inlines `$ref`s from the root's `$defs`, turns
//! `const` and `oneOf`/`anyOf` of string constants into `enum`, a type array with `null` into
//! `nullable: true`, other `oneOf` into `anyOf`, and drops every other keyword outside the
//! subset. What is dropped only loosens the schema; shipmate validates arguments and answers
//! itself ([`crate::tools::ToolCall::parse`], [`crate::llm::answer::parse_proposal`]).

use serde_json::{Map, Value, json};

/// Keywords kept as they are.
const KEEP: [&str; 8] = [
    "description",
    "nullable",
    "enum",
    "required",
    "minItems",
    "maxItems",
    "minimum",
    "maximum",
];

/// The `format`s Gemini knows.
const FORMATS: [&str; 6] = ["int32", "int64", "float", "double", "date-time", "enum"];

/// Deepest nesting followed (a guard against recursive `$ref`s).
const MAX_DEPTH: usize = 24;

/// `schema` in Gemini's subset, `$ref`s resolved against `schema`'s own `$defs`.
pub fn to_gemini(schema: &Value) -> Value {
    convert(schema, schema.get("$defs"), 0)
}

fn convert(node: &Value, defs: Option<&Value>, depth: usize) -> Value {
    let Some(map) = node.as_object().filter(|_| depth < MAX_DEPTH) else {
        return Value::Object(Map::new());
    };
    let mut out = match map.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .strip_prefix("#/$defs/")
            .and_then(|name| defs?.get(name))
            .map(|target| convert(target, defs, depth + 1))
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default(),
        None => Map::new(),
    };
    for (key, value) in map {
        match key.as_str() {
            "type" => set_type(&mut out, value),
            "const" => {
                out.insert("enum".into(), json!([value]));
            }
            "oneOf" | "anyOf" => alternatives(&mut out, value, defs, depth),
            "properties" => {
                let props: Map<String, Value> = value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.clone(), convert(v, defs, depth + 1)))
                    .collect();
                if !props.is_empty() {
                    out.insert(key.clone(), Value::Object(props));
                }
            }
            "items" if value.is_object() => {
                out.insert(key.clone(), convert(value, defs, depth + 1));
            }
            "format" if value.as_str().is_some_and(|f| FORMATS.contains(&f)) => {
                out.insert(key.clone(), value.clone());
            }
            k if KEEP.contains(&k) => {
                out.insert(key.clone(), value.clone());
            }
            _ => {}
        }
    }
    Value::Object(out)
}

/// `type: "string"` as is; `type: ["string", "null"]` as `string` + `nullable`.
fn set_type(out: &mut Map<String, Value>, value: &Value) {
    let Some(types) = value.as_array() else {
        out.insert("type".into(), value.clone());
        return;
    };
    if types.iter().any(|t| t == "null") {
        out.insert("nullable".into(), json!(true));
    }
    if let Some(t) = types.iter().find(|t| *t != "null") {
        out.insert("type".into(), t.clone());
    }
}

/// `oneOf`/`anyOf`: string constants become one `enum`; a `null` alternative becomes
/// `nullable`; a single remaining alternative is merged in; several become `anyOf`.
fn alternatives(out: &mut Map<String, Value>, value: &Value, defs: Option<&Value>, depth: usize) {
    let mut alts: Vec<Value> = Vec::new();
    for alt in value.as_array().into_iter().flatten() {
        let alt = convert(alt, defs, depth + 1);
        if alt.get("type") == Some(&json!("null")) {
            out.insert("nullable".into(), json!(true));
        } else {
            alts.push(alt);
        }
    }
    let constants: Option<Vec<Vec<Value>>> = alts
        .iter()
        .map(|a| match a.get("enum").and_then(Value::as_array) {
            Some(e) if a.get("type").is_none_or(|t| t == "string") => Some(e.clone()),
            _ => None,
        })
        .collect();
    match constants {
        Some(values) if !values.is_empty() => {
            out.insert("type".into(), json!("string"));
            out.insert("enum".into(), Value::Array(values.concat()));
        }
        _ if alts.len() == 1 => {
            for (k, v) in alts.remove(0).as_object().into_iter().flatten() {
                out.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        _ if !alts.is_empty() => {
            out.insert("anyOf".into(), Value::Array(alts));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::prompts::proposal_schema;

    /// Every key anywhere in `v` (property names excluded).
    fn keywords(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    if k == "properties" {
                        v.as_object()
                            .into_iter()
                            .flatten()
                            .for_each(|(_, p)| keywords(p, out));
                    } else {
                        out.push(k.clone());
                        keywords(v, out);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|v| keywords(v, out)),
            _ => {}
        }
    }

    #[test]
    fn the_proposal_schema_fits_the_subset() {
        let g = to_gemini(proposal_schema());
        let mut keys = Vec::new();
        keywords(&g, &mut keys);
        for bad in [
            "$ref", "$defs", "$schema", "const", "oneOf", "default", "title",
        ] {
            assert!(!keys.iter().any(|k| k == bad), "{bad} left in {g:#}");
        }
        assert_eq!(
            g["properties"]["status"],
            json!({"description": "Where the proposal stands.", "type": "string",
                   "enum": ["proposed", "blocked", "needs_input", "not_understood"]})
        );
        assert_eq!(
            g["properties"]["actions"]["items"]["required"],
            json!(["argv", "mutating", "reason"])
        );
        assert_eq!(g["properties"]["applied"]["nullable"], true);
        assert!(g["properties"]["manifests"].get("items").is_none());
    }

    #[test]
    fn type_arrays_formats_and_extra_keywords() {
        let s = json!({"$schema": "x", "type": "object", "additionalProperties": false,
            "properties": {"tail": {"type": ["integer", "null"], "format": "uint32", "minimum": 0},
                           "n": {"type": "integer", "format": "int64"}}});
        assert_eq!(
            to_gemini(&s),
            json!({"type": "object", "properties": {
                "tail": {"type": "integer", "nullable": true, "minimum": 0},
                "n": {"type": "integer", "format": "int64"}}})
        );
        let cyclic = json!({"$ref": "#/$defs/A", "$defs": {"A": {"$ref": "#/$defs/A"}}});
        assert_eq!(to_gemini(&cyclic), json!({}));
    }
}
