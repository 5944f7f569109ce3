//! `shipmate constitution`.

use crate::exit::ExitCode;

/// Runs `shipmate constitution`.
pub fn run(_args: &crate::cli::ConstitutionArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`shipmate constitution` is not built yet")
}
