//! Benchmark of the rules backend in-process: the median time to propose, per request, over a
//! request set (default: the shared development set).
//!
//! ```text
//! cargo run --release -p shipmate-plugins --example bench_rules [-- CASES.jsonl [ROUNDS]]
//! ```

use std::time::Instant;

use shipmate_manifests::gates::ResourceDefaults;
use shipmate_plugins::rules::propose;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| {
        // `../shared` next to the repository (or next to a worktree's parent).
        let shared = std::env::var("SHIPMATE_SHARED").unwrap_or_else(|_| {
            ["/../../shared", "/../../../shared"]
                .iter()
                .map(|rel| format!("{}{rel}", env!("CARGO_MANIFEST_DIR")))
                .find(|p| std::path::Path::new(p).is_dir())
                .unwrap_or_else(|| "../shared".to_owned())
        });
        format!("{shared}/eval/dev.jsonl")
    });
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(200);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {path}: {e}; pass a JSONL file of {{\"request\": …}} lines");
            std::process::exit(2);
        }
    };
    let requests: Vec<String> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("request")?.as_str().map(str::to_owned))
        .collect();
    let defaults = ResourceDefaults::default();
    let mut per_request: Vec<f64> = Vec::with_capacity(requests.len());
    let mut all: Vec<f64> = Vec::with_capacity(requests.len() * rounds);
    for r in &requests {
        let mut times: Vec<f64> = (0..rounds)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(propose(std::hint::black_box(r), None, &defaults));
                start.elapsed().as_secs_f64() * 1e6
            })
            .collect();
        times.sort_by(f64::total_cmp);
        per_request.push(times[times.len() / 2]);
        all.extend(times);
    }
    per_request.sort_by(f64::total_cmp);
    all.sort_by(f64::total_cmp);
    let pct = |v: &[f64], p: f64| v[((v.len() as f64 - 1.0) * p) as usize];
    println!(
        "rules backend: {} requests x {rounds} rounds; median per request {:.1} µs \
         (slowest request median {:.1} µs; all calls p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs)",
        requests.len(),
        pct(&per_request, 0.5),
        per_request.last().copied().unwrap_or_default(),
        pct(&all, 0.5),
        pct(&all, 0.99),
        all.last().copied().unwrap_or_default(),
    );
}
