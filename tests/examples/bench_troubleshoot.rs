//! Cost and speed of a scripted troubleshooting task with each LLM backend (openai, anthropic,
//! gemini, ollama), through the built binary, against the fake API server and the fake
//! provider: "why is api-0 crashing?" where the model reads the pod, its logs (10 MB of them)
//! and the events, then proposes a fix.
//!
//! ```text
//! cargo build --release -p shipmate
//! cargo run --release -p shipmate-e2e --example bench_troubleshoot [-- RUNS]
//! ```
//!
//! Per backend it prints: model round trips, bytes sent to the provider per task, tokens
//! (estimated at 4 bytes a token: the fakes report fixed counts), the largest tool answer the
//! model got (the 10 MB log, capped), and shipmate's own time:
//!
//! - **per round trip**: from the fake provider having written its answer to shipmate's next
//!   request arriving, minus the time shipmate spent waiting on the fake API server in between
//!   (its tool reads; both fakes timestamp every request they answer, in this process). What
//!   is left is shipmate's work: reading and parsing the answer, running the tools' masking,
//!   capping and anonymizing, building and sending the next request.
//! - **start-up**: from spawning the process to its first request (also minus API-server time).
//! - **finish**: from the last answer to the process exiting (parse, validate, print).
//!
//! The fakes answer at once, so the total is what shipmate itself costs on top of a model.

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use shipmate_e2e::fake_kube::FakeCluster;
use shipmate_e2e::fake_llm::{FakeLlm, Recorded, anthropic, gemini, ollama, openai};

const FIX: &str = r#"{"status":"proposed","summary":"Raise api's connection pool limit","actions":[
  {"argv":["kubectl","set","env","deployment/api","DB_POOL_MAX=20"],"reason":"the log shows pool exhaustion"}]}"#;

/// The sizes of the crashing pod's log, one table each: 10 MB shows the cap; 64 KB shows the
/// per-trip cost without the fake's 10 MB Pod object (the fake keeps a pod's log in an
/// annotation, so `describe` reads and parses all of it).
const LOG_SIZES: [usize; 2] = [10 * 1024 * 1024, 64 * 1024];

/// The tool cap the binary runs with (its default, `--tool-max-bytes`).
const TOOL_CAP: usize = 16 * 1024;

fn crashing_pod(log_bytes: usize) -> Value {
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
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "api-0", "namespace": "default",
                     "annotations": {"fake-kube.shipmate.test/log": log}},
        "spec": {"containers": [{"name": "api", "image": "ghcr.io/acme/api:2.1"}]},
    })
}

