//! Running a confirmed proposal: its manifests through the applier (dependency order, stop at
//! the first failure), then its actions, and turning what happened into the `applied` part of
//! the JSON contract and an audit entry with the prior state of everything changed.

use serde_json::Value;
use shipmate_plugins::{ActionOutcome, ClusterApply, ObjectOutcome, OutcomeResult, Proposal};

use crate::apply::{Applier, ApplyOptions, ApplyReport, Kubectl};
use crate::audit::{ActionRecord, Decision, Entry, ObjectRecord, ObjectResult, Prior};
use crate::cluster::{Cluster, ObjectRef};

/// What running one action did.
#[derive(Debug, Clone)]
pub struct ActionRun {
    /// The argv.
    pub argv: Vec<String>,
    /// What happened.
    pub result: OutcomeResult,
    /// What was done, or why it failed.
    pub detail: String,
    /// How to reverse it (recorded in the audit log), when it changed something.
    pub undo: Option<Value>,
    /// The object it acted on, when it names one.
    pub object: Option<ObjectRef>,
}

/// What running a proposal did.
#[derive(Debug, Default)]
pub struct Execution {
    /// The manifests.
    pub report: ApplyReport,
    /// The actions, in order (those after a failure are `not_attempted`).
    pub actions: Vec<ActionRun>,
}

impl Execution {
    /// Whether everything went through.
    pub fn is_complete(&self) -> bool {
        self.report.is_complete() && self.actions.iter().all(|a| a.result == OutcomeResult::Done)
    }

    /// Whether anything changed the cluster (or may have): what `undo` would act on.
    pub fn changed_anything(&self) -> bool {
        !self.report.applied.is_empty()
            || self.report.failed.iter().any(|f| f.outcome_unknown)
            || self.actions.iter().any(|a| a.undo.is_some())
    }
}

/// Applies `proposal`'s manifests, then (if they all went through) runs its actions,
/// streaming kubectl output to `stream`.
pub async fn execute(
    cluster: &Cluster,
    kubectl: &Kubectl,
    proposal: &Proposal,
    opts: &ApplyOptions,
    stream: &mut (dyn std::io::Write + Send),
) -> Execution {
    let applier = Applier::new(cluster);
    let report = applier.apply(&proposal.manifests, opts).await;
    let mut actions = Vec::with_capacity(proposal.actions.len());
    let mut stop = !report.is_complete();
    for action in &proposal.actions {
        if stop || opts.is_cancelled() {
            actions.push(ActionRun {
                argv: action.argv.clone(),
                result: OutcomeResult::NotAttempted,
                detail: "not attempted".into(),
                undo: None,
                object: None,
            });
            continue;
        }
        let run = super::actions::run(&applier, kubectl, action, stream).await;
        stop = run.result != OutcomeResult::Done;
        actions.push(run);
    }
    Execution { report, actions }
}

fn unchanged(prior: &Value, result: &Value) -> bool {
    let rv = |v: &Value| v["metadata"]["resourceVersion"].as_str().map(str::to_owned);
    rv(prior).is_some() && rv(prior) == rv(result)
}

fn outcome(object: &ObjectRef, result: OutcomeResult, error: Option<String>) -> ObjectOutcome {
    ObjectOutcome {
        kind: object.kind.clone(),
        namespace: object.namespace.clone(),
        name: object.name.clone(),
        result,
        error,
    }
}

