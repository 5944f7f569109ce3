//! What undoing an audit entry takes: per object and per action, the step that puts back what
//! existed before, in reverse order of the original change.

use serde_json::{Value, json};

use crate::apply::{ActionOutcome, Undo, undo_of};
use crate::audit::{Entry, ObjectRecord, ObjectResult, Prior};
use crate::cluster::ObjectRef;

/// One step of an undo.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Delete an object the change created (`manifest` carries apiVersion, kind and name).
    Delete {
        /// Enough of the object to find it.
        manifest: Value,
    },
    /// Put an object back exactly as it was (replace it, or create it when it is gone).
    Restore {
        /// The object before the change.
        prior: Value,
    },
    /// Reverse an action, from what it recorded (see [`crate::apply::undo_of`]).
    Action(Box<ActionOutcome>),
    /// Something that cannot be undone from the log, and why.
    Skip {
        /// What it is (`Secret/db in namespace shop`).
        what: String,
        /// Why not, and what to do by hand.
        why: String,
    },
}

impl Step {
    /// A one-line description: `delete Deployment/web -n shop`.
    pub fn describe(&self) -> String {
        match self {
            Step::Delete { manifest } => format!("delete {}", ObjectRef::of(manifest)),
            Step::Restore { prior } => format!("restore {}", ObjectRef::of(prior)),
            Step::Action(outcome) => format!("reverse `{}`", outcome.argv.join(" ")),
            Step::Skip { what, why } => format!("cannot undo {what}: {why}"),
        }
    }
}

/// The steps that undo `entry`: its actions in reverse, then its objects in reverse apply
/// order. Objects that were unchanged, failed cleanly or were never attempted need nothing.
pub fn plan(entry: &Entry) -> Vec<Step> {
    let mut steps = Vec::new();
    for action in entry.actions.iter().rev() {
        let Some(undo) = &action.undo else { continue };
        let what = || action.argv.join(" ");
        steps.push(
            match serde_json::from_value::<ActionOutcome>(undo.clone()) {
                Ok(outcome) => match undo_of(&outcome) {
                    Undo::Recreate { .. } if !action.redacted.is_empty() => Step::Skip {
                        what: what(),
                        why: format!(
                            "it deleted a Secret whose values ({}) are never written to the audit \
                         log; recreate it by hand",
                            action.redacted.join(", ")
                        ),
                    },
                    Undo::NotReversible { reason } => Step::Skip {
                        what: what(),
                        why: reason,
                    },
                    Undo::Nothing { .. } => continue,
                    _ => Step::Action(Box::new(outcome)),
                },
                Err(e) => Step::Skip {
                    what: what(),
                    why: format!("its undo record is not readable ({e})"),
                },
            },
        );
    }
    for object in entry.objects.iter().rev() {
        if let Some(step) = object_step(object) {
            steps.push(step);
        }
    }
    steps
}

fn object_step(o: &ObjectRecord) -> Option<Step> {
    let changed = matches!(
        o.result,
        ObjectResult::Created | ObjectResult::Configured | ObjectResult::Unknown
    );
    if !changed {
        return None;
    }
    let what = || {
        let ns = o
            .namespace
            .as_deref()
            .map_or_else(String::new, |n| format!(" in namespace {n}"));
        format!("{}/{}{ns}", o.kind, o.name)
    };
    match &o.prior {
        Prior::Absent => {
            let mut metadata = json!({"name": o.name});
            if let Some(ns) = &o.namespace {
                metadata["namespace"] = json!(ns);
            }
            Some(Step::Delete {
                manifest: json!({
                    "apiVersion": o.manifest["apiVersion"],
                    "kind": o.kind,
                    "metadata": metadata,
                }),
            })
        }
        Prior::Existed { redacted, .. } if !redacted.is_empty() => Some(Step::Skip {
            what: what(),
            why: format!(
                "its previous values ({}) are never written to the audit log; restore them by hand",
                redacted.join(", ")
            ),
        }),
        Prior::Existed { object, .. } => Some(Step::Restore {
            prior: object.clone(),
        }),
        Prior::NotRead => Some(Step::Skip {
            what: what(),
            why: "its state before the change was not recorded".into(),
        }),
    }
}

/// The entry `undo` acts on: `id` when given (it must be an applied entry), else the newest
/// applied entry that is not itself an undo and that no later entry undid.
///
/// # Errors
/// A message that names the id and what to do (see `shipmate history`).
pub fn select<'a>(entries: &'a [Entry], id: Option<&str>) -> Result<&'a Entry, String> {
    use crate::audit::Decision;
    // Only a complete undo counts: after a partial one, the entry can be undone again.
    let undone: Vec<&str> = entries
        .iter()
        .filter(|e| {
            e.objects.iter().all(|o| {
                !matches!(
                    o.result,
                    ObjectResult::Failed | ObjectResult::Unknown | ObjectResult::NotApplied
                )
            })
        })
        .filter_map(|e| e.undoes.as_deref())
        .collect();
    if let Some(id) = id {
        let entry = entries
            .iter()
            .find(|e| e.id == id)
            .ok_or_else(|| format!("no audit entry {id}; `shipmate history` lists them"))?;
        if entry.decision != Decision::Applied {
            return Err(format!(
                "entry {id} was {}, not applied: there is nothing to undo",
                entry.decision.as_str()
            ));
        }
        if undone.contains(&id) {
            return Err(format!("entry {id} was already undone"));
        }
        return Ok(entry);
    }
    entries
        .iter()
        .rev()
        .find(|e| e.decision == Decision::Applied && e.undoes.is_none() && !undone.contains(&e.id.as_str()))
        .ok_or_else(|| "nothing to undo: no applied change in the audit log that is not undone yet (see `shipmate history`)".into())
}
