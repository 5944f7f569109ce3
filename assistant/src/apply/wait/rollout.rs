//! Whether a workload's rollout is done, read from the object alone, with the rules of
//! `kubectl rollout status` (kubectl's `polymorphichelpers/rollout_status.go`):
//!
//! - **Deployment**: the controller has observed the latest spec
//!   (`status.observedGeneration >= metadata.generation`), every desired replica is updated
//!   (`updatedReplicas >= spec.replicas`), no old replica is left (`replicas <= updatedReplicas`)
//!   and every updated replica is available (`availableReplicas >= updatedReplicas`). A
//!   `Progressing` condition with reason `ProgressDeadlineExceeded` is a failure.
//! - **StatefulSet** (`RollingUpdate` only): observed (`observedGeneration` set and
//!   `>= generation`), `readyReplicas >= spec.replicas`, then with `rollingUpdate` given,
//!   `updatedReplicas >= spec.replicas - partition`; without it,
//!   `updateRevision == currentRevision`.
//! - **DaemonSet** (`RollingUpdate` only): observed, `updatedNumberScheduled` and
//!   `numberAvailable` both `>= desiredNumberScheduled`.
//!
//! `OnDelete` workloads have no rollout to follow (kubectl refuses); they count as done.
//! Absent counters are 0 and an absent `spec.replicas` is 1, as the API server defaults it.

use serde_json::Value;

/// Where a rollout stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rollout {
    /// Still rolling out; what it is waiting for (`2 of 3 updated replicas are available`).
    Progressing(String),
    /// Finished; how (`successfully rolled out`).
    Done(String),
    /// Will not finish by waiting (`exceeded its progress deadline`).
    Failed(String),
}

/// Whether `kind` (of `apps/v1`) has a rollout to follow.
pub fn is_followed(api_version: &str, kind: &str) -> bool {
    api_version == "apps/v1" && matches!(kind, "Deployment" | "StatefulSet" | "DaemonSet")
}

/// The rollout state of `object`, a Deployment, StatefulSet or DaemonSet as the server returns
/// it; other kinds are [`Rollout::Done`].
pub fn rollout_status(object: &Value) -> Rollout {
    match object["kind"].as_str() {
        Some("Deployment") => deployment(object),
        Some("StatefulSet") => stateful_set(object),
        Some("DaemonSet") => daemon_set(object),
        _ => Rollout::Done("ready".into()),
    }
}

fn int(object: &Value, pointer: &str) -> i64 {
    object.pointer(pointer).and_then(Value::as_i64).unwrap_or(0)
}

