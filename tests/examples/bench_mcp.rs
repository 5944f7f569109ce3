//! What a tool call through `shipmate mcp` costs a client: the server's start-up to a completed
//! `initialize`, then the wall time of `validate`, `propose` (rules backend) and `list` calls,
//! one at a time, over stdio — against the fake API server on loopback.
//!
//! ```text
//! cargo build --release -p shipmate
//! cargo run --release -p shipmate-e2e --example bench_mcp -- [--calls 50]
//! ```
//!
//! It speaks JSON-RPC to the server itself (newline-delimited messages, as the stdio transport
//! defines), so that the figures are the server's, not a client library's.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use shipmate_e2e::fake_kube::FakeCluster;

const MANIFEST: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  \
    replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    \
    spec: {containers: [{name: web, image: nginx:1.27.1}]}\n";

/// A running `shipmate mcp` and the pipes to it.
struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: u64,
}

impl Server {
    fn send(&mut self, message: &Value) {
        writeln!(self.stdin, "{message}").expect("write to shipmate mcp");
        self.stdin.flush().expect("flush");
    }

    /// One request and its response (notifications in between are skipped).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let mut line = String::new();
        loop {
            line.clear();
            let read = self
                .stdout
                .read_line(&mut line)
                .expect("read from shipmate mcp");
            assert!(read > 0, "shipmate mcp closed its output");
            let message: Value = serde_json::from_str(&line).expect("JSON-RPC line");
            if message["id"] == id {
                assert!(message.get("error").is_none(), "{method}: {message}");
                return message["result"].clone();
            }
        }
    }

    fn call(&mut self, tool: &str, arguments: Value) -> Value {
        let result = self.request("tools/call", json!({"name": tool, "arguments": arguments}));
        assert_ne!(result["isError"], true, "{tool}: {result}");
        result
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn main() {
    let mut calls = 50usize;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--calls" => calls = it.next().and_then(|v| v.parse().ok()).expect("--calls N"),
            other => panic!("unknown argument {other}: use --calls N"),
        }
    }
    let fake = FakeCluster::start();
    fake.seed(
        (0..20)
            .map(|i| shipmate_e2e::deployment(&format!("app-{i}"), 1, "nginx:1.27.1"))
            .collect::<Vec<_>>(),
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let kubeconfig = fake.kubeconfig(dir.path());

    let started = Instant::now();
    let mut child = shipmate_e2e::shipmate()
        .arg("mcp")
        .env("KUBECONFIG", &kubeconfig)
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start shipmate mcp");
    let mut server = Server {
        stdin: child.stdin.take().unwrap(),
        stdout: BufReader::new(child.stdout.take().unwrap()),
        child,
        next_id: 0,
    };
    server.request(
        "initialize",
        json!({"protocolVersion": "2025-06-18", "capabilities": {},
               "clientInfo": {"name": "bench_mcp", "version": "0"}}),
    );
    server.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
    let startup = started.elapsed();

    let plans: [(&str, Value); 3] = [
        ("validate", json!({"manifests": MANIFEST})),
        (
            "propose",
            json!({"request": "deploy nginx:1.27.1 as web with 2 replicas on port 80 and expose it"}),
        ),
        ("list", json!({"kind": "deployments"})),
    ];
    println!("shipmate mcp over stdio, fake API server on loopback, {calls} calls per tool");
    println!("start-up to initialize answered: {:.1} ms", ms(startup));
    for (tool, arguments) in plans {
        server.call(tool, arguments.clone()); // warm: the first list connects the client
        let mut times: Vec<Duration> = (0..calls)
            .map(|_| {
                let t = Instant::now();
                server.call(tool, arguments.clone());
                t.elapsed()
            })
            .collect();
        times.sort();
        let p = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
        println!(
            "{tool:<9} median {:>7.2} ms   p95 {:>7.2} ms   max {:>7.2} ms",
            ms(p(0.5)),
            ms(p(0.95)),
            ms(times[times.len() - 1])
        );
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