/// The model's three turns: describe + logs, then events, then the fix.
fn calls() -> [Vec<(&'static str, Value)>; 2] {
    [
        vec![
            ("describe", json!({"kind": "pod", "name": "api-0"})),
            ("logs", json!({"pod": "api-0", "tail": 100000})),
        ],
        vec![("events", json!({"object": "Pod/api-0"}))],
    ]
}

/// One backend: its name, how to script the fake, and the environment that points at it.
struct Backend {
    name: &'static str,
    /// Extra flags (`--anonymize`).
    flags: &'static [&'static str],
    script: fn(&FakeLlm),
    env: fn(&FakeLlm) -> Vec<(&'static str, String)>,
}

fn backends() -> Vec<Backend> {
    vec![
        Backend {
            name: "openai",
            flags: &[],
            script: |llm| {
                for turn in calls() {
                    llm.push(openai::tool_calls(&turn));
                }
                llm.push(openai::chat(FIX));
            },
            env: |llm| {
                vec![
                    ("OPENAI_BASE_URL", llm.base_url()),
                    ("OPENAI_API_KEY", "sk-bench-0123456789abcdef".into()),
                ]
            },
        },
        Backend {
            name: "anthropic",
            flags: &[],
            script: |llm| {
                for turn in calls() {
                    llm.push(anthropic::tool_use(&turn));
                }
                llm.push(anthropic::propose(FIX));
            },
            env: |llm| {
                vec![
                    ("ANTHROPIC_BASE_URL", llm.url()),
                    ("ANTHROPIC_API_KEY", "sk-ant-bench-0123456789".into()),
                ]
            },
        },
        Backend {
            name: "gemini",
            flags: &[],
            script: |llm| {
                for turn in calls() {
                    llm.push(gemini::function_calls(&turn));
                }
                llm.push(gemini::answer(FIX));
            },
            env: |llm| {
                vec![
                    ("GEMINI_BASE_URL", llm.url()),
                    ("GEMINI_API_KEY", "AIza-bench-key".into()),
                ]
            },
        },
        Backend {
            name: "ollama",
            flags: &[],
            script: |llm| {
                for turn in calls() {
                    llm.push(ollama::tool_calls(&turn));
                }
                llm.push(ollama::chat(FIX));
            },
            env: |llm| {
                let host = llm.url().trim_start_matches("http://").to_owned();
                vec![("OLLAMA_HOST", host)]
            },
        },
    ]
}

/// The openai row again, with `--anonymize`.
fn anonymized() -> Backend {
    Backend {
        flags: &["--anonymize"],
        ..backends().remove(0)
    }
}

/// The time within `[from, to]` that the API server was busy answering (intervals merged).
fn busy_within(busy: &[(Instant, Instant)], from: Instant, to: Instant) -> Duration {
    let mut spans: Vec<(Instant, Instant)> = busy
        .iter()
        .map(|&(a, b)| (a.max(from), b.min(to)))
        .filter(|(a, b)| a < b)
        .collect();
    spans.sort();
    let mut total = Duration::ZERO;
    let mut end: Option<Instant> = None;
    for (a, b) in spans {
        let a = end.map_or(a, |e| a.max(e));
        if b > a {
            total += b - a;
            end = Some(b);
        }
    }
    total
}

/// The longest untrusted-data block (a tool answer) in a request body, in bytes.
fn largest_tool_answer(body: &Value) -> usize {
    match body {
        Value::String(s) if s.contains("<untrusted-data source=") => s.len(),
        Value::Array(items) => items.iter().map(largest_tool_answer).max().unwrap_or(0),
        Value::Object(map) => map.values().map(largest_tool_answer).max().unwrap_or(0),
        _ => 0,
    }
}

/// What one run of one backend measured.
struct Run {
    bodies: Vec<usize>,
    startup: Duration,
    round_trips: Vec<Duration>,
    finish: Duration,
    largest_tool_answer: usize,
    leaked: bool,
}

fn run_once(backend: &Backend, fake: &FakeCluster, kubeconfig: &std::path::Path) -> Run {
    let scratch = tempfile::tempdir().unwrap();
    let llm = FakeLlm::start();
    (backend.script)(&llm);
    let mut cmd = std::process::Command::new(shipmate_e2e::binary());
    cmd.args(["ask", "--backend", backend.name, "--no-apply", "-o", "json"])
        .args(backend.flags)
        .arg("why is api-0 crashing?")
        .env("KUBECONFIG", kubeconfig)
        .env("XDG_STATE_HOME", scratch.path().join("state"))
        .env("XDG_CONFIG_HOME", scratch.path().join("config"))
        .stdin(Stdio::null());
    for (k, v) in (backend.env)(&llm) {
        cmd.env(k, v);
    }
    let spawned = Instant::now();
    let out = cmd.output().expect("run shipmate");
    let exited = Instant::now();
    assert!(
        out.status.success(),
        "{}: {}",
        backend.name,
        String::from_utf8_lossy(&out.stderr)
    );
    let p: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(p["status"], "proposed", "{p}");
    // The fake notes a reply as answered just after writing it; shipmate may have exited by
    // then.
    let mut requests: Vec<Recorded> = llm.requests();
    for _ in 0..200 {
        if requests.iter().all(|r| r.answered.is_some()) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
        requests = llm.requests();
    }
    assert_eq!(
        requests.len(),
        3,
        "{}: three model round trips",
        backend.name
    );
    let busy = fake.busy();
    let own = |from: Instant, to: Instant| {
        to.saturating_duration_since(from)
            .saturating_sub(busy_within(&busy, from, to))
    };
    let answered = |r: &Recorded| r.answered.expect("answered");
    let round_trips = requests
        .windows(2)
        .map(|w| own(answered(&w[0]), w[1].received))
        .collect();
    Run {
        bodies: requests.iter().map(|r| r.body.len()).collect(),
        startup: own(spawned, requests[0].received),
        round_trips,
        finish: own(answered(&requests[2]), exited),
        largest_tool_answer: requests
            .iter()
            .map(|r| largest_tool_answer(&r.json()))
            .max()
            .unwrap_or(0),
        leaked: requests.iter().any(|r| r.text().contains("hunter2")),
    }
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|r| r.parse().ok())
        .unwrap_or(5)
        .max(1);
    for log_bytes in LOG_SIZES {
        table(runs, log_bytes);
    }
    println!(
        "own: shipmate's time from a model answer to its next request, API-server time \
         excluded (1st trip: reads describe + the log's tail; 2nd: events); start-up: spawn to \
         first request; finish: last answer to exit; medians"
    );
}

/// One table: every backend on a pod with a log of `log_bytes`.
fn table(runs: usize, log_bytes: usize) {
    let fake = FakeCluster::start();
    fake.seed(crashing_pod(log_bytes));
    let scratch = tempfile::tempdir().unwrap();
    let kubeconfig = fake.kubeconfig(scratch.path());
    println!(
        "\ntroubleshooting task: describe + logs ({} KB log), events, fix; {runs} runs per \
         backend; tool cap {TOOL_CAP} bytes",
        log_bytes / 1024
    );
    println!(
        "{:<11} {:>5} {:>22} {:>7} {:>8} {:>11} {:>14} {:>14} {:>10} {:>9} {:>6}",
        "backend",
        "trips",
        "bytes sent per request",
        "bytes",
        "~tokens",
        "tool answer",
        "own, 1st trip",
        "own, 2nd trip",
        "start-up",
        "finish",
        "leaked"
    );
    for backend in backends().into_iter().chain([anonymized()]) {
        let results: Vec<Run> = (0..runs)
            .map(|_| run_once(&backend, &fake, &kubeconfig))
            .collect();
        let trip = |i: usize| median(results.iter().map(|r| r.round_trips[i]).collect());
        let last = results.last().expect("at least one run");
        let total: usize = last.bodies.iter().sum();
        let per_request = last
            .bodies
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("/");
        println!(
            "{:<11} {:>5} {:>22} {:>7} {:>8} {:>11} {:>11} ms {:>11} ms {:>7} ms {:>6} ms {:>6}",
            format!(
                "{}{}",
                backend.name,
                if backend.flags.is_empty() {
                    ""
                } else {
                    "+anon"
                }
            ),
            last.bodies.len(),
            per_request,
            total,
            total / 4,
            last.largest_tool_answer,
            ms(trip(0)),
            ms(trip(1)),
            ms(median(results.iter().map(|r| r.startup).collect())),
            ms(median(results.iter().map(|r| r.finish).collect())),
            results.iter().any(|r| r.leaked),
        );
        assert!(
            last.largest_tool_answer <= TOOL_CAP + 1024,
            "{}: a tool answer of {} bytes is over the cap",
            backend.name,
            last.largest_tool_answer
        );
    }
}
