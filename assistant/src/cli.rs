//! Command-line definitions (clap). Each subcommand's behaviour lives in `commands/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// shipmate: ask for Kubernetes changes in plain language; get validated, gated proposals.
///
/// Without a subcommand, shipmate starts the interactive REPL (the same as `shipmate repl`).
#[derive(Debug, Parser)]
#[command(name = "shipmate", version = crate::version::VERSION, about, long_about = None, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// What to do (default: the REPL).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The REPL's options, when no subcommand is given.
    #[command(flatten)]
    pub repl: ReplArgs,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate manifests: strict schema check and constitution gates.
    Validate(ValidateArgs),
    /// Turn a plain-language request into a validated proposal; apply it after confirmation
    /// (or with --yes), else hand it over as files and commands.
    Ask(AskArgs),
    /// Apply manifest files: validate (schema, gates), server dry-run, diff, confirm, then
    /// server-side apply in dependency order — `kubectl apply` with the safety checks.
    Apply(ApplyArgs),
    /// Undo an applied change from the audit log (default: the latest one not yet undone).
    Undo(UndoArgs),
    /// Show or initialise the constitution (the policy gates).
    Constitution(ConstitutionArgs),
    /// List the audit log, newest first: what was applied, handed over or blocked, and when.
    History(HistoryArgs),
    /// Find what is wrong in a namespace, the whole cluster (-A) or with one object: read the
    /// cluster, run the offline analyzers, report findings by severity (exit code 6 when any
    /// is a warning or worse); --fix applies the proposed fixes through the normal pipeline.
    Diagnose(DiagnoseArgs),
    /// The interactive session (also what `shipmate` alone starts): ask, review the diff,
    /// confirm; `/help` lists the meta-commands.
    Repl(ReplArgs),
    /// Draft files from manifests or a request (`shipmate draft helm DIR`: a Helm chart).
    Draft(DraftArgs),
    /// Print a shell completion script to stdout (bash, zsh, fish, powershell, elvish).
    Completions(crate::commands::completions::CompletionsArgs),
    /// Print the man page (roff), or write one page per subcommand with --dir.
    Man(crate::commands::man::ManArgs),
    /// Check the setup: kubeconfig, cluster, permissions, kubectl and helm, backend,
    /// constitution, state directory. Exit code 1 when a check fails.
    Doctor(crate::commands::doctor::DoctorArgs),
    /// Serve shipmate's tools to MCP clients (coding agents): validate, propose, read the
    /// cluster, and — with --allow-apply — apply a proposal. stdio by default; --http serves
    /// streamable HTTP at /mcp.
    Mcp(McpArgs),
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
    /// Output format.
    #[arg(long, short, value_enum, default_value_t)]
    pub output: Output,
    /// Propose and validate only; never apply (the manifests go to the manual fallback).
    #[arg(long)]
    pub no_apply: bool,
    /// Backend, namespace, gate and cluster options.
    #[command(flatten)]
    pub session: SessionArgs,
}

/// `shipmate repl` (and `shipmate` alone).
#[derive(Debug, Clone, Args)]
pub struct ReplArgs {
    /// Backend, namespace, gate and cluster options.
    #[command(flatten)]
    pub session: SessionArgs,
}

/// What a session is built from: the options shared by `ask` and the REPL.
#[derive(Debug, Clone, Args)]
pub struct SessionArgs {
    /// Backend that turns requests into proposals: rules (offline, the default), openai…
    #[arg(long, value_name = "NAME", env = "SHIPMATE_BACKEND")]
    pub backend: Option<String>,
    /// A named profile (backend, model, base URL, key variable) from
    /// ~/.config/shipmate/config.yaml; default: its `default_profile`.
    #[arg(long, value_name = "NAME", env = "SHIPMATE_PROFILE")]
    pub profile: Option<String>,
    /// Model for an LLM backend (default: the backend's own, e.g. `gpt-4o-mini` for openai).
    #[arg(long, value_name = "NAME", env = "SHIPMATE_MODEL")]
    pub model: Option<String>,
    /// Most bytes of one cluster-tool answer a model gets (logs, lists, objects; the end of a
    /// log is kept).
    #[arg(long, value_name = "BYTES", default_value_t = 16 * 1024)]
    pub tool_max_bytes: usize,
    /// Log lines a model gets when it names no tail.
    #[arg(long, value_name = "LINES", default_value_t = 200)]
    pub log_tail: i64,
    /// How many times a proposal that validation blocked goes back to a model with its
    /// findings (LLM backends).
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub repair_rounds: u32,
    /// Most tokens (prompt + completion, all model calls, repairs included) one request may use
    /// (LLM backends); no limit by default.
    #[arg(long, value_name = "TOKENS")]
    pub max_tokens: Option<u64>,
    /// Most seconds one request may wait for a backend, tool rounds and repairs included.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub llm_timeout: u64,
    /// Most rows of one list a model gets.
    #[arg(long, value_name = "ROWS", default_value_t = 200)]
    pub list_rows: usize,
    /// Replace object names and namespaces with stable placeholders (`ns-1`, `name-2`) in
    /// everything sent to a model, and map them back in its answer (LLM backends).
    #[arg(long, env = "SHIPMATE_ANONYMIZE", value_parser = clap::builder::BoolishValueParser::new())]
    pub anonymize: bool,
    /// Default namespace for requests.
    #[arg(long, short = 'n', value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// Gate options.
    #[command(flatten)]
    pub gates: GateArgs,
    /// Cluster and apply options.
    #[command(flatten)]
    pub cluster: ClusterArgs,
}

