//! Prompt templates and the proposal schema, embedded from `prompts/` at compile time. The
//! templates can be overridden per user: `system.md` and `repair.md` in
//! `$XDG_CONFIG_HOME/shipmate/prompts/` (default `~/.config/shipmate/prompts/`) replace the
//! built-in ones (a missing, empty, unreadable or oversized file keeps the built-in one).

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

/// Largest prompt override read.
const MAX_OVERRIDE: u64 = 64 * 1024;

static SYSTEM_PROMPT: LazyLock<String> =
    LazyLock::new(|| load_override(user_prompts_dir().as_deref(), "system.md", SYSTEM));

static REPAIR_PROMPT: LazyLock<String> =
    LazyLock::new(|| load_override(user_prompts_dir().as_deref(), "repair.md", REPAIR));

fn user_prompts_dir() -> Option<std::path::PathBuf> {
    shipmate_manifests::Constitution::user_config_dir().map(|d| d.join("prompts"))
}

/// `dir/name` when it is a readable, non-empty file of at most 64 KiB; else `default`.
fn load_override(dir: Option<&std::path::Path>, name: &str, default: &str) -> String {
    let Some(path) = dir.map(|d| d.join(name)) else {
        return default.to_owned();
    };
    let small = std::fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() <= MAX_OVERRIDE);
    match std::fs::read_to_string(&path) {
        Ok(text) if small && !text.trim().is_empty() => {
            tracing::debug!(path = %path.display(), "using the user's prompt template");
            text
        }
        _ => default.to_owned(),
    }
}

/// The system prompt: the user's override, else the built-in [`SYSTEM`].
pub fn system() -> &'static str {
    &SYSTEM_PROMPT
}

/// The repair request for an answer rejected because of `reason`.
pub fn repair(reason: &str) -> String {
    REPAIR_PROMPT.trim_end().replace("{reason}", reason)
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
    fn user_templates_override_the_built_in_ones_when_usable() {
        let dir = tempfile::tempdir().unwrap();
        let load = |name| super::load_override(Some(dir.path()), name, "built-in");
        assert_eq!(load("system.md"), "built-in", "no file");
        std::fs::write(dir.path().join("system.md"), "  \n").unwrap();
        assert_eq!(load("system.md"), "built-in", "empty file");
        std::fs::write(dir.path().join("system.md"), "You are terse.").unwrap();
        assert_eq!(load("system.md"), "You are terse.");
        std::fs::write(dir.path().join("repair.md"), "x".repeat(70 * 1024)).unwrap();
        assert_eq!(load("repair.md"), "built-in", "oversized file");
        assert_eq!(
            super::load_override(None, "system.md", "built-in"),
            "built-in"
        );
    }

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
