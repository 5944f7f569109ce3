//! Validation throughput over a manifest corpus, in process: parse + strict schema + gates.
//!
//! `cargo bench -p shipmate-manifests --bench corpus [-- DIR]` (default: the shared corpus at
//! `../shared/corpus`, or `$SHIPMATE_SHARED/corpus`). Prints the cold run (schemas compiled on
//! first use, as in one CLI invocation), the warm median, documents per second and the peak
//! resident memory of the process.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use shipmate_manifests::parse::{self, Input, Limits};
use shipmate_manifests::{Constitution, Report, SchemaSet};

fn corpus_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::args().skip(1).find(|a| !a.starts_with('-')) {
        return Some(PathBuf::from(dir));
    }
    let shared = std::env::var_os("SHIPMATE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    let dir = shared.join("corpus");
    dir.is_dir().then_some(dir)
}

/// Peak resident set size of this process in KiB (Linux `VmHWM`), if known.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn run_once(dir: &Path) -> (Duration, usize) {
    let start = Instant::now();
    let limits = Limits::default();
    let schemas = SchemaSet::bundled();
    let gates = Constitution::builtin();
    let loaded = parse::load_inputs(&[Input::Path(dir.to_owned())], &limits);
    let report = Report::build(loaded.files, &loaded.documents, &schemas, Some(&gates));
    let elapsed = start.elapsed();
    std::hint::black_box(&report);
    (elapsed, report.summary.documents)
}

fn main() {
    let Some(dir) = corpus_dir() else {
        eprintln!(
            "corpus bench skipped: no corpus directory (pass one: cargo bench --bench corpus -- DIR)"
        );
        return;
    };
    let (cold, docs) = run_once(&dir);
    let mut warm: Vec<Duration> = (0..10).map(|_| run_once(&dir).0).collect();
    warm.sort();
    let median = warm[warm.len() / 2];
    let per_sec = |d: Duration| docs as f64 / d.as_secs_f64();
    println!("corpus: {} ({docs} documents)", dir.display());
    println!(
        "cold (fresh schema cache, as one CLI run): {:.1} ms  {:.0} docs/s",
        cold.as_secs_f64() * 1e3,
        per_sec(cold)
    );
    println!(
        "warm median of {}: {:.1} ms  {:.0} docs/s",
        warm.len(),
        median.as_secs_f64() * 1e3,
        per_sec(median)
    );
    match peak_rss_kib() {
        Some(kib) => println!("peak memory (VmHWM): {:.1} MiB", kib as f64 / 1024.0),
        None => println!("peak memory: unknown (no /proc/self/status)"),
    }
}
