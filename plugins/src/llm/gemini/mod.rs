//! The `gemini` backend: Google's Gemini API (`generateContent`, and
//! `streamGenerateContent?alt=sse` when streaming), key in the `x-goog-api-key` header — never
//! in the URL, where proxies and logs would keep it.
//!
//! The conversation is `contents` with roles `user` and `model`, the system prompt goes in
//! `systemInstruction`, and the cluster tools are `functionDeclarations` whose schemas are
//! rewritten into Gemini's OpenAPI subset ([`schema::to_gemini`]). A `functionCall` is answered
//! with a `functionResponse` part (`{"content": …}`: the result masked, capped and marked
//! untrusted), after the model's own turn replayed verbatim (Gemini 2.5 attaches thought
//! signatures to it).
//!
//! The final answer is JSON: `responseMimeType: application/json` when no tools are offered
//! (Gemini refuses that mime type with function calling), the schema in the system
//! instruction rather than `responseSchema` (which cannot express arbitrary Kubernetes
//! objects), and in every case the shared parser validates it. A `finishReason` other than
//! `STOP` (`SAFETY`, `RECITATION`, `MAX_TOKENS`…) or a blocked prompt is a clear error.

mod schema;
mod wire;

use async_trait::async_trait;
use serde_json::{Value, json};

pub use schema::to_gemini;

use super::config::{LlmConfig, LlmProvider};
use super::conversation::{Completion, Dialect, LlmBackend};
use super::http::{Auth, Provider, Transport};
use super::stream::AnswerStream;
use crate::error::BackendError;

/// The Gemini provider: names, variables and defaults of [`GeminiConfig`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Gemini;

impl LlmProvider for Gemini {
    const PROVIDER: Provider = Provider {
        backend: "gemini",
        key_var: "GEMINI_API_KEY",
        url_var: "GEMINI_BASE_URL",
        auth: Auth::Header("x-goog-api-key"),
    };
    const DEFAULT_BASE_URL: &'static str = "https://generativelanguage.googleapis.com";
    const DEFAULT_MODEL: &'static str = "gemini-2.5-flash";
    const MODELS_PATH: &'static str = "/v1beta/models";
}

/// Settings of the `gemini` backend (`base_url` is the host root; `/v1beta/models/…` is
/// appended).
pub type GeminiConfig = LlmConfig<Gemini>;

/// The `gemini` backend.
#[derive(Debug)]
pub struct GeminiBackend {
    config: GeminiConfig,
    transport: Transport,
    url: String,
}

impl GeminiBackend {
    /// A backend with `config`. Google's own API needs a key; a proxy given as the base URL
    /// may not.
    pub fn new(config: GeminiConfig) -> Result<Self, BackendError> {
        let model = config.model.trim().trim_start_matches("models/");
        if model.is_empty() || model.contains(['/', '?', '#', ' ']) {
            return Err(BackendError::Config {
                backend: Gemini::PROVIDER.backend.into(),
                message: format!("`{model}` is not a Gemini model name (e.g. gemini-2.5-flash)"),
            });
        }
        let path = match config.stream {
            true => format!("/v1beta/models/{model}:streamGenerateContent?alt=sse"),
            false => format!("/v1beta/models/{model}:generateContent"),
        };
        let (url, transport) = config.connect(&path)?;
        Ok(Self {
            config,
            transport,
            url,
        })
    }
}

/// A `contents` entry with one text part.
fn text(role: &str, text: &str) -> Value {
    json!({"role": role, "parts": [{"text": text}]})
}

#[async_trait]
impl Dialect for GeminiBackend {
    fn start(&self, user: String) -> Vec<Value> {
        vec![text("user", &user)]
    }

    async fn complete(
        &self,
        contents: &[Value],
        with_tools: bool,
        shown: &AnswerStream<'_>,
    ) -> Result<Completion, BackendError> {
        let body = wire::body(contents, with_tools);
        if self.config.stream {
            let events = (self.transport)
                .post_sse(&self.url, &body, wire::is_final, wire::delta, shown)
                .await?;
            return wire::from_stream(&events);
        }
        wire::from_json(&self.transport.post_json(&self.url, &body).await?)
    }

    fn tool_turn(&self, completion: &Completion, results: Vec<String>) -> Vec<Value> {
        let calls = completion.calls.iter();
        let asked = completion.echo.clone().unwrap_or_else(|| {
            let parts: Vec<Value> = calls
                .clone()
                .map(|c| json!({"functionCall": {"name": c.name, "args": args(&c.arguments)}}))
                .collect();
            json!({"role": "model", "parts": parts})
        });
        let responses: Vec<Value> = calls
            .zip(results)
            .map(|(call, content)| {
                let mut response = json!({"name": call.name, "response": {"content": content}});
                if !call.id.is_empty() {
                    response["id"] = json!(call.id);
                }
                json!({"functionResponse": response})
            })
            .collect();
        vec![asked, json!({"role": "user", "parts": responses})]
    }

    fn repair_turn(&self, completion: &Completion, request: &str) -> Vec<Value> {
        vec![text("model", &completion.content), text("user", request)]
    }
}

/// A call's arguments as the object Gemini sent (`{}` when they do not parse).
fn args(arguments: &str) -> Value {
    serde_json::from_str(arguments).unwrap_or_else(|_| json!({}))
}

impl LlmBackend for GeminiBackend {
    type Provider = Gemini;

    fn config(&self) -> &LlmConfig<Gemini> {
        &self.config
    }
}
