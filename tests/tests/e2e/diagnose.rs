//! `shipmate diagnose` end to end on the fake API server: each representative failure is
//! caught in a broken fixture while its healthy twin in the same namespace is not flagged; a
//! healthy namespace reports nothing (exit 0); several problems come most severe first (exit
//! 6); the JSON report keeps its documented shape; a forbidden kind is skipped, not fatal; a
//! fix goes through the pipeline with --yes and `shipmate undo` restores what was there.

use serde_json::Value;
use shipmate_e2e::fake_kube::fixtures::{
    App, claim_of_missing_class, crash_loop, event, mount_claim, node, pvc, storage_class,
    unschedulable, waiting,
};
use shipmate_e2e::fake_kube::{FakeCluster, Fault};
use shipmate_e2e::{Sandbox, stdout_json};

/// A cluster with one Ready node and the `standard` StorageClass.
fn cluster() -> FakeCluster {
    let fake = FakeCluster::start();
    fake.seed(vec![node("node-0"), storage_class("standard")]);
    fake
}

/// `shipmate diagnose ARGS… --output json`: the exit code and the report.
fn diagnose(sandbox: &Sandbox, fake: &FakeCluster, args: &[&str]) -> (Option<i32>, Value) {
    let mut all = vec!["diagnose", "--output", "json"];
    all.extend_from_slice(args);
    let out = sandbox.run_on(fake, &all);
    (out.status.code(), stdout_json(&out))
}

/// The findings of `report` about `kind`/`name`.
fn about<'r>(report: &'r Value, kind: &str, name: &str) -> Vec<&'r Value> {
    findings(report)
        .into_iter()
        .filter(|f| f["object"]["kind"] == kind && f["object"]["name"] == name)
        .collect()
}

fn findings(report: &Value) -> Vec<&Value> {
    report["findings"].as_array().unwrap().iter().collect()
}

/// Every finding's object as `Kind/name`, for failure messages.
fn objects(report: &Value) -> Vec<String> {
    findings(report)
        .iter()
        .map(|f| {
            format!(
                "{}/{} {}",
                f["object"]["kind"], f["object"]["name"], f["id"]
            )
        })
        .collect()
}

/// The evidence and cause of a finding as one text, for assertions about what it quotes.
fn text_of(finding: &Value) -> String {
    let evidence: Vec<String> = finding["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{}: {}", e["source"], e["text"]))
        .collect();
    format!(
        "{}\n{}\n{}",
        finding["title"],
        finding["cause"],
        evidence.join("\n")
    )
}

/// Asserts that nothing is reported about the healthy app `name` (nor its pods).
fn untouched(report: &Value, name: &str) {
    let flagged: Vec<String> = findings(report)
        .iter()
        .filter(|f| f["object"]["name"].as_str().unwrap().starts_with(name))
        .map(|f| format!("{}", f["id"]))
        .collect();
    assert!(flagged.is_empty(), "healthy {name} flagged: {flagged:?}");
}

#[test]
fn a_healthy_namespace_has_no_findings_and_exits_0() {
    let fake = cluster();
    let sandbox = Sandbox::new();
    App::seed(&fake, "shop", "web", 3, |_, _| {});
    App::seed(&fake, "shop", "api", 2, |_, pod| {
        mount_claim(pod, "api-data")
    });
    fake.seed(pvc("shop", "api-data", Some("standard"), "Bound"));
    let (code, report) = diagnose(&sandbox, &fake, &["-n", "shop"]);
    assert_eq!(
        report["findings"],
        serde_json::json!([]),
        "{:?}",
        objects(&report)
    );
    assert_eq!(code, Some(0));
    assert_eq!(
        report["summary"],
        serde_json::json!({"critical": 0, "error": 0, "warning": 0, "info": 0})
    );
    assert_eq!(report["skipped"], serde_json::json!([]));
    assert_eq!(report["scope"]["namespace"], "shop");
}

