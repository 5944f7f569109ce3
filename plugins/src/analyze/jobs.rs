//! Jobs (backoff limit or deadline exceeded) and CronJobs (suspended, schedules that cannot
//! run, last runs failed). A Job a CronJob started is reported through its CronJob.

use std::collections::HashMap;

use k8s_openapi::api::batch::v1::{CronJob, Job, JobCondition};

use super::cron::{self, ScheduleProblem};
use super::finding::{Finding, ObjectRef, Severity};
use super::owners::controller;
use super::{Cx, Findings, docs};

/// How many failed runs a CronJob finding quotes.
const MAX_QUOTED_RUNS: usize = 3;

/// Analyzes every Job and CronJob.
pub fn analyze(cx: &Cx, out: &mut Findings) {
    for job in &cx.snap.jobs {
        if controller(&job.metadata).is_some_and(|o| o.kind == "CronJob") {
            continue;
        }
        if let Some(c) = failed(job) {
            let (ns, name) = super::index::ns_name(&job.metadata);
            let ptrs = pod_pointers(cx, out, ns, "Job", name);
            out.push(job_finding(job, c, &ptrs));
        }
    }
    // Finished runs by CronJob.
    let mut runs: HashMap<(&str, &str), Vec<&Job>> = HashMap::new();
    for j in &cx.snap.jobs {
        if let Some(o) = controller(&j.metadata).filter(|o| o.kind == "CronJob")
            && finished(j)
        {
            let ns = j.metadata.namespace.as_deref().unwrap_or_default();
            runs.entry((ns, o.name.as_str())).or_default().push(j);
        }
    }
    for cj in &cx.snap.cron_jobs {
        let key = super::index::ns_name(&cj.metadata);
        cron_job(cx, cj, runs.remove(&key).unwrap_or_default(), out);
    }
}

/// The job's `Failed` condition, when it failed.
fn failed(job: &Job) -> Option<&JobCondition> {
    job.status
        .as_ref()?
        .conditions
        .as_deref()?
        .iter()
        .find(|c| c.type_ == "Failed" && c.status == "True")
}

/// Whether the job finished (completed or failed).
fn finished(job: &Job) -> bool {
    job.status
        .as_ref()
        .and_then(|s| s.conditions.as_deref())
        .unwrap_or_default()
        .iter()
        .any(|c| (c.type_ == "Complete" || c.type_ == "Failed") && c.status == "True")
}

/// `title (id)` of the findings about the pods of workload `kind`/`name`.
fn pod_pointers(cx: &Cx, out: &Findings, ns: &str, kind: &str, name: &str) -> Vec<String> {
    let mut ptrs = Vec::new();
    for pod in cx.index.pods_of(ns, kind, name) {
        let pod_name = pod.metadata.name.as_deref().unwrap_or_default();
        ptrs.extend(
            out.about("Pod", Some(ns), pod_name)
                .map(|f| format!("{} ({})", f.title, f.id)),
        );
    }
    ptrs
}

fn why_failed(reason: &str) -> &'static str {
    match reason {
        "BackoffLimitExceeded" => {
            "its pods failed more often than spec.backoffLimit allows, so the Job gave up"
        }
        "DeadlineExceeded" => {
            "it ran longer than spec.activeDeadlineSeconds, so its pods were stopped"
        }
        "PodFailurePolicy" => {
            "a pod failure matched a rule of its podFailurePolicy that fails the Job"
        }
        "MaxFailedIndexesExceeded" => "more indexes failed than spec.maxFailedIndexes allows",
        _ => "the Job controller marked it failed",
    }
}

