//! [`Session::undo`]: restores what an applied audit entry changed, through the same
//! confirmation as any other change, and records the undo as an entry of its own.

use serde::Serialize;
use serde_json::Value;
use shipmate_plugins::{OutcomeResult, Proposal, Status};

use super::{Session, Ui};
use crate::apply::{Applier, ApplyOptions, diff};
use crate::audit::{AuditLog, Decision, Entry, ObjectRecord, ObjectResult, Prior};
use crate::cluster::ObjectRef;
use crate::undo::{self, Step, StepResult};

/// What an undo did (the JSON of `shipmate undo -o json`).
#[derive(Debug, Serialize)]
pub struct UndoReport {
    /// The entry that was undone.
    pub undoes: String,
    /// Whether every step went through.
    pub complete: bool,
    /// Each step: what it was, what happened, and the detail.
    pub steps: Vec<StepReport>,
    /// The audit entry recording the undo itself.
    pub audit_id: Option<String>,
}

/// One step of an [`UndoReport`].
#[derive(Debug, Serialize)]
pub struct StepReport {
    /// `delete Deployment/web in namespace default`.
    pub step: String,
    /// What happened.
    pub result: OutcomeResult,
    /// What was done, or why it failed or was skipped.
    pub detail: String,
}

/// How an undo ended.
#[derive(Debug)]
pub enum UndoOutcome {
    /// Nothing to undo, the entry was for another cluster, or no cluster: the message says.
    Refused(String),
    /// The person said no (or there was no terminal and no `--yes`).
    Declined,
    /// It ran.
    Ran(UndoReport),
}

impl Session {
    /// Undoes audit entry `id` (default: the newest applied one not yet undone).
    pub fn undo(&mut self, id: Option<&str>, ui: &mut dyn Ui) -> UndoOutcome {
        self.undo_entry(id, ui, true)
    }

    /// [`Session::undo`]; `confirm: false` when the person already said yes to undoing.
    pub(super) fn undo_entry(
        &mut self,
        id: Option<&str>,
        ui: &mut dyn Ui,
        confirm: bool,
    ) -> UndoOutcome {
        let log = match AuditLog::default_location() {
            Ok(log) => log,
            Err(e) => return UndoOutcome::Refused(format!("{e:#}")),
        };
        let contents = match log.read() {
            Ok(c) => c,
            Err(e) => return UndoOutcome::Refused(format!("{e:#}")),
        };
        let entry = match undo::select(&contents.entries, id) {
            Ok(e) => e.clone(),
            Err(msg) => return UndoOutcome::Refused(msg),
        };
        self.connect();
        let cluster = match self.cluster() {
            Ok(c) => c,
            Err(e) => return UndoOutcome::Refused(format!("cannot undo {}: {e}", entry.id)),
        };
        if let Some(server) = &entry.server
            && server != cluster.url()
        {
            return UndoOutcome::Refused(format!(
                "entry {} was applied to {server}, but this session is connected to {}; \
                 pick that cluster with --context or --kubeconfig",
                entry.id,
                cluster.url()
            ));
        }
        let steps = undo::plan(&entry);
        if steps.is_empty() {
            return UndoOutcome::Refused(format!(
                "entry {} changed nothing that needs undoing",
                entry.id
            ));
        }
        ui.show(&self.preview(&entry, &steps));
        if confirm && self.options.approval != super::Approval::Never {
            if !ui.prompter().interactive() {
                return UndoOutcome::Refused(format!(
                    "undoing needs a confirmation and there is no terminal; re-run with --yes \
                     (shipmate undo {} --yes)",
                    entry.id
                ));
            }
            if !ui.prompter().yes_no("Undo it? [y/N]: ") {
                ui.show("Nothing was changed.\n");
                return UndoOutcome::Declined;
            }
        }
        let flag = self.cancel_flag();
        flag.store(false, std::sync::atomic::Ordering::SeqCst);
        self.install_interrupt_handler();
        let Ok(cluster) = self.cluster() else {
            return UndoOutcome::Refused("the cluster connection went away".into());
        };
        let opts = ApplyOptions::new().cancel_on(flag);
        let results = self
            .runtime
            .block_on(undo::run(&Applier::new(cluster), &steps, &opts));
        let mut record = undo_entry(&entry, &results);
        record.server = Some(cluster.url().to_owned());
        record.context = cluster.context().map(str::to_owned);
        let logged = match log.append(&record) {
            Ok(()) => true,
            Err(e) => {
                ui.warn(&format!(
                    "warning: the undo was not recorded in the audit log: {e:#}"
                ));
                false
            }
        };
        let report = UndoReport {
            undoes: entry.id.clone(),
            complete: results.iter().all(|r| {
                !matches!(
                    r.result,
                    OutcomeResult::Failed | OutcomeResult::Unknown | OutcomeResult::NotAttempted
                )
            }),
            steps: results
                .iter()
                .map(|r| StepReport {
                    step: r.step.describe(),
                    result: r.result,
                    detail: r.detail.clone(),
                })
                .collect(),
            audit_id: logged.then(|| record.id.clone()),
        };
        ui.show(&crate::render::apply::undo(&report, ui.style()));
        UndoOutcome::Ran(report)
    }

