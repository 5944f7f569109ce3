//! The agent loop every LLM backend runs, whatever its wire format: ask the model, run the
//! read-only tools it calls (masked, capped, untrusted, within [`ToolBounds`]), parse its final
//! answer with [`parse_proposal`], and send one bounded repair request after an unusable one.
//!
//! A backend supplies only its [`Dialect`]: how a conversation starts, how one call is made,
//! and how tool calls, tool results and repair requests are written in its messages.

use async_trait::async_trait;
use serde_json::{Value, json};

use super::agent::{ToolBounds, ToolRunner};
use super::answer::{parse_proposal, save_answer};
use super::config::{LlmConfig, ProviderDefaults};
use super::mask::mask_text;
use super::prompts;
use crate::backend::{Backend, Context, Request};
use crate::error::BackendError;
use crate::proposal::{Proposal, Status};
use crate::usage::Usage;

/// A function call the model asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FunctionCall {
    /// The id the result must quote (empty when the provider uses none).
    pub id: String,
    /// The function name.
    pub name: String,
    /// The arguments, a JSON object as text.
    pub arguments: String,
}

/// What one model call produced.
#[derive(Debug, Default)]
pub struct Completion {
    /// The answer text.
    pub content: String,
    /// The model's refusal, if it refused.
    pub refusal: Option<String>,
    /// Tools the model wants run before it answers.
    pub calls: Vec<FunctionCall>,
    /// Tokens used.
    pub usage: Usage,
    /// The provider's own message for this turn, when it must be replayed verbatim (Gemini's
    /// parts carry thought signatures).
    pub echo: Option<Value>,
}

/// How one provider writes a conversation.
#[async_trait]
pub trait Dialect: Send + Sync {
    /// The opening messages: the system prompt (unless the provider takes it apart from the
    /// messages) and the first user message. By default Chat-style ([`chat_start`]).
    fn start(&self, user: String) -> Vec<Value> {
        chat_start(user)
    }

    /// One model call over `messages`, offering the cluster tools when `with_tools`.
    async fn complete(
        &self,
        messages: &[Value],
        with_tools: bool,
    ) -> Result<Completion, BackendError>;

    /// The messages that record `completion`'s calls and their `results` (one per call).
    fn tool_turn(&self, completion: &Completion, results: Vec<String>) -> Vec<Value>;

    /// The messages that quote the unusable answer `raw` and ask for a repair. By default
    /// Chat-style ([`chat_repair`]).
    fn repair_turn(&self, raw: &str, request: &str) -> Vec<Value> {
        chat_repair(raw, request)
    }
}

/// An LLM backend: a [`Dialect`] and its settings. Every one is a [`Backend`] that runs
/// [`converse`] and consults the cluster tools.
pub trait LlmBackend: Dialect {
    /// Whose wire format and defaults.
    type Provider: ProviderDefaults;
    /// The settings.
    fn config(&self) -> &LlmConfig<Self::Provider>;
}

#[async_trait]
impl<T: LlmBackend> Backend for T {
    fn name(&self) -> &str {
        T::Provider::PROVIDER.backend
    }

    fn uses_cluster_tools(&self) -> bool {
        true
    }

    async fn propose(&self, req: &Request, cx: &mut Context<'_>) -> Result<Proposal, BackendError> {
        converse(self, self.config(), req, cx).await
    }
}

/// The opening of a Chat-style conversation (OpenAI, Ollama): the system prompt as a
/// `system` message, then `user`.
pub fn chat_start(user: String) -> Vec<Value> {
    vec![
        json!({"role": "system", "content": prompts::SYSTEM}),
        json!({"role": "user", "content": user}),
    ]
}

/// A Chat-style repair turn: the unusable answer as the assistant's, then the request.
pub fn chat_repair(raw: &str, request: &str) -> Vec<Value> {
    vec![
        json!({"role": "assistant", "content": raw}),
        json!({"role": "user", "content": request}),
    ]
}

/// The first user message: the request (masked) and the context it needs.
pub fn user_message(req: &Request, cx: &Context<'_>) -> String {
    format!(
        "Request: {}\nDefault namespace: {}",
        mask_text(&req.text),
        cx.namespace().unwrap_or("default")
    )
}

/// Runs the agent loop for `req` with `dialect` under `config`'s bounds.
pub async fn converse<P: ProviderDefaults>(
    dialect: &dyn Dialect,
    config: &LlmConfig<P>,
    req: &Request,
    cx: &mut Context<'_>,
) -> Result<Proposal, BackendError> {
    let backend = P::PROVIDER.backend;
    let mut messages = dialect.start(user_message(req, cx));
    let tools = cx.tools();
    let mut runner = ToolRunner::new(tools, config.tools);
    let (mut round, mut tool_rounds) = (0, 0);
    loop {
        cx.progress(&format!("asking {} ({backend})", config.model));
        let completion = dialect.complete(&messages, tools.is_some()).await?;
        cx.record_usage(completion.usage);
        if !completion.calls.is_empty() {
            tool_rounds += 1;
            if tool_rounds > config.tools.max_rounds {
                return Err(too_many_rounds(backend, config.tools, runner.calls()));
            }
            let mut results = Vec::with_capacity(completion.calls.len());
            for call in &completion.calls {
                cx.progress(&format!("model asks for `{}`", call.name));
                results.push(runner.run(&call.name, &call.arguments).await);
            }
            messages.extend(dialect.tool_turn(&completion, results));
            continue;
        }
        if let Some(refusal) = completion.refusal {
            let summary = format!("the model declined: {}", mask_text(&refusal));
            return Ok(Proposal::new(
                backend,
                &req.text,
                Status::NotUnderstood,
                summary,
            ));
        }
        let raw = completion.content;
        let reason = match parse_proposal(backend, &req.text, &raw) {
            Ok(proposal) => return Ok(proposal),
            Err(reason) => reason,
        };
        if round >= config.max_repairs {
            return Err(BackendError::MalformedAnswer {
                backend: backend.into(),
                repairs: round,
                reason,
                saved: save_answer(&config.answer_dir, backend, &raw),
            });
        }
        round += 1;
        tracing::debug!(round, %reason, "asking the model to repair its answer");
        messages.extend(dialect.repair_turn(&raw, &prompts::repair(&reason)));
    }
}

fn too_many_rounds(backend: &str, bounds: ToolBounds, calls: u32) -> BackendError {
    BackendError::Failed {
        backend: backend.into(),
        message: format!(
            "the model kept asking for tools ({} rounds, {calls} calls) without answering; \
             ask more precisely or try another model",
            bounds.max_rounds
        ),
    }
}
