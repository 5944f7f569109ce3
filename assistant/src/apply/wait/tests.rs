//! Following rollouts against the fake API server, whose "controller" the tests drive with
//! `set_status` / `complete_rollout`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use shipmate_e2e::fake_kube::FakeCluster;

use super::*;
use crate::cluster::tests::{connect, runtime};

fn workload(kind: &str, name: &str) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": kind,
        "metadata": {"name": name, "namespace": "shop"},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}},
                              "spec": {"containers": [{"name": name, "image": "nginx:1.27"}]}}},
    })
}

fn object(kind: &str, name: &str) -> ObjectRef {
    ObjectRef::of(&workload(kind, name))
}

fn deployment_status(replicas: i64, updated: i64, available: i64) -> Value {
    json!({"observedGeneration": 1, "replicas": replicas, "updatedReplicas": updated,
           "readyReplicas": available, "availableReplicas": available})
}

/// Runs `wait_for_rollouts` on `objects` while `drive` (on another thread) plays the
/// controller, given the progress lines seen so far; returns the result and every line.
fn follow(
    fake: &FakeCluster,
    objects: &[ObjectRef],
    options: WaitOptions,
    drive: impl FnOnce(&dyn Fn(usize)) + Send,
) -> (Result<(), WaitError>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = Arc::clone(&lines);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            // Blocks until at least `n` progress lines have been reported.
            let wait_for = |n: usize| {
                for _ in 0..500 {
                    if seen.lock().unwrap().len() >= n {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
                panic!("no progress line {n}: {:?}", seen.lock().unwrap());
            };
            drive(&wait_for);
        });
        let result = runtime().block_on(async {
            let cluster = connect(fake, dir.path()).await;
            wait_for_rollouts(&cluster, objects, &options, |p| {
                lines.lock().unwrap().push(p.to_string());
            })
            .await
        });
        let lines = lines.lock().unwrap().clone();
        (result, lines)
    })
}

#[test]
fn finished_rollouts_complete_at_once_and_other_kinds_are_not_contacted() {
    let fake = FakeCluster::start();
    fake.seed(vec![
        workload("Deployment", "web"),
        workload("StatefulSet", "db"),
    ]);
    let config = ObjectRef::of(&json!({"apiVersion": "v1", "kind": "ConfigMap",
                                       "metadata": {"name": "c", "namespace": "shop"}}));
    let objects = [
        config,
        object("Deployment", "web"),
        object("StatefulSet", "db"),
    ];
    let (result, lines) = follow(&fake, &objects, WaitOptions::new(), |_| {});
    result.unwrap();
    assert_eq!(
        lines,
        vec![
            "deployment/web: successfully rolled out",
            "statefulset/db: rolled out: 3 pods at revision rev-1"
        ]
    );
    assert!(
        !fake
            .requests()
            .iter()
            .any(|r| r.path.contains("configmaps"))
    );
}

#[test]
fn progress_is_reported_across_states_through_a_watch() {
    let fake = FakeCluster::start();
    fake.complete_rollouts(false);
    fake.seed(workload("Deployment", "web"));
    let objects = [object("Deployment", "web")];
    let (result, lines) = follow(&fake, &objects, WaitOptions::new(), |wait_for| {
        wait_for(1);
        fake.set_status("deploy/shop/web", deployment_status(3, 1, 0));
        wait_for(2);
        fake.set_status("deploy/shop/web", deployment_status(4, 3, 2));
        wait_for(3);
        fake.set_status("deploy/shop/web", deployment_status(3, 3, 2));
        wait_for(4);
        fake.complete_rollout("deploy/shop/web");
    });
    result.unwrap();
    assert_eq!(
        lines,
        vec![
            "deployment/web: waiting for the controller to observe the spec update",
            "deployment/web: 1 of 3 new replicas have been updated",
            "deployment/web: 1 old replicas are pending termination",
            "deployment/web: 2 of 3 updated replicas are available",
            "deployment/web: successfully rolled out",
        ]
    );
    let watches = fake
        .requests()
        .into_iter()
        .filter(|r| r.param("watch").is_some())
        .count();
    assert_eq!(watches, 1, "one watch, no polling: {:?}", fake.requests());
}

#[test]
fn a_stateful_set_and_a_daemon_set_complete_later() {
    let fake = FakeCluster::start();
    fake.complete_rollouts(false);
    fake.seed(vec![
        workload("StatefulSet", "db"),
        workload("DaemonSet", "agent"),
    ]);
    let objects = [object("StatefulSet", "db"), object("DaemonSet", "agent")];
    let (result, lines) = follow(&fake, &objects, WaitOptions::new(), |wait_for| {
        wait_for(1);
        fake.complete_rollout("sts/shop/db");
        wait_for(3);
        fake.complete_rollout("ds/shop/agent");
    });
    result.unwrap();
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert_eq!(lines[3], "daemonset/agent: successfully rolled out");
}

#[test]
fn a_timeout_says_what_was_last_seen_and_how_to_continue() {
    let fake = FakeCluster::start();
    fake.complete_rollouts(false);
    fake.seed(workload("Deployment", "web"));
    fake.set_status("deploy/shop/web", deployment_status(3, 3, 2));
    let options = WaitOptions::new().timeout(Duration::from_millis(300));
    let (result, _) = follow(&fake, &[object("Deployment", "web")], options, |_| {});
    let err = result.unwrap_err();
    assert!(matches!(err, WaitError::TimedOut { .. }));
    let message = err.to_string();
    assert!(message.starts_with("timed out after 0."), "{message}");
    assert!(
        message.ends_with(
            "s waiting for Deployment/web in namespace shop; last seen: 2 of 3 updated replicas \
             are available; the rollout may still finish: follow it with \
             `kubectl rollout status deployment/web -n shop`"
        ),
        "{message}"
    );
}

#[test]
fn a_progress_deadline_is_a_failure() {
    let fake = FakeCluster::start();
    fake.complete_rollouts(false);
    fake.seed(workload("Deployment", "web"));
    let mut status = deployment_status(3, 1, 0);
    status["conditions"] = json!([{"type": "Progressing", "status": "False",
                                   "reason": "ProgressDeadlineExceeded"}]);
    fake.set_status("deploy/shop/web", status);
    let (result, _) = follow(
        &fake,
        &[object("Deployment", "web")],
        WaitOptions::new(),
        |_| {},
    );
    let err = result.unwrap_err();
    assert!(
        err.to_string().starts_with(
            "rollout of Deployment/web in namespace shop failed: exceeded its progress deadline; \
             see `kubectl describe deployment/web -n shop`"
        ),
        "{err}"
    );
}

#[test]
fn setting_the_cancel_flag_stops_waiting() {
    let fake = FakeCluster::start();
    fake.complete_rollouts(false);
    fake.seed(workload("Deployment", "web"));
    let cancel = Arc::new(AtomicBool::new(false));
    let options = WaitOptions::new().cancel(Arc::clone(&cancel));
    let started = std::time::Instant::now();
    let (result, _) = follow(&fake, &[object("Deployment", "web")], options, |wait_for| {
        wait_for(1);
        cancel.store(true, Ordering::SeqCst);
    });
    assert!(started.elapsed() < Duration::from_secs(5));
    let err = result.unwrap_err();
    assert!(matches!(err, WaitError::Cancelled { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("kubectl rollout status deployment/web -n shop")
    );
}
