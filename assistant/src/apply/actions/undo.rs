//! Undo: the reverse of a recorded [`ActionOutcome`], from its prior state.
//!
//! - scale → scale back to the prior replica count;
//! - set image / set env / rollout restart / label / annotate / cordon / uncordon / taint →
//!   **replace** (PUT) the live object with the fields the action changed
//!   ([`NativeOp::changed_fields`]: `spec.template`, `metadata.labels`, `spec.taints`, …) taken
//!   from the prior object, everything else as it is now. Replace rather than server-side
//!   apply because shipmate does not own those fields (kubectl-style patches record an
//!   `Update`, so an apply would conflict with the very change it reverses), and because the
//!   live `resourceVersion` guards the write: a concurrent change makes it fail with 409
//!   instead of being overwritten. Before that, each field must still hold what the action
//!   left there; if someone changed it since, undo refuses ([`ActionError::Drifted`]). Undoing
//!   a restart stamps the old template back, which rolls the pods once more;
//! - delete → create the object again from its prior state, without what the server sets
//!   (`resourceVersion`, `uid`, `creationTimestamp`, `managedFields`, `generation`, deletion
//!   marks, `status`); `ownerReferences` are kept, so an owner's controller takes the object
//!   back (a recreated Pod of a ReplicaSet is surplus and removed by it);
//! - an undo's own outcome is undoable again (restore ↔ restore, create → delete);
//! - kubectl-run actions: read-only ones have nothing to undo; `drain` is undone by
//!   `uncordon` (evicted pods come back through their controllers, not through undo), unless
//!   the node was cordoned already before the drain; others (`rollout undo`, `exec`, …) are
//!   not reversible by shipmate.

use serde_json::Value;
use shipmate_manifests::kubectl::parse;

use super::native::{outcome, post_params, read, resolve, sent};
use super::ops::NativeOp;
use super::plan::NativeAction;
use super::{ActionError, ActionOptions, ActionOutcome, How, Prior};
use crate::apply::applier::Applier;
use crate::cluster::ObjectRef;

/// Metadata the server sets, dropped before recreating a deleted object.
const SERVER_SET: &[&str] = &[
    "resourceVersion",
    "uid",
    "creationTimestamp",
    "managedFields",
    "generation",
    "selfLink",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
];

/// The reverse of an outcome (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub enum Undo {
    /// Nothing to undo: read-only, a dry run, or nothing changed.
    Nothing {
        /// Why.
        reason: String,
    },
    /// It changed the cluster in a way shipmate cannot reverse.
    NotReversible {
        /// Why.
        reason: String,
    },
    /// Run this native action: scale back, uncordon after a drain, delete what undo created.
    Run(NativeAction),
    /// Replace `fields` of the live object with their `prior` values, provided they still hold
    /// what the action left (`expected`).
    Restore {
        /// The object.
        object: ObjectRef,
        /// Dotted field paths.
        fields: Vec<String>,
        /// The object before the action.
        prior: Value,
        /// The object as the action left it.
        expected: Value,
    },
    /// Create the deleted object again.
    Recreate {
        /// The object.
        object: ObjectRef,
        /// What to create (server-set metadata and status removed).
        manifest: Value,
    },
}

/// The reverse of `outcome`.
pub fn undo_of(outcome: &ActionOutcome) -> Undo {
    let not = |reason: &str| Undo::NotReversible {
        reason: reason.into(),
    };
    if outcome.dry_run {
        return Undo::Nothing {
            reason: "a dry run changed nothing".into(),
        };
    }
    let node = |name: &ObjectRef| {
        Undo::Run(NativeAction {
            object: name.clone(),
            op: NativeOp::Uncordon,
        })
    };
    let (op, object, prior) = match (&outcome.how, &outcome.object, &outcome.prior) {
        (How::Kubectl, object, prior) => {
            let cmd = parse(&outcome.argv);
            return match (cmd.verb(), object, prior) {
                _ if !cmd.is_mutating() => Undo::Nothing {
                    reason: format!("`kubectl {}` is read-only", cmd.verb()),
                },
                ("drain", Some(n), Some(Prior::Object(p)))
                    if p["spec"]["unschedulable"] == true =>
                {
                    Undo::Nothing {
                        reason: format!("{n} was cordoned already before the drain"),
                    }
                }
                ("drain", Some(n), Some(Prior::Object(_))) => node(n),
                ("drain", ..) => not("the node's state before the drain was not recorded"),
                (verb, ..) => not(&format!(
                    "`kubectl {verb}` ran through kubectl, which does not report what it changed"
                )),
            };
        }
        (How::Native { op }, Some(object), prior) => (op, object.clone(), prior),
        (How::Native { .. }, None, _) => return not("no object was recorded"),
    };
    let run = |op| {
        Undo::Run(NativeAction {
            object: object.clone(),
            op,
        })
    };
    match (op, prior, &outcome.result) {
        (NativeOp::Scale { .. }, Some(Prior::Replicas(n)), _) => {
            run(NativeOp::Scale { replicas: *n })
        }
        (NativeOp::Create, ..) => run(NativeOp::Delete),
        (NativeOp::Delete, Some(Prior::Object(p)), _) => Undo::Recreate {
            object,
            manifest: recreatable(p),
        },
        (op, Some(Prior::Object(p)), Some(result)) => {
            let fields = op.changed_fields(&object.kind);
            if fields.is_empty() {
                not("no prior state was recorded for this operation")
            } else if fields.iter().all(|f| field(p, f) == field(result, f)) {
                Undo::Nothing {
                    reason: format!("`{op}` changed nothing on {object}"),
                }
            } else {
                Undo::Restore {
                    object,
                    fields,
                    prior: p.clone(),
                    expected: result.clone(),
                }
            }
        }
        _ => not("no prior state was recorded"),
    }
}

