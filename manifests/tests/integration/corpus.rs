//! Agreement with `kubeconform -strict` over the shared real-world corpus
//! (`../shared/corpus/`, 1,529 documents with reference verdicts in `VERDICTS.jsonl`).
//!
//! The acceptance criterion: on the documents kubeconform judged `valid` or `invalid`, our
//! schema verdict agrees at least 99% of the time; every disagreement is printed (and explained
//! in `KNOWN_DISAGREEMENTS` below). Skips with a message when the corpus is not there: set
//! `SHIPMATE_SHARED` to the directory that holds `corpus/`.
//!
//! Run with `cargo test -p shipmate-manifests --test integration corpus -- --nocapture` to see the figures
//! (add `--release` for meaningful timings; they are printed, never asserted). Set
//! `SHIPMATE_CORPUS_SHOW_INVALID=1` to also print the errors of the documents both sides reject.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use serde_json::Value;
use shipmate_manifests::parse::{self, Limits};
use shipmate_manifests::{SchemaError, SchemaSet, SchemaVerdict};

/// Disagreements we have examined, by `file#doc`, with which side is right and why. Empty:
/// there are none at present. Outside the judged set, by design:
/// - the 8 documents kubeconform rejects as `error` (duplicate mapping keys) are parser
///   matters; the parser rejects the same 8 (duplicate keys), and the assertion counts them
///   as `error`/`error` in the table printed above;
/// - the 322 `no_schema` documents (custom resources, removed beta APIs) are `no_schema` here
///   too.
///
/// The two `v1 List` documents are `valid` on both sides.
///
/// Fixed on the way (both were our bugs, kubeconform was right): two CRDs
/// (`ai-ml__infw-gw__examples__getting-started__manifests.yaml#0,#1`) were rejected because
/// `k8s-openapi` declares the apiextensions `JSON` type (`default`, `enum` values) as
/// `type: object`; it now accepts any JSON value, as upstream Kubernetes does.
const KNOWN_DISAGREEMENTS: &[(&str, &str)] = &[];

fn corpus_dir() -> Option<PathBuf> {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let candidates = match std::env::var_os("SHIPMATE_SHARED") {
        Some(shared) => vec![PathBuf::from(shared)],
        // `../../shared` from a checkout in `/work/main`; one more level from a worktree.
        None => vec![
            manifest_dir.join("../../shared"),
            manifest_dir.join("../../../shared"),
        ],
    };
    candidates
        .into_iter()
        .map(|shared| shared.join("corpus"))
        .find(|dir| dir.join("VERDICTS.jsonl").is_file())
}

/// Loads the documents of one corpus file with the real parser, numbered like
/// `VERDICTS.jsonl` (`doc`). The parser expands a `kind: List` into its items, which keep the
/// List's index; kubeconform judges the List as one document, so items that share an index are
/// put back into a `v1 List` here. `Err` = could not be parsed (our verdict `error`).
fn load_documents(file: &str, bytes: &[u8]) -> Vec<Result<Value, String>> {
    let mut out: Vec<Result<Value, String>> = Vec::new();
    let mut items: Vec<Value> = Vec::new();
    let docs = parse::parse_bytes(file, bytes, &Limits::default());
    for (i, doc) in docs.iter().enumerate() {
        let shares_index = |other: Option<&shipmate_manifests::Document>| {
            other.is_some_and(|o| o.index == doc.index)
        };
        let in_list = shares_index(docs.get(i + 1)) || (i > 0 && shares_index(docs.get(i - 1)));
        match (&doc.content, in_list) {
            (Ok(object), true) => {
                items.push(object.clone());
                if !shares_index(docs.get(i + 1)) {
                    out.push(Ok(serde_json::json!({
                        "apiVersion": "v1",
                        "kind": "List",
                        "items": std::mem::take(&mut items),
                    })));
                }
            }
            (Ok(object), false) => out.push(Ok(object.clone())),
            (Err(e), _) => out.push(Err(e.to_string())),
        }
    }
    out
}

fn verdict_name(v: SchemaVerdict) -> &'static str {
    match v {
        SchemaVerdict::Valid => "valid",
        SchemaVerdict::Invalid => "invalid",
        SchemaVerdict::NoSchema => "no_schema",
        SchemaVerdict::Error => "error",
    }
}

