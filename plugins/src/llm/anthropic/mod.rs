//! The `anthropic` backend: the Messages API (`POST {base}/v1/messages`, `x-api-key`,
//! `anthropic-version: 2023-06-01`), streaming included.
//!
//! The final answer is a call of a tool named `propose` whose `input_schema` is the checked-in
//! proposal schema, and a tool call is required on every turn (`tool_choice`: `any` when the
//! cluster tools are offered too, else `propose` itself), so a well-behaved model never
//! answers in prose. A model that answers in text anyway is read as JSON-in-text. An answer
//! that is not a usable proposal gets up to `max_repairs` repair requests (as the
//! `tool_result` of the `propose` call, with `is_error`), then a
//! [`BackendError::MalformedAnswer`] with the raw answer saved to a file.
//!
//! The loop is the shared [`converse`](super::conversation::converse); this module is the
//! Messages [`Dialect`]. Cluster tool calls are run read-only: masked, capped, and marked
//! untrusted, within [`ToolBounds`](crate::llm::ToolBounds). An `error` event in a stream
//! (e.g. `overloaded_error`) ends the request with an error that says so.

mod wire;

use async_trait::async_trait;
use serde_json::{Value, json};

use super::config::{LlmConfig, LlmProvider};
use super::conversation::{Completion, Dialect, FunctionCall, LlmBackend};
use super::http::{Auth, Provider, Transport};
use super::stream::AnswerStream;
use crate::error::BackendError;
use wire::{PROPOSE, Turn, tool_result};

/// The provider description used in errors and for auth.
const PROVIDER: Provider = Provider {
    backend: "anthropic",
    key_var: "ANTHROPIC_API_KEY",
    url_var: "ANTHROPIC_BASE_URL",
    auth: Auth::Header("x-api-key"),
};

/// The API version sent as `anthropic-version`.
pub const API_VERSION: &str = "2023-06-01";

/// What the `anthropic` backend adds to [`LlmConfig`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnthropicSettings {
    /// `max_tokens`: the most tokens the model may generate per call (required by the API).
    pub max_tokens: u32,
}

impl Default for AnthropicSettings {
    fn default() -> Self {
        Self { max_tokens: 4096 }
    }
}

impl LlmProvider for AnthropicSettings {
    const PROVIDER: Provider = PROVIDER;
    const DEFAULT_BASE_URL: &'static str = "https://api.anthropic.com";
    const DEFAULT_MODEL: &'static str = "claude-sonnet-4-5";
    const MODELS_PATH: &'static str = "/v1/models";
    const HEADERS: &'static [(&'static str, &'static str)] = &[("anthropic-version", API_VERSION)];
}

/// Settings of the `anthropic` backend (`ANTHROPIC_BASE_URL`, `ANTHROPIC_API_KEY`); the base
/// URL is the API host, e.g. `https://api.anthropic.com` (`/v1/messages` is appended).
pub type AnthropicConfig = LlmConfig<AnthropicSettings>;

impl AnthropicConfig {
    /// Sets `max_tokens` (at least 1).
    #[must_use]
    pub fn max_tokens(mut self, max_tokens: u32) -> Self {
        self.settings.max_tokens = max_tokens.max(1);
        self
    }
}

/// The `anthropic` backend.
#[derive(Debug)]
pub struct AnthropicBackend {
    config: AnthropicConfig,
    transport: Transport,
    url: String,
}

impl AnthropicBackend {
    /// A backend with `config`. Anthropic's own API needs a key; a proxy may not.
    pub fn new(config: AnthropicConfig) -> Result<Self, BackendError> {
        let (url, transport) = config.connect("/v1/messages")?;
        Ok(Self {
            config,
            transport,
            url,
        })
    }
}

/// A turn as the shared loop sees it: the `propose` call's input is the answer (whatever else
/// the model called); else the tool calls; else a refusal or the text (JSON-in-text).
fn completion(turn: Turn) -> Completion {
    let echo = Some(turn.assistant_message());
    let (content, calls) = match turn.proposal() {
        Some(input) => (input.to_owned(), Vec::new()),
        None => {
            let calls = turn.tool_uses().map(|(id, name, input)| FunctionCall {
                id: id.to_owned(),
                name: name.to_owned(),
                arguments: input.to_owned(),
            });
            (turn.text(), calls.collect())
        }
    };
    let refused = calls.is_empty() && turn.proposal().is_none() && turn.stop_reason == "refusal";
    Completion {
        refusal: refused.then(|| turn.text()),
        content,
        calls,
        usage: turn.usage,
        echo,
    }
}

/// The tool calls (`id`, `name`) recorded in an assistant message.
fn tool_uses(message: &Value) -> impl Iterator<Item = (&str, &str)> {
    let blocks = message["content"].as_array().into_iter().flatten();
    blocks.filter(|b| b["type"] == "tool_use").map(|b| {
        (
            b["id"].as_str().unwrap_or(""),
            b["name"].as_str().unwrap_or(""),
        )
    })
}

#[async_trait]
impl Dialect for AnthropicBackend {
    /// The system prompt goes in the body's `system`, not among the messages.
    fn start(&self, user: String) -> Vec<Value> {
        vec![json!({"role": "user", "content": user})]
    }

    async fn complete(
        &self,
        messages: &[Value],
        with_tools: bool,
        shown: &AnswerStream<'_>,
    ) -> Result<Completion, BackendError> {
        let (stream, body) = (
            self.config.stream.then_some(shown),
            wire::body(&self.config, messages, with_tools),
        );
        let turn = self
            .transport
            .exchange(&self.url, &body, stream, &wire::WIRE);
        Ok(completion(turn.await?))
    }

    fn tool_turn(&self, completion: &Completion, results: Vec<String>) -> Vec<Value> {
        let results: Vec<Value> = (completion.calls.iter().zip(results))
            .map(|(call, content)| tool_result(&call.id, &content, false))
            .collect();
        let asked = completion.echo.clone().unwrap_or_default();
        vec![asked, json!({"role": "user", "content": results})]
    }

    /// The repair request goes back as the result of every tool call of the answer (the
    /// `propose` call's, marked as an error) or, for a text answer, as text.
    fn repair_turn(&self, completion: &Completion, request: &str) -> Vec<Value> {
        let asked = completion.echo.clone().unwrap_or_else(
            || json!({"role": "assistant", "content": [{"type": "text", "text": completion.content}]}),
        );
        let results: Vec<Value> = tool_uses(&asked)
            .map(|(id, name)| match name {
                PROPOSE => tool_result(id, request, true),
                _ => tool_result(id, "Not run: the proposal came first.", true),
            })
            .collect();
        let reply = if results.is_empty() {
            json!({"role": "user", "content": request})
        } else {
            json!({"role": "user", "content": results})
        };
        vec![asked, reply]
    }
}

impl LlmBackend for AnthropicBackend {
    type Provider = AnthropicSettings;

    fn config(&self) -> &AnthropicConfig {
        &self.config
    }
}
