//! A session: one backend, one constitution, one (lazily connected) cluster, and the history
//! of what was asked, shared by `ask` (one turn) and the REPL (many). Every request takes the
//! same path through [`Session::propose`] (backend, then schema and gates) and
//! [`Session::handle`] (server dry-run, diff, confirmation, apply or manual fallback, audit),
//! so the safety model lives in one place.

mod actions;
mod approval;
mod confirm;
mod diagnose;
mod edit;
mod execute;
mod flow;
mod inspect;
mod repair;
mod review;
mod undo;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context as _;
use shipmate_manifests::{Constitution, SchemaSet};
use shipmate_plugins::llm::Anonymizer;
use shipmate_plugins::{
    Backend, BackendOptions, ClusterTools, Context, Progress, Proposal, Request, Status, Usage,
};

pub use approval::Approval;
pub use confirm::{Choice, Prompter, TerminalPrompter};
pub use diagnose::Troubleshoot;
pub use flow::{Outcome, Ui};
pub use review::Review;
pub use undo::{UndoOutcome, UndoReport};

use crate::cluster::{Cluster, ClusterError, ConnectOptions};
use crate::pipeline;
use crate::tools::{ClusterReader, SessionTools, ToolLimits};

/// How a session is set up (from the command line).
#[derive(Debug, Clone)]
pub struct SessionOptions {
    /// `--kubeconfig` / `--context`.
    pub connect: ConnectOptions,
    /// `--namespace`: the default namespace for requests (else the context's).
    pub namespace: Option<String>,
    /// When to ask before running.
    pub approval: Approval,
    /// `--force`: take over fields other managers own.
    pub force: bool,
    /// Objects of one tier applied at once.
    pub concurrency: usize,
    /// `--wait`: follow rollouts until they complete (or time out).
    pub wait: Option<std::time::Duration>,
    /// `--model` and the like, for building backends (also by the REPL's `/backend`).
    pub backend: BackendOptions,
    /// Bounds on what one cluster-tool answer may cost a model.
    pub tool_limits: ToolLimits,
    /// How many times a blocked proposal goes back to a model with its findings.
    pub repair_rounds: u32,
    /// Most tokens one request may use (all model calls, repairs included).
    pub max_tokens: Option<u64>,
    /// Most time one request may wait for the backend (all calls together).
    pub llm_timeout: std::time::Duration,
    /// `--out-dir`: base directory of the manual fallback.
    pub out_dir: Option<PathBuf>,
    /// `--anonymize`: names and namespaces go to a model as placeholders.
    pub anonymize: bool,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            connect: ConnectOptions::default(),
            namespace: None,
            approval: Approval::default(),
            force: false,
            concurrency: crate::apply::DEFAULT_CONCURRENCY,
            wait: None,
            out_dir: None,
            backend: BackendOptions::default(),
            tool_limits: ToolLimits::default(),
            repair_rounds: 2,
            max_tokens: None,
            llm_timeout: std::time::Duration::from_secs(300),
            anonymize: false,
        }
    }
}

/// What [`Session::cluster`] says before [`Session::connect`].
static NOT_CONNECTED: ClusterError = ClusterError::Config {
    source_desc: String::new(),
    message: String::new(),
};

/// The state of the cluster connection: tried once per session.
enum ClusterState {
    NotTried,
    Connected(Box<Cluster>),
    Failed(ClusterError),
}

/// One session. See the module documentation.
pub struct Session {
    backend: Box<dyn Backend>,
    gates: Option<Constitution>,
    schemas: SchemaSet,
    /// How the session was set up; the REPL changes `approval`, `namespace` and the context.
    pub options: SessionOptions,
    history: Vec<Proposal>,
    runtime: tokio::runtime::Runtime,
    cluster: ClusterState,
    cancel: Arc<AtomicBool>,
    interrupt_installed: bool,
    usage: Usage,
    /// The name ↔ placeholder map of `--anonymize`, kept for the whole session so that a
    /// name keeps its placeholder across requests.
    names: Anonymizer,
}