#[test]
fn a_crash_loop_is_reported_with_the_previous_log_masked() {
    let fake = cluster();
    let sandbox = Sandbox::new();
    App::seed(&fake, "shop", "web", 2, |_, _| {});
    let log = "starting api\nconnecting to postgres://app:hunter2@db:5432/shop\n\
               panic: database \"shop\" does not exist\n";
    App::seed(&fake, "shop", "api", 1, |_, pod| {
        crash_loop(pod, 1, "Error", 7, log)
    });
    let (code, report) = diagnose(&sandbox, &fake, &["-n", "shop"]);
    assert_eq!(code, Some(6), "{:?}", objects(&report));
    let pod = about(&report, "Pod", "api-7d9c5-0");
    assert_eq!(pod.len(), 1, "{:?}", objects(&report));
    let text = text_of(pod[0]);
    assert!(
        text.contains("does not exist"),
        "the previous log is quoted: {text}"
    );
    assert!(
        text.contains("exit code 1") || text.contains("exitCode 1") || text.contains(": 1"),
        "{text}"
    );
    assert!(!text.contains("hunter2"), "credentials are masked: {text}");
    assert!(
        fake.requests()
            .iter()
            .any(|r| r.path.ends_with("/pods/api-7d9c5-0/log")
                && r.param("previous") == Some("true"))
    );
    untouched(&report, "web");
}

#[test]
fn image_pull_failures_say_not_found() {
    let fake = cluster();
    let sandbox = Sandbox::new();
    App::seed(&fake, "shop", "web", 1, |_, _| {});
    let app = App::seed(&fake, "shop", "api", 1, |_, pod| {
        waiting(
            pod,
            "ImagePullBackOff",
            "Back-off pulling image \"registry.example.com/shop/app:1.4.3\"",
        );
    });
    fake.seed(event(
        &app.pods[0],
        "Warning",
        "Failed",
        "Failed to pull image \"registry.example.com/shop/app:1.4.3\": rpc error: code = NotFound \
         desc = failed to pull and unpack image: registry.example.com/shop/app:1.4.3: not found",
        4,
    ));
    let (code, report) = diagnose(&sandbox, &fake, &["-n", "shop"]);
    assert_eq!(code, Some(6));
    let pod = about(&report, "Pod", "api-7d9c5-0");
    assert_eq!(pod.len(), 1, "{:?}", objects(&report));
    let text = text_of(pod[0]).to_lowercase();
    assert!(
        text.contains("not found") || text.contains("does not exist"),
        "{text}"
    );
    untouched(&report, "web");
}

#[test]
fn an_oom_kill_names_the_limit_and_offers_more_memory() {
    let fake = cluster();
    let sandbox = Sandbox::new();
    App::seed(&fake, "shop", "web", 1, |_, _| {});
    App::seed(&fake, "shop", "api", 1, |_, pod| {
        crash_loop(pod, 137, "OOMKilled", 3, "")
    });
    let (code, report) = diagnose(&sandbox, &fake, &["-n", "shop"]);
    assert_eq!(code, Some(6));
    let oom: Vec<&Value> = findings(&report)
        .into_iter()
        .filter(|f| text_of(f).contains("OOMKilled"))
        .collect();
    assert!(!oom.is_empty(), "{:?}", objects(&report));
    assert!(
        oom.iter().any(|f| text_of(f).contains("256Mi")),
        "the limit is named"
    );
    let fix = oom
        .iter()
        .find_map(|f| f["fix"].as_object())
        .expect("a fix");
    let manifest = serde_json::to_string(&fix["manifests"]).unwrap();
    assert!(manifest.contains("memory"), "{manifest}");
    untouched(&report, "web");
}

