//! Anthropic Messages wire format: replies as `POST /v1/messages` answers them (set
//! `ANTHROPIC_BASE_URL` to [`FakeLlm::url`](super::FakeLlm::url)).

use serde_json::{Value, json};

use super::Reply;

/// The input tokens every scripted answer reports.
pub const INPUT_TOKENS: u64 = 200;
/// The output tokens every scripted answer reports.
pub const OUTPUT_TOKENS: u64 = 40;

fn message(content: Vec<Value>, stop_reason: &str) -> Value {
    json!({
        "id": "msg_fake", "type": "message", "role": "assistant", "model": "fake-model",
        "content": content, "stop_reason": stop_reason, "stop_sequence": null,
        "usage": {"input_tokens": INPUT_TOKENS, "output_tokens": OUTPUT_TOKENS},
    })
}

/// The input object of a `propose` call: `proposal` parsed, or (not JSON) a string, so that a
/// malformed answer can be scripted too.
fn input(proposal: &str) -> Value {
    serde_json::from_str(proposal).unwrap_or_else(|_| Value::String(proposal.to_owned()))
}

/// The final answer: a call of the `propose` tool with `proposal` (JSON text) as its input.
pub fn propose(proposal: &str) -> Reply {
    let call = json!({"type": "tool_use", "id": "toolu_propose", "name": "propose",
                      "input": input(proposal)});
    Reply::json(&message(vec![call], "tool_use"))
}

/// A model that ignores the tools and answers with `text`.
pub fn text(text: &str) -> Reply {
    Reply::json(&message(
        vec![json!({"type": "text", "text": text})],
        "end_turn",
    ))
}

/// A turn in which the model calls tools: `(name, input)` pairs, ids `toolu_0`, `toolu_1`…
pub fn tool_use(calls: &[(&str, Value)]) -> Reply {
    let mut content = vec![json!({"type": "text", "text": "Let me look at the cluster."})];
    content.extend(calls.iter().enumerate().map(|(i, (name, input))| {
        json!({"type": "tool_use", "id": format!("toolu_{i}"), "name": name, "input": input})
    }));
    Reply::json(&message(content, "tool_use"))
}

/// `status` with Anthropic's error body `{"type":"error","error":{"type":…,"message":…}}`.
pub fn error(status: u16, kind: &str, text: &str) -> Reply {
    Reply::Body {
        status,
        headers: Vec::new(),
        content_type: "application/json".into(),
        body: json!({"type": "error", "error": {"type": kind, "message": text}})
            .to_string()
            .into_bytes(),
    }
}

/// 529: the API is overloaded.
pub fn overloaded() -> Reply {
    error(529, "overloaded_error", "Overloaded")
}

/// 429 with `retry-after: SECONDS`.
pub fn rate_limited(seconds: u64) -> Reply {
    error(
        429,
        "rate_limit_error",
        "Number of request tokens has exceeded your rate limit",
    )
    .header("retry-after", &seconds.to_string())
}

/// One named event (`event:` line and `data:`), as the Messages API streams them.
fn event(data: Value) -> String {
    let name = data["type"].as_str().unwrap_or("message").to_owned();
    format!("event: {name}\ndata: {data}")
}

/// The events of a streamed `propose` call whose input (`proposal`) arrives in `pieces`
/// `input_json_delta`s, with a ping, the usage in `message_start` and `message_delta`.
fn stream_events(proposal: &str, pieces: usize) -> Vec<String> {
    let chars: Vec<char> = proposal.chars().collect();
    let size = chars.len().div_ceil(pieces.max(1)).max(1);
    let mut out = vec![
        event(json!({"type": "message_start", "message": {
            "id": "msg_fake", "type": "message", "role": "assistant", "model": "fake-model",
            "content": [], "stop_reason": null,
            "usage": {"input_tokens": INPUT_TOKENS, "output_tokens": 1}}})),
        event(
            json!({"type": "content_block_start", "index": 0, "content_block": {
            "type": "tool_use", "id": "toolu_propose", "name": "propose", "input": {}}}),
        ),
        event(json!({"type": "ping"})),
    ];
    for piece in chars.chunks(size) {
        let partial: String = piece.iter().collect();
        out.push(event(json!({"type": "content_block_delta", "index": 0,
            "delta": {"type": "input_json_delta", "partial_json": partial}})));
    }
    out.push(event(json!({"type": "content_block_stop", "index": 0})));
    out.push(event(json!({"type": "message_delta",
        "delta": {"stop_reason": "tool_use", "stop_sequence": null},
        "usage": {"output_tokens": OUTPUT_TOKENS}})));
    out.push(event(json!({"type": "message_stop"})));
    out
}

/// A streamed `propose` call of `proposal` in `pieces` deltas.
pub fn stream(proposal: &str, pieces: usize) -> Reply {
    Reply::events(stream_events(proposal, pieces))
}

/// A streamed answer that breaks off after its first `keep` events.
pub fn stream_cut(proposal: &str, pieces: usize, keep: usize) -> Reply {
    let mut events = stream_events(proposal, pieces);
    events.truncate(keep);
    Reply::events_cut(events)
}

/// A stream that starts, then ends with an `error` event (`overloaded_error`).
pub fn stream_error(proposal: &str, pieces: usize) -> Reply {
    let mut events = stream_events(proposal, pieces);
    events.truncate(3);
    events.push(event(json!({"type": "error",
        "error": {"type": "overloaded_error", "message": "Overloaded"}})));
    Reply::events(events)
}
