//! Command-line definitions (clap). Each subcommand's behaviour lives in `commands/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// shipmate: ask for Kubernetes changes in plain language; get validated, gated proposals.
#[derive(Debug, Parser)]
#[command(name = "shipmate", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate manifests: strict schema check and constitution gates.
    Validate(ValidateArgs),
    /// Turn a plain-language request into a validated proposal (scripted mode).
    Ask(AskArgs),
    /// Show or initialise the constitution (the policy gates).
    Constitution(ConstitutionArgs),
    /// List the audit log, newest first: what was applied, handed over or blocked, and when.
    History(HistoryArgs),
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Output {
    /// Human-readable text (coloured on a terminal).
    #[default]
    Text,
    /// YAML.
    Yaml,
    /// Stable JSON (the documented contract).
    Json,
}

/// Options shared by commands that validate.
#[derive(Debug, Clone, Args)]
pub struct GateArgs {
    /// Constitution file to use instead of ./constitution.yaml, the user config or the default.
    #[arg(long, value_name = "FILE")]
    pub constitution: Option<PathBuf>,
    /// CustomResourceDefinition files or directories whose schemas validate custom resources.
    #[arg(long = "crd", value_name = "FILE|DIR")]
    pub crds: Vec<PathBuf>,
    /// Skip the constitution gates (schema only).
    #[arg(long)]
    pub no_gates: bool,
}

/// `shipmate validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files or directories (read recursively for *.yaml, *.yml, *.json); `-` reads stdin.
    #[arg(value_name = "PATH|-", required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t)]
    pub output: Output,
    /// Gate options.
    #[command(flatten)]
    pub gates: GateArgs,
}

/// `shipmate ask`.
#[derive(Debug, Args)]
pub struct AskArgs {
    /// The request in plain language; read from stdin when absent or `-`.
    #[arg(value_name = "REQUEST", num_args = 0..)]
    pub request: Vec<String>,
    /// Backend that turns the request into a proposal.
    #[arg(long, default_value = "rules", env = "SHIPMATE_BACKEND")]
    pub backend: String,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t)]
    pub output: Output,
    /// Propose and validate only; never apply.
    #[arg(long)]
    pub no_apply: bool,
    /// Default namespace for the request.
    #[arg(long, short = 'n', value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// Base directory for the manual fallback (default `./shipmate-out`): the manifests
    /// (Secret values included, Secrets mode 0600) go to a new `DIR/<UTC time>-<summary>/`
    /// directory, never overwriting one, for `kubectl apply -f`.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Gate options.
    #[command(flatten)]
    pub gates: GateArgs,
}

/// `shipmate history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Output format (`json`: `{"log": PATH, "entries": [...]}`, newest first).
    #[arg(long, short, value_enum, default_value_t)]
    pub output: Output,
    /// Show at most N entries (the newest).
    #[arg(short = 'n', long = "limit", value_name = "N")]
    pub limit: Option<usize>,
}

/// `shipmate constitution`.
#[derive(Debug, Args)]
pub struct ConstitutionArgs {
    /// What to do with the constitution.
    #[command(subcommand)]
    pub action: ConstitutionAction,
}

/// `shipmate constitution …` actions.
#[derive(Debug, Subcommand)]
pub enum ConstitutionAction {
    /// Print the effective constitution (and where it came from).
    Show {
        /// Constitution file to show instead of the discovered one.
        #[arg(long, value_name = "FILE")]
        constitution: Option<PathBuf>,
    },
    /// Write the default constitution to ./constitution.yaml (or PATH).
    Init {
        /// Where to write it.
        #[arg(default_value = "constitution.yaml")]
        path: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
}
