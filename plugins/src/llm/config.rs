//! The settings every HTTP LLM backend shares, generic over the provider so that each backend
//! keeps its own defaults and environment variables (`OpenAiConfig::from_env()` reads
//! `OPENAI_*`, `GeminiConfig::from_env()` reads `GEMINI_*`) without repeating the fields and
//! setters.

use std::fmt;
use std::marker::PhantomData;
use std::path::PathBuf;

use super::agent::ToolBounds;
use super::answer::default_answer_dir;
use super::http::{HttpOptions, Provider};
use super::key::ApiKey;
use crate::error::BackendError;

/// What distinguishes one provider's settings: its names, variables and defaults.
pub trait ProviderDefaults {
    /// The backend's name, key variable, base-URL variable and auth style.
    const PROVIDER: Provider;
    /// The API root used when none is given.
    const BASE_URL: &'static str;
    /// The model used when none is given.
    const MODEL: &'static str;
    /// Whether the provider's own API root needs a key (a local server does not).
    const NEEDS_KEY: bool = true;
}

/// Settings of an LLM backend for provider `P`. Build with [`LlmConfig::new`] or
/// [`LlmConfig::from_env`] and the `#[must_use]` setters.
pub struct LlmConfig<P> {
    /// The API root (the backend appends its endpoint paths).
    pub base_url: String,
    /// The key; optional because local servers need none.
    pub api_key: Option<ApiKey>,
    /// The model name.
    pub model: String,
    /// Timeouts and retry bounds.
    pub http: HttpOptions,
    /// Repair requests after an unusable answer before giving up.
    pub max_repairs: u32,
    /// Where unusable answers are saved.
    pub answer_dir: PathBuf,
    /// Whether to stream the answer.
    pub stream: bool,
    /// Bounds on tool calls.
    pub tools: ToolBounds,
    provider: PhantomData<fn() -> P>,
}

impl<P: ProviderDefaults> LlmConfig<P> {
    /// The provider's own API root.
    pub const DEFAULT_BASE_URL: &'static str = P::BASE_URL;
    /// The model used when none is given.
    pub const DEFAULT_MODEL: &'static str = P::MODEL;

    /// Defaults: the provider's API root and model, no key, one repair, no streaming.
    pub fn new() -> Self {
        Self {
            base_url: P::BASE_URL.to_owned(),
            api_key: None,
            model: P::MODEL.to_owned(),
            http: HttpOptions::default(),
            max_repairs: 1,
            answer_dir: default_answer_dir(),
            stream: false,
            tools: ToolBounds::default(),
            provider: PhantomData,
        }
    }

    /// Defaults, with the base URL and key from the provider's environment variables.
    pub fn from_env() -> Self {
        let config = Self::new().api_key(ApiKey::from_env(P::PROVIDER.key_var));
        match std::env::var(P::PROVIDER.url_var) {
            Ok(url) if !url.trim().is_empty() => config.base_url(url.trim()),
            _ => config,
        }
    }

    /// The base URL without a trailing `/`, checked to be `http(s)://`; a key is required
    /// when it is the provider's own API root.
    pub fn checked_base(&self) -> Result<&str, BackendError> {
        let base = self.base_url.trim_end_matches('/');
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(BackendError::Config {
                backend: P::PROVIDER.backend.into(),
                message: format!(
                    "base URL `{base}` must start with http:// or https:// (set {})",
                    P::PROVIDER.url_var
                ),
            });
        }
        if P::NEEDS_KEY && self.api_key.is_none() && base == P::BASE_URL.trim_end_matches('/') {
            return Err(BackendError::MissingKey {
                backend: P::PROVIDER.backend.into(),
                key_var: P::PROVIDER.key_var,
            });
        }
        Ok(base)
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
}

impl<P: ProviderDefaults> Default for LlmConfig<P> {
    fn default() -> Self {
        Self::new()
    }
}

impl<P> Clone for LlmConfig<P> {
    fn clone(&self) -> Self {
        Self {
            base_url: self.base_url.clone(),
            api_key: self.api_key.clone(),
            model: self.model.clone(),
            http: self.http,
            max_repairs: self.max_repairs,
            answer_dir: self.answer_dir.clone(),
            stream: self.stream,
            tools: self.tools,
            provider: PhantomData,
        }
    }
}

impl<P: ProviderDefaults> fmt::Debug for LlmConfig<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LlmConfig")
            .field("backend", &P::PROVIDER.backend)
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key)
            .field("model", &self.model)
            .field("http", &self.http)
            .field("max_repairs", &self.max_repairs)
            .field("answer_dir", &self.answer_dir)
            .field("stream", &self.stream)
            .field("tools", &self.tools)
            .finish()
    }
}
