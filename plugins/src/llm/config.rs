//! The settings every LLM backend shares ([`LlmConfig`]), parameterised by what only one
//! provider has (`P`: its defaults, its environment variables, its extra settings).

use std::path::PathBuf;

use super::agent::{ToolBounds, ToolRunner};
use super::answer::{AnswerCheck, default_answer_dir};
use super::http::{HttpOptions, Provider, Transport};
use super::key::ApiKey;
use crate::error::BackendError;
use crate::tools::ClusterTools;

/// What a provider adds to [`LlmConfig`]: its defaults, and (as `Self`) its own settings.
pub trait LlmProvider: Clone + std::fmt::Debug + Default + Send + Sync {
    /// Names, environment variables and auth style.
    const PROVIDER: Provider;
    /// The provider's own API root.
    const DEFAULT_BASE_URL: &'static str;
    /// The model used when none is given.
    const DEFAULT_MODEL: &'static str;
    /// Whether the provider's own API root needs a key (a local server does not).
    const NEEDS_KEY: bool = true;
    /// The provider's model list, appended to the base URL: the cheap request
    /// `shipmate doctor` makes to see that the server answers and accepts the key.
    const MODELS_PATH: &'static str;
    /// Headers every request carries besides the key (`anthropic-version`).
    const HEADERS: &'static [(&'static str, &'static str)] = &[];
}

/// Settings of an LLM backend. Build with [`LlmConfig::new`] or [`LlmConfig::from_env`] and
/// the `#[must_use]` setters; `settings` holds what only provider `P` has.
#[derive(Debug, Clone)]
pub struct LlmConfig<P> {
    /// The API root (the backend appends its endpoint's path).
    pub base_url: String,
    /// The key; optional because local servers and proxies may need none.
    pub api_key: Option<ApiKey>,
    /// The model name.
    pub model: String,
    /// Timeouts and retry bounds.
    pub http: HttpOptions,
    /// Repair requests after an unusable answer before giving up.
    pub max_repairs: u32,
    /// Where unusable answers are saved.
    pub answer_dir: PathBuf,
    /// Whether to stream the answer (server-sent events).
    pub stream: bool,
    /// Bounds on tool calls.
    pub tools: ToolBounds,
    /// The provider's own settings.
    pub settings: P,
}

impl<P: LlmProvider> LlmConfig<P> {
    /// The provider's own API root.
    pub const DEFAULT_BASE_URL: &'static str = P::DEFAULT_BASE_URL;
    /// The model used when none is given.
    pub const DEFAULT_MODEL: &'static str = P::DEFAULT_MODEL;

    /// Defaults: the provider's API, no key, its default model, one repair, no streaming.
    pub fn new() -> Self {
        Self {
            base_url: P::DEFAULT_BASE_URL.to_owned(),
            api_key: None,
            model: P::DEFAULT_MODEL.to_owned(),
            http: HttpOptions::default(),
            max_repairs: 1,
            answer_dir: default_answer_dir(),
            stream: false,
            tools: ToolBounds::default(),
            settings: P::default(),
        }
    }

    /// Defaults, with the base URL and the key from the provider's environment variables.
    pub fn from_env() -> Self {
        let config = Self::new().api_key(ApiKey::from_env(P::PROVIDER.key_var));
        match std::env::var(P::PROVIDER.url_var) {
            Ok(url) if !url.trim().is_empty() => config.base_url(url.trim()),
            _ => config,
        }
    }

    /// Sets the API root.
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Sets (or clears) the key.
    #[must_use]
    pub fn api_key(mut self, key: Option<ApiKey>) -> Self {
        self.api_key = key;
        self
    }

    /// Sets the model.
    #[must_use]
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = model.into();
        self
    }

    /// Sets timeouts and retry bounds.
    #[must_use]
    pub fn http(mut self, http: HttpOptions) -> Self {
        self.http = http;
        self
    }

    /// Sets how many repair requests follow an unusable answer.
    #[must_use]
    pub fn max_repairs(mut self, rounds: u32) -> Self {
        self.max_repairs = rounds;
        self
    }

    /// Sets where unusable answers are saved.
    #[must_use]
    pub fn answer_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.answer_dir = dir.into();
        self
    }

    /// Turns streaming on or off.
    #[must_use]
    pub fn stream(mut self, stream: bool) -> Self {
        self.stream = stream;
        self
    }

    /// Sets the bounds on tool calls.
    #[must_use]
    pub fn tool_bounds(mut self, bounds: ToolBounds) -> Self {
        self.tools = bounds;
        self
    }

    /// The tool runner (over `tools`) and the answer check of one request, within these
    /// settings' bounds.
    pub(crate) fn request_state<'a>(
        &'a self,
        request: &'a str,
        tools: Option<&'a dyn ClusterTools>,
    ) -> (ToolRunner<'a>, AnswerCheck<'a>) {
        let backend = P::PROVIDER.backend;
        let check = AnswerCheck::new(backend, request, self.max_repairs, &self.answer_dir);
        (ToolRunner::new(tools, self.tools), check)
    }

    /// The progress line shown before each model call.
    pub(crate) fn asking(&self) -> String {
        format!("asking {} ({})", self.model, P::PROVIDER.backend)
    }

    /// The base URL without a trailing `/`, checked to be `http(s)://`; a key is required
    /// when it is the provider's own API root (unless the provider needs none).
    pub fn checked_base(&self) -> Result<&str, BackendError> {
        let provider = P::PROVIDER;
        let base = self.base_url.trim_end_matches('/');
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(BackendError::Config {
                backend: provider.backend.into(),
                message: format!(
                    "base URL `{base}` must start with http:// or https:// (set {})",
                    provider.url_var
                ),
            });
        }
        if P::NEEDS_KEY
            && self.api_key.is_none()
            && base == P::DEFAULT_BASE_URL.trim_end_matches('/')
        {
            return Err(BackendError::MissingKey {
                backend: provider.backend.into(),
                key_var: provider.key_var,
            });
        }
        Ok(base)
    }

    /// Checks the settings and returns the URL of endpoint `path` (appended to the base URL)
    /// with a transport for it.
    pub(crate) fn connect(&self, path: &str) -> Result<(String, Transport), BackendError> {
        let url = format!("{}{path}", self.checked_base()?);
        let transport =
            Transport::new(P::PROVIDER, self.api_key.clone(), &self.http)?.with_headers(P::HEADERS);
        Ok((url, transport))
    }
}

impl<P: LlmProvider> Default for LlmConfig<P> {
    fn default() -> Self {
        Self::new()
    }
}