    /// The steps, each restore with the diff of live → restored.
    fn preview(&self, entry: &Entry, steps: &[Step]) -> String {
        let mut text = format!("Undo {} ({}):\n", entry.id, entry.summary);
        for step in steps {
            text.push_str(&format!("  - {}\n", step.describe()));
            if let (Step::Restore { prior }, Ok(cluster)) = (step, self.cluster()) {
                let live = self.runtime.block_on(live(cluster, prior));
                let d = diff(ObjectRef::of(prior), live.as_ref(), prior);
                for line in d.text.lines() {
                    text.push_str(&format!("      {line}\n"));
                }
            }
        }
        text
    }
}

async fn live(cluster: &crate::cluster::Cluster, manifest: &Value) -> Option<Value> {
    let o = ObjectRef::of(manifest);
    let r = cluster.resource(&o.api_version, &o.kind).await.ok()?;
    let api = cluster.api(&r, o.namespace.as_deref());
    let found = api.get_opt(&o.name).await.ok()??;
    serde_json::to_value(found).ok()
}

/// The audit entry of an undo: per step, what happened and what was there before it.
fn undo_entry(undone: &Entry, results: &[StepResult]) -> Entry {
    let mut p = Proposal::new(
        "undo",
        &format!("undo {}", undone.id),
        Status::Proposed,
        format!("Undo: {}", undone.summary),
    );
    let mut objects = Vec::new();
    for r in results {
        let Some(object) = &r.object else { continue };
        let manifest = match &r.step {
            Step::Restore { prior } => prior.clone(),
            Step::Delete { manifest } => manifest.clone(),
            _ => Value::Null,
        };
        if !manifest.is_null() {
            p.manifests.push(manifest.clone());
        }
        objects.push(ObjectRecord {
            kind: object.kind.clone(),
            namespace: object.namespace.clone(),
            name: object.name.clone(),
            result: match r.result {
                OutcomeResult::Deleted => ObjectResult::Deleted,
                OutcomeResult::Created => ObjectResult::Created,
                OutcomeResult::Configured | OutcomeResult::Done => ObjectResult::Configured,
                OutcomeResult::Unchanged => ObjectResult::Unchanged,
                OutcomeResult::Unknown => ObjectResult::Unknown,
                OutcomeResult::NotAttempted => ObjectResult::NotApplied,
                OutcomeResult::Failed => ObjectResult::Failed,
            },
            prior: match &r.before {
                Some(o) => Prior::Existed {
                    object: o.clone(),
                    redacted: Vec::new(),
                },
                None => Prior::Absent,
            },
            manifest,
        });
    }
    let mut entry = Entry::new(&p, Decision::Applied, objects, Vec::new());
    entry.undoes = Some(undone.id.clone());
    entry
}
