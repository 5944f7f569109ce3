//! Ollama's native wire format: replies as `POST /api/chat` answers them, whole or as NDJSON.

use serde_json::{Value, json};

use super::Reply;
use super::reply::split;

/// The prompt tokens every scripted answer reports (`prompt_eval_count`).
pub const PROMPT_TOKENS: u64 = 90;
/// The completion tokens every scripted answer reports (`eval_count`).
pub const COMPLETION_TOKENS: u64 = 20;

/// One `/api/chat` object with `message`; `done` ones carry the counts.
fn chunk(message: Value, done: bool) -> Value {
    let mut chunk = json!({"model": "fake-llama", "created_at": "2026-01-01T00:00:00Z",
                           "message": message, "done": done});
    if done {
        chunk["done_reason"] = json!("stop");
        chunk["prompt_eval_count"] = json!(PROMPT_TOKENS);
        chunk["eval_count"] = json!(COMPLETION_TOKENS);
    }
    chunk
}

/// A whole answer whose content is `content`.
pub fn chat(content: &str) -> Reply {
    Reply::json(&chunk(
        json!({"role": "assistant", "content": content}),
        true,
    ))
}

/// A whole answer in which the model calls tools: `(name, arguments)` pairs.
pub fn tool_calls(calls: &[(&str, Value)]) -> Reply {
    let calls: Vec<Value> = calls
        .iter()
        .map(|(name, args)| json!({"function": {"name": name, "arguments": args}}))
        .collect();
    let message = json!({"role": "assistant", "content": "", "tool_calls": calls});
    Reply::json(&chunk(message, true))
}

/// What Ollama answers when `model` has no tool calling and tools were offered.
pub fn no_tools(model: &str) -> Reply {
    let body = json!({"error": format!("registry.ollama.ai/library/{model}:latest does not support tools")});
    match Reply::json(&body) {
        Reply::Body {
            headers,
            content_type,
            body,
            ..
        } => Reply::Body {
            status: 400,
            headers,
            content_type,
            body,
        },
        other => other,
    }
}

fn lines(content: &str, pieces: usize) -> Vec<String> {
    let mut lines: Vec<String> = split(content, pieces)
        .into_iter()
        .map(|p| chunk(json!({"role": "assistant", "content": p}), false).to_string())
        .collect();
    lines.push(chunk(json!({"role": "assistant", "content": ""}), true).to_string());
    lines
}

/// A streamed (NDJSON) answer of `content` in `pieces` lines, then the `done` line.
pub fn chat_stream(content: &str, pieces: usize) -> Reply {
    Reply::Lines {
        lines: lines(content, pieces),
        cut: false,
    }
}

/// A streamed answer of `content` that breaks off after its first `keep` lines.
pub fn chat_stream_cut(content: &str, pieces: usize, keep: usize) -> Reply {
    let mut lines = lines(content, pieces);
    lines.truncate(keep);
    Reply::Lines { lines, cut: true }
}
