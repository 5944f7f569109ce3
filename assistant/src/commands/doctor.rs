//! `shipmate doctor`: runs the setup checks (see `doctor/`) and prints them as text or JSON.
//! It takes the same backend, namespace, gate and cluster flags as `ask` and the REPL, so it
//! checks exactly what a session with those flags would use.
//! Exit code 0 when no check fails (warnings included), 1 when one does.

use std::time::Duration;

use clap::Args;

use crate::cli::{Output, SessionArgs};
use crate::doctor::{self, DoctorOptions};
use crate::exit::ExitCode;
use crate::output;
use crate::style::Style;

/// `shipmate doctor`.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Output format (`json`: `{"version", "checks": [{"name", "status", "message", "fix"}],
    /// "summary": {"ok", "warn", "fail"}}`).
    #[arg(long, short, value_enum, default_value_t)]
    pub output: Output,
    /// Most seconds to wait for each network request (cluster, model server) and program.
    #[arg(long, value_name = "SECONDS", default_value_t = 5)]
    pub timeout: u64,
    /// The session's options: what to check (backend, profile, model, kubeconfig, context,
    /// namespace, constitution).
    #[command(flatten)]
    pub session: SessionArgs,
}

/// Runs the checks and prints the report.
pub fn run(args: &DoctorArgs) -> anyhow::Result<ExitCode> {
    let session = &args.session;
    let opts = DoctorOptions {
        connect: session
            .cluster
            .session_options(session.namespace.clone())
            .connect,
        namespace: session.namespace.clone(),
        backend: session.backend.clone(),
        profile: session.profile.clone(),
        model: session.model.clone(),
        constitution: session.gates.constitution.clone(),
        timeout: Duration::from_secs(args.timeout.max(1)),
    };
    let report = doctor::run(&opts)?;
    match args.output {
        Output::Text => output::print(&report.to_text(Style::for_stdout()))?,
        format => output::print_structured(format, &report)?,
    }
    Ok(if report.failed() {
        ExitCode::Error
    } else {
        ExitCode::Ok
    })
}