impl Session {
    /// A session with `backend`, the constitution `gates` (`None`: `--no-gates`) and `schemas`.
    ///
    /// # Errors
    /// When the async runtime cannot start.
    pub fn new(
        backend: Box<dyn Backend>,
        gates: Option<Constitution>,
        schemas: SchemaSet,
        options: SessionOptions,
    ) -> anyhow::Result<Session> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .context("cannot start the async runtime")?;
        Ok(Session {
            backend,
            gates,
            schemas,
            options,
            history: Vec::new(),
            runtime,
            cluster: ClusterState::NotTried,
            cancel: Arc::new(AtomicBool::new(false)),
            interrupt_installed: false,
            usage: Usage::default(),
            names: Anonymizer::new(),
        })
    }

    /// The backend's name.
    pub fn backend_name(&self) -> &str {
        self.backend.name()
    }

    /// Replaces the backend (the REPL's `/backend`).
    pub fn set_backend(&mut self, backend: Box<dyn Backend>) {
        self.backend = backend;
    }

    /// The flag a Ctrl-C handler sets to cancel the current step.
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.cancel)
    }

    /// Tokens used by model calls in this session so far (the REPL's `/cost`).
    pub fn usage(&self) -> Usage {
        self.usage
    }

    /// Forgets the conversation (the REPL's `/clear`).
    pub fn clear_history(&mut self) {
        self.history.clear();
    }

    /// Asks the backend for a proposal and validates it (schema, gates, argv safety). A backend
    /// that can repair ([`Backend::repairs`]) gets the blocking findings back for at most
    /// `repair_rounds` more tries. The proposal joins the history, so a later "scale it to 5"
    /// can refer to it.
    ///
    /// # Errors
    /// When the backend fails (an LLM that cannot be reached, say).
    pub fn propose(&mut self, text: &str, progress: &mut dyn Progress) -> anyhow::Result<Proposal> {
        let deadline = std::time::Instant::now() + self.options.llm_timeout;
        let mut proposal = self.ask_backend(text, progress, self.options.max_tokens, deadline)?;
        self.validate(&mut proposal);
        let mut rounds = 0;
        while proposal.status == Status::Blocked
            && self.backend.repairs()
            && rounds < self.options.repair_rounds
        {
            rounds += 1;
            progress.update(&format!(
                "repairing: round {rounds} of {}",
                self.options.repair_rounds
            ));
            let spent = proposal.usage.map_or(0, |u| u.total_tokens());
            let budget = self.options.max_tokens.map(|m| m.saturating_sub(spent));
            let retry = repair::request(text, &proposal);
            let mut next = match self.ask_backend(&retry, progress, budget, deadline) {
                Ok(next) => next,
                Err(err) => {
                    // Nothing is lost: the blocked proposal stands, and says why it was not
                    // repaired.
                    proposal.findings.push(repair::failed(&err));
                    break;
                }
            };
            next.request = text.to_owned();
            if let (Some(mut total), Some(more)) = (proposal.usage, next.usage) {
                total.add(more);
                next.usage = Some(total);
            }
            self.validate(&mut next);
            proposal = next;
        }
        self.history.push(proposal.clone());
        Ok(proposal)
    }

    /// One backend call for `text`, with the cluster tools when the backend uses them, at most
    /// `budget` tokens, usage counted; Ctrl-C or `deadline` abandons it.
    fn ask_backend(
        &mut self,
        text: &str,
        progress: &mut dyn Progress,
        budget: Option<u64>,
        deadline: std::time::Instant,
    ) -> anyhow::Result<Proposal> {
        if budget == Some(0) {
            anyhow::bail!("the token budget (--max-tokens) for this request is spent");
        }
        let Some(time_left) = deadline.checked_duration_since(std::time::Instant::now()) else {
            anyhow::bail!("the time limit (--llm-timeout) for this request is spent");
        };
        let defaults = self
            .gates
            .as_ref()
            .map(|c| c.defaults().clone())
            .unwrap_or_default();
        let namespace = self.options.namespace.clone();
        if self.backend.uses_cluster_tools() {
            // A client only; an unreachable cluster shows up as tool errors the model reads.
            self.connect();
        }
        let tools = match &self.cluster {
            ClusterState::Connected(c) if self.backend.uses_cluster_tools() => Some(SessionTools {
                reader: ClusterReader::new(c, self.options.tool_limits),
                schemas: &self.schemas,
            }),
            _ => None,
        };
        let mut cx = Context::new(progress)
            .with_namespace(namespace)
            .with_resource_defaults(defaults)
            .with_history(&self.history)
            .with_tools(tools.as_ref().map(|t| t as &dyn ClusterTools))
            .with_token_budget(budget)
            .with_anonymizer(self.options.anonymize.then_some(&mut self.names));
        let request = Request::new(text);
        let cancel = Arc::clone(&self.cancel);
        cancel.store(false, Ordering::SeqCst);
        let limit = self.options.llm_timeout;
        let answer = self.runtime.block_on(async {
            tokio::select! {
                answer = self.backend.propose(&request, &mut cx) => Some(Ok(answer)),
                () = cancelled(&cancel) => None,
                () = tokio::time::sleep(time_left) => Some(Err(limit)),
            }
        });
        let usage = cx.usage();
        self.usage.add(usage);
        let answer = match answer {
            None => anyhow::bail!("cancelled (Ctrl-C): the backend's answer was abandoned"),
            Some(Err(limit)) => anyhow::bail!(
                "backend `{}` did not answer within {} s (--llm-timeout); raise the limit or \
                 ask more narrowly",
                self.backend.name(),
                limit.as_secs()
            ),
            Some(Ok(answer)) => answer,
        };
        let mut proposal = answer
            .with_context(|| format!("backend `{}` could not answer", self.backend.name()))?;
        proposal.usage = (usage.calls > 0).then_some(usage);
        Ok(proposal)
    }

    /// Validates a proposal (after an edit, say) with this session's schemas and gates.
    pub fn validate(&self, proposal: &mut Proposal) {
        pipeline::validate(proposal, &self.schemas, self.gates.as_ref());
    }

    /// Connects to the cluster on first use. The error is kept: a session does not retry a
    /// cluster that could not be configured (until the context changes).
    pub fn connect(&mut self) {
        if matches!(self.cluster, ClusterState::NotTried) {
            let opts = self.options.connect.clone();
            self.cluster = match self.runtime.block_on(Cluster::connect(&opts)) {
                Ok(mut c) => {
                    if let Some(ns) = &self.options.namespace {
                        c.set_namespace(ns);
                    }
                    ClusterState::Connected(Box::new(c))
                }
                Err(e) => ClusterState::Failed(e),
            };
        }
    }

    /// The cluster, after [`Session::connect`].
    pub fn cluster(&self) -> Result<&Cluster, &ClusterError> {
        match &self.cluster {
            ClusterState::Connected(c) => Ok(c),
            ClusterState::Failed(e) => Err(e),
            ClusterState::NotTried => Err(&NOT_CONNECTED),
        }
    }

    /// Switches to another kubeconfig context (the REPL's `/context`): the next step connects
    /// anew.
    pub fn set_context(&mut self, context: Option<String>) {
        self.options.connect.context = context;
        self.cluster = ClusterState::NotTried;
    }

    /// Runs `future` on the session's runtime.
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }
}

/// Resolves once `flag` is set (polled: the flag is set from a signal handler).
async fn cancelled(flag: &AtomicBool) {
    while !flag.load(Ordering::SeqCst) {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
