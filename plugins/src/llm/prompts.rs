//! Prompt templates and the proposal schema, embedded from `prompts/` at compile time.

use std::sync::LazyLock;

use serde_json::Value;

use super::mask::mask_text;
use crate::backend::{Context, Request};

/// The system prompt every LLM backend starts from.
pub const SYSTEM: &str = include_str!("../../../prompts/system.md");

/// The repair request sent after an unusable answer; `{reason}` is replaced.
pub const REPAIR: &str = include_str!("../../../prompts/repair.md");

/// The checked-in JSON schema of `Proposal` (kept in sync by a test in `proposal.rs`).
pub const PROPOSAL_SCHEMA: &str = include_str!("../../../prompts/proposal.schema.json");

static SCHEMA_VALUE: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(PROPOSAL_SCHEMA).expect("prompts/proposal.schema.json is JSON")
});

/// [`PROPOSAL_SCHEMA`] parsed.
pub fn proposal_schema() -> &'static Value {
    &SCHEMA_VALUE
}

/// The repair request for an answer rejected because of `reason`.
pub fn repair(reason: &str) -> String {
    REPAIR.trim_end().replace("{reason}", reason)
}

/// The first user message: the request (masked) and the context it needs.
pub fn request(req: &Request, cx: &Context<'_>) -> String {
    format!(
        "Request: {}\nDefault namespace: {}",
        mask_text(&req.text),
        cx.namespace().unwrap_or("default")
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn templates_are_usable() {
        assert!(super::proposal_schema()["properties"]["status"].is_object());
        assert!(
            super::repair("x is wrong")
                .starts_with("Your previous answer could not be used: x is wrong.")
        );
        assert!(super::SYSTEM.contains("untrusted-data"));
    }
}
