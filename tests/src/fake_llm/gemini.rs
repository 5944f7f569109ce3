//! Gemini wire format: replies as `POST /v1beta/models/MODEL:generateContent` (and
//! `:streamGenerateContent?alt=sse`) answers them.

use serde_json::{Value, json};

use super::Reply;
use super::reply::split;

/// The prompt tokens every scripted answer reports (`usageMetadata.promptTokenCount`).
pub const PROMPT_TOKENS: u64 = 110;
/// The completion tokens every scripted answer reports (`candidatesTokenCount`).
pub const COMPLETION_TOKENS: u64 = 25;

fn usage() -> Value {
    json!({"promptTokenCount": PROMPT_TOKENS, "candidatesTokenCount": COMPLETION_TOKENS,
           "totalTokenCount": PROMPT_TOKENS + COMPLETION_TOKENS})
}

/// A `GenerateContentResponse` whose one candidate has `parts` and `finish`.
fn response(parts: Value, finish: Option<&str>, with_usage: bool) -> Value {
    let mut candidate = json!({"content": {"role": "model", "parts": parts}, "index": 0});
    if let Some(reason) = finish {
        candidate["finishReason"] = json!(reason);
    }
    let mut body = json!({"candidates": [candidate], "modelVersion": "fake-gemini"});
    if with_usage {
        body["usageMetadata"] = usage();
    }
    body
}

/// An answer whose text is `text`.
pub fn answer(text: &str) -> Reply {
    Reply::json(&response(json!([{"text": text}]), Some("STOP"), true))
}

/// An answer in which the model calls functions: `(name, args)` pairs, the first with a
/// thought signature (which the client must send back).
pub fn function_calls(calls: &[(&str, Value)]) -> Reply {
    let parts: Vec<Value> = calls
        .iter()
        .enumerate()
        .map(|(i, (name, args))| {
            let mut part = json!({"functionCall": {"name": name, "args": args}});
            if i == 0 {
                part["thoughtSignature"] = json!("c2lnbmF0dXJl");
            }
            part
        })
        .collect();
    Reply::json(&response(Value::Array(parts), Some("STOP"), true))
}

/// An answer withheld for `reason` (`SAFETY`, `RECITATION`…): no content.
pub fn stopped(reason: &str) -> Reply {
    Reply::json(
        &json!({"candidates": [{"finishReason": reason, "index": 0}],
                        "usageMetadata": usage()}),
    )
}

/// The `data:` payloads of a streamed answer of `text` in `pieces` chunks, the last with
/// `finishReason` and the usage.
fn stream_payloads(text: &str, pieces: usize) -> Vec<String> {
    let mut chunks: Vec<String> = split(text, pieces)
        .into_iter()
        .map(|piece| response(json!([{"text": piece}]), None, false).to_string())
        .collect();
    chunks.push(response(json!([{"text": ""}]), Some("STOP"), true).to_string());
    chunks
}

/// A streamed answer of `text` in `pieces` chunks.
pub fn answer_stream(text: &str, pieces: usize) -> Reply {
    Reply::events(stream_payloads(text, pieces))
}

/// A streamed answer of `text` that breaks off after its first `keep` chunks.
pub fn answer_stream_cut(text: &str, pieces: usize, keep: usize) -> Reply {
    let mut payloads = stream_payloads(text, pieces);
    payloads.truncate(keep);
    Reply::events_cut(payloads)
}