#[test]
fn a_service_selector_near_miss_names_the_pods_and_the_label() {
    let fake = cluster();
    let sandbox = Sandbox::new();
    App::seed(&fake, "shop", "web", 2, |_, _| {});
    App::seed(&fake, "shop", "api", 2, tier("frontend"));
    // A second Service for the API whose `tier` differs from the pods'.
    fake.seed(service("api-internal", "backend"));
    let (code, report) = diagnose(&sandbox, &fake, &["-n", "shop"]);
    assert_eq!(code, Some(6));
    let found = about(&report, "Service", "api-internal");
    assert_eq!(found.len(), 1, "{:?}", objects(&report));
    let text = text_of(found[0]);
    assert!(
        text.contains("api-7d9c5-0") && text.contains("tier"),
        "{text}"
    );
    assert!(
        found[0]["fix"].is_object(),
        "a one-label near miss has a fix"
    );
    untouched(&report, "web");
    assert!(
        about(&report, "Service", "api").is_empty(),
        "{:?}",
        objects(&report)
    );
}

/// Labels the app's pods with `tier: VALUE`.
fn tier(value: &'static str) -> impl Fn(usize, &mut Value) {
    move |_, pod| pod["metadata"]["labels"]["tier"] = value.into()
}

/// A Service `name` in `shop` selecting `app=api,tier=TIER` on port 80 → 8080.
fn service(name: &str, tier: &str) -> Value {
    serde_json::json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": name, "namespace": "shop"},
        "spec": {"selector": {"app": "api", "tier": tier}, "ports": [{"port": 80, "targetPort": 8080}]},
    })
}

#[test]
fn a_pending_claim_without_its_storage_class_is_reported() {
    let fake = cluster();
    let sandbox = Sandbox::new();
    App::seed(&fake, "shop", "web", 1, |_, pod| {
        mount_claim(pod, "web-data")
    });
    fake.seed(pvc("shop", "web-data", Some("standard"), "Bound"));
    let app = App::seed(&fake, "shop", "db", 1, |_, pod| {
        mount_claim(pod, "db-data");
        unschedulable(
            pod,
            "0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims.",
        );
    });
    claim_of_missing_class(&fake, "shop", "db-data", "fast-ssd", 12);
    let _ = app;
    let (code, report) = diagnose(&sandbox, &fake, &["-n", "shop"]);
    assert_eq!(code, Some(6));
    let found = about(&report, "PersistentVolumeClaim", "db-data");
    assert!(!found.is_empty(), "{:?}", objects(&report));
    assert!(
        text_of(found[0]).contains("fast-ssd"),
        "{}",
        text_of(found[0])
    );
    assert!(about(&report, "PersistentVolumeClaim", "web-data").is_empty());
    untouched(&report, "web");
}

#[test]
fn several_problems_come_most_severe_first_in_text_and_json() {
    let fake = cluster();
    let sandbox = Sandbox::new();
    App::seed(&fake, "shop", "web", 1, |_, _| {});
    App::seed(&fake, "shop", "api", 1, |_, pod| {
        crash_loop(pod, 1, "Error", 5, "boom\n")
    });
    App::seed(&fake, "shop", "img", 1, |_, pod| {
        waiting(pod, "ImagePullBackOff", "Back-off pulling image");
    });
    fake.seed(pvc("shop", "cache", Some("nope"), "Pending"));
    let (code, report) = diagnose(&sandbox, &fake, &["-n", "shop"]);
    assert_eq!(code, Some(6));
    let rank = |s: &str| {
        ["critical", "error", "warning", "info"]
            .iter()
            .position(|x| *x == s)
    };
    let ranks: Vec<usize> = findings(&report)
        .iter()
        .map(|f| rank(f["severity"].as_str().unwrap()).unwrap())
        .collect();
    assert!(ranks.len() >= 3, "{:?}", objects(&report));
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "ordered: {ranks:?}");
    let summary = &report["summary"];
    let total: u64 = ["critical", "error", "warning", "info"]
        .iter()
        .map(|k| summary[k].as_u64().unwrap())
        .sum();
    assert_eq!(total as usize, ranks.len());

    let out = sandbox.run_on(&fake, &["diagnose", "-n", "shop"]);
    assert_eq!(out.status.code(), Some(6));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("Diagnosis of namespace shop"), "{text}");
    let labels = ["CRITICAL", "ERROR", "WARNING", "INFO"];
    let order: Vec<usize> = text
        .lines()
        .filter_map(|l| labels.iter().position(|s| l.starts_with(s)))
        .collect();
    assert_eq!(order, ranks, "{text}");
    assert!(text.contains("docs: https://kubernetes.io/"), "{text}");
}

