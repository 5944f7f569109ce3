//! Cost and speed of a scripted troubleshooting task with an LLM backend, through the built
//! binary, against the fake API server and the fake provider: "why is api-0 crashing?" where the
//! model reads the pod, its previous container's logs (10 MB of them) and the events, then
//! proposes a fix. Prints, per task: model round trips, bytes sent to the provider (per request
//! and in total, with the largest tool answer), tokens as reported, and shipmate's whole-process
//! wall time.
//!
//! ```text
//! cargo build --release -p shipmate
//! cargo run --release -p shipmate-e2e --example bench_troubleshoot [-- RUNS]
//! ```
//!
//! The fake provider answers instantly, so the wall time is shipmate's own work (start-up,
//! cluster reads, masking, capping, validation) plus loopback; a real model adds its latency.

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::json;
use shipmate_e2e::fake_kube::FakeCluster;
use shipmate_e2e::fake_llm::{FakeLlm, openai};

const FIX: &str = r#"{"status":"proposed","summary":"Raise api's connection pool limit","actions":[
  {"argv":["kubectl","set","env","deployment/api","DB_POOL_MAX=20"],"reason":"the log shows pool exhaustion"}]}"#;

fn crashing_pod(log_bytes: usize) -> String {
    let mut log = String::with_capacity(log_bytes + 128);
    let mut i = 0;
    while log.len() < log_bytes {
        log.push_str(&format!(
            "2026-11-26T10:{:02}:{:02}Z INFO request {i} served in 12ms\n",
            (i / 60) % 60,
            i % 60
        ));
        i += 1;
    }
    log.push_str("FATAL pool exhausted: too many connections (password=hunter2)\n");
    let pod = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "api-0", "namespace": "default",
                     "annotations": {"fake-kube.shipmate.test/log": log}},
        "spec": {"containers": [{"name": "api", "image": "ghcr.io/acme/api:2.1"}]},
    });
    serde_json::to_string(&pod).unwrap()
}

fn script(llm: &FakeLlm) {
    llm.push(openai::tool_calls(&[
        ("describe", json!({"kind": "pod", "name": "api-0"})),
        ("logs", json!({"pod": "api-0", "tail": 100000})),
    ]));
    llm.push(openai::tool_calls(&[(
        "events",
        json!({"object": "Pod/api-0"}),
    )]));
    llm.push(openai::chat(FIX));
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let fake = FakeCluster::start();
    fake.seed(serde_json::from_str::<serde_json::Value>(&crashing_pod(10 * 1024 * 1024)).unwrap());
    let scratch = tempfile::tempdir().unwrap();
    let kubeconfig = fake.kubeconfig(scratch.path());
    let mut walls = Vec::new();
    let mut report = None;
    for _ in 0..runs {
        let llm = FakeLlm::start();
        script(&llm);
        let start = Instant::now();
        let out = std::process::Command::new(shipmate_e2e::binary())
            .args(["ask", "--backend", "openai", "--no-apply", "-o", "json"])
            .arg("why is api-0 crashing?")
            .env("KUBECONFIG", &kubeconfig)
            .env("OPENAI_BASE_URL", llm.base_url())
            .env("OPENAI_API_KEY", "sk-bench-0123456789abcdef")
            .env("XDG_STATE_HOME", scratch.path().join("state"))
            .env("XDG_CONFIG_HOME", scratch.path().join("config"))
            .stdin(Stdio::null())
            .output()
            .expect("run shipmate");
        walls.push(start.elapsed());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let p: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let bodies: Vec<usize> = llm.requests().iter().map(|r| r.body.len()).collect();
        let leaked = llm.requests().iter().any(|r| r.text().contains("hunter2"));
        report = Some((bodies, p["usage"].clone(), leaked));
    }
    walls.sort();
    let median: Duration = walls[walls.len() / 2];
    let (bodies, usage, leaked) = report.expect("at least one run");
    println!("troubleshooting task (10 MB log), {runs} runs:");
    println!("  model round trips      {}", bodies.len());
    println!("  bytes sent per request {bodies:?}");
    println!("  bytes sent in total    {}", bodies.iter().sum::<usize>());
    println!(
        "  growth from tool answers {} bytes (describe + logs, then events)",
        bodies.last().unwrap_or(&0) - bodies.first().unwrap_or(&0)
    );
    println!("  tokens (as reported)   {usage}");
    println!("  credential sent        {leaked}");
    println!(
        "  wall time, median      {:.1} ms",
        median.as_secs_f64() * 1e3
    );
}
