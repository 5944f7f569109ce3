//! Documented exit codes (DESIGN.md).

/// The process exit codes shipmate documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// Proposed (and applied, if asked), or validation passed.
    Ok = 0,
    /// Runtime error.
    Error = 1,
    /// Usage error (clap reports its own with this code too).
    Usage = 2,
    /// Blocked by a gate, or validation failed.
    Blocked = 3,
    /// The request needs input or was not understood.
    NeedsInput = 4,
    /// Apply failed part-way (or a rollout did not complete with `--wait`).
    ApplyFailed = 5,
    /// `diagnose` found problems (a finding of severity warning or worse).
    ProblemsFound = 6,
}
