//! `shipmate diagnose -A` on a large cluster: 5,000 pods, 1,000 Deployments (with their
//! ReplicaSets), 1,000 Services (with EndpointSlices) over ten namespaces, and a dozen
//! problems planted among them. Prints the median wall time of the runs, how many findings
//! each run reported (it must be the dozen planted: no false positives, none missed), and the
//! peak resident memory of the shipmate process (its own `VmHWM`, sampled from `/proc`; the
//! largest over the runs).
//!
//! ```text
//! cargo build --release -p shipmate
//! cargo run --release -p shipmate-e2e --example bench_diagnose -- [--apps 1000] [--replicas 5] [--runs 5] [--latency-ms 0]
//! ```
//!
//! The server is the project's fake API server on loopback (`--latency-ms` adds a delay per
//! response to model a network). The time of the fake itself (serialising 5,000 pods for each
//! run, under one lock) is part of the wall time; the figure printed after the runs
//! (`fake server alone`) measures the same lists with a plain HTTP client, so the two can be
//! told apart.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use shipmate_e2e::fake_kube::FakeCluster;
use shipmate_e2e::fake_kube::fixtures::{
    App, claim_of_missing_class, crash_loop, event, mount_claim, node, storage_class,
    unschedulable, waiting,
};

struct Options {
    apps: usize,
    replicas: usize,
    runs: usize,
    latency: Duration,
}

fn options() -> Options {
    let mut o = Options {
        apps: 1000,
        replicas: 5,
        runs: 5,
        latency: Duration::ZERO,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--apps" => o.apps = value.parse().expect("--apps N"),
            "--replicas" => o.replicas = value.parse().expect("--replicas N"),
            "--runs" => o.runs = value.parse().expect("--runs N"),
            "--latency-ms" => {
                o.latency = Duration::from_micros(
                    (value.parse::<f64>().expect("--latency-ms MS") * 1000.0) as u64,
                );
            }
            other => panic!("unknown flag {other}; see the example's documentation"),
        }
    }
    o
}

/// What breaks the first pod of an app.
type Breaks = fn(&mut Value);

/// Namespaces the apps are spread over.
const NAMESPACES: usize = 10;

