//! One audit-log entry: what was asked, what was proposed (by digest), what was decided, and
//! per object what happened and what existed before. Entries are redacted before they are
//! written ([`Entry::redact`], called by [`AuditLog::append`](super::AuditLog::append)): no
//! Secret value ever reaches the log, and [`Prior::Existed::redacted`] tells a later `undo`
//! which prior values were not kept and so cannot be restored.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher as _, Hasher as _};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use shipmate_plugins::Proposal;

use super::digest::proposal_digest;
use super::redact::{redact_object, scrub, scrub_arg, secret_values};
use crate::clock::Utc;
use crate::order::apply_order;

/// What was decided about a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Applied to the cluster (by the applier), completely or up to the first failure.
    Applied,
    /// The person declined it.
    Declined,
    /// Handed to the person: manifests written to a directory, commands printed.
    Manual,
    /// A gate blocked it; nothing was written or applied.
    Blocked,
}

impl Decision {
    /// The log's spelling (`manual`).
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Applied => "applied",
            Decision::Declined => "declined",
            Decision::Manual => "manual",
            Decision::Blocked => "blocked",
        }
    }
}

/// What happened to one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectResult {
    /// It did not exist and was created.
    Created,
    /// It existed and was changed.
    Configured,
    /// It existed and applying changed nothing.
    Unchanged,
    /// It was deleted.
    Deleted,
    /// Applying it failed.
    Failed,
    /// The request was sent but no answer came back: it may or may not have been applied.
    Unknown,
    /// An action that ran.
    Done,
    /// Written to a file for the person to apply by hand; the cluster was not touched.
    Manual,
    /// Not applied (blocked or declined).
    NotApplied,
}

/// The state of an object before the change: what `undo` restores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Prior {
    /// The object did not exist: undoing deletes it.
    Absent,
    /// The object existed as `object` (managed fields and status may be stripped): undoing
    /// re-applies it.
    Existed {
        /// The prior object, with Secret values replaced by `<redacted>`.
        object: Value,
        /// Paths of the values that were redacted and are **not** in the log
        /// (`data.password`): an undo cannot restore them and must say so. Empty for objects
        /// that hold no secret values.
        redacted: Vec<String>,
    },
    /// shipmate did not read the cluster (manual fallback, blocked): nothing to undo.
    NotRead,
}

/// One object touched (or proposed) by an entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectRecord {
    /// `kind` of the object.
    pub kind: String,
    /// Namespace, `null` for cluster-scoped objects or the default namespace.
    pub namespace: Option<String>,
    /// `metadata.name`.
    pub name: String,
    /// What happened to it.
    pub result: ObjectResult,
    /// What existed before.
    pub prior: Prior,
    /// The object as proposed, Secret values redacted.
    pub manifest: Value,
}

/// One action of an entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionRecord {
    /// The kubectl argv (secret values scrubbed).
    pub argv: Vec<String>,
    /// Whether it changes cluster state.
    pub mutating: bool,
    /// What happened, when the action was run (absent for manual and blocked entries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<ObjectResult>,
    /// How to reverse it: what the action did and the state it replaced (the applier's
    /// `ActionOutcome`, Secret values redacted), for `undo`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undo: Option<Value>,
    /// Paths of Secret values redacted from `undo` (`prior.object.data.password`): an undo
    /// cannot restore them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redacted: Vec<String>,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Unique and sortable by time: `20261126-081200.123-3fa9c1`.
    pub id: String,
    /// When, RFC 3339 UTC: `2026-11-26T08:12:00.123Z`.
    pub time: String,
    /// The request as given (secret values scrubbed).
    pub request: String,
    /// The backend that proposed.
    pub backend: String,
    /// The proposal's one-line summary.
    pub summary: String,
    /// `sha256:…` of the proposal's canonical JSON (see [`proposal_digest`]).
    pub proposal_digest: String,
    /// What was decided.
    pub decision: Decision,
    /// Where the manual-fallback files are (an absolute path), for `manual` entries.
    pub directory: Option<String>,
    /// The API server, for entries that touched a cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// The kubeconfig context, for entries that touched a cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// The id of the entry this one undid (`shipmate undo`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undoes: Option<String>,
    /// Each object, in apply order.
    pub objects: Vec<ObjectRecord>,
    /// Each proposed action.
    pub actions: Vec<ActionRecord>,
}

impl Entry {
    /// An entry for a decision taken without touching the cluster (`manual`, `blocked`,
    /// `declined`): every object's prior state is [`Prior::NotRead`].
    pub fn untouched(p: &Proposal, decision: Decision, directory: Option<String>) -> Entry {
        let result = match decision {
            Decision::Manual => ObjectResult::Manual,
            _ => ObjectResult::NotApplied,
        };
        let objects = apply_order(&p.manifests)
            .into_iter()
            .map(|i| {
                let m = &p.manifests[i];
                let field = |ptr: &str| m.pointer(ptr).and_then(Value::as_str).map(str::to_owned);
                ObjectRecord {
                    kind: field("/kind").unwrap_or_default(),
                    namespace: field("/metadata/namespace"),
                    name: field("/metadata/name").unwrap_or_default(),
                    result,
                    prior: Prior::NotRead,
                    manifest: m.clone(),
                }
            })
            .collect();
        let actions = p
            .actions
            .iter()
            .map(|a| ActionRecord {
                argv: a.argv.clone(),
                mutating: a.mutating,
                result: None,
                undo: None,
                redacted: Vec::new(),
            })
            .collect();
        let mut entry = Entry::new(p, decision, objects, actions);
        entry.directory = directory;
        entry
    }

