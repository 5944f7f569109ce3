//! OpenAI Chat Completions wire format: replies as `POST /v1/chat/completions` answers them.

use serde_json::{Value, json};

use super::Reply;
use super::reply::split;

/// The usage every scripted answer reports.
pub const PROMPT_TOKENS: u64 = 120;
/// The completion tokens every scripted answer reports.
pub const COMPLETION_TOKENS: u64 = 30;

fn usage() -> Value {
    json!({"prompt_tokens": PROMPT_TOKENS, "completion_tokens": COMPLETION_TOKENS,
           "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS})
}

/// A chat completion whose assistant message is `content`.
pub fn chat(content: &str) -> Reply {
    Reply::json(&json!({
        "id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": "fake-model",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content, "refusal": null}}],
        "usage": usage(),
    }))
}

/// A chat completion refused by the model.
pub fn refusal(text: &str) -> Reply {
    Reply::json(&json!({
        "id": "chatcmpl-fake", "object": "chat.completion", "model": "fake-model",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": null, "refusal": text}}],
        "usage": usage(),
    }))
}

/// The `data:` payloads of a streamed completion of `content`, split into `pieces` deltas,
/// with the usage chunk (`stream_options.include_usage`) and `[DONE]`.
fn stream_payloads(content: &str, pieces: usize) -> Vec<String> {
    let chunk = |delta: Value, finish: Value| {
        json!({"id": "chatcmpl-fake", "object": "chat.completion.chunk", "model": "fake-model",
               "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
        .to_string()
    };
    let mut out = vec![chunk(
        json!({"role": "assistant", "content": ""}),
        Value::Null,
    )];
    for text in split(content, pieces) {
        out.push(chunk(json!({"content": text}), Value::Null));
    }
    out.push(chunk(json!({}), json!("stop")));
    out.push(
        json!({"id": "chatcmpl-fake", "object": "chat.completion.chunk", "choices": [], "usage": usage()})
            .to_string(),
    );
    out.push("[DONE]".into());
    out
}

/// A streamed completion of `content` in `pieces` deltas.
pub fn chat_stream(content: &str, pieces: usize) -> Reply {
    Reply::events(stream_payloads(content, pieces))
}

/// A streamed completion of `content` that breaks off after its first `keep` events.
pub fn chat_stream_cut(content: &str, pieces: usize, keep: usize) -> Reply {
    let mut payloads = stream_payloads(content, pieces);
    payloads.truncate(keep);
    Reply::events_cut(payloads)
}

/// [`tool_calls`] streamed: the calls arrive as deltas (name first, then the arguments in two
/// pieces), then the usage chunk and `[DONE]`.
pub fn tool_calls_stream(calls: &[(&str, Value)]) -> Reply {
    let chunk = |delta: Value, finish: Value| {
        json!({"id": "chatcmpl-fake", "object": "chat.completion.chunk", "model": "fake-model",
               "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
        .to_string()
    };
    let mut out = vec![chunk(
        json!({"role": "assistant", "content": null}),
        Value::Null,
    )];
    for (i, (name, args)) in calls.iter().enumerate() {
        let args = args.to_string();
        let (head, tail) = args.split_at(args.len() / 2);
        out.push(chunk(
            json!({"tool_calls": [{"index": i, "id": format!("call_{i}"), "type": "function",
                   "function": {"name": name, "arguments": head}}]}),
            Value::Null,
        ));
        out.push(chunk(
            json!({"tool_calls": [{"index": i, "function": {"arguments": tail}}]}),
            Value::Null,
        ));
    }
    out.push(chunk(json!({}), json!("tool_calls")));
    out.push(
        json!({"id": "chatcmpl-fake", "object": "chat.completion.chunk", "choices": [], "usage": usage()})
            .to_string(),
    );
    out.push("[DONE]".into());
    Reply::events(out)
}

/// A chat completion in which the model calls functions: `(name, arguments)` pairs, with ids
/// `call_0`, `call_1`…
pub fn tool_calls(calls: &[(&str, Value)]) -> Reply {
    let calls: Vec<Value> = calls
        .iter()
        .enumerate()
        .map(|(i, (name, args))| {
            json!({"id": format!("call_{i}"), "type": "function",
                   "function": {"name": name, "arguments": args.to_string()}})
        })
        .collect();
    Reply::json(&json!({
        "id": "chatcmpl-fake", "object": "chat.completion", "model": "fake-model",
        "choices": [{"index": 0, "finish_reason": "tool_calls",
                     "message": {"role": "assistant", "content": null, "tool_calls": calls}}],
        "usage": usage(),
    }))
}