#[test]
fn the_json_report_has_the_documented_shape() {
    let fake = cluster();
    let sandbox = Sandbox::new();
    App::seed(&fake, "shop", "api", 1, |_, pod| {
        crash_loop(pod, 2, "Error", 4, "fatal\n")
    });
    let (_, report) = diagnose(&sandbox, &fake, &["-n", "shop"]);
    let keys: Vec<&str> = report
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "version", "scope", "cluster", "summary", "findings", "skipped"
        ]
    );
    assert_eq!(report["version"], 1);
    assert_eq!(report["cluster"]["server"], fake.url());
    assert_eq!(report["cluster"]["context"], "fake");
    assert_eq!(
        report["scope"],
        serde_json::json!({"namespace": "shop", "object": null})
    );
    let f = &report["findings"][0];
    let keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "id", "severity", "object", "title", "cause", "evidence", "docs", "fix"
        ]
    );
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../prompts/diagnose.schema.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for key in [
        "version", "scope", "cluster", "summary", "findings", "skipped",
    ] {
        assert!(required.contains(&key), "{key} is in the schema");
    }
}

#[test]
fn all_namespaces_reads_every_namespace() {
    let fake = cluster();
    let sandbox = Sandbox::new();
    App::seed(&fake, "shop", "api", 1, |_, pod| {
        crash_loop(pod, 1, "Error", 4, "x\n")
    });
    App::seed(&fake, "blog", "cms", 1, |_, pod| {
        crash_loop(pod, 1, "Error", 4, "y\n")
    });
    let (code, report) = diagnose(&sandbox, &fake, &["-A"]);
    assert_eq!(code, Some(6));
    assert_eq!(report["scope"]["namespace"], Value::Null);
    let namespaces: std::collections::BTreeSet<&str> = findings(&report)
        .iter()
        .filter_map(|f| f["object"]["namespace"].as_str())
        .collect();
    assert_eq!(namespaces, ["blog", "shop"].into_iter().collect());
    assert!(
        fake.requests().iter().any(|r| r.path == "/api/v1/pods"),
        "one list for all"
    );
}

