use serde_json::json;

use crate::analyze::Severity;
use crate::analyze::fixtures::*;

fn crashing(pod_json: serde_json::Value, exit: i32, reason: &str) -> serde_json::Value {
    container_status(
        pod_json,
        json!({"ready": false, "restartCount": 7,
               "state": {"waiting": {"reason": "CrashLoopBackOff",
                                     "message": "back-off 5m0s restarting failed container=app"}},
               "lastState": {"terminated": {"reason": reason, "exitCode": exit,
                                            "finishedAt": "2026-01-01T00:10:00Z"}}}),
    )
}

#[test]
fn healthy_pods_yield_nothing() {
    let mut objects = healthy_app("shop", "web", 3);
    // Old readiness failures during startup do not make a ready pod unhealthy.
    objects.push(event(
        "Pod",
        "shop",
        "web-7d9f8-00000",
        "Warning",
        "Unhealthy",
        "Readiness probe failed: connection refused",
        2,
    ));
    assert!(run(objects).is_empty());
}

#[test]
fn crash_loops_quote_exit_code_events_and_logs_once_per_workload() {
    let mut objects = healthy_app("shop", "web", 0);
    for i in 0..3 {
        objects.push(crashing(
            deployment_pod("shop", "web", "7d9f8", i),
            1,
            "Error",
        ));
    }
    objects.push(event(
        "Pod",
        "shop",
        "web-7d9f8-00000",
        "Warning",
        "BackOff",
        "Back-off restarting failed container app in pod web-7d9f8-00000",
        12,
    ));
    let s = with_logs(
        snap(objects),
        "shop",
        "web-7d9f8-00000",
        "app",
        "panic: DATABASE_URL is not set",
    );
    assert_eq!(
        s.crashing_containers().len(),
        1,
        "one log per workload and container"
    );
    let f = crate::analyze::analyze(&s);
    let crash = one(&f, "pod.crash-loop");
    let t = text(crash);
    assert_eq!(crash.object.name, "web-7d9f8-00000");
    assert!(
        crash.title.contains("and 2 more pods of Deployment web"),
        "{t}"
    );
    assert!(t.contains("exitCode=1"), "{t}");
    assert!(t.contains("event Warning BackOff (x12)"), "{t}");
    assert!(
        t.contains("logs (previous): panic: DATABASE_URL is not set"),
        "{t}"
    );
    assert!(t.contains("web-7d9f8-00001, web-7d9f8-00002"), "{t}");
}

#[test]
fn image_pull_failures_say_which_kind() {
    let cases = [
        (
            "failed to pull and unpack image \"docker.io/library/ngnix:1.27\": not found",
            "not found",
        ),
        ("pull access denied: 401 Unauthorized", "unauthorized"),
        (
            "dial tcp: lookup registry.internal: no such host",
            "registry unreachable",
        ),
    ];
    for (msg, want) in cases {
        let p = container_status(
            pod("shop", "api", &[("app", "api")]),
            json!({"ready": false, "state": {"waiting": {"reason": "ImagePullBackOff", "message": msg}}}),
        );
        let f = run(vec![p]);
        let hit = one(&f, "pod.image-pull");
        assert!(hit.title.contains(want), "{msg}: {}", hit.title);
        assert!(text(hit).contains(msg));
    }
}

#[test]
fn config_errors_name_the_missing_object_and_key() {
    let p = container_status(
        pod("shop", "api", &[("app", "api")]),
        json!({"ready": false, "state": {"waiting": {"reason": "CreateContainerConfigError",
               "message": "couldn't find key DB_HOST in ConfigMap shop/app-config"}}}),
    );
    let f = run(vec![p]);
    let hit = one(&f, "pod.config-error");
    assert!(
        hit.cause.contains("key DB_HOST of ConfigMap app-config"),
        "{}",
        hit.cause
    );
}

