use serde_json::{Value, json};

use crate::analyze::Severity;
use crate::analyze::fixtures::*;

fn job(ns: &str, name: &str, created: &str, outcome: &str) -> Value {
    let condition = match outcome {
        "failed" => json!([{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
                            "message": "Job has reached the specified backoff limit"}]),
        "complete" => json!([{"type": "Complete", "status": "True"}]),
        _ => json!([]),
    };
    json!({"apiVersion": "batch/v1", "kind": "Job",
           "metadata": {"name": name, "namespace": ns, "creationTimestamp": created},
           "spec": {"backoffLimit": 2, "template": with(template(name), json!({"spec": {"restartPolicy": "Never"}}))},
           "status": {"conditions": condition, "failed": if outcome == "failed" { 3 } else { 0 }}})
}

fn cron(ns: &str, name: &str, schedule: &str) -> Value {
    json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": name, "namespace": ns},
           "spec": {"schedule": schedule, "jobTemplate": {"spec": {"template":
               with(template(name), json!({"spec": {"restartPolicy": "OnFailure"}}))}}}})
}

#[test]
fn failed_jobs_are_reported_and_completed_ones_are_not() {
    let f = run(vec![
        job("batch", "migrate", "2026-01-01T00:00:00Z", "failed"),
        job("batch", "seed", "2026-01-01T00:00:00Z", "complete"),
        job("batch", "running", "2026-01-01T00:00:00Z", "active"),
    ]);
    assert_eq!(ids(&f), ["job.failed"]);
    assert!(f[0].title.contains("BackoffLimitExceeded"));
    assert!(f[0].cause.contains("backoffLimit"));
}

#[test]
fn cronjobs_report_schedules_suspension_and_failed_runs() {
    let healthy = cron("batch", "report", "0 3 * * *");
    let ok_run = owned_by(
        job("batch", "report-1", "2026-01-02T03:00:00Z", "complete"),
        "CronJob",
        "report",
    );
    let old_failure = owned_by(
        job("batch", "report-0", "2026-01-01T03:00:00Z", "failed"),
        "CronJob",
        "report",
    );
    assert!(
        run(vec![healthy, ok_run, old_failure.clone()]).is_empty(),
        "the newest run succeeded"
    );

    let bad = with(
        cron("batch", "report", "0 3 * *"),
        json!({"spec": {"suspend": true}}),
    );
    let newer_failure = owned_by(
        job("batch", "report-1", "2026-01-02T03:00:00Z", "failed"),
        "CronJob",
        "report",
    );
    let f = run(vec![bad, old_failure, newer_failure]);
    assert_eq!(
        ids(&f),
        [
            "cronjob.invalid-schedule",
            "cronjob.last-run-failed",
            "cronjob.suspended"
        ]
    );
    assert!(f[0].cause.contains("expected 5 fields"));
    assert!(
        f[1].title.contains("last 2 run(s) failed"),
        "{}",
        f[1].title
    );
    assert_eq!(f[2].severity, Severity::Info);
    assert!(
        !ids(&f).contains(&"job.failed"),
        "CronJob runs are reported through the CronJob"
    );
}
