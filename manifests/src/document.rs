//! A document as read from an input, with where it came from.

use serde_json::Value;

use crate::parse::ParseError;

/// One Kubernetes document (or the failure to read one), with its origin.
///
/// A file that cannot be read or parsed still yields a `Document` whose `content` is the error,
/// so that reports never silently drop an input.
#[derive(Debug, Clone)]
pub struct Document {
    /// Display name of the source: a path as given, or `-` for stdin.
    pub file: String,
    /// Zero-based index of the document within its file. Documents with no content (only
    /// comments or `---`) are not counted, as kubeconform does. The items of a `kind: List` all
    /// carry the index of their List document (as in the shared corpus' `VERDICTS.jsonl`, where
    /// a List is one `doc`) and are told apart by `line`.
    pub index: usize,
    /// One-based line where the document starts in its file: its first line of content (after
    /// leading comments and the `---` marker); for a List item, the item's first line.
    pub line: usize,
    /// The parsed object, or why it could not be parsed.
    pub content: Result<Value, ParseError>,
}

impl Document {
    /// The parsed object, if parsing succeeded.
    pub fn object(&self) -> Option<&Value> {
        self.content.as_ref().ok()
    }

    /// `apiVersion` of the object, if present and a string.
    pub fn api_version(&self) -> Option<&str> {
        self.object()?.get("apiVersion")?.as_str()
    }

    /// `kind` of the object, if present and a string.
    pub fn kind(&self) -> Option<&str> {
        self.object()?.get("kind")?.as_str()
    }

    /// `metadata.name` of the object, if present and a string.
    pub fn name(&self) -> Option<&str> {
        self.object()?.get("metadata")?.get("name")?.as_str()
    }
}

/// `Kind/name` of an object, as used in findings (`Deployment/web`); `?` stands in for a missing
/// part.
pub fn object_ref(object: &Value) -> String {
    let kind = object.get("kind").and_then(Value::as_str).unwrap_or("?");
    let name = object
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("?");
    format!("{kind}/{name}")
}
