//! [`ActionError`]: why an action did not run, each naming the action or object and what to do.

use std::path::PathBuf;

use crate::cluster::{ClusterError, ObjectRef};

/// Why running (or undoing) an action failed.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    /// [`plan_action`](super::plan_action) says the action cannot run.
    #[error("cannot run `{}`: {reason}", .argv.join(" "))]
    CannotRun {
        /// The action.
        argv: Vec<String>,
        /// Why.
        reason: String,
    },
    /// The API refused or did not answer.
    #[error("{}{}", cluster_text(.object, .source), unknown_text(*.outcome_unknown))]
    Cluster {
        /// The object.
        object: Box<ObjectRef>,
        /// What went wrong.
        #[source]
        source: Box<ClusterError>,
        /// The change was sent but no answer came back: it may or may not have been made.
        outcome_unknown: bool,
    },
    /// A container name the object does not have (`set image`, `set env -c`).
    #[error("{object} has no container {container:?} (it has: {}); name one of those, or * for all", .known.join(", "))]
    UnknownContainer {
        /// The object.
        object: Box<ObjectRef>,
        /// The name asked for.
        container: String,
        /// The containers (and init containers) it has.
        known: Vec<String>,
    },
    /// `label`/`annotate`/`taint` would change an existing value without `--overwrite`.
    #[error("{object} already has {what} {}, and --overwrite is false; add --overwrite to replace", .existing.join(", "))]
    WouldOverwrite {
        /// The object.
        object: Box<ObjectRef>,
        /// `label`, `annotation` or `taint`.
        what: &'static str,
        /// The existing entries, `key=value` (taints: `key=value:Effect`).
        existing: Vec<String>,
    },
    /// `kubectl taint … key:Effect-` for a taint the node does not have.
    #[error("{object} has no taint {taint}; nothing to remove")]
    TaintNotFound {
        /// The node.
        object: Box<ObjectRef>,
        /// The taint asked for.
        taint: String,
    },
    /// Undo would overwrite a change someone else made after the action.
    #[error(
        "{object}: {field} changed since the action ran; undo would overwrite that change, so it was not sent — restore it by hand"
    )]
    Drifted {
        /// The object.
        object: Box<ObjectRef>,
        /// The dotted field path.
        field: String,
    },
    /// There is no kubectl binary to run.
    #[error("kubectl not found (tried {}; set SHIPMATE_KUBECTL or install kubectl); run by hand: {}", .program.display(), .argv.join(" "))]
    KubectlMissing {
        /// The action, as it would be run by hand.
        argv: Vec<String>,
        /// The program looked for.
        program: PathBuf,
    },
    /// kubectl could not be started or its output not read.
    #[error("cannot run `{}`: {source}", .argv.join(" "))]
    KubectlIo {
        /// The command line.
        argv: Vec<String>,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// kubectl exited unsuccessfully.
    #[error("`{}` failed ({status}){}", .argv.join(" "), stderr_text(.stderr))]
    KubectlFailed {
        /// The command line.
        argv: Vec<String>,
        /// `exit status 1`, `signal 9`, …
        status: String,
        /// The last lines it wrote to stderr.
        stderr: Vec<String>,
    },
}

impl ActionError {
    /// Whether the change may have been made even though this error came back (the request
    /// was sent and the connection dropped): undo should treat it as possibly done.
    pub fn outcome_unknown(&self) -> bool {
        matches!(
            self,
            ActionError::Cluster {
                outcome_unknown: true,
                ..
            }
        )
    }

    pub(super) fn cluster(object: &ObjectRef, source: ClusterError, unknown: bool) -> Self {
        ActionError::Cluster {
            object: Box::new(object.clone()),
            source: Box::new(source),
            outcome_unknown: unknown,
        }
    }
}

/// The cluster error, prefixed with the object unless the message names it already.
fn cluster_text(object: &ObjectRef, source: &ClusterError) -> String {
    let text = source.to_string();
    if text.contains(&object.to_string()) {
        text
    } else {
        format!("{object}: {text}")
    }
}

fn unknown_text(unknown: bool) -> &'static str {
    if unknown {
        " (the request was sent; whether the server made the change is unknown)"
    } else {
        ""
    }
}

fn stderr_text(stderr: &[String]) -> String {
    if stderr.is_empty() {
        String::new()
    } else {
        format!(": {}", stderr.join(" / "))
    }
}
