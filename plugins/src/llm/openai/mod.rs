//! The `openai` backend: Chat Completions, as spoken by OpenAI and every compatible server
//! (Azure OpenAI, vLLM, llama.cpp, LM Studio, LiteLLM, OpenRouter, Ollama's `/v1`).
//!
//! The answer is asked for as structured output (`response_format: json_schema` with the
//! checked-in proposal schema, non-strict: strict mode needs every property required). An
//! answer that is not a usable proposal gets up to `max_repairs` repair requests, then a
//! [`BackendError::MalformedAnswer`] with the raw answer saved to a file.
//!
//! With cluster tools in the [`Context`], the model may call them first (function calling);
//! each result is masked, capped and marked untrusted, within the tool bounds. The loop itself
//! is [`super::conversation::converse`]; this module is the Chat Completions
//! [`Dialect`].

mod wire;

use async_trait::async_trait;
use serde_json::{Value, json};

use super::config::{LlmConfig, LlmProvider};
use super::conversation::{Completion, Dialect, LlmBackend};
use super::http::{Auth, Provider, Transport};
use super::stream::AnswerStream;
use crate::error::BackendError;

/// The OpenAI provider: names, variables and defaults of [`OpenAiConfig`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenAi;

impl LlmProvider for OpenAi {
    const PROVIDER: Provider = Provider {
        backend: "openai",
        key_var: "OPENAI_API_KEY",
        url_var: "OPENAI_BASE_URL",
        auth: Auth::Bearer,
    };
    const DEFAULT_BASE_URL: &'static str = "https://api.openai.com/v1";
    const DEFAULT_MODEL: &'static str = "gpt-4o-mini";
    const MODELS_PATH: &'static str = "/models";
}

/// Settings of the `openai` backend (`base_url` is the API root, e.g.
/// `https://api.openai.com/v1`; `/chat/completions` is appended).
pub type OpenAiConfig = LlmConfig<OpenAi>;

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
}

#[async_trait]
impl Dialect for OpenAiBackend {
    async fn complete(
        &self,
        messages: &[Value],
        with_tools: bool,
        shown: &AnswerStream<'_>,
    ) -> Result<Completion, BackendError> {
        let body = wire::body(&self.config, messages, with_tools);
        let stream = self.config.stream.then_some(shown);
        (self.transport)
            .exchange(&self.url, &body, stream, &wire::WIRE)
            .await
    }

    fn tool_turn(&self, completion: &Completion, results: Vec<String>) -> Vec<Value> {
        let mut turn = vec![wire::call_message(completion)];
        for (call, content) in completion.calls.iter().zip(results) {
            turn.push(json!({"role": "tool", "tool_call_id": call.id, "content": content}));
        }
        turn
    }
}

impl LlmBackend for OpenAiBackend {
    type Provider = OpenAi;

    fn config(&self) -> &LlmConfig<OpenAi> {
        &self.config
    }
}
