//! Parser throughput over the shared corpus (a benchmark, not a timed assertion).
//!
//! ```text
//! cargo test --release -p shipmate-manifests --test integration parse_bench -- --ignored --nocapture
//! ```
//!
//! Prints the wall time of `load_inputs` over the whole corpus (read + parse, files spread over
//! the available cores) and of `parse_bytes` alone over the files already in memory on one
//! thread, as the best and the median of 20 runs, plus the on-CPU time of the latter (which a
//! busy machine inflates less than wall time).

use std::time::{Duration, Instant};

use super::corpus_dir;
use shipmate_manifests::parse::{Input, Limits, load_inputs, parse_bytes};

/// Nanoseconds this thread has spent on a CPU (Linux), to see through a busy machine.
fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

fn stats(mut runs: Vec<Duration>) -> (Duration, Duration) {
    runs.sort();
    (runs[0], runs[runs.len() / 2])
}

#[test]
#[ignore = "benchmark: run with --release -- --ignored --nocapture"]
fn bench_corpus() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("SKIPPED: no shared corpus (set SHIPMATE_SHARED)");
        return;
    };
    let limits = Limits::default();
    let inputs = [Input::Path(corpus.clone())];
    let warm = load_inputs(&inputs, &limits);
    let docs = warm.documents.len();

    let runs: Vec<Duration> = (0..20)
        .map(|_| {
            let start = Instant::now();
            let loaded = load_inputs(&inputs, &limits);
            assert_eq!(loaded.documents.len(), docs);
            start.elapsed()
        })
        .collect();
    let (best, median) = stats(runs);

    let files: Vec<(String, Vec<u8>)> = warm
        .documents
        .iter()
        .map(|d| d.file.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(&f).expect("read corpus file");
            (f, bytes)
        })
        .collect();
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let cpu_start = thread_cpu_ns();
    let runs: Vec<Duration> = (0..20)
        .map(|_| {
            let start = Instant::now();
            let n: usize = files
                .iter()
                .map(|(f, b)| parse_bytes(f, b, &limits).len())
                .sum();
            assert_eq!(n, docs);
            start.elapsed()
        })
        .collect();
    let cpu = cpu_start
        .zip(thread_cpu_ns())
        .map(|(a, b)| Duration::from_nanos((b - a) / 20));
    let (pbest, pmedian) = stats(runs);

    println!(
        "corpus: {} files, {docs} documents, {:.2} MB",
        warm.files,
        bytes as f64 / 1e6
    );
    println!(
        "load_inputs (read + parse): best {best:.1?}, median {median:.1?} = {:.0} documents/s",
        docs as f64 / median.as_secs_f64()
    );
    println!(
        "parse_bytes only:           best {pbest:.1?}, median {pmedian:.1?} = {:.0} documents/s, {:.1} MB/s",
        docs as f64 / pmedian.as_secs_f64(),
        bytes as f64 / 1e6 / pmedian.as_secs_f64()
    );
    if let Some(cpu) = cpu {
        println!("parse_bytes only, on-CPU time per run (one thread): {cpu:.1?}");
    }
}
