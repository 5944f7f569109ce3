//! `shipmate-plugins`: the [`Backend`] trait, the [`Proposal`] types, the backend [`Registry`]
//! and the backends themselves.
//!
//! Backends only *propose*; they never mutate a cluster. Whatever a backend returns is validated
//! (schema, then constitution gates) by the caller before anything is shown or applied, and the
//! one field that decides how dangerous an action is — [`Action::mutating`] — is computed here
//! from the kubectl verb, never taken from a backend.

pub mod analyze;
pub mod applied;
pub mod backend;
pub mod error;
pub mod llm;
pub mod proposal;
pub mod registry;
pub mod rules;
pub mod tools;
pub mod usage;

pub use applied::{
    ActionOutcome, Applied, ClusterApply, ManualFallback, ManualReason, ObjectOutcome,
    OutcomeResult,
};
pub use backend::{Backend, Context, NoProgress, Progress, Request};
pub use error::BackendError;
pub use llm::{
    AnthropicBackend, AnthropicConfig, ApiKey, GeminiBackend, GeminiConfig, OllamaBackend,
    OllamaConfig, OpenAiBackend, OpenAiConfig,
};
pub use proposal::{Action, Proposal, Status, is_mutating, shell_metachar};
pub use registry::{BackendOptions, Registry, llm_setup};
pub use rules::RulesBackend;
pub use tools::{ClusterTools, ToolCall, ToolOutput};
pub use usage::Usage;
