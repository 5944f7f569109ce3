//! `shipmate doctor`: runs the setup checks (see `doctor/`) and prints them as text or JSON.
//! Exit code 0 when no check fails (warnings included), 1 when one does.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::cli::Output;
use crate::cluster::ConnectOptions;
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
    /// Backend to check instead of the profile's (rules, openai, anthropic, gemini, ollama).
    #[arg(long, value_name = "NAME", env = "SHIPMATE_BACKEND")]
    pub backend: Option<String>,
    /// Profile to check instead of the config's `default_profile`.
    #[arg(long, value_name = "NAME", env = "SHIPMATE_PROFILE")]
    pub profile: Option<String>,
    /// Model to check instead of the profile's or the backend's default.
    #[arg(long, value_name = "NAME", env = "SHIPMATE_MODEL")]
    pub model: Option<String>,
    /// Kubeconfig file (default: KUBECONFIG, then ~/.kube/config, then in-cluster).
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// Kubeconfig context to check instead of the current one.
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,
    /// Constitution file to check instead of the discovered one.
    #[arg(long, value_name = "FILE")]
    pub constitution: Option<PathBuf>,
    /// Most seconds to wait for each network request (cluster, model server) and program.
    #[arg(long, value_name = "SECONDS", default_value_t = 5)]
    pub timeout: u64,
}

/// Runs the checks and prints the report.
pub fn run(args: &DoctorArgs) -> anyhow::Result<ExitCode> {
    let opts = DoctorOptions {
        connect: ConnectOptions {
            kubeconfig: args.kubeconfig.clone(),
            context: args.context.clone(),
        },
        backend: args.backend.clone(),
        profile: args.profile.clone(),
        model: args.model.clone(),
        constitution: args.constitution.clone(),
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