/// Options of commands that talk to a cluster and apply.
#[derive(Debug, Clone, Args)]
pub struct ClusterArgs {
    /// Apply without asking when no finding blocks (the same as `--approval never`).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// When to ask before running: `mutations` (read-only actions run without asking),
    /// `always`, or `never`.
    #[arg(long, value_enum, default_value_t, value_name = "POLICY")]
    pub approval: crate::session::Approval,
    /// Kubeconfig file (default: KUBECONFIG, then ~/.kube/config, then in-cluster).
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// Kubeconfig context to use instead of the current one.
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,
    /// Take over fields that other field managers own (server-side apply `force`).
    #[arg(long)]
    pub force: bool,
    /// Objects of one dependency tier applied at once (lower it for a rate-limited API server).
    #[arg(long, value_name = "N", default_value_t = crate::apply::DEFAULT_CONCURRENCY,
          value_parser = concurrency)]
    pub concurrency: usize,
    /// After applying, follow rollouts until they complete, for at most SECONDS (default 300).
    #[arg(long, value_name = "SECONDS", num_args = 0..=1, default_missing_value = "300")]
    pub wait: Option<u64>,
    /// Base directory for the manual fallback (default `./shipmate-out`): the manifests
    /// (Secret values included, Secrets mode 0600) go to a new `DIR/<UTC time>-<summary>/`
    /// directory, never overwriting one, for `kubectl apply -f`.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

impl ClusterArgs {
    /// The session options these flags ask for, with `namespace` as the default namespace.
    pub fn session_options(&self, namespace: Option<String>) -> crate::session::SessionOptions {
        crate::session::SessionOptions {
            connect: crate::cluster::ConnectOptions {
                kubeconfig: self.kubeconfig.clone(),
                context: self.context.clone(),
            },
            namespace,
            approval: if self.yes {
                crate::session::Approval::Never
            } else {
                self.approval
            },
            force: self.force,
            concurrency: self.concurrency,
            wait: self.wait.map(std::time::Duration::from_secs),
            out_dir: self.out_dir.clone(),
            backend: shipmate_plugins::BackendOptions::default(),
            tool_limits: crate::tools::ToolLimits::default(),
            repair_rounds: 2,
            max_tokens: None,
            llm_timeout: std::time::Duration::from_secs(300),
            anonymize: false,
        }
    }
}

/// `shipmate apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// Files or directories (read recursively for *.yaml, *.yml, *.json); `-` reads stdin.
    #[arg(value_name = "PATH|-", required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t)]
    pub output: Output,
    /// Namespace for objects that name none (default: the context's).
    #[arg(long, short = 'n', value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// Gate options.
    #[command(flatten)]
    pub gates: GateArgs,
    /// Cluster and apply options.
    #[command(flatten)]
    pub cluster: ClusterArgs,
}

/// `shipmate diagnose`.
#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    /// One object to diagnose with what its analysis needs (`pod/api-0`, `deploy/web`,
    /// `svc/shop`); default: everything in the namespace.
    #[arg(value_name = "KIND/NAME", conflicts_with = "all_namespaces")]
    pub target: Option<String>,
    /// Namespace to diagnose (default: the context's).
    #[arg(long, short = 'n', value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// Diagnose every namespace.
    #[arg(long, short = 'A', conflicts_with = "namespace")]
    pub all_namespaces: bool,
    /// Output format (`json`: the documented report, see README).
    #[arg(long, short, value_enum, default_value_t)]
    pub output: Output,
    /// Offer each finding's fix as a proposal: validated, dry-run, diffed, confirmed (or
    /// --yes), applied and audited (`shipmate undo` restores).
    #[arg(long)]
    pub fix: bool,
    /// Gate options (for --fix).
    #[command(flatten)]
    pub gates: GateArgs,
    /// Cluster and apply options.
    #[command(flatten)]
    pub cluster: ClusterArgs,
}

