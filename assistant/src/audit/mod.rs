//! The audit log: every decision about a proposal that could change a cluster — applied,
//! declined, handed over as a manual fallback, or blocked — is appended to a JSONL file in the
//! XDG state directory (`$XDG_STATE_HOME/shipmate/audit.jsonl`, default
//! `~/.local/state/shipmate/audit.jsonl`; directory 0700, file 0600).
//!
//! The log never holds a secret value: Secret `data`/`stringData` values are replaced by
//! `<redacted>` (keys kept) in manifests and prior states, and known values are scrubbed from
//! the request and action arguments. A prior Secret's values are therefore not restorable from
//! the log, and [`Prior::Existed`]'s `redacted` list says so for `undo`.

mod digest;
mod entry;
mod log;
mod redact;

pub use entry::{ActionRecord, Decision, Entry, ObjectRecord, ObjectResult, Prior};
pub use log::{AuditLog, Contents};
