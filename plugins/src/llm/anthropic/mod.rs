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
//! Cluster tool calls are run read-only by [`ToolRunner`]: masked, capped, and marked
//! untrusted, within [`ToolBounds`](crate::llm::ToolBounds). An `error` event in a stream
//! (e.g. `overloaded_error`) ends the request with an error that says so.

mod wire;

use async_trait::async_trait;
use serde_json::{Value, json};

use super::agent::ToolRunner;
use super::answer::{Checked, declined};
use super::config::{LlmConfig, LlmProvider};
use super::http::{Auth, Provider, Transport};
use super::prompts;
use crate::backend::{Backend, Context, Request};
use crate::error::BackendError;
use crate::proposal::Proposal;
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
        let transport = transport.with_header("anthropic-version", API_VERSION);
        Ok(Self {
            config,
            transport,
            url,
        })
    }
}

/// Runs the tools `turn` asks for; returns the user message carrying their results.
async fn tool_results(turn: &Turn, runner: &mut ToolRunner<'_>, cx: &mut Context<'_>) -> Value {
    let mut results = Vec::new();
    for (id, name, input) in turn.tool_uses() {
        cx.progress(&format!("model asks for `{name}`"));
        results.push(tool_result(id, &runner.run(name, input).await, false));
    }
    json!({"role": "user", "content": results})
}

/// The reply to an unusable answer: the repair `request`, as the result of every tool call of
/// `turn` (the `propose` call's, marked as an error) or, for a text answer, as text.
fn repair_reply(turn: &Turn, request: &str) -> Value {
    let results: Vec<Value> = turn
        .tool_uses()
        .map(|(id, name, _)| match name {
            PROPOSE => tool_result(id, request, true),
            _ => tool_result(id, "Not run: the proposal came first.", true),
        })
        .collect();
    if results.is_empty() {
        json!({"role": "user", "content": request})
    } else {
        json!({"role": "user", "content": results})
    }
}

#[async_trait]
impl Backend for AnthropicBackend {
    fn name(&self) -> &str {
        PROVIDER.backend
    }

    fn uses_cluster_tools(&self) -> bool {
        true
    }

    async fn propose(&self, req: &Request, cx: &mut Context<'_>) -> Result<Proposal, BackendError> {
        let mut messages = vec![json!({"role": "user", "content": prompts::request(req, cx)})];
        let tools = cx.tools();
        let (mut runner, mut check) = self.config.request_state(&req.text, tools);
        loop {
            cx.progress(&self.config.asking());
            let body = wire::body(&self.config, &messages, tools.is_some());
            let turn = (self.transport)
                .exchange(&self.url, &body, self.config.stream, &wire::WIRE)
                .await?;
            cx.record_usage(turn.usage);
            let raw = match turn.proposal() {
                Some(input) => input.to_owned(),
                None if turn.tool_uses().next().is_some() => {
                    runner.next_round(PROVIDER.backend)?;
                    let results = tool_results(&turn, &mut runner, cx).await;
                    messages.extend([turn.assistant_message(), results]);
                    continue;
                }
                None if turn.stop_reason == "refusal" => {
                    return Ok(declined(PROVIDER.backend, &req.text, &turn.text()));
                }
                None => turn.text(),
            };
            match check.check(&raw)? {
                Checked::Proposal(proposal) => return Ok(*proposal),
                Checked::Repair(request) => {
                    messages.push(turn.assistant_message());
                    messages.push(repair_reply(&turn, &request));
                }
            }
        }
    }
}
