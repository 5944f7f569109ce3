//! The applier, dry-run and diff against the fake API server.

use serde_json::{Value, json};
use shipmate_e2e::deployment;
use shipmate_e2e::fake_kube::{FakeCluster, Fault};

use super::applier::Applied;
use super::*;
use crate::cluster::tests::{connect, runtime};
use crate::cluster::{ClusterError, FieldConflict};

fn config_map(name: &str, value: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"k": value}})
}

fn service(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
           "spec": {"selector": {"app": name}, "ports": [{"port": 80}]}})
}

#[test]
fn dry_run_sends_dry_run_all_strict_and_stores_nothing() {
    let fake = FakeCluster::start();
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let cluster = connect(&fake, dir.path()).await;
        let plan = [
            deployment("web", 2, "nginx:1.27"),
            config_map("settings", "1"),
        ];
        let runs = dry_run(&cluster, &plan, &ApplyOptions::new()).await;
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0].object.kind, "ConfigMap", "apply order");
        for run in &runs {
            assert!(run.live.is_none());
            let result = run.result.as_ref().unwrap();
            assert_eq!(result["metadata"]["name"], run.object.name.as_str());
            assert_eq!(run.object.namespace.as_deref(), Some("default"));
        }
        assert!(fake.get("deploy/default/web").is_none());
        assert!(fake.get("cm/default/settings").is_none());
        let patches: Vec<_> = fake
            .requests()
            .into_iter()
            .filter(|r| r.method == "PATCH")
            .collect();
        assert_eq!(patches.len(), 2);
        for p in &patches {
            assert_eq!(p.param("dryRun"), Some("All"), "{p}");
            assert_eq!(p.param("fieldManager"), Some("shipmate"), "{p}");
            assert_eq!(p.param("fieldValidation"), Some("Strict"), "{p}");
            assert_eq!(p.param("force"), None, "{p}");
            assert_eq!(
                p.content_type.as_deref(),
                Some("application/apply-patch+yaml")
            );
        }

        // The diff of a new object is the whole object.
        let d = diff(
            runs[1].object.clone(),
            runs[1].live.as_ref(),
            runs[1].result.as_ref().unwrap(),
        );
        assert_eq!(d.kind, DiffKind::New);
        assert!(d.text.contains("+  replicas: 2"), "{}", d.text);
        assert!(!d.text.contains("managedFields"), "{}", d.text);
    });
}

#[test]
fn diff_of_a_changed_object_shows_only_the_changed_field() {
    let fake = FakeCluster::start();
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let cluster = connect(&fake, dir.path()).await;
        // Created by shipmate, so changing it is not a conflict.
        let report = Applier::new(&cluster)
            .apply(&[deployment("web", 2, "nginx:1.27")], &ApplyOptions::new())
            .await;
        assert!(report.is_complete(), "{report}");
        let plan = [deployment("web", 5, "nginx:1.27")];
        let runs = dry_run(&cluster, &plan, &ApplyOptions::new()).await;
        let run = &runs[0];
        let live = run.live.as_ref().expect("live object");
        let d = diff(run.object.clone(), Some(live), run.result.as_ref().unwrap());
        assert_eq!(d.kind, DiffKind::Changed);
        let changes: Vec<&str> = d
            .text
            .lines()
            .filter(|l| {
                (l.starts_with('+') || l.starts_with('-'))
                    && !l.starts_with("+++")
                    && !l.starts_with("---")
            })
            .collect();
        assert_eq!(changes, ["-  replicas: 2", "+  replicas: 5"], "{}", d.text);
        assert!(d.text.starts_with("--- live\n+++ proposed\n"), "{}", d.text);
        assert_eq!(
            fake.get("deploy/default/web").unwrap()["spec"]["replicas"],
            2
        );

        // Same object: unchanged, empty diff.
        let same = diff(run.object.clone(), Some(live), live);
        assert_eq!((same.kind, same.text.as_str()), (DiffKind::Unchanged, ""));
    });
}

#[test]
fn secret_values_are_masked_in_diffs() {
    let object = crate::cluster::ObjectRef::of(&json!({"kind": "Secret"}));
    let live = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "uid": "1"},
                      "data": {"keep": "c2FtZQ==", "rotate": "b2xk"}});
    let new = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "uid": "1"},
                     "data": {"keep": "c2FtZQ==", "rotate": "bmV3", "add": "YWRk"},
                     "stringData": {"plain": "hunter2"}});
    let d = diff(object.clone(), Some(&live), &new);
    for secret in ["c2FtZQ==", "b2xk", "bmV3", "YWRk", "hunter2"] {
        assert!(!d.text.contains(secret), "{secret} leaked:\n{}", d.text);
    }
    assert!(
        d.text.contains("-  rotate: (masked, before change)"),
        "{}",
        d.text
    );
    assert!(
        d.text.contains("+  rotate: (masked, changed)"),
        "{}",
        d.text
    );
    assert!(d.text.contains("+  add: (masked)"), "{}", d.text);
    assert!(d.text.contains("   keep: (masked)"), "{}", d.text);
    let created = diff(object, None, &new);
    assert!(!created.text.contains("hunter2"), "{}", created.text);
}