/// `shipmate undo`.
#[derive(Debug, Args)]
pub struct UndoArgs {
    /// The audit entry to undo (see `shipmate history`); default: the latest applied entry
    /// that is not an undo and has not been undone.
    #[arg(value_name = "ID")]
    pub id: Option<String>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t)]
    pub output: Output,
    /// Cluster and apply options.
    #[command(flatten)]
    pub cluster: ClusterArgs,
}

/// `shipmate mcp`.
#[derive(Debug, Args)]
pub struct McpArgs {
    /// Serve streamable HTTP at http://ADDR/mcp instead of stdio (ADDR defaults to
    /// 127.0.0.1:8765; port 0 picks a free one). An address other than loopback needs
    /// --token-env.
    #[arg(long, value_name = "ADDR", num_args = 0..=1,
          default_missing_value = "127.0.0.1:8765", value_parser = listen_address)]
    pub http: Option<std::net::SocketAddr>,
    /// Name of the environment variable that holds the bearer token every HTTP request must
    /// carry (`Authorization: Bearer <token>`, at least 16 characters); required when ADDR is
    /// not loopback. The token is never a flag, so it stays out of process lists.
    #[arg(long, value_name = "VAR", requires = "http")]
    pub token_env: Option<String>,
    /// Offer the `apply` tool: a client may apply a proposal made by `propose` (after the
    /// server dry-run; never one that a finding blocks; recorded in the audit log). Without
    /// it the server is read-only.
    #[arg(long)]
    pub allow_apply: bool,
    /// Backend, namespace, gate and cluster options (the confirmation flags do not apply: an
    /// `apply` call is the confirmation).
    #[command(flatten)]
    pub session: SessionArgs,
}

/// `--http ADDR`: `IP:PORT`, or `localhost:PORT`.
fn listen_address(text: &str) -> Result<std::net::SocketAddr, String> {
    if let Ok(addr) = text.parse() {
        return Ok(addr);
    }
    if let Some(port) = text.strip_prefix("localhost:")
        && let Ok(port) = port.parse::<u16>()
    {
        return Ok(std::net::SocketAddr::from(([127, 0, 0, 1], port)));
    }
    Err(
        "expected IP:PORT, e.g. 127.0.0.1:8765 (loopback) or 0.0.0.0:8765 (all interfaces, \
         needs --token-env)"
            .into(),
    )
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

/// `shipmate draft`.
#[derive(Debug, Args)]
pub struct DraftArgs {
    /// What to draft.
    #[command(subcommand)]
    pub kind: DraftKind,
}

/// `shipmate draft …` kinds.
#[derive(Debug, Subcommand)]
pub enum DraftKind {
    /// A Helm chart in DIR (Chart.yaml, values for local and production, one template per
    /// object, _helpers.tpl, NOTES.txt) from manifest files (`--from`) or a request. Secret
    /// values are never written: the chart asks for them at install time.
    Helm(DraftHelmArgs),
}

/// `shipmate draft helm`. It names the backend flags itself instead of flattening
/// [`SessionArgs`]: that would bring in the cluster flags, whose `--force` (server-side apply)
/// means something else than this command's `--force` (overwrite the chart).
#[derive(Debug, Args)]
pub struct DraftHelmArgs {
    /// The chart directory (created; an existing non-empty one needs --force).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// A request in plain language whose proposal becomes the chart (through the backend).
    #[arg(value_name = "REQUEST", num_args = 0.., conflicts_with = "from")]
    pub request: Vec<String>,
    /// Manifest files or directories (read recursively) to make the chart of.
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub from: Vec<PathBuf>,
    /// Chart name (default: DIR's file name).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Replace the chart's files in a non-empty DIR (other files there are left alone).
    #[arg(long)]
    pub force: bool,
    /// Output format (`json`: `{"chart": DIR, "name": NAME, "files": [...]}`).
    #[arg(long, short, value_enum, default_value_t)]
    pub output: Output,
    /// Backend for a request: rules (offline, the default), openai…
    #[arg(long, value_name = "NAME", env = "SHIPMATE_BACKEND")]
    pub backend: Option<String>,
    /// A named profile from ~/.config/shipmate/config.yaml.
    #[arg(long, value_name = "NAME", env = "SHIPMATE_PROFILE")]
    pub profile: Option<String>,
    /// Model for an LLM backend.
    #[arg(long, value_name = "NAME", env = "SHIPMATE_MODEL")]
    pub model: Option<String>,
    /// Default namespace for a request.
    #[arg(long, short = 'n', value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// Gate options.
    #[command(flatten)]
    pub gates: GateArgs,
}

/// `--concurrency`: 1 to 256.
fn concurrency(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if (1..=256).contains(&n) => Ok(n),
        _ => Err("expected a number of objects from 1 to 256".into()),
    }
}
