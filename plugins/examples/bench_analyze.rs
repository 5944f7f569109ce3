//! Speed of the offline analyzers alone (no cluster, no I/O): a snapshot of 5,000 pods, 1,000
//! Deployments (with their ReplicaSets), 1,000 Services, 1,000 ConfigMaps and a dozen problems
//! spread over ten namespaces, analyzed `RUNS` times. Prints the snapshot size, the findings
//! and the time per analysis (min and median).
//!
//! ```text
//! cargo run --release -p shipmate-plugins --example bench_analyze [-- RUNS]
//! ```
//!
//! The end-to-end figure (listing from the fake API server, then analyzing) comes from the
//! `diagnose` benchmark; this one isolates the analyzers' share.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use shipmate_plugins::analyze::{Kind, Snapshot, analyze};

const NAMESPACES: usize = 10;
const DEPLOYMENTS: usize = 1000;
const PODS_PER_DEPLOYMENT: usize = 5;

fn parse<T: serde::de::DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("fixture")
}

fn container(i: usize) -> Value {
    json!({"name": "app", "image": format!("registry.example.com/app-{i}:1.0"),
           "ports": [{"name": "http", "containerPort": 8080}],
           "env": [{"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": format!("app-{i}"), "key": "MODE"}}}],
           "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}}})
}

/// Adds Deployment `i` (with ReplicaSet, pods, Service, ConfigMap) to `s`; `broken` picks a
/// problem for it.
fn app(s: &mut Snapshot, i: usize, broken: Option<usize>) {
    let ns = format!("team-{}", i % NAMESPACES);
    let name = format!("app-{i}");
    let hash = "5d8c7";
    let replicas = PODS_PER_DEPLOYMENT;
    let available = if matches!(broken, Some(0 | 1)) {
        0
    } else {
        replicas
    };
    s.deployments.push(parse(json!({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": ns},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [container(i)]}}},
        "status": {"replicas": replicas, "availableReplicas": available, "readyReplicas": available}
    })));
    s.replica_sets.push(parse(json!({
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": format!("{name}-{hash}"), "namespace": ns,
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": name, "uid": "u", "controller": true}]},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}}}
    })));
    for p in 0..replicas {
        let state = match broken {
            Some(0) => json!({"ready": false, "restartCount": 9,
                              "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                              "lastState": {"terminated": {"reason": "Error", "exitCode": 1}}}),
            Some(1) => json!({"ready": false, "state": {"waiting": {"reason": "ImagePullBackOff",
                              "message": "manifest unknown"}}}),
            Some(2) => json!({"ready": true, "restartCount": 3, "state": {"running": {}},
                              "lastState": {"terminated": {"reason": "OOMKilled", "exitCode": 137}}}),
            _ => json!({"ready": true, "restartCount": 0, "state": {"running": {}}}),
        };
        let mut cs = json!({"name": "app", "image": "x", "imageID": ""});
        if let (Some(cs), Some(state)) = (cs.as_object_mut(), state.as_object()) {
            cs.extend(state.clone());
        }
        let ready = cs["ready"].as_bool().unwrap_or(false);
        s.pods.push(parse(json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": format!("{name}-{hash}-{p}"), "namespace": ns,
                         "labels": {"app": name, "pod-template-hash": hash},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": format!("{name}-{hash}"), "uid": "u", "controller": true}]},
            "spec": {"containers": [container(i)]},
            "status": {"phase": "Running", "containerStatuses": [cs],
                       "conditions": [{"type": "Ready", "status": if ready { "True" } else { "False" }}]}
        })));
    }
    let selector = if broken == Some(3) {
        format!("{name}x")
    } else {
        name.clone()
    };
    s.services.push(parse(json!({
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns},
        "spec": {"selector": {"app": selector}, "ports": [{"port": 80, "targetPort": "http"}]}
    })));
    let keys = if broken == Some(4) {
        json!({"OTHER": ""})
    } else {
        json!({"MODE": ""})
    };
    s.config_maps.push(parse(json!({
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": ns}, "data": keys
    })));
}

fn snapshot() -> Snapshot {
    let mut s = Snapshot {
        listed: Kind::ALL.into_iter().collect(),
        ..Snapshot::default()
    };
    // A dozen problems: crash loops, image pulls, OOM kills, selector typos, missing keys.
    let broken: [(usize, usize); 12] = [
        (7, 0),
        (77, 0),
        (777, 0),
        (101, 1),
        (202, 1),
        (303, 2),
        (404, 2),
        (505, 3),
        (606, 3),
        (707, 3),
        (808, 4),
        (909, 4),
    ];
    for i in 0..DEPLOYMENTS {
        let problem = broken.iter().find(|(at, _)| *at == i).map(|(_, p)| *p);
        app(&mut s, i, problem);
    }
    s
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let built = Instant::now();
    let s = snapshot();
    println!(
        "snapshot: {} pods, {} deployments, {} replicasets, {} services, {} configmaps (built in {:.1?})",
        s.pods.len(),
        s.deployments.len(),
        s.replica_sets.len(),
        s.services.len(),
        s.config_maps.len(),
        built.elapsed()
    );
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    let mut findings = Vec::new();
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        findings = analyze(&s);
        times.push(t.elapsed());
    }
    times.sort();
    println!("findings: {}", findings.len());
    for f in &findings {
        println!("  {:8} {:28} {}", f.severity.as_str(), f.id, f.title);
    }
    println!(
        "analyze(): min {:.2?}, median {:.2?} over {} runs",
        times[0],
        times[times.len() / 2],
        times.len()
    );
}