#[test]
fn agreement_with_kubeconform_strict() {
    let Some(dir) = corpus_dir() else {
        eprintln!(
            "SKIPPED: corpus not found; set SHIPMATE_SHARED to the directory holding corpus/"
        );
        return;
    };
    let verdicts = std::fs::read_to_string(dir.join("VERDICTS.jsonl")).expect("read VERDICTS");
    let mut expected: Vec<Value> = Vec::new();
    for line in verdicts.lines().filter(|l| !l.trim().is_empty()) {
        expected.push(serde_json::from_str(line).expect("VERDICTS line is JSON"));
    }

    // Parse every file first, so that the timing below is schema validation alone.
    let mut files: HashMap<String, Vec<Result<Value, String>>> = HashMap::new();
    for row in &expected {
        let file = row["file"].as_str().unwrap_or_default();
        files.entry(file.to_owned()).or_insert_with(|| {
            let bytes = std::fs::read(dir.join(file)).unwrap_or_default();
            load_documents(file, &bytes)
        });
    }

    // One document on a fresh set: what a single small file costs (generation + compilation
    // of one kind).
    if let Some(first) = files.values().flatten().flatten().find(|o| {
        o.get("kind") == Some(&Value::from("Deployment"))
            && o.get("apiVersion") == Some(&Value::from("apps/v1"))
    }) {
        let fresh = SchemaSet::bundled();
        let started = Instant::now();
        std::hint::black_box(fresh.validate(first));
        eprintln!(
            "one Deployment on a fresh schema set: {:.2} ms",
            started.elapsed().as_secs_f64() * 1e3
        );
    }

    // Schema generation + compilation (lazy, per kind) + validation of every document, cold.
    let set = SchemaSet::bundled();
    let started = Instant::now();
    let mut documents = 0usize;
    for docs in files.values() {
        for object in docs.iter().flatten() {
            std::hint::black_box(set.validate(object));
            documents += 1;
        }
    }
    let cold = started.elapsed();
    let started = Instant::now();
    for docs in files.values() {
        for object in docs.iter().flatten() {
            std::hint::black_box(set.validate(object));
        }
    }
    let warm = started.elapsed();
    eprintln!(
        "schema validation of {documents} documents: {:.1} ms cold ({} schemas compiled), \
         {:.1} ms warm ({} build)",
        cold.as_secs_f64() * 1e3,
        set.compiled_count(),
        warm.as_secs_f64() * 1e3,
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );

    let (mut judged, mut agreed, mut numbering_mismatches) = (0usize, 0usize, 0usize);
    let mut disagreements = Vec::new();
    let mut by_verdict: HashMap<(String, &'static str), usize> = HashMap::new();
    for row in &expected {
        let file = row["file"].as_str().unwrap_or_default();
        let index = row["doc"].as_u64().unwrap_or_default() as usize;
        let kc = row["kc_strict"].as_str().unwrap_or_default();
        let docs = files.get(file).map(Vec::as_slice).unwrap_or_default();
        let (ours, errors) = match docs.get(index) {
            Some(Ok(object)) => {
                if object.get("kind") != row.get("kind")
                    || object.get("apiVersion") != row.get("apiVersion")
                {
                    numbering_mismatches += 1;
                    eprintln!("numbering mismatch: {file}#{index}");
                }
                set.validate(object)
            }
            Some(Err(e)) => (
                SchemaVerdict::Error,
                vec![SchemaError {
                    path: String::new(),
                    message: e.clone(),
                }],
            ),
            None => {
                numbering_mismatches += 1;
                eprintln!("missing document: {file}#{index}");
                (SchemaVerdict::Error, vec![])
            }
        };
        *by_verdict
            .entry((kc.to_owned(), verdict_name(ours)))
            .or_default() += 1;
        if kc != "valid" && kc != "invalid" {
            continue;
        }
        judged += 1;
        if verdict_name(ours) == kc {
            agreed += 1;
            if std::env::var_os("SHIPMATE_CORPUS_SHOW_INVALID").is_some() && kc == "invalid" {
                eprintln!("invalid {file}#{index}: {errors:?}");
            }
        } else {
            let key = format!("{file}#{index}");
            let explanation = KNOWN_DISAGREEMENTS
                .iter()
                .find(|(k, _)| *k == key)
                .map_or("UNEXPLAINED", |(_, why)| why);
            disagreements.push(format!(
                "{key} ({} {}): kubeconform {kc}, shipmate {}: {errors:?}\n    → {explanation}",
                row["apiVersion"].as_str().unwrap_or("?"),
                row["kind"].as_str().unwrap_or("?"),
                verdict_name(ours)
            ));
        }
    }
    let mut table: Vec<_> = by_verdict.into_iter().collect();
    table.sort();
    eprintln!("(kc_strict, shipmate) counts over all documents: {table:?}");
    let rate = agreed as f64 / judged.max(1) as f64;
    eprintln!(
        "agreement with kubeconform -strict: {agreed}/{judged} = {:.2}% ({} disagreements)",
        rate * 100.0,
        disagreements.len()
    );
    for d in &disagreements {
        eprintln!("  {d}");
    }
    assert_eq!(numbering_mismatches, 0, "document numbering differs");
    assert!(judged > 1000, "too few judged documents: {judged}");
    assert!(rate >= 0.99, "agreement {:.2}% < 99%", rate * 100.0);
    let unexplained = disagreements
        .iter()
        .filter(|d| d.contains("UNEXPLAINED"))
        .count();
    assert_eq!(unexplained, 0, "unexplained disagreements");
}