#[test]
fn apply_creates_then_updates_recording_prior_state() {
    let fake = FakeCluster::start();
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let cluster = connect(&fake, dir.path()).await;
        let applier = Applier::new(&cluster);
        let plan = vec![deployment("web", 2, "nginx:1.27"), service("web")];
        let report = applier.apply(&plan, &ApplyOptions::new()).await;
        assert!(report.is_complete(), "{report}");
        let names: Vec<_> = report
            .applied
            .iter()
            .map(|a| a.object.kind.as_str())
            .collect();
        assert_eq!(names, ["Service", "Deployment"]);
        assert!(report.applied.iter().all(Applied::created));
        let stored = fake.get("deploy/default/web").unwrap();
        assert_eq!(stored["spec"]["replicas"], 2);
        assert_eq!(
            stored["metadata"]["managedFields"][0]["manager"],
            "shipmate"
        );
        assert!(
            fake.requests()
                .iter()
                .filter(|r| r.method == "PATCH")
                .all(|r| r.param("dryRun").is_none() && r.param("fieldManager") == Some("shipmate"))
        );

        let plan = vec![deployment("web", 4, "nginx:1.28")];
        let report = applier.apply(&plan, &ApplyOptions::new()).await;
        assert!(report.is_complete(), "{report}");
        let applied = &report.applied[0];
        assert!(!applied.created());
        let prior = applied.prior.as_ref().unwrap();
        assert_eq!(prior["spec"]["replicas"], 2);
        assert_eq!(applied.result["spec"]["replicas"], 4);
        assert_eq!(
            fake.get("deploy/default/web").unwrap()["spec"]["replicas"],
            4
        );
        assert_eq!(
            report.to_string(),
            "configured: Deployment/web in namespace default\n1 applied, 0 failed, 0 not attempted"
        );

        // A dry-run apply reports the same shape and stores nothing.
        let report = applier
            .apply(
                &[deployment("web", 9, "nginx:1.28")],
                &ApplyOptions::new().dry_run(),
            )
            .await;
        assert!(report.is_complete() && report.dry_run, "{report}");
        assert_eq!(
            fake.get("deploy/default/web").unwrap()["spec"]["replicas"],
            4
        );
    });
}

#[test]
fn conflicts_are_reported_with_manager_and_field_and_forced_only_when_asked() {
    let fake = FakeCluster::start();
    let dir = tempfile::tempdir().unwrap();
    fake.seed(deployment("web", 2, "nginx:1.27"));
    runtime().block_on(async {
        let cluster = connect(&fake, dir.path()).await;
        let applier = Applier::new(&cluster);
        let plan = [deployment("web", 5, "nginx:1.27")];
        let report = applier.apply(&plan, &ApplyOptions::new()).await;
        assert!(report.applied.is_empty());
        assert_eq!(report.failed.len(), 1, "{report}");
        let failed = &report.failed[0];
        let ClusterError::Conflict { conflicts, .. } = &failed.error else {
            panic!("expected a conflict, got {}", failed.error)
        };
        assert!(
            conflicts.contains(&FieldConflict {
                manager: "fake-kube-seed".into(),
                field: ".spec.replicas".into()
            }),
            "{conflicts:?}"
        );
        let msg = failed.error.to_string();
        assert!(
            msg.contains(".spec.replicas (owned by \"fake-kube-seed\")") && msg.contains("--force"),
            "{msg}"
        );
        assert!(fake.requests().iter().all(|r| r.param("force").is_none()));
        assert_eq!(
            fake.get("deploy/default/web").unwrap()["spec"]["replicas"],
            2
        );

        let report = applier.apply(&plan, &ApplyOptions::new().force(true)).await;
        assert!(report.is_complete(), "{report}");
        assert_eq!(
            fake.get("deploy/default/web").unwrap()["spec"]["replicas"],
            5
        );
        assert!(
            fake.requests()
                .iter()
                .any(|r| r.param("force") == Some("true"))
        );
    });
}

