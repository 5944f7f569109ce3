//! Maps backend names to constructors, so that adding a backend touches one place.

use crate::backend::Backend;
use crate::error::BackendError;
use crate::llm::ollama::with_scheme;
use crate::llm::probe::Setup;
use crate::llm::{
    AnthropicBackend, AnthropicConfig, ApiKey, GeminiBackend, GeminiConfig, LlmConfig, LlmProvider,
    OllamaBackend, OllamaConfig, OpenAiBackend, OpenAiConfig,
};
use crate::rules::RulesBackend;

/// What the command line (or a profile) says about the backend to build.
#[derive(Debug, Clone, Default)]
pub struct BackendOptions {
    /// `--model`: the model to ask (LLM backends; the rules backend has none). `None`: the
    /// backend's default.
    pub model: Option<String>,
    /// The provider's base URL, instead of the backend's environment variable or default.
    pub base_url: Option<String>,
    /// The environment variable that holds the API key, instead of the backend's own
    /// (`OPENAI_API_KEY`…). A name, never a key.
    pub api_key_env: Option<String>,
    /// Ask the provider to stream its answer, so that the explanation can be shown as it
    /// arrives (on a terminal).
    pub stream: bool,
}

/// Builds a backend.
pub type Constructor = fn(&BackendOptions) -> Result<Box<dyn Backend>, BackendError>;

/// The registered backends, in the order they are listed to people.
#[derive(Debug, Clone)]
pub struct Registry {
    entries: Vec<(&'static str, &'static str, Constructor)>,
}

impl Registry {
    /// Every backend built into this shipmate.
    pub fn builtin() -> Self {
        let mut registry = Self {
            entries: Vec::new(),
        };
        registry.register(
            "rules",
            "offline, deterministic intent parser and templates (default)",
            |_| Ok(Box::new(RulesBackend::new())),
        );
        registry.register(
            "openai",
            "OpenAI Chat Completions or any compatible server (OPENAI_API_KEY, OPENAI_BASE_URL)",
            |opts| {
                let config = with_options(OpenAiConfig::from_env(), opts);
                Ok(Box::new(OpenAiBackend::new(config)?))
            },
        );
        registry.register(
            "anthropic",
            "Anthropic Messages API (ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL)",
            |opts| {
                let config = with_options(AnthropicConfig::from_env(), opts);
                Ok(Box::new(AnthropicBackend::new(config)?))
            },
        );
        registry.register(
            "gemini",
            "Google Gemini generateContent (GEMINI_API_KEY, GEMINI_BASE_URL)",
            |opts| {
                let config = with_options(GeminiConfig::from_env(), opts);
                Ok(Box::new(GeminiBackend::new(config)?))
            },
        );
        registry.register(
            "ollama",
            "Ollama's native /api/chat, local, no key (OLLAMA_HOST)",
            |opts| {
                let config = with_options(OllamaConfig::from_env(), opts);
                Ok(Box::new(OllamaBackend::new(config)?))
            },
        );
        registry
    }

    /// Adds (or replaces) a backend.
    pub fn register(&mut self, name: &'static str, about: &'static str, make: Constructor) {
        self.entries.retain(|(n, _, _)| *n != name);
        self.entries.push((name, about, make));
    }

    /// Registered names with a one-line description each.
    pub fn list(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        self.entries.iter().map(|(n, a, _)| (*n, *a))
    }

    /// Builds the backend registered as `name` with its defaults.
    pub fn create(&self, name: &str) -> Result<Box<dyn Backend>, BackendError> {
        self.create_with(name, &BackendOptions::default())
    }

    /// Builds the backend registered as `name` with `opts`.
    pub fn create_with(
        &self,
        name: &str,
        opts: &BackendOptions,
    ) -> Result<Box<dyn Backend>, BackendError> {
        match self.entries.iter().find(|(n, _, _)| *n == name) {
            Some((_, _, make)) => make(opts),
            None => Err(BackendError::UnknownBackend {
                name: name.to_owned(),
                available: self
                    .entries
                    .iter()
                    .map(|(n, _, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }
}

/// An LLM backend's configuration from its environment, with what the command line or a
/// profile overrides: model, base URL, and the variable holding the key.
fn with_options<P: LlmProvider>(mut config: LlmConfig<P>, opts: &BackendOptions) -> LlmConfig<P> {
    if let Some(model) = &opts.model {
        config = config.model(model);
    }
    if let Some(url) = &opts.base_url {
        config = config.base_url(url);
    }
    if let Some(var) = &opts.api_key_env {
        config = config.api_key(ApiKey::from_env(var));
    }
    if opts.stream {
        config = config.stream(true);
    }
    config
}

/// The effective settings of LLM backend `name` with `opts` — what it would send requests
/// to, and where its key comes from — for `shipmate doctor`; `None` for a backend that talks to
/// no model server (`rules`) or an unknown name.
pub fn llm_setup(name: &str, opts: &BackendOptions) -> Option<Setup> {
    let key_var = opts.api_key_env.as_deref();
    Some(match name {
        "openai" => with_options(OpenAiConfig::from_env(), opts).setup(key_var),
        "anthropic" => with_options(AnthropicConfig::from_env(), opts).setup(key_var),
        "gemini" => with_options(GeminiConfig::from_env(), opts).setup(key_var),
        "ollama" => with_scheme(with_options(OllamaConfig::from_env(), opts)).setup(key_var),
        _ => return None,
    })
}

impl Default for Registry {
    fn default() -> Self {
        Self::builtin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_is_registered_and_unknown_names_fail() {
        let registry = Registry::builtin();
        assert_eq!(registry.create("rules").unwrap().name(), "rules");
        let err = registry.create("nope").err().unwrap().to_string();
        assert!(err.contains("nope") && err.contains("rules"), "{err}");
    }
}
