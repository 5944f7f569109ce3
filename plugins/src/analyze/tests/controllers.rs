use serde_json::json;

use crate::analyze::Severity;
use crate::analyze::fixtures::*;

#[test]
fn a_quota_refusal_is_reported_on_the_replicaset_and_pointed_at() {
    let mut objects = healthy_app("shop", "web", 0);
    objects[0] = with(
        deployment("shop", "web", 2),
        json!({"status": {"availableReplicas": 0, "readyReplicas": 0}}),
    );
    objects[1] = with(
        replica_set("shop", "web", "7d9f8", 2),
        json!({"status": {"conditions": [{"type": "ReplicaFailure", "status": "True", "reason": "FailedCreate",
               "message": "pods \"web-7d9f8-x\" is forbidden: exceeded quota: compute, requested: limits.cpu=500m, used: limits.cpu=2, limited: limits.cpu=2"}]}}),
    );
    let f = run(objects);
    assert_eq!(
        ids(&f),
        ["deployment.unavailable", "replicaset.failed-create"]
    );
    assert_eq!(f[0].severity, Severity::Critical);
    assert!(
        f[0].cause.contains("replicaset.failed-create"),
        "{}",
        f[0].cause
    );
    assert!(f[1].cause.contains("ResourceQuota"), "{}", f[1].cause);
    assert!(text(&f[1]).contains("exceeded quota: compute"));
}

#[test]
fn pod_security_and_webhook_refusals_are_told_apart() {
    for (msg, want) in [
        (
            "pods \"x\" is forbidden: violates PodSecurity \"restricted:latest\": privileged",
            "Pod Security",
        ),
        (
            "admission webhook \"validation.gatekeeper.sh\" denied the request: [required-labels]",
            "admission webhook",
        ),
    ] {
        let rs = replica_set("shop", "web", "7d9f8", 1);
        let f = run(vec![
            rs,
            event(
                "ReplicaSet",
                "shop",
                "web-7d9f8",
                "Warning",
                "FailedCreate",
                &format!("Error creating: {msg}"),
                9,
            ),
        ]);
        assert!(
            one(&f, "replicaset.failed-create").cause.contains(want),
            "{msg}"
        );
    }
}

#[test]
fn deployments_stuck_paused_or_crashing_are_reported_once() {
    let stuck = with(
        deployment("shop", "api", 2),
        json!({"spec": {"paused": true}, "status": {"availableReplicas": 1, "conditions": [
            {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
             "message": "ReplicaSet \"api-5c4\" has timed out progressing."}]}}),
    );
    let f = run(vec![stuck]);
    assert_eq!(
        ids(&f),
        ["deployment.progress-deadline", "deployment.paused"]
    );
    assert!(
        text(&f[0]).contains("1 of 2 replicas available"),
        "folded: {}",
        text(&f[0])
    );
    // A rollout in progress with nothing failing is not a problem.
    let rolling = with(
        deployment("shop", "api", 3),
        json!({"status": {"availableReplicas": 2, "conditions": [
            {"type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated"}]}}),
    );
    assert!(run(vec![rolling]).is_empty());
}

#[test]
fn a_deployment_of_crashing_pods_points_at_them() {
    let mut objects = healthy_app("shop", "web", 1);
    objects[0] = with(
        objects[0].clone(),
        json!({"status": {"availableReplicas": 0}}),
    );
    objects[2] = container_status(
        objects[2].clone(),
        json!({"ready": false, "restartCount": 4, "state": {"waiting": {"reason": "CrashLoopBackOff"}},
               "lastState": {"terminated": {"exitCode": 2, "reason": "Error"}}}),
    );
    // The Service in front goes dark for the same cause: its impact joins the Deployment's
    // finding instead of a third finding.
    objects.push(service("shop", "web", "web", json!("http")));
    let f = run(objects);
    assert_eq!(ids(&f), ["deployment.unavailable", "pod.crash-loop"]);
    assert!(
        text(&f[0]).contains("Service web: no ready endpoints"),
        "{}",
        text(&f[0])
    );
    assert!(f[0].cause.contains("pod.crash-loop"), "{}", f[0].cause);
    assert!(
        !f[0].cause.contains("exit code 2"),
        "not repeated: {}",
        f[0].cause
    );
}

fn stateful(ns: &str, name: &str) -> serde_json::Value {
    json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": name, "namespace": ns},
        "spec": {"replicas": 1, "serviceName": name, "selector": {"matchLabels": {"app": name}},
                 "template": template(name),
                 "volumeClaimTemplates": [{"metadata": {"name": "data"},
                     "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "fast",
                              "resources": {"requests": {"storage": "1Gi"}}}}]},
        "status": {"replicas": 1, "readyReplicas": 1, "currentRevision": "r1", "updateRevision": "r1"}
    })
}

#[test]
fn statefulsets_need_their_service_and_storage_class() {
    let class = json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                       "metadata": {"name": "fast"}, "provisioner": "csi.example.com"});
    let svc = with(
        service("db", "pg", "pg", json!("http")),
        json!({"spec": {"clusterIP": "None"}}),
    );
    let pg0 = owned_by(pod("db", "pg-0", &[("app", "pg")]), "StatefulSet", "pg");
    assert!(run(vec![stateful("db", "pg"), class.clone(), svc, pg0]).is_empty());
    let f = run(vec![stateful("db", "pg")]);
    assert_eq!(
        ids(&f),
        ["statefulset.missing-service", "statefulset.storage-class"]
    );
    assert!(
        f[1].title
            .contains("StorageClass fast, which does not exist")
    );
}

#[test]
fn daemonsets_unavailable_and_misscheduled() {
    let ds = |status: serde_json::Value| {
        json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
               "metadata": {"name": "agent", "namespace": "ops"},
               "spec": {"selector": {"matchLabels": {"app": "agent"}}, "template": template("agent")},
               "status": status})
    };
    let healthy = ds(
        json!({"currentNumberScheduled": 3, "desiredNumberScheduled": 3, "numberMisscheduled": 0,
                            "numberReady": 3, "numberAvailable": 3, "updatedNumberScheduled": 3}),
    );
    assert!(run(vec![healthy]).is_empty());
    let sick = ds(
        json!({"currentNumberScheduled": 3, "desiredNumberScheduled": 3, "numberMisscheduled": 1,
                         "numberReady": 1, "numberAvailable": 1, "numberUnavailable": 2, "updatedNumberScheduled": 3}),
    );
    let f = run(vec![sick]);
    assert_eq!(ids(&f), ["daemonset.misscheduled", "daemonset.unavailable"]);
}