#[test]
fn a_forbidden_kind_is_skipped_not_fatal() {
    let fake = cluster();
    let sandbox = Sandbox::new();
    App::seed(&fake, "shop", "web", 1, |_, _| {});
    fake.inject(Fault::status(403).path_contains("/secrets").times(100));
    let (code, report) = diagnose(&sandbox, &fake, &["-n", "shop"]);
    assert_eq!(code, Some(0), "{:?}", objects(&report));
    let skipped = report["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0]["kind"], "secrets");
    assert!(skipped[0]["reason"].as_str().unwrap().contains("403"));
    let out = sandbox.run_on(&fake, &["diagnose", "-n", "shop"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("secrets: forbidden (403)"), "{text}");
}

#[test]
fn one_object_reports_what_concerns_it() {
    let fake = cluster();
    let sandbox = Sandbox::new();
    App::seed(&fake, "shop", "api", 1, |_, pod| {
        crash_loop(pod, 1, "Error", 4, "x\n")
    });
    App::seed(&fake, "shop", "cms", 1, |_, pod| {
        crash_loop(pod, 1, "Error", 4, "y\n")
    });
    let (code, report) = diagnose(&sandbox, &fake, &["deploy/api", "-n", "shop"]);
    assert_eq!(code, Some(6));
    assert_eq!(report["scope"]["object"], "Deployment/api");
    assert!(!findings(&report).is_empty());
    untouched(&report, "cms");

    let out = sandbox.run_on(&fake, &["diagnose", "deploy/nope", "-n", "shop"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no Deployment `nope` in namespace shop") && err.contains("api, cms"),
        "{err}"
    );

    let out = sandbox.run_on(&fake, &["diagnose", "api"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn without_a_cluster_the_error_names_the_kubeconfig() {
    let sandbox = Sandbox::new();
    let out = sandbox
        .shipmate()
        .args(["diagnose", "-n", "shop"])
        .env("KUBECONFIG", sandbox.work().join("missing-kubeconfig"))
        .env("HOME", sandbox.work())
        .env_remove("KUBERNETES_SERVICE_HOST")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("kubeconfig") && err.contains("--kubeconfig"),
        "{err}"
    );

    // A kubeconfig whose server is gone: unreachable, with the context named.
    let fake = FakeCluster::start();
    let config = fake.kubeconfig(&sandbox.work());
    drop(fake);
    let out = sandbox
        .shipmate()
        .args(["diagnose"])
        .env("KUBECONFIG", config)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unreachable") && err.contains("context fake"),
        "{err}"
    );
}

#[test]
fn a_fix_is_applied_with_yes_and_undone() {
    let fake = cluster();
    let sandbox = Sandbox::new();
    App::seed(&fake, "shop", "api", 2, tier("frontend"));
    fake.seed(service("api-public", "backend"));
    let out = sandbox.run_on(&fake, &["diagnose", "-n", "shop", "--fix", "--yes"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(6),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("Fix for"), "{stdout}");
    let fixed = fake.get("svc/shop/api-public").unwrap();
    let pod = fake.get("pod/shop/api-7d9c5-0").unwrap();
    for (key, value) in fixed["spec"]["selector"].as_object().unwrap() {
        assert_eq!(&pod["metadata"]["labels"][key], value, "{fixed}\n{stdout}");
    }
    let entries = sandbox.audit_entries();
    assert!(!entries.is_empty(), "the fix is audited");

    let (code, report) = diagnose(&sandbox, &fake, &["-n", "shop"]);
    assert_eq!(code, Some(0), "fixed: {:?}", objects(&report));

    let out = sandbox.run_on(&fake, &["undo", "--yes"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let restored = fake.get("svc/shop/api-public").unwrap();
    assert_eq!(restored["spec"]["selector"]["tier"], "backend");
    let (code, _) = diagnose(&sandbox, &fake, &["-n", "shop"]);
    assert_eq!(code, Some(6), "the problem is back after undo");
}

#[test]
fn ask_diagnoses_a_troubleshooting_request_when_a_cluster_is_there() {
    let fake = cluster();
    let sandbox = Sandbox::new();
    App::seed(&fake, "shop", "web", 1, |_, _| {});
    App::seed(&fake, "shop", "api", 1, |_, pod| {
        crash_loop(pod, 1, "Error", 6, "panic: missing DATABASE_URL\n");
    });
    let out = sandbox.ask_on(&fake, &["what's wrong in namespace shop?"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.starts_with("Diagnosis of namespace shop"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Pod/api-7d9c5-0 -n shop") && stdout.contains("missing DATABASE_URL"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("kubectl describe"),
        "no commands when the diagnosis ran: {stdout}"
    );

    let out = sandbox.ask_on(
        &fake,
        &["-o", "json", "why is api-7d9c5-0 crashing?", "-n", "shop"],
    );
    let proposal = stdout_json(&out);
    assert_eq!(proposal["status"], "proposed");
    let summary = proposal["summary"].as_str().unwrap();
    assert!(
        summary.starts_with("Diagnosis of Pod/api-7d9c5-0 in namespace shop"),
        "{summary}"
    );
    assert!(
        proposal["actions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["mutating"] == false)
    );

    // Without a cluster: the read-only commands to run, as before.
    let out = sandbox.ask(&[
        "--no-apply",
        "-o",
        "json",
        "what's wrong in namespace shop?",
    ]);
    let proposal = stdout_json(&out);
    assert_eq!(proposal["status"], "proposed", "{proposal}");
    let argv: Vec<String> = proposal["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["argv"].to_string())
        .collect();
    assert!(argv.iter().any(|a| a.contains("\"shop\"")), "{argv:?}");
    assert!(
        !argv.iter().any(|a| a.contains("wrong")),
        "`wrong` is not a name: {argv:?}"
    );
}
