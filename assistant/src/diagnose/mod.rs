//! `shipmate diagnose`: read the cluster, run the offline analyzers
//! ([`shipmate_plugins::analyze`]), report what is wrong.
//!
//! Why it is built this way:
//! - One read of everything the analyzers need, then pure analysis: the analyzers never talk to
//!   the cluster, so they are unit-tested on fixtures and fast, and the same findings serve
//!   `shipmate diagnose`, plain-language troubleshooting in `ask` and the REPL, and the LLM's
//!   `diagnose` tool.
//! - Large clusters: lists are paginated ([`list::PAGE`] per page), run concurrently with a
//!   bounded number of requests in flight, and every page is trimmed as soon as it is decoded
//!   (no `managedFields`, no last-applied copies, no Secret values, no ConfigMap values), so
//!   memory grows with the objects' useful parts, not with their bulk.
//! - Partial access is normal: a kind the account may not list (403) or the cluster does not
//!   serve is skipped with a note, and the analyzers that need it stay quiet.

mod collect;
mod list;
mod logs;
mod progress;
mod related;
mod report;
mod run;
mod target;
mod trim;

pub use collect::collect;
pub use list::Skipped;
pub use progress::thousands;
pub use report::Report;
pub use run::{Request, run};
pub use target::Target;

/// What to diagnose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// One namespace.
    Namespace(String),
    /// Every namespace (`-A`).
    All,
}

impl Scope {
    /// The namespace listed, `None` for all of them.
    pub fn namespace(&self) -> Option<&str> {
        match self {
            Scope::Namespace(ns) => Some(ns),
            Scope::All => None,
        }
    }
}

/// Bounds on one collection. Defaults: 8 requests in flight, the previous log of at most 20
/// crashing containers, 20 lines and 4 KiB each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct Limits {
    /// Requests in flight at once.
    pub in_flight: usize,
    /// Crashing containers whose previous log is read.
    pub logs: usize,
    /// Lines of each previous log.
    pub log_lines: i64,
    /// Bytes of each previous log.
    pub log_bytes: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            in_flight: 8,
            logs: 20,
            log_lines: 20,
            log_bytes: 4096,
        }
    }
}
