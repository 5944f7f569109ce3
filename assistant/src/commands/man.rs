//! `shipmate man`: the man page in roff, generated from the clap definitions (the same text as
//! `--help`), printed to stdout or written as one page per subcommand with `--dir`.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, CommandFactory};

use crate::cli::Cli;
use crate::exit::ExitCode;
use crate::output;

/// `shipmate man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write `shipmate.1` and one `shipmate-SUBCOMMAND.1` per subcommand into DIR (created
    /// when missing) instead of printing shipmate(1).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Prints shipmate(1), or writes every page into `--dir`.
pub fn run(args: &ManArgs) -> anyhow::Result<ExitCode> {
    let cmd = Cli::command();
    let Some(dir) = &args.dir else {
        let mut buf = Vec::new();
        clap_mangen::Man::new(cmd)
            .render(&mut buf)
            .context("cannot render the man page")?;
        output::print(&String::from_utf8_lossy(&buf))?;
        return Ok(ExitCode::Ok);
    };
    std::fs::create_dir_all(dir).with_context(|| {
        format!(
            "cannot create --dir {}; pick a writable directory",
            dir.display()
        )
    })?;
    clap_mangen::generate_to(cmd, dir).with_context(|| {
        format!(
            "cannot write man pages into {}; pick a writable directory",
            dir.display()
        )
    })?;
    eprintln!(
        "wrote man pages to {} (view one with `man -l {}/shipmate.1`)",
        dir.display(),
        dir.display()
    );
    Ok(ExitCode::Ok)
}
