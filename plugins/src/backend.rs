//! The plugin API: what a backend receives ([`Request`], [`Context`]) and must implement
//! ([`Backend`]).

use async_trait::async_trait;
use shipmate_manifests::gates::ResourceDefaults;

use crate::error::BackendError;
use crate::llm::Anonymizer;
use crate::proposal::Proposal;
use crate::tools::ClusterTools;
use crate::usage::Usage;

/// A plain-language request from a person or a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The request text, as typed.
    pub text: String,
}

impl Request {
    /// A request with the given text.
    pub fn new(text: impl Into<String>) -> Self {
        Self { text: text.into() }
    }
}

/// Receives progress messages while a backend works (a spinner in the REPL, nothing in scripts).
pub trait Progress: Send {
    /// Reports what the backend is doing now.
    fn update(&mut self, message: &str);

    /// Shows the next piece of the model's explanation as it streams in (the proposal's
    /// summary, decoded). Ignored by default.
    fn answer(&mut self, _text: &str) {}
}

/// A [`Progress`] sink that discards everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn update(&mut self, _message: &str) {}
}

/// What a backend may consult while proposing: the default namespace, the constitution's
/// resource defaults, the session history, read-only cluster tools ([`ClusterTools`], absent
/// without a cluster), a progress sink and the token meter ([`Usage`]).
pub struct Context<'a> {
    namespace: Option<String>,
    defaults: ResourceDefaults,
    history: &'a [Proposal],
    progress: &'a mut dyn Progress,
    usage: Usage,
    tools: Option<&'a dyn ClusterTools>,
    token_budget: Option<u64>,
    anonymizer: Option<&'a mut Anonymizer>,
}

impl<'a> Context<'a> {
    /// A context with no default namespace and no history, reporting to `progress`.
    pub fn new(progress: &'a mut dyn Progress) -> Self {
        Self {
            namespace: None,
            defaults: ResourceDefaults::default(),
            history: &[],
            progress,
            usage: Usage::default(),
            tools: None,
            token_budget: None,
            anonymizer: None,
        }
    }

    /// Sets the default namespace (`-n`), used when the request names none.
    #[must_use]
    pub fn with_namespace(mut self, namespace: Option<String>) -> Self {
        self.namespace = namespace.filter(|n| !n.is_empty());
        self
    }

    /// Sets the resource requests/limits generated containers get (the constitution's).
    #[must_use]
    pub fn with_resource_defaults(mut self, defaults: ResourceDefaults) -> Self {
        self.defaults = defaults;
        self
    }

    /// Resource requests/limits for generated containers.
    pub fn resource_defaults(&self) -> &ResourceDefaults {
        &self.defaults
    }

    /// Sets the earlier proposals of this session, oldest first.
    #[must_use]
    pub fn with_history(mut self, history: &'a [Proposal]) -> Self {
        self.history = history;
        self
    }

    /// The default namespace, if one was given.
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    /// Earlier proposals of this session, oldest first.
    pub fn history(&self) -> &'a [Proposal] {
        self.history
    }

    /// Reports progress.
    pub fn progress(&mut self, message: &str) {
        self.progress.update(message);
    }

    /// Gives the backend read-only cluster tools (none by default: no cluster).
    #[must_use]
    pub fn with_tools(mut self, tools: Option<&'a dyn ClusterTools>) -> Self {
        self.tools = tools;
        self
    }

    /// Sets the most tokens (prompt + completion, all model calls) this request may use; a
    /// backend stops asking its model once the budget is spent.
    #[must_use]
    pub fn with_token_budget(mut self, budget: Option<u64>) -> Self {
        self.token_budget = budget;
        self
    }

    /// The token budget, if any, and whether it is spent.
    pub fn token_budget(&self) -> Option<(u64, bool)> {
        self.token_budget
            .map(|b| (b, self.usage.total_tokens() >= b))
    }

    /// The read-only cluster tools, when a cluster is reachable.
    pub fn tools(&self) -> Option<&'a dyn ClusterTools> {
        self.tools
    }

    /// Turns on `--anonymize` with the session's name map: an LLM backend replaces object
    /// names and namespaces with its placeholders in everything it sends, and maps them back
    /// in the answer.
    #[must_use]
    pub fn with_anonymizer(mut self, anonymizer: Option<&'a mut Anonymizer>) -> Self {
        self.anonymizer = anonymizer;
        self
    }

    /// A sink for the model's explanation as it streams in: to the progress sink, with real
    /// names for placeholders under `--anonymize`.
    pub fn answer_stream(&mut self) -> crate::llm::stream::AnswerStream<'_> {
        crate::llm::stream::AnswerStream::new(&mut *self.progress, self.anonymizer.as_deref())
    }

    /// The session's name map, when `--anonymize` is on.
    pub fn anonymizer(&mut self) -> Option<&mut Anonymizer> {
        self.anonymizer.as_deref_mut()
    }

    /// Adds the usage of a model call to the meter.
    pub fn record_usage(&mut self, usage: Usage) {
        self.usage.add(usage);
    }

    /// Tokens used by model calls made with this context so far.
    pub fn usage(&self) -> Usage {
        self.usage
    }
}

impl std::fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("namespace", &self.namespace)
            .field("history", &self.history.len())
            .field("tools", &self.tools.is_some())
            .field("anonymize", &self.anonymizer.is_some())
            .finish_non_exhaustive()
    }
}

/// A backend turns a request into a [`Proposal`]. It never mutates a cluster.
#[async_trait]
pub trait Backend: Send + Sync {
    /// The name the backend is registered under (`rules`, `openai`…).
    fn name(&self) -> &str;

    /// Proposes manifests and actions for `req`.
    async fn propose(&self, req: &Request, cx: &mut Context<'_>) -> Result<Proposal, BackendError>;

    /// Whether the backend consults the read-only cluster tools ([`Context::tools`]); the
    /// session connects to the cluster for it only then. `false` by default.
    fn uses_cluster_tools(&self) -> bool {
        false
    }

    /// Whether a blocked proposal should go back to the backend with its findings (a model
    /// can correct itself; a deterministic backend would answer the same). `false` by default.
    fn repairs(&self) -> bool {
        false
    }
}
