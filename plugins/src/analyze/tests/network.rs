use serde_json::{Value, json};

use crate::analyze::Severity;
use crate::analyze::fixtures::*;

fn ingress(class: Option<&str>, backend: &str, port: Value, tls: Option<&str>) -> Value {
    let mut spec = json!({"rules": [{"host": "shop.example.com", "http": {"paths": [
        {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": backend, "port": port}}}]}}]});
    if let Some(c) = class {
        spec["ingressClassName"] = json!(c);
    }
    if let Some(t) = tls {
        spec["tls"] = json!([{"hosts": ["shop.example.com"], "secretName": t}]);
    }
    json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
           "metadata": {"name": "shop", "namespace": "shop"}, "spec": spec})
}

fn nginx_class(default: bool) -> Value {
    json!({"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
           "metadata": {"name": "nginx", "annotations": {"ingressclass.kubernetes.io/is-default-class": default.to_string()}},
           "spec": {"controller": "k8s.io/ingress-nginx"}})
}

fn shop() -> Vec<Value> {
    let mut objects = healthy_app("shop", "web", 1);
    objects.push(service("shop", "web", "web", json!("http")));
    objects
}

#[test]
fn a_complete_ingress_is_fine() {
    let mut objects = shop();
    objects.push(nginx_class(false));
    objects.push(secret("shop", "shop-tls", &["tls.crt", "tls.key"]));
    objects.push(ingress(
        Some("nginx"),
        "web",
        json!({"number": 80}),
        Some("shop-tls"),
    ));
    assert!(run(objects.clone()).is_empty());
    // No class named, but a default exists; port by name.
    objects.pop();
    let at = objects.len() - 2;
    objects[at] = nginx_class(true);
    objects.push(ingress(
        None,
        "web",
        json!({"name": "http"}),
        Some("shop-tls"),
    ));
    assert!(run(objects).is_empty());
}

#[test]
fn ingress_class_backend_port_and_tls_problems() {
    let mut objects = shop();
    objects.push(nginx_class(false));
    objects.push(secret("shop", "not-tls", &["password"]));
    objects.push(ingress(
        Some("traefik"),
        "web",
        json!({"number": 8080}),
        Some("not-tls"),
    ));
    let f = run(objects.clone());
    assert_eq!(
        ids(&f),
        [
            "ingress.backend-port",
            "ingress.missing-class",
            "ingress.tls-secret"
        ]
    );
    assert!(
        text(&f[0]).contains("web:8080 (the Service has 80 (http))"),
        "{}",
        text(&f[0])
    );
    assert!(f[1].cause.contains("(nginx)"));
    assert!(
        f[2].cause
            .contains("has no tls.crt/tls.key (it has: password)")
    );
    objects.pop();
    objects.push(ingress(None, "api", json!({"number": 80}), Some("gone")));
    let f = run(objects);
    assert_eq!(
        ids(&f),
        [
            "ingress.missing-backend",
            "ingress.tls-secret",
            "ingress.no-class"
        ]
    );
    assert!(f[0].title.contains("api"));
    assert!(f[1].cause.contains("does not exist"));
}

fn pvc(name: &str, class: Option<&str>, phase: &str) -> Value {
    let mut spec =
        json!({"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}});
    if let Some(c) = class {
        spec["storageClassName"] = json!(c);
    }
    json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
           "metadata": {"name": name, "namespace": "db"}, "spec": spec, "status": {"phase": phase}})
}

#[test]
fn pending_claims_say_why() {
    let class = json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                       "metadata": {"name": "standard"}, "provisioner": "csi.example.com",
                       "volumeBindingMode": "WaitForFirstConsumer"});
    // Bound, and pending for its first consumer: fine.
    assert!(
        run(vec![
            class.clone(),
            pvc("a", Some("standard"), "Bound"),
            pvc("b", Some("standard"), "Pending")
        ])
        .is_empty()
    );
    let f = run(vec![
        class,
        pvc("typo", Some("standrad"), "Pending"),
        pvc("none", None, "Pending"),
        pvc("quota", Some("standard"), "Pending"),
        event(
            "PersistentVolumeClaim",
            "db",
            "quota",
            "Warning",
            "ProvisioningFailed",
            "failed to provision volume with StorageClass \"standard\": rpc error: quota exceeded",
            4,
        ),
        pvc("gone", Some("standard"), "Lost"),
    ]);
    assert_eq!(
        ids(&f),
        [
            "pvc.lost",
            "pvc.no-storage-class",
            "pvc.provisioning-failed",
            "pvc.missing-storage-class"
        ]
    );
    assert!(text(&f[2]).contains("quota exceeded"));
    assert!(f[3].cause.contains("(standard)"));
}

fn hpa(target: &str, metric: Value, conditions: Value) -> Value {
    json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
           "metadata": {"name": target, "namespace": "shop"},
           "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target},
                    "minReplicas": 1, "maxReplicas": 5, "metrics": [metric]},
           "status": {"currentReplicas": 1, "desiredReplicas": 1, "conditions": conditions}})
}

