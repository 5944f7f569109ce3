//! `shipmate undo`: restores what an applied audit entry changed.

use crate::cli::UndoArgs;
use crate::exit::ExitCode;

/// Runs `shipmate undo`.
pub fn run(args: &UndoArgs) -> anyhow::Result<ExitCode> {
    let _ = args;
    anyhow::bail!("undo is being wired")
}
