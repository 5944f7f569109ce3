//! The `shipmate` command-line interface: parses arguments, runs one subcommand, maps the
//! outcome to a documented exit code and prints the whole error chain on failure.

#[allow(
    dead_code,
    unused_imports,
    reason = "the applier is wired into `ask --yes` and the REPL in a follow-up; tested here"
)]
mod apply;
mod audit;
mod cli;
mod clock;
#[allow(
    dead_code,
    unused_imports,
    reason = "used by the applier, wired into `ask --yes` and the REPL in a follow-up"
)]
mod cluster;
mod commands;
mod exit;
mod fallback;
mod order;
mod output;
mod pipeline;
mod policy;
mod render;
mod shell;
mod style;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::exit::ExitCode;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Validate(args) => commands::validate::run(args),
        Command::Ask(args) => commands::ask::run(args),
        Command::Constitution(args) => commands::constitution::run(args),
        Command::History(args) => commands::history::run(args),
    };
    let code = match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("shipmate: error: {err:#}");
            ExitCode::Error
        }
    };
    std::process::ExitCode::from(code as u8)
}