#[test]
fn oom_kills_carry_the_limit_and_a_fix_on_the_deployment() {
    let mut objects = healthy_app("shop", "web", 0);
    objects.push(container_status(
        deployment_pod("shop", "web", "7d9f8", 0),
        json!({"restartCount": 3, "lastState": {"terminated": {"reason": "OOMKilled", "exitCode": 137}}}),
    ));
    let f = run(objects);
    let hit = one(&f, "pod.oom-killed");
    assert!(hit.title.contains("memory limit of 256Mi"), "{}", hit.title);
    let fix = hit.fix.as_ref().expect("a fix");
    let m = &fix.manifests[0];
    assert_eq!(m["kind"], "Deployment");
    assert_eq!(m["metadata"]["name"], "web");
    let c = &m["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["resources"]["limits"]["memory"], "384Mi");
    assert_eq!(c["resources"]["requests"]["memory"], "128Mi");
    assert!(m.get("status").is_none());
    assert!(
        fix.summary.contains("from 256Mi to 384Mi"),
        "{}",
        fix.summary
    );
}

#[test]
fn unschedulable_pods_explain_the_scheduler() {
    let p = with(
        pod("shop", "big", &[]),
        json!({"status": {"phase": "Pending", "containerStatuses": null, "conditions": [
            {"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
             "message": "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod."}
        ]}}),
    );
    let healthy_pending = with(
        pod("shop", "new", &[]),
        json!({"status": {"phase": "Pending", "containerStatuses": null, "conditions": null}}),
    );
    let f = run(vec![p, healthy_pending]);
    let hit = one(&f, "pod.unschedulable");
    assert_eq!(hit.object.name, "big");
    assert!(hit.cause.contains("not enough free cpu"), "{}", hit.cause);
    assert!(hit.cause.contains("app 100m cpu"), "{}", hit.cause);
    assert!(hit.cause.contains("{dedicated: gpu}"), "{}", hit.cause);
}

#[test]
fn failing_readiness_probes_are_reported_while_not_ready() {
    let p = container_status(pod("shop", "api", &[]), json!({"ready": false}));
    let f = run(vec![
        p,
        event(
            "Pod",
            "shop",
            "api",
            "Warning",
            "Unhealthy",
            "Readiness probe failed: HTTP probe failed with statuscode: 503",
            40,
        ),
    ]);
    let hit = one(&f, "pod.readiness-probe");
    assert_eq!(hit.severity, Severity::Warning);
    assert!(text(hit).contains("statuscode: 503"));
}

#[test]
fn liveness_kills_are_named_in_the_crash_loop() {
    let p = crashing(pod("shop", "api", &[]), 137, "Error");
    let f = run(vec![
        p,
        event(
            "Pod",
            "shop",
            "api",
            "Normal",
            "Killing",
            "Container app failed liveness probe, will be restarted",
            5,
        ),
    ]);
    let hit = one(&f, "pod.crash-loop");
    assert!(hit.cause.contains("liveness probe fails"), "{}", hit.cause);
}

#[test]
fn evictions_and_failed_exits_are_reported() {
    let evicted = with(
        pod("shop", "old", &[]),
        json!({"status": {"phase": "Failed", "reason": "Evicted",
               "message": "The node was low on resource: memory."}}),
    );
    let failed = container_status(
        with(
            pod("shop", "task", &[]),
            json!({"status": {"phase": "Failed"}}),
        ),
        json!({"ready": false, "state": {"terminated": {"reason": "Error", "exitCode": 127}}}),
    );
    let succeeded = container_status(
        with(
            pod("shop", "done", &[]),
            json!({"status": {"phase": "Succeeded"}}),
        ),
        json!({"ready": false, "state": {"terminated": {"reason": "Completed", "exitCode": 0}}}),
    );
    let f = run(vec![evicted, failed, succeeded]);
    assert_eq!(ids(&f), ["pod.terminated", "pod.evicted"]);
    assert!(
        one(&f, "pod.terminated")
            .cause
            .contains("not found in the image")
    );
    assert!(text(one(&f, "pod.evicted")).contains("low on resource: memory"));
}

#[test]
fn volumes_that_cannot_be_mounted_are_reported_or_folded() {
    let creating = |name: &str| {
        container_status(
            with(
                pod("shop", name, &[]),
                json!({"status": {"phase": "Pending"}}),
            ),
            json!({"ready": false, "state": {"waiting": {"reason": "ContainerCreating"}}}),
        )
    };
    let f = run(vec![
        creating("db-0"),
        event(
            "Pod",
            "shop",
            "db-0",
            "Warning",
            "FailedAttachVolume",
            "Multi-Attach error for volume \"pvc-1\" Volume is already exclusively attached to one node",
            3,
        ),
        creating("fresh"),
    ]);
    assert_eq!(ids(&f), ["pod.volume-mount"]);
    assert!(text(&f[0]).contains("Multi-Attach"));
    // A missing ConfigMap volume is one finding, where it is referenced.
    let p = with(
        creating("web"),
        json!({"spec": {"volumes": [{"name": "cfg", "configMap": {"name": "nginx-conf"}}]}}),
    );
    let f = run(vec![
        p,
        event(
            "Pod",
            "shop",
            "web",
            "Warning",
            "FailedMount",
            "MountVolume.SetUp failed for volume \"cfg\" : configmap \"nginx-conf\" not found",
            7,
        ),
    ]);
    assert_eq!(ids(&f), ["ref.missing-configmap"]);
    assert!(
        text(&f[0]).contains("MountVolume.SetUp failed"),
        "{}",
        text(&f[0])
    );
}

#[test]
fn restarts_of_the_node_and_retried_job_pods_are_not_problems() {
    let rebooted = container_status(
        pod("shop", "api", &[]),
        json!({"restartCount": 1, "lastState": {"terminated": {"reason": "Unknown", "exitCode": 255}}}),
    );
    let job = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "seed", "namespace": "shop"},
                     "spec": {"template": template("seed")},
                     "status": {"conditions": [{"type": "Complete", "status": "True"}], "failed": 1, "succeeded": 1}});
    let retried = owned_by(
        container_status(
            with(
                pod("shop", "seed-a", &[]),
                json!({"status": {"phase": "Failed"}}),
            ),
            json!({"ready": false, "state": {"terminated": {"reason": "Error", "exitCode": 1}}}),
        ),
        "Job",
        "seed",
    );
    assert!(run(vec![rebooted, job.clone(), retried.clone()]).is_empty());
    // The same pod of a Job that failed is reported.
    let failed_job = with(
        job,
        json!({"status": {"conditions": [{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded"}]}}),
    );
    let f = run(vec![failed_job, retried]);
    assert_eq!(ids(&f), ["job.failed", "pod.terminated"]);
    assert!(f[0].cause.contains("pod.terminated"), "{}", f[0].cause);
}
