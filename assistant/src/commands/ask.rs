//! `shipmate ask`.

use crate::exit::ExitCode;

/// Runs `shipmate ask`.
pub fn run(_args: &crate::cli::AskArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`shipmate ask` is not built yet")
}