impl Applier<'_> {
    /// Reverses `done` ([`undo_of`]); with [`ActionOptions::dry_run`], only previews it. The
    /// returned outcome (argv: the action undone) can itself be undone.
    ///
    /// # Errors
    /// [`ActionError::CannotRun`] when there is nothing to undo or it is not reversible,
    /// [`ActionError::Drifted`] when a field changed since, or the API's refusal.
    pub async fn undo(
        &self,
        done: &ActionOutcome,
        opts: &ActionOptions,
    ) -> Result<ActionOutcome, ActionError> {
        let argv = &done.argv;
        match undo_of(done) {
            Undo::Nothing { reason } | Undo::NotReversible { reason } => {
                Err(ActionError::CannotRun {
                    argv: argv.clone(),
                    reason: format!("nothing to undo: {reason}"),
                })
            }
            Undo::Run(action) => self.run_native(&action, argv, opts).await,
            Undo::Restore {
                object,
                fields,
                prior,
                expected,
            } => {
                let (target, live) = read(self.cluster(), &object).await?;
                let mut restored = live.clone();
                for f in &fields {
                    if field(&live, f) != field(&expected, f) {
                        return Err(ActionError::Drifted {
                            object: Box::new(target.object.clone()),
                            field: f.clone(),
                        });
                    }
                    set_field(&mut restored, f, field(&prior, f).cloned());
                }
                let result = target
                    .replace(&restored, &post_params(opts))
                    .await
                    .map_err(sent(&target, "update", opts))?;
                let op = NativeOp::Restore { fields };
                let prior = Some(Prior::Object(live));
                Ok(outcome(argv, target.object, op, opts, prior, result))
            }
            Undo::Recreate { object, manifest } => {
                let target = resolve(self.cluster(), &object).await?;
                let result = target
                    .create(&manifest, &post_params(opts))
                    .await
                    .map_err(sent(&target, "create", opts))?;
                Ok(outcome(
                    argv,
                    target.object,
                    NativeOp::Create,
                    opts,
                    None,
                    result,
                ))
            }
        }
    }
}

/// The value at a dotted path, `None` when absent.
fn field<'v>(obj: &'v Value, path: &str) -> Option<&'v Value> {
    obj.pointer(&format!("/{}", path.replace('.', "/")))
        .filter(|v| !v.is_null())
}

/// Sets (or with `None`, removes) the value at a dotted path, creating parents as needed.
fn set_field(obj: &mut Value, path: &str, value: Option<Value>) {
    let (parents, last) = path.rsplit_once('.').unwrap_or(("", path));
    let mut at = obj;
    for key in parents.split('.').filter(|k| !k.is_empty()) {
        if !at[key].is_object() {
            at[key] = Value::Object(Default::default());
        }
        at = &mut at[key];
    }
    if let Some(map) = at.as_object_mut() {
        match value {
            Some(v) => map.insert(last.to_string(), v),
            None => map.remove(last),
        };
    }
}

/// An object as it can be created again: without the metadata the server sets and without
/// `status`.
pub fn recreatable(prior: &Value) -> Value {
    let mut manifest = prior.clone();
    if let Some(obj) = manifest.as_object_mut() {
        obj.remove("status");
    }
    if let Some(meta) = manifest["metadata"].as_object_mut() {
        for key in SERVER_SET {
            meta.remove(*key);
        }
    }
    manifest
}