#[test]
fn forbidden_on_the_second_object_stops_there() {
    let fake = FakeCluster::start();
    let dir = tempfile::tempdir().unwrap();
    fake.seed(config_map("settings", "old"));
    runtime().block_on(async {
        let cluster = connect(&fake, dir.path()).await;
        fake.inject(Fault::status(403).method("PATCH").path_contains("/services/"));
        let plan = vec![
            deployment("web", 2, "nginx:1.27"),
            service("web"),
            json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web"},
                   "spec": {"rules": [{"host": "web.example"}]}}),
            config_map("settings", "new"),
        ];
        let report = Applier::new(&cluster)
            .apply(&plan, &ApplyOptions::new().force(true))
            .await;
        assert_eq!(report.applied.len(), 1, "{report}");
        assert_eq!(report.applied[0].object.name, "settings");
        assert_eq!(
            report.applied[0].prior.as_ref().unwrap()["data"]["k"],
            "old",
            "prior state recorded for undo"
        );
        assert_eq!(report.failed.len(), 1, "{report}");
        let failed = &report.failed[0];
        assert_eq!(failed.object.kind, "Service");
        assert_eq!(
            failed.error.to_string(),
            "forbidden (403) on Service/web in namespace default: your account lacks patch on services in namespace default"
        );
        assert!(failed.error.manual_reason().is_some());
        let rest: Vec<_> = report.not_attempted.iter().map(|o| o.kind.as_str()).collect();
        assert_eq!(rest, ["Deployment", "Ingress"]);
        assert!(fake.get("deploy/default/web").is_none());
        assert!(fake.get("ingress/default/web").is_none());
        assert!(
            !fake.requests().iter().any(|r| r.path.contains("deployments")
                || r.path.contains("ingresses/web")),
            "nothing is sent after the failure"
        );
        assert!(report.to_string().ends_with("1 applied, 1 failed, 2 not attempted"));
    });
}

#[test]
fn server_going_away_mid_apply_gives_a_clear_report() {
    let fake = FakeCluster::start();
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let cluster = connect(&fake, dir.path()).await;
        // Warm the discovery cache so the request count below is exact: per object a GET and
        // a PATCH.
        for (v, k) in [
            ("v1", "ConfigMap"),
            ("v1", "Service"),
            ("apps/v1", "Deployment"),
        ] {
            cluster.resource(v, k).await.unwrap();
        }
        fake.inject(Fault::go_away_after(3));
        let plan = vec![
            config_map("a", "1"),
            service("web"),
            deployment("web", 1, "nginx"),
        ];
        let report = Applier::new(&cluster)
            .apply(&plan, &ApplyOptions::new())
            .await;
        assert_eq!(report.applied.len(), 1, "{report}");
        assert_eq!(report.failed.len(), 1, "{report}");
        let failed = &report.failed[0];
        assert_eq!(failed.object.kind, "Service");
        let msg = failed.error.to_string();
        assert!(
            matches!(failed.error, ClusterError::Unreachable { .. })
                && msg.starts_with(&format!("cluster unreachable at {}", fake.url())),
            "{msg}"
        );
        assert!(
            failed.outcome_unknown,
            "the PATCH was sent; its fate is unknown"
        );
        assert!(failed.prior.is_none(), "the Service did not exist before");
        assert!(
            report
                .to_string()
                .contains("whether the server applied it is unknown")
        );
        assert_eq!(report.not_attempted.len(), 1);
        assert_eq!(report.not_attempted[0].kind, "Deployment");
        assert_eq!(
            report.not_attempted[0].namespace.as_deref(),
            Some("default"),
            "scope known from the warmed lookup"
        );
    });
}

#[test]
fn a_tier_is_applied_concurrently_and_a_failure_stops_launching() {
    let fake = FakeCluster::start();
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let cluster = connect(&fake, dir.path()).await;
        let applier = Applier::new(&cluster);
        let mut plan: Vec<Value> = (0..20)
            .map(|i| config_map(&format!("cm-{i:02}"), "v"))
            .collect();
        plan.push(deployment("web", 1, "nginx"));
        let report = applier
            .apply(&plan, &ApplyOptions::new().concurrency(4))
            .await;
        assert!(report.is_complete(), "{report}");
        let names: Vec<_> = report
            .applied
            .iter()
            .map(|a| a.object.name.clone())
            .collect();
        let mut want: Vec<_> = (0..20).map(|i| format!("cm-{i:02}")).collect();
        want.push("web".into());
        assert_eq!(names, want, "reported in plan order");
        assert_eq!(fake.list("configmaps").len(), 20);

        let plan: Vec<Value> = (0..20)
            .map(|i| config_map(&format!("new-{i:02}"), "v"))
            .chain([deployment("api", 1, "api:1")])
            .collect();
        fake.inject(Fault::status(403).method("PATCH").path_contains("/new-05"));
        let report = applier
            .apply(&plan, &ApplyOptions::new().concurrency(4))
            .await;
        assert_eq!(report.failed.len(), 1, "{report}");
        assert_eq!(report.failed[0].object.name, "new-05");
        assert!(!report.failed[0].outcome_unknown);
        // Everything launched before it (new-00..04) finishes and is reported; nothing is
        // launched once its failure is seen, and the next tier never starts.
        assert!((5..20).contains(&report.applied.len()), "{report}");
        assert_eq!(
            report.applied.len() + report.failed.len() + report.not_attempted.len(),
            21
        );
        assert_eq!(report.not_attempted.last().unwrap().kind, "Deployment");
        assert!(fake.get("deploy/default/api").is_none());
    });
}

