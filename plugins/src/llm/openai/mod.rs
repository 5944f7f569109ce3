//! The `openai` backend: Chat Completions, as spoken by OpenAI and every compatible server
//! (Azure OpenAI, vLLM, llama.cpp, LM Studio, LiteLLM, OpenRouter, Ollama's `/v1`).
//!
//! The answer is asked for as structured output (`response_format: json_schema` with the
//! checked-in proposal schema, non-strict: strict mode needs every property required). An
//! answer that is not a usable proposal gets up to `max_repairs` repair requests, then a
//! [`BackendError::MalformedAnswer`] with the raw answer saved to a file.
//!
//! With cluster tools in the [`Context`], the model may call them first (function calling);
//! each result is masked, capped and marked untrusted ([`ToolRunner`]), within [`ToolBounds`].

use std::path::PathBuf;

mod wire;

use async_trait::async_trait;
use serde_json::{Value, json};

use super::agent::{ToolBounds, ToolRunner};
use super::answer::{default_answer_dir, parse_proposal, save_answer};
use super::http::{Auth, HttpOptions, Provider, Transport};
use super::key::ApiKey;
use super::mask::mask_text;
use super::prompts;
use crate::backend::{Backend, Context, Request};
use crate::error::BackendError;
use crate::proposal::{Proposal, Status};
use wire::Completion;

/// The provider description used in errors and for auth.
const PROVIDER: Provider = Provider {
    backend: "openai",
    key_var: "OPENAI_API_KEY",
    url_var: "OPENAI_BASE_URL",
    auth: Auth::Bearer,
};

/// Settings of the `openai` backend. Build with [`OpenAiConfig::new`] or
/// [`OpenAiConfig::from_env`] and the `#[must_use]` setters.
#[derive(Debug, Clone)]
pub struct OpenAiConfig {
    /// The API root, e.g. `https://api.openai.com/v1` (`/chat/completions` is appended).
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
    /// Whether to stream the answer (server-sent events).
    pub stream: bool,
    /// Bounds on tool calls.
    pub tools: ToolBounds,
}

impl OpenAiConfig {
    /// OpenAI's own API root.
    pub const DEFAULT_BASE_URL: &'static str = "https://api.openai.com/v1";
    /// The model used when none is given.
    pub const DEFAULT_MODEL: &'static str = "gpt-4o-mini";

    /// Defaults: OpenAI's API, no key, [`Self::DEFAULT_MODEL`], one repair, no streaming.
    pub fn new() -> Self {
        Self {
            base_url: Self::DEFAULT_BASE_URL.to_owned(),
            api_key: None,
            model: Self::DEFAULT_MODEL.to_owned(),
            http: HttpOptions::default(),
            max_repairs: 1,
            answer_dir: default_answer_dir(),
            stream: false,
            tools: ToolBounds::default(),
        }
    }

