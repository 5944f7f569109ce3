//! The `shipmate` command-line interface: parses arguments, runs one subcommand, maps the
//! outcome to a documented exit code and prints the whole error chain on failure.

mod apply;
mod audit;
mod cli;
mod clock;
mod cluster;
mod commands;
mod diagnose;
mod doctor;
mod draft;
mod exit;
mod fallback;
mod mcp;
mod order;
mod output;
mod pipeline;
mod policy;
mod profiles;
mod program;
mod render;
mod repl;
mod session;
mod shell;
mod style;
mod tools;
mod undo;
mod version;
mod xdg;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::exit::ExitCode;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        None => repl::run(&cli.repl),
        Some(Command::Repl(args)) => repl::run(args),
        Some(Command::Validate(args)) => commands::validate::run(args),
        Some(Command::Ask(args)) => commands::ask::run(args),
        Some(Command::Constitution(args)) => commands::constitution::run(args),
        Some(Command::History(args)) => commands::history::run(args),
        Some(Command::Undo(args)) => commands::undo::run(args),
        Some(Command::Apply(args)) => commands::apply::run(args),
        Some(Command::Completions(args)) => commands::completions::run(args),
        Some(Command::Man(args)) => commands::man::run(args),
        Some(Command::Doctor(args)) => commands::doctor::run(args),
        Some(Command::Draft(args)) => commands::draft::run(args),
        Some(Command::Mcp(args)) => commands::mcp::run(args),
        Some(Command::Diagnose(args)) => commands::diagnose::run(args),
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
