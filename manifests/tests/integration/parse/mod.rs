//! Integration tests of `shipmate_manifests::parse`, compiled into one test binary (fast to
//! build). Module names start with `parse_` so that `cargo test -p shipmate-manifests parse`
//! selects them.

mod parse_bench;
mod parse_corpus;
mod parse_documents;
mod parse_inputs;
mod parse_limits;

use std::path::PathBuf;

use shipmate_manifests::Document;
use shipmate_manifests::parse::{Limits, ParseError, parse_bytes};

/// Parses `text` as a file named `test.yaml` with default limits.
fn parse(text: &str) -> Vec<Document> {
    parse_bytes("test.yaml", text.as_bytes(), &Limits::default())
}

/// The error of the one document in `docs`.
fn only_error(docs: &[Document]) -> &ParseError {
    assert_eq!(docs.len(), 1, "{docs:#?}");
    docs[0].content.as_ref().expect_err("an error document")
}

/// The shared corpus: `$SHIPMATE_SHARED/corpus`, else `shared/corpus` next to the workspace
/// (`CARGO_MANIFEST_DIR/../../shared`) or next to any ancestor (a worktree may sit deeper than
/// the main checkout). `None` when it is not there.
fn corpus_dir() -> Option<PathBuf> {
    if let Some(shared) = std::env::var_os("SHIPMATE_SHARED") {
        let corpus = PathBuf::from(shared).join("corpus");
        return corpus.join("VERDICTS.jsonl").is_file().then_some(corpus);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .skip(2)
        .map(|dir| dir.join("shared/corpus"))
        .find(|corpus| corpus.join("VERDICTS.jsonl").is_file())
}