fn job_finding(job: &Job, c: &JobCondition, ptrs: &[String]) -> Finding {
    let (ns, name) = super::index::ns_name(&job.metadata);
    let reason = c.reason.as_deref().unwrap_or("Failed");
    let mut cause = format!("The Job failed: {}.", why_failed(reason));
    if ptrs.is_empty() {
        cause.push_str(" The logs of its pods say why they failed.");
    } else {
        cause.push_str(&format!(
            " See the findings about its pods: {}.",
            ptrs.join("; ")
        ));
    }
    let failed_pods = job.status.as_ref().and_then(|s| s.failed).unwrap_or(0);
    Finding::new(
        "job.failed",
        Severity::Error,
        ObjectRef::namespaced("Job", ns, name),
        format!("Job {name} failed ({reason})"),
        cause,
        docs::JOB,
    )
    .evidence(
        "status.conditions[Failed]",
        format!(
            "reason={reason} message={:?}",
            c.message.as_deref().unwrap_or_default()
        ),
    )
    .evidence("status.failed", failed_pods.to_string())
}

fn cron_job(cx: &Cx, cj: &CronJob, mut runs: Vec<&Job>, out: &mut Findings) {
    let (ns, name) = super::index::ns_name(&cj.metadata);
    let object = || ObjectRef::namespaced("CronJob", ns, name);
    let schedule = cj.spec.schedule.as_str();
    match cron::check(schedule) {
        Ok(()) => {}
        Err(ScheduleProblem::Invalid(why)) => out.push(
            Finding::new(
                "cronjob.invalid-schedule",
                Severity::Error,
                object(),
                format!("CronJob {name} has an invalid schedule {schedule:?}"),
                format!(
                    "The CronJob controller cannot parse the schedule, so it never runs: {why}."
                ),
                docs::CRON_SCHEDULE,
            )
            .evidence("spec.schedule", schedule),
        ),
        Err(ScheduleProblem::NeverFires(why)) => out.push(
            Finding::new(
                "cronjob.never-runs",
                Severity::Warning,
                object(),
                format!("CronJob {name} has a schedule that never fires ({schedule:?})"),
                format!("The schedule is valid but names no date that exists: {why}."),
                docs::CRON_SCHEDULE,
            )
            .evidence("spec.schedule", schedule),
        ),
    }
    if cj.spec.suspend == Some(true) {
        out.push(
            Finding::new(
                "cronjob.suspended",
                Severity::Info,
                object(),
                format!("CronJob {name} is suspended"),
                "No new Jobs start while spec.suspend is true; set it to false to resume the \
                 schedule.",
                docs::CRONJOB,
            )
            .evidence("spec.suspend", "true"),
        );
    }
    // Its finished runs, newest first.
    runs.sort_by(|a, b| {
        (&b.metadata.creation_timestamp, &b.metadata.name)
            .cmp(&(&a.metadata.creation_timestamp, &a.metadata.name))
    });
    let failing: Vec<(&Job, &JobCondition)> = runs
        .iter()
        .map_while(|j| failed(j).map(|c| (*j, c)))
        .collect();
    if failing.is_empty() {
        return;
    }
    let ptrs = pod_pointers(cx, out, ns, "CronJob", name);
    let (newest, c) = failing[0];
    let newest_name = newest.metadata.name.as_deref().unwrap_or_default();
    let reason = c.reason.as_deref().unwrap_or("Failed");
    let mut cause = format!(
        "The last {} run{} failed (the newest, Job {newest_name}: {}).",
        failing.len(),
        if failing.len() == 1 { "" } else { "s" },
        why_failed(reason)
    );
    if !ptrs.is_empty() {
        cause.push_str(&format!(
            " See the findings about its pods: {}.",
            ptrs.join("; ")
        ));
    }
    let mut f = Finding::new(
        "cronjob.last-run-failed",
        Severity::Error,
        object(),
        format!("CronJob {name}: the last {} run(s) failed", failing.len()),
        cause,
        docs::JOB,
    );
    for (job, c) in failing.iter().take(MAX_QUOTED_RUNS) {
        f = f.evidence(
            format!(
                "job {} status.conditions[Failed]",
                job.metadata.name.as_deref().unwrap_or_default()
            ),
            format!(
                "reason={} message={:?}",
                c.reason.as_deref().unwrap_or_default(),
                c.message.as_deref().unwrap_or_default()
            ),
        );
    }
    out.push(f);
}