/// Seeds the healthy cluster and plants the dozen problems; returns what was planted
/// (`Kind/namespace/name` → why), one per expected finding.
fn seed(fake: &FakeCluster, o: &Options) -> BTreeMap<String, &'static str> {
    fake.seed(vec![
        node("node-0"),
        node("node-1"),
        storage_class("standard"),
    ]);
    let mut planted = BTreeMap::new();
    for i in 0..o.apps {
        let ns = format!("team-{}", i % NAMESPACES);
        let name = format!("app-{i:04}");
        let problem: Option<(&str, Breaks)> = match i {
            17 => Some(("crash loop", |p| {
                crash_loop(p, 1, "Error", 9, "panic: boom\n")
            })),
            123 => Some(("crash loop", |p| {
                crash_loop(p, 2, "Error", 4, "fatal: config\n")
            })),
            256 => Some(("OOM kill", |p| crash_loop(p, 137, "OOMKilled", 6, ""))),
            404 => Some(("image not found", |p| {
                waiting(p, "ImagePullBackOff", "Back-off pulling image \"app:9.9\"");
            })),
            512 => Some(("missing ConfigMap", |p| {
                p["spec"]["containers"][0]["envFrom"] =
                    json!([{"configMapRef": {"name": "app-0512-env"}}]);
                waiting(
                    p,
                    "CreateContainerConfigError",
                    "configmap \"app-0512-env\" not found",
                );
            })),
            640 => Some(("unschedulable", |p| {
                unschedulable(p, "0/2 nodes are available: 2 Insufficient memory.");
            })),
            777 => Some(("waits for its claim", |p| {
                mount_claim(p, "data-0777");
                unschedulable(
                    p,
                    "0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims.",
                );
            })),
            _ => None,
        };
        match problem {
            // One replica of the app fails; the rest are healthy.
            Some((why, edit)) => {
                let app = App::seed(fake, &ns, &name, o.replicas, move |r, pod| {
                    if r == 0 {
                        edit(pod);
                    }
                });
                planted.insert(format!("Pod/{ns}/{}", app.pod_name(0)), why);
                if i == 404 {
                    fake.seed(event(
                        &app.pods[0],
                        "Warning",
                        "Failed",
                        "Failed to pull image \"app:9.9\": not found",
                        3,
                    ));
                }
            }
            None => {
                App::seed(fake, &ns, &name, o.replicas, |_, _| {});
            }
        }
    }
    // A claim whose class does not exist (mounted by app-0777's first pod).
    claim_of_missing_class(fake, "team-7", "data-0777", "fast-ssd", 5);
    planted.insert(
        "PersistentVolumeClaim/team-7/data-0777".into(),
        "no storage class",
    );
    // Services whose selector misses their pods by one label value.
    for (ns, name, app) in [
        ("team-1", "app-0011-canary", "app-0011-v2"),
        ("team-3", "app-0033-v2", "app-0033-x"),
    ] {
        fake.seed(json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": ns},
            "spec": {"selector": {"app": app}, "ports": [{"port": 80, "targetPort": 8080}]},
        }));
        planted.insert(format!("Service/{ns}/{name}"), "selector near miss");
    }
    // A Job that gave up.
    fake.seed(json!({
        "apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"name": "nightly-report", "namespace": "team-5"},
        "spec": {"backoffLimit": 3, "template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "report", "image": "registry.example.com/report:2.0.1"}]}}},
        "status": {"failed": 4, "conditions": [{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit"}]},
    }));
    planted.insert("Job/team-5/nightly-report".into(), "backoff limit exceeded");
    // A node that stopped reporting.
    let mut sick = node("node-9");
    sick["status"]["conditions"][0] = json!({"type": "Ready", "status": "Unknown", "reason": "NodeStatusUnknown", "message": "Kubelet stopped posting node status."});
    fake.seed(sick);
    planted.insert("Node/node-9".into(), "node not ready");
    planted
}

/// Runs `shipmate diagnose -A --output json` once: wall time, the report, and the process's
/// peak resident memory in KiB.
///
/// The peak is `VmHWM` from the child's own `/proc/PID/status`, sampled every millisecond
/// until it exits (the high-water mark only grows, so the last sample is the peak up to a
/// millisecond before exit). `getrusage(RUSAGE_CHILDREN)` cannot be used here: Linux carries
/// the parent's high-water mark into a child's `ru_maxrss` across fork/exec, and this parent
/// holds the fake server with its 5,000 pods (it reported ~380 MiB for a ~110 MiB process).
fn run(
    bin: &std::path::Path,
    kubeconfig: &std::path::Path,
    state: &std::path::Path,
) -> (Duration, Value, u64) {
    let start = Instant::now();
    let mut child = Command::new(bin)
        .args(["diagnose", "-A", "--output", "json"])
        .env("KUBECONFIG", kubeconfig)
        .env("XDG_STATE_HOME", state)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run shipmate");
    let status_file = format!("/proc/{}/status", child.id());
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        stdout.read_to_end(&mut buf).map(|_| buf)
    });
    let err = std::thread::spawn(move || {
        let mut buf = String::new();
        stderr.read_to_string(&mut buf).map(|_| buf)
    });
    let mut peak_kib = 0;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for shipmate") {
            break status;
        }
        if let Some(hwm) = std::fs::read_to_string(&status_file)
            .ok()
            .and_then(|s| vm_hwm_kib(&s))
        {
            peak_kib = peak_kib.max(hwm);
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    let elapsed = start.elapsed();
    let stdout = out.join().unwrap().expect("read stdout");
    let stderr = err.join().unwrap().expect("read stderr");
    assert!(
        matches!(status.code(), Some(0 | 6)),
        "shipmate failed: {stderr}"
    );
    let report = serde_json::from_slice(&stdout).expect("a JSON report");
    (elapsed, report, peak_kib)
}

/// The `VmHWM:` line of a `/proc/PID/status`, in KiB.
fn vm_hwm_kib(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// The lists `diagnose -A` reads, fetched with a bare HTTP/1.1 client page by page: the
/// fake server's own share of the wall time.
fn fake_alone(fake: &FakeCluster) -> Duration {
    let paths = [
        "/api/v1/pods",
        "/apis/apps/v1/deployments",
        "/apis/apps/v1/replicasets",
        "/api/v1/services",
        "/apis/discovery.k8s.io/v1/endpointslices",
        "/api/v1/events",
    ];
    let addr = fake.url().trim_start_matches("http://").to_owned();
    let start = Instant::now();
    for path in paths {
        let mut token = String::new();
        loop {
            let mut stream = TcpStream::connect(&addr).unwrap();
            let query = if token.is_empty() {
                "limit=500".to_owned()
            } else {
                format!("limit=500&continue={token}")
            };
            write!(
                stream,
                "GET {path}?{query} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
                fake.token()
            )
            .unwrap();
            let mut body = Vec::new();
            stream.read_to_end(&mut body).unwrap();
            let text = String::from_utf8_lossy(&body);
            let json_start = text.find("\r\n\r\n").map_or(0, |i| i + 4);
            let list: Value = serde_json::from_str(&text[json_start..]).unwrap_or(Value::Null);
            match list["metadata"]["continue"].as_str() {
                Some(next) if !next.is_empty() => token = next.to_owned(),
                _ => break,
            }
        }
    }
    start.elapsed()
}

fn main() {
    let o = options();
    let bin = shipmate_e2e::binary();
    let fake = FakeCluster::start();
    fake.set_latency(o.latency);
    let seeding = Instant::now();
    let planted = seed(&fake, &o);
    println!(
        "seeded {} pods, {} Deployments (+ReplicaSets), {} Services (+EndpointSlices) in {NAMESPACES} namespaces, {} problems, in {:.1} s",
        o.apps * o.replicas,
        o.apps,
        o.apps + 2,
        planted.len(),
        seeding.elapsed().as_secs_f64()
    );
    let scratch = tempfile::tempdir().unwrap();
    let kubeconfig = fake.kubeconfig(scratch.path());
    let mut times = Vec::new();
    let mut last = Value::Null;
    let mut rss_kib = 0;
    for _ in 0..o.runs {
        let (t, report, peak) = run(&bin, &kubeconfig, scratch.path());
        times.push(t);
        last = report;
        rss_kib = rss_kib.max(peak);
    }
    times.sort();
    let median = times[times.len() / 2];
    let found: Vec<String> = last["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let o = &f["object"];
            match o["namespace"].as_str() {
                Some(ns) => format!(
                    "{}/{ns}/{}",
                    o["kind"].as_str().unwrap(),
                    o["name"].as_str().unwrap()
                ),
                None => format!(
                    "{}/{}",
                    o["kind"].as_str().unwrap(),
                    o["name"].as_str().unwrap()
                ),
            }
        })
        .collect();
    println!(
        "diagnose -A: median {:.0} ms over {} runs (min {:.0} ms, max {:.0} ms)",
        median.as_secs_f64() * 1000.0,
        times.len(),
        times[0].as_secs_f64() * 1000.0,
        times[times.len() - 1].as_secs_f64() * 1000.0
    );
    println!("findings: {} (planted {})", found.len(), planted.len());
    let missed: Vec<&String> = planted.keys().filter(|k| !found.contains(k)).collect();
    let extra: Vec<&String> = found.iter().filter(|k| !planted.contains_key(*k)).collect();
    for m in &missed {
        println!("  missed: {m} ({})", planted[*m]);
    }
    for e in &extra {
        println!("  not planted: {e}");
    }
    println!("peak RSS of shipmate: {:.1} MiB", rss_kib as f64 / 1024.0);
    println!("skipped kinds: {}", last["skipped"]);
    let alone = fake_alone(&fake);
    println!(
        "fake server alone (pods, deployments, replicasets, services, endpointslices, events lists, sequential): {:.0} ms",
        alone.as_secs_f64() * 1000.0
    );
    if !missed.is_empty() || !extra.is_empty() {
        std::process::exit(1);
    }
}