fn desired_replicas(object: &Value) -> i64 {
    object
        .pointer("/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(1)
}

/// Whether the controller has seen the latest spec.
fn observed(object: &Value) -> bool {
    let observed = int(object, "/status/observedGeneration");
    observed > 0 && observed >= int(object, "/metadata/generation")
}

const NOT_OBSERVED: &str = "waiting for the controller to observe the spec update";

fn deployment(d: &Value) -> Rollout {
    if !observed(d) {
        return Rollout::Progressing(NOT_OBSERVED.into());
    }
    let deadline_exceeded = d["status"]["conditions"].as_array().is_some_and(|c| {
        c.iter()
            .any(|c| c["type"] == "Progressing" && c["reason"] == "ProgressDeadlineExceeded")
    });
    if deadline_exceeded {
        return Rollout::Failed("exceeded its progress deadline".into());
    }
    let desired = desired_replicas(d);
    let replicas = int(d, "/status/replicas");
    let updated = int(d, "/status/updatedReplicas");
    let available = int(d, "/status/availableReplicas");
    if updated < desired {
        Rollout::Progressing(format!(
            "{updated} of {desired} new replicas have been updated"
        ))
    } else if replicas > updated {
        Rollout::Progressing(format!(
            "{} old replicas are pending termination",
            replicas - updated
        ))
    } else if available < updated {
        Rollout::Progressing(format!(
            "{available} of {updated} updated replicas are available"
        ))
    } else {
        Rollout::Done("successfully rolled out".into())
    }
}

/// `OnDelete` (or another strategy): nothing to follow.
fn not_rolling_update(object: &Value) -> Option<Rollout> {
    let strategy = object["spec"]["updateStrategy"]["type"]
        .as_str()
        .unwrap_or("RollingUpdate");
    (strategy != "RollingUpdate").then(|| {
        Rollout::Done(format!(
            "not followed: update strategy {strategy} replaces pods only when they are deleted"
        ))
    })
}

fn stateful_set(s: &Value) -> Rollout {
    if let Some(done) = not_rolling_update(s) {
        return done;
    }
    if !observed(s) {
        return Rollout::Progressing(NOT_OBSERVED.into());
    }
    let desired = desired_replicas(s);
    let ready = int(s, "/status/readyReplicas");
    let updated = int(s, "/status/updatedReplicas");
    if ready < desired {
        return Rollout::Progressing(format!("{ready} of {desired} pods are ready"));
    }
    if s["spec"]["updateStrategy"]["rollingUpdate"].is_object() {
        let partition = int(s, "/spec/updateStrategy/rollingUpdate/partition");
        let wanted = desired - partition;
        return if updated < wanted {
            Rollout::Progressing(format!("{updated} of {wanted} new pods have been updated"))
        } else {
            Rollout::Done(format!("rolled out: {updated} new pods"))
        };
    }
    let revision = s["status"]["updateRevision"].as_str().unwrap_or_default();
    if revision != s["status"]["currentRevision"].as_str().unwrap_or_default() {
        Rollout::Progressing(format!("{updated} pods at the new revision {revision}"))
    } else {
        Rollout::Done(format!("rolled out: {desired} pods at revision {revision}"))
    }
}

fn daemon_set(d: &Value) -> Rollout {
    if let Some(done) = not_rolling_update(d) {
        return done;
    }
    if !observed(d) {
        return Rollout::Progressing(NOT_OBSERVED.into());
    }
    let desired = int(d, "/status/desiredNumberScheduled");
    let updated = int(d, "/status/updatedNumberScheduled");
    let available = int(d, "/status/numberAvailable");
    if updated < desired {
        Rollout::Progressing(format!("{updated} of {desired} new pods have been updated"))
    } else if available < desired {
        Rollout::Progressing(format!(
            "{available} of {desired} updated pods are available"
        ))
    } else {
        Rollout::Done("successfully rolled out".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deploy(generation: i64, status: Value) -> Value {
        json!({"kind": "Deployment", "metadata": {"generation": generation},
               "spec": {"replicas": 3}, "status": status})
    }

    #[test]
    fn deployment_states_in_order() {
        let p = |s: &str| Rollout::Progressing(s.into());
        assert_eq!(
            rollout_status(&deploy(2, json!({"observedGeneration": 1}))),
            p(NOT_OBSERVED)
        );
        let status = |replicas, updated, available| {
            deploy(
                2,
                json!({"observedGeneration": 2, "replicas": replicas,
                             "updatedReplicas": updated, "availableReplicas": available}),
            )
        };
        assert_eq!(
            rollout_status(&status(3, 1, 1)),
            p("1 of 3 new replicas have been updated")
        );
        assert_eq!(
            rollout_status(&status(5, 3, 3)),
            p("2 old replicas are pending termination")
        );
        assert_eq!(
            rollout_status(&status(3, 3, 2)),
            p("2 of 3 updated replicas are available")
        );
        assert!(matches!(rollout_status(&status(3, 3, 3)), Rollout::Done(_)));
        let stuck = deploy(
            2,
            json!({"observedGeneration": 2, "conditions": [
            {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"}]}),
        );
        assert!(matches!(rollout_status(&stuck), Rollout::Failed(_)));
    }

    #[test]
    fn stateful_set_partition_and_revisions() {
        let sts = |strategy: Value, status: Value| {
            json!({"kind": "StatefulSet", "metadata": {"generation": 1},
                   "spec": {"replicas": 4, "updateStrategy": strategy}, "status": status})
        };
        let partitioned = json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 2}});
        let ready = |updated| json!({"observedGeneration": 1, "readyReplicas": 4, "updatedReplicas": updated});
        assert_eq!(
            rollout_status(&sts(
                partitioned.clone(),
                json!({"observedGeneration": 1, "readyReplicas": 3})
            )),
            Rollout::Progressing("3 of 4 pods are ready".into())
        );
        assert_eq!(
            rollout_status(&sts(partitioned.clone(), ready(1))),
            Rollout::Progressing("1 of 2 new pods have been updated".into())
        );
        assert!(matches!(
            rollout_status(&sts(partitioned, ready(2))),
            Rollout::Done(_)
        ));
        let revisions = |current: &str| {
            json!({"observedGeneration": 1, "readyReplicas": 4, "updatedReplicas": 2,
                   "currentRevision": current, "updateRevision": "web-2"})
        };
        let rolling = json!({"type": "RollingUpdate"});
        assert!(matches!(
            rollout_status(&sts(rolling.clone(), revisions("web-1"))),
            Rollout::Progressing(_)
        ));
        assert!(matches!(
            rollout_status(&sts(rolling, revisions("web-2"))),
            Rollout::Done(_)
        ));
        let on_delete = sts(json!({"type": "OnDelete"}), json!({}));
        assert!(matches!(rollout_status(&on_delete), Rollout::Done(m) if m.contains("OnDelete")));
    }

    #[test]
    fn daemon_set_states() {
        let ds = |updated, available| {
            json!({"kind": "DaemonSet", "metadata": {"generation": 3},
                   "status": {"observedGeneration": 3, "desiredNumberScheduled": 2,
                              "updatedNumberScheduled": updated, "numberAvailable": available}})
        };
        assert_eq!(
            rollout_status(&ds(1, 1)),
            Rollout::Progressing("1 of 2 new pods have been updated".into())
        );
        assert_eq!(
            rollout_status(&ds(2, 1)),
            Rollout::Progressing("1 of 2 updated pods are available".into())
        );
        assert!(matches!(rollout_status(&ds(2, 2)), Rollout::Done(_)));
    }
}
