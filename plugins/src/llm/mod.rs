//! LLM backends and what they share.
//!
//! Each backend is a thin client over [`http::Transport`] speaking its provider's real wire
//! format; nothing here depends on a provider SDK, so retries, timeouts and redaction are ours
//! to control. Everything sent to a model goes through [`mask`] first; everything a model
//! answers goes through [`answer::parse_proposal`], which owns the fields a model must not
//! decide (`backend`, `request`, `findings`, `mutating`). The agent loop is shared
//! ([`conversation::converse`]); a backend is its wire format ([`conversation::Dialect`]) and
//! its defaults and settings ([`config::LlmProvider`]).

pub mod agent;
pub mod anonymize;
pub mod answer;
pub mod anthropic;
pub mod config;
pub mod conversation;
pub mod framing;
pub mod gemini;
pub mod http;
pub mod key;
pub mod mask;
pub mod ollama;
pub mod openai;
pub mod probe;
pub mod prompts;
pub mod retry;
pub mod sse;
pub mod stream;

pub use agent::ToolBounds;
pub use anonymize::Anonymizer;
pub use anthropic::{AnthropicBackend, AnthropicConfig};
pub use config::{LlmConfig, LlmProvider};
pub use gemini::{GeminiBackend, GeminiConfig};
pub use http::HttpOptions;
pub use key::ApiKey;
pub use ollama::{OllamaBackend, OllamaConfig};
pub use openai::{OpenAiBackend, OpenAiConfig};
pub use retry::RetryPolicy;
