//! The constitution over the whole shared corpus: no panics, plausible findings, and (ignored by
//! default) a timing run:
//! `cargo test --release -p shipmate-manifests --test integration gates_corpus -- --ignored --nocapture`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value;
use shipmate_manifests::gates::{Constitution, Severity};
use shipmate_manifests::parse;

/// The shared corpus: `$SHIPMATE_SHARED/corpus`, else `../shared/corpus` next to the
/// repository (or next to the directory holding this worktree).
fn corpus_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SHIPMATE_SHARED") {
        return PathBuf::from(dir).join("corpus");
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let candidates = [
        root.join("../shared/corpus"),
        root.join("../../shared/corpus"),
    ];
    candidates
        .iter()
        .find(|p| p.is_dir())
        .cloned()
        .unwrap_or_else(|| candidates[0].clone())
}

/// Every document of the corpus that parses, as the real parser reads it (`kind: List`
/// expanded).
fn corpus() -> Vec<(String, Value)> {
    let loaded = parse::load_inputs(
        &[parse::Input::Path(corpus_dir())],
        &parse::Limits::default(),
    );
    loaded
        .documents
        .into_iter()
        .filter_map(|d| Some((d.file, d.content.ok()?)))
        .collect()
}

fn counts(c: &Constitution, docs: &[(String, Value)]) -> BTreeMap<String, usize> {
    let objects: Vec<&Value> = docs.iter().map(|(_, v)| v).collect();
    let mut counts = BTreeMap::new();
    for findings in c.check(&objects) {
        for f in findings {
            *counts.entry(f.gate).or_insert(0) += 1;
        }
    }
    counts
}

#[test]
fn whole_corpus_is_checked_without_panics() {
    let docs = corpus();
    if docs.is_empty() {
        eprintln!("corpus not found at {}; skipping", corpus_dir().display());
        return;
    }
    assert!(docs.len() > 1000, "only {} documents read", docs.len());
    let c = Constitution::builtin();
    let counts = counts(&c, &docs);
    eprintln!("{counts:#?}");
    // The corpus is full of example manifests: unpinned images and missing probes abound, and a
    // few DaemonSets use the host's namespaces.
    for gate in [
        "image-pinned",
        "resources-set",
        "probes-set",
        "no-host-path",
    ] {
        assert!(
            counts.get(gate).copied().unwrap_or(0) > 0,
            "{gate} never fired"
        );
    }
}

#[test]
fn corpus_findings_are_well_formed() {
    let docs = corpus();
    if docs.is_empty() {
        return;
    }
    let objects: Vec<&Value> = docs.iter().map(|(_, v)| v).collect();
    let c = Constitution::builtin();
    for (findings, (file, _)) in c.check(&objects).iter().zip(&docs) {
        for f in findings {
            assert!(!f.message.is_empty() && !f.fix.is_empty(), "{file}: {f:?}");
            assert!(f.object.contains('/'), "{file}: {f:?}");
            if std::env::var_os("SHOW_BLOCKS").is_some() && f.severity == Severity::Block {
                eprintln!("{file}: {} {}: {}", f.gate, f.object, f.message);
            }
        }
    }
}

#[test]
#[ignore = "timing run; use --release"]
fn bench_whole_corpus() {
    let docs = corpus();
    let objects: Vec<&Value> = docs.iter().map(|(_, v)| v).collect();
    let c = Constitution::builtin();
    let _ = c.check(&objects);
    let runs: u32 = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(50);
    let cpu_start = thread_cpu_ns();
    let start = Instant::now();
    let mut total = 0;
    for _ in 0..runs {
        total += c.check(&objects).iter().map(Vec::len).sum::<usize>();
    }
    let per_run = start.elapsed() / runs;
    let cpu = match (cpu_start, thread_cpu_ns()) {
        (Some(a), Some(b)) => format!("{:.2} ms CPU", (b - a) as f64 / runs as f64 / 1e6),
        _ => "CPU time n/a".to_owned(),
    };
    println!(
        "gates over {} documents: {:?} wall ({cpu}) per run ({:.0} documents/s), {} findings per run",
        objects.len(),
        per_run,
        objects.len() as f64 / per_run.as_secs_f64(),
        total / runs as usize
    );
}

#[test]
fn show_gate_findings_when_asked() {
    let Some(gate) = std::env::var_os("SHOW_GATE") else {
        return;
    };
    let docs = corpus();
    let objects: Vec<&Value> = docs.iter().map(|(_, v)| v).collect();
    for (findings, (file, _)) in Constitution::builtin().check(&objects).iter().zip(&docs) {
        for f in findings.iter().filter(|f| *f.gate == *gate) {
            eprintln!("{file}: {}: {} | {}", f.object, f.message, f.fix);
        }
    }
}

#[test]
#[ignore = "timing run; use --release"]
fn bench_each_gate() {
    let docs = corpus();
    let objects: Vec<&Value> = docs.iter().map(|(_, v)| v).collect();
    let ids: Vec<String> = Constitution::builtin()
        .gate_ids()
        .map(String::from)
        .collect();
    for id in ids {
        let c = Constitution::from_yaml(
            &format!(
                "version: 1\ngates:\n  - {{id: {id}, title: t, severity: warn, check: {id}}}\n"
            ),
            "bench",
        )
        .expect("single gate");
        let runs = 20;
        let start = Instant::now();
        for _ in 0..runs {
            std::hint::black_box(c.check(&objects));
        }
        println!("{id:32} {:?}", start.elapsed() / runs);
    }
}

/// CPU time of this thread (Linux `schedstat`), so that figures on a busy machine mean something.
fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}
