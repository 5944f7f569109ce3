//! What `shipmate doctor` asks of an LLM backend: its effective settings ([`Setup`]: model,
//! base URL, which variable the key comes from and whether it is set — never the key) and one
//! cheap request, the provider's model list ([`Setup::probe`]), to see that the server answers
//! and accepts the key. The key is sent only to the configured base URL, as every backend
//! request sends it.

use std::time::Duration;

use serde_json::Value;

use super::config::{LlmConfig, LlmProvider};
use super::http::{HttpOptions, Provider, Transport};
use super::key::ApiKey;
use super::retry::RetryPolicy;
use crate::error::BackendError;

/// An LLM backend's effective settings. Its `Debug` never shows the key.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The backend (`openai`).
    pub backend: &'static str,
    /// The model asked.
    pub model: String,
    /// The API root requests go to.
    pub base_url: String,
    /// The environment variable the key is read from (the profile's `api_key_env`, else the
    /// provider's own, e.g. `OPENAI_API_KEY`).
    pub key_var: String,
    /// Whether that variable holds a (non-empty) key.
    pub key_set: bool,
    /// The environment variable that overrides the base URL (`OPENAI_BASE_URL`).
    pub url_var: &'static str,
    /// Why requests cannot be made at all (a base URL without `http(s)://`, a missing key for
    /// the provider's own API), as the backend would report it.
    pub problem: Option<String>,
    models_url: String,
    provider: Provider,
    headers: &'static [(&'static str, &'static str)],
    key: Option<ApiKey>,
}

/// What the model list said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    /// The model names the server listed (`models/` prefixes removed).
    pub models: Vec<String>,
}

impl Reach {
    /// Whether `model` is listed (an Ollama name without a tag matches `NAME:latest`).
    pub fn lists(&self, model: &str) -> bool {
        self.models
            .iter()
            .any(|m| m == model || m.strip_suffix(":latest") == Some(model))
    }
}

impl<P: LlmProvider> LlmConfig<P> {
    /// These settings as [`Setup`]; `key_var` names the variable the key came from, when it
    /// is not the provider's own.
    pub fn setup(&self, key_var: Option<&str>) -> Setup {
        let provider = P::PROVIDER;
        let problem = self.checked_base().err().map(|e| e.to_string());
        let base = self.base_url.trim_end_matches('/').to_owned();
        Setup {
            backend: provider.backend,
            model: self.model.clone(),
            models_url: format!("{base}{}", P::MODELS_PATH),
            base_url: base,
            key_var: key_var.unwrap_or(provider.key_var).to_owned(),
            key_set: self.api_key.is_some(),
            url_var: provider.url_var,
            problem,
            provider,
            headers: P::HEADERS,
            key: self.api_key.clone(),
        }
    }
}

impl Setup {
    /// The URL [`Setup::probe`] asks.
    pub fn models_url(&self) -> &str {
        &self.models_url
    }

    /// GETs the provider's model list once (no retries), waiting at most `timeout` to
    /// connect and `timeout` for the answer.
    ///
    /// # Errors
    /// The settings' [`Setup::problem`] as [`BackendError::Config`]; an unreachable server,
    /// a rejected key (401/403), another error status, or an answer that is not JSON.
    pub async fn probe(&self, timeout: Duration) -> Result<Reach, BackendError> {
        if let Some(problem) = &self.problem {
            return Err(BackendError::Config {
                backend: self.backend.to_owned(),
                message: problem.clone(),
            });
        }
        let options = HttpOptions {
            connect_timeout: timeout,
            read_timeout: timeout,
            retry: RetryPolicy::default().attempts(1),
        };
        let transport =
            Transport::new(self.provider, self.key.clone(), &options)?.with_headers(self.headers);
        let answer = transport.get_json(&self.models_url).await?;
        Ok(Reach {
            models: model_names(&answer),
        })
    }
}

/// Model names from a model list: `data[].id` (OpenAI, Anthropic) or `models[].name` (Gemini,
/// Ollama).
fn model_names(answer: &Value) -> Vec<String> {
    let items = answer
        .get("data")
        .or_else(|| answer.get("models"))
        .and_then(Value::as_array);
    items
        .into_iter()
        .flatten()
        .filter_map(|m| {
            m.get("id")
                .or_else(|| m.get("name"))
                .and_then(Value::as_str)
        })
        .map(|name| name.strip_prefix("models/").unwrap_or(name).to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::{GeminiConfig, OllamaConfig, OpenAiConfig};
    use serde_json::json;

    #[test]
    fn setup_names_the_variable_and_never_holds_the_key_in_debug() {
        let config = OpenAiConfig::new()
            .base_url("http://127.0.0.1:9/v1/")
            .api_key(Some(ApiKey::new("sk-secret-123456")))
            .model("m1");
        let setup = config.setup(Some("WORK_KEY"));
        assert_eq!(setup.key_var, "WORK_KEY");
        assert!(setup.key_set && setup.problem.is_none());
        assert_eq!(setup.models_url(), "http://127.0.0.1:9/v1/models");
        assert!(!format!("{setup:?}").contains("sk-secret"));
        let own = OpenAiConfig::new().setup(None);
        assert_eq!(own.key_var, "OPENAI_API_KEY");
        assert!(
            own.problem
                .as_deref()
                .is_some_and(|p| p.contains("OPENAI_API_KEY"))
        );
        assert_eq!(
            GeminiConfig::new().setup(None).models_url(),
            "https://generativelanguage.googleapis.com/v1beta/models"
        );
        assert!(OllamaConfig::new().setup(None).problem.is_none());
    }

    #[test]
    fn model_lists_of_every_shape_are_read() {
        let openai = json!({"object": "list", "data": [{"id": "gpt-4o-mini"}, {"id": "o3"}]});
        let gemini = json!({"models": [{"name": "models/gemini-2.5-flash"}]});
        let ollama = json!({"models": [{"name": "llama3.1:latest", "model": "llama3.1:latest"}]});
        assert_eq!(model_names(&openai), ["gpt-4o-mini", "o3"]);
        assert_eq!(model_names(&gemini), ["gemini-2.5-flash"]);
        let reach = Reach {
            models: model_names(&ollama),
        };
        assert!(
            reach.lists("llama3.1") && reach.lists("llama3.1:latest") && !reach.lists("llama3")
        );
        assert!(model_names(&json!({"unexpected": true})).is_empty());
    }
}
