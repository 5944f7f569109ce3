//! `shipmate completions SHELL`: the shell's completion script, generated from the clap
//! definitions, so it can never disagree with the real subcommands and flags.

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::cli::Cli;
use crate::exit::ExitCode;
use crate::output;

/// `shipmate completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

/// Prints the completion script for `args.shell` to stdout.
pub fn run(args: &CompletionsArgs) -> anyhow::Result<ExitCode> {
    output::print(&script(args.shell))?;
    Ok(ExitCode::Ok)
}

/// The completion script for `shell`. Generated into memory first: clap_complete panics on a
/// write error, and a closed pipe (`shipmate completions bash | head`) is not an error.
pub fn script(shell: Shell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "shipmate", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}
