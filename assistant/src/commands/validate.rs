//! `shipmate validate`.

use crate::exit::ExitCode;

/// Runs `shipmate validate`.
pub fn run(_args: &crate::cli::ValidateArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`shipmate validate` is not built yet")
}