    /// Defaults, with `OPENAI_BASE_URL` and `OPENAI_API_KEY` from the environment.
    pub fn from_env() -> Self {
        let config = Self::new().api_key(ApiKey::from_env(PROVIDER.key_var));
        match std::env::var(PROVIDER.url_var) {
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
}

impl OpenAiConfig {
    /// Sets the bounds on tool calls.
    #[must_use]
    pub fn tool_bounds(mut self, bounds: ToolBounds) -> Self {
        self.tools = bounds;
        self
    }
}

impl Default for OpenAiConfig {
    fn default() -> Self {
        Self::new()
    }
}

/// The `openai` backend.
#[derive(Debug)]
pub struct OpenAiBackend {
    config: OpenAiConfig,
    transport: Transport,
    url: String,
}

impl OpenAiBackend {
    /// A backend with `config`. OpenAI's own API needs a key; other servers may not.
    pub fn new(config: OpenAiConfig) -> Result<Self, BackendError> {
        let base = config.base_url.trim_end_matches('/');
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(BackendError::Config {
                backend: PROVIDER.backend.into(),
                message: format!(
                    "base URL `{base}` must start with http:// or https:// (set {})",
                    PROVIDER.url_var
                ),
            });
        }
        if config.api_key.is_none() && base == OpenAiConfig::DEFAULT_BASE_URL {
            return Err(BackendError::MissingKey {
                backend: PROVIDER.backend.into(),
                key_var: PROVIDER.key_var,
            });
        }
        let url = format!("{base}/chat/completions");
        let transport = Transport::new(PROVIDER, config.api_key.clone(), &config.http)?;
        Ok(Self {
            config,
            transport,
            url,
        })
    }

    /// One model call, offering the cluster tools when `with_tools`.
    async fn complete(
        &self,
        messages: &[Value],
        with_tools: bool,
    ) -> Result<Completion, BackendError> {
        let body = wire::body(&self.config, messages, with_tools);
        if self.config.stream {
            let events = self
                .transport
                .post_sse(&self.url, &body, wire::is_done)
                .await?;
            return Ok(wire::from_stream(&events));
        }
        let answer = self.transport.post_json(&self.url, &body).await?;
        wire::from_json(&answer).map_err(|m| self.transport.protocol(m.to_owned()))
    }

    /// Runs the tools `completion` asks for and adds the call and the results to `messages`.
    async fn run_tools(
        &self,
        completion: &Completion,
        runner: &mut ToolRunner<'_>,
        messages: &mut Vec<Value>,
        cx: &mut Context<'_>,
    ) {
        messages.push(completion.call_message());
        for call in &completion.calls {
            cx.progress(&format!("model asks for `{}`", call.name));
            let content = runner.run(&call.name, &call.arguments).await;
            messages.push(json!({"role": "tool", "tool_call_id": call.id, "content": content}));
        }
    }
}

/// The first user message: the request (masked) and the context it needs.
fn user_message(req: &Request, cx: &Context<'_>) -> String {
    format!(
        "Request: {}\nDefault namespace: {}",
        mask_text(&req.text),
        cx.namespace().unwrap_or("default")
    )
}

#[async_trait]
impl Backend for OpenAiBackend {
    fn name(&self) -> &str {
        PROVIDER.backend
    }

    fn uses_cluster_tools(&self) -> bool {
        true
    }

    fn repairs(&self) -> bool {
        true
    }

    async fn propose(&self, req: &Request, cx: &mut Context<'_>) -> Result<Proposal, BackendError> {
        let mut messages = vec![
            json!({"role": "system", "content": prompts::SYSTEM}),
            json!({"role": "user", "content": user_message(req, cx)}),
        ];
        let tools = cx.tools();
        let mut runner = ToolRunner::new(tools, self.config.tools);
        let (mut round, mut tool_rounds) = (0, 0);
        loop {
            cx.progress(&format!(
                "asking {} ({})",
                self.config.model, PROVIDER.backend
            ));
            let completion = self.complete(&messages, tools.is_some()).await?;
            cx.record_usage(completion.usage);
            if !completion.calls.is_empty() {
                tool_rounds += 1;
                if tool_rounds > self.config.tools.max_rounds {
                    return Err(BackendError::Failed {
                        backend: PROVIDER.backend.into(),
                        message: format!(
                            "the model kept asking for tools ({} rounds, {} calls) without answering; \
                             ask more precisely or try another model",
                            self.config.tools.max_rounds,
                            runner.calls()
                        ),
                    });
                }
                self.run_tools(&completion, &mut runner, &mut messages, cx)
                    .await;
                continue;
            }
            if let Some(refusal) = completion.refusal {
                let summary = format!("the model declined: {}", mask_text(&refusal));
                return Ok(Proposal::new(
                    PROVIDER.backend,
                    &req.text,
                    Status::NotUnderstood,
                    summary,
                ));
            }
            let raw = completion.content;
            let reason = match parse_proposal(PROVIDER.backend, &req.text, &raw) {
                Ok(proposal) => return Ok(proposal),
                Err(reason) => reason,
            };
            if round >= self.config.max_repairs {
                return Err(BackendError::MalformedAnswer {
                    backend: PROVIDER.backend.into(),
                    repairs: round,
                    reason,
                    saved: save_answer(&self.config.answer_dir, PROVIDER.backend, &raw),
                });
            }
            round += 1;
            tracing::debug!(round, %reason, "asking the model to repair its answer");
            messages.push(json!({"role": "assistant", "content": raw}));
            messages.push(json!({"role": "user", "content": prompts::repair(&reason)}));
        }
    }
}
