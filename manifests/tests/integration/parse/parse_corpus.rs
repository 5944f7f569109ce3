//! The parser over the shared real-world corpus: every file parses, and document indices line
//! up exactly with the `doc` indices of `VERDICTS.jsonl` (kubeconform's numbering).
//!
//! Skips (with a message) when the corpus is not there: set `SHIPMATE_SHARED` to the directory
//! holding `corpus/`, or keep it at `../shared/corpus` next to the workspace.

use std::collections::{BTreeMap, BTreeSet};

use super::corpus_dir;
use shipmate_manifests::parse::{Input, Limits, ParseError, load_inputs};

#[test]
fn corpus_indices_match_verdicts() {
    let Some(corpus) = corpus_dir() else {
        eprintln!(
            "SKIPPED corpus_indices_match_verdicts: no shared corpus (set SHIPMATE_SHARED to the \
         directory that holds corpus/VERDICTS.jsonl)"
        );
        return;
    };
    let verdicts = std::fs::read_to_string(corpus.join("VERDICTS.jsonl")).expect("read verdicts");
    let mut expected: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    let mut kinds: BTreeMap<(String, usize), String> = BTreeMap::new();
    // kubeconform -strict rejects exactly the documents with duplicate mapping keys as `error`.
    let mut duplicate_keys: BTreeSet<(String, usize)> = BTreeSet::new();
    for line in verdicts.lines().filter(|l| !l.trim().is_empty()) {
        let row: serde_json::Value = serde_json::from_str(line).expect("verdict row is JSON");
        let file = row["file"].as_str().expect("file").to_owned();
        let doc = row["doc"].as_u64().expect("doc") as usize;
        if row["kc_strict"] == "error" {
            duplicate_keys.insert((file.clone(), doc));
        }
        kinds.insert(
            (file.clone(), doc),
            row["kind"].as_str().unwrap_or("").to_owned(),
        );
        expected.entry(file).or_default().insert(doc);
    }

    let loaded = load_inputs(&[Input::Path(corpus.clone())], &Limits::default());
    let prefix = format!("{}/", corpus.display());
    let mut actual: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    let mut errors = BTreeSet::new();
    for doc in &loaded.documents {
        let file = doc
            .file
            .strip_prefix(&prefix)
            .unwrap_or(&doc.file)
            .to_owned();
        match &doc.content {
            Err(ParseError::DuplicateKey { .. }) => {
                errors.insert((file.clone(), doc.index));
            }
            Err(err) => panic!("{file}#{}: unexpected parse error: {err}", doc.index),
            Ok(_) => {}
        }
        actual.entry(file).or_default().insert(doc.index);
    }
    assert_eq!(errors.len(), 8);
    assert_eq!(
        errors, duplicate_keys,
        "duplicate keys found where kubeconform found them"
    );

    let mismatches: Vec<String> = expected
        .iter()
        .filter(|(file, docs)| actual.get(*file) != Some(docs))
        .map(|(file, docs)| format!("{file}: verdicts {docs:?}, parsed {:?}", actual.get(file)))
        .collect();
    assert!(
        mismatches.is_empty(),
        "index mismatches:\n{}",
        mismatches.join("\n")
    );
    let extra: Vec<&String> = actual
        .keys()
        .filter(|f| !expected.contains_key(*f))
        .collect();
    assert!(extra.is_empty(), "files not in VERDICTS: {extra:?}");
    assert_eq!(loaded.files, 1_071);

    // The two List documents: verdict rows say `kind: List`, doc 0; we expand their items,
    // which keep index 0 and get their own lines.
    let lists: Vec<&(String, usize)> = kinds
        .iter()
        .filter(|(_, kind)| *kind == "List")
        .map(|(key, _)| key)
        .collect();
    assert_eq!(lists.len(), 2, "the corpus has two List documents");
    for (file, index) in lists {
        let items: Vec<_> = loaded
            .documents
            .iter()
            .filter(|d| d.file.ends_with(file.as_str()) && d.index == *index)
            .collect();
        assert!(items.len() > 1, "{file}: List expanded into its items");
        assert!(
            items.iter().all(|d| d.kind() == Some("PersistentVolume")),
            "{file}"
        );
        let lines: BTreeSet<usize> = items.iter().map(|d| d.line).collect();
        assert_eq!(
            lines.len(),
            items.len(),
            "{file}: every item has its own line"
        );
    }
}