fn cpu_utilization() -> Value {
    json!({"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}})
}

#[test]
fn autoscalers_need_a_target_with_requests_and_metrics() {
    let ok = json!([{"type": "AbleToScale", "status": "True"}, {"type": "ScalingActive", "status": "True"}]);
    let mut objects = healthy_app("shop", "web", 1);
    objects.push(hpa("web", cpu_utilization(), ok.clone()));
    assert!(run(objects.clone()).is_empty());

    objects[0] = template_container(
        objects[0].clone(),
        json!({"resources": {"requests": null, "limits": {"cpu": "50m", "memory": "256Mi"}}}),
    );
    let inactive = json!([{"type": "ScalingActive", "status": "False", "reason": "FailedGetResourceMetric",
                           "message": "missing request for cpu in container app"}]);
    objects.pop();
    objects.push(hpa("web", cpu_utilization(), inactive));
    objects.push(hpa("gone", cpu_utilization(), ok));
    let f = run(objects);
    assert_eq!(ids(&f), ["hpa.missing-target", "hpa.missing-requests"]);
    let hit = &f[1];
    assert!(
        text(hit).contains("missing request for cpu"),
        "condition folded in: {}",
        text(hit)
    );
    let fix = hit.fix.as_ref().unwrap();
    assert!(
        fix.manifests[0]["spec"].get("replicas").is_none(),
        "the autoscaler owns the replica count"
    );
    let c = &fix.manifests[0]["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(
        c["resources"]["requests"]["cpu"], "50m",
        "never above the limit"
    );
}

#[test]
fn unreadable_metrics_are_reported() {
    let mut objects = healthy_app("shop", "web", 1);
    objects.push(hpa("web", cpu_utilization(), json!([{"type": "ScalingActive", "status": "False",
        "reason": "FailedGetResourceMetric", "message": "unable to get metrics for resource cpu: no metrics returned from resource metrics API"}])));
    let f = run(objects);
    assert_eq!(ids(&f), ["hpa.metrics-unavailable"]);
    assert_eq!(f[0].severity, Severity::Warning);
}

fn pdb(spec: Value, status: Value) -> Value {
    json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
           "metadata": {"name": "web", "namespace": "shop"},
           "spec": with(json!({"selector": {"matchLabels": {"app": "web"}}}), spec),
           "status": status})
}

fn pdb_status(expected: i32, healthy: i32, desired: i32, allowed: i32) -> Value {
    json!({"expectedPods": expected, "currentHealthy": healthy, "desiredHealthy": desired,
           "disruptionsAllowed": allowed, "observedGeneration": 1})
}

#[test]
fn budgets_that_allow_no_disruption_get_loosened() {
    let mut objects = healthy_app("shop", "web", 3);
    objects.push(pdb(json!({"minAvailable": 2}), pdb_status(3, 3, 2, 1)));
    assert!(run(objects.clone()).is_empty());
    objects.pop();
    objects.push(pdb(json!({"minAvailable": 3}), pdb_status(3, 3, 3, 0)));
    let f = run(objects.clone());
    let hit = one(&f, "pdb.no-disruptions");
    let m = &hit.fix.as_ref().unwrap().manifests[0];
    assert_eq!(m["spec"]["minAvailable"], 2);
    assert!(m.get("status").is_none());
    objects.pop();
    objects.push(pdb(json!({"maxUnavailable": "0%"}), pdb_status(3, 3, 3, 0)));
    let f = run(objects.clone());
    let m = &one(&f, "pdb.no-disruptions")
        .fix
        .as_ref()
        .unwrap()
        .manifests[0];
    assert_eq!(m["spec"]["maxUnavailable"], 1);
    assert!(m["spec"].get("minAvailable").is_none());
    // Unhealthy pods, not the budget: no fix.
    objects.pop();
    objects.push(pdb(json!({"minAvailable": 2}), pdb_status(3, 1, 2, 0)));
    let f = run(objects);
    let hit = one(&f, "pdb.no-disruptions");
    assert!(hit.fix.is_none());
    assert!(hit.title.contains("1 of 3 pods healthy"));
}

#[test]
fn network_policies_that_select_nothing() {
    let np = |sel: Value| {
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
               "metadata": {"name": "web-only", "namespace": "shop"},
               "spec": {"podSelector": sel, "policyTypes": ["Ingress"]}})
    };
    let mut objects = healthy_app("shop", "web", 1);
    objects.push(np(json!({"matchLabels": {"app": "web"}})));
    objects.push(with(
        np(json!({})),
        json!({"metadata": {"name": "default-deny"}}),
    ));
    assert!(run(objects.clone()).is_empty());
    objects.push(with(
        np(json!({"matchLabels": {"app": "wbe"}})),
        json!({"metadata": {"name": "typo"}}),
    ));
    let f = run(objects);
    assert_eq!(ids(&f), ["networkpolicy.selects-nothing"]);
    assert_eq!(f[0].object.name, "typo");
}

#[test]
fn an_autoscaler_without_metrics_scales_on_cpu() {
    let mut objects = healthy_app("shop", "web", 1);
    objects[0] = template_container(
        objects[0].clone(),
        json!({"resources": {"requests": {"cpu": null}}}),
    );
    let mut h = hpa("web", json!({}), json!([]));
    h["spec"]["metrics"] = json!(null);
    objects.push(h);
    assert_eq!(ids(&run(objects)), ["hpa.missing-requests"]);
}

#[test]
fn percentages_round_up_like_the_disruption_controller() {
    let mut objects = healthy_app("shop", "web", 3);
    // 10% of 3 pods rounds up to one pod: disruptions are allowed.
    objects.push(pdb(
        json!({"maxUnavailable": "10%"}),
        pdb_status(3, 3, 2, 1),
    ));
    assert!(run(objects).is_empty());
}

#[test]
fn unlisted_pods_never_make_services_look_empty() {
    let mut s = snap(vec![service("shop", "web", "web", json!("http"))]);
    s.listed.remove(&crate::analyze::Kind::Pod);
    assert!(crate::analyze::analyze(&s).is_empty());
}
