//! Whole namespaces: a healthy one with every kind yields nothing; a broken one reports its
//! problems most severe first; every fix passes the schema and the constitution's gates the
//! way the pipeline checks proposals.

use serde_json::{Value, json};
use shipmate_manifests::{Constitution, SchemaSet, SchemaVerdict, Severity as GateSeverity};

use crate::analyze::fixtures::*;
use crate::analyze::{Severity, analyze};
use crate::proposal::Status;

fn healthy_namespace() -> Vec<Value> {
    let mut o = healthy_app("shop", "web", 3);
    o[0] = template_container(
        o[0].clone(),
        json!({"env": [{"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "web-config", "key": "MODE"}}}],
               "envFrom": [{"secretRef": {"name": "web-secrets"}}]}),
    );
    o.extend([
        config_map("shop", "web-config", &["MODE"]),
        secret("shop", "web-secrets", &["API_KEY"]),
        secret("shop", "shop-tls", &["tls.crt", "tls.key"]),
        service("shop", "web", "web", json!("http")),
        json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
               "metadata": {"name": "web-abc", "namespace": "shop", "labels": {"kubernetes.io/service-name": "web"}},
               "addressType": "IPv4", "endpoints": [{"addresses": ["10.0.0.1"], "conditions": {"ready": true}}]}),
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
               "metadata": {"name": "nginx"}, "spec": {"controller": "k8s.io/ingress-nginx"}}),
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web", "namespace": "shop"},
               "spec": {"ingressClassName": "nginx", "tls": [{"hosts": ["shop.example.com"], "secretName": "shop-tls"}],
                        "rules": [{"host": "shop.example.com", "http": {"paths": [{"path": "/", "pathType": "Prefix",
                            "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}}),
        json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web", "namespace": "shop"},
               "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "maxReplicas": 6,
                        "metrics": [{"type": "Resource", "resource": {"name": "memory", "target": {"type": "Utilization", "averageUtilization": 80}}}]},
               "status": {"desiredReplicas": 3, "conditions": [{"type": "ScalingActive", "status": "True"}]}}),
        json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "web", "namespace": "shop"},
               "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {"app": "web"}}},
               "status": {"expectedPods": 3, "currentHealthy": 3, "desiredHealthy": 2, "disruptionsAllowed": 1}}),
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "web", "namespace": "shop"},
               "spec": {"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Ingress"]}}),
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "shop"}}),
        json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "provisioner": "csi.example.com",
               "metadata": {"name": "standard", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}}}),
        json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "uploads", "namespace": "shop"},
               "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
               "status": {"phase": "Bound"}}),
        json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "report", "namespace": "shop"},
               "spec": {"schedule": "@daily", "jobTemplate": {"spec": {"template": template("report")}}}}),
        node("node-1"),
        event("Pod", "shop", "web-7d9f8-00001", "Normal", "Pulled", "Successfully pulled image", 1),
    ]);
    o
}

#[test]
fn a_healthy_namespace_has_no_findings() {
    let f = run(healthy_namespace());
    assert!(f.is_empty(), "{f:#?}");
}

fn broken_namespace() -> Vec<Value> {
    let mut o = healthy_namespace();
    // Node down (critical), the Service's selector typo (critical), an OOM-killing pod
    // (error), a budget that allows nothing (warning), a suspended CronJob (info).
    o.push(with(node("node-2"), json!({"status": {"conditions": [{"type": "Ready", "status": "False", "reason": "KubeletNotReady"}]}})));
    o.push(with(
        service("shop", "web-typo", "web", json!("http")),
        json!({"spec": {"selector": {"app": "wbe"}}}),
    ));
    let oom = o
        .iter()
        .position(|v| v["metadata"]["name"] == "web-7d9f8-00002")
        .unwrap();
    o[oom] = container_status(
        o[oom].clone(),
        json!({"restartCount": 2, "lastState": {"terminated": {"reason": "OOMKilled", "exitCode": 137}}}),
    );
    let pdb = o
        .iter()
        .position(|v| v["kind"] == "PodDisruptionBudget")
        .unwrap();
    o[pdb] = with(
        o[pdb].clone(),
        json!({"spec": {"maxUnavailable": 0}, "status": {"disruptionsAllowed": 0}}),
    );
    let cron = o.iter().position(|v| v["kind"] == "CronJob").unwrap();
    o[cron] = with(o[cron].clone(), json!({"spec": {"suspend": true}}));
    o
}

