//! The agent loop every LLM backend runs, whatever its wire format: ask the model, run the
//! read-only tools it calls (masked, capped, untrusted, within [`ToolBounds`](super::ToolBounds)),
//! check its final answer ([`AnswerCheck`](super::answer::AnswerCheck)), and send bounded repair
//! requests after unusable ones.
//!
//! A backend supplies only its [`Dialect`]: how a conversation starts, how one call is made,
//! and how tool calls, tool results and repair requests are written in its messages.

use async_trait::async_trait;
use serde_json::{Value, json};

use super::answer::{Checked, declined};
use super::config::{LlmConfig, LlmProvider};
use super::prompts;
use super::stream::AnswerStream;
use crate::backend::{Backend, Context, Request};
use crate::error::BackendError;
use crate::proposal::Proposal;
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
    /// parts carry thought signatures; Anthropic's content blocks carry the tool-use ids).
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

    /// One model call over `messages`, offering the cluster tools when `with_tools`; a
    /// streamed answer is shown on `shown` as it arrives.
    async fn complete(
        &self,
        messages: &[Value],
        with_tools: bool,
        shown: &AnswerStream<'_>,
    ) -> Result<Completion, BackendError>;

    /// The messages that record `completion`'s calls and their `results` (one per call).
    fn tool_turn(&self, completion: &Completion, results: Vec<String>) -> Vec<Value>;

    /// The messages that quote the unusable answer `completion` and ask for a repair with
    /// `request`. By default Chat-style ([`chat_repair`]).
    fn repair_turn(&self, completion: &Completion, request: &str) -> Vec<Value> {
        chat_repair(&completion.content, request)
    }
}

/// An LLM backend: a [`Dialect`] and its settings. Every one is a [`Backend`] that runs
/// [`converse`] and consults the cluster tools.
pub trait LlmBackend: Dialect {
    /// Whose defaults and settings.
    type Provider: LlmProvider;
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

    fn repairs(&self) -> bool {
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
        json!({"role": "system", "content": prompts::system()}),
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

/// Runs the agent loop for `req` with `dialect` under `config`'s bounds.
pub async fn converse<P: LlmProvider>(
    dialect: &dyn Dialect,
    config: &LlmConfig<P>,
    req: &Request,
    cx: &mut Context<'_>,
) -> Result<Proposal, BackendError> {
    let backend = P::PROVIDER.backend;
    let mut user = prompts::request(req, cx);
    let (namespace, history) = (cx.namespace().map(str::to_owned), cx.history());
    if let Some(names) = cx.anonymizer() {
        for earlier in history {
            names.learn_proposal(earlier);
        }
        names.learn_request(&req.text, namespace.as_deref());
        user = names.hide(&user);
    }
    let mut messages = dialect.start(user);
    let tools = cx.tools();
    let (mut runner, mut check) = config.request_state(&req.text, tools);
    loop {
        cx.progress(&config.asking());
        let completion = {
            let shown = cx.answer_stream();
            dialect.complete(&messages, tools.is_some(), &shown).await?
        };
        cx.record_usage(completion.usage);
        if let Some((budget, true)) = cx.token_budget()
            && !completion.calls.is_empty()
        {
            return Err(BackendError::Failed {
                backend: backend.into(),
                message: format!(
                    "the token budget of {budget} for this request is spent ({} used) while the \
                     model still wanted tools; raise --max-tokens or ask more narrowly",
                    cx.usage().total_tokens()
                ),
            });
        }
        if !completion.calls.is_empty() {
            runner.next_round(backend)?;
            let mut results = Vec::with_capacity(completion.calls.len());
            for call in &completion.calls {
                cx.progress(&format!("model asks for `{}`", call.name));
                let names = cx.anonymizer();
                results.push(runner.run(&call.name, &call.arguments, names).await);
            }
            messages.extend(dialect.tool_turn(&completion, results));
            continue;
        }
        // With --anonymize the answer names placeholders: the real names go back in before
        // anything reads it. The conversation itself stays in placeholders.
        let reveal = |cx: &mut Context<'_>, text: &str| match cx.anonymizer() {
            Some(names) => names.reveal(text),
            None => text.to_owned(),
        };
        if let Some(refusal) = &completion.refusal {
            return Ok(declined(backend, &req.text, &reveal(cx, refusal)));
        }
        match check.check(&reveal(cx, &completion.content))? {
            Checked::Proposal(proposal) => return Ok(*proposal),
            Checked::Repair(request) => {
                let request = match cx.anonymizer() {
                    Some(names) => names.hide(&request),
                    None => request,
                };
                messages.extend(dialect.repair_turn(&completion, &request));
            }
        }
    }
}
