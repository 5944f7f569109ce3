//! Safe multi-document YAML/JSON parsing with limits against hostile input.
//!
//! CONTRACT (owned by the parse work; keep these names and signatures):
//! - [`Limits`] with `Default` and `#[must_use]` builder methods;
//! - [`ParseError`], a `thiserror` enum whose messages name the line where there is one;
//! - [`parse_bytes`] turns one input into documents (errors become `Document`s with `Err`);
//! - [`load_inputs`] reads files, directories (recursive) and stdin.
//!
//! # How it works, and why
//!
//! 1. **Bytes to text** ([`text`]): the size limit is checked first (for files, from their
//!    metadata, before reading), then NUL bytes and invalid UTF-8 are rejected as binary data.
//! 2. **Text to documents** ([`split`]): one cheap pass over the lines finds the `---` / `...`
//!    markers. Each document is then parsed on its own, so an error in one does not hide the
//!    others, each one knows its starting line, and documents with no content are skipped
//!    without being counted (as kubeconform does), keeping indices comparable across tools.
//! 3. **Documents to values** ([`yaml`]): `serde-saphyr` parses into `serde_json::Value` under a
//!    budget derived from [`Limits`] (depth, nodes, alias replay), with duplicate keys rejected
//!    and Kubernetes' YAML 1.1 semantics (`0644` is octal). JSON is YAML, so it takes the same
//!    path. Plain documents (no anchors, aliases, tags, merge keys, duplicates or ambiguous
//!    keys; 98% of the corpus) are built straight from the parser's events by [`fast`], which
//!    halves the cost; anything else, and every error, goes through `serde-saphyr` proper.
//! 4. **Values to objects** ([`objects`]): every document must be a mapping with `apiVersion`
//!    and `kind`; `kind: List` is expanded into its items.
//!
//! Errors never abort: they become [`Document`]s whose `content` is the error, so a report shows
//! every input, readable or not.

mod error;
mod fast;
mod hint;
mod inputs;
mod limits;
mod objects;
mod split;
mod text;
mod yaml;

use std::path::PathBuf;

pub use error::ParseError;
pub use limits::Limits;

use crate::document::Document;

/// An input to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file or a directory (read recursively for `*.yaml`, `*.yml`, `*.json`).
    Path(PathBuf),
    /// Standard input.
    Stdin,
}

/// What [`load_inputs`] read.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Number of files (stdin counts as one) that were read or attempted.
    pub files: usize,
    /// Every document, in input order; unreadable inputs appear as error documents.
    pub documents: Vec<Document>,
}

/// Parses one input (YAML or JSON, possibly many documents).
///
/// Always returns at least one document: an input with no documents yields one
/// [`ParseError::Empty`], an input that is not text one [`ParseError::Binary`]. Documents are
/// numbered from 0 in file order; the items of a `kind: List` share the index of their List
/// document and carry their own line.
#[must_use]
pub fn parse_bytes(file: &str, bytes: &[u8], limits: &Limits) -> Vec<Document> {
    let error = |line: usize, error: ParseError| {
        vec![Document {
            file: file.to_owned(),
            index: 0,
            line,
            content: Err(error),
        }]
    };
    if bytes.len() as u64 > limits.max_input_bytes {
        let size = bytes.len() as u64;
        let limit = limits.max_input_bytes;
        return error(1, ParseError::TooLarge { size, limit });
    }
    let text = match text::decode(bytes) {
        Ok(text) => text,
        Err(err) => return error(err.line().unwrap_or(1), err),
    };

    let options = limits.yaml_options();
    let mut documents = Vec::new();
    let mut index = 0;
    for chunk in split::split(text, limits.max_documents) {
        if index >= limits.max_documents {
            documents.push(Document {
                file: file.to_owned(),
                index,
                line: chunk.start_line,
                content: Err(ParseError::TooManyDocuments {
                    line: chunk.start_line,
                    limit: limits.max_documents,
                }),
            });
            break;
        }
        match yaml::parse_document(chunk.text, chunk.first_line, &options, limits) {
            // `~` or `null` alone: as empty as a comment-only document.
            Ok(serde_json::Value::Null) => continue,
            Ok(value) => {
                objects::into_documents(file, index, value, &chunk, &options, &mut documents);
            }
            Err(err) => documents.push(Document {
                file: file.to_owned(),
                index,
                line: chunk.start_line,
                content: Err(err),
            }),
        }
        index += 1;
    }
    if documents.is_empty() {
        return error(1, ParseError::Empty);
    }
    documents
}

/// Reads every input.
///
/// Directories are walked recursively for `*.yaml`, `*.yml` and `*.json` files, in sorted
/// order; symlinked directories are followed once. Inputs that cannot be read become error
/// documents naming the OS error. Each input is bounded by [`Limits::max_input_bytes`]: larger
/// files are rejected from their metadata without being read, and stdin is read at most one
/// byte past the limit.
#[must_use]
pub fn load_inputs(inputs: &[Input], limits: &Limits) -> Loaded {
    inputs::load(inputs, limits)
}
