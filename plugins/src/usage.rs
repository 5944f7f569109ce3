//! Token usage, as the providers report it, summed per request and per session.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Tokens used by one or more model calls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Model calls made.
    pub calls: u32,
    /// Tokens sent (the prompt, tool results included).
    pub prompt_tokens: u64,
    /// Tokens generated.
    pub completion_tokens: u64,
}

impl Usage {
    /// Prompt and completion tokens together.
    pub fn total_tokens(&self) -> u64 {
        self.prompt_tokens + self.completion_tokens
    }

    /// Adds `other` to this one.
    pub fn add(&mut self, other: Usage) {
        self.calls += other.calls;
        self.prompt_tokens += other.prompt_tokens;
        self.completion_tokens += other.completion_tokens;
    }

    /// One call's usage from an OpenAI-style `usage` object (`prompt_tokens`,
    /// `completion_tokens`); missing counts are 0.
    pub fn from_openai(usage: Option<&Value>) -> Usage {
        Usage::from_fields(usage, "prompt_tokens", "completion_tokens")
    }

    /// One call's usage from the counts named `prompt` and `completion` in `usage` (Gemini's
    /// `usageMetadata.promptTokenCount`, Ollama's `prompt_eval_count`…); missing counts are 0.
    pub fn from_fields(usage: Option<&Value>, prompt: &str, completion: &str) -> Usage {
        let count = |name: &str| count(usage, name);
        Usage {
            calls: 1,
            prompt_tokens: count(prompt),
            completion_tokens: count(completion),
        }
    }

    /// One call's usage from an Anthropic `usage` object: `input_tokens` (plus cache reads
    /// and writes, which are prompt tokens too) and `output_tokens`; missing counts are 0.
    pub fn from_anthropic(usage: Option<&Value>) -> Usage {
        let count = |name: &str| count(usage, name);
        Usage {
            calls: 1,
            prompt_tokens: count("input_tokens")
                + count("cache_creation_input_tokens")
                + count("cache_read_input_tokens"),
            completion_tokens: count("output_tokens"),
        }
    }
}

/// The count `name` in a usage object; 0 when missing.
fn count(usage: Option<&Value>, name: &str) -> u64 {
    usage
        .and_then(|u| u.get(name))
        .and_then(Value::as_u64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_adds_up() {
        let v =
            serde_json::json!({"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17});
        let mut total = Usage::default();
        total.add(Usage::from_openai(Some(&v)));
        total.add(Usage::from_openai(None));
        assert_eq!(
            (total.calls, total.prompt_tokens, total.total_tokens()),
            (2, 12, 17)
        );
        let a = serde_json::json!({"input_tokens": 10, "cache_read_input_tokens": 5, "output_tokens": 3});
        assert_eq!(Usage::from_anthropic(Some(&a)).total_tokens(), 18);
    }
}
