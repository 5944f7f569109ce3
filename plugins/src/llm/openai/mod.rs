//! The `openai` backend: Chat Completions, as spoken by OpenAI and every compatible server
//! (Azure OpenAI, vLLM, llama.cpp, LM Studio, LiteLLM, OpenRouter, Ollama's `/v1`).
//!
//! The answer is asked for as structured output (`response_format: json_schema` with the
//! checked-in proposal schema, non-strict: strict mode needs every property required). An
//! answer that is not a usable proposal gets up to `max_repairs` repair requests, then a
//! [`BackendError::MalformedAnswer`] with the raw answer saved to a file.
//!
//! With cluster tools in the [`Context`], the model may call them first (function calling);
//! each result is masked, capped and marked untrusted ([`ToolRunner`]), within [`ToolBounds`](crate::llm::ToolBounds).

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
use wire::Completion;

/// The provider description used in errors and for auth.
const PROVIDER: Provider = Provider {
    backend: "openai",
    key_var: "OPENAI_API_KEY",
    url_var: "OPENAI_BASE_URL",
    auth: Auth::Bearer,
};

/// What the `openai` backend adds to [`LlmConfig`]: nothing but its defaults.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenAiSettings;

impl LlmProvider for OpenAiSettings {
    const PROVIDER: Provider = PROVIDER;
    const DEFAULT_BASE_URL: &'static str = "https://api.openai.com/v1";
    const DEFAULT_MODEL: &'static str = "gpt-4o-mini";
}

/// Settings of the `openai` backend (`OPENAI_BASE_URL`, `OPENAI_API_KEY`); the base URL is
/// the API root, e.g. `https://api.openai.com/v1` (`/chat/completions` is appended).
pub type OpenAiConfig = LlmConfig<OpenAiSettings>;

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
        let (url, transport) = config.connect("/chat/completions")?;
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
        let stream = self.config.stream;
        self.transport
            .exchange(&self.url, &body, stream, &wire::WIRE)
            .await
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
            json!({"role": "system", "content": prompts::system()}),
            json!({"role": "user", "content": prompts::request(req, cx)}),
        ];
        let tools = cx.tools();
        let (mut runner, mut check) = self.config.request_state(&req.text, tools);
        loop {
            cx.progress(&self.config.asking());
            let completion = self.complete(&messages, tools.is_some()).await?;
            cx.record_usage(completion.usage);
            if !completion.calls.is_empty() {
                runner.next_round(PROVIDER.backend)?;
                self.run_tools(&completion, &mut runner, &mut messages, cx)
                    .await;
                continue;
            }
            if let Some(refusal) = completion.refusal {
                return Ok(declined(PROVIDER.backend, &req.text, &refusal));
            }
            match check.check(&completion.content)? {
                Checked::Proposal(proposal) => return Ok(*proposal),
                Checked::Repair(request) => {
                    messages.push(json!({"role": "assistant", "content": completion.content}));
                    messages.push(json!({"role": "user", "content": request}));
                }
            }
        }
    }
}
