//! The `ollama` backend: Ollama's native `/api/chat` at `OLLAMA_HOST` (default
//! `http://127.0.0.1:11434`; a bare `host:port` as Ollama itself accepts it), no key (a
//! `OLLAMA_API_KEY`, if set, is sent as a bearer token for proxies and Ollama's cloud).
//!
//! Tools are offered natively (`tools`, the function-calling shape); without tools the answer
//! is constrained by the proposal schema (`format`). Streaming is newline-delimited JSON, one
//! object a line, the last with `done: true` and the token counts (`prompt_eval_count`,
//! `eval_count`).
//!
//! Many local models have no native tool calling: Ollama answers 400 "… does not support
//! tools". The backend then switches, for the rest of its life, to a JSON-in-text fallback:
//! the tools are described in the system message, the answer is forced to JSON
//! (`format: "json"`), a `{"tool_calls": […]}` answer is run like native calls, and the results
//! go back as a user message (still masked, capped and marked untrusted).

mod wire;

use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use serde_json::{Value, json};

use super::config::{LlmConfig, LlmProvider};
use super::conversation::{Completion, Dialect, LlmBackend};
use super::framing::LineParser;
use super::http::{Auth, Provider, Transport};
use super::stream::AnswerStream;
use crate::error::BackendError;

/// The Ollama provider: names, variables and defaults of [`OllamaConfig`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ollama;

impl LlmProvider for Ollama {
    const PROVIDER: Provider = Provider {
        backend: "ollama",
        key_var: "OLLAMA_API_KEY",
        url_var: "OLLAMA_HOST",
        auth: Auth::Bearer,
    };
    const DEFAULT_BASE_URL: &'static str = "http://127.0.0.1:11434";
    const DEFAULT_MODEL: &'static str = "llama3.1";
    const MODELS_PATH: &'static str = "/api/tags";
    const NEEDS_KEY: bool = false;
}

/// Settings of the `ollama` backend (`base_url` is the server root; `/api/chat` is appended).
pub type OllamaConfig = LlmConfig<Ollama>;

/// The `ollama` backend.
#[derive(Debug)]
pub struct OllamaBackend {
    config: OllamaConfig,
    transport: Transport,
    url: String,
    /// Set once the model has said it does not support tools.
    text_tools: AtomicBool,
}

/// `config` with `http://` in front of a base URL that has no scheme
/// (`OLLAMA_HOST=host:11434`, as the Ollama CLI accepts it).
pub(crate) fn with_scheme(mut config: OllamaConfig) -> OllamaConfig {
    if !config.base_url.contains("://") {
        config.base_url = format!("http://{}", config.base_url);
    }
    config
}

impl OllamaBackend {
    /// A backend with `config`; a base URL without a scheme (`OLLAMA_HOST=host:11434`) is
    /// taken as `http://`.
    pub fn new(config: OllamaConfig) -> Result<Self, BackendError> {
        let config = with_scheme(config);
        let (url, transport) = config.connect("/api/chat")?;
        Ok(Self {
            config,
            transport,
            url,
            text_tools: AtomicBool::new(false),
        })
    }

    /// One call in the given tool mode.
    async fn call(
        &self,
        messages: &[Value],
        with_tools: bool,
        text_tools: bool,
        shown: &AnswerStream<'_>,
    ) -> Result<Completion, BackendError> {
        let body = wire::body(&self.config, messages, with_tools, text_tools);
        let completion = if self.config.stream {
            let (done, delta) = (|l: &String| wire::is_done(l), |l: &String| wire::delta(l));
            let lines = (self.transport)
                .post_stream::<LineParser>(&self.url, &body, done, delta, shown)
                .await?;
            wire::from_lines(&lines)
        } else {
            wire::from_json(&self.transport.post_json(&self.url, &body).await?)
        };
        let mut completion = completion.map_err(|m| self.transport.protocol(m))?;
        if with_tools && text_tools {
            completion.calls = wire::text_calls(&completion.content).unwrap_or_default();
        }
        Ok(completion)
    }
}

/// Whether `err` is Ollama saying the model has no tool calling.
fn no_tool_support(err: &BackendError) -> bool {
    matches!(err, BackendError::Status { status: 400, detail, .. } if detail.contains("does not support tools"))
}

#[async_trait]
impl Dialect for OllamaBackend {
    async fn complete(
        &self,
        messages: &[Value],
        with_tools: bool,
        shown: &AnswerStream<'_>,
    ) -> Result<Completion, BackendError> {
        let text_tools = self.text_tools.load(Ordering::Relaxed);
        match self.call(messages, with_tools, text_tools, shown).await {
            Err(e) if with_tools && !text_tools && no_tool_support(&e) => {
                tracing::info!(model = %self.config.model, "no native tool calling: tools in text");
                self.text_tools.store(true, Ordering::Relaxed);
                self.call(messages, with_tools, true, shown).await
            }
            other => other,
        }
    }

    fn tool_turn(&self, completion: &Completion, results: Vec<String>) -> Vec<Value> {
        let calls = completion.calls.iter().zip(results);
        if self.text_tools.load(Ordering::Relaxed) {
            let results: Vec<String> = calls
                .map(|(call, result)| format!("Result of `{}`:\n{result}", call.name))
                .collect();
            return vec![
                json!({"role": "assistant", "content": completion.content}),
                json!({"role": "user", "content": results.join("\n\n")}),
            ];
        }
        let asked: Vec<Value> = completion
            .calls
            .iter()
            .map(|c| {
                let args: Value = serde_json::from_str(&c.arguments).unwrap_or_else(|_| json!({}));
                json!({"function": {"name": c.name, "arguments": args}})
            })
            .collect();
        let mut turn =
            vec![json!({"role": "assistant", "content": completion.content, "tool_calls": asked})];
        turn.extend(calls.map(
            |(call, content)| json!({"role": "tool", "tool_name": call.name, "content": content}),
        ));
        turn
    }
}

impl LlmBackend for OllamaBackend {
    type Provider = Ollama;

    fn config(&self) -> &LlmConfig<Ollama> {
        &self.config
    }
}