#[test]
fn several_problems_come_most_severe_first() {
    let f = run(broken_namespace());
    let got: Vec<(&str, Severity)> = f.iter().map(|f| (f.id.as_str(), f.severity)).collect();
    assert_eq!(
        got,
        [
            ("node.not-ready", Severity::Critical),
            ("service.no-endpoints", Severity::Critical),
            ("pod.oom-killed", Severity::Error),
            ("pdb.no-disruptions", Severity::Warning),
            ("cronjob.suspended", Severity::Info),
        ]
    );
    let json = serde_json::to_value(&f).unwrap();
    assert_eq!(json[0]["severity"], "critical");
    assert!(json[0]["object"]["namespace"].is_null());
}

/// Every kind of fix the analyzers propose, from one snapshot.
fn fixable() -> Vec<Value> {
    let mut o = broken_namespace();
    // A missing ConfigMap key and a missing ConfigMap read by key.
    let web = o.iter().position(|v| v["kind"] == "Deployment").unwrap();
    o[web] = template_container(
        o[web].clone(),
        json!({"env": [
            {"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "web-config", "key": "MODE"}}},
            {"name": "LEVEL", "valueFrom": {"configMapKeyRef": {"name": "web-config", "key": "LOG_LEVEL"}}},
            {"name": "FLAGS", "valueFrom": {"configMapKeyRef": {"name": "feature-flags", "key": "beta"}}}]}),
    );
    // An autoscaler on cpu while the pods request none.
    let api = template_container(
        deployment("shop", "api", 1),
        json!({"resources": {"requests": {"cpu": null}}}),
    );
    o.push(api);
    o.push(json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "api", "namespace": "shop"},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}, "maxReplicas": 4,
                 "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}}]}}));
    o.push(service("shop", "api", "api", json!("http")));
    o.push(owned_by(
        pod("shop", "api-0", &[("app", "api")]),
        "ReplicaSet",
        "api-5f5",
    ));
    o
}

#[test]
fn every_fix_passes_schema_and_gates() {
    let findings = run(fixable());
    let fixes: Vec<(&str, &crate::proposal::Proposal)> = findings
        .iter()
        .filter_map(|f| f.fix.as_ref().map(|p| (f.id.as_str(), p)))
        .collect();
    let mut kinds: Vec<&str> = fixes.iter().map(|(id, _)| *id).collect();
    kinds.sort_unstable();
    kinds.dedup();
    assert_eq!(
        kinds,
        [
            "hpa.missing-requests",
            "pdb.no-disruptions",
            "pod.oom-killed",
            "ref.missing-configmap",
            "ref.missing-configmap-key",
            "service.no-endpoints"
        ],
        "{findings:#?}"
    );
    let schemas = SchemaSet::bundled();
    let gates = Constitution::builtin();
    for (id, p) in fixes {
        assert_eq!(p.status, Status::Proposed, "{id}");
        assert!(!p.manifests.is_empty() && !p.summary.is_empty(), "{id}");
        for m in &p.manifests {
            let (verdict, errors) = schemas.validate(m);
            assert_eq!(verdict, SchemaVerdict::Valid, "{id}: {errors:?}\n{m:#}");
        }
        let objects: Vec<&Value> = p.manifests.iter().collect();
        for g in gates.check(&objects).into_iter().flatten() {
            assert!(g.severity != GateSeverity::Block, "{id}: {g:?}");
        }
    }
}

#[test]
fn analysis_is_deterministic() {
    let s = snap(fixable());
    assert_eq!(analyze(&s), analyze(&s));
}