#[test]
fn dry_run_of_objects_in_a_namespace_the_plan_creates_is_not_a_failure() {
    let fake = FakeCluster::start();
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let cluster = connect(&fake, dir.path()).await;
        let mut cm = config_map("settings", "1");
        cm["metadata"]["namespace"] = json!("shop");
        let mut stray = config_map("stray", "1");
        stray["metadata"]["namespace"] = json!("nowhere");
        let crd = json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "widgets.example.com"},
            "spec": {"group": "example.com", "scope": "Namespaced",
                     "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
                     "versions": [{"name": "v1", "served": true, "storage": true,
                                   "schema": {"openAPIV3Schema": {"type": "object"}}}]}});
        let widget = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}});
        let plan = [
            cm,
            stray,
            widget,
            crd,
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
        ];
        let runs = dry_run(&cluster, &plan, &ApplyOptions::new()).await;
        let by_name = |n: &str| runs.iter().find(|r| r.object.name == n).unwrap();
        let settings = by_name("settings");
        assert!(!settings.server_checked);
        assert_eq!(settings.result.as_ref().unwrap()["metadata"]["namespace"], "shop");
        let w = by_name("w");
        assert!(!w.server_checked && w.result.is_ok(), "{:?}", w.result);
        let stray = by_name("stray");
        assert!(stray.server_checked);
        let err = stray.result.as_ref().unwrap_err();
        assert!(err.to_string().contains("404"), "{err}");
        assert!(by_name("shop").server_checked && by_name("shop").result.is_ok());
        assert!(fake.get("namespace/shop").is_none());

        // The real apply creates them in order: namespace and CRD first.
        let report = Applier::new(&cluster).apply(&plan[..1], &ApplyOptions::new()).await;
        assert!(!report.is_complete(), "no namespace yet: {report}");
        let report = Applier::new(&cluster)
            .apply(&[plan[0].clone(), plan[2].clone(), plan[3].clone(), plan[4].clone()], &ApplyOptions::new())
            .await;
        assert!(report.is_complete(), "{report}");
        assert!(fake.get("configmap/shop/settings").is_some());
        assert!(fake.get("widget/default/w").is_some());
    });
}

#[test]
fn a_cancelled_apply_sends_nothing_more_and_says_so() {
    let fake = FakeCluster::start();
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let cluster = connect(&fake, dir.path()).await;
        let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let plan = [config_map("a", "1"), service("web")];
        let report = Applier::new(&cluster)
            .apply(&plan, &ApplyOptions::new().cancel_on(flag))
            .await;
        assert!(report.cancelled && report.applied.is_empty() && report.failed.is_empty());
        assert_eq!(report.not_attempted.len(), 2);
        assert!(!report.is_complete());
        assert!(
            report
                .to_string()
                .contains("cancelled: nothing more was sent"),
            "{report}"
        );
        assert!(fake.requests().iter().all(|r| r.method == "GET"));
    });
}

/// Wall time of 200 objects, sequential vs the default concurrency (run with `--ignored
/// --nocapture`; the fake serves each connection on its own thread).
#[test]
#[ignore = "timing, not a check"]
fn timing_200_objects() {
    let fake = FakeCluster::start();
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let cluster = connect(&fake, dir.path()).await;
        for (label, opts, prefix) in [
            ("sequential", ApplyOptions::new().concurrency(1), "seq"),
            ("concurrency 8", ApplyOptions::new(), "par"),
        ] {
            let plan: Vec<Value> = (0..100)
                .flat_map(|i| {
                    [
                        config_map(&format!("{prefix}-{i}"), "v"),
                        deployment(&format!("{prefix}-{i}"), 1, "nginx"),
                    ]
                })
                .collect();
            let start = std::time::Instant::now();
            let report = Applier::new(&cluster).apply(&plan, &opts).await;
            assert!(report.is_complete(), "{report}");
            eprintln!("{label}: {:?} for {} objects", start.elapsed(), plan.len());
        }
    });
}