/// The `applied` part of the JSON contract for an execution.
pub fn cluster_apply(cluster: &Cluster, ex: &Execution, audit_id: Option<String>) -> ClusterApply {
    let r = &ex.report;
    let mut objects = Vec::new();
    for a in &r.applied {
        let result = match &a.prior {
            None => OutcomeResult::Created,
            Some(p) if unchanged(p, &a.result) => OutcomeResult::Unchanged,
            Some(_) => OutcomeResult::Configured,
        };
        objects.push(outcome(&a.object, result, None));
    }
    for f in &r.failed {
        let result = if f.outcome_unknown {
            OutcomeResult::Unknown
        } else {
            OutcomeResult::Failed
        };
        objects.push(outcome(&f.object, result, Some(f.error.to_string())));
    }
    for o in &r.not_attempted {
        objects.push(outcome(o, OutcomeResult::NotAttempted, None));
    }
    ClusterApply {
        server: cluster.url().to_owned(),
        context: cluster.context().map(str::to_owned),
        complete: ex.is_complete(),
        cancelled: r.cancelled,
        objects,
        actions: ex
            .actions
            .iter()
            .map(|a| ActionOutcome {
                argv: a.argv.clone(),
                result: a.result,
                detail: a.detail.clone(),
            })
            .collect(),
        rollouts_complete: None,
        audit_id,
    }
}

/// The workloads an execution changed whose rollouts `--wait` follows.
pub fn rollouts(ex: &Execution) -> Vec<ObjectRef> {
    let workload =
        |o: &ObjectRef| matches!(o.kind.as_str(), "Deployment" | "StatefulSet" | "DaemonSet");
    let mut out: Vec<ObjectRef> = ex
        .report
        .applied
        .iter()
        .map(|a| a.object.clone())
        .chain(ex.actions.iter().filter_map(|a| a.object.clone()))
        .filter(workload)
        .collect();
    out.dedup();
    out
}

/// The audit entry for an execution: per object its result and prior state (what `undo`
/// restores), per action its result and how to reverse it.
pub fn audit_entry(cluster: &Cluster, proposal: &Proposal, ex: &Execution) -> Entry {
    let manifest_of = |object: &ObjectRef| {
        proposal
            .manifests
            .iter()
            .find(|m| {
                let o = cluster.object_ref(m);
                o.kind == object.kind && o.name == object.name && o.namespace == object.namespace
            })
            .cloned()
            .unwrap_or(Value::Null)
    };
    let record = |object: &ObjectRef, result, prior: Prior| ObjectRecord {
        kind: object.kind.clone(),
        namespace: object.namespace.clone(),
        name: object.name.clone(),
        result,
        prior,
        manifest: manifest_of(object),
    };
    let prior_of = |p: &Option<Value>| match p {
        None => Prior::Absent,
        Some(object) => Prior::Existed {
            object: object.clone(),
            redacted: Vec::new(),
        },
    };
    let mut objects = Vec::new();
    for a in &ex.report.applied {
        let result = match &a.prior {
            None => ObjectResult::Created,
            Some(p) if unchanged(p, &a.result) => ObjectResult::Unchanged,
            Some(_) => ObjectResult::Configured,
        };
        objects.push(record(&a.object, result, prior_of(&a.prior)));
    }
    for f in &ex.report.failed {
        let result = if f.outcome_unknown {
            ObjectResult::Unknown
        } else {
            ObjectResult::Failed
        };
        objects.push(record(&f.object, result, prior_of(&f.prior)));
    }
    for o in &ex.report.not_attempted {
        objects.push(record(o, ObjectResult::NotApplied, Prior::NotRead));
    }
    let actions = ex
        .actions
        .iter()
        .map(|a| ActionRecord {
            argv: a.argv.clone(),
            mutating: shipmate_plugins::is_mutating(&a.argv),
            result: Some(match a.result {
                OutcomeResult::Done => ObjectResult::Done,
                OutcomeResult::Unknown => ObjectResult::Unknown,
                OutcomeResult::NotAttempted => ObjectResult::NotApplied,
                _ => ObjectResult::Failed,
            }),
            undo: a.undo.clone(),
            redacted: Vec::new(),
        })
        .collect();
    let mut entry = Entry::new(proposal, Decision::Applied, objects, actions);
    entry.server = Some(cluster.url().to_owned());
    entry.context = cluster.context().map(str::to_owned);
    entry
}
