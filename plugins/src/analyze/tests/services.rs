use serde_json::{Value, json};

use crate::analyze::Severity;
use crate::analyze::fixtures::*;

fn web_pods(extra: Value) -> Vec<Value> {
    let mut objects = healthy_app("shop", "web", 2);
    for p in objects.iter_mut().skip(2) {
        *p = with(p.clone(), json!({"metadata": {"labels": extra.clone()}}));
    }
    objects
}

#[test]
fn a_service_that_selects_ready_pods_on_declared_ports_is_fine() {
    let mut objects = healthy_app("shop", "web", 2);
    objects.push(service("shop", "web", "web", json!("http")));
    objects.push(service("shop", "web-num", "web", json!(8080)));
    assert!(run(objects).is_empty());
}

#[test]
fn a_selector_one_label_off_names_the_pods_and_fixes_the_selector() {
    let mut objects = web_pods(json!({"tier": "front"}));
    objects.push(with(
        service("shop", "web", "web", json!("http")),
        json!({"metadata": {"uid": "u1", "resourceVersion": "9"},
               "spec": {"selector": {"tier": "frontend"}, "clusterIP": "10.0.0.7"}}),
    ));
    let f = run(objects);
    let hit = one(&f, "service.no-endpoints");
    assert_eq!(hit.severity, Severity::Critical);
    assert!(
        hit.cause.contains("web-7d9f8-00000, web-7d9f8-00001"),
        "{}",
        hit.cause
    );
    assert!(
        hit.cause
            .contains("tier=front where the selector wants tier=frontend"),
        "{}",
        hit.cause
    );
    let fix = hit.fix.as_ref().expect("a fix");
    let m = &fix.manifests[0];
    assert_eq!(
        m["spec"]["selector"],
        json!({"app": "web", "tier": "front"})
    );
    assert!(m["metadata"].get("resourceVersion").is_none());
    assert!(
        fix.summary
            .contains("from app=web,tier=frontend to app=web,tier=front"),
        "{}",
        fix.summary
    );
}

#[test]
fn a_single_label_typo_is_found_by_similarity_only() {
    let mut objects = healthy_app("shop", "web", 1);
    objects.extend(healthy_app("shop", "db", 1));
    objects.push(service("shop", "web", "webb", json!("http")));
    let f = run(objects);
    let hit = one(&f, "service.no-endpoints");
    assert!(
        hit.cause
            .contains("app=web where the selector wants app=webb"),
        "{}",
        hit.cause
    );
    assert!(
        !hit.cause.contains("app=db"),
        "db is not a near miss: {}",
        hit.cause
    );
    assert_eq!(
        hit.fix.as_ref().unwrap().manifests[0]["spec"]["selector"],
        json!({"app": "web"})
    );
}

#[test]
fn pods_in_another_namespace_are_pointed_out() {
    let mut objects = healthy_app("prod", "web", 1);
    objects.push(service("shop", "web", "web", json!("http")));
    let f = run(objects);
    let hit = one(&f, "service.no-endpoints");
    assert!(hit.cause.contains("run in namespace prod"), "{}", hit.cause);
    assert!(hit.fix.is_none());
}

#[test]
fn matching_pods_that_are_not_ready_are_pointed_at() {
    let mut objects = healthy_app("shop", "web", 1);
    objects[2] = container_status(objects[2].clone(), json!({"ready": false}));
    objects.push(event(
        "Pod",
        "shop",
        "web-7d9f8-00000",
        "Warning",
        "Unhealthy",
        "Readiness probe failed: HTTP probe failed with statuscode: 500",
        30,
    ));
    objects.push(service("shop", "web", "web", json!("http")));
    let f = run(objects);
    let hit = one(&f, "service.no-ready-endpoints");
    assert!(hit.cause.contains("pod.readiness-probe"), "{}", hit.cause);
}

#[test]
fn target_ports_the_pods_do_not_expose() {
    let mut objects = healthy_app("shop", "web", 1);
    objects.push(service("shop", "metrics", "web", json!("metrics")));
    objects.push(service("shop", "web", "web", json!(9090)));
    let f = run(objects);
    assert_eq!(ids(&f), ["service.target-port", "service.target-port"]);
    assert_eq!(f[0].severity, Severity::Error);
    assert!(f[0].title.contains("port name metrics"));
    assert_eq!(f[1].severity, Severity::Warning);
    assert!(text(&f[1]).contains("http (8080)"), "{}", text(&f[1]));
}