    /// An entry for `p` with the given per-object and per-action records, redacted.
    pub fn new(
        p: &Proposal,
        decision: Decision,
        objects: Vec<ObjectRecord>,
        actions: Vec<ActionRecord>,
    ) -> Entry {
        let now = Utc::now();
        let mut entry = Entry {
            id: new_id(&now),
            time: now.rfc3339(),
            request: p.request.clone(),
            backend: p.backend.clone(),
            summary: p.summary.clone(),
            proposal_digest: proposal_digest(p),
            decision,
            directory: None,
            server: None,
            context: None,
            undoes: None,
            objects,
            actions,
        };
        entry.redact();
        entry
    }

    /// Removes every secret value: Secret `data`/`stringData` (and the last-applied annotation)
    /// in manifests and prior objects, and known secret values in the request, summary and
    /// action arguments. Idempotent.
    pub fn redact(&mut self) {
        let values = secret_values(self.objects.iter().flat_map(|o| {
            let prior = match &o.prior {
                Prior::Existed { object, .. } => Some(object),
                _ => None,
            };
            std::iter::once(&o.manifest).chain(prior)
        }));
        self.request = scrub(&self.request, &values);
        self.summary = scrub(&self.summary, &values);
        for a in &mut self.actions {
            a.argv = a.argv.iter().map(|t| scrub_arg(t, &values)).collect();
            if let Some(undo) = &mut a.undo {
                for pointer in ["/prior/object", "/result"] {
                    let Some(object) = undo.pointer_mut(pointer) else {
                        continue;
                    };
                    let field = pointer.trim_start_matches('/').replace('/', ".");
                    for path in redact_object(object) {
                        let path = format!("{field}.{path}");
                        if !a.redacted.contains(&path) {
                            a.redacted.push(path);
                        }
                    }
                }
            }
        }
        for o in &mut self.objects {
            redact_object(&mut o.manifest);
            if let Prior::Existed { object, redacted } = &mut o.prior {
                for path in redact_object(object) {
                    if !redacted.contains(&path) {
                        redacted.push(path);
                    }
                }
            }
        }
    }
}

/// A new id: the UTC time to the millisecond, then 6 random hex digits.
fn new_id(now: &Utc) -> String {
    let mut h = RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.write_u32(std::process::id());
    format!(
        "{}.{:03}-{:06x}",
        now.compact(),
        now.millis,
        h.finish() & 0xff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use shipmate_plugins::{Action, Status};

    fn secret_proposal() -> Proposal {
        let mut p = Proposal::new(
            "rules",
            "create a secret db with password=hunter2",
            Status::Proposed,
            "Create Secret db",
        );
        p.manifests.push(json!({"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "db", "namespace": "shop"}, "stringData": {"password": "hunter2"}}));
        p.manifests
            .push(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}));
        p.actions.push(Action::new(
            [
                "kubectl",
                "create",
                "secret",
                "generic",
                "x",
                "--from-literal=pw=s3cr3t",
            ]
            .map(str::to_owned)
            .to_vec(),
            "",
        ));
        p
    }

    #[test]
    fn untouched_entries_hold_no_secret_and_keep_the_keys() {
        let e = Entry::untouched(&secret_proposal(), Decision::Manual, Some("d".into()));
        let line = serde_json::to_string(&e).unwrap();
        assert!(
            !line.contains("hunter2") && !line.contains("s3cr3t"),
            "{line}"
        );
        assert!(line.contains("password"), "{line}");
        assert_eq!(e.objects[0].kind, "Namespace", "apply order");
        assert_eq!(e.objects[1].namespace.as_deref(), Some("shop"));
        assert_eq!(e.objects[1].result, ObjectResult::Manual);
        assert_eq!(e.objects[1].prior, Prior::NotRead);
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["decision"], "manual");
        assert_eq!(v["objects"][0]["prior"], json!({"state": "not_read"}));
    }

    #[test]
    fn prior_secrets_record_what_was_not_kept() {
        let mut e = Entry::untouched(&secret_proposal(), Decision::Manual, None);
        e.objects[1].prior = Prior::Existed {
            object: json!({"kind": "Secret", "metadata": {"name": "db"}, "data": {"old": "b2xk"}}),
            redacted: Vec::new(),
        };
        e.redact();
        e.redact();
        let Prior::Existed { object, redacted } = &e.objects[1].prior else {
            panic!("prior changed shape");
        };
        assert_eq!(object["data"]["old"], "<redacted>");
        assert_eq!(redacted, &["data.old"]);
        let line = serde_json::to_string(&e).unwrap();
        assert!(
            !line.contains("b2xk") && !line.contains("\"old\":\"old\""),
            "{line}"
        );
    }

    #[test]
    fn ids_sort_by_time_and_differ() {
        let a = Utc::from_system(std::time::UNIX_EPOCH + std::time::Duration::from_millis(5));
        let b = Utc::from_system(std::time::UNIX_EPOCH + std::time::Duration::from_millis(60_000));
        let (ia, ib) = (new_id(&a), new_id(&b));
        assert!(ia < ib, "{ia} {ib}");
        assert!(ia.starts_with("19700101-000000.005-"), "{ia}");
        assert_ne!(new_id(&a), new_id(&a));
    }
}
