//! From parsed YAML values to Kubernetes objects: the mapping/`apiVersion`/`kind` checks, and
//! the expansion of `kind: List` (and `*List` kinds such as `PodList`) into their items.
//!
//! Numbering: the items of a List keep the index of the List document itself, and each item
//! gets its own starting line. This is how `VERDICTS.jsonl` of the shared corpus (and
//! kubeconform, which validates List items under their List's document) number them, so reports
//! can be joined with other tools on `(file, index)`; the line tells the items apart.

use serde::Deserialize;
use serde_json::Value;

use super::error::ParseError;
use super::split::Chunk;
use crate::document::Document;

/// Turns one parsed document into one or more [`Document`]s (more than one for a List).
pub(crate) fn into_documents(
    file: &str,
    index: usize,
    value: Value,
    chunk: &Chunk<'_>,
    options: &serde_saphyr::Options,
    out: &mut Vec<Document>,
) {
    let line = chunk.start_line;
    let Some(list_kind) = list_kind(&value) else {
        out.push(Document {
            file: file.to_owned(),
            index,
            line,
            content: check_object(value, line),
        });
        return;
    };
    let Value::Object(mut map) = value else {
        return; // unreachable: list_kind only accepts objects
    };
    let items = match map.remove("items") {
        Some(Value::Array(items)) if !items.is_empty() => items,
        other => {
            // An empty List is still a document: keep it rather than dropping it silently.
            if let Some(items) = other {
                map.insert("items".to_owned(), items);
            }
            out.push(Document {
                file: file.to_owned(),
                index,
                line,
                content: Ok(Value::Object(map)),
            });
            return;
        }
    };
    // Items of typed lists (`PodList`) may omit their apiVersion/kind: they are implied.
    let implied_kind = list_kind.strip_suffix("List").filter(|k| !k.is_empty());
    let implied = implied_kind.map(|kind| (map.get("apiVersion").cloned(), kind.to_owned()));
    let lines = item_lines(chunk, options);
    for (i, mut item) in items.into_iter().enumerate() {
        let item_line = lines.get(i).copied().unwrap_or(line);
        if let (Some((api_version, kind)), Value::Object(obj)) = (&implied, &mut item) {
            if !obj.contains_key("kind") {
                obj.insert("kind".to_owned(), Value::String(kind.clone()));
            }
            if let (Some(v), false) = (api_version, obj.contains_key("apiVersion")) {
                obj.insert("apiVersion".to_owned(), v.clone());
            }
        }
        out.push(Document {
            file: file.to_owned(),
            index,
            line: item_line,
            content: check_object(item, item_line),
        });
    }
}

/// The kind of a List document (`List`, `PodList`, …) whose `items` is a sequence.
fn list_kind(value: &Value) -> Option<String> {
    let kind = value.get("kind")?.as_str()?;
    if !kind.ends_with("List") || value.get("apiVersion")?.as_str().is_none() {
        return None;
    }
    value.get("items")?.as_array()?;
    Some(kind.to_owned())
}

/// Checks that a value is a Kubernetes object: a mapping with string `apiVersion` and `kind`.
pub(crate) fn check_object(value: Value, line: usize) -> Result<Value, ParseError> {
    let found = match &value {
        Value::Object(map) => {
            let has = |key: &str| map.get(key).is_some_and(Value::is_string);
            return match (has("apiVersion"), has("kind")) {
                (true, true) => Ok(value),
                (false, true) => Err(ParseError::MissingTypeMeta {
                    line,
                    missing: "apiVersion",
                }),
                (true, false) => Err(ParseError::MissingTypeMeta {
                    line,
                    missing: "kind",
                }),
                (false, false) => Err(ParseError::MissingTypeMeta {
                    line,
                    missing: "apiVersion and kind",
                }),
            };
        }
        Value::Array(_) => "a list",
        Value::String(_) => "a string",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a boolean",
        Value::Null => "nothing (null)",
    };
    Err(ParseError::NotAnObject { line, found })
}

/// Where each item of a List starts (one-based file lines). Only Lists pay for this second,
/// position-keeping parse; on any failure the items fall back to the List's line.
fn item_lines(chunk: &Chunk<'_>, options: &serde_saphyr::Options) -> Vec<usize> {
    #[derive(Deserialize)]
    struct Items {
        #[serde(default)]
        items: Vec<serde_saphyr::Spanned<serde::de::IgnoredAny>>,
    }
    let mut options = options.clone();
    // Other keys (apiVersion, kind, metadata) are ignored, duplicates were rejected already.
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::FirstWins;
    serde_saphyr::from_str_with_options::<Items>(chunk.text, options)
        .map(|parsed| {
            parsed
                .items
                .iter()
                .map(|item| {
                    let rel = usize::try_from(item.referenced.line()).unwrap_or(1).max(1);
                    chunk.first_line + rel - 1
                })
                .collect()
        })
        .unwrap_or_default()
}
